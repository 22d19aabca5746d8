//! `#[derive(InputEnum)]`: an enum of unit variants read from (and written as) strings.
//!
//! Each variant's value is its `#[input(rename = "...")]`, or its name in snake case
//! (`SecretsManager` → `secrets_manager`). The derive implements `blueprint_kit::InputEnum`
//! (every variant, names, lookup), `InputValue` (so the enum can be an input, a list element or a map value;
//! an unknown value is an error listing the allowed ones with the nearest as a suggestion)
//! and `InputKey` (so it can key a map).

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::{did_you_mean, Errors};
use crate::inputs::{container_attrs, skip_value};

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<syn::DeriveInput>(input) {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    match expand(&parsed) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

/// `SecretsManager` → `secrets_manager`.
pub(crate) fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = ident.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower = i > 0
                && chars
                    .get(i - 1)
                    .is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_uppercase());
            if prev_lower || (prev_upper && next_lower) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::new();
    let k = container_attrs(&input.attrs, &mut errors);
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics,
            "`InputEnum` cannot be derived for a generic enum",
            None,
        );
    }
    let syn::Data::Enum(data) = &input.data else {
        errors.spanned(
            &input.ident,
            "`InputEnum` is derived for enums of unit variants",
            Some("a struct of inputs derives `Inputs`"),
        );
        errors.finish()?;
        return Ok(TokenStream::new());
    };
    let mut variants: Vec<(&syn::Ident, String)> = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            errors.spanned(
                &v.fields,
                format!(
                    "variant `{}` has fields; an input enum's variants are plain values",
                    v.ident
                ),
                Some("remove the fields"),
            );
        }
        let mut name = snake_case(&v.ident.to_string());
        let mut name_span = v.ident.span();
        let mut renamed = false;
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("input")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    if renamed {
                        errors.spanned(
                            &meta.path,
                            "duplicate `rename` attribute",
                            Some("write each attribute once"),
                        );
                    } else {
                        renamed = true;
                        name = lit.value();
                        name_span = lit.span();
                    }
                    return Ok(());
                }
                let key = meta
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::");
                skip_value(&meta)?;
                let help = did_you_mean(&key, ["rename"])
                    .unwrap_or_else(|| "a variant takes only `rename = \"value\"`".to_owned());
                errors.spanned(
                    &meta.path,
                    format!("unknown input attribute `{key}`"),
                    Some(&help),
                );
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
            }
        }
        if name.is_empty() {
            errors.at(name_span, "an enum value cannot be empty", None);
        }
        if let Some((first, _)) = variants.iter().find(|(_, n)| *n == name) {
            errors.at(
                name_span,
                format!("two variants are written `{name}`"),
                Some(&format!("variant `{first}` already is; rename one of them")),
            );
        }
        variants.push((&v.ident, name));
    }
    if data.variants.is_empty() {
        errors.spanned(
            &input.ident,
            "an input enum needs at least one variant",
            None,
        );
    }
    errors.finish()?;
    let ident = &input.ident;
    let idents: Vec<&syn::Ident> = variants.iter().map(|(i, _)| *i).collect();
    let names: Vec<&String> = variants.iter().map(|(_, n)| n).collect();
    Ok(quote! {
        #[doc(hidden)]
        #[allow(unused_qualifications, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #k::inputs::InputEnum for #ident {
                const ALL: &'static [Self] = &[#(#ident::#idents),*];
                const NAMES: &'static [&'static str] = &[#(#names),*];
                fn name(&self) -> &'static str {
                    match self { #(#ident::#idents => #names,)* }
                }
                fn from_name(name: &str) -> ::core::option::Option<Self> {
                    match name {
                        #(#names => ::core::option::Option::Some(#ident::#idents),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            #[automatically_derived]
            impl #k::InputValue for #ident {
                fn input_type() -> #k::inputs::InputType {
                    #k::inputs::InputType::String
                }
                fn expected() -> ::std::string::String {
                    #k::inputs::enum_expected::<Self>()
                }
                fn expected_plural() -> ::std::string::String {
                    ::std::format!("values among {}", #k::inputs::enum_names::<Self>())
                }
                fn from_node(
                    node: &#k::ConfigNode,
                    path: &#k::InputPath,
                    errors: &mut ::std::vec::Vec<#k::ConfigError>,
                    _: &#k::inputs::Constraints,
                ) -> ::core::option::Option<Self> {
                    #k::inputs::enum_from_node::<Self>(node, path, errors)
                }
                fn to_output(&self) -> #k::inputs::OutputValue {
                    #k::inputs::OutputValue::from(#k::inputs::InputEnum::name(self))
                }
                fn example_json(raw: &str) -> ::std::string::String {
                    <::std::string::String as #k::InputValue>::example_json(raw)
                }
            }

            #[automatically_derived]
            impl #k::InputKey for #ident {
                fn from_key(
                    node: &#k::ConfigNode,
                    path: &#k::InputPath,
                    errors: &mut ::std::vec::Vec<#k::ConfigError>,
                ) -> ::core::option::Option<Self> {
                    #k::inputs::enum_from_key::<Self>(node, path, errors)
                }
                fn key_name(&self) -> ::std::string::String {
                    ::std::string::String::from(#k::inputs::InputEnum::name(self))
                }
            }
        };
    })
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("SecretsManager"), "secrets_manager");
        assert_eq!(snake_case("S3"), "s3");
        assert_eq!(snake_case("AWSLambda"), "aws_lambda");
        assert_eq!(snake_case("Kinesis2Stream"), "kinesis2_stream");
    }
}
