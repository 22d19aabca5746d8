//! Realistic, varied identity policies, generated deterministically from a seed: the workload
//! of the validation benchmark (`benches/validate.rs`) and of the Parliament comparison
//! (`examples/bench_corpus.rs` writes the same policies to files; see
//! `benches/parliament/README.md`).
//!
//! Each policy has one to six statements drawn from the kinds of grant real identity policies
//! make: object and bucket access in S3, table access in DynamoDB, invoking functions,
//! writing logs, queues, topics, keys (with `kms:ViaService`), secrets and parameters,
//! describing EC2, starting tagged instances, pulling images, passing a role to one service,
//! assuming a role, plus the guard rails people add (`Deny` outside regions, `Deny` without
//! TLS). Values vary (names, accounts, regions, prefixes, policy variables), as do the forms
//! the grammar allows (a string or a list, pretty or compact, `Sid` or not). About one policy
//! in a hundred has a misspelled action, as real ones sometimes do.

use serde_json::{json, Map, Value};

/// SplitMix64: a small, fast, well-mixed generator, so that the corpus needs no dependency
/// and is the same everywhere.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }

    /// One to `max` distinct elements of `items`, in their order.
    pub fn some<'a>(&mut self, items: &[&'a str], max: usize) -> Vec<&'a str> {
        let n = 1 + self.below(max.min(items.len()).max(1));
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen
            .into_iter()
            .filter_map(|i| items.get(i).copied())
            .collect()
    }
}

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
];
const ACCOUNTS: &[&str] = &[
    "123456789012",
    "210987654321",
    "111122223333",
    "444455556666",
];
const APPS: &[&str] = &[
    "billing", "orders", "search", "reports", "ingest", "auth", "catalog", "payments",
];
const ENVS: &[&str] = &["dev", "staging", "prod"];
const TEAMS: &[&str] = &["platform", "data", "web", "mobile", "security"];

/// `"x"` when there is one, `["x", "y"]` otherwise (both forms are common).
fn one_or_many(items: &[String], rng: &mut Rng) -> Value {
    match items {
        [one] if rng.chance(70) => json!(one),
        _ => json!(items),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// What one statement grants.
struct Grant {
    actions: Vec<String>,
    resources: Vec<String>,
    condition: Option<Value>,
    effect: &'static str,
    not_action: bool,
}

impl Grant {
    fn allow(actions: Vec<String>, resources: Vec<String>) -> Self {
        Grant {
            actions,
            resources,
            condition: None,
            effect: "Allow",
            not_action: false,
        }
    }
}

fn s3_grant(rng: &mut Rng, app: &str, env: &str) -> Grant {
    let bucket = format!(
        "{app}-{env}-{}",
        rng.pick(&["data", "assets", "logs", "exports", "uploads"])
    );
    match rng.below(5) {
        0 => {
            let mut g = Grant::allow(
                strings(&rng.some(
                    &[
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                        "s3:GetObjectVersion",
                        "s3:GetObjectTagging",
                        "s3:PutObjectTagging",
                        "s3:AbortMultipartUpload",
                    ],
                    4,
                )),
                vec![format!("arn:aws:s3:::{bucket}/*")],
            );
            if rng.chance(30) {
                g.resources.push(format!("arn:aws:s3:::{bucket}-replica/*"));
            }
            g
        }
        1 => {
            let mut g = Grant::allow(
                strings(&rng.some(
                    &[
                        "s3:ListBucket",
                        "s3:GetBucketLocation",
                        "s3:ListBucketMultipartUploads",
                    ],
                    2,
                )),
                vec![format!("arn:aws:s3:::{bucket}")],
            );
            if rng.chance(50) {
                g.actions = vec!["s3:ListBucket".into()];
                g.condition = Some(
                    json!({"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}}),
                );
            }
            g
        }
        2 => Grant::allow(
            strings(&["s3:GetObject", "s3:PutObject"]),
            vec![format!("arn:aws:s3:::{bucket}/home/${{aws:username}}/*")],
        ),
        3 => Grant::allow(
            vec!["s3:Get*".into(), "s3:List*".into()],
            vec![
                format!("arn:aws:s3:::{bucket}"),
                format!("arn:aws:s3:::{bucket}/*"),
            ],
        ),
        _ => Grant::allow(
            strings(&["s3:ListAllMyBuckets", "s3:GetBucketLocation"]),
            strings(&["*"]),
        ),
    }
}

fn data_grant(rng: &mut Rng, region: &str, account: &str, app: &str, env: &str) -> Grant {
    match rng.below(4) {
        0 => {
            let table = format!("arn:aws:dynamodb:{region}:{account}:table/{app}-{env}");
            let mut resources = vec![table.clone()];
            if rng.chance(50) {
                resources.push(format!("{table}/index/*"));
            }
            Grant::allow(
                strings(&rng.some(
                    &[
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:Query",
                        "dynamodb:Scan",
                        "dynamodb:BatchGetItem",
                        "dynamodb:BatchWriteItem",
                        "dynamodb:DescribeTable",
                        "dynamodb:ConditionCheckItem",
                    ],
                    6,
                )),
                resources,
            )
        }
        1 => Grant::allow(
            strings(&rng.some(
                &[
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                    "sqs:ChangeMessageVisibility",
                ],
                4,
            )),
            vec![format!("arn:aws:sqs:{region}:{account}:{app}-{env}-queue")],
        ),
        2 => Grant::allow(
            strings(&rng.some(
                &["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"],
                2,
            )),
            vec![format!("arn:aws:sns:{region}:{account}:{app}-{env}-events")],
        ),
        _ => Grant::allow(
            strings(&rng.some(
                &[
                    "kinesis:PutRecord",
                    "kinesis:PutRecords",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:DescribeStream",
                ],
                3,
            )),
            vec![format!(
                "arn:aws:kinesis:{region}:{account}:stream/{app}-{env}"
            )],
        ),
    }
}

fn compute_grant(rng: &mut Rng, region: &str, account: &str, app: &str, env: &str) -> Grant {
    match rng.below(6) {
        0 => Grant::allow(
            strings(&rng.some(
                &[
                    "lambda:InvokeFunction",
                    "lambda:GetFunction",
                    "lambda:GetFunctionConfiguration",
                    "lambda:UpdateFunctionCode",
                ],
                2,
            )),
            vec![format!(
                "arn:aws:lambda:{region}:{account}:function:{app}-{env}-*"
            )],
        ),
        1 => Grant::allow(
            strings(&rng.some(
                &[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                3,
            )),
            vec![format!(
                "arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{app}-{env}*:*"
            )],
        ),
        2 => {
            let mut g = Grant::allow(vec!["ec2:Describe*".into()], strings(&["*"]));
            if rng.chance(40) {
                g.actions.push(
                    rng.pick(&[
                        "cloudwatch:GetMetricData",
                        "cloudwatch:ListMetrics",
                        "autoscaling:Describe*",
                        "elasticloadbalancing:Describe*",
                    ])
                    .to_owned(),
                );
            }
            g
        }
        3 => {
            let mut g = Grant::allow(
                strings(&rng.some(
                    &[
                        "ec2:StartInstances",
                        "ec2:StopInstances",
                        "ec2:RebootInstances",
                    ],
                    3,
                )),
                vec![format!("arn:aws:ec2:{region}:{account}:instance/*")],
            );
            g.condition = Some(json!({"StringEquals": {"aws:ResourceTag/Team": rng.pick(TEAMS)}}));
            g
        }
        4 => {
            if rng.chance(50) {
                Grant::allow(vec!["ecr:GetAuthorizationToken".into()], strings(&["*"]))
            } else {
                Grant::allow(
                    strings(&rng.some(
                        &[
                            "ecr:BatchGetImage",
                            "ecr:GetDownloadUrlForLayer",
                            "ecr:BatchCheckLayerAvailability",
                        ],
                        3,
                    )),
                    vec![format!("arn:aws:ecr:{region}:{account}:repository/{app}")],
                )
            }
        }
        _ => {
            let mut g = Grant::allow(
                strings(&rng.some(
                    &[
                        "xray:PutTraceSegments",
                        "xray:PutTelemetryRecords",
                        "cloudwatch:PutMetricData",
                    ],
                    2,
                )),
                strings(&["*"]),
            );
            if g.actions.iter().all(|a| a == "cloudwatch:PutMetricData") && rng.chance(50) {
                g.condition =
                    Some(json!({"StringEquals": {"cloudwatch:namespace": format!("{app}/{env}")}}));
            }
            g
        }
    }
}

fn secret_grant(rng: &mut Rng, region: &str, account: &str, app: &str, env: &str) -> Grant {
    match rng.below(4) {
        0 => {
            let mut g = Grant::allow(
                strings(&rng.some(
                    &[
                        "kms:Decrypt",
                        "kms:Encrypt",
                        "kms:GenerateDataKey",
                        "kms:DescribeKey",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                    ],
                    3,
                )),
                vec![format!(
                    "arn:aws:kms:{region}:{account}:key/{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                    rng.next_u64() as u32,
                    rng.below(0xffff),
                    rng.below(0xfff),
                    rng.below(0xfff),
                    rng.next_u64() & 0xffff_ffff_ffff
                )],
            );
            if rng.chance(50) {
                g.condition = Some(
                    json!({"StringEquals": {"kms:ViaService": format!("{}.{region}.amazonaws.com", rng.pick(&["s3", "secretsmanager", "dynamodb", "sqs"]))}}),
                );
            }
            g
        }
        1 => Grant::allow(
            strings(&rng.some(
                &[
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                ],
                2,
            )),
            vec![format!(
                "arn:aws:secretsmanager:{region}:{account}:secret:{app}/{env}/*"
            )],
        ),
        2 => Grant::allow(
            strings(&rng.some(
                &[
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:GetParametersByPath",
                ],
                3,
            )),
            vec![format!(
                "arn:aws:ssm:{region}:{account}:parameter/{app}/{env}/*"
            )],
        ),
        _ => {
            let mut g = Grant::allow(
                vec!["iam:PassRole".into()],
                vec![format!(
                    "arn:aws:iam::{account}:role/{app}-{env}-{}",
                    rng.pick(&["task", "lambda", "batch"])
                )],
            );
            g.condition = Some(
                json!({"StringEquals": {"iam:PassedToService": rng.pick(&["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "batch.amazonaws.com"])}}),
            );
            if rng.chance(40) {
                g.actions.push("iam:GetRole".into());
                g.condition = Some(
                    json!({"StringEqualsIfExists": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}),
                );
            }
            g
        }
    }
}

fn guard_rail(rng: &mut Rng, app: &str, env: &str) -> Grant {
    match rng.below(4) {
        0 => Grant {
            actions: strings(&["iam:*", "sts:*", "organizations:*", "support:*"]),
            resources: strings(&["*"]),
            condition: Some(
                json!({"StringNotEquals": {"aws:RequestedRegion": rng.some(REGIONS, 2)}}),
            ),
            effect: "Deny",
            not_action: true,
        },
        1 => Grant {
            actions: strings(&["s3:*"]),
            resources: vec![
                format!("arn:aws:s3:::{app}-{env}-data"),
                format!("arn:aws:s3:::{app}-{env}-data/*"),
            ],
            condition: Some(json!({"Bool": {"aws:SecureTransport": "false"}})),
            effect: "Deny",
            not_action: false,
        },
        2 => Grant {
            actions: strings(&["sts:AssumeRole"]),
            resources: vec![format!(
                "arn:aws:iam::{}:role/{}-readonly",
                rng.pick(ACCOUNTS),
                rng.pick(TEAMS)
            )],
            condition: Some(json!({"StringEquals": {"aws:PrincipalTag/team": rng.pick(TEAMS)}})),
            effect: "Allow",
            not_action: false,
        },
        _ => Grant {
            actions: strings(&["*"]),
            resources: strings(&["*"]),
            condition: Some(json!({
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}
            })),
            effect: "Deny",
            not_action: false,
        },
    }
}

/// A misspelling of one action, as people make them (a transposition or a dropped letter).
fn misspell(action: &str, rng: &mut Rng) -> String {
    let Some((prefix, name)) = action.split_once(':') else {
        return action.to_owned();
    };
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 4 {
        let i = 1 + rng.below(chars.len() - 2);
        if rng.chance(50) {
            chars.swap(i, i + 1);
        } else {
            chars.remove(i);
        }
    }
    format!("{prefix}:{}", chars.into_iter().collect::<String>())
}

/// Policy number `index` of the corpus for `seed`.
pub fn policy(seed: u64, index: usize) -> String {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let region = rng.pick(REGIONS);
    let account = rng.pick(ACCOUNTS);
    let app = rng.pick(APPS);
    let env = rng.pick(ENVS);
    let count = 1 + rng.below(6);
    let mut statements = Vec::new();
    for n in 0..count {
        let mut grant = match rng.below(10) {
            0..=2 => s3_grant(&mut rng, app, env),
            3 | 4 => data_grant(&mut rng, region, account, app, env),
            5 | 6 => compute_grant(&mut rng, region, account, app, env),
            7 | 8 => secret_grant(&mut rng, region, account, app, env),
            _ => guard_rail(&mut rng, app, env),
        };
        if index % 100 == 37 && n == 0 && grant.actions.iter().all(|a| !a.contains('*')) {
            if let Some(first) = grant.actions.first_mut() {
                *first = misspell(first, &mut rng);
            }
        }
        if grant.condition.is_none() && grant.effect == "Allow" && rng.chance(15) {
            grant.condition = Some(match rng.below(3) {
                0 => json!({"Bool": {"aws:SecureTransport": "true"}}),
                1 => json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}),
                _ => json!({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}),
            });
        }
        let mut st = Map::new();
        if rng.chance(60) {
            st.insert(
                "Sid".into(),
                json!(format!(
                    "{}{}{n}",
                    app.to_ascii_uppercase(),
                    rng.pick(&["Read", "Write", "Access", "Use", "Manage"])
                )),
            );
        }
        st.insert("Effect".into(), json!(grant.effect));
        let element = if grant.not_action {
            "NotAction"
        } else {
            "Action"
        };
        st.insert(element.into(), one_or_many(&grant.actions, &mut rng));
        st.insert("Resource".into(), one_or_many(&grant.resources, &mut rng));
        if let Some(c) = grant.condition {
            st.insert("Condition".into(), c);
        }
        statements.push(Value::Object(st));
    }
    let statement = match statements.as_slice() {
        [one] if rng.chance(20) => one.clone(),
        _ => Value::Array(statements),
    };
    let doc = json!({"Version": "2012-10-17", "Statement": statement});
    if rng.chance(50) {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    } else {
        doc.to_string()
    }
}

/// The first `n` policies of the corpus for `seed`.
pub fn policies(seed: u64, n: usize) -> Vec<String> {
    (0..n).map(|i| policy(seed, i)).collect()
}

/// The seed the benchmark and the Parliament comparison use.
pub const SEED: u64 = 0x726f_6c65_7772_6974; // "rolewrit"
