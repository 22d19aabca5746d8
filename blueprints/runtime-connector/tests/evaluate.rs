//! The seed's promises checked by evaluating requests against the resolved policies, the way
//! IAM decides them: what the runtime may assume, and who may assume the runtime.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_runtime_connector::{build, RuntimeConnectorInputs, ROLE_KEY};
use common::{resolved, ACCOUNT, GENERATED_UUID};
use iam_model::eval::{evaluate, Request, RequestPrincipal};
use iam_model::PolicyDocument;

fn inputs() -> RuntimeConnectorInputs {
    let mut inputs = RuntimeConnectorInputs::new("sandbox");
    inputs.account_id_safelist = vec!["222222222222".into()];
    inputs
}

/// Every permission of the role, resolved in the test account.
fn permissions(inputs: &RuntimeConnectorInputs) -> Vec<PolicyDocument> {
    let d = build(inputs).unwrap();
    d.policies
        .iter()
        .map(|p| resolved(&d, &p.document))
        .collect()
}

fn allowed(policies: &[PolicyDocument], action: &str, resource: &str) -> bool {
    let refs: Vec<&PolicyDocument> = policies.iter().collect();
    evaluate(&refs, &Request::new(action, resource)).is_allowed()
}

#[test]
fn the_runtime_may_assume_only_sym_roles_in_safelisted_accounts() {
    let p = permissions(&inputs());
    for ok in [
        format!("arn:aws:iam::{ACCOUNT}:role/sym/SymApprover"),
        format!("arn:aws:iam::{ACCOUNT}:role/sym/team/Deep"),
        "arn:aws:iam::222222222222:role/sym/Prod".to_owned(),
    ] {
        assert!(allowed(&p, "sts:AssumeRole", &ok), "{ok}");
    }
    for denied in [
        format!("arn:aws:iam::{ACCOUNT}:role/Admin"),
        format!("arn:aws:iam::{ACCOUNT}:role/symbolic/Admin"),
        format!("arn:aws:iam::{ACCOUNT}:role/other/sym/Admin"),
        "arn:aws:iam::333333333333:role/sym/Prod".to_owned(),
        "arn:aws-cn:iam::222222222222:role/sym/Prod".to_owned(),
        "*".to_owned(),
    ] {
        assert!(!allowed(&p, "sts:AssumeRole", &denied), "{denied}");
    }
    for action in [
        "iam:PassRole",
        "sts:TagSession",
        "iam:CreateRole",
        "s3:GetObject",
    ] {
        assert!(
            !allowed(
                &p,
                action,
                &format!("arn:aws:iam::{ACCOUNT}:role/sym/SymApprover")
            ),
            "{action}"
        );
    }
}

#[test]
fn only_sym_with_the_external_id_may_assume_the_runtime() {
    let d = build(&inputs()).unwrap();
    let trust = resolved(&d, &d.role(ROLE_KEY).unwrap().trust);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/sym/SymRuntimeSandbox");
    let assume = |who: &str, external_id: Option<&str>| {
        let mut r = Request::new("sts:AssumeRole", role.as_str())
            .principal(RequestPrincipal::Aws(who.to_owned()));
        if let Some(id) = external_id {
            r = r.with("sts:ExternalId", [id]);
        }
        evaluate(&[&trust], &r).is_allowed()
    };
    let sym = "arn:aws:iam::803477428605:root";
    assert!(assume(sym, Some(GENERATED_UUID)));
    assert!(assume(
        "arn:aws:iam::803477428605:role/SymRuntime",
        Some(GENERATED_UUID)
    ));
    assert!(!assume(sym, None), "without the external id");
    assert!(!assume(sym, Some("guessed")), "with another external id");
    assert!(!assume(
        "arn:aws:iam::444444444444:root",
        Some(GENERATED_UUID)
    ));
    assert!(!assume(
        &format!("arn:aws:iam::{ACCOUNT}:root"),
        Some(GENERATED_UUID)
    ));
}
