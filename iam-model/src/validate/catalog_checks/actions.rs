//! Actions against the catalog: known service, known action, a pattern that matches
//! something; and the expansion of an entry into catalog actions, shared by the other checks.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hasher;
use std::ops::ControlFlow;
use std::sync::OnceLock;

use crate::action::glob_match_ci;
use crate::catalog::{self, ActionDef, Service};
use crate::finding::{Code, Finding};
use crate::json::{JsonPath, Loc};
use crate::statement::Statement;

/// The hash of the action `prefix:name`, ignoring ASCII case.
fn action_hash(prefix: &str, name: &str) -> u64 {
    let mut h = super::WordHash::default();
    h.write_case_folded(prefix.as_bytes());
    h.write_case_folded(name.as_bytes());
    h.finish()
}

/// Every catalog action by [`action_hash`], built on first use (22,000 entries, a few
/// milliseconds): a hit costs one hash of the action text instead of two binary searches with
/// case-insensitive comparisons. Lookups verify the name, so a collision only means a miss
/// (and the binary searches).
fn action_index() -> &'static HashMap<u64, &'static ActionDef, super::WordHashBuild> {
    static INDEX: OnceLock<HashMap<u64, &'static ActionDef, super::WordHashBuild>> =
        OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::with_capacity_and_hasher(
            catalog::metadata().actions,
            super::WordHashBuild::default(),
        );
        for service in catalog::services() {
            for action in service.actions() {
                index
                    .entry(action_hash(service.prefix(), action.name()))
                    .or_insert(action);
            }
        }
        index
    })
}

/// The catalog action `prefix:name` (no wildcards), ignoring ASCII case.
fn lookup(prefix: &str, name: &str) -> Option<&'static ActionDef> {
    action_index()
        .get(&action_hash(prefix, name))
        .copied()
        .filter(|a| {
            a.name().eq_ignore_ascii_case(name) && a.service().prefix().eq_ignore_ascii_case(prefix)
        })
}

/// [`catalog::service`] through a hash index of the prefixes (built on first use, 457
/// entries), verified, like [`lookup`].
fn service(prefix: &str) -> Option<&'static Service> {
    static INDEX: OnceLock<HashMap<u64, &'static Service, super::WordHashBuild>> = OnceLock::new();
    let hash = |p: &str| {
        let mut h = super::WordHash::default();
        h.write_case_folded(p.as_bytes());
        h.finish()
    };
    let index = INDEX.get_or_init(|| catalog::services().map(|s| (hash(s.prefix()), s)).collect());
    match index.get(&hash(prefix)) {
        Some(s) if s.prefix().eq_ignore_ascii_case(prefix) => Some(s),
        // A collision, or no such service: ask the catalog.
        _ => catalog::service(prefix),
    }
}

/// One entry of a statement's `Action` or `NotAction`, resolved against the catalog.
#[derive(Debug, Clone, Copy)]
pub(super) enum Entry<'a> {
    /// `*` or `*:*`: every action.
    Any,
    /// Malformed (reported by the structural checks) or unknown (reported here): no
    /// expansion is known, so checks that need one skip the statement.
    Unknown,
    /// One catalog action.
    One(&'static ActionDef),
    /// A wildcard pattern, split into service prefix and name, that matches at least one
    /// action.
    Pattern(&'a str, &'a str),
}

impl Entry<'_> {
    /// Calls `f` with every catalog action the entry stands for, in catalog order, until it
    /// breaks. [`Entry::Any`] walks the whole catalog: callers that can decide `*` without
    /// that should.
    pub(super) fn each(
        &self,
        f: &mut dyn FnMut(&'static ActionDef) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        match *self {
            Entry::Unknown => ControlFlow::Continue(()),
            Entry::One(action) => f(action),
            Entry::Any => expand("*", "*", f),
            Entry::Pattern(prefix, name) => expand(prefix, name, f),
        }
    }

    /// Whether some action of the entry satisfies `test`.
    pub(super) fn any(&self, mut test: impl FnMut(&'static ActionDef) -> bool) -> bool {
        self.each(&mut |a| {
            if test(a) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .is_break()
    }
}

/// The path of action entry `j` of `st`: the element itself when it holds one entry (IAM lets
/// a single string stand for the list), as the structural checks report it.
pub(super) fn entry_path(st: &Statement, sp: &Loc<'_>, j: usize) -> JsonPath {
    let element = sp.key(st.action.element());
    if st.action.actions().len() > 1 {
        element.index(j).path()
    } else {
        element.path()
    }
}

/// Resolves every action entry of `st` into `entries` (cleared first), reporting unknown
/// services and actions and patterns that match nothing.
pub(super) fn resolve<'a>(
    st: &'a Statement,
    sp: &Loc<'_>,
    entries: &mut Vec<Entry<'a>>,
    out: &mut Vec<Finding>,
) {
    entries.clear();
    // Consecutive actions usually share their service: look it up once for them.
    let mut last: Option<(&str, Option<&'static Service>)> = None;
    let mut service_of = |prefix: &'a str| match last {
        Some((p, service)) if p.eq_ignore_ascii_case(prefix) => service,
        _ => {
            let service = service(prefix);
            last = Some((prefix, service));
            service
        }
    };
    // The nearest prefixes to the last unknown one: a retired service's actions come in runs.
    let mut nearest_services: Option<(&str, Vec<&'static str>)> = None;
    for (j, action) in st.action.actions().iter().enumerate() {
        let text = action.as_str();
        let parts = action.parts();
        // The common case: a known action, found without looking up its service.
        let known = parts
            .filter(|(prefix, name)| !has_wildcard(prefix) && !has_wildcard(name))
            .and_then(|(prefix, name)| lookup(prefix, name));
        if let Some(def) = known {
            entries.push(Entry::One(def));
            continue;
        }
        let entry = match parts {
            _ if action.is_any() => Entry::Any,
            // Malformed: INVALID_ACTION_FORMAT says so.
            None => Entry::Unknown,
            Some((prefix, name)) if is_stars(prefix) && is_stars(name) => Entry::Any,
            // Past the work budget, patterns are left unexpanded (CHECK_BUDGET_EXCEEDED).
            Some((prefix, name))
                if (has_wildcard(prefix) || has_wildcard(name)) && crate::budget::exhausted() =>
            {
                Entry::Unknown
            }
            Some((prefix, name)) if has_wildcard(prefix) => {
                if expand(prefix, name, &mut |_| ControlFlow::Break(())).is_break() {
                    Entry::Pattern(prefix, name)
                } else {
                    out.push(
                        Finding::new(
                            Code::ACTION_WILDCARD_NO_MATCH,
                            entry_path(st, sp, j),
                            format!("`{text}` matches no action of any service"),
                        )
                        .with_help("check the spelling of the pattern, and name the service instead of matching it"),
                    );
                    Entry::Unknown
                }
            }
            Some((prefix, name)) => match service_of(prefix) {
                None => {
                    // Charged as searched: the nearest prefixes, their actions and every
                    // service for the name (about the prefixes and 500 names); the prefixes
                    // alone for a pattern, found once for a run of one unknown prefix.
                    let services = catalog::metadata().services;
                    let mut suggestions =
                        if has_wildcard(name) || !crate::budget::suggest(services + 500) {
                            Vec::new()
                        } else {
                            catalog::suggest_actions(text, 3)
                        };
                    if suggestions.is_empty() {
                        let near = match &nearest_services {
                            Some((p, near)) if *p == prefix => near.clone(),
                            _ if crate::budget::suggest(services) => {
                                let near = catalog::suggest_services(prefix, 3);
                                nearest_services = Some((prefix, near.clone()));
                                near
                            }
                            _ => Vec::new(),
                        };
                        suggestions = near.into_iter().map(|p| format!("{p}:{name}")).collect();
                    }
                    out.push(
                        Finding::new(
                            Code::UNKNOWN_SERVICE,
                            entry_path(st, sp, j),
                            format!("`{text}`: no AWS service has the prefix `{prefix}`"),
                        )
                        .with_suggestions(&suggestions)
                        .or_help("service prefixes are listed in the Service Authorization Reference, e.g. `s3`, `ec2`, `iam`"),
                    );
                    Entry::Unknown
                }
                Some(service) if has_wildcard(name) => {
                    if expand_in(service, name, &mut |_| ControlFlow::Break(())).is_break() {
                        Entry::Pattern(prefix, name)
                    } else {
                        out.push(
                            Finding::new(
                                Code::ACTION_WILDCARD_NO_MATCH,
                                entry_path(st, sp, j),
                                format!(
                                    "`{text}` matches no action of {} (`{}`)",
                                    service.name(),
                                    service.prefix()
                                ),
                            )
                            .with_help(format!(
                                "check the spelling; `{}:*` matches every action of the service",
                                service.prefix()
                            )),
                        );
                        Entry::Unknown
                    }
                }
                Some(service) => match service.action(name) {
                    Some(def) => Entry::One(def),
                    None => {
                        out.push(
                            Finding::new(
                                Code::UNKNOWN_ACTION,
                                entry_path(st, sp, j),
                                format!("`{text}` is not an action of {} (`{}`)", service.name(), service.prefix()),
                            )
                            .with_suggestions(&if crate::budget::suggest(
                                service.actions().len() + catalog::metadata().services,
                            ) {
                                catalog::suggest_actions(text, 3)
                            } else {
                                Vec::new()
                            })
                            .or_help(format!(
                                "the actions of `{}` are listed in the Service Authorization Reference",
                                service.prefix()
                            )),
                        );
                        Entry::Unknown
                    }
                },
            },
        };
        entries.push(entry);
    }
}

fn has_wildcard(s: &str) -> bool {
    crate::scan::has_wildcard(s)
}

/// Whether the pattern matches every name: `*`, and also `?*`-like patterns with no more `?`
/// than the shortest action name has characters (`*:?*` is every action, and expanding it
/// would cost a walk of the whole catalog per check).
fn is_stars(s: &str) -> bool {
    static SHORTEST: OnceLock<usize> = OnceLock::new();
    let shortest = *SHORTEST.get_or_init(|| {
        catalog::services()
            .flat_map(|s| {
                s.actions()
                    .iter()
                    .map(|a| a.name().len())
                    .chain([s.prefix().len()])
            })
            .min()
            .unwrap_or(0)
    });
    s.contains('*')
        && s.bytes().all(|b| b == b'*' || b == b'?')
        && s.bytes().filter(|&b| b == b'?').count() <= shortest
}

/// Every action matching the pattern `prefix:name` (either part may hold `*` and `?`), in
/// catalog order, until `f` breaks.
fn expand(
    prefix: &str,
    name: &str,
    f: &mut dyn FnMut(&'static ActionDef) -> ControlFlow<()>,
) -> ControlFlow<()> {
    if !has_wildcard(prefix) {
        return match service(prefix) {
            Some(service) => expand_in(service, name, f),
            None => ControlFlow::Continue(()),
        };
    }
    // Charged as it goes: a walk is never cut short (its answer stays right), but callers
    // stop walking once the budget is spent.
    crate::budget::spend(catalog::metadata().services as u64 * crate::budget::GLOB);
    for service in catalog::services() {
        if glob_match_ci(prefix, service.prefix()) {
            expand_in(service, name, f)?;
        }
    }
    ControlFlow::Continue(())
}

/// Every action of `service` matching the name pattern `name`, in name order, until `f`
/// breaks. The actions are sorted by ASCII-lowercase name, so only the range sharing the
/// pattern's literal head is scanned, and a pattern that is a head and one trailing `*`
/// (`Describe*`, the common case) matches that whole range without globbing.
fn expand_in(
    service: &'static Service,
    name: &str,
    f: &mut dyn FnMut(&'static ActionDef) -> ControlFlow<()>,
) -> ControlFlow<()> {
    if !has_wildcard(name) {
        return match service.action(name) {
            Some(action) => f(action),
            None => ControlFlow::Continue(()),
        };
    }
    let head_len = name.find(['*', '?']).unwrap_or(name.len());
    let head = name.get(..head_len).unwrap_or_default();
    let trailing_star_only = name.get(head_len..) == Some("*");
    let actions = service.actions();
    // The names sharing the head form one block of the sorted table: find both ends.
    let start =
        actions.partition_point(|a| cmp_ignore_ascii_case(a.name(), head) == Ordering::Less);
    let block = actions.get(start..).unwrap_or_default();
    let len = block.partition_point(|a| {
        a.name()
            .as_bytes()
            .get(..head.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(head.as_bytes()))
    });
    let block = block.get(..len).unwrap_or_default();
    if !trailing_star_only {
        crate::budget::spend(block.len() as u64 * crate::budget::GLOB);
    }
    for action in block {
        if trailing_star_only || glob_match_ci(name, action.name()) {
            f(action)?;
        }
    }
    ControlFlow::Continue(())
}

/// The order of the catalog's sorted tables: by ASCII-lowercase bytes.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn names(prefix: &str, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let _ = expand(prefix, name, &mut |a| {
            out.push(a.to_string());
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn expansion_agrees_with_the_catalog() {
        for pattern in [
            "s3:Get*",
            "s3:*Object",
            "S3:getobject",
            "ec2:Describe*",
            "iam:*AccessKey*",
            "s3:?etObject",
            "sts:*",
            "s*:GetObject",
            "*:PassRole",
            "s3:Nope*",
        ] {
            let (prefix, name) = pattern.split_once(':').unwrap();
            let want: Vec<String> = catalog::expand_action_pattern(pattern)
                .iter()
                .map(|(_, a)| a.to_string())
                .collect();
            assert_eq!(names(prefix, name), want, "{pattern}");
        }
        assert!(names("s3", "Get*").contains(&"s3:GetObject".to_owned()));
        assert!(names("s3", "Nope*").is_empty());
    }
}
