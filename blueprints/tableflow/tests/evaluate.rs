//! The seed's promises checked by evaluating requests against the resolved policies, the way
//! IAM decides them: who may assume the role in each phase, and what it may do in S3 and Glue.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_tableflow::{build, TableflowInputs, ROLE_KEY};
use common::{resolved, ACCOUNT, CONFLUENT_ID, CONFLUENT_ROLE};
use iam_model::eval::{evaluate, Decision, Request, RequestPrincipal};
use iam_model::PolicyDocument;

const ROLE: &str = "arn:aws:iam::111111111111:role/dev-confluent-role";

fn phase2() -> TableflowInputs {
    let mut inputs = TableflowInputs::new("dev");
    inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    inputs.confluent_external_id = Some(CONFLUENT_ID.into());
    inputs
}

fn trust(inputs: &TableflowInputs) -> PolicyDocument {
    let d = build(inputs).unwrap();
    resolved(&d, &d.role(ROLE_KEY).unwrap().trust)
}

fn decide(trust: &PolicyDocument, action: &str, who: &str, external_id: Option<&str>) -> Decision {
    let mut r = Request::new(action, ROLE).principal(RequestPrincipal::Aws(who.to_owned()));
    if let Some(id) = external_id {
        r = r.with("sts:ExternalId", [id]);
    }
    evaluate(&[trust], &r).decision
}

#[test]
fn phase_one_lets_nobody_assume_the_role() {
    let t = trust(&TableflowInputs::new("dev"));
    for who in [
        CONFLUENT_ROLE,
        "arn:aws:iam::111111111111:root",
        "arn:aws:iam::999999999999:root",
    ] {
        assert_eq!(
            decide(&t, "sts:AssumeRole", who, Some(CONFLUENT_ID)),
            Decision::ExplicitDeny,
            "{who}"
        );
    }
}

#[test]
fn phase_two_lets_only_confluent_in_with_the_external_id() {
    let t = trust(&phase2());
    assert_eq!(
        decide(&t, "sts:AssumeRole", CONFLUENT_ROLE, Some(CONFLUENT_ID)),
        Decision::Allow
    );
    assert_eq!(
        decide(&t, "sts:TagSession", CONFLUENT_ROLE, Some(CONFLUENT_ID)),
        Decision::Allow
    );
    assert_eq!(
        decide(&t, "sts:AssumeRole", CONFLUENT_ROLE, None),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&t, "sts:AssumeRole", CONFLUENT_ROLE, Some("guess")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &t,
            "sts:AssumeRole",
            "arn:aws:iam::999999999999:role/other",
            Some(CONFLUENT_ID)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &t,
            "sts:AssumeRole",
            &format!("arn:aws:iam::{ACCOUNT}:root"),
            Some(CONFLUENT_ID)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &t,
            "sts:SetSourceIdentity",
            CONFLUENT_ROLE,
            Some(CONFLUENT_ID)
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn the_role_reaches_only_its_bucket_and_its_accounts_catalog() {
    let d = build(&TableflowInputs::new("dev")).unwrap();
    let docs: Vec<PolicyDocument> = d
        .policies
        .iter()
        .map(|p| resolved(&d, &p.document))
        .collect();
    let refs: Vec<&PolicyDocument> = docs.iter().collect();
    let allowed = |action: &str, resource: &str| {
        evaluate(&refs, &Request::new(action, resource)).is_allowed()
    };
    let bucket = "arn:aws:s3:::dev-confluent-topics-backup";
    let object = "arn:aws:s3:::dev-confluent-topics-backup/topic/part-0.parquet";
    assert!(allowed("s3:ListBucket", bucket));
    assert!(allowed("s3:GetBucketLocation", bucket));
    assert!(allowed("s3:PutObject", object));
    assert!(allowed("s3:DeleteObject", object));
    assert!(
        !allowed("s3:PutObject", bucket),
        "object action on the bucket"
    );
    assert!(
        !allowed("s3:ListBucket", object),
        "bucket action on an object"
    );
    assert!(!allowed(
        "s3:PutObject",
        "arn:aws:s3:::prod-confluent-topics-backup/x"
    ));
    assert!(!allowed("s3:DeleteBucket", bucket));
    assert!(!allowed("s3:PutBucketPolicy", bucket));
    let table = format!("arn:aws:glue:us-east-1:{ACCOUNT}:table/db/t");
    assert!(allowed("glue:CreateTable", &table));
    assert!(allowed(
        "glue:GetDatabase",
        &format!("arn:aws:glue:us-east-1:{ACCOUNT}:database/db")
    ));
    assert!(!allowed(
        "glue:CreateTable",
        "arn:aws:glue:us-east-1:999999999999:table/db/t"
    ));
    assert!(!allowed(
        "glue:CreateTable",
        &format!("arn:aws:glue:eu-west-1:{ACCOUNT}:table/db/t")
    ));
    assert!(!allowed("glue:DeleteCatalog", &table));
}
