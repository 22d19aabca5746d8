//! The three outputs agree: every registered blueprint's example deployment is resolved
//! through the Terraform renderer, the resolved IAM JSON and the apply engine's desired state
//! with the same account ids, partition, region, generated and external values, and every
//! document, ARN, attachment and output must come out the same.
//!
//! Terraform's references are evaluated here independently of rolewright's resolver: a
//! resource's ARN is formed from the `name`/`path` (or `url`) the Terraform file itself gives
//! it and the account its provider points at, as AWS would form it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use blueprint_kit::ConfigSource;
use iam_model::deployment::Deployment;
use iam_model::render::{iam, terraform, terraform_name, Resolution, TerraformOptions};
use rolewright_apply::desired::{self, Context, Target};
use serde_json::Value;

const PARTITION: &str = "aws";
const REGION: &str = "eu-west-1";

struct Inputs {
    account_ids: BTreeMap<String, String>,
    generated: BTreeMap<String, String>,
    externals: BTreeMap<String, String>,
}

fn inputs(d: &Deployment) -> Inputs {
    Inputs {
        account_ids: d
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.key.clone(), format!("{}", 500_000_000_000u64 + i as u64)))
            .collect(),
        generated: d
            .generated
            .iter()
            .filter(|g| g.fixed.is_none())
            .map(|g| (g.name.clone(), format!("gen-{}", g.name)))
            .collect(),
        externals: d
            .externals
            .iter()
            .filter(|e| e.value.is_none())
            .map(|e| {
                (
                    e.name.clone(),
                    format!("arn:aws:iam::999988887777:role/ext-{}", e.name),
                )
            })
            .collect(),
    }
}

/// Evaluates a Terraform template string with `table` for its interpolations.
fn eval(template: &str, table: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("$${") {
            out.push_str("${");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("%%{") {
            out.push_str("%{");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("${") {
            let end = r
                .find('}')
                .unwrap_or_else(|| panic!("unclosed `${{` in {template}"));
            let expr = &r[..end];
            match expr.strip_prefix('"').and_then(|e| e.strip_suffix('"')) {
                Some(lit) => out.push_str(lit),
                None => out.push_str(
                    table
                        .get(expr)
                        .unwrap_or_else(|| panic!("no value for `${{{expr}}}` in {template}")),
                ),
            }
            rest = &r[end + 1..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Terraform's files by name, parsed.
fn terraform_files(d: &Deployment) -> BTreeMap<String, Value> {
    terraform::render(d, &TerraformOptions::with_region(REGION))
        .unwrap()
        .into_iter()
        .map(|f| (f.name, serde_json::from_str(&f.contents).unwrap()))
        .collect()
}

fn section<'v>(
    files: &'v BTreeMap<String, Value>,
    file: &str,
    path: &[&str],
) -> Vec<(&'v String, &'v Value)> {
    let mut v = match files.get(file) {
        Some(v) => v,
        None => return Vec::new(),
    };
    for p in path {
        match v.get(p) {
            Some(next) => v = next,
            None => return Vec::new(),
        }
    }
    v.as_object().unwrap().iter().collect()
}

/// What every Terraform reference evaluates to, built from the Terraform files themselves.
fn terraform_table(
    d: &Deployment,
    files: &BTreeMap<String, Value>,
    i: &Inputs,
) -> BTreeMap<String, String> {
    let primary = d.primary_account().unwrap().key.clone();
    // Provider `aws.<alias>` → the account id it points at.
    let by_alias: BTreeMap<String, &String> = d
        .accounts
        .iter()
        .map(|a| (terraform_name(&a.key), &i.account_ids[&a.key]))
        .collect();
    let account_of = |body: &Value| -> String {
        match body.get("provider").and_then(Value::as_str) {
            Some(p) => by_alias[p.strip_prefix("aws.").unwrap()].clone(),
            None => i.account_ids[&primary].clone(),
        }
    };
    let mut t = BTreeMap::new();
    // Which account each resource's provider points at, for keying objects by account.
    for file in [terraform::ROLES_FILE, terraform::POLICIES_FILE] {
        for kind in [
            "aws_iam_role",
            "aws_iam_role_policy",
            "aws_iam_role_policy_attachment",
            "aws_iam_policy",
        ] {
            for (n, body) in section(files, file, &["resource", kind]) {
                t.insert(format!("account of {kind}.{n}"), account_of(body));
            }
        }
    }
    // Data sources are read from data.tf.json: their names (`current` for the primary
    // account) are the renderer's choice, their provider says which account they read.
    for (n, body) in section(
        files,
        terraform::DATA_FILE,
        &["data", "aws_caller_identity"],
    ) {
        t.insert(
            format!("data.aws_caller_identity.{n}.account_id"),
            account_of(body),
        );
    }
    for (n, _) in section(files, terraform::DATA_FILE, &["data", "aws_partition"]) {
        t.insert(
            format!("data.aws_partition.{n}.partition"),
            PARTITION.to_owned(),
        );
    }
    for (n, _) in section(files, terraform::DATA_FILE, &["data", "aws_region"]) {
        t.insert(format!("data.aws_region.{n}.id"), REGION.to_owned());
        t.insert(format!("data.aws_region.{n}.name"), REGION.to_owned());
    }
    for (n, body) in section(files, terraform::ROLES_FILE, &["resource", "aws_iam_role"]) {
        let name = body["name"].as_str().unwrap();
        let path = body["path"].as_str().unwrap();
        let arn = format!("arn:{PARTITION}:iam::{}:role{path}{name}", account_of(body));
        t.insert(format!("aws_iam_role.{n}.arn"), arn);
        t.insert(format!("aws_iam_role.{n}.name"), name.to_owned());
    }
    for (n, body) in section(
        files,
        terraform::POLICIES_FILE,
        &["resource", "aws_iam_policy"],
    ) {
        let name = body["name"].as_str().unwrap();
        let path = body["path"].as_str().unwrap();
        let arn = format!(
            "arn:{PARTITION}:iam::{}:policy{path}{name}",
            account_of(body)
        );
        t.insert(format!("aws_iam_policy.{n}.arn"), arn);
        t.insert(format!("aws_iam_policy.{n}.name"), name.to_owned());
    }
    for (n, body) in section(
        files,
        terraform::OIDC_FILE,
        &["resource", "aws_iam_openid_connect_provider"],
    ) {
        let url = body["url"].as_str().unwrap();
        let host_path = url.trim_start_matches("https://").trim_end_matches('/');
        let arn = format!(
            "arn:{PARTITION}:iam::{}:oidc-provider/{host_path}",
            account_of(body)
        );
        t.insert(format!("aws_iam_openid_connect_provider.{n}.arn"), arn);
    }
    for (name, value) in &i.generated {
        t.insert(
            format!("random_uuid.{}.result", terraform_name(name)),
            value.clone(),
        );
    }
    // A known external value is the variable's default.
    for e in &d.externals {
        let value = i.externals.get(&e.name).or(e.value.as_ref()).unwrap();
        t.insert(format!("var.{}", e.name), value.clone());
    }
    t
}

/// Roles and policies keyed `ACCOUNT_ID:NAME` (policies as ARN and document), and the outputs.
type Views = (
    BTreeMap<String, RoleView>,
    BTreeMap<String, (String, Value)>,
    Value,
);

/// One role as each output has it: trust, inline policies, attachments, boundary.
#[derive(Debug, PartialEq)]
struct RoleView {
    arn: String,
    trust: Value,
    inline: BTreeMap<String, Value>,
    attached: BTreeSet<String>,
    boundary: Option<String>,
}

fn doc(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn terraform_views(d: &Deployment, i: &Inputs) -> Views {
    let files = terraform_files(d);
    let table = terraform_table(d, &files, i);
    let ev = |v: &Value| eval(v.as_str().unwrap(), &table);
    let mut roles = BTreeMap::new();
    let account = |kind: &str, n: &str| table[&format!("account of {kind}.{n}")].clone();
    for (n, body) in section(&files, terraform::ROLES_FILE, &["resource", "aws_iam_role"]) {
        let name = body["name"].as_str().unwrap();
        roles.insert(
            format!("{}:{name}", account("aws_iam_role", n)),
            RoleView {
                arn: table[&format!("aws_iam_role.{n}.arn")].clone(),
                trust: doc(&ev(&body["assume_role_policy"])),
                inline: BTreeMap::new(),
                attached: BTreeSet::new(),
                boundary: body.get("permissions_boundary").map(&ev),
            },
        );
    }
    for (n, body) in section(
        &files,
        terraform::ROLES_FILE,
        &["resource", "aws_iam_role_policy"],
    ) {
        let key = format!(
            "{}:{}",
            account("aws_iam_role_policy", n),
            ev(&body["role"])
        );
        let role = roles.get_mut(&key).unwrap();
        role.inline
            .insert(ev(&body["name"]), doc(&ev(&body["policy"])));
    }
    for (n, body) in section(
        &files,
        terraform::ROLES_FILE,
        &["resource", "aws_iam_role_policy_attachment"],
    ) {
        let key = format!(
            "{}:{}",
            account("aws_iam_role_policy_attachment", n),
            ev(&body["role"])
        );
        let role = roles.get_mut(&key).unwrap();
        role.attached.insert(ev(&body["policy_arn"]));
    }
    let mut policies = BTreeMap::new();
    for (n, body) in section(
        &files,
        terraform::POLICIES_FILE,
        &["resource", "aws_iam_policy"],
    ) {
        policies.insert(
            format!("{}:{}", account("aws_iam_policy", n), ev(&body["name"])),
            (
                table[&format!("aws_iam_policy.{n}.arn")].clone(),
                doc(&ev(&body["policy"])),
            ),
        );
    }
    fn eval_value(v: &Value, table: &BTreeMap<String, String>) -> Value {
        match v {
            Value::String(s) => Value::String(eval(s, table)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| eval_value(i, table)).collect())
            }
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), eval_value(v, table)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let outputs = section(&files, terraform::OUTPUTS_FILE, &["output"])
        .into_iter()
        .map(|(name, body)| (name.clone(), eval_value(&body["value"], &table)))
        .collect();
    (roles, policies, Value::Object(outputs))
}

fn iam_views(d: &Deployment, i: &Inputs) -> Views {
    let resolution = Resolution {
        account_ids: i.account_ids.clone(),
        default_account_id: None,
        region: Some(REGION.to_owned()),
        partition: Some(PARTITION.to_owned()),
        generated: i.generated.clone(),
        externals: i.externals.clone(),
    };
    let out: Value = serde_json::from_str(&iam::render(d, &resolution).unwrap()).unwrap();
    let roles = out["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{}:{}",
                    r["account_id"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ),
                RoleView {
                    arn: r["arn"].as_str().unwrap().to_owned(),
                    trust: r["trust_policy"].clone(),
                    inline: r["inline_policies"]
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    attached: r["managed_policy_arns"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned())
                        .collect(),
                    boundary: r["permissions_boundary"].as_str().map(str::to_owned),
                },
            )
        })
        .collect();
    let policies = out["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                format!(
                    "{}:{}",
                    p["account_id"].as_str().unwrap(),
                    p["name"].as_str().unwrap()
                ),
                (p["arn"].as_str().unwrap().to_owned(), p["document"].clone()),
            )
        })
        .collect();
    (roles, policies, out["outputs"].clone())
}

fn apply_views(d: &Deployment, i: &Inputs) -> Views {
    let targets: BTreeMap<String, Target> = i
        .account_ids
        .iter()
        .map(|(k, id)| {
            (
                k.clone(),
                Target {
                    account_id: id.clone(),
                    partition: PARTITION.to_owned(),
                },
            )
        })
        .collect();
    let observed = BTreeMap::new();
    let ctx = Context {
        targets: &targets,
        region: Some(REGION),
        externals: &i.externals,
        observed: &observed,
    };
    // Fresh values in declaration order, as the engine asks for them.
    let mut fresh = d
        .generated
        .iter()
        .filter(|g| g.fixed.is_none())
        .map(|g| i.generated[&g.name].clone())
        .collect::<Vec<_>>()
        .into_iter();
    let desired = desired::resolve(d, &ctx, &mut |_: &str| fresh.next().unwrap()).unwrap();
    assert!(desired.deferred.is_empty(), "{:?}", desired.deferred);
    let json = |p: &iam_model::PolicyDocument| doc(&p.to_json_compact().unwrap());
    let roles = desired
        .roles
        .iter()
        .map(|r| {
            let arn = d
                .roles
                .iter()
                .find(|role| role.key == r.key)
                .map(|role| {
                    iam_model::deployment::resolve::role_arn(
                        PARTITION,
                        &r.account_id,
                        &role.path,
                        &role.name,
                    )
                })
                .unwrap();
            (
                format!("{}:{}", r.account_id, r.name),
                RoleView {
                    arn,
                    trust: json(&r.trust),
                    inline: r
                        .inline_policies
                        .iter()
                        .map(|(k, v)| (k.clone(), json(v)))
                        .collect(),
                    attached: r.managed_policy_arns.iter().cloned().collect(),
                    boundary: r.permissions_boundary.clone(),
                },
            )
        })
        .collect();
    let policies = desired
        .policies
        .iter()
        .map(|p| {
            (
                format!("{}:{}", p.account_id, p.name),
                (p.arn.clone(), json(&p.document)),
            )
        })
        .collect();
    let outputs = desired::resolve_outputs(d, &ctx, &desired.generated)
        .into_iter()
        .map(|(k, (v, _))| (k, v))
        .collect();
    (roles, policies, Value::Object(outputs))
}

#[test]
fn every_example_resolves_alike_through_terraform_iam_json_and_apply() {
    let all = blueprints::all();
    assert!(!all.is_empty());
    for bp in all {
        let path = blueprints::example_config(bp.name())
            .unwrap_or_else(|| panic!("blueprint `{}` has no example config", bp.name()));
        let text = std::fs::read_to_string(&path).unwrap();
        let d = bp
            .build(&ConfigSource::new(path.display().to_string(), text))
            .unwrap_or_else(|e| panic!("{}", e.report(&path.display().to_string())));
        let i = inputs(&d);
        let (tf_roles, tf_policies, tf_outputs) = terraform_views(&d, &i);
        let (iam_roles, iam_policies, iam_outputs) = iam_views(&d, &i);
        let (apply_roles, apply_policies, apply_outputs) = apply_views(&d, &i);
        let name = bp.name();
        assert_eq!(tf_roles.len(), d.roles.len(), "{name}: roles");
        assert_eq!(iam_policies.len(), d.policies.len(), "{name}: policies");
        for (role, iam) in &iam_roles {
            assert_eq!(
                tf_roles.get(role),
                Some(iam),
                "{name}: role `{role}`, Terraform vs IAM JSON"
            );
            assert_eq!(
                apply_roles.get(role),
                Some(iam),
                "{name}: role `{role}`, apply vs IAM JSON"
            );
        }
        assert_eq!(tf_roles.len(), iam_roles.len(), "{name}");
        assert_eq!(apply_roles.len(), iam_roles.len(), "{name}");
        assert_eq!(
            tf_policies, iam_policies,
            "{name}: policies, Terraform vs IAM JSON"
        );
        assert_eq!(
            apply_policies, iam_policies,
            "{name}: policies, apply vs IAM JSON"
        );
        assert_eq!(
            tf_outputs, iam_outputs,
            "{name}: outputs, Terraform vs IAM JSON"
        );
        assert_eq!(
            apply_outputs, iam_outputs,
            "{name}: outputs, apply vs IAM JSON"
        );
        // Something was actually resolved: no output keeps a placeholder.
        assert!(!iam_outputs.to_string().contains("{{"), "{name}");
    }
}
