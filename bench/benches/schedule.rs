//! One tick of the same workflows three ways, side by side in one run: the compiled flow
//! (what `flowc` generates, through the runtime's executor with no event sink), the same
//! flow written by hand, and a dynamic interpreter over the equivalent JSON graph.
//!
//! Each tick's future is polled in place inside the runtime's context, as the tick loop
//! awaits it, and finished with `block_on` only if it is not ready at once (these flows never
//! wait). A `block_on` per iteration would add the runtime's own enter/park cost, about
//! 100 ns, to all three and hide the differences being measured.
//!
//! Goals (issue 4): compiled ≤ 1.5× hand-written, ≥ 100× faster than the interpreter, and
//! ≤ 10 ns per compute node (from `wide50` minus `px_only`, over 50 nodes).

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use flow_bench::{compiled, context, hand, interp};
use flow_runtime::events::Events;
use flow_runtime::exec::Tick;
use flow_runtime::run::Workflow;
use flow_runtime::value::ParamValues;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

/// Runs a future to completion: one poll in place, `block_on` for the rest if it waits.
fn run<F: Future>(rt: &tokio::runtime::Runtime, f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => rt.block_on(f),
    }
}

fn build<W: Workflow>() -> W {
    match W::build(&ParamValues::default()) {
        Ok(w) => w,
        Err(e) => panic!("the bench flow builds without params: {e}"),
    }
}

fn ticks(c: &mut Criterion) {
    let rt = runtime();
    let _entered = rt.enter();
    let cx = context();
    let id: Arc<str> = Arc::from("bench");
    // One hub for the run, as the tick loop has; each tick borrows it (no sink attached).
    let events = Events::none();

    let mut group = c.benchmark_group("chain3");
    let mut flow = build::<compiled::chain3::Workflow>();
    group.bench_function("compiled", |b| {
        b.iter(|| {
            let t = Tick::new(0, &id, 7, &events);
            black_box(run(&rt, flow.tick(&cx, &t)))
        })
    });
    let mut by_hand = hand::Chain3::default();
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(run(&rt, by_hand.tick(&cx))))
    });
    let mut dynamic = interp::Interpreter::new(interp::chain3()).expect("the JSON graph loads");
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(run(&rt, dynamic.tick(&cx))))
    });
    group.finish();

    let mut group = c.benchmark_group("wide50");
    let mut flow = build::<compiled::wide50::Workflow>();
    group.bench_function("compiled", |b| {
        b.iter(|| {
            let t = Tick::new(0, &id, 7, &events);
            black_box(run(&rt, flow.tick(&cx, &t)))
        })
    });
    let mut by_hand = hand::Wide50::default();
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(run(&rt, by_hand.tick(&cx))))
    });
    let mut dynamic = interp::Interpreter::new(interp::wide50()).expect("the JSON graph loads");
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(run(&rt, dynamic.tick(&cx))))
    });
    let mut base = build::<compiled::px_only::Workflow>();
    group.bench_function("compiled_px_only", |b| {
        b.iter(|| {
            let t = Tick::new(0, &id, 7, &events);
            black_box(run(&rt, base.tick(&cx, &t)))
        })
    });
    group.finish();
}

/// The floor: each node of the flows called directly, no plumbing at all.
fn nodes(c: &mut Criterion) {
    use flow_runtime::node::{Compute, Io, NodeKind};
    use flow_runtime::nodes::{binance::price, cond::threshold, ta::rsi};

    let rt = runtime();
    let _entered = rt.enter();
    let cx = context();
    let mut group = c.benchmark_group("nodes");
    let mut px = price::Node::new();
    group.bench_function("binance_price", |b| {
        b.iter(|| {
            let input = price::In {
                pair: String::from("BTCUSDT"),
            };
            black_box(run(&rt, Io::run(&mut px, &cx, input)).is_ok())
        })
    });
    let mut node = rsi::Node::new();
    let mut x = 100.0;
    group.bench_function("ta_rsi", |b| {
        b.iter(|| {
            x += 0.25;
            let input = rsi::In {
                input: black_box(x),
                period: 14,
            };
            black_box(Compute::run(&mut node, &cx, input).is_ok())
        })
    });
    let mut node = threshold::Node::new();
    group.bench_function("cond_threshold", |b| {
        b.iter(|| {
            let input = threshold::In {
                value: black_box(42.0),
                min: f64::NEG_INFINITY,
                max: 30.0,
            };
            black_box(Compute::run(&mut node, &cx, input).is_ok())
        })
    });
    group.finish();
}

criterion_group!(benches, ticks, nodes);
criterion_main!(benches);
