//! Parsing and validating a realistic identity policy, and the canonical writer.
#![allow(missing_docs, clippy::unwrap_used)]

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

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(1));
    let ctx = ValidationContext::default();
    group.bench_function("parse_and_validate", |b| {
        b.iter(|| validate_json(std::hint::black_box(REALISTIC.as_bytes()), &ctx))
    });
    let structural = ValidationContext { use_catalog: false, ..ValidationContext::default() };
    group.bench_function("parse_and_validate_without_catalog", |b| {
        b.iter(|| validate_json(std::hint::black_box(REALISTIC.as_bytes()), &structural))
    });
    let doc = PolicyDocument::from_json(REALISTIC).unwrap();
    group.bench_function("canonical_compact", |b| b.iter(|| std::hint::black_box(&doc).to_json_compact()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
