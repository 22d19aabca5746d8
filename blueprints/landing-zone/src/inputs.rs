//! The landing zone's inputs, their defaults (the seed's and the bootstrap Terraform's), and
//! the checks that reject a bad value with the input's name before anything is built.

use std::collections::BTreeMap;

use blueprint_kit::BlueprintError;
use iam_model::deployment::{InputType, OutputValue, Variable};

use crate::check;

/// Inputs of the landing zone's role architecture.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingZoneInputs {
    /// The management account id: the OIDC role, the Terraform state roles, the state bucket
    /// and the lock table live there.
    pub management_account_id: String,
    /// The member accounts that get the deploy role. Empty: one `member` account without an
    /// id, whose objects you apply in each member account in turn.
    pub member_account_ids: Vec<String>,
    /// Whether to create the deploy role (`<prefix>-deploy`) in the member accounts; Control
    /// Tower and Organizations already provide `AWSControlTowerExecution` and
    /// `OrganizationAccountAccessRole`.
    pub create_deploy_role: bool,
    /// The prefix of every name: `<prefix>-oidc`, `<prefix>-tf-state`, `<prefix>-deploy`, the
    /// lock table `<prefix>-tfstate` (the bootstrap's `bootstrap_prefix`).
    pub bootstrap_prefix: String,
    /// The state bucket is `<unique_prefix>-tfstate`.
    pub unique_prefix: String,
    /// The region of the state lock table.
    pub base_region: String,
    /// The key prefixes of the state bucket that `<prefix>-tf-state` reads and writes.
    pub state_prefixes: Vec<String>,
    /// The key prefixes holding the organization's state, which every environment role may read.
    pub org_state_prefixes: Vec<String>,
    /// An external id `<prefix>-tf-state` requires (the seed's "Org ExternalId"); none by
    /// default, as in the seed's table of defaults.
    pub state_external_id: Option<String>,
    /// Trust GitHub Actions.
    pub github: Option<GithubTrust>,
    /// Trust GitLab CI (gitlab.com or self-hosted).
    pub gitlab: Option<GitlabTrust>,
    /// Trust Bitbucket Pipelines.
    pub bitbucket: Option<BitbucketTrust>,
    /// Per-environment Terraform roles `<prefix>-tf-<env>state`, by environment (`prd`, `tst`,
    /// `dev`).
    pub environments: BTreeMap<String, EnvironmentRole>,
}

/// Which GitHub Actions workflows may assume the OIDC role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GithubTrust {
    /// Repositories as `OWNER/REPO`.
    pub repositories: Vec<String>,
    /// Branches whose workflows may assume the role (`main`, `release/*`).
    pub branches: Vec<String>,
    /// GitHub deployment environments whose jobs may assume the role.
    pub environments: Vec<String>,
    /// The ARN of an existing GitHub OIDC provider in the management account (IAM allows one
    /// per URL per account); when absent the provider is created.
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider; IAM trusts GitHub's CA without them.
    pub thumbprints: Vec<String>,
}

/// Which GitLab CI jobs may assume the OIDC role.
#[derive(Debug, Clone, PartialEq)]
pub struct GitlabTrust {
    /// The GitLab instance (the bootstrap's `gitlab_url`).
    pub url: String,
    /// The `aud` the jobs request in `id_tokens` (the bootstrap's `gitlab_aud`); the instance
    /// URL when absent.
    pub audience: Option<String>,
    /// Projects as `GROUP/PROJECT` (subgroups allowed).
    pub projects: Vec<String>,
    /// Branches whose pipelines may assume the role.
    pub branches: Vec<String>,
    /// The ARN of an existing provider for the instance in the management account.
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider.
    pub thumbprints: Vec<String>,
}

/// Which Bitbucket Pipelines may assume the OIDC role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BitbucketTrust {
    /// The workspace slug (in the provider URL).
    pub workspace: String,
    /// The workspace UUID (in the audience `ari:cloud:bitbucket::workspace/<uuid>`).
    pub workspace_uuid: String,
    /// The repositories' UUIDs; a pipeline token's `sub` starts with its repository's.
    pub repository_uuids: Vec<String>,
    /// The ARN of an existing provider for the workspace in the management account.
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider.
    pub thumbprints: Vec<String>,
}

/// One environment's Terraform role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvironmentRole {
    /// The external id the pipeline passes when assuming the role; generated when absent.
    pub external_id: Option<String>,
    /// The environment's accounts, the only ones whose deployment roles this role may assume.
    pub account_ids: Vec<String>,
    /// The state key prefixes this role reads and writes; the environment's name when empty.
    pub state_prefixes: Vec<String>,
}

/// The default of `bootstrap_prefix`.
pub fn default_bootstrap_prefix() -> String {
    "foundation".to_owned()
}
/// The default of `base_region` (the bootstrap's).
pub fn default_base_region() -> String {
    "ap-southeast-2".to_owned()
}
/// The default of `state_prefixes` (the seed's `AccessS3` resources).
pub fn default_state_prefixes() -> Vec<String> {
    ["production", "infrastructure", "foundation"]
        .map(String::from)
        .to_vec()
}
/// The default of `org_state_prefixes`.
pub fn default_org_state_prefixes() -> Vec<String> {
    vec!["foundation".to_owned()]
}
/// The default of `gitlab.url` (the bootstrap's `gitlab_url`).
pub fn default_gitlab_url() -> String {
    "https://gitlab.com".to_owned()
}

impl Default for GitlabTrust {
    fn default() -> Self {
        GitlabTrust {
            url: default_gitlab_url(),
            audience: None,
            projects: Vec::new(),
            branches: Vec::new(),
            provider_arn: None,
            thumbprints: Vec::new(),
        }
    }
}

impl LandingZoneInputs {
    /// Inputs with the required values and every default (no Git provider yet: set at least
    /// one of `github`, `gitlab` and `bitbucket`).
    pub fn new(management_account_id: impl Into<String>, unique_prefix: impl Into<String>) -> Self {
        LandingZoneInputs {
            management_account_id: management_account_id.into(),
            member_account_ids: Vec::new(),
            create_deploy_role: true,
            bootstrap_prefix: default_bootstrap_prefix(),
            unique_prefix: unique_prefix.into(),
            base_region: default_base_region(),
            state_prefixes: default_state_prefixes(),
            org_state_prefixes: default_org_state_prefixes(),
            state_external_id: None,
            github: None,
            gitlab: None,
            bitbucket: None,
            environments: BTreeMap::new(),
        }
    }

    /// Checks the inputs that stand on their own; the Git providers are checked where their
    /// claims are built.
    pub(crate) fn check(&self) -> Result<(), BlueprintError> {
        check::account_id("management_account_id", &self.management_account_id)?;
        account_list("member_account_ids", &self.member_account_ids)?;
        if !self.create_deploy_role && !self.member_account_ids.is_empty() {
            return Err(BlueprintError::input(
                "member_account_ids",
                "member accounts are listed but `create_deploy_role` is false, so nothing would be created in them",
            )
            .with_help("remove `member_account_ids`, or set `create_deploy_role: true`"));
        }
        check::name_prefix("bootstrap_prefix", &self.bootstrap_prefix)?;
        check::bucket_prefix("unique_prefix", &self.unique_prefix)?;
        check::region("base_region", &self.base_region)?;
        if self.state_prefixes.is_empty() {
            return Err(BlueprintError::input("state_prefixes", "no state prefix is listed, so the state role could write no state")
                .with_help("list the key prefixes of the state bucket, e.g. `[production, infrastructure, foundation]`"));
        }
        prefixes("state_prefixes", &self.state_prefixes)?;
        prefixes("org_state_prefixes", &self.org_state_prefixes)?;
        if let Some(id) = &self.state_external_id {
            check::external_id("state_external_id", id)?;
        }
        if self.github.is_none() && self.gitlab.is_none() && self.bitbucket.is_none() {
            return Err(BlueprintError::input(
                "github",
                "no Git OIDC provider is configured, so nothing could assume the OIDC role",
            )
            .with_help("set at least one of `github`, `gitlab` and `bitbucket`"));
        }
        for (env, role) in &self.environments {
            let input = format!("environments.{env}");
            let ok = !env.is_empty()
                && env
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !ok {
                return Err(BlueprintError::input(
                    &input,
                    format!("`{env}` is not an environment name"),
                )
                .with_help("use lowercase letters and digits, e.g. `prd`, `tst`, `dev`"));
            }
            check::role_name(&input, &format!("{}-tf-{env}state", self.bootstrap_prefix))?;
            if let Some(id) = &role.external_id {
                check::external_id(&format!("{input}.external_id"), id)?;
            }
            if role.account_ids.is_empty() {
                return Err(BlueprintError::input(
                    format!("{input}.account_ids"),
                    format!(
                        "environment `{env}` names no account, so its role could deploy nowhere"
                    ),
                )
                .with_help("list the environment's account ids"));
            }
            account_list(&format!("{input}.account_ids"), &role.account_ids)?;
            prefixes(&format!("{input}.state_prefixes"), &role.state_prefixes)?;
        }
        Ok(())
    }

    /// The state prefixes of an environment role: its own, or the environment's name.
    pub(crate) fn environment_prefixes(env: &str, role: &EnvironmentRole) -> Vec<String> {
        if role.state_prefixes.is_empty() {
            vec![env.to_owned()]
        } else {
            role.state_prefixes.clone()
        }
    }

    /// The inputs as Terraform `variable` blocks, with the values this deployment was built with.
    pub fn variables(&self) -> Vec<Variable> {
        let string_list = || InputType::List(Box::new(InputType::String));
        let var = |name: &str, description: &str, input_type: InputType, value: OutputValue| {
            Variable::builder()
                .name(name)
                .description(description)
                .input_type(input_type)
                .value(value)
                .build()
        };
        let github_type = InputType::Object(vec![
            ("repositories".into(), string_list()),
            ("branches".into(), string_list()),
            ("environments".into(), string_list()),
            ("provider_arn".into(), InputType::String),
            ("thumbprints".into(), string_list()),
        ]);
        let gitlab_type = InputType::Object(vec![
            ("url".into(), InputType::String),
            ("audience".into(), InputType::String),
            ("projects".into(), string_list()),
            ("branches".into(), string_list()),
            ("provider_arn".into(), InputType::String),
            ("thumbprints".into(), string_list()),
        ]);
        let bitbucket_type = InputType::Object(vec![
            ("workspace".into(), InputType::String),
            ("workspace_uuid".into(), InputType::String),
            ("repository_uuids".into(), string_list()),
            ("provider_arn".into(), InputType::String),
            ("thumbprints".into(), string_list()),
        ]);
        let environment_type = InputType::Map(Box::new(InputType::Object(vec![
            ("external_id".into(), InputType::String),
            ("account_ids".into(), string_list()),
            ("state_prefixes".into(), string_list()),
        ])));
        let github = self.github.as_ref().map_or(OutputValue::Null, |g| {
            object([
                ("repositories", list(&g.repositories)),
                ("branches", list(&g.branches)),
                ("environments", list(&g.environments)),
                ("provider_arn", optional(&g.provider_arn)),
                ("thumbprints", list(&g.thumbprints)),
            ])
        });
        let gitlab = self.gitlab.as_ref().map_or(OutputValue::Null, |g| {
            object([
                ("url", g.url.as_str().into()),
                ("audience", optional(&g.audience)),
                ("projects", list(&g.projects)),
                ("branches", list(&g.branches)),
                ("provider_arn", optional(&g.provider_arn)),
                ("thumbprints", list(&g.thumbprints)),
            ])
        });
        let bitbucket = self.bitbucket.as_ref().map_or(OutputValue::Null, |b| {
            object([
                ("workspace", b.workspace.as_str().into()),
                ("workspace_uuid", b.workspace_uuid.as_str().into()),
                ("repository_uuids", list(&b.repository_uuids)),
                ("provider_arn", optional(&b.provider_arn)),
                ("thumbprints", list(&b.thumbprints)),
            ])
        });
        let environments = OutputValue::Map(
            self.environments
                .iter()
                .map(|(env, r)| {
                    let value = object([
                        ("external_id", optional(&r.external_id)),
                        ("account_ids", list(&r.account_ids)),
                        ("state_prefixes", list(&r.state_prefixes)),
                    ]);
                    (env.clone(), value)
                })
                .collect(),
        );
        vec![
            var(
                "management_account_id",
                "The management account id.",
                InputType::String,
                self.management_account_id.as_str().into(),
            ),
            var(
                "member_account_ids",
                "The member accounts that get the deploy role.",
                string_list(),
                list(&self.member_account_ids),
            ),
            var(
                "create_deploy_role",
                "Whether to create the deploy role in the member accounts.",
                InputType::Bool,
                self.create_deploy_role.into(),
            ),
            var(
                "bootstrap_prefix",
                "The prefix of every name.",
                InputType::String,
                self.bootstrap_prefix.as_str().into(),
            ),
            var(
                "unique_prefix",
                "The state bucket is `<unique_prefix>-tfstate`.",
                InputType::String,
                self.unique_prefix.as_str().into(),
            ),
            var(
                "base_region",
                "The region of the state lock table.",
                InputType::String,
                self.base_region.as_str().into(),
            ),
            var(
                "state_prefixes",
                "The state key prefixes `<prefix>-tf-state` reads and writes.",
                string_list(),
                list(&self.state_prefixes),
            ),
            var(
                "org_state_prefixes",
                "The state key prefixes every environment role may read.",
                string_list(),
                list(&self.org_state_prefixes),
            ),
            var(
                "state_external_id",
                "An external id `<prefix>-tf-state` requires.",
                InputType::String,
                optional(&self.state_external_id),
            ),
            var("github", "Trust GitHub Actions.", github_type, github),
            var("gitlab", "Trust GitLab CI.", gitlab_type, gitlab),
            var(
                "bitbucket",
                "Trust Bitbucket Pipelines.",
                bitbucket_type,
                bitbucket,
            ),
            var(
                "environments",
                "Per-environment Terraform roles, by environment.",
                environment_type,
                environments,
            ),
        ]
    }
}

fn list(values: &[String]) -> OutputValue {
    OutputValue::List(
        values
            .iter()
            .map(|s| OutputValue::from(s.as_str()))
            .collect(),
    )
}

fn optional(value: &Option<String>) -> OutputValue {
    value
        .as_deref()
        .map_or(OutputValue::Null, OutputValue::from)
}

fn object<const N: usize>(fields: [(&str, OutputValue); N]) -> OutputValue {
    OutputValue::Map(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn account_list(input: &str, ids: &[String]) -> Result<(), BlueprintError> {
    let mut seen = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        let item = format!("{input}[{i}]");
        check::account_id(&item, id)?;
        if let Some(first) = seen.insert(id.as_str(), i) {
            return Err(BlueprintError::input(
                item,
                format!("`{id}` is listed twice (first at [{first}])"),
            )
            .with_help("list each account once"));
        }
    }
    Ok(())
}

fn prefixes(input: &str, values: &[String]) -> Result<(), BlueprintError> {
    for (i, p) in values.iter().enumerate() {
        check::state_prefix(&format!("{input}[{i}]"), p)?;
    }
    Ok(())
}
