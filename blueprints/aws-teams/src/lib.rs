#![doc = include_str!("../README.md")]

pub mod inputs;
pub mod label;
mod md5;
pub mod policies;
pub mod trust;

use std::collections::BTreeMap;

use blueprint_kit::BlueprintError;
use iam_model::deployment::{
    Account, Deployment, InputType, ManagedPolicy, Output, OutputValue, Role, Variable,
};
use iam_model::{Code, Text};

pub use inputs::{AwsTeamsInputs, DescriptorFormat, LabelContext, NullLabelInputs, TeamConfig};
pub use label::Label;
pub use policies::{team_role_access_document, CustomPolicyMap, TEAM_ROLE_ACCESS};
pub use trust::{team_permission_set_name, team_trust_policy, TrustSettings};

/// The blueprint's name.
pub const NAME: &str = "aws-teams";

/// One line about what the blueprint creates.
pub const DESCRIPTION: &str =
    "Cloud Posse aws-teams: one IAM role per team in the identity account, trusted by teams, SSO permission sets, role ARNs, SAML and GitHub";

/// The `aws-teams` blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsTeams;

/// Builds the deployment for `inputs`: the team roles, the `TeamRoleAccess` policy, the
/// variables and the outputs. Fails with the input's path when an input is unusable.
pub fn build(inputs: &AwsTeamsInputs) -> Result<Deployment, BlueprintError> {
    check_inputs(inputs)?;
    let label = Label::from_inputs(&inputs.label)?;
    let identity_name = inputs.identity_account_account_name.as_str();
    let identity_id = identity_account_id(inputs)?;
    let partition = inputs.aws_partition.as_str();

    let account = Account::builder()
        .key(identity_name)
        .description("the identity account, where the team roles live")
        .id(identity_id)
        .assume_role_arn(inputs.import_role_arn.clone().unwrap_or_else(|| {
            format!("arn:{partition}:iam::{identity_id}:role/OrganizationAccountAccessRole")
        }))
        .build();

    let settings = TrustSettings {
        partition: partition.to_owned(),
        identity_account_id: identity_id.to_owned(),
        role_arn_template: match &inputs.identity_role_arn_template {
            Some(t) => t.clone(),
            // `%` in the id or delimiter is escaped so that only the team placeholder remains.
            None => format!(
                "arn:{partition}:iam::{identity_id}:role/{}{}%s",
                label.id.replace('%', "%%"),
                label.delimiter.replace('%', "%%")
            ),
        },
        saml_provider_arns: inputs.saml_provider_arns.clone(),
        github_oidc_provider_arn: inputs.github_oidc_provider_arn.clone(),
        trusted_github_org: inputs.trusted_github_org.clone(),
    };
    let custom = CustomPolicyMap::new(&inputs.additional_custom_policy_map);

    let mut roles = Vec::new();
    let mut policies = Vec::new();
    if label.enabled {
        policies.push(
            ManagedPolicy::builder()
                .key(TEAM_ROLE_ACCESS)
                .account(identity_name)
                .name(format!("{}-TeamRoleAccess", label.id))
                .description(policies::TEAM_ROLE_ACCESS_DESCRIPTION)
                .document(team_role_access_document(partition))
                .tags(label.tags.clone())
                .build(),
        );
        for (team, config) in &inputs.teams_config {
            roles.push(team_role(
                inputs,
                &label,
                &settings,
                &custom,
                identity_name,
                team,
                config,
            )?);
        }
    }

    let outputs = outputs(inputs, &roles);
    Ok(Deployment::builder()
        .blueprint(NAME)
        .instance(if label.id.is_empty() {
            NAME.to_owned()
        } else {
            label.id.clone()
        })
        .accounts(vec![account])
        .roles(roles)
        .policies(policies)
        .variables(variables(inputs))
        .outputs(outputs)
        .build())
}

fn team_role(
    inputs: &AwsTeamsInputs,
    label: &Label,
    settings: &TrustSettings,
    custom: &CustomPolicyMap,
    account: &str,
    team: &str,
    config: &TeamConfig,
) -> Result<Role, BlueprintError> {
    let name = label.resource_name(team);
    let repos = inputs
        .trusted_github_repos
        .get(team)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let trust = team_trust_policy(team, config, repos, settings)?;
    let attached = custom.resolve(
        &format!("teams_config.{team}.role_policy_arns"),
        &config.role_policy_arns,
    )?;
    let mut tags = label.tags.clone();
    tags.insert("Name".to_owned(), name.clone());

    let mut role = Role::builder()
        .key(team)
        .account(account)
        .name(name)
        .description(config.role_description.clone())
        .max_session_duration(config.max_session_duration)
        .tags(tags)
        .trust(trust)
        .managed_policy_arns(attached)
        .build();
    let foreign: Vec<&str> = config
        .trusted_role_arns
        .iter()
        .filter_map(|a| trust::arn_account(a))
        .filter(|a| *a != settings.identity_account_id)
        .collect();
    if !foreign.is_empty() {
        role = role.acknowledge(
            Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID,
            format!(
                "`teams_config.{team}.trusted_role_arns` trusts roles of account `{}` on purpose; the `aws:PrincipalArn` condition admits exactly those roles, and an external id is for third parties",
                foreign.join("`, `")
            ),
        );
    }
    Ok(role)
}

fn identity_account_id(inputs: &AwsTeamsInputs) -> Result<&str, BlueprintError> {
    let name = &inputs.identity_account_account_name;
    inputs.account_map.get(name).map(String::as_str).ok_or_else(|| {
        BlueprintError::input("account_map", format!("the identity account `{name}` is not in the account map"))
            .with_help(format!(
                "add `{name}: \"<12-digit account id>\"` to `account_map`, or set `identity_account_account_name` to the identity account's name"
            ))
    })
}

/// The checks the input types cannot express, each reported with the input's path.
fn check_inputs(i: &AwsTeamsInputs) -> Result<(), BlueprintError> {
    for (name, id) in &i.account_map {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BlueprintError::input(
                format!("account_map.{name}"),
                format!("`{id}` is not a 12-digit account id"),
            )
            .with_help(
                "account ids are exactly 12 digits; quote them in YAML so leading zeros survive",
            ));
        }
    }
    if i.aws_partition.is_empty()
        || !i
            .aws_partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return Err(BlueprintError::input(
            "aws_partition",
            format!("`{}` is not a partition", i.aws_partition),
        )
        .with_help("use `aws`, `aws-us-gov` or `aws-cn`"));
    }
    if let Some(t) = &i.identity_role_arn_template {
        let verbs = t.replace("%%", "").matches('%').count();
        if verbs != 1 || !t.replace("%%", "").contains("%s") || !t.starts_with("arn:") {
            return Err(BlueprintError::input("identity_role_arn_template", format!("`{t}` is not a role ARN template with one `%s`"))
                .with_help("write the team role ARN with `%s` for the team, e.g. `arn:aws:iam::111111111111:role/eg-core-gbl-identity-%s`"));
        }
    }
    for (team, config) in &i.teams_config {
        let path = |field: &str| format!("teams_config.{team}.{field}");
        let d = config.max_session_duration;
        if !(3600..=43200).contains(&d) {
            let bound = if d < 3600 {
                "below 3600"
            } else {
                "above 43200"
            };
            return Err(BlueprintError::input(
                path("max_session_duration"),
                format!("`{d}` is {bound}"),
            )
            .with_help("IAM accepts 3600 (1 hour) to 43200 (12 hours) seconds"));
        }
        for (field, arns) in [
            ("trusted_role_arns", &config.trusted_role_arns),
            ("denied_role_arns", &config.denied_role_arns),
        ] {
            for (n, arn) in arns.iter().enumerate() {
                let account_ok = trust::arn_account(arn)
                    .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
                if !account_ok || !arn.starts_with("arn:") {
                    return Err(BlueprintError::input(format!("{}[{n}]", path(field)), format!("`{arn}` is not an IAM ARN with a 12-digit account"))
                        .with_help("write a role ARN such as `arn:aws:iam::123456789012:role/name`; its account becomes a trusted or denied principal"));
                }
            }
        }
    }
    for (team, repos) in &i.trusted_github_repos {
        if !i.teams_config.contains_key(team) {
            let teams: Vec<&str> = i.teams_config.keys().map(String::as_str).collect();
            let near = iam_model::suggest::nearest(team, teams.iter().copied(), 1);
            let help = match near.first() {
                Some(t) => format!("did you mean `{t}`? keys of `trusted_github_repos` are team names of `teams_config`"),
                None => "keys of `trusted_github_repos` are team names of `teams_config`".to_owned(),
            };
            return Err(BlueprintError::input(
                format!("trusted_github_repos.{team}"),
                format!("`{team}` is not a team of `teams_config`"),
            )
            .with_help(help));
        }
        for (n, repo) in repos.iter().enumerate() {
            let ok = !repo.is_empty()
                && repo.matches('/').count() <= 1
                && !repo.starts_with('/')
                && !repo.ends_with('/')
                && !repo.contains(':');
            if !ok {
                return Err(BlueprintError::input(
                    format!("trusted_github_repos.{team}[{n}]"),
                    format!("`{repo}` is not a GitHub repository"),
                )
                .with_help("write `REPO` (in `trusted_github_org`) or `ORG/REPO`"));
            }
        }
    }
    Ok(())
}

fn outputs(inputs: &AwsTeamsInputs, roles: &[Role]) -> Vec<Output> {
    // Roles are built in team-key order, the order of the original's `values()`.
    let arns: Vec<OutputValue> = roles.iter().map(|r| OutputValue::Text(r.arn())).collect();
    let names: Vec<OutputValue> = roles
        .iter()
        .map(|r| OutputValue::from(r.name.clone()))
        .collect();
    let arn_map: BTreeMap<String, OutputValue> = roles
        .iter()
        .map(|r| (r.key.clone(), OutputValue::Text(r.arn())))
        .collect();
    vec![
        Output::builder()
            .name("role_arns")
            .description("List of role ARNs")
            .value(OutputValue::List(arns))
            .build(),
        Output::builder()
            .name("team_name_role_arn_map")
            .description("Map of team names to role ARNs")
            .value(OutputValue::Map(arn_map))
            .build(),
        Output::builder()
            .name("team_names")
            .description("List of team names")
            .value(OutputValue::List(names))
            .build(),
        Output::builder()
            .name("teams_config")
            .description("Map of team config with name, target arn, and description")
            .value(teams_config_value(&inputs.teams_config))
            .build(),
    ]
}

// ---------------------------------------------------------------------------------------
// Variables: the inputs as Terraform `variable` blocks, with the values this deployment was
// built with.

fn text(s: &str) -> OutputValue {
    OutputValue::Text(Text::from(s))
}

fn opt_text(s: &Option<String>) -> OutputValue {
    s.as_deref().map(text).unwrap_or(OutputValue::Null)
}

fn number(n: u32) -> OutputValue {
    OutputValue::Number(n.to_string())
}

fn texts(items: &[String]) -> OutputValue {
    OutputValue::List(items.iter().map(|s| text(s)).collect())
}

fn text_map(m: &BTreeMap<String, String>) -> OutputValue {
    OutputValue::Map(m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
}

fn list_map(m: &BTreeMap<String, Vec<String>>) -> OutputValue {
    OutputValue::Map(m.iter().map(|(k, v)| (k.clone(), texts(v))).collect())
}

fn descriptor_map(m: &BTreeMap<String, DescriptorFormat>) -> OutputValue {
    OutputValue::Map(
        m.iter()
            .map(|(k, d)| {
                let fields = BTreeMap::from([
                    ("format".to_owned(), text(&d.format)),
                    ("labels".to_owned(), texts(&d.labels)),
                ]);
                (k.clone(), OutputValue::Map(fields))
            })
            .collect(),
    )
}

fn team_config_type() -> InputType {
    let list = || InputType::List(Box::new(InputType::String));
    InputType::Object(vec![
        ("denied_teams".into(), list()),
        ("denied_permission_sets".into(), list()),
        ("denied_role_arns".into(), list()),
        ("max_session_duration".into(), InputType::Number),
        ("role_description".into(), InputType::String),
        ("role_policy_arns".into(), list()),
        ("aws_saml_login_enabled".into(), InputType::Bool),
        ("trusted_teams".into(), list()),
        ("trusted_permission_sets".into(), list()),
        ("trusted_role_arns".into(), list()),
    ])
}

fn team_config_value(c: &TeamConfig) -> OutputValue {
    OutputValue::Map(BTreeMap::from([
        ("denied_teams".to_owned(), texts(&c.denied_teams)),
        (
            "denied_permission_sets".to_owned(),
            texts(&c.denied_permission_sets),
        ),
        ("denied_role_arns".to_owned(), texts(&c.denied_role_arns)),
        (
            "max_session_duration".to_owned(),
            number(c.max_session_duration),
        ),
        ("role_description".to_owned(), text(&c.role_description)),
        ("role_policy_arns".to_owned(), texts(&c.role_policy_arns)),
        (
            "aws_saml_login_enabled".to_owned(),
            OutputValue::Bool(c.aws_saml_login_enabled),
        ),
        ("trusted_teams".to_owned(), texts(&c.trusted_teams)),
        (
            "trusted_permission_sets".to_owned(),
            texts(&c.trusted_permission_sets),
        ),
        ("trusted_role_arns".to_owned(), texts(&c.trusted_role_arns)),
    ]))
}

fn teams_config_value(m: &BTreeMap<String, TeamConfig>) -> OutputValue {
    OutputValue::Map(
        m.iter()
            .map(|(k, c)| (k.clone(), team_config_value(c)))
            .collect(),
    )
}

fn context_value(c: &LabelContext) -> OutputValue {
    let opt_number = |n: Option<u32>| n.map(number).unwrap_or(OutputValue::Null);
    OutputValue::Map(BTreeMap::from([
        (
            "additional_tag_map".to_owned(),
            text_map(&c.additional_tag_map),
        ),
        ("attributes".to_owned(), texts(&c.attributes)),
        ("delimiter".to_owned(), opt_text(&c.delimiter)),
        (
            "descriptor_formats".to_owned(),
            descriptor_map(&c.descriptor_formats),
        ),
        ("enabled".to_owned(), OutputValue::Bool(c.enabled)),
        ("environment".to_owned(), opt_text(&c.environment)),
        ("id_length_limit".to_owned(), opt_number(c.id_length_limit)),
        ("label_key_case".to_owned(), opt_text(&c.label_key_case)),
        ("label_order".to_owned(), texts(&c.label_order)),
        ("label_value_case".to_owned(), opt_text(&c.label_value_case)),
        ("labels_as_tags".to_owned(), texts(&c.labels_as_tags)),
        ("name".to_owned(), opt_text(&c.name)),
        ("namespace".to_owned(), opt_text(&c.namespace)),
        (
            "regex_replace_chars".to_owned(),
            opt_text(&c.regex_replace_chars),
        ),
        ("stage".to_owned(), opt_text(&c.stage)),
        ("tags".to_owned(), text_map(&c.tags)),
        ("tenant".to_owned(), opt_text(&c.tenant)),
    ]))
}

/// The inputs as Terraform variables, in the seed's table order, then the inputs that replace
/// remote-state lookups.
pub fn variables(i: &AwsTeamsInputs) -> Vec<Variable> {
    use InputType as T;
    let string_list = || T::List(Box::new(T::String));
    let string_map = || T::Map(Box::new(T::String));
    let var = |name: &str, description: &str, input_type: InputType, value: OutputValue| {
        Variable::builder()
            .name(name)
            .description(description)
            .input_type(input_type)
            .value(value)
            .build()
    };
    vec![
        var("account_map_environment_name", "The name of the environment where `account_map` is provisioned", T::String, text(&i.account_map_environment_name)),
        var("account_map_stage_name", "The name of the stage where `account_map` is provisioned", T::String, text(&i.account_map_stage_name)),
        var("additional_tag_map", "Additional key-value pairs to add to each map in `tags_as_list_of_maps`. Not added to `tags` or `id`.", string_map(), text_map(&i.label.additional_tag_map)),
        var("attributes", "ID element. Additional attributes (e.g. `workers` or `cluster`) to add to `id`, in the order they appear in the list.", string_list(), texts(&i.label.attributes)),
        var("aws_saml_environment_name", "The name of the environment where SSO is provisioned", T::String, text(&i.aws_saml_environment_name)),
        var("aws_saml_stage_name", "The name of the stage where SSO is provisioned", T::String, text(&i.aws_saml_stage_name)),
        var("context", "Single object for setting entire context at once.", T::Any, context_value(&i.label.context)),
        var("delimiter", "Delimiter to be used between ID elements. Defaults to `-` (hyphen). Set to `\"\"` to use no delimiter at all.", T::String, opt_text(&i.label.delimiter)),
        var("descriptor_formats", "Describe additional descriptors to be output in the `descriptors` output map.", T::Any, descriptor_map(&i.label.descriptor_formats)),
        var("enabled", "Set to false to prevent the module from creating any resources", T::Bool, i.label.enabled.map(OutputValue::Bool).unwrap_or(OutputValue::Null)),
        var("environment", "ID element. Usually used for region e.g. 'uw2', 'us-west-2', OR role 'prod', 'staging', 'dev', 'UAT'", T::String, opt_text(&i.label.environment)),
        var("id_length_limit", "Limit `id` to this many characters (minimum 6). Set to `0` for unlimited length.", T::Number, i.label.id_length_limit.map(number).unwrap_or(OutputValue::Null)),
        var("import_role_arn", "IAM Role ARN to use when importing a resource", T::String, opt_text(&i.import_role_arn)),
        var("label_key_case", "Controls the letter case of the `tags` keys (label names) for tags generated by this module.", T::String, opt_text(&i.label.label_key_case)),
        var("label_order", "The order in which the labels (ID elements) appear in the `id`.", string_list(), i.label.label_order.as_deref().map(texts).unwrap_or(OutputValue::Null)),
        var("label_value_case", "Controls the letter case of ID elements (labels) as included in `id`, set as tag values, and output by this module individually.", T::String, opt_text(&i.label.label_value_case)),
        var("labels_as_tags", "Set of labels (ID elements) to include as tags in the `tags` output.", string_list(), texts(&i.label.labels_as_tags)),
        var("name", "ID element. Usually the component or solution name, e.g. 'app' or 'jenkins'.", T::String, opt_text(&i.label.name)),
        var("namespace", "ID element. Usually an abbreviation of your organization name, e.g. 'eg' or 'cp', to help ensure generated IDs are globally unique", T::String, opt_text(&i.label.namespace)),
        var("regex_replace_chars", "Terraform regular expression (regex) string. Characters matching the regex will be removed from the ID elements.", T::String, opt_text(&i.label.regex_replace_chars)),
        var("region", "AWS Region", T::String, text(&i.region)),
        var("stage", "ID element. Usually used to indicate role, e.g. 'prod', 'staging', 'source', 'build', 'test', 'deploy', 'release'", T::String, opt_text(&i.label.stage)),
        var("tags", "Additional tags (e.g. `{'BusinessUnit': 'XYZ'}`).", string_map(), text_map(&i.label.tags)),
        var("teams_config", "A roles map to configure the accounts.", T::Map(Box::new(team_config_type())), teams_config_value(&i.teams_config)),
        var("tenant", "ID element _(Rarely used, not included by default)_. A customer identifier, indicating who this instance of a resource is for", T::String, opt_text(&i.label.tenant)),
        var("trusted_github_repos", "Map where keys are role names (same keys as `teams_config`) and values are lists of GitHub repositories allowed to assume those roles.", T::Map(Box::new(string_list())), list_map(&i.trusted_github_repos)),
        var("account_map", "Account names to account ids (account-map's `full_account_map`).", string_map(), text_map(&i.account_map)),
        var("identity_account_account_name", "The name of the identity account in `account_map`.", T::String, text(&i.identity_account_account_name)),
        var("aws_partition", "The partition of the accounts.", T::String, text(&i.aws_partition)),
        var("identity_role_arn_template", "The ARN of a team role with `%s` for the team name (account-map's `iam_role_arn_templates[identity]`).", T::String, opt_text(&i.identity_role_arn_template)),
        var("saml_provider_arns", "The SAML provider ARNs teams with `aws_saml_login_enabled` trust.", string_list(), texts(&i.saml_provider_arns)),
        var("github_oidc_provider_arn", "The ARN of the GitHub Actions OIDC provider of the identity account.", T::String, opt_text(&i.github_oidc_provider_arn)),
        var("trusted_github_org", "The GitHub organization of `trusted_github_repos` entries written without one.", T::String, text(&i.trusted_github_org)),
        var("additional_custom_policy_map", "More keys `role_policy_arns` may use, mapped to policy ARNs.", string_map(), text_map(&i.additional_custom_policy_map)),
    ]
}
