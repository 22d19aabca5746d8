//! The render against the original's IAM, for every original configuration: the seed's design
//! (`tests/original/seed.json`) and the final upstream with its `-Test` roles, upload bucket
//! and `ce-cli` per-account role (`tests/original/final.json`). Each vendored file says where
//! its values come from. The only differences allowed are the README's "Differences from the
//! original", applied below as edits of the original's JSON; each edit is checked to be needed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blueprint_inventory::{build, InventoryInputs};
use blueprint_testing::assert_clean;
use blueprint_testing::original::{role, Original};
use serde_json::{json, Value};

const BILLING: &str = "111111111111";
const SECURITY: &str = "222222222222";
const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/5C5B3E64A6D0A6A8F8F6AD1BE3B3C0C4";
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/original/");
const README: &str = include_str!("../README.md");

/// The README's `aud` row: each web-identity trust also pins the audience.
fn audience(json: &mut Value, account: &str, name: &str) {
    role(json, account, name)["trust"]["Statement"][0]["Condition"]["StringEquals"]
        [format!("{ISSUER}:aud")] = json!("sts.amazonaws.com");
}

#[test]
fn the_seeds_design_with_its_inputs() {
    let mut inputs = InventoryInputs::new(BILLING, SECURITY, format!("https://{ISSUER}"));
    // The seed has no per-account role (the original created it with another tool).
    inputs.create_inventory_role = false;
    let d = build(&inputs).unwrap();
    assert_clean(&d);
    let original = Original::read("seed", &format!("{DIR}seed.json"))
        .edit("Also `<issuer>:aud`", |j| {
            audience(j, "billing", "Inventory-Orchestrator");
            audience(j, "security", "Inventory-Runner");
        })
        .edit("OIDC provider only in the billing account (seed).", |j| {
            let billing = j["oidc_providers"][0].clone();
            let mut security = billing;
            security["account"] = json!("security");
            j["oidc_providers"].as_array_mut().unwrap().push(security);
        });
    original.assert_matches(&d, README);
    original.assert_each_edit_needed(&d);
}

#[test]
fn the_final_upstream_with_its_inputs() {
    let text = std::fs::read_to_string(format!("{DIR}final.json")).unwrap();
    let vendored: Value = serde_json::from_str(&text).unwrap();
    let inline = vendored["roles"][4]["inline_policies"]["inlinePolicy"].to_string();

    let mut inputs = InventoryInputs::new(BILLING, SECURITY, format!("https://{ISSUER}"));
    inputs.inventory_role_path = "/managed/".into();
    inputs.inventory_role_max_session_duration = 28800;
    inputs.inventory_inline_policy = Some(inline);
    inputs.inventory_bucket = Some("dfds-inventory-reports".into());
    inputs.runner_policy_sid = "AssumeRole".into();
    inputs.cluster_name = Some("hellman".into());
    inputs.oidc_provider_tags = [
        ("managedBy", "ce-cli"),
        ("lastUpdated", "2023-03-01T12:00:00Z"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    inputs.test_roles = true;
    let d = build(&inputs).unwrap();
    // The upstream's `Describe*`/`Get*`/`List*` wildcards include a few actions the validator
    // reports as permissions management: that is the user's policy, reported, not an error.
    let findings = d.validate(&Default::default());
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    for f in &findings {
        assert!(
            f.finding.severity != iam_model::Severity::Security
                || f.acknowledged.is_some()
                || f.to_string()
                    .starts_with("inline policy `inlinePolicy` of role `inventory`"),
            "{f}"
        );
    }
    let original =
        Original::read("final", &format!("{DIR}final.json")).edit("Also `<issuer>:aud`", |j| {
            audience(j, "billing", "Inventory-Orchestrator");
            audience(j, "security", "Inventory-Runner");
        });
    original.assert_matches(&d, README);
    original.assert_each_edit_needed(&d);
}
