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
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::types::OrderBook;

    node! {
        kind "analysis.spread", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Cross-venue arbitrage after fees: `profit_bps` is the spread less `fee_bps` paid on
/// each of the two legs (`spread - 2 * fee_bps`); `opportunity` when it is positive.
pub mod arbitrage {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::non_negative;
    use crate::types::OrderBook;

    node! {
        kind "analysis.arbitrage", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// A price grid of `levels` evenly spaced lines from `lower` to `upper` (both included).
/// `level` is how many lines lie at or below the price (0 below the grid, `levels` at or
/// above its top); `buy` when it fell since the last tick (the price crossed a line
/// downwards), `sell` when it rose. The first tick, and the first after the grid changes,
/// only sets the level.
pub mod grid {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};
    use crate::nodes::finite;

    node! {
        kind "analysis.grid", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}
