//! Equivalence with the original: for the same `env`, region and account, the policies this
//! blueprint creates, resolved, are `iam_model::equivalent` to what the original Terraform
//! (`confluent-provisioning`'s `resources_confluent_tableflow_iam.tf`) sends to IAM. The
//! expected documents are written out by hand from the original's `jsonencode` expressions
//! (sorted keys) and its `local.trust_policy`, with the values substituted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_tableflow::{build, TableflowInputs, GLUE_POLICY_KEY, ROLE_KEY, S3_POLICY_KEY};
use common::{resolved, ACCOUNT, CONFLUENT_ID, CONFLUENT_ROLE};
use iam_model::deployment::Deployment;
use iam_model::{equivalent, PolicyDocument};

fn ours(d: &Deployment, key: &str) -> PolicyDocument {
    match d.policy(key) {
        Some(p) => resolved(d, &p.document),
        None => resolved(d, &d.role(key).unwrap().trust),
    }
}

fn assert_equivalent(d: &Deployment, key: &str, expected: &str) {
    let got = ours(d, key);
    let original: PolicyDocument = expected.parse().unwrap();
    assert!(
        equivalent(&got, &original),
        "`{key}` differs from the original\n ours: {}\n original: {expected}",
        got.to_json_compact().unwrap()
    );
}

fn phase2(env: &str) -> TableflowInputs {
    let mut inputs = TableflowInputs::new(env);
    inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    inputs.confluent_external_id = Some(CONFLUENT_ID.into());
    inputs
}

#[test]
fn phase_one_trust_matches_the_roles_trust_as_created() {
    let d = build(&TableflowInputs::new("dev")).unwrap();
    assert_equivalent(
        &d,
        ROLE_KEY,
        r#"{"Statement":[{"Action":"sts:AssumeRole","Effect":"Deny","Principal":{"AWS":"*"}}],"Version":"2012-10-17"}"#,
    );
}

#[test]
fn phase_two_trust_matches_what_the_null_resource_writes() {
    let d = build(&phase2("dev")).unwrap();
    assert_equivalent(
        &d,
        ROLE_KEY,
        &format!(
            r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "Allow",
      "Principal": {{
        "AWS": ["{CONFLUENT_ROLE}"]
      }},
      "Action": "sts:AssumeRole",
      "Condition": {{
        "StringEquals": {{
          "sts:ExternalId": "{CONFLUENT_ID}"
        }}
      }}
    }},
    {{
      "Effect": "Allow",
      "Principal": {{
        "AWS": ["{CONFLUENT_ROLE}"]
      }},
      "Action": "sts:TagSession"
    }}
  ]
}}"#
        ),
    );
    // A different external id, or an unconditioned AssumeRole, is not the same trust.
    let wrong: PolicyDocument = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{CONFLUENT_ROLE}"}},"Action":["sts:AssumeRole","sts:TagSession"]}}]}}"#
    )
    .parse()
    .unwrap();
    assert!(!equivalent(&ours(&d, ROLE_KEY), &wrong));
}

#[test]
fn s3_policy_matches_the_original() {
    for env in ["dev", "stage", "prod"] {
        let d = build(&TableflowInputs::new(env)).unwrap();
        let bucket = format!("{env}-confluent-topics-backup");
        assert_equivalent(
            &d,
            S3_POLICY_KEY,
            &format!(
                r#"{{"Statement":[{{"Action":["s3:GetBucketLocation","s3:ListBucketMultipartUploads","s3:ListBucket"],"Effect":"Allow","Resource":["arn:aws:s3:::{bucket}"]}},{{"Action":["s3:PutObject","s3:PutObjectTagging","s3:GetObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Effect":"Allow","Resource":["arn:aws:s3:::{bucket}/*"]}}],"Version":"2012-10-17"}}"#
            ),
        );
    }
}

#[test]
fn glue_policy_matches_the_original() {
    // The original reads the region from its provider; here it is the deployment's region
    // (`us-east-1` in these tests) unless `region` pins it.
    let d = build(&TableflowInputs::new("dev")).unwrap();
    let expected = |region: &str| {
        format!(
            r#"{{"Statement":[{{"Action":["glue:GetTable","glue:GetDatabase","glue:DeleteTable","glue:DeleteDatabase","glue:CreateTable","glue:CreateDatabase","glue:UpdateTable","glue:UpdateDatabase"],"Effect":"Allow","Resource":["arn:aws:glue:{region}:{ACCOUNT}:*"]}}],"Version":"2012-10-17"}}"#
        )
    };
    assert_equivalent(&d, GLUE_POLICY_KEY, &expected("us-east-1"));
    let mut pinned = TableflowInputs::new("dev");
    pinned.region = Some("eu-west-2".into());
    let d = build(&pinned).unwrap();
    assert_equivalent(&d, GLUE_POLICY_KEY, &expected("eu-west-2"));
}

/// The permissions do not depend on the phase: only the trust changes.
#[test]
fn permissions_are_the_same_in_both_phases() {
    let one = build(&TableflowInputs::new("dev")).unwrap();
    let two = build(&phase2("dev")).unwrap();
    assert_eq!(one.policies, two.policies);
    assert_eq!(
        one.role(ROLE_KEY).unwrap().managed_policy_arns,
        two.role(ROLE_KEY).unwrap().managed_policy_arns
    );
}
