//! Cross-venue analysis and price grids: pure computations on their inputs.

use crate::node::NodeError;
use crate::types::OrderBook;

/// The best bid and ask of a book, both finite and positive, or `InvalidInput` naming it.
fn top(label: &str, book: &OrderBook) -> Result<(f64, f64), NodeError> {
    let ok = |p: Option<f64>| p.filter(|p| p.is_finite() && *p > 0.0);
    match (ok(book.best_bid()), ok(book.best_ask())) {
        (Some(bid), Some(ask)) => Ok((bid, ask)),
        _ => Err(NodeError::invalid(format!(
            "book {label} ({} {}) needs a positive best bid and ask",
            book.venue, book.pair
        ))),
    }
}

/// The better direction between two books: buy at one's ask, sell at the other's bid.
/// Returns the spread in bps of the buy price and the (buy, sell) venues.
pub(crate) fn best_direction(
    a: &OrderBook,
    b: &OrderBook,
) -> Result<(f64, String, String), NodeError> {
    let (a_bid, a_ask) = top("a", a)?;
    let (b_bid, b_ask) = top("b", b)?;
    let a_to_b = (b_bid - a_ask) / a_ask * 10_000.0;
    let b_to_a = (a_bid - b_ask) / b_ask * 10_000.0;
    Ok(if a_to_b >= b_to_a {
        (a_to_b, a.venue.clone(), b.venue.clone())
    } else {
        (b_to_a, b.venue.clone(), a.venue.clone())
    })
}

/// Spread between two books in basis points: the better of buying at `a`'s ask and selling
/// at `b`'s bid, or the reverse (negative when neither direction crosses).
pub mod spread {
    use crate::node::NodeError;
    use crate::types::OrderBook;

    node! {
        kind "analysis.spread", compute, step;
        in { a: OrderBook, b: OrderBook }
        out { bps: f64, buy_venue: String, sell_venue: String }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let (bps, buy_venue, sell_venue) = super::best_direction(&i.a, &i.b)?;
            Ok(Out {
                bps,
                buy_venue,
                sell_venue,
            })
        }
    }
}

/// Cross-venue arbitrage after fees: `profit_bps` is the spread less `fee_bps` paid on
/// each of the two legs (`spread - 2 * fee_bps`); `opportunity` when it is positive.
pub mod arbitrage {
    use crate::node::NodeError;
    use crate::nodes::non_negative;
    use crate::types::OrderBook;

    node! {
        kind "analysis.arbitrage", compute, step;
        in { a: OrderBook, b: OrderBook, fee_bps: f64 }
        out { profit_bps: f64, opportunity: bool, buy_venue: String, sell_venue: String }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let fee = non_negative("fee_bps", i.fee_bps)?;
            let (bps, buy_venue, sell_venue) = super::best_direction(&i.a, &i.b)?;
            let profit_bps = bps - 2.0 * fee;
            Ok(Out {
                profit_bps,
                opportunity: profit_bps > 0.0,
                buy_venue,
                sell_venue,
            })
        }
    }
}

/// A price grid of `levels` evenly spaced lines from `lower` to `upper` (both included).
/// `level` is how many lines lie at or below the price (0 below the grid, `levels` at or
/// above its top); `buy` when it fell since the last tick (the price crossed a line
/// downwards), `sell` when it rose. The first tick, and the first after the grid changes,
/// only sets the level.
pub mod grid {
    use crate::node::NodeError;
    use crate::nodes::finite;

    node! {
        kind "analysis.grid", compute, step;
        in { price: f64, lower: f64, upper: f64, levels: i64 }
        out { buy: bool, sell: bool, level: i64, spacing: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        grid: Option<(f64, f64, i64)>,
        level: Option<i64>,
    }

    /// The most lines a grid may have.
    pub const MAX_LEVELS: i64 = 10_000;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let price = finite("price", i.price)?;
            let lower = finite("lower", i.lower)?;
            let upper = finite("upper", i.upper)?;
            if lower >= upper {
                return Err(NodeError::invalid(format!(
                    "lower ({lower}) must be below upper ({upper})"
                )));
            }
            if !(2..=MAX_LEVELS).contains(&i.levels) {
                return Err(NodeError::invalid(format!(
                    "levels must be between 2 and {MAX_LEVELS}, got {}",
                    i.levels
                )));
            }
            let spacing = (upper - lower) / (i.levels - 1) as f64;
            if self.grid != Some((lower, upper, i.levels)) {
                self.grid = Some((lower, upper, i.levels));
                self.level = None;
            }
            let level = if price < lower {
                0
            } else {
                // A price within a billionth of a spacing of a line counts as on it, so
                // lines computed in floating point are not missed.
                let above = ((price - lower) / spacing + 1e-9).floor() as i64;
                (above + 1).min(i.levels)
            };
            let prev = self.level.replace(level);
            Ok(Out {
                buy: prev.is_some_and(|p| level < p),
                sell: prev.is_some_and(|p| level > p),
                level,
                spacing,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::ErrorKind;
    use crate::types::Level;

    fn book(venue: &str, bid: f64, ask: f64) -> OrderBook {
        OrderBook {
            venue: venue.into(),
            pair: "BTCUSDT".into(),
            bids: vec![Level {
                price: bid,
                size: 1.0,
            }],
            asks: vec![Level {
                price: ask,
                size: 1.0,
            }],
            timestamp_ms: 0,
        }
    }

    #[test]
    fn spread_picks_the_better_direction() {
        // Buy on kraken at 100, sell on binance at 100.5: 50 bps.
        let o = spread::Node
            .step(spread::In {
                a: book("binance", 100.5, 100.6),
                b: book("kraken", 99.9, 100.0),
            })
            .expect("ok");
        assert!((o.bps - 50.0).abs() < 1e-9);
        assert_eq!(
            (o.buy_venue.as_str(), o.sell_venue.as_str()),
            ("kraken", "binance")
        );
        let o = spread::Node
            .step(spread::In {
                a: book("kraken", 99.9, 100.0),
                b: book("binance", 100.5, 100.6),
            })
            .expect("ok");
        assert_eq!(
            (o.buy_venue.as_str(), o.sell_venue.as_str()),
            ("kraken", "binance")
        );
        // No crossing: negative, the less bad direction.
        let o = spread::Node
            .step(spread::In {
                a: book("a", 99.0, 101.0),
                b: book("b", 99.0, 101.0),
            })
            .expect("ok");
        assert!((o.bps - (99.0 - 101.0) / 101.0 * 10_000.0).abs() < 1e-9);
    }

    #[test]
    fn arbitrage_pays_the_fee_on_both_legs() {
        let (a, b) = (book("binance", 100.5, 100.6), book("kraken", 99.9, 100.0));
        let o = arbitrage::Node
            .step(arbitrage::In {
                a: a.clone(),
                b: b.clone(),
                fee_bps: 10.0,
            })
            .expect("ok");
        assert!((o.profit_bps - 30.0).abs() < 1e-9);
        assert!(o.opportunity);
        assert_eq!(o.buy_venue, "kraken");
        let o = arbitrage::Node
            .step(arbitrage::In {
                a: a.clone(),
                b: b.clone(),
                fee_bps: 25.0,
            })
            .expect("ok");
        assert!(
            (o.profit_bps + 0.0).abs() < 1e-9 && !o.opportunity,
            "exactly break-even is no opportunity"
        );
        assert_eq!(
            arbitrage::Node
                .step(arbitrage::In {
                    a: a.clone(),
                    b: b.clone(),
                    fee_bps: -1.0
                })
                .unwrap_err()
                .kind,
            ErrorKind::InvalidInput
        );
        let mut empty = b;
        empty.asks.clear();
        let e = arbitrage::Node
            .step(arbitrage::In {
                a,
                b: empty,
                fee_bps: 10.0,
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("book b"), "{}", e.message);
    }

    #[test]
    fn grid_signals_line_crossings() {
        let mut g = grid::Node::default();
        // Lines at 100, 110, 120, 130, 140.
        let mut step = |price: f64| {
            g.step(grid::In {
                price,
                lower: 100.0,
                upper: 140.0,
                levels: 5,
            })
            .expect("ok")
        };
        let o = step(115.0);
        assert_eq!((o.buy, o.sell, o.level, o.spacing), (false, false, 2, 10.0));
        let o = step(118.0);
        assert_eq!((o.buy, o.sell, o.level), (false, false, 2));
        let o = step(109.0);
        assert_eq!((o.buy, o.sell, o.level), (true, false, 1));
        let o = step(130.0);
        assert_eq!((o.buy, o.sell, o.level), (false, true, 4));
        assert_eq!(step(99.0).level, 0);
        assert_eq!(step(150.0).level, 5);
        // On a line counts as at or above it.
        assert_eq!(step(110.0).level, 2);
        let mut bad = grid::Node::default();
        assert!(
            bad.step(grid::In {
                price: 1.0,
                lower: 2.0,
                upper: 1.0,
                levels: 5
            })
            .is_err()
        );
        assert!(
            bad.step(grid::In {
                price: 1.0,
                lower: 0.0,
                upper: 1.0,
                levels: 1
            })
            .is_err()
        );
        assert!(
            bad.step(grid::In {
                price: f64::NAN,
                lower: 0.0,
                upper: 1.0,
                levels: 3
            })
            .is_err()
        );
    }
}

#[cfg(test)]
mod sim_tests {
    use crate::node::{Io, NodeKind};
    use crate::nodes::{binance, kraken, testkit};

    #[tokio::test]
    async fn simulated_kraken_and_binance_sometimes_offer_arbitrage() {
        for seed in [0, 1, 2] {
            let cx = testkit::sim(seed);
            let mut hits = 0;
            let ticks = 600;
            for t in 0..ticks {
                testkit::tick(&cx, t);
                let a = binance::order_book::Node::new()
                    .run(
                        &cx,
                        binance::order_book::In {
                            pair: "BTCUSDT".into(),
                            depth: 5,
                        },
                    )
                    .await
                    .expect("book");
                let b = kraken::order_book::Node::new()
                    .run(
                        &cx,
                        kraken::order_book::In {
                            pair: "XBTUSD".into(),
                            depth: 5,
                        },
                    )
                    .await
                    .expect("book");
                let o = super::arbitrage::Node
                    .step(super::arbitrage::In {
                        a: a.book,
                        b: b.book,
                        fee_bps: 10.0,
                    })
                    .expect("arb");
                hits += usize::from(o.opportunity);
            }
            // Sometimes, not always: the basis exceeds two fees and the spreads now and then.
            assert!(
                (6..=240).contains(&hits),
                "seed {seed}: {hits} of {ticks} ticks"
            );
        }
    }
}
