//! `cargo xtask`: the rolewright command line.
fn main() {}
