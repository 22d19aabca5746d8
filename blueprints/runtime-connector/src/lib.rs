//! The Sym runtime connector: the IAM role a [Sym](https://symops.com) Runtime uses to execute
//! Flows, as the `symopsio/runtime-connector/sym` v1.0 Terraform module creates it.
//!
//! One role, `SymRuntime<Environment>` at `/sym/`, trusted by the Sym production account(s)
//! with an external id, allowed only `sts:AssumeRole` on roles under `/sym/` in this account
//! and a safelist of others; optional addon policies (Secrets Manager, Kinesis Firehose,
//! Kinesis Data Streams) and extra managed policies. See the crate's `README.md` for the
//! inputs, the outputs and where this blueprint deliberately differs from the original.
//!
//! ```
//! use blueprint_runtime_connector::{build, RuntimeConnectorInputs};
//! let deployment = build(&RuntimeConnectorInputs::new("prod-eu")).unwrap();
//! assert_eq!(deployment.roles[0].name, "SymRuntimeProd-Eu");
//! ```

mod addons;
mod inputs;
mod title;

use blueprint_kit::{BlueprintError, Inputs, TypedBlueprint};
use iam_model::deployment::{
    Deployment, GeneratedValue, InputType, ManagedPolicy, Output, OutputValue, Role,
};
use iam_model::{ArnTemplate, Condition, LateBound, PolicyDocument, Principal, Statement};

pub use addons::{Addon, DEFAULT_TAG_NAME};
pub use inputs::{AddonParam, RuntimeConnectorInputs, SYM_PRODUCTION_ACCOUNT};
pub use title::title;

/// The blueprint's name.
pub const NAME: &str = "runtime-connector";
/// One line about what it creates.
pub const DESCRIPTION: &str =
    "The IAM role a Sym Runtime assumes to run Flows, limited to assuming /sym/ roles in safelisted accounts";

/// The path of the role and of every policy: the runtime may only assume roles under it.
pub const SYM_PATH: &str = "/sym/";
/// The key of the runtime role (the original's `aws_iam_role.this`).
pub const ROLE_KEY: &str = "this";
/// The key of the base policy (the original's `aws_iam_policy.assume_roles`).
pub const BASE_POLICY_KEY: &str = "assume_roles";
/// The name of the generated external id (the original's `random_uuid.external_id`).
pub const EXTERNAL_ID: &str = "external_id";

/// The runtime connector blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuntimeConnector;

impl TypedBlueprint for RuntimeConnector {
    type Inputs = RuntimeConnectorInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;
    fn deployment(inputs: &RuntimeConnectorInputs) -> Result<Deployment, BlueprintError> {
        build(inputs)
    }
}

/// Builds the runtime connector's deployment from its inputs.
///
/// Fails, naming the input, when an addon is not one of the three the original supports, an
/// addon parameter is unknown or of the wrong type, `stream_arns` is missing or empty, an
/// account id is not 12 digits, an extra policy is not a managed policy ARN, or the environment
/// gives a role name IAM rejects.
pub fn build(inputs: &RuntimeConnectorInputs) -> Result<Deployment, BlueprintError> {
    let role_name = format!("SymRuntime{}", title(&inputs.environment));
    check_name(&role_name, &inputs.environment)?;
    check_accounts("sym_account_ids", &inputs.sym_account_ids)?;
    if inputs.sym_account_ids.is_empty() {
        return Err(BlueprintError::input(
            "sym_account_ids",
            "`sym_account_ids` is empty, so nobody could assume the runtime role",
        )
        .with_help(format!(
            "leave it out for Sym's production account `{SYM_PRODUCTION_ACCOUNT}`"
        )));
    }
    check_accounts("account_id_safelist", &inputs.account_id_safelist)?;
    for (key, arn) in &inputs.policy_arns {
        blueprint_kit::check::managed_policy_arn(&format!("policy_arns.{key}"), arn)?;
    }
    let addons = addons::resolve(inputs)?;

    // A custom external id is kept verbatim (surrounding spaces included) when it is not
    // blank, exactly as the original's `trimspace(var.custom_external_id) == ""` test does.
    let external_id = match inputs.custom_external_id.trim() {
        "" => GeneratedValue::builder().name(EXTERNAL_ID).build(),
        _ => GeneratedValue::builder()
            .name(EXTERNAL_ID)
            .fixed(inputs.custom_external_id.clone())
            .fixed_by("custom_external_id")
            .build(),
    };

    let trust = PolicyDocument::new([Statement::allow()
        .principal(Principal::aws(inputs.sym_account_ids.iter()))
        .action("sts:AssumeRole")
        .condition(Condition::string_equals(
            "sts:ExternalId",
            [LateBound::Generated(EXTERNAL_ID.to_owned())],
        ))]);

    let mut policies = vec![base_policy(&role_name, &inputs.account_id_safelist)];
    policies.extend(addons.iter().map(|a| a.policy(&inputs.environment)));

    let mut role = Role::builder()
        .key(ROLE_KEY)
        .name(role_name.as_str())
        .path(SYM_PATH)
        .tags(inputs.tags.clone())
        .trust(trust)
        .build();
    for p in &policies {
        role = role.attach(p.arn());
    }
    for arn in inputs.policy_arns.values() {
        role = role.attach(arn.as_str());
    }

    let role_arn = role.arn();
    let settings = OutputValue::Map(
        [
            ("cloud", OutputValue::from("aws")),
            ("region", LateBound::Region.into()),
            ("role_arn", role_arn.into()),
            (
                "external_id",
                LateBound::Generated(EXTERNAL_ID.to_owned()).into(),
            ),
            ("account_id", LateBound::current_account().into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    );

    Ok(Deployment::builder()
        .blueprint(NAME)
        .instance(role_name)
        .roles(vec![role])
        .policies(policies)
        .generated(vec![external_id])
        .variables(variables(inputs))
        .outputs(vec![
            Output::builder()
                .name("account_id")
                .description("The AWS account ID for this connector")
                .value(LateBound::current_account())
                .build(),
            Output::builder()
                .name("settings")
                .description("A map of settings to supply to a Sym Permission Context.")
                .value(settings)
                .build(),
        ])
        .build())
}

/// The inputs as Terraform `variable` blocks. `addon_params` is declared `any` there, not the
/// original's `map(map(any))`: Terraform must unify every value of a `map(map(any))` into one
/// type, so a default holding the Secrets Manager strings next to the data stream list (which
/// this blueprint accepts) would not even validate.
fn variables(inputs: &RuntimeConnectorInputs) -> Vec<iam_model::deployment::Variable> {
    let mut vars = inputs.to_variables();
    for v in &mut vars {
        if v.name == "addon_params" {
            v.input_type = InputType::Any;
        }
    }
    vars
}

/// The base policy, named like the role: `sts:AssumeRole` on `/sym/` roles in this account
/// (always first) and then in each safelisted account.
fn base_policy(role_name: &str, safelist: &[String]) -> ManagedPolicy {
    let mut resources = vec![ArnTemplate::iam("role/sym/*")];
    let mut seen = Vec::new();
    for account in safelist {
        // A repeated account adds nothing; the original writes the ARN twice.
        if !seen.contains(&account) {
            seen.push(account);
            resources.push(ArnTemplate::iam("role/sym/*").in_account(account.as_str()));
        }
    }
    ManagedPolicy::builder()
        .key(BASE_POLICY_KEY)
        .name(role_name)
        .path(SYM_PATH)
        .description("Base permissions for the Sym runtime")
        .document(PolicyDocument::new([Statement::allow()
            .action("sts:AssumeRole")
            .resources(resources)]))
        .build()
}

fn check_name(role_name: &str, environment: &str) -> Result<(), BlueprintError> {
    let bad = role_name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c)));
    if let Some(c) = bad {
        return Err(BlueprintError::input(
            "environment",
            format!("`{environment}` gives the role name `{role_name}`, and IAM names may not contain `{c}`"),
        )
        .with_help("use letters, digits and `_+=,.@-` in the environment"));
    }
    if role_name.len() > 64 {
        return Err(BlueprintError::input(
            "environment",
            format!(
                "`{environment}` gives the role name `{role_name}`, {} characters long; IAM allows 64",
                role_name.len()
            ),
        )
        .with_help(format!(
            "use an environment of at most {} characters",
            64 - "SymRuntime".len()
        )));
    }
    Ok(())
}

fn check_accounts(input: &str, accounts: &[String]) -> Result<(), BlueprintError> {
    for (i, a) in accounts.iter().enumerate() {
        if !iam_model::AccountId::is_valid(a) {
            return Err(BlueprintError::input(
                format!("{input}[{i}]"),
                format!("`{a}` is not an AWS account id"),
            )
            .with_help("an account id is exactly 12 digits, such as `123456789012`; wildcards would let the runtime reach any account"));
        }
    }
    Ok(())
}
