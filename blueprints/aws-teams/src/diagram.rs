//! A Mermaid diagram of who may assume each team, read from the trust policies.
//!
//! Every team trusts the identity account's root principal and decides *who* in it may come in
//! through `aws:PrincipalArn` conditions, which a diagram of principals alone cannot show
//! (blueprint-kit's [`mermaid`](blueprint_kit::mermaid) draws one arrow from the account). This
//! one reads the conditions: team roles, SSO permission sets, role ARNs, SAML providers and
//! GitHub repositories that are allowed (solid arrows) or denied (dotted arrows) each team.
//! IAM users, which every team denies, are left out.

use std::collections::BTreeMap;

use iam_model::deployment::{Deployment, Role};
use iam_model::{BaseOperator, Effect, PrincipalKind, Statement};

use crate::trust::GITHUB_ISSUER;

/// The diagram, as Mermaid `flowchart LR` text (one statement per line, newline-terminated).
pub fn team_trust_mermaid(deployment: &Deployment) -> String {
    let mut g = Graph::default();
    for role in &deployment.roles {
        let to = team_id(&role.key);
        for st in &role.trust.statements {
            g.statement(deployment, role, st, &to);
        }
    }
    g.render(deployment)
}

#[derive(Default)]
struct Graph {
    /// Node id → label, for nodes outside the identity account's teams.
    nodes: BTreeMap<String, String>,
    /// (from, to, label, denied), in order of discovery, deduplicated on output.
    edges: Vec<(String, String, String, bool)>,
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn team_id(key: &str) -> String {
    format!("team_{}", sanitize(key))
}

fn quote(s: &str) -> String {
    s.replace('"', "#quot;")
}

impl Graph {
    fn statement(&mut self, d: &Deployment, role: &Role, st: &Statement, to: &str) {
        let denied = st.effect == Effect::Deny;
        let label = if denied { "denied" } else { "AssumeRole" };
        for (op, k) in st.condition.tests() {
            let arn_test = matches!(op.base, BaseOperator::ArnLike | BaseOperator::ArnEquals);
            if !arn_test || !k.key.eq_ignore_ascii_case("aws:PrincipalArn") {
                continue;
            }
            for v in &k.values {
                let value = v.as_text().with_placeholders().into_owned();
                if let Some(from) = self.principal_node(d, role, &value) {
                    self.edges
                        .push((from, to.to_owned(), label.to_owned(), denied));
                }
            }
        }
        if denied {
            return;
        }
        let Some(principal) = st.principal.as_ref().map(|p| p.principal()) else {
            return;
        };
        for v in principal.values(PrincipalKind::Federated) {
            let arn = v.with_placeholders().into_owned();
            if let Some((_, name)) = arn.split_once(":saml-provider/") {
                let id = format!("saml_{}", sanitize(name));
                self.nodes
                    .insert(id.clone(), format!("SAML provider {name}"));
                self.edges
                    .push((id, to.to_owned(), "AssumeRoleWithSAML".to_owned(), false));
            } else if arn.ends_with(&format!(":oidc-provider/{GITHUB_ISSUER}")) {
                let sub_key = format!("{GITHUB_ISSUER}:sub");
                let subs = st
                    .condition
                    .tests()
                    .filter(|(_, k)| k.key.eq_ignore_ascii_case(&sub_key));
                for (_, k) in subs {
                    for sub in &k.values {
                        let sub = sub.as_text().with_placeholders().into_owned();
                        let repo = sub
                            .strip_prefix("repo:")
                            .and_then(|r| r.strip_suffix(":*"))
                            .unwrap_or(&sub)
                            .to_owned();
                        let id = format!("github_{}", sanitize(&repo));
                        self.nodes.insert(id.clone(), format!("GitHub {repo}"));
                        self.edges.push((
                            id,
                            to.to_owned(),
                            "AssumeRoleWithWebIdentity".to_owned(),
                            false,
                        ));
                    }
                }
            }
        }
    }

    /// The node for an `aws:PrincipalArn` value: a team of the deployment, an SSO permission
    /// set, a whole account, or a role ARN. `None` for the IAM-user wildcard.
    fn principal_node(&mut self, d: &Deployment, role: &Role, value: &str) -> Option<String> {
        let parts: Vec<&str> = value.splitn(6, ':').collect();
        let (account, resource) = match parts.as_slice() {
            ["arn", _, "iam", "", account, resource] => (*account, *resource),
            _ => ("", value),
        };
        if resource.starts_with("user/") {
            return None;
        }
        let own_account = d.account(&role.account).and_then(|a| a.id.as_deref());
        if Some(account) == own_account {
            if let Some(team) = d
                .roles
                .iter()
                .find(|r| resource == format!("role{}{}", r.path, r.name))
            {
                return Some(team_id(&team.key));
            }
            if let Some(set) = resource
                .rsplit_once("/AWSReservedSSO_")
                .and_then(|(_, rest)| rest.strip_suffix("_*"))
            {
                let id = format!("sso_{}", sanitize(set));
                self.nodes
                    .insert(id.clone(), format!("SSO permission set {set}"));
                return Some(id);
            }
        }
        let (id, label) = if resource == "root" {
            (
                format!("account_{}", sanitize(account)),
                format!("any principal of {account}"),
            )
        } else {
            (
                format!("arn_{}", sanitize(value.trim_start_matches("arn:"))),
                value.to_owned(),
            )
        };
        self.nodes.insert(id.clone(), label);
        Some(id)
    }

    fn render(&self, d: &Deployment) -> String {
        let mut out = String::from("flowchart LR\n");
        let mut accounts: Vec<&str> = d.roles.iter().map(|r| r.account.as_str()).collect();
        accounts.dedup();
        for account in accounts {
            let shown = match d.account(account).and_then(|a| a.id.as_deref()) {
                Some(id) => format!("{account} ({id})"),
                None => account.to_owned(),
            };
            out.push_str(&format!(
                "  subgraph account_{}[\"{}\"]\n",
                sanitize(account),
                quote(&shown)
            ));
            for r in d.roles.iter().filter(|r| r.account == account) {
                out.push_str(&format!(
                    "    {}[\"team {}: {}\"]\n",
                    team_id(&r.key),
                    quote(&r.key),
                    quote(&r.name)
                ));
            }
            out.push_str("  end\n");
        }
        for (id, label) in &self.nodes {
            out.push_str(&format!("  {id}([\"{}\"])\n", quote(label)));
        }
        let mut seen = std::collections::HashSet::new();
        for (from, to, label, denied) in &self.edges {
            if !seen.insert((from, to, label, denied)) {
                continue;
            }
            let arrow = if *denied { "-.->" } else { "-->" };
            out.push_str(&format!("  {from} {arrow}|\"{}\"| {to}\n", quote(label)));
        }
        out
    }
}
