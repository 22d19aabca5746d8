//! Questions to the trust graph: the paths from outside principals into roles, what a node
//! reaches, and who can perform an action on a resource.

use std::collections::BTreeSet;

use super::solve;
use super::{StatementRef, TrustGraph};
use crate::arn::Arn;
use crate::eval::{evaluate_partial, Request, Residual};
use crate::policy::PolicyDocument;
use crate::statement::Effect;

/// The longest chain of role assumptions followed. IAM caps role chaining sessions at one
/// hour but not their length; real chains are two or three hops.
const MAX_HOPS: usize = 8;

/// A walk along the graph's edges: no node twice, conditions that can hold together.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Path {
    /// The edges, indices into [`TrustGraph::edges`], from the start.
    pub edges: Vec<usize>,
}

impl Path {
    /// The first node.
    pub fn start(&self, g: &TrustGraph) -> usize {
        self.edges.first().map_or(0, |e| g.edges[*e].from)
    }

    /// The last node.
    pub fn end(&self, g: &TrustGraph) -> usize {
        self.edges.last().map_or(0, |e| g.edges[*e].to)
    }

    /// The nodes along the path, start and end included.
    pub fn nodes(&self, g: &TrustGraph) -> Vec<usize> {
        let mut out = vec![self.start(g)];
        out.extend(self.edges.iter().map(|e| g.edges[*e].to));
        out
    }
}

/// A role whose identity policies allow the action on the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role (index into [`TrustGraph::roles`], which is also its node).
    pub role: usize,
    /// Condition tests the request must also meet.
    pub conditions: Vec<Residual>,
    /// The statements that allow it.
    pub because: Vec<StatementRef>,
}

/// The answer to "who can perform ACTION on RESOURCE?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoCan {
    /// The action asked about.
    pub action: String,
    /// The resource asked about.
    pub resource: String,
    /// Every role that may perform it.
    pub grants: Vec<Grant>,
    /// Every path from an outside principal to a granted role (with the index of its grant),
    /// whose conditions hold together with the grant's.
    pub paths: Vec<(Path, usize)>,
    /// `(role, policy ARN)` of policies attached to roles the answer cannot see into.
    pub unmodelled: Vec<(usize, String)>,
}

impl TrustGraph {
    /// The scoped condition tests of `edges` walked in order.
    fn scoped<'a>(&'a self, edges: &'a [usize]) -> impl Iterator<Item = (usize, &'a Residual)> {
        edges.iter().enumerate().flat_map(move |(hop, e)| {
            self.edges[*e]
                .conditions
                .iter()
                .map(move |r| (solve::scope(&r.key, hop), r))
        })
    }

    /// Whether the conditions along `edges` (and `extra` at the hop after them) can hold.
    fn holds_together(&self, edges: &[usize], extra: &[Residual]) -> bool {
        let hop = edges.len();
        solve::satisfiable(
            self.scoped(edges)
                .chain(extra.iter().map(|r| (solve::scope(&r.key, hop), r))),
        )
    }

    /// Every path starting at `start`, prefixes included, in a stable order.
    pub fn paths_from(&self, start: usize) -> Vec<Path> {
        let mut out = Vec::new();
        let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
        while let Some(edges) = stack.pop() {
            let here = edges.last().map_or(start, |e| self.edges[*e].to);
            if edges.len() >= MAX_HOPS {
                continue;
            }
            let visited: BTreeSet<usize> = std::iter::once(start)
                .chain(edges.iter().map(|e| self.edges[*e].to))
                .collect();
            for (i, e) in self.edges.iter().enumerate().rev() {
                if e.from != here || e.denied || visited.contains(&e.to) {
                    continue;
                }
                let mut next = edges.clone();
                next.push(i);
                if !self.holds_together(&next, &[]) {
                    continue;
                }
                out.push(Path {
                    edges: next.clone(),
                });
                stack.push(next);
            }
        }
        out.sort();
        out
    }

    /// Every path from every outside principal.
    pub fn paths(&self) -> Vec<Path> {
        (0..self.nodes.len())
            .filter(|n| self.nodes[*n].is_source())
            .flat_map(|n| self.paths_from(n))
            .collect()
    }

    /// Every node `start` reaches along a path (itself excluded).
    pub fn reachable_from(&self, start: usize) -> BTreeSet<usize> {
        self.paths_from(start).iter().map(|p| p.end(self)).collect()
    }

    /// Who can perform `action` on `resource`: the roles whose identity policies allow it and
    /// every path into them. `sts:AssumeRole` on a role of the deployments is answered by the
    /// paths into that role.
    ///
    /// A role is considered for resources in its own account only (or without an account):
    /// reaching into another account takes a resource policy there, which the deployments do
    /// not hold.
    pub fn who_can(&self, action: &str, resource: &str) -> WhoCan {
        let mut grants = Vec::new();
        let assume = assume_action(action);
        let target_role = self.roles.iter().position(|r| r.arn == resource);
        match target_role {
            Some(role) if assume => grants.push(Grant {
                role,
                conditions: Vec::new(),
                because: Vec::new(),
            }),
            _ => {
                grants.extend(
                    (0..self.roles.len()).filter_map(|ri| self.grant(ri, action, resource)),
                );
            }
        }
        let mut paths = Vec::new();
        for start in (0..self.nodes.len()).filter(|n| self.nodes[*n].is_source()) {
            for p in self.paths_from(start) {
                let end = p.end(self);
                for (gi, g) in grants.iter().enumerate() {
                    if g.role == end && self.holds_together(&p.edges, &g.conditions) {
                        paths.push((p.clone(), gi));
                    }
                }
            }
        }
        let granted: BTreeSet<usize> = grants.iter().map(|g| g.role).collect();
        let unmodelled = self
            .roles
            .iter()
            .enumerate()
            .filter(|(i, _)| !granted.contains(i))
            .filter(|(_, r)| in_account(resource, &r.account_id))
            .flat_map(|(i, r)| r.unmodelled.iter().map(move |a| (i, a.clone())))
            .collect();
        WhoCan {
            action: action.to_owned(),
            resource: resource.to_owned(),
            grants,
            paths,
            unmodelled,
        }
    }

    /// Whether role `ri`'s identity policies allow `action` on `resource`.
    fn grant(&self, ri: usize, action: &str, resource: &str) -> Option<Grant> {
        let role = &self.roles[ri];
        // Assuming a role in another account is decided by that role's trust policy, not by
        // a resource policy the deployments lack.
        if !assume_action(action) && !in_account(resource, &role.account_id) {
            return None;
        }
        let docs: Vec<&PolicyDocument> = role.identity.iter().map(|p| &p.document).collect();
        let request = Request::new(action, resource)
            .with("aws:PrincipalArn", [role.arn.as_str()])
            .with("aws:PrincipalAccount", [role.account_id.as_str()])
            .with("aws:PrincipalType", ["AssumedRole"]);
        let matches = evaluate_partial(&docs, &request);
        if matches
            .iter()
            .any(|m| m.effect == Effect::Deny && m.open.is_empty())
        {
            return None;
        }
        let best = matches
            .iter()
            .filter(|m| m.effect == Effect::Allow)
            .min_by_key(|m| m.open.len())?;
        let mut conditions = best.open.clone();
        let mut because =
            vec![self.statement_ref(ri, &role.identity[best.statement.0].source, best)];
        for d in matches.iter().filter(|m| m.effect == Effect::Deny) {
            if let Some(n) = solve::negate(&d.open) {
                conditions.push(n);
            }
            because.push(self.statement_ref(ri, &role.identity[d.statement.0].source, d));
        }
        Some(Grant {
            role: ri,
            conditions,
            because,
        })
    }
}

fn assume_action(action: &str) -> bool {
    action.to_ascii_lowercase().starts_with("sts:assumerole")
}

/// Whether `resource` can be in the account `account`: it names that account, no account
/// (`arn:aws:s3:::bucket`), a wildcard, or is not an ARN; or the account id is not known
/// (`{key}`).
fn in_account(resource: &str, account: &str) -> bool {
    if account.starts_with('{') {
        return true;
    }
    match Arn::parse(resource) {
        Ok(a) => {
            let acct = a.account();
            acct.is_empty() || acct.contains(['*', '?']) || acct == account
        }
        Err(_) => true,
    }
}
