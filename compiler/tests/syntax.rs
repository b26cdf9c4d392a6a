//! The syntax phase, driven by the case files in `tests/cases/syntax`: files under `ok/`
//! must parse without a diagnostic; files under `err/` are snapshots of what the parser
//! reports, rendered for humans (with their source) and as JSON.

#![cfg(feature = "fancy")]

mod common;

use flow_compiler::source::Sources;

#[test]
fn syntax_cases() {
    insta::glob!("../../tests/cases/syntax", "*/*.flow", |path| {
        let text = std::fs::read_to_string(path).expect("the case is readable");
        let name = common::case_name(path);
        let (_, diagnostics) = flow_compiler::parse(&text);
        let mut sources = Sources::new();
        sources.add(&name, text.as_str());
        let ok = path.parent().is_some_and(|p| p.ends_with("ok"));
        if ok {
            assert!(
                diagnostics.is_empty(),
                "{name} should parse cleanly:\n{}",
                common::render(&diagnostics, &sources)
            );
        } else {
            assert!(!diagnostics.is_empty(), "{name} should have syntax errors");
            insta::assert_snapshot!(common::render(&diagnostics, &sources));
        }
    });
}
