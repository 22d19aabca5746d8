//! Faults between the SDK and moto, injected by `tests/moto/faultproxy.py`: throttling, 5xx,
//! slow responses, dropped and reset connections, lost responses, IAM's eventual-consistency
//! errors, a hard error midway, and an apply killed midway. Every run must converge with
//! nothing duplicated or lost, and the proxy's own counters prove what was sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use rolewright_apply::aws::engine::{Command, EngineError};

/// Checks the demo deployment is fully there, exactly once, and the next plan is clean.
async fn assert_converged(
    moto: &Moto,
    accts: &Accounts,
    d: &iam_model::deployment::Deployment,
    versions: usize,
) {
    let hub = iam(&moto.url(), &accts.hub);
    let member = iam(&moto.url(), &accts.member);
    assert_eq!(role_names(&hub).await, ["demo-runner"]);
    assert_eq!(role_names(&member).await, ["demo-target"]);
    assert_eq!(policy_names(&hub).await, ["demo-read"]);
    assert_eq!(oidc_arns(&hub).await.len(), 1);
    let arn = format!("arn:aws:iam::{}:policy/demo/demo-read", accts.hub);
    let v = hub
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(v.versions().len(), versions, "policy versions");
    let attached = hub
        .list_attached_role_policies()
        .role_name("demo-runner")
        .send()
        .await
        .unwrap();
    assert_eq!(attached.attached_policies().len(), 2);
    let inline = member
        .list_role_policies()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    assert_eq!(inline.policy_names(), ["read-only"]);
    let opts = options(&moto.url(), &accts.pairs());
    let p = run(Command::Plan, d, &opts).await.unwrap();
    assert_eq!(
        p.plan.write_calls(),
        0,
        "clean plan after convergence: {:?}",
        p.plan.changes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_5xx_slow_and_broken_connections_are_retried() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    for fault in [
        "mode=throttle&count=2&action=CreateRole",
        "mode=500&count=2&action=PutRolePolicy",
        "mode=503&count=1&action=CreatePolicy",
        "mode=throttle429&count=1&action=AttachRolePolicy",
        "mode=drop&count=2&action=CreateOpenIDConnectProvider",
        "mode=reset&count=1&action=GetAccountAuthorizationDetails",
        // Longer than the 5 s attempt timeout: the attempt is abandoned and retried.
        "mode=slow&delay=6&count=1&action=ListRoles",
        "mode=slow&delay=6&count=1&action=CreateRole",
    ] {
        proxy.arm(fault);
    }
    let d = demo(Variant::First);
    let a = run(Command::Apply, &d, &opts).await.unwrap();
    assert!(a.applied);
    let stats = proxy.stats();
    assert_eq!(stats["faulted"], 11, "every armed fault fired: {stats}");
    assert_converged(&moto, &accts, &d, 1).await;

    // The second apply sends no write at all: the proxy sees only reads.
    proxy.reset();
    let again = run(Command::Apply, &d, &opts).await.unwrap();
    assert_eq!(again.api_calls.write, 0);
    let stats = proxy.stats();
    assert_eq!(stats["writes"], 0, "{stats}");
    let actions: Vec<&str> = stats["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        actions
            .iter()
            .all(|a| a.starts_with("Get") || a.starts_with("List") || a.starts_with("AssumeRole")),
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_responses_are_read_back_not_duplicated() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    // Each call takes effect in moto, then the answer is lost: the SDK re-sends creates and
    // gets EntityAlreadyExists, which the engine reads back and converges.
    for action in [
        "CreateRole",
        "CreatePolicy",
        "CreateOpenIDConnectProvider",
        "PutRolePolicy",
        "AttachRolePolicy",
    ] {
        proxy.arm(&format!("mode=lose&count=1&action={action}"));
    }
    let d = demo(Variant::First);
    let ui = Recorder::default();
    rolewright_apply::aws::engine::run(Command::Apply, &d, &opts, &ui)
        .await
        .unwrap();
    assert_eq!(proxy.stats()["faulted"], 5);
    let read_back: Vec<String> = ui
        .lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("already exists: reading it back"))
        .cloned()
        .collect();
    assert_eq!(
        read_back.len(),
        3,
        "the three lost creates were read back: {read_back:#?}"
    );
    assert_converged(&moto, &accts, &d, 1).await;

    // CreatePolicyVersion is not idempotent: a lost answer must not add a second new version.
    proxy.reset();
    proxy.arm("mode=lose&count=1&action=CreatePolicyVersion");
    proxy.arm("mode=lose&count=1&action=AddClientIDToOpenIDConnectProvider");
    proxy.arm("mode=lose&count=1&action=UpdateRole");
    let edited = demo(Variant::Edited);
    run(Command::Apply, &edited, &opts).await.unwrap();
    let stats = proxy.stats();
    assert_eq!(stats["faulted"], 3, "{stats}");
    let sent: Vec<&str> = stats["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(
        sent.iter().filter(|a| **a == "CreatePolicyVersion").count(),
        1,
        "never re-sent: {sent:?}"
    );
    assert_converged(&moto, &accts, &edited, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eventual_consistency_is_waited_out() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    for fault in [
        // The runner role was created a moment ago; IAM does not see it yet.
        "mode=error&count=2&action=CreateRole&status=400&code=MalformedPolicyDocument&message=Invalid+principal+in+policy:+%22AWS%22",
        "mode=conflict&count=2&action=AttachRolePolicy",
        "mode=error&count=1&action=PutRolePolicy&status=404&code=NoSuchEntity&message=The+role+cannot+be+found",
    ] {
        proxy.arm(fault);
    }
    let d = demo(Variant::First);
    let ui = Recorder::default();
    let a = rolewright_apply::aws::engine::run(Command::Apply, &d, &opts, &ui)
        .await
        .unwrap();
    assert!(a.applied);
    assert_eq!(proxy.stats()["faulted"], 5);
    let lines = ui.lines.lock().unwrap().clone();
    let waited = |why: &str| {
        lines
            .iter()
            .filter(|l| l.contains("waiting for IAM") && l.contains(why))
            .count()
    };
    assert_eq!(
        waited("a principal in the trust policy is not visible yet"),
        2,
        "{lines:#?}"
    );
    assert_eq!(
        waited("another change to the same object is in progress"),
        2,
        "{lines:#?}"
    );
    assert_eq!(
        waited("an object created moments ago is not visible yet"),
        1,
        "{lines:#?}"
    );
    assert_converged(&moto, &accts, &d, 1).await;

    // Destroy waits out DeleteConflict while detaches propagate.
    proxy.reset();
    proxy.arm("mode=error&count=2&action=DeleteRole&status=409&code=DeleteConflict&message=Cannot+delete+entity,+must+detach+all+policies+first.");
    run(Command::Destroy, &d, &opts).await.unwrap();
    assert_eq!(proxy.stats()["faulted"], 2);
    assert!(role_names(&iam(&moto.url(), &accts.hub)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_midway_stops_and_a_rerun_converges() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    // Not retryable: the run stops at the first AttachRolePolicy.
    proxy.arm("mode=error&count=100&action=AttachRolePolicy&status=400&code=InvalidInput&message=injected+refusal");
    let d = demo(Variant::First);
    let err = run(Command::Apply, &d, &opts).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, EngineError::Exec(_)), "{msg}");
    assert!(
        msg.contains("`AttachRolePolicy` failed with `InvalidInput`")
            && msg.contains("permanent error")
            && !msg.contains("run apply again to converge"),
        "{msg}"
    );
    proxy.reset();
    let p = run(Command::Plan, &d, &opts).await.unwrap();
    assert!(
        p.plan.write_calls() > 0 && p.plan.write_calls() < 8,
        "only the rest is left: {}",
        p.plan.write_calls()
    );
    run(Command::Apply, &d, &opts).await.unwrap();
    assert_converged(&moto, &accts, &d, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_killed_midway_converges_on_the_next_run() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let d = demo(Variant::First);
    for after in [0, 2, 4, 7] {
        let accts = Accounts::new();
        let opts = options(&proxy.url(), &accts.pairs());
        proxy.reset();
        // The write after `after` writes hangs, unforwarded; the apply is then killed.
        proxy.arm(&format!("mode=stall&writes=1&after={after}&count=1000"));
        let task = {
            let (d, opts) = (d.clone(), opts.clone());
            tokio::spawn(async move { run(Command::Apply, &d, &opts).await })
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while proxy.stats()["stalled"].as_u64().unwrap_or(0) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "apply never reached write {after}: {}",
                proxy.stats()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        let stats = proxy.stats();
        assert_eq!(
            stats["writes"], after,
            "exactly {after} writes landed before the kill: {stats}"
        );
        proxy.reset();
        let a = run(Command::Apply, &d, &opts).await.unwrap();
        assert_eq!(
            a.api_calls.write,
            8 - after as u64,
            "the rerun does only what is left"
        );
        assert_converged(&moto, &accts, &d, 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_that_does_not_exist_fails_at_once() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    // The role was created a moment ago, but IAM names the policy as what is missing: no
    // amount of waiting makes an AWS managed policy appear.
    proxy.arm("mode=error&count=100&action=AttachRolePolicy&status=404&code=NoSuchEntity&message=Policy+arn:aws:iam::aws:policy/ReadOnlyAccess+does+not+exist+or+is+not+attachable.");
    let mut d = demo(Variant::First);
    d.roles[0]
        .managed_policy_arns
        .retain(|a| a.as_literal().is_some());
    let err = run(Command::Apply, &d, &opts).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("does not exist or is not attachable"),
        "{err}"
    );
    // No propagation wait: the call is sent once, not retried until the budget runs out.
    // (Counted, not timed: the machine may be slow.)
    let attaches = proxy.stats()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| *a == "AttachRolePolicy")
        .count();
    assert_eq!(attaches, 1, "{}", proxy.stats());
    assert!(err.to_string().contains("permanent error"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_filled_up_since_the_plan_is_pruned_at_apply_time() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port);
    let accts = Accounts::new();
    let opts = options(&proxy.url(), &accts.pairs());
    let mut d = demo(Variant::First);
    run(Command::Apply, &d, &opts).await.unwrap();
    let hub = iam(&moto.url(), &accts.hub);
    let arn = format!("arn:aws:iam::{}:policy/demo/demo-read", accts.hub);
    // Someone adds a version but keeps v1 the default: v1 (default), v2.
    hub.create_policy_version()
        .policy_arn(&arn)
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#)
        .set_as_default(false)
        .send()
        .await
        .unwrap();
    // IAM then says the policy is full, as if versions were added between plan and apply.
    proxy.arm("mode=error&count=1&action=CreatePolicyVersion&status=409&code=LimitExceeded&message=A+managed+policy+can+have+up+to+5+versions.");
    d.policies[0].document = iam_model::PolicyDocument::new([iam_model::Statement::allow()
        .action("s3:GetObject")
        .resource("*")]);
    run(Command::Apply, &d, &opts).await.unwrap();
    let sent: Vec<String> = proxy.stats()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    assert!(
        sent.windows(3).any(|w| w
            == [
                "ListPolicyVersions",
                "DeletePolicyVersion",
                "CreatePolicyVersion"
            ]),
        "{sent:?}"
    );
    let versions = hub
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let ids: Vec<(&str, bool)> = versions
        .versions()
        .iter()
        .map(|v| (v.version_id().unwrap(), v.is_default_version()))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids.contains(&("v1", false)) && ids.contains(&("v3", true)),
        "the oldest non-default, v2, was pruned: {ids:?}"
    );
}
