//! The resolved IAM JSON: every object exactly as IAM will hold it after apply, with late-bound
//! values resolved from a [`Resolution`] (the `--account-id`, `--region`, `--partition`, ...
//! flags of `cargo xtask render --format iam`).
//!
//! ```json
//! {"roles": [{"account_id", "name", "path", "arn", "description", "max_session_duration",
//!             "permissions_boundary", "trust_policy", "inline_policies": {name: policy},
//!             "managed_policy_arns": [...], "tags": {...}}],
//!  "policies": [{"account_id", "name", "path", "arn", "description", "document", "tags"}],
//!  "oidc_providers": [{"account_id", "arn", "url", "client_id_list", "thumbprint_list", "tags"}],
//!  "outputs": {...}}
//! ```
//!
//! Policies are JSON objects in their canonical compact form (the text IAM measures), ARNs are
//! computed the way IAM forms them (`arn:{partition}:iam::{account}:role{path}{name}`), an OIDC
//! provider's `url` is its host and path without `https://` (what `GetOpenIDConnectProvider`
//! returns), an empty description is `null`, and tags include the ownership tags.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::deployment::resolve::{Concrete, Index, Missing, MissingPart, Values};
use crate::deployment::{
    Account, Deployment, ExternalValue, GeneratedValue, ObjectId, OutputValue, Role,
};
use crate::policy::PolicyDocument;
use crate::render::{check_ownership_tags, object_tags, RenderError};
use crate::text::{LateBound, Segment, Text};
use crate::write::JsonStyle;

/// The values of a deployment's late-bound values, for the resolved rendering.
///
/// Account ids are looked up by account key in [`Resolution::account_ids`], then in the
/// deployment's own [`Account::id`](crate::deployment::Account::id), then
/// [`Resolution::default_account_id`]. Generated and external values are looked up here first,
/// then in the deployment (a fixed generated value, an external value already known).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    /// Account ids by account key (`--account-id KEY=ID`).
    pub account_ids: BTreeMap<String, String>,
    /// The id of every account given no other (`--account-id ID`).
    pub default_account_id: Option<String>,
    /// The region (`--region`).
    pub region: Option<String>,
    /// The partition (`--partition`): `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: Option<String>,
    /// Generated values by name (`--generated NAME=VALUE`).
    pub generated: BTreeMap<String, String>,
    /// External values by name (`--external NAME=VALUE`).
    pub externals: BTreeMap<String, String>,
}

impl Resolution {
    /// The id of the account keyed `key` in `d`.
    pub fn account_id<'a>(&'a self, d: &'a Deployment, key: &str) -> Option<&'a str> {
        d.account(key).and_then(|a| Values::account_id(self, a))
    }

    /// A resolver for the late-bound values of an object deployed to `account`:
    /// `LateBound::AccountId(None)` is that account's id.
    pub fn for_account<'a>(
        &'a self,
        index: &'a Index<'a>,
        account: &'a str,
    ) -> AccountResolver<'a> {
        Concrete::new(index, self, account)
    }

    /// Which flag gives the value that is missing.
    fn missing_help(missing: &Missing<'_>) -> String {
        let Missing::Value(referent, part) = missing else {
            return String::new();
        };
        match part {
            MissingPart::AccountId => {
                let key = referent.account().unwrap_or_default();
                format!("pass `--account-id {key}=ID` (or `--account-id ID` for every account)")
            }
            MissingPart::Partition => {
                "pass `--partition` (`aws`, `aws-cn`, `aws-us-gov`, ...)".to_owned()
            }
            MissingPart::Region => "pass `--region`".to_owned(),
            MissingPart::Generated => format!(
                "pass `--generated {}=VALUE`, the value the first deployment generated",
                referent.key()
            ),
            MissingPart::External => format!("pass `--external {}=VALUE`", referent.key()),
            MissingPart::UniqueId => "IAM assigns unique ids when it creates the object; render for Terraform or apply instead".to_owned(),
        }
    }
}

/// The flags are the values: ids by account key first, then the id the deployment gives the
/// account, then the id given for every account.
impl Values for Resolution {
    fn account_id<'s>(&'s self, account: &'s Account) -> Option<&'s str> {
        self.account_ids
            .get(&account.key)
            .map(String::as_str)
            .or(account.id.as_deref())
            .or(self.default_account_id.as_deref())
    }

    fn partition<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
        self.partition.as_deref()
    }

    fn region<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
        self.region.as_deref()
    }

    fn generated<'s>(&'s self, value: &'s GeneratedValue) -> Option<&'s str> {
        self.generated.get(&value.name).map(String::as_str)
    }

    fn external<'s>(&'s self, value: &'s ExternalValue) -> Option<&'s str> {
        self.externals.get(&value.name).map(String::as_str)
    }

    /// IAM assigns it when it creates the role: no flag gives it.
    fn role_unique_id(&self, _: &Role, _: &str) -> Option<String> {
        None
    }
}

/// Resolves late-bound values for objects deployed to one account (see
/// [`Resolution::for_account`]).
pub type AccountResolver<'a> = Concrete<'a, Resolution>;

/// Renders `d` as one resolved IAM JSON document (pretty, two-space indented, ending with a
/// newline), resolving every late-bound value from `resolution`.
pub fn render(d: &Deployment, resolution: &Resolution) -> Result<String, RenderError> {
    check_ownership_tags(d)?;
    let index = Index::new(d);
    let cx = Cx {
        index: &index,
        resolution,
    };
    let mut roles = Vec::new();
    for role in &d.roles {
        let id = ObjectId::Role(role.key.clone());
        let boundary = match &role.permissions_boundary {
            Some(b) => cx.text(b, &role.account, &id)?,
            None => Json::Value(Value::Null),
        };
        let mut inline = Vec::new();
        for (name, doc) in &role.inline_policies {
            let pid = ObjectId::Inline(role.key.clone(), name.clone());
            inline.push((name.clone(), cx.policy(doc, &role.account, &pid)?));
        }
        let arns = role
            .managed_policy_arns
            .iter()
            .map(|a| cx.text(a, &role.account, &id))
            .collect::<Result<Vec<_>, _>>()?;
        roles.push(Json::object([
            ("account_id", cx.account_id(&role.account, &id)?),
            ("name", Json::string(&role.name)),
            ("path", Json::string(&role.path)),
            ("arn", cx.text(&role.arn(), &role.account, &id)?),
            ("description", non_empty(&role.description)),
            (
                "max_session_duration",
                Json::Value(role.max_session_duration.into()),
            ),
            ("permissions_boundary", boundary),
            (
                "trust_policy",
                cx.policy(
                    &role.trust,
                    &role.account,
                    &ObjectId::Trust(role.key.clone()),
                )?,
            ),
            ("inline_policies", Json::Object(inline)),
            ("managed_policy_arns", Json::Array(arns)),
            ("tags", tags(d, &role.tags, &id)?),
        ]));
    }
    let mut policies = Vec::new();
    for p in &d.policies {
        let id = ObjectId::Policy(p.key.clone());
        policies.push(Json::object([
            ("account_id", cx.account_id(&p.account, &id)?),
            ("name", Json::string(&p.name)),
            ("path", Json::string(&p.path)),
            ("arn", cx.text(&p.arn(), &p.account, &id)?),
            ("description", non_empty(&p.description)),
            ("document", cx.policy(&p.document, &p.account, &id)?),
            ("tags", tags(d, &p.tags, &id)?),
        ]));
    }
    let mut oidc = Vec::new();
    for p in &d.oidc_providers {
        let id = ObjectId::OidcProvider(p.key.clone());
        oidc.push(Json::object([
            ("account_id", cx.account_id(&p.account, &id)?),
            ("arn", cx.text(&p.arn(), &p.account, &id)?),
            ("url", Json::string(p.host_path())),
            ("client_id_list", Json::Value(p.client_ids.clone().into())),
            ("thumbprint_list", Json::Value(p.thumbprints.clone().into())),
            ("tags", tags(d, &p.tags, &id)?),
        ]));
    }
    let primary = d
        .primary_account()
        .ok_or_else(|| RenderError::NoAccount {
            blueprint: d.blueprint.clone(),
        })?
        .key
        .as_str();
    let mut outputs = Vec::new();
    for out in &d.outputs {
        let id = ObjectId::Output(out.name.clone());
        outputs.push((
            out.name.clone(),
            Json::Value(cx.output_value(&out.value, primary, &id)?),
        ));
    }
    let doc = Json::object([
        ("roles", Json::Array(roles)),
        ("policies", Json::Array(policies)),
        ("oidc_providers", Json::Array(oidc)),
        ("outputs", Json::Object(outputs)),
    ]);
    let mut s = String::new();
    doc.write(0, &mut s);
    s.push('\n');
    Ok(s)
}

/// A JSON tree whose policies stay the exact canonical text the writer produced: parsing them
/// into a `serde_json::Value` would rewrite numbers such as `1.50`.
enum Json {
    Value(Value),
    /// Valid JSON text without newlines, written as it is.
    Raw(String),
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
}

impl Json {
    fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
        Json::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn string(s: &str) -> Json {
        Json::Value(Value::String(s.to_owned()))
    }

    /// Pretty JSON in serde_json's layout (two spaces, `"key": value`), starting at `indent`.
    fn write(&self, indent: usize, out: &mut String) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            Json::Value(v) => {
                // Serializing a `Value` cannot fail: every key is a string.
                let text = serde_json::to_string_pretty(v).unwrap_or_default();
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                        pad(out, indent);
                    }
                    out.push_str(line);
                }
            }
            Json::Raw(s) => out.push_str(s),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    pad(out, indent + 2);
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    v.write(indent + 2, out);
                }
                out.push('\n');
                pad(out, indent);
                out.push('}');
            }
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    pad(out, indent + 2);
                    v.write(indent + 2, out);
                }
                out.push('\n');
                pad(out, indent);
                out.push(']');
            }
        }
    }
}

struct Cx<'a> {
    index: &'a Index<'a>,
    resolution: &'a Resolution,
}

impl Cx<'_> {
    fn error(&self, what: &ObjectId, late: &LateBound, missing: &Missing<'_>) -> RenderError {
        match missing {
            Missing::Lookup(e) => RenderError::reference(what, e),
            Missing::Value(..) => RenderError::Unresolved {
                what: what.to_string(),
                value: late.to_string(),
                help: Resolution::missing_help(missing),
            },
        }
    }

    fn account_id(&self, account: &str, what: &ObjectId) -> Result<Json, RenderError> {
        self.text(&LateBound::AccountId(None).into(), account, what)
    }

    fn resolve(&self, t: &Text, account: &str, what: &ObjectId) -> Result<String, RenderError> {
        let r = self.resolution.for_account(self.index, account);
        let mut out = String::new();
        for late in t.segments() {
            match late {
                Segment::Literal(s) => out.push_str(s),
                Segment::Late(l) => out.push_str(&r.value(l).map_err(|m| self.error(what, l, &m))?),
            }
        }
        Ok(out)
    }

    fn text(&self, t: &Text, account: &str, what: &ObjectId) -> Result<Json, RenderError> {
        Ok(Json::Value(Value::String(self.resolve(t, account, what)?)))
    }

    /// The canonical compact JSON, embedded as it is.
    fn policy(
        &self,
        doc: &PolicyDocument,
        account: &str,
        what: &ObjectId,
    ) -> Result<Json, RenderError> {
        let r = self.resolution.for_account(self.index, account);
        doc.render(&r, JsonStyle::Compact)
            .map(Json::Raw)
            .map_err(|e| {
                let late = e.value();
                match r.value(late) {
                    Err(missing) => self.error(what, late, &missing),
                    // The writer fails only where the resolver does.
                    Ok(_) => RenderError::Unresolved {
                        what: what.to_string(),
                        value: late.to_string(),
                        help: String::new(),
                    },
                }
            })
    }

    fn output_value(
        &self,
        v: &OutputValue,
        account: &str,
        what: &ObjectId,
    ) -> Result<Value, RenderError> {
        Ok(match v {
            OutputValue::Text(t) => Value::String(self.resolve(t, account, what)?),
            OutputValue::Number(n) => {
                Value::Number(
                    serde_json::from_str(n).map_err(|_| RenderError::InvalidNumber {
                        what: what.to_string(),
                        value: n.clone(),
                    })?,
                )
            }
            OutputValue::Bool(b) => Value::Bool(*b),
            OutputValue::Null => Value::Null,
            OutputValue::List(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.output_value(i, account, what))
                    .collect::<Result<_, _>>()?,
            ),
            OutputValue::Map(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    out.insert(k.clone(), self.output_value(v, account, what)?);
                }
                Value::Object(out)
            }
        })
    }
}

fn non_empty(s: &str) -> Json {
    Json::Value(if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_owned())
    })
}

fn tags(
    d: &Deployment,
    own: &BTreeMap<String, String>,
    what: &ObjectId,
) -> Result<Json, RenderError> {
    let tags = object_tags(d, what, own)?;
    Ok(Json::Value(Value::Object(
        tags.into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::condition::BaseOperator;
    use crate::deployment::{Account, GeneratedValue, ManagedPolicy, OidcProvider, Output, Role};
    use crate::text::{ObjectKind, RefAttribute, Resolver};
    use crate::{ArnTemplate, Condition, Principal, Statement};

    fn deployment() -> Deployment {
        let role = Role::builder()
            .key("app")
            .name("App")
            .path("/svc/")
            .trust(PolicyDocument::new([Statement::allow()
                .principal(Principal::federated([LateBound::oidc_provider_arn("gh")]))
                .action("sts:AssumeRoleWithWebIdentity")
                .condition(Condition::string_equals(
                    "sts:ExternalId",
                    [LateBound::Generated("ext".into())],
                ))]))
            .build()
            .inline(
                "own",
                PolicyDocument::new([Statement::allow()
                    .action("s3:GetObject")
                    .resource(ArnTemplate::s3("b/${aws:username}/*"))
                    .condition(Condition::test(
                        BaseOperator::NumericLessThan,
                        "s3:max-keys",
                        [crate::ConditionValue::Number("1.50".into())],
                    ))]),
            )
            .attach(LateBound::policy_arn("p"));
        let mut other = role.clone();
        other.key = "other".into();
        other.account = "prod".into();
        other.inline_policies.clear();
        other.managed_policy_arns.clear();
        Deployment::builder()
            .blueprint("bp")
            .instance("i")
            .accounts(vec![
                Account::new("default"),
                Account::builder()
                    .key("prod")
                    .id("210987654321".parse().unwrap())
                    .build(),
            ])
            .roles(vec![role, other])
            .policies(vec![ManagedPolicy::builder()
                .key("p")
                .name("P")
                .path("/x/")
                .document(PolicyDocument::new([Statement::allow()
                    .action("s3:ListBucket")
                    .resource("*")]))
                .build()])
            .oidc_providers(vec![OidcProvider::builder()
                .key("gh")
                .url("https://token.actions.githubusercontent.com/")
                .client_ids(vec!["sts.amazonaws.com".into()])
                .build()])
            .generated(vec![GeneratedValue::builder().name("ext").build()])
            .outputs(vec![Output::builder()
                .name("arns")
                .value(OutputValue::List(vec![
                    LateBound::role_arn("other").into(),
                    LateBound::current_account().into(),
                ]))
                .build()])
            .build()
    }

    fn full() -> Resolution {
        Resolution {
            default_account_id: Some("123456789012".into()),
            partition: Some("aws".into()),
            region: Some("eu-west-1".into()),
            generated: BTreeMap::from([("ext".into(), "uuid-1".into())]),
            ..Resolution::default()
        }
    }

    #[test]
    fn arns_are_computed_as_iam_forms_them() {
        let doc: Value = serde_json::from_str(&render(&deployment(), &full()).unwrap()).unwrap();
        let role = &doc["roles"][0];
        assert_eq!(role["arn"], "arn:aws:iam::123456789012:role/svc/App");
        assert_eq!(role["account_id"], "123456789012");
        assert_eq!(
            role["managed_policy_arns"][0],
            "arn:aws:iam::123456789012:policy/x/P"
        );
        assert_eq!(role["description"], Value::Null);
        assert_eq!(
            role["trust_policy"]["Statement"][0]["Principal"]["Federated"],
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        );
        assert_eq!(
            role["trust_policy"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "uuid-1"
        );
        assert_eq!(
            role["inline_policies"]["own"]["Statement"][0]["Resource"],
            "arn:aws:s3:::b/${aws:username}/*"
        );
        assert_eq!(
            doc["roles"][1]["arn"],
            "arn:aws:iam::210987654321:role/svc/App"
        );
        assert_eq!(
            doc["oidc_providers"][0]["url"],
            "token.actions.githubusercontent.com"
        );
        assert_eq!(
            doc["outputs"]["arns"],
            serde_json::json!(["arn:aws:iam::210987654321:role/svc/App", "123456789012"])
        );
        assert_eq!(doc["policies"][0]["tags"]["rolewright:instance"], "i");
    }

    #[test]
    fn policies_keep_their_canonical_text() {
        let text = render(&deployment(), &full()).unwrap();
        assert!(
            text.contains(r#""own": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"NumericLessThan":{"s3:max-keys":1.50}}}]}"#),
            "{text}"
        );
        assert_eq!(render(&deployment(), &full()).unwrap(), text);
    }

    #[test]
    fn account_ids_by_key_then_deployment_then_default() {
        let d = deployment();
        let mut r = full();
        assert_eq!(r.account_id(&d, "prod"), Some("210987654321"));
        assert_eq!(r.account_id(&d, "default"), Some("123456789012"));
        assert_eq!(r.account_id(&d, "nope"), None);
        r.account_ids.insert("prod".into(), "999999999999".into());
        assert_eq!(r.account_id(&d, "prod"), Some("999999999999"));
        let index = Index::new(&d);
        let res = r.for_account(&index, "prod");
        assert_eq!(
            res.resolve(&LateBound::current_account()).unwrap(),
            "999999999999"
        );
        assert_eq!(
            res.resolve(&LateBound::account("default")).unwrap(),
            "123456789012"
        );
    }

    #[test]
    fn missing_values_name_the_flag() {
        let d = deployment();
        type Case = (fn(&mut Resolution), &'static str);
        let cases: [Case; 4] = [
            (
                |r| r.default_account_id = None,
                "pass `--account-id default=ID` (or `--account-id ID` for every account)",
            ),
            (
                |r| r.partition = None,
                "pass `--partition` (`aws`, `aws-cn`, `aws-us-gov`, ...)",
            ),
            (
                |r| r.generated.clear(),
                "pass `--generated ext=VALUE`, the value the first deployment generated",
            ),
            (|r| r.region = None, "pass `--region`"),
        ];
        for (i, (change, help)) in cases.into_iter().enumerate() {
            let mut r = full();
            change(&mut r);
            let mut d = d.clone();
            if i == 3 {
                d.roles[0].inline_policies.insert(
                    "logs".into(),
                    PolicyDocument::new([Statement::allow()
                        .action("logs:PutLogEvents")
                        .resource(ArnTemplate::regional("logs", "log-group:x"))]),
                );
            }
            match render(&d, &r).unwrap_err() {
                RenderError::Unresolved { help: h, .. } => assert_eq!(h, help),
                other => panic!("{other}"),
            }
        }
        let mut d = d;
        d.outputs.push(
            Output::builder()
                .name("id")
                .value(crate::text::LateBound::Ref(crate::text::ObjectRef {
                    kind: ObjectKind::Role,
                    key: "app".into(),
                    attribute: RefAttribute::UniqueId,
                }))
                .build(),
        );
        let err = render(&d, &full()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "output `id`: late-bound value `role.app.unique_id` has no value"
        );
    }
}
