//! Terraform's `title()` function, which names every object of the original module
//! (`SymRuntime${title(var.environment)}`).
//!
//! Terraform's `title` is go-cty's, which is Go's `strings.Title`: the first letter of each
//! word is mapped to title case, where a word starts at the beginning of the string or after
//! a separator. Nothing is ever lower-cased. Getting this exactly right matters because the
//! result is a role name: `prod-eu` must become `Prod-Eu` (not `ProdEu`, not `Prod-eu`), and
//! `PROD` stays `PROD`, or an existing role would be replaced.

/// Terraform's `title(s)`: `sandbox` → `Sandbox`, `prod-eu` → `Prod-Eu`, `my_env` → `My_env`,
/// `PROD` → `PROD`, `2fa` → `2fa`.
///
/// ```
/// use blueprint_runtime_connector::title;
/// assert_eq!(title("prod-eu"), "Prod-Eu");
/// assert_eq!(title("my_env"), "My_env");
/// ```
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Go starts with `prev = ' '`, so the first character begins a word.
    let mut prev_is_separator = true;
    for c in s.chars() {
        if prev_is_separator {
            push_title_case(c, &mut out);
        } else {
            out.push(c);
        }
        prev_is_separator = is_separator(c);
    }
    out
}

/// Go's `strings.isSeparator`: ASCII letters, digits and `_` are not separators, every other
/// ASCII character is; outside ASCII, letters and digits are not, and of the rest only
/// white space is.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    // A non-ASCII letter or digit is never white space, so the white-space test alone
    // decides, as in Go.
    c.is_whitespace()
}

/// Go's `unicode.ToTitle`: a simple (one character to one character) mapping.
fn push_title_case(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
        return;
    }
    // The four digraphs whose title case differs from their upper case.
    let digraph = match c {
        '\u{01C4}'..='\u{01C6}' => Some('\u{01C5}'),
        '\u{01C7}'..='\u{01C9}' => Some('\u{01C8}'),
        '\u{01CA}'..='\u{01CC}' => Some('\u{01CB}'),
        '\u{01F1}'..='\u{01F3}' => Some('\u{01F2}'),
        _ => None,
    };
    if let Some(t) = digraph {
        out.push(t);
        return;
    }
    // Rust's `to_uppercase` is the full mapping (`ß` → `SS`); Go's simple mapping leaves a
    // character alone when it has no single-character upper case.
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => out.push(u),
        _ => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::title;

    #[test]
    fn unicode_simple_mapping() {
        assert_eq!(title("ßeta"), "ßeta");
        assert_eq!(title("éte été"), "Éte Été");
        assert_eq!(title("ǆungla"), "ǅungla");
        // Non-ASCII punctuation is not a separator in Go.
        assert_eq!(title("a—b"), "A—b");
        // Non-ASCII white space is.
        assert_eq!(title("a\u{00A0}b"), "A\u{00A0}B");
    }
}
