//! The rich terminal form, through miette's graphical renderer: the source snippet with
//! every label drawn under its span, then the help line.
//!
//! Labels in the diagnostic's own file are drawn in one snippet; a label in another file
//! (a port's declaration in the prelude) is drawn after it as a note with its own snippet.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, LineIndex, Severity};
use crate::source::{FileId, Sources};
use crate::span::Span;

/// Secondary labels drawn per diagnostic; the rest are counted in a note.
const MAX_LABELS: usize = 24;

/// How to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// Unicode box drawing; ASCII otherwise.
    pub unicode: bool,
    /// The width to wrap messages at.
    pub width: usize,
}

impl Style {
    /// No colours, Unicode, 100 columns: deterministic output for snapshots and files.
    pub const PLAIN: Style = Style {
        color: false,
        unicode: true,
        width: 100,
    };
}

/// Renders one diagnostic, ending with a newline.
pub fn render(diagnostic: &Diagnostic, sources: &Sources, style: Style) -> String {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .without_syntax_highlighting();
    let report = Report::new(diagnostic, sources);
    let mut out = String::new();
    let mut ok = handler.render_report(&mut out, &report).is_ok();
    for note in &report.notes {
        ok &= handler.render_report(&mut out, note).is_ok();
    }
    if !ok {
        // Rendering into a String fails only if miette cannot read a span, which the
        // clamping below rules out; the short form is a faithful fallback.
        out = super::short::render(diagnostic, sources);
        out.push('\n');
    }
    out
}

/// A source text as miette wants it.
fn named_source(sources: &Sources, file: FileId) -> Windowed {
    match sources.get(file) {
        Some(f) => Windowed {
            name: f.name.clone(),
            text: f.text.clone(),
            lines: f.lines.clone(),
        },
        None => {
            let text: Arc<str> = Arc::from("");
            Windowed {
                name: "<unknown>".to_owned(),
                lines: LineIndex::new(&text),
                text,
            }
        }
    }
}

/// A source text for miette that hands it only the lines around a span. miette finds
/// lines by scanning from the start of the text, so on a large file each snippet would
/// cost a pass over the whole file; with the line index the window is found directly,
/// and miette scans only the window. Line numbers and offsets are shifted back, so the
/// output is the same as with the whole text.
struct Windowed {
    name: String,
    text: Arc<str>,
    lines: LineIndex,
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len) as u32;
        let end = (span.offset() + span.len()).min(len) as u32;
        let first = self
            .lines
            .line_of(start)
            .saturating_sub(context_lines_before as u32);
        // One line more than miette will show, so it stops where it would in the whole text.
        let last = self.lines.line_of(end) as usize + context_lines_after + 1;
        let window_start = self.lines.line_range(first).map_or(0, |r| r.start);
        let window_end = self
            .lines
            .line_range(last.min(self.lines.line_count() - 1) as u32)
            .map_or(len, |r| (r.end + 1).min(len));
        let window = &self.text.as_bytes()[window_start..window_end];
        let local = SourceSpan::new(
            (span.offset().saturating_sub(window_start)).into(),
            span.len(),
        );
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let shifted = SourceSpan::new(
            (inner.span().offset() + window_start).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            shifted,
            inner.line() + first as usize,
            inner.column(),
            inner.line_count() + first as usize,
        )))
    }
}

/// Clamps a span to its text so a stale or foreign span cannot make miette fail.
fn clamp(sources: &Sources, file: FileId, span: Span) -> (usize, usize) {
    let len = sources.get(file).map_or(0, |f| f.text.len());
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    (start, end - start)
}

/// The diagnostic as a miette report, plus one note per label in another file.
struct Report {
    header: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Windowed,
    labels: Vec<LabeledSpan>,
    notes: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &Sources) -> Report {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(d.primary.message.clone()),
            clamp(sources, d.file, d.primary.span),
        )];
        let mut notes = Vec::new();
        // miette's layout grows faster than linearly with the labels of one snippet; a
        // cycle through a whole generated flow would take seconds to draw.
        for label in d.secondary.iter().take(MAX_LABELS) {
            let file = d.label_file(label);
            let at = clamp(sources, file, label.span);
            if file == d.file {
                labels.push(LabeledSpan::new_with_span(Some(label.message.clone()), at));
            } else {
                notes.push(Report {
                    header: format!("note: {}", label.message),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: named_source(sources, file),
                    labels: vec![LabeledSpan::new_primary_with_span(None, at)],
                    notes: Vec::new(),
                });
            }
        }
        if d.secondary.len() > MAX_LABELS {
            notes.push(Report {
                header: format!(
                    "note: {} more places are labelled; `--format json` lists them all",
                    d.secondary.len() - MAX_LABELS
                ),
                severity: miette::Severity::Advice,
                help: None,
                source: named_source(sources, d.file),
                labels: Vec::new(),
                notes: Vec::new(),
            });
        }
        Report {
            header: format!("{}[{}]: {}", d.severity.as_str(), d.code, d.message),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: d.help.clone(),
            source: named_source(sources, d.file),
            labels,
            notes,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
