//! `rolewright-apply`: the binary `cargo xtask plan | apply | destroy` runs.

fn main() {}
