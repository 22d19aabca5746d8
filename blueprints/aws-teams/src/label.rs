//! Cloud Posse's null-label 0.25.0, the naming every Cloud Posse component shares: the `id`
//! (labels in `label_order`, cleaned by `regex_replace_chars`, cased by `label_value_case`,
//! joined by `delimiter`, shortened to `id_length_limit` with an MD5 suffix) and the generated
//! tags. The rules are null-label's `main.tf`, reproduced exactly because role names depend on
//! them.

use std::collections::BTreeMap;

use blueprint_kit::BlueprintError;
use regex::Regex;

use blueprint_kit::InputEnum;

use crate::inputs::{LabelKeyCase, LabelName, LabelValueCase, NullLabelInputs};
use crate::md5::md5_hex;

/// The six labels, in null-label's order.
pub const LABELS: [LabelName; 6] = [
    LabelName::Namespace,
    LabelName::Tenant,
    LabelName::Environment,
    LabelName::Stage,
    LabelName::Name,
    LabelName::Attributes,
];

/// The label order when none is given. Tenant is not in it.
pub const DEFAULT_LABEL_ORDER: [LabelName; 5] = [
    LabelName::Namespace,
    LabelName::Environment,
    LabelName::Stage,
    LabelName::Name,
    LabelName::Attributes,
];

/// The characters removed from labels when `regex_replace_chars` is not set.
pub const DEFAULT_REGEX_REPLACE_CHARS: &str = "/[^-a-zA-Z0-9]/";

/// How many hash characters a shortened id ends with.
const ID_HASH_LENGTH: usize = 5;

impl LabelValueCase {
    /// Applies the case the way null-label does to label values.
    pub fn apply(self, s: &str) -> String {
        match self {
            LabelValueCase::Lower => s.to_lowercase(),
            LabelValueCase::Title => title(&s.to_lowercase()),
            LabelValueCase::Upper => s.to_uppercase(),
            LabelValueCase::AsIs => s.to_owned(),
        }
    }
}

impl LabelKeyCase {
    /// Applies the case the way null-label does to tag keys.
    pub fn apply(self, s: &str) -> String {
        match self {
            LabelKeyCase::Lower => s.to_lowercase(),
            LabelKeyCase::Title => title(&s.to_lowercase()),
            LabelKeyCase::Upper => s.to_uppercase(),
        }
    }
}

/// Terraform's `title()`, which is Go's `strings.Title`: the first letter of each word is
/// upper-cased, a word starting at the beginning or after any ASCII character other than a
/// letter, digit or `_` (or after non-ASCII white space); nothing is lower-cased.
/// `prod-eu` → `Prod-Eu`, `my_env` → `My_env`, `PROD` → `PROD`.
pub fn title(s: &str) -> String {
    let is_separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        }
    };
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        if is_separator(prev) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Terraform's `replace(s, pattern, "")`: a pattern wrapped in `/` is a regular expression,
/// anything else a literal substring.
#[derive(Debug, Clone)]
enum Remover {
    Regex(Regex),
    Literal(String),
}

impl Remover {
    fn new(pattern: &str) -> Result<Remover, BlueprintError> {
        match pattern.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
            Some(re) if pattern.len() > 1 => Regex::new(re).map(Remover::Regex).map_err(|e| {
                BlueprintError::input(
                    "regex_replace_chars",
                    format!("`{pattern}` is not a valid regular expression: {e}"),
                )
                .with_help("write a regular expression between slashes, e.g. `/[^a-zA-Z0-9-]/`")
            }),
            _ => Ok(Remover::Literal(pattern.to_owned())),
        }
    }

    fn apply(&self, s: &str) -> String {
        match self {
            Remover::Regex(re) => re.replace_all(s, "").into_owned(),
            Remover::Literal(lit) if lit.is_empty() => s.to_owned(),
            Remover::Literal(lit) => s.replace(lit.as_str(), ""),
        }
    }
}

/// The resolved null-label: the labels after cleaning and casing, the `id` and the tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Whether the component creates anything.
    pub enabled: bool,
    /// The namespace label (empty when unset).
    pub namespace: String,
    /// The tenant label.
    pub tenant: String,
    /// The environment label.
    pub environment: String,
    /// The stage label.
    pub stage: String,
    /// The name label.
    pub name: String,
    /// The attributes, cleaned, cased and de-duplicated.
    pub attributes: Vec<String>,
    /// The delimiter.
    pub delimiter: String,
    /// The label order in effect.
    pub label_order: Vec<LabelName>,
    /// The id before shortening.
    pub id_full: String,
    /// The id: `id_full`, or its shortened form when it is longer than `id_length_limit`.
    pub id: String,
    /// The generated tags merged with the input tags (`Name` is the id).
    pub tags: BTreeMap<String, String>,
}

impl Label {
    /// Resolves the label from the inputs and their `context`, as null-label 0.25.0 does.
    pub fn from_inputs(i: &NullLabelInputs) -> Result<Label, BlueprintError> {
        let ctx = &i.context;
        let enabled = i.enabled.unwrap_or(ctx.enabled);
        let pick = |own: &Option<String>, from_ctx: &Option<String>| {
            own.clone().or_else(|| from_ctx.clone())
        };

        // Terraform's `coalesce` skips null and empty strings.
        let regex_input =
            pick(&i.regex_replace_chars, &ctx.regex_replace_chars).filter(|s| !s.is_empty());
        let remover = Remover::new(
            regex_input
                .as_deref()
                .unwrap_or(DEFAULT_REGEX_REPLACE_CHARS),
        )?;

        let value_case = i
            .label_value_case
            .or(ctx.label_value_case)
            .unwrap_or(LabelValueCase::Lower);
        let key_case = i
            .label_key_case
            .or(ctx.label_key_case)
            .unwrap_or(LabelKeyCase::Title);

        let id_length_limit = i.id_length_limit.or(ctx.id_length_limit).unwrap_or(0) as usize;
        if id_length_limit != 0 && id_length_limit < 6 {
            let input = if i.id_length_limit.is_some() {
                "id_length_limit"
            } else {
                "context.id_length_limit"
            };
            return Err(BlueprintError::input(
                input,
                format!("`{id_length_limit}` is below the minimum of 6"),
            )
            .with_help("set it to 6 or more, or to 0 for unlimited length"));
        }

        let label_order = match &i.label_order {
            Some(order) => order.clone(),
            None => ctx.label_order.clone(),
        };
        // `coalescelist`: an empty order is the default order.
        let label_order = if label_order.is_empty() {
            DEFAULT_LABEL_ORDER.to_vec()
        } else {
            label_order
        };

        let delimiter = pick(&i.delimiter, &ctx.delimiter).unwrap_or_else(|| "-".to_owned());

        let format_label =
            |v: Option<String>| value_case.apply(&remover.apply(v.as_deref().unwrap_or("")));
        let namespace = format_label(pick(&i.namespace, &ctx.namespace));
        let tenant = format_label(pick(&i.tenant, &ctx.tenant));
        let environment = format_label(pick(&i.environment, &ctx.environment));
        let stage = format_label(pick(&i.stage, &ctx.stage));
        let name = format_label(pick(&i.name, &ctx.name));

        // compact(distinct(...)) at each step, as null-label does.
        let raw_attributes = compact_distinct(ctx.attributes.iter().chain(&i.attributes).cloned());
        let normalized = compact_distinct(raw_attributes.iter().map(|a| remover.apply(a)));
        let attributes = compact_distinct(normalized.iter().map(|a| value_case.apply(a)));
        let joined_attributes = attributes.join(&delimiter);

        let id_context = |label: LabelName| -> &str {
            match label {
                LabelName::Namespace => &namespace,
                LabelName::Tenant => &tenant,
                LabelName::Environment => &environment,
                LabelName::Stage => &stage,
                LabelName::Name => &name,
                LabelName::Attributes => &joined_attributes,
            }
        };
        let id_full = label_order
            .iter()
            .map(|l| id_context(*l))
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(&delimiter);
        let id = shorten_id(&id_full, id_length_limit, &delimiter, value_case, &remover);

        let labels_as_tags = if ctx.labels_as_tags.iter().any(|l| l == "unset") {
            &i.labels_as_tags
        } else {
            &ctx.labels_as_tags
        };
        let all_labels = labels_as_tags.iter().any(|l| l == "default");
        let mut tags = BTreeMap::new();
        for label in LABELS {
            let label_name = label.name();
            if !all_labels && !labels_as_tags.iter().any(|l| l == label_name) {
                continue;
            }
            // The `Name` tag carries the id, not the name label.
            let value = if label == LabelName::Name {
                id.as_str()
            } else {
                id_context(label)
            };
            if !value.is_empty() {
                tags.insert(key_case.apply(label_name), value.to_owned());
            }
        }
        tags.extend(ctx.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags.extend(i.tags.iter().map(|(k, v)| (k.clone(), v.clone())));

        Ok(Label {
            enabled,
            namespace,
            tenant,
            environment,
            stage,
            name,
            attributes,
            delimiter,
            label_order,
            id_full,
            id,
            tags,
        })
    }

    /// A name made of the id, the delimiter and `suffix` as given (aws-teams'
    /// `format("%s%s%s", id, delimiter, team)`: the suffix is not cleaned or cased).
    pub fn resource_name(&self, suffix: &str) -> String {
        format!("{}{}{}", self.id, self.delimiter, suffix)
    }
}

/// Terraform's `compact(distinct(list))`: first occurrences kept, empty strings dropped.
fn compact_distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// null-label's id shortening: when the id is longer than the limit, keep its start (up to
/// the limit minus room for the delimiter and a 5-character hash, without a trailing
/// delimiter), then the delimiter, then the MD5 of the full id cased like the labels.
fn shorten_id(
    id_full: &str,
    limit: usize,
    delimiter: &str,
    case: LabelValueCase,
    remover: &Remover,
) -> String {
    if limit == 0 || id_full.chars().count() <= limit {
        return id_full.to_owned();
    }
    let delimiter_length = delimiter.chars().count();
    let truncated = match limit.checked_sub(ID_HASH_LENGTH + delimiter_length) {
        Some(keep) if keep > 0 => {
            let start: String = id_full.chars().take(keep).collect();
            let start = start
                .strip_suffix(delimiter)
                .filter(|_| !delimiter.is_empty())
                .unwrap_or(&start);
            format!("{start}{delimiter}")
        }
        _ => String::new(),
    };
    let hash_plus = format!("{}qrstuvwxyz", md5_hex(id_full.as_bytes()));
    let hash_cased = match case {
        LabelValueCase::Title => title(&hash_plus),
        LabelValueCase::Upper => hash_plus.to_uppercase(),
        LabelValueCase::Lower => hash_plus.to_lowercase(),
        LabelValueCase::AsIs => hash_plus,
    };
    let hash = remover.apply(&hash_cased);
    format!("{truncated}{hash}").chars().take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_follows_go_strings_title() {
        // The examples of original-modules.md §0.4.
        for (input, want) in [
            ("sandbox", "Sandbox"),
            ("prod-eu", "Prod-Eu"),
            ("my_env", "My_env"),
            ("PROD", "PROD"),
            ("2fa", "2fa"),
            ("*", "*"),
            ("a.b c", "A.B C"),
        ] {
            assert_eq!(title(input), want, "title({input:?})");
        }
    }

    #[test]
    fn literal_and_regex_removers() {
        let re = Remover::new("/[^a-z]/").map_err(|e| e.to_string());
        assert_eq!(re.map(|r| r.apply("a-b_c1")), Ok("abc".to_owned()));
        let lit = Remover::new("_").map_err(|e| e.to_string());
        assert_eq!(lit.map(|r| r.apply("a_b_c")), Ok("abc".to_owned()));
        let slash = Remover::new("/").map_err(|e| e.to_string());
        assert_eq!(slash.map(|r| r.apply("a/b")), Ok("ab".to_owned()));
        assert!(Remover::new("/[a-/").is_err());
    }
}
