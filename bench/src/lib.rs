//! Benchmark subjects, three ways to run the same workflows:
//!
//! - [`compiled`]: what `flowc` generates (built from `flows/*.flow` by `build.rs`);
//! - [`hand`]: the same flows written by hand against the runtime's nodes, no executor;
//! - [`interp`]: a dynamic interpreter over the equivalent JSON graph, the design of the
//!   Python executors Flow replaces (topological sort at run time, handlers looked up by
//!   name, values in maps of dynamic values).
//!
//! All three call the same node implementations, so the differences are the cost of the
//! scheduling and plumbing around them.

pub mod hand;
pub mod interp;

/// The generated workflows.
pub mod compiled {
    #![allow(clippy::all, missing_docs, reason = "generated code")]
    pub mod chain3 {
        include!(concat!(env!("OUT_DIR"), "/chain3.rs"));
    }
    pub mod wide50 {
        include!(concat!(env!("OUT_DIR"), "/wide50.rs"));
    }
    pub mod px_only {
        include!(concat!(env!("OUT_DIR"), "/px_only.rs"));
    }
}

use flow_runtime::ctx::Ctx;
use flow_runtime::ledger::Ledger;
use flow_runtime::market::Market;

/// A simulated context, as a `sim` run builds it (seed 7, default cash and fee).
pub fn context() -> Ctx {
    Ctx::for_tests(Market::sim(7), Ledger::new(100_000.0, 10.0))
}
