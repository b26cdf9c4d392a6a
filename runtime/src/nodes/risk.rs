//! Risk checks reading the paper ledger and the run clock. They compute, never trade: a
//! strategy gates its orders on their `ok`.

/// `ok` while the absolute position in `pair` on `venue` is below `limit` (base units).
pub mod max_position {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::{lock, name, non_negative};

    node! {
        kind "risk.max_position", compute;
        in { venue: String, pair: String, limit: f64 }
        out { ok: bool, position: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let venue = name("venue", &i.venue)?;
            let pair = name("pair", &i.pair)?;
            let limit = non_negative("limit", i.limit)?;
            let position = lock(&cx.ledger).position(venue, pair);
            Ok(Out {
                ok: position.abs() < limit,
                position,
            })
        }
    }
}

/// `ok` unless a signal was acted on less than `period` ago, by the run's clock. A signal
/// counts when it is true while `ok` is true (when the strategy could act on it); signals
/// during the cool-down do not extend it, so a signal that stays true passes once per
/// `period`.
pub mod cooldown {
    use std::time::Duration;

    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "risk.cooldown", compute;
        in { signal: bool, period: Duration }
        out { ok: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        last_ms: Option<i64>,
    }

    impl Node {
        /// One tick at `now_ms` (ms of the run clock).
        pub fn step(&mut self, i: In, now_ms: i64) -> Result<Out, NodeError> {
            let period = i64::try_from(i.period.as_millis()).unwrap_or(i64::MAX);
            let ok = self
                .last_ms
                .is_none_or(|t| now_ms.saturating_sub(t) >= period);
            if ok && i.signal {
                self.last_ms = Some(now_ms);
            }
            Ok(Out { ok })
        }
    }

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input, cx.clock.now_ms())
        }
    }
}

/// `ok` while today's PnL (realised plus unrealised, net of fees, since the run clock's UTC
/// day began) is above `-limit`; `pnl` is that PnL.
pub mod daily_loss {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::{lock, non_negative};

    node! {
        kind "risk.daily_loss", compute;
        in { limit: f64 }
        out { ok: bool, pnl: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let limit = non_negative("limit", i.limit)?;
            let pnl = lock(&cx.ledger).daily_pnl();
            Ok(Out {
                ok: pnl > -limit,
                pnl,
            })
        }
    }
}

/// `ok` while the $/h committed to GPU rentals plus `cost` stays within `limit`; `spent` is
/// what is committed now.
pub mod budget {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::{lock, non_negative};

    node! {
        kind "risk.budget", compute;
        in { cost: f64, limit: f64 }
        out { ok: bool, spent: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let cost = non_negative("cost", i.cost)?;
            let limit = non_negative("limit", i.limit)?;
            let spent = lock(&cx.ledger).gpu_dph();
            // A hair of slack so 0.1 + 0.2 fits a limit of 0.3.
            Ok(Out {
                ok: spent + cost <= limit * (1.0 + 1e-12) + 1e-12,
                spent,
            })
        }
    }
}

/// The position in `pair` on `venue` (negative when short), its average cost and its
/// unrealised PnL at the last mark: what stop-loss and take-profit rules compare against.
pub mod position {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::{lock, name};

    node! {
        kind "risk.position", compute;
        in { venue: String, pair: String }
        out { position: f64, avg_price: f64, unrealized_pnl: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let venue = name("venue", &i.venue)?;
            let pair = name("pair", &i.pair)?;
            let ledger = lock(&cx.ledger);
            Ok(match ledger.holding(venue, pair) {
                Some(p) => Out {
                    position: p.amount,
                    avg_price: p.avg_price,
                    unrealized_pnl: p.amount * (p.mark - p.avg_price),
                },
                None => Out {
                    position: 0.0,
                    avg_price: 0.0,
                    unrealized_pnl: 0.0,
                },
            })
        }
    }
}

/// `ok` while the paper account's equity is less than `limit` below the highest equity this
/// node has seen; `drawdown` is that distance (quote currency, 0 at a new high).
pub mod drawdown {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::{lock, non_negative};

    node! {
        kind "risk.drawdown", compute;
        in { limit: f64 }
        out { ok: bool, drawdown: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        peak: Option<f64>,
    }

    impl Node {
        /// One tick with the account's equity now.
        pub fn step(&mut self, i: In, equity: f64) -> Result<Out, NodeError> {
            let limit = non_negative("limit", i.limit)?;
            let peak = self.peak.map_or(equity, |p| p.max(equity));
            self.peak = Some(peak);
            let drawdown = peak - equity;
            Ok(Out {
                ok: drawdown < limit,
                drawdown,
            })
        }
    }

    impl Compute for Node {
        fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
            let equity = lock(&cx.ledger).equity();
            self.step(input, equity)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ledger::OrderRequest;
    use crate::market::Quote;
    use crate::node::{Compute, ErrorKind, NodeKind};
    use crate::nodes::{lock, testkit};
    use crate::types::Side;

    fn buy(cx: &crate::ctx::Ctx, pair: &str, amount: f64, price: f64) {
        let q = Quote {
            bid: price,
            ask: price,
            last: price,
            low: price,
            high: price,
        };
        let req = OrderRequest {
            venue: "binance".into(),
            pair: pair.into(),
            side: Side::Buy,
            amount,
            limit: 0.0,
        };
        lock(&cx.ledger).place(req, &q, 0, 0).expect("buy");
    }

    #[test]
    fn max_position_reads_the_ledger() {
        let cx = testkit::sim(1);
        let mut n = max_position::Node::new();
        let i = |limit| max_position::In {
            venue: "binance".into(),
            pair: "BTCUSDT".into(),
            limit,
        };
        assert_eq!(
            n.run(&cx, i(1.0)),
            Ok(max_position::Out {
                ok: true,
                position: 0.0
            })
        );
        buy(&cx, "BTCUSDT", 1.0, 100.0);
        assert_eq!(
            n.run(&cx, i(1.0)),
            Ok(max_position::Out {
                ok: false,
                position: 1.0
            })
        );
        assert!(n.run(&cx, i(1.5)).expect("ok").ok);
        assert_eq!(
            n.run(&cx, i(f64::NAN)).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        let empty = max_position::In {
            venue: " ".into(),
            pair: "BTCUSDT".into(),
            limit: 1.0,
        };
        assert_eq!(n.run(&cx, empty).unwrap_err().kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn cooldown_counts_acted_signals_on_the_run_clock() {
        let mut n = cooldown::Node::default();
        let five = Duration::from_secs(300);
        let mut at = |signal, minute: i64| {
            n.step(
                cooldown::In {
                    signal,
                    period: five,
                },
                minute * 60_000,
            )
            .expect("ok")
            .ok
        };
        assert!(at(false, 0));
        assert!(at(true, 1), "the first signal passes");
        assert!(!at(true, 2), "then the cool-down holds");
        assert!(!at(false, 5));
        assert!(at(true, 6), "five minutes after the acted signal");
        assert!(!at(true, 10));
        assert!(
            at(true, 11),
            "a signal that stays true passes once per period"
        );
        // Through the context: the clock is the run's.
        let cx = testkit::sim(0);
        let mut n = cooldown::Node::new();
        assert!(
            n.run(
                &cx,
                cooldown::In {
                    signal: true,
                    period: five
                }
            )
            .expect("ok")
            .ok
        );
        testkit::tick(&cx, 2);
        assert!(
            !n.run(
                &cx,
                cooldown::In {
                    signal: true,
                    period: five
                }
            )
            .expect("ok")
            .ok
        );
        testkit::tick(&cx, 5);
        assert!(
            n.run(
                &cx,
                cooldown::In {
                    signal: true,
                    period: five
                }
            )
            .expect("ok")
            .ok
        );
    }

    #[test]
    fn daily_loss_budget_position_and_drawdown() {
        let csv = "Date,Open,High,Low,Close,Volume\n2024-01-01,100,100,100,100,1\n2024-01-01,80,80,80,80,1\n";
        let cx = testkit::replay(csv, 1_000.0, 0.0);
        buy(&cx, "BTCUSDT", 5.0, 100.0);
        let mut loss = daily_loss::Node::new();
        let mut dd = drawdown::Node::new();
        assert!(dd.run(&cx, drawdown::In { limit: 50.0 }).expect("ok").ok);
        testkit::tick(&cx, 1);
        let o = loss.run(&cx, daily_loss::In { limit: 150.0 }).expect("ok");
        assert_eq!((o.ok, o.pnl), (true, -100.0));
        assert!(
            !loss
                .run(&cx, daily_loss::In { limit: 100.0 })
                .expect("ok")
                .ok,
            "at the limit is not ok"
        );
        assert_eq!(
            dd.run(&cx, drawdown::In { limit: 50.0 }).expect("ok"),
            drawdown::Out {
                ok: false,
                drawdown: 100.0
            }
        );
        let p = position::Node::new()
            .run(
                &cx,
                position::In {
                    venue: "binance".into(),
                    pair: "BTCUSDT".into(),
                },
            )
            .expect("ok");
        assert_eq!(
            p,
            position::Out {
                position: 5.0,
                avg_price: 100.0,
                unrealized_pnl: -100.0
            }
        );
        let none = position::Node::new()
            .run(
                &cx,
                position::In {
                    venue: "kraken".into(),
                    pair: "BTCUSDT".into(),
                },
            )
            .expect("ok");
        assert_eq!(none.position, 0.0);

        let mut b = budget::Node::new();
        assert_eq!(
            b.run(
                &cx,
                budget::In {
                    cost: 0.5,
                    limit: 1.0
                }
            ),
            Ok(budget::Out {
                ok: true,
                spent: 0.0
            })
        );
        lock(&cx.ledger).add_gpu_dph(0.6);
        assert_eq!(
            b.run(
                &cx,
                budget::In {
                    cost: 0.5,
                    limit: 1.0
                }
            ),
            Ok(budget::Out {
                ok: false,
                spent: 0.6
            })
        );
        lock(&cx.ledger).add_gpu_dph(-0.3);
        assert!(
            b.run(
                &cx,
                budget::In {
                    cost: 0.2,
                    limit: 0.5
                }
            )
            .expect("ok")
            .ok,
            "0.3 + 0.2 fits 0.5"
        );
        assert!(
            b.run(
                &cx,
                budget::In {
                    cost: -1.0,
                    limit: 1.0
                }
            )
            .is_err()
        );
    }
}
