//! `#[derive(Inputs)]`, step 2: checks that need more than one attribute or one field — attribute
//! combinations, duplicate input names, bounds in order, patterns that compile, descriptions.

use std::collections::BTreeMap;

use super::ast::{Container, NumValue};
use crate::diag::Errors;

pub(crate) fn check(c: &Container<'_>, errors: &mut Errors) {
    let mut names: BTreeMap<&str, &syn::Ident> = BTreeMap::new();
    for f in &c.fields {
        if let Some(flatten) = f.flatten {
            let others = [
                (
                    "default",
                    f.default.as_ref().map(super::ast::DefaultAttr::span),
                ),
                ("range", f.range.as_ref().map(|r| r.span)),
                ("pattern", f.pattern.as_ref().map(syn::LitStr::span)),
                ("example", f.example.as_ref().map(syn::LitStr::span)),
                ("rename", f.rename.as_ref().map(syn::LitStr::span)),
                ("sensitive", f.sensitive),
            ];
            for (key, span) in others {
                if let Some(span) = span {
                    errors.at(
                        span,
                        format!("`{key}` cannot be combined with `flatten`"),
                        Some(
                            "a flattened struct's inputs take their attributes from its own fields",
                        ),
                    );
                }
            }
            let _ = flatten;
            continue;
        }
        if f.doc.is_empty() {
            errors.spanned(
                f.ident,
                format!("input `{}` has no description", f.name),
                Some("add a `///` doc comment: it becomes the input's description in docs and in its Terraform variable"),
            );
        }
        if f.name.is_empty() {
            errors.at(f.name_span, "an input name cannot be empty", None);
        } else if let Some(first) = names.get(f.name.as_str()) {
            errors.at(
                f.name_span,
                format!("two inputs are named `{}`", f.name),
                Some(&format!(
                    "field `{first}` already has that name; rename one of them"
                )),
            );
        } else {
            names.insert(f.name.as_str(), f.ident);
        }
        if let Some(r) = &f.range {
            if let (Some(min), Some(max)) = (&r.min, &r.max) {
                let empty = if r.max_inclusive {
                    min.value.as_f64() > max.value.as_f64()
                } else {
                    min.value.as_f64() >= max.value.as_f64()
                };
                if empty {
                    errors.at(
                        r.span,
                        "this range is empty",
                        Some("write the lower bound first: `range = 3600..=43200`"),
                    );
                }
            }
            let mixed = [&r.min, &r.max]
                .iter()
                .filter_map(|b| b.as_ref())
                .any(|b| matches!(b.value, NumValue::Float(_)))
                && [&r.min, &r.max]
                    .iter()
                    .filter_map(|b| b.as_ref())
                    .any(|b| matches!(b.value, NumValue::Int(_)));
            if mixed {
                errors.at(
                    r.span,
                    "mix of integer and float bounds",
                    Some("write both bounds the same way, e.g. `0.0..=1.0`"),
                );
            }
        }
        if let Some(p) = &f.pattern {
            if let Err(e) = regex_lite::Regex::new(&format!("^(?:{})$", p.value())) {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or("invalid");
                errors.at(
                    p.span(),
                    format!("`{}` is not a valid pattern: {first}", p.value()),
                    Some("patterns use regex-lite syntax and must match the whole value"),
                );
            }
        }
    }
}
