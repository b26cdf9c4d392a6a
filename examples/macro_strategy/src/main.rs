//! The RSI mean-reversion template as a Rust program: `workflow!(file = ...)` compiles the
//! `.flow` file (and recompiles when it changes) into the module `rsi_mean_reversion`, whose
//! `main` is the same executable `flowc build` makes: same flags, modes, events, summary
//! and exit codes.
//!
//! ```text
//! cargo run -p macro-strategy -- --ticks 100 --seed 7
//! cargo run -p macro-strategy -- --replay bars.csv --events -
//! ```

use std::process::ExitCode;

flow_runtime::workflow!(file = "../rsi_mean_reversion.flow");

fn main() -> ExitCode {
    rsi_mean_reversion::main()
}
