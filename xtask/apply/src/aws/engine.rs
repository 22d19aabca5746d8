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
    base_config, by_account_id, connect, AccountClient, Calls, ConnectError, Identity, Settings,
};
use super::error::ApiError;
use super::ledger;
use super::lock::{Lease, LockError, LockSettings};
use super::preflight;
use super::read::{observe, Interest};
use super::write::{ExecError, Executor};
use crate::desired::{
    resolve, resolve_outputs, Context, Declared, GeneratedSource, Kind, ResolveError, Target,
};
use crate::plan::{plan, plan_destroy, Conflict, Op, Plan, PlanOptions};
use crate::report::{ApiCalls, Mode};
use crate::state::{Ledger, ObservedAccount, Ownership};

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
    /// Generate a new external id when the role that carried the old one lost it (it was
    /// deleted or its trust replaced out of band); without this the run stops.
    pub rotate_external_id: bool,
    /// The deployment's lock: how long to wait for it, how long a lease lasts.
    pub lock: LockSettings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            settings: Settings::default(),
            externals: BTreeMap::new(),
            adopt: false,
            auto_approve: false,
            propagation_timeout: Duration::from_secs(120),
            rotate_external_id: false,
            lock: LockSettings::default(),
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
    /// Who the run acts as in each account, said once the credentials are checked and before
    /// anything is read or written.
    fn acting_as(&self, identities: &[Identity]) {
        for i in identities {
            self.progress(&format!(
                "acting in account {} as {} (account `{}`, credentials: {})",
                i.account_id, i.arn, i.key, i.credentials
            ));
        }
    }
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
    /// Who the run acted as, per account key.
    pub identities: Vec<Identity>,
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
    #[error("{} object(s) belong to someone else; nothing was changed:\n{}", .0.len(), listing(.0))]
    Conflicts(Vec<Conflict>),
    /// The pre-flight found what IAM would reject.
    #[error("pre-flight: IAM would reject {} part(s) of this plan; nothing was changed:\n{}", .0.len(), listing(.0))]
    Preflight(Vec<Conflict>),
    /// Executing failed midway. Running apply again converges from where it stopped only when
    /// the failure was transient; a permanent one needs a fix first.
    #[error("{}\n  help: {}", .0, exec_help(.0))]
    Exec(#[from] ExecError),
    /// Another apply of this deployment holds the lock.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Writing the deployment's ledger failed (before anything else was written).
    #[error(
        "could not record the deployment's policies in its ledger in account {account}: {source}"
    )]
    Ledger {
        /// The account id.
        account: String,
        /// The failure.
        #[source]
        source: ApiError,
    },
    /// A pre-flight read failed.
    #[error("pre-flight check failed: {0}")]
    Preflighting(#[source] ApiError),
    /// The user said no.
    #[error("apply cancelled; nothing was changed")]
    Declined,
    /// A later round kept planning changes: something else is changing the account.
    #[error(
        "the accounts did not converge after {0} rounds: another process may be changing them"
    )]
    NotConverged(u32),
}

/// One line per object: what, where, whose, and the reason.
fn listing(items: &[Conflict]) -> String {
    items
        .iter()
        .map(|c| {
            format!(
                "  {} `{}` in account {}{}: {}\n    help: {}",
                c.kind.as_str(),
                c.name,
                c.account_id,
                c.owner
                    .as_deref()
                    .map(|o| format!(" (owner tag `{o}`)"))
                    .unwrap_or_default(),
                c.reason,
                c.help
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn exec_help(e: &ExecError) -> &'static str {
    match e {
        ExecError::Api { source, .. } if source.transient => {
            "IAM did not answer in time (throttling, 5xx or the network); nothing is lost: run apply again to converge from the current state"
        }
        _ => "this is a permanent error: running apply again fails the same way until the config or the account is fixed (what was done so far stays; the next apply continues from there)",
    }
}

/// Pre-flight findings that need no call: a generated value (an external id) that would be
/// made anew although a role carried it before (the ledger remembers), because that role was
/// deleted or its trust replaced out of band. Whoever holds the old value would be locked out,
/// so it takes `--rotate-external-id`.
fn rotation_problems(
    plan: &Plan,
    opts: &Options,
    observed: &BTreeMap<String, ObservedAccount>,
    deployment: &Deployment,
) -> Vec<Conflict> {
    if opts.rotate_external_id {
        return Vec::new();
    }
    let ours = |tags: &BTreeMap<String, String>| {
        Ownership::of(tags, &deployment.blueprint, &deployment.instance) == Ownership::Ours
    };
    // The ledger remembers which generated values a role of the deployment has carried.
    let issued = |name: &str| {
        observed.values().any(|a| {
            a.ledger
                .as_ref()
                .is_some_and(|l| l.generated.contains(name))
        })
    };
    plan.generated
        .iter()
        .filter_map(|g| {
            // A value no trust policy will carry breaks nobody.
            let change = carrier(plan, &g.value)?;
            let owned_live = observed.get(&change.account_id).is_some_and(|a| {
                a.roles
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case(&change.name) && ours(&r.tags))
            });
            let (reason, role) = match &g.source {
                // An adopted role never carried this deployment's value: its first one.
                GeneratedSource::Rotated { role } if owned_live => (
                    format!("generated value `{}` is no longer in the trust policy of role `{role}` (it was replaced out of band): a NEW value would be written, and whoever assumes the role with the old one would be locked out", g.name),
                    role.clone(),
                ),
                GeneratedSource::New if issued(&g.name) => {
                    let role = change.name.clone();
                    (
                        format!("generated value `{}` was issued before (the deployment's ledger says a role carried it), but the role `{role}` that carries it is gone (deleted out of band): a NEW value would be generated, and whoever was given the old one would be locked out", g.name),
                        role,
                    )
                }
                _ => return None,
            };
            let account_id = change.account_id.clone();
            Some(Conflict {
                kind: Kind::Role,
                account_id,
                name: role,
                reason,
                help: format!("pass `--generated {}=OLD_VALUE` to restore the value the third party holds, or `--rotate-external-id` to generate a new one (then hand it over; if the role is new to this deployment, this is its first value)", g.name),
                owner: None,
            })
        })
        .collect()
}

/// The change of `plan` that writes generated `value` into a trust policy.
fn carrier<'p>(plan: &'p Plan, value: &str) -> Option<&'p crate::plan::Change> {
    plan.changes.iter().find(|c| {
        c.ops.iter().any(|o| match o {
            Op::CreateRole { trust, .. } | Op::UpdateAssumeRolePolicy { trust, .. } => {
                trust.contains(value)
            }
            _ => false,
        })
    })
}

/// Updates each account's ledger (see `ledger`): before a round, the managed policies it
/// creates, with those of the deployment that exist (names of policies gone drop out); after
/// a round (`done`), the generated values a role of the deployment now carries in the
/// account.
async fn record_ledgers(
    deployment: &Deployment,
    plan: &Plan,
    observed: &BTreeMap<String, ObservedAccount>,
    clients: &BTreeMap<String, AccountClient>,
    done: bool,
    ledgers: &mut BTreeMap<String, Option<Ledger>>,
) -> Result<(), EngineError> {
    for (account, acct) in observed {
        let Some(c) = clients.get(account) else {
            continue;
        };
        let current = ledgers
            .entry(account.clone())
            .or_insert_with(|| acct.ledger.clone());
        let old = current.clone().unwrap_or_default();
        let mut new = old.clone();
        new.names = acct
            .policies
            .iter()
            .filter(|p| {
                let name = p.name.to_ascii_lowercase();
                old.names.contains(&name)
                    || p.tags.as_ref().is_some_and(|t| {
                        Ownership::of(t, &deployment.blueprint, &deployment.instance)
                            == Ownership::Ours
                    })
            })
            .map(|p| p.name.to_ascii_lowercase())
            .collect();
        new.names.extend(
            plan.changes
                .iter()
                .filter(|ch| &ch.account_id == account)
                .flat_map(|ch| ch.ops.iter())
                .filter_map(|o| match o {
                    Op::CreatePolicy { name, .. } => Some(name.to_ascii_lowercase()),
                    _ => None,
                }),
        );
        if done {
            for g in &plan.generated {
                let here = match &g.source {
                    GeneratedSource::Kept { role } => {
                        acct.roles.iter().any(|r| r.name.eq_ignore_ascii_case(role))
                    }
                    _ => carrier(plan, &g.value).is_some_and(|ch| &ch.account_id == account),
                };
                if here {
                    new.generated.insert(g.name.clone());
                }
            }
        }
        let exists = current.is_some();
        if (exists && new == old) || (!exists && new == Ledger::default()) {
            continue;
        }
        ledger::write(
            c,
            &deployment.blueprint,
            &deployment.instance,
            exists,
            &old,
            &new,
        )
        .await
        .map_err(|source| EngineError::Ledger {
            account: account.clone(),
            source,
        })?;
        *current = Some(new);
    }
    Ok(())
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
    let identities: Vec<Identity> = by_key.values().map(|c| c.identity.clone()).collect();
    ui.acting_as(&identities);
    let targets: BTreeMap<String, Target> = by_key
        .iter()
        .map(|(k, c)| (k.clone(), c.target.clone()))
        .collect();
    let clients = by_account_id(&by_key);
    let mut lease: Option<Lease> = None;
    let result = rounds(
        command,
        deployment,
        opts,
        ui,
        &targets,
        &clients,
        region.as_deref(),
        &mut lease,
    )
    .await;
    if let Some(l) = lease {
        l.release(&progress).await;
    }
    let (plan, rounds, outputs) = result?;
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
        identities,
    })
}

/// What [`rounds`] returns: the plan shown, the rounds executed, the outputs.
type Rounds = (Plan, u32, BTreeMap<String, (Value, bool)>);

/// Observe, plan, confirm, lock, execute, in rounds until converged. The lock is taken once
/// the shown plan has changes and was confirmed; the accounts are then read again, so what is
/// executed is planned under the lock (another run may have finished in between).
#[allow(clippy::too_many_arguments)]
async fn rounds(
    command: Command,
    deployment: &Deployment,
    opts: &Options,
    ui: &dyn Ui,
    targets: &BTreeMap<String, Target>,
    clients: &BTreeMap<String, AccountClient>,
    region: Option<&str>,
    lease: &mut Option<Lease>,
) -> Result<Rounds, EngineError> {
    let progress = |s: &str| ui.progress(s);
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
    let mut fresh: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let observed = observe_all(deployment, targets, clients, ui).await?;
        let ctx = Context {
            targets,
            region,
            externals: &opts.externals,
            observed: &observed,
        };
        let plan = match command {
            Command::Destroy => {
                plan_destroy(&Declared::of(deployment, targets)?, &observed, &plan_opts)
            }
            Command::Plan | Command::Apply => {
                // Values made for the plan shown are the ones executed in every round.
                let desired = resolve(deployment, &ctx, &mut |name: &str| {
                    fresh
                        .get(name)
                        .cloned()
                        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
                })?;
                let mut p = plan(&desired, &observed, &plan_opts);
                if p.conflicts.is_empty() {
                    if first.is_none() {
                        // Decided once, before anything is written; later rounds keep it.
                        p.preflight = rotation_problems(&p, opts, &observed, deployment);
                    }
                    let found = preflight::check(&desired, &observed, &p, clients)
                        .await
                        .map_err(EngineError::Preflighting)?;
                    p.preflight.extend(found);
                }
                p
            }
        };
        last_generated.clone_from(&plan.generated);
        last_observed = observed;
        if first.is_none() {
            fresh = plan
                .generated
                .iter()
                .filter(|g| {
                    matches!(
                        g.source,
                        GeneratedSource::New | GeneratedSource::Rotated { .. }
                    )
                })
                .map(|g| (g.name.clone(), g.value.clone()))
                .collect();
            ui.show_plan(&plan, mode);
            if !plan.conflicts.is_empty() {
                return Err(EngineError::Conflicts(plan.conflicts.clone()));
            }
            if !plan.preflight.is_empty() {
                return Err(EngineError::Preflight(plan.preflight.clone()));
            }
            first = Some(plan.clone());
            if command == Command::Plan || !plan.has_changes() {
                break;
            }
            if !opts.auto_approve && !ui.confirm(&plan, mode) {
                return Err(EngineError::Declined);
            }
        } else if !plan.conflicts.is_empty() {
            return Err(EngineError::Conflicts(plan.conflicts.clone()));
        } else if !plan.preflight.is_empty() {
            return Err(EngineError::Preflight(plan.preflight.clone()));
        } else if !plan.has_changes() {
            break;
        } else if rounds > 0 || first.as_ref().is_some_and(|f| f.changes != plan.changes) {
            ui.progress(&format!(
                "round {}: {} write call(s){}",
                rounds + 1,
                plan.write_calls(),
                if rounds == 0 {
                    " (the accounts changed since the plan was shown: executing the plan read under the lock)"
                } else {
                    ""
                }
            ));
        }
        if lease.is_none() {
            *lease = Some(
                Lease::acquire(
                    clients,
                    &deployment.blueprint,
                    &deployment.instance,
                    opts.lock,
                    &progress,
                )
                .await?,
            );
            continue;
        }
        if rounds >= 3 {
            return Err(EngineError::NotConverged(rounds));
        }
        rounds += 1;
        let mut ledgers = BTreeMap::new();
        if command == Command::Apply {
            record_ledgers(
                deployment,
                &plan,
                &last_observed,
                clients,
                false,
                &mut ledgers,
            )
            .await?;
        }
        let exec = Executor::new(
            clients,
            opts.propagation_timeout,
            opts.settings.max_attempts,
            &progress,
        );
        exec.run(&plan.changes).await?;
        if command == Command::Apply && !plan.generated.is_empty() {
            record_ledgers(
                deployment,
                &plan,
                &last_observed,
                clients,
                true,
                &mut ledgers,
            )
            .await?;
        }
        if plan.deferred.is_empty() {
            break;
        }
    }
    if command == Command::Destroy && rounds > 0 {
        // Everything the ledger named is gone (or not this deployment's).
        for (account, acct) in &last_observed {
            let name = ledger::ledger_name(&deployment.blueprint, &deployment.instance);
            let arn = acct
                .policies
                .iter()
                .find(|p| p.path == ledger::LEDGER_PATH && p.name.eq_ignore_ascii_case(&name));
            if let (Some(p), Some(c)) = (arn, clients.get(account)) {
                ledger::delete(c, &p.arn)
                    .await
                    .map_err(|source| EngineError::Ledger {
                        account: account.clone(),
                        source,
                    })?;
            }
        }
    }
    let outputs = if command == Command::Apply {
        let ctx = Context {
            targets,
            region,
            externals: &opts.externals,
            observed: &last_observed,
        };
        resolve_outputs(deployment, &ctx, &last_generated)
    } else {
        BTreeMap::new()
    };
    Ok((first.unwrap_or_default(), rounds, outputs))
}
