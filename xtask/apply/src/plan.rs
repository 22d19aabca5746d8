//! The plan: a pure function of (desired state, observed state) → the changes and the exact
//! IAM calls that make the accounts match the deployment.
//!
//! Documents are compared with IAM policy equivalence ([`iam_model::equivalent`]), never as
//! text: IAM percent-encodes what it returns, keeps no order you can rely on, and stores an
//! account id as its `:root` ARN. An object is touched only when this deployment owns it (its
//! `rolewright:blueprint` and `rolewright:instance` tags) or the user adopts it; anything else
//! with a desired object's name is a [`Conflict`], and apply refuses to start. Owned objects
//! the deployment no longer declares are deleted, as Terraform deletes removed resources.
//!
//! Changes come out in the order apply executes them: OIDC providers and managed policies
//! first (trust policies and attachments name them), roles next (a role named in another
//! role's trust policy before that role), then deletions: roles, policies, providers.

pub(crate) mod diff;
pub(crate) mod ops;

use std::collections::{BTreeMap, BTreeSet};

use iam_model::{equivalent, PolicyDocument};
use serde::Serialize;

use crate::desired::{
    Declared, Deferred, Desired, DesiredOidc, DesiredPolicy, DesiredRole, GeneratedSource,
    GeneratedStatus, Kind,
};
use crate::state::{
    decode_document, ObservedAccount, ObservedOidcProvider, ObservedPolicy, Ownership,
};

pub use diff::trust_widening;
pub use ops::Op;

/// What happens to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// It does not exist and will be created.
    Create,
    /// It exists and will be changed in place.
    Update,
    /// It exists and will be deleted and created again (a path or description IAM cannot
    /// change in place).
    Replace,
    /// It will be deleted.
    Delete,
    /// It already matches.
    NoOp,
}

impl Action {
    /// How the human plan says it (`will be created`).
    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "will be created",
            Action::Update => "will be updated in place",
            Action::Replace => "must be replaced",
            Action::Delete => "will be DELETED",
            Action::NoOp => "is up to date",
        }
    }

    /// The marker the human plan puts before the object (`+`, `~`, `-/+`, `-`).
    pub fn marker(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
            Action::NoOp => " ",
        }
    }
}

/// One line of what changes in an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// A scalar attribute (`path`, `description`, `max_session_duration`), values as JSON text.
    Attribute {
        /// The attribute.
        name: String,
        /// Its current value.
        before: Option<String>,
        /// Its new value.
        after: Option<String>,
    },
    /// A policy document, as canonical pretty JSON.
    Document {
        /// `trust_policy`, `document`, or `inline_policy.NAME`.
        name: String,
        /// The live document (canonical form, or the text IAM returned when it does not parse).
        before: Option<String>,
        /// The desired document.
        after: Option<String>,
    },
    /// A member added to or removed from a set (attachments, client ids).
    Member {
        /// The set (`managed_policy_arns`, `client_ids`).
        name: String,
        /// The member.
        value: String,
        /// Added (true) or removed.
        added: bool,
    },
    /// A tag.
    Tag {
        /// The key.
        key: String,
        /// Its current value.
        before: Option<String>,
        /// Its new value.
        after: Option<String>,
    },
    /// A remark (`adopted`, why a replacement is needed, what a deletion detaches).
    Note(String),
}

/// A change to one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What happens.
    pub action: Action,
    /// The kind of object.
    pub kind: Kind,
    /// The account id.
    pub account_id: String,
    /// The name (an OIDC provider's URL host and path).
    pub name: String,
    /// What changes, for people and for `--format json`.
    pub details: Vec<Detail>,
    /// The IAM calls, in order.
    pub ops: Vec<Op>,
    /// Loud warnings: trust widening, deletions, replacements.
    pub warnings: Vec<String>,
}

/// An object the plan may not touch: it exists with a desired object's name but belongs to
/// someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The kind of object.
    pub kind: Kind,
    /// The account id.
    pub account_id: String,
    /// The name.
    pub name: String,
    /// What is wrong.
    pub reason: String,
    /// How to proceed.
    pub help: String,
    /// The ownership tags it carries (`blueprint/instance`), when it is another rolewright
    /// deployment's; `None` for an object without them (or a pre-flight finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// The plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Every object's change, no-ops included, in execution order.
    pub changes: Vec<Change>,
    /// Objects that block the apply.
    pub conflicts: Vec<Conflict>,
    /// Warnings not tied to one change (a rotated external id).
    pub warnings: Vec<String>,
    /// Generated values and where they came from.
    pub generated: Vec<GeneratedStatus>,
    /// Objects left for a second round of apply.
    pub deferred: Vec<Deferred>,
    /// Objects a destroy leaves alone because the deployment does not own them.
    pub skipped: Vec<Conflict>,
    /// What IAM would reject (missing policies or principals, quotas), found by the
    /// pre-flight before anything is written; filled in by the engine.
    pub preflight: Vec<Conflict>,
}

impl Plan {
    /// The number of IAM write calls the plan makes.
    pub fn write_calls(&self) -> usize {
        self.changes.iter().map(|c| c.ops.len()).sum()
    }

    /// True when applying would call IAM at all.
    pub fn has_changes(&self) -> bool {
        self.write_calls() > 0
    }

    /// How many changes have `action`.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

/// Switches for planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// Take over objects this deployment does not own (and, for destroy, delete them).
    pub adopt: bool,
}

/// Plans converging the accounts in `observed` (by account id) to `desired`.
pub fn plan(
    desired: &Desired,
    observed: &BTreeMap<String, ObservedAccount>,
    opts: &PlanOptions,
) -> Plan {
    let mut p = Planner::new(&desired.blueprint, &desired.instance, observed, opts);
    p.plan.generated = desired.generated.clone();
    p.plan.deferred = desired.deferred.clone();
    for g in &desired.generated {
        if let GeneratedSource::Rotated { role } = &g.source {
            p.plan.warnings.push(format!(
                "generated value `{}` was not found in the live trust policy of role `{role}`: a NEW value will be written, and whoever assumes the role must be given it",
                g.name
            ));
        }
    }
    for o in &desired.oidc_providers {
        p.oidc(o);
    }
    let mut replaced: BTreeSet<(String, String)> = BTreeSet::new();
    for pol in &desired.policies {
        p.policy(pol, &mut replaced);
    }
    let roles: Vec<&DesiredRole> = role_order(&desired.roles);
    let mut detached_by_roles: BTreeSet<(String, String)> = BTreeSet::new();
    for r in &roles {
        p.role(r, &replaced, &mut detached_by_roles);
    }
    // Deletions of owned objects the deployment no longer declares.
    let declares = |kind: Kind, account: &str, name: &str| desired.declares(kind, account, name);
    p.orphans(&declares, &detached_by_roles);
    p.plan
}

/// Plans deleting what `declared` names and this deployment owns, plus owned objects it no
/// longer names. Unowned objects are left alone (listed in [`Plan::skipped`]) unless adopted.
pub fn plan_destroy(
    declared: &Declared,
    observed: &BTreeMap<String, ObservedAccount>,
    opts: &PlanOptions,
) -> Plan {
    let mut p = Planner::new(&declared.blueprint, &declared.instance, observed, opts);
    let none = |_: Kind, _: &str, _: &str| false;
    // Everything declared and existing is "not declared" for the purpose of a destroy; only
    // ownership decides.
    for (kind, account_id, name) in &declared.objects {
        let Some(acct) = observed.get(account_id) else {
            continue;
        };
        let tags = match kind {
            Kind::Role => crate::desired::find_role(acct, name).map(|r| &r.tags),
            Kind::Policy => find_policy(acct, name).and_then(|p| p.tags.as_ref()),
            Kind::OidcProvider => find_oidc(acct, name).map(|o| &o.tags),
        };
        let Some(tags) = tags else { continue };
        let own = Ownership::of(tags, &declared.blueprint, &declared.instance);
        if own != Ownership::Ours && !opts.adopt {
            p.plan.skipped.push(Conflict {
                kind: *kind,
                account_id: account_id.clone(),
                name: name.clone(),
                reason: format!("it is {}, so destroy leaves it alone", own.describe()),
                help: "pass `--adopt` to delete it anyway".to_owned(),
                owner: own.tag(),
            });
        }
    }
    p.adopt_for_delete = Some(declared);
    p.orphans(&none, &BTreeSet::new());
    p.plan
}

fn role_order(roles: &[DesiredRole]) -> Vec<&DesiredRole> {
    // Depth-first topological order on `depends_on`, stable in declaration order; a cycle
    // (two roles trusting each other) falls back to declaration order for the rest, and the
    // engine's propagation retries absorb it.
    fn visit<'a>(
        r: &'a DesiredRole,
        all: &'a [DesiredRole],
        seen: &mut BTreeSet<&'a str>,
        out: &mut Vec<&'a DesiredRole>,
    ) {
        if !seen.insert(&r.key) {
            return;
        }
        for dep in &r.depends_on {
            if let Some(d) = all.iter().find(|x| &x.key == dep) {
                visit(d, all, seen, out);
            }
        }
        out.push(r);
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for r in roles {
        visit(r, roles, &mut seen, &mut out);
    }
    out
}

fn find_policy<'o>(acct: &'o ObservedAccount, name: &str) -> Option<&'o ObservedPolicy> {
    acct.policies
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

fn find_oidc<'o>(acct: &'o ObservedAccount, host_path: &str) -> Option<&'o ObservedOidcProvider> {
    acct.oidc_providers
        .iter()
        .find(|o| o.url.trim_end_matches('/').eq_ignore_ascii_case(host_path))
}

struct Planner<'a> {
    blueprint: &'a str,
    instance: &'a str,
    observed: &'a BTreeMap<String, ObservedAccount>,
    opts: &'a PlanOptions,
    plan: Plan,
    /// Set for destroy: declared objects the user adopts are deleted like owned ones.
    adopt_for_delete: Option<&'a Declared>,
}

/// How the plan may treat an existing object.
enum Access {
    /// Owned: manage it.
    Owned,
    /// Not owned, but `--adopt`: manage it and tag it as ours.
    Adopted,
    /// Not owned: a conflict.
    Denied(Ownership),
}

impl<'a> Planner<'a> {
    fn new(
        blueprint: &'a str,
        instance: &'a str,
        observed: &'a BTreeMap<String, ObservedAccount>,
        opts: &'a PlanOptions,
    ) -> Self {
        Planner {
            blueprint,
            instance,
            observed,
            opts,
            plan: Plan::default(),
            adopt_for_delete: None,
        }
    }

    fn access(&self, tags: &BTreeMap<String, String>) -> Access {
        match Ownership::of(tags, self.blueprint, self.instance) {
            Ownership::Ours => Access::Owned,
            _ if self.opts.adopt => Access::Adopted,
            other => Access::Denied(other),
        }
    }

    fn owned(&self, tags: &BTreeMap<String, String>) -> bool {
        Ownership::of(tags, self.blueprint, self.instance) == Ownership::Ours
    }

    fn conflict(&mut self, kind: Kind, account_id: &str, name: &str, own: &Ownership) {
        self.plan.conflicts.push(Conflict {
            kind,
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            reason: format!("{} `{name}` already exists in account {account_id} and is {}", kind.as_str(), own.describe()),
            help: "pass `--adopt` to take it over (it is then tagged, updated and, on destroy, deleted as this deployment's), or rename the object in the config".to_owned(),
            owner: own.tag(),
        });
    }

    /// Records a change to `(kind, account id, name)`; an update without calls is a no-op.
    fn push(
        &mut self,
        action: Action,
        (kind, account_id, name): (Kind, &str, &str),
        details: Vec<Detail>,
        ops: Vec<Op>,
        warnings: Vec<String>,
    ) {
        let action = if action == Action::Update && ops.is_empty() {
            Action::NoOp
        } else {
            action
        };
        self.plan.changes.push(Change {
            action,
            kind,
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            details,
            ops,
            warnings,
        });
    }

    fn oidc(&mut self, o: &DesiredOidc) {
        let acct = self.observed.get(&o.account_id);
        let Some(obs) = acct.and_then(|a| find_oidc(a, &o.host_path)) else {
            let details = diff::oidc_create(o);
            self.push(
                Action::Create,
                (Kind::OidcProvider, &o.account_id, &o.host_path),
                details,
                vec![Op::CreateOidcProvider {
                    url: o.url.clone(),
                    client_ids: o.client_ids.clone(),
                    thumbprints: o.thumbprints.clone(),
                    tags: o.tags.clone(),
                }],
                vec![],
            );
            return;
        };
        let adopted = match self.access(&obs.tags) {
            Access::Denied(own) => {
                return self.conflict(Kind::OidcProvider, &o.account_id, &o.host_path, &own)
            }
            Access::Adopted => true,
            Access::Owned => false,
        };
        let (mut details, ops) = diff::oidc_update(o, obs);
        if adopted {
            details.insert(
                0,
                Detail::Note("adopted: tagged as this deployment's".to_owned()),
            );
        }
        self.push(
            Action::Update,
            (Kind::OidcProvider, &o.account_id, &o.host_path),
            details,
            ops,
            vec![],
        );
    }

    fn policy(&mut self, d: &DesiredPolicy, replaced: &mut BTreeSet<(String, String)>) {
        let acct = self.observed.get(&d.account_id);
        let Some(obs) = acct.and_then(|a| find_policy(a, &d.name)) else {
            let details = diff::policy_create(d);
            self.push(
                Action::Create,
                (Kind::Policy, &d.account_id, &d.name),
                details,
                vec![ops::create_policy(d)],
                vec![],
            );
            return;
        };
        let tags = obs.tags.clone().unwrap_or_default();
        let adopted = match self.access(&tags) {
            Access::Denied(own) => {
                return self.conflict(Kind::Policy, &d.account_id, &d.name, &own)
            }
            Access::Adopted => true,
            Access::Owned => false,
        };
        if obs.path != d.path || obs.description != d.description {
            // IAM cannot change a managed policy's path or description: delete and create.
            let Some(acct) = acct else { return };
            let mut details = vec![Detail::Note(
                "IAM cannot change a managed policy's path or description in place".to_owned(),
            )];
            if obs.path != d.path {
                details.push(Detail::Attribute {
                    name: "path".into(),
                    before: Some(json_str(&obs.path)),
                    after: Some(json_str(&d.path)),
                });
            }
            if obs.description != d.description {
                details.push(Detail::Attribute {
                    name: "description".into(),
                    before: Some(json_str(&obs.description)),
                    after: Some(json_str(&d.description)),
                });
            }
            let mut ops = Vec::new();
            if !self.detach_everywhere(acct, obs, &BTreeSet::new(), &mut ops, &mut details) {
                return;
            }
            ops.extend(ops::delete_policy_versions(obs));
            ops.push(Op::DeletePolicy {
                arn: obs.arn.clone(),
            });
            ops.push(ops::create_policy(d));
            replaced.insert((d.account_id.clone(), obs.arn.clone()));
            let warnings = vec![format!(
                "managed policy `{}` in account {} will be DELETED and created again; roles lose it for a moment",
                d.name, d.account_id
            )];
            self.push(
                Action::Replace,
                (Kind::Policy, &d.account_id, &d.name),
                details,
                ops,
                warnings,
            );
            return;
        }
        let (mut details, ops) = diff::policy_update(d, obs, &tags);
        if adopted {
            details.insert(
                0,
                Detail::Note("adopted: tagged as this deployment's".to_owned()),
            );
        }
        self.push(
            Action::Update,
            (Kind::Policy, &d.account_id, &d.name),
            details,
            ops,
            vec![],
        );
    }

    /// Detach ops for every attachment of `obs` except roles in `handled` (roles that detach it
    /// themselves). Attachments to objects this deployment does not own are conflicts unless
    /// adopted. Returns false when a conflict was recorded.
    fn detach_everywhere(
        &mut self,
        acct: &ObservedAccount,
        obs: &ObservedPolicy,
        handled: &BTreeSet<String>,
        ops: &mut Vec<Op>,
        details: &mut Vec<Detail>,
    ) -> bool {
        let mut foreign = Vec::new();
        for r in acct
            .roles
            .iter()
            .filter(|r| r.attached_policy_arns.contains(&obs.arn))
        {
            if handled.contains(&r.name) {
                continue;
            }
            if !self.owned(&r.tags) {
                foreign.push(format!("role `{}`", r.name));
            }
            details.push(Detail::Note(format!("detach from role `{}`", r.name)));
            ops.push(Op::DetachRolePolicy {
                role: r.name.clone(),
                arn: obs.arn.clone(),
            });
        }
        for u in &obs.attached_users {
            foreign.push(format!("user `{u}`"));
            details.push(Detail::Note(format!("detach from user `{u}`")));
            ops.push(Op::DetachUserPolicy {
                user: u.clone(),
                arn: obs.arn.clone(),
            });
        }
        for g in &obs.attached_groups {
            foreign.push(format!("group `{g}`"));
            details.push(Detail::Note(format!("detach from group `{g}`")));
            ops.push(Op::DetachGroupPolicy {
                group: g.clone(),
                arn: obs.arn.clone(),
            });
        }
        if !foreign.is_empty() && !self.opts.adopt {
            self.plan.conflicts.push(Conflict {
                kind: Kind::Policy,
                account_id: acct.account_id.clone(),
                name: obs.name.clone(),
                reason: format!(
                    "managed policy `{}` must be deleted, but it is attached to {} that this deployment does not own",
                    obs.name,
                    foreign.join(", ")
                ),
                help: "detach it there first, or pass `--adopt` to let rolewright detach it".to_owned(),
                owner: Some(format!("{}/{}", self.blueprint, self.instance)),
            });
            return false;
        }
        true
    }

    fn role(
        &mut self,
        d: &DesiredRole,
        replaced: &BTreeSet<(String, String)>,
        detached_by_roles: &mut BTreeSet<(String, String)>,
    ) {
        let acct = self.observed.get(&d.account_id);
        let Some(obs) = acct.and_then(|a| crate::desired::find_role(a, &d.name)) else {
            let details = diff::role_create(d);
            self.push(
                Action::Create,
                (Kind::Role, &d.account_id, &d.name),
                details,
                ops::create_role(d),
                vec![],
            );
            return;
        };
        let adopted = match self.access(&obs.tags) {
            Access::Denied(own) => return self.conflict(Kind::Role, &d.account_id, &d.name, &own),
            Access::Adopted => true,
            Access::Owned => false,
        };
        if obs.path != d.path {
            let mut details = vec![
                Detail::Note("IAM cannot change a role's path in place".to_owned()),
                Detail::Attribute {
                    name: "path".into(),
                    before: Some(json_str(&obs.path)),
                    after: Some(json_str(&d.path)),
                },
            ];
            details.extend(
                diff::role_create(d)
                    .into_iter()
                    .filter(|x| !matches!(x, Detail::Attribute { name, .. } if name == "path")),
            );
            let mut ops = ops::delete_role(obs);
            ops.extend(ops::create_role(d));
            for arn in &obs.attached_policy_arns {
                detached_by_roles.insert((d.account_id.clone(), arn.clone()));
            }
            let warnings = vec![format!(
                "role `{}` in account {} will be DELETED and created again: its sessions end, and policies elsewhere that name it by unique id stop matching",
                d.name, d.account_id
            )];
            self.push(
                Action::Replace,
                (Kind::Role, &d.account_id, &d.name),
                details,
                ops,
                warnings,
            );
            return;
        }
        let replaced_here: BTreeSet<&str> = replaced
            .iter()
            .filter(|(a, _)| a == &d.account_id)
            .map(|(_, arn)| arn.as_str())
            .collect();
        let out = diff::role_update(d, obs, &replaced_here);
        for arn in &out.detached {
            detached_by_roles.insert((d.account_id.clone(), arn.clone()));
        }
        let mut details = out.details;
        let mut warnings = out.warnings;
        if adopted {
            details.insert(
                0,
                Detail::Note("adopted: tagged as this deployment's".to_owned()),
            );
            // What the role had before rolewright took it over and loses now: say so.
            for op in &out.ops {
                match op {
                    Op::DeleteRolePolicy { name, .. } => warnings.push(format!(
                        "adopting role `{}` in account {} REMOVES its own inline policy `{name}`",
                        d.name, d.account_id
                    )),
                    Op::UntagRole { keys, .. } => {
                        for k in keys {
                            warnings.push(format!(
                                "adopting role `{}` in account {} REMOVES its tag `{k}`",
                                d.name, d.account_id
                            ));
                        }
                    }
                    Op::DetachRolePolicy { arn, .. } => warnings.push(format!(
                        "adopting role `{}` in account {} DETACHES managed policy `{arn}`",
                        d.name, d.account_id
                    )),
                    _ => {}
                }
            }
        }
        self.push(
            Action::Update,
            (Kind::Role, &d.account_id, &d.name),
            details,
            out.ops,
            warnings,
        );
    }

    /// Deletes owned objects `declares` does not name (for destroy: every owned object, and
    /// declared ones the user adopts).
    fn orphans(
        &mut self,
        declares: &dyn Fn(Kind, &str, &str) -> bool,
        detached_by_roles: &BTreeSet<(String, String)>,
    ) {
        let observed = self.observed;
        let deletable = |this: &Self,
                         kind: Kind,
                         account: &str,
                         name: &str,
                         tags: &BTreeMap<String, String>| {
            if declares(kind, account, name) {
                return false;
            }
            this.owned(tags)
                || (this.opts.adopt
                    && this
                        .adopt_for_delete
                        .is_some_and(|d| d.declares(kind, account, name)))
        };
        // Roles first: they detach their policies themselves.
        let mut deleted_roles: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (account_id, acct) in observed {
            for r in &acct.roles {
                if !deletable(self, Kind::Role, account_id, &r.name, &r.tags) {
                    continue;
                }
                deleted_roles
                    .entry(account_id.as_str())
                    .or_default()
                    .insert(r.name.clone());
                let mut details = Vec::new();
                for a in &r.attached_policy_arns {
                    details.push(Detail::Member {
                        name: "managed_policy_arns".into(),
                        value: a.clone(),
                        added: false,
                    });
                }
                for n in r.inline_policies.keys() {
                    details.push(Detail::Document {
                        name: format!("inline_policy.{n}"),
                        before: None,
                        after: None,
                    });
                }
                let warning = format!(
                    "role `{}` in account {} will be DELETED: every session and every trust that names it breaks",
                    r.name, account_id
                );
                self.push(
                    Action::Delete,
                    (Kind::Role, account_id, &r.name),
                    details,
                    ops::delete_role(r),
                    vec![warning],
                );
            }
        }
        for (account_id, acct) in observed {
            for pol in &acct.policies {
                let Some(tags) = &pol.tags else { continue };
                if !deletable(self, Kind::Policy, account_id, &pol.name, tags) {
                    continue;
                }
                // Roles being deleted, and managed roles whose update detaches it, handle
                // their own attachment.
                let mut handled: BTreeSet<String> = deleted_roles
                    .get(account_id.as_str())
                    .cloned()
                    .unwrap_or_default();
                if detached_by_roles.contains(&(account_id.clone(), pol.arn.clone())) {
                    for r in &acct.roles {
                        if r.attached_policy_arns.contains(&pol.arn) && self.owned(&r.tags) {
                            handled.insert(r.name.clone());
                        }
                    }
                }
                let mut details = Vec::new();
                let mut ops = Vec::new();
                if !self.detach_everywhere(acct, pol, &handled, &mut ops, &mut details) {
                    continue;
                }
                ops.extend(ops::delete_policy_versions(pol));
                ops.push(Op::DeletePolicy {
                    arn: pol.arn.clone(),
                });
                self.push(
                    Action::Delete,
                    (Kind::Policy, account_id, &pol.name),
                    details,
                    ops,
                    vec![],
                );
            }
        }
        for (account_id, acct) in observed {
            for o in &acct.oidc_providers {
                if !deletable(self, Kind::OidcProvider, account_id, &o.url, &o.tags) {
                    continue;
                }
                let warning = format!(
                    "OIDC provider `{}` in account {} will be DELETED: web identity federation through it stops",
                    o.url, account_id
                );
                self.push(
                    Action::Delete,
                    (Kind::OidcProvider, account_id, &o.url),
                    vec![],
                    vec![Op::DeleteOidcProvider { arn: o.arn.clone() }],
                    vec![warning],
                );
            }
        }
    }
}

/// A JSON string literal, for attribute values in details.
pub(crate) fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The canonical pretty form of a live document, or its decoded text when it does not parse.
pub(crate) fn live_document(raw: &str) -> (Option<PolicyDocument>, String) {
    match decode_document(raw) {
        Ok(doc) => {
            let text = doc.to_json_pretty().unwrap_or_else(|_| raw.to_owned());
            (Some(doc), text)
        }
        Err(_) => (None, raw.to_owned()),
    }
}

/// True when the live document `raw` means the same as `desired`.
pub(crate) fn same_document(raw: &str, desired: &PolicyDocument) -> bool {
    decode_document(raw).is_ok_and(|live| equivalent(&live, desired))
}
