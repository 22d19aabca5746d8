//! Policy documents and the kinds of policy IAM distinguishes.

use std::fmt;

use typed_builder::TypedBuilder;

use crate::statement::Statement;

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Version {
    /// `2012-10-17`, the current version; policy variables need it.
    #[default]
    V2012_10_17,
    /// `2008-10-17`, the old version, in which `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    /// The version for a version string.
    pub fn parse(s: &str) -> Option<Version> {
        match s {
            "2012-10-17" => Some(Version::V2012_10_17),
            "2008-10-17" => Some(Version::V2008_10_17),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IAM policy document.
///
/// ```
/// use iam_model::{PolicyDocument, Statement};
/// let doc = PolicyDocument::new([Statement::allow().action("sts:GetCallerIdentity").resource("*")]);
/// assert_eq!(doc.to_json_compact().unwrap(),
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, TypedBuilder)]
pub struct PolicyDocument {
    /// The language version; `None` when the element is absent.
    #[builder(default = Some(Version::V2012_10_17), setter(strip_option))]
    pub version: Option<Version>,
    /// The optional policy id.
    #[builder(default, setter(strip_option, into))]
    pub id: Option<String>,
    /// The statements.
    #[builder(default)]
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// A `2012-10-17` document with these statements.
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statements: statements.into_iter().collect(),
        }
    }

    /// Appends a statement.
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// True when some value in the document is late-bound.
    pub fn has_late_bound(&self) -> bool {
        self.texts().any(|t| !t.is_literal())
    }

    /// Every text (resource, principal, condition value) in the document.
    pub fn texts(&self) -> impl Iterator<Item = &crate::text::Text> {
        self.statements.iter().flat_map(|s| {
            let resources = s.resource.iter().flat_map(|r| r.resources().iter());
            let principals = s
                .principal
                .iter()
                .flat_map(|p| p.principal().entries().map(|(_, v)| v));
            let conditions = s.condition.tests().flat_map(|(_, k)| {
                k.values.iter().filter_map(|v| match v {
                    crate::condition::ConditionValue::String(t) => Some(t),
                    _ => None,
                })
            });
            resources.chain(principals).chain(conditions)
        })
    }
}

/// What a policy document is used as; it decides which elements are allowed and which quota
/// applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An identity-based policy, attached as it says.
    Identity(Attachment),
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A resource-based policy (S3 bucket, SQS queue, KMS key, ...).
    Resource,
}

impl Default for PolicyKind {
    fn default() -> Self {
        PolicyKind::Identity(Attachment::Managed)
    }
}

/// How an identity policy is attached, which decides its size quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Attachment {
    /// A customer managed policy (6,144 characters).
    #[default]
    Managed,
    /// An inline policy of a role (10,240 characters, all inline policies of the role together).
    InlineRole,
    /// An inline policy of a user (2,048 together).
    InlineUser,
    /// An inline policy of a group (5,120 together).
    InlineGroup,
    /// An AWS managed policy (`arn:aws:iam::aws:policy/…`): AWS writes these without the
    /// customer quotas, and the largest are over the 131,072 characters the `PolicyDocument`
    /// API parameter takes (`AWSSupportServiceRolePolicy` has 152,297 without whitespace).
    AwsManaged,
}

impl Attachment {
    /// The size quota in characters, whitespace excluded; `None` for AWS managed policies,
    /// which have none.
    pub fn size_quota(self) -> Option<usize> {
        match self {
            Attachment::Managed => Some(6_144),
            Attachment::InlineRole => Some(10_240),
            Attachment::InlineUser => Some(2_048),
            Attachment::InlineGroup => Some(5_120),
            Attachment::AwsManaged => None,
        }
    }

    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Attachment::Managed => "managed policy",
            Attachment::InlineRole => "role's inline policies",
            Attachment::InlineUser => "user's inline policies",
            Attachment::InlineGroup => "group's inline policies",
            Attachment::AwsManaged => "AWS managed policy",
        }
    }
}
