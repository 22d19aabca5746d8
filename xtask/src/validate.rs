//! `cargo xtask validate [--kind …] [--attach …] [--trust-quota N] [--account-id ID]
//! [--format human|json|sarif] FILE...`: the policy linter, for CI and pre-commit.
//!
//! Each `FILE` is a policy document; `-` reads one from stdin, and a directory stands for
//! every `*.json` below it (sorted, symbolic links to directories not followed). Every file is
//! validated with `iam_model::validate_json` under one [`ValidationContext`] built from the
//! flags, and reported in one of three formats:
//!
//! * `human` (default): each finding on its source line, miette style, then a summary. Colors
//!   only when stdout is a terminal and `NO_COLOR` is unset or empty; otherwise the output is
//!   plain and the same on every run.
//! * `json`: one array with an element per file, `{"file", "valid", "findings": [{"code",
//!   "severity", "path", "message", "help", "line", "column"}]}`.
//! * `sarif`: SARIF 2.1.0 for code-scanning UIs: the driver `rolewright` with a rule per code
//!   used, a result per finding (`error`, `warning`, or `note` for security findings, which
//!   leave the policy valid), located by line and column.
//!
//! Reading stops once an input is certainly over IAM's cap of 131,072 characters (after
//! 131,073 bytes, or 524,289 when the text is multi-byte), so `/dev/zero` or an endless pipe
//! is reported INPUT_TOO_LARGE rather than read until memory runs out. Files are read and
//! validated on every core, each worker taking the next file; the report keeps input order.
//!
//! A policy is valid when it has no error. Exit status: 0 when every file is valid, 1 when any
//! has an error, 2 for a usage or I/O problem (a file that cannot be read, no file at all);
//! files that can be read are still validated and reported then.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};

use iam_model::finding::{Code, Finding, Severity};
use iam_model::{validate_json, Attachment, PolicyKind, ValidationContext};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde_json::{json, Value};

/// What the policies are used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// Identity-based policies (attached to a user, group or role).
    Identity,
    /// Role trust policies.
    Trust,
    /// Resource-based policies (bucket, queue, key, … policies).
    Resource,
}

/// How identity policies are attached: it decides their size quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Attach {
    /// A customer managed policy (6,144 characters).
    Managed,
    /// A role's inline policies (10,240 together).
    InlineRole,
    /// A user's inline policies (2,048 together).
    InlineUser,
    /// A group's inline policies (5,120 together).
    InlineGroup,
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
    /// What the policies are used as.
    #[arg(long, value_enum, default_value_t = Kind::Identity)]
    kind: Kind,
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
    /// Policy files; `-` reads stdin; a directory stands for every `*.json` below it.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

/// One policy and its findings.
struct Checked {
    /// The name shown: the path as given or found, or `<stdin>`.
    name: String,
    /// The text, for showing findings in it (invalid UTF-8 replaced); empty when there are
    /// none, so that a directory of valid policies is not held in memory.
    text: String,
    valid: bool,
    findings: Vec<Finding>,
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
    std::io::stdout().flush()?;
    std::process::exit(status)
}

/// Validates and prints; the exit status, or a usage problem.
fn validate(args: &Args) -> Result<i32, String> {
    let ctx = context(args)?;
    let (inputs, mut io_problem) = collect(&args.files);
    let mut checked = Vec::with_capacity(inputs.len());
    for result in check_all(&inputs, &ctx) {
        match result {
            Ok(c) => checked.push(c),
            Err(message) => {
                eprintln!("error: {message}");
                io_problem = true;
            }
        }
    }
    if checked.is_empty() && !io_problem {
        eprintln!("error: no policy to validate: the directories given hold no `*.json` file");
        io_problem = true;
    }
    // One write per buffer, not per line: a directory of 10,000 policies prints 10,000 lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let printed = match args.format {
        Format::Human => human(&checked, &mut out),
        Format::Json => writeln!(out, "{}", pretty(&json_report(&checked))),
        Format::Sarif => writeln!(out, "{}", pretty(&sarif(&checked))),
    }
    .and_then(|()| out.flush());
    if let Err(e) = printed {
        eprintln!("error: cannot write the report: {e}");
        return Ok(2);
    }
    Ok(if io_problem {
        2
    } else if checked.iter().all(|c| c.valid) {
        0
    } else {
        1
    })
}

fn context(args: &Args) -> Result<ValidationContext, String> {
    let kind = match (args.kind, args.attach) {
        (Kind::Identity, attach) => PolicyKind::Identity(match attach.unwrap_or(Attach::Managed) {
            Attach::Managed => Attachment::Managed,
            Attach::InlineRole => Attachment::InlineRole,
            Attach::InlineUser => Attachment::InlineUser,
            Attach::InlineGroup => Attachment::InlineGroup,
        }),
        (_, Some(_)) => {
            return Err(
                "`--attach` applies to identity policies only (`--kind identity`)".to_owned(),
            )
        }
        (Kind::Trust, None) => PolicyKind::Trust,
        (Kind::Resource, None) => PolicyKind::Resource,
    };
    let mut ctx = ValidationContext::new(kind);
    if let Some(quota) = args.trust_quota {
        if quota == 0 {
            return Err(
                "`--trust-quota` must be a positive number of characters, e.g. `4096`".to_owned(),
            );
        }
        ctx = ctx.with_trust_quota(quota);
    }
    if let Some(id) = &args.account_id {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{id}` is not an account id: `--account-id` takes 12 digits"
            ));
        }
        ctx = ctx.with_account_id(id);
    }
    Ok(ctx)
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

/// The most characters a policy document may have (IAM's cap): reading stops soon after it.
const CAP: usize = iam_model::json::Limits::IAM_MAX_CHARS;

/// Reads `input` into `bytes` (cleared first), stopping as soon as the input is certainly
/// longer than [`CAP`] characters, so that `/dev/zero` or an endless pipe costs [`CAP`] + 1
/// bytes: first `CAP + 1` bytes; when those are fewer than `CAP + 1` characters (multi-byte
/// UTF-8), on to `4 × CAP + 1` bytes, past which no text fits in the cap. True when reading
/// stopped before the end. Files are opened and read without asking their size first (no
/// `statx` per file).
fn read_capped(reader: &mut impl std::io::Read, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
    bytes.clear();
    let first = (CAP + 1) as u64;
    reader.by_ref().take(first).read_to_end(bytes)?;
    if bytes.len() <= CAP {
        return Ok(false);
    }
    if chars(bytes) > CAP {
        return Ok(true);
    }
    let rest = (4 * CAP + 1 - bytes.len()) as u64;
    reader.take(rest).read_to_end(bytes)?;
    Ok(bytes.len() > 4 * CAP)
}

/// The characters in UTF-8 `bytes`: the bytes that do not continue a character.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

/// Reads one input into `bytes`; whether reading stopped before the end (see [`read_capped`]).
fn read(input: &Input, bytes: &mut Vec<u8>) -> Result<bool, String> {
    match input {
        Input::Stdin => read_capped(&mut std::io::stdin().lock(), bytes)
            .map_err(|e| format!("cannot read stdin: {e}")),
        Input::File(path) => std::fs::File::open(path)
            .and_then(|mut file| read_capped(&mut file, bytes))
            .map_err(|e| format!("cannot read `{}`: {e}", path.display())),
    }
}

/// Reads and validates one input. `bytes` is a buffer reused from input to input. The text is
/// kept only when there are findings to show in it.
fn check_one(
    input: &Input,
    ctx: &ValidationContext,
    bytes: &mut Vec<u8>,
) -> Result<Checked, String> {
    let cut = read(input, bytes)?;
    let findings = if cut {
        vec![oversized(bytes.len())]
    } else {
        validate_json(bytes, ctx).findings
    };
    Ok(Checked {
        name: input.name(),
        text: if findings.is_empty() {
            String::new()
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        },
        valid: !findings.iter().any(Finding::is_error),
        findings,
    })
}

/// INPUT_TOO_LARGE for an input read only in part: its length is not known, only that it is
/// over the cap.
fn oversized(read: usize) -> Finding {
    let mut f = Finding::new(
        Code::INPUT_TOO_LARGE,
        iam_model::json::JsonPath::root(),
        format!(
            "document is longer than the limit of {CAP} characters (reading stopped after {read} bytes)"
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

/// Every input read and validated, in input order, the files spread over the cores: each
/// worker takes the next input not taken yet, so a slow file does not hold up the others.
fn check_all(inputs: &[Input], ctx: &ValidationContext) -> Vec<Result<Checked, String>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(inputs.len());
    if workers <= 1 {
        let mut bytes = Vec::new();
        return inputs
            .iter()
            .map(|i| check_one(i, ctx, &mut bytes))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Result<Checked, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut bytes = Vec::new();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        mine.push((i, check_one(input, ctx, &mut bytes)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
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
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            // A missing or unreadable file is reported when it is read.
            inputs.push(Input::File(path));
        }
    }
    (inputs, problem)
}

/// Every `*.json` file below `dir`, in path order. Each directory's entries are sorted by
/// name and directories walked in that order, which is the order of sorting every path by its
/// components, without comparing 10,000 paths component by component; the entry's file type
/// comes with the listing (no `stat` per file).
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?;
    let mut listed = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?;
        let file_type = entry
            .file_type()
            .map_err(|e| format!("cannot read `{}`: {e}", entry.path().display()))?;
        listed.push((entry.file_name(), file_type.is_dir()));
    }
    listed.sort_unstable();
    for (name, is_dir) in listed {
        let path = dir.join(&name);
        if is_dir {
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

/// `3 errors, 1 warning, 2 security findings`, or `no findings`.
fn counts(findings: &[Finding]) -> String {
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    let parts: Vec<String> = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (
            count(Severity::Security),
            "security finding",
            "security findings",
        ),
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
        for f in &c.findings {
            let shown = Shown {
                finding: f,
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
        Some(Box::new(match f.severity {
            Severity::Security => format!("{} (security)", f.code),
            _ => f.code.to_string(),
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Security => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
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
                    "findings": c.findings.iter().map(|f| json!({
                        "code": f.code.as_str(),
                        "severity": f.severity.as_str(),
                        "path": f.path.to_string(),
                        "message": f.message,
                        "help": f.help,
                        "line": f.span.map(|s| s.line),
                        "column": f.span.map(|s| s.column),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// SARIF's level for a severity: a security finding leaves the policy valid.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Security => "note",
    }
}

/// The `--format sarif` report: SARIF 2.1.0, one run.
fn sarif(checked: &[Checked]) -> Value {
    // The rules are the codes used, in the order `Code::ALL` lists them.
    let used: BTreeMap<Code, usize> = {
        let mut codes: Vec<Code> = checked
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.code))
            .collect();
        codes.sort();
        codes.dedup();
        codes.into_iter().enumerate().map(|(i, c)| (c, i)).collect()
    };
    let rules: Vec<Value> = used
        .keys()
        .map(|code| {
            let mut rule = json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.description()},
                "defaultConfiguration": {"level": level(code.severity())},
                "properties": {"severity": code.severity().as_str()},
            });
            if code.severity() == Severity::Security {
                // Code-scanning UIs rank security alerts by this score (0 to 10).
                rule["properties"]["tags"] = json!(["security"]);
                rule["properties"]["security-severity"] = json!("7.0");
            }
            rule
        })
        .collect();
    let used = &used;
    let results: Vec<Value> = checked
        .iter()
        .flat_map(|c| {
            c.findings.iter().map(move |f| {
                let message = match &f.help {
                    Some(help) => format!("{} (help: {help})", f.message),
                    None => f.message.clone(),
                };
                let mut location = json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": if c.name == "<stdin>" { "stdin".to_owned() } else { c.name.clone() }},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.path.to_string(), "kind": "member"}],
                });
                if let Some(span) = f.span {
                    location["physicalLocation"]["region"] = json!({"startLine": span.line, "startColumn": span.column});
                }
                json!({
                    "ruleId": f.code.as_str(),
                    "ruleIndex": used.get(&f.code).copied().unwrap_or(0),
                    "level": level(f.severity),
                    "message": {"text": message},
                    "locations": [location],
                })
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolewright",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count characters (Unicode scalar values), as the validator does.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
