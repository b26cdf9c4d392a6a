//! Executor support: what generated code calls for each node of a tick.
//!
//! A generated workflow keeps one [`Slot`] per node (the node's state and its circuit
//! breaker), a `static` table of [`NodeMeta`] (id, kind, effect flag, [`Policy`]), and for
//! each tick gets one [`Tick`] from the tick loop. Each node call is one of:
//!
//! - [`Slot::compute`] for a plain kind, [`Slot::io`] (awaited) for an `io` or `effect` kind:
//!   apply the node's policy, refuse effect nodes while the emergency halt is on, emit events
//!   when a sink is attached, count the outcome on the [`Tick`], and return `Some(out)` or
//!   `None` (the node failed or was refused; the tick is then marked failed).
//! - [`Tick::skip`] when the node's `when` is false or one of its inputs is `None`: records
//!   the skip with its [`SkipReason`].
//!
//! A refused effect node (halt on) reports `node_failed` with `error_type` `EmergencyHalt`
//! and `attempts` 0 (or the attempts made, when the halt came on between retries); an open
//! circuit breaker reports `CircuitOpen` with `attempts` 0.
//!
//! **Cost.** With no event sink, a plain policy and a non-effect kind, [`Slot::compute`] is
//! the node's own `run` plus one branch on three flags and a counter increment: no clock
//! reads, no allocation, no serialization (see `benches/exec.rs`). Everything else sits on
//! an out-of-line slow path.
//!
//! **Concurrency.** I/O nodes of one stage are awaited together with `tokio::join!`, all
//! borrowing the same `&Tick`; its counters are `Cell`s, so a tick and its futures stay on
//! one thread (the tick loop runs a current-thread runtime) and need no locks.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::ctx::Ctx;
use crate::events::Events;
use crate::node::{Compute, ErrorKind, Io, NodeError, NodeKind};
use crate::policy::{Breaker, Policy, fnv1a};

/// What the executor knows about one node of a workflow. Generated code keeps these in a
/// `static` table, written as struct literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeMeta {
    /// The node's name in the workflow (`rsi` in `node rsi = ta.rsi(...)`): the events'
    /// `node_id`.
    pub id: &'static str,
    /// The dotted kind path (`ta.rsi`): the events' `node_kind`.
    pub kind: &'static str,
    /// Refused while the emergency halt is on.
    pub effect: bool,
    pub policy: Policy,
}

impl NodeMeta {
    pub const fn new(id: &'static str, kind: &'static str, effect: bool, policy: Policy) -> Self {
        NodeMeta {
            id,
            kind,
            effect,
            policy,
        }
    }

    /// The meta of node `id` of kind `N`, taking the kind path and effect flag from `N`.
    pub const fn of<N: NodeKind>(id: &'static str, policy: Policy) -> Self {
        Self::new(id, N::KIND, N::EFFECT, policy)
    }
}

/// One node of a workflow: its state across ticks and its circuit breaker.
pub struct Slot<N> {
    pub node: N,
    pub breaker: Breaker,
}

impl<N: NodeKind> Slot<N> {
    /// A node of kind `N` in its initial state, breaker closed.
    pub fn new() -> Self {
        Slot {
            node: N::new(),
            breaker: Breaker::new(),
        }
    }

    /// The slot of node `id` of a workflow: [`Slot::new`], then [`NodeKind::named`].
    pub fn named(id: &'static str) -> Self {
        let mut slot = Self::new();
        slot.node.named(id);
        slot
    }
}

impl<N: NodeKind> Default for Slot<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N> std::fmt::Debug for Slot<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("breaker", &self.breaker)
            .finish_non_exhaustive()
    }
}

/// Why a node did not run this tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason<'a> {
    /// Its `when` condition was false.
    When,
    /// Some node it reads from did not produce outputs: `(node id, produced?)` for each of
    /// the nodes it reads.
    Upstream(&'a [(&'static str, bool)]),
}

impl<'a> SkipReason<'a> {
    /// [`SkipReason::Upstream`].
    pub const fn upstream(inputs: &'a [(&'static str, bool)]) -> Self {
        SkipReason::Upstream(inputs)
    }
}

/// A node failure recorded on the tick, for the run's stderr report.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub node_id: &'static str,
    pub error: NodeError,
    pub attempts: u32,
}

/// The counts of one tick.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickCounts {
    /// Nodes that ran and produced their outputs.
    pub completed: u32,
    pub skipped: u32,
    /// Nodes that failed after their retries, or were refused (halt, open breaker).
    pub failed: u32,
}

/// One tick in flight: its index, execution id and counters. Shared by `&` between the I/O
/// futures of a stage; not `Sync` (it never leaves the tick's thread).
#[derive(Debug)]
pub struct Tick<'a> {
    index: u64,
    events: &'a Events,
    execution_id: &'a Arc<str>,
    seed: u64,
    completed: Cell<u32>,
    skipped: Cell<u32>,
    failed: Cell<u32>,
    failures: RefCell<Vec<Failure>>,
}

impl<'a> Tick<'a> {
    /// Tick `index` (from 0) of a run with `seed` (for retry jitter), reporting to `events`.
    /// It borrows the run's event hub and the execution id, so starting a tick costs no
    /// reference counting.
    pub fn new(index: u64, execution_id: &'a Arc<str>, seed: u64, events: &'a Events) -> Self {
        Tick {
            index,
            events,
            execution_id,
            seed,
            completed: Cell::new(0),
            skipped: Cell::new(0),
            failed: Cell::new(0),
            failures: RefCell::new(Vec::new()),
        }
    }

    /// A tick for tests and benches: index 0, execution id `test-0`, seed 0, reporting to
    /// the events of `cx`.
    pub fn for_tests(cx: &'a Ctx) -> Self {
        static TEST_ID: std::sync::LazyLock<Arc<str>> =
            std::sync::LazyLock::new(|| Arc::from("test-0"));
        Self::new(0, &TEST_ID, 0, &cx.events)
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn execution_id(&self) -> &'a Arc<str> {
        self.execution_id
    }

    pub fn counts(&self) -> TickCounts {
        TickCounts {
            completed: self.completed.get(),
            skipped: self.skipped.get(),
            failed: self.failed.get(),
        }
    }

    /// Whether a node failed (or was refused) this tick.
    pub fn failed(&self) -> bool {
        self.failed.get() > 0
    }

    /// The failures of this tick, in order.
    pub fn failures(&self) -> Vec<Failure> {
        self.failures.borrow().clone()
    }

    #[inline(always)]
    fn count_completed(&self) {
        self.completed.set(self.completed.get().wrapping_add(1));
    }

    fn count_failed(&self, node_id: &'static str, error: NodeError, attempts: u32) {
        self.failed.set(self.failed.get().wrapping_add(1));
        self.failures.borrow_mut().push(Failure {
            node_id,
            error,
            attempts,
        });
    }
}

impl Tick<'_> {
    /// Records that node `meta` did not run this tick, and why.
    #[inline]
    pub fn skip(&self, meta: &NodeMeta, why: SkipReason<'_>) {
        self.skipped.set(self.skipped.get().wrapping_add(1));
        if self.events.enabled() {
            self.skip_event(meta, why);
        }
    }

    #[cold]
    #[inline(never)]
    fn skip_event(&self, meta: &NodeMeta, why: SkipReason<'_>) {
        let reason = match why {
            SkipReason::When => "when condition is false".to_owned(),
            SkipReason::Upstream(inputs) => {
                let failures = self.failures.borrow();
                let missing: Vec<String> = inputs
                    .iter()
                    .filter(|(_, produced)| !produced)
                    .map(|(id, _)| {
                        let failed = failures.iter().any(|f| f.node_id == *id);
                        format!(
                            "input `{id}` {}",
                            if failed { "failed" } else { "was skipped" }
                        )
                    })
                    .collect();
                if missing.is_empty() {
                    "an input did not run".to_owned()
                } else {
                    missing.join(", ")
                }
            }
        };
        self.events
            .node_skipped(self.execution_id, meta.id, &reason);
    }
}

/// Whether a call must take the slow path: events, a policy, or a halt check to make.
#[inline(always)]
fn needs_slow_path(t: &Tick<'_>, meta: &NodeMeta) -> bool {
    t.events.enabled() | !meta.policy.is_plain() | meta.effect
}

impl<N: Compute> Slot<N> {
    /// Runs a compute node. `None` when it failed (the tick is marked failed).
    #[inline]
    pub fn compute(
        &mut self,
        cx: &Ctx,
        t: &Tick<'_>,
        meta: &NodeMeta,
        input: N::In,
    ) -> Option<N::Out> {
        if needs_slow_path(t, meta) {
            return self.compute_slow(cx, t, meta, input);
        }
        match self.node.run(cx, input) {
            Ok(out) => {
                t.count_completed();
                Some(out)
            }
            Err(error) => failed(t, meta, None, error, 1),
        }
    }

    #[inline(never)]
    fn compute_slow(
        &mut self,
        cx: &Ctx,
        t: &Tick<'_>,
        meta: &NodeMeta,
        input: N::In,
    ) -> Option<N::Out> {
        let started = start(t, meta);
        if let Err(refusal) = admit(cx, meta, &mut self.breaker) {
            return failed(t, meta, started, refusal, 0);
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let last_try = attempts > meta.policy.retries();
            // Each attempt gets the same inputs; `In: Clone` exists for this.
            match self.node.run(cx, input.clone()) {
                Ok(out) => {
                    self.breaker.on_success();
                    return completed(t, meta, started, out);
                }
                Err(error) => {
                    let opened =
                        self.breaker
                            .on_failure(&meta.policy, error.kind, cx.clock.now_ms());
                    if opened || last_try || !error.kind.is_transient() {
                        return failed(t, meta, started, error, attempts);
                    }
                    // Compute nodes retry at once: waiting would block the tick's thread.
                    if meta.effect && cx.halt.is_halted() {
                        return failed(t, meta, started, halted_error(), attempts);
                    }
                }
            }
        }
    }
}

impl<N: Io> Slot<N> {
    /// Runs an I/O node. `None` when it failed or was refused (the tick is marked failed).
    #[inline]
    pub async fn io(
        &mut self,
        cx: &Ctx,
        t: &Tick<'_>,
        meta: &NodeMeta,
        input: N::In,
    ) -> Option<N::Out> {
        if needs_slow_path(t, meta) {
            return self.io_slow(cx, t, meta, input).await;
        }
        match self.node.run(cx, input).await {
            Ok(out) => {
                t.count_completed();
                Some(out)
            }
            Err(error) => failed(t, meta, None, error, 1),
        }
    }

    async fn io_slow(
        &mut self,
        cx: &Ctx,
        t: &Tick<'_>,
        meta: &NodeMeta,
        input: N::In,
    ) -> Option<N::Out> {
        let started = start(t, meta);
        if let Err(refusal) = admit(cx, meta, &mut self.breaker) {
            return failed(t, meta, started, refusal, 0);
        }
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            let last_try = attempts > meta.policy.retries();
            let result =
                with_timeout(meta.policy.timeout(), self.node.run(cx, input.clone())).await;
            match result {
                Ok(out) => {
                    self.breaker.on_success();
                    return completed(t, meta, started, out);
                }
                Err(error) => {
                    let opened =
                        self.breaker
                            .on_failure(&meta.policy, error.kind, cx.clock.now_ms());
                    if opened || last_try || !error.kind.is_transient() {
                        return failed(t, meta, started, error, attempts);
                    }
                    let salt = fnv1a(meta.id) ^ t.index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    tokio::time::sleep(meta.policy.backoff_delay(t.seed, salt, attempts)).await;
                    // The halt may have come on while we waited: an order must not go out then.
                    if meta.effect && cx.halt.is_halted() {
                        return failed(t, meta, started, halted_error(), attempts);
                    }
                }
            }
        }
    }
}

/// One attempt bounded by the policy's timeout.
async fn with_timeout<T>(
    timeout: Option<Duration>,
    call: impl Future<Output = Result<T, NodeError>>,
) -> Result<T, NodeError> {
    match timeout {
        None => call.await,
        Some(limit) => match tokio::time::timeout(limit, call).await {
            Ok(result) => result,
            Err(_) => Err(NodeError::new(
                ErrorKind::Timeout,
                format!("timed out after {}", humantime::format_duration(limit)),
            )),
        },
    }
}

/// Emits `node_started` and starts the stopwatch, when events are on.
fn start(t: &Tick<'_>, meta: &NodeMeta) -> Option<Instant> {
    if t.events.enabled() {
        t.events.node_started(t.execution_id, meta.id, meta.kind);
        Some(Instant::now())
    } else {
        None
    }
}

/// Checks the halt and the breaker before the first call.
fn admit(cx: &Ctx, meta: &NodeMeta, breaker: &mut Breaker) -> Result<(), NodeError> {
    if meta.effect && cx.halt.is_halted() {
        return Err(halted_error());
    }
    if meta.policy.breaker.is_some() && !breaker.allow(cx.clock.now_ms()) {
        return Err(NodeError::new(
            ErrorKind::CircuitOpen,
            format!(
                "circuit breaker is open after {} consecutive failures",
                breaker.consecutive_failures()
            ),
        ));
    }
    Ok(())
}

fn halted_error() -> NodeError {
    NodeError::new(
        ErrorKind::EmergencyHalt,
        "refused: the emergency halt is on",
    )
}

fn elapsed_ms(started: Option<Instant>) -> f64 {
    started.map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0)
}

fn completed<O: serde::Serialize>(
    t: &Tick<'_>,
    meta: &NodeMeta,
    started: Option<Instant>,
    out: O,
) -> Option<O> {
    t.count_completed();
    if t.events.enabled() {
        t.events
            .node_completed(t.execution_id, meta.id, elapsed_ms(started), &out);
    }
    Some(out)
}

#[cold]
#[inline(never)]
fn failed<O>(
    t: &Tick<'_>,
    meta: &NodeMeta,
    started: Option<Instant>,
    error: NodeError,
    attempts: u32,
) -> Option<O> {
    // Events are on exactly when the slow path ran `start`, so node_started came first.
    if t.events.enabled() {
        t.events.node_failed(
            t.execution_id,
            meta.id,
            elapsed_ms(started),
            &error.message,
            error.kind.as_str(),
            attempts,
        );
    }
    t.count_failed(meta.id, error, attempts);
    None
}
