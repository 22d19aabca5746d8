//! Equivalence with the original: for the same inputs, the policies this blueprint creates,
//! resolved in the target account, are `iam_model::equivalent` to the JSON the original
//! Terraform module (`symopsio/runtime-connector/sym` v1.0 and its v1.0.x addons) sends to
//! IAM. The expected documents are written out by hand as the original produces them:
//! `jsonencode` (sorted keys, one-element lists kept) for the role and base policy, and the
//! addons' heredoc text with their variables substituted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_runtime_connector::{
    build, Addon, AddonParam, RuntimeConnectorInputs, BASE_POLICY_KEY, ROLE_KEY,
};
use common::{params, resolved, ACCOUNT, GENERATED_UUID, STREAM_A, STREAM_B};
use iam_model::deployment::Deployment;
use iam_model::{equivalent, validate_json, Code, PolicyDocument, ValidationContext};

fn original(json: &str) -> PolicyDocument {
    json.parse().unwrap()
}

fn ours(d: &Deployment, key: &str) -> PolicyDocument {
    match d.policy(key) {
        Some(p) => resolved(d, &p.document),
        None => resolved(d, &d.role(key).unwrap().trust),
    }
}

fn assert_equivalent(d: &Deployment, key: &str, expected: &str) {
    let got = ours(d, key);
    assert!(
        equivalent(&got, &original(expected)),
        "`{key}` differs from the original\n ours: {}\n original: {expected}",
        got.to_json_compact().unwrap()
    );
}

/// `environment = "prod-eu"`, two safelisted accounts, every addon.
fn inputs() -> RuntimeConnectorInputs {
    let mut inputs = RuntimeConnectorInputs::new("prod-eu");
    inputs.account_id_safelist = vec!["222222222222".into(), "333333333333".into()];
    inputs.addons = vec![
        Addon::SecretsManager,
        Addon::KinesisFirehose,
        Addon::KinesisDataStream,
    ];
    inputs.addon_params = [
        (
            Addon::SecretsManager,
            params([
                ("tag_name", "Team".into()),
                ("tag_value", "platform".into()),
            ]),
        ),
        (
            Addon::KinesisDataStream,
            params([("stream_arns", AddonParam::from([STREAM_A, STREAM_B]))]),
        ),
    ]
    .into();
    inputs
}

#[test]
fn trust_policy_matches_the_original() {
    let d = build(&inputs()).unwrap();
    assert_equivalent(
        &d,
        ROLE_KEY,
        &format!(
            r#"{{"Statement":[{{"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"{GENERATED_UUID}"}}}},"Effect":"Allow","Principal":{{"AWS":["803477428605"]}}}}],"Version":"2012-10-17"}}"#
        ),
    );
}

#[test]
fn trust_policy_with_a_custom_external_id_matches_the_original() {
    let mut inputs = inputs();
    inputs.custom_external_id = " keep-my-spaces ".into();
    inputs.sym_account_ids = vec!["803477428605".into(), "444444444444".into()];
    let d = build(&inputs).unwrap();
    assert_equivalent(
        &d,
        ROLE_KEY,
        r#"{"Statement":[{"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":" keep-my-spaces "}},"Effect":"Allow","Principal":{"AWS":["803477428605","444444444444"]}}],"Version":"2012-10-17"}"#,
    );
    // IAM stores account principals as root ARNs; that is the same policy.
    let stored = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444444444444:root","arn:aws:iam::803477428605:root"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":" keep-my-spaces "}}}]}"#;
    assert!(equivalent(&ours(&d, ROLE_KEY), &original(stored)));
    // A different external id is not.
    assert!(!equivalent(
        &ours(&d, ROLE_KEY),
        &original(&stored.replace(" keep-my-spaces ", "keep-my-spaces"))
    ));
}

#[test]
fn base_policy_matches_the_original() {
    let d = build(&inputs()).unwrap();
    assert_equivalent(
        &d,
        BASE_POLICY_KEY,
        &format!(
            r#"{{"Statement":[{{"Action":"sts:AssumeRole","Effect":"Allow","Resource":["arn:aws:iam::{ACCOUNT}:role/sym/*","arn:aws:iam::222222222222:role/sym/*","arn:aws:iam::333333333333:role/sym/*"]}}],"Version":"2012-10-17"}}"#
        ),
    );
}

#[test]
fn base_policy_with_the_current_account_safelisted_matches_the_original() {
    // The original writes the current account's ARN twice; IAM (and equivalence) read it once.
    let mut inputs = RuntimeConnectorInputs::new("sandbox");
    inputs.account_id_safelist = vec![ACCOUNT.into()];
    let d = build(&inputs).unwrap();
    assert_equivalent(
        &d,
        BASE_POLICY_KEY,
        &format!(
            r#"{{"Statement":[{{"Action":"sts:AssumeRole","Effect":"Allow","Resource":["arn:aws:iam::{ACCOUNT}:role/sym/*","arn:aws:iam::{ACCOUNT}:role/sym/*"]}}],"Version":"2012-10-17"}}"#
        ),
    );
}

#[test]
fn secrets_manager_addon_matches_the_original() {
    let d = build(&inputs()).unwrap();
    assert_equivalent(
        &d,
        "aws_secretsmgr",
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue"
      ],
      "Resource": "*",
      "Condition": { "StringEquals": { "secretsmanager:ResourceTag/Team": "platform" } }
    }
  ]
}"#,
    );
}

#[test]
fn kinesis_data_stream_addon_matches_the_original() {
    let d = build(&inputs()).unwrap();
    assert_equivalent(
        &d,
        "aws_kinesis_data_stream",
        &format!(
            r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "Allow",
      "Action": [
        "kinesis:PutRecord",
        "kinesis:PutRecords"
      ],
      "Resource": [ "{STREAM_A}","{STREAM_B}" ]
    }},
    {{
      "Effect": "Allow",
      "Action": [
        "kinesis:ListStreams"
      ],
      "Resource": "*"
    }}
  ]
}}"#
        ),
    );
}

/// The original Firehose addon conditions on `firehose:ResourceTag/SymEnv`, which Firehose
/// does not define, so its `PutRecord` grant never applied. This blueprint uses
/// `aws:ResourceTag/SymEnv` (documented in the README); everything else is the original.
#[test]
fn kinesis_firehose_addon_matches_the_original_but_for_the_condition_key() {
    let original_text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "firehose:PutRecord",
        "firehose:PutRecordBatch"
      ],
      "Resource": "*",
      "Condition": { "StringEquals": { "firehose:ResourceTag/SymEnv": "prod-eu" } }
    },
    {
      "Effect": "Allow",
      "Action": [
        "firehose:ListDeliveryStreams"
      ],
      "Resource": "*"
    }
  ]
}"#;
    let d = build(&inputs()).unwrap();
    let got = ours(&d, "aws_kinesis_firehose");
    assert!(!equivalent(&got, &original(original_text)));
    assert!(equivalent(
        &got,
        &original(&original_text.replace("firehose:ResourceTag/", "aws:ResourceTag/"))
    ));

    // The service catalog agrees: Firehose has no `firehose:ResourceTag/…` key.
    let firehose = iam_model::catalog::service("firehose").unwrap();
    assert!(firehose
        .condition_key("firehose:ResourceTag/SymEnv")
        .is_none());
    assert!(firehose.condition_key("aws:ResourceTag/SymEnv").is_some());
    let secrets = iam_model::catalog::service("secretsmanager").unwrap();
    assert!(secrets
        .condition_key("secretsmanager:ResourceTag/Team")
        .is_some());
}

/// What the original sends for an empty `stream_arns`: a statement with an empty `Resource`,
/// which IAM refuses. The blueprint rejects the input instead (see `rejected.rs`).
#[test]
fn the_originals_empty_stream_list_is_an_invalid_policy() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": [  ]},
      {"Effect": "Allow", "Action": ["kinesis:ListStreams"], "Resource": "*"}]}"#;
    let codes: Vec<Code> = validate_json(text.as_bytes(), &ValidationContext::default())
        .findings
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.contains(&Code::EMPTY_RESOURCE), "{codes:?}");
}
