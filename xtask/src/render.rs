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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use blueprint_kit::{Blueprint, ConfigSource};
use iam_model::deployment::{Deployment, DeploymentFinding, DeploymentOptions};
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
    /// An account id: `KEY=ID` for the account keyed KEY, or a bare `ID` for every account given
    /// no other. Terraform providers then refuse other accounts (`allowed_account_ids`).
    #[arg(long = "account-id", value_name = "ID|KEY=ID")]
    account_ids: Vec<String>,
    /// A role Terraform assumes to reach the account keyed KEY (the provider's `assume_role`).
    #[arg(long = "assume-role", value_name = "KEY=ROLE_ARN")]
    assume_roles: Vec<String>,
    /// The region: the providers' region (Terraform; default: the environment's, e.g.
    /// `AWS_REGION`), or the value of region references (IAM).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The partition for `--format iam`; default: the region's partition, else `aws`.
    #[arg(long, value_name = "PARTITION")]
    partition: Option<String>,
    /// The instance name (ownership tags); default: the one the blueprint gives.
    #[arg(long, value_name = "NAME")]
    instance: Option<String>,
    /// A generated value, e.g. the external id a first deployment generated (fixed in
    /// Terraform, resolved in IAM JSON).
    #[arg(long = "generated", value_name = "NAME=VALUE")]
    generated: Vec<String>,
    /// An external value, e.g. the role ARN a partner handed out (the variable's default in
    /// Terraform, resolved in IAM JSON).
    #[arg(long = "external", value_name = "NAME=VALUE")]
    externals: Vec<String>,
    /// The target accounts' role trust policy quota in characters (2,048 unless raised in
    /// Service Quotas, quota L-C07B4B0D).
    #[arg(long = "trust-quota", value_name = "N", default_value_t = iam_model::validate::DEFAULT_TRUST_POLICY_QUOTA)]
    trust_quota: usize,
    /// Managed policies attachable per role (10 unless raised in Service Quotas).
    #[arg(long = "attachments-per-role", value_name = "N", default_value_t = 10)]
    attachments_per_role: usize,
}

/// Why rendering stopped.
enum Failure {
    /// A usage problem: exit status 2.
    Usage(String),
    /// Config, validation or render errors, already printed: exit status 1.
    Failed(String),
}

/// Runs the subcommand; exits with status 1 or 2 on failure (see the module docs).
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    match render(args) {
        Ok(()) => Ok(()),
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            std::process::exit(2)
        }
        Err(Failure::Failed(msg)) => {
            // Printed here rather than returned: the problems are already on stderr, and an
            // `anyhow` error would add a backtrace under `RUST_BACKTRACE`.
            eprintln!("error: {msg}");
            std::process::exit(1)
        }
    }
}

/// The flags that change a deployment or resolve its values.
struct Overrides {
    /// `--account-id KEY=ID`.
    by_key: BTreeMap<String, String>,
    /// `--account-id ID`.
    default_id: Option<String>,
    generated: BTreeMap<String, String>,
    externals: BTreeMap<String, String>,
    /// `--assume-role KEY=ROLE_ARN`.
    assume_roles: BTreeMap<String, String>,
}

/// One blueprint, rendered in memory.
struct Rendered {
    blueprint: &'static str,
    files: Vec<(String, String)>,
}

fn render(args: &Args) -> Result<(), Failure> {
    let overrides = parse_overrides(args)?;
    let selected = select(args)?;
    if selected.is_empty() {
        eprintln!(
            "no blueprints are registered yet (blueprints/registry/src/lib.rs); nothing to render"
        );
        return Ok(());
    }
    if let Some(instance) = &args.instance {
        if instance.is_empty()
            || !instance
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:/=+-@".contains(c))
        {
            return Err(Failure::Usage(format!(
                "`--instance {instance}` is not a valid instance name; use letters, digits and `_.:/=+-@` (it becomes a tag value)"
            )));
        }
    }

    // Load and build every blueprint first, reporting every failure.
    let mut built: Vec<(&'static dyn Blueprint, String, Deployment)> = Vec::new();
    let mut failed = Vec::new();
    for bp in &selected {
        let path = match &args.config {
            Some(p) => p.clone(),
            None => blueprints::example_config(bp.name()).ok_or_else(|| {
                Failure::Usage(format!(
                    "blueprint `{}` has no example config: expected `examples/{0}.yaml` or `examples/{0}.json`; pass `--config FILE`",
                    bp.name()
                ))
            })?,
        };
        let name = display_relative(&absolute(&path));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("cannot read config file `{name}`: {e}")))?;
        let source = ConfigSource::new(name.clone(), text);
        match bp.build(&source) {
            Ok(d) => built.push((*bp, name, d)),
            Err(e) => {
                eprintln!("{}", e.report(&name));
                failed.push(bp.name());
            }
        }
    }
    check_override_names(&overrides, built.iter().map(|(_, _, d)| d))?;

    let mut rendered = Vec::new();
    for (bp, config, mut d) in built {
        apply_overrides(&mut d, &overrides, args.instance.as_deref());
        let options = DeploymentOptions {
            trust_policy_quota: args.trust_quota,
            attachments_per_role: args.attachments_per_role,
            ..DeploymentOptions::default()
        };
        let findings = d.validate(&options);
        let errors = print_findings(&config, &findings);
        if errors > 0 {
            eprintln!(
                "{config}: blueprint `{}`: {errors} error(s); not rendered",
                bp.name()
            );
            failed.push(bp.name());
            continue;
        }
        match render_one(&d, args, &overrides) {
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
    o: &Overrides,
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
            let resolution = Resolution {
                account_ids: o.by_key.clone(),
                default_account_id: o.default_id.clone(),
                region: args.region.clone(),
                partition: Some(
                    args.partition
                        .clone()
                        .unwrap_or_else(|| partition_of(args.region.as_deref()).to_owned()),
                ),
                generated: o.generated.clone(),
                externals: o.externals.clone(),
            };
            Ok(vec![(IAM_FILE.to_owned(), iam::render(d, &resolution)?)])
        }
    }
}

/// The partition a region belongs to (`aws` when none is given).
fn partition_of(region: Option<&str>) -> &'static str {
    region.map_or("aws", iam_model::arn::partition_of_region)
}

fn select(args: &Args) -> Result<Vec<&'static dyn Blueprint>, Failure> {
    let all = blueprints::all();
    if args.blueprints.is_empty() {
        if args.config.is_some() {
            return Err(Failure::Usage(
                "`--config` needs the blueprint it is for: `cargo xtask render BLUEPRINT --config FILE`".to_owned(),
            ));
        }
        return Ok(all);
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

fn parse_overrides(args: &Args) -> Result<Overrides, Failure> {
    let mut o = Overrides {
        by_key: BTreeMap::new(),
        default_id: None,
        generated: BTreeMap::new(),
        externals: BTreeMap::new(),
        assume_roles: BTreeMap::new(),
    };
    if args.partition.is_some() && args.format == Format::Terraform {
        return Err(Failure::Usage(
            "`--partition` applies to `--format iam` only; Terraform reads the partition from each provider".to_owned(),
        ));
    }
    if let (Some(partition), Some(region)) = (&args.partition, &args.region) {
        let of_region = partition_of(Some(region));
        if partition != of_region {
            return Err(Failure::Usage(format!(
                "`--partition {partition}` contradicts `--region {region}`, which is in the `{of_region}` partition; \
                 leave `--partition` out to take the region's, or pass a region of `{partition}`"
            )));
        }
    }
    for a in &args.account_ids {
        let (key, id) = match a.split_once('=') {
            Some((k, id)) => (Some(k), id),
            None => (None, a.as_str()),
        };
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Failure::Usage(format!(
                "`--account-id {a}`: `{id}` is not a 12-digit account id"
            )));
        }
        let previous = match key {
            Some("") => {
                return Err(Failure::Usage(format!(
                    "`--account-id {a}`: the account key is empty"
                )))
            }
            Some(k) => o.by_key.insert(k.to_owned(), id.to_owned()),
            None => o.default_id.replace(id.to_owned()),
        };
        if previous.is_some_and(|p| p != id) {
            return Err(Failure::Usage(format!(
                "`--account-id {a}` contradicts an earlier `--account-id` for the same account"
            )));
        }
    }
    for (flag, list, map) in [
        ("--generated", &args.generated, &mut o.generated),
        ("--external", &args.externals, &mut o.externals),
        ("--assume-role", &args.assume_roles, &mut o.assume_roles),
    ] {
        for item in list {
            let Some((name, value)) = item.split_once('=').filter(|(n, _)| !n.is_empty()) else {
                return Err(Failure::Usage(format!(
                    "`{flag} {item}`: expected NAME=VALUE"
                )));
            };
            map.insert(name.to_owned(), value.to_owned());
        }
    }
    for (key, arn) in &o.assume_roles {
        let ok = arn.starts_with("arn:")
            && arn
                .split(':')
                .nth(5)
                .is_some_and(|r| r.starts_with("role/"));
        if !ok {
            return Err(Failure::Usage(format!(
                "`--assume-role {key}={arn}`: `{arn}` is not a role ARN (`arn:aws:iam::ACCOUNT:role/NAME`)"
            )));
        }
    }
    Ok(o)
}

/// Names given to flags must exist in some rendered deployment: a typo is an error, not a
/// silently ignored flag.
fn check_override_names<'d>(
    o: &Overrides,
    deployments: impl Iterator<Item = &'d Deployment> + Clone,
) -> Result<(), Failure> {
    let unknown = |kind: &str, flag: &str, name: &str, known: BTreeSet<String>| {
        let known: Vec<String> = known.into_iter().map(|k| format!("`{k}`")).collect();
        Failure::Usage(format!(
            "`{flag} {name}=...`: no rendered blueprint has {kind} `{name}`; known: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ))
    };
    let accounts: BTreeSet<String> = deployments
        .clone()
        .flat_map(|d| d.accounts.iter().map(|a| a.key.clone()))
        .collect();
    if let Some(k) = o.by_key.keys().find(|k| !accounts.contains(*k)) {
        return Err(unknown("an account", "--account-id", k, accounts));
    }
    // The config's id is used in names, ARNs and trusts the blueprint built; a flag that
    // changed only the provider's `allowed_account_ids` would leave those pointing at the old
    // account.
    for d in deployments.clone() {
        for a in &d.accounts {
            if let (Some(config), Some(flag)) = (&a.id, o.by_key.get(&a.key)) {
                if config != flag {
                    return Err(Failure::Usage(format!(
                        "`--account-id {key}={flag}` contradicts the config of `{blueprint}`, which gives account `{key}` the id `{config}`; \
                         change the id in the config (it is also in the roles' ARNs and trusts), or leave the flag out",
                        key = a.key,
                        blueprint = d.blueprint,
                    )));
                }
            }
        }
    }
    if let Some(k) = o.assume_roles.keys().find(|k| !accounts.contains(*k)) {
        return Err(unknown("an account", "--assume-role", k, accounts));
    }
    let generated: BTreeSet<String> = deployments
        .clone()
        .flat_map(|d| d.generated.iter().map(|g| g.name.clone()))
        .collect();
    if let Some(k) = o.generated.keys().find(|k| !generated.contains(*k)) {
        return Err(unknown("a generated value", "--generated", k, generated));
    }
    let externals: BTreeSet<String> = deployments
        .flat_map(|d| d.externals.iter().map(|g| g.name.clone()))
        .collect();
    if let Some(k) = o.externals.keys().find(|k| !externals.contains(*k)) {
        return Err(unknown("an external value", "--external", k, externals));
    }
    Ok(())
}

/// Applies the flags to the deployment itself, so that both renderings and validation see them.
fn apply_overrides(d: &mut Deployment, o: &Overrides, instance: Option<&str>) {
    if let Some(i) = instance {
        d.instance = i.to_owned();
    }
    for a in &mut d.accounts {
        if let Some(id) = o.by_key.get(&a.key) {
            a.id = Some(id.clone());
        } else if a.id.is_none() {
            a.id.clone_from(&o.default_id);
        }
        if let Some(arn) = o.assume_roles.get(&a.key) {
            a.assume_role_arn = Some(arn.clone());
        }
    }
    for g in &mut d.generated {
        if let Some(v) = o.generated.get(&g.name) {
            g.fixed = Some(v.clone());
        }
    }
    for e in &mut d.externals {
        if let Some(v) = o.externals.get(&e.name) {
            e.value = Some(v.clone());
        }
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
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    fn account_ids_by_key_and_default() {
        let o = parse_overrides(&args(&[
            "--account-id",
            "123456789012",
            "--account-id",
            "prod=210987654321",
        ]))
        .unwrap_or_else(|_| panic!());
        assert_eq!(o.default_id.as_deref(), Some("123456789012"));
        assert_eq!(o.by_key["prod"], "210987654321");
        let m = usage(parse_overrides(&args(&["--account-id", "prod=1234"])));
        assert_eq!(
            m,
            "`--account-id prod=1234`: `1234` is not a 12-digit account id"
        );
        let m = usage(parse_overrides(&args(&[
            "--account-id",
            "a=111111111111",
            "--account-id",
            "a=222222222222",
        ])));
        assert!(m.contains("contradicts"), "{m}");
        let m = usage(parse_overrides(&args(&["--generated", "novalue"])));
        assert_eq!(m, "`--generated novalue`: expected NAME=VALUE");
        let m = usage(parse_overrides(&args(&["--assume-role", "prod=Deploy"])));
        assert!(m.contains("is not a role ARN"), "{m}");
        let m = usage(parse_overrides(&args(&["--partition", "aws-cn"])));
        assert!(m.contains("applies to `--format iam` only"), "{m}");
        assert!(parse_overrides(&args(&["--partition", "aws-cn", "--format", "iam"])).is_ok());
        let m = usage(parse_overrides(&args(&[
            "--partition",
            "aws",
            "--region",
            "us-gov-west-1",
            "--format",
            "iam",
        ])));
        assert!(
            m.starts_with("`--partition aws` contradicts `--region us-gov-west-1`, which is in the `aws-us-gov` partition"),
            "{m}"
        );
        assert!(parse_overrides(&args(&[
            "--partition",
            "aws-cn",
            "--region",
            "cn-north-1",
            "--format",
            "iam"
        ]))
        .is_ok());
    }

    #[test]
    fn overrides_apply_to_accounts_without_an_id() {
        use iam_model::deployment::{Account, GeneratedValue};
        let mut d = Deployment::builder()
            .blueprint("b")
            .instance("i")
            .accounts(vec![
                Account::new("default"),
                Account::builder().key("known").id("999999999999").build(),
                Account::new("prod"),
            ])
            .generated(vec![GeneratedValue::builder().name("ext").build()])
            .build();
        let o = parse_overrides(&args(&[
            "--account-id",
            "123456789012",
            "--account-id",
            "prod=210987654321",
            "--generated",
            "ext=abc",
            "--assume-role",
            "prod=arn:aws:iam::210987654321:role/Deploy",
        ]))
        .unwrap_or_else(|_| panic!());
        check_override_names(&o, [&d].into_iter()).unwrap_or_else(|_| panic!());
        apply_overrides(&mut d, &o, Some("blue"));
        let ids: Vec<Option<&str>> = d.accounts.iter().map(|a| a.id.as_deref()).collect();
        assert_eq!(
            ids,
            [
                Some("123456789012"),
                Some("999999999999"),
                Some("210987654321")
            ]
        );
        assert_eq!(d.generated[0].fixed.as_deref(), Some("abc"));
        assert_eq!(
            d.accounts[2].assume_role_arn.as_deref(),
            Some("arn:aws:iam::210987654321:role/Deploy")
        );
        assert_eq!(d.instance, "blue");
        let bad = parse_overrides(&args(&["--account-id", "typo=210987654321"]))
            .unwrap_or_else(|_| panic!());
        let m = usage(check_override_names(&bad, [&d].into_iter()));
        assert_eq!(
            m,
            "`--account-id typo=...`: no rendered blueprint has an account `typo`; known: `default`, `known`, `prod`"
        );
        // A flag contradicting the config's id is an error naming both; the same id is fine.
        let contradicting = parse_overrides(&args(&["--account-id", "known=111111111111"]))
            .unwrap_or_else(|_| panic!());
        let m = usage(check_override_names(&contradicting, [&d].into_iter()));
        assert!(
            m.starts_with("`--account-id known=111111111111` contradicts the config of `b`, which gives account `known` the id `999999999999`"),
            "{m}"
        );
        let same = parse_overrides(&args(&["--account-id", "known=999999999999"]))
            .unwrap_or_else(|_| panic!());
        assert!(check_override_names(&same, [&d].into_iter()).is_ok());
    }

    #[test]
    fn usage_errors() {
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
