//! The deployment's lock, kept in IAM itself so it works across machines: a lease.
//!
//! Before apply or destroy writes anything, it creates in every account it writes to a
//! customer managed policy named after the deployment (`rolewright-lock.<blueprint>.<instance>`
//! at path `/rolewright/locks/`), tagged with its holder (caller ARN, process, host) and an
//! expiry. `CreatePolicy` fails with `EntityAlreadyExists` when the policy exists: that is the
//! conditional create the lock needs. A held lock is waited for (bounded), then reported with
//! its holder and expiry; an expired one, or one whose holder process on this host is gone,
//! is stale and taken over. The holder renews the expiry while it runs and deletes the policy
//! at the end. The policy grants nothing (it is never attached) and carries no ownership tags,
//! so plans never see it as the deployment's. Its calls are bookkeeping: they are not counted
//! in a run's `api_calls`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_iam::types::Tag;

use super::client::AccountClient;
use super::error::ApiError;
use super::read::tag_map;
use super::write::sdk_tags;

/// The path of lock policies.
pub const LOCK_PATH: &str = "/rolewright/locks/";
/// Tag: who holds the lock (`ARN pid N on HOST`).
pub const TAG_HOLDER: &str = "rolewright:lock-holder";
/// Tag: when the lease ends, in seconds since the Unix epoch.
pub const TAG_EXPIRES: &str = "rolewright:lock-expires";
/// Tag: the deployment the lock is for (`blueprint/instance`).
pub const TAG_LOCK: &str = "rolewright:lock";

/// A document that grants nothing: the lock is never attached, but IAM needs a valid document.
const DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RolewrightApplyLock","Effect":"Deny","Action":"iam:TagPolicy","Resource":"arn:aws:iam::*:policy/rolewright/locks/none"}]}"#;

/// How long to wait for a lock, and how long a lease lasts without renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockSettings {
    /// How long to wait for another holder to finish.
    pub wait: Duration,
    /// How long a lease lasts unless renewed (the holder renews it every third of this).
    pub lease: Duration,
}

impl Default for LockSettings {
    fn default() -> Self {
        LockSettings {
            wait: Duration::from_secs(60),
            lease: Duration::from_secs(120),
        }
    }
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else holds it.
    #[error("deployment `{deployment}` is locked in account {account} by {holder} until {expires} (waited {waited} s); nothing was changed\n  help: another apply or destroy of this deployment is running; run again when it is done. If that run died, the lock is stale at {expires}; or delete policy `{name}` (path `{LOCK_PATH}`) in account {account} once you are sure it is gone")]
    Held {
        /// `blueprint/instance`.
        deployment: String,
        /// The account id.
        account: String,
        /// The lock policy's name.
        name: String,
        /// Its holder.
        holder: String,
        /// Its expiry, UTC.
        expires: String,
        /// Seconds waited.
        waited: u64,
    },
    /// IAM failed.
    #[error("could not take the lock of deployment `{deployment}` in account {account}: {source}")]
    Api {
        /// `blueprint/instance`.
        deployment: String,
        /// The account id.
        account: String,
        /// The failure.
        #[source]
        source: ApiError,
    },
}

/// Held locks; [`Lease::release`] gives them back.
pub struct Lease {
    held: Vec<(AccountClient, String)>,
    renewal: tokio::task::JoinHandle<()>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// `2026-12-07T22:41:05Z` for seconds since the epoch (UTC, proleptic Gregorian).
pub fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

/// Tag values allow letters, digits, spaces and `_ . : / = + - @`.
fn tag_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " _.:/=+-@".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(256)
        .collect()
}

/// The lock policy's name for a deployment.
pub fn lock_name(blueprint: &str, instance: &str) -> String {
    iam_name(&format!("rolewright-lock.{blueprint}.{instance}"))
}

/// `s` as an IAM name: characters outside `[\w+=,.@-]` become `-`, at most 128.
pub(crate) fn iam_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect()
}

/// True when `holder` names a process on this host that no longer runs (Linux: `/proc`).
fn holder_is_dead(holder: &str) -> bool {
    let Some((pid, host_name)) = holder
        .rsplit_once(" pid ")
        .and_then(|(_, rest)| rest.split_once(" on "))
    else {
        return false;
    };
    if host_name != tag_safe(&host()) || !Path::new("/proc/self").exists() {
        return false;
    }
    pid.parse::<u32>()
        .is_ok_and(|p| !Path::new(&format!("/proc/{p}")).exists())
}

fn tags(pairs: &[(&str, String)]) -> Result<Vec<Tag>, ApiError> {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    sdk_tags(&map)
}

impl Lease {
    /// Takes the deployment's lock in every account of `clients` (by account id, in order, so
    /// two runs never hold one account each and wait for the other).
    pub async fn acquire(
        clients: &BTreeMap<String, AccountClient>,
        blueprint: &str,
        instance: &str,
        settings: LockSettings,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Lease, LockError> {
        let deployment = format!("{blueprint}/{instance}");
        let name = lock_name(blueprint, instance);
        let mut lease = Lease {
            held: Vec::new(),
            renewal: tokio::spawn(async {}),
        };
        for (account, c) in clients {
            let arn = format!(
                "arn:{}:iam::{account}:policy{LOCK_PATH}{name}",
                c.target.partition
            );
            let me = tag_safe(&format!(
                "{} pid {} on {}",
                c.identity.arn,
                std::process::id(),
                host()
            ));
            let started = std::time::Instant::now();
            let mut said = false;
            let fail = |source: ApiError| LockError::Api {
                deployment: deployment.clone(),
                account: account.clone(),
                source,
            };
            loop {
                let expires = now() + settings.lease.as_secs();
                let t = tags(&[
                    (TAG_LOCK, tag_safe(&deployment)),
                    (TAG_HOLDER, me.clone()),
                    (TAG_EXPIRES, expires.to_string()),
                ])
                .map_err(fail)?;
                let created = c
                    .iam
                    .create_policy()
                    .policy_name(&name)
                    .path(LOCK_PATH)
                    .description(format!(
                        "rolewright apply lock of {deployment}; deleted when the run ends"
                    ))
                    .policy_document(DOCUMENT)
                    .set_tags(Some(t))
                    .send()
                    .await;
                let err = match created {
                    Ok(_) => break,
                    Err(e) => ApiError::from_sdk("CreatePolicy", e),
                };
                if !err.is("EntityAlreadyExists") {
                    lease.release(progress).await;
                    return Err(fail(err));
                }
                let live = match c.iam.get_policy().policy_arn(&arn).send().await {
                    Ok(p) => p.policy().map(|p| tag_map(p.tags())).unwrap_or_default(),
                    Err(e) => match ApiError::from_sdk("GetPolicy", e) {
                        // Released between the create and this read: try again.
                        e if e.is("NoSuchEntity") => continue,
                        e => {
                            lease.release(progress).await;
                            return Err(fail(e));
                        }
                    },
                };
                let holder = live.get(TAG_HOLDER).cloned().unwrap_or_default();
                let until: u64 = live
                    .get(TAG_EXPIRES)
                    .and_then(|e| e.parse().ok())
                    .unwrap_or(0);
                let stale = until <= now() || holder == me || holder_is_dead(&holder);
                if stale {
                    if holder != me {
                        progress(&format!(
                            "account {account}: taking over the stale lock of {holder} (expired {})",
                            utc(until)
                        ));
                    }
                    match c.iam.delete_policy().policy_arn(&arn).send().await {
                        Ok(_) => continue,
                        Err(e) => match ApiError::from_sdk("DeletePolicy", e) {
                            e if e.is("NoSuchEntity") => continue,
                            e => {
                                lease.release(progress).await;
                                return Err(fail(e));
                            }
                        },
                    }
                }
                if started.elapsed() >= settings.wait {
                    lease.release(progress).await;
                    return Err(LockError::Held {
                        deployment,
                        account: account.clone(),
                        name,
                        holder,
                        expires: utc(until),
                        waited: started.elapsed().as_secs(),
                    });
                }
                if !said {
                    said = true;
                    progress(&format!(
                        "account {account}: deployment `{deployment}` is locked by {holder} until {}; waiting up to {} s",
                        utc(until),
                        settings.wait.as_secs()
                    ));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            lease.held.push((c.clone(), arn));
        }
        let held: Vec<(AccountClient, String)> = lease.held.clone();
        let every = (settings.lease / 3).max(Duration::from_secs(1));
        let lease_secs = settings.lease.as_secs();
        lease.renewal = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                for (c, arn) in &held {
                    let Ok(t) = tags(&[(TAG_EXPIRES, (now() + lease_secs).to_string())]) else {
                        continue;
                    };
                    // A failed renewal is retried at the next tick; the lease outlives two.
                    let _ = c
                        .iam
                        .tag_policy()
                        .policy_arn(arn)
                        .set_tags(Some(t))
                        .send()
                        .await;
                }
            }
        });
        Ok(lease)
    }

    /// Deletes the lock policies (a failure leaves them to expire).
    pub async fn release(self, progress: &(dyn Fn(&str) + Sync)) {
        self.renewal.abort();
        for (c, arn) in &self.held {
            if let Err(e) = c.iam.delete_policy().policy_arn(arn).send().await {
                let e = ApiError::from_sdk("DeletePolicy", e);
                if !e.is("NoSuchEntity") {
                    progress(&format!(
                        "warning: could not release the lock `{arn}` ({e}); it expires on its own"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_names() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_796_683_265), "2026-12-07T22:41:05Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            lock_name("aws-teams", "prod eu"),
            "rolewright-lock.aws-teams.prod-eu"
        );
        assert_eq!(
            tag_safe("arn:aws:sts::1:x/y (pid)"),
            "arn:aws:sts::1:x/y -pid-"
        );
    }
}
