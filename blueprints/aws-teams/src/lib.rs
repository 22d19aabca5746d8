#![doc = include_str!("../README.md")]

pub mod diagram;
pub mod inputs;
pub mod label;
mod md5;
pub mod policies;
pub mod trust;

use std::collections::BTreeMap;

use blueprint_kit::{check, BlueprintError, InputValue, Inputs, TypedBlueprint};
use iam_model::deployment::{Account, Deployment, ManagedPolicy, Output, OutputValue, Role};
use iam_model::Code;

pub use diagram::team_trust_mermaid;
pub use inputs::{
    AwsTeamsInputs, DescriptorFormat, LabelContext, LabelKeyCase, LabelName, LabelValueCase,
    NullLabelInputs, TeamConfig,
};
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

impl TypedBlueprint for AwsTeams {
    type Inputs = AwsTeamsInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;

    fn deployment(inputs: &AwsTeamsInputs) -> Result<Deployment, BlueprintError> {
        build(inputs)
    }
}

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
        .id(blueprint_kit::check::account_id(
            &format!("account_map.{identity_name}"),
            identity_id,
        )?)
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
        .variables(inputs.to_variables())
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
        let accounts = || inputs.account_map.keys().map(String::as_str);
        let e = check::unknown_reference(
            "identity_account_account_name",
            name,
            "an account of `account_map`",
            accounts(),
        );
        if iam_model::suggest::nearest(name, accounts(), 1).is_empty() {
            // Nothing near: the account is more likely missing from the map than misspelt.
            e.with_help(format!(
                "add `{name}: \"<12-digit account id>\"` to `account_map`, or set `identity_account_account_name` to the identity account's name"
            ))
        } else {
            e
        }
    })
}

/// The checks the input types cannot express, each reported with the input's path.
fn check_inputs(i: &AwsTeamsInputs) -> Result<(), BlueprintError> {
    for (name, id) in &i.account_map {
        blueprint_kit::check::account_id(&format!("account_map.{name}"), id)?;
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
                let account_ok =
                    trust::arn_account(arn).is_some_and(iam_model::AccountId::is_valid);
                let iam = arn.split(':').nth(2) == Some("iam");
                if !account_ok || !iam || !arn.starts_with("arn:") {
                    return Err(BlueprintError::input(format!("{}[{n}]", path(field)), format!("`{arn}` is not an IAM ARN with a 12-digit account"))
                        .with_help("write a role ARN such as `arn:aws:iam::123456789012:role/name`; its account becomes a trusted or denied principal"));
                }
            }
        }
    }
    let teams = || i.teams_config.keys().map(String::as_str);
    for (team, config) in &i.teams_config {
        for (field, names) in [
            ("trusted_teams", &config.trusted_teams),
            ("denied_teams", &config.denied_teams),
        ] {
            for (n, name) in names.iter().enumerate() {
                // `*` is every role of the identity account.
                if name != "*" && !i.teams_config.contains_key(name) {
                    return Err(check::unknown_reference(
                        &format!("teams_config.{team}.{field}[{n}]"),
                        name,
                        "a team of `teams_config` (or `*`)",
                        teams(),
                    ));
                }
            }
        }
    }
    for (team, repos) in &i.trusted_github_repos {
        if !i.teams_config.contains_key(team) {
            return Err(check::unknown_reference(
                &format!("trusted_github_repos.{team}"),
                team,
                "a team of `teams_config`",
                teams(),
            ));
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
            .value(inputs.teams_config.to_output())
            .build(),
    ]
}
