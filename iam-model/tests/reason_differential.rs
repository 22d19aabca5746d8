//! Differential test of access reasoning against the evaluator.
//!
//! Generated policy pairs (OLD, NEW) — identity policies and trust policies, with every
//! operator family, `Not…` elements, wildcards and a policy variable — are compared with
//! `reason::compare`; then generated requests are evaluated against both. Whenever the
//! analysis says "no new access", no request may be allowed by NEW and denied by OLD; every
//! witness must be confirmed. The request count defaults to 1,000,000 and can be scaled with
//! `ROLEWRIGHT_REASON_REQUESTS`; the undecided rate is printed (and bounded below).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use iam_model::eval::{evaluate, Request, RequestPrincipal};
use iam_model::reason::{compare, Verdict};
use iam_model::PolicyDocument;

/// xorshift64*: a seeded generator, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "s3:?etObject",
    "ec2:RunInstances",
    "ec2:*",
    "*",
    "iam:PassRole",
    "iam:*Role",
    "sts:AssumeRole",
    "s3:GetObject*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a?",
    "arn:aws:s3:::b/ab",
    "arn:aws:s3:::*",
    "arn:aws:s3:::c/*",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:iam::111122223333:role/x*",
    "arn:aws:s3:::b/home/${aws:username}/*",
    "arn:aws:s3:::b/*/x",
];
const CONDITIONS: &[&str] = &[
    r#""StringEquals":{"k:s":["a","b"]}"#,
    r#""StringEquals":{"k:s":"a"}"#,
    r#""StringLike":{"k:s":"a*"}"#,
    r#""StringNotEquals":{"k:s":"a"}"#,
    r#""StringNotLike":{"k:s":["?","b*"]}"#,
    r#""StringEqualsIfExists":{"k:s":"b"}"#,
    r#""StringEqualsIgnoreCase":{"k:s":"A"}"#,
    r#""ForAllValues:StringEquals":{"k:s":["a","b"]}"#,
    r#""ForAnyValue:StringLike":{"k:s":"b*"}"#,
    r#""Null":{"k:s":"true"}"#,
    r#""Null":{"k:s":"false"}"#,
    r#""IpAddress":{"aws:SourceIp":"10.0.0.0/8"}"#,
    r#""IpAddress":{"aws:SourceIp":["10.1.0.0/16","192.168.0.1"]}"#,
    r#""NotIpAddress":{"aws:SourceIp":"10.1.0.0/16"}"#,
    r#""NumericLessThan":{"k:n":"10"}"#,
    r#""NumericGreaterThanEquals":{"k:n":"5"}"#,
    r#""NumericEquals":{"k:n":["5","7.5"]}"#,
    r#""DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}"#,
    r#""DateGreaterThan":{"aws:CurrentTime":"1500000000"}"#,
    r#""Bool":{"aws:SecureTransport":"true"}"#,
    r#""BoolIfExists":{"aws:SecureTransport":"false"}"#,
    r#""StringEquals":{"aws:username":"alice"}"#,
];
const PRINCIPALS: &[&str] = &[
    r#"{"AWS":"111122223333"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:role/ci"}"#,
    r#"{"AWS":"arn:aws:iam::444455556666:root"}"#,
    r#"{"AWS":"*"}"#,
    r#"{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]}"#,
    r#"{"Service":"ec2.amazonaws.com"}"#,
    r#""*""#,
];

fn list(rng: &mut Rng, pool: &[&str], quoted: bool) -> String {
    let n = 1 + rng.below(2);
    let items: Vec<String> = (0..n)
        .map(|_| {
            let s = rng.pick(pool);
            if quoted {
                format!("\"{s}\"")
            } else {
                s.to_owned()
            }
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn statement(rng: &mut Rng, trust: bool) -> String {
    let effect = if rng.chance(72) { "Allow" } else { "Deny" };
    let mut parts = vec![format!("\"Effect\":\"{effect}\"")];
    if trust {
        let el = if rng.chance(10) {
            "NotPrincipal"
        } else {
            "Principal"
        };
        parts.push(format!("\"{el}\":{}", rng.pick(PRINCIPALS)));
        let a = rng.pick(&[
            "sts:AssumeRole",
            "sts:*",
            "sts:AssumeRoleWith*",
            "sts:TagSession",
        ]);
        parts.push(format!("\"Action\":\"{a}\""));
    } else {
        let el = if rng.chance(15) {
            "NotAction"
        } else {
            "Action"
        };
        parts.push(format!("\"{el}\":{}", list(rng, ACTIONS, true)));
        let el = if rng.chance(15) {
            "NotResource"
        } else {
            "Resource"
        };
        parts.push(format!("\"{el}\":{}", list(rng, RESOURCES, true)));
    }
    let n = [0, 0, 1, 1, 2][rng.below(5)];
    if n > 0 {
        // One block per test so two tests of the same operator stay distinct keys of JSON.
        let tests: Vec<String> = (0..n).map(|_| rng.pick(CONDITIONS).to_owned()).collect();
        let mut blocks: Vec<String> = Vec::new();
        for t in tests {
            let op = t.split(':').next().unwrap().to_owned();
            if !blocks.iter().any(|b| b.starts_with(&op)) {
                blocks.push(t);
            }
        }
        parts.push(format!("\"Condition\":{{{}}}", blocks.join(",")));
    }
    format!("{{{}}}", parts.join(","))
}

fn policy(stmts: &[String]) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    );
    PolicyDocument::from_json(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

/// NEW from OLD: often a small edit, so that "no new access" is common.
fn pair(rng: &mut Rng, trust: bool) -> (Vec<String>, Vec<String>) {
    let old: Vec<String> = (0..1 + rng.below(4))
        .map(|_| statement(rng, trust))
        .collect();
    let mut new = old.clone();
    match rng.below(6) {
        0 if new.len() > 1 => {
            let i = rng.below(new.len());
            new.remove(i);
        }
        1 => new.push(statement(rng, trust)),
        2 => {
            let i = rng.below(new.len());
            new[i] = statement(rng, trust);
        }
        3 => new.reverse(),
        4 => {
            new = (0..1 + rng.below(4))
                .map(|_| statement(rng, trust))
                .collect()
        }
        _ => {
            let mut d = statement(rng, trust);
            d = d.replacen("\"Allow\"", "\"Deny\"", 1);
            new.push(d);
        }
    }
    (old, new)
}

const REQ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:GetBucketPolicy",
    "ec2:RunInstances",
    "iam:PassRole",
    "iam:CreateRole",
    "sts:AssumeRole",
    "s3:getobject",
    "s3:GetObjectAcl",
    "x:y",
    "sts:TagSession",
    "sts:AssumeRoleWithSAML",
];
const REQ_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/ab",
    "arn:aws:s3:::b/a",
    "arn:aws:s3:::b/ax",
    "arn:aws:s3:::b/home/alice/x",
    "arn:aws:s3:::c/z",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:ec2:eu-west-1:111122223333:instance/i-2",
    "arn:aws:iam::111122223333:role/xy",
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/q/x",
];
const REQ_VALUES: &[(&str, &[&str])] = &[
    ("k:s", &["a", "b", "A", "ab", "bz", "x", "?"]),
    (
        "aws:SourceIp",
        &[
            "10.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "8.8.8.8",
            "::1",
            "junk",
        ],
    ),
    ("k:n", &["3", "5", "7.5", "10", "12", "x"]),
    (
        "aws:CurrentTime",
        &["2019-06-01T00:00:00Z", "2024-01-01T00:00:00Z", "1400000000"],
    ),
    ("aws:SecureTransport", &["true", "false", "TRUE"]),
    ("aws:username", &["alice", "bob"]),
];

fn request(rng: &mut Rng, witnesses: &[Request]) -> Request {
    // Now and then a witness found for another pair: it sits on some boundary.
    if !witnesses.is_empty() && rng.chance(10) {
        return witnesses[rng.below(witnesses.len())].clone();
    }
    let mut r = Request::new(rng.pick(REQ_ACTIONS), rng.pick(REQ_RESOURCES));
    r.principal = match rng.below(6) {
        0 => None,
        1 => Some(RequestPrincipal::Aws(
            "arn:aws:iam::111122223333:role/ci".into(),
        )),
        2 => Some(RequestPrincipal::Aws(
            "arn:aws:iam::111122223333:user/u".into(),
        )),
        3 => Some(RequestPrincipal::Aws(
            "arn:aws:iam::444455556666:role/r".into(),
        )),
        4 => Some(RequestPrincipal::Service("ec2.amazonaws.com".into())),
        _ => Some(RequestPrincipal::Service("lambda.amazonaws.com".into())),
    };
    for (key, pool) in REQ_VALUES {
        match rng.below(4) {
            0 => {}
            1 | 2 => r = r.with(*key, [rng.pick(pool)]),
            _ => r = r.with(*key, [rng.pick(pool), rng.pick(pool)]),
        }
    }
    r
}

#[test]
fn no_new_access_is_never_wrong() {
    let target: u64 = std::env::var("ROLEWRIGHT_REASON_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let (mut checked, mut pairs, mut undecided, mut no_new, mut witnesses_seen) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut witnesses: Vec<Request> = Vec::new();
    let mut analysis = std::time::Duration::ZERO;
    while checked < target {
        let trust = rng.chance(25);
        let (o, n) = pair(&mut rng, trust);
        let (old, new) = (policy(&o), policy(&n));
        let t0 = std::time::Instant::now();
        let c = compare(&[&old], &[&new]);
        analysis += t0.elapsed();
        pairs += 1;
        for e in c.added.escapes.iter().chain(&c.removed.escapes) {
            witnesses_seen += 1;
            witnesses.push(e.witness.clone());
        }
        for e in &c.added.escapes {
            assert!(
                evaluate(&[&new], &e.witness).is_allowed()
                    && !evaluate(&[&old], &e.witness).is_allowed(),
                "unconfirmed witness {e:?}\nOLD {o:?}\nNEW {n:?}"
            );
        }
        for e in &c.removed.escapes {
            assert!(
                evaluate(&[&old], &e.witness).is_allowed()
                    && !evaluate(&[&new], &e.witness).is_allowed(),
                "unconfirmed witness {e:?}\nOLD {o:?}\nNEW {n:?}"
            );
        }
        if c.verdict() == Verdict::Undecided || !c.added.undecided.is_empty() {
            undecided += 1;
            if std::env::var("ROLEWRIGHT_REASON_DEBUG").is_ok() {
                eprintln!("undecided: {:?}", c.added.undecided);
            }
        }
        let added_proven_empty = c.added.holds();
        let removed_proven_empty = c.removed.holds();
        if added_proven_empty {
            no_new += 1;
        }
        if !added_proven_empty && !removed_proven_empty {
            continue;
        }
        for _ in 0..2000 {
            let r = request(&mut rng, &witnesses);
            let (a_old, a_new) = (
                evaluate(&[&old], &r).is_allowed(),
                evaluate(&[&new], &r).is_allowed(),
            );
            if added_proven_empty {
                assert!(!a_new || a_old, "NEW allows {r:?} which OLD denies, yet the diff proved no new access\nOLD {o:?}\nNEW {n:?}");
            }
            if removed_proven_empty {
                assert!(!a_old || a_new, "OLD allows {r:?} which NEW denies, yet the diff proved nothing removed\nOLD {o:?}\nNEW {n:?}");
            }
            checked += 1;
        }
        if witnesses.len() > 5000 {
            witnesses.drain(..2500);
        }
    }
    let rate = undecided as f64 / pairs as f64;
    eprintln!("analysis time {analysis:?}");
    eprintln!(
        "reason differential: {checked} requests over {pairs} pairs; {no_new} proven without new access; \
         {witnesses_seen} witnesses confirmed; undecided on {undecided} pairs ({:.2}%)",
        rate * 100.0
    );
    assert!(rate < 0.10, "undecided rate {rate}");
}
