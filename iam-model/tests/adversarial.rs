//! Bounded work on hostile inputs: every adversarial document of
//! `benches/support/adversarial.rs` (the killers of issue 11 and more) validates within the
//! work budget, with a located result, and those that would cost more than the budget say so
//! with CHECK_BUDGET_EXCEEDED instead of computing for seconds. This asserts on the work
//! counter, not on time, so that it holds in a debug build; the time is measured by
//! `benches/adversarial.rs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/adversarial.rs"]
mod adversarial;

use iam_model::budget::WORK_BUDGET;
use iam_model::{validate_json, Code, ValidationContext};

/// The most one check may charge after the budget is spent: it is charged as it goes, and a
/// walk under way (one wildcard expansion over the catalog, one suggestion search, one ARN
/// against one format) is finished, not cut.
const OVERRUN: u64 = 300_000;

#[test]
fn every_adversarial_document_stays_within_the_budget() {
    for d in adversarial::all() {
        let report = validate_json(d.text.as_bytes(), &ValidationContext::new(d.kind));
        assert!(
            report.spent.units <= WORK_BUDGET + OVERRUN,
            "{}: {} units",
            d.name,
            report.spent.units
        );
        assert!(!report.findings.is_empty(), "{}: no finding", d.name);
        for f in &report.findings {
            assert!(f.span.is_some(), "{}: {f:?} not located", d.name);
        }
        let budget = report
            .findings
            .iter()
            .filter(|f| f.code == Code::CHECK_BUDGET_EXCEEDED)
            .count();
        assert_eq!(
            budget,
            usize::from(report.spent.exceeded_at.is_some()),
            "{}: one CHECK_BUDGET_EXCEEDED exactly when the budget ran out",
            d.name
        );
    }
}

/// The documents the issue named as taking seconds, and the ones like them we built, stop at
/// the budget (which the finding reports) rather than spend it all.
#[test]
fn the_known_killers_stop_at_the_budget() {
    let stop = [
        "wildcard_service_600",
        "wildcard_service_cap",
        "unknown_actions_cap",
        "unknown_services_cap",
        "unknown_operators_cap",
        "unknown_global_keys_cap",
        "unknown_service_keys_cap",
    ];
    let docs = adversarial::all();
    for name in stop {
        let d = docs.iter().find(|d| d.name == name).unwrap();
        let report = validate_json(d.text.as_bytes(), &ValidationContext::new(d.kind));
        let f = report
            .findings
            .iter()
            .find(|f| f.code == Code::CHECK_BUDGET_EXCEEDED)
            .unwrap_or_else(|| panic!("{name}: no CHECK_BUDGET_EXCEEDED"));
        assert!(
            f.path.to_string().starts_with("/Statement/"),
            "{name}: {}",
            f.path
        );
    }
}

/// The ARN killers (many unclosed `${`, `*/` × 65,000 against every EC2 format) are now
/// linear: they finish far inside the budget, with their answers.
#[test]
fn long_arns_are_matched_in_linear_work() {
    let docs = adversarial::all();
    for name in [
        "unclosed_placeholders",
        "unclosed_placeholders_ec2",
        "ec2_star_slash",
        "ec2_a_star",
        "s3_bucket_a_star",
        "long_resource",
    ] {
        let d = docs.iter().find(|d| d.name == name).unwrap();
        let report = validate_json(d.text.as_bytes(), &ValidationContext::new(d.kind));
        assert!(
            report.spent.units < WORK_BUDGET / 10 && report.spent.exceeded_at.is_none(),
            "{name}: {:?}",
            report.spent
        );
    }
}

/// Realistic policies spend a sliver of the budget: the budget never changes their findings.
#[test]
fn a_realistic_policy_spends_little() {
    let policy = r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:Describe*","iam:*AccessKey*"],"Resource":"*"},
      {"Effect":"Allow","Action":["s3:GetObjcet","ec2:DescribeInstancez"],"Resource":"arn:aws:s3:::b/*",
       "Condition":{"StringEquals":{"aws:PrincipalTagg/team":"x","s3:prefixx":"y"},"StringEqualz":{"aws:username":"u"}}}
    ]}"#;
    let report = validate_json(policy.as_bytes(), &ValidationContext::default());
    assert!(report.spent.units < WORK_BUDGET / 20, "{:?}", report.spent);
    assert!(!report.codes().contains(&Code::CHECK_BUDGET_EXCEEDED));
    // The suggestions were searched.
    assert!(report.findings.iter().any(|f| f
        .help
        .as_deref()
        .is_some_and(|h| h.contains("s3:GetObject"))));
}
