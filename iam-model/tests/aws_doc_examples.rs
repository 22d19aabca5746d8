//! Policies in the shape of the IAM User Guide's examples (trust policies and identity
//! policies), each with the page it follows and the outcome the validator must give: nothing
//! for a correct policy, the documented warning or security finding where rolewright is
//! stricter on purpose, and an error where the example keeps a placeholder such as
//! `ACCOUNT-ID` that IAM would reject. Written for these tests after the pages
//! (docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html), not copied from them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_model::{validate_json, Code, PolicyKind, ValidationContext};

struct Example {
    /// The IAM User Guide page the policy follows.
    page: &'static str,
    kind: PolicyKind,
    /// The account the policy lives in, when the example says.
    account: Option<&'static str>,
    policy: &'static str,
    /// Every code expected, in document order.
    expected: &'static [Code],
}

const TRUST: PolicyKind = PolicyKind::Trust;
const ID: PolicyKind = PolicyKind::Identity(iam_model::Attachment::Managed);

const EXAMPLES: &[Example] = &[
    Example {
        page: "id_roles_create_for-service (a service role for Amazon EC2)",
        kind: TRUST,
        account: Some("111122223333"),
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        expected: &[],
    },
    Example {
        page: "id_roles_create_for-user_externalid (a third party with an external id)",
        kind: TRUST,
        account: Some("111122223333"),
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"Unique-ExternalID-123"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "id_roles_create_for-user (another account, without an external id)",
        kind: TRUST,
        account: Some("111122223333"),
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}"#,
        expected: &[Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID],
    },
    Example {
        page: "id_roles_create_for-idp_saml (SAML 2.0 federation)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "id_roles_create_for-idp_saml (the page's placeholders left in)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::ACCOUNT-ID:saml-provider/PROVIDER-NAME"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#,
        expected: &[Code::INVALID_PRINCIPAL],
    },
    Example {
        page: "id_credentials_temp_control-access_monitor (SAML with a source identity, two statements)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Sid":"SAMLTrust","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}},{"Sid":"SetSourceIdentitySAML","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"},"Action":"sts:SetSourceIdentity","Condition":{"StringLike":{"sts:SourceIdentity":"*@example.com"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "id_roles_create_for-idp_oidc (GitHub Actions, the page's `repo:ORG/REPO:*` pattern)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:*"}}}]}"#,
        // Any branch of the repository may assume the role: rolewright warns on purpose.
        expected: &[Code::GITHUB_OIDC_WILDCARD_SUB],
    },
    Example {
        page: "id_roles_create_for-idp_oidc (GitHub Actions without a `sub` condition)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}"#,
        expected: &[Code::GITHUB_OIDC_NO_SUB],
    },
    Example {
        page: "id_roles_providers_oidc_cognito (an Amazon Cognito identity pool)",
        kind: TRUST,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-2:12345678-abcd-abcd-abcd-123456790ab"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_s3_home-directory-console (a home folder per user)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowListingOfUserFolder","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*","home/${aws:username}"]}}},{"Sid":"AllowAllS3ActionsInUserFolder","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_ec2_tag-owner (start and stop instances a user owns)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/Owner":"${aws:username}"}}},{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_aws_deny-requested-region (deny outside two Regions)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOutsideRequestedRegions","Effect":"Deny","NotAction":["cloudfront:*","iam:*","route53:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]}}}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_aws_mfa-dates (deny without MFA)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_aws-dates (access within a date range)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Books","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "id_roles_use_passrole (pass a role to Amazon EC2 only)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/EC2-roles-for-XYZ-*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}"#,
        expected: &[],
    },
    Example {
        page: "reference_policies_examples_iam_credentials_console (a user manages their own keys; the page's `account-id` placeholder left in)",
        kind: ID,
        account: None,
        policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::account-id:user/${aws:username}"}]}"#,
        expected: &[Code::INVALID_ARN_ACCOUNT],
    },
];

#[test]
fn iam_user_guide_examples_give_their_documented_outcome() {
    let mut wrong = Vec::new();
    for e in EXAMPLES {
        let mut ctx = ValidationContext::new(e.kind);
        if let Some(account) = e.account {
            ctx = ctx.with_account_id(account);
        }
        let report = validate_json(e.policy.as_bytes(), &ctx);
        let codes = report.codes();
        if codes != e.expected {
            wrong.push(format!(
                "{}: expected {:?}, got {:#?}",
                e.page, e.expected, report.findings
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
