//! Checks of input values that several blueprints share: each rejects a bad value with the
//! input's name, the value in backticks and a help line. A blueprint calls them on inputs
//! built in Rust as well as read from a config, where an `#[input(pattern = ...)]` usually
//! reports the same mistake first, with its line and column.

use iam_model::{AccountId, ManagedPolicyArn};

use crate::BlueprintError;

/// A 12-digit AWS account id, as the [`AccountId`] the deployment carries from here on.
pub fn account_id(input: &str, value: &str) -> Result<AccountId, BlueprintError> {
    AccountId::parse(value).map_err(|e| {
        BlueprintError::input(input, e.to_string()).with_help(
            "write the account id as a string of exactly 12 digits, e.g. \"123456789012\"",
        )
    })
}

/// A managed policy ARN (AWS managed or customer managed).
pub fn managed_policy_arn(input: &str, value: &str) -> Result<ManagedPolicyArn, BlueprintError> {
    ManagedPolicyArn::parse(value).map_err(|e| {
        BlueprintError::input(input, e.to_string()).with_help(
            "write the full ARN, e.g. `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`",
        )
    })
}

/// The error for a reference between inputs that does not resolve: `value`, written at
/// `input`, should name one of `known` (`what` says which: "a team of `teams_config`"). The
/// help suggests the nearest known name, or lists a few. Callers test membership themselves
/// (in their map or set, in constant or logarithmic time) and call this only on a miss.
pub fn unknown_reference<'a>(
    input: &str,
    value: &str,
    what: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> BlueprintError {
    let known: Vec<&str> = known.into_iter().collect();
    let help = match iam_model::suggest::nearest(value, known.iter().copied(), 1).first() {
        Some(near) => format!("did you mean `{near}`?"),
        None if known.is_empty() => "nothing it could name is defined yet".to_owned(),
        None => {
            const SHOWN: usize = 8;
            let mut list: Vec<String> =
                known.iter().take(SHOWN).map(|k| format!("`{k}`")).collect();
            if known.len() > SHOWN {
                list.push(format!("and {} more", known.len() - SHOWN));
            }
            format!("use one of {}", list.join(", "))
        }
    };
    BlueprintError::input(input, format!("`{value}` is not {what}")).with_help(help)
}

/// An IAM role name: 1 to 64 letters, digits and `_+=,.@-`.
pub fn role_name(input: &str, value: &str) -> Result<(), BlueprintError> {
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

/// An OIDC issuer: `https://host/path` or `host/path`. Returns the host and path without the
/// scheme and trailing slash — the form IAM puts in the provider ARN and in the claim condition
/// keys (`oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub`).
pub fn issuer_host_path(input: &str, value: &str) -> Result<String, BlueprintError> {
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
pub fn thumbprint(input: &str, value: &str) -> Result<(), BlueprintError> {
    if value.len() == 40 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(BlueprintError::input(input, format!("`{value}` is not a certificate thumbprint"))
        .with_help("a thumbprint is the SHA-1 of the issuer's top intermediate certificate as 40 hexadecimal characters; leave the list empty to let IAM trust the issuer's CA"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_references_suggest_the_nearest_name() {
        let e = unknown_reference(
            "a.trusted[0]",
            "admn",
            "a team of `teams`",
            ["admin", "viewer"],
        );
        assert_eq!(
            e.to_string(),
            "invalid input `a.trusted[0]`: `admn` is not a team of `teams`"
        );
        assert_eq!(e.report("c.yaml"), "c.yaml: input `a.trusted[0]`: `admn` is not a team of `teams`\n  help: did you mean `admin`?");
        let far: Vec<String> = (0..10).map(|i| format!("team{i}")).collect();
        let e = unknown_reference(
            "x",
            "zzzzzzzzzzzz",
            "a team",
            far.iter().map(String::as_str),
        );
        assert!(e.report("c").ends_with("help: use one of `team0`, `team1`, `team2`, `team3`, `team4`, `team5`, `team6`, `team7`, and 2 more"), "{}", e.report("c"));
        let e = unknown_reference("x", "a", "an account", []);
        assert!(e
            .report("c")
            .ends_with("help: nothing it could name is defined yet"));
    }

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
    fn accounts_names_and_thumbprints() {
        assert!(account_id("a", "123456789012").is_ok());
        assert!(account_id("a", "12345678901").is_err());
        assert!(account_id("a", "12345678901x").is_err());
        assert!(role_name("r", "Inventory-Runner").is_ok());
        assert!(role_name("r", "").is_err());
        assert!(role_name("r", &"a".repeat(65)).is_err());
        assert!(role_name("r", "a/b").is_err());
        assert!(thumbprint("t", "9E99A48A9960B14926BB7F3B02E22DA2B0AB7280").is_ok());
        assert!(thumbprint("t", "9E99A48A").is_err());
        let e = account_id("member_account_ids[1]", "33")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "invalid input `member_account_ids[1]`: `33` is not a 12-digit AWS account id"
        );
    }
}
