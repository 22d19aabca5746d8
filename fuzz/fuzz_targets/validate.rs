//! The policy entry point `cargo xtask validate` uses, for all three kinds: never a panic,
//! every finding located, and the work budget respected.
#![no_main]

use iam_model::budget::WORK_BUDGET;
use iam_model::{validate_json, Attachment, PolicyKind, ValidationContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [
        PolicyKind::Identity(Attachment::Managed),
        PolicyKind::Trust,
        PolicyKind::Resource,
    ] {
        let report = validate_json(data, &ValidationContext::new(kind));
        assert!(report.spent.units <= WORK_BUDGET + 300_000, "{:?}", report.spent);
        assert!(report.findings.iter().all(|f| f.span.is_some()));
    }
});
