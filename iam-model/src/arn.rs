//! Amazon Resource Names: parsing, building and wildcard matching.
//!
//! `arn:partition:service:region:account-id:resource`. The resource part may itself contain
//! colons and slashes. In a policy's `Resource` element each of the first five fields may hold
//! `*`/`?` wildcards (the service field may not), and `*` in the resource part spans `/`.

use std::fmt;

use crate::action::glob_match;
use crate::text::{LateBound, Text};

/// The partitions AWS operates.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// A parsed ARN (or ARN pattern) whose fields are plain strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    partition: String,
    service: String,
    region: String,
    account: String,
    resource: String,
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ArnError {
    /// It does not start with `arn:`.
    #[error("`{0}` does not start with `arn:`")]
    #[diagnostic(
        code(rolewright::arn::prefix),
        help("an ARN reads `arn:partition:service:region:account-id:resource`, or use `*`")
    )]
    MissingPrefix(String),
    /// It has fewer than six colon-separated fields.
    #[error("`{0}` has fewer than the six fields of an ARN")]
    #[diagnostic(
        code(rolewright::arn::fields),
        help("an ARN reads `arn:partition:service:region:account-id:resource`")
    )]
    MissingFields(String),
    /// The resource field is empty.
    #[error("`{0}` has an empty resource part")]
    #[diagnostic(code(rolewright::arn::resource))]
    EmptyResource(String),
}

impl Arn {
    /// Parses `arn:partition:service:region:account:resource`. Only the shape is checked here;
    /// the validator checks partitions, accounts and per-service formats.
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        let rest = s
            .strip_prefix("arn:")
            .ok_or_else(|| ArnError::MissingPrefix(s.to_owned()))?;
        let mut it = rest.splitn(5, ':');
        let mut next = || it.next().map(str::to_owned);
        match (next(), next(), next(), next(), next()) {
            (Some(partition), Some(service), Some(region), Some(account), Some(resource)) => {
                if resource.is_empty() {
                    return Err(ArnError::EmptyResource(s.to_owned()));
                }
                Ok(Arn {
                    partition,
                    service,
                    region,
                    account,
                    resource,
                })
            }
            _ => Err(ArnError::MissingFields(s.to_owned())),
        }
    }

    /// Builds an ARN from its fields.
    pub fn new(
        partition: impl Into<String>,
        service: impl Into<String>,
        region: impl Into<String>,
        account: impl Into<String>,
        resource: impl Into<String>,
    ) -> Arn {
        Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        }
    }

    /// The partition field.
    pub fn partition(&self) -> &str {
        &self.partition
    }
    /// The service field.
    pub fn service(&self) -> &str {
        &self.service
    }
    /// The region field (empty for global services such as IAM and S3).
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The account field (empty for S3 buckets and objects).
    pub fn account(&self) -> &str {
        &self.account
    }
    /// The resource part: everything after the fifth colon.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Whether this ARN, read as a pattern, matches `other` the way IAM matches a `Resource`
    /// entry: field by field, case-sensitively, with `*` and `?` wildcards.
    pub fn matches(&self, other: &Arn) -> bool {
        glob_match(&self.partition, &other.partition)
            && glob_match(&self.service, &other.service)
            && glob_match(&self.region, &other.region)
            && glob_match(&self.account, &other.account)
            && glob_match(&self.resource, &other.resource)
    }

    /// Whether the pattern `pattern` (a `Resource` entry, `*` included) matches the ARN string `arn`.
    pub fn pattern_matches(pattern: &str, arn: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        match (Arn::parse(pattern), Arn::parse(arn)) {
            (Ok(p), Ok(a)) => p.matches(&a),
            _ => false,
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl std::str::FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arn::parse(s)
    }
}

impl From<Arn> for Text {
    fn from(a: Arn) -> Self {
        Text::literal(a.to_string())
    }
}

/// An ARN whose fields may be late-bound: the partition and account of the target account,
/// most often. Converts into a [`Text`] for use in policies.
///
/// ```
/// use iam_model::ArnTemplate;
/// let roles = ArnTemplate::iam("role/sym/*");
/// assert_eq!(roles.to_text().to_string(), "arn:{{partition}}:iam::{{account_id}}:role/sym/*");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArnTemplate {
    /// The partition; the target account's partition by default.
    pub partition: Text,
    /// The service prefix.
    pub service: String,
    /// The region; empty for global services.
    pub region: Text,
    /// The account id; empty for S3.
    pub account: Text,
    /// The resource part.
    pub resource: Text,
}

impl ArnTemplate {
    /// An ARN of `service` in the current partition, region and account.
    pub fn regional(service: impl Into<String>, resource: impl Into<Text>) -> Self {
        ArnTemplate {
            partition: LateBound::Partition.into(),
            service: service.into(),
            region: LateBound::Region.into(),
            account: LateBound::current_account().into(),
            resource: resource.into(),
        }
    }

    /// An IAM ARN (no region) in the current partition and account, e.g. `role/sym/*`.
    pub fn iam(resource: impl Into<Text>) -> Self {
        ArnTemplate {
            partition: LateBound::Partition.into(),
            service: "iam".into(),
            region: Text::new(),
            account: LateBound::current_account().into(),
            resource: resource.into(),
        }
    }

    /// An S3 bucket or object ARN (no region, no account) in the current partition.
    pub fn s3(resource: impl Into<Text>) -> Self {
        ArnTemplate {
            partition: LateBound::Partition.into(),
            service: "s3".into(),
            region: Text::new(),
            account: Text::new(),
            resource: resource.into(),
        }
    }

    /// Replaces the account.
    pub fn in_account(mut self, account: impl Into<Text>) -> Self {
        self.account = account.into();
        self
    }

    /// Replaces the region.
    pub fn in_region(mut self, region: impl Into<Text>) -> Self {
        self.region = region.into();
        self
    }

    /// Replaces the partition.
    pub fn in_partition(mut self, partition: impl Into<Text>) -> Self {
        self.partition = partition.into();
        self
    }

    /// The ARN as a text.
    pub fn to_text(&self) -> Text {
        Text::from("arn:")
            .then(&self.partition)
            .then(":")
            .then(self.service.as_str())
            .then(":")
            .then(&self.region)
            .then(":")
            .then(&self.account)
            .then(":")
            .then(&self.resource)
    }
}

impl From<ArnTemplate> for Text {
    fn from(a: ArnTemplate) -> Self {
        a.to_text()
    }
}

impl From<&ArnTemplate> for Text {
    fn from(a: &ArnTemplate) -> Self {
        a.to_text()
    }
}

/// `arn:partition:service:region:account:resource`, split at the first five colons (the
/// resource keeps any further ones), without copying; `None` when it is not shaped so.
pub(crate) fn split_fields(s: &str) -> Option<[&str; 6]> {
    let rest = s.strip_prefix("arn:")?;
    let mut out = ["arn", "", "", "", "", ""];
    let (mut start, mut field) = (0usize, 1usize);
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b == b':' {
            *out.get_mut(field)? = rest.get(start..i)?;
            field += 1;
            start = i + 1;
            if field == 5 {
                break;
            }
        }
    }
    if field < 5 {
        return None;
    }
    out[5] = rest.get(start..)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for s in [
            "arn:aws:s3:::bucket/key/with:colon",
            "arn:aws:iam::123456789012:role/sym/SymRuntimeProd",
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/*",
        ] {
            assert_eq!(Arn::parse(s).unwrap().to_string(), s);
        }
        assert!(matches!(
            Arn::parse("s3:::b"),
            Err(ArnError::MissingPrefix(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3"),
            Err(ArnError::MissingFields(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3:::"),
            Err(ArnError::EmptyResource(_))
        ));
    }

    #[test]
    fn matching() {
        assert!(Arn::pattern_matches(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/x/y"
        ));
        assert!(!Arn::pattern_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(Arn::pattern_matches(
            "arn:*:iam::*:role/sym/*",
            "arn:aws:iam::1:role/sym/a"
        ));
        assert!(Arn::pattern_matches("*", "anything"));
    }
}
