//! `cargo xtask diff OLD NEW [--format human|json|sarif]`: does NEW allow anything OLD does not?
//!
//! OLD and NEW are two policy files, or two `render --format iam` outputs (an `iam.json`
//! file, or a folder searched for them). Render outputs are compared role by role, roles
//! matched by account id and name: the trust policy, then the permissions (inline and
//! customer managed policies together, as IAM evaluates them; a managed policy the render does
//! not hold, e.g. an AWS managed one, is compared by ARN). For each, the access NEW adds is
//! shown with a witness request the evaluator confirms (NEW allows it, OLD denies it), and the
//! access it removes likewise; what the analysis cannot decide is shown as undecided.
//!
//! Exit status: 0 no new access (proven); 1 new access, or something undecided (never passed
//! as "no new access"); 2 an error (unreadable or invalid input, bad flags).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use iam_model::eval::{Request, RequestPrincipal};
use iam_model::reason::{self, Comparison, Containment, Verdict};
use iam_model::PolicyDocument;
use serde_json::{json, Value};

use crate::util::display_relative;

/// The report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Text for people.
    Human,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
}

/// Flags of `cargo xtask diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The old policy file, `iam.json`, or folder of `render --format iam` output.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new one, of the same kind.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// The report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// One document (or set of documents) a role holds, or a single policy file.
#[derive(Debug, Default)]
struct Docs {
    /// The documents, with a label each (`inline policy \`x\``).
    docs: Vec<(String, PolicyDocument)>,
    /// Managed policies the input names but does not hold.
    external: BTreeSet<String>,
}

/// What was read from one side.
enum Input {
    Policy(PolicyDocument),
    /// `(account/name, document kind)` → documents.
    Roles(BTreeMap<(String, &'static str), Docs>),
}

/// One compared document of the report.
struct Item {
    role: Option<String>,
    document: &'static str,
    old_labels: Vec<String>,
    new_labels: Vec<String>,
    comparison: Comparison,
    attached: Vec<String>,
    detached: Vec<String>,
}

impl Item {
    fn new_access(&self) -> bool {
        !self.comparison.added.escapes.is_empty() || !self.attached.is_empty()
    }
    fn verdict(&self) -> &'static str {
        match self.comparison.verdict() {
            _ if !self.attached.is_empty() => "widening",
            Verdict::Widening => "widening",
            Verdict::Undecided => "undecided",
            Verdict::Narrowing => "narrowing",
            Verdict::Neutral if !self.detached.is_empty() => "narrowing",
            Verdict::Neutral => "neutral",
        }
    }
}

/// Runs the command; exits with its status.
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let code = match diff(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    };
    std::process::exit(code)
}

fn diff(args: &Args) -> Result<i32, String> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let items = match (old, new) {
        (Input::Policy(o), Input::Policy(n)) => vec![Item {
            role: None,
            document: "policy",
            old_labels: vec![display_relative(&args.old)],
            new_labels: vec![display_relative(&args.new)],
            comparison: reason::compare(&[&o], &[&n]),
            attached: Vec::new(),
            detached: Vec::new(),
        }],
        (Input::Roles(o), Input::Roles(n)) => compare_roles(o, n),
        _ => {
            return Err(format!(
                "`{}` and `{}` are not of one kind: compare two policy files, or two `render --format iam` outputs\n  help: a policy file holds `Statement`; a render output holds `roles`",
                display_relative(&args.old),
                display_relative(&args.new)
            ))
        }
    };
    let new_access = items.iter().any(Item::new_access);
    let undecided = items
        .iter()
        .any(|i| !i.comparison.added.undecided.is_empty());
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        Format::Human => human(&items),
        Format::Json => pretty(&report_json(&items, new_access, undecided)),
        Format::Sarif => pretty(&sarif(&items, &display_relative(&args.new))),
    };
    let _ = writeln!(out, "{text}");
    Ok(if new_access || undecided { 1 } else { 0 })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn compare_roles(
    mut old: BTreeMap<(String, &'static str), Docs>,
    new: BTreeMap<(String, &'static str), Docs>,
) -> Vec<Item> {
    let mut keys: BTreeSet<(String, &'static str)> = old.keys().cloned().collect();
    keys.extend(new.keys().cloned());
    let mut new = new;
    keys.into_iter()
        .map(|key| {
            let o = old.remove(&key).unwrap_or_default();
            let n = new.remove(&key).unwrap_or_default();
            let od: Vec<&PolicyDocument> = o.docs.iter().map(|(_, d)| d).collect();
            let nd: Vec<&PolicyDocument> = n.docs.iter().map(|(_, d)| d).collect();
            Item {
                role: Some(key.0),
                document: key.1,
                comparison: reason::compare(&od, &nd),
                attached: n.external.difference(&o.external).cloned().collect(),
                detached: o.external.difference(&n.external).cloned().collect(),
                old_labels: o.docs.into_iter().map(|(l, _)| l).collect(),
                new_labels: n.docs.into_iter().map(|(l, _)| l).collect(),
            }
        })
        .collect()
}

pub(crate) fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read `{}`: {e}\n  help: give a policy file, an `iam.json` or a folder of `render --format iam` output",
            display_relative(path)
        )
    })
}

fn load(path: &Path) -> Result<Input, String> {
    if path.is_dir() {
        let mut files = Vec::new();
        find_iam_json(path, &mut files)?;
        if files.is_empty() {
            return Err(format!(
                "`{}` holds no `iam.json`\n  help: render one with `cargo xtask render --format iam --out {}`",
                display_relative(path),
                display_relative(path)
            ));
        }
        let mut roles = BTreeMap::new();
        for f in files {
            let text = read(&f)?;
            let v = json_value(&f, &text)?;
            render_roles(&f, &v, &mut roles)?;
        }
        return Ok(Input::Roles(roles));
    }
    let text = read(path)?;
    let v = json_value(path, &text)?;
    if v.get("roles").is_some() {
        let mut roles = BTreeMap::new();
        render_roles(path, &v, &mut roles)?;
        return Ok(Input::Roles(roles));
    }
    policy(path, "", &text).map(Input::Policy)
}

fn find_iam_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read folder `{}`: {e}", display_relative(dir)))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            find_iam_json(&p, out)?;
        } else if p.file_name().is_some_and(|n| n == "iam.json") {
            out.push(p);
        }
    }
    Ok(())
}

fn json_value(path: &Path, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "`{}`:{}:{}: invalid JSON: {e}",
            display_relative(path),
            e.line(),
            e.column()
        )
    })
}

/// A policy document from its text; `at` is where it sits in the file (a JSON path).
pub(crate) fn policy(path: &Path, at: &str, text: &str) -> Result<PolicyDocument, String> {
    PolicyDocument::from_json(text).map_err(|e| {
        let first = e.findings().first();
        let line = first
            .and_then(|f| f.span)
            .filter(|_| at.is_empty())
            .map(|s| format!(":{}:{}", s.line, s.column))
            .unwrap_or_default();
        let inner = first.map(|f| f.path.to_string()).unwrap_or_default();
        let help = first
            .and_then(|f| f.help.clone())
            .map(|h| format!("\n  help: {h}"))
            .unwrap_or_default();
        format!(
            "`{}`{line}: at `{at}{}`: {e}{help}",
            display_relative(path),
            inner.trim_start_matches('$')
        )
    })
}

fn render_roles(
    path: &Path,
    v: &Value,
    roles: &mut BTreeMap<(String, &'static str), Docs>,
) -> Result<(), String> {
    let field = |o: &Value, at: &str, name: &str| -> Result<String, String> {
        o.get(name).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
            format!(
                "`{}`: `{at}.{name}` is missing or not a string\n  help: is this `render --format iam` output?",
                display_relative(path)
            )
        })
    };
    let mut managed: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for (i, p) in v["policies"].as_array().into_iter().flatten().enumerate() {
        let at = format!("$.policies[{i}]");
        managed.insert(
            field(p, &at, "arn")?,
            (field(p, &at, "name")?, p["document"].clone()),
        );
    }
    let Some(list) = v["roles"].as_array() else {
        return Err(format!(
            "`{}`: `$.roles` is not an array",
            display_relative(path)
        ));
    };
    for (i, r) in list.iter().enumerate() {
        let at = format!("$.roles[{i}]");
        let key = format!(
            "{}/{}",
            field(r, &at, "account_id")?,
            field(r, &at, "name")?
        );
        let trust = policy(
            path,
            &format!("{at}.trust_policy"),
            &r["trust_policy"].to_string(),
        )?;
        roles.insert(
            (key.clone(), "trust policy"),
            Docs {
                docs: vec![("trust policy".to_owned(), trust)],
                external: BTreeSet::new(),
            },
        );
        let mut perms = Docs::default();
        for (name, doc) in r["inline_policies"].as_object().into_iter().flatten() {
            let d = policy(
                path,
                &format!("{at}.inline_policies.{name}"),
                &doc.to_string(),
            )?;
            perms.docs.push((format!("inline policy `{name}`"), d));
        }
        for arn in r["managed_policy_arns"].as_array().into_iter().flatten() {
            let arn = arn.as_str().unwrap_or_default().to_owned();
            match managed.get(&arn) {
                Some((name, doc)) => {
                    let d = policy(
                        path,
                        &format!("{at} managed policy {arn}"),
                        &doc.to_string(),
                    )?;
                    perms.docs.push((format!("managed policy `{name}`"), d));
                }
                None => {
                    perms.external.insert(arn);
                }
            }
        }
        roles.insert((key, "permissions"), perms);
    }
    Ok(())
}

fn principal_json(p: &RequestPrincipal) -> Value {
    match p {
        RequestPrincipal::Aws(v) => json!({ "AWS": reason::printable(v) }),
        RequestPrincipal::Service(v) => json!({ "Service": v }),
        RequestPrincipal::Federated(v) => json!({ "Federated": v }),
    }
}

fn witness_json(w: &Request) -> Value {
    let context: serde_json::Map<String, Value> = w
        .context
        .iter()
        .map(|(k, vs)| {
            let vs: Vec<Value> = vs
                .iter()
                .map(|v| Value::from(reason::printable(v)))
                .collect();
            (k.clone(), Value::Array(vs))
        })
        .collect();
    json!({
        "action": w.action,
        "resource": reason::printable(&w.resource),
        "principal": w.principal.as_ref().map(principal_json),
        "context": context,
    })
}

fn label(labels: &[String], at: (usize, usize), sid: &Option<String>) -> String {
    let doc = labels.get(at.0).cloned().unwrap_or_default();
    match sid {
        Some(s) => format!("{doc} statement {} (Sid `{s}`)", at.1),
        None => format!("{doc} statement {}", at.1),
    }
}

fn access_json(c: &Containment, labels: &[String]) -> (Value, Value) {
    let found: Vec<Value> = c
        .escapes
        .iter()
        .map(|e| {
            json!({
                "document": labels.get(e.at.0),
                "statement": e.at.1,
                "sid": e.sid,
                "witness": witness_json(&e.witness),
                "future_action": e.future_action,
            })
        })
        .collect();
    let undecided: Vec<Value> = c
        .undecided
        .iter()
        .map(|u| json!({"document": labels.get(u.at.0), "statement": u.at.1, "sid": u.sid, "reasons": u.reasons}))
        .collect();
    (Value::Array(found), Value::Array(undecided))
}

fn report_json(items: &[Item], new_access: bool, undecided: bool) -> Value {
    let docs: Vec<Value> = items
        .iter()
        .map(|i| {
            let (added, undecided) = access_json(&i.comparison.added, &i.new_labels);
            let (removed, removed_undecided) = access_json(&i.comparison.removed, &i.old_labels);
            json!({
                "role": i.role,
                "document": i.document,
                "verdict": i.verdict(),
                "new_access": added,
                "removed_access": removed,
                "undecided": undecided,
                "removed_undecided": removed_undecided,
                "attached": i.attached,
                "detached": i.detached,
            })
        })
        .collect();
    let verdict = if new_access {
        "new access"
    } else if undecided {
        "undecided"
    } else {
        "no new access"
    };
    json!({ "verdict": verdict, "documents": docs })
}

fn human(items: &[Item]) -> String {
    let mut s = String::new();
    let (mut widened, mut undecided, mut narrowed, mut neutral) = (0, 0, 0, 0);
    for i in items {
        let name = match &i.role {
            Some(r) => format!("role `{r}`: {}", i.document),
            None => i.new_labels.first().cloned().unwrap_or_default(),
        };
        match i.verdict() {
            "widening" => widened += 1,
            "undecided" => undecided += 1,
            "narrowing" => narrowed += 1,
            _ => {
                neutral += 1;
                continue;
            }
        }
        s.push_str(&format!("{name}: {}\n", i.verdict()));
        for e in &i.comparison.added.escapes {
            let future = if e.future_action {
                " (an action not in the pinned catalog: one AWS may add)"
            } else {
                ""
            };
            s.push_str(&format!(
                "  + new access from {}: {}{future}\n",
                label(&i.new_labels, e.at, &e.sid),
                reason::describe(&e.witness)
            ));
        }
        for a in &i.attached {
            s.push_str(&format!(
                "  + attaches `{a}` (not in the input: compared by ARN)\n"
            ));
        }
        for u in &i.comparison.added.undecided {
            s.push_str(&format!(
                "  ? undecided: {}: {}\n",
                label(&i.new_labels, u.at, &u.sid),
                u.reasons.join("; ")
            ));
        }
        for e in &i.comparison.removed.escapes {
            s.push_str(&format!(
                "  - removed access of {}: {}\n",
                label(&i.old_labels, e.at, &e.sid),
                reason::describe(&e.witness)
            ));
        }
        for a in &i.detached {
            s.push_str(&format!("  - detaches `{a}`\n"));
        }
    }
    s.push_str(&format!(
        "{widened} with new access, {undecided} undecided, {narrowed} narrowed, {neutral} unchanged"
    ));
    s
}

fn sarif(items: &[Item], new_path: &str) -> Value {
    let mut results = Vec::new();
    for i in items {
        let prefix = i
            .role
            .as_ref()
            .map(|r| format!("role `{r}` {}: ", i.document))
            .unwrap_or_default();
        let mut push = |rule: &str, level: &str, text: String| {
            results.push(json!({
                "ruleId": rule,
                "level": level,
                "message": {"text": format!("{prefix}{text}")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": new_path}}}],
            }));
        };
        for e in &i.comparison.added.escapes {
            push(
                "new-access",
                "error",
                format!(
                    "new access from {}: {}",
                    label(&i.new_labels, e.at, &e.sid),
                    reason::describe(&e.witness)
                ),
            );
        }
        for a in &i.attached {
            push("new-access", "error", format!("attaches `{a}`"));
        }
        for u in &i.comparison.added.undecided {
            push(
                "undecided",
                "warning",
                format!(
                    "undecided: {}: {}",
                    label(&i.new_labels, u.at, &u.sid),
                    u.reasons.join("; ")
                ),
            );
        }
        for e in &i.comparison.removed.escapes {
            push(
                "removed-access",
                "note",
                format!(
                    "removed access of {}: {}",
                    label(&i.old_labels, e.at, &e.sid),
                    reason::describe(&e.witness)
                ),
            );
        }
    }
    let rule = |id: &str, text: &str| json!({"id": id, "shortDescription": {"text": text}});
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolewright",
                "informationUri": "https://example.invalid/rolewright",
                "rules": [
                    rule("new-access", "The new version allows a request the old one denies"),
                    rule("undecided", "The analysis could not decide whether access was added"),
                    rule("removed-access", "The old version allows a request the new one denies"),
                ],
            }},
            "results": results,
        }],
    })
}
