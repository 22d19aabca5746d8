#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]

use super::*;

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json(s).unwrap()
}

fn pol(stmts: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{stmts}]}}"#
    ))
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

/// Asserts B ⊆ A is proven.
fn proven(a: &PolicyDocument, b: &PolicyDocument) {
    let c = contained(&[a], &[b]);
    assert!(c.holds(), "expected containment, got {c:#?}");
}

/// Asserts an escape from A into B, and returns its witness.
fn escapes(a: &PolicyDocument, b: &PolicyDocument) -> Request {
    let c = contained(&[a], &[b]);
    assert!(!c.escapes.is_empty(), "expected an escape, got {c:#?}");
    let w = c.escapes[0].witness.clone();
    assert!(evaluate(&[b], &w).is_allowed() && !evaluate(&[a], &w).is_allowed());
    w
}

#[test]
fn resources_are_languages() {
    let star = pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
    let q = pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a?c"}"#);
    proven(&star, &q);
    let w = escapes(&q, &star);
    assert!(w.resource.starts_with("arn:aws:s3:::b/"));
    // A wildcard in the region field stops at `:`; in the resource part it does not.
    let any_region =
        pol(r#"{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:111122223333:q"}"#);
    let one_region = pol(
        r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}"#,
    );
    proven(&any_region, &one_region);
    escapes(&one_region, &any_region);
    // `*` covers everything, NotResource the complement.
    let all = pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let not =
        pol(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#);
    proven(&all, &not);
    let w = escapes(&not, &all);
    assert!(w.resource.starts_with("arn:aws:s3:::secret/"), "{w:?}");
}

#[test]
fn explicit_deny_wins_and_not_action() {
    let old = pol(r#"{"Effect":"Allow","Action":"*","Resource":"*"},
           {"Effect":"Deny","Action":"iam:*","Resource":"*"}"#);
    let new = pol(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    proven(&old, &new);
    proven(&new, &old);
    let newer = pol(r#"{"Effect":"Allow","NotAction":"iam:Create*","Resource":"*"}"#);
    let w = escapes(&old, &newer);
    assert!(w.action.to_ascii_lowercase().starts_with("iam:"));
    assert!(!w.action.to_ascii_lowercase().starts_with("iam:create"));
    // A deny in B narrows it: B allows s3:* minus PutObject; A allows s3:Get* and s3:List*.
    let b = pol(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
           {"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}"#);
    let a = pol(r#"{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}"#);
    proven(&a, &b);
}

#[test]
fn future_actions_are_new_access() {
    let listed =
        pol(r#"{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl"],"Resource":"*"}"#);
    let wild = pol(r#"{"Effect":"Allow","Action":"s3:GetObject*","Resource":"*"}"#);
    let c = contained(&[&listed], &[&wild]);
    assert_eq!(c.escapes.len(), 1);
    // `s3:GetObjectTagging` and others exist in the catalog: a known action is shown.
    assert!(!c.escapes[0].future_action);
    let exact = pol(r#"{"Effect":"Allow","Action":"s3:GetObjectZzz*","Resource":"*"}"#);
    let c = contained(&[&listed], &[&exact]);
    assert!(c.escapes[0].future_action, "{c:?}");
}

#[test]
fn conditions_string_ip_numeric_date_null() {
    let base = |cond: &str| {
        pol(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}"#
        ))
    };
    let none = pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let ip8 = base(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
    let ip16 = base(r#"{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}"#);
    proven(&ip8, &ip16);
    proven(&none, &ip8);
    let w = escapes(&ip16, &ip8);
    assert!(w.context["aws:sourceip"][0].starts_with("10."));
    escapes(&ip8, &none);
    let not_ip = base(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
    // NotIpAddress holds when the key is absent; IpAddress does not.
    let w = escapes(&ip8, &not_ip);
    assert!(
        !w.context.contains_key("aws:sourceip") || !w.context["aws:sourceip"][0].starts_with("10.")
    );

    let lt10 = base(r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#);
    let le10 = base(r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#);
    proven(&le10, &lt10);
    let w = escapes(&lt10, &le10);
    assert_eq!(w.context["s3:max-keys"], vec!["10".to_owned()]);

    let before = base(r#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#);
    let before_early = base(r#"{"DateLessThan":{"aws:CurrentTime":"2029-06-01T00:00:00Z"}}"#);
    proven(&before, &before_early);
    escapes(&before_early, &before);

    let like = base(r#"{"StringLike":{"s3:prefix":"home/*"}}"#);
    let eq = base(r#"{"StringEquals":{"s3:prefix":["home/a","home/b"]}}"#);
    proven(&like, &eq);
    escapes(&eq, &like);
    let if_exists = base(r#"{"StringEqualsIfExists":{"s3:prefix":"home/a"}}"#);
    let w = escapes(&eq, &if_exists);
    assert!(!w.context.contains_key("s3:prefix"), "{w:?}");
    let null = base(r#"{"Null":{"s3:prefix":"true"}}"#);
    proven(&if_exists, &null);
    let ic = base(r#"{"StringEqualsIgnoreCase":{"s3:prefix":"HOME/A"}}"#);
    let w = escapes(&eq, &ic);
    assert_ne!(w.context["s3:prefix"][0], "home/a");
    let b = base(r#"{"Bool":{"aws:SecureTransport":"true"}}"#);
    let b2 = base(r#"{"Bool":{"aws:SecureTransport":true}}"#);
    proven(&b, &b2);
    proven(&b2, &b);
}

#[test]
fn set_qualifiers_need_several_values() {
    let base = |cond: &str| {
        pol(&format!(
            r#"{{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{cond}}}"#
        ))
    };
    let all = base(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#);
    let any = base(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#);
    // ForAnyValue allows ["a","z"], which ForAllValues denies.
    let w = escapes(&all, &any);
    assert!(
        w.context["aws:tagkeys"].len() >= 2
            || !w.context["aws:tagkeys"]
                .iter()
                .all(|v| v == "a" || v == "b")
    );
    // ForAllValues allows an absent key, which ForAnyValue denies.
    let w = escapes(&any, &all);
    assert!(w.context.get("aws:tagkeys").is_none_or(|v| v.is_empty()));
    let all_a = base(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#);
    proven(&all, &all_a);
    escapes(&all_a, &all);
}

#[test]
fn trust_principals() {
    let acct = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"#);
    let role = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"sts:AssumeRole"}]}"#);
    let root = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#);
    proven(&acct, &role);
    proven(&acct, &root);
    proven(&root, &acct);
    let w = escapes(&role, &acct);
    assert!(w.principal.is_some());
    let svc = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#);
    let ec2 = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#);
    proven(&svc, &ec2);
    let w = escapes(&ec2, &svc);
    assert_eq!(
        w.principal,
        Some(crate::eval::RequestPrincipal::Service(
            "lambda.amazonaws.com".into()
        ))
    );
    let not = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "NotPrincipal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#);
    escapes(&svc, &not);
}

#[test]
fn policy_variables() {
    let own = pol(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    let all =
        pol(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/*"}"#);
    // A variable in the narrower policy: the generic reading finds the escape.
    let w = escapes(&own, &all);
    assert!(w.resource.starts_with("arn:aws:s3:::b/home/"));
    // Unchanged statements with variables are proven through their identical languages.
    proven(&own, &own);
    // Containment into a variable-free superset is proven (the variable is only in B).
    let c = contained(&[&all], &[&own]);
    assert!(c.escapes.is_empty());
    // A deny with a variable can only be decided for the generic value: undecided, not proven.
    let deny_own = pol(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
           {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    let alice = pol(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/alice/x"}"#,
    );
    let c = contained(&[&deny_own], &[&alice]);
    assert!(!c.holds(), "{c:?}");
}
