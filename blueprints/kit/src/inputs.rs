//! Typed input values: how a [`ConfigNode`] becomes a Rust value, what type it has in docs and
//! Terraform `variable` blocks, and how it is written back as an [`OutputValue`].
//!
//! `#[derive(Inputs)]` and `#[derive(InputEnum)]` (from `iam-macros`, re-exported by this
//! crate) generate code that calls into this module: [`InputValue`] for every field type,
//! [`Fields`] to read a struct's members and report unknown ones, [`Constraints`] for
//! `#[input(range = …, pattern = …)]`, and the [`spec`]/[`variable`] helpers. The trait is
//! public so that a blueprint can implement it by hand for a value the derives do not cover
//! (a string-or-list, for instance).
//!
//! Every reader reports all problems it finds into the `errors` vector and returns `None`
//! when the value cannot be built, so one run shows every mistake in a config file.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

pub use iam_model::deployment::{InputType, OutputValue, Variable};

use crate::config::{ConfigError, ConfigNode, ConfigValue, InputPath};
use crate::InputSpec;

#[cfg(test)]
mod tests;

/// A value an input can hold: strings, Booleans, integers, `f64`, `Option`, `Vec`,
/// `BTreeMap<K, T>`, structs deriving `Inputs` and enums deriving `InputEnum`.
pub trait InputValue: Sized {
    /// The value's type, as a Terraform type expression shows it.
    fn input_type() -> InputType;
    /// What a config must hold here, with an article: `a string`, `a list of strings`.
    fn expected() -> String;
    /// The same in the plural, for lists and maps of this type: `strings`, `lists of strings`.
    fn expected_plural() -> String;
    /// Reads the value at `path`, reporting every problem into `errors`; `None` when the
    /// value cannot be built.
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self>;
    /// The value for a Terraform `variable` block or an output.
    fn to_output(&self) -> OutputValue;
    /// The value when the input is absent and has no default: `Some(None)` for `Option`,
    /// `None` (a missing-input error) for everything else.
    fn when_missing() -> Option<Self> {
        None
    }
    /// An `#[input(example = "…")]` text as JSON: strings are quoted, other types are taken
    /// as written.
    fn example_json(raw: &str) -> String {
        raw.to_owned()
    }
}

/// A value that can be a map key in a config: strings and enums deriving `InputEnum`.
pub trait InputKey: Sized {
    /// Reads a key, reporting a problem into `errors`.
    fn from_key(node: &ConfigNode, path: &InputPath, errors: &mut Vec<ConfigError>)
        -> Option<Self>;
    /// The key as written in a config and in paths.
    fn key_name(&self) -> String;
}

/// An enum of string values: what `#[derive(InputEnum)]` implements.
pub trait InputEnum: Sized + 'static {
    /// Every variant, in declaration order (the order of [`InputEnum::NAMES`]).
    const ALL: &'static [Self];
    /// Every value as written in a config, in declaration order.
    const NAMES: &'static [&'static str];
    /// The value as written in a config.
    fn name(&self) -> &'static str;
    /// The variant written `name`, exactly.
    fn from_name(name: &str) -> Option<Self>;
}

/// A numeric bound of `#[input(range = …)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer literal.
    Int(i128),
    /// A floating-point literal.
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            // Precision loss above 2^53 is irrelevant for bounds written in source.
            #[allow(clippy::cast_precision_loss)]
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) => write!(f, "{x}"),
        }
    }
}

/// What `#[input(range = …, pattern = …, example = …)]` asks of a value. Containers (`Option`,
/// `Vec`, `BTreeMap`) pass their constraints on to each element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constraints {
    /// The lower bound.
    pub min: Bound<Num>,
    /// The upper bound.
    pub max: Bound<Num>,
    /// A regular expression (`regex-lite` syntax) the whole string must match.
    pub pattern: Option<&'static str>,
    /// An example value, shown in the help of a failed check.
    pub example: Option<&'static str>,
}

impl Constraints {
    /// No constraint.
    pub const NONE: Constraints = Constraints {
        min: Bound::Unbounded,
        max: Bound::Unbounded,
        pattern: None,
        example: None,
    };

    fn is_ranged(&self) -> bool {
        !matches!((self.min, self.max), (Bound::Unbounded, Bound::Unbounded))
    }

    fn range_help(&self) -> String {
        let low = match self.min {
            Bound::Included(n) => Some(format!("at least {n}")),
            Bound::Excluded(n) => Some(format!("above {n}")),
            Bound::Unbounded => None,
        };
        let high = match self.max {
            Bound::Included(n) => Some(format!("at most {n}")),
            Bound::Excluded(n) => Some(format!("below {n}")),
            Bound::Unbounded => None,
        };
        match (low, high) {
            (Some(l), Some(h)) => format!("the value must be {l} and {h}"),
            (Some(x), None) | (None, Some(x)) => format!("the value must be {x}"),
            (None, None) => String::new(),
        }
    }

    /// Checks a number against the range; `shown` is the value as written.
    fn check_range(
        &self,
        value: f64,
        int: Option<i128>,
        shown: &str,
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> bool {
        if !self.is_ranged() {
            return true;
        }
        let cmp = |bound: Num| -> std::cmp::Ordering {
            match (int, bound) {
                (Some(v), Num::Int(b)) => v.cmp(&b),
                _ => value
                    .partial_cmp(&bound.as_f64())
                    .unwrap_or(std::cmp::Ordering::Equal),
            }
        };
        use std::cmp::Ordering::{Equal, Greater, Less};
        let problem = match (self.min, self.max) {
            (Bound::Included(m), _) if cmp(m) == Less => Some(format!("`{shown}` is below {m}")),
            (Bound::Excluded(m), _) if matches!(cmp(m), Less | Equal) => {
                Some(format!("`{shown}` is not above {m}"))
            }
            (_, Bound::Included(m)) if cmp(m) == Greater => Some(format!("`{shown}` is above {m}")),
            (_, Bound::Excluded(m)) if matches!(cmp(m), Greater | Equal) => {
                Some(format!("`{shown}` is not below {m}"))
            }
            _ => None,
        };
        match problem {
            Some(message) => {
                errors.push(ConfigError::at(node, path, message).with_help(self.range_help()));
                false
            }
            None => true,
        }
    }

    /// Checks a string against the pattern.
    fn check_pattern(
        &self,
        value: &str,
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> bool {
        let Some(pattern) = self.pattern else {
            return true;
        };
        // The derive checked the pattern at compile time; a pattern that still fails to
        // compile here (a hand-written `Constraints`) is reported rather than ignored.
        let anchored = format!("^(?:{pattern})$");
        match regex_lite::Regex::new(&anchored) {
            Ok(re) if re.is_match(value) => true,
            Ok(_) => {
                let mut e =
                    ConfigError::at(node, path, format!("`{value}` does not match `{pattern}`"));
                if let Some(example) = self.example {
                    e = e.with_help(format!("for example `{example}`"));
                }
                errors.push(e);
                false
            }
            Err(err) => {
                errors.push(ConfigError::at(
                    node,
                    path,
                    format!(
                        "the input's pattern `{pattern}` is not a valid regular expression: {err}"
                    ),
                ));
                false
            }
        }
    }
}

impl Default for Constraints {
    fn default() -> Self {
        Constraints::NONE
    }
}

/// Reports that `node` is not of the type `T`.
pub fn type_error<T: InputValue>(
    node: &ConfigNode,
    path: &InputPath,
    errors: &mut Vec<ConfigError>,
) {
    errors.push(ConfigError::at(
        node,
        path,
        format!(
            "expected {}, found {}",
            T::expected(),
            node.value.describe()
        ),
    ));
}

/// A value as compact JSON text, late-bound parts written `{{name}}`: how defaults appear in
/// [`InputSpec`] and in docs.
pub fn output_json(value: &OutputValue) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

fn write_json(value: &OutputValue, out: &mut String) {
    match value {
        OutputValue::Text(t) => {
            out.push('"');
            iam_model::write::escape_into(&t.to_string(), out);
            out.push('"');
        }
        OutputValue::Number(n) => out.push_str(n),
        OutputValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        OutputValue::Null => out.push_str("null"),
        OutputValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        OutputValue::Map(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                iam_model::write::escape_into(k, out);
                out.push_str("\":");
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

fn quote_json(raw: &str) -> String {
    let mut out = String::from("\"");
    iam_model::write::escape_into(raw, &mut out);
    out.push('"');
    out
}

impl InputValue for String {
    fn input_type() -> InputType {
        InputType::String
    }
    fn expected() -> String {
        "a string".into()
    }
    fn expected_plural() -> String {
        "strings".into()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self> {
        let s = match &node.value {
            ConfigValue::String(s) => s.clone(),
            // Terraform converts a number to a string; account ids are often written unquoted.
            ConfigValue::Number(n) => n.clone(),
            _ => {
                type_error::<Self>(node, path, errors);
                return None;
            }
        };
        constraints
            .check_pattern(&s, node, path, errors)
            .then_some(s)
    }
    fn to_output(&self) -> OutputValue {
        OutputValue::Text(self.as_str().into())
    }
    fn example_json(raw: &str) -> String {
        quote_json(raw)
    }
}

impl InputValue for bool {
    fn input_type() -> InputType {
        InputType::Bool
    }
    fn expected() -> String {
        "a boolean".into()
    }
    fn expected_plural() -> String {
        "booleans".into()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        _: &Constraints,
    ) -> Option<Self> {
        match &node.value {
            ConfigValue::Bool(b) => Some(*b),
            _ => {
                type_error::<Self>(node, path, errors);
                None
            }
        }
    }
    fn to_output(&self) -> OutputValue {
        OutputValue::Bool(*self)
    }
}

/// Parses an integer as YAML and JSON write it: decimal with an optional sign, or `0x`/`0o`.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

macro_rules! integer_input {
    ($($t:ty),*) => {$(
        impl InputValue for $t {
            fn input_type() -> InputType {
                InputType::Number
            }
            fn expected() -> String {
                "an integer".into()
            }
            fn expected_plural() -> String {
                "integers".into()
            }
            fn from_node(node: &ConfigNode, path: &InputPath, errors: &mut Vec<ConfigError>, constraints: &Constraints) -> Option<Self> {
                let ConfigValue::Number(text) = &node.value else {
                    type_error::<Self>(node, path, errors);
                    return None;
                };
                let Some(v) = parse_int(text) else {
                    errors.push(ConfigError::at(node, path, format!("expected an integer, found `{text}`")));
                    return None;
                };
                let Ok(value) = <$t>::try_from(v) else {
                    let (bound, word) = if v < 0 { (<$t>::MIN.to_string(), "below") } else { (<$t>::MAX.to_string(), "above") };
                    errors.push(ConfigError::at(node, path, format!("`{text}` is {word} {bound}, the limit of this input")));
                    return None;
                };
                #[allow(clippy::cast_precision_loss)]
                let as_float = v as f64;
                constraints.check_range(as_float, Some(v), text, node, path, errors).then_some(value)
            }
            fn to_output(&self) -> OutputValue {
                OutputValue::Number(self.to_string())
            }
        }
    )*};
}

integer_input!(u8, u16, u32, u64, usize, i8, i16, i32, i64);

impl InputValue for f64 {
    fn input_type() -> InputType {
        InputType::Number
    }
    fn expected() -> String {
        "a number".into()
    }
    fn expected_plural() -> String {
        "numbers".into()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self> {
        let ConfigValue::Number(text) = &node.value else {
            type_error::<Self>(node, path, errors);
            return None;
        };
        let parsed = parse_int(text).map(|i| {
            #[allow(clippy::cast_precision_loss)]
            let f = i as f64;
            f
        });
        let value = match parsed.or_else(|| text.parse::<f64>().ok()) {
            Some(v) if v.is_finite() => v,
            _ => {
                errors.push(ConfigError::at(
                    node,
                    path,
                    format!("expected a finite number, found `{text}`"),
                ));
                return None;
            }
        };
        constraints
            .check_range(value, None, text, node, path, errors)
            .then_some(value)
    }
    fn to_output(&self) -> OutputValue {
        OutputValue::Number(self.to_string())
    }
}

impl<T: InputValue> InputValue for Option<T> {
    fn input_type() -> InputType {
        T::input_type()
    }
    fn expected() -> String {
        T::expected()
    }
    fn expected_plural() -> String {
        T::expected_plural()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self> {
        match node.value {
            ConfigValue::Null => Some(None),
            _ => T::from_node(node, path, errors, constraints).map(Some),
        }
    }
    fn to_output(&self) -> OutputValue {
        match self {
            Some(v) => v.to_output(),
            None => OutputValue::Null,
        }
    }
    fn when_missing() -> Option<Self> {
        Some(None)
    }
    fn example_json(raw: &str) -> String {
        T::example_json(raw)
    }
}

impl<T: InputValue> InputValue for Vec<T> {
    fn input_type() -> InputType {
        InputType::List(Box::new(T::input_type()))
    }
    fn expected() -> String {
        format!("a list of {}", T::expected_plural())
    }
    fn expected_plural() -> String {
        format!("lists of {}", T::expected_plural())
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self> {
        let ConfigValue::List(items) = &node.value else {
            type_error::<Self>(node, path, errors);
            return None;
        };
        let values: Vec<Option<T>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_node(item, &path.index(i), errors, constraints))
            .collect();
        values.into_iter().collect()
    }
    fn to_output(&self) -> OutputValue {
        OutputValue::List(self.iter().map(InputValue::to_output).collect())
    }
    /// An example of one element (constraints and their help apply to each element too).
    fn example_json(raw: &str) -> String {
        T::example_json(raw)
    }
}

impl<K: InputKey + Ord, T: InputValue> InputValue for BTreeMap<K, T> {
    fn input_type() -> InputType {
        InputType::Map(Box::new(T::input_type()))
    }
    fn expected() -> String {
        format!("a map of {}", T::expected_plural())
    }
    fn expected_plural() -> String {
        format!("maps of {}", T::expected_plural())
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        constraints: &Constraints,
    ) -> Option<Self> {
        let ConfigValue::Map(members) = &node.value else {
            type_error::<Self>(node, path, errors);
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (k, v) in members {
            let key = K::from_key(k, path, errors);
            let name = match &key {
                Some(key) => key.key_name(),
                None => k.value.scalar_text().unwrap_or_default(),
            };
            let value = T::from_node(v, &path.key(name), errors, constraints);
            match (key, value) {
                (Some(key), Some(value)) => {
                    out.insert(key, value);
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }
    fn to_output(&self) -> OutputValue {
        OutputValue::Map(
            self.iter()
                .map(|(k, v)| (k.key_name(), v.to_output()))
                .collect(),
        )
    }
    /// An example of one value.
    fn example_json(raw: &str) -> String {
        T::example_json(raw)
    }
}

impl InputKey for String {
    fn from_key(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Self> {
        match &node.value {
            ConfigValue::String(s) | ConfigValue::Number(s) => Some(s.clone()),
            ConfigValue::Bool(b) => Some(b.to_string()),
            _ => {
                errors.push(ConfigError::at(
                    node,
                    path,
                    format!(
                        "expected a string as map key, found {}",
                        node.value.describe()
                    ),
                ));
                None
            }
        }
    }
    fn key_name(&self) -> String {
        self.clone()
    }
}

/// Reads a value of an `InputEnum` type: the string must be one of its names.
pub fn enum_from_node<E: InputEnum>(
    node: &ConfigNode,
    path: &InputPath,
    errors: &mut Vec<ConfigError>,
) -> Option<E> {
    let ConfigValue::String(s) = &node.value else {
        errors.push(ConfigError::at(
            node,
            path,
            format!(
                "expected {}, found {}",
                enum_expected::<E>(),
                node.value.describe()
            ),
        ));
        return None;
    };
    if let Some(v) = E::from_name(s) {
        return Some(v);
    }
    let suggestions = iam_model::suggest::nearest(s, E::NAMES.iter().copied(), 1);
    let help = match suggestions.first() {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("use {}", enum_expected::<E>()),
    };
    errors.push(
        ConfigError::at(
            node,
            path,
            format!("unknown value `{s}`, expected {}", enum_expected::<E>()),
        )
        .with_help(help),
    );
    None
}

/// `one of `a`, `b`` for an `InputEnum`.
pub fn enum_expected<E: InputEnum>() -> String {
    format!("one of {}", enum_names::<E>())
}

/// `` `a`, `b` `` for an `InputEnum`.
pub fn enum_names<E: InputEnum>() -> String {
    let names: Vec<String> = E::NAMES.iter().map(|n| format!("`{n}`")).collect();
    names.join(", ")
}

/// Reads an `InputEnum` map key.
pub fn enum_from_key<E: InputEnum>(
    node: &ConfigNode,
    path: &InputPath,
    errors: &mut Vec<ConfigError>,
) -> Option<E> {
    // A key's error is reported at the key, under the map's path joined with the key.
    let name = node.value.scalar_text().unwrap_or_default();
    enum_from_node(node, &path.key(name), errors)
}

/// The members of a config map as a struct deriving `Inputs` reads them: each field takes its
/// member, and [`Fields::finish`] reports the members nobody took.
#[derive(Debug)]
pub struct Fields<'a> {
    node: &'a ConfigNode,
    path: &'a InputPath,
    members: &'a [(ConfigNode, ConfigNode)],
    used: Vec<bool>,
}

impl<'a> Fields<'a> {
    /// The members of `node`, which must be a map (or null, read as an empty map).
    pub fn new(
        node: &'a ConfigNode,
        path: &'a InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Self> {
        let members: &[(ConfigNode, ConfigNode)] = match &node.value {
            ConfigValue::Map(m) => m,
            ConfigValue::Null => &[],
            other => {
                errors.push(ConfigError::at(
                    node,
                    path,
                    format!("expected a map of inputs, found {}", other.describe()),
                ));
                return None;
            }
        };
        Some(Fields {
            node,
            path,
            members,
            used: vec![false; members.len()],
        })
    }

    /// The path of the map.
    pub fn path(&self) -> &InputPath {
        self.path
    }

    fn member(&mut self, name: &str) -> Option<&'a ConfigNode> {
        let i = self
            .members
            .iter()
            .position(|(k, _)| k.value.scalar_text().as_deref() == Some(name))?;
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        self.members.get(i).map(|(_, v)| v)
    }

    /// A required input (for `Option<T>`: absent means `None`).
    pub fn required<T: InputValue>(
        &mut self,
        name: &str,
        constraints: &Constraints,
        errors: &mut Vec<ConfigError>,
    ) -> Option<T> {
        let path = self.path.key(name);
        match self.member(name) {
            Some(node) => T::from_node(node, &path, errors, constraints),
            None => match T::when_missing() {
                Some(v) => Some(v),
                None => {
                    let help = match constraints.example {
                        Some(example) => format!("add `{name}`, for example `{name}: {example}`"),
                        None => format!("add `{name}` to the config"),
                    };
                    errors.push(
                        ConfigError::at(self.node, self.path, format!("missing input `{name}`"))
                            .with_help(help),
                    );
                    None
                }
            },
        }
    }

    /// An input with a default, used when the input is absent or null.
    pub fn or_default<T: InputValue>(
        &mut self,
        name: &str,
        constraints: &Constraints,
        errors: &mut Vec<ConfigError>,
        default: impl FnOnce() -> T,
    ) -> Option<T> {
        let path = self.path.key(name);
        match self.member(name) {
            Some(node) if node.value != ConfigValue::Null => {
                T::from_node(node, &path, errors, constraints)
            }
            _ => Some(default()),
        }
    }

    /// Reports every member no field took, with the nearest input name as a suggestion.
    pub fn finish(self, errors: &mut Vec<ConfigError>, names: &[&str]) {
        for ((k, _), used) in self.members.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let key = k.value.scalar_text().unwrap_or_default();
            let path = self.path.key(key.clone());
            let help = match iam_model::suggest::nearest(&key, names.iter().copied(), 1).first() {
                Some(best) => format!("did you mean `{best}`?"),
                None => {
                    let all: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    format!("known inputs here: {}", all.join(", "))
                }
            };
            errors
                .push(ConfigError::at(k, &path, format!("unknown input `{key}`")).with_help(help));
        }
    }
}

/// An [`InputSpec`], as the derive builds it.
pub fn spec(
    name: &str,
    description: &str,
    input_type: InputType,
    default: Option<String>,
    example: Option<String>,
) -> InputSpec {
    InputSpec {
        name: name.to_owned(),
        description: description.to_owned(),
        input_type,
        default,
        example,
    }
}

/// A Terraform `variable` for an input and its value, as the derive builds it.
pub fn variable(
    name: &str,
    description: &str,
    input_type: InputType,
    value: OutputValue,
    sensitive: bool,
) -> Variable {
    Variable::builder()
        .name(name)
        .description(description)
        .input_type(input_type)
        .value(value)
        .sensitive(sensitive)
        .build()
}

/// Compile-time check that `#[input(range = …)]` is on a number (or an option, list or map of
/// numbers); the derive calls it in a never-run closure.
pub fn assert_range<T: Ranged>() {}

/// Compile-time check that `#[input(pattern = …)]` is on a string (or an option, list or map
/// of strings).
pub fn assert_pattern<T: Patterned>() {}

/// Types `#[input(range = …)]` applies to.
#[diagnostic::on_unimplemented(
    message = "`range` applies to numbers, and `{Self}` is not a number",
    label = "`range` used here",
    note = "use `range` on an integer or `f64` field, or an `Option`, `Vec` or `BTreeMap` of them"
)]
pub trait Ranged {}
/// Types `#[input(pattern = …)]` applies to.
#[diagnostic::on_unimplemented(
    message = "`pattern` applies to strings, and `{Self}` is not a string",
    label = "`pattern` used here",
    note = "use `pattern` on a `String` field, or an `Option`, `Vec` or `BTreeMap` of them"
)]
pub trait Patterned {}

macro_rules! ranged {
    ($($t:ty),*) => {$(impl Ranged for $t {})*};
}
ranged!(u8, u16, u32, u64, usize, i8, i16, i32, i64, f64);
impl Patterned for String {}
impl<T: Ranged> Ranged for Option<T> {}
impl<T: Ranged> Ranged for Vec<T> {}
impl<K, T: Ranged> Ranged for BTreeMap<K, T> {}
impl<T: Patterned> Patterned for Option<T> {}
impl<T: Patterned> Patterned for Vec<T> {}
impl<K, T: Patterned> Patterned for BTreeMap<K, T> {}
