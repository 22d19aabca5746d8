//! Hand-built deployments that exercise every part of the renderers: several accounts, every
//! object kind, every kind of late-bound value, and the text Terraform would misread
//! (`${aws:username}`, literal `${`, `%{`, `$` right before an interpolation, backslashes).
//! The snapshot tests and the real-Terraform test render the same deployments.

use std::collections::BTreeMap;

use iam_model::deployment::{
    Account, Acknowledgement, Deployment, ExternalValue, GeneratedValue, InputType, ManagedPolicy,
    OidcProvider, Output, OutputValue, Role, Variable, DEFAULT_ACCOUNT,
};
use iam_model::render::Resolution;
use iam_model::{
    ArnTemplate, Code, Condition, LateBound, PolicyDocument, Principal, Statement, Text,
};

/// The id the snapshot resolution gives the `security` account.
pub const SECURITY_ACCOUNT_ID: &str = "111111111111";
/// The id the snapshot resolution gives every other account.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// Two accounts (the unaliased `default` and an aliased `security` reached through an assumed
/// role), three roles, two managed policies, a GitHub OIDC provider, a generated external id,
/// an external value, inputs and outputs.
pub fn multi_account() -> Deployment {
    let runtime = Role::builder()
        .key("runtime")
        .name("RolewrightRuntime")
        .path("/rolewright/")
        .description(
            "Runtime role. Literal ${not_a_reference} and %{ if } must reach IAM as written.",
        )
        .max_session_duration(7200)
        .permissions_boundary(LateBound::policy_arn("boundary"))
        .tags(BTreeMap::from([("team".to_owned(), "platform".to_owned())]))
        .trust(PolicyDocument::new([Statement::allow()
            .sid("SecurityAccount")
            .principal(Principal::aws([Text::from("arn:")
                .then(LateBound::Partition)
                .then(":iam::")
                .then(LateBound::account("security"))
                .then(":root")]))
            .action("sts:AssumeRole")
            .condition(Condition::string_equals(
                "sts:ExternalId",
                [LateBound::Generated("external_id".to_owned())],
            ))]))
        .build()
        .inline(
            "self-service",
            PolicyDocument::new([
                Statement::allow()
                    .sid("ListOwnPrefix")
                    .action("s3:ListBucket")
                    .resource(ArnTemplate::s3("reports"))
                    .condition(Condition::string_like(
                        "s3:prefix",
                        ["home/${aws:username}/*"],
                    )),
                Statement::allow()
                    .sid("ReadWriteOwnObjects")
                    .actions(["s3:GetObject", "s3:PutObject"])
                    .resource(ArnTemplate::s3("reports/home/${aws:username}/*")),
            ]),
        )
        .inline(
            "pass-self",
            PolicyDocument::new([Statement::allow()
                .action("iam:PassRole")
                .resource(LateBound::role_arn("runtime"))
                .condition(Condition::string_equals(
                    "iam:PassedToService",
                    ["ecs-tasks.amazonaws.com"],
                ))]),
        )
        .attach(LateBound::policy_arn("read_reports"))
        .attach("arn:aws:iam::aws:policy/ReadOnlyAccess");

    let auditor = Role::builder()
        .key("auditor")
        .account("security")
        .name("RolewrightAuditor")
        .description("Reads IAM in the security account")
        .trust(PolicyDocument::new([Statement::allow()
            .principal(Principal::aws([LateBound::role_arn("runtime")]))
            .action("sts:AssumeRole")]))
        .build()
        .inline(
            "read-iam",
            PolicyDocument::new([Statement::allow()
                .actions(["iam:GetRole", "iam:ListRoles"])
                .resource(ArnTemplate::iam("role/*"))]),
        )
        .attach("arn:aws:iam::aws:policy/SecurityAudit")
        .acknowledge(
            Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID,
            "the runtime role is ours, in the same organization",
        );

    let deploy = Role::builder()
        .key("github_deploy")
        .name("RolewrightGitHubDeploy")
        .trust(PolicyDocument::new([Statement::allow()
            .principal(Principal::federated([LateBound::oidc_provider_arn(
                "github",
            )]))
            .action("sts:AssumeRoleWithWebIdentity")
            .condition(
                Condition::string_equals(
                    "token.actions.githubusercontent.com:aud",
                    ["sts.amazonaws.com"],
                )
                .merge(Condition::string_like(
                    "token.actions.githubusercontent.com:sub",
                    ["repo:example-org/infra:ref:refs/heads/main"],
                )),
            )]))
        .build()
        .inline(
            "logs",
            PolicyDocument::new([Statement::allow()
                .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resource(ArnTemplate::regional("logs", "log-group:/rolewright/*"))]),
        )
        .inline(
            "partner",
            PolicyDocument::new([Statement::allow()
                .action("sts:AssumeRole")
                .resource("arn:aws:iam::*:role/partner-*")
                .condition(Condition::string_equals(
                    "aws:ResourceTag/partner-id",
                    [LateBound::External("partner_id".to_owned())],
                ))]),
        );

    let read_reports = ManagedPolicy::builder()
        .key("read_reports")
        .name("RolewrightReadReports")
        .path("/rolewright/")
        .description("Read the reports bucket; costs 100% of nothing, $5 at most")
        .document(PolicyDocument::new([Statement::allow()
            .actions(["s3:GetObject"])
            .resource(ArnTemplate::s3("reports/*"))
            .condition(Condition::string_like(
                "s3:ExistingObjectTag/path",
                ["a\\b*"],
            ))]))
        .build();

    let boundary = ManagedPolicy::builder()
        .key("boundary")
        .name("RolewrightBoundary")
        .document(PolicyDocument::new([
            Statement::allow()
                .actions(["s3:*", "logs:*", "iam:PassRole"])
                .resource("*"),
            Statement::deny()
                .action("iam:*")
                .resource(
                    Text::from("arn:aws:iam::")
                        .then(LateBound::current_account())
                        .then(":role/admin$"),
                )
                .resource(Text::from("arn:aws:iam::*:user/$").then(LateBound::current_account())),
        ]))
        .acknowledged(vec![Acknowledgement {
            code: Code::PASSROLE_WILDCARD_RESOURCE,
            reason: "the boundary only limits; it grants nothing".to_owned(),
        }])
        .build();

    let mut security = Account::builder()
        .key("security")
        .description("the audit account")
        .assume_role_arn("arn:aws:iam::111111111111:role/OrganizationAccountAccessRole")
        .build();
    security.id = iam_model::AccountId::parse(SECURITY_ACCOUNT_ID).ok();

    Deployment::builder()
        .blueprint("render-sample")
        .instance("test")
        .accounts(vec![
            Account::builder()
                .key(DEFAULT_ACCOUNT)
                .description("where Terraform runs")
                .build(),
            security,
        ])
        .roles(vec![runtime, auditor, deploy])
        .policies(vec![read_reports, boundary])
        .oidc_providers(vec![OidcProvider::builder()
            .key("github")
            .url("https://token.actions.githubusercontent.com")
            .client_ids(vec!["sts.amazonaws.com".to_owned()])
            .build()])
        .generated(vec![GeneratedValue::builder().name("external_id").build()])
        .externals(vec![ExternalValue::builder()
            .name("partner_id")
            .description("The id the partner gives us after the first apply")
            .value("partner-1234")
            .build()])
        .variables(vec![
            Variable::builder()
                .name("environment")
                .description("Environment name; a literal ${env} here is not a template")
                .input_type(InputType::String)
                .value(OutputValue::from("prod ${literal}"))
                .build(),
            Variable::builder()
                .name("session_hours")
                .input_type(InputType::Number)
                .value(OutputValue::Number("2".to_owned()))
                .build(),
            Variable::builder()
                .name("team_ids")
                .input_type(InputType::List(Box::new(InputType::String)))
                .value(OutputValue::List(vec!["a".into(), "b".into()]))
                .build(),
        ])
        .outputs(vec![
            Output::builder()
                .name("runtime_role_arn")
                .description("The runtime role; ${literal} in a description")
                .value(LateBound::role_arn("runtime"))
                .build(),
            Output::builder()
                .name("auditor_role_arn")
                .value(LateBound::role_arn("auditor"))
                .build(),
            Output::builder()
                .name("external_id")
                .value(LateBound::Generated("external_id".to_owned()))
                .sensitive(true)
                .build(),
            Output::builder()
                .name("accounts")
                .value(OutputValue::Map(BTreeMap::from([
                    ("default".to_owned(), LateBound::current_account().into()),
                    ("security".to_owned(), LateBound::account("security").into()),
                    ("${literal}".to_owned(), OutputValue::Bool(true)),
                ])))
                .build(),
        ])
        .build()
}

/// The resolution the snapshot tests use: every account id, region, partition and generated
/// value given (externals come from the deployment when it knows them).
pub fn resolution_for(d: &Deployment) -> Resolution {
    let mut r = Resolution {
        default_account_id: Some(DEFAULT_ACCOUNT_ID.to_owned()),
        region: Some("eu-west-1".to_owned()),
        partition: Some("aws".to_owned()),
        ..Resolution::default()
    };
    for (i, g) in d.generated.iter().enumerate() {
        r.generated.insert(
            g.name.clone(),
            format!("00000000-0000-4000-8000-{:012}", i + 1),
        );
    }
    for e in &d.externals {
        if e.value.is_none() {
            r.externals
                .insert(e.name.clone(), format!("external-{}", e.name));
        }
    }
    r
}

pub use blueprints::example_config;

/// Every registered blueprint built from its example config, by name.
///
/// # Panics
///
/// When a blueprint has no example config, or rejects it: both are bugs the tests must report.
#[allow(clippy::panic)]
pub fn example_deployments() -> Vec<(&'static str, Deployment)> {
    blueprints::all()
        .into_iter()
        .map(|bp| {
            let name = bp.name();
            let path = example_config(name).unwrap_or_else(|| {
                panic!("blueprint `{name}` has no examples/{name}.yaml or .json")
            });
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = blueprint_kit::ConfigSource::new(format!("examples/{file}"), text);
            let d = bp
                .build(&source)
                .unwrap_or_else(|e| panic!("blueprint `{name}` rejects its example:\n{e}"));
            (name, d)
        })
        .collect()
}
