//! The inputs derive, exactly as blueprint crates write it.

use std::collections::BTreeMap;

use blueprint_kit::{ConfigSource, Inputs};

/// Inputs of the runtime connector.
#[derive(Debug, Clone, PartialEq, iam_macros::Inputs)]
pub struct RuntimeConnectorInputs {
    /// An environment name, used in every object's name.
    pub environment: String,
    /// Sym production account ids trusted to assume the runtime role.
    #[input(default = vec!["803477428605".to_string()])]
    pub sym_account_ids: Vec<String>,
    /// Extra managed policies to attach.
    #[input(default)]
    pub policy_arns: std::collections::BTreeMap<String, String>,
    /// How the runtime reaches secrets.
    #[input(default = SecretsBackend::SecretsManager)]
    pub secrets: SecretsBackend,
}

/// Where secrets live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, iam_macros::InputEnum)]
pub enum SecretsBackend {
    /// AWS Secrets Manager.
    #[input(rename = "aws/secretsmgr")]
    SecretsManager,
    /// SSM Parameter Store.
    ParameterStore,
}

fn main() {
    let inputs = RuntimeConnectorInputs::load(&ConfigSource::new("prod.yaml", "environment: prod\nsecrets: parameter_store\n")).unwrap();
    assert_eq!(
        inputs,
        RuntimeConnectorInputs {
            environment: "prod".into(),
            sym_account_ids: vec!["803477428605".into()],
            policy_arns: BTreeMap::new(),
            secrets: SecretsBackend::ParameterStore,
        }
    );
    assert_eq!(RuntimeConnectorInputs::input_specs().len(), 4);
    assert_eq!(inputs.to_variables().len(), 4);
}
