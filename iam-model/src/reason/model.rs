//! Statements as conjunctions of atoms over request dimensions.
//!
//! A request has dimensions — the action, the resource, the principal, and one per condition
//! key — and a statement matches it when every one of its atoms holds: the action is in the
//! language of `Action` (or out of the one of `NotAction`), likewise resource and principal,
//! and every condition test is true. This module compiles statements into that form, reading
//! each string the way [`crate::eval`] reads it; what it cannot read exactly becomes an opaque
//! atom that the search never relies on.

use std::collections::{BTreeMap, HashMap};

use crate::condition::{BaseOperator, ConditionOperator, ConditionValue, OperatorFamily};
use crate::condition::{KeyCondition, SetQualifier};
use crate::policy::PolicyDocument;
use crate::principal::{principal_account, Principal, PrincipalKind};
use crate::statement::{ActionClause, Effect, PrincipalClause, ResourceClause, Statement};
use crate::text::Text;

use super::lang::{Class, Lang, Pattern};
use super::values::{Domain, ValueSet};

/// A request dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// The action, lowercased.
    Action,
    /// The resource.
    Resource,
    /// The caller, encoded `a|arn`, `s|service`, `f|provider`, or empty for none.
    Principal,
    /// A condition key, lowercased.
    Key(String),
}

/// The set of values one element of a multivalued key must (or must not) be in.
#[derive(Debug, Clone)]
pub enum ValueLang {
    /// A string language: in it (`true`) or out of it (`false`).
    Str(usize, bool),
    /// A numeric, date or IP set.
    Set(ValueSet),
}

/// One condition test, read as quantifiers over the request's values.
#[derive(Debug, Clone)]
pub enum Test {
    /// `Null`: holds when the key's absence is `absent`.
    Null {
        /// True for `"Null": {"k": "true"}`.
        absent: bool,
    },
    /// Any other operator.
    Values {
        /// The test's value when the key is absent (or has no values).
        when_absent: bool,
        /// Whether every value must be in `lang` (else: some value).
        all: bool,
        /// The values that satisfy the test one by one.
        lang: ValueLang,
    },
}

/// An atom of a statement.
#[derive(Debug, Clone)]
pub enum Atom {
    /// The dimension's string is in (`true`) or out of (`false`) the language.
    Str {
        /// The dimension.
        dim: usize,
        /// The language.
        lang: usize,
        /// Polarity.
        inside: bool,
    },
    /// A condition test on a key.
    Test {
        /// The dimension.
        dim: usize,
        /// The test.
        test: usize,
    },
    /// Something the model cannot read exactly; never used to prove anything.
    Opaque(String),
}

/// A compiled statement.
#[derive(Debug, Clone)]
pub struct CStmt {
    /// True for `Allow`.
    pub allow: bool,
    /// The conjunction.
    pub atoms: Vec<Atom>,
    /// `(policy, statement)` in the input.
    pub at: (usize, usize),
}

/// Everything compiled for one comparison: dimensions, languages, tests and statements.
#[derive(Debug, Default)]
pub struct Model {
    /// The dimensions.
    pub dims: Vec<Dim>,
    dim_ids: HashMap<Dim, usize>,
    /// The string languages.
    pub langs: Vec<Lang>,
    /// The action patterns each action language came from (for catalog witnesses).
    pub action_sources: HashMap<usize, Vec<String>>,
    /// The condition tests.
    pub tests: Vec<Test>,
    /// The fresh character standing for each policy variable in a generic valuation.
    pub variables: BTreeMap<String, char>,
    /// The domain of each condition key (`None`: strings; absent: not decided yet).
    key_domains: HashMap<String, Result<Option<Domain>, ()>>,
}

/// Keys whose values are read as strings (`String…`, `Bool`, `Binary…`, `Arn…`).
fn key_domain(family: OperatorFamily) -> Option<Option<Domain>> {
    match family {
        OperatorFamily::Null => None,
        f => Some(Domain::of(f)),
    }
}

impl Model {
    /// The id of a dimension, added when new.
    pub fn dim(&mut self, d: Dim) -> usize {
        if let Some(&i) = self.dim_ids.get(&d) {
            return i;
        }
        self.dims.push(d.clone());
        self.dim_ids.insert(d, self.dims.len() - 1);
        self.dims.len() - 1
    }

    fn lang(&mut self, l: Lang) -> usize {
        self.langs.push(l);
        self.langs.len() - 1
    }

    /// Substitutes variables with their fresh characters and `${*}`/`${?}` with marker
    /// characters (`\0`, `\1`, as the evaluator does). Returns the string and whether a
    /// variable was read.
    fn generic_string(&mut self, s: &str) -> (String, bool) {
        let mut out = String::new();
        let mut generic = false;
        let mut rest = s;
        // The marker characters keep which of `*`/`?` they were, which the field match needs.
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return (out, generic);
            };
            let body = &after[..end];
            let name = body.split_once(',').map_or(body, |(n, _)| n.trim());
            match name {
                "*" => out.push('\u{0}'),
                "?" => out.push('\u{1}'),
                "$" => out.push('$'),
                n => {
                    generic = true;
                    let next = char::from_u32(0xF0000 + self.variables.len() as u32)
                        .unwrap_or('\u{F0000}');
                    let c = *self.variables.entry(n.to_ascii_lowercase()).or_insert(next);
                    out.push(c);
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        (out, generic)
    }

    /// The language of an ARN pattern (after substitution), field by field; `None` when it
    /// does not parse as an ARN. `literal_aware`: in the resource part, a `${*}`/`${?}`
    /// matches a literal `*` or `?` (the `Resource` element); otherwise markers are plain
    /// characters (the `Arn…` operators).
    fn arn_lang(g: &str, literal_aware: bool) -> Option<Lang> {
        let arn = crate::arn::Arn::parse(g).ok()?;
        let field = Class::NotIn(vec![':']);
        let mut p = Pattern::default().lit("arn:");
        for f in [arn.partition(), arn.service(), arn.region(), arn.account()] {
            p = p.glob(f, &field).lit(":");
        }
        let res = arn.resource();
        if res.chars().all(|c| c == '*') {
            // The resource part of a request ARN is never empty.
            p = p.one(Class::Any);
        }
        for c in res.chars() {
            p = match c {
                '\u{0}' | '\u{1}' if literal_aware => p.one(Class::In(vec!['*', '?', '\u{3}'])),
                c => p.glob(&c.to_string(), &Class::Any),
            };
        }
        Some(Lang::of(p))
    }

    /// Compiles `Resource` entries into one language.
    fn resource_lang(&mut self, resources: &[Text]) -> usize {
        let mut lang = Lang::default();
        for r in resources {
            let s = r.with_placeholders();
            if s == "*" {
                lang = lang.union(Lang::all());
                continue;
            }
            let (g, generic) = self.generic_string(&s);
            let mut l = Self::arn_lang(&g, true).unwrap_or_else(|| Lang::literal(&g));
            l.generic = generic;
            lang = lang.union(l);
        }
        self.lang(lang)
    }

    /// The language of a `Principal` value, `None` when it names something the model does not
    /// read exactly.
    fn principal_lang(p: &Principal) -> Option<Lang> {
        let Principal::Map(map) = p else {
            return Some(Lang::of(
                Pattern::default().one(Class::Any).many(Class::Any),
            ));
        };
        let mut lang = Lang::default();
        for (kind, values) in map {
            let tag = match kind {
                PrincipalKind::Aws => "a|",
                PrincipalKind::Service => "s|",
                PrincipalKind::Federated => "f|",
                PrincipalKind::CanonicalUser => continue,
            };
            for v in values {
                let s = v.with_placeholders();
                if s == "*" {
                    lang = lang.union(Lang::of(Pattern::default().lit(tag).many(Class::Any)));
                    continue;
                }
                let is_account =
                    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) || s.ends_with(":root");
                if *kind != PrincipalKind::Aws || !is_account {
                    lang = lang.union(Lang::literal(&format!("{tag}{s}")));
                    continue;
                }
                let acct = principal_account(&s)?;
                let field = Class::NotIn(vec![':']);
                lang = lang.union(Lang::literal(&format!("a|{acct}")));
                for svc in ["iam", "sts"] {
                    let base = Pattern::default()
                        .lit("a|arn:")
                        .many(field.clone())
                        .lit(&format!(":{svc}:"))
                        .many(field.clone())
                        .lit(&format!(":{acct}"));
                    lang = lang.union(Lang::of(base.clone()));
                    lang = lang.union(Lang::of(base.lit(":").many(Class::Any)));
                }
            }
        }
        Some(lang)
    }

    /// Notes the domain of every condition key the statements test, so that a key read both as
    /// a string and as a number is known to be mixed before any test is compiled.
    pub fn note_domains(&mut self, st: &Statement) {
        for (op, k) in st.condition.tests() {
            let Some(d) = key_domain(op.base.family()) else {
                continue;
            };
            let key = k.key.to_ascii_lowercase();
            let entry = self.key_domains.entry(key).or_insert(Ok(d));
            if *entry != Ok(d) {
                *entry = Err(());
            }
        }
    }

    fn test_atom(&mut self, op: ConditionOperator, k: &KeyCondition) -> Atom {
        let key = k.key.to_ascii_lowercase();
        let dim = self.dim(Dim::Key(key.clone()));
        let values: Vec<(String, bool)> = k
            .values
            .iter()
            .map(|v| match v {
                ConditionValue::String(t) => self.generic_string(&t.with_placeholders()),
                other => (other.as_text().with_placeholders().into_owned(), false),
            })
            .collect();
        let generic = values.iter().any(|(_, g)| *g);
        if op.base == BaseOperator::Null {
            if generic {
                return Atom::Opaque(format!("`Null` on `{}` with a policy variable", k.key));
            }
            let absent = values.iter().any(|(v, _)| v == "true");
            self.tests.push(Test::Null { absent });
            return Atom::Test {
                dim,
                test: self.tests.len() - 1,
            };
        }
        let domain = match self.key_domains.get(&key) {
            Some(Ok(d)) => *d,
            _ => {
                return Atom::Opaque(format!(
                    "`{}` is compared both as a string and as a number, date or address",
                    k.key
                ))
            }
        };
        let negated = op.base.is_negated();
        let lang = match domain {
            Some(d) => {
                if generic {
                    return Atom::Opaque(format!("`{op}` on `{}` with a policy variable", k.key));
                }
                let set = values.iter().fold(ValueSet::empty(d), |acc, (v, _)| {
                    acc.union(&ValueSet::compare(d, op.base, v))
                });
                ValueLang::Set(if negated { set.complement() } else { set })
            }
            None => {
                let mut lang = Lang::default();
                for (v, g) in &values {
                    let mut l = Self::string_value_lang(op.base, v);
                    l.generic = *g;
                    lang = lang.union(l);
                }
                ValueLang::Str(self.lang(lang), !negated)
            }
        };
        let (when_absent, all) = match op.qualifier {
            Some(SetQualifier::ForAllValues) => (true, true),
            Some(SetQualifier::ForAnyValue) => (false, false),
            None => (op.if_exists || negated, negated),
        };
        self.tests.push(Test::Values {
            when_absent,
            all,
            lang,
        });
        Atom::Test {
            dim,
            test: self.tests.len() - 1,
        }
    }

    /// The request values a string-read operator's positive form accepts for one policy value.
    pub(crate) fn string_value_lang(base: BaseOperator, v: &str) -> Lang {
        use BaseOperator as B;
        match base {
            B::StringLike | B::StringNotLike => {
                let mut p = Pattern::default();
                for c in v.chars() {
                    p = match c {
                        '\u{0}' | '\u{1}' => p.one(Class::In(vec!['*', '?', '\u{3}'])),
                        c => p.glob(&c.to_string(), &Class::Any),
                    };
                }
                Lang::of(p)
            }
            B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase | B::Bool => {
                let mut p = Pattern::default();
                for c in v.chars() {
                    p = if c.is_ascii_alphabetic() {
                        p.one(Class::CharCi(c.to_ascii_lowercase()))
                    } else {
                        p.one(Class::Char(c))
                    };
                }
                Lang::of(p)
            }
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => {
                Self::arn_lang(v, false).unwrap_or_default()
            }
            _ => Lang::literal(v),
        }
    }

    /// Compiles one statement.
    pub fn statement(&mut self, st: &Statement, at: (usize, usize)) -> CStmt {
        let mut atoms = Vec::new();
        let action = self.dim(Dim::Action);
        let (list, inside) = match &st.action {
            ActionClause::Action(a) => (a, true),
            ActionClause::NotAction(a) => (a, false),
        };
        let sources: Vec<String> = list.iter().map(|a| a.normalized()).collect();
        let lang = sources.iter().fold(Lang::default(), |l, a| {
            l.union(Lang::of(Pattern::default().glob(a, &Class::Any)))
        });
        let lang = self.lang(lang);
        self.action_sources.insert(lang, sources);
        atoms.push(Atom::Str {
            dim: action,
            lang,
            inside,
        });
        if let Some(r) = &st.resource {
            let dim = self.dim(Dim::Resource);
            let lang = self.resource_lang(r.resources());
            atoms.push(Atom::Str {
                dim,
                lang,
                inside: matches!(r, ResourceClause::Resource(_)),
            });
        }
        if let Some(p) = &st.principal {
            let dim = self.dim(Dim::Principal);
            match Self::principal_lang(p.principal()) {
                Some(lang) => {
                    // `NotPrincipal` matches a request with a principal outside the list: out
                    // of the list and out of "no principal".
                    let (lang, inside) = match p {
                        PrincipalClause::Principal(_) => (lang, true),
                        PrincipalClause::NotPrincipal(_) => (lang.union(Lang::literal("")), false),
                    };
                    let lang = self.lang(lang);
                    atoms.push(Atom::Str { dim, lang, inside });
                }
                None => atoms.push(Atom::Opaque(format!(
                    "principal in statement {} names no account the model can read",
                    at.1
                ))),
            }
        }
        for (op, k) in st.condition.tests() {
            let a = self.test_atom(op, k);
            atoms.push(a);
        }
        CStmt {
            allow: st.effect == Effect::Allow,
            atoms,
            at,
        }
    }

    /// Compiles every statement of a policy set.
    pub fn policies(&mut self, docs: &[&PolicyDocument]) -> Vec<CStmt> {
        docs.iter()
            .enumerate()
            .flat_map(|(pi, d)| {
                d.statements
                    .iter()
                    .enumerate()
                    .map(move |(si, s)| (pi, si, s))
            })
            .map(|(pi, si, s)| self.statement(s, (pi, si)))
            .collect()
    }

    /// The requests a principal dimension can hold: none, or one of the three kinds.
    pub fn principal_universe(&mut self) -> usize {
        let mut l = Lang::literal("");
        for tag in ["a|", "s|", "f|"] {
            l = l.union(Lang::of(Pattern::default().lit(tag).many(Class::Any)));
        }
        self.lang(l)
    }

    /// Adds a language and returns its id (for preferences the search adds).
    pub fn add_lang(&mut self, l: Lang) -> usize {
        self.lang(l)
    }
}
