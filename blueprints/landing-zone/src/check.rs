//! Input checks: each rejects a bad input with the input's name, the offending value in
//! backticks and a help line, before any IAM object is built, so that a mistake is reported
//! against what the user wrote rather than against a rendered policy.

use blueprint_kit::BlueprintError;

pub(crate) use blueprint_kit::check::{
    account_id, issuer_host_path, role_name, thumbprint, unknown_reference,
};

/// The name prefix: it starts IAM role names and the DynamoDB table name, so it keeps to the
/// characters both accept.
pub(crate) fn name_prefix(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        return Ok(());
    }
    Err(BlueprintError::input(
        input,
        format!("`{value}` cannot start IAM role and DynamoDB table names"),
    )
    .with_help("use 1 to 40 letters, digits and `_.-`, e.g. `foundation`"))
}

/// The state bucket's unique prefix: the bucket is `<prefix>-tfstate`, so the prefix follows
/// S3's bucket naming rules with room for the suffix.
pub(crate) fn bucket_prefix(input: &str, value: &str) -> Result<(), BlueprintError> {
    let bytes = value.as_bytes();
    let ok = (2..=55).contains(&bytes.len())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && bytes
            .first()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && !value.contains("..")
        && !value.ends_with('.');
    if ok {
        return Ok(());
    }
    Err(BlueprintError::input(
        input,
        format!("`{value}-tfstate` is not a valid S3 bucket name"),
    )
    .with_help(
        "use 2 to 55 lowercase letters, digits, `-` and `.`, starting with a letter or digit",
    ))
}

/// An AWS region name such as `ap-southeast-2` or `us-gov-west-1`.
pub(crate) fn region(input: &str, value: &str) -> Result<(), BlueprintError> {
    let parts: Vec<&str> = value.split('-').collect();
    let ok = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        return Ok(());
    }
    Err(
        BlueprintError::input(input, format!("`{value}` is not an AWS region"))
            .with_help("write the region code, e.g. `ap-southeast-2`"),
    )
}

/// A key prefix in the state bucket (`foundation`, `workloads/prod`): no leading or trailing
/// slash, and no character IAM would read as a wildcard or a policy variable.
pub(crate) fn state_prefix(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = !value.is_empty()
        && !value.starts_with('/')
        && !value.ends_with('/')
        && !value.contains("//")
        && value
            .chars()
            .all(|c| ('\u{21}'..='\u{7E}').contains(&c) && !"*?$".contains(c));
    if ok {
        return Ok(());
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a state key prefix"))
        .with_help("write the prefix without surrounding slashes and without `*`, `?` or `$`, e.g. `foundation`"))
}

/// An external id as STS accepts it: 2 to 1,224 characters of `\w+=,.@:/-`.
pub(crate) fn external_id(input: &str, value: &str) -> Result<(), BlueprintError> {
    let ok = (2..=1224).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if ok {
        return Ok(());
    }
    Err(BlueprintError::input(
        input,
        format!("`{value}` is not an external id STS accepts"),
    )
    .with_help(
        "use 2 to 1,224 letters, digits and `_+=,.@:/-`; leave it out to have one generated",
    ))
}

/// A value of a Git provider's claim (a repository, project, branch or environment): non-empty,
/// printable, without the characters that would change what a `StringLike` pattern matches
/// unless `wildcards` allows them.
pub(crate) fn claim_part(
    input: &str,
    value: &str,
    what: &str,
    wildcards: bool,
) -> Result<(), BlueprintError> {
    let ok = !value.is_empty()
        && value.chars().all(|c| {
            ('\u{21}'..='\u{7E}').contains(&c) && c != '$' && (wildcards || !"*?".contains(c))
        });
    if ok {
        return Ok(());
    }
    let help = if wildcards {
        "use printable characters without spaces or `$`; `*` matches any run of characters"
    } else {
        "name it exactly, without spaces, `$` or the wildcards `*` and `?`"
    };
    Err(BlueprintError::input(input, format!("`{value}` is not a valid {what}")).with_help(help))
}

/// A Bitbucket UUID with or without its braces; returns it with braces, as the tokens carry it
/// (case kept: `StringLike` compares case-sensitively and the user copied it from Bitbucket).
pub(crate) fn bitbucket_uuid(input: &str, value: &str) -> Result<String, BlueprintError> {
    let bare = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(value);
    let groups: Vec<&str> = bare.split('-').collect();
    let ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        return Ok(format!("{{{bare}}}"));
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a Bitbucket UUID"))
        .with_help("copy it from Repository settings → OpenID Connect, e.g. `{a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_accept_and_reject() {
        assert!(name_prefix("p", "foundation").is_ok());
        assert!(name_prefix("p", "found@tion").is_err());
        assert!(bucket_prefix("u", "uniqueprefix-trustypangolin").is_ok());
        assert!(bucket_prefix("u", "Upper").is_err());
        assert!(bucket_prefix("u", "-x").is_err());
        assert!(region("r", "ap-southeast-2").is_ok());
        assert!(region("r", "us-gov-west-1").is_ok());
        assert!(region("r", "sydney").is_err());
        assert!(region("r", "ap-southeast-").is_err());
        assert!(state_prefix("s", "foundation").is_ok());
        assert!(state_prefix("s", "workloads/prod").is_ok());
        assert!(state_prefix("s", "/foundation").is_err());
        assert!(state_prefix("s", "found*").is_err());
        assert!(external_id("e", "123Prod456").is_ok());
        assert!(external_id("e", "x").is_err());
        assert!(external_id("e", "has space").is_err());
        assert!(claim_part("c", "acme/infra", "repository", false).is_ok());
        assert!(claim_part("c", "acme/*", "repository", false).is_err());
        assert!(claim_part("c", "release/*", "branch", true).is_ok());
        assert!(claim_part("c", "", "branch", true).is_err());
        assert_eq!(
            bitbucket_uuid("b", "a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6").unwrap(),
            "{a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6}"
        );
        assert!(bitbucket_uuid("b", "{a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6}").is_ok());
        assert!(bitbucket_uuid("b", "not-a-uuid").is_err());
    }
}
