//! Reading inputs from config files: the example atmos stack (anchors, `<<` merge keys, global
//! `vars` merged into the component's) and the plain inputs file both give the seed's inputs,
//! and mistakes are reported with file, line, column and input path.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_aws_teams::{build, AwsTeams, AwsTeamsInputs, NAME};
use blueprint_kit::{Blueprint, ConfigSource, Inputs, Registered};
use common::*;

fn example(file: &str) -> ConfigSource {
    let path = format!("{}/../../examples/{file}", env!("CARGO_MANIFEST_DIR"));
    ConfigSource::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str, text: &str) -> Result<AwsTeamsInputs, String> {
    AwsTeamsInputs::load_component(&ConfigSource::new(name, text), NAME).map_err(|e| e.to_string())
}

#[test]
fn atmos_stack_example_gives_the_seed_inputs() {
    let inputs = AwsTeamsInputs::load_component(&example("aws-teams.yaml"), NAME)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs, seed_inputs());
}

#[test]
fn plain_inputs_example_gives_the_seed_inputs() {
    let inputs =
        AwsTeamsInputs::load(&example("aws-teams.inputs.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs, seed_inputs());
}

#[test]
fn the_registered_blueprint_builds_from_the_stack() {
    let registered = Registered::<AwsTeams>::new();
    assert_eq!(registered.name(), "aws-teams");
    let d = registered
        .build(&example("aws-teams.yaml"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d, build(&seed_inputs()).unwrap());
}

/// The stack of the seed with one line changed.
fn stack_with(find: &str, replace: &str) -> String {
    let text = example("aws-teams.yaml").text;
    assert!(text.contains(find), "the example has no `{find}`");
    text.replacen(find, replace, 1)
}

#[test]
fn session_duration_out_of_range_is_located() {
    let text = stack_with("role_description: Team for our privileged Spacelift server", "role_description: Team for our privileged Spacelift server\n            max_session_duration: 43201");
    let e = load("gbl-identity.yaml", &text).unwrap_err();
    let line = text.lines().position(|l| l.contains("43201")).unwrap() + 1;
    assert!(
        e.contains(&format!("gbl-identity.yaml:{line}:35: teams_config.spacelift.max_session_duration: `43201` is above 43200")),
        "{e}"
    );
}

#[test]
fn a_team_without_the_template_misses_keys() {
    let text = stack_with(
        "          spacelift:\n            <<: *user-template\n",
        "          spacelift:\n",
    );
    let e = load("gbl-identity.yaml", &text).unwrap_err();
    for key in [
        "denied_teams",
        "max_session_duration",
        "trusted_permission_sets",
        "denied_role_arns",
    ] {
        assert!(
            e.contains(&format!("teams_config.spacelift: missing input `{key}`")),
            "{key}: {e}"
        );
    }
    assert!(
        !e.contains("trusted_teams"),
        "spacelift sets trusted_teams itself: {e}"
    );
}

#[test]
fn misspelt_keys_and_values_are_reported_with_suggestions() {
    let text = stack_with(
        "trusted_teams: [ \"admin\" ]",
        "trusted_team: [ \"admin\" ]",
    );
    let e = load("s.yaml", &text).unwrap_err();
    assert!(
        e.contains("teams_config.admin.trusted_team: unknown input `trusted_team`")
            && e.contains("did you mean `trusted_teams`?"),
        "{e}"
    );

    let text = stack_with(
        "  stage: identity\n",
        "  stage: identity\n  label_value_case: snake\n",
    );
    let e = load("s.yaml", &text).unwrap_err();
    assert!(
        e.contains("label_value_case") && e.contains("`snake`") && e.contains("`none`"),
        "{e}"
    );

    let text = stack_with(
        "label_order: [namespace, tenant,",
        "label_order: [namespace, region,",
    );
    let e = load("s.yaml", &text).unwrap_err();
    assert!(
        e.contains("label_order[1]") && e.contains("`region`"),
        "{e}"
    );
}

#[test]
fn global_vars_errors_point_at_the_global_section() {
    let text = stack_with("core-auto: \"123456789012\"", "core-auto: \"1234\"");
    let e = load("s.yaml", &text).unwrap_err();
    let line = text.lines().position(|l| l.contains("\"1234\"")).unwrap() + 1;
    assert!(
        e.contains(&format!("s.yaml:{line}:"))
            && e.contains("account_map.core-auto")
            && e.contains("`1234`"),
        "{e}"
    );
}

#[test]
fn every_input_has_its_default() {
    let minimal = r#"{"region": "us-east-1", "account_map": {"identity": "111111111111"}, "teams_config": {}}"#;
    let inputs = AwsTeamsInputs::load(&ConfigSource::new("min.json", minimal))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut want = AwsTeamsInputs::new(
        "us-east-1",
        [("identity".to_owned(), "111111111111".to_owned())].into(),
        Default::default(),
    );
    assert_eq!(inputs, want);
    want.label.namespace = Some("x".into());
    assert_ne!(inputs, want);
    let specs = AwsTeamsInputs::input_specs();
    let required: Vec<&str> = specs
        .iter()
        .filter(|s| s.is_required())
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(required, ["teams_config", "region", "account_map"]);
    let default_of = |name: &str| {
        specs
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.default.clone())
    };
    assert_eq!(
        default_of("account_map_stage_name").as_deref(),
        Some("\"root\"")
    );
    assert_eq!(
        default_of("aws_saml_stage_name").as_deref(),
        Some("\"identity\"")
    );
    assert_eq!(
        default_of("labels_as_tags").as_deref(),
        Some("[\"default\"]")
    );
    assert_eq!(default_of("delimiter").as_deref(), Some("null"));
    assert_eq!(default_of("trusted_github_repos").as_deref(), Some("{}"));
}

/// Every reference between inputs resolves: a misspelt team in `trusted_teams` or
/// `denied_teams` (which used to render a trust in a role that does not exist) and a misspelt
/// identity account are located errors with a suggestion.
#[test]
fn cross_references_resolve_with_a_suggestion() {
    let registered = Registered::<AwsTeams>::new();
    let build_report = |text: &str| {
        let source = ConfigSource::new("gbl-identity.yaml", text);
        registered
            .build(&source)
            .map(|_| ())
            .map_err(|e| e.report("gbl-identity.yaml"))
    };
    let text = stack_with(
        "trusted_teams: [ \"admin\" ]",
        "trusted_teams: [ \"admn\" ]",
    );
    let line = text.lines().position(|l| l.contains("\"admn\"")).unwrap() + 1;
    assert_eq!(
        build_report(&text).unwrap_err(),
        format!(
            "gbl-identity.yaml:{line}:30: input `teams_config.admin.trusted_teams[0]`: `admn` is not a team of `teams_config` (or `*`)\n  help: did you mean `admin`?"
        )
    );
    // Written once in the template and merged into every team: the first team (in key
    // order) that uses it is named, at the template's line.
    let text = stack_with(
        "denied_teams: [ \"viewer\" ]",
        "denied_teams: [ \"viewr\" ]",
    );
    let line = text.lines().position(|l| l.contains("\"viewr\"")).unwrap() + 1;
    let e = build_report(&text).unwrap_err();
    assert!(
        e.starts_with(&format!("gbl-identity.yaml:{line}:29: input `teams_config.admin.denied_teams[0]`: `viewr` is not a team of `teams_config` (or `*`)\n  help: did you mean `viewer`?")),
        "{e}"
    );
    // `*` is every role of the identity account, not a team.
    let text = stack_with("trusted_teams: [ \"admin\" ]", "trusted_teams: [ \"*\" ]");
    build_report(&text).unwrap();
    let text = stack_with(
        "identity_account_account_name: core-identity",
        "identity_account_account_name: core-identty",
    );
    let e = build_report(&text).unwrap_err();
    assert!(
        e.contains("input `identity_account_account_name`: `core-identty` is not an account of `account_map`\n  help: did you mean `core-identity`?"),
        "{e}"
    );
}
