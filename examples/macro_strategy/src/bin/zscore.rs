//! A strategy with a node of your own, run in-process.
//!
//! `my.zscore` is declared in the workflow like any node kind, and bound to `ZScore`, a
//! Rust type of this crate implementing the runtime's node interface: `NodeKind` (its
//! `In` and `Out` structs have one field per declared port) and `Compute`. If the type
//! and the declaration disagree, the compiler says so on the declaration.
//!
//! With arguments, `main` is the executable `flowc build` would make (same flags, events,
//! summary and exit codes); without, it runs 500 simulated ticks through the programmatic
//! API and prints what happened:
//!
//! ```text
//! cargo run -p macro-strategy --bin zscore
//! cargo run -p macro-strategy --bin zscore -- --ticks 100 --events -
//! ```

use std::collections::VecDeque;
use std::process::ExitCode;

use flow_runtime::ctx::Ctx;
use flow_runtime::node::{Compute, NodeError, NodeKind};

/// How far the latest input is from the mean of the last `period` inputs, in standard
/// deviations (population).
#[derive(Debug, Default)]
pub struct ZScore {
    window: VecDeque<f64>,
}

#[derive(Clone, Debug)]
pub struct ZScoreIn {
    pub input: f64,
    pub period: i64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ZScoreOut {
    pub z: f64,
    pub ready: bool,
}

impl NodeKind for ZScore {
    const KIND: &'static str = "my.zscore";
    type In = ZScoreIn;
    type Out = ZScoreOut;

    fn new() -> Self {
        ZScore::default()
    }
}

impl Compute for ZScore {
    fn run(&mut self, _cx: &Ctx, input: ZScoreIn) -> Result<ZScoreOut, NodeError> {
        let period = usize::try_from(input.period)
            .ok()
            .filter(|p| *p >= 2)
            .ok_or_else(|| NodeError::invalid("period must be at least 2"))?;
        if !input.input.is_finite() {
            return Err(NodeError::invalid("input must be a finite number"));
        }
        self.window.push_back(input.input);
        while self.window.len() > period {
            self.window.pop_front();
        }
        let n = self.window.len() as f64;
        let mean = self.window.iter().sum::<f64>() / n;
        let var = self.window.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let z = if var > 0.0 {
            (input.input - mean) / var.sqrt()
        } else {
            0.0
        };
        Ok(ZScoreOut {
            z,
            ready: self.window.len() == period,
        })
    }
}

flow_runtime::workflow! {
    /// A z-score over a window of inputs (this crate's `ZScore`).
    extern node my.zscore(input: f64, period: i64 = 20) -> (z: f64, ready: bool) = crate::ZScore

    /// Buy when the price is `band` standard deviations below its recent mean, sell when it
    /// is as far above.
    workflow zscore_reversion {
        param pair: String = "BTCUSDT"
        param size: f64 = 0.01
        param band: f64 = 2

        schedule every 1m

        node px    = binance.price(pair: pair)
        node z     = my.zscore(input: px.price)
        node limit = risk.max_position(venue: "binance", pair: pair, limit: 0.05)
        node buy   = trade.buy(venue: "binance", pair: pair, amount: size)
                     when z.ready and z.z < -band and limit.ok
        node sell  = trade.sell(venue: "binance", pair: pair, amount: size)
                     when z.ready and z.z > band and limit.position >= size

        output z = z.z
        output position = limit.position
    }
}

fn main() -> ExitCode {
    if std::env::args_os().len() > 1 {
        return zscore_reversion::main();
    }
    let params = zscore_reversion::Params {
        band: 1.5,
        ..zscore_reversion::Params::default()
    };
    let mut runner = zscore_reversion::Workflow::runner(params)
        .ticks(500)
        .seed(7)
        .quiet(true);
    let events = runner.events_channel();
    match runner.run_collect_blocking() {
        Ok((report, outputs)) => {
            let orders = events
                .try_iter()
                .map(|e| e.json())
                .filter(|e| e["type"] == "node_completed")
                .filter(|e| e["node_id"] == "buy" || e["node_id"] == "sell")
                .count();
            let last = outputs.last().and_then(|o| o.z);
            println!(
                "{} ticks, {orders} orders, paper PnL {:+.2}, last z-score {}",
                report.ticks,
                report.ledger.realized_pnl + report.ledger.unrealized_pnl,
                last.map_or("(absent)".to_owned(), |z| format!("{z:.2}")),
            );
            ExitCode::from(report.exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
