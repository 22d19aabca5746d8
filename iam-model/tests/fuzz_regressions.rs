//! Replays every input kept under `tests/fuzz-regressions/<target>/` (inputs the fuzz targets
//! of `fuzz/` found a problem with, and the hostile documents of issue 11) through the same
//! checks the targets make, on the stable toolchain: `validate/` through the policy entry point
//! `validate` uses, for all three kinds (no panic, every finding located, the work budget
//! respected); `roundtrip/` through parse → write → parse (the canonical output reparses to
//! an equal model).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use iam_model::budget::WORK_BUDGET;
use iam_model::{validate_json, Attachment, PolicyDocument, PolicyKind, ValidationContext};

/// The most a check may charge after the budget is spent (see `tests/adversarial.rs`).
const OVERRUN: u64 = 300_000;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no input in {}", dir.display());
    files
}

#[test]
fn validate_target_regressions() {
    for path in inputs("validate") {
        let data = std::fs::read(&path).unwrap();
        for kind in [
            PolicyKind::Identity(Attachment::Managed),
            PolicyKind::Trust,
            PolicyKind::Resource,
        ] {
            let report = validate_json(&data, &ValidationContext::new(kind));
            let name = path.display();
            assert!(
                report.spent.units <= WORK_BUDGET + OVERRUN,
                "{name} ({kind:?}): {:?}",
                report.spent
            );
            assert!(!report.findings.is_empty(), "{name} ({kind:?}): no finding");
            for f in &report.findings {
                assert!(f.span.is_some(), "{name} ({kind:?}): {f:?} not located");
            }
        }
    }
}

#[test]
fn roundtrip_target_regressions() {
    for path in inputs("roundtrip") {
        let data = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(doc) = PolicyDocument::from_json(text) else {
            continue;
        };
        let Ok(written) = doc.to_json_compact() else {
            continue;
        };
        let again = PolicyDocument::from_json(&written).unwrap_or_else(|e| {
            panic!(
                "{}: canonical output does not reparse: {e}\n{written}",
                path.display()
            )
        });
        assert_eq!(doc, again, "{}: {written}", path.display());
    }
}
