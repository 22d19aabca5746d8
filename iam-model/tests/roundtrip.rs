//! Round trips: model → canonical JSON → model gives an equivalent policy, for generated
//! policies; the canonical form is a fixed point; no input makes parsing or validation panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use iam_model::condition::{BaseOperator, ConditionOperator};
use iam_model::{
    equivalent, parse_policy, validate_json, Condition, ConditionValue, JsonStyle, PolicyDocument,
    Principal, PrincipalKind, Statement, ValidationContext, Version,
};
use proptest::prelude::*;

fn word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{1,12}"
}

fn text() -> impl Strategy<Value = String> {
    // The policy character set, including quotes, backslashes, Latin-1 and policy variables.
    prop_oneof![
        "[ -~]{0,24}",
        "[\\u{a0}-\\u{ff}]{1,6}",
        Just("home/${aws:username}/*".to_string()),
        Just("quote\" back\\slash\ttab".to_string()),
    ]
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        ("[a-z0-9-]{2,10}", "[A-Za-z*?]{1,16}").prop_map(|(s, n)| format!("{s}:{n}")),
    ]
}

fn operator() -> impl Strategy<Value = ConditionOperator> {
    (0..BaseOperator::ALL.len(), 0..3u8, any::<bool>()).prop_map(|(i, q, if_exists)| {
        let base = BaseOperator::ALL[i];
        let mut op = ConditionOperator::new(base);
        op.if_exists = if_exists && base != BaseOperator::Null;
        op.qualifier = match q {
            1 => Some(iam_model::condition::SetQualifier::ForAllValues),
            2 => Some(iam_model::condition::SetQualifier::ForAnyValue),
            _ => None,
        };
        op
    })
}

fn value() -> impl Strategy<Value = ConditionValue> {
    prop_oneof![
        text().prop_map(ConditionValue::from),
        any::<bool>().prop_map(ConditionValue::Bool),
        (0u32..100000).prop_map(|n| ConditionValue::Number(n.to_string())),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    prop::collection::vec(
        (
            operator(),
            word(),
            word(),
            prop::collection::vec(value(), 1..4),
        ),
        0..4,
    )
    .prop_map(|tests| {
        let mut c = Condition::new();
        for (op, prefix, key, values) in tests {
            c.push(op, format!("{prefix}:{key}"), values);
        }
        c
    })
}

fn principal() -> impl Strategy<Value = Principal> {
    prop_oneof![
        Just(Principal::Any),
        prop::collection::btree_map(
            prop_oneof![
                Just(PrincipalKind::Aws),
                Just(PrincipalKind::Service),
                Just(PrincipalKind::Federated),
                Just(PrincipalKind::CanonicalUser)
            ],
            prop::collection::vec(text().prop_map(iam_model::Text::from), 1..3),
            1..3
        )
        .prop_map(Principal::Map),
    ]
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::option::of(word()),
        any::<bool>(),
        prop::option::of((any::<bool>(), principal())),
        (any::<bool>(), prop::collection::vec(action(), 1..4)),
        prop::option::of((any::<bool>(), prop::collection::vec(text(), 1..4))),
        condition(),
    )
        .prop_map(
            |(sid, allow, principal, (not_action, actions), resources, condition)| {
                let mut s = if allow {
                    Statement::allow()
                } else {
                    Statement::deny()
                };
                if let Some(sid) = sid {
                    s = s.sid(sid);
                }
                s = if not_action {
                    s.not_actions(actions)
                } else {
                    s.actions(actions)
                };
                if let Some((not, p)) = principal {
                    s = if not {
                        s.not_principal(p)
                    } else {
                        s.principal(p)
                    };
                }
                if let Some((not, r)) = resources {
                    s = if not {
                        s.not_resources(r)
                    } else {
                        s.resources(r)
                    };
                }
                s.condition(condition)
            },
        )
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    (
        prop_oneof![
            Just(None),
            Just(Some(Version::V2012_10_17)),
            Just(Some(Version::V2008_10_17))
        ],
        prop::option::of(word()),
        prop::collection::vec(statement(), 1..5),
    )
        .prop_map(|(version, id, statements)| PolicyDocument {
            version,
            id,
            statements,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn canonical_json_round_trips(doc in policy()) {
        for style in [JsonStyle::Compact, JsonStyle::Pretty] {
            let json = doc.render(&iam_model::text::LiteralOnly, style).unwrap();
            let out = parse_policy(json.as_bytes());
            let back = out.document.expect("parses");
            prop_assert!(equivalent(&doc, &back), "not equivalent after {json}");
            // The canonical form is a fixed point.
            prop_assert_eq!(back.render(&iam_model::text::LiteralOnly, style).unwrap(), json);
        }
    }

    #[test]
    fn size_is_the_compact_length(doc in policy()) {
        let compact = doc.to_json_compact().unwrap();
        prop_assert_eq!(doc.size(), compact.chars().count());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = validate_json(&bytes, &ValidationContext::default());
    }

    #[test]
    fn mutated_policies_never_panic(doc in policy(), cut in 0usize..400, insert in "[\\[\\]{}\",:*\\\\]{0,3}") {
        let json = doc.to_json_compact().unwrap();
        let at = json.char_indices().map(|(i, _)| i).nth(cut % json.chars().count().max(1)).unwrap_or(0);
        let mutated = format!("{}{}{}", &json[..at], insert, &json[at..]);
        let report = validate_json(mutated.as_bytes(), &ValidationContext::new(iam_model::PolicyKind::Trust));
        for f in &report.findings {
            prop_assert!(f.span.is_some(), "finding without a span: {f}");
        }
    }
}

#[test]
fn deep_nesting_is_rejected_without_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let report = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || validate_json(deep.as_bytes(), &ValidationContext::default()).codes())
        .unwrap()
        .join()
        .unwrap();
    assert!(
        report.contains(&iam_model::Code::INPUT_TOO_LARGE)
            || report.contains(&iam_model::Code::NESTING_TOO_DEEP)
    );
    let deep = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    let codes = validate_json(deep.as_bytes(), &ValidationContext::default()).codes();
    assert_eq!(codes, [iam_model::Code::NESTING_TOO_DEEP]);
}

#[test]
fn five_mib_is_rejected_quickly() {
    let big = vec![b' '; 5 * 1024 * 1024];
    let started = std::time::Instant::now();
    let codes = validate_json(&big, &ValidationContext::default()).codes();
    assert_eq!(codes, [iam_model::Code::INPUT_TOO_LARGE]);
    // Generous bound: the check is a length comparison, not a parse.
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn invalid_utf8_is_an_encoding_finding() {
    let codes = validate_json(
        b"{\"Version\":\"2012-10-17\xff\"}",
        &ValidationContext::default(),
    )
    .codes();
    assert_eq!(codes, [iam_model::Code::INVALID_ENCODING]);
}

#[test]
fn every_grammar_form_parses() {
    let forms = [
        // A single statement object, strings instead of lists, Principal "*".
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        // Lists everywhere, {"AWS": "*"}, every principal kind.
        r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Deny","NotPrincipal":{"AWS":["*"],"Service":["ec2.amazonaws.com"],"Federated":"accounts.google.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"NotAction":["iam:*"],"NotResource":["*"]}]}"#,
        // Numbers and booleans in condition values, qualifiers, IfExists, Null.
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanEquals":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true},"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"Null":{"aws:TokenIssueTime":"false"}}}]}"#,
    ];
    for f in forms {
        let doc = PolicyDocument::from_json(f).unwrap_or_else(|e| panic!("{f}: {e:?}"));
        let back = PolicyDocument::from_json(&doc.to_json_compact().unwrap()).unwrap();
        assert!(equivalent(&doc, &back));
    }
}
