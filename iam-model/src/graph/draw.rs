//! The trust graph as text diagrams: Mermaid (for READMEs) and Graphviz DOT. Roles are
//! grouped by account; edges carry their action and conditions; an edge a `Deny` removes is
//! drawn crossed out, and `Deny` statements that only apply under conditions are written on
//! the edge as "unless".

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Edge, Node, TrustGraph};
use crate::eval::Residual;

/// One condition test, as an edge label shows it.
fn test_label(r: &Residual) -> String {
    format!("{} {} {}", r.key, r.operator, r.values.join(" | "))
}

impl TrustGraph {
    /// The lines an edge's label is made of: the action, its conditions, its "unless" tests.
    pub fn edge_lines(&self, e: &Edge) -> Vec<String> {
        let action = e.action.strip_prefix("sts:").unwrap_or(&e.action);
        let mut lines = vec![if e.denied {
            format!("{action} denied")
        } else {
            action.to_owned()
        }];
        lines.extend(e.conditions.iter().map(test_label));
        for u in &e.unless {
            let tests: Vec<String> = u.iter().map(test_label).collect();
            lines.push(format!("unless {}", tests.join(" and ")));
        }
        lines
    }

    /// Roles grouped by account id, in order of first appearance.
    fn by_account(&self) -> Vec<(String, Vec<usize>)> {
        let mut order: Vec<String> = Vec::new();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.roles.iter().enumerate() {
            if !groups.contains_key(&r.account_id) {
                order.push(r.account_id.clone());
            }
            groups.entry(r.account_id.clone()).or_default().push(i);
        }
        order
            .into_iter()
            .map(|a| {
                let members = groups.remove(&a).unwrap_or_default();
                (a, members)
            })
            .collect()
    }

    /// A short label for a role node: `blueprint: /path/name`.
    fn role_label(&self, i: usize) -> String {
        let r = &self.roles[i];
        format!("{}: role {}", r.blueprint, r.path_name)
    }

    /// The graph as a Mermaid `flowchart LR`.
    pub fn mermaid(&self) -> String {
        // Mermaid entity codes: a quote or a pipe would end the label early.
        let esc = |s: &str| s.replace('"', "#quot;").replace('|', "#124;");
        let mut out = String::from("flowchart LR\n");
        for (ai, (account, members)) in self.by_account().iter().enumerate() {
            let _ = writeln!(out, "  subgraph a{ai}[\"account {}\"]", esc(account));
            for i in members {
                let _ = writeln!(out, "    n{i}[\"{}\"]", esc(&self.role_label(*i)));
            }
            out.push_str("  end\n");
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let label = esc(&self.label(i));
            match n {
                Node::Role(_) => {}
                Node::Oidc { .. } | Node::Saml { .. } => {
                    let _ = writeln!(out, "  n{i}{{{{\"{label}\"}}}}");
                }
                Node::OutsideRoles { .. } => {
                    let _ = writeln!(out, "  n{i}[/\"{label}\"/]");
                }
                _ => {
                    let _ = writeln!(out, "  n{i}([\"{label}\"])");
                }
            }
        }
        for e in &self.edges {
            let label = esc(&self.edge_lines(e).join("<br/>"));
            let arrow = if e.denied { "--x" } else { "-->" };
            let _ = writeln!(out, "  n{} {arrow}|\"{label}\"| n{}", e.from, e.to);
        }
        out
    }

    /// The graph in Graphviz DOT.
    pub fn dot(&self) -> String {
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = String::from(
            "digraph trust {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        );
        for (ai, (account, members)) in self.by_account().iter().enumerate() {
            let _ = writeln!(
                out,
                "  subgraph cluster_{ai} {{\n    label=\"account {}\";",
                esc(account)
            );
            for i in members {
                let _ = writeln!(out, "    n{i} [label=\"{}\"];", esc(&self.role_label(*i)));
            }
            out.push_str("  }\n");
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let shape = match n {
                Node::Role(_) => continue,
                Node::Oidc { .. } | Node::Saml { .. } => "hexagon",
                Node::OutsideRoles { .. } => "parallelogram",
                _ => "ellipse",
            };
            let _ = writeln!(
                out,
                "  n{i} [label=\"{}\", shape={shape}];",
                esc(&self.label(i))
            );
        }
        for e in &self.edges {
            let lines: Vec<String> = self.edge_lines(e).iter().map(|l| esc(l)).collect();
            let label = lines.join("\\n");
            let style = if e.denied {
                ", style=dashed, color=red, arrowhead=tee"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  n{} -> n{} [label=\"{label}\"{style}];",
                e.from, e.to
            );
        }
        out.push_str("}\n");
        out
    }
}
