//! The runtime connector's inputs: the original module's variables, with their names, types
//! and defaults, so that an existing `terraform.tfvars` carries over.

use std::collections::BTreeMap;

use blueprint_kit::config::{ConfigError, ConfigNode, ConfigValue, InputPath};
use blueprint_kit::inputs::Constraints;
use blueprint_kit::InputValue;
use iam_model::deployment::{InputType, OutputValue};

use crate::addons::Addon;

/// The Sym production account the original module trusts by default.
pub const SYM_PRODUCTION_ACCOUNT: &str = "803477428605";

/// Inputs of the runtime connector: the original module's variables, in its (alphabetical)
/// order.
#[derive(Debug, Clone, PartialEq, iam_macros::Inputs)]
pub struct RuntimeConnectorInputs {
    /// List of additional AWS account ids (beyond the current AWS account) that the runtime
    /// can assume roles in.
    #[input(default, pattern = "[0-9]{12}", example = "222222222222")]
    pub account_id_safelist: Vec<String>,
    /// Additional parameters for selected addons.
    #[input(default)]
    pub addon_params: BTreeMap<Addon, BTreeMap<String, AddonParam>>,
    /// List of Sym addon permissions for the runtime connector role. Addons give the runtime
    /// permissions to work with other resources without assuming another AWS role.
    #[input(default, example = "aws/secretsmgr")]
    pub addons: Vec<Addon>,
    /// The external ID to use for AWS assume role validation. If unspecified, the connector
    /// generates an external ID and the Sym platform ensures it is unique.
    #[input(default)]
    pub custom_external_id: String,
    /// An environment qualifier for the resources this module creates, to support a Terraform
    /// SDLC.
    #[input(pattern = "[A-Za-z0-9_+=,.@-]{0,54}", example = "sandbox")]
    pub environment: String,
    /// Map of logical identifiers to additional IAM Managed Policy ARNs to add to the runtime
    /// connector role. The identifiers are only used for managing Terraform state.
    #[input(
        default,
        pattern = "arn:[a-z-]+:iam::([0-9]{12}|aws):policy/[^*?]+",
        example = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    )]
    pub policy_arns: BTreeMap<String, String>,
    /// List of account ids that can assume the runtime role. By default, only Sym production
    /// accounts can assume the runtime role.
    #[input(default = vec![SYM_PRODUCTION_ACCOUNT.to_string()], pattern = "[0-9]{12}", example = "803477428605")]
    pub sym_account_ids: Vec<String>,
    /// Additional tags to apply to resources.
    #[input(default)]
    pub tags: BTreeMap<String, String>,
}

impl RuntimeConnectorInputs {
    /// The inputs for `environment` with every other input at the original module's default
    /// (the same as a config giving only `environment`).
    pub fn new(environment: impl Into<String>) -> Self {
        RuntimeConnectorInputs {
            account_id_safelist: Vec::new(),
            addon_params: BTreeMap::new(),
            addons: Vec::new(),
            custom_external_id: String::new(),
            environment: environment.into(),
            policy_arns: BTreeMap::new(),
            sym_account_ids: vec![SYM_PRODUCTION_ACCOUNT.to_owned()],
            tags: BTreeMap::new(),
        }
    }
}

/// One value in `addon_params`: a string (`tag_name`, `tag_value`) or a list of strings
/// (`stream_arns`).
///
/// The original declares `addon_params` as `map(map(any))`, so Terraform must find one type
/// for every value and rejects a config that gives both the Secrets Manager strings and the
/// data stream list; here each value keeps its own type and both can be given together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddonParam {
    /// A string value.
    String(String),
    /// A list of strings.
    List(Vec<String>),
}

impl AddonParam {
    /// The JSON-like type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            AddonParam::String(_) => "a string",
            AddonParam::List(_) => "a list",
        }
    }
}

/// Read from a config as Terraform reads `map(any)` values here: a string (a number is taken
/// as its text, as Terraform converts it), or a list of them.
impl InputValue for AddonParam {
    fn input_type() -> InputType {
        InputType::Any
    }
    fn expected() -> String {
        "a string or a list of strings".into()
    }
    fn expected_plural() -> String {
        "strings or lists of strings".into()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        _: &Constraints,
    ) -> Option<Self> {
        let scalar = |n: &ConfigNode| match &n.value {
            ConfigValue::String(s) | ConfigValue::Number(s) => Some(s.clone()),
            _ => None,
        };
        if let Some(s) = scalar(node) {
            return Some(AddonParam::String(s));
        }
        let ConfigValue::List(items) = &node.value else {
            errors.push(ConfigError::at(
                node,
                path,
                format!(
                    "expected {}, found {}",
                    Self::expected(),
                    node.value.describe()
                ),
            ));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match scalar(item) {
                Some(s) => out.push(s),
                None => {
                    ok = false;
                    errors.push(ConfigError::at(
                        item,
                        &path.index(i),
                        format!("expected a string, found {}", item.value.describe()),
                    ));
                }
            }
        }
        ok.then_some(AddonParam::List(out))
    }
    fn to_output(&self) -> OutputValue {
        match self {
            AddonParam::String(s) => s.as_str().into(),
            AddonParam::List(items) => {
                OutputValue::List(items.iter().map(|s| s.as_str().into()).collect())
            }
        }
    }
}

impl From<&str> for AddonParam {
    fn from(s: &str) -> Self {
        AddonParam::String(s.to_owned())
    }
}

impl From<String> for AddonParam {
    fn from(s: String) -> Self {
        AddonParam::String(s)
    }
}

impl From<Vec<String>> for AddonParam {
    fn from(items: Vec<String>) -> Self {
        AddonParam::List(items)
    }
}

impl<const N: usize> From<[&str; N]> for AddonParam {
    fn from(items: [&str; N]) -> Self {
        AddonParam::List(items.iter().map(|s| (*s).to_owned()).collect())
    }
}
