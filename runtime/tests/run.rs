//! The tick loop, the executable's command line and the event sinks, end to end, over the
//! hand-written workflows of `common`.

mod common;

use std::path::{Path, PathBuf};

use common::{Demo, GATE, Gated, Once};
use flow_runtime::__private::{ParamValues, Value, tokio};
use flow_runtime::clock::{SIM_EPOCH_MS, parse_bar_time_ms};
use flow_runtime::config::{Mode, RunConfig};
use flow_runtime::run::{Runner, cli};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flow-run-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the CLI of `W` with `args`; returns the exit code and what it wrote for the user.
fn run_cli<W: flow_runtime::run::Workflow>(args: &[&str]) -> (u8, String) {
    let mut err = Vec::new();
    let mut argv = vec![W::NAME];
    argv.extend_from_slice(args);
    let code = cli::<W, _, _>(argv, &mut err);
    (code, String::from_utf8(err).unwrap())
}

fn output(outputs: &[(&'static str, Option<Value>)], name: &str) -> Option<Value> {
    outputs
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, v)| v.clone())
}

#[test]
fn sim_ticks_advance_the_simulated_clock_by_the_interval() {
    let report = Runner::<Demo>::new(RunConfig {
        ticks: Some(3),
        ..RunConfig::default()
    })
    .run_blocking()
    .unwrap();
    assert_eq!(report.ticks, 3);
    assert_eq!(report.failed_ticks, 0);
    assert_eq!(
        (
            report.nodes_completed,
            report.nodes_skipped,
            report.nodes_failed
        ),
        (9, 0, 0)
    );
    assert_eq!(report.exit_code(), 0);
    for (i, t) in report.tick_reports.iter().enumerate() {
        assert_eq!(
            output(&t.outputs, "now"),
            Some(Value::I64(SIM_EPOCH_MS + i as i64 * 60_000))
        );
        assert_eq!(output(&t.outputs, "done"), Some(Value::Bool(true)));
    }
    assert_eq!(report.last_outputs, report.tick_reports[2].outputs);
    assert!(!report.interrupted);
}

#[test]
fn a_failed_node_fails_its_tick_and_skips_what_reads_it() {
    let config = RunConfig {
        ticks: Some(3),
        params: vec![("fail_at".into(), "1".into())],
        ..RunConfig::default()
    };
    let mut runner = Runner::<Demo>::new(config);
    let rx = runner.events_channel();
    let report = runner.run_blocking().unwrap();
    assert_eq!(
        (report.ticks, report.failed_ticks, report.exit_code()),
        (3, 1, 1)
    );
    let t1 = &report.tick_reports[1];
    assert!(t1.failed);
    assert_eq!(
        (t1.counts.completed, t1.counts.skipped, t1.counts.failed),
        (1, 1, 1)
    );
    assert_eq!(output(&t1.outputs, "sum"), None);
    assert_eq!(
        output(&t1.outputs, "now"),
        Some(Value::I64(SIM_EPOCH_MS + 60_000))
    );
    let events: Vec<serde_json::Value> = rx.try_iter().map(|e| e.json()).collect();
    let skipped = events.iter().find(|e| e["type"] == "node_skipped").unwrap();
    assert_eq!(skipped["node_id"], "order");
    assert_eq!(skipped["reason"], "input `add` failed");
    let completed: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["type"] == "execution_completed")
        .collect();
    let statuses: Vec<&str> = completed
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "failed", "completed"]);
    // Absent outputs are left out of `results`.
    assert!(completed[1]["results"].get("sum").is_none());
    assert_eq!(completed[0]["results"]["done"], true);
}

#[test]
fn schedule_once_runs_one_tick_by_default() {
    let mut params = ParamValues::new();
    params.set("limit", 2.5);
    let report = Runner::<Once>::new(RunConfig::default())
        .params(params)
        .run_blocking()
        .unwrap();
    assert_eq!(report.ticks, 1);
    assert_eq!(output(&report.last_outputs, "sum"), Some(Value::F64(3.5)));
}

#[test]
fn replay_runs_one_tick_per_row_and_reports_bar_times() {
    let config = RunConfig {
        mode: Mode::Replay,
        replay: Some(data("tiny.csv")),
        ..RunConfig::default()
    };
    let mut runner = Runner::<Demo>::new(config);
    let rx = runner.events_channel();
    let report = runner.run_blocking().unwrap();
    assert_eq!(report.ticks, 3);
    let bar_times: Vec<Option<String>> = report
        .tick_reports
        .iter()
        .map(|t| t.bar_time.clone())
        .collect();
    assert_eq!(
        bar_times,
        [
            Some("2024-03-01".into()),
            Some("2024-03-02".into()),
            Some("2024-03-03".into())
        ]
    );
    // The run clock stands at each bar's date.
    let expected = parse_bar_time_ms("2024-03-02").unwrap();
    assert_eq!(
        output(&report.tick_reports[1].outputs, "now"),
        Some(Value::I64(expected))
    );
    let started: Vec<serde_json::Value> = rx
        .try_iter()
        .map(|e| e.json())
        .filter(|e| e["type"] == "execution_started")
        .collect();
    assert_eq!(started.len(), 3);
    assert_eq!(started[2]["bar_time"], "2024-03-03");
    assert_eq!(started[2]["tick"], 2);
    assert_eq!(started[2]["node_count"], 3);
    // --ticks caps a replay.
    let config = RunConfig {
        mode: Mode::Replay,
        replay: Some(data("tiny.csv")),
        ticks: Some(2),
        ..RunConfig::default()
    };
    assert_eq!(Runner::<Demo>::new(config).run_blocking().unwrap().ticks, 2);
}

#[test]
fn stop_handle_ends_an_endless_run_after_the_tick_in_flight() {
    let runner = Runner::<Demo>::new(RunConfig::default());
    let stop = runner.stop_handle();
    let mut seen = 0;
    let mut runner = runner;
    runner.subscribe(move |e| {
        if e.kind == flow_runtime::events::EventKind::ExecutionCompleted {
            seen += 1;
            if seen == 5 {
                stop.stop();
            }
        }
    });
    let report = runner.run_blocking().unwrap();
    assert_eq!(report.ticks, 5);
    assert!(report.interrupted);
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn halt_switch_refuses_effect_nodes_in_a_run() {
    let runner = Runner::<Demo>::new(RunConfig {
        ticks: Some(2),
        ..RunConfig::default()
    });
    runner.halt_switch().set(true);
    let report = runner.run_blocking().unwrap();
    assert_eq!(report.failed_ticks, 2);
    let t = &report.tick_reports[0];
    assert_eq!(t.failures[0].node_id, "order");
    assert_eq!(t.failures[0].error.kind.as_str(), "EmergencyHalt");
    assert_eq!(t.failures[0].attempts, 0);
    // Data nodes went on.
    assert!(output(&t.outputs, "sum").is_some());
}

// ---- the command line ---------------------------------------------------------------------------

#[test]
fn cli_runs_and_prints_the_summary() {
    let (code, err) = run_cli::<Demo>(&["--ticks", "4", "--seed", "7", "--param", "size=2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("flow: demo (sim) finished in"), "{err}");
    assert!(err.contains("ticks    4 (0 failed)"), "{err}");
    assert!(
        err.contains("nodes    12 run, 0 skipped, 0 failed"),
        "{err}"
    );
    assert!(err.contains("paper    "), "{err}");
    assert!(err.contains("cash "), "{err}");
    assert!(err.contains("outputs  now = "), "{err}");
    assert!(err.contains("done = true"), "{err}");
    let (code, err) = run_cli::<Demo>(&["--ticks", "1", "--quiet"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn cli_exit_1_when_a_tick_failed() {
    let (code, err) = run_cli::<Demo>(&["--ticks", "2", "--param", "fail_at=0"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("ticks    2 (1 failed)"), "{err}");
}

#[test]
fn cli_bad_arguments_exit_2_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["--tick", "3"], "--ticks"),
        (&["--ticks", "many"], "invalid value 'many'"),
        (&["--mode", "paper"], "invalid value 'paper'"),
        (
            &["--param", "sise=2"],
            "unknown param `sise`: did you mean `size`?",
        ),
        (&["--param", "size"], "expected NAME=VALUE"),
        (
            &["--param", "size=lots"],
            "invalid value \"lots\" for param `size` of type f64",
        ),
        (&["--param", "fail_at=1.5"], "of type i64"),
        (
            &["--param", "size=1", "--param", "size=2"],
            "param `size` given twice",
        ),
        (&["--cash", "-5"], "non-negative amount"),
        (&["--fee-bps", "abc"], "basis points"),
        (&["--serve", "nowhere"], "expected an address"),
        (&["--mode", "live"], "live mode is not available yet"),
        (&["--mode", "replay"], "--mode replay needs a file"),
        (
            &["--mode", "sim", "--replay", "x.csv"],
            "--replay cannot be used with --mode sim",
        ),
        (
            &["--replay", "/nonexistent/flow/prices.csv"],
            "cannot read replay file /nonexistent/flow/prices.csv",
        ),
        (
            &["--events", "/nonexistent/dir/ev.jsonl", "--ticks", "1"],
            "cannot create --events file",
        ),
    ];
    for (args, expected) in cases {
        let (code, err) = run_cli::<Demo>(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in:\n{err}"
        );
    }
    let (code, err) = run_cli::<Once>(&[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("missing required param `limit`: give it with --param limit=VALUE"),
        "{err}"
    );
}

#[test]
fn cli_bad_csv_exits_2_naming_the_row_and_column() {
    let path = data("bad_close.csv");
    let (code, err) = run_cli::<Demo>(&["--replay", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let lower = err.to_lowercase();
    assert!(lower.contains("row") && lower.contains("close"), "{err}");
}

#[test]
fn cli_help_lists_the_params() {
    let (code, _) = run_cli::<Demo>(&["--help"]);
    assert_eq!(code, 0);
}

#[test]
fn cli_events_file_holds_schema_conformant_json_lines() {
    let dir = scratch("events");
    let path = dir.join("events.jsonl");
    let (code, err) = run_cli::<Demo>(&[
        "--ticks",
        "2",
        "--quiet",
        "--param",
        "fail_at=1",
        "--events",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Tick 0: started, 3 x (node_started, node_completed), completed; tick 1: started,
    // now ok, add failed, order skipped, completed.
    assert_eq!(events.len(), 8 + 7);
    let mut ids = std::collections::BTreeSet::new();
    for e in &events {
        let ty = e["type"].as_str().unwrap();
        for field in ["execution_id", "workflow_id", "timestamp"] {
            assert!(e[field].is_string(), "{field} in {e}");
        }
        assert_eq!(e["workflow_id"], "demo");
        assert!(humantime::parse_rfc3339(e["timestamp"].as_str().unwrap()).is_ok());
        ids.insert(e["execution_id"].as_str().unwrap().to_owned());
        let required: &[&str] = match ty {
            "execution_started" => &["tick", "node_count"],
            "node_started" => &["node_id", "node_kind"],
            "node_completed" => &["node_id", "duration_ms", "status", "outputs"],
            "node_skipped" => &["node_id", "reason"],
            "node_failed" => &["node_id", "duration_ms", "error", "error_type", "attempts"],
            "execution_completed" => &["duration_ms", "status", "results"],
            other => panic!("unexpected event type {other}"),
        };
        for field in required {
            assert!(e.get(*field).is_some(), "{field} missing in {e}");
        }
        if ty == "node_completed" {
            assert_eq!(e["status"], "success");
            assert!(e["duration_ms"].is_f64());
            assert!(e["outputs"].is_object());
        }
    }
    // One execution id per tick.
    assert_eq!(ids.len(), 2);
    assert_eq!(events[0]["type"], "execution_started");
    assert_eq!(events[7]["type"], "execution_completed");
    assert_eq!(events[7]["status"], "completed");
    assert_eq!(events[14]["status"], "failed");
    let failed = events.iter().find(|e| e["type"] == "node_failed").unwrap();
    assert_eq!(
        (failed["node_id"].as_str(), failed["error_type"].as_str()),
        (Some("add"), Some("InvalidInput"))
    );
    let completed_add = events
        .iter()
        .find(|e| e["type"] == "node_completed" && e["node_id"] == "add")
        .unwrap();
    assert!(completed_add["outputs"]["sum"].is_f64());
}

#[test]
fn cli_history_stores_every_event_in_sqlite() {
    let dir = scratch("history");
    let db = dir.join("runs.db");
    for _ in 0..2 {
        let (code, err) =
            run_cli::<Demo>(&["--ticks", "3", "--quiet", "--history", db.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    // Two runs of 3 ticks, each tick 1 + 3*2 + 1 events.
    assert_eq!(count, 2 * 3 * 8);
    let node_rows: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE type = 'node_completed' AND node_id = 'order'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(node_rows, 6);
    let (ty, json): (String, String) = conn
        .query_row(
            "SELECT type, json FROM events ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(ty, "execution_started");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tick"], 0);
    let executions: i64 = conn
        .query_row(
            "SELECT count(*) FROM executions WHERE status = 'completed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(executions, 6);
    let distinct: i64 = conn
        .query_row("SELECT count(DISTINCT execution_id) FROM events", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(distinct, 6, "execution ids are unique across runs");
}

#[test]
fn cli_halt_file_refuses_orders_while_it_exists() {
    let dir = scratch("halt");
    let halt = dir.join("HALT");
    std::fs::write(&halt, b"").unwrap();
    let events = dir.join("ev.jsonl");
    let (code, err) = run_cli::<Demo>(&[
        "--ticks",
        "1",
        "--halt-file",
        halt.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("failed   order (EmergencyHalt) x1"), "{err}");
    let text = std::fs::read_to_string(&events).unwrap();
    let failed: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["type"] == "node_failed")
        .unwrap();
    assert_eq!(failed["error_type"], "EmergencyHalt");
    assert_eq!(failed["attempts"], 0);
    std::fs::remove_file(&halt).unwrap();
    let (code, err) = run_cli::<Demo>(&["--ticks", "1", "--halt-file", halt.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[tokio::test]
async fn serve_broadcasts_events_to_websocket_clients() {
    use futures_util::StreamExt;
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let config = RunConfig {
        ticks: Some(2),
        serve: Some("127.0.0.1:0".parse().unwrap()),
        ..RunConfig::default()
    };
    let runner = Runner::<Gated>::new(config).on_serving(move |addr| {
        let _ = addr_tx.send(addr);
    });
    let client = async {
        let addr = addr_rx.await.unwrap();
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/"), stream)
            .await
            .unwrap();
        // Connected: let the run start its first tick.
        GATE.notify_one();
        let mut got = Vec::new();
        while let Some(Ok(message)) = ws.next().await {
            match message {
                tokio_tungstenite::tungstenite::Message::Text(text) => {
                    got.push(serde_json::from_str::<serde_json::Value>(text.as_str()).unwrap())
                }
                tokio_tungstenite::tungstenite::Message::Close(_) => break,
                _ => {}
            }
        }
        got
    };
    let (report, events) = tokio::join!(runner.run(), client);
    let report = report.unwrap();
    assert_eq!(report.ticks, 2);
    // The client connected while `gate` waited in tick 0, so it gets every event from
    // `gate`'s completion on, in order: 4 of tick 0 and 1 + 2*2 + 1 of tick 1.
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "node_completed",
            "node_started",
            "node_completed",
            "execution_completed",
            "execution_started",
            "node_started",
            "node_completed",
            "node_started",
            "node_completed",
            "execution_completed"
        ]
    );
    assert_eq!(events[0]["node_id"], "gate");
    assert_eq!(events[4]["workflow_id"], "gated");
    assert_eq!(events[4]["tick"], 1);
    assert_eq!(events[8]["outputs"]["sum"], 3.0);
}
