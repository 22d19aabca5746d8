//! Whole-deployment validation: each policy by its kind, names and paths, references,
//! tags, and the per-role quotas.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::finding::{Code, Finding, Severity};
use crate::policy::{Attachment, PolicyDocument, PolicyKind};
use crate::principal::Principal;
use crate::statement::PrincipalClause;
use crate::text::{LateBound, ObjectKind, RefAttribute, Text};
use crate::validate::{validate, ValidationContext, DEFAULT_TRUST_POLICY_QUOTA};

use super::resolve::{Index, LookupError};
use super::{object_finding, Acknowledgement, Deployment};

/// Account quotas and switches for deployment validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentOptions {
    /// The trust policy quota of the target accounts (2,048 unless raised).
    pub trust_policy_quota: usize,
    /// Managed policies attachable per role (10 unless raised, at most 20).
    pub attachments_per_role: usize,
    /// Whether to run the catalog checks.
    pub use_catalog: bool,
}

impl Default for DeploymentOptions {
    fn default() -> Self {
        DeploymentOptions {
            trust_policy_quota: DEFAULT_TRUST_POLICY_QUOTA,
            attachments_per_role: 10,
            use_catalog: true,
        }
    }
}

/// Which object of a deployment a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectId {
    /// The deployment as a whole.
    Deployment,
    /// A role, by key.
    Role(String),
    /// A role's trust policy.
    Trust(String),
    /// A role's inline policy: role key and policy name.
    Inline(String, String),
    /// A managed policy, by key.
    Policy(String),
    /// An OIDC provider, by key.
    OidcProvider(String),
    /// An output, by name.
    Output(String),
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectId::Deployment => f.write_str("deployment"),
            ObjectId::Role(k) => write!(f, "role `{k}`"),
            ObjectId::Trust(k) => write!(f, "trust policy of role `{k}`"),
            ObjectId::Inline(k, n) => write!(f, "inline policy `{n}` of role `{k}`"),
            ObjectId::Policy(k) => write!(f, "managed policy `{k}`"),
            ObjectId::OidcProvider(k) => write!(f, "OIDC provider `{k}`"),
            ObjectId::Output(n) => write!(f, "output `{n}`"),
        }
    }
}

/// A finding about one object of a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentFinding {
    /// The object.
    pub object: ObjectId,
    /// The finding; its path is inside the object's policy document when it is about one.
    pub finding: Finding,
    /// The reason, when the finding is an acknowledged security finding.
    pub acknowledged: Option<String>,
}

impl DeploymentFinding {
    /// True for an error.
    pub fn is_error(&self) -> bool {
        self.finding.is_error()
    }
}

impl fmt::Display for DeploymentFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.finding)?;
        if let Some(r) = &self.acknowledged {
            write!(f, " [acknowledged: {r}]")?;
        }
        Ok(())
    }
}

struct Collector<'a> {
    out: Vec<DeploymentFinding>,
    ack: &'a [Acknowledgement],
}

impl Collector<'_> {
    fn push(&mut self, object: ObjectId, finding: Finding) {
        let acknowledged = (finding.severity == Severity::Security)
            .then(|| {
                self.ack
                    .iter()
                    .find(|a| a.code == finding.code)
                    .map(|a| a.reason.clone())
            })
            .flatten();
        self.out.push(DeploymentFinding {
            object,
            finding,
            acknowledged,
        });
    }
}

pub(super) fn validate_deployment(
    d: &Deployment,
    opts: &DeploymentOptions,
) -> Vec<DeploymentFinding> {
    let mut c = Collector {
        out: Vec::new(),
        ack: &[],
    };
    check_accounts_and_refs(d, &mut c);
    let mut role_names: HashMap<(String, String), &str> = HashMap::new();
    for role in &d.roles {
        let id = ObjectId::Role(role.key.clone());
        c.ack = &role.acknowledged;
        let account_id = d
            .account(&role.account)
            .and_then(|a| a.id.as_ref().map(|id| id.to_string()));
        if let Some(prev) = role_names.insert(
            (role.account.clone(), role.name.to_ascii_lowercase()),
            &role.key,
        ) {
            c.push(
                id.clone(),
                object_finding(
                    Code::DUPLICATE_NAME,
                    format!(
                        "roles `{prev}` and `{}` are both named `{}` in account `{}`",
                        role.key, role.name, role.account
                    ),
                    "role names are unique per account, ignoring case",
                ),
            );
        }
        check_name(&mut c, &id, "role name", &role.name, 64);
        check_path(&mut c, &id, &role.path);
        if role.path.len() + role.name.len() > 64 {
            c.push(id.clone(), Finding::new(Code::INVALID_NAME, crate::json::JsonPath::root(), format!("path and name of role `{}` are {} characters together; console Switch Role needs 64 at most", role.name, role.path.len() + role.name.len())).with_help("shorten the path or the name if people switch to this role in the console").severity(Severity::Warning));
        }
        if !(3600..=43200).contains(&role.max_session_duration) {
            c.push(
                id.clone(),
                object_finding(
                    Code::INVALID_ROLE_SETTING,
                    format!(
                        "max session duration {} is outside 3600..=43200 seconds",
                        role.max_session_duration
                    ),
                    "IAM accepts one to twelve hours",
                ),
            );
        }
        if role.description.chars().count() > 1000
            || role.description.chars().any(
                |ch| !matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}'),
            )
        {
            c.push(id.clone(), object_finding(Code::INVALID_ROLE_SETTING, format!("description of role `{}` is over 1,000 characters or has characters IAM rejects", role.name), "use at most 1,000 printable Latin-1 characters"));
        }
        check_tags(&mut c, &id, &role.tags);
        let trust_ctx = ValidationContext {
            kind: PolicyKind::Trust,
            trust_policy_quota: opts.trust_policy_quota,
            account_id: account_id.clone(),
            use_catalog: opts.use_catalog,
        };
        for f in validate(&with_oidc_provider_arns(d, &role.trust), &trust_ctx) {
            c.push(ObjectId::Trust(role.key.clone()), f);
        }
        let mut inline_total = 0;
        for (name, doc) in &role.inline_policies {
            let pid = ObjectId::Inline(role.key.clone(), name.clone());
            check_name(&mut c, &pid, "policy name", name, 128);
            let ctx = ValidationContext {
                kind: PolicyKind::Identity(Attachment::InlineRole),
                trust_policy_quota: opts.trust_policy_quota,
                account_id: account_id.clone(),
                use_catalog: opts.use_catalog,
            };
            // The aggregate quota is checked below; a single policy is reported there too.
            for f in validate(doc, &ctx)
                .into_iter()
                .filter(|f| f.code != Code::POLICY_SIZE_EXCEEDED)
            {
                c.push(pid.clone(), f);
            }
            inline_total += doc.size();
        }
        if Attachment::InlineRole
            .size_quota()
            .is_some_and(|quota| inline_total > quota)
        {
            c.push(id.clone(), object_finding(Code::POLICY_SIZE_EXCEEDED, format!("the inline policies of role `{}` total {inline_total} characters, over the quota of 10,240", role.name), "move statements into customer managed policies and attach them"));
        }
        if role.managed_policy_arns.len() > opts.attachments_per_role {
            c.push(id.clone(), object_finding(Code::ATTACHMENT_QUOTA_EXCEEDED, format!("role `{}` attaches {} managed policies, over the quota of {}", role.name, role.managed_policy_arns.len(), opts.attachments_per_role), "merge policies, or raise `Managed policies per role` in Service Quotas and pass the new quota"));
        }
        if let Some(b) = &role.permissions_boundary {
            let s = b.with_placeholders();
            if !s.starts_with("arn:") || !s.contains(":policy/") {
                c.push(
                    id.clone(),
                    object_finding(
                        Code::INVALID_ROLE_SETTING,
                        format!("permissions boundary `{s}` is not a managed policy ARN"),
                        "use `arn:aws:iam::ACCOUNT:policy/NAME`",
                    ),
                );
            }
        }
    }
    c.ack = &[];
    let mut policy_names: HashMap<(String, String), &str> = HashMap::new();
    for p in &d.policies {
        let id = ObjectId::Policy(p.key.clone());
        c.ack = &p.acknowledged;
        if let Some(prev) =
            policy_names.insert((p.account.clone(), p.name.to_ascii_lowercase()), &p.key)
        {
            c.push(
                id.clone(),
                object_finding(
                    Code::DUPLICATE_NAME,
                    format!(
                        "policies `{prev}` and `{}` are both named `{}` in account `{}`",
                        p.key, p.name, p.account
                    ),
                    "managed policy names are unique per account",
                ),
            );
        }
        check_name(&mut c, &id, "policy name", &p.name, 128);
        check_policy_path(&mut c, &id, &p.path);
        check_tags(&mut c, &id, &p.tags);
        let ctx = ValidationContext {
            kind: PolicyKind::Identity(Attachment::Managed),
            trust_policy_quota: opts.trust_policy_quota,
            account_id: d
                .account(&p.account)
                .and_then(|a| a.id.as_ref().map(|id| id.to_string())),
            use_catalog: opts.use_catalog,
        };
        for f in validate(&p.document, &ctx) {
            c.push(id.clone(), f);
        }
    }
    c.ack = &[];
    for o in &d.oidc_providers {
        let id = ObjectId::OidcProvider(o.key.clone());
        if !o.url.starts_with("https://") || o.host_path().is_empty() {
            c.push(
                id.clone(),
                object_finding(
                    Code::INVALID_OIDC_PROVIDER,
                    format!("`{}` is not an https issuer URL", o.url),
                    "OIDC issuer URLs start with `https://`",
                ),
            );
        }
        if o.client_ids.is_empty() {
            c.push(
                id.clone(),
                object_finding(
                    Code::INVALID_OIDC_PROVIDER,
                    format!("OIDC provider `{}` has no client id (audience)", o.url),
                    "add the audience your tokens carry, e.g. `sts.amazonaws.com`",
                ),
            );
        }
        for t in &o.thumbprints {
            if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                c.push(
                    id.clone(),
                    object_finding(
                        Code::INVALID_OIDC_PROVIDER,
                        format!("thumbprint `{t}` is not 40 hexadecimal characters"),
                        "a thumbprint is the SHA-1 of the issuer's top certificate, in hex",
                    ),
                );
            }
        }
        check_tags(&mut c, &id, &o.tags);
    }
    c.out
}

/// The trust policy with each reference to an OIDC provider of the deployment written out as
/// that provider's ARN (`arn:{partition}:iam::{account}:oidc-provider/HOST/PATH`): the claim
/// checks read the issuer from the ARN, and a reference's placeholder only knows the key.
/// Likewise an external value the deployment already holds (Confluent's role ARN) is checked
/// as that value, since its placeholder has no principal's shape.
fn with_oidc_provider_arns(d: &Deployment, trust: &PolicyDocument) -> PolicyDocument {
    let mut doc = trust.clone();
    for st in &mut doc.statements {
        let Some(
            PrincipalClause::Principal(Principal::Map(map))
            | PrincipalClause::NotPrincipal(Principal::Map(map)),
        ) = &mut st.principal
        else {
            continue;
        };
        for v in map.values_mut().flatten() {
            *v = v.map_late(|l| match l {
                LateBound::Ref(r)
                    if r.kind == ObjectKind::OidcProvider && r.attribute == RefAttribute::Arn =>
                {
                    match d.oidc_provider(&r.key) {
                        Some(p) => Text::from("arn:")
                            .then(LateBound::Partition)
                            .then(":iam::")
                            .then(LateBound::account(p.account.as_str()))
                            .then(":oidc-provider/")
                            .then(p.host_path()),
                        None => l.clone().into(),
                    }
                }
                LateBound::External(n) => match d
                    .externals
                    .iter()
                    .find(|e| &e.name == n)
                    .and_then(|e| e.value.as_deref())
                {
                    Some(v) => Text::literal(v),
                    None => l.clone().into(),
                },
                other => other.clone().into(),
            });
        }
    }
    doc
}

fn check_name(c: &mut Collector<'_>, id: &ObjectId, what: &str, name: &str, max: usize) {
    let ok = !name.is_empty()
        && name.chars().count() <= max
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_+=,.@-".contains(ch));
    if !ok {
        c.push(
            id.clone(),
            object_finding(
                Code::INVALID_NAME,
                format!("{what} `{name}` breaks IAM's rules"),
                &format!("use 1 to {max} characters of letters, digits and `_+=,.@-`"),
            ),
        );
    }
}

fn check_path(c: &mut Collector<'_>, id: &ObjectId, path: &str) {
    let ok = path == "/"
        || (path.len() <= 512
            && path.len() >= 2
            && path.starts_with('/')
            && path.ends_with('/')
            && path.chars().all(|ch| ('\u{21}'..='\u{7E}').contains(&ch)));
    if !ok {
        c.push(
            id.clone(),
            object_finding(
                Code::INVALID_NAME,
                format!("path `{path}` breaks IAM's rules"),
                "a path starts and ends with `/`, e.g. `/sym/`",
            ),
        );
    }
}

fn check_policy_path(c: &mut Collector<'_>, id: &ObjectId, path: &str) {
    let ok = path.starts_with('/')
        && path.ends_with('/')
        && path.len() <= 512
        && path.split('/').filter(|s| !s.is_empty()).all(|seg| {
            seg.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ".,+@=_-".contains(ch))
        });
    if !ok {
        c.push(
            id.clone(),
            object_finding(
                Code::INVALID_NAME,
                format!("policy path `{path}` breaks IAM's rules"),
                "a policy path starts and ends with `/` and uses letters, digits and `.,+@=_-`",
            ),
        );
    }
}

fn check_tags(c: &mut Collector<'_>, id: &ObjectId, tags: &BTreeMap<String, String>) {
    if tags.len() > 50 {
        c.push(
            id.clone(),
            object_finding(
                Code::INVALID_TAG,
                format!("{} tags, over IAM's limit of 50", tags.len()),
                "drop or merge tags",
            ),
        );
    }
    let tag_char = |ch: char| ch.is_alphanumeric() || ch.is_whitespace() || "_.:/=+-@".contains(ch);
    for (k, v) in tags {
        if k.is_empty()
            || k.chars().count() > 128
            || !k.chars().all(tag_char)
            || k.to_ascii_lowercase().starts_with("aws:")
        {
            c.push(id.clone(), object_finding(Code::INVALID_TAG, format!("tag key `{k}` breaks IAM's rules"), "tag keys are 1 to 128 letters, digits, spaces and `_.:/=+-@`, and may not start with `aws:`"));
        }
        if v.chars().count() > 256 || !v.chars().all(tag_char) {
            c.push(
                id.clone(),
                object_finding(
                    Code::INVALID_TAG,
                    format!("tag value `{v}` of `{k}` breaks IAM's rules"),
                    "tag values are at most 256 letters, digits, spaces and `_.:/=+-@`",
                ),
            );
        }
    }
}

fn texts_of(doc: &PolicyDocument) -> Vec<&Text> {
    doc.texts().collect()
}

fn check_accounts_and_refs(d: &Deployment, c: &mut Collector<'_>) {
    let mut seen = HashMap::new();
    for a in &d.accounts {
        if seen.insert(a.key.as_str(), ()).is_some() {
            c.push(
                ObjectId::Deployment,
                object_finding(
                    Code::DUPLICATE_NAME,
                    format!("account key `{}` is declared twice", a.key),
                    "give each account its own key",
                ),
            );
        }
    }
    // Every output resolves through the same lookups, so what passes here resolves there.
    let index = Index::new(d);
    let check_text = |c: &mut Collector<'_>, id: &ObjectId, account: &str, t: &Text| {
        for l in t.late_bound() {
            match index.lookup(l, account) {
                Ok(_) => {}
                // The object's own undeclared account is reported once, by `check_account_key`.
                Err(LookupError::UnknownAccount { key, .. }) if key == account => {}
                Err(e) => c.push(
                    id.clone(),
                    object_finding(Code::UNRESOLVED_REFERENCE, e.to_string(), &e.help()),
                ),
            }
        }
    };
    let check_account_key = |c: &mut Collector<'_>, id: &ObjectId, key: &str| {
        if d.account(key).is_none() {
            c.push(
                id.clone(),
                object_finding(
                    Code::UNRESOLVED_REFERENCE,
                    format!("account `{key}` is not declared"),
                    "add it to the deployment's accounts",
                ),
            );
        }
    };
    for r in &d.roles {
        let id = ObjectId::Role(r.key.clone());
        check_account_key(c, &id, &r.account);
        let mut texts: Vec<&Text> = texts_of(&r.trust);
        for doc in r.inline_policies.values() {
            texts.extend(texts_of(doc));
        }
        texts.extend(r.managed_policy_arns.iter());
        texts.extend(r.permissions_boundary.iter());
        for t in texts {
            check_text(c, &id, &r.account, t);
        }
    }
    for p in &d.policies {
        let id = ObjectId::Policy(p.key.clone());
        check_account_key(c, &id, &p.account);
        for t in texts_of(&p.document) {
            check_text(c, &id, &p.account, t);
        }
    }
    for o in &d.oidc_providers {
        check_account_key(c, &ObjectId::OidcProvider(o.key.clone()), &o.account);
    }
    fn walk<'a>(v: &'a super::OutputValue, out: &mut Vec<&'a Text>) {
        match v {
            super::OutputValue::Text(t) => out.push(t),
            super::OutputValue::List(items) => items.iter().for_each(|i| walk(i, out)),
            super::OutputValue::Map(m) => m.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    // Outputs belong to no object: they are resolved in the primary account.
    let primary = d.primary_account().map_or("", |a| a.key.as_str());
    for o in &d.outputs {
        let mut texts = Vec::new();
        walk(&o.value, &mut texts);
        for t in texts {
            check_text(c, &ObjectId::Output(o.name.clone()), primary, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::Condition;
    use crate::deployment::{OidcProvider, Role};
    use crate::statement::Statement;

    fn deployment(condition: Condition) -> Deployment {
        let provider = OidcProvider::builder()
            .key("github")
            .url("https://token.actions.githubusercontent.com")
            .client_ids(vec!["sts.amazonaws.com".to_owned()])
            .build();
        let trust = PolicyDocument::new([Statement::allow()
            .principal(Principal::federated([provider.arn()]))
            .action("sts:AssumeRoleWithWebIdentity")
            .condition(condition)]);
        Deployment::builder()
            .blueprint("t")
            .instance("t")
            .roles(vec![Role::builder()
                .key("ci")
                .name("ci")
                .trust(trust)
                .build()])
            .oidc_providers(vec![provider])
            .build()
    }

    #[test]
    fn oidc_claim_checks_see_the_referenced_providers_issuer() {
        let codes = |d: &Deployment| {
            d.validate(&DeploymentOptions::default())
                .into_iter()
                .map(|f| f.finding.code)
                .collect::<Vec<_>>()
        };
        let pinned = deployment(Condition::string_equals(
            "token.actions.githubusercontent.com:sub",
            ["repo:acme/infra:ref:refs/heads/main"],
        ));
        assert_eq!(codes(&pinned), []);
        let open = deployment(Condition::string_equals(
            "token.actions.githubusercontent.com:aud",
            ["sts.amazonaws.com"],
        ));
        assert_eq!(codes(&open), [Code::GITHUB_OIDC_NO_SUB]);
    }

    #[test]
    fn a_known_external_principal_is_checked_as_its_value() {
        let trust = PolicyDocument::new([Statement::allow()
            .principal(Principal::aws([LateBound::External("partner_role".into())]))
            .action("sts:AssumeRole")
            .condition(Condition::string_equals("sts:ExternalId", ["abc-123"]))]);
        let with = |value: &str| {
            Deployment::builder()
                .blueprint("t")
                .instance("t")
                .roles(vec![Role::builder()
                    .key("r")
                    .name("r")
                    .trust(trust.clone())
                    .build()])
                .externals(vec![crate::deployment::ExternalValue::builder()
                    .name("partner_role")
                    .description("d")
                    .value(value)
                    .build()])
                .build()
                .validate(&DeploymentOptions::default())
                .into_iter()
                .map(|f| f.finding.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(with("arn:aws:iam::999999999999:role/partner"), []);
        assert_eq!(with("not-an-arn"), [Code::INVALID_PRINCIPAL]);
    }
}
