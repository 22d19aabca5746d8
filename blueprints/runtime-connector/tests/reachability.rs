//! The runtime connector's security properties, proven on its example with the trust graph:
//! Sym's runtime role reaches only `/sym/` roles in this account and the safelisted ones, and
//! Sym's account reaches it only with the external id. Also keeps the README's trust graph
//! current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_model::assert_only_reaches;
use iam_model::graph::{Node, Selector, TrustGraph};
use iam_model::PolicyDocument;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn graph() -> TrustGraph {
    blueprints::example_trust_graph("runtime-connector").unwrap()
}

/// `/sym/` roles in the role's own account (its id is not in the example: `{default}`) and
/// in the safelist of examples/runtime-connector.yaml.
const ALLOWED: [&str; 3] = [
    "arn:aws:iam::{default}:role/sym/*",
    "arn:aws:iam::222222222222:role/sym/*",
    "arn:aws:iam::333333333333:role/sym/*",
];

#[test]
fn the_runtime_reaches_only_sym_roles_in_safelisted_accounts() {
    let g = graph();
    assert_only_reaches!(g, "runtime-connector/this", ALLOWED, transitively);
    let inv = g
        .invariant(Selector::role("runtime-connector/this"))
        .unwrap();
    for pattern in ALLOWED {
        inv.reaches_some(pattern).unwrap();
    }
    assert!(inv
        .reaches_only(&["arn:aws:iam::222222222222:role/sym/*"])
        .is_err());
}

#[test]
fn sym_reaches_the_runtime_only_with_the_external_id() {
    let g = graph();
    let third: Vec<String> = (0..g.nodes.len())
        .filter(|n| g.nodes[*n].is_third_party())
        .map(|n| g.label(n))
        .collect();
    assert_eq!(third, ["third-party account 803477428605"]);
    g.invariant(Selector::ThirdParties)
        .unwrap()
        .requires("sts:ExternalId")
        .unwrap();
}

#[test]
fn a_trust_without_the_external_id_breaks_the_invariant() {
    let mut d = blueprints::example_deployment("runtime-connector").unwrap();
    d.roles[0].trust = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"803477428605"},"Action":"sts:AssumeRole"}]}"#,
    )
    .unwrap();
    let g = TrustGraph::of(&[d]);
    let err = g
        .invariant(Selector::ThirdParties)
        .unwrap()
        .requires("sts:ExternalId")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("without a `sts:ExternalId` condition"),
        "{err}"
    );
}

/// Hand-worked: only the runtime role may assume a `/sym/` role of a safelisted account, and
/// only Sym's account (with the external id) reaches the runtime role; a role of another
/// account, or outside `/sym/`, is reached by no one.
#[test]
fn who_can_assume_sym_roles_hand_worked() {
    let g = graph();
    let yes = g.who_can(
        "sts:AssumeRole",
        "arn:aws:iam::222222222222:role/sym/approver",
    );
    assert_eq!(yes.grants.len(), 1);
    assert_eq!(g.roles[yes.grants[0].role].key, "this");
    assert_eq!(yes.paths.len(), 1);
    let (path, _) = &yes.paths[0];
    assert!(matches!(
        &g.nodes[path.start(&g)],
        Node::Account { id, known: false } if id == "803477428605"
    ));
    let edge = &g.edges[path.edges[0]];
    assert_eq!(edge.conditions.len(), 1);
    assert_eq!(edge.conditions[0].key, "sts:ExternalId");
    assert_eq!(edge.conditions[0].values, ["{generated.external_id}"]);
    for no in [
        "arn:aws:iam::444444444444:role/sym/approver",
        "arn:aws:iam::222222222222:role/admin",
    ] {
        let answer = g.who_can("sts:AssumeRole", no);
        assert!(answer.grants.is_empty(), "{no}");
        assert!(answer.paths.is_empty(), "{no}");
    }
}

/// The README embeds the trust graph of the example (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_trust_graph_is_current() {
    blueprints::check_trust_graph_readme("runtime-connector", README).unwrap();
}
