//! Hand-checked cases with AWS's intended answers, from the IAM Access Analyzer custom policy
//! check samples (`aws-samples/iam-access-analyzer-custom-policy-check-samples`, read
//! 2026-12-07): each sample gives a reference policy and candidates that PASS or FAIL
//! `CheckNoNewAccess` (the candidate allows nothing the reference does not). Files:
//! `resource-policies/role-trust-policies/allowlist-account-principals.md` (commit 53ef108e)
//! and `identity-policies/check-for-tag-based-access/act-on-ec2-instance-with-tag.md`
//! (commit a99c0f4c). Here a PASS must be proven and a FAIL must come with a witness the
//! evaluator confirms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_model::eval::evaluate;
use iam_model::reason::contained;
use iam_model::PolicyDocument;

fn doc(s: &str) -> PolicyDocument {
    s.parse().unwrap()
}

fn check(reference: &PolicyDocument, candidate: &str, pass: bool, name: &str) {
    let c = doc(candidate);
    let r = contained(&[reference], &[&c]);
    if pass {
        assert!(r.holds(), "{name}: AWS says PASS, got {r:#?}");
    } else {
        assert!(!r.escapes.is_empty(), "{name}: AWS says FAIL, got {r:#?}");
        for e in &r.escapes {
            assert!(evaluate(&[&c], &e.witness).is_allowed(), "{name}");
            assert!(!evaluate(&[reference], &e.witness).is_allowed(), "{name}");
        }
    }
}

#[test]
fn allowlist_account_principals() {
    let reference = doc(r#"{"Version":"2012-10-17","Statement":[
      {"Sid":"AllowPrincipalsInTheseAccounts","Effect":"Allow",
       "Principal":{"AWS":["111111111111","222222222222"]},"Action":"sts:AssumeRole"},
      {"Sid":"AllowOtherSTSActions","Effect":"Allow","Principal":"*","NotAction":"sts:AssumeRole"}]}"#);
    let t = |p: &str, a: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{p},"Action":"{a}"}}]}}"#
        )
    };
    check(
        &reference,
        &t(r#"{"AWS":"111111111111"}"#, "sts:AssumeRole"),
        true,
        "candidate 1",
    );
    check(
        &reference,
        &t(
            r#"{"AWS":"arn:aws:iam::222222222222:role/MyRole"}"#,
            "sts:AssumeRole",
        ),
        true,
        "candidate 2",
    );
    check(
        &reference,
        &t(
            r#"{"Federated":"arn:aws:iam::111111111111:oidc-provider/MyProvider"}"#,
            "sts:AssumeRoleWithWebIdentity",
        ),
        true,
        "candidate 3",
    );
    check(
        &reference,
        &t(r#"{"Service":"glue.amazonaws.com"}"#, "sts:AssumeRole"),
        false,
        "candidate 4",
    );
    check(
        &reference,
        &t(r#"{"AWS":"333333333333"}"#, "sts:AssumeRole"),
        false,
        "candidate 5",
    );
    check(
        &reference,
        &t(
            r#"{"AWS":"arn:aws:iam::333333333333:role/NotMyRole"}"#,
            "sts:AssumeRole",
        ),
        false,
        "candidate 6",
    );
}

#[test]
fn act_on_ec2_instance_with_tag() {
    let reference = doc(r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*",
       "Condition":{"Null":{"aws:ResourceTag/use-your-own-tag-key-here":"true"}}}]}"#);
    check(
        &reference,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:TerminateInstances","Resource":"*",
          "Condition":{"StringEquals":{"aws:ResourceTag/use-your-own-tag-key-here":"tag-value"}}}]}"#,
        true,
        "candidate 1",
    );
    check(
        &reference,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}"#,
        true,
        "candidate 2",
    );
    check(
        &reference,
        r#"{"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"ec2:TerminateInstances","Resource":"*"},
          {"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*",
           "Condition":{"StringNotEquals":{"aws:ResourceTag/use-your-own-tag-key-here":"tag-value"}}}]}"#,
        true,
        "candidate 3",
    );
    check(
        &reference,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:TerminateInstances","Resource":"*"}]}"#,
        false,
        "candidate 4",
    );
    check(
        &reference,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
        false,
        "candidate 5",
    );
}
