//! The parser: source text to [`ast::File`], with every syntax error as a diagnostic.
//!
//! This is the only module that names pest types. Parsing never fails: a token scan
//! ([`split`]) first cuts the text at item and statement boundaries, then each piece is
//! parsed with its own grammar rule (`grammar/flow.pest`) and lowered to the AST
//! ([`lower`]). A piece that does not parse is reported once ([`errors`]) and skipped, and
//! the rest of the file still parses, so an editor shows every broken statement at once
//! and the checker still sees everything else.

mod errors;
mod fast;
pub(crate) mod lexer;
mod lower;
mod split;

use pest::Parser as _;

use crate::ast::{self, Ident, Unparsed};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;
use errors::{Failure, PieceKind};
use lexer::{Tok, TokKind};
use split::{BodyPiece, Piece, Range, WorkflowPieces};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/flow.pest"]
struct FlowParser;

/// Brackets nested deeper than this are refused before pest sees them, so that neither
/// pest's recursion nor ours can run out of stack on hostile input.
const MAX_NESTING: usize = 64;

/// Parses a whole `.flow` file. Always returns a file: whatever parsed, plus one
/// diagnostic per piece that did not. Diagnostics are in [`FileId::ROOT`]
/// (`crate::source::FileId`); callers parsing other files move them with
/// [`Diagnostic::in_file`].
pub fn parse(source: &str) -> (ast::File, Vec<Diagnostic>) {
    parse_with(source, true)
}

/// [`parse`] without the fast path: every statement goes through the pest grammar. The
/// two must agree on every input; tests compare them.
#[doc(hidden)]
pub fn parse_pest_only(source: &str) -> (ast::File, Vec<Diagnostic>) {
    parse_with(source, false)
}

fn parse_with(source: &str, fast: bool) -> (ast::File, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if u32::try_from(source.len()).is_err() {
        diags.push(Diagnostic::new(
            Code::E0001,
            "the file is larger than 4 GiB",
            Span::default(),
            "too large to parse",
        ));
        return (ast::File::default(), diags);
    }
    let all = lexer::lex(source);
    let comments = all
        .iter()
        .filter(|t| t.kind == TokKind::Comment)
        .map(|t| Span::new(t.start as usize, t.end as usize))
        .collect();
    let toks: Vec<Tok> = all
        .into_iter()
        .filter(|t| t.kind != TokKind::Comment)
        .collect();
    let mut p = Parse {
        src: source,
        toks: &toks,
        diags: &mut diags,
        fast,
    };
    let mut file = ast::File {
        comments,
        span: Span::new(0, source.len()),
        ..ast::File::default()
    };
    for piece in split::split(source, &toks) {
        match piece {
            Piece::Decl(range) => match p.decl(range) {
                Ok(item) => file.items.push(item),
                Err(unparsed) => file.unparsed.push(unparsed),
            },
            Piece::Workflow(w) => {
                let (workflow, trailing) = p.workflow(&w);
                file.items.push(ast::Item::Workflow(workflow));
                file.unparsed.extend(trailing);
            }
            Piece::Junk { first } => file.unparsed.push(p.junk(first, false)),
        }
    }
    (file, diags)
}

struct Parse<'a> {
    src: &'a str,
    toks: &'a [Tok],
    diags: &'a mut Vec<Diagnostic>,
    /// Try the fast path ([`fast`]) on statements before pest.
    fast: bool,
}

impl Parse<'_> {
    fn tok_span(&self, i: usize) -> Span {
        let t = self.toks[i];
        Span::new(t.start as usize, t.end as usize)
    }

    fn range_span(&self, r: Range) -> Span {
        if r.start >= r.end {
            let at = self
                .toks
                .get(r.start)
                .map_or(self.src.len(), |t| t.start as usize);
            return Span::new(at, at);
        }
        self.tok_span(r.start).to(self.tok_span(r.end - 1))
    }

    fn text(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.text(self.src))
    }

    /// Parses the tokens `range` with `rule`, reporting a failure once. Returns the
    /// entry rule's pair, lowered by `f`.
    fn piece<T>(
        &mut self,
        range: Range,
        rule: Rule,
        kind: PieceKind,
        f: impl FnOnce(&mut lower::Lower<'_>, pest::iterators::Pair<'_, Rule>) -> Option<T>,
    ) -> Option<T> {
        let failure = Failure {
            src: self.src,
            toks: self.toks,
            first: range.start,
            end: range.end,
            kind,
        };
        if let Some(d) = failure.lexical_error(MAX_NESTING) {
            self.diags.push(d);
            return None;
        }
        let span = self.range_span(range);
        let text = &self.src[span.range()];
        match FlowParser::parse(rule, text) {
            Ok(mut pairs) => {
                let entry = pairs.next()?;
                let mut lower = lower::Lower {
                    base: span.start,
                    toks: self.toks,
                    diags: self.diags,
                    too_deep: false,
                };
                f(&mut lower, entry)
            }
            Err(err) => {
                self.diags.push(failure.pest_error(&err, span.start));
                None
            }
        }
    }

    /// An `extern` or `use` declaration.
    fn decl(&mut self, range: Range) -> Result<ast::Item, Unparsed> {
        let item = self.piece(
            range,
            Rule::item_only,
            PieceKind::Declaration,
            |lower, entry| {
                let inner = entry.into_inner().next()?;
                lower.item(inner)
            },
        );
        item.ok_or_else(|| Unparsed {
            span: self.range_span(range),
            declares: self.declared_in_decl(range),
        })
    }

    /// The kind or type a broken `extern` declaration was declaring, if recognisable.
    fn declared_in_decl(&self, range: Range) -> Option<Ident> {
        let mut i = range.start;
        while self.toks.get(i).is_some_and(|t| t.kind == TokKind::Doc) {
            i += 1;
        }
        if self.text(i) != "extern" {
            return None;
        }
        i += 1;
        if matches!(self.text(i), "io" | "effect") {
            i += 1;
        }
        let is_type = match self.text(i) {
            "type" => true,
            "node" => false,
            _ => return None,
        };
        i += 1;
        let first = i;
        let mut name = String::new();
        while i < range.end && self.toks[i].kind == TokKind::Ident {
            name.push_str(self.text(i));
            if is_type || self.text(i + 1) != "." {
                break;
            }
            name.push('.');
            i += 2;
        }
        if name.is_empty() || name.ends_with('.') {
            return None;
        }
        Some(Ident {
            name,
            span: self.tok_span(first).to(self.tok_span(i.min(range.end - 1))),
        })
    }

    /// The name a broken statement was declaring (`node NAME`, `param NAME`, ...).
    fn declared_in_stmt(&self, range: Range) -> Option<Ident> {
        let mut i = range.start;
        while self.toks.get(i).is_some_and(|t| t.kind == TokKind::Doc) {
            i += 1;
        }
        if !matches!(self.text(i), "node" | "param" | "output") {
            return None;
        }
        let t = *self.toks.get(i + 1).filter(|_| i + 1 < range.end)?;
        let name = t.text(self.src);
        (t.kind == TokKind::Ident && !lexer::is_keyword(name)).then(|| Ident {
            name: name.to_owned(),
            span: self.tok_span(i + 1),
        })
    }

    /// The workflow, and the junk after its closing brace (which belongs to the file).
    fn workflow(&mut self, w: &WorkflowPieces) -> (ast::Workflow, Option<Unparsed>) {
        let mut recovered = false;
        let keyword = (w.head.start..w.head.end)
            .find(|&i| self.toks[i].kind != TokKind::Doc)
            .unwrap_or(w.head.start);
        let head = self.piece(
            w.head,
            Rule::workflow_head,
            PieceKind::Header,
            |lower, entry| Some(lower.workflow_head(entry)),
        );
        let (doc, name) = match head {
            Some((doc, name)) => (doc, name),
            None => {
                recovered = true;
                // Keep the name if it is there, so the body is still checked under it.
                let t = self
                    .toks
                    .get(keyword + 1)
                    .filter(|t| t.kind == TokKind::Ident && keyword + 1 < w.head.end);
                let name = t
                    .filter(|t| !lexer::is_keyword(t.text(self.src)))
                    .map(|t| Ident {
                        name: t.text(self.src).to_owned(),
                        span: Span::new(t.start as usize, t.end as usize),
                    });
                (None, name)
            }
        };
        let name = name.unwrap_or_else(|| {
            let at = self.tok_span(keyword).end as usize;
            Ident {
                name: String::new(),
                span: Span::new(at, at),
            }
        });

        let mut body = Vec::new();
        let mut unparsed = Vec::new();
        for piece in &w.body {
            match *piece {
                BodyPiece::Stmt(range) => {
                    let quick = if self.fast {
                        fast::stmt(self.src, self.toks, range.start, range.end)
                    } else {
                        None
                    };
                    let stmt = quick.or_else(|| {
                        self.piece(
                            range,
                            Rule::stmt_only,
                            PieceKind::Statement,
                            |lower, entry| {
                                let inner = entry.into_inner().next()?;
                                lower.stmt(inner)
                            },
                        )
                    });
                    match stmt {
                        Some(s) => body.push(s),
                        None => {
                            recovered = true;
                            unparsed.push(Unparsed {
                                span: self.range_span(range),
                                declares: self.declared_in_stmt(range),
                            });
                        }
                    }
                }
                BodyPiece::Junk { first } => {
                    recovered = true;
                    unparsed.push(self.junk(first, true));
                }
            }
        }

        let last = w.close.unwrap_or(w.all.end.saturating_sub(1).max(keyword));
        let span = self
            .tok_span(w.all.start)
            .to(self.tok_span(last.min(self.toks.len() - 1)));
        if w.close.is_none() && w.opened {
            recovered = true;
            let end = self.tok_span(last.min(self.toks.len() - 1)).end as usize;
            let open = w.head.end - 1;
            let display = if name.name.is_empty() {
                "workflow".to_owned()
            } else {
                format!("workflow `{}`", name.name)
            };
            let found = lexer::describe(self.toks.get(w.all.end).copied(), self.src);
            self.diags.push(
                Diagnostic::new(
                    Code::E0001,
                    format!("expected `}}` to close {display}, found {found}"),
                    Span::new(end, end),
                    "expected `}`",
                )
                .with_label(self.tok_span(open), format!("{display} opens here"))
                .with_help("add `}` after the workflow's last statement"),
            );
        }
        let trailing = w.trailing.map(|first| self.junk(first, false));
        (
            ast::Workflow {
                doc,
                name,
                body,
                unparsed,
                span,
                recovered,
            },
            trailing,
        )
    }

    /// Reports tokens that start no item (`in_body` false) or no statement.
    fn junk(&mut self, first: usize, in_body: bool) -> Unparsed {
        let found = self.toks[first];
        let text = found.text(self.src);
        let span = self.tok_span(first);
        let desc = lexer::describe(Some(found), self.src);
        let next = self.text(first + 1);
        let d = if in_body {
            let help = if found.kind == TokKind::Ident && next == "=" {
                Some(format!(
                    "to declare a node, write `node {text} = KIND(...)`"
                ))
            } else if text == "let" || text == "var" || text == "const" {
                Some("declare a node with `node NAME = KIND(...)` or a param with `param NAME: TYPE = VALUE`".to_owned())
            } else if text == "when" || text == "with" {
                Some(format!(
                    "`{text}` belongs to the node statement before it; check that statement for an earlier error"
                ))
            } else {
                None
            };
            Diagnostic::new(
                Code::E0001,
                format!(
                    "expected a statement (`param`, `schedule`, `node` or `output`), found {desc}"
                ),
                span,
                "expected a statement",
            )
            .with_help_opt(help)
        } else {
            let help = match text {
                "param" | "schedule" | "node" | "output" => Some(format!(
                    "`{text}` statements belong inside a workflow: `workflow NAME {{ ... }}`"
                )),
                "}" => Some("this `}` closes nothing; remove it".to_owned()),
                _ => None,
            };
            Diagnostic::new(
                Code::E0001,
                format!("expected an item (`workflow`, `extern` or `use`), found {desc}"),
                span,
                "expected an item",
            )
            .with_help_opt(help)
        };
        self.diags.push(d);
        Unparsed {
            span,
            declares: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_rule_accepts_what_the_pieces_accept() {
        let src = include_str!("../../../runtime/prelude.flow");
        assert!(FlowParser::parse(Rule::file, src).is_ok());
        let (_, diags) = parse(src);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_broken_statement_is_reported_once_and_the_rest_parses() {
        let src = "workflow w {\n  node a = f(x 1)\n  node b = g(y: 2)\n  output o = b.out\n}\n";
        let (file, diags) = parse(src);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "expected `:`, found `1`");
        let w = file.workflows().next().expect("a workflow");
        assert_eq!(w.body.len(), 2);
        assert!(w.recovered);
        assert_eq!(
            w.unparsed[0].declares.as_ref().map(|i| i.name.as_str()),
            Some("a")
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let deep = format!(
            "workflow w {{ output o = {}1{} }}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let (_, diags) = parse(&deep);
        assert_eq!(diags.len(), 1);
        let long = format!("workflow w {{ output o = 1{} }}", " + 1".repeat(100_000));
        let (_, diags) = parse(&long);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("nested"));
    }
}
