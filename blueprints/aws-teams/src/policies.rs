//! The permission side: the `TeamRoleAccess` managed policy the component always creates, and
//! the resolution of each team's `role_policy_arns` (policy ARNs, or keys of the custom
//! policy map) into the policies attached to its role.

use std::collections::BTreeMap;

use blueprint_kit::BlueprintError;
use iam_model::{LateBound, PolicyDocument, Statement, Text};

/// The deployment key of the `TeamRoleAccess` policy, which is also its key in the custom
/// policy map.
pub const TEAM_ROLE_ACCESS: &str = "team_role_access";

/// The description of the `TeamRoleAccess` policy.
pub const TEAM_ROLE_ACCESS_DESCRIPTION: &str = "IAM permission to use AssumeRole";

/// The `TeamRoleAccess` document: assume (with session tags and source identity) any role
/// in any account, and `sts:GetCallerIdentity`. What a team may actually assume is decided
/// by the target roles' trust policies.
pub fn team_role_access_document(partition: &str) -> PolicyDocument {
    PolicyDocument::new([
        Statement::allow()
            .sid("TeamRoleAccess")
            .actions(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"])
            .resource(format!("arn:{partition}:iam::*:role/*")),
        Statement::allow()
            .sid("GetCallerIdentity")
            .action("sts:GetCallerIdentity")
            .resource("*"),
    ])
}

/// The keys `role_policy_arns` may use instead of an ARN, with what each stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomPolicyMap {
    entries: BTreeMap<String, Text>,
}

impl CustomPolicyMap {
    /// `team_role_access` (the policy this blueprint creates) plus `additional` (key →
    /// policy ARN), which may override it, as the original's `merge()` does.
    pub fn new(additional: &BTreeMap<String, String>) -> Self {
        let mut entries = BTreeMap::new();
        entries.insert(
            TEAM_ROLE_ACCESS.to_owned(),
            Text::from(LateBound::policy_arn(TEAM_ROLE_ACCESS)),
        );
        for (k, v) in additional {
            entries.insert(k.clone(), Text::from(v.as_str()));
        }
        CustomPolicyMap { entries }
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The policies to attach for one team's `role_policy_arns`: each key replaced by its
    /// policy, each ARN kept, each policy once. `input` is the entry's input path for errors.
    pub fn resolve(&self, input: &str, entries: &[String]) -> Result<Vec<Text>, BlueprintError> {
        let mut out: Vec<Text> = Vec::new();
        for (n, entry) in entries.iter().enumerate() {
            let text = match self.entries.get(entry) {
                Some(t) => t.clone(),
                None if is_policy_arn(entry) => Text::from(entry.as_str()),
                None => {
                    let keys: Vec<String> = self.keys().map(|k| format!("`{k}`")).collect();
                    let help = match iam_model::suggest::nearest(entry, self.keys(), 1).first() {
                        Some(k) => format!("did you mean `{k}`? use a policy ARN or one of {}", keys.join(", ")),
                        None => format!("use a policy ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`) or one of {}", keys.join(", ")),
                    };
                    return Err(BlueprintError::input(
                        format!("{input}[{n}]"),
                        format!(
                            "`{entry}` is neither a policy ARN nor a key of the custom policy map"
                        ),
                    )
                    .with_help(help));
                }
            };
            if !out.contains(&text) {
                out.push(text);
            }
        }
        Ok(out)
    }
}

/// True for `arn:PARTITION:iam::ACCOUNT:policy/...` where the account is `aws` (AWS managed)
/// or 12 digits.
pub fn is_policy_arn(s: &str) -> bool {
    iam_model::ManagedPolicyArn::is_valid(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_arns() {
        assert!(is_policy_arn(
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        ));
        assert!(is_policy_arn("arn:aws-us-gov:iam::123456789012:policy/a+b"));
        assert!(!is_policy_arn("arn:aws:iam::123456789012:role/x"));
        assert!(!is_policy_arn("team_role_access"));
        assert!(!is_policy_arn("arn:aws:iam::12345:policy/x"));
    }

    #[test]
    fn resolution_keeps_arns_whole_and_attaches_once() {
        let map = CustomPolicyMap::new(&BTreeMap::new());
        let got = map
            .resolve(
                "teams_config.x.role_policy_arns",
                &[
                    "arn:aws:iam::123456789012:policy/a+b".to_owned(),
                    "team_role_access".to_owned(),
                    "arn:aws:iam::123456789012:policy/a+b".to_owned(),
                ],
            )
            .map_err(|e| e.to_string());
        assert_eq!(
            got,
            Ok(vec![
                Text::from("arn:aws:iam::123456789012:policy/a+b"),
                Text::from(LateBound::policy_arn(TEAM_ROLE_ACCESS)),
            ])
        );
        let err = map.resolve(
            "teams_config.x.role_policy_arns",
            &["team_role_acess".to_owned()],
        );
        let msg = err
            .map_err(|e| format!("{e} {e:?}"))
            .err()
            .unwrap_or_default();
        assert!(msg.contains("teams_config.x.role_policy_arns[0]"), "{msg}");
        assert!(msg.contains("did you mean `team_role_access`"), "{msg}");
    }
}
