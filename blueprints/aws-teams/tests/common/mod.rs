//! Inputs shared by the tests: the seed's example (`viewer`, `admin`, `spacelift`) in a
//! Cloud Posse style stack (tenant `core`, identity account `core-identity`), built in Rust.

#![allow(dead_code)]

use std::collections::BTreeMap;

use blueprint_aws_teams::{AwsTeamsInputs, LabelName, TeamConfig};

/// The identity account's id in the fixtures.
pub const IDENTITY: &str = "111111111111";
/// The account of the seed's Spacelift worker-pool role.
pub const AUTO: &str = "123456789012";
/// The SAML provider of the fixtures.
pub const OKTA: &str = "arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta";
/// The GitHub OIDC provider of the fixtures.
pub const GITHUB: &str =
    "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A label order from label names.
pub fn order(names: &[&str]) -> Vec<LabelName> {
    names
        .iter()
        .map(|n| match *n {
            "namespace" => LabelName::Namespace,
            "tenant" => LabelName::Tenant,
            "environment" => LabelName::Environment,
            "stage" => LabelName::Stage,
            "name" => LabelName::Name,
            "attributes" => LabelName::Attributes,
            other => panic!("not a label: {other}"),
        })
        .collect()
}

/// The seed's `&user-template` (the `viewer` team).
pub fn viewer() -> TeamConfig {
    TeamConfig {
        denied_teams: strings(&["viewer"]),
        denied_permission_sets: vec![],
        denied_role_arns: vec![],
        max_session_duration: 43200,
        role_description: "Team restricted to viewing resources in the identity account".into(),
        role_policy_arns: strings(&["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]),
        aws_saml_login_enabled: false,
        trusted_teams: vec![],
        trusted_permission_sets: vec![],
        trusted_role_arns: vec![],
    }
}

/// The seed's `admin`: the template merged with its own keys.
pub fn admin() -> TeamConfig {
    TeamConfig {
        role_description: "Team with PowerUserAccess permissions in `identity` and AdministratorAccess to all other accounts except `root`".into(),
        role_policy_arns: strings(&["arn:aws:iam::aws:policy/PowerUserAccess"]),
        aws_saml_login_enabled: true,
        trusted_teams: strings(&["admin"]),
        trusted_permission_sets: strings(&["IdentityAdminTeamAccess"]),
        ..viewer()
    }
}

/// The seed's `spacelift`.
pub fn spacelift() -> TeamConfig {
    TeamConfig {
        role_description: "Team for our privileged Spacelift server".into(),
        role_policy_arns: strings(&["team_role_access"]),
        aws_saml_login_enabled: false,
        trusted_teams: strings(&["admin"]),
        trusted_role_arns: strings(&[
            "arn:aws:iam::123456789012:role/eg-ue2-auto-spacelift-worker-pool-admin",
        ]),
        ..viewer()
    }
}

/// The seed's stack with Cloud Posse's usual global vars.
pub fn seed_inputs() -> AwsTeamsInputs {
    let accounts = BTreeMap::from([
        ("core-root".to_owned(), "100000000000".to_owned()),
        ("core-identity".to_owned(), IDENTITY.to_owned()),
        ("core-auto".to_owned(), AUTO.to_owned()),
    ]);
    let teams = BTreeMap::from([
        ("viewer".to_owned(), viewer()),
        ("admin".to_owned(), admin()),
        ("spacelift".to_owned(), spacelift()),
    ]);
    let mut i = AwsTeamsInputs::new("us-east-1", accounts, teams);
    i.label.namespace = Some("eg".into());
    i.label.tenant = Some("core".into());
    i.label.environment = Some("gbl".into());
    i.label.stage = Some("identity".into());
    i.label.label_order = Some(order(&[
        "namespace",
        "tenant",
        "environment",
        "stage",
        "name",
        "attributes",
    ]));
    i.identity_account_account_name = "core-identity".into();
    i.saml_provider_arns = strings(&[OKTA]);
    i
}
