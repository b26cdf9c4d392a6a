//! The `workflow!` proc macro. A shim: all the work happens in `flow_compiler` so that the
//! macro, `flowc` and the language server share one front end.
