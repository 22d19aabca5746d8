//! The settings of one `cargo xtask validate` run: the flags, merged over the `[validate]`
//! table of a `rolewright.toml` (given with `--config`, or the first found from the current
//! directory upward), and what they decide: the [`ValidationContext`], the parser limits,
//! which severities fail the run, which codes are ignored and which findings are
//! acknowledged.
//!
//! ```toml
//! [validate]
//! kind = "identity"            # identity | trust | resource
//! attach = "aws-managed"       # managed | inline-role | inline-user | inline-group | aws-managed
//! trust-quota = 4096
//! account-id = "123456789012"
//! fail-on = "security"         # error | security | warning
//! ignore = ["UNKNOWN_SERVICE"]
//!
//! [[validate.acknowledge]]
//! code = "FULL_ADMIN"
//! file = "policies/break-glass.json"   # relative to this file; optional
//! sid = "BreakGlass"                   # optional
//! reason = "the break-glass role is full admin by design"
//! ```
//!
//! Flags win over the file; `--ignore` adds to `ignore`. An acknowledged finding (a warning
//! or a security finding; errors are not acknowledgeable, IAM rejects the policy) stays in
//! the report as a note with its reason and never fails the run, as acknowledgements do for
//! deployments built in Rust. An acknowledgement of a file that was validated and matched
//! nothing there is stale (the finding is fixed, or `file`/`sid` is wrong): a warning on
//! stderr names it, without changing the exit status.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use iam_model::json::Limits;
use iam_model::{
    Attachment, Code, Finding, PolicyDocument, PolicyKind, Severity, ValidationContext,
};
use serde::Deserialize;

use super::{Args, Attach, Kind, UsageError};

/// The configuration file looked for from the current directory upward.
pub(crate) const FILE_NAME: &str = "rolewright.toml";

/// Which findings fail the run (exit status 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum FailOn {
    /// Errors only (the default): the policy is invalid.
    #[default]
    Error,
    /// Errors and security findings.
    Security,
    /// Errors, security findings and warnings.
    Warning,
}

impl FailOn {
    /// Whether an unacknowledged finding of `severity` fails the run.
    pub(crate) fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Security => severity != Severity::Warning,
            FailOn::Warning => true,
        }
    }
}

/// The `[validate]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    kind: Option<Kind>,
    attach: Option<Attach>,
    trust_quota: Option<usize>,
    account_id: Option<String>,
    fail_on: Option<FailOn>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    acknowledge: Vec<AckEntry>,
}

/// One `[[validate.acknowledge]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AckEntry {
    code: toml::Spanned<String>,
    file: Option<toml::Spanned<String>>,
    sid: Option<String>,
    reason: toml::Spanned<String>,
}

/// The whole file: other tables belong to other tools.
#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    validate: Table,
}

/// An acknowledgement, its file resolved.
#[derive(Debug)]
pub(crate) struct Acknowledgement {
    code: Code,
    /// The file, canonical, when the acknowledgement names one.
    file: Option<PathBuf>,
    sid: Option<String>,
    reason: String,
    /// Where it is written, for the warning when it matches nothing.
    at: String,
    /// Whether a finding matched it (atomic: files may be validated on several threads).
    used: AtomicBool,
}

/// What the run does.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) ctx: ValidationContext,
    pub(crate) limits: Limits,
    pub(crate) fail_on: FailOn,
    pub(crate) ignore: Vec<Code>,
    acknowledgements: Vec<Acknowledgement>,
}

/// How much larger than IAM's `PolicyDocument` limit an AWS managed policy may be: AWS writes
/// them without that limit, and the largest moto bundles is 152,297 characters compact.
const AWS_MANAGED_MAX_CHARS: usize = 4 * Limits::IAM_MAX_CHARS;

impl Settings {
    /// The settings from the flags and the configuration file, or a usage problem.
    pub(crate) fn resolve(args: &Args) -> Result<Settings, UsageError> {
        let found = match &args.config {
            Some(path) => Some(path.clone()),
            None => find(&std::env::current_dir().map_err(|e| {
                UsageError::Settings(format!("cannot read the current directory: {e}"))
            })?),
        };
        let (table, source) = match found {
            Some(path) => {
                let (table, text) = read(&path).map_err(UsageError::Settings)?;
                (table, Source { path, text })
            }
            None => (Table::default(), Source::default()),
        };
        let base = parent(&source.path);
        let kind = args.kind.or(table.kind).unwrap_or(Kind::Identity);
        let attach = args.attach.or(table.attach);
        let mut ctx = ValidationContext::new(policy_kind(kind, attach)?);
        if let Some(quota) = args.trust_quota.or(table.trust_quota) {
            if quota == 0 {
                return Err(UsageError::ZeroTrustQuota);
            }
            ctx = ctx.with_trust_quota(quota);
        }
        if let Some(id) = args.account_id.as_ref().or(table.account_id.as_ref()) {
            if !iam_model::AccountId::is_valid(id) {
                return Err(UsageError::AccountId(id.clone()));
            }
            ctx = ctx.with_account_id(id);
        }
        let limits = Limits {
            max_bytes: if attach == Some(Attach::AwsManaged) {
                AWS_MANAGED_MAX_CHARS
            } else {
                Limits::IAM_MAX_CHARS
            },
            ..Limits::default()
        };
        let (ignore, acknowledgements) =
            Self::codes(args, table.ignore, table.acknowledge, &source, &base)
                .map_err(UsageError::Settings)?;
        Ok(Settings {
            ctx,
            limits,
            fail_on: args.fail_on.or(table.fail_on).unwrap_or_default(),
            ignore,
            acknowledgements,
        })
    }

    /// The codes to ignore and the acknowledgements, checked: known codes, acknowledgeable
    /// severities, reasons, files that exist. Problems in the file are located in it.
    fn codes(
        args: &Args,
        table_ignore: Vec<toml::Spanned<String>>,
        table_acknowledge: Vec<AckEntry>,
        source: &Source,
        base: &Path,
    ) -> Result<(Vec<Code>, Vec<Acknowledgement>), String> {
        let mut ignore = Vec::new();
        for name in &table_ignore {
            ignore.push(
                code(name.get_ref())
                    .map_err(|e| format!("{}: `ignore`: {e}", source.at(name.span())))?,
            );
        }
        for name in &args.ignore {
            ignore.push(code(name).map_err(|e| format!("`--ignore`: {e}"))?);
        }
        let mut acknowledgements = Vec::new();
        for a in table_acknowledge {
            let at = source.at(a.code.span());
            let code = code(a.code.get_ref()).map_err(|e| format!("{at}: `acknowledge`: {e}"))?;
            if code.severity() == Severity::Error {
                return Err(format!(
                    "{at}: `acknowledge`: `{code}` is an error, which cannot be acknowledged: IAM rejects the policy (to stop reporting it, put it in `ignore`)"
                ));
            }
            if a.reason.get_ref().trim().is_empty() {
                return Err(format!(
                    "{}: `acknowledge` of `{code}`: the `reason` is empty; say why the finding is intended",
                    source.at(a.reason.span())
                ));
            }
            let file = match &a.file {
                Some(f) => {
                    let path = base.join(f.get_ref());
                    Some(std::fs::canonicalize(&path).map_err(|e| {
                        format!(
                            "{}: `acknowledge` of `{code}`: cannot find `{}` (relative to the configuration file): {e}",
                            source.at(f.span()),
                            f.get_ref()
                        )
                    })?)
                }
                None => None,
            };
            acknowledgements.push(Acknowledgement {
                code,
                file,
                sid: a.sid,
                reason: a.reason.into_inner(),
                at,
                used: AtomicBool::new(false),
            });
        }
        Ok((ignore, acknowledgements))
    }

    /// The reason `finding` (in `file`, of `doc`) is acknowledged, if it is.
    pub(crate) fn acknowledged(
        &self,
        finding: &Finding,
        file: Option<&Path>,
        doc: Option<&PolicyDocument>,
    ) -> Option<String> {
        if finding.severity == Severity::Error || self.acknowledgements.is_empty() {
            return None;
        }
        let canonical = file.and_then(|f| std::fs::canonicalize(f).ok());
        let sid = statement_index(finding)
            .and_then(|i| doc?.statements.get(i))
            .and_then(|st| st.sid.as_deref());
        self.acknowledgements
            .iter()
            .find(|a| {
                a.code == finding.code
                    && a.file
                        .as_ref()
                        .is_none_or(|f| canonical.as_ref() == Some(f))
                    && a.sid.as_ref().is_none_or(|s| sid == Some(s.as_str()))
            })
            .map(|a| {
                a.used.store(true, Ordering::Relaxed);
                a.reason.clone()
            })
    }

    /// Whether some acknowledgement names a file: only then are the files validated worth
    /// resolving (a `realpath` per file) for [`Settings::unused`].
    pub(crate) fn tracks_files(&self) -> bool {
        self.acknowledgements.iter().any(|a| a.file.is_some())
    }

    /// The acknowledgements of one of `validated` (canonical paths) that matched no finding
    /// there: stale once the finding is fixed, or aimed at the wrong file or statement. Those
    /// without a file are not judged, as a run may cover only some files.
    pub(crate) fn unused(&self, validated: &[PathBuf]) -> Vec<String> {
        self.acknowledgements
            .iter()
            .filter(|a| !a.used.load(Ordering::Relaxed))
            .filter_map(|a| {
                let file = a.file.as_ref().filter(|f| validated.contains(f))?;
                Some(format!(
                    "{}: the acknowledgement of `{}` in `{}`{} matched no finding: remove it, or correct its `file` or `sid`",
                    a.at,
                    a.code,
                    file.display(),
                    a.sid.as_ref().map(|s| format!(", statement `{s}`")).unwrap_or_default()
                ))
            })
            .collect()
    }
}

/// The statement a finding is about: the index after `/Statement/` in its path.
fn statement_index(finding: &Finding) -> Option<usize> {
    let path = finding.path.to_string();
    let rest = path.strip_prefix("/Statement/")?;
    rest.split('/').next()?.parse().ok()
}

fn policy_kind(kind: Kind, attach: Option<Attach>) -> Result<PolicyKind, UsageError> {
    Ok(match (kind, attach) {
        (Kind::Identity, attach) => PolicyKind::Identity(match attach.unwrap_or(Attach::Managed) {
            Attach::Managed => Attachment::Managed,
            Attach::InlineRole => Attachment::InlineRole,
            Attach::InlineUser => Attachment::InlineUser,
            Attach::InlineGroup => Attachment::InlineGroup,
            Attach::AwsManaged => Attachment::AwsManaged,
        }),
        (_, Some(_)) => return Err(UsageError::AttachNeedsIdentity),
        (Kind::Trust, None) => PolicyKind::Trust,
        (Kind::Resource, None) => PolicyKind::Resource,
    })
}

/// A finding code by name, or what is wrong with the name.
fn code(name: &str) -> Result<Code, String> {
    Code::from_name(name).ok_or_else(|| {
        let names = Code::ALL.iter().map(|c| c.as_str());
        let help = match iam_model::suggest::nearest(name, names, 1).first() {
            Some(near) => format!("did you mean `{near}`?"),
            None => "the codes are listed in docs/finding-codes.md".to_owned(),
        };
        format!("`{name}` is not a finding code; {help}")
    })
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The configuration file read, for locating problems in it.
#[derive(Default)]
struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    /// `` `rolewright.toml`:3:10 ``: the file, line and column (in characters) of a byte
    /// range of it.
    fn at(&self, span: std::ops::Range<usize>) -> String {
        let before = self.text.get(..span.start).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        format!("`{}`:{line}:{column}", self.path.display())
    }
}

/// The first `rolewright.toml` from `dir` upward.
fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The `[validate]` table of the configuration file, and its text.
fn read(path: &Path) -> Result<(Table, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration `{}`: {e}", path.display()))?;
    let table = toml::from_str::<File>(&text)
        .map(|f| f.validate)
        .map_err(|e| {
            format!(
                "invalid configuration `{}`: {}",
                path.display(),
                e.to_string().trim_end()
            )
        })?;
    Ok((table, text))
}
