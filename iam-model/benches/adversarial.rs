//! Worst-case validation time: every adversarial document of `support/adversarial.rs` (wide
//! wildcards, many unknown names, unclosed `${`, long ARNs against every EC2 format, many
//! statements, keys and operators, deep nesting, long strings), each up to IAM's
//! 131,072-character cap, validated on one thread. The slowest is the worst case the README
//! states; every one must stay under 50 ms in a release build.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "support/adversarial.rs"]
mod adversarial;

use criterion::{criterion_group, criterion_main, Criterion};
use iam_model::{validate_json, ValidationContext};

fn worst_cases(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    for d in adversarial::all() {
        let ctx = ValidationContext::new(d.kind);
        group.bench_function(d.name, |b| {
            b.iter(|| validate_json(std::hint::black_box(d.text.as_bytes()), &ctx))
        });
    }
    group.finish();
}

criterion_group!(benches, worst_cases);
criterion_main!(benches);
