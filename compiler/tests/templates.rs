//! The strategy templates (`examples/*.flow`): each is a snapshot of its generated Rust, its
//! static schedule and its Mermaid picture; each builds, runs 50 seeded simulated ticks with
//! exit 0, and over a longer seeded run fires the signals it exists for.

mod support;

use std::path::Path;

#[test]
fn template_snapshots() {
    insta::glob!("../../examples", "*.flow", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let analysis =
            flow_compiler::analyze("template.flow", &text, &mut flow_compiler::check::NoFiles);
        assert!(
            analysis.diagnostics.is_empty(),
            "{} must check without warnings",
            path.display()
        );
        let graph = &analysis.graphs[0];
        let mut out = String::from("--- schedule ---\n");
        out.push_str(&flow_compiler::codegen::schedule_text(graph));
        out.push_str("--- mermaid ---\n");
        out.push_str(&flow_compiler::render::mermaid(graph));
        out.push_str("--- rust ---\n");
        out.push_str(&flow_compiler::codegen::emit(
            graph,
            &flow_compiler::codegen::Config::default(),
        ));
        insta::assert_snapshot!(out);
    });
}

/// The nodes that must complete at least once in 600 seeded ticks: the signals each
/// strategy is for.
const EXPECTED: &[(&str, &[&str])] = &[
    ("bollinger_bands", &["buy", "sell"]),
    (
        "cross_exchange_arbitrage",
        &["restock_binance", "restock_kraken", "buy_leg", "sell_leg"],
    ),
    ("delta_neutral", &["add_spot", "add_short"]),
    ("ema_cross", &["buy", "sell"]),
    ("funding_rate_arbitrage", &["enter_spot", "enter_perp"]),
    ("gpu_capacity", &["rent", "announce"]),
    ("grid_trading", &["buy", "sell"]),
    ("macd_crossover", &["buy", "sell"]),
    ("market_making", &["requote", "bid", "ask"]),
    ("rsi_mean_reversion", &["buy", "sell"]),
    ("support_resistance", &["buy", "sell"]),
    ("volume_spike", &["buy", "note"]),
];

#[test]
fn templates_build_run_and_trade() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for template in flow_compiler::templates::TEMPLATES {
        let on_disk =
            std::fs::read_to_string(dir.join(format!("{}.flow", template.name))).expect("readable");
        assert_eq!(
            on_disk, template.source,
            "the embedded copy of {} is current",
            template.name
        );
        let expected = EXPECTED
            .iter()
            .find(|(n, _)| *n == template.name)
            .map(|(_, e)| *e);
        let expected =
            expected.unwrap_or_else(|| panic!("{} has expectations in EXPECTED", template.name));

        let exe = support::build_flow(template.source);
        let short = support::run(&exe, &["--ticks", "50", "--seed", "7", "--quiet"]);
        assert_eq!(
            short.status.code(),
            Some(0),
            "{}: 50 ticks:\n{}",
            template.name,
            support::stderr(&short)
        );

        let long = support::run(
            &exe,
            &["--ticks", "600", "--seed", "7", "--quiet", "--events", "-"],
        );
        assert_eq!(
            long.status.code(),
            Some(0),
            "{}: 600 ticks:\n{}",
            template.name,
            support::stderr(&long)
        );
        let events = support::events(&long);
        for node in expected {
            let fired = support::node_events(&events, "node_completed", node).len();
            assert!(
                fired > 0,
                "{}: `{node}` never ran in 600 seeded ticks",
                template.name
            );
        }
    }
}
