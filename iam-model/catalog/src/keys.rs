//! Condition-key types, the global `aws:` keys and the identity-provider claim keys.

use std::fmt;

use crate::generated;
use crate::text::{cmp_ignore_ascii_case, is_template, template_matches};

/// The type of a condition key, as the Service Authorization Reference gives it.
///
/// `ArrayOf…` types are multivalued: a request can carry several values, and policies must
/// use `ForAllValues:`/`ForAnyValue:` with them ([`ConditionKeyType::is_multivalued`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConditionKeyType {
    /// `String`.
    String,
    /// `ArrayOfString` (multivalued).
    ArrayOfString,
    /// `ARN`.
    Arn,
    /// `ArrayOfARN` (multivalued).
    ArrayOfArn,
    /// `Numeric`.
    Numeric,
    /// `ArrayOfNumeric` (multivalued).
    ArrayOfNumeric,
    /// `Date`.
    Date,
    /// `ArrayOfDate` (multivalued).
    ArrayOfDate,
    /// `Bool`.
    Bool,
    /// `ArrayOfBool` (multivalued).
    ArrayOfBool,
    /// `IPAddress`.
    IpAddress,
    /// `ArrayOfIPAddress` (multivalued).
    ArrayOfIpAddress,
    /// `Binary`.
    Binary,
    /// `ArrayOfBinary` (multivalued).
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// Every type, single-valued and multivalued.
    pub const ALL: [Self; 14] = [
        Self::String,
        Self::ArrayOfString,
        Self::Arn,
        Self::ArrayOfArn,
        Self::Numeric,
        Self::ArrayOfNumeric,
        Self::Date,
        Self::ArrayOfDate,
        Self::Bool,
        Self::ArrayOfBool,
        Self::IpAddress,
        Self::ArrayOfIpAddress,
        Self::Binary,
        Self::ArrayOfBinary,
    ];

    /// Whether the key can carry several values (`ArrayOf…`).
    pub const fn is_multivalued(self) -> bool {
        matches!(
            self,
            Self::ArrayOfString
                | Self::ArrayOfArn
                | Self::ArrayOfNumeric
                | Self::ArrayOfDate
                | Self::ArrayOfBool
                | Self::ArrayOfIpAddress
                | Self::ArrayOfBinary
        )
    }

    /// The type of one value: `ArrayOfArn` → `Arn`; single-valued types are returned as is.
    pub const fn scalar(self) -> Self {
        match self {
            Self::ArrayOfString => Self::String,
            Self::ArrayOfArn => Self::Arn,
            Self::ArrayOfNumeric => Self::Numeric,
            Self::ArrayOfDate => Self::Date,
            Self::ArrayOfBool => Self::Bool,
            Self::ArrayOfIpAddress => Self::IpAddress,
            Self::ArrayOfBinary => Self::Binary,
            other => other,
        }
    }

    /// The name as AWS spells it (`ArrayOfARN`, `IPAddress`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::ArrayOfString => "ArrayOfString",
            Self::Arn => "ARN",
            Self::ArrayOfArn => "ArrayOfARN",
            Self::Numeric => "Numeric",
            Self::ArrayOfNumeric => "ArrayOfNumeric",
            Self::Date => "Date",
            Self::ArrayOfDate => "ArrayOfDate",
            Self::Bool => "Bool",
            Self::ArrayOfBool => "ArrayOfBool",
            Self::IpAddress => "IPAddress",
            Self::ArrayOfIpAddress => "ArrayOfIPAddress",
            Self::Binary => "Binary",
            Self::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Parses the AWS spelling ([`ConditionKeyType::as_str`]), ignoring ASCII case.
    pub fn from_aws_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A global condition key (`aws:SourceIp`, `aws:PrincipalTag/${TagKey}`), available in
/// every service's policies.
///
/// Templated keys (`aws:ResourceTag/${TagKey}`, `aws:RequestTag/${TagKey}`,
/// `aws:PrincipalTag/${TagKey}`) stand for every key with that prefix and a non-empty tag
/// key; [`global_condition_key`] resolves `aws:ResourceTag/team` to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct GlobalConditionKey {
    /// The key as AWS spells it.
    pub name: &'static str,
    /// Its type.
    pub key_type: ConditionKeyType,
    /// Whether it is multivalued (aws:TagKeys, aws:CalledVia, the `…OrgPaths` keys,
    /// aws:PrincipalServiceNamesList): policies must use a set qualifier with it.
    pub multivalued: bool,
}

impl GlobalConditionKey {
    /// The key as AWS spells it.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Its type.
    pub const fn key_type(&self) -> ConditionKeyType {
        self.key_type
    }

    /// Whether it is multivalued.
    pub const fn is_multivalued(&self) -> bool {
        self.multivalued
    }

    /// Whether the name is a template (`aws:ResourceTag/${TagKey}`).
    pub fn is_template(&self) -> bool {
        is_template(self.name)
    }

    /// The fixed part of a templated key (`aws:ResourceTag/`), or the whole name.
    pub fn template_prefix(&self) -> &'static str {
        self.name.split("${").next().unwrap_or(self.name)
    }

    /// Whether `key` is this key, or an instance of this template, ignoring ASCII case.
    pub fn matches(&self, key: &str) -> bool {
        template_matches(self.name, key)
    }
}

/// An identity-provider claim key that no service owns: OIDC claims such as
/// `token.actions.githubusercontent.com:sub` or `accounts.google.com:aud`, Cognito's
/// `cognito-identity.amazonaws.com:amr`, and SAML's `saml:aud`. They are valid in trust
/// policies of `sts:AssumeRoleWith…` calls from the matching federated principal.
///
/// Some providers are templates (`agent.${Domain}.buildkite.dev`,
/// `token.actions.${Domain}.ghe.com`). Generic `<oidc-host>:aud|sub|amr` keys of providers
/// the catalog does not list are for the validator to handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IdpConditionKey {
    /// The key as AWS spells it (`token.actions.githubusercontent.com:sub`).
    pub name: &'static str,
    /// Its type.
    pub key_type: ConditionKeyType,
    /// The provider part, before the `:` (`token.actions.githubusercontent.com`, `saml`).
    pub provider: &'static str,
}

impl IdpConditionKey {
    /// The key as AWS spells it.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Its type.
    pub const fn key_type(&self) -> ConditionKeyType {
        self.key_type
    }

    /// The provider part (`accounts.google.com`, `saml`).
    pub const fn provider(&self) -> &'static str {
        self.provider
    }

    /// Whether it is multivalued (some SAML attributes are).
    pub const fn is_multivalued(&self) -> bool {
        self.key_type.is_multivalued()
    }

    /// Whether the name is a template (`agent.${Domain}.buildkite.dev:pipeline_slug`).
    pub fn is_template(&self) -> bool {
        is_template(self.name)
    }

    /// Whether `key` is this key, or an instance of this template, ignoring ASCII case.
    pub fn matches(&self, key: &str) -> bool {
        template_matches(self.name, key)
    }
}

/// Looks up `key` in a table sorted by lowercase name: exact match first, then templates.
fn lookup<T>(
    table: &'static [T],
    key: &str,
    name: impl Fn(&T) -> &'static str,
) -> Option<&'static T> {
    if let Ok(i) = table.binary_search_by(|entry| cmp_ignore_ascii_case(name(entry), key)) {
        return table.get(i);
    }
    // Only templates can match now; for the others `template_matches` is a length check.
    table
        .iter()
        .find(|entry| template_matches(name(entry), key))
}

/// The global condition key `key` (`aws:SourceIp`, `AWS:sourceip`, `aws:ResourceTag/team`),
/// ignoring ASCII case. `aws:ResourceTag` and `aws:ResourceTag/` (no tag key) are not keys.
pub fn global_condition_key(key: &str) -> Option<&'static GlobalConditionKey> {
    lookup(&generated::GLOBAL_CONDITION_KEYS, key, |k| k.name)
}

/// Every global condition key, sorted by lowercase name.
pub fn global_condition_keys() -> &'static [GlobalConditionKey] {
    &generated::GLOBAL_CONDITION_KEYS
}

/// The identity-provider claim key `key` (`token.actions.githubusercontent.com:sub`,
/// `saml:aud`, `agent.acme.buildkite.dev:pipeline_slug`), ignoring ASCII case.
pub fn idp_condition_key(key: &str) -> Option<&'static IdpConditionKey> {
    lookup(&generated::IDP_CONDITION_KEYS, key, |k| k.name)
}

/// Every identity-provider claim key, sorted by lowercase name.
pub fn idp_condition_keys() -> &'static [IdpConditionKey] {
    &generated::IDP_CONDITION_KEYS
}

/// Whether `key` is the condition key `defined` (ignoring ASCII case), or an instance of it
/// when `defined` is a template: each `${…}` or `<…>` placeholder stands for one or more
/// characters (`s3:ResourceTag/${TagKey}` matches `s3:ResourceTag/team`). Placeholders
/// before the first `:` do not match `:`.
pub fn condition_key_matches(defined: &str, key: &str) -> bool {
    template_matches(defined, key)
}
