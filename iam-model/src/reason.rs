//! Access reasoning: does one set of policies allow anything another does not?
//!
//! [`contained`] decides, for policy sets A and B of one kind, whether every request B allows
//! A allows too, under the rules [`crate::eval`] implements (explicit deny wins; `NotAction`,
//! `NotResource`, `NotPrincipal`; `*`/`?` wildcards; policy variables; every condition
//! operator with `IfExists`, `Null`, `ForAllValues`/`ForAnyValue`, CIDR, number and date
//! comparisons). Actions range over every string — the pinned catalog and the actions AWS has
//! not added yet — and resources and condition values over every string, read as regular
//! languages, so the answer is exact rather than sampled.
//!
//! The answer is sound: a statement of B is reported contained only when proven; otherwise
//! it is an escape with a witness request that the evaluator confirms B allows and A denies,
//! or "undecided" with the reason (a policy variable whose generic reading proves nothing
//! for other values, a key compared both as a string and a number, a search budget).
//! [`compare`] runs it both ways for a diff; [`minimize`] uses it to prove its rewrites.

mod lang;
mod minimize;
mod model;
mod search;
mod values;

use std::collections::HashMap;

use crate::eval::{evaluate, Request};
use crate::policy::PolicyDocument;

pub use minimize::{minimize, MinimizeOptions, Minimized};

use lang::{Class, Lang, Pattern};
use model::{Atom, CStmt, Dim, Model};
use search::{request, shape, Solver, Value};

/// A statement of B that allows a request A does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escape {
    /// `(policy, statement)` index of the statement in B.
    pub at: (usize, usize),
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// A request B allows and A denies, confirmed by the evaluator.
    pub witness: Request,
    /// True when the witness's action is not in the pinned catalog (an action AWS may add
    /// later, which a wildcard admits).
    pub future_action: bool,
}

/// A statement of B whose containment the analysis could not decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    /// `(policy, statement)` index of the statement in B.
    pub at: (usize, usize),
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// Why.
    pub reasons: Vec<String>,
}

/// Whether B ⊆ A, statement by statement of B.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Containment {
    /// The `Allow` statements of B that reach outside A, each with a witness.
    pub escapes: Vec<Escape>,
    /// The `Allow` statements of B the analysis could not decide.
    pub undecided: Vec<Undecided>,
}

impl Containment {
    /// True when B ⊆ A is proven.
    pub fn holds(&self) -> bool {
        self.escapes.is_empty() && self.undecided.is_empty()
    }
}

/// The access a change adds and removes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// What NEW allows and OLD does not (statements of NEW).
    pub added: Containment,
    /// What OLD allows and NEW does not (statements of OLD).
    pub removed: Containment,
}

/// What a change does to access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing added, nothing removed (proven).
    Neutral,
    /// Something removed, nothing added (proven).
    Narrowing,
    /// Something added: a witness shows it.
    Widening,
    /// Nothing shown added, but not everything proven.
    Undecided,
}

impl Comparison {
    /// The change's verdict.
    pub fn verdict(&self) -> Verdict {
        if !self.added.escapes.is_empty() {
            Verdict::Widening
        } else if !self.added.undecided.is_empty() {
            Verdict::Undecided
        } else if self.removed.escapes.is_empty() && self.removed.undecided.is_empty() {
            Verdict::Neutral
        } else {
            Verdict::Narrowing
        }
    }
}

/// Compares OLD and NEW both ways.
///
/// ```
/// use iam_model::{reason, PolicyDocument};
/// let old: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#.parse().unwrap();
/// let new: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}"#.parse().unwrap();
/// let c = reason::compare(&[&old], &[&new]);
/// assert_eq!(c.verdict(), reason::Verdict::Widening);
/// let w = &c.added.escapes[0].witness;
/// let action = w.action.to_ascii_lowercase();
/// assert!(action.starts_with("s3:get") && action != "s3:getobject");
/// ```
pub fn compare(old: &[&PolicyDocument], new: &[&PolicyDocument]) -> Comparison {
    Comparison {
        added: contained(old, new),
        removed: contained(new, old),
    }
}

/// How a change of one document (or document set) affects access, for a plan: the verdict,
/// with a request as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// Widening, narrowing, neutral or undecided.
    pub verdict: Verdict,
    /// A request AFTER allows and BEFORE denies (widening).
    pub added: Option<Request>,
    /// A request BEFORE allows and AFTER denies (narrowing).
    pub removed: Option<Request>,
}

impl Classification {
    /// One line for a plan: `widening: \`s3:PutObject\` on \`arn:…\``.
    pub fn describe(&self) -> String {
        match (self.verdict, &self.added, &self.removed) {
            (Verdict::Widening, Some(w), _) => format!("widening: now allows {}", describe(w)),
            (Verdict::Narrowing, _, Some(w)) => {
                format!("narrowing: no longer allows {}", describe(w))
            }
            (Verdict::Undecided, ..) => "undecided: not proven to add no access".to_owned(),
            (Verdict::Neutral, ..) => "neutral: the same access".to_owned(),
            (v, ..) => format!("{v:?}").to_ascii_lowercase(),
        }
    }
}

/// Classifies the change from `before` to `after` (`None`: the document does not exist, so it
/// allows nothing): the plan gate's question, decided.
///
/// ```
/// use iam_model::{reason, PolicyDocument};
/// let trust: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"sts:AssumeRole"}]}"#.parse().unwrap();
/// let wider: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"#.parse().unwrap();
/// let c = reason::classify(Some(&trust), Some(&wider));
/// assert_eq!(c.verdict, reason::Verdict::Widening);
/// assert!(c.describe().starts_with("widening: now allows `sts:AssumeRole`"));
/// assert_eq!(reason::classify(Some(&wider), Some(&trust)).verdict, reason::Verdict::Narrowing);
/// assert_eq!(reason::classify(None, Some(&trust)).verdict, reason::Verdict::Widening);
/// assert_eq!(reason::classify(Some(&trust), None).verdict, reason::Verdict::Narrowing);
/// ```
pub fn classify(before: Option<&PolicyDocument>, after: Option<&PolicyDocument>) -> Classification {
    let (b, a): (Vec<&PolicyDocument>, Vec<&PolicyDocument>) =
        (before.into_iter().collect(), after.into_iter().collect());
    let c = compare(&b, &a);
    Classification {
        verdict: c.verdict(),
        added: c.added.escapes.first().map(|e| e.witness.clone()),
        removed: c.removed.escapes.first().map(|e| e.witness.clone()),
    }
}

/// True when A and B are proven to allow exactly the same requests.
pub fn same_access(a: &[&PolicyDocument], b: &[&PolicyDocument]) -> bool {
    contained(a, b).holds() && contained(b, a).holds()
}

/// Decides whether every request `b` allows, `a` allows too.
pub fn contained(a: &[&PolicyDocument], b: &[&PolicyDocument]) -> Containment {
    let mut m = Model::default();
    for d in a.iter().chain(b) {
        for s in &d.statements {
            m.note_domains(s);
        }
    }
    let ca = m.policies(a);
    let cb = m.policies(b);
    let universe = m
        .dims
        .contains(&Dim::Principal)
        .then(|| m.principal_universe());
    let action_dim = m.dim(Dim::Action);
    let resource_dim = m.dim(Dim::Resource);
    let prefer = preferences(&mut m, action_dim, resource_dim);

    // Every atom in one list; each statement holds the ids of its atoms.
    let mut atoms: Vec<Atom> = Vec::new();
    let mut ids = |s: &CStmt| -> Vec<usize> {
        s.atoms
            .iter()
            .map(|a| {
                atoms.push(a.clone());
                atoms.len() - 1
            })
            .collect()
    };
    let a_ids: Vec<(bool, Vec<usize>)> = ca.iter().map(|s| (s.allow, ids(s))).collect();
    let b_ids: Vec<(bool, Vec<usize>, (usize, usize))> =
        cb.iter().map(|s| (s.allow, ids(s), s.at)).collect();

    let b_denies: Vec<&[usize]> = b_ids
        .iter()
        .filter(|(allow, _, _)| !allow)
        .map(|(_, i, _)| i.as_slice())
        .collect();
    let a_allows = a_ids
        .iter()
        .filter(|(allow, _)| *allow)
        .map(|(_, i)| i.as_slice());
    let implicit: Vec<&[usize]> = b_denies.iter().copied().chain(a_allows).collect();
    let a_denies: Vec<&[usize]> = a_ids
        .iter()
        .filter(|(allow, _)| !allow)
        .map(|(_, i)| i.as_slice())
        .collect();

    let mut solver = Solver::new(&m, universe);
    let mut out = Containment::default();
    for (allow, s, at) in &b_ids {
        if !allow {
            continue;
        }
        let sid = b[at.0].statements[at.1].sid.clone();
        solver.generic = false;
        solver.incomplete.clear();
        solver.reset_budget();
        // Not allowed by A (implicit deny), or denied by one of A's denies. A statement A
        // allows word for word (Sid aside) leaves no implicit deny to find.
        let st = &b[at.0].statements[at.1];
        let same_in_a = a.iter().flat_map(|d| &d.statements).any(|t| {
            t.effect == st.effect
                && t.action == st.action
                && t.resource == st.resource
                && t.principal == st.principal
                && t.condition == st.condition
        });
        let mut found = if same_in_a {
            None
        } else {
            solver.solve(&atoms, &[s], &implicit)
        };
        for d in &a_denies {
            if found.is_some() {
                break;
            }
            found = solver.solve(&atoms, &[s, d], &b_denies);
        }
        match found {
            Some(state) => {
                let mut values = solver.values(&atoms, &state, &prefer);
                let from_automaton = match &values[action_dim] {
                    Some(Value::Str(a)) => crate::catalog::action(a)
                        .map(|(s, d)| format!("{}:{}", s.prefix(), d.name())),
                    _ => None,
                };
                let known =
                    from_automaton.or_else(|| catalog_action(&m, &atoms, &state[action_dim]));
                if let Some(name) = &known {
                    values[action_dim] = Some(Value::Str(name.clone()));
                }
                let witness = request(&m, &values);
                let confirmed =
                    evaluate(b, &witness).is_allowed() && !evaluate(a, &witness).is_allowed();
                if confirmed {
                    out.escapes.push(Escape {
                        at: *at,
                        sid,
                        witness,
                        future_action: known.is_none(),
                    });
                } else {
                    out.undecided.push(Undecided {
                        at: *at,
                        sid,
                        reasons: vec![format!(
                            "the candidate request {} was not confirmed by the evaluator",
                            describe(&witness)
                        )],
                    });
                }
            }
            None if solver.generic || !solver.incomplete.is_empty() => {
                let mut reasons = solver.incomplete.clone();
                if solver.generic {
                    reasons.push(
                        "a policy variable was read for a generic value only; other values were not checked"
                            .to_owned(),
                    );
                }
                reasons.dedup();
                out.undecided.push(Undecided {
                    at: *at,
                    sid,
                    reasons,
                });
            }
            None => {}
        }
    }
    out
}

/// Whether every request value `removed` accepts under `op`, one of `others` accepts too: then
/// `removed` can leave the list without changing the test.
pub(crate) fn value_covered(
    op: crate::condition::ConditionOperator,
    removed: &crate::condition::ConditionValue,
    others: &[crate::condition::ConditionValue],
) -> bool {
    let text = |v: &crate::condition::ConditionValue| {
        let t = v.as_text().with_placeholders().into_owned();
        (!t.contains("${")).then_some(t)
    };
    let (Some(r), Some(os)) = (
        text(removed),
        others.iter().map(text).collect::<Option<Vec<_>>>(),
    ) else {
        return false;
    };
    if os.contains(&r) {
        return true;
    }
    match values::Domain::of(op.base.family()) {
        Some(d) => {
            let set = |v: &str| values::ValueSet::compare(d, op.base, v);
            let union = os
                .iter()
                .fold(values::ValueSet::empty(d), |acc, o| acc.union(&set(o)));
            set(&r).intersect(&union.complement()).pick().is_none()
        }
        None if op.base == crate::condition::BaseOperator::Null => false,
        None => {
            let l = Model::string_value_lang(op.base, &r);
            let union = os.iter().fold(Lang::default(), |acc, o| {
                acc.union(Model::string_value_lang(op.base, o))
            });
            lang::find_word(&[&l], &[&union]) == lang::Search::Empty
        }
    }
}

/// Preferred witness shapes: an action `service:name`, an ARN resource, an IAM principal.
fn preferences(m: &mut Model, action: usize, resource: usize) -> HashMap<usize, Vec<usize>> {
    let mut prefer: HashMap<usize, Vec<usize>> = HashMap::new();
    let act = m.add_lang(shape("?*:?*"));
    prefer.entry(action).or_default().push(act);
    let field = || Class::NotIn(vec![':']);
    let arn = Lang::of(
        Pattern::default()
            .lit("arn:aws:")
            .one(field())
            .many(field())
            .lit(":")
            .many(field())
            .lit(":")
            .many(field())
            .lit(":")
            .one(Class::Any)
            .many(Class::Any),
    );
    let arn = m.add_lang(arn);
    prefer.entry(resource).or_default().push(arn);
    if let Some(principal) = m.dims.iter().position(|d| *d == Dim::Principal) {
        for p in ["a|arn:aws:iam::", "s|", "f|"] {
            let l = m.add_lang(Lang::of(Pattern::default().lit(p).many(Class::Any)));
            prefer.entry(principal).or_default().push(l);
        }
    }
    prefer
}

/// A catalog action that satisfies the action constraints, from the patterns the statements
/// in play name.
fn catalog_action(m: &Model, atoms: &[Atom], cons: &[(usize, bool)]) -> Option<String> {
    let holds = |name: &str| {
        cons.iter().all(|&(a, truth)| match &atoms[a] {
            Atom::Str { lang, inside, .. } => m.langs[*lang].matches(name) == (*inside == truth),
            _ => true,
        })
    };
    let mut patterns: Vec<&str> = cons
        .iter()
        .filter_map(|&(a, truth)| match &atoms[a] {
            Atom::Str { lang, inside, .. } if *inside == truth => m.action_sources.get(lang),
            _ => None,
        })
        .flatten()
        .map(String::as_str)
        .collect();
    // Services named without wildcards only, and a bounded number of actions: the automaton's
    // witness serves (as a possible future action) when the catalog has no quick answer.
    patterns.retain(|p| {
        p.split_once(':')
            .is_some_and(|(svc, _)| !svc.contains(['*', '?']))
    });
    for p in patterns {
        for (service, action) in crate::catalog::expand_action_pattern(p)
            .into_iter()
            .take(500)
        {
            let name = format!("{}:{}", service.prefix(), action.name());
            if holds(&name.to_ascii_lowercase()) {
                return Some(name);
            }
        }
    }
    None
}

/// A one-line description of a request, for messages.
pub fn describe(r: &Request) -> String {
    let mut s = format!("`{}` on `{}`", r.action, r.resource);
    if let Some(p) = &r.principal {
        let (k, v) = match p {
            crate::eval::RequestPrincipal::Aws(v) => ("AWS", v),
            crate::eval::RequestPrincipal::Service(v) => ("Service", v),
            crate::eval::RequestPrincipal::Federated(v) => ("Federated", v),
        };
        s.push_str(&format!(" by {k} `{}`", printable(v)));
    }
    for (k, vs) in &r.context {
        let vs: Vec<String> = vs.iter().map(|v| format!("`{}`", printable(v))).collect();
        if vs.is_empty() {
            s.push_str(&format!(" with `{k}` present and empty"));
        } else {
            s.push_str(&format!(" with `{k}` = {}", vs.join(", ")));
        }
    }
    s
}

/// Shows the fresh symbols of a generic valuation and control characters readably.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || ('\u{F0000}'..='\u{FFFFF}').contains(&c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
