//! Errors reported by the JSON parser.

use std::fmt;

use miette::{Diagnostic, LabeledSpan};

use super::Span;

/// An error found while parsing a JSON document, with the span of the offending text.
///
/// Displays as the kind's message. As a [`miette::Diagnostic`] it carries the kind's
/// [`code`](JsonErrorKind::code), a label on `span` and, for a duplicate key, a second label on
/// the first occurrence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct JsonError {
    /// What went wrong.
    pub kind: JsonErrorKind,
    /// The offending text. For a duplicate key this is the later occurrence; for an error at
    /// the end of input it is empty and placed at the end.
    pub span: Span,
}

impl JsonError {
    pub(super) fn new(kind: JsonErrorKind, span: Span) -> Self {
        JsonError { kind, span }
    }
}

/// The kinds of [`JsonError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The text is not RFC 8259 JSON: empty input, trailing data, comments, trailing commas,
    /// single quotes, leading zeros, bad escapes, control characters in strings, a byte order
    /// mark, and so on.
    Syntax {
        /// What was expected and what was found, e.g.
        /// ``expected `,` or `}` after an object member, found `]` ``.
        message: String,
    },
    /// An object has the same key twice. Every duplicate is reported, and each one points at
    /// the first occurrence of its key.
    DuplicateKey {
        /// The key, escapes resolved.
        key: String,
        /// Where the key was first written in the same object.
        first: Span,
    },
    /// Arrays and objects are nested deeper than [`Limits::max_depth`](super::Limits).
    TooDeep {
        /// The depth limit.
        limit: usize,
    },
    /// The document is longer than [`Limits::max_bytes`](super::Limits) characters.
    TooLarge {
        /// The document's length in characters (for input that is not valid UTF-8: the
        /// number of bytes that are not UTF-8 continuation bytes).
        size: usize,
        /// The limit, in characters.
        limit: usize,
    },
    /// The input is not valid UTF-8, or a `\u` escape encodes a lone surrogate.
    InvalidEncoding {
        /// What is wrong, with the byte offset or the escape.
        message: String,
    },
}

impl JsonErrorKind {
    /// The stable code of this kind of error: `"JSON_SYNTAX"`, `"DUPLICATE_KEY"`,
    /// `"NESTING_TOO_DEEP"`, `"INPUT_TOO_LARGE"` or `"INVALID_ENCODING"`.
    pub fn code(&self) -> &'static str {
        match self {
            JsonErrorKind::Syntax { .. } => "JSON_SYNTAX",
            JsonErrorKind::DuplicateKey { .. } => "DUPLICATE_KEY",
            JsonErrorKind::TooDeep { .. } => "NESTING_TOO_DEEP",
            JsonErrorKind::TooLarge { .. } => "INPUT_TOO_LARGE",
            JsonErrorKind::InvalidEncoding { .. } => "INVALID_ENCODING",
        }
    }
}

impl fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonErrorKind::Syntax { message } | JsonErrorKind::InvalidEncoding { message } => {
                f.write_str(message)
            }
            JsonErrorKind::DuplicateKey { key, first } => write!(
                f,
                "duplicate key {}: first defined at line {}, column {}",
                quote(key),
                first.line,
                first.column
            ),
            JsonErrorKind::TooDeep { limit } => write!(
                f,
                "arrays and objects are nested more than {limit} levels deep"
            ),
            JsonErrorKind::TooLarge { size, limit } => write!(
                f,
                "document is {size} characters long, more than the limit of {limit}"
            ),
        }
    }
}

impl Diagnostic for JsonError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match &self.kind {
            JsonErrorKind::DuplicateKey { .. } => {
                "remove or merge one of the two: JSON readers disagree on which one wins"
            }
            JsonErrorKind::InvalidEncoding { .. } => "policy documents must be UTF-8 text",
            _ => return None,
        };
        Some(Box::new(help))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (here, first) = match &self.kind {
            JsonErrorKind::DuplicateKey { first, .. } => ("duplicate key", Some(*first)),
            JsonErrorKind::TooDeep { .. } => ("too deep", None),
            JsonErrorKind::TooLarge { .. } => ("too large", None),
            JsonErrorKind::InvalidEncoding { .. } => ("invalid encoding", None),
            _ => ("here", None),
        };
        let primary = LabeledSpan::new_primary_with_span(Some(here.to_owned()), self.span);
        let secondary =
            first.map(|span| LabeledSpan::new_with_span(Some("first defined here".into()), span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// The longest piece of user input quoted in a message, in characters.
const MAX_QUOTED_CHARS: usize = 40;

/// `text` in backticks for a message: control and invisible characters are written as
/// escapes, and long text is cut short with `…`.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUOTED_CHARS * 2) + 2);
    out.push('`');
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED_CHARS {
            out.push('…');
            break;
        }
        if is_invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// A single character for a message: `` `x` ``, or `U+00A0` for characters that would not
/// show (controls, whitespace other than a space, format characters).
pub(super) fn describe_char(c: char) -> String {
    if is_invisible(c) || c == ' ' {
        format!("U+{:04X}", u32::from(c))
    } else if c == '`' {
        "`` ` ``".to_owned()
    } else {
        format!("`{c}`")
    }
}

/// Characters that would not show in a message: controls, whitespace other than a space,
/// and invisible format characters.
pub(super) fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}
