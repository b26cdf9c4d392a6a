//! Deterministic Rust identifiers derived from Flow names.
//!
//! Node and param names are Flow identifiers, which may be Rust keywords (`type`, `match`,
//! `self`). Generated locals and fields get a prefix that no keyword has (`n_`, `v_`, `d_`,
//! `prev_`), so they never collide with a keyword or with each other; names that appear in a
//! public API (params, outputs, ports) become raw identifiers when they are keywords.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// A Rust identifier for a Flow name that appears as-is in generated APIs (params, outputs,
/// ports, kind path segments): raw when it is a keyword, suffixed with `_` when it cannot be.
pub(crate) fn public(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// An identifier with a prefix that makes any Flow name a plain Rust identifier.
pub(super) fn prefixed(prefix: &str, name: &str) -> Ident {
    Ident::new(&format!("{prefix}{name}"), Span::call_site())
}

/// The path of a node kind's module, e.g. `#rt::nodes::binance::order_book`.
pub(super) fn kind_module(rt: &TokenStream, path: &[String]) -> TokenStream {
    let segments = path.iter().map(|s| public(s));
    quote!(#rt::nodes #(::#segments)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(public("type").to_string(), "r#type");
        assert_eq!(public("self").to_string(), "self_");
        assert_eq!(public("price").to_string(), "price");
        assert_eq!(prefixed("n_", "match").to_string(), "n_match");
    }
}
