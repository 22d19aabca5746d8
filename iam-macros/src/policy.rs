//! `policy!{ ... }`: a policy literal checked at compile time.
//!
//! Parse the JSON-like tokens ([`ast`]), write them as policy JSON and run
//! `iam_model::validate_json` on it ([`emit`]: every error finding becomes a compile error on
//! the token it is about), then build the `::iam_model::PolicyDocument` from the document the
//! parser read ([`expand`]). The policy kind (identity, inline, trust, resource) decides which
//! elements are allowed and which size quota applies: it is written first
//! (`policy!(trust { ... })`) or inferred — a policy with principals is a trust policy when it
//! has no resources, a resource policy otherwise, and an identity (managed) policy without
//! principals.
//!
//! Only errors are reported at compile time; warnings and security findings (a macro cannot
//! warn on stable Rust) are left to `Deployment::validate`, which reports them with the rest.

mod ast;
mod emit;
mod expand;

#[cfg(test)]
mod tests;

use iam_model::{Attachment, PolicyKind, ValidationContext};
use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::{with_fallback, Errors};
use ast::{Input, Kind, Value};

pub(crate) fn policy(input: TokenStream) -> TokenStream {
    let fallback = quote!(::iam_model::PolicyDocument::new(::std::vec::Vec::new()));
    match expand_policy(input) {
        Ok(t) => t,
        Err(e) => with_fallback(&e, fallback),
    }
}

/// The whole pipeline, from the macro's tokens to the expansion.
pub(crate) fn expand_policy(input: TokenStream) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let mut errors = Errors::new();
    let emitted = emit::emit(&input.root, &mut errors);
    let ctx = ValidationContext::new(kind(&input));
    let report = iam_model::validate_json(emitted.json.as_bytes(), &ctx);
    emitted.report(&report.findings, &mut errors);
    errors.finish()?;
    // The tree maps each model value back to the token that wrote it.
    let tree = iam_model::json::parse_str(&emitted.json, &iam_model::json::Limits::default());
    match (&report.document, &tree) {
        (Some(doc), Ok(tree)) => Ok(expand::document(doc, tree, &emitted.leaves)),
        _ => Err(crate::diag::error(
            input.kind_span,
            "the policy could not be read",
            None,
        )),
    }
}

fn kind(input: &Input) -> PolicyKind {
    match input.kind {
        Kind::Identity => PolicyKind::Identity(Attachment::Managed),
        Kind::Inline => PolicyKind::Identity(Attachment::InlineRole),
        Kind::Trust => PolicyKind::Trust,
        Kind::Resource => PolicyKind::Resource,
        Kind::Inferred => {
            let (principal, resource) = elements(&input.root);
            match (principal, resource) {
                (true, false) => PolicyKind::Trust,
                (true, true) => PolicyKind::Resource,
                _ => PolicyKind::Identity(Attachment::Managed),
            }
        }
    }
}

/// Whether some statement has a principal, and whether some has a resource.
fn elements(root: &Value) -> (bool, bool) {
    let Value::Object(_, members) = root else {
        return (false, false);
    };
    let statements: Vec<&Value> = members
        .iter()
        .filter(|m| matches!(&m.key, ast::Key::Lit(k) if k.value() == "Statement"))
        .flat_map(|m| match &m.value {
            Value::List(_, elems) => elems
                .iter()
                .filter_map(|e| match e {
                    ast::Elem::Value(v) => Some(v),
                    ast::Elem::Spread(..) => None,
                })
                .collect(),
            v => vec![v],
        })
        .collect();
    let has = |names: &[&str]| {
        statements.iter().any(|s| match s {
            Value::Object(_, ms) => ms
                .iter()
                .any(|m| matches!(&m.key, ast::Key::Lit(k) if names.contains(&k.value().as_str()))),
            _ => false,
        })
    };
    (
        has(&["Principal", "NotPrincipal"]),
        has(&["Resource", "NotResource"]),
    )
}
