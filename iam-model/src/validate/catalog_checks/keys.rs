//! Condition keys against the catalog: that the key exists (global `aws:` keys, service keys,
//! identity-provider claims), that the operator fits its type, set qualifiers on multivalued
//! and single-valued keys, and whether the statement's actions support a service key.

use std::sync::OnceLock;

use crate::catalog::{self, ConditionKeyDef, ConditionKeyType, GlobalConditionKey, Service};
use crate::condition::{ConditionOperator, KeyCondition, OperatorFamily, SetQualifier};
use crate::finding::{Code, Finding};
use crate::json::{JsonPath, Loc};
use crate::statement::Statement;

use super::actions::Entry;
use crate::validate::principals::federated_kinds;

/// The claims AWS passes on from any OIDC provider (`<provider-url>:<claim>`), besides the
/// claims the catalog lists for the providers it knows.
const OIDC_CLAIMS: &[&str] = &["aud", "sub", "amr", "azp", "oaud", "email"];

/// Whether IAM knows the condition key `<host>:<claim>` for the OIDC provider at `host`
/// (`token.actions.githubusercontent.com`, `gitlab.com`): a claim AWS passes on from any
/// provider, or one the catalog lists for the providers it knows. For inputs that name a
/// claim, so that they are refused by the rule the validator applies to the trust.
pub fn oidc_claim_known(host: &str, claim: &str) -> bool {
    OIDC_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim))
        || !catalog::condition_key_definitions(&format!("{host}:{claim}")).is_empty()
}

/// The claims AWS passes on from any OIDC provider, for suggestions.
pub fn oidc_claims() -> &'static [&'static str] {
    OIDC_CLAIMS
}

/// The tag keys whose name needs a `/tag-key` (TAG_KEY_MISSING reports them without it).
const TAG_FAMILIES: &[&str] = &["ResourceTag", "RequestTag", "PrincipalTag"];

/// What the catalog says about a key.
#[derive(Clone, Copy)]
struct KeyInfo {
    key_type: ConditionKeyType,
    multivalued: bool,
    /// A service key (not global, not an identity-provider claim): the statement's actions
    /// should list it.
    service_key: bool,
}

pub(super) fn check(st: &Statement, sp: &Loc<'_>, entries: &[Entry<'_>], out: &mut Vec<Finding>) {
    if st.condition.is_empty() {
        return;
    }
    for (op, k) in st.condition.tests() {
        let kp = || {
            sp.key("Condition")
                .path()
                .key(op.to_string())
                .key(k.key.as_str())
        };
        let Some((prefix, name)) = k.key.split_once(':') else {
            continue; // INVALID_CONDITION_KEY_FORMAT
        };
        if prefix.is_empty() || name.is_empty() || crate::scan::has_variable(&k.key) {
            continue; // INVALID_CONDITION_KEY_FORMAT, VARIABLE_NOT_ALLOWED
        }
        let info = if prefix.eq_ignore_ascii_case("aws") {
            global_key(&k.key, name, &kp, out)
        } else {
            service_or_claim_key(st, &k.key, prefix, name, &kp, out)
        };
        if let Some(info) = info {
            check_operator(op, k, info, &kp, out);
            if info.service_key {
                check_actions_support(st, entries, &k.key, &kp, out);
            }
        }
    }
}

/// The templated global keys (`aws:ResourceTag/${TagKey}`, …) and their fixed parts.
fn global_templates() -> &'static [(&'static str, &'static GlobalConditionKey)] {
    static TEMPLATES: OnceLock<Vec<(&'static str, &'static GlobalConditionKey)>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        catalog::global_condition_keys()
            .iter()
            .filter(|k| k.is_template())
            .map(|k| (k.template_prefix(), k))
            .collect()
    })
}

/// [`catalog::global_condition_key`], with the tag keys (`aws:ResourceTag/team`) found by
/// their fixed part first instead of after a scan of every key.
fn global_condition_key(key: &str) -> Option<&'static GlobalConditionKey> {
    let tagged = global_templates().iter().find(|(prefix, _)| {
        key.len() > prefix.len()
            && key
                .as_bytes()
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    });
    tagged
        .map(|(_, k)| *k)
        .or_else(|| catalog::global_condition_key(key))
}

fn global_key(
    key: &str,
    name: &str,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) -> Option<KeyInfo> {
    if let Some(g) = global_condition_key(key) {
        return Some(KeyInfo {
            key_type: g.key_type(),
            multivalued: g.is_multivalued(),
            service_key: false,
        });
    }
    let family = name.strip_suffix('/').unwrap_or(name);
    if TAG_FAMILIES.iter().any(|t| t.eq_ignore_ascii_case(family)) {
        return None; // TAG_KEY_MISSING
    }
    out.push(
        Finding::new(Code::UNKNOWN_GLOBAL_CONDITION_KEY, kp(), format!("`{key}` is not a global condition key"))
            .with_suggestions(&if crate::budget::suggest(catalog::global_condition_keys().len()) {
                suggest_global(key)
            } else {
                Vec::new()
            })
            .or_help("global keys are listed in the IAM User Guide (`aws:SourceIp`, `aws:PrincipalOrgID`, `aws:ResourceTag/tag-key`, …); service keys start with the service prefix"),
    );
    None
}

/// The nearest global keys: templates (`aws:ResourceTag/${TagKey}`) are compared by their
/// fixed part and suggested with the key's own tag key.
fn suggest_global(key: &str) -> Vec<String> {
    let (head, tail) = match key.split_once('/') {
        Some((head, tail)) => (head, Some(tail)),
        None => (key, None),
    };
    let keys = catalog::global_condition_keys();
    match tail {
        Some(tail) => {
            let families = keys
                .iter()
                .filter(|k| k.is_template())
                .map(|k| k.template_prefix().trim_end_matches('/'));
            catalog::suggest::nearest(head, families, 2)
                .into_iter()
                .map(|family| format!("{family}/{tail}"))
                .collect()
        }
        None => {
            let names = keys.iter().filter(|k| !k.is_template()).map(|k| k.name());
            catalog::suggest::nearest(head, names, 2)
                .into_iter()
                .map(str::to_owned)
                .collect()
        }
    }
}

fn service_key_info(def: &ConditionKeyDef) -> KeyInfo {
    KeyInfo {
        key_type: def.key_type(),
        multivalued: def.is_multivalued(),
        service_key: true,
    }
}

fn service_or_claim_key(
    st: &Statement,
    key: &str,
    prefix: &str,
    name: &str,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) -> Option<KeyInfo> {
    let service = catalog::service(prefix);
    // The common case first, allocation-free: the key of the service with its prefix.
    if let Some(def) = service.and_then(|s| s.condition_key(key)) {
        return Some(service_key_info(def));
    }
    if let Some(claim) = catalog::idp_condition_key(key) {
        return Some(KeyInfo {
            key_type: claim.key_type(),
            multivalued: claim.is_multivalued(),
            service_key: false,
        });
    }
    // Keys some service defines under another prefix (`ec2:` keys in `ssm`, `identitycenter:`
    // in `sso`), and the claims of providers the catalog lists in `sts`.
    if let Some((_, def)) = catalog::condition_key_definitions(key).into_iter().next() {
        return Some(KeyInfo {
            // Provider claims (`host:claim`) are checked against the principal, not actions.
            service_key: !prefix.contains(['.', '/']),
            ..service_key_info(def)
        });
    }
    // A claim of the OIDC provider the statement trusts (`oidc.eks.….amazonaws.com/id/X:sub`).
    let (_, hosts) = federated_kinds(st);
    if let Some(host) = hosts.iter().find(|h| h.eq_ignore_ascii_case(prefix)) {
        if OIDC_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
            return Some(KeyInfo {
                key_type: ConditionKeyType::String,
                // Single-valued, as the catalog types Cognito's `amr`: a set qualifier is
                // accepted, and not required.
                multivalued: false,
                service_key: false,
            });
        }
        out.push(
            Finding::new(
                Code::UNKNOWN_SERVICE_CONDITION_KEY,
                kp(),
                format!("`{key}`: `{name}` is not a claim AWS passes on from the OIDC provider `{host}`"),
            )
            .with_suggestions(
                &catalog::suggest::nearest(name, OIDC_CLAIMS.iter().copied(), 2)
                    .into_iter()
                    .map(|c| format!("{host}:{c}"))
                    .collect::<Vec<_>>(),
            )
            .or_help(format!("AWS passes on the claims `{}` of an OIDC provider", OIDC_CLAIMS.join("`, `"))),
        );
        return None;
    }
    let finding = match service {
        Some(service) => {
            let names = service.condition_keys().iter().map(ConditionKeyDef::name);
            Finding::new(
                Code::UNKNOWN_SERVICE_CONDITION_KEY,
                kp(),
                format!("`{key}` is not a condition key of {} (`{}`)", service.name(), service.prefix()),
            )
            .with_suggestions(&if crate::budget::suggest(service.condition_keys().len()) {
                catalog::suggest::nearest(key, names, 2)
            } else {
                Vec::new()
            })
            .or_help(format!(
                "the condition keys of `{}` are listed in the Service Authorization Reference",
                service.prefix()
            ))
        }
        // `host:claim` or `host/path:claim`: the claim of a provider the statement does not trust.
        None if prefix.contains(['.', '/']) => Finding::new(
            Code::UNKNOWN_SERVICE_CONDITION_KEY,
            kp(),
            format!("`{key}` is a claim of the identity provider `{prefix}`, which the statement does not trust"),
        )
        .with_help(format!(
            "trust the provider in `Principal` (`{{\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/{prefix}\"}}`), or correct the key to match the provider you trust"
        )),
        None => Finding::new(
            Code::UNKNOWN_SERVICE_CONDITION_KEY,
            kp(),
            format!("`{key}`: no AWS service has the prefix `{prefix}`"),
        )
        .with_suggestions(
            &catalog::suggest_services(prefix, if crate::budget::suggest(catalog::metadata().services) { 2 } else { 0 })
                .into_iter()
                .map(|p| format!("{p}:{name}"))
                .collect::<Vec<_>>(),
        )
        .or_help("condition keys read `service:name` (`s3:prefix`) or `aws:name` for global keys"),
    };
    out.push(finding);
    None
}

/// Whether operators of `family` compare values of the key type `t` (single-valued form).
fn fits(family: OperatorFamily, t: ConditionKeyType) -> bool {
    use ConditionKeyType as T;
    match family {
        // ARNs are strings too; `StringLike` on an ARN key is common and works.
        OperatorFamily::String => matches!(t, T::String | T::Arn),
        OperatorFamily::Arn => t == T::Arn,
        OperatorFamily::Numeric => t == T::Numeric,
        OperatorFamily::Date => t == T::Date,
        OperatorFamily::Bool => t == T::Bool,
        OperatorFamily::Ip => t == T::IpAddress,
        // `Null` tests presence, whatever the type; binary comparison is not checked.
        OperatorFamily::Null | OperatorFamily::Binary => true,
    }
}

/// Whether `key` is a String key whose values can be ARNs, compared with an ARN operator: a
/// key the policy author names (a tag, a KMS encryption context entry) or one whose name says
/// it holds an ARN (`kms:EncryptionContext:aws:s3:arn`, `…:SecretARN`). AWS's own policies
/// compare such keys with `ArnLike`.
fn arn_text(family: OperatorFamily, t: ConditionKeyType, key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    family == OperatorFamily::Arn
        && t == ConditionKeyType::String
        && (lower.ends_with("arn")
            || lower.contains("tag/")
            || lower.starts_with("kms:encryptioncontext:"))
}

/// An operator of the family that fits `t`, for the help line.
fn operator_for(t: ConditionKeyType) -> &'static str {
    use ConditionKeyType as T;
    match t {
        T::String | T::Binary => "StringEquals",
        T::Arn => "ArnLike",
        T::Numeric => "NumericEquals",
        T::Date => "DateGreaterThan",
        T::Bool => "Bool",
        T::IpAddress => "IpAddress",
        _ => "StringEquals",
    }
}

fn check_operator(
    op: ConditionOperator,
    k: &KeyCondition,
    info: KeyInfo,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let family = op.base.family();
    let scalar = info.key_type.scalar();
    // `aws:EpochTime` is a date in seconds: AWS documents Numeric operators on it too.
    let epoch = family == OperatorFamily::Numeric && k.key.eq_ignore_ascii_case("aws:EpochTime");
    if scalar != ConditionKeyType::Binary
        && !fits(family, scalar)
        && !epoch
        && !arn_text(family, scalar, &k.key)
    {
        out.push(
            Finding::new(
                Code::CONDITION_OPERATOR_MISMATCH,
                kp(),
                format!(
                    "`{op}` does not fit `{}`, whose values are of type {}",
                    k.key, info.key_type
                ),
            )
            .with_help(format!(
                "use an operator for {} values, such as `{}`",
                scalar,
                operator_for(scalar)
            )),
        );
    }
    match (op.qualifier, info.multivalued) {
        (None, true) if family != OperatorFamily::Null => out.push(
            Finding::new(
                Code::MISSING_QUALIFIER,
                kp(),
                format!("`{}` can hold several values, so `{op}` should say whether some or every value must match", k.key),
            )
            .with_help(format!(
                "write `ForAnyValue:{op}` (some value matches) or `ForAllValues:{op}` (every value matches; also true when the key is absent); IAM accepts the plain operator, which AWS's own policies use on keys that carry one value in practice (`events:detail-type`)"
            )),
        ),
        (Some(SetQualifier::ForAllValues), false) => {
            let plain = ConditionOperator { qualifier: None, ..op };
            out.push(
                Finding::new(
                    Code::FORALLVALUES_SINGLE_VALUED_KEY,
                    kp(),
                    format!("`{op}` on the single-valued key `{}` is also true when the request has no `{}`", k.key, k.key),
                )
                .with_help(format!("use `{plain}` without the qualifier")),
            );
        }
        _ => {}
    }
}

/// Service keys that describe the credentials a request is made with, not the action: the
/// service puts them in the context of every request made with credentials it issued, to
/// any service (the EC2 instance a role session runs on, the Lambda function, the Glue job's
/// role), so they are available for every action, as global keys are.
const CREDENTIAL_KEYS: &[&str] = &[
    "ec2:SourceInstanceARN",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn",
];

/// CONDITION_KEY_NOT_FOR_ACTION: none of the statement's actions lists the service key, so
/// the condition never holds for them. Not judged for `NotAction`, `*`, or unknown actions.
fn check_actions_support(
    st: &Statement,
    entries: &[Entry<'_>],
    key: &str,
    kp: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    // Past the work budget the expansions are not walked again (CHECK_BUDGET_EXCEEDED).
    if st.action.is_not()
        || crate::budget::exhausted()
        || CREDENTIAL_KEYS.iter().any(|c| c.eq_ignore_ascii_case(key))
        || entries.is_empty()
        || entries
            .iter()
            .any(|e| matches!(e, Entry::Any | Entry::Unknown))
    {
        return;
    }
    // Only actions of the services that define the key can list it: for a pattern, the others
    // are ruled out by their service alone, and a pattern of one such service is not expanded
    // at all. (Looked up only when there is a pattern: it costs a few lookups.)
    let mut owners: Option<Vec<&'static Service>> = None;
    let mut owned = |s: &Service| {
        owners
            .get_or_insert_with(|| {
                catalog::condition_key_definitions(key)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect()
            })
            .iter()
            .any(|o| std::ptr::eq(*o, s))
    };
    let supported = entries.iter().any(|e| match e {
        Entry::One(a) => a.supports_condition_key(key),
        Entry::Pattern(prefix, _) if !crate::scan::has_wildcard(prefix) => {
            catalog::service(prefix).is_some_and(&mut owned)
                && e.any(|a| a.supports_condition_key(key))
        }
        _ => e.any(|a| owned(a.service()) && a.supports_condition_key(key)),
    });
    if supported {
        return;
    }
    let actions: Vec<&str> = st
        .action
        .actions()
        .iter()
        .take(3)
        .map(|a| a.as_str())
        .collect();
    let more = st.action.actions().len().saturating_sub(actions.len());
    let listed = if more > 0 {
        format!("`{}` and {more} more", actions.join("`, `"))
    } else {
        format!("`{}`", actions.join("`, `"))
    };
    out.push(
        Finding::new(
            Code::CONDITION_KEY_NOT_FOR_ACTION,
            kp(),
            format!("`{key}` is not available for {listed}: no request for these actions carries it"),
        )
        .with_help("use a key the actions support (the Service Authorization Reference lists them per action), or move the condition to a statement with actions that support it"),
    );
}
