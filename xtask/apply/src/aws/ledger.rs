//! The deployment's ledger: the names of the managed policies it has created in an account,
//! so reads scale with the deployment, not the account.
//!
//! A policy's ownership tags are not in `GetAccountAuthorizationDetails`; reading them for
//! every unattached policy of the account (to find leftovers of this deployment) costs one
//! call per policy of anyone. Instead, before apply creates policies it records their names in
//! tags of one customer managed policy per deployment (`rolewright-ledger.<blueprint>.<instance>`
//! at `/rolewright/ledgers/`, never attached, granting nothing, without ownership tags so plans
//! ignore it). A run reads that one policy's tags and then the tags of the policies it names.
//! Names of policies that no longer exist drop out at the next write. Up to 50 tags of 256
//! characters hold the names; a deployment with more marks the ledger full, and reads then
//! fall back to every unattached policy. Its calls are bookkeeping, not counted in `api_calls`.

use std::collections::BTreeSet;

use aws_sdk_iam::types::Tag;

use super::client::AccountClient;
use super::error::ApiError;
use super::read::policy_tags;
use super::write::sdk_tags;
use crate::state::Ledger;

/// The path of ledger policies.
pub const LEDGER_PATH: &str = "/rolewright/ledgers/";
const TAG_PREFIX: &str = "rolewright:ledger:";
const TAG_FULL: &str = "rolewright:ledger-full";
const TAG_GENERATED: &str = "rolewright:issued:";
const MAX_TAGS: usize = 49;
const DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RolewrightLedger","Effect":"Deny","Action":"iam:TagPolicy","Resource":"arn:aws:iam::*:policy/rolewright/ledgers/none"}]}"#;

/// The ledger policy's name.
pub fn ledger_name(blueprint: &str, instance: &str) -> String {
    super::lock::iam_name(&format!("rolewright-ledger.{blueprint}.{instance}"))
}

/// Tags from a ledger's names: space-separated (names have no spaces), `,` (allowed in
/// names, not in tag values) written as `:` (not allowed in names).
fn encode(ledger: &Ledger) -> (Vec<(String, String)>, bool) {
    let names = &ledger.names;
    let room = MAX_TAGS.saturating_sub(ledger.generated.len());
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut cur = String::new();
    for n in names {
        let n = n.replace(',', ":");
        if !cur.is_empty() && cur.len() + 1 + n.len() > 256 {
            tags.push((
                format!("{TAG_PREFIX}{}", tags.len()),
                std::mem::take(&mut cur),
            ));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&n);
    }
    if !cur.is_empty() {
        tags.push((format!("{TAG_PREFIX}{}", tags.len()), cur));
    }
    let full = tags.len() > room;
    tags.truncate(room);
    if full {
        tags.push((TAG_FULL.to_owned(), "true".to_owned()));
    }
    for g in &ledger.generated {
        tags.push((format!("{TAG_GENERATED}{g}"), "true".to_owned()));
    }
    (tags, full)
}

fn decode(tags: &std::collections::BTreeMap<String, String>) -> Ledger {
    Ledger {
        names: tags
            .iter()
            .filter(|(k, _)| k.starts_with(TAG_PREFIX))
            .flat_map(|(_, v)| v.split(' '))
            .filter(|n| !n.is_empty())
            .map(|n| n.replace(':', ",").to_ascii_lowercase())
            .collect(),
        full: tags.contains_key(TAG_FULL),
        generated: tags
            .keys()
            .filter_map(|k| k.strip_prefix(TAG_GENERATED))
            .map(str::to_owned)
            .collect(),
    }
}

/// Reads the ledger of `arn` (the ledger policy, found in the account's policy listing).
pub async fn read(c: &AccountClient, arn: &str) -> Result<Ledger, ApiError> {
    Ok(decode(&policy_tags(c, arn).await?))
}

/// Writes `new` as the ledger of the deployment in `c`'s account over `old`; `exists` says
/// whether the ledger policy is there already.
pub async fn write(
    c: &AccountClient,
    blueprint: &str,
    instance: &str,
    exists: bool,
    old: &Ledger,
    new: &Ledger,
) -> Result<(), ApiError> {
    let (pairs, _) = encode(new);
    let tags: Vec<Tag> = sdk_tags(&pairs.iter().cloned().collect())?;
    let name = ledger_name(blueprint, instance);
    let arn = format!(
        "arn:{}:iam::{}:policy{LEDGER_PATH}{name}",
        c.target.partition, c.target.account_id
    );
    if !exists {
        let created = c
            .iam
            .create_policy()
            .policy_name(&name)
            .path(LEDGER_PATH)
            .description(format!(
                "rolewright: the managed policies deployment {blueprint}/{instance} created here"
            ))
            .policy_document(DOCUMENT)
            .set_tags(Some(tags.clone()))
            .send()
            .await;
        match created {
            Ok(_) => return Ok(()),
            Err(e) => match ApiError::from_sdk("CreatePolicy", e) {
                e if e.is("EntityAlreadyExists") => {}
                e => return Err(e),
            },
        }
    }
    // Keys the new set no longer uses go first, then the new values overwrite.
    let (old_pairs, old_full) = encode(old);
    let keep: BTreeSet<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    let mut stale: Vec<String> = old_pairs
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| !keep.contains(k.as_str()))
        .collect();
    if (old_full || old.full) && !keep.contains(TAG_FULL) {
        stale.push(TAG_FULL.to_owned());
    }
    if !stale.is_empty() {
        c.iam
            .untag_policy()
            .policy_arn(&arn)
            .set_tag_keys(Some(stale))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("UntagPolicy", e))?;
    }
    if !tags.is_empty() {
        c.iam
            .tag_policy()
            .policy_arn(&arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("TagPolicy", e))?;
    }
    Ok(())
}

/// Deletes the ledger (after a destroy).
pub async fn delete(c: &AccountClient, arn: &str) -> Result<(), ApiError> {
    match c.iam.delete_policy().policy_arn(arn).send().await {
        Ok(_) => Ok(()),
        Err(e) => match ApiError::from_sdk("DeletePolicy", e) {
            e if e.is("NoSuchEntity") => Ok(()),
            e => Err(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_tags() {
        let names: BTreeSet<String> = (0..40).map(|i| format!("team-{i:03}-read,write")).collect();
        let ledger = Ledger {
            names: names.clone(),
            full: false,
            generated: BTreeSet::from(["external_id".to_owned()]),
        };
        let (pairs, full) = encode(&ledger);
        assert!(!full);
        assert!(pairs.len() > 1 && pairs.iter().all(|(_, v)| v.len() <= 256));
        assert!(pairs.iter().all(|(_, v)| !v.contains(',')));
        let back = decode(&pairs.into_iter().collect());
        assert_eq!(back, ledger);
        let many = Ledger {
            names: (0..2000).map(|i| format!("policy-{i:05}")).collect(),
            ..Ledger::default()
        };
        let (pairs, full) = encode(&many);
        assert!(full);
        assert_eq!(pairs.len(), MAX_TAGS + 1);
        assert!(decode(&pairs.into_iter().collect()).full);
    }
}
