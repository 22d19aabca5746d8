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
