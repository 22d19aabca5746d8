//! Config files: YAML or JSON parsed into a tree that remembers where every value came from.

use std::fmt;

/// A config file's name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// The file name shown in errors.
    pub name: String,
    /// The text.
    pub text: String,
}

/// Where a value is in its file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// Line, 1-based.
    pub line: u32,
    /// Column, 1-based, in characters.
    pub column: u32,
    /// Byte offset.
    pub offset: usize,
}

/// A parsed config value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigNode {
    /// The value.
    pub value: ConfigValue,
    /// Where it starts.
    pub location: Location,
}

/// The value of a config node.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    /// `null` or `~` or an empty YAML value.
    Null,
    /// A Boolean.
    Bool(bool),
    /// A number as written.
    Number(String),
    /// A string.
    String(String),
    /// A list.
    List(Vec<ConfigNode>),
    /// A map in file order; keys carry their own locations.
    Map(Vec<(ConfigNode, ConfigNode)>),
}

/// The path of an input inside the config: `teams_config.admin.max_session_duration`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputPath(Vec<String>);

impl InputPath {
    /// The config root.
    pub fn root() -> Self {
        InputPath(Vec::new())
    }
    /// A field or map key below this path.
    pub fn key(&self, k: impl Into<String>) -> Self {
        let mut v = self.0.clone();
        v.push(k.into());
        InputPath(v)
    }
    /// A list element below this path.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(format!("[{i}]"));
        InputPath(v)
    }
}

impl fmt::Display for InputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            if !first && !s.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(s)?;
            first = false;
        }
        Ok(())
    }
}

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The input it is about (empty for syntax errors).
    pub path: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong, lowercase, with the offending value in backticks.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Every problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{}", render(&self.file, &self.errors))]
#[diagnostic(code(rolewright::config))]
pub struct ConfigErrors {
    /// The file name.
    pub file: String,
    /// The problems.
    pub errors: Vec<ConfigError>,
}

fn render(file: &str, errors: &[ConfigError]) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| {
            let mut s = format!("{file}:{}:{}: ", e.location.line, e.location.column);
            if !e.path.is_empty() {
                s.push_str(&format!("{}: ", e.path));
            }
            s.push_str(&e.message);
            if let Some(h) = &e.help {
                s.push_str(&format!(" (help: {h})"));
            }
            s
        })
        .collect();
    lines.join("\n")
}

impl ConfigErrors {
    /// The errors of one file.
    pub fn new(source: &ConfigSource, errors: Vec<ConfigError>) -> Self {
        ConfigErrors {
            file: source.name.clone(),
            errors,
        }
    }
}

impl ConfigSource {
    /// A source from a name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        ConfigSource {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Parses the text as JSON (YAML support is added by the YAML loader).
    pub fn parse(&self) -> Result<ConfigNode, ConfigErrors> {
        let limits = iam_model::json::Limits {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 128,
        };
        match iam_model::json::parse_str(&self.text, &limits) {
            Ok(tree) => Ok(from_json(&tree)),
            Err(errors) => Err(ConfigErrors::new(
                self,
                errors
                    .iter()
                    .map(|e| ConfigError {
                        path: String::new(),
                        location: Location {
                            line: e.span.line,
                            column: e.span.column,
                            offset: e.span.start,
                        },
                        message: e.to_string(),
                        help: None,
                    })
                    .collect(),
            )),
        }
    }
}

fn from_json(node: &iam_model::json::Spanned<iam_model::json::JsonValue>) -> ConfigNode {
    use iam_model::json::JsonValue;
    let location = Location {
        line: node.span.line,
        column: node.span.column,
        offset: node.span.start,
    };
    let value = match &node.value {
        JsonValue::Null => ConfigValue::Null,
        JsonValue::Bool(b) => ConfigValue::Bool(*b),
        JsonValue::Number(n) => ConfigValue::Number(n.clone()),
        JsonValue::String(s) => ConfigValue::String(s.clone()),
        JsonValue::Array(items) => ConfigValue::List(items.iter().map(from_json).collect()),
        JsonValue::Object(members) => ConfigValue::Map(
            members
                .iter()
                .map(|(k, v)| {
                    let key = ConfigNode {
                        value: ConfigValue::String(k.value.clone()),
                        location: Location {
                            line: k.span.line,
                            column: k.span.column,
                            offset: k.span.start,
                        },
                    };
                    (key, from_json(v))
                })
                .collect(),
        ),
    };
    ConfigNode { value, location }
}
