//! TableFlow's security properties, proven on its example with the trust graph: only
//! Confluent's provider role reaches the role, and only with the external id Confluent
//! handed out; the role itself assumes nothing. Also keeps the README's trust graph current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_model::graph::{Selector, TrustGraph};
use iam_model::PolicyDocument;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const CONFLUENT: &str = "arn:aws:iam::210987654321:role/confluent-tableflow-provider-7f3a";
const EXTERNAL_ID: &str = "6a1f0c2e-8d4b-4f3a-9e7c-1b2d3c4e5f60";

fn graph() -> TrustGraph {
    blueprints::example_trust_graph("tableflow").unwrap()
}

#[test]
fn confluent_reaches_the_role_only_with_its_external_id() {
    let g = graph();
    g.invariant(Selector::ThirdParties)
        .unwrap()
        .requires("sts:ExternalId")
        .unwrap();
    // Hand-worked: one outside principal, one edge, the external id of the example.
    let sources: Vec<String> = (0..g.nodes.len())
        .filter(|n| g.nodes[*n].is_source())
        .map(|n| g.label(n))
        .collect();
    assert_eq!(sources, [format!("third-party principal {CONFLUENT}")]);
    let answer = g.who_can("sts:AssumeRole", &g.roles[0].arn);
    assert_eq!(answer.paths.len(), 1);
    let edge = &g.edges[answer.paths[0].0.edges[0]];
    assert_eq!(edge.action, "sts:AssumeRole");
    let ext: Vec<&Vec<String>> = edge
        .conditions
        .iter()
        .filter(|c| c.key == "sts:ExternalId")
        .map(|c| &c.values)
        .collect();
    assert_eq!(ext, [&vec![EXTERNAL_ID.to_owned()]]);
}

#[test]
fn the_role_assumes_nothing() {
    let g = graph();
    let role = g.invariant(Selector::Roles("*".to_owned())).unwrap();
    role.reaches_only(&[]).unwrap();
}

#[test]
fn tag_session_alone_is_not_an_edge_but_a_bare_assume_is() {
    let mut d = blueprints::example_deployment("tableflow").unwrap();
    d.roles[0].trust = PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{CONFLUENT}"}},"Action":["sts:AssumeRole","sts:TagSession"]}}]}}"#
    ))
    .unwrap();
    let g = TrustGraph::of(&[d]);
    let err = g
        .invariant(Selector::ThirdParties)
        .unwrap()
        .requires("sts:ExternalId")
        .unwrap_err()
        .to_string();
    assert!(err.contains(CONFLUENT), "{err}");
}

/// The README embeds the trust graph of the example (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_trust_graph_is_current() {
    blueprints::check_trust_graph_readme("tableflow", README).unwrap();
}
