//! Rendering to Terraform JSON and to resolved IAM JSON: a synthetic deployment of 1,000 roles,
//! each with a trust policy, two inline policies and one attachment (target: under 100 ms to
//! Terraform JSON).
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iam_model::deployment::{Account, Deployment, ManagedPolicy, Role};
use iam_model::render::{iam, terraform, Resolution, TerraformOptions};
use iam_model::{ArnTemplate, Condition, LateBound, PolicyDocument, Principal, Statement, Text};

const ROLES: usize = 1_000;

fn synthetic() -> Deployment {
    let shared = ManagedPolicy::builder()
        .key("shared")
        .name("Shared")
        .document(PolicyDocument::new([Statement::allow()
            .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
            .resource(ArnTemplate::regional("logs", "log-group:/app/*"))]))
        .build();
    let roles = (0..ROLES)
        .map(|i| {
            let trust = PolicyDocument::new([Statement::allow()
                .principal(Principal::aws([Text::from("arn:")
                    .then(LateBound::Partition)
                    .then(":iam::")
                    .then(LateBound::account("tooling"))
                    .then(":root")]))
                .action("sts:AssumeRole")
                .condition(Condition::string_equals(
                    "sts:ExternalId",
                    [format!("ext-{i}")],
                ))]);
            Role::builder()
                .key(format!("role_{i}"))
                .account(if i % 2 == 0 { "default" } else { "tooling" })
                .name(format!("App{i}"))
                .path("/apps/")
                .description(format!("Application role {i}"))
                .trust(trust)
                .build()
                .inline(
                    "read",
                    PolicyDocument::new([
                        Statement::allow()
                            .sid("List")
                            .action("s3:ListBucket")
                            .resource(ArnTemplate::s3(format!("bucket-{i}")))
                            .condition(Condition::string_like(
                                "s3:prefix",
                                ["home/${aws:username}/*"],
                            )),
                        Statement::allow()
                            .sid("Read")
                            .actions(["s3:GetObject", "s3:GetObjectVersion"])
                            .resource(ArnTemplate::s3(format!(
                                "bucket-{i}/home/${{aws:username}}/*"
                            ))),
                    ]),
                )
                .inline(
                    "pass",
                    PolicyDocument::new([Statement::allow()
                        .action("iam:PassRole")
                        .resource(LateBound::role_arn(format!("role_{i}")))
                        .condition(Condition::string_equals(
                            "iam:PassedToService",
                            ["ecs-tasks.amazonaws.com"],
                        ))]),
                )
                .attach(LateBound::policy_arn("shared"))
        })
        .collect();
    Deployment::builder()
        .blueprint("bench")
        .instance("bench")
        .accounts(vec![Account::new("default"), Account::new("tooling")])
        .roles(roles)
        .policies(vec![shared])
        .build()
}

fn bench(c: &mut Criterion) {
    let d = synthetic();
    let options = TerraformOptions::default();
    let resolution = Resolution {
        default_account_id: Some("123456789012".into()),
        region: Some("eu-west-1".into()),
        partition: Some("aws".into()),
        ..Resolution::default()
    };
    let mut group = c.benchmark_group("render_1000_roles");
    group.throughput(Throughput::Elements(ROLES as u64));
    group.bench_function("terraform_json", |b| {
        b.iter(|| terraform::render(std::hint::black_box(&d), &options).unwrap())
    });
    group.bench_function("resolved_iam_json", |b| {
        b.iter(|| iam::render(std::hint::black_box(&d), &resolution).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
