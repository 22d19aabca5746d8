//! `cargo xtask who-can`, `explain` and `graph` end to end on the example configs: human and
//! JSON answers (insta snapshots), exit statuses, and the errors for bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn who_can_admin_in_prod_human() {
    let o = xtask(&[
        "who-can",
        "iam:CreateUser",
        "arn:aws:iam::210987654321:user/anyone",
        "--blueprint",
        "landing-zone",
        "--blueprint",
        "aws-teams",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("who_can_admin_in_prod", stdout(&o));
}

#[test]
fn who_can_json() {
    let o = xtask(&[
        "who-can",
        "sts:AssumeRole",
        "arn:aws:iam::222222222222:role/sym/approver",
        "--config",
        "runtime-connector=examples/runtime-connector.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["roles"].as_array().unwrap().len(), 1);
    assert_eq!(v["paths"][0]["from"], "third-party account 803477428605");
    assert_eq!(
        v["paths"][0]["hops"][0]["conditions"][0]["key"],
        "sts:ExternalId"
    );
    insta::assert_json_snapshot!("who_can_sym_json", v);
}

#[test]
fn explain_allowed_and_denied() {
    let ok = xtask(&[
        "explain",
        "foundation-oidc",
        "sts:AssumeRole",
        "arn:aws:iam::123456789012:role/foundation-tf-state",
        "--blueprint",
        "landing-zone",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let denied = xtask(&[
        "explain",
        "landing-zone/env-prd",
        "sts:AssumeRole",
        "--caller",
        "arn:aws:iam::123456789012:role/foundation-oidc",
        "--context",
        "sts:ExternalId=wrong",
        "--blueprint",
        "landing-zone",
    ]);
    assert_eq!(denied.status.code(), Some(3), "{}", stderr(&denied));
    let right = xtask(&[
        "explain",
        "landing-zone/env-prd",
        "sts:AssumeRole",
        "--caller",
        "arn:aws:iam::123456789012:role/foundation-oidc",
        "--context",
        "sts:ExternalId=123Prod456",
        "--blueprint",
        "landing-zone",
        "--json",
    ]);
    assert_eq!(right.status.code(), Some(0), "{}", stderr(&right));
    insta::assert_snapshot!(
        "explain",
        format!(
            "{}---\n{}---\n{}",
            stdout(&ok),
            stdout(&denied),
            stdout(&right)
        )
    );
}

#[test]
fn explain_names_the_deciding_deny() {
    let o = xtask(&[
        "explain",
        "aws-teams/viewer",
        "sts:AssumeRole",
        "--caller",
        "arn:aws:iam::111111111111:role/eg-core-gbl-identity-viewer",
        "--blueprint",
        "aws-teams",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let out = stdout(&o);
    assert!(out.starts_with("denied (explicit deny)"), "{out}");
    assert!(
        out.contains("Deny  trust policy /Statement/0 (Sid `RoleDenyAssumeRole`)"),
        "{out}"
    );
}

#[test]
fn graph_formats() {
    let mermaid = xtask(&["graph", "--blueprint", "tableflow"]);
    assert_eq!(mermaid.status.code(), Some(0), "{}", stderr(&mermaid));
    insta::assert_snapshot!("graph_tableflow_mermaid", stdout(&mermaid));
    let dot = xtask(&["graph", "--blueprint", "tableflow", "--format", "dot"]);
    insta::assert_snapshot!("graph_tableflow_dot", stdout(&dot));
    let svg = xtask(&["graph", "--blueprint", "landing-zone", "--format", "svg"]);
    assert_eq!(svg.status.code(), Some(0), "{}", stderr(&svg));
    let text = stdout(&svg);
    assert!(text.contains("<svg"), "{text}");
    assert!(text.contains("foundation-oidc"));
    assert!(text.trim_end().ends_with("</svg>"));
    // Deterministic output.
    let again = xtask(&["graph", "--blueprint", "landing-zone", "--format", "svg"]);
    assert_eq!(stdout(&again), text);
}

#[test]
fn bad_input_is_reported() {
    let cases: [(&[&str], i32, &str); 6] = [
        (
            &["who-can", "CreateUser", "*"],
            2,
            "error: `CreateUser` is not an action; write `service:Action`",
        ),
        (
            &[
                "who-can",
                "iam:CreateUser",
                "*",
                "--blueprint",
                "landing-zon",
            ],
            2,
            "error: unknown blueprint `landing-zon`; did you mean `landing-zone`?",
        ),
        (
            &["graph", "--config", "tableflow"],
            2,
            "error: `--config tableflow`: expected BLUEPRINT=FILE",
        ),
        (
            &["graph", "--config", "tableflow=examples/nope.yaml"],
            2,
            "error: cannot read config file `examples/nope.yaml`",
        ),
        (
            &[
                "explain",
                "no-such-role",
                "s3:GetObject",
                "*",
                "--blueprint",
                "tableflow",
            ],
            2,
            "error: no role `no-such-role` in the loaded blueprints",
        ),
        (
            &[
                "explain",
                "tableflow/confluent_mock_role",
                "sts:AssumeRole",
                "--caller",
                "bob",
                "--blueprint",
                "tableflow",
            ],
            2,
            "error: `--caller bob` is not a principal",
        ),
    ];
    for (args, code, message) in cases {
        let o = xtask(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn a_config_error_names_file_and_line() {
    let dir = std::env::temp_dir().join(format!("rolewright-who-can-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tableflow.yaml");
    std::fs::write(&file, "env: dev\nproject: [oops]\n").unwrap();
    let o = xtask(&[
        "graph",
        "--config",
        &format!("tableflow={}", file.display()),
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("tableflow.yaml:2:"), "{err}");
    assert!(err.contains("no graph was built"), "{err}");
}

/// The README's worked review shows the command's real output (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_review_example_is_current() {
    let args = [
        "who-can",
        "iam:CreateUser",
        "arn:aws:iam::210987654321:user/anyone",
        "--blueprint",
        "landing-zone",
        "--blueprint",
        "aws-teams",
    ];
    let o = xtask(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let block = format!(
        "```console\n$ cargo xtask {}\n{}```",
        args.join(" "),
        stdout(&o)
    );
    blueprint_kit::readme_section_check(root().join("README.md"), "who-can-review", &block)
        .unwrap();
}

#[test]
fn graph_out_writes_the_whole_drawing() {
    let dir = std::env::temp_dir().join(format!("rolewright-graph-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trust.dot");
    let file_arg = file.display().to_string();
    let o = xtask(&[
        "graph",
        "--blueprint",
        "inventory",
        "--format",
        "dot",
        "--out",
        &file_arg,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    let printed = stdout(&xtask(&[
        "graph",
        "--blueprint",
        "inventory",
        "--format",
        "dot",
    ]));
    assert_eq!(written, printed);
    // An unwritable target is an error, and nothing is left behind.
    let bad = dir.join("missing-dir").join("trust.dot");
    let o = xtask(&[
        "graph",
        "--blueprint",
        "inventory",
        "--out",
        &bad.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: cannot write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
