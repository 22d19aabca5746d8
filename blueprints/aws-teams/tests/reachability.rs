//! The teams' security properties, proven on the example with the trust graph: no team
//! reaches another team's role unless that team lists it in `trusted_teams`; the viewer
//! reaches nothing; the only third party (the Spacelift worker pool's account) is admitted for
//! that one role ARN. Also keeps the README's trust graph current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use iam_model::graph::{Node, Selector, TrustGraph};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn graph() -> TrustGraph {
    blueprints::example_trust_graph("aws-teams").unwrap()
}

/// The team roles each team assumes directly, by key.
fn team_reach(g: &TrustGraph) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (i, r) in g.roles.iter().enumerate() {
        let reached: BTreeSet<String> = g
            .edges
            .iter()
            .filter(|e| e.from == i && !e.denied)
            .filter_map(|e| match g.nodes[e.to] {
                Node::Role(t) => Some(g.roles[t].key.clone()),
                _ => None,
            })
            .collect();
        out.insert(r.key.clone(), reached);
    }
    out
}

/// Hand-worked from examples/aws-teams.yaml: `admin` lists `trusted_teams: [admin]`,
/// `spacelift` lists `[admin]`, `viewer` lists none (and denies itself).
#[test]
fn no_team_reaches_another_unless_configured() {
    let g = graph();
    let expected = BTreeMap::from([
        (
            "admin".to_owned(),
            BTreeSet::from(["admin".to_owned(), "spacelift".to_owned()]),
        ),
        ("spacelift".to_owned(), BTreeSet::new()),
        ("viewer".to_owned(), BTreeSet::new()),
    ]);
    assert_eq!(team_reach(&g), expected);
    g.invariant(Selector::role("viewer"))
        .unwrap()
        .reaches_only(&[])
        .unwrap();
}

#[test]
fn trusting_a_team_admits_its_role_arn_only() {
    let text = std::fs::read_to_string(blueprints::example_config("aws-teams").unwrap()).unwrap();
    // The spacelift team also trusts the viewer team.
    let changed = text.replace(
        "            trusted_teams:\n            - admin\n",
        "            trusted_teams:\n            - admin\n            - viewer\n",
    );
    assert_ne!(changed, text);
    let bp = blueprints::find("aws-teams").unwrap();
    let d = bp
        .build(&blueprint_kit::ConfigSource::new("aws-teams.yaml", changed))
        .unwrap();
    let g = TrustGraph::of(&[d]);
    let reach = team_reach(&g);
    // The viewer's own policies (ViewOnlyAccess) cannot call sts:AssumeRole, so trusting it
    // adds no edge; principals of the account named like the viewer role may come in.
    assert!(reach["viewer"].is_empty());
    let into_spacelift: BTreeSet<String> = g
        .edges
        .iter()
        .filter(|e| g.roles.get(e.to).is_some_and(|r| r.key == "spacelift"))
        .flat_map(|e| e.conditions.iter())
        .filter(|c| c.key == "aws:PrincipalArn" && c.operator.to_string() == "ArnLike")
        .flat_map(|c| c.values.iter().cloned())
        .collect();
    assert!(
        into_spacelift.contains("arn:aws:iam::111111111111:role/eg-core-gbl-identity-viewer"),
        "{into_spacelift:?}"
    );
}

#[test]
fn the_only_third_party_is_the_spacelift_worker_pool() {
    let g = graph();
    let third: Vec<usize> = (0..g.nodes.len())
        .filter(|n| g.nodes[*n].is_third_party())
        .collect();
    assert_eq!(third.len(), 1);
    let reached: BTreeSet<String> = g
        .reachable_from(third[0])
        .into_iter()
        .map(|n| g.node_name(n))
        .collect();
    assert!(reached.contains("arn:aws:iam::111111111111:role/eg-core-gbl-identity-spacelift"));
    for e in g.edges.iter().filter(|e| e.from == third[0]) {
        assert!(e.conditions.iter().any(|c| c.key == "aws:PrincipalArn"
            && c.values
                == ["arn:aws:iam::123456789012:role/eg-ue2-auto-spacelift-worker-pool-admin"]));
    }
}

/// The README embeds the trust graph of the example (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_trust_graph_is_current() {
    blueprints::check_trust_graph_readme("aws-teams", README).unwrap();
}

/// Hand-worked: who can end up in the spacelift team's role? The admin team (trusted by
/// spacelift) and whoever reaches it — Okta users through SAML, and principals of the
/// identity account whose ARN is the admin role or its permission set's role — plus those
/// principals directly, and the worker pool role of account 123456789012 (trusted by ARN).
#[test]
fn who_can_become_spacelift_hand_worked() {
    let g = graph();
    let spacelift = "arn:aws:iam::111111111111:role/eg-core-gbl-identity-spacelift";
    let admin = "arn:aws:iam::111111111111:role/eg-core-gbl-identity-admin";
    let answer = g.who_can("sts:AssumeRole", spacelift);
    let routes: BTreeSet<String> = answer
        .paths
        .iter()
        .map(|(p, _)| {
            let mut parts = vec![g.label(p.start(&g))];
            parts.extend(p.nodes(&g).into_iter().skip(1).map(|n| g.node_name(n)));
            parts.join(" > ")
        })
        .collect();
    let account = "principals of account 111111111111";
    let saml = "SAML arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta";
    let expected = BTreeSet::from([
        format!("{account} > {spacelift}"),
        format!("{account} > {admin} > {spacelift}"),
        format!("{saml} > {admin} > {spacelift}"),
        format!("third-party account 123456789012 > {spacelift}"),
    ]);
    assert_eq!(routes, expected);
}
