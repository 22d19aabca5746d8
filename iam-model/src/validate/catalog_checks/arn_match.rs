//! An allocation-free twin of [`catalog::arn_format_matches`] for the validator's hot path.
//!
//! RESOURCE_TYPE_MISMATCH asks "can this resource be of that type?" a few times per statement;
//! the catalog's matcher answers with two token vectors and a dynamic-programming table on the
//! heap each time, which made it the largest single cost of validating a policy. This module
//! runs the same algorithm (same fields, same tokens, same table, read backwards) on fixed
//! buffers on the stack, for ASCII input of modest length; anything else is handed to the
//! catalog. The catalog's function stays the definition: a test compares the two over every
//! ARN format of the catalog.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog;

/// Tokens held on the stack; a longer field moves them to the heap.
const MAX: usize = 126;

/// A set of characters: what a placeholder or wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Any,
    Not(u8),
    NotEither(u8, u8),
}

impl Class {
    fn contains(self, c: u8) -> bool {
        match self {
            Class::Any => true,
            Class::Not(x) => c != x,
            Class::NotEither(x, y) => c != x && c != y,
        }
    }
}

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    One(Class),
    Many(Class),
}

/// A token list on the stack, moved to the heap when it outgrows [`MAX`] (a hostile resource
/// of 130,000 characters is matched here too, not handed to the catalog's quadratic table).
#[derive(Clone)]
struct Toks {
    buf: [Tok; MAX],
    len: usize,
    /// All the tokens, once there are more than [`MAX`]; kept (cleared) for reuse.
    heap: Vec<Tok>,
}

impl Toks {
    fn new() -> Self {
        Toks {
            buf: [Tok::Lit(0); MAX],
            len: 0,
            heap: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.heap.clear();
    }

    fn push(&mut self, t: Tok) -> Option<()> {
        if self.len < MAX {
            *self.buf.get_mut(self.len)? = t;
        } else {
            if self.len == MAX {
                self.heap.clear();
                self.heap.extend_from_slice(&self.buf);
            }
            self.heap.push(t);
        }
        self.len += 1;
        Some(())
    }

    fn as_slice(&self) -> &[Tok] {
        if self.len > MAX {
            &self.heap
        } else {
            self.buf.get(..self.len).unwrap_or_default()
        }
    }
}

/// Splits at the first five `:` that are not inside `${…}`, as the catalog does.
fn fields(arn: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut field = 0usize;
    let mut prev = 0u8;
    for (i, &c) in arn.as_bytes().iter().enumerate() {
        match c {
            b'{' if prev == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                *out.get_mut(field)? = arn.get(start..i)?;
                field += 1;
                start = i + 1;
                // The rest is the resource part, colons and all.
                if field == 5 {
                    break;
                }
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
fn placeholder_at(s: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let rest = s.get(i..)?.strip_prefix(b"${")?;
    let end = rest.iter().position(|&b| b == b'}')?;
    Some((rest.get(..end)?, i + 2 + end + 1))
}

/// [`placeholder_at`] for a left-to-right scan: `unclosed` remembers that no `}` follows
/// (a `${` without its `}` is literal text), so that a field of many unclosed `${` is scanned
/// once, not once per `${`.
fn placeholder_scan<'s>(s: &'s [u8], i: usize, unclosed: &mut bool) -> Option<(&'s [u8], usize)> {
    if *unclosed || s.get(i..i + 2) != Some(b"${") {
        return None;
    }
    let found = placeholder_at(s, i);
    *unclosed = found.is_none();
    found
}

fn format_tokens(field: &[u8], resource: bool, out: &mut Toks) -> Option<()> {
    let whole = resource && placeholder_at(field, 0).is_some_and(|(_, end)| end == field.len());
    let mut i = 0usize;
    let mut unclosed = false;
    while let Some(&c) = field.get(i) {
        if let Some((_, end)) = placeholder_scan(field, i, &mut unclosed) {
            let class = if whole {
                Class::NotEither(b'/', b':')
            } else if resource {
                match field.get(end) {
                    Some(&next @ (b'/' | b':')) => Class::Not(next),
                    _ => Class::Any,
                }
            } else {
                Class::Any
            };
            out.push(Tok::One(class))?;
            out.push(Tok::Many(class))?;
            i = end;
            continue;
        }
        out.push(if c == b'*' {
            Tok::Many(Class::Any)
        } else {
            Tok::Lit(c)
        })?;
        i += 1;
    }
    Some(())
}

fn arn_tokens(field: &[u8], out: &mut Toks) -> Option<()> {
    let mut i = 0usize;
    let mut unclosed = false;
    while let Some(&c) = field.get(i) {
        if let Some((name, end)) = placeholder_scan(field, i, &mut unclosed) {
            out.push(match name {
                b"*" => Tok::Lit(b'*'),
                b"?" => Tok::Lit(b'?'),
                b"$" => Tok::Lit(b'$'),
                _ => Tok::Many(Class::Any),
            })?;
            i = end;
            continue;
        }
        out.push(match c {
            b'*' => Tok::Many(Class::Any),
            b'?' => Tok::One(Class::Any),
            _ => Tok::Lit(c),
        })?;
        i += 1;
    }
    Some(())
}

/// Whether some string is matched by both token lists (the format's `a`, the policy's `b`).
///
/// The catalog fills a table over all suffix pairs. Here the format's tokens are the states of
/// an automaton (state `k`: the first `k` tokens are matched), kept as the bits of a `u128`,
/// and the policy's tokens are read left to right, each moving the set of states that some
/// string it produces can reach: a literal moves the states whose token accepts it, `?` the
/// states whose token accepts some character (all of them), `*` (and a policy variable) every
/// state after the first one reached. The intersection is not empty when the last state is
/// reachable. The set rarely holds more than a few states, so each step looks at those only.
fn intersects(a: &[Tok], b: &[Tok]) -> Option<bool> {
    let n = a.len();
    if n >= 127 {
        return None;
    }
    let bit = |k: usize| 1u128 << k;
    let many = a
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, Tok::Many(_)))
        .fold(0u128, |m, (k, _)| m | bit(k));
    let all_states = bit(n + 1) - 1;
    // A `Many` token can match nothing: its state reaches the next one for free.
    let closure = |mut s: u128| loop {
        let next = s | ((s & many) << 1);
        if next == s {
            return s & all_states;
        }
        s = next;
    };
    // One character: each state moves past its token if the token accepts the character,
    // or stays on a `Many` token that does.
    let step = |s: u128, accepts: &dyn Fn(Tok) -> bool| -> u128 {
        let mut next = 0u128;
        let mut rest = s & !bit(n);
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            match a.get(k) {
                Some(&t @ Tok::Many(_)) if accepts(t) => next |= bit(k),
                Some(&t) if accepts(t) => next |= bit(k + 1),
                _ => {}
            }
        }
        closure(next)
    };
    // The states from which every token left is `Many(Any)`: whatever the policy's remaining
    // tokens produce, those tokens absorb it, so reaching one settles the answer. Formats
    // mostly end so (`${ObjectName}`), and a policy resource is mostly longer than its head.
    let universal = a
        .iter()
        .rposition(|t| *t != Tok::Many(Class::Any))
        .map_or(all_states, |last| all_states & !(bit(last + 1) - 1))
        & !bit(n);
    let mut states = closure(1);
    let mut i = 0;
    // The states stepped, charged to the work budget on the way out: a long hostile resource
    // against a hundred formats is bounded by the budget, a real one costs next to nothing.
    let mut work = 0u64;
    let charge = |work: u64| crate::budget::spend(2 + work / 8);
    while let Some(t) = b.get(i) {
        work += u64::from(states.count_ones());
        if states == 0 {
            charge(work);
            return Some(false);
        }
        if states & universal != 0 {
            charge(work);
            return Some(true);
        }
        // The common shape `${Name}/…`: the states are a `Many(class)` token and the literal
        // `x` after it. A policy literal the class accepts that is not `x` leaves them as they
        // are, so a run of such literals is passed over without stepping.
        let k = states.trailing_zeros() as usize;
        if let (Some(Tok::Many(class)), Some(Tok::Lit(x))) = (a.get(k), a.get(k + 1)) {
            if states == bit(k) | bit(k + 1) {
                let run = b
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|t| matches!(t, Tok::Lit(c) if c != x && class.contains(*c)))
                    .count();
                if run > 0 {
                    i += run;
                    continue;
                }
            }
        }
        i += 1;
        states = match *t {
            Tok::Lit(c) => step(states, &|t| match t {
                Tok::Lit(x) => x == c,
                Tok::One(class) | Tok::Many(class) => class.contains(c),
            }),
            // Some character: every token accepts one (a class excludes at most two).
            Tok::One(Class::Any) => step(states, &|_| true),
            // Any string: from the first state reached, every later state can be reached.
            Tok::Many(Class::Any) => all_states & !(bit(states.trailing_zeros() as usize) - 1),
            // The policy side only has `Any` classes.
            Tok::One(_) | Tok::Many(_) => return None,
        };
    }
    charge(work);
    Some(states & bit(n) != 0)
}

/// The literal text at the start of a format field (before any `${` or `*`).
fn format_head(field: &[u8]) -> &[u8] {
    let end = field
        .iter()
        .enumerate()
        .position(|(i, &b)| b == b'*' || (b == b'$' && field.get(i + 1) == Some(&b'{')))
        .unwrap_or(field.len());
    field.get(..end).unwrap_or_default()
}

/// The literal text at the start of a policy ARN field (before any `*`, `?` or `${`).
fn arn_head(field: &[u8]) -> &[u8] {
    let end = field
        .iter()
        .enumerate()
        .position(|(i, &b)| {
            b == b'*' || b == b'?' || (b == b'$' && field.get(i + 1) == Some(&b'{'))
        })
        .unwrap_or(field.len());
    field.get(..end).unwrap_or_default()
}

fn field_matches(format: &str, arn: &str, resource: bool) -> Option<bool> {
    if format == arn {
        return Some(true);
    }
    let (format, arn) = (format.as_bytes(), arn.as_bytes());
    if !resource && placeholder_at(format, 0).is_some_and(|(_, end)| end == format.len()) {
        return Some(!arn.is_empty());
    }
    let (fh, ah) = (format_head(format), arn_head(arn));
    let common = fh.len().min(ah.len());
    if fh.get(..common) != ah.get(..common) {
        return Some(false);
    }
    let (mut f, mut a) = (Toks::new(), Toks::new());
    format_tokens(format, resource, &mut f)?;
    arn_tokens(arn, &mut a)?;
    intersects(f.as_slice().get(common..)?, a.as_slice().get(common..)?)
}

/// A policy resource, split into its fields and its resource part tokenized once, for
/// matching against many formats. Reusable: [`SplitArn::reset`] refills it in place, so that
/// a buffer of them costs nothing per statement.
pub(super) struct SplitArn<'a> {
    text: &'a str,
    /// `None` when it is not ASCII (the catalog decides) or has fewer than six fields.
    fields: Option<[&'a str; 6]>,
    /// The tokens of the resource part; valid when `tokenized`.
    tokens: Toks,
    tokenized: bool,
    /// The length of the resource part's literal head.
    head: usize,
}

impl<'a> SplitArn<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let mut arn = SplitArn {
            text,
            fields: None,
            tokens: Toks::new(),
            tokenized: false,
            head: 0,
        };
        arn.reset(text);
        arn
    }

    /// Makes this the split of `text`.
    pub(super) fn reset(&mut self, text: &'a str) {
        self.text = text;
        self.fields = if text.is_ascii() { fields(text) } else { None };
        self.tokens.clear();
        self.tokenized = false;
        if let Some([.., r]) = self.fields {
            self.tokenized = arn_tokens(r.as_bytes(), &mut self.tokens).is_some();
            self.head = arn_head(r.as_bytes()).len();
        }
    }

    /// The resource as written (placeholders in).
    pub(super) fn text(&self) -> &'a str {
        self.text
    }

    /// The six fields, when the resource is an ASCII ARN.
    pub(super) fn fields(&self) -> Option<[&'a str; 6]> {
        self.fields
    }
}

/// A catalog ARN format, split and with its resource part tokenized, once.
struct Compiled {
    /// The format's length: with its address, what identifies it.
    len: usize,
    fields: [&'static str; 6],
    resource: Vec<Tok>,
    /// The length of the resource part's literal head.
    head: usize,
}

/// Every ASCII ARN format of the catalog, compiled on first use, by the address of its text
/// (the formats are `'static` strings of the generated tables).
fn compiled(format: &'static str) -> Option<&'static Compiled> {
    static INDEX: OnceLock<HashMap<usize, Compiled, super::WordHashBuild>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = HashMap::default();
        for service in catalog::services() {
            for rt in service.resource_types() {
                for &f in rt.arn_formats() {
                    let Some(fields) = fields(f).filter(|_| f.is_ascii()) else {
                        continue;
                    };
                    let mut toks = Toks::new();
                    if format_tokens(fields[5].as_bytes(), true, &mut toks).is_some() {
                        let head = format_head(fields[5].as_bytes()).len();
                        index.insert(
                            f.as_ptr() as usize,
                            Compiled {
                                len: f.len(),
                                fields,
                                resource: toks.as_slice().to_vec(),
                                head,
                            },
                        );
                    }
                }
            }
        }
        index
    });
    index
        .get(&(format.as_ptr() as usize))
        .filter(|c| c.len == format.len())
}

/// [`catalog::arn_format_matches`]: whether the policy resource `arn` can name a resource of
/// the ARN format `format`.
#[cfg(test)]
pub(super) fn format_matches(format: &'static str, arn: &str) -> bool {
    split_format_matches(format, &SplitArn::new(arn))
}

/// [`format_matches`] for a resource split already.
///
/// Past the work budget every resource is taken to match (no finding is made from an answer
/// not computed); [`intersects`] charges the steps it takes.
pub(super) fn split_format_matches(format: &'static str, arn: &SplitArn<'_>) -> bool {
    if crate::budget::exhausted() {
        return true;
    }
    let answer = match compiled(format) {
        Some(c) => compiled_match(c, arn),
        None => fast(format, arn),
    };
    answer.unwrap_or_else(|| {
        // The catalog fills a table of format × resource characters.
        crate::budget::charge((format.len() * arn.text.len()) as u64 / 4)
            && catalog::arn_format_matches(format, arn.text)
            || crate::budget::exhausted()
    })
}

/// [`fast`] for a compiled format: only the policy side is looked at again.
fn compiled_match(c: &Compiled, arn: &SplitArn<'_>) -> Option<bool> {
    if arn.text == "*" {
        return Some(true);
    }
    if !arn.text.is_ascii() {
        return None;
    }
    let Some(a) = arn.fields else {
        return Some(false);
    };
    for (ff, af) in c.fields.iter().zip(a.iter()).take(5) {
        if !field_matches(ff, af, false)? {
            return Some(false);
        }
    }
    let (format, resource) = (c.fields[5], a[5]);
    if format == resource {
        return Some(true);
    }
    if !arn.tokenized {
        return None;
    }
    let common = c.head.min(arn.head);
    if format.as_bytes().get(..common) != resource.as_bytes().get(..common) {
        return Some(false);
    }
    intersects(
        c.resource.get(common..)?,
        arn.tokens.as_slice().get(common..)?,
    )
}

fn fast(format: &str, arn: &SplitArn<'_>) -> Option<bool> {
    if arn.text == "*" {
        return Some(true);
    }
    if !format.is_ascii() || !arn.text.is_ascii() {
        return None;
    }
    let (Some(f), Some(a)) = (fields(format), arn.fields) else {
        return Some(false);
    };
    for (i, (ff, af)) in f.iter().zip(a.iter()).enumerate() {
        if !field_matches(ff, af, i == 5)? {
            return Some(false);
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_catalog_on_every_format() {
        let arns = [
            "*",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket*",
            "arn:aws:s3:::b/k/x.txt",
            "arn:aws:s3:::a:b",
            "arn:aws:s3:::bucke?",
            "arn:aws:s3:::*",
            "arn:aws:s3:::t*",
            "arn:aws:s3:::/",
            "arn:aws:s3:::x/",
            "arn:aws:s3:::",
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::a${*}b",
            "arn:aws:s3:us-east-1::bucket",
            "arn:aws-cn:s3:::bucket",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*",
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/o/stream/*",
            "arn:aws:lambda:eu-west-1:123456789012:function:app-*",
            "arn:aws:lambda:eu-west-1:123456789012:function:f:prod",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x*:*",
            "arn:aws:logs:*:*:*",
            "arn:aws:iam::123456789012:role/path/name",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            "arn:aws:iam::123456789012:",
            "arn:aws:sqs:us-east-1:123456789012:queue",
            "arn:aws:ec2:us-east-1:123456789012:instance/*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1::image/ami-1",
            "arn:aws:kms:us-east-1:123456789012:key/1234",
            "arn:aws:ssm:us-east-1:123456789012:parameter/a/b/*",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/*",
            "arn:aws:sns:*:123456789012:t",
            "arn:aws:*:*:*:*",
            "arn:*:s?:::b",
            "arn:aws:execute-api:us-east-1:123456789012:api/stage/GET/path",
            "arn:aws:s3:::caf\u{e9}",
            "not an arn",
            "arn:aws:s3",
            "arn:aws:apigateway:us-east-1::/restapis/*",
            // Long literal runs before a separator, as most real resources have.
            "arn:aws:s3:::orders-dev-logs/home/${aws:username}/*",
            "arn:aws:s3:::orders-dev-logs-replica",
            "arn:aws:s3:::orders-dev/logs/2026/*.gz",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc*def",
            "arn:aws:iam::123456789012:role/service-role/my-role-name",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders-prod-table/index/by-date",
        ];
        let mut decided = 0usize;
        let mut pairs = 0usize;
        for service in catalog::services() {
            for rt in service.resource_types() {
                for format in rt.arn_formats() {
                    for arn in arns {
                        pairs += 1;
                        let expected = catalog::arn_format_matches(format, arn);
                        if let Some(c) = compiled(format) {
                            if let Some(answer) = compiled_match(c, &SplitArn::new(arn)) {
                                assert_eq!(answer, expected, "compiled {format} vs {arn}");
                            }
                        }
                        if let Some(answer) = fast(format, &SplitArn::new(arn)) {
                            decided += 1;
                            assert_eq!(answer, expected, "{format} vs {arn}");
                        }
                        assert_eq!(format_matches(format, arn), expected, "{format} vs {arn}");
                    }
                }
            }
        }
        // Only the non-ASCII ARN (and nothing else) goes to the catalog.
        assert!(decided * 100 >= pairs * 97, "{decided} of {pairs}");
    }
}
