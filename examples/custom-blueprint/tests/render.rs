//! The team's own binary gets every command for its own blueprint: it renders
//! `service-roles` from its example config, reports a misspelt account reference with a
//! suggestion, and still serves the built-in blueprints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to set up fails the test"
)]
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("custom-blueprint-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[expect(
    clippy::expect_used,
    reason = "a test helper: a binary that does not start fails the test"
)]
fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform-rolewright"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn the_custom_blueprint_renders_with_every_format() {
    let out = scratch("render");
    let o = run(
        &crate_dir(),
        &["render", "service-roles", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let roles = std::fs::read_to_string(out.join("service-roles/roles.tf.json")).unwrap();
    assert!(roles.contains("\"name\": \"prod-reporter\""), "{roles}");
    assert!(roles.contains("lambda.amazonaws.com"), "{roles}");
    let providers = std::fs::read_to_string(out.join("service-roles/providers.tf.json")).unwrap();
    assert!(providers.contains("333333333333"), "{providers}");

    let o = run(
        &crate_dir(),
        &[
            "render",
            "service-roles",
            "--format",
            "iam",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let iam = std::fs::read_to_string(out.join("service-roles/iam.json")).unwrap();
    assert!(
        iam.contains("arn:aws:iam::210987654321:role/prod-scheduler"),
        "{iam}"
    );
}

#[test]
fn a_misspelt_reference_is_located_with_a_suggestion() {
    let dir = scratch("typo");
    let config = dir.join("typo.yaml");
    let text = std::fs::read_to_string(crate_dir().join("examples/service-roles.yaml"))
        .unwrap()
        .replace("account: data", "account: dta");
    std::fs::write(&config, &text).unwrap();
    let o = run(
        &dir,
        &[
            "render",
            "service-roles",
            "--config",
            "typo.yaml",
            "--out",
            dir.join("out").to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let line = text
        .lines()
        .position(|l| l.contains("account: dta"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(
            "typo.yaml:{line}:14: input `services.reporter.account`: `dta` is not an account of `accounts`\n  help: did you mean `data`?"
        )),
        "{stderr}"
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn the_built_in_blueprints_are_served_too() {
    let o = run(&crate_dir(), &["render", "--help"]);
    assert!(o.status.success());
    let out = scratch("builtin");
    let root = crate_dir().join("../..");
    let o = run(
        &crate_dir(),
        &[
            "--root",
            root.to_str().unwrap(),
            "render",
            "tableflow",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("tableflow/roles.tf.json").is_file());
}
