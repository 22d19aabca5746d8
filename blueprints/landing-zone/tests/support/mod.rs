//! Test helpers: resolving a deployment's late-bound values the way IAM will hold them, and a
//! readable dump of every object for snapshots.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;
use std::fmt::Write as _;

use iam_model::deployment::{Deployment, DeploymentOptions, OutputValue, Role};
use iam_model::text::{ObjectKind, RefAttribute, Resolver, UnresolvedError};
use iam_model::write::JsonStyle;
use iam_model::{LateBound, PolicyDocument, Severity};

/// Resolves late-bound values as IAM will see them after apply, in partition `aws`, for objects
/// in the account `current` (the key of the account the policy lives in).
pub struct Live<'d> {
    pub deployment: &'d Deployment,
    pub current: String,
}

impl<'d> Live<'d> {
    pub fn new(deployment: &'d Deployment, current: &str) -> Self {
        Live {
            deployment,
            current: current.to_owned(),
        }
    }

    fn account_id(&self, key: &str) -> Result<String, UnresolvedError> {
        self.deployment
            .account(key)
            .and_then(|a| a.id.clone())
            .ok_or_else(|| UnresolvedError::new(LateBound::account(key)))
    }

    /// A document with every late-bound value resolved, parsed back into the model.
    pub fn resolve(&self, doc: &PolicyDocument) -> PolicyDocument {
        let json = doc
            .render(self, JsonStyle::Compact)
            .expect("every value resolves");
        PolicyDocument::from_json(&json).expect("rendered policies parse")
    }
}

impl Resolver for Live<'_> {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        let owned = match late {
            LateBound::AccountId(None) => self.account_id(&self.current)?,
            LateBound::AccountId(Some(k)) => self.account_id(k)?,
            LateBound::Partition => "aws".to_owned(),
            LateBound::Ref(r) if r.attribute == RefAttribute::Arn => match r.kind {
                ObjectKind::Role => {
                    let role = self
                        .deployment
                        .role(&r.key)
                        .ok_or_else(|| UnresolvedError::new(late.clone()))?;
                    format!(
                        "arn:aws:iam::{}:role{}{}",
                        self.account_id(&role.account)?,
                        role.path,
                        role.name
                    )
                }
                ObjectKind::OidcProvider => {
                    let p = self
                        .deployment
                        .oidc_provider(&r.key)
                        .ok_or_else(|| UnresolvedError::new(late.clone()))?;
                    format!(
                        "arn:aws:iam::{}:oidc-provider/{}",
                        self.account_id(&p.account)?,
                        p.host_path()
                    )
                }
                ObjectKind::Policy => {
                    let p = self
                        .deployment
                        .policy(&r.key)
                        .ok_or_else(|| UnresolvedError::new(late.clone()))?;
                    format!(
                        "arn:aws:iam::{}:policy{}{}",
                        self.account_id(&p.account)?,
                        p.path,
                        p.name
                    )
                }
            },
            LateBound::Generated(name) => self
                .deployment
                .generated
                .iter()
                .find(|g| &g.name == name)
                // A value generated at apply time stands in as `generated-<name>`.
                .map(|g| {
                    g.fixed
                        .clone()
                        .unwrap_or_else(|| format!("generated-{}", g.name))
                })
                .ok_or_else(|| UnresolvedError::new(late.clone()))?,
            other => return Err(UnresolvedError::new(other.clone())),
        };
        Ok(Cow::Owned(owned))
    }
}

/// Writes late-bound values as `{{name}}`, for snapshots that show what refers to what.
pub struct Symbolic;

impl Resolver for Symbolic {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        Ok(Cow::Owned(format!("{{{{{late}}}}}")))
    }
}

pub fn pretty(doc: &PolicyDocument) -> String {
    doc.render(&Symbolic, JsonStyle::Pretty).unwrap()
}

fn output_value(v: &OutputValue) -> String {
    match v {
        OutputValue::Text(t) => format!("\"{t}\""),
        OutputValue::Number(n) => n.clone(),
        OutputValue::Bool(b) => b.to_string(),
        OutputValue::Null => "null".to_owned(),
        OutputValue::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(output_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        OutputValue::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k} = {}", output_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Every object of a deployment, one section each, policies as canonical pretty JSON.
pub fn dump(d: &Deployment) -> String {
    let mut s = String::new();
    writeln!(s, "# deployment {} ({})", d.blueprint, d.instance).unwrap();
    for a in &d.accounts {
        writeln!(
            s,
            "account {}: {} — {}",
            a.key,
            a.id.as_deref().unwrap_or("(any)"),
            a.description
        )
        .unwrap();
    }
    for g in &d.generated {
        writeln!(
            s,
            "generated {}: {}",
            g.name,
            g.fixed.as_deref().unwrap_or("(generated at apply)")
        )
        .unwrap();
    }
    for p in &d.oidc_providers {
        writeln!(s, "\n# OIDC provider {} in {}", p.key, p.account).unwrap();
        writeln!(
            s,
            "url: {}\nclient ids: {:?}\nthumbprints: {:?}",
            p.url, p.client_ids, p.thumbprints
        )
        .unwrap();
    }
    for r in &d.roles {
        dump_role(&mut s, r);
    }
    writeln!(s, "\n# outputs").unwrap();
    for o in &d.outputs {
        writeln!(s, "{} = {}", o.name, output_value(&o.value)).unwrap();
    }
    s
}

fn dump_role(s: &mut String, r: &Role) {
    writeln!(
        s,
        "\n# role {} in {}: name {:?}, path {:?}, max session {} s, description {:?}",
        r.key, r.account, r.name, r.path, r.max_session_duration, r.description
    )
    .unwrap();
    for a in &r.acknowledged {
        writeln!(s, "acknowledged {}: {}", a.code, a.reason).unwrap();
    }
    writeln!(s, "## trust\n{}", pretty(&r.trust)).unwrap();
    for (name, doc) in &r.inline_policies {
        writeln!(s, "## inline policy {name}\n{}", pretty(doc)).unwrap();
    }
    for arn in &r.managed_policy_arns {
        writeln!(s, "## attached {arn}").unwrap();
    }
}

/// Asserts that the deployment has no error and no unacknowledged security finding, and returns
/// the acknowledged ones.
pub fn assert_clean(d: &Deployment) -> Vec<String> {
    let findings = d.validate(&DeploymentOptions::default());
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.is_error() || (f.finding.severity == Severity::Security && f.acknowledged.is_none())
        })
        .map(ToString::to_string)
        .collect();
    assert!(bad.is_empty(), "findings:\n{}", bad.join("\n"));
    findings
        .iter()
        .filter(|f| f.acknowledged.is_some())
        .map(ToString::to_string)
        .collect()
}

/// Every finding of the deployment, for messages.
pub fn findings(d: &Deployment) -> Vec<String> {
    d.validate(&DeploymentOptions::default())
        .iter()
        .map(ToString::to_string)
        .collect()
}
