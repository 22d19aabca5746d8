//! null-label 0.25.0 naming: label order, delimiter, letter case, character cleaning,
//! attributes, context merging, id shortening and tags, and the role names built from them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use blueprint_aws_teams::{build, AwsTeamsInputs, Label, LabelKeyCase, LabelValueCase};
use common::*;

fn label(i: &AwsTeamsInputs) -> Label {
    Label::from_inputs(&i.label).unwrap_or_else(|e| panic!("{e:?}"))
}

fn labelled(f: impl FnOnce(&mut AwsTeamsInputs)) -> AwsTeamsInputs {
    let mut i = seed_inputs();
    f(&mut i);
    i
}

fn error_of(i: &AwsTeamsInputs) -> String {
    match Label::from_inputs(&i.label) {
        Ok(l) => panic!("expected an error, got {l:?}"),
        Err(e) => format!("{e} / {e:?}"),
    }
}

#[test]
fn default_order_leaves_tenant_out() {
    let i = labelled(|i| i.label.label_order = None);
    assert_eq!(label(&i).id, "eg-gbl-identity");
    let i = labelled(|i| i.label.label_order = Some(vec![]));
    assert_eq!(
        label(&i).id,
        "eg-gbl-identity",
        "an empty order falls back to the default"
    );
    assert_eq!(label(&seed_inputs()).id, "eg-core-gbl-identity");
}

#[test]
fn order_is_followed_and_empty_labels_skipped() {
    let i = labelled(|i| i.label.label_order = Some(order(&["stage", "namespace", "name"])));
    assert_eq!(label(&i).id, "identity-eg");
    let i = labelled(|i| {
        i.label.name = Some("teams".into());
        i.label.label_order = Some(order(&["name", "stage"]));
    });
    assert_eq!(label(&i).id, "teams-identity");
}

#[test]
fn role_names_are_id_delimiter_and_raw_team_key() {
    let mut i = seed_inputs();
    i.teams_config.insert("ops_admin".into(), viewer());
    let d = build(&i).unwrap();
    assert_eq!(d.role("admin").unwrap().name, "eg-core-gbl-identity-admin");
    // The team key is not cleaned: `_` stays although the label regex would remove it.
    assert_eq!(
        d.role("ops_admin").unwrap().name,
        "eg-core-gbl-identity-ops_admin"
    );
    assert_eq!(
        d.policy("team_role_access").unwrap().name,
        "eg-core-gbl-identity-TeamRoleAccess"
    );

    let i = labelled(|i| i.label.delimiter = Some("_".into()));
    let d = build(&i).unwrap();
    assert_eq!(
        d.role("viewer").unwrap().name,
        "eg_core_gbl_identity_viewer"
    );
}

#[test]
fn delimiter_and_value_case() {
    let i = labelled(|i| {
        i.label.delimiter = Some(String::new());
        i.label.label_value_case = Some(LabelValueCase::Title);
    });
    assert_eq!(
        label(&i).id,
        "EgCoreGblIdentity",
        "title case without delimiter is Pascal case"
    );
    let i = labelled(|i| i.label.label_value_case = Some(LabelValueCase::Upper));
    assert_eq!(label(&i).id, "EG-CORE-GBL-IDENTITY");
    let i = labelled(|i| {
        i.label.namespace = Some("Eg".into());
        i.label.label_value_case = Some(LabelValueCase::AsIs);
    });
    assert_eq!(label(&i).id, "Eg-core-gbl-identity");
    let i = labelled(|i| i.label.namespace = Some("EG".into()));
    assert_eq!(
        label(&i).id,
        "eg-core-gbl-identity",
        "lower case by default"
    );
    // title() never lower-cases by itself; null-label lower-cases first.
    let i = labelled(|i| {
        i.label.stage = Some("PROD-eu".into());
        i.label.label_value_case = Some(LabelValueCase::Title);
    });
    assert_eq!(label(&i).stage, "Prod-Eu");
}

#[test]
fn characters_are_cleaned_by_regex_replace_chars() {
    let i = labelled(|i| i.label.namespace = Some("e.g_ !".into()));
    assert_eq!(label(&i).namespace, "eg");
    let i = labelled(|i| {
        i.label.namespace = Some("e.g_x".into());
        i.label.regex_replace_chars = Some("/[^a-zA-Z0-9_-]/".into());
    });
    assert_eq!(label(&i).namespace, "eg_x");
    // Without slashes the pattern is a literal substring, as in Terraform's replace().
    let i = labelled(|i| {
        i.label.namespace = Some("e.g.x".into());
        i.label.regex_replace_chars = Some(".".into());
    });
    assert_eq!(label(&i).namespace, "egx");
    // An empty pattern means the default (Terraform's coalesce skips empty strings).
    let i = labelled(|i| {
        i.label.namespace = Some("e.g".into());
        i.label.regex_replace_chars = Some(String::new());
    });
    assert_eq!(label(&i).namespace, "eg");
}

#[test]
fn attributes_are_cleaned_cased_deduplicated_and_joined() {
    let i = labelled(|i| i.label.attributes = strings(&["blue", "Blue", "", "x y", "b.lue"]));
    let l = label(&i);
    assert_eq!(l.attributes, strings(&["blue", "xy"]));
    assert_eq!(l.id, "eg-core-gbl-identity-blue-xy");
    let i = labelled(|i| {
        i.label.attributes = strings(&["a", "b"]);
        i.label.delimiter = Some("_".into());
        i.label.label_order = Some(order(&["attributes", "namespace"]));
    });
    assert_eq!(label(&i).id, "a_b_eg");
}

#[test]
fn context_is_overridden_by_inputs_and_merged_for_lists_and_tags() {
    let mut i = AwsTeamsInputs::new(
        "us-east-1",
        BTreeMap::from([("identity".to_owned(), IDENTITY.to_owned())]),
        BTreeMap::new(),
    );
    i.label.context.namespace = Some("ctx".into());
    i.label.context.stage = Some("identity".into());
    i.label.context.attributes = strings(&["one"]);
    i.label.context.tags = BTreeMap::from([
        ("Team".to_owned(), "ctx".to_owned()),
        ("Owner".to_owned(), "ctx".to_owned()),
    ]);
    i.label.context.delimiter = Some(".".into());
    i.label.attributes = strings(&["two", "one"]);
    i.label.tags = BTreeMap::from([("Owner".to_owned(), "input".to_owned())]);
    i.label.stage = Some("prod".into());
    let l = label(&i);
    assert_eq!(l.id, "ctx.prod.one.two");
    assert_eq!(l.tags.get("Team").map(String::as_str), Some("ctx"));
    assert_eq!(l.tags.get("Owner").map(String::as_str), Some("input"));
    i.label.context.enabled = false;
    assert!(!label(&i).enabled);
    i.label.enabled = Some(true);
    assert!(label(&i).enabled);
}

#[test]
fn long_ids_are_shortened_with_an_md5_suffix() {
    // md5("eg-core-gbl-identity-blue-green") = 20e3bb4567e3e634955a3297ddf65822
    let long = |limit: u32| {
        label(&labelled(|i| {
            i.label.attributes = strings(&["blue", "green"]);
            i.label.id_length_limit = Some(limit);
        }))
    };
    let l = long(20);
    assert_eq!(l.id_full, "eg-core-gbl-identity-blue-green");
    assert_eq!(l.id, "eg-core-gbl-id-20e3b");
    assert_eq!(long(16).id, "eg-core-gb-20e3b");
    // A cut that ends in the delimiter does not double it.
    assert_eq!(long(14).id, "eg-core-20e3bb");
    assert_eq!(
        long(0).id,
        "eg-core-gbl-identity-blue-green",
        "0 is unlimited"
    );
    assert_eq!(
        long(31).id,
        "eg-core-gbl-identity-blue-green",
        "not longer than the limit"
    );
    // Title case applies to the hash too. md5("EgCoreGblIdentity") = bf7bf29838e3...
    let l = label(&labelled(|i| {
        i.label.delimiter = Some(String::new());
        i.label.label_value_case = Some(LabelValueCase::Title);
        i.label.id_length_limit = Some(12);
    }));
    assert_eq!(l.id, "EgCoreGBf7bf");
}

#[test]
fn generated_tags() {
    let l = label(&seed_inputs());
    let want = BTreeMap::from([
        ("Namespace".to_owned(), "eg".to_owned()),
        ("Tenant".to_owned(), "core".to_owned()),
        ("Environment".to_owned(), "gbl".to_owned()),
        ("Stage".to_owned(), "identity".to_owned()),
        ("Name".to_owned(), "eg-core-gbl-identity".to_owned()),
    ]);
    assert_eq!(l.tags, want);
    // The tenant tag is generated even when tenant is not part of the id.
    let l = label(&labelled(|i| i.label.label_order = None));
    assert_eq!(l.tags.get("Tenant").map(String::as_str), Some("core"));
    assert_eq!(
        l.tags.get("Name").map(String::as_str),
        Some("eg-gbl-identity")
    );

    let l = label(&labelled(|i| {
        i.label.label_key_case = Some(LabelKeyCase::Upper);
        i.label.attributes = strings(&["x"]);
    }));
    assert_eq!(l.tags.get("NAMESPACE").map(String::as_str), Some("eg"));
    assert_eq!(l.tags.get("ATTRIBUTES").map(String::as_str), Some("x"));
    let l = label(&labelled(|i| {
        i.label.label_key_case = Some(LabelKeyCase::Lower)
    }));
    assert!(l.tags.contains_key("stage"));

    let l = label(&labelled(|i| {
        i.label.labels_as_tags = strings(&["stage", "name"])
    }));
    assert_eq!(l.tags.keys().collect::<Vec<_>>(), ["Name", "Stage"]);
    let l = label(&labelled(|i| i.label.labels_as_tags = vec![]));
    assert!(l.tags.is_empty());
    // A context that sets labels_as_tags wins over the input (null-label's exception).
    let l = label(&labelled(|i| {
        i.label.context.labels_as_tags = strings(&["namespace"]);
        i.label.labels_as_tags = strings(&["stage"]);
    }));
    assert_eq!(l.tags.keys().collect::<Vec<_>>(), ["Namespace"]);
    // Input tags are merged over the generated ones.
    let l = label(&labelled(|i| {
        i.label.tags = BTreeMap::from([("Stage".to_owned(), "custom".to_owned())]);
    }));
    assert_eq!(l.tags.get("Stage").map(String::as_str), Some("custom"));
}

#[test]
fn roles_are_tagged_with_their_own_name() {
    let d = build(&seed_inputs()).unwrap();
    let role = d.role("admin").unwrap();
    assert_eq!(
        role.tags.get("Name").map(String::as_str),
        Some("eg-core-gbl-identity-admin")
    );
    assert_eq!(role.tags.get("Tenant").map(String::as_str), Some("core"));
    let policy = d.policy("team_role_access").unwrap();
    assert_eq!(
        policy.tags.get("Name").map(String::as_str),
        Some("eg-core-gbl-identity")
    );
}

/// What the input types cannot say (the letter cases and label names are checked when a
/// config is read, see `config.rs`).
#[test]
fn bad_label_inputs_are_reported_with_their_input() {
    let e = error_of(&labelled(|i| i.label.id_length_limit = Some(5)));
    assert!(
        e.contains("id_length_limit") && e.contains("`5` is below the minimum of 6"),
        "{e}"
    );
    let e = error_of(&labelled(|i| i.label.context.id_length_limit = Some(3)));
    assert!(e.contains("context.id_length_limit"), "{e}");
    let e = error_of(&labelled(|i| {
        i.label.regex_replace_chars = Some("/[a-/".into())
    }));
    assert!(
        e.contains("regex_replace_chars") && e.contains("`/[a-/`"),
        "{e}"
    );
}

#[test]
fn disabled_creates_nothing() {
    let d = build(&labelled(|i| i.label.enabled = Some(false))).unwrap();
    assert!(d.roles.is_empty() && d.policies.is_empty());
}
