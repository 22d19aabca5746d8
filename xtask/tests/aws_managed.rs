//! AWS's own managed policies as ground truth for `cargo xtask validate`: the 1,582 policies
//! of moto 5.2.5 vendored in `tests/corpus/aws-managed/policies/` are validated with
//! `--attach aws-managed`, and the errors must be exactly those listed, each with its reason,
//! in `tests/corpus/aws-managed/expected-errors.tsv` (retired services, actions the pinned
//! catalog does not have, grants that can never apply). Any other error is a false positive.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

const CORPUS: &str = "tests/corpus/aws-managed";

/// `(file name, JSON path, code)` of every error found.
fn errors_found() -> (BTreeSet<(String, String, String)>, usize) {
    let o = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["validate", "--attach", "aws-managed", "--format", "json"])
        .arg(format!("{CORPUS}/policies"))
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "",
        "no usage or I/O problem"
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
    let files = report.as_array().expect("an array");
    let mut found = BTreeSet::new();
    for f in files {
        let name = f["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        for x in f["findings"].as_array().unwrap() {
            if x["severity"] == "error" {
                found.insert((
                    name.clone(),
                    x["path"].as_str().unwrap().to_owned(),
                    x["code"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    (found, files.len())
}

#[test]
fn aws_managed_policies_have_only_the_expected_errors() {
    let text = std::fs::read_to_string(root().join(CORPUS).join("expected-errors.tsv")).unwrap();
    let mut expected = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, path, code, reason] = fields[..] else {
            panic!("expected-errors.tsv:{}: four tab-separated fields", n + 1);
        };
        assert!(
            !reason.trim().is_empty(),
            "expected-errors.tsv:{}: no reason",
            n + 1
        );
        assert!(
            expected.insert((file.to_owned(), path.to_owned(), code.to_owned())),
            "expected-errors.tsv:{}: listed twice",
            n + 1
        );
    }
    let (found, files) = errors_found();
    assert_eq!(files, 1_582, "every vendored policy is validated");
    let new: Vec<_> = found.difference(&expected).collect();
    let gone: Vec<_> = expected.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "{} errors not in expected-errors.tsv (false positives to fix in the validator):\n{new:#?}\n\
         {} expected errors no longer reported (remove them from the file):\n{gone:#?}",
        new.len(),
        gone.len()
    );
}
