//! Compile errors: collecting every error before giving up, and the message format shared by
//! all macros (the library's wording, a `help` line underneath).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Errors collected while expanding one macro invocation; [`Errors::finish`] turns them into
/// one combined `syn::Error` so the user sees all of them at once.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn new() -> Self {
        Errors(None)
    }

    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(e) => e.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Adds an error at `span` with an optional help line.
    pub(crate) fn at(&mut self, span: Span, message: impl AsRef<str>, help: Option<&str>) {
        self.push(error(span, message.as_ref(), help));
    }

    /// Adds an error spanning `tokens`.
    pub(crate) fn spanned(
        &mut self,
        tokens: impl ToTokens,
        message: impl AsRef<str>,
        help: Option<&str>,
    ) {
        self.push(syn::Error::new_spanned(
            tokens,
            with_help(message.as_ref(), help),
        ));
    }

    /// `Ok` when nothing was reported.
    pub(crate) fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// One error with an optional help line, formatted as rustc formats its own notes.
pub(crate) fn error(span: Span, message: &str, help: Option<&str>) -> syn::Error {
    syn::Error::new(span, with_help(message, help))
}

fn with_help(message: &str, help: Option<&str>) -> String {
    match help {
        Some(h) if !h.is_empty() => format!("{message}\n= help: {h}"),
        _ => message.to_owned(),
    }
}

/// `did you mean `x`?` for the nearest of `candidates`, if one is near enough.
pub(crate) fn did_you_mean<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    iam_model::suggest::nearest(needle, candidates, 1)
        .first()
        .map(|best| format!("did you mean `{best}`?"))
}

/// The compile errors followed by a fallback expansion, so that one mistake in a macro does
/// not also cause type errors in the code around it.
pub(crate) fn with_fallback(error: &syn::Error, fallback: TokenStream) -> TokenStream {
    let errors = error.to_compile_error();
    quote::quote! {{ #errors #fallback }}
}
