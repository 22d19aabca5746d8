//! "Did you mean" helpers shared by parsing and validation.
//!
//! One implementation serves the whole workspace: these are the catalog's
//! ([`iam_catalog::suggest`]), so macro errors, validation findings and config errors rank
//! names the same way.

/// The case-insensitive edit distance between two strings (adjacent transpositions cost 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    iam_catalog::suggest::distance(a, b)
}

/// The candidates closest to `needle` (case-insensitive), best first, at most `max`; see
/// [`iam_catalog::suggest::nearest`] for the distance bound.
pub fn nearest<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    iam_catalog::suggest::nearest(needle, candidates, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            nearest("Efect", ["Effect", "Action", "Sid"], 3),
            vec!["Effect"]
        );
        assert!(nearest("zzzzzz", ["Effect"], 3).is_empty());
    }
}
