//! The tree the parser builds: [`Value`], in an arena, with strings borrowed from the text.
//!
//! Validation reads a policy once and throws the tree away, so giving every key, string,
//! array and object of it an allocation of its own (as the public, owning [`JsonValue`] tree
//! does) would cost an allocation and a free per node for nothing. The parser builds this tree
//! instead: strings without escapes borrow from the text, everything else lives in a
//! [`Bump`](bumpalo::Bump) arena the caller owns, and dropping the tree is dropping the arena.
//! [`super::parse`] converts it into a [`JsonValue`] for callers that keep the tree.
//! Navigation by [`JsonPath`] is written once, over [`Tree`], for both.

use super::{JsonPath, JsonValue, PathSegment, Span, Spanned};

/// A JSON value in an arena (`'a` is the text's and the arena's lifetime). Numbers are kept as
/// written; strings with escapes are unescaped into the arena. Nothing here needs dropping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(&'a str),
    Array(&'a [Spanned<Value<'a>>]),
    Object(&'a [Member<'a>]),
}

/// An object member: the key and the value, each with its span.
pub(crate) type Member<'a> = (Spanned<&'a str>, Spanned<Value<'a>>);

impl<'a> Value<'a> {
    /// The JSON type with an article, as [`JsonValue::type_name`].
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The members, if this is an object.
    pub(crate) fn as_object(&self) -> Option<&'a [Member<'a>]> {
        match *self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The value of member `key`, if this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Spanned<Value<'a>>> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }

    /// The owning form. Recurses once per nesting level, bounded by [`super::Limits::max_depth`].
    pub(crate) fn owned(&self) -> JsonValue {
        match *self {
            Value::Null => JsonValue::Null,
            Value::Bool(b) => JsonValue::Bool(b),
            Value::Number(n) => JsonValue::Number(n.to_owned()),
            Value::String(s) => JsonValue::String(s.to_owned()),
            Value::Array(items) => {
                JsonValue::Array(items.iter().map(Spanned::to_owned_tree).collect())
            }
            Value::Object(members) => JsonValue::Object(
                members
                    .iter()
                    .map(|(key, value)| {
                        let key = Spanned {
                            value: key.value.to_owned(),
                            span: key.span,
                        };
                        (key, value.to_owned_tree())
                    })
                    .collect(),
            ),
        }
    }
}

/// A spanned JSON tree that can be walked by [`JsonPath`]: the owning and the borrowed one.
pub(crate) trait Tree: Sized {
    /// Where this node was written.
    fn span(&self) -> Span;
    /// Whether this node is an array or an object.
    fn is_container(&self) -> bool;
    /// The key's span and the value of member `key`: `None` when this is not an object or
    /// has no such member.
    fn member(&self, key: &str) -> Option<(Span, &Self)> {
        self.member_from(key, 0)
            .map(|(_, span, value)| (span, value))
    }
    /// [`Tree::member`], searching from member `from` on (and around), with the member's
    /// index: findings come in document order, so a search where the last one ended finds
    /// the next key at once instead of scanning a wide object from its start each time.
    fn member_from(&self, key: &str, from: usize) -> Option<(usize, Span, &Self)>;
    /// Element `i`: the outer `None` when this is not an array, the inner one when it has no
    /// such element.
    fn element(&self, i: usize) -> Option<Option<&Self>>;
}

/// The same walk over both trees, whose variants have the same names.
macro_rules! impl_tree {
    ($value:ident $(<$lt:lifetime>)?) => {
        impl Tree for Spanned<$value $(<$lt>)?> {
            fn span(&self) -> Span {
                self.span
            }

            fn is_container(&self) -> bool {
                matches!(self.value, $value::Array(_) | $value::Object(_))
            }

            fn member_from(&self, key: &str, from: usize) -> Option<(usize, Span, &Self)> {
                let $value::Object(members) = &self.value else {
                    return None;
                };
                let from = from.min(members.len());
                let (after, before) = members.split_at(from);
                let (i, (k, v)) = before
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (i + from, m))
                    .chain(after.iter().enumerate())
                    .find(|(_, (k, _))| k.value == key)?;
                Some((i, k.span, v))
            }

            fn element(&self, i: usize) -> Option<Option<&Self>> {
                match &self.value {
                    $value::Array(items) => Some(items.get(i)),
                    _ => None,
                }
            }
        }
    };
}

impl_tree!(JsonValue);
impl_tree!(Value<'_>);

impl Spanned<Value<'_>> {
    /// The owning form of a tree in an arena.
    pub(crate) fn to_owned_tree(&self) -> Spanned<JsonValue> {
        Spanned {
            value: self.value.owned(),
            span: self.span,
        }
    }
}

/// Locates many paths in one tree: remembers, per object, where the last key was found (see
/// [`Tree::member_from`]), so that locating every one of thousands of findings in a wide
/// object is linear, not quadratic.
#[derive(Default)]
pub(crate) struct Locator {
    next: std::collections::HashMap<usize, usize>,
}

impl Locator {
    fn member<'t, T: Tree>(&mut self, node: &'t T, key: &str) -> Option<(Span, &'t T)> {
        let addr = std::ptr::from_ref(node) as usize;
        let from = self.next.get(&addr).copied().unwrap_or(0);
        let (i, span, value) = node.member_from(key, from)?;
        self.next.insert(addr, i + 1);
        Some((span, value))
    }

    /// [`locate`], remembering where keys were found.
    pub(crate) fn locate<T: Tree>(&mut self, root: &T, path: &JsonPath) -> Span {
        locate_with(root, path, &mut |node, key| self.member(node, key))
    }

    /// [`key_span`], remembering where keys were found.
    pub(crate) fn key_span<T: Tree>(&mut self, root: &T, path: &JsonPath) -> Option<Span> {
        key_span_with(root, path, &mut |node, key| self.member(node, key))
    }
}

/// How a walk finds an object's member.
type FindMember<'f, 't, T> = dyn FnMut(&'t T, &str) -> Option<(Span, &'t T)> + 'f;

/// The span of the node at `path`, as close as possible: see [`Spanned::locate`].
pub(crate) fn locate<T: Tree>(root: &T, path: &JsonPath) -> Span {
    locate_with(root, path, &mut |node, key| node.member(key))
}

fn locate_with<'t, T: Tree>(
    root: &'t T,
    path: &JsonPath,
    member: &mut FindMember<'_, 't, T>,
) -> Span {
    let mut node = root;
    let mut segments = path.segments().iter().peekable();
    while let Some(segment) = segments.next() {
        match segment {
            PathSegment::Key(key) => {
                let Some((key_span, value)) = member(node, key) else {
                    break;
                };
                if segments.peek().is_none() {
                    // A scalar is best shown by its value (`"Resource": "bucket"`); an
                    // object or array by its key, which reads better than a whole block.
                    return if value.is_container() {
                        key_span
                    } else {
                        value.span()
                    };
                }
                node = value;
            }
            PathSegment::Index(i) => match node.element(*i) {
                Some(Some(item)) => node = item,
                Some(None) => break,
                // One statement or value may stand for a list of one.
                None if *i == 0 => {}
                None => break,
            },
        }
    }
    node.span()
}

/// The span of the object key `path` ends with, when the path leads to an object member.
fn key_span_with<'t, T: Tree>(
    root: &'t T,
    path: &JsonPath,
    member: &mut FindMember<'_, 't, T>,
) -> Option<Span> {
    let (PathSegment::Key(last), parent) = path.segments().split_last()? else {
        return None;
    };
    let mut node = root;
    for segment in parent {
        node = match segment {
            PathSegment::Key(k) => member(node, k)?.1,
            PathSegment::Index(i) => match node.element(*i) {
                Some(item) => item?,
                // One statement or value may stand for a list of one.
                None if *i == 0 => node,
                None => return None,
            },
        };
    }
    Some(member(node, last)?.0)
}
