//! Principals: who a trust or resource policy statement is about.

use std::collections::BTreeMap;
use std::fmt;

use crate::text::Text;

/// The kinds of principal a `Principal` map may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, assumed-role sessions, or `*`.
    Aws,
    /// `Service`: AWS service principals such as `ec2.amazonaws.com`.
    Service,
    /// `Federated`: SAML or OIDC providers, or IdP domains such as `accounts.google.com`.
    Federated,
    /// `CanonicalUser`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// Every kind, in canonical output order.
    pub const ALL: [PrincipalKind; 4] = [
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ];

    /// The JSON key: `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    /// The kind for a JSON key (case-sensitive, as IAM reads it).
    pub fn from_key(key: &str) -> Option<PrincipalKind> {
        PrincipalKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The value of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"`: everyone, anonymous callers included.
    Any,
    /// `{"AWS": [...], "Service": [...], ...}`.
    Map(BTreeMap<PrincipalKind, Vec<Text>>),
}

impl Principal {
    /// `{"AWS": [values]}`: accounts, users or roles.
    pub fn aws<T: Into<Text>>(values: impl IntoIterator<Item = T>) -> Principal {
        Principal::of(PrincipalKind::Aws, values)
    }

    /// `{"Service": [values]}`.
    pub fn service<T: Into<Text>>(values: impl IntoIterator<Item = T>) -> Principal {
        Principal::of(PrincipalKind::Service, values)
    }

    /// `{"Federated": [values]}`.
    pub fn federated<T: Into<Text>>(values: impl IntoIterator<Item = T>) -> Principal {
        Principal::of(PrincipalKind::Federated, values)
    }

    /// A map with one kind.
    pub fn of<T: Into<Text>>(
        kind: PrincipalKind,
        values: impl IntoIterator<Item = T>,
    ) -> Principal {
        let mut map = BTreeMap::new();
        map.insert(kind, values.into_iter().map(Into::into).collect());
        Principal::Map(map)
    }

    /// Adds values of `kind` to a map principal (turning `Any` into a map is not done:
    /// `Any` already covers everyone).
    pub fn and<T: Into<Text>>(
        mut self,
        kind: PrincipalKind,
        values: impl IntoIterator<Item = T>,
    ) -> Principal {
        if let Principal::Map(map) = &mut self {
            map.entry(kind)
                .or_default()
                .extend(values.into_iter().map(Into::into));
        }
        self
    }

    /// The values of one kind (empty for `Any` or an absent kind).
    pub fn values(&self, kind: PrincipalKind) -> &[Text] {
        match self {
            Principal::Any => &[],
            Principal::Map(m) => m.get(&kind).map(Vec::as_slice).unwrap_or(&[]),
        }
    }

    /// Every `(kind, value)` pair.
    pub fn entries(&self) -> impl Iterator<Item = (PrincipalKind, &Text)> {
        let map = match self {
            Principal::Any => None,
            Principal::Map(m) => Some(m),
        };
        map.into_iter()
            .flat_map(|m| m.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (*k, v))))
    }

    /// True for `"*"` or an `AWS` value of `*`: a principal that includes anonymous callers or
    /// any AWS account.
    pub fn is_public(&self) -> bool {
        match self {
            Principal::Any => true,
            Principal::Map(m) => m
                .get(&PrincipalKind::Aws)
                .is_some_and(|vs| vs.iter().any(|v| v.as_literal().is_some_and(|s| s == "*"))),
        }
    }
}

/// Normalizes an AWS principal value the way IAM stores it: a bare 12-digit account id becomes
/// `arn:aws:iam::ACCOUNT:root`.
pub fn normalize_aws_principal(value: &str) -> String {
    if crate::AccountId::is_valid(value) {
        format!("arn:aws:iam::{value}:root")
    } else {
        value.to_owned()
    }
}

/// The account id an AWS principal value names, when it names one: a 12-digit id or any IAM
/// ARN's account field.
pub fn principal_account(value: &str) -> Option<&str> {
    if crate::AccountId::is_valid(value) {
        return Some(value);
    }
    let rest = value.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let _partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    (matches!(service, "iam" | "sts") && !account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_and_queries() {
        let p = Principal::aws(["123456789012"]).and(PrincipalKind::Service, ["ec2.amazonaws.com"]);
        assert_eq!(p.values(PrincipalKind::Aws).len(), 1);
        assert_eq!(p.entries().count(), 2);
        assert!(!p.is_public());
        assert!(Principal::aws(["*"]).is_public());
        assert!(Principal::Any.is_public());
    }

    #[test]
    fn account_normalization() {
        assert_eq!(
            normalize_aws_principal("123456789012"),
            "arn:aws:iam::123456789012:root"
        );
        assert_eq!(
            normalize_aws_principal("arn:aws:iam::1:role/x"),
            "arn:aws:iam::1:role/x"
        );
        assert_eq!(
            principal_account("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(
            principal_account("arn:aws:sts::111122223333:assumed-role/a/b"),
            Some("111122223333")
        );
        assert_eq!(principal_account("*"), None);
    }
}
