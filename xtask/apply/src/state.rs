//! Observed state: what an account holds, as the IAM API returned it.
//!
//! The reader (`aws::read`) fills these structs from live calls; the plan's unit tests load
//! them from recorded JSON fixtures. Policy documents are kept exactly as IAM returned them
//! (percent-encoded by real IAM, raw JSON from some moto operations), so that decoding is part
//! of what the plan, and its tests, cover.

use std::collections::BTreeMap;

use iam_model::deployment::{TAG_BLUEPRINT, TAG_INSTANCE};
use iam_model::PolicyDocument;
use serde::{Deserialize, Serialize};

/// Everything the plan needs to know about one account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedAccount {
    /// The 12-digit account id.
    pub account_id: String,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`), from the caller identity's ARN.
    pub partition: String,
    /// Every role in the account.
    #[serde(default)]
    pub roles: Vec<ObservedRole>,
    /// Every customer managed policy in the account.
    #[serde(default)]
    pub policies: Vec<ObservedPolicy>,
    /// Every OpenID Connect provider in the account.
    #[serde(default)]
    pub oidc_providers: Vec<ObservedOidcProvider>,
}

/// A role as IAM holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedRole {
    /// The role name, in the case IAM stored it.
    pub name: String,
    /// The path (`/`, `/sym/`).
    pub path: String,
    /// The ARN.
    pub arn: String,
    /// The unique id (`AROA...`).
    #[serde(default)]
    pub role_id: String,
    /// The description; empty when there is none.
    #[serde(default)]
    pub description: String,
    /// The maximum session duration in seconds.
    pub max_session_duration: u32,
    /// The permissions boundary policy ARN.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// The trust policy as returned: percent-encoded, or raw JSON.
    pub trust_policy: String,
    /// Inline policies by name, documents as returned.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, String>,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policy_arns: Vec<String>,
    /// Names of the instance profiles the role is in (they block `DeleteRole`).
    #[serde(default)]
    pub instance_profiles: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A customer managed policy as IAM holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedPolicy {
    /// The policy name.
    pub name: String,
    /// The path.
    pub path: String,
    /// The ARN.
    pub arn: String,
    /// The description; empty when there is none.
    #[serde(default)]
    pub description: String,
    /// The id of the default version.
    pub default_version_id: String,
    /// Every version, default included.
    #[serde(default)]
    pub versions: Vec<ObservedPolicyVersion>,
    /// Tags, or `None` when they were not read (the policy is neither desired nor a
    /// candidate for deletion, so its tags do not matter).
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
    /// How many users, groups and roles it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
    /// Users it is attached to, read only when the attachment count says there are some
    /// besides roles.
    #[serde(default)]
    pub attached_users: Vec<String>,
    /// Groups it is attached to, read like `attached_users`.
    #[serde(default)]
    pub attached_groups: Vec<String>,
}

impl ObservedPolicy {
    /// The default version's document, as returned.
    pub fn default_document(&self) -> Option<&str> {
        self.versions
            .iter()
            .find(|v| v.version_id == self.default_version_id)
            .and_then(|v| v.document.as_deref())
    }
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedPolicyVersion {
    /// `v1`, `v2`, ...
    pub version_id: String,
    /// Whether it is the default version.
    #[serde(default)]
    pub is_default: bool,
    /// Creation time, seconds since the Unix epoch (decides which version to prune).
    #[serde(default)]
    pub created: i64,
    /// The document as returned, when read.
    #[serde(default)]
    pub document: Option<String>,
}

/// An OpenID Connect provider as IAM holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedOidcProvider {
    /// The ARN.
    pub arn: String,
    /// The issuer without its scheme, as IAM returns it (`token.actions.githubusercontent.com`).
    pub url: String,
    /// The audiences.
    #[serde(default)]
    pub client_ids: Vec<String>,
    /// The certificate thumbprints.
    #[serde(default)]
    pub thumbprints: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Who owns an object, by its rolewright tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// Tagged with this deployment's blueprint and instance.
    Ours,
    /// Tagged by another rolewright deployment.
    Other {
        /// Its blueprint tag.
        blueprint: String,
        /// Its instance tag.
        instance: String,
    },
    /// No rolewright tags.
    Unowned,
}

impl Ownership {
    /// The ownership of an object with `tags`, for the deployment `blueprint`/`instance`.
    pub fn of(tags: &BTreeMap<String, String>, blueprint: &str, instance: &str) -> Ownership {
        match (tags.get(TAG_BLUEPRINT), tags.get(TAG_INSTANCE)) {
            (Some(b), Some(i)) if b == blueprint && i == instance => Ownership::Ours,
            (None, None) => Ownership::Unowned,
            (b, i) => Ownership::Other {
                blueprint: b.cloned().unwrap_or_default(),
                instance: i.cloned().unwrap_or_default(),
            },
        }
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Ownership::Ours => "owned by this deployment".to_owned(),
            Ownership::Other {
                blueprint,
                instance,
            } => {
                format!("owned by another rolewright deployment (`{blueprint}` / `{instance}`)")
            }
            Ownership::Unowned => "not created by rolewright".to_owned(),
        }
    }
}

/// Decodes a policy document as IAM returns it: percent-decoded (RFC 3986, `+` kept as is)
/// unless the text already starts with `{`, then parsed into the model.
pub fn decode_document(raw: &str) -> Result<PolicyDocument, String> {
    let text = if raw.trim_start().starts_with('{') {
        std::borrow::Cow::Borrowed(raw)
    } else {
        percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|e| format!("the document is not UTF-8 after percent-decoding: {e}"))?
    };
    PolicyDocument::from_json(&text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encoded_and_raw_documents_alike() {
        let raw = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a+b%2F"}}}]}"#;
        let encoded: String =
            percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let a = decode_document(raw).unwrap();
        let b = decode_document(&encoded).unwrap();
        assert_eq!(a, b);
        // `+` survives (form decoding would turn it into a space), `%2F` stays literal in the raw form.
        assert!(a.to_json_compact().unwrap().contains("a+b%2F"));
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        assert!(decode_document("%7B%22Version").is_err());
        assert!(decode_document("%FF%FE").is_err());
        assert!(decode_document("").is_err());
    }

    #[test]
    fn ownership_by_tags() {
        let mut tags = BTreeMap::new();
        assert_eq!(Ownership::of(&tags, "b", "i"), Ownership::Unowned);
        tags.insert(TAG_BLUEPRINT.to_owned(), "b".to_owned());
        tags.insert(TAG_INSTANCE.to_owned(), "i".to_owned());
        assert_eq!(Ownership::of(&tags, "b", "i"), Ownership::Ours);
        assert!(matches!(
            Ownership::of(&tags, "b", "j"),
            Ownership::Other { .. }
        ));
    }
}
