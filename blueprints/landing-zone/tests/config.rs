//! The landing zone as `cargo xtask render` runs it: from a config file (the example in
//! `examples/`, and bad ones reported with file, line and input), and the README's generated
//! sections kept current.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use blueprint_kit::{Blueprint, ConfigSource, Inputs, Registered};
use blueprint_landing_zone::{
    BitbucketTrust, EnvironmentRole, GithubTrust, GitlabTrust, LandingZone, LandingZoneInputs,
};
use blueprint_testing::assert_clean;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/landing-zone.yaml"
);
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn example() -> ConfigSource {
    ConfigSource::read(EXAMPLE).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_example_config_builds_a_clean_deployment() {
    let inputs = LandingZoneInputs::load(&example()).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = LandingZoneInputs::new("123456789012", "uniqueprefix-trustypangolin");
    expected.member_account_ids = strings(&["210987654321", "333333333333", "444444444444"]);
    expected.github = Some(GithubTrust {
        repositories: strings(&["trustypangolin/bedrock-foundation-template"]),
        branches: strings(&["main"]),
        ..GithubTrust::default()
    });
    expected.gitlab = Some(GitlabTrust {
        projects: strings(&["trustypangolin/platform/landing-zone"]),
        branches: strings(&["main"]),
        ..GitlabTrust::default()
    });
    expected.bitbucket = Some(BitbucketTrust {
        workspace: "trustypangolin".into(),
        workspace_uuid: "{0c4f2f9e-1b2a-4c3d-8e9f-a0b1c2d3e4f5}".into(),
        repository_uuids: strings(&["{7d3e8a1b-2c4d-4e5f-9a0b-1c2d3e4f5a6b}"]),
        ..BitbucketTrust::default()
    });
    let env = |id: Option<&str>, account: &str, prefixes: &[&str]| EnvironmentRole {
        external_id: id.map(String::from),
        account_ids: strings(&[account]),
        state_prefixes: strings(prefixes),
    };
    expected.environments = BTreeMap::from([
        (
            "prd".to_owned(),
            env(Some("123Prod456"), "210987654321", &[]),
        ),
        (
            "tst".to_owned(),
            env(Some("123Test456"), "333333333333", &[]),
        ),
        (
            "dev".to_owned(),
            env(None, "444444444444", &["development", "sandbox"]),
        ),
    ]);
    assert_eq!(inputs, expected);

    assert_eq!(
        blueprints::find("landing-zone").map(|b| b.name()),
        Some("landing-zone")
    );
    let d = Registered::<LandingZone>::new()
        .build(&example())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_clean(&d);
    assert_eq!(d, blueprint_landing_zone::build(&expected).unwrap());
}

/// Every input has its default when the config leaves it out; the Git providers are optional
/// one by one but at least one is needed.
#[test]
fn the_minimal_config_takes_every_default() {
    let text = "management_account_id: \"123456789012\"\nunique_prefix: acme\ngithub:\n  repositories: [acme/lz]\n";
    let inputs = LandingZoneInputs::load(&ConfigSource::new("min.yaml", text)).unwrap();
    let mut expected = LandingZoneInputs::new("123456789012", "acme");
    expected.github = Some(GithubTrust {
        repositories: strings(&["acme/lz"]),
        ..GithubTrust::default()
    });
    assert_eq!(inputs, expected);
    let required: Vec<String> = LandingZoneInputs::input_specs()
        .into_iter()
        .filter(|s| s.is_required())
        .map(|s| s.name)
        .collect();
    assert_eq!(required, ["management_account_id", "unique_prefix"]);
    let gitlab = "management_account_id: \"123456789012\"\nunique_prefix: acme\ngitlab:\n  projects: [acme/lz]\n";
    let inputs = LandingZoneInputs::load(&ConfigSource::new("gitlab.yaml", gitlab)).unwrap();
    assert_eq!(inputs.gitlab.unwrap().url, "https://gitlab.com");
}

fn error(text: &str) -> String {
    let base = "management_account_id: \"123456789012\"\nunique_prefix: acme\n";
    match Registered::<LandingZone>::new().build(&ConfigSource::new(
        "landing-zone.yaml",
        format!("{base}{text}"),
    )) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// A reference between inputs that does not resolve is located and suggests the nearest name.
#[test]
fn an_environment_account_outside_the_members_suggests_the_nearest() {
    let text = "github:\n  repositories: [acme/lz]\nmember_account_ids: [\"210987654321\", \"333333333333\"]\nenvironments:\n  prd:\n    account_ids: [\"123456789012\", \"210987654322\"]\n";
    let base = "management_account_id: \"123456789012\"\nunique_prefix: acme\n";
    let e = Registered::<LandingZone>::new()
        .build(&ConfigSource::new(
            "landing-zone.yaml",
            format!("{base}{text}"),
        ))
        .unwrap_err();
    assert_eq!(
        e.report("landing-zone.yaml"),
        "landing-zone.yaml:8:35: input `environments.prd.account_ids[1]`: `210987654322` is not a member account of `member_account_ids` (or the management account)\n  \
         help: did you mean `210987654321`?; the deploy role is created in `member_account_ids` only, so list the account there"
    );
}

#[test]
fn bad_configs_are_reported_with_file_line_and_input() {
    let cases = [
        (
            "github:\n  repositories: [acme]\n",
            "landing-zone.yaml:4:18: github.repositories[0]: `acme` does not match `[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+` (help: for example `acme/landing-zone`)",
        ),
        (
            "github:\n  repository: [acme/lz]\n",
            "landing-zone.yaml:4:3: github: missing input `repositories` (help: add `repositories`, for example `repositories: acme/landing-zone`)\n\
             landing-zone.yaml:4:3: github.repository: unknown input `repository` (help: did you mean `repositories`?)",
        ),
        ("gitlab:\n  url: http://gitlab.com\n  projects: [a/b]\n", "landing-zone.yaml:4:8: gitlab.url: `http://gitlab.com` does not match"),
        (
            "bitbucket:\n  workspace: acme\n  workspace_uuid: nope\n  repository_uuids: []\n",
            "landing-zone.yaml:5:19: bitbucket.workspace_uuid: `nope` does not match",
        ),
        (
            "github:\n  repositories: [acme/lz]\nenvironments:\n  prd:\n    account_ids: [\"1\"]\n    external_id: x\n",
            "landing-zone.yaml:8:18: environments.prd.external_id: `x` does not match `[A-Za-z0-9_+=,.@:/-]{2,1224}` (help: for example `123Prod456`)\n\
             landing-zone.yaml:7:19: environments.prd.account_ids[0]: `1` does not match `[0-9]{12}` (help: for example `210987654321`)",
        ),
        (
            "github:\n  repositories: [acme/lz]\nstate_prefixes: [/foundation]\nbase_region: sydney\n",
            "landing-zone.yaml:6:14: base_region: `sydney` does not match `[a-z]{2}(-[a-z]+)+-[0-9]+` (help: for example `eu-west-1`)\n\
             landing-zone.yaml:5:18: state_prefixes[0]: `/foundation` does not match",
        ),
        ("github:\n  repositories: [acme/lz]\ncreate_deploy_role: maybe\n", "landing-zone.yaml:5:21: create_deploy_role: expected a boolean, found a string"),
        // Checks that need more than one input, or a map key, are reported by the blueprint.
        (
            "github:\n  repositories: [acme/lz]\nenvironments:\n  Prd:\n    account_ids: [\"210987654321\"]\n",
            "invalid input `environments.Prd`: `Prd` is not an environment name",
        ),
        ("", "invalid input `github`: no Git OIDC provider is configured, so nothing could assume the OIDC role"),
        // An environment's account must be a member account, where the deploy role exists.
        (
            "github:\n  repositories: [acme/lz]\nmember_account_ids: [\"210987654321\", \"333333333333\"]\nenvironments:\n  prd:\n    account_ids: [\"210987654322\"]\n",
            "invalid input `environments.prd.account_ids[0]`: `210987654322` is not a member account of `member_account_ids` (or the management account)",
        ),
        (
            "bitbucket:\n  workspace: acme\n  workspace_uuid: \"0c4f2f9e-1b2a-4c3d-8e9f-a0b1c2d3e4f5\"\n  repository_uuids: []\n",
            "invalid input `bitbucket.repository_uuids`: no repository UUID is listed",
        ),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(
            message.starts_with(expected),
            "{message}\ndoes not start with\n{expected}"
        );
    }
}

/// The README's inputs and outputs tables and its diagram are generated; this fails when they
/// are stale (rerun with `UPDATE_READMES=1` and review the diff).
#[test]
fn readme_sections_are_current() {
    let d = Registered::<LandingZone>::new().build(&example()).unwrap();
    blueprint_testing::assert_readme_current(README, &d, &LandingZoneInputs::input_specs());
}
