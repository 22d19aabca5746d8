//! Snapshots of every team's role, trust policy and permissions, and of the `TeamRoleAccess`
//! policy, in canonical pretty JSON, for three config variants.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fmt::Write as _;

use blueprint_aws_teams::{build, AwsTeamsInputs, LabelValueCase, TeamConfig};
use common::*;

/// Everything IAM will hold for the deployment, one block per object.
fn describe(i: &AwsTeamsInputs) -> String {
    let d = build(i).unwrap_or_else(|e| panic!("{e:?}"));
    let mut out = String::new();
    for p in &d.policies {
        writeln!(out, "== policy {} ({})", p.name, p.key).unwrap();
        writeln!(out, "description: {}", p.description).unwrap();
        writeln!(out, "tags: {:?}", p.tags).unwrap();
        writeln!(out, "{}\n", p.document.to_json_pretty().unwrap()).unwrap();
    }
    for r in &d.roles {
        writeln!(out, "== role {} ({})", r.name, r.key).unwrap();
        writeln!(out, "description: {}", r.description).unwrap();
        writeln!(out, "max_session_duration: {}", r.max_session_duration).unwrap();
        writeln!(out, "tags: {:?}", r.tags).unwrap();
        let attached: Vec<String> = r
            .managed_policy_arns
            .iter()
            .map(ToString::to_string)
            .collect();
        writeln!(out, "managed policies: {attached:?}").unwrap();
        writeln!(out, "trust ({} characters):", r.trust.size()).unwrap();
        writeln!(out, "{}\n", r.trust.to_json_pretty().unwrap()).unwrap();
    }
    out
}

#[test]
fn seed_example() {
    insta::assert_snapshot!(describe(&seed_inputs()));
}

/// Default label order (no tenant), `_` delimiter, two SAML providers, GitHub repositories.
#[test]
fn github_and_saml_variant() {
    let mut i = seed_inputs();
    i.label.label_order = None;
    i.label.delimiter = Some("_".into());
    i.saml_provider_arns
        .push("arn:aws:iam::111111111111:saml-provider/eg_gbl_identity_google".into());
    i.github_oidc_provider_arn = Some(GITHUB.into());
    i.trusted_github_repos.insert(
        "spacelift".into(),
        strings(&["infrastructure", "acme/deploy"]),
    );
    i.label.tags.insert("ManagedBy".into(), "rolewright".into());
    insta::assert_snapshot!(describe(&i));
}

/// Pascal-case ids with a length limit, and a team with every kind of trusted and denied
/// principal.
#[test]
fn pascal_case_and_mixed_trust_variant() {
    let mut i = seed_inputs();
    i.label.delimiter = Some(String::new());
    i.label.label_value_case = Some(LabelValueCase::Title);
    i.label.attributes = strings(&["teams"]);
    i.label.id_length_limit = Some(16);
    let mut ops = TeamConfig::new("Operations");
    ops.max_session_duration = 7200;
    ops.trusted_teams = strings(&["admin", "spacelift"]);
    ops.trusted_permission_sets = strings(&["OpsAccess"]);
    ops.denied_teams = strings(&["viewer"]);
    ops.denied_permission_sets = strings(&["ReadOnlyAccess"]);
    ops.trusted_role_arns = strings(&[
        "arn:aws:iam::222222222222:role/ci",
        "arn:aws:iam::333333333333:role/legacy",
    ]);
    ops.denied_role_arns = strings(&["arn:aws:iam::333333333333:role/legacy"]);
    ops.role_policy_arns = strings(&["arn:aws:iam::aws:policy/ReadOnlyAccess", "team_role_access"]);
    i.teams_config.insert("ops".into(), ops);
    insta::assert_snapshot!(describe(&i));
}
