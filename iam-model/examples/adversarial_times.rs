//! Times each adversarial document (`benches/support/adversarial.rs`), best of five, with the
//! work units it spent: a quick look at the worst case before running the criterion bench.
//! `cargo run --release -p iam-model --example adversarial_times [NAME-FILTER]`; with
//! `--files FILE...`, the same for policy files (identity policies), e.g. AWS's managed
//! policies, sorted by time, the slowest last.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/adversarial.rs"]
mod adversarial;

use iam_model::{validate_json, ValidationContext};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--files") {
        return files(args.get(1..).unwrap_or_default());
    }
    let filter = args.first().cloned().unwrap_or_default();
    let docs = adversarial::all();
    // The catalog's indexes are built on first use: not part of any document's time.
    for d in docs.iter().filter(|d| d.name.contains(&filter)) {
        let _ = validate_json(d.text.as_bytes(), &ValidationContext::new(d.kind));
    }
    for d in docs {
        if !d.name.contains(&filter) {
            continue;
        }
        let ctx = ValidationContext::new(d.kind);
        // The best of five: the machine is shared.
        let mut best = f64::MAX;
        let mut report = None;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            let r = validate_json(d.text.as_bytes(), &ctx);
            best = best.min(start.elapsed().as_secs_f64());
            report = Some(r);
        }
        let report = report.unwrap();
        println!(
            "{:32} {:>7} chars {:>9.3} ms {:>6} findings {:>9} units{}",
            d.name,
            d.text.len(),
            best * 1e3,
            report.findings.len(),
            report.spent.units,
            if report.spent.exceeded_at.is_some() {
                " (budget exceeded)"
            } else {
                ""
            }
        );
    }
}

/// Best-of-three time and units per file, the ten slowest and the most units printed.
fn files(paths: &[String]) {
    let ctx = ValidationContext::default();
    let mut rows = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).unwrap();
        let mut best = f64::MAX;
        let mut units = 0;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            let r = validate_json(&bytes, &ctx);
            best = best.min(start.elapsed().as_secs_f64());
            units = r.spent.units;
            if r.spent.exceeded_at.is_some() {
                println!("budget exceeded: {p}");
            }
        }
        rows.push((best, units, p.clone()));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (t, u, p) in rows.iter().rev().take(10).rev() {
        println!("{:9.3} ms {u:>9} units {p}", t * 1e3);
    }
    let most = rows.iter().map(|r| r.1).max().unwrap_or(0);
    println!("{} files; most units spent by one: {most}", rows.len());
}
