//! The AWS managed policies the trust graph knows the documents of, vendored from AWS's
//! managed policy reference (`aws-managed/SOURCE.md`).

use crate::policy::PolicyDocument;

/// `(ARN, document)` of each vendored policy.
const POLICIES: &[(&str, &str)] = &[
    (
        "arn:aws:iam::aws:policy/AdministratorAccess",
        include_str!("aws-managed/AdministratorAccess.json"),
    ),
    (
        "arn:aws:iam::aws:policy/PowerUserAccess",
        include_str!("aws-managed/PowerUserAccess.json"),
    ),
];

/// The document of the AWS managed policy `arn`, in any partition, when it is vendored.
pub(crate) fn document(arn: &str) -> Option<PolicyDocument> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, rest) = rest.split_once(':')?;
    let wanted = format!("arn:aws:{rest}");
    POLICIES
        .iter()
        .find(|(a, _)| *a == wanted)
        .and_then(|(_, json)| PolicyDocument::from_json(json).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_document_parses() {
        for (arn, _) in POLICIES {
            assert!(document(arn).is_some(), "{arn}");
        }
        assert!(document("arn:aws-us-gov:iam::aws:policy/AdministratorAccess").is_some());
        assert!(document("arn:aws:iam::aws:policy/ReadOnlyAccess").is_none());
    }
}
