//! Kalshi event contracts: yes prices in [0, 1] (cents in the simulation).

/// A market's best yes bid and ask, last price and volume (contracts traded).
pub mod market {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::nodes::{lock, name};

    node! {
        kind "kalshi.market", io;
        in { ticker: String }
        out { yes_bid: f64, yes_ask: f64, last: f64, volume: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, input: In) -> Result<Out, NodeError> {
            let ticker = name("ticker", &input.ticker)?;
            let q = lock(&cx.market).outcome("kalshi", ticker)?;
            Ok(Out {
                yes_bid: q.bid,
                yes_ask: q.ask,
                last: q.last,
                volume: q.volume,
            })
        }
    }
}
