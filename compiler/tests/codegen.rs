//! The code generator, driven by the case files in `tests/cases/codegen`: each case must
//! check cleanly, and its generated Rust (formatted) and its `--schedule` text are
//! snapshots a reviewer can read.

mod common;

#[test]
fn codegen_cases() {
    insta::glob!("../../tests/cases/codegen", "*.flow", |path| {
        let text = std::fs::read_to_string(path).expect("the case is readable");
        let name = common::case_name(path);
        let analysis = flow_compiler::analyze(&name, &text, &mut flow_compiler::check::NoFiles);
        assert!(
            analysis.diagnostics.is_empty(),
            "{name} should check cleanly:\n{}",
            common::render(&analysis.diagnostics, &analysis.sources)
        );
        let mut out = String::new();
        for graph in &analysis.graphs {
            out.push_str("// --- schedule ---\n");
            for line in flow_compiler::codegen::schedule_text(graph).lines() {
                out.push_str("// ");
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&flow_compiler::codegen::emit(
                graph,
                &flow_compiler::codegen::Config::default(),
            ));
        }
        insta::assert_snapshot!(out);
    });
}
