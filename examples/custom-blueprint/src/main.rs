//! `platform-rolewright`: the rolewright command line (every command: render, validate, plan,
//! ...) serving the built-in blueprints and this crate's `service-roles`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match rolewright_cli::Registry::builtin().with(&custom_blueprint_example::SERVICE_ROLES) {
        Ok(registry) => rolewright_cli::run(registry),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
