//! A Mermaid flowchart of a deployment's roles: accounts as subgraphs, and who may assume what.
//!
//! Two kinds of edge, both read from the policies rather than declared:
//!
//! * solid, from a principal to a role: the role's trust policy allows that principal (AWS
//!   accounts and roles, federated SAML/OIDC providers, services), labelled with the actions
//!   (`AssumeRole`, `AssumeRoleWithSAML`, …);
//! * dotted, from a role to a role: one of the role's policies (inline, or a managed policy of
//!   the deployment) allows `sts:AssumeRole` on it; resource patterns are matched against the
//!   ARN every role of the deployment will have.
//!
//! Principals and resources that are not objects of the deployment become nodes outside the
//! account subgraphs. `Deny` statements and conditions are not drawn.

use std::borrow::Cow;
use std::collections::BTreeMap;

use iam_model::deployment::{Deployment, Role};
use iam_model::text::{ObjectKind, RefAttribute, Segment, UnresolvedError};
use iam_model::{Arn, Effect, LateBound, PolicyDocument, PrincipalKind, Resolver, Text};

/// The diagram, as Mermaid `flowchart LR` text.
pub fn mermaid(deployment: &Deployment) -> String {
    let mut g = Graph::new(deployment);
    g.trust_edges();
    g.permission_edges();
    g.render()
}

struct Graph<'d> {
    d: &'d Deployment,
    /// External nodes: id → label, in order of first use.
    external: Vec<(String, String)>,
    /// (from, to, label, dotted), deduplicated on output.
    edges: Vec<(String, String, String, bool)>,
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn label(s: &str) -> String {
    s.replace('"', "#quot;")
}

fn role_id(key: &str) -> String {
    format!("role_{}", sanitize(key))
}

fn account_id(key: &str) -> String {
    format!("account_{}", sanitize(key))
}

fn oidc_id(key: &str) -> String {
    format!("oidc_{}", sanitize(key))
}

/// Resolves late-bound values into a comparable form: account ids to the account's id when
/// the deployment knows it and to `{key}` otherwise, the partition to `aws`, references to
/// the referenced object's ARN in that form.
struct Marker<'d> {
    d: &'d Deployment,
    /// The account of the object whose policy is read (`AccountId(None)`).
    own_account: &'d str,
}

impl Marker<'_> {
    fn account(&self, key: &str) -> String {
        match self.d.account(key).and_then(|a| a.id.clone()) {
            Some(id) => id.into(),
            None => format!("{{{key}}}"),
        }
    }

    fn role_arn(&self, role: &Role) -> String {
        format!(
            "arn:aws:iam::{}:role{}{}",
            self.account(&role.account),
            role.path,
            role.name
        )
    }
}

impl Resolver for Marker<'_> {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(match late {
            LateBound::AccountId(None) => Cow::Owned(self.account(self.own_account)),
            LateBound::AccountId(Some(k)) => Cow::Owned(self.account(k)),
            LateBound::Partition => Cow::Borrowed("aws"),
            LateBound::Region => Cow::Borrowed("*"),
            LateBound::Ref(r) => match (r.kind, r.attribute) {
                (ObjectKind::Role, RefAttribute::Arn) => match self.d.role(&r.key) {
                    Some(role) => Cow::Owned(self.role_arn(role)),
                    None => Cow::Owned(late.to_string()),
                },
                _ => Cow::Owned(late.to_string()),
            },
            other => Cow::Owned(other.to_string()),
        })
    }
}

/// The single late-bound value a text consists of, if it is exactly one.
fn only_late(text: &Text) -> Option<&LateBound> {
    match text.segments() {
        [Segment::Late(l)] => Some(l),
        _ => None,
    }
}

impl<'d> Graph<'d> {
    fn new(d: &'d Deployment) -> Self {
        Graph {
            d,
            external: Vec::new(),
            edges: Vec::new(),
        }
    }

    fn external_node(&mut self, text: &str) -> String {
        if let Some((id, _)) = self.external.iter().find(|(_, l)| l == text) {
            return id.clone();
        }
        let id = format!("ext_{}", self.external.len() + 1);
        self.external.push((id.clone(), text.to_owned()));
        id
    }

    fn marker(&self, own_account: &'d str) -> Marker<'d> {
        Marker {
            d: self.d,
            own_account,
        }
    }

    /// The node a trust-policy principal stands for.
    fn principal_node(
        &mut self,
        kind: PrincipalKind,
        value: &Text,
        own_account: &'d str,
    ) -> String {
        match (kind, only_late(value)) {
            (PrincipalKind::Aws, Some(LateBound::Ref(r)))
                if r.kind == ObjectKind::Role && self.d.role(&r.key).is_some() =>
            {
                return role_id(&r.key);
            }
            (PrincipalKind::Federated, Some(LateBound::Ref(r)))
                if r.kind == ObjectKind::OidcProvider && self.d.oidc_provider(&r.key).is_some() =>
            {
                return oidc_id(&r.key);
            }
            (PrincipalKind::Aws, Some(LateBound::AccountId(k))) => {
                let key = k.as_deref().unwrap_or(own_account);
                if self.d.account(key).is_some() {
                    return account_id(key);
                }
            }
            _ => {}
        }
        let marker = self.marker(own_account);
        let resolved = value.resolve(&marker).unwrap_or_else(|_| value.to_string());
        if kind == PrincipalKind::Aws {
            // An account (`123456789012` or `arn:…:root`) of the deployment is its subgraph; a
            // role ARN of the deployment is that role.
            let account = resolved
                .strip_prefix("arn:aws:iam::")
                .and_then(|r| r.strip_suffix(":root"))
                .unwrap_or(&resolved);
            if let Some(a) = self
                .d
                .accounts
                .iter()
                .find(|a| marker.account(&a.key) == account)
            {
                return account_id(&a.key);
            }
            if let Some(role) = self.d.roles.iter().find(|r| marker.role_arn(r) == resolved) {
                return role_id(&role.key);
            }
        }
        let shown = match kind {
            PrincipalKind::Aws => value.to_string(),
            other => format!("{}: {}", other.key(), value),
        };
        self.external_node(&shown)
    }

    fn trust_edges(&mut self) {
        let d = self.d;
        for role in &d.roles {
            for st in &role.trust.statements {
                if st.effect != Effect::Allow || st.action.is_not() {
                    continue;
                }
                let Some(principal) = st
                    .principal
                    .as_ref()
                    .filter(|p| !p.is_not())
                    .map(|p| p.principal())
                else {
                    continue;
                };
                let actions: Vec<String> = st
                    .action
                    .actions()
                    .iter()
                    .map(|a| {
                        a.as_str()
                            .strip_prefix("sts:")
                            .unwrap_or(a.as_str())
                            .to_owned()
                    })
                    .collect();
                let edge_label = actions.join(", ");
                let entries: Vec<(PrincipalKind, Text)> = match principal {
                    iam_model::Principal::Any => vec![(PrincipalKind::Aws, Text::literal("*"))],
                    other => other.entries().map(|(k, v)| (k, v.clone())).collect(),
                };
                for (kind, value) in entries {
                    let from = self.principal_node(kind, &value, &role.account);
                    self.edges
                        .push((from, role_id(&role.key), edge_label.clone(), false));
                }
            }
        }
    }

    /// The policy documents that apply to a role.
    fn documents(&self, role: &'d Role) -> Vec<&'d PolicyDocument> {
        let mut docs: Vec<&PolicyDocument> = role.inline_policies.values().collect();
        for arn in &role.managed_policy_arns {
            if let Some(LateBound::Ref(r)) = only_late(arn) {
                if r.kind == ObjectKind::Policy {
                    if let Some(p) = self.d.policy(&r.key) {
                        docs.push(&p.document);
                    }
                }
            }
        }
        docs
    }

    fn permission_edges(&mut self) {
        let d = self.d;
        for role in &d.roles {
            let marker = self.marker(&role.account);
            for doc in self.documents(role) {
                for st in &doc.statements {
                    let assumes = st.effect == Effect::Allow
                        && !st.action.is_not()
                        && st
                            .action
                            .actions()
                            .iter()
                            .any(|a| a.matches("sts:AssumeRole"));
                    let Some(resources) = st.resource.as_ref().filter(|r| assumes && !r.is_not())
                    else {
                        continue;
                    };
                    for res in resources.resources() {
                        let resolved = res.resolve(&marker).unwrap_or_else(|_| res.to_string());
                        let targets: Vec<String> = if resolved == "*" {
                            vec![self.external_node("any role (*)")]
                        } else {
                            let matched: Vec<String> = d
                                .roles
                                .iter()
                                .filter(|t| {
                                    t.key != role.key
                                        && Arn::pattern_matches(&resolved, &marker.role_arn(t))
                                })
                                .map(|t| role_id(&t.key))
                                .collect();
                            if matched.is_empty() {
                                vec![self.external_node(&res.to_string())]
                            } else {
                                matched
                            }
                        };
                        for t in targets {
                            self.edges
                                .push((role_id(&role.key), t, "may assume".to_owned(), true));
                        }
                    }
                }
            }
        }
    }

    fn render(mut self) -> String {
        let d = self.d;
        let mut out = String::from("flowchart LR\n");
        let mut by_account: BTreeMap<
            &str,
            (Vec<&Role>, Vec<&iam_model::deployment::OidcProvider>),
        > = BTreeMap::new();
        for r in &d.roles {
            by_account.entry(r.account.as_str()).or_default().0.push(r);
        }
        for p in &d.oidc_providers {
            by_account.entry(p.account.as_str()).or_default().1.push(p);
        }
        let mut keys: Vec<&str> = d.accounts.iter().map(|a| a.key.as_str()).collect();
        for k in by_account.keys() {
            if !keys.contains(k) {
                keys.push(k);
            }
        }
        for key in keys {
            let title = match d.account(key) {
                Some(a) => match &a.id {
                    Some(id) => format!("{key} ({id})"),
                    None => key.to_owned(),
                },
                None => key.to_owned(),
            };
            out.push_str(&format!(
                "  subgraph {}[\"{}\"]\n",
                account_id(key),
                label(&title)
            ));
            if let Some((roles, providers)) = by_account.get(key) {
                for r in roles {
                    let name = if r.path == "/" {
                        r.name.clone()
                    } else {
                        format!("{}{}", r.path, r.name)
                    };
                    out.push_str(&format!(
                        "    {}[\"{}\"]\n",
                        role_id(&r.key),
                        label(&format!("role {name}"))
                    ));
                }
                for p in providers {
                    out.push_str(&format!(
                        "    {}{{{{\"{}\"}}}}\n",
                        oidc_id(&p.key),
                        label(&format!("OIDC {}", p.host_path()))
                    ));
                }
            }
            out.push_str("  end\n");
        }
        for (id, text) in &self.external {
            out.push_str(&format!("  {id}([\"{}\"])\n", label(text)));
        }
        let mut seen = Vec::new();
        self.edges.retain(|e| {
            if seen.contains(e) {
                false
            } else {
                seen.push(e.clone());
                true
            }
        });
        for (from, to, text, dotted) in &self.edges {
            let arrow = if *dotted { "-.->" } else { "-->" };
            if text.is_empty() {
                out.push_str(&format!("  {from} {arrow} {to}\n"));
            } else {
                out.push_str(&format!("  {from} {arrow}|\"{}\"| {to}\n", label(text)));
            }
        }
        out
    }
}
