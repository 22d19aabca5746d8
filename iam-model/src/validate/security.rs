//! Security findings that need no catalog: full admin, Allow with the `Not` elements, and the
//! trust and resource policies that let in more principals than intended.

use crate::finding::{Code, Finding};
use crate::json::Loc;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::principal::{principal_account, Principal, PrincipalKind};
use crate::statement::{Effect, PrincipalClause, Statement};

use super::principals::federated_kinds;
use super::ValidationContext;

/// Condition keys that narrow a public principal to an organization, account or source.
const NARROWING_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
];

const NETWORK_KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SourceIp",
    "aws:VpceAccount",
];

const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

const GITHUB_HOST: &str = "token.actions.githubusercontent.com";

pub(super) fn check(doc: &PolicyDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let statements = Loc::Root;
    let statements = statements.key("Statement");
    for (i, st) in doc.statements.iter().enumerate() {
        let sp = statements.index(i);
        if st.effect != Effect::Allow {
            continue;
        }
        if st.action.is_not() {
            out.push(
                Finding::new(Code::ALLOW_NOT_ACTION, sp.key("NotAction").path(), "`Allow` with `NotAction` allows every other action, including ones AWS adds later")
                    .with_help("list the allowed actions, or pair `NotAction` with `Deny`"),
            );
        }
        if st.resource.as_ref().is_some_and(|r| r.is_not()) {
            out.push(
                Finding::new(Code::ALLOW_NOT_RESOURCE, sp.key("NotResource").path(), "`Allow` with `NotResource` allows every other resource, including ones created later")
                    .with_help("list the allowed resources, or pair `NotResource` with `Deny`"),
            );
        }
        if matches!(st.principal, Some(PrincipalClause::NotPrincipal(_))) {
            out.push(
                Finding::new(
                    Code::ALLOW_NOT_PRINCIPAL,
                    sp.key("NotPrincipal").path(),
                    "`Allow` with `NotPrincipal` allows everyone else, anonymous callers included",
                )
                .with_help("name the allowed principals with `Principal`"),
            );
        }
        if matches!(ctx.kind, PolicyKind::Identity(_)) && is_full_admin(st) {
            out.push(
                Finding::new(Code::FULL_ADMIN, sp.path(), "the statement allows every action on every resource")
                    .with_help("grant the actions the identity needs; if full administrator access is intended, acknowledge the finding"),
            );
        }
        match ctx.kind {
            PolicyKind::Trust => check_trust(st, &sp, ctx, out),
            PolicyKind::Resource => check_resource_policy(st, &sp, out),
            PolicyKind::Identity(_) => {}
        }
    }
}

/// An Allow-able statement of every action (`*` or `*:*`) on every resource (`*`).
pub(super) fn is_full_admin(st: &Statement) -> bool {
    let any_action = !st.action.is_not()
        && st
            .action
            .actions()
            .iter()
            .any(|a| a.is_any() || a.as_str() == "*:*");
    let any_resource = st.resource.as_ref().is_some_and(|r| {
        !r.is_not()
            && r.resources()
                .iter()
                .any(|t| t.as_literal().is_some_and(|s| s == "*"))
    });
    any_action && any_resource
}

fn has_any(st: &Statement, keys: &[&str]) -> bool {
    keys.iter().any(|k| st.condition.has_key(k))
}

fn principal_of(st: &Statement) -> Option<&Principal> {
    match &st.principal {
        Some(PrincipalClause::Principal(p)) => Some(p),
        _ => None,
    }
}

fn check_trust(st: &Statement, sp: &Loc<'_>, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let Some(p) = principal_of(st) else { return };
    let pp = || sp.key("Principal").path();
    if p.is_public() && !has_any(st, NARROWING_KEYS) {
        out.push(
            Finding::new(
                Code::PUBLIC_TRUST,
                pp(),
                "any principal in any AWS account can assume this role",
            )
            .with_help(
                "name the trusted accounts or roles, or add an `aws:PrincipalOrgID` condition",
            ),
        );
    }
    if let Some(own) = &ctx.account_id {
        let foreign: Vec<String> = p
            .values(PrincipalKind::Aws)
            .iter()
            .filter_map(|v| v.as_literal())
            .filter_map(|s| {
                principal_account(&s)
                    .filter(|a| a != own)
                    .map(str::to_owned)
            })
            .collect();
        if !foreign.is_empty()
            && !has_any(
                st,
                &[
                    "sts:ExternalId",
                    "aws:PrincipalOrgID",
                    "aws:PrincipalOrgPaths",
                ],
            )
        {
            out.push(
                Finding::new(
                    Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID,
                    pp(),
                    format!("account `{}` is trusted without an external id or organization condition", foreign.join("`, `")),
                )
                .with_help("add a `StringEquals` condition on `sts:ExternalId` (the confused-deputy defence) or on `aws:PrincipalOrgID`"),
            );
        }
    }
    let (_, oidc_hosts) = federated_kinds(st);
    for host in oidc_hosts {
        // The claim keys are prefixed by the provider's whole URL path, e.g.
        // `oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub`.
        let host_name = host.clone();
        if host_name == GITHUB_HOST {
            let sub_key = format!("{GITHUB_HOST}:sub");
            if !st.condition.has_key(&sub_key) {
                out.push(
                    Finding::new(Code::GITHUB_OIDC_NO_SUB, pp(), "GitHub OIDC trust without a `sub` condition lets any GitHub repository assume the role")
                        // The suggestion must itself pass: a pattern would trip GITHUB_OIDC_WILDCARD_SUB.
                        .with_help(format!("add `StringEquals` on `{sub_key}` with the repository and branch or environment allowed, e.g. `repo:ORG/REPO:ref:refs/heads/main` or `repo:ORG/REPO:environment:production`")),
                );
            } else {
                let wildcard = st
                    .condition
                    .tests()
                    .filter(|(_, k)| k.key.eq_ignore_ascii_case(&sub_key))
                    .flat_map(|(_, k)| k.values.iter())
                    .any(|v| v.as_text().with_placeholders().contains('*'));
                if wildcard {
                    out.push(
                        Finding::new(Code::GITHUB_OIDC_WILDCARD_SUB, pp(), "the GitHub `sub` condition has a wildcard")
                            .with_help("pin the repository and, where you can, the branch or environment: `repo:ORG/REPO:ref:refs/heads/main`"),
                    );
                }
            }
        } else {
            let prefix = format!("{host_name}:");
            let conditioned = st.condition.tests().any(|(_, k)| {
                k.key
                    .to_ascii_lowercase()
                    .starts_with(&prefix.to_ascii_lowercase())
            });
            if !conditioned {
                out.push(
                    Finding::new(
                        Code::OIDC_NO_CONDITION,
                        pp(),
                        format!("OIDC trust of `{host_name}` without a condition on its claims"),
                    )
                    .with_help(format!(
                        "add conditions on `{host_name}:aud` and `{host_name}:sub`"
                    )),
                );
            }
        }
    }
}

fn check_resource_policy(st: &Statement, sp: &Loc<'_>, out: &mut Vec<Finding>) {
    let Some(p) = principal_of(st) else { return };
    let pp = || sp.key("Principal").path();
    if p.is_public() && !has_any(st, NARROWING_KEYS) && !has_any(st, NETWORK_KEYS) {
        out.push(
            Finding::new(Code::PUBLIC_RESOURCE_ACCESS, pp(), "the statement grants access to everyone")
                .with_help("name the principals, or add an `aws:PrincipalOrgID`, `aws:SourceVpce` or similar condition"),
        );
    }
    if !p.values(PrincipalKind::Service).is_empty() && !has_any(st, SOURCE_KEYS) {
        out.push(
            Finding::new(Code::SERVICE_PRINCIPAL_NO_SOURCE, pp(), "a service principal is granted access without a source condition")
                .with_help("add `aws:SourceAccount` or `aws:SourceArn` so that only your resources' use of the service is allowed"),
        );
    }
}
