//! `cargo xtask plan | apply | destroy` as a wrapper of the apply engine: a relative
//! `--config` resolves against the caller's directory (as for `render`), and killing the
//! wrapper stops the engine (it becomes the engine through `exec`). No AWS endpoint is needed:
//! a loopback listener that accepts connections and never answers stands in for one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "rolewright-wrapper-{name}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The rolewright source tree (the engine is built there), named with `--root` because the
/// tests run elsewhere.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(dir: &PathBuf, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("--root")
        .arg(root())
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDROLEWRIGHTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL");
    cmd
}

#[test]
fn a_relative_config_is_read_from_the_current_directory() {
    let dir = scratch("relative");
    // A config with a syntax error: the error must come from reading this file.
    std::fs::write(dir.join("mine.yaml"), "environment: [unclosed\n").unwrap();
    let out = xtask(
        &dir,
        &[
            "plan",
            "runtime-connector",
            "--config",
            "mine.yaml",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
    )
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("cannot read config"),
        "the file was found: {err}"
    );
    assert!(err.contains("mine.yaml"), "{err}");
    // And a file only the project root has is not found from elsewhere.
    let out = xtask(
        &dir,
        &[
            "plan",
            "runtime-connector",
            "--config",
            "examples/runtime-connector.yaml",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
    )
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot read config"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn killing_the_wrapper_stops_the_engine() {
    let dir = scratch("kill");
    // An endpoint that takes the connection and never answers: the engine waits in its first
    // call (STS GetCallerIdentity) with the socket open.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut child = xtask(
        &dir,
        &[
            "plan",
            "runtime-connector",
            "--endpoint-url",
            &url,
            "--attempt-timeout",
            "300",
            "--max-attempts",
            "1",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut conn = loop {
        match listener.accept() {
            Ok((c, _)) => break c,
            Err(_) => {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "the wrapper exited before calling the endpoint"
                );
                assert!(Instant::now() < deadline, "the engine never called");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    // SIGKILL: the wrapper cannot forward it, so only `exec` stops the engine with it.
    child.kill().unwrap();
    child.wait().unwrap();
    conn.set_nonblocking(false).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match conn.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue, // the request itself
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    assert!(
        closed,
        "the engine still holds its connection after the wrapper was killed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
