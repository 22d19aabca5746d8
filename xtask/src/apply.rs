//! `cargo xtask plan | apply | destroy`: hands over to the apply engine, `rolewright-apply`.
//!
//! The engine depends on the AWS SDK (`aws-sdk-iam` alone is a minute of single-core codegen),
//! so it is its own crate outside the workspace's default members, and this binary never links
//! it: `cargo xtask render` and every other subcommand stay quick to build. These three
//! subcommands run `cargo run -p rolewright-apply -- <command> <args>` instead, which builds
//! the engine on first use and reuses it afterwards. It is a debug build on purpose: it shares
//! its artifacts with `cargo test --workspace`, and a release build of the SDK costs several
//! times the compile time for a program that mostly waits on the network (measurements in
//! `xtask/apply/README.md`).
//!
//! The flags are the engine's own definition (`xtask/apply/src/args.rs`, included here), so
//! `plan --help` and a bad flag are answered without building the engine; the arguments then
//! go to the engine unchanged.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use anyhow::Context as _;

use crate::util::project_root;

#[path = "../apply/src/args.rs"]
mod engine_args;

pub(crate) use engine_args::Args;

/// The three commands the engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    /// `plan`.
    Plan,
    /// `apply`.
    Apply,
    /// `destroy`.
    Destroy,
}

impl Verb {
    fn name(self) -> &'static str {
        match self {
            Verb::Plan => "plan",
            Verb::Apply => "apply",
            Verb::Destroy => "destroy",
        }
    }
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

/// The arguments after the subcommand's name, as given (the flags were checked by clap).
fn forwarded(verb: Verb) -> Vec<OsString> {
    let mut args = std::env::args_os().skip(1);
    let mut rest = Vec::new();
    while let Some(a) = args.next() {
        if a == "--root" {
            args.next();
            continue;
        }
        if a == verb.name() {
            rest.extend(args);
            break;
        }
    }
    rest
}

/// Runs `verb` in the engine and exits with its status.
pub(crate) fn run(verb: Verb, _args: &Args) -> anyhow::Result<()> {
    let root = project_root();
    if !root.join("xtask/apply/Cargo.toml").is_file() {
        anyhow::bail!(
            "`{}` runs the apply engine from the rolewright source tree, and `{}` is not one; run it inside the rolewright repository (or pass `--root`)",
            verb.name(),
            root.display()
        );
    }
    if !engine_binary().exists() {
        eprintln!(
            "building the apply engine (first run only: about two and a half minutes on two cores)"
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // From the user's directory, so that a relative `--config` means what it says.
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(["--package", "rolewright-apply", "--"])
        .arg(verb.name())
        .args(forwarded(verb))
        .status()
        .context("could not start `cargo run -p rolewright-apply`")?;
    // The engine has printed its own messages; keep its exit status (1 failed, 2 usage).
    std::process::exit(status.code().unwrap_or(1));
}
