//! Policy equivalence: do two documents mean the same to IAM?
//!
//! This is the rule Terraform's AWS provider uses to suppress diffs, and the one `plan` uses to
//! compare a live policy with the desired one. Two policies are equivalent when they differ only
//! in: statement order; the order of, and repeats in, any list; a bare string versus a
//! one-element list; an account id versus its `:root` ARN; the case of action names and
//! condition keys; `true` versus `"true"` in condition values; an absent `Version` versus
//! `2008-10-17`; and the order of condition operators and keys.

use std::collections::{BTreeMap, BTreeSet};

use crate::condition::ConditionValue;
use crate::policy::{PolicyDocument, Version};
use crate::principal::{normalize_aws_principal, Principal, PrincipalKind};
use crate::statement::{PrincipalClause, ResourceClause, Statement};
use crate::text::{Segment, Text};

/// True when IAM treats `a` and `b` the same.
///
/// ```
/// use iam_model::{equivalent, PolicyDocument};
/// let a: PolicyDocument = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"123456789012"},"Action":["sts:AssumeRole"]}]}"#.parse().unwrap();
/// let b: PolicyDocument = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
///   "Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":"STS:assumerole"}}"#.parse().unwrap();
/// assert!(equivalent(&a, &b));
/// ```
pub fn equivalent(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    normalize(a) == normalize(b)
}

/// A normalized value: equal normal forms mean equivalent policies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NormalForm {
    version: Version,
    id: Option<String>,
    statements: Vec<NormalStatement>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct NormalStatement {
    sid: Option<String>,
    effect: crate::statement::Effect,
    principal: Option<(bool, NormalPrincipal)>,
    actions: (bool, BTreeSet<String>),
    resources: Option<(bool, BTreeSet<Text>)>,
    condition: BTreeMap<String, BTreeMap<String, BTreeSet<Text>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NormalPrincipal {
    Any,
    Map(BTreeMap<PrincipalKind, BTreeSet<Text>>),
}

/// The normal form of a document.
pub fn normalize(doc: &PolicyDocument) -> NormalForm {
    let mut statements: Vec<NormalStatement> =
        doc.statements.iter().map(normalize_statement).collect();
    statements.sort();
    statements.dedup();
    NormalForm {
        version: doc.version.unwrap_or(Version::V2008_10_17),
        id: doc.id.clone(),
        statements,
    }
}

fn normalize_statement(s: &Statement) -> NormalStatement {
    let principal = s.principal.as_ref().map(|p| {
        let (not, p) = match p {
            PrincipalClause::Principal(p) => (false, p),
            PrincipalClause::NotPrincipal(p) => (true, p),
        };
        (not, normalize_principal(p))
    });
    let actions = (
        s.action.is_not(),
        s.action.actions().iter().map(|a| a.normalized()).collect(),
    );
    let resources = s.resource.as_ref().map(|r| match r {
        ResourceClause::Resource(v) => (false, v.iter().cloned().collect()),
        ResourceClause::NotResource(v) => (true, v.iter().cloned().collect()),
    });
    let mut condition: BTreeMap<String, BTreeMap<String, BTreeSet<Text>>> = BTreeMap::new();
    for (op, k) in s.condition.tests() {
        condition
            .entry(op.to_string())
            .or_default()
            .entry(k.key.to_ascii_lowercase())
            .or_default()
            .extend(k.values.iter().map(normalize_value));
    }
    NormalStatement {
        sid: s.sid.clone().filter(|s| !s.is_empty()),
        effect: s.effect,
        principal,
        actions,
        resources,
        condition,
    }
}

fn normalize_value(v: &ConditionValue) -> Text {
    match v {
        ConditionValue::Bool(b) => Text::literal(b.to_string()),
        ConditionValue::Number(n) => Text::literal(n.clone()),
        ConditionValue::String(t) => t.clone(),
    }
}

fn normalize_principal(p: &Principal) -> NormalPrincipal {
    match p {
        Principal::Any => NormalPrincipal::Any,
        Principal::Map(map) => {
            // `{"AWS": "*"}` and `"*"` are the same principal set for IAM.
            if map.len() == 1
                && p.values(PrincipalKind::Aws)
                    .iter()
                    .all(|v| v.as_literal().is_some_and(|s| s == "*"))
                && !p.values(PrincipalKind::Aws).is_empty()
            {
                return NormalPrincipal::Any;
            }
            NormalPrincipal::Map(
                map.iter()
                    .filter(|(_, vs)| !vs.is_empty())
                    .map(|(k, vs)| {
                        let set = vs
                            .iter()
                            .map(|v| {
                                if *k == PrincipalKind::Aws {
                                    normalize_aws_text(v)
                                } else {
                                    v.clone()
                                }
                            })
                            .collect();
                        (*k, set)
                    })
                    .collect(),
            )
        }
    }
}

fn normalize_aws_text(t: &Text) -> Text {
    match t.segments() {
        [Segment::Literal(s)] => Text::literal(normalize_aws_principal(s)),
        _ => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> PolicyDocument {
        PolicyDocument::from_json(s).unwrap()
    }

    #[test]
    fn order_case_and_forms_do_not_matter() {
        let a = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
             "Condition":{"Bool":{"aws:SecureTransport":true},"StringEquals":{"aws:PrincipalOrgID":"o-1"}}},
            {"Effect":"Deny","Action":"*","Resource":"*"}]}"#);
        let b = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Deny","Action":["*"],"Resource":["*"]},
            {"Sid":"A","Effect":"Allow","Action":["S3:listbucket","s3:GetObject","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],
             "Condition":{"StringEquals":{"AWS:PrincipalOrgId":["o-1"]},"Bool":{"aws:SecureTransport":"true"}}}]}"#);
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn real_differences_matter() {
        let base = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let a = doc(base);
        for other in [
            base.replace("Allow", "Deny"),
            base.replace("GetObject", "PutObject"),
            base.replace("b/*", "c/*"),
            base.replace("\"Action\"", "\"NotAction\""),
            base.replace("2012-10-17", "2008-10-17"),
            base.replace("\"Effect\"", "\"Sid\":\"X\",\"Effect\""),
        ] {
            assert!(!equivalent(&a, &doc(&other)), "{other}");
        }
        // Resource ARNs are case-sensitive.
        assert!(!equivalent(&a, &doc(&base.replace("b/*", "B/*"))));
    }

    #[test]
    fn account_root_and_wildcard_principal() {
        let a = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"]},"Action":"sts:AssumeRole"}]}"#,
        );
        let b = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::111122223333:root"]},"Action":"sts:AssumeRole"}]}"#,
        );
        assert!(equivalent(&a, &b));
        let star = doc(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        let aws_star = doc(
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        assert!(equivalent(&star, &aws_star));
    }
}
