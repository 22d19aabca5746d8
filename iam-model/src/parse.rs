//! Reading policy JSON into the model, reporting every structural problem on the way.
//!
//! The strict [`crate::json`] parser gives a spanned tree (or fatal syntax errors); this module
//! walks it, builds the best [`PolicyDocument`] it can, and records a [`Finding`] for every
//! element of the wrong type, unknown element, invalid `Effect`/`Version`, forbidden
//! combination, unknown operator and malformed condition value. Statements are never dropped,
//! so finding paths keep the statement indices of the source.

use crate::action::Action;
use crate::condition::{
    Condition, ConditionOperator, ConditionValue, KeyCondition, OperatorBlock, OperatorError,
};
use crate::finding::{Code, Finding};
use crate::json::{self, JsonError, JsonErrorKind, JsonPath, Limits, Loc, Spanned, Value};
use crate::policy::{PolicyDocument, Version};
use crate::principal::{Principal, PrincipalKind};
use crate::statement::{ActionClause, Effect, PrincipalClause, ResourceClause, Statement};
use crate::text::Text;

type Node<'a> = Spanned<Value<'a>>;

/// What parsing a policy gave: the document (absent when the text is not JSON or not an
/// object) and every finding. For the JSON tree itself, use [`crate::json::parse`].
#[derive(Debug, Clone)]
pub struct ParseOutput {
    /// The document, as complete as the input allowed.
    pub document: Option<PolicyDocument>,
    /// Every problem found while reading, each with its path and span.
    pub findings: Vec<Finding>,
}

/// [`ParseOutput`] with what validation needs next: the borrowed tree, to locate later
/// findings, and the compact size IAM measures.
pub(crate) struct Read<'a> {
    pub(crate) document: Option<PolicyDocument>,
    pub(crate) tree: Option<Node<'a>>,
    pub(crate) compact_size: usize,
    /// Every string was printable ASCII without escapes.
    pub(crate) plain: bool,
    pub(crate) findings: Vec<Finding>,
}

/// The error of [`PolicyDocument::from_json`]: every error finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{}", summary(.findings))]
#[diagnostic(code(rolewright::policy::parse))]
pub struct ParsePolicyError {
    findings: Vec<Finding>,
}

fn summary(findings: &[Finding]) -> String {
    match findings {
        [one] => format!("invalid policy: {}", one.message),
        [first, rest @ ..] => format!(
            "invalid policy: {} (and {} more)",
            first.message,
            rest.len()
        ),
        [] => "invalid policy".to_owned(),
    }
}

impl ParsePolicyError {
    /// The error findings, in document order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

impl PolicyDocument {
    /// Parses a policy, failing on any structural error (warnings are ignored). For every
    /// finding, warnings included, use [`parse_policy`] or `validate_json`.
    pub fn from_json(text: &str) -> Result<PolicyDocument, ParsePolicyError> {
        let out = parse_policy(text.as_bytes());
        let errors: Vec<Finding> = out.findings.into_iter().filter(Finding::is_error).collect();
        match out.document {
            Some(doc) if errors.is_empty() => Ok(doc),
            _ => Err(ParsePolicyError { findings: errors }),
        }
    }
}

impl std::str::FromStr for PolicyDocument {
    type Err = ParsePolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyDocument::from_json(s)
    }
}

/// Converts a JSON error into a finding.
pub fn json_error_finding(e: &JsonError) -> Finding {
    let code = match &e.kind {
        JsonErrorKind::DuplicateKey { .. } => Code::DUPLICATE_KEY,
        JsonErrorKind::TooDeep { .. } => Code::NESTING_TOO_DEEP,
        JsonErrorKind::TooLarge { .. } => Code::INPUT_TOO_LARGE,
        JsonErrorKind::InvalidEncoding { .. } => Code::INVALID_ENCODING,
        _ => Code::JSON_SYNTAX,
    };
    let mut f = Finding::new(code, JsonPath::root(), e.to_string());
    f.help = match &e.kind {
        JsonErrorKind::DuplicateKey { first, .. } => Some(format!(
            "the first occurrence is at line {}, column {}; IAM would keep only one of them, remove the other",
            first.line, first.column
        )),
        JsonErrorKind::TooLarge { .. } => {
            Some("IAM accepts policy documents of at most 131,072 characters".to_owned())
        }
        _ => None,
    };
    f.span = Some(e.span);
    f
}

/// Parses policy JSON with the default limits.
pub fn parse_policy(input: &[u8]) -> ParseOutput {
    parse_policy_with(input, &Limits::default())
}

/// Parses policy JSON with explicit limits.
pub fn parse_policy_with(input: &[u8], limits: &Limits) -> ParseOutput {
    json::with_arena(|arena| {
        let Read {
            document, findings, ..
        } = read(input, limits, arena);
        ParseOutput { document, findings }
    })
}

/// Parses policy JSON, keeping the tree (in `arena`) for the validator.
pub(crate) fn read<'a>(input: &'a [u8], limits: &Limits, arena: &'a bumpalo::Bump) -> Read<'a> {
    let parsed = match json::parse_borrowed(input, limits, arena) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Read {
                document: None,
                tree: None,
                compact_size: 0,
                plain: false,
                findings: errors.iter().map(json_error_finding).collect(),
            }
        }
    };
    let mut reader = Reader::default();
    let document = reader.document(&parsed.tree, &Loc::Root);
    let mut findings = reader.findings;
    for f in &mut findings {
        if f.span.is_none() {
            f.span = Some(json::locate(&parsed.tree, &f.path));
        }
    }
    Read {
        document,
        tree: Some(parsed.tree),
        compact_size: parsed.compact_size,
        plain: parsed.plain,
        findings,
    }
}

#[derive(Default)]
struct Reader {
    findings: Vec<Finding>,
}

const DOCUMENT_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Reader {
    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }

    fn type_mismatch(&mut self, path: &Loc<'_>, what: &str, node: &Node<'_>) {
        self.push(Finding::new(
            Code::DATA_TYPE_MISMATCH,
            path.path(),
            format!(
                "`{}` must be {what}, found {}",
                path.last_key(),
                node.value.type_name()
            ),
        ));
    }

    fn unknown_element(&mut self, path: &Loc<'_>, key: &Spanned<&str>, known: &[&str]) {
        let mut f = Finding::new(
            Code::UNKNOWN_ELEMENT,
            path.key(key.value).path(),
            format!("unknown element `{}`", key.value),
        );
        if let Some(exact) = known.iter().find(|k| k.eq_ignore_ascii_case(key.value)) {
            f = f.with_help(format!(
                "element names are case-sensitive: did you mean `{exact}`?"
            ));
        } else {
            f = f.with_suggestions(&crate::suggest::nearest(
                key.value,
                known.iter().copied(),
                2,
            ));
        }
        f.span = Some(key.span);
        self.push(f);
    }

    fn document(&mut self, node: &Node<'_>, path: &Loc<'_>) -> Option<PolicyDocument> {
        let Some(members) = node.value.as_object() else {
            self.push(Finding::new(
                Code::DATA_TYPE_MISMATCH,
                path.path(),
                format!(
                    "a policy must be a JSON object, found {}",
                    node.value.type_name()
                ),
            ));
            return None;
        };
        let mut doc = PolicyDocument {
            version: None,
            id: None,
            statements: Vec::new(),
        };
        for (key, value) in members {
            let p = path.key(key.value);
            match key.value {
                "Version" => match value.value {
                    Value::String(s) => match Version::parse(s) {
                        Some(v) => doc.version = Some(v),
                        None => self.push(
                            Finding::new(
                                Code::INVALID_VERSION,
                                p.path(),
                                format!("unknown policy version `{s}`"),
                            )
                            .with_help("use `2012-10-17`"),
                        ),
                    },
                    _ => self.type_mismatch(&p, "a string", value),
                },
                "Id" => match value.value {
                    Value::String(s) => doc.id = Some(s.to_string()),
                    _ => self.type_mismatch(&p, "a string", value),
                },
                "Statement" => match value.value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            // Where the work budget runs out, if it does here.
                            crate::budget::at_statement(Some(i));
                            doc.statements.push(self.statement(item, &p.index(i)));
                        }
                        crate::budget::at_statement(None);
                    }
                    Value::Object(_) => {
                        crate::budget::at_statement(Some(0));
                        doc.statements.push(self.statement(value, &p.index(0)));
                        crate::budget::at_statement(None);
                    }
                    _ => self.type_mismatch(&p, "an object or an array of objects", value),
                },
                _ => self.unknown_element(path, key, DOCUMENT_ELEMENTS),
            }
        }
        match node.value.get("Statement").map(|v| &v.value) {
            None => self.push(Finding::new(
                Code::MISSING_STATEMENT,
                path.path(),
                "the policy has no `Statement`",
            )),
            Some(Value::Array([])) => self.push(Finding::new(
                Code::MISSING_STATEMENT,
                path.key("Statement").path(),
                "`Statement` is an empty list",
            )),
            Some(_) => {}
        }
        Some(doc)
    }

    fn statement(&mut self, node: &Node<'_>, path: &Loc<'_>) -> Statement {
        let mut st = Statement::with_effect(Effect::Deny);
        let Some(members) = node.value.as_object() else {
            self.type_mismatch(path, "an object", node);
            return st;
        };
        let mut effect_seen = false;
        let mut action: Option<(bool, Vec<Action>)> = None;
        let mut resource: Option<ResourceClause> = None;
        let mut principal: Option<PrincipalClause> = None;
        for (key, value) in members {
            let p = path.key(key.value);
            match key.value {
                "Sid" => match value.value {
                    Value::String(s) => st.sid = Some(s.to_string()),
                    _ => self.type_mismatch(&p, "a string", value),
                },
                "Effect" => {
                    effect_seen = true;
                    match value.value {
                        Value::String("Allow") => st.effect = Effect::Allow,
                        Value::String("Deny") => st.effect = Effect::Deny,
                        Value::String(s) => {
                            let mut f = Finding::new(
                                Code::INVALID_EFFECT,
                                p.path(),
                                format!("`{s}` is not an effect"),
                            );
                            f = match s.trim().to_ascii_lowercase().as_str() {
                                "allow" => f.with_help("effects are case-sensitive: write `Allow`"),
                                "deny" => f.with_help("effects are case-sensitive: write `Deny`"),
                                _ => f.with_help("use `Allow` or `Deny`"),
                            };
                            self.push(f);
                        }
                        _ => self.type_mismatch(&p, "a string", value),
                    }
                }
                "Action" | "NotAction" => {
                    let not = key.value == "NotAction";
                    let list = self.string_list(value, &p, |s| Action::new(s));
                    if action.is_some() {
                        self.push(
                            Finding::new(
                                Code::ELEMENT_COMBINATION,
                                p.path(),
                                "a statement cannot have both `Action` and `NotAction`",
                            )
                            .with_help("keep one of them"),
                        );
                    } else {
                        action = Some((not, list));
                    }
                }
                "Resource" | "NotResource" => {
                    let list: Vec<Text> = self.string_list(value, &p, |s| Text::literal(s));
                    if resource.is_some() {
                        self.push(
                            Finding::new(
                                Code::ELEMENT_COMBINATION,
                                p.path(),
                                "a statement cannot have both `Resource` and `NotResource`",
                            )
                            .with_help("keep one of them"),
                        );
                    } else {
                        resource = Some(if key.value == "NotResource" {
                            ResourceClause::NotResource(list)
                        } else {
                            ResourceClause::Resource(list)
                        });
                    }
                }
                "Principal" | "NotPrincipal" => {
                    let parsed = self.principal(value, &p);
                    if principal.is_some() {
                        self.push(
                            Finding::new(
                                Code::ELEMENT_COMBINATION,
                                p.path(),
                                "a statement cannot have both `Principal` and `NotPrincipal`",
                            )
                            .with_help("keep one of them"),
                        );
                    } else if let Some(pr) = parsed {
                        principal = Some(if key.value == "NotPrincipal" {
                            PrincipalClause::NotPrincipal(pr)
                        } else {
                            PrincipalClause::Principal(pr)
                        });
                    }
                }
                "Condition" => st.condition = self.condition(value, &p),
                _ => self.unknown_element(path, key, STATEMENT_ELEMENTS),
            }
        }
        if !effect_seen {
            self.push(
                Finding::new(
                    Code::MISSING_EFFECT,
                    path.path(),
                    "the statement has no `Effect`",
                )
                .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
            );
        }
        match action {
            Some((true, list)) => st.action = ActionClause::NotAction(list),
            Some((false, list)) => st.action = ActionClause::Action(list),
            None => self.push(Finding::new(
                Code::MISSING_ACTION,
                path.path(),
                "the statement has neither `Action` nor `NotAction`",
            )),
        }
        st.resource = resource;
        st.principal = principal;
        st
    }

    /// A string or a list of strings, each made into a `T`; anything else is reported and
    /// skipped.
    fn string_list<T>(
        &mut self,
        node: &Node<'_>,
        path: &Loc<'_>,
        make: impl Fn(&str) -> T,
    ) -> Vec<T> {
        match node.value {
            Value::String(s) => vec![make(s)],
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.value {
                        Value::String(s) => out.push(make(s)),
                        _ => self.type_mismatch(&path.index(i), "a string", item),
                    }
                }
                out
            }
            _ => {
                self.type_mismatch(path, "a string or an array of strings", node);
                Vec::new()
            }
        }
    }

    fn principal(&mut self, node: &Node<'_>, path: &Loc<'_>) -> Option<Principal> {
        match node.value {
            Value::String("*") => Some(Principal::Any),
            Value::Object(members) => {
                let mut map = std::collections::BTreeMap::new();
                for (key, value) in members {
                    let p = path.key(key.value);
                    match PrincipalKind::from_key(key.value) {
                        Some(kind) => {
                            let values: Vec<Text> =
                                self.string_list(value, &p, |s| Text::literal(s));
                            map.insert(kind, values);
                        }
                        None => {
                            let known: Vec<&str> =
                                PrincipalKind::ALL.iter().map(|k| k.key()).collect();
                            let mut f = Finding::new(
                                Code::INVALID_PRINCIPAL_KEY,
                                p.path(),
                                format!("unknown principal type `{}`", key.value),
                            );
                            if let Some(exact) =
                                known.iter().find(|k| k.eq_ignore_ascii_case(key.value))
                            {
                                f = f.with_help(format!(
                                    "principal types are case-sensitive: did you mean `{exact}`?"
                                ));
                            } else {
                                f = f
                                    .with_suggestions(&crate::suggest::nearest(
                                        key.value,
                                        known.iter().copied(),
                                        1,
                                    ))
                                    .or_help(
                                        "use `AWS`, `Service`, `Federated` or `CanonicalUser`",
                                    );
                            }
                            f.span = Some(key.span);
                            self.push(f);
                        }
                    }
                }
                Some(Principal::Map(map))
            }
            other => {
                let found = match other {
                    Value::String(s) => format!("the string `{s}`"),
                    v => v.type_name().to_owned(),
                };
                self.push(
                    Finding::new(
                        Code::INVALID_PRINCIPAL_FORMAT,
                        path.path(),
                        format!("`{}` must be `\"*\"` or an object such as `{{\"AWS\": ...}}`, found {found}", path.last_key()),
                    )
                    .with_help("write principals as `{\"AWS\": [\"arn:aws:iam::123456789012:root\"]}`"),
                );
                None
            }
        }
    }

    fn condition(&mut self, node: &Node<'_>, path: &Loc<'_>) -> Condition {
        let mut cond = Condition::new();
        let Some(members) = node.value.as_object() else {
            self.type_mismatch(path, "an object", node);
            return cond;
        };
        for (op_key, body) in members {
            let op_path = path.key(op_key.value);
            let operator = match ConditionOperator::parse(op_key.value) {
                Ok(op) => Some(op),
                Err(OperatorError::NullWithIfExists(name)) => {
                    let mut f = Finding::new(
                        Code::NULL_WITH_IFEXISTS,
                        op_path.path(),
                        format!("`{name}` combines `Null` with `IfExists`, which IAM rejects"),
                    )
                    .with_help("use `Null` alone");
                    f.span = Some(op_key.span);
                    self.push(f);
                    None
                }
                Err(OperatorError::Unknown { name, suggestions }) => {
                    let mut f = Finding::new(
                        Code::UNKNOWN_CONDITION_OPERATOR,
                        op_path.path(),
                        format!("unknown condition operator `{name}`"),
                    )
                    .with_suggestions(&suggestions);
                    f.span = Some(op_key.span);
                    self.push(f);
                    None
                }
            };
            let Some(keys) = body.value.as_object() else {
                self.type_mismatch(&op_path, "an object of condition keys", body);
                continue;
            };
            let mut block_keys: Vec<KeyCondition> = Vec::new();
            // A wide block (thousands of keys in a hostile document) finds repeats through
            // an index of its lowercase keys instead of a scan per key.
            const WIDE: usize = 16;
            let mut index: Option<std::collections::HashMap<String, usize>> = None;
            for (key, value) in keys {
                let key_path = op_path.key(key.value);
                let prev = if block_keys.len() < WIDE {
                    block_keys
                        .iter()
                        .position(|k| k.key.eq_ignore_ascii_case(key.value))
                } else {
                    let index = index.get_or_insert_with(|| {
                        let mut index = std::collections::HashMap::new();
                        for (i, k) in block_keys.iter().enumerate() {
                            index.entry(k.key.to_ascii_lowercase()).or_insert(i);
                        }
                        index
                    });
                    let lower = key.value.to_ascii_lowercase();
                    let prev = index.get(&lower).copied();
                    index.entry(lower).or_insert(block_keys.len());
                    prev
                };
                if let Some(prev) = prev.and_then(|i| block_keys.get(i)) {
                    let mut f = Finding::new(
                        Code::DUPLICATE_CONDITION_KEY,
                        key_path.path(),
                        format!(
                            "condition key `{}` repeats `{}` under `{}`: keys are case-insensitive",
                            key.value, prev.key, op_key.value
                        ),
                    )
                    .with_help("merge the values into one key");
                    f.span = Some(key.span);
                    self.push(f);
                }
                let values = self.condition_values(value, &key_path);
                block_keys.push(KeyCondition {
                    key: key.value.to_string(),
                    values,
                });
            }
            if let Some(operator) = operator {
                cond.push_block(OperatorBlock {
                    operator,
                    keys: block_keys,
                });
            }
        }
        cond
    }

    fn condition_values(&mut self, node: &Node<'_>, path: &Loc<'_>) -> Vec<ConditionValue> {
        let mut out = Vec::new();
        let mut one = |reader: &mut Reader, item: &Node<'_>, p: &Loc<'_>| match item.value {
            Value::String(s) => out.push(ConditionValue::String(Text::from(s))),
            Value::Bool(b) => out.push(ConditionValue::Bool(b)),
            Value::Number(n) => out.push(ConditionValue::Number(n.to_owned())),
            other => reader.push(Finding::new(
                Code::CONDITION_VALUE_TYPE,
                p.path(),
                format!(
                    "a condition value must be a string, number or boolean, found {}",
                    other.type_name()
                ),
            )),
        };
        match node.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    one(self, item, &path.index(i));
                }
            }
            _ => one(self, node, path),
        }
        out
    }
}
