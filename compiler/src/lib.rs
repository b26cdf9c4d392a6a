//! The Flow compiler library: one front end (parse, check) shared by `flowc`, the
//! `workflow!` macro and the language server, and the code generator.

pub mod analysis;
pub mod ast;
#[cfg(feature = "cli")]
pub mod build;
pub mod check;
pub mod codegen;
pub mod diagnostics;
pub mod expand;
pub mod fmt;
pub mod graph;
pub mod import;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod prelude;
pub mod render;
pub mod source;
pub mod span;
pub mod syntax;
pub mod templates;

pub use analysis::{Analysis, analyze};
pub use check::check;
pub use syntax::parse;
