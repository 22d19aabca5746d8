//! The inventory's security properties, proven on its example with the trust graph: each
//! service account's token reaches only its own role, the runner reaches only the
//! `/managed/inventory` roles, and the orchestrator assumes nothing. Also keeps the README's
//! trust graph current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use iam_model::assert_only_reaches;
use iam_model::graph::{Node, TrustGraph};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn graph() -> TrustGraph {
    blueprints::example_trust_graph("inventory").unwrap()
}

#[test]
fn the_runner_reaches_only_inventory_roles() {
    let g = graph();
    assert_only_reaches!(
        g,
        "inventory/runner",
        ["arn:aws:iam::*:role/managed/inventory"],
        transitively
    );
    assert_only_reaches!(g, "inventory/orchestrator", [], transitively);
}

/// Hand-worked: the member roles (333333333333, 444444444444) are reached only through the
/// runner's service account token, never the orchestrator's.
#[test]
fn who_can_reach_member_accounts_hand_worked() {
    let g = graph();
    for member in ["333333333333", "444444444444"] {
        let answer = g.who_can(
            "sts:AssumeRole",
            &format!("arn:aws:iam::{member}:role/managed/inventory"),
        );
        let subs: BTreeSet<String> = answer
            .paths
            .iter()
            .flat_map(|(p, _)| p.edges.iter())
            .flat_map(|e| g.edges[*e].conditions.iter())
            .filter(|c| c.key.ends_with(":sub"))
            .flat_map(|c| c.values.iter().cloned())
            .collect();
        assert_eq!(
            subs,
            BTreeSet::from(["system:serviceaccount:inventory:aws-inventory-runner-sa".to_owned()]),
            "{member}"
        );
        assert_eq!(answer.paths.len(), 1, "{member}");
        assert!(matches!(
            g.nodes[answer.paths[0].0.start(&g)],
            Node::Oidc { .. }
        ));
    }
}

/// An edge asking the token's `sub` to be two things at once is dropped: here the runner's
/// trust policy also denies every service account but the orchestrator's.
#[test]
fn contradictory_sub_conditions_drop_the_path() {
    let mut d = blueprints::example_deployment("inventory").unwrap();
    let g0 = TrustGraph::of(std::slice::from_ref(&d));
    let runner = d.role_mut("runner").unwrap();
    let mut trust = runner.trust.clone();
    let mut extra = trust.statements[0].clone();
    extra.effect = iam_model::Effect::Deny;
    let key = trust.statements[0]
        .condition
        .tests()
        .map(|(_, k)| k.key.clone())
        .find(|k| k.ends_with(":sub"))
        .unwrap();
    extra.condition = iam_model::Condition::test(
        iam_model::ConditionOperator::new(iam_model::BaseOperator::StringNotEquals),
        key,
        ["system:serviceaccount:inventory:aws-inventory-orchestrator-sa"],
    );
    trust.statements.push(extra);
    runner.trust = trust;
    let g = TrustGraph::of(&[d]);
    let target = "arn:aws:iam::333333333333:role/managed/inventory";
    assert_eq!(g0.who_can("sts:AssumeRole", target).paths.len(), 1);
    assert!(g.who_can("sts:AssumeRole", target).paths.is_empty());
}

/// The README embeds the trust graph of the example (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_trust_graph_is_current() {
    blueprints::check_trust_graph_readme("inventory", README).unwrap();
}
