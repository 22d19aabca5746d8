//! The Sym runtime connector built from Rust: inputs in code, then customized (a statement
//! added, a policy attached, a name changed), validated, and printed as the canonical JSON IAM
//! will hold.
//!
//! ```sh
//! cargo run -p examples --example runtime_connector
//! ```

use std::process::ExitCode;

use blueprint_runtime_connector::{
    build, Addon, RuntimeConnectorInputs, BASE_POLICY_KEY, ROLE_KEY, SYM_PATH,
};
use iam_model::deployment::{DeploymentOptions, ManagedPolicy};
use iam_model::render::iam::{render, Resolution};
use iam_model::{ArnTemplate, PolicyDocument, Severity, Statement};

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
    // 1. Inputs, as a config file would give them (every input not set keeps the module's
    //    default: Sym's production account is trusted, nothing is safelisted).
    let mut inputs = RuntimeConnectorInputs::new("prod-eu");
    inputs.account_id_safelist = vec!["222222222222".into()];
    inputs.addons = vec![Addon::SecretsManager];
    inputs.tags = [("Owner".to_owned(), "platform-team".to_owned())].into();
    let mut deployment = build(&inputs)?;

    // 2a. Add a statement: the Secrets Manager addon may also list secrets (ListSecrets takes
    //     no resource but `*`, so it cannot sit in the tag-conditioned statement).
    let secrets = deployment
        .policies
        .iter_mut()
        .find(|p| p.key == Addon::SecretsManager.policy_key())
        .ok_or("the secretsmgr addon policy is missing")?;
    secrets.document = secrets.document.clone().statement(
        Statement::allow()
            .sid("ListSecrets")
            .action("secretsmanager:ListSecrets")
            .resource("*"),
    );

    // 2b. Attach a policy of our own: the runtime writes its audit log to CloudWatch Logs
    //     groups under /sym/ in this account and region.
    let audit = ManagedPolicy::builder()
        .key("audit_logs")
        .name("SymRuntimeAuditLogsProd-Eu")
        .path(SYM_PATH)
        .description("Lets the Sym runtime write its audit log")
        .document(PolicyDocument::new([Statement::allow()
            .sid("WriteSymLogs")
            .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
            .resource(ArnTemplate::regional(
                "logs",
                "log-group:/sym/*:log-stream:*",
            ))]))
        .build();
    let audit_arn = audit.arn();
    deployment.policies.push(audit);

    // 2c. Change a name: a blue/green pair of runtimes needs distinct role names. The base
    //     policy keeps its name; references to the role follow its key, not its name.
    let role = deployment
        .role_mut(ROLE_KEY)
        .ok_or("the runtime role is missing")?;
    role.name = format!("{}-Blue", role.name);
    role.managed_policy_arns.push(audit_arn);

    // 3. Validate the whole deployment: errors stop here, intended security findings would
    //    have to be acknowledged in code.
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
    println!("validated: {} finding(s), none blocking\n", findings.len());

    // 4. The canonical JSON. The base policy with its late-bound values shown as placeholders
    //    (`arn:aws:iam::000000000000:...` stands for this account) ...
    let base = deployment
        .policy(BASE_POLICY_KEY)
        .ok_or("the base policy is missing")?;
    println!(
        "{} ({}):\n{}\n",
        base.name,
        base.description,
        base.document.render(
            &iam_model::text::PlaceholderResolver,
            iam_model::JsonStyle::Pretty
        )?
    );

    // ... and every object as IAM will hold it in account 111111111111, with the external id
    // the first apply generated.
    let resolution = Resolution {
        default_account_id: Some("111111111111".into()),
        region: Some("eu-west-1".into()),
        partition: Some("aws".into()),
        generated: [(
            blueprint_runtime_connector::EXTERNAL_ID.to_owned(),
            "5d7c0f0e-3b1a-4c1e-9d4e-2a6f8b9c0d1e".to_owned(),
        )]
        .into(),
        ..Resolution::default()
    };
    println!("{}", render(&deployment, &resolution)?);
    Ok(ExitCode::SUCCESS)
}
