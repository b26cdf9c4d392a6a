//! The one-line form: `file:line:col: error[E0200]: message`, for editors' quickfix lists
//! and `grep`.

use super::Diagnostic;
use crate::source::Sources;

/// Renders one diagnostic as one line (without a trailing newline).
pub fn render(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let (name, line, column) = match sources.get(diagnostic.file) {
        Some(file) => {
            let at = file
                .lines
                .line_col(&file.text, diagnostic.primary.span.start);
            (file.name.as_str(), at.line, at.column)
        }
        None => ("<unknown>", 1, 1),
    };
    format!(
        "{name}:{line}:{column}: {severity}[{code}]: {message}",
        severity = diagnostic.severity.as_str(),
        code = diagnostic.code,
        message = diagnostic.message,
    )
}
