//! Diagnostics as the Rust compiler shows them from inside a macro: errors as
//! `compile_error!` on the user's tokens, warnings as `deprecated` uses on them.
//!
//! A macro on stable Rust can raise exactly one kind of error, `compile_error!`, with one
//! span and one message. So the message carries everything `flowc` shows: the code and
//! message on the first line, then the primary label, each secondary label (with its line
//! in the user's file, or the file and line of a declaration elsewhere, such as the
//! prelude) and the help line. The span is the diagnostic's own: the `compile_error!` path
//! carries the first token's span and its braces the last token's, and rustc underlines
//! everything between — the trick `syn::Error::new_spanned` uses, since `Span::join` is
//! unstable.
//!
//! Warnings: stable Rust has no way for a macro to emit one, so each becomes the use of a
//! `#[deprecated]` constant named after the code, placed on the warned-about token. rustc
//! then prints `warning: use of deprecated constant `..::W0001`: <message>` at that token;
//! `#![deny(warnings)]` or `#![deny(deprecated)]` turns it into an error, `#[allow(deprecated)]`
//! silences it. (The `proc-macro-warning` crate uses the same technique.)

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use super::tokens::Rebuilt;
use crate::diagnostics::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceFile, Sources};

/// Where the root text of a diagnostic came from, which decides how spans are shown.
pub(crate) enum Origin<'a> {
    /// The macro's own tokens: spans go back to them.
    Tokens(&'a Rebuilt),
    /// A `.flow` file (`file = "..."`): spans cannot point into it, so the message shows
    /// the snippet, and the error sits on the `file = "..."` literal.
    File { literal: Span },
}

/// The tokens reporting `diagnostic`: a `compile_error!` or a deprecated-constant use.
pub(crate) fn report(
    diagnostic: &Diagnostic,
    sources: &Sources,
    origin: &Origin<'_>,
) -> TokenStream {
    let (first, last) = primary_spans(diagnostic, origin);
    let text = message(diagnostic, sources, origin);
    match diagnostic.severity {
        Severity::Error => compile_error(&text, first, last),
        Severity::Warning => warning(diagnostic.code.as_str(), &text, first),
    }
}

/// The spans to put a diagnostic on: its primary label's tokens in the macro input, else
/// the `file = "..."` literal or the whole invocation.
fn primary_spans(d: &Diagnostic, origin: &Origin<'_>) -> (Span, Span) {
    match origin {
        Origin::Tokens(rebuilt) if d.file == FileId::ROOT => rebuilt
            .locate(d.primary.span)
            .unwrap_or_else(|| (Span::call_site(), Span::call_site())),
        Origin::Tokens(_) => (Span::call_site(), Span::call_site()),
        Origin::File { literal } => (*literal, *literal),
    }
}

/// The whole message: what `flowc` shows, as lines of text.
pub(crate) fn message(d: &Diagnostic, sources: &Sources, origin: &Origin<'_>) -> String {
    let mut out = format!("[{}] {}", d.code, d.message);
    let on_tokens = matches!(origin, Origin::Tokens(_)) && d.file == FileId::ROOT;
    if on_tokens {
        // The caret is on the tokens; the label says what is wrong with them.
        if !d.primary.message.is_empty() {
            out.push_str(&format!("\n  here: {}", d.primary.message));
        }
    } else {
        out.push('\n');
        out.push_str(&snippet(sources, d.file, &d.primary));
    }
    for label in &d.secondary {
        out.push('\n');
        out.push_str(&secondary(d, label, sources, origin));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("\n  help: {help}"));
    }
    out
}

/// One secondary label: its message and where it is. In the macro's tokens, where is the
/// line in the user's file (when the compiler tells it) and the text; elsewhere, the file
/// and line and the text.
fn secondary(d: &Diagnostic, label: &Label, sources: &Sources, origin: &Origin<'_>) -> String {
    let file = d.label_file(label);
    let text = sources
        .get(file)
        .map(|f| excerpt(f, label.span))
        .unwrap_or_default();
    let quoted = if text.is_empty() {
        String::new()
    } else {
        format!(": `{text}`")
    };
    match origin {
        Origin::Tokens(rebuilt) if file == FileId::ROOT => match rebuilt.line_col(label.span.start)
        {
            Some((line, _)) => format!("  note: {} (line {line}){quoted}", label.message),
            None => format!("  note: {}{quoted}", label.message),
        },
        _ => match sources.get(file) {
            Some(f) => {
                let at = f.lines.line_col(&f.text, label.span.start);
                format!(
                    "  note: {} ({}:{}:{}){quoted}",
                    label.message, f.name, at.line, at.column
                )
            }
            None => format!("  note: {}", label.message),
        },
    }
}

/// The first line of the text under `span`, shortened to a readable length.
fn excerpt(file: &SourceFile, span: crate::span::Span) -> String {
    let start = (span.start as usize).min(file.text.len());
    let end = (span.end as usize).clamp(start, file.text.len());
    let Some(text) = file.text.get(start..end) else {
        return String::new();
    };
    let line = text.lines().next().unwrap_or("").trim();
    const MAX: usize = 60;
    if line.chars().count() > MAX {
        let cut: String = line.chars().take(MAX).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}

/// A label drawn under its source line, as rustc draws its own:
///
/// ```text
///   --> strategy.flow:7:19
///    |
///  7 |     output p = px.prise
///    |                   ^^^^^ no such output port
/// ```
pub(crate) fn snippet(sources: &Sources, file: FileId, label: &Label) -> String {
    let Some(f) = sources.get(file) else {
        return format!("  here: {}", label.message);
    };
    let at = f.lines.line_col(&f.text, label.span.start);
    let line_no = at.line;
    let range = f
        .lines
        .line_range(line_no.saturating_sub(1))
        .unwrap_or(0..0);
    let line_text = f
        .text
        .get(range.clone())
        .unwrap_or("")
        .trim_end_matches(['\n', '\r']);
    let col = at.column.saturating_sub(1) as usize;
    let end = (label.span.end as usize).min(range.start + line_text.len());
    let width = f
        .text
        .get((label.span.start as usize).min(end)..end)
        .map_or(1, |t| t.chars().count().max(1));
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let lead: String = line_text
        .chars()
        .take(col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{pad}--> {}:{}:{}\n{pad} |\n{line_no} | {line_text}\n{pad} | {lead}{} {}",
        f.name,
        at.line,
        at.column,
        "^".repeat(width),
        label.message
    )
}

/// `::core::compile_error! { "message" }` spanning `first..last`.
pub(crate) fn compile_error(message: &str, first: Span, last: Span) -> TokenStream {
    let mut tokens = TokenStream::new();
    let punct = |c: char, spacing: Spacing| {
        let mut p = Punct::new(c, spacing);
        p.set_span(first);
        TokenTree::Punct(p)
    };
    tokens.extend([
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("core", first)),
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("compile_error", first)),
        punct('!', Spacing::Alone),
    ]);
    let mut literal = Literal::string(message);
    literal.set_span(last);
    let mut group = Group::new(Delimiter::Brace, TokenTree::Literal(literal).into());
    group.set_span(last);
    tokens.extend([TokenTree::Group(group)]);
    tokens
}

/// A use, at `span`, of a `#[deprecated]` constant named after `code`.
fn warning(code: &str, message: &str, span: Span) -> TokenStream {
    let name = Ident::new(code, Span::call_site());
    let used = Ident::new(code, span);
    quote! {
        const _: () = {
            #[deprecated(note = #message)]
            #[allow(non_upper_case_globals)]
            const #name: () = ();
            #used
        };
    }
}
