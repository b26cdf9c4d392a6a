//! Between the compiler's data and the protocol's: byte offsets and UTF-16 positions, file
//! paths and `file:` URIs, [`Diagnostic`]s and LSP diagnostics.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types as lsp;

use crate::diagnostics::{Code, Diagnostic, LineIndex, Severity, Utf16Pos};
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// The LSP position of byte `offset` in `file`.
pub fn position(file: &SourceFile, offset: u32) -> lsp::Position {
    let p = file.lines.utf16_pos(&file.text, offset);
    lsp::Position::new(p.line, p.character)
}

/// The LSP range of `span` in `file`.
pub fn range(file: &SourceFile, span: Span) -> lsp::Range {
    lsp::Range::new(position(file, span.start), position(file, span.end))
}

/// The byte offset of an LSP position in `text` (clamped to the text).
pub fn offset(text: &str, lines: &LineIndex, pos: lsp::Position) -> u32 {
    lines.offset_of_utf16(
        text,
        Utf16Pos {
            line: pos.line,
            character: pos.character,
        },
    )
}

/// The range covering all of `text`.
pub fn whole(text: &str) -> lsp::Range {
    let lines = LineIndex::new(text);
    let end = lines.utf16_pos(text, text.len() as u32);
    lsp::Range::new(
        lsp::Position::new(0, 0),
        lsp::Position::new(end.line, end.character),
    )
}

/// The local path a `file:` URI names; `None` for other schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` names a path on another host; only the local form is ours.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `/c:/x` on Windows is the drive path `c:/x`.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of an absolute path (relative paths have none).
pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let text = path.to_str()?.replace('\\', "/");
    if !(text.starts_with('/') || text.get(1..2) == Some(":")) {
        return None;
    }
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    lsp::Uri::from_str(&uri).ok()
}

/// What renders a diagnostic needs to know about files other than the document's own.
pub trait Files {
    /// The text of a file, for positions.
    fn file(&self, id: FileId) -> Option<&SourceFile>;
    /// The URI a file is shown under.
    fn uri(&self, id: FileId) -> Option<lsp::Uri>;
}

/// The replacement a "did you mean `X`?" help proposes for the diagnostic's primary span,
/// given the text under that span. `px.prise` is labelled on `prise` while the help says
/// `px.price`, so a dotted suggestion for an undotted span replaces only the last segment.
pub fn replacement(d: &Diagnostic, primary_text: &str) -> Option<String> {
    let help = d.help.as_deref()?;
    let rest = help.strip_prefix("did you mean `")?;
    let suggestion = &rest[..rest.find('`')?];
    if suggestion.is_empty() || suggestion == primary_text {
        return None;
    }
    if suggestion.contains('.') && !primary_text.contains('.') {
        return suggestion.rsplit('.').next().map(str::to_owned);
    }
    Some(suggestion.to_owned())
}

/// An LSP diagnostic: code, UTF-16 range, severity, `source: "flow"`, the help appended
/// to the message, every secondary label as related information, and for did-you-mean
/// diagnostics the replacement in `data` (`{"replacement": "..."}`) for the quick fix.
pub fn diagnostic(d: &Diagnostic, files: &dyn Files) -> Option<lsp::Diagnostic> {
    let file = files.file(d.file)?;
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let id = d.label_file(label);
            let f = files.file(id)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(files.uri(id)?, range(f, label.span)),
                message: label.message.clone(),
            })
        })
        .collect();
    let primary_text = file.text.get(d.primary.span.range()).unwrap_or("");
    let data = replacement(d, primary_text).map(|r| serde_json::json!({ "replacement": r }));
    let tags =
        matches!(d.code, Code::W0001 | Code::W0002).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]);
    Some(lsp::Diagnostic {
        range: range(file, d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        code_description: None,
        source: Some("flow".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/ü.flow");
        let uri = path_to_uri(path).expect("absolute");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.flow");
        assert_eq!(uri_to_path(uri.as_str()).as_deref(), Some(path));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///x%zz"), None);
        assert!(path_to_uri(Path::new("relative.flow")).is_none());
    }

    #[test]
    fn whole_range() {
        assert_eq!(whole("a\nbc").end, lsp::Position::new(1, 2));
        assert_eq!(whole("").end, lsp::Position::new(0, 0));
    }
}
