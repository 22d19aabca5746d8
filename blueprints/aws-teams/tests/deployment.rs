//! The deployment as a whole: it validates cleanly, the trust policy quota is enforced at
//! render time, policies are attached as the original attaches them, bad inputs are errors
//! naming the input, and the outputs are the original's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_aws_teams::{build, AwsTeamsInputs, TeamConfig};
use common::*;
use iam_model::deployment::{DeploymentFinding, DeploymentOptions, ObjectId, OutputValue};
use iam_model::{Code, LateBound, Severity, Text};

fn findings(i: &AwsTeamsInputs, opts: &DeploymentOptions) -> Vec<DeploymentFinding> {
    build(i).unwrap_or_else(|e| panic!("{e:?}")).validate(opts)
}

/// Errors and security findings nobody acknowledged.
fn unexplained(f: &[DeploymentFinding]) -> Vec<String> {
    f.iter()
        .filter(|f| {
            f.is_error() || (f.finding.severity == Severity::Security && f.acknowledged.is_none())
        })
        .map(ToString::to_string)
        .collect()
}

#[test]
fn seed_validates_without_errors_or_unexplained_findings() {
    let f = findings(&seed_inputs(), &DeploymentOptions::default());
    assert_eq!(unexplained(&f), Vec::<String>::new());
    // The one intended security finding: spacelift trusts a role in another account.
    let acknowledged: Vec<(&ObjectId, Code)> = f
        .iter()
        .filter(|f| f.acknowledged.is_some())
        .map(|f| (&f.object, f.finding.code))
        .collect();
    assert_eq!(
        acknowledged,
        [(
            &ObjectId::Trust("spacelift".into()),
            Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID
        )]
    );
}

/// GitHub trust admits every ref of a repository (`repo:ORG/REPO:*`), as the original does:
/// the validator warns about it, which is not an error.
#[test]
fn github_trust_validates_with_a_wildcard_warning() {
    let mut i = seed_inputs();
    i.github_oidc_provider_arn = Some(GITHUB.into());
    i.trusted_github_repos
        .insert("spacelift".into(), strings(&["infrastructure"]));
    let f = findings(&i, &DeploymentOptions::default());
    assert_eq!(unexplained(&f), Vec::<String>::new());
    let wildcard: Vec<&DeploymentFinding> = f
        .iter()
        .filter(|f| f.finding.code == Code::GITHUB_OIDC_WILDCARD_SUB)
        .collect();
    assert_eq!(wildcard.len(), 1, "{f:#?}");
    assert_eq!(wildcard[0].object, ObjectId::Trust("spacelift".into()));
    assert_eq!(wildcard[0].finding.severity, Severity::Warning);
}

/// The seed's "Known Problems": enough SSO permission sets make a trust policy larger than the
/// default quota of 2,048 characters. The original fails at apply time with `LimitExceeded`;
/// here validation reports it with the size and the remedy before anything is applied.
#[test]
fn trust_policy_over_quota_is_reported_with_size_and_remedy() {
    let mut i = seed_inputs();
    let admin = i.teams_config.get_mut("admin").unwrap();
    admin.trusted_permission_sets = (1..=14)
        .map(|n| format!("AnalyticsReadOnlyAccessLevel{n:02}"))
        .collect();
    let doc = build(&i).unwrap().role("admin").unwrap().trust.clone();
    let size = doc.size();
    assert!(size > 2048, "the fixture must exceed the quota, is {size}");

    let f = findings(&i, &DeploymentOptions::default());
    let over: Vec<&DeploymentFinding> = f
        .iter()
        .filter(|f| f.finding.code == Code::TRUST_POLICY_SIZE_EXCEEDED)
        .collect();
    assert_eq!(over.len(), 1, "{f:#?}");
    assert_eq!(over[0].object, ObjectId::Trust("admin".into()));
    assert!(over[0].is_error());
    let text = format!("{} {:?}", over[0], over[0].finding.help);
    assert!(
        text.contains(&size.to_string()),
        "the message names the size {size}: {text}"
    );
    assert!(text.contains("2048") || text.contains("2,048"), "{text}");
    assert!(
        text.contains("Service Quotas"),
        "the help names the remedy: {text}"
    );

    // With the quota raised to 4,096, as the seed advises, the same policy fits.
    let raised = DeploymentOptions {
        trust_policy_quota: 4096,
        ..DeploymentOptions::default()
    };
    let f = findings(&i, &raised);
    assert!(
        !f.iter()
            .any(|f| f.finding.code == Code::TRUST_POLICY_SIZE_EXCEEDED),
        "{f:#?}"
    );
}

#[test]
fn policies_are_attached_as_listed_and_keys_resolved() {
    let d = build(&seed_inputs()).unwrap();
    assert_eq!(
        d.role("viewer").unwrap().managed_policy_arns,
        [Text::from(
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        )]
    );
    assert_eq!(
        d.role("spacelift").unwrap().managed_policy_arns,
        [Text::from(LateBound::policy_arn("team_role_access"))]
    );
    let p = d.policy("team_role_access").unwrap();
    assert_eq!(p.description, "IAM permission to use AssumeRole");
    assert_eq!(p.path, "/");

    // Keys of additional_custom_policy_map resolve to their ARN; an entry with `+` is kept
    // whole, and a repeated entry is attached once.
    let mut i = seed_inputs();
    i.additional_custom_policy_map.insert(
        "billing".into(),
        "arn:aws:iam::111111111111:policy/billing+reports".into(),
    );
    i.teams_config.get_mut("viewer").unwrap().role_policy_arns = strings(&[
        "billing",
        "arn:aws:iam::111111111111:policy/billing+reports",
        "arn:aws:iam::111111111111:policy/a+b",
        "team_role_access",
    ]);
    let d = build(&i).unwrap();
    assert_eq!(
        d.role("viewer").unwrap().managed_policy_arns,
        [
            Text::from("arn:aws:iam::111111111111:policy/billing+reports"),
            Text::from("arn:aws:iam::111111111111:policy/a+b"),
            Text::from(LateBound::policy_arn("team_role_access")),
        ]
    );
}

#[test]
fn roles_carry_description_session_duration_and_account() {
    let d = build(&seed_inputs()).unwrap();
    let admin = d.role("admin").unwrap();
    assert_eq!(admin.max_session_duration, 43200);
    assert_eq!(admin.path, "/");
    assert!(admin.description.starts_with("Team with PowerUserAccess"));
    assert_eq!(admin.account, "core-identity");
    let account = d.account("core-identity").unwrap();
    assert_eq!(account.id.as_deref(), Some(IDENTITY));
    assert_eq!(
        account.assume_role_arn.as_deref(),
        Some("arn:aws:iam::111111111111:role/OrganizationAccountAccessRole")
    );
    let mut i = seed_inputs();
    i.import_role_arn = Some("arn:aws:iam::111111111111:role/eg-core-gbl-identity-admin".into());
    let d = build(&i).unwrap();
    assert_eq!(
        d.account("core-identity").unwrap().assume_role_arn,
        i.import_role_arn
    );
}

fn input_error(f: impl FnOnce(&mut AwsTeamsInputs)) -> String {
    let mut i = seed_inputs();
    f(&mut i);
    match build(&i) {
        Ok(_) => panic!("expected an input error"),
        Err(e) => format!("{e} / {e:?}"),
    }
}

#[test]
fn bad_inputs_are_errors_naming_the_input() {
    let e = input_error(|i| {
        i.teams_config
            .get_mut("admin")
            .unwrap()
            .max_session_duration = 43201
    });
    assert!(
        e.contains("teams_config.admin.max_session_duration")
            && e.contains("`43201` is above 43200"),
        "{e}"
    );
    let e = input_error(|i| {
        i.teams_config
            .get_mut("admin")
            .unwrap()
            .max_session_duration = 60
    });
    assert!(e.contains("`60` is below 3600"), "{e}");
    let e = input_error(|i| i.identity_account_account_name = "identity".into());
    assert!(e.contains("account_map") && e.contains("`identity`"), "{e}");
    let e = input_error(|i| {
        i.account_map.insert("core-dev".into(), "12345".into());
    });
    assert!(
        e.contains("account_map.core-dev") && e.contains("`12345`"),
        "{e}"
    );
    let e = input_error(|i| {
        i.teams_config
            .get_mut("spacelift")
            .unwrap()
            .role_policy_arns = strings(&["team-role-access"])
    });
    assert!(
        e.contains("teams_config.spacelift.role_policy_arns[0]")
            && e.contains("did you mean `team_role_access`"),
        "{e}"
    );
    let e = input_error(|i| {
        i.teams_config
            .get_mut("spacelift")
            .unwrap()
            .trusted_role_arns
            .push("arn:aws:iam::*:role/x".into())
    });
    assert!(
        e.contains("teams_config.spacelift.trusted_role_arns[1]"),
        "{e}"
    );
    let e = input_error(|i| {
        i.teams_config
            .get_mut("admin")
            .unwrap()
            .denied_role_arns
            .push("spacelift".into())
    });
    assert!(e.contains("teams_config.admin.denied_role_arns[0]"), "{e}");
    let e = input_error(|i| {
        i.identity_role_arn_template = Some("arn:aws:iam::111111111111:role/eg-identity".into())
    });
    assert!(e.contains("identity_role_arn_template"), "{e}");
    let e = input_error(|i| {
        i.github_oidc_provider_arn = Some(GITHUB.into());
        i.trusted_github_repos
            .insert("admin".into(), strings(&["acme/app:ref:refs/heads/main"]));
    });
    assert!(e.contains("trusted_github_repos.admin[0]"), "{e}");
}

#[test]
fn outputs_are_the_originals() {
    let d = build(&seed_inputs()).unwrap();
    let output = |name: &str| {
        d.outputs
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no output {name}"))
            .value
            .clone()
    };
    let arn = |team: &str| OutputValue::Text(LateBound::role_arn(team).into());
    // Team-key order, as the original's values() of a map.
    assert_eq!(
        output("role_arns"),
        OutputValue::List(vec![arn("admin"), arn("spacelift"), arn("viewer")])
    );
    assert_eq!(
        output("team_names"),
        OutputValue::List(vec![
            "eg-core-gbl-identity-admin".into(),
            "eg-core-gbl-identity-spacelift".into(),
            "eg-core-gbl-identity-viewer".into()
        ])
    );
    let OutputValue::Map(m) = output("team_name_role_arn_map") else {
        panic!("not a map")
    };
    assert_eq!(m.get("viewer"), Some(&arn("viewer")));
    let OutputValue::Map(cfg) = output("teams_config") else {
        panic!("not a map")
    };
    let OutputValue::Map(admin) = cfg.get("admin").unwrap() else {
        panic!("not a map")
    };
    assert_eq!(
        admin.get("max_session_duration"),
        Some(&OutputValue::Number("43200".into()))
    );
    assert_eq!(
        admin.get("aws_saml_login_enabled"),
        Some(&OutputValue::Bool(true))
    );
}

#[test]
fn variables_carry_every_input_with_its_value() {
    let d = build(&seed_inputs()).unwrap();
    let names: Vec<&str> = d.variables.iter().map(|v| v.name.as_str()).collect();
    for seed_input in [
        "account_map_environment_name",
        "account_map_stage_name",
        "additional_tag_map",
        "attributes",
        "aws_saml_environment_name",
        "aws_saml_stage_name",
        "context",
        "delimiter",
        "descriptor_formats",
        "enabled",
        "environment",
        "id_length_limit",
        "import_role_arn",
        "label_key_case",
        "label_order",
        "label_value_case",
        "labels_as_tags",
        "name",
        "namespace",
        "regex_replace_chars",
        "region",
        "stage",
        "tags",
        "teams_config",
        "tenant",
        "trusted_github_repos",
    ] {
        assert!(names.contains(&seed_input), "missing variable {seed_input}");
    }
    let region = d.variables.iter().find(|v| v.name == "region").unwrap();
    assert_eq!(region.value, OutputValue::from("us-east-1"));
    let teams = d
        .variables
        .iter()
        .find(|v| v.name == "teams_config")
        .unwrap();
    assert!(
        teams
            .input_type
            .terraform()
            .starts_with("map(object({denied_teams = list(string)"),
        "{}",
        teams.input_type.terraform()
    );
}

#[test]
fn an_empty_team_map_creates_only_the_policy() {
    let mut i = seed_inputs();
    i.teams_config.clear();
    let d = build(&i).unwrap();
    assert!(d.roles.is_empty());
    assert_eq!(d.policies.len(), 1);
    assert_eq!(
        unexplained(&d.validate(&DeploymentOptions::default())),
        Vec::<String>::new()
    );
}

#[test]
fn a_team_can_be_built_in_code() {
    let mut i = seed_inputs();
    let mut t = TeamConfig::new("Deployers");
    t.trusted_teams = strings(&["admin", "spacelift"]);
    t.role_policy_arns = strings(&["arn:aws:iam::aws:policy/AdministratorAccess"]);
    i.teams_config.insert("deployer".into(), t);
    let d = build(&i).unwrap();
    assert_eq!(d.roles.len(), 4);
    assert_eq!(
        unexplained(&d.validate(&DeploymentOptions::default())),
        Vec::<String>::new()
    );
}
