//! The search for a request one policy set allows and another does not.
//!
//! A request escapes from A into B when some `Allow` of B matches it, no `Deny` of B does, and
//! either no `Allow` of A matches it or some `Deny` of A does. Each "does not match" means one
//! of the statement's atoms is false; the search picks which, dimension by dimension, and asks
//! each dimension whether its constraints are still satisfiable (exactly: product automata for
//! strings, ranges for numbers, dates and addresses, quantifiers over value sets for keys).
//! Statements that cannot match any more are dropped; the one with the fewest ways out is
//! branched on first. The answer is a request, a proof that none exists, or "undecided".

use std::collections::HashMap;

use super::lang::{find_word, Class, Lang, Pattern, Search};
use super::model::{Atom, Dim, Model, Test, ValueLang};
use super::values::ValueSet;
use crate::eval::{Request, RequestPrincipal};

/// A dimension's value in a witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string (action, resource, encoded principal).
    Str(String),
    /// A condition key's values (`None`: absent).
    Values(Option<Vec<String>>),
}

/// Whether a dimension's constraints can hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sat {
    /// Yes, with a value.
    Yes(Value),
    /// No. `generic`: the proof read a policy variable as a fresh symbol, so it holds for that
    /// valuation only.
    No {
        /// See above.
        generic: bool,
    },
    /// The check gave up.
    Unknown,
}

/// Nodes the search may visit before it answers "undecided".
const NODE_BUDGET: usize = 20_000;

/// The search over one model.
pub struct Solver<'m> {
    m: &'m Model,
    cache: HashMap<(usize, Vec<(usize, bool)>), Sat>,
    budget: usize,
    /// An answer "no" relied on a generic valuation of a policy variable.
    pub generic: bool,
    /// An answer "no" skipped something it could not decide.
    pub incomplete: Vec<String>,
    /// The principal dimension's universe language.
    principal_universe: Option<usize>,
}

/// Constraints per dimension: `(atom id into `atoms`, required truth)`.
type State = Vec<Vec<(usize, bool)>>;

impl<'m> Solver<'m> {
    /// A solver over `m`.
    pub fn new(m: &'m Model, principal_universe: Option<usize>) -> Self {
        Solver {
            m,
            cache: HashMap::new(),
            budget: NODE_BUDGET,
            generic: false,
            incomplete: Vec::new(),
            principal_universe,
        }
    }

    fn str_check(
        &self,
        dim: usize,
        cons: &[(usize, bool)],
        atoms: &[Atom],
        extra: Option<usize>,
    ) -> Sat {
        let mut pos: Vec<&Lang> = extra.map(|l| &self.m.langs[l]).into_iter().collect();
        let mut neg: Vec<&Lang> = Vec::new();
        if matches!(self.m.dims[dim], Dim::Principal) {
            if let Some(u) = self.principal_universe {
                pos.push(&self.m.langs[u]);
            }
        }
        for &(a, truth) in cons {
            if let Atom::Str { lang, inside, .. } = &atoms[a] {
                if *inside == truth {
                    pos.push(&self.m.langs[*lang]);
                } else {
                    neg.push(&self.m.langs[*lang]);
                }
            }
        }
        // A language excluded and required at once: empty for every valuation.
        if neg.iter().any(|n| pos.contains(n)) {
            return Sat::No { generic: false };
        }
        let generic = pos.iter().chain(&neg).any(|l| l.generic);
        match find_word(&pos, &neg) {
            Search::Word(w) => Sat::Yes(Value::Str(w)),
            Search::Empty => Sat::No { generic },
            Search::TooBig => Sat::Unknown,
        }
    }

    fn key_check(&self, cons: &[(usize, bool)], atoms: &[Atom]) -> Sat {
        let tests: Vec<(&Test, bool)> = cons
            .iter()
            .filter_map(|&(a, truth)| match &atoms[a] {
                Atom::Test { test, .. } => Some((&self.m.tests[*test], truth)),
                _ => None,
            })
            .collect();
        // Absent, then present without values: the constant answers.
        for present in [false, true] {
            let ok = tests.iter().all(|(t, truth)| match t {
                Test::Null { absent } => (*absent != present) == *truth,
                Test::Values { when_absent, .. } => when_absent == truth,
            });
            if ok {
                return Sat::Yes(Value::Values(present.then(Vec::new)));
            }
        }
        // Present with values: every value in the universal sets, one value in each
        // existential set.
        if tests
            .iter()
            .any(|(t, truth)| matches!(t, Test::Null { absent } if *absent == *truth))
        {
            return Sat::No { generic: false };
        }
        let mut universal: Vec<(&ValueLang, bool)> = Vec::new();
        let mut existential: Vec<(&ValueLang, bool)> = Vec::new();
        for (t, truth) in &tests {
            if let Test::Values { all, lang, .. } = t {
                // ¬∀v∈M = ∃v∉M and ¬∃v∈M = ∀v∉M.
                match (*all, *truth) {
                    (true, true) => universal.push((lang, true)),
                    (true, false) => existential.push((lang, false)),
                    (false, true) => existential.push((lang, true)),
                    (false, false) => universal.push((lang, false)),
                }
            }
        }
        let mut generic = false;
        let one = |extra: Option<(&ValueLang, bool)>, generic: &mut bool| -> Sat {
            let all = universal.iter().copied().chain(extra);
            let sets: Vec<ValueSet> = all
                .clone()
                .filter_map(|(l, inside)| match l {
                    ValueLang::Set(s) => Some(if inside { s.clone() } else { s.complement() }),
                    ValueLang::Str(..) => None,
                })
                .collect();
            if let Some(first) = sets.first() {
                let set = sets
                    .iter()
                    .skip(1)
                    .fold(first.clone(), |a, s| a.intersect(s));
                return match set.pick() {
                    Some(v) => Sat::Yes(Value::Str(v)),
                    None => Sat::No { generic: false },
                };
            }
            let (mut pos, mut neg) = (Vec::new(), Vec::new());
            for (l, inside) in all {
                if let ValueLang::Str(id, p) = l {
                    let lang = &self.m.langs[*id];
                    *generic |= lang.generic;
                    if *p == inside {
                        pos.push(lang);
                    } else {
                        neg.push(lang);
                    }
                }
            }
            match find_word(&pos, &neg) {
                Search::Word(w) => Sat::Yes(Value::Str(w)),
                Search::Empty => Sat::No { generic: *generic },
                Search::TooBig => Sat::Unknown,
            }
        };
        let mut values: Vec<String> = Vec::new();
        let extras: Vec<Option<(&ValueLang, bool)>> = if existential.is_empty() {
            vec![None]
        } else {
            existential.iter().map(|e| Some(*e)).collect()
        };
        for e in extras {
            match one(e, &mut generic) {
                Sat::Yes(Value::Str(v)) => {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                Sat::Yes(_) => {}
                other => return other,
            }
        }
        Sat::Yes(Value::Values(Some(values)))
    }

    /// Whether dimension `dim` can satisfy `cons`, cached.
    pub fn check(&mut self, dim: usize, cons: &[(usize, bool)], atoms: &[Atom]) -> Sat {
        let mut key: Vec<(usize, bool)> = cons.to_vec();
        key.sort_unstable();
        key.dedup();
        if let Some(s) = self.cache.get(&(dim, key.clone())) {
            return s.clone();
        }
        let s = match self.m.dims[dim] {
            Dim::Key(_) => self.key_check(&key, atoms),
            _ => self.str_check(dim, &key, atoms, None),
        };
        self.cache.insert((dim, key), s.clone());
        s
    }

    /// Restores the node budget for a new question.
    pub fn reset_budget(&mut self) {
        self.budget = NODE_BUDGET;
    }

    fn note_no(&mut self, s: &Sat) {
        if let Sat::No { generic: true } = s {
            self.generic = true;
        }
    }

    /// Searches for constraints under which every atom list of `pos` holds and every one of
    /// `negs` fails; atom ids index `atoms`. `None` when there are none (or the search gave up:
    /// see [`Solver::incomplete`]).
    pub fn solve(&mut self, atoms: &[Atom], pos: &[&[usize]], negs: &[&[usize]]) -> Option<State> {
        let mut state: State = vec![Vec::new(); self.m.dims.len()];
        for p in pos {
            for &a in *p {
                if let Some(d) = atom_dim(&atoms[a]) {
                    state[d].push((a, true));
                }
            }
        }
        let constrained: Vec<(usize, Vec<(usize, bool)>)> = state
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(d, c)| (d, c.clone()))
            .collect();
        for (d, cons) in constrained {
            let s = self.check(d, &cons, atoms);
            self.note_no(&s);
            match s {
                Sat::Yes(_) => {}
                Sat::No { .. } => return None,
                Sat::Unknown => {
                    self.incomplete
                        .push(format!("the {} is too large to decide", self.m.dims[d]));
                    return None;
                }
            }
        }
        self.dfs(atoms, &mut state, negs.to_vec())
    }

    fn dfs(&mut self, atoms: &[Atom], state: &mut State, negs: Vec<&[usize]>) -> Option<State> {
        if self.budget == 0 {
            self.incomplete.push("the search budget ran out".to_owned());
            return None;
        }
        self.budget -= 1;
        let mut rest: Vec<(&[usize], Vec<usize>)> = Vec::new();
        'negs: for n in negs {
            let mut options = Vec::new();
            let mut opaque = None;
            for &a in n {
                let Some(d) = atom_dim(&atoms[a]) else {
                    if let Atom::Opaque(why) = &atoms[a] {
                        opaque = Some(why.clone());
                    }
                    continue;
                };
                let mut cons = state[d].clone();
                cons.push((a, true));
                let s = self.check(d, &cons, atoms);
                if let Sat::No { .. } = s {
                    // This statement can no longer match: nothing to break.
                    self.note_no(&s);
                    continue 'negs;
                }
                cons.pop();
                cons.push((a, false));
                match self.check(d, &cons, atoms) {
                    Sat::Yes(_) => options.push(a),
                    s @ Sat::No { .. } => self.note_no(&s),
                    Sat::Unknown => self
                        .incomplete
                        .push(format!("the {} is too large to decide", self.m.dims[d])),
                }
            }
            if options.is_empty() {
                if let Some(why) = opaque {
                    self.incomplete.push(why);
                }
                return None;
            }
            rest.push((n, options));
        }
        let Some(pick) = (0..rest.len()).min_by_key(|&i| rest[i].1.len()) else {
            return Some(state.clone());
        };
        let (_, options) = rest.remove(pick);
        let remaining: Vec<&[usize]> = rest.iter().map(|(n, _)| *n).collect();
        for a in options {
            let Some(d) = atom_dim(&atoms[a]) else {
                continue;
            };
            state[d].push((a, false));
            if let Some(s) = self.dfs(atoms, state, remaining.clone()) {
                return Some(s);
            }
            state[d].pop();
        }
        None
    }

    /// A value for every constrained dimension of a satisfiable state, trying first the
    /// preferred shapes (languages) given per dimension; `None` where unconstrained.
    pub fn values(
        &mut self,
        atoms: &[Atom],
        state: &State,
        prefer: &HashMap<usize, Vec<usize>>,
    ) -> Vec<Option<Value>> {
        let mut out = Vec::with_capacity(state.len());
        for (d, cons) in state.iter().enumerate() {
            let mut v = None;
            if !matches!(self.m.dims[d], Dim::Key(_)) {
                for &extra in prefer.get(&d).into_iter().flatten() {
                    if let Sat::Yes(val) = self.str_check(d, cons, atoms, Some(extra)) {
                        v = Some(val);
                        break;
                    }
                }
            }
            if v.is_none() && !cons.is_empty() {
                if let Sat::Yes(val) = self.check(d, cons, atoms) {
                    v = Some(val);
                }
            }
            out.push(v);
        }
        out
    }
}

impl std::fmt::Display for Dim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dim::Action => f.write_str("action"),
            Dim::Resource => f.write_str("resource"),
            Dim::Principal => f.write_str("principal"),
            Dim::Key(k) => write!(f, "condition key `{k}`"),
        }
    }
}

/// The dimension an atom constrains.
pub fn atom_dim(a: &Atom) -> Option<usize> {
    match a {
        Atom::Str { dim, .. } | Atom::Test { dim, .. } => Some(*dim),
        Atom::Opaque(_) => None,
    }
}

/// A shape a witness string should preferably have.
pub fn shape(glob: &str) -> Lang {
    Lang::of(Pattern::default().glob(glob, &Class::NotIn(vec![':', '|'])))
}

/// Builds the request a witness describes.
pub fn request(m: &Model, values: &[Option<Value>]) -> Request {
    let mut r = Request::new("", "*");
    for (d, v) in values.iter().enumerate() {
        match (&m.dims[d], v) {
            (Dim::Action, Some(Value::Str(s))) => r.action = s.clone(),
            (Dim::Resource, Some(Value::Str(s))) => r.resource = s.clone(),
            (Dim::Principal, Some(Value::Str(s))) => {
                r.principal = match s.split_at_checked(2) {
                    Some(("a|", v)) => Some(RequestPrincipal::Aws(v.to_owned())),
                    Some(("s|", v)) => Some(RequestPrincipal::Service(v.to_owned())),
                    Some(("f|", v)) => Some(RequestPrincipal::Federated(v.to_owned())),
                    _ => None,
                }
            }
            (Dim::Key(k), Some(Value::Values(Some(vs)))) => r = r.with(k.clone(), vs.clone()),
            _ => {}
        }
    }
    // A generic valuation: each variable not otherwise constrained holds its fresh symbol.
    for (name, c) in &m.variables {
        if !r.context.contains_key(name) {
            let unconstrained = values
                .iter()
                .enumerate()
                .all(|(d, v)| v.is_none() || m.dims[d] != Dim::Key(name.clone()));
            if unconstrained {
                r = r.with(name.clone(), [c.to_string()]);
            }
        }
    }
    r
}
