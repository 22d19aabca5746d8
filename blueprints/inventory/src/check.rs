//! Input checks: each rejects a bad input with the input's name, the offending value in
//! backticks and a help line, before any IAM object is built, so that a mistake is reported
//! against what the user wrote rather than against a rendered policy.

use blueprint_kit::BlueprintError;

pub(crate) use blueprint_kit::check::{account_id, issuer_host_path, role_name, thumbprint};

/// An IAM path: `/`, or `/`-delimited segments of printable ASCII, at most 512 characters.
pub(crate) fn iam_path(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = value == "/"
        || (value.len() >= 3
            && value.len() <= 512
            && value.starts_with('/')
            && value.ends_with('/')
            && !value.contains("//")
            && value.chars().all(|c| ('\u{21}'..='\u{7E}').contains(&c)));
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a valid IAM path"))
            .with_help("a path is `/` or starts and ends with `/`, e.g. `/managed/`"),
    )
}

/// An S3 bucket name: 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with
/// a letter or digit.
pub(crate) fn bucket_name(input: &str, value: &str) -> Result<(), BlueprintError> {
    let b = value.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = (3..=63).contains(&b.len())
        && b.iter().all(|c| edge(c) || *c == b'.' || *c == b'-')
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
        && !value.contains("..");
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a valid S3 bucket name"))
            .with_help("use 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit"),
    )
}

/// A statement Sid: IAM accepts letters and digits only.
pub(crate) fn sid(input: &str, value: &str) -> Result<(), BlueprintError> {
    if value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a valid Sid"))
            .with_help("a Sid holds letters and digits only, e.g. `AssumeRole`"),
    )
}

/// An EKS cluster name: 1 to 100 letters, digits, `-` and `_`, starting with a letter or digit.
pub(crate) fn cluster_name(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = (1..=100).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not an EKS cluster name")).with_help(
            "use 1 to 100 letters, digits, `-` and `_`, starting with a letter or digit",
        ),
    )
}

/// A Kubernetes namespace: an RFC 1123 label.
pub(crate) fn k8s_label(input: &str, value: &str) -> Result<(), BlueprintError> {
    if is_dns_label(value) {
        return Ok(());
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a valid Kubernetes namespace"))
        .with_help("use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"))
}

/// A Kubernetes service account name: an RFC 1123 subdomain.
pub(crate) fn k8s_subdomain(input: &str, value: &str) -> Result<(), BlueprintError> {
    if !value.is_empty() && value.len() <= 253 && value.split('.').all(is_dns_label) {
        return Ok(());
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a valid Kubernetes service account name"))
        .with_help("use at most 253 lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit"))
}

fn is_dns_label(s: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|&b| alnum(b) || b == b'-')
        && bytes.first().copied().is_some_and(alnum)
        && bytes.last().copied().is_some_and(alnum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert!(iam_path("p", "/").is_ok());
        assert!(iam_path("p", "/managed/").is_ok());
        assert!(iam_path("p", "managed/").is_err());
        assert!(iam_path("p", "/managed").is_err());
        assert!(iam_path("p", "//").is_err());
        assert!(k8s_label("n", "inventory").is_ok());
        assert!(k8s_label("n", "Inventory").is_err());
        assert!(k8s_label("n", "-inv").is_err());
        assert!(k8s_subdomain("s", "aws-inventory-runner-sa").is_ok());
        assert!(k8s_subdomain("s", "a..b").is_err());
    }
}
