//! Cloud Posse's aws-teams built from Rust: the seed's teams as inputs in code, customized (a
//! statement added, a policy attached, a name changed), validated against the trust policy
//! quota, and printed as the JSON IAM will hold.
//!
//! ```sh
//! cargo run -p examples --example aws_teams
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use blueprint_aws_teams::{build, AwsTeamsInputs, LabelName, TeamConfig, TEAM_ROLE_ACCESS};
use iam_model::deployment::DeploymentOptions;
use iam_model::render::iam::{render, Resolution};
use iam_model::{Severity, Statement};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // 1. Inputs, as the seed's stack gives them: a viewer that nobody may assume, and an admin
    //    team reached through SAML, its SSO permission set and itself.
    let mut viewer =
        TeamConfig::new("Team restricted to viewing resources in the identity account");
    viewer.max_session_duration = 43200;
    viewer.role_policy_arns = strings(&["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]);
    viewer.denied_teams = strings(&["viewer"]);
    let mut admin = TeamConfig::new("Team with PowerUserAccess permissions in `identity`");
    admin.max_session_duration = 43200;
    admin.role_policy_arns = strings(&[
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "team_role_access",
    ]);
    admin.aws_saml_login_enabled = true;
    admin.trusted_teams = strings(&["admin"]);
    admin.trusted_permission_sets = strings(&["IdentityAdminTeamAccess"]);
    admin.denied_teams = strings(&["viewer"]);

    let accounts = BTreeMap::from([
        ("core-identity".to_owned(), "111111111111".to_owned()),
        ("core-auto".to_owned(), "123456789012".to_owned()),
    ]);
    let teams = BTreeMap::from([("viewer".to_owned(), viewer), ("admin".to_owned(), admin)]);
    let mut inputs = AwsTeamsInputs::new("us-east-1", accounts, teams);
    inputs.identity_account_account_name = "core-identity".into();
    inputs.label.namespace = Some("eg".into());
    inputs.label.tenant = Some("core".into());
    inputs.label.environment = Some("gbl".into());
    inputs.label.stage = Some("identity".into());
    inputs.label.label_order = Some(vec![
        LabelName::Namespace,
        LabelName::Tenant,
        LabelName::Environment,
        LabelName::Stage,
        LabelName::Name,
        LabelName::Attributes,
    ]);
    inputs.saml_provider_arns =
        strings(&["arn:aws:iam::111111111111:saml-provider/eg-core-gbl-identity-okta"]);
    let mut deployment = build(&inputs)?;

    // 2a. Add a statement: teams may not use TeamRoleAccess to hop between the identity
    //     account's own roles (the statement the original had before its PR #761).
    let access = deployment
        .policies
        .iter_mut()
        .find(|p| p.key == TEAM_ROLE_ACCESS)
        .ok_or("the TeamRoleAccess policy is missing")?;
    access.document = access.document.clone().statement(
        Statement::deny()
            .sid("DenyIdentityAssumeRole")
            .action("sts:AssumeRole")
            .resource("arn:aws:iam::111111111111:role/*"),
    );
    // 2b. Change a name: the role attachments follow the policy's key, not its name.
    access.name = format!("{}-Assume", access.name);

    // 2c. Attach a policy of the account to the admin team.
    deployment
        .role_mut("admin")
        .ok_or("the admin role is missing")?
        .managed_policy_arns
        .push("arn:aws:iam::111111111111:policy/eg-core-gbl-identity-billing-read".into());

    // 3. Validate. Errors (an over-long trust policy, for one) stop here; intended security
    //    findings would have to be acknowledged in code.
    let findings = deployment.validate(&DeploymentOptions::default());
    for f in &findings {
        println!("{f}");
    }
    let blocking = findings.iter().any(|f| {
        f.is_error() || (f.finding.severity == Severity::Security && f.acknowledged.is_none())
    });
    if blocking {
        eprintln!("the deployment does not validate");
        return Ok(ExitCode::FAILURE);
    }
    for role in &deployment.roles {
        println!(
            "{}: trust policy of {} characters (quota 2,048)",
            role.name,
            role.trust.size()
        );
    }
    println!();

    // 4. Every object as IAM will hold it.
    let resolution = Resolution {
        partition: Some("aws".into()),
        region: Some("us-east-1".into()),
        ..Resolution::default()
    };
    println!("{}", render(&deployment, &resolution)?);
    Ok(ExitCode::SUCCESS)
}
