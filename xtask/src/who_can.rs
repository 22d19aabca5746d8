//! `cargo xtask who-can ACTION RESOURCE`: every path from a principal outside the deployments
//! (an OIDC subject, a SAML provider, an account, a third party, a service) into a role that
//! may perform ACTION on RESOURCE, with the conditions along each path. Human or JSON output.
//!
//! Exit status: 0 answered (whether or not anyone can); 1 a config error; 2 a usage problem.

use iam_model::eval::Residual;
use iam_model::graph::{StatementRef, TrustGraph, WhoCan};
use serde_json::{json, Value};

use crate::graph::{Failure, Inputs};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
}

/// Flags of `cargo xtask who-can`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The action, e.g. `iam:CreateUser` or `sts:AssumeRole`.
    #[arg(value_name = "ACTION")]
    action: String,
    /// The resource ARN (`*` for actions without one), e.g. `arn:aws:iam::210987654321:user/x`.
    #[arg(value_name = "RESOURCE")]
    resource: String,
    #[command(flatten)]
    inputs: Inputs,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Runs the subcommand.
pub(crate) fn run(args: &Args, registry: &blueprints::Registry) -> anyhow::Result<()> {
    check_action(&args.action).unwrap_or_else(|f| f.exit());
    let graph = args.inputs.graph(registry).unwrap_or_else(|f| f.exit());
    let answer = graph.who_can(&args.action, &args.resource);
    match args.format {
        Format::Human => print!("{}", human(&graph, &answer)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&to_json(&graph, &answer))?
        ),
    }
    Ok(())
}

/// An action must be `service:Name` (wildcards allowed).
pub(crate) fn check_action(action: &str) -> Result<(), Failure> {
    let ok = action == "*"
        || action.split_once(':').is_some_and(|(s, n)| {
            !s.is_empty()
                && !n.is_empty()
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "`{action}` is not an action; write `service:Action`, e.g. `sts:AssumeRole`"
        )))
    }
}

/// One condition test, for people.
pub(crate) fn test(r: &Residual) -> String {
    format!("{} {} {}", r.key, r.operator, r.values.join(" | "))
}

fn hop_text(graph: &TrustGraph, e: usize) -> String {
    let edge = &graph.edges[e];
    let lines = graph.edge_lines(edge);
    let (action, conditions) = lines
        .split_first()
        .map_or(("", &[][..]), |(a, c)| (a.as_str(), c));
    let when = if conditions.is_empty() {
        String::new()
    } else {
        format!(" when {}", conditions.join("; "))
    };
    format!("  --{action}-->{when}\n    {}\n", graph.label(edge.to))
}

/// The answer as text.
pub(crate) fn human(graph: &TrustGraph, a: &WhoCan) -> String {
    let mut out = format!(
        "who can `{}` on `{}`: {} role(s), {} path(s) from outside\n",
        a.action,
        a.resource,
        a.grants.len(),
        a.paths.len()
    );
    for (gi, g) in a.grants.iter().enumerate() {
        let role = &graph.roles[g.role];
        out.push_str(&format!(
            "\nrole {} ({} `{}`)\n",
            role.arn, role.blueprint, role.key
        ));
        for b in &g.because {
            out.push_str(&format!("  allowed by {}\n", graph.locate(b)));
        }
        if !g.conditions.is_empty() {
            let c: Vec<String> = g.conditions.iter().map(test).collect();
            out.push_str(&format!("  when {}\n", c.join("; ")));
        }
        let paths: Vec<_> = a.paths.iter().filter(|(_, i)| *i == gi).collect();
        if paths.is_empty() {
            out.push_str("  no path from outside the deployments reaches it\n");
        }
        for (n, (p, _)) in paths.iter().enumerate() {
            out.push_str(&format!(
                "  path {}: {}\n",
                n + 1,
                graph.label(p.start(graph))
            ));
            for e in &p.edges {
                for line in hop_text(graph, *e).lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
    }
    if !a.unmodelled.is_empty() {
        out.push_str("\nnot modelled (rolewright cannot see what these allow):\n");
        for (r, arn) in &a.unmodelled {
            out.push_str(&format!("  {arn} attached to {}\n", graph.roles[*r].arn));
        }
    }
    out
}

fn statement_json(graph: &TrustGraph, s: &StatementRef) -> Value {
    let role = &graph.roles[s.role];
    json!({
        "blueprint": role.blueprint,
        "role": role.key,
        "policy": s.source.to_string(),
        "path": s.path,
        "sid": s.sid,
        "effect": s.effect.as_str(),
    })
}

fn tests_json(tests: &[Residual]) -> Value {
    Value::Array(
        tests
            .iter()
            .map(|r| {
                json!({
                    "key": r.key,
                    "operator": r.operator.to_string(),
                    "values": r.values,
                })
            })
            .collect(),
    )
}

/// The answer as JSON.
pub(crate) fn to_json(graph: &TrustGraph, a: &WhoCan) -> Value {
    let roles: Vec<Value> = a
        .grants
        .iter()
        .map(|g| {
            let r = &graph.roles[g.role];
            json!({
                "arn": r.arn,
                "blueprint": r.blueprint,
                "key": r.key,
                "conditions": tests_json(&g.conditions),
                "allowed_by": g.because.iter().map(|b| statement_json(graph, b)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let paths: Vec<Value> = a
        .paths
        .iter()
        .map(|(p, gi)| {
            let hops: Vec<Value> = p
                .edges
                .iter()
                .map(|e| {
                    let edge = &graph.edges[*e];
                    json!({
                        "action": edge.action,
                        "to": graph.label(edge.to),
                        "conditions": tests_json(&edge.conditions),
                        "unless": edge.unless.iter().map(|u| tests_json(u)).collect::<Vec<_>>(),
                        "because": edge.because.iter().map(|b| statement_json(graph, b)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "from": graph.label(p.start(graph)),
                "role": graph.roles[a.grants[*gi].role].arn,
                "hops": hops,
            })
        })
        .collect();
    json!({
        "action": a.action,
        "resource": a.resource,
        "roles": roles,
        "paths": paths,
        "not_modelled": a.unmodelled.iter().map(|(r, arn)| json!({"role": graph.roles[*r].arn, "policy": arn})).collect::<Vec<_>>(),
    })
}
