//! Security invariants over the trust graph, for tests: "this role reaches only these
//! roles", "no third party reaches a role without an external id".
//!
//! ```
//! # use iam_model::graph::{Selector, TrustGraph};
//! # fn check(graph: &TrustGraph) -> Result<(), iam_model::graph::InvariantError> {
//! graph
//!     .invariant(Selector::role("foundation-oidc"))?
//!     .directly()
//!     .reaches_only(&["arn:aws:iam::*:role/foundation-tf-*"])?;
//! graph
//!     .invariant(Selector::ThirdParties)?
//!     .requires("sts:ExternalId")?;
//! # Ok(()) }
//! ```
//!
//! [`assert_only_reaches!`](crate::assert_only_reaches) wraps the first form for a test.

use std::collections::BTreeSet;

use super::{Node, TrustGraph};
use crate::action::glob_match;
use crate::condition::BaseOperator;

/// Which nodes an invariant is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The roles of the deployments with this key, `blueprint/key`, ARN or role name.
    Role(String),
    /// Every role of the deployments whose ARN matches the pattern.
    Roles(String),
    /// Every principal outside the deployments' accounts (third parties).
    ThirdParties,
    /// The OIDC providers whose ARN or host contains the text.
    Oidc(String),
    /// Every node paths start from.
    Outside,
}

impl Selector {
    /// A role by key, `blueprint/key` or ARN.
    pub fn role(name: impl Into<String>) -> Self {
        Selector::Role(name.into())
    }
}

/// An invariant that does not hold, or names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum InvariantError {
    /// The selector names no node of the graph.
    #[error("`{selector}` names nothing in the trust graph")]
    #[diagnostic(
        code(rolewright::graph::unknown),
        help("roles are named by key, `blueprint/key` or ARN; known roles: {known}")
    )]
    NothingSelected {
        /// The selector, as written.
        selector: String,
        /// The roles of the graph.
        known: String,
    },
    /// Some node is reached that the invariant forbids.
    #[error("{from} reaches {count} node(s) it must not: {reached}")]
    #[diagnostic(
        code(rolewright::graph::reaches),
        help("each path is listed with its conditions; tighten the identity or trust policy that allows the first forbidden hop")
    )]
    Reaches {
        /// What the invariant is about.
        from: String,
        /// How many forbidden nodes.
        count: usize,
        /// The forbidden nodes with the paths to them.
        reached: String,
    },
    /// An edge lacks a required condition.
    #[error("{from} can assume {to} without a `{key}` condition")]
    #[diagnostic(
        code(rolewright::graph::condition),
        help("require the key in the trust policy statement that admits it: {because}")
    )]
    MissingCondition {
        /// The caller.
        from: String,
        /// The role.
        to: String,
        /// The condition key required.
        key: String,
        /// The statements that admit the caller.
        because: String,
    },
}

/// An invariant being stated: the nodes it is about and how far they reach.
#[derive(Debug, Clone)]
pub struct Invariant<'g> {
    graph: &'g TrustGraph,
    from: Vec<usize>,
    what: String,
    direct: bool,
}

impl TrustGraph {
    /// Starts an invariant about the nodes `selector` names; an error when it names none.
    pub fn invariant(&self, selector: Selector) -> Result<Invariant<'_>, InvariantError> {
        let from: Vec<usize> = (0..self.nodes.len())
            .filter(|i| self.selects(&selector, *i))
            .collect();
        if from.is_empty() {
            let known: Vec<String> = self
                .roles
                .iter()
                .map(|r| format!("`{}/{}`", r.blueprint, r.key))
                .collect();
            return Err(InvariantError::NothingSelected {
                selector: format!("{selector:?}"),
                known: known.join(", "),
            });
        }
        let what = from
            .iter()
            .map(|i| self.label(*i))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Invariant {
            graph: self,
            from,
            what,
            direct: false,
        })
    }

    fn selects(&self, s: &Selector, node: usize) -> bool {
        let n = &self.nodes[node];
        match (s, n) {
            (Selector::Role(name), Node::Role(i)) => self.roles[*i].is_named(name),
            (Selector::Roles(p), Node::Role(i)) => glob_match(p, &self.roles[*i].arn),
            (Selector::ThirdParties, n) => n.is_third_party(),
            (Selector::Oidc(t), Node::Oidc { provider, host, .. }) => {
                provider.contains(t.as_str()) || host.contains(t.as_str())
            }
            (Selector::Outside, n) => n.is_source(),
            _ => false,
        }
    }

    /// The name a node is matched by in [`Invariant::reaches_only`]: a role's ARN, the
    /// pattern of outside roles, else its label.
    pub fn node_name(&self, node: usize) -> String {
        match &self.nodes[node] {
            Node::Role(i) => self.roles[*i].arn.clone(),
            Node::OutsideRoles { pattern } => pattern.clone(),
            _ => self.label(node),
        }
    }
}

impl Invariant<'_> {
    /// Only the roles the nodes assume themselves, not those reached through them.
    pub fn directly(mut self) -> Self {
        self.direct = true;
        self
    }

    /// `(start, reached node, path description)` of everything the nodes reach.
    fn reached(&self) -> Vec<(usize, usize, String)> {
        let g = self.graph;
        let mut out = Vec::new();
        for &start in &self.from {
            for p in g.paths_from(start) {
                if self.direct && p.edges.len() > 1 {
                    continue;
                }
                let hops: Vec<String> = p
                    .edges
                    .iter()
                    .map(|e| {
                        let edge = &g.edges[*e];
                        let lines = g.edge_lines(edge);
                        format!("-[{}]-> {}", lines.join("; "), g.label(edge.to))
                    })
                    .collect();
                out.push((
                    start,
                    p.end(g),
                    format!("{} {}", g.label(start), hops.join(" ")),
                ));
            }
        }
        out
    }

    /// Every node reached (role ARN or outside-role pattern) is matched by one of `patterns`
    /// (`*` and `?` wildcards). An outside-role pattern must lie wholly inside one of them.
    pub fn reaches_only(&self, patterns: &[&str]) -> Result<(), InvariantError> {
        self.check(|name| patterns.iter().any(|p| glob_match(p, name)))
    }

    /// No node reached is matched by any of `patterns`.
    pub fn reaches_none_of(&self, patterns: &[&str]) -> Result<(), InvariantError> {
        self.check(|name| {
            !patterns
                .iter()
                .any(|p| glob_match(p, name) || glob_match(name, p))
        })
    }

    fn check(&self, allowed: impl Fn(&str) -> bool) -> Result<(), InvariantError> {
        let g = self.graph;
        let mut bad = BTreeSet::new();
        for (_, node, path) in self.reached() {
            if !allowed(&g.node_name(node)) {
                bad.insert((g.node_name(node), path));
            }
        }
        if bad.is_empty() {
            return Ok(());
        }
        let nodes: BTreeSet<&String> = bad.iter().map(|(n, _)| n).collect();
        let reached: Vec<String> = bad
            .iter()
            .map(|(n, p)| format!("\n  `{n}` via {p}"))
            .collect();
        Err(InvariantError::Reaches {
            from: self.what.clone(),
            count: nodes.len(),
            reached: reached.concat(),
        })
    }

    /// Every edge leaving the nodes requires `key` to equal (or be like) a value the policy
    /// fixes: "no third party assumes a role without its external id".
    pub fn requires(&self, key: &str) -> Result<(), InvariantError> {
        let g = self.graph;
        for e in g
            .edges
            .iter()
            .filter(|e| !e.denied && self.from.contains(&e.from))
        {
            let fixed = e.conditions.iter().any(|r| {
                r.key.eq_ignore_ascii_case(key)
                    && r.operator.qualifier.is_none()
                    && !r.operator.if_exists
                    && matches!(
                        r.operator.base,
                        BaseOperator::StringEquals | BaseOperator::StringLike
                    )
                    && !r.values.is_empty()
                    && r.values.iter().all(|v| v != "*")
            });
            if !fixed {
                let because: Vec<String> = e.because.iter().map(|b| g.locate(b)).collect();
                return Err(InvariantError::MissingCondition {
                    from: g.label(e.from),
                    to: g.label(e.to),
                    key: key.to_owned(),
                    because: because.join("; "),
                });
            }
        }
        Ok(())
    }

    /// The nodes the invariant is about reach at least one node matched by `pattern`; a guard
    /// against an invariant that holds because the graph lost its edges.
    pub fn reaches_some(&self, pattern: &str) -> Result<(), InvariantError> {
        let g = self.graph;
        if self
            .reached()
            .iter()
            .any(|(_, n, _)| glob_match(pattern, &g.node_name(*n)))
        {
            return Ok(());
        }
        Err(InvariantError::Reaches {
            from: self.what.clone(),
            count: 0,
            reached: format!("nothing matching `{pattern}` (expected at least one)"),
        })
    }
}

/// Asserts that a role (key, `blueprint/key`, ARN or name) reaches only roles matching the
/// patterns (an array or slice of `&str`), directly or (with `, transitively`) along any
/// path; panics with the forbidden paths otherwise.
///
/// ```
/// # use iam_model::graph::TrustGraph;
/// # fn t(graph: &TrustGraph) {
/// iam_model::assert_only_reaches!(graph, "foundation-oidc", ["arn:aws:iam::*:role/foundation-tf-*"]);
/// # }
/// ```
#[macro_export]
macro_rules! assert_only_reaches {
    ($graph:expr, $role:expr, $patterns:expr) => {
        $crate::assert_only_reaches!(@run $graph, $role, true, $patterns)
    };
    ($graph:expr, $role:expr, $patterns:expr, transitively) => {
        $crate::assert_only_reaches!(@run $graph, $role, false, $patterns)
    };
    (@run $graph:expr, $role:expr, $direct:expr, $patterns:expr) => {{
        let result = $graph
            .invariant($crate::graph::Selector::role($role))
            .and_then(|i| {
                let i = if $direct { i.directly() } else { i };
                i.reaches_only(&$patterns)
            });
        if let ::std::result::Result::Err(e) = result {
            ::std::panic!("{}\nhelp: {}", e, $crate::graph::help(&e));
        }
    }};
}

/// The help line of an invariant error (for the macro's panic message).
pub fn help(e: &InvariantError) -> String {
    miette::Diagnostic::help(e)
        .map(|h| h.to_string())
        .unwrap_or_default()
}
