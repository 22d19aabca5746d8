//! Showing a plan: the human form, modelled on `terraform plan`, and `--format json`.
//!
//! Both are pure functions of the plan, so they are snapshot-tested without an account.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::desired::GeneratedSource;
use crate::plan::{Action, Change, Detail, Plan};

/// How many IAM calls a command made (reads) or makes (writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ApiCalls {
    /// Read calls (`Get*`, `List*`, STS `GetCallerIdentity`).
    pub read: u64,
    /// Write calls.
    pub write: u64,
}

/// Which command a plan is for; it changes the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `plan` or `apply`.
    Apply,
    /// `destroy`.
    Destroy,
}

/// The plan as people read it.
pub fn human(plan: &Plan, mode: Mode) -> String {
    let mut out = String::new();
    for g in &plan.generated {
        let how = match &g.source {
            GeneratedSource::Fixed => "fixed in the config".to_owned(),
            GeneratedSource::Kept { role } => format!("kept, read back from role `{role}`"),
            GeneratedSource::New => "new".to_owned(),
            GeneratedSource::Rotated { role } => {
                format!("NEW, replacing the one role `{role}` no longer carries")
            }
        };
        let _ = writeln!(out, "generated value `{}`: {how}", g.name);
    }
    if !plan.generated.is_empty() {
        out.push('\n');
    }
    let shown: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    if !shown.is_empty() {
        out.push_str(match mode {
            Mode::Apply => "rolewright will perform the following actions:\n",
            Mode::Destroy => "rolewright will destroy the following objects:\n",
        });
    }
    for c in &shown {
        out.push('\n');
        change(&mut out, c);
    }
    for d in &plan.deferred {
        let _ = writeln!(
            out,
            "\n  # {} \"{}\" (account {}) waits for `{}`: apply converges it in a second round",
            d.kind.as_str(),
            d.name,
            d.account_id,
            d.waiting_for
        );
    }
    for s in &plan.skipped {
        let _ = writeln!(
            out,
            "\n  # {} \"{}\" (account {}): {}",
            s.kind.as_str(),
            s.name,
            s.account_id,
            s.reason
        );
    }
    let warnings: Vec<&String> = plan
        .warnings
        .iter()
        .chain(shown.iter().flat_map(|c| c.warnings.iter()))
        .collect();
    if !warnings.is_empty() {
        out.push('\n');
        for w in warnings {
            let _ = writeln!(out, "WARNING: {w}");
        }
    }
    for c in &plan.conflicts {
        let _ = writeln!(out, "\nerror: {}\n  help: {}", c.reason, c.help);
    }
    out.push('\n');
    if !plan.has_changes() && plan.deferred.is_empty() {
        out.push_str(match mode {
            Mode::Apply => "No changes. The accounts match the deployment.\n",
            Mode::Destroy => {
                "Nothing to destroy: the deployment owns no objects in these accounts.\n"
            }
        });
    } else {
        let calls = plan.write_calls();
        let _ = writeln!(
            out,
            "Plan: {} to create, {} to update in place, {} to replace, {} to delete ({calls} write call{}).",
            plan.count(Action::Create),
            plan.count(Action::Update),
            plan.count(Action::Replace),
            plan.count(Action::Delete),
            if calls == 1 { "" } else { "s" }
        );
    }
    out
}

fn change(out: &mut String, c: &Change) {
    let _ = writeln!(
        out,
        "  # {} \"{}\" (account {}) {}",
        c.kind.as_str(),
        c.name,
        c.account_id,
        c.action.verb()
    );
    let _ = writeln!(
        out,
        "  {} {} \"{}\"",
        c.action.marker(),
        c.kind.as_str(),
        c.name
    );
    for d in &c.details {
        detail(out, d);
    }
}

fn detail(out: &mut String, d: &Detail) {
    const IND: &str = "      ";
    match d {
        Detail::Attribute {
            name,
            before,
            after,
        } => match (before, after) {
            (Some(b), Some(a)) => {
                let _ = writeln!(out, "{IND}~ {name}: {b} -> {a}");
            }
            (None, Some(a)) => {
                let _ = writeln!(out, "{IND}+ {name}: {a}");
            }
            (Some(b), None) => {
                let _ = writeln!(out, "{IND}- {name}: {b}");
            }
            (None, None) => {}
        },
        Detail::Document {
            name,
            before,
            after,
        } => {
            let marker = match (before, after) {
                (Some(_), Some(_)) => "~",
                (None, Some(_)) => "+",
                _ => "-",
            };
            let _ = writeln!(
                out,
                "{IND}{marker} {name}{}",
                if before.is_none() && after.is_none() {
                    ""
                } else {
                    ":"
                }
            );
            let before = before.as_deref().unwrap_or("");
            let after = after.as_deref().unwrap_or("");
            let diff = similar::TextDiff::from_lines(before, after);
            for ch in diff.iter_all_changes() {
                let sign = match ch.tag() {
                    similar::ChangeTag::Delete => "- ",
                    similar::ChangeTag::Insert => "+ ",
                    similar::ChangeTag::Equal => "  ",
                };
                let line = ch.value().trim_end_matches('\n');
                let _ = writeln!(out, "{IND}    {sign}{line}");
            }
        }
        Detail::Member { name, value, added } => {
            let _ = writeln!(
                out,
                "{IND}{} {name}: {}",
                if *added { "+" } else { "-" },
                crate::plan::json_str(value)
            );
        }
        Detail::Tag { key, before, after } => {
            let q = |s: &String| crate::plan::json_str(s);
            match (before, after) {
                (Some(b), Some(a)) => {
                    let _ = writeln!(out, "{IND}~ tags.{key}: {} -> {}", q(b), q(a));
                }
                (None, Some(a)) => {
                    let _ = writeln!(out, "{IND}+ tags.{key}: {}", q(a));
                }
                (Some(b), None) => {
                    let _ = writeln!(out, "{IND}- tags.{key}: {}", q(b));
                }
                (None, None) => {}
            }
        }
        Detail::Note(n) => {
            let _ = writeln!(out, "{IND}# {n}");
        }
    }
}

/// The `details` object of a change in `--format json`.
pub fn details_json(details: &[Detail]) -> Value {
    let mut map = Map::new();
    let parse = |s: &Option<String>| match s {
        None => Value::Null,
        Some(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
    };
    for d in details {
        match d {
            Detail::Attribute {
                name,
                before,
                after,
            }
            | Detail::Document {
                name,
                before,
                after,
            } => {
                map.insert(
                    name.clone(),
                    json!({"before": parse(before), "after": parse(after)}),
                );
            }
            Detail::Member { name, value, added } => {
                let entry = map
                    .entry(name.clone())
                    .or_insert_with(|| json!({"add": [], "remove": []}));
                let list = if *added { "add" } else { "remove" };
                if let Some(Value::Array(a)) = entry.get_mut(list) {
                    a.push(Value::String(value.clone()));
                }
            }
            Detail::Tag { key, before, after } => {
                let entry = map
                    .entry("tags".to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(t) = entry {
                    t.insert(key.clone(), json!({"before": before, "after": after}));
                }
            }
            Detail::Note(n) => {
                let entry = map
                    .entry("notes".to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = entry {
                    a.push(Value::String(n.clone()));
                }
            }
        }
    }
    Value::Object(map)
}

/// The plan in `--format json`: `{"changes": [...], "api_calls": {"read", "write"}, ...}`.
pub fn json(plan: &Plan, api_calls: ApiCalls) -> Value {
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .map(|c| {
            json!({
                "action": c.action,
                "kind": c.kind,
                "account_id": c.account_id,
                "name": c.name,
                "details": details_json(&c.details),
                "calls": c.ops.iter().map(|o| o.api_name()).collect::<Vec<_>>(),
                "warnings": c.warnings,
            })
        })
        .collect();
    json!({
        "changes": changes,
        "conflicts": plan.conflicts,
        "skipped": plan.skipped,
        "warnings": plan.warnings,
        "generated": plan.generated,
        "deferred": plan.deferred,
        "preflight": plan.preflight,
        "api_calls": api_calls,
    })
}
