//! Polymarket outcome tokens: prices in [0, 1] on a 0.001 grid in the simulation.

/// Price of an outcome token.
pub mod price {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::nodes::{lock, name};

    node! {
        kind "polymarket.price", io;
        in { token: String }
        out { price: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
            let token = name("token", &input.token)?;
            let q = lock(&cx.market).outcome("polymarket", token)?;
            Ok(Out { price: q.last })
        }
    }
}

/// The CLOB book of an outcome token (20 levels a side).
pub mod order_book {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::types::OrderBook;

    node! {
        kind "polymarket.order_book", io;
        in { token: String }
        out { book: OrderBook, best_bid: f64, best_ask: f64, mid: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
            let (book, best_bid, best_ask, mid) =
                crate::nodes::market_data::outcome_book(cx, "polymarket", &input.token, 20)?;
            Ok(Out {
                book,
                best_bid,
                best_ask,
                mid,
            })
        }
    }
}
