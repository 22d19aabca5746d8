//! AWS account ids: the one place that knows an account id is exactly 12 ASCII digits.
//!
//! A value is checked once, where it enters (a config, a flag, a caller identity), and travels
//! as an [`AccountId`] after that; code that only needs to recognise an account id inside
//! other text (a principal, an ARN's account field) asks [`AccountId::is_valid`].

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

/// A 12-digit AWS account id, checked when made.
///
/// ```
/// use iam_model::AccountId;
/// let id: AccountId = "123456789012".parse().unwrap();
/// assert_eq!(id.as_str(), "123456789012");
/// assert!("12345678901".parse::<AccountId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    /// True when `s` is an account id: exactly 12 ASCII digits.
    pub fn is_valid(s: &str) -> bool {
        s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
    }

    /// True when `s` is all ASCII digits (and not empty): meant as an account id, whether or
    /// not it has the right length.
    pub fn looks_like(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }

    /// `s` as an account id, or why it is not one.
    pub fn parse(s: &str) -> Result<Self, InvalidAccountId> {
        if Self::is_valid(s) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(InvalidAccountId {
                value: s.to_owned(),
            })
        }
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A value that is not a 12-digit account id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("`{value}` is not a 12-digit AWS account id")]
#[diagnostic(
    code(rolewright::account_id),
    help("write the account id as a string of exactly 12 digits, e.g. \"123456789012\"")
)]
pub struct InvalidAccountId {
    /// The rejected value.
    pub value: String,
}

impl FromStr for AccountId {
    type Err = InvalidAccountId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountId::parse(s)
    }
}

impl TryFrom<String> for AccountId {
    type Error = InvalidAccountId;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if AccountId::is_valid(&s) {
            Ok(AccountId(s))
        } else {
            Err(InvalidAccountId { value: s })
        }
    }
}

impl TryFrom<&str> for AccountId {
    type Error = InvalidAccountId;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        AccountId::parse(s)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for AccountId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AccountId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for AccountId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for AccountId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for AccountId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for AccountId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_twelve_ascii_digits() {
        for ok in ["000000000000", "123456789012"] {
            assert!(AccountId::is_valid(ok));
            assert_eq!(AccountId::parse(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "１２３４５６７８９０１２",
            " 23456789012",
        ] {
            assert!(!AccountId::is_valid(bad), "{bad}");
            let err = AccountId::try_from(bad.to_owned()).unwrap_err();
            assert_eq!(err.value, bad);
            assert_eq!(
                err.to_string(),
                format!("`{bad}` is not a 12-digit AWS account id")
            );
        }
    }
}
