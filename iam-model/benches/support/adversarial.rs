//! Adversarial policy documents: the worst inputs we know how to build under IAM's
//! 131,072-character cap, for the adversarial bench (`benches/adversarial.rs`) and the
//! bounded-work regression tests (`tests/adversarial.rs`). Each targets one check's cost:
//! wide wildcards, many unknown names (did-you-mean searches), unclosed `${`, long ARNs
//! against many formats, many statements, condition keys and operators, deep nesting, long
//! strings, huge `Sid` lists.

use iam_model::{Attachment, PolicyKind};

/// The size cap every document stays under.
pub const CAP: usize = 131_072;

/// One adversarial document.
pub struct Doc {
    /// A short name, for the bench and test messages.
    pub name: &'static str,
    /// What the document is validated as.
    pub kind: PolicyKind,
    /// The policy text.
    pub text: String,
}

fn doc(name: &'static str, kind: PolicyKind, text: String) -> Doc {
    assert!(text.chars().count() <= CAP, "{name}: {} chars", text.len());
    Doc { name, kind, text }
}

const IDENTITY: PolicyKind = PolicyKind::Identity(Attachment::Managed);

/// A policy of one `Allow` statement with `actions` on `resource`.
fn actions_policy(actions: &[String], resource: &str) -> String {
    let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"{resource}"}}]}}"#,
        list.join(",")
    )
}

/// Fills a list of `n` items made by `item` until the next one would pass `budget` bytes.
fn until(budget: usize, mut item: impl FnMut(usize) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = 0;
    for i in 0.. {
        let s = item(i);
        used += s.len() + 3;
        if used > budget {
            break;
        }
        out.push(s);
    }
    out
}

/// A base-26 name for `i`, distinct per `i` (`aa`, `ab`, …).
fn name(mut i: usize, len: usize) -> String {
    let mut s = Vec::with_capacity(len);
    for _ in 0..len {
        s.push(b'a' + (i % 26) as u8);
        i /= 26;
    }
    String::from_utf8(s).unwrap_or_default()
}

/// Every adversarial document.
pub fn all() -> Vec<Doc> {
    let room = CAP - 200;
    let mut out = Vec::new();
    // Wildcard-service patterns: each one globbed against every service and action.
    let wide: Vec<String> = (0..600).map(|i| format!("*:*{}*", name(i, 2))).collect();
    out.push(doc(
        "wildcard_service_600",
        IDENTITY,
        actions_policy(&wide, "*"),
    ));
    let wide = until(room, |i| format!("*:*{}*", name(i, 3)));
    out.push(doc(
        "wildcard_service_cap",
        IDENTITY,
        actions_policy(&wide, "*"),
    ));
    // Question marks and stars: the greedy glob backtracks.
    let wide = until(room, |i| {
        format!("*:?*{}?*?*{}*", name(i, 2), name(i / 7, 2))
    });
    out.push(doc(
        "wildcard_service_mixed_cap",
        IDENTITY,
        actions_policy(&wide, "*"),
    ));
    // Unknown actions of a known service: a did-you-mean search each.
    let unknown = until(room, |i| format!("s3:Get{}", name(i, 6)));
    out.push(doc(
        "unknown_actions_cap",
        IDENTITY,
        actions_policy(&unknown, "*"),
    ));
    let unknown = until(room, |i| format!("ec2:Describe{}", name(i, 5)));
    out.push(doc(
        "unknown_ec2_actions_cap",
        IDENTITY,
        actions_policy(&unknown, "*"),
    ));
    // Unknown services: a search over every action, then every prefix.
    let unknown = until(room, |i| format!("{}:GetObject", name(i, 3)));
    out.push(doc(
        "unknown_services_cap",
        IDENTITY,
        actions_policy(&unknown, "*"),
    ));
    // One very long unknown action.
    let long = format!("s3:{}", "Get".repeat((room - 10) / 3));
    out.push(doc(
        "long_unknown_action",
        IDENTITY,
        actions_policy(&[long], "*"),
    ));
    // Many unclosed `${` in an ARN.
    let arn = format!("arn:aws:s3:::{}", "${".repeat((room - 100) / 2));
    out.push(doc(
        "unclosed_placeholders",
        IDENTITY,
        actions_policy(&["s3:GetObject".into()], &arn),
    ));
    let arn = format!(
        "arn:aws:ec2:us-east-1:123456789012:{}",
        "${a".repeat((room - 100) / 3)
    );
    out.push(doc(
        "unclosed_placeholders_ec2",
        IDENTITY,
        actions_policy(&["ec2:*".into()], &arn),
    ));
    // A long ARN of wildcards against every EC2 format.
    let arn = format!(
        "arn:aws:ec2:us-east-1:123456789012:{}",
        "*/".repeat((room - 100) / 2)
    );
    out.push(doc(
        "ec2_star_slash",
        IDENTITY,
        actions_policy(&["ec2:*".into()], &arn),
    ));
    let arn = format!(
        "arn:aws:ec2:us-east-1:123456789012:{}x",
        "a*".repeat((room - 100) / 2)
    );
    out.push(doc(
        "ec2_a_star",
        IDENTITY,
        actions_policy(&["ec2:*".into()], &arn),
    ));
    let arn = format!("arn:aws:s3:::{}x", "a*".repeat((room - 100) / 2));
    out.push(doc(
        "s3_bucket_a_star",
        IDENTITY,
        actions_policy(&["s3:ListBucket".into()], &arn),
    ));
    // Many resources, each judged against every EC2 format.
    let resources = until(room - 100, |i| format!("arn:aws:ec2:*:*:{}/*", name(i, 4)));
    out.push(doc(
        "ec2_many_resources",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["ec2:*","s3:*"],"Resource":[{}]}}]}}"#,
            resources.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(",")
        ),
    ));
    // Distinct unknown condition operators: a did-you-mean search each.
    let ops = until(room, |i| {
        format!("\"StringEq{}\":{{\"aws:username\":\"x\"}}", name(i, 4))
    });
    out.push(doc(
        "unknown_operators_cap",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{{}}}}}]}}"#,
            ops.join(",")
        ),
    ));
    // Distinct unknown condition keys, global and of a service.
    let keys = until(room, |i| format!("\"aws:Principal{}\":\"x\"", name(i, 4)));
    out.push(doc(
        "unknown_global_keys_cap",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{{"StringEquals":{{{}}}}}}}]}}"#,
            keys.join(",")
        ),
    ));
    let keys = until(room, |i| format!("\"ec2:Instance{}\":\"x\"", name(i, 4)));
    out.push(doc(
        "unknown_service_keys_cap",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{{"StringEquals":{{{}}}}}}}]}}"#,
            keys.join(",")
        ),
    ));
    // Many statements with wide grants and duplicate Sids.
    let statements = until(room, |i| {
        format!(
            r#"{{"Sid":"S{}","Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:*:instance/*"}}"#,
            i % 3
        )
    });
    out.push(doc(
        "many_statements",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        ),
    ));
    let statements = until(room, |i| {
        format!(r#"{{"Sid":"S{i}","Effect":"Allow","Action":"*","Resource":"*"}}"#)
    });
    out.push(doc(
        "many_admin_statements",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        ),
    ));
    // Trust policies: many principals, many statements.
    let principals = until(room, |i| format!("arn:aws:iam::{:012}:role/r{i}", i));
    out.push(doc(
        "trust_many_principals",
        PolicyKind::Trust,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":"sts:AssumeRole"}}]}}"#,
            principals.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(",")
        ),
    ));
    let principals = until(room, |i| format!("{}.amazonaws.com", name(i, 5)));
    out.push(doc(
        "trust_unknown_services",
        PolicyKind::Trust,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":[{}]}},"Action":"sts:AssumeRole"}}]}}"#,
            principals.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(",")
        ),
    ));
    // Resource policy with many conditions on many keys and variables.
    let values = until(room, |i| {
        format!("home/${{aws:username}}/{}/${{aws:userid}}*", name(i, 3))
    });
    out.push(doc(
        "resource_many_variables",
        PolicyKind::Resource,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{{"StringLike":{{"s3:prefix":[{}]}}}}}}]}}"#,
            values.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(",")
        ),
    ));
    // Long strings: a Sid and a resource of the whole cap.
    out.push(doc(
        "long_sid",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}"#,
            "x".repeat(room - 100)
        ),
    ));
    out.push(doc(
        "long_resource",
        IDENTITY,
        actions_policy(
            &["s3:*".into()],
            &format!("arn:aws:s3:::{}", "ab/".repeat((room - 100) / 3)),
        ),
    ));
    // Deep nesting, up to the parser's depth limit, and past it.
    let depth = 62;
    out.push(doc(
        "deep_nesting",
        IDENTITY,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{}"x"{}}}]}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    ));
    out.push(doc(
        "too_deep",
        IDENTITY,
        format!("{}{}", "[".repeat(60_000), "]".repeat(60_000)),
    ));
    out
}
