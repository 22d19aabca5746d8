//! The IAM objects an original module creates, vendored as JSON next to a blueprint's tests,
//! and the comparison of a deployment with them: every role (name, path, description, session
//! duration, trust, inline policies, attached policies, tags) and every OIDC provider (URL,
//! client ids, tags), matched by account key and name.
//!
//! A blueprint test reads the original's file, applies the differences its README lists as
//! edits of that JSON ([`Original::edit`]), and asserts that no difference remains
//! ([`Original::assert_matches`]) and that each listed edit was needed
//! ([`Original::assert_each_edit_needed`]): an unlisted difference, or a listed one that no
//! longer exists, fails.
//!
//! The file format:
//!
//! ```json
//! {"origin": "where every value comes from",
//!  "oidc_providers": [{"account": "billing", "url": "https://…", "client_ids": ["sts.amazonaws.com"], "tags": {}}],
//!  "roles": [{"account": "billing", "name": "…", "path": "/", "description": "", "max_session_duration": 3600,
//!             "trust": {…}, "inline_policies": {"name": {…}}, "managed_policy_arns": [], "tags": {}}]}
//! ```
//!
//! `path`, `description`, `max_session_duration`, `inline_policies`, `managed_policy_arns`,
//! `client_ids` and `tags` take IAM's defaults when left out; `thumbprints` is compared only
//! when given (the originals compute them from a live certificate). A role's `unspecified`
//! lists the fields a design-only original does not give (`"unspecified": ["inline_policies"]`):
//! they are not compared, and the vendored file's `origin` says why.

use std::collections::{BTreeMap, BTreeSet};

use iam_model::deployment::Deployment;
use iam_model::{equivalent, PolicyDocument};
use serde_json::Value;

use crate::{resolution, resolved};

/// One listed difference: the README's words for it and the edit that turns the original's
/// JSON into what the blueprint creates.
pub struct Edit {
    /// Text that the README's "Differences from the original" section contains for this row.
    pub readme: &'static str,
    /// The edit of the original's JSON.
    pub apply: Box<dyn Fn(&mut Value)>,
}

impl Edit {
    /// A difference the README lists with the words `readme`.
    pub fn new(readme: &'static str, apply: impl Fn(&mut Value) + 'static) -> Self {
        Edit {
            readme,
            apply: Box::new(apply),
        }
    }
}

/// An original configuration's IAM objects and the listed differences.
pub struct Original {
    name: String,
    json: Value,
    edits: Vec<Edit>,
}

impl Original {
    /// Reads the vendored JSON `path`; `name` names it in failure messages.
    pub fn read(name: &str, path: &str) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            json.get("origin").and_then(Value::as_str).is_some(),
            "{path}: every vendored original says where it comes from (`origin`)"
        );
        Original {
            name: name.to_owned(),
            json,
            edits: Vec::new(),
        }
    }

    /// Adds a listed difference.
    pub fn edit(mut self, readme: &'static str, apply: impl Fn(&mut Value) + 'static) -> Self {
        self.edits.push(Edit::new(readme, apply));
        self
    }

    fn edited(&self, skip: Option<usize>) -> Value {
        let mut json = self.json.clone();
        for (i, e) in self.edits.iter().enumerate() {
            if Some(i) != skip {
                (e.apply)(&mut json);
            }
        }
        json
    }

    /// Panics unless `d` equals the original with every listed difference applied, and each
    /// listed difference is in `readme` (the README's text).
    pub fn assert_matches(&self, d: &Deployment, readme: &str) {
        let diffs = differences(d, &self.edited(None));
        assert!(
            diffs.is_empty(),
            "{}: the render differs from the original in ways the README does not list:\n  {}",
            self.name,
            diffs.join("\n  ")
        );
        let section = readme
            .split("## Differences from the original")
            .nth(1)
            .unwrap_or_else(|| panic!("the README has no \"Differences from the original\""));
        for e in &self.edits {
            assert!(
                section.contains(e.readme),
                "{}: the README's differences do not mention `{}`",
                self.name,
                e.readme
            );
        }
    }

    /// Panics when leaving out any one listed difference still matches: each is real.
    pub fn assert_each_edit_needed(&self, d: &Deployment) {
        for (i, e) in self.edits.iter().enumerate() {
            assert!(
                !differences(d, &self.edited(Some(i))).is_empty(),
                "{}: the listed difference `{}` is not a difference",
                self.name,
                e.readme
            );
        }
    }
}

/// The role at `name` in `account` of an original's JSON, for edits.
pub fn role<'a>(json: &'a mut Value, account: &str, name: &str) -> &'a mut Value {
    json["roles"]
        .as_array_mut()
        .and_then(|roles| {
            roles
                .iter_mut()
                .find(|r| r["account"] == account && r["name"] == name)
        })
        .unwrap_or_else(|| panic!("the original has no role `{name}` in `{account}`"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn tags(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn document(v: &Value, what: &str) -> PolicyDocument {
    PolicyDocument::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn compact(doc: &PolicyDocument) -> String {
    doc.to_json_compact().unwrap_or_default()
}

/// Every difference between the deployment and an original's JSON, one line each; empty when
/// they are the same objects.
pub fn differences(d: &Deployment, original: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let r = resolution(d);
    let index = iam_model::deployment::resolve::Index::new(d);
    let empty = Vec::new();

    let originals = original["oidc_providers"].as_array().unwrap_or(&empty);
    let mut seen = BTreeSet::new();
    for p in &d.oidc_providers {
        let id = format!("OIDC provider `{}` in `{}`", p.url, p.account);
        let Some(o) = originals
            .iter()
            .find(|o| o["account"] == p.account.as_str() && o["url"] == p.url.as_str())
        else {
            out.push(format!("{id}: only here"));
            continue;
        };
        seen.insert((p.account.clone(), p.url.clone()));
        if strings(&o["client_ids"]) != p.client_ids {
            out.push(format!(
                "{id}: client ids {:?}, original {:?}",
                p.client_ids,
                strings(&o["client_ids"])
            ));
        }
        if o.get("thumbprints").is_some() && strings(&o["thumbprints"]) != p.thumbprints {
            out.push(format!(
                "{id}: thumbprints {:?}, original {:?}",
                p.thumbprints,
                strings(&o["thumbprints"])
            ));
        }
        if tags(&o["tags"]) != p.tags {
            out.push(format!(
                "{id}: tags {:?}, original {:?}",
                p.tags,
                tags(&o["tags"])
            ));
        }
    }
    for o in originals {
        let key = (
            o["account"].as_str().unwrap_or_default().to_owned(),
            o["url"].as_str().unwrap_or_default().to_owned(),
        );
        if !seen.contains(&key) {
            out.push(format!(
                "OIDC provider `{}` in `{}`: only in the original",
                key.1, key.0
            ));
        }
    }

    let originals = original["roles"].as_array().unwrap_or(&empty);
    let mut seen = BTreeSet::new();
    for role in &d.roles {
        let id = format!("role `{}` in `{}`", role.name, role.account);
        let Some(o) = originals
            .iter()
            .find(|o| o["account"] == role.account.as_str() && o["name"] == role.name.as_str())
        else {
            out.push(format!("{id}: only here"));
            continue;
        };
        seen.insert((role.account.clone(), role.name.clone()));
        let unspecified = strings(&o["unspecified"]);
        let given = |field: &str| !unspecified.iter().any(|u| u == field);
        let path = o["path"].as_str().unwrap_or("/");
        if given("path") && path != role.path {
            out.push(format!("{id}: path `{}`, original `{path}`", role.path));
        }
        let description = o["description"].as_str().unwrap_or("");
        if given("description") && description != role.description {
            out.push(format!(
                "{id}: description {:?}, original {description:?}",
                role.description
            ));
        }
        let duration = o["max_session_duration"].as_u64().unwrap_or(3600);
        if given("max_session_duration") && duration != u64::from(role.max_session_duration) {
            out.push(format!(
                "{id}: max session duration {}, original {duration}",
                role.max_session_duration
            ));
        }
        if given("tags") && tags(&o["tags"]) != role.tags {
            out.push(format!(
                "{id}: tags {:?}, original {:?}",
                role.tags,
                tags(&o["tags"])
            ));
        }
        if given("trust") {
            let trust = resolved(d, &role.account, &role.trust);
            let expected = document(&o["trust"], &format!("{id} trust"));
            if !equivalent(&trust, &expected) {
                out.push(format!(
                    "{id}: trust {}, original {}",
                    compact(&trust),
                    compact(&expected)
                ));
            }
        }
        let inline = o["inline_policies"].as_object();
        let mut names: BTreeSet<&str> = role
            .inline_policies
            .keys()
            .map(String::as_str)
            .chain(
                inline
                    .into_iter()
                    .flat_map(|m| m.keys().map(String::as_str)),
            )
            .collect();
        if !given("inline_policies") {
            names.clear();
        }
        for name in names {
            match (
                role.inline_policies.get(name),
                inline.and_then(|m| m.get(name)),
            ) {
                (Some(ours), Some(theirs)) => {
                    let ours = resolved(d, &role.account, ours);
                    let theirs = document(theirs, &format!("{id} inline policy `{name}`"));
                    if !equivalent(&ours, &theirs) {
                        out.push(format!(
                            "{id}: inline policy `{name}` {}, original {}",
                            compact(&ours),
                            compact(&theirs)
                        ));
                    }
                }
                (Some(_), None) => out.push(format!("{id}: inline policy `{name}` only here")),
                (None, _) => out.push(format!("{id}: inline policy `{name}` only in the original")),
            }
        }
        let resolver = r.for_account(&index, &role.account);
        let ours: BTreeSet<String> = role
            .managed_policy_arns
            .iter()
            .map(|t| t.resolve(&resolver).unwrap_or_else(|e| panic!("{id}: {e}")))
            .collect();
        let theirs: BTreeSet<String> = strings(&o["managed_policy_arns"]).into_iter().collect();
        if given("managed_policy_arns") && ours != theirs {
            out.push(format!("{id}: attached {ours:?}, original {theirs:?}"));
        }
    }
    for o in originals {
        let key = (
            o["account"].as_str().unwrap_or_default().to_owned(),
            o["name"].as_str().unwrap_or_default().to_owned(),
        );
        if !seen.contains(&key) {
            out.push(format!(
                "role `{}` in `{}`: only in the original",
                key.1, key.0
            ));
        }
    }
    out
}
