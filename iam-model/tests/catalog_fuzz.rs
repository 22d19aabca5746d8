//! The catalog checks on policies built from the pieces they look at — real and misspelled
//! actions and patterns, ARNs with every kind of field (empty, wildcards, variables, colons,
//! Latin-1), global, service and identity-provider condition keys, every operator form — for
//! every policy kind: no input makes them panic, and every finding can be shown in the source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use iam_model::{validate_json, Attachment, PolicyKind, ValidationContext};
use proptest::prelude::*;
use serde_json::{json, Value};

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(items).prop_map(str::to_owned)
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "*",
            "*:*",
            "s3:GetObject",
            "S3:getobject",
            "s3:Get*",
            "s3:*Object",
            "s3:?etObject",
            "s3:GetObjcet",
            "s4:GetObject",
            "s*:GetObject",
            "*:PassRole",
            "iam:PassRole",
            "iam:*",
            "iam:Pass*",
            "ec2:Describe*",
            "dynamodb:ListTables",
            "s3:ListAllMyBuckets",
            "sts:AssumeRole",
            "kms:ReEncrypt*",
            "x:",
            ":y",
            "s3",
        ]),
        ("[a-z0-9*?-]{0,8}", "[A-Za-z0-9*?]{0,12}").prop_map(|(p, n)| format!("{p}:{n}")),
        "[ -~\\u{a0}-\\u{ff}]{0,16}",
    ]
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "",
            "*",
            "?",
            "aws",
            "s3",
            "iam",
            "ec2",
            "dynamodb",
            "us-east-1",
            "123456789012",
            "aws-cn",
            "${aws:username}",
            "é",
            "S3"
        ]),
        "[a-z0-9*?:${}/-]{0,10}",
    ]
}

fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "*",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:us-east-1::b/*",
            "arn:aws:s3::123456789012:b",
            "arn:aws:iam::*:role/*",
            "arn:aws:ec2::123456789012:instance/*",
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::a${*}b",
            "arn:aws:s3:::caf\u{e9}",
            "arn:aws:s3",
        ]),
        (
            field(),
            field(),
            field(),
            field(),
            "[ -~\\u{a0}-\\u{ff}]{0,40}"
        )
            .prop_map(|(p, s, r, a, res)| format!("arn:{p}:{s}:{r}:{a}:{res}")),
        "[ -~]{0,30}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "aws:SourceIp",
            "AWS:sourceip",
            "aws:SourceIpp",
            "aws:ResourceTag/team",
            "aws:ResourceTag",
            "aws:ResourceTag/",
            "aws:TagKeys",
            "aws:PrincipalOrgID",
            "aws:SourceArn",
            "s3:prefix",
            "s3:prefx",
            "s3:ExistingObjectTag/k",
            "ec2:ResourceTag/x",
            "iam:PassedToService",
            "kms:EncryptionContext:aws:s3:arn",
            "sts:ExternalId",
            "token.actions.githubusercontent.com:sub",
            "token.actions.githubusercontent.com:subject",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
            "accounts.google.com:aud",
            "saml:aud",
            "nope:key",
            "noprefix",
            ":x",
            "x:",
            "${aws:username}:x",
        ]),
        "[a-z.:/${}*-]{0,24}",
    ]
}

fn operator() -> impl Strategy<Value = String> {
    (
        pick(&["", "ForAllValues:", "ForAnyValue:"]),
        pick(&[
            "StringEquals",
            "StringLike",
            "StringNotEquals",
            "NumericLessThan",
            "DateGreaterThan",
            "Bool",
            "BinaryEquals",
            "IpAddress",
            "ArnLike",
            "ArnEquals",
            "Null",
            "StringEqual",
        ]),
        pick(&["", "IfExists"]),
    )
        .prop_map(|(q, b, s)| format!("{q}{b}{s}"))
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[ -~]{0,12}".prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        prop::collection::vec("[ -~]{0,8}".prop_map(Value::from), 0..3).prop_map(Value::from),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(action(), 0..4),
        prop::option::of((any::<bool>(), prop::collection::vec(resource(), 0..3))),
        prop::option::of(pick(&[
            r#"{"AWS":"*"}"#,
            r#"{"AWS":"arn:aws:iam::210987654321:root"}"#,
            r#"{"Service":"ec2.amazonaws.com"}"#,
            r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}"#,
            r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}"#,
            r#"{"Federated":"accounts.google.com"}"#,
            r#""*""#,
        ])),
        prop::collection::vec((operator(), key(), value()), 0..4),
    )
        .prop_map(|(allow, not_action, actions, resources, principal, tests)| {
            let mut st = serde_json::Map::new();
            st.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
            st.insert(if not_action { "NotAction" } else { "Action" }.into(), json!(actions));
            if let Some((not, list)) = resources {
                st.insert(if not { "NotResource" } else { "Resource" }.into(), json!(list));
            }
            if let Some(p) = principal {
                st.insert("Principal".into(), serde_json::from_str(&p).unwrap());
            }
            let mut condition = serde_json::Map::new();
            for (op, key, value) in tests {
                let block = condition.entry(op).or_insert_with(|| json!({}));
                block[key] = value;
            }
            if !condition.is_empty() {
                st.insert("Condition".into(), Value::Object(condition));
            }
            Value::Object(st)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn catalog_checks_never_panic(statements in prop::collection::vec(statement(), 1..4)) {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        for kind in [PolicyKind::Identity(Attachment::Managed), PolicyKind::Trust, PolicyKind::Resource] {
            let report = validate_json(text.as_bytes(), &ValidationContext::new(kind).with_account_id("123456789012"));
            for f in &report.findings {
                let span = f.span.unwrap_or_else(|| panic!("{f} has no span in {text}"));
                prop_assert!(span.end <= text.len() && span.start <= span.end, "{f}: {span:?}");
            }
        }
    }
}

/// Wide patterns that fit nothing, repeated: every action of every expansion is judged, and
/// that must stay cheap (a per-type memo searched linearly once made this take minutes).
#[test]
fn wide_patterns_that_fit_nothing_stay_fast() {
    let patterns: Vec<String> = "GLDPCSUTRA"
        .chars()
        .flat_map(|a| "aeiou".chars().map(move |b| format!("*:{a}{b}*")))
        .collect();
    let statement = |resource: &str, condition: Value| json!({"Effect": "Allow", "Action": patterns, "Resource": resource, "Condition": condition});
    let statements: Vec<Value> = (0..20)
        .flat_map(|_| {
            [
                statement("arn:aws:s3:::nothing:fits", json!({})),
                statement("arn:aws:s*:::nothing:fits", json!({})),
                statement(
                    "*",
                    json!({"StringEquals": {"s3:prefix": "x", "kms:ViaService": "y"}}),
                ),
            ]
        })
        .collect();
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let started = std::time::Instant::now();
    let report = validate_json(text.as_bytes(), &ValidationContext::default());
    let took = started.elapsed();
    assert!(report
        .codes()
        .contains(&iam_model::Code::RESOURCE_TYPE_MISMATCH));
    // Generous for a debug build on a loaded machine; the release build takes milliseconds.
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
}
