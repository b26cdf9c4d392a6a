//! The executor as generated code drives it: fast path, events, skips, retries with backoff,
//! timeouts, the circuit breaker and the emergency halt. Time is tokio's paused clock plus
//! the run's simulated clock: nothing here sleeps for real.

use std::time::Duration;

use flow_runtime::__private::{NodeMeta, Policy, SkipReason, Slot, Tick, tokio};
use flow_runtime::clock::Clock;
use flow_runtime::config::RunConfig;
use flow_runtime::ctx::Ctx;
use flow_runtime::events::{Event, EventKind, Events};
use flow_runtime::halt::Halt;
use flow_runtime::ledger::Ledger;
use flow_runtime::market::Market;
use flow_runtime::node::{Compute, ErrorKind, Io, NodeError, NodeKind};
use flow_runtime::policy::BREAKER_COOLDOWN;

// ---- test node kinds ------------------------------------------------------------------------

struct Add;
#[derive(Clone)]
struct AddIn {
    a: f64,
    b: f64,
}
#[derive(Clone, serde::Serialize)]
struct AddOut {
    sum: f64,
}
impl NodeKind for Add {
    const KIND: &'static str = "test.add";
    type In = AddIn;
    type Out = AddOut;
    fn new() -> Self {
        Add
    }
}
impl Compute for Add {
    fn run(&mut self, _cx: &Ctx, i: AddIn) -> Result<AddOut, NodeError> {
        if i.a.is_nan() {
            return Err(NodeError::invalid("a is NaN"));
        }
        Ok(AddOut { sum: i.a + i.b })
    }
}

/// Fails its first `fail` calls with `kind`, then succeeds; counts calls.
struct Flaky {
    calls: u32,
}
#[derive(Clone)]
struct FlakyIn {
    fail: u32,
    kind: ErrorKind,
}
#[derive(Clone, serde::Serialize)]
struct FlakyOut {
    calls: u32,
}
impl NodeKind for Flaky {
    const KIND: &'static str = "test.flaky";
    type In = FlakyIn;
    type Out = FlakyOut;
    fn new() -> Self {
        Flaky { calls: 0 }
    }
}
impl Io for Flaky {
    async fn run(&mut self, _cx: &Ctx, i: FlakyIn) -> Result<FlakyOut, NodeError> {
        self.calls += 1;
        tokio::task::yield_now().await;
        if self.calls <= i.fail {
            Err(NodeError::new(
                i.kind,
                format!("call {} failed", self.calls),
            ))
        } else {
            Ok(FlakyOut { calls: self.calls })
        }
    }
}

/// Takes `delay` (on tokio's clock) to answer.
struct Slow;
impl NodeKind for Slow {
    const KIND: &'static str = "test.slow";
    type In = Duration;
    type Out = u32;
    fn new() -> Self {
        Slow
    }
}
impl Io for Slow {
    async fn run(&mut self, _cx: &Ctx, delay: Duration) -> Result<u32, NodeError> {
        tokio::time::sleep(delay).await;
        Ok(1)
    }
}

/// A side-effecting node; optionally turns the halt on and fails transiently (to test a halt
/// that comes on between retries).
struct Order {
    calls: u32,
}
impl NodeKind for Order {
    const KIND: &'static str = "test.order";
    const EFFECT: bool = true;
    type In = bool;
    type Out = bool;
    fn new() -> Self {
        Order { calls: 0 }
    }
}
impl Io for Order {
    async fn run(&mut self, cx: &Ctx, halt_and_fail: bool) -> Result<bool, NodeError> {
        self.calls += 1;
        if halt_and_fail {
            cx.halt.set(true);
            return Err(NodeError::transient("venue hiccup"));
        }
        Ok(true)
    }
}

// ---- helpers ----------------------------------------------------------------------------------

fn ctx_with(events: Events) -> Ctx {
    Ctx::new(
        RunConfig::default(),
        Market::sim(0),
        Ledger::new(100_000.0, 10.0),
        Clock::sim_default(),
        Halt::off(),
        events,
    )
}

fn ctx_recording() -> (Ctx, std::sync::mpsc::Receiver<Event>) {
    let mut events = Events::new("wf");
    let rx = events.channel();
    (ctx_with(events), rx)
}

fn drain(rx: &std::sync::mpsc::Receiver<Event>) -> Vec<serde_json::Value> {
    rx.try_iter().map(|e| e.json()).collect()
}

const ADD: NodeMeta = NodeMeta::new("add", "test.add", false, Policy::DEFAULT);

// ---- tests ------------------------------------------------------------------------------------

#[test]
fn fast_path_runs_and_counts_without_events() {
    let cx = Ctx::for_tests(Market::sim(0), Ledger::new(100_000.0, 10.0));
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Add>::new();
    let out = slot.compute(&cx, &t, &ADD, AddIn { a: 1.0, b: 2.0 });
    assert_eq!(out.map(|o| o.sum), Some(3.0));
    assert!(
        slot.compute(
            &cx,
            &t,
            &ADD,
            AddIn {
                a: f64::NAN,
                b: 0.0
            }
        )
        .is_none()
    );
    t.skip(&ADD, SkipReason::When);
    let c = t.counts();
    assert_eq!((c.completed, c.skipped, c.failed), (1, 1, 1));
    assert!(t.failed());
    let failures = t.failures();
    assert_eq!(failures[0].node_id, "add");
    assert_eq!(failures[0].error.kind, ErrorKind::InvalidInput);
    assert_eq!(failures[0].attempts, 1);
}

#[test]
fn events_for_completed_failed_and_skipped_nodes() {
    let (cx, rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Add>::new();
    let meta = NodeMeta::of::<Add>("add", Policy::DEFAULT);
    let a = slot.compute(&cx, &t, &meta, AddIn { a: 2.0, b: 3.0 });
    let b = slot.compute(
        &cx,
        &t,
        &meta,
        AddIn {
            a: f64::NAN,
            b: 3.0,
        },
    );
    let other = NodeMeta::new("after", "test.add", false, Policy::DEFAULT);
    t.skip(
        &other,
        SkipReason::upstream(&[("add", b.is_some()), ("x", true)]),
    );
    t.skip(&other, SkipReason::When);
    assert!(a.is_some());
    let ev = drain(&rx);
    let types: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "node_started",
            "node_completed",
            "node_started",
            "node_failed",
            "node_skipped",
            "node_skipped"
        ]
    );
    assert_eq!(ev[0]["node_kind"], "test.add");
    assert_eq!(ev[1]["outputs"], serde_json::json!({"sum": 5.0}));
    assert_eq!(ev[1]["status"], "success");
    assert!(ev[1]["duration_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(ev[3]["error_type"], "InvalidInput");
    assert_eq!(ev[3]["error"], "a is NaN");
    assert_eq!(ev[3]["attempts"], 1);
    assert_eq!(ev[4]["node_id"], "after");
    assert_eq!(ev[4]["reason"], "input `add` failed");
    assert_eq!(ev[5]["reason"], "when condition is false");
    for e in &ev {
        assert_eq!(e["execution_id"], "test-0");
        assert_eq!(e["workflow_id"], "wf");
    }
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_with_backoff() {
    let (cx, rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Flaky>::new();
    let meta = NodeMeta::of::<Flaky>("px", Policy::new().with_retry(3).with_backoff_ms(200));
    let before = tokio::time::Instant::now();
    let out = slot
        .io(
            &cx,
            &t,
            &meta,
            FlakyIn {
                fail: 2,
                kind: ErrorKind::Transient,
            },
        )
        .await;
    assert_eq!(out.map(|o| o.calls), Some(3));
    // Two waits: 200ms and 400ms, each scaled by a jitter factor in [0.5, 1).
    let waited = before.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(600),
        "{waited:?}"
    );
    assert!(!t.failed());
    let types: Vec<String> = drain(&rx)
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["node_started", "node_completed"]);
}

#[tokio::test(start_paused = true)]
async fn retries_give_up_and_report_attempts() {
    let (cx, rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Flaky>::new();
    let meta = NodeMeta::of::<Flaky>("px", Policy::new().with_retry(2));
    let out = slot
        .io(
            &cx,
            &t,
            &meta,
            FlakyIn {
                fail: 10,
                kind: ErrorKind::RateLimited,
            },
        )
        .await;
    assert!(out.is_none());
    assert_eq!(slot.node.calls, 3);
    let ev = drain(&rx);
    assert_eq!(ev[1]["type"], "node_failed");
    assert_eq!(ev[1]["attempts"], 3);
    assert_eq!(ev[1]["error_type"], "RateLimited");
    assert_eq!(ev[1]["error"], "call 3 failed");
    assert!(t.failed());
}

#[tokio::test(start_paused = true)]
async fn permanent_failures_are_not_retried() {
    let (cx, _rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Flaky>::new();
    let meta = NodeMeta::of::<Flaky>("px", Policy::new().with_retry(5));
    let out = slot
        .io(
            &cx,
            &t,
            &meta,
            FlakyIn {
                fail: 1,
                kind: ErrorKind::BadResponse,
            },
        )
        .await;
    assert!(out.is_none());
    assert_eq!(slot.node.calls, 1);
    assert_eq!(t.failures()[0].attempts, 1);
}

#[tokio::test(start_paused = true)]
async fn timeouts_bound_each_attempt_and_are_retried() {
    let cx = Ctx::for_tests(Market::sim(0), Ledger::new(100_000.0, 10.0));
    let t = Tick::for_tests(&cx);
    let mut slot = Slot::<Slow>::new();
    let meta = NodeMeta::of::<Slow>(
        "slow",
        Policy::new()
            .with_timeout_ms(2_000)
            .with_retry(1)
            .with_backoff_ms(100),
    );
    let before = tokio::time::Instant::now();
    assert!(
        slot.io(&cx, &t, &meta, Duration::from_secs(3600))
            .await
            .is_none()
    );
    let waited = before.elapsed();
    // Two attempts of 2s each plus one backoff of 50..100ms: never the hour.
    assert!(
        waited >= Duration::from_millis(4_050) && waited < Duration::from_millis(4_100),
        "{waited:?}"
    );
    let f = &t.failures()[0];
    assert_eq!((f.error.kind, f.attempts), (ErrorKind::Timeout, 2));
    assert_eq!(f.error.message, "timed out after 2s");
    // A fast answer is untouched by the timeout.
    assert_eq!(
        slot.io(&cx, &t, &meta, Duration::from_millis(10)).await,
        Some(1)
    );
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_opens_half_opens_and_closes_on_the_run_clock() {
    let (cx, rx) = ctx_recording();
    let mut slot = Slot::<Flaky>::new();
    let meta = NodeMeta::of::<Flaky>("px", Policy::new().with_breaker(2));
    let failing = FlakyIn {
        fail: u32::MAX,
        kind: ErrorKind::Transient,
    };
    for _ in 0..2 {
        let t = Tick::for_tests(&cx);
        assert!(slot.io(&cx, &t, &meta, failing.clone()).await.is_none());
    }
    assert_eq!(slot.node.calls, 2);
    let _ = drain(&rx);
    // Open: refused without a call.
    let t = Tick::for_tests(&cx);
    assert!(slot.io(&cx, &t, &meta, failing.clone()).await.is_none());
    assert_eq!(slot.node.calls, 2);
    let ev = drain(&rx);
    assert_eq!(ev[1]["error_type"], "CircuitOpen");
    assert_eq!(ev[1]["attempts"], 0);
    // Not yet cooled down.
    cx.clock
        .advance(BREAKER_COOLDOWN - Duration::from_millis(1));
    assert!(slot.io(&cx, &t, &meta, failing.clone()).await.is_none());
    assert_eq!(slot.node.calls, 2);
    // Cooled down: one trial call, which fails and reopens.
    cx.clock.advance(Duration::from_millis(1));
    assert!(slot.io(&cx, &t, &meta, failing.clone()).await.is_none());
    assert_eq!(slot.node.calls, 3);
    assert!(slot.io(&cx, &t, &meta, failing.clone()).await.is_none());
    assert_eq!(slot.node.calls, 3);
    // Next trial succeeds and closes it.
    cx.clock.advance(BREAKER_COOLDOWN);
    let ok = FlakyIn {
        fail: 0,
        kind: ErrorKind::Transient,
    };
    assert!(slot.io(&cx, &t, &meta, ok.clone()).await.is_some());
    assert!(slot.io(&cx, &t, &meta, ok).await.is_some());
    assert_eq!(slot.node.calls, 5);
}

#[tokio::test(start_paused = true)]
async fn effect_nodes_refuse_while_halted_and_data_nodes_go_on() {
    let (cx, rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut order = Slot::<Order>::new();
    let mut add = Slot::<Add>::new();
    let order_meta = NodeMeta::of::<Order>("buy", Policy::DEFAULT);
    assert!(order_meta.effect);
    cx.halt.set(true);
    assert!(
        add.compute(&cx, &t, &ADD, AddIn { a: 1.0, b: 1.0 })
            .is_some()
    );
    assert!(order.io(&cx, &t, &order_meta, false).await.is_none());
    assert_eq!(order.node.calls, 0);
    let ev = drain(&rx);
    let failed = ev.iter().find(|e| e["type"] == "node_failed").unwrap();
    assert_eq!(failed["node_id"], "buy");
    assert_eq!(failed["error_type"], "EmergencyHalt");
    assert_eq!(failed["attempts"], 0);
    assert!(t.failed());
    // Resumed: the order goes out.
    cx.halt.set(false);
    assert_eq!(order.io(&cx, &t, &order_meta, false).await, Some(true));
}

#[tokio::test(start_paused = true)]
async fn a_halt_during_backoff_stops_the_retry() {
    let cx = Ctx::for_tests(Market::sim(0), Ledger::new(100_000.0, 10.0));
    let t = Tick::for_tests(&cx);
    let mut order = Slot::<Order>::new();
    let meta = NodeMeta::of::<Order>("buy", Policy::new().with_retry(3));
    assert!(order.io(&cx, &t, &meta, true).await.is_none());
    assert_eq!(order.node.calls, 1);
    let f = &t.failures()[0];
    assert_eq!((f.error.kind, f.attempts), (ErrorKind::EmergencyHalt, 1));
}

#[tokio::test(start_paused = true)]
async fn io_nodes_of_a_stage_share_the_tick_in_one_join() {
    let (cx, rx) = ctx_recording();
    let t = Tick::for_tests(&cx);
    let mut a = Slot::<Slow>::new();
    let mut b = Slot::<Slow>::new();
    let ma = NodeMeta::of::<Slow>("a", Policy::DEFAULT);
    let mb = NodeMeta::of::<Slow>("b", Policy::DEFAULT);
    let before = tokio::time::Instant::now();
    let (ra, rb) = tokio::join!(
        a.io(&cx, &t, &ma, Duration::from_secs(2)),
        b.io(&cx, &t, &mb, Duration::from_secs(1))
    );
    assert_eq!((ra, rb), (Some(1), Some(1)));
    // Concurrent: the stage takes as long as its slowest node.
    assert_eq!(before.elapsed(), Duration::from_secs(2));
    assert_eq!(t.counts().completed, 2);
    let order: Vec<(String, String)> = rx
        .try_iter()
        .map(|e| {
            (
                e.kind.as_str().to_owned(),
                e.node_id.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(order[0].0, EventKind::NodeStarted.as_str());
    assert_eq!(order[1].0, EventKind::NodeStarted.as_str());
    assert_eq!(order[2], ("node_completed".to_owned(), "b".to_owned()));
    assert_eq!(order[3], ("node_completed".to_owned(), "a".to_owned()));
}

#[test]
fn retry_jitter_is_deterministic_per_seed() {
    // Same seed, node and tick: the same waits, so a replayed run retries identically.
    let p = Policy::new().with_retry(3).with_backoff_ms(100);
    let salt = flow_runtime::policy::fnv1a("px");
    let a: Vec<_> = (1..=3).map(|r| p.backoff_delay(7, salt, r)).collect();
    let b: Vec<_> = (1..=3).map(|r| p.backoff_delay(7, salt, r)).collect();
    assert_eq!(a, b);
}
