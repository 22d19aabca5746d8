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

pub use keys::{oidc_claim_known, oidc_claims};

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
        crate::budget::at_statement(Some(i));
        let sp = statements.index(i);
        actions::resolve(st, &sp, &mut entries, out);
        arns::check(st, &sp, ctx, &entries, &mut scratch, out);
        keys::check(st, &sp, &entries, out);
        grants::check(st, &sp, ctx, &entries, out);
    }
    crate::budget::at_statement(None);
}

/// A multiplicative hash over 8-byte words (the FxHash scheme), for the checks' indexes:
/// their keys are a few dozen bytes at most, and SipHash, or a byte-at-a-time hash, would
/// cost more than the lookups it guards.
#[derive(Clone, Copy, Default)]
struct WordHash(u64);

impl WordHash {
    const SEED: u64 = 0x517c_c1b7_2722_0a95;
    /// Bit 5 of every byte: what ASCII lowercasing sets on a letter.
    const FOLD: u64 = 0x2020_2020_2020_2020;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }

    /// Hashes `bytes` word by word, each with the bits of `fold` set, then their length.
    fn words(&mut self, bytes: &[u8], fold: u64) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            if let Ok(word) = <[u8; 8]>::try_from(chunk) {
                self.add(u64::from_le_bytes(word) | fold);
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            if let Some(head) = last.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(last) | fold);
        }
        self.add(bytes.len() as u64);
    }

    /// Hashes `bytes` ignoring ASCII case: texts equal but for case hash alike. (Setting bit
    /// 5 of every byte also folds some punctuation together, such as `[` and `{`; a lookup
    /// verifies the name it finds, so that only costs a rare miss.)
    fn write_case_folded(&mut self, bytes: &[u8]) {
        self.words(bytes, Self::FOLD);
    }
}

impl std::hash::Hasher for WordHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.words(bytes, 0);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
}

type WordHashBuild = std::hash::BuildHasherDefault<WordHash>;
