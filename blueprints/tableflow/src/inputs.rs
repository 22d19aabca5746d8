//! TableFlow's inputs: the original's `env`, `project` and `region` variables (so that its
//! `environments/<env>/<env>.tfvars` files carry over), and the two values Confluent hands
//! out after its provider integration exists, which decide the trust's phase.

use std::collections::BTreeMap;

use blueprint_kit::{BlueprintError, Inputs};
use iam_model::arn::{Arn, PARTITIONS};
use iam_model::deployment::Variable;

/// The input (and Terraform variable) carrying Confluent's IAM role ARN.
pub const CONFLUENT_IAM_ROLE_ARN: &str = "confluent_iam_role_arn";
/// The input (and Terraform variable) carrying Confluent's external id.
pub const CONFLUENT_EXTERNAL_ID: &str = "confluent_external_id";

/// The longest `env` that keeps `{env}-confluent-topics-backup` within S3's 63 characters.
const MAX_ENV_LEN: usize = 63 - "-confluent-topics-backup".len();

/// Inputs of the TableFlow blueprint.
#[derive(Debug, Clone, PartialEq, iam_macros::Inputs)]
pub struct TableflowInputs {
    /// The environment (`dev`, `stage` or `prod` in the original), the prefix of every name:
    /// `{env}-confluent-role`, `{env}-confluent-topics-backup`.
    #[input(pattern = "[a-z0-9][a-z0-9.-]{0,38}", example = "dev")]
    pub env: String,
    /// The project, written to the `Project` tag of every object.
    #[input(example = "confluent-provisioning")]
    pub project: Option<String>,
    /// The region of the Glue Data Catalog TableFlow writes to; by default the region the
    /// deployment is rendered or applied for.
    #[input(pattern = "[a-z]{2}(-[a-z]+)+-[0-9]+", example = "eu-west-2")]
    pub region: Option<String>,
    /// The IAM role ARN Confluent's provider integration reports
    /// (`confluent_provider_integration.aws[0].iam_role_arn`). Leave it out for the first
    /// apply; with it, the role trusts Confluent.
    #[input(
        pattern = "arn:aws[a-z-]*:iam::[0-9]{12}:role/[^*?]+",
        example = "arn:aws:iam::123456789012:role/confluent-tableflow"
    )]
    pub confluent_iam_role_arn: Option<String>,
    /// The external id Confluent's provider integration reports
    /// (`confluent_provider_integration.aws[0].external_id`); given together with
    /// `confluent_iam_role_arn`.
    #[input(pattern = "[A-Za-z0-9_+=,.@:/-]{2,1224}")]
    pub confluent_external_id: Option<String>,
    /// Additional tags to apply to every object.
    #[input(default)]
    pub tags: BTreeMap<String, String>,
}

/// Which trust the role has: see the crate documentation for the two-step flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustPhase {
    /// Phase 1: Confluent's values are not known yet; the trust denies everyone.
    WaitingForConfluent,
    /// Phase 2: the trust allows Confluent's role with its external id.
    TrustingConfluent,
}

impl TrustPhase {
    /// 1 or 2.
    pub fn number(self) -> u8 {
        match self {
            TrustPhase::WaitingForConfluent => 1,
            TrustPhase::TrustingConfluent => 2,
        }
    }
}

impl TableflowInputs {
    /// The inputs for `env`, in phase 1, with no project, region or extra tags.
    pub fn new(env: impl Into<String>) -> Self {
        TableflowInputs {
            env: env.into(),
            project: None,
            region: None,
            confluent_iam_role_arn: None,
            confluent_external_id: None,
            tags: BTreeMap::new(),
        }
    }

    /// The trust phase the inputs select; an error when only one of Confluent's two values is
    /// given.
    pub fn phase(&self) -> Result<TrustPhase, BlueprintError> {
        match (&self.confluent_iam_role_arn, &self.confluent_external_id) {
            (None, None) => Ok(TrustPhase::WaitingForConfluent),
            (Some(_), Some(_)) => Ok(TrustPhase::TrustingConfluent),
            (Some(_), None) => Err(missing_pair(CONFLUENT_EXTERNAL_ID, CONFLUENT_IAM_ROLE_ARN)),
            (None, Some(_)) => Err(missing_pair(CONFLUENT_IAM_ROLE_ARN, CONFLUENT_EXTERNAL_ID)),
        }
    }

    /// Checks every input; the first problem is the error.
    pub(crate) fn check(&self) -> Result<(), BlueprintError> {
        check_env(&self.env)?;
        if let Some(region) = &self.region {
            if !is_region(region) {
                return Err(BlueprintError::input(
                    "region",
                    format!("`{region}` is not an AWS region name"),
                )
                .with_help("write a region such as `eu-west-2`, or leave `region` out to use the deployment's"));
            }
        }
        if let Some(arn) = &self.confluent_iam_role_arn {
            if !is_role_arn(arn) {
                return Err(BlueprintError::input(
                    CONFLUENT_IAM_ROLE_ARN,
                    format!("`{arn}` is not an IAM role ARN"),
                )
                .with_help("copy `iam_role_arn` from the Confluent provider integration: `arn:aws:iam::ACCOUNT:role/NAME`"));
            }
        }
        if let Some(id) = &self.confluent_external_id {
            if !is_external_id(id) {
                return Err(BlueprintError::input(
                    CONFLUENT_EXTERNAL_ID,
                    format!("`{id}` is not an external id STS accepts"),
                )
                .with_help("copy `external_id` from the Confluent provider integration: 2 to 1,224 letters, digits and `_+=,.@:/-`"));
            }
        }
        Ok(())
    }

    /// The inputs as Terraform `variable` blocks show them. Confluent's two values are not
    /// among them: they are the deployment's external values, which render as variables of
    /// their own.
    pub fn variables(&self) -> Vec<Variable> {
        self.to_variables()
            .into_iter()
            .filter(|v| v.name != CONFLUENT_IAM_ROLE_ARN && v.name != CONFLUENT_EXTERNAL_ID)
            .collect()
    }
}

fn missing_pair(missing: &str, given: &str) -> BlueprintError {
    BlueprintError::input(
        missing,
        format!("`{given}` is given but `{missing}` is not; the trust needs both"),
    )
    .with_help(
        "give both (from the Confluent provider integration) to trust Confluent, or neither for the first, deny-all phase",
    )
}

/// `env` becomes part of the S3 bucket name `{env}-confluent-topics-backup`, whose rules are
/// the strictest of the four names.
fn check_env(env: &str) -> Result<(), BlueprintError> {
    let problem = if env.is_empty() {
        Some("`env` is empty".to_owned())
    } else if env.len() > MAX_ENV_LEN {
        Some(format!(
            "`{env}` is {} characters; the bucket name `{env}-confluent-topics-backup` would be over S3's 63",
            env.len()
        ))
    } else if let Some(c) = env
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        Some(format!(
            "`{env}` has `{c}`, which the bucket name `{env}-confluent-topics-backup` cannot"
        ))
    } else if !env.starts_with(|c: char| c.is_ascii_alphanumeric())
        || env.ends_with('.')
        || env.contains("..")
        || env.contains(".-")
        || env.contains("-.")
    {
        Some(format!(
            "`{env}` does not make a valid bucket name `{env}-confluent-topics-backup`"
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(message) => Err(BlueprintError::input("env", message).with_help(format!(
            "use 1 to {MAX_ENV_LEN} lowercase letters, digits, `-` and `.`, starting with a letter or digit, such as `dev`"
        ))),
    }
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

fn is_role_arn(s: &str) -> bool {
    Arn::parse(s).is_ok_and(|a| {
        PARTITIONS.contains(&a.partition())
            && a.service() == "iam"
            && a.region().is_empty()
            && iam_model::AccountId::is_valid(a.account())
            && a.resource()
                .strip_prefix("role/")
                .is_some_and(|n| !n.is_empty() && !n.ends_with('/') && !n.contains(['*', '?']))
    })
}

/// What STS accepts as `ExternalId`: 2 to 1,224 characters of `[\w+=,.@:/-]`.
fn is_external_id(s: &str) -> bool {
    (2..=1224).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c))
}
