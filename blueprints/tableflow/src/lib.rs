//! Confluent TableFlow: the IAM role Confluent Cloud assumes to write a topic's Iceberg tables
//! to S3 and register them in the AWS Glue Data Catalog, as the
//! `confluent-provisioning` Terraform (`resources_confluent_tableflow_iam.tf`) creates it.
//!
//! One role, `{env}-confluent-role`, with two managed policies: S3 access to the
//! `{env}-confluent-topics-backup` bucket (bucket-level actions on the bucket, object-level
//! actions on its objects) and Glue catalog access. Its trust has two phases, because
//! Confluent hands out the role ARN and external id it will use only after the integration
//! that needs this role's ARN exists:
//!
//! 1. **Waiting for Confluent** — the inputs carry no Confluent values; the trust denies
//!    everyone. Create the Confluent provider integration with the `role_arn` output.
//! 2. **Trusting Confluent** — the inputs carry the integration's IAM role ARN and external id
//!    (`confluent_iam_role_arn`, `confluent_external_id`); the trust allows that role
//!    `sts:AssumeRole` with the external id, and `sts:TagSession`.
//!
//! Each phase is a complete, stable deployment: applying phase 2 once converges, and the next
//! plan is clean. See the crate's `README.md`.
//!
//! ```
//! use blueprint_tableflow::{build, TableflowInputs, TrustPhase};
//! let mut inputs = TableflowInputs::new("dev");
//! assert_eq!(inputs.phase().unwrap(), TrustPhase::WaitingForConfluent);
//! inputs.confluent_iam_role_arn = Some("arn:aws:iam::123456789012:role/confluent-tableflow".into());
//! inputs.confluent_external_id = Some("e7c5a1d2-0000-4f1e-9b1a-3c5d7e9f0a1b".into());
//! assert_eq!(inputs.phase().unwrap(), TrustPhase::TrustingConfluent);
//! let deployment = build(&inputs).unwrap();
//! assert_eq!(deployment.roles[0].name, "dev-confluent-role");
//! ```

mod inputs;

use std::collections::BTreeMap;

use blueprint_kit::{BlueprintError, TypedBlueprint};
use iam_model::deployment::{Deployment, ExternalValue, ManagedPolicy, Output, OutputValue, Role};
use iam_model::{
    ArnTemplate, Code, Condition, LateBound, PolicyDocument, Principal, Statement, Text,
};

pub use inputs::{TableflowInputs, TrustPhase, CONFLUENT_EXTERNAL_ID, CONFLUENT_IAM_ROLE_ARN};

/// The blueprint's name.
pub const NAME: &str = "tableflow";
/// One line about what it creates.
pub const DESCRIPTION: &str =
    "The IAM role Confluent TableFlow assumes to write Iceberg tables to S3 and the Glue Data Catalog, with its two-phase trust";

/// The key of the role (the original's `aws_iam_role.confluent_mock_role`).
pub const ROLE_KEY: &str = "confluent_mock_role";
/// The key of the S3 policy (the original's `aws_iam_policy.tableflow_s3_permission`).
pub const S3_POLICY_KEY: &str = "tableflow_s3_permission";
/// The key of the Glue policy (the original's `aws_iam_policy.tableflow-connection`).
pub const GLUE_POLICY_KEY: &str = "tableflow_connection";

/// The bucket-level S3 actions, granted on the bucket ARN.
pub const S3_BUCKET_ACTIONS: [&str; 3] = [
    "s3:GetBucketLocation",
    "s3:ListBucketMultipartUploads",
    "s3:ListBucket",
];
/// The object-level S3 actions, granted on `bucket/*`.
pub const S3_OBJECT_ACTIONS: [&str; 6] = [
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];
/// The Glue Data Catalog actions.
pub const GLUE_ACTIONS: [&str; 8] = [
    "glue:GetTable",
    "glue:GetDatabase",
    "glue:DeleteTable",
    "glue:DeleteDatabase",
    "glue:CreateTable",
    "glue:CreateDatabase",
    "glue:UpdateTable",
    "glue:UpdateDatabase",
];

/// The Confluent TableFlow blueprint.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tableflow;

impl TypedBlueprint for Tableflow {
    type Inputs = TableflowInputs;
    const NAME: &'static str = NAME;
    const DESCRIPTION: &'static str = DESCRIPTION;
    fn deployment(inputs: &TableflowInputs) -> Result<Deployment, BlueprintError> {
        build(inputs)
    }
}

/// The names the original derives from `env` (its `constants.tf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// `{env}-confluent-role`.
    pub role: String,
    /// `{env}-confluent-tableflow-s3-permission`.
    pub s3_policy: String,
    /// `{env}-confluent-tableflow-connection`.
    pub glue_policy: String,
    /// `{env}-confluent-topics-backup`: the bucket TableFlow writes to (referenced, not
    /// created).
    pub bucket: String,
}

impl Names {
    /// The names for environment `env`.
    pub fn new(env: &str) -> Self {
        Names {
            role: format!("{env}-confluent-role"),
            s3_policy: format!("{env}-confluent-tableflow-s3-permission"),
            glue_policy: format!("{env}-confluent-tableflow-connection"),
            bucket: format!("{env}-confluent-topics-backup"),
        }
    }
}

/// The trust policy of a phase. Phase 1 denies everyone; phase 2 trusts Confluent's role
/// with the external id, and lets it tag sessions.
pub fn trust_policy(phase: TrustPhase) -> PolicyDocument {
    match phase {
        TrustPhase::WaitingForConfluent => PolicyDocument::new([Statement::deny()
            .principal(Principal::aws(["*"]))
            .action("sts:AssumeRole")]),
        TrustPhase::TrustingConfluent => {
            let confluent = || Principal::aws([LateBound::External(CONFLUENT_IAM_ROLE_ARN.into())]);
            PolicyDocument::new([
                Statement::allow()
                    .principal(confluent())
                    .action("sts:AssumeRole")
                    .condition(Condition::string_equals(
                        "sts:ExternalId",
                        [LateBound::External(CONFLUENT_EXTERNAL_ID.into())],
                    )),
                Statement::allow()
                    .principal(confluent())
                    .action("sts:TagSession"),
            ])
        }
    }
}

/// Builds the TableFlow deployment from its inputs.
///
/// Fails, naming the input, when `env` cannot be part of an S3 bucket name, `region` is not a
/// region name, only one of the two Confluent values is given, or one of them is malformed.
pub fn build(inputs: &TableflowInputs) -> Result<Deployment, BlueprintError> {
    inputs.check()?;
    let phase = inputs.phase()?;
    let names = Names::new(&inputs.env);

    let bucket = ArnTemplate::s3(names.bucket.as_str());
    let objects = ArnTemplate::s3(format!("{}/*", names.bucket));
    let s3 = PolicyDocument::new([
        Statement::allow()
            .actions(S3_BUCKET_ACTIONS)
            .resource(bucket),
        Statement::allow()
            .actions(S3_OBJECT_ACTIONS)
            .resource(objects),
    ]);
    let mut catalog = ArnTemplate::regional("glue", "*");
    if let Some(region) = &inputs.region {
        catalog = catalog.in_region(region.as_str());
    }
    let glue = PolicyDocument::new([Statement::allow().actions(GLUE_ACTIONS).resource(catalog)]);

    let tagged = |name: &str| {
        let mut tags = inputs.common_tags();
        tags.insert("Name".to_owned(), name.to_owned());
        tags
    };
    let s3_policy = ManagedPolicy::builder()
        .key(S3_POLICY_KEY)
        .name(names.s3_policy.as_str())
        // The original tags the S3 policy with the role's name; kept so that an imported
        // policy shows no tag change.
        .tags(tagged(&names.role))
        .document(s3)
        .build();
    let glue_policy = ManagedPolicy::builder()
        .key(GLUE_POLICY_KEY)
        .name(names.glue_policy.as_str())
        .tags(tagged(&names.glue_policy))
        .document(glue)
        .build();
    let mut role = Role::builder()
        .key(ROLE_KEY)
        .name(names.role.as_str())
        // The original's resource is `confluent_mock_role` and its Name tag says so.
        .tags(tagged(&format!("{}-confluent-mock-role", inputs.env)))
        .trust(trust_policy(phase))
        .build()
        .attach(s3_policy.arn())
        .attach(glue_policy.arn());
    if phase == TrustPhase::TrustingConfluent {
        role = role.acknowledge(
            Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID,
            "Confluent's trust grants `sts:TagSession` without the external id, as Confluent documents it; \
             tagging a session only happens while assuming the role, and `sts:AssumeRole` requires the external id",
        );
    }
    let role_arn: Text = role.arn();

    // Phase 1 refers to neither value, so it declares neither: a Terraform variable nobody can
    // fill yet would only block the first apply.
    let externals = match phase {
        TrustPhase::WaitingForConfluent => Vec::new(),
        TrustPhase::TrustingConfluent => vec![
        ExternalValue {
            name: CONFLUENT_IAM_ROLE_ARN.to_owned(),
            description: "The IAM role ARN of the Confluent provider integration (`confluent_provider_integration.aws[0].iam_role_arn`)".to_owned(),
            value: inputs.confluent_iam_role_arn.clone(),
        },
        ExternalValue {
            name: CONFLUENT_EXTERNAL_ID.to_owned(),
            description: "The external id of the Confluent provider integration (`confluent_provider_integration.aws[0].external_id`)".to_owned(),
            value: inputs.confluent_external_id.clone(),
        },
        ],
    };

    Ok(Deployment::builder()
        .blueprint(NAME)
        .instance(names.role.as_str())
        .roles(vec![role])
        .policies(vec![s3_policy, glue_policy])
        .externals(externals)
        .variables(inputs.variables())
        .outputs(vec![
            Output::builder()
                .name("role_arn")
                .description("The ARN of the TableFlow role: the `customer_role_arn` of the Confluent provider integration")
                .value(role_arn)
                .build(),
            Output::builder()
                .name("trust_phase")
                .description("1 while the trust denies everyone (waiting for Confluent's role ARN and external id), 2 once it trusts Confluent")
                .value(OutputValue::Number(phase.number().to_string()))
                .build(),
        ])
        .build())
}

impl TableflowInputs {
    /// The tags every object carries: `Project` (when given) and `Environment`, then the
    /// `tags` input.
    pub fn common_tags(&self) -> BTreeMap<String, String> {
        let mut tags = BTreeMap::new();
        if let Some(p) = &self.project {
            tags.insert("Project".to_owned(), p.clone());
        }
        tags.insert("Environment".to_owned(), self.env.clone());
        tags.extend(self.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags
    }
}
