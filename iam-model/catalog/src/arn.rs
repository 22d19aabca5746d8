//! Matching resource ARNs (with their wildcards) against AWS ARN formats.

/// A set of characters: what a placeholder or wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Any character.
    Any,
    /// Any character but this one.
    Not(char),
    /// Any character but these two.
    NotEither(char, char),
}

impl Class {
    fn contains(self, c: char) -> bool {
        match self {
            Self::Any => true,
            Self::Not(x) => c != x,
            Self::NotEither(x, y) => c != x && c != y,
        }
    }
}

/// One element of a pattern: both an ARN format and a resource ARN become a list of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// Exactly this character (ARNs are case-sensitive).
    Lit(char),
    /// Exactly one character of the class.
    One(Class),
    /// Zero or more characters of the class.
    Many(Class),
}

impl Token {
    const fn is_many(self) -> bool {
        matches!(self, Self::Many(_))
    }

    /// Whether some character is produced by both tokens.
    fn overlaps(self, other: Self) -> bool {
        match (self, other) {
            (Self::Lit(a), Self::Lit(b)) => a == b,
            (Self::Lit(c), Self::One(class) | Self::Many(class))
            | (Self::One(class) | Self::Many(class), Self::Lit(c)) => class.contains(c),
            // Classes exclude at most two characters, so two of them always overlap.
            _ => true,
        }
    }
}

/// Splits at the first five `:` that are not inside `${…}`: partition, service, region,
/// account and resource, after the leading `arn`. `None` if there are fewer than five.
fn fields(arn: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut field = 0usize;
    let mut prev = '\0';
    for (i, c) in arn.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 && field < 5 => {
                *out.get_mut(field)? = arn.get(start..i)?;
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
        prev = c;
    }
    if field < 5 {
        return None;
    }
    *out.get_mut(5)? = arn.get(start..)?;
    Some(out)
}

/// The content of a `${…}` starting at byte `i` of `s`, and the byte after the `}`.
fn placeholder_at(s: &str, i: usize) -> Option<(&str, usize)> {
    let rest = s.get(i..)?.strip_prefix("${")?;
    let end = rest.find('}')?;
    Some((rest.get(..end)?, i + 2 + end + 1))
}

/// [`placeholder_at`] for a left-to-right scan: `unclosed` remembers that no `}` follows
/// (a `${` without its `}` is literal text), so that a field of many unclosed `${` is scanned
/// once, not once per `${` (which was quadratic in the field's length).
fn placeholder_scan<'s>(s: &'s str, i: usize, unclosed: &mut bool) -> Option<(&'s str, usize)> {
    if *unclosed || s.as_bytes().get(i..i + 2) != Some(b"${") {
        return None;
    }
    let found = placeholder_at(s, i);
    *unclosed = found.is_none();
    found
}

/// Tokens of one field of an ARN format. `resource` selects the resource-part rules:
/// a placeholder does not match the `/` or `:` that follows it in the format, and a
/// placeholder that is the whole resource part (`${BucketName}`, `${TopicName}`) matches
/// neither `/` nor `:`. Elsewhere (the last placeholder, `${RoleNameWithPath}`,
/// `${ObjectName}`, `${FunctionName}` before an optional `:qualifier`) it matches
/// anything. A literal `*` in a format matches anything.
fn format_tokens(field: &str, resource: bool) -> Vec<Token> {
    let whole = resource && placeholder_at(field, 0).is_some_and(|(_, end)| end == field.len());
    let mut tokens = Vec::with_capacity(field.len());
    let mut i = 0usize;
    let mut unclosed = false;
    while let Some(c) = field.get(i..).and_then(|rest| rest.chars().next()) {
        if let Some((_, end)) = placeholder_scan(field, i, &mut unclosed) {
            let class = if whole {
                Class::NotEither('/', ':')
            } else if resource {
                match field.get(end..).and_then(|rest| rest.chars().next()) {
                    Some(next @ ('/' | ':')) => Class::Not(next),
                    _ => Class::Any,
                }
            } else {
                Class::Any
            };
            tokens.push(Token::One(class));
            tokens.push(Token::Many(class));
            i = end;
            continue;
        }
        tokens.push(if c == '*' {
            Token::Many(Class::Any)
        } else {
            Token::Lit(c)
        });
        i += c.len_utf8();
    }
    tokens
}

/// Tokens of one field of a resource ARN from a policy: `*` is any run of characters, `?`
/// exactly one; `${*}`, `${?}` and `${$}` are the literal characters; any other policy
/// variable (`${aws:username}`) could be anything, so it counts as `*`.
fn arn_tokens(field: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(field.len());
    let mut i = 0usize;
    let mut unclosed = false;
    while let Some(c) = field.get(i..).and_then(|rest| rest.chars().next()) {
        if let Some((name, end)) = placeholder_scan(field, i, &mut unclosed) {
            tokens.push(match name {
                "*" => Token::Lit('*'),
                "?" => Token::Lit('?'),
                "$" => Token::Lit('$'),
                _ => Token::Many(Class::Any),
            });
            i = end;
            continue;
        }
        tokens.push(match c {
            '*' => Token::Many(Class::Any),
            '?' => Token::One(Class::Any),
            _ => Token::Lit(c),
        });
        i += c.len_utf8();
    }
    tokens
}

/// Whether some string is matched by both token lists (the intersection of the two
/// patterns is not empty). Dynamic programming over suffixes: `O(len(a) · len(b))`.
fn intersects(a: &[Token], b: &[Token]) -> bool {
    let width = b.len() + 1;
    let mut table = vec![false; (a.len() + 1) * width];
    let at =
        |table: &[bool], i: usize, j: usize| table.get(i * width + j).copied().unwrap_or(false);
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            let (ta, tb) = (a.get(i).copied(), b.get(j).copied());
            let value = match (ta, tb) {
                (None, None) => true,
                _ => {
                    // Let a `Many` match nothing…
                    ta.is_some_and(Token::is_many) && at(&table, i + 1, j)
                        || tb.is_some_and(Token::is_many) && at(&table, i, j + 1)
                        // …or both produce one common character.
                        || match (ta, tb) {
                            (Some(x), Some(y)) if x.overlaps(y) => {
                                let ni = if x.is_many() { i } else { i + 1 };
                                let nj = if y.is_many() { j } else { j + 1 };
                                (ni, nj) != (i, j) && at(&table, ni, nj)
                            }
                            _ => false,
                        }
                }
            };
            if let Some(cell) = table.get_mut(i * width + j) {
                *cell = value;
            }
        }
    }
    at(&table, 0, 0)
}

/// The literal text at the start of a format field (before any `${` or `*`).
fn format_head(field: &str) -> &str {
    let end = field
        .char_indices()
        .find(|&(i, c)| {
            c == '*' || (c == '$' && field.get(i + 1..).is_some_and(|r| r.starts_with('{')))
        })
        .map_or(field.len(), |(i, _)| i);
    field.get(..end).unwrap_or("")
}

/// The literal text at the start of a policy ARN field (before any `*`, `?` or `${`).
fn arn_head(field: &str) -> &str {
    let end = field
        .char_indices()
        .find(|&(i, c)| {
            c == '*'
                || c == '?'
                || (c == '$' && field.get(i + 1..).is_some_and(|r| r.starts_with('{')))
        })
        .map_or(field.len(), |(i, _)| i);
    field.get(..end).unwrap_or("")
}

fn field_matches(format: &str, arn: &str, resource: bool) -> bool {
    if format == arn {
        return true;
    }
    // Fast paths for the first five fields: `${Partition}`, `${Region}`, `${Account}`.
    if !resource && placeholder_at(format, 0).is_some_and(|(_, end)| end == format.len()) {
        return !arn.is_empty();
    }
    // Cheap rejection: the literal heads must agree as far as both go.
    let (fh, ah) = (format_head(format), arn_head(arn));
    let common = fh.len().min(ah.len());
    if fh.as_bytes().get(..common) != ah.as_bytes().get(..common) {
        return false;
    }
    let f = format_tokens(format, resource);
    let a = arn_tokens(arn);
    // Both start with the same `common` literal characters: skip them.
    let skip = fh.get(..common).map_or(0, |h| h.chars().count());
    intersects(
        f.get(skip..).unwrap_or_default(),
        a.get(skip..).unwrap_or_default(),
    )
}

/// Whether the resource ARN `arn` of a policy (which may contain `*` and `?` wildcards and
/// policy variables) can name a resource of the ARN format `format` as AWS writes it
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`), that is, whether some concrete
/// ARN matches both.
///
/// * `"*"` matches every format.
/// * The six ARN fields are compared separately: a wildcard in the region field does not
///   reach into the account field. Text is compared case-sensitively, as AWS compares ARNs.
/// * A `${…}` placeholder stands for one or more characters. In the resource part it does
///   not match the `/` or `:` that follows it in the format, and a placeholder that is the
///   whole resource part (`${BucketName}`) matches neither; the last placeholder otherwise
///   matches anything, so `role/${RoleNameWithPath}` matches `role/path/to/Role` and
///   `function:${FunctionName}` matches `function:name:alias`.
/// * In `arn`, `*` is any run of characters (across `/` too), `?` one character, `${*}`,
///   `${?}` and `${$}` the literal characters, and other policy variables count as `*`.
///
/// So `arn:aws:s3:::bucket/*` matches the S3 object format but not the bucket format, and
/// `arn:aws:s3:::bucket` matches the bucket format but not the object format. Malformed
/// ARNs (fewer than six fields) match nothing.
pub fn arn_format_matches(format: &str, arn: &str) -> bool {
    if arn == "*" {
        return true;
    }
    let (Some(format_fields), Some(arn_fields)) = (fields(format), fields(arn)) else {
        return false;
    };
    format_fields
        .iter()
        .zip(arn_fields.iter())
        .enumerate()
        .all(|(i, (f, a))| field_matches(f, a, i == 5))
}
