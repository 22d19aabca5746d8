//! Document- and statement-level rules: version, id, sids, required and forbidden elements
//! per policy kind, the character set and the size quotas.

use std::collections::HashMap;

use crate::finding::{Code, Finding};
use crate::json::{JsonPath, Loc};
use crate::policy::{PolicyDocument, PolicyKind, Version};
use crate::text::Segment;

use super::ValidationContext;

/// `characters`: whether to check every string's characters (the caller knows when the
/// source text cannot hold a character IAM rejects).
pub(super) fn check(
    doc: &PolicyDocument,
    ctx: &ValidationContext,
    characters: bool,
    out: &mut Vec<Finding>,
) {
    let root = JsonPath::root();
    match doc.version {
        None => out.push(
            Finding::new(
                Code::MISSING_VERSION,
                root.clone(),
                "the policy has no `Version`",
            )
            .with_help(
                "add `\"Version\": \"2012-10-17\"`; without it policy variables are literal text",
            ),
        ),
        Some(Version::V2008_10_17) => out.push(
            Finding::new(
                Code::OLD_VERSION,
                root.key("Version"),
                "`2008-10-17` is the old policy language version",
            )
            .with_help("use `2012-10-17`"),
        ),
        Some(Version::V2012_10_17) => {}
    }
    if let (Some(id), PolicyKind::Identity(_)) = (&doc.id, ctx.kind) {
        out.push(
            Finding::new(
                Code::ID_IN_IDENTITY_POLICY,
                root.key("Id"),
                format!("identity policies must not have an `Id` (found `{id}`)"),
            )
            .with_help("remove `Id`, or use a `Sid` on a statement"),
        );
    }
    if doc.statements.is_empty() {
        out.push(Finding::new(
            Code::MISSING_STATEMENT,
            root.clone(),
            "the policy has no statement",
        ));
    }
    let iam_sids = matches!(ctx.kind, PolicyKind::Identity(_) | PolicyKind::Trust);
    let mut sids = SeenSids::default();
    let statements = Loc::Root;
    let statements = statements.key("Statement");
    for (i, st) in doc.statements.iter().enumerate() {
        let sp = statements.index(i);
        if let Some(sid) = &st.sid {
            let p = || sp.key("Sid").path();
            if sid.is_empty() {
                out.push(
                    Finding::new(Code::EMPTY_SID, p(), "the `Sid` is empty")
                        .with_help("remove it or name the statement"),
                );
            } else if iam_sids && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
                let mut f = Finding::new(
                    Code::INVALID_SID,
                    p(),
                    format!("`{sid}` has characters IAM does not allow in a `Sid`"),
                );
                f = if cleaned.is_empty() {
                    f.with_help("IAM allows only A-Z, a-z and 0-9 in a `Sid`")
                } else {
                    f.with_help(format!("IAM allows only A-Z, a-z and 0-9: use `{cleaned}`"))
                };
                out.push(f);
            }
            if !sid.is_empty() {
                if let Some(first) = sids.first(sid) {
                    out.push(
                        Finding::new(
                            Code::DUPLICATE_SID,
                            p(),
                            format!("statements {first} and {i} share the `Sid` `{sid}`"),
                        )
                        .with_help("give every statement its own `Sid`"),
                    );
                } else {
                    sids.insert(sid, i);
                }
            }
        }
        check_action_formats(st, &sp, out);
        if st.action.actions().is_empty() {
            out.push(
                Finding::new(
                    Code::EMPTY_ACTION,
                    sp.key(st.action.element()).path(),
                    format!("`{}` is an empty list", st.action.element()),
                )
                .with_help("list at least one action"),
            );
        }
        match (&st.resource, ctx.kind) {
            (Some(r), PolicyKind::Trust) => out.push(
                Finding::new(
                    Code::RESOURCE_NOT_ALLOWED,
                    sp.key(r.element()).path(),
                    format!("a trust policy cannot have `{}`", r.element()),
                )
                .with_help(
                    "the role itself is the resource of its trust policy: remove the element",
                ),
            ),
            (Some(r), _) if r.resources().is_empty() => out.push(
                Finding::new(
                    Code::EMPTY_RESOURCE,
                    sp.key(r.element()).path(),
                    format!("`{}` is an empty list", r.element()),
                )
                .with_help("list at least one resource, or `*`"),
            ),
            (None, PolicyKind::Identity(_) | PolicyKind::Resource) => out.push(
                Finding::new(
                    Code::MISSING_RESOURCE,
                    sp.path(),
                    "the statement has neither `Resource` nor `NotResource`",
                )
                .with_help("add `\"Resource\": \"*\"` or the ARNs it applies to"),
            ),
            _ => {}
        }
        if characters {
            check_characters_statement(st, &sp, out);
        }
    }
}

/// The Sids seen so far and the statement each was first seen in: a list while it is short
/// (policies have a handful of statements, and hashing costs more than comparing those),
/// a map past that, so that a policy of thousands of statements stays linear.
#[derive(Default)]
struct SeenSids<'a> {
    few: Vec<(&'a str, usize)>,
    many: HashMap<&'a str, usize>,
}

impl<'a> SeenSids<'a> {
    const FEW: usize = 16;

    fn first(&self, sid: &str) -> Option<usize> {
        match self.few.iter().find(|(s, _)| *s == sid) {
            Some((_, i)) => Some(*i),
            None => self.many.get(sid).copied(),
        }
    }

    fn insert(&mut self, sid: &'a str, i: usize) {
        if self.few.len() < Self::FEW {
            self.few.push((sid, i));
        } else {
            self.many.insert(sid, i);
        }
    }
}

/// Reports a size over the quota that applies to `ctx.kind`.
pub(super) fn check_size(size: usize, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    match ctx.kind {
        PolicyKind::Identity(att) => {
            if let Some(quota) = att.size_quota().filter(|&q| size > q) {
                out.push(
                    Finding::new(
                        Code::POLICY_SIZE_EXCEEDED,
                        JsonPath::root(),
                        format!(
                            "the policy is {size} characters without whitespace, over the {} quota of {quota}",
                            att.describe(),
                        ),
                    )
                    .with_help("split it into several policies, or merge statements and use wildcards; the quota cannot be raised"),
                );
            }
        }
        PolicyKind::Trust if size > ctx.trust_policy_quota => out.push(
            Finding::new(
                Code::TRUST_POLICY_SIZE_EXCEEDED,
                JsonPath::root(),
                format!(
                    "the trust policy is {size} characters without whitespace, over the quota of {}",
                    ctx.trust_policy_quota
                ),
            )
            .with_help("merge principals into fewer statements, or ask for a higher `Role trust policy length` quota (L-C07B4B0D) in Service Quotas and pass it with `--trust-quota`"),
        ),
        _ => {}
    }
}

/// True for a character IAM accepts in a policy document.
pub(crate) fn is_policy_char(c: char) -> bool {
    matches!(c, '\u{09}' | '\u{0A}' | '\u{0D}' | '\u{20}'..='\u{FF}')
}

fn bad_char(s: &str) -> Option<char> {
    // Printable ASCII, tab, line feed and carriage return are always fine: skip the decoding.
    if s.bytes()
        .all(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e))
    {
        return None;
    }
    s.chars().find(|c| !is_policy_char(*c))
}

fn push_bad_char(s: &str, path: impl Fn() -> JsonPath, out: &mut Vec<Finding>) {
    if let Some(c) = bad_char(s) {
        out.push(
            Finding::new(
                Code::INVALID_CHARACTER,
                path(),
                format!(
                    "`{}` contains the character U+{:04X}, which IAM does not accept",
                    s, c as u32
                ),
            )
            .with_help(
                "policies may contain only tab, line feed, carriage return and U+0020 to U+00FF",
            ),
        );
    }
}

fn check_characters_statement(
    st: &crate::statement::Statement,
    sp: &Loc<'_>,
    out: &mut Vec<Finding>,
) {
    if let Some(sid) = &st.sid {
        push_bad_char(sid, || sp.key("Sid").path(), out);
    }
    for (i, a) in st.action.actions().iter().enumerate() {
        push_bad_char(
            a.as_str(),
            || sp.key(st.action.element()).index(i).path(),
            out,
        );
    }
    let check_text =
        |t: &crate::text::Text, path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>| {
            for seg in t.segments() {
                if let Segment::Literal(l) = seg {
                    push_bad_char(l, path, out);
                }
            }
        };
    if let Some(r) = &st.resource {
        for (i, t) in r.resources().iter().enumerate() {
            check_text(t, &|| sp.key(r.element()).index(i).path(), out);
        }
    }
    if let Some(p) = &st.principal {
        for (kind, v) in p.principal().entries() {
            check_text(v, &|| sp.key(p.element()).key(kind.key()).path(), out);
        }
    }
    for (op, k) in st.condition.tests() {
        let kp = || {
            sp.key("Condition")
                .path()
                .key(op.to_string())
                .key(k.key.as_str())
        };
        push_bad_char(&k.key, kp, out);
        for v in &k.values {
            if let crate::condition::ConditionValue::String(t) = v {
                check_text(t, &kp, out);
            }
        }
    }
}

fn check_action_formats(st: &crate::statement::Statement, sp: &Loc<'_>, out: &mut Vec<Finding>) {
    let element = st.action.element();
    let many = st.action.actions().len() > 1;
    for (j, a) in st.action.actions().iter().enumerate() {
        let path = || {
            if many {
                sp.key(element).index(j).path()
            } else {
                sp.key(element).path()
            }
        };
        if a.is_any() {
            continue;
        }
        match a.parts() {
            None => {
                let s = a.as_str();
                let help = if !s.contains(':') {
                    "actions read `service:Action`, e.g. `s3:GetObject`".to_owned()
                } else if s.contains(char::is_whitespace) {
                    format!("remove the whitespace: `{}`", s.split_whitespace().collect::<String>())
                } else {
                    "actions read `service:Action`, e.g. `s3:GetObject`".to_owned()
                };
                out.push(Finding::new(Code::INVALID_ACTION_FORMAT, path(), format!("`{s}` is not an action")).with_help(help));
            }
            Some((service, _)) if crate::scan::has_wildcard(service) => out.push(
                Finding::new(
                    Code::SERVICE_NAME_WILDCARD,
                    path(),
                    format!("`{}` has a wildcard in the service prefix", a.as_str()),
                )
                .with_help("name the service: a wildcard prefix matches actions of services you did not mean"),
            ),
            Some(_) => {}
        }
    }
}
