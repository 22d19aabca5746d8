//! `who-can` speed: building the trust graph of the example configs and answering one
//! question, on each of the five examples and on landing-zone + aws-teams together. The target
//! is under 100 ms per answer (issue 16); the example configs are parsed once, outside the
//! measurement, as `cargo xtask who-can` parses them once per run.
//!
//! Run with `cargo bench -p blueprints --bench who_can`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use iam_model::deployment::Deployment;
use iam_model::graph::TrustGraph;

fn example(name: &str) -> Deployment {
    blueprints::example_deployment(name).expect("the example config builds")
}

fn who_can(c: &mut Criterion) {
    let cases: [(&str, Vec<Deployment>, &str, &str); 6] = [
        (
            "landing-zone",
            vec![example("landing-zone")],
            "iam:CreateUser",
            "arn:aws:iam::210987654321:user/anyone",
        ),
        (
            "aws-teams",
            vec![example("aws-teams")],
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/any",
        ),
        (
            "inventory",
            vec![example("inventory")],
            "sts:AssumeRole",
            "arn:aws:iam::333333333333:role/managed/inventory",
        ),
        (
            "runtime-connector",
            vec![example("runtime-connector")],
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/sym/approver",
        ),
        (
            "tableflow",
            vec![example("tableflow")],
            "s3:GetObject",
            "arn:aws:s3:::any-bucket/key",
        ),
        (
            "landing-zone+aws-teams",
            vec![example("landing-zone"), example("aws-teams")],
            "iam:CreateUser",
            "arn:aws:iam::210987654321:user/anyone",
        ),
    ];
    let mut group = c.benchmark_group("who_can");
    for (name, deployments, action, resource) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let g = TrustGraph::of(std::hint::black_box(deployments));
                g.who_can(action, resource)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, who_can);
criterion_main!(benches);
