//! The TableFlow blueprint as `cargo xtask render` runs it: inputs read from a config file
//! (the example in `examples/`, the original's tfvars, bad ones reported with file, line and
//! input), and the README's generated sections kept current.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_kit::{Blueprint, BlueprintError, ConfigSource, Inputs, Registered};
use blueprint_tableflow::{build, Tableflow, TableflowInputs, TrustPhase};
use common::assert_clean;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/tableflow.yaml");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn load(name: &str, text: &str) -> Result<TableflowInputs, String> {
    TableflowInputs::load(&ConfigSource::new(name, text)).map_err(|e| e.to_string())
}

#[test]
fn the_example_config_builds_a_clean_deployment() {
    let source = ConfigSource::read(EXAMPLE).unwrap();
    let inputs = TableflowInputs::load(&source).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = TableflowInputs::new("dev");
    expected.project = Some("confluent-provisioning".into());
    expected.region = Some("eu-west-2".into());
    expected.confluent_iam_role_arn =
        Some("arn:aws:iam::210987654321:role/confluent-tableflow-provider-7f3a".into());
    expected.confluent_external_id = Some("6a1f0c2e-8d4b-4f3a-9e7c-1b2d3c4e5f60".into());
    expected.tags = [("Owner".to_owned(), "data-platform".to_owned())].into();
    assert_eq!(inputs, expected);
    assert_eq!(inputs.phase().unwrap(), TrustPhase::TrustingConfluent);

    assert_eq!(
        blueprints::find("tableflow").map(|b| b.name()),
        Some("tableflow")
    );
    let d = Registered::<Tableflow>::new()
        .build(&source)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_clean(&d);
    assert_eq!(d, build(&expected).unwrap());
}

/// The original's `environments/dev/dev.tfvars` (`env`, `project`, `region`), written as YAML,
/// loads as it is: phase 1.
#[test]
fn the_originals_tfvars_carry_over() {
    let inputs = load(
        "dev.yaml",
        "env: dev\nproject: confluent-provisioning\nregion: eu-west-2\n",
    )
    .unwrap();
    assert_eq!(inputs.phase().unwrap(), TrustPhase::WaitingForConfluent);
    assert_eq!(inputs.region.as_deref(), Some("eu-west-2"));
    assert_clean(&build(&inputs).unwrap());
    let json = load(
        "dev.tfvars.json",
        r#"{"env": "dev", "project": "confluent-provisioning", "region": "eu-west-2"}"#,
    )
    .unwrap();
    assert_eq!(json, inputs);
}

#[test]
fn a_config_with_only_env_takes_every_default() {
    assert_eq!(
        load("min.yaml", "env: dev\n").unwrap(),
        TableflowInputs::new("dev")
    );
}

#[test]
fn bad_values_are_located() {
    let err = load("bad.yaml", "env: dev\nregion: eu-west\n").unwrap_err();
    assert!(
        err.starts_with("bad.yaml:2:9: region: `eu-west` does not match"),
        "{err}"
    );
    let err = load(
        "bad.yaml",
        "env: dev\nconfluent_iam_role_arn: arn:aws:iam::12345:role/x\nconfluent_external_id: abc\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with(
            "bad.yaml:2:25: confluent_iam_role_arn: `arn:aws:iam::12345:role/x` does not match"
        ),
        "{err}"
    );
    let err = load("bad.yaml", "env: Dev\n").unwrap_err();
    assert!(
        err.starts_with("bad.yaml:1:6: env: `Dev` does not match"),
        "{err}"
    );
    let err = load("bad.yaml", "env: dev\nconfluent_role_arn: x\n").unwrap_err();
    assert!(
        err.contains(
            "unknown input `confluent_role_arn` (help: did you mean `confluent_iam_role_arn`?)"
        ),
        "{err}"
    );
}

/// Rules across inputs are the blueprint's, reported by input name.
#[test]
fn half_a_confluent_integration_in_a_config_is_rejected_at_build() {
    let source = ConfigSource::new(
        "half.yaml",
        "env: dev\nconfluent_iam_role_arn: arn:aws:iam::210987654321:role/confluent\n",
    );
    match Registered::<Tableflow>::new().build(&source) {
        Err(BlueprintError::Input { input, .. }) => assert_eq!(input, "confluent_external_id"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn readme_sections_are_current() {
    let d = Registered::<Tableflow>::new()
        .build(&ConfigSource::read(EXAMPLE).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    blueprint_testing::assert_readme_current(README, &d, &TableflowInputs::input_specs());
}
