//! Domain value types: the Rust side of the prelude's `extern type` declarations.
//!
//! Every type here is `Clone + Debug + Serialize`: values flow between nodes by clone, and
//! the executor reports them in `node_completed` events as JSON objects. [`FlowType`] names
//! the Flow type of each Rust type a port may have, so the node catalogue
//! ([`crate::nodes::CATALOG`]) is derived from the real struct field types.
//!
//! Money and quantities are `f64` throughout (see [`crate::ledger`] for what is rounded and
//! where). Absent values are `Option`s and serialize as JSON `null`, never as a sentinel
//! number that a strategy could mistake for a price.

use serde::Serialize;

/// The Flow type name of a Rust type that appears on a node port.
pub trait FlowType {
    /// The type's name in `.flow` source (`f64`, `String`, `OrderBook`, ...).
    const NAME: &'static str;
}

macro_rules! flow_type {
    ($($rust:ty => $name:literal),* $(,)?) => {
        $(impl FlowType for $rust { const NAME: &'static str = $name; })*
    };
}

flow_type! {
    f64 => "f64",
    i64 => "i64",
    bool => "bool",
    String => "String",
    std::time::Duration => "Duration",
    OrderBook => "OrderBook",
    Candle => "Candle",
    Candles => "Candles",
    Order => "Order",
    GpuOffers => "GpuOffers",
    GpuOffer => "GpuOffer",
    Allocation => "Allocation",
}

/// One price level of an order book.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Level {
    pub price: f64,
    /// Quantity at this price, in base units.
    pub size: f64,
}

/// A snapshot of an order book: bids best (highest) first, asks best (lowest) first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderBook {
    /// The venue the book is from (`binance`, ...); analysis nodes report it as
    /// `buy_venue` / `sell_venue`.
    pub venue: String,
    /// The pair or token as the node was asked for it.
    pub pair: String,
    pub bids: Vec<Level>,
    pub asks: Vec<Level>,
    /// The run clock's time of the snapshot, in milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
}

impl OrderBook {
    /// The highest bid, if the book has bids.
    pub fn best_bid(&self) -> Option<f64> {
        self.bids.first().map(|l| l.price)
    }

    /// The lowest ask, if the book has asks.
    pub fn best_ask(&self) -> Option<f64> {
        self.asks.first().map(|l| l.price)
    }

    /// The mean of the best bid and ask, if both sides have a level.
    pub fn mid(&self) -> Option<f64> {
        Some((self.best_bid()? + self.best_ask()?) / 2.0)
    }
}

/// One OHLCV bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candle {
    /// The bar's open time as written by its source: the CSV's date cell in replay, an
    /// RFC 3339 UTC time in the simulation.
    pub time: String,
    /// The open time in milliseconds since the Unix epoch, when it is known (replay dates
    /// that are not ISO 8601 dates or Unix timestamps give `null`).
    pub open_time_ms: Option<i64>,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// A series of OHLCV bars, oldest first.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Candles {
    pub venue: String,
    pub pair: String,
    /// The interval asked for (`1m`, `1h`, ...).
    pub interval: String,
    pub bars: Vec<Candle>,
}

impl Candles {
    /// The latest bar, if there is one.
    pub fn last(&self) -> Option<&Candle> {
        self.bars.last()
    }
}

/// Which way an order trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Resting on the book (a limit order the market has not reached yet).
    Open,
    /// Completely filled.
    Filled,
    /// Cancelled before it filled.
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Filled => "filled",
            OrderStatus::Cancelled => "cancelled",
        }
    }
}

/// An order placed on the paper ledger (or, once the venue clients exist, on a venue).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    /// The ledger's or the venue's order id (`paper-1`, `paper-2`, ... on the paper ledger).
    pub id: String,
    pub venue: String,
    pub pair: String,
    pub side: Side,
    /// Quantity in base units.
    pub amount: f64,
    /// The limit price; 0 for a market order.
    pub limit: f64,
    pub status: OrderStatus,
    /// The price it filled at (before the fee), once filled.
    pub fill_price: Option<f64>,
    /// The fee charged on the fill, in quote currency (0 until filled).
    pub fee: f64,
    /// When it was placed, by the run clock (ms since the Unix epoch).
    pub created_ms: i64,
    /// When it filled, by the run clock.
    pub filled_ms: Option<i64>,
    /// True on the paper ledger; false only for a real venue order.
    pub paper: bool,
}

impl Order {
    /// Whether this is a market order (`limit` 0).
    pub fn is_market(&self) -> bool {
        self.limit == 0.0
    }
}

/// One vast.ai rental offer (an "ask"), with the fields of the vast.ai search API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GpuOffer {
    /// The ask id, which `vast.allocate` rents.
    pub id: i64,
    pub machine_id: i64,
    /// The GPU model as vast.ai names it, with spaces: `RTX 4090`, `A100 SXM4`, `H100 SXM`.
    pub gpu_name: String,
    pub num_gpus: i64,
    /// Memory of one GPU in MB (vast.ai's unit: an RTX 4090 is 24564).
    pub gpu_ram: i64,
    /// Total price in $/hour for the whole offer (all its GPUs, storage included).
    pub dph_total: f64,
    /// vast.ai's deep-learning performance score of the whole offer (roughly TFLOPS).
    pub dlperf: f64,
    /// Peak FP32 TFLOPS of the whole offer.
    pub total_flops: f64,
    /// Host reliability in [0, 1] (vast.ai's `reliability2`).
    pub reliability: f64,
    pub cpu_cores_effective: f64,
    /// Host memory available to the offer, in MB.
    pub cpu_ram: i64,
    /// Disk available, in GB.
    pub disk_space: f64,
    /// Download and upload bandwidth in Mbit/s.
    pub inet_down: f64,
    pub inet_up: f64,
    /// Highest CUDA version the host driver supports.
    pub cuda_max_good: f64,
    /// Where the host is, e.g. `Sweden, SE`.
    pub geolocation: String,
    pub verified: bool,
    pub rentable: bool,
}

impl GpuOffer {
    /// Dollars per hour per unit of `dlperf`; infinite (JSON `null`) when the offer has no
    /// performance score, so a comparison `< x` is never satisfied by missing data.
    pub fn dph_per_dlperf(&self) -> f64 {
        if self.dlperf > 0.0 && self.dlperf.is_finite() {
            self.dph_total / self.dlperf
        } else {
            f64::INFINITY
        }
    }
}

/// GPU rental offers, cheapest (`dph_total`) first.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GpuOffers {
    pub offers: Vec<GpuOffer>,
}

/// A rented instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Allocation {
    /// The instance (contract) id.
    pub id: i64,
    /// The offer (ask) it was rented from.
    pub offer_id: i64,
    pub gpu_name: String,
    pub num_gpus: i64,
    pub image: String,
    pub disk_gb: f64,
    /// The committed price in $/hour.
    pub dph_total: f64,
    /// `running` for a simulated rental, `released` once released.
    pub status: String,
    /// When it was rented, by the run clock (ms since the Unix epoch).
    pub created_ms: i64,
    /// True for a rental on the simulated marketplace.
    pub simulated: bool,
}
