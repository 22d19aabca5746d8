//! `action!("s3:GetObject")` and `actions!("s3:GetObject", "s3:List*")`.
//!
//! Each literal is checked by `iam_model::validate` (the same checks a policy's `Action`
//! element gets), through a one-statement document per literal; the findings about the
//! action become compile errors on the literal. An action the validator says nothing about is
//! looked up in the service catalog ([`crate::catalog::catalog_problem`]: unknown service or
//! action with the nearest names as help, a wildcard that matches nothing). `action!` expands to an
//! `::iam_model::Action`, `actions!` to an array of them.

use iam_model::json::PathSegment;
use iam_model::{PolicyDocument, Severity, Statement, ValidationContext};
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;

use crate::diag::{with_fallback, Errors};

/// `action!`: exactly one string literal.
pub(crate) fn action(input: TokenStream) -> TokenStream {
    let lit = match syn::parse2::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => {
            let e = crate::diag::error(
                e.span(),
                "`action!` takes one string literal",
                Some("write `action!(\"s3:GetObject\")`"),
            );
            return with_fallback(&e, quote!(::iam_model::Action::new("")));
        }
    };
    let value = lit.value();
    match check(std::slice::from_ref(&lit)) {
        Ok(()) => quote!(::iam_model::Action::new(#value)),
        Err(e) => with_fallback(&e, quote!(::iam_model::Action::new(#value))),
    }
}

/// `actions!`: string literals separated by commas.
pub(crate) fn actions(input: TokenStream) -> TokenStream {
    let lits = match Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated.parse2(input) {
        Ok(l) => l.into_iter().collect::<Vec<_>>(),
        Err(e) => {
            let e = crate::diag::error(
                e.span(),
                "`actions!` takes string literals separated by commas",
                Some("write `actions!(\"s3:GetObject\", \"s3:List*\")`"),
            );
            return with_fallback(&e, quote!([::iam_model::Action::new(""); 0]));
        }
    };
    let values: Vec<String> = lits.iter().map(syn::LitStr::value).collect();
    let out = quote!([#(::iam_model::Action::new(#values)),*]);
    match check(&lits) {
        Ok(()) => out,
        Err(e) => with_fallback(&e, out),
    }
}

/// Validates each literal as the action of its own statement.
pub(crate) fn check(lits: &[syn::LitStr]) -> syn::Result<()> {
    let mut errors = Errors::new();
    if lits.is_empty() {
        return Ok(());
    }
    let doc = PolicyDocument::new(
        lits.iter()
            .map(|l| Statement::allow().action(l.value()).resource("*")),
    );
    let findings = iam_model::validate(&doc, &ValidationContext::default());
    for (i, lit) in lits.iter().enumerate() {
        let about: Vec<&iam_model::Finding> = findings
            .iter()
            .filter(|f| matches!(f.path.segments(), [PathSegment::Key(s), PathSegment::Index(j), PathSegment::Key(a), ..] if s == "Statement" && *j == i && a == "Action"))
            .collect();
        for f in about.iter().filter(|f| f.severity == Severity::Error) {
            errors.at(lit.span(), &f.message, f.help.as_deref());
        }
        if about.is_empty() {
            if let Some((message, help)) = crate::catalog::catalog_problem(&lit.value()) {
                errors.at(lit.span(), message, Some(&help));
            }
        }
    }
    errors.finish()
}
