//! Smaller documents with the same access, proven by containment both ways.
//!
//! [`minimize`] merges statements that differ in one list only (same effect, principals and
//! conditions: the actions, the resources, or a trust policy's principals), drops statements
//! and list entries that the rest already covers, and — only with
//! [`MinimizeOptions::allow_future_actions`] — replaces runs of actions of one service by a
//! `service:Prefix*` wildcard when the pinned catalog has no other action under that prefix.
//! Every accepted step is checked with [`super::same_access`] (the wildcard step over the
//! catalog's actions, since the wildcard also admits actions AWS adds later), and the result
//! is checked against the input once more: a document it cannot prove equivalent is returned
//! unchanged, so the output is never broader and never narrower.

use std::collections::{BTreeMap, BTreeSet};

use crate::action::Action;
use crate::condition::{Condition, OperatorBlock};
use crate::policy::PolicyDocument;
use crate::principal::Principal;
use crate::statement::{ActionClause, PrincipalClause, ResourceClause, Statement};

/// What [`minimize`] may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MinimizeOptions {
    /// Replace lists of actions with `service:Prefix*` wildcards that match exactly those
    /// actions in the pinned catalog. The result then also allows actions AWS adds later under
    /// the prefix.
    pub allow_future_actions: bool,
}

/// A minimized document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minimized {
    /// The document.
    pub document: PolicyDocument,
    /// True when the result was proven to allow exactly what the input allows (over the
    /// catalog's actions when wildcards were introduced); false when the input is returned
    /// as it was because no smaller equivalent could be proven.
    pub proven: bool,
}

/// A document equivalent to `doc`, as small as the rewrites above make it.
///
/// ```
/// use iam_model::{reason, PolicyDocument};
/// let doc: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
///   {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
///   {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/tmp/*"}]}"#.parse().unwrap();
/// let m = reason::minimize(&doc, reason::MinimizeOptions::default());
/// assert!(m.proven);
/// assert_eq!(m.document.statements.len(), 2);
/// ```
pub fn minimize(doc: &PolicyDocument, opts: MinimizeOptions) -> Minimized {
    let mut cur = doc.clone();
    dedup_lists(&mut cur);
    loop {
        let before = cur.clone();
        merge_statements(&mut cur);
        drop_statements(&mut cur);
        drop_entries(&mut cur);
        drop_condition_values(&mut cur);
        if cur == before {
            break;
        }
    }
    if opts.allow_future_actions {
        compact_actions(&mut cur);
    }
    let expanded = expand_compacted(doc, &cur);
    if super::same_access(&[doc], &[&expanded]) && covers(&cur, &expanded) {
        Minimized {
            document: cur,
            proven: true,
        }
    } else {
        Minimized {
            document: doc.clone(),
            proven: false,
        }
    }
}

/// True when `wide` allows at least what `narrow` allows (the compacted result over its
/// catalog expansion).
fn covers(wide: &PolicyDocument, narrow: &PolicyDocument) -> bool {
    wide == narrow || super::contained(&[wide], &[narrow]).holds()
}

fn same(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    super::same_access(&[a], &[b])
}

/// Whether `candidate`, which differs from `doc` by one removal, allows the same. A removal
/// that can only narrow (`Some(true)`: an entry of an `Allow`'s `Action`, `Resource` or
/// `Principal`, or of a `Deny`'s `Not…`) needs the one direction, one that can only widen
/// the other; `None` checks both.
fn same_after_removal(
    doc: &PolicyDocument,
    candidate: &PolicyDocument,
    narrows: Option<bool>,
) -> bool {
    match narrows {
        Some(true) => super::contained(&[candidate], &[doc]).holds(),
        Some(false) => super::contained(&[doc], &[candidate]).holds(),
        None => same(doc, candidate),
    }
}

/// Whether removing an entry of a list narrows the statement's effect on access.
fn removal_narrows(s: &Statement, not_clause: bool) -> bool {
    (s.effect == crate::statement::Effect::Allow) != not_clause
}

/// Removes repeated entries (actions compared case-insensitively).
fn dedup_lists(doc: &mut PolicyDocument) {
    for s in &mut doc.statements {
        let list = match &mut s.action {
            ActionClause::Action(a) | ActionClause::NotAction(a) => a,
        };
        let mut seen = BTreeSet::new();
        list.retain(|a| seen.insert(a.normalized()));
        if let Some(ResourceClause::Resource(r) | ResourceClause::NotResource(r)) = &mut s.resource
        {
            let mut seen = BTreeSet::new();
            r.retain(|x| seen.insert(x.clone()));
        }
    }
}

/// The statement with everything but `sid` and one list, to find merge partners.
fn merge_key(s: &Statement, keep: Part) -> Option<Statement> {
    let mut k = s.clone();
    k.sid = None;
    match keep {
        Part::Actions => {
            let ActionClause::Action(_) = k.action else {
                return None;
            };
            k.action = ActionClause::Action(Vec::new());
        }
        Part::Resources => {
            let Some(ResourceClause::Resource(_)) = k.resource else {
                return None;
            };
            k.resource = Some(ResourceClause::Resource(Vec::new()));
        }
        Part::Principals => {
            let Some(PrincipalClause::Principal(_)) = k.principal else {
                return None;
            };
            k.principal = Some(PrincipalClause::Principal(Principal::Any));
        }
    }
    Some(k)
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Actions,
    Resources,
    Principals,
}

/// Merges statements equal but for one list into one statement with both lists. Exact by
/// construction: a statement matches when one entry of each list does.
fn merge_statements(doc: &mut PolicyDocument) {
    for part in [Part::Actions, Part::Resources, Part::Principals] {
        let mut i = 0;
        while i < doc.statements.len() {
            let Some(key) = merge_key(&doc.statements[i], part) else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < doc.statements.len() {
                if merge_key(&doc.statements[j], part).as_ref() != Some(&key) {
                    j += 1;
                    continue;
                }
                let other = doc.statements.remove(j);
                let s = &mut doc.statements[i];
                if s.sid.is_none() {
                    s.sid = other.sid.clone();
                }
                match part {
                    Part::Actions => {
                        if let (ActionClause::Action(a), ActionClause::Action(b)) =
                            (&mut s.action, other.action)
                        {
                            extend_unique(a, b, Action::normalized);
                        }
                    }
                    Part::Resources => {
                        if let (
                            Some(ResourceClause::Resource(a)),
                            Some(ResourceClause::Resource(b)),
                        ) = (&mut s.resource, other.resource)
                        {
                            extend_unique(a, b, Clone::clone);
                        }
                    }
                    Part::Principals => {
                        if let (
                            Some(PrincipalClause::Principal(a)),
                            Some(PrincipalClause::Principal(b)),
                        ) = (&mut s.principal, other.principal)
                        {
                            *a = merge_principals(a, &b);
                        }
                    }
                }
            }
            i += 1;
        }
    }
}

fn extend_unique<T, K: Ord>(a: &mut Vec<T>, b: Vec<T>, key: impl Fn(&T) -> K) {
    let mut seen: BTreeSet<K> = a.iter().map(&key).collect();
    for x in b {
        if seen.insert(key(&x)) {
            a.push(x);
        }
    }
}

fn merge_principals(a: &Principal, b: &Principal) -> Principal {
    match (a, b) {
        (Principal::Map(x), Principal::Map(y)) => {
            let mut m: BTreeMap<_, Vec<_>> = x.clone();
            for (k, vs) in y {
                let list = m.entry(*k).or_default();
                for v in vs {
                    if !list.contains(v) {
                        list.push(v.clone());
                    }
                }
            }
            Principal::Map(m)
        }
        _ => Principal::Any,
    }
}

/// Drops whole statements the others already cover (proven).
fn drop_statements(doc: &mut PolicyDocument) {
    let mut i = doc.statements.len();
    while i > 0 {
        i -= 1;
        if doc.statements.len() == 1 {
            return;
        }
        let mut candidate = doc.clone();
        let removed = candidate.statements.remove(i);
        let narrows = removed.effect == crate::statement::Effect::Allow;
        if same_after_removal(doc, &candidate, Some(narrows)) {
            *doc = candidate;
        }
    }
}

/// Drops list entries (actions, resources, principal values) the rest already covers
/// (proven). A list is never emptied.
fn drop_entries(doc: &mut PolicyDocument) {
    for si in 0..doc.statements.len() {
        let n = doc.statements[si].action.actions().len();
        for ai in (0..n).rev() {
            if doc.statements[si].action.actions().len() < 2 {
                break;
            }
            let mut candidate = doc.clone();
            match &mut candidate.statements[si].action {
                ActionClause::Action(a) | ActionClause::NotAction(a) => {
                    a.remove(ai);
                }
            }
            let st = &doc.statements[si];
            let narrows = removal_narrows(st, st.action.is_not());
            if same_after_removal(doc, &candidate, Some(narrows)) {
                *doc = candidate;
            }
        }
        let n = doc.statements[si]
            .resource
            .as_ref()
            .map_or(0, |r| r.resources().len());
        for ri in (0..n).rev() {
            let mut candidate = doc.clone();
            if let Some(ResourceClause::Resource(r) | ResourceClause::NotResource(r)) =
                &mut candidate.statements[si].resource
            {
                if r.len() < 2 {
                    break;
                }
                r.remove(ri);
            }
            let st = &doc.statements[si];
            let not = st.resource.as_ref().is_some_and(ResourceClause::is_not);
            if same_after_removal(doc, &candidate, Some(removal_narrows(st, not))) {
                *doc = candidate;
            }
        }
        let kinds: Vec<_> = match doc.statements[si].principal.as_ref().map(|p| p.principal()) {
            Some(Principal::Map(m)) => m.iter().map(|(k, v)| (*k, v.len())).collect(),
            _ => Vec::new(),
        };
        for (kind, n) in kinds {
            for vi in (0..n).rev() {
                let mut candidate = doc.clone();
                if let Some(PrincipalClause::Principal(Principal::Map(m))) =
                    &mut candidate.statements[si].principal
                {
                    let total: usize = m.values().map(Vec::len).sum();
                    let Some(list) = m.get_mut(&kind) else { break };
                    if total < 2 || vi >= list.len() {
                        break;
                    }
                    list.remove(vi);
                    if list.is_empty() {
                        m.remove(&kind);
                    }
                }
                let st = &doc.statements[si];
                let not = st.principal.as_ref().is_some_and(PrincipalClause::is_not);
                if same_after_removal(doc, &candidate, Some(removal_narrows(st, not))) {
                    *doc = candidate;
                }
            }
        }
    }
}

/// Drops values of condition tests the other values already cover: a `StringLike` or
/// `ArnLike` list with `x/*` and `x/y`, a `NumericLessThan` with `5` and `10`. A test holds
/// for a request value when one listed value accepts it, so a value whose accepted set the
/// others cover changes nothing: no search is needed (the final check proves the whole).
fn drop_condition_values(doc: &mut PolicyDocument) {
    for st in &mut doc.statements {
        let mut blocks: Vec<OperatorBlock> = st.condition.blocks().to_vec();
        let mut changed = false;
        for b in &mut blocks {
            for k in &mut b.keys {
                let mut vi = k.values.len();
                while vi > 0 && k.values.len() > 1 {
                    vi -= 1;
                    let removed = k.values.remove(vi);
                    if super::value_covered(b.operator, &removed, &k.values) {
                        changed = true;
                    } else {
                        k.values.insert(vi, removed);
                    }
                }
            }
        }
        if changed {
            let mut c = Condition::new();
            for b in blocks {
                c.push_block(b);
            }
            st.condition = c;
        }
    }
}

/// Replaces runs of one service's actions with `service:Prefix*` where the catalog has no
/// other action under the prefix.
fn compact_actions(doc: &mut PolicyDocument) {
    for s in &mut doc.statements {
        let ActionClause::Action(list) = &mut s.action else {
            continue;
        };
        let mut by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for a in list.iter() {
            if a.is_pattern() {
                continue;
            }
            if let Some((svc, def)) = crate::catalog::action(a.as_str()) {
                by_service
                    .entry(svc.prefix().to_owned())
                    .or_default()
                    .insert(def.name().to_owned());
            }
        }
        for (svc, names) in by_service {
            let Some(service) = crate::catalog::service(&svc) else {
                continue;
            };
            let all: Vec<&str> = service.actions().iter().map(|d| d.name()).collect();
            let mut left: BTreeSet<String> = names.clone();
            let mut patterns: Vec<String> = Vec::new();
            for name in &names {
                if !left.contains(name) {
                    continue;
                }
                // The shortest prefix of `name` whose catalog actions are all listed.
                let best = (0..=name.len())
                    .filter(|&n| name.is_char_boundary(n))
                    .find_map(|n| {
                        let prefix = &name[..n];
                        let under: Vec<&&str> = all
                            .iter()
                            .filter(|a| a.len() >= n && a[..n].eq_ignore_ascii_case(prefix))
                            .collect();
                        let fits = under.len() >= 2 && under.iter().all(|a| names.contains(**a));
                        let pattern = format!("{svc}:{prefix}*");
                        let saved: usize = under.iter().map(|a| svc.len() + 3 + a.len()).sum();
                        (fits && pattern.len() + 3 < saved).then(|| {
                            (
                                pattern,
                                under.iter().map(|a| (**a).to_owned()).collect::<Vec<_>>(),
                            )
                        })
                    });
                if let Some((pattern, covered)) = best {
                    for c in covered {
                        left.remove(&c);
                    }
                    patterns.push(pattern);
                }
            }
            if patterns.is_empty() {
                continue;
            }
            list.retain(|a| {
                crate::catalog::action(a.as_str())
                    .is_none_or(|(s, d)| s.prefix() != svc || left.contains(d.name()))
                    || a.is_pattern()
            });
            list.extend(patterns.into_iter().map(Action::from));
        }
    }
}

/// `result` with each wildcard that compaction introduced (absent from `original`) replaced
/// by the catalog actions it matches: the document to compare with the original exactly.
fn expand_compacted(original: &PolicyDocument, result: &PolicyDocument) -> PolicyDocument {
    let existing: BTreeSet<String> = original
        .statements
        .iter()
        .flat_map(|s| s.action.actions().iter().map(Action::normalized))
        .collect();
    let mut out = result.clone();
    for s in &mut out.statements {
        let ActionClause::Action(list) = &mut s.action else {
            continue;
        };
        let mut expanded = Vec::new();
        for a in list.drain(..) {
            if a.is_pattern() && !existing.contains(&a.normalized()) {
                expanded.extend(
                    crate::catalog::expand_action_pattern(a.as_str())
                        .into_iter()
                        .map(|(svc, d)| Action::from(format!("{}:{}", svc.prefix(), d.name()))),
                );
            } else {
                expanded.push(a);
            }
        }
        *list = expanded;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn doc(s: &str) -> PolicyDocument {
        PolicyDocument::from_json(s).unwrap()
    }

    #[test]
    fn merges_drops_and_folds() {
        let d = doc(r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
          {"Effect":"Allow","Action":["s3:PutObject","s3:getobject"],"Resource":"arn:aws:s3:::b/*"},
          {"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/x","arn:aws:s3:::c/*"]}]}"#);
        let m = minimize(&d, MinimizeOptions::default());
        assert!(m.proven);
        assert!(m.document.size() < d.size());
        assert!(same(&d, &m.document));
        // Trust principals fold into one statement.
        let t = doc(r#"{"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/a"},"Action":"sts:AssumeRole"},
          {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/b"},"Action":"sts:AssumeRole"},
          {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"#);
        let m = minimize(&t, MinimizeOptions::default());
        assert_eq!(m.document.statements.len(), 1);
        assert_eq!(
            m.document.statements[0]
                .principal
                .as_ref()
                .unwrap()
                .principal()
                .entries()
                .count(),
            1
        );
    }

    #[test]
    fn wildcards_only_when_allowed() {
        let d = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
          "sqs:SendMessage","sqs:ListQueues","sqs:ListQueueTags","sqs:ListDeadLetterSourceQueues","sqs:ListMessageMoveTasks"],
          "Resource":"*"}]}"#,
        );
        let plain = minimize(&d, MinimizeOptions::default());
        assert_eq!(plain.document.statements[0].action.actions().len(), 5);
        let m = minimize(
            &d,
            MinimizeOptions {
                allow_future_actions: true,
            },
        );
        assert!(m.proven, "{m:?}");
        let acts: Vec<&str> = m.document.statements[0]
            .action
            .actions()
            .iter()
            .map(Action::as_str)
            .collect();
        assert!(acts.iter().any(|a| a.ends_with('*')), "{acts:?}");
        assert!(m.document.size() < d.size());
        // Broader by future actions only: never narrower.
        assert!(super::super::contained(&[&m.document], &[&d]).holds());
    }
}
