//! Evaluating requests against policies: would IAM allow this call?
//!
//! A deliberately small evaluator for tests and checks: identity policies (and a role's trust
//! policy, through [`Request::principal`]) against one request. It implements the statement
//! logic IAM documents — action and resource matching with wildcards, principals, every condition
//! operator with `IfExists`, `ForAllValues`/`ForAnyValue` and `Null`, policy variables in
//! resources and condition values — and the rule that an explicit deny wins over any allow.
//! It does not model SCPs, permission boundaries, session policies or resource policies of
//! other accounts.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::action::{glob_match, glob_match_ci};
use crate::arn::Arn;
use crate::condition::{
    BaseOperator, ConditionOperator, ConditionValue, OperatorFamily, SetQualifier,
};
use crate::policy::PolicyDocument;
use crate::principal::{principal_account, Principal, PrincipalKind};
use crate::statement::{ActionClause, Effect, PrincipalClause, ResourceClause, Statement};
use crate::text::Text;

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// An IAM principal by ARN (`arn:aws:iam::123456789012:role/x`), or an account's root.
    Aws(String),
    /// An AWS service (`ec2.amazonaws.com`).
    Service(String),
    /// A federated identity through a provider ARN or IdP domain.
    Federated(String),
}

/// A request to evaluate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The action, e.g. `sts:AssumeRole`.
    pub action: String,
    /// The resource ARN (`*` when the action has none).
    pub resource: String,
    /// The caller, for trust and resource policies.
    pub principal: Option<RequestPrincipal>,
    /// Condition keys (compared case-insensitively) and their values.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    /// A request for `action` on `resource`.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        Request {
            action: action.into(),
            resource: resource.into(),
            principal: None,
            context: BTreeMap::new(),
        }
    }

    /// Sets the caller.
    pub fn principal(mut self, principal: RequestPrincipal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds a context key with its values.
    pub fn with<V: Into<String>>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.context.insert(
            key.into().to_ascii_lowercase(),
            values.into_iter().map(Into::into).collect(),
        );
        self
    }

    fn values(&self, key: &str) -> Option<&[String]> {
        self.context
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Some statement allows the request and none denies it.
    Allow,
    /// A statement denies it.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
}

/// A decision with the statements that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// `(policy index, statement index)` of every statement that matched the request.
    pub matched: Vec<(usize, usize)>,
}

impl Evaluation {
    /// True when the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

/// Evaluates `request` against `policies`. Late-bound values in the policies are compared by
/// their placeholders.
pub fn evaluate(policies: &[&PolicyDocument], request: &Request) -> Evaluation {
    let mut matched = Vec::new();
    let (mut allow, mut deny) = (false, false);
    for (pi, doc) in policies.iter().enumerate() {
        for (si, st) in doc.statements.iter().enumerate() {
            if statement_matches(st, request) {
                matched.push((pi, si));
                match st.effect {
                    Effect::Allow => allow = true,
                    Effect::Deny => deny = true,
                }
            }
        }
    }
    let decision = if deny {
        Decision::ExplicitDeny
    } else if allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    Evaluation { decision, matched }
}

/// Whether one statement applies to the request.
pub fn statement_matches(st: &Statement, request: &Request) -> bool {
    scope_matches(st, request) && conditions_hold(st, request)
}

/// A condition test left open by [`evaluate_partial`]: its key is not in the request's
/// context, so whether it holds depends on a value the caller chooses or brings (an external
/// id, an OIDC token's `sub`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Residual {
    /// The operator.
    pub operator: ConditionOperator,
    /// The condition key as written in the policy.
    pub key: String,
    /// The policy's values, policy variables substituted from the request.
    pub values: Vec<String>,
}

impl Residual {
    /// Whether the test holds when the request carries `values` for the key (`None`: the key
    /// is absent), by the same rules [`evaluate`] applies.
    pub fn holds(&self, values: Option<&[String]>) -> bool {
        test_holds(self.operator, values, &self.values)
    }
}

impl std::fmt::Display for Residual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let values: Vec<String> = self.values.iter().map(|v| format!("`{v}`")).collect();
        write!(f, "{} {} {}", self.key, self.operator, values.join(" | "))
    }
}

/// A statement that applies to a request once its open condition tests hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialMatch {
    /// `(policy index, statement index)` of the statement.
    pub statement: (usize, usize),
    /// The statement's effect.
    pub effect: Effect,
    /// Its tests on keys the request does not carry; empty when it applies outright.
    pub open: Vec<Residual>,
}

/// Like [`evaluate`], but a condition test on a key absent from the request's context is not
/// decided: it is returned as a [`Residual`] of its statement. Every statement whose action,
/// resource, principal and decided tests match is returned, in policy and statement order.
pub fn evaluate_partial(policies: &[&PolicyDocument], request: &Request) -> Vec<PartialMatch> {
    let mut out = Vec::new();
    for (pi, doc) in policies.iter().enumerate() {
        for (si, st) in doc.statements.iter().enumerate() {
            if !scope_matches(st, request) {
                continue;
            }
            let mut open = Vec::new();
            let decided = st.condition.tests().all(|(op, k)| {
                let values = policy_values(k, request);
                if request.values(&k.key).is_none() {
                    open.push(Residual {
                        operator: op,
                        key: k.key.clone(),
                        values,
                    });
                    true
                } else {
                    test_holds(op, request.values(&k.key), &values)
                }
            });
            if decided {
                out.push(PartialMatch {
                    statement: (pi, si),
                    effect: st.effect,
                    open,
                });
            }
        }
    }
    out
}

/// Whether the statement's action, resource and principal apply (conditions aside).
fn scope_matches(st: &Statement, request: &Request) -> bool {
    let action_ok = match &st.action {
        ActionClause::Action(a) => a.iter().any(|a| glob_match_ci(a.as_str(), &request.action)),
        ActionClause::NotAction(a) => !a.iter().any(|a| glob_match_ci(a.as_str(), &request.action)),
    };
    if !action_ok {
        return false;
    }
    let resource_ok = match &st.resource {
        None => true,
        Some(ResourceClause::Resource(r)) => r.iter().any(|p| resource_matches(p, request)),
        Some(ResourceClause::NotResource(r)) => !r.iter().any(|p| resource_matches(p, request)),
    };
    if !resource_ok {
        return false;
    }
    match (&st.principal, &request.principal) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(PrincipalClause::Principal(p)), Some(rp)) => principal_matches(p, rp),
        (Some(PrincipalClause::NotPrincipal(p)), Some(rp)) => !principal_matches(p, rp),
    }
}

fn substitute(t: &Text, request: &Request) -> String {
    let s = t.with_placeholders();
    if !crate::scan::has_variable(&s) {
        return s.into_owned();
    }
    let mut out = String::new();
    let mut rest: &str = &s;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or(""));
            return out;
        };
        let body = after.get(..end).unwrap_or("");
        let (name, default) = match body.split_once(',') {
            Some((n, d)) => (n.trim(), Some(d.trim().trim_matches('\''))),
            None => (body, None),
        };
        match name {
            "*" => out.push('\u{0}'),
            "?" => out.push('\u{1}'),
            "$" => out.push('$'),
            _ => match request.values(name).and_then(|v| v.first()) {
                Some(v) => out.push_str(v),
                None => out.push_str(default.unwrap_or("\u{2}")),
            },
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Glob matching in which `${*}`/`${?}` (substituted as markers) are literal characters.
fn glob_literal_aware(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if !pattern.contains(['\u{0}', '\u{1}']) {
        return if ignore_case {
            glob_match_ci(pattern, text)
        } else {
            glob_match(pattern, text)
        };
    }
    // Replace each literal marker with a character that cannot be a glob, then compare.
    let escaped_pattern: String = pattern
        .chars()
        .map(|c| {
            if c == '\u{0}' || c == '\u{1}' {
                '\u{3}'
            } else {
                c
            }
        })
        .collect();
    let escaped_text: String = text
        .chars()
        .map(|c| if c == '*' || c == '?' { '\u{3}' } else { c })
        .collect();
    if ignore_case {
        glob_match_ci(&escaped_pattern, &escaped_text)
    } else {
        glob_match(&escaped_pattern, &escaped_text)
    }
}

fn resource_matches(pattern: &Text, request: &Request) -> bool {
    let p = substitute(pattern, request);
    if p == "*" {
        return true;
    }
    match (Arn::parse(&p), Arn::parse(&request.resource)) {
        (Ok(pa), Ok(ra)) => {
            glob_match(pa.partition(), ra.partition())
                && glob_match(pa.service(), ra.service())
                && glob_match(pa.region(), ra.region())
                && glob_match(pa.account(), ra.account())
                && glob_literal_aware(pa.resource(), ra.resource(), false)
        }
        _ => p == request.resource,
    }
}

fn principal_matches(p: &Principal, rp: &RequestPrincipal) -> bool {
    let Principal::Map(_) = p else { return true };
    let (kind, value) = match rp {
        RequestPrincipal::Aws(v) => (PrincipalKind::Aws, v),
        RequestPrincipal::Service(v) => (PrincipalKind::Service, v),
        RequestPrincipal::Federated(v) => (PrincipalKind::Federated, v),
    };
    p.values(kind).iter().any(|t| {
        let s = t.with_placeholders();
        if s == "*" {
            return true;
        }
        if kind != PrincipalKind::Aws {
            return s.as_ref() == value.as_str();
        }
        // An account (bare id or `:root`) stands for every principal of that account.
        let is_account = crate::AccountId::is_valid(&s) || s.ends_with(":root");
        if is_account {
            principal_account(&s) == principal_account(value)
        } else {
            s.as_ref() == value.as_str()
        }
    })
}

fn conditions_hold(st: &Statement, request: &Request) -> bool {
    st.condition
        .tests()
        .all(|(op, k)| test_holds(op, request.values(&k.key), &policy_values(k, request)))
}

/// A test's values with policy variables substituted from the request.
fn policy_values(k: &crate::condition::KeyCondition, request: &Request) -> Vec<String> {
    k.values
        .iter()
        .map(|v| match v {
            ConditionValue::String(t) => substitute(t, request),
            other => other.as_text().with_placeholders().into_owned(),
        })
        .collect()
}

fn test_holds(op: ConditionOperator, request_values: Option<&[String]>, policy: &[String]) -> bool {
    if op.base == BaseOperator::Null {
        let want_absent = policy.iter().any(|v| v == "true");
        return request_values.is_none() == want_absent;
    }
    let Some(values) = request_values.filter(|v| !v.is_empty()) else {
        return match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.if_exists || op.base.is_negated(),
        };
    };
    let matches_one = |rv: &str| {
        let positive = policy.iter().any(|pv| positive_match(op.base, rv, pv));
        if op.base.is_negated() {
            !positive
        } else {
            positive
        }
    };
    match op.qualifier {
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| matches_one(v)),
        Some(SetQualifier::ForAnyValue) => values.iter().any(|v| matches_one(v)),
        None if op.base.is_negated() => values.iter().all(|v| matches_one(v)),
        None => values.iter().any(|v| matches_one(v)),
    }
}

fn positive_match(base: BaseOperator, request: &str, policy: &str) -> bool {
    use BaseOperator as B;
    match base {
        B::StringEquals | B::StringNotEquals => policy == request,
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => {
            policy.eq_ignore_ascii_case(request)
        }
        B::StringLike | B::StringNotLike => glob_literal_aware(policy, request, false),
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => {
            match (Arn::parse(policy), Arn::parse(request)) {
                (Ok(p), Ok(r)) => p.matches(&r),
                _ => false,
            }
        }
        B::Bool => policy.eq_ignore_ascii_case(request),
        B::BinaryEquals => policy == request,
        B::IpAddress | B::NotIpAddress => ip_in(request, policy),
        _ => match base.family() {
            OperatorFamily::Numeric => compare(number(request), number(policy), base),
            OperatorFamily::Date => compare(date(request), date(policy), base),
            _ => false,
        },
    }
}

fn compare(a: Option<f64>, b: Option<f64>, base: BaseOperator) -> bool {
    use BaseOperator as B;
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    match base {
        B::NumericEquals | B::NumericNotEquals | B::DateEquals | B::DateNotEquals => a == b,
        B::NumericLessThan | B::DateLessThan => a < b,
        B::NumericLessThanEquals | B::DateLessThanEquals => a <= b,
        B::NumericGreaterThan | B::DateGreaterThan => a > b,
        B::NumericGreaterThanEquals | B::DateGreaterThanEquals => a >= b,
        _ => false,
    }
}

fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Epoch seconds of an ISO 8601 date (UTC; offsets applied) or of epoch seconds.
fn date(s: &str) -> Option<f64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n as f64);
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|d| d.parse::<i64>().ok());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = if s.len() >= 16 {
        (num(11..13)?, num(14..16)?, num(17..19).unwrap_or(0))
    } else {
        (0, 0, 0)
    };
    let offset = match s.get(s.len().saturating_sub(6)..) {
        Some(tz) if (tz.starts_with('+') || tz.starts_with('-')) && tz.get(3..4) == Some(":") => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (tz.get(1..3)?.parse::<i64>().ok()? * 3600
                + tz.get(4..6)?.parse::<i64>().ok()? * 60)
        }
        _ => 0,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss - offset) as f64)
}

fn ip_in(request: &str, policy: &str) -> bool {
    let Ok(ip) = request.parse::<IpAddr>() else {
        return false;
    };
    let (net, len) = match policy.split_once('/') {
        Some((n, l)) => (n, l.parse::<u32>().ok()),
        None => (policy, None),
    };
    match (ip, net.parse::<IpAddr>()) {
        (IpAddr::V4(a), Ok(IpAddr::V4(b))) => {
            let len = len.unwrap_or(32).min(32);
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), Ok(IpAddr::V6(b))) => {
            let len = len.unwrap_or(128).min(128);
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
