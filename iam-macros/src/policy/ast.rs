//! `policy!`, step 1: the JSON-like literal as tokens.
//!
//! The grammar is JSON's, written with Rust tokens, plus Rust expressions where a value is only
//! known at run time:
//!
//! ```text
//! input   := [kind] (object | members)        kind := identity | inline | trust | resource
//! object  := '{' members '}'                  members := (key ':' value),* [',']
//! key     := "string" | '(' expr ')'          (an expression key: a condition key)
//! value   := "string" | number | true | false | null | '[' elem,* ']' | object | expr
//! elem    := value | '..' expr                (`..expr` spreads an iterator into the list)
//! ```
//!
//! An `expr` is any Rust expression that does not start like a JSON value (a path, a call, a
//! macro such as `format!(...)`, a parenthesized expression, a method chain).

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{braced, bracketed, Token};

/// What kind of policy the literal is, which decides which elements it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Not written: inferred from the statements.
    Inferred,
    Identity,
    Inline,
    Trust,
    Resource,
}

pub(crate) struct Input {
    pub kind: Kind,
    pub kind_span: Span,
    pub root: Value,
}

pub(crate) enum Value {
    Str(syn::LitStr),
    Bool(syn::LitBool),
    /// A number as written, with its span.
    Num(String, Span),
    Null(Span),
    List(Span, Vec<Elem>),
    Object(Span, Vec<Member>),
    Expr(Box<syn::Expr>),
}

pub(crate) enum Elem {
    Value(Value),
    Spread(Span, Box<syn::Expr>),
}

pub(crate) struct Member {
    pub key: Key,
    pub value: Value,
}

pub(crate) enum Key {
    Lit(syn::LitStr),
    Expr(Box<syn::Expr>),
}

impl Value {
    pub(crate) fn span(&self) -> Span {
        match self {
            Value::Str(s) => s.span(),
            Value::Bool(b) => b.span,
            Value::Num(_, s) | Value::Null(s) | Value::List(s, _) | Value::Object(s, _) => *s,
            Value::Expr(e) => e.span(),
        }
    }
}

impl Key {
    pub(crate) fn span(&self) -> Span {
        match self {
            Key::Lit(s) => s.span(),
            Key::Expr(e) => e.span(),
        }
    }
}

/// Whether the next tokens are one complete value followed by `,` or the end.
fn ends_here(input: ParseStream<'_>) -> bool {
    input.is_empty() || input.peek(Token![,])
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut kind = Kind::Inferred;
        let mut kind_span = Span::call_site();
        if input.peek(syn::Ident) && input.peek2(syn::token::Brace) {
            let ident: syn::Ident = input.parse()?;
            kind = match ident.to_string().as_str() {
                "identity" => Kind::Identity,
                "inline" => Kind::Inline,
                "trust" => Kind::Trust,
                "resource" => Kind::Resource,
                other => {
                    let help = crate::diag::did_you_mean(other, ["identity", "inline", "trust", "resource"])
                        .unwrap_or_else(|| "the kinds are `identity` (a managed policy), `inline`, `trust` and `resource`".to_owned());
                    return Err(crate::diag::error(
                        ident.span(),
                        &format!("unknown policy kind `{other}`"),
                        Some(&help),
                    ));
                }
            };
            kind_span = ident.span();
        }
        let root = if is_single_object(input) {
            parse_value(input)?
        } else {
            Value::Object(input.span(), parse_members(input)?)
        };
        Ok(Input {
            kind,
            kind_span,
            root,
        })
    }
}

/// True when the rest of the input is one `{ ... }` group: the object itself rather than its
/// members.
fn is_single_object(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    fork.parse::<proc_macro2::Group>()
        .is_ok_and(|g| g.delimiter() == proc_macro2::Delimiter::Brace)
        && fork.is_empty()
}

fn parse_members(input: ParseStream<'_>) -> syn::Result<Vec<Member>> {
    let mut members = Vec::new();
    while !input.is_empty() {
        let key = if input.peek(syn::LitStr) {
            Key::Lit(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            Key::Expr(Box::new(unparen(input.parse()?)))
        } else {
            let span = input.span();
            return Err(crate::diag::error(
                span,
                "expected a key in quotes",
                Some("keys are strings, as in JSON: `\"Effect\": \"Allow\"`; a key computed at run time is written in parentheses: `(key): [...]`"),
            ));
        };
        input.parse::<Token![:]>()?;
        let value = parse_value(input)?;
        members.push(Member { key, value });
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(members)
}

fn parse_value(input: ParseStream<'_>) -> syn::Result<Value> {
    if input.peek(syn::token::Bracket) {
        let content;
        let bracket = bracketed!(content in input);
        let mut elems = Vec::new();
        while !content.is_empty() {
            if content.peek(Token![..]) {
                let dots: Token![..] = content.parse()?;
                let expr: syn::Expr = content.parse()?;
                elems.push(Elem::Spread(dots.spans[0], Box::new(expr)));
            } else {
                elems.push(Elem::Value(parse_value(&content)?));
            }
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Value::List(bracket.span.join(), elems));
    }
    if input.peek(syn::token::Brace) {
        let content;
        let brace = braced!(content in input);
        return Ok(Value::Object(brace.span.join(), parse_members(&content)?));
    }
    // A literal is a JSON value only when it stands alone (`"a".to_owned()` is an expression).
    let fork = input.fork();
    if let Ok(lit) = fork.parse::<syn::Lit>() {
        if ends_here(&fork) {
            let value = match lit {
                syn::Lit::Str(s) => Some(Value::Str(s)),
                syn::Lit::Bool(b) => Some(Value::Bool(b)),
                syn::Lit::Int(i) => Some(Value::Num(i.base10_digits().to_owned(), i.span())),
                syn::Lit::Float(f) => Some(Value::Num(f.base10_digits().to_owned(), f.span())),
                _ => None,
            };
            if let Some(v) = value {
                input.parse::<syn::Lit>()?;
                return Ok(v);
            }
        }
    }
    if input.peek(Token![-]) && (input.peek2(syn::LitInt) || input.peek2(syn::LitFloat)) {
        let fork = input.fork();
        let minus: Token![-] = fork.parse()?;
        let lit: syn::Lit = fork.parse()?;
        if ends_here(&fork) {
            input.parse::<Token![-]>()?;
            input.parse::<syn::Lit>()?;
            let digits = match &lit {
                syn::Lit::Int(i) => i.base10_digits().to_owned(),
                syn::Lit::Float(f) => f.base10_digits().to_owned(),
                _ => String::new(),
            };
            let span = minus.span.join(lit.span()).unwrap_or(minus.span);
            return Ok(Value::Num(format!("-{digits}"), span));
        }
    }
    if input.peek(syn::Ident) {
        let fork = input.fork();
        let ident: syn::Ident = fork.parse()?;
        if ident == "null" && ends_here(&fork) {
            input.parse::<syn::Ident>()?;
            return Ok(Value::Null(ident.span()));
        }
    }
    let expr: syn::Expr = input.parse().map_err(|e| {
        crate::diag::error(
            e.span(),
            "expected a value: a string, a number, `true`, `false`, `null`, a list, an object or a Rust expression",
            None,
        )
    })?;
    Ok(Value::Expr(Box::new(unparen(expr))))
}

/// `(expr)` → `expr`: the parentheses only delimit the expression in the literal, and kept
/// in the expansion they would trip `unused_parens` in the user's crate.
fn unparen(expr: syn::Expr) -> syn::Expr {
    match expr {
        syn::Expr::Paren(p) => unparen(*p.expr),
        other => other,
    }
}
