//! Test harness: moto's IAM/STS server and the fault proxy as child processes, unique accounts
//! per test, a recording UI, and a hand-built multi-account deployment.
//!
//! `Moto::start` runs `tests/moto/setup.sh` first (idempotent; it installs the pinned moto
//! into the project venv on a fresh machine), so these tests never skip: without Python or
//! PyPI they fail with the set-up script's message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use iam_model::deployment::{
    Account, Deployment, GeneratedValue, ManagedPolicy, OidcProvider, Output, Role,
};
use iam_model::{Condition, LateBound, PolicyDocument, Principal, Statement, Text};
use rolewright_apply::aws::client::Settings;
use rolewright_apply::aws::engine::{self, Command as Cmd, EngineError, Options, Outcome, Ui};
use rolewright_apply::cli::{load_deployment, Args, Format};
use rolewright_apply::plan::Plan;
use rolewright_apply::report::Mode;
use serde_json::Value;

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv() -> PathBuf {
    match std::env::var_os("ROLEWRIGHT_PY_VENV") {
        Some(v) => PathBuf::from(v),
        None => crate_dir().join("../../target/py-venv"),
    }
}

static SETUP: Once = Once::new();

/// Runs the set-up script once per test binary, and points the SDK's default credential chain
/// at fixed test credentials (moto accepts any).
fn setup() {
    SETUP.call_once(|| {
        let script = crate_dir().join("tests/moto/setup.sh");
        let out = Command::new("bash")
            .arg(&script)
            .env("ROLEWRIGHT_PY_VENV", venv())
            .output()
            .expect("run setup.sh");
        assert!(
            out.status.success(),
            "tests/moto/setup.sh failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Process-wide and identical for every test, so setting it once is race-free.
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "secret");
        std::env::set_var("AWS_REGION", "eu-west-1");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::remove_var("AWS_PROFILE");
        std::env::remove_var("AWS_ENDPOINT_URL");
    });
}

fn python() -> PathBuf {
    venv().join("bin/python")
}

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// moto's server (with the OIDC client-id shim) on a free port.
pub struct Moto {
    proc: Proc,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        setup();
        let log = std::env::temp_dir().join(format!(
            "rolewright-moto-{}-{}.log",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let child = Command::new(python())
            .arg(crate_dir().join("tests/moto/moto_iam_plus.py"))
            .args(["-H", "127.0.0.1", "-p", "0"])
            .env("ROLEWRIGHT_PARENT_PID", std::process::id().to_string())
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env_remove("MOTO_ACCOUNT_ID")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start moto");
        let proc = Proc(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(p) = text.split("Running on http://127.0.0.1:").nth(1) {
                let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse::<u16>().unwrap();
            }
            assert!(Instant::now() < deadline, "moto did not start:\n{text}");
            std::thread::sleep(Duration::from_millis(50));
        };
        let moto = Moto { proc, port };
        while http_get(port, "/moto-api/").is_err() {
            assert!(
                Instant::now() < deadline,
                "moto does not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_file(&log);
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// The fault proxy in front of `upstream`.
pub struct Proxy {
    proc: Proc,
    pub port: u16,
}

impl Proxy {
    pub fn start(upstream: u16) -> Proxy {
        setup();
        let mut child = Command::new(python())
            .arg(crate_dir().join("tests/moto/faultproxy.py"))
            .args(["0", &upstream.to_string()])
            .env("ROLEWRIGHT_PARENT_PID", std::process::id().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the fault proxy");
        let stdout = child.stdout.take().unwrap();
        let proc = Proc(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("proxy said {line:?}"))
            .parse()
            .unwrap();
        Proxy { proc, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Arms a fault (`mode=lose&action=CreateRole`).
    pub fn arm(&self, query: &str) {
        http_get(self.port, &format!("/__fault?{query}")).unwrap();
    }

    pub fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&http_get(self.port, "/__stats").unwrap()).unwrap()
    }

    pub fn reset(&self) {
        http_get(self.port, "/__reset").unwrap();
    }

    pub fn release(&self) {
        http_get(self.port, "/__release").unwrap();
    }
}

/// A minimal HTTP GET on loopback (the control endpoints answer small JSON bodies).
fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let (head, body) = buf.split_once("\r\n\r\n").unwrap_or((&buf, ""));
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return Err(std::io::Error::other(format!("GET {path}: {head}")));
    }
    Ok(body.to_owned())
}

/// A random 12-digit account id, unique per test.
pub fn account_id() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 900_000_000_000 + 100_000_000_000;
    n.to_string()
}

/// Engine options reaching each `(key, account id)` through STS AssumeRole (moto routes the
/// assumed credentials to that account), with short timeouts for tests.
pub fn options(endpoint: &str, accounts: &[(&str, &str)]) -> Options {
    Options {
        settings: Settings {
            endpoint_url: Some(endpoint.to_owned()),
            region: Some("eu-west-1".to_owned()),
            profile: None,
            account_roles: accounts
                .iter()
                .map(|(k, id)| {
                    (
                        (*k).to_owned(),
                        format!("arn:aws:iam::{id}:role/rolewright-deployer"),
                    )
                })
                .collect(),
            attempt_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(60),
            max_attempts: 4,
            concurrency: 10,
        },
        externals: BTreeMap::new(),
        adopt: false,
        auto_approve: true,
        propagation_timeout: Duration::from_secs(20),
        rotate_external_id: false,
        lock: rolewright_apply::aws::lock::LockSettings::default(),
    }
}

/// A UI that records what the engine says.
#[derive(Default)]
pub struct Recorder {
    pub lines: Mutex<Vec<String>>,
    pub plans: Mutex<Vec<Plan>>,
}

impl Ui for Recorder {
    fn progress(&self, line: &str) {
        self.lines.lock().unwrap().push(line.to_owned());
    }
    fn show_plan(&self, plan: &Plan, _mode: Mode) {
        self.plans.lock().unwrap().push(plan.clone());
    }
    fn confirm(&self, _plan: &Plan, _mode: Mode) -> bool {
        false
    }
}

/// Runs the engine with a recording UI and a time limit.
pub async fn run(cmd: Cmd, d: &Deployment, opts: &Options) -> Result<Outcome, EngineError> {
    let ui = Recorder::default();
    match tokio::time::timeout(Duration::from_secs(240), engine::run(cmd, d, opts, &ui)).await {
        Ok(r) => r,
        Err(_) => panic!(
            "the engine did not finish in 240 s; progress:\n{}",
            ui.lines.lock().unwrap().join("\n")
        ),
    }
}

/// A plain IAM client for one moto account (the `x-moto-account-id` header), for setting up
/// and checking state behind the engine's back.
pub fn iam(endpoint: &str, account: &str) -> aws_sdk_iam::Client {
    #[derive(Debug)]
    struct MotoAccount(String);
    impl aws_sdk_iam::config::Intercept for MotoAccount {
        fn name(&self) -> &'static str {
            "MotoAccount"
        }
        fn modify_before_signing(
            &self,
            ctx: &mut aws_sdk_iam::config::interceptors::BeforeTransmitInterceptorContextMut<'_>,
            _rc: &aws_sdk_iam::config::RuntimeComponents,
            _cfg: &mut aws_sdk_iam::config::ConfigBag,
        ) -> Result<(), aws_sdk_iam::error::BoxError> {
            ctx.request_mut()
                .headers_mut()
                .insert("x-moto-account-id", self.0.clone());
            Ok(())
        }
    }
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "AKIDCHECK",
            "secret",
            None,
            None,
            "test",
        ))
        .interceptor(MotoAccount(account.to_owned()))
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// Names of the roles in `account`.
pub async fn role_names(c: &aws_sdk_iam::Client) -> Vec<String> {
    let out = c.list_roles().max_items(1000).send().await.unwrap();
    let mut v: Vec<String> = out
        .roles()
        .iter()
        .map(|r| r.role_name().to_owned())
        .collect();
    v.sort();
    v
}

/// Names of the customer managed policies in `account`, but the engine's own lock and ledger
/// (path `/rolewright/`).
pub async fn policy_names(c: &aws_sdk_iam::Client) -> Vec<String> {
    let out = c
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .max_items(1000)
        .send()
        .await
        .unwrap();
    let mut v: Vec<String> = out
        .policies()
        .iter()
        .filter(|p| !p.path().unwrap_or("/").starts_with("/rolewright/"))
        .filter_map(|p| p.policy_name().map(str::to_owned))
        .collect();
    v.sort();
    v
}

/// URLs of the OIDC providers in `account`.
pub async fn oidc_arns(c: &aws_sdk_iam::Client) -> Vec<String> {
    let out = c.list_open_id_connect_providers().send().await.unwrap();
    let mut v: Vec<String> = out
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|p| p.arn().map(str::to_owned))
        .collect();
    v.sort();
    v
}

/// What the hand-built deployment varies between the first apply and the edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// As first applied.
    First,
    /// Every object edited in place: documents, description, session length, tags, client
    /// ids and thumbprints.
    Edited,
}

pub const OIDC_URL: &str = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF";

/// A multi-account deployment built by hand, in the shape of the inventory blueprint: an EKS
/// OIDC provider, a managed policy and a web-identity runner role in `hub`; a target role in
/// `member` at `/managed/`, trusted only by the runner with a generated external id.
pub fn demo(v: Variant) -> Deployment {
    let edited = v == Variant::Edited;
    let host = OIDC_URL.trim_start_matches("https://");
    let runner_trust = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRoleWithWebIdentity")
        .principal(Principal::federated([LateBound::oidc_provider_arn("eks")]))
        .condition(Condition::string_equals(
            format!("{host}:sub"),
            ["system:serviceaccount:inventory:runner"],
        ))]);
    let target_arn = Text::from("arn:")
        .then(LateBound::Partition)
        .then(":iam::")
        .then(LateBound::account("member"))
        .then(":role/managed/demo-target");
    let mut runner_inline = Statement::allow()
        .action("sts:AssumeRole")
        .resource(target_arn);
    if edited {
        runner_inline = runner_inline.action("sts:TagSession");
    }
    let read_actions: &[&str] = if edited {
        &["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]
    } else {
        &["s3:GetObject", "s3:ListBucket"]
    };
    let read = PolicyDocument::new([Statement::allow()
        .actions(read_actions.iter().copied())
        .resources(["arn:aws:s3:::demo-reports", "arn:aws:s3:::demo-reports/*"])]);
    let target_trust = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRole")
        .principal(Principal::aws([LateBound::role_arn("runner")]))
        .condition(Condition::string_equals(
            "sts:ExternalId",
            [LateBound::Generated("external_id".into())],
        ))]);
    let target_inline = PolicyDocument::new([Statement::allow()
        .actions(if edited {
            vec!["ec2:Describe*", "iam:List*"]
        } else {
            vec!["ec2:Describe*"]
        })
        .resource("*")]);
    let tags = |env: &str| {
        BTreeMap::from([
            ("team".to_owned(), "platform".to_owned()),
            ("env".to_owned(), env.to_owned()),
        ])
    };
    Deployment::builder()
        .blueprint("demo")
        .instance("test")
        .accounts(vec![Account::new("hub"), Account::new("member")])
        .oidc_providers(vec![OidcProvider::builder()
            .key("eks")
            .account("hub")
            .url(OIDC_URL)
            .client_ids(if edited {
                vec!["sts.amazonaws.com".into(), "inventory".into()]
            } else {
                vec!["sts.amazonaws.com".into()]
            })
            .thumbprints(vec![if edited {
                "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
            } else {
                "6938fd4d98bab03faadb97b34396831e3780aea1"
            }
            .into()])
            .tags(tags("prod"))
            .build()])
        .policies(vec![ManagedPolicy::builder()
            .key("read")
            .account("hub")
            .name("demo-read")
            .path("/demo/")
            .description("Read the demo reports bucket")
            .document(read)
            .tags(tags(if edited { "staging" } else { "prod" }))
            .build()])
        .roles(vec![
            Role::builder()
                .key("runner")
                .account("hub")
                .name("demo-runner")
                .description("Runs the demo")
                .trust(runner_trust)
                .tags(tags("prod"))
                .build()
                .inline("assume-members", PolicyDocument::new([runner_inline]))
                .attach(LateBound::policy_arn("read"))
                .attach("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            Role::builder()
                .key("target")
                .account("member")
                .name("demo-target")
                .path("/managed/")
                .description(if edited {
                    "Demo target, edited"
                } else {
                    "Demo target"
                })
                .max_session_duration(if edited { 7200 } else { 3600 })
                .trust(target_trust)
                .tags(tags("prod"))
                .build()
                .inline("read-only", target_inline),
        ])
        .generated(vec![GeneratedValue::builder().name("external_id").build()])
        .outputs(vec![
            Output::builder()
                .name("runner_arn")
                .value(LateBound::role_arn("runner"))
                .build(),
            Output::builder()
                .name("external_id")
                .value(LateBound::Generated("external_id".into()))
                .build(),
        ])
        .build()
}

/// The two accounts of a demo run.
pub struct Accounts {
    pub hub: String,
    pub member: String,
}

impl Accounts {
    pub fn new() -> Accounts {
        Accounts {
            hub: account_id(),
            member: account_id(),
        }
    }

    pub fn pairs(&self) -> Vec<(&str, &str)> {
        vec![("hub", self.hub.as_str()), ("member", self.member.as_str())]
    }
}

/// Reads a file next to the tests.
pub fn fixture(rel: &str) -> String {
    std::fs::read_to_string(crate_dir().join("tests").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Runs the binary; returns its output (asserting the exit status).
pub fn engine(
    args: &[&str],
    endpoint: &str,
    roles: &[String],
    expect: i32,
) -> std::process::Output {
    engine_env(args, endpoint, roles, expect, &[])
}

/// [`engine`] with extra environment variables.
pub fn engine_env(
    args: &[&str],
    endpoint: &str,
    roles: &[String],
    expect: i32,
    envs: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolewright-apply"));
    cmd.args(args).args([
        "--endpoint-url",
        endpoint,
        // Generous: moto loads an account's AWS managed policies on its first call, seconds on
        // a loaded machine.
        "--attempt-timeout",
        "15",
        "--max-attempts",
        "4",
        "--propagation-timeout",
        "20",
    ]);
    for r in roles {
        cmd.args(["--account-role", r]);
    }
    let out = cmd
        .env("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(expect),
        "rolewright-apply {args:?} exited with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)))
}

/// The accounts of a blueprint's example deployment: key → id (the configured id, or a fresh one).
pub fn accounts(blueprint: &str, config: &Path) -> BTreeMap<String, String> {
    let args = Args {
        blueprint: blueprint.to_owned(),
        config: Some(config.to_path_buf()),
        format: Format::Json,
        adopt: false,
        auto_approve: true,
        endpoint_url: None,
        region: None,
        profile: None,
        account_roles: vec![],
        overrides: Default::default(),
        propagation_timeout: 20,
        rotate_external_id: false,
        lock_wait: 60,
        attempt_timeout: 5,
        max_attempts: 4,
        concurrency: 10,
    };
    let d = load_deployment(&args).unwrap_or_else(|e| panic!("{blueprint}: {e}"));
    d.accounts
        .iter()
        .map(|a| {
            let id = a.id.as_ref().map(ToString::to_string);
            (a.key.clone(), id.unwrap_or_else(account_id))
        })
        .collect()
}

pub fn role_args(accounts: &BTreeMap<String, String>) -> Vec<String> {
    accounts
        .iter()
        .map(|(k, id)| format!("{k}=arn:aws:iam::{id}:role/rolewright-deployer"))
        .collect()
}

/// A temporary folder, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn join(&self, p: impl AsRef<Path>) -> std::path::PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn tempdir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("rolewright-apply-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}
