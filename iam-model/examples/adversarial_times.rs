//! Times each adversarial document (`benches/support/adversarial.rs`) once: a quick look at
//! the worst case before running the criterion bench. `cargo run --release -p iam-model
//! --example adversarial_times [NAME-FILTER]`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/adversarial.rs"]
mod adversarial;

use iam_model::{validate_json, ValidationContext};

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
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
