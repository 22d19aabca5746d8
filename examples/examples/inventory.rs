//! The DFDS inventory orchestrator built from Rust with the inputs of where the upstream went
//! after the seed (the runner uploads its reports to S3), then changed in code: the runner
//! also reads them, the member role also gets `SecurityAudit`, and the development stack's
//! roles carry `-Test` names. Validated, then
//! printed as the JSON IAM will hold.
//!
//! ```sh
//! cargo run -p examples --example inventory
//! ```

use std::process::ExitCode;

use blueprint_inventory::{build, InventoryInputs};
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

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // 1. Inputs: the three accounts, the cluster's issuer, and where upstream settled: the
    //    role path, the bucket the runner uploads its reports to (`UploadInventory`) and the
    //    Sid of the runner's assume statement.
    let mut inputs = InventoryInputs::new(
        "111111111111",
        "222222222222",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/5C5B3E64A6D0A6A8F8F6AD1BE3B3C0C4",
    );
    inputs.member_account_ids = vec!["333333333333".into()];
    inputs.inventory_role_path = "/managed/".into();
    inputs.inventory_bucket = Some("dfds-inventory-reports".into());
    inputs.runner_policy_sid = "AssumeRole".into();
    inputs.cluster_name = Some("hellman".into());
    let mut deployment = build(&inputs)?;

    // 2a. Add a statement: the runner may also read the reports it wrote.
    let runner = deployment
        .role_mut("runner")
        .ok_or("the runner role is missing")?;
    let policy = runner
        .inline_policies
        .values_mut()
        .next()
        .ok_or("the runner has no policy")?;
    policy.statements.push(
        Statement::allow()
            .sid("ReadInventory")
            .action("s3:GetObject")
            .resource("arn:aws:s3:::dfds-inventory-reports/*"),
    );

    // 2b. Attach a policy to the member role.
    deployment
        .role_mut("inventory-333333333333")
        .ok_or("the member role is missing")?
        .managed_policy_arns
        .push("arn:aws:iam::aws:policy/SecurityAudit".into());

    // 2c. Change names: the development stack. The member role trusts the runner by
    //     reference, so its trust follows the new name.
    for key in ["orchestrator", "runner"] {
        let role = deployment.role_mut(key).ok_or("a role is missing")?;
        role.name = format!("{}-Test", role.name);
    }

    // 3. Validate.
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

    // 4. Every object as IAM will hold it; the account ids come from the inputs.
    let resolution = Resolution {
        partition: Some("aws".into()),
        region: Some("eu-west-1".into()),
        ..Resolution::default()
    };
    println!("{}", render(&deployment, &resolution)?);
    Ok(ExitCode::SUCCESS)
}
