//! Access reasoning: a diff of two 6 KB identity policies (target: under 5 ms), and
//! `minimize` on the twenty statement sets of `benches/data/minimize/` (ratios in the README).
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use iam_model::reason::{compare, minimize, MinimizeOptions, Verdict};
use iam_model::PolicyDocument;

fn sets() -> Vec<PolicyDocument> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/minimize");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap().parse().unwrap())
        .collect()
}

/// About 6 KB of identity policy: the statements of the sets, trust policies left out,
/// until the size is reached.
fn six_kb(sets: &[PolicyDocument]) -> PolicyDocument {
    let mut doc = PolicyDocument::new([]);
    for s in sets.iter().flat_map(|d| &d.statements) {
        if s.principal.is_some() {
            continue;
        }
        doc.statements.push(s.clone());
        if doc.size() >= 6_000 {
            break;
        }
    }
    doc
}

fn bench(c: &mut Criterion) {
    let sets = sets();
    let old = six_kb(&sets);
    assert!(old.size() >= 6_000 && old.size() <= 6_144, "{}", old.size());
    // NEW: one action widened to a wildcard, one statement gone, one resource narrowed.
    let mut new = old.clone();
    let text = old
        .to_json_compact()
        .unwrap()
        .replacen("\"s3:PutObject\"", "\"s3:Put*\"", 1);
    new.statements = text.parse::<PolicyDocument>().unwrap().statements;
    new.statements.remove(3);
    assert_eq!(compare(&[&old], &[&new]).verdict(), Verdict::Widening);
    let mut g = c.benchmark_group("reason");
    g.bench_function("diff_two_6kb_identity_policies", |b| {
        b.iter(|| compare(&[&old], &[&new]))
    });
    g.bench_function("diff_6kb_identity_policy_with_itself", |b| {
        b.iter(|| compare(&[&old], &[&old]))
    });
    g.sample_size(10);
    g.bench_function("minimize_20_statement_sets", |b| {
        b.iter(|| {
            sets.iter()
                .map(|d| minimize(d, MinimizeOptions::default()).document.size())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
