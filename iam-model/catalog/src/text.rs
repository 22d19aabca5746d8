//! Small string helpers: case-insensitive ordering, `*`/`?` globs and key templates.

use std::cmp::Ordering;

/// Compares two strings by their ASCII-lowercase bytes: the order of every sorted table.
pub(crate) fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `s` contains a glob wildcard (`*` or `?`).
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|c| c == b'*' || c == b'?')
}

/// The part of a glob before its first wildcard.
pub(crate) fn literal_prefix(pattern: &str) -> &str {
    pattern
        .find(['*', '?'])
        .and_then(|i| pattern.get(..i))
        .unwrap_or(pattern)
}

/// Matches `text` against a glob where `*` is any run of characters and `?` is exactly one,
/// ignoring ASCII case. Linear in the common case, `O(len(pattern) · len(text))` at worst.
/// Allocation-free for ASCII input (action names and service prefixes are ASCII).
pub(crate) fn glob_match_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob_match(
            pattern.as_bytes(),
            text.as_bytes(),
            u8::eq_ignore_ascii_case,
            b'*',
            b'?',
        )
    } else {
        let pattern: Vec<char> = pattern.chars().collect();
        let text: Vec<char> = text.chars().collect();
        glob_match(&pattern, &text, char::eq_ignore_ascii_case, '*', '?')
    }
}

fn glob_match<T: Copy + PartialEq>(
    pattern: &[T],
    text: &[T],
    eq: impl Fn(&T, &T) -> bool,
    many: T,
    one: T,
) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    // Where the last `*` was in the pattern, and how much of the text it has swallowed.
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = text.get(t) {
        match pattern.get(p) {
            Some(&pc) if pc == many => {
                star = Some((p, t));
                p += 1;
            }
            Some(pc) if *pc == one || eq(pc, c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == many))
}

/// The next placeholder of a template: `(start, end)` byte offsets of `${…}` or `<…>`.
fn next_placeholder(template: &str) -> Option<(usize, usize)> {
    let bytes = template.as_bytes();
    let mut i = 0usize;
    while let Some(&c) = bytes.get(i) {
        let close = match c {
            b'$' if bytes.get(i + 1) == Some(&b'{') => Some(b'}'),
            b'<' => Some(b'>'),
            _ => None,
        };
        if let Some(close) = close {
            if let Some(len) = bytes
                .get(i + 1..)
                .and_then(|rest| rest.iter().position(|&b| b == close))
            {
                return Some((i, i + 1 + len + 1));
            }
        }
        i += 1;
    }
    None
}

/// Whether `name` is a template (has a `${…}` or `<…>` placeholder).
pub(crate) fn is_template(name: &str) -> bool {
    next_placeholder(name).is_some()
}

/// Whether `key` is `template` (ignoring ASCII case), where each `${…}` or `<…>` placeholder
/// of the template stands for one or more characters. A placeholder before the key's first
/// `:` (in the prefix, such as `agent.${Domain}.buildkite.dev`) does not match `:`; one in
/// the key name (such as the tag key of `aws:ResourceTag/${TagKey}`) matches anything,
/// including `:` and `/`. Allocation-free.
pub(crate) fn template_matches(template: &str, key: &str) -> bool {
    // Most comparisons are settled by the first difference in a literal stretch: compare up
    // to it, and look for placeholders only when one starts before it.
    let (t, k) = (template.as_bytes(), key.as_bytes());
    let common = t
        .iter()
        .zip(k)
        .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
        .count();
    if common == t.len() && common == k.len() {
        return true;
    }
    let may_be_placeholder = t
        .get(..=common)
        .unwrap_or(t)
        .iter()
        .any(|&b| b == b'$' || b == b'<');
    may_be_placeholder && match_from(template, key, true)
}

fn match_from(template: &str, key: &str, in_prefix: bool) -> bool {
    let Some((start, end)) = next_placeholder(template) else {
        return template.eq_ignore_ascii_case(key);
    };
    let (Some(literal), Some(rest)) = (template.get(..start), template.get(end..)) else {
        return false;
    };
    if !starts_with_ignore_ascii_case(key, literal) {
        return false;
    }
    let in_prefix = in_prefix && !literal.contains(':');
    let Some(tail) = key.get(literal.len()..) else {
        return false;
    };
    // Try every non-empty length for the placeholder (templates have at most a few).
    for (i, c) in tail.char_indices() {
        if in_prefix && c == ':' {
            return false;
        }
        if tail
            .get(i + c.len_utf8()..)
            .is_some_and(|after| match_from(rest, after, in_prefix))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{match_from, template_matches};

    /// The shortcut through the first difference agrees with the full matcher.
    #[test]
    fn template_matches_agrees_with_the_full_match() {
        let templates = [
            "s3:prefix",
            "aws:ResourceTag/${TagKey}",
            "agent.${Domain}.buildkite.dev:sub",
            "${Prefix}:x",
            "ec2:<tag>",
            "",
            "a",
        ];
        let keys = [
            "s3:prefix",
            "S3:Prefix",
            "s3:prefixes",
            "s3:pre",
            "aws:ResourceTag/team",
            "aws:resourcetag/a:b/c",
            "aws:ResourceTag/",
            "agent.ci.buildkite.dev:sub",
            "agent.a:b.buildkite.dev:sub",
            "foo:x",
            "ec2:anything",
            "ec2:",
            "",
            "a",
            "A",
        ];
        for t in templates {
            for k in keys {
                assert_eq!(template_matches(t, k), match_from(t, k, true), "{t} vs {k}");
            }
        }
    }
}
