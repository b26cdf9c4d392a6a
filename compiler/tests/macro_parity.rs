//! Parity of the two ways to compile a workflow: `flowc build` (the file through check,
//! codegen and cargo) and a Rust program using `workflow!` on the same text. Both replay
//! the same CSV; their events must be identical but for execution ids, timestamps and
//! durations, and so must their summaries (but for the wall time) and exit codes.

#![cfg(feature = "cli")]

mod support;

use std::path::Path;

use flow_compiler::build::{BuildRequest, Layout, build};
use support::{build_flow, events, run, stderr};

fn template() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/rsi_mean_reversion.flow");
    std::fs::read_to_string(path).expect("the template is readable")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/data")
        .join(name)
        .display()
        .to_string()
}

/// The events with what differs between any two runs removed.
fn comparable(events: &[serde_json::Value]) -> Vec<serde_json::Value> {
    events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some(obj) = e.as_object_mut() {
                for key in ["execution_id", "timestamp", "duration_ms"] {
                    obj.remove(key);
                }
            }
            e
        })
        .collect()
}

/// The summary without its wall time.
fn summary(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| match l.find(" finished in ") {
            Some(at) => l[..at].to_owned(),
            None => l.to_owned(),
        })
        .collect()
}

#[test]
fn workflow_macro_and_flowc_build_replay_identically() {
    let text = template();
    let by_flowc = build_flow(&text);

    let program = format!(
        "flow_runtime::workflow! {{\n{text}\n}}\n\n\
         fn main() -> ::std::process::ExitCode {{\n    rsi_mean_reversion::main()\n}}\n"
    );
    let request = BuildRequest {
        name: "rsi_mean_reversion_by_macro",
        source: &program,
        release: false,
        progress: false,
        macros: true,
    };
    let by_macro = match build(&Layout::from_env(), &request) {
        Ok(built) => built.executable,
        Err(err) => panic!("the macro program builds: {err}"),
    };

    let csv = fixture("rsi_swing.csv");
    let args = [
        "--replay",
        csv.as_str(),
        "--events",
        "-",
        "--param",
        "period=5",
    ];
    let a = run(&by_flowc, &args);
    let b = run(&by_macro, &args);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), a.status.code(), "{}", stderr(&b));

    let (ea, eb) = (events(&a), events(&b));
    let rows = std::fs::read_to_string(&csv)
        .expect("readable")
        .lines()
        .count()
        - 1;
    let ticks = ea
        .iter()
        .filter(|e| e["type"] == "execution_started")
        .count();
    assert_eq!(ticks, rows, "one tick per CSV row");
    assert!(
        ea.iter()
            .any(|e| e["type"] == "node_completed" && e["node_id"] == "rsi"),
        "the replay exercises the strategy"
    );
    assert_eq!(comparable(&ea), comparable(&eb));
    assert_eq!(summary(&stderr(&a)), summary(&stderr(&b)));

    // Bad arguments are refused the same way too.
    let a = run(&by_flowc, &["--param", "nope=1"]);
    let b = run(&by_macro, &["--param", "nope=1"]);
    assert_eq!(a.status.code(), Some(2));
    assert_eq!(b.status.code(), Some(2));
    assert_eq!(stderr(&a), stderr(&b));
}
