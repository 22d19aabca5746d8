//! Input checks: each rejects a bad input with the input's name, the offending value in
//! backticks and a help line, before any IAM object is built, so that a mistake is reported
//! against what the user wrote rather than against a rendered policy.

use blueprint_kit::BlueprintError;

/// A 12-digit AWS account id.
pub(crate) fn account_id(input: &str, value: &str) -> Result<(), BlueprintError> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a 12-digit AWS account id"))
            .with_help(
                "write the account id as a string of exactly 12 digits, e.g. \"123456789012\"",
            ),
    )
}

/// An IAM role name: 1 to 64 letters, digits and `_+=,.@-`.
pub(crate) fn role_name(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = !value.is_empty()
        && value.chars().count() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a valid IAM role name"))
            .with_help("use 1 to 64 letters, digits and `_+=,.@-`"),
    )
}

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

/// An OIDC issuer: `https://host/path` or `host/path`. Returns the host and path without the
/// scheme and trailing slash — the form IAM puts in the provider ARN and in the claim condition
/// keys (`oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub`).
pub(crate) fn issuer_host_path(input: &str, value: &str) -> Result<String, BlueprintError> {
    let trimmed = value.trim();
    let rest = trimmed.strip_prefix("https://").unwrap_or(trimmed);
    if rest.contains("://") {
        return Err(BlueprintError::input(input, format!("`{value}` is not an https issuer URL"))
            .with_help("OIDC issuers are https URLs, e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`"));
    }
    let host_path = rest.trim_end_matches('/');
    let host = host_path.split('/').next().unwrap_or_default();
    let ok = host.contains('.')
        && !host.starts_with('.')
        && host_path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_~/".contains(c));
    if !ok {
        return Err(BlueprintError::input(input, format!("`{value}` is not an OIDC issuer URL"))
            .with_help("use the cluster's issuer as `aws eks describe-cluster` prints it, e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`"));
    }
    Ok(host_path.to_owned())
}

/// A server certificate thumbprint: 40 hexadecimal characters.
pub(crate) fn thumbprint(input: &str, value: &str) -> Result<(), BlueprintError> {
    if value.len() == 40 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a certificate thumbprint"))
        .with_help("a thumbprint is the SHA-1 of the issuer's top intermediate certificate as 40 hexadecimal characters; leave the list empty to let IAM trust the issuer's CA"))
}

/// A managed policy ARN: `arn:PARTITION:iam::ACCOUNT-OR-aws:policy/...`.
pub(crate) fn policy_arn(input: &str, value: &str) -> Result<(), BlueprintError> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let ok = matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if !partition.is_empty()
            && (*account == "aws" || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
            && resource.starts_with("policy/")
            && resource.len() > "policy/".len());
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not a managed policy ARN")).with_help(
            "write the full ARN, e.g. `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`",
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn issuers_lose_scheme_and_trailing_slash() {
        for v in [
            "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            " https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/ ",
        ] {
            assert_eq!(
                issuer_host_path("i", v).unwrap(),
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
            );
        }
        for v in [
            "http://oidc.example.com",
            "",
            "https://",
            "https://localhost/x",
            "oidc.eks.x.com/id/A B",
            "https://a.b:443/x",
        ] {
            assert!(issuer_host_path("i", v).is_err(), "{v}");
        }
    }

    #[test]
    fn names_and_paths() {
        assert!(role_name("r", "Inventory-Runner").is_ok());
        assert!(role_name("r", "").is_err());
        assert!(role_name("r", &"a".repeat(65)).is_err());
        assert!(role_name("r", "a/b").is_err());
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
        assert!(thumbprint("t", "9E99A48A9960B14926BB7F3B02E22DA2B0AB7280").is_ok());
        assert!(thumbprint("t", "9E99A48A").is_err());
        assert!(policy_arn("p", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").is_ok());
        assert!(policy_arn("p", "arn:aws:iam::123456789012:policy/x").is_ok());
        assert!(policy_arn("p", "arn:aws:iam::aws:role/x").is_err());
        assert!(policy_arn("p", "ViewOnlyAccess").is_err());
        assert!(account_id("a", "123456789012").is_ok());
        assert!(account_id("a", "12345678901").is_err());
    }
}
