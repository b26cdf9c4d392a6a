//! Market sources behind the market-data nodes: simulated, replayed, and the live slot.
//!
//! One [`Market`] serves a whole run. The tick loop calls [`Market::begin_tick`] at the start
//! of every tick; nodes then ask it for prices, books, candles, funding, prediction-market
//! quotes and GPU offers. A strategy runs unchanged on every source:
//!
//! - [`Market::sim`]: the simulated venues of [`sim`] (every venue name and pair works,
//!   deterministic per seed); the GPU marketplace of [`gpu`].
//! - [`Market::replay`]: an OHLCV CSV ([`replay`]), one tick per data row. Every venue and
//!   pair sees the same replayed series: price nodes see the bar's close, books are
//!   synthesized around it, candles are the rows so far, funding is 0 with mark and index at
//!   the close, prediction-market nodes see the close (an error if it is not in [0, 1]).
//!   GPU offers come from the simulated marketplace (seed 0 unless [`Market::with_seed`]).
//! - [`Market::live`]: real venues. Their clients are not written yet, so every query
//!   answers `Unsupported` rather than pretending; the shapes of the vast.ai API are in
//!   [`vast`].
//!
//! Prices are `f64` in the pair's quote currency, rounded to the venue's price grid in the
//! simulation (about six significant digits, see [`symbol::price_decimals`]) and as written
//! in the CSV in replay.

pub(crate) mod gpu;
pub mod replay;
mod rng;
pub(crate) mod sim;
pub(crate) mod symbol;
pub(crate) mod time;
pub mod vast;

pub use replay::ReplayError;

use crate::node::{ErrorKind, NodeError};
use crate::types::{Candle, Candles, GpuOffer, Level, OrderBook};

/// What an order can trade at now: best bid and ask, the last price, and the current bar's
/// low and high (which decide whether a resting limit order was reached).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quote {
    pub bid: f64,
    pub ask: f64,
    pub last: f64,
    pub low: f64,
    pub high: f64,
}

/// A perpetual's funding rate (a fraction per 8h period), mark and index price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Funding {
    pub rate: f64,
    pub mark: f64,
    pub index: f64,
}

/// A prediction-market quote: best bid and ask, last price (all in [0, 1]) and volume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeQuote {
    pub bid: f64,
    pub ask: f64,
    pub last: f64,
    pub volume: f64,
}

/// Where a market keeps one caller's quote: see [`Market::quote_with`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct QuoteHint {
    /// The [`Market`] it is from (0: none yet).
    market: u64,
    index: usize,
}

/// A fresh id per market, so a hint from one is never read in another.
fn next_market_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The replayed series and where the replay stands.
#[derive(Debug)]
struct Replay {
    rows: Vec<replay::Row>,
    index: usize,
}

#[derive(Debug)]
enum Source {
    Sim(Box<sim::Sim>),
    Replay(Replay),
    Live,
}

/// The market of one run.
#[derive(Debug)]
pub struct Market {
    /// Tells this market's [`QuoteHint`]s from another's.
    id: u64,
    source: Source,
    gpus: gpu::GpuMarket,
    tick: u64,
    now_ms: i64,
}

/// The largest book depth a node may ask for (Binance's own limit).
pub const MAX_DEPTH: usize = 5000;

/// The most candles a node may ask for (Binance's own limit).
pub const MAX_CANDLES: usize = 1000;

fn unsupported_live(what: &str) -> NodeError {
    NodeError::new(
        ErrorKind::Unsupported,
        format!(
            "{what} in live mode needs the venue clients, which this build does not have yet; use --mode sim or --replay FILE.csv"
        ),
    )
}

impl Market {
    /// The simulated market for a seed.
    pub fn sim(seed: u64) -> Market {
        Market {
            id: next_market_id(),
            source: Source::Sim(Box::new(sim::Sim::new(seed))),
            gpus: gpu::GpuMarket::new(seed),
            tick: 0,
            now_ms: 0,
        }
    }

    /// A replay of an OHLCV CSV. `source` labels errors (usually the file name).
    pub fn replay(csv_text: &str, source: &str) -> Result<Market, ReplayError> {
        let rows = replay::parse_csv(csv_text, source)?;
        Ok(Market {
            id: next_market_id(),
            source: Source::Replay(Replay { rows, index: 0 }),
            gpus: gpu::GpuMarket::new(0),
            tick: 0,
            now_ms: 0,
        })
    }

    /// The live slot: every query answers `Unsupported` until the venue clients exist.
    pub fn live() -> Market {
        Market {
            id: next_market_id(),
            source: Source::Live,
            gpus: gpu::GpuMarket::new(0),
            tick: 0,
            now_ms: 0,
        }
    }

    /// Seeds the simulated parts that a replay does not cover (the GPU marketplace). A
    /// simulated market is rebuilt with the new seed; call it before the first tick.
    pub fn with_seed(mut self, seed: u64) -> Market {
        self.gpus = gpu::GpuMarket::new(seed);
        if let Source::Sim(_) = self.source {
            self.source = Source::Sim(Box::new(sim::Sim::new(seed)));
            self.id = next_market_id();
        }
        self
    }

    /// `sim`, `replay` or `live`.
    pub fn mode_name(&self) -> &'static str {
        match self.source {
            Source::Sim(_) => "sim",
            Source::Replay(_) => "replay",
            Source::Live => "live",
        }
    }

    /// The number of bars of a replay (one tick each); `None` for other sources.
    pub fn bars(&self) -> Option<usize> {
        match &self.source {
            Source::Replay(r) => Some(r.rows.len()),
            _ => None,
        }
    }

    /// Starts a tick: the simulation advances its random walks to `tick` (deterministically;
    /// ticks only move forward); a replay moves to row `tick` (the last row once past the
    /// end).
    pub fn begin_tick(&mut self, tick: u64, now_ms: i64) {
        self.tick = tick;
        self.now_ms = now_ms;
        match &mut self.source {
            Source::Sim(s) => s.begin_tick(tick, now_ms),
            Source::Replay(r) => {
                let last = r.rows.len().saturating_sub(1);
                r.index = usize::try_from(tick).unwrap_or(usize::MAX).min(last);
            }
            Source::Live => {}
        }
    }

    /// The current tick, as given to [`Market::begin_tick`].
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// The run clock's time at the start of the current tick (ms since the Unix epoch).
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// In replay, the current row's date as written in the CSV.
    pub fn bar_time(&self) -> Option<String> {
        match &self.source {
            Source::Replay(r) => r.rows.get(r.index).map(|row| row.date.clone()),
            _ => None,
        }
    }

    fn replay_row(r: &Replay) -> Option<&replay::Row> {
        r.rows.get(r.index)
    }

    /// The current quote of a venue and pair (a prediction-market token on `polymarket` and
    /// `kalshi`). In replay: bid, ask and last are the bar's close.
    pub fn quote(&mut self, venue: &str, pair: &str) -> Result<Quote, NodeError> {
        check_name("venue", venue)?;
        check_name("pair", pair)?;
        match &mut self.source {
            Source::Sim(s) => Ok(s.quote(venue, pair)),
            Source::Replay(_) => self.peek_quote(venue, pair).ok_or_else(no_row),
            Source::Live => Err(unsupported_live("market data")),
        }
    }

    /// [`Market::quote`] for a caller that asks for the same venue and pair every tick (the
    /// price nodes): `hint` remembers where the market keeps that quote, so the next call
    /// skips the name checks and the lookups. A hint from another market, or for another
    /// venue or pair, is ignored and replaced.
    #[inline]
    pub fn quote_with(
        &mut self,
        hint: &mut QuoteHint,
        venue: &str,
        pair: &str,
    ) -> Result<Quote, NodeError> {
        let id = self.id;
        let Source::Sim(s) = &mut self.source else {
            return self.quote(venue, pair);
        };
        if hint.market == id
            && let Some(q) = s.quote_at(hint.index, venue, pair)
        {
            return Ok(q);
        }
        check_name("venue", venue)?;
        check_name("pair", pair)?;
        let (index, q) = s.quote_indexed(venue, pair);
        *hint = QuoteHint { market: id, index };
        Ok(q)
    }

    /// The quote of a series the market already knows, without creating one. The ledger
    /// uses it to mark positions and fill resting orders; positions always have a series,
    /// because placing their order created it.
    pub fn peek_quote(&self, venue: &str, pair: &str) -> Option<Quote> {
        match &self.source {
            Source::Sim(s) => s.peek_quote(venue, pair),
            Source::Replay(r) => Self::replay_row(r).map(|row| Quote {
                bid: row.close,
                ask: row.close,
                last: row.close,
                low: row.low,
                high: row.high,
            }),
            Source::Live => None,
        }
    }

    /// The last trade price.
    pub fn price(&mut self, venue: &str, pair: &str) -> Result<f64, NodeError> {
        Ok(self.quote(venue, pair)?.last)
    }

    /// An order book with `depth` levels a side (1 to [`MAX_DEPTH`]).
    pub fn order_book(
        &mut self,
        venue: &str,
        pair: &str,
        depth: usize,
    ) -> Result<OrderBook, NodeError> {
        check_name("venue", venue)?;
        check_name("pair", pair)?;
        if !(1..=MAX_DEPTH).contains(&depth) {
            return Err(NodeError::invalid(format!(
                "depth must be between 1 and {MAX_DEPTH}, got {depth}"
            )));
        }
        let now = self.now_ms;
        match &mut self.source {
            Source::Sim(s) => Ok(s.order_book(venue, pair, depth, now)),
            Source::Replay(r) => {
                let row = Self::replay_row(r).ok_or_else(no_row)?;
                Ok(synthesized_book(venue, pair, row.close, depth, now))
            }
            Source::Live => Err(unsupported_live("market data")),
        }
    }

    /// The last `limit` bars (1 to [`MAX_CANDLES`]), oldest first. The simulation and the
    /// replay have one bar per tick whatever the interval: `interval` is checked and labels
    /// the candles, and spaces the simulation's bars from before the first tick.
    pub fn candles(
        &mut self,
        venue: &str,
        pair: &str,
        interval: &str,
        limit: usize,
    ) -> Result<Candles, NodeError> {
        check_name("venue", venue)?;
        check_name("pair", pair)?;
        let spacing = interval_ms(interval).ok_or_else(|| {
            NodeError::invalid(format!(
                "unknown candle interval \"{interval}\"; use e.g. 1m, 5m, 15m, 1h, 4h, 1d, 1w"
            ))
        })?;
        if !(1..=MAX_CANDLES).contains(&limit) {
            return Err(NodeError::invalid(format!(
                "limit must be between 1 and {MAX_CANDLES}, got {limit}"
            )));
        }
        let bars = match &mut self.source {
            Source::Sim(s) => s.candles(venue, pair, limit, spacing),
            Source::Replay(r) => {
                let end = (r.index + 1).min(r.rows.len());
                r.rows[end.saturating_sub(limit)..end]
                    .iter()
                    .map(|row| Candle {
                        time: row.date.clone(),
                        open_time_ms: row.open_time_ms,
                        open: row.open,
                        high: row.high,
                        low: row.low,
                        close: row.close,
                        volume: row.volume,
                    })
                    .collect()
            }
            Source::Live => return Err(unsupported_live("market data")),
        };
        Ok(Candles {
            venue: venue.to_string(),
            pair: pair.to_string(),
            interval: interval.to_string(),
            bars,
        })
    }

    /// A perpetual's funding rate, mark and index. In replay: rate 0, mark and index at the
    /// close (a CSV has no funding data).
    pub fn funding(&mut self, venue: &str, pair: &str) -> Result<Funding, NodeError> {
        check_name("venue", venue)?;
        check_name("pair", pair)?;
        match &mut self.source {
            Source::Sim(s) => Ok(s.funding(venue, pair)),
            Source::Replay(r) => {
                let row = Self::replay_row(r).ok_or_else(no_row)?;
                Ok(Funding {
                    rate: 0.0,
                    mark: row.close,
                    index: row.close,
                })
            }
            Source::Live => Err(unsupported_live("market data")),
        }
    }

    /// A prediction-market quote for a token or ticker. In replay the close must be a
    /// probability in [0, 1].
    pub fn outcome(&mut self, venue: &str, token: &str) -> Result<OutcomeQuote, NodeError> {
        check_name("venue", venue)?;
        check_name(if venue == "kalshi" { "ticker" } else { "token" }, token)?;
        match &mut self.source {
            Source::Sim(s) => Ok(s.outcome(venue, token)),
            Source::Replay(r) => {
                let row = Self::replay_row(r).ok_or_else(no_row)?;
                let p = replayed_probability(row.close)?;
                Ok(OutcomeQuote {
                    bid: p,
                    ask: p,
                    last: p,
                    volume: row.volume,
                })
            }
            Source::Live => Err(unsupported_live("market data")),
        }
    }

    /// A prediction-market book for a token.
    pub fn outcome_book(
        &mut self,
        venue: &str,
        token: &str,
        depth: usize,
    ) -> Result<OrderBook, NodeError> {
        if let Source::Replay(r) = &self.source
            && let Some(row) = Self::replay_row(r)
        {
            replayed_probability(row.close)?;
        }
        self.order_book(venue, token, depth)
    }

    /// The GPU offers listed now on the simulated marketplace, in listing order.
    pub fn gpu_offers(&self) -> Result<Vec<GpuOffer>, NodeError> {
        match self.source {
            Source::Live => Err(unsupported_live("vast.ai offers")),
            _ => Ok(self.gpus.offers(self.tick)),
        }
    }

    /// Rents a listed offer on the simulated marketplace: the instance id and the offer as
    /// listed now. `Rejected` when the offer is no longer listed (gone, or rented already).
    pub fn rent_gpu(&mut self, offer_id: i64) -> Result<(i64, GpuOffer), NodeError> {
        if let Source::Live = self.source {
            return Err(unsupported_live("renting on vast.ai"));
        }
        self.gpus.rent(offer_id, self.tick).ok_or_else(|| {
            NodeError::new(
                ErrorKind::Rejected,
                format!("offer {offer_id} is no longer available"),
            )
        })
    }

    /// Puts a rented offer back on the simulated marketplace; false if it was not rented.
    pub fn release_gpu(&mut self, offer_id: i64) -> bool {
        self.gpus.release(offer_id)
    }
}

/// A replay always has a row (an empty CSV is refused), so this is a guard, not a path.
fn no_row() -> NodeError {
    NodeError::new(
        ErrorKind::BadResponse,
        "the replay has no row for this tick",
    )
}

fn replayed_probability(close: f64) -> Result<f64, NodeError> {
    if (0.0..=1.0).contains(&close) {
        Ok(close)
    } else {
        Err(NodeError::invalid(format!(
            "the replayed close {close} is not a probability in [0, 1]; replay a prediction-market CSV for prediction-market nodes"
        )))
    }
}

/// Venue, pair and token names must be non-empty (after trimming) and reasonably short.
fn check_name(what: &str, name: &str) -> Result<(), NodeError> {
    if name.trim().is_empty() {
        return Err(NodeError::invalid(format!("the {what} is empty")));
    }
    if name.len() > 200 {
        return Err(NodeError::invalid(format!(
            "the {what} is longer than 200 bytes"
        )));
    }
    Ok(())
}

/// A book around a replayed close: best bid and ask 1 bp either side, levels 1 bp apart,
/// sizes a fixed pattern (a CSV has no depth data).
fn synthesized_book(venue: &str, pair: &str, close: f64, depth: usize, now_ms: i64) -> OrderBook {
    let d = symbol::price_decimals(close);
    let tick = 10f64.powi(-(d as i32));
    let step = (close * 0.000_1).max(tick);
    let size = |i: usize| {
        symbol::round_to(
            10_000.0 / close * (1.0 + 0.25 * (i % 4) as f64 + 0.1 * i as f64),
            6,
        )
    };
    let mut bids = Vec::with_capacity(depth.min(MAX_CANDLES));
    let mut asks = Vec::with_capacity(depth.min(MAX_CANDLES));
    for i in 0..depth {
        let off = step * (i as f64 + 1.0);
        let bid = symbol::round_to(close - off, d.max(2));
        if bid > 0.0 {
            bids.push(Level {
                price: bid,
                size: size(i),
            });
        }
        asks.push(Level {
            price: symbol::round_to(close + off, d.max(2)),
            size: size(i + 1),
        });
    }
    OrderBook {
        venue: venue.to_string(),
        pair: pair.to_string(),
        bids,
        asks,
        timestamp_ms: now_ms,
    }
}

/// The length of a candle interval in ms: `N` followed by `s`, `m`, `h`, `d`, `w` or `M`
/// (a 30-day month), as Binance writes them (`1m`, `4h`, `1d`, `1M`), or a bare number of
/// minutes as Kraken writes them (`1`, `60`, `1440`).
pub fn interval_ms(interval: &str) -> Option<i64> {
    let s = interval.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: i64 = digits.parse().ok().filter(|&n| n > 0 && n <= 100_000)?;
    let unit_ms = match unit {
        "" | "m" => 60_000,
        "s" => 1_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        "M" => 30 * 86_400_000,
        _ => return None,
    };
    Some(n * unit_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "Date,Open,High,Low,Close,Volume\n\
        2024-01-01,100,105,95,102,1000\n\
        2024-01-02,102,110,101,108,1500\n\
        2024-01-03,108,109,90,91,3000\n";

    #[test]
    fn replay_moves_one_row_per_tick_and_every_venue_sees_it() {
        let mut m = Market::replay(CSV, "prices.csv").expect("valid");
        assert_eq!(m.bars(), Some(3));
        assert_eq!(m.mode_name(), "replay");
        m.begin_tick(1, 0);
        assert_eq!(m.bar_time().as_deref(), Some("2024-01-02"));
        assert_eq!(m.price("binance", "BTCUSDT"), Ok(108.0));
        assert_eq!(m.price("kraken", "ETHUSD"), Ok(108.0));
        let q = m.quote("binance", "X").expect("quote");
        assert_eq!((q.bid, q.ask, q.low, q.high), (108.0, 108.0, 101.0, 110.0));
        let c = m.candles("binance", "BTCUSDT", "1d", 100).expect("candles");
        assert_eq!(c.bars.len(), 2);
        assert_eq!(c.bars[1].close, 108.0);
        assert_eq!(c.bars[0].time, "2024-01-01");
        let b = m.order_book("binance", "BTCUSDT", 5).expect("book");
        assert_eq!(b.bids.len(), 5);
        assert!(b.bids[0].price < 108.0 && b.asks[0].price > 108.0);
        assert_eq!(b.mid(), Some(108.0));
        let f = m.funding("binance", "BTCUSDT").expect("funding");
        assert_eq!((f.rate, f.mark, f.index), (0.0, 108.0, 108.0));
        assert_eq!(
            m.outcome("polymarket", "tok").unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        m.begin_tick(99, 0);
        assert_eq!(m.bar_time().as_deref(), Some("2024-01-03"));
        assert!(m.gpu_offers().is_ok());
    }

    #[test]
    fn replay_errors_surface() {
        let e = Market::replay("Date,Open\n", "p.csv").unwrap_err();
        assert!(
            e.to_string().starts_with("p.csv: row 1, column \"High\""),
            "{e}"
        );
    }

    #[test]
    fn live_never_pretends() {
        let mut m = Market::live();
        for e in [
            m.price("binance", "BTCUSDT").unwrap_err(),
            m.order_book("binance", "BTCUSDT", 5).unwrap_err(),
            m.candles("binance", "BTCUSDT", "1m", 5).unwrap_err(),
            m.gpu_offers().unwrap_err(),
            m.rent_gpu(1).unwrap_err(),
        ] {
            assert_eq!(e.kind, ErrorKind::Unsupported);
        }
        assert!(m.peek_quote("binance", "BTCUSDT").is_none());
    }

    #[test]
    fn inputs_are_checked() {
        let mut m = Market::sim(0);
        assert_eq!(
            m.price("binance", " ").unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            m.order_book("binance", "BTCUSDT", 0).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            m.order_book("binance", "BTCUSDT", 5001).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            m.candles("binance", "BTCUSDT", "7x", 5).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            m.candles("binance", "BTCUSDT", "1m", 0).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(interval_ms("1m"), Some(60_000));
        assert_eq!(interval_ms("4h"), Some(14_400_000));
        assert_eq!(interval_ms("1440"), Some(86_400_000));
        assert_eq!(interval_ms("0m"), None);
        assert_eq!(interval_ms(""), None);
        assert_eq!(interval_ms("m"), None);
    }

    #[test]
    fn hinted_quotes_equal_plain_quotes_whatever_the_hint() {
        let mut a = Market::sim(5);
        let mut b = Market::sim(5);
        let mut other = Market::sim(5);
        let (mut hint, mut stray) = (QuoteHint::default(), QuoteHint::default());
        for t in 0..40u64 {
            a.begin_tick(t, 0);
            b.begin_tick(t, 0);
            other.begin_tick(t, 0);
            // The pair changes now and then; `stray` comes from another market each tick.
            let pair = if t % 7 == 3 { "ETHUSDT" } else { "BTCUSDT" };
            let want = b.quote("kraken", pair).expect("sim quotes");
            assert_eq!(
                a.quote_with(&mut hint, "kraken", pair),
                Ok(want),
                "tick {t}"
            );
            assert_eq!(a.quote_with(&mut hint, "kraken", pair), Ok(want));
            let _ = other.quote_with(&mut stray, "binance", "SOLUSDT");
            assert_eq!(a.quote_with(&mut stray, "kraken", pair), Ok(want));
        }
        // Names are still checked when the hint does not apply.
        assert!(a.quote_with(&mut hint, "kraken", " ").is_err());
        let mut replay = Market::replay(CSV, "prices.csv").expect("valid");
        let q = replay.quote_with(&mut hint, "binance", "BTCUSDT");
        assert_eq!(q.map(|q| q.last), Ok(102.0));
    }

    #[test]
    fn sim_is_deterministic_per_seed_through_the_public_api() {
        let run = |seed| {
            let mut m = Market::sim(seed);
            (0..20)
                .map(|t| {
                    m.begin_tick(t, 1_700_000_000_000 + t as i64 * 60_000);
                    (
                        m.price("binance", "BTCUSDT").expect("p"),
                        m.outcome("kalshi", "FED-RATE").expect("o").last,
                        m.gpu_offers().expect("g").len(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9));
        assert_ne!(run(9), run(10));
    }
}
