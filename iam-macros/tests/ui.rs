//! Compile-time behaviour of the macros: what compiles (`tests/ui/pass`) and the exact error
//! of each diagnostic, on the token it is about (`tests/ui/<macro>/*.stderr`).
//!
//! The expected `.stderr` files depend on rustc's rendering, so they are pinned to the
//! toolchain they were written with; on another one the test is skipped, loudly. Regenerate
//! with `TRYBUILD=overwrite cargo test -p iam-macros --test ui` and review the diff.

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "the .stderr files are written for rustc 1.95"
)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/action/*.rs");
    t.compile_fail("tests/ui/arn/*.rs");
    t.compile_fail("tests/ui/policy/*.rs");
    t.compile_fail("tests/ui/inputs/*.rs");
}
