//! The boundary scan: splits a file into items, and a workflow into its header, its
//! statements and its closing brace, before anything is parsed.
//!
//! Keywords are reserved, so an item keyword (`workflow`, `extern`, `use`) always starts a
//! new item and a statement keyword (`param`, `schedule`, `node`, `output`) always starts a
//! new statement inside a workflow, whatever came before: an unclosed `(` or `{` or a
//! stray token damages one piece, never the rest of the file. A run of `///` lines
//! belongs to the item or statement it precedes.

use super::lexer::{Tok, TokKind};

/// A range of token indices `start..end` (exclusive) into the scanned token list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// An `extern` or `use` declaration, with its doc comments.
    Decl(Range),
    Workflow(WorkflowPieces),
    /// Tokens that start no item; `first` is the first one that is not a doc comment.
    Junk {
        first: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkflowPieces {
    /// Everything from the first doc comment to the end of the last piece.
    pub all: Range,
    /// The doc comments, the keyword, the name and the `{` (when they are there).
    pub head: Range,
    /// Whether the head ends with `{`.
    pub opened: bool,
    pub body: Vec<BodyPiece>,
    /// The token index of the closing `}`, if one was found.
    pub close: Option<usize>,
    /// The first token after the closing `}` that belongs to no item.
    pub trailing: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyPiece {
    /// A statement, starting at its doc comments or keyword.
    Stmt(Range),
    /// Tokens that start no statement; `first` is the first of them.
    Junk { first: usize },
}

const ITEM_KEYWORDS: &[&str] = &["workflow", "extern", "use"];
const STMT_KEYWORDS: &[&str] = &["param", "schedule", "node", "output"];

struct Scan<'a> {
    src: &'a str,
    toks: &'a [Tok],
}

impl Scan<'_> {
    fn is_word(&self, i: usize, words: &[&str]) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == TokKind::Ident && words.contains(&t.text(self.src)))
    }

    fn is_punct(&self, i: usize, p: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_punct(self.src, p))
    }

    fn is_doc(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokKind::Doc)
    }

    /// The index after the run of doc comments starting at `i`.
    fn after_docs(&self, mut i: usize) -> usize {
        while self.is_doc(i) {
            i += 1;
        }
        i
    }

    /// Whether an item starts at `i` (with its doc comments, if any).
    fn starts(&self, i: usize, words: &[&str]) -> bool {
        self.is_word(self.after_docs(i), words)
    }

    /// The first index at or after `i` where an item starts, or the end.
    fn next_item(&self, mut i: usize) -> usize {
        while i < self.toks.len() {
            if self.is_doc(i) {
                let after = self.after_docs(i);
                if self.is_word(after, ITEM_KEYWORDS) {
                    return i;
                }
                i = after;
            } else if self.is_word(i, ITEM_KEYWORDS) {
                return i;
            } else {
                i += 1;
            }
        }
        self.toks.len()
    }

    fn workflow(&self, start: usize, keyword: usize, end: usize) -> WorkflowPieces {
        // The head runs to the first `{`, or stops before the first thing that cannot be
        // part of it, so a missing `{` does not swallow the first statement.
        let mut i = keyword + 1;
        let mut opened = false;
        while i < end {
            if self.is_punct(i, "{") {
                opened = true;
                i += 1;
                break;
            }
            if self.is_word(i, STMT_KEYWORDS) || self.is_doc(i) || self.is_punct(i, "}") {
                break;
            }
            i += 1;
        }
        let head = Range { start, end: i };

        let mut body = Vec::new();
        let mut current: Option<(usize, bool)> = None; // (first token, is a statement)
        let close_piece =
            |current: &mut Option<(usize, bool)>, at: usize, body: &mut Vec<BodyPiece>| {
                if let Some((first, is_stmt)) = current.take() {
                    body.push(if is_stmt {
                        BodyPiece::Stmt(Range {
                            start: first,
                            end: at,
                        })
                    } else {
                        BodyPiece::Junk { first }
                    });
                }
            };
        let mut depth = 1usize;
        let mut close = None;
        while i < end {
            if self.is_doc(i) {
                let after = self.after_docs(i);
                close_piece(&mut current, i, &mut body);
                if self.is_word(after, STMT_KEYWORDS) {
                    current = Some((i, true));
                    depth = 1;
                    i = after + 1;
                } else {
                    // Doc comments that precede no statement document nothing: skipped.
                    i = after;
                }
                continue;
            }
            if self.is_word(i, STMT_KEYWORDS) {
                close_piece(&mut current, i, &mut body);
                current = Some((i, true));
                depth = 1;
            } else if self.is_punct(i, "}") && depth == 1 {
                close_piece(&mut current, i, &mut body);
                close = Some(i);
                i += 1;
                break;
            } else {
                if self.is_punct(i, "{") {
                    depth += 1;
                } else if self.is_punct(i, "}") {
                    depth -= 1;
                }
                if current.is_none() {
                    current = Some((i, false));
                }
            }
            i += 1;
        }
        close_piece(&mut current, i.min(end), &mut body);
        let trailing = (i..end).find(|&j| !self.is_doc(j));
        WorkflowPieces {
            all: Range { start, end },
            head,
            opened,
            body,
            close,
            trailing,
        }
    }
}

/// Splits the tokens (comments already removed) into items.
pub(crate) fn split(src: &str, toks: &[Tok]) -> Vec<Piece> {
    let scan = Scan { src, toks };
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if scan.starts(i, ITEM_KEYWORDS) {
            let keyword = scan.after_docs(i);
            let end = scan.next_item(keyword + 1);
            if scan.is_word(keyword, &["workflow"]) {
                pieces.push(Piece::Workflow(scan.workflow(i, keyword, end)));
            } else {
                pieces.push(Piece::Decl(Range { start: i, end }));
            }
            i = end;
        } else {
            let end = scan.next_item(i);
            let first = scan.after_docs(i);
            // Doc comments before the end of the file document nothing: skipped.
            if first < end {
                pieces.push(Piece::Junk { first });
            }
            i = end;
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    fn pieces(src: &str) -> Vec<Piece> {
        let toks: Vec<Tok> = lex(src)
            .into_iter()
            .filter(|t| t.kind != TokKind::Comment)
            .collect();
        split(src, &toks)
    }

    #[test]
    fn statements_split_at_keywords_even_inside_unclosed_brackets() {
        let src = "workflow w {\n node a = f(x: (1\n node b = g() with { retry: 1\n /// doc\n output o = b }\n extern type T";
        let p = pieces(src);
        assert_eq!(p.len(), 2);
        let Piece::Workflow(w) = &p[0] else {
            panic!("not a workflow: {p:?}")
        };
        assert!(w.opened);
        assert_eq!(w.body.len(), 3);
        // `output` starts a statement at the workflow's level, so the unclosed `with {`
        // does not keep the final `}` from closing the workflow.
        assert!(w.close.is_some());
        assert!(matches!(p[1], Piece::Decl(_)));
    }

    #[test]
    fn junk_between_items_is_one_piece() {
        let src = "foo bar\nextern type T\nworkflow w { x y node a = f() } z";
        let p = pieces(src);
        assert!(matches!(p[0], Piece::Junk { first: 0 }));
        let Piece::Workflow(w) = &p[2] else { panic!() };
        assert!(matches!(w.body[0], BodyPiece::Junk { .. }));
        assert!(matches!(w.body[1], BodyPiece::Stmt(_)));
        assert!(w.close.is_some());
        assert!(w.trailing.is_some());
    }
}
