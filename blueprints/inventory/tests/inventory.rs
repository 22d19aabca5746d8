//! The inventory blueprint against its seed (`002`) and the original's output: the seed's
//! invariants as assertions, equivalence with hand-written original JSON, rejected inputs, and
//! snapshots of every policy per config variant.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blueprint_inventory::{build as build_inventory, InventoryInputs};
use blueprint_testing::{assert_clean, dump, resolved};
use iam_model::deployment::{Deployment, OutputValue};
use iam_model::statement::{PrincipalClause, ResourceClause};
use iam_model::{
    equivalent, Arn, Condition, Effect, LateBound, PolicyDocument, PrincipalKind, Severity, Text,
};

const BILLING: &str = "111111111111";
const SECURITY: &str = "222222222222";
const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/5C5B3E64A6D0A6A8F8F6AD1BE3B3C0C4";

fn inputs() -> InventoryInputs {
    InventoryInputs::new(BILLING, SECURITY, format!("https://{ISSUER}"))
}

fn build(inputs: &InventoryInputs) -> Deployment {
    build_inventory(inputs).unwrap_or_else(|e| panic!("{e}"))
}

/// The config variants the snapshots and invariants run over.
fn variants() -> Vec<(&'static str, InventoryInputs)> {
    let seed = inputs();
    let mut members = inputs();
    members.member_account_ids = vec!["333333333333".into(), "444444444444".into()];
    members.oidc_thumbprints = vec!["9E99A48A9960B14926BB7F3B02E22DA2B0AB7280".into()];
    let mut managed = inputs();
    managed.inventory_role_path = "/managed/".into();
    managed.orchestrator_role_name = "Inventory-Orchestrator-Test".into();
    managed.runner_role_name = "Inventory-Runner-Test".into();
    managed.namespace = "inventory-test".into();
    let mut one_account = InventoryInputs::new(BILLING, BILLING, ISSUER);
    one_account.member_account_ids = vec!["333333333333".into()];
    vec![
        ("seed", seed),
        ("members", members),
        ("managed_path", managed),
        ("one_account", one_account),
    ]
}

#[test]
fn every_variant_validates_without_errors_or_security_findings() {
    for (name, inputs) in variants() {
        let d = build(&inputs);
        let acknowledged = assert_clean(&d);
        assert!(
            acknowledged.is_empty(),
            "{name}: nothing in the inventory needs acknowledging: {acknowledged:?}"
        );
        let warnings: Vec<String> = d
            .validate(&Default::default())
            .iter()
            .filter(|f| f.finding.severity == Severity::Warning)
            .map(ToString::to_string)
            .collect();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
    }
}

#[test]
fn snapshots_of_every_policy_per_variant() {
    for (name, inputs) in variants() {
        insta::assert_snapshot!(name, dump(&build(&inputs)));
    }
}

/// Every web-identity trust names a provider of the deployment in the role's own account, and
/// pins both the service account (`sub`) and the audience.
#[test]
fn web_identity_trusts_use_a_provider_in_the_roles_account_and_pin_the_service_account() {
    for (name, inputs) in variants() {
        let d = build(&inputs);
        let mut federated = 0;
        for role in &d.roles {
            for st in &role.trust.statements {
                let Some(PrincipalClause::Principal(p)) = &st.principal else {
                    panic!("{name}: {} has no principal", role.key)
                };
                for v in p.values(PrincipalKind::Federated) {
                    federated += 1;
                    let [iam_model::text::Segment::Late(LateBound::Ref(r))] = v.segments() else {
                        panic!(
                            "{name}: {} trusts `{v}`, not a provider of the deployment",
                            role.key
                        )
                    };
                    let provider = d.oidc_provider(&r.key).unwrap();
                    assert_eq!(
                        d.account(&provider.account).unwrap().id,
                        d.account(&role.account).unwrap().id,
                        "{name}: {} trusts a provider in another account",
                        role.key
                    );
                    assert_eq!(provider.host_path(), ISSUER);
                    let sa = if role.key == "orchestrator" {
                        &inputs.orchestrator_service_account
                    } else {
                        &inputs.runner_service_account
                    };
                    let expected = Condition::string_equals(
                        format!("{ISSUER}:sub"),
                        [format!("system:serviceaccount:{}:{sa}", inputs.namespace)],
                    )
                    .and(
                        iam_model::BaseOperator::StringEquals,
                        format!("{ISSUER}:aud"),
                        ["sts.amazonaws.com"],
                    );
                    assert_eq!(st.condition, expected, "{name}: {}", role.key);
                    assert_eq!(
                        st.action
                            .actions()
                            .iter()
                            .map(|a| a.as_str())
                            .collect::<Vec<_>>(),
                        ["sts:AssumeRoleWithWebIdentity"]
                    );
                }
            }
        }
        assert_eq!(federated, 2, "{name}: the orchestrator and the runner");
    }
}

/// The member inventory role trusts the runner role and nothing else.
#[test]
fn member_inventory_roles_trust_only_the_runner() {
    for (name, inputs) in variants() {
        let d = build(&inputs);
        let members: Vec<_> = d
            .roles
            .iter()
            .filter(|r| r.account.starts_with("member"))
            .collect();
        assert_eq!(
            members.len(),
            inputs.member_account_ids.len().max(1),
            "{name}"
        );
        let runner_arn: Text = LateBound::role_arn("runner").into();
        for role in members {
            assert_eq!(role.name, inputs.inventory_role_name);
            assert_eq!(role.path, inputs.inventory_role_path);
            for st in &role.trust.statements {
                assert_eq!(st.effect, Effect::Allow);
                let Some(PrincipalClause::Principal(p)) = &st.principal else {
                    panic!("{name}")
                };
                let entries: Vec<_> = p.entries().collect();
                assert_eq!(
                    entries,
                    [(PrincipalKind::Aws, &runner_arn)],
                    "{name}: {}",
                    role.key
                );
                assert_eq!(
                    st.action
                        .actions()
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>(),
                    ["sts:AssumeRole"]
                );
            }
        }
    }
}

/// The runner may assume exactly the role the deployment creates in each member account — the
/// path included, the seed's bug (`role/inventory` vs. the `/managed/` role) cannot recur — and
/// nothing else; the orchestrator may only list accounts.
#[test]
fn permissions_are_exactly_the_seeds() {
    for (name, inputs) in variants() {
        let d = build(&inputs);
        let runner = d.role("runner").unwrap();
        let live = |doc: &PolicyDocument| resolved(&d, "security", doc);
        let policy = live(runner.inline_policies.values().next().unwrap());
        assert_eq!(runner.inline_policies.len(), 1);
        let [st] = policy.statements.as_slice() else {
            panic!("{name}: one statement")
        };
        assert_eq!(
            st.action
                .actions()
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>(),
            ["sts:AssumeRole"]
        );
        let Some(ResourceClause::Resource(resources)) = &st.resource else {
            panic!("{name}")
        };
        let pattern = resources[0].as_literal().unwrap().into_owned();
        for member in d.roles.iter().filter(|r| r.account.starts_with("member")) {
            let id = d
                .account(&member.account)
                .unwrap()
                .id
                .as_ref()
                .map_or("999999999999", |id| id.as_str());
            let arn = format!("arn:aws:iam::{id}:role{}{}", member.path, member.name);
            assert!(
                Arn::pattern_matches(&pattern, &arn),
                "{name}: `{pattern}` does not match `{arn}`"
            );
            if member.path != "/" {
                let pathless = format!("arn:aws:iam::{id}:role/{}", member.name);
                assert!(
                    !Arn::pattern_matches(&pattern, &pathless),
                    "{name}: `{pattern}` matches `{pathless}`"
                );
            }
        }
        assert!(!Arn::pattern_matches(
            &pattern,
            &format!("arn:aws:iam::{BILLING}:role/OrganizationAccountAccessRole")
        ));

        let orchestrator = d.role("orchestrator").unwrap();
        let all: Vec<_> = orchestrator
            .inline_policies
            .values()
            .flat_map(|p| p.statements.iter())
            .collect();
        let actions: Vec<_> = all
            .iter()
            .flat_map(|s| s.action.actions())
            .map(|a| a.as_str())
            .collect();
        assert_eq!(actions, ["organizations:ListAccounts"], "{name}");
        assert!(
            orchestrator.managed_policy_arns.is_empty() && runner.managed_policy_arns.is_empty()
        );
    }
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

/// The original's documents for the seed's inputs, written as original-modules.md §3.1 describes
/// them (seed JSON with `$OIDC`, `$ACCOUNT_ID` and `$K8S_SA` replaced; policy from
/// `orchestrator_policy.json`), plus the `aud` condition this blueprint adds.
#[test]
fn equivalent_to_the_originals_documents() {
    let d = build(&inputs());
    let trust = |account: &str, sa: &str| {
        doc(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Principal": {{"Federated": "arn:aws:iam::{account}:oidc-provider/{ISSUER}"}},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {{"StringEquals": {{
                    "{ISSUER}:sub": "system:serviceaccount:inventory:{sa}",
                    "{ISSUER}:aud": "sts.amazonaws.com"}}}}}}]}}"#
        ))
    };
    let cases = [
        (
            "orchestrator",
            "billing",
            trust(BILLING, "aws-inventory-orchestrator-sa"),
        ),
        (
            "runner",
            "security",
            trust(SECURITY, "aws-inventory-runner-sa"),
        ),
    ];
    for (key, account, expected) in cases {
        let role = d.role(key).unwrap();
        let live = |doc: &PolicyDocument| resolved(&d, account, doc);
        let actual = live(&role.trust);
        assert!(
            equivalent(&actual, &expected),
            "{key}:\n{}",
            actual.to_json_pretty().unwrap()
        );
    }

    let orchestrator = d.role("orchestrator").unwrap();
    assert_eq!(orchestrator.name, "Inventory-Orchestrator");
    assert_eq!(
        (
            orchestrator.path.as_str(),
            orchestrator.max_session_duration,
            orchestrator.description.as_str()
        ),
        ("/", 3600, "")
    );
    let policy = resolved(
        &d,
        "billing",
        &orchestrator.inline_policies["Inventory-Orchestrator"],
    );
    let expected = doc(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "VisualEditor0", "Effect": "Allow",
        "Action": "organizations:ListAccounts", "Resource": "*"}]}"#,
    );
    assert!(
        equivalent(&policy, &expected),
        "{}",
        policy.to_json_pretty().unwrap()
    );

    let runner = d.role("runner").unwrap();
    assert_eq!(runner.name, "Inventory-Runner");
    let policy = resolved(&d, "security", &runner.inline_policies["Inventory-Runner"]);
    let expected = doc(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "VisualEditor0", "Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/inventory"}]}"#,
    );
    assert!(
        equivalent(&policy, &expected),
        "{}",
        policy.to_json_pretty().unwrap()
    );

    // The final upstream's per-account role (ce-cli `inventory_trust.json`, less the `-Test`
    // runner this blueprint does not create).
    let member = d.role("inventory").unwrap();
    let policy = resolved(&d, "security", &member.trust);
    let expected = doc(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::{SECURITY}:role/Inventory-Runner"}}, "Action": "sts:AssumeRole"}}]}}"#
    ));
    assert!(
        equivalent(&policy, &expected),
        "{}",
        policy.to_json_pretty().unwrap()
    );
}

/// Without the added `aud` test, the trust is exactly the seed's JSON.
#[test]
fn the_only_difference_from_the_seeds_trust_is_the_audience() {
    let d = build(&inputs());
    let mut trust = d.role("orchestrator").unwrap().trust.clone();
    trust.statements[0].condition = Condition::string_equals(
        format!("{ISSUER}:sub"),
        ["system:serviceaccount:inventory:aws-inventory-orchestrator-sa"],
    );
    let seed = doc(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "arn:aws:iam::{BILLING}:oidc-provider/{ISSUER}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringEquals": {{"{ISSUER}:sub": "system:serviceaccount:inventory:aws-inventory-orchestrator-sa"}}}}}}]}}"#
    ));
    assert!(equivalent(&resolved(&d, "billing", &trust), &seed));
    assert!(!equivalent(
        &resolved(&d, "billing", &d.role("orchestrator").unwrap().trust),
        &seed
    ));
}

#[test]
fn providers_accounts_and_outputs() {
    let d = build(&inputs());
    let providers: Vec<_> = d
        .oidc_providers
        .iter()
        .map(|p| (p.key.as_str(), p.account.as_str(), p.url.as_str()))
        .collect();
    let url = format!("https://{ISSUER}");
    assert_eq!(
        providers,
        [
            ("eks-billing", "billing", url.as_str()),
            ("eks-security", "security", url.as_str())
        ]
    );
    assert!(d
        .oidc_providers
        .iter()
        .all(|p| p.client_ids == ["sts.amazonaws.com"]));
    let ids: Vec<_> = d
        .accounts
        .iter()
        .map(|a| (a.key.as_str(), a.id.as_deref()))
        .collect();
    assert_eq!(
        ids,
        [
            ("billing", Some(BILLING)),
            ("security", Some(SECURITY)),
            ("member", None)
        ]
    );
    let outputs: Vec<_> = d.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        outputs,
        [
            "orchestrator_role_arn",
            "runner_role_arn",
            "inventory_role_arns",
            "oidc_provider_arns"
        ]
    );

    // Billing and security in one account share one provider: IAM allows one per URL per account.
    let d = build(&InventoryInputs::new(BILLING, BILLING, ISSUER));
    assert_eq!(d.oidc_providers.len(), 1);
    let OutputValue::Map(arns) = &d.outputs[3].value else {
        panic!()
    };
    assert_eq!(arns.keys().collect::<Vec<_>>(), ["billing"]);
}

#[test]
fn variables_carry_every_input_with_its_value() {
    let mut i = inputs();
    i.member_account_ids = vec!["333333333333".into()];
    let d = build(&i);
    let names: Vec<_> = d.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "billing_account_id",
            "security_account_id",
            "member_account_ids",
            "oidc_issuer_url",
            "oidc_thumbprints",
            "namespace",
            "orchestrator_service_account",
            "runner_service_account",
            "orchestrator_role_name",
            "runner_role_name",
            "inventory_role_name",
            "inventory_role_path",
            "inventory_policy_arns",
        ]
    );
    assert_eq!(
        d.variables[2].value,
        OutputValue::List(vec!["333333333333".into()])
    );
    assert_eq!(d.variables[5].value, OutputValue::from("inventory"));
    assert!(d.variables.iter().all(|v| !v.description.is_empty()));
}

fn rejected(change: impl FnOnce(&mut InventoryInputs)) -> String {
    let mut i = inputs();
    change(&mut i);
    match build_inventory(&i) {
        Ok(_) => panic!("accepted"),
        Err(e) => {
            let help = match &e {
                blueprint_kit::BlueprintError::Input { help, .. } => {
                    help.clone().unwrap_or_default()
                }
                other => panic!("not an input error: {other}"),
            };
            assert!(!help.is_empty(), "{e} has no help");
            e.to_string()
        }
    }
}

#[test]
fn bad_inputs_are_rejected_with_the_input_and_value() {
    type Change = Box<dyn FnOnce(&mut InventoryInputs)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|i| i.billing_account_id = "11111111111".into()), "invalid input `billing_account_id`: `11111111111` is not a 12-digit AWS account id"),
        (Box::new(|i| i.security_account_id = "security".into()), "invalid input `security_account_id`: `security` is not a 12-digit"),
        (Box::new(|i| i.member_account_ids = vec!["333333333333".into(), "33333333333x".into()]), "invalid input `member_account_ids[1]`: `33333333333x`"),
        (Box::new(|i| i.member_account_ids = vec!["333333333333".into(), "333333333333".into()]), "invalid input `member_account_ids[1]`: `333333333333` is listed twice (first at [0])"),
        (Box::new(|i| i.oidc_issuer_url = "http://oidc.eks.eu-west-1.amazonaws.com/id/X".into()), "invalid input `oidc_issuer_url`: `http://oidc.eks.eu-west-1.amazonaws.com/id/X` is not an https issuer URL"),
        (Box::new(|i| i.oidc_issuer_url = "".into()), "invalid input `oidc_issuer_url`: `` is not an OIDC issuer URL"),
        (Box::new(|i| i.oidc_thumbprints = vec!["abc".into()]), "invalid input `oidc_thumbprints[0]`: `abc` is not a certificate thumbprint"),
        (Box::new(|i| i.namespace = "Inventory".into()), "invalid input `namespace`: `Inventory` is not a valid Kubernetes namespace"),
        (Box::new(|i| i.runner_service_account = "runner_sa".into()), "invalid input `runner_service_account`: `runner_sa`"),
        (Box::new(|i| i.orchestrator_role_name = "Inventory Orchestrator".into()), "invalid input `orchestrator_role_name`: `Inventory Orchestrator` is not a valid IAM role name"),
        (Box::new(|i| i.inventory_role_path = "managed".into()), "invalid input `inventory_role_path`: `managed` is not a valid IAM path"),
        (Box::new(|i| i.inventory_policy_arns = vec!["ViewOnlyAccess".into()]), "invalid input `inventory_policy_arns[0]`: `ViewOnlyAccess` is not a managed policy ARN"),
        (
            Box::new(|i| {
                i.security_account_id = BILLING.into();
                i.runner_role_name = "inventory-orchestrator".into();
            }),
            "invalid input `runner_role_name`: `inventory-orchestrator` is also the orchestrator's name",
        ),
    ];
    for (change, expected) in cases {
        let message = rejected(change);
        assert!(
            message.starts_with(expected),
            "{message}\ndoes not start with\n{expected}"
        );
    }
}
