//! `cargo xtask fuzz [TARGET] [--seconds N]`: runs the libFuzzer targets of `fuzz/` (`validate`:
//! the policy entry point `validate` uses, all three kinds; `roundtrip`: parse → write →
//! parse) with cargo-fuzz.
//!
//! cargo-fuzz passes nightly-only flags; the project builds on stable, so they are allowed with
//! `RUSTC_BOOTSTRAP=1` (checked with cargo-fuzz 0.13.2 and rustc 1.95). An input that takes
//! over 5 s is reported as a timeout: the release build takes at most about 20 ms. Each target starts from its regression inputs
//! (`iam-model/tests/fuzz-regressions/<target>/`, which `cargo test` also replays on stable)
//! and writes what it finds to `fuzz/artifacts/<target>/`: copy a crashing or slow input into
//! the regression directory to keep it.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context as _};

/// The targets, in the order they run when none is named.
const TARGETS: &[&str] = &["validate", "roundtrip"];

/// Flags of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The target to run (`validate` or `roundtrip`); every target when absent.
    target: Option<String>,
    /// How long to run each target, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
}

/// Runs the targets; fails on the first that finds a problem.
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let targets: Vec<&str> = match &args.target {
        Some(t) if TARGETS.contains(&t.as_str()) => vec![t.as_str()],
        Some(t) => bail!(
            "`{t}` is not a fuzz target: the targets are `{}`",
            TARGETS.join("`, `")
        ),
        None => TARGETS.to_vec(),
    };
    for target in targets {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create `{}`", corpus.display()))?;
        let seeds = root.join("iam-model/tests/fuzz-regressions").join(target);
        let status = Command::new("cargo")
            .current_dir(root.join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1")
            // The code is safe Rust (`unsafe_code = "forbid"`): AddressSanitizer finds nothing
            // there and makes each run several times slower, so coverage-guided runs without it.
            .args(["fuzz", "run", "--sanitizer", "none", target])
            .arg(&corpus)
            .arg(&seeds)
            .args([
                "--",
                &format!("-max_total_time={}", args.seconds),
                "-max_len=140000",
                // Well above the release build's worst case (about 20 ms an input, see
                // iam-model/README.md), below what a missing bound would take.
                "-timeout=5",
            ])
            .status()
            .context("cannot run `cargo fuzz` (install it with `cargo install cargo-fuzz`)")?;
        if !status.success() {
            bail!("fuzz target `{target}` found a problem: see fuzz/artifacts/{target}/");
        }
    }
    Ok(())
}
