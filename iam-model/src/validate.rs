//! Validation: every finding about a policy, in one pass.
//!
//! [`validate`] checks a [`PolicyDocument`] built in code or parsed; [`validate_json`] parses
//! text first and adds what only the text shows (syntax, duplicate keys, element types), with
//! source spans. Both return *all* findings, each with a stable [`Code`], a severity, a JSON path
//! and, where it helps, a suggestion. Checks that need AWS's service catalog live in
//! [`catalog_checks`]; the rest work on the policy alone.

mod catalog_checks;
mod conditions;
mod principals;
mod resources;
mod security;
mod structure;
mod variables;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use crate::finding::{Code, Finding, Severity};
use crate::json::{self, JsonPath, JsonValue, Spanned};
use crate::parse::{read, Read};
use crate::policy::{PolicyDocument, PolicyKind};

pub use catalog_checks::{oidc_claim_known, oidc_claims};
pub use variables::{scan_variables, VariableError};

/// IAM's default quota for a role's trust policy, in characters without whitespace.
pub const DEFAULT_TRUST_POLICY_QUOTA: usize = 2_048;

/// What the validator needs to know besides the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationContext {
    /// What the policy is used as.
    pub kind: PolicyKind,
    /// The account's trust policy quota (adjustable in Service Quotas; 2,048 by default).
    pub trust_policy_quota: usize,
    /// The account the policy lives in, when known: enables the cross-account trust check.
    pub account_id: Option<String>,
    /// Whether to run the checks that need the AWS service catalog.
    pub use_catalog: bool,
}

impl Default for ValidationContext {
    fn default() -> Self {
        ValidationContext {
            kind: PolicyKind::default(),
            trust_policy_quota: DEFAULT_TRUST_POLICY_QUOTA,
            account_id: None,
            use_catalog: true,
        }
    }
}

impl ValidationContext {
    /// A context for policies of `kind`, with default quotas.
    pub fn new(kind: PolicyKind) -> Self {
        ValidationContext {
            kind,
            ..ValidationContext::default()
        }
    }

    /// Sets the trust policy quota.
    pub fn with_trust_quota(mut self, quota: usize) -> Self {
        self.trust_policy_quota = quota;
        self
    }

    /// Sets the account the policy lives in.
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }
}

/// The result of validating a policy. Every finding has the span of source text it is
/// about; for the JSON tree itself, use [`crate::json::parse`].
#[derive(Debug, Clone)]
pub struct Report {
    /// The document, when the input could be read as one.
    pub document: Option<PolicyDocument>,
    /// Every finding, in document order.
    pub findings: Vec<Finding>,
    /// The work the costly checks spent, against [`crate::budget::WORK_BUDGET`].
    pub spent: crate::budget::Spent,
}

impl Report {
    /// True when no finding is an error.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }

    /// The findings of one severity.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// The codes found, for tests and summaries.
    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }
}

/// Every finding about a document.
pub fn validate(doc: &PolicyDocument, ctx: &ValidationContext) -> Vec<Finding> {
    crate::budget::run(crate::budget::WORK_BUDGET, || {
        let mut out = validate_measured(doc, ctx, None, false);
        out.extend(budget_finding());
        out
    })
    .0
}

/// CHECK_BUDGET_EXCEEDED, when the running validation spent its budget.
fn budget_finding() -> Option<Finding> {
    let at = crate::budget::spent().exceeded_at?;
    let path = match at {
        Some(i) => JsonPath::root().key("Statement").index(i),
        None => JsonPath::root(),
    };
    Some(
        Finding::new(
            Code::CHECK_BUDGET_EXCEEDED,
            path,
            format!(
                "the document used up the validator's work budget ({} units) here: from this point wildcard actions were not expanded, suggestions not searched and resources not matched against ARN formats",
                crate::budget::WORK_BUDGET
            ),
        )
        .with_help("findings before this point are complete; split the policy, or name actions instead of matching them across services"),
    )
}

/// [`validate`], with the size already measured on the source text when there is one, and
/// knowing whether that text was `plain` (printable ASCII without escapes: every character
/// of it is one IAM accepts, so the character checks have nothing to find).
fn validate_measured(
    doc: &PolicyDocument,
    ctx: &ValidationContext,
    size: Option<usize>,
    plain: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    structure::check(doc, ctx, !plain, &mut out);
    structure::check_size(size.unwrap_or_else(|| doc.size()), ctx, &mut out);
    principals::check(doc, ctx, &mut out);
    resources::check(doc, ctx, &mut out);
    conditions::check(doc, ctx, &mut out);
    variables::check(doc, &mut out);
    security::check(doc, ctx, &mut out);
    if ctx.use_catalog {
        catalog_checks::check(doc, ctx, &mut out);
    }
    out
}

/// Parses and validates policy text. The size quotas are measured on the text as written
/// (whitespace outside strings excluded), which is what IAM measures.
pub fn validate_json(input: &[u8], ctx: &ValidationContext) -> Report {
    validate_json_with(input, ctx, &crate::json::Limits::default())
}

/// [`validate_json`] with explicit parser limits.
pub fn validate_json_with(
    input: &[u8],
    ctx: &ValidationContext,
    limits: &crate::json::Limits,
) -> Report {
    let (mut report, spent) = crate::budget::run(crate::budget::WORK_BUDGET, || {
        json::with_arena(|arena| validate_in(input, ctx, limits, arena))
    });
    report.spent = spent;
    report
}

/// [`validate_json_with`], with the JSON tree in `arena`.
fn validate_in(
    input: &[u8],
    ctx: &ValidationContext,
    limits: &crate::json::Limits,
    arena: &bumpalo::Bump,
) -> Report {
    let Read {
        document,
        tree,
        compact_size,
        plain,
        mut findings,
    } = read(input, limits, arena);
    if let (Some(doc), Some(tree)) = (&document, &tree) {
        // The document as written, not its canonical form, is what IAM measures.
        let mut more = validate_measured(doc, ctx, Some(compact_size), plain);
        let mut locator = json::Locator::default();
        for f in &mut more {
            if f.span.is_none() {
                // A finding about a condition key shows the key, not its value.
                let key = KEY_CODES
                    .contains(&f.code)
                    .then(|| locator.key_span(tree, &f.path))
                    .flatten();
                f.span = Some(key.unwrap_or_else(|| locator.locate(tree, &f.path)));
            }
        }
        findings.extend(more);
    }
    if let Some(mut f) = budget_finding() {
        if let Some(tree) = &tree {
            f.span = Some(json::locate(tree, &f.path));
        }
        findings.push(f);
    }
    Report {
        document,
        findings: tidy(findings),
        spent: crate::budget::Spent::default(),
    }
}

/// The codes whose finding is about a condition key itself (its name, or its type against the
/// operator), which the source shows best at the key.
const KEY_CODES: &[Code] = &[
    Code::UNKNOWN_GLOBAL_CONDITION_KEY,
    Code::UNKNOWN_SERVICE_CONDITION_KEY,
    Code::CONDITION_KEY_NOT_FOR_ACTION,
    Code::CONDITION_OPERATOR_MISMATCH,
    Code::MISSING_QUALIFIER,
    Code::FORALLVALUES_SINGLE_VALUED_KEY,
];

/// Findings that are consequences of another (their cause): reported once, as the cause.
/// Each entry is the consequence, its possible causes, and where a cause must be relative
/// to the consequence's path.
const CONSEQUENCES: &[(Code, &[Code], Scope)] = &[
    // A statement without a usable `Action` (absent, or of the wrong type) is not also empty.
    (
        Code::EMPTY_ACTION,
        &[Code::MISSING_ACTION, Code::DATA_TYPE_MISMATCH],
        Scope::Related,
    ),
    // A `Version` that is there but wrong is not also missing.
    (
        Code::MISSING_VERSION,
        &[Code::INVALID_VERSION, Code::DATA_TYPE_MISMATCH],
        Scope::Version,
    ),
    // A principal written wrong is not also missing.
    (
        Code::MISSING_PRINCIPAL,
        &[
            Code::DATA_TYPE_MISMATCH,
            Code::INVALID_PRINCIPAL_FORMAT,
            Code::INVALID_PRINCIPAL_KEY,
            Code::EMPTY_PRINCIPAL,
        ],
        Scope::Principal,
    ),
    // A resource that is not an ARN cannot fit a resource type: the invalid ARN is the news.
    (
        Code::RESOURCE_TYPE_MISMATCH,
        &[Code::INVALID_ARN],
        Scope::Statement,
    ),
];

/// Where a cause is, relative to its consequence.
#[derive(Clone, Copy)]
enum Scope {
    /// At, above or below the consequence's path.
    Related,
    /// In the `Principal` or `NotPrincipal` of the consequence's statement.
    Principal,
    /// At `/Version`.
    Version,
    /// In the consequence's statement.
    Statement,
}

impl Scope {
    fn holds(self, consequence: &JsonPath, cause: &JsonPath) -> bool {
        let (c, k) = (consequence.segments(), cause.segments());
        match self {
            Scope::Related => k.starts_with(c) || c.starts_with(k),
            Scope::Principal => {
                k.starts_with(c)
                    && matches!(k.get(c.len()), Some(crate::json::PathSegment::Key(e)) if e == "Principal" || e == "NotPrincipal")
            }
            Scope::Version => {
                matches!(k, [crate::json::PathSegment::Key(v)] if v == "Version")
            }
            Scope::Statement => c.len() >= 2 && k.starts_with(&c[..2]),
        }
    }
}

/// Removes repeats (same code and path) and findings made redundant by a more basic one
/// ([`CONSEQUENCES`]), then orders findings by position.
fn tidy(findings: Vec<Finding>) -> Vec<Finding> {
    let caused = |f: &Finding| {
        CONSEQUENCES
            .iter()
            .filter(|(code, _, _)| *code == f.code)
            .any(|(_, causes, scope)| {
                findings
                    .iter()
                    .any(|c| causes.contains(&c.code) && scope.holds(&f.path, &c.path))
            })
    };
    let keep: Vec<bool> = findings.iter().map(|f| !caused(f)).collect();
    let mut seen = HashSet::new();
    let mut missing_statement_seen = false;
    let mut out: Vec<Finding> = findings
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|(f, _)| f)
        .filter(|f| {
            if f.code != Code::MISSING_STATEMENT {
                return true;
            }
            !std::mem::replace(&mut missing_statement_seen, true)
        })
        .filter(|f| seen.insert((f.code, f.path.clone())))
        .collect();
    out.sort_by_key(|f| f.span.map(|s| s.start).unwrap_or(usize::MAX));
    out
}

/// Sorts and deduplicates findings made on a model (no spans): used by [`validate`] callers
/// that want a stable order.
pub fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(&b.code)));
    findings.dedup_by(|a, b| a.code == b.code && a.path == b.path);
    findings
}

/// The length IAM counts for a parsed document: its compact form, in characters.
pub fn compact_size(tree: &Spanned<JsonValue>) -> usize {
    fn walk(v: &JsonValue, n: &mut usize) {
        match v {
            JsonValue::Null => *n += 4,
            JsonValue::Bool(true) => *n += 4,
            JsonValue::Bool(false) => *n += 5,
            JsonValue::Number(s) => *n += s.chars().count(),
            JsonValue::String(s) => *n += crate::json::escaped_len(s),
            JsonValue::Array(items) => {
                *n += 2 + items.len().saturating_sub(1);
                for i in items {
                    walk(&i.value, n);
                }
            }
            JsonValue::Object(members) => {
                *n += 2 + members.len().saturating_sub(1);
                for (k, v) in members {
                    *n += crate::json::escaped_len(&k.value) + 1;
                    walk(&v.value, n);
                }
            }
        }
    }
    let mut n = 0;
    walk(&tree.value, &mut n);
    n
}
