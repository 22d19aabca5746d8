//! The team trust policy algorithm, case by case, compared with the JSON the original
//! (`team-assume-role-policy` + `aws_iam_policy_document`) produces for the same inputs,
//! written out by hand from original-modules.md §2.4. Comparison is by IAM semantics
//! (`iam_model::equivalent`), so statement and list order do not matter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_aws_teams::{build, AwsTeamsInputs, TeamConfig};
use common::*;
use iam_model::{equivalent, PolicyDocument};

fn trust_of(inputs: &AwsTeamsInputs, team: &str) -> PolicyDocument {
    let d = build(inputs).unwrap_or_else(|e| panic!("{e:?}"));
    d.role(team)
        .unwrap_or_else(|| panic!("no role {team}"))
        .trust
        .clone()
}

fn assert_equivalent(ours: &PolicyDocument, original: &str) {
    let want: PolicyDocument = original
        .parse()
        .unwrap_or_else(|e| panic!("bad expected JSON: {e:?}"));
    assert!(
        equivalent(ours, &want),
        "not equivalent\nours:\n{}\noriginal:\n{}",
        ours.to_json_pretty().unwrap(),
        want.to_json_pretty().unwrap()
    );
}

/// The seed's `viewer` trusts nobody and denies itself: a Deny-only trust policy with the
/// team's role and its SSO permission set, plus every IAM user.
#[test]
fn seed_viewer_is_deny_only() {
    assert_equivalent(
        &trust_of(&seed_inputs(), "viewer"),
        r#"{
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "RoleDenyAssumeRole",
              "Effect": "Deny",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityViewerTeamAccess_*",
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-viewer",
                    "arn:aws:iam::*:user/*"
                  ]
                }
              }
            }
          ]
        }"#,
    );
}

/// The seed's `admin`: trusted by itself and its permission set (listed twice, once
/// explicitly and once as the team's own set, written once), SAML login, and the inherited
/// `denied_teams: [viewer]`.
#[test]
fn seed_admin_with_saml() {
    assert_equivalent(
        &trust_of(&seed_inputs(), "admin"),
        r#"{
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "RoleAssumeRole",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-admin",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityAdminTeamAccess_*"
                  ]
                },
                "StringEquals": {"aws:PrincipalType": "AssumedRole"}
              }
            },
            {
              "Sid": "RoleDenyAssumeRole",
              "Effect": "Deny",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityViewerTeamAccess_*",
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-viewer",
                    "arn:aws:iam::*:user/*"
                  ]
                }
              }
            },
            {
              "Sid": "SamlProviderAssume",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRoleWithSAML"],
              "Principal": {"Federated": "arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta"},
              "Condition": {
                "StringLike": {
                  "SAML:aud": [
                    "https://signin.aws.amazon.com/saml",
                    "https://*.signin.aws.amazon.com/saml",
                    "https://signin.amazonaws-us-gov.com/saml",
                    "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml"
                  ]
                }
              }
            }
          ]
        }"#,
    );
}

/// The seed's `spacelift`: a trusted role ARN in another account gets its own statement,
/// its account joins the Deny's principals, and it escapes the Deny through `ArnNotEquals`.
#[test]
fn seed_spacelift_with_trusted_role_arn() {
    assert_equivalent(
        &trust_of(&seed_inputs(), "spacelift"),
        r#"{
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "RoleAssumeRole",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-admin",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityAdminTeamAccess_*"
                  ]
                },
                "StringEquals": {"aws:PrincipalType": "AssumedRole"}
              }
            },
            {
              "Sid": "PrincipalAssumeRole",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": "arn:aws:iam::123456789012:role/eg-ue2-auto-spacelift-worker-pool-admin"
                }
              }
            },
            {
              "Sid": "RoleDenyAssumeRole",
              "Effect": "Deny",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::111111111111:root"]},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityViewerTeamAccess_*",
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-viewer",
                    "arn:aws:iam::*:user/*"
                  ]
                },
                "ArnNotEquals": {
                  "aws:PrincipalArn": "arn:aws:iam::123456789012:role/eg-ue2-auto-spacelift-worker-pool-admin"
                }
              }
            }
          ]
        }"#,
    );
}

/// The seed's inputs with `team` as the only configured team, plus a bare team for each team
/// it trusts or denies (references between teams must resolve).
fn single_team(team: &str, config: TeamConfig) -> AwsTeamsInputs {
    let mut i = seed_inputs();
    i.teams_config.clear();
    for other in config.trusted_teams.iter().chain(&config.denied_teams) {
        if other != "*" {
            i.teams_config
                .insert(other.clone(), TeamConfig::new(other.as_str()));
        }
    }
    i.teams_config.insert(team.to_owned(), config);
    i
}

/// Several trusted teams come out in team-name order, followed by the explicit permission
/// sets and then one `Identity<Team>TeamAccess` set per team (`ops_admin` →
/// `IdentityOpsAdminTeamAccess`); a role ARN that is both trusted and denied gets no
/// `ArnNotEquals` escape, and a denied ARN's account joins the Deny's principals.
#[test]
fn trusted_and_denied_teams_sets_and_arns() {
    let mut t = TeamConfig::new("ops");
    t.trusted_teams = strings(&["sre", "ops_admin"]);
    t.trusted_permission_sets = strings(&["BillingAccess"]);
    t.denied_teams = strings(&["intern"]);
    t.denied_permission_sets = strings(&["ReadOnly"]);
    t.trusted_role_arns = strings(&[
        "arn:aws:iam::333333333333:role/ci",
        "arn:aws:iam::222222222222:role/deployer",
    ]);
    t.denied_role_arns = strings(&[
        "arn:aws:iam::333333333333:role/ci",
        "arn:aws:iam::444444444444:role/legacy",
    ]);
    assert_equivalent(
        &trust_of(&single_team("ops", t), "ops"),
        r#"{
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "RoleAssumeRole",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-ops_admin",
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-sre",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_BillingAccess_*",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentitySreTeamAccess_*",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityOpsAdminTeamAccess_*"
                  ]
                },
                "StringEquals": {"aws:PrincipalType": "AssumedRole"}
              }
            },
            {
              "Sid": "PrincipalAssumeRole",
              "Effect": "Allow",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": ["arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:root"]},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": ["arn:aws:iam::222222222222:role/deployer", "arn:aws:iam::333333333333:role/ci"]
                }
              }
            },
            {
              "Sid": "RoleDenyAssumeRole",
              "Effect": "Deny",
              "Action": ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"],
              "Principal": {"AWS": [
                "arn:aws:iam::444444444444:root",
                "arn:aws:iam::333333333333:root",
                "arn:aws:iam::222222222222:root",
                "arn:aws:iam::111111111111:root"
              ]},
              "Condition": {
                "ArnLike": {
                  "aws:PrincipalArn": [
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityInternTeamAccess_*",
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_ReadOnly_*",
                    "arn:aws:iam::111111111111:role/eg-core-gbl-identity-intern",
                    "arn:aws:iam::333333333333:role/ci",
                    "arn:aws:iam::444444444444:role/legacy",
                    "arn:aws:iam::*:user/*"
                  ]
                },
                "ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/deployer"}
              }
            }
          ]
        }"#,
    );
}

/// Permission sets alone still produce `RoleAssumeRole` (through the identity account), and
/// `trusted_teams: ["*"]` stands for the whole identity account: its root ARN in the
/// `ArnLike` list (which, as in the original, matches no role session) and the
/// `Identity*TeamAccess` pattern.
#[test]
fn permission_sets_only_and_wildcard_team() {
    let mut sets = TeamConfig::new("sso");
    sets.trusted_permission_sets = strings(&["DeveloperAccess"]);
    let doc = trust_of(&single_team("sso", sets), "sso");
    assert_equivalent(
        &doc,
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"RoleAssumeRole","Effect":"Allow","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_DeveloperAccess_*"},
                        "StringEquals":{"aws:PrincipalType":"AssumedRole"}}},
          {"Sid":"RoleDenyAssumeRole","Effect":"Deny","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}]}"#,
    );

    let mut any = TeamConfig::new("any");
    any.trusted_teams = strings(&["*"]);
    assert_equivalent(
        &trust_of(&single_team("any", any), "any"),
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"RoleAssumeRole","Effect":"Allow","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::111111111111:root",
               "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_Identity*TeamAccess_*"]},
                        "StringEquals":{"aws:PrincipalType":"AssumedRole"}}},
          {"Sid":"RoleDenyAssumeRole","Effect":"Deny","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}]}"#,
    );
}

/// GitHub repositories: one statement through the OIDC provider with the audience and one
/// `sub` pattern per repository; a repository without an organization is in
/// `trusted_github_org` (`cloudposse` unless set, as in the original).
#[test]
fn github_repos_get_sub_conditions() {
    let mut i = single_team("gha", TeamConfig::new("GitHub Actions"));
    i.github_oidc_provider_arn = Some(GITHUB.into());
    i.trusted_github_repos
        .insert("gha".into(), strings(&["infrastructure", "acme/app"]));
    let original = r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"RoleDenyAssumeRole","Effect":"Deny","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}},
          {"Sid":"OidcProviderAssume","Effect":"Allow","Action":["sts:TagSession","sts:AssumeRoleWithWebIdentity"],
           "Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
           "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
                        "StringLike":{"token.actions.githubusercontent.com:sub":["repo:ORG/infrastructure:*","repo:acme/app:*"]}}}]}"#;
    assert_equivalent(&trust_of(&i, "gha"), &original.replace("ORG", "cloudposse"));
    i.trusted_github_org = "acme".into();
    assert_equivalent(&trust_of(&i, "gha"), &original.replace("ORG", "acme"));
}

/// SAML login trusts every SAML provider given, with the four sign-in audiences.
#[test]
fn saml_trusts_every_provider() {
    let mut t = TeamConfig::new("sso users");
    t.aws_saml_login_enabled = true;
    let mut i = single_team("users", t);
    i.saml_provider_arns = strings(&[
        OKTA,
        "arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-google",
    ]);
    let doc = trust_of(&i, "users");
    assert_equivalent(
        &doc,
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"RoleDenyAssumeRole","Effect":"Deny","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}},
          {"Sid":"SamlProviderAssume","Effect":"Allow","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRoleWithSAML"],
           "Principal":{"Federated":["arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta",
                                     "arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-google"]},
           "Condition":{"StringLike":{"SAML:aud":["https://signin.aws.amazon.com/saml","https://*.signin.aws.amazon.com/saml",
               "https://signin.amazonaws-us-gov.com/saml","https://us-gov-east-1.signin.amazonaws-us-gov.com/saml"]}}}]}"#,
    );
}

/// Team role ARNs follow `identity_role_arn_template` when it is given (account-map's
/// template, e.g. when aws-teams runs in another environment than account-map), and the
/// partition input.
#[test]
fn role_arn_template_and_partition() {
    let mut t = TeamConfig::new("x");
    t.trusted_teams = strings(&["admin"]);
    let mut i = single_team("x", t);
    i.aws_partition = "aws-us-gov".into();
    i.identity_role_arn_template =
        Some("arn:aws-us-gov:iam::111111111111:role/eg-core-gbl-identity-%s".into());
    i.label.environment = Some("use1".into());
    assert_equivalent(
        &trust_of(&i, "x"),
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"RoleAssumeRole","Effect":"Allow","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws-us-gov:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws-us-gov:iam::111111111111:role/eg-core-gbl-identity-admin",
               "arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_IdentityAdminTeamAccess_*"]},
                        "StringEquals":{"aws:PrincipalType":"AssumedRole"}}},
          {"Sid":"RoleDenyAssumeRole","Effect":"Deny","Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"],
           "Principal":{"AWS":"arn:aws-us-gov:iam::111111111111:root"},
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws-us-gov:iam::*:user/*"}}}]}"#,
    );
    // The role itself is named after this component's own id.
    let d = build(&i).unwrap();
    assert_eq!(d.role("x").unwrap().name, "eg-core-use1-identity-x");
}

/// The rendered JSON lists actions and principals the way `aws_iam_policy_document` does
/// (descending), so a rendered trust reads like the original's.
#[test]
fn lists_are_written_like_the_original() {
    let json = trust_of(&seed_inputs(), "spacelift")
        .to_json_compact()
        .unwrap();
    assert!(
        json.contains(r#""Action":["sts:TagSession","sts:SetSourceIdentity","sts:AssumeRole"]"#),
        "{json}"
    );
    assert!(
        json.contains(
            r#""AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::111111111111:root"]"#
        ),
        "{json}"
    );
}

/// The trust policies a team cannot have without a provider are input errors naming the
/// input, not silently missing statements.
#[test]
fn missing_providers_are_input_errors() {
    let mut t = TeamConfig::new("x");
    t.aws_saml_login_enabled = true;
    let mut i = single_team("x", t);
    i.saml_provider_arns.clear();
    let e = format!("{:?}", build(&i).unwrap_err());
    assert!(
        e.contains("teams_config.x.aws_saml_login_enabled") && e.contains("saml_provider_arns"),
        "{e}"
    );

    let mut i = single_team("x", TeamConfig::new("x"));
    i.trusted_github_repos
        .insert("x".into(), strings(&["infra"]));
    let e = format!("{:?}", build(&i).unwrap_err());
    assert!(
        e.contains("trusted_github_repos.x") && e.contains("github_oidc_provider_arn"),
        "{e}"
    );

    let mut i = single_team("x", TeamConfig::new("x"));
    i.github_oidc_provider_arn = Some(GITHUB.into());
    i.trusted_github_repos
        .insert("y".into(), strings(&["infra"]));
    let e = format!("{:?}", build(&i).unwrap_err());
    assert!(
        e.contains("trusted_github_repos.y") && e.contains("is not a team"),
        "{e}"
    );
}
