//! The inventory blueprint as `cargo xtask render` runs it: from a config file (the example
//! in `examples/`, and bad ones reported with file, line and input), and the README's generated
//! sections kept current.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blueprint_inventory::{Inventory, InventoryInputs};
use blueprint_kit::{Blueprint, ConfigSource, Inputs, Registered};
use blueprint_testing::assert_clean;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/inventory.yaml");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn example() -> ConfigSource {
    ConfigSource::read(EXAMPLE).unwrap()
}

#[test]
fn the_example_config_builds_a_clean_deployment() {
    let inputs = InventoryInputs::load(&example()).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = InventoryInputs::new(
        "111111111111",
        "222222222222",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/5C5B3E64A6D0A6A8F8F6AD1BE3B3C0C4",
    );
    expected.member_account_ids = vec!["333333333333".into(), "444444444444".into()];
    expected.inventory_role_path = "/managed/".into();
    assert_eq!(inputs, expected);

    let registered = Registered::<Inventory>::new();
    assert_eq!(
        blueprints::find("inventory").map(|b| b.name()),
        Some("inventory")
    );
    let d = registered
        .build(&example())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_clean(&d);
    assert_eq!(d, blueprint_inventory::build(&expected).unwrap());
}

/// Every input of the table has its default when the config leaves it out.
#[test]
fn the_minimal_config_takes_every_default() {
    let text = "billing_account_id: \"111111111111\"\nsecurity_account_id: \"222222222222\"\noidc_issuer_url: oidc.eks.eu-west-1.amazonaws.com/id/X\n";
    let inputs = InventoryInputs::load(&ConfigSource::new("min.yaml", text)).unwrap();
    assert_eq!(
        inputs,
        InventoryInputs::new(
            "111111111111",
            "222222222222",
            "oidc.eks.eu-west-1.amazonaws.com/id/X"
        )
    );
    let json = r#"{"billing_account_id": "111111111111", "security_account_id": "222222222222", "oidc_issuer_url": "oidc.eks.eu-west-1.amazonaws.com/id/X"}"#;
    assert_eq!(
        InventoryInputs::load(&ConfigSource::new("min.json", json)).unwrap(),
        inputs
    );
    let required: Vec<String> = InventoryInputs::input_specs()
        .into_iter()
        .filter(|s| s.is_required())
        .map(|s| s.name)
        .collect();
    assert_eq!(
        required,
        [
            "billing_account_id",
            "security_account_id",
            "oidc_issuer_url"
        ]
    );
}

fn error(text: &str) -> String {
    match Registered::<Inventory>::new().build(&ConfigSource::new("inventory.yaml", text)) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const BASE: &str = "billing_account_id: \"111111111111\"\nsecurity_account_id: \"222222222222\"\noidc_issuer_url: oidc.eks.eu-west-1.amazonaws.com/id/X\n";

#[test]
fn bad_configs_are_reported_with_file_line_and_input() {
    let cases = [
        (
            "billing_account_id: \"1234\"\nsecurity_account_id: \"222222222222\"\noidc_issuer_url: oidc.eks.eu-west-1.amazonaws.com/id/X\n".to_owned(),
            "inventory.yaml:1:21: billing_account_id: `1234` does not match `[0-9]{12}` (help: for example `111111111111`)",
        ),
        (format!("{BASE}namespce: inventory\n"), "inventory.yaml:4:1: namespce: unknown input `namespce` (help: did you mean `namespace`?)"),
        (
            "billing_account_id: \"111111111111\"\nsecurity_account_id: \"222222222222\"\n".to_owned(),
            "inventory.yaml:1:1: missing input `oidc_issuer_url` (help: add `oidc_issuer_url`, for example",
        ),
        (
            format!("{BASE}member_account_ids: [\"333333333333\", \"33\"]\ninventory_role_path: managed\n"),
            "inventory.yaml:4:38: member_account_ids[1]: `33` does not match `[0-9]{12}` (help: for example `333333333333`)\n\
             inventory.yaml:5:22: inventory_role_path: `managed` does not match",
        ),
        (
            BASE.replace("oidc_issuer_url: ", "oidc_issuer_url: http://"),
            "inventory.yaml:3:18: oidc_issuer_url: `http://oidc.eks.eu-west-1.amazonaws.com/id/X` does not match",
        ),
        (format!("{BASE}namespace: [inventory]\n"), "inventory.yaml:4:12: namespace: expected a string"),
        (format!("{BASE}runner_service_account: Runner_SA\n"), "inventory.yaml:4:25: runner_service_account: `Runner_SA` does not match"),
        // Checks that need more than one input are reported by the blueprint, naming the input.
        (
            format!("{BASE}member_account_ids: [\"333333333333\", \"333333333333\"]\n"),
            "invalid input `member_account_ids[1]`: `333333333333` is listed twice (first at [0])",
        ),
    ];
    for (text, expected) in cases {
        let message = error(&text);
        assert!(
            message.starts_with(expected),
            "{message}\ndoes not start with\n{expected}"
        );
    }
}

/// The README's inputs and outputs tables and its diagram are generated; this fails when they
/// are stale (rerun with `UPDATE_READMES=1` and review the diff).
#[test]
fn readme_sections_are_current() {
    let d = Registered::<Inventory>::new().build(&example()).unwrap();
    blueprint_testing::assert_readme_current(README, &d, &InventoryInputs::input_specs());
}
