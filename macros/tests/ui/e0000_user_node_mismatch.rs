//! A user node whose Rust type does not match its declaration: each mismatch is reported
//! on the declaration.

use flow_runtime::ctx::Ctx;
use flow_runtime::node::{Compute, NodeError, NodeKind};

#[derive(Default)]
pub struct Gap;

#[derive(Clone, Debug)]
pub struct GapIn {
    pub a: f64,
    pub b: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct GapOut {
    pub bps: f64,
    pub runs: i64,
}

impl NodeKind for Gap {
    const KIND: &'static str = "my.gap";
    type In = GapIn;
    type Out = GapOut;
    fn new() -> Self {
        Gap
    }
}

impl Compute for Gap {
    fn run(&mut self, _cx: &Ctx, input: GapIn) -> Result<GapOut, NodeError> {
        Ok(GapOut { bps: input.a - input.b, runs: 1 })
    }
}

flow_runtime::workflow! {
    // `c` is no field of `GapIn` (and `b` is missing); `bps` is an `f64`; `runs` is not
    // declared.
    extern node my.gap(a: f64, c: f64) -> (bps: i64) = crate::Gap

    workflow w {
        node g = my.gap(a: 1, c: 2)
        output bps = g.bps
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
