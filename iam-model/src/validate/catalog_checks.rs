//! Checks that need AWS's service catalog ([`crate::catalog`]): services, actions and their
//! expansions, ARN formats per service, resource types per action, condition keys with their
//! types, and the security findings that depend on what an action does.
//!
//! One pass per statement. Each action entry is resolved once ([`actions::Entry`]: `*`, one
//! action, a pattern that matches something, or unknown and already reported); the other
//! checks walk the expansions of the resolved entries lazily, without building lists:
//!
//! * [`actions`]: UNKNOWN_SERVICE, UNKNOWN_ACTION (with the nearest names), and
//!   ACTION_WILDCARD_NO_MATCH;
//! * [`arns`]: ARN_REGION_NOT_ALLOWED, ARN_ACCOUNT_NOT_ALLOWED and ARN_REGION_MISSING from the
//!   ARN formats of the resource's service, and RESOURCE_TYPE_MISMATCH;
//! * [`keys`]: UNKNOWN_GLOBAL_CONDITION_KEY, UNKNOWN_SERVICE_CONDITION_KEY (identity-provider
//!   claims checked against the statement's `Federated` principal),
//!   CONDITION_OPERATOR_MISMATCH, MISSING_QUALIFIER, FORALLVALUES_SINGLE_VALUED_KEY and
//!   CONDITION_KEY_NOT_FOR_ACTION;
//! * [`grants`]: PASSROLE_WILDCARD_RESOURCE and PERMISSIONS_MANAGEMENT_STAR.
//!
//! Semantics worth knowing: a wildcard action is a RESOURCE_TYPE_MISMATCH only when *no*
//! expansion fits a resource (not, as in Parliament, for every expansion that does not); an
//! action without resource types fits `*` or a wildcard ARN of its own service; `NotAction`
//! and `NotResource` statements are not judged for resource types; a statement that
//! FULL_ADMIN reports gets neither PASSROLE_WILDCARD_RESOURCE nor PERMISSIONS_MANAGEMENT_STAR
//! (see [`grants`]).
//!
//! Cost: lookups are hash lookups (actions, services, built once) or binary searches over the
//! static tables with ASCII-case-insensitive comparison, so nothing is lowercased or copied per
//! lookup; catalog ARN formats are compiled once ([`arn_match`]). Finding paths, messages and
//! suggestions are built only when there is a finding.

mod actions;
mod arn_match;
mod arns;
mod grants;
mod keys;

use crate::finding::Finding;
use crate::json::Loc;
use crate::policy::PolicyDocument;

use super::ValidationContext;

pub(super) fn check(doc: &PolicyDocument, ctx: &ValidationContext, out: &mut Vec<Finding>) {
    let statements = Loc::Root;
    let statements = statements.key("Statement");
    // Reused from statement to statement: one allocation per policy.
    let mut entries = Vec::new();
    let mut scratch = arns::Scratch::default();
    for (i, st) in doc.statements.iter().enumerate() {
        let sp = statements.index(i);
        actions::resolve(st, &sp, &mut entries, out);
        arns::check(st, &sp, ctx, &entries, &mut scratch, out);
        keys::check(st, &sp, &entries, out);
        grants::check(st, &sp, ctx, &entries, out);
    }
}

/// FNV-1a, for the checks' indexes: their keys are a few bytes long, and SipHash would cost
/// more than the lookups it guards.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Hashes `bytes` ASCII-lowercased, as if they had been lowercased first.
    fn write_lowercase(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvBuild = std::hash::BuildHasherDefault<Fnv>;
