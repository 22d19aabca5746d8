//! `#[derive(Inputs)]`: blueprint inputs from a plain struct.
//!
//! Parse ([`ast`]: fields, doc comments, `#[input(...)]`), validate ([`valid`]: combinations,
//! names, bounds, patterns), expand ([`expand`]: the `blueprint_kit::Inputs` and
//! `blueprint_kit::InputValue` impls). Every error of every step is reported together; when
//! there is any, the derive emits the errors only, so no spurious "trait not implemented"
//! errors follow for the struct.

mod ast;
mod expand;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;

use crate::diag::Errors;

pub(crate) use ast::{container_attrs, skip_value};

/// The derive, from the struct's tokens to the impls (or the errors).
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<syn::DeriveInput>(input) {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    match expand_input(&parsed) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_input(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::new();
    let container = ast::parse(input, &mut errors);
    if let Some(c) = &container {
        valid::check(c, &mut errors);
    }
    errors.finish()?;
    match container {
        Some(c) => Ok(expand::expand(&c)),
        None => Ok(TokenStream::new()),
    }
}
