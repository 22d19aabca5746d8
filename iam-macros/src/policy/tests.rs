//! `policy!` from tokens to tokens: what is accepted, what is reported, what is generated.

use proc_macro2::TokenStream;
use quote::quote;

use super::expand_policy;

fn errors(input: TokenStream) -> Vec<String> {
    match expand_policy(input) {
        Ok(t) => panic!("expected errors, got {t}"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn expands(input: TokenStream) -> String {
    match expand_policy(input) {
        Ok(t) => t.to_string(),
        Err(e) => panic!(
            "{}",
            e.into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn a_literal_policy_expands_to_its_model() {
    let out = expands(quote! {
        "Version": "2012-10-17",
        "Statement": {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
            "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:PrincipalTag/team": ["a*", "b"]}, "NumericLessThan": {"s3:max-keys": 10}}
        }
    });
    for part in [
        "Statement :: with_effect (:: iam_model :: Effect :: Allow)",
        "__s . sid = :: core :: option :: Option :: Some (:: std :: string :: String :: from (\"Read\"))",
        "ActionClause :: Action (:: std :: vec ! [:: iam_model :: Action :: new (\"s3:GetObject\")])",
        "ResourceClause :: Resource (:: std :: vec ! [:: iam_model :: Text :: literal (\"arn:aws:s3:::b/*\")])",
        "qualifier : :: core :: option :: Option :: Some (:: iam_model :: condition :: SetQualifier :: ForAnyValue) , base : :: iam_model :: BaseOperator :: StringLike , if_exists : true",
        "ConditionValue :: Number (:: std :: string :: String :: from (\"10\"))",
    ] {
        assert!(out.contains(part), "missing `{part}` in\n{out}");
    }
}

#[test]
fn expressions_placeholders_and_spreads() {
    let out = expands(quote! {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": [..extra_actions, "sts:AssumeRole"],
            "Resource": [bucket_arn, "arn:{partition}:iam::{account:security}:role/${aws:username}"],
            "Condition": {"StringEquals": {(format!("{}:sub", issuer)): [subject]}}
        }]
    });
    for part in [
        "let mut __v : :: std :: vec :: Vec < :: iam_model :: Action > = :: std :: vec :: Vec :: new () ; __v . extend (:: core :: iter :: IntoIterator :: into_iter (extra_actions) . map (:: core :: convert :: Into :: < :: iam_model :: Action > :: into)) ; __v . push (:: iam_model :: Action :: new (\"sts:AssumeRole\")) ;",
        ":: core :: convert :: Into :: < :: iam_model :: Text > :: into (bucket_arn)",
        ":: iam_model :: Text :: new () . then (\"arn:\") . then (:: iam_model :: LateBound :: Partition) . then (\":iam::\") . then (:: iam_model :: LateBound :: account (\"security\")) . then (\":role/${aws:username}\")",
        "key : :: core :: convert :: Into :: < :: std :: string :: String > :: into (format ! (\"{}:sub\" , issuer)) , values",
        ":: core :: convert :: Into :: < :: iam_model :: ConditionValue > :: into (subject)",
    ] {
        assert!(out.contains(part), "missing `{part}` in\n{out}");
    }
}

#[test]
fn a_trust_policy_is_inferred_and_checked_as_one() {
    // A principal and no resource: a trust policy, where `"Principal": "*"` is an error.
    let errs = errors(quote! {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("trust policy"), "{errs:?}");
    // Written as a trust policy, a resource is an error.
    let errs = errors(quote! {
        trust {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}]
        }
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Resource"), "{errs:?}");
    // Written as an identity policy, the principal is the error.
    let errs = errors(quote! {
        identity {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "*"}]
        }
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Principal"), "{errs:?}");
}

#[test]
fn every_error_is_reported_with_help() {
    let errs = errors(quote! {
        "Version": "2012-10-17",
        "Statement": [{
            "Efect": "Allow",
            "Action": "s3GetObject",
            "Resource": ["arn:aws:s3", "arn:{partiton}:s3:::b"],
            "Condition": {"StringEqual": {"aws:username": "x"}}
        }]
    });
    assert_eq!(
        errs,
        [
            "unknown placeholder `{partiton}`\n= help: did you mean `partition`?",
            "the statement has no `Effect`\n= help: add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
            "unknown element `Efect`\n= help: did you mean `Effect`?",
            "`s3GetObject` is not an action\n= help: actions read `service:Action`, e.g. `s3:GetObject`",
            "`arn:aws:s3` is not an ARN\n= help: write `*` or an ARN: `arn:partition:service:region:account-id:resource`",
            "unknown condition operator `StringEqual`\n= help: did you mean one of `StringEquals`, `StringNotEquals`?",
        ]
    );
}

#[test]
fn nothing_is_judged_about_a_value_known_only_at_run_time() {
    // A resource expression stands for "*" and a condition value for a value of the operator's
    // type; neither produces a finding, while the literal beside it still does.
    let errs = errors(quote! {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [bucket, "not-an-arn"],
            "Condition": {"NumericLessThan": {"s3:max-keys": [limit]}, "Bool": {"aws:SecureTransport": (secure)}}
        }]
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("`not-an-arn` is not an ARN"),
        "{errs:?}"
    );
}

#[test]
fn expressions_only_where_values_are() {
    let errs = errors(quote! {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": "s3:GetObject", "Resource": "*"}]
    });
    assert_eq!(
        errs,
        ["a Rust expression can stand only for an action, a resource, a principal or a condition value\n= help: write this value as a literal"]
    );
    let errs = errors(quote! { (key): "x" });
    assert_eq!(
        errs,
        ["only a condition key can be a Rust expression\n= help: write this key as a string, e.g. `\"Effect\"`", "the policy has no `Statement`"]
    );
}

#[test]
fn syntax_errors() {
    assert_eq!(
        errors(quote! { Effect: "Allow" }),
        ["expected a key in quotes\n= help: keys are strings, as in JSON: `\"Effect\": \"Allow\"`; a key computed at run time is written in parentheses: `(key): [...]`"]
    );
    assert_eq!(
        errors(quote! { managed { "Statement": [] } }),
        ["unknown policy kind `managed`\n= help: the kinds are `identity` (a managed policy), `inline`, `trust` and `resource`"]
    );
}

#[test]
fn kinds() {
    use super::ast::Input;
    use iam_model::{Attachment, PolicyKind};
    let kind = |t: TokenStream| super::kind(&syn::parse2::<Input>(t).unwrap());
    assert_eq!(
        kind(quote!("Statement": [{"Principal": "*", "Resource": "*"}])),
        PolicyKind::Resource
    );
    assert_eq!(
        kind(quote!({"Statement": {"Principal": "*"}})),
        PolicyKind::Trust
    );
    assert_eq!(
        kind(quote!("Statement": [])),
        PolicyKind::Identity(Attachment::Managed)
    );
    assert_eq!(
        kind(quote!(inline { "Statement": [] })),
        PolicyKind::Identity(Attachment::InlineRole)
    );
}
