//! The config loader: YAML features, atmos stacks, format selection and located errors.

use super::{atmos, yaml, ConfigNode, ConfigSource, ConfigValue, Format};

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
    assert_eq!(source.format(), Format::Yaml);
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
        "f.yaml:2:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"
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
            e[0].message
                .contains("the document expands to more than 1000000 values"),
            "{e:?}"
        ),
    }
}

#[test]
fn json_or_yaml_by_name_then_content() {
    let f = |name: &str, text: &str| ConfigSource::new(name, text).format();
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
