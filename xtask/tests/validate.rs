//! `cargo xtask validate` end to end: the binary over the policies in
//! `tests/corpus/validate/` (identity, trust and resource policies, valid and not), its three
//! output formats, exit statuses, stdin, directories, and the problems that are not findings
//! (a missing file, no file, bad flags).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `xtask validate ARGS` in the workspace root (so that paths print relative to it),
/// without colors, with `stdin` as its standard input.
fn validate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .arg("validate")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let mut input = child.stdin.take().expect("stdin");
    // A large input may not be read at all when the run ends early: ignore a broken pipe.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("xtask finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// The codes found per file, for compact assertions.
fn codes(o: &Output) -> Vec<(String, Vec<String>)> {
    json(o)
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            let codes = f["findings"].as_array().expect("findings").iter();
            let codes = codes.map(|x| x["code"].as_str().expect("code").to_owned());
            (
                f["file"].as_str().expect("file").to_owned(),
                codes.collect(),
            )
        })
        .collect()
}

#[test]
fn json_report_per_kind() {
    for (kind, status) in [("identity", 1), ("trust", 1), ("resource", 0)] {
        let dir = format!("tests/corpus/validate/{kind}");
        let o = validate(&["--kind", kind, "--format", "json", &dir], b"");
        assert_eq!(o.status.code(), Some(status), "{kind}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{kind}");
        insta::assert_snapshot!(format!("json_{kind}"), stdout(&o));
    }
}

#[test]
fn sarif_report() {
    let o = validate(
        &["--format", "sarif", "tests/corpus/validate/identity"],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let sarif = json(&o);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "rolewright");
    // Every result's rule is listed, at its index.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn human_report_shows_each_finding_on_its_line() {
    let o = validate(
        &[
            "tests/corpus/validate/identity/typos.json",
            "tests/corpus/validate/identity/read-reports.json",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn exit_status_zero_when_every_file_is_valid() {
    // Security findings and warnings leave a policy valid.
    let o = validate(
        &["--kind", "resource", "tests/corpus/validate/resource"],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("2 files: 2 valid, 0 invalid\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn stdin_and_files_together() {
    let policy =
        std::fs::read(root().join("tests/corpus/validate/identity/read-reports.json")).unwrap();
    let o = validate(
        &[
            "--format",
            "json",
            "-",
            "tests/corpus/validate/identity/typos.json",
        ],
        &policy,
    );
    assert_eq!(o.status.code(), Some(1));
    let found = codes(&o);
    assert_eq!(found[0], ("<stdin>".to_owned(), vec![]));
    assert_eq!(found[1].0, "tests/corpus/validate/identity/typos.json");
    assert!(
        found[1].1.contains(&"UNKNOWN_ACTION".to_owned()),
        "{found:?}"
    );
    let o = validate(&["-"], &policy);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_missing_file_is_an_io_problem_and_the_rest_is_still_reported() {
    let o = validate(
        &[
            "--format",
            "json",
            "tests/corpus/validate/identity/read-reports.json",
            "tests/corpus/validate/no-such-file.json",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: cannot read `tests/corpus/validate/no-such-file.json`: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        codes(&o),
        [(
            "tests/corpus/validate/identity/read-reports.json".to_owned(),
            vec![]
        )]
    );
}

#[test]
fn no_file_to_validate_is_a_usage_problem() {
    let empty =
        std::env::temp_dir().join(format!("rolewright-validate-empty-{}", std::process::id()));
    std::fs::create_dir_all(empty.join("sub")).unwrap();
    std::fs::write(empty.join("sub/notes.txt"), "not a policy").unwrap();
    let o = validate(&[empty.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no policy to validate"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&empty).unwrap();
    // No argument at all: clap's usage error.
    let o = validate(&[], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("FILE"), "{}", stderr(&o));
}

#[test]
fn bad_flags_are_usage_problems() {
    for (args, says) in [
        (&["--kind", "scp", "x.json"][..], "invalid value 'scp'"),
        (
            &["--kind", "trust", "--attach", "inline-user", "x.json"][..],
            "`--attach` applies to identity policies only",
        ),
        (
            &["--account-id", "12345", "x.json"][..],
            "`12345` is not an account id",
        ),
        (
            &["--trust-quota", "0", "x.json"][..],
            "`--trust-quota` must be a positive number",
        ),
        (&["--format", "xml", "x.json"][..], "invalid value 'xml'"),
    ] {
        let o = validate(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

#[test]
fn the_context_flags_reach_the_validator() {
    let partner = "tests/corpus/validate/trust/partner-account.json";
    let o = validate(&["--kind", "trust", "--format", "json", partner], b"");
    assert_eq!(codes(&o)[0].1, Vec::<String>::new());
    let o = validate(
        &[
            "--kind",
            "trust",
            "--account-id",
            "123456789012",
            "--format",
            "json",
            partner,
        ],
        b"",
    );
    assert_eq!(codes(&o)[0].1, ["CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID"]);
    // 3,000 characters: fine as a managed policy, over a user's inline quota.
    let resources: Vec<String> = (0..80)
        .map(|i| format!("\"arn:aws:s3:::reports-bucket-{i:03}/*\""))
        .collect();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}]}}"#,
        resources.join(",")
    );
    assert!((2_048..6_144).contains(&big.len()), "{}", big.len());
    let o = validate(&["--format", "json", "-"], big.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    let o = validate(
        &["--attach", "inline-user", "--format", "json", "-"],
        big.as_bytes(),
    );
    assert_eq!(
        (o.status.code(), codes(&o)[0].1.clone()),
        (Some(1), vec!["POLICY_SIZE_EXCEEDED".to_owned()])
    );
    // The trust quota: 2,048 by default, adjustable.
    let principals: Vec<String> = (0..60)
        .map(|i| format!("\"arn:aws:iam::123456789012:role/role-{i:03}\""))
        .collect();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":"sts:AssumeRole"}}]}}"#,
        principals.join(",")
    );
    let o = validate(
        &["--kind", "trust", "--format", "json", "-"],
        trust.as_bytes(),
    );
    assert_eq!(codes(&o)[0].1, ["TRUST_POLICY_SIZE_EXCEEDED"]);
    let o = validate(
        &[
            "--kind",
            "trust",
            "--trust-quota",
            "4096",
            "--format",
            "json",
            "-",
        ],
        trust.as_bytes(),
    );
    assert_eq!((o.status.code(), codes(&o)[0].1.clone()), (Some(0), vec![]));
}

#[test]
fn hostile_input_is_a_finding_not_a_crash() {
    // 5 MiB: rejected by size, and the report shows one line of it, not five megabytes.
    let huge = format!("{{\"Id\": \"{}\"}}", "a".repeat(5 << 20));
    let o = validate(&["-"], huge.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("INPUT_TOO_LARGE"),
        "{}",
        &out[..out.len().min(2_000)]
    );
    assert!(out.len() < 20_000, "{} bytes of report", out.len());
    // Not UTF-8, and nested 60,000 deep.
    let o = validate(
        &["--format", "json", "-"],
        b"{\"Version\": \"2012-10-17\xff\"}",
    );
    assert_eq!(
        (o.status.code(), codes(&o)[0].1.clone()),
        (Some(1), vec!["INVALID_ENCODING".to_owned()])
    );
    let deep = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    let o = validate(&["--format", "json", "-"], deep.as_bytes());
    assert_eq!(
        (o.status.code(), codes(&o)[0].1.clone()),
        (Some(1), vec!["NESTING_TOO_DEEP".to_owned()])
    );
}
