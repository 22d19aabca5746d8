#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::deployment::{Account, OidcProvider};

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json(s).unwrap()
}

fn role(key: &str, account: &str, trust: &str) -> Role {
    Role::builder()
        .key(key)
        .account(account)
        .name(key)
        .trust(doc(trust))
        .build()
}

fn deployment(roles: Vec<Role>) -> Deployment {
    Deployment::builder()
        .blueprint("t")
        .instance("t")
        .accounts(vec![
            Account::builder()
                .key("a")
                .id(crate::AccountId::try_from("111111111111").unwrap())
                .build(),
            Account::builder()
                .key("b")
                .id(crate::AccountId::try_from("222222222222").unwrap())
                .build(),
        ])
        .roles(roles)
        .oidc_providers(vec![OidcProvider::builder()
            .key("gh")
            .account("a")
            .url("https://token.actions.githubusercontent.com")
            .client_ids(vec!["sts.amazonaws.com".to_owned()])
            .build()])
        .build()
}

const ASSUME_ANY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;

fn trust_role(arn: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{arn}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn edges_between(g: &TrustGraph, from: &str, to: &str) -> Vec<Edge> {
    let (f, t) = (g.find_role(from).unwrap(), g.find_role(to).unwrap());
    g.edges
        .iter()
        .filter(|e| e.from == f && e.to == t)
        .cloned()
        .collect()
}

#[test]
fn a_role_caller_needs_its_identity_policy_except_when_named_in_its_own_account() {
    let caller = role("caller", "a", &trust_role("arn:aws:iam::999999999999:root"));
    let same_named = role(
        "same",
        "a",
        &trust_role("arn:aws:iam::111111111111:role/caller"),
    );
    let same_root = role("root", "a", &trust_role("arn:aws:iam::111111111111:root"));
    let other_named = role(
        "other",
        "b",
        &trust_role("arn:aws:iam::111111111111:role/caller"),
    );
    let d = deployment(vec![
        caller.clone(),
        same_named.clone(),
        same_root.clone(),
        other_named.clone(),
    ]);
    let g = TrustGraph::of(std::slice::from_ref(&d));
    assert_eq!(edges_between(&g, "caller", "same").len(), 1);
    assert!(edges_between(&g, "caller", "root").is_empty());
    assert!(edges_between(&g, "caller", "other").is_empty());
    // With an identity grant, every one of them is reachable.
    let caller = caller.inline("assume", doc(ASSUME_ANY));
    let g = TrustGraph::of(&[deployment(vec![caller, same_named, same_root, other_named])]);
    for to in ["same", "root", "other"] {
        assert_eq!(edges_between(&g, "caller", to).len(), 1, "{to}");
    }
}

#[test]
fn an_unconditional_deny_draws_a_denied_edge_that_paths_skip() {
    let caller = role("caller", "a", &trust_role("arn:aws:iam::999999999999:root"))
        .inline("assume", doc(ASSUME_ANY));
    let target = role(
        "target",
        "b",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:role/caller"},"Action":"sts:AssumeRole"}]}"#,
    );
    let g = TrustGraph::of(&[deployment(vec![caller, target])]);
    let e = edges_between(&g, "caller", "target");
    assert_eq!(e.len(), 1);
    assert!(e[0].denied);
    assert!(g.mermaid().contains("--x"));
    assert!(g.dot().contains("color=red"));
    let caller = g.find_role("caller").unwrap();
    assert!(!g
        .reachable_from(caller)
        .contains(&g.find_role("target").unwrap()));
}

#[test]
fn a_token_audience_the_provider_does_not_issue_drops_the_edge() {
    let trust = |aud: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"{aud}"}}}}}}]}}"#
        )
    };
    let ok = role("ok", "a", &trust("sts.amazonaws.com"));
    let bad = role("bad", "a", &trust("https://github.com/acme"));
    let g = TrustGraph::of(&[deployment(vec![ok, bad])]);
    let into = |key: &str| {
        let t = g.find_role(key).unwrap();
        g.edges.iter().filter(|e| e.to == t).count()
    };
    assert_eq!(into("ok"), 1);
    assert_eq!(into("bad"), 0);
}

/// The source identity set on the first hop stays for the whole chain: a path whose first
/// edge requires `ci` and whose second requires `admin` cannot be walked, while each edge
/// alone can.
#[test]
fn a_path_whose_conditions_contradict_each_other_is_dropped() {
    let first = role(
        "first",
        "a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:SourceIdentity":"ci"}}}]}"#,
    )
    .inline("assume", doc(ASSUME_ANY));
    let second = |si: &str| {
        role(
            "second",
            "a",
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111111111111:role/first"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:SourceIdentity":"{si}"}}}}}}]}}"#
            ),
        )
    };
    let walk = |si: &str| {
        let g = TrustGraph::of(&[deployment(vec![first.clone(), second(si)])]);
        let ext = (0..g.nodes.len())
            .find(|n| matches!(&g.nodes[*n], Node::Account { id, .. } if id == "999999999999"))
            .unwrap();
        let second = g.find_role("second").unwrap();
        (
            g.reachable_from(ext).contains(&second),
            edges_between(&g, "first", "second").len(),
        )
    };
    assert_eq!(walk("ci"), (true, 1));
    assert_eq!(walk("admin"), (false, 1));
    // The external id is chosen afresh on each hop: no contradiction.
    let per_hop = |k: &str| {
        role(
            "second",
            "a",
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111111111111:role/first"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"{k}":"other"}}}}}}]}}"#
            ),
        )
    };
    let first_ext = role(
        "first",
        "a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"one"}}}]}"#,
    )
    .inline("assume", doc(ASSUME_ANY));
    let g = TrustGraph::of(&[deployment(vec![first_ext, per_hop("sts:ExternalId")])]);
    let ext = (0..g.nodes.len())
        .find(|n| g.nodes[*n].is_third_party())
        .unwrap();
    assert!(g
        .reachable_from(ext)
        .contains(&g.find_role("second").unwrap()));
}

#[test]
fn late_bound_values_without_a_value_stay_visible() {
    let d = Deployment::builder()
        .blueprint("t")
        .instance("t")
        .roles(vec![Role::builder()
            .key("r")
            .name("r")
            .trust(PolicyDocument::new([crate::Statement::allow()
                .action("sts:AssumeRole")
                .principal(Principal::aws(["arn:aws:iam::803477428605:root"]))
                .condition(crate::Condition::string_equals(
                    "sts:ExternalId",
                    [LateBound::Generated("external_id".to_owned())],
                ))]))
            .build()])
        .build();
    let g = TrustGraph::of(&[d]);
    assert_eq!(g.roles[0].arn, "arn:aws:iam::{default}:role/r");
    assert_eq!(g.edges.len(), 1);
    assert_eq!(g.edges[0].conditions[0].values, ["{generated.external_id}"]);
}

#[test]
fn outside_roles_are_nodes_and_who_can_filters_by_account() {
    let caller = role("caller", "a", &trust_role("arn:aws:iam::999999999999:root"))
        .inline(
            "p",
            doc(r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/deploy-*"},
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},
                {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#),
        );
    let g = TrustGraph::of(&[deployment(vec![caller])]);
    let names: Vec<String> = g
        .reachable_from(0)
        .into_iter()
        .map(|n| g.node_name(n))
        .collect();
    assert_eq!(names, ["arn:aws:iam::*:role/deploy-*"]);
    assert_eq!(
        g.who_can("s3:GetObject", "arn:aws:s3:::bucket/k")
            .grants
            .len(),
        1
    );
    assert_eq!(
        g.who_can(
            "ec2:RunInstances",
            "arn:aws:ec2:eu-west-1:111111111111:instance/i"
        )
        .grants
        .len(),
        1
    );
    assert!(g
        .who_can(
            "ec2:RunInstances",
            "arn:aws:ec2:eu-west-1:222222222222:instance/i"
        )
        .grants
        .is_empty());
    let answer = g.who_can("s3:GetObject", "arn:aws:s3:::bucket/k");
    assert_eq!(answer.paths.len(), 1);
}

#[test]
fn the_graph_is_deterministic() {
    let mk = || {
        let caller = role("caller", "a", &trust_role("arn:aws:iam::999999999999:root"))
            .inline("assume", doc(ASSUME_ANY));
        let target = role("target", "b", &trust_role("arn:aws:iam::111111111111:root"));
        TrustGraph::of(&[deployment(vec![caller, target])])
    };
    assert_eq!(mk().mermaid(), mk().mermaid());
    assert_eq!(mk().dot(), mk().dot());
}

#[test]
fn services_saml_providers_and_anyone_are_sources() {
    let svc = role(
        "svc",
        "a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    let saml = role(
        "saml",
        "a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:saml-provider/okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#,
    );
    let open = role(
        "open",
        "a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#,
    );
    let g = TrustGraph::of(&[deployment(vec![svc, saml, open])]);
    let into = |key: &str| -> Vec<(String, String)> {
        let t = g.find_role(key).unwrap();
        g.edges
            .iter()
            .filter(|e| e.to == t)
            .map(|e| (g.label(e.from), e.action.clone()))
            .collect()
    };
    assert_eq!(
        into("svc"),
        [(
            "service ec2.amazonaws.com".to_owned(),
            "sts:AssumeRole".to_owned()
        )]
    );
    assert_eq!(
        into("saml"),
        [(
            "SAML arn:aws:iam::111111111111:saml-provider/okta".to_owned(),
            "sts:AssumeRoleWithSAML".to_owned()
        )]
    );
    // `"Principal": "*"` admits anyone, every account and service included.
    let open_callers: Vec<String> = into("open").into_iter().map(|(f, _)| f).collect();
    assert!(
        open_callers.contains(&"anyone (*)".to_owned()),
        "{open_callers:?}"
    );
    assert!(open_callers.contains(&"service ec2.amazonaws.com".to_owned()));
}
