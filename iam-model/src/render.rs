//! Rendering a [`Deployment`] for the tools that ship it: Terraform JSON ([`terraform`]) and the
//! resolved IAM JSON ([`iam`]), the objects exactly as IAM will hold them.
//!
//! This module owns what both renderings share: the [`RenderedFile`] and [`RenderError`] types,
//! turning deployment keys into Terraform names, and the ownership tags merged into every
//! object's own tags.

pub mod iam;
pub mod terraform;

use std::collections::{BTreeMap, HashMap};

use crate::deployment::resolve::LookupError;
use crate::deployment::{Deployment, TAG_BLUEPRINT, TAG_INSTANCE};

pub use iam::{AccountResolver, Resolution};
pub use terraform::TerraformOptions;

/// One rendered file: its name (no directory) and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// The file name, e.g. `roles.tf.json`.
    pub name: String,
    /// The contents, ending with a newline.
    pub contents: String,
}

/// Why a deployment could not be rendered. Every variant names the object and the offending
/// value, and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum RenderError {
    /// The deployment declares no account, so nothing has a provider or an account id.
    #[error("deployment `{blueprint}` declares no account")]
    #[diagnostic(
        code(rolewright::render::no_account),
        help("declare at least one account (the `default` account is declared unless the blueprint replaces the list)")
    )]
    NoAccount {
        /// The blueprint name.
        blueprint: String,
    },
    /// Two objects of one kind share a key.
    #[error("{kind} key `{key}` is used by two objects")]
    #[diagnostic(
        code(rolewright::render::duplicate_key),
        help("give every {kind} its own key; keys name Terraform resources and references")
    )]
    DuplicateKey {
        /// What kind of object (`role`, `account`, ...).
        kind: String,
        /// The key.
        key: String,
    },
    /// Two keys become the same Terraform name once sanitized.
    #[error("{kind} `{first}` and `{second}` both become the Terraform name `{name}`")]
    #[diagnostic(
        code(rolewright::render::name_collision),
        help("rename one of them; a key becomes a Terraform name by replacing every character other than ASCII letters, digits, `_` and `-` with `_` (and `_` in front of a leading digit or `-`)")
    )]
    NameCollision {
        /// What is named (`aws_iam_role`, `provider alias`, ...).
        kind: String,
        /// The Terraform name both become.
        name: String,
        /// The first key.
        first: String,
        /// The second key.
        second: String,
    },
    /// A name that must be a Terraform identifier as it is (variables, outputs) is not one.
    #[error("{what} `{name}` is not a valid Terraform name")]
    #[diagnostic(
        code(rolewright::render::invalid_name),
        help("use ASCII letters, digits, `_` and `-`, starting with a letter or `_`; Terraform also reserves `source`, `version`, `providers`, `count`, `for_each`, `lifecycle`, `depends_on` and `locals` for variables")
    )]
    InvalidName {
        /// What is named (`variable`, `output`, `external value`).
        what: String,
        /// The name.
        name: String,
    },
    /// Two Terraform variables would share a name.
    #[error("`{name}` is declared both as {first} and as {second}")]
    #[diagnostic(
        code(rolewright::render::duplicate_variable),
        help("rename one of them; every input and every external value becomes its own Terraform variable")
    )]
    DuplicateVariable {
        /// The variable name.
        name: String,
        /// The first declaration (`an input`, `an external value`).
        first: String,
        /// The second declaration.
        second: String,
    },
    /// A late-bound value where only a literal can go (a variable's value).
    #[error("{what} holds the late-bound value `{value}`, but only literal values can go there")]
    #[diagnostic(
        code(rolewright::render::late_bound_not_allowed),
        help("give the input its literal value; late-bound values belong in policies, ARNs and outputs")
    )]
    LateBoundNotAllowed {
        /// Where the value is.
        what: String,
        /// The late-bound value.
        value: String,
    },
    /// A reference to an object, account or value the deployment does not have.
    #[error("{what} refers to `{value}`, which the deployment does not have")]
    #[diagnostic(
        code(rolewright::render::unknown_reference),
        help("declare the object, account or value in the deployment, or fix the key (`Deployment::validate` reports these as UNRESOLVED_REFERENCE)")
    )]
    UnknownReference {
        /// Where the reference is.
        what: String,
        /// The reference.
        value: String,
    },
    /// A late-bound value that refers to nothing the deployment has, or to something no
    /// output can give (see [`crate::deployment::resolve`]).
    #[error("{what}: {message}")]
    #[diagnostic(code(rolewright::render::reference), help("{help}"))]
    Reference {
        /// Where the reference is.
        what: String,
        /// What is wrong with it, with a suggestion where one is close.
        message: String,
        /// What to do instead.
        help: String,
    },
    /// A reference this rendering cannot express.
    #[error("{what}: `{value}` cannot be rendered: {reason}")]
    #[diagnostic(code(rolewright::render::unsupported_reference), help("{help}"))]
    UnsupportedReference {
        /// Where the reference is.
        what: String,
        /// The reference.
        value: String,
        /// Why not, lowercase.
        reason: String,
        /// What to do instead.
        help: String,
    },
    /// A late-bound value has no value in the resolved IAM rendering.
    #[error("{what}: late-bound value `{value}` has no value")]
    #[diagnostic(code(rolewright::render::unresolved), help("{help}"))]
    Unresolved {
        /// Where the value is.
        what: String,
        /// The late-bound value.
        value: String,
        /// Which flag gives it.
        help: String,
    },
    /// A number that is not a JSON number.
    #[error("{what}: `{value}` is not a JSON number")]
    #[diagnostic(
        code(rolewright::render::invalid_number),
        help("write numbers the way JSON does, e.g. `3600` or `0.5`")
    )]
    InvalidNumber {
        /// Where the number is.
        what: String,
        /// The text.
        value: String,
    },
    /// An object sets one of the ownership tags itself.
    #[error(
        "{what} sets the tag `{key}` to `{value}`, but rolewright reserves that tag for ownership"
    )]
    #[diagnostic(
        code(rolewright::render::reserved_tag),
        help("remove the tag; every object is tagged `rolewright:blueprint` and `rolewright:instance` automatically")
    )]
    ReservedTag {
        /// The object.
        what: String,
        /// The tag key.
        key: String,
        /// The value the object gives it.
        value: String,
    },
    /// The blueprint or instance name cannot be a tag value.
    #[error("ownership tag `{key}` would be `{value}`, which breaks IAM's tag rules")]
    #[diagnostic(
        code(rolewright::render::invalid_ownership_tag),
        help("blueprint and instance names are tag values: at most 256 letters, digits, spaces and `_.:/=+-@`")
    )]
    InvalidOwnershipTag {
        /// The tag key.
        key: String,
        /// The value.
        value: String,
    },
}

impl RenderError {
    /// The error for a reference in `what` that the one resolver could not look up.
    pub fn reference(what: &dyn std::fmt::Display, e: &LookupError) -> Self {
        RenderError::Reference {
            what: what.to_string(),
            message: e.to_string(),
            help: e.help().into_owned(),
        }
    }
}

/// Turns a deployment key into a Terraform name: every character other than ASCII letters,
/// digits, `_` and `-` becomes `_`, and a name that does not start with a letter or `_` gets a
/// `_` in front. The same key always gives the same name.
///
/// ```
/// use iam_model::render::terraform_name;
/// assert_eq!(terraform_name("runtime"), "runtime");
/// assert_eq!(terraform_name("aws/kinesis.reader"), "aws_kinesis_reader");
/// assert_eq!(terraform_name("1st"), "_1st");
/// ```
pub fn terraform_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 1);
    for c in key.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// True when `name` is usable as it is as a Terraform name (variables, outputs, aliases).
pub fn is_terraform_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Keys of one kind mapped to Terraform names, refusing duplicates and collisions.
#[derive(Debug, Default)]
pub(crate) struct NameTable {
    kind: &'static str,
    key_kind: &'static str,
    by_key: HashMap<String, String>,
    by_name: HashMap<String, String>,
}

impl NameTable {
    /// An empty table for keys of `key_kind` named as `kind` in Terraform.
    pub(crate) fn new(kind: &'static str, key_kind: &'static str) -> Self {
        NameTable {
            kind,
            key_kind,
            by_key: HashMap::new(),
            by_name: HashMap::new(),
        }
    }

    /// Adds `key` under `name`.
    pub(crate) fn insert_as(&mut self, key: &str, name: String) -> Result<(), RenderError> {
        if self.by_key.contains_key(key) {
            return Err(RenderError::DuplicateKey {
                kind: self.key_kind.to_owned(),
                key: key.to_owned(),
            });
        }
        if let Some(prev) = self.by_name.get(&name) {
            return Err(RenderError::NameCollision {
                kind: self.kind.to_owned(),
                name,
                first: prev.clone(),
                second: key.to_owned(),
            });
        }
        self.by_name.insert(name.clone(), key.to_owned());
        self.by_key.insert(key.to_owned(), name);
        Ok(())
    }

    /// Adds `key` under its sanitized name.
    pub(crate) fn insert(&mut self, key: &str) -> Result<(), RenderError> {
        self.insert_as(key, terraform_name(key))
    }

    /// The name of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }
}

/// Checks the blueprint and instance names against IAM's tag value rules.
pub(crate) fn check_ownership_tags(d: &Deployment) -> Result<(), RenderError> {
    for (key, value) in d.ownership_tags() {
        let ok = value.chars().count() <= 256
            && value
                .chars()
                .all(|ch| ch.is_alphanumeric() || ch == ' ' || "_.:/=+-@".contains(ch));
        if !ok {
            return Err(RenderError::InvalidOwnershipTag { key, value });
        }
    }
    Ok(())
}

/// An object's tags with the ownership tags merged in (ownership tags may not be overridden).
pub(crate) fn object_tags(
    d: &Deployment,
    what: &dyn std::fmt::Display,
    own: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut tags = own.clone();
    for (k, v) in d.ownership_tags() {
        if let Some(prev) = own.get(&k) {
            if *prev != v {
                return Err(RenderError::ReservedTag {
                    what: what.to_string(),
                    key: k,
                    value: prev.clone(),
                });
            }
        }
        tags.insert(k, v);
    }
    debug_assert!(tags.contains_key(TAG_BLUEPRINT) && tags.contains_key(TAG_INSTANCE));
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized_deterministically() {
        assert_eq!(terraform_name("runtime-connector"), "runtime-connector");
        assert_eq!(terraform_name("a.b/c d"), "a_b_c_d");
        assert_eq!(terraform_name("9lives"), "_9lives");
        assert_eq!(terraform_name("-x"), "_-x");
        assert_eq!(terraform_name(""), "_");
        assert_eq!(terraform_name("é"), "_");
        for key in ["a.b", "9", "-", "é", "x y", ""] {
            assert!(is_terraform_name(&terraform_name(key)), "{key}");
        }
        assert!(!is_terraform_name("a.b"));
        assert!(!is_terraform_name("1a"));
        assert!(is_terraform_name("_a-1"));
    }

    #[test]
    fn name_table_rejects_collisions_and_duplicates() {
        let mut t = NameTable::new("aws_iam_role", "role");
        t.insert("a.b").unwrap();
        let err = t.insert("a_b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "aws_iam_role `a.b` and `a_b` both become the Terraform name `a_b`"
        );
        let err = t.insert("a.b").unwrap_err();
        assert_eq!(err.to_string(), "role key `a.b` is used by two objects");
        assert_eq!(t.get("a.b"), Some("a_b"));
        assert_eq!(t.get("a_b"), None);
    }
}
