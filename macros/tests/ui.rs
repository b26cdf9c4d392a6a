//! The macro's user-facing behaviour as trybuild UI tests: each `ui/e*.rs` and `ui/w*.rs`
//! must fail to compile with exactly the diagnostics of its `.stderr` (one case per
//! diagnostic family, the caret on the right token), and each `ui/pass_*.rs` must compile
//! and run. One test function, so trybuild compiles the runtime once.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/e*.rs");
    t.compile_fail("tests/ui/w*.rs");
}
