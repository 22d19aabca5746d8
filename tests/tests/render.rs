//! Snapshots of the rendered Terraform JSON and resolved IAM JSON: the hand-built multi-account
//! deployment, and every registered blueprint with its example config.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use iam_model::deployment::{Deployment, DeploymentOptions};
use iam_model::render::{iam, terraform, TerraformOptions};
use tests::render_fixtures::{example_deployments, multi_account, resolution_for};

/// Every file, each under a `== name ==` header, as one snapshot.
fn terraform_text(d: &Deployment) -> String {
    let files = terraform::render(d, &TerraformOptions::with_region("eu-west-1")).unwrap();
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("== {} ==\n{}", f.name, f.contents));
    }
    out
}

fn assert_valid(d: &Deployment) {
    let errors: Vec<String> = d
        .validate(&DeploymentOptions::default())
        .iter()
        .filter(|f| f.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not validate:\n{}",
        d.blueprint,
        errors.join("\n")
    );
}

#[test]
fn multi_account_terraform() {
    let d = multi_account();
    assert_valid(&d);
    insta::assert_snapshot!(terraform_text(&d));
}

#[test]
fn multi_account_iam() {
    let d = multi_account();
    insta::assert_snapshot!(iam::render(&d, &resolution_for(&d)).unwrap());
}

#[test]
fn rendered_files_are_valid_json() {
    let d = multi_account();
    for f in terraform::render(&d, &TerraformOptions::default()).unwrap() {
        serde_json::from_str::<serde_json::Value>(&f.contents)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", f.name));
    }
    let doc: serde_json::Value =
        serde_json::from_str(&iam::render(&d, &resolution_for(&d)).unwrap()).unwrap();
    assert_eq!(doc["roles"].as_array().unwrap().len(), 3);
}

/// Each blueprint's example renders, and its output is pinned: a new blueprint adds two
/// snapshots here (`INSTA_UPDATE=always cargo test -p tests --test render`, then review them).
/// Every blueprint is checked even when one fails, so one run writes every `.snap.new`.
#[test]
fn every_blueprint_example() {
    let mut failed = Vec::new();
    for (name, d) in example_deployments() {
        let result = std::panic::catch_unwind(|| {
            assert_valid(&d);
            insta::assert_snapshot!(format!("{name}__terraform"), terraform_text(&d));
            insta::assert_snapshot!(
                format!("{name}__iam"),
                iam::render(&d, &resolution_for(&d)).unwrap()
            );
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "blueprints whose rendering changed or fails: {failed:?}"
    );
}
