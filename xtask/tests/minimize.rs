//! `cargo xtask minimize` end to end: the printed document is smaller and proven to allow
//! exactly what the input allows; wildcards only with `--allow-future-actions`; errors exit 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

use iam_model::reason::{contained, same_access};
use iam_model::PolicyDocument;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("minimize")
        .args(args)
        .output()
        .expect("xtask runs")
}

fn file(name: &str, text: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xtask-minimize");
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::b/*"},
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"},
 {"Effect":"Allow","Action":["sqs:ListQueues","sqs:ListQueueTags","sqs:ListDeadLetterSourceQueues","sqs:ListMessageMoveTasks"],"Resource":"*"}]}"#;

#[test]
fn smaller_and_proven_equivalent() {
    let p = file("policy.json", POLICY);
    let o = run(&[p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before: PolicyDocument = POLICY.parse().unwrap();
    let after: PolicyDocument = String::from_utf8(o.stdout).unwrap().parse().unwrap();
    assert!(after.size() < before.size());
    assert_eq!(after.statements.len(), 2);
    assert!(same_access(&[&before], &[&after]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("characters"));

    let o = run(&["--allow-future-actions", p.to_str().unwrap()]);
    assert!(o.status.success());
    let wide: PolicyDocument = String::from_utf8(o.stdout).unwrap().parse().unwrap();
    assert!(wide.size() < after.size());
    // Never narrower; broader only by actions the catalog does not hold yet.
    assert!(contained(&[&wide], &[&before]).holds());
    let extra = contained(&[&before], &[&wide]);
    assert!(extra.escapes.iter().all(|e| e.future_action), "{extra:?}");
}

#[test]
fn errors_exit_2() {
    let o = run(&["/nonexistent/policy.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/policy.json"));
    let p = file(
        "bad.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
    );
    let o = run(&[p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/Statement/0"));
    assert_eq!(run(&[]).status.code(), Some(2));
}
