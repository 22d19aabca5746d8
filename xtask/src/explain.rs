//! `cargo xtask explain ROLE ACTION RESOURCE [--context KEY=VALUE]… [--caller PRINCIPAL]`:
//! one request, evaluated exactly — allowed or denied, and every statement that matched, with
//! its policy and JSON path.
//!
//! Without `--caller` the request is the role's own (its identity policies decide); with
//! `--caller` it is a principal assuming the role (its trust policy decides; the action is
//! then an `sts:AssumeRole*` action and RESOURCE may be `-` for the role's ARN).
//!
//! Exit status: 0 allowed; 3 denied; 1 a config error; 2 a usage problem.

use iam_model::eval::{evaluate, Decision, Request, RequestPrincipal};
use iam_model::graph::{PolicySource, TrustGraph};
use iam_model::PolicyDocument;
use serde_json::json;

use crate::graph::{Failure, Inputs};
use crate::who_can::check_action;

/// Flags of `cargo xtask explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The role: its key, `blueprint/key` or ARN.
    #[arg(value_name = "ROLE")]
    role: String,
    /// The action.
    #[arg(value_name = "ACTION")]
    action: String,
    /// The resource ARN; `-` for the role's own ARN.
    #[arg(value_name = "RESOURCE", default_value = "-")]
    resource: String,
    /// A request context key and value (repeatable; repeat a key for several values).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Evaluate the role's trust policy for this caller instead: an ARN, an account id,
    /// `service:NAME` or `federated:PROVIDER`.
    #[arg(long, value_name = "PRINCIPAL")]
    caller: Option<String>,
    #[command(flatten)]
    inputs: Inputs,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand.
pub(crate) fn run(args: &Args, registry: &blueprints::Registry) -> anyhow::Result<()> {
    check_action(&args.action).unwrap_or_else(|f| f.exit());
    let graph = args.inputs.graph(registry).unwrap_or_else(|f| f.exit());
    let (text, allowed) = explain(&graph, args).unwrap_or_else(|f| f.exit());
    print!("{text}");
    if !allowed {
        std::process::exit(3);
    }
    Ok(())
}

fn explain(graph: &TrustGraph, args: &Args) -> Result<(String, bool), Failure> {
    let Some(ri) = graph.find_role(&args.role) else {
        let names: Vec<String> = graph
            .roles
            .iter()
            .map(|r| format!("{}/{}", r.blueprint, r.key))
            .collect();
        let hint = iam_model::suggest::nearest(&args.role, names.iter().map(String::as_str), 1)
            .first()
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Failure::Usage(format!(
            "no role `{}` in the loaded blueprints{hint} (name a role by key, `blueprint/key` or ARN)",
            args.role
        )));
    };
    let role = &graph.roles[ri];
    let resource = if args.resource == "-" {
        role.arn.clone()
    } else {
        args.resource.clone()
    };
    let mut request = Request::new(&args.action, &resource);
    let mut by_key: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for c in &args.context {
        let Some((k, v)) = c.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(Failure::Usage(format!(
                "`--context {c}`: expected KEY=VALUE, e.g. `--context sts:ExternalId=abc`"
            )));
        };
        by_key.entry(k.to_owned()).or_default().push(v.to_owned());
    }
    let (docs, sources): (Vec<&PolicyDocument>, Vec<PolicySource>) = match &args.caller {
        Some(caller) => {
            let principal = parse_caller(caller)?;
            if let RequestPrincipal::Aws(arn) = &principal {
                if arn.starts_with("arn:") {
                    by_key
                        .entry("aws:PrincipalArn".to_owned())
                        .or_insert_with(|| vec![arn.clone()]);
                }
            }
            request = request.principal(principal);
            (vec![&role.trust], vec![PolicySource::Trust])
        }
        None => {
            by_key
                .entry("aws:PrincipalArn".to_owned())
                .or_insert_with(|| vec![role.arn.clone()]);
            by_key
                .entry("aws:PrincipalAccount".to_owned())
                .or_insert_with(|| vec![role.account_id.clone()]);
            (
                role.identity.iter().map(|p| &p.document).collect(),
                role.identity.iter().map(|p| p.source.clone()).collect(),
            )
        }
    };
    for (k, v) in by_key {
        request = request.with(k, v);
    }
    let eval = evaluate(&docs, &request);
    let decision = match eval.decision {
        Decision::Allow => "allowed",
        Decision::ExplicitDeny => "denied (explicit deny)",
        Decision::ImplicitDeny => "denied (no statement allows it)",
    };
    let side = if args.caller.is_some() {
        "trust policy"
    } else {
        "identity policies"
    };
    // (effect, policy, JSON path, Sid) of every statement that matched.
    let statements: Vec<(String, String, String, Option<String>)> = eval
        .matched
        .iter()
        .map(|(pi, si)| {
            let st = &docs[*pi].statements[*si];
            (
                st.effect.as_str().to_owned(),
                sources[*pi].to_string(),
                format!("/Statement/{si}"),
                st.sid.clone(),
            )
        })
        .collect();
    let allowed = eval.is_allowed();
    if args.json {
        let v = json!({
            "role": role.arn,
            "action": args.action,
            "resource": resource,
            "caller": args.caller,
            "evaluated": side,
            "decision": match eval.decision {
                Decision::Allow => "Allow",
                Decision::ExplicitDeny => "ExplicitDeny",
                Decision::ImplicitDeny => "ImplicitDeny",
            },
            "statements": statements.iter().map(|(e, p, path, sid)| json!({"effect": e, "policy": p, "path": path, "sid": sid})).collect::<Vec<_>>(),
            "not_modelled": if args.caller.is_some() { Vec::new() } else { role.unmodelled.clone() },
        });
        let text = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
        return Ok((text, allowed));
    }
    let mut out = format!(
        "{decision}: `{}` on `{resource}` by {}{} ({side} of {} role `{}`)\n",
        args.action,
        args.caller.as_deref().map_or_else(
            || format!("role {}", role.arn),
            |c| format!("{c} assuming ")
        ),
        if args.caller.is_some() {
            role.arn.as_str()
        } else {
            ""
        },
        role.blueprint,
        role.key
    );
    if statements.is_empty() {
        out.push_str("  no statement matched\n");
    }
    for (effect, policy, path, sid) in &statements {
        let sid = sid
            .as_ref()
            .map(|s| format!(" (Sid `{s}`)"))
            .unwrap_or_default();
        out.push_str(&format!("  {effect:<5} {policy} {path}{sid}\n"));
    }
    if args.caller.is_none() && !allowed {
        for arn in &role.unmodelled {
            out.push_str(&format!(
                "  note: `{arn}` is attached but not modelled; it may allow the request\n"
            ));
        }
    }
    Ok((out, allowed))
}

fn parse_caller(c: &str) -> Result<RequestPrincipal, Failure> {
    if let Some(s) = c.strip_prefix("service:") {
        return Ok(RequestPrincipal::Service(s.to_owned()));
    }
    if let Some(f) = c.strip_prefix("federated:") {
        return Ok(RequestPrincipal::Federated(f.to_owned()));
    }
    if c.starts_with("arn:") {
        return Ok(RequestPrincipal::Aws(c.to_owned()));
    }
    if c.len() == 12 && c.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(RequestPrincipal::Aws(format!("arn:aws:iam::{c}:root")));
    }
    Err(Failure::Usage(format!(
        "`--caller {c}` is not a principal; give an ARN, a 12-digit account id, `service:NAME` or `federated:PROVIDER`"
    )))
}
