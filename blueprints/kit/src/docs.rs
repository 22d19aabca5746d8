//! Generated documentation for blueprint READMEs: the inputs and outputs tables in
//! terraform-docs' format (so a README reads like the original module's), a Mermaid diagram of
//! who may assume which role ([`mermaid`]), and [`readme_section_check`], which a blueprint's
//! test calls to keep the generated sections of its README current.

mod mermaid;

#[cfg(test)]
mod tests;

use std::path::Path;

use iam_model::deployment::Deployment;
use iam_model::json::{JsonValue, Limits, Spanned};

use crate::InputSpec;

pub use mermaid::mermaid;

/// The environment variable that makes [`readme_section_check`] rewrite stale sections.
pub const UPDATE_ENV: &str = "UPDATE_READMES";

/// The inputs table, as terraform-docs writes it: Name | Description | Type | Default |
/// Required, one row per input in the order given.
pub fn inputs_markdown(specs: &[InputSpec]) -> String {
    if specs.is_empty() {
        return "No inputs.\n".to_owned();
    }
    // Said in the generated section so that no README can claim otherwise: a Terraform
    // variable nobody reads would be a knob that does nothing.
    let mut out = String::from("These inputs stay in the blueprint config (`cargo xtask render --config FILE`): the rendered Terraform declares no variable for them, only for the values it reads at plan time (a blueprint's external values), so every variable it declares changes the plan.\n\n| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|\n");
    for s in specs {
        let default = match &s.default {
            None => "n/a".to_owned(),
            Some(json) => default_cell(json),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            anchor("input", &s.name),
            cell(&s.description),
            code_cell(&s.input_type.terraform()),
            default,
            if s.is_required() { "yes" } else { "no" },
        ));
    }
    out
}

/// The outputs table, as terraform-docs writes it: Name | Description.
pub fn outputs_markdown(deployment: &Deployment) -> String {
    if deployment.outputs.is_empty() {
        return "No outputs.\n".to_owned();
    }
    let mut out = String::from("| Name | Description |\n|------|-------------|\n");
    for o in &deployment.outputs {
        out.push_str(&format!(
            "| {} | {} |\n",
            anchor("output", &o.name),
            cell(&o.description)
        ));
    }
    out
}

/// `<a name="input_x_y"></a> [x\_y](#input\_x\_y)`: terraform-docs' linkable name cell.
fn anchor(kind: &str, name: &str) -> String {
    let escaped = name.replace('_', "\\_");
    format!("<a name=\"{kind}_{name}\"></a> [{escaped}](#{kind}\\_{escaped})")
}

/// Table-cell text: `|` escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.trim()
        .replace('|', "\\|")
        .replace("\r\n", "\n")
        .replace('\n', "<br>")
}

fn code_cell(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|"))
}

/// A default: inline code for scalars and empty collections, a `<pre>` block of indented JSON
/// for the rest (terraform-docs' layout).
fn default_cell(json: &str) -> String {
    let limits = Limits::default();
    let Ok(tree) = iam_model::json::parse_str(json, &limits) else {
        return code_cell(json);
    };
    let complex = match &tree.value {
        JsonValue::Array(items) => !items.is_empty(),
        JsonValue::Object(members) => !members.is_empty(),
        _ => false,
    };
    if !complex {
        return code_cell(json);
    }
    let mut pretty = String::new();
    write_pretty(&tree, 0, &mut pretty);
    format!(
        "<pre>{}</pre>",
        pretty.replace('|', "\\|").replace('\n', "<br>")
    )
}

fn write_pretty(node: &Spanned<JsonValue>, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match &node.value {
        JsonValue::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_pretty(item, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        JsonValue::Object(members) if !members.is_empty() => {
            out.push_str("{\n");
            for (i, (k, v)) in members.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                push_string(&k.value, out);
                out.push_str(": ");
                write_pretty(v, indent + 1, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        JsonValue::Array(_) => out.push_str("[]"),
        JsonValue::Object(_) => out.push_str("{}"),
        JsonValue::String(s) => push_string(s, out),
        JsonValue::Number(n) => out.push_str(n),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Null => out.push_str("null"),
    }
}

fn push_string(s: &str, out: &mut String) {
    out.push('"');
    iam_model::write::escape_into(s, out);
    out.push('"');
}

/// Checks that the README at `readme_path` has a `<!-- BEGIN marker -->` … `<!-- END marker -->`
/// section holding exactly `generated`. With `UPDATE_READMES=1` in the environment a stale or
/// missing section is rewritten (a missing one is appended) instead, and the check passes.
///
/// A blueprint's test calls it with `inputs_markdown(&B::Inputs::input_specs())`, so a change
/// to an input fails the tests until the README is regenerated and the diff reviewed.
pub fn readme_section_check(
    readme_path: impl AsRef<Path>,
    marker: &str,
    generated: &str,
) -> Result<(), String> {
    let update = std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1");
    check_section(readme_path.as_ref(), marker, generated, update)
}

fn check_section(path: &Path, marker: &str, generated: &str, update: bool) -> Result<(), String> {
    let shown = path.display();
    let begin = format!("<!-- BEGIN {marker} -->");
    let end = format!("<!-- END {marker} -->");
    let body = format!("\n{}\n", generated.trim_end());
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && update => String::new(),
        Err(e) => return Err(format!("cannot read `{shown}`: {e}")),
    };
    let located = text.find(&begin).and_then(|b| {
        text.get(b + begin.len()..)
            .and_then(|rest| rest.find(&end))
            .map(|e| (b + begin.len(), b + begin.len() + e))
    });
    let new_text = match located {
        Some((from, to)) => {
            if text.get(from..to) == Some(body.as_str()) {
                return Ok(());
            }
            if !update {
                let current = text.get(from..to).unwrap_or("");
                let first_diff = current
                    .lines()
                    .zip(body.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| current.lines().count().min(body.lines().count()));
                return Err(format!(
                    "the `{marker}` section of `{shown}` is out of date (first difference at its line {}); run the tests with {UPDATE_ENV}=1 and review the diff",
                    first_diff + 1
                ));
            }
            format!(
                "{}{}{}",
                text.get(..from).unwrap_or(""),
                body,
                text.get(to..).unwrap_or("")
            )
        }
        None => {
            if !update {
                return Err(format!(
                    "`{shown}` has no `{begin}` … `{end}` section; add the two markers, or run the tests with {UPDATE_ENV}=1 to append one"
                ));
            }
            let sep = if text.is_empty() || text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{text}{sep}{begin}{body}{end}\n")
        }
    };
    std::fs::write(path, new_text).map_err(|e| format!("cannot write `{shown}`: {e}"))
}

/// The ```` ```yaml ```` blocks of the README section `## <heading>` (up to the next `## `), in
/// order: a blueprint's README examples, which its tests build so that they cannot go stale.
pub fn readme_yaml_examples(readme: &str, heading: &str) -> Vec<String> {
    let start = format!("## {heading}\n");
    let Some(section) = readme.split_once(&start).map(|(_, rest)| rest) else {
        return Vec::new();
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some((_, after)) = rest.split_once("```yaml\n") {
        let Some((block, tail)) = after.split_once("```") else {
            break;
        };
        blocks.push(block.to_owned());
        rest = tail;
    }
    blocks
}
