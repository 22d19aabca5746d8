//! Reading one account's IAM state with few calls.
//!
//! `GetAccountAuthorizationDetails` returns every role (trust policy, inline policies,
//! attachments, boundary, tags, instance profiles) and every customer managed policy (all
//! versions with their documents) in a page per thousand; `ListRoles` adds what it lacks
//! (description, maximum session duration). OIDC providers are listed and read one by one
//! (accounts have few). Managed policy tags are not in either listing, so they are read only
//! for the policies that matter: the deployment's own by name, and possible leftovers of it
//! (unattached, or attached to a role this deployment owns). Every `List*` call is paginated.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::types::{EntityType, Tag};

use super::client::AccountClient;
use super::error::ApiError;
use super::ledger;
use crate::state::{
    ObservedAccount, ObservedOidcProvider, ObservedPolicy, ObservedPolicyVersion, ObservedRole,
    Ownership,
};

/// What the reader needs to know to decide which policy tags to read.
#[derive(Debug, Clone, Default)]
pub struct Interest {
    /// The deployment's blueprint.
    pub blueprint: String,
    /// The deployment's instance.
    pub instance: String,
    /// Names (lower case) of the deployment's managed policies in this account.
    pub policy_names: BTreeSet<String>,
}

/// IAM's tag list as a map.
pub(crate) fn tag_map(list: &[Tag]) -> BTreeMap<String, String> {
    list.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// Every tag of one managed policy, through all of `ListPolicyTags`' pages.
pub(crate) async fn policy_tags(
    c: &AccountClient,
    arn: &str,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut tags = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        c.calls.read();
        let page = c
            .iam
            .list_policy_tags()
            .policy_arn(arn)
            .max_items(1000)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListPolicyTags", e))?;
        tags.extend(tag_map(page.tags()));
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_owned()),
            _ => break,
        }
    }
    Ok(tags)
}

/// Reads the account.
pub async fn observe(c: &AccountClient, interest: &Interest) -> Result<ObservedAccount, ApiError> {
    let mut acct = ObservedAccount {
        account_id: c.target.account_id.clone(),
        partition: c.target.partition.clone(),
        ..ObservedAccount::default()
    };
    read_details(c, &mut acct).await?;
    read_role_settings(c, &mut acct).await?;
    read_oidc_providers(c, &mut acct).await?;
    read_policy_tags(c, &mut acct, interest).await?;
    Ok(acct)
}

async fn read_details(c: &AccountClient, acct: &mut ObservedAccount) -> Result<(), ApiError> {
    let mut marker: Option<String> = None;
    loop {
        c.calls.read();
        let page = c
            .iam
            .get_account_authorization_details()
            .filter(EntityType::Role)
            .filter(EntityType::LocalManagedPolicy)
            .max_items(1000)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetAccountAuthorizationDetails", e))?;
        for r in page.role_detail_list() {
            acct.roles.push(ObservedRole {
                name: r.role_name().unwrap_or_default().to_owned(),
                path: r.path().unwrap_or("/").to_owned(),
                arn: r.arn().unwrap_or_default().to_owned(),
                role_id: r.role_id().unwrap_or_default().to_owned(),
                description: String::new(),
                max_session_duration: 3600,
                permissions_boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                trust_policy: r
                    .assume_role_policy_document()
                    .unwrap_or_default()
                    .to_owned(),
                inline_policies: r
                    .role_policy_list()
                    .iter()
                    .map(|p| {
                        (
                            p.policy_name().unwrap_or_default().to_owned(),
                            p.policy_document().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                attached_policy_arns: r
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|a| a.policy_arn().map(str::to_owned))
                    .collect(),
                instance_profiles: r
                    .instance_profile_list()
                    .iter()
                    .map(|p| p.instance_profile_name().to_owned())
                    .collect(),
                tags: tag_map(r.tags()),
            });
        }
        for p in page.policies() {
            let arn = p.arn().unwrap_or_default().to_owned();
            // Moto leaves the name out of this listing; the ARN ends with it.
            let name = p
                .policy_name()
                .map(str::to_owned)
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
            acct.policies.push(ObservedPolicy {
                name,
                path: p.path().unwrap_or("/").to_owned(),
                arn,
                description: p.description().unwrap_or_default().to_owned(),
                default_version_id: p.default_version_id().unwrap_or_default().to_owned(),
                versions: p
                    .policy_version_list()
                    .iter()
                    .map(|v| ObservedPolicyVersion {
                        version_id: v.version_id().unwrap_or_default().to_owned(),
                        is_default: v.is_default_version(),
                        created: v.create_date().map(|d| d.secs()).unwrap_or_default(),
                        document: v.document().map(str::to_owned),
                    })
                    .collect(),
                tags: None,
                attachment_count: p
                    .attachment_count()
                    .unwrap_or_default()
                    .max(0)
                    .unsigned_abs(),
                attached_users: Vec::new(),
                attached_groups: Vec::new(),
            });
        }
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_owned()),
            _ => break,
        }
    }
    Ok(())
}

async fn read_role_settings(c: &AccountClient, acct: &mut ObservedAccount) -> Result<(), ApiError> {
    let mut settings: BTreeMap<String, (String, u32)> = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        c.calls.read();
        let page = c
            .iam
            .list_roles()
            .max_items(1000)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListRoles", e))?;
        for r in page.roles() {
            let max = r
                .max_session_duration()
                .unwrap_or(3600)
                .max(0)
                .unsigned_abs();
            settings.insert(
                r.role_name().to_owned(),
                (r.description().unwrap_or_default().to_owned(), max),
            );
        }
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_owned()),
            _ => break,
        }
    }
    for r in &mut acct.roles {
        if let Some((d, m)) = settings.remove(&r.name) {
            r.description = d;
            r.max_session_duration = m;
        }
    }
    Ok(())
}

async fn read_oidc_providers(
    c: &AccountClient,
    acct: &mut ObservedAccount,
) -> Result<(), ApiError> {
    c.calls.read();
    let list = c
        .iam
        .list_open_id_connect_providers()
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("ListOpenIDConnectProviders", e))?;
    for entry in list.open_id_connect_provider_list() {
        let Some(arn) = entry.arn() else { continue };
        c.calls.read();
        let p = match c
            .iam
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
        {
            Ok(p) => p,
            Err(e) => match ApiError::from_sdk("GetOpenIDConnectProvider", e) {
                // Deleted between the listing and now.
                e if e.is("NoSuchEntity") => continue,
                e => return Err(e),
            },
        };
        acct.oidc_providers.push(ObservedOidcProvider {
            arn: arn.to_owned(),
            url: p
                .url()
                .unwrap_or_default()
                .trim_start_matches("https://")
                .to_owned(),
            client_ids: p.client_id_list().to_vec(),
            thumbprints: p.thumbprint_list().to_vec(),
            tags: tag_map(p.tags()),
        });
    }
    Ok(())
}

async fn read_policy_tags(
    c: &AccountClient,
    acct: &mut ObservedAccount,
    interest: &Interest,
) -> Result<(), ApiError> {
    let owned_roles: Vec<&ObservedRole> = acct
        .roles
        .iter()
        .filter(|r| {
            Ownership::of(&r.tags, &interest.blueprint, &interest.instance) == Ownership::Ours
        })
        .collect();
    let ledger_name = ledger::ledger_name(&interest.blueprint, &interest.instance);
    let ledger_arn = acct
        .policies
        .iter()
        .find(|p| p.path == ledger::LEDGER_PATH && p.name.eq_ignore_ascii_case(&ledger_name))
        .map(|p| p.arn.clone());
    if let Some(arn) = &ledger_arn {
        acct.ledger = Some(ledger::read(c, arn).await?);
    }
    let ledger = acct.ledger.clone().unwrap_or_default();
    let mut wanted = Vec::new();
    for (i, p) in acct.policies.iter().enumerate() {
        let name = p.name.to_ascii_lowercase();
        let by_name = interest.policy_names.contains(&name);
        let on_owned_role = owned_roles
            .iter()
            .any(|r| r.attached_policy_arns.contains(&p.arn));
        // A leftover of this deployment that nothing attaches any more is in its ledger;
        // other unattached policies are someone else's business (and reading all of them
        // would cost a call per policy in the account).
        let in_ledger = ledger.names.contains(&name) || (ledger.full && p.attachment_count == 0);
        if by_name || on_owned_role || in_ledger {
            let role_attachments = acct
                .roles
                .iter()
                .filter(|r| r.attached_policy_arns.contains(&p.arn))
                .count();
            wanted.push((
                i,
                p.arn.clone(),
                p.attachment_count as usize > role_attachments,
            ));
        }
    }
    for (i, arn, others) in wanted {
        let t = policy_tags(c, &arn).await?;
        let (mut users, mut groups) = (Vec::new(), Vec::new());
        if others {
            let mut marker: Option<String> = None;
            loop {
                c.calls.read();
                let page = c
                    .iam
                    .list_entities_for_policy()
                    .policy_arn(&arn)
                    .max_items(1000)
                    .set_marker(marker.take())
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk("ListEntitiesForPolicy", e))?;
                users.extend(
                    page.policy_users()
                        .iter()
                        .filter_map(|u| u.user_name().map(str::to_owned)),
                );
                groups.extend(
                    page.policy_groups()
                        .iter()
                        .filter_map(|g| g.group_name().map(str::to_owned)),
                );
                match page.marker() {
                    Some(m) if page.is_truncated() => marker = Some(m.to_owned()),
                    _ => break,
                }
            }
        }
        if let Some(p) = acct.policies.get_mut(i) {
            p.tags = Some(t);
            p.attached_users = users;
            p.attached_groups = groups;
        }
    }
    Ok(())
}
