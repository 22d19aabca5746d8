//! The work budget of one validation: every input up to IAM's size cap validates in bounded
//! time.
//!
//! Most checks cost a few operations per character of the policy. A few cost more per item
//! and can be driven by a hostile document: expanding a wildcard action across the catalog,
//! "did you mean" searches for unknown names (an edit distance per candidate), and matching
//! a long wildcard ARN against every ARN format of a service. Those charge their work here,
//! in *units* of roughly 10 ns in a release build (a name globbed against a pattern costs
//! [`GLOB`], a candidate of a suggestion search [`SUGGEST`], an ARN token stepped through a
//! format's automaton one). A document may spend [`WORK_BUDGET`] units; past that, the costly
//! parts stop: wildcard actions are left unexpanded (the checks that need their expansion
//! skip them), findings go without suggestions, and resources are taken to fit their
//! actions. The validator then reports CHECK_BUDGET_EXCEEDED (a warning) once, at the
//! statement where it ran out, so that a stopped check is never silent.
//!
//! The budget is per thread and per validation ([`run`]); outside one, nothing is counted
//! and nothing stops. No realistic policy comes near it: the 10,000-policy benchmark corpus
//! spends at most a few thousand units a policy, AWS's largest managed policies under
//! 100,000.

use std::cell::Cell;

/// The units one document may spend: about 20 ms of the costly checks in a release build.
pub const WORK_BUDGET: u64 = 2_000_000;

/// The units charged for globbing one catalog name against a pattern.
pub(crate) const GLOB: u64 = 10;

/// The units charged per candidate of a "did you mean" search.
pub(crate) const SUGGEST: u64 = 40;

/// What a validation spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spent {
    /// Units of work done: at most the budget plus the one walk under way when it ran out.
    pub units: u64,
    /// Where the budget ran out, when it did: the statement's index, or `None` for the
    /// document outside any statement.
    pub exceeded_at: Option<Option<usize>>,
}

#[derive(Clone, Copy)]
struct State {
    limit: u64,
    spent: Spent,
    statement: Option<usize>,
}

thread_local! {
    static STATE: Cell<Option<State>> = const { Cell::new(None) };
}

/// Runs `f` with a fresh budget of `limit` units on this thread; what it spent. A budget
/// running when this is called is set aside and restored after.
pub(crate) fn run<R>(limit: u64, f: impl FnOnce() -> R) -> (R, Spent) {
    let outer = STATE.with(|s| {
        s.replace(Some(State {
            limit,
            spent: Spent::default(),
            statement: None,
        }))
    });
    let out = f();
    let spent = STATE
        .with(|s| s.replace(outer))
        .map(|s| s.spent)
        .unwrap_or_default();
    (out, spent)
}

/// Asks for `units` before doing the work: true when the budget covers them (or no budget is
/// running), and they are counted; false once it would be overspent, which the caller
/// answers by not doing the work (nothing is counted then).
pub(crate) fn charge(units: u64) -> bool {
    account(units, false)
}

/// Counts `units` of work already done (a walk that is not cut short, so that its answer
/// stays right); true when the budget still covers them. Callers check [`exhausted`] before
/// starting the next walk, so the budget is overrun by one walk at most.
pub(crate) fn spend(units: u64) -> bool {
    account(units, true)
}

fn account(units: u64, done: bool) -> bool {
    STATE.with(|s| {
        let Some(mut state) = s.get() else {
            return true;
        };
        let total = state.spent.units.saturating_add(units);
        let ok = state.spent.exceeded_at.is_none() && total <= state.limit;
        if ok || done {
            state.spent.units = total;
        }
        if !ok && state.spent.exceeded_at.is_none() {
            state.spent.exceeded_at = Some(state.statement);
        }
        s.set(Some(state));
        ok
    })
}

/// Charges a "did you mean" search over about `candidates` names: whether to run it.
pub(crate) fn suggest(candidates: usize) -> bool {
    charge(candidates as u64 * SUGGEST)
}

/// What the running validation has spent so far (nothing outside one).
pub(crate) fn spent() -> Spent {
    STATE.with(|s| s.get().map(|st| st.spent).unwrap_or_default())
}

/// Whether the budget is spent (always false outside a validation).
pub(crate) fn exhausted() -> bool {
    STATE.with(|s| s.get().is_some_and(|st| st.spent.exceeded_at.is_some()))
}

/// Notes which statement the checks are at, for locating CHECK_BUDGET_EXCEEDED; `None` for
/// the document outside statements.
pub(crate) fn at_statement(index: Option<usize>) {
    STATE.with(|s| {
        if let Some(mut state) = s.get() {
            state.statement = index;
            s.set(Some(state));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_until_spent_then_refuses() {
        assert!(charge(u64::MAX), "no budget outside a run");
        let ((), spent) = run(100, || {
            assert!(charge(60));
            at_statement(Some(3));
            assert!(!exhausted());
            assert!(!charge(50));
            assert!(exhausted());
            assert!(!charge(1), "stays spent");
            assert!(!spend(5), "work done is counted, past the budget too");
        });
        assert_eq!(spent.units, 65);
        assert_eq!(spent.exceeded_at, Some(Some(3)));
        let ((), spent) = run(100, || assert!(charge(100)));
        assert_eq!(spent.exceeded_at, None);
        assert!(!exhausted());
    }
}
