//! A workflow written by hand exactly as the code generator emits it, running on the real
//! node library: price -> RSI -> buy/sell, replaying a CSV whose closes push RSI(14) below
//! 30 and then above 70. This is the shape of generated code:
//!
//! ```flow
//! workflow rsi_mean_reversion {
//!     param pair: String = "BTCUSDT"
//!     param size: f64 = 0.01
//!     param low: f64 = 30
//!     param high: f64 = 70
//!     schedule every 1m
//!     node px   = binance.price(pair: pair)
//!     node rsi  = ta.rsi(input: px.price, period: 14)
//!     node buy  = trade.buy(venue: "binance", pair: pair, amount: size)
//!                 when rsi.ready and rsi.value < low
//!                 with { retry: 3, backoff: 200ms, timeout: 2s }
//!     node sell = trade.sell(venue: "binance", pair: pair, amount: size)
//!                 when rsi.ready and rsi.value > high
//!     output rsi = rsi.value
//! }
//! ```

#![allow(
    clippy::manual_unwrap_or,
    reason = "written the way the code generator writes it"
)]

use std::path::Path;

use flow_runtime::__private as __rt;
use flow_runtime::config::{Mode, RunConfig};
use flow_runtime::run::Runner;

// ---- what `flowc emit` produces (modulo formatting) ----------------------------------------

/// The workflow's params.
pub struct Params {
    pub pair: ::std::string::String,
    pub size: ::std::primitive::f64,
    pub low: ::std::primitive::f64,
    pub high: ::std::primitive::f64,
}

/// The named outputs of one tick; `None` when the output read a node that did not run.
pub struct Outputs {
    pub rsi: ::std::option::Option<::std::primitive::f64>,
}

/// Static facts about each node, indexed by node id (topological order).
static NODES: [__rt::NodeMeta; 4] = [
    __rt::NodeMeta {
        id: "px",
        kind: "binance.price",
        effect: false,
        policy: __rt::Policy {
            retry: None,
            backoff_ms: None,
            timeout_ms: None,
            breaker: None,
        },
    },
    __rt::NodeMeta {
        id: "rsi",
        kind: "ta.rsi",
        effect: false,
        policy: __rt::Policy {
            retry: None,
            backoff_ms: None,
            timeout_ms: None,
            breaker: None,
        },
    },
    __rt::NodeMeta {
        id: "buy",
        kind: "trade.buy",
        effect: true,
        policy: __rt::Policy {
            retry: ::std::option::Option::Some(3u32),
            backoff_ms: ::std::option::Option::Some(200u64),
            timeout_ms: ::std::option::Option::Some(2000u64),
            breaker: None,
        },
    },
    __rt::NodeMeta {
        id: "sell",
        kind: "trade.sell",
        effect: true,
        policy: __rt::Policy {
            retry: None,
            backoff_ms: None,
            timeout_ms: None,
            breaker: None,
        },
    },
];

/// Buy when RSI says oversold, sell when overbought.
pub struct Workflow {
    params: Params,
    n_px: __rt::Slot<__rt::nodes::binance::price::Node>,
    n_rsi: __rt::Slot<__rt::nodes::ta::rsi::Node>,
    n_buy: __rt::Slot<__rt::nodes::trade::buy::Node>,
    n_sell: __rt::Slot<__rt::nodes::trade::sell::Node>,
}

impl Workflow {
    pub fn new(params: Params) -> Self {
        Workflow {
            n_px: __rt::Slot::new(),
            n_rsi: __rt::Slot::new(),
            n_buy: __rt::Slot::new(),
            n_sell: __rt::Slot::new(),
            params,
        }
    }

    /// Runs one tick: every stage in order, then the outputs.
    pub async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick<'_>) -> Outputs {
        // Stage 0: px
        let v_px = {
            let input = __rt::nodes::binance::price::In {
                pair: self.params.pair.clone(),
            };
            self.n_px.io(cx, t, &NODES[0], input).await
        };
        // Stage 1: rsi
        let v_rsi = match (&v_px,) {
            (::std::option::Option::Some(d_px),) => {
                let input = __rt::nodes::ta::rsi::In {
                    input: d_px.price,
                    period: 14i64,
                };
                self.n_rsi.compute(cx, t, &NODES[1], input)
            }
            _ => {
                t.skip(
                    &NODES[1],
                    __rt::SkipReason::upstream(&[("px", v_px.is_some())]),
                );
                ::std::option::Option::None
            }
        };
        // Stage 2: buy, sell
        let in_buy = match (&v_rsi,) {
            (::std::option::Option::Some(d_rsi),) => {
                if d_rsi.ready && d_rsi.value < self.params.low {
                    let input = __rt::nodes::trade::buy::In {
                        venue: ::std::string::String::from("binance"),
                        pair: self.params.pair.clone(),
                        amount: self.params.size,
                        limit: 0f64,
                    };
                    ::std::option::Option::Some(input)
                } else {
                    t.skip(&NODES[2], __rt::SkipReason::When);
                    ::std::option::Option::None
                }
            }
            _ => {
                t.skip(
                    &NODES[2],
                    __rt::SkipReason::upstream(&[("rsi", v_rsi.is_some())]),
                );
                ::std::option::Option::None
            }
        };
        let slot_buy = &mut self.n_buy;
        let in_sell = match (&v_rsi,) {
            (::std::option::Option::Some(d_rsi),) => {
                if d_rsi.ready && d_rsi.value > self.params.high {
                    let input = __rt::nodes::trade::sell::In {
                        venue: ::std::string::String::from("binance"),
                        pair: self.params.pair.clone(),
                        amount: self.params.size,
                        limit: 0f64,
                    };
                    ::std::option::Option::Some(input)
                } else {
                    t.skip(&NODES[3], __rt::SkipReason::When);
                    ::std::option::Option::None
                }
            }
            _ => {
                t.skip(
                    &NODES[3],
                    __rt::SkipReason::upstream(&[("rsi", v_rsi.is_some())]),
                );
                ::std::option::Option::None
            }
        };
        let slot_sell = &mut self.n_sell;
        let (r_buy, r_sell) = __rt::tokio::join!(
            async move {
                match in_buy {
                    ::std::option::Option::Some(input) => {
                        slot_buy.io(cx, t, &NODES[2], input).await
                    }
                    ::std::option::Option::None => ::std::option::Option::None,
                }
            },
            async move {
                match in_sell {
                    ::std::option::Option::Some(input) => {
                        slot_sell.io(cx, t, &NODES[3], input).await
                    }
                    ::std::option::Option::None => ::std::option::Option::None,
                }
            }
        );
        let _v_buy = r_buy;
        let _v_sell = r_sell;
        Outputs {
            rsi: match (&v_rsi,) {
                (::std::option::Option::Some(d_rsi),) => ::std::option::Option::Some(d_rsi.value),
                _ => ::std::option::Option::None,
            },
        }
    }
}

impl __rt::Outputs for Outputs {
    fn values(&self) -> ::std::vec::Vec<(&'static str, ::std::option::Option<__rt::Value>)> {
        ::std::vec![("rsi", self.rsi.as_ref().map(__rt::Value::from_ref))]
    }
}

impl __rt::Workflow for Workflow {
    const NAME: &'static str = "rsi_mean_reversion";
    const INTERVAL: ::std::option::Option<::std::time::Duration> =
        ::std::option::Option::Some(::std::time::Duration::from_millis(60000u64));
    const NODE_COUNT: usize = 4;
    const PARAMS: &'static [__rt::ParamSpec] = &[
        __rt::ParamSpec {
            name: "pair",
            ty: "String",
            required: false,
            doc: "",
        },
        __rt::ParamSpec {
            name: "size",
            ty: "f64",
            required: false,
            doc: "",
        },
        __rt::ParamSpec {
            name: "low",
            ty: "f64",
            required: false,
            doc: "",
        },
        __rt::ParamSpec {
            name: "high",
            ty: "f64",
            required: false,
            doc: "",
        },
    ];
    type Outputs = Outputs;

    fn build(values: &__rt::ParamValues) -> ::std::result::Result<Self, __rt::ParamError> {
        let p_pair: ::std::string::String = match values.get::<::std::string::String>("pair")? {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => ::std::string::String::from("BTCUSDT"),
        };
        let p_size: ::std::primitive::f64 = match values.get::<::std::primitive::f64>("size")? {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => 0.01f64,
        };
        let p_low: ::std::primitive::f64 = match values.get::<::std::primitive::f64>("low")? {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => 30f64,
        };
        let p_high: ::std::primitive::f64 = match values.get::<::std::primitive::f64>("high")? {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => 70f64,
        };
        ::std::result::Result::Ok(Workflow::new(Params {
            pair: p_pair,
            size: p_size,
            low: p_low,
            high: p_high,
        }))
    }

    async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick<'_>) -> Outputs {
        Workflow::tick(self, cx, t).await
    }
}

// ---- the test -----------------------------------------------------------------------------------

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rsi_swing.csv")
}

/// Closes of the fixture, read independently of the runtime's CSV reader.
fn closes() -> Vec<f64> {
    std::fs::read_to_string(fixture())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
        .collect()
}

/// RSI(14) by Wilder's definition (TA-Lib): the first average is the SMA of the first 14
/// changes, then `avg = (avg * 13 + x) / 14`; defined from the 15th close on.
fn reference_rsi(closes: &[f64]) -> Vec<Option<f64>> {
    let n = 14usize;
    let (mut gain, mut loss) = (0.0, 0.0);
    let mut out = vec![None];
    for i in 1..closes.len() {
        let change = closes[i] - closes[i - 1];
        let (g, l) = (change.max(0.0), (-change).max(0.0));
        if i <= n {
            gain += g / n as f64;
            loss += l / n as f64;
            if i < n {
                out.push(None);
                continue;
            }
        } else {
            gain = (gain * (n - 1) as f64 + g) / n as f64;
            loss = (loss * (n - 1) as f64 + l) / n as f64;
        }
        out.push(Some(if loss == 0.0 {
            100.0
        } else {
            100.0 - 100.0 / (1.0 + gain / loss)
        }));
    }
    out
}

#[test]
fn price_rsi_buy_sell_replays_to_the_expected_fills() {
    let config = RunConfig {
        mode: Mode::Replay,
        replay: Some(fixture()),
        fee_bps: 10.0,
        cash: 10_000.0,
        ..RunConfig::default()
    };
    let mut runner = Runner::<Workflow>::new(config);
    let events = runner.events_channel();
    let (report, _workflow, cx) = runner.run_full_blocking().unwrap();

    let closes = closes();
    assert_eq!(report.ticks, closes.len() as u64);
    assert_eq!(report.failed_ticks, 0, "{:?}", report.failure_counts);

    // The RSI output agrees with the reference once warmed up.
    let reference = reference_rsi(&closes);
    for (t, want) in report.tick_reports.iter().zip(&reference) {
        if let Some(want) = want {
            let got = t.outputs[0].1.as_ref().and_then(|v| v.as_f64()).unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "tick {}: rsi {got} vs {want}",
                t.index
            );
        }
    }

    // Expected fills: a buy on every tick RSI < 30, a sell on every tick RSI > 70.
    let expected: Vec<(u64, &str, f64)> = reference
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Some(r) if *r < 30.0 => Some((i as u64, "buy", closes[i])),
            Some(r) if *r > 70.0 => Some((i as u64, "sell", closes[i])),
            _ => None,
        })
        .collect();
    assert_eq!(
        expected,
        [
            (18, "buy", 90.0),
            (19, "buy", 88.0),
            (20, "buy", 89.0),
            (21, "buy", 87.0),
            (27, "sell", 112.0),
            (29, "sell", 113.0)
        ],
        "the fixture no longer swings RSI as intended"
    );
    let ledger = cx.ledger.lock().unwrap();
    let fills: Vec<(u64, &str, f64)> = ledger
        .trades()
        .iter()
        .map(|t| (t.tick, t.side.as_str(), t.price))
        .collect();
    assert_eq!(fills, expected);
    for t in ledger.trades() {
        assert_eq!(t.amount, 0.01);
        assert!(
            (t.fee - t.price * 0.01 * 0.001).abs() < 1e-12,
            "fee is 10 bps of the notional"
        );
    }
    let summary = ledger.summary();
    assert_eq!(summary.trades, 6);
    // Bought 0.04 at 354 total, sold 0.02 at an average cost of 88.5: realised 0.02 * (112.5 - 88.5).
    assert!((summary.realized_pnl - 0.48).abs() < 1e-9, "{summary:?}");
    assert!((ledger.position("binance", "BTCUSDT") - 0.02).abs() < 1e-12);

    // The events tell the same story: node_completed of buy/sell with filled = true, and
    // skips with their reasons on the other ticks.
    let events: Vec<serde_json::Value> = events.try_iter().map(|e| e.json()).collect();
    let filled: Vec<(u64, String)> = events
        .iter()
        .filter(|e| {
            e["type"] == "node_completed" && (e["node_id"] == "buy" || e["node_id"] == "sell")
        })
        .map(|e| {
            assert_eq!(e["outputs"]["filled"], true);
            let tick = e["execution_id"]
                .as_str()
                .unwrap()
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (tick, e["node_id"].as_str().unwrap().to_owned())
        })
        .collect();
    let want: Vec<(u64, String)> = expected
        .iter()
        .map(|(t, s, _)| (*t, (*s).to_owned()))
        .collect();
    assert_eq!(filled, want);
    let skip = events
        .iter()
        .find(|e| e["type"] == "node_skipped" && e["node_id"] == "buy")
        .unwrap();
    assert_eq!(skip["reason"], "when condition is false");
    let started: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["type"] == "execution_started")
        .collect();
    assert_eq!(started[18]["bar_time"], "2024-01-19");
}
