//! The simulated market: every venue and pair, deterministic per seed.
//!
//! - Each asset (`BTC-USD`, however a venue spells the pair) has one random walk, seeded from
//!   the run's seed and the asset's name, starting at a realistic reference price (a
//!   hash-derived one for unknown names). Each tick is one bar: four sub-steps give its open,
//!   high, low and close; volume is noisy with occasional spikes.
//! - Each venue quotes the asset with its own basis: Binance is the reference (basis 0);
//!   Kraken and any other venue follow an AR(1) basis of roughly ±14 bps, so cross-venue
//!   arbitrage after fees appears now and then. Venues differ in spread and volume.
//! - Books are built around the venue's close: best bid and ask half the venue's spread
//!   away, levels spaced about half a basis point apart, sizes random but deterministic per
//!   tick.
//! - Prediction markets (`polymarket`, `kalshi`) walk a probability kept in [0.01, 0.99].
//! - Every series keeps [`HISTORY`] bars, and starts that many bars before tick 0, so
//!   candles and indicators have a past from the first tick.
//!
//! Determinism: a series' path is a function of (seed, venue, pair) and the step only. Series
//! are created on first use and catch up step by step, so the order in which nodes ask (or
//! whether they asked on earlier ticks) never changes a value.

use std::collections::{HashMap, VecDeque};

use super::rng::{Rng, hash_parts, mix_seed};
use super::symbol::{self, Pair, price_decimals, round_to};
use super::{Funding, OutcomeQuote, Quote};
use crate::types::{Candle, Level, OrderBook};

/// Bars kept per series, and bars generated before tick 0.
pub(crate) const HISTORY: usize = 1000;

/// One bar of a series, in the series' own units.
#[derive(Debug, Clone, Copy)]
struct RawBar {
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
}

/// The venue-independent walk of one asset.
#[derive(Debug)]
struct AssetSeries {
    rng: Rng,
    price: f64,
    reference: f64,
    sigma: f64,
    volume_usd: f64,
    decimals: u32,
    /// The step of the last bar in `bars`.
    step: u64,
    bars: VecDeque<RawBar>,
}

impl AssetSeries {
    fn new(seed: u64, pair: &Pair) -> AssetSeries {
        let key = pair.key();
        let h = hash_parts(&[b"asset", key.as_bytes()]);
        let mut rng = Rng::new(mix_seed(seed, &[h]));
        let (reference, sigma, volume_usd) = match (
            symbol::reference(&pair.base),
            symbol::reference(&pair.quote),
        ) {
            (Some((pb, sb, vb)), Some((pq, sq, _))) => (pb / pq, sb.max(sq), vb),
            _ => {
                // Unknown names: a log-uniform-ish price in [0.5, 500), livelier than
                // majors, derived from the name alone so every seed agrees on the level.
                let mut named = Rng::new(h);
                let level = 0.5 * 10f64.powf(named.range(0.0, 3.0));
                (level, 0.003, 50_000.0)
            }
        };
        // Each seed starts the walk a little away from the reference.
        let price = reference * (1.0 + 0.02 * rng.normal() / 3.0);
        let mut s = AssetSeries {
            rng,
            price,
            reference,
            sigma,
            volume_usd,
            decimals: price_decimals(reference),
            step: 0,
            bars: VecDeque::with_capacity(HISTORY + 1),
        };
        let first = s.next_bar();
        s.bars.push_back(first);
        s
    }

    fn next_bar(&mut self) -> RawBar {
        let open = self.price;
        let (mut high, mut low) = (open, open);
        for _ in 0..4 {
            // A weak pull to the reference keeps long runs in a plausible range; the shock
            // is bounded (|z| <= 6), so the price stays positive.
            let pull = -0.000_05 * (self.price - self.reference) / self.reference;
            self.price *= 1.0 + 0.5 * self.sigma * self.rng.normal() + pull;
            high = high.max(self.price);
            low = low.min(self.price);
        }
        let close = self.price;
        let mut volume = self.volume_usd / close * self.rng.range(0.5, 1.5);
        if self.rng.uniform() < 0.03 {
            volume *= self.rng.range(3.0, 6.0);
        }
        RawBar {
            open,
            high,
            low,
            close,
            volume,
        }
    }

    fn advance_to(&mut self, step: u64) {
        while self.step < step {
            let bar = self.next_bar();
            self.step += 1;
            if self.bars.len() > HISTORY {
                self.bars.pop_front();
            }
            self.bars.push_back(bar);
        }
    }
}

/// How one venue quotes: its basis against the asset, spread, share of volume, funding.
#[derive(Debug)]
struct VenueSeries {
    rng: Rng,
    reference: bool,
    basis: f64,
    basis_sd: f64,
    spread_bps: f64,
    volume_share: f64,
    funding: f64,
    step: u64,
    /// (basis, funding rate) per step, aligned with the asset's bars.
    states: VecDeque<(f64, f64)>,
}

const BASIS_PHI: f64 = 0.9;
const FUNDING_MEAN: f64 = 0.000_1;

impl VenueSeries {
    fn new(seed: u64, venue: &str, key: &str) -> VenueSeries {
        let h = hash_parts(&[b"venue", venue.as_bytes(), key.as_bytes()]);
        let mut rng = Rng::new(mix_seed(seed, &[h]));
        let mut named = Rng::new(hash_parts(&[b"venue-params", venue.as_bytes()]));
        let (reference, basis_sd, spread_bps, volume_share) = match venue {
            "binance" => (true, 0.0, 1.0, 1.0),
            "kraken" => (false, 0.000_6, 2.0, 0.3),
            _ => (
                false,
                named.range(0.000_3, 0.000_8),
                named.range(1.0, 5.0),
                named.range(0.05, 0.5),
            ),
        };
        // Start from the stationary distribution of the AR(1) basis.
        let stationary = basis_sd / (1.0 - BASIS_PHI * BASIS_PHI).sqrt();
        let basis = if reference {
            0.0
        } else {
            stationary * rng.normal() / 2.0
        };
        let funding = FUNDING_MEAN + 0.000_05 * rng.normal() / 2.0;
        let mut states = VecDeque::with_capacity(HISTORY + 1);
        states.push_back((basis, funding));
        VenueSeries {
            rng,
            reference,
            basis,
            basis_sd,
            spread_bps,
            volume_share,
            funding,
            step: 0,
            states,
        }
    }

    fn advance_to(&mut self, step: u64) {
        while self.step < step {
            if !self.reference {
                self.basis = BASIS_PHI * self.basis + self.basis_sd * self.rng.normal();
            }
            let shock = 0.000_02 * self.rng.normal();
            self.funding = (FUNDING_MEAN + 0.95 * (self.funding - FUNDING_MEAN) + shock)
                .clamp(-0.007_5, 0.007_5);
            self.step += 1;
            if self.states.len() > HISTORY {
                self.states.pop_front();
            }
            self.states.push_back((self.basis, self.funding));
        }
    }
}

/// A prediction-market outcome: a probability walk.
#[derive(Debug)]
struct OutcomeSeries {
    rng: Rng,
    p: f64,
    volume: f64,
    step: u64,
    bars: VecDeque<RawBar>,
}

impl OutcomeSeries {
    fn new(seed: u64, venue: &str, token: &str) -> OutcomeSeries {
        let h = hash_parts(&[b"outcome", venue.as_bytes(), token.as_bytes()]);
        let mut rng = Rng::new(mix_seed(seed, &[h]));
        let p = rng.range(0.1, 0.9);
        let mut s = OutcomeSeries {
            rng,
            p,
            volume: 0.0,
            step: 0,
            bars: VecDeque::new(),
        };
        let first = s.next_bar();
        s.bars.push_back(first);
        s
    }

    fn next_bar(&mut self) -> RawBar {
        let open = self.p;
        let (mut high, mut low) = (open, open);
        for _ in 0..2 {
            // Moves scale with sqrt(p(1-p)), like a logit walk, without libm transcendentals.
            let scale = (self.p * (1.0 - self.p)).sqrt();
            self.p = (self.p + 0.01 * scale * self.rng.normal()).clamp(0.01, 0.99);
            high = high.max(self.p);
            low = low.min(self.p);
        }
        let traded = self.rng.range(0.0, 2_000.0);
        self.volume += traded;
        RawBar {
            open,
            high,
            low,
            close: self.p,
            volume: traded,
        }
    }

    fn advance_to(&mut self, step: u64) {
        while self.step < step {
            let bar = self.next_bar();
            self.step += 1;
            if self.bars.len() > HISTORY {
                self.bars.pop_front();
            }
            self.bars.push_back(bar);
        }
    }
}

/// Price ticks of the prediction venues: Polymarket quotes to 0.001, Kalshi in cents.
fn outcome_decimals(venue: &str) -> u32 {
    if venue == "kalshi" { 2 } else { 3 }
}

/// Whether a venue trades outcome tokens (prices in [0, 1]) rather than asset pairs.
pub(crate) fn is_outcome_venue(venue: &str) -> bool {
    matches!(venue, "polymarket" | "kalshi")
}

fn floor_to(x: f64, d: u32) -> f64 {
    let p = 10f64.powi(d as i32);
    (x * p).floor() / p
}

fn ceil_to(x: f64, d: u32) -> f64 {
    let p = 10f64.powi(d as i32);
    (x * p).ceil() / p
}

/// One (venue, pair) as a node spelled them, and its quote at the step it was made. A quote
/// is a function of (seed, venue, pair, step), so asking again in the same step can answer
/// from here.
#[derive(Debug)]
struct CachedQuote {
    venue: Box<str>,
    pair: Box<str>,
    step: u64,
    quote: Quote,
}

/// The simulated market of one run.
#[derive(Debug)]
pub(crate) struct Sim {
    seed: u64,
    /// The current step: `HISTORY + tick`.
    step: u64,
    assets: HashMap<String, AssetSeries>,
    venues: HashMap<(String, String), VenueSeries>,
    outcomes: HashMap<(String, String), OutcomeSeries>,
    /// Run-clock times of recent steps, for candle open times.
    times: VecDeque<(u64, i64)>,
    /// Every (venue, pair) spelling asked for, with its latest quote. Nodes keep the index
    /// of theirs ([`Sim::quote_at`]), so a price node costs an index and a compare per
    /// tick rather than parsing the pair and walking four maps.
    quotes: Vec<CachedQuote>,
    /// Where each spelling is in `quotes`: venue, then pair.
    quote_index: HashMap<String, HashMap<String, usize>>,
}

impl Sim {
    pub(crate) fn new(seed: u64) -> Sim {
        Sim {
            seed,
            step: HISTORY as u64,
            assets: HashMap::new(),
            venues: HashMap::new(),
            outcomes: HashMap::new(),
            times: VecDeque::new(),
            quotes: Vec::new(),
            quote_index: HashMap::new(),
        }
    }

    /// Moves every series to `tick`. Ticks only move forward; an earlier tick is ignored.
    pub(crate) fn begin_tick(&mut self, tick: u64, now_ms: i64) {
        let step = (HISTORY as u64).saturating_add(tick);
        if step < self.step {
            return;
        }
        self.step = step;
        if self.times.back().is_none_or(|&(s, _)| s < step) {
            if self.times.len() > HISTORY {
                self.times.pop_front();
            }
            self.times.push_back((step, now_ms));
        }
        for a in self.assets.values_mut() {
            a.advance_to(step);
        }
        for v in self.venues.values_mut() {
            v.advance_to(step);
        }
        for o in self.outcomes.values_mut() {
            o.advance_to(step);
        }
    }

    /// The run-clock time of a step; steps before the first tick are extrapolated back from
    /// it `spacing_ms` apart.
    fn time_of(&self, step: u64, spacing_ms: i64) -> i64 {
        if let Some(&(_, ms)) = self.times.iter().find(|&&(s, _)| s == step) {
            return ms;
        }
        let (s0, ms0) = self.times.front().copied().unwrap_or((self.step, 0));
        let back = s0.saturating_sub(step) as i64;
        ms0.saturating_sub(back.saturating_mul(spacing_ms))
    }

    fn ensure(&mut self, venue: &str, pair: &str) -> (String, (String, String)) {
        let p = symbol::split_pair(pair);
        let key = p.key();
        let step = self.step;
        let seed = self.seed;
        self.assets
            .entry(key.clone())
            .or_insert_with(|| AssetSeries::new(seed, &p))
            .advance_to(step);
        let vkey = (venue.to_string(), key.clone());
        self.venues
            .entry(vkey.clone())
            .or_insert_with(|| VenueSeries::new(seed, venue, &key))
            .advance_to(step);
        (key, vkey)
    }

    fn ensure_outcome(&mut self, venue: &str, token: &str) -> (String, String) {
        let k = (venue.to_string(), token.to_string());
        let (seed, step) = (self.seed, self.step);
        self.outcomes
            .entry(k.clone())
            .or_insert_with(|| OutcomeSeries::new(seed, venue, token))
            .advance_to(step);
        k
    }

    /// The venue's bar at the current step, in quote-currency prices, and its quote.
    fn venue_quote(&self, key: &str, vkey: &(String, String)) -> Option<Quote> {
        let a = self.assets.get(key)?;
        let v = self.venues.get(vkey)?;
        let bar = *a.bars.back()?;
        let (basis, _) = *v.states.back()?;
        let f = 1.0 + basis;
        let d = a.decimals;
        let close = bar.close * f;
        let (bid, ask) = top_of_book(close, v.spread_bps, d);
        Some(Quote {
            bid,
            ask,
            last: round_to(close, d),
            low: round_to(bar.low * f, d),
            high: round_to(bar.high * f, d),
        })
    }

    fn outcome_quote_of(&self, k: &(String, String)) -> Option<(Quote, f64)> {
        let o = self.outcomes.get(k)?;
        let bar = *o.bars.back()?;
        let d = outcome_decimals(&k.0);
        let tick = 10f64.powi(-(d as i32));
        let half = if d == 2 { 0.01 } else { 0.005 };
        let bid = round_to(
            floor_to(bar.close - half, d).clamp(tick, 1.0 - 2.0 * tick),
            d,
        );
        let ask = round_to(
            ceil_to(bar.close + half, d).clamp(bid + tick, 1.0 - tick),
            d,
        );
        let q = Quote {
            bid,
            ask,
            last: round_to(bar.close, d),
            low: round_to(bar.low, d),
            high: round_to(bar.high, d),
        };
        Some((q, o.volume))
    }

    /// Best bid, best ask and the bar's last, low and high for a venue and pair (creating the
    /// series on first use).
    pub(crate) fn quote(&mut self, venue: &str, pair: &str) -> Quote {
        self.peek_or_create(venue, pair)
    }

    fn peek_or_create(&mut self, venue: &str, pair: &str) -> Quote {
        self.quote_indexed(venue, pair).1
    }

    /// The quote of entry `index` of the cache, if that entry is this (venue, pair): made
    /// now if the cached one is from an earlier step.
    #[inline]
    pub(crate) fn quote_at(&mut self, index: usize, venue: &str, pair: &str) -> Option<Quote> {
        let entry = self.quotes.get(index)?;
        if *entry.venue != *venue || *entry.pair != *pair {
            return None;
        }
        if entry.step == self.step {
            return Some(entry.quote);
        }
        Some(self.refresh(index))
    }

    /// The quote of a venue and pair and where the cache keeps it, for [`Sim::quote_at`].
    pub(crate) fn quote_indexed(&mut self, venue: &str, pair: &str) -> (usize, Quote) {
        let known = self
            .quote_index
            .get(venue)
            .and_then(|pairs| pairs.get(pair))
            .copied();
        let index = match known {
            Some(index) => index,
            None => {
                let index = self.quotes.len();
                self.quotes.push(CachedQuote {
                    venue: venue.into(),
                    pair: pair.into(),
                    // No step is this one: the first use makes the quote.
                    step: u64::MAX,
                    quote: Quote {
                        bid: 0.0,
                        ask: 0.0,
                        last: 0.0,
                        low: 0.0,
                        high: 0.0,
                    },
                });
                self.quote_index
                    .entry(venue.to_owned())
                    .or_default()
                    .insert(pair.to_owned(), index);
                index
            }
        };
        let entry = &self.quotes[index];
        let quote = if entry.step == self.step {
            entry.quote
        } else {
            self.refresh(index)
        };
        (index, quote)
    }

    /// Remakes entry `index`'s quote at the current step.
    #[cold]
    fn refresh(&mut self, index: usize) -> Quote {
        let (venue, pair) = {
            let e = &self.quotes[index];
            (e.venue.clone(), e.pair.clone())
        };
        let quote = self.make_quote(&venue, &pair);
        let step = self.step;
        let e = &mut self.quotes[index];
        e.step = step;
        e.quote = quote;
        quote
    }

    /// The quote made for this (venue, pair) spelling at the current step, if any.
    fn cached_quote(&self, venue: &str, pair: &str) -> Option<Quote> {
        let index = *self.quote_index.get(venue)?.get(pair)?;
        let entry = self.quotes.get(index)?;
        (entry.step == self.step).then_some(entry.quote)
    }

    fn make_quote(&mut self, venue: &str, pair: &str) -> Quote {
        let q = if is_outcome_venue(venue) {
            let k = self.ensure_outcome(venue, pair);
            self.outcome_quote_of(&k).map(|(q, _)| q)
        } else {
            let (key, vkey) = self.ensure(venue, pair);
            self.venue_quote(&key, &vkey)
        };
        // Series always hold at least one bar once created, so this fallback is unreachable
        // in practice; it keeps the function total without a panic path.
        q.unwrap_or(Quote {
            bid: 0.0,
            ask: 0.0,
            last: 0.0,
            low: 0.0,
            high: 0.0,
        })
    }

    /// The quote of a series that already exists, without creating one.
    pub(crate) fn peek_quote(&self, venue: &str, pair: &str) -> Option<Quote> {
        if let Some(q) = self.cached_quote(venue, pair) {
            return Some(q);
        }
        if is_outcome_venue(venue) {
            self.outcome_quote_of(&(venue.to_string(), pair.to_string()))
                .map(|(q, _)| q)
        } else {
            let key = symbol::split_pair(pair).key();
            self.venue_quote(&key, &(venue.to_string(), key.clone()))
        }
    }

    /// A prediction-market quote: bid, ask, last and cumulative volume.
    pub(crate) fn outcome(&mut self, venue: &str, token: &str) -> OutcomeQuote {
        let k = self.ensure_outcome(venue, token);
        match self.outcome_quote_of(&k) {
            Some((q, volume)) => OutcomeQuote {
                bid: q.bid,
                ask: q.ask,
                last: q.last,
                volume,
            },
            None => OutcomeQuote {
                bid: 0.0,
                ask: 0.0,
                last: 0.0,
                volume: 0.0,
            },
        }
    }

    /// `depth` levels a side around the current quote.
    pub(crate) fn order_book(
        &mut self,
        venue: &str,
        pair: &str,
        depth: usize,
        now_ms: i64,
    ) -> OrderBook {
        let q = self.peek_or_create(venue, pair);
        let (decimals, level_step, top_size) = if is_outcome_venue(venue) {
            let d = outcome_decimals(venue);
            (d, 10f64.powi(-(d as i32)), 500.0)
        } else {
            let d = price_decimals(q.last);
            // About half a basis point between levels, at least one price tick; the top
            // level holds roughly $40k.
            let tick = 10f64.powi(-(d as i32));
            (
                d,
                (q.last * 0.000_05).max(tick),
                40_000.0 / q.last.max(f64::MIN_POSITIVE),
            )
        };
        let seed = mix_seed(
            self.seed,
            &[
                hash_parts(&[b"book", venue.as_bytes(), pair.as_bytes()]),
                self.step,
            ],
        );
        let mut bid_rng = Rng::new(seed ^ 1);
        let mut ask_rng = Rng::new(seed ^ 2);
        let outcome = is_outcome_venue(venue);
        let mut bids = Vec::with_capacity(depth.min(HISTORY));
        let mut asks = Vec::with_capacity(depth.min(HISTORY));
        for i in 0..depth {
            let off = level_step * i as f64;
            let bid = round_to(q.bid - off, decimals);
            let ask = round_to(q.ask + off, decimals);
            let grow = 1.0 + 0.15 * i as f64;
            let size = |rng: &mut Rng| round_to(top_size * grow * rng.range(0.3, 1.7), 6);
            let (bs, asz) = (size(&mut bid_rng), size(&mut ask_rng));
            // Books end where prices would leave the valid range.
            if bid > 0.0 && (!outcome || bid < 1.0) {
                bids.push(Level {
                    price: bid,
                    size: bs,
                });
            }
            if !outcome || ask < 1.0 {
                asks.push(Level {
                    price: ask,
                    size: asz,
                });
            }
        }
        OrderBook {
            venue: venue.to_string(),
            pair: pair.to_string(),
            bids,
            asks,
            timestamp_ms: now_ms,
        }
    }

    /// The last `limit` bars (one per tick), oldest first, their open times `spacing_ms`
    /// apart before the first tick.
    pub(crate) fn candles(
        &mut self,
        venue: &str,
        pair: &str,
        limit: usize,
        spacing_ms: i64,
    ) -> Vec<Candle> {
        let mut raw: Vec<(u64, RawBar, u32)> = Vec::new();
        if is_outcome_venue(venue) {
            let k = self.ensure_outcome(venue, pair);
            if let Some(o) = self.outcomes.get(&k) {
                let d = outcome_decimals(venue);
                let first = o.step + 1 - o.bars.len() as u64;
                raw = o
                    .bars
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (first + i as u64, *b, d))
                    .collect();
            }
        } else {
            let (key, vkey) = self.ensure(venue, pair);
            if let (Some(a), Some(v)) = (self.assets.get(&key), self.venues.get(&vkey)) {
                let first = a.step + 1 - a.bars.len() as u64;
                let vfirst = v.step + 1 - v.states.len() as u64;
                for (i, b) in a.bars.iter().enumerate() {
                    let step = first + i as u64;
                    let Some(&(basis, _)) = step
                        .checked_sub(vfirst)
                        .and_then(|j| v.states.get(j as usize))
                    else {
                        continue;
                    };
                    let f = 1.0 + basis;
                    let bar = RawBar {
                        open: b.open * f,
                        high: b.high * f,
                        low: b.low * f,
                        close: b.close * f,
                        volume: b.volume * v.volume_share,
                    };
                    raw.push((step, bar, a.decimals));
                }
            }
        }
        let skip = raw.len().saturating_sub(limit);
        raw.into_iter()
            .skip(skip)
            .map(|(step, b, d)| {
                let ms = self.time_of(step, spacing_ms);
                Candle {
                    time: super::time::format_rfc3339(ms),
                    open_time_ms: Some(ms),
                    open: round_to(b.open, d),
                    high: round_to(b.high, d),
                    low: round_to(b.low, d),
                    close: round_to(b.close, d),
                    volume: round_to(b.volume, 6),
                }
            })
            .collect()
    }

    /// The venue's perpetual funding rate and mark, both from its perpetuals venue
    /// (`binance` → `binance_perp`, the venue orders for shorts go to), and the index (the
    /// asset's venue-independent price).
    pub(crate) fn funding(&mut self, venue: &str, pair: &str) -> Funding {
        let perp = if crate::ledger::is_derivatives(venue) {
            venue.to_string()
        } else {
            format!("{venue}_perp")
        };
        let (key, vkey) = self.ensure(&perp, pair);
        let q = self.venue_quote(&key, &vkey);
        let a = self.assets.get(&key);
        let rate = self
            .venues
            .get(&vkey)
            .and_then(|v| v.states.back())
            .map_or(0.0, |s| s.1);
        let index = a
            .and_then(|a| a.bars.back().map(|b| round_to(b.close, a.decimals)))
            .unwrap_or(0.0);
        Funding {
            rate: round_to(rate, 8),
            mark: q.map_or(index, |q| q.last),
            index,
        }
    }
}

/// Best bid and ask around `close`, half the spread away each, on the price grid, at least
/// one tick apart.
fn top_of_book(close: f64, spread_bps: f64, d: u32) -> (f64, f64) {
    let tick = 10f64.powi(-(d as i32));
    let half = (close * spread_bps / 20_000.0).max(tick / 2.0);
    let bid = round_to(floor_to(close - half, d), d);
    let ask = round_to(ceil_to(close + half, d).max(bid + tick), d);
    (bid, ask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, ticks: u64, order: &[(&str, &str)]) -> Vec<f64> {
        let mut s = Sim::new(seed);
        let mut out = Vec::new();
        for t in 0..ticks {
            s.begin_tick(t, 1_700_000_000_000 + t as i64 * 60_000);
            for (v, p) in order {
                out.push(s.quote(v, p).last);
            }
        }
        out
    }

    #[test]
    fn deterministic_per_seed_and_independent_of_query_order() {
        let a = run(1, 50, &[("binance", "BTCUSDT"), ("kraken", "XBTUSD")]);
        let b = run(1, 50, &[("binance", "BTCUSDT"), ("kraken", "XBTUSD")]);
        assert_eq!(a, b);
        let c = run(2, 50, &[("binance", "BTCUSDT"), ("kraken", "XBTUSD")]);
        assert_ne!(a, c);
        // Asking in the other order, or only from a later tick on, changes nothing.
        let rev = run(1, 50, &[("kraken", "XBTUSD"), ("binance", "BTCUSDT")]);
        let pairs: Vec<f64> = rev.chunks(2).flat_map(|c| [c[1], c[0]]).collect();
        assert_eq!(a, pairs);
        let mut late = Sim::new(1);
        for t in 0..50 {
            late.begin_tick(t, 1_700_000_000_000 + t as i64 * 60_000);
        }
        assert_eq!(late.quote("binance", "BTCUSDT").last, a[98]);
    }

    #[test]
    fn prices_are_realistic_and_kraken_tracks_binance() {
        let mut s = Sim::new(7);
        let mut max_basis: f64 = 0.0;
        for t in 0..500 {
            s.begin_tick(t, t as i64 * 60_000);
            let b = s.quote("binance", "BTCUSDT");
            let k = s.quote("kraken", "XBTUSD");
            assert!(b.bid < b.ask && b.low <= b.last && b.last <= b.high);
            assert!(b.last > 30_000.0 && b.last < 130_000.0, "{}", b.last);
            let basis = (k.last / b.last - 1.0).abs();
            assert!(basis < 0.01, "kraken strays {basis}");
            max_basis = max_basis.max(basis);
        }
        // The basis varies enough for arbitrage to appear sometimes (> 2 x 10 bps fees).
        assert!(max_basis > 0.002, "max basis {max_basis}");
    }

    #[test]
    fn cached_quotes_are_the_quotes_of_the_step() {
        // `a` asks twice a tick (the second answer comes from the cache) and peeks; `b` asks
        // once, under another spelling of the same asset first, so its cache never helps.
        let mut a = Sim::new(11);
        let mut b = Sim::new(11);
        for t in 0..50 {
            a.begin_tick(t, t as i64 * 60_000);
            b.begin_tick(t, t as i64 * 60_000);
            let first = a.quote("kraken", "XBTUSD");
            assert_eq!(a.quote("kraken", "XBTUSD"), first);
            assert_eq!(a.peek_quote("kraken", "XBTUSD"), Some(first));
            let _ = b.quote("kraken", "BTC/USD");
            assert_eq!(b.quote("kraken", "XBTUSD"), first, "tick {t}");
        }
        // A tick that moves nothing (an earlier index) keeps the cached quote valid.
        let q = a.quote("kraken", "XBTUSD");
        a.begin_tick(3, 0);
        assert_eq!(a.quote("kraken", "XBTUSD"), q);
    }

    #[test]
    fn unknown_venues_and_pairs_are_deterministic() {
        let mut a = Sim::new(3);
        let mut b = Sim::new(3);
        let qa = a.quote("mydex", "FOOBAR");
        let qb = b.quote("mydex", "FOOBAR");
        assert_eq!(qa, qb);
        assert!(qa.last > 0.0 && qa.bid < qa.ask);
    }

    #[test]
    fn outcomes_stay_in_the_unit_interval() {
        let mut s = Sim::new(11);
        for t in 0..2_000 {
            s.begin_tick(t, 0);
            for v in ["polymarket", "kalshi"] {
                let q = s.outcome(v, "ELECTION-YES");
                assert!(0.0 < q.bid && q.bid < q.ask && q.ask < 1.0, "{v} {q:?}");
                assert!((0.0..=1.0).contains(&q.last));
            }
        }
    }

    #[test]
    fn books_and_candles_are_consistent() {
        let mut s = Sim::new(5);
        s.begin_tick(0, 1_704_067_200_000);
        let book = s.order_book("binance", "ETHUSDT", 20, 1_704_067_200_000);
        assert_eq!(book.bids.len(), 20);
        assert_eq!(book.asks.len(), 20);
        assert!(book.bids.windows(2).all(|w| w[0].price > w[1].price));
        assert!(book.asks.windows(2).all(|w| w[0].price < w[1].price));
        assert!(book.bids[0].price < book.asks[0].price);
        let q = s.quote("binance", "ETHUSDT");
        assert_eq!((q.bid, q.ask), (book.bids[0].price, book.asks[0].price));
        // Same tick, same book, whatever the depth asked.
        let small = s.order_book("binance", "ETHUSDT", 5, 1_704_067_200_000);
        assert_eq!(small.bids[..], book.bids[..5]);
        let candles = s.candles("binance", "ETHUSDT", 100, 60_000);
        assert_eq!(candles.len(), 100);
        let last = candles.last().expect("bars");
        assert_eq!(last.close, q.last);
        assert_eq!(last.time, "2024-01-01T00:00:00Z");
        assert_eq!(candles[98].open_time_ms, Some(1_704_067_200_000 - 60_000));
        assert!(
            candles
                .iter()
                .all(|c| c.low <= c.open.min(c.close) && c.high >= c.open.max(c.close))
        );
        let f = s.funding("binance", "ETHUSDT");
        assert!(f.rate.abs() <= 0.0075 && f.index > 0.0);
        // The mark is the perpetual's price: what orders on `binance_perp` trade at.
        assert_eq!(f.mark, s.quote("binance_perp", "ETHUSDT").last);
        assert!((f.mark / q.last - 1.0).abs() < 0.01);
    }
}
