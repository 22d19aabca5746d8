//! Helpers shared by the runtime connector's tests: resolving late-bound values the way
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

use std::collections::BTreeMap;

use blueprint_runtime_connector::{Addon, AddonParam, RuntimeConnectorInputs};

/// A Kinesis data stream the tests grant.
pub const STREAM_A: &str = "arn:aws:kinesis:us-east-1:111111111111:stream/sym-audit";
/// Another one.
pub const STREAM_B: &str = "arn:aws:kinesis:eu-west-1:222222222222:stream/sym-audit-eu";

/// `(key, value)` pairs as a map.
pub fn params<const N: usize>(pairs: [(&str, AddonParam); N]) -> BTreeMap<String, AddonParam> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// `(key, value)` string pairs as a map.
pub fn strings<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The config variants every test runs over, by snapshot name.
pub fn variants() -> Vec<(&'static str, RuntimeConnectorInputs)> {
    let minimal = RuntimeConnectorInputs::new("sandbox");

    let mut safelist = RuntimeConnectorInputs::new("prod-eu");
    safelist.account_id_safelist = vec!["222222222222".into(), "333333333333".into()];
    safelist.sym_account_ids = vec!["803477428605".into(), "444444444444".into()];

    let mut custom_id = RuntimeConnectorInputs::new("staging");
    custom_id.custom_external_id = "  sym-staging-7f3a  ".into();

    let mut secretsmgr_defaults = RuntimeConnectorInputs::new("dev");
    secretsmgr_defaults.addons = vec![Addon::SecretsManager, Addon::KinesisFirehose];

    let mut all_addons = RuntimeConnectorInputs::new("prod");
    all_addons.addons = vec![
        Addon::KinesisDataStream,
        Addon::SecretsManager,
        Addon::KinesisFirehose,
    ];
    all_addons.addon_params = [
        (
            Addon::SecretsManager,
            params([
                ("tag_name", "Team".into()),
                ("tag_value", "platform-prod".into()),
            ]),
        ),
        (
            Addon::KinesisDataStream,
            params([("stream_arns", [STREAM_A, STREAM_B].into())]),
        ),
    ]
    .into();
    all_addons.account_id_safelist = vec!["222222222222".into()];
    all_addons.policy_arns = strings([
        ("readonly", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ("audit", "arn:aws:iam::111111111111:policy/sym/SymAudit"),
    ]);
    all_addons.tags = strings([("Owner", "platform"), ("CostCenter", "1234")]);

    vec![
        ("minimal", minimal),
        ("safelist", safelist),
        ("custom_external_id", custom_id),
        ("secretsmgr_defaults", secretsmgr_defaults),
        ("all_addons", all_addons),
    ]
}
