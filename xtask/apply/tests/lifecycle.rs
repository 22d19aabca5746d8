//! End to end against moto: plan → apply → clean plan with zero writes → edit → apply updates
//! in place → destroy, on a hand-built two-account deployment; ownership and adoption;
//! generated external ids; orphans; policy version pruning; values known only after apply.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use iam_model::deployment::TAG_BLUEPRINT;
use rolewright_apply::aws::engine::{Command, EngineError};
use rolewright_apply::desired::{GeneratedSource, Kind};
use rolewright_apply::plan::Action;

const TRUST_ANYONE_IN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#;

fn actions(plan: &rolewright_apply::plan::Plan) -> Vec<(Action, Kind, String)> {
    plan.changes
        .iter()
        .map(|c| (c.action, c.kind, c.name.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_apply_noop_edit_destroy() {
    let moto = Moto::start();
    let accts = Accounts::new();
    let opts = options(&moto.url(), &accts.pairs());
    let hub = iam(&moto.url(), &accts.hub);
    let member = iam(&moto.url(), &accts.member);

    // Somebody else's role and policy, which nothing may touch.
    hub.create_role()
        .role_name("someone-elses-role")
        .assume_role_policy_document(TRUST_ANYONE_IN)
        .send()
        .await
        .unwrap();
    hub.create_policy()
        .policy_name("someone-elses-policy")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();

    // Plan: everything is created; nothing is written.
    let first = demo(Variant::First);
    let p = run(Command::Plan, &first, &opts).await.unwrap();
    assert!(!p.applied);
    assert_eq!(p.api_calls.write, 8, "what apply would send");
    assert_eq!(
        actions(&p.plan),
        [
            (
                Action::Create,
                Kind::OidcProvider,
                "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF".to_owned()
            ),
            (Action::Create, Kind::Policy, "demo-read".to_owned()),
            (Action::Create, Kind::Role, "demo-runner".to_owned()),
            (Action::Create, Kind::Role, "demo-target".to_owned()),
        ]
    );
    // 1 provider + 1 policy + (role, inline, 2 attachments) + (role, inline).
    assert_eq!(p.plan.write_calls(), 8);
    assert_eq!(
        role_names(&hub).await,
        ["someone-elses-role"],
        "plan changes nothing"
    );

    // Apply makes exactly the planned calls.
    let a = run(Command::Apply, &first, &opts).await.unwrap();
    assert!(a.applied);
    assert_eq!(a.api_calls.write, 8);
    assert_eq!(
        role_names(&hub).await,
        ["demo-runner", "someone-elses-role"]
    );
    assert_eq!(role_names(&member).await, ["demo-target"]);
    assert_eq!(
        policy_names(&hub).await,
        ["demo-read", "someone-elses-policy"]
    );
    let external_id = a.outputs["external_id"].0.as_str().unwrap().to_owned();
    assert_eq!(external_id.len(), 36, "a UUID: {external_id}");
    assert_eq!(
        a.outputs["runner_arn"].0,
        serde_json::json!(format!("arn:aws:iam::{}:role/demo-runner", accts.hub))
    );
    // The target role's trust names the runner across accounts, with the external id.
    let target = member
        .get_role()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    let trust = percent_encoding::percent_decode_str(
        target
            .role()
            .unwrap()
            .assume_role_policy_document()
            .unwrap(),
    )
    .decode_utf8()
    .unwrap()
    .into_owned();
    assert!(
        trust.contains(&format!("arn:aws:iam::{}:role/demo-runner", accts.hub)),
        "{trust}"
    );
    assert!(trust.contains(&external_id), "{trust}");

    // A second plan and a second apply: nothing to do, zero write calls.
    let p2 = run(Command::Plan, &first, &opts).await.unwrap();
    assert!(
        p2.plan.changes.iter().all(|c| c.action == Action::NoOp),
        "{:?}",
        actions(&p2.plan)
    );
    assert_eq!(p2.plan.write_calls(), 0);
    assert_eq!(
        p2.plan.generated[0].source,
        GeneratedSource::Kept {
            role: "demo-target".into()
        },
        "the external id is read back, never rotated"
    );
    let a2 = run(Command::Apply, &first, &opts).await.unwrap();
    assert!(!a2.applied);
    assert_eq!(a2.api_calls.write, 0);

    // Edit every object in place.
    let edited = demo(Variant::Edited);
    let p3 = run(Command::Plan, &edited, &opts).await.unwrap();
    assert!(
        p3.plan.changes.iter().all(|c| c.action == Action::Update),
        "only in-place updates: {:?}",
        actions(&p3.plan)
    );
    let calls: Vec<&str> = p3
        .plan
        .changes
        .iter()
        .flat_map(|c| c.ops.iter().map(|o| o.api_name()))
        .collect();
    assert_eq!(
        calls,
        [
            "UpdateOpenIDConnectProviderThumbprint",
            "AddClientIDToOpenIDConnectProvider",
            "CreatePolicyVersion",
            "TagPolicy",
            "PutRolePolicy",
            "UpdateRole",
            "PutRolePolicy",
        ]
    );
    let a3 = run(Command::Apply, &edited, &opts).await.unwrap();
    assert_eq!(a3.api_calls.write, 7);
    let p4 = run(Command::Plan, &edited, &opts).await.unwrap();
    assert_eq!(p4.plan.write_calls(), 0, "{:?}", actions(&p4.plan));
    let role = member
        .get_role()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    assert_eq!(role.role().unwrap().max_session_duration(), Some(7200));
    assert_eq!(
        role.role().unwrap().description(),
        Some("Demo target, edited")
    );
    let versions = hub
        .list_policy_versions()
        .policy_arn(format!("arn:aws:iam::{}:policy/demo/demo-read", accts.hub))
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 2);

    // Destroy: everything owned goes, the rest stays.
    let d = run(Command::Destroy, &edited, &opts).await.unwrap();
    assert!(d.applied);
    assert_eq!(role_names(&hub).await, ["someone-elses-role"]);
    assert!(role_names(&member).await.is_empty());
    assert_eq!(policy_names(&hub).await, ["someone-elses-policy"]);
    assert!(oidc_arns(&hub).await.is_empty());
    // And a second destroy has nothing to do.
    let d2 = run(Command::Destroy, &edited, &opts).await.unwrap();
    assert!(!d2.applied);
    assert_eq!(d2.api_calls.write, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unowned_objects_are_conflicts_until_adopted() {
    let moto = Moto::start();
    let accts = Accounts::new();
    let mut opts = options(&moto.url(), &accts.pairs());
    let member = iam(&moto.url(), &accts.member);
    member
        .create_role()
        .role_name("demo-target")
        .path("/managed/")
        .assume_role_policy_document(TRUST_ANYONE_IN)
        .send()
        .await
        .unwrap();

    let d = demo(Variant::First);
    let err = run(Command::Apply, &d, &opts).await.unwrap_err();
    match &err {
        EngineError::Conflicts(c) => {
            assert_eq!(c.len(), 1, "{err}");
            assert_eq!(
                (c[0].kind, c[0].account_id.as_str(), c[0].name.as_str()),
                (Kind::Role, accts.member.as_str(), "demo-target")
            );
            assert_eq!(c[0].owner, None, "no ownership tags");
        }
        other => panic!("expected a conflict: {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("role `demo-target` in account {}", accts.member)),
        "the message names the object: {msg}"
    );
    assert_eq!(
        role_names(&iam(&moto.url(), &accts.hub)).await,
        Vec::<String>::new(),
        "a conflict stops everything"
    );

    // Destroy leaves the unowned role alone and says so.
    let des = run(Command::Destroy, &d, &opts).await.unwrap();
    assert!(!des.applied);
    assert_eq!(des.plan.skipped.len(), 1);
    assert_eq!(role_names(&member).await, ["demo-target"]);

    // The role's own inline policy and tag, which adopting it removes: loudly.
    member
        .put_role_policy()
        .role_name("demo-target")
        .policy_name("legacy")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    member
        .tag_role()
        .role_name("demo-target")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("legacy-owner")
                .value("ops")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    opts.adopt = true;
    let a = run(Command::Apply, &d, &opts).await.unwrap();
    assert!(a.applied);
    let adopted = a
        .plan
        .changes
        .iter()
        .find(|c| c.name == "demo-target")
        .unwrap();
    assert_eq!(adopted.action, Action::Update);
    for what in [
        "REMOVES its own inline policy `legacy`",
        "REMOVES its tag `legacy-owner`",
    ] {
        assert!(
            adopted.warnings.iter().any(|w| w.contains(what)),
            "{what}: {:?}",
            adopted.warnings
        );
    }
    let human = rolewright_apply::report::human(&a.plan, rolewright_apply::report::Mode::Apply);
    assert!(
        human.contains("WARNING: adopting role `demo-target`"),
        "{human}"
    );
    let tags = member
        .list_role_tags()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == TAG_BLUEPRINT && t.value() == "demo"));
    // Adopting an unowned trust policy that allowed another account is a widening check too.
    opts.adopt = false;
    let p = run(Command::Plan, &d, &opts).await.unwrap();
    assert_eq!(p.plan.write_calls(), 0);
    run(Command::Destroy, &d, &opts).await.unwrap();
    assert!(
        role_names(&member).await.is_empty(),
        "adopted objects are owned: destroy deletes them"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_external_id_is_rotated_loudly() {
    let moto = Moto::start();
    let accts = Accounts::new();
    let opts = options(&moto.url(), &accts.pairs());
    let d = demo(Variant::First);
    run(Command::Apply, &d, &opts).await.unwrap();
    // Someone rewrites the trust without the external id.
    let member = iam(&moto.url(), &accts.member);
    member
        .update_assume_role_policy()
        .role_name("demo-target")
        .policy_document(TRUST_ANYONE_IN)
        .send()
        .await
        .unwrap();
    // Without the flag, plan and apply refuse (a pre-flight problem naming the role) and
    // nothing is written.
    for cmd in [Command::Plan, Command::Apply] {
        match run(cmd, &d, &opts).await.unwrap_err() {
            EngineError::Preflight(p) => {
                assert_eq!(p.len(), 1, "{p:?}");
                assert_eq!(p[0].name, "demo-target");
                assert_eq!(p[0].account_id, accts.member);
                assert!(p[0].help.contains("--rotate-external-id"), "{p:?}");
            }
            other => panic!("expected a refusal: {other}"),
        }
    }
    let live = member
        .get_role()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    assert!(
        !live
            .role()
            .unwrap()
            .assume_role_policy_document()
            .unwrap_or_default()
            .contains("ExternalId"),
        "the refused apply wrote nothing"
    );
    let mut rotate = opts.clone();
    rotate.rotate_external_id = true;
    let p = run(Command::Plan, &d, &rotate).await.unwrap();
    assert_eq!(
        p.plan.generated[0].source,
        GeneratedSource::Rotated {
            role: "demo-target".into()
        }
    );
    assert!(
        p.plan
            .warnings
            .iter()
            .any(|w| w.contains("a NEW value will be written")),
        "{:?}",
        p.plan.warnings
    );
    let human = rolewright_apply::report::human(&p.plan, rolewright_apply::report::Mode::Apply);
    assert!(
        human.contains("WARNING: generated value `external_id` was not found"),
        "{human}"
    );
    // A role deleted out of band: the id it carried is gone; a new one only with the flag.
    run(Command::Apply, &d, &rotate).await.unwrap();
    member
        .delete_role_policy()
        .role_name("demo-target")
        .policy_name("describe")
        .send()
        .await
        .ok();
    for p in member
        .list_role_policies()
        .role_name("demo-target")
        .send()
        .await
        .unwrap()
        .policy_names()
    {
        member
            .delete_role_policy()
            .role_name("demo-target")
            .policy_name(p)
            .send()
            .await
            .unwrap();
    }
    member
        .delete_role()
        .role_name("demo-target")
        .send()
        .await
        .unwrap();
    match run(Command::Apply, &d, &opts).await.unwrap_err() {
        EngineError::Preflight(p) => {
            assert_eq!(p[0].name, "demo-target", "{p:?}");
            assert!(p[0].reason.contains("is gone"), "{p:?}");
        }
        other => panic!("expected a refusal: {other}"),
    }
    assert!(!role_names(&member)
        .await
        .contains(&"demo-target".to_owned()));
    let a = run(Command::Apply, &d, &rotate).await.unwrap();
    assert!(a.applied);
    assert!(role_names(&member)
        .await
        .contains(&"demo-target".to_owned()));
    // Fixing it explicitly is not a rotation.
    let mut fixed = d.clone();
    fixed.generated[0].fixed = Some("my-own-id".into());
    let p = run(Command::Plan, &fixed, &opts).await.unwrap();
    assert_eq!(p.plan.generated[0].source, GeneratedSource::Fixed);
    assert!(p.plan.warnings.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_dropped_from_the_deployment_are_deleted_when_owned() {
    let moto = Moto::start();
    let accts = Accounts::new();
    let opts = options(&moto.url(), &accts.pairs());
    let d = demo(Variant::First);
    run(Command::Apply, &d, &opts).await.unwrap();

    let mut smaller = d.clone();
    smaller.roles.retain(|r| r.key != "target");
    smaller.roles[0]
        .managed_policy_arns
        .retain(|a| a.as_literal().is_some());
    smaller.policies.clear();
    let p = run(Command::Plan, &smaller, &opts).await.unwrap();
    let deletes: Vec<(Kind, String)> = p
        .plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| (c.kind, c.name.clone()))
        .collect();
    assert_eq!(
        deletes,
        [
            (Kind::Role, "demo-target".to_owned()),
            (Kind::Policy, "demo-read".to_owned())
        ]
    );
    assert!(p.plan.changes.iter().any(|c| c
        .warnings
        .iter()
        .any(|w| w.contains("role `demo-target`") && w.contains("DELETED"))));
    run(Command::Apply, &smaller, &opts).await.unwrap();
    assert!(role_names(&iam(&moto.url(), &accts.member))
        .await
        .is_empty());
    assert!(policy_names(&iam(&moto.url(), &accts.hub)).await.is_empty());
    assert_eq!(
        run(Command::Plan, &smaller, &opts)
            .await
            .unwrap()
            .plan
            .write_calls(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_policy_keeps_at_most_five_versions() {
    let moto = Moto::start();
    let accts = Accounts::new();
    let opts = options(&moto.url(), &accts.pairs());
    let hub = iam(&moto.url(), &accts.hub);
    let arn = format!("arn:aws:iam::{}:policy/demo/demo-read", accts.hub);
    let mut d = demo(Variant::First);
    for i in 0..8 {
        let doc = iam_model::PolicyDocument::new([iam_model::Statement::allow()
            .action("s3:GetObject")
            .resource(format!("arn:aws:s3:::demo-reports/v{i}/*"))]);
        d.policies[0].document = doc;
        let a = run(Command::Apply, &d, &opts).await.unwrap();
        let versions = hub
            .list_policy_versions()
            .policy_arn(&arn)
            .send()
            .await
            .unwrap();
        assert_eq!(versions.versions().len(), (i + 1).min(5), "after apply {i}");
        if i >= 5 {
            let calls: Vec<&str> = a
                .plan
                .changes
                .iter()
                .flat_map(|c| c.ops.iter().map(|o| o.api_name()))
                .collect();
            assert_eq!(
                calls,
                ["DeletePolicyVersion", "CreatePolicyVersion"],
                "apply {i} prunes first"
            );
        }
    }
    let policy = hub.get_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(policy.policy().unwrap().default_version_id(), Some("v8"));
    assert_eq!(
        run(Command::Plan, &d, &opts)
            .await
            .unwrap()
            .plan
            .write_calls(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_unique_id_is_filled_in_by_a_second_round() {
    use iam_model::text::{ObjectKind, ObjectRef, RefAttribute};
    let moto = Moto::start();
    let accts = Accounts::new();
    let opts = options(&moto.url(), &accts.pairs());
    let mut d = demo(Variant::First);
    // The target's inline policy names the runner by unique id (as aws:userid conditions do).
    let by_id = iam_model::PolicyDocument::new([iam_model::Statement::allow()
        .action("s3:GetObject")
        .resource("*")
        .condition(iam_model::Condition::string_like(
            "aws:userid",
            [iam_model::Text::from(iam_model::LateBound::Ref(ObjectRef {
                kind: ObjectKind::Role,
                key: "runner".into(),
                attribute: RefAttribute::UniqueId,
            }))
            .then(":*")],
        ))]);
    d.roles[1].inline_policies.insert("by-id".into(), by_id);
    let p = run(Command::Plan, &d, &opts).await.unwrap();
    assert_eq!(p.plan.deferred.len(), 1);
    assert_eq!(p.plan.deferred[0].waiting_for, "role.runner.unique_id");
    let a = run(Command::Apply, &d, &opts).await.unwrap();
    assert_eq!(a.rounds, 2);
    let member = iam(&moto.url(), &accts.member);
    let doc = member
        .get_role_policy()
        .role_name("demo-target")
        .policy_name("by-id")
        .send()
        .await
        .unwrap();
    let hub = iam(&moto.url(), &accts.hub);
    let runner_id = hub
        .get_role()
        .role_name("demo-runner")
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .role_id()
        .to_owned();
    let text = percent_encoding::percent_decode_str(doc.policy_document())
        .decode_utf8()
        .unwrap()
        .into_owned();
    assert!(text.contains(&format!("{runner_id}:*")), "{text}");
    assert_eq!(
        run(Command::Plan, &d, &opts)
            .await
            .unwrap()
            .plan
            .write_calls(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tableflow_trust_converges_in_two_applies() {
    use blueprint_tableflow::{build, TableflowInputs};
    let moto = Moto::start();
    let account = account_id();
    let opts = options(&moto.url(), &[("default", account.as_str())]);
    let mut inputs = TableflowInputs::new("dev");
    let phase1 = build(&inputs).unwrap();
    let a = run(Command::Apply, &phase1, &opts).await.unwrap();
    assert!(a.applied);
    assert_eq!(
        run(Command::Plan, &phase1, &opts)
            .await
            .unwrap()
            .plan
            .write_calls(),
        0,
        "phase 1 is stable"
    );

    inputs.confluent_iam_role_arn =
        Some("arn:aws:iam::123456789012:role/confluent-tableflow".into());
    inputs.confluent_external_id = Some("e7c5a1d2-0000-4f1e-9b1a-3c5d7e9f0a1b".into());
    let phase2 = build(&inputs).unwrap();
    let p = run(Command::Plan, &phase2, &opts).await.unwrap();
    let calls: Vec<&str> = p
        .plan
        .changes
        .iter()
        .flat_map(|c| c.ops.iter().map(|o| o.api_name()))
        .collect();
    assert_eq!(calls, ["UpdateAssumeRolePolicy"]);
    let warnings: Vec<&String> = p
        .plan
        .changes
        .iter()
        .flat_map(|c| c.warnings.iter())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("WIDENS") && w.contains("confluent-tableflow")),
        "trust widening is loud: {warnings:?}"
    );
    run(Command::Apply, &phase2, &opts).await.unwrap();
    let after = run(Command::Plan, &phase2, &opts).await.unwrap();
    assert_eq!(
        after.plan.write_calls(),
        0,
        "clean plan after the second apply"
    );
    let trust = iam(&moto.url(), &account)
        .get_role()
        .role_name("dev-confluent-role")
        .send()
        .await
        .unwrap();
    let text = percent_encoding::percent_decode_str(
        trust.role().unwrap().assume_role_policy_document().unwrap(),
    )
    .decode_utf8()
    .unwrap()
    .into_owned();
    assert!(
        text.contains("e7c5a1d2-0000-4f1e-9b1a-3c5d7e9f0a1b") && text.contains("sts:TagSession"),
        "{text}"
    );
}
