//! Inputs the blueprint refuses, each with the input's path, a lowercase message naming the
//! offending value, and a help line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_kit::BlueprintError;
use blueprint_runtime_connector::{build, Addon, AddonParam, RuntimeConnectorInputs};
use common::params;

/// Builds and returns the error's `(input, message, help)`.
fn rejected(inputs: &RuntimeConnectorInputs) -> (String, String, String) {
    match build(inputs) {
        Ok(_) => panic!("accepted {inputs:?}"),
        Err(BlueprintError::Input {
            input,
            message,
            help,
            ..
        }) => {
            let help = help.expect("every rejection has a help line");
            assert!(
                message.starts_with(|c: char| !c.is_uppercase()),
                "message not lowercase: {message}"
            );
            (input, message, help)
        }
        Err(other) => panic!("unexpected error {other}"),
    }
}

fn with_data_stream(stream_arns: Option<AddonParam>) -> RuntimeConnectorInputs {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addons = vec![Addon::KinesisDataStream];
    if let Some(v) = stream_arns {
        inputs.addon_params = [(Addon::KinesisDataStream, params([("stream_arns", v)]))].into();
    }
    inputs
}

#[test]
fn empty_stream_arns_is_rejected() {
    // The original splices the list into the policy text as `"Resource": [ ]`, which IAM
    // rejects only at apply time.
    let (input, message, help) = rejected(&with_data_stream(Some(AddonParam::List(vec![]))));
    assert_eq!(input, "addon_params.aws/kinesis-data-stream.stream_arns");
    assert_eq!(message, "`stream_arns` is empty");
    assert!(help.contains("at least one"), "{help}");
}

#[test]
fn missing_stream_arns_is_rejected() {
    let (input, message, _) = rejected(&with_data_stream(None));
    assert_eq!(input, "addon_params.aws/kinesis-data-stream.stream_arns");
    assert!(message.contains("needs `stream_arns`"), "{message}");
}

#[test]
fn stream_arns_must_be_a_list_of_stream_arns() {
    let (input, message, _) = rejected(&with_data_stream(Some(
        "arn:aws:kinesis:us-east-1:111111111111:stream/a".into(),
    )));
    assert_eq!(input, "addon_params.aws/kinesis-data-stream.stream_arns");
    assert_eq!(message, "`stream_arns` is a string, not a list");

    let (input, message, _) = rejected(&with_data_stream(Some(
        [common::STREAM_A, "arn:aws:sqs:us-east-1:111111111111:queue"].into(),
    )));
    assert_eq!(input, "addon_params.aws/kinesis-data-stream.stream_arns[1]");
    assert_eq!(
        message,
        "`arn:aws:sqs:us-east-1:111111111111:queue` is not a Kinesis data stream ARN"
    );
}

#[test]
fn unknown_addon_parameters_are_rejected() {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addons = vec![Addon::SecretsManager];
    inputs.addon_params = [(Addon::SecretsManager, params([("tag_nmae", "Team".into())]))].into();
    let (input, message, help) = rejected(&inputs);
    assert_eq!(input, "addon_params.aws/secretsmgr.tag_nmae");
    assert_eq!(
        message,
        "unknown parameter `tag_nmae` for addon `aws/secretsmgr`"
    );
    assert_eq!(help, "`aws/secretsmgr` takes `tag_name`, `tag_value`");

    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addon_params = [(
        Addon::KinesisFirehose,
        params([("tag_name", "Team".into())]),
    )]
    .into();
    let (input, _, help) = rejected(&inputs);
    assert_eq!(input, "addon_params.aws/kinesis-firehose.tag_name");
    assert!(help.contains("takes no parameters"), "{help}");
}

#[test]
fn secrets_manager_parameters_are_strings_and_tag_keys() {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addons = vec![Addon::SecretsManager];
    inputs.addon_params = [(Addon::SecretsManager, params([("tag_value", ["a"].into())]))].into();
    let (input, message, _) = rejected(&inputs);
    assert_eq!(input, "addon_params.aws/secretsmgr.tag_value");
    assert_eq!(message, "`tag_value` is a list, not a string");

    inputs.addon_params = [(Addon::SecretsManager, params([("tag_name", "".into())]))].into();
    let (input, message, _) = rejected(&inputs);
    assert_eq!(input, "addon_params.aws/secretsmgr.tag_name");
    assert_eq!(message, "`` is not a tag key");
}

#[test]
fn account_ids_must_be_twelve_digits() {
    for (field, bad) in [
        ("account_id_safelist", "*"),
        ("account_id_safelist", "12345"),
        ("sym_account_ids", "arn:aws:iam::803477428605:root"),
        ("sym_account_ids", "8034774286O5"),
    ] {
        let mut inputs = RuntimeConnectorInputs::new("prod");
        let list = if field == "sym_account_ids" {
            &mut inputs.sym_account_ids
        } else {
            &mut inputs.account_id_safelist
        };
        *list = vec!["222222222222".into(), bad.into()];
        let (input, message, help) = rejected(&inputs);
        assert_eq!(input, format!("{field}[1]"));
        assert_eq!(message, format!("`{bad}` is not an AWS account id"));
        assert!(help.contains("12 digits"), "{help}");
    }
}

#[test]
fn empty_sym_account_ids_is_rejected() {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.sym_account_ids.clear();
    let (input, message, help) = rejected(&inputs);
    assert_eq!(input, "sym_account_ids");
    assert!(message.contains("nobody could assume"), "{message}");
    assert!(help.contains("803477428605"), "{help}");
}

#[test]
fn extra_policies_must_be_managed_policy_arns() {
    for bad in [
        "ReadOnlyAccess",
        "arn:aws:iam::aws:role/ReadOnlyAccess",
        "arn:aws:iam::*:policy/x",
        "arn:aws:s3:::bucket",
    ] {
        let mut inputs = RuntimeConnectorInputs::new("prod");
        inputs.policy_arns = common::strings([("extra", bad)]);
        let (input, message, _) = rejected(&inputs);
        assert_eq!(input, "policy_arns.extra");
        assert_eq!(message, format!("`{bad}` is not a managed policy ARN"));
    }
}

#[test]
fn environments_that_break_the_role_name_are_rejected() {
    let (input, message, help) = rejected(&RuntimeConnectorInputs::new("prod eu"));
    assert_eq!(input, "environment");
    assert_eq!(
        message,
        "`prod eu` gives the role name `SymRuntimeProd Eu`, and IAM names may not contain ` `"
    );
    assert!(help.contains("letters, digits"), "{help}");

    let (_, message, _) = rejected(&RuntimeConnectorInputs::new("*"));
    assert!(message.contains("`SymRuntime*`"), "{message}");

    let long = "e".repeat(55);
    let (input, message, help) = rejected(&RuntimeConnectorInputs::new(long.as_str()));
    assert_eq!(input, "environment");
    assert!(message.contains("65 characters long"), "{message}");
    assert_eq!(help, "use an environment of at most 54 characters");
    assert!(build(&RuntimeConnectorInputs::new("e".repeat(54))).is_ok());
}

/// `addon_params` refers to addons of `addons`: parameters of an addon that is not enabled
/// (the original ignores them) hide a missing or misspelt addon.
#[test]
fn parameters_of_an_addon_that_is_not_enabled_are_rejected() {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addons = vec![Addon::SecretsManager];
    inputs.addon_params = [(
        Addon::KinesisDataStream,
        params([("stream_arns", AddonParam::List(vec![]))]),
    )]
    .into();
    let (input, message, help) = rejected(&inputs);
    assert_eq!(input, "addon_params.aws/kinesis-data-stream");
    assert_eq!(
        message,
        "`aws/kinesis-data-stream` has parameters but is not in `addons`"
    );
    assert_eq!(
        help,
        "add `aws/kinesis-data-stream` to `addons`, or remove its parameters"
    );
}
