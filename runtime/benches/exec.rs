//! The executor's overhead per compute node with no event sink: a direct `Compute::run`
//! against the same call through `Slot::compute` (the path generated code takes).
//!
//! `cargo bench -p flow-runtime --bench exec`; the target is at most ~10 ns of overhead.
//! Measured on the 2-core dev machine: direct 2.5 ns, through the executor 3.9 ns (x1.6,
//! about 1.5 ns of overhead).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use flow_runtime::__private::{NodeMeta, Policy, Slot, Tick};
use flow_runtime::ctx::Ctx;
use flow_runtime::ledger::Ledger;
use flow_runtime::market::Market;
use flow_runtime::node::{Compute, NodeError, NodeKind};

/// A running sum: cheap, stateful, and not optimised away.
struct Acc {
    total: f64,
}

#[derive(Clone)]
struct AccIn {
    x: f64,
}

#[derive(Clone, serde::Serialize)]
struct AccOut {
    total: f64,
}

impl NodeKind for Acc {
    const KIND: &'static str = "bench.acc";
    type In = AccIn;
    type Out = AccOut;
    fn new() -> Self {
        Acc { total: 0.0 }
    }
}

impl Compute for Acc {
    #[inline]
    fn run(&mut self, _cx: &Ctx, input: AccIn) -> Result<AccOut, NodeError> {
        self.total += input.x;
        Ok(AccOut { total: self.total })
    }
}

static META: NodeMeta = NodeMeta {
    id: "acc",
    kind: "bench.acc",
    effect: false,
    policy: Policy::DEFAULT,
};

fn bench(c: &mut Criterion) {
    let cx = Ctx::for_tests(Market::sim(0), Ledger::new(100_000.0, 10.0));
    let tick = Tick::for_tests(&cx);
    let mut group = c.benchmark_group("compute node");
    group.bench_function("direct Compute::run", |b| {
        let mut node = Acc::new();
        b.iter(|| black_box(node.run(black_box(&cx), AccIn { x: black_box(1.0) }).ok()))
    });
    group.bench_function("Slot::compute, no sink", |b| {
        let mut slot = Slot::<Acc>::new();
        b.iter(|| {
            black_box(slot.compute(
                black_box(&cx),
                &tick,
                black_box(&META),
                AccIn { x: black_box(1.0) },
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
