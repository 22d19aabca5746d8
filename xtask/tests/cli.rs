//! The command line as a new user meets it: it works from any directory (the project root is
//! found from the current directory, or given with `--root`, never taken from where the binary
//! was built), its help names every command, `--version` is rolewright's, `plan --help` needs
//! no build of the apply engine, and errors are one `error:` line plus a `help:` line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch folder outside the repository (the target folder is inside it, and the
/// repository root would be found from there).
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to set up fails the test"
)]
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rolewright-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[expect(
    clippy::expect_used,
    reason = "a test helper: a binary that does not start fails the test"
)]
fn run(binary: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        // Any attempt to build or run something through Cargo fails loudly.
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A copy of the binary, run in a copy of `examples/` far from the build tree, renders there:
/// into the copy's `out/`, from the copy's configs.
#[test]
fn a_copied_binary_renders_from_another_directory() {
    let dir = scratch("copied");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let binary = bin.join(format!("rolewright{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_xtask"), &binary).unwrap();
    let project = dir.join("project");
    let examples = project.join("examples");
    std::fs::create_dir_all(&examples).unwrap();
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            std::fs::copy(&path, examples.join(path.file_name().unwrap())).unwrap();
        }
    }
    // The copy's own config, changed so that the output shows which config was read.
    let teams = std::fs::read_to_string(examples.join("aws-teams.yaml"))
        .unwrap()
        .replace("namespace: eg", "namespace: copied");
    std::fs::write(examples.join("aws-teams.yaml"), teams).unwrap();

    let o = run(&binary, &examples, &["render", "aws-teams"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let roles = std::fs::read_to_string(project.join("out/aws-teams/roles.tf.json")).unwrap();
    assert!(roles.contains("copied-core-gbl-identity-admin"), "{roles}");

    // `--root` from anywhere else.
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let root = project.to_str().unwrap();
    let o = run(
        &binary,
        &elsewhere,
        &["--root", root, "render", "tableflow"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(project.join("out/tableflow").is_dir());
    assert!(!elsewhere.join("out").exists());

    // No project here and none above: the render says where it looked.
    let o = run(&binary, &elsewhere, &["render", "tableflow"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("has no example config"), "{stderr}");
    assert!(stderr.contains("--root DIR"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_names_every_command_and_version_is_rolewrights() {
    let binary = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let o = run(binary, &repo(), &["--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for command in [
        "render",
        "validate",
        "plan",
        "apply",
        "destroy",
        "codegen",
        "catalog-refresh",
        "test",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "`{command}` is not listed:\n{help}"
        );
    }
    let o = run(binary, &repo(), &["--version"]);
    assert_eq!(
        text(&o.stdout).trim(),
        format!("rolewright {}", env!("CARGO_PKG_VERSION"))
    );
}

/// `plan --help` is answered from the engine's flag definitions compiled into this binary:
/// Cargo is unreachable here, so building the engine would fail.
#[test]
fn plan_help_needs_no_engine_build() {
    let binary = Path::new(env!("CARGO_BIN_EXE_xtask"));
    for command in ["plan", "apply", "destroy"] {
        let o = run(binary, &repo(), &[command, "--help"]);
        let help = text(&o.stdout);
        assert!(o.status.success(), "{}", text(&o.stderr));
        for flag in [
            "--auto-approve",
            "--endpoint-url",
            "--account-role",
            "--generated",
        ] {
            assert!(
                help.contains(flag),
                "`{command} --help` lacks {flag}:\n{help}"
            );
        }
    }
    // A bad flag is a usage error before any build.
    let o = run(binary, &repo(), &["plan", "aws-teams", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("invalid value 'yaml' for '--format"));
}

/// Errors are one located `error:` line and a `help:` line, not a debug dump.
#[test]
fn errors_are_one_line_plus_help() {
    let binary = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let o = run(
        binary,
        &repo(),
        &["--root", "/nonexistent/rolewright", "render"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "error: `--root /nonexistent/rolewright` is not a folder\n  help: pass the folder that holds `examples/` (and gets `out/`)\n"
    );
    let dir = scratch("errors");
    let o = run(binary, &dir, &["plan", "aws-teams"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: `plan` runs the apply engine from the rolewright source tree"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
