//! The check phase, driven by the case files in `tests/cases/check`: files under `ok/`
//! must check without any diagnostic (warnings included) and are snapshots of their
//! checked graphs; files under `err/` are snapshots of every diagnostic, rendered for
//! humans (with their source) and as JSON. Files under `lib/` are only `use`d.

#![cfg(feature = "fancy")]

mod common;

use std::path::Path;

#[test]
fn check_cases() {
    insta::glob!("../../tests/cases/check", "*/*.flow", |path| {
        let Some(kind) = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|d| d.to_str())
        else {
            return;
        };
        if kind == "lib" {
            return;
        }
        let text = std::fs::read_to_string(path).expect("the case is readable");
        let dir = path
            .parent()
            .and_then(Path::parent)
            .expect("cases live two levels down");
        let name = format!("{kind}/{}", common::case_name(path));
        let mut loader = common::CaseLoader {
            dir: dir.to_path_buf(),
        };
        let analysis = flow_compiler::analyze(&name, &text, &mut loader);
        let rendered = common::render(&analysis.diagnostics, &analysis.sources);
        if kind == "ok" {
            assert!(
                analysis.diagnostics.is_empty(),
                "{name} should check cleanly:\n{rendered}"
            );
            let workflows = analysis.ast.workflows().count();
            assert_eq!(
                analysis.graphs.len(),
                workflows,
                "{name}: one graph per workflow"
            );
            let graphs: Vec<String> = analysis.graphs.iter().map(common::graph_summary).collect();
            insta::assert_snapshot!(graphs.join("\n"));
        } else {
            assert!(
                !analysis.diagnostics.is_empty(),
                "{name} should have diagnostics"
            );
            insta::assert_snapshot!(rendered);
        }
    });
}

/// The examples shipped with the project check without a diagnostic.
#[test]
fn examples_check_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "flow") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = common::case_name(&path);
        let analysis =
            flow_compiler::analyze(&name, &text, &mut common::CaseLoader { dir: dir.clone() });
        assert!(
            analysis.diagnostics.is_empty(),
            "{name}:\n{}",
            common::render(&analysis.diagnostics, &analysis.sources)
        );
        assert!(!analysis.graphs.is_empty(), "{name} has a workflow");
        checked += 1;
    }
    assert!(checked >= 1);
}

/// Every diagnostic code has at least one failing case whose snapshot shows it.
#[test]
fn every_code_has_a_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut all = String::new();
    for entry in std::fs::read_dir(&dir).expect("snapshots exist") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "snap") {
            all.push_str(&std::fs::read_to_string(&path).expect("readable"));
        }
    }
    for code in flow_compiler::diagnostics::Code::ALL {
        assert!(
            all.contains(&format!("\"code\":\"{code}\"")),
            "no case produces {code}"
        );
    }
}

/// A 10,000-node chain checks without deep recursion (test threads have small stacks),
/// and closing it into a ring gives one cycle naming every node.
#[test]
fn ten_thousand_deep_chains_and_rings() {
    use std::fmt::Write as _;
    let n = 10_000;
    let mut chain =
        String::from("workflow chain {\n    node n0 = binance.price(pair: \"BTCUSDT\")\n");
    let mut ring = String::from("workflow ring {\n");
    let _ = writeln!(
        ring,
        "    node n0 = ta.sma(input: n{}.value, period: 2)",
        n - 1
    );
    for i in 1..n {
        let port = if i == 1 { "price" } else { "value" };
        let _ = writeln!(
            chain,
            "    node n{i} = ta.sma(input: n{}.{port}, period: 2)",
            i - 1
        );
        let _ = writeln!(
            ring,
            "    node n{i} = ta.sma(input: n{}.value, period: 2)",
            i - 1
        );
    }
    let _ = writeln!(chain, "    output last = n{}.value\n}}", n - 1);
    let _ = writeln!(ring, "    output last = n{}.value\n}}", n - 1);

    let analysis = flow_compiler::analyze("chain.flow", &chain, &mut flow_compiler::check::NoFiles);
    assert!(analysis.diagnostics.is_empty());
    let graph = &analysis.graphs[0];
    assert_eq!(graph.stages.len(), n);
    assert_eq!(graph.nodes[n - 1].name, format!("n{}", n - 1));

    let analysis = flow_compiler::analyze("ring.flow", &ring, &mut flow_compiler::check::NoFiles);
    assert_eq!(analysis.diagnostics.len(), 1);
    let cycle = &analysis.diagnostics[0];
    assert_eq!(cycle.code, flow_compiler::diagnostics::Code::E0300);
    assert!(
        cycle
            .message
            .starts_with(&format!("cycle: n0 -> n{} -> n{}", n - 1, n - 2))
    );
    assert!(cycle.message.ends_with("n1 -> n0"));
    assert_eq!(cycle.secondary.len(), n - 1);
}
