//! The policy macros expand to the same values the builders make.

use iam_macros::{action, actions, arn, policy};
use iam_model::{ArnTemplate, Condition, LateBound, PolicyDocument, Principal, Statement, Text};

fn main() {
    assert_eq!(action!("s3:GetObject"), iam_model::Action::new("s3:GetObject"));
    let read: [iam_model::Action; 2] = actions!("s3:GetObject", "s3:List*");
    assert_eq!(read[1].as_str(), "s3:List*");

    let bucket: iam_model::Arn = arn!("arn:aws:s3:::my-bucket/*");
    assert_eq!(bucket.resource(), "my-bucket/*");
    let roles: Text = arn!("arn:{partition}:iam::{account}:role/sym/*");
    assert_eq!(roles, ArnTemplate::iam("role/sym/*").to_text());
    let home: Text = arn!("arn:{partition}:s3:::home/${aws:username}/*");
    assert_eq!(home.to_string(), "arn:{{partition}}:s3:::home/${aws:username}/*");

    let bucket_name = String::from("reports");
    let extra = vec!["s3:PutObject".to_string()];
    let doc = policy! {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Read",
            "Effect": "Allow",
            "Action": ["s3:GetObject", ..extra],
            "Resource": [format!("arn:aws:s3:::{bucket_name}/*"), "arn:{partition}:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": true}}
        }]
    };
    let expected = PolicyDocument::new([Statement::allow()
        .sid("Read")
        .actions(["s3:GetObject", "s3:PutObject"])
        .resource("arn:aws:s3:::reports/*")
        .resource(ArnTemplate::s3("logs/*"))
        .condition(Condition::bool("aws:SecureTransport", true))]);
    assert_eq!(doc, expected);

    let issuer = "token.actions.githubusercontent.com";
    let trust = policy!(trust {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Federated": (LateBound::oidc_provider_arn("github"))},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {(format!("{issuer}:sub")): ["repo:acme/*"]}}
        }
    });
    let expected = PolicyDocument::new([Statement::allow()
        .principal(Principal::federated([LateBound::oidc_provider_arn("github")]))
        .action("sts:AssumeRoleWithWebIdentity")
        .condition(Condition::string_like(format!("{issuer}:sub"), ["repo:acme/*"]))]);
    assert_eq!(trust, expected);
}
