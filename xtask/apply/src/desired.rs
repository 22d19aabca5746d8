//! The desired state: a deployment with every late-bound value resolved against the live
//! accounts.
//!
//! Account ids and partitions come from STS (one caller identity per account key), ARNs of the
//! deployment's own objects are computed from their names and paths (IAM's ARN formats are
//! fixed, so they are known before the objects exist), generated values are read back from the
//! live trust policies that carry them (a re-apply never rotates an external id silently), and
//! externals come from flags or the config. A role's unique id exists only once the role does:
//! an object that needs one of a role still to be created is *deferred* to a second round.

use std::collections::{BTreeMap, BTreeSet};

use iam_model::deployment::resolve::{self, Concrete, Index, Referent, Values};
use iam_model::deployment::{Account, Deployment, ExternalValue, GeneratedValue, Role};
use iam_model::statement::ResourceClause;
use iam_model::text::{ObjectKind, Segment, UnresolvedError};
use iam_model::{JsonStyle, LateBound, PolicyDocument, Resolver, Text};
use serde::Serialize;

use crate::state::{decode_document, ObservedAccount, ObservedRole};

/// Where one account key of a deployment points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The account id, from STS `GetCallerIdentity`.
    pub account_id: String,
    /// The partition, from the caller identity's ARN.
    pub partition: String,
}

impl Target {
    /// The ARN IAM gives the customer managed policy `path` + `name` in this account.
    pub fn policy_arn(&self, path: &str, name: &str) -> String {
        resolve::policy_arn(&self.partition, &self.account_id, path, name)
    }

    /// The ARN IAM gives the OIDC provider for `host_path` in this account.
    pub fn oidc_provider_arn(&self, host_path: &str) -> String {
        resolve::oidc_provider_arn(&self.partition, &self.account_id, host_path)
    }
}

/// What resolution needs besides the deployment.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Account key → where it points.
    pub targets: &'a BTreeMap<String, Target>,
    /// The region for `LateBound::Region`, when configured.
    pub region: Option<&'a str>,
    /// External values given on the command line; they win over the deployment's own.
    pub externals: &'a BTreeMap<String, String>,
    /// Observed state by account id.
    pub observed: &'a BTreeMap<String, ObservedAccount>,
}

/// A role to converge.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRole {
    /// The role's key in the deployment.
    pub key: String,
    /// The account id.
    pub account_id: String,
    /// The role name.
    pub name: String,
    /// The path.
    pub path: String,
    /// The description (empty for none).
    pub description: String,
    /// The maximum session duration in seconds.
    pub max_session_duration: u32,
    /// The permissions boundary ARN.
    pub permissions_boundary: Option<String>,
    /// The trust policy, fully literal.
    pub trust: PolicyDocument,
    /// Inline policies by name, fully literal.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// ARNs of the managed policies to attach.
    pub managed_policy_arns: Vec<String>,
    /// Tags, ownership tags included.
    pub tags: BTreeMap<String, String>,
    /// Keys of roles whose ARN or id the trust policy names: they are created first, because
    /// IAM rejects a trust policy naming a principal that does not exist.
    pub depends_on: Vec<String>,
}

/// A customer managed policy to converge.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredPolicy {
    /// The policy's key in the deployment.
    pub key: String,
    /// The account id.
    pub account_id: String,
    /// The policy name.
    pub name: String,
    /// The path.
    pub path: String,
    /// The ARN it will have.
    pub arn: String,
    /// The description (IAM cannot change it in place).
    pub description: String,
    /// The document, fully literal.
    pub document: PolicyDocument,
    /// Tags, ownership tags included.
    pub tags: BTreeMap<String, String>,
}

/// An OIDC provider to converge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredOidc {
    /// The provider's key in the deployment.
    pub key: String,
    /// The account id.
    pub account_id: String,
    /// The issuer URL as configured (`https://...`).
    pub url: String,
    /// The URL without scheme, as IAM stores it.
    pub host_path: String,
    /// The ARN it will have.
    pub arn: String,
    /// Audiences.
    pub client_ids: Vec<String>,
    /// Thumbprints; empty leaves them to IAM.
    pub thumbprints: Vec<String>,
    /// Tags, ownership tags included.
    pub tags: BTreeMap<String, String>,
}

/// The kinds of object apply manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An IAM role.
    Role,
    /// A customer managed policy.
    Policy,
    /// An OpenID Connect provider.
    OidcProvider,
}

impl Kind {
    /// The kind as shown in plans (`role`, `policy`, `oidc-provider`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Role => "role",
            Kind::Policy => "policy",
            Kind::OidcProvider => "oidc-provider",
        }
    }
}

/// An object whose desired state needs a value known only after another object exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deferred {
    /// What kind of object.
    pub kind: Kind,
    /// Its account id.
    pub account_id: String,
    /// Its name (the URL's host and path for an OIDC provider).
    pub name: String,
    /// The value it waits for (`role.runner.unique_id`).
    pub waiting_for: String,
}

/// Where a generated value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "source")]
pub enum GeneratedSource {
    /// Fixed in the config (`custom_external_id`).
    Fixed,
    /// Read back from the live trust policy of this role.
    Kept {
        /// The role it was read from.
        role: String,
    },
    /// Newly generated: no role carrying it exists yet.
    New,
    /// Newly generated although a role that should carry it exists: its trust policy no
    /// longer holds a value in the expected place. Whoever assumes the role needs the new one.
    Rotated {
        /// The role whose trust policy lacked it.
        role: String,
    },
}

/// A generated value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedStatus {
    /// The value's name (`external_id`).
    pub name: String,
    /// The value.
    pub value: String,
    /// Where it came from.
    #[serde(flatten)]
    pub source: GeneratedSource,
}

/// A deployment resolved against live accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// The blueprint (ownership tag value).
    pub blueprint: String,
    /// The instance (ownership tag value).
    pub instance: String,
    /// Roles, in the deployment's order.
    pub roles: Vec<DesiredRole>,
    /// Managed policies.
    pub policies: Vec<DesiredPolicy>,
    /// OIDC providers.
    pub oidc_providers: Vec<DesiredOidc>,
    /// Objects left for a second round.
    pub deferred: Vec<Deferred>,
    /// Every generated value the deployment declares.
    pub generated: Vec<GeneratedStatus>,
}

impl Desired {
    /// True when `kind` named `name` in `account_id` belongs to the deployment (deferred objects
    /// included), comparing names as IAM does: case-insensitively.
    pub fn declares(&self, kind: Kind, account_id: &str, name: &str) -> bool {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let deferred = self
            .deferred
            .iter()
            .any(|d| d.kind == kind && d.account_id == account_id && eq(&d.name, name));
        deferred
            || match kind {
                Kind::Role => self
                    .roles
                    .iter()
                    .any(|r| r.account_id == account_id && eq(&r.name, name)),
                Kind::Policy => self
                    .policies
                    .iter()
                    .any(|p| p.account_id == account_id && eq(&p.name, name)),
                Kind::OidcProvider => self
                    .oidc_providers
                    .iter()
                    .any(|o| o.account_id == account_id && eq(&o.host_path, name)),
            }
    }
}

/// Why a deployment could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .messages.join("\n"))]
pub struct ResolveError {
    /// One line per problem, lowercase, offending names in backticks.
    pub messages: Vec<String>,
}

/// The names of what a deployment declares, for `destroy` (which needs no documents).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declared {
    /// The blueprint.
    pub blueprint: String,
    /// The instance.
    pub instance: String,
    /// `(kind, account id, name)`; an OIDC provider is named by its URL's host and path.
    pub objects: Vec<(Kind, String, String)>,
}

impl Declared {
    /// What `deployment` declares, in the accounts `targets` maps it to.
    pub fn of(
        deployment: &Deployment,
        targets: &BTreeMap<String, Target>,
    ) -> Result<Declared, ResolveError> {
        let mut messages = Vec::new();
        let mut objects = Vec::new();
        let mut account = |key: &str| match targets.get(key) {
            Some(t) => Some(t.account_id.clone()),
            None => {
                messages.push(format!("account `{key}` has no credentials or id"));
                None
            }
        };
        for r in &deployment.roles {
            if let Some(id) = account(&r.account) {
                objects.push((Kind::Role, id, r.name.clone()));
            }
        }
        for p in &deployment.policies {
            if let Some(id) = account(&p.account) {
                objects.push((Kind::Policy, id, p.name.clone()));
            }
        }
        for o in &deployment.oidc_providers {
            if let Some(id) = account(&o.account) {
                objects.push((Kind::OidcProvider, id, o.host_path().to_owned()));
            }
        }
        if !messages.is_empty() {
            return Err(ResolveError { messages });
        }
        Ok(Declared {
            blueprint: deployment.blueprint.clone(),
            instance: deployment.instance.clone(),
            objects,
        })
    }

    /// True when the deployment declares `kind` named `name` in `account_id` (names compared
    /// case-insensitively, as IAM does).
    pub fn declares(&self, kind: Kind, account_id: &str, name: &str) -> bool {
        self.objects
            .iter()
            .any(|(k, a, n)| *k == kind && a == account_id && n.eq_ignore_ascii_case(name))
    }
}

/// Resolves `deployment`. `fresh` makes a new random value for a generated value that has
/// none yet (a UUID in production; fixed strings in tests, to keep plans deterministic).
pub fn resolve(
    deployment: &Deployment,
    ctx: &Context<'_>,
    fresh: &mut dyn FnMut() -> String,
) -> Result<Desired, ResolveError> {
    let mut messages = Vec::new();
    for key in deployment
        .roles
        .iter()
        .map(|r| &r.account)
        .chain(deployment.policies.iter().map(|p| &p.account))
        .chain(deployment.oidc_providers.iter().map(|o| &o.account))
        .collect::<BTreeSet<_>>()
    {
        if !ctx.targets.contains_key(key.as_str()) {
            messages.push(format!("account `{key}` has no credentials or id"));
        }
    }
    if !messages.is_empty() {
        return Err(ResolveError { messages });
    }
    let index = Index::new(deployment);
    let generated = generated_values(deployment, &index, ctx, fresh);
    let gen_map: BTreeMap<String, String> = generated
        .iter()
        .map(|g| (g.name.clone(), g.value.clone()))
        .collect();
    let ownership = deployment.ownership_tags();
    let mut desired = Desired {
        blueprint: deployment.blueprint.clone(),
        instance: deployment.instance.clone(),
        roles: Vec::new(),
        policies: Vec::new(),
        oidc_providers: Vec::new(),
        deferred: Vec::new(),
        generated,
    };

    let live = Live {
        ctx,
        generated: Some(&gen_map),
    };
    let mut failed = |kind: Kind,
                      account: &str,
                      account_id: &str,
                      name: &str,
                      e: Fail,
                      desired: &mut Desired| match e {
        Fail::Unresolved(e) => match index.lookup(e.value(), account) {
            // A role's unique id exists once the role does: wait for the first round.
            Ok(Referent::RoleUniqueId(_)) => desired.deferred.push(Deferred {
                kind,
                account_id: account_id.to_owned(),
                name: name.to_owned(),
                waiting_for: e.value().to_string(),
            }),
            Ok(_) => messages.push(unresolved_message(kind, name, e.value())),
            Err(lookup) => messages.push(format!("{} `{name}`: {lookup}", kind.as_str())),
        },
        Fail::Invalid(why) => messages.push(format!("{} `{name}`: {why}", kind.as_str())),
    };

    for role in &deployment.roles {
        let Some(target) = ctx.targets.get(&role.account) else {
            continue;
        };
        let r = Concrete::new(&index, &live, &role.account);
        let built = (|| -> Result<DesiredRole, Fail> {
            let mut tags = role.tags.clone();
            tags.extend(ownership.clone());
            Ok(DesiredRole {
                key: role.key.clone(),
                account_id: target.account_id.clone(),
                name: role.name.clone(),
                path: role.path.clone(),
                description: role.description.clone(),
                max_session_duration: role.max_session_duration,
                permissions_boundary: role
                    .permissions_boundary
                    .as_ref()
                    .map(|t| t.resolve(&r))
                    .transpose()?,
                trust: resolve_document(&role.trust, &r)?,
                inline_policies: role
                    .inline_policies
                    .iter()
                    .map(|(n, d)| Ok((n.clone(), resolve_document(d, &r)?)))
                    .collect::<Result<_, Fail>>()?,
                managed_policy_arns: role
                    .managed_policy_arns
                    .iter()
                    .map(|t| t.resolve(&r))
                    .collect::<Result<_, _>>()?,
                tags,
                depends_on: role_refs(&role.trust),
            })
        })();
        match built {
            Ok(d) => desired.roles.push(d),
            Err(e) => failed(
                Kind::Role,
                &role.account,
                &target.account_id,
                &role.name,
                e,
                &mut desired,
            ),
        }
    }
    for p in &deployment.policies {
        let Some(target) = ctx.targets.get(&p.account) else {
            continue;
        };
        let r = Concrete::new(&index, &live, &p.account);
        match resolve_document(&p.document, &r) {
            Ok(document) => {
                let mut tags = p.tags.clone();
                tags.extend(ownership.clone());
                desired.policies.push(DesiredPolicy {
                    key: p.key.clone(),
                    account_id: target.account_id.clone(),
                    name: p.name.clone(),
                    path: p.path.clone(),
                    arn: target.policy_arn(&p.path, &p.name),
                    description: p.description.clone(),
                    document,
                    tags,
                })
            }
            Err(e) => failed(
                Kind::Policy,
                &p.account,
                &target.account_id,
                &p.name,
                e,
                &mut desired,
            ),
        }
    }
    for o in &deployment.oidc_providers {
        let Some(target) = ctx.targets.get(&o.account) else {
            continue;
        };
        let mut tags = o.tags.clone();
        tags.extend(ownership.clone());
        desired.oidc_providers.push(DesiredOidc {
            key: o.key.clone(),
            account_id: target.account_id.clone(),
            url: o.url.clone(),
            host_path: o.host_path().to_owned(),
            arn: target.oidc_provider_arn(o.host_path()),
            client_ids: o.client_ids.clone(),
            thumbprints: o.thumbprints.clone(),
            tags,
        });
    }
    if messages.is_empty() {
        Ok(desired)
    } else {
        Err(ResolveError { messages })
    }
}

fn unresolved_message(kind: Kind, name: &str, value: &LateBound) -> String {
    match value {
        LateBound::External(n) => format!(
            "{} `{name}` needs external value `{n}`, which has no value: pass `--external {n}=VALUE` or set it in the config",
            kind.as_str()
        ),
        LateBound::Region => format!(
            "{} `{name}` needs the region, which is not configured: pass `--region` or set `AWS_REGION`",
            kind.as_str()
        ),
        other => format!("{} `{name}` refers to `{other}`, which has no value", kind.as_str()),
    }
}

/// Why one object's desired state could not be resolved.
enum Fail {
    /// A late-bound value has no value (yet).
    Unresolved(UnresolvedError),
    /// A document no longer reads as a policy once its values are filled in (an external
    /// value of the wrong shape, say).
    Invalid(String),
}

impl From<UnresolvedError> for Fail {
    fn from(e: UnresolvedError) -> Self {
        Fail::Unresolved(e)
    }
}

fn resolve_document(doc: &PolicyDocument, r: &dyn Resolver) -> Result<PolicyDocument, Fail> {
    let json = doc.render(r, JsonStyle::Compact)?;
    PolicyDocument::from_json(&json)
        .map_err(|e| Fail::Invalid(format!("{e} once its values are filled in: `{json}`")))
}

fn role_refs(doc: &PolicyDocument) -> Vec<String> {
    let mut keys = BTreeSet::new();
    for t in doc.texts() {
        for l in t.late_bound() {
            if let LateBound::Ref(r) = l {
                if r.kind == ObjectKind::Role {
                    keys.insert(r.key.clone());
                }
            }
        }
    }
    keys.into_iter().collect()
}

/// The live accounts as the one resolver's values ([`Concrete`]): ids and partitions from STS,
/// the configured region, externals from the flags, unique ids of roles that exist.
struct Live<'a> {
    ctx: &'a Context<'a>,
    /// Generated values; `None` while they are being determined.
    generated: Option<&'a BTreeMap<String, String>>,
}

impl Values for Live<'_> {
    fn account_id<'s>(&'s self, account: &'s Account) -> Option<&'s str> {
        self.ctx
            .targets
            .get(&account.key)
            .map(|t| t.account_id.as_str())
    }

    fn partition<'s>(&'s self, account: &'s Account) -> Option<&'s str> {
        self.ctx
            .targets
            .get(&account.key)
            .map(|t| t.partition.as_str())
    }

    fn region<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
        self.ctx.region
    }

    fn generated<'s>(&'s self, value: &'s GeneratedValue) -> Option<&'s str> {
        self.generated?.get(&value.name).map(String::as_str)
    }

    fn external<'s>(&'s self, value: &'s ExternalValue) -> Option<&'s str> {
        self.ctx.externals.get(&value.name).map(String::as_str)
    }

    fn role_unique_id(&self, role: &Role, account_id: &str) -> Option<String> {
        self.ctx
            .observed
            .get(account_id)
            .and_then(|o| find_role(o, &role.name))
            .filter(|o| !o.role_id.is_empty())
            .map(|o| o.role_id.clone())
    }
}

/// The deployment's outputs with late-bound values resolved, name → (value, sensitive). A
/// value not known yet (the unique id of a role created in this run) is `null`.
pub fn resolve_outputs(
    deployment: &Deployment,
    ctx: &Context<'_>,
    generated: &[GeneratedStatus],
) -> BTreeMap<String, (serde_json::Value, bool)> {
    use iam_model::deployment::OutputValue;
    let gen_map: BTreeMap<String, String> = generated
        .iter()
        .map(|g| (g.name.clone(), g.value.clone()))
        .collect();
    let account = deployment
        .primary_account()
        .map(|a| a.key.as_str())
        .unwrap_or(iam_model::deployment::DEFAULT_ACCOUNT);
    let index = Index::new(deployment);
    let live = Live {
        ctx,
        generated: Some(&gen_map),
    };
    let r = Concrete::new(&index, &live, account);
    fn value(v: &OutputValue, r: &dyn Resolver) -> serde_json::Value {
        match v {
            OutputValue::Text(t) => t
                .resolve(r)
                .map(serde_json::Value::String)
                .unwrap_or(serde_json::Value::Null),
            OutputValue::Number(n) => {
                serde_json::from_str(n).unwrap_or_else(|_| serde_json::Value::String(n.clone()))
            }
            OutputValue::Bool(b) => serde_json::Value::Bool(*b),
            OutputValue::Null => serde_json::Value::Null,
            OutputValue::List(items) => {
                serde_json::Value::Array(items.iter().map(|i| value(i, r)).collect())
            }
            OutputValue::Map(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), value(v, r))).collect())
            }
        }
    }
    deployment
        .outputs
        .iter()
        .map(|o| (o.name.clone(), (value(&o.value, &r), o.sensitive)))
        .collect()
}

/// The observed role named `name`, compared case-insensitively as IAM does.
pub fn find_role<'o>(observed: &'o ObservedAccount, name: &str) -> Option<&'o ObservedRole> {
    observed
        .roles
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name))
}

/// Where a text sits in a policy, for reading a generated value back: the same place in the
/// live document holds its current value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Condition(String, String),
    Principal(String),
    Resource(bool),
}

fn places(doc: &PolicyDocument) -> Vec<(Place, &Text)> {
    let mut out = Vec::new();
    for s in &doc.statements {
        for (op, k) in s.condition.tests() {
            for v in &k.values {
                if let iam_model::ConditionValue::String(t) = v {
                    out.push((
                        Place::Condition(op.to_string(), k.key.to_ascii_lowercase()),
                        t,
                    ));
                }
            }
        }
        if let Some(p) = &s.principal {
            for (kind, t) in p.principal().entries() {
                out.push((Place::Principal(kind.key().to_owned()), t));
            }
        }
        if let Some(r) = &s.resource {
            let not = matches!(r, ResourceClause::NotResource(_));
            for t in r.resources() {
                out.push((Place::Resource(not), t));
            }
        }
    }
    out
}

fn generated_values(
    deployment: &Deployment,
    index: &Index<'_>,
    ctx: &Context<'_>,
    fresh: &mut dyn FnMut() -> String,
) -> Vec<GeneratedStatus> {
    let mut out = Vec::new();
    for g in &deployment.generated {
        if let Some(v) = &g.fixed {
            out.push(GeneratedStatus {
                name: g.name.clone(),
                value: v.clone(),
                source: GeneratedSource::Fixed,
            });
            continue;
        }
        let mut found: Vec<(String, String)> = Vec::new();
        let mut existing_role: Option<String> = None;
        for role in &deployment.roles {
            let uses = role.trust.texts().any(|t| {
                t.late_bound()
                    .any(|l| l == &LateBound::Generated(g.name.clone()))
            });
            if !uses {
                continue;
            }
            let Some(target) = ctx.targets.get(&role.account) else {
                continue;
            };
            let Some(live) = ctx
                .observed
                .get(&target.account_id)
                .and_then(|o| find_role(o, &role.name))
            else {
                continue;
            };
            existing_role.get_or_insert_with(|| live.name.clone());
            let Ok(live_doc) = decode_document(&live.trust_policy) else {
                continue;
            };
            let values = Live {
                ctx,
                generated: None,
            };
            let r = Concrete::new(index, &values, &role.account);
            if let Some(v) = read_back(&role.trust, &live_doc, &g.name, &r) {
                found.push((live.name.clone(), v));
            }
        }
        let (value, source) = match (found.into_iter().next(), existing_role) {
            (Some((role, v)), _) => (v, GeneratedSource::Kept { role }),
            (None, Some(role)) => (fresh(), GeneratedSource::Rotated { role }),
            (None, None) => (fresh(), GeneratedSource::New),
        };
        out.push(GeneratedStatus {
            name: g.name.clone(),
            value,
            source,
        });
    }
    out
}

/// The value of generated `name` in `live`, found at the place `desired` puts it: the live
/// value at that place with the same literal text around it, excluding values the desired
/// document sets there itself.
fn read_back(
    desired: &PolicyDocument,
    live: &PolicyDocument,
    name: &str,
    r: &dyn Resolver,
) -> Option<String> {
    let target = LateBound::Generated(name.to_owned());
    let desired_places = places(desired);
    let live_places = places(live);
    for (place, text) in &desired_places {
        let segs = text.segments();
        let Some(pos) = segs
            .iter()
            .position(|s| matches!(s, Segment::Late(l) if *l == target))
        else {
            continue;
        };
        let resolve_all = |segs: &[Segment]| -> Option<String> {
            let mut s = String::new();
            for seg in segs {
                match seg {
                    Segment::Literal(l) => s.push_str(l),
                    Segment::Late(l) => s.push_str(&r.resolve(l).ok()?),
                }
            }
            Some(s)
        };
        let (Some(prefix), Some(suffix)) =
            (resolve_all(&segs[..pos]), resolve_all(&segs[pos + 1..]))
        else {
            continue;
        };
        // Other literal values the desired document puts at the same place are not candidates.
        let siblings: BTreeSet<String> = desired_places
            .iter()
            .filter(|(p, t)| p == place && !t.late_bound().any(|l| *l == target))
            .filter_map(|(_, t)| t.resolve(r).ok())
            .collect();
        let candidate = live_places
            .iter()
            .filter(|(p, _)| p == place)
            .filter_map(|(_, t)| t.as_literal())
            .filter(|v| !siblings.contains(v.as_ref()))
            .filter(|v| {
                v.len() > prefix.len() + suffix.len()
                    && v.starts_with(&prefix)
                    && v.ends_with(&suffix)
            })
            .map(|v| v[prefix.len()..v.len() - suffix.len()].to_owned())
            .next();
        if candidate.is_some() {
            return candidate;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_model::deployment::{Account, GeneratedValue, Role};
    use iam_model::{Condition, Principal, Statement};

    fn deployment(fixed: Option<&str>) -> Deployment {
        let trust = PolicyDocument::new([Statement::allow()
            .action("sts:AssumeRole")
            .principal(Principal::aws(["803477428605"]))
            .condition(Condition::string_equals(
                "sts:ExternalId",
                [LateBound::Generated("external_id".into())],
            ))]);
        let mut g = GeneratedValue::builder().name("external_id").build();
        g.fixed = fixed.map(str::to_owned);
        Deployment::builder()
            .blueprint("b")
            .instance("i")
            .accounts(vec![Account::new("default")])
            .roles(vec![Role::builder()
                .key("r")
                .name("R")
                .trust(trust)
                .build()])
            .generated(vec![g])
            .build()
    }

    fn live(external_id: &str) -> ObservedAccount {
        let doc = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::803477428605:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"{external_id}"}}}}}}]}}"#
        );
        ObservedAccount {
            account_id: "111122223333".into(),
            partition: "aws".into(),
            roles: vec![ObservedRole {
                name: "r".into(), // IAM names compare case-insensitively
                path: "/".into(),
                arn: "arn:aws:iam::111122223333:role/r".into(),
                max_session_duration: 3600,
                trust_policy: percent_encoding::utf8_percent_encode(
                    &doc,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn run(d: &Deployment, observed: BTreeMap<String, ObservedAccount>) -> Desired {
        let targets = BTreeMap::from([(
            "default".to_owned(),
            Target {
                account_id: "111122223333".into(),
                partition: "aws".into(),
            },
        )]);
        let externals = BTreeMap::new();
        let ctx = Context {
            targets: &targets,
            region: None,
            externals: &externals,
            observed: &observed,
        };
        resolve(d, &ctx, &mut || "fresh-value".to_owned()).unwrap()
    }

    #[test]
    fn generated_value_is_new_kept_or_fixed() {
        let d = deployment(None);
        assert_eq!(
            run(&d, BTreeMap::new()).generated[0].source,
            GeneratedSource::New
        );
        let observed = BTreeMap::from([("111122223333".to_owned(), live("kept-id"))]);
        let got = run(&d, observed.clone());
        assert_eq!(got.generated[0].value, "kept-id");
        assert_eq!(
            got.generated[0].source,
            GeneratedSource::Kept { role: "r".into() }
        );
        let trust = got.roles[0].trust.to_json_compact().unwrap();
        assert!(trust.contains("\"kept-id\""), "{trust}");
        let fixed = run(&deployment(Some("mine")), observed);
        assert_eq!(fixed.generated[0].value, "mine");
        assert_eq!(fixed.generated[0].source, GeneratedSource::Fixed);
    }

    #[test]
    fn a_role_without_the_value_rotates_loudly() {
        let mut acct = live("x");
        acct.roles[0].trust_policy =
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#.into();
        let got = run(
            &deployment(None),
            BTreeMap::from([("111122223333".to_owned(), acct)]),
        );
        assert_eq!(
            got.generated[0].source,
            GeneratedSource::Rotated { role: "r".into() }
        );
        assert_eq!(got.generated[0].value, "fresh-value");
    }

    #[test]
    fn missing_external_is_a_located_error() {
        let mut d = deployment(Some("x"));
        d.roles[0].trust.statements[0].principal =
            Some(iam_model::PrincipalClause::Principal(Principal::aws([
                LateBound::External("confluent_role_arn".into()),
            ])));
        d.externals.push(
            iam_model::deployment::ExternalValue::builder()
                .name("confluent_role_arn")
                .description("d")
                .build(),
        );
        let targets = BTreeMap::from([(
            "default".to_owned(),
            Target {
                account_id: "111122223333".into(),
                partition: "aws".into(),
            },
        )]);
        let observed = BTreeMap::new();
        let none = BTreeMap::new();
        let ctx = Context {
            targets: &targets,
            region: None,
            externals: &none,
            observed: &observed,
        };
        let err = resolve(&d, &ctx, &mut String::new).unwrap_err();
        assert_eq!(
            err.messages,
            ["role `R` needs external value `confluent_role_arn`, which has no value: pass `--external confluent_role_arn=VALUE` or set it in the config"]
        );
        let given = BTreeMap::from([(
            "confluent_role_arn".to_owned(),
            "arn:aws:iam::1:role/c".to_owned(),
        )]);
        let ctx = Context {
            externals: &given,
            ..ctx
        };
        assert!(resolve(&d, &ctx, &mut String::new).is_ok());
    }

    #[test]
    fn unique_id_of_a_role_still_to_create_defers_the_object() {
        let mut d = deployment(Some("x"));
        let other = Role::builder()
            .key("o")
            .name("Other")
            .trust(PolicyDocument::new([Statement::allow()
                .action("sts:AssumeRole")
                .principal(Principal::aws([LateBound::Ref(
                    iam_model::text::ObjectRef {
                        kind: ObjectKind::Role,
                        key: "r".into(),
                        attribute: iam_model::text::RefAttribute::UniqueId,
                    },
                )]))]))
            .build();
        d.roles.push(other);
        let got = run(&d, BTreeMap::new());
        assert_eq!(got.roles.len(), 1);
        assert_eq!(got.deferred[0].name, "Other");
        assert_eq!(got.deferred[0].waiting_for, "role.r.unique_id");
        assert!(got.declares(Kind::Role, "111122223333", "other"));
        let mut observed = live("x");
        observed.roles[0].role_id = "AROAEXAMPLE".into();
        let got = run(&d, BTreeMap::from([("111122223333".to_owned(), observed)]));
        assert!(got.deferred.is_empty());
        assert_eq!(got.roles[1].depends_on, ["r"]);
    }
}
