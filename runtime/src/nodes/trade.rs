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
