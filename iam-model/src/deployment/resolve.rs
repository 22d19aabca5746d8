//! The one resolver of late-bound values: what a [`LateBound`] refers to in a deployment, and
//! the ARN formats IAM gives the deployment's own objects.
//!
//! Every output goes through here. [`Index::lookup`] turns a late-bound value, inside an object
//! deployed to some account, into a [`Referent`]: a closed enum with exactly one variant per
//! value a deployment can refer to. The Terraform renderer turns each variant into a reference
//! (`${aws_iam_role.runtime.arn}`), the resolved IAM rendering and the apply engine into a
//! concrete string through [`Concrete`] — so a new kind of reference fails to compile in every
//! output until each handles it, and what may be referred to is decided once:
//!
//! - an OIDC provider is referred to by its ARN only ([`LookupError::Unsupported`] otherwise):
//!   IAM gives a provider no name of its own; its host and path are known from the config and
//!   are written as literal text;
//! - a unique id exists for roles only (`AROA…`, for `aws:userid` conditions and trust
//!   principals that survive a re-created role); no IAM policy element takes a managed
//!   policy's id, so referring to one is rejected the same way everywhere.
//!
//! Objects are looked up by key in hash maps built once per deployment: a deployment with ten
//! thousand roles resolves its references in linear time.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::deployment::{
    Account, Deployment, ExternalValue, GeneratedValue, ManagedPolicy, OidcProvider, Role,
};
use crate::text::{LateBound, ObjectKind, RefAttribute, Resolver, UnresolvedError};

/// `arn:{partition}:iam::{account_id}:role{path}{name}`, the ARN IAM gives a role.
pub fn role_arn(partition: &str, account_id: &str, path: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role{path}{name}")
}

/// `arn:{partition}:iam::{account_id}:policy{path}{name}`, the ARN IAM gives a customer
/// managed policy.
pub fn policy_arn(partition: &str, account_id: &str, path: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:policy{path}{name}")
}

/// `arn:{partition}:iam::{account_id}:oidc-provider/{host_path}`, the ARN IAM gives an OpenID
/// Connect provider (`host_path` is the issuer URL without `https://`, see
/// [`OidcProvider::host_path`]).
pub fn oidc_provider_arn(partition: &str, account_id: &str, host_path: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:oidc-provider/{host_path}")
}

/// What a late-bound value refers to, once looked up in a deployment. Closed on purpose: every
/// output matches it exhaustively. Two referents are equal when they name the same thing.
#[derive(Debug, Clone, Copy)]
pub enum Referent<'d> {
    /// The id of this account.
    AccountId(&'d Account),
    /// The region, as configured for this account's provider or client.
    Region(&'d Account),
    /// The partition of this account.
    Partition(&'d Account),
    /// A role's ARN.
    RoleArn(&'d Role),
    /// A role's name.
    RoleName(&'d Role),
    /// A role's unique id (`AROA…`), assigned by IAM when it creates the role.
    RoleUniqueId(&'d Role),
    /// A customer managed policy's ARN.
    PolicyArn(&'d ManagedPolicy),
    /// A customer managed policy's name.
    PolicyName(&'d ManagedPolicy),
    /// An OpenID Connect provider's ARN.
    OidcProviderArn(&'d OidcProvider),
    /// A value generated once and kept.
    Generated(&'d GeneratedValue),
    /// A value a third party hands out.
    External(&'d ExternalValue),
}

/// Why a late-bound value refers to nothing the deployment has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// An account key the deployment does not declare.
    #[error("`{value}` names the account `{key}`, which the deployment does not declare{}", did_you_mean(.suggestion))]
    UnknownAccount {
        /// The late-bound value.
        value: LateBound,
        /// The account key.
        key: String,
        /// The closest declared key.
        suggestion: Option<String>,
    },
    /// An object key the deployment does not have.
    #[error("`{value}` refers to an object the deployment does not have{}", did_you_mean(.suggestion))]
    UnknownObject {
        /// The late-bound value.
        value: LateBound,
        /// The closest key of an object of the same kind.
        suggestion: Option<String>,
    },
    /// A generated or external value the deployment does not declare.
    #[error("`{value}` is not declared by the deployment{}", did_you_mean(.suggestion))]
    UnknownValue {
        /// The late-bound value.
        value: LateBound,
        /// The closest declared name.
        suggestion: Option<String>,
    },
    /// A reference to an attribute no output can give.
    #[error("`{value}` cannot be resolved: {reason}")]
    Unsupported {
        /// The late-bound value.
        value: LateBound,
        /// Why not, lowercase.
        reason: &'static str,
        /// What to do instead.
        help: &'static str,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

impl LookupError {
    /// The late-bound value that failed.
    pub fn value(&self) -> &LateBound {
        match self {
            LookupError::UnknownAccount { value, .. }
            | LookupError::UnknownObject { value, .. }
            | LookupError::UnknownValue { value, .. }
            | LookupError::Unsupported { value, .. } => value,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> Cow<'static, str> {
        match self {
            LookupError::UnknownAccount { .. } => {
                Cow::Borrowed("declare the account in the deployment, or fix the key")
            }
            LookupError::UnknownObject { .. } | LookupError::UnknownValue { .. } => {
                Cow::Borrowed("declare it in the deployment, or fix the key")
            }
            LookupError::Unsupported { help, .. } => Cow::Borrowed(help),
        }
    }
}

/// A deployment's accounts, objects and values by key, built once.
#[derive(Debug, Clone)]
pub struct Index<'d> {
    deployment: &'d Deployment,
    accounts: HashMap<&'d str, &'d Account>,
    roles: HashMap<&'d str, &'d Role>,
    policies: HashMap<&'d str, &'d ManagedPolicy>,
    oidc_providers: HashMap<&'d str, &'d OidcProvider>,
    generated: HashMap<&'d str, &'d GeneratedValue>,
    externals: HashMap<&'d str, &'d ExternalValue>,
}

/// The first of each key wins, as with the deployment's own linear lookups; validation
/// reports the duplicates.
fn by_key<'d, T>(items: &'d [T], key: impl Fn(&'d T) -> &'d str) -> HashMap<&'d str, &'d T> {
    let mut map = HashMap::with_capacity(items.len());
    for item in items {
        map.entry(key(item)).or_insert(item);
    }
    map
}

impl<'d> Index<'d> {
    /// Indexes `d`.
    pub fn new(d: &'d Deployment) -> Self {
        Index {
            deployment: d,
            accounts: by_key(&d.accounts, |a| a.key.as_str()),
            roles: by_key(&d.roles, |r| r.key.as_str()),
            policies: by_key(&d.policies, |p| p.key.as_str()),
            oidc_providers: by_key(&d.oidc_providers, |o| o.key.as_str()),
            generated: by_key(&d.generated, |g| g.name.as_str()),
            externals: by_key(&d.externals, |e| e.name.as_str()),
        }
    }

    /// The indexed deployment.
    pub fn deployment(&self) -> &'d Deployment {
        self.deployment
    }

    /// The account keyed `key`.
    pub fn account(&self, key: &str) -> Option<&'d Account> {
        self.accounts.get(key).copied()
    }

    /// The role keyed `key`.
    pub fn role(&self, key: &str) -> Option<&'d Role> {
        self.roles.get(key).copied()
    }

    /// The managed policy keyed `key`.
    pub fn policy(&self, key: &str) -> Option<&'d ManagedPolicy> {
        self.policies.get(key).copied()
    }

    /// The OIDC provider keyed `key`.
    pub fn oidc_provider(&self, key: &str) -> Option<&'d OidcProvider> {
        self.oidc_providers.get(key).copied()
    }

    /// The generated value named `name`.
    pub fn generated(&self, name: &str) -> Option<&'d GeneratedValue> {
        self.generated.get(name).copied()
    }

    /// The external value named `name`.
    pub fn external(&self, name: &str) -> Option<&'d ExternalValue> {
        self.externals.get(name).copied()
    }

    /// What `late`, inside an object deployed to the account keyed `account`, refers to.
    pub fn lookup(&self, late: &LateBound, account: &str) -> Result<Referent<'d>, LookupError> {
        let account_of = |key: &str| {
            self.account(key)
                .ok_or_else(|| LookupError::UnknownAccount {
                    value: late.clone(),
                    key: key.to_owned(),
                    suggestion: nearest(key, self.deployment.accounts.iter().map(|a| &a.key)),
                })
        };
        let unknown_object =
            |keys: &mut dyn Iterator<Item = &String>, key: &str| LookupError::UnknownObject {
                value: late.clone(),
                suggestion: nearest(key, keys),
            };
        let d = self.deployment;
        Ok(match late {
            LateBound::AccountId(None) => Referent::AccountId(account_of(account)?),
            LateBound::AccountId(Some(key)) => Referent::AccountId(account_of(key)?),
            LateBound::Region => Referent::Region(account_of(account)?),
            LateBound::Partition => Referent::Partition(account_of(account)?),
            LateBound::Ref(r) => {
                match (r.kind, r.attribute) {
                    (ObjectKind::Role, attribute) => {
                        let role = self.role(&r.key).ok_or_else(|| {
                            unknown_object(&mut d.roles.iter().map(|o| &o.key), &r.key)
                        })?;
                        match attribute {
                            RefAttribute::Arn => Referent::RoleArn(role),
                            RefAttribute::Name => Referent::RoleName(role),
                            RefAttribute::UniqueId => Referent::RoleUniqueId(role),
                        }
                    }
                    (ObjectKind::Policy, attribute) => {
                        let policy = self.policy(&r.key).ok_or_else(|| {
                            unknown_object(&mut d.policies.iter().map(|o| &o.key), &r.key)
                        })?;
                        match attribute {
                            RefAttribute::Arn => Referent::PolicyArn(policy),
                            RefAttribute::Name => Referent::PolicyName(policy),
                            RefAttribute::UniqueId => return Err(LookupError::Unsupported {
                                value: late.clone(),
                                reason: "no IAM policy element takes a managed policy's unique id",
                                help: "refer to the policy's ARN (`LateBound::policy_arn`) or name",
                            }),
                        }
                    }
                    (ObjectKind::OidcProvider, attribute) => {
                        let provider = self.oidc_provider(&r.key).ok_or_else(|| {
                            unknown_object(&mut d.oidc_providers.iter().map(|o| &o.key), &r.key)
                        })?;
                        match attribute {
                        RefAttribute::Arn => Referent::OidcProviderArn(provider),
                        RefAttribute::Name | RefAttribute::UniqueId => {
                            return Err(LookupError::Unsupported {
                                value: late.clone(),
                                reason: "an OIDC provider has only an ARN",
                                help: "refer to the provider's ARN (`LateBound::oidc_provider_arn`), or write its host and path (`OidcProvider::host_path`) as text",
                            })
                        }
                    }
                    }
                }
            }
            LateBound::Generated(name) => {
                Referent::Generated(self.generated(name).ok_or_else(|| {
                    LookupError::UnknownValue {
                        value: late.clone(),
                        suggestion: nearest(name, d.generated.iter().map(|g| &g.name)),
                    }
                })?)
            }
            LateBound::External(name) => {
                Referent::External(self.external(name).ok_or_else(|| {
                    LookupError::UnknownValue {
                        value: late.clone(),
                        suggestion: nearest(name, d.externals.iter().map(|e| &e.name)),
                    }
                })?)
            }
        })
    }
}

fn nearest<'a>(needle: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    crate::suggest::nearest(needle, candidates.map(String::as_str), 1)
        .first()
        .map(|s| (*s).to_owned())
}

/// The concrete values a deployment is resolved with: flags for the resolved IAM rendering,
/// the live accounts for apply. Each returns `None` when it has no value; [`Concrete`] then
/// falls back on what the deployment itself holds.
pub trait Values {
    /// The 12-digit id of `account`.
    fn account_id<'s>(&'s self, account: &'s Account) -> Option<&'s str>;
    /// The partition of `account`.
    fn partition<'s>(&'s self, account: &'s Account) -> Option<&'s str>;
    /// The region for objects in `account`.
    fn region<'s>(&'s self, account: &'s Account) -> Option<&'s str>;
    /// The value of a generated value; the deployment's fixed value is the fallback.
    fn generated<'s>(&'s self, value: &'s GeneratedValue) -> Option<&'s str>;
    /// The value of an external value; the deployment's known value is the fallback.
    fn external<'s>(&'s self, value: &'s ExternalValue) -> Option<&'s str>;
    /// The unique id IAM gave `role`, deployed to `account_id`, if it exists.
    fn role_unique_id(&self, role: &Role, account_id: &str) -> Option<String>;
}

/// Resolves the late-bound values of one object, deployed to the account keyed `account`, to
/// concrete strings: the shared resolver of the resolved IAM rendering and the apply engine.
pub struct Concrete<'a, V: ?Sized> {
    index: &'a Index<'a>,
    values: &'a V,
    account: &'a str,
}

impl<V: ?Sized> Clone for Concrete<'_, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V: ?Sized> Copy for Concrete<'_, V> {}

impl<V: ?Sized> fmt::Debug for Concrete<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Concrete")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// Why [`Concrete`] gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing<'d> {
    /// The value refers to nothing the deployment has.
    Lookup(LookupError),
    /// It refers to something whose value is not known here; the referent says which input
    /// gives it (an account id, the partition, a generated value, ...).
    Value(Referent<'d>, MissingPart),
}

/// Which part of a referent had no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingPart {
    /// The id of the account keyed here.
    AccountId,
    /// The partition of an account.
    Partition,
    /// The region.
    Region,
    /// A generated value.
    Generated,
    /// An external value.
    External,
    /// A role's unique id (the role does not exist yet).
    UniqueId,
}

impl PartialEq for Referent<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.key() == other.key()
    }
}
impl Eq for Referent<'_> {}

impl<'d> Referent<'d> {
    /// The key of the account whose id or partition the value depends on (`None` for
    /// generated and external values).
    pub fn account(&self) -> Option<&'d str> {
        match self {
            Referent::AccountId(a) | Referent::Region(a) | Referent::Partition(a) => Some(&a.key),
            Referent::RoleArn(r) | Referent::RoleName(r) | Referent::RoleUniqueId(r) => {
                Some(&r.account)
            }
            Referent::PolicyArn(p) | Referent::PolicyName(p) => Some(&p.account),
            Referent::OidcProviderArn(o) => Some(&o.account),
            Referent::Generated(_) | Referent::External(_) => None,
        }
    }

    /// The key or name of what is referred to.
    pub fn key(&self) -> &'d str {
        match self {
            Referent::AccountId(a) | Referent::Region(a) | Referent::Partition(a) => &a.key,
            Referent::RoleArn(r) | Referent::RoleName(r) | Referent::RoleUniqueId(r) => &r.key,
            Referent::PolicyArn(p) | Referent::PolicyName(p) => &p.key,
            Referent::OidcProviderArn(o) => &o.key,
            Referent::Generated(g) => &g.name,
            Referent::External(e) => &e.name,
        }
    }
}

impl<'a, V: Values + ?Sized> Concrete<'a, V> {
    /// A resolver for an object deployed to the account keyed `account`.
    pub fn new(index: &'a Index<'a>, values: &'a V, account: &'a str) -> Self {
        Concrete {
            index,
            values,
            account,
        }
    }

    /// The value of `late`, or exactly what is missing.
    pub fn value(&self, late: &LateBound) -> Result<Cow<'a, str>, Missing<'a>> {
        let referent = self
            .index
            .lookup(late, self.account)
            .map_err(Missing::Lookup)?;
        self.value_of(referent)
    }

    /// The value of what `referent` names.
    pub fn value_of(&self, referent: Referent<'a>) -> Result<Cow<'a, str>, Missing<'a>> {
        let v = self.values;
        let missing = |part| Missing::Value(referent, part);
        let account_id = |a: &'a Account| v.account_id(a).ok_or(missing(MissingPart::AccountId));
        // An ARN of an object in `account`: both its id and its partition.
        let arn_parts = |key: &str| -> Result<(&'a str, &'a str), Missing<'a>> {
            // The object's account key was declared when the deployment validated; an object
            // in an undeclared account has no id to give.
            let account = self
                .index
                .account(key)
                .ok_or(missing(MissingPart::AccountId))?;
            let id = account_id(account)?;
            let partition = v
                .partition(account)
                .ok_or(missing(MissingPart::Partition))?;
            Ok((partition, id))
        };
        Ok(match referent {
            Referent::AccountId(a) => Cow::Borrowed(account_id(a)?),
            Referent::Region(a) => Cow::Borrowed(v.region(a).ok_or(missing(MissingPart::Region))?),
            Referent::Partition(a) => {
                Cow::Borrowed(v.partition(a).ok_or(missing(MissingPart::Partition))?)
            }
            Referent::RoleArn(r) => {
                let (partition, id) = arn_parts(&r.account)?;
                Cow::Owned(role_arn(partition, id, &r.path, &r.name))
            }
            Referent::RoleName(r) => Cow::Borrowed(&r.name),
            Referent::RoleUniqueId(r) => {
                let (_, id) = arn_parts(&r.account)?;
                Cow::Owned(
                    v.role_unique_id(r, id)
                        .ok_or(missing(MissingPart::UniqueId))?,
                )
            }
            Referent::PolicyArn(p) => {
                let (partition, id) = arn_parts(&p.account)?;
                Cow::Owned(policy_arn(partition, id, &p.path, &p.name))
            }
            Referent::PolicyName(p) => Cow::Borrowed(&p.name),
            Referent::OidcProviderArn(o) => {
                let (partition, id) = arn_parts(&o.account)?;
                Cow::Owned(oidc_provider_arn(partition, id, o.host_path()))
            }
            Referent::Generated(g) => Cow::Borrowed(
                v.generated(g)
                    .or(g.fixed.as_deref())
                    .ok_or(missing(MissingPart::Generated))?,
            ),
            Referent::External(e) => Cow::Borrowed(
                v.external(e)
                    .or(e.value.as_deref())
                    .ok_or(missing(MissingPart::External))?,
            ),
        })
    }
}

impl<V: Values + ?Sized> Resolver for Concrete<'_, V> {
    fn resolve(&self, late: &LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        self.value(late)
            .map_err(|_| UnresolvedError::new(late.clone()))
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::policy::PolicyDocument;
    use crate::text::ObjectRef;

    struct Fixed;

    impl Values for Fixed {
        fn account_id<'s>(&'s self, a: &'s Account) -> Option<&'s str> {
            (a.key == "default").then_some("111122223333")
        }
        fn partition<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
            Some("aws-cn")
        }
        fn region<'s>(&'s self, _: &'s Account) -> Option<&'s str> {
            None
        }
        fn generated<'s>(&'s self, _: &'s GeneratedValue) -> Option<&'s str> {
            None
        }
        fn external<'s>(&'s self, _: &'s ExternalValue) -> Option<&'s str> {
            Some("ext")
        }
        fn role_unique_id(&self, _: &Role, _: &str) -> Option<String> {
            None
        }
    }

    fn deployment() -> Deployment {
        Deployment::builder()
            .blueprint("b")
            .instance("i")
            .accounts(vec![Account::new("default"), Account::new("member")])
            .roles(vec![
                Role::builder()
                    .key("runtime")
                    .name("Runtime")
                    .path("/svc/")
                    .trust(PolicyDocument::new([]))
                    .build(),
                Role::builder()
                    .key("other")
                    .account("member")
                    .name("Other")
                    .trust(PolicyDocument::new([]))
                    .build(),
            ])
            .oidc_providers(vec![OidcProvider::builder()
                .key("gh")
                .url("https://token.actions.githubusercontent.com")
                .build()])
            .externals(vec![ExternalValue::builder()
                .name("confluent_role_arn")
                .description("d")
                .build()])
            .build()
    }

    #[test]
    fn arns_are_formed_as_iam_forms_them() {
        let d = deployment();
        let index = Index::new(&d);
        let r = Concrete::new(&index, &Fixed, "default");
        assert_eq!(
            r.resolve(&LateBound::role_arn("runtime")).unwrap(),
            "arn:aws-cn:iam::111122223333:role/svc/Runtime"
        );
        assert_eq!(
            r.resolve(&LateBound::oidc_provider_arn("gh")).unwrap(),
            "arn:aws-cn:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
        );
        assert_eq!(
            r.resolve(&LateBound::External("confluent_role_arn".into()))
                .unwrap(),
            "ext"
        );
        // The member account has no id here: what is missing is said exactly.
        assert_eq!(
            r.value(&LateBound::role_arn("other")).unwrap_err(),
            Missing::Value(Referent::RoleArn(&d.roles[1]), MissingPart::AccountId)
        );
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_unsupported_references_a_reason() {
        let d = deployment();
        let index = Index::new(&d);
        let err = index
            .lookup(&LateBound::role_arn("runtme"), "default")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`role.runtme.arn` refers to an object the deployment does not have (did you mean `runtime`?)"
        );
        let err = index
            .lookup(&LateBound::account("membr"), "default")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`account_id(membr)` names the account `membr`, which the deployment does not declare (did you mean `member`?)"
        );
        for attribute in [RefAttribute::Name, RefAttribute::UniqueId] {
            let late = LateBound::Ref(ObjectRef {
                kind: ObjectKind::OidcProvider,
                key: "gh".into(),
                attribute,
            });
            assert!(matches!(
                index.lookup(&late, "default"),
                Err(LookupError::Unsupported { .. })
            ));
        }
    }
}
