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
    // A replay: one tick per CSV row, outputs per tick through a callback too.
    let csv = "Date,Open,High,Low,Close,Volume\n\
               2024-01-01,100,101,99,100,10\n\
               2024-01-02,100,101,95,96,10\n\
               2024-01-03,96,97,90,91,10\n\
               2024-01-04,91,92,85,86,10\n\
               2024-01-05,86,87,80,81,10\n";
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = std::rc::Rc::clone(&seen);
    let report = rsi_demo::Workflow::runner(rsi_demo::Params::new())
        .replay_text(csv, "bars.csv")
        .quiet(true)
        .on_outputs(move |tick, outputs| {
            assert_eq!(tick.outputs.len(), 1);
            counter.set(counter.get() + usize::from(outputs.rsi.is_some()));
        })
        .run_blocking()
        .expect("the replay starts");
    assert_eq!(report.ticks, 5);
    assert_eq!(report.tick_reports[0].bar_time.as_deref(), Some("2024-01-01"));
    assert_eq!(seen.get(), 5);
    // Falling closes: RSI reaches 0 and the workflow buys.
    assert!(report.ledger.trades > 0);
    // `main` parses the process's flags like a `flowc`-built executable: none here, so one
    // would run until Ctrl-C; the in-process run above is the test.
    let _: fn() -> ExitCode = rsi_demo::main;
    ExitCode::SUCCESS
}
