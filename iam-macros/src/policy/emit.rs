//! `policy!`, step 2: the literal as policy JSON, checked by `iam_model`'s own parser and
//! validator, with every finding mapped back to the token it is about.
//!
//! The JSON text is generated here and every value and key is recorded with its byte range
//! and its token span, so a finding's span in the text (which `validate_json` computes with
//! `locate`) maps to the innermost token that produced it. A Rust expression becomes a
//! placeholder string chosen to be neutral for the validator (`*` for an action or a resource,
//! an account root for a principal, a value of the operator's type for a condition), and any
//! finding inside a placeholder is dropped: the value is unknown until run time.

use std::collections::HashMap;
use std::ops::Range;

use iam_model::{Finding, Severity};
use proc_macro2::Span;

use super::ast::{Elem, Key, Member, Value};
use crate::diag::Errors;
use crate::template::Template;

/// What a JSON value was written as.
pub(crate) enum Leaf<'a> {
    /// A string literal (placeholders parsed where they are allowed).
    Str(Template),
    Expr(&'a syn::Expr),
    Spread(&'a syn::Expr),
    /// A condition key computed at run time.
    KeyExpr(&'a syn::Expr),
}

pub(crate) struct Emitted<'a> {
    pub json: String,
    /// Literal actions: their JSON range, value and token span.
    actions: Vec<(Range<usize>, String, Span)>,
    /// Literal condition keys: their JSON range, value and token span.
    condition_keys: Vec<(Range<usize>, String, Span)>,
    marks: Vec<(Range<usize>, Span)>,
    holes: Vec<Range<usize>>,
    /// Leaves by the byte offset where their JSON value starts.
    pub leaves: HashMap<usize, Leaf<'a>>,
}

struct Emitter<'a, 'e> {
    out: Emitted<'a>,
    path: Vec<String>,
    keys: usize,
    errors: &'e mut Errors,
}

/// Where in a policy a value is, by the keys on its path (indices left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position<'p> {
    Action,
    Resource,
    Principal,
    /// A condition value under this operator.
    ConditionValue(&'p str),
    Other,
}

fn position(path: &[String]) -> Position<'_> {
    match path {
        [s, e] if s == "Statement" && (e == "Action" || e == "NotAction") => Position::Action,
        [s, e] if s == "Statement" && (e == "Resource" || e == "NotResource") => Position::Resource,
        [s, e, _] if s == "Statement" && (e == "Principal" || e == "NotPrincipal") => {
            Position::Principal
        }
        [s, c, op, _] if s == "Statement" && c == "Condition" => Position::ConditionValue(op),
        _ => Position::Other,
    }
}

/// A stand-in the validator accepts for a value of this position.
fn placeholder(pos: Position<'_>) -> Option<&'static str> {
    use iam_model::condition::OperatorFamily as F;
    Some(match pos {
        Position::Action | Position::Resource => "*",
        Position::Principal => "arn:aws:iam::000000000000:root",
        Position::ConditionValue(op) => {
            match iam_model::ConditionOperator::parse(op).map(|o| o.base.family()) {
                Ok(F::Numeric) => "0",
                Ok(F::Date) => "2020-01-01T00:00:00Z",
                Ok(F::Bool | F::Null) => "true",
                Ok(F::Binary) => "AA==",
                Ok(F::Ip) => "203.0.113.0/24",
                Ok(F::Arn) => "arn:aws:iam::000000000000:root",
                _ => "value",
            }
        }
        Position::Other => return None,
    })
}

impl<'a> Emitter<'a, '_> {
    fn push_json_string(&mut self, s: &str) {
        self.out.json.push('"');
        iam_model::write::escape_into(s, &mut self.out.json);
        self.out.json.push('"');
    }

    fn value(&mut self, v: &'a Value) {
        let start = self.out.json.len();
        match v {
            Value::Str(lit) => {
                let raw = lit.value();
                let pos = position(&self.path);
                let is_action = pos == Position::Action;
                let templated = matches!(
                    pos,
                    Position::Resource | Position::Principal | Position::ConditionValue(_)
                );
                if templated {
                    match Template::parse(&raw) {
                        Ok(t) => {
                            let text = t.to_text();
                            self.push_json_string(&text.with_placeholders());
                            self.out.leaves.insert(start, Leaf::Str(t));
                        }
                        Err(e) => {
                            // Reported here; what the validator would say about the
                            // unparsed text would only repeat it.
                            self.errors.at(lit.span(), &e.message, Some(&e.help));
                            self.push_json_string(&raw);
                            self.out.holes.push(start..self.out.json.len());
                        }
                    }
                } else {
                    self.push_json_string(&raw);
                    if is_action {
                        self.out.actions.push((
                            start..self.out.json.len(),
                            raw.clone(),
                            lit.span(),
                        ));
                    }
                    self.out.leaves.insert(
                        start,
                        Leaf::Str(Template {
                            segs: vec![crate::template::Seg::Lit(raw)],
                        }),
                    );
                }
            }
            Value::Bool(b) => self
                .out
                .json
                .push_str(if b.value { "true" } else { "false" }),
            Value::Num(n, _) => self.out.json.push_str(n),
            Value::Null(_) => self.out.json.push_str("null"),
            Value::List(_, elems) => {
                self.out.json.push('[');
                for (i, e) in elems.iter().enumerate() {
                    if i > 0 {
                        self.out.json.push(',');
                    }
                    match e {
                        Elem::Value(v) => self.value(v),
                        Elem::Spread(span, expr) => self.expr(expr, *span, true),
                    }
                }
                self.out.json.push(']');
            }
            Value::Object(_, members) => {
                self.out.json.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.json.push(',');
                    }
                    self.member(m);
                }
                self.out.json.push('}');
            }
            Value::Expr(e) => {
                let span = syn::spanned::Spanned::span(e.as_ref());
                self.expr(e, span, false);
                return;
            }
        }
        self.out.marks.push((start..self.out.json.len(), v.span()));
    }

    fn expr(&mut self, e: &'a syn::Expr, span: Span, spread: bool) {
        let start = self.out.json.len();
        let pos = position(&self.path);
        let Some(stand_in) = placeholder(pos) else {
            self.errors.at(
                span,
                "a Rust expression can stand only for an action, a resource, a principal or a condition value",
                Some("write this value as a literal"),
            );
            self.push_json_string("");
            self.out.holes.push(start..self.out.json.len());
            return;
        };
        self.push_json_string(stand_in);
        let range = start..self.out.json.len();
        self.out.holes.push(range.clone());
        self.out.marks.push((range, span));
        self.out.leaves.insert(
            start,
            if spread {
                Leaf::Spread(e)
            } else {
                Leaf::Expr(e)
            },
        );
    }

    fn member(&mut self, m: &'a Member) {
        let start = self.out.json.len();
        let key = match &m.key {
            Key::Lit(lit) => {
                let k = lit.value();
                self.push_json_string(&k);
                if matches!(self.path.as_slice(), [s, c, _] if s == "Statement" && c == "Condition")
                {
                    self.out.condition_keys.push((
                        start..self.out.json.len(),
                        k.clone(),
                        lit.span(),
                    ));
                }
                k
            }
            Key::Expr(e) => {
                let is_condition_key = matches!(self.path.as_slice(), [s, c, _] if s == "Statement" && c == "Condition");
                if !is_condition_key {
                    self.errors.spanned(
                        e,
                        "only a condition key can be a Rust expression",
                        Some("write this key as a string, e.g. `\"Effect\"`"),
                    );
                }
                self.keys += 1;
                let k = format!("placeholder:key{}", self.keys);
                self.push_json_string(&k);
                self.out.leaves.insert(start, Leaf::KeyExpr(e));
                k
            }
        };
        self.out
            .marks
            .push((start..self.out.json.len(), m.key.span()));
        self.out.json.push(':');
        self.path.push(key);
        self.value(&m.value);
        self.path.pop();
        if matches!(m.key, Key::Expr(_)) {
            // Nothing about a key known only at run time, or its values, can be judged now.
            self.out.holes.push(start..self.out.json.len());
        }
    }
}

/// The JSON text of the literal. Template and placement errors go into `errors`.
pub(crate) fn emit<'a>(root: &'a Value, errors: &mut Errors) -> Emitted<'a> {
    let mut e = Emitter {
        out: Emitted {
            json: String::new(),
            actions: Vec::new(),
            condition_keys: Vec::new(),
            marks: Vec::new(),
            holes: Vec::new(),
            leaves: HashMap::new(),
        },
        path: Vec::new(),
        keys: 0,
        errors,
    };
    e.value(root);
    e.out
}

impl Emitted<'_> {
    /// Reports the findings that are errors, on the token each is about.
    pub(crate) fn report(&self, findings: &[Finding], errors: &mut Errors) {
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            let at = f.span.map_or(0, |s| s.start);
            if self.holes.iter().any(|h| h.contains(&at)) {
                continue;
            }
            let span = self
                .marks
                .iter()
                .filter(|(r, _)| r.contains(&at))
                .min_by_key(|(r, _)| r.len())
                .map_or_else(Span::call_site, |(_, s)| *s);
            errors.at(span, &f.message, f.help.as_deref());
        }
        // Catalog checks of literal actions and condition keys the validator said nothing
        // about (see `crate::catalog`).
        let mentioned = |range: &Range<usize>| {
            findings
                .iter()
                .any(|f| f.span.is_some_and(|s| range.contains(&s.start)))
        };
        for (range, action, span) in &self.actions {
            if !mentioned(range) {
                if let Some((message, help)) = crate::catalog::catalog_problem(action) {
                    errors.at(*span, message, Some(&help));
                }
            }
        }
        for (range, key, span) in &self.condition_keys {
            if !mentioned(range) {
                if let Some((message, help)) = crate::catalog::condition_key_problem(key) {
                    errors.at(*span, message, Some(&help));
                }
            }
        }
    }
}
