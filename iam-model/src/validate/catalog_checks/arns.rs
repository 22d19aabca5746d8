//! Resources against the catalog's ARN formats: the region and account fields each service's
//! formats have (ARN_REGION_NOT_ALLOWED, ARN_ACCOUNT_NOT_ALLOWED, ARN_REGION_MISSING), and
//! whether each action of a statement can apply to any of its resources
//! (RESOURCE_TYPE_MISMATCH).
//!
//! Both work on the resource as the validator sees it: literal text, or late-bound values
//! replaced by their placeholders when those have the shape of the real value (account ids,
//! regions, partitions, ARNs and names of objects in the deployment). A resource with a
//! generated or external value, or one that is not an ARN (reported as INVALID_ARN), cannot
//! be judged; a statement with such a resource, or with `*`, is never a mismatch. An action
//! without resource types asks for `*`, and a wildcard ARN of its own service counts (services
//! authorize such actions against a service-level ARN).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::action::glob_match;
use crate::arn::split_fields;
use crate::catalog::{self, ActionDef, ResourceTypeDef};
use crate::finding::{Code, Finding};
use crate::json::{JsonPath, Loc};
use crate::policy::PolicyKind;
use crate::statement::{ResourceClause, Statement};
use crate::text::{LateBound, Segment, Text};

use super::actions::{entry_path, Entry};
use super::arn_match::{split_format_matches, SplitArn};
use super::{ValidationContext, WordHashBuild};

/// Buffers [`check`] reuses from statement to statement of one policy.
#[derive(Default)]
pub(super) struct Scratch<'a> {
    arns: Vec<SplitArn<'a>>,
    fits: Vec<&'static ResourceTypeDef>,
    /// Whether some resource fits a resource type, by the type's address: the first few
    /// answers in a list (a statement's actions mostly take a handful of types, and comparing
    /// those costs less than hashing), the rest in a map.
    memo_few: Vec<(usize, bool)>,
    memo_many: HashMap<usize, bool, WordHashBuild>,
}

pub(super) fn check<'a>(
    st: &'a Statement,
    sp: &Loc<'_>,
    ctx: &ValidationContext,
    entries: &[Entry<'_>],
    scratch: &mut Scratch<'a>,
    out: &mut Vec<Finding>,
) {
    // A trust policy has no resources (RESOURCE_NOT_ALLOWED says so if it does).
    if ctx.kind == PolicyKind::Trust {
        return;
    }
    let Some(clause) = &st.resource else { return };
    let list = clause.resources();
    for (j, t) in list.iter().enumerate() {
        if let Some(s) = judgeable(t) {
            let path = || {
                let element = sp.key(clause.element());
                if list.len() > 1 {
                    element.index(j).path()
                } else {
                    element.path()
                }
            };
            check_structure(&s, &path, out);
        }
    }
    if let ResourceClause::Resource(list) = clause {
        if !st.action.is_not() {
            check_types(st, sp, list, entries, scratch, out);
        }
    }
}

/// The resource as the checks read it, or `None` when its value cannot be judged before
/// deployment (a generated or external value: its shape is unknown).
pub(super) fn judgeable(t: &Text) -> Option<Cow<'_, str>> {
    let unknown_shape = t.segments().iter().any(|s| {
        matches!(
            s,
            Segment::Late(LateBound::Generated(_) | LateBound::External(_))
        )
    });
    (!unknown_shape).then(|| t.with_placeholders())
}

/// The literal text a pattern starts with: before any `*`, `?` or `${`.
fn literal_head(s: &str) -> &str {
    let bytes = s.as_bytes();
    let end = bytes
        .iter()
        .enumerate()
        .position(|(i, &b)| {
            b == b'*' || b == b'?' || (b == b'$' && bytes.get(i + 1) == Some(&b'{'))
        })
        .unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// The ARN formats of one service segment, and which fields any of them has or lacks.
#[derive(Default)]
struct ServiceFormats {
    formats: Vec<Format>,
    /// Some format has a region.
    regional: bool,
    /// Some format has no region.
    global: bool,
    /// Some format has no account.
    accountless: bool,
}

/// The catalog's ARN formats: by the service segment, and those whose service segment is a
/// placeholder (`arn:${Partition}:${Vendor}:…`), which could be any service.
#[derive(Default)]
struct Index {
    by_service: HashMap<&'static str, ServiceFormats, WordHashBuild>,
    any_service: Vec<Format>,
}

/// One ARN format of the catalog, with what the structure checks need to know about it.
struct Format {
    format: &'static str,
    resource_type: &'static ResourceTypeDef,
    /// The literal start of the resource part (`instance/`, empty for `${BucketName}`).
    head: &'static str,
    has_region: bool,
    has_account: bool,
}

/// Every ARN format of the catalog, by the service segment of the ARN (which is not always
/// the action prefix of the service that defines it). Built once, on first use.
fn formats_by_service() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index::default();
        for service in catalog::services() {
            for resource_type in service.resource_types() {
                for &format in resource_type.arn_formats() {
                    let Some([_, _, segment, region, account, resource]) = split_fields(format)
                    else {
                        continue;
                    };
                    let format = Format {
                        format,
                        resource_type,
                        head: literal_head(resource),
                        has_region: !region.is_empty(),
                        has_account: !account.is_empty(),
                    };
                    // A placeholder service (`${Vendor}`) says nothing about one service.
                    if crate::scan::has_variable(segment) {
                        index.any_service.push(format);
                        continue;
                    }
                    let entry = index.by_service.entry(segment).or_default();
                    entry.regional |= !region.is_empty();
                    entry.global |= region.is_empty();
                    entry.accountless |= account.is_empty();
                    entry.formats.push(format);
                }
            }
        }
        // Services also list other services' resource types (EC2 lists IAM's `role`): the
        // formats of the service that owns the segment come first, so that messages name it.
        for (segment, entry) in &mut index.by_service {
            entry
                .formats
                .sort_by_key(|f| f.resource_type.service().prefix() != *segment);
        }
        index
    })
}

/// Whether an ARN field is empty, can be empty (`*`), or holds a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Empty,
    MaybeEmpty,
    Present,
}

fn field(s: &str) -> Field {
    if s.is_empty() {
        Field::Empty
    } else if s.bytes().all(|b| b == b'*') {
        Field::MaybeEmpty
    } else {
        Field::Present
    }
}

/// The region and account fields of a resource ARN against the formats of its service.
///
/// The formats considered are those whose resource part matches the ARN's (so that an S3
/// access point, which has a region, does not excuse a region in an S3 object ARN). Those
/// are first narrowed by the literal start of the resource part; the exact match is computed
/// only when the narrowed formats disagree about the field in question.
fn check_structure(s: &str, path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>) {
    let Some([_, partition, service, region, account, resource]) = split_fields(s) else {
        return;
    };
    // Variables before the resource part are reported elsewhere and make the fields unknown.
    if [partition, service, region, account]
        .iter()
        .any(|f| crate::scan::has_variable(f))
        || crate::scan::has_wildcard(service)
    {
        return;
    }
    let (region_field, account_field) = (field(region), field(account));
    let Some(segment) = formats_by_service().by_service.get(service) else {
        return;
    };
    // Most ARNs are settled here: no format of the service could disagree with them.
    let region_not_allowed = region_field == Field::Present && segment.global;
    let region_missing = region_field == Field::Empty && segment.regional;
    let account_not_allowed = account_field == Field::Present && segment.accountless;
    if !(region_not_allowed || region_missing || account_not_allowed) {
        return;
    }
    let formats = &segment.formats;
    let head = literal_head(resource);
    let narrowed = || {
        formats.iter().filter(move |f| {
            let common = f.head.len().min(head.len());
            f.head.as_bytes().get(..common) == head.as_bytes().get(..common)
        })
    };
    // Matching ignores the region and account: which formats fit the resource part.
    // Split once: a resource may be long, and there may be a hundred formats.
    let probe = format!("arn:*:{service}:*:*:{resource}");
    let probe = SplitArn::new(&probe);
    let matches = |f: &Format| split_format_matches(f.format, &probe);
    // Among the formats that fit: is there one, and does any (or every) one have the field?
    let survey = |has: fn(&Format) -> bool| -> Option<(&Format, bool, bool)> {
        let (mut first, mut any, mut all) = (None, false, true);
        for f in narrowed() {
            if matches(f) {
                first.get_or_insert(f);
                any |= has(f);
                all &= has(f);
            }
        }
        first.map(|f| (f, any, all))
    };
    // Each question is asked only when the narrowed formats disagree about the field.
    let region_not_allowed = match region_not_allowed && narrowed().any(|f| !f.has_region) {
        true => survey(|f| f.has_region).and_then(|(f, any, _)| (!any).then_some(f)),
        false => None,
    };
    let region_missing = match region_missing && narrowed().any(|f| f.has_region) {
        true => survey(|f| f.has_region).and_then(|(f, _, all)| all.then_some(f)),
        false => None,
    };
    let account_not_allowed = match account_not_allowed && narrowed().any(|f| !f.has_account) {
        true => survey(|f| f.has_account).and_then(|(f, any, _)| (!any).then_some(f)),
        false => None,
    };
    // Past the work budget the formats were taken to match: the answers are not known.
    if crate::budget::exhausted() {
        return;
    }
    // The ARN with every problem found fixed, for the help lines.
    let fixed = || {
        format!(
            "arn:{partition}:{service}:{}:{}:{resource}",
            match (region_not_allowed, region_missing) {
                (Some(_), _) => "",
                (_, Some(_)) => "*",
                _ => region,
            },
            if account_not_allowed.is_some() {
                ""
            } else {
                account
            },
        )
    };
    if let Some(f) = region_not_allowed {
        out.push(
            Finding::new(
                Code::ARN_REGION_NOT_ALLOWED,
                path(),
                format!(
                    "`{s}` names the region `{region}`, but {} ARNs have no region",
                    describe(f)
                ),
            )
            .with_help(format!("remove the region: `{}`", fixed())),
        );
    }
    if let Some(f) = region_missing {
        out.push(
            Finding::new(
                Code::ARN_REGION_MISSING,
                path(),
                format!("`{s}` has no region, but {} ARNs name one", describe(f)),
            )
            .with_help(format!(
                "name the region, or write `*` for every region: `{}`",
                fixed()
            )),
        );
    }
    if let Some(f) = account_not_allowed {
        out.push(
            Finding::new(
                Code::ARN_ACCOUNT_NOT_ALLOWED,
                path(),
                format!(
                    "`{s}` names the account `{account}`, but {} ARNs have no account",
                    describe(f)
                ),
            )
            .with_help(format!("remove the account: `{}`", fixed())),
        );
    }
}

/// `Amazon S3 \`object\`` for messages.
fn describe(f: &Format) -> String {
    format!(
        "{} `{}`",
        f.resource_type.service().name(),
        f.resource_type.name()
    )
}

/// Fills `fits` with the resource types some of `resources` can be of, trying for each
/// resource only the formats of its own service segment with a compatible literal start.
/// Returns whether the set is open: a resource whose service is a pattern (or that is not an
/// ASCII ARN) could be of other types too.
fn fitting_types(resources: &[SplitArn<'_>], fits: &mut Vec<&'static ResourceTypeDef>) -> bool {
    fits.clear();
    let mut open = false;
    let index = formats_by_service();
    for r in resources {
        // Past the work budget, a resource could be of any type.
        if crate::budget::exhausted() {
            return true;
        }
        let Some([_, _, service, _, _, resource]) = r.fields() else {
            open = true;
            continue;
        };
        if crate::scan::has_wildcard(service) || crate::scan::has_variable(service) {
            open = true;
            continue;
        }
        let head = literal_head(resource);
        let candidates = index
            .by_service
            .get(service)
            .map(|s| s.formats.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|f| {
                let common = f.head.len().min(head.len());
                f.head.as_bytes().get(..common) == head.as_bytes().get(..common)
            })
            .chain(index.any_service.iter());
        for f in candidates {
            // The membership scan below, per candidate format.
            crate::budget::spend(1 + fits.len() as u64 / 8);
            if !fits.iter().any(|t| std::ptr::eq(*t, f.resource_type))
                && split_format_matches(f.format, r)
            {
                fits.push(f.resource_type);
            }
        }
    }
    open
}

/// RESOURCE_TYPE_MISMATCH: every action entry (every expansion of a pattern) must be able to
/// apply to some resource of the statement; an action without resource types needs `*`.
fn check_types<'a>(
    st: &Statement,
    sp: &Loc<'_>,
    list: &'a [Text],
    entries: &[Entry<'_>],
    scratch: &mut Scratch<'a>,
    out: &mut Vec<Finding>,
) {
    let mut judged = true;
    for t in list {
        match judgeable(t) {
            Some(s) if s == "*" => return,
            Some(s) if split_fields(&s).is_some() => {}
            // Not an ARN (INVALID_ARN), or an unknown shape: the statement cannot be judged.
            _ => judged = false,
        }
    }
    if !judged || list.is_empty() {
        return;
    }
    // The resources, split once: in the reused buffer when they are literal text (always, for
    // a policy read from JSON); late-bound ones need their placeholders written out first.
    let texts: Vec<Cow<'_, str>>;
    let owned: Vec<SplitArn<'_>>;
    let resources: &[SplitArn<'_>] = if list
        .iter()
        .all(|t| matches!(t.as_literal(), Some(Cow::Borrowed(_))))
    {
        // Refilled in place: a split resource is a few hundred bytes of tokens.
        let mut n = 0;
        for t in list {
            if let Some(Cow::Borrowed(s)) = t.as_literal() {
                match scratch.arns.get_mut(n) {
                    Some(arn) => arn.reset(s),
                    None => scratch.arns.push(SplitArn::new(s)),
                }
                n += 1;
            }
        }
        scratch.arns.get(..n).unwrap_or_default()
    } else {
        texts = list.iter().filter_map(judgeable).collect();
        owned = texts.iter().map(|s| SplitArn::new(s)).collect();
        &owned
    };
    // The resource types some resource of the statement can be of. A format can only match
    // an ARN of its own service segment with the same literal start, so for a resource whose
    // service is written out only those formats are tried (a few, through the index); the
    // types of a pattern's thousands of actions are then looked up, not matched. A resource
    // whose service is a pattern (`arn:aws:*:…`) leaves the set open: types not in it are
    // matched one by one, memoized.
    // Whether some resource can be of a resource type: asked type by type, memoized, for the
    // few types a statement's actions usually take. Past a few dozen (a pattern such as
    // `*:Get*` on resources that fit none of its thousands of actions), the set of types the
    // resources can be of is computed once instead (`fitting_types`), and the rest are looked
    // up in it.
    const LAZY: usize = 32;
    let (fits, memo_few, memo_many) = (
        &mut scratch.fits,
        &mut scratch.memo_few,
        &mut scratch.memo_many,
    );
    fits.clear();
    memo_few.clear();
    memo_many.clear();
    let mut set: Option<bool> = None;
    let mut type_fits = |rt: &'static ResourceTypeDef| -> bool {
        let key = std::ptr::from_ref(rt) as usize;
        let known = match memo_few.iter().find(|(k, _)| *k == key) {
            Some(&(_, fits)) => Some(fits),
            None => memo_many.get(&key).copied(),
        };
        if let Some(fits) = known {
            return fits;
        }
        if set.is_none() && memo_few.len() >= LAZY {
            set = Some(fitting_types(resources, fits));
        }
        let answer = match set {
            Some(open) if !open || fits.iter().any(|t| std::ptr::eq(*t, rt)) => {
                fits.iter().any(|t| std::ptr::eq(*t, rt))
            }
            _ => resources.iter().any(|arn| {
                rt.arn_formats()
                    .iter()
                    .any(|format| split_format_matches(format, arn))
            }),
        };
        if memo_few.len() < LAZY {
            memo_few.push((key, answer));
        } else {
            memo_many.insert(key, answer);
        }
        answer
    };
    // An action without resource types asks for `*`. Services authorize such actions against
    // a service-level ARN (`arn:aws:iam::123456789012:role/` for `iam:ListRoles`,
    // `…:table/*` for `dynamodb:ListTables`, `arn:aws:s3:::*` in AWS's own S3 examples), so a
    // wildcard ARN of the action's service counts as `*`; a specific ARN, or one of another
    // service, is the mistake reported.
    // The service fields of the resources with a wildcard resource part, found once, and the
    // answer for the last service asked (a pattern's actions come service by service): a
    // long resource is not scanned again for each of a pattern's hundreds of actions.
    let mut wild_services: Option<Vec<&str>> = None;
    let mut last: Option<(&'static str, bool)> = None;
    let mut service_wildcard = |a: &'static ActionDef| {
        let prefix = a.service().prefix();
        if let Some((p, answer)) = last {
            if std::ptr::eq(p, prefix) {
                return answer;
            }
        }
        let wild = wild_services.get_or_insert_with(|| {
            resources
                .iter()
                .filter_map(|r| {
                    // Split already when ASCII (placeholders kept whole); split now otherwise.
                    let [_, _, service, _, _, resource] =
                        r.fields().or_else(|| split_fields(r.text()))?;
                    crate::scan::has_wildcard(resource).then_some(service)
                })
                .collect()
        });
        let answer = wild.iter().any(|service| glob_match(service, prefix));
        last = Some((prefix, answer));
        answer
    };
    let mut action_fits = |a: &'static ActionDef| -> bool {
        if a.supports_only_wildcard_resource() {
            return service_wildcard(a);
        }
        a.resource_types().any(|(rt, _)| type_fits(rt))
    };
    for (j, entry) in entries.iter().enumerate() {
        let text = st.action.actions().get(j).map_or("", |a| a.as_str());
        match entry {
            Entry::Any | Entry::Unknown => {}
            Entry::One(action) => {
                if !action_fits(action) {
                    out.push(mismatch_for_action(
                        text,
                        action,
                        entry_path(st, sp, j),
                        resources.first().map(SplitArn::text),
                    ));
                }
            }
            // Past the work budget a pattern's expansion is not walked again.
            Entry::Pattern(..) if crate::budget::exhausted() => {}
            Entry::Pattern(..) => {
                if !entry.any(&mut action_fits) {
                    out.push(
                        Finding::new(
                            Code::RESOURCE_TYPE_MISMATCH,
                            entry_path(st, sp, j),
                            format!("no action `{text}` matches can apply to a resource of the statement"),
                        )
                        .with_help("list resources of the types these actions take, or move the pattern to a statement with such resources (`*` for actions without resource types)"),
                    );
                }
            }
        }
    }
}

fn mismatch_for_action(
    text: &str,
    action: &ActionDef,
    path: JsonPath,
    example: Option<&str>,
) -> Finding {
    if action.supports_only_wildcard_resource() {
        return Finding::new(
            Code::RESOURCE_TYPE_MISMATCH,
            path,
            format!("`{text}` does not support resource-level permissions: it applies only to `\"Resource\": \"*\"`"),
        )
        .with_help("move the action to a statement whose `Resource` is `*` (or a wildcard ARN of its service)");
    }
    // The types it takes, required ones first.
    let mut types: Vec<(&ResourceTypeDef, bool)> = action.resource_types().collect();
    types.sort_by_key(|(_, required)| !required);
    let names: Vec<String> = types
        .iter()
        .take(3)
        .map(|(rt, _)| format!("`{}`", rt.name()))
        .collect();
    let more = types.len().saturating_sub(names.len());
    let list = match (names.as_slice(), more) {
        ([one], 0) => one.clone(),
        ([first @ .., last], 0) => format!("{} or {last}", first.join(", ")),
        (_, more) => format!("{} and {more} more", names.join(", ")),
    };
    // The help shows the format closest to the statement's resource: same service segment,
    // and a region and an account where the resource has them.
    let shape = |s: &str| {
        split_fields(s).map(|[_, _, service, region, account, _]| {
            (service.to_owned(), region.is_empty(), account.is_empty())
        })
    };
    let resource = example.and_then(shape);
    let score = |format: &str| match (&resource, shape(format)) {
        (Some((service, region, account)), Some((s, r, a))) => {
            usize::from(*service == s) * 4
                + usize::from(*region == r) * 2
                + usize::from(*account == a)
        }
        _ => 0,
    };
    let closest = types
        .iter()
        .flat_map(|(rt, _)| rt.arn_formats().iter().map(move |f| (rt, *f)))
        .enumerate()
        // The best score; the first listed among equals.
        .max_by_key(|(i, (_, format))| (score(format), std::cmp::Reverse(*i)))
        .map(|(_, found)| found);
    let help = match closest {
        Some((rt, format)) => format!(
            "`{}` ARNs read `{format}`: add one, or move the action to a statement with one",
            rt.name()
        ),
        None => {
            "add a resource of a type the action takes, or move the action to a statement with one"
                .to_owned()
        }
    };
    Finding::new(
        Code::RESOURCE_TYPE_MISMATCH,
        path,
        format!("`{text}` cannot apply to any resource of the statement: it takes {list} ARNs"),
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fitting_types_are_those_with_a_matching_format() {
        let arns = [
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f*:*",
            "arn:aws:iam::123456789012:role/a/b",
            "arn:aws:ec2:us-east-1:123456789012:instance/*",
            "arn:aws:ec2:*:*:*",
            "arn:aws:backup:us-east-1:123456789012:recovery-point:x",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k",
        ];
        for arn in arns {
            let split = [SplitArn::new(arn)];
            let mut fits = Vec::new();
            assert!(!fitting_types(&split, &mut fits), "{arn}");
            for service in catalog::services() {
                for rt in service.resource_types() {
                    let expected = rt
                        .arn_formats()
                        .iter()
                        .any(|f| catalog::arn_format_matches(f, arn));
                    let found = fits.iter().any(|t| std::ptr::eq(*t, rt));
                    assert_eq!(
                        found,
                        expected,
                        "{} `{}` vs {arn}",
                        service.prefix(),
                        rt.name()
                    );
                }
            }
        }
        // A pattern in the service segment leaves the set open.
        let mut fits = Vec::new();
        assert!(fitting_types(&[SplitArn::new("arn:aws:s*:::b")], &mut fits));
    }

    #[test]
    fn heads_and_fields() {
        assert_eq!(literal_head("instance/*"), "instance/");
        assert_eq!(literal_head("${BucketName}/${ObjectName}"), "");
        assert_eq!(literal_head("home/${aws:username}/x"), "home/");
        assert_eq!(
            split_fields("arn:aws:s3:::b/c:d").map(|f| f[5]),
            Some("b/c:d")
        );
        assert!(split_fields("s3:::b").is_none());
        assert!(
            field("*") == Field::MaybeEmpty
                && field("") == Field::Empty
                && field("us-*") == Field::Present
        );
        // Every literal service segment is indexed; S3 has object, bucket and access points.
        let s3 = formats_by_service()
            .by_service
            .get("s3")
            .map_or(0, |s| s.formats.len());
        assert!(s3 >= 3, "{s3}");
    }
}
