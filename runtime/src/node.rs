//! The node model: what a node kind is to the runtime and to generated code.
//!
//! A node kind is a Rust type that holds its own state across ticks (an indicator's window,
//! a crossover's previous sign). It is created once per run with [`NodeKind::new`] and runs
//! once per tick on a typed input struct, returning a typed output struct. Kinds that compute
//! implement [`Compute`] (a plain call); kinds that do I/O implement [`Io`] (awaited, and
//! awaited together with the other I/O nodes of their stage).
//!
//! Each kind `ns.name` of the prelude lives in the module `nodes::ns::name`, which exports
//! `Node` (the state type), `In` (one field per input port) and `Out` (one field per output
//! port), so generated code can name them from the kind path alone.

use std::fmt;

use crate::ctx::Ctx;

/// Static facts about a node kind, shared by the compiler-facing catalogue and the executor.
pub trait NodeKind: Sized {
    /// The dotted kind path, as declared in the prelude (e.g. `ta.rsi`).
    const KIND: &'static str;
    /// Whether the kind has a side effect (orders, allocations, notifications). Such nodes
    /// refuse to run while the emergency halt is on.
    const EFFECT: bool = false;
    /// One field per input port. `Clone` so a retried call gets the same inputs again.
    type In: Clone;
    /// One field per output port. `Serialize` for the `outputs` of `node_completed`.
    type Out: Clone + serde::Serialize;
    /// The state a run starts with.
    fn new() -> Self;
    /// Tells the node its id in the workflow (`rsi` in `node rsi = ta.rsi(...)`), once,
    /// before its first run. Most kinds ignore it; a node whose own events name it
    /// (`notify.log`) keeps it.
    fn named(&mut self, id: &'static str) {
        let _ = id;
    }
}

/// A node that computes: no I/O, no waiting.
pub trait Compute: NodeKind {
    fn run(&mut self, cx: &Ctx, input: Self::In) -> Result<Self::Out, NodeError>;
}

/// A node that does I/O (market data, orders, HTTP). Futures of one tick run on one thread,
/// so they need not be `Send`; they must not hold a borrow of the context across an await.
#[allow(
    async_fn_in_trait,
    reason = "generated code awaits these on one current-thread runtime; Send is not needed"
)]
pub trait Io: NodeKind {
    async fn run(&mut self, cx: &Ctx, input: Self::In) -> Result<Self::Out, NodeError>;
}

/// Why a node failed. The `kind` becomes the event's `error_type`; the message its `error`.
/// Messages never contain secrets (API keys, signatures, authorization headers).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeError {
    pub kind: ErrorKind,
    pub message: String,
}

/// Classes of node failure. Retries apply to the transient ones only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input values (e.g. a negative period, an unknown pair). Not retried.
    InvalidInput,
    /// A network or venue failure that may pass (connection refused, HTTP 5xx). Retried.
    Transient,
    /// The venue asked us to slow down (HTTP 429). Retried after the backoff.
    RateLimited,
    /// The call took longer than the node's `timeout`. Retried.
    Timeout,
    /// The venue answered with something we cannot read. Not retried.
    BadResponse,
    /// The circuit breaker is open. Not retried.
    CircuitOpen,
    /// Refused because the emergency halt is on. Not retried.
    EmergencyHalt,
    /// The paper ledger refused (insufficient cash or position). Not retried.
    Rejected,
    /// The operation is not available in this mode (e.g. live market data before the venue
    /// clients exist). Not retried.
    Unsupported,
}

impl ErrorKind {
    /// The `error_type` string of `node_failed` events.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Transient => "Transient",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::BadResponse => "BadResponse",
            ErrorKind::CircuitOpen => "CircuitOpen",
            ErrorKind::EmergencyHalt => "EmergencyHalt",
            ErrorKind::Rejected => "Rejected",
            ErrorKind::Unsupported => "Unsupported",
        }
    }

    /// Whether a retry policy should try again after this failure.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Transient | ErrorKind::RateLimited | ErrorKind::Timeout
        )
    }
}

impl NodeError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        NodeError {
            kind,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }
    pub fn transient(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transient, message)
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NodeError {}

/// One port of a node kind as the Rust implementation declares it: the port name and the
/// Flow type name of its Rust field type (`f64`, `String`, `OrderBook`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    pub name: &'static str,
    pub ty: &'static str,
}

/// What the runtime implements for one kind; `nodes::CATALOG` lists them all, and a test
/// compares the list with the prelude's `extern node` declarations.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    pub kind: &'static str,
    pub io: bool,
    pub effect: bool,
    pub inputs: &'static [PortSpec],
    pub outputs: &'static [PortSpec],
}
