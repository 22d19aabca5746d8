//! Validation speed: one realistic identity policy (parse and validate, with and without the
//! catalog checks, and the canonical writer), and the corpus workload — 10,000 realistic,
//! varied identity policies generated from a fixed seed (`support/corpus.rs`), validated one
//! after the other on one thread with the catalog checks on. The corpus throughput is the
//! figure in the README, next to Parliament's on the same policies.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iam_model::{validate_json, PolicyDocument, ValidationContext};

/// A realistic identity policy: five statements, conditions, variables, wildcards.
pub const REALISTIC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ListOwnPrefix", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports",
     "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}}},
    {"Sid": "ReadWriteOwn", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": "arn:aws:s3:::reports/home/${aws:username}/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:eu-west-1:123456789012:log-group:/app/*"},
    {"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "cloudwatch:GetMetricData"], "Resource": "*"},
    {"Sid": "DenyOutsideRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}
  ]
}"#;

/// How many policies the corpus benchmark validates per iteration.
const CORPUS: usize = 10_000;

fn policy(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(1));
    let ctx = ValidationContext::default();
    group.bench_function("parse_and_validate", |b| {
        b.iter(|| validate_json(std::hint::black_box(REALISTIC.as_bytes()), &ctx))
    });
    let structural = ValidationContext {
        use_catalog: false,
        ..ValidationContext::default()
    };
    group.bench_function("parse_and_validate_without_catalog", |b| {
        b.iter(|| validate_json(std::hint::black_box(REALISTIC.as_bytes()), &structural))
    });
    let doc = PolicyDocument::from_json(REALISTIC).unwrap();
    group.bench_function("canonical_compact", |b| {
        b.iter(|| std::hint::black_box(&doc).to_json_compact())
    });
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let policies = corpus::policies(corpus::SEED, CORPUS);
    let ctx = ValidationContext::default();
    // Sanity: the corpus is realistic, so the only errors are its planted misspellings.
    let errors = policies
        .iter()
        .filter(|p| !validate_json(p.as_bytes(), &ctx).is_valid())
        .count();
    assert!(
        errors > 0 && errors < CORPUS / 50,
        "{errors} invalid policies"
    );
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Elements(CORPUS as u64));
    group.sample_size(10);
    group.bench_function("validate_10000_identity_policies", |b| {
        b.iter(|| {
            for p in &policies {
                std::hint::black_box(validate_json(std::hint::black_box(p.as_bytes()), &ctx));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, policy, corpus);
criterion_main!(benches);
