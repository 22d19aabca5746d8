//! `cargo xtask plan | apply | destroy`: hands over to the apply engine, `rolewright-apply`.
//!
//! The engine depends on the AWS SDK (`aws-sdk-iam` alone is a minute of single-core codegen),
//! so it is its own crate outside the workspace's default members, and this binary never links
//! it: `cargo xtask render` and every other subcommand stay quick to build. These three
//! subcommands build it with `cargo build -q -p rolewright-apply` (a no-op once built) and
//! then become it (`exec` on unix), in the caller's directory. It is a debug build on purpose: it shares
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
///
/// The engine is built (`cargo build -q -p rolewright-apply`, a no-op once built) and then
/// run in place of this process: on unix through `exec`, so a signal meant for `cargo xtask
/// apply` (Ctrl-C, `kill`) reaches the engine itself and nothing keeps running behind it. It
/// runs in the caller's directory, so a relative `--config` means what it says there, as for
/// `cargo xtask render`.
pub(crate) fn run(command: &str, args: &Args) -> anyhow::Result<()> {
    let binary = engine_binary();
    if !binary.exists() {
        eprintln!(
            "building the apply engine (first run only: about two and a half minutes on two cores)"
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--package", "rolewright-apply"])
        .current_dir(project_root())
        .status()
        .context("could not start `cargo build -p rolewright-apply`")?;
    if !built.success() {
        std::process::exit(built.code().unwrap_or(1));
    }
    let mut engine = Command::new(&binary);
    engine.arg(command).args(&args.args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        // Only returns on failure.
        let err = engine.exec();
        Err(err).with_context(|| format!("could not run `{}`", binary.display()))
    }
    #[cfg(not(unix))]
    {
        // The console delivers Ctrl-C to the whole process group, the engine included.
        let status = engine
            .status()
            .with_context(|| format!("could not run `{}`", binary.display()))?;
        // The engine has printed its own messages; keep its exit status (1 failed, 2 usage).
        std::process::exit(status.code().unwrap_or(1));
    }
}
