//! `service-roles`: a blueprint a platform team writes in its own crate. One role per
//! service, in the account the service runs in, assumable by an AWS service principal, with
//! AWS managed policies attached.
//!
//! It is everything a blueprint needs: a typed inputs struct (`#[derive(Inputs)]`: loading
//! from YAML or JSON with located errors, docs, Terraform variables), a [`TypedBlueprint`]
//! impl, and checks of the references between inputs (a service's `account` must be a key of
//! `accounts`). `src/main.rs` adds it to the built-in blueprints and runs the rolewright
//! command line.

use std::collections::BTreeMap;

use blueprint_kit::{check, BlueprintError, Inputs, Registered, TypedBlueprint};
use iam_model::deployment::{Account, Deployment, Role};
use iam_model::{PolicyDocument, Principal, Statement};

/// The blueprint's name.
pub const NAME: &str = "service-roles";

/// Inputs of `service-roles`.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct ServiceRolesInputs {
    /// The environment, the first part of every role name (`<environment>-<service>`).
    #[input(pattern = "[a-z][a-z0-9-]{0,20}", example = "prod")]
    pub environment: String,
    /// Account names to 12-digit account ids.
    #[input(pattern = "[0-9]{12}", example = r#"{"workloads": "210987654321"}"#)]
    pub accounts: BTreeMap<String, String>,
    /// The services, by name: where each runs and what it may do.
    pub services: BTreeMap<String, Service>,
}

/// One service's role.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct Service {
    /// The account it runs in: a key of `accounts`.
    pub account: String,
    /// The AWS service that assumes the role.
    #[input(
        pattern = "[a-z0-9.-]+\\.amazonaws\\.com",
        example = "lambda.amazonaws.com"
    )]
    pub principal: String,
    /// AWS managed policy ARNs to attach.
    #[input(
        default,
        pattern = "arn:aws:iam::aws:policy/.+",
        example = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    )]
    pub policy_arns: Vec<String>,
}

/// The blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceRoles;

impl TypedBlueprint for ServiceRoles {
    type Inputs = ServiceRolesInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str =
        "One role per service, in its account, assumable by its AWS service principal";

    fn deployment(inputs: &ServiceRolesInputs) -> Result<Deployment, BlueprintError> {
        for (name, service) in &inputs.services {
            if !inputs.accounts.contains_key(&service.account) {
                return Err(check::unknown_reference(
                    &format!("services.{name}.account"),
                    &service.account,
                    "an account of `accounts`",
                    inputs.accounts.keys().map(String::as_str),
                ));
            }
            check::role_name(
                &format!("services.{name}"),
                &format!("{}-{name}", inputs.environment),
            )?;
        }
        let accounts = inputs
            .accounts
            .iter()
            .map(|(key, id)| {
                let id = check::account_id(&format!("accounts.{key}"), id)?;
                Ok(Account::builder().key(key.as_str()).id(id).build())
            })
            .collect::<Result<_, BlueprintError>>()?;
        let roles = inputs
            .services
            .iter()
            .map(|(name, service)| {
                let trust = PolicyDocument::new([Statement::allow()
                    .principal(Principal::service([service.principal.as_str()]))
                    .action("sts:AssumeRole")]);
                service.policy_arns.iter().fold(
                    Role::builder()
                        .key(name.as_str())
                        .account(service.account.as_str())
                        .name(format!("{}-{name}", inputs.environment))
                        .trust(trust)
                        .build(),
                    |role, arn| role.attach(arn.as_str()),
                )
            })
            .collect();
        Ok(Deployment::builder()
            .blueprint(NAME)
            .instance(inputs.environment.as_str())
            .accounts(accounts)
            .roles(roles)
            .build())
    }
}

/// The blueprint as the registry takes it.
pub static SERVICE_ROLES: Registered<ServiceRoles> = Registered::new();
