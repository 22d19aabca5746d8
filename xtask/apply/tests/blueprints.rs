//! Every registered blueprint, end to end through the `rolewright-apply` binary (what
//! `cargo xtask plan | apply | destroy` runs) against moto: plan → apply → a clean plan and an
//! apply with zero writes → edit the example config → apply updates in place → destroy leaves
//! nothing owned and nothing unowned touched. Plus an apply killed (SIGKILL) midway and re-run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::*;
use rolewright_apply::cli::{example_config, load_deployment, Args, Format};
use serde_json::Value;

/// An edit of each blueprint's example config that changes objects in place (no renames):
/// `(text to replace, replacement)`. A new blueprint needs an entry here, or this test fails.
fn config_edit(blueprint: &str) -> (&'static str, &'static str) {
    match blueprint {
        "aws-teams" => (
            "max_session_duration: 43200 # 12 hours",
            "max_session_duration: 36000 # 10 hours",
        ),
        "inventory" => (
            "runner_service_account: aws-inventory-runner-sa",
            "runner_service_account: inventory-runner",
        ),
        "landing-zone" => ("external_id: 123Prod456", "external_id: 123Prod789"),
        "runtime-connector" => ("CostCenter: \"4711\"", "CostCenter: \"4712\""),
        "tableflow" => ("Owner: data-platform", "Owner: data-platform-team"),
        other => panic!(
            "no config edit for blueprint `{other}`: add one to `config_edit` in {}",
            file!()
        ),
    }
}

/// Runs the binary; returns its output (asserting the exit status).
fn engine(args: &[&str], endpoint: &str, roles: &[String], expect: i32) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolewright-apply"));
    cmd.args(args).args([
        "--endpoint-url",
        endpoint,
        "--attempt-timeout",
        "5",
        "--max-attempts",
        "4",
        "--propagation-timeout",
        "20",
    ]);
    for r in roles {
        cmd.args(["--account-role", r]);
    }
    let out = cmd
        .env("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(expect),
        "rolewright-apply {args:?} exited with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)))
}

fn actions(v: &Value) -> Vec<String> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap().to_owned())
        .collect()
}

/// The accounts of a blueprint's example deployment: key → id (the configured id, or a fresh one).
fn accounts(blueprint: &str, config: &Path) -> BTreeMap<String, String> {
    let args = Args {
        blueprint: blueprint.to_owned(),
        config: Some(config.to_path_buf()),
        format: Format::Json,
        adopt: false,
        auto_approve: true,
        endpoint_url: None,
        region: None,
        profile: None,
        account_roles: vec![],
        overrides: Default::default(),
        propagation_timeout: 20,
        attempt_timeout: 5,
        max_attempts: 4,
    };
    let d = load_deployment(&args).unwrap_or_else(|e| panic!("{blueprint}: {e}"));
    d.accounts
        .iter()
        .map(|a| {
            let id = a.id.as_ref().map(ToString::to_string);
            (a.key.clone(), id.unwrap_or_else(account_id))
        })
        .collect()
}

fn role_args(accounts: &BTreeMap<String, String>) -> Vec<String> {
    accounts
        .iter()
        .map(|(k, id)| format!("{k}=arn:aws:iam::{id}:role/rolewright-deployer"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_blueprint_plans_applies_edits_and_destroys() {
    let all = blueprints::all();
    assert!(!all.is_empty(), "the registry lists no blueprint");
    let mut covered = Vec::new();
    for bp in all {
        let name = bp.name();
        let example = example_config(name)
            .unwrap_or_else(|| panic!("blueprint `{name}` has no example config"));
        let moto = Moto::start();
        let url = moto.url();
        let accts = accounts(name, &example);
        let roles = role_args(&accts);
        let ids: Vec<&String> = accts
            .values()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();

        // Somebody else's role in every account.
        for id in &ids {
            iam(&url, id)
                .create_role()
                .role_name("not-rolewrights")
                .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
                .send()
                .await
                .unwrap();
        }

        let dir = tempdir(name);
        let config = dir.join(example.file_name().unwrap());
        let text = std::fs::read_to_string(&example).unwrap();
        std::fs::write(&config, &text).unwrap();
        let config_s = config.to_str().unwrap();

        let plan = json(&engine(
            &["plan", name, "--config", config_s, "--format", "json"],
            &url,
            &roles,
            0,
        ));
        assert!(
            actions(&plan).iter().all(|a| a == "create"),
            "{name}: {:?}",
            actions(&plan)
        );
        assert!(plan["api_calls"]["write"].as_u64().unwrap() > 0);

        let applied = json(&engine(
            &[
                "apply",
                name,
                "--config",
                config_s,
                "--format",
                "json",
                "--auto-approve",
            ],
            &url,
            &roles,
            0,
        ));
        assert_eq!(applied["applied"], true, "{name}");
        assert_eq!(
            applied["api_calls"]["write"], plan["api_calls"]["write"],
            "{name}: apply makes the planned calls"
        );

        let again = json(&engine(
            &["plan", name, "--config", config_s, "--format", "json"],
            &url,
            &roles,
            0,
        ));
        assert!(
            actions(&again).iter().all(|a| a == "no-op"),
            "{name}: {:?}",
            again["changes"]
        );
        assert_eq!(again["api_calls"]["write"], 0, "{name}");
        let reapplied = json(&engine(
            &[
                "apply",
                name,
                "--config",
                config_s,
                "--format",
                "json",
                "--auto-approve",
            ],
            &url,
            &roles,
            0,
        ));
        assert_eq!(
            reapplied["api_calls"]["write"], 0,
            "{name}: a second apply writes nothing"
        );
        assert_eq!(reapplied["applied"], false);

        let (from, to) = config_edit(name);
        assert!(
            text.contains(from),
            "{name}: the example config no longer contains `{from}`"
        );
        std::fs::write(&config, text.replace(from, to)).unwrap();
        let edit = json(&engine(
            &["plan", name, "--config", config_s, "--format", "json"],
            &url,
            &roles,
            0,
        ));
        let edit_actions = actions(&edit);
        assert!(
            edit_actions.iter().any(|a| a == "update"),
            "{name}: the edit changes something: {edit_actions:?}"
        );
        assert!(
            edit_actions.iter().all(|a| a == "update" || a == "no-op"),
            "{name}: in place only: {edit_actions:?}"
        );
        engine(
            &["apply", name, "--config", config_s, "--auto-approve"],
            &url,
            &roles,
            0,
        );
        let clean = json(&engine(
            &["plan", name, "--config", config_s, "--format", "json"],
            &url,
            &roles,
            0,
        ));
        assert_eq!(
            clean["api_calls"]["write"], 0,
            "{name}: clean after the edit: {:?}",
            clean["changes"]
        );

        let destroyed = engine(
            &["destroy", name, "--config", config_s, "--auto-approve"],
            &url,
            &roles,
            0,
        );
        assert!(
            String::from_utf8_lossy(&destroyed.stdout).contains("Destroy complete"),
            "{name}"
        );
        for id in &ids {
            let c = iam(&url, id);
            assert_eq!(
                role_names(&c).await,
                ["not-rolewrights"],
                "{name}: account {id} after destroy"
            );
            assert!(policy_names(&c).await.is_empty(), "{name}: account {id}");
            assert!(oidc_arns(&c).await.is_empty(), "{name}: account {id}");
        }
        covered.push(name);
    }
    eprintln!("covered blueprints: {covered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tableflow_example_converges_from_phase_one_in_two_applies() {
    let moto = Moto::start();
    let url = moto.url();
    let example = example_config("tableflow").unwrap();
    let accts = accounts("tableflow", &example);
    let roles = role_args(&accts);
    let text = std::fs::read_to_string(&example).unwrap();
    let phase1: String = text
        .lines()
        .filter(|l| !l.starts_with("confluent_"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(phase1, text);
    let dir = tempdir("tableflow-phases");
    let config = dir.join("tableflow.yaml");
    let config_s = config.to_str().unwrap();
    std::fs::write(&config, &phase1).unwrap();
    engine(
        &["apply", "tableflow", "--config", config_s, "--auto-approve"],
        &url,
        &roles,
        0,
    );
    std::fs::write(&config, &text).unwrap();
    let out = engine(
        &["apply", "tableflow", "--config", config_s, "--auto-approve"],
        &url,
        &roles,
        0,
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("WARNING: trust policy of role `dev-confluent-role`")
            && shown.contains("WIDENS"),
        "{shown}"
    );
    let clean = json(&engine(
        &[
            "plan",
            "tableflow",
            "--config",
            config_s,
            "--format",
            "json",
        ],
        &url,
        &roles,
        0,
    ));
    assert_eq!(clean["api_calls"]["write"], 0, "{:?}", clean["changes"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_process_killed_midway_converges_on_rerun() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let example = example_config("inventory").unwrap();
    let accts = accounts("inventory", &example);
    let roles = role_args(&accts);
    let example_s = example.to_str().unwrap();
    // Hold the fourth write, unforwarded, then kill the process.
    proxy.arm("mode=stall&writes=1&after=3&count=1000");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolewright-apply"))
        .args([
            "apply",
            "inventory",
            "--config",
            example_s,
            "--auto-approve",
            "--endpoint-url",
            &proxy.url(),
        ])
        .args(roles.iter().flat_map(|r| ["--account-role", r.as_str()]))
        .env("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while proxy.stats()["stalled"].as_u64().unwrap_or(0) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the engine never reached its fourth write: {}",
            proxy.stats()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the engine exited early"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(proxy.stats()["writes"], 3);
    proxy.reset();
    let rerun = json(&engine(
        &[
            "apply",
            "inventory",
            "--config",
            example_s,
            "--auto-approve",
            "--format",
            "json",
        ],
        &proxy.url(),
        &roles,
        0,
    ));
    assert_eq!(rerun["applied"], true);
    assert!(
        rerun["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["action"] == "no-op"),
        "what landed is kept"
    );
    let clean = json(&engine(
        &[
            "plan",
            "inventory",
            "--config",
            example_s,
            "--format",
            "json",
        ],
        &moto.url(),
        &roles,
        0,
    ));
    assert_eq!(clean["api_calls"]["write"], 0, "{:?}", clean["changes"]);
}

/// A temporary folder, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn join(&self, p: impl AsRef<Path>) -> std::path::PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("rolewright-apply-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

#[test]
fn usage_problems_exit_2_before_any_call() {
    // No endpoint is running: none of these may get as far as calling AWS.
    let dead = "http://127.0.0.1:9";
    let out = engine(&["plan", "no-such-blueprint"], dead, &[], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: unknown blueprint `no-such-blueprint`")
            && err.contains("`runtime-connector`"),
        "{err}"
    );
    let out = engine(
        &["plan", "tableflow", "--config", "/no/such/file.yaml"],
        dead,
        &[],
        2,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read config `/no/such/file.yaml`")
    );
    let out = engine(&["plan", "tableflow", "--external", "nope"], dead, &[], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--external nope`: expected NAME=VALUE"));
    let out = engine(
        &["plan", "tableflow"],
        dead,
        &["billing=arn:aws:iam::111111111111:role/x".into()],
        2,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`--account-role billing=...` names no account of this deployment")
            && err.contains("`default`"),
        "{err}"
    );
}

#[test]
fn apply_asks_first_and_refuses_without_a_terminal() {
    let moto = Moto::start();
    let example = example_config("runtime-connector").unwrap();
    let accts = accounts("runtime-connector", &example);
    let roles = role_args(&accts);
    // stdin is not a terminal under the test harness.
    let out = engine(&["apply", "runtime-connector"], &moto.url(), &roles, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to change anything without confirmation")
            && err.contains("--auto-approve"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("rolewright will perform the following actions:"));
    let plan = json(&engine(
        &["plan", "runtime-connector", "--format", "json"],
        &moto.url(),
        &roles,
        0,
    ));
    assert!(
        actions(&plan).iter().all(|a| a == "create"),
        "nothing was applied"
    );
}
