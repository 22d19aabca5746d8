//! Sym addons: extra managed policies that let the runtime use a service directly, without
//! assuming another role. Each was a separate Terraform module in the original
//! (`symopsio/{secretsmgr,kinesis-firehose,kinesis-data-stream}-addon/sym` v1.0.x); this module
//! reads and checks the `addons` and `addon_params` inputs and builds the addons' policies.

use std::collections::BTreeMap;

use blueprint_kit::config::{ConfigError, ConfigNode, ConfigValue, InputPath};
use blueprint_kit::inputs::Constraints;
use blueprint_kit::{BlueprintError, InputKey, InputValue};
use iam_model::arn::Arn;
use iam_model::deployment::{InputType, ManagedPolicy, OutputValue};
use iam_model::{Condition, PolicyDocument, Statement};

use crate::inputs::AddonParam;
use crate::{title, RuntimeConnectorInputs, SYM_PATH};

/// The tag the original addons match resources on by default.
pub const DEFAULT_TAG_NAME: &str = "SymEnv";

/// An addon the runtime connector can attach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Addon {
    /// `aws/secretsmgr`: read secrets tagged for this environment.
    SecretsManager,
    /// `aws/kinesis-firehose`: write to delivery streams tagged for this environment.
    KinesisFirehose,
    /// `aws/kinesis-data-stream`: write to the listed data streams.
    KinesisDataStream,
}

impl Addon {
    /// Every addon, in the order the original module declares them.
    pub const ALL: [Addon; 3] = [
        Addon::SecretsManager,
        Addon::KinesisFirehose,
        Addon::KinesisDataStream,
    ];

    /// The name users write in `addons` (`aws/secretsmgr`).
    pub fn name(self) -> &'static str {
        match self {
            Addon::SecretsManager => "aws/secretsmgr",
            Addon::KinesisFirehose => "aws/kinesis-firehose",
            Addon::KinesisDataStream => "aws/kinesis-data-stream",
        }
    }

    /// The addon called `name`, exactly as written (the original compares exactly).
    pub fn from_name(name: &str) -> Option<Addon> {
        Addon::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The key of the addon's policy in the deployment: the original's module name.
    pub fn policy_key(self) -> &'static str {
        match self {
            Addon::SecretsManager => "aws_secretsmgr",
            Addon::KinesisFirehose => "aws_kinesis_firehose",
            Addon::KinesisDataStream => "aws_kinesis_data_stream",
        }
    }

    /// The parameters the addon reads from `addon_params`.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Addon::SecretsManager => &["tag_name", "tag_value"],
            Addon::KinesisFirehose => &[],
            Addon::KinesisDataStream => &["stream_arns"],
        }
    }
}

/// An enabled addon with its parameters read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AddonConfig {
    SecretsManager { tag_name: String, tag_value: String },
    KinesisFirehose,
    KinesisDataStream { stream_arns: Vec<String> },
}

/// The help of an unsupported addon error: the nearest name, and the three there are.
pub(crate) fn supported_help(value: &str) -> String {
    let names: Vec<&str> = Addon::ALL.iter().map(|a| a.name()).collect();
    let nearest = iam_model::suggest::nearest(value, names.iter().copied(), 1);
    let mut help = format!(
        "the addons are `{}` (the original module rejects any other with \"Unsupported addon value.\")",
        names.join("`, `")
    );
    if let Some(n) = nearest.first() {
        help = format!("did you mean `{n}`? {help}");
    }
    help
}

/// Read from a config as the original's `addons` validation reads it: an exact addon name, or
/// the original's "Unsupported addon value." error, located.
impl InputValue for Addon {
    fn input_type() -> InputType {
        InputType::String
    }
    fn expected() -> String {
        "an addon name".into()
    }
    fn expected_plural() -> String {
        "addon names".into()
    }
    fn from_node(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
        _: &Constraints,
    ) -> Option<Self> {
        let ConfigValue::String(name) = &node.value else {
            errors.push(ConfigError::at(
                node,
                path,
                format!("expected an addon name, found {}", node.value.describe()),
            ));
            return None;
        };
        let addon = Addon::from_name(name);
        if addon.is_none() {
            errors.push(
                ConfigError::at(node, path, format!("unsupported addon value `{name}`"))
                    .with_help(supported_help(name)),
            );
        }
        addon
    }
    fn to_output(&self) -> OutputValue {
        self.name().into()
    }
    fn example_json(raw: &str) -> String {
        format!("\"{raw}\"")
    }
}

/// `addon_params` is keyed by addon name, checked like `addons`.
impl InputKey for Addon {
    fn from_key(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Self> {
        let name = node.value.scalar_text().unwrap_or_default();
        Addon::from_node(node, &path.key(name), errors, &Constraints::NONE)
    }
    fn key_name(&self) -> String {
        self.name().to_owned()
    }
}

/// Reads `addons` and `addon_params`: the enabled addons in the original's order, each once,
/// with their parameters checked.
pub(crate) fn resolve(inputs: &RuntimeConnectorInputs) -> Result<Vec<AddonConfig>, BlueprintError> {
    // Parameter names are checked first: the original ignores a misspelt parameter name
    // silently, which leaves the default in force.
    for (addon, values) in &inputs.addon_params {
        for key in values.keys() {
            if !addon.params().contains(&key.as_str()) {
                let help = if addon.params().is_empty() {
                    format!(
                        "`{}` takes no parameters; remove `{key}` (the original module ignored it)",
                        addon.name()
                    )
                } else {
                    format!("`{}` takes `{}`", addon.name(), addon.params().join("`, `"))
                };
                return Err(BlueprintError::input(
                    format!("addon_params.{}.{key}", addon.name()),
                    format!("unknown parameter `{key}` for addon `{}`", addon.name()),
                )
                .with_help(help));
            }
        }
    }
    // Parameters name an addon of `addons`: parameters of one that is not enabled would be
    // ignored, which hides a missing addon (or a misspelt one in `addons`).
    for addon in inputs.addon_params.keys() {
        if !inputs.addons.contains(addon) {
            return Err(BlueprintError::input(
                format!("addon_params.{}", addon.name()),
                format!("`{}` has parameters but is not in `addons`", addon.name()),
            )
            .with_help(format!(
                "add `{}` to `addons`, or remove its parameters",
                addon.name()
            )));
        }
    }
    let mut enabled = inputs.addons.clone();
    enabled.sort();
    enabled.dedup();
    let empty = BTreeMap::new();
    enabled
        .into_iter()
        .map(|addon| {
            let values = inputs.addon_params.get(&addon).unwrap_or(&empty);
            configure(addon, values, &inputs.environment)
        })
        .collect()
}

fn string_param(
    addon: Addon,
    values: &BTreeMap<String, AddonParam>,
    key: &str,
) -> Result<Option<String>, BlueprintError> {
    match values.get(key) {
        None => Ok(None),
        Some(AddonParam::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(BlueprintError::input(
            format!("addon_params.{}.{key}", addon.name()),
            format!("`{key}` is {}, not a string", other.type_name()),
        )
        .with_help(format!("write `{key}: \"...\"`"))),
    }
}

fn configure(
    addon: Addon,
    values: &BTreeMap<String, AddonParam>,
    environment: &str,
) -> Result<AddonConfig, BlueprintError> {
    let path = |key: &str| format!("addon_params.{}.{key}", addon.name());
    match addon {
        Addon::SecretsManager => {
            let tag_name = string_param(addon, values, "tag_name")?
                .unwrap_or_else(|| DEFAULT_TAG_NAME.to_owned());
            if !is_tag_key(&tag_name) {
                return Err(BlueprintError::input(
                    path("tag_name"),
                    format!("`{tag_name}` is not a tag key"),
                )
                .with_help("a tag key is 1 to 128 letters, digits, spaces and `_.:/=+-@`; it becomes the condition key `secretsmanager:ResourceTag/<tag_name>`"));
            }
            let tag_value =
                string_param(addon, values, "tag_value")?.unwrap_or_else(|| environment.to_owned());
            Ok(AddonConfig::SecretsManager {
                tag_name,
                tag_value,
            })
        }
        Addon::KinesisFirehose => Ok(AddonConfig::KinesisFirehose),
        Addon::KinesisDataStream => {
            let stream_arns = match values.get("stream_arns") {
                Some(AddonParam::List(items)) => items.clone(),
                Some(other) => {
                    return Err(BlueprintError::input(
                        path("stream_arns"),
                        format!("`stream_arns` is {}, not a list", other.type_name()),
                    )
                    .with_help("write `stream_arns: [\"arn:aws:kinesis:REGION:ACCOUNT:stream/NAME\"]`"))
                }
                None => {
                    return Err(BlueprintError::input(
                        path("stream_arns"),
                        "addon `aws/kinesis-data-stream` needs `stream_arns`",
                    )
                    .with_help("list the Kinesis data stream ARNs the runtime may write to under `addon_params.aws/kinesis-data-stream.stream_arns`"))
                }
            };
            if stream_arns.is_empty() {
                // The original splices the list into the policy text and produces
                // `"Resource": [ ]`, which IAM rejects at apply time.
                return Err(BlueprintError::input(
                    path("stream_arns"),
                    "`stream_arns` is empty",
                )
                .with_help("list at least one Kinesis data stream ARN, or remove `aws/kinesis-data-stream` from `addons`"));
            }
            for (i, arn) in stream_arns.iter().enumerate() {
                if !is_stream_arn(arn) {
                    return Err(BlueprintError::input(
                        format!("{}[{i}]", path("stream_arns")),
                        format!("`{arn}` is not a Kinesis data stream ARN"),
                    )
                    .with_help("a stream ARN reads `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`"));
                }
            }
            Ok(AddonConfig::KinesisDataStream { stream_arns })
        }
    }
}

fn is_tag_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 128
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
}

fn is_stream_arn(s: &str) -> bool {
    Arn::parse(s).is_ok_and(|a| {
        a.service() == "kinesis"
            && !a.region().is_empty()
            && !a.account().is_empty()
            && a.resource()
                .strip_prefix("stream/")
                .is_some_and(|n| !n.is_empty())
    })
}

impl AddonConfig {
    /// The addon this configures.
    pub(crate) fn addon(&self) -> Addon {
        match self {
            AddonConfig::SecretsManager { .. } => Addon::SecretsManager,
            AddonConfig::KinesisFirehose => Addon::KinesisFirehose,
            AddonConfig::KinesisDataStream { .. } => Addon::KinesisDataStream,
        }
    }

    /// The addon's managed policy, as the addon module creates it.
    pub(crate) fn policy(&self, environment: &str) -> ManagedPolicy {
        let addon = self.addon();
        let (name, description, document) = match self {
            // The original passes `tag_value` to the addon as its `environment`, so an
            // overridden tag value also renames the policy.
            AddonConfig::SecretsManager {
                tag_name,
                tag_value,
            } => (
                format!("SymSecretsManager{}", title(tag_value)),
                "Addon policy granting access to Secrets Manager secrets",
                PolicyDocument::new([Statement::allow()
                    .actions([
                        "secretsmanager:DescribeSecret",
                        "secretsmanager:GetSecretValue",
                    ])
                    .resource("*")
                    .condition(Condition::string_equals(
                        format!("secretsmanager:ResourceTag/{tag_name}"),
                        [tag_value.as_str()],
                    ))]),
            ),
            AddonConfig::KinesisFirehose => (
                format!("SymKinesisFirehose{}", title(environment)),
                "Addon policy granting access to Kinesis Firehose",
                PolicyDocument::new([
                    // The original conditions on `firehose:ResourceTag/SymEnv`, a key Firehose
                    // does not have: IAM never finds it in the request, so the statement never
                    // matched. `aws:ResourceTag/SymEnv` is the key Firehose sets.
                    Statement::allow()
                        .actions(["firehose:PutRecord", "firehose:PutRecordBatch"])
                        .resource("*")
                        .condition(Condition::string_equals(
                            format!("aws:ResourceTag/{DEFAULT_TAG_NAME}"),
                            [environment],
                        )),
                    Statement::allow()
                        .action("firehose:ListDeliveryStreams")
                        .resource("*"),
                ]),
            ),
            AddonConfig::KinesisDataStream { stream_arns } => (
                format!("SymKinesisDataStream{}", title(environment)),
                "Addon policy granting access to Kinesis Data Stream",
                PolicyDocument::new([
                    Statement::allow()
                        .actions(["kinesis:PutRecord", "kinesis:PutRecords"])
                        .resources(stream_arns.iter()),
                    Statement::allow()
                        .action("kinesis:ListStreams")
                        .resource("*"),
                ]),
            ),
        };
        ManagedPolicy::builder()
            .key(addon.policy_key())
            .name(name)
            .path(SYM_PATH)
            .description(description)
            .document(document)
            .build()
    }
}
