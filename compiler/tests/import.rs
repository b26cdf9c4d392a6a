//! `flowc import`, driven by the JSON case files in `tests/cases/import`: each snapshot holds
//! what could not be mapped (with its JSON path), the `.flow` text in the canonical layout,
//! and the checker's verdict on that text. Clean cases must import and check without
//! errors; `*_problems.json` cases must report each problem they plant.

mod common;

use flow_compiler::import::{Level, import};

#[test]
fn import_cases() {
    insta::glob!("../../tests/cases/import", "*.json", |path| {
        let json = std::fs::read_to_string(path).expect("the case is readable");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_owned();
        let imported = import(&json, &stem).expect("the case is a workflow in one of the formats");
        let text = flow_compiler::fmt::format(&imported.text)
            .expect("imported text parses, even when something was left out");
        assert_eq!(
            flow_compiler::fmt::format(&text).ok().as_deref(),
            Some(text.as_str()),
            "canonical layout"
        );
        let analysis = flow_compiler::analyze(
            &format!("{stem}.flow"),
            &text,
            &mut flow_compiler::check::NoFiles,
        );
        let problems: Vec<String> = imported
            .problems
            .iter()
            .map(|p| {
                let level = if p.level == Level::Error {
                    "error"
                } else {
                    "warning"
                };
                format!("{level}: {}: {}", p.path, p.message)
            })
            .collect();
        let check = common::render(&analysis.diagnostics, &analysis.sources);
        if stem.ends_with("_problems") {
            assert!(imported.has_errors(), "{stem} plants problems");
        } else {
            assert!(!imported.has_errors(), "{stem}: {problems:#?}");
            assert!(!analysis.has_errors(), "{stem} checks:\n{check}");
        }
        insta::assert_snapshot!(format!(
            "--- problems ---\n{}\n--- text ---\n{text}--- check ---\n{check}",
            problems.join("\n")
        ));
    });
}

#[test]
fn every_node_of_a_graph_survives_or_is_reported() {
    // 30 nodes with ids a JSON producer might use, wired in a chain: each is either in the
    // text or named by a problem, and the text says where one was left out.
    let mut nodes = Vec::new();
    for i in 0..30 {
        let id = match i % 3 {
            0 => format!("node {i}"),
            1 => format!("{i}"),
            _ => format!("when{i}"),
        };
        let mut node = serde_json::json!({"id": id, "action": "cond.and", "params": {"b": true}});
        if i % 7 == 5 {
            node["action"] = serde_json::json!("cond.nope");
        }
        if i > 0 {
            let prev = nodes
                .last()
                .and_then(|n: &serde_json::Value| n["id"].as_str())
                .expect("an id")
                .to_owned();
            node["inputs"] = serde_json::json!({"a": format!("{prev}.out")});
        } else {
            node["params"]["a"] = serde_json::json!(true);
        }
        nodes.push(node);
    }
    let json = serde_json::json!({"nodes": nodes, "edges": []}).to_string();
    let imported = import(&json, "chain").expect("nodes format");
    // Ids with a space or a leading digit are renamed, and the rename is reported.
    let renamed = imported
        .problems
        .iter()
        .filter(|p| p.level == Level::Warning && p.path.ends_with(".id"))
        .count();
    assert_eq!(renamed, 20);
    let dropped = imported
        .problems
        .iter()
        .filter(|p| p.level == Level::Error && p.path.ends_with(".action"))
        .count();
    assert_eq!(dropped, 4, "nodes 5, 12, 19 and 26 have an unknown kind");
    assert_eq!(imported.text.matches("// flowc import:").count(), 4);
    assert_eq!(imported.text.matches("= cond.and(").count(), 26);
}

#[test]
fn malformed_json_never_panics() {
    let cases = [
        "",
        "null",
        "1",
        "\"x\"",
        "{\"nodes\": 3}",
        "{\"nodes\": [1, null, []]}",
        "{\"nodes\": [{\"id\": {}}], \"edges\": {}}",
        "{\"blocks\": [{}], \"connections\": [1]}",
        "{\"blocks\": [{\"id\": \"a\", \"type\": \"binance.price\", \"properties\": []}], \"connections\": [{\"from\": {\"blockId\": \"a\", \"index\": -1}, \"to\": {\"blockId\": \"a\", \"index\": 99999999999999999999}}]}",
        "{\"nodes\": [{\"id\": \"a\", \"action\": \"ta.rsi\", \"inputs\": {\"input\": 5}, \"condition\": 7}]}",
    ];
    for case in cases {
        if let Ok(imported) = import(case, "x") {
            assert!(flow_compiler::fmt::format(&imported.text).is_ok(), "{case}");
        }
    }
}
