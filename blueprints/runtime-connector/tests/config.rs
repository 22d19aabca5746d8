//! The runtime connector as `cargo xtask render` runs it: inputs read from a config file (the
//! example in `examples/`, a tfvars file turned into JSON, bad ones reported with file, line
//! and input), and the README's generated sections kept current.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_kit::{Blueprint, BlueprintError, ConfigSource, Inputs, Registered};
use blueprint_runtime_connector::{
    build, Addon, AddonParam, RuntimeConnector, RuntimeConnectorInputs,
};
use common::{assert_clean, params, strings};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/runtime-connector.yaml"
);
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn load(name: &str, text: &str) -> Result<RuntimeConnectorInputs, String> {
    RuntimeConnectorInputs::load(&ConfigSource::new(name, text)).map_err(|e| e.to_string())
}

#[test]
fn the_example_config_builds_a_clean_deployment() {
    let source = ConfigSource::read(EXAMPLE).unwrap();
    let inputs = RuntimeConnectorInputs::load(&source).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = RuntimeConnectorInputs::new("prod-eu");
    expected.account_id_safelist = vec!["222222222222".into(), "333333333333".into()];
    expected.addons = vec![Addon::SecretsManager, Addon::KinesisDataStream];
    expected.addon_params = [
        (
            Addon::SecretsManager,
            params([
                ("tag_name", "SymEnv".into()),
                ("tag_value", "prod-eu".into()),
            ]),
        ),
        (
            Addon::KinesisDataStream,
            params([(
                "stream_arns",
                ["arn:aws:kinesis:eu-west-1:222222222222:stream/sym-audit"].into(),
            )]),
        ),
    ]
    .into();
    expected.policy_arns = strings([("readonly", "arn:aws:iam::aws:policy/ReadOnlyAccess")]);
    expected.tags = strings([("Owner", "platform-team"), ("CostCenter", "4711")]);
    assert_eq!(inputs, expected);

    assert_eq!(
        blueprints::find("runtime-connector").map(|b| b.name()),
        Some("runtime-connector")
    );
    let d = Registered::<RuntimeConnector>::new()
        .build(&source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_clean(&d);
    assert_eq!(d, build(&expected).unwrap());
}

/// Every input of the seed's table has its default when the config leaves it out.
#[test]
fn a_config_with_only_the_environment_takes_every_default() {
    assert_eq!(
        load("min.yaml", "environment: sandbox\n").unwrap(),
        RuntimeConnectorInputs::new("sandbox")
    );
    let inputs = load("min.yaml", "environment: sandbox\n").unwrap();
    assert_eq!(inputs.sym_account_ids, ["803477428605"]);
    assert!(inputs.account_id_safelist.is_empty() && inputs.addons.is_empty());
    assert_eq!(inputs.custom_external_id, "");
}

/// A module's `terraform.tfvars.json` (the tfvars a user already has, as JSON) loads as it is.
#[test]
fn existing_tfvars_carry_over() {
    let tfvars = r#"{
  "environment": "prod",
  "account_id_safelist": ["222222222222"],
  "addons": ["aws/kinesis-data-stream"],
  "addon_params": {"aws/kinesis-data-stream": {"stream_arns": ["arn:aws:kinesis:us-east-1:111111111111:stream/s"]}},
  "custom_external_id": "",
  "policy_arns": {"readonly": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
  "sym_account_ids": ["803477428605"],
  "tags": {"Team": "platform"}
}"#;
    let inputs = load("terraform.tfvars.json", tfvars).unwrap();
    assert_eq!(inputs.addons, [Addon::KinesisDataStream]);
    assert_clean(&build(&inputs).unwrap());
}

/// The original cannot take both addons' parameters (its `map(map(any))` has no common type
/// for a string and a list); here they load together.
#[test]
fn string_and_list_addon_params_load_together() {
    let inputs = load(
        "both.yaml",
        "environment: prod\naddons: [aws/secretsmgr, aws/kinesis-data-stream]\naddon_params:\n  aws/secretsmgr:\n    tag_value: shared\n  aws/kinesis-data-stream:\n    stream_arns: [\"arn:aws:kinesis:us-east-1:111111111111:stream/s\"]\n",
    )
    .unwrap();
    assert_eq!(
        inputs.addon_params[&Addon::SecretsManager]["tag_value"],
        AddonParam::String("shared".into())
    );
    assert_eq!(
        inputs.addon_params[&Addon::KinesisDataStream]["stream_arns"],
        AddonParam::List(vec![
            "arn:aws:kinesis:us-east-1:111111111111:stream/s".into()
        ])
    );
}

#[test]
fn an_unknown_addon_is_rejected_with_the_originals_message_where_it_is() {
    let err = load(
        "bad.yaml",
        "environment: prod\naddons:\n  - aws/secretsmgr\n  - aws/secretsmanager\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "bad.yaml:4:5: addons[1]: unsupported addon value `aws/secretsmanager` (help: did you mean `aws/secretsmgr`? the addons are `aws/secretsmgr`, `aws/kinesis-firehose`, `aws/kinesis-data-stream` (the original module rejects any other with \"Unsupported addon value.\"))"
    );
    let err = load(
        "bad.yaml",
        "environment: prod\naddon_params:\n  aws/s3:\n    bucket: x\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with("bad.yaml:3:3: addon_params.aws/s3: unsupported addon value `aws/s3`"),
        "{err}"
    );
}

#[test]
fn bad_values_are_located() {
    let err = load(
        "bad.yaml",
        "environment: prod\nsym_account_ids: [\"803477428605\", \"80347742860\"]\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with(
            "bad.yaml:2:35: sym_account_ids[1]: `80347742860` does not match `[0-9]{12}`"
        ),
        "{err}"
    );
    let err = load("bad.yaml", "enviroment: prod\n").unwrap_err();
    assert!(err.contains("missing input `environment`"), "{err}");
    assert!(
        err.contains("unknown input `enviroment` (help: did you mean `environment`?)"),
        "{err}"
    );
    let err = load(
        "bad.yaml",
        "environment: prod\naddon_params:\n  aws/kinesis-data-stream:\n    stream_arns: [{a: b}]\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with("bad.yaml:4:19: addon_params.aws/kinesis-data-stream.stream_arns[0]: expected a string, found a map"),
        "{err}"
    );
}

/// Rules that need more than one input are the blueprint's, reported by input name.
#[test]
fn an_empty_stream_list_in_a_config_is_rejected_at_build() {
    let source = ConfigSource::new(
        "empty.yaml",
        "environment: prod\naddons: [aws/kinesis-data-stream]\naddon_params:\n  aws/kinesis-data-stream:\n    stream_arns: []\n",
    );
    match Registered::<RuntimeConnector>::new().build(&source) {
        Err(BlueprintError::Input { input, message, .. }) => {
            assert_eq!(input, "addon_params.aws/kinesis-data-stream.stream_arns");
            assert_eq!(message, "`stream_arns` is empty");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn readme_sections_are_current() {
    let d = Registered::<RuntimeConnector>::new()
        .build(&ConfigSource::read(EXAMPLE).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    blueprint_testing::assert_readme_current(README, &d, &RuntimeConnectorInputs::input_specs());
}
