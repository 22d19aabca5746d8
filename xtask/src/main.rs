//! `cargo xtask`: the rolewright command line with the blueprints of this repository. The
//! command line itself is the `rolewright_cli` library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    rolewright_cli::run(rolewright_cli::Registry::builtin())
}
