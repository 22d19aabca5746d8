//! The blueprint's inputs: every variable of the original component (seed `001`'s inputs
//! table, same names, types and defaults, so an existing stack file carries over), plus the
//! values the original reads from other components' remote state, which become inputs here.
//! The derives read them from YAML, JSON or an atmos stack with located errors, describe them
//! for the README and turn them into Terraform `variable` blocks.

use std::collections::BTreeMap;

use blueprint_kit::{InputEnum, Inputs};

/// The inputs of the `aws-teams` blueprint.
///
/// The first group is the original component's own variables, the null-label inputs among
/// them ([`NullLabelInputs`], flattened: they sit at the top level of a config). The second
/// group replaces the original's plan-time lookups: `account_map` (account-map's
/// `full_account_map`), `identity_account_account_name`, `aws_partition` and
/// `identity_role_arn_template` (account-map), `saml_provider_arns` (aws-saml) and
/// `github_oidc_provider_arn` (github-oidc-provider).
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct AwsTeamsInputs {
    /// A roles map to configure the accounts.
    pub teams_config: BTreeMap<String, TeamConfig>,
    /// Map where keys are role names (same keys as `teams_config`) and values are lists of
    /// GitHub repositories allowed to assume those roles. A repository without an organization
    /// is in `trusted_github_org`.
    #[input(default, example = r#"{"spacelift": ["acme/infrastructure"]}"#)]
    pub trusted_github_repos: BTreeMap<String, Vec<String>>,
    /// AWS Region
    #[input(example = "us-east-1")]
    pub region: String,
    /// IAM Role ARN to use when importing a resource
    #[input(
        pattern = r"arn:[a-z-]+:iam::[0-9]{12}:role/.+",
        example = "arn:aws:iam::111111111111:role/admin"
    )]
    pub import_role_arn: Option<String>,
    /// The name of the environment where `account_map` is provisioned
    #[input(default = "gbl".to_owned())]
    pub account_map_environment_name: String,
    /// The name of the stage where `account_map` is provisioned
    #[input(default = "root".to_owned())]
    pub account_map_stage_name: String,
    /// The name of the environment where SSO is provisioned
    #[input(default = "gbl".to_owned())]
    pub aws_saml_environment_name: String,
    /// The name of the stage where SSO is provisioned
    #[input(default = "identity".to_owned())]
    pub aws_saml_stage_name: String,

    /// The null-label inputs (`namespace`, `tenant`, `environment`, `stage`, `name`,
    /// `attributes`, `delimiter`, `label_order`, ..., `context`).
    #[input(flatten)]
    pub label: NullLabelInputs,

    /// Account names to 12-digit account ids (account-map's `full_account_map`, read from its
    /// remote state by the original). Must name the identity account.
    #[input(
        pattern = "[0-9]{12}",
        example = r#"{"core-identity": "111111111111"}"#
    )]
    pub account_map: BTreeMap<String, String>,
    /// The name of the identity account in `account_map` (account-map's
    /// `identity_account_account_name`); the team roles are created there.
    #[input(default = "identity".to_owned())]
    pub identity_account_account_name: String,
    /// The partition of the accounts (account-map's `aws_partition`).
    #[input(default = "aws".to_owned(), pattern = "aws(-[a-z]+)*")]
    pub aws_partition: String,
    /// The ARN of a team role with `%s` for the team name (account-map's
    /// `iam_role_arn_templates[identity]`). When null it is built from this component's own id,
    /// which is what account-map produces when aws-teams runs in account-map's environment.
    #[input(example = "arn:aws:iam::111111111111:role/eg-core-gbl-identity-%s")]
    pub identity_role_arn_template: Option<String>,
    /// The SAML provider ARNs that teams with `aws_saml_login_enabled` trust (the aws-saml
    /// component's providers, read from its remote state by the original).
    #[input(
        default,
        pattern = r"arn:[a-z-]+:iam::[0-9]{12}:saml-provider/.+",
        example = "arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta"
    )]
    pub saml_provider_arns: Vec<String>,
    /// The ARN of the GitHub Actions OIDC provider of the identity account (the
    /// github-oidc-provider component's `oidc_provider_arn`); needed when a team has
    /// `trusted_github_repos`.
    #[input(
        pattern = r"arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/.+",
        example = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    )]
    pub github_oidc_provider_arn: Option<String>,
    /// The GitHub organization of `trusted_github_repos` entries written without one (fixed
    /// to `cloudposse` in the original).
    #[input(default = "cloudposse".to_owned())]
    pub trusted_github_org: String,
    /// More keys `role_policy_arns` may use, mapped to policy ARNs (the original's
    /// `overridable_additional_custom_policy_map`).
    #[input(
        default,
        pattern = r"arn:[a-z-]+:iam::([0-9]{12}|aws):policy/.+",
        example = r#"{"billing": "arn:aws:iam::111111111111:policy/billing"}"#
    )]
    pub additional_custom_policy_map: BTreeMap<String, String>,
}

/// Cloud Posse's null-label 0.25.0 inputs (its `context.tf`), shared by every Cloud Posse
/// component; in atmos they usually come from the stack's global `vars`.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct NullLabelInputs {
    /// Additional key-value pairs to add to each map in `tags_as_list_of_maps`. Not added to
    /// `tags` or `id`. This is for some rare cases where resources want additional
    /// configuration of tags and therefore take a list of maps with tag key, value, and
    /// additional configuration.
    #[input(default)]
    pub additional_tag_map: BTreeMap<String, String>,
    /// ID element. Additional attributes (e.g. `workers` or `cluster`) to add to `id`, in the
    /// order they appear in the list. New attributes are appended to the end of the list. The
    /// elements of the list are joined by the `delimiter` and treated as a single ID element.
    #[input(default)]
    pub attributes: Vec<String>,
    /// Single object for setting entire context at once. See description of individual
    /// variables for details. Leave string and numeric variables as `null` to use default
    /// value. Individual variable settings (non-null) override settings in context object,
    /// except for attributes, tags, and additional_tag_map, which are merged.
    #[input(default)]
    pub context: LabelContext,
    /// Delimiter to be used between ID elements. Defaults to `-` (hyphen). Set to `""` to use
    /// no delimiter at all.
    pub delimiter: Option<String>,
    /// Describe additional descriptors to be output in the `descriptors` output map. Map of
    /// maps. Keys are names of descriptors. Values are maps of the form `{format = string,
    /// labels = list(string)}`. Default is `{}` (`descriptors` output will be empty).
    #[input(default)]
    pub descriptor_formats: BTreeMap<String, DescriptorFormat>,
    /// Set to false to prevent the module from creating any resources
    pub enabled: Option<bool>,
    /// ID element. Usually used for region e.g. 'uw2', 'us-west-2', OR role 'prod', 'staging',
    /// 'dev', 'UAT'
    pub environment: Option<String>,
    /// Limit `id` to this many characters (minimum 6). Set to `0` for unlimited length. Set to
    /// `null` for keep the existing setting, which defaults to `0`. Does not affect `id_full`.
    pub id_length_limit: Option<u32>,
    /// Controls the letter case of the `tags` keys (label names) for tags generated by this
    /// module. Does not affect keys of tags passed in via the `tags` input. Possible values:
    /// `lower`, `title`, `upper`. Default value: `title`.
    pub label_key_case: Option<LabelKeyCase>,
    /// The order in which the labels (ID elements) appear in the `id`. Defaults to
    /// ["namespace", "environment", "stage", "name", "attributes"]. You can omit any of the 6
    /// labels ("tenant" is the 6th), but at least one must be present.
    pub label_order: Option<Vec<LabelName>>,
    /// Controls the letter case of ID elements (labels) as included in `id`, set as tag
    /// values, and output by this module individually. Does not affect values of tags passed
    /// in via the `tags` input. Possible values: `lower`, `title`, `upper` and `none` (no
    /// transformation). Set this to `title` and set `delimiter` to `""` to yield Pascal Case
    /// IDs. Default value: `lower`.
    pub label_value_case: Option<LabelValueCase>,
    /// Set of labels (ID elements) to include as tags in the `tags` output. Default is to
    /// include all labels. Tags with empty values will not be included in the `tags` output.
    /// Set to `[]` to suppress all generated tags. The value of the `name` tag, if included,
    /// will be the `id`, not the `name`.
    #[input(default = vec!["default".to_owned()])]
    pub labels_as_tags: Vec<String>,
    /// ID element. Usually the component or solution name, e.g. 'app' or 'jenkins'. This is
    /// the only ID element not also included as a `tag`. The "name" tag is set to the full
    /// `id` string. There is no tag with the value of the `name` input.
    pub name: Option<String>,
    /// ID element. Usually an abbreviation of your organization name, e.g. 'eg' or 'cp', to
    /// help ensure generated IDs are globally unique
    pub namespace: Option<String>,
    /// Terraform regular expression (regex) string. Characters matching the regex will be
    /// removed from the ID elements. If not set, `"/[^a-zA-Z0-9-]/"` is used to remove all
    /// characters other than hyphens, letters and digits.
    pub regex_replace_chars: Option<String>,
    /// ID element. Usually used to indicate role, e.g. 'prod', 'staging', 'source', 'build',
    /// 'test', 'deploy', 'release'
    pub stage: Option<String>,
    /// Additional tags (e.g. `{'BusinessUnit': 'XYZ'}`). Neither the tag keys nor the tag
    /// values will be modified by this module.
    #[input(default)]
    pub tags: BTreeMap<String, String>,
    /// ID element _(Rarely used, not included by default)_. A customer identifier, indicating
    /// who this instance of a resource is for
    pub tenant: Option<String>,
}

/// One team: a role in the identity account and who may assume it. All ten keys are required,
/// as in the original; the seed fills them in from a YAML anchor with `<<` merge keys.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct TeamConfig {
    /// Teams (short role names of the identity account) denied to assume this role.
    pub denied_teams: Vec<String>,
    /// AWS SSO permission sets of the identity account denied to assume this role.
    pub denied_permission_sets: Vec<String>,
    /// Role ARNs denied to assume this role.
    #[input(pattern = r"arn:[a-z-]+:iam::[0-9]{12}:.+")]
    pub denied_role_arns: Vec<String>,
    /// The maximum session duration (in seconds) of the role, from 3600 (1 hour) to 43200 (12
    /// hours).
    #[input(range = 3600..=43200)]
    pub max_session_duration: u32,
    /// The role's description.
    pub role_description: String,
    /// IAM policy ARNs to attach to the role, or keys of the custom policy map
    /// (`team_role_access`, and the keys of `additional_custom_policy_map`).
    pub role_policy_arns: Vec<String>,
    /// Whether the role is available via SAML logins (otherwise only via assume role).
    pub aws_saml_login_enabled: bool,
    /// Teams (short role names of the identity account) allowed to assume this role.
    pub trusted_teams: Vec<String>,
    /// AWS SSO permission sets of the identity account allowed to assume this role.
    pub trusted_permission_sets: Vec<String>,
    /// Role ARNs in any account allowed to assume this role. Nothing limits them to roles
    /// within your organization.
    #[input(pattern = r"arn:[a-z-]+:iam::[0-9]{12}:.+")]
    pub trusted_role_arns: Vec<String>,
}

/// null-label's `context` object: the label inputs set all at once. Individual inputs
/// override it, except `attributes`, `tags` and `additional_tag_map`, which are merged.
#[derive(Debug, Clone, PartialEq, Inputs)]
pub struct LabelContext {
    /// Additional tag map, merged under the `additional_tag_map` input.
    #[input(default)]
    pub additional_tag_map: BTreeMap<String, String>,
    /// Attributes, placed before the `attributes` input's.
    #[input(default)]
    pub attributes: Vec<String>,
    /// Delimiter between ID elements.
    pub delimiter: Option<String>,
    /// Descriptor formats, merged under the `descriptor_formats` input.
    #[input(default)]
    pub descriptor_formats: BTreeMap<String, DescriptorFormat>,
    /// Whether resources are created.
    #[input(default = true)]
    pub enabled: bool,
    /// The environment label.
    pub environment: Option<String>,
    /// The id length limit.
    pub id_length_limit: Option<u32>,
    /// Letter case of generated tag keys.
    pub label_key_case: Option<LabelKeyCase>,
    /// Label order (empty: the default order).
    #[input(default)]
    pub label_order: Vec<LabelName>,
    /// Letter case of label values.
    pub label_value_case: Option<LabelValueCase>,
    /// Labels to include as tags; `["unset"]` means the `labels_as_tags` input decides.
    #[input(default = vec!["unset".to_owned()])]
    pub labels_as_tags: Vec<String>,
    /// The name label.
    pub name: Option<String>,
    /// The namespace label.
    pub namespace: Option<String>,
    /// Regex of characters removed from labels.
    pub regex_replace_chars: Option<String>,
    /// The stage label.
    pub stage: Option<String>,
    /// Tags, merged under the `tags` input.
    #[input(default)]
    pub tags: BTreeMap<String, String>,
    /// The tenant label.
    pub tenant: Option<String>,
}

impl Default for LabelContext {
    /// The seed's default `context` object.
    fn default() -> Self {
        LabelContext {
            additional_tag_map: BTreeMap::new(),
            attributes: Vec::new(),
            delimiter: None,
            descriptor_formats: BTreeMap::new(),
            enabled: true,
            environment: None,
            id_length_limit: None,
            label_key_case: None,
            label_order: Vec::new(),
            label_value_case: None,
            labels_as_tags: vec!["unset".to_owned()],
            name: None,
            namespace: None,
            regex_replace_chars: None,
            stage: None,
            tags: BTreeMap::new(),
            tenant: None,
        }
    }
}

/// One entry of `descriptor_formats`: a `format()` string and the labels passed to it.
#[derive(Debug, Clone, PartialEq, Eq, Inputs)]
pub struct DescriptorFormat {
    /// A Terraform format string.
    pub format: String,
    /// The labels, in order, passed to `format()`.
    pub labels: Vec<String>,
}

/// The six labels of null-label (the values of `label_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, InputEnum)]
pub enum LabelName {
    /// `namespace`
    Namespace,
    /// `tenant`
    Tenant,
    /// `environment`
    Environment,
    /// `stage`
    Stage,
    /// `name`
    Name,
    /// `attributes`
    Attributes,
}

/// `label_key_case`: the letter case of generated tag keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, InputEnum)]
pub enum LabelKeyCase {
    /// `lower`
    Lower,
    /// `title` (the default)
    Title,
    /// `upper`
    Upper,
}

/// `label_value_case`: the letter case of label values in the id and tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, InputEnum)]
pub enum LabelValueCase {
    /// `lower` (the default)
    Lower,
    /// `title`: Terraform's `title(lower(x))`
    Title,
    /// `upper`
    Upper,
    /// `none`: as written
    #[input(rename = "none")]
    AsIs,
}

impl Default for NullLabelInputs {
    /// null-label's defaults: everything unset, `labels_as_tags` `["default"]`.
    fn default() -> Self {
        NullLabelInputs {
            additional_tag_map: BTreeMap::new(),
            attributes: Vec::new(),
            context: LabelContext::default(),
            delimiter: None,
            descriptor_formats: BTreeMap::new(),
            enabled: None,
            environment: None,
            id_length_limit: None,
            label_key_case: None,
            label_order: None,
            label_value_case: None,
            labels_as_tags: vec!["default".to_owned()],
            name: None,
            namespace: None,
            regex_replace_chars: None,
            stage: None,
            tags: BTreeMap::new(),
            tenant: None,
        }
    }
}

impl AwsTeamsInputs {
    /// Inputs with every default of the original, for building a deployment in code: the
    /// inputs without a default are arguments.
    pub fn new(
        region: impl Into<String>,
        account_map: BTreeMap<String, String>,
        teams_config: BTreeMap<String, TeamConfig>,
    ) -> Self {
        AwsTeamsInputs {
            teams_config,
            trusted_github_repos: BTreeMap::new(),
            region: region.into(),
            import_role_arn: None,
            account_map_environment_name: "gbl".to_owned(),
            account_map_stage_name: "root".to_owned(),
            aws_saml_environment_name: "gbl".to_owned(),
            aws_saml_stage_name: "identity".to_owned(),
            label: NullLabelInputs::default(),
            account_map,
            identity_account_account_name: "identity".to_owned(),
            aws_partition: "aws".to_owned(),
            identity_role_arn_template: None,
            saml_provider_arns: Vec::new(),
            github_oidc_provider_arn: None,
            trusted_github_org: "cloudposse".to_owned(),
            additional_custom_policy_map: BTreeMap::new(),
        }
    }
}

impl TeamConfig {
    /// A team with a description and nothing else: no policies, no trust, no SAML, and IAM's
    /// default session duration of one hour. For building teams in code; config files give
    /// all ten keys, as the original requires.
    pub fn new(role_description: impl Into<String>) -> Self {
        TeamConfig {
            denied_teams: Vec::new(),
            denied_permission_sets: Vec::new(),
            denied_role_arns: Vec::new(),
            max_session_duration: 3600,
            role_description: role_description.into(),
            role_policy_arns: Vec::new(),
            aws_saml_login_enabled: false,
            trusted_teams: Vec::new(),
            trusted_permission_sets: Vec::new(),
            trusted_role_arns: Vec::new(),
        }
    }
}
