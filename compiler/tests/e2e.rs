//! Generated programs, end to end: `.flow` text → checked graph → Rust → native executable,
//! run as a user runs it, and judged by its events, summary and exit code. Covers replay
//! (with the same fills as the runtime's hand-written program), skip propagation, retries
//! that end in failure, the emergency halt, and concurrent I/O within a stage.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use support::{build_flow, events, node_events, run, stderr};

/// The whole-program example of LANGUAGE.md, as the runtime's hand-written test wires it.
const RSI: &str = r#"
/// Buy when RSI says oversold, sell when overbought.
workflow e2e_rsi {
    param pair: String = "BTCUSDT"
    param size: f64 = 0.01
    param low: f64 = 30
    param high: f64 = 70

    schedule every 1m

    node px   = binance.price(pair: pair)
    node rsi  = ta.rsi(input: px.price, period: 14)
    node buy  = trade.buy(venue: "binance", pair: pair, amount: size)
                when rsi.ready and rsi.value < low
                with { retry: 3, backoff: 200ms, timeout: 2s }
    node sell = trade.sell(venue: "binance", pair: pair, amount: size)
                when rsi.ready and rsi.value > high

    output rsi = rsi.value
}
"#;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/data")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn replay_fills_like_the_hand_written_program() {
    let exe = build_flow(RSI);
    let out = run(
        &exe,
        &["--replay", &fixture("rsi_swing.csv"), "--events", "-"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = events(&out);

    // One execution per CSV row, each with its bar's date.
    let started: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "execution_started")
        .collect();
    let rows = std::fs::read_to_string(fixture("rsi_swing.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(started.len(), rows);
    assert_eq!(started[18]["bar_time"], "2024-01-19");

    // The same fills as runtime/tests/handwritten.rs: four buys, two sells.
    let buys = node_events(&events, "node_completed", "buy");
    let sells = node_events(&events, "node_completed", "sell");
    assert_eq!((buys.len(), sells.len()), (4, 2));
    assert!(
        buys.iter()
            .chain(&sells)
            .all(|e| e["outputs"]["filled"] == true)
    );
    let summary = stderr(&out);
    assert!(summary.contains("6 trades"), "{summary}");
    assert!(summary.contains("realized +0.48"), "{summary}");

    // Every tick reports the output; before RSI is ready the orders are skipped by `when`.
    let completed: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "execution_completed")
        .collect();
    assert!(completed.iter().all(|e| e["results"]["rsi"].is_number()));
    let first_skip = &node_events(&events, "node_skipped", "buy")[0];
    assert_eq!(first_skip["reason"], "when condition is false");
}

#[test]
fn failures_retry_then_skip_downstream_and_fail_the_tick() {
    // Nothing listens on this port: every attempt is refused, a transient failure.
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", dead.local_addr().unwrap());
    drop(dead);
    let exe = build_flow(
        r#"
        workflow e2e_failures {
            param url: String
            node call = http.request(method: "GET", url: url) with { retry: 2, backoff: 10ms, timeout: 1s }
            node log = notify.log(message: call.body)
            node px = binance.price(pair: "BTCUSDT")
            output status = call.status
            output price = px.price
        }
        "#,
    );
    let out = run(
        &exe,
        &[
            "--param",
            &format!("url={url}"),
            "--events",
            "-",
            "--ticks",
            "2",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed tick exits 1:\n{}",
        stderr(&out)
    );
    let events = events(&out);
    let failed = node_events(&events, "node_failed", "call");
    assert_eq!(failed.len(), 2, "one failure per tick");
    assert_eq!(failed[0]["attempts"], 3, "the first call and two retries");
    assert_eq!(failed[0]["error_type"], "Transient");
    let skipped = node_events(&events, "node_skipped", "log");
    assert_eq!(skipped.len(), 2);
    assert!(
        skipped[0]["reason"].as_str().unwrap().contains("`call`"),
        "{}",
        skipped[0]
    );
    // The independent data node still ran; the output reading the failed node is absent.
    assert_eq!(node_events(&events, "node_completed", "px").len(), 2);
    let done: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "execution_completed")
        .collect();
    assert_eq!(done[0]["status"], "failed");
    assert!(done[0]["results"]["price"].is_number());
    assert!(
        done[0]["results"].get("status").is_none_or(|v| v.is_null()),
        "{}",
        done[0]
    );
}

#[test]
fn halt_refuses_orders_while_data_nodes_go_on() {
    let exe = build_flow(
        r#"
        workflow e2e_halt {
            node px = binance.price(pair: "BTCUSDT")
            node buy = trade.buy(venue: "binance", pair: "BTCUSDT", amount: 0.01) when px.price > 0
            output price = px.price
        }
        "#,
    );
    let halt = std::env::temp_dir().join(format!("flow-e2e-halt-{}", std::process::id()));
    std::fs::write(&halt, "halt").unwrap();
    let out = run(
        &exe,
        &[
            "--halt-file",
            &halt.display().to_string(),
            "--events",
            "-",
            "--ticks",
            "3",
        ],
    );
    let _ = std::fs::remove_file(&halt);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let first = events(&out);
    let refused = node_events(&first, "node_failed", "buy");
    assert_eq!(refused.len(), 3);
    assert_eq!(refused[0]["error_type"], "EmergencyHalt");
    assert_eq!(node_events(&first, "node_completed", "px").len(), 3);

    // Without the halt file the same program trades.
    let out = run(
        &exe,
        &[
            "--halt-file",
            &halt.display().to_string(),
            "--events",
            "-",
            "--ticks",
            "3",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(node_events(&events(&out), "node_completed", "buy").len(), 3);
}

/// A server on 127.0.0.1 that answers every request after 50 ms, each on its own thread, so
/// concurrent requests overlap. Serves `requests` connections, then stops.
fn slow_server(requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = stream.read(&mut buf);
                std::thread::sleep(Duration::from_millis(50));
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            });
        }
    });
    format!("http://{addr}/")
}

#[test]
fn independent_io_nodes_of_a_stage_run_concurrently() {
    let mut source = String::from("workflow e2e_concurrent {\n    param url: String\n");
    for i in 0..8 {
        source.push_str(&format!(
            "    node r{i} = http.request(method: \"GET\", url: url)\n"
        ));
    }
    source.push_str("    output total = r0.status + r1.status + r2.status + r3.status + r4.status + r5.status + r6.status + r7.status\n}\n");
    let exe = build_flow(&source);
    let schedule = {
        let analysis =
            flow_compiler::analyze("c.flow", &source, &mut flow_compiler::check::NoFiles);
        flow_compiler::codegen::schedule_text(&analysis.graphs[0])
    };
    assert_eq!(
        schedule.lines().count(),
        1,
        "all eight requests are one stage:\n{schedule}"
    );

    let url = slow_server(8);
    let out = run(&exe, &["--param", &format!("url={url}"), "--events", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = events(&out);
    let done = events
        .iter()
        .find(|e| e["type"] == "execution_completed")
        .expect("one tick");
    assert_eq!(done["results"]["total"], 8 * 200);
    let ms = done["duration_ms"].as_f64().unwrap();
    eprintln!("8 concurrent 50 ms I/O nodes: one tick took {ms:.1} ms");
    // Sequential awaits would take 8 × 50 ms = 400 ms; together they take about 50 ms.
    assert!(
        (50.0..250.0).contains(&ms),
        "one tick of 8 × 50 ms requests took {ms} ms"
    );
}

#[test]
fn large_flows_split_into_stage_methods_and_run() {
    // 450 nodes: past the split threshold, so the tick calls methods per stage. A chain of
    // 100 conditions (100 stages) beside 199 independent ones, and 151 price nodes in the
    // first stage: more than one `join!` can take, so they are joined as a tree.
    let mut source =
        String::from("workflow e2e_large {\n    node px = binance.price(pair: \"BTCUSDT\")\n");
    for i in 0..150 {
        source.push_str(&format!("    node q{i} = kraken.price(pair: \"XBTUSD\")\n"));
    }
    source.push_str("    node c0 = cond.threshold(value: px.price, min: 1)\n");
    source.push_str("    node c1 = cond.and(a: c0.pass, b: true)\n");
    for i in 2..100 {
        source.push_str(&format!(
            "    node c{i} = cond.and(a: c{}.out, b: true)\n",
            i - 1
        ));
    }
    for i in 0..199 {
        source.push_str(&format!(
            "    node w{i} = cond.threshold(value: q{}.price, min: {i})\n",
            i % 150
        ));
    }
    source.push_str("    output chained = c99.out\n    output wide = w198.pass\n}\n");
    let analysis =
        flow_compiler::analyze("large.flow", &source, &mut flow_compiler::check::NoFiles);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let graph = &analysis.graphs[0];
    assert_eq!(graph.nodes.len(), 450);
    let rust = flow_compiler::codegen::emit(graph, &flow_compiler::codegen::Config::default());
    // Compute parts are plain methods of at most 64 nodes; only the I/O part is async.
    assert!(rust.contains("async fn stage_0_io("), "an async I/O part");
    assert!(
        rust.contains("    fn stage_100_"),
        "a plain method for the last stage"
    );
    assert!(
        !rust.contains("async fn stage_1_"),
        "compute parts are not async"
    );
    let largest = rust
        .split("fn stage_")
        .skip(1)
        .map(|method| method.matches(".compute(cx, t,").count())
        .max();
    assert_eq!(
        largest,
        Some(64),
        "200 compute nodes of one stage in chunks of 64"
    );
    assert!(
        rust.matches("__rt::tokio::join!(").count() >= 6,
        "151 futures joined as a tree of joins of at most 32"
    );

    let exe = build_flow(&source);
    let out = run(&exe, &["--events", "-", "--ticks", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = events(&out);
    let done: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "execution_completed")
        .collect();
    assert_eq!(done.len(), 2);
    assert_eq!(done[0]["results"]["chained"], true);
    assert_eq!(done[0]["results"]["wide"], true);
    assert_eq!(node_events(&events, "node_completed", "c99").len(), 2);
    assert_eq!(node_events(&events, "node_completed", "q149").len(), 2);
}
