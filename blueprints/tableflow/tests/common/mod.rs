//! Helpers shared by the TableFlow blueprint's tests: resolving late-bound values the way
//! Terraform would for one account, a readable dump of a deployment for snapshots, and the
//! validation gate every variant must pass.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::borrow::Cow;
use std::fmt::Write as _;

use iam_model::deployment::{Deployment, DeploymentOptions, OutputValue};
use iam_model::text::UnresolvedError;
use iam_model::write::TextWriter;
use iam_model::{JsonStyle, LateBound, PolicyDocument, Resolver, Severity};

/// The account the tests deploy to.
pub const ACCOUNT: &str = "111111111111";
/// The UUID the tests pretend `random_uuid.external_id` generated.
pub const GENERATED_UUID: &str = "5d7c0f0e-3b1a-4c1e-9d4e-2a6f8b9c0d1e";

/// Resolves late-bound values as Terraform would in account [`ACCOUNT`], `us-east-1`.
pub struct InAccount<'d> {
    /// The deployment, for fixed generated values.
    pub deployment: &'d Deployment,
}

impl Resolver for InAccount<'_> {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(match late {
            LateBound::AccountId(None) => Cow::Borrowed(ACCOUNT),
            LateBound::Region => Cow::Borrowed("us-east-1"),
            LateBound::Partition => Cow::Borrowed("aws"),
            LateBound::External(name) => {
                let e = self
                    .deployment
                    .externals
                    .iter()
                    .find(|e| &e.name == name)
                    .and_then(|e| e.value.as_deref())
                    .ok_or_else(|| UnresolvedError::new(late.clone()))?;
                Cow::Owned(e.to_owned())
            }
            LateBound::Generated(name) => {
                let g = self
                    .deployment
                    .generated
                    .iter()
                    .find(|g| &g.name == name)
                    .ok_or_else(|| UnresolvedError::new(late.clone()))?;
                match &g.fixed {
                    Some(v) => Cow::Owned(v.clone()),
                    None => Cow::Borrowed(GENERATED_UUID),
                }
            }
            other => return Err(UnresolvedError::new(other.clone())),
        })
    }
}

/// `doc` with every late-bound value resolved in [`ACCOUNT`]: what IAM holds after apply.
pub fn resolved(d: &Deployment, doc: &PolicyDocument) -> PolicyDocument {
    let json = doc
        .render(&InAccount { deployment: d }, JsonStyle::Compact)
        .unwrap();
    json.parse().unwrap()
}

/// Writes late-bound values as `{{name}}`, for snapshots that show what stays symbolic.
struct Symbolic;

impl TextWriter for Symbolic {
    fn late(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(Cow::Owned(format!("{{{{{late}}}}}")))
    }
}

/// The canonical pretty JSON of `doc`, late-bound values as `{{name}}`.
pub fn pretty(doc: &PolicyDocument) -> String {
    doc.render(&Symbolic, JsonStyle::Pretty).unwrap()
}

fn output_value(v: &OutputValue) -> String {
    match v {
        OutputValue::Text(t) => format!("\"{t}\""),
        OutputValue::Number(n) => n.clone(),
        OutputValue::Bool(b) => b.to_string(),
        OutputValue::Null => "null".into(),
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

/// Every object of a deployment, its policies in canonical pretty JSON: the snapshot text.
pub fn dump(d: &Deployment) -> String {
    let mut s = String::new();
    for r in &d.roles {
        writeln!(s, "role {} ({}{}) in {}", r.key, r.path, r.name, r.account).unwrap();
        if !r.description.is_empty() {
            writeln!(s, "  description: {}", r.description).unwrap();
        }
        writeln!(s, "  max session: {} s", r.max_session_duration).unwrap();
        writeln!(s, "  tags: {:?}", r.tags).unwrap();
        for arn in &r.managed_policy_arns {
            writeln!(s, "  attach: {arn}").unwrap();
        }
        for a in &r.acknowledged {
            writeln!(s, "  acknowledged {}: {}", a.code.as_str(), a.reason).unwrap();
        }
        writeln!(s, "  trust:\n{}", indent(&pretty(&r.trust))).unwrap();
        for (name, doc) in &r.inline_policies {
            writeln!(s, "  inline {name}:\n{}", indent(&pretty(doc))).unwrap();
        }
    }
    for p in &d.policies {
        writeln!(
            s,
            "policy {} ({}{}) in {}",
            p.key, p.path, p.name, p.account
        )
        .unwrap();
        if !p.description.is_empty() {
            writeln!(s, "  description: {}", p.description).unwrap();
        }
        writeln!(s, "  tags: {:?}", p.tags).unwrap();
        writeln!(s, "{}", indent(&pretty(&p.document))).unwrap();
    }
    for g in &d.generated {
        writeln!(s, "generated {}: {:?}", g.name, g.fixed).unwrap();
    }
    for e in &d.externals {
        writeln!(s, "external {}: {:?}", e.name, e.value).unwrap();
    }
    for o in &d.outputs {
        writeln!(s, "output {} = {}", o.name, output_value(&o.value)).unwrap();
    }
    s
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts the deployment validates with no error and no unacknowledged security finding,
/// also with the target account's id known (which turns on the cross-account trust checks).
pub fn assert_clean(d: &Deployment) {
    let mut known = d.clone();
    for a in &mut known.accounts {
        a.id = Some(ACCOUNT.parse().expect("an account id"));
    }
    let mut findings = d.validate(&DeploymentOptions::default());
    findings.extend(known.validate(&DeploymentOptions::default()));
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.is_error() || (f.finding.severity == Severity::Security && f.acknowledged.is_none())
        })
        .map(ToString::to_string)
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

use blueprint_tableflow::TableflowInputs;

/// Confluent's role in the tests (a placeholder: Confluent's real ARNs are not published).
pub const CONFLUENT_ROLE: &str = "arn:aws:iam::999999999999:role/confluent-tableflow-provider";
/// Confluent's external id in the tests.
pub const CONFLUENT_ID: &str = "6a1f0c2e-8d4b-4f3a-9e7c-1b2d3c4e5f60";

/// The config variants every test runs over, by snapshot name.
pub fn variants() -> Vec<(&'static str, TableflowInputs)> {
    let phase1 = TableflowInputs::new("dev");

    let mut phase1_tagged = TableflowInputs::new("prod");
    phase1_tagged.project = Some("confluent-provisioning".into());
    phase1_tagged.region = Some("eu-west-2".into());
    phase1_tagged.tags = [("Owner".to_owned(), "data-platform".to_owned())].into();

    let mut phase2 = TableflowInputs::new("dev");
    phase2.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    phase2.confluent_external_id = Some(CONFLUENT_ID.into());

    let mut phase2_tagged = phase1_tagged.clone();
    phase2_tagged.env = "stage".into();
    phase2_tagged.confluent_iam_role_arn = Some(CONFLUENT_ROLE.into());
    phase2_tagged.confluent_external_id = Some(CONFLUENT_ID.into());

    vec![
        ("phase1", phase1),
        ("phase1_tagged", phase1_tagged),
        ("phase2", phase2),
        ("phase2_tagged", phase2_tagged),
    ]
}
