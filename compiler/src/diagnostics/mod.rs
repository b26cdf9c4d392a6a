//! Diagnostics as data, and their renderers.
//!
//! A [`Diagnostic`] is a code, a severity, a message, a primary label on the smallest
//! wrong span, secondary labels and an optional help line. Every phase returns them as
//! values; turning them into text happens only at the edges: [`human`] (miette, for
//! terminals; needs the `fancy` feature), [`short`] (`file:line:col: error[E0200]: msg`)
//! and [`json`] (one object a line, TOOLCHAIN.md). The language server and the
//! `workflow!` macro read the data directly.

mod codes;
#[cfg(feature = "fancy")]
pub mod human;
pub mod json;
mod line_index;
pub mod short;

pub use codes::{Code, Explanation};
pub use line_index::{LineCol, LineIndex, Utf16Pos};

use crate::source::FileId;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a message. `file` is `None` when the label is in the diagnostic's own
/// file, and names another file otherwise (a port's declaration in the prelude).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub file: Option<FileId>,
}

/// One problem found in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line saying what is wrong, naming the things involved.
    pub message: String,
    pub file: FileId,
    /// The smallest span that is wrong, with a short label.
    pub primary: Label,
    /// Other places that explain the problem (the other end of an edge, the first of two
    /// definitions, each hop of a cycle), in a meaningful order.
    pub secondary: Vec<Label>,
    /// A concrete suggestion, when one can be made.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with `code`'s severity, in [`FileId::ROOT`] until told otherwise.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file: FileId::ROOT,
            primary: Label {
                span,
                message: label.into(),
                file: None,
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds a secondary label in the same file.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
            file: None,
        });
        self
    }

    /// Adds a secondary label in another file (e.g. the prelude).
    pub fn with_label_in(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
            file: Some(file),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Moves the diagnostic to `file`. Labels that named `file` explicitly become local;
    /// labels that were local stay in the diagnostic's (new) file.
    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = file;
        for label in &mut self.secondary {
            if label.file == Some(file) {
                label.file = None;
            }
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file a label is in.
    pub fn label_file(&self, label: &Label) -> FileId {
        label.file.unwrap_or(self.file)
    }
}

/// Whether any of `diagnostics` is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Sorts diagnostics by file, then position, then code, so output does not depend on the
/// order in which the phases found them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file, a.primary.span.start, a.primary.span.end, a.code).cmp(&(
            b.file,
            b.primary.span.start,
            b.primary.span.end,
            b.code,
        ))
    });
}
