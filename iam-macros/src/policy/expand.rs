//! `policy!`, step 3: code that builds the `::iam_model::PolicyDocument`.
//!
//! The structure comes from the document `iam_model`'s parser read from the generated JSON (so
//! `"Statement"` as one object or a list, `"Action"` as a string or a list, principals and
//! conditions are understood exactly as for a policy file). Each value is then found again in
//! the JSON tree, and through its position, the token that wrote it: a literal is rebuilt with
//! its placeholders, an expression is converted with `Into`, and `..expr` extends the list.

use std::collections::HashMap;

use iam_model::condition::{ConditionValue, SetQualifier};
use iam_model::json::{JsonValue, PathSegment, Spanned};
use iam_model::{PolicyDocument, Principal, PrincipalKind, Statement, Version};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::emit::Leaf;

type Node = Spanned<JsonValue>;

struct Ctx<'l, 'a> {
    leaves: &'l HashMap<usize, Leaf<'a>>,
}

fn child(node: Option<&Node>, seg: PathSegment) -> Option<&Node> {
    let node = node?;
    match (&seg, &node.value) {
        (PathSegment::Key(k), JsonValue::Object(members)) => members
            .iter()
            .find(|(mk, _)| mk.value == *k)
            .map(|(_, v)| v),
        (PathSegment::Index(i), JsonValue::Array(items)) => items.get(*i),
        // One value stands for a one-element list, as IAM reads it.
        (PathSegment::Index(0), _) => Some(node),
        _ => None,
    }
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_owned())
}

/// What kind of element a list holds, for the generated `Vec`'s type and conversions.
#[derive(Clone, Copy)]
enum Item {
    Action,
    Text,
    ConditionValue,
}

impl Item {
    fn ty(self) -> TokenStream {
        match self {
            Item::Action => quote!(::iam_model::Action),
            Item::Text => quote!(::iam_model::Text),
            Item::ConditionValue => quote!(::iam_model::ConditionValue),
        }
    }
}

impl Ctx<'_, '_> {
    fn leaf(&self, node: Option<&Node>) -> Option<&Leaf<'_>> {
        node.and_then(|n| self.leaves.get(&n.span.start))
    }

    /// One list element: its tokens, and whether it is a spread.
    fn element(&self, item: Item, node: Option<&Node>, model: TokenStream) -> (TokenStream, bool) {
        let ty = item.ty();
        match self.leaf(node) {
            Some(Leaf::Expr(e)) => (
                quote_spanned!(e.span()=> ::core::convert::Into::<#ty>::into(#e)),
                false,
            ),
            Some(Leaf::Spread(e)) => (
                quote_spanned!(e.span()=> ::core::iter::IntoIterator::into_iter(#e).map(::core::convert::Into::<#ty>::into)),
                true,
            ),
            Some(Leaf::Str(t)) if matches!(item, Item::Text) => (t.text_tokens(), false),
            Some(Leaf::Str(t)) if matches!(item, Item::ConditionValue) => {
                let text = t.text_tokens();
                (quote!(::iam_model::ConditionValue::String(#text)), false)
            }
            _ => (model, false),
        }
    }

    fn list(&self, item: Item, node: Option<&Node>, models: Vec<TokenStream>) -> TokenStream {
        let elems: Vec<(TokenStream, bool)> = models
            .into_iter()
            .enumerate()
            .map(|(j, m)| self.element(item, child(node, PathSegment::Index(j)), m))
            .collect();
        if !elems.iter().any(|(_, spread)| *spread) {
            let items = elems.into_iter().map(|(t, _)| t);
            return quote!(::std::vec![#(#items),*]);
        }
        let ty = item.ty();
        let steps = elems.into_iter().map(|(t, spread)| {
            if spread {
                quote!(__v.extend(#t);)
            } else {
                quote!(__v.push(#t);)
            }
        });
        quote!({
            let mut __v: ::std::vec::Vec<#ty> = ::std::vec::Vec::new();
            #(#steps)*
            __v
        })
    }

    fn texts(&self, texts: &[iam_model::Text], node: Option<&Node>) -> TokenStream {
        let models = texts
            .iter()
            .map(|t| {
                let s = t.to_string();
                quote!(::iam_model::Text::literal(#s))
            })
            .collect();
        self.list(Item::Text, node, models)
    }

    fn statement(&self, st: &Statement, node: Option<&Node>) -> TokenStream {
        let effect = format_ident!("{}", st.effect.as_str());
        let mut steps = Vec::new();
        if let Some(sid) = &st.sid {
            steps.push(
                quote!(__s.sid = ::core::option::Option::Some(::std::string::String::from(#sid));),
            );
        }
        if let Some(clause) = &st.principal {
            let pnode = child(node, key(clause.element()));
            let principal = match clause.principal() {
                Principal::Any => quote!(::iam_model::Principal::Any),
                Principal::Map(map) => {
                    let entries = map.iter().map(|(kind, values)| {
                        let k = kind_tokens(*kind);
                        let list = self.texts(values, child(pnode, key(kind.key())));
                        quote!(__m.insert(#k, #list);)
                    });
                    quote!({
                        let mut __m = ::std::collections::BTreeMap::new();
                        #(#entries)*
                        ::iam_model::Principal::Map(__m)
                    })
                }
            };
            let variant = format_ident!("{}", clause.element());
            steps.push(quote!(__s.principal = ::core::option::Option::Some(::iam_model::PrincipalClause::#variant(#principal));));
        }
        let anode = child(node, key(st.action.element()));
        let models = st
            .action
            .actions()
            .iter()
            .map(|a| {
                let s = a.as_str();
                quote!(::iam_model::Action::new(#s))
            })
            .collect();
        let actions = self.list(Item::Action, anode, models);
        let variant = format_ident!("{}", st.action.element());
        steps.push(quote!(__s.action = ::iam_model::ActionClause::#variant(#actions);));
        if let Some(r) = &st.resource {
            let list = self.texts(r.resources(), child(node, key(r.element())));
            let variant = format_ident!("{}", r.element());
            steps.push(quote!(__s.resource = ::core::option::Option::Some(::iam_model::ResourceClause::#variant(#list));));
        }
        if !st.condition.is_empty() {
            let cnode = child(node, key("Condition"));
            let blocks = st.condition.blocks().iter().map(|b| {
                let op_name = b.operator.to_string();
                let onode = child(cnode, key(&op_name));
                let op = operator_tokens(&b.operator);
                let keys = b.keys.iter().map(|k| {
                    let knode = child(onode, key(&k.key));
                    let key_tokens = match key_leaf(self, onode, &k.key) {
                        Some(e) => quote_spanned!(e.span()=> ::core::convert::Into::<::std::string::String>::into(#e)),
                        None => {
                            let s = &k.key;
                            quote!(::std::string::String::from(#s))
                        }
                    };
                    let models = k.values.iter().map(condition_value).collect();
                    let values = self.list(Item::ConditionValue, knode, models);
                    quote!(::iam_model::condition::KeyCondition { key: #key_tokens, values: #values })
                });
                quote!(__c.push_block(::iam_model::condition::OperatorBlock { operator: #op, keys: ::std::vec![#(#keys),*] });)
            });
            steps.push(quote!(__s.condition = {
                let mut __c = ::iam_model::Condition::new();
                #(#blocks)*
                __c
            };));
        }
        quote!({
            let mut __s = ::iam_model::Statement::with_effect(::iam_model::Effect::#effect);
            #(#steps)*
            __s
        })
    }
}

/// The expression a condition key was written as, if it was one.
fn key_leaf<'c>(ctx: &'c Ctx<'_, '_>, operator: Option<&Node>, k: &str) -> Option<&'c syn::Expr> {
    let JsonValue::Object(members) = &operator?.value else {
        return None;
    };
    let (kn, _) = members.iter().find(|(kn, _)| kn.value == k)?;
    match ctx.leaves.get(&kn.span.start) {
        Some(Leaf::KeyExpr(e)) => Some(e),
        _ => None,
    }
}

fn kind_tokens(kind: PrincipalKind) -> TokenStream {
    let v = format_ident!(
        "{}",
        match kind {
            PrincipalKind::Aws => "Aws",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    );
    quote!(::iam_model::PrincipalKind::#v)
}

fn operator_tokens(op: &iam_model::ConditionOperator) -> TokenStream {
    let base = format_ident!("{}", op.base.name());
    let qualifier = match op.qualifier {
        Some(SetQualifier::ForAllValues) => quote!(::core::option::Option::Some(
            ::iam_model::condition::SetQualifier::ForAllValues
        )),
        Some(SetQualifier::ForAnyValue) => quote!(::core::option::Option::Some(
            ::iam_model::condition::SetQualifier::ForAnyValue
        )),
        None => quote!(::core::option::Option::None),
    };
    let if_exists = op.if_exists;
    quote!(::iam_model::ConditionOperator { qualifier: #qualifier, base: ::iam_model::BaseOperator::#base, if_exists: #if_exists })
}

fn condition_value(v: &ConditionValue) -> TokenStream {
    match v {
        ConditionValue::String(t) => {
            let s = t.to_string();
            quote!(::iam_model::ConditionValue::String(::iam_model::Text::literal(#s)))
        }
        ConditionValue::Bool(b) => quote!(::iam_model::ConditionValue::Bool(#b)),
        ConditionValue::Number(n) => {
            quote!(::iam_model::ConditionValue::Number(::std::string::String::from(#n)))
        }
    }
}

/// The code for `doc`, whose JSON tree is `tree`.
pub(crate) fn document(
    doc: &PolicyDocument,
    tree: &Node,
    leaves: &HashMap<usize, Leaf<'_>>,
) -> TokenStream {
    let ctx = Ctx { leaves };
    let version = match doc.version {
        Some(Version::V2012_10_17) => quote!(::core::option::Option::Some(
            ::iam_model::Version::V2012_10_17
        )),
        Some(Version::V2008_10_17) => quote!(::core::option::Option::Some(
            ::iam_model::Version::V2008_10_17
        )),
        None => quote!(::core::option::Option::None),
    };
    let id = match &doc.id {
        Some(id) => quote!(::core::option::Option::Some(::std::string::String::from(#id))),
        None => quote!(::core::option::Option::None),
    };
    let snode = child(Some(tree), key("Statement"));
    let statements = doc
        .statements
        .iter()
        .enumerate()
        .map(|(i, st)| ctx.statement(st, child(snode, PathSegment::Index(i))));
    quote!({
        let mut __doc = ::iam_model::PolicyDocument::new(::std::vec::Vec::new());
        __doc.version = #version;
        __doc.id = #id;
        __doc.statements = ::std::vec![#(#statements),*];
        __doc
    })
}
