//! Executing a plan's calls, with IAM's real behaviour handled.
//!
//! Transport failures, throttling and 5xx are retried by the SDK (standard mode). On top of
//! that the engine keeps one propagation budget (two minutes by default, as Terraform's AWS
//! provider does) for what IAM's eventual consistency causes: "Invalid principal in policy"
//! for a principal created moments ago, `ConcurrentModification`, `DeleteConflict` while
//! detaches propagate, and `NoSuchEntity` for an object this run just created. A create that
//! fails with `EntityAlreadyExists` — the SDK re-sends a create whose response was lost — is
//! read back and converged, never failed and never duplicated. `CreatePolicyVersion` is the
//! one call a re-send would duplicate (each call adds a version), so it runs without SDK
//! retries and is verified by reading before it is tried again.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_sdk_iam::types::Tag;
use iam_model::deployment::{TAG_BLUEPRINT, TAG_INSTANCE};
use iam_model::{equivalent, PolicyDocument};

use super::client::AccountClient;
use super::error::ApiError;
use super::read::tag_map;
use crate::desired::{DesiredOidc, DesiredPolicy, DesiredRole};
use crate::plan::{diff, ops, Change, Op};
use crate::state::{
    decode_document, ObservedOidcProvider, ObservedPolicy, ObservedPolicyVersion, ObservedRole,
};

/// What to do after a failed call.
#[derive(Debug)]
enum Next {
    /// The failure means the work is already done.
    Done,
    /// The object exists already: read it and converge.
    Converge,
    /// IAM has not caught up yet: wait and call again, within the propagation budget.
    Wait(&'static str),
    /// The policy has five versions: prune the oldest non-default one, then call again.
    Prune,
    /// A `CreatePolicyVersion` with no usable answer: check whether it took effect.
    Verify,
    /// A real error.
    Fail,
}

/// Runs plan changes against the accounts.
pub struct Executor<'a> {
    clients: &'a BTreeMap<String, AccountClient>,
    propagation_timeout: Duration,
    max_attempts: u32,
    progress: &'a (dyn Fn(&str) + Sync),
    /// Roles (`account`, lower-case name) and policies (`account`, ARN) created by this run:
    /// `NoSuchEntity` for them means "not visible yet", not "gone".
    created: BTreeSet<(String, String)>,
}

/// Why executing stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// An IAM call failed for good.
    #[error("{change}: {source}")]
    Api {
        /// The change being executed (`role SymRuntimeProd in 111122223333`).
        change: String,
        /// The failure.
        #[source]
        source: ApiError,
    },
    /// No client for an account the plan touches.
    #[error("no credentials for account `{0}`")]
    NoClient(String),
    /// An object that appeared while apply ran could not be converged (someone else's).
    #[error("{0}")]
    Converge(String),
}

impl<'a> Executor<'a> {
    /// An executor over `clients` (by account id).
    pub fn new(
        clients: &'a BTreeMap<String, AccountClient>,
        propagation_timeout: Duration,
        max_attempts: u32,
        progress: &'a (dyn Fn(&str) + Sync),
    ) -> Self {
        Executor {
            clients,
            propagation_timeout,
            max_attempts: max_attempts.max(1),
            progress,
            created: BTreeSet::new(),
        }
    }

    /// Executes the changes in order, each change's calls in order.
    pub async fn run(&mut self, changes: &[Change]) -> Result<(), ExecError> {
        for ch in changes.iter().filter(|c| !c.ops.is_empty()) {
            let c = self
                .clients
                .get(&ch.account_id)
                .ok_or_else(|| ExecError::NoClient(ch.account_id.clone()))?;
            (self.progress)(&format!(
                "{} {} \"{}\" (account {})",
                ch.action.marker(),
                ch.kind.as_str(),
                ch.name,
                ch.account_id
            ));
            let mut queue: VecDeque<Op> = ch.ops.iter().cloned().collect();
            while let Some(op) = queue.pop_front() {
                let follow_ups = self.run_op(c, &op).await.map_err(|e| match e {
                    OpError::Api(source) => ExecError::Api {
                        change: format!(
                            "{} `{}` in account {}",
                            ch.kind.as_str(),
                            ch.name,
                            ch.account_id
                        ),
                        source,
                    },
                    OpError::Converge(m) => ExecError::Converge(m),
                })?;
                for f in follow_ups.into_iter().rev() {
                    queue.push_front(f);
                }
            }
        }
        Ok(())
    }

    /// One call with its error handling; returns calls to make next (after a converge).
    async fn run_op(&mut self, c: &AccountClient, op: &Op) -> Result<Vec<Op>, OpError> {
        let deadline = Instant::now() + self.propagation_timeout;
        let mut delay = Duration::from_millis(500);
        let mut pruned = false;
        let mut unverified = 0;
        (self.progress)(&format!("    {} {}", op.api_name(), op.target()));
        loop {
            let err = match call(c, op).await {
                Ok(()) => {
                    self.record_created(c, op);
                    return Ok(Vec::new());
                }
                Err(e) => e,
            };
            match self.next(c, op, &err) {
                Next::Done => return Ok(Vec::new()),
                Next::Converge => {
                    (self.progress)(&format!(
                        "    {} already exists: reading it back",
                        op.target()
                    ));
                    let follow = converge(c, op).await?;
                    self.record_created(c, op);
                    return Ok(follow);
                }
                Next::Prune if !pruned => {
                    pruned = true;
                    if let Op::CreatePolicyVersion { arn, .. } = op {
                        prune_oldest(c, arn).await?;
                    }
                }
                Next::Verify if unverified + 1 < self.max_attempts => {
                    unverified += 1;
                    if let Op::CreatePolicyVersion { arn, document } = op {
                        if default_version_matches(c, arn, document).await? {
                            return Ok(Vec::new());
                        }
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(8));
                }
                Next::Wait(why) if Instant::now() + delay < deadline => {
                    (self.progress)(&format!(
                        "    waiting for IAM ({why}); retrying in {} ms",
                        delay.as_millis()
                    ));
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(8));
                }
                _ => return Err(OpError::Api(err)),
            }
        }
    }

    fn record_created(&mut self, c: &AccountClient, op: &Op) {
        let acct = c.target.account_id.clone();
        match op {
            Op::CreateRole { name, .. } => {
                self.created.insert((acct, name.to_ascii_lowercase()));
            }
            Op::CreatePolicy { name, path, .. } => {
                self.created.insert((acct, c.target.policy_arn(path, name)));
            }
            _ => {}
        }
    }

    fn just_created_role(&self, c: &AccountClient, role: &str) -> bool {
        self.created
            .contains(&(c.target.account_id.clone(), role.to_ascii_lowercase()))
    }

    fn next(&self, c: &AccountClient, op: &Op, e: &ApiError) -> Next {
        let removal = matches!(
            op,
            Op::DeleteOidcProvider { .. }
                | Op::RemoveOidcClientId { .. }
                | Op::UntagOidcProvider { .. }
                | Op::DeletePolicyVersion { .. }
                | Op::UntagPolicy { .. }
                | Op::DeletePolicy { .. }
                | Op::DeleteRolePermissionsBoundary { .. }
                | Op::DeleteRolePolicy { .. }
                | Op::DetachRolePolicy { .. }
                | Op::DetachUserPolicy { .. }
                | Op::DetachGroupPolicy { .. }
                | Op::UntagRole { .. }
                | Op::RemoveRoleFromInstanceProfile { .. }
                | Op::DeleteRole { .. }
        );
        let create = matches!(
            op,
            Op::CreateRole { .. } | Op::CreatePolicy { .. } | Op::CreateOidcProvider { .. }
        );
        if e.is("NoSuchEntity") {
            if removal {
                return Next::Done;
            }
            let fresh = match op {
                // IAM names what is missing: a policy this run did not create will not
                // appear by waiting (an AWS managed policy that does not exist, say).
                Op::AttachRolePolicy { role, arn } => {
                    self.created
                        .contains(&(c.target.account_id.clone(), arn.clone()))
                        || (self.just_created_role(c, role) && !e.message.contains(arn.as_str()))
                }
                Op::UpdateAssumeRolePolicy { role, .. }
                | Op::UpdateRole { role, .. }
                | Op::PutRolePermissionsBoundary { role, .. }
                | Op::PutRolePolicy { role, .. }
                | Op::TagRole { role, .. } => self.just_created_role(c, role),
                Op::CreatePolicyVersion { arn, .. } | Op::TagPolicy { arn, .. } => self
                    .created
                    .contains(&(c.target.account_id.clone(), arn.clone())),
                _ => false,
            };
            return if fresh {
                Next::Wait("an object created moments ago is not visible yet")
            } else {
                Next::Fail
            };
        }
        if create && e.is("EntityAlreadyExists") {
            return Next::Converge;
        }
        if e.is_invalid_principal()
            && matches!(
                op,
                Op::CreateRole { .. } | Op::UpdateAssumeRolePolicy { .. }
            )
        {
            return Next::Wait("a principal in the trust policy is not visible yet");
        }
        if e.is("ConcurrentModification") {
            return Next::Wait("another change to the same object is in progress");
        }
        if e.is("DeleteConflict") && matches!(op, Op::DeleteRole { .. } | Op::DeletePolicy { .. }) {
            return Next::Wait("detaches and deletions are still propagating");
        }
        if e.is("LimitExceeded") && matches!(op, Op::CreatePolicyVersion { .. }) {
            return Next::Prune;
        }
        if e.transient {
            if matches!(op, Op::CreatePolicyVersion { .. }) {
                return Next::Verify;
            }
            // The SDK's attempts are spent; idempotent calls may go again within the budget
            // (creates come back as `EntityAlreadyExists` and are converged).
            return Next::Wait("the service is throttling or failing");
        }
        Next::Fail
    }
}

/// Failure of one call.
#[derive(Debug)]
enum OpError {
    Api(ApiError),
    Converge(String),
}

impl From<ApiError> for OpError {
    fn from(e: ApiError) -> Self {
        OpError::Api(e)
    }
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ApiError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ApiError {
                    operation: "Tag",
                    code: None,
                    message: format!("invalid tag `{k}`: {e}"),
                    status: None,
                    transient: false,
                })
        })
        .collect()
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Sends an SDK request built from `iam` and maps its error to the operation's [`ApiError`].
macro_rules! send {
    ($api:expr, $request:expr) => {
        $request
            .send()
            .await
            .map_err(|err| ApiError::from_sdk($api, err))?
    };
}

/// Makes the call (one counted write).
async fn call(c: &AccountClient, op: &Op) -> Result<(), ApiError> {
    c.calls.write();
    let iam = &c.iam;
    let api = op.api_name();
    match op {
        Op::CreateOidcProvider {
            url,
            client_ids,
            thumbprints,
            tags,
        } => {
            send!(
                api,
                iam.create_open_id_connect_provider()
                    .url(url)
                    .set_client_id_list(Some(client_ids.clone()))
                    .set_thumbprint_list((!thumbprints.is_empty()).then(|| thumbprints.clone()))
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::UpdateOidcThumbprints { arn, thumbprints } => {
            send!(
                api,
                iam.update_open_id_connect_provider_thumbprint()
                    .open_id_connect_provider_arn(arn)
                    .set_thumbprint_list(Some(thumbprints.clone()))
            );
        }
        Op::AddOidcClientId { arn, client_id } => {
            send!(
                api,
                iam.add_client_id_to_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .client_id(client_id)
            );
        }
        Op::RemoveOidcClientId { arn, client_id } => {
            send!(
                api,
                iam.remove_client_id_from_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .client_id(client_id)
            );
        }
        Op::TagOidcProvider { arn, tags } => {
            send!(
                api,
                iam.tag_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::UntagOidcProvider { arn, keys } => {
            send!(
                api,
                iam.untag_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .set_tag_keys(Some(keys.clone()))
            );
        }
        Op::DeleteOidcProvider { arn } => {
            send!(
                api,
                iam.delete_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
            );
        }
        Op::CreatePolicy {
            name,
            path,
            description,
            document,
            tags,
        } => {
            send!(
                api,
                iam.create_policy()
                    .policy_name(name)
                    .path(path)
                    .set_description((!description.is_empty()).then(|| description.clone()))
                    .policy_document(document)
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::CreatePolicyVersion { arn, document } => {
            // No SDK retries: a re-sent request whose answer was lost adds a second version.
            send!(
                api,
                iam.create_policy_version()
                    .policy_arn(arn)
                    .policy_document(document)
                    .set_as_default(true)
                    .customize()
                    .config_override(
                        aws_sdk_iam::config::Builder::default()
                            .retry_config(RetryConfig::disabled()),
                    )
            );
        }
        Op::DeletePolicyVersion { arn, version_id } => {
            send!(
                api,
                iam.delete_policy_version()
                    .policy_arn(arn)
                    .version_id(version_id)
            );
        }
        Op::TagPolicy { arn, tags } => {
            send!(
                api,
                iam.tag_policy()
                    .policy_arn(arn)
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::UntagPolicy { arn, keys } => {
            send!(
                api,
                iam.untag_policy()
                    .policy_arn(arn)
                    .set_tag_keys(Some(keys.clone()))
            );
        }
        Op::DeletePolicy { arn } => {
            send!(api, iam.delete_policy().policy_arn(arn));
        }
        Op::CreateRole {
            name,
            path,
            description,
            max_session_duration,
            permissions_boundary,
            trust,
            tags,
        } => {
            send!(
                api,
                iam.create_role()
                    .role_name(name)
                    .path(path)
                    .assume_role_policy_document(trust)
                    .set_description((!description.is_empty()).then(|| description.clone()))
                    .max_session_duration(to_i32(*max_session_duration))
                    .set_permissions_boundary(permissions_boundary.clone())
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::UpdateAssumeRolePolicy { role, trust } => {
            send!(
                api,
                iam.update_assume_role_policy()
                    .role_name(role)
                    .policy_document(trust)
            );
        }
        Op::UpdateRole {
            role,
            description,
            max_session_duration,
        } => {
            send!(
                api,
                iam.update_role()
                    .role_name(role)
                    .description(description)
                    .max_session_duration(to_i32(*max_session_duration))
            );
        }
        Op::PutRolePermissionsBoundary { role, arn } => {
            send!(
                api,
                iam.put_role_permissions_boundary()
                    .role_name(role)
                    .permissions_boundary(arn)
            );
        }
        Op::DeleteRolePermissionsBoundary { role } => {
            send!(api, iam.delete_role_permissions_boundary().role_name(role));
        }
        Op::PutRolePolicy {
            role,
            name,
            document,
        } => {
            send!(
                api,
                iam.put_role_policy()
                    .role_name(role)
                    .policy_name(name)
                    .policy_document(document)
            );
        }
        Op::DeleteRolePolicy { role, name } => {
            send!(
                api,
                iam.delete_role_policy().role_name(role).policy_name(name)
            );
        }
        Op::AttachRolePolicy { role, arn } => {
            send!(
                api,
                iam.attach_role_policy().role_name(role).policy_arn(arn)
            );
        }
        Op::DetachRolePolicy { role, arn } => {
            send!(
                api,
                iam.detach_role_policy().role_name(role).policy_arn(arn)
            );
        }
        Op::DetachUserPolicy { user, arn } => {
            send!(
                api,
                iam.detach_user_policy().user_name(user).policy_arn(arn)
            );
        }
        Op::DetachGroupPolicy { group, arn } => {
            send!(
                api,
                iam.detach_group_policy().group_name(group).policy_arn(arn)
            );
        }
        Op::TagRole { role, tags } => {
            send!(
                api,
                iam.tag_role()
                    .role_name(role)
                    .set_tags(Some(sdk_tags(tags)?))
            );
        }
        Op::UntagRole { role, keys } => {
            send!(
                api,
                iam.untag_role()
                    .role_name(role)
                    .set_tag_keys(Some(keys.clone()))
            );
        }
        Op::RemoveRoleFromInstanceProfile {
            role,
            instance_profile,
        } => {
            send!(
                api,
                iam.remove_role_from_instance_profile()
                    .role_name(role)
                    .instance_profile_name(instance_profile)
            );
        }
        Op::DeleteRole { role } => {
            send!(api, iam.delete_role().role_name(role));
        }
    }
    Ok(())
}

/// True when `tags` carry the same ownership as the tags the create sent.
fn same_owner(live: &BTreeMap<String, String>, sent: &BTreeMap<String, String>) -> bool {
    [TAG_BLUEPRINT, TAG_INSTANCE]
        .iter()
        .all(|k| live.get(*k) == sent.get(*k))
}

fn parse_sent(doc: &str) -> Result<PolicyDocument, OpError> {
    PolicyDocument::from_json(doc)
        .map_err(|e| OpError::Converge(format!("the document sent does not parse back: {e}")))
}

/// After `EntityAlreadyExists`: reads the object and checks it is ours (the lost create tagged
/// it); then the plan's own diff of that object against what the create sent gives the calls
/// that finish the job (none when the lost create took full effect).
async fn converge(c: &AccountClient, op: &Op) -> Result<Vec<Op>, OpError> {
    let foreign = |what: String| {
        OpError::Converge(format!(
            "{what} was created by someone else while apply ran (it lacks this deployment's ownership tags)\n  help: run plan again; pass `--adopt` to take it over"
        ))
    };
    let account_id = c.target.account_id.clone();
    match op {
        Op::CreateRole {
            name,
            path,
            description,
            max_session_duration,
            permissions_boundary,
            trust,
            tags,
        } => {
            c.calls.read();
            let got = c
                .iam
                .get_role()
                .role_name(name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetRole", e))?;
            let Some(role) = got.role() else {
                return Ok(Vec::new());
            };
            let live = ObservedRole {
                name: role.role_name().to_owned(),
                path: role.path().to_owned(),
                arn: role.arn().to_owned(),
                role_id: role.role_id().to_owned(),
                description: role.description().unwrap_or_default().to_owned(),
                max_session_duration: role
                    .max_session_duration()
                    .unwrap_or(3600)
                    .max(0)
                    .unsigned_abs(),
                permissions_boundary: role
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                trust_policy: role
                    .assume_role_policy_document()
                    .unwrap_or_default()
                    .to_owned(),
                tags: tag_map(role.tags()),
                ..ObservedRole::default()
            };
            if !same_owner(&live.tags, tags) {
                return Err(foreign(format!("role `{name}`")));
            }
            let want = DesiredRole {
                key: String::new(),
                account_id,
                name: name.clone(),
                path: path.clone(),
                description: description.clone(),
                max_session_duration: *max_session_duration,
                permissions_boundary: permissions_boundary.clone(),
                trust: parse_sent(trust)?,
                inline_policies: BTreeMap::new(),
                managed_policy_arns: Vec::new(),
                tags: tags.clone(),
                depends_on: Vec::new(),
            };
            Ok(diff::role_update(&want, &live, &BTreeSet::new()).ops)
        }
        Op::CreatePolicy {
            name,
            path,
            description,
            document,
            tags,
        } => {
            let arn = c.target.policy_arn(path, name);
            c.calls.read();
            let got = c
                .iam
                .get_policy()
                .policy_arn(&arn)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetPolicy", e))?;
            let Some(p) = got.policy() else {
                return Ok(Vec::new());
            };
            let live_tags = tag_map(p.tags());
            if !same_owner(&live_tags, tags) {
                return Err(foreign(format!("managed policy `{name}`")));
            }
            let default_version_id = p.default_version_id().unwrap_or_default().to_owned();
            c.calls.read();
            let v = c
                .iam
                .get_policy_version()
                .policy_arn(&arn)
                .version_id(&default_version_id)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetPolicyVersion", e))?;
            let live = ObservedPolicy {
                name: name.clone(),
                path: p.path().unwrap_or("/").to_owned(),
                arn: arn.clone(),
                description: p.description().unwrap_or_default().to_owned(),
                versions: vec![ObservedPolicyVersion {
                    version_id: default_version_id.clone(),
                    is_default: true,
                    created: 0,
                    document: v
                        .policy_version()
                        .and_then(|v| v.document())
                        .map(str::to_owned),
                }],
                default_version_id,
                tags: Some(live_tags.clone()),
                ..ObservedPolicy::default()
            };
            let want = DesiredPolicy {
                key: String::new(),
                account_id,
                name: name.clone(),
                path: path.clone(),
                arn,
                description: description.clone(),
                document: parse_sent(document)?,
                tags: tags.clone(),
            };
            Ok(diff::policy_update(&want, &live, &live_tags).1)
        }
        Op::CreateOidcProvider {
            url,
            client_ids,
            thumbprints,
            tags,
        } => {
            let host_path = url
                .strip_prefix("https://")
                .unwrap_or(url)
                .trim_end_matches('/')
                .to_owned();
            let arn = c.target.oidc_provider_arn(&host_path);
            c.calls.read();
            let got = c
                .iam
                .get_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetOpenIDConnectProvider", e))?;
            let live = ObservedOidcProvider {
                arn: arn.clone(),
                url: got.url().unwrap_or_default().to_owned(),
                client_ids: got.client_id_list().to_vec(),
                thumbprints: got.thumbprint_list().to_vec(),
                tags: tag_map(got.tags()),
            };
            if !same_owner(&live.tags, tags) {
                return Err(foreign(format!("OIDC provider `{host_path}`")));
            }
            let want = DesiredOidc {
                key: String::new(),
                account_id,
                url: url.clone(),
                host_path,
                arn,
                client_ids: client_ids.clone(),
                thumbprints: thumbprints.clone(),
                tags: tags.clone(),
            };
            Ok(diff::oidc_update(&want, &live).1)
        }
        _ => Ok(Vec::new()),
    }
}

/// True when the policy's default version means `document`.
async fn default_version_matches(
    c: &AccountClient,
    arn: &str,
    document: &str,
) -> Result<bool, ApiError> {
    c.calls.read();
    let got = c
        .iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetPolicy", e))?;
    let Some(version) = got.policy().and_then(|p| p.default_version_id()) else {
        return Ok(false);
    };
    c.calls.read();
    let v = c
        .iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetPolicyVersion", e))?;
    let live = v
        .policy_version()
        .and_then(|v| v.document())
        .map(decode_document);
    Ok(
        matches!((live, PolicyDocument::from_json(document)), (Some(Ok(l)), Ok(w)) if equivalent(&l, &w)),
    )
}

/// Deletes the oldest non-default version (after `LimitExceeded`: someone added versions
/// since the plan read them).
async fn prune_oldest(c: &AccountClient, arn: &str) -> Result<(), ApiError> {
    c.calls.read();
    let list = c
        .iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("ListPolicyVersions", e))?;
    let live = ObservedPolicy {
        versions: list
            .versions()
            .iter()
            .map(|v| ObservedPolicyVersion {
                version_id: v.version_id().unwrap_or_default().to_owned(),
                is_default: v.is_default_version(),
                created: v.create_date().map(|d| d.secs()).unwrap_or_default(),
                document: None,
            })
            .collect(),
        default_version_id: list
            .versions()
            .iter()
            .find(|v| v.is_default_version())
            .and_then(|v| v.version_id())
            .unwrap_or_default()
            .to_owned(),
        ..ObservedPolicy::default()
    };
    // The same choice as the plan's: the oldest non-default version.
    if let Some(id) = ops::version_to_prune(&live, 0) {
        c.calls.write();
        match c
            .iam
            .delete_policy_version()
            .policy_arn(arn)
            .version_id(&id)
            .send()
            .await
        {
            Ok(_) => {}
            Err(err) => {
                let err = ApiError::from_sdk("DeletePolicyVersion", err);
                if !err.is("NoSuchEntity") {
                    return Err(err);
                }
            }
        }
    }
    Ok(())
}
