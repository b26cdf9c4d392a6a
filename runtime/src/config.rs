//! The run's configuration: what the executable's flags (TOOLCHAIN.md) say, as plain data.
//!
//! [`RunConfig`] is built by [`crate::run`] from the command line, or directly by code that
//! drives a workflow in-process. Nodes read it through [`crate::ctx::Ctx::config`] (the mode,
//! the fee, whether live orders are allowed); the tick loop reads the rest.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where market data comes from and where orders go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Built-in simulated venues, deterministic for a given seed; paper orders.
    #[default]
    Sim,
    /// One tick per row of an OHLCV CSV file; paper orders fill at the bar's close.
    Replay,
    /// Real venue endpoints. Orders stay on the paper ledger unless `live_orders` is set.
    Live,
}

impl Mode {
    /// The name used on the command line (`sim`, `replay`, `live`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sim => "sim",
            Mode::Replay => "replay",
            Mode::Live => "live",
        }
    }
}

/// Where JSON-lines events go (`--events PATH|-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventsTarget {
    /// `--events -`: standard output.
    Stdout,
    /// `--events PATH`: a file, created or truncated.
    File(PathBuf),
}

/// Everything a run is configured with. `Default` is a one-tick simulated run with seed 0,
/// 100 000 of paper cash and a 10 bps fee, and no event sink.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    pub mode: Mode,
    /// Seed of the simulated markets and of retry jitter.
    pub seed: u64,
    /// Starting cash of the paper ledger (quote currency units).
    pub cash: f64,
    /// Fee charged on every paper fill, in basis points of the notional.
    pub fee_bps: f64,
    /// Send real orders in live mode. Without it, orders stay on the paper ledger.
    pub live_orders: bool,
    /// Wait the schedule interval between ticks instead of advancing a simulated clock.
    pub realtime: bool,
    /// No end summary on stderr.
    pub quiet: bool,
    /// How many ticks to run; `None` means the schedule's default (1 for `schedule once`,
    /// until Ctrl-C for `schedule every`, every row in replay).
    pub ticks: Option<u64>,
    /// The OHLCV CSV replayed in [`Mode::Replay`].
    pub replay: Option<PathBuf>,
    /// JSON-lines event sink.
    pub events: Option<EventsTarget>,
    /// SQLite database that stores every event.
    pub history: Option<PathBuf>,
    /// Address of the WebSocket server that broadcasts events.
    pub serve: Option<SocketAddr>,
    /// The emergency halt is on while this file exists.
    pub halt_file: Option<PathBuf>,
    /// `--param NAME=VALUE` pairs as given, before typing against the workflow's params.
    pub params: Vec<(String, String)>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            mode: Mode::Sim,
            seed: 0,
            cash: 100_000.0,
            fee_bps: 10.0,
            live_orders: false,
            realtime: false,
            quiet: false,
            ticks: None,
            replay: None,
            events: None,
            history: None,
            serve: None,
            halt_file: None,
            params: Vec::new(),
        }
    }
}
