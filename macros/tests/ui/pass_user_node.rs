//! A node kind implemented by the user's own type, bound in the declaration.

use flow_runtime::ctx::Ctx;
use flow_runtime::node::{Compute, NodeError, NodeKind};

/// The gap between two prices, in basis points of the second; counts its runs.
#[derive(Default)]
pub struct GapBps {
    runs: i64,
}

#[derive(Clone, Debug)]
pub struct GapIn {
    pub a: f64,
    pub b: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct GapOut {
    pub bps: f64,
    pub runs: i64,
}

impl NodeKind for GapBps {
    const KIND: &'static str = "my.gap_bps";
    type In = GapIn;
    type Out = GapOut;
    fn new() -> Self {
        GapBps::default()
    }
}

impl Compute for GapBps {
    fn run(&mut self, _cx: &Ctx, input: GapIn) -> Result<GapOut, NodeError> {
        if input.b == 0.0 {
            return Err(NodeError::invalid("b is zero"));
        }
        self.runs += 1;
        Ok(GapOut { bps: (input.a - input.b) / input.b * 10_000.0, runs: self.runs })
    }
}

flow_runtime::workflow! {
    /// The gap between two venues' prices.
    extern node my.gap_bps(a: f64, b: f64) -> (bps: f64, runs: i64) = crate::GapBps

    workflow gap {
        node x = binance.price(pair: "BTCUSDT")
        node y = kraken.price(pair: "BTCUSDT")
        node g = my.gap_bps(a: x.price, b: y.price)
        output bps = g.bps
        output runs = g.runs
    }
}

fn main() {
    let mut runner = gap::Workflow::runner(gap::Params::new()).ticks(3).quiet(true);
    let events = runner.events_channel();
    let (report, outputs) = runner.run_collect_blocking().expect("a simulated run starts");
    assert_eq!(report.failed_ticks, 0);
    assert_eq!(outputs[2].runs, Some(3));
    assert!(outputs[2].bps.is_some_and(f64::is_finite));
    // The user node's events carry its declared kind and ports.
    let completed: Vec<_> = events
        .try_iter()
        .map(|e| e.json())
        .filter(|e| e["type"] == "node_completed" && e["node_id"] == "g")
        .collect();
    assert_eq!(completed.len(), 3);
    assert_eq!(completed[2]["outputs"]["runs"], 3);
}
