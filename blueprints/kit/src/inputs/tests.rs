//! The derives and the value readers, through structs shaped like the blueprints' inputs.

use std::collections::BTreeMap;

use iam_model::deployment::{InputType, OutputValue};

use crate::{ConfigSource, InputEnum as _, InputSpec, InputValue, Inputs};

/// One team.
#[derive(Debug, Clone, PartialEq, crate::Inputs)]
pub struct Team {
    /// The maximum session duration, in seconds.
    #[input(default = 3600, range = 3600..=43200)]
    pub max_session_duration: u32,
    /// Policy ARNs to attach.
    #[input(default)]
    pub role_policy_arns: Vec<String>,
    /// The role description.
    pub role_description: String,
    /// Whether SAML users may log in.
    #[input(default)]
    pub aws_saml_login_enabled: bool,
    /// Teams denied.
    #[input(default)]
    pub denied_teams: Vec<String>,
    /// Teams trusted.
    #[input(default)]
    pub trusted_teams: Vec<String>,
}

/// An addon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, crate::InputEnum)]
pub enum Addon {
    /// Secrets Manager.
    #[input(rename = "aws/secretsmgr")]
    SecretsManager,
    /// Kinesis.
    #[input(rename = "aws/kinesis-data-stream")]
    Kinesis,
    /// Plain name.
    LambdaInvoke,
}

/// Labels shared by blueprints.
#[derive(Debug, Clone, PartialEq, crate::Inputs)]
pub struct Labels {
    /// The namespace.
    pub namespace: Option<String>,
    /// Extra tags.
    #[input(default)]
    pub tags: BTreeMap<String, String>,
}

/// Inputs of a test blueprint.
///
/// Second paragraph.
#[derive(Debug, Clone, PartialEq, crate::Inputs)]
pub struct TeamsInputs {
    /// The teams,
    /// by name.
    pub teams_config: BTreeMap<String, Team>,
    /// Account ids.
    #[input(default = vec!["803477428605".to_string()], pattern = "[0-9]{12}", example = "123456789012")]
    pub sym_account_ids: Vec<String>,
    /// Addons.
    #[input(default)]
    pub addons: Vec<Addon>,
    /// Addon parameters.
    #[input(default)]
    pub addon_params: BTreeMap<Addon, BTreeMap<String, String>>,
    /// A ratio.
    #[input(default = 0.5, range = 0.0..=1.0)]
    pub ratio: f64,
    /// The external id.
    #[input(rename = "custom_external_id", default, sensitive)]
    pub external_id: String,
    /// Labels.
    #[input(flatten)]
    pub labels: Labels,
}

fn load(name: &str, text: &str) -> Result<TeamsInputs, String> {
    TeamsInputs::load(&ConfigSource::new(name, text)).map_err(|e| e.to_string())
}

const TEAMS: &str = "\
teams_config:
  viewer: &tpl
    role_description: viewer
    max_session_duration: 43200
    denied_teams: [viewer]
  admin:
    <<: *tpl
    role_description: admin
    trusted_teams: [admin]
addons: [aws/secretsmgr]
addon_params:
  aws/secretsmgr:
    secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:x
namespace: eg
";

#[test]
fn loads_yaml_with_anchors_merge_keys_defaults_and_flatten() {
    let inputs = load("teams.yaml", TEAMS).unwrap();
    let admin = inputs.teams_config.get("admin").unwrap();
    assert_eq!(admin.role_description, "admin");
    assert_eq!(admin.max_session_duration, 43200);
    assert_eq!(admin.denied_teams, ["viewer"]);
    assert_eq!(admin.trusted_teams, ["admin"]);
    assert!(!admin.aws_saml_login_enabled);
    assert_eq!(inputs.sym_account_ids, ["803477428605"]);
    assert_eq!(inputs.addons, [Addon::SecretsManager]);
    assert_eq!(
        inputs
            .addon_params
            .get(&Addon::SecretsManager)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(inputs.labels.namespace.as_deref(), Some("eg"));
    assert!(inputs.labels.tags.is_empty());
    assert_eq!(inputs.ratio, 0.5);
    assert_eq!(inputs.external_id, "");
}

#[test]
fn every_error_is_reported_with_file_line_and_path() {
    let text = "\
teams_config:
  admin:
    role_description: admin
    max_session_duration: 43201
    trusted_teams: admin
    denied_temas: []
sym_account_ids: ['12345', 803477428605]
addons: [aws/secretmgr]
ratio: 2
namespaec: eg
";
    insta::assert_snapshot!(load("stack.yaml", text).unwrap_err(), @r"
    stack.yaml:4:27: teams_config.admin.max_session_duration: `43201` is above 43200 (help: the value must be at least 3600 and at most 43200)
    stack.yaml:5:20: teams_config.admin.trusted_teams: expected a list of strings, found a string
    stack.yaml:6:5: teams_config.admin.denied_temas: unknown input `denied_temas` (help: did you mean `denied_teams`?)
    stack.yaml:7:19: sym_account_ids[0]: `12345` does not match `[0-9]{12}` (help: for example `123456789012`)
    stack.yaml:8:10: addons[0]: unknown value `aws/secretmgr`, expected one of `aws/secretsmgr`, `aws/kinesis-data-stream`, `lambda_invoke` (help: did you mean `aws/secretsmgr`?)
    stack.yaml:9:8: ratio: `2` is above 1 (help: the value must be at least 0 and at most 1)
    stack.yaml:10:1: namespaec: unknown input `namespaec` (help: did you mean `namespace`?)
    ");
}

#[test]
fn missing_and_mistyped_inputs() {
    let err = load(
        "x.json",
        r#"{"addons": {"a": 1}, "addon_params": {"nope": {}}}"#,
    )
    .unwrap_err();
    insta::assert_snapshot!(err, @r"
    x.json:1:1: missing input `teams_config` (help: add `teams_config` to the config)
    x.json:1:12: addons: expected a list of values among `aws/secretsmgr`, `aws/kinesis-data-stream`, `lambda_invoke`, found a map
    x.json:1:39: addon_params.nope: unknown value `nope`, expected one of `aws/secretsmgr`, `aws/kinesis-data-stream`, `lambda_invoke` (help: use one of `aws/secretsmgr`, `aws/kinesis-data-stream`, `lambda_invoke`)
    ");
    let err = load(
        "y.yaml",
        "teams_config: {a: {role_description: x, max_session_duration: 1.5}}\nratio: yes\n",
    )
    .unwrap_err();
    insta::assert_snapshot!(err, @r"
    y.yaml:1:63: teams_config.a.max_session_duration: expected an integer, found `1.5`
    y.yaml:2:8: ratio: expected a number, found a string
    ");
}

#[test]
fn specs_describe_every_input() {
    let specs = TeamsInputs::input_specs();
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "teams_config",
            "sym_account_ids",
            "addons",
            "addon_params",
            "ratio",
            "custom_external_id",
            "namespace",
            "tags"
        ]
    );
    assert_eq!(TeamsInputs::input_names(), names);
    let get = |n: &str| specs.iter().find(|s| s.name == n).unwrap().clone();
    assert_eq!(
        get("sym_account_ids"),
        InputSpec {
            name: "sym_account_ids".into(),
            description: "Account ids.".into(),
            input_type: InputType::List(Box::new(InputType::String)),
            default: Some(r#"["803477428605"]"#.into()),
            example: Some(r#""123456789012""#.into()),
        }
    );
    let teams = get("teams_config");
    assert!(teams.is_required());
    assert_eq!(teams.description, "The teams, by name.");
    assert_eq!(
        teams.input_type.terraform(),
        "map(object({max_session_duration = number, role_policy_arns = list(string), role_description = string, aws_saml_login_enabled = bool, denied_teams = list(string), trusted_teams = list(string)}))"
    );
    assert_eq!(get("namespace").default.as_deref(), Some("null"));
    assert_eq!(get("ratio").default.as_deref(), Some("0.5"));
    assert_eq!(get("addons").input_type.terraform(), "list(string)");
}

#[test]
fn values_become_terraform_variables() {
    let inputs = load("teams.yaml", TEAMS).unwrap();
    let vars = inputs.to_variables();
    assert_eq!(vars.len(), 8);
    let ext = vars
        .iter()
        .find(|v| v.name == "custom_external_id")
        .unwrap();
    assert!(ext.sensitive);
    let teams = vars.iter().find(|v| v.name == "teams_config").unwrap();
    insta::assert_snapshot!(crate::inputs::output_json(&teams.value), @r#"{"admin":{"aws_saml_login_enabled":false,"denied_teams":["viewer"],"max_session_duration":43200,"role_description":"admin","role_policy_arns":[],"trusted_teams":["admin"]},"viewer":{"aws_saml_login_enabled":false,"denied_teams":["viewer"],"max_session_duration":43200,"role_description":"viewer","role_policy_arns":[],"trusted_teams":[]}}"#);
    let addons = vars.iter().find(|v| v.name == "addons").unwrap();
    assert_eq!(
        addons.value,
        OutputValue::List(vec![OutputValue::from("aws/secretsmgr")])
    );
}

#[test]
fn enum_names_and_values() {
    assert_eq!(
        Addon::NAMES,
        ["aws/secretsmgr", "aws/kinesis-data-stream", "lambda_invoke"]
    );
    assert_eq!(Addon::Kinesis.name(), "aws/kinesis-data-stream");
    // Every variant, in the order of the names.
    assert_eq!(
        <Addon as crate::InputEnum>::ALL,
        [Addon::SecretsManager, Addon::Kinesis, Addon::LambdaInvoke]
    );
    for (variant, name) in <Addon as crate::InputEnum>::ALL.iter().zip(Addon::NAMES) {
        assert_eq!(variant.name(), *name);
    }
    assert_eq!(
        <Addon as crate::InputEnum>::from_name("lambda_invoke"),
        Some(Addon::LambdaInvoke)
    );
    assert_eq!(<Addon as crate::InputEnum>::from_name("LambdaInvoke"), None);
    assert_eq!(
        Addon::expected(),
        "one of `aws/secretsmgr`, `aws/kinesis-data-stream`, `lambda_invoke`"
    );
}

#[test]
fn integers_strings_and_ranges() {
    let node = |t: &str| crate::config::yaml::parse(t).unwrap();
    let path = crate::InputPath::root();
    let mut errors = Vec::new();
    let c = crate::inputs::Constraints::NONE;
    assert_eq!(
        u8::from_node(&node("0x10"), &path, &mut errors, &c),
        Some(16)
    );
    assert_eq!(
        i64::from_node(&node("-12"), &path, &mut errors, &c),
        Some(-12)
    );
    assert_eq!(
        String::from_node(&node("803477428605"), &path, &mut errors, &c).as_deref(),
        Some("803477428605")
    );
    assert!(errors.is_empty());
    assert_eq!(u8::from_node(&node("256"), &path, &mut errors, &c), None);
    assert_eq!(u32::from_node(&node("-1"), &path, &mut errors, &c), None);
    assert_eq!(
        bool::from_node(&node("'true'"), &path, &mut errors, &c),
        None
    );
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`256` is above 255, the limit of this input",
            "`-1` is below 0, the limit of this input",
            "expected a boolean, found a string"
        ]
    );
    let excl = crate::inputs::Constraints {
        min: std::ops::Bound::Excluded(crate::inputs::Num::Int(0)),
        max: std::ops::Bound::Excluded(crate::inputs::Num::Int(10)),
        ..crate::inputs::Constraints::NONE
    };
    let mut errors = Vec::new();
    assert_eq!(
        u32::from_node(&node("5"), &path, &mut errors, &excl),
        Some(5)
    );
    assert_eq!(u32::from_node(&node("0"), &path, &mut errors, &excl), None);
    assert_eq!(u32::from_node(&node("10"), &path, &mut errors, &excl), None);
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["`0` is not above 0", "`10` is not below 10"]);
}
