//! The plan as a pure function, against recorded observations (`tests/fixtures/`): no
//! endpoint, no network. Percent-encoded documents, reordered lists and `:root` principals
//! must all compare equal; every kind of change is checked, and the human and JSON outputs
//! are pinned by snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::{demo, fixture, Variant};
use iam_model::deployment::{Deployment, Role};
use iam_model::{Condition, PolicyDocument, Principal, Statement};
use rolewright_apply::desired::{resolve, Context, Declared, GeneratedSource, Kind, Target};
use rolewright_apply::plan::{plan, plan_destroy, Action, Plan, PlanOptions};
use rolewright_apply::report::{self, ApiCalls, Mode};
use rolewright_apply::state::{ObservedAccount, ObservedPolicyVersion, ObservedRole};

const HUB: &str = "111111111111";
const MEMBER: &str = "222222222222";

/// The demo deployment plus a role trusted by a vendor's account id.
fn deployment(v: Variant) -> Deployment {
    let mut d = demo(v);
    d.roles.push(
        Role::builder()
            .key("vendor")
            .account("member")
            .name("demo-vendor")
            .trust(PolicyDocument::new([Statement::allow()
                .action("sts:AssumeRole")
                .principal(Principal::aws(["803477428605"]))
                .condition(Condition::string_equals(
                    "sts:ExternalId",
                    ["vendor-fixed-id"],
                ))]))
            .build(),
    );
    d
}

fn recorded() -> BTreeMap<String, ObservedAccount> {
    let hub: ObservedAccount = serde_json::from_str(&fixture("fixtures/demo-hub.json")).unwrap();
    let member: ObservedAccount =
        serde_json::from_str(&fixture("fixtures/demo-member.json")).unwrap();
    BTreeMap::from([(HUB.to_owned(), hub), (MEMBER.to_owned(), member)])
}

fn empty() -> BTreeMap<String, ObservedAccount> {
    [HUB, MEMBER]
        .iter()
        .map(|id| {
            (
                (*id).to_owned(),
                ObservedAccount {
                    account_id: (*id).to_owned(),
                    partition: "aws".into(),
                    ..Default::default()
                },
            )
        })
        .collect()
}

fn targets() -> BTreeMap<String, Target> {
    BTreeMap::from([
        (
            "hub".to_owned(),
            Target {
                account_id: HUB.into(),
                partition: "aws".into(),
            },
        ),
        (
            "member".to_owned(),
            Target {
                account_id: MEMBER.into(),
                partition: "aws".into(),
            },
        ),
    ])
}

fn plan_with(d: &Deployment, observed: &BTreeMap<String, ObservedAccount>, adopt: bool) -> Plan {
    let t = targets();
    let none = BTreeMap::new();
    let ctx = Context {
        targets: &t,
        region: Some("eu-west-1"),
        externals: &none,
        observed,
    };
    let desired = resolve(d, &ctx, &mut |_: &str| {
        "00000000-0000-4000-8000-000000000000".to_owned()
    })
    .unwrap();
    plan(&desired, observed, &PlanOptions { adopt })
}

fn calls(p: &Plan) -> Vec<String> {
    p.changes
        .iter()
        .flat_map(|c| {
            c.ops
                .iter()
                .map(move |o| format!("{} {}", o.api_name(), o.target()))
        })
        .collect()
}

fn role_mut<'a>(
    o: &'a mut BTreeMap<String, ObservedAccount>,
    account: &str,
    name: &str,
) -> &'a mut ObservedRole {
    o.get_mut(account)
        .unwrap()
        .roles
        .iter_mut()
        .find(|r| r.name == name)
        .unwrap()
}

#[test]
fn the_recorded_state_matches_the_deployment() {
    let p = plan_with(&deployment(Variant::First), &recorded(), false);
    assert!(
        p.changes.iter().all(|c| c.action == Action::NoOp),
        "{:#?}",
        p.changes
    );
    assert_eq!(p.write_calls(), 0);
    assert_eq!(p.changes.len(), 5);
    // The external id is read back from the live trust policy, not generated again.
    assert_eq!(p.generated[0].value, "5b0f8d2e-7d1c-4c7a-9a38-2f6f0c1e9d44");
    assert_eq!(
        p.generated[0].source,
        GeneratedSource::Kept {
            role: "demo-target".into()
        }
    );
    assert_eq!(report::human(&p, Mode::Apply), "generated value `external_id`: kept, read back from role `demo-target`\n\n\nNo changes. The accounts match the deployment.\n");
}

#[test]
fn empty_accounts_get_everything_created_in_dependency_order() {
    let mut d = deployment(Variant::First);
    // Declared first, but it trusts the runner: the runner is created before it.
    d.roles.rotate_right(2);
    assert_eq!(d.roles[0].key, "target");
    let p = plan_with(&d, &empty(), false);
    assert_eq!(
        calls(&p),
        [
            "CreateOpenIDConnectProvider OIDC provider https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF",
            "CreatePolicy policy demo-read",
            "CreateRole role demo-runner",
            "PutRolePolicy role demo-runner inline policy assume-members",
            "AttachRolePolicy role demo-runner policy arn:aws:iam::111111111111:policy/demo/demo-read",
            "AttachRolePolicy role demo-runner policy arn:aws:iam::aws:policy/ReadOnlyAccess",
            "CreateRole role demo-target",
            "PutRolePolicy role demo-target inline policy read-only",
            "CreateRole role demo-vendor",
        ]
    );
    assert_eq!(p.generated[0].source, GeneratedSource::New);
    insta::assert_snapshot!("create_human", report::human(&p, Mode::Apply));
}

#[test]
fn edits_are_updates_in_place_with_policy_diffs() {
    let p = plan_with(&deployment(Variant::Edited), &recorded(), false);
    let updated: Vec<(Kind, &str)> = p
        .changes
        .iter()
        .filter(|c| c.action == Action::Update)
        .map(|c| (c.kind, c.name.as_str()))
        .collect();
    assert_eq!(
        updated,
        [
            (
                Kind::OidcProvider,
                "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"
            ),
            (Kind::Policy, "demo-read"),
            (Kind::Role, "demo-runner"),
            (Kind::Role, "demo-target"),
        ]
    );
    assert_eq!(p.count(Action::NoOp), 1, "the vendor role is unchanged");
    insta::assert_snapshot!("edit_human", report::human(&p, Mode::Apply));
    insta::assert_json_snapshot!(
        "edit_json",
        report::json(
            &p,
            ApiCalls {
                read: 12,
                write: p.write_calls() as u64
            }
        )
    );
}

#[test]
fn unowned_objects_conflict_until_adopted() {
    let mut o = recorded();
    role_mut(&mut o, MEMBER, "demo-target").tags.clear();
    let p = plan_with(&deployment(Variant::First), &o, false);
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(
        p.conflicts[0].reason,
        "role `demo-target` already exists in account 222222222222 and is not created by rolewright"
    );
    assert!(
        p.changes.iter().all(|c| c.name != "demo-target"),
        "a conflicting object gets no change"
    );

    let adopted = plan_with(&deployment(Variant::First), &o, true);
    assert!(adopted.conflicts.is_empty());
    let c = adopted
        .changes
        .iter()
        .find(|c| c.name == "demo-target")
        .unwrap();
    assert_eq!(c.action, Action::Update);
    assert_eq!(
        calls(&adopted),
        ["TagRole role demo-target"],
        "adopting an otherwise identical role only tags it"
    );
}

#[test]
fn another_deployments_objects_are_conflicts_too() {
    let mut o = recorded();
    role_mut(&mut o, HUB, "demo-runner")
        .tags
        .insert("rolewright:instance".into(), "other".into());
    let p = plan_with(&deployment(Variant::First), &o, false);
    assert_eq!(
        p.conflicts[0].reason,
        "role `demo-runner` already exists in account 111111111111 and is owned by another rolewright deployment (`demo` / `other`)"
    );
    // Nor is it an orphan of this deployment.
    assert!(p.changes.iter().all(|c| c.action != Action::Delete));
}

#[test]
fn owned_leftovers_are_deleted_in_iam_order_and_unowned_ones_left_alone() {
    let mut o = recorded();
    let hub = o.get_mut(HUB).unwrap();
    let mut old = hub.roles[0].clone();
    old.name = "demo-old".into();
    old.arn = "arn:aws:iam::111111111111:role/demo-old".into();
    old.instance_profiles = vec!["demo-old-profile".into()];
    hub.roles.push(old);
    let mut theirs = hub.roles[0].clone();
    theirs.name = "theirs".into();
    theirs.tags.clear();
    theirs.attached_policy_arns.clear();
    hub.roles.push(theirs);
    let mut old_policy = hub.policies[0].clone();
    old_policy.name = "demo-old-policy".into();
    old_policy.arn = "arn:aws:iam::111111111111:policy/demo/demo-old-policy".into();
    old_policy.versions.push(ObservedPolicyVersion {
        version_id: "v2".into(),
        is_default: false,
        created: 1,
        document: None,
    });
    hub.policies.push(old_policy);
    let p = plan_with(&deployment(Variant::First), &o, false);
    let deletes: Vec<String> = p
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .flat_map(|c| {
            c.ops
                .iter()
                .map(|o| format!("{} {}", o.api_name(), o.target()))
        })
        .collect();
    assert_eq!(
        deletes,
        [
            "RemoveRoleFromInstanceProfile role demo-old instance profile demo-old-profile",
            "DetachRolePolicy role demo-old policy arn:aws:iam::111111111111:policy/demo/demo-read",
            "DetachRolePolicy role demo-old policy arn:aws:iam::aws:policy/ReadOnlyAccess",
            "DeleteRolePolicy role demo-old inline policy assume-members",
            "DeleteRole role demo-old",
            "DeletePolicyVersion policy arn:aws:iam::111111111111:policy/demo/demo-old-policy version v2",
            "DeletePolicy policy arn:aws:iam::111111111111:policy/demo/demo-old-policy",
        ]
    );
    assert!(p.changes.iter().all(|c| c.name != "theirs"));
    let human = report::human(&p, Mode::Apply);
    assert!(
        human.contains("WARNING: role `demo-old` in account 111111111111 will be DELETED"),
        "{human}"
    );
}

#[test]
fn a_policy_to_delete_that_unowned_roles_use_is_a_conflict() {
    let mut o = recorded();
    let hub = o.get_mut(HUB).unwrap();
    hub.roles[0].tags.clear(); // the runner, to which demo-read is attached, is not ours now
    let mut d = deployment(Variant::First);
    d.roles.retain(|r| r.key == "vendor");
    d.policies.clear();
    d.oidc_providers.clear();
    let p = plan_with(&d, &o, false);
    assert_eq!(
        p.conflicts.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>(),
        ["managed policy `demo-read` must be deleted, but it is attached to role `demo-runner` that this deployment does not own"]
    );
    let adopted = plan_with(&d, &o, true);
    assert!(calls(&adopted).contains(
        &"DetachRolePolicy role demo-runner policy arn:aws:iam::111111111111:policy/demo/demo-read"
            .to_owned()
    ));
}

#[test]
fn a_full_policy_loses_its_oldest_non_default_version_first() {
    let mut o = recorded();
    let pol = &mut o.get_mut(HUB).unwrap().policies[0];
    let doc = pol.versions[0].document.clone();
    pol.versions = [("v4", 40), ("v2", 20), ("v3", 30), ("v5", 50), ("v6", 60)]
        .iter()
        .map(|(id, t)| ObservedPolicyVersion {
            version_id: (*id).into(),
            is_default: *id == "v3",
            created: *t,
            document: doc.clone(),
        })
        .collect();
    pol.default_version_id = "v3".into();
    let p = plan_with(&deployment(Variant::Edited), &o, false);
    let c = p.changes.iter().find(|c| c.name == "demo-read").unwrap();
    let ops: Vec<String> = c
        .ops
        .iter()
        .map(|o| format!("{} {}", o.api_name(), o.target()))
        .collect();
    assert_eq!(
        ops,
        [
            "DeletePolicyVersion policy arn:aws:iam::111111111111:policy/demo/demo-read version v2",
            "CreatePolicyVersion policy arn:aws:iam::111111111111:policy/demo/demo-read",
            "TagPolicy policy arn:aws:iam::111111111111:policy/demo/demo-read",
        ]
    );
}

#[test]
fn what_iam_cannot_change_in_place_is_replaced() {
    let mut d = deployment(Variant::First);
    d.roles[1].path = "/other/".into();
    d.policies[0].description = "Read the demo reports bucket, v2".into();
    let p = plan_with(&d, &recorded(), false);
    let replaced: Vec<(Kind, &str)> = p
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
        .map(|c| (c.kind, c.name.as_str()))
        .collect();
    assert_eq!(
        replaced,
        [(Kind::Policy, "demo-read"), (Kind::Role, "demo-target")]
    );
    // The policy is detached, deleted and created; the runner then attaches it again.
    let runner = p.changes.iter().find(|c| c.name == "demo-runner").unwrap();
    assert_eq!(runner.action, Action::Update);
    assert_eq!(
        runner.ops.iter().map(|o| o.api_name()).collect::<Vec<_>>(),
        ["AttachRolePolicy"]
    );
    let target = p.changes.iter().find(|c| c.name == "demo-target").unwrap();
    assert_eq!(
        target.ops.iter().map(|o| o.api_name()).collect::<Vec<_>>(),
        [
            "DeleteRolePolicy",
            "DeleteRole",
            "CreateRole",
            "PutRolePolicy"
        ]
    );
    assert!(target.warnings[0].contains("will be DELETED and created again"));
}

#[test]
fn a_widening_trust_change_is_loud() {
    let mut d = deployment(Variant::First);
    d.roles[2].trust = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRole")
        .principal(Principal::aws(["803477428605", "210987654321"]))]);
    let p = plan_with(&d, &recorded(), false);
    let c = p.changes.iter().find(|c| c.name == "demo-vendor").unwrap();
    assert_eq!(
        c.warnings,
        [
            "trust policy of role `demo-vendor` in account 222222222222 WIDENS: allows `arn:aws:iam::210987654321:root` (AWS) to `sts:AssumeRole`",
            "trust policy of role `demo-vendor` in account 222222222222 WIDENS: drops every condition for `arn:aws:iam::803477428605:root` (AWS)",
        ]
    );
    insta::assert_snapshot!("widening_human", report::human(&p, Mode::Apply));
}

#[test]
fn a_live_document_that_does_not_parse_is_shown_as_returned() {
    let mut o = recorded();
    role_mut(&mut o, MEMBER, "demo-vendor").trust_policy = "%7Bnot%20json".into();
    let p = plan_with(&deployment(Variant::First), &o, false);
    let c = p.changes.iter().find(|c| c.name == "demo-vendor").unwrap();
    assert_eq!(
        c.ops.iter().map(|o| o.api_name()).collect::<Vec<_>>(),
        ["UpdateAssumeRolePolicy"]
    );
    assert!(report::human(&p, Mode::Apply).contains("- %7Bnot%20json"));
}

#[test]
fn destroy_deletes_only_what_the_deployment_owns_in_iam_order() {
    let mut o = recorded();
    role_mut(&mut o, MEMBER, "demo-vendor").tags.clear();
    let d = deployment(Variant::First);
    let declared = Declared::of(&d, &targets()).unwrap();
    let p = plan_destroy(&declared, &o, &PlanOptions::default());
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].name, "demo-vendor");
    insta::assert_snapshot!("destroy_human", report::human(&p, Mode::Destroy));
    let adopted = plan_destroy(&declared, &o, &PlanOptions { adopt: true });
    assert!(adopted.skipped.is_empty());
    assert!(calls(&adopted).contains(&"DeleteRole role demo-vendor".to_owned()));
}
