//! The config loader's fuzz findings (see `blueprints/kit/fuzz/README.md`), end to end: each
//! ends `render` with status 1 and one located error, never an abort, and writes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Renders `blueprint` with `config` (written to a scratch folder as `name`); returns the
/// exit status and stderr, and checks nothing was written.
#[expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test helper: failing to set up or to start the binary fails the test"
)]
fn render(test: &str, blueprint: &str, name: &str, config: &str) -> (Option<i32>, String) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("config-limits-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), config).unwrap();
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&dir)
        .args(["render", blueprint, "--config", name, "--out"])
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs");
    assert!(!Path::new(&out).exists(), "nothing is written on an error");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_deep_block_sequence_is_a_located_error_not_an_abort() {
    let text = "teams_config:\n".to_owned() + &"- ".repeat(8_000) + "x\n";
    let (status, stderr) = render("deep", "aws-teams", "deep.yaml", &text);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("deep.yaml:2:255: the document nests deeper than 128 levels"),
        "{stderr}"
    );
}

#[test]
fn teams_trusting_an_anchored_list_of_every_team_are_refused_at_the_alias() {
    let n = 400;
    let mut text = String::from(
        "region: us-east-1\nnamespace: eg\naccount_map: {identity: \"111111111111\"}\n\
         template: &t {denied_teams: [], denied_permission_sets: [], denied_role_arns: [],\
         \x20max_session_duration: 3600, role_description: x, role_policy_arns: [],\
         \x20aws_saml_login_enabled: false, trusted_permission_sets: [], trusted_role_arns: []}\n\
         all: &all\n",
    );
    for i in 0..n {
        text.push_str(&format!("  - team{i}\n"));
    }
    text.push_str("teams_config:\n");
    for i in 0..n {
        text.push_str(&format!("  team{i}: {{<<: *t, trusted_teams: *all}}\n"));
    }
    let (status, stderr) = render("amplified", "aws-teams", "teams.yaml", &text);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains(": the alias `*all` copies the document's aliased values past"),
        "{stderr}"
    );
}

#[test]
fn a_text_file_is_not_read_as_yaml() {
    let (status, stderr) = render("txt", "aws-teams", "teams.txt", "region: x\n");
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("teams.txt:1:1: unknown config file extension `.txt`"),
        "{stderr}"
    );
    assert!(stderr.contains("`.yaml`, `.yml`"), "{stderr}");
}

#[test]
fn an_unclosed_bracket_is_reported_on_its_own_line() {
    let text = "region: us-east-1\nteams_config: {admin: [1, 2\nnamespace: eg\n";
    let (status, stderr) = render("unclosed", "aws-teams", "teams.yaml", text);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("teams.yaml:2:23: unclosed `[`"), "{stderr}");
}
