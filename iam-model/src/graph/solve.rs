//! Whether condition tests can hold together: the check that drops a path whose edges ask
//! for `sub` to be `X` on one hop and `Y` on another.
//!
//! Tests are grouped by key (and, for keys that describe one call rather than the caller's
//! identity, by hop: each hop chooses its own external id). For each key the solver looks for
//! a witness among the values the tests name — each literal, each pattern with its wildcards
//! filled, pairs of patterns joined, an absent key and a fresh value — and tries it with the
//! evaluator's own operator semantics ([`Residual::holds`]). A key with no witness is
//! unsatisfiable only when one of its tests is an exact equality (`StringEquals`, `Bool`,
//! `NumericEquals`, `BinaryEquals`), whose values the witnesses include all of; otherwise the
//! solver keeps the path, so that reachability is never under-reported.

use std::collections::BTreeMap;

use crate::condition::{BaseOperator, ConditionOperator};
use crate::eval::Residual;

/// The scope a key's tests share along a path: `0` for keys that stay with the caller from
/// hop to hop (a token's `sub`, the source identity, tags), `hop + 1` for keys each call sets
/// afresh (the external id, the caller's ARN, request tags).
pub fn scope(key: &str, hop: usize) -> usize {
    let k = key.to_ascii_lowercase();
    let per_hop = (k.starts_with("sts:") && k != "sts:sourceidentity")
        || k.starts_with("aws:principal")
        || k.starts_with("aws:requesttag/")
        || k.starts_with("aws:resource")
        || k == "aws:tagkeys"
        || k == "aws:userid"
        || k == "aws:username";
    if per_hop {
        hop + 1
    } else {
        0
    }
}

/// The negation of a `Deny` statement's single open test, to fold into an edge's conditions:
/// `None` when the statement has several tests (its negation is a disjunction) or the
/// operator has no negated twin.
pub fn negate(open: &[Residual]) -> Option<Residual> {
    use BaseOperator as B;
    let [r] = open else { return None };
    if r.operator.qualifier.is_some() || r.operator.if_exists {
        return None;
    }
    let twin = match r.operator.base {
        B::StringEquals => B::StringNotEquals,
        B::StringNotEquals => B::StringEquals,
        B::StringEqualsIgnoreCase => B::StringNotEqualsIgnoreCase,
        B::StringNotEqualsIgnoreCase => B::StringEqualsIgnoreCase,
        B::StringLike => B::StringNotLike,
        B::StringNotLike => B::StringLike,
        B::ArnEquals => B::ArnNotEquals,
        B::ArnNotEquals => B::ArnEquals,
        B::ArnLike => B::ArnNotLike,
        B::ArnNotLike => B::ArnLike,
        B::NumericEquals => B::NumericNotEquals,
        B::NumericNotEquals => B::NumericEquals,
        B::DateEquals => B::DateNotEquals,
        B::DateNotEquals => B::DateEquals,
        B::IpAddress => B::NotIpAddress,
        B::NotIpAddress => B::IpAddress,
        B::Null => {
            let absent = r.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
            return Some(Residual {
                operator: r.operator,
                key: r.key.clone(),
                values: vec![if absent { "false" } else { "true" }.to_owned()],
            });
        }
        _ => return None,
    };
    Some(Residual {
        operator: ConditionOperator::new(twin),
        key: r.key.clone(),
        values: r.values.clone(),
    })
}

/// Whether every test can hold at once. Each test comes with its scope ([`scope`]).
pub fn satisfiable<'a>(tests: impl IntoIterator<Item = (usize, &'a Residual)>) -> bool {
    let mut groups: BTreeMap<(usize, String), Vec<&Residual>> = BTreeMap::new();
    for (scope, t) in tests {
        groups
            .entry((scope, t.key.to_ascii_lowercase()))
            .or_default()
            .push(t);
    }
    groups.values().all(|group| key_satisfiable(group))
}

fn key_satisfiable(group: &[&Residual]) -> bool {
    let holds_for = |v: Option<&[String]>| group.iter().all(|t| t.holds(v));
    if holds_for(None) {
        return true;
    }
    let candidates = witnesses(group);
    if candidates
        .iter()
        .any(|c| holds_for(Some(std::slice::from_ref(c))))
    {
        return true;
    }
    let exact = group.iter().any(|t| {
        t.operator.qualifier.is_none()
            && !t.operator.if_exists
            && matches!(
                t.operator.base,
                BaseOperator::StringEquals
                    | BaseOperator::Bool
                    | BaseOperator::NumericEquals
                    | BaseOperator::BinaryEquals
            )
    });
    !exact
}

/// Values worth trying for one key.
fn witnesses(group: &[&Residual]) -> Vec<String> {
    let mut out: Vec<String> = vec!["true".into(), "false".into(), "\u{7f}fresh".into()];
    let mut patterns = Vec::new();
    for t in group {
        for v in &t.values {
            out.push(v.clone());
            if t.operator.base.is_like() {
                out.push(fill(v, ""));
                out.push(fill(v, "x"));
                patterns.push(v.as_str());
            }
            if let Some((net, _)) = v.split_once('/') {
                out.push(net.to_owned());
            }
            if let Ok(n) = v.parse::<f64>() {
                out.push((n + 1.0).to_string());
                out.push((n - 1.0).to_string());
            }
        }
    }
    // Two patterns meet in a value that starts like one and ends like the other.
    for p in &patterns {
        for q in &patterns {
            let head: String = p.chars().take_while(|c| *c != '*' && *c != '?').collect();
            let tail: String = {
                let rev: String = q
                    .chars()
                    .rev()
                    .take_while(|c| *c != '*' && *c != '?')
                    .collect();
                rev.chars().rev().collect()
            };
            out.push(format!("{head}{tail}"));
            out.push(format!("{head}{}", fill(q, "")));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A glob pattern with each `*` replaced by `star` and each `?` by `x`.
fn fill(pattern: &str, star: &str) -> String {
    let mut s = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        match c {
            '*' => s.push_str(star),
            '?' => s.push('x'),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(op: BaseOperator, key: &str, values: &[&str]) -> Residual {
        Residual {
            operator: ConditionOperator::new(op),
            key: key.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn equal_to_two_different_values_cannot_hold() {
        let a = t(BaseOperator::StringEquals, "idp:sub", &["repo:a:ref:main"]);
        let b = t(BaseOperator::StringEquals, "IDP:SUB", &["repo:b:ref:main"]);
        assert!(!satisfiable([(0, &a), (0, &b)]));
        // Each hop picks its own external id.
        let x = t(BaseOperator::StringEquals, "sts:ExternalId", &["one"]);
        let y = t(BaseOperator::StringEquals, "sts:ExternalId", &["two"]);
        assert!(satisfiable([
            (scope("sts:ExternalId", 0), &x),
            (scope("sts:ExternalId", 1), &y)
        ]));
        assert!(!satisfiable([
            (scope("sts:ExternalId", 0), &x),
            (scope("sts:ExternalId", 0), &y)
        ]));
    }

    #[test]
    fn patterns_meet_when_some_value_matches_both() {
        let like = t(
            BaseOperator::StringLike,
            "k",
            &["repo:org/*:ref:refs/heads/main"],
        );
        let eq = t(
            BaseOperator::StringEquals,
            "k",
            &["repo:org/app:ref:refs/heads/main"],
        );
        let other = t(
            BaseOperator::StringEquals,
            "k",
            &["repo:evil/app:ref:refs/heads/main"],
        );
        assert!(satisfiable([(0, &like), (0, &eq)]));
        assert!(!satisfiable([(0, &like), (0, &other)]));
        let a = t(BaseOperator::StringLike, "k", &["a*"]);
        let b = t(BaseOperator::StringLike, "k", &["*b"]);
        assert!(satisfiable([(0, &a), (0, &b)]));
        let not = t(BaseOperator::StringNotLike, "k", &["a*"]);
        assert!(!satisfiable([(0, &eq_a()), (0, &not)]));
    }

    fn eq_a() -> Residual {
        t(BaseOperator::StringEquals, "k", &["abc"])
    }

    #[test]
    fn negation_has_the_opposite_truth() {
        let like = t(
            BaseOperator::ArnLike,
            "aws:PrincipalArn",
            &["arn:aws:iam::*:user/*"],
        );
        let not = negate(std::slice::from_ref(&like)).unwrap_or_else(|| like.clone());
        for v in ["arn:aws:iam::1:user/x", "arn:aws:iam::1:role/x"] {
            let vals = vec![v.to_owned()];
            assert_ne!(like.holds(Some(&vals)), not.holds(Some(&vals)), "{v}");
        }
        assert!(negate(&[like.clone(), like]).is_none());
    }
}
