//! From the macro's Rust tokens back to Flow source text, with a map from every byte of
//! that text to the token it came from.
//!
//! The language is token-compatible with Rust, so the text rebuilt here parses with the
//! same grammar as a `.flow` file, and every span a diagnostic carries can be put back on
//! the token(s) the user wrote. What the rebuild has to undo:
//!
//! - `///` doc comments reach a proc macro as `#[doc = "..."]` attributes: they become
//!   `///` lines again (each ends with a newline, since a doc comment runs to the end of
//!   its line);
//! - literals keep the text they were written with (`Literal::to_string`), so `250ms`,
//!   `1e-3` and `"a\"b"` read as in a file;
//! - punctuation written without a space (`->`, `==`, `<=`, `::`) arrives as `Joint`
//!   punctuation and is written back without one;
//! - tokens start a new line where they did in the user's file (when the compiler tells
//!   us their lines), so the text reads like the source; nothing in the grammar depends on
//!   it.

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// One piece of the rebuilt text and the token it stands for.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: u32,
    end: u32,
    span: Span,
}

/// The rebuilt source text and where each of its pieces came from.
#[derive(Debug, Default)]
pub(crate) struct Rebuilt {
    pub text: String,
    pieces: Vec<Piece>,
    /// Where the last token written ends in the user's file (line, 0-based column), when
    /// the compiler says.
    end: Option<(usize, usize)>,
    /// Whether the next token may follow the last one without a space (after `Joint`).
    joint: bool,
}

impl Rebuilt {
    /// Rebuilds the text of `tokens`.
    pub fn new(tokens: TokenStream) -> Rebuilt {
        let mut out = Rebuilt::default();
        out.stream(tokens);
        out
    }

    fn stream(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            // `#[doc = "..."]` (a `///` comment) and `#![doc = "..."]` (a `//!` comment).
            if let TokenTree::Punct(p) = &tokens[i]
                && p.as_char() == '#'
            {
                let inner =
                    matches!(tokens.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == '!');
                let at = if inner { i + 2 } else { i + 1 };
                if let Some(TokenTree::Group(g)) = tokens.get(at)
                    && g.delimiter() == Delimiter::Bracket
                    && let Some(text) = doc_attribute(g.stream())
                {
                    // An inner doc comment documents nothing the language knows; it is kept
                    // as a plain comment so positions stay honest.
                    self.doc(&text, p.span(), inner);
                    i = at + 1;
                    continue;
                }
            }
            match &tokens[i] {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        // An invisible group (a `macro_rules!` fragment): its tokens alone.
                        Delimiter::None => ("", ""),
                    };
                    if !open.is_empty() {
                        self.token(open, g.span_open(), false);
                    }
                    self.stream(g.stream());
                    if !close.is_empty() {
                        self.token(close, g.span_close(), false);
                    }
                }
                TokenTree::Ident(id) => self.token(&id.to_string(), id.span(), false),
                TokenTree::Punct(p) => {
                    let joint = p.spacing() == Spacing::Joint
                        && matches!(tokens.get(i + 1), Some(TokenTree::Punct(_)));
                    self.token(&p.as_char().to_string(), p.span(), joint);
                }
                TokenTree::Literal(l) => self.token(&l.to_string(), l.span(), false),
            }
            i += 1;
        }
    }

    /// Writes what separates the last token from the next one, which starts at `at`
    /// (line, 0-based column; `None` when the compiler does not say): the user's own
    /// newlines and indentation when known, else one space (none after `Joint`
    /// punctuation, so `->` stays one token).
    fn separate(&mut self, at: Option<(usize, usize)>) {
        if self.joint {
            return;
        }
        match (at, self.end) {
            (Some((line, col)), Some((end_line, _))) if line > end_line => {
                // Lines are kept (within reason), so excerpts read as written.
                let mut newlines = (line - end_line).min(MAX_BLANK_LINES);
                if self.text.ends_with('\n') {
                    newlines -= 1;
                }
                self.text.extend(std::iter::repeat_n('\n', newlines));
                self.text
                    .extend(std::iter::repeat_n(' ', col.min(MAX_INDENT)));
            }
            (Some((line, col)), Some((end_line, end_col)))
                if line == end_line && col >= end_col =>
            {
                self.text
                    .extend(std::iter::repeat_n(' ', (col - end_col).min(MAX_INDENT)));
            }
            _ if self.text.is_empty() || self.text.ends_with('\n') => {}
            _ => self.text.push(' '),
        }
    }

    fn token(&mut self, text: &str, span: Span, joint: bool) {
        self.separate(location(span.start()));
        let start = self.text.len();
        self.text.push_str(text);
        self.push_piece(start, span);
        self.joint = joint;
        self.end = location(span.end());
    }

    /// Writes a doc comment as `///` lines (or `//` lines for an inner one), each ending
    /// the line, all mapped to the attribute's `#` (whose span covers the comment).
    fn doc(&mut self, text: &str, span: Span, inner: bool) {
        self.joint = false;
        self.separate(location(span.start()));
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        for line in text.split('\n') {
            let start = self.text.len();
            self.text.push_str(if inner { "// " } else { "///" });
            // A doc line starting with `/` would make `////`, a plain comment.
            if line.starts_with('/') {
                self.text.push(' ');
            }
            self.text.push_str(line.strip_suffix('\r').unwrap_or(line));
            self.push_piece(start, span);
            self.text.push('\n');
        }
        self.end = location(span.end());
    }

    fn push_piece(&mut self, start: usize, span: Span) {
        self.pieces.push(Piece {
            start: clamp_u32(start),
            end: clamp_u32(self.text.len()),
            span,
        });
    }

    /// The spans of the first and the last token that `span` (a byte range into
    /// [`Rebuilt::text`]) covers. An empty range maps to the token it touches (the one
    /// before it when it sits at the end of one, as "expected `}`" after the last token
    /// does). `None` when there are no tokens at all.
    pub fn locate(&self, span: crate::span::Span) -> Option<(Span, Span)> {
        let pieces = &self.pieces;
        let last = pieces.last()?;
        let (start, end) = (span.start, span.end.max(span.start));
        if start == end {
            // The piece containing the point, else the one ending at it, else the next.
            let i = pieces.partition_point(|p| p.end < start);
            let piece = match pieces.get(i) {
                Some(p) if p.start <= start || i == 0 => p,
                Some(_) => &pieces[i - 1],
                None => last,
            };
            return Some((piece.span, piece.span));
        }
        let first = pieces.partition_point(|p| p.end <= start);
        let after = pieces.partition_point(|p| p.start < end);
        let first = pieces.get(first).unwrap_or(last);
        let final_piece = after
            .checked_sub(1)
            .and_then(|i| pieces.get(i))
            .unwrap_or(first);
        Some((first.span, final_piece.span))
    }

    /// The line and column (1-based) in the user's Rust file where the text at byte
    /// `offset` was written, when the compiler says.
    pub fn line_col(&self, offset: u32) -> Option<(usize, usize)> {
        let i = self.pieces.partition_point(|p| p.end <= offset);
        let piece = self.pieces.get(i).or(self.pieces.last())?;
        let at = piece.span.start();
        (at.line > 0).then_some((at.line, at.column + 1))
    }
}

/// The text of `doc = "..."`, the inside of a doc attribute.
fn doc_attribute(tokens: TokenStream) -> Option<String> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    match tokens.as_slice() {
        [
            TokenTree::Ident(name),
            TokenTree::Punct(eq),
            TokenTree::Literal(lit),
        ] if name == "doc" && eq.as_char() == '=' => {
            let lit = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit.clone()).into()).ok()?;
            Some(lit.value())
        }
        _ => None,
    }
}

/// At most this many newlines between two tokens, and this much indentation: a span from
/// elsewhere (a `macro_rules!` definition) must not blow the text up.
const MAX_BLANK_LINES: usize = 64;
const MAX_INDENT: usize = 256;

/// A position as (line, 0-based column), or `None` when the compiler does not say (it
/// reports line 0 then).
fn location(at: proc_macro2::LineColumn) -> Option<(usize, usize)> {
    (at.line > 0).then_some((at.line, at.column))
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn rebuild(src: &str) -> String {
        let tokens = TokenStream::from_str(src).expect("test input lexes as Rust");
        Rebuilt::new(tokens).text
    }

    #[test]
    fn punctuation_written_together_stays_together() {
        let text = rebuild("extern node a.b(x: f64) -> (y: f64) output o = a <= 2 == b != c");
        assert!(text.contains("->"), "{text}");
        assert!(text.contains("<="), "{text}");
        assert!(text.contains("=="), "{text}");
        assert!(text.contains("!="), "{text}");
    }

    #[test]
    fn literals_keep_their_text_and_docs_become_doc_lines() {
        let text = rebuild(
            "/// Buy low.\n/// Sell high.\nworkflow w { schedule every 250ms param p: f64 = 1e-3 param s: String = \"a\\\"b\" }",
        );
        assert!(text.starts_with("/// Buy low.\n/// Sell high.\n"), "{text}");
        assert!(text.contains("250ms"), "{text}");
        assert!(text.contains("1e-3"), "{text}");
        assert!(text.contains("\"a\\\"b\""), "{text}");
    }

    #[test]
    fn every_span_maps_to_a_token() {
        let tokens = TokenStream::from_str("workflow w { node a = x.y() }").expect("lexes");
        let rebuilt = Rebuilt::new(tokens);
        let at = rebuilt
            .text
            .find("x.y")
            .unwrap_or_else(|| panic!("the path, laid out as written: {:?}", rebuilt.text));
        assert!(rebuilt.locate(crate::span::Span::new(at, at + 3)).is_some());
        let end = rebuilt.text.len();
        assert!(rebuilt.locate(crate::span::Span::new(end, end)).is_some());
        assert!(
            Rebuilt::new(TokenStream::new())
                .locate(crate::span::Span::new(0, 0))
                .is_none()
        );
    }
}
