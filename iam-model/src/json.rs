//! A strict, spanned JSON parser for policy documents.
//!
//! IAM policies are JSON, but a general-purpose JSON library is the wrong tool for reading
//! them: `serde_json` keeps the *last* of two duplicate keys without a word (so a second
//! `"Effect": "Allow"` silently overrides a `"Deny"`), gives no source positions, and can
//! overflow the stack on deeply nested input. This module is a small parser for exactly
//! [RFC 8259](https://www.rfc-editor.org/rfc/rfc8259) that
//!
//! * reports **every** duplicate key in a document ([`JsonErrorKind::DuplicateKey`]);
//! * records a [`Span`] (byte range plus 1-based line and column) for every value and key;
//! * checks the size limit before parsing, counting characters only when the byte length is
//!   over the limit ([`JsonErrorKind::TooLarge`]);
//! * parses iteratively with an explicit stack and a depth limit, so no input can overflow
//!   the call stack ([`JsonErrorKind::TooDeep`]);
//! * rejects everything RFC 8259 does not allow: comments, trailing commas, single quotes,
//!   leading zeros, `NaN`, a byte order mark, raw control characters in strings, invalid
//!   UTF-8 and escapes that encode a lone surrogate;
//! * keeps numbers exactly as written ([`JsonValue::Number`]).
//!
//! ```
//! use iam_model::json::{parse_str, JsonErrorKind, JsonPath, Limits};
//!
//! let doc = r#"{"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}"#;
//! let errors = parse_str(doc, &Limits::default()).unwrap_err();
//! assert_eq!(errors.len(), 1);
//! assert!(matches!(&errors[0].kind, JsonErrorKind::DuplicateKey { key, .. } if key == "Effect"));
//! assert_eq!((errors[0].span.line, errors[0].span.column), (1, 35));
//!
//! let doc = parse_str("{\n  \"Statement\": [\n    {\"Effect\": \"Deny\"}\n  ]\n}", &Limits::default())
//!     .unwrap();
//! let span = doc.locate(&JsonPath::root().key("Statement").index(0).key("Effect"));
//! assert_eq!((span.line, span.column), (3, 16)); // the value `"Deny"`
//! ```
//!
//! Lines are separated by `\n` only (a `\r\n` pair ends one line; a lone `\r` is an ordinary
//! whitespace character). Columns count Unicode scalar values, so a tab or an `é` each
//! count as one column.

use std::fmt;

use bumpalo::Bump;

mod borrowed;
mod err;
mod parser;
mod path;

#[cfg(test)]
mod tests;

pub(crate) use borrowed::{locate, Locator, Value};
pub use err::{JsonError, JsonErrorKind};
pub(crate) use parser::Parsed;
pub(crate) use path::Loc;
pub use path::{JsonPath, PathSegment};

/// A position in the source text.
///
/// `start` and `end` are byte offsets (`end` exclusive); `line` and `column` locate `start`,
/// both 1-based, with the column counted in characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub column: u32,
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
    }
}

/// A value together with the span of source text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The parsed value.
    pub value: T,
    /// Where the value was written.
    pub span: Span,
}

/// A JSON value, with spans on every nested value and object key.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number exactly as written in the source (e.g. "3600", "1.5e3"), validated against the RFC grammar.
    Number(String),
    /// A string, with escapes resolved.
    String(String),
    /// An array, elements in source order.
    Array(Vec<Spanned<JsonValue>>),
    /// Members in source order. Keys are unique (duplicates are reported as errors).
    Object(Vec<(Spanned<String>, Spanned<JsonValue>)>),
}

impl JsonValue {
    /// The JSON type of this value with an article, for messages: `"null"`, `"a boolean"`,
    /// `"a number"`, `"a string"`, `"an array"` or `"an object"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Spanned<JsonValue>]> {
        match self {
            JsonValue::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(Spanned<String>, Spanned<JsonValue>)]> {
        match self {
            JsonValue::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The value of member `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Spanned<JsonValue>> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }
}

/// Compact JSON (no whitespace), escaping only what RFC 8259 requires: `"`, `\` and control
/// characters. Parsing the output gives back an equal value. Numbers are written as stored.
///
/// This recurses once per nesting level; values produced by [`parse`] are bounded by
/// [`Limits::max_depth`].
impl fmt::Display for JsonValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonValue::Null => f.write_str("null"),
            JsonValue::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            JsonValue::Number(n) => f.write_str(n),
            JsonValue::String(s) => write_json_string(f, s),
            JsonValue::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    fmt::Display::fmt(&item.value, f)?;
                }
                f.write_str("]")
            }
            JsonValue::Object(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_json_string(f, &key.value)?;
                    f.write_str(":")?;
                    fmt::Display::fmt(&value.value, f)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Writes `s` as a JSON string literal, quotes included.
fn write_json_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        f.write_str(s.get(run..i).unwrap_or_default())?;
        if escape.is_empty() {
            write!(f, "\\u{b:04x}")?;
        } else {
            f.write_str(escape)?;
        }
        run = i + 1;
    }
    f.write_str(s.get(run..).unwrap_or_default())?;
    f.write_str("\"")
}

/// Size and nesting limits for [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum document length. Despite the name this is measured in **characters** (UTF-8
    /// scalar values), as IAM measures policy documents; characters are only counted when
    /// the byte length exceeds the limit.
    pub max_bytes: usize,
    /// Maximum nesting of arrays and objects: `[]` has depth 1, `[[]]` depth 2. Values of
    /// any depth are dropped, cloned and compared recursively, so keep this modest.
    pub max_depth: usize,
}

impl Limits {
    /// IAM's maximum `PolicyDocument` length, in characters.
    pub const IAM_MAX_CHARS: usize = 131_072;
}

impl Default for Limits {
    /// `max_bytes` = 131,072 (IAM's `PolicyDocument` maximum), `max_depth` = 64.
    fn default() -> Self {
        Limits {
            max_bytes: Self::IAM_MAX_CHARS,
            max_depth: 64,
        }
    }
}

/// Parse a document. Duplicate keys do not stop parsing: every duplicate in the document is reported (all of them); every other error is fatal and reported alone.
///
/// The size limit is checked first, then the encoding (the first invalid UTF-8 byte is
/// reported), then the syntax. Errors are returned in source order and the vector is never
/// empty.
pub fn parse(input: &[u8], limits: &Limits) -> Result<Spanned<JsonValue>, Vec<JsonError>> {
    let arena = Bump::new();
    parse_borrowed(input, limits, &arena).map(|parsed| parsed.tree.to_owned_tree())
}

/// Parse a document that is already known to be UTF-8. Otherwise the same as [`parse`].
pub fn parse_str(input: &str, limits: &Limits) -> Result<Spanned<JsonValue>, Vec<JsonError>> {
    parser::check_size(input.as_bytes(), limits).map_err(|e| vec![e])?;
    let arena = Bump::new();
    parser::parse_text(input, limits, &arena).map(|parsed| parsed.tree.to_owned_tree())
}

/// Runs `f` with an empty arena for a borrowed tree: the thread's own, reset and kept from call
/// to call, so that validating policy after policy allocates nothing for the trees. An arena
/// that grew past 1 MiB (a very large document) is let go rather than kept.
pub(crate) fn with_arena<R>(f: impl FnOnce(&Bump) -> R) -> R {
    thread_local! {
        static ARENA: std::cell::Cell<Option<Bump>> = const { std::cell::Cell::new(None) };
    }
    // Taken out of the slot while in use: a nested call finds it empty and makes its own.
    let mut arena = ARENA.with(std::cell::Cell::take).unwrap_or_default();
    let out = f(&arena);
    if arena.allocated_bytes() <= 1 << 20 {
        arena.reset();
        ARENA.with(|slot| slot.set(Some(arena)));
    }
    out
}

/// [`parse`] into a tree in `arena`, with the document's compact size.
pub(crate) fn parse_borrowed<'a>(
    input: &'a [u8],
    limits: &Limits,
    arena: &'a Bump,
) -> Result<Parsed<'a>, Vec<JsonError>> {
    parser::check_size(input, limits).map_err(|e| vec![e])?;
    match std::str::from_utf8(input) {
        Ok(text) => parser::parse_text(text, limits, arena),
        Err(error) => Err(vec![parser::encoding_error(input, &error)]),
    }
}

/// How many characters each byte adds to a string's compact JSON form: 2 or 6 for what
/// needs an escape, 0 for a UTF-8 continuation byte (its character was counted at its first
/// byte, so this counts characters without decoding them), 1 otherwise.
const ESCAPED_WIDTH: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = 6;
        b += 1;
    }
    t[0x08] = 2;
    t[0x09] = 2;
    t[0x0a] = 2;
    t[0x0c] = 2;
    t[0x0d] = 2;
    t[b'"' as usize] = 2;
    t[b'\\' as usize] = 2;
    let mut c = 0x80;
    while c < 0xc0 {
        t[c] = 0;
        c += 1;
    }
    t
};

/// The length of `s` as a compact JSON string literal, quotes included, in characters.
pub(crate) fn escaped_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| usize::from(ESCAPED_WIDTH[usize::from(b)]))
        .sum::<usize>()
}
