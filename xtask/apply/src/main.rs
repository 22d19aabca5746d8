//! `rolewright-apply`: the binary `cargo xtask plan | apply | destroy` runs (see `cli`).

use clap::Parser;

fn main() {
    let cli = rolewright_apply::cli::Cli::parse();
    std::process::exit(rolewright_apply::cli::main_with(cli));
}
