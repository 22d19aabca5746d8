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
use iam_model::{
    ArnTemplate, BaseOperator, Condition, LateBound, PolicyDocument, Principal, Statement, Text,
};

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
    /// The inventory role's maximum session duration in seconds (the final upstream's is
    /// 28,800; the runner reaches the role by role chaining, which STS caps at one hour).
    #[input(default = default_inventory_role_max_session_duration(), range = 3600..=43200)]
    pub inventory_role_max_session_duration: u32,
    /// A policy document (JSON) put inline on the inventory role as `inlinePolicy`, the name
    /// `ce-cli` gives the final upstream's read-only actions.
    #[input(
        example = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:Describe*", "Resource": "*"}]}"#
    )]
    pub inventory_inline_policy: Option<String>,
    /// Whether to create the inventory role in the member accounts. `false` when another tool
    /// creates it (the original's `ce-cli`): the deployment then has no member account and
    /// needs no account key for one; the runner's permission still names the role.
    #[input(default = true)]
    pub create_inventory_role: bool,
    /// The bucket the runner uploads its reports to: adds the final upstream's statement
    /// `UploadInventory`, `s3:PutObject` on `<bucket>/*`, to the runner's policy.
    #[input(
        pattern = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        example = "dfds-inventory-reports"
    )]
    pub inventory_bucket: Option<String>,
    /// The Sid of the runner policy's `sts:AssumeRole` statement (the seed's `VisualEditor0`;
    /// the final upstream's `AssumeRole`; empty for none).
    #[input(default = default_runner_policy_sid(), pattern = "[A-Za-z0-9]*", example = "AssumeRole")]
    pub runner_policy_sid: String,
    /// The EKS cluster's name, written as the OIDC providers' `clusterName` tag (as `ce-cli`
    /// tags them).
    #[input(pattern = "[0-9A-Za-z][A-Za-z0-9_-]{0,99}", example = "hellman")]
    pub cluster_name: Option<String>,
    /// Further tags of the OIDC providers (`ce-cli` adds `managedBy: ce-cli`).
    #[input(default, example = r#"{"managedBy": "ce-cli"}"#)]
    pub oidc_provider_tags: BTreeMap<String, String>,
    /// Also create the final upstream's fallback roles `<orchestrator_role_name>-Test` and
    /// `<runner_role_name>-Test` for local development: same permissions, assumable with
    /// `sts:AssumeRole` by any principal of the security account that IAM allows to; the
    /// inventory role then trusts the runner's test role too.
    #[input(default = false)]
    pub test_roles: bool,
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
/// The default of `inventory_role_max_session_duration`: one hour, the most role chaining
/// gives.
pub fn default_inventory_role_max_session_duration() -> u32 {
    3600
}
/// The default of `runner_policy_sid` (the seed's).
pub fn default_runner_policy_sid() -> String {
    "VisualEditor0".to_owned()
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
            inventory_role_max_session_duration: default_inventory_role_max_session_duration(),
            inventory_inline_policy: None,
            create_inventory_role: true,
            inventory_bucket: None,
            runner_policy_sid: default_runner_policy_sid(),
            cluster_name: None,
            oidc_provider_tags: BTreeMap::new(),
            test_roles: false,
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
        check::role_name("inventory_role_name", &self.inventory_role_name)?;
        check::iam_path("inventory_role_path", &self.inventory_role_path)?;
        for (i, arn) in self.inventory_policy_arns.iter().enumerate() {
            blueprint_kit::check::managed_policy_arn(&format!("inventory_policy_arns[{i}]"), arn)?;
        }
        if !(3600..=43200).contains(&self.inventory_role_max_session_duration) {
            return Err(BlueprintError::input(
                "inventory_role_max_session_duration",
                format!(
                    "`{}` seconds is outside IAM's range",
                    self.inventory_role_max_session_duration
                ),
            )
            .with_help("use 3600 to 43200 seconds"));
        }
        if !self.create_inventory_role && !self.member_account_ids.is_empty() {
            return Err(BlueprintError::input(
                "member_account_ids",
                "member accounts are listed but `create_inventory_role` is false, so nothing would be created in them",
            )
            .with_help("remove `member_account_ids`, or set `create_inventory_role: true`"));
        }
        if !self.create_inventory_role && self.inventory_inline_policy.is_some() {
            return Err(BlueprintError::input(
                "inventory_inline_policy",
                "an inline policy is given for the inventory role, but `create_inventory_role` is false",
            )
            .with_help("remove `inventory_inline_policy`, or set `create_inventory_role: true`"));
        }
        if let Some(bucket) = &self.inventory_bucket {
            check::bucket_name("inventory_bucket", bucket)?;
        }
        check::sid("runner_policy_sid", &self.runner_policy_sid)?;
        if let Some(name) = &self.cluster_name {
            check::cluster_name("cluster_name", name)?;
            if self.oidc_provider_tags.contains_key(CLUSTER_NAME_TAG) {
                return Err(BlueprintError::input(
                    format!("oidc_provider_tags.{CLUSTER_NAME_TAG}"),
                    format!("`{CLUSTER_NAME_TAG}` is also set by `cluster_name` (`{name}`)"),
                )
                .with_help(format!(
                    "remove `{CLUSTER_NAME_TAG}` from `oidc_provider_tags`, or `cluster_name`"
                )));
            }
        }
        // The roles of one account must have distinct names (IAM compares them without case).
        let names = self.role_names();
        for (i, (input, _, account, name)) in names.iter().enumerate() {
            check::role_name(input, name)?;
            if let Some((_, other, _, _)) = names[..i]
                .iter()
                .find(|(_, _, a, n)| a == account && n.eq_ignore_ascii_case(name))
            {
                return Err(BlueprintError::input(
                    *input,
                    format!("`{name}` is also {other}, and both roles are in account `{account}`"),
                )
                .with_help("give each role in an account its own name"));
            }
        }
        Ok(host_path)
    }

    /// Every role this deployment creates in billing and security: the input that names it,
    /// what it is, its account id and its name.
    fn role_names(&self) -> Vec<(&'static str, &'static str, &str, String)> {
        let mut names = vec![
            (
                "orchestrator_role_name",
                "the orchestrator's name",
                self.billing_account_id.as_str(),
                self.orchestrator_role_name.clone(),
            ),
            (
                "runner_role_name",
                "the runner's name",
                self.security_account_id.as_str(),
                self.runner_role_name.clone(),
            ),
        ];
        if self.test_roles {
            names.push((
                "test_roles",
                "the orchestrator's test role name",
                self.billing_account_id.as_str(),
                test_name(&self.orchestrator_role_name),
            ));
            names.push((
                "test_roles",
                "the runner's test role name",
                self.security_account_id.as_str(),
                test_name(&self.runner_role_name),
            ));
        }
        names
    }
}

/// The name of a fallback test role: the final upstream's `-Test` suffix.
fn test_name(name: &str) -> String {
    format!("{name}-Test")
}

/// The name of the inventory role's inline policy (`ce-cli`'s constant).
pub const INVENTORY_INLINE_POLICY: &str = "inlinePolicy";

/// The OIDC provider tag `cluster_name` sets (`ce-cli`'s key).
pub const CLUSTER_NAME_TAG: &str = "clusterName";

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
    let inline_policy = inputs
        .inventory_inline_policy
        .as_deref()
        .map(|json| {
            PolicyDocument::from_json(json).map_err(|e| {
                BlueprintError::input(
                    "inventory_inline_policy",
                    format!("not a policy document: {e}"),
                )
                .with_help("give the policy as JSON text, e.g. `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`")
            })
        })
        .transpose()?;
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
    let member_keys: Vec<String> = if !inputs.create_inventory_role {
        Vec::new()
    } else if inputs.member_account_ids.is_empty() {
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
    let mut provider_tags = inputs.oidc_provider_tags.clone();
    if let Some(name) = &inputs.cluster_name {
        provider_tags.insert(CLUSTER_NAME_TAG.to_owned(), name.clone());
    }
    let provider = |key: &str, account: &str| {
        OidcProvider::builder()
            .key(key)
            .account(account)
            .url(issuer_url.clone())
            .client_ids(vec![STS_AUDIENCE.to_owned()])
            .thumbprints(inputs.oidc_thumbprints.clone())
            .tags(provider_tags.clone())
            .build()
    };
    let billing_provider = provider("eks-billing", BILLING);
    let security_provider = if inputs.billing_account_id == inputs.security_account_id {
        None
    } else {
        Some(provider("eks-security", SECURITY))
    };
    let runner_provider = security_provider.as_ref().unwrap_or(&billing_provider);

    let orchestrator_policy = PolicyDocument::new([Statement::allow()
        .sid("VisualEditor0")
        .action("organizations:ListAccounts")
        .resource("*")]);
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
            orchestrator_policy.clone(),
        );

    let inventory_role_arns = ArnTemplate::iam(format!(
        "role{}{}",
        inputs.inventory_role_path, inputs.inventory_role_name
    ))
    .in_account("*");
    let mut runner_statements = Vec::new();
    if let Some(bucket) = &inputs.inventory_bucket {
        runner_statements.push(
            Statement::allow()
                .sid("UploadInventory")
                .action("s3:PutObject")
                .resource(ArnTemplate::s3(format!("{bucket}/*"))),
        );
    }
    let mut assume = Statement::allow()
        .action("sts:AssumeRole")
        .resource(inventory_role_arns);
    // An empty Sid is no Sid, as IAM stores it.
    if !inputs.runner_policy_sid.is_empty() {
        assume = assume.sid(inputs.runner_policy_sid.as_str());
    }
    runner_statements.push(assume);
    let runner_policy = PolicyDocument::new(runner_statements);
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
        .inline(inputs.runner_role_name.clone(), runner_policy.clone());

    let orchestrator_arn = orchestrator.arn();
    let runner_arn = runner.arn();
    let mut test_roles = Vec::new();
    if inputs.test_roles {
        // The final upstream's `fallback_trust.json`: the security account, for both roles.
        let fallback = || {
            PolicyDocument::new([Statement::allow()
                .principal(Principal::aws([Text::from(
                    ArnTemplate::iam("root").in_account(LateBound::account(SECURITY)),
                )]))
                .action("sts:AssumeRole")])
        };
        for (key, account, name, policy) in [
            (
                "orchestrator-test",
                BILLING,
                test_name(&inputs.orchestrator_role_name),
                &orchestrator_policy,
            ),
            (
                "runner-test",
                SECURITY,
                test_name(&inputs.runner_role_name),
                &runner_policy,
            ),
        ] {
            test_roles.push(
                Role::builder()
                    .key(key)
                    .account(account)
                    .name(name.clone())
                    .trust(fallback())
                    .build()
                    .inline(name, policy.clone()),
            );
        }
    }
    let mut inventory_trusted = vec![runner_arn.clone()];
    inventory_trusted.extend(
        test_roles
            .iter()
            .filter(|r| r.key == "runner-test")
            .map(Role::arn),
    );
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
            .max_session_duration(inputs.inventory_role_max_session_duration)
            .trust(PolicyDocument::new([Statement::allow()
                .principal(Principal::aws(inventory_trusted.clone()))
                .action("sts:AssumeRole")]))
            .build();
        for arn in &inputs.inventory_policy_arns {
            role = role.attach(arn.as_str());
        }
        if let Some(doc) = &inline_policy {
            role = role.inline(INVENTORY_INLINE_POLICY, doc.clone());
        }
        members.push(role);
    }

    let mut oidc_providers = vec![billing_provider];
    oidc_providers.extend(security_provider);

    let mut outputs = vec![
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
            .name("oidc_provider_arns")
            .description("The EKS OIDC provider's ARN in each account that has one, by account key.")
            .value(OutputValue::Map(
                oidc_providers.iter().map(|p| (p.account.clone(), OutputValue::from(p.arn()))).collect(),
            ))
            .build(),
    ];

    if !members.is_empty() {
        outputs.insert(
            2,
            Output::builder()
                .name("inventory_role_arns")
                .description("The inventory role's ARN in each member account, by account key.")
                .value(OutputValue::Map(
                    members
                        .iter()
                        .map(|r| (r.account.clone(), OutputValue::from(r.arn())))
                        .collect(),
                ))
                .build(),
        );
    }
    if !test_roles.is_empty() {
        outputs.push(
            Output::builder()
                .name("test_role_arns")
                .description("The fallback test roles' ARNs, by role key (`test_roles`).")
                .value(OutputValue::Map(
                    test_roles
                        .iter()
                        .map(|r| (r.key.clone(), OutputValue::from(r.arn())))
                        .collect(),
                ))
                .build(),
        );
    }

    let mut roles = vec![orchestrator, runner];
    roles.extend(test_roles);
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
