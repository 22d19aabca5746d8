//! The flags of `plan | apply | destroy`, on their own: no AWS SDK, so the command line
//! (`xtask`, which never links the engine) includes this same file to parse and print help
//! for these commands without building the engine. One definition serves both.

use std::path::PathBuf;

use clap::ValueEnum;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Like `terraform plan`.
    Human,
    /// `{"changes": [...], "api_calls": {"read": N, "write": N}, ...}` on stdout.
    Json,
}

/// Flags shared by the three commands.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The blueprint (see `cargo xtask render --help` for the list).
    #[arg(value_name = "BLUEPRINT")]
    pub blueprint: String,
    /// The config file (YAML or JSON); default: `examples/<blueprint>.yaml` (or `.yml`, `.json`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Take over objects with the deployment's names that rolewright did not create (they are
    /// then tagged, updated and, on destroy, deleted as this deployment's).
    #[arg(long)]
    pub adopt: bool,
    /// Do not ask before changing anything.
    #[arg(long)]
    pub auto_approve: bool,
    /// Send IAM and STS calls here instead of AWS (a local endpoint such as moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The region (signs requests; the value of region references). Default: the AWS config.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The AWS shared-config profile. Default: `AWS_PROFILE`, else `default`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The role to assume for one account of the deployment, by account key or id (repeat per
    /// account). Default: the config's `assume_role_arn`, else the caller's own credentials.
    #[arg(long = "account-role", value_name = "KEY_OR_ID=ROLE_ARN")]
    pub account_roles: Vec<String>,
    /// The flags every command shares (instance, account ids, generated and external values,
    /// quotas), parsed and applied by `blueprint_kit::prepare` as `render` does.
    #[command(flatten)]
    pub overrides: blueprint_kit::OverrideArgs,
    /// Seconds to wait for IAM's eventual consistency ("Invalid principal", conflicts).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub propagation_timeout: u64,
    /// Seconds before one attempt of one call is abandoned and retried.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub attempt_timeout: u64,
    /// Attempts per call for throttling, 5xx and network errors (standard retry mode).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_attempts: u32,
}
