#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]

use super::*;

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json(s).unwrap()
}

fn pol(stmts: &str) -> PolicyDocument {
    doc(&format!(r#"{{"Version":"2012-10-17","Statement":[{stmts}]}}"#))
}

#[test]
fn action_widening_has_a_catalog_witness() {
    let old = pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
    let new = pol(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}"#);
    let c = compare(&[&old], &[&new]);
    assert_eq!(c.verdict(), Verdict::Widening, "{c:?}");
    assert!(!c.added.escapes[0].future_action);
    assert!(c.removed.holds());
    assert_eq!(compare(&[&new], &[&old]).verdict(), Verdict::Narrowing);
}
