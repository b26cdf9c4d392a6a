//! Building and running generated programs from tests: the `flowc build` path for real
//! (check, codegen, cargo in the shared target directory), then the executable as a user
//! runs it.

#![allow(dead_code, reason = "each test file uses a part of this module")]

use std::path::PathBuf;
use std::process::{Command, Output};

use flow_compiler::build::{BuildRequest, Layout, build};
use flow_compiler::codegen::{Config, emit};

/// Checks `source` (which must be clean) and builds its only workflow; returns the executable.
pub fn build_flow(source: &str) -> PathBuf {
    let analysis = flow_compiler::analyze("test.flow", source, &mut flow_compiler::check::NoFiles);
    assert!(
        !analysis.has_errors(),
        "the test's flow must check: {:?}",
        analysis
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    assert_eq!(analysis.graphs.len(), 1, "one workflow per test flow");
    let graph = &analysis.graphs[0];
    let text = emit(graph, &Config::default());
    let request = BuildRequest {
        name: &graph.name,
        source: &text,
        release: false,
        progress: false,
        macros: false,
    };
    match build(&Layout::from_env(), &request) {
        Ok(built) => built.executable,
        Err(err) => panic!("building {} failed: {err}", graph.name),
    }
}

/// Runs an executable with arguments; stdin closed.
pub fn run(exe: &PathBuf, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the built executable starts")
}

/// The JSON events a run printed with `--events -`.
pub fn events(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("every event line is JSON"))
        .collect()
}

/// Events of one type for one node.
pub fn node_events<'a>(
    events: &'a [serde_json::Value],
    kind: &str,
    node: &str,
) -> Vec<&'a serde_json::Value> {
    events
        .iter()
        .filter(|e| e["type"] == kind && e["node_id"] == node)
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
