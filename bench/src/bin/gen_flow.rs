//! Writes a large synthetic workflow to stdout, for measuring how build time grows with a
//! flow's size: `cargo run -p flow-bench --bin gen_flow -- 10000 > big.flow`, then
//! `flowc build big.flow`.
//!
//! One node in twenty is a price node (I/O, all in the first stage); the rest are RSIs,
//! thresholds and `and`s wired at random to earlier nodes, which gives a dozen or two stages
//! of uneven width. The same size always gives the same flow.

use std::fmt::Write as _;
use std::process::ExitCode;

/// A small deterministic generator (SplitMix64), so the flow depends on its size alone.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

/// The text of a workflow `name` with `nodes` nodes (at least 2).
fn flow(name: &str, nodes: usize) -> String {
    const PAIRS: [&str; 8] = [
        "BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "AVAXUSDT", "DOTUSDT",
    ];
    let mut rng = Mix(nodes as u64);
    let mut out = format!("/// A synthetic {nodes}-node flow (gen_flow).\nworkflow {name} {{\n");
    let prices = (nodes / 20).max(1);
    let mut numbers: Vec<String> = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    for i in 0..prices {
        let pair = PAIRS[i % PAIRS.len()];
        let _ = writeln!(out, "    node p{i} = binance.price(pair: \"{pair}\")");
        numbers.push(format!("p{i}.price"));
    }
    for k in prices..nodes {
        let roll = if flags.is_empty() { 45 } else { rng.below(100) };
        if roll < 30 {
            let input = rng.pick(&numbers).to_owned();
            let period = 5 + rng.below(26);
            let _ = writeln!(
                out,
                "    node n{k} = ta.rsi(input: {input}, period: {period})"
            );
            numbers.push(format!("n{k}.value"));
        } else if roll < 60 {
            let value = rng.pick(&numbers).to_owned();
            let max = 20 + rng.below(61);
            let _ = writeln!(
                out,
                "    node n{k} = cond.threshold(value: {value}, max: {max})"
            );
            flags.push(format!("n{k}.pass"));
        } else {
            let a = rng.pick(&flags).to_owned();
            let b = rng.pick(&flags).to_owned();
            let _ = writeln!(out, "    node n{k} = cond.and(a: {a}, b: {b})");
            flags.push(format!("n{k}.out"));
        }
    }
    let last = flags.last().map_or("true", String::as_str);
    let _ = writeln!(out, "    output last = {last}\n}}");
    out
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let nodes = args.next().and_then(|n| n.parse::<usize>().ok());
    let name = args.next().unwrap_or_else(|| "generated".to_owned());
    match nodes {
        Some(n) if n >= 2 => {
            print!("{}", flow(&name, n));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: gen_flow NODES [WORKFLOW_NAME]   (NODES >= 2)");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::flow;

    #[test]
    fn flows_check_and_have_the_size_asked_for() {
        for n in [2, 50, 1000] {
            let text = flow("g", n);
            assert_eq!(text, flow("g", n), "deterministic");
            let analysis =
                flow_compiler::analyze("g.flow", &text, &mut flow_compiler::check::NoFiles);
            assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
            assert_eq!(analysis.graphs[0].nodes.len(), n);
        }
    }
}
