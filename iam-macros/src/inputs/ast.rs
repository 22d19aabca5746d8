//! `#[derive(Inputs)]`, step 1: the struct and its `#[input(...)]` attributes, read into an
//! internal form that keeps the original syntax for error spans. Every malformed, unknown or
//! repeated attribute is reported, not just the first.

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::diag::{did_you_mean, Errors};

/// The field attributes `#[input(...)]` accepts.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "default",
    "range",
    "pattern",
    "example",
    "rename",
    "flatten",
    "sensitive",
];

/// The struct being derived.
pub(crate) struct Container<'a> {
    pub ident: &'a syn::Ident,
    /// The path to `blueprint_kit` (`#[input(crate = "...")]`).
    pub krate: syn::Path,
    pub fields: Vec<Field<'a>>,
}

/// One field and its attributes.
pub(crate) struct Field<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    /// The input name: the field name or `rename`.
    pub name: String,
    /// Where the name comes from (the field, or the `rename` literal).
    pub name_span: Span,
    pub doc: String,
    pub default: Option<DefaultAttr>,
    pub range: Option<RangeAttr>,
    pub pattern: Option<syn::LitStr>,
    pub example: Option<syn::LitStr>,
    pub rename: Option<syn::LitStr>,
    pub flatten: Option<Span>,
    pub sensitive: Option<Span>,
}

/// `default` or `default = expr`.
pub(crate) enum DefaultAttr {
    /// `Default::default()`.
    Trait(Span),
    /// A Rust expression.
    Expr(Box<syn::Expr>),
}

impl DefaultAttr {
    pub(crate) fn span(&self) -> Span {
        match self {
            DefaultAttr::Trait(s) => *s,
            DefaultAttr::Expr(e) => e.span(),
        }
    }
}

/// A numeric literal bound.
#[derive(Clone)]
pub(crate) struct NumLit {
    pub value: NumValue,
}

#[derive(Clone, Copy, PartialEq, PartialOrd)]
pub(crate) enum NumValue {
    Int(i128),
    Float(f64),
}

impl NumValue {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            #[allow(clippy::cast_precision_loss)]
            NumValue::Int(i) => i as f64,
            NumValue::Float(f) => f,
        }
    }
}

/// `range = a..=b` (either end may be absent, `..` excludes the end).
pub(crate) struct RangeAttr {
    pub min: Option<NumLit>,
    pub max: Option<NumLit>,
    pub max_inclusive: bool,
    pub span: Span,
}

/// Reads the derive input, reporting every problem into `errors`. `None` when the input is not
/// a struct with named fields at all.
pub(crate) fn parse<'a>(input: &'a syn::DeriveInput, errors: &mut Errors) -> Option<Container<'a>> {
    let krate = container_attrs(&input.attrs, errors);
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics,
            "`Inputs` cannot be derived for a generic struct",
            Some("give the inputs struct concrete field types"),
        );
    }
    let fields = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => named,
        syn::Data::Enum(e) => {
            errors.at(
                e.enum_token.span,
                "`Inputs` is derived for structs; an enum of string values derives `InputEnum`",
                Some("use `#[derive(InputEnum)]` on enums of unit variants"),
            );
            return None;
        }
        _ => {
            errors.spanned(
                &input.ident,
                "`Inputs` needs a struct with named fields",
                Some("each field is one input, named after the field"),
            );
            return None;
        }
    };
    let fields = fields
        .named
        .iter()
        .filter_map(|f| field(f, errors))
        .collect();
    Some(Container {
        ident: &input.ident,
        krate,
        fields,
    })
}

/// `#[input(crate = "path")]` on the container.
pub(crate) fn container_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> syn::Path {
    let mut krate: Option<syn::Path> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("input")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                match lit.parse::<syn::Path>() {
                    Ok(p) if krate.is_none() => krate = Some(p),
                    Ok(_) => errors.spanned(&meta.path, "duplicate `crate` attribute", None),
                    Err(_) => errors.spanned(
                        &lit,
                        format!("`{}` is not a path", lit.value()),
                        Some("write a path such as `::blueprint_kit`"),
                    ),
                }
                return Ok(());
            }
            let name = path_name(&meta.path);
            skip_value(&meta)?;
            errors.spanned(
                &meta.path,
                format!("unknown container attribute `{name}`"),
                Some("on the struct, `#[input(...)]` takes only `crate = \"path\"`"),
            );
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    krate.unwrap_or_else(|| syn::parse_quote!(::blueprint_kit))
}

fn path_name(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Consumes the value of an attribute key we do not understand, so parsing can go on.
pub(crate) fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}

/// The doc comment as one description: lines of a paragraph joined with spaces, paragraphs
/// separated by a blank line.
pub(crate) fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                let value = s.value();
                // A bare `///` is an empty attribute: a paragraph break.
                if value.trim().is_empty() {
                    lines.push(String::new());
                }
                for line in value.lines() {
                    lines.push(line.trim().to_owned());
                }
            }
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    paragraphs.join("\n\n")
}

fn field<'a>(f: &'a syn::Field, errors: &mut Errors) -> Option<Field<'a>> {
    let ident = f.ident.as_ref()?;
    let mut out = Field {
        ident,
        ty: &f.ty,
        name: ident.to_string().trim_start_matches("r#").to_owned(),
        name_span: ident.span(),
        doc: doc_text(&f.attrs),
        default: None,
        range: None,
        pattern: None,
        example: None,
        rename: None,
        flatten: None,
        sensitive: None,
    };
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("input")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = path_name(&meta.path);
            let dup = |errors: &mut Errors, seen: bool| {
                if seen {
                    errors.spanned(
                        &meta.path,
                        format!("duplicate `{key}` attribute"),
                        Some("write each attribute once"),
                    );
                }
                seen
            };
            match key.as_str() {
                "default" => {
                    let d = if meta.input.peek(syn::Token![=]) {
                        DefaultAttr::Expr(Box::new(meta.value()?.parse()?))
                    } else {
                        DefaultAttr::Trait(meta.path.span())
                    };
                    if !dup(errors, out.default.is_some()) {
                        out.default = Some(d);
                    }
                }
                "range" => {
                    let expr: syn::Expr = meta.value()?.parse()?;
                    let r = range(&expr, errors);
                    if !dup(errors, out.range.is_some()) {
                        out.range = r;
                    }
                }
                "pattern" | "example" | "rename" => {
                    let lit = match meta.value()?.parse::<syn::Lit>()? {
                        syn::Lit::Str(s) => s,
                        other => {
                            errors.spanned(
                                &other,
                                format!("`{key}` takes a string literal"),
                                Some(&format!("write `{key} = \"...\"`")),
                            );
                            return Ok(());
                        }
                    };
                    let slot = match key.as_str() {
                        "pattern" => &mut out.pattern,
                        "example" => &mut out.example,
                        _ => &mut out.rename,
                    };
                    if !dup(errors, slot.is_some()) {
                        *slot = Some(lit);
                    }
                }
                "flatten" | "sensitive" => {
                    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
                        skip_value(&meta)?;
                        errors.spanned(
                            &meta.path,
                            format!("`{key}` takes no value"),
                            Some(&format!("write `#[input({key})]`")),
                        );
                        return Ok(());
                    }
                    let slot = if key == "flatten" {
                        &mut out.flatten
                    } else {
                        &mut out.sensitive
                    };
                    if !dup(errors, slot.is_some()) {
                        *slot = Some(meta.path.span());
                    }
                }
                _ => {
                    skip_value(&meta)?;
                    let help =
                        did_you_mean(&key, FIELD_KEYS.iter().copied()).unwrap_or_else(|| {
                            format!(
                                "`#[input(...)]` takes {}",
                                FIELD_KEYS
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    errors.spanned(
                        &meta.path,
                        format!("unknown input attribute `{key}`"),
                        Some(&help),
                    );
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if let Some(r) = &out.rename {
        out.name = r.value();
        out.name_span = r.span();
    }
    Some(out)
}

/// A literal number, possibly negated.
fn num(expr: &syn::Expr, errors: &mut Errors) -> Option<NumLit> {
    let (negative, inner) = match expr {
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => (true, expr.as_ref()),
        other => (false, other),
    };
    let value = match inner {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i
            .base10_parse::<i128>()
            .ok()
            .map(|v| NumValue::Int(if negative { -v } else { v })),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f
            .base10_parse::<f64>()
            .ok()
            .map(|v| NumValue::Float(if negative { -v } else { v })),
        _ => None,
    };
    match value {
        Some(value) => Some(NumLit { value }),
        None => {
            errors.spanned(
                expr,
                "a range bound must be a number literal",
                Some("write the bounds as literals: `range = 3600..=43200`"),
            );
            None
        }
    }
}

fn range(expr: &syn::Expr, errors: &mut Errors) -> Option<RangeAttr> {
    let syn::Expr::Range(r) = expr else {
        errors.spanned(
            expr,
            "`range` takes a range",
            Some("write `range = 3600..=43200`, `range = 1..` or `range = ..=100`"),
        );
        return None;
    };
    let min = match &r.start {
        Some(e) => Some(num(e, errors)?),
        None => None,
    };
    let max = match &r.end {
        Some(e) => Some(num(e, errors)?),
        None => None,
    };
    if min.is_none() && max.is_none() {
        errors.spanned(
            expr,
            "`range` needs at least one bound",
            Some("write `range = 3600..=43200`"),
        );
        return None;
    }
    Some(RangeAttr {
        min,
        max,
        max_inclusive: matches!(r.limits, syn::RangeLimits::Closed(_)),
        span: expr.span(),
    })
}
