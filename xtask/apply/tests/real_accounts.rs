//! What a real account adds, against moto through the fault proxy: the named profile wins over
//! environment keys; credential failures are one line and never retried; the pre-flight
//! catches what IAM would reject (missing policies and principals, quotas) before any write;
//! `--format json` prints a document on every failure, conflicts named; reads of a no-op
//! re-apply do not grow with other people's policies; two concurrent applies serialize on the
//! deployment's lock without duplicate policy versions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Command as Process, Stdio};

use common::*;
use iam_model::{PolicyDocument, Principal, Statement};
use rolewright_apply::aws::engine::{Command, EngineError};
use rolewright_apply::cli::example_config;
use rolewright_apply::desired::Kind;
use serde_json::Value;

/// STS keys that moto routes to `account` (keys minted by AssumeRole belong to its account).
async fn keys_for(endpoint: &str, account: &str) -> (String, String, String) {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "AKIDMINT", "secret", None, None, "test",
        ))
        .build();
    let out = aws_sdk_sts::Client::from_conf(conf)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/profile-identity"))
        .role_session_name("profile")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    (
        c.access_key_id().to_owned(),
        c.secret_access_key().to_owned(),
        c.session_token().to_owned(),
    )
}

fn stdout_json(out: &std::process::Output) -> Value {
    json(out)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_profile_wins_over_environment_keys_and_bad_credentials_fail_in_one_line() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let example = example_config("runtime-connector").unwrap();
    let example_s = example.to_str().unwrap();
    let other = account_id();
    let (key, secret, token) = keys_for(&moto.url(), &other).await;
    let dir = tempdir("profiles");
    let creds = dir.join("credentials");
    let config = dir.join("config");
    std::fs::write(
        &creds,
        format!("[other]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"),
    )
    .unwrap();
    std::fs::write(&config, "[profile other]\nregion = eu-west-1\n").unwrap();
    let envs = [
        ("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ];

    // The environment's keys (AKIDROLEWRIGHTTEST) reach moto's default account ...
    let env_run = engine_env(
        &[
            "plan",
            "runtime-connector",
            "--config",
            example_s,
            "--format",
            "json",
        ],
        &proxy.url(),
        &[],
        0,
        &envs,
    );
    let ids = stdout_json(&env_run)["identities"].clone();
    assert_eq!(ids[0]["account_id"], "123456789012", "{ids}");
    // ... and `--profile other` reaches the profile's account, though they are still set.
    let profile_run = engine_env(
        &[
            "plan",
            "runtime-connector",
            "--config",
            example_s,
            "--format",
            "json",
            "--profile",
            "other",
        ],
        &proxy.url(),
        &[],
        0,
        &envs,
    );
    let v = stdout_json(&profile_run);
    let ids = v["identities"].as_array().unwrap();
    assert!(!ids.is_empty());
    for i in ids {
        assert_eq!(i["account_id"], other.as_str(), "{v}");
        assert!(i["arn"].as_str().unwrap().contains(&other), "{i}");
        assert_eq!(i["credentials"], "profile `other`");
    }
    let err = stderr(&profile_run);
    assert!(
        err.contains(&format!(
            "acting in account {other} as arn:aws:sts::{other}:"
        )),
        "the run says who it acts as: {err}"
    );
    // The apply lands in the profile's account, not the environment's.
    engine_env(
        &[
            "apply",
            "runtime-connector",
            "--config",
            example_s,
            "--auto-approve",
            "--profile",
            "other",
        ],
        &proxy.url(),
        &[],
        0,
        &envs,
    );
    assert!(!role_names(&iam(&moto.url(), &other)).await.is_empty());
    assert!(role_names(&iam(&moto.url(), "123456789012"))
        .await
        .is_empty());

    // A profile that does not exist: one clear line, no call sent (so nothing retried).
    proxy.reset();
    let bad = engine_env(
        &[
            "plan",
            "runtime-connector",
            "--config",
            example_s,
            "--format",
            "json",
            "--profile",
            "missing",
        ],
        &proxy.url(),
        &[],
        2,
        &envs,
    );
    let err = stderr(&bad);
    assert!(err.contains("no usable credentials"), "{err}");
    assert!(err.contains("profile `missing`"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(!err.contains("dispatch failure"), "{err}");
    assert!(err.len() < 800, "short, not a debug dump: {err}");
    assert_eq!(
        proxy.stats()["requests"],
        0,
        "nothing sent, nothing retried"
    );
    let v = stdout_json(&bad);
    assert_eq!(v["error"]["kind"], "credentials", "{v}");
    assert_eq!(v["error"]["transient"], false, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_on_failure_names_each_conflicting_object() {
    let moto = Moto::start();
    let example = example_config("runtime-connector").unwrap();
    let example_s = example.to_str().unwrap();
    let accts = accounts("runtime-connector", &example);
    let roles = role_args(&accts);
    let plan = json(&engine(
        &[
            "plan",
            "runtime-connector",
            "--config",
            example_s,
            "--format",
            "json",
        ],
        &moto.url(),
        &roles,
        0,
    ));
    let first_role = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "role")
        .unwrap();
    let (name, account) = (
        first_role["name"].as_str().unwrap().to_owned(),
        first_role["account_id"].as_str().unwrap().to_owned(),
    );
    // Another deployment's role with that name.
    iam(&moto.url(), &account)
        .create_role()
        .role_name(&name)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .tags(aws_sdk_iam::types::Tag::builder().key("rolewright:blueprint").value("other-bp").build().unwrap())
        .tags(aws_sdk_iam::types::Tag::builder().key("rolewright:instance").value("other-inst").build().unwrap())
        .send()
        .await
        .unwrap();
    let out = engine(
        &[
            "apply",
            "runtime-connector",
            "--config",
            example_s,
            "--format",
            "json",
            "--auto-approve",
        ],
        &moto.url(),
        &roles,
        1,
    );
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "conflicts", "{v}");
    assert_eq!(v["applied"], false);
    let c = &v["conflicts"][0];
    assert_eq!(c["kind"], "role", "{v}");
    assert_eq!(c["name"], name.as_str());
    assert_eq!(c["account_id"], account.as_str());
    assert_eq!(c["owner"], "other-bp/other-inst");
    assert!(!v["identities"].as_array().unwrap().is_empty(), "{v}");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "role `{name}` in account {account} (owner tag `other-bp/other-inst`)"
        )),
        "the human message names the object: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_catches_what_iam_would_reject_before_any_write() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());

    // An AWS managed policy that does not exist, and a trusted role that does not exist.
    let mut d = demo(Variant::First);
    let runner = d.roles.iter_mut().find(|r| r.key == "runner").unwrap();
    runner
        .managed_policy_arns
        .push("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere".into());
    let target = d.roles.iter_mut().find(|r| r.key == "target").unwrap();
    target
        .trust
        .statements
        .push(
            Statement::allow()
                .action("sts:AssumeRole")
                .principal(Principal::aws([format!(
                    "arn:aws:iam::{}:role/ghost",
                    accts.member
                )])),
        );
    for cmd in [Command::Plan, Command::Apply] {
        match run(cmd, &d, &opts).await.unwrap_err() {
            EngineError::Preflight(p) => {
                assert_eq!(p.len(), 2, "{p:?}");
                let missing = p.iter().find(|c| c.name == "demo-runner").unwrap();
                assert_eq!(missing.account_id, accts.hub);
                assert!(missing.reason.contains("NoSuchPolicyAnywhere"), "{p:?}");
                let ghost = p.iter().find(|c| c.name == "demo-target").unwrap();
                assert_eq!(ghost.kind, Kind::Role);
                assert!(ghost.reason.contains("role/ghost"), "{p:?}");
                let msg = EngineError::Preflight(p.clone()).to_string();
                assert!(msg.contains("nothing was changed"), "{msg}");
                assert!(!msg.contains("run apply again"), "permanent: {msg}");
            }
            other => panic!("expected a pre-flight failure: {other}"),
        }
    }
    assert_eq!(proxy.stats()["writes"], 0, "nothing was written");

    // A quota: the accounts allow no more roles; the plan creates one in each.
    proxy.reset();
    proxy.arm("mode=rewrite&action=GetAccountSummary&count=1000&find=<key>RolesQuota</key><value>1000</value>&replace=<key>RolesQuota</key><value>0</value>");
    let d = demo(Variant::First);
    match run(Command::Apply, &d, &opts).await.unwrap_err() {
        EngineError::Preflight(p) => {
            assert!(
                p.iter().any(|c| c.reason.contains("RolesQuota")),
                "{p:?} {}",
                proxy.stats()
            );
        }
        other => panic!("expected a quota failure: {other}"),
    }
    assert_eq!(proxy.stats()["writes"], 0);
    // Without the fault the same deployment applies.
    proxy.reset();
    assert!(run(Command::Apply, &d, &opts).await.unwrap().applied);
}

/// Read calls (through the proxy) of one no-op re-apply.
async fn noop_reads(
    proxy: &Proxy,
    d: &iam_model::deployment::Deployment,
    opts: &rolewright_apply::aws::engine::Options,
) -> Vec<String> {
    proxy.reset();
    let a = run(Command::Apply, d, opts).await.unwrap();
    assert_eq!(a.api_calls.write, 0);
    let stats = proxy.stats();
    assert_eq!(stats["writes"], 0, "{stats}");
    stats["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_of_a_noop_reapply_do_not_grow_with_foreign_policies() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    let d = demo(Variant::First);
    run(Command::Apply, &d, &opts).await.unwrap();
    let before = noop_reads(&proxy, &d, &opts).await;
    let doc = PolicyDocument::new([Statement::allow().action("s3:GetObject").resource("*")])
        .to_json_compact()
        .unwrap();
    for account in [&accts.hub, &accts.member] {
        let c = iam(&moto.url(), account);
        for i in 0..100 {
            c.create_policy()
                .policy_name(format!("someone-elses-{i:03}"))
                .policy_document(&doc)
                .send()
                .await
                .unwrap();
        }
    }
    let after = noop_reads(&proxy, &d, &opts).await;
    assert_eq!(before, after, "200 unattached foreign policies add no read");
    assert!(after.len() < 20, "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_applies_serialize_on_the_lock() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let example = example_config("runtime-connector").unwrap();
    let accts = accounts("runtime-connector", &example);
    let roles = role_args(&accts);
    let dir = tempdir("lock");
    let config = dir.join("runtime-connector.yaml");
    let text = std::fs::read_to_string(&example).unwrap();
    std::fs::write(&config, &text).unwrap();
    let config_s = config.to_str().unwrap();
    engine(
        &[
            "apply",
            "runtime-connector",
            "--config",
            config_s,
            "--auto-approve",
        ],
        &proxy.url(),
        &roles,
        0,
    );
    // An edit that makes a new version of a managed policy, applied twice at once, with every
    // write slowed so the two runs overlap.
    let policy_versions = |v: &Value| -> Vec<String> {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["calls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a == "CreatePolicyVersion")
            })
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let edited = text
        .replace("tag_value: prod-eu\n", "tag_value: prod-eu-2\n")
        .replace("stream/sym-audit", "stream/sym-audit-2");
    assert_ne!(edited, text);
    std::fs::write(&config, &edited).unwrap();
    let spawn = || {
        let mut cmd = Process::new(env!("CARGO_BIN_EXE_rolewright-apply"));
        cmd.args([
            "apply",
            "runtime-connector",
            "--config",
            config_s,
            "--auto-approve",
            "--format",
            "json",
            "--endpoint-url",
            &proxy.url(),
            "--lock-wait",
            "120",
        ]);
        for r in &roles {
            cmd.args(["--account-role", r]);
        }
        cmd.env("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    proxy.reset();
    proxy.arm("mode=slow&delay=0.4&writes=1&count=1000");
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    }
    let both = format!("{}\n{}", stderr(&a), stderr(&b));
    assert!(
        both.contains("is locked by"),
        "one run waited for the other: {both}"
    );
    // One run made the changes; the other, planned under the lock, found nothing to do.
    let (va, vb) = (json(&a), json(&b));
    let writes = [&va, &vb].map(|v| v["api_calls"]["write"].as_u64().unwrap());
    assert!(writes.contains(&0), "{writes:?}");
    let edited_policies: Vec<String> = policy_versions(&va)
        .into_iter()
        .chain(policy_versions(&vb))
        .collect();
    // No duplicate versions: every policy has exactly the two versions of two documents.
    let mut seen = 0;
    for account in accts.values() {
        let c = iam(&moto.url(), account);
        let list = c
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .send()
            .await
            .unwrap();
        for p in list.policies() {
            let (name, arn) = (p.policy_name().unwrap(), p.arn().unwrap());
            assert!(
                !p.path().unwrap_or("/").starts_with("/rolewright/locks/"),
                "the lock was released: {arn}"
            );
            if p.path().unwrap_or("/").starts_with("/rolewright/") {
                continue;
            }
            let versions = c
                .list_policy_versions()
                .policy_arn(arn)
                .send()
                .await
                .unwrap()
                .versions()
                .len();
            let edited = edited_policies.iter().any(|n| n == name);
            seen += usize::from(edited);
            assert_eq!(versions, if edited { 2 } else { 1 }, "{name}: {both}");
        }
    }
    assert!(
        seen > 0,
        "the edit made a policy version: {edited_policies:?}"
    );
    // The lock is gone: a third apply takes it at once.
    let again = json(&engine(
        &[
            "apply",
            "runtime-connector",
            "--config",
            config_s,
            "--auto-approve",
            "--format",
            "json",
        ],
        &proxy.url(),
        &roles,
        0,
    ));
    assert_eq!(again["api_calls"]["write"], 0);
}
