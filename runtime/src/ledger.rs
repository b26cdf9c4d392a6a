//! The paper-trading ledger: where orders go in `sim` and `replay` (and in `live` without
//! `--live-orders`).
//!
//! - One cash account in the quote currency (dollars and dollar stablecoins are one), shared
//!   by every venue; positions per (venue, pair). Spot venues are long only: selling more
//!   than the free position is `Rejected`. Derivatives venues (a name containing `perp`, or
//!   ending in `futures` or `swap`, e.g. `binance_perp`) allow short positions: a sale's
//!   proceeds go to cash and the position goes negative.
//! - Buying power is the free cash less what buying back every short at its mark would cost.
//!   An order that opens or grows a position must fit in it with its fee (no leverage), or
//!   it is `Rejected`; an order that only reduces a position needs none.
//! - Market orders fill at once: at the best ask (buy) or bid (sell) of the simulated book,
//!   at the bar's close in replay. A limit order whose price the market already offers fills
//!   at once at that market price; otherwise it rests, locking its cash (spot buys and every
//!   derivatives order: amount × limit plus the fee) or its position (spot sells), and fills
//!   at its limit on a later tick whose bar reached it (low ≤ limit for a buy, high ≥ limit
//!   for a sell), in the order placed.
//! - Every fill pays `fee_bps` basis points of its notional, in cash.
//! - Realised PnL uses the average cost: reducing a position realises (price − average
//!   cost) × amount for a long, the opposite for a short; a position that flips side starts
//!   its new side at the fill price.
//!   PnL is gross and fees are counted apart, so at any time
//!   `equity = starting cash + realised + unrealised − fees`, where equity is cash plus
//!   positions at their marks (the last price of the pair on its venue).
//! - The day of the daily-loss limit is the UTC day of the run clock; its PnL is equity now
//!   minus equity when the day's first tick began (so it is net of fees).
//!
//! Money types and rounding: amounts, prices, cash and PnL are `f64` in the quote currency
//! (positions in base units). The ledger rounds nothing: prices are the venue's (already on
//! the simulated price grid, or as written in the CSV), and notional and fee are exact `f64`
//! products. Two tolerances absorb binary floating point: a check of cash or position passes
//! when it is short by at most 1e-9 relative (so selling "the whole position" after several
//! buys works), and a position within 1e-12 of zero after a sale is set to exactly zero.

use std::collections::BTreeMap;

use crate::market::symbol;
use crate::market::{Market, Quote};
use crate::node::{ErrorKind, NodeError};
use crate::types::{Order, OrderStatus, Side};

/// Relative slack of cash and position checks (see the module docs).
const SLACK: f64 = 1e-9;

/// One holding.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// Base units held: negative for a short on a derivatives venue.
    pub amount: f64,
    /// Average cost per unit of what is held (0 when flat).
    pub avg_price: f64,
    /// The last price it was marked at.
    pub mark: f64,
    /// Units locked by resting sell orders.
    pub locked: f64,
}

impl Position {
    fn unrealized(&self) -> f64 {
        self.amount * (self.mark - self.avg_price)
    }
}

/// One fill.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Trade {
    pub order_id: String,
    pub venue: String,
    pub pair: String,
    pub side: Side,
    pub amount: f64,
    pub price: f64,
    pub fee: f64,
    /// Realised PnL of this fill (when it reduced a position), gross of fees.
    pub realized_pnl: f64,
    pub tick: u64,
    pub time_ms: i64,
}

/// The ledger's figures at a glance (for the end-of-run summary).
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerSummary {
    pub cash: f64,
    pub equity: f64,
    pub realized_pnl: f64,
    pub unrealized_pnl: f64,
    pub fees: f64,
    pub trades: usize,
    pub open_orders: usize,
    /// $/h committed to GPU rentals.
    pub gpu_dph: f64,
}

/// What an order asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRequest {
    pub venue: String,
    pub pair: String,
    pub side: Side,
    /// Base units, > 0.
    pub amount: f64,
    /// 0 for a market order, else the limit price (> 0).
    pub limit: f64,
}

/// The paper ledger of one run.
#[derive(Debug, Clone)]
pub struct Ledger {
    cash: f64,
    starting_cash: f64,
    fee_bps: f64,
    positions: BTreeMap<(String, String), Position>,
    /// Resting orders, in the order placed, with the tick they were placed on.
    open: Vec<(Order, u64)>,
    /// Every order that left the book (filled or cancelled), by id, for `trade.cancel` and
    /// status look-ups.
    closed: BTreeMap<String, Order>,
    trades: Vec<Trade>,
    next_id: u64,
    realized: f64,
    fees: f64,
    day: Option<i64>,
    day_start_equity: f64,
    gpu_dph: f64,
}

/// Whether a venue trades derivatives (perpetuals, futures, swaps), where shorts are allowed.
pub fn is_derivatives(venue: &str) -> bool {
    let v = venue.trim().to_ascii_lowercase();
    v.contains("perp") || v.ends_with("futures") || v.ends_with("swap")
}

fn rejected(message: String) -> NodeError {
    NodeError::new(ErrorKind::Rejected, message)
}

impl Ledger {
    /// A ledger with `cash` in the quote currency, charging `fee_bps` on every fill.
    /// Non-finite or negative values are taken as 0 (the CLI validates the flags first).
    pub fn new(cash: f64, fee_bps: f64) -> Ledger {
        let cash = if cash.is_finite() && cash > 0.0 {
            cash
        } else {
            0.0
        };
        let fee_bps = if fee_bps.is_finite() && fee_bps > 0.0 {
            fee_bps
        } else {
            0.0
        };
        Ledger {
            cash,
            starting_cash: cash,
            fee_bps,
            positions: BTreeMap::new(),
            open: Vec::new(),
            closed: BTreeMap::new(),
            trades: Vec::new(),
            next_id: 1,
            realized: 0.0,
            fees: 0.0,
            day: None,
            day_start_equity: cash,
            gpu_dph: 0.0,
        }
    }

    /// The cash the run started with.
    pub fn starting_cash(&self) -> f64 {
        self.starting_cash
    }

    pub fn fee_bps(&self) -> f64 {
        self.fee_bps
    }

    /// Total cash, including what resting buys lock.
    pub fn cash(&self) -> f64 {
        self.cash
    }

    /// Cash locked by resting orders (spot buys, and every derivatives order).
    pub fn locked_cash(&self) -> f64 {
        self.open
            .iter()
            .filter(|(o, _)| o.side == Side::Buy || is_derivatives(&o.venue))
            .map(|(o, _)| self.cost_with_fee(o.amount, o.limit))
            .sum()
    }

    /// What buying back every short position at its mark would cost.
    fn short_liability(&self) -> f64 {
        self.positions
            .values()
            .filter(|p| p.amount < 0.0)
            .map(|p| -p.amount * p.mark)
            .sum()
    }

    /// Free cash less the short liability: what new exposure may use.
    pub fn buying_power(&self) -> f64 {
        self.free_cash() - self.short_liability()
    }

    /// Cash not locked by resting orders.
    pub fn free_cash(&self) -> f64 {
        self.cash - self.locked_cash()
    }

    fn cost_with_fee(&self, amount: f64, price: f64) -> f64 {
        amount * price * (1.0 + self.fee_bps / 10_000.0)
    }

    /// The position in `pair` on `venue` (base units; 0 when none).
    pub fn position(&self, venue: &str, pair: &str) -> f64 {
        self.positions
            .get(&(venue.to_string(), pair.to_string()))
            .map_or(0.0, |p| p.amount)
    }

    /// The full holding in `pair` on `venue`, if any.
    pub fn holding(&self, venue: &str, pair: &str) -> Option<&Position> {
        self.positions.get(&(venue.to_string(), pair.to_string()))
    }

    /// Free and locked balance of an asset on a venue: the shared cash for the quote
    /// currency (`USD`, `USDT`, `USDC`, ...); otherwise the venue's positions in pairs whose
    /// base is the asset (`BTC` covers `BTCUSDT` and `XBTUSD`).
    pub fn balance(&self, venue: &str, asset: &str) -> (f64, f64) {
        if symbol::is_cash(asset) {
            let locked = self.locked_cash();
            return (self.cash - locked, locked);
        }
        let want = symbol::normalize_asset(asset);
        let mut free = 0.0;
        let mut locked = 0.0;
        for ((v, pair), p) in &self.positions {
            if v == venue
                && (symbol::split_pair(pair).base == want || pair.eq_ignore_ascii_case(asset))
            {
                free += p.amount - p.locked;
                locked += p.locked;
            }
        }
        (free, locked)
    }

    /// Places an order against `quote`, the market's quote for its venue and pair now.
    /// `tick` and `now_ms` stamp it; a resting order only fills on a later tick.
    pub fn place(
        &mut self,
        req: OrderRequest,
        quote: &Quote,
        tick: u64,
        now_ms: i64,
    ) -> Result<Order, NodeError> {
        if !(req.amount.is_finite() && req.amount > 0.0) {
            return Err(NodeError::invalid(format!(
                "amount must be a positive number, got {}",
                req.amount
            )));
        }
        if !(req.limit.is_finite() && req.limit >= 0.0) {
            return Err(NodeError::invalid(format!(
                "limit must be 0 (a market order) or a positive price, got {}",
                req.limit
            )));
        }
        let market_price = match req.side {
            Side::Buy => quote.ask,
            Side::Sell => quote.bid,
        };
        if !(market_price.is_finite() && market_price > 0.0) {
            return Err(NodeError::new(
                ErrorKind::BadResponse,
                format!(
                    "{} {}: the market has no usable {} price",
                    req.venue,
                    req.pair,
                    if req.side == Side::Buy { "ask" } else { "bid" }
                ),
            ));
        }
        let marketable = req.limit == 0.0
            || match req.side {
                Side::Buy => req.limit >= market_price,
                Side::Sell => req.limit <= market_price,
            };
        let id = format!("paper-{}", self.next_id);
        let mut order = Order {
            id,
            venue: req.venue.clone(),
            pair: req.pair.clone(),
            side: req.side,
            amount: req.amount,
            limit: req.limit,
            status: OrderStatus::Open,
            fill_price: None,
            fee: 0.0,
            created_ms: now_ms,
            filled_ms: None,
            paper: true,
        };
        let key = (req.venue.clone(), req.pair.clone());
        let derivatives = is_derivatives(&req.venue);
        let held = self.positions.get(&key).map_or(0.0, |p| p.amount);
        // Check before taking an id, so a rejected order leaves no trace.
        if req.side == Side::Sell && !derivatives {
            let free = self
                .positions
                .get(&key)
                .map_or(0.0, |p| p.amount - p.locked);
            if req.amount > free * (1.0 + SLACK) + 1e-12 {
                return Err(rejected(format!(
                    "insufficient position: selling {} {} on {}, {} is free (spot venues cannot go short)",
                    req.amount, req.pair, req.venue, free
                )));
            }
        }
        // What the order needs buying power for: a resting order reserves its full size at
        // the limit (spot buys and derivatives orders lock cash); one that fills now only
        // the part that opens or grows exposure.
        let reserve = if !marketable {
            if req.side == Side::Buy || derivatives {
                req.amount
            } else {
                0.0
            }
        } else {
            match req.side {
                Side::Buy if held < 0.0 => (req.amount + held).max(0.0),
                Side::Buy => req.amount,
                Side::Sell if !derivatives => 0.0,
                Side::Sell => (req.amount - held.max(0.0)).max(0.0),
            }
        };
        if reserve > 0.0 {
            let price = if marketable { market_price } else { req.limit };
            let need = self.cost_with_fee(reserve, price);
            let power = self.buying_power();
            if need > power * (1.0 + SLACK) + SLACK {
                return Err(rejected(format!(
                    "insufficient cash: {} {} {} on {} needs {:.2} with the fee, {:.2} is available",
                    req.side.as_str(),
                    req.amount,
                    req.pair,
                    req.venue,
                    need,
                    power.max(0.0)
                )));
            }
        }
        self.next_id += 1;
        let mark = quote.last;
        if marketable {
            self.fill(&mut order, market_price, tick, now_ms);
            self.mark(&key, mark);
            self.closed.insert(order.id.clone(), order.clone());
        } else {
            if req.side == Side::Sell
                && !derivatives
                && let Some(p) = self.positions.get_mut(&key)
            {
                p.locked = (p.locked + req.amount).min(p.amount);
            }
            self.open.push((order.clone(), tick));
            self.mark(&key, mark);
        }
        Ok(order)
    }

    /// Applies a fill to cash, position, PnL, fees and the trade list.
    fn fill(&mut self, order: &mut Order, price: f64, tick: u64, now_ms: i64) {
        let notional = order.amount * price;
        let fee = notional * self.fee_bps / 10_000.0;
        let key = (order.venue.clone(), order.pair.clone());
        let signed = match order.side {
            Side::Buy => order.amount,
            Side::Sell => -order.amount,
        };
        self.cash -= signed * price + fee;
        let p = self.positions.entry(key).or_insert(Position {
            amount: 0.0,
            avg_price: 0.0,
            mark: price,
            locked: 0.0,
        });
        let mut realized = 0.0;
        if p.amount == 0.0 || p.amount.signum() == signed.signum() {
            // Opening or growing: the average cost moves.
            let total = p.amount.abs() + order.amount;
            p.avg_price = (p.amount.abs() * p.avg_price + notional) / total;
            p.amount += signed;
        } else {
            // Reducing (and perhaps flipping): realise against the average cost.
            let closing = order.amount.min(p.amount.abs());
            realized = (price - p.avg_price) * closing * p.amount.signum();
            let before = p.amount;
            p.amount += signed;
            if p.amount.abs() <= 1e-12 * order.amount.max(1.0) {
                p.amount = 0.0;
                p.avg_price = 0.0;
            } else if p.amount.signum() != before.signum() {
                p.avg_price = price;
            }
        }
        p.locked = p.locked.min(p.amount.max(0.0));
        self.realized += realized;
        self.fees += fee;
        order.status = OrderStatus::Filled;
        order.fill_price = Some(price);
        order.fee = fee;
        order.filled_ms = Some(now_ms);
        self.trades.push(Trade {
            order_id: order.id.clone(),
            venue: order.venue.clone(),
            pair: order.pair.clone(),
            side: order.side,
            amount: order.amount,
            price,
            fee,
            realized_pnl: realized,
            tick,
            time_ms: now_ms,
        });
    }

    fn mark(&mut self, key: &(String, String), price: f64) {
        if let Some(p) = self.positions.get_mut(key)
            && price.is_finite()
            && price > 0.0
        {
            p.mark = price;
        }
    }

    /// Starts a tick: fills resting orders the market reached (in the order placed, at their
    /// limit), marks every position to the market's last price, and starts a new day's
    /// PnL when the run clock's UTC day changed.
    pub fn on_tick(&mut self, market: &Market) {
        let tick = market.tick();
        let now = market.now_ms();
        let keys: Vec<(String, String)> = self.positions.keys().cloned().collect();
        for key in keys {
            if let Some(q) = market.peek_quote(&key.0, &key.1) {
                self.mark(&key, q.last);
            }
        }
        let day = crate::market::time::day_of(now);
        if self.day != Some(day) {
            self.day = Some(day);
            self.day_start_equity = self.equity();
        }
        let open = std::mem::take(&mut self.open);
        for (mut order, placed) in open {
            let reached = placed < tick
                && market
                    .peek_quote(&order.venue, &order.pair)
                    .is_some_and(|q| match order.side {
                        Side::Buy => q.low <= order.limit,
                        Side::Sell => q.high >= order.limit,
                    });
            if !reached {
                self.open.push((order, placed));
                continue;
            }
            self.unlock(&order);
            let limit = order.limit;
            self.fill(&mut order, limit, tick, now);
            self.closed.insert(order.id.clone(), order);
        }
    }

    /// Cancels a resting order by id; false when it is not resting (filled, cancelled,
    /// unknown).
    pub fn cancel(&mut self, id: &str, now_ms: i64) -> bool {
        let Some(pos) = self.open.iter().position(|(o, _)| o.id == id) else {
            return false;
        };
        let (order, _) = self.open.remove(pos);
        self.close_cancelled(order, now_ms);
        true
    }

    /// Releases the position a resting spot sell locked.
    fn unlock(&mut self, order: &Order) {
        if order.side == Side::Sell
            && !is_derivatives(&order.venue)
            && let Some(p) = self
                .positions
                .get_mut(&(order.venue.clone(), order.pair.clone()))
        {
            p.locked = (p.locked - order.amount).max(0.0);
        }
    }

    fn close_cancelled(&mut self, mut order: Order, _now_ms: i64) {
        self.unlock(&order);
        order.status = OrderStatus::Cancelled;
        self.closed.insert(order.id.clone(), order);
    }

    /// Cancels every resting order for `pair` on `venue`; how many were cancelled.
    pub fn cancel_all(&mut self, venue: &str, pair: &str, now_ms: i64) -> usize {
        let (gone, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|(o, _)| o.venue == venue && o.pair == pair);
        self.open = keep;
        let n = gone.len();
        for (o, _) in gone {
            self.close_cancelled(o, now_ms);
        }
        n
    }

    /// The current state of an order by id.
    pub fn order(&self, id: &str) -> Option<&Order> {
        self.open
            .iter()
            .map(|(o, _)| o)
            .find(|o| o.id == id)
            .or_else(|| self.closed.get(id))
    }

    /// Resting orders, in the order placed.
    pub fn open_orders(&self) -> impl Iterator<Item = &Order> {
        self.open.iter().map(|(o, _)| o)
    }

    /// Every fill so far, oldest first.
    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }

    /// Cash plus every position at its mark.
    pub fn equity(&self) -> f64 {
        self.cash
            + self
                .positions
                .values()
                .map(|p| p.amount * p.mark)
                .sum::<f64>()
    }

    pub fn realized_pnl(&self) -> f64 {
        self.realized
    }

    pub fn unrealized_pnl(&self) -> f64 {
        self.positions.values().map(Position::unrealized).sum()
    }

    pub fn fees(&self) -> f64 {
        self.fees
    }

    /// Today's PnL (realised plus unrealised, net of fees): equity now minus equity at the
    /// start of the run clock's current UTC day.
    pub fn daily_pnl(&self) -> f64 {
        self.equity() - self.day_start_equity
    }

    /// $/h committed to GPU rentals.
    pub fn gpu_dph(&self) -> f64 {
        self.gpu_dph
    }

    /// Records a GPU rental's $/h (positive) or a release (negative).
    pub fn add_gpu_dph(&mut self, dph: f64) {
        if dph.is_finite() {
            self.gpu_dph = (self.gpu_dph + dph).max(0.0);
        }
    }

    pub fn summary(&self) -> LedgerSummary {
        LedgerSummary {
            cash: self.cash,
            equity: self.equity(),
            realized_pnl: self.realized,
            unrealized_pnl: self.unrealized_pnl(),
            fees: self.fees,
            trades: self.trades.len(),
            open_orders: self.open.len(),
            gpu_dph: self.gpu_dph,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(bid: f64, ask: f64) -> Quote {
        Quote {
            bid,
            ask,
            last: (bid + ask) / 2.0,
            low: bid,
            high: ask,
        }
    }

    fn req(side: Side, amount: f64, limit: f64) -> OrderRequest {
        OrderRequest {
            venue: "binance".into(),
            pair: "BTCUSDT".into(),
            side,
            amount,
            limit,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// The accounting identity of the module docs.
    fn assert_identity(l: &Ledger) {
        let s = l.summary();
        assert!(
            close(
                s.equity,
                l.starting_cash + s.realized_pnl + s.unrealized_pnl - s.fees
            ),
            "equity {} vs {}",
            s.equity,
            l.starting_cash + s.realized_pnl + s.unrealized_pnl - s.fees
        );
    }

    #[test]
    fn market_buy_and_sell_with_fees_and_average_cost() {
        let mut l = Ledger::new(10_000.0, 10.0);
        // Buy 1 at the ask 100: cost 100 + 0.1 fee.
        let o = l
            .place(req(Side::Buy, 1.0, 0.0), &q(99.0, 100.0), 0, 0)
            .expect("buy");
        assert_eq!(o.status, OrderStatus::Filled);
        assert_eq!(o.fill_price, Some(100.0));
        assert!(close(o.fee, 0.1));
        assert!(close(l.cash(), 10_000.0 - 100.1));
        // Buy 1 more at 110: average cost 105.
        l.place(req(Side::Buy, 1.0, 0.0), &q(109.0, 110.0), 1, 0)
            .expect("buy");
        let h = l.holding("binance", "BTCUSDT").expect("held").clone();
        assert!(close(h.amount, 2.0) && close(h.avg_price, 105.0));
        assert_identity(&l);
        // Sell 1 at the bid 120: realises 15, fee 0.12.
        let s = l
            .place(req(Side::Sell, 1.0, 0.0), &q(120.0, 121.0), 2, 0)
            .expect("sell");
        assert_eq!(s.fill_price, Some(120.0));
        assert!(close(l.realized_pnl(), 15.0));
        assert!(close(l.fees(), 0.1 + 0.11 + 0.12));
        assert!(close(l.cash(), 10_000.0 - 100.1 - 110.11 + 120.0 - 0.12));
        // Unrealised on the remaining unit at the mark 120.5: 15.5.
        assert!(close(l.unrealized_pnl(), 15.5));
        assert_identity(&l);
        assert_eq!(l.trades().len(), 3);
        assert_eq!(l.trades()[2].realized_pnl, 15.0);
        // Sell the rest: flat, average cost reset.
        l.place(req(Side::Sell, 1.0, 0.0), &q(100.0, 101.0), 3, 0)
            .expect("sell");
        assert!(close(l.realized_pnl(), 15.0 - 5.0));
        let h = l.holding("binance", "BTCUSDT").expect("held");
        assert_eq!((h.amount, h.avg_price), (0.0, 0.0));
        assert_identity(&l);
        assert_eq!(l.summary().trades, 4);
    }

    #[test]
    fn rejections_leave_no_trace() {
        let mut l = Ledger::new(100.0, 10.0);
        let e = l
            .place(req(Side::Buy, 1.0, 0.0), &q(99.0, 100.0), 0, 0)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected, "100 + fee exceeds 100");
        assert!(e.message.contains("insufficient cash"));
        let e = l
            .place(req(Side::Sell, 0.5, 0.0), &q(99.0, 100.0), 0, 0)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected);
        assert!(e.message.contains("insufficient position"));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = l
                .place(req(Side::Buy, bad, 0.0), &q(1.0, 1.0), 0, 0)
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
        }
        let e = l
            .place(req(Side::Buy, 0.1, -5.0), &q(1.0, 1.0), 0, 0)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(l.summary().trades, 0);
        assert_eq!(l.cash(), 100.0);
        // The next accepted order still gets the first id.
        let o = l
            .place(req(Side::Buy, 0.5, 0.0), &q(99.0, 100.0), 0, 0)
            .expect("fits");
        assert_eq!(o.id, "paper-1");
    }

    #[test]
    fn selling_the_whole_position_after_float_accumulation_works() {
        let mut l = Ledger::new(1_000.0, 0.0);
        for _ in 0..10 {
            l.place(req(Side::Buy, 0.1, 0.0), &q(10.0, 10.0), 0, 0)
                .expect("buy");
        }
        // 0.1 ten times is 0.9999999999999999, not 1.
        l.place(req(Side::Sell, 1.0, 0.0), &q(10.0, 10.0), 0, 0)
            .expect("sell all");
        assert_eq!(l.position("binance", "BTCUSDT"), 0.0);
    }

    fn replay(rows: &[(f64, f64, f64)]) -> Market {
        let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
        for (i, (h, lo, c)) in rows.iter().enumerate() {
            csv.push_str(&format!("2024-01-{:02},{c},{h},{lo},{c},1\n", i + 1));
        }
        Market::replay(&csv, "t.csv").expect("csv")
    }

    #[test]
    fn limit_orders_rest_lock_and_fill_when_reached() {
        let mut m = replay(&[
            (101.0, 99.0, 100.0),
            (100.0, 96.0, 97.0),
            (99.0, 94.0, 95.0),
            (120.0, 100.0, 115.0),
        ]);
        let mut l = Ledger::new(1_000.0, 10.0);
        m.begin_tick(0, 0);
        l.on_tick(&m);
        let quote = m.quote("binance", "BTCUSDT").expect("q");
        let o = l
            .place(req(Side::Buy, 2.0, 95.0), &quote, 0, 0)
            .expect("rests");
        assert_eq!(o.status, OrderStatus::Open);
        assert!(close(l.locked_cash(), 2.0 * 95.0 * 1.001));
        assert_eq!(l.summary().open_orders, 1);
        // Too much for what is free now.
        assert_eq!(
            l.place(req(Side::Buy, 9.0, 0.0), &quote, 0, 0)
                .unwrap_err()
                .kind,
            ErrorKind::Rejected
        );
        // Tick 1: low 96 does not reach 95.
        m.begin_tick(1, 86_400_000);
        l.on_tick(&m);
        assert_eq!(l.order(&o.id).expect("known").status, OrderStatus::Open);
        // Tick 2: low 94 reaches it: fills at the limit, 95.
        m.begin_tick(2, 2 * 86_400_000);
        l.on_tick(&m);
        let filled = l.order(&o.id).expect("known");
        assert_eq!(filled.status, OrderStatus::Filled);
        assert_eq!(filled.fill_price, Some(95.0));
        assert!(close(l.position("binance", "BTCUSDT"), 2.0));
        assert_eq!(l.locked_cash(), 0.0);
        // A resting sell at 110 locks the position; tick 3's high 120 fills it.
        let quote = m.quote("binance", "BTCUSDT").expect("q");
        let s = l
            .place(req(Side::Sell, 2.0, 110.0), &quote, 2, 0)
            .expect("rests");
        assert_eq!(l.balance("binance", "BTC"), (0.0, 2.0));
        assert_eq!(
            l.place(req(Side::Sell, 0.5, 0.0), &quote, 2, 0)
                .unwrap_err()
                .kind,
            ErrorKind::Rejected
        );
        m.begin_tick(3, 3 * 86_400_000);
        l.on_tick(&m);
        assert_eq!(l.order(&s.id).expect("known").fill_price, Some(110.0));
        assert!(close(l.realized_pnl(), 2.0 * 15.0));
        assert_eq!(l.balance("binance", "BTC"), (0.0, 0.0));
        assert_identity(&l);
    }

    #[test]
    fn marketable_limits_fill_at_once_at_the_market() {
        let mut l = Ledger::new(1_000.0, 0.0);
        let o = l
            .place(req(Side::Buy, 1.0, 150.0), &q(99.0, 100.0), 0, 0)
            .expect("fills");
        assert_eq!((o.status, o.fill_price), (OrderStatus::Filled, Some(100.0)));
        let o = l
            .place(req(Side::Sell, 1.0, 50.0), &q(99.0, 100.0), 0, 0)
            .expect("fills");
        assert_eq!((o.status, o.fill_price), (OrderStatus::Filled, Some(99.0)));
    }

    #[test]
    fn orders_placed_this_tick_do_not_fill_this_tick() {
        let mut m = replay(&[(101.0, 90.0, 100.0), (101.0, 99.5, 100.0)]);
        let mut l = Ledger::new(1_000.0, 0.0);
        m.begin_tick(0, 0);
        let quote = m.quote("binance", "BTCUSDT").expect("q");
        let o = l
            .place(req(Side::Buy, 1.0, 95.0), &quote, 0, 0)
            .expect("rests");
        l.on_tick(&m);
        assert_eq!(l.order(&o.id).expect("known").status, OrderStatus::Open);
        m.begin_tick(1, 0);
        l.on_tick(&m);
        assert_eq!(
            l.order(&o.id).expect("known").status,
            OrderStatus::Open,
            "99.5 > 95"
        );
    }

    #[test]
    fn cancels_release_what_they_lock() {
        let mut l = Ledger::new(1_000.0, 0.0);
        let a = l
            .place(req(Side::Buy, 1.0, 90.0), &q(99.0, 100.0), 0, 0)
            .expect("rests");
        let b = l
            .place(req(Side::Buy, 1.0, 80.0), &q(99.0, 100.0), 0, 0)
            .expect("rests");
        let mut other = req(Side::Buy, 1.0, 10.0);
        other.pair = "ETHUSDT".into();
        l.place(other, &q(99.0, 100.0), 0, 0).expect("rests");
        assert!(close(l.locked_cash(), 180.0));
        assert!(l.cancel(&a.id, 0));
        assert!(!l.cancel(&a.id, 0), "already cancelled");
        assert_eq!(
            l.order(&a.id).expect("known").status,
            OrderStatus::Cancelled
        );
        assert!(!l.cancel("paper-999", 0));
        assert_eq!(l.cancel_all("binance", "BTCUSDT", 0), 1);
        assert_eq!(
            l.order(&b.id).expect("known").status,
            OrderStatus::Cancelled
        );
        assert_eq!(l.summary().open_orders, 1);
        assert!(close(l.locked_cash(), 10.0));
        assert_eq!(l.balance("binance", "USDT"), (990.0, 10.0));
    }

    #[test]
    fn marks_and_daily_pnl_follow_the_market() {
        let mut m = replay(&[
            (100.0, 100.0, 100.0),
            (100.0, 80.0, 80.0),
            (100.0, 80.0, 90.0),
        ]);
        let mut l = Ledger::new(1_000.0, 0.0);
        m.begin_tick(0, 1_704_067_200_000);
        l.on_tick(&m);
        let quote = m.quote("binance", "BTCUSDT").expect("q");
        l.place(req(Side::Buy, 5.0, 0.0), &quote, 0, 0)
            .expect("buy");
        // Same day: 5 x (80 - 100) = -100.
        m.begin_tick(1, 1_704_067_200_000 + 3_600_000);
        l.on_tick(&m);
        assert!(close(l.unrealized_pnl(), -100.0));
        assert!(close(l.daily_pnl(), -100.0));
        // Next UTC day: the day starts at 90's equity.
        m.begin_tick(2, 1_704_067_200_000 + 86_400_000);
        l.on_tick(&m);
        assert!(close(l.unrealized_pnl(), -50.0));
        assert!(close(l.daily_pnl(), 0.0));
        assert_identity(&l);
    }

    #[test]
    fn derivatives_venues_allow_shorts_within_buying_power() {
        let mut l = Ledger::new(1_000.0, 0.0);
        let mut short = req(Side::Sell, 5.0, 0.0);
        short.venue = "binance_perp".into();
        l.place(short.clone(), &q(100.0, 101.0), 0, 0)
            .expect("short 5 at 100");
        assert_eq!(l.position("binance_perp", "BTCUSDT"), -5.0);
        assert!(close(l.cash(), 1_500.0));
        // Buying power: 1500 cash less 5 x 100.5 to buy back.
        assert!(close(l.buying_power(), 1_500.0 - 502.5));
        assert_identity(&l);
        // Covering at 90 realises 5 x 10.
        let mut cover = req(Side::Buy, 5.0, 0.0);
        cover.venue = "binance_perp".into();
        l.place(cover, &q(89.0, 90.0), 1, 0).expect("cover");
        assert!(close(l.realized_pnl(), 50.0));
        assert_eq!(l.position("binance_perp", "BTCUSDT"), 0.0);
        assert_identity(&l);
        // Too large a short is rejected.
        let mut huge = short;
        huge.amount = 100.0;
        assert_eq!(
            l.place(huge, &q(100.0, 101.0), 2, 0).unwrap_err().kind,
            ErrorKind::Rejected
        );
        // Flipping from long to short starts the short at the fill price.
        let mut long = req(Side::Buy, 2.0, 0.0);
        long.venue = "kraken_futures".into();
        l.place(long, &q(99.0, 100.0), 3, 0).expect("long 2");
        let mut flip = req(Side::Sell, 3.0, 0.0);
        flip.venue = "kraken_futures".into();
        l.place(flip, &q(110.0, 111.0), 3, 0).expect("flip");
        let h = l.holding("kraken_futures", "BTCUSDT").expect("held");
        assert!(close(h.amount, -1.0) && close(h.avg_price, 110.0));
        assert!(close(l.realized_pnl(), 50.0 + 20.0));
        assert_identity(&l);
        assert!(
            is_derivatives("binance_perp")
                && is_derivatives("BYBIT-SWAP")
                && !is_derivatives("binance")
        );
    }

    #[test]
    fn gpu_spend_is_tracked() {
        let mut l = Ledger::new(0.0, 0.0);
        l.add_gpu_dph(0.4);
        l.add_gpu_dph(1.1);
        l.add_gpu_dph(f64::NAN);
        assert!(close(l.gpu_dph(), 1.5));
        l.add_gpu_dph(-2.0);
        assert_eq!(l.gpu_dph(), 0.0);
        assert_eq!(Ledger::new(f64::NAN, -3.0).summary().cash, 0.0);
    }
}
