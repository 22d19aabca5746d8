//! The parser: one pass over the text, with an explicit stack instead of recursion.

use super::err::{describe_char, is_invisible, quote, JsonError, JsonErrorKind};
use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;

use super::borrowed::Member;
use super::{Limits, Span, Spanned, Value};

/// Rejects input longer than `limits.max_bytes` characters. Characters are counted only when
/// the byte length is over the limit, and then with a word-at-a-time count of the bytes that
/// start a character, so even multi-megabyte input is rejected in well under a millisecond.
pub(super) fn check_size(input: &[u8], limits: &Limits) -> Result<(), JsonError> {
    if input.len() <= limits.max_bytes {
        return Ok(());
    }
    let size = count_chars(input);
    if size <= limits.max_bytes {
        return Ok(());
    }
    let span = Span {
        start: 0,
        end: input.len(),
        line: 1,
        column: 1,
    };
    Err(JsonError::new(
        JsonErrorKind::TooLarge {
            size,
            limit: limits.max_bytes,
        },
        span,
    ))
}

/// The number of bytes that are not UTF-8 continuation bytes (`0b10xx_xxxx`): for UTF-8
/// text, the number of characters.
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut continuation = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if let Ok(word) = <[u8; 8]>::try_from(chunk) {
            let word = u64::from_le_bytes(word);
            // Bit 7 of a byte set and bit 6 clear: `word << 1` moves each bit 6 onto bit 7.
            continuation += (word & !(word << 1) & HIGH_BITS).count_ones() as usize;
        }
    }
    continuation += chunks
        .remainder()
        .iter()
        .filter(|&&b| b & 0xc0 == 0x80)
        .count();
    bytes.len() - continuation
}

/// The error for input that is not UTF-8, at the first invalid byte.
pub(super) fn encoding_error(input: &[u8], error: &std::str::Utf8Error) -> JsonError {
    let offset = error.valid_up_to();
    let valid = input
        .get(..offset)
        .and_then(|prefix| std::str::from_utf8(prefix).ok())
        .unwrap_or_default();
    let (line, column) = line_col(valid, valid.len());
    let len = error
        .error_len()
        .unwrap_or(input.len().saturating_sub(offset));
    let message = if offset == 0
        && (input.starts_with(b"\xff\xfe") || input.starts_with(b"\xfe\xff"))
    {
        "invalid UTF-8 at byte offset 0: the document looks like UTF-16".to_owned()
    } else {
        match (error.error_len(), input.get(offset)) {
            (Some(_), Some(byte)) => {
                format!("invalid UTF-8 byte 0x{byte:02X} at byte offset {offset}")
            }
            _ => format!("incomplete UTF-8 sequence at byte offset {offset}, at the end of input"),
        }
    };
    let span = Span {
        start: offset,
        end: offset + len,
        line,
        column,
    };
    JsonError::new(JsonErrorKind::InvalidEncoding { message }, span)
}

/// Line and column of byte `offset` in `text`, counted from the start (for error positions).
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let lines = before.iter().filter(|&&b| b == b'\n').count();
    let column = count_chars(before.get(line_start..).unwrap_or_default());
    (to_u32(lines + 1), to_u32(column + 1))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A document parsed into the borrowed tree, with its compact size.
pub(crate) struct Parsed<'a> {
    /// The tree; strings without escapes borrow from the text.
    pub(crate) tree: Spanned<Value<'a>>,
    /// The document's length in characters as IAM counts it: its compact form, without the
    /// whitespace between tokens, and with strings escaped only where JSON requires.
    pub(crate) compact_size: usize,
    /// Whether every string was printable ASCII written without escapes.
    pub(crate) plain: bool,
}

/// Parses `text`, which has passed the size check.
pub(crate) fn parse_text<'a>(
    text: &'a str,
    limits: &Limits,
    arena: &'a Bump,
) -> Result<Parsed<'a>, Vec<JsonError>> {
    let mut parser = Parser {
        text,
        arena,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        col_offset: 0,
        col: 1,
        max_depth: limits.max_depth,
        duplicates: Vec::new(),
        saved: 0,
        non_ascii: false,
        plain: true,
    };
    match parser.document() {
        Err(fatal) => Err(vec![fatal]),
        Ok(tree) if parser.duplicates.is_empty() => Ok(Parsed {
            tree,
            compact_size: count_chars(parser.bytes).saturating_sub(parser.saved),
            plain: parser.plain,
        }),
        Ok(_) => {
            let mut duplicates = parser.duplicates;
            duplicates.sort_by_key(|e| e.span.start);
            Err(duplicates)
        }
    }
}

/// The start of a value: its byte offset, line and column.
#[derive(Clone, Copy)]
struct Mark {
    offset: usize,
    line: u32,
    column: u32,
}

impl Mark {
    fn to(self, end: usize) -> Span {
        Span {
            start: self.offset,
            end,
            line: self.line,
            column: self.column,
        }
    }
}

/// An array or object whose closing bracket has not been reached yet. Its elements so far
/// wait on a stack shared by all open arrays (members: objects), from `first` on, and move
/// into a vector of their exact length when it closes: one allocation per array or object
/// instead of a vector grown element by element.
enum Frame<'a> {
    Array {
        start: Mark,
        first: usize,
    },
    Object {
        start: Mark,
        first: usize,
        /// The key of the member whose value is being parsed.
        key: Spanned<&'a str>,
    },
}

/// Objects up to this size are checked for duplicate keys pairwise; larger ones by sorting.
const PAIRWISE_DUPLICATE_CHECK: usize = 16;

struct Parser<'a> {
    text: &'a str,
    /// Where arrays, objects and unescaped strings go.
    arena: &'a Bump,
    bytes: &'a [u8],
    /// The next byte to read.
    pos: usize,
    /// The line of `pos`. Line breaks can only occur in whitespace, so `skip_ws` keeps this.
    line: u32,
    /// A byte offset on the current line, at or before `pos`, whose column is `col`.
    col_offset: usize,
    col: u32,
    max_depth: usize,
    duplicates: Vec<JsonError>,
    /// How many characters the text has beyond its compact form: whitespace between tokens,
    /// and what escapes add over the minimal escaping.
    saved: usize,
    /// Whether the text between `col_offset` and `pos` may hold a character of more than one
    /// byte (only strings can): when not, columns advance by bytes, without counting.
    non_ascii: bool,
    /// No string so far had an escape or a character beyond ASCII.
    plain: bool,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// The position of `pos`. Positions are taken in increasing order, so this counts each
    /// character of a line once.
    fn mark(&mut self) -> Mark {
        let offset = self.pos;
        if let Some(between) = self.bytes.get(self.col_offset..offset) {
            let chars = if self.non_ascii {
                count_chars(between)
            } else {
                between.len()
            };
            self.col = self.col.saturating_add(to_u32(chars));
            self.col_offset = offset;
            self.non_ascii = false;
            Mark {
                offset,
                line: self.line,
                column: self.col,
            }
        } else {
            let (line, column) = line_col(self.text, offset);
            Mark {
                offset,
                line,
                column,
            }
        }
    }

    /// Skips RFC 8259 whitespace: space, tab, line feed and carriage return.
    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => {
                    self.pos += 1;
                    self.saved += 1;
                }
                b'\n' => {
                    self.pos += 1;
                    self.saved += 1;
                    self.line = self.line.saturating_add(1);
                    self.col_offset = self.pos;
                    self.col = 1;
                    self.non_ascii = false;
                }
                _ => break,
            }
        }
    }

    fn document(&mut self) -> Result<Spanned<Value<'a>>, JsonError> {
        if self.text.starts_with('\u{feff}') {
            return Err(self.syntax(0, 3, "byte order mark is not allowed".to_owned()));
        }
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.syntax(
                self.pos,
                self.pos,
                "empty input: expected a JSON value".to_owned(),
            ));
        }
        // The working stacks live in the arena too: a validated policy costs one allocation.
        let arena = self.arena;
        let mut stack: BumpVec<'a, Frame<'a>> = BumpVec::with_capacity_in(8, arena);
        let mut items: BumpVec<'a, Spanned<Value<'a>>> = BumpVec::with_capacity_in(16, arena);
        let mut members: BumpVec<'a, Member<'a>> = BumpVec::with_capacity_in(16, arena);
        let mut expected = "a JSON value";
        'value: loop {
            self.skip_ws();
            let start = self.mark();
            let mut value = match self.peek() {
                Some(b'[' | b'{') if stack.len() >= self.max_depth => {
                    let span = start.to(self.pos + 1);
                    let kind = JsonErrorKind::TooDeep {
                        limit: self.max_depth,
                    };
                    return Err(JsonError::new(kind, span));
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Spanned {
                            value: Value::Array(&[]),
                            span: start.to(self.pos),
                        }
                    } else {
                        let first = items.len();
                        stack.push(Frame::Array { start, first });
                        expected = "a JSON value or `]`";
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Spanned {
                            value: Value::Object(&[]),
                            span: start.to(self.pos),
                        }
                    } else {
                        let key = self.key("a string key or `}`")?;
                        self.colon()?;
                        let first = members.len();
                        stack.push(Frame::Object { start, first, key });
                        expected = "a JSON value";
                        continue 'value;
                    }
                }
                _ => self.scalar(start, expected)?,
            };
            expected = "a JSON value";
            // `value` is complete: add it to the innermost open array or object, and close
            // every array and object that ends right after it.
            loop {
                let Some(frame) = stack.last_mut() else {
                    self.skip_ws();
                    if self.peek().is_some() {
                        return Err(self.unexpected("end of input after the JSON value"));
                    }
                    return Ok(value);
                };
                self.skip_ws();
                value = match frame {
                    Frame::Array { start, first } => {
                        items.push(value);
                        match self.peek() {
                            Some(b',') => {
                                self.comma(b']')?;
                                continue 'value;
                            }
                            Some(b']') => {}
                            _ => return Err(self.unexpected("`,` or `]` after an array element")),
                        }
                        self.pos += 1;
                        Spanned {
                            value: Value::Array(arena.alloc_slice_fill_iter(items.drain(*first..))),
                            span: start.to(self.pos),
                        }
                    }
                    Frame::Object { start, first, key } => {
                        let placeholder = Spanned {
                            value: "",
                            span: Span::default(),
                        };
                        members.push((std::mem::replace(key, placeholder), value));
                        match self.peek() {
                            Some(b',') => {
                                self.comma(b'}')?;
                                *key = self.key("a string key")?;
                                self.colon()?;
                                continue 'value;
                            }
                            Some(b'}') => {}
                            _ => return Err(self.unexpected("`,` or `}` after an object member")),
                        }
                        self.pos += 1;
                        let own = arena.alloc_slice_fill_iter(members.drain(*first..));
                        self.check_duplicates(own);
                        Spanned {
                            value: Value::Object(own),
                            span: start.to(self.pos),
                        }
                    }
                };
                // The array or object is closed; its emptied frame goes.
                stack.pop();
            }
        }
    }

    /// Consumes the `,` at `pos` and the whitespace after it; a `close` bracket right after
    /// it is a trailing comma.
    fn comma(&mut self, close: u8) -> Result<(), JsonError> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            let message = format!(
                "trailing comma before `{}` is not allowed",
                char::from(close)
            );
            return Err(self.syntax(comma, comma + 1, message));
        }
        Ok(())
    }

    fn colon(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        if self.peek() == Some(b':') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected("`:` after an object key"))
        }
    }

    /// An object key at `pos`.
    fn key(&mut self, expected: &str) -> Result<Spanned<&'a str>, JsonError> {
        let start = self.mark();
        match self.peek() {
            Some(b'"') => self.string(start),
            Some(b'\'') => Err(self.single_quote()),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let (found, end) = self.found(self.pos);
                let message =
                    format!("object keys must be strings in double quotes, found {found}");
                Err(self.syntax(self.pos, end, message))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    /// A string, number or literal at `pos`.
    fn scalar(&mut self, start: Mark, expected: &str) -> Result<Spanned<Value<'a>>, JsonError> {
        match self.peek() {
            Some(b'"') => {
                let string = self.string(start)?;
                Ok(Spanned {
                    value: Value::String(string.value),
                    span: string.span,
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(start),
            Some(b'+') => Err(self.bad_number(self.pos, Some("a leading `+` is not allowed"))),
            Some(b'.') => Err(self.bad_number(
                self.pos,
                Some("a digit is required before the decimal point"),
            )),
            Some(b) if b.is_ascii_alphabetic() => self.literal(start),
            Some(b'\'') => Err(self.single_quote()),
            _ => Err(self.unexpected(expected)),
        }
    }

    /// `true`, `false` or `null` at `pos`.
    fn literal(&mut self, start: Mark) -> Result<Spanned<Value<'a>>, JsonError> {
        let begin = self.pos;
        let len = self
            .bytes
            .get(begin..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let end = begin + len;
        let word = self.slice(begin, end);
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                if ["NaN", "Infinity"]
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(word))
                {
                    return Err(self.bad_number(begin, None));
                }
                let message = match ["true", "false", "null"]
                    .iter()
                    .find(|w| w.eq_ignore_ascii_case(word))
                {
                    Some(w) => format!(
                        "invalid literal {}: JSON literals are lowercase, write `{w}`",
                        quote(word)
                    ),
                    None => {
                        let (found, _) = self.found(begin);
                        format!(
                            "expected a JSON value, found {found}: strings must be in double quotes"
                        )
                    }
                };
                return Err(self.syntax(begin, end, message));
            }
        };
        self.pos = end;
        Ok(Spanned {
            value,
            span: start.to(end),
        })
    }

    /// A number at `pos` (which holds `-` or a digit), checked against the RFC 8259 grammar
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self, start: Mark) -> Result<Spanned<Value<'a>>, JsonError> {
        let begin = self.pos;
        let bytes = self.bytes;
        let is_digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let digits_from = |mut i: usize| {
            while is_digit(i) {
                i += 1;
            }
            i
        };
        let mut i = begin;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') if is_digit(i + 1) => {
                return Err(self.bad_number(begin, Some("leading zeros are not allowed")))
            }
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits_from(i + 1),
            _ => return Err(self.bad_number(begin, Some("expected a digit after `-`"))),
        }
        if bytes.get(i) == Some(&b'.') {
            if !is_digit(i + 1) {
                let reason = "expected a digit after the decimal point";
                return Err(self.bad_number(begin, Some(reason)));
            }
            i = digits_from(i + 1);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !is_digit(i) {
                return Err(self.bad_number(begin, Some("expected a digit in the exponent")));
            }
            i = digits_from(i);
        }
        if bytes.get(i).copied().is_some_and(is_number_like) {
            return Err(self.bad_number(begin, None));
        }
        self.pos = i;
        Ok(Spanned {
            value: Value::Number(self.slice(begin, i)),
            span: start.to(i),
        })
    }

    /// The error for a malformed number starting at `begin`, quoting everything that looks
    /// like part of it.
    fn bad_number(&self, begin: usize, reason: Option<&str>) -> JsonError {
        let len = self
            .bytes
            .get(begin..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| is_number_like(**b))
            .count();
        let end = begin + len;
        let text = self.slice(begin, end);
        let unsigned = text.trim_start_matches(['-', '+']);
        let reason = if ["NaN", "Infinity"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(unsigned))
        {
            Some("JSON has no `NaN` or `Infinity`")
        } else {
            reason
        };
        let message = match reason {
            Some(reason) => format!("invalid number {}: {reason}", quote(text)),
            None => format!("invalid number {}", quote(text)),
        };
        self.syntax(begin, end, message)
    }

    /// A string at `pos` (which holds the opening quote); the span includes the quotes. The
    /// value borrows from the text unless the string has escapes.
    fn string(&mut self, start: Mark) -> Result<Spanned<&'a str>, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut run = self.pos;
        // Allocated only when the string has escapes.
        let mut unescaped: Option<String> = None;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let Some((n, beyond_ascii)) = string_end(rest) else {
                return Err(self.unterminated(open));
            };
            if beyond_ascii {
                self.non_ascii = true;
                self.plain = false;
            }
            self.pos += n;
            match self.peek() {
                Some(b'"') => {
                    let tail = self.slice(run, self.pos);
                    let value = match unescaped {
                        Some(mut s) => {
                            s.push_str(tail);
                            let written =
                                count_chars(self.bytes.get(open..=self.pos).unwrap_or_default());
                            self.saved += written.saturating_sub(super::escaped_len(&s));
                            &*self.arena.alloc_str(&s)
                        }
                        None => tail,
                    };
                    self.pos += 1;
                    return Ok(Spanned {
                        value,
                        span: start.to(self.pos),
                    });
                }
                Some(b'\\') => {
                    self.plain = false;
                    let s = unescaped.get_or_insert_with(String::new);
                    s.push_str(self.slice(run, self.pos));
                    self.escape(open, s)?;
                    run = self.pos;
                }
                _ => return Err(self.control_character()),
            }
        }
    }

    /// The escape at `pos` (which holds the backslash), appended to `out`.
    fn escape(&mut self, open: usize, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        let Some(&letter) = self.bytes.get(at + 1) else {
            return Err(self.unterminated(open));
        };
        let c = match letter {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(out),
            _ => {
                let c = self
                    .slice(at + 1, self.bytes.len())
                    .chars()
                    .next()
                    .unwrap_or_default();
                let (message, end) = if is_invisible(c) || c == ' ' {
                    let found = describe_char(c);
                    (format!("invalid escape: `\\` followed by {found}"), at + 1)
                } else {
                    let escape = format!("\\{c}");
                    let message = format!("invalid escape {}", quote(&escape));
                    (message, at + 1 + c.len_utf8())
                };
                return Err(self.syntax(at, end, message));
            }
        };
        out.push(c);
        self.pos = at + 2;
        Ok(())
    }

    /// A `\uXXXX` escape at `pos`, or a surrogate pair of them.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        let Some(unit) = self.hex4(at) else {
            let text: String = self
                .slice(at, self.bytes.len())
                .chars()
                .take(6)
                .take_while(|&c| c != '"' && !c.is_control())
                .collect();
            let message = format!(
                "invalid unicode escape {}: expected four hexadecimal digits after `\\u`",
                quote(&text)
            );
            return Err(self.syntax(at, at + text.len(), message));
        };
        let code = match unit {
            0xd800..=0xdbff => {
                let low = match (self.bytes.get(at + 6), self.bytes.get(at + 7)) {
                    (Some(b'\\'), Some(b'u')) => self.hex4(at + 6),
                    _ => None,
                };
                match low {
                    Some(low @ 0xdc00..=0xdfff) => {
                        self.pos = at + 12;
                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                    }
                    _ => {
                        return Err(self.lone_surrogate(
                            at,
                            "a high surrogate must be followed by a low surrogate escape",
                        ))
                    }
                }
            }
            0xdc00..=0xdfff => {
                return Err(
                    self.lone_surrogate(at, "a low surrogate must follow a high surrogate escape")
                )
            }
            _ => {
                self.pos = at + 6;
                unit
            }
        };
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        Ok(())
    }

    /// The value of the four hex digits after the `\u` at `at`.
    fn hex4(&self, at: usize) -> Option<u32> {
        self.bytes
            .get(at + 2..at + 6)?
            .iter()
            .try_fold(0, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
    }

    fn lone_surrogate(&self, at: usize, reason: &str) -> JsonError {
        let (line, column) = line_col(self.text, at);
        let message = format!(
            "escape {} encodes a lone surrogate: {reason}",
            quote(self.slice(at, at + 6))
        );
        let span = Span {
            start: at,
            end: at + 6,
            line,
            column,
        };
        JsonError::new(JsonErrorKind::InvalidEncoding { message }, span)
    }

    /// The error for the raw control character at `pos`, inside a string.
    fn control_character(&self) -> JsonError {
        let b = self.peek().unwrap_or_default();
        let escaped = match b {
            b'\n' => "\\n".to_owned(),
            b'\r' => "\\r".to_owned(),
            b'\t' => "\\t".to_owned(),
            0x08 => "\\b".to_owned(),
            0x0c => "\\f".to_owned(),
            _ => format!("\\u{b:04x}"),
        };
        let message =
            format!("unescaped control character U+{b:04X} in a string: write it as `{escaped}`");
        self.syntax(self.pos, self.pos + 1, message)
    }

    fn unterminated(&self, open: usize) -> JsonError {
        let message = "unterminated string: expected a closing `\"`".to_owned();
        self.syntax(open, self.bytes.len(), message)
    }

    fn single_quote(&self) -> JsonError {
        let message = "strings must be in double quotes, found `'`".to_owned();
        self.syntax(self.pos, self.pos + 1, message)
    }

    /// Adds an error for every key of `members` that repeats an earlier one.
    fn check_duplicates(&mut self, members: &[Member<'_>]) {
        let duplicate = |(key, _): &Member<'_>, (first, _): &Member<'_>| {
            let kind = JsonErrorKind::DuplicateKey {
                key: key.value.to_string(),
                first: first.span,
            };
            JsonError::new(kind, key.span)
        };
        if members.len() <= PAIRWISE_DUPLICATE_CHECK {
            for (i, member) in members.iter().enumerate().skip(1) {
                let earlier = members.get(..i).unwrap_or_default();
                if let Some(first) = earlier.iter().find(|m| m.0.value == member.0.value) {
                    self.duplicates.push(duplicate(member, first));
                }
            }
        } else {
            let key = |i: &usize| members.get(*i).map(|m| m.0.value);
            let mut order: Vec<usize> = (0..members.len()).collect();
            // Stable, so each group of equal keys is in source order.
            order.sort_by(|a, b| key(a).cmp(&key(b)));
            for group in order.chunk_by(|a, b| key(a) == key(b)) {
                if let Some((first, rest)) = group.split_first() {
                    let Some(first) = members.get(*first) else {
                        continue;
                    };
                    for later in rest.iter().filter_map(|i| members.get(*i)) {
                        self.duplicates.push(duplicate(later, first));
                    }
                }
            }
        }
    }

    /// "expected …, found …" for the text at `pos`.
    fn unexpected(&self, expected: &str) -> JsonError {
        let at = self.pos;
        let rest = self.bytes.get(at..).unwrap_or_default();
        if rest.starts_with(b"//") || rest.starts_with(b"/*") {
            return self.syntax(at, at + 2, "comments are not allowed in JSON".to_owned());
        }
        let (found, end) = self.found(at);
        self.syntax(at, end, format!("expected {expected}, found {found}"))
    }

    /// Describes the token at `at` for a message, and where it ends: a word or number is
    /// quoted whole, anything else one character at a time.
    fn found(&self, at: usize) -> (String, usize) {
        let rest = self.slice(at, self.bytes.len());
        let Some(c) = rest.chars().next() else {
            return ("end of input".to_owned(), at);
        };
        if c.is_ascii_alphanumeric() || c == '_' {
            let len = rest.bytes().take_while(|b| is_number_like(*b)).count();
            (quote(self.slice(at, at + len)), at + len)
        } else {
            (describe_char(c), at + c.len_utf8())
        }
    }

    fn syntax(&self, start: usize, end: usize, message: String) -> JsonError {
        let (line, column) = line_col(self.text, start);
        let span = Span {
            start,
            end,
            line,
            column,
        };
        JsonError::new(JsonErrorKind::Syntax { message }, span)
    }
}

/// The index of the first byte of `bytes` that ends a run of plain string content (a quote,
/// a backslash or a control character), and whether a byte before it is beyond ASCII. Eight
/// bytes at a time: strings are most of a policy's text, and a byte-at-a-time scan was the
/// parser's largest cost.
fn string_end(bytes: &[u8]) -> Option<(usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of each byte of the result is set where the byte of `word` is zero: exactly for
    // the first such byte (a borrow can flag later ones wrongly, never an earlier one).
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    // Every byte passed, ORed: bit 7 set when one was beyond ASCII.
    let mut seen = 0u64;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(word);
        // Bytes below 0x20 have bit 7 set in `word - 0x20`, if they had it clear before.
        let control = word.wrapping_sub(0x2020_2020_2020_2020) & !word & HIGH;
        let hits = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | control;
        if hits != 0 {
            // The lowest flagged byte is the first stop byte (see `zero`).
            let first = hits.trailing_zeros() / 8;
            let before = word & ((1u64 << (first * 8)) - 1);
            return Some((offset + first as usize, (seen | before) & HIGH != 0));
        }
        seen |= word;
        offset += 8;
    }
    let rest = chunks.remainder();
    let n = rest.iter().position(|&b| is_string_end(b))?;
    let beyond_ascii = seen & HIGH != 0 || !rest.get(..n).unwrap_or_default().is_ascii();
    Some((offset + n, beyond_ascii))
}

fn is_string_end(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// Bytes that can continue a (possibly malformed) number or word.
fn is_number_like(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_')
}

#[cfg(test)]
mod tests {
    use super::{is_string_end, string_end};

    /// The word-at-a-time scan agrees with the byte-at-a-time definition: every stop byte at
    /// every position of inputs up to 24 bytes, among fillers next to the masks' edges.
    #[test]
    fn string_end_agrees_with_a_byte_scan() {
        let fillers = [
            b'a', b' ', b'!', 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xa0, 0xc3, 0xff,
        ];
        let stops = [b'"', b'\\', 0x00, 0x01, 0x1f, b'\n'];
        for len in 0..24 {
            for &filler in &fillers {
                let plain = vec![filler; len];
                assert_eq!(string_end(&plain), None, "{plain:?}");
                for at in 0..len {
                    for &stop in &stops {
                        for &second in &stops {
                            let mut bytes = plain.clone();
                            bytes[at] = stop;
                            if let Some(b) = bytes.get_mut(at + 3) {
                                *b = second;
                            }
                            let expected = bytes
                                .iter()
                                .position(|&b| is_string_end(b))
                                .map(|n| (n, !bytes.get(..n).unwrap_or_default().is_ascii()));
                            assert_eq!(string_end(&bytes), expected, "{bytes:?}");
                        }
                    }
                }
            }
        }
    }
}
