//! YAML config files, read into a [`ConfigNode`] tree with a location on every value.
//!
//! `saphyr-parser` (a YAML 1.2 event parser with positions, and no dependencies worth counting)
//! gives the events; this module builds the tree, because what config files need is above the
//! event level:
//!
//! * anchors and aliases: an alias is a copy of the anchored node, keeping the location where
//!   the anchored value is written, so an error in a value that reached a role through
//!   `<<: *template` points at the template;
//! * `<<` merge keys (a map or a list of maps): keys written in the map win over merged ones,
//!   and earlier merged maps win over later ones, as in YAML 1.1's merge type that atmos and
//!   Cloud Posse's stack files rely on;
//! * duplicate keys are errors (YAML forbids them; most parsers silently keep one);
//! * plain scalars are resolved with the YAML 1.2 core schema (`true`, `null`, `~`, numbers);
//!   quoted and block scalars are strings; `!!str`, `!!int`, `!!float`, `!!bool` and `!!null`
//!   tags are honoured and any other tag is an error;
//! * alias expansion is bounded, so a "billion laughs" document is an error, not an outage.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::{ConfigError, ConfigNode, ConfigValue, Location};

/// How many values a document may expand to through aliases.
const MAX_NODES: usize = 1_000_000;

/// Parses one YAML document. An empty document is `null`; a stream of several documents is
/// an error.
pub fn parse(text: &str) -> Result<ConfigNode, Vec<ConfigError>> {
    Builder::new(text).run()
}

/// Character index (what saphyr's markers count) to byte offset.
struct Offsets {
    table: Option<Vec<usize>>,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            t.push(text.len());
            t
        });
        Offsets { table }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index,
            Some(t) => t
                .get(char_index)
                .copied()
                .unwrap_or_else(|| t.last().copied().unwrap_or(0)),
        }
    }
}

enum Frame {
    Seq {
        location: Location,
        anchor: usize,
        items: Vec<ConfigNode>,
    },
    Map {
        location: Location,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(ConfigNode, bool)>,
    },
}

struct Entry {
    key: ConfigNode,
    value: ConfigNode,
    /// A `<<` merge key.
    merge: bool,
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets,
    stack: Vec<Frame>,
    /// For each open collection, how many values it holds so far (alias copies included).
    sizes: Vec<usize>,
    anchors: HashMap<usize, (ConfigNode, usize)>,
    root: Option<ConfigNode>,
    documents: usize,
    nodes: usize,
    errors: Vec<ConfigError>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            sizes: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            nodes: 0,
            errors: Vec::new(),
        }
    }

    fn location(&self, span: &Span) -> Location {
        let m = span.start;
        Location {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX),
            column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
            offset: self.offsets.byte(m.index()),
        }
    }

    fn run(mut self) -> Result<ConfigNode, Vec<ConfigError>> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(event) = parser.next_event() {
            let (event, span) = match event {
                Ok(e) => e,
                Err(e) => {
                    let m = e.marker();
                    let location = Location {
                        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                        column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                        offset: self.offsets.byte(m.index()),
                    };
                    self.errors.push(ConfigError::syntax(
                        location,
                        format!("invalid YAML: {}", e.info()),
                    ));
                    return Err(self.errors);
                }
            };
            let location = self.location(&span);
            match event {
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        self.errors.push(
                            ConfigError::syntax(
                                location,
                                "the file holds more than one YAML document",
                            )
                            .with_help("keep one document per config file"),
                        );
                        return Err(self.errors);
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let value = self.scalar(&value, style, tag.as_deref(), location);
                    let node = ConfigNode::new(value, location);
                    // Keys are delivered as nodes too; `<<` is a merge key only when plain.
                    let merge = style == ScalarStyle::Plain
                        && node.value == ConfigValue::String("<<".into());
                    self.nodes += 1;
                    self.finish(node, anchor, 1, merge);
                }
                Event::Alias(id) => match self.anchors.get(&id).cloned() {
                    Some((node, size)) => {
                        // The copy keeps the anchored value's location: that is where it is written.
                        self.nodes += size;
                        self.finish(node, 0, size, false);
                    }
                    None => {
                        self.errors
                            .push(ConfigError::syntax(location, "alias to an unknown anchor"));
                        return Err(self.errors);
                    }
                },
                Event::SequenceStart(anchor, tag) => {
                    self.check_collection_tag(tag.as_deref(), "seq", location);
                    self.nodes += 1;
                    self.sizes.push(1);
                    self.stack.push(Frame::Seq {
                        location,
                        anchor,
                        items: Vec::new(),
                    });
                }
                Event::MappingStart(anchor, tag) => {
                    self.check_collection_tag(tag.as_deref(), "map", location);
                    self.nodes += 1;
                    self.sizes.push(1);
                    self.stack.push(Frame::Map {
                        location,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    });
                }
                Event::SequenceEnd => {
                    if let Some(Frame::Seq {
                        location,
                        anchor,
                        items,
                    }) = self.stack.pop()
                    {
                        let size = self.sizes.pop().unwrap_or(1);
                        self.finish(
                            ConfigNode::new(ConfigValue::List(items), location),
                            anchor,
                            size,
                            false,
                        );
                    }
                }
                Event::MappingEnd => {
                    if let Some(Frame::Map {
                        location,
                        anchor,
                        entries,
                        ..
                    }) = self.stack.pop()
                    {
                        let size = self.sizes.pop().unwrap_or(1);
                        let members = self.resolve_map(entries);
                        self.finish(
                            ConfigNode::new(ConfigValue::Map(members), location),
                            anchor,
                            size,
                            false,
                        );
                    }
                }
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
            if self.nodes > MAX_NODES {
                self.errors.push(
                    ConfigError::syntax(
                        location,
                        format!("the document expands to more than {MAX_NODES} values"),
                    )
                    .with_help("aliases are copied where they are used; use fewer nested aliases"),
                );
                return Err(self.errors);
            }
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(self.root.unwrap_or_else(|| {
            ConfigNode::new(
                ConfigValue::Null,
                Location {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
            )
        }))
    }

    /// Hands a completed node of `size` values to its parent (or makes it the document).
    fn finish(&mut self, node: ConfigNode, anchor: usize, size: usize, merge: bool) {
        if let Some(total) = self.sizes.last_mut() {
            *total += size;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if matches!(node.value, ConfigValue::List(_) | ConfigValue::Map(_)) {
                        self.errors.push(
                            ConfigError::syntax(
                                node.location,
                                format!(
                                    "a map key must be a string, found {}",
                                    node.value.describe()
                                ),
                            )
                            .with_help("write keys as plain or quoted strings"),
                        );
                    }
                    *key = Some((node, merge));
                }
                Some((k, merge)) => entries.push(Entry {
                    key: k,
                    value: node,
                    merge,
                }),
            },
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        location: Location,
    ) -> ConfigValue {
        if let Some(tag) = tag {
            if tag.is_yaml_core_schema() {
                match tag.suffix.as_str() {
                    "str" => return ConfigValue::String(value.to_owned()),
                    "null" => return ConfigValue::Null,
                    "bool" => match value {
                        "true" | "True" | "TRUE" => return ConfigValue::Bool(true),
                        "false" | "False" | "FALSE" => return ConfigValue::Bool(false),
                        _ => {}
                    },
                    "int" | "float" if is_number(value) => {
                        return ConfigValue::Number(value.to_owned())
                    }
                    _ => {}
                }
                self.errors.push(ConfigError::syntax(
                    location,
                    format!("`{value}` is not a valid `!!{}`", tag.suffix),
                ));
            } else {
                self.errors.push(
                    ConfigError::syntax(location, format!("unsupported YAML tag `{tag}`"))
                        .with_help("config files take plain values; remove the tag"),
                );
            }
            return ConfigValue::String(value.to_owned());
        }
        if style != ScalarStyle::Plain {
            return ConfigValue::String(value.to_owned());
        }
        match value {
            "" | "~" | "null" | "Null" | "NULL" => ConfigValue::Null,
            "true" | "True" | "TRUE" => ConfigValue::Bool(true),
            "false" | "False" | "FALSE" => ConfigValue::Bool(false),
            v if is_number(v) => ConfigValue::Number(v.to_owned()),
            v => ConfigValue::String(v.to_owned()),
        }
    }

    fn check_collection_tag(&mut self, tag: Option<&Tag>, expected: &str, location: Location) {
        if let Some(tag) = tag {
            if !(tag.is_yaml_core_schema() && tag.suffix == expected) {
                self.errors.push(
                    ConfigError::syntax(location, format!("unsupported YAML tag `{tag}`"))
                        .with_help("config files take plain values; remove the tag"),
                );
            }
        }
    }

    /// Applies merge keys and reports duplicate keys.
    fn resolve_map(&mut self, entries: Vec<Entry>) -> Vec<(ConfigNode, ConfigNode)> {
        let mut explicit: Vec<&ConfigNode> = Vec::new();
        for e in entries.iter().filter(|e| !e.merge) {
            if let Some(first) = explicit.iter().find(|k| same_key(k, &e.key)) {
                self.errors.push(
                    ConfigError::syntax(
                        e.key.location,
                        format!("duplicate key `{}`", e.key.value.scalar_text().unwrap_or_default()),
                    )
                    .with_help(format!(
                        "first written at line {}, column {}; YAML allows a key once per map, remove one",
                        first.location.line, first.location.column
                    )),
                );
            } else {
                explicit.push(&e.key);
            }
        }
        let explicit: Vec<ConfigNode> = explicit.into_iter().cloned().collect();
        let mut out: Vec<(ConfigNode, ConfigNode)> = Vec::new();
        for e in entries {
            if !e.merge {
                if !out.iter().any(|(k, _)| same_key(k, &e.key)) {
                    out.push((e.key, e.value));
                }
                continue;
            }
            let sources: Vec<ConfigNode> = match e.value.value {
                ConfigValue::Map(_) => vec![e.value],
                ConfigValue::List(items)
                    if items.iter().all(|i| matches!(i.value, ConfigValue::Map(_))) =>
                {
                    items
                }
                ref other => {
                    self.errors.push(
                        ConfigError::syntax(
                            e.value.location,
                            format!(
                                "a `<<` merge key takes a map or a list of maps, found {}",
                                other.describe()
                            ),
                        )
                        .with_help("merge an anchored map: `<<: *template`"),
                    );
                    continue;
                }
            };
            for source in sources {
                let ConfigValue::Map(members) = source.value else {
                    continue;
                };
                for (k, v) in members {
                    // Keys written in this map win, and so do earlier merged maps.
                    let taken = explicit.iter().any(|x| same_key(x, &k))
                        || out.iter().any(|(x, _)| same_key(x, &k));
                    if !taken {
                        out.push((k, v));
                    }
                }
            }
        }
        out
    }
}

fn same_key(a: &ConfigNode, b: &ConfigNode) -> bool {
    a.value == b.value
}

/// A YAML 1.2 core-schema number: `[-+]?[0-9]+`, `0o…`, `0x…`, or a decimal float with an
/// optional exponent (`.inf` and `.nan` are left as strings: no input takes them).
fn is_number(s: &str) -> bool {
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (
            body.get(..i).unwrap_or(""),
            Some(body.get(i + 1..).unwrap_or("")),
        ),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        None => !int.is_empty() && digits(int),
        Some(f) => (!int.is_empty() || !f.is_empty()) && digits(int) && digits(f),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
    };
    mantissa_ok && exponent_ok
}
