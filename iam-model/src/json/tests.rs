//! Unit and property tests for the JSON parser.

use std::time::{Duration, Instant};

use miette::Diagnostic;
use proptest::prelude::*;

use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers

fn ok(input: &str) -> Spanned<JsonValue> {
    match parse_str(input, &Limits::default()) {
        Ok(value) => value,
        Err(errors) => panic!("{input:?} should parse, got {errors:#?}"),
    }
}

fn errors_bytes(input: &[u8], limits: &Limits) -> Vec<JsonError> {
    match parse(input, limits) {
        Ok(value) => panic!("{input:?} should fail, got {value:#?}"),
        Err(errors) => {
            assert!(!errors.is_empty(), "error list is never empty");
            errors
        }
    }
}

fn errors(input: &str) -> Vec<JsonError> {
    let from_bytes = errors_bytes(input.as_bytes(), &Limits::default());
    let from_str = parse_str(input, &Limits::default()).unwrap_err();
    assert_eq!(from_bytes, from_str, "parse and parse_str agree");
    from_str
}

/// The one fatal error for `input`.
fn fatal(input: &str) -> JsonError {
    let mut errors = errors(input);
    assert_eq!(
        errors.len(),
        1,
        "fatal errors are reported alone: {errors:#?}"
    );
    errors.remove(0)
}

/// Asserts that `input` fails with exactly one error of `code`, `message`, at `line:column`.
#[track_caller]
fn assert_fails(input: &str, code: &str, message: &str, line: u32, column: u32) {
    let error = fatal(input);
    assert_eq!(
        (
            error.kind.code(),
            error.to_string().as_str(),
            error.span.line,
            error.span.column
        ),
        (code, message, line, column),
        "input {input:?}"
    );
    assert_span_position(input, error.span);
}

#[track_caller]
fn assert_syntax(input: &str, message: &str, line: u32, column: u32) {
    assert_fails(input, "JSON_SYNTAX", message, line, column);
}

/// Checks a span's line and column against a naive count from the start of `input`.
#[track_caller]
fn assert_span_position(input: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= input.len(),
        "{span:?} in {input:?}"
    );
    let before = input
        .get(..span.start)
        .expect("span starts on a char boundary");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    assert_eq!(
        (span.line as usize, span.column as usize),
        (line, column),
        "position of {span:?} in {input:?}"
    );
}

fn text(input: &str, span: Span) -> &str {
    &input[span.start..span.end]
}

fn string(s: &str) -> JsonValue {
    JsonValue::String(s.to_owned())
}

/// The value with every span reset, for comparing values parsed from different text.
fn strip(value: &Spanned<JsonValue>) -> Spanned<JsonValue> {
    let stripped = match &value.value {
        JsonValue::Array(items) => JsonValue::Array(items.iter().map(strip).collect()),
        JsonValue::Object(members) => JsonValue::Object(
            members
                .iter()
                .map(|(k, v)| {
                    let key = Spanned {
                        value: k.value.clone(),
                        span: Span::default(),
                    };
                    (key, strip(v))
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Spanned {
        value: stripped,
        span: Span::default(),
    }
}

/// Checks every span in `value` (parsed from `input`): its position is exact, and its text
/// parses back to the same value (or, for a key, the same string).
fn assert_spans(input: &str, value: &Spanned<JsonValue>) {
    assert_span_position(input, value.span);
    let reparsed = parse_str(text(input, value.span), &Limits::default()).unwrap();
    assert_eq!(strip(&reparsed), strip(value));
    match &value.value {
        JsonValue::Array(items) => items.iter().for_each(|item| assert_spans(input, item)),
        JsonValue::Object(members) => {
            for (key, member) in members {
                assert_span_position(input, key.span);
                let key_text = parse_str(text(input, key.span), &Limits::default()).unwrap();
                assert_eq!(key_text.value, JsonValue::String(key.value.clone()));
                assert_spans(input, member);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Values

#[test]
fn scalars() {
    assert_eq!(ok("null").value, JsonValue::Null);
    assert_eq!(ok("true").value, JsonValue::Bool(true));
    assert_eq!(ok("false").value, JsonValue::Bool(false));
    assert_eq!(ok(r#""Allow""#).value, string("Allow"));
    assert_eq!(ok(r#""""#).value, string(""));
    assert_eq!(ok("  3600\n").value, JsonValue::Number("3600".into()));
}

#[test]
fn numbers_keep_their_text() {
    for number in [
        "0",
        "-0",
        "7",
        "-12",
        "3600",
        "1.5",
        "-0.0",
        "1e3",
        "1E3",
        "1.5e3",
        "1.5E+3",
        "2e-10",
        "-0.0e0",
        "123456789012345678901234567890",
        "0.000000000000000000000000000001",
    ] {
        let value = ok(number);
        assert_eq!(value.value, JsonValue::Number(number.into()));
        assert_eq!(
            value.span,
            Span {
                start: 0,
                end: number.len(),
                line: 1,
                column: 1
            }
        );
        let in_array = ok(&format!("[{number},{number}]"));
        assert_eq!(in_array.value.as_array().unwrap().len(), 2);
    }
}

#[test]
fn structures_and_spans() {
    let input = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"]},\n    {}\n  ],\n  \"Empty\": []\n}";
    let doc = ok(input);
    assert_eq!(
        doc.span,
        Span {
            start: 0,
            end: input.len(),
            line: 1,
            column: 1
        }
    );
    assert_spans(input, &doc);

    let members = doc.value.as_object().unwrap();
    let keys: Vec<&str> = members.iter().map(|(k, _)| k.value.as_str()).collect();
    assert_eq!(keys, ["Version", "Statement", "Empty"]);
    let (version_key, version) = &members[0];
    assert_eq!(text(input, version_key.span), "\"Version\"");
    assert_eq!((version_key.span.line, version_key.span.column), (2, 3));
    assert_eq!(text(input, version.span), "\"2012-10-17\"");
    assert_eq!((version.span.line, version.span.column), (2, 14));

    let statements = doc.value.get("Statement").unwrap();
    assert_eq!((statements.span.line, statements.span.column), (3, 16));
    assert!(
        text(input, statements.span).starts_with('[')
            && text(input, statements.span).ends_with(']')
    );
    let first = &statements.value.as_array().unwrap()[0];
    assert_eq!((first.span.line, first.span.column), (4, 5));
    let action = first.value.get("Action").unwrap().value.as_array().unwrap();
    assert_eq!(action[1].value, string("s3:PutObject"));
    assert_eq!((action[1].span.line, action[1].span.column), (4, 52));
    assert_eq!(
        doc.value.get("Empty").unwrap().value,
        JsonValue::Array(Vec::new())
    );
    assert_eq!(first.value.get("Missing"), None);
}

#[test]
fn all_four_whitespace_characters_and_nothing_else() {
    let doc =
        ok(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n");
    assert_eq!(
        doc.value.get("a").unwrap().value.as_array().unwrap().len(),
        2
    );
    assert_eq!((doc.span.line, doc.span.column), (2, 1));

    assert_syntax("\u{a0}{}", "expected a JSON value, found U+00A0", 1, 1);
    assert_syntax(
        "{}\u{c}",
        "expected end of input after the JSON value, found U+000C",
        1,
        3,
    );
    assert_syntax("[1,\u{b}2]", "expected a JSON value, found U+000B", 1, 4);
    assert_syntax(
        "[1\u{2028}]",
        "expected `,` or `]` after an array element, found U+2028",
        1,
        3,
    );
    assert_syntax(
        "{\"a\":\u{3000}1}",
        "expected a JSON value, found U+3000",
        1,
        6,
    );
}

#[test]
fn line_and_column_count_lines_and_characters() {
    // Tabs count one column, `é` and `😀` one each though they take 2 and 4 bytes.
    let input = "{\n\t\"é\": [1,\n\t\t\"😀\", x]}";
    assert_syntax(
        input,
        "expected a JSON value, found `x`: strings must be in double quotes",
        3,
        8,
    );
    // CRLF line ends: the `\r` ends the previous line's columns.
    assert_syntax(
        "{\r\n  \"a\": x\r\n}",
        "expected a JSON value, found `x`: strings must be in double quotes",
        2,
        8,
    );
    // A lone `\r` is whitespace, not a line break.
    assert_syntax(
        "{\r  \"a\": x}",
        "expected a JSON value, found `x`: strings must be in double quotes",
        1,
        10,
    );
    // Positions after long multi-byte strings on one line.
    let long = format!("[\"{}\", \"ü\", ?]", "€".repeat(1000));
    assert_syntax(&long, "expected a JSON value, found `?`", 1, 1011);

    let input = "[\"ä\",\n \"ö\", {\"😀\": \"x\"}]";
    assert_spans(input, &ok(input));
}

// ---------------------------------------------------------------------------------------------
// Strings and escapes

#[test]
fn escapes() {
    assert_eq!(
        ok(r#""\" \\ \/ \b \f \n \r \t""#).value,
        string("\" \\ / \u{8} \u{c} \n \r \t")
    );
    assert_eq!(
        ok(r#""\u0041\u00e9\u00E9\u20AC\u0000""#).value,
        string("Aéé€\0")
    );
    assert_eq!(ok(r#""a\u0062c""#).value, string("abc"));
    assert_eq!(
        ok(r#""arn:aws:s3:::bucket\/key""#).value,
        string("arn:aws:s3:::bucket/key")
    );
    // Non-ASCII text is kept as is, and DEL needs no escape.
    assert_eq!(ok("\"é😀\u{7f}\"").value, string("é😀\u{7f}"));
    // The span covers the escapes as written.
    let input = r#"["\n\u0041", "x"]"#;
    let items = ok(input).value.as_array().unwrap().to_vec();
    assert_eq!(text(input, items[0].span), r#""\n\u0041""#);
    assert_eq!((items[1].span.start, items[1].span.column), (13, 14));
}

#[test]
fn surrogate_pairs() {
    assert_eq!(ok(r#""\uD83D\uDE00""#).value, string("😀"));
    assert_eq!(ok(r#""\ud83d\ude00!""#).value, string("😀!"));
    assert_eq!(ok(r#""\uD800\uDC00""#).value, string("\u{10000}"));
    assert_eq!(ok(r#""\uDBFF\uDFFF""#).value, string("\u{10FFFF}"));
    assert_eq!(ok(r#""x\uD834\uDD1Ey""#).value, string("x𝄞y"));
}

#[test]
fn lone_surrogates_are_encoding_errors() {
    let high = "escape `\\uD800` encodes a lone surrogate: a high surrogate must be followed by a low surrogate escape";
    assert_fails(r#""\uD800""#, "INVALID_ENCODING", high, 1, 2);
    assert_fails(r#"["ok", "ab\uD800cd"]"#, "INVALID_ENCODING", high, 1, 11);
    assert_fails(r#""\uD800\u0041""#, "INVALID_ENCODING", high, 1, 2);
    assert_fails(r#""\uD800\uD800""#, "INVALID_ENCODING", high, 1, 2);
    assert_fails(r#""\uD800\n""#, "INVALID_ENCODING", high, 1, 2);
    assert_fails(r#""\uD800\uZZZZ""#, "INVALID_ENCODING", high, 1, 2);
    let low = "escape `\\udc00` encodes a lone surrogate: a low surrogate must follow a high surrogate escape";
    assert_fails(r#""\udc00""#, "INVALID_ENCODING", low, 1, 2);
    assert_fails(
        "{\n  \"k\": \"\\udc00\\ud800\"}",
        "INVALID_ENCODING",
        low,
        2,
        9,
    );
    let error = fatal(r#""\uD800""#);
    assert_eq!((error.span.start, error.span.end), (1, 7));
}

#[test]
fn bad_escapes() {
    assert_syntax(r#""\x""#, "invalid escape `\\x`", 1, 2);
    assert_syntax(r#"{"a": "b\'"}"#, "invalid escape `\\'`", 1, 9);
    assert_syntax("\"\\é\"", "invalid escape `\\é`", 1, 2);
    assert_syntax("\"\\\n\"", "invalid escape: `\\` followed by U+000A", 1, 2);
    assert_syntax("\"\\ \"", "invalid escape: `\\` followed by U+0020", 1, 2);
    let hex = "expected four hexadecimal digits after `\\u`";
    assert_syntax(
        r#""\u12G4""#,
        &format!("invalid unicode escape `\\u12G4`: {hex}"),
        1,
        2,
    );
    assert_syntax(
        r#""\u12""#,
        &format!("invalid unicode escape `\\u12`: {hex}"),
        1,
        2,
    );
    assert_syntax(r#""\U0041""#, "invalid escape `\\U`", 1, 2);
    assert_syntax(
        "\"ab\\u",
        &format!("invalid unicode escape `\\u`: {hex}"),
        1,
        4,
    );
    assert_eq!(text(r#""\x""#, fatal(r#""\x""#).span), "\\x");
}

#[test]
fn raw_control_characters_in_strings() {
    assert_syntax(
        "\"a\tb\"",
        "unescaped control character U+0009 in a string: write it as `\\t`",
        1,
        3,
    );
    assert_syntax(
        "{\n  \"Sid\": \"line\nbreak\"}",
        "unescaped control character U+000A in a string: write it as `\\n`",
        2,
        15,
    );
    assert_syntax(
        "\"\r\"",
        "unescaped control character U+000D in a string: write it as `\\r`",
        1,
        2,
    );
    assert_syntax(
        "[\"\u{0}\"]",
        "unescaped control character U+0000 in a string: write it as `\\u0000`",
        1,
        3,
    );
    assert_syntax(
        "\"\u{1f}\"",
        "unescaped control character U+001F in a string: write it as `\\u001f`",
        1,
        2,
    );
    assert_syntax(
        "\"\u{8}\u{c}\"",
        "unescaped control character U+0008 in a string: write it as `\\b`",
        1,
        2,
    );
}

#[test]
fn unterminated_strings() {
    let message = "unterminated string: expected a closing `\"`";
    assert_syntax("\"abc", message, 1, 1);
    assert_syntax("{\"a\": \"abc", message, 1, 7);
    assert_syntax("[\n  \"abc\\", message, 2, 3);
    assert_syntax("{\"Effe", message, 1, 2);
    let error = fatal("[\"abc");
    assert_eq!((error.span.start, error.span.end), (1, 5));
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

#[test]
fn empty_input() {
    assert_syntax("", "empty input: expected a JSON value", 1, 1);
    assert_syntax("  \n ", "empty input: expected a JSON value", 2, 2);
    let error = fatal("  \n ");
    assert_eq!((error.span.start, error.span.end), (4, 4));
}

#[test]
fn trailing_data() {
    assert_syntax(
        "{} {}",
        "expected end of input after the JSON value, found `{`",
        1,
        4,
    );
    assert_syntax(
        "1 2",
        "expected end of input after the JSON value, found `2`",
        1,
        3,
    );
    assert_syntax(
        "{}\n]",
        "expected end of input after the JSON value, found `]`",
        2,
        1,
    );
    assert_syntax(
        "[]]",
        "expected end of input after the JSON value, found `]`",
        1,
        3,
    );
    assert_syntax(
        "\"a\"\"b\"",
        "expected end of input after the JSON value, found `\"`",
        1,
        4,
    );
    assert_syntax(
        "null garbage",
        "expected end of input after the JSON value, found `garbage`",
        1,
        6,
    );
    assert_syntax(
        "{}\0",
        "expected end of input after the JSON value, found U+0000",
        1,
        3,
    );
}

#[test]
fn comments() {
    let message = "comments are not allowed in JSON";
    assert_syntax("// policy\n{}", message, 1, 1);
    assert_syntax("/* policy */ {}", message, 1, 1);
    assert_syntax("{\"a\": 1 // one\n}", message, 1, 9);
    assert_syntax(
        "{\n  // the version\n  \"Version\": \"2012-10-17\"}",
        message,
        2,
        3,
    );
    assert_syntax("[1, /* two */ 2]", message, 1, 5);
    assert_syntax("{} // end", message, 1, 4);
    assert_syntax("{\"a\": /**/ 1}", message, 1, 7);
    assert_syntax("# yaml\n{}", "expected a JSON value, found `#`", 1, 1);
    assert_syntax(
        "[1 / 2]",
        "expected `,` or `]` after an array element, found `/`",
        1,
        4,
    );
}

#[test]
fn trailing_commas() {
    assert_syntax("[1, 2,]", "trailing comma before `]` is not allowed", 1, 6);
    assert_syntax(
        "{\"a\": 1,}",
        "trailing comma before `}` is not allowed",
        1,
        8,
    );
    assert_syntax(
        "{\n  \"Action\": [\n    \"s3:GetObject\",\n  ],\n}",
        "trailing comma before `]` is not allowed",
        3,
        19,
    );
    assert_syntax("[,]", "expected a JSON value or `]`, found `,`", 1, 2);
    assert_syntax("[1,,2]", "expected a JSON value, found `,`", 1, 4);
    assert_syntax("{,}", "expected a string key or `}`, found `,`", 1, 2);
    assert_syntax("{\"a\": 1,,}", "expected a string key, found `,`", 1, 9);
}

#[test]
fn single_quotes_and_bare_words() {
    let message = "strings must be in double quotes, found `'`";
    assert_syntax("{'Effect': 'Allow'}", message, 1, 2);
    assert_syntax("{\"Effect\": 'Allow'}", message, 1, 12);
    assert_syntax("['a']", message, 1, 2);
    assert_syntax("'a'", message, 1, 1);
    assert_syntax(
        "{Effect: \"Allow\"}",
        "object keys must be strings in double quotes, found `Effect`",
        1,
        2,
    );
    assert_syntax(
        "{\"Effect\": Allow}",
        "expected a JSON value, found `Allow`: strings must be in double quotes",
        1,
        12,
    );
    assert_syntax(
        "Version: 2012-10-17",
        "expected a JSON value, found `Version`: strings must be in double quotes",
        1,
        1,
    );
    assert_syntax(
        "nul",
        "expected a JSON value, found `nul`: strings must be in double quotes",
        1,
        1,
    );
    assert_syntax(
        "truex",
        "expected a JSON value, found `truex`: strings must be in double quotes",
        1,
        1,
    );
    assert_syntax(
        "[undefined]",
        "expected a JSON value, found `undefined`: strings must be in double quotes",
        1,
        2,
    );
    assert_syntax(
        "True",
        "invalid literal `True`: JSON literals are lowercase, write `true`",
        1,
        1,
    );
    assert_syntax(
        "[NULL]",
        "invalid literal `NULL`: JSON literals are lowercase, write `null`",
        1,
        2,
    );
    assert_syntax(
        "{\"a\": False}",
        "invalid literal `False`: JSON literals are lowercase, write `false`",
        1,
        7,
    );
}

#[test]
fn structural_errors() {
    assert_syntax(
        "{\"a\": 1]",
        "expected `,` or `}` after an object member, found `]`",
        1,
        8,
    );
    assert_syntax(
        "[1}",
        "expected `,` or `]` after an array element, found `}`",
        1,
        3,
    );
    assert_syntax(
        "[1 2]",
        "expected `,` or `]` after an array element, found `2`",
        1,
        4,
    );
    assert_syntax(
        "{\"a\" 1}",
        "expected `:` after an object key, found `1`",
        1,
        6,
    );
    assert_syntax(
        "{\"a\"}",
        "expected `:` after an object key, found `}`",
        1,
        5,
    );
    assert_syntax(
        "{\"a\" = 1}",
        "expected `:` after an object key, found `=`",
        1,
        6,
    );
    assert_syntax(
        "{\"a\": 1 \"b\": 2}",
        "expected `,` or `}` after an object member, found `\"`",
        1,
        9,
    );
    assert_syntax("{\"a\": }", "expected a JSON value, found `}`", 1, 7);
    assert_syntax("{1: 2}", "expected a string key or `}`, found `1`", 1, 2);
    assert_syntax(
        "{\"a\": 1, 2: 3}",
        "expected a string key, found `2`",
        1,
        10,
    );
    assert_syntax(
        "[1, 2",
        "expected `,` or `]` after an array element, found end of input",
        1,
        6,
    );
    assert_syntax(
        "[",
        "expected a JSON value or `]`, found end of input",
        1,
        2,
    );
    assert_syntax(
        "[\n",
        "expected a JSON value or `]`, found end of input",
        2,
        1,
    );
    assert_syntax(
        "{",
        "expected a string key or `}`, found end of input",
        1,
        2,
    );
    assert_syntax(
        "{\"a\"",
        "expected `:` after an object key, found end of input",
        1,
        5,
    );
    assert_syntax("{\"a\":", "expected a JSON value, found end of input", 1, 6);
    assert_syntax(
        "{\"a\": 1",
        "expected `,` or `}` after an object member, found end of input",
        1,
        8,
    );
    assert_syntax("]", "expected a JSON value, found `]`", 1, 1);
    assert_syntax("[é]", "expected a JSON value or `]`, found `é`", 1, 2);
    assert_syntax("[`]", "expected a JSON value or `]`, found `` ` ``", 1, 2);
    assert_syntax(
        "[\u{200b}]",
        "expected a JSON value or `]`, found U+200B",
        1,
        2,
    );
    let error = fatal("[1, 2");
    assert_eq!((error.span.start, error.span.end), (5, 5));
    let error = fatal("{\"a\" == 1}");
    assert_eq!(text("{\"a\" == 1}", error.span), "=");
}

#[test]
fn invalid_numbers() {
    assert_syntax(
        "01",
        "invalid number `01`: leading zeros are not allowed",
        1,
        1,
    );
    assert_syntax(
        "[1, 012]",
        "invalid number `012`: leading zeros are not allowed",
        1,
        5,
    );
    assert_syntax(
        "-00",
        "invalid number `-00`: leading zeros are not allowed",
        1,
        1,
    );
    assert_syntax(
        "+1",
        "invalid number `+1`: a leading `+` is not allowed",
        1,
        1,
    );
    assert_syntax(
        ".5",
        "invalid number `.5`: a digit is required before the decimal point",
        1,
        1,
    );
    assert_syntax(
        "1.",
        "invalid number `1.`: expected a digit after the decimal point",
        1,
        1,
    );
    assert_syntax(
        "[1.]",
        "invalid number `1.`: expected a digit after the decimal point",
        1,
        2,
    );
    assert_syntax(
        "1.e5",
        "invalid number `1.e5`: expected a digit after the decimal point",
        1,
        1,
    );
    assert_syntax("-", "invalid number `-`: expected a digit after `-`", 1, 1);
    assert_syntax(
        "[-]",
        "invalid number `-`: expected a digit after `-`",
        1,
        2,
    );
    assert_syntax(
        "-a",
        "invalid number `-a`: expected a digit after `-`",
        1,
        1,
    );
    assert_syntax(
        "1e",
        "invalid number `1e`: expected a digit in the exponent",
        1,
        1,
    );
    assert_syntax(
        "1e+",
        "invalid number `1e+`: expected a digit in the exponent",
        1,
        1,
    );
    assert_syntax(
        "1E-x",
        "invalid number `1E-x`: expected a digit in the exponent",
        1,
        1,
    );
    assert_syntax("1.5.3", "invalid number `1.5.3`", 1, 1);
    assert_syntax("0x10", "invalid number `0x10`", 1, 1);
    assert_syntax("{\"a\": 12abc}", "invalid number `12abc`", 1, 7);
    assert_syntax("1-2", "invalid number `1-2`", 1, 1);
    assert_syntax(
        "NaN",
        "invalid number `NaN`: JSON has no `NaN` or `Infinity`",
        1,
        1,
    );
    assert_syntax(
        "[Infinity]",
        "invalid number `Infinity`: JSON has no `NaN` or `Infinity`",
        1,
        2,
    );
    assert_syntax(
        "-Infinity",
        "invalid number `-Infinity`: JSON has no `NaN` or `Infinity`",
        1,
        1,
    );
    assert_syntax(
        "+inf",
        "invalid number `+inf`: a leading `+` is not allowed",
        1,
        1,
    );
    let error = fatal("[1, 012, 3]");
    assert_eq!(text("[1, 012, 3]", error.span), "012");
}

#[test]
fn long_input_is_quoted_short() {
    let word = "x".repeat(100);
    let error = fatal(&format!("[{word}]"));
    assert_eq!(
        error.to_string(),
        format!(
            "expected a JSON value, found `{}…`: strings must be in double quotes",
            "x".repeat(40)
        )
    );
    assert_eq!(error.span.end - error.span.start, 100);
}

// ---------------------------------------------------------------------------------------------
// Byte order mark and encoding

#[test]
fn byte_order_mark() {
    assert_syntax("\u{feff}{}", "byte order mark is not allowed", 1, 1);
    let error = errors_bytes(
        b"\xef\xbb\xbf{\"Version\": \"2012-10-17\"}",
        &Limits::default(),
    );
    assert_eq!(error.len(), 1);
    assert_eq!(error[0].to_string(), "byte order mark is not allowed");
    assert_eq!(
        error[0].span,
        Span {
            start: 0,
            end: 3,
            line: 1,
            column: 1
        }
    );
    // Anywhere else it is just an unexpected character.
    assert_syntax(" \u{feff}{}", "expected a JSON value, found U+FEFF", 1, 2);
    assert_eq!(ok("\"\u{feff}\"").value, string("\u{feff}"));
}

#[test]
fn invalid_utf8() {
    let check = |input: &[u8], message: &str, span: Span| {
        let errors = errors_bytes(input, &Limits::default());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind.code(), "INVALID_ENCODING");
        assert_eq!(errors[0].to_string(), message);
        assert_eq!(errors[0].span, span, "{input:?}");
    };
    check(
        b"{\"a\": \"\xff\"}",
        "invalid UTF-8 byte 0xFF at byte offset 7",
        Span {
            start: 7,
            end: 8,
            line: 1,
            column: 8,
        },
    );
    // Latin-1 `é` after a UTF-8 `é` on the second line: the column counts characters.
    check(
        b"{\n \"\xc3\xa9\xe9\": 1}",
        "invalid UTF-8 byte 0xE9 at byte offset 6",
        Span {
            start: 6,
            end: 7,
            line: 2,
            column: 4,
        },
    );
    // Invalid bytes outside strings too, even after a syntax error.
    check(
        b"[1, x, \x80]",
        "invalid UTF-8 byte 0x80 at byte offset 7",
        Span {
            start: 7,
            end: 8,
            line: 1,
            column: 8,
        },
    );
    // Overlong encodings and UTF-8-encoded surrogates are invalid.
    check(
        b"\"\xc0\x80\"",
        "invalid UTF-8 byte 0xC0 at byte offset 1",
        Span {
            start: 1,
            end: 2,
            line: 1,
            column: 2,
        },
    );
    check(
        b"\"\xed\xa0\x80\"",
        "invalid UTF-8 byte 0xED at byte offset 1",
        Span {
            start: 1,
            end: 2,
            line: 1,
            column: 2,
        },
    );
    check(
        b"\"\xe2\x82",
        "incomplete UTF-8 sequence at byte offset 1, at the end of input",
        Span {
            start: 1,
            end: 3,
            line: 1,
            column: 2,
        },
    );
    check(
        b"\xff\xfe{\x00}\x00",
        "invalid UTF-8 at byte offset 0: the document looks like UTF-16",
        Span {
            start: 0,
            end: 1,
            line: 1,
            column: 1,
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys

fn duplicate(error: &JsonError) -> (&str, (u32, u32), (u32, u32)) {
    match &error.kind {
        JsonErrorKind::DuplicateKey { key, first } => (
            key.as_str(),
            (error.span.line, error.span.column),
            (first.line, first.column),
        ),
        other => panic!("expected a duplicate key, got {other:?}"),
    }
}

#[test]
fn duplicate_key() {
    let input = "{\n  \"Effect\": \"Deny\",\n  \"Effect\": \"Allow\"\n}";
    let errors = errors(input);
    assert_eq!(errors.len(), 1);
    assert_eq!(duplicate(&errors[0]), ("Effect", (3, 3), (2, 3)));
    assert_eq!(
        errors[0].to_string(),
        "duplicate key `Effect`: first defined at line 2, column 3"
    );
    assert_eq!(errors[0].kind.code(), "DUPLICATE_KEY");
    assert_eq!(text(input, errors[0].span), "\"Effect\"");
    let JsonErrorKind::DuplicateKey { first, .. } = &errors[0].kind else {
        unreachable!()
    };
    assert_eq!(text(input, *first), "\"Effect\"");
    assert_eq!(first.start, 4);
}

#[test]
fn every_duplicate_is_reported_in_source_order() {
    let input = r#"{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Effect": "Deny", "Effect": "Allow"},
    {"Sid": "A", "Condition": {"StringEquals": {"aws:SourceIp": "1", "aws:SourceIp": "2"}}, "Sid": "B"}
  ],
  "Statement": []
}"#;
    let errors = errors(input);
    let found: Vec<_> = errors.iter().map(duplicate).collect();
    assert_eq!(
        found,
        [
            ("Effect", (3, 43), (3, 6)),
            ("Effect", (3, 61), (3, 6)),
            ("aws:SourceIp", (4, 70), (4, 49)),
            ("Sid", (4, 93), (4, 6)),
            ("Statement", (6, 3), (2, 3)),
        ]
    );
    for error in &errors {
        assert_span_position(input, error.span);
    }
}

#[test]
fn duplicates_compare_unescaped_keys_and_respect_case() {
    let errors = errors(r#"{"a": 1, "\u0061": 2}"#);
    assert_eq!(duplicate(&errors[0]), ("a", (1, 10), (1, 2)));
    // Keys differing in case are different keys (IAM condition keys are checked elsewhere).
    ok(r#"{"Effect": 1, "effect": 2, "EFFECT": 3}"#);
    // The same key in different objects is fine.
    ok(r#"[{"a": 1}, {"a": 2, "b": {"a": 3}}]"#);
}

#[test]
fn duplicates_in_large_objects() {
    let mut members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    members.push("\"k7\": 0".into());
    members.push("\"k3\": 0".into());
    members.push("\"k7\": 0".into());
    let input = format!("{{{}}}", members.join(", "));
    let errors = errors(&input);
    let found: Vec<_> = errors.iter().map(|e| duplicate(e).0).collect();
    assert_eq!(found, ["k7", "k3", "k7"]);
    for error in &errors {
        let JsonErrorKind::DuplicateKey { key, first } = &error.kind else {
            unreachable!()
        };
        assert_eq!(text(&input, *first), format!("\"{key}\""));
        assert!(first.start < error.span.start);
        assert_span_position(&input, error.span);
    }
    assert!(errors.windows(2).all(|w| w[0].span.start < w[1].span.start));
}

#[test]
fn a_fatal_error_replaces_duplicate_reports() {
    assert_syntax(
        r#"{"a": 1, "a": 2, "b": [1,]}"#,
        "trailing comma before `]` is not allowed",
        1,
        25,
    );
    // A duplicate inside a closed object, then a fatal error later.
    assert_syntax(
        r#"[{"a": 1, "a": 2}, x]"#,
        "expected a JSON value, found `x`: strings must be in double quotes",
        1,
        20,
    );
}

// ---------------------------------------------------------------------------------------------
// Limits

#[test]
fn nesting_limit() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    ok(&nested(64));
    assert_fails(
        &nested(65),
        "NESTING_TOO_DEEP",
        "arrays and objects are nested more than 64 levels deep",
        1,
        65,
    );
    let objects = format!("{}1{}", "{\"a\":".repeat(64), "}".repeat(64));
    ok(&objects);
    let objects = format!("{}1{}", "{\"a\":\n".repeat(65), "}".repeat(65));
    assert_fails(
        &objects,
        "NESTING_TOO_DEEP",
        "arrays and objects are nested more than 64 levels deep",
        65,
        1,
    );

    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(parse_str("[{}]", &limits).is_ok());
    let errors = parse_str("[{\"a\": []}]", &limits).unwrap_err();
    assert_eq!(errors[0].kind, JsonErrorKind::TooDeep { limit: 2 });
    assert_eq!(
        (
            errors[0].span.start,
            errors[0].span.end,
            errors[0].span.column
        ),
        (7, 8, 8)
    );
    let limits = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    assert!(parse_str("\"scalar\"", &limits).is_ok());
    assert_eq!(
        parse_str("[]", &limits).unwrap_err()[0].kind,
        JsonErrorKind::TooDeep { limit: 0 }
    );
}

/// Runs `f` on a thread with a 256 KiB stack.
fn with_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    with_small_stack(|| {
        let input = "[".repeat(100_000);
        let started = Instant::now();
        let errors = parse_str(&input, &Limits::default()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, JsonErrorKind::TooDeep { limit: 64 });
        assert_eq!(errors[0].span.column, 65);
        assert!(started.elapsed() < Duration::from_secs(1));

        let input = format!("{}{}", "{\"a\":[".repeat(50_000), "]}".repeat(50_000));
        let errors = parse_str(
            &input,
            &Limits {
                max_bytes: usize::MAX,
                max_depth: 64,
            },
        )
        .unwrap_err();
        assert_eq!(errors[0].kind, JsonErrorKind::TooDeep { limit: 64 });

        // Without a depth limit the parser itself still uses no recursion (unclosed arrays are
        // never built into a deep value, so dropping them is shallow too).
        let unlimited = Limits {
            max_bytes: usize::MAX,
            max_depth: usize::MAX,
        };
        let errors = parse_str(&"[".repeat(100_000), &unlimited).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "expected a JSON value or `]`, found end of input"
        );
        let errors = parse_str(&format!("{}1,", "[".repeat(100_000)), &unlimited).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "expected a JSON value, found end of input"
        );
    });
}

#[test]
fn size_limit_counts_characters() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(parse_str("\"12345678\"", &limits).is_ok());
    let errors = parse_str("\"123456789\"", &limits).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].kind,
        JsonErrorKind::TooLarge {
            size: 11,
            limit: 10
        }
    );
    assert_eq!(errors[0].kind.code(), "INPUT_TOO_LARGE");
    assert_eq!(
        errors[0].to_string(),
        "document is 11 characters long, more than the limit of 10"
    );
    assert_eq!(
        errors[0].span,
        Span {
            start: 0,
            end: 11,
            line: 1,
            column: 1
        }
    );
    // Eight characters in 20 bytes are within a limit of ten.
    let wide = "\"éé😀😀€€\"";
    assert_eq!((wide.len(), wide.chars().count()), (20, 8));
    assert!(parse_str(wide, &limits).is_ok());
    let wide = "\"éé😀😀€€€€€\"";
    assert_eq!(
        parse_str(wide, &limits).unwrap_err()[0].kind,
        JsonErrorKind::TooLarge {
            size: 11,
            limit: 10
        }
    );
    // The default is IAM's maximum.
    assert_eq!(
        Limits::default(),
        Limits {
            max_bytes: 131_072,
            max_depth: 64
        }
    );
    let exactly = format!("\"{}\"", "a".repeat(131_070));
    assert!(parse_str(&exactly, &Limits::default()).is_ok());
    let over = format!("\"{}\"", "a".repeat(131_071));
    assert_eq!(
        parse_str(&over, &Limits::default()).unwrap_err()[0].kind,
        JsonErrorKind::TooLarge {
            size: 131_073,
            limit: 131_072
        }
    );
    // 131,072 two-byte characters are 262,144 bytes but within the limit.
    let latin1 = format!("\"{}\"", "ÿ".repeat(131_070));
    assert!(parse_str(&latin1, &Limits::default()).is_ok());
}

#[test]
fn size_is_checked_before_anything_else() {
    // Five MiB that would be too deep, and invalid UTF-8, if it were parsed at all.
    let mut input = vec![b'['; 5 * 1024 * 1024];
    input[1000] = 0xff;
    let started = Instant::now();
    let errors = parse(&input, &Limits::default()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].kind,
        JsonErrorKind::TooLarge {
            size: 5 * 1024 * 1024,
            limit: 131_072
        }
    );
    // Milliseconds even unoptimized; generous for a busy machine.
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
    let text = "é".repeat(3 * 1024 * 1024);
    let errors = parse_str(&text, &Limits::default()).unwrap_err();
    assert_eq!(
        errors[0].kind,
        JsonErrorKind::TooLarge {
            size: 3 * 1024 * 1024,
            limit: 131_072
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Errors as diagnostics

#[test]
fn error_codes() {
    let kinds = [
        (
            JsonErrorKind::Syntax {
                message: "m".into(),
            },
            "JSON_SYNTAX",
        ),
        (
            JsonErrorKind::DuplicateKey {
                key: "k".into(),
                first: Span::default(),
            },
            "DUPLICATE_KEY",
        ),
        (JsonErrorKind::TooDeep { limit: 1 }, "NESTING_TOO_DEEP"),
        (
            JsonErrorKind::TooLarge { size: 2, limit: 1 },
            "INPUT_TOO_LARGE",
        ),
        (
            JsonErrorKind::InvalidEncoding {
                message: "m".into(),
            },
            "INVALID_ENCODING",
        ),
    ];
    for (kind, code) in kinds {
        assert_eq!(kind.code(), code);
        let error = JsonError {
            kind,
            span: Span::default(),
        };
        assert_eq!(error.code().unwrap().to_string(), code);
        assert_eq!(
            error.labels().unwrap().count(),
            1 + usize::from(code == "DUPLICATE_KEY")
        );
    }
}

#[test]
fn diagnostics_label_both_duplicates() {
    let input = r#"{"Effect": "Deny", "Effect": "Allow"}"#;
    let errors = errors(input);
    let labels: Vec<_> = errors[0].labels().unwrap().collect();
    assert_eq!(labels.len(), 2);
    assert!(labels[0].primary());
    assert_eq!((labels[0].offset(), labels[0].len()), (19, 8));
    assert_eq!(labels[0].label(), Some("duplicate key"));
    assert_eq!((labels[1].offset(), labels[1].len()), (1, 8));
    assert_eq!(labels[1].label(), Some("first defined here"));
    assert!(errors[0].help().is_some());
    let error = fatal("[1,]");
    let source_span: miette::SourceSpan = error.span.into();
    assert_eq!((source_span.offset(), source_span.len()), (2, 1));
}

#[test]
fn messages_follow_the_style_guide() {
    let inputs = [
        "",
        "{",
        "[1,]",
        "{'a': 1}",
        "01",
        "\"\\x\"",
        "\"\\uD800\"",
        "\u{feff}{}",
        "[1 2]",
        "{\"a\"}",
        "// c",
        "\"a\nb\"",
        "tru",
        "True",
        "NaN",
        "{} x",
        "[\"",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ];
    for input in inputs {
        let message = fatal(input).to_string();
        let first = message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{message}");
        assert!(!message.ends_with('.'), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// Paths and locate

#[test]
fn json_path_display() {
    let root = JsonPath::root();
    assert_eq!(root.to_string(), "");
    assert_eq!(root, JsonPath::default());
    let path = root.key("Statement").index(2).key("Action").index(0);
    assert_eq!(path.to_string(), "/Statement/2/Action/0");
    assert_eq!(
        path.segments(),
        [
            PathSegment::Key("Statement".into()),
            PathSegment::Index(2),
            PathSegment::Key("Action".into()),
            PathSegment::Index(0),
        ]
    );
    let condition = root
        .key("Statement")
        .index(0)
        .key("Condition")
        .key("StringEquals")
        .key("aws:SourceIp");
    assert_eq!(
        condition.to_string(),
        "/Statement/0/Condition/StringEquals/aws:SourceIp"
    );
    assert_eq!(
        root.key("a/b~c").key("~1").key("").to_string(),
        "/a~1b~0c/~01/"
    );
    // `key` and `index` leave the original alone.
    assert_eq!(path.key("x").segments().len(), 5);
    assert_eq!(path.segments().len(), 4);
    let collected: JsonPath = path.segments().iter().cloned().collect();
    assert_eq!(collected, path);
    assert!(root.key("a") < root.key("b"));
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBucket",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]
    },
    {
      "Effect": "Deny",
      "NotAction": ["iam:*", "sts:AssumeRole"],
      "Resource": "*",
      "Condition": {
        "NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
        "Bool": {"aws:ViaAWSService": "false"}
      }
    }
  ]
}"#;

/// `(line, column, text)` of the span at `path` in [`POLICY`].
fn locate(path: &JsonPath) -> (u32, u32, &'static str) {
    let doc = ok(POLICY);
    let span = doc.locate(path);
    assert_span_position(POLICY, span);
    (span.line, span.column, text(POLICY, span))
}

#[test]
fn locate_in_a_policy() {
    let root = JsonPath::root();
    let statements = root.key("Statement");
    assert_eq!(locate(&root), (1, 1, POLICY));
    // A final key points at a scalar value, and at the key of an object or array.
    assert_eq!(locate(&root.key("Version")), (2, 14, "\"2012-10-17\""));
    assert_eq!(
        locate(&statements.index(0).key("Sid")),
        (5, 14, "\"ReadBucket\"")
    );
    assert_eq!(locate(&statements), (3, 3, "\"Statement\""));
    // Array elements, nested arrays and objects.
    assert_eq!(
        locate(&statements.index(0).key("Resource").index(1)),
        (8, 43, "\"arn:aws:s3:::bucket/*\"")
    );
    assert_eq!(
        locate(&statements.index(1).key("NotAction").index(0)),
        (12, 21, "\"iam:*\"")
    );
    let source_ip = statements
        .index(1)
        .key("Condition")
        .key("NotIpAddress")
        .key("aws:SourceIp");
    assert_eq!(locate(&source_ip), (15, 26, "\"aws:SourceIp\""));
    assert_eq!(
        locate(&statements.index(1).key("Condition")),
        (14, 7, "\"Condition\"")
    );
    assert_eq!(locate(&source_ip.index(1)), (15, 59, "\"203.0.113.0/24\""));
    let via = statements
        .index(1)
        .key("Condition")
        .key("Bool")
        .key("aws:ViaAWSService");
    assert_eq!(locate(&via.index(0)), (16, 39, "\"false\""));
    // A single string stands for a one-element list.
    assert_eq!(
        locate(&statements.index(0).key("Action").index(0)),
        (7, 17, "\"s3:GetObject\"")
    );
    assert_eq!(
        locate(&statements.index(1).key("Resource").index(0)),
        (13, 19, "\"*\"")
    );
}

#[test]
fn locate_falls_back_to_the_deepest_existing_node() {
    let root = JsonPath::root();
    let statements = root.key("Statement");
    let (line, column, statements_text) = locate(&statements.index(7));
    assert_eq!((line, column), (3, 16));
    assert!(statements_text.starts_with('[') && statements_text.ends_with(']'));
    // A missing key: the object that lacks it.
    let (line, column, _) = locate(&statements.index(0).key("Condition").key("Bool"));
    assert_eq!((line, column), (4, 5));
    // A key on an array, or an index other than 0 on a string: that node.
    assert_eq!(locate(&statements.key("Effect")).0, 3);
    assert_eq!(
        locate(&statements.index(0).key("Action").index(1)),
        (7, 17, "\"s3:GetObject\"")
    );
    assert_eq!(
        locate(&statements.index(0).key("Action").key("x")),
        (7, 17, "\"s3:GetObject\"")
    );
    assert_eq!(locate(&root.key("Missing")), (1, 1, POLICY));
    // A final key whose scalar value exists points at the value, also after an Index(0) on an
    // object.
    let doc = ok(r#"{"Statement": {"Effect": "Allow"}}"#);
    let span = doc.locate(&statements.index(0).key("Effect"));
    assert_eq!((span.start, span.end), (25, 32));
    // A scalar document.
    let doc = ok("\"x\"");
    assert_eq!(doc.locate(&root.index(0).index(0).key("a")), doc.span);
}

// ---------------------------------------------------------------------------------------------
// JsonValue helpers and printing

#[test]
fn type_names() {
    let names: Vec<&str> = ["null", "true", "1", "\"s\"", "[]", "{}"]
        .iter()
        .map(|input| ok(input).value.type_name())
        .collect();
    assert_eq!(
        names,
        [
            "null",
            "a boolean",
            "a number",
            "a string",
            "an array",
            "an object"
        ]
    );
    assert_eq!(ok("\"s\"").value.as_str(), Some("s"));
    assert_eq!(ok("1").value.as_str(), None);
    assert!(ok("1").value.as_array().is_none());
    assert!(ok("[]").value.as_object().is_none());
    assert_eq!(ok("[]").value.get("a"), None);
}

#[test]
fn display_is_compact_json() {
    let input = "{ \"a\" : [ 1 , 1.5e3 , true , null ] ,\n \"q\\\"\\\\\\/\" : \"\\n\\t\\r\\b\\f\\u0001\\u001F\u{7f}é😀\" , \"o\": {} }";
    let doc = ok(input);
    let printed = doc.value.to_string();
    assert_eq!(
        printed,
        "{\"a\":[1,1.5e3,true,null],\"q\\\"\\\\/\":\"\\n\\t\\r\\b\\f\\u0001\\u001f\u{7f}é😀\",\"o\":{}}"
    );
    assert_eq!(strip(&ok(&printed)), strip(&doc));
}

// ---------------------------------------------------------------------------------------------
// Property tests

/// Numbers from the RFC 8259 grammar.
fn number() -> impl Strategy<Value = String> {
    "-?(0|[1-9][0-9]{0,12})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,3})?"
}

fn json_value() -> impl Strategy<Value = JsonValue> {
    let leaf = prop_oneof![
        Just(JsonValue::Null),
        any::<bool>().prop_map(JsonValue::Bool),
        number().prop_map(JsonValue::Number),
        any::<String>().prop_map(JsonValue::String),
        "[a-zA-Z:*/ ]{0,8}".prop_map(JsonValue::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let spanned = inner.prop_map(|value| Spanned {
            value,
            span: Span::default(),
        });
        prop_oneof![
            prop::collection::vec(spanned.clone(), 0..8).prop_map(JsonValue::Array),
            prop::collection::vec(("[a-zA-Z]{0,3}|\\PC{0,4}", spanned), 0..8).prop_map(|members| {
                let mut seen = std::collections::HashSet::new();
                JsonValue::Object(
                    members
                        .into_iter()
                        .filter(|(key, _)| seen.insert(key.clone()))
                        .map(|(key, value)| {
                            (
                                Spanned {
                                    value: key,
                                    span: Span::default(),
                                },
                                value,
                            )
                        })
                        .collect(),
                )
            }),
        ]
    })
}

/// Prints `value` as JSON with some whitespace (chosen by `ws`) around every token.
fn print_spaced(value: &JsonValue, ws: &mut impl Iterator<Item = &'static str>, out: &mut String) {
    out.push_str(ws.next().unwrap_or(""));
    match value {
        JsonValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                print_spaced(&item.value, ws, out);
            }
            out.push_str(ws.next().unwrap_or(""));
            out.push(']');
        }
        JsonValue::Object(members) => {
            out.push('{');
            for (i, (key, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws.next().unwrap_or(""));
                out.push_str(&JsonValue::String(key.value.clone()).to_string());
                out.push_str(ws.next().unwrap_or(""));
                out.push(':');
                print_spaced(&member.value, ws, out);
            }
            out.push_str(ws.next().unwrap_or(""));
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
    out.push_str(ws.next().unwrap_or(""));
}

fn whitespace() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop::sample::select(vec!["", "", " ", "\n", "\t", "\r\n", "\n\t\t"]),
        0..64,
    )
}

/// A valid document, for mutating.
fn document() -> impl Strategy<Value = String> {
    (json_value(), whitespace()).prop_map(|(value, ws)| {
        let mut out = String::new();
        print_spaced(&value, &mut ws.into_iter().cycle(), &mut out);
        out
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(
        b"[]{}\",:\\/ \n\t-+.0123456789eEuDd'tfnx\x00\x1f\x7f\x80\xbf\xc3\xed\xef\xf0\xff".to_vec(),
    );
    let byte = prop_oneof![any::<u8>(), interesting];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Replace(at, b)),
    ]
}

/// Checks what holds for every input: no panic, a non-empty error list, exact positions on
/// errors and values, and duplicates only alongside other duplicates.
fn check_any_input(input: &[u8]) {
    let limits = Limits {
        max_bytes: 4096,
        max_depth: 16,
    };
    match parse(input, &limits) {
        Ok(value) => {
            let text = std::str::from_utf8(input).unwrap();
            assert_spans(text, &value);
            // What parses prints and parses back to the same value.
            let printed = value.value.to_string();
            assert_eq!(
                strip(
                    &parse_str(
                        &printed,
                        &Limits {
                            max_bytes: usize::MAX,
                            ..limits
                        }
                    )
                    .unwrap()
                ),
                strip(&value)
            );
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let duplicates = errors
                .iter()
                .filter(|e| e.kind.code() == "DUPLICATE_KEY")
                .count();
            assert!(
                duplicates == errors.len() || errors.len() == 1,
                "{errors:?}"
            );
            for error in &errors {
                assert!(
                    error.span.start <= error.span.end && error.span.end <= input.len(),
                    "{error:?}"
                );
                assert!(!error.to_string().is_empty());
                if let Ok(text) = std::str::from_utf8(input) {
                    assert_span_position(text, error.span);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
        check_any_input(&input);
    }

    #[test]
    fn random_text_never_panics(input in "[\\[\\]{}\",:\\\\ \\nu0-9a-fA-F.eE+\\-tfnrl/*'éD]{0,64}") {
        check_any_input(input.as_bytes());
    }

    #[test]
    fn mutated_documents_never_panic(doc in document(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut bytes = doc.into_bytes();
        for m in mutations {
            match m {
                Mutation::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
                Mutation::Delete(at) if !bytes.is_empty() => { bytes.remove(at % bytes.len()); }
                Mutation::Replace(at, b) if !bytes.is_empty() => {
                    let len = bytes.len();
                    bytes[at % len] = b;
                }
                _ => {}
            }
        }
        check_any_input(&bytes);
    }

    #[test]
    fn printed_values_parse_back(value in json_value(), ws in whitespace()) {
        let spanned = Spanned { value, span: Span::default() };
        let compact = spanned.value.to_string();
        let parsed = parse_str(&compact, &Limits::default()).unwrap();
        prop_assert_eq!(strip(&parsed), strip(&spanned));
        assert_spans(&compact, &parsed);

        let mut spaced = String::new();
        print_spaced(&spanned.value, &mut ws.into_iter().cycle(), &mut spaced);
        let parsed = parse_str(&spaced, &Limits::default()).unwrap();
        prop_assert_eq!(strip(&parsed), strip(&spanned));
        assert_spans(&spaced, &parsed);
    }

    #[test]
    fn every_duplicate_is_found(keys in prop::collection::vec("[ab]{1,2}", 0..40)) {
        let members: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 0")).collect();
        let input = format!("{{{}}}", members.join(","));
        let expected: Vec<usize> = (0..keys.len()).filter(|&i| keys[..i].contains(&keys[i])).collect();
        match parse_str(&input, &Limits::default()) {
            Ok(_) => prop_assert!(expected.is_empty()),
            Err(errors) => {
                prop_assert_eq!(errors.len(), expected.len());
                for (error, i) in errors.iter().zip(expected) {
                    let first = keys.iter().position(|k| *k == keys[i]).unwrap();
                    let (key, _, _) = duplicate(error);
                    prop_assert_eq!(key, keys[i].as_str());
                    let JsonErrorKind::DuplicateKey { first: first_span, .. } = &error.kind else { unreachable!() };
                    // Member i starts after i members and commas: find it by counting quotes.
                    let starts: Vec<usize> = input.match_indices(": 0").map(|(at, _)| at).collect();
                    prop_assert!(error.span.end == starts[i]);
                    prop_assert!(first_span.end == starts[first]);
                }
            }
        }
    }
}
