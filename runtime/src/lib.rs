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
    pub use crate::run::{Workflow, main};
    pub use crate::types;
    pub use crate::value::{Outputs, ParamError, ParamSpec, ParamValues, Value};
    pub use tokio;
}

/// The source text of the node library's declarations (`extern node ...`).
pub const PRELUDE: &str = include_str!("../prelude.flow");
