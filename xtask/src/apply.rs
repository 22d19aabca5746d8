//! `cargo xtask plan | apply | destroy`: hands over to the apply engine, `rolewright-apply`.
//!
//! The engine depends on the AWS SDK (`aws-sdk-iam` alone is a minute of single-core codegen),
//! so it is its own crate outside the workspace's default members, and this binary never links
//! it: `cargo xtask render` and every other subcommand stay quick to build. These three
//! subcommands run `cargo run -q -p rolewright-apply -- <command> <args>` instead, which builds
//! the engine on first use and reuses it afterwards. It is a debug build on purpose: it shares
//! its artifacts with `cargo test --workspace`, and a release build of the SDK costs several
//! times the compile time for a program that mostly waits on the network (measurements in
//! `xtask/apply/README.md`). Every flag goes through unchanged; see
//! `cargo xtask apply --help`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use anyhow::Context as _;

use crate::util::project_root;

/// Flags of `cargo xtask plan | apply | destroy`, passed to the engine as they are.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// `BLUEPRINT [--config FILE] [--format human|json] [--adopt] [--auto-approve]
    /// [--endpoint-url URL] [--account-role KEY_OR_ID=ROLE_ARN]... [--external NAME=VALUE]...`;
    /// `--help` for all.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
    args: Vec<OsString>,
}

/// The engine's binary, as Cargo builds it for the dev profile.
fn engine_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    let target = if target.is_relative() {
        project_root().join(target)
    } else {
        target
    };
    target
        .join("debug")
        .join(format!("rolewright-apply{}", std::env::consts::EXE_SUFFIX))
}

/// Runs `command` (`plan`, `apply` or `destroy`) in the engine and exits with its status.
pub(crate) fn run(command: &str, args: &Args) -> anyhow::Result<()> {
    if !engine_binary().exists() {
        eprintln!(
            "building the apply engine (first run only: about two and a half minutes on two cores)"
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--package", "rolewright-apply", "--"])
        .arg(command)
        .args(&args.args)
        .current_dir(project_root())
        .status()
        .context("could not start `cargo run -p rolewright-apply`")?;
    // The engine has printed its own messages; keep its exit status (1 failed, 2 usage).
    std::process::exit(status.code().unwrap_or(1));
}
