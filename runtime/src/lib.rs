//! The Flow runtime: what every program generated from a `.flow` workflow links.
//!
//! - [`node`]: the node model (state type, typed inputs and outputs, compute or I/O).
//! - [`nodes`]: the node library declared in `prelude.flow`, one module per kind.
//! - [`market`], [`ledger`], [`types`]: simulated, replayed and live markets behind the
//!   same nodes; the paper-trading ledger; the domain value types.
//! - [`ctx`], [`exec`], [`policy`], [`halt`], [`events`], [`clock`], [`config`], [`run`]:
//!   the executor support that generated code calls, and the tick loop with its CLI.
//!
//! Generated code reaches everything through [`__private`], one root path.

pub mod clock;
pub mod config;
pub mod ctx;
pub mod events;
pub mod exec;
pub mod halt;
pub mod ledger;
pub mod market;
pub mod node;
pub mod nodes;
pub mod policy;
pub mod run;
pub mod types;

/// The one path generated code uses. Not a stable API for hand-written code.
#[doc(hidden)]
pub mod __private {
    pub use crate::ctx::Ctx;
    pub use crate::node::{Compute, Io, NodeError, NodeKind};
    pub use crate::nodes;
    pub use crate::types;
}

/// The source text of the node library's declarations (`extern node ...`).
pub const PRELUDE: &str = include_str!("../prelude.flow");
