//! Credentials, clients and call accounting, one set per target account.
//!
//! The base configuration is the standard AWS chain (environment, profiles, SSO caches, IMDS)
//! through `aws-config`, with standard retries (never adaptive: it stalls for tens of seconds
//! after a few throttles at apply's low request rate) and a timeout on every attempt and every
//! operation (the SDK sets no read timeout of its own). An account that needs another role is
//! reached through STS `AssumeRole`; STS `GetCallerIdentity` then says which account and
//! partition the credentials really reach, and a mismatch with a configured id stops the run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use iam_model::deployment::Deployment;

use super::error::ApiError;
use super::limit::{Limiter, ThrottleWatch};
use crate::desired::Target;
use crate::report::ApiCalls;

/// How to reach AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// An endpoint to use instead of AWS's (a local IAM such as moto).
    pub endpoint_url: Option<String>,
    /// The region: it signs requests and resolves `LateBound::Region`.
    pub region: Option<String>,
    /// The shared-config profile.
    pub profile: Option<String>,
    /// `KEY_OR_ID=ROLE_ARN`: the role to assume per account key or account id.
    pub account_roles: Vec<(String, String)>,
    /// Timeout of one attempt of one call.
    pub attempt_timeout: Duration,
    /// Timeout of one call, retries included.
    pub operation_timeout: Duration,
    /// Attempts per call (standard retry mode).
    pub max_attempts: u32,
    /// Write calls in flight per account at most (halved on throttling, regained slowly).
    pub concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint_url: None,
            region: None,
            profile: None,
            account_roles: Vec::new(),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(120),
            max_attempts: 5,
            concurrency: 10,
        }
    }
}

/// Counts the calls a run makes: one per operation, whatever the SDK retried inside it.
#[derive(Debug, Default)]
pub struct Calls {
    read: AtomicU64,
    write: AtomicU64,
}

impl Calls {
    /// Counts a read call.
    pub fn read(&self) {
        self.read.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a write call.
    pub fn write(&self) {
        self.write.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn snapshot(&self) -> ApiCalls {
        ApiCalls {
            read: self.read.load(Ordering::Relaxed),
            write: self.write.load(Ordering::Relaxed),
        }
    }
}

/// Who a run acts as in one account: said before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// The deployment's account key.
    pub key: String,
    /// The account the credentials reach.
    pub account_id: String,
    /// The principal (STS `GetCallerIdentity`'s ARN).
    pub arn: String,
    /// Where the credentials come from (`profile \`prod\``, `the default credential chain`,
    /// or the role assumed).
    pub credentials: String,
}

/// Where the base credentials come from, for messages.
pub fn base_origin(s: &Settings) -> String {
    match &s.profile {
        Some(p) => format!("profile `{p}`"),
        None => match std::env::var("AWS_PROFILE") {
            Ok(p) if !p.is_empty() => format!("the default credential chain (`AWS_PROFILE={p}`)"),
            _ => {
                "the default credential chain (environment, `default` profile, SSO, instance role)"
                    .to_owned()
            }
        },
    }
}

/// One target account, connected.
#[derive(Debug, Clone)]
pub struct AccountClient {
    /// The deployment's keys for this account (several keys may reach one account).
    pub keys: Vec<String>,
    /// Where the credentials lead.
    pub target: Target,
    /// Who the client acts as.
    pub identity: Identity,
    /// The IAM client.
    pub iam: aws_sdk_iam::Client,
    /// The call counters shared by the run.
    pub calls: Arc<Calls>,
    /// The account's bound on calls in flight.
    pub limiter: Arc<Limiter>,
}

/// Why the accounts could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A configuration problem.
    #[error("{0}")]
    Config(String),
    /// The credentials could not be loaded: nothing was sent.
    #[error("no usable credentials for account `{key}` from {origin}: {message}\n  help: {help}")]
    Credentials {
        /// The account key.
        key: String,
        /// Where the credentials were to come from (`profile \`prod\``).
        origin: String,
        /// The loader's explanation, on one line.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// STS failed.
    #[error("could not identify the credentials for account `{key}`: {source}")]
    Identity {
        /// The account key.
        key: String,
        /// The STS error.
        #[source]
        source: ApiError,
    },
}

/// The base SDK configuration, and the configured region (before defaulting to `us-east-1`,
/// which signs IAM requests when nothing else is configured).
pub async fn base_config(s: &Settings) -> (SdkConfig, Option<String>) {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(s.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5).min(s.attempt_timeout))
                .operation_attempt_timeout(s.attempt_timeout)
                .operation_timeout(s.operation_timeout)
                .build(),
        );
    if let Some(u) = &s.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    if let Some(r) = &s.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &s.profile {
        // The profile's own credentials, built explicitly: with only `profile_name` set, the
        // default chain still reads `AWS_ACCESS_KEY_ID` first and reaches another account.
        let provider = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(p)
            .build();
        loader = loader.profile_name(p).credentials_provider(provider);
    }
    let conf = loader.load().await;
    let region = conf.region().map(|r| r.to_string());
    if region.is_some() {
        return (conf, region);
    }
    (
        conf.to_builder().region(Region::new("us-east-1")).build(),
        None,
    )
}

/// The role to assume for account `key` (whose configured id is `id`): a `--account-role` for
/// the key or the id, else the deployment's own `assume_role_arn`.
fn role_for<'a>(
    s: &'a Settings,
    key: &str,
    id: Option<&str>,
    configured: Option<&'a str>,
) -> Option<&'a str> {
    s.account_roles
        .iter()
        .find(|(k, _)| k == key)
        .or_else(|| id.and_then(|id| s.account_roles.iter().find(|(k, _)| k == id)))
        .map(|(_, r)| r.as_str())
        .or(configured)
}

/// Connects to every account the deployment uses, returning clients by account key.
pub async fn connect(
    deployment: &Deployment,
    settings: &Settings,
    base: &SdkConfig,
    calls: &Arc<Calls>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<BTreeMap<String, AccountClient>, ConnectError> {
    for (k, _) in &settings.account_roles {
        let known = deployment
            .accounts
            .iter()
            .any(|a| &a.key == k || a.id.as_deref() == Some(k.as_str()));
        if !known {
            let keys: Vec<&str> = deployment.accounts.iter().map(|a| a.key.as_str()).collect();
            return Err(ConnectError::Config(format!(
                "`--account-role {k}=...` names no account of this deployment\n  help: use one of the account keys {} or a configured account id",
                keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let mut out = BTreeMap::new();
    for account in &deployment.accounts {
        let role = role_for(
            settings,
            &account.key,
            account.id.as_deref(),
            account.assume_role_arn.as_deref(),
        );
        let origin = match role {
            Some(arn) => format!("role `{arn}` assumed with {}", base_origin(settings)),
            None => base_origin(settings),
        };
        let conf = match role {
            Some(arn) => {
                progress(&format!("account `{}`: assuming {arn}", account.key));
                let provider = aws_config::sts::AssumeRoleProvider::builder(arn)
                    .session_name("rolewright-apply")
                    .configure(base)
                    .build()
                    .await;
                base.to_builder()
                    .credentials_provider(aws_sdk_iam::config::SharedCredentialsProvider::new(
                        provider,
                    ))
                    .build()
            }
            None => base.clone(),
        };
        let sts = aws_sdk_sts::Client::new(&conf);
        calls.read();
        let who = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| match ApiError::from_sdk("GetCallerIdentity", e) {
                e if e.credentials => ConnectError::Credentials {
                    key: account.key.clone(),
                    origin: origin.clone(),
                    message: e.message,
                    help: match &settings.profile {
                        Some(p) => format!("check profile `{p}` in `~/.aws/config` / `~/.aws/credentials` (or `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`); for SSO run `aws sso login --profile {p}`"),
                        None => "set `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, or pass `--profile NAME`".to_owned(),
                    },
                },
                source => ConnectError::Identity {
                    key: account.key.clone(),
                    source,
                },
            })?;
        let account_id = who.account().unwrap_or_default().to_owned();
        let caller_arn = who.arn().unwrap_or_default().to_owned();
        let partition = caller_arn
            .split(':')
            .nth(1)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_owned();
        if let Some(want) = &account.id {
            if want != &account_id {
                return Err(ConnectError::Config(format!(
                    "account `{}` is configured as `{want}`, but the credentials reach `{account_id}` (as `{caller_arn}`)\n  help: pass `--account-role {}=arn:aws:iam::{want}:role/ROLE`, or use credentials for `{want}`",
                    account.key, account.key
                )));
            }
        }
        progress(&format!(
            "account `{}`: acting in {account_id} as {caller_arn} (credentials: {origin})",
            account.key
        ));
        // Keys that reach one account share its limiter: IAM limits rates per account.
        let limiter = out
            .values()
            .find(|c: &&AccountClient| c.target.account_id == account_id)
            .map(|c| Arc::clone(&c.limiter))
            .unwrap_or_else(|| Limiter::new(settings.concurrency));
        out.insert(
            account.key.clone(),
            AccountClient {
                keys: vec![account.key.clone()],
                target: Target {
                    account_id: account_id.clone(),
                    partition,
                },
                identity: Identity {
                    key: account.key.clone(),
                    account_id: account_id.clone(),
                    arn: caller_arn,
                    credentials: origin,
                },
                iam: aws_sdk_iam::Client::from_conf(
                    aws_sdk_iam::config::Builder::from(&conf)
                        .interceptor(ThrottleWatch(Arc::clone(&limiter)))
                        .build(),
                ),
                limiter,
                calls: Arc::clone(calls),
            },
        );
    }
    Ok(out)
}

/// The clients by account id (the first key's client when several keys reach one account).
pub fn by_account_id(clients: &BTreeMap<String, AccountClient>) -> BTreeMap<String, AccountClient> {
    let mut out: BTreeMap<String, AccountClient> = BTreeMap::new();
    for c in clients.values() {
        match out.get_mut(&c.target.account_id) {
            Some(existing) => existing.keys.extend(c.keys.iter().cloned()),
            None => {
                out.insert(c.target.account_id.clone(), c.clone());
            }
        }
    }
    out
}
