//! The runtime connector's inputs: the original module's variables, with their names, types
//! and defaults, so that an existing `terraform.tfvars` carries over.

use std::collections::BTreeMap;

use iam_model::deployment::{InputType, OutputValue, Variable};

use crate::addons::Addon;

/// The Sym production account the original module trusts by default.
pub const SYM_PRODUCTION_ACCOUNT: &str = "803477428605";

/// Inputs of the runtime connector.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeConnectorInputs {
    /// An environment qualifier for the resources this module creates, to support a Terraform
    /// SDLC.
    pub environment: String,
    /// List of additional AWS account ids (beyond the current AWS account) that the runtime
    /// can assume roles in.
    pub account_id_safelist: Vec<String>,
    /// Additional parameters for selected addons.
    pub addon_params: BTreeMap<Addon, BTreeMap<String, AddonParam>>,
    /// List of Sym addon permissions for the runtime connector role. Addons give the runtime
    /// permissions to work with other resources without assuming another AWS role.
    pub addons: Vec<Addon>,
    /// The external ID to use for AWS assume role validation. If unspecified, the connector
    /// generates an external ID and the Sym platform ensures it is unique.
    pub custom_external_id: String,
    /// Map of logical identifiers to additional IAM Managed Policy ARNs to add to the runtime
    /// connector role. The identifiers are only used for managing Terraform state.
    pub policy_arns: BTreeMap<String, String>,
    /// List of account ids that can assume the runtime role. By default, only Sym production
    /// accounts can assume the runtime role.
    pub sym_account_ids: Vec<String>,
    /// Additional tags to apply to resources.
    pub tags: BTreeMap<String, String>,
}

impl RuntimeConnectorInputs {
    /// The inputs for `environment` with every other input at the original module's default.
    pub fn new(environment: impl Into<String>) -> Self {
        RuntimeConnectorInputs {
            environment: environment.into(),
            account_id_safelist: Vec::new(),
            addon_params: BTreeMap::new(),
            addons: Vec::new(),
            custom_external_id: String::new(),
            policy_arns: BTreeMap::new(),
            sym_account_ids: vec![SYM_PRODUCTION_ACCOUNT.to_owned()],
            tags: BTreeMap::new(),
        }
    }

    /// The inputs as Terraform `variable` blocks show them, in the original's
    /// `variables.tf` order (alphabetical).
    pub fn variables(&self) -> Vec<Variable> {
        let string_list = || InputType::List(Box::new(InputType::String));
        let string_map = || InputType::Map(Box::new(InputType::String));
        let var = |name: &str, description: &str, input_type: InputType, value: OutputValue| {
            Variable::builder()
                .name(name)
                .description(description)
                .input_type(input_type)
                .value(value)
                .build()
        };
        vec![
            var(
                "account_id_safelist",
                "List of additional AWS account ids (beyond the current AWS account) that the runtime can assume roles in.",
                string_list(),
                list(&self.account_id_safelist),
            ),
            var(
                "addon_params",
                "Additional parameters for selected addons.",
                InputType::Map(Box::new(InputType::Map(Box::new(InputType::Any)))),
                OutputValue::Map(
                    self.addon_params
                        .iter()
                        .map(|(addon, params)| {
                            let params = params
                                .iter()
                                .map(|(k, v)| (k.clone(), v.to_output()))
                                .collect();
                            (addon.name().to_owned(), OutputValue::Map(params))
                        })
                        .collect(),
                ),
            ),
            var(
                "addons",
                "List of Sym addon permissions for the runtime connector role. Addons give the runtime permissions to work with other resources without assuming another AWS role.",
                string_list(),
                OutputValue::List(self.addons.iter().map(|a| a.name().into()).collect()),
            ),
            var(
                "custom_external_id",
                "The external ID to use for AWS assume role validation. If unspecified, the connector generates an external ID and the Sym platform ensures it is unique.",
                InputType::String,
                self.custom_external_id.clone().into(),
            ),
            var(
                "environment",
                "An environment qualifier for the resources this module creates, to support a Terraform SDLC.",
                InputType::String,
                self.environment.clone().into(),
            ),
            var(
                "policy_arns",
                "Map of logical identifiers to additional IAM Managed Policy ARNs to add to the runtime connector role. The identifiers are only used for managing Terraform state.",
                string_map(),
                map(&self.policy_arns),
            ),
            var(
                "sym_account_ids",
                "List of account ids that can assume the runtime role. By default, only Sym production accounts can assume the runtime role.",
                string_list(),
                list(&self.sym_account_ids),
            ),
            var(
                "tags",
                "Additional tags to apply to resources.",
                string_map(),
                map(&self.tags),
            ),
        ]
    }
}

fn list(items: &[String]) -> OutputValue {
    OutputValue::List(items.iter().map(|s| s.clone().into()).collect())
}

fn map(items: &BTreeMap<String, String>) -> OutputValue {
    OutputValue::Map(
        items
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect(),
    )
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

    fn to_output(&self) -> OutputValue {
        match self {
            AddonParam::String(s) => s.clone().into(),
            AddonParam::List(items) => list(items),
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
