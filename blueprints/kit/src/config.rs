//! Config files: YAML or JSON parsed into a tree that remembers where every value came from.
//!
//! [`ConfigSource::parse`] reads JSON (the strict spanned parser of `iam_model::json`) or YAML
//! ([`yaml`]: anchors, aliases and `<<` merge keys resolved, duplicate keys reported), chosen by
//! the file's extension or, without one, by its first character. [`ConfigSource::inputs_node`]
//! also understands atmos stack files ([`atmos`]): when the file has a `components` key, a
//! blueprint's inputs are the component's `vars` merged over the stack's global ones.

pub mod atmos;
pub mod yaml;

#[cfg(test)]
mod tests;

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

impl Location {
    /// Line 1, column 1: where errors about the file as a whole are reported.
    pub const fn start() -> Self {
        Location {
            line: 1,
            column: 1,
            offset: 0,
        }
    }
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

/// The largest config file read, in bytes (16 MiB: a thousand times the biggest example).
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

/// The message for a file of `size` bytes over [`MAX_CONFIG_BYTES`].
fn too_large(size: u64) -> String {
    format!(
        "the config is {size} bytes; config files are limited to {MAX_CONFIG_BYTES} bytes (16 MiB)"
    )
}

/// The syntax of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Strict JSON.
    Json,
    /// YAML 1.2.
    Yaml,
}

impl ConfigSource {
    /// A source from a name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        ConfigSource {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Reads a config file. A file larger than [`MAX_CONFIG_BYTES`] is an error before it is
    /// read whole (its size is in the message), and so is one that is not UTF-8.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        use std::io::Read as _;
        let path = path.as_ref();
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        if size > MAX_CONFIG_BYTES as u64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                too_large(size),
            ));
        }
        let mut text = String::new();
        // `take` bounds a file that grows while it is read (or a pipe that reports no size).
        file.take(MAX_CONFIG_BYTES as u64 + 1)
            .read_to_string(&mut text)?;
        if text.len() > MAX_CONFIG_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                too_large(text.len() as u64),
            ));
        }
        Ok(ConfigSource::new(path.display().to_string(), text))
    }

    /// The file's syntax: `.json` is JSON and `.yaml`/`.yml` YAML (in any letter case); a name
    /// without an extension (standard input) is JSON when the text starts with `{` or `[`,
    /// YAML otherwise. Any other extension is an error: a `.txt` or `.tf` file handed over by
    /// mistake is not read as YAML.
    pub fn format(&self) -> Result<Format, ConfigErrors> {
        let extension = std::path::Path::new(&self.name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("json") => Ok(Format::Json),
            Some("yaml" | "yml") => Ok(Format::Yaml),
            Some(other) => Err(ConfigErrors::new(
                self,
                vec![ConfigError::syntax(
                    Location::start(),
                    format!("unknown config file extension `.{other}`"),
                )
                .with_help(
                    "config files are YAML (`.yaml`, `.yml`) or JSON (`.json`); rename the file",
                )],
            )),
            None if self
                .text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with(['{', '[']) =>
            {
                Ok(Format::Json)
            }
            None => Ok(Format::Yaml),
        }
    }

    /// Parses the text as JSON or YAML (see [`ConfigSource::format`]); text longer than
    /// [`MAX_CONFIG_BYTES`] is an error.
    pub fn parse(&self) -> Result<ConfigNode, ConfigErrors> {
        let format = self.format()?;
        if self.text.len() > MAX_CONFIG_BYTES {
            return Err(ConfigErrors::new(
                self,
                vec![
                    ConfigError::syntax(Location::start(), too_large(self.text.len() as u64))
                        .with_help("split the inputs over several config files"),
                ],
            ));
        }
        match format {
            Format::Json => self.parse_json(),
            Format::Yaml => {
                yaml::parse(&self.text).map_err(|errors| ConfigErrors::new(self, errors))
            }
        }
    }

    fn parse_json(&self) -> Result<ConfigNode, ConfigErrors> {
        let limits = iam_model::json::Limits {
            max_bytes: MAX_CONFIG_BYTES,
            max_depth: yaml::MAX_DEPTH,
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

    /// The node a blueprint reads its inputs from. For an atmos stack file (one with a
    /// `components` key) that is the `vars` of the component named `component` merged over
    /// the stack's global `vars` (see [`atmos`]); when `component` is `None` or not in the
    /// file and the file has exactly one Terraform component, that one. For any other file it
    /// is the whole document.
    pub fn inputs_node(&self, component: Option<&str>) -> Result<ConfigNode, ConfigErrors> {
        let root = self.parse()?;
        if !atmos::is_stack(&root) {
            return Ok(root);
        }
        atmos::component_vars(&root, component, true)
            .map_err(|errors| ConfigErrors::new(self, errors))
    }

    /// The `vars` of the atmos component `component` merged over the stack's global `vars`;
    /// an error when the file is not a stack file or has no such component.
    pub fn component_vars(&self, component: &str) -> Result<ConfigNode, ConfigErrors> {
        let root = self.parse()?;
        atmos::component_vars(&root, Some(component), false)
            .map_err(|errors| ConfigErrors::new(self, errors))
    }
}

impl ConfigError {
    /// An error about the value `node` at `path`.
    pub fn at(node: &ConfigNode, path: &InputPath, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.to_string(),
            location: node.location,
            message: message.into(),
            help: None,
        }
    }

    /// An error at a location, about no input in particular (syntax errors).
    pub fn syntax(location: Location, message: impl Into<String>) -> Self {
        ConfigError {
            path: String::new(),
            location,
            message: message.into(),
            help: None,
        }
    }

    /// Adds a help line (an empty one is ignored).
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        let help = help.into();
        if !help.is_empty() {
            self.help = Some(help);
        }
        self
    }
}

impl ConfigValue {
    /// What the value is, for messages: `a map`, `a list`, `a string`, `a number`, `a
    /// boolean` or `null`.
    pub fn describe(&self) -> &'static str {
        match self {
            ConfigValue::Null => "null",
            ConfigValue::Bool(_) => "a boolean",
            ConfigValue::Number(_) => "a number",
            ConfigValue::String(_) => "a string",
            ConfigValue::List(_) => "a list",
            ConfigValue::Map(_) => "a map",
        }
    }

    /// A scalar's text (`null` for null); `None` for lists and maps.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            ConfigValue::Null => Some("null".to_owned()),
            ConfigValue::Bool(b) => Some(b.to_string()),
            ConfigValue::Number(n) | ConfigValue::String(n) => Some(n.clone()),
            ConfigValue::List(_) | ConfigValue::Map(_) => None,
        }
    }
}

impl ConfigNode {
    /// A node at a location.
    pub fn new(value: ConfigValue, location: Location) -> Self {
        ConfigNode { value, location }
    }

    /// Where the input at `path` (as an [`InputPath`] displays it: `a.b[0].c`) is written
    /// below this node: its value, or the deepest part of the path that is written (an input
    /// left to its default is not in the file; the map that would hold it is).
    pub fn locate(&self, path: &str) -> Location {
        let mut node = self;
        let mut rest = path;
        while !rest.is_empty() {
            let next = match &node.value {
                ConfigValue::List(items) => rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .and_then(|(i, r)| Some((items.get(i.parse::<usize>().ok()?)?, r))),
                // The longest key the path goes on with: keys may hold dots themselves.
                ConfigValue::Map(members) => members
                    .iter()
                    .filter_map(|(k, v)| {
                        let ConfigValue::String(key) = &k.value else {
                            return None;
                        };
                        let after = rest.strip_prefix(key.as_str())?;
                        (after.is_empty() || after.starts_with(['.', '['])).then_some((
                            key.len(),
                            v,
                            after,
                        ))
                    })
                    .max_by_key(|(len, ..)| *len)
                    .map(|(_, v, after)| (v, after)),
                _ => None,
            };
            let Some((child, after)) = next else { break };
            node = child;
            rest = after.strip_prefix('.').unwrap_or(after);
        }
        node.location
    }

    /// The value of the member `key`, when this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&ConfigNode> {
        match &self.value {
            ConfigValue::Map(members) => members
                .iter()
                .find(|(k, _)| matches!(&k.value, ConfigValue::String(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
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
