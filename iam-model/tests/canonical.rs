//! Snapshots of the canonical JSON of hand-written policies: the exact text rolewright writes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use iam_model::condition::BaseOperator;
use iam_model::{
    ArnTemplate, Condition, LateBound, PolicyDocument, Principal, PrincipalKind, Statement, Text,
};

#[test]
fn identity_policy_built_fluently() {
    let doc = PolicyDocument::new([
        Statement::allow()
            .sid("ListBucket")
            .action("s3:ListBucket")
            .resource("arn:aws:s3:::reports")
            .condition(Condition::string_like(
                "s3:prefix",
                ["home/${aws:username}/*"],
            )),
        Statement::allow()
            .sid("ReadWriteOwnObjects")
            .actions(["s3:GetObject", "s3:PutObject"])
            .resource("arn:aws:s3:::reports/home/${aws:username}/*")
            .condition(Condition::bool("aws:SecureTransport", true).and(
                BaseOperator::NumericLessThan,
                "aws:MultiFactorAuthAge",
                [3600u64],
            )),
        Statement::deny()
            .not_actions(["iam:*", "sts:*"])
            .resource("*")
            .condition(Condition::test(
                iam_model::ConditionOperator::new(BaseOperator::StringNotEquals).if_exists(),
                "aws:RequestedRegion",
                ["eu-west-1", "eu-central-1"],
            )),
    ]);
    insta::assert_snapshot!(doc.to_json_pretty().unwrap());
    insta::assert_snapshot!("identity_policy_compact", doc.to_json_compact().unwrap());
}

#[test]
fn trust_policy_from_json_in_another_form() {
    let doc: PolicyDocument = r#"{
      "Statement": {
        "Condition": {"StringEquals": {"sts:ExternalId": ["0f1e2d3c"]}},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Principal": {"Service": "ec2.amazonaws.com", "AWS": ["123456789012", "arn:aws:iam::210987654321:role/ci"]},
        "Effect": "Allow"
      },
      "Version": "2012-10-17"
    }"#
    .parse()
    .unwrap();
    insta::assert_snapshot!(doc.to_json_pretty().unwrap());
}

#[test]
fn late_bound_values_with_placeholders() {
    let doc = PolicyDocument::new([Statement::allow()
        .principal(Principal::aws([LateBound::account("security")]).and(
            PrincipalKind::Federated,
            [Text::from(LateBound::oidc_provider_arn("eks"))],
        ))
        .action("sts:AssumeRole")
        .condition(Condition::string_equals(
            "sts:ExternalId",
            [LateBound::Generated("external_id".into())],
        ))]);
    let json = doc
        .render(
            &iam_model::text::PlaceholderResolver,
            iam_model::JsonStyle::Pretty,
        )
        .unwrap();
    insta::assert_snapshot!(json);
    assert!(
        doc.to_json_compact().is_err(),
        "late-bound values need a resolver"
    );
    let roles = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRole")
        .resource(ArnTemplate::iam("role/sym/*"))]);
    assert_eq!(
        roles.texts().next().unwrap().to_string(),
        "arn:{{partition}}:iam::{{account_id}}:role/sym/*"
    );
}
