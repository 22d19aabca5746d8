//! The landing zone's inputs, their defaults (the seed's and the bootstrap Terraform's), and
//! the checks that reject a bad value with the input's name before anything is built.

use std::collections::BTreeMap;

use blueprint_kit::{BlueprintError, Inputs};

use crate::check;

/// Inputs of the landing zone's role architecture.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct LandingZoneInputs {
    /// The management account id: the OIDC role, the Terraform state roles, the state bucket
    /// and the lock table live there.
    #[input(pattern = "[0-9]{12}", example = "123456789012")]
    pub management_account_id: String,
    /// The member accounts that get the deploy role. Empty: one `member` account without an
    /// id, whose objects you apply in each member account in turn.
    #[input(default, pattern = "[0-9]{12}", example = "210987654321")]
    pub member_account_ids: Vec<String>,
    /// Whether to create the deploy role (`<prefix>-deploy`) in the member accounts; Control
    /// Tower and Organizations already provide `AWSControlTowerExecution` and
    /// `OrganizationAccountAccessRole`.
    #[input(default = true)]
    pub create_deploy_role: bool,
    /// The prefix of every name: `<prefix>-oidc`, `<prefix>-tf-state`, `<prefix>-deploy`, the
    /// lock table `<prefix>-tfstate` (the bootstrap's `bootstrap_prefix`).
    #[input(default = default_bootstrap_prefix(), pattern = "[A-Za-z0-9_.-]{1,40}")]
    pub bootstrap_prefix: String,
    /// The state bucket is `<unique_prefix>-tfstate`.
    #[input(
        pattern = "[a-z0-9][a-z0-9.-]{1,54}",
        example = "uniqueprefix-trustypangolin"
    )]
    pub unique_prefix: String,
    /// The region of the state lock table.
    #[input(
        default = default_base_region(),
        pattern = "[a-z]{2}(-[a-z]+)+-[0-9]+",
        example = "eu-west-1"
    )]
    pub base_region: String,
    /// The key prefixes of the state bucket that `<prefix>-tf-state` reads and writes.
    #[input(pattern = r"[^\s/*?$]([^\s*?$]*[^\s/*?$])?", default = default_state_prefixes())]
    pub state_prefixes: Vec<String>,
    /// The key prefixes holding the organization's state, which every environment role may read.
    #[input(pattern = r"[^\s/*?$]([^\s*?$]*[^\s/*?$])?", default = default_org_state_prefixes())]
    pub org_state_prefixes: Vec<String>,
    /// An external id `<prefix>-tf-state` requires (the seed's "Org ExternalId"); none by
    /// default, as in the seed's table of defaults.
    #[input(pattern = "[A-Za-z0-9_+=,.@:/-]{2,1224}", example = "123Org456")]
    pub state_external_id: Option<String>,
    /// Trust GitHub Actions.
    pub github: Option<GithubTrust>,
    /// Trust GitLab CI (gitlab.com or self-hosted).
    pub gitlab: Option<GitlabTrust>,
    /// Trust Bitbucket Pipelines.
    pub bitbucket: Option<BitbucketTrust>,
    /// Per-environment Terraform roles `<prefix>-tf-<env>state`, by environment (`prd`, `tst`,
    /// `dev`).
    #[input(
        default,
        example = r#"{"prd": {"external_id": "123Prod456", "account_ids": ["210987654321"]}}"#
    )]
    pub environments: BTreeMap<String, EnvironmentRole>,
}

/// Which GitHub Actions workflows may assume the OIDC role.
#[derive(Debug, Clone, PartialEq, Default, Inputs)]
pub struct GithubTrust {
    /// Repositories as `OWNER/REPO`.
    #[input(
        pattern = "[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+",
        example = "acme/landing-zone"
    )]
    pub repositories: Vec<String>,
    /// Branches whose workflows may assume the role (`main`, `release/*`).
    #[input(pattern = r"[^\s$]+", default, example = "main")]
    pub branches: Vec<String>,
    /// GitHub deployment environments whose jobs may assume the role.
    #[input(pattern = r"[^\s$]+", default, example = "production")]
    pub environments: Vec<String>,
    /// The ARN of an existing GitHub OIDC provider in the management account (IAM allows one
    /// per URL per account); when absent the provider is created.
    #[input(
        pattern = r"arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/.+",
        example = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    )]
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider; IAM trusts GitHub's CA without them.
    #[input(default, pattern = "[0-9A-Fa-f]{40}")]
    pub thumbprints: Vec<String>,
}

/// Which GitLab CI jobs may assume the OIDC role.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct GitlabTrust {
    /// The GitLab instance (the bootstrap's `gitlab_url`).
    #[input(
        pattern = r"(https://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~-]+)*/?",
        default = default_gitlab_url(),
        example = "https://gitlab.example.com"
    )]
    pub url: String,
    /// The `aud` the jobs request in `id_tokens` (the bootstrap's `gitlab_aud`); the instance
    /// URL when absent.
    pub audience: Option<String>,
    /// Projects as `GROUP/PROJECT` (subgroups allowed).
    #[input(
        pattern = "[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+",
        example = "acme/platform/landing-zone"
    )]
    pub projects: Vec<String>,
    /// Branches whose pipelines may assume the role.
    #[input(pattern = r"[^\s$]+", default, example = "main")]
    pub branches: Vec<String>,
    /// The ARN of an existing provider for the instance in the management account.
    #[input(pattern = r"arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/.+")]
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider.
    #[input(default, pattern = "[0-9A-Fa-f]{40}")]
    pub thumbprints: Vec<String>,
}

/// Which Bitbucket Pipelines may assume the OIDC role.
#[derive(Debug, Clone, PartialEq, Default, Inputs)]
pub struct BitbucketTrust {
    /// The workspace slug (in the provider URL).
    #[input(pattern = "[a-z0-9_-]+", example = "acme")]
    pub workspace: String,
    /// The workspace UUID (in the audience `ari:cloud:bitbucket::workspace/<uuid>`).
    #[input(
        pattern = r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?",
        example = "{0c4f2f9e-1b2a-4c3d-8e9f-a0b1c2d3e4f5}"
    )]
    pub workspace_uuid: String,
    /// The repositories' UUIDs; a pipeline token's `sub` starts with its repository's.
    #[input(
        pattern = r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?",
        example = "{7d3e8a1b-2c4d-4e5f-9a0b-1c2d3e4f5a6b}"
    )]
    pub repository_uuids: Vec<String>,
    /// The ARN of an existing provider for the workspace in the management account.
    #[input(pattern = r"arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/.+")]
    pub provider_arn: Option<String>,
    /// Thumbprints for the created provider.
    #[input(default, pattern = "[0-9A-Fa-f]{40}")]
    pub thumbprints: Vec<String>,
}

/// One environment's Terraform role.
#[derive(Debug, Clone, PartialEq, Default, Inputs)]
pub struct EnvironmentRole {
    /// The external id the pipeline passes when assuming the role; generated when absent.
    #[input(pattern = "[A-Za-z0-9_+=,.@:/-]{2,1224}", example = "123Prod456")]
    pub external_id: Option<String>,
    /// The environment's accounts, the only ones whose deployment roles this role may assume.
    #[input(pattern = "[0-9]{12}", example = "210987654321")]
    pub account_ids: Vec<String>,
    /// The state key prefixes this role reads and writes; the environment's name when empty.
    #[input(
        pattern = r"[^\s/*?$]([^\s*?$]*[^\s/*?$])?",
        default,
        example = "production"
    )]
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
            // With member accounts listed, the deploy role exists in those only: an
            // environment account outside them is a typo or a missing member.
            if self.create_deploy_role && !self.member_account_ids.is_empty() {
                for (i, id) in role.account_ids.iter().enumerate() {
                    if !self.member_account_ids.contains(id) && *id != self.management_account_id {
                        let e = check::unknown_reference(
                            &format!("{input}.account_ids[{i}]"),
                            id,
                            "a member account of `member_account_ids` (or the management account)",
                            self.member_account_ids.iter().map(String::as_str),
                        );
                        let help = e.help_text().unwrap_or_default().to_owned();
                        return Err(e.with_help(format!(
                            "{help}; the deploy role is created in `member_account_ids` only, so list the account there"
                        )));
                    }
                }
            }
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
