//! Lowering of pest pairs into the AST, with the checks of literals (E0402).
//!
//! Each piece is parsed from a slice of the file, so every span is shifted by the slice's
//! offset. Punctuation and keyword pairs exist only to make pest's errors precise; the
//! lowering skips them.

use pest::iterators::Pair;

use super::Rule;
use super::lexer::Tok;
use crate::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;

/// Expressions deeper than this are refused: checking and dropping them recurses, and no
/// readable program comes near it.
pub(crate) const MAX_EXPR_DEPTH: usize = 256;

pub(crate) struct Lower<'d> {
    /// Where the parsed slice starts in the file.
    pub base: u32,
    /// The file's tokens (without comments), to trim spans to the tokens they cover.
    pub toks: &'d [Tok],
    pub diags: &'d mut Vec<Diagnostic>,
    /// Whether this piece already reported an over-deep expression (once is enough).
    pub too_deep: bool,
}

fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::comma
            | Rule::colon
            | Rule::assign
            | Rule::arrow
            | Rule::dot
            | Rule::lparen
            | Rule::rparen
            | Rule::lbrace
            | Rule::rbrace
            | Rule::kw_workflow
            | Rule::kw_param
            | Rule::kw_schedule
            | Rule::kw_every
            | Rule::kw_once
            | Rule::kw_node
            | Rule::kw_when
            | Rule::kw_with
            | Rule::kw_output
            | Rule::kw_extern
            | Rule::kw_use
            | Rule::kw_type
            | Rule::kw_prev
            | Rule::EOI
    )
}

/// The meaningful children of a pair.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_token(p.as_rule()))
}

impl Lower<'_> {
    /// The span of a pair, ending at its last token. (pest's spans can end after the
    /// whitespace and comments that follow a rule; a label should not.)
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start() as u32;
        let end = self.base + s.end() as u32;
        let last = self.toks.partition_point(|t| t.start < end);
        let trimmed = match last.checked_sub(1).map(|i| self.toks[i]) {
            Some(t) if t.end >= start => t.end.min(end),
            _ => start,
        };
        Span {
            start,
            end: trimmed,
        }
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span(&pair);
        Path {
            segments: children(pair).map(|p| self.ident(p)).collect(),
            span,
        }
    }

    /// `= rust::path` after an `extern node` (the `binding` rule).
    fn binding(&self, pair: Pair<'_, Rule>) -> Option<RustPath> {
        let path = children(pair).find(|p| p.as_rule() == Rule::rust_path)?;
        let span = self.span(&path);
        let mut global = false;
        let mut segments = Vec::new();
        for p in path.into_inner() {
            match p.as_rule() {
                Rule::path_sep => global |= segments.is_empty(),
                _ => segments.push(self.ident(p)),
            }
        }
        Some(RustPath {
            global,
            segments,
            span,
        })
    }

    /// Folds a run of `doc` pairs into one [`Doc`]; `None` when there are none.
    fn docs(&self, docs: Vec<Pair<'_, Rule>>) -> Option<Doc> {
        let first = docs.first()?;
        let last = docs.last()?;
        let span = self.span(first).to(self.span(last));
        let lines: Vec<&str> = docs
            .iter()
            .map(|d| {
                let text = &d.as_str()[3..];
                let text = text.strip_prefix(' ').unwrap_or(text);
                text.strip_suffix('\r').unwrap_or(text)
            })
            .collect();
        Some(Doc {
            text: lines.join("\n"),
            span,
        })
    }

    /// Splits the leading doc pairs off a statement or item.
    fn split_docs<'i>(&self, pair: Pair<'i, Rule>) -> (Option<Doc>, Vec<Pair<'i, Rule>>) {
        let (docs, rest): (Vec<_>, Vec<_>) = children(pair).partition(|p| p.as_rule() == Rule::doc);
        (self.docs(docs), rest)
    }

    // -----------------------------------------------------------------------------------
    // Items and statements
    // -----------------------------------------------------------------------------------

    pub fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::extern_type => {
                let (doc, mut rest) = self.split_docs(pair);
                let name = self.ident(rest.pop()?);
                Some(Item::ExternType(ExternType { doc, name, span }))
            }
            Rule::extern_node => {
                let (doc, rest) = self.split_docs(pair);
                let mut class = NodeClass::Pure;
                let mut path = None;
                let mut inputs = Vec::new();
                let mut outputs = Vec::new();
                let mut binding = None;
                for p in rest {
                    match p.as_rule() {
                        Rule::node_class => {
                            class = if p.as_str() == "io" {
                                NodeClass::Io
                            } else {
                                NodeClass::Effect
                            };
                        }
                        Rule::path => path = Some(self.path(p)),
                        Rule::in_ports => inputs = children(p).map(|q| self.port(q)).collect(),
                        Rule::out_ports => outputs = children(p).map(|q| self.port(q)).collect(),
                        Rule::binding => binding = self.binding(p),
                        _ => {}
                    }
                }
                Some(Item::ExternNode(ExternNode {
                    doc,
                    class,
                    path: path?,
                    inputs,
                    outputs,
                    binding,
                    span,
                }))
            }
            Rule::use_decl => {
                let (_, mut rest) = self.split_docs(pair);
                let lit = rest.pop()?;
                let lit_span = self.span(&lit);
                let value = self.string(lit).unwrap_or_default();
                Some(Item::Use(Use {
                    path: StrLit {
                        value,
                        span: lit_span,
                    },
                    span,
                }))
            }
            _ => None,
        }
    }

    fn port(&mut self, pair: Pair<'_, Rule>) -> PortDecl {
        let span = self.span(&pair);
        let mut it = children(pair);
        let name = it.next().map(|p| self.ident(p));
        let ty = it.next().map(|p| self.ident(p));
        let default = it.next().map(|p| self.expr(p));
        let missing = || Ident {
            name: String::new(),
            span,
        };
        PortDecl {
            name: name.unwrap_or_else(missing),
            ty: ty.unwrap_or_else(missing),
            default,
            span,
        }
    }

    /// The doc comments and the name of a `workflow_head` pair.
    pub fn workflow_head(&mut self, pair: Pair<'_, Rule>) -> (Option<Doc>, Option<Ident>) {
        let (doc, rest) = self.split_docs(pair);
        let name = rest
            .into_iter()
            .find(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p));
        (doc, name)
    }

    pub fn stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let (doc, rest) = self.split_docs(pair);
        let mut rest = rest.into_iter();
        match rule {
            Rule::param => {
                let name = self.ident(rest.next()?);
                let ty = self.ident(rest.next()?);
                let default = rest.next().map(|p| self.expr(p));
                Some(Stmt::Param(Param {
                    doc,
                    name,
                    ty,
                    default,
                    span,
                }))
            }
            Rule::schedule => {
                let which = rest.next()?;
                let kind = match which.as_rule() {
                    Rule::every => ScheduleKind::Every(self.expr(children(which).next()?)),
                    _ => ScheduleKind::Once,
                };
                Some(Stmt::Schedule(Schedule { kind, span }))
            }
            Rule::node => {
                let name = self.ident(rest.next()?);
                let kind = self.path(rest.next()?);
                let args_pair = rest.next()?;
                let args_span = self.span(&args_pair);
                let args = children(args_pair).map(|a| self.arg(a)).collect();
                let mut when = None;
                let mut with = None;
                for p in rest {
                    match p.as_rule() {
                        Rule::when_clause => when = children(p).next().map(|e| self.expr(e)),
                        Rule::with_clause => {
                            let wspan = self.span(&p);
                            let entries = children(p).map(|e| self.with_entry(e)).collect();
                            with = Some(With {
                                entries,
                                span: wspan,
                            });
                        }
                        _ => {}
                    }
                }
                Some(Stmt::Node(Node {
                    doc,
                    name,
                    kind,
                    args,
                    args_span,
                    when,
                    with,
                    span,
                }))
            }
            Rule::output => {
                let name = self.ident(rest.next()?);
                let value = self.expr(rest.next()?);
                Some(Stmt::Output(Output {
                    doc,
                    name,
                    value,
                    span,
                }))
            }
            _ => None,
        }
    }

    fn arg(&mut self, pair: Pair<'_, Rule>) -> Arg {
        let span = self.span(&pair);
        let mut it = children(pair);
        let name = it.next().map(|p| self.ident(p));
        let value = it.next().map(|p| self.expr(p));
        Arg {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span,
            }),
            value: value.unwrap_or(Expr {
                kind: ExprKind::Error,
                span,
            }),
            span,
        }
    }

    fn with_entry(&mut self, pair: Pair<'_, Rule>) -> WithEntry {
        let Arg { name, value, span } = self.arg(pair);
        WithEntry {
            key: name,
            value,
            span,
        }
    }

    // -----------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------

    /// Lowers any expression-level pair.
    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.expr_depth(pair).0
    }

    fn error(&self, span: Span) -> (Expr, usize) {
        (
            Expr {
                kind: ExprKind::Error,
                span,
            },
            1,
        )
    }

    fn too_deep(&mut self, span: Span) -> (Expr, usize) {
        if !self.too_deep {
            self.too_deep = true;
            self.diags.push(
                Diagnostic::new(
                    Code::E0001,
                    format!("this expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
                    span,
                    "too deeply nested",
                )
                .with_help("split it: compute parts in separate nodes, or simplify it"),
            );
        }
        self.error(span)
    }

    /// Lowers an expression pair and returns it with its depth (a leaf is 1).
    fn expr_depth(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.flat(pair),
            Rule::paren => match children(pair).next() {
                Some(inner) => {
                    let (e, d) = self.expr_depth(inner);
                    (
                        Expr {
                            kind: ExprKind::Paren(Box::new(e)),
                            span,
                        },
                        d + 1,
                    )
                }
                None => self.error(span),
            },
            Rule::prev_call | Rule::reference => {
                let rule = pair.as_rule();
                let mut head = None;
                let mut call_args = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::call_args => call_args = Some(p),
                        Rule::kw_prev | Rule::path => head = Some(p),
                        _ => {}
                    }
                }
                let Some(head) = head else {
                    return self.error(span);
                };
                let head_span = self.span(&head);
                if rule == Rule::reference && call_args.is_none() {
                    return (
                        Expr {
                            kind: ExprKind::Ref(self.path(head)),
                            span,
                        },
                        1,
                    );
                }
                let mut args = Vec::new();
                let mut depth = 1;
                for a in call_args.into_iter().flat_map(children) {
                    let (e, d) = self.expr_depth(a);
                    depth = depth.max(d + 1);
                    args.push(e);
                }
                let kind = if rule == Rule::prev_call {
                    ExprKind::Prev {
                        keyword: head_span,
                        args,
                    }
                } else {
                    let path = self.path(head);
                    match <[Ident; 1]>::try_from(path.segments) {
                        Ok([func]) => ExprKind::Call { func, args },
                        Err(_) => {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0001,
                                    "only built-in functions can be called in an expression",
                                    head_span,
                                    "not a function",
                                )
                                .with_help("node kinds are used in `node NAME = KIND(...)` statements; the functions are `abs`, `min`, `max` and `prev`"),
                            );
                            return self.error(span);
                        }
                    }
                };
                if depth > MAX_EXPR_DEPTH {
                    return self.too_deep(span);
                }
                (Expr { kind, span }, depth)
            }
            Rule::number => (self.number(pair.as_str(), span), 1),
            Rule::string => {
                let kind = match self.string(pair) {
                    Some(s) => ExprKind::Str(s),
                    None => ExprKind::Error,
                };
                (Expr { kind, span }, 1)
            }
            Rule::boolean => (
                Expr {
                    kind: ExprKind::Bool(pair.as_str() == "true"),
                    span,
                },
                1,
            ),
            _ => self.error(span),
        }
    }

    /// Builds the tree of a flat `expr` (prefix operators, operands, infix operators) by
    /// precedence, with explicit stacks (shunting-yard) rather than recursion.
    fn flat(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = self.span(&pair);
        let mut operands: Vec<(Expr, usize)> = Vec::new();
        let mut ops: Vec<Op> = Vec::new();
        for p in pair.into_inner() {
            let rule = p.as_rule();
            let op_span = self.span(&p);
            match rule {
                Rule::op_not => ops.push(Op::Prefix(UnaryOp::Not, op_span)),
                Rule::op_neg => ops.push(Op::Prefix(UnaryOp::Neg, op_span)),
                Rule::op_or | Rule::op_and | Rule::op_cmp | Rule::op_add | Rule::op_mul => {
                    let Some(op) = binary_op(p.as_str()) else {
                        return self.error(span);
                    };
                    let prec = precedence(op);
                    // Left-associative: first apply whatever binds at least as tightly.
                    while ops.last().is_some_and(|top| top.prec() >= prec) {
                        if let Err(e) = self.reduce(&mut operands, &mut ops) {
                            return e;
                        }
                    }
                    ops.push(Op::Infix(op, op_span));
                }
                _ => {
                    let operand = self.expr_depth(p);
                    operands.push(operand);
                }
            }
        }
        while !ops.is_empty() {
            if let Err(e) = self.reduce(&mut operands, &mut ops) {
                return e;
            }
        }
        match (operands.pop(), operands.is_empty()) {
            (Some(result), true) => result,
            _ => self.error(span),
        }
    }

    /// Applies the operator on top of `ops` to the operands it takes.
    fn reduce(
        &mut self,
        operands: &mut Vec<(Expr, usize)>,
        ops: &mut Vec<Op>,
    ) -> Result<(), (Expr, usize)> {
        let fail = |this: &Self| this.error(Span::default());
        let Some(op) = ops.pop() else {
            return Err(fail(self));
        };
        match op {
            Op::Prefix(op, op_span) => {
                let Some((operand, depth)) = operands.pop() else {
                    return Err(fail(self));
                };
                if depth + 1 > MAX_EXPR_DEPTH {
                    return Err(self.too_deep(op_span.to(operand.span)));
                }
                let whole = op_span.to(operand.span);
                let e = Expr {
                    kind: ExprKind::Unary {
                        op,
                        op_span,
                        operand: Box::new(operand),
                    },
                    span: whole,
                };
                operands.push((e, depth + 1));
            }
            Op::Infix(op, op_span) => {
                let (Some((rhs, rd)), Some((lhs, ld))) = (operands.pop(), operands.pop()) else {
                    return Err(fail(self));
                };
                let whole = lhs.span.to(rhs.span);
                let depth = ld.max(rd) + 1;
                if depth > MAX_EXPR_DEPTH {
                    return Err(self.too_deep(whole));
                }
                if is_comparison(op) && (is_comparison_expr(&lhs) || is_comparison_expr(&rhs)) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0001,
                            "comparison operators cannot be chained",
                            op_span,
                            "second comparison",
                        )
                        .with_help("compare twice and join with `and`, as in `a < b and b < c`, or add parentheses"),
                    );
                    return Err(self.error(whole));
                }
                let e = Expr {
                    kind: ExprKind::Binary {
                        op,
                        op_span,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span: whole,
                };
                operands.push((e, depth));
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Literals
    // -----------------------------------------------------------------------------------

    fn number(&mut self, text: &str, span: Span) -> Expr {
        match number_literal(text, span) {
            Ok(kind) => Expr { kind, span },
            Err(d) => {
                self.diags.push(d);
                Expr {
                    kind: ExprKind::Error,
                    span,
                }
            }
        }
    }

    /// The value of a string literal with its escapes resolved; `None` (after reporting)
    /// when an escape is invalid.
    fn string(&mut self, pair: Pair<'_, Rule>) -> Option<String> {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let body = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        let body_start = span.start as usize + 1;
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        let mut ok = true;
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            let resolved = match e {
                '"' => Some('"'),
                '\\' => Some('\\'),
                'n' => Some('\n'),
                't' => Some('\t'),
                'r' => Some('\r'),
                '0' => Some('\0'),
                '\'' => Some('\''),
                'u' => {
                    let mut end = i + 2;
                    let mut value = None;
                    if chars.peek().map(|&(_, c)| c) == Some('{') {
                        let rest = &body[i + 2..];
                        if let Some(close) = rest.find('}') {
                            let hex = &rest[1..close];
                            end = i + 2 + close + 1;
                            if (1..=6).contains(&hex.len()) {
                                value = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                            }
                            while chars.peek().is_some_and(|&(j, _)| j < end) {
                                chars.next();
                            }
                        }
                    }
                    if value.is_none() {
                        let esc = Span::new(body_start + i, body_start + end);
                        self.diags.push(
                            Diagnostic::new(Code::E0402, "invalid unicode escape", esc, "not a unicode character")
                                .with_help("write a unicode escape as `\\u{1F600}`: 1 to 6 hex digits naming a character"),
                        );
                        ok = false;
                    }
                    value
                }
                _ => {
                    let esc = Span::new(body_start + i, body_start + i + 1 + e.len_utf8());
                    self.diags.push(
                        Diagnostic::new(Code::E0402, format!("unknown escape `\\{e}` in a string"), esc, "unknown escape")
                            .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\0`, `\\'` and `\\u{...}`; write a backslash as `\\\\`"),
                    );
                    ok = false;
                    None
                }
            };
            if let Some(r) = resolved {
                out.push(r);
            }
        }
        ok.then_some(out)
    }
}

/// An operator waiting on the shunting-yard stack.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    Prefix(UnaryOp, Span),
    Infix(BinaryOp, Span),
}

impl Op {
    pub(crate) fn prec(self) -> u8 {
        match self {
            Op::Prefix(UnaryOp::Not, _) => 3,
            Op::Prefix(UnaryOp::Neg, _) => 7,
            Op::Infix(op, _) => precedence(op),
        }
    }
}

/// How tightly an infix operator binds; prefix `not` is 3 and prefix `-` is 7.
pub(crate) fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne => {
            4
        }
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div => 6,
    }
}

pub(crate) fn is_comparison(op: BinaryOp) -> bool {
    precedence(op) == 4
}

/// An unparenthesised comparison (parentheses make chaining explicit, and allowed).
pub(crate) fn is_comparison_expr(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Binary { op, .. } if is_comparison(*op))
}

fn invalid(span: Span, message: String, label: &str, help: Option<String>) -> Diagnostic {
    Diagnostic::new(Code::E0402, message, span, label).with_help_opt(help)
}

/// A number literal's value, with an optional unit suffix making it a duration; an
/// invalid literal (E0402) as the error.
pub(crate) fn number_literal(text: &str, span: Span) -> Result<ExprKind, Diagnostic> {
    // The common case first: plain decimal digits (a node's `period: 14`).
    if text.len() < 20
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = text.parse::<u64>()
    {
        return Ok(ExprKind::Int(n));
    }
    let num = split_number(text);
    let digits: std::borrow::Cow<'_, str> = if text[..num.end].contains('_') {
        text[..num.end]
            .chars()
            .filter(|&c| c != '_')
            .collect::<String>()
            .into()
    } else {
        text[..num.end].into()
    };
    let suffix = &text[num.end..];
    if suffix.is_empty() {
        if num.fraction || num.exponent {
            return match digits.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(ExprKind::Float(x)),
                _ => Err(invalid(
                    span,
                    format!("float literal `{text}` is out of range"),
                    "too large for f64",
                    Some(
                        "the largest f64 is about 1.8e308; for an unbounded value use `inf`"
                            .to_owned(),
                    ),
                )),
            };
        }
        return match digits.parse::<u64>() {
            Ok(n) => Ok(ExprKind::Int(n)),
            Err(_) => Err(invalid(
                span,
                format!("integer literal `{text}` is out of range"),
                "too large for i64",
                Some(format!(
                    "the largest i64 is {}; for a larger number write a float such as `{}.0`",
                    i64::MAX,
                    digits
                )),
            )),
        };
    }
    let Some(unit_ms) = unit_millis(suffix) else {
        let (message, help) = if text.starts_with('0')
            && (suffix.starts_with('x') || suffix.starts_with('b') || suffix.starts_with('o'))
        {
            (
                format!("`{text}` is not a valid literal"),
                "numbers are written in decimal".to_owned(),
            )
        } else if let Some(unit) = unit_suggestion(suffix) {
            (
                format!("unknown duration unit `{suffix}` in `{text}`"),
                format!("write `{}{unit}`", &text[..num.end]),
            )
        } else {
            (
                format!("unknown duration unit `{suffix}` in `{text}`"),
                "the duration units are `ms`, `s`, `m`, `h` and `d`, as in `250ms` or `5m`"
                    .to_owned(),
            )
        };
        // The whole literal, as rustc marks a literal with an invalid suffix.
        let label = if help.starts_with("numbers") {
            "not a decimal number".to_owned()
        } else {
            format!("unknown unit `{suffix}`")
        };
        return Err(invalid(span, message, &label, Some(help)));
    };
    match duration_millis(&digits, unit_ms) {
        Ok(ms) => Ok(ExprKind::Duration(ms)),
        Err(DurationError::Fraction) => {
            // The whole milliseconds on either side, for a concrete suggestion.
            let ms = digits.parse::<f64>().unwrap_or(0.0) * unit_ms as f64;
            let help = format!(
                "durations count whole milliseconds: write `{}ms` or `{}ms`",
                ms.floor() as u64,
                ms.ceil() as u64
            );
            Err(invalid(
                span,
                format!("duration `{text}` is not a whole number of milliseconds"),
                "finer than a millisecond",
                Some(help),
            ))
        }
        Err(DurationError::Overflow) => Err(invalid(
            span,
            format!("duration `{text}` is out of range"),
            "too long",
            Some(format!("the longest duration is {}ms", u64::MAX)),
        )),
    }
}

pub(crate) fn binary_op(text: &str) -> Option<BinaryOp> {
    Some(match text {
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "and" => BinaryOp::And,
        "or" => BinaryOp::Or,
        _ => return None,
    })
}

/// Where the numeric part of a number token ends, and what it has.
struct NumberParts {
    end: usize,
    fraction: bool,
    exponent: bool,
}

fn split_number(text: &str) -> NumberParts {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    let mut fraction = false;
    let mut exponent = false;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
        fraction = true;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1 + sign);
            exponent = true;
        }
    }
    NumberParts {
        end: i,
        fraction,
        exponent,
    }
}

fn unit_millis(unit: &str) -> Option<u64> {
    Some(match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    })
}

/// The unit someone probably meant by a common spelling.
pub(crate) fn unit_suggestion(unit: &str) -> Option<&'static str> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" | "mls" => "ms",
        "sec" | "secs" | "second" | "seconds" | "sc" => "s",
        "min" | "mins" | "minute" | "minutes" => "m",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "day" | "days" => "d",
        "ms" => "ms",
        "s" => "s",
        "m" => "m",
        "h" => "h",
        "d" => "d",
        _ => return None,
    })
}

#[derive(Debug, PartialEq, Eq)]
enum DurationError {
    Fraction,
    Overflow,
}

/// Exact decimal arithmetic: `digits` (no underscores; may have a fraction and an
/// exponent) times `unit_ms`, which must come out a whole number of milliseconds.
fn duration_millis(digits: &str, unit_ms: u64) -> Result<u64, DurationError> {
    let (mantissa, exp) = match digits.find(['e', 'E']) {
        Some(i) => (
            &digits[..i],
            digits[i + 1..]
                .parse::<i64>()
                .map_err(|_| DurationError::Overflow)?,
        ),
        None => (digits, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value: u128 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(c - b'0')))
            .ok_or(DurationError::Overflow)?;
    }
    value = value
        .checked_mul(u128::from(unit_ms))
        .ok_or(DurationError::Overflow)?;
    let scale = exp - frac.len() as i64;
    if scale >= 0 {
        for _ in 0..scale {
            if value == 0 {
                break;
            }
            value = value.checked_mul(10).ok_or(DurationError::Overflow)?;
        }
    } else {
        for _ in 0..(-scale).min(64) {
            if !value.is_multiple_of(10) {
                return Err(DurationError::Fraction);
            }
            value /= 10;
        }
        if -scale > 64 && value != 0 {
            return Err(DurationError::Fraction);
        }
    }
    u64::try_from(value).map_err(|_| DurationError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_exact() {
        assert_eq!(duration_millis("250", 1), Ok(250));
        assert_eq!(duration_millis("1.5", 1_000), Ok(1_500));
        assert_eq!(duration_millis("1e3", 1), Ok(1_000));
        assert_eq!(duration_millis("1e-3", 1_000), Ok(1));
        assert_eq!(
            duration_millis("0.0001", 1_000),
            Err(DurationError::Fraction)
        );
        assert_eq!(
            duration_millis("1.0005", 1_000),
            Err(DurationError::Fraction)
        );
        assert_eq!(duration_millis("0.5", 60_000), Ok(30_000));
        assert_eq!(
            duration_millis("99999999999999999999", 86_400_000),
            Err(DurationError::Overflow)
        );
        assert_eq!(duration_millis("0e999999", 1), Ok(0));
    }

    #[test]
    fn number_parts() {
        let p = split_number("1.5e-3ms");
        assert_eq!((p.end, p.fraction, p.exponent), (6, true, true));
        let p = split_number("1em");
        assert_eq!((p.end, p.fraction, p.exponent), (1, false, false));
    }
}
