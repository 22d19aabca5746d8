//! The registry: every blueprint, once. `cargo xtask render` and the workspace tests iterate
//! [`all`], so adding a blueprint is a new crate under `blueprints/` plus one line here.
//!
//! A [`Registry`] is the set a command line serves: [`Registry::builtin`] is [`all`], and a
//! team's own binary adds its blueprints with [`Registry::with`] before handing the registry
//! to `rolewright_cli::run`.

use std::path::{Path, PathBuf};

use blueprint_kit::{Blueprint, Registered};

/// `&'static dyn Blueprint`s of typed blueprints, each wrapped in a static [`Registered`], so
/// that a blueprint is one line of [`all`].
macro_rules! registered {
    ($($blueprint:ty),* $(,)?) => {
        vec![$({
            static BLUEPRINT: Registered<$blueprint> = Registered::new();
            &BLUEPRINT as &'static dyn Blueprint
        }),*]
    };
}

/// Every registered blueprint, in a stable order.
pub fn all() -> Vec<&'static dyn Blueprint> {
    registered![
        blueprint_aws_teams::AwsTeams,
        blueprint_inventory::Inventory,
        blueprint_landing_zone::LandingZone,
        blueprint_runtime_connector::RuntimeConnector,
        blueprint_tableflow::Tableflow,
    ]
}

/// The blueprint named `name`.
pub fn find(name: &str) -> Option<&'static dyn Blueprint> {
    all().into_iter().find(|b| b.name() == name)
}

/// The blueprints a command line serves, in the order they were added; names are unique.
#[derive(Clone, Default)]
pub struct Registry {
    blueprints: Vec<&'static dyn Blueprint>,
}

/// Two blueprints of a [`Registry`] with one name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("two blueprints are named `{0}`")]
pub struct DuplicateBlueprint(pub &'static str);

impl Registry {
    /// No blueprints.
    pub fn new() -> Self {
        Registry::default()
    }

    /// The blueprints of this repository ([`all`]).
    pub fn builtin() -> Self {
        Registry { blueprints: all() }
    }

    /// This registry and `blueprint`; an error when the name is taken (a custom blueprint
    /// does not silently shadow a built-in one).
    pub fn with(mut self, blueprint: &'static dyn Blueprint) -> Result<Self, DuplicateBlueprint> {
        if self.find(blueprint.name()).is_some() {
            return Err(DuplicateBlueprint(blueprint.name()));
        }
        self.blueprints.push(blueprint);
        Ok(self)
    }

    /// Every blueprint, in the order added.
    pub fn all(&self) -> &[&'static dyn Blueprint] {
        &self.blueprints
    }

    /// The blueprint named `name`.
    pub fn find(&self, name: &str) -> Option<&'static dyn Blueprint> {
        self.blueprints.iter().copied().find(|b| b.name() == name)
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.blueprints.iter().map(|b| b.name()))
            .finish()
    }
}

/// The example config of the blueprint `name` in the project whose root is `root`:
/// `<root>/examples/<name>.yaml`, `.yml` or `.json`, whichever exists.
pub fn example_config_in(root: &Path, name: &str) -> Option<PathBuf> {
    let dir = root.join("examples");
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
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
    example_config_in(examples_dir().parent().unwrap_or(Path::new(".")), name)
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
