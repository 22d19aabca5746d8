//! Strings whose value may be known only at deploy time.
//!
//! A policy written in Rust often names things that do not exist yet: this account's id, the
//! partition, the ARN of a role created in the same deployment, a generated external id. A
//! [`Text`] keeps such a value symbolic ([`LateBound`]) next to literal text, so that rendering can
//! turn it into a Terraform reference and applying can resolve it against the live account.
//! It is never confused with an IAM policy variable such as `${aws:username}`: that is literal
//! text as far as rolewright is concerned, and IAM evaluates it at request time.

use std::borrow::Cow;
use std::fmt;

use crate::deployment::resolve;

/// The account id placeholders stand in with.
const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// A value known only when the deployment is rendered or applied.
///
/// Closed on purpose (no `#[non_exhaustive]`): a new kind of value must be handled by the one
/// resolver ([`crate::deployment::resolve`]) and every output before the workspace compiles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LateBound {
    /// The id of an AWS account. `None` is the account the enclosing object is deployed to;
    /// `Some(key)` names one of the deployment's accounts by its key.
    AccountId(Option<String>),
    /// The region the deployment's provider or client is configured for.
    Region,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, ...) of the target account.
    Partition,
    /// An attribute of another object in the same deployment.
    Ref(ObjectRef),
    /// A value the deployment generates once and keeps, such as an external id.
    Generated(String),
    /// A value given by a third-party integration after the first apply (for example the IAM
    /// role ARN and external id Confluent hands out).
    External(String),
}

/// A reference to an attribute of an object in the same deployment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// What kind of object is referenced.
    pub kind: ObjectKind,
    /// The object's key in the deployment (unique per kind).
    pub key: String,
    /// Which attribute of it.
    pub attribute: RefAttribute,
}

/// The kinds of IAM object a [`LateBound::Ref`] can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// An IAM role.
    Role,
    /// A customer managed policy.
    Policy,
    /// An OpenID Connect identity provider.
    OidcProvider,
}

/// The attributes of an object that other objects can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefAttribute {
    /// The object's ARN.
    Arn,
    /// The object's name.
    Name,
    /// The role's unique id (`AROA...`).
    UniqueId,
}

impl LateBound {
    /// The id of the account the enclosing object is deployed to.
    pub fn current_account() -> Self {
        LateBound::AccountId(None)
    }

    /// The id of the deployment account known by `key`.
    pub fn account(key: impl Into<String>) -> Self {
        LateBound::AccountId(Some(key.into()))
    }

    /// The ARN of the role known by `key` in the deployment.
    pub fn role_arn(key: impl Into<String>) -> Self {
        LateBound::Ref(ObjectRef {
            kind: ObjectKind::Role,
            key: key.into(),
            attribute: RefAttribute::Arn,
        })
    }

    /// The ARN of the customer managed policy known by `key` in the deployment.
    pub fn policy_arn(key: impl Into<String>) -> Self {
        LateBound::Ref(ObjectRef {
            kind: ObjectKind::Policy,
            key: key.into(),
            attribute: RefAttribute::Arn,
        })
    }

    /// The ARN of the OIDC provider known by `key` in the deployment.
    pub fn oidc_provider_arn(key: impl Into<String>) -> Self {
        LateBound::Ref(ObjectRef {
            kind: ObjectKind::OidcProvider,
            key: key.into(),
            attribute: RefAttribute::Arn,
        })
    }

    /// A stand-in value of realistic shape and maximal plausible length, used to validate and
    /// measure a policy before its late-bound values are known.
    pub fn placeholder(&self) -> Cow<'static, str> {
        match self {
            LateBound::AccountId(_) => Cow::Borrowed(PLACEHOLDER_ACCOUNT),
            LateBound::Region => Cow::Borrowed("ap-southeast-2"),
            LateBound::Partition => Cow::Borrowed("aws"),
            LateBound::Ref(r) => match (r.kind, r.attribute) {
                (ObjectKind::Role, RefAttribute::Arn) => {
                    Cow::Owned(resolve::role_arn("aws", PLACEHOLDER_ACCOUNT, "/", &r.key))
                }
                (ObjectKind::Policy, RefAttribute::Arn) => {
                    Cow::Owned(resolve::policy_arn("aws", PLACEHOLDER_ACCOUNT, "/", &r.key))
                }
                (ObjectKind::OidcProvider, RefAttribute::Arn) => Cow::Owned(
                    resolve::oidc_provider_arn("aws", PLACEHOLDER_ACCOUNT, &r.key),
                ),
                (_, RefAttribute::Name) => Cow::Owned(r.key.clone()),
                (_, RefAttribute::UniqueId) => Cow::Borrowed("AROA0000000000000000"),
            },
            LateBound::Generated(_) => Cow::Borrowed("00000000-0000-0000-0000-000000000000"),
            LateBound::External(name) => Cow::Owned(format!("external-{name}")),
        }
    }
}

impl fmt::Display for LateBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LateBound::AccountId(None) => f.write_str("account_id"),
            LateBound::AccountId(Some(k)) => write!(f, "account_id({k})"),
            LateBound::Region => f.write_str("region"),
            LateBound::Partition => f.write_str("partition"),
            LateBound::Ref(r) => {
                let kind = match r.kind {
                    ObjectKind::Role => "role",
                    ObjectKind::Policy => "policy",
                    ObjectKind::OidcProvider => "oidc_provider",
                };
                let attr = match r.attribute {
                    RefAttribute::Arn => "arn",
                    RefAttribute::Name => "name",
                    RefAttribute::UniqueId => "unique_id",
                };
                write!(f, "{kind}.{}.{attr}", r.key)
            }
            LateBound::Generated(n) => write!(f, "generated.{n}"),
            LateBound::External(n) => write!(f, "external.{n}"),
        }
    }
}

/// One piece of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// Literal text, written as is (IAM policy variables included).
    Literal(String),
    /// A value resolved at render or apply time.
    Late(LateBound),
}

/// A string made of literal text and late-bound values.
///
/// ```
/// use iam_model::{LateBound, Text};
/// let arn = Text::from("arn:")
///     .then(LateBound::Partition)
///     .then(":iam::")
///     .then(LateBound::current_account())
///     .then(":role/sym/*");
/// assert!(!arn.is_literal());
/// assert_eq!(arn.to_string(), "arn:{{partition}}:iam::{{account_id}}:role/sym/*");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text {
    segments: Segments,
}

/// The segments of a [`Text`], without a vector for the common text of one segment: a policy
/// read from JSON is all one-literal texts, and validating it costs one allocation less per
/// string.
#[derive(Debug, Clone, Default)]
enum Segments {
    #[default]
    Empty,
    One(Segment),
    /// Two or more.
    Many(Vec<Segment>),
}

impl Segments {
    fn as_slice(&self) -> &[Segment] {
        match self {
            Segments::Empty => &[],
            Segments::One(segment) => std::slice::from_ref(segment),
            Segments::Many(segments) => segments,
        }
    }

    fn last_mut(&mut self) -> Option<&mut Segment> {
        match self {
            Segments::Empty => None,
            Segments::One(segment) => Some(segment),
            Segments::Many(segments) => segments.last_mut(),
        }
    }

    fn push(&mut self, segment: Segment) {
        *self = match std::mem::take(self) {
            Segments::Empty => Segments::One(segment),
            Segments::One(first) => Segments::Many(vec![first, segment]),
            Segments::Many(mut segments) => {
                segments.push(segment);
                Segments::Many(segments)
            }
        };
    }

    /// Appends `segment`, merged into a literal before it; an empty literal adds nothing.
    fn append(&mut self, segment: Segment) {
        match (self.last_mut(), segment) {
            (Some(Segment::Literal(prev)), Segment::Literal(next)) => prev.push_str(&next),
            (_, Segment::Literal(next)) if next.is_empty() => {}
            (_, segment) => self.push(segment),
        }
    }
}

// Compared and hashed as the slice, whatever the representation.
impl PartialEq for Segments {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Segments {}

impl std::hash::Hash for Segments {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl PartialOrd for Segments {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Segments {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl Text {
    /// An empty text.
    pub fn new() -> Self {
        Text::default()
    }

    /// A text of literal characters only.
    pub fn literal(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() {
            return Text::default();
        }
        Text {
            segments: Segments::One(Segment::Literal(s)),
        }
    }

    /// Appends literal text or a late-bound value; adjacent literals are merged so that equal
    /// texts have equal segments.
    pub fn then(mut self, part: impl Into<Text>) -> Self {
        self.push(part);
        self
    }

    /// Appends in place; see [`Text::then`].
    pub fn push(&mut self, part: impl Into<Text>) {
        match part.into().segments {
            Segments::Empty => {}
            Segments::One(segment) => self.segments.append(segment),
            Segments::Many(segments) => {
                for segment in segments {
                    self.segments.append(segment);
                }
            }
        }
    }

    /// The pieces of this text, adjacent literals merged.
    pub fn segments(&self) -> &[Segment] {
        self.segments.as_slice()
    }

    /// True when no part of the text is late-bound.
    pub fn is_literal(&self) -> bool {
        self.segments()
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)))
    }

    /// The literal value, when the text has no late-bound part.
    pub fn as_literal(&self) -> Option<Cow<'_, str>> {
        match self.segments() {
            [] => Some(Cow::Borrowed("")),
            [Segment::Literal(s)] => Some(Cow::Borrowed(s.as_str())),
            _ => None,
        }
    }

    /// The late-bound values this text depends on.
    pub fn late_bound(&self) -> impl Iterator<Item = &LateBound> {
        self.segments().iter().filter_map(|s| match s {
            Segment::Late(l) => Some(l),
            Segment::Literal(_) => None,
        })
    }

    /// The text with every late-bound value replaced by its [`LateBound::placeholder`]: what the
    /// validator checks and measures before the real values are known.
    pub fn with_placeholders(&self) -> Cow<'_, str> {
        if let Some(lit) = self.as_literal() {
            return lit;
        }
        let mut out = String::new();
        for seg in self.segments() {
            match seg {
                Segment::Literal(s) => out.push_str(s),
                Segment::Late(l) => out.push_str(&l.placeholder()),
            }
        }
        Cow::Owned(out)
    }

    /// Resolves every late-bound value.
    pub fn resolve<R: Resolver + ?Sized>(&self, resolver: &R) -> Result<String, UnresolvedError> {
        let mut out = String::new();
        for seg in self.segments() {
            match seg {
                Segment::Literal(s) => out.push_str(s),
                Segment::Late(l) => out.push_str(&resolver.resolve(l)?),
            }
        }
        Ok(out)
    }

    /// Maps every late-bound value to another text (for example to move a value between
    /// accounts), keeping the literals.
    pub fn map_late(&self, mut f: impl FnMut(&LateBound) -> Text) -> Text {
        let mut out = Text::new();
        for seg in self.segments() {
            match seg {
                Segment::Literal(s) => out.push(s.as_str()),
                Segment::Late(l) => out.push(f(l)),
            }
        }
        out
    }
}

impl fmt::Display for Text {
    /// Literals as written, late-bound values as `{{name}}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in self.segments() {
            match seg {
                Segment::Literal(s) => f.write_str(s)?,
                Segment::Late(l) => write!(f, "{{{{{l}}}}}")?,
            }
        }
        Ok(())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::literal(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::literal(s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::literal(s.as_str())
    }
}

impl From<LateBound> for Text {
    fn from(l: LateBound) -> Self {
        Text {
            segments: Segments::One(Segment::Late(l)),
        }
    }
}

impl From<&Text> for Text {
    fn from(t: &Text) -> Self {
        t.clone()
    }
}

/// Turns late-bound values into concrete strings.
pub trait Resolver {
    /// The value of `late`, or why it is not known.
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError>;
}

/// Resolves every late-bound value to its placeholder.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceholderResolver;

impl Resolver for PlaceholderResolver {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(late.placeholder())
    }
}

/// Resolves nothing: for documents that must be fully literal.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiteralOnly;

impl Resolver for LiteralOnly {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Err(UnresolvedError::new(late.clone()))
    }
}

/// A late-bound value had no value where one was needed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("late-bound value `{value}` has no value here")]
#[diagnostic(
    code(rolewright::unresolved),
    help("pass the value (for example `--account-id`) or render for Terraform, which resolves it")
)]
pub struct UnresolvedError {
    value: LateBound,
}

impl UnresolvedError {
    /// An error for `value`.
    pub fn new(value: LateBound) -> Self {
        UnresolvedError { value }
    }

    /// The value that could not be resolved.
    pub fn value(&self) -> &LateBound {
        &self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_literals_merge() {
        let t = Text::from("a")
            .then("b")
            .then(LateBound::Region)
            .then("c")
            .then("");
        assert_eq!(t.segments().len(), 3);
        assert_eq!(t, Text::from("ab").then(LateBound::Region).then("c"));
    }

    /// Texts built in different orders are equal, hash alike and order as their segment lists,
    /// whether they hold none, one or several segments.
    #[test]
    fn equality_and_order_follow_the_segments() {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let hash = |t: &Text| {
            let mut h = DefaultHasher::new();
            t.hash(&mut h);
            h.finish()
        };
        let built = Text::new().then("").then("ab").then("");
        assert_eq!(built, Text::literal("ab"));
        assert_eq!(hash(&built), hash(&Text::literal("ab")));
        assert_eq!(Text::new().then(""), Text::new());
        assert!(Text::new().then("").segments().is_empty());
        let late = Text::new().then(LateBound::Region);
        assert_eq!(late, Text::from(LateBound::Region));
        let texts = [
            Text::new(),
            Text::literal("a"),
            Text::literal("a").then(LateBound::Region),
            Text::literal("a").then(LateBound::Region).then("b"),
            Text::literal("b"),
            Text::from(LateBound::Region),
        ];
        for a in &texts {
            for b in &texts {
                assert_eq!(a.cmp(b), a.segments().cmp(b.segments()), "{a} vs {b}");
                assert_eq!(a == b, a.segments() == b.segments());
            }
        }
    }

    #[test]
    fn resolve_and_placeholders() {
        let t = Text::from("arn:").then(LateBound::Partition).then(":iam::");
        assert_eq!(t.with_placeholders(), "arn:aws:iam::");
        assert!(t.resolve(&LiteralOnly).is_err());
        assert_eq!(t.resolve(&PlaceholderResolver).unwrap(), "arn:aws:iam::");
        assert_eq!(Text::literal("x").as_literal().unwrap(), "x");
    }
}
