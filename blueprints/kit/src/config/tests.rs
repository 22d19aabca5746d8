//! The config loader: YAML features, atmos stacks, format selection and located errors.

use super::{atmos, yaml, ConfigNode, ConfigSource, ConfigValue, Format, MAX_CONFIG_BYTES};
use yaml::MAX_DEPTH;

/// The tree as compact JSON-like text with each value's `line:column`, for exact comparisons.
fn show(node: &ConfigNode) -> String {
    let at = format!("@{}:{}", node.location.line, node.location.column);
    match &node.value {
        ConfigValue::Null => format!("null{at}"),
        ConfigValue::Bool(b) => format!("{b}{at}"),
        ConfigValue::Number(n) => format!("{n}{at}"),
        ConfigValue::String(s) => format!("{s:?}{at}"),
        ConfigValue::List(items) => format!(
            "[{}]{at}",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ConfigValue::Map(members) => format!(
            "{{{}}}{at}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", k.value.scalar_text().unwrap_or_default(), show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn errors(text: &str) -> String {
    match yaml::parse(text) {
        Ok(n) => panic!(
            "expected errors, got {}",
            show(&n).chars().take(500).collect::<String>()
        ),
        Err(errors) => super::ConfigErrors {
            file: "f.yaml".into(),
            errors,
        }
        .to_string(),
    }
}

#[test]
fn scalars_follow_the_yaml_1_2_core_schema() {
    let n = yaml::parse("a: 12\nb: '12'\nc: true\nd: yes\ne: ~\nf:\ng: 1.5e3\nh: 0x1F\ni: -7\nj: !!str 5\nk: \"é\"\nl: |\n  x\n").unwrap();
    assert_eq!(
        show(&n),
        // An empty value is placed after its key; a block scalar where its text starts.
        r#"{a: 12@1:4, b: "12"@2:4, c: true@3:4, d: "yes"@4:4, e: null@5:4, f: null@6:2, g: 1.5e3@7:4, h: 0x1F@8:4, i: -7@9:4, j: "5"@10:4, k: "é"@11:4, l: "x\n"@13:3}@1:1"#
    );
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  a: 1
  b: [x, y]
other: &other
  b: [z]
  c: 3
one:
  <<: *base
  a: 10
many:
  <<: [*other, *base]
  d: 4
list: *base
";
    let n = yaml::parse(text).unwrap();
    // Merged members take the place of the `<<` key.
    assert_eq!(
        show(n.get("one").unwrap()),
        r#"{b: ["x"@3:7, "y"@3:10]@3:6, a: 10@9:6}@8:3"#
    );
    // Earlier merged maps win over later ones; keys written in the map win over both.
    assert_eq!(
        show(n.get("many").unwrap()),
        r#"{b: ["z"@5:7]@5:6, c: 3@6:6, a: 1@2:6, d: 4@12:6}@11:3"#
    );
    // An alias keeps the location where the anchored value is written.
    // (an anchored map starts at its anchor).
    assert_eq!(
        show(n.get("list").unwrap()),
        r#"{a: 1@2:6, b: ["x"@3:7, "y"@3:10]@3:6}@1:7"#
    );
}

#[test]
fn the_seed_stack_file_reads_as_the_original_does() {
    let text = include_str!("tests/aws-teams-stack.yaml");
    let source = ConfigSource::new("gbl-identity.yaml", text);
    assert_eq!(source.format().unwrap(), Format::Yaml);
    let vars = source.component_vars("aws-teams").unwrap();
    let teams = vars.get("teams_config").unwrap();
    let admin = teams.get("admin").unwrap();
    // Merged from the template, overridden in `admin`, and from the stack's global vars.
    assert_eq!(
        show(admin.get("max_session_duration").unwrap()),
        "43200@18:35"
    );
    assert_eq!(
        show(admin.get("denied_teams").unwrap()),
        r#"["viewer"@24:29]@24:27"#
    );
    assert_eq!(
        show(admin.get("trusted_teams").unwrap()),
        r#"["admin"@30:30]@30:28"#
    );
    assert_eq!(
        show(admin.get("aws_saml_login_enabled").unwrap()),
        "true@29:37"
    );
    assert_eq!(show(vars.get("namespace").unwrap()), r#""eg"@2:14"#);
    assert_eq!(show(vars.get("region").unwrap()), r#""us-east-2"@14:17"#);
    // `terraform.vars` sits between the global vars and the component's.
    assert_eq!(show(vars.get("stage").unwrap()), r#""identity"@6:17"#);
    // The only component is found without its name too.
    assert_eq!(source.inputs_node(None).unwrap(), vars);
    assert_eq!(source.inputs_node(Some("other-name")).unwrap(), vars);
}

#[test]
fn atmos_errors() {
    let two = "components:\n  terraform:\n    aws-teams: {vars: {a: 1}}\n    aws-team-roles: {vars: {a: 2}}\n";
    let source = ConfigSource::new("s.yaml", two);
    assert_eq!(
        source.component_vars("aws-team").unwrap_err().to_string(),
        "s.yaml:3:5: components.terraform: no component `aws-team` in the stack (help: did you mean `aws-teams`?)"
    );
    assert_eq!(
        source.inputs_node(None).unwrap_err().to_string(),
        "s.yaml:3:5: components.terraform: the stack has several components; name the one to read (help: the stack's components: `aws-teams`, `aws-team-roles`)"
    );
    assert_eq!(
        show(&source.inputs_node(Some("aws-team-roles")).unwrap()),
        "{a: 2@4:32}@4:28"
    );
    let imports = "import:\n  - catalog/aws-teams\ncomponents:\n  terraform:\n    aws-teams:\n      metadata: {inherits: [base]}\n      vars: [1]\n";
    assert_eq!(
        ConfigSource::new("i.yaml", imports).inputs_node(None).unwrap_err().to_string(),
        "i.yaml:1:1: import: atmos `import` is not supported (help: rolewright reads one stack file; copy the imported stacks' `vars` into this file)\n\
         i.yaml:6:18: components.terraform.aws-teams.metadata.inherits: atmos component inheritance is not supported (help: write the inherited `vars` into this component)\n\
         i.yaml:7:13: components.terraform.aws-teams.vars: expected a map of variables, found a list"
    );
    assert!(!atmos::is_stack(&yaml::parse("vars: {}").unwrap()));
    assert_eq!(
        ConfigSource::new("n.yaml", "vars: {}").component_vars("x").unwrap_err().to_string(),
        "n.yaml:1:1: not an atmos stack file: there is no `components` key (help: a stack file has `components: {terraform: {<component>: {vars: ...}}}`)"
    );
}

#[test]
fn deep_merge_merges_maps_and_replaces_the_rest() {
    let base = yaml::parse("a: {x: 1, y: [1, 2]}\nb: 1\n").unwrap();
    let over = yaml::parse("a: {y: [3], z: 4}\nc: 5\n").unwrap();
    assert_eq!(
        show(&atmos::deep_merge(base, over)),
        "{a: {x: 1@1:8, y: [3@1:9]@1:8, z: 4@1:16}@1:4, b: 1@2:4, c: 5@2:4}@1:1"
    );
}

#[test]
fn syntax_errors_duplicates_and_limits() {
    assert_eq!(
        errors("a: 1\nb: 2\na: 3\n"),
        "f.yaml:3:1: duplicate key `a` (help: first written at line 1, column 1; YAML allows a key once per map, remove one)"
    );
    assert_eq!(
        errors("a: [1, 2\n"),
        "f.yaml:1:4: unclosed `[` (help: close it with `]`; the parser stopped at line 2, column 1: while parsing a flow sequence, expected ',' or ']')"
    );
    assert_eq!(
        errors("a: *nope\n"),
        "f.yaml:1:4: invalid YAML: while parsing node, found unknown anchor"
    );
    assert_eq!(
        errors("a: !include x.yaml\n"),
        "f.yaml:1:4: unsupported YAML tag `!include` (help: config files take plain values; remove the tag)"
    );
    assert_eq!(
        errors("a: 1\n---\nb: 2\n"),
        "f.yaml:2:1: the file holds more than one YAML document (help: keep one document per config file)"
    );
    assert_eq!(
        errors("m:\n  <<: 5\n"),
        "f.yaml:2:7: a `<<` merge key takes a map or a list of maps, found a number (help: merge an anchored map: `<<: *template`)"
    );
    assert_eq!(errors("? [a]\n: 1\n"), "f.yaml:1:3: a map key must be a string, found a list (help: write keys as plain or quoted strings)");
    // A billion laughs: each level doubles the copies.
    let mut bomb = String::from("l0: &l0 [x, x]\n");
    for i in 1..25 {
        bomb.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
    }
    match yaml::parse(&bomb) {
        Ok(_) => panic!("the alias bomb was expanded"),
        Err(e) => assert!(
            e[0].message.starts_with("the alias `*l")
                && e[0]
                    .message
                    .contains("copies the document's aliased values past"),
            "{e:?}"
        ),
    }
}

#[test]
fn json_or_yaml_by_name_then_content() {
    let f = |name: &str, text: &str| ConfigSource::new(name, text).format().unwrap();
    assert_eq!(f("a.json", "x: 1"), Format::Json);
    assert_eq!(f("a.YML", "{}"), Format::Yaml);
    assert_eq!(f("stdin", "  {\"a\": 1}"), Format::Json);
    assert_eq!(f("stdin", "a: 1"), Format::Yaml);
    let json = ConfigSource::new("c.json", "{\"a\": 1, \"a\": 2}");
    assert!(json
        .parse()
        .unwrap_err()
        .to_string()
        .starts_with("c.json:1:10: duplicate key `a`"));
    assert_eq!(
        show(&ConfigSource::new("e.yaml", "").parse().unwrap()),
        "null@1:1"
    );
    // Byte offsets count bytes, columns count characters.
    let n = yaml::parse("é: [ü, x]").unwrap();
    let ConfigValue::Map(m) = &n.value else {
        panic!()
    };
    let ConfigValue::List(items) = &m[0].1.value else {
        panic!()
    };
    assert_eq!((items[1].location.column, items[1].location.offset), (8, 9));
}

/// Input paths as blueprints report them lead to the value in the file: through lists, through
/// keys that hold dots themselves (the longest key wins), and to the deepest written part when
/// the input itself is not written.
#[test]
fn input_paths_locate_their_values() {
    let text = "a:\n  b.c:\n    - x\n    - y\n  b: 1\nlist:\n  - k: v\n";
    let root = yaml::parse(text).unwrap();
    let at = |path: &str| {
        let l = root.locate(path);
        (l.line, l.column)
    };
    assert_eq!(at("a.b.c[1]"), (4, 7));
    assert_eq!(at("a.b.c[0]"), (3, 7));
    assert_eq!(at("a.b"), (5, 6));
    assert_eq!(at("list[0].k"), (7, 8));
    // Not written: the deepest part that is.
    assert_eq!(at("a.b.c[5]"), (3, 5));
    assert_eq!(at("a.missing"), (2, 3));
    assert_eq!(at("nothing.here"), (1, 1));
    assert_eq!(at(""), (1, 1));
}

/// The first error of a document that must not load, as `line:column: message (help: ...)`.
fn first_error(text: &str) -> String {
    match yaml::parse(text) {
        Ok(_) => panic!("the document loaded"),
        Err(e) => {
            let e = &e[0];
            format!(
                "{}:{}: {} (help: {})",
                e.location.line,
                e.location.column,
                e.message,
                e.help.clone().unwrap_or_default()
            )
        }
    }
}

/// Fuzz finding: 16 KB of `- - - …` nested a block sequence 8,000 deep and overflowed the
/// stack. Depth is bounded before anything is built, for block and flow collections alike.
#[test]
fn nesting_is_bounded() {
    let deep = "- ".repeat(8_000) + "x\n";
    let e = first_error(&deep);
    assert!(
        e.starts_with("1:257: the document nests deeper than 128 levels (help: "),
        "{e}"
    );
    let e = first_error(&("[".repeat(50_000)));
    assert!(e.contains("nests deeper than 128 levels"), "{e}");
    let e = first_error(&("{a: ".repeat(50_000)));
    assert!(e.contains("nests deeper than 128 levels"), "{e}");
    // 128 levels load.
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(yaml::parse(&ok).is_ok());
    // An alias counts its anchored value's depth where it is used.
    let nested = "[".repeat(100) + &"]".repeat(100);
    let text = format!(
        "a: &a {nested}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
    );
    assert!(first_error(&text).starts_with("2:34: the document nests deeper than 128 levels"));
    // The same document as JSON has the same bound.
    let json = ConfigSource::new("deep.json", "[".repeat(200) + &"]".repeat(200));
    assert!(json
        .parse()
        .unwrap_err()
        .to_string()
        .starts_with("deep.json:1:129:"));
}

/// Fuzz finding: aws-teams YAML with N teams each trusting an anchored list of all N copies
/// N² values (22 KB of YAML became 1 GB of memory). What aliases copy is bounded by the
/// file's size, and the error names the alias.
#[test]
fn alias_copies_are_bounded_by_the_file_size() {
    let n = 600;
    let mut text = String::from("all: &all\n");
    for i in 0..n {
        text.push_str(&format!("  - team{i}\n"));
    }
    text.push_str("teams:\n");
    for i in 0..n {
        text.push_str(&format!("  team{i}: {{trusted_teams: *all}}\n"));
    }
    let e = first_error(&text);
    assert!(
        e.contains(": the alias `*all` copies the document's aliased values past"),
        "{e}"
    );
    assert!(
        e.contains("each alias copies its anchored value (601 values here)"),
        "{e}"
    );
    // A template merged into every team, as atmos stacks do, loads at any size.
    let mut text = String::from("template: &t {a: 1, b: [x, y], c: {d: 2}}\nteams:\n");
    for i in 0..5_000 {
        text.push_str(&format!("  team{i}: {{<<: *t, e: {i}}}\n"));
    }
    let n = yaml::parse(&text).unwrap();
    let ConfigValue::Map(teams) = &n.get("teams").unwrap().value else {
        panic!()
    };
    assert_eq!(teams.len(), 5_000);
}

/// Fuzz finding: `<<: [*a, *a, …]` over a 4,000-key map checked each merged key against every
/// key so far. Merging is linear now, and merging the same map again changes nothing.
#[test]
fn merge_keys_are_linear_and_idempotent() {
    let mut text = String::from("a: &a\n");
    for i in 0..4_000 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    text.push_str("m:\n  k1: own\n  <<: [");
    text.push_str(&["*a"; 10].join(", "));
    text.push_str("]\n");
    let n = yaml::parse(&text).unwrap();
    let m = n.get("m").unwrap();
    let ConfigValue::Map(members) = &m.value else {
        panic!()
    };
    assert_eq!(members.len(), 4_000);
    assert_eq!(show(m.get("k1").unwrap()), r#""own"@4003:7"#);
    assert_eq!(show(m.get("k0").unwrap()), "0@2:7");
    // `1` and `"1"` are different keys; two `1`s are not.
    assert_eq!(
        first_error("1: a\n'1': b\n1: c\n"),
        "3:1: duplicate key `1` (help: first written at line 1, column 1; YAML allows a key once per map, remove one)"
    );
}

/// Many keys and many duplicates are reported without quadratic work (the bench measures
/// the time): every duplicate, each pointing at the first.
#[test]
fn every_duplicate_key_is_reported() {
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!("k{i}: 1\n"));
    }
    for i in 0..5_000 {
        text.push_str(&format!("k{i}: 2\n"));
    }
    let e = yaml::parse(&text).unwrap_err();
    assert_eq!(e.len(), 5_000);
    assert_eq!(e[4_999].location.line, 10_000);
    assert_eq!(
        e[4_999].help.as_deref(),
        Some("first written at line 5000, column 1; YAML allows a key once per map, remove one")
    );
}

/// A file without aliases that is too big is told its size, not about aliases; values past
/// the cap without aliases are told to split the file.
#[test]
fn size_limits_say_what_is_too_big() {
    let big = ConfigSource::new("big.yaml", "a: 1\n".repeat(MAX_CONFIG_BYTES / 5 + 1));
    assert_eq!(
        big.parse().unwrap_err().to_string(),
        format!(
            "big.yaml:1:1: the config is {} bytes; config files are limited to 16777216 bytes (16 MiB) (help: split the inputs over several config files)",
            (MAX_CONFIG_BYTES / 5 + 1) * 5
        )
    );
    // The same check as at `yaml::MAX_NODES`, with a cap a test reaches quickly.
    let many = "- 1\n".repeat(1_001);
    let e = &yaml::parse_with_max_nodes(&many, 1_000).unwrap_err()[0];
    assert_eq!(
        (e.location.line, e.message.as_str(), e.help.as_deref()),
        (
            1_000,
            "the document holds more than 1000 values",
            Some("split the inputs over several config files")
        )
    );
    let aliased = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";
    let e = &yaml::parse_with_max_nodes(aliased, 12).unwrap_err()[0];
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .starts_with("aliases are copied where they are used"),
        "{e:?}"
    );
    // Reading checks the size before reading the file whole.
    let dir = std::env::temp_dir().join(format!("rolewright-kit-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.yaml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_CONFIG_BYTES as u64 + 1).unwrap();
    let e = ConfigSource::read(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the config is 16777217 bytes; config files are limited to 16777216 bytes (16 MiB)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file that is neither YAML nor JSON by its name is not read as YAML.
#[test]
fn unknown_extensions_are_rejected() {
    let e = ConfigSource::new("notes.txt", "a: 1").parse().unwrap_err();
    assert_eq!(
        e.to_string(),
        "notes.txt:1:1: unknown config file extension `.txt` (help: config files are YAML (`.yaml`, `.yml`) or JSON (`.json`); rename the file)"
    );
    assert!(ConfigSource::new("dir.v2/stdin", "a: 1").parse().is_ok());
}

/// An unclosed bracket is reported where it opens, also in nested flow collections and maps.
#[test]
fn unclosed_brackets_are_reported_where_they_open() {
    let e = first_error("a:\n  b: {c: [1, 2]\nd: 3\n");
    assert!(e.starts_with("2:6: unclosed `{`"), "{e}");
    let e = first_error("a: &x [1, 2\nb: 3\n");
    assert!(e.starts_with("1:4: unclosed `[`"), "{e}");
    // Brackets in quotes and comments do not close it.
    let e = first_error("a: [\"]\", ']', # ]\n  x\nb: 3\n");
    assert!(e.starts_with("1:4: unclosed `[`"), "{e}");
    // A collection that is closed later keeps the parser's own message.
    let e = first_error("a: [1,\n  *nope]\n");
    assert!(e.contains("invalid YAML"), "{e}");
}
