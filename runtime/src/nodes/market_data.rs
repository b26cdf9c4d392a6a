//! What the market-data nodes of every venue share: reading the run's [`Market`] (simulated,
//! replayed or live) and the paper ledger's balances, with the inputs checked. The
//! [`exchange_venue!`] macro declares the five nodes of an exchange (`price`, `order_book`,
//! `candles`, `balance`, `funding`) for a venue name, so Binance and Kraken cannot differ by
//! accident.
//!
//! [`Market`]: crate::market::Market

use crate::config::Mode;
use crate::ctx::Ctx;
use crate::market::{Funding, MAX_CANDLES, MAX_DEPTH, QuoteHint};
use crate::node::{ErrorKind, NodeError};
use crate::nodes::{lock, name};
use crate::types::{Candle, Candles, OrderBook};

/// The last trade price; `hint` is the node's memo of where the market keeps its quote.
#[inline]
pub(crate) fn price(
    cx: &Ctx,
    hint: &mut QuoteHint,
    venue: &str,
    pair: &str,
) -> Result<f64, NodeError> {
    let pair = name("pair", pair)?;
    Ok(lock(&cx.market).quote_with(hint, venue, pair)?.last)
}

/// A count input (`depth`, `limit`) within `1..=max`.
pub(crate) fn count(port: &str, n: i64, max: usize) -> Result<usize, NodeError> {
    match usize::try_from(n) {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(NodeError::invalid(format!(
            "{port} must be between 1 and {max}, got {n}"
        ))),
    }
}

/// A book and its best bid, best ask and mid.
pub(crate) fn book(
    cx: &Ctx,
    venue: &str,
    pair: &str,
    depth: i64,
) -> Result<(OrderBook, f64, f64, f64), NodeError> {
    let pair = name("pair", pair)?;
    let depth = count("depth", depth, MAX_DEPTH)?;
    let book = lock(&cx.market).order_book(venue, pair, depth)?;
    split_book(book)
}

/// A prediction-market book and its best bid, best ask and mid.
pub(crate) fn outcome_book(
    cx: &Ctx,
    venue: &str,
    token: &str,
    depth: usize,
) -> Result<(OrderBook, f64, f64, f64), NodeError> {
    let token = name("token", token)?;
    let book = lock(&cx.market).outcome_book(venue, token, depth)?;
    split_book(book)
}

fn split_book(book: OrderBook) -> Result<(OrderBook, f64, f64, f64), NodeError> {
    let (Some(bid), Some(ask)) = (book.best_bid(), book.best_ask()) else {
        return Err(NodeError::new(
            ErrorKind::BadResponse,
            format!("the {} book of {} has an empty side", book.venue, book.pair),
        ));
    };
    Ok((book, bid, ask, (bid + ask) / 2.0))
}

/// The last `limit` candles and the latest one.
pub(crate) fn candles(
    cx: &Ctx,
    venue: &str,
    pair: &str,
    interval: &str,
    limit: i64,
) -> Result<(Candles, Candle), NodeError> {
    let pair = name("pair", pair)?;
    let limit = count("limit", limit, MAX_CANDLES)?;
    let candles = lock(&cx.market).candles(venue, pair, interval.trim(), limit)?;
    let last = candles.last().cloned().ok_or_else(|| {
        NodeError::new(
            ErrorKind::BadResponse,
            format!("no {venue} candles for {pair}"),
        )
    })?;
    Ok((candles, last))
}

/// Free and locked balance of an asset: the paper ledger's, except with live orders on,
/// where it would be the venue account's (not available until the venue clients exist).
pub(crate) fn balance(cx: &Ctx, venue: &str, asset: &str) -> Result<(f64, f64), NodeError> {
    let asset = name("asset", asset)?;
    if cx.config.mode == Mode::Live && cx.config.live_orders {
        return Err(NodeError::new(
            ErrorKind::Unsupported,
            format!(
                "{venue} account balances need the venue clients, which this build does not have yet"
            ),
        ));
    }
    Ok(lock(&cx.ledger).balance(venue, asset))
}

/// A perpetual's funding rate, mark and index.
pub(crate) fn funding(cx: &Ctx, venue: &str, pair: &str) -> Result<Funding, NodeError> {
    let pair = name("pair", pair)?;
    lock(&cx.market).funding(venue, pair)
}

/// Declares `price`, `order_book`, `candles`, `balance` and `funding` for an exchange.
macro_rules! exchange_venue {
    ($venue:literal) => {
        /// Latest trade price of a pair.
        pub mod price {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};

            node! {
                kind concat!($venue, ".price"), io;
                in { pair: String }
                out { price: f64 }
            }

            /// Remembers where the market keeps this node's quote.
            #[derive(Debug, Default)]
            pub struct Node {
                hint: crate::market::QuoteHint,
            }

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    let price =
                        crate::nodes::market_data::price(cx, &mut self.hint, $venue, &input.pair)?;
                    Ok(Out { price })
                }
            }
        }

        /// The order book, `depth` levels a side.
        pub mod order_book {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};
            use crate::types::OrderBook;

            node! {
                kind concat!($venue, ".order_book"), io;
                in { pair: String, depth: i64 }
                out { book: OrderBook, best_bid: f64, best_ask: f64, mid: f64 }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    let (book, best_bid, best_ask, mid) =
                        crate::nodes::market_data::book(cx, $venue, &input.pair, input.depth)?;
                    Ok(Out {
                        book,
                        best_bid,
                        best_ask,
                        mid,
                    })
                }
            }
        }

        /// OHLCV bars; the scalar ports are the latest bar.
        pub mod candles {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};
            use crate::types::Candles;

            node! {
                kind concat!($venue, ".candles"), io;
                in { pair: String, interval: String, limit: i64 }
                out { candles: Candles, open: f64, high: f64, low: f64, close: f64, volume: f64 }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    let (candles, last) = crate::nodes::market_data::candles(
                        cx,
                        $venue,
                        &input.pair,
                        &input.interval,
                        input.limit,
                    )?;
                    Ok(Out {
                        candles,
                        open: last.open,
                        high: last.high,
                        low: last.low,
                        close: last.close,
                        volume: last.volume,
                    })
                }
            }
        }

        /// Free and locked balance of an asset.
        pub mod balance {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};

            node! {
                kind concat!($venue, ".balance"), io;
                in { asset: String }
                out { free: f64, locked: f64 }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    let (free, locked) =
                        crate::nodes::market_data::balance(cx, $venue, &input.asset)?;
                    Ok(Out { free, locked })
                }
            }
        }

        /// Perpetual funding rate (a fraction per 8h period), mark and index price.
        pub mod funding {
            use crate::ctx::Ctx;
            use crate::node::{Io, NodeError};

            node! {
                kind concat!($venue, ".funding"), io;
                in { pair: String }
                out { rate: f64, mark: f64, index: f64 }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Io for Node {
                async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    let f = crate::nodes::market_data::funding(cx, $venue, &input.pair)?;
                    Ok(Out {
                        rate: f.rate,
                        mark: f.mark,
                        index: f.index,
                    })
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::config::Mode;
    use crate::ctx::Ctx;
    use crate::ledger::{Ledger, OrderRequest};
    use crate::market::Market;
    use crate::node::{ErrorKind, Io, NodeKind};
    use crate::nodes::{binance, kalshi, kraken, lock, polymarket, testkit};
    use crate::types::Side;

    #[tokio::test]
    async fn exchange_nodes_read_the_simulated_market() {
        let cx = testkit::sim(3);
        let p = binance::price::Node::new()
            .run(
                &cx,
                binance::price::In {
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .expect("price");
        assert!(p.price > 10_000.0);
        let k = kraken::price::Node::new()
            .run(
                &cx,
                kraken::price::In {
                    pair: "XBTUSD".into(),
                },
            )
            .await
            .expect("price");
        assert!(
            (k.price / p.price - 1.0).abs() < 0.01,
            "kraken tracks binance"
        );
        let b = binance::order_book::Node::new()
            .run(
                &cx,
                binance::order_book::In {
                    pair: "BTCUSDT".into(),
                    depth: 20,
                },
            )
            .await
            .expect("book");
        assert_eq!((b.book.bids.len(), b.book.asks.len()), (20, 20));
        assert!(b.best_bid < b.best_ask && b.mid == (b.best_bid + b.best_ask) / 2.0);
        assert_eq!(b.book.venue, "binance");
        let c = kraken::candles::Node::new()
            .run(
                &cx,
                kraken::candles::In {
                    pair: "ETHUSDT".into(),
                    interval: "1m".into(),
                    limit: 50,
                },
            )
            .await
            .expect("candles");
        assert_eq!(c.candles.bars.len(), 50);
        let last = c.candles.bars.last().expect("bar");
        assert_eq!(
            (c.open, c.high, c.low, c.close, c.volume),
            (last.open, last.high, last.low, last.close, last.volume)
        );
        let f = binance::funding::Node::new()
            .run(
                &cx,
                binance::funding::In {
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .expect("f");
        assert!(f.rate.abs() < 0.01 && f.mark > 0.0 && f.index > 0.0);
        // Deterministic: the same seed gives the same price on a fresh context.
        let again = testkit::sim(3);
        let p2 = binance::price::Node::new()
            .run(
                &again,
                binance::price::In {
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .expect("p");
        assert_eq!(p.price, p2.price);
        let e = binance::order_book::Node::new()
            .run(
                &cx,
                binance::order_book::In {
                    pair: "BTCUSDT".into(),
                    depth: 0,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        let e = binance::candles::Node::new()
            .run(
                &cx,
                binance::candles::In {
                    pair: "BTCUSDT".into(),
                    interval: "2x".into(),
                    limit: 5,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn balances_come_from_the_paper_ledger() {
        let cx = testkit::sim(0);
        let quote = lock(&cx.market).quote("binance", "BTCUSDT").expect("q");
        let req = OrderRequest {
            venue: "binance".into(),
            pair: "BTCUSDT".into(),
            side: Side::Buy,
            amount: 0.5,
            limit: 0.0,
        };
        lock(&cx.ledger).place(req, &quote, 0, 0).expect("buy");
        let btc = binance::balance::Node::new()
            .run(
                &cx,
                binance::balance::In {
                    asset: "BTC".into(),
                },
            )
            .await
            .expect("b");
        assert_eq!((btc.free, btc.locked), (0.5, 0.0));
        let usdt = binance::balance::Node::new()
            .run(
                &cx,
                binance::balance::In {
                    asset: "USDT".into(),
                },
            )
            .await
            .expect("b");
        assert!(usdt.free < 100_000.0 - 0.5 * quote.ask + 1e-6);
        let none = kraken::balance::Node::new()
            .run(
                &cx,
                kraken::balance::In {
                    asset: "XBT".into(),
                },
            )
            .await
            .expect("b");
        assert_eq!(none.free, 0.0, "positions are per venue");
    }

    #[tokio::test]
    async fn prediction_markets_stay_in_the_unit_interval() {
        let cx = testkit::sim(8);
        for t in 0..30 {
            testkit::tick(&cx, t);
            let p = polymarket::price::Node::new()
                .run(
                    &cx,
                    polymarket::price::In {
                        token: "0xabc".into(),
                    },
                )
                .await
                .expect("p");
            assert!((0.0..=1.0).contains(&p.price));
            let b = polymarket::order_book::Node::new()
                .run(
                    &cx,
                    polymarket::order_book::In {
                        token: "0xabc".into(),
                    },
                )
                .await
                .expect("book");
            assert!(0.0 < b.best_bid && b.best_bid < b.best_ask && b.best_ask < 1.0);
            let k = kalshi::market::Node::new()
                .run(
                    &cx,
                    kalshi::market::In {
                        ticker: "FED-25DEC".into(),
                    },
                )
                .await
                .expect("k");
            assert!(0.0 < k.yes_bid && k.yes_bid < k.yes_ask && k.yes_ask < 1.0 && k.volume >= 0.0);
        }
    }

    #[tokio::test]
    async fn replay_and_live_modes() {
        let csv = "date,open,high,low,close,volume\n2024-03-01,0.4,0.5,0.3,0.45,100\n";
        let cx = testkit::replay(csv, 100.0, 0.0);
        let p = polymarket::price::Node::new()
            .run(&cx, polymarket::price::In { token: "t".into() })
            .await
            .expect("p");
        assert_eq!(p.price, 0.45);
        let b = binance::price::Node::new()
            .run(&cx, binance::price::In { pair: "ANY".into() })
            .await
            .expect("p");
        assert_eq!(b.price, 0.45);
        let mut live = Ctx::for_tests(Market::live(), Ledger::new(0.0, 0.0));
        let e = binance::price::Node::new()
            .run(
                &live,
                binance::price::In {
                    pair: "BTCUSDT".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
        live.config.mode = Mode::Live;
        live.config.live_orders = true;
        let e = binance::balance::Node::new()
            .run(
                &live,
                binance::balance::In {
                    asset: "BTC".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
    }
}
