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

impl Ctx {
    /// A context for tests: the default configuration, a simulated clock at
    /// [`crate::clock::SIM_EPOCH_MS`], the halt off, no event sink.
    pub fn for_tests(market: Market, ledger: Ledger) -> Self {
        Self::new(
            RunConfig::default(),
            market,
            ledger,
            Clock::sim_default(),
            Halt::off(),
            Events::none(),
        )
    }

    /// A context from its parts, with a fresh HTTP client.
    pub fn new(
        config: RunConfig,
        market: Market,
        ledger: Ledger,
        clock: Clock,
        halt: Halt,
        events: Events,
    ) -> Self {
        Ctx {
            config,
            market: Mutex::new(market),
            ledger: Mutex::new(ledger),
            clock,
            halt,
            events,
            http: default_http_client(),
        }
    }
}

/// The HTTP client nodes share: rustls, a user agent naming Flow, and bounded connect and
/// request times so a hung venue cannot hang a tick forever (node policies can be stricter).
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        // Building only fails when the TLS backend cannot initialise; a plain client is
        // the best remaining choice and still works for http:// endpoints.
        .unwrap_or_default()
}
