//! The registry: every blueprint, once. `cargo xtask render` and the workspace tests iterate
//! [`all`], so adding a blueprint is a new crate under `blueprints/` plus one line here.

use std::path::{Path, PathBuf};

use blueprint_kit::{Blueprint, Registered};

static AWS_TEAMS: Registered<blueprint_aws_teams::AwsTeams> = Registered::new();
static INVENTORY: Registered<blueprint_inventory::Inventory> = Registered::new();
static LANDING_ZONE: Registered<blueprint_landing_zone::LandingZone> = Registered::new();
static RUNTIME_CONNECTOR: Registered<blueprint_runtime_connector::RuntimeConnector> =
    Registered::new();
static TABLEFLOW: Registered<blueprint_tableflow::Tableflow> = Registered::new();

/// Every registered blueprint, in a stable order.
pub fn all() -> Vec<&'static dyn Blueprint> {
    vec![
        &AWS_TEAMS,
        &INVENTORY,
        &LANDING_ZONE,
        &RUNTIME_CONNECTOR,
        &TABLEFLOW,
    ]
}

/// The blueprint named `name`.
pub fn find(name: &str) -> Option<&'static dyn Blueprint> {
    all().into_iter().find(|b| b.name() == name)
}

/// The project's `examples/` folder, where each blueprint has an example config (found from
/// this crate's place in the workspace, `blueprints/registry`).
pub fn examples_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .join("examples")
}

/// The example config of the blueprint `name`: `examples/<name>.yaml`, `.yml` or `.json`,
/// whichever exists.
pub fn example_config(name: &str) -> Option<PathBuf> {
    let dir = examples_dir();
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

/// The deployment the blueprint `name` builds from its example config, for tests and
/// examples; an error names the blueprint or the config problem.
pub fn example_deployment(name: &str) -> Result<iam_model::deployment::Deployment, String> {
    let bp = find(name).ok_or_else(|| format!("unknown blueprint `{name}`"))?;
    let path = example_config(name)
        .ok_or_else(|| format!("blueprint `{name}` has no example config in `examples/`"))?;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    bp.build(&blueprint_kit::ConfigSource::new(shown.clone(), text))
        .map_err(|e| e.report(&shown))
}

/// The trust graph of the blueprint `name` built from its example config.
pub fn example_trust_graph(name: &str) -> Result<iam_model::graph::TrustGraph, String> {
    Ok(iam_model::graph::TrustGraph::of(&[example_deployment(
        name,
    )?]))
}

/// Checks the `trust-graph` section of the README at `readme` against the Mermaid drawing of
/// the example's trust graph (`UPDATE_READMES=1` rewrites it; see
/// [`blueprint_kit::readme_section_check`]).
pub fn check_trust_graph_readme(name: &str, readme: &str) -> Result<(), String> {
    let graph = example_trust_graph(name)?;
    blueprint_kit::readme_section_check(
        readme,
        "trust-graph",
        &format!("```mermaid\n{}```", graph.mermaid()),
    )
}
