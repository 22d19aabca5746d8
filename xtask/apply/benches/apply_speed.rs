//! Apply speed with IAM's real latency: 300 aws-teams teams (601 writes) against moto, through
//! the fault proxy adding 100 ms to every call, as IAM takes about that long a call.
//!
//! ```sh
//! cargo bench -p rolewright-apply --bench apply_speed
//! ```
//!
//! Three runs, each in fresh accounts: the first apply, a no-op re-apply, and the first apply
//! under 10 % throttling on top of the latency (it must converge: the second plan is clean).
//! Budgets: 10 s for the apply, 2 s for the no-op re-apply; the bench fails (exit 1) past
//! them. The engine runs at its default concurrency (10 calls in flight per account).
//! `ROLEWRIGHT_BENCH_TEAMS` changes the team count, `ROLEWRIGHT_BENCH_DELAY` the added latency
//! in seconds (0: moto's own cost alone).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::{account_id, iam, options, tempdir, Moto, Proxy};
use rolewright_apply::aws::engine::{self, Command};
use rolewright_apply::cli::{load_deployment, Args, Format};

/// An aws-teams stack with `n` teams in `identity` (one role each, an AWS managed policy
/// attached), the identity account being `id`.
fn config(n: usize, id: &str) -> String {
    let mut s = format!(
        r#"vars:
  namespace: eg
  tenant: core
  environment: gbl
  stage: identity
  region: us-east-1
  label_order: [namespace, tenant, environment, stage, name, attributes]
  account_map:
    core-identity: "{id}"
  identity_account_account_name: core-identity
  saml_provider_arns: []
components:
  terraform:
    aws-teams:
      vars:
        teams_config:
"#
    );
    for i in 0..n {
        let _ = write!(
            s,
            r#"          team{i:03}:
            max_session_duration: 43200
            role_policy_arns: ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]
            role_description: "Team {i}"
            aws_saml_login_enabled: false
            trusted_permission_sets: []
            denied_permission_sets: []
            trusted_teams: []
            denied_teams: []
            trusted_role_arns: ["arn:aws:iam::123456789012:role/ci"]
            denied_role_arns: []
"#
        );
    }
    s
}

fn deployment(n: usize, id: &str) -> iam_model::deployment::Deployment {
    let dir = tempdir("bench");
    let path = dir.join("aws-teams.yaml");
    std::fs::write(&path, config(n, id)).unwrap();
    let args = Args {
        blueprint: "aws-teams".to_owned(),
        config: Some(path),
        format: Format::Json,
        adopt: false,
        auto_approve: true,
        endpoint_url: None,
        region: None,
        profile: None,
        account_roles: vec![],
        overrides: Default::default(),
        rotate_external_id: false,
        lock_wait: 60,
        propagation_timeout: 20,
        attempt_timeout: 5,
        max_attempts: 4,
        concurrency: 10,
    };
    load_deployment(&args).unwrap_or_else(|e| panic!("{e}"))
}

/// Progress with elapsed time on stderr when `ROLEWRIGHT_BENCH_VERBOSE` is set.
struct Timed(Instant);

impl engine::Ui for Timed {
    fn progress(&self, line: &str) {
        if std::env::var_os("ROLEWRIGHT_BENCH_VERBOSE").is_some() {
            eprintln!("{:7.3} {line}", self.0.elapsed().as_secs_f64());
        }
    }
    fn show_plan(
        &self,
        _plan: &rolewright_apply::plan::Plan,
        _mode: rolewright_apply::report::Mode,
    ) {
    }
    fn confirm(
        &self,
        _plan: &rolewright_apply::plan::Plan,
        _mode: rolewright_apply::report::Mode,
    ) -> bool {
        false
    }
}

/// One run; returns (seconds, writes, reads).
async fn timed(
    cmd: Command,
    d: &iam_model::deployment::Deployment,
    proxy: &Proxy,
    id: &str,
) -> (f64, u64, u64) {
    let key = d.accounts[0].key.clone();
    let mut opts = options(&proxy.url(), &[(key.as_str(), id)]);
    opts.settings.max_attempts = 5;
    opts.propagation_timeout = Duration::from_secs(60);
    let started = Instant::now();
    let ui = Timed(started);
    let o = engine::run(cmd, d, &opts, &ui)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (
        started.elapsed().as_secs_f64(),
        o.api_calls.write,
        o.api_calls.read,
    )
}

/// A fresh account, warmed up: moto loads its ~1,000 AWS managed policies into an account on
/// first use, seconds that real IAM does not spend.
async fn fresh_account(moto: &Moto) -> String {
    let id = account_id();
    iam(&moto.url(), &id).list_roles().send().await.unwrap();
    // And its STS side: a role assumed into it, and who that is.
    let sts = |creds: aws_sdk_sts::config::Credentials| {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
                .endpoint_url(moto.url())
                .region(aws_sdk_sts::config::Region::new("us-east-1"))
                .credentials_provider(creds)
                .build(),
        )
    };
    let base =
        aws_sdk_sts::config::Credentials::new("AKIDROLEWRIGHTTEST", "secret", None, None, "bench");
    let out = sts(base)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{id}:role/rolewright-deployer"))
        .role_session_name("warm-up")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    let assumed = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "bench",
    );
    sts(assumed).get_caller_identity().send().await.unwrap();
    id
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run either way.
    let teams: usize = std::env::var("ROLEWRIGHT_BENCH_TEAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `ROLEWRIGHT_BENCH_DELAY=0` measures moto's own cost, to tell it from the engine's.
    let delay: f64 = std::env::var("ROLEWRIGHT_BENCH_DELAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.1);
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let mut over = Vec::new();
    rt.block_on(async {
        // The caller's own account (the environment's keys) too: STS reads it.
        iam(&moto.url(), "123456789012").list_roles().send().await.unwrap();
        let id = fresh_account(&moto).await;
        let d = deployment(teams, &id);
        proxy.reset();
        proxy.arm(&format!("mode=slow&delay={delay}&count=1000000"));
        let (apply, w, r) = timed(Command::Apply, &d, &proxy, &id).await;
        println!("apply {teams} teams, {delay} s added a call: {apply:.1} s ({w} writes, {r} reads)");
        let (noop, w2, r2) = timed(Command::Apply, &d, &proxy, &id).await;
        println!("no-op re-apply, {delay} s added a call: {noop:.1} s ({w2} writes, {r2} reads)");
        if apply > 10.0 {
            over.push(format!("apply took {apply:.1} s (budget 10 s)"));
        }
        if noop > 2.0 {
            over.push(format!("no-op re-apply took {noop:.1} s (budget 2 s)"));
        }
        if w2 != 0 {
            over.push(format!("no-op re-apply wrote {w2} calls"));
        }

        let id = fresh_account(&moto).await;
        let d = deployment(teams, &id);
        proxy.reset();
        proxy.arm("mode=throttle&p=0.1&count=1000000");
        proxy.arm(&format!("mode=slow&delay={delay}&count=1000000"));
        let (throttled, w, _) = timed(Command::Apply, &d, &proxy, &id).await;
        let faulted = proxy.stats()["faulted"].as_u64().unwrap_or(0);
        proxy.reset();
        let (_, clean, _) = timed(Command::Plan, &d, &proxy, &id).await;
        println!(
            "apply {teams} teams, {delay} s added a call, 10 % throttled: {throttled:.1} s ({w} writes; converged: next plan has {clean} writes; {faulted} calls faulted)"
        );
        if clean != 0 {
            over.push(format!("under throttling the apply left {clean} writes"));
        }
    });
    if !over.is_empty() {
        eprintln!("over budget:\n  {}", over.join("\n  "));
        std::process::exit(1);
    }
}
