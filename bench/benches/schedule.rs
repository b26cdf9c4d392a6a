//! One tick of the same workflows three ways, side by side in one run: the compiled flow
//! (what `flowc` generates, through the runtime's executor with no event sink), the same
//! flow written by hand, and a dynamic interpreter over the equivalent JSON graph.
//!
//! Goals (issue 4): compiled ≤ 1.5× hand-written, ≥ 100× faster than the interpreter, and
//! ≤ 10 ns per compute node (from `wide50` minus `px_only`, over 50 nodes).

use std::hint::black_box;
use std::sync::Arc;

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

fn build<W: Workflow>() -> W {
    match W::build(&ParamValues::default()) {
        Ok(w) => w,
        Err(e) => panic!("the bench flow builds without params: {e}"),
    }
}

fn ticks(c: &mut Criterion) {
    let rt = runtime();
    let cx = context();
    let id: Arc<str> = Arc::from("bench");

    let mut group = c.benchmark_group("chain3");
    let mut flow = build::<compiled::chain3::Workflow>();
    group.bench_function("compiled", |b| {
        b.iter(|| {
            let t = Tick::new(0, id.clone(), 7, Events::none());
            black_box(rt.block_on(flow.tick(&cx, &t)))
        })
    });
    let mut by_hand = hand::Chain3::default();
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(rt.block_on(by_hand.tick(&cx))))
    });
    let mut dynamic = interp::Interpreter::new(interp::chain3()).expect("the JSON graph loads");
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(rt.block_on(dynamic.tick(&cx))))
    });
    group.finish();

    let mut group = c.benchmark_group("wide50");
    let mut flow = build::<compiled::wide50::Workflow>();
    group.bench_function("compiled", |b| {
        b.iter(|| {
            let t = Tick::new(0, id.clone(), 7, Events::none());
            black_box(rt.block_on(flow.tick(&cx, &t)))
        })
    });
    let mut by_hand = hand::Wide50::default();
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(rt.block_on(by_hand.tick(&cx))))
    });
    let mut dynamic = interp::Interpreter::new(interp::wide50()).expect("the JSON graph loads");
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(rt.block_on(dynamic.tick(&cx))))
    });
    let mut base = build::<compiled::px_only::Workflow>();
    group.bench_function("compiled_px_only", |b| {
        b.iter(|| {
            let t = Tick::new(0, id.clone(), 7, Events::none());
            black_box(rt.block_on(base.tick(&cx, &t)))
        })
    });
    group.finish();
}

criterion_group!(benches, ticks);
criterion_main!(benches);
