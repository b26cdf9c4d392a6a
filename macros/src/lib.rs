//! The `workflow!` proc macro. A shim: all the work happens in `flow_compiler::expand` so
//! that the macro, `flowc` and the language server share one front end. Users reach the
//! macro through the runtime (`flow_runtime::workflow!`), whose documentation describes it.

/// A Flow workflow inside a Rust program; see `flow_runtime::workflow`.
#[proc_macro]
pub fn workflow(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    flow_compiler::expand::expand(input.into()).into()
}
