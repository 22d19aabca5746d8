//! Deployments: the IAM objects a blueprint creates, in which accounts, with what inputs and
//! outputs — independent of how they are shipped (Terraform JSON, resolved IAM JSON, or a
//! direct apply).
//!
//! Objects refer to one another through [`LateBound`] values (`LateBound::role_arn("runtime")`),
//! never through concrete ARNs, so a renderer can turn a reference into a Terraform expression
//! and an apply engine can order its calls. [`Deployment::validate`] checks the whole:
//! every policy by its kind, unique names per account, references that resolve, and IAM's
//! quotas.

mod check;
pub mod resolve;

use std::collections::BTreeMap;

use typed_builder::TypedBuilder;

use crate::account_id::AccountId;
use crate::finding::{Code, Finding};
use crate::policy::PolicyDocument;
use crate::text::{LateBound, Text};

pub use check::{DeploymentFinding, DeploymentOptions, ObjectId};

/// The key of the account objects live in when a deployment names no other.
pub const DEFAULT_ACCOUNT: &str = "default";

/// The tag key naming the blueprint that owns an object. Renderers and the apply engine tag
/// every object with it, so that apply and destroy touch only what a deployment created.
pub const TAG_BLUEPRINT: &str = "rolewright:blueprint";

/// The tag key naming the deployment instance that owns an object (see [`TAG_BLUEPRINT`]).
pub const TAG_INSTANCE: &str = "rolewright:instance";

/// A set of IAM objects across one or more AWS accounts.
#[derive(Debug, Clone, PartialEq, TypedBuilder)]
pub struct Deployment {
    /// The blueprint that produced it (`runtime-connector`, `aws-teams`, ...).
    #[builder(setter(into))]
    pub blueprint: String,
    /// The instance name, used in ownership tags and file names.
    #[builder(setter(into))]
    pub instance: String,
    /// The accounts objects are deployed to; an object names its account by key.
    #[builder(default = vec![Account::new(DEFAULT_ACCOUNT)])]
    pub accounts: Vec<Account>,
    /// IAM roles.
    #[builder(default)]
    pub roles: Vec<Role>,
    /// Customer managed policies.
    #[builder(default)]
    pub policies: Vec<ManagedPolicy>,
    /// OpenID Connect identity providers.
    #[builder(default)]
    pub oidc_providers: Vec<OidcProvider>,
    /// Values generated once and kept (external ids).
    #[builder(default)]
    pub generated: Vec<GeneratedValue>,
    /// Values a third party hands out after a first deployment.
    #[builder(default)]
    pub externals: Vec<ExternalValue>,
    /// The blueprint's inputs, rendered as Terraform `variable` blocks and shown in docs.
    #[builder(default)]
    pub variables: Vec<Variable>,
    /// What the deployment gives back.
    #[builder(default)]
    pub outputs: Vec<Output>,
}

/// An AWS account of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, TypedBuilder)]
pub struct Account {
    /// The key objects use to name this account (`default`, `billing`, `security`, `member`).
    #[builder(setter(into))]
    pub key: String,
    /// What the account is for.
    #[builder(default, setter(into))]
    pub description: String,
    /// The account id, when the blueprint's inputs give it.
    #[builder(default, setter(strip_option))]
    pub id: Option<AccountId>,
    /// A role to assume to reach the account (Terraform provider `assume_role`, apply's
    /// credentials).
    #[builder(default, setter(strip_option, into))]
    pub assume_role_arn: Option<String>,
}

impl Account {
    /// An account known only by its key.
    pub fn new(key: impl Into<String>) -> Self {
        Account {
            key: key.into(),
            description: String::new(),
            id: None,
            assume_role_arn: None,
        }
    }
}

/// An intended security finding, acknowledged in code with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The finding code acknowledged.
    pub code: Code,
    /// Why the grant is intended.
    pub reason: String,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, TypedBuilder)]
pub struct Role {
    /// The role's key in the deployment (Terraform resource name, reference target).
    #[builder(setter(into))]
    pub key: String,
    /// The account key.
    #[builder(default = DEFAULT_ACCOUNT.to_owned(), setter(into))]
    pub account: String,
    /// The role name.
    #[builder(setter(into))]
    pub name: String,
    /// The path, `/` by default.
    #[builder(default = "/".to_owned(), setter(into))]
    pub path: String,
    /// The description (none when empty).
    #[builder(default, setter(into))]
    pub description: String,
    /// The maximum session duration in seconds (3,600 to 43,200).
    #[builder(default = 3600)]
    pub max_session_duration: u32,
    /// The permissions boundary policy ARN.
    #[builder(default, setter(strip_option, into))]
    pub permissions_boundary: Option<Text>,
    /// Tags.
    #[builder(default)]
    pub tags: BTreeMap<String, String>,
    /// The trust policy.
    pub trust: PolicyDocument,
    /// Inline policies by name.
    #[builder(default)]
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// ARNs of attached managed policies (AWS managed, or `LateBound::policy_arn`).
    #[builder(default)]
    pub managed_policy_arns: Vec<Text>,
    /// Security findings on this role's policies that are intended.
    #[builder(default)]
    pub acknowledged: Vec<Acknowledgement>,
}

impl Role {
    /// Adds an inline policy.
    pub fn inline(mut self, name: impl Into<String>, doc: PolicyDocument) -> Self {
        self.inline_policies.insert(name.into(), doc);
        self
    }

    /// Attaches a managed policy.
    pub fn attach(mut self, arn: impl Into<Text>) -> Self {
        self.managed_policy_arns.push(arn.into());
        self
    }

    /// Acknowledges an intended security finding.
    pub fn acknowledge(mut self, code: Code, reason: impl Into<String>) -> Self {
        self.acknowledged.push(Acknowledgement {
            code,
            reason: reason.into(),
        });
        self
    }

    /// The role's ARN as a text: `arn:{partition}:iam::{account}:role{path}{name}`.
    pub fn arn(&self) -> Text {
        LateBound::role_arn(&self.key).into()
    }
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, TypedBuilder)]
pub struct ManagedPolicy {
    /// The policy's key in the deployment.
    #[builder(setter(into))]
    pub key: String,
    /// The account key.
    #[builder(default = DEFAULT_ACCOUNT.to_owned(), setter(into))]
    pub account: String,
    /// The policy name.
    #[builder(setter(into))]
    pub name: String,
    /// The path, `/` by default.
    #[builder(default = "/".to_owned(), setter(into))]
    pub path: String,
    /// The description (none when empty; IAM cannot change it after creation).
    #[builder(default, setter(into))]
    pub description: String,
    /// The policy document.
    pub document: PolicyDocument,
    /// Tags.
    #[builder(default)]
    pub tags: BTreeMap<String, String>,
    /// Security findings on the document that are intended.
    #[builder(default)]
    pub acknowledged: Vec<Acknowledgement>,
}

impl ManagedPolicy {
    /// The policy's ARN as a text.
    pub fn arn(&self) -> Text {
        LateBound::policy_arn(&self.key).into()
    }
}

/// An OpenID Connect identity provider.
#[derive(Debug, Clone, PartialEq, Eq, TypedBuilder)]
pub struct OidcProvider {
    /// The provider's key in the deployment.
    #[builder(setter(into))]
    pub key: String,
    /// The account key.
    #[builder(default = DEFAULT_ACCOUNT.to_owned(), setter(into))]
    pub account: String,
    /// The issuer URL, `https://...`.
    #[builder(setter(into))]
    pub url: String,
    /// The audiences (client ids).
    #[builder(default)]
    pub client_ids: Vec<String>,
    /// Server certificate thumbprints (40 hex characters each); may be empty, IAM then
    /// trusts the issuer's CA.
    #[builder(default)]
    pub thumbprints: Vec<String>,
    /// Tags.
    #[builder(default)]
    pub tags: BTreeMap<String, String>,
}

impl OidcProvider {
    /// The URL without its scheme: the host and path IAM uses in the provider ARN and in
    /// condition keys (`token.actions.githubusercontent.com:sub`).
    pub fn host_path(&self) -> &str {
        self.url
            .strip_prefix("https://")
            .unwrap_or(&self.url)
            .trim_end_matches('/')
    }

    /// The provider's ARN as a text.
    pub fn arn(&self) -> Text {
        LateBound::oidc_provider_arn(&self.key).into()
    }
}

/// A value generated once per deployment and then kept.
#[derive(Debug, Clone, PartialEq, Eq, TypedBuilder)]
pub struct GeneratedValue {
    /// The name (`external_id`).
    #[builder(setter(into))]
    pub name: String,
    /// A value the user fixed instead (`custom_external_id`), used as is.
    #[builder(default, setter(strip_option, into))]
    pub fixed: Option<String>,
    /// The input that fixed it (`custom_external_id`), for messages about a contradiction.
    #[builder(default, setter(strip_option, into))]
    pub fixed_by: Option<String>,
}

/// A value a third party gives after a first deployment, such as Confluent's IAM role ARN.
#[derive(Debug, Clone, PartialEq, Eq, TypedBuilder)]
pub struct ExternalValue {
    /// The name (also the Terraform variable name).
    #[builder(setter(into))]
    pub name: String,
    /// What it is.
    #[builder(setter(into))]
    pub description: String,
    /// The value, once known.
    #[builder(default, setter(strip_option, into))]
    pub value: Option<String>,
}

/// The JSON-like type of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputType {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `list(T)`
    List(Box<InputType>),
    /// `map(T)`
    Map(Box<InputType>),
    /// `object({...})`
    Object(Vec<(String, InputType)>),
    /// `any`
    Any,
}

impl InputType {
    /// The Terraform type expression (`list(string)`, `map(any)`, `object({...})`).
    pub fn terraform(&self) -> String {
        match self {
            InputType::String => "string".into(),
            InputType::Number => "number".into(),
            InputType::Bool => "bool".into(),
            InputType::List(t) => format!("list({})", t.terraform()),
            InputType::Map(t) => format!("map({})", t.terraform()),
            InputType::Object(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(k, t)| format!("{k} = {}", t.terraform()))
                    .collect();
                format!("object({{{}}})", inner.join(", "))
            }
            InputType::Any => "any".into(),
        }
    }
}

/// One input of a blueprint, as a Terraform `variable` block shows it.
#[derive(Debug, Clone, PartialEq, TypedBuilder)]
pub struct Variable {
    /// The input name.
    #[builder(setter(into))]
    pub name: String,
    /// What it is for.
    #[builder(default, setter(into))]
    pub description: String,
    /// Its type.
    pub input_type: InputType,
    /// The value this deployment was built with (the variable's default when rendered).
    pub value: OutputValue,
    /// Whether the value is secret.
    #[builder(default)]
    pub sensitive: bool,
}

/// A value given back by a deployment.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputValue {
    /// A string, possibly late-bound.
    Text(Text),
    /// A number, as written.
    Number(String),
    /// A Boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A list.
    List(Vec<OutputValue>),
    /// A map with sorted keys.
    Map(BTreeMap<String, OutputValue>),
}

impl From<Text> for OutputValue {
    fn from(t: Text) -> Self {
        OutputValue::Text(t)
    }
}
impl From<&str> for OutputValue {
    fn from(s: &str) -> Self {
        OutputValue::Text(s.into())
    }
}
impl From<String> for OutputValue {
    fn from(s: String) -> Self {
        OutputValue::Text(s.into())
    }
}
impl From<LateBound> for OutputValue {
    fn from(l: LateBound) -> Self {
        OutputValue::Text(l.into())
    }
}
impl From<bool> for OutputValue {
    fn from(b: bool) -> Self {
        OutputValue::Bool(b)
    }
}

/// A named output.
#[derive(Debug, Clone, PartialEq, TypedBuilder)]
pub struct Output {
    /// The output name.
    #[builder(setter(into))]
    pub name: String,
    /// What it is.
    #[builder(default, setter(into))]
    pub description: String,
    /// Its value.
    #[builder(setter(into))]
    pub value: OutputValue,
    /// Whether the value is secret.
    #[builder(default)]
    pub sensitive: bool,
}

impl Deployment {
    /// The account with `key`.
    pub fn account(&self, key: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.key == key)
    }

    /// The role with `key`.
    pub fn role(&self, key: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.key == key)
    }

    /// The role with `key`, to customize it.
    pub fn role_mut(&mut self, key: &str) -> Option<&mut Role> {
        self.roles.iter_mut().find(|r| r.key == key)
    }

    /// The managed policy with `key`.
    pub fn policy(&self, key: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.key == key)
    }

    /// The OIDC provider with `key`.
    pub fn oidc_provider(&self, key: &str) -> Option<&OidcProvider> {
        self.oidc_providers.iter().find(|p| p.key == key)
    }

    /// The account that owns what belongs to no object (outputs) and whose Terraform provider
    /// is the unaliased one: the account keyed [`DEFAULT_ACCOUNT`] when declared, else the
    /// first declared account.
    pub fn primary_account(&self) -> Option<&Account> {
        self.account(DEFAULT_ACCOUNT)
            .or_else(|| self.accounts.first())
    }

    /// The ownership tags every object of this deployment carries: [`TAG_BLUEPRINT`] and
    /// [`TAG_INSTANCE`].
    pub fn ownership_tags(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            (TAG_BLUEPRINT.to_owned(), self.blueprint.clone()),
            (TAG_INSTANCE.to_owned(), self.instance.clone()),
        ])
    }

    /// Every finding about the deployment, with the object each is about.
    pub fn validate(&self, options: &DeploymentOptions) -> Vec<DeploymentFinding> {
        check::validate_deployment(self, options)
    }

    /// The account key an object's `LateBound::AccountId(None)` refers to is its own; this
    /// rewrites a text so that it names `account` explicitly.
    pub fn pin_account(text: &Text, account: &str) -> Text {
        text.map_late(|l| match l {
            LateBound::AccountId(None) => LateBound::account(account).into(),
            other => other.clone().into(),
        })
    }
}

/// A finding that is not about one policy document: names, quotas, references.
pub(crate) fn object_finding(code: Code, message: String, help: &str) -> Finding {
    Finding::new(code, crate::json::JsonPath::root(), message).with_help(help)
}
