//! IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`): their
//! syntax, where IAM evaluates them, and the version they need.

use crate::condition::OperatorFamily;
use crate::finding::{Code, Finding};
use crate::json::JsonPath;
use crate::policy::{PolicyDocument, Version};
use crate::text::{Segment, Text};

/// A problem with one `${...}` in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableError {
    /// `${` without a closing `}`.
    MissingBrace,
    /// `${}`.
    Empty,
    /// A space inside the variable name.
    Space,
    /// A default value not wrapped in single quotes.
    MissingQuote,
    /// A character that cannot appear in a variable name.
    BadSymbol(char),
}

impl VariableError {
    fn describe(&self) -> String {
        match self {
            VariableError::MissingBrace => "has no closing `}`".into(),
            VariableError::Empty => "is empty".into(),
            VariableError::Space => "has a space in the variable name".into(),
            VariableError::MissingQuote => {
                "has a default value that is not in single quotes".into()
            }
            VariableError::BadSymbol(c) => {
                format!("has the character `{c}`, which a variable name cannot contain")
            }
        }
    }
}

/// The variables in `s`: each as `Ok(name)` (`aws:username`, `*`) or the syntax error.
pub fn scan_variables(s: &str) -> Vec<Result<String, VariableError>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push(Err(VariableError::MissingBrace));
            break;
        };
        let body = after.get(..end).unwrap_or("");
        out.push(check_body(body));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

fn check_body(body: &str) -> Result<String, VariableError> {
    if matches!(body, "*" | "?" | "$") {
        return Ok(body.to_owned());
    }
    if body.trim().is_empty() {
        return Err(VariableError::Empty);
    }
    let (name, default) = match body.split_once(',') {
        Some((n, d)) => (n, Some(d)),
        None => (body, None),
    };
    if name.contains(char::is_whitespace) {
        return Err(VariableError::Space);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.')))
    {
        return Err(VariableError::BadSymbol(c));
    }
    if let Some(d) = default {
        let d = d.trim_start();
        if !(d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'')) {
            return Err(VariableError::MissingQuote);
        }
    }
    Ok(name.to_owned())
}

fn literal_parts(t: &Text) -> std::borrow::Cow<'_, str> {
    if let [Segment::Literal(l)] = t.segments() {
        return std::borrow::Cow::Borrowed(l.as_str());
    }
    std::borrow::Cow::Owned(
        t.segments()
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l.as_str(),
                Segment::Late(_) => "x",
            })
            .collect(),
    )
}

/// Checks one string: its variables' syntax and whether IAM evaluates variables where it
/// stands. The path is built only when there is something to report.
fn see(
    s: &str,
    path: &dyn Fn() -> JsonPath,
    allowed: Result<(), &str>,
    any: &mut bool,
    out: &mut Vec<Finding>,
) {
    if !crate::scan::has_variable(s) {
        return;
    }
    let vars = scan_variables(s);
    *any = true;
    for v in &vars {
        if let Err(e) = v {
            out.push(
                Finding::new(Code::VARIABLE_SYNTAX, path(), format!("the policy variable in `{s}` {}", e.describe()))
                    .with_help("variables read `${aws:username}`, with an optional default: `${aws:PrincipalTag/team, 'none'}`"),
            );
            return;
        }
    }
    if let Err(why) = allowed {
        out.push(
            Finding::new(Code::VARIABLE_NOT_ALLOWED, path(), format!("`{s}` uses a policy variable {why}"))
                .with_help("IAM evaluates variables only in the resource part of an ARN and in String and ARN condition values; elsewhere `${...}` is an error"),
        );
    }
}

pub(super) fn check(doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let mut any = false;
    for (i, st) in doc.statements.iter().enumerate() {
        let sp = || JsonPath::root().key("Statement").index(i);
        if let Some(sid) = &st.sid {
            see(sid, &|| sp().key("Sid"), Err("in a `Sid`"), &mut any, out);
        }
        for (j, a) in st.action.actions().iter().enumerate() {
            see(
                a.as_str(),
                &|| sp().key(st.action.element()).index(j),
                Err("in an action"),
                &mut any,
                out,
            );
        }
        if let Some(r) = &st.resource {
            for (j, t) in r.resources().iter().enumerate() {
                let s = literal_parts(t);
                if !crate::scan::has_variable(&s) {
                    continue;
                }
                let allowed = match s.match_indices(':').nth(4) {
                    Some((idx, _)) if !crate::scan::has_variable(s.get(..idx).unwrap_or("")) => {
                        Ok(())
                    }
                    Some(_) => Err("before the resource part of the ARN"),
                    None => Err("outside an ARN's resource part"),
                };
                see(
                    &s,
                    &|| sp().key(r.element()).index(j),
                    allowed,
                    &mut any,
                    out,
                );
            }
        }
        if let Some(p) = &st.principal {
            for (kind, v) in p.principal().entries() {
                see(
                    &literal_parts(v),
                    &|| sp().key(p.element()).key(kind.key()),
                    Err("in a principal"),
                    &mut any,
                    out,
                );
            }
        }
        for (op, k) in st.condition.tests() {
            let kp = || {
                sp().key("Condition")
                    .key(op.to_string())
                    .key(k.key.as_str())
            };
            see(&k.key, &kp, Err("in a condition key"), &mut any, out);
            let allowed = match op.base.family() {
                OperatorFamily::String | OperatorFamily::Arn => Ok(()),
                _ => Err("with an operator that is not a String or ARN operator"),
            };
            for v in &k.values {
                if let crate::condition::ConditionValue::String(t) = v {
                    see(&literal_parts(t), &kp, allowed, &mut any, out);
                }
            }
        }
    }
    if any && doc.version != Some(Version::V2012_10_17) {
        let path = if doc.version.is_some() {
            JsonPath::root().key("Version")
        } else {
            JsonPath::root()
        };
        out.push(
            Finding::new(
                Code::VARIABLE_REQUIRES_2012,
                path,
                "the policy uses variables, but without `\"Version\": \"2012-10-17\"` they are literal text",
            )
            .with_help("set `\"Version\": \"2012-10-17\"`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        assert_eq!(
            scan_variables("home/${aws:username}/*"),
            vec![Ok("aws:username".to_owned())]
        );
        assert_eq!(
            scan_variables("${aws:PrincipalTag/team, 'x'}"),
            vec![Ok("aws:PrincipalTag/team".to_owned())]
        );
        assert_eq!(
            scan_variables("a${*}b${?}"),
            vec![Ok("*".to_owned()), Ok("?".to_owned())]
        );
        assert_eq!(
            scan_variables("${aws:username"),
            vec![Err(VariableError::MissingBrace)]
        );
        assert_eq!(scan_variables("${}"), vec![Err(VariableError::Empty)]);
        assert_eq!(
            scan_variables("${aws: username}"),
            vec![Err(VariableError::Space)]
        );
        assert_eq!(
            scan_variables("${aws:PrincipalTag/team, x}"),
            vec![Err(VariableError::MissingQuote)]
        );
        assert!(scan_variables("no variables here $ {").is_empty());
    }
}
