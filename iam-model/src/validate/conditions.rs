//! Condition rules that need no catalog: key format, tag keys, values each operator can
//! match, Boolean lists, wildcards outside Like operators, private source IPs, external ids.

use std::net::IpAddr;

use crate::condition::{
    BaseOperator, ConditionOperator, ConditionValue, KeyCondition, OperatorFamily,
};
use crate::finding::{Code, Finding};
use crate::json::JsonPath;
use crate::policy::PolicyDocument;

use super::ValidationContext;

pub(super) fn check(doc: &PolicyDocument, _ctx: &ValidationContext, out: &mut Vec<Finding>) {
    for (i, st) in doc.statements.iter().enumerate() {
        for (op, k) in st.condition.tests() {
            let kp = || {
                JsonPath::root()
                    .key("Statement")
                    .index(i)
                    .key("Condition")
                    .key(op.to_string())
                    .key(k.key.as_str())
            };
            check_key(op, k, &kp, out);
            check_values(op, k, &kp, out);
        }
    }
}

fn check_key(
    _op: ConditionOperator,
    k: &KeyCondition,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let Some((prefix, name)) = k.key.split_once(':') else {
        out.push(
            Finding::new(
                Code::INVALID_CONDITION_KEY_FORMAT,
                kp(),
                format!("`{}` is not a condition key", k.key),
            )
            .with_help("condition keys read `prefix:name`, e.g. `aws:SourceIp` or `s3:prefix`"),
        );
        return;
    };
    if prefix.is_empty() || name.is_empty() {
        out.push(
            Finding::new(
                Code::INVALID_CONDITION_KEY_FORMAT,
                kp(),
                format!("`{}` is not a condition key", k.key),
            )
            .with_help("condition keys read `prefix:name`, e.g. `aws:SourceIp` or `s3:prefix`"),
        );
        return;
    }
    for tag in ["ResourceTag", "RequestTag", "PrincipalTag"] {
        if name
            .strip_suffix('/')
            .unwrap_or(name)
            .eq_ignore_ascii_case(tag)
        {
            out.push(
                Finding::new(
                    Code::TAG_KEY_MISSING,
                    kp(),
                    format!("`{}` needs a tag key", k.key),
                )
                .with_help(format!(
                    "write `{prefix}:{tag}/tag-key`, e.g. `{prefix}:{tag}/team`"
                )),
            );
        }
    }
}

fn check_values(
    op: ConditionOperator,
    k: &KeyCondition,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let family = op.base.family();
    let many = k.values.len() > 1;
    if matches!(family, OperatorFamily::Bool | OperatorFamily::Null) && many {
        out.push(
            Finding::new(
                Code::MULTIPLE_BOOLEAN_VALUES,
                kp(),
                format!(
                    "`{op}` on `{}` has {} values; a Boolean test takes one",
                    k.key,
                    k.values.len()
                ),
            )
            .with_help("keep one value: `true` or `false`"),
        );
    }
    for (j, v) in k.values.iter().enumerate() {
        let vp = || if many { kp().index(j) } else { kp() };
        let Some(s) = literal_value(v) else { continue };
        if let Some(help) = value_problem(op, &k.key, v, &s) {
            out.push(
                Finding::new(
                    Code::CONDITION_VALUE_INVALID,
                    vp(),
                    format!("`{s}` can never match under `{op}`"),
                )
                .with_help(help),
            );
        }
        if family == OperatorFamily::String && !op.base.is_like() && has_bare_wildcard(&s) {
            out.push(
                Finding::new(
                    Code::WILDCARD_WITHOUT_LIKE,
                    vp(),
                    format!("`{s}` contains a wildcard, which `{op}` compares literally"),
                )
                .with_help(format!("use `{}` to match a pattern", like_of(op))),
            );
        }
    }
    if k.key.eq_ignore_ascii_case("aws:SourceIp")
        && family == OperatorFamily::Ip
        && !k.values.is_empty()
        && k.values
            .iter()
            .all(|v| literal_value(v).is_some_and(|s| is_private(&s)))
    {
        out.push(
            Finding::new(
                Code::PRIVATE_SOURCE_IP,
                kp(),
                "every `aws:SourceIp` value is private address space, which `aws:SourceIp` never sees",
            )
            .with_help("for traffic through a VPC endpoint use `aws:VpcSourceIp` or `aws:SourceVpce`"),
        );
    }
}

fn like_of(op: ConditionOperator) -> String {
    let base = if op.base.is_negated() {
        BaseOperator::StringNotLike
    } else {
        BaseOperator::StringLike
    };
    ConditionOperator { base, ..op }.to_string()
}

/// The value as IAM compares it, when it has no late-bound part (without copying it).
fn literal_value(v: &ConditionValue) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        ConditionValue::String(t) => t.as_literal(),
        ConditionValue::Bool(b) => Some(std::borrow::Cow::Borrowed(if *b {
            "true"
        } else {
            "false"
        })),
        ConditionValue::Number(n) => Some(std::borrow::Cow::Borrowed(n.as_str())),
    }
}

/// `*` or `?` that is not part of the `${*}` / `${?}` variables.
fn has_bare_wildcard(s: &str) -> bool {
    crate::scan::has_wildcard(s)
        && s.replace("${*}", "")
            .replace("${?}", "")
            .contains(['*', '?'])
}

fn value_problem(op: ConditionOperator, key: &str, v: &ConditionValue, s: &str) -> Option<String> {
    let has_var = crate::scan::has_variable(s);
    match op.base.family() {
        OperatorFamily::Bool | OperatorFamily::Null => match v {
            ConditionValue::Bool(_) => None,
            _ if s == "true" || s == "false" => None,
            _ => Some("a Boolean test takes `true` or `false`".into()),
        },
        OperatorFamily::Numeric => (!has_var && !s.parse::<f64>().is_ok_and(f64::is_finite))
            .then(|| "numeric operators take a number such as `3600`".into()),
        OperatorFamily::Date => (!has_var && !is_date(s)).then(|| {
            "date operators take ISO 8601 (`2026-01-31T00:00:00Z`) or epoch seconds".into()
        }),
        OperatorFamily::Ip => (!has_var && !is_ip_or_cidr(s)).then(|| {
            "IP operators take an IPv4 or IPv6 address or CIDR block, e.g. `203.0.113.0/24`".into()
        }),
        OperatorFamily::Binary => {
            (!has_var && !is_base64(s)).then(|| "`BinaryEquals` takes a base-64 value".into())
        }
        OperatorFamily::String
            if key.eq_ignore_ascii_case("sts:ExternalId") && !op.base.is_like() && !has_var =>
        {
            let ok = (2..=1224).contains(&s.chars().count())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
            (!ok).then(|| {
                "an external id is 2 to 1,224 characters of letters, digits and `_+=,.@:/-`".into()
            })
        }
        _ => None,
    }
}

fn is_ip_or_cidr(s: &str) -> bool {
    match s.split_once('/') {
        None => s.parse::<IpAddr>().is_ok(),
        Some((ip, len)) => match (ip.parse::<IpAddr>(), len.parse::<u8>()) {
            (Ok(IpAddr::V4(_)), Ok(n)) => n <= 32 && !len.starts_with('+'),
            (Ok(IpAddr::V6(_)), Ok(n)) => n <= 128 && !len.starts_with('+'),
            _ => false,
        },
    }
}

fn is_private(s: &str) -> bool {
    let ip = s.split('/').next().unwrap_or(s);
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_private(),
        _ => false,
    }
}

fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len().is_multiple_of(4)
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || (c == b'=' && i + 2 >= b.len())
        })
}

/// ISO 8601 dates and date-times as IAM accepts them, or epoch seconds.
pub(crate) fn is_date(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| -> u32 {
        b.get(r)
            .map(|d| d.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')))
            .unwrap_or(0)
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return false;
    }
    let (month, day) = (num(5..7), num(8..10));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let rest = b.get(10..).unwrap_or(&[]);
    if rest.is_empty() {
        return true;
    }
    if rest.first() != Some(&b'T') {
        return false;
    }
    let t = rest.get(1..).unwrap_or(&[]);
    let tdig =
        |r: std::ops::Range<usize>| t.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(tdig(0..2) && t.get(2) == Some(&b':') && tdig(3..5)) {
        return false;
    }
    let mut i = 5;
    if t.get(i) == Some(&b':') {
        if !tdig(6..8) {
            return false;
        }
        i = 8;
        if t.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    match t.get(i..) {
        Some([]) | Some([b'Z']) => true,
        Some([b'+' | b'-', h1, h2, b':', m1, m2]) => {
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_shapes() {
        assert!(is_date("2026-01-31"));
        assert!(is_date("2026-01-31T12:00:00Z"));
        assert!(is_date("2026-01-31T12:00:00.123+02:00"));
        assert!(is_date("1700000000"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("yesterday"));
        assert!(is_ip_or_cidr("203.0.113.0/24"));
        assert!(is_ip_or_cidr("2001:db8::/32"));
        assert!(!is_ip_or_cidr("203.0.113.300/24"));
        assert!(!is_ip_or_cidr("10.0.0.0/33"));
        assert!(is_base64("QmluYXJ5"));
        assert!(!is_base64("not base64!"));
        assert!(is_private("10.1.0.0/16"));
        assert!(!is_private("203.0.113.1"));
        assert!(has_bare_wildcard("a*"));
        assert!(!has_bare_wildcard("a${*}b"));
    }
}
