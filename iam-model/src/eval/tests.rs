use super::*;

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json(s).unwrap()
}

#[test]
fn explicit_deny_wins_and_default_is_deny() {
    let p = doc(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}"#);
    let d = |a: &str, r: &str| evaluate(&[&p], &Request::new(a, r)).decision;
    assert_eq!(d("s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow);
    assert_eq!(
        d("S3:deleteobject", "arn:aws:s3:::b/k"),
        Decision::ExplicitDeny
    );
    assert_eq!(d("ec2:RunInstances", "*"), Decision::ImplicitDeny);
}

#[test]
fn variables_and_like() {
    let p = doc(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b",
         "Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#);
    let alice = |r: Request| r.with("aws:username", ["alice"]);
    assert!(evaluate(
        &[&p],
        &alice(Request::new("s3:GetObject", "arn:aws:s3:::b/home/alice/x"))
    )
    .is_allowed());
    assert!(!evaluate(
        &[&p],
        &alice(Request::new("s3:GetObject", "arn:aws:s3:::b/home/bob/x"))
    )
    .is_allowed());
    assert!(evaluate(
        &[&p],
        &alice(
            Request::new("s3:ListBucket", "arn:aws:s3:::b").with("s3:prefix", ["home/alice/docs"])
        )
    )
    .is_allowed());
    assert!(!evaluate(
        &[&p],
        &alice(Request::new("s3:ListBucket", "arn:aws:s3:::b"))
    )
    .is_allowed());
}

#[test]
fn condition_operators() {
    let yes = |op: &str, key: &str, policy: &str, request: &[&str]| {
        let p = doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{op}":{{"{key}":{policy}}}}}}}]}}"#
        ));
        let mut r = Request::new("s3:GetObject", "*");
        if !request.is_empty() {
            r = r.with(key, request.iter().copied());
        }
        evaluate(&[&p], &r).is_allowed()
    };
    assert!(yes(
        "IpAddress",
        "aws:SourceIp",
        r#""203.0.113.0/24""#,
        &["203.0.113.7"]
    ));
    assert!(!yes(
        "IpAddress",
        "aws:SourceIp",
        r#""203.0.113.0/24""#,
        &["198.51.100.1"]
    ));
    assert!(yes(
        "NotIpAddress",
        "aws:SourceIp",
        r#""203.0.113.0/24""#,
        &["198.51.100.1"]
    ));
    assert!(yes(
        "NumericLessThan",
        "aws:MultiFactorAuthAge",
        "3600",
        &["60"]
    ));
    assert!(!yes(
        "NumericLessThan",
        "aws:MultiFactorAuthAge",
        "3600",
        &[]
    ));
    assert!(yes(
        "NumericLessThanIfExists",
        "aws:MultiFactorAuthAge",
        "3600",
        &[]
    ));
    assert!(yes(
        "DateLessThan",
        "aws:CurrentTime",
        r#""2030-01-01T00:00:00Z""#,
        &["2026-11-30T12:00:00Z"]
    ));
    assert!(!yes(
        "DateGreaterThan",
        "aws:CurrentTime",
        r#""2030-01-01""#,
        &["2026-11-30T12:00:00+02:00"]
    ));
    assert!(yes("Bool", "aws:SecureTransport", "true", &["true"]));
    assert!(yes("Null", "aws:TokenIssueTime", r#""true""#, &[]));
    assert!(!yes("Null", "aws:TokenIssueTime", r#""true""#, &["x"]));
    assert!(yes(
        "StringNotEquals",
        "aws:RequestedRegion",
        r#"["eu-west-1"]"#,
        &[]
    ));
    assert!(yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        r#"["a","b"]"#,
        &["a"]
    ));
    assert!(!yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        r#"["a","b"]"#,
        &["a", "c"]
    ));
    assert!(yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        r#"["a"]"#,
        &[]
    ));
    assert!(yes(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        r#"["a"]"#,
        &["c", "a"]
    ));
    assert!(!yes(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        r#"["a"]"#,
        &[]
    ));
    assert!(yes(
        "ArnLike",
        "aws:PrincipalArn",
        r#""arn:aws:iam::*:role/ci-*""#,
        &["arn:aws:iam::123456789012:role/ci-deploy"]
    ));
    assert!(yes(
        "StringEqualsIgnoreCase",
        "aws:username",
        r#""Alice""#,
        &["alice"]
    ));
}

#[test]
fn trust_principals() {
    let t = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"123456789012","Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole",
        "Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}]}"#);
    let assume = |p: RequestPrincipal, ext: Option<&str>| {
        let mut r = Request::new("sts:AssumeRole", "*").principal(p);
        if let Some(e) = ext {
            r = r.with("sts:ExternalId", [e]);
        }
        evaluate(&[&t], &r).is_allowed()
    };
    assert!(assume(
        RequestPrincipal::Aws("arn:aws:iam::123456789012:role/any".into()),
        Some("x1")
    ));
    assert!(!assume(
        RequestPrincipal::Aws("arn:aws:iam::123456789012:role/any".into()),
        None
    ));
    assert!(!assume(
        RequestPrincipal::Aws("arn:aws:iam::999999999999:role/any".into()),
        Some("x1")
    ));
    assert!(assume(
        RequestPrincipal::Service("ec2.amazonaws.com".into()),
        Some("x1")
    ));
}

#[test]
fn literal_wildcard_variables() {
    let p = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}]}"#,
    );
    assert!(evaluate(&[&p], &Request::new("s3:GetObject", "arn:aws:s3:::b/*")).is_allowed());
    assert!(!evaluate(&[&p], &Request::new("s3:GetObject", "arn:aws:s3:::b/k")).is_allowed());
}
