//! Condition blocks: `{ operator: { key: value-or-list } }`.
//!
//! Operators are typed ([`ConditionOperator`]: a base operator, an optional `ForAllValues:` /
//! `ForAnyValue:` qualifier and an optional `IfExists` suffix). Keys are kept as written (IAM
//! compares them case-insensitively). Values keep their JSON type, because `true` and `"true"`
//! are written differently although IAM treats them alike.

use std::fmt;

use crate::text::Text;

/// The family an operator belongs to, which decides the values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatorFamily {
    /// String comparison.
    String,
    /// Numeric comparison.
    Numeric,
    /// Date comparison (ISO 8601 or epoch seconds).
    Date,
    /// Boolean comparison.
    Bool,
    /// Base-64 binary comparison.
    Binary,
    /// IP address or CIDR comparison.
    Ip,
    /// ARN comparison.
    Arn,
    /// Key existence.
    Null,
}

macro_rules! base_operators {
    ($($variant:ident = $name:literal, $family:ident, $negated:literal, $like:literal;)*) => {
        /// A condition operator without qualifier or `IfExists`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum BaseOperator {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl BaseOperator {
            /// Every base operator.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant),*];

            /// The name as written in a policy.
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$variant => $name,)* }
            }

            /// The operator's family.
            pub fn family(self) -> OperatorFamily {
                match self { $(BaseOperator::$variant => OperatorFamily::$family,)* }
            }

            /// True for the negated operators (`StringNotEquals`, `NotIpAddress`, ...).
            pub fn is_negated(self) -> bool {
                match self { $(BaseOperator::$variant => $negated,)* }
            }

            /// True for the operators in which `*` and `?` are wildcards.
            pub fn is_like(self) -> bool {
                match self { $(BaseOperator::$variant => $like,)* }
            }

            /// The operator for an exact name.
            pub fn from_name(name: &str) -> Option<BaseOperator> {
                match name { $($name => Some(BaseOperator::$variant),)* _ => None }
            }
        }
    };
}

base_operators! {
    StringEquals = "StringEquals", String, false, false;
    StringNotEquals = "StringNotEquals", String, true, false;
    StringEqualsIgnoreCase = "StringEqualsIgnoreCase", String, false, false;
    StringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase", String, true, false;
    StringLike = "StringLike", String, false, true;
    StringNotLike = "StringNotLike", String, true, true;
    NumericEquals = "NumericEquals", Numeric, false, false;
    NumericNotEquals = "NumericNotEquals", Numeric, true, false;
    NumericLessThan = "NumericLessThan", Numeric, false, false;
    NumericLessThanEquals = "NumericLessThanEquals", Numeric, false, false;
    NumericGreaterThan = "NumericGreaterThan", Numeric, false, false;
    NumericGreaterThanEquals = "NumericGreaterThanEquals", Numeric, false, false;
    DateEquals = "DateEquals", Date, false, false;
    DateNotEquals = "DateNotEquals", Date, true, false;
    DateLessThan = "DateLessThan", Date, false, false;
    DateLessThanEquals = "DateLessThanEquals", Date, false, false;
    DateGreaterThan = "DateGreaterThan", Date, false, false;
    DateGreaterThanEquals = "DateGreaterThanEquals", Date, false, false;
    Bool = "Bool", Bool, false, false;
    BinaryEquals = "BinaryEquals", Binary, false, false;
    IpAddress = "IpAddress", Ip, false, false;
    NotIpAddress = "NotIpAddress", Ip, true, false;
    ArnEquals = "ArnEquals", Arn, false, true;
    ArnLike = "ArnLike", Arn, false, true;
    ArnNotEquals = "ArnNotEquals", Arn, true, true;
    ArnNotLike = "ArnNotLike", Arn, true, true;
    Null = "Null", Null, false, false;
}

/// `ForAllValues:` or `ForAnyValue:`, for multivalued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    /// `ForAllValues:` — every value in the request matches (true when the key is absent).
    ForAllValues,
    /// `ForAnyValue:` — at least one value in the request matches.
    ForAnyValue,
}

impl SetQualifier {
    /// The prefix as written, colon included.
    pub fn prefix(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues:",
            SetQualifier::ForAnyValue => "ForAnyValue:",
        }
    }
}

/// A full condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionOperator {
    /// The set qualifier, if any.
    pub qualifier: Option<SetQualifier>,
    /// The base operator.
    pub base: BaseOperator,
    /// The `IfExists` suffix.
    pub if_exists: bool,
}

/// Why an operator name is not an operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum OperatorError {
    /// The name is not an operator.
    #[error("unknown condition operator `{name}`")]
    #[diagnostic(code(rolewright::condition::operator))]
    Unknown {
        /// The name as written.
        name: String,
        /// Close operator names.
        suggestions: Vec<String>,
    },
    /// `NullIfExists`, which IAM rejects.
    #[error("`{0}` combines `Null` with `IfExists`, which IAM rejects")]
    #[diagnostic(code(rolewright::condition::null_if_exists), help("use `Null` alone"))]
    NullWithIfExists(String),
}

impl ConditionOperator {
    /// A plain operator.
    pub const fn new(base: BaseOperator) -> Self {
        ConditionOperator {
            qualifier: None,
            base,
            if_exists: false,
        }
    }

    /// Adds `IfExists`.
    pub const fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// Adds `ForAllValues:`.
    pub const fn for_all_values(mut self) -> Self {
        self.qualifier = Some(SetQualifier::ForAllValues);
        self
    }

    /// Adds `ForAnyValue:`.
    pub const fn for_any_value(mut self) -> Self {
        self.qualifier = Some(SetQualifier::ForAnyValue);
        self
    }

    /// Parses an operator name exactly as IAM does (case-sensitive).
    pub fn parse(name: &str) -> Result<ConditionOperator, OperatorError> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (base_name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        match BaseOperator::from_name(base_name) {
            Some(BaseOperator::Null) if if_exists => {
                Err(OperatorError::NullWithIfExists(name.to_owned()))
            }
            Some(base) => Ok(ConditionOperator {
                qualifier,
                base,
                if_exists,
            }),
            None => Err(OperatorError::Unknown {
                name: name.to_owned(),
                suggestions: suggest_operator(name),
            }),
        }
    }
}

/// Every operator name, with its lowercase form, built once.
fn operator_names() -> &'static [(String, String)] {
    static NAMES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = Vec::new();
        for q in ["", "ForAllValues:", "ForAnyValue:"] {
            for b in BaseOperator::ALL {
                for suffix in ["", "IfExists"] {
                    if *b == BaseOperator::Null && !suffix.is_empty() {
                        continue;
                    }
                    let name = format!("{q}{}{suffix}", b.name());
                    names.push((name.to_ascii_lowercase(), name));
                }
            }
        }
        names
    })
}

fn suggest_operator(name: &str) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    let candidates = operator_names();
    // Case-only mistakes are the most common: prefer an exact case-insensitive match.
    if let Some((_, exact)) = candidates.iter().find(|(l, _)| *l == lower) {
        return vec![exact.clone()];
    }
    // The edit distances cost; a document of thousands of unknown operators stops searching
    // at the work budget.
    if !crate::budget::suggest(candidates.len()) {
        return Vec::new();
    }
    let mut scored: Vec<(usize, String)> = candidates
        .iter()
        .filter_map(|(l, c)| {
            let allowed = (c.len() / 3).max(2);
            // The distance is at least the difference in length.
            if l.len().abs_diff(lower.len()) > allowed {
                return None;
            }
            let d = crate::suggest::edit_distance(&lower, l);
            (d <= allowed).then(|| (d, c.clone()))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            f.write_str(q.prefix())?;
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl From<BaseOperator> for ConditionOperator {
    fn from(b: BaseOperator) -> Self {
        ConditionOperator::new(b)
    }
}

/// One condition value, with its JSON type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A JSON string (possibly with late-bound parts).
    String(Text),
    /// A JSON `true` or `false`.
    Bool(bool),
    /// A JSON number, as written.
    Number(String),
}

impl ConditionValue {
    /// The value as IAM compares it: booleans and numbers as their text.
    pub fn as_text(&self) -> Text {
        match self {
            ConditionValue::String(t) => t.clone(),
            ConditionValue::Bool(b) => Text::literal(b.to_string()),
            ConditionValue::Number(n) => Text::literal(n.clone()),
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(s: &str) -> Self {
        ConditionValue::String(s.into())
    }
}
impl From<String> for ConditionValue {
    fn from(s: String) -> Self {
        ConditionValue::String(s.into())
    }
}
impl From<Text> for ConditionValue {
    fn from(t: Text) -> Self {
        ConditionValue::String(t)
    }
}
impl From<crate::text::LateBound> for ConditionValue {
    fn from(l: crate::text::LateBound) -> Self {
        ConditionValue::String(l.into())
    }
}
impl From<bool> for ConditionValue {
    fn from(b: bool) -> Self {
        ConditionValue::Bool(b)
    }
}
impl From<u64> for ConditionValue {
    fn from(n: u64) -> Self {
        ConditionValue::Number(n.to_string())
    }
}

/// The condition on one key under one operator: the key as written and its values (ORed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyCondition {
    /// The condition key as written (`aws:SourceIp`, `s3:prefix`, `token.actions.githubusercontent.com:sub`).
    pub key: String,
    /// The values; one of them must match (for negated operators: none may).
    pub values: Vec<ConditionValue>,
}

/// The tests of one operator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperatorBlock {
    /// The operator.
    pub operator: ConditionOperator,
    /// Its keys, in the order written; all must hold.
    pub keys: Vec<KeyCondition>,
}

/// A statement's `Condition` element: every operator block must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Condition {
    blocks: Vec<OperatorBlock>,
}

impl Condition {
    /// No condition.
    pub fn new() -> Self {
        Condition::default()
    }

    /// A condition with one test.
    pub fn test<V: Into<ConditionValue>>(
        operator: impl Into<ConditionOperator>,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Condition::new().and(operator, key, values)
    }

    /// Adds a test: `operator` on `key` with `values`. A second test of the same operator and
    /// key (compared case-insensitively, as IAM does) adds its values to the first.
    pub fn and<V: Into<ConditionValue>>(
        mut self,
        operator: impl Into<ConditionOperator>,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.push(
            operator.into(),
            key.into(),
            values.into_iter().map(Into::into).collect(),
        );
        self
    }

    /// Adds a test in place; see [`Condition::and`].
    pub fn push(&mut self, operator: ConditionOperator, key: String, values: Vec<ConditionValue>) {
        let block = match self.blocks.iter_mut().position(|b| b.operator == operator) {
            Some(i) => self.blocks.get_mut(i),
            None => {
                self.blocks.push(OperatorBlock {
                    operator,
                    keys: Vec::new(),
                });
                self.blocks.last_mut()
            }
        };
        let Some(block) = block else { return };
        match block
            .keys
            .iter_mut()
            .find(|k| k.key.eq_ignore_ascii_case(&key))
        {
            Some(existing) => existing.values.extend(values),
            None => block.keys.push(KeyCondition { key, values }),
        }
    }

    /// Adds a whole operator block as parsed, without merging (the parser reports duplicates).
    pub fn push_block(&mut self, block: OperatorBlock) {
        self.blocks.push(block);
    }

    /// The operator blocks in the order written.
    pub fn blocks(&self) -> &[OperatorBlock] {
        &self.blocks
    }

    /// True when there is no test.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Calls `f` on every string value, to rewrite it in place.
    pub fn for_each_text_mut(&mut self, f: &mut impl FnMut(&mut Text)) {
        for block in &mut self.blocks {
            for key in &mut block.keys {
                for value in &mut key.values {
                    if let ConditionValue::String(t) = value {
                        f(t);
                    }
                }
            }
        }
    }

    /// Every `(operator, key condition)` pair.
    pub fn tests(&self) -> impl Iterator<Item = (ConditionOperator, &KeyCondition)> {
        self.blocks
            .iter()
            .flat_map(|b| b.keys.iter().map(move |k| (b.operator, k)))
    }

    /// True when some test is on `key` (case-insensitive).
    pub fn has_key(&self, key: &str) -> bool {
        self.tests().any(|(_, k)| k.key.eq_ignore_ascii_case(key))
    }

    /// `StringEquals` on one key.
    pub fn string_equals<V: Into<ConditionValue>>(
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Condition::test(BaseOperator::StringEquals, key, values)
    }

    /// `StringLike` on one key.
    pub fn string_like<V: Into<ConditionValue>>(
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Condition::test(BaseOperator::StringLike, key, values)
    }

    /// `ArnLike` on one key.
    pub fn arn_like<V: Into<ConditionValue>>(
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Condition::test(BaseOperator::ArnLike, key, values)
    }

    /// `Bool` on one key.
    pub fn bool(key: impl Into<String>, value: bool) -> Self {
        Condition::test(BaseOperator::Bool, key, [value])
    }

    /// Merges another condition into this one.
    pub fn merge(mut self, other: Condition) -> Self {
        for b in other.blocks {
            for k in b.keys {
                self.push(b.operator, k.key, k.values);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_parse_display_round_trip() {
        for q in ["", "ForAllValues:", "ForAnyValue:"] {
            for b in BaseOperator::ALL {
                for s in ["", "IfExists"] {
                    let name = format!("{q}{}{s}", b.name());
                    match ConditionOperator::parse(&name) {
                        Ok(op) => assert_eq!(op.to_string(), name),
                        Err(OperatorError::NullWithIfExists(_)) => {
                            assert_eq!(*b, BaseOperator::Null);
                            assert_eq!(s, "IfExists");
                        }
                        Err(e) => panic!("{name}: {e}"),
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_operator_suggests() {
        match ConditionOperator::parse("stringequals") {
            Err(OperatorError::Unknown { suggestions, .. }) => {
                assert_eq!(suggestions, vec!["StringEquals".to_string()])
            }
            other => panic!("{other:?}"),
        }
        match ConditionOperator::parse("StringEqual") {
            Err(OperatorError::Unknown { suggestions, .. }) => {
                assert_eq!(
                    suggestions.first().map(String::as_str),
                    Some("StringEquals")
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn merging_tests() {
        let c = Condition::string_equals("aws:PrincipalOrgID", ["o-1"])
            .and(BaseOperator::StringEquals, "AWS:principalorgid", ["o-2"])
            .and(BaseOperator::Bool, "aws:SecureTransport", [true]);
        assert_eq!(c.blocks().len(), 2);
        assert_eq!(c.tests().count(), 2);
        assert!(c.has_key("aws:principalOrgId"));
    }
}
