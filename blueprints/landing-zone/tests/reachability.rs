//! The landing zone's security properties, proven on its example with the trust graph:
//! pipelines enter through the OIDC role, which reaches only `foundation-tf-*`; each
//! environment's state role needs its external id; AdministratorAccess in prod is reached
//! through exactly the paths worked out below. Also keeps the README's trust graph current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use iam_model::graph::{Node, Selector, TrustGraph};
use iam_model::{assert_only_reaches, PolicyDocument};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const OIDC_ROLE: &str = "arn:aws:iam::123456789012:role/foundation-oidc";

fn graph() -> TrustGraph {
    blueprints::example_trust_graph("landing-zone").unwrap()
}

/// Each path as `start label > role name > role name …`.
fn routes(g: &TrustGraph, answer: &iam_model::graph::WhoCan) -> BTreeSet<String> {
    answer
        .paths
        .iter()
        .map(|(p, _)| {
            let mut parts = vec![g.label(p.start(g))];
            for n in p.nodes(g).into_iter().skip(1) {
                parts.push(g.node_name(n));
            }
            parts.join(" > ")
        })
        .collect()
}

#[test]
fn the_oidc_role_reaches_only_the_state_roles() {
    let g = graph();
    assert_only_reaches!(
        g,
        "foundation-oidc",
        ["arn:aws:iam::*:role/foundation-tf-*"]
    );
    // Not vacuous: it does reach the state roles.
    let inv = g.invariant(Selector::role("foundation-oidc")).unwrap();
    inv.clone()
        .directly()
        .reaches_some("arn:aws:iam::123456789012:role/foundation-tf-state")
        .unwrap();
    // Through them it reaches the deploy roles, which the direct form leaves out.
    assert!(inv
        .reaches_only(&["arn:aws:iam::*:role/foundation-tf-*"])
        .is_err());
}

#[test]
fn a_wider_oidc_policy_breaks_the_invariant() {
    let mut d = blueprints::example_deployment("landing-zone").unwrap();
    let role = d.role_mut("oidc").unwrap();
    role.inline_policies.insert(
        "allowassume".to_owned(),
        PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/*"}]}"#,
        )
        .unwrap(),
    );
    let g = TrustGraph::of(&[d]);
    let err = g
        .invariant(Selector::role("foundation-oidc"))
        .unwrap()
        .directly()
        .reaches_only(&["arn:aws:iam::*:role/foundation-tf-*"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`arn:aws:iam::*:role/*`"), "{err}");
}

#[test]
fn only_the_configured_repositories_and_branches_enter() {
    let g = graph();
    let answer = g.who_can("sts:AssumeRoleWithWebIdentity", OIDC_ROLE);
    let mut subs = BTreeSet::new();
    for (p, _) in &answer.paths {
        assert_eq!(p.edges.len(), 1);
        let e = &g.edges[p.edges[0]];
        assert!(matches!(g.nodes[e.from], Node::Oidc { .. }));
        for c in &e.conditions {
            if c.key.ends_with(":sub") {
                subs.insert(format!("{} {}", c.operator, c.values.join("|")));
            }
        }
    }
    // Hand-worked from examples/landing-zone.yaml and the seed's sub formats.
    let expected: BTreeSet<String> = [
        "StringLike repo:trustypangolin/bedrock-foundation-template:ref:refs/heads/main",
        "StringLike project_path:trustypangolin/platform/landing-zone:ref_type:branch:ref:main",
        "StringLike {7d3e8a1b-2c4d-4e5f-9a0b-1c2d3e4f5a6b}:*",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(subs, expected);
    assert_eq!(answer.paths.len(), 3);
}

#[test]
fn each_environment_role_needs_its_external_id() {
    let g = graph();
    let oidc = g.find_role(OIDC_ROLE).unwrap();
    for (role, id) in [
        ("foundation-tf-prdstate", "123Prod456"),
        ("foundation-tf-tststate", "123Test456"),
    ] {
        let to = g.find_role(role).unwrap();
        let edges: Vec<_> = g
            .edges
            .iter()
            .filter(|e| e.from == oidc && e.to == to)
            .collect();
        assert_eq!(edges.len(), 1, "{role}");
        let ext: Vec<_> = edges[0]
            .conditions
            .iter()
            .filter(|c| c.key == "sts:ExternalId")
            .collect();
        assert_eq!(ext.len(), 1, "{role}");
        assert_eq!(ext[0].values, vec![id.to_owned()], "{role}");
    }
}

/// "Who can reach admin in prod?" The deploy role in 210987654321 holds AdministratorAccess;
/// the hand-worked answer: each of the three Git providers through the OIDC role, then either
/// the organization state role (which may assume `foundation-deploy` in every account) or the
/// prod state role (with its external id); and any other principal of the management account
/// named `foundation-tf-*` (the deploy role trusts the account with that ARN condition).
#[test]
fn who_can_administer_prod_hand_worked() {
    let g = graph();
    let answer = g.who_can("iam:CreateUser", "arn:aws:iam::210987654321:user/anyone");
    let granted: Vec<&str> = answer
        .grants
        .iter()
        .map(|gr| g.roles[gr.role].arn.as_str())
        .collect();
    assert_eq!(
        granted,
        ["arn:aws:iam::210987654321:role/foundation-deploy"]
    );
    let github = "OIDC arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    let gitlab = "OIDC arn:aws:iam::123456789012:oidc-provider/gitlab.com";
    let bitbucket = "OIDC arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/trustypangolin/pipelines-config/identity/oidc";
    let mut expected = BTreeSet::new();
    for p in [github, gitlab, bitbucket] {
        for state in ["foundation-tf-state", "foundation-tf-prdstate"] {
            expected.insert(format!(
                "{p} > {OIDC_ROLE} > arn:aws:iam::123456789012:role/{state} > arn:aws:iam::210987654321:role/foundation-deploy"
            ));
        }
    }
    expected.insert(
        "principals of account 123456789012 > arn:aws:iam::210987654321:role/foundation-deploy"
            .to_owned(),
    );
    assert_eq!(routes(&g, &answer), expected);
    // The dev state role reaches only the dev account.
    let dev = g.who_can("iam:CreateUser", "arn:aws:iam::444444444444:user/anyone");
    assert!(routes(&g, &dev)
        .iter()
        .any(|r| r.contains("foundation-tf-devstate")));
    assert!(!routes(&g, &answer)
        .iter()
        .any(|r| r.contains("foundation-tf-devstate")));
}

/// Rendered together with aws-teams (which shares the management account id as its `auto`
/// account), the answer for prod is unchanged: no team reaches the deploy roles, whose trust
/// admits only `foundation-tf-*` of the management account.
#[test]
fn landing_zone_with_aws_teams_hand_worked() {
    let lz = blueprints::example_deployment("landing-zone").unwrap();
    let teams = blueprints::example_deployment("aws-teams").unwrap();
    let alone = graph();
    let g = TrustGraph::of(&[lz, teams]);
    let answer = g.who_can("iam:CreateUser", "arn:aws:iam::210987654321:user/anyone");
    assert_eq!(
        routes(&g, &answer),
        routes(
            &alone,
            &alone.who_can("iam:CreateUser", "arn:aws:iam::210987654321:user/anyone")
        )
    );
    // The teams' admin (PowerUserAccess) may call sts:AssumeRole on any role, but no trust
    // policy of the landing zone admits it.
    let admin = g
        .find_role("arn:aws:iam::111111111111:role/eg-core-gbl-identity-admin")
        .unwrap();
    let reached: BTreeSet<String> = g
        .reachable_from(admin)
        .into_iter()
        .map(|n| g.node_name(n))
        .collect();
    assert!(
        !reached.iter().any(|n| n.contains("foundation")),
        "{reached:?}"
    );
}

/// The README embeds the trust graph of the example (rerun with `UPDATE_READMES=1`).
#[test]
fn readme_trust_graph_is_current() {
    blueprints::check_trust_graph_readme("landing-zone", README).unwrap();
}
