//! `cargo xtask minimize [--allow-future-actions] FILE...`: an equivalent, smaller policy.
//!
//! Each policy file is minimized with `iam_model::reason::minimize` (merged statements,
//! folded trust principals, covered statements and entries dropped; with
//! `--allow-future-actions`, action lists compacted into `service:Prefix*` wildcards that match
//! exactly those actions in the pinned catalog) and the result is printed on stdout: the
//! document for one file, an object keyed by file for several. Every result is proven to allow
//! exactly what its input allows (over the catalog's actions when wildcards were introduced);
//! when no smaller equivalent can be proven, the input is printed unchanged and a note says so.
//! The sizes (characters without whitespace, as IAM counts them) go to stderr.
//!
//! Exit status: 0 minimized; 2 an error (unreadable or invalid file, bad flags).

use std::io::Write as _;
use std::path::PathBuf;

use iam_model::reason::{minimize, MinimizeOptions};
use serde_json::Value;

use crate::diff::{policy, read};
use crate::util::display_relative;

/// Flags of `cargo xtask minimize`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The policy files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Replace action lists with wildcards that match exactly those actions in the pinned
    /// catalog; the wildcard also admits actions AWS adds later.
    #[arg(long)]
    allow_future_actions: bool,
}

/// Runs the command; exits with its status.
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let opts = MinimizeOptions {
        allow_future_actions: args.allow_future_actions,
    };
    let mut outputs: Vec<(String, Value)> = Vec::new();
    for f in &args.files {
        let name = display_relative(f);
        let doc = match read(f).and_then(|t| policy(f, "", &t)) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        let m = minimize(&doc, opts);
        let (before, after) = (doc.size(), m.document.size());
        if m.proven {
            eprintln!(
                "{name}: {before} -> {after} characters ({:.2})",
                after as f64 / before.max(1) as f64
            );
        } else {
            eprintln!(
                "{name}: note: no smaller document could be proven equivalent; printed unchanged"
            );
        }
        // A document read from a file holds no late-bound values: it always writes.
        let text = m.document.to_json_compact().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        outputs.push((name, v));
    }
    let out = if outputs.len() == 1 {
        outputs.remove(0).1
    } else {
        Value::Object(outputs.into_iter().collect())
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{}",
        serde_json::to_string_pretty(&out).unwrap_or_default()
    );
    Ok(())
}
