//! Rendering every registered blueprint's example config to Terraform JSON and to resolved IAM
//! JSON (the synthetic 1,000-role deployment is `iam-model`'s `render` bench).
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use iam_model::render::{iam, terraform, TerraformOptions};
use tests::render_fixtures::{example_deployments, resolution_for};

fn bench(c: &mut Criterion) {
    let examples = example_deployments();
    let resolutions: Vec<_> = examples.iter().map(|(_, d)| resolution_for(d)).collect();
    let options = TerraformOptions::with_region("eu-west-1");
    let mut group = c.benchmark_group("render_all_examples");
    group.bench_function("terraform_json", |b| {
        b.iter(|| {
            for (_, d) in &examples {
                std::hint::black_box(terraform::render(d, &options).unwrap());
            }
        })
    });
    group.bench_function("resolved_iam_json", |b| {
        b.iter(|| {
            for ((_, d), r) in examples.iter().zip(&resolutions) {
                std::hint::black_box(iam::render(d, r).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
