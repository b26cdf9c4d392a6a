//! Orders. Paper-traded on the run's ledger (see [`crate::ledger`] for fills, fees and
//! PnL) in `sim`, `replay`, and `live` without `--live-orders`. With `--mode live
//! --live-orders` they would go to the venue; its clients are not part of this build, so
//! such orders fail with `Unsupported` instead of pretending to trade.

use crate::config::Mode;
use crate::ctx::Ctx;
use crate::ledger::OrderRequest;
use crate::node::{ErrorKind, NodeError};
use crate::nodes::{finite, lock, name};
use crate::types::{Order, OrderStatus, Side};

/// `Unsupported` when this run would send real orders.
pub(crate) fn paper_only(cx: &Ctx, what: &str) -> Result<(), NodeError> {
    if cx.config.mode == Mode::Live && cx.config.live_orders {
        Err(NodeError::new(
            ErrorKind::Unsupported,
            format!(
                "{what}: real orders need the venue clients, which this build does not have yet; \
                 run without --live-orders to paper-trade"
            ),
        ))
    } else {
        Ok(())
    }
}

/// Places a paper order: the market's quote now, then the ledger (locks taken in that order).
pub(crate) fn place(
    cx: &Ctx,
    side: Side,
    venue: &str,
    pair: &str,
    amount: f64,
    limit: f64,
) -> Result<(Order, bool, f64), NodeError> {
    let venue = name("venue", venue)?;
    let pair = name("pair", pair)?;
    let amount = finite("amount", amount)?;
    let limit = finite("limit", limit)?;
    paper_only(cx, &format!("{} {pair} on {venue}", side.as_str()))?;
    let (quote, tick, now) = {
        let mut market = lock(&cx.market);
        let quote = market.quote(venue, pair)?;
        (quote, market.tick(), cx.clock.now_ms())
    };
    let req = OrderRequest {
        venue: venue.to_string(),
        pair: pair.to_string(),
        side,
        amount,
        limit,
    };
    let order = lock(&cx.ledger).place(req, &quote, tick, now)?;
    let filled = order.status == OrderStatus::Filled;
    let price = order.fill_price.unwrap_or(order.limit);
    Ok((order, filled, price))
}

macro_rules! order_node {
    ($module:ident, $kind:literal, $side:expr, $doc:literal) => {
        #[doc = $doc]
        pub mod $module {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};
            use crate::types::Order;

            node! {
                kind $kind, effect;
                in { venue: String, pair: String, amount: f64, limit: f64 }
                out { order: Order, filled: bool, price: f64 }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
                    let (order, filled, price) =
                        super::place(cx, $side, &i.venue, &i.pair, i.amount, i.limit)?;
                    Ok(Out {
                        order,
                        filled,
                        price,
                    })
                }
            }
        }
    };
}

order_node!(
    buy,
    "trade.buy",
    crate::types::Side::Buy,
    "Buys `amount` of `pair` on `venue`: a market order when `limit` is 0, else a limit order. \
     `filled` says whether it filled at once; `price` is the fill price, or the limit while it rests."
);
order_node!(
    sell,
    "trade.sell",
    crate::types::Side::Sell,
    "Sells `amount` of `pair` on `venue`; `limit` as for `trade.buy`."
);

/// Cancels a resting order; `ok` is false when it had already filled or was cancelled.
pub mod cancel {
    use crate::ctx::Ctx;
    use crate::node::{ErrorKind, Io, NodeError};
    use crate::nodes::lock;
    use crate::types::Order;

    node! {
        kind "trade.cancel", effect;
        in { order: Order }
        out { ok: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            if !i.order.paper {
                return Err(NodeError::new(
                    ErrorKind::Unsupported,
                    format!(
                        "order {} is a venue order; cancelling it needs the venue clients",
                        i.order.id
                    ),
                ));
            }
            super::paper_only(cx, "cancel")?;
            let ok = lock(&cx.ledger).cancel(&i.order.id, cx.clock.now_ms());
            Ok(Out { ok })
        }
    }
}

/// Cancels every resting order for `pair` on `venue`; `count` is how many.
pub mod cancel_all {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::nodes::{lock, name};

    node! {
        kind "trade.cancel_all", effect;
        in { venue: String, pair: String }
        out { count: i64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let venue = name("venue", &i.venue)?;
            let pair = name("pair", &i.pair)?;
            super::paper_only(cx, &format!("cancel_all {pair} on {venue}"))?;
            let n = lock(&cx.ledger).cancel_all(venue, pair, cx.clock.now_ms());
            Ok(Out {
                count: i64::try_from(n).unwrap_or(i64::MAX),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{Io, NodeKind};
    use crate::nodes::testkit;

    const CSV: &str = "Date,Open,High,Low,Close,Volume\n\
        2024-01-01,100,101,99,100,10\n\
        2024-01-02,100,100,94,95,10\n\
        2024-01-03,95,112,95,110,10\n";

    fn buy_in(amount: f64, limit: f64) -> buy::In {
        buy::In {
            venue: "binance".into(),
            pair: "BTCUSDT".into(),
            amount,
            limit,
        }
    }

    fn sell_in(amount: f64, limit: f64) -> sell::In {
        sell::In {
            venue: "binance".into(),
            pair: "BTCUSDT".into(),
            amount,
            limit,
        }
    }

    #[tokio::test]
    async fn market_orders_fill_at_the_replayed_close_plus_fee() {
        let cx = testkit::replay(CSV, 1_000.0, 10.0);
        let o = buy::Node::new()
            .run(&cx, buy_in(2.0, 0.0))
            .await
            .expect("buy");
        assert!(o.filled);
        assert_eq!(o.price, 100.0);
        assert_eq!(o.order.status, OrderStatus::Filled);
        assert!((o.order.fee - 0.2).abs() < 1e-12);
        assert!((lock(&cx.ledger).cash() - (1_000.0 - 200.2)).abs() < 1e-9);
        testkit::tick(&cx, 2);
        let s = sell::Node::new()
            .run(&cx, sell_in(2.0, 0.0))
            .await
            .expect("sell");
        assert_eq!((s.filled, s.price), (true, 110.0));
        let l = lock(&cx.ledger);
        assert!((l.realized_pnl() - 20.0).abs() < 1e-9);
        assert_eq!(l.trades().len(), 2);
    }

    #[tokio::test]
    async fn sim_market_orders_fill_at_the_best_ask_and_bid() {
        let cx = testkit::sim(4);
        let book = lock(&cx.market)
            .order_book("binance", "ETHUSDT", 1)
            .expect("book");
        let i = buy::In {
            venue: "binance".into(),
            pair: "ETHUSDT".into(),
            amount: 1.0,
            limit: 0.0,
        };
        let o = buy::Node::new().run(&cx, i).await.expect("buy");
        assert_eq!(o.price, book.asks[0].price);
        let i = sell::In {
            venue: "binance".into(),
            pair: "ETHUSDT".into(),
            amount: 1.0,
            limit: 0.0,
        };
        let s = sell::Node::new().run(&cx, i).await.expect("sell");
        assert_eq!(s.price, book.bids[0].price);
    }

    #[tokio::test]
    async fn limit_orders_rest_fill_later_and_cancel() {
        let cx = testkit::replay(CSV, 1_000.0, 0.0);
        let o = buy::Node::new()
            .run(&cx, buy_in(1.0, 96.0))
            .await
            .expect("rests");
        assert!(!o.filled);
        assert_eq!(o.price, 96.0, "the limit while it rests");
        let other = buy::Node::new()
            .run(&cx, buy_in(1.0, 90.0))
            .await
            .expect("rests");
        testkit::tick(&cx, 1);
        assert_eq!(
            lock(&cx.ledger).order(&o.order.id).map(|o| o.status),
            Some(OrderStatus::Filled)
        );
        let mut cancel = cancel::Node::new();
        assert!(
            !cancel
                .run(
                    &cx,
                    cancel::In {
                        order: o.order.clone()
                    }
                )
                .await
                .expect("ok")
                .ok,
            "already filled"
        );
        assert!(
            cancel
                .run(
                    &cx,
                    cancel::In {
                        order: other.order.clone()
                    }
                )
                .await
                .expect("ok")
                .ok
        );
        assert!(
            !cancel
                .run(&cx, cancel::In { order: other.order })
                .await
                .expect("ok")
                .ok,
            "already cancelled"
        );
        buy::Node::new()
            .run(&cx, buy_in(1.0, 50.0))
            .await
            .expect("rests");
        buy::Node::new()
            .run(&cx, buy_in(1.0, 51.0))
            .await
            .expect("rests");
        let n = cancel_all::Node::new()
            .run(
                &cx,
                cancel_all::In {
                    venue: "binance".into(),
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .expect("ok");
        assert_eq!(n.count, 2);
    }

    #[tokio::test]
    async fn rejections_and_bad_inputs() {
        let cx = testkit::replay(CSV, 100.0, 10.0);
        let e = buy::Node::new()
            .run(&cx, buy_in(1.0, 0.0))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected, "100 plus the fee exceeds 100");
        let e = sell::Node::new()
            .run(&cx, sell_in(1.0, 0.0))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected);
        for (amount, limit) in [
            (0.0, 0.0),
            (-1.0, 0.0),
            (f64::NAN, 0.0),
            (1.0, -1.0),
            (1.0, f64::INFINITY),
        ] {
            let e = buy::Node::new()
                .run(&cx, buy_in(amount, limit))
                .await
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{amount} {limit}");
        }
        let e = buy::Node::new()
            .run(
                &cx,
                buy::In {
                    venue: "".into(),
                    pair: "BTCUSDT".into(),
                    amount: 1.0,
                    limit: 0.0,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn live_orders_are_never_pretended() {
        let mut cx = testkit::replay(CSV, 1_000.0, 0.0);
        cx.config.mode = Mode::Live;
        // Live without --live-orders: still paper.
        assert!(buy::Node::new().run(&cx, buy_in(1.0, 0.0)).await.is_ok());
        cx.config.live_orders = true;
        let e = buy::Node::new()
            .run(&cx, buy_in(1.0, 0.0))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
        assert!(e.message.contains("--live-orders"));
        assert_eq!(
            lock(&cx.ledger).summary().trades,
            1,
            "nothing else was booked"
        );
        let e = cancel_all::Node::new()
            .run(
                &cx,
                cancel_all::In {
                    venue: "binance".into(),
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
    }
}
