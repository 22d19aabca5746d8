//! The evaluator checked against a second source: the worked examples of AWS's IAM User Guide,
//! whose expected decisions are AWS's, not ours. Each test names the page (the
//! `awsdocs/iam-user-guide` repository's `doc_source/` file, the guide's page of the same
//! name) and restates the example's policy and requests; the decision asserted is the one the
//! page gives.
//!
//! SOURCE: github.com/awsdocs/iam-user-guide, `doc_source/`, commits 149cf97 (evaluation
//! logic), 027b8db (multi-value conditions) and 0727b4d (condition operators), read
//! 2026-12-07. The repository is archived;
//! the pages live on as docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_model::eval::{evaluate, Decision, Request, RequestPrincipal};
use iam_model::PolicyDocument;

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json(s).unwrap()
}

/// reference_policies_evaluation-logic.md, "Example identity-based and resource-based policy
/// evaluation": user `carlossalazar` may list buckets and use his own bucket, and is denied
/// every bucket with `log` in its name; his bucket's policy allows him. Saving to
/// `carlossalazar-logs` is denied (explicit deny); saving to `carlossalazar` is allowed by
/// both policies.
#[test]
fn carlos_and_his_log_bucket() {
    let identity = doc(r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"AllowS3ListRead","Effect":"Allow",
           "Action":["s3:GetBucketLocation","s3:GetAccountPublicAccessBlock","s3:ListAccessPoints","s3:ListAllMyBuckets"],
           "Resource":"arn:aws:s3:::*"},
          {"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*",
           "Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]},
          {"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}"#);
    let bucket = doc(r#"{"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/carlossalazar"},
           "Action":"s3:*","Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]}]}"#);
    let carlos = RequestPrincipal::Aws("arn:aws:iam::123456789012:user/carlossalazar".into());
    let put = |key: &str| Request::new("s3:PutObject", key).principal(carlos.clone());
    assert_eq!(
        evaluate(&[&identity], &put("arn:aws:s3:::carlossalazar-logs/file")).decision,
        Decision::ExplicitDeny
    );
    let own = put("arn:aws:s3:::carlossalazar/file");
    assert_eq!(evaluate(&[&identity], &own).decision, Decision::Allow);
    assert_eq!(evaluate(&[&bucket], &own).decision, Decision::Allow);
    // "If either of them explicitly denied the statement, the request would have been denied."
    assert_eq!(
        evaluate(&[&identity, &bucket], &own).decision,
        Decision::Allow
    );
    // The bucket policy names only Carlos.
    let other = Request::new("s3:PutObject", "arn:aws:s3:::carlossalazar/file").principal(
        RequestPrincipal::Aws("arn:aws:iam::123456789012:user/someone".into()),
    );
    assert_eq!(
        evaluate(&[&bucket], &other).decision,
        Decision::ImplicitDeny
    );
}

/// reference_policies_evaluation-logic.md, "The difference between explicit and implicit
/// denies": `iam:Get*`/`iam:List*` allowed, `iam:CreatePolicy` implicitly denied,
/// `iam:*Report` (e.g. `iam:GetOrganizationsAccessReport`) explicitly denied.
#[test]
fn explicit_and_implicit_denies() {
    let p = doc(r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"AllowGetList","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},
          {"Sid":"DenyReports","Effect":"Deny","Action":"iam:*Report","Resource":"*"}]}"#);
    let d = |a: &str| evaluate(&[&p], &Request::new(a, "*")).decision;
    assert_eq!(d("iam:GetRole"), Decision::Allow);
    assert_eq!(d("iam:ListRoles"), Decision::Allow);
    assert_eq!(d("iam:CreatePolicy"), Decision::ImplicitDeny);
    assert_eq!(
        d("iam:GetOrganizationsAccessReport"),
        Decision::ExplicitDeny
    );
    // Another policy granting reports does not help: the deny wins.
    let grant = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GenerateCredentialReport","Resource":"*"}]}"#,
    );
    assert_eq!(
        evaluate(
            &[&p, &grant],
            &Request::new("iam:GenerateCredentialReport", "*")
        )
        .decision,
        Decision::ExplicitDeny
    );
}

/// reference_policies_multi-value-conditions.md: `ForAllValues:StringLike` on
/// `dynamodb:requestedAttributes` allows `PostDateTime` + `Message` but not a request that
/// also asks for `ID`, nor `PostDateTime` + `UserName`; a request with no attribute matches
/// (empty set: `ForAllValues` is true).
#[test]
fn for_all_values_requested_attributes() {
    let p = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem",
          "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
          "Condition":{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]}}}]}"#,
    );
    let get = |attrs: &[&str]| {
        let mut r = Request::new(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
        );
        if !attrs.is_empty() {
            r = r.with("dynamodb:requestedAttributes", attrs.iter().copied());
        }
        evaluate(&[&p], &r).decision
    };
    assert_eq!(get(&["PostDateTime", "Message"]), Decision::Allow);
    assert_eq!(
        get(&["PostDateTime", "Message", "ID"]),
        Decision::ImplicitDeny
    );
    assert_eq!(get(&["PostDateTime", "UserName"]), Decision::ImplicitDeny);
    assert_eq!(get(&[]), Decision::Allow);
}

/// reference_policies_multi-value-conditions.md: a `Deny` with `ForAnyValue:StringLike` on
/// `ID`/`PostDateTime` denies a `PutItem` of `UserName`, `Message` and `PostDateTime` (one
/// match), but not one of `UserName` alone (which is then only implicitly denied).
#[test]
fn for_any_value_deny() {
    let p = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:PutItem",
          "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
          "Condition":{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}}]}"#,
    );
    let put = |attrs: &[&str]| {
        evaluate(
            &[&p],
            &Request::new(
                "dynamodb:PutItem",
                "arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
            )
            .with("dynamodb:requestedAttributes", attrs.iter().copied()),
        )
        .decision
    };
    assert_eq!(
        put(&["UserName", "Message", "PostDateTime"]),
        Decision::ExplicitDeny
    );
    assert_eq!(put(&["UserName"]), Decision::ImplicitDeny);
}

/// reference_policies_elements_condition_operators.md, "...IfExists condition operators": a
/// plain `StringLike` on `ec2:InstanceType` fails for the launch's other resources (images,
/// key pairs), which lack the key; `StringLikeIfExists` passes them and still limits the
/// instance types to `t1.*`, `t2.*`, `m3.*`.
#[test]
fn if_exists_on_instance_type() {
    let plain = doc(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"THISPOLICYDOESNOTWORK","Effect":"Allow",
          "Action":"ec2:RunInstances","Resource":"*",
          "Condition":{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}}"#,
    );
    let if_exists = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"RunInstance","Effect":"Allow",
          "Action":"ec2:RunInstances","Resource":"*",
          "Condition":{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}]}"#,
    );
    let image = Request::new(
        "ec2:RunInstances",
        "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890",
    );
    let instance = |t: &str| {
        Request::new(
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:123456789012:instance/*",
        )
        .with("ec2:InstanceType", [t])
    };
    assert_eq!(evaluate(&[&plain], &image).decision, Decision::ImplicitDeny);
    assert_eq!(evaluate(&[&if_exists], &image).decision, Decision::Allow);
    assert_eq!(
        evaluate(&[&if_exists], &instance("t2.micro")).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate(&[&if_exists], &instance("c5.large")).decision,
        Decision::ImplicitDeny
    );
}

/// reference_policies_elements_condition_operators.md, "Condition operator to check existence
/// of condition keys": `Null` `aws:TokenIssueTime` `true` allows EC2 calls made with the
/// user's own credentials (no token issue time) and not with temporary credentials.
#[test]
fn null_token_issue_time() {
    let p = doc(
        r#"{"Version":"2012-10-17","Statement":{"Action":"ec2:*","Effect":"Allow","Resource":"*",
          "Condition":{"Null":{"aws:TokenIssueTime":"true"}}}}"#,
    );
    let own = Request::new("ec2:DescribeInstances", "*");
    let temporary = own
        .clone()
        .with("aws:TokenIssueTime", ["2026-12-07T10:00:00Z"]);
    assert_eq!(evaluate(&[&p], &own).decision, Decision::Allow);
    assert_eq!(evaluate(&[&p], &temporary).decision, Decision::ImplicitDeny);
}
