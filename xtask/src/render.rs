//! `cargo xtask render [BLUEPRINT...]`: blueprints → Terraform JSON (`out/<blueprint>/*.tf.json`)
//! or the resolved IAM JSON (`out/<blueprint>/iam.json`).
//!
//! With no argument every registered blueprint is rendered with its example config
//! (`examples/<blueprint>.yaml`, `.yml` or `.json`). Each deployment is validated first: errors
//! stop the render, warnings and security findings are shown, acknowledged security findings
//! are shown as notes. Nothing is written unless every blueprint renders: the files go to a
//! temporary folder inside the output folder first and are then renamed into place, file by
//! file, so that whatever else lives in `out/<blueprint>/` (`.terraform/`, a lock file, state)
//! is kept. Only the file names the renderer owns are replaced or removed there.
//!
//! Exit status: 0 rendered; 1 a config, validation or render error; 2 a usage problem (unknown
//! blueprint, bad flag value, unreadable config file).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use blueprint_kit::{prepare, Blueprint, ConfigSource, OverrideArgs, Overrides, PrepareError};
use blueprints::Registry;
use iam_model::deployment::{Deployment, DeploymentFinding};
use iam_model::finding::Severity;
use iam_model::render::{iam, terraform, Resolution, TerraformOptions};

use crate::util::{display_relative, project_root};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Terraform JSON: `out/<blueprint>/*.tf.json`.
    Terraform,
    /// The objects as IAM will hold them, late-bound values resolved: `out/<blueprint>/iam.json`.
    Iam,
}

/// The file `--format iam` writes in each blueprint's folder.
const IAM_FILE: &str = "iam.json";

/// Flags of `cargo xtask render`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Blueprints to render; every registered blueprint when none is named.
    #[arg(value_name = "BLUEPRINT")]
    blueprints: Vec<String>,
    /// The config file (YAML or JSON) for the one blueprint named; default:
    /// `examples/<blueprint>.yaml` (or `.yml`, `.json`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The output folder; each blueprint gets `<DIR>/<blueprint>/`. Default: `out/` in the
    /// project root.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// What to render.
    #[arg(long, value_enum, default_value_t = Format::Terraform)]
    format: Format,
    /// The region: the providers' region (Terraform; default: the environment's, e.g.
    /// `AWS_REGION`), or the value of region references (IAM).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The partition for `--format iam`; default: the region's partition, else `aws`.
    #[arg(long, value_name = "PARTITION")]
    partition: Option<String>,
    /// The flags every command shares (instance, account ids, generated and external values,
    /// quotas); with several blueprints, each flag's name must fit every one of them.
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// Why rendering stopped.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// A usage problem: exit status 2.
    #[error("{0}")]
    Usage(String),
    /// Config, validation or render errors, already printed: exit status 1.
    #[error("{0}")]
    Failed(String),
}

impl Failure {
    fn exit_status(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
        }
    }
}

/// Runs the subcommand with the blueprints of `registry`; exits with status 1 or 2 on failure
/// (see the module docs).
pub(crate) fn run(args: &Args, registry: &Registry) -> anyhow::Result<()> {
    render(args, registry).map_err(|e| {
        // Printed here rather than returned: the problems are already on stderr, and the
        // status says which kind of failure it was.
        eprintln!("error: {e}");
        std::process::exit(e.exit_status())
    })
}

/// One blueprint, rendered in memory.
struct Rendered {
    blueprint: &'static str,
    files: Vec<(String, String)>,
}

fn render(args: &Args, registry: &Registry) -> Result<(), Failure> {
    let overrides = Overrides::parse(&args.overrides).map_err(|e| Failure::Usage(one_line(&e)))?;
    check_partition(args)?;
    let selected = select(args, registry)?;
    if selected.is_empty() {
        eprintln!(
            "no blueprints are registered yet (blueprints/registry/src/lib.rs); nothing to render"
        );
        return Ok(());
    }

    // Load, build and validate every blueprint first, reporting every failure.
    let mut rendered = Vec::new();
    let mut failed = Vec::new();
    for bp in &selected {
        let path = match &args.config {
            Some(p) => p.clone(),
            None => blueprints::example_config_in(&project_root(), bp.name()).ok_or_else(|| {
                Failure::Usage(format!(
                    "blueprint `{}` has no example config: expected `examples/{0}.yaml` or `examples/{0}.json` in `{}`; pass `--config FILE` (or `--root DIR`)",
                    bp.name(),
                    project_root().display()
                ))
            })?,
        };
        let config = display_relative(&absolute(&path));
        // Read with the loader's size cap, so a huge file is refused before it is read whole.
        let source = ConfigSource::read(&path)
            .map(|s| ConfigSource::new(config.clone(), s.text))
            .map_err(|e| Failure::Usage(format!("cannot read config file `{config}`: {e}")))?;
        let d = match prepare(*bp, &source, &overrides) {
            Ok(prepared) => {
                print_findings(&config, &prepared.findings);
                prepared.deployment
            }
            Err(e @ PrepareError::Flag { .. }) => return Err(Failure::Usage(one_line(&e))),
            Err(PrepareError::Blueprint(e)) => {
                eprintln!("{}", e.report(&config));
                failed.push(bp.name());
                continue;
            }
            Err(PrepareError::Invalid { findings, .. }) => {
                let errors = print_findings(&config, &findings);
                eprintln!(
                    "{config}: blueprint `{}`: {errors} error(s); not rendered",
                    bp.name()
                );
                failed.push(bp.name());
                continue;
            }
        };
        match render_one(&d, args) {
            Ok(files) => rendered.push(Rendered {
                blueprint: bp.name(),
                files,
            }),
            Err(e) => {
                eprintln!("{config}: blueprint `{}`: error: {e}", bp.name());
                if let Some(help) = miette::Diagnostic::help(&e) {
                    eprintln!("  help: {help}");
                }
                failed.push(bp.name());
            }
        }
    }
    if !failed.is_empty() {
        return Err(Failure::Failed(format!(
            "{} of {} blueprint(s) failed ({}); nothing was written",
            failed.len(),
            selected.len(),
            failed.join(", ")
        )));
    }

    let out = match &args.out {
        Some(p) => absolute(p),
        None => project_root().join("out"),
    };
    let owned: Vec<&str> = match args.format {
        Format::Terraform => terraform::FILE_NAMES.to_vec(),
        Format::Iam => vec![IAM_FILE],
    };
    write_all(&out, &rendered, &owned).map_err(|e| Failure::Failed(format!("{e:#}")))?;
    for r in &rendered {
        eprintln!(
            "rendered {} -> {} ({} file{})",
            r.blueprint,
            display_relative(&out.join(r.blueprint)),
            r.files.len(),
            if r.files.len() == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

fn render_one(
    d: &Deployment,
    args: &Args,
) -> Result<Vec<(String, String)>, iam_model::render::RenderError> {
    match args.format {
        Format::Terraform => {
            let options = TerraformOptions {
                region: args.region.clone(),
                ..TerraformOptions::default()
            };
            Ok(terraform::render(d, &options)?
                .into_iter()
                .map(|f| (f.name, f.contents))
                .collect())
        }
        Format::Iam => {
            // Account ids, generated and external values are in the deployment already
            // (`prepare` applied the flags); only what no deployment holds is given here.
            let resolution = Resolution {
                region: args.region.clone(),
                partition: Some(
                    args.partition
                        .clone()
                        .unwrap_or_else(|| partition_of(args.region.as_deref()).to_owned()),
                ),
                ..Resolution::default()
            };
            Ok(vec![(IAM_FILE.to_owned(), iam::render(d, &resolution)?)])
        }
    }
}

/// The partition a region belongs to (`aws` when none is given).
fn partition_of(region: Option<&str>) -> &'static str {
    match region {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        Some(r) if r.starts_with("us-isob-") => "aws-iso-b",
        Some(r) if r.starts_with("us-iso-") => "aws-iso",
        Some(r) if r.starts_with("eusc-") => "aws-eusc",
        _ => "aws",
    }
}

fn select(args: &Args, registry: &Registry) -> Result<Vec<&'static dyn Blueprint>, Failure> {
    let all = registry.all();
    if args.blueprints.is_empty() {
        if args.config.is_some() {
            return Err(Failure::Usage(
                "`--config` needs the blueprint it is for: `cargo xtask render BLUEPRINT --config FILE`".to_owned(),
            ));
        }
        return Ok(all.to_vec());
    }
    if args.config.is_some() && args.blueprints.len() > 1 {
        return Err(Failure::Usage(format!(
            "`--config` gives the inputs of one blueprint, but {} are named",
            args.blueprints.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let mut selected = Vec::new();
    for name in &args.blueprints {
        let Some(bp) = all.iter().find(|b| b.name() == name) else {
            let known: Vec<String> = all.iter().map(|b| format!("`{}`", b.name())).collect();
            return Err(Failure::Usage(format!(
                "unknown blueprint `{name}`; known: {}",
                if known.is_empty() {
                    "none yet".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        };
        if seen.insert(bp.name()) {
            selected.push(*bp);
        }
    }
    Ok(selected)
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn check_partition(args: &Args) -> Result<(), Failure> {
    if args.partition.is_some() && args.format == Format::Terraform {
        return Err(Failure::Usage(
            "`--partition` applies to `--format iam` only; Terraform reads the partition from each provider".to_owned(),
        ));
    }
    Ok(())
}

/// A prepare error as one line with its help, for a usage message.
fn one_line(e: &PrepareError) -> String {
    match miette::Diagnostic::help(e) {
        Some(help) => format!("{e}\n  help: {help}"),
        None => e.to_string(),
    }
}

/// Prints the findings as `config: object: severity[CODE] at path: message`, with help lines;
/// returns the number of errors.
fn print_findings(config: &str, findings: &[DeploymentFinding]) -> usize {
    let mut sorted: Vec<&DeploymentFinding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (
            a.finding.severity,
            &a.object,
            a.finding.code,
            a.finding.path.to_string(),
        )
            .cmp(&(
                b.finding.severity,
                &b.object,
                b.finding.code,
                b.finding.path.to_string(),
            ))
    });
    let mut errors = 0;
    for f in sorted {
        let label = match (f.finding.severity, &f.acknowledged) {
            (Severity::Error, _) => {
                errors += 1;
                "error"
            }
            (Severity::Security, Some(_)) => "note",
            (Severity::Security, None) => "security",
            (Severity::Warning, _) => "warning",
        };
        let path = f.finding.path.to_string();
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        eprintln!(
            "{config}: {}: {label}[{}]{at}: {}",
            f.object, f.finding.code, f.finding.message
        );
        match (&f.acknowledged, &f.finding.help) {
            // An acknowledged finding needs no fix: its reason is what matters.
            (Some(reason), _) => eprintln!("  acknowledged: {reason}"),
            (None, Some(help)) => eprintln!("  help: {help}"),
            (None, None) => {}
        }
    }
    errors
}

/// Writes every blueprint's files to a temporary folder in `out`, then renames them into
/// `out/<blueprint>/` and removes the owned names a blueprint no longer produces.
fn write_all(out: &Path, rendered: &[Rendered], owned: &[&str]) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let tmp = out.join(format!(".rolewright-render-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
    }
    let result = stage_and_move(&tmp, out, rendered, owned);
    // Best effort: a leftover temporary folder is harmless and removed by the next run.
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn stage_and_move(
    tmp: &Path,
    out: &Path,
    rendered: &[Rendered],
    owned: &[&str],
) -> anyhow::Result<()> {
    for r in rendered {
        let dir = tmp.join(r.blueprint);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for (name, contents) in &r.files {
            let path = dir.join(name);
            std::fs::write(&path, contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    for r in rendered {
        let target = out.join(r.blueprint);
        std::fs::create_dir_all(&target)
            .with_context(|| format!("creating {}", target.display()))?;
        for (name, _) in &r.files {
            let from = tmp.join(r.blueprint).join(name);
            let to = target.join(name);
            std::fs::rename(&from, &to)
                .with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
        }
        for name in owned {
            if r.files.iter().any(|(n, _)| n == name) {
                continue;
            }
            let stale = target.join(name);
            if stale.is_file() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("removing {}", stale.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn args(argv: &[&str]) -> Args {
        let mut full = vec!["render"];
        full.extend_from_slice(argv);
        Cli::try_parse_from(full).unwrap().args
    }

    fn usage(r: Result<impl Sized, Failure>) -> String {
        match r {
            Err(Failure::Usage(m)) => m,
            Err(Failure::Failed(m)) => panic!("expected a usage error, got failure {m}"),
            Ok(_) => panic!("expected a usage error"),
        }
    }

    #[test]
    fn partition_is_for_iam_json_only() {
        let m = usage(check_partition(&args(&["--partition", "aws-cn"])));
        assert!(m.contains("applies to `--format iam` only"), "{m}");
        assert!(check_partition(&args(&["--partition", "aws-cn", "--format", "iam"])).is_ok());
    }

    #[test]
    fn usage_errors() {
        let registry = Registry::builtin();
        let select = |a: &Args| select(a, &registry);
        let m = usage(select(&args(&["no-such-blueprint"])));
        assert!(
            m.starts_with("unknown blueprint `no-such-blueprint`; known: "),
            "{m}"
        );
        let m = usage(select(&args(&["--config", "x.yaml"])));
        assert!(m.contains("needs the blueprint"), "{m}");
        let m = usage(select(&args(&["a", "b", "--config", "x.yaml"])));
        assert_eq!(
            m,
            "`--config` gives the inputs of one blueprint, but 2 are named"
        );
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition_of(None), "aws");
        assert_eq!(partition_of(Some("eu-west-1")), "aws");
        assert_eq!(partition_of(Some("cn-north-1")), "aws-cn");
        assert_eq!(partition_of(Some("us-gov-west-1")), "aws-us-gov");
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "rolewright-xtask-render-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writing_replaces_owned_files_and_keeps_the_rest() {
        let out = temp_dir("write");
        let bp = out.join("bp");
        std::fs::create_dir_all(bp.join(".terraform")).unwrap();
        std::fs::write(bp.join(".terraform.lock.hcl"), "lock").unwrap();
        std::fs::write(bp.join("oidc.tf.json"), "stale").unwrap();
        std::fs::write(bp.join("roles.tf.json"), "old").unwrap();
        std::fs::write(bp.join("mine.tf.json"), "user file").unwrap();
        let rendered = [Rendered {
            blueprint: "bp",
            files: vec![
                ("roles.tf.json".into(), "new\n".into()),
                ("terraform.tf.json".into(), "tf\n".into()),
            ],
        }];
        write_all(&out, &rendered, &terraform::FILE_NAMES).unwrap();
        assert_eq!(
            std::fs::read_to_string(bp.join("roles.tf.json")).unwrap(),
            "new\n"
        );
        assert_eq!(
            std::fs::read_to_string(bp.join("terraform.tf.json")).unwrap(),
            "tf\n"
        );
        assert!(
            !bp.join("oidc.tf.json").exists(),
            "a stale owned file is removed"
        );
        assert!(bp.join(".terraform").is_dir());
        assert_eq!(
            std::fs::read_to_string(bp.join(".terraform.lock.hcl")).unwrap(),
            "lock"
        );
        assert_eq!(
            std::fs::read_to_string(bp.join("mine.tf.json")).unwrap(),
            "user file"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, ["bp"], "the temporary folder is gone");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
