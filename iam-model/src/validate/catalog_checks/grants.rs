//! Security findings that depend on what actions do (identity policies, `Allow` only):
//! PASSROLE_WILDCARD_RESOURCE and PERMISSIONS_MANAGEMENT_STAR.
//!
//! A statement that FULL_ADMIN reports (`*` on `*`) gets neither: it includes both risks, and
//! one finding (one acknowledgement, one fix) says it all. `iam:*` on `*`, by contrast, is
//! reported twice, as both risks.

use std::ops::ControlFlow;

use crate::action::glob_match;
use crate::catalog::{AccessLevel, ActionDef};
use crate::finding::{Code, Finding};
use crate::json::Loc;
use crate::policy::PolicyKind;
use crate::statement::{ActionClause, Effect, ResourceClause, Statement};

use super::actions::{entry_path, Entry};
use super::arns::judgeable;
use super::ValidationContext;
use crate::arn::split_fields;
use crate::validate::security::is_full_admin;

pub(super) fn check(
    st: &Statement,
    sp: &Loc<'_>,
    ctx: &ValidationContext,
    entries: &[Entry<'_>],
    out: &mut Vec<Finding>,
) {
    if !matches!(ctx.kind, PolicyKind::Identity(_))
        || st.effect != Effect::Allow
        || is_full_admin(st)
    {
        return;
    }
    pass_role(st, sp, out);
    permissions_management(st, sp, entries, out);
}

/// Whether the resource pattern matches every role: `*`, or an ARN of any IAM service match
/// whose resource part is a prefix of `role/` followed by `*` (`role/*`, `*`).
fn covers_every_role(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some([_, _, service, _, _, resource]) = split_fields(s) else {
        return false;
    };
    let Some(head) = resource.strip_suffix('*') else {
        return false;
    };
    glob_match(service, "iam") && !head.contains(['*', '?', '$']) && "role/".starts_with(head)
}

fn pass_role(st: &Statement, sp: &Loc<'_>, out: &mut Vec<Finding>) {
    let Some(resource) = &st.resource else { return };
    if st.condition.has_key("iam:PassedToService") {
        return;
    }
    let path = match &st.action {
        ActionClause::Action(list) => match list.iter().position(|a| a.matches("iam:PassRole")) {
            Some(j) => entry_path(st, sp, j),
            None => return,
        },
        ActionClause::NotAction(list) if !list.iter().any(|a| a.matches("iam:PassRole")) => {
            sp.key("NotAction").path()
        }
        ActionClause::NotAction(_) => return,
    };
    let roles = match resource {
        ResourceClause::Resource(list) => {
            let Some(wide) = list
                .iter()
                .filter_map(judgeable)
                .find(|s| covers_every_role(s))
            else {
                return;
            };
            format!("every role (`{wide}`)")
        }
        ResourceClause::NotResource(list) => {
            // Excluding every role leaves none to pass.
            if list
                .iter()
                .filter_map(judgeable)
                .any(|s| covers_every_role(&s))
            {
                return;
            }
            "every role not listed in `NotResource`".to_owned()
        }
    };
    out.push(
        Finding::new(
            Code::PASSROLE_WILDCARD_RESOURCE,
            path,
            format!("`iam:PassRole` is allowed on {roles} without `iam:PassedToService`: the identity can give any of them, an administrator role included, to any service"),
        )
        .with_help("list the roles it must pass in `Resource`, and add `\"StringEquals\": {\"iam:PassedToService\": \"<service>.amazonaws.com\"}`"),
    );
}

fn is_permissions_management(a: &ActionDef) -> bool {
    a.access_level() == AccessLevel::PermissionsManagement
        && !(a.name() == "PassRole" && a.service().prefix() == "iam")
}

fn permissions_management(
    st: &Statement,
    sp: &Loc<'_>,
    entries: &[Entry<'_>],
    out: &mut Vec<Finding>,
) {
    if st.action.is_not() || !st.condition.is_empty() {
        return; // NotAction: ALLOW_NOT_ACTION reports it
    }
    let Some(ResourceClause::Resource(list)) = &st.resource else {
        return;
    };
    if !list
        .iter()
        .any(|t| t.as_literal().is_some_and(|s| s == "*"))
    {
        return;
    }
    // Past the work budget the expansions are not walked again (CHECK_BUDGET_EXCEEDED).
    if crate::budget::exhausted() {
        return;
    }
    let Some(first) = entries
        .iter()
        .position(|e| e.any(is_permissions_management))
    else {
        return;
    };
    // A finding: now list them (names in catalog order, each once).
    let mut all: Vec<&'static ActionDef> = Vec::new();
    for entry in entries {
        let _ = entry.each(&mut |a| {
            if is_permissions_management(a) && !all.iter().any(|b| std::ptr::eq(*b, a)) {
                all.push(a);
            }
            ControlFlow::Continue(())
        });
    }
    let shown: Vec<String> = all.iter().take(3).map(|a| format!("`{a}`")).collect();
    let more = all.len().saturating_sub(shown.len());
    let listed = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    out.push(
        Finding::new(
            Code::PERMISSIONS_MANAGEMENT_STAR,
            entry_path(st, sp, first),
            format!("permissions-management actions are allowed on every resource without a condition: {listed}"),
        )
        .with_help("these actions change who may do what: scope `Resource` to the ARNs the identity manages, or add a condition (a resource tag, `iam:PermissionsBoundary`, …)"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role() {
        for yes in [
            "*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::123456789012:*",
            "arn:*:iam::*:role*",
            "arn:aws:i*:::role/*",
        ] {
            assert!(covers_every_role(yes), "{yes}");
        }
        for no in [
            "arn:aws:iam::123456789012:role/app-*",
            "arn:aws:iam::*:user/*",
            "arn:aws:s3:::*",
            "role/*",
        ] {
            assert!(!covers_every_role(no), "{no}");
        }
    }
}
