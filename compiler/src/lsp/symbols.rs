//! The document outline: workflows with their params, nodes and outputs, and the file's
//! own `extern` declarations.

use lsp_types as lsp;

use super::world::Snapshot;
use crate::ast::{Item, Stmt};
use crate::span::Span;

#[allow(
    deprecated,
    reason = "`DocumentSymbol::deprecated` must still be given a value"
)]
fn symbol(
    snap: &Snapshot,
    name: &str,
    detail: Option<String>,
    kind: lsp::SymbolKind,
    span: Span,
    name_span: Span,
    children: Vec<lsp::DocumentSymbol>,
) -> lsp::DocumentSymbol {
    // The protocol wants the name's range inside the whole range.
    let span = span.to(name_span);
    lsp::DocumentSymbol {
        // An empty name is invalid in some clients; a workflow whose header broke has one.
        name: if name.is_empty() {
            "?".to_owned()
        } else {
            name.to_owned()
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: snap.range(span),
        selection_range: snap.range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The outline of the document.
pub(super) fn symbols(snap: &Snapshot) -> Vec<lsp::DocumentSymbol> {
    let src = snap.text();
    let mut out = Vec::new();
    for item in &snap.ast().items {
        match item {
            Item::Workflow(w) => {
                let mut children = Vec::new();
                for stmt in &w.body {
                    match stmt {
                        Stmt::Param(p) => children.push(symbol(
                            snap,
                            &p.name.name,
                            Some(p.ty.name.clone()),
                            lsp::SymbolKind::CONSTANT,
                            p.span,
                            p.name.span,
                            Vec::new(),
                        )),
                        Stmt::Node(n) => children.push(symbol(
                            snap,
                            &n.name.name,
                            Some(n.kind.dotted()),
                            lsp::SymbolKind::OBJECT,
                            n.span,
                            n.name.span,
                            Vec::new(),
                        )),
                        Stmt::Output(o) => children.push(symbol(
                            snap,
                            &o.name.name,
                            Some(
                                src.get(o.value.span.range())
                                    .unwrap_or("")
                                    .split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            ),
                            lsp::SymbolKind::FIELD,
                            o.span,
                            o.name.span,
                            Vec::new(),
                        )),
                        Stmt::Schedule(_) => {}
                    }
                }
                // Statements that do not parse still declare their names.
                for u in &w.unparsed {
                    if let Some(name) = &u.declares {
                        children.push(symbol(
                            snap,
                            &name.name,
                            None,
                            lsp::SymbolKind::OBJECT,
                            u.span,
                            name.span,
                            Vec::new(),
                        ));
                    }
                }
                children.sort_by_key(|s| (s.range.start.line, s.range.start.character));
                out.push(symbol(
                    snap,
                    &w.name.name,
                    None,
                    lsp::SymbolKind::MODULE,
                    w.span,
                    w.name.span,
                    children,
                ));
            }
            Item::ExternNode(n) => out.push(symbol(
                snap,
                &n.path.dotted(),
                None,
                lsp::SymbolKind::FUNCTION,
                n.span,
                n.path.span,
                Vec::new(),
            )),
            Item::ExternType(t) => out.push(symbol(
                snap,
                &t.name.name,
                None,
                lsp::SymbolKind::STRUCT,
                t.span,
                t.name.span,
                Vec::new(),
            )),
            Item::Use(_) => {}
        }
    }
    out
}
