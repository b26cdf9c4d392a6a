//! The context every node sees during a tick: the market (simulated, replayed or live), the
//! paper ledger, the run's clock, the emergency halt, the HTTP client, the event sink and the
//! run's configuration. One `Ctx` lives for the whole run; nodes get `&Ctx`.
//!
//! Interior mutability: the ledger and market sit behind `Mutex`es that are only ever locked
//! for a synchronous operation, never across an `.await`.

use std::sync::Mutex;

use crate::clock::Clock;
use crate::config::RunConfig;
use crate::events::Events;
use crate::halt::Halt;
use crate::ledger::Ledger;
use crate::market::Market;

/// Everything a node may read or change besides its own state.
pub struct Ctx {
    pub config: RunConfig,
    pub market: Mutex<Market>,
    pub ledger: Mutex<Ledger>,
    pub clock: Clock,
    pub halt: Halt,
    pub events: Events,
    pub http: reqwest::Client,
}
