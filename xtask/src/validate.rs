//! `cargo xtask validate [--kind …] [--attach …] [--trust-quota N] [--account-id ID]
//! [--fail-on error|security|warning] [--ignore CODE]… [--config FILE]
//! [--format human|json|sarif] FILE...`: the policy linter, for CI and pre-commit.
//!
//! Each `FILE` is a policy document; `-` reads one from stdin, and a directory stands for
//! every `*.json` below it (sorted, symbolic links to directories not followed). Every file is
//! validated with `iam_model::validate_json` under one [`iam_model::ValidationContext`] built from the
//! flags and the `[validate]` table of `rolewright.toml` ([`config`]), and reported in one
//! of three formats:
//!
//! * `human` (default): each finding on its source line, miette style, then a summary. Colors
//!   only when stdout is a terminal and `NO_COLOR` is unset or empty; otherwise the output is
//!   plain and the same on every run.
//! * `json`: one array with an element per file, `{"file", "valid", "findings": [{"code",
//!   "severity", "path", "message", "help", "line", "column", "acknowledged"}]}`.
//! * `sarif`: SARIF 2.1.0 for code-scanning UIs ([`sarif`]).
//!
//! Reading stops once an input is certainly over the size cap (131,072 characters: after
//! 131,073 bytes, or 524,289 when the text is multi-byte), so `/dev/zero` or an endless pipe
//! is reported INPUT_TOO_LARGE rather than read until memory runs out.
//!
//! A policy is valid when it has no error. Exit status: 0 when no finding fails the run, 1
//! when one does (`--fail-on`: errors by default; acknowledged and ignored findings never
//! do), 2 for a usage or I/O problem (a file that cannot be read, no file at all, a bad
//! configuration); files that can be read are still validated and reported then. A closed
//! standard output (`validate … | head`) ends the run quietly.

mod config;
mod sarif;

use std::fmt;
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};

use iam_model::finding::{Finding, Severity};
use iam_model::validate::validate_json_with;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde_json::{json, Value};

use config::{FailOn, Settings};

/// What the policies are used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// Identity-based policies (attached to a user, group or role).
    Identity,
    /// Role trust policies.
    Trust,
    /// Resource-based policies (bucket, queue, key, … policies).
    Resource,
}

/// How identity policies are attached: it decides their size quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Attach {
    /// A customer managed policy (6,144 characters).
    Managed,
    /// A role's inline policies (10,240 together).
    InlineRole,
    /// A user's inline policies (2,048 together).
    InlineUser,
    /// A group's inline policies (5,120 together).
    InlineGroup,
    /// An AWS managed policy: no customer size quota, and up to four times the 131,072
    /// characters of IAM's `PolicyDocument` parameter (AWS writes these policies directly).
    AwsManaged,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Findings on their source lines, then a summary.
    Human,
    /// One JSON array, an element per file.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Flags of `cargo xtask validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// What the policies are used as (default: identity).
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// How identity policies are attached (their size quota); identity policies only.
    #[arg(long, value_enum)]
    attach: Option<Attach>,
    /// The account's role trust policy quota, in characters (2,048 unless raised).
    #[arg(long = "trust-quota", value_name = "N")]
    trust_quota: Option<usize>,
    /// The account the policies live in: enables the cross-account trust check.
    #[arg(long = "account-id", value_name = "ID")]
    account_id: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Which findings fail the run (exit status 1): errors (default), errors and security
    /// findings, or those and warnings too.
    #[arg(long = "fail-on", value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Drops every finding of this code (repeatable), e.g. `--ignore UNKNOWN_SERVICE`.
    #[arg(long, value_name = "CODE")]
    ignore: Vec<String>,
    /// The configuration file (default: the first `rolewright.toml` from the current
    /// directory upward); its `[validate]` table holds defaults for these flags and
    /// acknowledgements.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Policy files; `-` reads stdin; a directory stands for every `*.json` below it.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

/// One policy and its findings.
struct Checked {
    /// The name shown: the path as given or found, or `<stdin>`.
    name: String,
    /// The text, for showing findings in it (invalid UTF-8 replaced).
    text: String,
    valid: bool,
    findings: Vec<Reported>,
}

/// A finding as reported: with the reason it is acknowledged for, when it is.
struct Reported {
    finding: Finding,
    acknowledged: Option<String>,
}

impl Reported {
    /// Whether the finding fails the run.
    fn fails(&self, fail_on: FailOn) -> bool {
        self.acknowledged.is_none() && fail_on.fails(self.finding.severity)
    }
}

/// Runs the subcommand and exits with its status (see the module docs).
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let status = match validate(args) {
        Ok(status) => status,
        Err(usage) => {
            eprintln!("error: {usage}");
            2
        }
    };
    // A reader that stopped reading (`| head`) has what it wanted: nothing to say about it.
    if let Err(e) = std::io::stdout().flush() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            std::process::exit(2);
        }
    }
    std::process::exit(status)
}

/// A problem with the flags or the files given, reported as `error: ...`.
#[derive(Debug, thiserror::Error)]
enum UsageError {
    #[error("`--attach` applies to identity policies only (`--kind identity`)")]
    AttachNeedsIdentity,
    #[error("`--trust-quota` must be a positive number of characters, e.g. `4096`")]
    ZeroTrustQuota,
    #[error("`{0}` is not an account id: `--account-id` takes 12 digits")]
    AccountId(String),
    #[error("cannot read {what}: {source}")]
    Read {
        /// `stdin` or the file in backticks.
        what: String,
        source: std::io::Error,
    },
    #[error("cannot list `{dir}`: {source}")]
    List { dir: String, source: std::io::Error },
    /// A problem with `--ignore`, `--config` or the configuration file, located in it.
    #[error("{0}")]
    Settings(String),
}

/// Validates and prints; the exit status, or a usage problem.
fn validate(args: &Args) -> Result<i32, UsageError> {
    let settings = Settings::resolve(args)?;
    let (inputs, mut io_problem) = collect(&args.files);
    let mut checked = Vec::with_capacity(inputs.len());
    // Canonical paths of the files read, for the acknowledgements that matched nothing.
    let mut validated = Vec::new();
    for input in inputs {
        let cap = settings.limits.max_bytes;
        let (bytes, cut) = match read(&input, cap) {
            Ok(read) => read,
            Err(message) => {
                eprintln!("error: {message}");
                io_problem = true;
                continue;
            }
        };
        let report = if cut {
            iam_model::Report {
                document: None,
                findings: vec![oversized(bytes.len(), cap)],
                spent: Default::default(),
            }
        } else {
            validate_json_with(&bytes, &settings.ctx, &settings.limits)
        };
        let path = match &input {
            Input::File(path) => Some(path.as_path()),
            Input::Stdin => None,
        };
        if settings.tracks_files() {
            validated.extend(path.and_then(|p| std::fs::canonicalize(p).ok()));
        }
        let findings = report
            .findings
            .iter()
            .filter(|f| !settings.ignore.contains(&f.code))
            .map(|f| Reported {
                acknowledged: settings.acknowledged(f, path, report.document.as_ref()),
                finding: f.clone(),
            })
            .collect::<Vec<_>>();
        checked.push(Checked {
            name: input.name(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            valid: !findings.iter().any(|r| r.finding.is_error()),
            findings,
        });
    }
    for stale in settings.unused(&validated) {
        eprintln!("warning: {stale}");
    }
    if checked.is_empty() && !io_problem {
        eprintln!("error: no policy to validate: the directories given hold no `*.json` file");
        io_problem = true;
    }
    let mut out = std::io::stdout().lock();
    let printed = match args.format {
        Format::Human => human(&checked, &mut out),
        Format::Json => writeln!(out, "{}", pretty(&json_report(&checked))),
        Format::Sarif => writeln!(
            out,
            "{}",
            pretty(&sarif::report(&checked, settings.fail_on))
        ),
    };
    match printed {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            return Ok(2);
        }
        Ok(()) => {}
    }
    let fails = checked
        .iter()
        .any(|c| c.findings.iter().any(|r| r.fails(settings.fail_on)));
    Ok(if io_problem {
        2
    } else if fails {
        1
    } else {
        0
    })
}

/// Where a policy comes from.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            // Forward slashes, so that reports read the same on every platform.
            Input::File(path) => path.to_string_lossy().replace('\\', "/"),
        }
    }
}

/// Reads one input, stopping as soon as it is certainly longer than `cap` characters (see
/// [`read_capped`]); the bytes read and whether reading stopped before the end.
fn read(input: &Input, cap: usize) -> Result<(Vec<u8>, bool), UsageError> {
    let mut bytes = Vec::new();
    let cut = match input {
        Input::Stdin => {
            read_capped(&mut std::io::stdin().lock(), &mut bytes, cap).map_err(|source| {
                UsageError::Read {
                    what: "stdin".to_owned(),
                    source,
                }
            })?
        }
        Input::File(path) => std::fs::File::open(path)
            .and_then(|mut file| read_capped(&mut file, &mut bytes, cap))
            .map_err(|source| UsageError::Read {
                what: format!("`{}`", path.display()),
                source,
            })?,
    };
    Ok((bytes, cut))
}

/// Reads `reader` into `bytes`, stopping as soon as the input is certainly longer than `cap`
/// characters, so that `/dev/zero` or an endless pipe costs `cap` + 1 bytes: first `cap + 1`
/// bytes; when those are fewer than `cap + 1` characters (multi-byte UTF-8), on to
/// `4 × cap + 1` bytes, past which no text fits in the cap. True when reading stopped before
/// the end.
fn read_capped(
    reader: &mut impl std::io::Read,
    bytes: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<bool> {
    bytes.clear();
    reader
        .by_ref()
        .take(cap.saturating_add(1) as u64)
        .read_to_end(bytes)?;
    if bytes.len() <= cap {
        return Ok(false);
    }
    if chars(bytes) > cap {
        return Ok(true);
    }
    let limit = cap.saturating_mul(4).saturating_add(1);
    reader
        .take(limit.saturating_sub(bytes.len()) as u64)
        .read_to_end(bytes)?;
    Ok(bytes.len() > cap.saturating_mul(4))
}

/// The characters in UTF-8 `bytes`: the bytes that do not continue a character.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

/// INPUT_TOO_LARGE for an input read only in part: its length is not known, only that it is
/// over the cap.
fn oversized(read: usize, cap: usize) -> Finding {
    let mut f = Finding::new(
        iam_model::Code::INPUT_TOO_LARGE,
        iam_model::json::JsonPath::root(),
        format!(
            "document is longer than the limit of {cap} characters (reading stopped after {read} bytes)"
        ),
    )
    .with_help("IAM accepts policy documents of at most 131,072 characters");
    f.span = Some(iam_model::json::Span {
        start: 0,
        end: read,
        line: 1,
        column: 1,
    });
    f
}

/// The inputs in order: files as given, directories expanded to their `*.json` files
/// (sorted). Reports paths that do not exist or cannot be listed; the flag says there was one.
fn collect(args: &[String]) -> (Vec<Input>, bool) {
    let mut inputs = Vec::new();
    let mut problem = false;
    for arg in args {
        if arg == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = json_files(&path, &mut found) {
                eprintln!("error: {e}");
                problem = true;
            }
            found.sort();
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            // A missing or unreadable file is reported when it is read.
            inputs.push(Input::File(path));
        }
    }
    (inputs, problem)
}

/// Every `*.json` file below `dir`.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), UsageError> {
    let list = |source| UsageError::List {
        dir: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(list)? {
        let entry = entry.map_err(list)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| UsageError::Read {
            what: format!("`{}`", path.display()),
            source,
        })?;
        if file_type.is_dir() {
            json_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("\"cannot print the report: {e}\""))
}

/// `3 errors, 1 warning, 2 security findings, 1 acknowledged`, or `no findings`.
fn counts(findings: &[Reported]) -> String {
    let count = |severity: Severity| {
        findings
            .iter()
            .filter(|r| r.acknowledged.is_none() && r.finding.severity == severity)
            .count()
    };
    let acknowledged = findings.iter().filter(|r| r.acknowledged.is_some()).count();
    let parts: Vec<String> = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (
            count(Severity::Security),
            "security finding",
            "security findings",
        ),
        (acknowledged, "acknowledged", "acknowledged"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The human report: per file a header line, then each finding drawn on its source.
fn human(checked: &[Checked], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    for c in checked {
        let verdict = if c.valid { "valid" } else { "invalid" };
        writeln!(out, "{}: {verdict}, {}", c.name, counts(&c.findings))?;
        let source = Excerpt {
            name: c.name.clone(),
            text: &c.text,
        };
        for r in &c.findings {
            let f = &r.finding;
            let shown = Shown {
                finding: f,
                acknowledged: r.acknowledged.as_deref(),
                source: &source,
                span: f.span.map(|s| label_span(&c.text, s.start, s.end)),
            };
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &shown).is_err() {
                rendered = format!("{f}\n");
            }
            writeln!(out, "{rendered}")?;
        }
    }
    let valid = checked.iter().filter(|c| c.valid).count();
    let files = if checked.len() == 1 { "file" } else { "files" };
    writeln!(
        out,
        "{} {files}: {valid} valid, {} invalid",
        checked.len(),
        checked.len() - valid
    )
}

/// The longest label drawn, in bytes.
const MAX_LABEL: usize = 100;

/// The part of `start..end` on its first line and at most [`MAX_LABEL`] long, within the
/// text: a label over a whole object (or a whole 5 MiB input) would print all of it.
fn label_span(text: &str, start: usize, end: usize) -> SourceSpan {
    let start = floor_char_boundary(text, start.min(text.len()));
    let end = end
        .clamp(start, text.len())
        .min(start.saturating_add(MAX_LABEL));
    let end = text
        .as_bytes()
        .get(start..end)
        .and_then(|s| s.iter().position(|&b| b == b'\n'))
        .map_or(end, |n| start + n);
    let end = floor_char_boundary(text, end).max(start);
    SourceSpan::new(start.into(), end - start)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lines longer than this are shown as an excerpt around the finding.
const LONG_LINE: usize = 160;

/// A file's text for miette, as its own source would show it, except that long lines (compact
/// JSON, a 5 MiB input) are cut to an excerpt around the label: miette prints whole lines.
struct Excerpt<'a> {
    name: String,
    text: &'a str,
}

impl Excerpt<'_> {
    /// Byte range of the line holding `offset`, without its line break, and its 0-based index.
    fn line_at(&self, offset: usize) -> (usize, usize, usize) {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let start = bytes
            .get(..offset)
            .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
            .map_or(0, |n| n + 1);
        let end = bytes
            .get(offset..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
            .map_or(bytes.len(), |n| offset + n);
        let index = bytes
            .get(..start)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        (start, end, index)
    }
}

impl miette::SourceCode for Excerpt<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let (start, end, line) = self.line_at(span.offset());
        // The context shown is the span's line and a line either side: are they short?
        let (before, _, _) = self.line_at(start.saturating_sub(1));
        let (_, after, _) = self.line_at((end + 1).min(self.text.len()));
        let short = |from: usize, to: usize| {
            self.text
                .get(from..to)
                .is_some_and(|s| s.split('\n').all(|l| l.len() <= LONG_LINE))
        };
        if short(before, after) {
            let c = self
                .text
                .read_span(span, context_lines_before, context_lines_after)?;
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                self.name.clone(),
                c.data(),
                *c.span(),
                c.line(),
                c.column(),
                c.line_count(),
            )));
        }
        // An excerpt of the long line: around the span when context is asked for, the span
        // itself when only its position is.
        let (from, to) = if context_lines_before == 0 && context_lines_after == 0 {
            (span.offset(), span.offset() + span.len())
        } else {
            (
                span.offset().saturating_sub(60).max(start),
                (span.offset() + span.len() + 60).min(end),
            )
        };
        let from = floor_char_boundary(self.text, from.clamp(start, end));
        let to = floor_char_boundary(self.text, to.clamp(from, end.max(from)));
        let data = self.text.as_bytes().get(from..to).unwrap_or_default();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(from.into(), to - from),
            line,
            from - start,
            1,
        )))
    }
}

/// A finding as a miette diagnostic over its file.
struct Shown<'a> {
    finding: &'a Finding,
    /// The reason, when the finding is acknowledged: shown instead of the help.
    acknowledged: Option<&'a str>,
    source: &'a Excerpt<'a>,
    span: Option<SourceSpan>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.finding, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let f = self.finding;
        Some(Box::new(match (f.severity, self.acknowledged) {
            (_, Some(_)) => format!("{} ({}, acknowledged)", f.code, f.severity),
            (Severity::Security, None) => format!("{} (security)", f.code),
            _ => f.code.to_string(),
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match (self.finding.severity, self.acknowledged) {
            (_, Some(_)) | (Severity::Security, None) => miette::Severity::Advice,
            (Severity::Error, None) => miette::Severity::Error,
            (Severity::Warning, None) => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if let Some(reason) = self.acknowledged {
            return Some(Box::new(format!("acknowledged: {reason}")));
        }
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let path = self.finding.path.to_string();
        let label = if path.is_empty() {
            "the policy".to_owned()
        } else {
            path
        };
        self.span.map(|span| {
            Box::new(std::iter::once(LabeledSpan::new_with_span(
                Some(label),
                span,
            ))) as Box<dyn Iterator<Item = LabeledSpan>>
        })
    }
}

/// The `--format json` report.
fn json_report(checked: &[Checked]) -> Value {
    Value::Array(
        checked
            .iter()
            .map(|c| {
                json!({
                    "file": c.name,
                    "valid": c.valid,
                    "findings": c.findings.iter().map(|r| {
                        let f = &r.finding;
                        let mut v = json!({
                            "code": f.code.as_str(),
                            "severity": f.severity.as_str(),
                            "path": f.path.to_string(),
                            "message": f.message,
                            "help": f.help,
                            "line": f.span.map(|s| s.line),
                            "column": f.span.map(|s| s.column),
                        });
                        if let Some(reason) = &r.acknowledged {
                            v["acknowledged"] = json!(reason);
                        }
                        v
                    }).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
