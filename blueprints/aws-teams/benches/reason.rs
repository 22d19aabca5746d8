//! Access reasoning over a whole aws-teams deployment of 100 teams (target: under 1 s): build
//! the deployment, change one team's trust, and diff every role's trust policy and every
//! managed policy against the unchanged deployment.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use blueprint_aws_teams::{build, AwsTeamsInputs};
use common::*;
use criterion::{criterion_group, criterion_main, Criterion};
use iam_model::deployment::Deployment;
use iam_model::reason::{compare, Verdict};

const TEAMS: usize = 100;

fn inputs(widen: bool) -> AwsTeamsInputs {
    let mut i = seed_inputs();
    let names: Vec<String> = (0..TEAMS).map(|n| format!("team{n:03}")).collect();
    i.teams_config.clear();
    for (n, name) in names.iter().enumerate() {
        let mut t = if n % 3 == 0 { admin() } else { viewer() };
        t.trusted_teams = vec![
            names[(n + 1) % TEAMS].clone(),
            names[(n + 7) % TEAMS].clone(),
        ];
        t.trusted_permission_sets = vec![format!("Team{n:03}Access")];
        t.denied_teams = vec![names[(n + 2) % TEAMS].clone()];
        if widen && n == 42 {
            t.trusted_permission_sets.push("EveryoneAccess".into());
        }
        i.teams_config.insert(name.clone(), t);
    }
    i
}

/// Diffs every role's trust and every managed policy; returns how many widened.
fn diff(old: &Deployment, new: &Deployment) -> usize {
    let mut widened = 0;
    for r in &new.roles {
        let o = old.roles.iter().find(|x| x.key == r.key).unwrap();
        if compare(&[&o.trust], &[&r.trust]).verdict() == Verdict::Widening {
            widened += 1;
        }
    }
    for p in &new.policies {
        let o = old.policies.iter().find(|x| x.key == p.key).unwrap();
        if compare(&[&o.document], &[&p.document]).verdict() == Verdict::Widening {
            widened += 1;
        }
    }
    widened
}

fn bench(c: &mut Criterion) {
    let (old_in, new_in) = (inputs(false), inputs(true));
    let old = build(&old_in).unwrap();
    assert_eq!(diff(&old, &build(&new_in).unwrap()), 1);
    let mut g = c.benchmark_group("reason");
    g.sample_size(10);
    g.bench_function("aws_teams_100_teams_build_and_diff", |b| {
        b.iter(|| {
            let new = build(&new_in).unwrap();
            diff(&old, &new)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
