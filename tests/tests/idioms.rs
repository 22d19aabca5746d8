//! The Terraform a user adopts follows the idioms: resource, data source and provider alias
//! names in snake_case, the primary account's data sources named `current`, version
//! constraints with an upper bound, no attribute aws 6 deprecates (`data.aws_region.*.name`),
//! and outputs carrying external ids marked `sensitive`. Checked on every blueprint's example
//! and the multi-account deployment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use iam_model::deployment::Deployment;
use iam_model::render::{is_snake_case, terraform, TerraformOptions};
use serde_json::Value;
use tests::render_fixtures::{example_deployments, multi_account};

fn all() -> Vec<(&'static str, Deployment)> {
    let mut all = example_deployments();
    all.push(("multi-account", multi_account()));
    all
}

#[test]
fn names_are_snake_case() {
    for (name, d) in all() {
        let files = terraform::render(&d, &TerraformOptions::with_region("eu-west-1")).unwrap();
        let mut checked = 0;
        for f in &files {
            let json: Value = serde_json::from_str(&f.contents).unwrap();
            for block in ["resource", "data"] {
                let Some(types) = json[block].as_object() else {
                    continue;
                };
                for (ty, objects) in types {
                    for object in objects.as_object().unwrap().keys() {
                        checked += 1;
                        assert!(
                            is_snake_case(object),
                            "{name}: {block} `{ty}.{object}` is not snake_case"
                        );
                    }
                }
            }
            if let Some(providers) = json["provider"]["aws"].as_array() {
                for p in providers {
                    if let Some(alias) = p["alias"].as_str() {
                        assert!(is_snake_case(alias), "{name}: provider alias `{alias}`");
                    }
                }
            }
            if let Some(data) = json["data"].as_object() {
                for objects in data.values() {
                    let names: Vec<&String> = objects.as_object().unwrap().keys().collect();
                    assert!(
                        objects.as_object().unwrap().iter().any(|(n, body)| n == "current" && body.get("provider").is_none())
                            || names.iter().all(|n| objects[n.as_str()].get("provider").is_some()),
                        "{name}: the primary account's data sources are not named `current`: {names:?}"
                    );
                }
            }
        }
        assert!(checked > 0, "{name}: nothing rendered");
    }
}

#[test]
fn versions_are_bounded_and_no_deprecated_attribute_is_read() {
    for (name, d) in all() {
        let files = terraform::render(&d, &TerraformOptions::with_region("eu-west-1")).unwrap();
        let tf = files
            .iter()
            .find(|f| f.name == "terraform.tf.json")
            .unwrap();
        let json: Value = serde_json::from_str(&tf.contents).unwrap();
        let block = &json["terraform"];
        let mut constraints = vec![block["required_version"].as_str().unwrap()];
        for p in block["required_providers"].as_object().unwrap().values() {
            constraints.push(p["version"].as_str().unwrap());
        }
        for c in constraints {
            assert!(
                c.contains(">=") && c.contains('<'),
                "{name}: `{c}` has no upper bound"
            );
        }
        for f in &files {
            for (i, _) in f.contents.match_indices("data.aws_region.") {
                let reference = f.contents[i..].split('}').next().unwrap_or_default();
                assert!(
                    !reference.ends_with(".name"),
                    "{name}: {} reads the deprecated `{reference}`",
                    f.name
                );
            }
        }
    }
}

#[test]
fn external_ids_are_sensitive_outputs() {
    let mut seen = 0;
    for (name, d) in all() {
        for o in &d.outputs {
            let carries_external_id = o.name.contains("external_id")
                || matches!(&o.value, iam_model::deployment::OutputValue::Map(m) if m.contains_key("external_id"));
            if carries_external_id {
                seen += 1;
                assert!(o.sensitive, "{name}: output `{}` is not sensitive", o.name);
            }
        }
    }
    assert!(
        seen >= 2,
        "the landing zone and the runtime connector output external ids"
    );
}

/// Every variable the Terraform declares is read somewhere in it: none is a knob that does
/// nothing. The blueprints' inputs stay in their config.
#[test]
fn every_declared_variable_is_read() {
    let mut declared = 0;
    for (name, d) in all() {
        let files = terraform::render(&d, &TerraformOptions::with_region("eu-west-1")).unwrap();
        let Some(vars) = files.iter().find(|f| f.name == "variables.tf.json") else {
            continue;
        };
        let json: Value = serde_json::from_str(&vars.contents).unwrap();
        let others: String = files
            .iter()
            .filter(|f| f.name != "variables.tf.json")
            .map(|f| f.contents.as_str())
            .collect();
        for var in json["variable"].as_object().unwrap().keys() {
            declared += 1;
            assert!(
                others.contains(&format!("var.{var}}}"))
                    || others.contains(&format!("var.{var}:"))
                    || others.contains(&format!("var.{var}\"")),
                "{name}: variable `{var}` is declared but nothing reads it"
            );
        }
    }
    assert!(declared > 0, "tableflow's Confluent values are variables");
}
