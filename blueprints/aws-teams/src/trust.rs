//! The team trust policy: Cloud Posse's `team-assume-role-policy` and `roles-to-principals`
//! modules as aws-teams calls them, plus the GitHub and SAML documents it merges in.
//!
//! The algorithm (original-modules.md §2.4), with `I` the identity account:
//!
//! * a team's `trusted_teams` become the team role ARNs of `I` (sorted; `*` instead means any
//!   role of `I`, written as `I`'s root ARN), followed by the SSO permission-set patterns of
//!   `trusted_permission_sets` and then one `Identity<Team>TeamAccess` permission set per
//!   trusted team;
//! * `RoleAssumeRole` allows them, through `I`'s root principal narrowed by
//!   `aws:PrincipalType` and an `aws:PrincipalArn` `ArnLike` list;
//! * `PrincipalAssumeRole` allows `trusted_role_arns` through their accounts' root principals;
//! * `RoleDenyAssumeRole` always denies the denied teams, permission sets and ARNs plus every
//!   IAM user, except the trusted role ARNs that are not themselves denied;
//! * `OidcProviderAssume` lets the team's `trusted_github_repos` in through GitHub's OIDC
//!   provider, and `SamlProviderAssume` the SAML providers when `aws_saml_login_enabled`.
//!
//! Lists are written the way `aws_iam_policy_document` writes them (actions and principals
//! in descending order, condition values as built), so a rendered policy reads like the
//! original's; IAM compares them as sets anyway.

use blueprint_kit::BlueprintError;
use iam_model::{BaseOperator, Condition, PolicyDocument, Principal, Statement};

use crate::inputs::TeamConfig;
use crate::label::title;

/// The actions of the assume-role statements, in the order the original writes them.
const ASSUME_ACTIONS: [&str; 3] = ["sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRole"];
/// The actions of the GitHub statement.
const GITHUB_ACTIONS: [&str; 2] = ["sts:TagSession", "sts:AssumeRoleWithWebIdentity"];
/// The actions of the SAML statement.
const SAML_ACTIONS: [&str; 3] = [
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithSAML",
];
/// The sign-in endpoints a SAML assertion may be addressed to (aws-saml's list, in its order).
pub const SAML_AUDIENCES: [&str; 4] = [
    "https://signin.aws.amazon.com/saml",
    "https://*.signin.aws.amazon.com/saml",
    "https://signin.amazonaws-us-gov.com/saml",
    "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml",
];
/// GitHub's token issuer, as condition keys name it.
pub const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";

/// What a team's trust policy depends on besides the team's own config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSettings {
    /// The partition (`aws`).
    pub partition: String,
    /// The identity account's id.
    pub identity_account_id: String,
    /// The ARN of a team role in the identity account, `%s` standing for the team name.
    pub role_arn_template: String,
    /// The SAML provider ARNs teams with `aws_saml_login_enabled` trust.
    pub saml_provider_arns: Vec<String>,
    /// The GitHub OIDC provider's ARN, when there is one.
    pub github_oidc_provider_arn: Option<String>,
    /// The organization of GitHub repositories named without one.
    pub trusted_github_org: String,
}

impl TrustSettings {
    /// The ARN of the identity account's role for `team` (account-map's role ARN template).
    pub fn team_role_arn(&self, team: &str) -> String {
        format_template(&self.role_arn_template, team)
    }

    /// An account's root ARN.
    pub fn root_arn(&self, account_id: &str) -> String {
        format!("arn:{}:iam::{account_id}:root", self.partition)
    }

    /// The `ArnLike` pattern of the roles AWS SSO creates in the identity account for a
    /// permission set (with or without a region in the path).
    pub fn permission_set_pattern(&self, permission_set: &str) -> String {
        format!(
            "arn:{}:iam::{}:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_{permission_set}_*",
            self.partition, self.identity_account_id
        )
    }

    /// The principals and permission-set patterns `roles-to-principals` produces for the
    /// identity account's `teams` and `permission_sets`.
    fn principals(
        &self,
        teams: &[String],
        permission_sets: &[String],
    ) -> (Vec<String>, Vec<String>) {
        let principals = if teams.iter().any(|t| t == "*") {
            vec![self.root_arn(&self.identity_account_id)]
        } else {
            // Built as a map keyed by team in the original, so in team-name order.
            let mut sorted: Vec<&String> = teams.iter().collect();
            sorted.sort();
            sorted.dedup();
            sorted.into_iter().map(|t| self.team_role_arn(t)).collect()
        };
        let names = permission_sets
            .iter()
            .cloned()
            .chain(teams.iter().map(|t| team_permission_set_name(t)));
        let mut patterns: Vec<String> = Vec::new();
        for name in names {
            let p = self.permission_set_pattern(&name);
            if !patterns.contains(&p) {
                patterns.push(p);
            }
        }
        (principals, patterns)
    }
}

/// Terraform's `format(template, value)` for a template with one `%s` (and `%%` escapes).
pub fn format_template(template: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len() + value.len());
    let mut rest = template;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('s') {
            out.push_str(value);
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
        } else {
            out.push('%');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The AWS SSO permission set that gives access to a team: `Identity<Team>TeamAccess`, the
/// team name with `_` read as `-`, title-cased, dashes removed (`ops_admin` →
/// `IdentityOpsAdminTeamAccess`).
pub fn team_permission_set_name(team: &str) -> String {
    let titled = title(&team.replace('_', "-")).replace('-', "");
    format!("Identity{titled}TeamAccess")
}

/// The account field of an IAM ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`).
pub fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some("arn"), Some(_), Some(_), Some(_), Some(account), Some(_)) => Some(account),
        _ => None,
    }
}

/// The `sub` pattern for a trusted repository: `repo:ORG/REPO:*`, the organization added
/// when the entry has none.
pub fn github_sub(repo: &str, default_org: &str) -> String {
    if repo.contains('/') {
        format!("repo:{repo}:*")
    } else {
        format!("repo:{default_org}/{repo}:*")
    }
}

fn sorted_distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

/// Sorted descending, as `aws_iam_policy_document` writes a set of two or more.
fn descending(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v = sorted_distinct(items);
    v.reverse();
    v
}

/// The trust policy of `team`. `github_repos` are the team's `trusted_github_repos`.
///
/// Fails when the team needs a provider the settings do not have: SAML login without SAML
/// provider ARNs, or GitHub repositories without the GitHub OIDC provider ARN.
pub fn team_trust_policy(
    team: &str,
    config: &TeamConfig,
    github_repos: &[String],
    s: &TrustSettings,
) -> Result<PolicyDocument, BlueprintError> {
    let identity = s.identity_account_id.as_str();
    let (allowed_principals, allowed_patterns) =
        s.principals(&config.trusted_teams, &config.trusted_permission_sets);
    let (denied_role_principals, denied_patterns) =
        s.principals(&config.denied_teams, &config.denied_permission_sets);

    let allowed_roles: Vec<String> = allowed_principals
        .into_iter()
        .chain(allowed_patterns)
        .collect();
    let allowed_accounts: Vec<String> =
        if config.trusted_teams.is_empty() && config.trusted_permission_sets.is_empty() {
            Vec::new()
        } else {
            vec![identity.to_owned()]
        };
    let trusted_arns = sorted_distinct(config.trusted_role_arns.iter().cloned());
    let trusted_arn_accounts: Vec<String> = sorted_distinct(
        trusted_arns
            .iter()
            .filter_map(|a| arn_account(a))
            .map(str::to_owned),
    );
    let denied_principals = sorted_distinct(
        config
            .denied_role_arns
            .iter()
            .cloned()
            .chain(denied_role_principals)
            .chain(denied_patterns),
    );
    // The denied maps always have the identity account as key, even with empty lists.
    let denied_accounts = sorted_distinct(
        std::iter::once(identity.to_owned()).chain(
            config
                .denied_role_arns
                .iter()
                .filter_map(|a| arn_account(a))
                .map(str::to_owned),
        ),
    );
    let undenied: Vec<String> = trusted_arns
        .iter()
        .filter(|a| !denied_principals.contains(a))
        .cloned()
        .collect();

    let roots =
        |accounts: &[String]| -> Vec<String> { descending(accounts.iter().map(|a| s.root_arn(a))) };
    let mut statements = Vec::new();

    if !allowed_accounts.is_empty() && !allowed_roles.is_empty() {
        statements.push(
            Statement::allow()
                .sid("RoleAssumeRole")
                .principal(Principal::aws(roots(&allowed_accounts)))
                .actions(ASSUME_ACTIONS)
                .condition(Condition::arn_like("aws:PrincipalArn", allowed_roles))
                .condition(Condition::string_equals(
                    "aws:PrincipalType",
                    ["AssumedRole"],
                )),
        );
    }
    if !trusted_arns.is_empty() {
        statements.push(
            Statement::allow()
                .sid("PrincipalAssumeRole")
                .principal(Principal::aws(roots(&trusted_arn_accounts)))
                .actions(ASSUME_ACTIONS)
                .condition(Condition::arn_like(
                    "aws:PrincipalArn",
                    trusted_arns.clone(),
                )),
        );
    }
    let deny_accounts: Vec<String> = denied_accounts
        .iter()
        .chain(&allowed_accounts)
        .chain(&trusted_arn_accounts)
        .cloned()
        .collect();
    let deny_patterns: Vec<String> = denied_principals
        .into_iter()
        .chain(std::iter::once(format!(
            "arn:{}:iam::*:user/*",
            s.partition
        )))
        .collect();
    let mut deny = Statement::deny()
        .sid("RoleDenyAssumeRole")
        .principal(Principal::aws(roots(&deny_accounts)))
        .actions(ASSUME_ACTIONS)
        .condition(Condition::arn_like("aws:PrincipalArn", deny_patterns));
    if !undenied.is_empty() {
        deny = deny.condition(Condition::test(
            BaseOperator::ArnNotEquals,
            "aws:PrincipalArn",
            undenied,
        ));
    }
    statements.push(deny);

    if !github_repos.is_empty() {
        let Some(provider) = &s.github_oidc_provider_arn else {
            return Err(BlueprintError::input(
                format!("trusted_github_repos.{team}"),
                format!("team `{team}` trusts GitHub repositories but `github_oidc_provider_arn` is not set"),
            )
            .with_help("set `github_oidc_provider_arn` to the GitHub OIDC provider of the identity account (the github-oidc-provider component's `oidc_provider_arn`)"));
        };
        let subs: Vec<String> = github_repos
            .iter()
            .map(|r| github_sub(r, &s.trusted_github_org))
            .collect();
        statements.push(
            Statement::allow()
                .sid("OidcProviderAssume")
                .principal(Principal::federated([provider.as_str()]))
                .actions(GITHUB_ACTIONS)
                .condition(Condition::string_equals(
                    format!("{GITHUB_ISSUER}:aud"),
                    ["sts.amazonaws.com"],
                ))
                .condition(Condition::string_like(format!("{GITHUB_ISSUER}:sub"), subs)),
        );
    }

    if config.aws_saml_login_enabled {
        if s.saml_provider_arns.is_empty() {
            return Err(BlueprintError::input(
                format!("teams_config.{team}.aws_saml_login_enabled"),
                format!("team `{team}` enables SAML login but `saml_provider_arns` is empty"),
            )
            .with_help("list the identity account's SAML provider ARNs in `saml_provider_arns` (the aws-saml component's providers), or set `aws_saml_login_enabled: false`"));
        }
        statements.push(
            Statement::allow()
                .sid("SamlProviderAssume")
                .principal(Principal::federated(descending(
                    s.saml_provider_arns.iter().cloned(),
                )))
                .actions(SAML_ACTIONS)
                .condition(Condition::string_like("SAML:aud", SAML_AUDIENCES)),
        );
    }

    Ok(fit_quota(PolicyDocument::new(statements)))
}

/// The policy as built when it fits the default trust policy quota; otherwise its proven
/// equivalent minimized form (merged statements, folded principals, covered entries dropped),
/// never broader. Should even that not fit, validation reports the size against the quota in
/// force, with the remedy.
fn fit_quota(doc: PolicyDocument) -> PolicyDocument {
    if doc.size() <= iam_model::validate::DEFAULT_TRUST_POLICY_QUOTA {
        return doc;
    }
    let m = iam_model::reason::minimize(&doc, iam_model::reason::MinimizeOptions::default());
    if m.proven && m.document.size() < doc.size() {
        m.document
    } else {
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_quota_policies_are_minimized_to_a_proven_equivalent() {
        let arns: Vec<String> = std::iter::once("arn:aws:iam::111111111111:role/ci-*".to_owned())
            .chain((1..=60).map(|n| format!("arn:aws:iam::111111111111:role/ci-runner-{n:02}")))
            .collect();
        let doc = PolicyDocument::new([Statement::allow()
            .principal(Principal::aws(["arn:aws:iam::111111111111:root"]))
            .actions(["sts:AssumeRole", "sts:TagSession"])
            .condition(Condition::arn_like("aws:PrincipalArn", arns))]);
        assert!(doc.size() > iam_model::validate::DEFAULT_TRUST_POLICY_QUOTA);
        let fitted = fit_quota(doc.clone());
        assert!(fitted.size() <= iam_model::validate::DEFAULT_TRUST_POLICY_QUOTA);
        assert!(iam_model::reason::same_access(&[&doc], &[&fitted]));
        // A policy that fits is left as written.
        let small = PolicyDocument::new([Statement::allow()
            .principal(Principal::aws(["arn:aws:iam::111111111111:root"]))
            .action("sts:AssumeRole")]);
        assert_eq!(fit_quota(small.clone()), small);
    }

    #[test]
    fn permission_set_names() {
        assert_eq!(team_permission_set_name("admin"), "IdentityAdminTeamAccess");
        assert_eq!(
            team_permission_set_name("ops_admin"),
            "IdentityOpsAdminTeamAccess"
        );
        assert_eq!(
            team_permission_set_name("ops-admin"),
            "IdentityOpsAdminTeamAccess"
        );
        assert_eq!(team_permission_set_name("*"), "Identity*TeamAccess");
        assert_eq!(
            team_permission_set_name("devOps"),
            "IdentityDevOpsTeamAccess"
        );
    }

    #[test]
    fn templates_and_arns() {
        assert_eq!(
            format_template("arn:aws:iam::1:role/eg-%s", "admin"),
            "arn:aws:iam::1:role/eg-admin"
        );
        assert_eq!(format_template("a%%b%s", "x"), "a%bx");
        assert_eq!(
            arn_account("arn:aws:iam::123456789012:role/a/b"),
            Some("123456789012")
        );
        assert_eq!(arn_account("not-an-arn"), None);
        assert_eq!(github_sub("infra", "acme"), "repo:acme/infra:*");
        assert_eq!(github_sub("other/infra", "acme"), "repo:other/infra:*");
    }
}
