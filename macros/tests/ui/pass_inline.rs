//! The language inline: a module per workflow, runnable in-process and as `main`.

use std::process::ExitCode;

flow_runtime::workflow! {
    /// Buy when RSI says oversold.
    workflow rsi_demo {
        param pair: String = "BTCUSDT"
        param size: f64 = 0.01
        param low: f64 = 30

        schedule every 1m

        node px  = binance.price(pair: pair)
        node rsi = ta.rsi(input: px.price, period: 3)
        node buy = trade.buy(venue: "binance", pair: pair, amount: size)
                   when rsi.ready and rsi.value < low
                   with { retry: 2, backoff: 250ms, timeout: 2s }

        output rsi = rsi.value
    }
}

fn main() -> ExitCode {
    let params = rsi_demo::Params { low: 40.0, ..rsi_demo::Params::default() };
    let (report, outputs) = rsi_demo::Workflow::runner(params)
        .ticks(5)
        .quiet(true)
        .run_collect_blocking()
        .expect("a simulated run starts");
    assert_eq!(report.ticks, 5);
    assert_eq!(outputs.len(), 5);
    assert!(outputs[4].rsi.is_some());
    // `main` parses the process's flags like a `flowc`-built executable: none here, so one
    // would run until Ctrl-C; the in-process run above is the test.
    let _: fn() -> ExitCode = rsi_demo::main;
    ExitCode::SUCCESS
}
