//! The JSON form of TOOLCHAIN.md: one object a line, with 1-based lines and columns
//! counted in characters.
//!
//! ```json
//! {"severity":"error","code":"E0300","message":"cycle: a -> b -> a","file":"s.flow",
//!  "span":{"start":120,"end":125,"line":7,"column":9,"end_line":7,"end_column":14},
//!  "labels":[{"message":"b reads a here","span":{...}}],"help":null}
//! ```
//!
//! `labels` holds the secondary labels in order (the primary label is `span` itself). A
//! label in another file than the diagnostic (a declaration in the prelude) carries an
//! extra `"file"` key.

use serde::Serialize;

use super::{Diagnostic, Label};
use crate::source::{FileId, Sources};
use crate::span::Span;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: &'a str,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    span: JsonSpan,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

fn file_name(sources: &Sources, file: FileId) -> &str {
    sources.get(file).map_or("<unknown>", |f| f.name.as_str())
}

fn span(sources: &Sources, file: FileId, span: Span) -> JsonSpan {
    let (start, end) = match sources.get(file) {
        Some(f) => (
            f.lines.line_col(&f.text, span.start),
            f.lines.line_col(&f.text, span.end),
        ),
        None => {
            let origin = super::LineCol { line: 1, column: 1 };
            (origin, origin)
        }
    };
    JsonSpan {
        start: span.start,
        end: span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

fn label<'a>(sources: &'a Sources, diagnostic: &Diagnostic, label: &'a Label) -> JsonLabel<'a> {
    let file = diagnostic.label_file(label);
    JsonLabel {
        message: &label.message,
        span: span(sources, file, label.span),
        file: (file != diagnostic.file).then(|| file_name(sources, file)),
    }
}

/// Renders one diagnostic as one line of JSON (without a trailing newline).
pub fn render(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let json = JsonDiagnostic {
        severity: diagnostic.severity.as_str(),
        code: diagnostic.code.as_str(),
        message: &diagnostic.message,
        file: file_name(sources, diagnostic.file),
        span: span(sources, diagnostic.file, diagnostic.primary.span),
        labels: diagnostic
            .secondary
            .iter()
            .map(|l| label(sources, diagnostic, l))
            .collect(),
        help: diagnostic.help.as_deref(),
    };
    // Serialising plain strings and integers cannot fail; should it ever, an empty object
    // keeps the one-object-a-line stream parseable.
    serde_json::to_string(&json).unwrap_or_else(|_| "{}".to_owned())
}
