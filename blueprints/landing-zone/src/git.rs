//! The Git OIDC identity providers and their claims: for GitHub, GitLab and Bitbucket, the
//! provider (created, or an existing one by ARN), the audience and the `sub` patterns in each
//! provider's own claim format, and the trust statement of the OIDC role.

use blueprint_kit::BlueprintError;
use iam_model::deployment::OidcProvider;
use iam_model::{BaseOperator, Condition, Principal, Statement, Text};

use crate::check;
use crate::inputs::{BitbucketTrust, GithubTrust, GitlabTrust};

/// GitHub Actions' issuer.
pub const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";
/// The audience GitHub's `configure-aws-credentials` action requests.
pub const GITHUB_AUDIENCE: &str = "sts.amazonaws.com";

/// One Git provider the OIDC role trusts.
#[derive(Debug, Clone)]
pub(crate) struct GitTrust {
    /// `github`, `gitlab` or `bitbucket`: the input's name and the provider's key.
    pub key: &'static str,
    /// The trust statement's Sid (the bootstrap's).
    pub sid: &'static str,
    /// The issuer's host and path: the prefix of the claim condition keys.
    pub host_path: String,
    /// The audience the tokens carry.
    pub audience: String,
    /// The `sub` patterns.
    pub subjects: Vec<String>,
    /// Free-form patterns of another claim than `sub`, and that claim.
    pub other_claim: Option<(String, Vec<String>)>,
    /// The provider to create, when no existing one is named.
    pub provider: Option<OidcProvider>,
    /// The provider's ARN: a reference to the created one, or the existing one's.
    pub provider_arn: Text,
}

impl GitTrust {
    /// The OIDC role's trust statement for this provider: the audience pinned with
    /// `StringEquals`, the subjects with `StringLike` as the bootstrap wrote them (a branch
    /// may be a pattern such as `release/*`).
    pub fn statement(&self) -> Statement {
        let mut condition =
            Condition::string_equals(format!("{}:aud", self.host_path), [self.audience.as_str()]);
        if !self.subjects.is_empty() {
            condition = condition.and(
                BaseOperator::StringLike,
                format!("{}:sub", self.host_path),
                self.subjects.iter().map(String::as_str),
            );
        }
        if let Some((claim, patterns)) = &self.other_claim {
            condition = condition.and(
                BaseOperator::StringLike,
                format!("{}:{claim}", self.host_path),
                patterns.iter().map(String::as_str),
            );
        }
        Statement::allow()
            .sid(self.sid)
            .principal(Principal::federated([self.provider_arn.clone()]))
            .action("sts:AssumeRoleWithWebIdentity")
            .condition(condition)
    }
}

/// Every configured provider, in the order GitHub, GitLab, Bitbucket.
pub(crate) fn trusts(
    management: &str,
    github: Option<&GithubTrust>,
    gitlab: Option<&GitlabTrust>,
    bitbucket: Option<&BitbucketTrust>,
) -> Result<Vec<GitTrust>, BlueprintError> {
    let mut out = Vec::new();
    if let Some(g) = github {
        out.push(github_trust(management, g)?);
    }
    if let Some(g) = gitlab {
        out.push(gitlab_trust(management, g)?);
    }
    if let Some(b) = bitbucket {
        out.push(bitbucket_trust(management, b)?);
    }
    Ok(out)
}

fn github_trust(management: &str, g: &GithubTrust) -> Result<GitTrust, BlueprintError> {
    let (mut subjects, other_claim) = free_form("github", GITHUB_ISSUER, &g.patterns, &g.claim)?;
    if subjects.is_empty() && other_claim.is_none() {
        required(
            &g.repositories,
            "github.repositories",
            "repository",
            "`acme/landing-zone`",
        )?;
    }
    if other_claim.is_some() {
        required(
            &g.repositories,
            "github.repositories",
            "repository",
            "`acme/landing-zone` (patterns of another claim than `sub` do not pin the repository)",
        )?;
    }
    for (i, repo) in g.repositories.iter().enumerate() {
        let input = format!("github.repositories[{i}]");
        check::claim_part(&input, repo, "GitHub repository", false)?;
        if repo.split('/').count() != 2 || repo.split('/').any(str::is_empty) {
            return Err(
                BlueprintError::input(input, format!("`{repo}` is not `OWNER/REPO`"))
                    .with_help("name the repository with its owner, e.g. `acme/landing-zone`"),
            );
        }
        for (j, branch) in g.branches.iter().enumerate() {
            check::claim_part(&format!("github.branches[{j}]"), branch, "branch", true)?;
            subjects.push(format!("repo:{repo}:ref:refs/heads/{branch}"));
        }
        for (j, env) in g.environments.iter().enumerate() {
            check::claim_part(
                &format!("github.environments[{j}]"),
                env,
                "environment",
                true,
            )?;
            subjects.push(format!("repo:{repo}:environment:{env}"));
        }
        if g.branches.is_empty() && g.environments.is_empty() {
            // Any ref, pull request or environment of the repository: what the bootstrap's
            // `github_match` usually held. The validator warns about the wildcard.
            subjects.push(format!("repo:{repo}:*"));
        }
    }
    git_trust(
        "github",
        "AllowGitHub",
        management,
        GITHUB_ISSUER,
        GITHUB_AUDIENCE,
        (subjects, other_claim),
        g.provider_arn.as_deref(),
        &g.thumbprints,
    )
}

fn gitlab_trust(management: &str, g: &GitlabTrust) -> Result<GitTrust, BlueprintError> {
    let host_path = check::issuer_host_path("gitlab.url", &g.url)?;
    let audience = match &g.audience {
        Some(a) => {
            check::claim_part("gitlab.audience", a, "audience", false)?;
            a.clone()
        }
        None => format!("https://{host_path}"),
    };
    let (mut subjects, other_claim) = free_form("gitlab", &host_path, &g.patterns, &g.claim)?;
    if (subjects.is_empty() && other_claim.is_none()) || other_claim.is_some() {
        required(
            &g.projects,
            "gitlab.projects",
            "project",
            "`acme/platform/landing-zone`",
        )?;
    }
    for (i, project) in g.projects.iter().enumerate() {
        let input = format!("gitlab.projects[{i}]");
        check::claim_part(&input, project, "GitLab project", false)?;
        if project.split('/').count() < 2 || project.split('/').any(str::is_empty) {
            return Err(BlueprintError::input(
                input,
                format!("`{project}` is not `GROUP/PROJECT`"),
            )
            .with_help("write the project's full path, e.g. `acme/platform/landing-zone`"));
        }
        for (j, branch) in g.branches.iter().enumerate() {
            check::claim_part(&format!("gitlab.branches[{j}]"), branch, "branch", true)?;
            subjects.push(format!(
                "project_path:{project}:ref_type:branch:ref:{branch}"
            ));
        }
        if g.branches.is_empty() {
            subjects.push(format!("project_path:{project}:*"));
        }
    }
    git_trust(
        "gitlab",
        "AllowGitLab",
        management,
        &host_path,
        &audience,
        (subjects, other_claim),
        g.provider_arn.as_deref(),
        &g.thumbprints,
    )
}

fn bitbucket_trust(management: &str, b: &BitbucketTrust) -> Result<GitTrust, BlueprintError> {
    let ws = &b.workspace;
    let ok = !ws.is_empty()
        && ws
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_');
    if !ok {
        return Err(BlueprintError::input(
            "bitbucket.workspace",
            format!("`{ws}` is not a Bitbucket workspace slug"),
        )
        .with_help("use the workspace's slug as in `https://bitbucket.org/<workspace>/`"));
    }
    let workspace_uuid = check::bitbucket_uuid("bitbucket.workspace_uuid", &b.workspace_uuid)?;
    let repos = required(
        &b.repository_uuids,
        "bitbucket.repository_uuids",
        "repository UUID",
        "`{a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6}`",
    )?;
    let mut subjects = Vec::new();
    for (i, uuid) in repos.iter().enumerate() {
        let uuid = check::bitbucket_uuid(&format!("bitbucket.repository_uuids[{i}]"), uuid)?;
        // `sub` is `{repository}:{step}`, or `{repository}:{environment}:{step}` in a
        // deployment step.
        subjects.push(format!("{uuid}:*"));
    }
    let host_path = format!("api.bitbucket.org/2.0/workspaces/{ws}/pipelines-config/identity/oidc");
    let bare = workspace_uuid.trim_start_matches('{').trim_end_matches('}');
    let audience = format!("ari:cloud:bitbucket::workspace/{bare}");
    git_trust(
        "bitbucket",
        "AllowBitbucket",
        management,
        &host_path,
        &audience,
        (subjects, None),
        b.provider_arn.as_deref(),
        &b.thumbprints,
    )
}

/// The free-form patterns of `<key>.patterns`: the `sub` patterns they add (claim `sub`), or
/// the other claim and its patterns.
#[allow(clippy::type_complexity)]
fn free_form(
    key: &str,
    host_path: &str,
    patterns: &[String],
    claim: &str,
) -> Result<(Vec<String>, Option<(String, Vec<String>)>), BlueprintError> {
    let ok = !claim.is_empty() && claim.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !ok {
        return Err(BlueprintError::input(
            format!("{key}.claim"),
            format!("`{claim}` is not a token claim name"),
        )
        .with_help("use the claim's name, e.g. `sub` or `job_workflow_ref`"));
    }
    if claim == "aud" {
        return Err(BlueprintError::input(
            format!("{key}.claim"),
            "`aud` is pinned to the provider's audience already",
        )
        .with_help("match another claim, e.g. `sub`"));
    }
    if !iam_model::validate::oidc_claim_known(host_path, claim) {
        let claims = iam_model::validate::oidc_claims();
        let help = match iam_model::suggest::nearest(claim, claims.iter().copied(), 1).first() {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use one of {}", claims.join(", ")),
        };
        return Err(BlueprintError::input(
            format!("{key}.claim"),
            format!("`{claim}` is not a claim AWS passes on from `{host_path}`"),
        )
        .with_help(help));
    }
    for (i, p) in patterns.iter().enumerate() {
        check::claim_pattern(&format!("{key}.patterns[{i}]"), p)?;
    }
    if patterns.is_empty() {
        return Ok((Vec::new(), None));
    }
    if claim == "sub" {
        Ok((patterns.to_vec(), None))
    } else {
        Ok((Vec::new(), Some((claim.to_owned(), patterns.to_vec()))))
    }
}

fn required<'a>(
    values: &'a [String],
    input: &str,
    what: &str,
    example: &str,
) -> Result<&'a [String], BlueprintError> {
    if values.is_empty() {
        return Err(BlueprintError::input(
            input,
            format!("no {what} is listed, so the trust would have no `sub` condition"),
        )
        .with_help(format!("list at least one {what}, e.g. {example}")));
    }
    Ok(values)
}

#[allow(clippy::too_many_arguments)]
fn git_trust(
    key: &'static str,
    sid: &'static str,
    management: &str,
    host_path: &str,
    audience: &str,
    (subjects, other_claim): (Vec<String>, Option<(String, Vec<String>)>),
    existing: Option<&str>,
    thumbprints: &[String],
) -> Result<GitTrust, BlueprintError> {
    for (i, t) in thumbprints.iter().enumerate() {
        check::thumbprint(&format!("{key}.thumbprints[{i}]"), t)?;
    }
    let (provider, provider_arn) = match existing {
        Some(arn) => {
            existing_provider(&format!("{key}.provider_arn"), arn, management, host_path)?;
            if !thumbprints.is_empty() {
                return Err(BlueprintError::input(
                    format!("{key}.thumbprints"),
                    "thumbprints are given for a provider that is not created here",
                )
                .with_help(format!("remove `{key}.thumbprints`, or remove `{key}.provider_arn` to create the provider")));
            }
            (None, Text::from(arn))
        }
        None => {
            let p = OidcProvider::builder()
                .key(key)
                .account(crate::MANAGEMENT)
                .url(format!("https://{host_path}"))
                .client_ids(vec![audience.to_owned()])
                .thumbprints(thumbprints.to_vec())
                .build();
            let arn = p.arn();
            (Some(p), arn)
        }
    };
    Ok(GitTrust {
        key,
        sid,
        host_path: host_path.to_owned(),
        audience: audience.to_owned(),
        subjects,
        other_claim,
        provider,
        provider_arn,
    })
}

/// An existing provider must be the management account's provider for this issuer: IAM only
/// accepts a web identity through a provider in the role's own account, and the condition keys
/// are named after the issuer.
fn existing_provider(
    input: &str,
    arn: &str,
    management: &str,
    host_path: &str,
) -> Result<(), BlueprintError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let expected = format!("arn:aws:iam::{management}:oidc-provider/{host_path}");
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, resource] if !partition.is_empty() => {
            if *account != management {
                return Err(BlueprintError::input(input, format!("`{arn}` is in account `{account}`, not the management account `{management}`"))
                    .with_help("IAM accepts a web identity only through a provider in the role's own account; leave `provider_arn` out to create one"));
            }
            if resource.strip_prefix("oidc-provider/") != Some(host_path) {
                return Err(BlueprintError::input(
                    input,
                    format!("`{arn}` is not the provider for `{host_path}`"),
                )
                .with_help(format!("expected `{expected}`")));
            }
            Ok(())
        }
        _ => Err(
            BlueprintError::input(input, format!("`{arn}` is not an OIDC provider ARN"))
                .with_help(format!("expected `{expected}`")),
        ),
    }
}
