//! How rendering grows with a deployment: aws-teams with 1,000 and 10,000 teams, each trusting
//! and denying another team, from config text to Terraform JSON through the one
//! `blueprint_kit::prepare` path (load, build, validate, render). The cost per team should stay
//! flat: `cargo bench -p tests --bench render_scale` and compare the two times (the README
//! states the ratio).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use blueprint_kit::{prepare, ConfigSource, Overrides};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iam_model::render::{terraform, TerraformOptions};

/// The aws-teams example's inputs with `n` teams.
fn config(n: usize) -> String {
    let example =
        std::fs::read_to_string(blueprints::examples_dir().join("aws-teams.inputs.json")).unwrap();
    let mut inputs: serde_json::Value = serde_json::from_str(&example).unwrap();
    let template = inputs["teams_config"]["admin"].clone();
    let mut teams = serde_json::Map::new();
    for i in 0..n {
        let mut team = template.clone();
        team["trusted_teams"] = serde_json::json!([format!("team{}", (i + 1) % n)]);
        team["denied_teams"] = serde_json::json!([format!("team{}", (i + 2) % n)]);
        teams.insert(format!("team{i}"), team);
    }
    inputs["teams_config"] = serde_json::Value::Object(teams);
    inputs.to_string()
}

fn bench(c: &mut Criterion) {
    let bp = blueprints::find("aws-teams").unwrap();
    let overrides = Overrides::default();
    let options = TerraformOptions::with_region("us-east-1");
    let mut group = c.benchmark_group("aws_teams_config_to_terraform");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let source = ConfigSource::new(format!("teams-{n}.json"), config(n));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &source, |b, source| {
            b.iter(|| {
                let prepared = prepare(bp, source, &overrides).unwrap();
                std::hint::black_box(terraform::render(&prepared.deployment, &options).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
