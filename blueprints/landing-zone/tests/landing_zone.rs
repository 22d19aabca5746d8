//! The landing zone against its seed (`004`): the seed's invariants as assertions (above all,
//! the OIDC role can do nothing but assume `foundation-tf-*`), equivalence with the seed's JSON,
//! rejected inputs, and snapshots of every policy per config variant.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use blueprint_landing_zone::{
    build, BitbucketTrust, EnvironmentRole, GithubTrust, GitlabTrust, LandingZoneInputs,
};
use blueprint_testing::{assert_clean, dump, resolved};
use iam_model::deployment::{Deployment, OutputValue, Role};
use iam_model::statement::{PrincipalClause, ResourceClause};
use iam_model::text::Segment;
use iam_model::{
    equivalent, Arn, Code, Effect, LateBound, PolicyDocument, PrincipalKind, Severity, Statement,
};

const MGMT: &str = "123456789012";
const PRD: &str = "210987654321";
const TST: &str = "333333333333";
const DEV: &str = "444444444444";
const WORKSPACE_UUID: &str = "{0c4f2f9e-1b2a-4c3d-8e9f-a0b1c2d3e4f5}";
const REPO_UUID: &str = "{7d3e8a1b-2c4d-4e5f-9a0b-1c2d3e4f5a6b}";

fn github() -> GithubTrust {
    GithubTrust {
        repositories: vec!["trustypangolin/bedrock-foundation-template".into()],
        branches: vec!["main".into()],
        ..GithubTrust::default()
    }
}

fn seed() -> LandingZoneInputs {
    let mut i = LandingZoneInputs::new(MGMT, "uniqueprefix-trustypangolin");
    i.github = Some(github());
    i
}

fn env(external_id: Option<&str>, accounts: &[&str]) -> EnvironmentRole {
    EnvironmentRole {
        external_id: external_id.map(String::from),
        account_ids: accounts.iter().map(|a| a.to_string()).collect(),
        ..EnvironmentRole::default()
    }
}

fn environments() -> LandingZoneInputs {
    let mut i = seed();
    i.member_account_ids = vec![PRD.into(), TST.into(), DEV.into()];
    i.environments = BTreeMap::from([
        ("prd".to_owned(), env(Some("123Prod456"), &[PRD])),
        ("tst".to_owned(), env(Some("123Test456"), &[TST])),
        (
            "dev".to_owned(),
            EnvironmentRole {
                state_prefixes: vec!["development".into(), "sandbox".into()],
                ..env(None, &[DEV])
            },
        ),
    ]);
    i
}

fn all_providers() -> LandingZoneInputs {
    let mut i = seed();
    i.github.as_mut().unwrap().environments = vec!["production".into()];
    i.gitlab = Some(GitlabTrust {
        projects: vec!["trustypangolin/platform/landing-zone".into()],
        branches: vec!["main".into(), "release/*".into()],
        ..GitlabTrust::default()
    });
    i.bitbucket = Some(BitbucketTrust {
        workspace: "trustypangolin".into(),
        workspace_uuid: WORKSPACE_UUID.into(),
        repository_uuids: vec![REPO_UUID.into()],
        ..BitbucketTrust::default()
    });
    i.state_external_id = Some("123Org456".into());
    i
}

fn existing_providers() -> LandingZoneInputs {
    let mut i = LandingZoneInputs::new(MGMT, "acme");
    i.bootstrap_prefix = "bedrock".into();
    i.base_region = "eu-west-1".into();
    i.github = Some(GithubTrust {
        provider_arn: Some(format!(
            "arn:aws:iam::{MGMT}:oidc-provider/token.actions.githubusercontent.com"
        )),
        ..github()
    });
    i.gitlab = Some(GitlabTrust {
        url: "https://gitlab.acme.example/".into(),
        audience: Some("https://aws.acme.example".into()),
        projects: vec!["infra/landing-zone".into()],
        branches: vec!["main".into()],
        thumbprints: vec!["6938fd4d98bab03faadb97b34396831e3780aea1".into()],
        ..GitlabTrust::default()
    });
    i
}

fn bitbucket_only() -> LandingZoneInputs {
    let mut i = LandingZoneInputs::new(MGMT, "acme");
    i.create_deploy_role = false;
    i.bitbucket = Some(BitbucketTrust {
        workspace: "acme".into(),
        workspace_uuid: WORKSPACE_UUID.trim_matches(['{', '}']).into(),
        repository_uuids: vec![REPO_UUID.into()],
        ..BitbucketTrust::default()
    });
    i
}

fn variants() -> Vec<(&'static str, LandingZoneInputs)> {
    vec![
        ("seed", seed()),
        ("environments", environments()),
        ("all_providers", all_providers()),
        ("existing_providers", existing_providers()),
        ("bitbucket_only", bitbucket_only()),
    ]
}

fn deployment(inputs: &LandingZoneInputs) -> Deployment {
    build(inputs).unwrap_or_else(|e| panic!("{e}"))
}

fn actions(st: &Statement) -> Vec<&str> {
    st.action.actions().iter().map(|a| a.as_str()).collect()
}

fn resources(st: &Statement) -> Vec<String> {
    match &st.resource {
        Some(ResourceClause::Resource(r)) => r
            .iter()
            .map(|t| t.as_literal().unwrap().into_owned())
            .collect(),
        other => panic!("not a Resource list: {other:?}"),
    }
}

fn oidc_role(d: &Deployment) -> &Role {
    d.roles.iter().find(|r| r.name.ends_with("-oidc")).unwrap()
}

#[test]
fn every_variant_validates_without_errors_or_unexplained_security_findings() {
    for (name, inputs) in variants() {
        let d = deployment(&inputs);
        assert_clean(&d);
        for f in d.validate(&Default::default()) {
            if f.acknowledged.is_some() {
                // `TerraformStateOrg` manages SCPs (`organizations:CreatePolicy`,
                // `UpdatePolicy`): permissions management on `*` too, under the same
                // acknowledgement of the state role.
                let org_scps = f.finding.code == iam_model::Code::PERMISSIONS_MANAGEMENT_STAR
                    && matches!(f.object, iam_model::deployment::ObjectId::Inline(ref role, ref policy) if role == "state" && policy == "TerraformStateOrg");
                assert!(
                    org_scps
                        || matches!(f.object, iam_model::deployment::ObjectId::Inline(ref role, ref policy) if role == "state" && policy == "TerraformStateSSO"),
                    "{name}: only the elevated document is acknowledged: {f}"
                );
            }
            assert_ne!(f.finding.severity, Severity::Warning, "{name}: {f}");
        }
    }
}

#[test]
fn snapshots_of_every_policy_per_variant() {
    for (name, inputs) in variants() {
        insta::assert_snapshot!(name, dump(&deployment(&inputs)));
    }
}

/// The seed's "Danger" box: the OIDC role can do nothing but `sts:AssumeRole` on
/// `foundation-tf-*`. Every statement of every policy the role has is walked.
#[test]
fn the_oidc_role_can_only_assume_the_terraform_roles() {
    for (name, inputs) in variants() {
        let d = deployment(&inputs);
        let role = oidc_role(&d);
        assert!(
            role.managed_policy_arns.is_empty(),
            "{name}: no managed policy"
        );
        assert!(role.permissions_boundary.is_none());
        let live = |doc: &PolicyDocument| resolved(&d, "management", doc);
        let boundary = format!("arn:aws:iam::*:role/{}-tf-*", inputs.bootstrap_prefix);
        let mut statements = 0;
        for doc in role.inline_policies.values() {
            for st in &live(doc).statements {
                statements += 1;
                assert_eq!(st.effect, Effect::Allow);
                assert!(st.condition.is_empty());
                assert!(!st.action.is_not(), "{name}: NotAction");
                assert_eq!(actions(st), ["sts:AssumeRole"], "{name}");
                for r in resources(st) {
                    // Every ARN the resource matches, the boundary matches too: the resource is
                    // the boundary or narrows its last wildcard.
                    let stem = boundary.trim_end_matches('*');
                    assert!(
                        r.starts_with(stem),
                        "{name}: `{r}` reaches beyond `{boundary}`"
                    );
                    assert!(Arn::pattern_matches(&boundary, &r.replace('*', "x")));
                }
            }
        }
        assert_eq!(statements, 1, "{name}");
    }
}

/// Each trust statement of the OIDC role is a web identity through a provider in the management
/// account, pinned by audience and by `sub` in the provider's own claim format.
#[test]
fn every_git_trust_pins_audience_and_subject() {
    for (name, inputs) in variants() {
        let d = deployment(&inputs);
        let role = oidc_role(&d);
        let configured = [
            inputs.github.is_some(),
            inputs.gitlab.is_some(),
            inputs.bitbucket.is_some(),
        ];
        assert_eq!(
            role.trust.statements.len(),
            configured.iter().filter(|c| **c).count(),
            "{name}"
        );
        for st in &role.trust.statements {
            let Some(PrincipalClause::Principal(p)) = &st.principal else {
                panic!()
            };
            let federated = p.values(PrincipalKind::Federated);
            assert_eq!(p.entries().count(), 1, "{name}: only the provider");
            let arn = resolved(&d, "management", &PolicyDocument::new([st.clone()])).statements[0]
                .principal
                .clone()
                .unwrap();
            let arn = arn.principal().values(PrincipalKind::Federated)[0]
                .as_literal()
                .unwrap()
                .into_owned();
            let host = arn.split_once(":oidc-provider/").unwrap().1.to_owned();
            assert!(
                arn.starts_with(&format!("arn:aws:iam::{MGMT}:oidc-provider/")),
                "{name}: provider `{arn}` not in the role's account"
            );
            if let [Segment::Late(LateBound::Ref(r))] = federated[0].segments() {
                assert_eq!(d.oidc_provider(&r.key).unwrap().account, "management");
            }
            assert_eq!(actions(st), ["sts:AssumeRoleWithWebIdentity"]);
            let keys: Vec<_> = st
                .condition
                .tests()
                .map(|(op, k)| (op.to_string(), k.key.clone()))
                .collect();
            assert_eq!(
                keys,
                [
                    ("StringEquals".to_owned(), format!("{host}:aud")),
                    ("StringLike".to_owned(), format!("{host}:sub"))
                ],
                "{name}"
            );
            let subjects: Vec<String> = st
                .condition
                .tests()
                .filter(|(_, k)| k.key.ends_with(":sub"))
                .flat_map(|(_, k)| {
                    k.values
                        .iter()
                        .map(|v| v.as_text().as_literal().unwrap().into_owned())
                })
                .collect();
            assert!(!subjects.is_empty());
            let format_ok = |s: &String| match st.sid.as_deref() {
                Some("AllowGitHub") => s.starts_with("repo:") && s.split(':').count() >= 3,
                Some("AllowGitLab") => s.starts_with("project_path:"),
                Some("AllowBitbucket") => s.starts_with('{') && s.ends_with("}:*"),
                other => panic!("unexpected Sid {other:?}"),
            };
            assert!(subjects.iter().all(format_ok), "{name}: {subjects:?}");
        }
    }
}

/// Every trust of an AWS principal is either inside the management account (the OIDC role
/// assuming a Terraform role) or from the management account into a member account restricted
/// to the Terraform roles; environment roles and, when configured, the state role require an
/// external id.
#[test]
fn aws_trusts_stay_in_the_organization_and_carry_external_ids_where_the_seed_says() {
    for (name, inputs) in variants() {
        let d = deployment(&inputs);
        for role in &d.roles {
            let live = |doc: &PolicyDocument| resolved(&d, &role.account, doc);
            let trust = live(&role.trust);
            for st in &trust.statements {
                let Some(PrincipalClause::Principal(p)) = &st.principal else {
                    panic!()
                };
                for arn in p.values(PrincipalKind::Aws) {
                    let arn = arn.as_literal().unwrap().into_owned();
                    let account = iam_model::principal::principal_account(&arn).unwrap();
                    assert_eq!(
                        account, MGMT,
                        "{name}: {} trusts `{arn}` outside the management account",
                        role.key
                    );
                    let cross = role.account != "management";
                    if cross {
                        let tf =
                            format!("arn:aws:iam::{MGMT}:role/{}-tf-*", inputs.bootstrap_prefix);
                        let principal_arn: Vec<String> = st
                            .condition
                            .tests()
                            .filter(|(op, k)| {
                                op.to_string() == "ArnLike" && k.key == "aws:PrincipalArn"
                            })
                            .flat_map(|(_, k)| {
                                k.values
                                    .iter()
                                    .map(|v| v.as_text().as_literal().unwrap().into_owned())
                            })
                            .collect();
                        assert_eq!(principal_arn, [tf], "{name}: {}", role.key);
                    } else {
                        assert_eq!(
                            arn,
                            format!("arn:aws:iam::{MGMT}:role/{}-oidc", inputs.bootstrap_prefix)
                        );
                    }
                }
            }
            let needs_external_id = role.key.starts_with("env-")
                || (role.key == "state" && inputs.state_external_id.is_some());
            if needs_external_id {
                for st in &role.trust.statements {
                    let ids: Vec<_> = st
                        .condition
                        .tests()
                        .filter(|(op, k)| {
                            op.to_string() == "StringEquals" && k.key == "sts:ExternalId"
                        })
                        .collect();
                    assert_eq!(ids.len(), 1, "{name}: {} without an external id", role.key);
                }
            }
        }
    }
}

/// An environment role reaches only its environment's accounts and writes only its state.
#[test]
fn environment_roles_are_scoped_to_their_environment() {
    let inputs = environments();
    let d = deployment(&inputs);
    let live = |doc: &PolicyDocument| resolved(&d, "management", doc);
    for (env, r) in &inputs.environments {
        let role = d.role(&format!("env-{env}")).unwrap();
        assert_eq!(role.name, format!("foundation-tf-{env}state"));
        assert_eq!(
            role.inline_policies.keys().collect::<Vec<_>>(),
            ["AssumeDeploy", "TerraformStateDynamoDB", "TerraformStateS3"]
        );
        let assume = live(&role.inline_policies["AssumeDeploy"]);
        for arn in assume.statements.iter().flat_map(resources) {
            let account = Arn::parse(&arn).unwrap().account().to_owned();
            assert!(r.account_ids.contains(&account), "{env}: `{arn}`");
        }
        let own = if r.state_prefixes.is_empty() {
            vec![env.clone()]
        } else {
            r.state_prefixes.clone()
        };
        let s3 = live(&role.inline_policies["TerraformStateS3"]);
        for st in &s3.statements {
            let writes = actions(st)
                .iter()
                .any(|a| a.starts_with("s3:Put") || a.starts_with("s3:Delete"));
            if writes {
                for arn in resources(st) {
                    assert!(
                        own.iter().any(|p| arn
                            == format!("arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/{p}/*")),
                        "{env}: writes `{arn}`"
                    );
                }
            }
        }
        let dynamo = live(&role.inline_policies["TerraformStateDynamoDB"]);
        for st in &dynamo.statements {
            if actions(st)
                .iter()
                .any(|a| *a == "dynamodb:PutItem" || *a == "dynamodb:DeleteItem")
            {
                let keys: Vec<String> = st
                    .condition
                    .tests()
                    .filter(|(op, k)| {
                        op.to_string() == "ForAllValues:StringLike"
                            && k.key == "dynamodb:LeadingKeys"
                    })
                    .flat_map(|(_, k)| {
                        k.values
                            .iter()
                            .map(|v| v.as_text().as_literal().unwrap().into_owned())
                    })
                    .collect();
                let expected: Vec<String> = own
                    .iter()
                    .map(|p| format!("uniqueprefix-trustypangolin-tfstate/{p}/*"))
                    .collect();
                assert_eq!(keys, expected, "{env}");
            }
        }
        assert!(role.acknowledged.is_empty());
        let all: Vec<&str> = role
            .inline_policies
            .values()
            .flat_map(|p| p.statements.iter())
            .flat_map(|s| s.action.actions())
            .map(|a| a.as_str())
            .collect();
        assert!(
            all.iter().all(|a| a.starts_with("s3:")
                || a.starts_with("dynamodb:")
                || *a == "sts:AssumeRole"),
            "{env}: {all:?}"
        );
    }
    // The OIDC permission widens to `foundation-tf-*` once environment roles exist.
    let oidc = live(&oidc_role(&d).inline_policies["allowassume"]);
    assert_eq!(
        resources(&oidc.statements[0]),
        ["arn:aws:iam::*:role/foundation-tf-*"]
    );
    let seed = deployment(&seed());
    let oidc = resolved(
        &seed,
        "management",
        &oidc_role(&seed).inline_policies["allowassume"],
    );
    assert_eq!(
        resources(&oidc.statements[0]),
        ["arn:aws:iam::*:role/foundation-tf-state"]
    );
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

/// The seed's JSON for the default roles and its example environment trust.
#[test]
fn equivalent_to_the_seeds_documents() {
    let d = deployment(&seed());
    let live = |doc: &PolicyDocument| resolved(&d, "management", doc);
    let state = d.role("state").unwrap();
    assert_eq!(state.name, "foundation-tf-state");
    let inline = |name: &str| live(&state.inline_policies[name]);

    let cases = [
        (
            "AssumeDeploy",
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AssumeAll", "Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": ["arn:aws:iam::*:role/foundation-deploy", "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                             "arn:aws:iam::*:role/AWSControlTowerExecution"]}]}"#,
        ),
        (
            "TerraformStateDynamoDB",
            r#"{"Version": "2012-10-17", "Statement": [
                {"Sid": "AccessDynamoDB", "Effect": "Allow",
                 "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DescribeTable", "dynamodb:DeleteItem"],
                 "Resource": "arn:aws:dynamodb:ap-southeast-2:123456789012:table/foundation-tfstate"},
                {"Sid": "AccessDynamoDBTableList", "Effect": "Allow", "Action": "dynamodb:ListTables",
                 "Resource": "arn:aws:dynamodb:*:*:table/*"}]}"#,
        ),
        (
            "TerraformStateOrg",
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AccessOrgValues", "Effect": "Allow",
                "Action": ["organizations:UpdatePolicy", "organizations:UntagResource", "organizations:TagResource",
                           "organizations:List*", "organizations:Enable*", "organizations:Describe*",
                           "organizations:CreatePolicy", "backup:UpdateGlobalSettings", "backup:DescribeGlobalSettings"],
                "Resource": "*"}]}"#,
        ),
        (
            "TerraformStateSSO",
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AccessOrgValues", "Effect": "Allow",
                "Action": ["sso:*", "iam:*"], "Resource": "*"}]}"#,
        ),
    ];
    for (name, expected) in cases {
        let actual = inline(name);
        assert!(
            equivalent(&actual, &doc(expected)),
            "{name}:\n{}",
            actual.to_json_pretty().unwrap()
        );
    }

    // The seed's S3 document, with `s3:GetEncryptionConfiguration` moved from the object
    // statement (where it grants nothing: it is a bucket action) to the bucket statement.
    let s3 = inline("TerraformStateS3");
    let fixed = doc(r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AccessListS3", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetEncryptionConfiguration"],
             "Resource": "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate"},
            {"Sid": "AccessS3All", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
            {"Sid": "AccessS3", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
             "Resource": ["arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/production/*",
                          "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/infrastructure/*",
                          "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/foundation/*"]}]}"#);
    assert!(equivalent(&s3, &fixed), "{}", s3.to_json_pretty().unwrap());
    let seed_s3 = doc(r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AccessListS3", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate"},
            {"Sid": "AccessS3All", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
            {"Sid": "AccessS3", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:GetEncryptionConfiguration", "s3:DeleteObject"],
             "Resource": ["arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/production/*",
                          "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/infrastructure/*",
                          "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate/foundation/*"]}]}"#);
    let mut moved_back = s3.clone();
    moved_back.statements[0].action = iam_model::ActionClause::Action(vec!["s3:ListBucket".into()]);
    moved_back.statements[2] = moved_back.statements[2]
        .clone()
        .action("s3:GetEncryptionConfiguration");
    assert!(!equivalent(&s3, &seed_s3));
    assert!(
        equivalent(&moved_back, &seed_s3),
        "{}",
        moved_back.to_json_pretty().unwrap()
    );

    // The OIDC role's permission: the seed's basic form (no custom Terraform roles).
    let oidc = live(&oidc_role(&d).inline_policies["allowassume"]);
    let expected = doc(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "GlobalOrgAccess", "Effect": "Allow",
            "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/foundation-tf-state"}]}"#,
    );
    assert!(equivalent(&oidc, &expected));

    // The state role's trust (bootstrap: Sid `AllowDeploymentAdmin` from the OIDC role).
    let trust = live(&state.trust);
    let expected = doc(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "AllowDeploymentAdmin", "Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::{MGMT}:role/foundation-oidc"}}, "Action": "sts:AssumeRole"}}]}}"#
    ));
    assert!(
        equivalent(&trust, &expected),
        "{}",
        trust.to_json_pretty().unwrap()
    );

    // The OIDC role's GitHub trust: the bootstrap's `AllowGitHub` with `StringLike` on `sub`,
    // plus the audience.
    let trust = live(&oidc_role(&d).trust);
    let expected = doc(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "AllowGitHub", "Effect": "Allow",
            "Principal": {{"Federated": "arn:aws:iam::{MGMT}:oidc-provider/token.actions.githubusercontent.com"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{
              "StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
              "StringLike": {{"token.actions.githubusercontent.com:sub": "repo:trustypangolin/bedrock-foundation-template:ref:refs/heads/main"}}}}}}]}}"#
    ));
    assert!(
        equivalent(&trust, &expected),
        "{}",
        trust.to_json_pretty().unwrap()
    );
}

/// The seed's "Typical Role Trust" for a production environment role.
#[test]
fn environment_trust_is_the_seeds_typical_role_trust() {
    let mut i = seed();
    i.environments = BTreeMap::from([("prod".to_owned(), env(Some("123Prod456"), &[PRD]))]);
    let d = deployment(&i);
    let role = d.role("env-prod").unwrap();
    assert_eq!(role.name, "foundation-tf-prodstate");
    let trust = resolved(&d, "management", &role.trust);
    let expected = doc(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ProdAccess", "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/foundation-oidc"},
            "Condition": {"StringEquals": {"sts:ExternalId": "123Prod456"}}}]}"#,
    );
    assert!(
        equivalent(&trust, &expected),
        "{}",
        trust.to_json_pretty().unwrap()
    );
    let OutputValue::Map(ids) = &d
        .outputs
        .iter()
        .find(|o| o.name == "external_ids")
        .unwrap()
        .value
    else {
        panic!()
    };
    assert_eq!(ids.keys().collect::<Vec<_>>(), ["foundation-tf-prodstate"]);
}

/// The Org and Elevated documents share the Sid `AccessOrgValues`, so they must stay separate:
/// merged, IAM would reject the policy.
#[test]
fn org_and_elevated_permissions_are_separate_documents() {
    let d = deployment(&seed());
    let state = d.role("state").unwrap();
    let org = &state.inline_policies["TerraformStateOrg"];
    let elevated = &state.inline_policies["TerraformStateSSO"];
    assert_eq!(org.statements[0].sid.as_deref(), Some("AccessOrgValues"));
    assert_eq!(
        elevated.statements[0].sid.as_deref(),
        Some("AccessOrgValues")
    );
    let merged = PolicyDocument::new(org.statements.iter().chain(&elevated.statements).cloned());
    let codes: Vec<Code> = iam_model::validate(&merged, &Default::default())
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.contains(&Code::DUPLICATE_SID), "{codes:?}");
    let reasons: Vec<_> = state
        .acknowledged
        .iter()
        .map(|a| (a.code, a.reason.contains("TerraformStateSSO")))
        .collect();
    assert_eq!(
        reasons,
        [
            (Code::PERMISSIONS_MANAGEMENT_STAR, true),
            (Code::PASSROLE_WILDCARD_RESOURCE, true)
        ]
    );
}

#[test]
fn deploy_role_in_member_accounts() {
    let d = deployment(&environments());
    let deploys: Vec<_> = d
        .roles
        .iter()
        .filter(|r| r.name == "foundation-deploy")
        .collect();
    assert_eq!(
        deploys
            .iter()
            .map(|r| r.account.as_str())
            .collect::<Vec<_>>(),
        [
            format!("member-{PRD}"),
            format!("member-{TST}"),
            format!("member-{DEV}")
        ]
    );
    for r in &deploys {
        assert_eq!(r.max_session_duration, 43200);
        assert_eq!(r.managed_policy_arns.len(), 1);
        assert_eq!(
            r.managed_policy_arns[0].to_string(),
            "arn:{{partition}}:iam::aws:policy/AdministratorAccess"
        );
        assert!(r.inline_policies.is_empty());
        let trust = resolved(&d, &r.account, &r.trust);
        let expected = doc(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "AllowManagementTerraform", "Effect": "Allow",
                "Principal": {{"AWS": "{MGMT}"}}, "Action": "sts:AssumeRole",
                "Condition": {{"ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::{MGMT}:role/foundation-tf-*"}}}}}}]}}"#
        ));
        assert!(
            equivalent(&trust, &expected),
            "{}",
            trust.to_json_pretty().unwrap()
        );
    }
    assert!(deployment(&seed())
        .roles
        .iter()
        .any(|r| r.account == "member"));
    let none = deployment(&bitbucket_only());
    assert!(none.roles.iter().all(|r| r.account == "management"));
    assert_eq!(none.accounts.len(), 1);
}

#[test]
fn providers_are_created_unless_given() {
    let d = deployment(&all_providers());
    let providers: Vec<_> = d
        .oidc_providers
        .iter()
        .map(|p| (p.key.as_str(), p.url.as_str(), p.client_ids.clone()))
        .collect();
    assert_eq!(
        providers,
        [
            ("github", "https://token.actions.githubusercontent.com", vec!["sts.amazonaws.com".to_owned()]),
            ("gitlab", "https://gitlab.com", vec!["https://gitlab.com".to_owned()]),
            (
                "bitbucket",
                "https://api.bitbucket.org/2.0/workspaces/trustypangolin/pipelines-config/identity/oidc",
                vec!["ari:cloud:bitbucket::workspace/0c4f2f9e-1b2a-4c3d-8e9f-a0b1c2d3e4f5".to_owned()]
            ),
        ]
    );
    assert!(d.oidc_providers.iter().all(|p| p.account == "management"));

    let d = deployment(&existing_providers());
    assert_eq!(
        d.oidc_providers
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>(),
        ["gitlab"]
    );
    let gitlab = &d.oidc_providers[0];
    assert_eq!(
        (gitlab.url.as_str(), gitlab.client_ids.as_slice()),
        (
            "https://gitlab.acme.example",
            ["https://aws.acme.example".to_owned()].as_slice()
        )
    );
    let OutputValue::Map(arns) = &d
        .outputs
        .iter()
        .find(|o| o.name == "oidc_provider_arns")
        .unwrap()
        .value
    else {
        panic!()
    };
    assert_eq!(
        arns["github"],
        OutputValue::from(format!(
            "arn:aws:iam::{MGMT}:oidc-provider/token.actions.githubusercontent.com"
        ))
    );
}

#[test]
fn a_repository_wide_github_trust_is_accepted_with_a_warning() {
    let mut i = seed();
    i.github.as_mut().unwrap().branches.clear();
    let d = deployment(&i);
    let warnings: Vec<Code> = d
        .validate(&Default::default())
        .iter()
        .filter(|f| f.finding.severity == Severity::Warning)
        .map(|f| f.finding.code)
        .collect();
    assert_eq!(warnings, [Code::GITHUB_OIDC_WILDCARD_SUB]);
    let sub = oidc_role(&d).trust.statements[0]
        .condition
        .tests()
        .find(|(_, k)| k.key.ends_with(":sub"))
        .unwrap()
        .1
        .values[0]
        .as_text();
    assert_eq!(
        sub.to_string(),
        "repo:trustypangolin/bedrock-foundation-template:*"
    );
}

#[test]
fn names_follow_the_prefix() {
    let d = deployment(&existing_providers());
    let names: Vec<_> = d.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["bedrock-oidc", "bedrock-tf-state", "bedrock-deploy"]
    );
    let table = resolved(
        &d,
        "management",
        &d.role("state").unwrap().inline_policies["TerraformStateDynamoDB"],
    );
    assert_eq!(
        resources(&table.statements[0]),
        ["arn:aws:dynamodb:eu-west-1:123456789012:table/bedrock-tfstate"]
    );
    let outputs: BTreeMap<_, _> = d
        .outputs
        .iter()
        .map(|o| (o.name.as_str(), o.value.clone()))
        .collect();
    assert_eq!(outputs["state_bucket"], OutputValue::from("acme-tfstate"));
    assert_eq!(outputs["lock_table"], OutputValue::from("bedrock-tfstate"));
    assert_eq!(
        outputs["deploy_role_name"],
        OutputValue::from("bedrock-deploy")
    );
}

#[test]
fn generated_external_ids_and_variables() {
    let d = deployment(&environments());
    let generated: Vec<_> = d
        .generated
        .iter()
        .map(|g| (g.name.as_str(), g.fixed.as_deref()))
        .collect();
    assert_eq!(
        generated,
        [
            ("external_id_dev", None),
            ("external_id_prd", Some("123Prod456")),
            ("external_id_tst", Some("123Test456"))
        ]
    );
    let names: Vec<_> = d.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "management_account_id",
            "member_account_ids",
            "create_deploy_role",
            "bootstrap_prefix",
            "oidc_role_name",
            "oidc_permission_sid",
            "deploy_role_name",
            "lock_table_name",
            "unique_prefix",
            "base_region",
            "state_prefixes",
            "org_state_prefixes",
            "state_external_id",
            "github",
            "gitlab",
            "bitbucket",
            "environments",
        ]
    );
    let env = d
        .variables
        .iter()
        .find(|v| v.name == "environments")
        .unwrap();
    let OutputValue::Map(envs) = &env.value else {
        panic!()
    };
    assert_eq!(envs.keys().collect::<Vec<_>>(), ["dev", "prd", "tst"]);
    assert_eq!(
        d.variables
            .iter()
            .find(|v| v.name == "gitlab")
            .unwrap()
            .value,
        OutputValue::Null
    );
    assert_eq!(env.input_type.terraform(), "map(object({external_id = string, account_ids = list(string), state_prefixes = list(string), read_state_prefixes = list(string), trust_sid = string, organizations = bool}))");
}

fn rejected(change: impl FnOnce(&mut LandingZoneInputs)) -> String {
    let mut i = environments();
    change(&mut i);
    match build(&i) {
        Ok(_) => panic!("accepted"),
        Err(e) => {
            let blueprint_kit::BlueprintError::Input { help, .. } = &e else {
                panic!("not an input error: {e}")
            };
            assert!(
                help.as_deref().is_some_and(|h| !h.is_empty()),
                "{e} has no help"
            );
            e.to_string()
        }
    }
}

#[test]
fn bad_inputs_are_rejected_with_the_input_and_value() {
    type Change = Box<dyn FnOnce(&mut LandingZoneInputs)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|i| i.management_account_id = "12345".into()), "invalid input `management_account_id`: `12345` is not a 12-digit AWS account id"),
        (Box::new(|i| i.member_account_ids.push(PRD.into())), "invalid input `member_account_ids[3]`: `210987654321` is listed twice (first at [0])"),
        (Box::new(|i| i.create_deploy_role = false), "invalid input `member_account_ids`: member accounts are listed but `create_deploy_role` is false"),
        (Box::new(|i| i.bootstrap_prefix = "found@tion".into()), "invalid input `bootstrap_prefix`: `found@tion` cannot start IAM role and DynamoDB table names"),
        (Box::new(|i| i.unique_prefix = "Unique".into()), "invalid input `unique_prefix`: `Unique-tfstate` is not a valid S3 bucket name"),
        (Box::new(|i| i.base_region = "sydney".into()), "invalid input `base_region`: `sydney` is not an AWS region"),
        (Box::new(|i| i.state_prefixes = vec![]), "invalid input `state_prefixes`: no state prefix is listed"),
        (Box::new(|i| i.org_state_prefixes = vec!["/foundation/".into()]), "invalid input `org_state_prefixes[0]`: `/foundation/` is not a state key prefix"),
        (Box::new(|i| i.state_external_id = Some("x".into())), "invalid input `state_external_id`: `x` is not an external id STS accepts"),
        (Box::new(|i| i.github = None), "invalid input `github`: no Git OIDC provider is configured"),
        (Box::new(|i| i.github.as_mut().unwrap().repositories.clear()), "invalid input `github.repositories`: no repository is listed, so the trust would have no `sub` condition"),
        (Box::new(|i| i.github.as_mut().unwrap().repositories = vec!["bedrock".into()]), "invalid input `github.repositories[0]`: `bedrock` is not `OWNER/REPO`"),
        (Box::new(|i| i.github.as_mut().unwrap().repositories = vec!["acme/*".into()]), "invalid input `github.repositories[0]`: `acme/*` is not a valid GitHub repository"),
        (Box::new(|i| i.github.as_mut().unwrap().branches = vec!["ma in".into()]), "invalid input `github.branches[0]`: `ma in` is not a valid branch"),
        (
            Box::new(|i| i.github.as_mut().unwrap().provider_arn = Some(format!("arn:aws:iam::{PRD}:oidc-provider/token.actions.githubusercontent.com"))),
            "invalid input `github.provider_arn`: `arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com` is in account `210987654321`, not the management account",
        ),
        (
            Box::new(|i| i.github.as_mut().unwrap().provider_arn = Some(format!("arn:aws:iam::{MGMT}:oidc-provider/gitlab.com"))),
            "invalid input `github.provider_arn`: `arn:aws:iam::123456789012:oidc-provider/gitlab.com` is not the provider for `token.actions.githubusercontent.com`",
        ),
        (Box::new(|i| i.github.as_mut().unwrap().thumbprints = vec!["abc".into()]), "invalid input `github.thumbprints[0]`: `abc` is not a certificate thumbprint"),
        (Box::new(|i| i.gitlab = Some(GitlabTrust { url: "http://gitlab.com".into(), projects: vec!["a/b".into()], ..GitlabTrust::default() })), "invalid input `gitlab.url`: `http://gitlab.com` is not an https issuer URL"),
        (Box::new(|i| i.gitlab = Some(GitlabTrust { projects: vec!["landing-zone".into()], ..GitlabTrust::default() })), "invalid input `gitlab.projects[0]`: `landing-zone` is not `GROUP/PROJECT`"),
        (
            Box::new(|i| i.bitbucket = Some(BitbucketTrust { workspace: "Acme".into(), ..BitbucketTrust::default() })),
            "invalid input `bitbucket.workspace`: `Acme` is not a Bitbucket workspace slug",
        ),
        (
            Box::new(|i| i.bitbucket = Some(BitbucketTrust { workspace: "acme".into(), workspace_uuid: "nope".into(), ..BitbucketTrust::default() })),
            "invalid input `bitbucket.workspace_uuid`: `nope` is not a Bitbucket UUID",
        ),
        (
            Box::new(|i| i.bitbucket = Some(BitbucketTrust { workspace: "acme".into(), workspace_uuid: WORKSPACE_UUID.into(), ..BitbucketTrust::default() })),
            "invalid input `bitbucket.repository_uuids`: no repository UUID is listed",
        ),
        (Box::new(|i| { i.environments.insert("Prod".into(), env(None, &[PRD])); }), "invalid input `environments.Prod`: `Prod` is not an environment name"),
        (Box::new(|i| { i.environments.insert("qa".into(), env(None, &[])); }), "invalid input `environments.qa.account_ids`: environment `qa` names no account"),
        (Box::new(|i| { i.environments.insert("qa".into(), env(Some("bad id"), &[PRD])); }), "invalid input `environments.qa.external_id`: `bad id` is not an external id STS accepts"),
        (Box::new(|i| { i.environments.insert("qa".into(), env(None, &["1"])); }), "invalid input `environments.qa.account_ids[0]`: `1` is not a 12-digit AWS account id"),
        (Box::new(|i| i.oidc_role_name = Some("foundation-tf-oidc".into())), "invalid input `oidc_role_name`: `foundation-tf-oidc` matches `foundation-tf-*`, the Terraform roles' pattern"),
        (Box::new(|i| i.oidc_role_name = Some("oidc role".into())), "invalid input `oidc_role_name`: `oidc role` is not a valid IAM role name"),
        (Box::new(|i| i.oidc_permission_sid = "Global-Org".into()), "invalid input `oidc_permission_sid`: `Global-Org` is not a valid Sid"),
        (Box::new(|i| i.deploy_role_name = Some("OrganizationAccountAccessRole".into())), "invalid input `deploy_role_name`: `OrganizationAccountAccessRole` is the name of a role AWS already creates in member accounts"),
        (Box::new(|i| i.lock_table_name = Some("tf".into())), "invalid input `lock_table_name`: `tf` is not a DynamoDB table name"),
        (Box::new(|i| i.environments.get_mut("prd").unwrap().trust_sid = Some("Prod Access".into())), "invalid input `environments.prd.trust_sid`: `Prod Access` is not a valid Sid"),
        (Box::new(|i| i.environments.get_mut("prd").unwrap().read_state_prefixes = Some(vec!["org/*".into()])), "invalid input `environments.prd.read_state_prefixes[0]`: `org/*` is not a state key prefix"),
        (Box::new(|i| i.github.as_mut().unwrap().patterns = vec!["repo:*/infra:*".into()]), "invalid input `github.patterns[0]`: `repo:*/infra:*` has a wildcard before its first `/`"),
        (Box::new(|i| i.github.as_mut().unwrap().patterns = vec!["repo:acme/$x".into()]), "invalid input `github.patterns[0]`: `repo:acme/$x` is not a valid claim pattern"),
        (Box::new(|i| i.github.as_mut().unwrap().claim = "aud".into()), "invalid input `github.claim`: `aud` is pinned to the provider's audience already"),
        (Box::new(|i| i.github.as_mut().unwrap().claim = "Sub".into()), "invalid input `github.claim`: `Sub` is not a token claim name"),
        (Box::new(|i| i.github.as_mut().unwrap().claim = "repo".into()), "invalid input `github.claim`: `repo` is not a claim AWS passes on from `token.actions.githubusercontent.com`"),
        (
            Box::new(|i| i.gitlab = Some(GitlabTrust { projects: vec!["a/b".into()], claim: "namespace_path".into(), patterns: vec!["a".into()], ..GitlabTrust::default() })),
            "invalid input `gitlab.claim`: `namespace_path` is not a claim AWS passes on from `gitlab.com`",
        ),
        (
            Box::new(|i| {
                let g = i.github.as_mut().unwrap();
                g.repositories.clear();
                g.claim = "job_workflow_ref".into();
                g.patterns = vec!["acme/infra/.github/workflows/deploy.yml@*".into()];
            }),
            "invalid input `github.repositories`: no repository is listed",
        ),
        (
            Box::new(|i| i.gitlab = Some(GitlabTrust { patterns: vec!["project_path:*".into()], ..GitlabTrust::default() })),
            "invalid input `gitlab.patterns[0]`: `project_path:*` has a wildcard before its first `/`",
        ),
        (Box::new(|i| i.gitlab = Some(GitlabTrust::default())), "invalid input `gitlab.projects`: no project is listed"),
        (
            Box::new(|i| { i.environments.insert("a".repeat(50), env(None, &[PRD])); }),
            "invalid input `environments.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`: `foundation-tf-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaastate` is not a valid IAM role name",
        ),
    ];
    for (change, expected) in cases {
        let message = rejected(change);
        assert!(
            message.starts_with(expected),
            "{message}\ndoes not start with\n{expected}"
        );
    }
}

fn trust_json(d: &Deployment, key: &str) -> String {
    let r = d.role(key).unwrap();
    resolved(d, "management", &r.trust)
        .to_json_compact()
        .unwrap()
}

fn policy_json(d: &Deployment, key: &str, policy: &str) -> String {
    let r = d.role(key).unwrap();
    resolved(d, &r.account, &r.inline_policies[policy])
        .to_json_compact()
        .unwrap()
}

/// `oidc_role_name` names the OIDC role everywhere it is referred to, `oidc_permission_sid`
/// its permission's Sid (empty: none).
#[test]
fn the_oidc_role_name_and_permission_sid() {
    let mut i = environments();
    i.oidc_role_name = Some("foundation-terraform-oidc".into());
    i.oidc_permission_sid = String::new();
    let d = deployment(&i);
    assert_eq!(oidc_role(&d).name, "foundation-terraform-oidc");
    assert_eq!(
        policy_json(&d, "oidc", "allowassume"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/foundation-tf-*"}]}"#
    );
    for key in ["state", "env-prd"] {
        assert!(
            trust_json(&d, key)
                .contains(r#""AWS":"arn:aws:iam::123456789012:role/foundation-terraform-oidc""#),
            "{key}: {}",
            trust_json(&d, key)
        );
    }
    i.oidc_permission_sid = "EntryAssume".into();
    assert!(policy_json(&deployment(&i), "oidc", "allowassume").contains(r#""Sid":"EntryAssume""#));
    assert!(policy_json(&deployment(&seed()), "oidc", "allowassume")
        .contains(r#""Sid":"GlobalOrgAccess""#));
}

/// `deploy_role_name` names the member role, what the Terraform roles may assume and the
/// output; naming it after an AWS admin role is for `create_deploy_role: false`, where the
/// list names each role once.
#[test]
fn the_deploy_role_name() {
    let mut i = environments();
    i.deploy_role_name = Some("platform-admin".into());
    let d = deployment(&i);
    let deploys: Vec<_> = d
        .roles
        .iter()
        .filter(|r| r.key.starts_with("deploy"))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(deploys, ["platform-admin"; 3]);
    assert_eq!(
        policy_json(&d, "env-prd", "AssumeDeploy"),
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AssumeAll","Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::{PRD}:role/platform-admin","arn:aws:iam::{PRD}:role/OrganizationAccountAccessRole","arn:aws:iam::{PRD}:role/AWSControlTowerExecution"]}}]}}"#
        )
    );
    let output = d
        .outputs
        .iter()
        .find(|o| o.name == "deploy_role_name")
        .unwrap();
    assert_eq!(output.value, OutputValue::from("platform-admin"));

    let mut i = seed();
    i.create_deploy_role = false;
    i.deploy_role_name = Some("AWSControlTowerExecution".into());
    let d = deployment(&i);
    assert!(d.roles.iter().all(|r| !r.key.starts_with("deploy")));
    assert_eq!(
        policy_json(&d, "state", "AssumeDeploy"),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AssumeAll","Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::*:role/AWSControlTowerExecution","arn:aws:iam::*:role/OrganizationAccountAccessRole"]}]}"#
    );
}

/// `lock_table_name` is the table every DynamoDB statement names, and the output.
#[test]
fn the_lock_table_name() {
    let mut i = environments();
    i.lock_table_name = Some("terraform-locks".into());
    let d = deployment(&i);
    for (key, policy) in [
        ("state", "TerraformStateDynamoDB"),
        ("env-dev", "TerraformStateDynamoDB"),
    ] {
        let json = policy_json(&d, key, policy);
        assert!(json.contains("table/terraform-locks"), "{json}");
        assert!(!json.contains("foundation-tfstate"), "{json}");
    }
    let output = d.outputs.iter().find(|o| o.name == "lock_table").unwrap();
    assert_eq!(output.value, OutputValue::from("terraform-locks"));
}

/// Per environment: `trust_sid` (empty: none), `read_state_prefixes` (empty: reads no
/// organization state) and `organizations`.
#[test]
fn environment_trust_sid_read_prefixes_and_organizations() {
    let mut i = environments();
    let prd = i.environments.get_mut("prd").unwrap();
    prd.trust_sid = Some("ProdAccess".into());
    prd.read_state_prefixes = Some(vec!["foundation".into(), "shared/network".into()]);
    prd.organizations = true;
    let tst = i.environments.get_mut("tst").unwrap();
    tst.trust_sid = Some(String::new());
    tst.read_state_prefixes = Some(Vec::new());
    let d = deployment(&i);
    assert!(trust_json(&d, "env-prd").contains(r#""Sid":"ProdAccess""#));
    assert!(!trust_json(&d, "env-tst").contains("Sid"));
    assert!(trust_json(&d, "env-dev").contains(r#""Sid":"DevAccess""#));

    let bucket = "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate";
    let s3 = policy_json(&d, "env-prd", "TerraformStateS3");
    assert!(s3.contains(&format!(r#"{{"Sid":"ReadOrgState","Effect":"Allow","Action":"s3:GetObject","Resource":["{bucket}/foundation/*","{bucket}/shared/network/*"]}}"#)), "{s3}");
    let locks = policy_json(&d, "env-prd", "TerraformStateDynamoDB");
    assert!(
        locks.contains(r#""ReadOrgLocks""#)
            && locks.contains("uniqueprefix-trustypangolin-tfstate/shared/network/*"),
        "{locks}"
    );
    let s3 = policy_json(&d, "env-tst", "TerraformStateS3");
    assert!(!s3.contains("ReadOrgState"), "{s3}");
    assert!(!policy_json(&d, "env-tst", "TerraformStateDynamoDB").contains("ReadOrgLocks"));
    // The global list still applies where no environment overrides it.
    assert!(
        policy_json(&d, "env-dev", "TerraformStateS3").contains(&format!("{bucket}/foundation/*"))
    );

    let prd = d.role("env-prd").unwrap();
    assert_eq!(
        resolved(&d, "management", &prd.inline_policies["TerraformStateOrg"]),
        resolved(
            &d,
            "management",
            &d.role("state").unwrap().inline_policies["TerraformStateOrg"]
        )
    );
    assert!(!d
        .role("env-tst")
        .unwrap()
        .inline_policies
        .contains_key("TerraformStateOrg"));
    assert_clean(&d);
}

/// Free-form patterns: of `sub`, they join the repositories' subjects (either matches); of
/// another claim, they are a second condition (both must match).
#[test]
fn free_form_claim_patterns() {
    let mut i = seed();
    let g = i.github.as_mut().unwrap();
    g.repositories.clear();
    g.branches.clear();
    g.patterns = vec!["repo:trustypangolin/*:ref:refs/heads/main".into()];
    i.gitlab = Some(GitlabTrust {
        patterns: vec!["project_path:trustypangolin/platform/*".into()],
        ..GitlabTrust::default()
    });
    let d = deployment(&i);
    let trust = trust_json(&d, "oidc");
    assert!(trust.contains(r#""StringLike":{"token.actions.githubusercontent.com:sub":"repo:trustypangolin/*:ref:refs/heads/main"}"#), "{trust}");
    assert!(
        trust.contains(
            r#""StringLike":{"gitlab.com:sub":"project_path:trustypangolin/platform/*"}"#
        ),
        "{trust}"
    );

    // Another claim: a second condition next to the repositories' `sub`.
    let mut i = seed();
    let g = i.github.as_mut().unwrap();
    g.claim = "job_workflow_ref".into();
    g.patterns =
        vec!["trustypangolin/workflows/.github/workflows/deploy.yml@refs/heads/main".into()];
    let d = deployment(&i);
    let trust = trust_json(&d, "oidc");
    assert!(trust.contains(r#""StringLike":{"token.actions.githubusercontent.com:sub":"repo:trustypangolin/bedrock-foundation-template:ref:refs/heads/main","token.actions.githubusercontent.com:job_workflow_ref":"trustypangolin/workflows/.github/workflows/deploy.yml@refs/heads/main"}"#), "{trust}");
    assert!(d
        .validate(&Default::default())
        .iter()
        .all(|f| !f.is_error()));

    let mut i = seed();
    i.github.as_mut().unwrap().patterns =
        vec!["repo:trustypangolin/*:environment:production".into()];
    let trust = trust_json(&deployment(&i), "oidc");
    assert!(trust.contains(r#""token.actions.githubusercontent.com:sub":["repo:trustypangolin/*:environment:production","repo:trustypangolin/bedrock-foundation-template:ref:refs/heads/main"]"#), "{trust}");
}

/// An environment account that is not a member account is most often a typo: the error
/// names the nearest member account.
#[test]
fn an_environment_account_outside_the_members_suggests_the_nearest() {
    let mut i = environments();
    i.environments.get_mut("prd").unwrap().account_ids = vec!["210987654312".into()];
    let Err(blueprint_kit::BlueprintError::Input { input, help, .. }) = build(&i) else {
        panic!("accepted")
    };
    assert_eq!(input, "environments.prd.account_ids[0]");
    assert!(
        help.as_deref()
            .is_some_and(|h| h.starts_with("did you mean `210987654321`?")),
        "{help:?}"
    );
    // Without member accounts (one `member` account applied in each) any account is allowed.
    i.member_account_ids.clear();
    assert!(build(&i).is_ok());
}
