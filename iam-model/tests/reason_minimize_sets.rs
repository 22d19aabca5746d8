//! `minimize` on the twenty statement sets of `benches/data/minimize/`, beside the statement
//! merging of AWS CDK's `minimize` (ported below from `aws-cdk-lib/aws-iam/lib/private/
//! merge-statements.ts`, aws/aws-cdk commit 123c1fb4, read 2026-12-07: two statements merge when
//! effect, conditions and `Not…` sets match, neither has a `Sid`, and two of their action,
//! resource and principal sets are equal; the sets are unioned, until nothing merges).
//!
//! Every result must be proven to allow exactly what its input allows, and be no larger than
//! CDK's; the byte ratios (characters without whitespace, after/before) are printed and quoted
//! in the README.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use iam_model::reason::{minimize, same_access, MinimizeOptions};
use iam_model::{ActionClause, PolicyDocument, PrincipalClause, ResourceClause, Statement};

fn sets() -> Vec<(String, PolicyDocument)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/minimize");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                text.parse().unwrap(),
            )
        })
        .collect()
}

/// The three sets CDK compares, as sorted strings, plus everything else that must be equal.
fn parts(s: &Statement) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>, String) {
    let actions = match &s.action {
        ActionClause::Action(a) => a.iter().map(|a| a.as_str().to_owned()).collect(),
        ActionClause::NotAction(_) => BTreeSet::new(),
    };
    let resources = match &s.resource {
        Some(ResourceClause::Resource(r)) => r
            .iter()
            .map(|r| r.with_placeholders().into_owned())
            .collect(),
        _ => BTreeSet::new(),
    };
    let principals = match &s.principal {
        Some(PrincipalClause::Principal(p)) => p
            .entries()
            .map(|(k, v)| format!("{k}:{}", v.with_placeholders()))
            .collect(),
        _ => BTreeSet::new(),
    };
    let mut rest = s.clone();
    rest.action = match &s.action {
        ActionClause::Action(_) => ActionClause::Action(Vec::new()),
        other => other.clone(),
    };
    if let Some(ResourceClause::Resource(_)) = s.resource {
        rest.resource = Some(ResourceClause::Resource(Vec::new()));
    }
    if let Some(PrincipalClause::Principal(_)) = s.principal {
        rest.principal = None;
    }
    (actions, resources, principals, format!("{rest:?}"))
}

fn cdk_merge(doc: &PolicyDocument) -> PolicyDocument {
    let mut st = doc.statements.clone();
    loop {
        let mut merged = false;
        let mut i = 0;
        while i < st.len() {
            let mut j = i + 1;
            while j < st.len() {
                let (a, b) = (parts(&st[i]), parts(&st[j]));
                let equal =
                    usize::from(a.0 == b.0) + usize::from(a.1 == b.1) + usize::from(a.2 == b.2);
                if st[i].sid.is_none() && st[j].sid.is_none() && a.3 == b.3 && equal >= 2 {
                    let other = st.remove(j);
                    let s = &mut st[i];
                    if let (ActionClause::Action(x), ActionClause::Action(y)) =
                        (&mut s.action, &other.action)
                    {
                        let all: BTreeSet<String> =
                            x.iter().chain(y).map(|a| a.as_str().to_owned()).collect();
                        *x = all.into_iter().map(Into::into).collect();
                    }
                    if let (Some(ResourceClause::Resource(x)), Some(ResourceClause::Resource(y))) =
                        (&mut s.resource, &other.resource)
                    {
                        let all: BTreeSet<String> = x
                            .iter()
                            .chain(y)
                            .map(|r| r.with_placeholders().into_owned())
                            .collect();
                        *x = all.into_iter().map(Into::into).collect();
                    }
                    if let (
                        Some(PrincipalClause::Principal(x)),
                        Some(PrincipalClause::Principal(y)),
                    ) = (&mut s.principal, &other.principal)
                    {
                        for (k, v) in y.entries() {
                            if !x.values(k).contains(v) {
                                *x = x.clone().and(k, [v.clone()]);
                            }
                        }
                    }
                    merged = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
        if !merged {
            break;
        }
    }
    PolicyDocument::new(st)
}

#[test]
fn smaller_than_cdk_and_proven_equivalent() {
    let (mut before, mut ours, mut cdk) = (0usize, 0usize, 0usize);
    let mut lines = Vec::new();
    for (name, doc) in sets() {
        let m = minimize(&doc, MinimizeOptions::default());
        assert!(m.proven, "{name}: not proven");
        assert!(same_access(&[&doc], &[&m.document]), "{name}");
        let c = cdk_merge(&doc);
        assert!(
            same_access(&[&doc], &[&c]),
            "{name}: the CDK port changed access"
        );
        let (b, o, k) = (doc.size(), m.document.size(), c.size());
        assert!(o <= k, "{name}: ours {o} > CDK {k}");
        before += b;
        ours += o;
        cdk += k;
        lines.push(format!(
            "{name}: {b} -> ours {o} ({:.2}), CDK {k} ({:.2})",
            o as f64 / b as f64,
            k as f64 / b as f64
        ));
    }
    let wide: usize = sets()
        .iter()
        .map(|(_, d)| {
            minimize(
                d,
                MinimizeOptions {
                    allow_future_actions: true,
                },
            )
            .document
            .size()
        })
        .sum();
    eprintln!("{}", lines.join("\n"));
    eprintln!(
        "total: {before} -> ours {ours} ({:.3}), with --allow-future-actions {wide} ({:.3}), CDK merge {cdk} ({:.3})",
        ours as f64 / before as f64,
        wide as f64 / before as f64,
        cdk as f64 / before as f64
    );
    assert!(ours < cdk);
}
