//! "Did you mean …?": nearest names by case-insensitive Damerau-Levenshtein distance
//! (the optimal-string-alignment variant: insertions, deletions, substitutions and
//! transpositions of two adjacent characters each cost 1).
//!
//! Shared by the macro errors of `iam-macros` and the diagnostics of the validator.

/// The largest distance [`nearest`] accepts for `needle`: a third of its length, at least 1
/// and at most 4 (`GetObjcet` → 3, `PassRol` → 2, `s4` → 1).
pub fn max_distance(needle: &str) -> usize {
    (needle.chars().count() / 3).clamp(1, 4)
}

/// The case-insensitive optimal-string-alignment distance between `a` and `b`.
pub fn distance(a: &str, b: &str) -> usize {
    let a = lowercase(a);
    let b = lowercase(b);
    bounded_distance(&a, &b, usize::MAX, &mut Rows::default()).unwrap_or(usize::MAX)
}

/// The candidates nearest to `needle`, best first, at most `max` of them.
///
/// Comparison ignores case. Only candidates within [`max_distance`] of `needle`, and at
/// most one edit worse than the best candidate, are returned (`GetObjcet` suggests
/// `GetObject` at distance 1 but not `PutObject` at 3); ties are broken by length
/// difference, then alphabetically. Duplicates are
/// returned once. Cheap enough to run over every action of a service (or every service
/// prefix) for each unknown name: candidates whose length alone rules them out are skipped
/// and the distance computation stops as soon as it exceeds the cap.
pub fn nearest<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    if max == 0 {
        return Vec::new();
    }
    let needle_chars = lowercase(needle);
    let needle_bag = Bag::of(&needle_chars);
    let cap = max_distance(needle);
    let mut rows = Rows::default();
    let mut buffer = Vec::new();
    let mut found: Vec<(usize, usize, String, &'a str)> = Vec::new();
    for candidate in candidates {
        lowercase_into(candidate, &mut buffer);
        let length_gap = buffer.len().abs_diff(needle_chars.len());
        if length_gap > cap || bag_distance(&needle_bag, &buffer) > cap {
            continue;
        }
        if let Some(d) = bounded_distance(&needle_chars, &buffer, cap, &mut rows) {
            found.push((d, length_gap, candidate.to_lowercase(), candidate));
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.3 == b.3);
    // Drop the stragglers: nothing more than one edit worse than the best match.
    let best = found.first().map_or(0, |f| f.0);
    found
        .into_iter()
        .take_while(|f| f.0 <= best + 1)
        .take(max)
        .map(|(_, _, _, c)| c)
        .collect()
}

/// Character counts (ASCII letters and digits; everything else shares one bucket).
struct Bag([u16; 37]);

impl Bag {
    fn bucket(c: char) -> usize {
        match c {
            'a'..='z' => usize::from(c as u8 - b'a'),
            '0'..='9' => 26 + usize::from(c as u8 - b'0'),
            _ => 36,
        }
    }

    fn of(chars: &[char]) -> Self {
        let mut counts = [0u16; 37];
        for &c in chars {
            if let Some(n) = counts.get_mut(Self::bucket(c)) {
                *n = n.saturating_add(1);
            }
        }
        Self(counts)
    }
}

/// A cheap lower bound of the edit distance: an edit adds and removes at most one
/// character, so the distance is at least the larger of the surplus counts.
fn bag_distance(needle: &Bag, candidate: &[char]) -> usize {
    let other = Bag::of(candidate);
    let (mut more, mut fewer) = (0usize, 0usize);
    for (a, b) in needle.0.iter().zip(other.0.iter()) {
        if a > b {
            more += usize::from(a - b);
        } else {
            fewer += usize::from(b - a);
        }
    }
    more.max(fewer)
}

fn lowercase(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    lowercase_into(s, &mut out);
    out
}

/// Lowercases `s` into `out` (ASCII fast path: names are almost always ASCII).
fn lowercase_into(s: &str, out: &mut Vec<char>) {
    out.clear();
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

/// Three reusable rows of the distance table.
#[derive(Default)]
struct Rows {
    before: Vec<usize>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

/// The optimal-string-alignment distance, or `None` once it is certain to exceed `cap`.
fn bounded_distance(a: &[char], b: &[char], cap: usize, rows: &mut Rows) -> Option<usize> {
    let width = b.len() + 1;
    rows.before.clear();
    rows.before.resize(width, usize::MAX);
    rows.previous.clear();
    rows.previous.extend(0..width);
    rows.current.clear();
    rows.current.resize(width, 0);
    let get = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX);
    for (i, &ca) in a.iter().enumerate() {
        let mut row_min = usize::MAX;
        if let Some(first) = rows.current.first_mut() {
            *first = i + 1;
            row_min = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let substitution = get(&rows.previous, j).saturating_add(usize::from(ca != cb));
            let deletion = get(&rows.previous, j + 1).saturating_add(1);
            let insertion = get(&rows.current, j).saturating_add(1);
            let mut best = substitution.min(deletion).min(insertion);
            // Transposition of two adjacent characters.
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                best = best.min(get(&rows.before, j - 1).saturating_add(1));
            }
            if let Some(cell) = rows.current.get_mut(j + 1) {
                *cell = best;
            }
            row_min = row_min.min(best);
        }
        if row_min > cap {
            return None;
        }
        std::mem::swap(&mut rows.before, &mut rows.previous);
        std::mem::swap(&mut rows.previous, &mut rows.current);
    }
    let d = get(&rows.previous, b.len());
    (d <= cap).then_some(d)
}
