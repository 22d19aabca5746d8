//! Test helpers for blueprint crates, used as a dev-dependency.
//!
//! * [`resolved`]: a policy with its late-bound values resolved the way IAM will hold them
//!   (partition `aws`, the deployment's account ids), parsed back into the model, for
//!   comparing with the original's JSON through `iam_model::equivalent`;
//! * [`dump`]: every object of a deployment as readable text, policies as canonical pretty
//!   JSON with late-bound values written `{{name}}`, for `insta` snapshots;
//! * [`assert_clean`]: the gate every blueprint variant passes: no error, no security finding
//!   that is not acknowledged in code;
//! * [`assert_readme_current`]: the README's generated sections (inputs, outputs, diagram)
//!   match the blueprint.
//!
//! Failing is what these helpers are for, so they panic with the reason instead of returning
//! errors.

#![allow(clippy::panic, clippy::expect_used)]

use std::borrow::Cow;
use std::fmt::Write as _;

use iam_model::deployment::{Deployment, DeploymentOptions, OutputValue, Role};
use iam_model::render::iam::Resolution;
use iam_model::text::UnresolvedError;
use iam_model::write::TextWriter;
use iam_model::{JsonStyle, LateBound, PolicyDocument, Severity};

/// The id that stands for an account the deployment gives no id (`member`, `default`).
pub const STAND_IN_ACCOUNT_ID: &str = "999999999999";

/// How late-bound values resolve in [`resolved`]: partition `aws`, region `eu-west-1`, each
/// account's id or [`STAND_IN_ACCOUNT_ID`], a generated value without a fixed one as
/// `generated-<name>`, an external value not yet known as `external-<name>`.
pub fn resolution(d: &Deployment) -> Resolution {
    let mut r = Resolution {
        default_account_id: Some(STAND_IN_ACCOUNT_ID.to_owned()),
        region: Some("eu-west-1".to_owned()),
        partition: Some("aws".to_owned()),
        ..Resolution::default()
    };
    for g in d.generated.iter().filter(|g| g.fixed.is_none()) {
        r.generated
            .insert(g.name.clone(), format!("generated-{}", g.name));
    }
    for e in d.externals.iter().filter(|e| e.value.is_none()) {
        r.externals
            .insert(e.name.clone(), format!("external-{}", e.name));
    }
    r
}

/// `doc`, a policy of an object in the account keyed `account`, with every late-bound value
/// resolved by [`resolution`]: what IAM holds after apply.
pub fn resolved(d: &Deployment, account: &str, doc: &PolicyDocument) -> PolicyDocument {
    let r = resolution(d);
    let index = iam_model::deployment::resolve::Index::new(d);
    let json = doc
        .render(&r.for_account(&index, account), JsonStyle::Compact)
        .unwrap_or_else(|e| panic!("{e}"));
    PolicyDocument::from_json(&json).expect("a rendered policy parses")
}

/// Writes late-bound values as `{{name}}`, for snapshots that show what refers to what.
struct Symbolic;

impl TextWriter for Symbolic {
    fn late(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(Cow::Owned(format!("{{{{{late}}}}}")))
    }
}

/// The canonical pretty JSON of `doc`, late-bound values as `{{name}}`.
pub fn pretty(doc: &PolicyDocument) -> String {
    doc.render(&Symbolic, JsonStyle::Pretty)
        .expect("the symbolic writer resolves everything")
}

fn output_value(v: &OutputValue) -> String {
    match v {
        OutputValue::Text(t) => format!("\"{t}\""),
        OutputValue::Number(n) => n.clone(),
        OutputValue::Bool(b) => b.to_string(),
        OutputValue::Null => "null".to_owned(),
        OutputValue::List(items) => {
            let items: Vec<String> = items.iter().map(output_value).collect();
            format!("[{}]", items.join(", "))
        }
        OutputValue::Map(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k} = {}", output_value(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Every object of a deployment, one section each, policies as canonical pretty JSON.
pub fn dump(d: &Deployment) -> String {
    // Writing to a String cannot fail.
    let mut s = String::new();
    let _ = writeln!(s, "# deployment {} ({})", d.blueprint, d.instance);
    for a in &d.accounts {
        let _ = writeln!(
            s,
            "account {}: {} — {}",
            a.key,
            a.id.as_deref().unwrap_or("(any)"),
            a.description
        );
    }
    for g in &d.generated {
        let _ = writeln!(
            s,
            "generated {}: {}",
            g.name,
            g.fixed.as_deref().unwrap_or("(generated at apply)")
        );
    }
    for p in &d.oidc_providers {
        let _ = writeln!(s, "\n# OIDC provider {} in {}", p.key, p.account);
        let _ = writeln!(
            s,
            "url: {}\nclient ids: {:?}\nthumbprints: {:?}",
            p.url, p.client_ids, p.thumbprints
        );
    }
    for r in &d.roles {
        dump_role(&mut s, r);
    }
    let _ = writeln!(s, "\n# outputs");
    for o in &d.outputs {
        let _ = writeln!(s, "{} = {}", o.name, output_value(&o.value));
    }
    s
}

fn dump_role(s: &mut String, r: &Role) {
    let _ = writeln!(
        s,
        "\n# role {} in {}: name {:?}, path {:?}, max session {} s, description {:?}",
        r.key, r.account, r.name, r.path, r.max_session_duration, r.description
    );
    for a in &r.acknowledged {
        let _ = writeln!(s, "acknowledged {}: {}", a.code, a.reason);
    }
    let _ = writeln!(s, "## trust\n{}", pretty(&r.trust));
    for (name, doc) in &r.inline_policies {
        let _ = writeln!(s, "## inline policy {name}\n{}", pretty(doc));
    }
    for arn in &r.managed_policy_arns {
        let _ = writeln!(s, "## attached {arn}");
    }
}

/// Panics when the deployment has an error or a security finding that is not acknowledged in
/// code; returns the acknowledged ones, as text.
pub fn assert_clean(d: &Deployment) -> Vec<String> {
    let findings = d.validate(&DeploymentOptions::default());
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.is_error() || (f.finding.severity == Severity::Security && f.acknowledged.is_none())
        })
        .map(ToString::to_string)
        .collect();
    assert!(
        bad.is_empty(),
        "{} does not validate:\n{}",
        d.blueprint,
        bad.join("\n")
    );
    findings
        .iter()
        .filter(|f| f.acknowledged.is_some())
        .map(ToString::to_string)
        .collect()
}

/// Asserts that the blueprint README at `readme` has current generated sections: the inputs
/// table from `specs`, the outputs table and the role diagram of `d` (the example deployment).
/// With `UPDATE_READMES=1` the sections are rewritten instead.
pub fn assert_readme_current(readme: &str, d: &Deployment, specs: &[blueprint_kit::InputSpec]) {
    use blueprint_kit::{inputs_markdown, mermaid, outputs_markdown, readme_section_check};
    for (marker, generated) in [
        ("inputs", inputs_markdown(specs)),
        ("outputs", outputs_markdown(d)),
        ("diagram", format!("```mermaid\n{}```", mermaid(d))),
    ] {
        readme_section_check(readme, marker, &generated)
            .unwrap_or_else(|e| panic!("{readme}: section `{marker}`: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_model::deployment::{Account, GeneratedValue};
    use iam_model::{Condition, Principal, Statement};

    fn deployment() -> Deployment {
        let trust = PolicyDocument::new([Statement::allow()
            .principal(Principal::aws([LateBound::account("management")]))
            .action("sts:AssumeRole")
            .condition(Condition::string_equals(
                "sts:ExternalId",
                [LateBound::Generated("id".into())],
            ))]);
        Deployment::builder()
            .blueprint("t")
            .instance("t")
            .accounts(vec![
                Account::builder()
                    .key("management")
                    .id("123456789012".parse().expect("an account id"))
                    .build(),
                Account::new("member"),
            ])
            .roles(vec![Role::builder()
                .key("r")
                .account("member")
                .name("r")
                .trust(trust)
                .build()])
            .generated(vec![GeneratedValue::builder().name("id").build()])
            .build()
    }

    #[test]
    fn resolves_accounts_generated_values_and_stand_ins() {
        let d = deployment();
        let doc = resolved(&d, "member", &d.roles[0].trust);
        assert_eq!(
            doc.to_json_compact().unwrap_or_default(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"generated-id"}}}]}"#
        );
        let text = dump(&d);
        assert!(text.contains("account member: (any)"), "{text}");
        assert!(
            text.contains("\"AWS\": \"{{account_id(management)}}\""),
            "{text}"
        );
        assert!(
            text.contains("generated id: (generated at apply)"),
            "{text}"
        );
    }

    #[test]
    #[should_panic(expected = "does not validate")]
    fn the_gate_rejects_an_error() {
        let mut d = deployment();
        d.roles[0].name = "bad name".into();
        assert_clean(&d);
    }
}
