//! The README's generated sections (the two diagrams and the inputs and outputs tables)
//! match the code; rerun with `UPDATE_READMES=1` and review the diff when they do not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_aws_teams::{build, team_trust_mermaid, AwsTeams, AwsTeamsInputs};
use blueprint_kit::{readme_section_check, Blueprint, ConfigSource, Inputs, Registered};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

#[test]
fn readme_sections_are_current() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/aws-teams.yaml");
    let source = ConfigSource::read(example).unwrap();
    let d = Registered::<AwsTeams>::new()
        .build(&source)
        .unwrap_or_else(|e| panic!("{e:?}"));
    // Sorted by name, as terraform-docs (and so the seed's table) lists inputs.
    let mut specs = AwsTeamsInputs::input_specs();
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    blueprint_testing::assert_readme_current(README, &d, &specs);
    readme_section_check(
        README,
        "teams",
        &format!("```mermaid\n{}```", team_trust_mermaid(&d)),
    )
    .unwrap();
}

/// The team diagram draws the `aws:PrincipalArn` conditions: who may assume each team, and who
/// is denied.
#[test]
fn team_diagram_shows_who_may_assume_each_team() {
    let d = build(&common::seed_inputs()).unwrap();
    let m = team_trust_mermaid(&d);
    for line in [
        r#"team_admin["team admin: eg-core-gbl-identity-admin"]"#,
        r#"team_admin -->|"AssumeRole"| team_admin"#,
        r#"team_admin -->|"AssumeRole"| team_spacelift"#,
        r#"sso_IdentityAdminTeamAccess -->|"AssumeRole"| team_admin"#,
        r#"saml_eg_core_gbl_identity_okta -->|"AssumeRoleWithSAML"| team_admin"#,
        r#"arn_aws_iam__123456789012_role_eg_ue2_auto_spacelift_worker_pool_admin -->|"AssumeRole"| team_spacelift"#,
        r#"team_viewer -.->|"denied"| team_viewer"#,
        r#"sso_IdentityViewerTeamAccess -.->|"denied"| team_admin"#,
    ] {
        assert!(
            m.lines().any(|l| l.trim() == line),
            "missing `{line}` in\n{m}"
        );
    }
    assert!(!m.contains("user"), "IAM users are left out:\n{m}");
    assert!(
        !m.lines().any(|l| l.contains("--> team_viewer")),
        "nobody may assume viewer:\n{m}"
    );
}
