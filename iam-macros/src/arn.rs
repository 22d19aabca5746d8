//! `arn!("arn:aws:s3:::my-bucket/*")`: an ARN checked at compile time.
//!
//! Without placeholders it expands to an `::iam_model::Arn`; with `{partition}`, `{region}`,
//! `{account}` or `{account:KEY}` (see [`crate::template`]) to an `::iam_model::Text` with
//! those parts late-bound. Either way the ARN is checked by `iam_model::validate` as the
//! `Resource` of a statement (late-bound parts replaced by their placeholders, as the
//! validator does for any late-bound text), and each finding about it is a compile error on
//! the literal.

use iam_model::json::PathSegment;
use iam_model::{PolicyDocument, Severity, Statement, ValidationContext};
use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::{error, with_fallback, Errors};
use crate::template::Template;

pub(crate) fn arn(input: TokenStream) -> TokenStream {
    let fallback = quote!(::iam_model::Arn::new("", "", "", "", ""));
    let lit = match syn::parse2::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => {
            let e = error(
                e.span(),
                "`arn!` takes one string literal",
                Some("write `arn!(\"arn:aws:s3:::my-bucket/*\")`"),
            );
            return with_fallback(&e, fallback);
        }
    };
    match expand(&lit) {
        Ok(t) => t,
        Err(e) => with_fallback(&e, fallback),
    }
}

pub(crate) fn expand(lit: &syn::LitStr) -> syn::Result<TokenStream> {
    let value = lit.value();
    let template =
        Template::parse(&value).map_err(|e| error(lit.span(), &e.message, Some(&e.help)))?;
    if value == "*" {
        return Err(error(
            lit.span(),
            "`*` is not an ARN",
            Some("write `\"*\"` as the resource itself, not through `arn!`"),
        ));
    }
    let doc = PolicyDocument::new([Statement::allow().action("*").resource(template.to_text())]);
    let mut errors = Errors::new();
    for f in iam_model::validate(&doc, &ValidationContext::default()) {
        let about_resource = matches!(f.path.segments(), [PathSegment::Key(s), _, PathSegment::Key(r), ..] if s == "Statement" && r == "Resource");
        if f.severity == Severity::Error && about_resource {
            errors.at(lit.span(), &f.message, f.help.as_deref());
        }
    }
    errors.finish()?;
    if let Some(literal) = template.literal() {
        let arn =
            iam_model::Arn::parse(literal).map_err(|e| error(lit.span(), &e.to_string(), None))?;
        let (p, s, r, a, res) = (
            arn.partition(),
            arn.service(),
            arn.region(),
            arn.account(),
            arn.resource(),
        );
        return Ok(quote!(::iam_model::Arn::new(#p, #s, #r, #a, #res)));
    }
    Ok(template.text_tokens())
}
