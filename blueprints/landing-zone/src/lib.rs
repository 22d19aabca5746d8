//! The landing zone's role architecture (seed `004`): the chain through which GitOps pipelines
//! run Terraform across an AWS organization.
//!
//! * **OIDC role** `<prefix>-oidc` (management account): trusted by GitHub, GitLab and/or
//!   Bitbucket through their OIDC providers, each pinned to repositories (and branches), and
//!   allowed nothing but `sts:AssumeRole` on the Terraform roles — the seed's "Danger" box. The
//!   second hop exists because only `sts:AssumeRole` can require an external id.
//! * **Terraform roles** (management account): `<prefix>-tf-state` reads and writes the state
//!   bucket and lock table, assumes the admin roles of member accounts, and holds the
//!   organization and elevated (`sso:*`, `iam:*`) permissions the Org project needs, as separate
//!   documents; optional `<prefix>-tf-<env>state` roles require an external id, read the
//!   organization's state, write only their environment's, and reach only its accounts.
//! * **Deploy role** `<prefix>-deploy` in member accounts: administrator, assumable from the
//!   management account by the Terraform roles.
//!
//! ```
//! use blueprint_landing_zone::{build, GithubTrust, LandingZoneInputs};
//! let mut inputs = LandingZoneInputs::new("123456789012", "acme");
//! inputs.github = Some(GithubTrust {
//!     repositories: vec!["acme/landing-zone".into()],
//!     branches: vec!["main".into()],
//!     ..GithubTrust::default()
//! });
//! let deployment = build(&inputs).unwrap();
//! assert_eq!(deployment.roles[0].name, "foundation-oidc");
//! ```
//!
//! The seed's Org permissions have no account or OU creation; an Org project that creates
//! accounts adds them to the deployment in code:
//!
//! ```
//! # use blueprint_landing_zone::{build, GithubTrust, LandingZoneInputs};
//! # let mut inputs = LandingZoneInputs::new("123456789012", "acme");
//! # inputs.github = Some(GithubTrust { repositories: vec!["acme/lz".into()], branches: vec!["main".into()], ..GithubTrust::default() });
//! use iam_model::Statement;
//! let mut deployment = build(&inputs).unwrap();
//! let state = deployment.role_mut("state").unwrap();
//! let org = state.inline_policies.get_mut("TerraformStateOrg").unwrap();
//! org.statements.push(
//!     Statement::allow()
//!         .sid("CreateAccounts")
//!         .actions(["organizations:CreateAccount", "organizations:CreateOrganizationalUnit", "organizations:MoveAccount"])
//!         .resource("*"),
//! );
//! assert!(deployment.validate(&Default::default()).iter().all(|f| !f.is_error()));
//! ```

mod check;
mod git;
mod inputs;

use blueprint_kit::{BlueprintError, Inputs, TypedBlueprint};
use iam_model::deployment::{Account, Deployment, GeneratedValue, Output, OutputValue, Role};
use iam_model::{
    ArnTemplate, Code, Condition, ConditionOperator, LateBound, PolicyDocument, Principal,
    Statement, Text,
};

pub use git::{GITHUB_AUDIENCE, GITHUB_ISSUER};
pub use inputs::{
    default_base_region, default_bootstrap_prefix, default_gitlab_url, default_org_state_prefixes,
    default_state_prefixes, BitbucketTrust, EnvironmentRole, GithubTrust, GitlabTrust,
    LandingZoneInputs,
};

/// The blueprint's name.
pub const NAME: &str = "landing-zone";
/// One line about what it creates.
pub const DESCRIPTION: &str =
    "Git OIDC entry role limited to assuming the Terraform state roles, the state roles, and the deploy role in member accounts";

/// The account key of the management account.
pub const MANAGEMENT: &str = "management";
/// The account key of the member account when no member account ids are given.
pub const MEMBER: &str = "member";
/// The admin roles AWS creates in member accounts, which the Terraform roles may assume besides
/// the deploy role: Organizations' default and Control Tower's.
pub const AWS_ADMIN_ROLES: [&str; 2] =
    ["OrganizationAccountAccessRole", "AWSControlTowerExecution"];

/// The landing zone blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct LandingZone;

impl TypedBlueprint for LandingZone {
    type Inputs = LandingZoneInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;
    fn deployment(inputs: &LandingZoneInputs) -> Result<Deployment, BlueprintError> {
        build(inputs)
    }
}

/// Why the state role's elevated grant is intended; recorded with its acknowledged findings.
const ELEVATED_REASON: &str = "the seed's Org project manages the organization with foundation-tf-state during the \
initial build: Organizations policies (TerraformStateOrg), and Identity Center permission sets and IAM roles \
across the organization (TerraformStateSSO); each grant is a document of its own so that it can be detached \
once the landing zone is built";

/// Builds the landing zone's deployment.
///
/// Fails, naming the input, when an account id, name prefix, bucket prefix, region, state prefix
/// or external id is malformed, no Git provider is configured or one lists no repository,
/// project or repository UUID, an existing provider ARN is not the management account's
/// provider for that issuer, or an environment names no account.
pub fn build(inputs: &LandingZoneInputs) -> Result<Deployment, BlueprintError> {
    inputs.check()?;
    let prefix = inputs.bootstrap_prefix.as_str();
    let git = git::trusts(
        &inputs.management_account_id,
        inputs.github.as_ref(),
        inputs.gitlab.as_ref(),
        inputs.bitbucket.as_ref(),
    )?;
    let bucket = format!("{}-tfstate", inputs.unique_prefix);
    let table = format!("{prefix}-tfstate");
    let state = StateStore {
        bucket: &bucket,
        table: ArnTemplate::regional("dynamodb", format!("table/{table}"))
            .in_region(inputs.base_region.as_str()),
    };

    // The seed's OIDC permission names `foundation-tf-state`, "widened to `foundation-tf-*`"
    // once custom Terraform roles exist.
    let oidc_target = if inputs.environments.is_empty() {
        format!("{prefix}-tf-state")
    } else {
        format!("{prefix}-tf-*")
    };
    let oidc = Role::builder()
        .key("oidc")
        .account(MANAGEMENT)
        .name(format!("{prefix}-oidc"))
        .trust(PolicyDocument::new(
            git.iter().map(git::GitTrust::statement),
        ))
        .build()
        .inline(
            "allowassume",
            PolicyDocument::new([Statement::allow()
                .sid("GlobalOrgAccess")
                .action("sts:AssumeRole")
                .resource(ArnTemplate::iam(format!("role/{oidc_target}")).in_account("*"))]),
        );
    let oidc_arn = oidc.arn();

    let mut generated = Vec::new();
    let mut external_ids = std::collections::BTreeMap::new();
    let mut state_trust = Statement::allow()
        .sid("AllowDeploymentAdmin")
        .principal(Principal::aws([oidc_arn.clone()]))
        .action("sts:AssumeRole");
    let state_name = format!("{prefix}-tf-state");
    if let Some(id) = &inputs.state_external_id {
        let name = "external_id_state";
        generated.push(
            GeneratedValue::builder()
                .name(name)
                .fixed(id.clone())
                .fixed_by("state_external_id")
                .build(),
        );
        state_trust = state_trust.condition(external_id_condition(name));
        external_ids.insert(
            state_name.clone(),
            OutputValue::from(LateBound::Generated(name.to_owned())),
        );
    }
    let state_role = Role::builder()
        .key("state")
        .account(MANAGEMENT)
        .name(state_name)
        .trust(PolicyDocument::new([state_trust]))
        .build()
        .inline("AssumeDeploy", assume_deploy(prefix, &["*".to_owned()]))
        .inline("TerraformStateS3", state.s3_full(&inputs.state_prefixes))
        .inline("TerraformStateDynamoDB", state.dynamodb_full())
        .inline("TerraformStateOrg", organization())
        .inline("TerraformStateSSO", elevated())
        .acknowledge(Code::PERMISSIONS_MANAGEMENT_STAR, ELEVATED_REASON)
        .acknowledge(Code::PASSROLE_WILDCARD_RESOURCE, ELEVATED_REASON);

    let mut roles = vec![oidc, state_role];
    let mut environment_arns = std::collections::BTreeMap::new();
    for (env, r) in &inputs.environments {
        let name = format!("{prefix}-tf-{env}state");
        let id_name = format!("external_id_{env}");
        let mut id = GeneratedValue::builder().name(id_name.as_str()).build();
        id.fixed = r.external_id.clone();
        id.fixed_by = Some(format!("environments.{env}.external_id"));
        generated.push(id);
        external_ids.insert(
            name.clone(),
            OutputValue::from(LateBound::Generated(id_name.clone())),
        );
        let prefixes = LandingZoneInputs::environment_prefixes(env, r);
        let role = Role::builder()
            .key(format!("env-{env}"))
            .account(MANAGEMENT)
            .name(name)
            .trust(PolicyDocument::new([Statement::allow()
                .sid(format!("{}Access", capitalized(env)))
                .principal(Principal::aws([oidc_arn.clone()]))
                .action("sts:AssumeRole")
                .condition(external_id_condition(&id_name))]))
            .build()
            .inline("AssumeDeploy", assume_deploy(prefix, &r.account_ids))
            .inline(
                "TerraformStateS3",
                state.s3_environment(&inputs.org_state_prefixes, &prefixes),
            )
            .inline(
                "TerraformStateDynamoDB",
                state.dynamodb_environment(&inputs.org_state_prefixes, &prefixes),
            );
        environment_arns.insert(env.clone(), OutputValue::from(role.arn()));
        roles.push(role);
    }

    let mut accounts = vec![Account::builder()
        .key(MANAGEMENT)
        .description("the organization's management account: the OIDC role, the Terraform roles and their state")
        .id(blueprint_kit::check::account_id(
            "management_account_id",
            &inputs.management_account_id,
        )?)
        .build()];
    let deploy_name = format!("{prefix}-deploy");
    if inputs.create_deploy_role {
        let members: Vec<(String, Option<&String>)> = if inputs.member_account_ids.is_empty() {
            vec![(MEMBER.to_owned(), None)]
        } else {
            inputs
                .member_account_ids
                .iter()
                .map(|id| (format!("{MEMBER}-{id}"), Some(id)))
                .collect()
        };
        for (key, id) in members {
            let account = Account::builder().key(key.as_str());
            accounts.push(match id {
                Some(id) => account
                    .description("a member account Terraform deploys to")
                    .id(blueprint_kit::check::account_id("member_account_ids", id)?)
                    .build(),
                None => account
                    .description("every member account: apply its objects in each account Terraform deploys to")
                    .build(),
            });
            let role_key = match id {
                Some(id) => format!("deploy-{id}"),
                None => "deploy".to_owned(),
            };
            roles.push(deploy_role(prefix, &deploy_name, role_key, key));
        }
    }

    let mut oidc_providers = Vec::new();
    let mut provider_arns = std::collections::BTreeMap::new();
    for g in git {
        provider_arns.insert(g.key.to_owned(), OutputValue::Text(g.provider_arn.clone()));
        oidc_providers.extend(g.provider);
    }

    let output = |name: &str, description: &str, value: OutputValue| {
        Output::builder()
            .name(name)
            .description(description)
            .value(value)
            .build()
    };
    let outputs = vec![
        output(
            "oidc_role_arn",
            "The OIDC role's ARN: what pipelines assume with their web identity token.",
            roles[0].arn().into(),
        ),
        output(
            "state_role_arn",
            "The default Terraform role's ARN.",
            roles[1].arn().into(),
        ),
        output(
            "environment_role_arns",
            "Each environment's Terraform role ARN, by environment.",
            OutputValue::Map(environment_arns),
        ),
        output(
            "external_ids",
            "The external id each Terraform role requires, by role name.",
            OutputValue::Map(external_ids),
        ),
        output(
            "oidc_provider_arns",
            "The Git OIDC providers' ARNs, by provider.",
            OutputValue::Map(provider_arns),
        ),
        output(
            "deploy_role_name",
            "The deploy role's name in member accounts.",
            deploy_name.as_str().into(),
        ),
        output(
            "state_bucket",
            "The Terraform state bucket.",
            bucket.as_str().into(),
        ),
        output(
            "lock_table",
            "The Terraform state lock table.",
            table.as_str().into(),
        ),
    ];

    Ok(Deployment::builder()
        .blueprint(NAME)
        .instance(prefix)
        .accounts(accounts)
        .roles(roles)
        .oidc_providers(oidc_providers)
        .generated(generated)
        .variables(inputs.to_variables())
        .outputs(outputs)
        .build())
}

fn external_id_condition(generated: &str) -> Condition {
    Condition::string_equals(
        "sts:ExternalId",
        [LateBound::Generated(generated.to_owned())],
    )
}

/// `prd` → `Prd`: the Sid of an environment role's trust (the seed's example is `ProdAccess`).
fn capitalized(env: &str) -> String {
    let mut chars = env.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The seed's "AssumeRole to Member Accounts" (Sid `AssumeAll`): the deploy role and AWS's two
/// admin roles, in every account (`*`) or in the given accounts.
fn assume_deploy(prefix: &str, accounts: &[String]) -> PolicyDocument {
    let names =
        std::iter::once(format!("{prefix}-deploy")).chain(AWS_ADMIN_ROLES.map(String::from));
    let names: Vec<String> = names.collect();
    let resources = accounts.iter().flat_map(|account| {
        names
            .iter()
            .map(move |n| ArnTemplate::iam(format!("role/{n}")).in_account(account.as_str()))
    });
    PolicyDocument::new([Statement::allow()
        .sid("AssumeAll")
        .action("sts:AssumeRole")
        .resources(resources)])
}

/// The state bucket and lock table, and the policies that reach them.
struct StateStore<'a> {
    bucket: &'a str,
    table: ArnTemplate,
}

impl StateStore<'_> {
    fn objects(&self, prefixes: &[String]) -> Vec<ArnTemplate> {
        prefixes
            .iter()
            .map(|p| ArnTemplate::s3(format!("{}/{p}/*", self.bucket)))
            .collect()
    }

    /// The bucket-level statements every Terraform role needs. `s3:GetEncryptionConfiguration`
    /// is a bucket action: the seed lists it with the object actions, where it grants nothing.
    fn bucket_statements(&self) -> [Statement; 2] {
        [
            Statement::allow()
                .sid("AccessListS3")
                .actions(["s3:ListBucket", "s3:GetEncryptionConfiguration"])
                .resource(ArnTemplate::s3(self.bucket)),
            Statement::allow()
                .sid("AccessS3All")
                .actions(["s3:ListAllMyBuckets", "s3:GetBucketLocation"])
                .resource(ArnTemplate::s3("*")),
        ]
    }

    /// The seed's "S3 Access (Terraform S3 Backend)".
    fn s3_full(&self, prefixes: &[String]) -> PolicyDocument {
        let [list, all] = self.bucket_statements();
        PolicyDocument::new([
            list,
            all,
            Statement::allow()
                .sid("AccessS3")
                .actions(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"])
                .resources(self.objects(prefixes)),
        ])
    }

    /// An environment's S3 access: the organization's state read-only, its own read/write.
    fn s3_environment(&self, org: &[String], own: &[String]) -> PolicyDocument {
        let [list, all] = self.bucket_statements();
        let mut doc = PolicyDocument::new([list, all]);
        if !org.is_empty() {
            doc = doc.statement(
                Statement::allow()
                    .sid("ReadOrgState")
                    .action("s3:GetObject")
                    .resources(self.objects(org)),
            );
        }
        doc.statement(
            Statement::allow()
                .sid("AccessS3")
                .actions(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"])
                .resources(self.objects(own)),
        )
    }

    fn table_list() -> Statement {
        Statement::allow()
            .sid("AccessDynamoDBTableList")
            .action("dynamodb:ListTables")
            .resource(
                ArnTemplate::regional("dynamodb", "table/*")
                    .in_region("*")
                    .in_account("*"),
            )
    }

    /// The seed's "Access DynamoDB Table (Terraform State Locking)".
    fn dynamodb_full(&self) -> PolicyDocument {
        PolicyDocument::new([
            Statement::allow()
                .sid("AccessDynamoDB")
                .actions([
                    "dynamodb:PutItem",
                    "dynamodb:GetItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:DeleteItem",
                ])
                .resource(&self.table),
            Self::table_list(),
        ])
    }

    /// An environment's locks: items are keyed `<bucket>/<state key>` (and `…-md5` for the
    /// digest), so `dynamodb:LeadingKeys` confines writes to the environment's state and reads
    /// to it and the organization's.
    fn dynamodb_environment(&self, org: &[String], own: &[String]) -> PolicyDocument {
        let keys = |prefixes: &[String]| -> Vec<String> {
            prefixes
                .iter()
                .map(|p| format!("{}/{p}/*", self.bucket))
                .collect()
        };
        let leading = ConditionOperator::new(iam_model::BaseOperator::StringLike).for_all_values();
        let mut doc = PolicyDocument::new([Statement::allow()
            .sid("AccessDynamoDB")
            .actions([
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
            ])
            .resource(&self.table)
            .when(leading, "dynamodb:LeadingKeys", keys(own))]);
        if !org.is_empty() {
            doc = doc.statement(
                Statement::allow()
                    .sid("ReadOrgLocks")
                    .action("dynamodb:GetItem")
                    .resource(&self.table)
                    .when(leading, "dynamodb:LeadingKeys", keys(org)),
            );
        }
        doc.statement(
            Statement::allow()
                .sid("DescribeDynamoDB")
                .action("dynamodb:DescribeTable")
                .resource(&self.table),
        )
        .statement(Self::table_list())
    }
}

/// The seed's "Account Creation Permissions (Org Project)".
fn organization() -> PolicyDocument {
    PolicyDocument::new([Statement::allow()
        .sid("AccessOrgValues")
        .actions([
            "organizations:UpdatePolicy",
            "organizations:UntagResource",
            "organizations:TagResource",
            "organizations:List*",
            "organizations:Enable*",
            "organizations:Describe*",
            "organizations:CreatePolicy",
            "backup:UpdateGlobalSettings",
            "backup:DescribeGlobalSettings",
        ])
        .resource("*")])
}

/// The seed's "Elevated Permissions (Org Project)": its own document, because it reuses the
/// Sid `AccessOrgValues`, which must be unique within a policy.
fn elevated() -> PolicyDocument {
    PolicyDocument::new([Statement::allow()
        .sid("AccessOrgValues")
        .actions(["sso:*", "iam:*"])
        .resource("*")])
}

/// The deploy role of one member account: administrator, trusted by the management account
/// and, through `aws:PrincipalArn`, only by its Terraform roles.
fn deploy_role(prefix: &str, name: &str, key: String, account: String) -> Role {
    let management_root: Text = ArnTemplate::iam("root")
        .in_account(LateBound::account(MANAGEMENT))
        .into();
    let terraform_roles: Text = ArnTemplate::iam(format!("role/{prefix}-tf-*"))
        .in_account(LateBound::account(MANAGEMENT))
        .into();
    Role::builder()
        .key(key)
        .account(account)
        .name(name)
        .description("Terraform will specify this role in provider.tf to deploy resources")
        .max_session_duration(43200)
        .trust(PolicyDocument::new([Statement::allow()
            .sid("AllowManagementTerraform")
            .principal(Principal::aws([management_root]))
            .action("sts:AssumeRole")
            .condition(Condition::arn_like(
                "aws:PrincipalArn",
                [terraform_roles],
            ))]))
        .build()
        .attach(
            Text::from("arn:")
                .then(LateBound::Partition)
                .then(":iam::aws:policy/AdministratorAccess"),
        )
}
