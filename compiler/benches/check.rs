//! Parse + check of generated flows: chains (every node reads the one before) and wide
//! fans (every node reads one source), at 1,000 and 10,000 nodes. The goal is a
//! 10,000-node flow in well under 100 ms, growing linearly.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use flow_compiler::check::NoFiles;

/// `n` nodes in a line: each smooths the one before it.
fn chain(n: usize) -> String {
    let mut s = String::from(
        "workflow chain {\n    param pair: String = \"BTCUSDT\"\n    schedule every 1s\n",
    );
    s.push_str("    node n0 = binance.price(pair: pair)\n");
    let _ = writeln!(s, "    node n1 = ta.sma(input: n0.price, period: 5)");
    for i in 2..n {
        let _ = writeln!(
            s,
            "    node n{i} = ta.sma(input: n{}.value * 2 - 1, period: 5) when n{}.ready",
            i - 1,
            i - 1
        );
    }
    let _ = writeln!(s, "    output last = n{}.value\n}}", n - 1);
    s
}

/// One source read by `n - 1` order nodes.
fn fan(n: usize) -> String {
    let mut s = String::from(
        "workflow fan {\n    param pair: String = \"BTCUSDT\"\n    schedule every 1s\n",
    );
    s.push_str("    node src = binance.price(pair: pair)\n");
    for i in 1..n {
        let _ = writeln!(
            s,
            "    node n{i} = trade.buy(venue: \"binance\", pair: pair, amount: src.price / {i}) when src.price > {i} with {{ retry: 1, timeout: 2s }}"
        );
    }
    s.push('}');
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+check");
    group.sample_size(20);
    for (shape, generate) in [("chain", chain as fn(usize) -> String), ("fan", fan)] {
        for n in [1_000, 10_000] {
            let text = generate(n);
            // The generated flows are valid: a failure here would measure the error path.
            let analysis = flow_compiler::analyze("bench.flow", &text, &mut NoFiles);
            assert!(
                analysis.diagnostics.is_empty(),
                "{shape} {n}: {:?}",
                analysis.diagnostics.first()
            );
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(shape, n), &text, |b, text| {
                b.iter(|| flow_compiler::analyze("bench.flow", black_box(text), &mut NoFiles))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
