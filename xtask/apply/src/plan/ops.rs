//! The IAM write calls a plan makes, as plain data: one [`Op`] is one API call.
//!
//! Documents are carried as the compact canonical JSON rolewright sends (`Version` first,
//! which IAM's legacy parser wants for inline policies).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::desired::{DesiredPolicy, DesiredRole};
use crate::state::{ObservedPolicy, ObservedRole};

/// One IAM write call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "call")]
#[allow(missing_docs)] // the fields are the API's parameters, named as in the IAM API reference
pub enum Op {
    /// `CreateOpenIDConnectProvider`.
    CreateOidcProvider {
        url: String,
        client_ids: Vec<String>,
        thumbprints: Vec<String>,
        tags: BTreeMap<String, String>,
    },
    /// `UpdateOpenIDConnectProviderThumbprint` (replaces the whole list).
    UpdateOidcThumbprints {
        arn: String,
        thumbprints: Vec<String>,
    },
    /// `AddClientIDToOpenIDConnectProvider`.
    AddOidcClientId { arn: String, client_id: String },
    /// `RemoveClientIDFromOpenIDConnectProvider`.
    RemoveOidcClientId { arn: String, client_id: String },
    /// `TagOpenIDConnectProvider`.
    TagOidcProvider {
        arn: String,
        tags: BTreeMap<String, String>,
    },
    /// `UntagOpenIDConnectProvider`.
    UntagOidcProvider { arn: String, keys: Vec<String> },
    /// `DeleteOpenIDConnectProvider`.
    DeleteOidcProvider { arn: String },
    /// `CreatePolicy`.
    CreatePolicy {
        name: String,
        path: String,
        description: String,
        document: String,
        tags: BTreeMap<String, String>,
    },
    /// `CreatePolicyVersion` with `SetAsDefault`.
    CreatePolicyVersion { arn: String, document: String },
    /// `DeletePolicyVersion` (a non-default version).
    DeletePolicyVersion { arn: String, version_id: String },
    /// `TagPolicy`.
    TagPolicy {
        arn: String,
        tags: BTreeMap<String, String>,
    },
    /// `UntagPolicy`.
    UntagPolicy { arn: String, keys: Vec<String> },
    /// `DeletePolicy`.
    DeletePolicy { arn: String },
    /// `CreateRole`.
    CreateRole {
        name: String,
        path: String,
        description: String,
        max_session_duration: u32,
        permissions_boundary: Option<String>,
        trust: String,
        tags: BTreeMap<String, String>,
    },
    /// `UpdateAssumeRolePolicy`.
    UpdateAssumeRolePolicy { role: String, trust: String },
    /// `UpdateRole` (description and maximum session duration together).
    UpdateRole {
        role: String,
        description: String,
        max_session_duration: u32,
    },
    /// `PutRolePermissionsBoundary`.
    PutRolePermissionsBoundary { role: String, arn: String },
    /// `DeleteRolePermissionsBoundary`.
    DeleteRolePermissionsBoundary { role: String },
    /// `PutRolePolicy` (an upsert).
    PutRolePolicy {
        role: String,
        name: String,
        document: String,
    },
    /// `DeleteRolePolicy`.
    DeleteRolePolicy { role: String, name: String },
    /// `AttachRolePolicy`.
    AttachRolePolicy { role: String, arn: String },
    /// `DetachRolePolicy`.
    DetachRolePolicy { role: String, arn: String },
    /// `DetachUserPolicy`.
    DetachUserPolicy { user: String, arn: String },
    /// `DetachGroupPolicy`.
    DetachGroupPolicy { group: String, arn: String },
    /// `TagRole`.
    TagRole {
        role: String,
        tags: BTreeMap<String, String>,
    },
    /// `UntagRole`.
    UntagRole { role: String, keys: Vec<String> },
    /// `RemoveRoleFromInstanceProfile`.
    RemoveRoleFromInstanceProfile {
        role: String,
        instance_profile: String,
    },
    /// `DeleteRole`.
    DeleteRole { role: String },
}

impl Op {
    /// The IAM API action name.
    pub fn api_name(&self) -> &'static str {
        match self {
            Op::CreateOidcProvider { .. } => "CreateOpenIDConnectProvider",
            Op::UpdateOidcThumbprints { .. } => "UpdateOpenIDConnectProviderThumbprint",
            Op::AddOidcClientId { .. } => "AddClientIDToOpenIDConnectProvider",
            Op::RemoveOidcClientId { .. } => "RemoveClientIDFromOpenIDConnectProvider",
            Op::TagOidcProvider { .. } => "TagOpenIDConnectProvider",
            Op::UntagOidcProvider { .. } => "UntagOpenIDConnectProvider",
            Op::DeleteOidcProvider { .. } => "DeleteOpenIDConnectProvider",
            Op::CreatePolicy { .. } => "CreatePolicy",
            Op::CreatePolicyVersion { .. } => "CreatePolicyVersion",
            Op::DeletePolicyVersion { .. } => "DeletePolicyVersion",
            Op::TagPolicy { .. } => "TagPolicy",
            Op::UntagPolicy { .. } => "UntagPolicy",
            Op::DeletePolicy { .. } => "DeletePolicy",
            Op::CreateRole { .. } => "CreateRole",
            Op::UpdateAssumeRolePolicy { .. } => "UpdateAssumeRolePolicy",
            Op::UpdateRole { .. } => "UpdateRole",
            Op::PutRolePermissionsBoundary { .. } => "PutRolePermissionsBoundary",
            Op::DeleteRolePermissionsBoundary { .. } => "DeleteRolePermissionsBoundary",
            Op::PutRolePolicy { .. } => "PutRolePolicy",
            Op::DeleteRolePolicy { .. } => "DeleteRolePolicy",
            Op::AttachRolePolicy { .. } => "AttachRolePolicy",
            Op::DetachRolePolicy { .. } => "DetachRolePolicy",
            Op::DetachUserPolicy { .. } => "DetachUserPolicy",
            Op::DetachGroupPolicy { .. } => "DetachGroupPolicy",
            Op::TagRole { .. } => "TagRole",
            Op::UntagRole { .. } => "UntagRole",
            Op::RemoveRoleFromInstanceProfile { .. } => "RemoveRoleFromInstanceProfile",
            Op::DeleteRole { .. } => "DeleteRole",
        }
    }

    /// What the call is about, for progress lines (`role SymRuntimeProd`).
    pub fn target(&self) -> String {
        match self {
            Op::CreateOidcProvider { url, .. } => format!("OIDC provider {url}"),
            Op::UpdateOidcThumbprints { arn, .. }
            | Op::AddOidcClientId { arn, .. }
            | Op::RemoveOidcClientId { arn, .. }
            | Op::TagOidcProvider { arn, .. }
            | Op::UntagOidcProvider { arn, .. }
            | Op::DeleteOidcProvider { arn } => format!("OIDC provider {arn}"),
            Op::CreatePolicy { name, .. } => format!("policy {name}"),
            Op::CreatePolicyVersion { arn, .. }
            | Op::TagPolicy { arn, .. }
            | Op::UntagPolicy { arn, .. }
            | Op::DeletePolicy { arn } => format!("policy {arn}"),
            Op::DeletePolicyVersion { arn, version_id } => {
                format!("policy {arn} version {version_id}")
            }
            Op::CreateRole { name, .. } => format!("role {name}"),
            Op::PutRolePolicy { role, name, .. } | Op::DeleteRolePolicy { role, name } => {
                format!("role {role} inline policy {name}")
            }
            Op::AttachRolePolicy { role, arn } | Op::DetachRolePolicy { role, arn } => {
                format!("role {role} policy {arn}")
            }
            Op::DetachUserPolicy { user, arn } => format!("user {user} policy {arn}"),
            Op::DetachGroupPolicy { group, arn } => format!("group {group} policy {arn}"),
            Op::RemoveRoleFromInstanceProfile {
                role,
                instance_profile,
            } => {
                format!("role {role} instance profile {instance_profile}")
            }
            Op::UpdateAssumeRolePolicy { role, .. }
            | Op::UpdateRole { role, .. }
            | Op::PutRolePermissionsBoundary { role, .. }
            | Op::DeleteRolePermissionsBoundary { role }
            | Op::TagRole { role, .. }
            | Op::UntagRole { role, .. }
            | Op::DeleteRole { role } => format!("role {role}"),
        }
    }
}

/// The compact canonical JSON of a resolved document.
pub(crate) fn json(doc: &iam_model::PolicyDocument) -> String {
    // Resolved documents are fully literal, so rendering cannot fail; an empty document would
    // be rejected by IAM with a clear error rather than sent silently wrong.
    doc.to_json_compact().unwrap_or_default()
}

/// `CreatePolicy` for a desired policy.
pub(crate) fn create_policy(d: &DesiredPolicy) -> Op {
    Op::CreatePolicy {
        name: d.name.clone(),
        path: d.path.clone(),
        description: d.description.clone(),
        document: json(&d.document),
        tags: d.tags.clone(),
    }
}

/// `CreateRole`, then its inline policies and attachments.
pub(crate) fn create_role(d: &DesiredRole) -> Vec<Op> {
    let mut ops = vec![Op::CreateRole {
        name: d.name.clone(),
        path: d.path.clone(),
        description: d.description.clone(),
        max_session_duration: d.max_session_duration,
        permissions_boundary: d.permissions_boundary.clone(),
        trust: json(&d.trust),
        tags: d.tags.clone(),
    }];
    for (name, doc) in &d.inline_policies {
        ops.push(Op::PutRolePolicy {
            role: d.name.clone(),
            name: name.clone(),
            document: json(doc),
        });
    }
    for arn in &d.managed_policy_arns {
        ops.push(Op::AttachRolePolicy {
            role: d.name.clone(),
            arn: arn.clone(),
        });
    }
    ops
}

/// Deleting a role in the order IAM requires: out of instance profiles, detach, delete inline
/// policies, then the role.
pub(crate) fn delete_role(r: &ObservedRole) -> Vec<Op> {
    let mut ops = Vec::new();
    for ip in &r.instance_profiles {
        ops.push(Op::RemoveRoleFromInstanceProfile {
            role: r.name.clone(),
            instance_profile: ip.clone(),
        });
    }
    for arn in &r.attached_policy_arns {
        ops.push(Op::DetachRolePolicy {
            role: r.name.clone(),
            arn: arn.clone(),
        });
    }
    for name in r.inline_policies.keys() {
        ops.push(Op::DeleteRolePolicy {
            role: r.name.clone(),
            name: name.clone(),
        });
    }
    ops.push(Op::DeleteRole {
        role: r.name.clone(),
    });
    ops
}

/// Deleting every non-default version, oldest first (`DeletePolicy` then removes the default).
pub(crate) fn delete_policy_versions(p: &ObservedPolicy) -> Vec<Op> {
    let mut versions: Vec<_> = p
        .versions
        .iter()
        .filter(|v| v.version_id != p.default_version_id)
        .collect();
    versions.sort_by(|a, b| (a.created, &a.version_id).cmp(&(b.created, &b.version_id)));
    versions
        .into_iter()
        .map(|v| Op::DeletePolicyVersion {
            arn: p.arn.clone(),
            version_id: v.version_id.clone(),
        })
        .collect()
}

/// The version to prune before `CreatePolicyVersion`: the oldest non-default one, when the
/// policy already has `limit` versions.
pub(crate) fn version_to_prune(p: &ObservedPolicy, limit: usize) -> Option<String> {
    if p.versions.len() < limit {
        return None;
    }
    p.versions
        .iter()
        .filter(|v| v.version_id != p.default_version_id && !v.is_default)
        .min_by(|a, b| {
            (a.created, version_number(&a.version_id))
                .cmp(&(b.created, version_number(&b.version_id)))
        })
        .map(|v| v.version_id.clone())
}

/// `v12` → 12, for ordering versions created within the same second.
fn version_number(id: &str) -> u64 {
    id.trim_start_matches('v').parse().unwrap_or(u64::MAX)
}
