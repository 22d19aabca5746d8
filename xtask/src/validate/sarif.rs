//! The `--format sarif` report: SARIF 2.1.0, one run, shaped for code-scanning UIs (GitHub
//! code scanning and the like):
//!
//! * files as `artifactLocation.uri` relative to the directory the run started in, with
//!   `uriBaseId` `%SRCROOT%` (the repository root when CI runs from it); a file outside that
//!   directory gets an absolute `file://` URI;
//! * regions with start and end line and column (columns count characters, as the
//!   validator does: `columnKind` `unicodeCodePoints`, the end column one past the last);
//! * `partialFingerprints` that follow a finding when lines move: a hash of the code, the
//!   file and the JSON path;
//! * levels: errors `error`, warnings `warning`, security findings `error` when they fail the
//!   run (`--fail-on security` or `warning`) and `warning` otherwise; an acknowledged finding
//!   is a `note` with an external suppression carrying its reason;
//! * a rule per code used, with `helpUri` into `docs/finding-codes.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_model::finding::{Code, Severity};
use serde_json::{json, Value};

use super::{Checked, FailOn, Reported};

/// Where the finding codes are documented (generated from `Code::ALL` by `cargo xtask
/// codegen`); each code has an anchor, its name in lowercase.
pub(crate) const CODES_DOC: &str = "docs/finding-codes.md";

/// The help page of a code.
fn help_uri(code: Code) -> String {
    format!(
        "{}/blob/main/{CODES_DOC}#{}",
        env!("CARGO_PKG_REPOSITORY"),
        code.as_str().to_ascii_lowercase()
    )
}

/// The level of a finding under `fail_on`.
fn level(r: &Reported, fail_on: FailOn) -> &'static str {
    if r.acknowledged.is_some() {
        return "note";
    }
    severity_level(r.finding.severity, fail_on)
}

fn severity_level(severity: Severity, fail_on: FailOn) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning if fail_on.fails(Severity::Warning) => "error",
        Severity::Warning => "warning",
        Severity::Security if fail_on.fails(Severity::Security) => "error",
        Severity::Security => "warning",
    }
}

/// The report.
pub(crate) fn report(checked: &[Checked], fail_on: FailOn) -> Value {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // The rules are the codes used, in the order `Code::ALL` lists them.
    let used: BTreeMap<Code, usize> = {
        let mut codes: Vec<Code> = checked
            .iter()
            .flat_map(|c| c.findings.iter().map(|r| r.finding.code))
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
                "helpUri": help_uri(*code),
                "defaultConfiguration": {"level": severity_level(code.severity(), fail_on)},
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
    let mut results = Vec::new();
    for c in checked {
        let artifact = artifact_location(&c.name, &cwd);
        for r in &c.findings {
            let f = &r.finding;
            let message = match &f.help {
                Some(help) => format!("{} (help: {help})", f.message),
                None => f.message.clone(),
            };
            let mut location = json!({
                "physicalLocation": {"artifactLocation": artifact.clone()},
                "logicalLocations": [{"fullyQualifiedName": f.path.to_string(), "kind": "member"}],
            });
            if let Some(span) = f.span {
                let (end_line, end_column) = position(&c.text, span.end.max(span.start));
                location["physicalLocation"]["region"] = json!({
                    "startLine": span.line,
                    "startColumn": span.column,
                    "endLine": end_line,
                    "endColumn": end_column,
                });
            }
            let mut result = json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": used.get(&f.code).copied().unwrap_or(0),
                "level": level(r, fail_on),
                "message": {"text": message},
                "locations": [location],
                "partialFingerprints": {
                    "rolewrightFinding/v1": fingerprint(&[f.code.as_str(), &c.name, &f.path.to_string()]),
                },
            });
            if let Some(reason) = &r.acknowledged {
                result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolewright",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            // Columns count characters (Unicode scalar values), as the validator does.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The `artifactLocation` of a file shown as `name`: relative to `cwd` with `%SRCROOT%`
/// when it is below it, an absolute `file://` URI otherwise.
fn artifact_location(name: &str, cwd: &Path) -> Value {
    if name == "<stdin>" {
        return json!({"uri": "stdin"});
    }
    let path = Path::new(name);
    let relative = if path.is_absolute() {
        path.strip_prefix(cwd).ok().map(Path::to_path_buf)
    } else {
        Some(path.to_path_buf())
    };
    match relative {
        Some(rel) => {
            let text = rel.to_string_lossy().replace('\\', "/");
            let text = text.trim_start_matches("./");
            json!({"uri": encode(text), "uriBaseId": "%SRCROOT%"})
        }
        None => json!({"uri": format!("file://{}", encode(&name.replace('\\', "/")))}),
    }
}

/// Percent-encodes what a URI path cannot hold as is (RFC 3986 unreserved characters and
/// `/` stay).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// A stable 64-bit FNV-1a hash of the parts, in hex.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "{\n  \"é\": 1\n}";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 2), (2, 1));
        // After `"é"`: four characters into line 2 (the `é` is two bytes).
        assert_eq!(position(text, 8), (2, 6));
        assert_eq!(position(text, text.len()), (3, 2));
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        let cwd = Path::new("/repo");
        assert_eq!(
            artifact_location("policies/a b.json", cwd),
            json!({"uri": "policies/a%20b.json", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/repo/p/x.json", cwd),
            json!({"uri": "p/x.json", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/elsewhere/x.json", cwd),
            json!({"uri": "file:///elsewhere/x.json"})
        );
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["A", "b"]), fingerprint(&["A", "b"]));
        assert_ne!(fingerprint(&["A", "b"]), fingerprint(&["Ab", ""]));
    }
}
