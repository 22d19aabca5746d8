//! The generated README sections, on a small two-account deployment.

use std::collections::BTreeMap;

use iam_model::deployment::{Account, Deployment, ManagedPolicy, OidcProvider, Output, Role};
use iam_model::{ArnTemplate, Condition, LateBound, PolicyDocument, Principal, Statement};

use super::{check_section, inputs_markdown, mermaid, outputs_markdown};
use crate::Inputs;

/// Inputs whose table is checked.
#[derive(Debug, Clone, PartialEq, crate::Inputs)]
pub struct DocInputs {
    /// An environment name | used in names.
    ///
    /// Second paragraph.
    pub environment: String,
    /// Accounts trusted to assume the role.
    #[input(default = vec!["803477428605".to_string()])]
    pub sym_account_ids: Vec<String>,
    /// Tags.
    #[input(default = BTreeMap::from([("team".to_string(), "iam".to_string())]))]
    pub tags: BTreeMap<String, String>,
    /// The session length.
    #[input(default = 3600, range = 3600..=43200)]
    pub max_session_duration: u32,
    /// An optional boundary.
    pub boundary: Option<String>,
}

#[test]
fn inputs_table() {
    insta::assert_snapshot!("inputs_table", inputs_markdown(&DocInputs::input_specs()));
    assert_eq!(inputs_markdown(&[]), "No inputs.\n");
}

fn deployment() -> Deployment {
    let trust_sym = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRole")
        .principal(Principal::aws(["arn:aws:iam::803477428605:root"]))
        .condition(Condition::string_equals(
            "sts:ExternalId",
            [LateBound::Generated("external_id".into())],
        ))]);
    let trust_admin = PolicyDocument::new([Statement::allow()
        .actions(["sts:AssumeRole", "sts:TagSession"])
        .principal(Principal::aws([LateBound::role_arn("runtime")]))]);
    let trust_ci = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRoleWithWebIdentity")
        .principal(Principal::federated([LateBound::oidc_provider_arn(
            "github",
        )]))]);
    let trust_member = PolicyDocument::new([
        Statement::allow()
            .action("sts:AssumeRole")
            .principal(Principal::aws([LateBound::account("identity")])),
        Statement::allow()
            .action("sts:AssumeRole")
            .principal(Principal::service(["ec2.amazonaws.com"])),
    ]);
    let assume_ops = PolicyDocument::new([Statement::allow()
        .action("sts:AssumeRole")
        .resource(ArnTemplate::iam("role/ops/*").in_account(LateBound::account("member")))
        .resource("arn:aws:iam::999999999999:role/elsewhere")]);
    let assume_any = PolicyDocument::new([
        Statement::allow().action("sts:*").resource("*"),
        Statement::deny()
            .action("sts:AssumeRole")
            .resource(LateBound::role_arn("admin")),
    ]);
    Deployment::builder()
        .blueprint("doc")
        .instance("test")
        .accounts(vec![
            Account::builder()
                .key("identity")
                .id("111111111111".parse().unwrap())
                .build(),
            Account::new("member"),
        ])
        .oidc_providers(vec![OidcProvider::builder()
            .key("github")
            .account("identity")
            .url("https://token.actions.githubusercontent.com")
            .build()])
        .roles(vec![
            Role::builder()
                .key("runtime")
                .account("identity")
                .name("SymRuntime")
                .trust(trust_sym)
                .build()
                .inline("assume", assume_ops),
            Role::builder()
                .key("admin")
                .account("identity")
                .name("Admin")
                .trust(trust_admin)
                .build()
                .attach(LateBound::policy_arn("any")),
            Role::builder()
                .key("ci")
                .account("identity")
                .name("CI")
                .trust(trust_ci)
                .build(),
            Role::builder()
                .key("ops")
                .account("member")
                .name("Ops")
                .path("/ops/")
                .trust(trust_member)
                .build(),
        ])
        .policies(vec![ManagedPolicy::builder()
            .key("any")
            .account("identity")
            .name("AssumeAny")
            .document(assume_any)
            .build()])
        .outputs(vec![
            Output::builder()
                .name("runtime_role_arn")
                .description("The runtime role's ARN.")
                .value(LateBound::role_arn("runtime"))
                .build(),
            Output::builder()
                .name("external_id")
                .description("The external id | keep it secret.")
                .value(LateBound::Generated("external_id".into()))
                .build(),
        ])
        .build()
}

#[test]
fn outputs_table() {
    insta::assert_snapshot!("outputs_table", outputs_markdown(&deployment()));
}

#[test]
fn role_diagram() {
    insta::assert_snapshot!("role_diagram", mermaid(&deployment()));
}

#[test]
fn readme_sections_are_checked_and_rewritten() {
    let dir = std::env::temp_dir().join(format!("rolewright-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("README.md");
    std::fs::write(
        &path,
        "# Doc\n\n<!-- BEGIN inputs -->\nold\n<!-- END inputs -->\n\nMore.\n",
    )
    .unwrap();
    let err = check_section(&path, "inputs", "| new |\n", false).unwrap_err();
    assert!(err.contains("the `inputs` section of"), "{err}");
    assert!(
        err.contains(
            "is out of date (first difference at its line 2); run the tests with UPDATE_READMES=1"
        ),
        "{err}"
    );
    check_section(&path, "inputs", "| new |\n", true).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# Doc\n\n<!-- BEGIN inputs -->\n| new |\n<!-- END inputs -->\n\nMore.\n"
    );
    check_section(&path, "inputs", "| new |", false).unwrap();
    let err = check_section(&path, "diagram", "x", false).unwrap_err();
    assert!(err.ends_with("has no `<!-- BEGIN diagram -->` … `<!-- END diagram -->` section; add the two markers, or run the tests with UPDATE_READMES=1 to append one"), "{err}");
    check_section(&path, "diagram", "x", true).unwrap();
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("More.\n\n<!-- BEGIN diagram -->\nx\n<!-- END diagram -->\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}
