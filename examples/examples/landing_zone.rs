//! The landing zone built from Rust: inputs in code (GitHub and a production environment),
//! customized (the Org project's account creation added, a policy attached, the OIDC role
//! renamed to the bootstrap's name), validated, and rendered as Terraform JSON.
//!
//! ```sh
//! cargo run -p examples --example landing_zone
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use blueprint_landing_zone::{build, EnvironmentRole, GithubTrust, LandingZoneInputs};
use iam_model::deployment::DeploymentOptions;
use iam_model::render::terraform::{render, TerraformOptions};
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

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // 1. Inputs: GitHub Actions on `main` of one repository, and a production Terraform role
    //    that needs an external id and reaches one account.
    let mut inputs = LandingZoneInputs::new("123456789012", "acme");
    inputs.member_account_ids = vec!["210987654321".into()];
    inputs.github = Some(GithubTrust {
        repositories: vec!["acme/landing-zone".into()],
        branches: vec!["main".into()],
        ..GithubTrust::default()
    });
    inputs.environments = BTreeMap::from([(
        "prd".to_owned(),
        EnvironmentRole {
            external_id: Some("123Prod456".into()),
            account_ids: vec!["210987654321".into()],
            state_prefixes: vec!["production".into()],
            // The seed's example Sid for the production role's trust.
            trust_sid: Some("ProdAccess".into()),
            ..EnvironmentRole::default()
        },
    )]);
    let mut deployment = build(&inputs)?;

    // 2a. Add statements: the seed's Org permissions cannot create accounts or OUs, which the
    //     Org project of a new organization does.
    let state = deployment
        .role_mut("state")
        .ok_or("the state role is missing")?;
    let org = state
        .inline_policies
        .get_mut("TerraformStateOrg")
        .ok_or("the Org document is missing")?;
    org.statements.push(
        Statement::allow()
            .sid("CreateAccounts")
            .actions([
                "organizations:CreateAccount",
                "organizations:CreateOrganizationalUnit",
                "organizations:MoveAccount",
                "organizations:AttachPolicy",
            ])
            .resource("*"),
    );

    // 2b. Attach a policy: the production role may read CloudWatch while it deploys.
    deployment
        .role_mut("env-prd")
        .ok_or("the production role is missing")?
        .managed_policy_arns
        .push("arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess".into());

    // 2c. Change a name: the bootstrap called the OIDC role `foundation-terraform-oidc`. The
    //     roles that trust it refer to it by key, so their trusts follow.
    deployment
        .role_mut("oidc")
        .ok_or("the OIDC role is missing")?
        .name = "foundation-terraform-oidc".into();

    // 3. Validate: no error, and no security finding that is not acknowledged in code (the
    //    state role's elevated `sso:*`/`iam:*` grant is, with its reason).
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

    // 4. Terraform JSON, one file per concern (what `cargo xtask render` writes to `out/`).
    for file in render(
        &deployment,
        &TerraformOptions::with_region("ap-southeast-2"),
    )? {
        println!("== {} ==\n{}", file.name, file.contents);
    }
    Ok(ExitCode::SUCCESS)
}
