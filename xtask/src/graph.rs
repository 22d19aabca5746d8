//! `cargo xtask graph`: the trust graph of one or more blueprints as Mermaid, Graphviz DOT or
//! SVG (laid out by `layout-rs`, a Graphviz-compatible layout engine). Also owns the
//! deployment loading that `who-can` and `explain` share: `--blueprint NAME` (repeatable;
//! every blueprint when none), `--config BLUEPRINT=FILE` (default: the blueprint's example).
//!
//! Exit status: 0 drawn; 1 a config error; 2 a usage problem.

use std::collections::BTreeMap;
use std::path::PathBuf;

use blueprint_kit::{Blueprint, ConfigSource};
use iam_model::deployment::Deployment;
use iam_model::graph::TrustGraph;

use crate::util::{display_relative, project_root};
use blueprints::Registry;

/// The deployments a graph is built from.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Inputs {
    /// A blueprint to include (repeatable); every registered blueprint when none is named.
    #[arg(long = "blueprint", value_name = "NAME")]
    blueprints: Vec<String>,
    /// The config file of a blueprint (repeatable), `BLUEPRINT=FILE`; default: its example
    /// config. Naming a blueprint here includes it.
    #[arg(long = "config", value_name = "BLUEPRINT=FILE")]
    configs: Vec<String>,
}

/// Why a command stopped.
pub(crate) enum Failure {
    /// A usage problem: exit status 2.
    Usage(String),
    /// A config or input error, already explained: exit status 1.
    Failed(String),
}

impl Failure {
    /// Prints the failure and exits with its status.
    pub(crate) fn exit(self) -> ! {
        match self {
            Failure::Usage(m) => {
                eprintln!("error: {m}");
                std::process::exit(2)
            }
            Failure::Failed(m) => {
                eprintln!("error: {m}");
                std::process::exit(1)
            }
        }
    }
}

fn unknown_blueprint(registry: &Registry, name: &str) -> Failure {
    let names: Vec<&str> = registry.all().iter().map(|b| b.name()).collect();
    let hint = match iam_model::suggest::nearest(name, names.iter().copied(), 1).first() {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    Failure::Usage(format!(
        "unknown blueprint `{name}`{hint} known: {}",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

impl Inputs {
    /// Loads and builds every selected blueprint.
    pub(crate) fn load(&self, registry: &Registry) -> Result<Vec<Deployment>, Failure> {
        let mut files: BTreeMap<&'static str, PathBuf> = BTreeMap::new();
        let mut selected: Vec<&'static dyn Blueprint> = Vec::new();
        for name in &self.blueprints {
            let bp = registry
                .find(name)
                .ok_or_else(|| unknown_blueprint(registry, name))?;
            if !selected.iter().any(|b| b.name() == bp.name()) {
                selected.push(bp);
            }
        }
        for c in &self.configs {
            let Some((name, file)) = c
                .split_once('=')
                .filter(|(n, f)| !n.is_empty() && !f.is_empty())
            else {
                return Err(Failure::Usage(format!(
                    "`--config {c}`: expected BLUEPRINT=FILE, e.g. `--config landing-zone=examples/landing-zone.yaml`"
                )));
            };
            let bp = registry
                .find(name)
                .ok_or_else(|| unknown_blueprint(registry, name))?;
            if files.insert(bp.name(), PathBuf::from(file)).is_some() {
                return Err(Failure::Usage(format!(
                    "`--config {c}`: blueprint `{name}` already has a config file"
                )));
            }
            if !selected.iter().any(|b| b.name() == bp.name()) {
                selected.push(bp);
            }
        }
        if selected.is_empty() {
            selected = registry.all().to_vec();
        }
        let mut out = Vec::new();
        let mut failed = Vec::new();
        for bp in selected {
            let path = match files.get(bp.name()) {
                Some(p) => p.clone(),
                None => {
                    blueprints::example_config_in(&project_root(), bp.name()).ok_or_else(|| {
                        Failure::Usage(format!(
                            "blueprint `{}` has no example config; pass `--config {0}=FILE`",
                            bp.name()
                        ))
                    })?
                }
            };
            let shown = display_relative(&std::path::absolute(&path).unwrap_or(path.clone()));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Failure::Usage(format!("cannot read config file `{shown}`: {e}")))?;
            match bp.build(&ConfigSource::new(shown.clone(), text)) {
                Ok(d) => out.push(d),
                Err(e) => {
                    eprintln!("{}", e.report(&shown));
                    failed.push(bp.name());
                }
            }
        }
        if !failed.is_empty() {
            return Err(Failure::Failed(format!(
                "config error in {}; no graph was built",
                failed.join(", ")
            )));
        }
        Ok(out)
    }

    /// Loads the deployments and builds their trust graph.
    pub(crate) fn graph(&self, registry: &Registry) -> Result<TrustGraph, Failure> {
        let deployments = self.load(registry)?;
        Ok(TrustGraph::of(&deployments))
    }
}

/// The drawing format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A Mermaid flowchart (what the blueprint READMEs embed).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, laid out from the DOT by `layout-rs`.
    Svg,
}

/// Flags of `cargo xtask graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// The drawing format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs the subcommand.
pub(crate) fn run(args: &Args, registry: &Registry) -> anyhow::Result<()> {
    let graph = args.inputs.graph(registry).unwrap_or_else(|f| f.exit());
    let text = match args.format {
        Format::Mermaid => graph.mermaid(),
        Format::Dot => graph.dot(),
        Format::Svg => svg(&graph.dot()).unwrap_or_else(|m| Failure::Failed(m).exit()),
    };
    match &args.out {
        None => print!("{text}"),
        Some(path) => {
            // A temporary file renamed into place: never a half-written drawing.
            let tmp = path.with_extension("tmp-rolewright");
            std::fs::write(&tmp, &text)
                .and_then(|()| std::fs::rename(&tmp, path))
                .unwrap_or_else(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    Failure::Usage(format!("cannot write `{}`: {e}", path.display())).exit()
                });
        }
    }
    Ok(())
}

/// Lays out a DOT graph with `layout-rs` and renders it as SVG.
pub(crate) fn svg(dot: &str) -> Result<String, String> {
    use layout::backends::svg::SVGWriter;
    use layout::gv::{DotParser, GraphBuilder};
    let mut parser = DotParser::new(dot);
    let ast = parser
        .process()
        .map_err(|e| format!("the DOT text does not parse for layout: {e}"))?;
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&ast);
    let mut visual = builder.get();
    let mut svg = SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    Ok(svg.finalize())
}
