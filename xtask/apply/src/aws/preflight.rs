//! Pre-flight: what IAM would reject in a plan, found before anything is written.
//!
//! The plan's calls are checked, not the whole deployment, so an unchanged deployment costs no
//! reads here: managed policies (AWS's or the account's) named by an attachment or a
//! permissions boundary must exist; principals a trust policy names in an account of the
//! deployment (roles, users) must exist or be created by the plan; and the account's quotas
//! (`GetAccountSummary`: roles and policies per account, policies per role, document sizes)
//! must hold once the plan is done. Anything found is a permanent error: running apply again
//! would fail the same way, so the plan fails (exit 1) and apply writes nothing.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::types::SummaryKeyType;

use super::client::AccountClient;
use super::error::ApiError;
use crate::desired::{Desired, Kind};
use crate::plan::{Conflict, Op, Plan};
use crate::state::ObservedAccount;

/// The parts of an IAM ARN that matter here: account (`aws` for AWS managed policies),
/// resource type (`role`, `user`, `policy`) and name (the last path segment).
fn iam_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut f = arn.splitn(6, ':');
    let (_, _, service, _, account, resource) = (
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
    );
    if service != "iam" {
        return None;
    }
    let (kind, rest) = resource.split_once('/')?;
    Some((account, kind, rest.rsplit('/').next().unwrap_or(rest)))
}

/// Every `AWS` principal of a trust policy, as sent.
fn aws_principals(trust: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(trust) else {
        return Vec::new();
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for s in statements {
        match &s["Principal"]["AWS"] {
            serde_json::Value::String(p) => out.push(p.clone()),
            serde_json::Value::Array(a) => {
                out.extend(a.iter().filter_map(|p| p.as_str().map(str::to_owned)));
            }
            _ => {}
        }
    }
    out
}

/// IAM counts policy sizes without whitespace.
fn size(doc: &str) -> usize {
    doc.chars().filter(|c| !c.is_whitespace()).count()
}

/// A pre-flight finding.
fn problem(kind: Kind, account_id: &str, name: &str, reason: String, help: &str) -> Conflict {
    Conflict {
        kind,
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        reason,
        help: help.to_owned(),
        owner: None,
    }
}

/// Checks the plan's calls against the accounts; returns what IAM would reject.
pub async fn check(
    desired: &Desired,
    observed: &BTreeMap<String, ObservedAccount>,
    plan: &Plan,
    clients: &BTreeMap<String, AccountClient>,
) -> Result<Vec<Conflict>, ApiError> {
    let mut out = Vec::new();
    // AWS managed policies are the same in every account: one read each.
    let mut aws_managed: BTreeMap<String, bool> = BTreeMap::new();
    let mut users: BTreeMap<(String, String), bool> = BTreeMap::new();
    let policy_exists = |account: &str, arn: &str| {
        desired.policies.iter().any(|p| p.arn == arn)
            || desired.deferred.iter().any(|d| {
                d.kind == Kind::Policy
                    && d.account_id == account
                    && arn.ends_with(&format!("/{}", d.name))
            })
            || observed
                .get(account)
                .is_some_and(|o| o.policies.iter().any(|p| p.arn == arn))
    };
    for ch in &plan.changes {
        let Some(c) = clients.get(&ch.account_id) else {
            continue;
        };
        for op in &ch.ops {
            let (role, policy_arns, trust): (&str, Vec<&str>, Option<&str>) = match op {
                Op::AttachRolePolicy { role, arn } => (role, vec![arn.as_str()], None),
                Op::PutRolePermissionsBoundary { role, arn } => (role, vec![arn.as_str()], None),
                Op::CreateRole {
                    name,
                    permissions_boundary,
                    trust,
                    ..
                } => (
                    name,
                    permissions_boundary.iter().map(String::as_str).collect(),
                    Some(trust),
                ),
                Op::UpdateAssumeRolePolicy { role, trust } => (role, Vec::new(), Some(trust)),
                _ => continue,
            };
            for arn in policy_arns {
                let Some((owner, "policy", _)) = iam_arn(arn) else {
                    continue;
                };
                let exists = if owner == "aws" {
                    match aws_managed.get(arn) {
                        Some(e) => *e,
                        None => {
                            c.calls.read();
                            let e = match c.iam.get_policy().policy_arn(arn).send().await {
                                Ok(_) => true,
                                Err(e) => match ApiError::from_sdk("GetPolicy", e) {
                                    e if e.is("NoSuchEntity") => false,
                                    e => return Err(e),
                                },
                            };
                            aws_managed.insert(arn.to_owned(), e);
                            e
                        }
                    }
                } else if observed.contains_key(owner) {
                    policy_exists(owner, arn)
                } else {
                    // Another account's policy: not readable with these credentials.
                    continue;
                };
                if !exists {
                    out.push(problem(
                        Kind::Role,
                        &ch.account_id,
                        role,
                        format!("role `{role}` names managed policy `{arn}`, which does not exist"),
                        "fix the policy ARN in the config (AWS managed policies are listed at https://docs.aws.amazon.com/aws-managed-policy/latest/reference/), or declare the policy in the deployment",
                    ));
                }
            }
            let Some(trust) = trust else { continue };
            for principal in aws_principals(trust) {
                let Some((account, kind, name)) = iam_arn(&principal) else {
                    continue;
                };
                let Some(acct) = observed.get(account) else {
                    continue;
                };
                let exists = match kind {
                    "role" => {
                        desired.declares(Kind::Role, account, name)
                            || acct.roles.iter().any(|r| r.name.eq_ignore_ascii_case(name))
                    }
                    "user" => {
                        let key = (account.to_owned(), name.to_ascii_lowercase());
                        match users.get(&key) {
                            Some(e) => *e,
                            None => {
                                let Some(uc) = clients.get(account) else {
                                    continue;
                                };
                                uc.calls.read();
                                let e = match uc.iam.get_user().user_name(name).send().await {
                                    Ok(_) => true,
                                    Err(e) => match ApiError::from_sdk("GetUser", e) {
                                        e if e.is("NoSuchEntity") => false,
                                        e => return Err(e),
                                    },
                                };
                                users.insert(key, e);
                                e
                            }
                        }
                    }
                    _ => continue,
                };
                if !exists {
                    out.push(problem(
                        Kind::Role,
                        &ch.account_id,
                        role,
                        format!("the trust policy of role `{role}` names principal `{principal}`, which does not exist (IAM rejects it as \"Invalid principal in policy\")"),
                        "create the principal first, or fix its name in the config",
                    ));
                }
            }
        }
    }
    quotas(desired, plan, clients, &mut out).await?;
    Ok(out)
}

/// The account quotas, for accounts the plan writes to.
async fn quotas(
    desired: &Desired,
    plan: &Plan,
    clients: &BTreeMap<String, AccountClient>,
    out: &mut Vec<Conflict>,
) -> Result<(), ApiError> {
    let accounts: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter(|c| !c.ops.is_empty())
        .map(|c| c.account_id.as_str())
        .collect();
    for account in accounts {
        let Some(c) = clients.get(account) else {
            continue;
        };
        c.calls.read();
        let summary = c
            .iam
            .get_account_summary()
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetAccountSummary", e))?;
        let map = summary.summary_map().cloned().unwrap_or_default();
        let get = |k: SummaryKeyType| map.get(&k).map(|v| usize::try_from(*v).unwrap_or(0));
        let changes = || plan.changes.iter().filter(|c| c.account_id == account);
        let ops = || changes().flat_map(|c| c.ops.iter());
        let new_roles = ops().filter(|o| matches!(o, Op::CreateRole { .. })).count();
        let gone_roles = ops().filter(|o| matches!(o, Op::DeleteRole { .. })).count();
        let new_policies = ops()
            .filter(|o| matches!(o, Op::CreatePolicy { .. }))
            .count();
        let gone_policies = ops()
            .filter(|o| matches!(o, Op::DeletePolicy { .. }))
            .count();
        let quota_help =
            "delete unused objects, or ask AWS for a higher quota (Service Quotas, IAM)";
        if let (Some(have), Some(quota)) =
            (get(SummaryKeyType::Roles), get(SummaryKeyType::RolesQuota))
        {
            let after = (have + new_roles).saturating_sub(gone_roles);
            if new_roles > 0 && after > quota {
                out.push(problem(Kind::Role, account, &format!("{new_roles} new role(s)"),
                    format!("account {account} has {have} of its {quota} roles; creating {new_roles} more exceeds the quota (`RolesQuota`)"), quota_help));
            }
        }
        if let (Some(have), Some(quota)) = (
            get(SummaryKeyType::Policies),
            get(SummaryKeyType::PoliciesQuota),
        ) {
            let after = (have + new_policies).saturating_sub(gone_policies);
            if new_policies > 0 && after > quota {
                out.push(problem(Kind::Policy, account, &format!("{new_policies} new policies"),
                    format!("account {account} has {have} of its {quota} customer managed policies; creating {new_policies} more exceeds the quota (`PoliciesQuota`)"), quota_help));
            }
        }
        let per_role = get(SummaryKeyType::AttachedPoliciesPerRoleQuota);
        let trust_size = get(SummaryKeyType::AssumeRolePolicySizeQuota);
        let inline_size = get(SummaryKeyType::RolePolicySizeQuota);
        let policy_size = get(SummaryKeyType::PolicySizeQuota);
        for ch in changes() {
            let role = desired.roles.iter().find(|r| {
                r.account_id == account
                    && r.name.eq_ignore_ascii_case(&ch.name)
                    && ch.kind == Kind::Role
            });
            if let (Some(r), Some(q)) = (role, per_role) {
                let attaching = ch
                    .ops
                    .iter()
                    .any(|o| matches!(o, Op::AttachRolePolicy { .. }));
                if attaching && r.managed_policy_arns.len() > q {
                    out.push(problem(Kind::Role, account, &r.name,
                        format!("role `{}` would have {} managed policies attached; account {account} allows {q} per role (`AttachedPoliciesPerRoleQuota`)", r.name, r.managed_policy_arns.len()),
                        "merge policies, or ask AWS for a higher quota"));
                }
            }
            if let (Some(r), Some(q)) = (role, inline_size) {
                if ch.ops.iter().any(|o| matches!(o, Op::PutRolePolicy { .. })) {
                    let total: usize = r
                        .inline_policies
                        .values()
                        .map(|d| size(&crate::plan::ops::json(d)))
                        .sum();
                    if total > q {
                        out.push(problem(Kind::Role, account, &r.name,
                            format!("the inline policies of role `{}` total {total} characters (without whitespace); account {account} allows {q} (`RolePolicySizeQuota`)", r.name),
                            "move statements into a managed policy"));
                    }
                }
            }
            for op in &ch.ops {
                let (doc, quota, what) = match op {
                    Op::CreateRole { trust, .. } | Op::UpdateAssumeRolePolicy { trust, .. } => (
                        trust,
                        trust_size,
                        "trust policy (`AssumeRolePolicySizeQuota`)",
                    ),
                    Op::CreatePolicy { document, .. }
                    | Op::CreatePolicyVersion { document, .. } => {
                        (document, policy_size, "managed policy (`PolicySizeQuota`)")
                    }
                    _ => continue,
                };
                if let Some(q) = quota {
                    let n = size(doc);
                    if n > q {
                        out.push(problem(ch.kind, account, &ch.name,
                            format!("the {what} of {} `{}` has {n} characters (without whitespace); account {account} allows {q}", ch.kind.as_str(), ch.name),
                            "split the document"));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_and_principals() {
        assert_eq!(
            iam_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
            Some(("aws", "policy", "AWSLambdaRole"))
        );
        assert_eq!(
            iam_arn("arn:aws:iam::111122223333:role/a/b/deployer"),
            Some(("111122223333", "role", "deployer"))
        );
        assert_eq!(iam_arn("arn:aws:iam::111122223333:root"), None);
        assert_eq!(iam_arn("arn:aws:s3:::bucket/x"), None);
        let trust = r#"{"Statement":[{"Principal":{"AWS":"arn:aws:iam::1:role/a"}},{"Principal":{"AWS":["x","y"],"Service":"s"}}]}"#;
        assert_eq!(aws_principals(trust), ["arn:aws:iam::1:role/a", "x", "y"]);
        assert_eq!(size("{ \"a\" :\n 1 }"), 7);
    }
}
