//! The render against the original's IAM, for every original configuration: the seed's design
//! with a custom Terraform role (`tests/original/seed.json`) and the bootstrap Terraform
//! (`tests/original/bootstrap.json`). Each vendored file says where its values come from. The
//! only differences allowed are the README's "Differences from the original", applied below as
//! edits of the original's JSON; each edit is checked to be needed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use blueprint_landing_zone::{build, EnvironmentRole, GithubTrust, GitlabTrust, LandingZoneInputs};
use blueprint_testing::assert_clean;
use blueprint_testing::original::{role, Original};
use serde_json::{json, Value};

const MGMT: &str = "123456789012";
const PRD: &str = "210987654321";
const BUCKET: &str = "arn:aws:s3:::uniqueprefix-trustypangolin-tfstate";
const TABLE: &str = "arn:aws:dynamodb:ap-southeast-2:123456789012:table/foundation-tfstate";
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/original/");
const README: &str = include_str!("../README.md");

fn github_match() -> GithubTrust {
    GithubTrust {
        patterns: vec!["repo:trustypangolin/bedrock-foundation-template:*".into()],
        ..GithubTrust::default()
    }
}

/// The README's `aud` row: every Git trust statement also pins the audience.
fn audience(json: &mut Value, name: &str, audiences: &[(&str, &str)]) {
    let statements = role(json, "management", name)["trust"]["Statement"]
        .as_array_mut()
        .unwrap();
    for (st, (issuer, aud)) in statements.iter_mut().zip(audiences) {
        st["Condition"]["StringEquals"] = json!({ format!("{issuer}:aud"): aud });
    }
}

#[test]
fn the_seeds_design_with_a_custom_role() {
    let mut inputs = LandingZoneInputs::new(MGMT, "uniqueprefix-trustypangolin");
    inputs.github = Some(github_match());
    inputs.environments = BTreeMap::from([(
        "prd".to_owned(),
        EnvironmentRole {
            external_id: Some("123Prod456".into()),
            account_ids: vec![PRD.into()],
            trust_sid: Some("ProdAccess".into()),
            ..EnvironmentRole::default()
        },
    )]);
    let d = build(&inputs).unwrap();
    let findings = d.validate(&Default::default());
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");

    let original = Original::read("seed", &format!("{DIR}seed.json"))
        .edit("`aud` pinned with `StringEquals` as well", |j| {
            audience(
                j,
                "foundation-oidc",
                &[("token.actions.githubusercontent.com", "sts.amazonaws.com")],
            );
        })
        .edit("On the bucket, in `AccessListS3`.", |j| {
            let s3 = &mut role(j, "management", "foundation-tf-state")["inline_policies"]
                ["TerraformStateS3"]["Statement"];
            s3[0]["Action"] = json!(["s3:ListBucket", "s3:GetEncryptionConfiguration"]);
            s3[2]["Action"] = json!(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]);
        })
        .edit("trusting the management account only for `<prefix>-tf-*` roles", |j| {
            let st = &mut role(j, "member", "foundation-deploy")["trust"]["Statement"][0];
            st["Sid"] = json!("AllowManagementTerraform");
            st["Condition"] = json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{MGMT}:role/foundation-tf-*")}});
        })
        .edit("typo fixed", |j| {
            role(j, "member", "foundation-deploy")["description"] =
                json!("Terraform will specify this role in provider.tf to deploy resources");
        })
        .edit("Derived from the table", |j| {
            let policies = &mut role(j, "management", "foundation-tf-prdstate")["inline_policies"];
            policies["AssumeDeploy"]["Statement"][0]["Resource"] = json!([
                format!("arn:aws:iam::{PRD}:role/foundation-deploy"),
                format!("arn:aws:iam::{PRD}:role/OrganizationAccountAccessRole"),
                format!("arn:aws:iam::{PRD}:role/AWSControlTowerExecution"),
            ]);
            policies["TerraformStateS3"] = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "AccessListS3", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetEncryptionConfiguration"], "Resource": BUCKET},
                {"Sid": "AccessS3All", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
                {"Sid": "ReadOrgState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("{BUCKET}/foundation/*")},
                {"Sid": "AccessS3", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": format!("{BUCKET}/prd/*")}]});
            let keys = |p: &str| json!({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": format!("uniqueprefix-trustypangolin-tfstate/{p}/*")}});
            policies["TerraformStateDynamoDB"] = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "AccessDynamoDB", "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"], "Resource": TABLE, "Condition": keys("prd")},
                {"Sid": "ReadOrgLocks", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE, "Condition": keys("foundation")},
                {"Sid": "DescribeDynamoDB", "Effect": "Allow", "Action": "dynamodb:DescribeTable", "Resource": TABLE},
                {"Sid": "AccessDynamoDBTableList", "Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "arn:aws:dynamodb:*:*:table/*"}]});
        });
    original.assert_matches(&d, README);
    original.assert_each_edit_needed(&d);
}

#[test]
fn the_bootstrap_terraform() {
    let mut inputs = LandingZoneInputs::new(MGMT, "uniqueprefix-trustypangolin");
    inputs.oidc_role_name = Some("foundation-terraform-oidc".into());
    inputs.oidc_permission_sid = String::new();
    inputs.github = Some(github_match());
    inputs.gitlab = Some(GitlabTrust {
        patterns: vec!["project_path:trustypangolin/landing-zone:*".into()],
        ..GitlabTrust::default()
    });
    inputs.create_deploy_role = false;
    let d = build(&inputs).unwrap();
    assert_clean(&d);

    let original = Original::read("bootstrap", &format!("{DIR}bootstrap.json"))
        .edit("`aud` pinned with `StringEquals` as well", |j| {
            audience(
                j,
                "foundation-terraform-oidc",
                &[
                    ("token.actions.githubusercontent.com", "sts.amazonaws.com"),
                    ("gitlab.com", "https://gitlab.com"),
                ],
            );
        })
        .edit("is created in the management account itself", |j| {
            j["roles"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r["name"] != "AWSControlTowerExecution");
        });
    original.assert_matches(&d, README);
    original.assert_each_edit_needed(&d);
}
