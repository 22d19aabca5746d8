//! Principal rules: where `Principal` may appear, the shape of each principal value, and the
//! actions a trust statement may allow.

use crate::finding::{Code, Finding};
use crate::json::Loc;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::principal::{Principal, PrincipalKind};
use crate::statement::{Effect, PrincipalClause, Statement};
use crate::text::Text;

use super::ValidationContext;

/// The actions a role trust policy may name.
pub(crate) const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// IdP domains IAM accepts as `Federated` principals besides provider ARNs.
pub(crate) const IDP_DOMAINS: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

pub(super) fn check(doc: &PolicyDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let statements = Loc::Root;
    let statements = statements.key("Statement");
    let assumable = (ctx.kind == PolicyKind::Trust).then(|| Assumable::of(doc));
    for (i, st) in doc.statements.iter().enumerate() {
        let sp = statements.index(i);
        match (&st.principal, ctx.kind) {
            (Some(p), PolicyKind::Identity(_)) => out.push(
                Finding::new(
                    Code::PRINCIPAL_NOT_ALLOWED,
                    sp.key(p.element()).path(),
                    format!("an identity policy cannot have `{}`", p.element()),
                )
                .with_help("the identity the policy is attached to is the principal: remove the element"),
            ),
            (None, PolicyKind::Trust | PolicyKind::Resource) => out.push(
                Finding::new(Code::MISSING_PRINCIPAL, sp.path(), "the statement has no `Principal`")
                    .with_help("name who the statement is about, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}`"),
            ),
            (Some(PrincipalClause::NotPrincipal(_)), PolicyKind::Trust) => out.push(
                Finding::new(Code::NOTPRINCIPAL_NOT_ALLOWED, sp.key("NotPrincipal").path(), "a trust policy cannot have `NotPrincipal`")
                    .with_help("name the trusted principals with `Principal`"),
            ),
            (Some(PrincipalClause::Principal(Principal::Any)), PolicyKind::Trust) => out.push(
                Finding::new(Code::TRUST_PRINCIPAL_WILDCARD, sp.key("Principal").path(), "a trust policy cannot have `\"Principal\": \"*\"`")
                    .with_help("name the trusted accounts or roles; `{\"AWS\": \"*\"}` with an organization condition is the nearest allowed form"),
            ),
            _ => {}
        }
        if let Some(p) = &st.principal {
            check_values(p, &sp.key(p.element()), out);
        }
        if let Some(assumable) = &assumable {
            check_trust_actions(st, &sp, assumable, out);
        }
    }
}

fn check_values(clause: &PrincipalClause, path: &Loc<'_>, out: &mut Vec<Finding>) {
    let Principal::Map(map) = clause.principal() else {
        return;
    };
    if map.is_empty() || map.values().all(Vec::is_empty) {
        out.push(Finding::new(
            Code::EMPTY_PRINCIPAL,
            path.path(),
            format!("`{}` names no principal", clause.element()),
        ));
        return;
    }
    for (kind, values) in map {
        let kp = path.key(kind.key());
        if values.is_empty() {
            out.push(Finding::new(
                Code::EMPTY_PRINCIPAL,
                kp.path(),
                format!("`{}` is an empty list", kind.key()),
            ));
        }
        for (j, v) in values.iter().enumerate() {
            let vp = kp.index(j);
            check_value(*kind, v, if values.len() == 1 { &kp } else { &vp }, out);
        }
    }
}

fn check_value(kind: PrincipalKind, value: &Text, path: &Loc<'_>, out: &mut Vec<Finding>) {
    let s = value.with_placeholders();
    let s = s.as_ref();
    if s == "*" {
        if kind != PrincipalKind::Aws {
            out.push(
                Finding::new(
                    Code::PRINCIPAL_PARTIAL_WILDCARD,
                    path.path(),
                    format!("`{}` cannot be `*`", kind.key()),
                )
                .with_help("only `AWS` (or the whole `Principal`) may be `*`"),
            );
        }
        return;
    }
    if crate::scan::has_wildcard(s) {
        out.push(
            Finding::new(
                Code::PRINCIPAL_PARTIAL_WILDCARD,
                path.path(),
                format!("`{s}` has a wildcard inside a principal, which IAM does not match"),
            )
            .with_help("name principals exactly, or use `{\"AWS\": \"*\"}` with an `aws:PrincipalArn` `ArnLike` condition"),
        );
        return;
    }
    let problem = match kind {
        PrincipalKind::Aws => aws_principal_problem(s),
        PrincipalKind::Service => service_principal_problem(s),
        PrincipalKind::Federated => federated_principal_problem(s),
        PrincipalKind::CanonicalUser => (!(s.len() == 64
            && s.bytes().all(|b| b.is_ascii_hexdigit())))
        .then(|| "a canonical user id is 64 hexadecimal characters".to_owned()),
    };
    if let Some(help) = problem {
        out.push(
            Finding::new(
                Code::INVALID_PRINCIPAL,
                path.path(),
                format!("`{s}` is not a valid `{}` principal", kind.key()),
            )
            .with_help(help),
        );
    }
}

fn aws_principal_problem(s: &str) -> Option<String> {
    if crate::AccountId::looks_like(s) {
        return (!crate::AccountId::is_valid(s))
            .then(|| "an account id is exactly 12 digits".to_owned());
    }
    if s.starts_with("AROA") || s.starts_with("AIDA") {
        return None; // a unique id left behind by a deleted principal: valid, if unusual
    }
    let Ok(arn) = crate::arn::Arn::parse(s) else {
        return Some(
            "use a 12-digit account id or an IAM ARN such as `arn:aws:iam::123456789012:role/name`"
                .into(),
        );
    };
    if let Some(problem) = principal_arn_fields_problem(&arn) {
        return Some(problem);
    }
    let res = arn.resource();
    match arn.service() {
        "iam" if res == "root" => None,
        "iam" if res.starts_with("group/") => {
            Some("a group can never be a principal: name its users or a role instead".into())
        }
        "iam"
            if ["user/", "role/", "federated-user/"]
                .iter()
                .any(|p| res.starts_with(p)) =>
        {
            None
        }
        "sts" if res.starts_with("assumed-role/") || res.starts_with("federated-user/") => None,
        _ => Some(
            "an AWS principal is an account, `root`, a user, a role or an assumed-role session"
                .into(),
        ),
    }
}

/// The partition and account of a principal ARN (AWS or federated): a real partition and 12
/// digits, which IAM requires of a principal.
fn principal_arn_fields_problem(arn: &crate::arn::Arn) -> Option<String> {
    if !crate::arn::PARTITIONS.contains(&arn.partition()) {
        return Some(format!("`{}` is not a partition", arn.partition()));
    }
    if !crate::AccountId::is_valid(arn.account()) {
        return Some(format!(
            "the account field of a principal ARN is 12 digits, not `{}`",
            arn.account()
        ));
    }
    None
}

fn service_principal_problem(s: &str) -> Option<String> {
    let host = s
        .strip_suffix(".amazonaws.com")
        .or_else(|| s.strip_suffix(".amazonaws.com.cn"));
    match host {
        Some(h)
            if !h.is_empty()
                && h.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                }) =>
        {
            None
        }
        _ => Some(
            "a service principal reads `service.amazonaws.com`, e.g. `ec2.amazonaws.com`".into(),
        ),
    }
}

fn federated_principal_problem(s: &str) -> Option<String> {
    if IDP_DOMAINS.contains(&s) {
        return None;
    }
    if let Ok(arn) = crate::arn::Arn::parse(s) {
        if arn.service() == "iam"
            && (arn.resource().starts_with("saml-provider/")
                || arn.resource().starts_with("oidc-provider/"))
        {
            // A provider ARN copied with its placeholders (`ACCOUNT-ID`) names no provider.
            return principal_arn_fields_problem(&arn);
        }
    }
    Some("a federated principal is a `saml-provider/` or `oidc-provider/` ARN, or an IdP such as `accounts.google.com`".into())
}

/// The federated values of a statement that name SAML and OIDC providers.
pub(crate) fn federated_kinds(st: &Statement) -> (bool, Vec<String>) {
    let (saml, oidc_hosts) = federated_providers(st);
    (!saml.is_empty(), oidc_hosts)
}

/// The SAML provider ARNs and the OIDC provider hosts a statement's `Federated` principal
/// names.
fn federated_providers(st: &Statement) -> (Vec<String>, Vec<String>) {
    let mut saml = Vec::new();
    let mut oidc_hosts = Vec::new();
    if let Some(PrincipalClause::Principal(p)) = &st.principal {
        for v in p.values(PrincipalKind::Federated) {
            let s = v.with_placeholders();
            if s.contains(":saml-provider/") {
                saml.push(s.into_owned());
            } else if let Some((_, host)) = s.split_once(":oidc-provider/") {
                oidc_hosts.push(host.to_owned());
            } else if IDP_DOMAINS.contains(&s.as_ref()) {
                oidc_hosts.push(s.into_owned());
            }
        }
    }
    (saml, oidc_hosts)
}

/// The providers some statement of the document lets assume the role with their own
/// action: SAML providers with `sts:AssumeRoleWithSAML`, OIDC hosts with
/// `sts:AssumeRoleWithWebIdentity`. A trust policy may allow the assume action in one
/// statement and the session actions (`sts:SetSourceIdentity`, `sts:TagSession`) to the same
/// provider in another, as AWS's own SAML examples do: the match is judged per document.
#[derive(Default)]
struct Assumable {
    saml: Vec<String>,
    oidc: Vec<String>,
}

impl Assumable {
    fn of(doc: &PolicyDocument) -> Self {
        let mut out = Assumable::default();
        for st in &doc.statements {
            if st.effect != Effect::Allow || st.action.is_not() {
                continue;
            }
            let allows = |action: &str| st.action.actions().iter().any(|a| a.matches(action));
            let (saml, oidc) = federated_providers(st);
            if allows("sts:AssumeRoleWithSAML") {
                out.saml.extend(saml);
            }
            if allows("sts:AssumeRoleWithWebIdentity") {
                out.oidc.extend(oidc);
            }
        }
        out
    }
}

fn check_trust_actions(
    st: &Statement,
    sp: &Loc<'_>,
    assumable: &Assumable,
    out: &mut Vec<Finding>,
) {
    let element = st.action.element();
    for (j, a) in st.action.actions().iter().enumerate() {
        let s = a.as_str();
        let tolerated = s == "*"
            || a.parts()
                .is_some_and(|(svc, _)| svc.eq_ignore_ascii_case("sts") && a.is_pattern());
        if tolerated || TRUST_ACTIONS.iter().any(|t| t.eq_ignore_ascii_case(s)) {
            continue;
        }
        let path = if st.action.actions().len() == 1 {
            sp.key(element).path()
        } else {
            sp.key(element).index(j).path()
        };
        out.push(
            Finding::new(Code::TRUST_ACTION_INVALID, path, format!("`{s}` cannot be allowed by a trust policy"))
                .with_suggestions(&crate::suggest::nearest(s, TRUST_ACTIONS.iter().copied(), 1))
                .or_help("a trust policy allows `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity` or `sts:SetContext`"),
        );
    }
    if st.effect != Effect::Allow || st.action.is_not() {
        return;
    }
    let (saml, oidc) = federated_providers(st);
    if saml.iter().any(|p| !assumable.saml.contains(p)) {
        out.push(
            Finding::new(
                Code::MISMATCHED_ACTION_FOR_PRINCIPAL,
                sp.key(element).path(),
                "a SAML provider principal needs `sts:AssumeRoleWithSAML`",
            )
            .with_help("add `sts:AssumeRoleWithSAML` to the statement's actions, or allow it to the same provider in another statement"),
        );
    }
    if oidc.iter().any(|h| !assumable.oidc.contains(h)) {
        out.push(
            Finding::new(
                Code::MISMATCHED_ACTION_FOR_PRINCIPAL,
                sp.key(element).path(),
                "an OIDC provider principal needs `sts:AssumeRoleWithWebIdentity`",
            )
            .with_help("add `sts:AssumeRoleWithWebIdentity` to the statement's actions, or allow it to the same provider in another statement"),
        );
    }
}
