//! Paths into a JSON document, and finding the span a path points at.

use std::fmt;

use super::{JsonValue, Span, Spanned};

/// A JSON-pointer-like path used in findings: `/Statement/2/Condition/StringEquals/aws:SourceIp`.
///
/// Displays as an [RFC 6901](https://www.rfc-editor.org/rfc/rfc6901) JSON pointer: the root
/// is the empty string, `~` in a key is written `~0` and `/` is written `~1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct JsonPath(Vec<PathSegment>);

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    /// An object member, by key.
    Key(String),
    /// An array element, by 0-based index.
    Index(usize),
}

impl JsonPath {
    /// The path to the whole document.
    pub fn root() -> Self {
        JsonPath(Vec::new())
    }

    /// A copy of this path extended with the object key `k`.
    #[must_use]
    pub fn key(&self, k: impl Into<String>) -> Self {
        self.with(PathSegment::Key(k.into()))
    }

    /// A copy of this path extended with the array index `i`.
    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        self.with(PathSegment::Index(i))
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }

    fn with(&self, segment: PathSegment) -> Self {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(segment);
        JsonPath(segments)
    }
}

impl FromIterator<PathSegment> for JsonPath {
    fn from_iter<I: IntoIterator<Item = PathSegment>>(iter: I) -> Self {
        JsonPath(iter.into_iter().collect())
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.0 {
            match segment {
                PathSegment::Index(i) => write!(f, "/{i}")?,
                PathSegment::Key(key) => {
                    f.write_str("/")?;
                    let mut rest = key.as_str();
                    while let Some(at) = rest.find(['~', '/']) {
                        let (before, after) = rest.split_at(at);
                        f.write_str(before)?;
                        let mut chars = after.chars();
                        f.write_str(if chars.next() == Some('~') {
                            "~0"
                        } else {
                            "~1"
                        })?;
                        rest = chars.as_str();
                    }
                    f.write_str(rest)?;
                }
            }
        }
        Ok(())
    }
}

impl Spanned<JsonValue> {
    /// The span of the node at `path`, as close as possible: when a segment does not exist, return the deepest existing node's span.
    /// An `Index(0)` applied to a non-array node stays on that node (IAM lets one statement/string stand for a one-element list). A final `Key` segment points at the value when it is a scalar, and at the key when the value is an object or array.
    pub fn locate(&self, path: &JsonPath) -> Span {
        super::locate(self, path)
    }
}

/// A path under construction, living on the caller's stack: each step borrows its parent, so
/// walking a document with one costs no allocation, and a [`JsonPath`] is built from it only
/// when a finding needs one ([`Loc::path`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Loc<'a> {
    /// The whole document.
    Root,
    /// An object member of the parent, by key.
    Key(&'a Loc<'a>, &'a str),
    /// An array element of the parent, by 0-based index.
    Index(&'a Loc<'a>, usize),
}

impl<'a> Loc<'a> {
    /// This location extended with the object key `k`.
    pub(crate) fn key(&'a self, k: &'a str) -> Loc<'a> {
        Loc::Key(self, k)
    }

    /// This location extended with the array index `i`.
    pub(crate) fn index(&'a self, i: usize) -> Loc<'a> {
        Loc::Index(self, i)
    }

    /// The path, built now.
    pub(crate) fn path(&self) -> JsonPath {
        let mut steps: Vec<PathSegment> = Vec::new();
        let mut at = self;
        loop {
            match at {
                Loc::Root => break,
                Loc::Key(parent, k) => {
                    steps.push(PathSegment::Key((*k).to_owned()));
                    at = parent;
                }
                Loc::Index(parent, i) => {
                    steps.push(PathSegment::Index(*i));
                    at = parent;
                }
            }
        }
        steps.reverse();
        JsonPath(steps)
    }

    /// The last key on the way here (`policy` at the root), for messages.
    pub(crate) fn last_key(&self) -> &'a str {
        let mut at = *self;
        loop {
            match at {
                Loc::Root => return "policy",
                Loc::Key(_, k) => return k,
                Loc::Index(parent, _) => at = *parent,
            }
        }
    }
}
