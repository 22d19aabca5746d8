//! The DFDS inventory orchestrator (seed `002`): the IAM that lets a Kubernetes CronJob list
//! the organization's accounts and run an inventory job in each of them.
//!
//! Three kinds of account, one deployment:
//!
//! * **billing** (the organization's management account): the EKS cluster's OIDC provider and
//!   `Inventory-Orchestrator`, which the orchestrator's service account assumes with
//!   `sts:AssumeRoleWithWebIdentity` and which may call `organizations:ListAccounts`;
//! * **security**: a second OIDC provider for the same issuer and `Inventory-Runner`, which the
//!   runner's service account assumes and which may `sts:AssumeRole` the inventory role;
//! * **member** accounts: the `inventory` role, trusted by the runner role alone.
//!
//! The OIDC provider is created twice because IAM only accepts a web identity for a role whose
//! own account holds the provider; the seed lists the billing one only, which leaves the runner's
//! trust pointing at a provider that does not exist (the final upstream README says "OIDC
//! provider deployed in both Billing and Security account").
//!
//! ```
//! use blueprint_inventory::{build, InventoryInputs};
//! let inputs = InventoryInputs::new(
//!     "111111111111",
//!     "222222222222",
//!     "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
//! );
//! let deployment = build(&inputs).unwrap();
//! assert_eq!(deployment.role("orchestrator").unwrap().name, "Inventory-Orchestrator");
//! assert_eq!(deployment.oidc_providers.len(), 2);
//! ```

mod check;

use std::collections::BTreeMap;

use blueprint_kit::{BlueprintError, Inputs, TypedBlueprint};
use iam_model::deployment::{Account, Deployment, OidcProvider, Output, OutputValue, Role};
use iam_model::{ArnTemplate, BaseOperator, Condition, PolicyDocument, Principal, Statement};

/// The audience EKS service-account tokens carry for STS.
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// The account key of the organization's management (billing) account.
pub const BILLING: &str = "billing";
/// The account key of the security account.
pub const SECURITY: &str = "security";
/// The account key of the member account when no member account ids are given.
pub const MEMBER: &str = "member";

/// Inputs of the inventory orchestrator.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct InventoryInputs {
    /// The organization's management (billing) account id, where `Inventory-Orchestrator` lives.
    #[input(pattern = "[0-9]{12}", example = "111111111111")]
    pub billing_account_id: String,
    /// The security account id, where `Inventory-Runner` lives.
    #[input(pattern = "[0-9]{12}", example = "222222222222")]
    pub security_account_id: String,
    /// The member accounts that get the inventory role. Empty: one `member` account without an
    /// id, whose objects you apply in each member account in turn.
    #[input(default, pattern = "[0-9]{12}", example = "333333333333")]
    pub member_account_ids: Vec<String>,
    /// The EKS cluster's OIDC issuer URL (`https://oidc.eks.REGION.amazonaws.com/id/ID`; the
    /// scheme may be left out).
    #[input(
        pattern = r"(https://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~-]+)*/?",
        example = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    )]
    pub oidc_issuer_url: String,
    /// Thumbprints of the issuer's certificate (40 hex characters each). rolewright cannot fetch
    /// them; empty lets IAM trust the issuer's CA, as it does for EKS.
    #[input(
        default,
        pattern = "[0-9A-Fa-f]{40}",
        example = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
    )]
    pub oidc_thumbprints: Vec<String>,
    /// The Kubernetes namespace the orchestrator and runner run in.
    #[input(default = default_namespace(), pattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?")]
    pub namespace: String,
    /// The orchestrator CronJob's service account.
    #[input(default = default_orchestrator_service_account(), pattern = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?")]
    pub orchestrator_service_account: String,
    /// The runner Job's service account.
    #[input(default = default_runner_service_account(), pattern = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?")]
    pub runner_service_account: String,
    /// The orchestrator role's name (`Inventory-Orchestrator-Test` for the development stack).
    #[input(default = default_orchestrator_role_name(), pattern = "[A-Za-z0-9_+=,.@-]{1,64}")]
    pub orchestrator_role_name: String,
    /// The runner role's name (`Inventory-Runner-Test` for the development stack).
    #[input(default = default_runner_role_name(), pattern = "[A-Za-z0-9_+=,.@-]{1,64}")]
    pub runner_role_name: String,
    /// The name of the role the runner assumes in each member account.
    #[input(default = default_inventory_role_name(), pattern = "[A-Za-z0-9_+=,.@-]{1,64}")]
    pub inventory_role_name: String,
    /// The path of that role; the runner's permission names the same path, since a role's ARN
    /// contains it (upstream later used `/managed/`).
    #[input(default = default_inventory_role_path(), pattern = "/([!-.0-~]+/)*", example = "/managed/")]
    pub inventory_role_path: String,
    /// Managed policies attached to the inventory role.
    #[input(default = default_inventory_policy_arns(), pattern = "arn:[a-z-]+:iam::([0-9]{12}|aws):policy/.+")]
    pub inventory_policy_arns: Vec<String>,
}

/// The default of `namespace`.
pub fn default_namespace() -> String {
    "inventory".to_owned()
}
/// The default of `orchestrator_service_account`.
pub fn default_orchestrator_service_account() -> String {
    "aws-inventory-orchestrator-sa".to_owned()
}
/// The default of `runner_service_account`.
pub fn default_runner_service_account() -> String {
    "aws-inventory-runner-sa".to_owned()
}
/// The default of `orchestrator_role_name`.
pub fn default_orchestrator_role_name() -> String {
    "Inventory-Orchestrator".to_owned()
}
/// The default of `runner_role_name`.
pub fn default_runner_role_name() -> String {
    "Inventory-Runner".to_owned()
}
/// The default of `inventory_role_name`.
pub fn default_inventory_role_name() -> String {
    "inventory".to_owned()
}
/// The default of `inventory_role_path`.
pub fn default_inventory_role_path() -> String {
    "/".to_owned()
}
/// The default of `inventory_policy_arns`: AWS's read-only job-function policy, which the final
/// upstream attaches to the inventory role.
pub fn default_inventory_policy_arns() -> Vec<String> {
    vec!["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".to_owned()]
}

impl InventoryInputs {
    /// Inputs with the three required values and every default.
    pub fn new(
        billing_account_id: impl Into<String>,
        security_account_id: impl Into<String>,
        oidc_issuer_url: impl Into<String>,
    ) -> Self {
        InventoryInputs {
            billing_account_id: billing_account_id.into(),
            security_account_id: security_account_id.into(),
            member_account_ids: Vec::new(),
            oidc_issuer_url: oidc_issuer_url.into(),
            oidc_thumbprints: Vec::new(),
            namespace: default_namespace(),
            orchestrator_service_account: default_orchestrator_service_account(),
            runner_service_account: default_runner_service_account(),
            orchestrator_role_name: default_orchestrator_role_name(),
            runner_role_name: default_runner_role_name(),
            inventory_role_name: default_inventory_role_name(),
            inventory_role_path: default_inventory_role_path(),
            inventory_policy_arns: default_inventory_policy_arns(),
        }
    }

    /// Checks every input; the first problem is reported with the input's name.
    fn check(&self) -> Result<String, BlueprintError> {
        check::account_id("billing_account_id", &self.billing_account_id)?;
        check::account_id("security_account_id", &self.security_account_id)?;
        let mut seen = BTreeMap::new();
        for (i, id) in self.member_account_ids.iter().enumerate() {
            let input = format!("member_account_ids[{i}]");
            check::account_id(&input, id)?;
            if let Some(first) = seen.insert(id.as_str(), i) {
                return Err(BlueprintError::input(
                    input,
                    format!("`{id}` is listed twice (first at [{first}])"),
                )
                .with_help("list each member account once"));
            }
        }
        let host_path = check::issuer_host_path("oidc_issuer_url", &self.oidc_issuer_url)?;
        for (i, t) in self.oidc_thumbprints.iter().enumerate() {
            check::thumbprint(&format!("oidc_thumbprints[{i}]"), t)?;
        }
        check::k8s_label("namespace", &self.namespace)?;
        check::k8s_subdomain(
            "orchestrator_service_account",
            &self.orchestrator_service_account,
        )?;
        check::k8s_subdomain("runner_service_account", &self.runner_service_account)?;
        check::role_name("orchestrator_role_name", &self.orchestrator_role_name)?;
        check::role_name("runner_role_name", &self.runner_role_name)?;
        check::role_name("inventory_role_name", &self.inventory_role_name)?;
        check::iam_path("inventory_role_path", &self.inventory_role_path)?;
        for (i, arn) in self.inventory_policy_arns.iter().enumerate() {
            blueprint_kit::check::managed_policy_arn(&format!("inventory_policy_arns[{i}]"), arn)?;
        }
        if self.billing_account_id == self.security_account_id
            && self
                .orchestrator_role_name
                .eq_ignore_ascii_case(&self.runner_role_name)
        {
            return Err(BlueprintError::input(
                "runner_role_name",
                format!(
                    "`{}` is also the orchestrator's name, and both roles are in account `{}`",
                    self.runner_role_name, self.billing_account_id
                ),
            )
            .with_help("give the runner role its own name"));
        }
        Ok(host_path)
    }
}

/// The blueprint's name.
pub const NAME: &str = "inventory";
/// One line about what it creates.
pub const DESCRIPTION: &str =
    "EKS OIDC trust for the DFDS inventory orchestrator and runner, and the inventory role in every member account";

/// The inventory orchestrator blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inventory;

impl TypedBlueprint for Inventory {
    type Inputs = InventoryInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;
    fn deployment(inputs: &InventoryInputs) -> Result<Deployment, BlueprintError> {
        build(inputs)
    }
}

/// Builds the inventory deployment.
///
/// Fails, naming the input, when an account id is not 12 digits or a member account is listed
/// twice, the issuer is not an https URL, a thumbprint is not 40 hex characters, a Kubernetes or
/// IAM name or path is malformed, or the orchestrator and runner would share a name in one
/// account.
pub fn build(inputs: &InventoryInputs) -> Result<Deployment, BlueprintError> {
    use blueprint_kit::check as kit_check;
    let host_path = inputs.check()?;
    let issuer_url = format!("https://{host_path}");

    let mut accounts = vec![
        Account::builder()
            .key(BILLING)
            .description("the organization's management (billing) account: the orchestrator role")
            .id(kit_check::account_id(
                "billing_account_id",
                &inputs.billing_account_id,
            )?)
            .build(),
        Account::builder()
            .key(SECURITY)
            .description("the security account: the runner role")
            .id(kit_check::account_id(
                "security_account_id",
                &inputs.security_account_id,
            )?)
            .build(),
    ];
    let member_keys: Vec<String> = if inputs.member_account_ids.is_empty() {
        accounts.push(
            Account::builder()
                .key(MEMBER)
                .description(
                    "every member account: apply its objects in each account the inventory runs in",
                )
                .build(),
        );
        vec![MEMBER.to_owned()]
    } else {
        inputs
            .member_account_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let key = format!("{MEMBER}-{id}");
                accounts.push(
                    Account::builder()
                        .key(key.clone())
                        .description("a member account the inventory runs in")
                        .id(kit_check::account_id(
                            &format!("member_account_ids[{i}]"),
                            id,
                        )?)
                        .build(),
                );
                Ok(key)
            })
            .collect::<Result<_, BlueprintError>>()?
    };

    // One provider per account that holds a role trusting it; a single one when billing and
    // security are the same account, since IAM allows one provider per URL per account.
    let provider = |key: &str, account: &str| {
        OidcProvider::builder()
            .key(key)
            .account(account)
            .url(issuer_url.clone())
            .client_ids(vec![STS_AUDIENCE.to_owned()])
            .thumbprints(inputs.oidc_thumbprints.clone())
            .build()
    };
    let billing_provider = provider("eks-billing", BILLING);
    let security_provider = if inputs.billing_account_id == inputs.security_account_id {
        None
    } else {
        Some(provider("eks-security", SECURITY))
    };
    let runner_provider = security_provider.as_ref().unwrap_or(&billing_provider);

    let orchestrator = Role::builder()
        .key("orchestrator")
        .account(BILLING)
        .name(inputs.orchestrator_role_name.clone())
        .trust(service_account_trust(
            &billing_provider,
            &host_path,
            &inputs.namespace,
            &inputs.orchestrator_service_account,
        ))
        .build()
        .inline(
            inputs.orchestrator_role_name.clone(),
            PolicyDocument::new([Statement::allow()
                .sid("VisualEditor0")
                .action("organizations:ListAccounts")
                .resource("*")]),
        );

    let inventory_role_arns = ArnTemplate::iam(format!(
        "role{}{}",
        inputs.inventory_role_path, inputs.inventory_role_name
    ))
    .in_account("*");
    let runner = Role::builder()
        .key("runner")
        .account(SECURITY)
        .name(inputs.runner_role_name.clone())
        .trust(service_account_trust(
            runner_provider,
            &host_path,
            &inputs.namespace,
            &inputs.runner_service_account,
        ))
        .build()
        .inline(
            inputs.runner_role_name.clone(),
            PolicyDocument::new([Statement::allow()
                .sid("VisualEditor0")
                .action("sts:AssumeRole")
                .resource(inventory_role_arns)]),
        );

    let orchestrator_arn = orchestrator.arn();
    let runner_arn = runner.arn();
    let mut members = Vec::new();
    for account in &member_keys {
        let key = if inputs.member_account_ids.is_empty() {
            "inventory".to_owned()
        } else {
            format!("inventory-{}", account.trim_start_matches("member-"))
        };
        let mut role = Role::builder()
            .key(key)
            .account(account.clone())
            .name(inputs.inventory_role_name.clone())
            .path(inputs.inventory_role_path.clone())
            .description("Role with various read-only permission to run inventory on AWS accounts.")
            .trust(PolicyDocument::new([Statement::allow()
                .principal(Principal::aws([runner_arn.clone()]))
                .action("sts:AssumeRole")]))
            .build();
        for arn in &inputs.inventory_policy_arns {
            role = role.attach(arn.as_str());
        }
        members.push(role);
    }

    let mut oidc_providers = vec![billing_provider];
    oidc_providers.extend(security_provider);

    let outputs = vec![
        Output::builder()
            .name("orchestrator_role_arn")
            .description("The orchestrator role's ARN (`ORCHESTRATOR_ROLE_ARN` of the Kubernetes manifests).")
            .value(orchestrator_arn)
            .build(),
        Output::builder()
            .name("runner_role_arn")
            .description("The runner role's ARN (`RUNNER_ROLE_ARN` of the Kubernetes manifests).")
            .value(runner_arn)
            .build(),
        Output::builder()
            .name("inventory_role_arns")
            .description("The inventory role's ARN in each member account, by account key.")
            .value(OutputValue::Map(
                members.iter().map(|r| (r.account.clone(), OutputValue::from(r.arn()))).collect(),
            ))
            .build(),
        Output::builder()
            .name("oidc_provider_arns")
            .description("The EKS OIDC provider's ARN in each account that has one, by account key.")
            .value(OutputValue::Map(
                oidc_providers.iter().map(|p| (p.account.clone(), OutputValue::from(p.arn()))).collect(),
            ))
            .build(),
    ];

    let mut roles = vec![orchestrator, runner];
    roles.extend(members);
    Ok(Deployment::builder()
        .blueprint(NAME)
        .instance(NAME)
        .accounts(accounts)
        .roles(roles)
        .oidc_providers(oidc_providers)
        .variables(inputs.to_variables())
        .outputs(outputs)
        .build())
}

/// The trust of a role assumed by a Kubernetes service account through the cluster's OIDC
/// provider: the seed's `sub` condition, plus the audience EKS tokens for STS carry.
fn service_account_trust(
    provider: &OidcProvider,
    host_path: &str,
    namespace: &str,
    service_account: &str,
) -> PolicyDocument {
    PolicyDocument::new([Statement::allow()
        .principal(Principal::federated([provider.arn()]))
        .action("sts:AssumeRoleWithWebIdentity")
        .condition(
            Condition::string_equals(
                format!("{host_path}:sub"),
                [format!(
                    "system:serviceaccount:{namespace}:{service_account}"
                )],
            )
            .and(
                BaseOperator::StringEquals,
                format!("{host_path}:aud"),
                [STS_AUDIENCE],
            ),
        )])
}
