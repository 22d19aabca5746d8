//! `cargo xtask diff` end to end: policy files and `render --format iam` outputs, the three
//! formats, exit statuses (0 no new access, 1 new access or undecided, 2 error), and every
//! witness the report shows re-checked with the evaluator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use iam_model::eval::{evaluate, Request, RequestPrincipal};
use iam_model::PolicyDocument;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("xtask-diff")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs")
}

fn diff(old: &Path, new: &Path, format: &str) -> Output {
    xtask(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        format,
    ])
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The request a JSON witness describes.
fn request(w: &Value) -> Request {
    let mut r = Request::new(
        w["action"].as_str().unwrap(),
        w["resource"].as_str().unwrap(),
    );
    if let Some(p) = w["principal"].as_object() {
        let (k, v) = p.iter().next().unwrap();
        let v = v.as_str().unwrap().to_owned();
        r.principal = Some(match k.as_str() {
            "AWS" => RequestPrincipal::Aws(v),
            "Service" => RequestPrincipal::Service(v),
            _ => RequestPrincipal::Federated(v),
        });
    }
    for (k, vs) in w["context"].as_object().unwrap() {
        let vs: Vec<String> = vs
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        r = r.with(k.clone(), vs);
    }
    r
}

const OLD: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow",
  "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]}]}"#;

#[test]
fn policy_files_widening_narrowing_neutral() {
    let d = scratch("files");
    let old = write(&d, "old.json", OLD);
    let wide = write(
        &d,
        "wide.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow",
  "Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]}]}"#,
    );
    let o = diff(&old, &wide, "json");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["verdict"], "new access");
    let doc = &v["documents"][0];
    assert_eq!(doc["verdict"], "widening");
    let w = request(&doc["new_access"][0]["witness"]);
    let (po, pw): (PolicyDocument, PolicyDocument) = (
        OLD.parse().unwrap(),
        std::fs::read_to_string(&wide).unwrap().parse().unwrap(),
    );
    assert!(
        evaluate(&[&pw], &w).is_allowed() && !evaluate(&[&po], &w).is_allowed(),
        "{w:?}"
    );
    assert_eq!(doc["new_access"][0]["sid"], "Read");

    // Reordered lists, a bare string for a one-element list: same access, exit 0.
    let same = write(
        &d,
        "same.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Action":["s3:listbucket","S3:GetObject"],"Resource":["arn:aws:s3:::reports/*","arn:aws:s3:::reports"]}]}"#,
    );
    let o = diff(&old, &same, "human");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("0 with new access, 0 undecided, 0 narrowed, 1 unchanged"));

    // A deny narrows: exit 0, the removed access shown with its witness.
    let narrow = write(
        &d,
        "narrow.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]},
  {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"}]}"#,
    );
    let o = diff(&old, &narrow, "json");
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["verdict"], "no new access");
    assert_eq!(v["documents"][0]["verdict"], "narrowing");
    let w = request(&v["documents"][0]["removed_access"][0]["witness"]);
    assert!(w.resource.starts_with("arn:aws:s3:::reports/secret/"));

    // SARIF: one error result for the new access.
    let o = diff(&old, &wide, "sarif");
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "new-access" && r["level"] == "error"));
}

#[test]
fn undecided_is_never_no_new_access() {
    let d = scratch("undecided");
    let old = write(
        &d,
        "old.json",
        r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
  {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#,
    );
    let new = write(
        &d,
        "new.json",
        r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/alice/x"}]}"#,
    );
    let o = diff(&old, &new, "json");
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["verdict"], "undecided");
    assert!(v["documents"][0]["undecided"][0]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("policy variable"));
}

#[test]
fn errors_exit_2_and_say_where() {
    let d = scratch("errors");
    let old = write(&d, "old.json", OLD);
    let o = diff(&old, &d.join("missing.json"), "human");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.json"));
    let bad = write(
        &d,
        "bad.json",
        "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Allow\"}]}",
    );
    let o = diff(&old, &bad, "human");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.json`:2:") && err.contains("/Statement/0") && err.contains("`Action`"),
        "{err}"
    );
    let broken = write(&d, "broken.json", "{\"Version\": ");
    let o = diff(&old, &broken, "human");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid JSON"));
    let empty = scratch("errors-empty");
    let o = diff(&old, &empty, "human");
    assert_eq!(o.status.code(), Some(2));
    let o = xtask(&["diff", old.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn render_outputs_role_by_role() {
    let d = scratch("render");
    let out = d.join("old");
    let o = xtask(&[
        "render",
        "aws-teams",
        "--format",
        "iam",
        "--out",
        out.to_str().unwrap(),
        "--account-id",
        "111122223333",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = out.join("aws-teams").join("iam.json");
    // Same render: every document unchanged.
    let o = diff(&out, &out, "json");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json(&o);
    assert!(v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["verdict"] == "neutral"));

    // Widen one role's trust to a whole account, and add a role: both are new access.
    let mut iam: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let role = iam["roles"][0].clone();
    let name = role["name"].as_str().unwrap().to_owned();
    let acct = role["account_id"].as_str().unwrap().to_owned();
    iam["roles"][0]["trust_policy"]["Statement"][0]["Principal"] =
        serde_json::json!({"AWS": "999999999999"});
    iam["roles"][0]["trust_policy"]["Statement"][0]
        .as_object_mut()
        .unwrap()
        .remove("Condition");
    let mut extra = role.clone();
    extra["name"] = Value::from("brand-new");
    iam["roles"].as_array_mut().unwrap().push(extra);
    let new_file = write(&d, "iam.json", &serde_json::to_string(&iam).unwrap());
    let o = diff(&file, &new_file, "json");
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let docs = v["documents"].as_array().unwrap();
    let trust = docs
        .iter()
        .find(|x| x["role"] == format!("{acct}/{name}") && x["document"] == "trust policy")
        .unwrap();
    assert_eq!(trust["verdict"], "widening");
    let w = request(&trust["new_access"][0]["witness"]);
    match &w.principal {
        Some(RequestPrincipal::Aws(p)) => assert!(p.contains("999999999999"), "{p}"),
        other => panic!("{other:?}"),
    }
    assert!(docs
        .iter()
        .any(|x| x["role"] == format!("{acct}/brand-new") && x["verdict"] == "widening"));
    let human = diff(&file, &new_file, "human");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!("role `{acct}/{name}`: trust policy: widening")),
        "{text}"
    );
}

/// The five blueprints' example deployments: every document decided (no undecided), as the
/// README states.
#[test]
fn five_blueprints_have_no_undecided_document() {
    let d = scratch("all");
    let out = d.join("out");
    let blueprints: [(&str, &[&str]); 5] = [
        ("aws-teams", &[]),
        ("inventory", &[]),
        ("tableflow", &[]),
        ("landing-zone", &["--generated", "external_id_dev=x1"]),
        (
            "runtime-connector",
            &["--generated", "external_id=x2", "--region", "us-east-1"],
        ),
    ];
    for (bp, flags) in blueprints {
        let mut args = vec![
            "render",
            bp,
            "--format",
            "iam",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(["--account-id", "111122223333"]);
        args.extend(flags);
        let o = xtask(&args);
        assert!(
            o.status.success(),
            "{bp}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = diff(&out, &out, "json");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json(&o);
    let docs = v["documents"].as_array().unwrap();
    assert!(docs.len() >= 30, "{}", docs.len());
    for doc in docs {
        assert_eq!(doc["verdict"], "neutral", "{doc}");
        assert!(doc["undecided"].as_array().unwrap().is_empty(), "{doc}");
        assert!(
            doc["removed_undecided"].as_array().unwrap().is_empty(),
            "{doc}"
        );
    }
}
