//! The benchmark flows written by hand: direct calls on the runtime's nodes with typed
//! locals, no executor, no events, no policies. The floor generated code is measured against.

use flow_runtime::ctx::Ctx;
use flow_runtime::node::{Compute, Io, NodeKind};
use flow_runtime::nodes::{binance::price, cond::threshold, ta::rsi};

/// price → RSI → condition.
pub struct Chain3 {
    px: price::Node,
    rsi: rsi::Node,
    sig: threshold::Node,
}

impl Default for Chain3 {
    fn default() -> Self {
        Chain3 {
            px: price::Node::new(),
            rsi: rsi::Node::new(),
            sig: threshold::Node::new(),
        }
    }
}

impl Chain3 {
    pub async fn tick(&mut self, cx: &Ctx) -> Option<bool> {
        let px = Io::run(
            &mut self.px,
            cx,
            price::In {
                pair: String::from("BTCUSDT"),
            },
        )
        .await
        .ok()?;
        let rsi = Compute::run(
            &mut self.rsi,
            cx,
            rsi::In {
                input: px.price,
                period: 14,
            },
        )
        .ok()?;
        let sig = Compute::run(
            &mut self.sig,
            cx,
            threshold::In {
                value: rsi.value,
                min: f64::NEG_INFINITY,
                max: 30.0,
            },
        )
        .ok()?;
        Some(sig.pass)
    }
}

/// One price feeding 50 independent thresholds.
pub struct Wide50 {
    px: price::Node,
    conds: Vec<threshold::Node>,
}

impl Default for Wide50 {
    fn default() -> Self {
        Wide50 {
            px: price::Node::new(),
            conds: (0..50).map(|_| threshold::Node::new()).collect(),
        }
    }
}

impl Wide50 {
    pub async fn tick(&mut self, cx: &Ctx) -> Option<bool> {
        let px = Io::run(
            &mut self.px,
            cx,
            price::In {
                pair: String::from("BTCUSDT"),
            },
        )
        .await
        .ok()?;
        let mut last = false;
        for (i, node) in self.conds.iter_mut().enumerate() {
            let input = threshold::In {
                value: px.price,
                min: i as f64 * 1000.0,
                max: f64::INFINITY,
            };
            last = Compute::run(node, cx, input).ok()?.pass;
        }
        Some(last)
    }
}
