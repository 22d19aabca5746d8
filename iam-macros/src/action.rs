//! `action!("s3:GetObject")` and `actions!("s3:GetObject", "s3:List*")`.
//!
//! Each literal is checked by `iam_model::validate` (the same checks a policy's `Action`
//! element gets), through a one-statement document per literal; the findings about the
//! action become compile errors on the literal. An action the validator says nothing about is
//! looked up in the service catalog ([`catalog_problem`]: unknown service or action with the
//! nearest names as help, a wildcard that matches nothing). `action!` expands to an
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
            if let Some((message, help)) = catalog_problem(&lit.value()) {
                errors.at(lit.span(), message, Some(&help));
            }
        }
    }
    errors.finish()
}

/// What the service catalog says about a well-formed action the validator had nothing to say
/// about: an unknown service or action, or a pattern that matches nothing.
///
/// This covers the catalog checks of actions until `iam_model::validate` reports them itself
/// (its `validate/catalog_checks.rs`, being written): it runs only when the validator reported
/// no finding about the action, so once the validator has the check, its finding is the one
/// shown and this never fires.
pub(crate) fn catalog_problem(action: &str) -> Option<(String, String)> {
    let (prefix, name) = action.split_once(':')?;
    if action == "*" || prefix.contains(['*', '?']) {
        return None;
    }
    let suggestions = || {
        let s = iam_catalog::suggest_actions(action, 3);
        match s.as_slice() {
            [] => None,
            [one] => Some(format!("did you mean `{one}`?")),
            many => Some(format!(
                "did you mean one of {}?",
                many.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let Some(service) = iam_catalog::service(prefix) else {
        let help = suggestions().unwrap_or_else(|| {
            match iam_catalog::suggest_services(prefix, 1).first() {
                Some(s) => format!("did you mean the service `{s}`?"),
                None => "service prefixes are listed in the AWS Service Authorization Reference"
                    .to_owned(),
            }
        });
        return Some((format!("unknown service `{prefix}` in `{action}`"), help));
    };
    if name.contains(['*', '?']) {
        if service.matching_actions(name).is_empty() {
            return Some((
                format!("`{action}` matches no action of `{}`", service.prefix()),
                "no action name fits the pattern; check its spelling".to_owned(),
            ));
        }
        return None;
    }
    if service.action(name).is_some() {
        return None;
    }
    let help = suggestions()
        .unwrap_or_else(|| format!("`{}` has no action named like this", service.prefix()));
    Some((format!("unknown action `{action}`"), help))
}

#[cfg(test)]
mod tests {
    use super::catalog_problem;

    #[test]
    fn catalog_problems() {
        let p = |a: &str| catalog_problem(a).map(|(m, h)| format!("{m} / {h}"));
        assert_eq!(
            p("s3:GetObjcet").as_deref(),
            Some("unknown action `s3:GetObjcet` / did you mean `s3:GetObject`?")
        );
        assert_eq!(
            p("s4:GetObject").as_deref(),
            Some("unknown service `s4` in `s4:GetObject` / did you mean `s3:GetObject`?")
        );
        assert_eq!(p("s3:Gett*").as_deref(), Some("`s3:Gett*` matches no action of `s3` / no action name fits the pattern; check its spelling"));
        for fine in [
            "s3:GetObject",
            "S3:getobject",
            "s3:Get*",
            "*",
            "s3:*",
            "*:GetObject",
            "not-an-action",
        ] {
            assert_eq!(p(fine), None, "{fine}");
        }
    }
}
