//! Inputs the blueprint refuses, each with the input's name, a lowercase message naming the
//! offending value, and a help line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_kit::BlueprintError;
use blueprint_tableflow::{build, TableflowInputs};
use common::{CONFLUENT_ID, CONFLUENT_ROLE};

fn rejected(inputs: &TableflowInputs) -> (String, String, String) {
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

#[test]
fn half_a_confluent_integration_is_rejected() {
    let mut inputs = TableflowInputs::new("dev");
    inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    let (input, message, help) = rejected(&inputs);
    assert_eq!(input, "confluent_external_id");
    assert_eq!(
        message,
        "`confluent_iam_role_arn` is given but `confluent_external_id` is not; the trust needs both"
    );
    assert!(help.contains("or neither"), "{help}");

    let mut inputs = TableflowInputs::new("dev");
    inputs.confluent_external_id = Some(CONFLUENT_ID.into());
    let (input, _, _) = rejected(&inputs);
    assert_eq!(input, "confluent_iam_role_arn");
}

#[test]
fn confluent_role_must_be_a_role_arn() {
    for bad in [
        "",
        "*",
        "999999999999",
        "arn:aws:iam::999999999999:root",
        "arn:aws:iam::999999999999:user/confluent",
        "arn:aws:iam::*:role/confluent",
        "arn:aws:iam::999999999999:role/confluent-*",
        "arn:aws:sts::999999999999:assumed-role/confluent/session",
    ] {
        let mut inputs = TableflowInputs::new("dev");
        inputs.confluent_iam_role_arn = Some(bad.into());
        inputs.confluent_external_id = Some(CONFLUENT_ID.into());
        let (input, message, help) = rejected(&inputs);
        assert_eq!(input, "confluent_iam_role_arn");
        assert_eq!(message, format!("`{bad}` is not an IAM role ARN"));
        assert!(help.contains("iam_role_arn"), "{help}");
    }
}

#[test]
fn confluent_external_id_must_be_one_sts_accepts() {
    for bad in ["", "x", "has space", "quote\"d", &"a".repeat(1225)] {
        let mut inputs = TableflowInputs::new("dev");
        inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
        inputs.confluent_external_id = Some(bad.to_owned());
        let (input, message, _) = rejected(&inputs);
        assert_eq!(input, "confluent_external_id");
        assert_eq!(
            message,
            format!("`{bad}` is not an external id STS accepts")
        );
    }
}

#[test]
fn env_must_make_a_valid_bucket_name() {
    for (bad, fragment) in [
        ("", "`env` is empty"),
        ("Dev", "has `D`"),
        ("dev_1", "has `_`"),
        ("-dev", "does not make a valid bucket name"),
        ("dev.", "does not make a valid bucket name"),
        ("a..b", "does not make a valid bucket name"),
    ] {
        let (input, message, help) = rejected(&TableflowInputs::new(bad));
        assert_eq!(input, "env");
        assert!(message.contains(fragment), "{bad:?}: {message}");
        assert!(help.contains("lowercase"), "{help}");
    }
    let longest = "e".repeat(39);
    assert!(build(&TableflowInputs::new(longest.as_str())).is_ok());
    let (_, message, _) = rejected(&TableflowInputs::new("e".repeat(40)));
    assert!(message.contains("over S3's 63"), "{message}");
}

#[test]
fn region_must_be_a_region_name() {
    for bad in ["", "eu", "eu-west", "EU-WEST-2", "eu-west-2a", "*"] {
        let mut inputs = TableflowInputs::new("dev");
        inputs.region = Some(bad.into());
        let (input, message, _) = rejected(&inputs);
        assert_eq!(input, "region");
        assert_eq!(message, format!("`{bad}` is not an AWS region name"));
    }
    for good in ["eu-west-2", "us-gov-west-1", "ap-southeast-2", "cn-north-1"] {
        let mut inputs = TableflowInputs::new("dev");
        inputs.region = Some(good.into());
        assert!(build(&inputs).is_ok(), "{good}");
    }
}
