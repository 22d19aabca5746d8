//! A trust policy over the default quota is minimized (proven equivalent) before validation:
//! role ARNs a listed wildcard already covers are dropped and the policy fits; when nothing
//! can be dropped the quota error stays (see `deployment.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_aws_teams::build;
use common::*;
use iam_model::deployment::DeploymentOptions;
use iam_model::eval::{evaluate, Request, RequestPrincipal};
use iam_model::Code;

#[test]
fn covered_role_arns_are_dropped_until_the_policy_fits() {
    let mut i = seed_inputs();
    let admin = i.teams_config.get_mut("admin").unwrap();
    admin.trusted_role_arns = std::iter::once(format!("arn:aws:iam::{IDENTITY}:role/ci-*"))
        .chain((1..=40).map(|n| format!("arn:aws:iam::{IDENTITY}:role/ci-runner-{n:02}")))
        .collect();
    // As written, the 41 ARNs appear twice (allowed, and exempt from the deny): far over 2,048.
    let written: usize = 41 * 2 * 45;
    assert!(written > 2048);
    let d = build(&i).unwrap();
    let trust = &d.role("admin").unwrap().trust;
    assert!(trust.size() <= 2048, "minimized to {}", trust.size());
    let f = d.validate(&DeploymentOptions::default());
    assert!(
        !f.iter()
            .any(|f| f.finding.code == Code::TRUST_POLICY_SIZE_EXCEEDED),
        "{f:#?}"
    );
    // The dropped ARNs are still trusted: the wildcard admits them.
    let r = Request::new("sts:AssumeRole", "*")
        .principal(RequestPrincipal::Aws(format!(
            "arn:aws:iam::{IDENTITY}:role/ci-runner-07"
        )))
        .with(
            "aws:PrincipalArn",
            [format!("arn:aws:iam::{IDENTITY}:role/ci-runner-07")],
        )
        .with("aws:PrincipalType", ["AssumedRole"]);
    assert!(evaluate(&[trust], &r).is_allowed());
}
