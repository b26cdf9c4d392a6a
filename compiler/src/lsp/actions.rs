//! Quick fixes: for every did-you-mean diagnostic in the requested range, replace the
//! misspelt name with the suggestion.
//!
//! The fix is recomputed from the server's own analysis of the current text rather than
//! read back from the client's copy of the diagnostic, so it never applies to stale text;
//! the client's diagnostic (matched by range and code) is attached when it sent one.

use std::collections::HashMap;

use lsp_types as lsp;

use super::convert;
use super::world::Snapshot;

fn overlaps(a: &lsp::Range, b: &lsp::Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The quick fixes for `params.range`.
#[allow(
    clippy::mutable_key_type,
    reason = "`WorkspaceEdit::changes` is keyed by `Uri`, whose cached parts are never mutated"
)]
pub(super) fn code_actions(
    snap: &Snapshot,
    params: &lsp::CodeActionParams,
) -> Vec<lsp::CodeActionOrCommand> {
    let wants_quickfix = params.context.only.as_ref().is_none_or(|only| {
        only.iter()
            .any(|k| k.as_str() == "quickfix" || k.as_str().is_empty())
    });
    if !wants_quickfix {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in &snap.diagnostics {
        let range = snap.range(d.primary.span);
        if !overlaps(&range, &params.range) {
            continue;
        }
        let text = snap.text().get(d.primary.span.range()).unwrap_or("");
        let Some(replacement) = convert::replacement(d, text) else {
            continue;
        };
        let code = d.code.as_str();
        let sent = params.context.diagnostics.iter().find(|c| {
            c.range == range && matches!(&c.code, Some(lsp::NumberOrString::String(s)) if s == code)
        });
        let diagnostic = match sent {
            Some(c) => c.clone(),
            None => match convert::diagnostic(d, snap) {
                Some(c) => c,
                None => continue,
            },
        };
        let edit = lsp::TextEdit::new(range, replacement.clone());
        let mut changes = HashMap::new();
        changes.insert(snap.uri.clone(), vec![edit]);
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Replace `{text}` with `{replacement}`"),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }),
            is_preferred: Some(true),
            ..Default::default()
        }));
    }
    out
}
