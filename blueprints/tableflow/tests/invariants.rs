//! The seed's promises, asserted over every config variant: bucket actions only on the
//! bucket, object actions only on its objects, Glue limited to the account's catalog, the
//! trust deny-all until Confluent's values are known and then Confluent's role only, always
//! with the external id; and the deployment validates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_tableflow::{
    build, trust_policy, Names, TableflowInputs, TrustPhase, CONFLUENT_EXTERNAL_ID,
    CONFLUENT_IAM_ROLE_ARN, GLUE_ACTIONS, GLUE_POLICY_KEY, ROLE_KEY, S3_BUCKET_ACTIONS,
    S3_OBJECT_ACTIONS, S3_POLICY_KEY,
};
use common::{assert_clean, resolved, variants, ACCOUNT, CONFLUENT_ID, CONFLUENT_ROLE};
use iam_model::arn::Arn;
use iam_model::deployment::OutputValue;
use iam_model::statement::{PrincipalClause, ResourceClause};
use iam_model::{Effect, Principal, PrincipalKind};

#[test]
fn every_variant_validates_clean() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_clean(&d);
    }
}

fn resources_of(st: &iam_model::Statement) -> Vec<Arn> {
    let Some(ResourceClause::Resource(rs)) = &st.resource else {
        panic!("statement without Resource");
    };
    rs.iter()
        .map(|r| Arn::parse(&r.as_literal().unwrap()).unwrap())
        .collect()
}

/// Parses every S3 statement, resolved: an object-level action appears only with
/// `arn:aws:s3:::{bucket}/*`, a bucket-level action only with `arn:aws:s3:::{bucket}`, and
/// every one of the seed's actions is granted.
#[test]
fn s3_actions_are_on_the_right_arns() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let bucket = Names::new(&inputs.env).bucket;
        let doc = resolved(&d, &d.policy(S3_POLICY_KEY).unwrap().document);
        let mut granted = Vec::new();
        for st in &doc.statements {
            assert_eq!(st.effect, Effect::Allow);
            assert!(!st.action.is_not() && st.condition.is_empty());
            let resources: Vec<String> = resources_of(st).iter().map(ToString::to_string).collect();
            for a in st.action.actions() {
                let a = a.as_str();
                assert!(!a.contains('*'), "{name}: wildcard action {a}");
                if S3_OBJECT_ACTIONS.contains(&a) {
                    assert_eq!(
                        resources,
                        [format!("arn:aws:s3:::{bucket}/*")],
                        "{name}: {a}"
                    );
                } else if S3_BUCKET_ACTIONS.contains(&a) {
                    assert_eq!(resources, [format!("arn:aws:s3:::{bucket}")], "{name}: {a}");
                } else {
                    panic!("{name}: unexpected action {a}");
                }
                granted.push(a);
            }
        }
        granted.sort_unstable();
        let mut expected: Vec<&str> = S3_BUCKET_ACTIONS
            .iter()
            .chain(&S3_OBJECT_ACTIONS)
            .copied()
            .collect();
        expected.sort_unstable();
        assert_eq!(granted, expected, "{name}");
    }
}

#[test]
fn glue_is_limited_to_the_accounts_catalog() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let doc = resolved(&d, &d.policy(GLUE_POLICY_KEY).unwrap().document);
        assert_eq!(doc.statements.len(), 1);
        let st = &doc.statements[0];
        let actions: Vec<&str> = st.action.actions().iter().map(|a| a.as_str()).collect();
        assert_eq!(actions, GLUE_ACTIONS, "{name}");
        let region = inputs.region.as_deref().unwrap_or("us-east-1");
        let resources: Vec<String> = resources_of(st).iter().map(ToString::to_string).collect();
        assert_eq!(
            resources,
            [format!("arn:aws:glue:{region}:{ACCOUNT}:*")],
            "{name}"
        );
    }
}

#[test]
fn the_inputs_select_the_phase() {
    for (name, inputs) in variants() {
        let expected = if name.starts_with("phase1") {
            TrustPhase::WaitingForConfluent
        } else {
            TrustPhase::TrustingConfluent
        };
        assert_eq!(inputs.phase().unwrap(), expected, "{name}");
        let d = build(&inputs).unwrap();
        assert_eq!(
            d.role(ROLE_KEY).unwrap().trust,
            trust_policy(expected),
            "{name}"
        );
        let phase = d.outputs.iter().find(|o| o.name == "trust_phase").unwrap();
        assert_eq!(
            phase.value,
            OutputValue::Number(expected.number().to_string())
        );
    }
}

/// Phase 1: every statement of the trust is a Deny, so nobody can assume the role; the
/// deployment declares no external value (nothing refers to one yet).
#[test]
fn phase_one_trust_lets_nobody_in() {
    let d = build(&TableflowInputs::new("dev")).unwrap();
    let trust = &d.role(ROLE_KEY).unwrap().trust;
    assert!(!trust.statements.is_empty());
    for st in &trust.statements {
        assert_eq!(st.effect, Effect::Deny);
        let Some(PrincipalClause::Principal(p)) = &st.principal else {
            panic!("no Principal");
        };
        assert!(p.is_public(), "the deny covers everyone");
        assert!(st.condition.is_empty(), "the deny is unconditional");
        let actions: Vec<&str> = st.action.actions().iter().map(|a| a.as_str()).collect();
        assert_eq!(actions, ["sts:AssumeRole"]);
    }
    assert!(d.externals.is_empty());
}

/// Phase 2: only Confluent's role is trusted; `sts:AssumeRole` requires the external id;
/// `sts:TagSession` is the only other action.
#[test]
fn phase_two_trusts_only_confluent_with_the_external_id() {
    for (name, inputs) in variants()
        .into_iter()
        .filter(|(n, _)| n.starts_with("phase2"))
    {
        let d = build(&inputs).unwrap();
        let trust = resolved(&d, &d.role(ROLE_KEY).unwrap().trust);
        let mut actions = Vec::new();
        for st in &trust.statements {
            assert_eq!(st.effect, Effect::Allow, "{name}");
            let Some(PrincipalClause::Principal(Principal::Map(_))) = &st.principal else {
                panic!("{name}: principal is not a map");
            };
            let p = st.principal.as_ref().unwrap().principal();
            assert_eq!(p.entries().count(), 1, "{name}");
            let arns: Vec<String> = p
                .values(PrincipalKind::Aws)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(arns, [CONFLUENT_ROLE], "{name}");
            for a in st.action.actions() {
                actions.push(a.as_str().to_owned());
                if a.as_str() == "sts:AssumeRole" {
                    let ids: Vec<String> = st
                        .condition
                        .tests()
                        .filter(|(op, k)| {
                            op.to_string() == "StringEquals" && k.key == "sts:ExternalId"
                        })
                        .flat_map(|(_, k)| k.values.iter().map(|v| v.as_text().to_string()))
                        .collect();
                    assert_eq!(ids, [CONFLUENT_ID], "{name}");
                }
            }
        }
        actions.sort();
        assert_eq!(actions, ["sts:AssumeRole", "sts:TagSession"], "{name}");
        let externals: Vec<(&str, Option<&str>)> = d
            .externals
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            externals,
            [
                (CONFLUENT_IAM_ROLE_ARN, Some(CONFLUENT_ROLE)),
                (CONFLUENT_EXTERNAL_ID, Some(CONFLUENT_ID))
            ]
        );
    }
}

/// Confluent's values stay late-bound in the trust (a Terraform variable each), so changing
/// them is a one-variable change and the rendered trust names them instead of copying them.
#[test]
fn phase_two_refers_to_the_external_values() {
    let (_, inputs) = variants()
        .into_iter()
        .find(|(n, _)| *n == "phase2")
        .unwrap();
    let d = build(&inputs).unwrap();
    let late: Vec<String> = d
        .role(ROLE_KEY)
        .unwrap()
        .trust
        .texts()
        .filter(|t| !t.is_literal())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        late,
        [
            "{{external.confluent_iam_role_arn}}",
            "{{external.confluent_external_id}}",
            "{{external.confluent_iam_role_arn}}"
        ]
    );
}

#[test]
fn names_follow_the_original() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let env = &inputs.env;
        let role = d.role(ROLE_KEY).unwrap();
        assert_eq!(
            (role.name.clone(), role.path.as_str()),
            (format!("{env}-confluent-role"), "/"),
            "{name}"
        );
        assert_eq!(role.description, "");
        assert_eq!(role.max_session_duration, 3600);
        let policies: Vec<(&str, String)> = d
            .policies
            .iter()
            .map(|p| (p.key.as_str(), p.name.clone()))
            .collect();
        assert_eq!(
            policies,
            [
                (
                    S3_POLICY_KEY,
                    format!("{env}-confluent-tableflow-s3-permission")
                ),
                (
                    GLUE_POLICY_KEY,
                    format!("{env}-confluent-tableflow-connection")
                ),
            ]
        );
        for p in &d.policies {
            assert_eq!((p.path.as_str(), p.description.as_str()), ("/", ""));
            assert!(
                role.managed_policy_arns.contains(&p.arn()),
                "{} not attached",
                p.name
            );
        }
        assert_eq!(role.managed_policy_arns.len(), 2);
        assert!(role.inline_policies.is_empty());
    }
}

/// The original's tags: `Project` and `Environment` everywhere, and a `Name` tag that is the
/// role's name on the S3 policy and `{env}-confluent-mock-role` on the role.
#[test]
fn tags_follow_the_original() {
    let (_, inputs) = variants()
        .into_iter()
        .find(|(n, _)| *n == "phase1_tagged")
        .unwrap();
    let d = build(&inputs).unwrap();
    let tags = |m: &std::collections::BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        tags(&d.role(ROLE_KEY).unwrap().tags),
        [
            "Environment=prod",
            "Name=prod-confluent-mock-role",
            "Owner=data-platform",
            "Project=confluent-provisioning"
        ]
    );
    assert_eq!(
        tags(&d.policy(S3_POLICY_KEY).unwrap().tags),
        [
            "Environment=prod",
            "Name=prod-confluent-role",
            "Owner=data-platform",
            "Project=confluent-provisioning"
        ]
    );
    assert_eq!(
        tags(&d.policy(GLUE_POLICY_KEY).unwrap().tags),
        [
            "Environment=prod",
            "Name=prod-confluent-tableflow-connection",
            "Owner=data-platform",
            "Project=confluent-provisioning"
        ]
    );
    // Without a project there is no Project tag.
    let d = build(&TableflowInputs::new("dev")).unwrap();
    assert!(!d.role(ROLE_KEY).unwrap().tags.contains_key("Project"));
}

#[test]
fn outputs_give_the_role_arn_for_the_integration() {
    let d = build(&TableflowInputs::new("dev")).unwrap();
    let names: Vec<&str> = d.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["role_arn", "trust_phase"]);
    assert_eq!(
        d.outputs[0].value,
        OutputValue::Text(d.role(ROLE_KEY).unwrap().arn())
    );
}

#[test]
fn variables_carry_the_inputs_but_not_the_external_values() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let names: Vec<&str> = d.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["env", "project", "region", "tags"], "{name}");
        for e in &d.externals {
            assert!(
                !names.contains(&e.name.as_str()),
                "{name}: {} declared twice",
                e.name
            );
        }
    }
}

/// Every action of every policy is one AWS defines, and every resource it is granted on is a
/// resource type the action takes (AWS's service authorization data): the S3 object actions
/// fit only `…/*`, the bucket actions only the bucket.
#[test]
fn every_resource_fits_its_actions_resource_types() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        for p in &d.policies {
            let doc = resolved(&d, &p.document);
            for st in &doc.statements {
                let resources: Vec<String> =
                    resources_of(st).iter().map(ToString::to_string).collect();
                for a in st.action.actions() {
                    let (_, def) = iam_model::catalog::action(a.as_str())
                        .unwrap_or_else(|| panic!("{name}: unknown action {a}"));
                    for r in &resources {
                        assert!(
                            def.resource_types().any(|(t, _)| t.matches_arn(r)),
                            "{name}: {a} does not take {r}"
                        );
                    }
                }
            }
        }
    }
    // The check can fail: the object ARN is not a bucket, and the bucket ARN not an object.
    let (_, put) = iam_model::catalog::action("s3:PutObject").unwrap();
    assert!(!put
        .resource_types()
        .any(|(t, _)| t.matches_arn("arn:aws:s3:::dev-confluent-topics-backup")));
    let (_, list) = iam_model::catalog::action("s3:ListBucket").unwrap();
    assert!(!list
        .resource_types()
        .any(|(t, _)| t.matches_arn("arn:aws:s3:::dev-confluent-topics-backup/*")));
}
