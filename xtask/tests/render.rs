//! `cargo xtask render` end to end, for what users see when a config is wrong: an input the
//! blueprint rejects is reported at its line in the config file, the run fails with status 1,
//! and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `xtask render ARGS` in the workspace root, without colors.
fn render(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .arg("render")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs")
}

/// A scratch folder of this test's own, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The runtime connector's example config with the data stream addon's `stream_arns` replaced.
fn runtime_connector_config(stream_arns: &str) -> String {
    format!(
        "environment: prod-eu\n\
         addons:\n\
         \x20 - aws/kinesis-data-stream\n\
         addon_params:\n\
         \x20 aws/kinesis-data-stream:\n\
         \x20   stream_arns:\n\
         {stream_arns}"
    )
}

#[test]
fn a_rejected_input_is_reported_at_its_line() {
    let dir = scratch("rejected-input");
    let config = dir.join("connector.yaml");
    let stream_arns = "      - arn:aws:kinesis:eu-west-1:222222222222:stream/sym-audit\n\
                       \x20     - arn:aws:sqs:eu-west-1:222222222222:not-a-stream\n";
    std::fs::write(&config, runtime_connector_config(stream_arns)).unwrap();
    let out = dir.join("out");
    let o = render(&[
        "runtime-connector",
        "--config",
        path_str(&config),
        "--out",
        path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    // The second list element, on line 8, column 9 (after `      - `).
    // (The file is shown relative to the working directory.)
    let expected =
        "connector.yaml:8:9: input `addon_params.aws/kinesis-data-stream.stream_arns[1]`: \
         `arn:aws:sqs:eu-west-1:222222222222:not-a-stream` is not a Kinesis data stream ARN";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!out.exists(), "nothing is written on an error");
}

#[test]
fn a_missing_input_is_reported_at_the_map_that_lacks_it() {
    let dir = scratch("missing-input");
    let config = dir.join("connector.yaml");
    // The addon is enabled but no parameters are given for it.
    let text = "environment: prod-eu\naddons:\n  - aws/kinesis-data-stream\naddon_params: {}\n";
    std::fs::write(&config, text).unwrap();
    let o = render(&[
        "runtime-connector",
        "--config",
        path_str(&config),
        "--out",
        path_str(&dir.join("out")),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "connector.yaml:4:15: input `addon_params.aws/kinesis-data-stream.stream_arns`"
        ),
        "{stderr}"
    );
}
