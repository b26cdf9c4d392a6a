//! The fast path: a hand-written parser for well-formed statements.
//!
//! The pest grammar is the language's definition and the source of every syntax error,
//! but pest 2.9 checks the native stack on every combinator call and costs about 100,000
//! instructions per node statement: too slow for a 10,000-node flow, which must check in
//! well under 100 ms. Statements are parsed here first, from the boundary scan's tokens,
//! into exactly the AST the grammar's lowering would build, spans included. The moment
//! anything is not plainly well-formed (an error, a literal that needs a diagnostic, a
//! string with escapes, deep nesting) this parser gives up and the statement goes to pest,
//! which reports it. So the fast path never decides what is valid, only how quickly valid
//! statements are read; a differential test (`tests/robustness.rs`) holds it to the grammar
//! by comparing both parsers' output on every case file and on random input.

use super::lexer::{Tok, TokKind, is_keyword};
use super::lower::{
    MAX_EXPR_DEPTH, Op, binary_op, is_comparison, is_comparison_expr, number_literal, precedence,
};
use crate::ast::*;
use crate::span::Span;

/// Brackets deeper than this go to pest (whose pre-check reports the truly deep ones).
const MAX_DEPTH: usize = 32;

/// Parses the statement in `toks[first..end]`, or `None` to let pest decide.
pub(crate) fn stmt(src: &str, toks: &[Tok], first: usize, end: usize) -> Option<Stmt> {
    let mut p = Fast {
        src,
        toks,
        i: first,
        end,
        nesting: 0,
    };
    let stmt = p.stmt()?;
    (p.i == end).then_some(stmt)
}

struct Fast<'a> {
    src: &'a str,
    toks: &'a [Tok],
    i: usize,
    end: usize,
    nesting: usize,
}

fn span(t: Tok) -> Span {
    Span {
        start: t.start,
        end: t.end,
    }
}

impl Fast<'_> {
    fn peek(&self) -> Option<Tok> {
        (self.i < self.end).then(|| self.toks[self.i])
    }

    fn bump(&mut self) -> Option<Tok> {
        let t = self.peek()?;
        self.i += 1;
        Some(t)
    }

    fn punct(&mut self, p: &str) -> Option<Tok> {
        let t = self.peek()?;
        if t.kind == TokKind::Punct && t.text(self.src) == p {
            self.i += 1;
            Some(t)
        } else {
            None
        }
    }

    fn at_punct(&self, p: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == TokKind::Punct && t.text(self.src) == p)
    }

    fn keyword(&mut self, k: &str) -> Option<Tok> {
        let t = self.peek()?;
        if t.kind == TokKind::Ident && t.text(self.src) == k {
            self.i += 1;
            Some(t)
        } else {
            None
        }
    }

    /// Any identifier token, keywords included (a path segment after a dot).
    fn segment(&mut self) -> Option<Ident> {
        let t = self.peek()?;
        if t.kind != TokKind::Ident {
            return None;
        }
        self.i += 1;
        Some(Ident {
            name: t.text(self.src).to_owned(),
            span: span(t),
        })
    }

    /// An identifier that is not a keyword.
    fn ident(&mut self) -> Option<Ident> {
        let t = self.peek()?;
        if t.kind != TokKind::Ident || is_keyword(t.text(self.src)) {
            return None;
        }
        self.segment()
    }

    fn path(&mut self) -> Option<Path> {
        let first = self.ident()?;
        let mut segments = vec![first];
        while self.at_punct(".")
            && self
                .toks
                .get(self.i + 1)
                .is_some_and(|t| self.i + 1 < self.end && t.kind == TokKind::Ident)
        {
            self.i += 1;
            segments.push(self.segment()?);
        }
        let span = segments[0].span.to(segments[segments.len() - 1].span);
        Some(Path { segments, span })
    }

    fn docs(&mut self) -> Option<Doc> {
        let start = self.i;
        while self.peek().is_some_and(|t| t.kind == TokKind::Doc) {
            self.i += 1;
        }
        if start == self.i {
            return None;
        }
        let lines: Vec<&str> = self.toks[start..self.i]
            .iter()
            .map(|t| {
                let text = &t.text(self.src)[3..];
                let text = text.strip_prefix(' ').unwrap_or(text);
                text.strip_suffix('\r').unwrap_or(text)
            })
            .collect();
        Some(Doc {
            text: lines.join("\n"),
            span: span(self.toks[start]).to(span(self.toks[self.i - 1])),
        })
    }

    fn stmt(&mut self) -> Option<Stmt> {
        let first = self.peek()?;
        let doc = self.docs();
        let keyword = self.peek()?;
        let stmt = match keyword.text(self.src) {
            "node" => {
                self.bump();
                let name = self.ident()?;
                self.punct("=")?;
                let kind = self.path()?;
                let open = self.punct("(")?;
                let mut args = Vec::new();
                while !self.at_punct(")") {
                    let name = self.ident()?;
                    self.punct(":")?;
                    let value = self.expr()?;
                    let span = name.span.to(value.span);
                    args.push(Arg { name, value, span });
                    if self.punct(",").is_none() {
                        break;
                    }
                }
                let close = self.punct(")")?;
                let args_span = span(open).to(span(close));
                let when = match self.keyword("when") {
                    Some(_) => Some(self.expr()?),
                    None => None,
                };
                let with = match self.keyword("with") {
                    Some(kw) => {
                        self.punct("{")?;
                        let mut entries = Vec::new();
                        while !self.at_punct("}") {
                            let key = self.ident()?;
                            self.punct(":")?;
                            let value = self.expr()?;
                            let span = key.span.to(value.span);
                            entries.push(WithEntry { key, value, span });
                            if self.punct(",").is_none() {
                                break;
                            }
                        }
                        let close = self.punct("}")?;
                        Some(With {
                            entries,
                            span: span(kw).to(span(close)),
                        })
                    }
                    None => None,
                };
                let end = self.toks[self.i - 1];
                Stmt::Node(Node {
                    doc,
                    name,
                    kind,
                    args,
                    args_span,
                    when,
                    with,
                    span: span(first).to(span(end)),
                })
            }
            "param" => {
                self.bump();
                let name = self.ident()?;
                self.punct(":")?;
                let ty = self.ident()?;
                let default = match self.punct("=") {
                    Some(_) => Some(self.expr()?),
                    None => None,
                };
                let end = self.toks[self.i - 1];
                Stmt::Param(Param {
                    doc,
                    name,
                    ty,
                    default,
                    span: span(first).to(span(end)),
                })
            }
            "output" => {
                self.bump();
                let name = self.ident()?;
                self.punct("=")?;
                let value = self.expr()?;
                let end = self.toks[self.i - 1];
                Stmt::Output(Output {
                    doc,
                    name,
                    value,
                    span: span(first).to(span(end)),
                })
            }
            "schedule" => {
                self.bump();
                let kind = if self.keyword("once").is_some() {
                    ScheduleKind::Once
                } else {
                    self.keyword("every")?;
                    ScheduleKind::Every(self.expr()?)
                };
                let end = self.toks[self.i - 1];
                Stmt::Schedule(Schedule {
                    kind,
                    span: span(first).to(span(end)),
                })
            }
            _ => return None,
        };
        Some(stmt)
    }

    fn expr(&mut self) -> Option<Expr> {
        self.expr_depth().map(|(e, _)| e)
    }

    /// The same shunting-yard as the lowering of the grammar's flat `expr` rule.
    fn expr_depth(&mut self) -> Option<(Expr, usize)> {
        let mut operands: Vec<(Expr, usize)> = Vec::new();
        let mut ops: Vec<Op> = Vec::new();
        loop {
            // Prefix operators, then an operand.
            loop {
                let t = self.peek()?;
                match (t.kind, t.text(self.src)) {
                    (TokKind::Ident, "not") => ops.push(Op::Prefix(UnaryOp::Not, span(t))),
                    (TokKind::Punct, "-") => ops.push(Op::Prefix(UnaryOp::Neg, span(t))),
                    _ => break,
                }
                self.i += 1;
            }
            operands.push(self.primary()?);
            let Some(t) = self.peek() else { break };
            let op = match (t.kind, t.text(self.src)) {
                (TokKind::Ident, text @ ("and" | "or")) | (TokKind::Punct, text) => binary_op(text),
                _ => None,
            };
            let Some(op) = op else { break };
            self.i += 1;
            while ops.last().is_some_and(|top| top.prec() >= precedence(op)) {
                reduce(&mut operands, &mut ops)?;
            }
            ops.push(Op::Infix(op, span(t)));
        }
        while !ops.is_empty() {
            reduce(&mut operands, &mut ops)?;
        }
        let result = operands.pop()?;
        operands.is_empty().then_some(result)
    }

    fn call_args(&mut self) -> Option<(Vec<Expr>, usize, Tok)> {
        self.punct("(")?;
        let mut args = Vec::new();
        let mut depth = 1;
        while !self.at_punct(")") {
            let (e, d) = self.nested()?;
            depth = depth.max(d + 1);
            args.push(e);
            if self.punct(",").is_none() {
                break;
            }
        }
        let close = self.punct(")")?;
        (depth <= MAX_EXPR_DEPTH).then_some((args, depth, close))
    }

    /// An expression inside brackets, with the nesting bounded.
    fn nested(&mut self) -> Option<(Expr, usize)> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return None;
        }
        let result = self.expr_depth();
        self.nesting -= 1;
        result
    }

    fn primary(&mut self) -> Option<(Expr, usize)> {
        let t = self.peek()?;
        let text = t.text(self.src);
        let sp = span(t);
        let leaf = |kind| Some((Expr { kind, span: sp }, 1));
        match t.kind {
            TokKind::Number => {
                self.i += 1;
                leaf(number_literal(text, sp).ok()?)
            }
            TokKind::Str { terminated: true } if !text.contains('\\') => {
                self.i += 1;
                leaf(ExprKind::Str(text[1..text.len() - 1].to_owned()))
            }
            TokKind::Ident if text == "true" || text == "false" => {
                self.i += 1;
                leaf(ExprKind::Bool(text == "true"))
            }
            TokKind::Punct if text == "(" => {
                self.i += 1;
                let (inner, depth) = self.nested()?;
                let close = self.punct(")")?;
                let e = Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: sp.to(span(close)),
                };
                Some((e, depth + 1))
            }
            TokKind::Ident if text == "prev" => {
                self.i += 1;
                let (args, depth, close) = self.call_args()?;
                Some((
                    Expr {
                        kind: ExprKind::Prev { keyword: sp, args },
                        span: sp.to(span(close)),
                    },
                    depth,
                ))
            }
            TokKind::Ident => {
                let path = self.path()?;
                if !self.at_punct("(") {
                    let span = path.span;
                    return Some((
                        Expr {
                            kind: ExprKind::Ref(path),
                            span,
                        },
                        1,
                    ));
                }
                let (args, depth, close) = self.call_args()?;
                let [func]: [Ident; 1] = path.segments.try_into().ok()?;
                let span = func.span.to(span(close));
                Some((
                    Expr {
                        kind: ExprKind::Call { func, args },
                        span,
                    },
                    depth,
                ))
            }
            _ => None,
        }
    }
}

/// Applies the operator on top of `ops`, as the lowering does; `None` where the lowering
/// would report an error.
fn reduce(operands: &mut Vec<(Expr, usize)>, ops: &mut Vec<Op>) -> Option<()> {
    match ops.pop()? {
        Op::Prefix(op, op_span) => {
            let (operand, depth) = operands.pop()?;
            if depth + 1 > MAX_EXPR_DEPTH {
                return None;
            }
            let whole = op_span.to(operand.span);
            operands.push((
                Expr {
                    kind: ExprKind::Unary {
                        op,
                        op_span,
                        operand: Box::new(operand),
                    },
                    span: whole,
                },
                depth + 1,
            ));
        }
        Op::Infix(op, op_span) => {
            let (rhs, rd) = operands.pop()?;
            let (lhs, ld) = operands.pop()?;
            let depth = ld.max(rd) + 1;
            if depth > MAX_EXPR_DEPTH
                || (is_comparison(op) && (is_comparison_expr(&lhs) || is_comparison_expr(&rhs)))
            {
                return None;
            }
            let whole = lhs.span.to(rhs.span);
            operands.push((
                Expr {
                    kind: ExprKind::Binary {
                        op,
                        op_span,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span: whole,
                },
                depth,
            ));
        }
    }
    Some(())
}
