//! The command line: `rolewright-apply plan | apply | destroy BLUEPRINT [--config FILE] ...`,
//! which `cargo xtask plan | apply | destroy` runs.
//!
//! Inputs are the same as `cargo xtask render`'s: a registered blueprint and its config
//! (default `examples/<blueprint>.yaml`, `.yml` or `.json`), with `--instance`,
//! `--generated NAME=VALUE` and `--external NAME=VALUE` applied to the deployment before it is
//! validated. The plan goes to stdout, progress and the confirmation prompt to stderr.
//!
//! Exit status: 0 done (or nothing to do); 1 the run failed (a conflict, an IAM error,
//! declined); 2 a usage problem (unknown blueprint, bad flag, unreadable or invalid config).

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use blueprint_kit::{prepare, ConfigSource, Overrides, PrepareError};
use clap::{Parser, Subcommand};
use iam_model::deployment::Deployment;
use serde_json::Value;

use crate::aws::client::Settings;
use crate::aws::engine::{run, Command, EngineError, Options, Outcome, Ui};
use crate::plan::Plan;
use crate::report::{self, Mode};

/// `rolewright-apply`.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Plan, apply and destroy rolewright deployments straight to AWS accounts"
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Cmd,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Show what apply would change; changes nothing.
    Plan(Args),
    /// Make the accounts match the deployment (asks first unless --auto-approve).
    Apply(Args),
    /// Delete every object the deployment owns (asks first unless --auto-approve).
    Destroy(Args),
}

pub use crate::args::{Args, Format};

/// A usage problem (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The project root (where `examples/` is): two levels above this crate.
pub fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.to_path_buf())
}

pub use blueprints::example_config;

fn pairs(flag: &str, items: &[String]) -> Result<Vec<(String, String)>, UsageError> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(UsageError(format!("`{flag} {item}`: expected NAME=VALUE"))),
        })
        .collect()
}

/// Builds the deployment of `args.blueprint` from its config through `blueprint_kit::prepare`
/// (the shared flags applied, the deployment validated): errors stop here, before any AWS call.
pub fn load_deployment(args: &Args) -> Result<Deployment, UsageError> {
    let Some(bp) = blueprints::find(&args.blueprint) else {
        let names: Vec<String> = blueprints::all()
            .iter()
            .map(|b| format!("`{}`", b.name()))
            .collect();
        return Err(UsageError(format!(
            "unknown blueprint `{}`\n  help: the registered blueprints are {}",
            args.blueprint,
            if names.is_empty() {
                "none yet".to_owned()
            } else {
                names.join(", ")
            }
        )));
    };
    let path = match &args.config {
        Some(p) => p.clone(),
        None => example_config(&args.blueprint).ok_or_else(|| {
            UsageError(format!(
                "blueprint `{0}` has no example config: expected `examples/{0}.yaml` or `examples/{0}.json`\n  help: pass `--config FILE`",
                args.blueprint
            ))
        })?,
    };
    // Read with the loader's size cap, so a huge file is refused before it is read whole.
    let text = ConfigSource::read(&path)
        .map(|source| source.text)
        .map_err(|e| UsageError(format!("cannot read config `{}`: {e}", path.display())))?;
    let overrides = Overrides::parse(&args.overrides).map_err(|e| usage(&e))?;
    let config = path.display().to_string();
    match prepare(bp, &ConfigSource::new(config.clone(), text), &overrides) {
        Ok(prepared) => Ok(prepared.deployment),
        Err(PrepareError::Blueprint(e)) => Err(UsageError(e.report(&config))),
        Err(PrepareError::Invalid { findings, .. }) => {
            let errors: Vec<String> = findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| format!("  {f}"))
                .collect();
            Err(UsageError(format!(
                "the deployment of `{}` is invalid; nothing was sent to AWS:\n{}",
                args.blueprint,
                errors.join("\n")
            )))
        }
        Err(e) => Err(usage(&e)),
    }
}

/// A flag problem as one line with its help.
fn usage(e: &PrepareError) -> UsageError {
    match miette::Diagnostic::help(e) {
        Some(help) => UsageError(format!("{e}\n  help: {help}")),
        None => UsageError(e.to_string()),
    }
}

/// The engine options the flags describe.
pub fn options(args: &Args) -> Result<Options, UsageError> {
    if args.attempt_timeout == 0 || args.max_attempts == 0 {
        return Err(UsageError(
            "`--attempt-timeout` and `--max-attempts` must be at least 1".to_owned(),
        ));
    }
    let settings = Settings {
        endpoint_url: args.endpoint_url.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        account_roles: pairs("--account-role", &args.account_roles)?,
        attempt_timeout: Duration::from_secs(args.attempt_timeout),
        operation_timeout: Duration::from_secs(
            args.attempt_timeout
                .saturating_mul(u64::from(args.max_attempts))
                .saturating_add(60),
        ),
        max_attempts: args.max_attempts,
    };
    Ok(Options {
        settings,
        externals: BTreeMap::new(),
        adopt: args.adopt,
        auto_approve: args.auto_approve,
        propagation_timeout: Duration::from_secs(args.propagation_timeout),
    })
}

/// The terminal: plan on stdout, progress and the question on stderr.
struct Terminal {
    format: Format,
}

impl Ui for Terminal {
    fn progress(&self, line: &str) {
        eprintln!("{line}");
    }

    fn show_plan(&self, plan: &Plan, mode: Mode) {
        if self.format == Format::Human {
            print!("{}", report::human(plan, mode));
            let _ = std::io::stdout().flush();
        }
    }

    fn confirm(&self, _plan: &Plan, mode: Mode) -> bool {
        let stdin = std::io::stdin();
        if self.format == Format::Json || !stdin.is_terminal() {
            eprintln!("error: refusing to change anything without confirmation\n  help: stdin is not a terminal (or the format is json); pass `--auto-approve`");
            return false;
        }
        eprint!(
            "\n{}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
            match mode {
                Mode::Apply => "Do you want to perform these actions?",
                Mode::Destroy =>
                    "Do you really want to destroy all these objects? There is no undo.",
            }
        );
        let mut line = String::new();
        stdin.lock().read_line(&mut line).is_ok() && line.trim() == "yes"
    }
}

/// The `--format json` document of a run.
pub fn outcome_json(o: &Outcome) -> Value {
    let mut v = report::json(&o.plan, o.api_calls);
    if let Value::Object(m) = &mut v {
        m.insert("applied".into(), Value::Bool(o.applied));
        let outputs: serde_json::Map<String, Value> = o
            .outputs
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect();
        m.insert("outputs".into(), Value::Object(outputs));
    }
    v
}

fn print_outputs(o: &Outcome) {
    if o.outputs.is_empty() {
        return;
    }
    println!("\nOutputs:\n");
    for (name, (value, sensitive)) in &o.outputs {
        if *sensitive {
            println!("{name} = <sensitive>");
        } else {
            println!(
                "{name} = {}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            );
        }
    }
}

/// Runs the command line; returns the exit status.
pub fn main_with(cli: Cli) -> i32 {
    let (command, args) = match &cli.command {
        Cmd::Plan(a) => (Command::Plan, a),
        Cmd::Apply(a) => (Command::Apply, a),
        Cmd::Destroy(a) => (Command::Destroy, a),
    };
    let prepared = load_deployment(args).and_then(|d| Ok((d, options(args)?)));
    let (deployment, opts) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let ui = Terminal {
        format: args.format,
    };
    let result = runtime.block_on(run(command, &deployment, &opts, &ui));
    match result {
        Ok(o) => {
            match args.format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&outcome_json(&o)).unwrap_or_default()
                ),
                Format::Human if o.applied => {
                    let verb = if command == Command::Destroy {
                        "Destroy"
                    } else {
                        "Apply"
                    };
                    println!(
                        "\n{verb} complete: {} write call(s), {} read call(s).",
                        o.api_calls.write, o.api_calls.read
                    );
                    print_outputs(&o);
                }
                Format::Human => print_outputs(&o),
            }
            0
        }
        Err(e @ EngineError::Connect(_)) => {
            eprintln!("error: {e}");
            2
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
