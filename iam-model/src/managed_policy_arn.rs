//! Managed policy ARNs: the one place that knows what ARN a role can attach
//! (`arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME`, the account `aws` for AWS managed policies
//! or a 12-digit id, no wildcards).

use std::fmt;
use std::str::FromStr;

use crate::account_id::AccountId;
use crate::arn::Arn;

/// The ARN of a managed policy (AWS managed or customer managed), checked when made.
///
/// ```
/// use iam_model::ManagedPolicyArn;
/// assert!(ManagedPolicyArn::is_valid("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
/// assert!(ManagedPolicyArn::is_valid("arn:aws:iam::123456789012:policy/x"));
/// assert!(!ManagedPolicyArn::is_valid("arn:aws:iam::aws:role/x"));
/// assert!(!ManagedPolicyArn::is_valid("ViewOnlyAccess"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ManagedPolicyArn(String);

impl ManagedPolicyArn {
    /// True when `s` is a managed policy ARN.
    pub fn is_valid(s: &str) -> bool {
        Arn::parse(s).is_ok_and(|a| {
            !a.partition().is_empty()
                && a.service() == "iam"
                && a.region().is_empty()
                && (a.account() == "aws" || AccountId::is_valid(a.account()))
                && a.resource().strip_prefix("policy/").is_some_and(|name| {
                    !name.is_empty() && !name.ends_with('/') && !name.contains(['*', '?'])
                })
        })
    }

    /// `s` as a managed policy ARN, or why it is not one.
    pub fn parse(s: &str) -> Result<Self, InvalidManagedPolicyArn> {
        if Self::is_valid(s) {
            Ok(ManagedPolicyArn(s.to_owned()))
        } else {
            Err(InvalidManagedPolicyArn {
                value: s.to_owned(),
            })
        }
    }

    /// The ARN.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A value that is not a managed policy ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("`{value}` is not a managed policy ARN")]
#[diagnostic(
    code(rolewright::managed_policy_arn),
    help("write the full ARN, e.g. `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`")
)]
pub struct InvalidManagedPolicyArn {
    /// The rejected value.
    pub value: String,
}

impl FromStr for ManagedPolicyArn {
    type Err = InvalidManagedPolicyArn;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ManagedPolicyArn::parse(s)
    }
}

impl fmt::Display for ManagedPolicyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ManagedPolicyArn {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<ManagedPolicyArn> for crate::Text {
    fn from(arn: ManagedPolicyArn) -> Self {
        crate::Text::literal(arn.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_role_can_attach() {
        for ok in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws-us-gov:iam::123456789012:policy/team/x",
        ] {
            assert!(ManagedPolicyArn::is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "arn:aws:iam::aws:policy/",
            "arn:aws:iam::aws:policy/dir/",
            "arn:aws:iam::12345:policy/x",
            "arn:aws:iam::aws:policy/*",
            "arn:aws:iam:eu-west-1:aws:policy/x",
            "arn:aws:s3:::policy/x",
            "arn::iam::aws:policy/x",
        ] {
            assert!(!ManagedPolicyArn::is_valid(bad), "{bad}");
            assert_eq!(
                ManagedPolicyArn::parse(bad).err().map(|e| e.to_string()),
                Some(format!("`{bad}` is not a managed policy ARN"))
            );
        }
    }
}
