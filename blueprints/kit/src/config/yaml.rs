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

use std::collections::hash_map::Entry as Slot;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::{ConfigError, ConfigNode, ConfigValue, Location};

/// How many values a document may hold, aliases' copies included.
pub const MAX_NODES: usize = 1_000_000;

/// How deep collections may nest (the JSON reader's limit too). Real inputs nest a handful of
/// levels; the bound is what keeps the recursive `Clone`, `Drop` and comparisons of
/// [`ConfigNode`] (and every reader of the tree) off the end of the stack.
pub const MAX_DEPTH: usize = 128;

/// Values that aliases may copy for free, on top of [`ALIAS_VALUES_PER_BYTE`].
pub const ALIAS_BASE_VALUES: usize = 10_000;

/// Values that aliases may copy per byte of the document. Each copied value is output a
/// blueprint renders (a trusted team becomes a principal in every role that names it), so
/// the bound ties what a file may cost to its size: a template merged into each team copies a
/// few values per team written, well under one per byte, while an anchored list of N teams
/// used by each of N teams copies N² values from a file that grows with N.
pub const ALIAS_VALUES_PER_BYTE: usize = 2;

/// Parses one YAML document. An empty document is `null`; a stream of several documents is
/// an error.
pub fn parse(text: &str) -> Result<ConfigNode, Vec<ConfigError>> {
    Builder::new(text, MAX_NODES).run()
}

/// [`parse`] with a lower cap on values, so tests reach it without a million of them.
#[cfg(test)]
pub(crate) fn parse_with_max_nodes(
    text: &str,
    max_nodes: usize,
) -> Result<ConfigNode, Vec<ConfigError>> {
    Builder::new(text, max_nodes).run()
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

/// An open collection.
struct Frame {
    location: Location,
    anchor: usize,
    /// Written in flow style (`[` or `{`), for reporting an unclosed bracket where it opens.
    flow: Option<char>,
    /// How many values it holds so far (alias copies included), itself counted.
    size: usize,
    /// The deepest nesting below it so far (a scalar child makes it 1).
    height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<ConfigNode>),
    Map {
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

/// An anchored node, kept for its aliases.
struct Anchored {
    node: ConfigNode,
    size: usize,
    height: usize,
}

/// A key's identity for duplicate and merge checks: two keys are the same key when their
/// values are equal (`1` and `"1"` differ, as `ConfigValue` equality says). Collection keys
/// are errors already; each gets an identity of its own.
#[derive(Hash, PartialEq, Eq)]
enum KeyId {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Collection(usize),
}

/// A written key borrowed, for the duplicate check; `None` for a collection key.
#[derive(Hash, PartialEq, Eq)]
enum KeyRef<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(&'a str),
}

impl<'a> KeyRef<'a> {
    fn of(key: &'a ConfigNode) -> Option<Self> {
        match &key.value {
            ConfigValue::Null => Some(KeyRef::Null),
            ConfigValue::Bool(b) => Some(KeyRef::Bool(*b)),
            ConfigValue::Number(n) => Some(KeyRef::Number(n)),
            ConfigValue::String(s) => Some(KeyRef::String(s)),
            ConfigValue::List(_) | ConfigValue::Map(_) => None,
        }
    }

    fn owned(self) -> KeyId {
        match self {
            KeyRef::Null => KeyId::Null,
            KeyRef::Bool(b) => KeyId::Bool(b),
            KeyRef::Number(n) => KeyId::Number(n.to_owned()),
            KeyRef::String(s) => KeyId::String(s.to_owned()),
        }
    }
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    root: Option<ConfigNode>,
    documents: usize,
    /// Values in the document, alias copies included.
    nodes: usize,
    /// The cap on `nodes` ([`MAX_NODES`]).
    max_nodes: usize,
    /// Values copied by aliases, against `alias_budget`.
    alias_values: usize,
    alias_budget: usize,
    collection_keys: usize,
    errors: Vec<ConfigError>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, max_nodes: usize) -> Self {
        Builder {
            max_nodes,
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            nodes: 0,
            alias_values: 0,
            alias_budget: ALIAS_BASE_VALUES
                .saturating_add(text.len().saturating_mul(ALIAS_VALUES_PER_BYTE)),
            collection_keys: 0,
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

    /// The text from a byte offset on (empty past the end or off a character boundary).
    fn text_at(&self, offset: usize) -> &'t str {
        self.text.get(offset..).unwrap_or("")
    }

    /// The bracket a collection starting at `offset` opens with, past its anchor and tag.
    fn flow_bracket(&self, offset: usize) -> Option<char> {
        let mut rest = self.text_at(offset);
        while rest.starts_with(['&', '!']) {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            rest = rest.get(end..).unwrap_or("").trim_start();
        }
        rest.chars().next().filter(|c| matches!(c, '[' | '{'))
    }

    /// `*name` as written at an alias's location.
    fn alias_text(&self, offset: usize) -> &'t str {
        let rest = self.text_at(offset);
        let end = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_whitespace() || ",[]{}".contains(*c))
            .map_or(rest.len(), |(i, _)| i);
        rest.get(..end).unwrap_or(rest)
    }

    fn too_deep(&mut self, location: Location) -> Vec<ConfigError> {
        self.errors.push(
            ConfigError::syntax(
                location,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            )
            .with_help("config inputs nest a few levels deep; flatten the lists and maps"),
        );
        std::mem::take(&mut self.errors)
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
                    let error = self.syntax_error(location, e.info());
                    self.errors.push(error);
                    return Err(self.errors);
                }
            };
            let location = self.location(&span);
            let seq = matches!(event, Event::SequenceStart(..));
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
                    let value = self.scalar(value, style, tag.as_deref(), location);
                    let node = ConfigNode::new(value, location);
                    // Keys are delivered as nodes too; `<<` is a merge key only when plain.
                    let merge = style == ScalarStyle::Plain
                        && node.value == ConfigValue::String("<<".into());
                    self.nodes += 1;
                    self.finish(node, anchor, 1, 0, merge);
                }
                Event::Alias(id) => {
                    let Some(anchored) = self.anchors.get(&id) else {
                        self.errors
                            .push(ConfigError::syntax(location, "alias to an unknown anchor"));
                        return Err(self.errors);
                    };
                    let (size, height) = (anchored.size, anchored.height);
                    if self.stack.len() + height > MAX_DEPTH {
                        return Err(self.too_deep(location));
                    }
                    self.alias_values = self.alias_values.saturating_add(size);
                    if self.alias_values > self.alias_budget {
                        let alias = self.alias_text(location.offset);
                        self.errors.push(
                            ConfigError::syntax(
                                location,
                                format!(
                                    "the alias `{alias}` copies the document's aliased values past {} (the budget of a {}-byte file)",
                                    self.alias_budget,
                                    self.text.len()
                                ),
                            )
                            .with_help(format!(
                                "each alias copies its anchored value ({size} values here) into the inputs, and a blueprint renders every copy; write the values out, or alias smaller parts"
                            )),
                        );
                        return Err(self.errors);
                    }
                    // The copy keeps the anchored value's location: that is where it is written.
                    // Cloning is bounded: by depth, and in total by the alias budget.
                    let node = anchored.node.clone();
                    self.nodes = self.nodes.saturating_add(size);
                    self.finish(node, 0, size, height, false);
                }
                Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(self.too_deep(location));
                    }
                    self.check_collection_tag(
                        tag.as_deref(),
                        if seq { "seq" } else { "map" },
                        location,
                    );
                    self.nodes += 1;
                    let kind = if seq {
                        FrameKind::Seq(Vec::new())
                    } else {
                        FrameKind::Map {
                            entries: Vec::new(),
                            key: None,
                        }
                    };
                    self.stack.push(Frame {
                        location,
                        anchor,
                        flow: self.flow_bracket(location.offset),
                        size: 1,
                        height: 1,
                        kind,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some(frame) = self.stack.pop() {
                        let value = match frame.kind {
                            FrameKind::Seq(items) => ConfigValue::List(items),
                            FrameKind::Map { entries, .. } => {
                                ConfigValue::Map(self.resolve_map(entries))
                            }
                        };
                        self.finish(
                            ConfigNode::new(value, frame.location),
                            frame.anchor,
                            frame.size,
                            frame.height,
                            false,
                        );
                    }
                }
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
            if self.nodes > self.max_nodes {
                let help = if self.alias_values > 0 {
                    "aliases are copied where they are used; alias smaller parts, or split the inputs over several config files"
                } else {
                    "split the inputs over several config files"
                };
                self.errors.push(
                    ConfigError::syntax(
                        location,
                        format!("the document holds more than {} values", self.max_nodes),
                    )
                    .with_help(help),
                );
                return Err(self.errors);
            }
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(self.root.take().unwrap_or_else(|| {
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

    /// The parser's error; when it stopped inside a flow collection that is never closed, an
    /// error where that collection opens (the parser only notices on a later line); and the
    /// depth message when its own recursion limit stopped it first.
    fn syntax_error(&self, location: Location, info: &str) -> ConfigError {
        if info.contains("recursion limit") {
            return ConfigError::syntax(
                location,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            )
            .with_help("config inputs nest a few levels deep; flatten the lists and maps");
        }
        let unclosed = self
            .stack
            .iter()
            .rev()
            .find_map(|f| f.flow.map(|c| (f.location, c)))
            .filter(|(opened, _)| !closes(self.text_at(opened.offset)));
        match unclosed {
            Some((opened, bracket)) => {
                let close = if bracket == '[' { ']' } else { '}' };
                ConfigError::syntax(opened, format!("unclosed `{bracket}`")).with_help(format!(
                    "close it with `{close}`; the parser stopped at line {}, column {}: {info}",
                    location.line, location.column
                ))
            }
            None => ConfigError::syntax(location, format!("invalid YAML: {info}")),
        }
    }

    /// Hands a completed node of `size` values and `height` levels to its parent (or makes it
    /// the document).
    fn finish(&mut self, node: ConfigNode, anchor: usize, size: usize, height: usize, merge: bool) {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                    height,
                },
            );
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        parent.size = parent.size.saturating_add(size);
        parent.height = parent.height.max(height + 1);
        match &mut parent.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key } => match key.take() {
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
        text: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        location: Location,
    ) -> ConfigValue {
        let value: &str = &text;
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
            return ConfigValue::String(text.into_owned());
        }
        match value {
            "" | "~" | "null" | "Null" | "NULL" => ConfigValue::Null,
            "true" | "True" | "TRUE" => ConfigValue::Bool(true),
            "false" | "False" | "FALSE" => ConfigValue::Bool(false),
            v if is_number(v) => ConfigValue::Number(text.into_owned()),
            _ => ConfigValue::String(text.into_owned()),
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

    fn key_id(&mut self, key: &ConfigNode) -> KeyId {
        match &key.value {
            ConfigValue::Null => KeyId::Null,
            ConfigValue::Bool(b) => KeyId::Bool(*b),
            ConfigValue::Number(n) => KeyId::Number(n.clone()),
            ConfigValue::String(s) => KeyId::String(s.clone()),
            ConfigValue::List(_) | ConfigValue::Map(_) => {
                self.collection_keys += 1;
                KeyId::Collection(self.collection_keys)
            }
        }
    }

    /// Applies merge keys and reports duplicate keys, in time linear in the keys written and
    /// merged. Written keys are compared borrowed; only a map with a `<<` key copies them.
    fn resolve_map(&mut self, entries: Vec<Entry>) -> Vec<(ConfigNode, ConfigNode)> {
        // Which written entries are first with their key (a duplicate is reported and
        // dropped), and, when the map merges, the written keys that merged ones yield to.
        let mut first = vec![true; entries.len()];
        let merges = entries.iter().any(|e| e.merge);
        let explicit: HashSet<KeyId> = {
            let mut seen: HashMap<KeyRef<'_>, Location> = HashMap::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate().filter(|(_, e)| !e.merge) {
                let Some(key) = KeyRef::of(&e.key) else {
                    continue;
                };
                match seen.entry(key) {
                    Slot::Vacant(slot) => {
                        slot.insert(e.key.location);
                    }
                    Slot::Occupied(at) => {
                        let at = *at.get();
                        if let Some(f) = first.get_mut(i) {
                            *f = false;
                        }
                        self.errors.push(
                            ConfigError::syntax(
                                e.key.location,
                                format!(
                                    "duplicate key `{}`",
                                    e.key.value.scalar_text().unwrap_or_default()
                                ),
                            )
                            .with_help(format!(
                                "first written at line {}, column {}; YAML allows a key once per map, remove one",
                                at.line, at.column
                            )),
                        );
                    }
                }
            }
            if merges {
                seen.into_keys().map(KeyRef::owned).collect()
            } else {
                HashSet::new()
            }
        };
        let mut merged: HashSet<KeyId> = HashSet::new();
        let mut out: Vec<(ConfigNode, ConfigNode)> = Vec::with_capacity(entries.len());
        for (e, first) in entries.into_iter().zip(first) {
            if !e.merge {
                if first {
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
                    let id = self.key_id(&k);
                    if !explicit.contains(&id) && merged.insert(id) {
                        out.push((k, v));
                    }
                }
            }
        }
        out
    }
}

/// Whether the flow collection opening `text` (at its anchor, tag or bracket) is closed
/// anywhere after: brackets are counted outside quoted strings and comments.
fn closes(text: &str) -> bool {
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            '"' | '\'' => {
                while let Some(q) = chars.next() {
                    if q == '\\' && c == '"' {
                        chars.next();
                    } else if q == c {
                        // `''` inside a single-quoted string is a quote.
                        if c == '\'' && chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '#' if previous.is_whitespace() => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
        previous = c;
    }
    false
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
