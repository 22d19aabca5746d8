//! The trust graph: who can end up in which role, under which conditions, across one or more
//! deployments.
//!
//! Nodes are the roles of the deployments and the principals outside them that a trust policy
//! names: OIDC providers (whose tokens' `sub`/`aud` the conditions constrain), SAML providers,
//! accounts, IAM principals of other accounts (third parties, with their external id
//! condition), AWS services and anyone (`*`). An edge "can assume, under these conditions" is
//! decided from both sides with the evaluator ([`crate::eval::evaluate_partial`]): the target's
//! trust policy must allow the caller and, for a caller that is a role, the caller's identity
//! policies must allow `sts:AssumeRole` on the target's ARN (unless the trust policy names the
//! caller's ARN in its own account, where IAM needs no identity grant). Condition tests on
//! keys the caller chooses or brings (an external id, a token's `sub`) stay on the edge;
//! `Deny` statements remove an edge outright or stay on it as "unless" conditions.
//!
//! [`TrustGraph::paths`] walks from the outside principals: a path composes the conditions of
//! its edges, and a path whose conditions cannot hold together is dropped (see [`solve`]).
//! Roles outside the deployments that a role may assume (`arn:aws:iam::*:role/foundation-tf-*`)
//! are nodes too, so that "reaches only" questions see them.
//!
//! The graph reads documents with every late-bound value resolved ([`Resolution`]); a value
//! the resolution does not give stays visible as `{account-key}` or `{generated.name}`.

mod aws_managed;
mod draw;
mod invariant;
mod query;
pub mod solve;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::deployment::resolve::{Concrete, Index, Values};
use crate::deployment::{Account, Deployment, ExternalValue, GeneratedValue, Role};
use crate::eval::{evaluate_partial, PartialMatch, Request, RequestPrincipal, Residual};
use crate::policy::PolicyDocument;
use crate::principal::{Principal, PrincipalKind};
use crate::render::iam::Resolution;
use crate::statement::{Effect, PrincipalClause, ResourceClause};
use crate::text::{LateBound, ObjectKind, Resolver, Segment, Text, UnresolvedError};
use crate::write::JsonStyle;

pub use invariant::{help, Invariant, InvariantError, Selector};
pub use query::{Grant, Path, WhoCan};

/// A policy document of a role, resolved, with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePolicy {
    /// Where the document comes from.
    pub source: PolicySource,
    /// The document, every late-bound value resolved.
    pub document: PolicyDocument,
}

/// Where a role's policy document comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicySource {
    /// The role's trust policy.
    Trust,
    /// An inline policy, by name.
    Inline(String),
    /// A customer managed policy of one of the deployments, by ARN.
    Managed(String),
    /// An AWS managed policy rolewright knows the document of, by ARN.
    AwsManaged(String),
}

impl fmt::Display for PolicySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicySource::Trust => f.write_str("trust policy"),
            PolicySource::Inline(n) => write!(f, "inline policy `{n}`"),
            PolicySource::Managed(a) => write!(f, "managed policy `{a}`"),
            PolicySource::AwsManaged(a) => write!(f, "AWS managed policy `{a}`"),
        }
    }
}

/// A role of one of the deployments, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleNode {
    /// The blueprint of its deployment.
    pub blueprint: String,
    /// The role's key in its deployment.
    pub key: String,
    /// The account key in its deployment.
    pub account_key: String,
    /// The account id (or `{account-key}` when the resolution gives none).
    pub account_id: String,
    /// The role's ARN.
    pub arn: String,
    /// The role's path and name (`/sym/SymRuntimeProd-Eu`).
    pub path_name: String,
    /// The trust policy.
    pub trust: PolicyDocument,
    /// The identity policies rolewright knows the documents of.
    pub identity: Vec<RolePolicy>,
    /// Attached policies whose documents rolewright does not know (AWS managed policies other
    /// than those vendored, or ARNs outside the deployments).
    pub unmodelled: Vec<String>,
}

/// A node of the trust graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    /// A role of the deployments (index into [`TrustGraph::roles`]).
    Role(usize),
    /// An OpenID Connect provider (ARN, or an IdP domain such as `accounts.google.com`).
    Oidc {
        /// The provider ARN or domain, as the trust policy names it.
        provider: String,
        /// The host and path its condition keys start with.
        host: String,
        /// The audiences the provider accepts, when it is an object of the deployments.
        audiences: Option<Vec<String>>,
    },
    /// A SAML provider.
    Saml {
        /// The provider ARN.
        provider: String,
    },
    /// Any principal of an account that no deployment models (the account's root in a trust
    /// policy delegates to the account's own identity policies).
    Account {
        /// The account id.
        id: String,
        /// Whether the account is one of the deployments' accounts.
        known: bool,
    },
    /// One IAM principal outside the deployments (a partner's role, a worker pool's role).
    Principal {
        /// Its ARN.
        arn: String,
        /// Whether its account is one of the deployments' accounts.
        known: bool,
    },
    /// An AWS service.
    Service {
        /// The service principal (`ec2.amazonaws.com`).
        name: String,
    },
    /// Anyone (`"Principal": "*"`).
    Anyone,
    /// Roles outside the deployments that a role's identity policy may assume.
    OutsideRoles {
        /// The resource pattern (`arn:aws:iam::*:role/sym/*`); `*` for every role.
        pattern: String,
    },
}

impl Node {
    /// True for the principals paths start from: everything but roles, whether of the
    /// deployments or outside them.
    pub fn is_source(&self) -> bool {
        !matches!(self, Node::Role(_) | Node::OutsideRoles { .. })
    }

    /// True for principals outside the deployments' accounts (third parties).
    pub fn is_third_party(&self) -> bool {
        matches!(
            self,
            Node::Account { known: false, .. } | Node::Principal { known: false, .. }
        )
    }
}

/// An edge: the caller can assume the target when the conditions hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The caller (index into [`TrustGraph::nodes`]).
    pub from: usize,
    /// The target.
    pub to: usize,
    /// The STS action (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, ...).
    pub action: String,
    /// Condition tests that must all hold (keys the caller chooses or brings).
    pub conditions: Vec<Residual>,
    /// `Deny` statements that apply when all of their tests hold, beyond those folded into
    /// [`Edge::conditions`] as negations.
    pub unless: Vec<Vec<Residual>>,
    /// The statements that decided the edge.
    pub because: Vec<StatementRef>,
    /// True when a `Deny` statement removes what an `Allow` grants: drawn, never walked.
    pub denied: bool,
}

/// A statement of a role's policy, located for people.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatementRef {
    /// The role (index into [`TrustGraph::roles`]).
    pub role: usize,
    /// The policy.
    pub source: PolicySource,
    /// The JSON path of the statement in the policy (`/Statement/0`).
    pub path: String,
    /// The statement's effect.
    pub effect: Effect,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
}

/// The trust graph of one or more deployments.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustGraph {
    /// The roles of the deployments, in deployment and role order.
    pub roles: Vec<RoleNode>,
    /// Every node: roles first (node `i` is role `i`), then outside principals and outside
    /// roles, in order of first appearance.
    pub nodes: Vec<Node>,
    /// Every edge, in a deterministic order.
    pub edges: Vec<Edge>,
}

impl RoleNode {
    /// Whether `name` is the role's ARN, key, `blueprint/key` or role name.
    pub fn is_named(&self, name: &str) -> bool {
        self.arn == name
            || self.key == name
            || self.path_name.rsplit('/').next() == Some(name)
            || self.key_in_blueprint().eq(name)
    }

    /// `blueprint/key`.
    pub fn key_in_blueprint(&self) -> String {
        format!("{}/{}", self.blueprint, self.key)
    }
}

/// The resolution's values, and readable placeholders where it has none: `{account-key}` for
/// an account id (distinct per account, so ARNs still tell accounts apart), `{region}`,
/// `{generated.NAME}`, `{external.NAME}`; the partition defaults to `aws`.
struct Fallback<'a> {
    resolution: &'a Resolution,
    accounts: BTreeMap<String, String>,
    generated: BTreeMap<String, String>,
    externals: BTreeMap<String, String>,
    partition: String,
    region: String,
}

impl<'a> Fallback<'a> {
    fn new(d: &Deployment, resolution: &'a Resolution) -> Self {
        let accounts = d
            .accounts
            .iter()
            .map(|a| {
                let id = Values::account_id(resolution, a)
                    .map_or_else(|| format!("{{{}}}", a.key), str::to_owned);
                (a.key.clone(), id)
            })
            .collect();
        let generated = d
            .generated
            .iter()
            .map(|g| (g.name.clone(), format!("{{generated.{}}}", g.name)))
            .collect();
        let externals = d
            .externals
            .iter()
            .map(|e| (e.name.clone(), format!("{{external.{}}}", e.name)))
            .collect();
        Fallback {
            resolution,
            accounts,
            generated,
            externals,
            partition: resolution
                .partition
                .clone()
                .unwrap_or_else(|| "aws".to_owned()),
            region: resolution
                .region
                .clone()
                .unwrap_or_else(|| "{region}".to_owned()),
        }
    }
}

impl Values for Fallback<'_> {
    fn account_id<'s>(&'s self, account: &'s Account) -> Option<&'s str> {
        self.accounts.get(&account.key).map(String::as_str)
    }

    fn partition<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
        Some(&self.partition)
    }

    fn region<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
        Some(&self.region)
    }

    fn generated<'s>(&'s self, value: &'s GeneratedValue) -> Option<&'s str> {
        Values::generated(self.resolution, value)
            .or(value.fixed.as_deref())
            .or_else(|| self.generated.get(&value.name).map(String::as_str))
    }

    fn external<'s>(&'s self, value: &'s ExternalValue) -> Option<&'s str> {
        Values::external(self.resolution, value)
            .or(value.value.as_deref())
            .or_else(|| self.externals.get(&value.name).map(String::as_str))
    }

    fn role_unique_id(&self, role: &Role, _: &str) -> Option<String> {
        Some(format!("{{role.{}.unique_id}}", role.key))
    }
}

/// A resolver that writes `{value}` for whatever the inner one cannot resolve (a reference to
/// an object the deployment lacks): the graph shows it rather than failing.
struct OrPlaceholder<'r, R>(&'r R);

impl<R: Resolver> Resolver for OrPlaceholder<'_, R> {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(self
            .0
            .resolve(late)
            .unwrap_or_else(|_| Cow::Owned(format!("{{{late}}}"))))
    }
}

fn resolve_text(t: &Text, res: &impl Resolver) -> String {
    t.resolve(&OrPlaceholder(res))
        .unwrap_or_else(|_| t.to_string())
}

/// A document with every late-bound value resolved. Written and read back through the
/// canonical writer, so the statement indices (and JSON paths) are the original's.
fn resolve_doc(doc: &PolicyDocument, res: &impl Resolver) -> PolicyDocument {
    doc.render(&OrPlaceholder(res), JsonStyle::Compact)
        .ok()
        .and_then(|json| PolicyDocument::from_json(&json).ok())
        .unwrap_or_else(|| doc.clone())
}

fn only_late(text: &Text) -> Option<&LateBound> {
    match text.segments() {
        [Segment::Late(l)] => Some(l),
        _ => None,
    }
}

/// The account id in an AWS principal (`123456789012`, `arn:…:123456789012:…`).
fn principal_account_id(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    crate::principal::principal_account(value)
}

fn is_account_principal(value: &str) -> bool {
    (value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())) || value.ends_with(":root")
}

/// One deployment with what resolves its late-bound values.
struct Input<'a> {
    deployment: &'a Deployment,
    index: Index<'a>,
    values: Fallback<'a>,
}

impl Input<'_> {
    /// The resolver for objects deployed to the account keyed `account`.
    fn resolver<'s>(&'s self, account: &'s str) -> Concrete<'s, Fallback<'s>> {
        Concrete::new(&self.index, &self.values, account)
    }
}

impl TrustGraph {
    /// Builds the graph of `deployments` with the values their configs give: account ids
    /// known to a deployment, partition `aws`, and placeholders for the rest.
    pub fn of(deployments: &[Deployment]) -> Self {
        let resolution = Resolution {
            partition: Some("aws".to_owned()),
            ..Resolution::default()
        };
        Self::build(deployments.iter().map(|d| (d, &resolution)))
    }

    /// Builds the graph of `deployments`, each with the resolution of its late-bound values.
    pub fn build<'a>(
        deployments: impl IntoIterator<Item = (&'a Deployment, &'a Resolution)>,
    ) -> Self {
        let inputs: Vec<Input<'a>> = deployments
            .into_iter()
            .map(|(deployment, resolution)| Input {
                deployment,
                index: Index::new(deployment),
                values: Fallback::new(deployment, resolution),
            })
            .collect();
        let mut g = TrustGraph {
            roles: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        let (known_accounts, providers, managed) = g.collect(&inputs);
        g.resolve_roles(&inputs, &managed);
        for i in 0..g.roles.len() {
            g.nodes.push(Node::Role(i));
        }
        g.outside_principals(&known_accounts, &providers);
        g.assume_edges();
        g.outside_role_edges();
        g.edges.sort_by(|a, b| {
            (a.from, a.to, &a.action, a.denied, &a.conditions).cmp(&(
                b.from,
                b.to,
                &b.action,
                b.denied,
                &b.conditions,
            ))
        });
        g.edges.dedup_by(|a, b| {
            a.from == b.from
                && a.to == b.to
                && a.action == b.action
                && a.conditions == b.conditions
                && a.denied == b.denied
        });
        g
    }

    /// Account ids, OIDC providers (ARN → host, audiences) and customer managed policies
    /// (ARN → document) of every deployment.
    #[allow(clippy::type_complexity)]
    fn collect(
        &self,
        inputs: &[Input<'_>],
    ) -> (
        BTreeSet<String>,
        BTreeMap<String, (String, Vec<String>)>,
        BTreeMap<String, PolicyDocument>,
    ) {
        let mut accounts = BTreeSet::new();
        let mut providers = BTreeMap::new();
        let mut managed = BTreeMap::new();
        for input in inputs {
            let d = input.deployment;
            for a in &d.accounts {
                let res = input.resolver(&a.key);
                accounts.insert(resolve_text(&LateBound::account(&a.key).into(), &res));
            }
            for p in &d.oidc_providers {
                let res = input.resolver(&p.account);
                providers.insert(
                    resolve_text(&p.arn(), &res),
                    (p.host_path().to_owned(), p.client_ids.clone()),
                );
            }
            for p in &d.policies {
                let res = input.resolver(&p.account);
                managed.insert(resolve_text(&p.arn(), &res), resolve_doc(&p.document, &res));
            }
        }
        (accounts, providers, managed)
    }

    fn resolve_roles(&mut self, inputs: &[Input<'_>], managed: &BTreeMap<String, PolicyDocument>) {
        for input in inputs {
            let d = input.deployment;
            for role in &d.roles {
                self.roles.push(resolve_role(input, role, managed));
            }
        }
    }

    /// The outside principals every trust policy names, as nodes.
    fn outside_principals(
        &mut self,
        known_accounts: &BTreeSet<String>,
        providers: &BTreeMap<String, (String, Vec<String>)>,
    ) {
        let mut found = Vec::new();
        for role in &self.roles {
            for st in &role.trust.statements {
                if st.effect != Effect::Allow {
                    continue;
                }
                let principal = match &st.principal {
                    Some(PrincipalClause::Principal(p)) => p,
                    // Allow with NotPrincipal admits everyone but the listed.
                    Some(PrincipalClause::NotPrincipal(_)) => {
                        found.push(Node::Anyone);
                        continue;
                    }
                    None => continue,
                };
                let entries: Vec<(PrincipalKind, String)> = match principal {
                    Principal::Any => vec![(PrincipalKind::Aws, "*".to_owned())],
                    Principal::Map(_) => principal
                        .entries()
                        .map(|(k, v)| (k, v.with_placeholders().into_owned()))
                        .collect(),
                };
                for (kind, value) in entries {
                    let node = match kind {
                        PrincipalKind::Aws if value == "*" => Node::Anyone,
                        PrincipalKind::Aws if is_account_principal(&value) => {
                            let id = principal_account_id(&value).unwrap_or(&value).to_owned();
                            let known = known_accounts.contains(&id);
                            Node::Account { id, known }
                        }
                        PrincipalKind::Aws => {
                            if self.roles.iter().any(|r| r.arn == value) {
                                continue;
                            }
                            let known = principal_account_id(&value)
                                .is_some_and(|a| known_accounts.contains(a));
                            Node::Principal { arn: value, known }
                        }
                        PrincipalKind::Service => Node::Service { name: value },
                        PrincipalKind::Federated if value.contains(":saml-provider/") => {
                            Node::Saml { provider: value }
                        }
                        PrincipalKind::Federated => {
                            let (host, audiences) = match providers.get(&value) {
                                Some((h, a)) => (h.clone(), Some(a.clone())),
                                None => (
                                    value
                                        .split_once(":oidc-provider/")
                                        .map_or(value.as_str(), |(_, h)| h)
                                        .to_owned(),
                                    None,
                                ),
                            };
                            Node::Oidc {
                                provider: value,
                                host,
                                audiences,
                            }
                        }
                        PrincipalKind::CanonicalUser => continue,
                    };
                    found.push(node);
                }
            }
        }
        for node in found {
            self.node(node);
        }
    }

    /// The index of `node`, added when new.
    fn node(&mut self, node: Node) -> usize {
        match self.nodes.iter().position(|n| *n == node) {
            Some(i) => i,
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        }
    }

    /// The request a node makes to assume a role, and the context its identity fixes.
    fn caller_request(&self, caller: usize, target_arn: &str) -> Option<Request> {
        let r = |action: &str| Request::new(action, target_arn);
        Some(match &self.nodes[caller] {
            Node::Role(i) => {
                let role = &self.roles[*i];
                r("sts:AssumeRole")
                    .principal(RequestPrincipal::Aws(role.arn.clone()))
                    .with("aws:PrincipalArn", [role.arn.as_str()])
                    .with("aws:PrincipalAccount", [role.account_id.as_str()])
                    .with("aws:PrincipalType", ["AssumedRole"])
            }
            Node::Account { id, .. } => r("sts:AssumeRole")
                .principal(RequestPrincipal::Aws(format!("arn:aws:iam::{id}:root")))
                .with("aws:PrincipalAccount", [id.as_str()]),
            Node::Principal { arn, .. } => {
                let mut req = r("sts:AssumeRole")
                    .principal(RequestPrincipal::Aws(arn.clone()))
                    .with("aws:PrincipalArn", [arn.as_str()]);
                if let Some(a) = principal_account_id(arn) {
                    req = req.with("aws:PrincipalAccount", [a]);
                }
                req
            }
            Node::Service { name } => {
                r("sts:AssumeRole").principal(RequestPrincipal::Service(name.clone()))
            }
            Node::Anyone => r("sts:AssumeRole").principal(RequestPrincipal::Aws("*".to_owned())),
            Node::Oidc { provider, .. } => r("sts:AssumeRoleWithWebIdentity")
                .principal(RequestPrincipal::Federated(provider.clone())),
            Node::Saml { provider } => {
                r("sts:AssumeRoleWithSAML").principal(RequestPrincipal::Federated(provider.clone()))
            }
            Node::OutsideRoles { .. } => return None,
        })
    }

    /// Edges into every role of the deployments, from every node.
    fn assume_edges(&mut self) {
        let mut edges = Vec::new();
        for to in 0..self.roles.len() {
            for from in 0..self.nodes.len() {
                let Some(request) = self.caller_request(from, &self.roles[to].arn) else {
                    continue;
                };
                edges.extend(self.edge(from, to, &request));
            }
        }
        self.edges.extend(edges);
    }

    /// The edges (one per way of being allowed) from `from` into role `to`.
    fn edge(&self, from: usize, to: usize, request: &Request) -> Vec<Edge> {
        let target = &self.roles[to];
        let trust = evaluate_partial(&[&target.trust], request);
        let trust_allows: Vec<&PartialMatch> =
            trust.iter().filter(|m| m.effect == Effect::Allow).collect();
        if trust_allows.is_empty() {
            return Vec::new();
        }
        let mut denies: Vec<(StatementRef, &PartialMatch)> = trust
            .iter()
            .filter(|m| m.effect == Effect::Deny)
            .map(|m| (self.statement_ref(to, &PolicySource::Trust, m), m))
            .collect();
        // A role caller also needs its own identity policies to allow the call, unless the
        // trust policy names it and it is in the same account.
        let mut identity_allows: Vec<Option<(StatementRef, &PartialMatch)>> = vec![None];
        let identity;
        if let Node::Role(ci) = self.nodes[from] {
            let caller = &self.roles[ci];
            let docs: Vec<&PolicyDocument> = caller.identity.iter().map(|p| &p.document).collect();
            identity = evaluate_partial(&docs, request);
            let named = trust_allows
                .iter()
                .any(|m| names_principal(&target.trust, m.statement.1, &caller.arn))
                && caller.account_id == target.account_id;
            let allows: Vec<Option<(StatementRef, &PartialMatch)>> = identity
                .iter()
                .filter(|m| m.effect == Effect::Allow)
                .map(|m| {
                    let source = &caller.identity[m.statement.0].source;
                    Some((self.statement_ref(ci, source, m), m))
                })
                .collect();
            if !named {
                identity_allows = allows;
            }
            for m in identity.iter().filter(|m| m.effect == Effect::Deny) {
                let source = &caller.identity[m.statement.0].source;
                denies.push((self.statement_ref(ci, source, m), m));
            }
        }
        let action = request.action.clone();
        // An unconditional Deny: the edge is drawn as denied and never walked.
        if let Some((r, _)) = denies.iter().find(|(_, m)| m.open.is_empty()) {
            return vec![Edge {
                from,
                to,
                action,
                conditions: Vec::new(),
                unless: Vec::new(),
                because: vec![r.clone()],
                denied: true,
            }];
        }
        let mut implicit = Vec::new();
        if let Node::Oidc {
            host,
            audiences: Some(aud),
            ..
        } = &self.nodes[from]
        {
            // The provider accepts only tokens for its audiences.
            implicit.push(Residual {
                operator: crate::condition::ConditionOperator::new(
                    crate::condition::BaseOperator::StringEquals,
                ),
                key: format!("{host}:aud"),
                values: aud.clone(),
            });
        }
        let mut out = Vec::new();
        for t in &trust_allows {
            for i in &identity_allows {
                let mut conditions: Vec<Residual> = t.open.clone();
                let mut because = vec![self.statement_ref(to, &PolicySource::Trust, t)];
                if let Some((r, m)) = i {
                    conditions.extend(m.open.iter().cloned());
                    because.push(r.clone());
                }
                let mut unless = Vec::new();
                for (r, d) in &denies {
                    match solve::negate(&d.open) {
                        Some(n) => conditions.push(n),
                        None => unless.push(d.open.clone()),
                    }
                    because.push(r.clone());
                }
                conditions.sort();
                conditions.dedup();
                let mut check = conditions.clone();
                check.extend(implicit.iter().cloned());
                if !solve::satisfiable(check.iter().map(|c| (0, c))) {
                    continue;
                }
                out.push(Edge {
                    from,
                    to,
                    action: action.clone(),
                    conditions,
                    unless,
                    because,
                    denied: false,
                });
            }
        }
        out
    }

    fn statement_ref(&self, role: usize, source: &PolicySource, m: &PartialMatch) -> StatementRef {
        let doc = match source {
            PolicySource::Trust => Some(&self.roles[role].trust),
            _ => self.roles[role]
                .identity
                .iter()
                .find(|p| &p.source == source)
                .map(|p| &p.document),
        };
        StatementRef {
            role,
            source: source.clone(),
            path: format!("/Statement/{}", m.statement.1),
            effect: m.effect,
            sid: doc
                .and_then(|d| d.statements.get(m.statement.1))
                .and_then(|s| s.sid.clone()),
        }
    }

    /// Edges from roles to the roles outside the deployments their identity policies allow
    /// them to assume.
    fn outside_role_edges(&mut self) {
        let mut found = Vec::new();
        for ci in 0..self.roles.len() {
            let caller = &self.roles[ci];
            let mut patterns = BTreeSet::new();
            for p in &caller.identity {
                for st in &p.document.statements {
                    if st.effect != Effect::Allow || !allows_assume(st) {
                        continue;
                    }
                    match &st.resource {
                        Some(ResourceClause::Resource(r)) => {
                            for t in r {
                                let s = t.with_placeholders().into_owned();
                                if may_name_role(&s) {
                                    patterns.insert(s);
                                }
                            }
                        }
                        Some(ResourceClause::NotResource(_)) => {
                            patterns.insert("*".to_owned());
                        }
                        None => {}
                    }
                }
            }
            for pattern in patterns {
                // An exact ARN of a role of the deployments is that role, not an outside one.
                let exact = !pattern.contains(['*', '?']);
                if exact && self.roles.iter().any(|r| r.arn == pattern) {
                    continue;
                }
                found.push((ci, pattern));
            }
        }
        for (ci, pattern) in found {
            let Some(request) = self.caller_request(ci, &pattern) else {
                continue;
            };
            let caller = &self.roles[ci];
            let docs: Vec<&PolicyDocument> = caller.identity.iter().map(|p| &p.document).collect();
            let matches = evaluate_partial(&docs, &request);
            if matches
                .iter()
                .any(|m| m.effect == Effect::Deny && m.open.is_empty())
            {
                continue;
            }
            let refs: Vec<(StatementRef, Vec<Residual>)> = matches
                .iter()
                .filter(|m| m.effect == Effect::Allow)
                .map(|m| {
                    let source = caller.identity[m.statement.0].source.clone();
                    (self.statement_ref(ci, &source, m), m.open.clone())
                })
                .collect();
            if refs.is_empty() {
                continue;
            }
            let to = self.node(Node::OutsideRoles { pattern });
            for (r, conditions) in refs {
                self.edges.push(Edge {
                    from: ci,
                    to,
                    action: "sts:AssumeRole".to_owned(),
                    conditions,
                    unless: Vec::new(),
                    because: vec![r],
                    denied: false,
                });
            }
        }
    }

    /// A short, stable label for a node.
    pub fn label(&self, node: usize) -> String {
        match &self.nodes[node] {
            Node::Role(i) => {
                let r = &self.roles[*i];
                format!("role {} in {}", r.path_name, r.account_id)
            }
            Node::Oidc { provider, .. } => format!("OIDC {provider}"),
            Node::Saml { provider } => format!("SAML {provider}"),
            Node::Account { id, known: true } => format!("principals of account {id}"),
            Node::Account { id, known: false } => format!("third-party account {id}"),
            Node::Principal { arn, known: true } => format!("principal {arn}"),
            Node::Principal { arn, known: false } => format!("third-party principal {arn}"),
            Node::Service { name } => format!("service {name}"),
            Node::Anyone => "anyone (*)".to_owned(),
            Node::OutsideRoles { pattern } if pattern == "*" => {
                "any role outside these deployments".to_owned()
            }
            Node::OutsideRoles { pattern } => format!("roles outside these deployments: {pattern}"),
        }
    }

    /// Where a statement is, for people: `landing-zone role foundation-oidc, inline policy
    /// `allowassume` /Statement/0 (Sid GlobalOrgAccess)`.
    pub fn locate(&self, r: &StatementRef) -> String {
        let role = &self.roles[r.role];
        let sid = r
            .sid
            .as_ref()
            .map(|s| format!(" (Sid `{s}`)"))
            .unwrap_or_default();
        format!(
            "{} role `{}`, {} {}{sid}",
            role.blueprint, role.key, r.source, r.path
        )
    }

    /// The node index of the first role named `name`: its ARN, key, `blueprint/key` or role
    /// name.
    pub fn find_role(&self, name: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.is_named(name))
    }
}

/// Whether the trust statement `index` names `arn` itself (not its account) as principal.
fn names_principal(trust: &PolicyDocument, index: usize, arn: &str) -> bool {
    trust
        .statements
        .get(index)
        .and_then(|s| s.principal.as_ref())
        .is_some_and(|p| match p {
            PrincipalClause::Principal(p) => p
                .values(PrincipalKind::Aws)
                .iter()
                .any(|v| v.with_placeholders() == arn),
            PrincipalClause::NotPrincipal(_) => false,
        })
}

/// Whether an Allow statement's actions include `sts:AssumeRole`.
fn allows_assume(st: &crate::statement::Statement) -> bool {
    let listed = st
        .action
        .actions()
        .iter()
        .any(|a| crate::action::glob_match_ci(a.as_str(), "sts:AssumeRole"));
    listed != st.action.is_not()
}

/// Whether a resource pattern can match a role ARN.
fn may_name_role(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some([_, _, service, _, _, resource]) = crate::arn::split_fields(pattern) else {
        return false;
    };
    let service_ok = crate::action::glob_match(service, "iam");
    let head: String = resource
        .chars()
        .take_while(|c| *c != '*' && *c != '?')
        .collect();
    let resource_ok = resource.starts_with("role/")
        || (head.len() < resource.len() && "role/".starts_with(head.as_str()));
    service_ok && resource_ok
}

fn resolve_role(
    input: &Input<'_>,
    role: &Role,
    managed: &BTreeMap<String, PolicyDocument>,
) -> RoleNode {
    let d = input.deployment;
    let res = input.resolver(&role.account);
    let mut identity = Vec::new();
    for (name, doc) in &role.inline_policies {
        identity.push(RolePolicy {
            source: PolicySource::Inline(name.clone()),
            document: resolve_doc(doc, &res),
        });
    }
    let mut unmodelled = Vec::new();
    for arn in &role.managed_policy_arns {
        let in_deployment = match only_late(arn) {
            Some(LateBound::Ref(r)) if r.kind == ObjectKind::Policy => d.policy(&r.key),
            _ => None,
        };
        let resolved = resolve_text(arn, &res);
        if let Some(p) = in_deployment {
            let pres = input.resolver(&p.account);
            identity.push(RolePolicy {
                source: PolicySource::Managed(resolved),
                document: resolve_doc(&p.document, &pres),
            });
        } else if let Some(doc) = managed.get(&resolved) {
            identity.push(RolePolicy {
                source: PolicySource::Managed(resolved),
                document: doc.clone(),
            });
        } else if let Some(doc) = aws_managed::document(&resolved) {
            identity.push(RolePolicy {
                source: PolicySource::AwsManaged(resolved),
                document: doc,
            });
        } else {
            unmodelled.push(resolved);
        }
    }
    RoleNode {
        blueprint: d.blueprint.clone(),
        key: role.key.clone(),
        account_key: role.account.clone(),
        account_id: resolve_text(&LateBound::account(&role.account).into(), &res),
        arn: resolve_text(&role.arn(), &res),
        path_name: format!("{}{}", role.path, role.name),
        trust: resolve_doc(&role.trust, &res),
        identity,
        unmodelled,
    }
}

#[cfg(test)]
mod tests;
