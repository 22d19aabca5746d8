//! Your own security invariants, as code: a landing zone built from inputs in Rust, its trust
//! graph, and the properties a reviewer wants to hold — stated with the builder
//! (`graph.invariant(…)?.directly().reaches_only(…)`) and, in the tests at the bottom, with
//! `assert_only_reaches!`. `main` prints who can reach AdministratorAccess in prod and checks
//! the invariants; it exits non-zero when one fails.
//!
//! ```sh
//! cargo run -p examples --example reachability
//! cargo test -p examples --example reachability
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use blueprint_landing_zone::{build, EnvironmentRole, GithubTrust, LandingZoneInputs};
use iam_model::deployment::Deployment;
use iam_model::graph::{InvariantError, Selector, TrustGraph};

/// The landing zone under review: GitHub Actions on `main` of one repository, a production
/// state role that needs an external id and reaches one account.
fn landing_zone() -> Result<Deployment, Box<dyn std::error::Error>> {
    let mut inputs = LandingZoneInputs::new("123456789012", "acme");
    inputs.member_account_ids = vec!["210987654321".into()];
    inputs.github = Some(GithubTrust {
        repositories: vec!["acme/landing-zone".into()],
        branches: vec!["main".into()],
        ..GithubTrust::default()
    });
    inputs.environments = BTreeMap::from([(
        "prd".to_owned(),
        EnvironmentRole {
            external_id: Some("123Prod456".into()),
            account_ids: vec!["210987654321".into()],
            state_prefixes: vec!["production".into()],
            read_state_prefixes: None,
            trust_sid: None,
            organizations: false,
        },
    )]);
    Ok(build(&inputs)?)
}

/// The properties the review asks for.
fn invariants(graph: &TrustGraph) -> Result<(), InvariantError> {
    // Pipelines enter through the OIDC role, which may assume only the Terraform roles.
    graph
        .invariant(Selector::role("foundation-oidc"))?
        .directly()
        .reaches_only(&["arn:aws:iam::*:role/foundation-tf-*"])?;
    // Only the one repository's `main` branch gets a token the OIDC role accepts, and no
    // other outside principal reaches it.
    graph
        .invariant(Selector::Oidc("token.actions.githubusercontent.com".into()))?
        .directly()
        .reaches_only(&["arn:aws:iam::123456789012:role/foundation-oidc"])?;
    // The production state role reaches into the production account only.
    graph
        .invariant(Selector::role("foundation-tf-prdstate"))?
        .directly()
        .reaches_only(&["arn:aws:iam::210987654321:role/*"])?;
    Ok(())
}

fn main() -> ExitCode {
    let deployment = match landing_zone() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let graph = TrustGraph::of(&[deployment]);
    let answer = graph.who_can("iam:CreateUser", "arn:aws:iam::210987654321:user/anyone");
    println!(
        "who can administer prod (210987654321): {} path(s)",
        answer.paths.len()
    );
    for (path, _) in &answer.paths {
        let names: Vec<String> = path.nodes(&graph).iter().map(|n| graph.label(*n)).collect();
        println!("  {}", names.join(" -> "));
    }
    match invariants(&graph) {
        Ok(()) => {
            println!("every invariant holds");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "invariant broken: {e}\n  help: {}",
                iam_model::graph::help(&e)
            );
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    #[test]
    fn the_invariants_hold() {
        let graph = TrustGraph::of(&[landing_zone().unwrap()]);
        invariants(&graph).unwrap();
        iam_model::assert_only_reaches!(
            graph,
            "foundation-oidc",
            ["arn:aws:iam::*:role/foundation-tf-*"]
        );
    }

    #[test]
    #[should_panic(expected = "`arn:aws:iam::210987654321:role/foundation-deploy` via")]
    fn a_broken_invariant_names_the_path() {
        let graph = TrustGraph::of(&[landing_zone().unwrap()]);
        // The state role reaches the deploy role of prod: not only Terraform state roles.
        iam_model::assert_only_reaches!(
            graph,
            "foundation-tf-prdstate",
            ["arn:aws:iam::*:role/foundation-tf-*"]
        );
    }
}
