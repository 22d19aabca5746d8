//! The vendored, normalized catalog data in `iam-model/catalog/data/`: its serde model,
//! how it is read (by `codegen`) and written (by `catalog-refresh`).
//!
//! Layout:
//! * `metadata.json`: where the data comes from ([`Metadata`]).
//! * `services/<prefix>.json`: one file per service ([`ServiceData`]), so that a refresh
//!   shows up as a reviewable per-service diff.
//! * `global-condition-keys.json`: the `aws:` keys ([`GlobalKeyData`]), curated.
//! * `unassociated-key-prefixes.json`: condition-key prefixes that are not service
//!   prefixes, and the services that define keys under them (IdP claim keys, `saml:`, …).
//!
//! Every array is written one element per line, in a fixed sort order, so that the files
//! are deterministic and diff well.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde::{Deserialize, Serialize};

use crate::util::project_root;

/// `iam-model/catalog/data`.
pub(crate) fn data_dir() -> PathBuf {
    project_root()
        .join("iam-model")
        .join("catalog")
        .join("data")
}

/// `data/metadata.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Metadata {
    /// The PyPI package the data was normalized from.
    pub package: String,
    /// Its version.
    pub version: String,
    /// The package's own `metadata.json` `updatedAt`.
    pub updated_at: String,
    /// The package license.
    pub license: String,
}

/// `data/services/<prefix>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceData {
    /// The service prefix (`s3`).
    pub prefix: String,
    /// The service name (`Amazon S3`).
    pub name: String,
    /// Condition keys, sorted by lowercase name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<ConditionKeyData>,
    /// Resource types, sorted by lowercase name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceTypeData>,
    /// Actions, sorted by lowercase name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionData>,
}

/// One condition key of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionKeyData {
    /// The full key as AWS spells it (`s3:prefix`, `s3:ResourceTag/${TagKey}`).
    pub name: String,
    /// The type as the source spells it (`String`, `ArrayOfARN`, …).
    #[serde(rename = "type")]
    pub key_type: String,
}

/// One resource type of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceTypeData {
    /// The name as AWS spells it (`object`, `RestApi`, `bot alias`).
    pub name: String,
    /// ARN formats, as AWS writes them.
    pub arns: Vec<String>,
    /// Condition keys (names as defined in `condition_keys`), sorted by lowercase name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

/// One action of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionData {
    /// The name as AWS spells it (`GetObject`).
    pub name: String,
    /// `List`, `Read`, `Write`, `Permissions management` or `Tagging`.
    pub access: String,
    /// The resource-type rows, in source order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ActionResourceData>,
    /// The action-level condition keys, sorted by lowercase name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

/// One resource-type row of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionResourceData {
    /// The resource type name, as spelled in the service's `resource_types`.
    pub name: String,
    /// Whether the resource type is required (`object*` in the AWS tables).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Condition keys that apply to this action on this resource type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

/// One global (`aws:`) condition key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GlobalKeyData {
    /// The key, with `${TagKey}` for templated keys (`aws:ResourceTag/${TagKey}`).
    pub name: String,
    /// The type (`String`, `ArrayOfString`, …). `ArrayOf…` means multivalued.
    #[serde(rename = "type")]
    pub key_type: String,
    /// Where the entry comes from.
    pub source: String,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(b: &bool) -> bool {
    !*b
}

/// The whole data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogData {
    pub metadata: Metadata,
    /// Sorted by prefix.
    pub services: Vec<ServiceData>,
    /// Sorted by lowercase name.
    pub global_keys: Vec<GlobalKeyData>,
    /// Key prefix → services that define keys with that prefix.
    pub unassociated_prefixes: BTreeMap<String, Vec<String>>,
}

pub(crate) const METADATA_FILE: &str = "metadata.json";
pub(crate) const SERVICES_DIR: &str = "services";
pub(crate) const GLOBAL_KEYS_FILE: &str = "global-condition-keys.json";
pub(crate) const UNASSOCIATED_FILE: &str = "unassociated-key-prefixes.json";

/// The condition-key types the catalog crate knows (`ConditionKeyType`).
pub(crate) const KEY_TYPES: &[&str] = &[
    "String",
    "ArrayOfString",
    "ARN",
    "ArrayOfARN",
    "Numeric",
    "ArrayOfNumeric",
    "Date",
    "ArrayOfDate",
    "Bool",
    "ArrayOfBool",
    "IPAddress",
    "ArrayOfIPAddress",
    "Binary",
    "ArrayOfBinary",
];

/// The access levels the catalog crate knows (`AccessLevel`).
pub(crate) const ACCESS_LEVELS: &[&str] =
    &["List", "Read", "Write", "Permissions management", "Tagging"];

/// The sort key used everywhere: ASCII-lowercase bytes. The catalog crate's binary
/// searches compare the same way.
pub(crate) fn sort_key(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

impl CatalogData {
    /// Reads and checks `dir`.
    pub(crate) fn read(dir: &Path) -> anyhow::Result<Self> {
        let metadata: Metadata = read_json(&dir.join(METADATA_FILE))?;
        let global_keys: Vec<GlobalKeyData> = read_json(&dir.join(GLOBAL_KEYS_FILE))?;
        let unassociated_prefixes: BTreeMap<String, Vec<String>> =
            read_json(&dir.join(UNASSOCIATED_FILE))?;
        let services_dir = dir.join(SERVICES_DIR);
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(&services_dir)
            .with_context(|| format!("reading {}", services_dir.display()))?
        {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut services = Vec::with_capacity(paths.len());
        for path in paths {
            let service: ServiceData = read_json(&path)?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if stem != service.prefix {
                bail!("{} holds service `{}`", path.display(), service.prefix);
            }
            services.push(service);
        }
        services.sort_by_key(|s| sort_key(&s.prefix));
        let data = Self {
            metadata,
            services,
            global_keys,
            unassociated_prefixes,
        };
        data.check()?;
        Ok(data)
    }

    /// Writes the data folder (every file through `ensure`, stale service files removed).
    pub(crate) fn write(&self, dir: &Path) -> anyhow::Result<()> {
        self.check()?;
        let write = |path: PathBuf, text: String| -> anyhow::Result<()> {
            crate::util::ensure_file_contents(&path, &text, false).map(|_| ())
        };
        write(dir.join(METADATA_FILE), to_pretty(&self.metadata)?)?;
        write(
            dir.join(GLOBAL_KEYS_FILE),
            lines_array(&self.global_keys, "")?,
        )?;
        write(
            dir.join(UNASSOCIATED_FILE),
            to_pretty(&self.unassociated_prefixes)?,
        )?;
        let services_dir = dir.join(SERVICES_DIR);
        let mut wanted = std::collections::BTreeSet::new();
        for service in &self.services {
            let file = format!("{}.json", service.prefix);
            write(services_dir.join(&file), service_json(service)?)?;
            wanted.insert(file);
        }
        if let Ok(entries) = std::fs::read_dir(&services_dir) {
            for entry in entries {
                let path = entry?.path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_owned();
                if !wanted.contains(&name) {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                    eprintln!("removed {}", crate::util::display_relative(&path));
                }
            }
        }
        Ok(())
    }

    /// Internal consistency: sort orders, known types and access levels, and every
    /// reference (resource type of an action row, condition key of an action, a row or a
    /// resource type) resolving inside the service.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        check_sorted(self.services.iter().map(|s| s.prefix.as_str()), "services")?;
        check_sorted(
            self.global_keys.iter().map(|k| k.name.as_str()),
            "global condition keys",
        )?;
        for key in &self.global_keys {
            if !KEY_TYPES.contains(&key.key_type.as_str()) {
                bail!("global key {}: unknown type {}", key.name, key.key_type);
            }
            if !key.name.to_ascii_lowercase().starts_with("aws:") {
                bail!("global key {} does not start with aws:", key.name);
            }
        }
        for (prefix, owners) in &self.unassociated_prefixes {
            for owner in owners {
                if self.services.iter().all(|s| &s.prefix != owner) {
                    bail!("unassociated prefix {prefix}: unknown service {owner}");
                }
            }
        }
        for service in &self.services {
            service
                .check()
                .with_context(|| format!("service {}", service.prefix))?;
        }
        Ok(())
    }
}

impl ServiceData {
    fn check(&self) -> anyhow::Result<()> {
        if self.prefix.is_empty()
            || !self
                .prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            bail!("bad prefix {:?}", self.prefix);
        }
        check_sorted(
            self.condition_keys.iter().map(|k| k.name.as_str()),
            "condition keys",
        )?;
        check_sorted(
            self.resource_types.iter().map(|r| r.name.as_str()),
            "resource types",
        )?;
        check_sorted(self.actions.iter().map(|a| a.name.as_str()), "actions")?;
        for key in &self.condition_keys {
            if !KEY_TYPES.contains(&key.key_type.as_str()) {
                bail!("condition key {}: unknown type {}", key.name, key.key_type);
            }
        }
        let has_key = |k: &str| self.condition_keys.iter().any(|d| d.name == k);
        let has_rt = |r: &str| self.resource_types.iter().any(|d| d.name == r);
        for rt in &self.resource_types {
            if rt.arns.is_empty() {
                bail!("resource type {} has no ARN format", rt.name);
            }
            for key in &rt.keys {
                if !has_key(key) {
                    bail!("resource type {}: undefined condition key {key}", rt.name);
                }
            }
        }
        for action in &self.actions {
            if !ACCESS_LEVELS.contains(&action.access.as_str()) {
                bail!(
                    "action {}: unknown access level {}",
                    action.name,
                    action.access
                );
            }
            for key in &action.keys {
                if !has_key(key) {
                    bail!("action {}: undefined condition key {key}", action.name);
                }
            }
            for row in &action.resources {
                if !has_rt(&row.name) {
                    bail!(
                        "action {}: undefined resource type {}",
                        action.name,
                        row.name
                    );
                }
                for key in &row.keys {
                    if !has_key(key) {
                        bail!(
                            "action {} on {}: undefined condition key {key}",
                            action.name,
                            row.name
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

fn check_sorted<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> anyhow::Result<()> {
    let mut previous: Option<String> = None;
    for name in names {
        let key = sort_key(name);
        if let Some(prev) = &previous {
            if *prev >= key {
                bail!("{what} are not sorted case-insensitively without duplicates at {name:?}");
            }
        }
        previous = Some(key);
    }
    Ok(())
}

fn to_pretty<T: Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// `[` + one compact JSON element per line + `]`, indented by `indent`.
fn lines_array<T: Serialize>(items: &[T], indent: &str) -> anyhow::Result<String> {
    if items.is_empty() {
        return Ok("[]".to_owned());
    }
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        out.push_str(indent);
        out.push_str("  ");
        out.push_str(&serde_json::to_string(item)?);
        if i + 1 < items.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push(']');
    if indent.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

/// A service file: the scalar fields first, then each array one element per line.
fn service_json(service: &ServiceData) -> anyhow::Result<String> {
    let mut fields = vec![
        format!("  \"prefix\": {}", serde_json::to_string(&service.prefix)?),
        format!("  \"name\": {}", serde_json::to_string(&service.name)?),
    ];
    if !service.condition_keys.is_empty() {
        fields.push(format!(
            "  \"condition_keys\": {}",
            lines_array(&service.condition_keys, "  ")?
        ));
    }
    if !service.resource_types.is_empty() {
        fields.push(format!(
            "  \"resource_types\": {}",
            lines_array(&service.resource_types, "  ")?
        ));
    }
    if !service.actions.is_empty() {
        fields.push(format!(
            "  \"actions\": {}",
            lines_array(&service.actions, "  ")?
        ));
    }
    Ok(format!("{{\n{}\n}}\n", fields.join(",\n")))
}
