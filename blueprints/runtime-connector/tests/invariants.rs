//! The seed's promises, asserted over every config variant: the runtime may only
//! `sts:AssumeRole` roles under `/sym/` in the current and safelisted accounts; every trust
//! carries an external id; names follow Terraform's `title()`; the deployment validates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_kit::Inputs;
use blueprint_runtime_connector::{
    build, title, Addon, RuntimeConnectorInputs, BASE_POLICY_KEY, EXTERNAL_ID, ROLE_KEY, SYM_PATH,
};
use common::{assert_clean, resolved, variants, ACCOUNT, GENERATED_UUID};
use iam_model::arn::Arn;
use iam_model::deployment::OutputValue;
use iam_model::statement::{PrincipalClause, ResourceClause};
use iam_model::{Effect, LateBound, PrincipalKind, Text};

#[test]
fn every_variant_validates_clean() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_clean(&d);
    }
}

/// Parses every statement of the base policy, resolved in the target account: its only
/// action is `sts:AssumeRole`, and every resource is `role/sym/*` in the current account or
/// a safelisted one — never a wildcard account, never another path.
#[test]
fn runtime_can_only_assume_sym_roles_in_safelisted_accounts() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let base = d.policy(BASE_POLICY_KEY).unwrap();
        let doc = resolved(&d, &base.document);
        let mut accounts = Vec::new();
        for st in &doc.statements {
            assert_eq!(st.effect, Effect::Allow, "{name}");
            assert!(!st.action.is_not(), "{name}: NotAction");
            let actions: Vec<&str> = st.action.actions().iter().map(|a| a.as_str()).collect();
            assert_eq!(actions, ["sts:AssumeRole"], "{name}");
            assert!(st.condition.is_empty(), "{name}");
            let Some(ResourceClause::Resource(resources)) = &st.resource else {
                panic!("{name}: no Resource");
            };
            for r in resources {
                let arn = Arn::parse(&r.as_literal().unwrap()).unwrap();
                assert_eq!(
                    (arn.partition(), arn.service(), arn.region(), arn.resource()),
                    ("aws", "iam", "", "role/sym/*"),
                    "{name}: {arn}"
                );
                accounts.push(arn.account().to_owned());
            }
        }
        let mut expected = vec![ACCOUNT.to_owned()];
        expected.extend(inputs.account_id_safelist.iter().cloned());
        assert_eq!(
            accounts, expected,
            "{name}: current account first, then the safelist"
        );
    }
}

/// Without addons or extra policies, the base policy is everything the runtime may do.
#[test]
fn without_addons_the_base_policy_is_all_the_runtime_gets() {
    let d = build(&RuntimeConnectorInputs::new("sandbox")).unwrap();
    let role = d.role(ROLE_KEY).unwrap();
    assert!(role.inline_policies.is_empty());
    assert_eq!(
        role.managed_policy_arns,
        vec![Text::from(LateBound::policy_arn(BASE_POLICY_KEY))]
    );
    assert_eq!(d.policies.len(), 1);
}

#[test]
fn addon_policies_grant_no_assume_role() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        for p in d.policies.iter().filter(|p| p.key != BASE_POLICY_KEY) {
            for st in &p.document.statements {
                for a in st.action.actions() {
                    assert!(
                        !a.as_str().starts_with("sts:"),
                        "{name}: {} grants {a}",
                        p.name
                    );
                }
            }
        }
    }
}

/// Every Allow statement of every trust names the Sym accounts and carries
/// `StringEquals sts:ExternalId` with the generated (or fixed) external id.
#[test]
fn every_trust_carries_the_external_id() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        for role in &d.roles {
            for st in &role.trust.statements {
                assert_eq!(st.effect, Effect::Allow);
                let Some(PrincipalClause::Principal(p)) = &st.principal else {
                    panic!("{name}: no Principal");
                };
                let principals: Vec<String> = p
                    .values(PrincipalKind::Aws)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert_eq!(principals, inputs.sym_account_ids, "{name}");
                let external: Vec<String> = st
                    .condition
                    .tests()
                    .filter(|(op, k)| op.to_string() == "StringEquals" && k.key == "sts:ExternalId")
                    .flat_map(|(_, k)| k.values.iter().map(|v| v.as_text().to_string()))
                    .collect();
                assert_eq!(external, ["{{generated.external_id}}"], "{name}");
            }
        }
    }
}

#[test]
fn external_id_is_generated_unless_a_non_blank_custom_one_is_given() {
    let fixed = |custom: &str| {
        let mut inputs = RuntimeConnectorInputs::new("sandbox");
        inputs.custom_external_id = custom.to_owned();
        let d = build(&inputs).unwrap();
        assert_eq!(d.generated.len(), 1);
        assert_eq!(d.generated[0].name, EXTERNAL_ID);
        d.generated[0].fixed.clone()
    };
    assert_eq!(fixed(""), None);
    assert_eq!(fixed("   "), None, "blank is the same as unset");
    assert_eq!(fixed("\t\n"), None);
    assert_eq!(fixed("abc-123"), Some("abc-123".to_owned()));
    assert_eq!(
        fixed("  abc  "),
        Some("  abc  ".to_owned()),
        "kept verbatim, spaces included"
    );

    // And it reaches the trust policy and the settings output as resolved.
    let mut inputs = RuntimeConnectorInputs::new("sandbox");
    inputs.custom_external_id = " spaced ".into();
    let d = build(&inputs).unwrap();
    let trust = resolved(&d, &d.role(ROLE_KEY).unwrap().trust);
    let json = trust.to_json_compact().unwrap();
    assert!(json.contains(r#""sts:ExternalId":" spaced ""#), "{json}");
    let d = build(&RuntimeConnectorInputs::new("sandbox")).unwrap();
    let json = resolved(&d, &d.role(ROLE_KEY).unwrap().trust)
        .to_json_compact()
        .unwrap();
    assert!(json.contains(GENERATED_UUID), "{json}");
}

#[test]
fn title_follows_terraform() {
    for (input, expected) in [
        ("sandbox", "Sandbox"),
        ("prod-eu", "Prod-Eu"),
        ("my_env", "My_env"),
        ("PROD", "PROD"),
        ("2fa", "2fa"),
        ("*", "*"),
        ("", ""),
        ("prod eu west", "Prod Eu West"),
        ("a.b+c=d,e@f", "A.B+C=D,E@F"),
        ("mIxEd-cAsE", "MIxEd-CAsE"),
        ("x1y-9z", "X1y-9z"),
        ("--a", "--A"),
    ] {
        assert_eq!(title(input), expected, "title({input:?})");
    }
}

#[test]
fn names_paths_and_descriptions_follow_the_original() {
    let mut inputs = RuntimeConnectorInputs::new("prod-eu");
    inputs.addons = vec![
        Addon::SecretsManager,
        Addon::KinesisFirehose,
        Addon::KinesisDataStream,
    ];
    inputs.addon_params = [(
        Addon::KinesisDataStream,
        common::params([("stream_arns", [common::STREAM_A].into())]),
    )]
    .into();
    let d = build(&inputs).unwrap();
    let role = d.role(ROLE_KEY).unwrap();
    assert_eq!(
        (role.name.as_str(), role.path.as_str()),
        ("SymRuntimeProd-Eu", SYM_PATH)
    );
    assert_eq!(role.description, "");
    assert_eq!(role.max_session_duration, 3600);
    assert_eq!(role.permissions_boundary, None);
    let named: Vec<(&str, &str, &str, &str)> = d
        .policies
        .iter()
        .map(|p| {
            (
                p.key.as_str(),
                p.name.as_str(),
                p.path.as_str(),
                p.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            (
                "assume_roles",
                "SymRuntimeProd-Eu",
                "/sym/",
                "Base permissions for the Sym runtime"
            ),
            (
                "aws_secretsmgr",
                "SymSecretsManagerProd-Eu",
                "/sym/",
                "Addon policy granting access to Secrets Manager secrets"
            ),
            (
                "aws_kinesis_firehose",
                "SymKinesisFirehoseProd-Eu",
                "/sym/",
                "Addon policy granting access to Kinesis Firehose"
            ),
            (
                "aws_kinesis_data_stream",
                "SymKinesisDataStreamProd-Eu",
                "/sym/",
                "Addon policy granting access to Kinesis Data Stream"
            ),
        ]
    );
    // Every policy is attached to the role.
    for p in &d.policies {
        assert!(
            role.managed_policy_arns.contains(&p.arn()),
            "{} not attached",
            p.name
        );
    }
}

/// The original passes `tag_value` to the Secrets Manager addon as its `environment`, so the
/// policy is named after the tag value, not the connector's environment.
#[test]
fn secrets_manager_policy_is_named_after_its_tag_value() {
    let mut inputs = RuntimeConnectorInputs::new("prod");
    inputs.addons = vec![Addon::SecretsManager];
    inputs.addon_params = [(
        Addon::SecretsManager,
        common::params([("tag_value", "shared-secrets".into())]),
    )]
    .into();
    let d = build(&inputs).unwrap();
    let p = d.policy("aws_secretsmgr").unwrap();
    assert_eq!(p.name, "SymSecretsManagerShared-Secrets");
    let json = p.document.to_json_compact().unwrap();
    assert!(
        json.contains(r#""secretsmanager:ResourceTag/SymEnv":"shared-secrets""#),
        "{json}"
    );
}

#[test]
fn tags_go_on_the_role_only() {
    let (_, inputs) = variants()
        .into_iter()
        .find(|(n, _)| *n == "all_addons")
        .unwrap();
    assert!(!inputs.tags.is_empty());
    let d = build(&inputs).unwrap();
    assert_eq!(d.role(ROLE_KEY).unwrap().tags, inputs.tags);
    for p in &d.policies {
        assert!(p.tags.is_empty(), "{} is tagged", p.name);
    }
}

#[test]
fn extra_policy_arns_are_attached_as_given() {
    let (_, inputs) = variants()
        .into_iter()
        .find(|(n, _)| *n == "all_addons")
        .unwrap();
    let d = build(&inputs).unwrap();
    let attached: Vec<String> = d
        .role(ROLE_KEY)
        .unwrap()
        .managed_policy_arns
        .iter()
        .map(ToString::to_string)
        .collect();
    for arn in inputs.policy_arns.values() {
        assert!(attached.contains(arn), "{arn} missing from {attached:?}");
    }
    assert_eq!(attached.len(), 4 + inputs.policy_arns.len());
}

#[test]
fn outputs_are_account_id_and_settings() {
    let d = build(&RuntimeConnectorInputs::new("sandbox")).unwrap();
    let names: Vec<&str> = d.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["account_id", "settings"]);
    assert_eq!(
        d.outputs[0].value,
        OutputValue::Text(LateBound::current_account().into())
    );
    let OutputValue::Map(settings) = &d.outputs[1].value else {
        panic!("settings is not a map");
    };
    let shown: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| match v {
            OutputValue::Text(t) => (k.clone(), t.to_string()),
            other => panic!("{k}: {other:?}"),
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("account_id".to_owned(), "{{account_id}}".to_owned()),
            ("cloud".to_owned(), "aws".to_owned()),
            (
                "external_id".to_owned(),
                "{{generated.external_id}}".to_owned()
            ),
            ("region".to_owned(), "{{region}}".to_owned()),
            ("role_arn".to_owned(), "{{role.this.arn}}".to_owned()),
        ]
    );
}

#[test]
fn variables_carry_every_input_with_its_value() {
    let (_, inputs) = variants()
        .into_iter()
        .find(|(n, _)| *n == "all_addons")
        .unwrap();
    let d = build(&inputs).unwrap();
    let names: Vec<&str> = d.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "account_id_safelist",
            "addon_params",
            "addons",
            "custom_external_id",
            "environment",
            "policy_arns",
            "sym_account_ids",
            "tags"
        ]
    );
    let types: Vec<String> = d
        .variables
        .iter()
        .map(|v| v.input_type.terraform())
        .collect();
    assert_eq!(
        types,
        [
            "list(string)",
            "any",
            "list(string)",
            "string",
            "string",
            "map(string)",
            "list(string)",
            "map(string)"
        ]
    );
    // The docs keep the original's type; the variable is `any` so that Terraform accepts
    // string and list parameters side by side.
    let spec = RuntimeConnectorInputs::input_specs();
    let spec = spec.iter().find(|s| s.name == "addon_params").unwrap();
    assert_eq!(spec.input_type.terraform(), "map(map(any))");
    let addons = d.variables.iter().find(|v| v.name == "addons").unwrap();
    assert_eq!(
        addons.value,
        OutputValue::List(vec![
            "aws/kinesis-data-stream".into(),
            "aws/secretsmgr".into(),
            "aws/kinesis-firehose".into()
        ])
    );
}

/// A repeated safelisted account adds nothing (the original writes the same ARN twice, which
/// IAM treats as once).
#[test]
fn repeated_safelist_entries_are_written_once() {
    let mut inputs = RuntimeConnectorInputs::new("sandbox");
    inputs.account_id_safelist = vec!["222222222222".into(), "222222222222".into()];
    let d = build(&inputs).unwrap();
    let doc = resolved(&d, &d.policy(BASE_POLICY_KEY).unwrap().document);
    let resources: Vec<String> = doc.statements[0]
        .resource
        .as_ref()
        .unwrap()
        .resources()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        resources,
        [
            format!("arn:aws:iam::{ACCOUNT}:role/sym/*"),
            "arn:aws:iam::222222222222:role/sym/*".to_owned()
        ]
    );
}

/// Every action of every policy is one AWS defines, and every resource it is granted on is
/// `*` or a resource type the action takes (AWS's service authorization data).
#[test]
fn every_resource_fits_its_actions_resource_types() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        for p in &d.policies {
            let doc = resolved(&d, &p.document);
            for st in &doc.statements {
                let Some(ResourceClause::Resource(resources)) = &st.resource else {
                    panic!("{name}: no Resource");
                };
                for a in st.action.actions() {
                    let (_, def) = iam_model::catalog::action(a.as_str())
                        .unwrap_or_else(|| panic!("{name}: unknown action {a}"));
                    for r in resources {
                        let r = r.to_string();
                        assert!(
                            r == "*" || def.resource_types().any(|(t, _)| t.matches_arn(&r)),
                            "{name}: {a} does not take {r}"
                        );
                    }
                }
            }
        }
    }
}
