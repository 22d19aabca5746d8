//! String languages of policy patterns and the exact emptiness test behind containment.
//!
//! A [`Lang`] is a finite union of [`Pattern`]s, each a sequence of single-character classes
//! that occur once or repeat (`*`). Every string a policy compares — actions, resources,
//! principals, condition values — is matched by such a language: IAM globs, ARN fields (whose
//! wildcards stop at `:`), exact and case-insensitive equality. [`find_word`] decides whether a
//! Boolean combination (in every positive language, in none of the negative ones) is inhabited
//! by running the product of the patterns' position automata breadth-first, and returns a
//! shortest word when it is. Only the characters the patterns name, plus one representative of
//! all others, can make a difference, so the search is exact.

use std::collections::{BTreeSet, HashMap, VecDeque};

/// One character class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Class {
    /// Any character.
    Any,
    /// Exactly this character.
    Char(char),
    /// This ASCII letter in either case (stored lowercased).
    CharCi(char),
    /// One of these characters.
    In(Vec<char>),
    /// Any character but these.
    NotIn(Vec<char>),
}

impl Class {
    fn matches(&self, c: char) -> bool {
        match self {
            Class::Any => true,
            Class::Char(x) => *x == c,
            Class::CharCi(x) => x.eq_ignore_ascii_case(&c),
            Class::In(s) => s.contains(&c),
            Class::NotIn(s) => !s.contains(&c),
        }
    }

    fn named(&self, out: &mut BTreeSet<char>) {
        match self {
            Class::Any => {}
            Class::Char(c) => {
                out.insert(*c);
            }
            Class::CharCi(c) => {
                out.insert(c.to_ascii_lowercase());
                out.insert(c.to_ascii_uppercase());
            }
            Class::In(s) | Class::NotIn(s) => out.extend(s.iter().copied()),
        }
    }
}

/// A class that occurs once, or any number of times.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tok {
    /// The class.
    pub class: Class,
    /// True for a repetition (zero or more).
    pub star: bool,
}

/// A sequence of tokens: one regular language without alternation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pattern(pub Vec<Tok>);

impl Pattern {
    /// Appends one occurrence of `class`.
    pub fn one(mut self, class: Class) -> Self {
        self.0.push(Tok { class, star: false });
        self
    }

    /// Appends a repetition of `class`.
    pub fn many(mut self, class: Class) -> Self {
        self.0.push(Tok { class, star: true });
        self
    }

    /// Appends the characters of `s` literally.
    pub fn lit(mut self, s: &str) -> Self {
        self.0.extend(s.chars().map(|c| Tok {
            class: Class::Char(c),
            star: false,
        }));
        self
    }

    /// Appends an IAM glob: `*` any run, `?` one character, both limited to `within`.
    pub fn glob(mut self, s: &str, within: &Class) -> Self {
        for c in s.chars() {
            let tok = match c {
                '*' => Tok {
                    class: within.clone(),
                    star: true,
                },
                '?' => Tok {
                    class: within.clone(),
                    star: false,
                },
                c => Tok {
                    class: Class::Char(c),
                    star: false,
                },
            };
            self.0.push(tok);
        }
        self
    }

    /// Whether `word` is in the pattern's language.
    pub fn matches(&self, word: &str) -> bool {
        let mut set = vec![false; self.0.len() + 1];
        set[0] = true;
        self.close(&mut set);
        for c in word.chars() {
            let mut next = vec![false; set.len()];
            for (p, tok) in self.0.iter().enumerate() {
                if set[p] && tok.class.matches(c) {
                    next[if tok.star { p } else { p + 1 }] = true;
                }
            }
            self.close(&mut next);
            if !next.iter().any(|b| *b) {
                return false;
            }
            set = next;
        }
        set[self.0.len()]
    }

    fn close(&self, set: &mut [bool]) {
        for p in 0..self.0.len() {
            if set[p] && self.0[p].star {
                set[p + 1] = true;
            }
        }
    }
}

/// A finite union of patterns; the empty union is the empty language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Lang {
    /// The alternatives.
    pub patterns: Vec<Pattern>,
    /// True when a policy variable was read as a fresh symbol: the language is then the one of
    /// a generic valuation, and an empty intersection proves nothing for the others.
    pub generic: bool,
}

impl Lang {
    /// Every string.
    pub fn all() -> Lang {
        Lang::of(Pattern::default().many(Class::Any))
    }

    /// One pattern.
    pub fn of(p: Pattern) -> Lang {
        Lang {
            patterns: vec![p],
            generic: false,
        }
    }

    /// Exactly `s`.
    pub fn literal(s: &str) -> Lang {
        Lang::of(Pattern::default().lit(s))
    }

    /// The union of two languages.
    pub fn union(mut self, other: Lang) -> Lang {
        self.patterns.extend(other.patterns);
        self.generic |= other.generic;
        self
    }

    /// Whether `word` is in the language.
    pub fn matches(&self, word: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(word))
    }

    /// The words, when the language is a finite set of plain strings.
    fn literal_words(&self) -> Option<Vec<String>> {
        self.patterns
            .iter()
            .map(|p| {
                p.0.iter()
                    .map(|t| match t.class {
                        Class::Char(c) if !t.star => Some(c),
                        _ => None,
                    })
                    .collect::<Option<String>>()
            })
            .collect()
    }
}

/// A fast hash for the product states (word vectors): SipHash dominated the search.
#[derive(Default)]
struct StateHasher(u64);

impl std::hash::Hasher for StateHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// The answer of [`find_word`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// A shortest word in every positive and no negative language.
    Word(String),
    /// No such word exists.
    Empty,
    /// The product grew past the state budget.
    TooBig,
}

/// States the product search may visit before giving up.
const STATE_BUDGET: usize = 200_000;

/// A word in every language of `pos` and in none of `neg`, shortest first.
pub fn find_word(pos: &[&Lang], neg: &[&Lang]) -> Search {
    // The patterns, flattened, and where each language's begin.
    let langs: Vec<(&Lang, bool)> = pos
        .iter()
        .map(|l| (*l, true))
        .chain(neg.iter().map(|l| (*l, false)))
        .collect();
    if langs.iter().any(|(l, p)| *p && l.patterns.is_empty()) {
        return Search::Empty;
    }
    // A finite positive language of plain strings (an action list, exact ARNs) bounds the
    // answer: test its words one by one instead of building the product.
    if let Some(finite) = pos.iter().find(|l| l.literal_words().is_some()) {
        let words = finite.literal_words().unwrap_or_default();
        let mut words: Vec<String> = words;
        words.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        for w in words {
            if pos.iter().all(|l| l.matches(&w)) && !neg.iter().any(|l| l.matches(&w)) {
                return Search::Word(w);
            }
        }
        return Search::Empty;
    }
    let mut pats: Vec<(&Pattern, usize)> = Vec::new(); // pattern, bit offset
    let mut lang_pats: Vec<(usize, usize, bool)> = Vec::new(); // first, end, positive
    let mut bits = 0usize;
    for (l, positive) in &langs {
        let first = pats.len();
        for p in &l.patterns {
            pats.push((p, bits));
            bits += p.0.len() + 1;
        }
        lang_pats.push((first, pats.len(), *positive));
    }
    let words = bits.div_ceil(64).max(1);
    let mut named = BTreeSet::new();
    for (p, _) in &pats {
        for t in &p.0 {
            t.class.named(&mut named);
        }
    }
    let mut alphabet: Vec<char> = Vec::new();
    // One stand-in for every character no pattern names, preferring a readable one.
    let other = "xyzabcdefghijklmnopqrstuvw0123456789"
        .chars()
        .chain(('\u{e000}'..='\u{f8ff}').take(4096))
        .find(|c| !named.contains(c));
    alphabet.extend(other);
    alphabet.extend(named.iter().copied().filter(|c| !c.is_control()));
    alphabet.extend(named.iter().copied().filter(|c| c.is_control()));

    // Bit masks over the flattened positions: a step is a few word operations.
    let mut star = vec![0u64; words];
    let mut ends: Vec<Vec<u64>> = Vec::new(); // per language: its patterns' end positions
    let mut live: Vec<Vec<u64>> = Vec::new(); // per language: all its positions
    let mut universal: Vec<Vec<u64>> = Vec::new(); // per language: positions accepting all
    let mut matching: Vec<Vec<u64>> = vec![vec![0u64; words]; alphabet.len()];
    let set = |s: &mut [u64], i: usize| s[i / 64] |= 1 << (i % 64);
    let index: HashMap<char, usize> = alphabet.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    for &(first, end, _) in &lang_pats {
        let (mut e, mut l, mut u) = (vec![0u64; words], vec![0u64; words], vec![0u64; words]);
        for &(p, off) in &pats[first..end] {
            set(&mut e, off + p.0.len());
            for i in 0..=p.0.len() {
                set(&mut l, off + i);
            }
            // Positions from which every continuation is accepted: a suffix of `Any*`.
            let mut all_any = true;
            for i in (0..p.0.len()).rev() {
                let t = &p.0[i];
                all_any &= t.star && matches!(t.class, Class::Any);
                if all_any {
                    set(&mut u, off + i);
                }
            }
            for (i, t) in p.0.iter().enumerate() {
                if t.star {
                    set(&mut star, off + i);
                }
                match &t.class {
                    // The common case costs one lookup, not a pass over the alphabet.
                    Class::Char(c) => {
                        if let Some(ci) = index.get(c) {
                            set(&mut matching[*ci], off + i);
                        }
                    }
                    class => {
                        for (ci, &c) in alphabet.iter().enumerate() {
                            if class.matches(c) {
                                set(&mut matching[ci], off + i);
                            }
                        }
                    }
                }
            }
        }
        ends.push(e);
        live.push(l);
        universal.push(u);
    }
    let any = |a: &[u64], b: &[u64]| a.iter().zip(b).any(|(x, y)| x & y != 0);
    let close = |s: &mut [u64]| loop {
        // Every starred position also stands at the next one.
        let mut changed = false;
        let mut carry = 0u64;
        for (w, st) in s.iter_mut().zip(&star) {
            let from = *w & st;
            let add = (from << 1) | carry;
            carry = from >> 63;
            if add & !*w != 0 {
                *w |= add;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    };
    let viable = |s: &[u64]| {
        lang_pats.iter().enumerate().all(|(k, &(_, _, positive))| {
            if positive {
                any(s, &live[k])
            } else {
                !any(s, &universal[k])
            }
        })
    };
    let accepting = |s: &[u64]| {
        lang_pats
            .iter()
            .enumerate()
            .all(|(k, &(_, _, positive))| any(s, &ends[k]) == positive)
    };

    let mut start = vec![0u64; words];
    for (_, off) in &pats {
        set(&mut start, *off);
    }
    close(&mut start);
    if !viable(&start) {
        return Search::Empty;
    }
    let mut seen: HashMap<Vec<u64>, usize, std::hash::BuildHasherDefault<StateHasher>> =
        HashMap::default();
    let mut states: Vec<(Vec<u64>, usize, char)> = vec![(start.clone(), usize::MAX, ' ')];
    seen.insert(start, 0);
    let mut queue = VecDeque::from([0usize]);
    let mut next = vec![0u64; words];
    while let Some(idx) = queue.pop_front() {
        if accepting(&states[idx].0) {
            let mut word = Vec::new();
            let mut i = idx;
            while states[i].1 != usize::MAX {
                word.push(states[i].2);
                i = states[i].1;
            }
            return Search::Word(word.into_iter().rev().collect());
        }
        for (ci, &c) in alphabet.iter().enumerate() {
            let cur = &states[idx].0;
            let mut carry = 0u64;
            for w in 0..words {
                let hit = cur[w] & matching[ci][w];
                // A starred token stays; any other advances one position.
                let advance = hit & !star[w];
                next[w] = (hit & star[w]) | (advance << 1) | carry;
                carry = advance >> 63;
            }
            close(&mut next);
            if seen.contains_key(&next) || !viable(&next) {
                continue;
            }
            if states.len() >= STATE_BUDGET {
                return Search::TooBig;
            }
            seen.insert(next.clone(), states.len());
            queue.push_back(states.len());
            states.push((next.clone(), idx, c));
        }
    }
    Search::Empty
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn glob(s: &str) -> Lang {
        Lang::of(Pattern::default().glob(s, &Class::Any))
    }

    #[test]
    fn inclusion_and_witnesses() {
        // `a*` minus `ab*` still holds `a` and `ac`.
        let Search::Word(w) = find_word(&[&glob("a*")], &[&glob("ab*")]) else {
            panic!()
        };
        assert!(w.starts_with('a') && !w.starts_with("ab"));
        assert_eq!(find_word(&[&glob("ab*")], &[&glob("a*")]), Search::Empty);
        // `*b*` ∩ `*c*` minus `*b*c*` needs `c` before `b`.
        let Search::Word(w) = find_word(&[&glob("*b*"), &glob("*c*")], &[&glob("*b*c*")]) else {
            panic!()
        };
        assert!(w.find('c') < w.find('b'));
        // `a?c` ⊆ `a*`.
        assert_eq!(find_word(&[&glob("a?c")], &[&glob("a*")]), Search::Empty);
        // Every string but those two: the shortest is the empty one.
        assert_eq!(
            find_word(&[&Lang::all()], &[&glob("?*")]),
            Search::Word(String::new())
        );
        let ci = Lang::of(Pattern::default().one(Class::CharCi('a')));
        assert_eq!(find_word(&[&Lang::literal("A")], &[&ci]), Search::Empty);
        assert!(matches!(find_word(&[&ci], &[&Lang::literal("a")]), Search::Word(w) if w == "A"));
        // `*` within an ARN field does not cross `:`.
        let field = Lang::of(
            Pattern::default()
                .glob("x*", &Class::NotIn(vec![':']))
                .lit(":"),
        );
        assert!(field.matches("xab:") && !field.matches("xa:b:"));
    }
}
