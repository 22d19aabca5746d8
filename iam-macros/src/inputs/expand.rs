//! `#[derive(Inputs)]`, step 3: the generated impls.
//!
//! Generated code stays small (one call into `blueprint_kit::inputs` per field and method) so
//! that a blueprint with dozens of inputs compiles quickly; the logic lives in the library.
//! Everything is reached through absolute paths from the `blueprint_kit` path (overridable
//! with `#[input(crate = "...")]`), inside `const _: () = { ... };`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::ast::{Container, DefaultAttr, Field, NumLit, NumValue};

pub(crate) fn expand(c: &Container<'_>) -> TokenStream {
    let k = &c.krate;
    let ident = c.ident;
    let reads: Vec<TokenStream> = c.fields.iter().map(|f| read(f, k)).collect();
    let locals: Vec<syn::Ident> = c.fields.iter().map(local).collect();
    let idents: Vec<&syn::Ident> = c.fields.iter().map(|f| f.ident).collect();
    let names: Vec<TokenStream> = c.fields.iter().map(|f| name_entry(f, k)).collect();
    let specs: Vec<TokenStream> = c.fields.iter().map(|f| spec(f, k)).collect();
    let vars: Vec<TokenStream> = c.fields.iter().map(|f| variable(f, k)).collect();
    let checks: Vec<TokenStream> = c.fields.iter().filter_map(|f| type_checks(f, k)).collect();
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #(#checks)*

            #[automatically_derived]
            impl #k::Inputs for #ident {
                fn read_fields(
                    fields: &mut #k::Fields<'_>,
                    errors: &mut ::std::vec::Vec<#k::ConfigError>,
                ) -> ::core::option::Option<Self> {
                    #(#reads)*
                    ::core::option::Option::Some(#ident { #(#idents: #locals?,)* })
                }

                fn input_names() -> ::std::vec::Vec<&'static str> {
                    let mut names = ::std::vec::Vec::new();
                    #(#names)*
                    names
                }

                fn input_specs() -> ::std::vec::Vec<#k::InputSpec> {
                    let mut specs = ::std::vec::Vec::new();
                    #(#specs)*
                    specs
                }

                fn to_variables(&self) -> ::std::vec::Vec<#k::inputs::Variable> {
                    let mut vars = ::std::vec::Vec::new();
                    #(#vars)*
                    vars
                }
            }

            #[automatically_derived]
            impl #k::InputValue for #ident {
                fn input_type() -> #k::inputs::InputType {
                    #k::inputs::InputType::Object(
                        <Self as #k::Inputs>::input_specs()
                            .into_iter()
                            .map(|s| (s.name, s.input_type))
                            .collect(),
                    )
                }
                fn expected() -> ::std::string::String {
                    ::std::string::String::from("a map")
                }
                fn expected_plural() -> ::std::string::String {
                    ::std::string::String::from("maps")
                }
                fn from_node(
                    node: &#k::ConfigNode,
                    path: &#k::InputPath,
                    errors: &mut ::std::vec::Vec<#k::ConfigError>,
                    _: &#k::inputs::Constraints,
                ) -> ::core::option::Option<Self> {
                    <Self as #k::Inputs>::from_config(node, path, errors)
                }
                fn to_output(&self) -> #k::inputs::OutputValue {
                    #k::inputs::OutputValue::Map(
                        <Self as #k::Inputs>::to_variables(self)
                            .into_iter()
                            .map(|v| (v.name, v.value))
                            .collect(),
                    )
                }
            }
        };
    }
}

fn local(f: &Field<'_>) -> syn::Ident {
    format_ident!("__input_{}", f.ident)
}

fn num(n: &NumLit, k: &syn::Path) -> TokenStream {
    match n.value {
        NumValue::Int(i) => {
            let lit = proc_macro2::Literal::i128_unsuffixed(i);
            quote!(#k::inputs::Num::Int(#lit))
        }
        NumValue::Float(x) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(x);
            quote!(#k::inputs::Num::Float(#lit))
        }
    }
}

fn constraints(f: &Field<'_>, k: &syn::Path) -> TokenStream {
    if f.range.is_none() && f.pattern.is_none() && f.example.is_none() {
        return quote!(&#k::inputs::Constraints::NONE);
    }
    let (min, max) = match &f.range {
        Some(r) => {
            let min = match &r.min {
                Some(n) => {
                    let n = num(n, k);
                    quote!(::core::ops::Bound::Included(#n))
                }
                None => quote!(::core::ops::Bound::Unbounded),
            };
            let max = match &r.max {
                Some(n) if r.max_inclusive => {
                    let n = num(n, k);
                    quote!(::core::ops::Bound::Included(#n))
                }
                Some(n) => {
                    let n = num(n, k);
                    quote!(::core::ops::Bound::Excluded(#n))
                }
                None => quote!(::core::ops::Bound::Unbounded),
            };
            (min, max)
        }
        None => (
            quote!(::core::ops::Bound::Unbounded),
            quote!(::core::ops::Bound::Unbounded),
        ),
    };
    let opt = |s: &Option<syn::LitStr>| match s {
        Some(l) => quote!(::core::option::Option::Some(#l)),
        None => quote!(::core::option::Option::None),
    };
    let pattern = opt(&f.pattern);
    let example = opt(&f.example);
    quote! {
        &#k::inputs::Constraints { min: #min, max: #max, pattern: #pattern, example: #example }
    }
}

fn default_expr(d: &DefaultAttr, ty: &syn::Type) -> TokenStream {
    match d {
        DefaultAttr::Trait(span) => {
            quote_spanned!(*span=> <#ty as ::core::default::Default>::default())
        }
        DefaultAttr::Expr(e) => quote!(#e),
    }
}

fn read(f: &Field<'_>, k: &syn::Path) -> TokenStream {
    let ty = f.ty;
    let local = local(f);
    if f.flatten.is_some() {
        return quote! {
            let #local = <#ty as #k::Inputs>::read_fields(fields, errors);
        };
    }
    let name = &f.name;
    let c = constraints(f, k);
    match &f.default {
        None => quote! {
            let #local = fields.required::<#ty>(#name, #c, errors);
        },
        Some(d) => {
            let d = default_expr(d, ty);
            quote! {
                let #local = fields.or_default::<#ty>(#name, #c, errors, || -> #ty { #d });
            }
        }
    }
}

fn name_entry(f: &Field<'_>, k: &syn::Path) -> TokenStream {
    let ty = f.ty;
    if f.flatten.is_some() {
        return quote!(names.extend(<#ty as #k::Inputs>::input_names()););
    }
    let name = &f.name;
    quote!(names.push(#name);)
}

fn spec(f: &Field<'_>, k: &syn::Path) -> TokenStream {
    let ty = f.ty;
    if f.flatten.is_some() {
        return quote!(specs.extend(<#ty as #k::Inputs>::input_specs()););
    }
    let name = &f.name;
    let doc = &f.doc;
    let default = match &f.default {
        None => quote! {
            <#ty as #k::InputValue>::when_missing()
                .map(|v| #k::inputs::output_json(&<#ty as #k::InputValue>::to_output(&v)))
        },
        Some(d) => {
            let d = default_expr(d, ty);
            quote! {
                ::core::option::Option::Some(#k::inputs::output_json(
                    &<#ty as #k::InputValue>::to_output(&(|| -> #ty { #d })()),
                ))
            }
        }
    };
    let example = match &f.example {
        Some(e) => quote!(::core::option::Option::Some(<#ty as #k::InputValue>::example_json(#e))),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        specs.push(#k::inputs::spec(#name, #doc, <#ty as #k::InputValue>::input_type(), #default, #example));
    }
}

fn variable(f: &Field<'_>, k: &syn::Path) -> TokenStream {
    let ty = f.ty;
    let ident = f.ident;
    if f.flatten.is_some() {
        return quote!(vars.extend(<#ty as #k::Inputs>::to_variables(&self.#ident)););
    }
    let name = &f.name;
    let doc = &f.doc;
    let sensitive = f.sensitive.is_some();
    quote! {
        vars.push(#k::inputs::variable(
            #name,
            #doc,
            <#ty as #k::InputValue>::input_type(),
            <#ty as #k::InputValue>::to_output(&self.#ident),
            #sensitive,
        ));
    }
}

/// Compile-time checks that `range` is on a number and `pattern` on a string, spanned on the
/// attribute so the error points there.
fn type_checks(f: &Field<'_>, k: &syn::Path) -> Option<TokenStream> {
    let ty = f.ty;
    let mut out = TokenStream::new();
    if let Some(r) = &f.range {
        out.extend(quote_spanned!(r.span=> #k::inputs::assert_range::<#ty>();));
    }
    if let Some(p) = &f.pattern {
        out.extend(quote_spanned!(p.span()=> #k::inputs::assert_pattern::<#ty>();));
    }
    if out.is_empty() {
        return None;
    }
    Some(quote! {
        const _: fn() = || { #out };
    })
}
