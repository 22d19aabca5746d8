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

// ---- CI gating: --fail-on, --ignore, rolewright.toml, acknowledgements ------------------

/// Runs `xtask validate ARGS` in `dir`, without colors and with no stdin.
fn validate_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .arg("validate")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("xtask runs")
}

/// A scratch directory of its own per test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("validate-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const ADMIN: &str = "tests/corpus/validate/identity/admin.json";

#[test]
fn fail_on_decides_which_severities_fail_the_run() {
    // Security findings only: valid, so the default passes and `security` fails.
    for (fail_on, status) in [
        (None, 0),
        (Some("error"), 0),
        (Some("security"), 1),
        (Some("warning"), 1),
    ] {
        let mut args = vec!["--format", "json"];
        if let Some(f) = fail_on {
            args.extend(["--fail-on", f]);
        }
        args.push(ADMIN);
        let o = validate(&args, b"");
        assert_eq!(o.status.code(), Some(status), "{fail_on:?}: {}", stderr(&o));
    }
    // A warning only: `warning` fails, `security` does not.
    let warning = br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}]}"#;
    let codes_of = |o: &Output| codes(o)[0].1.clone();
    let o = validate(&["--format", "json", "--fail-on", "security", "-"], warning);
    assert_eq!(codes_of(&o), ["CONDITION_OPERATOR_MISMATCH"]);
    assert_eq!(o.status.code(), Some(0));
    let o = validate(&["--format", "json", "--fail-on", "warning", "-"], warning);
    assert_eq!(o.status.code(), Some(1));
    let o = validate(&["--fail-on", "never", ADMIN], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn ignore_drops_a_code_and_an_unknown_code_is_a_usage_error() {
    let typos = "tests/corpus/validate/identity/typos.json";
    let before = validate(&["--format", "json", typos], b"");
    assert!(codes(&before)[0].1.contains(&"UNKNOWN_ACTION".to_owned()));
    let o = validate(
        &[
            "--format",
            "json",
            "--ignore",
            "UNKNOWN_ACTION",
            "--ignore",
            "UNKNOWN_SERVICE",
            typos,
        ],
        b"",
    );
    let left = &codes(&o)[0].1;
    assert!(
        !left
            .iter()
            .any(|c| c == "UNKNOWN_ACTION" || c == "UNKNOWN_SERVICE"),
        "{left:?}"
    );
    assert_eq!(
        left.len() + 2,
        codes(&before)[0].1.len(),
        "only those two go"
    );
    let o = validate(&["--ignore", "UNKOWN_ACTION", typos], b"");
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!("ignore_unknown_code", stderr(&o));
    assert_eq!(stdout(&o), "", "nothing validated on a usage error");
}

#[test]
fn config_file_is_found_upward_and_acknowledges_findings() {
    let dir = scratch("config");
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::copy(root().join(ADMIN), policies.join("admin.json")).unwrap();
    std::fs::copy(root().join(ADMIN), policies.join("other.json")).unwrap();
    std::fs::write(
        dir.join("rolewright.toml"),
        r#"
[validate]
fail-on = "security"
ignore = ["PASSROLE_WILDCARD_RESOURCE"]

[[validate.acknowledge]]
code = "FULL_ADMIN"
file = "policies/admin.json"
sid = "Everything"
reason = "the break-glass policy is full admin by design"
"#,
    )
    .unwrap();
    // Found from a subdirectory; `other.json` is not acknowledged, so the run fails.
    let o = validate_in(&policies, &["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let by_file = |name: &str| {
        report
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap()["findings"]
            .as_array()
            .unwrap()
            .clone()
    };
    let admin = by_file("admin.json");
    let full = admin.iter().find(|f| f["code"] == "FULL_ADMIN").unwrap();
    assert_eq!(
        full["acknowledged"],
        "the break-glass policy is full admin by design"
    );
    assert!(
        admin
            .iter()
            .all(|f| f["code"] != "PASSROLE_WILDCARD_RESOURCE"),
        "ignored"
    );
    let other = by_file("other.json");
    assert!(other
        .iter()
        .any(|f| f["code"] == "FULL_ADMIN" && f.get("acknowledged").is_none()));
    // The acknowledged file alone passes under `fail-on = "security"` but for its other
    // security finding (PERMISSIONS_MANAGEMENT_STAR on `ManageIam`), which a flag can lower.
    let o = validate_in(&policies, &["admin.json"]);
    assert_eq!(o.status.code(), Some(1));
    let o = validate_in(&policies, &["--fail-on", "error", "admin.json"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("acknowledged_human", stdout(&o));
    assert_eq!(stderr(&o), "", "the acknowledgement matched");
    // Once the finding is gone (the statement renamed), the acknowledgement is stale: a
    // warning names it, without failing the run.
    let renamed = std::fs::read_to_string(policies.join("admin.json"))
        .unwrap()
        .replace("\"Everything\"", "\"AllOfIt\"");
    std::fs::write(policies.join("admin.json"), renamed).unwrap();
    let o = validate_in(&policies, &["--fail-on", "error", "admin.json"]);
    assert_eq!(o.status.code(), Some(0));
    let warning = stderr(&o);
    assert!(
        warning.starts_with("warning: `")
            && warning.contains("rolewright.toml`:7:8: the acknowledgement of `FULL_ADMIN` in `")
            && warning.contains("statement `Everything` matched no finding"),
        "{warning}"
    );
    // A run that does not validate that file says nothing about it.
    let o = validate_in(&policies, &["--fail-on", "error", "other.json"]);
    assert_eq!(stderr(&o), "");
}

#[test]
fn config_problems_are_usage_errors() {
    let dir = scratch("bad-config");
    std::fs::copy(root().join(ADMIN), dir.join("admin.json")).unwrap();
    let run = |toml: &str| {
        std::fs::write(dir.join("rolewright.toml"), toml).unwrap();
        let o = validate_in(&dir, &["admin.json"]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        assert_eq!(stdout(&o), "");
        stderr(&o)
    };
    let unknown_field = run("[validate]\nfail_on = \"error\"\n");
    assert!(
        unknown_field.contains("unknown field `fail_on`"),
        "{unknown_field}"
    );
    assert!(unknown_field.contains("line 2"), "{unknown_field}");
    let error_ack = run("[[validate.acknowledge]]\ncode = \"UNKNOWN_ACTION\"\nreason = \"x\"\n");
    assert!(
        error_ack.contains("rolewright.toml`:2:8: `acknowledge`"),
        "{error_ack}"
    );
    assert!(
        error_ack.contains("`UNKNOWN_ACTION` is an error, which cannot be acknowledged"),
        "{error_ack}"
    );
    let no_reason = run("[[validate.acknowledge]]\ncode = \"FULL_ADMIN\"\nreason = \" \"\n");
    assert!(no_reason.contains("the `reason` is empty"), "{no_reason}");
    let typo = run("[validate]\nignore = [\"FULL_ADMN\"]\n");
    assert!(typo.contains("did you mean `FULL_ADMIN`?"), "{typo}");
    // Located in the file: line 2, column 11 (the string), not just the file.
    assert!(typo.contains("rolewright.toml`:2:11: `ignore`"), "{typo}");
    let bad_kind = run("[validate]\nkind = \"role\"\n");
    assert!(bad_kind.contains("unknown variant `role`"), "{bad_kind}");
    // An explicit `--config` that does not exist.
    let o = validate_in(&dir, &["--config", "nope.toml", "admin.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read the configuration `nope.toml`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args([
            "validate",
            "--attach",
            "aws-managed",
            "tests/corpus/aws-managed/policies",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.to_lowercase().contains("broken pipe") && err.is_empty(),
        "{err}"
    );
    assert_ne!(o.status.code(), Some(2), "not an I/O problem");
}

#[test]
fn sarif_levels_follow_fail_on_and_acknowledgements_are_suppressions() {
    let level_of = |fail_on: &str| {
        let o = validate(&["--format", "sarif", "--fail-on", fail_on, ADMIN], b"");
        let v = json(&o);
        let result = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "FULL_ADMIN")
            .unwrap()
            .clone();
        (result["level"].as_str().unwrap().to_owned(), result)
    };
    assert_eq!(level_of("error").0, "warning");
    let (level, result) = level_of("security");
    assert_eq!(level, "error");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ADMIN);
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert!(
        loc["region"]["endLine"].as_u64().is_some()
            && loc["region"]["endColumn"].as_u64().is_some()
    );
    assert!(result["partialFingerprints"]["rolewrightFinding/v1"]
        .as_str()
        .is_some_and(|h| h.len() == 16));
    // Acknowledged: a note with the reason as an external suppression.
    let dir = scratch("sarif-ack");
    std::fs::copy(root().join(ADMIN), dir.join("admin.json")).unwrap();
    std::fs::write(
        dir.join("rolewright.toml"),
        "[[validate.acknowledge]]\ncode = \"FULL_ADMIN\"\nreason = \"by design\"\n",
    )
    .unwrap();
    let o = validate_in(&dir, &["--format", "sarif", "admin.json"]);
    let v = json(&o);
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "FULL_ADMIN")
        .unwrap()
        .clone();
    assert_eq!(r["level"], "note");
    assert_eq!(r["suppressions"][0]["justification"], "by design");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .all(|r| r["helpUri"].as_str().unwrap().ends_with(&format!(
            "docs/finding-codes.md#{}",
            r["id"].as_str().unwrap().to_ascii_lowercase()
        ))));
}
