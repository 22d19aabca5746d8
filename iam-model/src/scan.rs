//! Byte-level questions about policy strings, asked of every string the validator sees.
//!
//! `str::contains` with a string or a char-set pattern builds a searcher per call, which costs
//! more than the search on strings of a few dozen bytes; these look at the bytes directly.

/// Whether `s` holds `${`, where a policy variable starts.
pub(crate) fn has_variable(s: &str) -> bool {
    // Most strings have no `$` at all, which a byte search settles fastest.
    s.as_bytes().contains(&b'$') && s.contains("${")
}

/// Whether `s` holds a wildcard, `*` or `?`.
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_wildcards() {
        for (s, variable, wildcard) in [
            ("", false, false),
            ("$", false, false),
            ("{$", false, false),
            ("a$b{", false, false),
            ("${aws:username}", true, false),
            ("home/${aws:username}/*", true, true),
            ("x$${", true, false),
            ("s3:Get?bject", false, true),
            ("é*", false, true),
        ] {
            assert_eq!(has_variable(s), variable, "{s}");
            assert_eq!(has_variable(s), s.contains("${"), "{s}");
            assert_eq!(has_wildcard(s), wildcard, "{s}");
            assert_eq!(has_wildcard(s), s.contains(['*', '?']), "{s}");
        }
    }
}
