//! Terraform JSON (`*.tf.json`): one file per concern, deterministic, readable.
//!
//! | file | holds |
//! | --- | --- |
//! | `terraform.tf.json` | `terraform.required_version` and `required_providers`, alone (checkov's JSON parser drops the whole file that holds `required_version`) |
//! | `providers.tf.json` | one `aws` provider per account: the primary account's unaliased, the others aliased by account key, with `assume_role` and `allowed_account_ids` where the deployment knows them |
//! | `data.tf.json` | `aws_caller_identity`, `aws_region`, `aws_partition` per account, named by account key, only those the deployment uses |
//! | `variables.tf.json` | the blueprint's inputs (default = the value this deployment was built with) and one variable per external value |
//! | `roles.tf.json` | `aws_iam_role`, `aws_iam_role_policy`, `aws_iam_role_policy_attachment` |
//! | `policies.tf.json` | `aws_iam_policy` |
//! | `oidc.tf.json` | `aws_iam_openid_connect_provider` |
//! | `random.tf.json` | `random_uuid` per generated value without a fixed value |
//! | `outputs.tf.json` | `output` blocks |
//!
//! Files with nothing in them are not written. Objects refer to one another through Terraform
//! references (`${aws_iam_role.runtime.arn}`), so Terraform orders the work.
//!
//! **Escaping.** Every string Terraform reads as a template has its literal text escaped:
//! `${` becomes `$${` and `%{` becomes `%%{`, so IAM policy variables such as `${aws:username}`
//! reach IAM unchanged. A run of `$` right before an interpolation is written as
//! `${"$"}` (otherwise `$` + `${x}` would read as the escape `$${`). Literal-only contexts
//! (variable `default` and `description`, output `description`, the `terraform` block,
//! provider `alias`, the `provider` meta-argument) are written as they are.
//!
//! Interpolated values (account ids, ARNs, generated UUIDs, external values) are inserted into
//! policy JSON unquoted; they never contain `"` except an external value a user supplies, which
//! must be a plain string such as an ARN or an external id.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::deployment::resolve::{role_arn, Index, Referent};
use crate::deployment::{Deployment, InputType, ObjectId, OutputValue, Role};
use crate::policy::PolicyDocument;
use crate::render::{
    check_ownership_tags, is_terraform_name, object_tags, NameTable, RenderError, RenderedFile,
};
use crate::text::{LateBound, ObjectKind, Segment, Text, UnresolvedError};
use crate::write::{JsonStyle, TextWriter};

/// `terraform.tf.json`: the `terraform` block.
pub const TERRAFORM_FILE: &str = "terraform.tf.json";
/// `providers.tf.json`: the `aws` providers.
pub const PROVIDERS_FILE: &str = "providers.tf.json";
/// `data.tf.json`: account, region and partition data sources.
pub const DATA_FILE: &str = "data.tf.json";
/// `variables.tf.json`: inputs and external values.
pub const VARIABLES_FILE: &str = "variables.tf.json";
/// `roles.tf.json`: roles, their inline policies and attachments.
pub const ROLES_FILE: &str = "roles.tf.json";
/// `policies.tf.json`: customer managed policies.
pub const POLICIES_FILE: &str = "policies.tf.json";
/// `oidc.tf.json`: OpenID Connect providers.
pub const OIDC_FILE: &str = "oidc.tf.json";
/// `random.tf.json`: generated values.
pub const RANDOM_FILE: &str = "random.tf.json";
/// `outputs.tf.json`: outputs.
pub const OUTPUTS_FILE: &str = "outputs.tf.json";

/// Every file name the renderer may write, in the order it returns them. A tool that writes
/// the files into a folder owns exactly these names there (and removes the ones a new render
/// no longer produces).
pub const FILE_NAMES: [&str; 9] = [
    TERRAFORM_FILE,
    PROVIDERS_FILE,
    DATA_FILE,
    VARIABLES_FILE,
    ROLES_FILE,
    POLICIES_FILE,
    OIDC_FILE,
    RANDOM_FILE,
    OUTPUTS_FILE,
];

/// How to render for Terraform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformOptions {
    /// The region every `aws` provider is configured for; `None` leaves it to the environment
    /// (`AWS_REGION`, the profile).
    pub region: Option<String>,
    /// `terraform.required_version`.
    pub required_version: String,
    /// The `hashicorp/aws` version constraint.
    pub aws_version: String,
    /// The `hashicorp/random` version constraint (only written when a value is generated).
    pub random_version: String,
}

impl Default for TerraformOptions {
    fn default() -> Self {
        TerraformOptions {
            region: None,
            required_version: ">= 1.5".to_owned(),
            aws_version: ">= 5.0".to_owned(),
            random_version: ">= 3.0".to_owned(),
        }
    }
}

impl TerraformOptions {
    /// The default options with `region`.
    pub fn with_region(region: impl Into<String>) -> Self {
        TerraformOptions {
            region: Some(region.into()),
            ..TerraformOptions::default()
        }
    }
}

/// Renders `d` as Terraform JSON files.
pub fn render(
    d: &Deployment,
    options: &TerraformOptions,
) -> Result<Vec<RenderedFile>, RenderError> {
    check_ownership_tags(d)?;
    let cx = Context::new(d)?;
    // Resources first: they record which data sources are used.
    let roles = cx.roles_file()?;
    let policies = cx.policies_file()?;
    let oidc = cx.oidc_file()?;
    let random = cx.random_file();
    let outputs = cx.outputs_file()?;
    let variables = cx.variables_file()?;
    let providers = cx.providers_file(options);
    let data = cx.data_file();
    let terraform = cx.terraform_file(options, random.is_some());

    let mut files = Vec::new();
    for (name, body) in [
        (TERRAFORM_FILE, Some(terraform)),
        (PROVIDERS_FILE, Some(providers)),
        (DATA_FILE, data),
        (VARIABLES_FILE, variables),
        (ROLES_FILE, roles),
        (POLICIES_FILE, policies),
        (OIDC_FILE, oidc),
        (RANDOM_FILE, random),
        (OUTPUTS_FILE, outputs),
    ] {
        if let Some(body) = body {
            files.push(RenderedFile {
                name: name.to_owned(),
                contents: cx.file(body),
            });
        }
    }
    Ok(files)
}

/// Escapes literal text for a Terraform template: `${` → `$${`, `%{` → `%%{`. Everything else,
/// a lone `$` or `%` included, is literal in a template already.
///
/// ```
/// let mut out = String::new();
/// iam_model::render::terraform::escape_template("home/${aws:username}/%{x}", &mut out);
/// assert_eq!(out, "home/$${aws:username}/%%{x}");
/// ```
pub fn escape_template(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        if (c == '$' || c == '%') && bytes.get(i + 1) == Some(&b'{') {
            out.push(c);
        }
        out.push(c);
    }
}

/// Escapes literal text that an interpolation may follow: like [`escape_template`], and a
/// trailing run of `$` becomes `${"$…"}`, since `$` followed by `${` would read as the escape
/// `$${`.
fn escape_before_interpolation(s: &str, out: &mut String) {
    let head = s.trim_end_matches('$');
    escape_template(head, out);
    let run = &s[head.len()..];
    if !run.is_empty() {
        out.push_str("${\"");
        out.push_str(run);
        out.push_str("\"}");
    }
}

/// The data sources a deployment may use, per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DataSource {
    CallerIdentity,
    Partition,
    Region,
}

impl DataSource {
    fn resource_type(self) -> &'static str {
        match self {
            DataSource::CallerIdentity => "aws_caller_identity",
            DataSource::Partition => "aws_partition",
            DataSource::Region => "aws_region",
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            DataSource::CallerIdentity => "account_id",
            DataSource::Partition => "partition",
            // `name` works with every hashicorp/aws >= 5.0 (6.x adds `region`).
            DataSource::Region => "name",
        }
    }
}

/// How a late-bound value is written: an interpolation, or literal text (a fixed value).
enum Piece {
    Interpolation(String),
    Literal(String),
}

struct AccountNames {
    /// Index in the deployment's account list (orders providers and data sources).
    index: usize,
    /// The sanitized account key: data source names and the provider alias.
    name: String,
    /// `aws.<alias>`, or `None` for the primary account.
    provider: Option<String>,
}

enum Generated<'d> {
    Fixed(&'d str),
    Random(String),
}

struct Context<'d> {
    d: &'d Deployment,
    primary: &'d str,
    accounts: HashMap<&'d str, AccountNames>,
    roles: NameTable,
    policies: NameTable,
    oidc: NameTable,
    generated: HashMap<&'d str, Generated<'d>>,
    /// The one resolver's lookups by key.
    index: Index<'d>,
    /// Data sources used so far: (account index, source).
    used: RefCell<BTreeSet<(usize, DataSource)>>,
}

impl<'d> Context<'d> {
    fn new(d: &'d Deployment) -> Result<Self, RenderError> {
        let primary = d
            .primary_account()
            .ok_or_else(|| RenderError::NoAccount {
                blueprint: d.blueprint.clone(),
            })?
            .key
            .as_str();
        let mut account_names = NameTable::new("provider alias", "account");
        let mut accounts = HashMap::new();
        for (index, a) in d.accounts.iter().enumerate() {
            account_names.insert(&a.key)?;
            let name = account_names.get(&a.key).unwrap_or_default().to_owned();
            let provider = (a.key != primary).then(|| format!("aws.{name}"));
            accounts.insert(
                a.key.as_str(),
                AccountNames {
                    index,
                    name,
                    provider,
                },
            );
        }
        let mut roles = NameTable::new("aws_iam_role", "role");
        for r in &d.roles {
            roles.insert(&r.key)?;
        }
        let mut policies = NameTable::new("aws_iam_policy", "policy");
        for p in &d.policies {
            policies.insert(&p.key)?;
        }
        let mut oidc = NameTable::new("aws_iam_openid_connect_provider", "OIDC provider");
        for o in &d.oidc_providers {
            oidc.insert(&o.key)?;
        }
        let mut random = NameTable::new("random_uuid", "generated value");
        let mut generated = HashMap::new();
        for g in &d.generated {
            let value = match &g.fixed {
                Some(v) => {
                    check_fixed_value(&g.name, v)?;
                    // Still reserve the name, so that duplicates are caught either way.
                    random.insert(&g.name)?;
                    Generated::Fixed(v.as_str())
                }
                None => {
                    random.insert(&g.name)?;
                    Generated::Random(random.get(&g.name).unwrap_or_default().to_owned())
                }
            };
            generated.insert(g.name.as_str(), value);
        }
        let mut externals = HashSet::new();
        for e in &d.externals {
            if !is_variable_name(&e.name) {
                return Err(RenderError::InvalidName {
                    what: "external value".to_owned(),
                    name: e.name.clone(),
                });
            }
            if !externals.insert(e.name.as_str()) {
                return Err(RenderError::DuplicateKey {
                    kind: "external value".to_owned(),
                    key: e.name.clone(),
                });
            }
        }
        Ok(Context {
            d,
            primary,
            accounts,
            roles,
            policies,
            oidc,
            generated,
            index: Index::new(d),
            used: RefCell::new(BTreeSet::new()),
        })
    }

    fn account(
        &self,
        key: &str,
        what: &dyn std::fmt::Display,
    ) -> Result<&AccountNames, RenderError> {
        self.accounts
            .get(key)
            .ok_or_else(|| RenderError::UnknownReference {
                what: what.to_string(),
                value: format!("account `{key}`"),
            })
    }

    /// The `provider` meta-argument for an object in `account`, if not the primary one.
    fn provider(
        &self,
        account: &str,
        what: &dyn std::fmt::Display,
    ) -> Result<Option<&str>, RenderError> {
        Ok(self.account(account, what)?.provider.as_deref())
    }

    fn data(
        &self,
        account: &str,
        source: DataSource,
        what: &dyn std::fmt::Display,
    ) -> Result<String, RenderError> {
        let a = self.account(account, what)?;
        self.used.borrow_mut().insert((a.index, source));
        Ok(format!(
            "${{data.{}.{}.{}}}",
            source.resource_type(),
            a.name,
            source.attribute()
        ))
    }

    /// How `late`, inside an object deployed to `account`, is written.
    fn piece(
        &self,
        late: &LateBound,
        account: &str,
        what: &dyn std::fmt::Display,
    ) -> Result<Piece, RenderError> {
        let referent = self
            .index
            .lookup(late, account)
            .map_err(|e| RenderError::reference(what, &e))?;
        self.referent_piece(referent, what)
    }

    /// How what `referent` names is written: a data source, a resource attribute, a random
    /// value, a variable, or a fixed value as literal text.
    fn referent_piece(
        &self,
        referent: Referent<'_>,
        what: &dyn std::fmt::Display,
    ) -> Result<Piece, RenderError> {
        let resource = |resource_type: &str, names: &NameTable, key: &str, attribute: &str| {
            names
                .get(key)
                .map(|name| format!("${{{resource_type}.{name}.{attribute}}}"))
                .ok_or_else(|| RenderError::UnknownReference {
                    what: what.to_string(),
                    value: key.to_owned(),
                })
        };
        let s = match referent {
            Referent::AccountId(a) => self.data(&a.key, DataSource::CallerIdentity, what)?,
            Referent::Region(a) => self.data(&a.key, DataSource::Region, what)?,
            Referent::Partition(a) => self.data(&a.key, DataSource::Partition, what)?,
            Referent::RoleArn(r) => resource("aws_iam_role", &self.roles, &r.key, "arn")?,
            Referent::RoleName(r) => resource("aws_iam_role", &self.roles, &r.key, "name")?,
            Referent::RoleUniqueId(r) => {
                resource("aws_iam_role", &self.roles, &r.key, "unique_id")?
            }
            Referent::PolicyArn(p) => resource("aws_iam_policy", &self.policies, &p.key, "arn")?,
            Referent::PolicyName(p) => resource("aws_iam_policy", &self.policies, &p.key, "name")?,
            Referent::OidcProviderArn(o) => {
                resource("aws_iam_openid_connect_provider", &self.oidc, &o.key, "arn")?
            }
            Referent::Generated(g) => match self.generated.get(g.name.as_str()) {
                Some(Generated::Fixed(v)) => return Ok(Piece::Literal((*v).to_owned())),
                Some(Generated::Random(name)) => format!("${{random_uuid.{name}.result}}"),
                None => {
                    return Err(RenderError::UnknownReference {
                        what: what.to_string(),
                        value: g.name.clone(),
                    })
                }
            },
            Referent::External(e) => format!("${{var.{}}}", e.name),
        };
        Ok(Piece::Interpolation(s))
    }

    /// A text as a Terraform template string, for an object in `account`.
    fn template(
        &self,
        t: &Text,
        account: &str,
        what: &dyn std::fmt::Display,
    ) -> Result<String, RenderError> {
        if let Some(lit) = t.as_literal() {
            let mut out = String::with_capacity(lit.len());
            escape_template(&lit, &mut out);
            return Ok(out);
        }
        // Resolve first and merge literal runs, so that escaping sees `${` even where it spans a
        // literal and a fixed value.
        let mut pieces: Vec<Piece> = Vec::new();
        for seg in t.segments() {
            let piece = match seg {
                Segment::Literal(s) => Piece::Literal(s.clone()),
                Segment::Late(l) => self.piece(l, account, what)?,
            };
            match (pieces.last_mut(), piece) {
                (Some(Piece::Literal(prev)), Piece::Literal(next)) => prev.push_str(&next),
                (_, piece) => pieces.push(piece),
            }
        }
        let mut out = String::new();
        for (i, p) in pieces.iter().enumerate() {
            match p {
                Piece::Interpolation(s) => out.push_str(s),
                Piece::Literal(s) if matches!(pieces.get(i + 1), Some(Piece::Interpolation(_))) => {
                    escape_before_interpolation(s, &mut out)
                }
                Piece::Literal(s) => escape_template(s, &mut out),
            }
        }
        Ok(out)
    }

    fn literal_template(s: &str) -> Value {
        let mut out = String::with_capacity(s.len());
        escape_template(s, &mut out);
        Value::String(out)
    }

    /// A policy document as a compact JSON string template. `own_role` is the role whose trust
    /// policy this is: references to its own ARN or name are written out, since Terraform
    /// cannot refer to a resource from inside itself.
    fn policy(
        &self,
        doc: &PolicyDocument,
        account: &str,
        what: &ObjectId,
        own_role: Option<&Role>,
    ) -> Result<Value, RenderError> {
        let writer = PolicyWriter {
            cx: self,
            account,
            what,
            own_role,
            error: RefCell::new(None),
        };
        match doc.render(&writer, JsonStyle::Compact) {
            Ok(s) => Ok(Value::String(s)),
            Err(e) => {
                Err(writer
                    .error
                    .into_inner()
                    .unwrap_or_else(|| RenderError::UnknownReference {
                        what: what.to_string(),
                        value: e.value().to_string(),
                    }))
            }
        }
    }

    fn tags(&self, own: &BTreeMap<String, String>, what: &ObjectId) -> Result<Value, RenderError> {
        let tags = object_tags(self.d, what, own)?;
        let mut m = Map::new();
        for (k, v) in tags {
            let mut key = String::with_capacity(k.len());
            escape_template(&k, &mut key);
            m.insert(key, Context::literal_template(&v));
        }
        Ok(Value::Object(m))
    }

    fn file(&self, body: Map<String, Value>) -> String {
        let mut root = Map::new();
        root.insert(
            "//".to_owned(),
            Value::String(format!(
                "Rendered by rolewright from blueprint `{}`, instance `{}`. Do not edit: change the blueprint or its config and render again.",
                self.d.blueprint, self.d.instance
            )),
        );
        root.extend(body);
        // Serializing a `Value` cannot fail: every key is a string.
        let mut s = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
        s.push('\n');
        s
    }

    fn terraform_file(&self, options: &TerraformOptions, random: bool) -> Map<String, Value> {
        let mut providers = Map::new();
        providers.insert(
            "aws".to_owned(),
            serde_json::json!({"source": "hashicorp/aws", "version": options.aws_version}),
        );
        if random {
            providers.insert(
                "random".to_owned(),
                serde_json::json!({"source": "hashicorp/random", "version": options.random_version}),
            );
        }
        let mut tf = Map::new();
        tf.insert(
            "required_version".to_owned(),
            Value::String(options.required_version.clone()),
        );
        tf.insert("required_providers".to_owned(), Value::Object(providers));
        Map::from_iter([("terraform".to_owned(), Value::Object(tf))])
    }

    fn providers_file(&self, options: &TerraformOptions) -> Map<String, Value> {
        let mut bodies = Vec::new();
        for a in &self.d.accounts {
            let mut body = Map::new();
            if let Some(names) = self.accounts.get(a.key.as_str()) {
                if names.provider.is_some() {
                    // `alias` is literal-only.
                    body.insert("alias".to_owned(), Value::String(names.name.clone()));
                }
            }
            let mut comment = format!("account `{}`", a.key);
            if !a.description.is_empty() {
                comment.push_str(": ");
                comment.push_str(&a.description);
            }
            body.insert("//".to_owned(), Value::String(comment));
            if let Some(region) = &options.region {
                body.insert("region".to_owned(), Context::literal_template(region));
            }
            if let Some(id) = &a.id {
                // Refuses to run with credentials for any other account.
                body.insert(
                    "allowed_account_ids".to_owned(),
                    Value::Array(vec![Context::literal_template(id)]),
                );
            }
            if let Some(role) = &a.assume_role_arn {
                let mut assume = Map::new();
                assume.insert("role_arn".to_owned(), Context::literal_template(role));
                body.insert("assume_role".to_owned(), Value::Object(assume));
            }
            bodies.push(Value::Object(body));
        }
        let aws = if bodies.len() == 1 {
            bodies.remove(0)
        } else {
            Value::Array(bodies)
        };
        Map::from_iter([(
            "provider".to_owned(),
            Value::Object(Map::from_iter([("aws".to_owned(), aws)])),
        )])
    }

    fn data_file(&self) -> Option<Map<String, Value>> {
        let used = self.used.borrow();
        if used.is_empty() {
            return None;
        }
        let mut by_type: BTreeMap<DataSource, Vec<usize>> = BTreeMap::new();
        for (index, source) in used.iter() {
            by_type.entry(*source).or_default().push(*index);
        }
        let mut data = Map::new();
        for (source, indexes) in by_type {
            let mut of_type = Map::new();
            for index in indexes {
                let Some(account) = self.d.accounts.get(index) else {
                    continue;
                };
                let Some(names) = self.accounts.get(account.key.as_str()) else {
                    continue;
                };
                let mut body = Map::new();
                if let Some(p) = &names.provider {
                    body.insert("provider".to_owned(), Value::String(p.clone()));
                }
                of_type.insert(names.name.clone(), Value::Object(body));
            }
            data.insert(source.resource_type().to_owned(), Value::Object(of_type));
        }
        Some(Map::from_iter([("data".to_owned(), Value::Object(data))]))
    }

    fn variables_file(&self) -> Result<Option<Map<String, Value>>, RenderError> {
        let mut vars = Map::new();
        let mut declared: HashMap<&str, &str> = HashMap::new();
        for v in &self.d.variables {
            let what = format!("variable `{}`", v.name);
            if !is_variable_name(&v.name) {
                return Err(RenderError::InvalidName {
                    what: "variable".to_owned(),
                    name: v.name.clone(),
                });
            }
            if let Some(first) = declared.insert(&v.name, "an input") {
                return Err(RenderError::DuplicateVariable {
                    name: v.name.clone(),
                    first: first.to_owned(),
                    second: "an input".to_owned(),
                });
            }
            let mut body = Map::new();
            if fits(&v.value, &v.input_type) {
                body.insert("type".to_owned(), Value::String(v.input_type.terraform()));
            } else {
                // Terraform would reject the default ("cannot find a common base type"); the
                // blueprint accepts what the original module's type could not hold.
                body.insert(
                    "//".to_owned(),
                    Value::String(format!(
                        "the input's type is {}, which cannot hold this value in Terraform; written as any",
                        v.input_type.terraform()
                    )),
                );
                body.insert("type".to_owned(), Value::String("any".to_owned()));
            }
            if !v.description.is_empty() {
                body.insert(
                    "description".to_owned(),
                    Value::String(v.description.clone()),
                );
            }
            // `default` is literal-only: written as it is, never escaped.
            body.insert("default".to_owned(), literal_value(&v.value, &what)?);
            if v.sensitive {
                body.insert("sensitive".to_owned(), Value::Bool(true));
            }
            vars.insert(v.name.clone(), Value::Object(body));
        }
        for e in &self.d.externals {
            if let Some(first) = declared.insert(&e.name, "an external value") {
                return Err(RenderError::DuplicateVariable {
                    name: e.name.clone(),
                    first: first.to_owned(),
                    second: "an external value".to_owned(),
                });
            }
            let mut body = Map::new();
            body.insert("type".to_owned(), Value::String("string".to_owned()));
            body.insert(
                "description".to_owned(),
                Value::String(e.description.clone()),
            );
            // Without a value the variable is required: a null default would only fail later,
            // inside a policy template, with a less helpful message.
            if let Some(v) = &e.value {
                body.insert("default".to_owned(), Value::String(v.clone()));
            }
            vars.insert(e.name.clone(), Value::Object(body));
        }
        if vars.is_empty() {
            return Ok(None);
        }
        Ok(Some(Map::from_iter([(
            "variable".to_owned(),
            Value::Object(vars),
        )])))
    }

    fn roles_file(&self) -> Result<Option<Map<String, Value>>, RenderError> {
        if self.d.roles.is_empty() {
            return Ok(None);
        }
        let mut roles = Map::new();
        let mut inline = Map::new();
        let mut attachments = Map::new();
        let mut inline_names = NameTable::new("aws_iam_role_policy", "inline policy");
        let mut attachment_names = NameTable::new("aws_iam_role_policy_attachment", "attachment");
        for role in &self.d.roles {
            let id = ObjectId::Role(role.key.clone());
            let name = self.roles.get(&role.key).unwrap_or_default();
            let provider = self.provider(&role.account, &id)?;
            roles.insert(
                name.to_owned(),
                Value::Object(self.role_body(role, provider, &id)?),
            );
            let role_name_ref = Value::String(format!("${{aws_iam_role.{name}.name}}"));
            for (policy_name, doc) in &role.inline_policies {
                let pid = ObjectId::Inline(role.key.clone(), policy_name.clone());
                let key = format!("{}__{}", role.key, policy_name);
                let tf = format!(
                    "{name}__{}",
                    crate::render::terraform_name(policy_name).trim_start_matches('_')
                );
                inline_names.insert_as(&key, tf.clone())?;
                let mut body = Map::new();
                if let Some(p) = provider {
                    body.insert("provider".to_owned(), Value::String(p.to_owned()));
                }
                body.insert("name".to_owned(), Context::literal_template(policy_name));
                body.insert("role".to_owned(), role_name_ref.clone());
                body.insert(
                    "policy".to_owned(),
                    self.policy(doc, &role.account, &pid, None)?,
                );
                inline.insert(tf, Value::Object(body));
            }
            for (suffix, arn) in attachment_suffixes(role) {
                let tf = format!("{name}__{suffix}");
                attachment_names.insert_as(&format!("{}__{suffix}", role.key), tf.clone())?;
                let mut body = Map::new();
                if let Some(p) = provider {
                    body.insert("provider".to_owned(), Value::String(p.to_owned()));
                }
                body.insert("role".to_owned(), role_name_ref.clone());
                body.insert(
                    "policy_arn".to_owned(),
                    Value::String(self.template(arn, &role.account, &id)?),
                );
                attachments.insert(tf, Value::Object(body));
            }
        }
        let mut resources = Map::new();
        resources.insert("aws_iam_role".to_owned(), Value::Object(roles));
        if !inline.is_empty() {
            resources.insert("aws_iam_role_policy".to_owned(), Value::Object(inline));
        }
        if !attachments.is_empty() {
            resources.insert(
                "aws_iam_role_policy_attachment".to_owned(),
                Value::Object(attachments),
            );
        }
        Ok(Some(Map::from_iter([(
            "resource".to_owned(),
            Value::Object(resources),
        )])))
    }

    fn role_body(
        &self,
        role: &Role,
        provider: Option<&str>,
        id: &ObjectId,
    ) -> Result<Map<String, Value>, RenderError> {
        let mut body = Map::new();
        if let Some(p) = provider {
            body.insert("provider".to_owned(), Value::String(p.to_owned()));
        }
        body.insert("name".to_owned(), Context::literal_template(&role.name));
        body.insert("path".to_owned(), Context::literal_template(&role.path));
        if !role.description.is_empty() {
            body.insert(
                "description".to_owned(),
                Context::literal_template(&role.description),
            );
        }
        body.insert(
            "max_session_duration".to_owned(),
            Value::from(role.max_session_duration),
        );
        if let Some(b) = &role.permissions_boundary {
            body.insert(
                "permissions_boundary".to_owned(),
                Value::String(self.template(b, &role.account, id)?),
            );
        }
        body.insert(
            "assume_role_policy".to_owned(),
            self.policy(
                &role.trust,
                &role.account,
                &ObjectId::Trust(role.key.clone()),
                Some(role),
            )?,
        );
        body.insert("tags".to_owned(), self.tags(&role.tags, id)?);
        Ok(body)
    }

    fn policies_file(&self) -> Result<Option<Map<String, Value>>, RenderError> {
        if self.d.policies.is_empty() {
            return Ok(None);
        }
        let mut policies = Map::new();
        for p in &self.d.policies {
            let id = ObjectId::Policy(p.key.clone());
            let mut body = Map::new();
            if let Some(provider) = self.provider(&p.account, &id)? {
                body.insert("provider".to_owned(), Value::String(provider.to_owned()));
            }
            body.insert("name".to_owned(), Context::literal_template(&p.name));
            body.insert("path".to_owned(), Context::literal_template(&p.path));
            if !p.description.is_empty() {
                body.insert(
                    "description".to_owned(),
                    Context::literal_template(&p.description),
                );
            }
            body.insert(
                "policy".to_owned(),
                self.policy(&p.document, &p.account, &id, None)?,
            );
            body.insert("tags".to_owned(), self.tags(&p.tags, &id)?);
            let name = self.policies.get(&p.key).unwrap_or_default().to_owned();
            policies.insert(name, Value::Object(body));
        }
        Ok(Some(resource_file("aws_iam_policy", policies)))
    }

    fn oidc_file(&self) -> Result<Option<Map<String, Value>>, RenderError> {
        if self.d.oidc_providers.is_empty() {
            return Ok(None);
        }
        let mut providers = Map::new();
        for o in &self.d.oidc_providers {
            let id = ObjectId::OidcProvider(o.key.clone());
            let mut body = Map::new();
            if let Some(provider) = self.provider(&o.account, &id)? {
                body.insert("provider".to_owned(), Value::String(provider.to_owned()));
            }
            body.insert("url".to_owned(), Context::literal_template(&o.url));
            body.insert(
                "client_id_list".to_owned(),
                Value::Array(
                    o.client_ids
                        .iter()
                        .map(|c| Context::literal_template(c))
                        .collect(),
                ),
            );
            // Written even when empty: hashicorp/aws before 5.81 requires the argument.
            body.insert(
                "thumbprint_list".to_owned(),
                Value::Array(
                    o.thumbprints
                        .iter()
                        .map(|c| Context::literal_template(c))
                        .collect(),
                ),
            );
            body.insert("tags".to_owned(), self.tags(&o.tags, &id)?);
            let name = self.oidc.get(&o.key).unwrap_or_default().to_owned();
            providers.insert(name, Value::Object(body));
        }
        Ok(Some(resource_file(
            "aws_iam_openid_connect_provider",
            providers,
        )))
    }

    fn random_file(&self) -> Option<Map<String, Value>> {
        let mut uuids = Map::new();
        for g in &self.d.generated {
            if let Some(Generated::Random(name)) = self.generated.get(g.name.as_str()) {
                uuids.insert(name.clone(), Value::Object(Map::new()));
            }
        }
        (!uuids.is_empty()).then(|| resource_file("random_uuid", uuids))
    }

    fn outputs_file(&self) -> Result<Option<Map<String, Value>>, RenderError> {
        if self.d.outputs.is_empty() {
            return Ok(None);
        }
        let mut outputs = Map::new();
        for o in &self.d.outputs {
            if !is_terraform_name(&o.name) {
                return Err(RenderError::InvalidName {
                    what: "output".to_owned(),
                    name: o.name.clone(),
                });
            }
            if outputs.contains_key(&o.name) {
                return Err(RenderError::DuplicateKey {
                    kind: "output".to_owned(),
                    key: o.name.clone(),
                });
            }
            let id = ObjectId::Output(o.name.clone());
            let mut body = Map::new();
            if !o.description.is_empty() {
                // Literal-only: not a template.
                body.insert(
                    "description".to_owned(),
                    Value::String(o.description.clone()),
                );
            }
            body.insert("value".to_owned(), self.output_value(&o.value, &id)?);
            if o.sensitive {
                body.insert("sensitive".to_owned(), Value::Bool(true));
            }
            outputs.insert(o.name.clone(), Value::Object(body));
        }
        Ok(Some(Map::from_iter([(
            "output".to_owned(),
            Value::Object(outputs),
        )])))
    }

    /// An output value as a Terraform expression; late-bound values without an account are the
    /// primary account's.
    fn output_value(&self, v: &OutputValue, id: &ObjectId) -> Result<Value, RenderError> {
        Ok(match v {
            OutputValue::Text(t) => Value::String(self.template(t, self.primary, id)?),
            OutputValue::Number(n) => Value::Number(json_number(n, id)?),
            OutputValue::Bool(b) => Value::Bool(*b),
            OutputValue::Null => Value::Null,
            OutputValue::List(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.output_value(i, id))
                    .collect::<Result<_, _>>()?,
            ),
            OutputValue::Map(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    // Object keys in a JSON expression are templates too.
                    let mut key = String::with_capacity(k.len());
                    escape_template(k, &mut key);
                    out.insert(key, self.output_value(v, id)?);
                }
                Value::Object(out)
            }
        })
    }
}

/// The policy writer for Terraform: literals escaped, late-bound values as interpolations.
struct PolicyWriter<'c, 'd> {
    cx: &'c Context<'d>,
    account: &'c str,
    what: &'c ObjectId,
    own_role: Option<&'c Role>,
    /// The detailed error behind the last `UnresolvedError` returned.
    error: RefCell<Option<RenderError>>,
}

impl PolicyWriter<'_, '_> {
    /// The role's own ARN or name, written out (Terraform cannot refer to a resource from
    /// inside itself); `None` for what is not the role's own ARN or name.
    fn own_role_attribute(&self, role: &Role, referent: Referent<'_>) -> Option<String> {
        let escaped = |s: &str| {
            let mut out = String::with_capacity(s.len());
            escape_template(s, &mut out);
            out
        };
        match referent {
            Referent::RoleArn(r) if r.key == role.key => {
                let partition = self
                    .cx
                    .data(&role.account, DataSource::Partition, self.what)
                    .ok()?;
                let account = self
                    .cx
                    .data(&role.account, DataSource::CallerIdentity, self.what)
                    .ok()?;
                Some(role_arn(
                    &partition,
                    &account,
                    &escaped(&role.path),
                    &escaped(&role.name),
                ))
            }
            Referent::RoleName(r) if r.key == role.key => Some(escaped(&role.name)),
            _ => None,
        }
    }
}

impl TextWriter for PolicyWriter<'_, '_> {
    fn literal(&self, json_escaped: &str, out: &mut String) {
        // The writer gives literals one at a time and cannot say what follows, so a trailing `$`
        // is always guarded; `${"$"}` evaluates to `$` either way.
        escape_before_interpolation(json_escaped, out);
    }

    fn late(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        let referent = match self.cx.index.lookup(late, self.account) {
            Ok(referent) => referent,
            Err(e) => {
                *self.error.borrow_mut() = Some(RenderError::reference(self.what, &e));
                return Err(UnresolvedError::new(late.clone()));
            }
        };
        if let Some(role) = self.own_role {
            if let Some(s) = self.own_role_attribute(role, referent) {
                return Ok(Cow::Owned(s));
            }
        }
        match self.cx.referent_piece(referent, self.what) {
            Ok(Piece::Interpolation(s)) => Ok(Cow::Owned(s)),
            Ok(Piece::Literal(s)) => {
                let mut out = String::with_capacity(s.len());
                escape_template(&s, &mut out);
                Ok(Cow::Owned(out))
            }
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                Err(UnresolvedError::new(late.clone()))
            }
        }
    }
}

/// The attachments of a role with the suffix of their Terraform names: the policy key for a
/// reference, the policy name (last path segment) for an ARN, the position otherwise; suffixes
/// repeated within the role get their position appended.
fn attachment_suffixes(role: &Role) -> Vec<(String, &Text)> {
    let base: Vec<String> = role
        .managed_policy_arns
        .iter()
        .enumerate()
        .map(|(i, arn)| {
            let raw = match arn.segments() {
                [Segment::Late(LateBound::Ref(r))] if r.kind == ObjectKind::Policy => r.key.clone(),
                segs => match segs.last() {
                    Some(Segment::Literal(s)) if !s.ends_with('/') => {
                        s.rsplit('/').next().unwrap_or_default().to_owned()
                    }
                    _ => i.to_string(),
                },
            };
            crate::render::terraform_name(&raw)
                .trim_start_matches('_')
                .to_owned()
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for b in &base {
        *counts.entry(b.as_str()).or_default() += 1;
    }
    base.iter()
        .zip(&role.managed_policy_arns)
        .enumerate()
        .map(|(i, (b, arn))| {
            let suffix = if b.is_empty() {
                i.to_string()
            } else if counts.get(b.as_str()).copied().unwrap_or(0) > 1 {
                format!("{b}_{i}")
            } else {
                b.clone()
            };
            (suffix, arn)
        })
        .collect()
}

fn resource_file(resource_type: &str, resources: Map<String, Value>) -> Map<String, Value> {
    let mut of_type = Map::new();
    of_type.insert(resource_type.to_owned(), Value::Object(resources));
    Map::from_iter([("resource".to_owned(), Value::Object(of_type))])
}

/// Terraform variable names: identifiers, minus the names Terraform reserves for variables.
fn is_variable_name(name: &str) -> bool {
    is_terraform_name(name)
        && !matches!(
            name,
            "source"
                | "version"
                | "providers"
                | "count"
                | "for_each"
                | "lifecycle"
                | "depends_on"
                | "locals"
        )
}

/// A fixed generated value goes into templates as literal text; refuse the characters that
/// could combine with what surrounds it into template syntax or break the policy JSON.
fn check_fixed_value(name: &str, value: &str) -> Result<(), RenderError> {
    if value.contains(['$', '%', '{', '}', '"', '\\']) {
        return Err(RenderError::UnsupportedReference {
            what: format!("generated value `{name}`"),
            value: value.to_owned(),
            reason: "a fixed value with `$`, `%`, `{`, `}`, `\"` or `\\` cannot be placed in a Terraform template safely".to_owned(),
            help: "use letters, digits and `+=,.@:/-` (what IAM accepts in an external id)".to_owned(),
        });
    }
    Ok(())
}

fn json_number(n: &str, what: &dyn std::fmt::Display) -> Result<serde_json::Number, RenderError> {
    serde_json::from_str::<serde_json::Number>(n).map_err(|_| RenderError::InvalidNumber {
        what: what.to_string(),
        value: n.to_owned(),
    })
}

/// The shape of a value where a type constraint says `any` inside a collection: Terraform
/// needs one element type for the whole collection. Primitives convert to one another (to
/// string), objects become maps, `null` fits anything.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Null,
    Primitive,
    List(Box<Shape>),
    Map(Box<Shape>),
}

fn shape(v: &OutputValue) -> Option<Shape> {
    Some(match v {
        OutputValue::Null => Shape::Null,
        OutputValue::Text(_) | OutputValue::Number(_) | OutputValue::Bool(_) => Shape::Primitive,
        OutputValue::List(items) => Shape::List(Box::new(unify(items.iter())?)),
        OutputValue::Map(m) => Shape::Map(Box::new(unify(m.values())?)),
    })
}

/// The one shape all `values` convert to, or `None` when they have none.
fn unify<'a>(values: impl Iterator<Item = &'a OutputValue>) -> Option<Shape> {
    let mut acc = Shape::Null;
    for v in values {
        acc = unify2(acc, shape(v)?)?;
    }
    Some(acc)
}

fn unify2(a: Shape, b: Shape) -> Option<Shape> {
    Some(match (a, b) {
        (Shape::Null, x) | (x, Shape::Null) => x,
        (Shape::Primitive, Shape::Primitive) => Shape::Primitive,
        (Shape::List(a), Shape::List(b)) => Shape::List(Box::new(unify2(*a, *b)?)),
        (Shape::Map(a), Shape::Map(b)) => Shape::Map(Box::new(unify2(*a, *b)?)),
        _ => return None,
    })
}

fn has_any(t: &InputType) -> bool {
    match t {
        InputType::Any => true,
        InputType::List(t) | InputType::Map(t) => has_any(t),
        InputType::Object(fields) => fields.iter().any(|(_, t)| has_any(t)),
        InputType::String | InputType::Number | InputType::Bool => false,
    }
}

/// Whether Terraform converts `v` to the type constraint `t` (conservatively: `false` may be a
/// value Terraform would accept after all, never the other way round).
fn fits(v: &OutputValue, t: &InputType) -> bool {
    match (t, v) {
        (InputType::Any, _) | (_, OutputValue::Null) => true,
        (
            InputType::String,
            OutputValue::Text(_) | OutputValue::Number(_) | OutputValue::Bool(_),
        ) => true,
        (InputType::Number, OutputValue::Number(_)) | (InputType::Bool, OutputValue::Bool(_)) => {
            true
        }
        (InputType::Number, OutputValue::Text(s)) => {
            s.as_literal().is_some_and(|s| s.parse::<f64>().is_ok())
        }
        (InputType::Bool, OutputValue::Text(s)) => {
            s.as_literal().is_some_and(|s| s == "true" || s == "false")
        }
        (InputType::List(e), OutputValue::List(items)) => {
            items.iter().all(|i| fits(i, e)) && (!has_any(e) || unify(items.iter()).is_some())
        }
        (InputType::Map(e), OutputValue::Map(m)) => {
            m.values().all(|i| fits(i, e)) && (!has_any(e) || unify(m.values()).is_some())
        }
        (InputType::Object(fields), OutputValue::Map(m)) => fields
            .iter()
            .all(|(k, ft)| m.get(k).is_some_and(|fv| fits(fv, ft))),
        _ => false,
    }
}

/// A value in a literal-only context (a variable default): written as it is.
fn literal_value(v: &OutputValue, what: &str) -> Result<Value, RenderError> {
    Ok(match v {
        OutputValue::Text(t) => match t.as_literal() {
            Some(s) => Value::String(s.into_owned()),
            None => {
                let late = t
                    .late_bound()
                    .next()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                return Err(RenderError::LateBoundNotAllowed {
                    what: what.to_owned(),
                    value: late,
                });
            }
        },
        OutputValue::Number(n) => Value::Number(json_number(n, &what)?),
        OutputValue::Bool(b) => Value::Bool(*b),
        OutputValue::Null => Value::Null,
        OutputValue::List(items) => Value::Array(
            items
                .iter()
                .map(|i| literal_value(i, what))
                .collect::<Result<_, _>>()?,
        ),
        OutputValue::Map(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.clone(), literal_value(v, what)?);
            }
            Value::Object(out)
        }
    })
}

#[cfg(test)]
mod tests {

    use std::collections::BTreeMap;

    use super::*;
    use crate::deployment::{
        Account, ExternalValue, GeneratedValue, ManagedPolicy, Output, Variable, DEFAULT_ACCOUNT,
    };
    use crate::{ArnTemplate, Condition, Principal, Statement};

    fn trust() -> PolicyDocument {
        PolicyDocument::new([Statement::allow()
            .principal(Principal::service(["ecs-tasks.amazonaws.com"]))
            .action("sts:AssumeRole")])
    }

    fn role(key: &str) -> Role {
        Role::builder()
            .key(key)
            .name(format!("R{key}"))
            .trust(trust())
            .build()
    }

    fn deployment(roles: Vec<Role>) -> Deployment {
        Deployment::builder()
            .blueprint("bp")
            .instance("i")
            .roles(roles)
            .build()
    }

    fn files(d: &Deployment) -> BTreeMap<String, Value> {
        render(d, &TerraformOptions::default())
            .unwrap()
            .into_iter()
            .map(|f| (f.name, serde_json::from_str(&f.contents).unwrap()))
            .collect()
    }

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        escape_template(s, &mut out);
        out
    }

    #[test]
    fn escapes_interpolations_and_directives() {
        assert_eq!(escaped("home/${aws:username}/*"), "home/$${aws:username}/*");
        assert_eq!(
            escaped("100% and 50%{x} and $$ and ${y}"),
            "100% and 50%%{x} and $$ and $${y}"
        );
        // An already doubled `$${` stays a literal `$${` after Terraform unescapes it.
        assert_eq!(escaped("$${x}"), "$$${x}");
        assert_eq!(escaped("$ % { }"), "$ % { }");
        let mut out = String::new();
        escape_before_interpolation("price $$", &mut out);
        assert_eq!(out, "price ${\"$$\"}");
    }

    #[test]
    fn policy_variables_survive_in_resources_and_conditions() {
        let r = role("web").inline(
            "own",
            PolicyDocument::new([Statement::allow()
                .action("s3:GetObject")
                .resource("arn:aws:s3:::b/home/${aws:username}/*")
                .condition(Condition::string_like("s3:prefix", ["%{x}/${aws:userid}"]))]),
        );
        let f = files(&deployment(vec![r]));
        let policy = f["roles.tf.json"]["resource"]["aws_iam_role_policy"]["web__own"]["policy"]
            .as_str()
            .unwrap();
        assert!(
            policy.contains(r#""Resource":"arn:aws:s3:::b/home/$${aws:username}/*""#),
            "{policy}"
        );
        assert!(
            policy.contains(r#""s3:prefix":"%%{x}/$${aws:userid}""#),
            "{policy}"
        );
    }

    #[test]
    fn descriptions_are_escaped_in_templates_but_not_in_literal_contexts() {
        let mut r = role("web");
        r.description = "a ${b} %{c}".into();
        let mut d = deployment(vec![r]);
        d.variables.push(
            Variable::builder()
                .name("v")
                .description("d ${x}")
                .input_type(crate::deployment::InputType::String)
                .value("${y}".into())
                .build(),
        );
        d.outputs.push(
            Output::builder()
                .name("o")
                .description("out ${z}")
                .value(Text::from("lit ${w}"))
                .build(),
        );
        let f = files(&d);
        assert_eq!(
            f["roles.tf.json"]["resource"]["aws_iam_role"]["web"]["description"],
            "a $${b} %%{c}"
        );
        assert_eq!(
            f["variables.tf.json"]["variable"]["v"]["description"],
            "d ${x}"
        );
        assert_eq!(f["variables.tf.json"]["variable"]["v"]["default"], "${y}");
        assert_eq!(
            f["outputs.tf.json"]["output"]["o"]["description"],
            "out ${z}"
        );
        assert_eq!(f["outputs.tf.json"]["output"]["o"]["value"], "lit $${w}");
    }

    #[test]
    fn late_bound_values_become_references() {
        let r = role("app")
            .inline(
                "refs",
                PolicyDocument::new([Statement::allow()
                    .action("iam:PassRole")
                    .resource(LateBound::role_arn("app"))
                    .resource(ArnTemplate::regional(
                        "logs",
                        Text::from("log-group:").then(LateBound::Generated("g".into())),
                    ))
                    .resource(
                        Text::from("arn:aws:s3:::").then(LateBound::External("bucket".into())),
                    )
                    .resource(Text::from("x$").then(LateBound::account("other")))]),
            )
            .attach(LateBound::policy_arn("p"));
        let mut d = deployment(vec![r]);
        d.accounts.push(Account::new("other"));
        d.generated
            .push(GeneratedValue::builder().name("g").build());
        d.externals.push(
            ExternalValue::builder()
                .name("bucket")
                .description("b")
                .build(),
        );
        d.policies.push(
            ManagedPolicy::builder()
                .key("p")
                .name("P")
                .document(PolicyDocument::new([Statement::allow()
                    .action("s3:ListBucket")
                    .resource("*")]))
                .build(),
        );
        let f = files(&d);
        let policy = f["roles.tf.json"]["resource"]["aws_iam_role_policy"]["app__refs"]["policy"]
            .as_str()
            .unwrap();
        assert!(policy.contains(r#""${aws_iam_role.app.arn}""#), "{policy}");
        assert!(policy.contains(
            "arn:${data.aws_partition.default.partition}:logs:${data.aws_region.default.name}:${data.aws_caller_identity.default.account_id}:log-group:${random_uuid.g.result}"
        ), "{policy}");
        assert!(policy.contains("arn:aws:s3:::${var.bucket}"), "{policy}");
        // A `$` right before an interpolation must not turn it into the escape `$${`.
        assert!(
            policy.contains(r#"x${"$"}${data.aws_caller_identity.other.account_id}"#),
            "{policy}"
        );
        let attachment =
            &f["roles.tf.json"]["resource"]["aws_iam_role_policy_attachment"]["app__p"];
        assert_eq!(attachment["policy_arn"], "${aws_iam_policy.p.arn}");
        assert_eq!(attachment["role"], "${aws_iam_role.app.name}");
        // Data sources are declared once each, per account, under the account's provider.
        let data = &f["data.tf.json"]["data"];
        assert_eq!(
            data["aws_caller_identity"]["other"]["provider"],
            "aws.other"
        );
        assert_eq!(
            data["aws_caller_identity"]["default"],
            serde_json::json!({})
        );
        assert!(data["aws_region"]["other"].is_null());
        assert_eq!(
            f["random.tf.json"]["resource"]["random_uuid"]["g"],
            serde_json::json!({})
        );
        assert!(f["terraform.tf.json"]["terraform"]["required_providers"]["random"].is_object());
        // An external value without a value is a required variable.
        assert_eq!(
            f["variables.tf.json"]["variable"]["bucket"],
            serde_json::json!({"type": "string", "description": "b"})
        );
    }

    #[test]
    fn a_trust_policy_naming_its_own_role_writes_the_arn_out() {
        let mut r = role("loop");
        r.path = "/p/".into();
        r.trust = PolicyDocument::new([Statement::allow()
            .principal(Principal::aws([LateBound::role_arn("loop")]))
            .action("sts:AssumeRole")]);
        let f = files(&deployment(vec![r]));
        let trust = f["roles.tf.json"]["resource"]["aws_iam_role"]["loop"]["assume_role_policy"]
            .as_str()
            .unwrap();
        assert!(trust.contains(
            "arn:${data.aws_partition.default.partition}:iam::${data.aws_caller_identity.default.account_id}:role/p/Rloop"
        ), "{trust}");
        assert!(!trust.contains("aws_iam_role.loop"), "{trust}");
    }

    #[test]
    fn one_provider_per_account() {
        let mut other = role("b");
        other.account = "prod".into();
        let mut d = deployment(vec![role("a"), other]);
        d.accounts.push(
            Account::builder()
                .key("prod")
                .id("210987654321".parse().unwrap())
                .assume_role_arn("arn:aws:iam::210987654321:role/Deploy")
                .build(),
        );
        let files: BTreeMap<String, Value> =
            render(&d, &TerraformOptions::with_region("eu-west-1"))
                .unwrap()
                .into_iter()
                .map(|f| (f.name, serde_json::from_str(&f.contents).unwrap()))
                .collect();
        let providers = &files["providers.tf.json"]["provider"]["aws"];
        assert_eq!(
            providers[0],
            serde_json::json!({"//": "account `default`", "region": "eu-west-1"})
        );
        assert_eq!(
            providers[1],
            serde_json::json!({
                "alias": "prod",
                "//": "account `prod`",
                "region": "eu-west-1",
                "allowed_account_ids": ["210987654321"],
                "assume_role": {"role_arn": "arn:aws:iam::210987654321:role/Deploy"}
            })
        );
        let roles = &files["roles.tf.json"]["resource"]["aws_iam_role"];
        assert!(roles["a"].get("provider").is_none());
        assert_eq!(roles["b"]["provider"], "aws.prod");
    }

    #[test]
    fn without_a_default_account_the_first_is_unaliased() {
        let mut r = role("a");
        r.account = "billing".into();
        let mut d = deployment(vec![r]);
        d.accounts = vec![Account::new("billing"), Account::new("member")];
        let f = files(&d);
        let providers = &f["providers.tf.json"]["provider"]["aws"];
        assert!(providers[0].get("alias").is_none());
        assert_eq!(providers[1]["alias"], "member");
        assert!(f["roles.tf.json"]["resource"]["aws_iam_role"]["a"]
            .get("provider")
            .is_none());
    }

    #[test]
    fn rendering_twice_is_byte_identical() {
        let mut d = deployment(vec![
            role("a"),
            role("b").attach("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ]);
        d.generated
            .push(GeneratedValue::builder().name("x").build());
        d.roles[0].tags = BTreeMap::from([("z".into(), "1".into()), ("a".into(), "2".into())]);
        let a = render(&d, &TerraformOptions::default()).unwrap();
        let b = render(&d.clone(), &TerraformOptions::default()).unwrap();
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [TERRAFORM_FILE, PROVIDERS_FILE, ROLES_FILE, RANDOM_FILE]
        );
        assert!(a.iter().all(|f| f.contents.ends_with("}\n")));
    }

    #[test]
    fn keys_are_sanitized_and_collisions_rejected() {
        let f = files(&deployment(vec![role("web.app"), role("9")]));
        let roles = &f["roles.tf.json"]["resource"]["aws_iam_role"];
        assert!(roles["web_app"].is_object());
        assert!(roles["_9"].is_object());
        let err = render(
            &deployment(vec![role("a.b"), role("a_b")]),
            &TerraformOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, RenderError::NameCollision { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "aws_iam_role `a.b` and `a_b` both become the Terraform name `a_b`"
        );
    }

    #[test]
    fn attachments_are_named_after_their_policy() {
        let r = role("a")
            .attach("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .attach("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
            .attach("arn:aws:iam::aws:policy/other/ViewOnlyAccess")
            .attach(Text::from(LateBound::External("arn".into())));
        let mut d = deployment(vec![r]);
        d.externals.push(
            ExternalValue::builder()
                .name("arn")
                .description("d")
                .value("x")
                .build(),
        );
        let f = files(&d);
        let att = f["roles.tf.json"]["resource"]["aws_iam_role_policy_attachment"]
            .as_object()
            .unwrap();
        let names: Vec<&String> = att.keys().collect();
        assert_eq!(
            names,
            [
                "a__ReadOnlyAccess",
                "a__ViewOnlyAccess_1",
                "a__ViewOnlyAccess_2",
                "a__3"
            ]
        );
    }

    #[test]
    fn bad_names_and_values_are_clear_errors() {
        let mut d = deployment(vec![role("a")]);
        d.outputs
            .push(Output::builder().name("bad name").value(true).build());
        let err = render(&d, &TerraformOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "output `bad name` is not a valid Terraform name"
        );

        let mut d = deployment(vec![role("a")]);
        d.generated
            .push(GeneratedValue::builder().name("g").fixed("a${b}").build());
        assert!(matches!(
            render(&d, &TerraformOptions::default()).unwrap_err(),
            RenderError::UnsupportedReference { .. }
        ));

        let mut r = role("a");
        r.tags
            .insert(crate::deployment::TAG_BLUEPRINT.into(), "other".into());
        let err = render(&deployment(vec![r]), &TerraformOptions::default()).unwrap_err();
        assert!(err.to_string().contains("reserves that tag"), "{err}");

        let r = role("a").attach(LateBound::policy_arn("missing"));
        let err = render(&deployment(vec![r]), &TerraformOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "role `a`: `policy.missing.arn` refers to an object the deployment does not have"
        );

        let mut d = deployment(vec![role("a")]);
        d.accounts.clear();
        assert!(matches!(
            render(&d, &TerraformOptions::default()).unwrap_err(),
            RenderError::NoAccount { .. }
        ));

        let mut d = deployment(vec![role("a")]);
        d.variables.push(
            Variable::builder()
                .name("x")
                .input_type(crate::deployment::InputType::String)
                .value(LateBound::Region.into())
                .build(),
        );
        d.externals
            .push(ExternalValue::builder().name("x").description("d").build());
        let err = render(&d, &TerraformOptions::default()).unwrap_err();
        assert!(
            matches!(err, RenderError::LateBoundNotAllowed { .. }),
            "{err}"
        );
        d.variables[0].value = "ok".into();
        let err = render(&d, &TerraformOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`x` is declared both as an input and as an external value"
        );
    }

    #[test]
    fn variable_types_that_cannot_hold_the_value_become_any() {
        use crate::deployment::InputType as T;
        let map = |pairs: Vec<(&str, OutputValue)>| {
            OutputValue::Map(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        };
        let strings = OutputValue::List(vec!["a".into()]);
        // The Sym module's `addon_params`: a list in one entry, strings in the other.
        let mixed = map(vec![
            ("kinesis", map(vec![("stream_arns", strings.clone())])),
            ("secrets", map(vec![("tag_name", "SymEnv".into())])),
        ]);
        let map_map_any = T::Map(Box::new(T::Map(Box::new(T::Any))));
        assert!(!fits(&mixed, &map_map_any));
        assert!(!fits(&mixed, &T::Map(Box::new(T::Any))));
        assert!(fits(&mixed, &T::Any));
        let same = map(vec![
            ("a", map(vec![("x", "1".into())])),
            (
                "b",
                map(vec![
                    ("y", OutputValue::Bool(true)),
                    ("z", OutputValue::Null),
                ]),
            ),
        ]);
        assert!(fits(&same, &map_map_any));
        assert!(fits(&OutputValue::Number("2".into()), &T::String));
        assert!(!fits(&"x".into(), &T::Number));
        assert!(!fits(&strings, &T::Map(Box::new(T::String))));
        let obj = T::Object(vec![
            ("a".into(), T::String),
            ("b".into(), T::List(Box::new(T::String))),
        ]);
        assert!(fits(
            &map(vec![("a", "x".into()), ("b", OutputValue::Null)]),
            &obj
        ));
        assert!(
            !fits(&map(vec![("a", "x".into())]), &obj),
            "a missing attribute is an error"
        );

        let mut d = deployment(vec![role("a")]);
        d.variables.push(
            Variable::builder()
                .name("p")
                .input_type(map_map_any)
                .value(mixed)
                .build(),
        );
        let f = files(&d);
        let var = &f["variables.tf.json"]["variable"]["p"];
        assert_eq!(var["type"], "any");
        assert!(var["//"].as_str().unwrap().contains("map(map(any))"));
    }

    #[test]
    fn ownership_tags_are_merged_into_every_object() {
        let mut r = role("a");
        r.tags.insert("team".into(), "x".into());
        let f = files(&deployment(vec![r]));
        assert_eq!(
            f["roles.tf.json"]["resource"]["aws_iam_role"]["a"]["tags"],
            serde_json::json!({"rolewright:blueprint": "bp", "rolewright:instance": "i", "team": "x"})
        );
        let _ = DEFAULT_ACCOUNT;
    }
}
