//! Per-object diffs: what differs between one desired object and its live counterpart, as
//! details for people and the calls that fix it.

use std::collections::{BTreeMap, BTreeSet};

use iam_model::principal::normalize_aws_principal;
use iam_model::statement::PrincipalClause;
use iam_model::{equivalent, Effect, PolicyDocument, Principal, PrincipalKind};

use super::ops::{self, Op};
use super::{json_str, live_document, same_document, Detail};
use crate::desired::{DesiredOidc, DesiredPolicy, DesiredRole};
use crate::state::{decode_document, ObservedOidcProvider, ObservedPolicy, ObservedRole};

/// IAM allows five versions per managed policy.
pub const POLICY_VERSION_LIMIT: usize = 5;

fn pretty(doc: &PolicyDocument) -> String {
    doc.to_json_pretty().unwrap_or_default()
}

fn attr(name: &str, before: Option<String>, after: Option<String>) -> Detail {
    Detail::Attribute {
        name: name.to_owned(),
        before,
        after,
    }
}

fn tags_created(tags: &BTreeMap<String, String>) -> impl Iterator<Item = Detail> + '_ {
    tags.iter().map(|(k, v)| Detail::Tag {
        key: k.clone(),
        before: None,
        after: Some(v.clone()),
    })
}

/// A document diff for people: the live document arranged like the desired one (statements
/// matched to their equivalents, list members in the desired order) and AWS account ids written
/// as the `:root` ARNs IAM stores, so that only real differences show. Returns (before, after)
/// as canonical pretty JSON; a live document that does not parse is shown as returned.
fn document_diff(raw: &str, desired: &PolicyDocument) -> (String, String) {
    let after = root_accounts(desired);
    match decode_document(raw) {
        Ok(live) => (
            pretty(&align(&root_accounts(&live), &after)),
            pretty(&after),
        ),
        Err(_) => (live_document(raw).1, pretty(&after)),
    }
}

/// `doc` with bare account ids in `AWS` principals written as root ARNs.
fn root_accounts(doc: &PolicyDocument) -> PolicyDocument {
    let mut doc = doc.clone();
    for s in &mut doc.statements {
        if let Some(
            PrincipalClause::Principal(Principal::Map(m))
            | PrincipalClause::NotPrincipal(Principal::Map(m)),
        ) = &mut s.principal
        {
            if let Some(values) = m.get_mut(&PrincipalKind::Aws) {
                for v in values.iter_mut() {
                    if let Some(lit) = v.as_literal() {
                        let normal = normalize_aws_principal(&lit);
                        *v = normal.into();
                    }
                }
            }
        }
    }
    doc
}

/// Stable-sorts `items` by where their key appears in `reference` (absent ones last).
fn order_like<T, K: PartialEq>(items: &mut [T], reference: &[T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = reference.iter().map(&key).collect();
    items.sort_by_key(|i| {
        let k = key(i);
        keys.iter().position(|r| *r == k).unwrap_or(usize::MAX)
    });
}

/// `live` rearranged to follow `desired` wherever they hold the same things.
fn align(live: &PolicyDocument, desired: &PolicyDocument) -> PolicyDocument {
    let single = |s: &iam_model::Statement| PolicyDocument::new([s.clone()]);
    let mut rest: Vec<iam_model::Statement> = live.statements.clone();
    let mut ordered = Vec::new();
    // Equivalent statements first, in the desired order; then the rest by position.
    let mut pairs: Vec<Option<usize>> = vec![None; desired.statements.len()];
    for (i, d) in desired.statements.iter().enumerate() {
        if let Some(j) = rest.iter().position(|l| equivalent(&single(l), &single(d))) {
            ordered.push((Some(i), rest.remove(j)));
            pairs[i] = Some(ordered.len() - 1);
        }
    }
    for (i, slot) in pairs.iter().enumerate() {
        if slot.is_none() && !rest.is_empty() {
            ordered.push((Some(i), rest.remove(0)));
        }
    }
    ordered.extend(rest.into_iter().map(|s| (None, s)));
    ordered.sort_by_key(|(i, _)| i.unwrap_or(usize::MAX));
    let mut out = live.clone();
    out.statements = ordered
        .into_iter()
        .map(|(i, mut s)| {
            if let Some(d) = i.and_then(|i| desired.statements.get(i)) {
                align_statement(&mut s, d);
            }
            s
        })
        .collect();
    out
}

fn align_statement(s: &mut iam_model::Statement, d: &iam_model::Statement) {
    use iam_model::{ActionClause, ResourceClause};
    match (&mut s.action, &d.action) {
        (ActionClause::Action(l), ActionClause::Action(r))
        | (ActionClause::NotAction(l), ActionClause::NotAction(r)) => {
            order_like(l, r, |a| a.normalized());
        }
        _ => {}
    }
    match (&mut s.resource, &d.resource) {
        (Some(ResourceClause::Resource(l)), Some(ResourceClause::Resource(r)))
        | (Some(ResourceClause::NotResource(l)), Some(ResourceClause::NotResource(r))) => {
            order_like(l, r, Clone::clone)
        }
        _ => {}
    }
    if let (Some(l), Some(r)) = (&mut s.principal, &d.principal) {
        let r = r.principal();
        if let PrincipalClause::Principal(Principal::Map(lm))
        | PrincipalClause::NotPrincipal(Principal::Map(lm)) = l
        {
            for (kind, values) in lm.iter_mut() {
                order_like(values, r.values(*kind), Clone::clone);
            }
        }
    }
    let mut blocks: Vec<iam_model::condition::OperatorBlock> = s.condition.blocks().to_vec();
    let want = d.condition.blocks();
    order_like(&mut blocks, want, |b| b.operator);
    for b in &mut blocks {
        if let Some(wb) = want.iter().find(|w| w.operator == b.operator) {
            order_like(&mut b.keys, &wb.keys, |k| k.key.to_ascii_lowercase());
            for k in &mut b.keys {
                if let Some(wk) = wb.keys.iter().find(|w| w.key.eq_ignore_ascii_case(&k.key)) {
                    order_like(&mut k.values, &wk.values, |v| v.as_text());
                }
            }
        }
    }
    let mut c = iam_model::Condition::new();
    for b in blocks {
        c.push_block(b);
    }
    s.condition = c;
}

/// Details of a role to create.
pub(crate) fn role_create(d: &DesiredRole) -> Vec<Detail> {
    let mut out = vec![
        attr("path", None, Some(json_str(&d.path))),
        attr(
            "max_session_duration",
            None,
            Some(d.max_session_duration.to_string()),
        ),
    ];
    if !d.description.is_empty() {
        out.push(attr("description", None, Some(json_str(&d.description))));
    }
    if let Some(b) = &d.permissions_boundary {
        out.push(attr("permissions_boundary", None, Some(json_str(b))));
    }
    out.push(Detail::Document {
        name: "trust_policy".into(),
        before: None,
        after: Some(pretty(&d.trust)),
    });
    for (n, doc) in &d.inline_policies {
        out.push(Detail::Document {
            name: format!("inline_policy.{n}"),
            before: None,
            after: Some(pretty(doc)),
        });
    }
    for arn in &d.managed_policy_arns {
        out.push(Detail::Member {
            name: "managed_policy_arns".into(),
            value: arn.clone(),
            added: true,
        });
    }
    out.extend(tags_created(&d.tags));
    out
}

/// What a role update does.
pub(crate) struct RoleUpdate {
    pub details: Vec<Detail>,
    pub ops: Vec<Op>,
    pub warnings: Vec<String>,
    /// Policy ARNs this update detaches.
    pub detached: Vec<String>,
}

/// Diffs an existing role. Attachments of policies in `replaced` are gone by the time roles are
/// updated (the replacement detached them), so they count as absent.
pub(crate) fn role_update(
    d: &DesiredRole,
    obs: &ObservedRole,
    replaced: &BTreeSet<&str>,
) -> RoleUpdate {
    let mut details = Vec::new();
    let mut ops = Vec::new();
    let mut warnings = Vec::new();
    let role = &obs.name;

    if !same_document(&obs.trust_policy, &d.trust) {
        let (live, _) = live_document(&obs.trust_policy);
        let (before, after) = document_diff(&obs.trust_policy, &d.trust);
        if let Some(live) = &live {
            for w in trust_widening(live, &d.trust) {
                warnings.push(format!(
                    "trust policy of role `{}` in account {} WIDENS: {w}",
                    d.name, d.account_id
                ));
            }
        }
        details.push(Detail::Document {
            name: "trust_policy".into(),
            before: Some(before),
            after: Some(after),
        });
        ops.push(Op::UpdateAssumeRolePolicy {
            role: role.clone(),
            trust: ops::json(&d.trust),
        });
    }
    if obs.description != d.description || obs.max_session_duration != d.max_session_duration {
        if obs.description != d.description {
            details.push(attr(
                "description",
                Some(json_str(&obs.description)),
                Some(json_str(&d.description)),
            ));
        }
        if obs.max_session_duration != d.max_session_duration {
            details.push(attr(
                "max_session_duration",
                Some(obs.max_session_duration.to_string()),
                Some(d.max_session_duration.to_string()),
            ));
        }
        ops.push(Op::UpdateRole {
            role: role.clone(),
            description: d.description.clone(),
            max_session_duration: d.max_session_duration,
        });
    }
    if obs.permissions_boundary != d.permissions_boundary {
        details.push(attr(
            "permissions_boundary",
            obs.permissions_boundary.as_deref().map(json_str),
            d.permissions_boundary.as_deref().map(json_str),
        ));
        match &d.permissions_boundary {
            Some(arn) => ops.push(Op::PutRolePermissionsBoundary {
                role: role.clone(),
                arn: arn.clone(),
            }),
            None => ops.push(Op::DeleteRolePermissionsBoundary { role: role.clone() }),
        }
    }
    for (name, doc) in &d.inline_policies {
        match obs.inline_policies.get(name) {
            Some(raw) if same_document(raw, doc) => {}
            Some(raw) => {
                let (before, after) = document_diff(raw, doc);
                details.push(Detail::Document {
                    name: format!("inline_policy.{name}"),
                    before: Some(before),
                    after: Some(after),
                });
                ops.push(Op::PutRolePolicy {
                    role: role.clone(),
                    name: name.clone(),
                    document: ops::json(doc),
                });
            }
            None => {
                details.push(Detail::Document {
                    name: format!("inline_policy.{name}"),
                    before: None,
                    after: Some(pretty(doc)),
                });
                ops.push(Op::PutRolePolicy {
                    role: role.clone(),
                    name: name.clone(),
                    document: ops::json(doc),
                });
            }
        }
    }
    for (name, raw) in &obs.inline_policies {
        if !d.inline_policies.contains_key(name) {
            details.push(Detail::Document {
                name: format!("inline_policy.{name}"),
                before: Some(live_document(raw).1),
                after: None,
            });
            ops.push(Op::DeleteRolePolicy {
                role: role.clone(),
                name: name.clone(),
            });
        }
    }
    let live: BTreeSet<&str> = obs
        .attached_policy_arns
        .iter()
        .map(String::as_str)
        .filter(|a| !replaced.contains(a))
        .collect();
    let want: BTreeSet<&str> = d.managed_policy_arns.iter().map(String::as_str).collect();
    let mut detached = Vec::new();
    for arn in &d.managed_policy_arns {
        if !live.contains(arn.as_str())
            && !ops
                .iter()
                .any(|o| matches!(o, Op::AttachRolePolicy { arn: a, .. } if a == arn))
        {
            details.push(Detail::Member {
                name: "managed_policy_arns".into(),
                value: arn.clone(),
                added: true,
            });
            ops.push(Op::AttachRolePolicy {
                role: role.clone(),
                arn: arn.clone(),
            });
        }
    }
    for arn in &obs.attached_policy_arns {
        if live.contains(arn.as_str()) && !want.contains(arn.as_str()) {
            details.push(Detail::Member {
                name: "managed_policy_arns".into(),
                value: arn.clone(),
                added: false,
            });
            ops.push(Op::DetachRolePolicy {
                role: role.clone(),
                arn: arn.clone(),
            });
            detached.push(arn.clone());
        }
    }
    let (tag_details, set, remove) = tag_diff(&obs.tags, &d.tags);
    details.extend(tag_details);
    if !set.is_empty() {
        ops.push(Op::TagRole {
            role: role.clone(),
            tags: set,
        });
    }
    if !remove.is_empty() {
        ops.push(Op::UntagRole {
            role: role.clone(),
            keys: remove,
        });
    }
    RoleUpdate {
        details,
        ops,
        warnings,
        detached,
    }
}

/// Tags to set and keys to remove; IAM's own `aws:` tags are never touched.
fn tag_diff(
    live: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> (Vec<Detail>, BTreeMap<String, String>, Vec<String>) {
    let mut details = Vec::new();
    let mut set = BTreeMap::new();
    let mut remove = Vec::new();
    for (k, v) in want {
        if live.get(k) != Some(v) {
            details.push(Detail::Tag {
                key: k.clone(),
                before: live.get(k).cloned(),
                after: Some(v.clone()),
            });
            set.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in live {
        if !want.contains_key(k) && !k.to_ascii_lowercase().starts_with("aws:") {
            details.push(Detail::Tag {
                key: k.clone(),
                before: Some(v.clone()),
                after: None,
            });
            remove.push(k.clone());
        }
    }
    (details, set, remove)
}

/// Details of a policy to create.
pub(crate) fn policy_create(d: &DesiredPolicy) -> Vec<Detail> {
    let mut out = vec![attr("path", None, Some(json_str(&d.path)))];
    if !d.description.is_empty() {
        out.push(attr("description", None, Some(json_str(&d.description))));
    }
    out.push(Detail::Document {
        name: "document".into(),
        before: None,
        after: Some(pretty(&d.document)),
    });
    out.extend(tags_created(&d.tags));
    out
}

/// Diffs an existing policy with the same path and description.
pub(crate) fn policy_update(
    d: &DesiredPolicy,
    obs: &ObservedPolicy,
    live_tags: &BTreeMap<String, String>,
) -> (Vec<Detail>, Vec<Op>) {
    let mut details = Vec::new();
    let mut ops = Vec::new();
    let same = obs
        .default_document()
        .is_some_and(|raw| same_document(raw, &d.document));
    if !same {
        let (before, after) = match obs.default_document() {
            Some(raw) => {
                let (b, a) = document_diff(raw, &d.document);
                (Some(b), a)
            }
            None => (None, pretty(&d.document)),
        };
        details.push(Detail::Document {
            name: "document".into(),
            before,
            after: Some(after),
        });
        if let Some(v) = ops::version_to_prune(obs, POLICY_VERSION_LIMIT) {
            details.push(Detail::Note(format!(
                "the policy has {POLICY_VERSION_LIMIT} versions, IAM's limit: the oldest non-default one, `{v}`, is deleted first"
            )));
            ops.push(Op::DeletePolicyVersion {
                arn: obs.arn.clone(),
                version_id: v,
            });
        }
        ops.push(Op::CreatePolicyVersion {
            arn: obs.arn.clone(),
            document: ops::json(&d.document),
        });
    }
    let (tag_details, set, remove) = tag_diff(live_tags, &d.tags);
    details.extend(tag_details);
    if !set.is_empty() {
        ops.push(Op::TagPolicy {
            arn: obs.arn.clone(),
            tags: set,
        });
    }
    if !remove.is_empty() {
        ops.push(Op::UntagPolicy {
            arn: obs.arn.clone(),
            keys: remove,
        });
    }
    (details, ops)
}

/// Details of an OIDC provider to create.
pub(crate) fn oidc_create(o: &DesiredOidc) -> Vec<Detail> {
    let mut out = vec![attr("url", None, Some(json_str(&o.url)))];
    for c in &o.client_ids {
        out.push(Detail::Member {
            name: "client_ids".into(),
            value: c.clone(),
            added: true,
        });
    }
    for t in &o.thumbprints {
        out.push(Detail::Member {
            name: "thumbprints".into(),
            value: t.clone(),
            added: true,
        });
    }
    out.extend(tags_created(&o.tags));
    out
}

/// Diffs an existing OIDC provider. Thumbprints compare as sets, ignoring case; an empty
/// desired list leaves them to IAM (which fills them in itself for many issuers).
pub(crate) fn oidc_update(o: &DesiredOidc, obs: &ObservedOidcProvider) -> (Vec<Detail>, Vec<Op>) {
    let mut details = Vec::new();
    let mut ops = Vec::new();
    let norm = |v: &[String]| {
        v.iter()
            .map(|t| t.to_ascii_lowercase())
            .collect::<BTreeSet<_>>()
    };
    if !o.thumbprints.is_empty() && norm(&o.thumbprints) != norm(&obs.thumbprints) {
        for t in &obs.thumbprints {
            if !norm(&o.thumbprints).contains(&t.to_ascii_lowercase()) {
                details.push(Detail::Member {
                    name: "thumbprints".into(),
                    value: t.clone(),
                    added: false,
                });
            }
        }
        for t in &o.thumbprints {
            if !norm(&obs.thumbprints).contains(&t.to_ascii_lowercase()) {
                details.push(Detail::Member {
                    name: "thumbprints".into(),
                    value: t.clone(),
                    added: true,
                });
            }
        }
        ops.push(Op::UpdateOidcThumbprints {
            arn: obs.arn.clone(),
            thumbprints: o.thumbprints.clone(),
        });
    }
    for c in &o.client_ids {
        if !obs.client_ids.contains(c) {
            details.push(Detail::Member {
                name: "client_ids".into(),
                value: c.clone(),
                added: true,
            });
            ops.push(Op::AddOidcClientId {
                arn: obs.arn.clone(),
                client_id: c.clone(),
            });
        }
    }
    for c in &obs.client_ids {
        if !o.client_ids.contains(c) {
            details.push(Detail::Member {
                name: "client_ids".into(),
                value: c.clone(),
                added: false,
            });
            ops.push(Op::RemoveOidcClientId {
                arn: obs.arn.clone(),
                client_id: c.clone(),
            });
        }
    }
    let (tag_details, set, remove) = tag_diff(&obs.tags, &o.tags);
    details.extend(tag_details);
    if !set.is_empty() {
        ops.push(Op::TagOidcProvider {
            arn: obs.arn.clone(),
            tags: set,
        });
    }
    if !remove.is_empty() {
        ops.push(Op::UntagOidcProvider {
            arn: obs.arn.clone(),
            keys: remove,
        });
    }
    (details, ops)
}

/// A principal as IAM compares it: kind and value, account ids as `:root` ARNs, `*` for anyone.
fn principals(p: &Principal) -> Vec<(String, String)> {
    match p {
        Principal::Any => vec![("AWS".into(), "*".into())],
        Principal::Map(_) => p
            .entries()
            .map(|(kind, t)| {
                let v = t
                    .as_literal()
                    .map(|s| s.into_owned())
                    .unwrap_or_else(|| t.to_string());
                let v = if kind == PrincipalKind::Aws {
                    normalize_aws_principal(&v)
                } else {
                    v
                };
                (kind.key().to_owned(), v)
            })
            .collect(),
    }
}

/// How `after` lets more callers in than `before`, one line per widening: a principal allowed
/// for the first time, a principal that may now do more, a condition dropped for a principal,
/// or a `Deny` statement removed. Empty when the trust does not widen.
pub fn trust_widening(before: &PolicyDocument, after: &PolicyDocument) -> Vec<String> {
    #[derive(Default)]
    struct Grant {
        /// Normalized action → as written.
        actions: BTreeMap<String, String>,
        unconditional: bool,
    }
    let grants = |doc: &PolicyDocument| {
        let mut out: BTreeMap<(String, String), Grant> = BTreeMap::new();
        for s in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
            // A NotPrincipal allow names (almost) everyone: treat it as `*`.
            let ps = match &s.principal {
                Some(PrincipalClause::Principal(p)) => principals(p),
                Some(PrincipalClause::NotPrincipal(_)) => vec![("AWS".into(), "*".into())],
                None => continue,
            };
            for key in ps {
                let g = out.entry(key).or_default();
                for a in s.action.actions() {
                    let (key, shown) = if s.action.is_not() {
                        (
                            format!("not {}", a.normalized()),
                            format!("everything but {}", a.as_str()),
                        )
                    } else {
                        (a.normalized(), a.as_str().to_owned())
                    };
                    g.actions.entry(key).or_insert(shown);
                }
                g.unconditional |= s.condition.is_empty();
            }
        }
        out
    };
    let old = grants(before);
    let new = grants(after);
    let mut out = Vec::new();
    for ((kind, who), g) in &new {
        let shown = if who == "*" {
            "anyone (`*`)".to_owned()
        } else {
            format!("`{who}` ({kind})")
        };
        match old
            .get(&(kind.clone(), who.clone()))
            .or_else(|| old.get(&("AWS".to_owned(), "*".to_owned())))
        {
            None => out.push(format!(
                "allows {shown} to {}",
                g.actions
                    .values()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(o) => {
                let more: Vec<String> = g
                    .actions
                    .iter()
                    .filter(|(k, _)| !o.actions.contains_key(*k))
                    .map(|(_, a)| format!("`{a}`"))
                    .collect();
                if !more.is_empty() && !o.actions.contains_key("*") {
                    out.push(format!("lets {shown} also {}", more.join(", ")));
                }
                if g.unconditional && !o.unconditional {
                    out.push(format!("drops every condition for {shown}"));
                }
            }
        }
    }
    for s in before
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
    {
        let single = |s: &iam_model::Statement| PolicyDocument::new([s.clone()]);
        let kept = after
            .statements
            .iter()
            .any(|a| a.effect == Effect::Deny && equivalent(&single(a), &single(s)));
        if !kept {
            let what = s
                .action
                .actions()
                .iter()
                .map(|a| format!("`{}`", a.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(format!("removes a Deny statement on {what}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> PolicyDocument {
        PolicyDocument::from_json(s).unwrap()
    }

    #[test]
    fn tableflow_phase_two_widens_and_says_how() {
        let deny = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
        );
        let confluent = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:role/confluent"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:role/confluent"},"Action":"sts:TagSession"}]}"#);
        assert_eq!(
            trust_widening(&deny, &confluent),
            [
                "allows `arn:aws:iam::222233334444:role/confluent` (AWS) to `sts:AssumeRole`, `sts:TagSession`",
                "removes a Deny statement on `sts:AssumeRole`",
            ]
        );
        // Going back is a narrowing.
        assert!(trust_widening(&confluent, &deny).is_empty());
    }

    #[test]
    fn account_id_and_root_arn_are_the_same_principal() {
        let a = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}"#,
        );
        let b = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#,
        );
        assert_eq!(
            trust_widening(&a, &b),
            ["drops every condition for `arn:aws:iam::123456789012:root` (AWS)"]
        );
        assert!(trust_widening(&b, &a).is_empty());
        let c = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","*"]},"Action":"sts:AssumeRole"}]}"#,
        );
        assert_eq!(
            trust_widening(&b, &c),
            ["allows anyone (`*`) to `sts:AssumeRole`"]
        );
    }
}
