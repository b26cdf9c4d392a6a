//! The Flow compiler library: one front end (parse, check) shared by `flowc`, the
//! `workflow!` macro and the language server, and the code generator.

#[cfg(feature = "cli")]
pub mod build;
pub mod codegen;
pub mod graph;
pub mod span;
