//! The shape of each `Resource`/`NotResource` entry, before the catalog is consulted: `*` or an
//! ARN with six fields, a known partition, a 12-digit account, and no wildcard in the service.

use crate::arn::{Arn, ArnError, PARTITIONS};
use crate::finding::{Code, Finding};
use crate::json::JsonPath;
use crate::policy::PolicyDocument;

use super::ValidationContext;

pub(super) fn check(doc: &PolicyDocument, _ctx: &ValidationContext, out: &mut Vec<Finding>) {
    for (i, st) in doc.statements.iter().enumerate() {
        let Some(r) = &st.resource else { continue };
        let many = r.resources().len() > 1;
        for (j, t) in r.resources().iter().enumerate() {
            let path = || {
                let rp = JsonPath::root().key("Statement").index(i).key(r.element());
                if many {
                    rp.index(j)
                } else {
                    rp
                }
            };
            let s = t.with_placeholders();
            check_arn(&s, &path, out);
        }
    }
}

/// Reports what is wrong with the shape of a resource entry.
pub(crate) fn check_arn(s: &str, path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>) {
    if s == "*" {
        return;
    }
    // The fields, borrowed (`Arn::parse` copies them); `Arn::parse` says what is wrong when
    // there are none.
    let fields =
        crate::arn::split_fields(s).and_then(|[_, partition, service, _, account, resource]| {
            (!resource.is_empty()).then_some(ArnFields {
                partition,
                service,
                account,
            })
        });
    let Some(arn) = fields else {
        let help = match Arn::parse(s) {
            Err(ArnError::MissingPrefix(_)) if s.contains(":::") || s.starts_with("aws:") => {
                "an ARN starts with `arn:`, e.g. `arn:aws:s3:::my-bucket`".to_owned()
            }
            Err(ArnError::EmptyResource(_)) => {
                "name the resource after the fifth colon, or end with `*`".to_owned()
            }
            _ => {
                "write `*` or an ARN: `arn:partition:service:region:account-id:resource`".to_owned()
            }
        };
        out.push(
            Finding::new(Code::INVALID_ARN, path(), format!("`{s}` is not an ARN")).with_help(help),
        );
        return;
    };
    if crate::scan::has_wildcard(arn.service) {
        out.push(
            Finding::new(
                Code::ARN_SERVICE_WILDCARD,
                path(),
                format!("`{s}` has a wildcard in the service segment"),
            )
            .with_help("IAM does not allow wildcards in an ARN's service; name the service"),
        );
    } else if arn.service.is_empty() || arn.service.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push(
            Finding::new(
                Code::INVALID_ARN,
                path(),
                format!("`{}` is not a service segment", arn.service),
            )
            .with_help(format!(
                "service segments are lowercase: `{}`",
                arn.service.to_ascii_lowercase()
            )),
        );
    }
    let partition = arn.partition;
    if !partition.bytes().any(|b| matches!(b, b'*' | b'?' | b'$'))
        && !PARTITIONS.contains(&partition)
    {
        out.push(
            Finding::new(Code::INVALID_ARN_PARTITION, path(), format!("`{partition}` is not a partition"))
                .with_suggestions(&crate::suggest::nearest(partition, PARTITIONS.iter().copied(), 1))
                .or_help("partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f and aws-eusc"),
        );
    }
    let account = arn.account;
    // `aws` is the account of AWS-owned resources: managed policies (`iam::aws:policy/…`).
    let account_ok = account.is_empty()
        || account == "aws"
        || crate::scan::has_wildcard(account)
        || crate::scan::has_variable(account)
        || crate::AccountId::is_valid(account);
    if !account_ok {
        out.push(
            Finding::new(
                Code::INVALID_ARN_ACCOUNT,
                path(),
                format!("`{account}` is not a 12-digit account id"),
            )
            .with_help("account ids are exactly 12 digits; use `*` for any account"),
        );
    }
}

/// The fields of an ARN the shape checks look at, borrowed from the resource.
struct ArnFields<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
}
