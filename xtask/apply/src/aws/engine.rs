//! The engine: connect, observe, resolve, plan, confirm, execute — for `plan`, `apply` and
//! `destroy`.
//!
//! Apply runs in rounds: one normally, a second when an object waited for a value that exists
//! only after the first round (a role's unique id). Each round re-reads the accounts, so what
//! it executes is always planned against the live state.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use iam_model::deployment::Deployment;
use serde_json::Value;

use super::client::{
    base_config, by_account_id, connect, AccountClient, Calls, ConnectError, Settings,
};
use super::error::ApiError;
use super::read::{observe, Interest};
use super::write::{ExecError, Executor};
use crate::desired::{resolve, resolve_outputs, Context, Declared, ResolveError, Target};
use crate::plan::{plan, plan_destroy, Plan, PlanOptions};
use crate::report::{ApiCalls, Mode};
use crate::state::ObservedAccount;

/// The three commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Show what apply would do.
    Plan,
    /// Converge the accounts to the deployment.
    Apply,
    /// Delete what the deployment owns.
    Destroy,
}

/// Everything a run needs besides the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How to reach AWS.
    pub settings: Settings,
    /// External values (`--external NAME=VALUE`).
    pub externals: BTreeMap<String, String>,
    /// Take over (and on destroy, delete) objects this deployment does not own.
    pub adopt: bool,
    /// Apply without asking.
    pub auto_approve: bool,
    /// The engine's own budget for IAM's eventual consistency.
    pub propagation_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            settings: Settings::default(),
            externals: BTreeMap::new(),
            adopt: false,
            auto_approve: false,
            propagation_timeout: Duration::from_secs(120),
        }
    }
}

/// Where the engine reports to.
pub trait Ui: Sync {
    /// A progress line (stderr in the command line).
    fn progress(&self, line: &str);
    /// The plan, before anything is executed.
    fn show_plan(&self, plan: &Plan, mode: Mode);
    /// Asks whether to go ahead; false stops the run.
    fn confirm(&self, plan: &Plan, mode: Mode) -> bool;
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The plan of the first round (what was shown and confirmed).
    pub plan: Plan,
    /// Whether changes were executed.
    pub applied: bool,
    /// Calls: the reads made, and the writes sent (for `plan`: the writes apply would send).
    pub api_calls: ApiCalls,
    /// Rounds executed.
    pub rounds: u32,
    /// The deployment's outputs, resolved (apply only): name → (value, sensitive). A role's
    /// unique id is `null` on the apply that creates the role.
    pub outputs: BTreeMap<String, (Value, bool)>,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Credentials or accounts.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Reading an account failed.
    #[error("could not read account {account}: {source}")]
    Read {
        /// The account id.
        account: String,
        /// The failure.
        #[source]
        source: ApiError,
    },
    /// The deployment has values that cannot be resolved.
    #[error("the deployment cannot be resolved:\n{0}")]
    Resolve(#[from] ResolveError),
    /// The plan has conflicts.
    #[error("{0} object(s) belong to someone else; nothing was changed")]
    Conflicts(usize),
    /// Executing failed midway; running apply again converges from where it stopped.
    #[error("{0}\n  help: nothing is lost: run apply again to converge from the current state")]
    Exec(#[from] ExecError),
    /// The user said no.
    #[error("apply cancelled; nothing was changed")]
    Declined,
    /// A later round kept planning changes: something else is changing the account.
    #[error(
        "the accounts did not converge after {0} rounds: another process may be changing them"
    )]
    NotConverged(u32),
}

async fn observe_all(
    deployment: &Deployment,
    targets: &BTreeMap<String, Target>,
    clients: &BTreeMap<String, AccountClient>,
    ui: &dyn Ui,
) -> Result<BTreeMap<String, ObservedAccount>, EngineError> {
    let mut out = BTreeMap::new();
    for (id, c) in clients {
        let policy_names: BTreeSet<String> = deployment
            .policies
            .iter()
            .filter(|p| targets.get(&p.account).is_some_and(|t| &t.account_id == id))
            .map(|p| p.name.to_ascii_lowercase())
            .collect();
        let interest = Interest {
            blueprint: deployment.blueprint.clone(),
            instance: deployment.instance.clone(),
            policy_names,
        };
        ui.progress(&format!("reading account {id}"));
        let acct = observe(c, &interest)
            .await
            .map_err(|source| EngineError::Read {
                account: id.clone(),
                source,
            })?;
        out.insert(id.clone(), acct);
    }
    Ok(out)
}

/// Runs `command` for `deployment`.
pub async fn run(
    command: Command,
    deployment: &Deployment,
    opts: &Options,
    ui: &dyn Ui,
) -> Result<Outcome, EngineError> {
    let calls = Arc::new(Calls::default());
    let (base, region) = base_config(&opts.settings).await;
    let progress = |s: &str| ui.progress(s);
    let by_key = connect(deployment, &opts.settings, &base, &calls, &progress).await?;
    let targets: BTreeMap<String, Target> = by_key
        .iter()
        .map(|(k, c)| (k.clone(), c.target.clone()))
        .collect();
    let clients = by_account_id(&by_key);
    let plan_opts = PlanOptions { adopt: opts.adopt };
    let mode = if command == Command::Destroy {
        Mode::Destroy
    } else {
        Mode::Apply
    };

    let mut first: Option<Plan> = None;
    let mut rounds = 0;
    let mut last_observed;
    let mut last_generated = Vec::new();
    loop {
        let observed = observe_all(deployment, &targets, &clients, ui).await?;
        let ctx = Context {
            targets: &targets,
            region: region.as_deref(),
            externals: &opts.externals,
            observed: &observed,
        };
        let plan = match command {
            Command::Destroy => {
                plan_destroy(&Declared::of(deployment, &targets)?, &observed, &plan_opts)
            }
            Command::Plan | Command::Apply => {
                let desired = resolve(deployment, &ctx, &mut || uuid::Uuid::new_v4().to_string())?;
                plan(&desired, &observed, &plan_opts)
            }
        };
        last_generated.clone_from(&plan.generated);
        last_observed = observed;
        if first.is_none() {
            ui.show_plan(&plan, mode);
            if !plan.conflicts.is_empty() {
                return Err(EngineError::Conflicts(plan.conflicts.len()));
            }
            first = Some(plan.clone());
            if command == Command::Plan || !plan.has_changes() {
                break;
            }
            if !opts.auto_approve && !ui.confirm(&plan, mode) {
                return Err(EngineError::Declined);
            }
        } else if !plan.conflicts.is_empty() {
            return Err(EngineError::Conflicts(plan.conflicts.len()));
        } else if !plan.has_changes() {
            break;
        } else {
            ui.progress(&format!(
                "round {}: {} more write call(s)",
                rounds + 1,
                plan.write_calls()
            ));
        }
        if rounds >= 3 {
            return Err(EngineError::NotConverged(rounds));
        }
        rounds += 1;
        let mut exec = Executor::new(
            &clients,
            opts.propagation_timeout,
            opts.settings.max_attempts,
            &progress,
        );
        exec.run(&plan.changes).await?;
        if plan.deferred.is_empty() {
            break;
        }
    }
    let outputs = if command == Command::Apply {
        let ctx = Context {
            targets: &targets,
            region: region.as_deref(),
            externals: &opts.externals,
            observed: &last_observed,
        };
        resolve_outputs(deployment, &ctx, &last_generated)
    } else {
        BTreeMap::new()
    };
    let plan = first.unwrap_or_default();
    let mut api_calls = calls.snapshot();
    if command == Command::Plan {
        // A plan writes nothing; its write count is what apply would send.
        api_calls.write = plan.write_calls() as u64;
    }
    Ok(Outcome {
        plan,
        applied: rounds > 0,
        api_calls,
        rounds,
        outputs,
    })
}
