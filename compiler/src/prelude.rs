//! The node library's interface: `runtime/prelude.flow`, compiled into the compiler and
//! parsed once, with the same parser as every other file.
//!
//! It is the single source of truth for node kinds, ports, types, defaults and docs: the
//! checker resolves kinds here, the code generator reads the ports from the graph built
//! from it, and the language server shows its docs. It must parse and declare without a
//! single diagnostic (a test says so).

use std::sync::OnceLock;

use crate::ast;
use crate::check::{KindDecl, Library, TypeDecl};
use crate::diagnostics::Diagnostic;
use crate::graph::Kind;
use crate::source::{FileId, SourceFile};

/// The prelude's text.
pub const TEXT: &str = include_str!("../../runtime/prelude.flow");

/// The name diagnostics and labels show for it.
pub const NAME: &str = "runtime/prelude.flow";

struct Prelude {
    source: SourceFile,
    ast: ast::File,
    library: Library,
    diagnostics: Vec<Diagnostic>,
}

fn get() -> &'static Prelude {
    static PRELUDE: OnceLock<Prelude> = OnceLock::new();
    PRELUDE.get_or_init(|| {
        let (ast, mut diagnostics) = crate::syntax::parse(TEXT);
        let library = Library::declare(None, &[(FileId::PRELUDE, &ast)], &mut diagnostics);
        let diagnostics = diagnostics
            .into_iter()
            .map(|d| d.in_file(FileId::PRELUDE))
            .collect();
        Prelude {
            source: SourceFile::new(NAME, TEXT),
            ast,
            library,
            diagnostics,
        }
    })
}

/// The prelude as a source file ([`FileId::PRELUDE`]).
pub fn source() -> &'static SourceFile {
    &get().source
}

/// The prelude's syntax tree.
pub fn file() -> &'static ast::File {
    &get().ast
}

/// Problems found parsing or declaring the prelude: none, unless it was edited wrongly.
pub fn diagnostics() -> &'static [Diagnostic] {
    &get().diagnostics
}

/// The kinds and types the prelude declares.
pub fn library() -> &'static Library {
    &get().library
}

/// Every node kind of the library, in declaration order.
pub fn kinds() -> impl Iterator<Item = &'static Kind> {
    library().kinds().map(|k| &k.kind)
}

/// The kind declared as `dotted` (e.g. `binance.price`), with where it is declared.
pub fn kind(dotted: &str) -> Option<&'static KindDecl> {
    library().kind(dotted)
}

/// The domain types the prelude declares (`OrderBook`, ...).
pub fn types() -> impl Iterator<Item = &'static TypeDecl> {
    library().types()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prelude_parses_and_declares_cleanly() {
        assert!(diagnostics().is_empty(), "{:#?}", diagnostics());
        assert!(kinds().count() >= 40);
        let rsi = kind("ta.rsi").expect("ta.rsi is declared");
        assert_eq!(rsi.kind.inputs[1].name, "period");
        assert!(rsi.kind.inputs[1].default.is_some());
        assert!(kind("trade.buy").is_some_and(|k| k.kind.effect && k.kind.io));
        assert!(kind("binance.price").is_some_and(|k| k.kind.io && !k.kind.effect));
        assert!(kind("cond.and").is_some());
        assert!(types().any(|t| t.name == "OrderBook"));
    }

    #[test]
    fn node_library_contract_is_declared() {
        // The kinds NODES.md requires, with their port names in order.
        let required: &[(&str, &[&str], &[&str])] = &[
            ("binance.price", &["pair"], &["price"]),
            (
                "binance.order_book",
                &["pair", "depth"],
                &["book", "best_bid", "best_ask", "mid"],
            ),
            (
                "ta.macd",
                &["input", "fast", "slow", "signal"],
                &["macd", "signal", "histogram", "ready"],
            ),
            ("cond.threshold", &["value", "min", "max"], &["pass"]),
            (
                "trade.buy",
                &["venue", "pair", "amount", "limit"],
                &["order", "filled", "price"],
            ),
            (
                "vast.offers",
                &["gpu", "num_gpus", "max_dph", "min_reliability"],
                &["offers", "count"],
            ),
        ];
        for (path, ins, outs) in required {
            let k = kind(path).unwrap_or_else(|| panic!("{path} missing"));
            let names = |ports: &[crate::graph::PortDecl]| {
                ports.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
            };
            assert_eq!(names(&k.kind.inputs), *ins, "{path}");
            assert_eq!(names(&k.kind.outputs), *outs, "{path}");
        }
    }
}
