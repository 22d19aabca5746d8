//! Catalog lookups for what `iam_model::validate` does not check yet.
//!
//! The validator's catalog checks (unknown actions and services, wildcards that match nothing,
//! unknown condition keys) are being written in `iam-model/src/validate/catalog_checks.rs`.
//! Until they land, the macros look actions and condition keys up in `iam-catalog` here, and
//! only for a value the validator reported nothing about: once the validator has a check, its
//! finding is the one shown and the lookup here never fires. Delete this module then.

/// What the service catalog says about a well-formed action: an unknown service or action, or
/// a pattern that matches nothing.
pub(crate) fn catalog_problem(action: &str) -> Option<(String, String)> {
    let (prefix, name) = action.split_once(':')?;
    if action == "*" || prefix.contains(['*', '?']) {
        return None;
    }
    let suggestions = || {
        let s = iam_catalog::suggest_actions(action, 3);
        match s.as_slice() {
            [] => None,
            [one] => Some(format!("did you mean `{one}`?")),
            many => Some(format!(
                "did you mean one of {}?",
                many.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let Some(service) = iam_catalog::service(prefix) else {
        let help = suggestions().unwrap_or_else(|| {
            match iam_catalog::suggest_services(prefix, 1).first() {
                Some(s) => format!("did you mean the service `{s}`?"),
                None => "service prefixes are listed in the AWS Service Authorization Reference"
                    .to_owned(),
            }
        });
        return Some((format!("unknown service `{prefix}` in `{action}`"), help));
    };
    if name.contains(['*', '?']) {
        if service.matching_actions(name).is_empty() {
            return Some((
                format!("`{action}` matches no action of `{}`", service.prefix()),
                "no action name fits the pattern; check its spelling".to_owned(),
            ));
        }
        return None;
    }
    if service.action(name).is_some() {
        return None;
    }
    let help = suggestions()
        .unwrap_or_else(|| format!("`{}` has no action named like this", service.prefix()));
    Some((format!("unknown action `{action}`"), help))
}

/// What the catalog says about a condition key: an `aws:` key that is not a global key, or a
/// key under a known service's prefix that no service defines. Keys under other prefixes
/// (identity providers such as `token.actions.githubusercontent.com`, EKS OIDC issuers) are
/// not judged.
pub(crate) fn condition_key_problem(key: &str) -> Option<(String, String)> {
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        if iam_catalog::global_condition_key(key).is_some() {
            return None;
        }
        let names = iam_catalog::global_condition_keys()
            .iter()
            .map(|k| k.name());
        let help = crate::diag::did_you_mean(key, names)
            .unwrap_or_else(|| "the global keys are listed in the IAM User Guide's \"AWS global condition context keys\"".to_owned());
        return Some((format!("unknown global condition key `{key}`"), help));
    }
    let service = iam_catalog::service(prefix)?;
    if !iam_catalog::condition_key_definitions(key).is_empty()
        || iam_catalog::idp_condition_key(key).is_some()
    {
        return None;
    }
    let names = service.condition_keys().iter().map(|k| k.name());
    let help = crate::diag::did_you_mean(key, names)
        .unwrap_or_else(|| format!("`{}` defines no such condition key", service.prefix()));
    Some((format!("unknown condition key `{key}`"), help))
}

#[cfg(test)]
mod tests {
    use super::{catalog_problem, condition_key_problem};

    #[test]
    fn catalog_problems() {
        let p = |a: &str| catalog_problem(a).map(|(m, h)| format!("{m} / {h}"));
        assert_eq!(
            p("s3:GetObjcet").as_deref(),
            Some("unknown action `s3:GetObjcet` / did you mean `s3:GetObject`?")
        );
        assert_eq!(
            p("s4:GetObject").as_deref(),
            Some("unknown service `s4` in `s4:GetObject` / did you mean `s3:GetObject`?")
        );
        assert_eq!(p("s3:Gett*").as_deref(), Some("`s3:Gett*` matches no action of `s3` / no action name fits the pattern; check its spelling"));
        for fine in [
            "s3:GetObject",
            "S3:getobject",
            "s3:Get*",
            "*",
            "s3:*",
            "*:GetObject",
            "not-an-action",
        ] {
            assert_eq!(p(fine), None, "{fine}");
        }
    }

    #[test]
    fn condition_key_problems() {
        let p = |k: &str| condition_key_problem(k).map(|(m, h)| format!("{m} / {h}"));
        assert_eq!(
            p("aws:SourceIpp").as_deref(),
            Some("unknown global condition key `aws:SourceIpp` / did you mean `aws:SourceIp`?")
        );
        assert!(
            p("s3:prefixx")
                .is_some_and(|m| m
                    .starts_with("unknown condition key `s3:prefixx` / did you mean `s3:prefix`?")),
            "{:?}",
            p("s3:prefixx")
        );
        for fine in [
            "aws:SourceIp",
            "aws:PrincipalTag/team",
            "s3:prefix",
            "token.actions.githubusercontent.com:sub",
            "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub",
            "nocolon",
        ] {
            assert_eq!(p(fine), None, "{fine}");
        }
    }
}
