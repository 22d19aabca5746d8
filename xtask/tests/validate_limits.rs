//! `cargo xtask validate` on inputs that never end or are too large: reading stops just past
//! IAM's cap of 131,072 characters, and the input is reported INPUT_TOO_LARGE, located, with
//! exit status 1 (an invalid policy), never read until memory runs out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

const CAP: usize = 131_072;

fn xtask() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.arg("validate").env("NO_COLOR", "1");
    c
}

/// The single finding of the single file of a `--format json` report.
fn only_finding(o: &Output) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)));
    let findings = report[0]["findings"].as_array().expect("findings").clone();
    assert_eq!(findings.len(), 1, "{findings:?}");
    findings[0].clone()
}

fn assert_cut(finding: &serde_json::Value) {
    assert_eq!(finding["code"], "INPUT_TOO_LARGE", "{finding}");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 1);
    let message = finding["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("reading stopped after {} bytes", CAP + 1)),
        "{message}"
    );
}

#[cfg(unix)]
#[test]
fn dev_zero_is_read_up_to_the_cap_only() {
    let o = xtask()
        .args(["--format", "json", "/dev/zero"])
        .output()
        .expect("xtask runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = only_finding(&o);
    assert_cut(&f);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report[0]["file"], "/dev/zero");
}

#[test]
fn an_endless_pipe_is_read_up_to_the_cap_only() {
    let mut child = xtask()
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let mut input = child.stdin.take().expect("stdin");
    // Writes until the reader hangs up: it must hang up for the test to end.
    let writer = std::thread::spawn(move || {
        let chunk = [b' '; 8192];
        let mut written = 0usize;
        while input.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let o = child.wait_with_output().expect("xtask finishes");
    let written = writer.join().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_cut(&only_finding(&o));
    // What was written beyond the read is what the pipe buffers held.
    assert!(written < CAP + (4 << 20), "{written} bytes written");
}

/// A policy whose `Sid` is `n` copies of `c`.
fn policy_with_sid(c: char, n: usize) -> String {
    let sid: String = std::iter::repeat_n(c, n).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}"#
    )
}

fn validate_stdin(text: &str) -> Output {
    let mut child = xtask()
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(text.as_bytes());
    drop(input);
    child.wait_with_output().expect("xtask finishes")
}

#[test]
fn multi_byte_text_under_the_cap_is_read_whole() {
    // Over 131,073 bytes, under 131,072 characters: read on to the end, and judged by IAM's
    // rule (a Sid of non-alphanumeric characters is an error, not a size problem).
    let under = policy_with_sid('é', 100_000);
    assert!(under.len() > CAP + 1 && under.chars().count() < CAP);
    let o = validate_stdin(&under);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = report[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"INPUT_TOO_LARGE"), "{codes:?}");
    // Just over the cap in characters, but under four bytes a character: read whole, and its
    // true length reported.
    let over = policy_with_sid('é', CAP);
    let o = validate_stdin(&over);
    assert_eq!(o.status.code(), Some(1));
    let f = only_finding(&o);
    assert_eq!(f["code"], "INPUT_TOO_LARGE");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{} characters long", over.chars().count())),
        "{message}"
    );
}

#[test]
fn an_oversized_file_is_cut_and_the_others_still_validated() {
    let dir = std::env::temp_dir().join(format!("rolewright-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a-big.json"), vec![b'['; 3 * CAP]).unwrap();
    std::fs::write(
        dir.join("b-ok.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
    .unwrap();
    let o = xtask()
        .args(["--format", "json"])
        .arg(&dir)
        .output()
        .expect("xtask runs");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_cut(&report[0]["findings"][0]);
    assert_eq!(report[1]["valid"], true);
    assert!(report[1]["file"].as_str().unwrap().ends_with("b-ok.json"));
}
