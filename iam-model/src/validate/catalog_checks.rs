//! Checks that need AWS's service catalog: services, actions, resource types, condition keys.

use crate::finding::Finding;
use crate::policy::PolicyDocument;

use super::ValidationContext;

pub(super) fn check(_doc: &PolicyDocument, _ctx: &ValidationContext, _out: &mut Vec<Finding>) {}
