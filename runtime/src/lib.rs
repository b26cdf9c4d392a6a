//! The Flow runtime: what every program generated from a `.flow` workflow links.
//!
//! - [`node`]: the node model (state type, typed inputs and outputs, compute or I/O).
//! - [`nodes`]: the node library declared in `prelude.flow`, one module per kind.
//! - [`market`], [`ledger`], [`types`]: simulated, replayed and live markets behind the
//!   same nodes; the paper-trading ledger; the domain value types.
//! - [`exec`], [`policy`], [`halt`]: what generated code calls per node (events, retries,
//!   timeouts, circuit breakers, the emergency halt).
//! - [`run`], [`config`], [`ctx`], [`clock`], [`value`]: the tick loop, the executable's
//!   command line, and the programmatic [`run::Runner`].
//! - [`events`], [`history`], [`serve`]: the event stream and its sinks.
//!
//! Generated code reaches everything through [`__private`], one root path.
//!
//! # Running a generated executable
//!
//! The flags are TOOLCHAIN.md's: `--ticks --mode --replay --param --events --history --serve
//! --seed --quiet --cash --fee-bps --realtime --live-orders --halt-file`. `--mode live` exits
//! with code 2 and says so: this build has no live venue clients yet, and it never pretends.
//!
//! **Exit codes.** `0` when no tick failed; `1` when at least one tick failed (a node failed
//! after its retries, or was refused by the emergency halt or an open circuit breaker); `2`
//! on bad arguments or input (unknown flag, unknown or ill-typed `--param` (with a "did you
//! mean"), a missing required param, an unreadable or malformed replay CSV (the message
//! names the row and column), `--mode live`, an event sink that cannot be opened). A second
//! Ctrl-C exits at once with `130`.
//!
//! **Emergency halt.** While the halt is on, side-effecting nodes (orders, allocations,
//! notifications) refuse to run (`node_failed`, `error_type` `EmergencyHalt`) and data nodes
//! go on. It is on while the `--halt-file PATH` exists (looked for at the start of every
//! tick) or after `SIGUSR1`; `SIGUSR2` turns the signal switch off again (`kill -USR1 PID`,
//! `kill -USR2 PID`). In-process, [`run::Runner::halt_switch`] does the same.
//!
//! **Ctrl-C** lets the tick in flight finish, then writes the summary and exits.
//!
//! **Event sinks.** Events (TOOLCHAIN.md's schema, see [`events`]) go to any of: JSON lines
//! on a file or stdout (`--events PATH|-`); SQLite (`--history PATH.db`, table `events`,
//! view `executions`); a WebSocket broadcast (`--serve ADDR`); in-process subscribers
//! ([`run::Runner::subscribe`], [`run::Runner::events_channel`]). With no sink, events cost
//! one branch per node and are never built.

pub mod clock;
pub mod config;
pub mod ctx;
pub mod events;
pub mod exec;
pub mod halt;
pub mod history;
pub mod ledger;
pub mod market;
pub mod node;
pub mod nodes;
pub mod policy;
pub mod run;
pub mod serve;
pub mod types;
pub mod value;

/// The one path generated code uses. Not a stable API for hand-written code.
#[doc(hidden)]
pub mod __private {
    pub use crate::ctx::Ctx;
    pub use crate::exec::{NodeMeta, SkipReason, Slot, Tick};
    pub use crate::node::{Compute, Io, NodeError, NodeKind};
    pub use crate::nodes;
    pub use crate::policy::Policy;
    pub use crate::run::{Runner, Workflow, main};
    pub use crate::types;
    pub use crate::value::{Outputs, ParamError, ParamSpec, ParamValues, Value};
    pub use serde;
    pub use tokio;
}

/// The source text of the node library's declarations (`extern node ...`).
pub const PRELUDE: &str = include_str!("../prelude.flow");

/// The `workflow!` macro: a Flow workflow written inside a Rust program, checked by the same
/// front end as `flowc` and compiled with the same code generator.
///
/// It takes the language inline, as Rust tokens, or a file from the crate's manifest
/// directory (`workflow!(file = "strategies/rsi.flow")`, rebuilt when the file changes).
/// Each workflow becomes a module named after it holding:
///
/// - `Params` (one public field per param), `Params::new(..)` taking the params that have
///   no default (in declaration order) and filling in the rest, and `Default` when every
///   param has a default;
/// - `Outputs` (one `Option` field per `output`) and `Workflow`, the workflow's state, with
///   `Workflow::new(params)` and `Workflow::runner(params)`: a [`run::Runner`] that runs
///   ticks or a replay in-process, with event subscribers and typed outputs per tick;
/// - `main()`, which behaves exactly like the executable `flowc build` makes (same flags,
///   modes, events, summary and exit codes), so `fn main() -> ExitCode { name::main() }`
///   is a complete program.
///
/// Errors are reported on the tokens they are about, with the code, message, labels and
/// help `flowc` shows; warnings (`W0001`, `W0002`) show as `deprecated` warnings on the
/// token (the standard way for a macro to warn on stable Rust, so `#![deny(warnings)]`
/// turns them into errors). An `extern node` declared in the macro can be implemented by
/// a Rust type of the crate: `extern node my.signal(x: f64) -> (y: f64) = crate::MySignal`,
/// where `MySignal` implements [`node::NodeKind`] (with `In`/`Out` structs whose fields are
/// the ports) and [`node::Compute`] (or [`node::Io`] for `extern io node`).
///
/// ```
/// use flow_runtime::workflow;
///
/// workflow! {
///     /// Smooths a simulated price.
///     workflow smooth {
///         param period: i64 = 3
///         node px = binance.price(pair: "BTCUSDT")
///         node avg = ta.sma(input: px.price, period: period)
///         output avg = avg.value
///         output ready = avg.ready
///     }
/// }
///
/// // Typed params with their defaults, four simulated ticks, typed outputs per tick.
/// let params = smooth::Params { period: 2, ..smooth::Params::default() };
/// let mut runner = smooth::Workflow::runner(params).ticks(4).seed(7).quiet(true);
/// let events = runner.events_channel();
/// let (report, outputs) = runner.run_collect_blocking().expect("a simulated run starts");
///
/// assert_eq!(report.ticks, 4);
/// assert_eq!(report.failed_ticks, 0);
/// assert_eq!(outputs[0].ready, Some(false));
/// assert_eq!(outputs[3].ready, Some(true));
/// assert!(outputs[3].avg.is_some_and(|v| v > 0.0));
/// // Every event of the run, as the executable's `--events` writes them.
/// let first = events.try_iter().next().expect("events were sent");
/// assert_eq!(first.json()["type"], "execution_started");
/// ```
#[cfg(feature = "macros")]
pub use flow_macros::workflow;
