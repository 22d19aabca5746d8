//! The two phases as Terraform sees them: each phase renders its real trust into the
//! `aws_iam_role` itself — no `null_resource`, no `local-exec`, no `timestamp()` trigger — so
//! Terraform's state holds the trust IAM has and a second plan is clean.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_tableflow::{build, TableflowInputs, CONFLUENT_EXTERNAL_ID, CONFLUENT_IAM_ROLE_ARN};
use common::{CONFLUENT_ID, CONFLUENT_ROLE};
use iam_model::render::terraform::{render, TerraformOptions, ROLES_FILE, VARIABLES_FILE};

fn files(inputs: &TableflowInputs) -> Vec<(String, serde_json::Value)> {
    render(&build(inputs).unwrap(), &TerraformOptions::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.name, serde_json::from_str(&f.contents).unwrap()))
        .collect()
}

fn file<'a>(files: &'a [(String, serde_json::Value)], name: &str) -> &'a serde_json::Value {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn trust(files: &[(String, serde_json::Value)]) -> String {
    file(files, ROLES_FILE)["resource"]["aws_iam_role"]["confluent_mock_role"]["assume_role_policy"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn assert_no_out_of_band_update(files: &[(String, serde_json::Value)]) {
    for (name, json) in files {
        let text = json.to_string();
        for hack in [
            "null_resource",
            "local-exec",
            "timestamp()",
            "update-assume-role-policy",
        ] {
            assert!(!text.contains(hack), "{name} contains {hack}");
        }
    }
}

#[test]
fn phase_one_renders_the_deny_all_trust_and_no_confluent_variables() {
    let files = files(&TableflowInputs::new("dev"));
    assert_no_out_of_band_update(&files);
    let trust = trust(&files);
    assert!(trust.contains(r#""Effect":"Deny""#), "{trust}");
    assert!(!trust.contains(r#""Effect":"Allow""#), "{trust}");
    // Nothing reads a variable in phase one, so none is declared (not even the inputs,
    // which stay in the config).
    assert!(files.iter().all(|(name, _)| name != VARIABLES_FILE));
}

#[test]
fn phase_two_renders_confluents_trust_from_variables() {
    let mut inputs = TableflowInputs::new("dev");
    inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    inputs.confluent_external_id = Some(CONFLUENT_ID.into());
    let files = files(&inputs);
    assert_no_out_of_band_update(&files);
    let trust = trust(&files);
    assert!(
        trust.contains(r#""AWS":"${var.confluent_iam_role_arn}""#),
        "{trust}"
    );
    assert!(
        trust.contains(r#""sts:ExternalId":"${var.confluent_external_id}""#),
        "{trust}"
    );
    let vars = file(&files, VARIABLES_FILE)["variable"]
        .as_object()
        .unwrap();
    assert_eq!(vars[CONFLUENT_IAM_ROLE_ARN]["default"], CONFLUENT_ROLE);
    assert_eq!(vars[CONFLUENT_EXTERNAL_ID]["default"], CONFLUENT_ID);
}

/// Moving from phase 1 to phase 2 changes the role's trust and nothing else: the policies
/// and their attachments render the same.
#[test]
fn the_phases_differ_only_in_the_trust_and_its_variables() {
    let one = files(&TableflowInputs::new("dev"));
    let mut inputs = TableflowInputs::new("dev");
    inputs.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    inputs.confluent_external_id = Some(CONFLUENT_ID.into());
    let two = files(&inputs);
    // Phase two declares the variables its trust reads; phase one declares none.
    let names = |f: &[(String, serde_json::Value)]| {
        f.iter()
            .map(|(n, _)| n.clone())
            .filter(|n| n != VARIABLES_FILE)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&one), names(&two));
    assert!(two.iter().any(|(n, _)| n == VARIABLES_FILE));
    let two: Vec<_> = two
        .into_iter()
        .filter(|(n, _)| n != VARIABLES_FILE)
        .collect();
    for ((name, a), (_, b)) in one.iter().zip(&two) {
        match name.as_str() {
            ROLES_FILE => {
                let mut a = a.clone();
                let mut b = b.clone();
                for v in [&mut a, &mut b] {
                    v["resource"]["aws_iam_role"]["confluent_mock_role"]
                        .as_object_mut()
                        .unwrap()
                        .remove("assume_role_policy");
                }
                assert_eq!(a, b);
            }
            VARIABLES_FILE | "outputs.tf.json" => {}
            _ => assert_eq!(a, b, "{name}"),
        }
    }
}
