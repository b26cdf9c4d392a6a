//! Lowering of pest pairs into the AST, with the checks of literals (E0402).
//!
//! Each piece is parsed from a slice of the file, so every span is shifted by the slice's
//! offset. Punctuation and keyword pairs exist only to make pest's errors precise; the
//! lowering skips them.

use pest::iterators::Pair;

use super::Rule;
use crate::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;

/// Expressions deeper than this are refused: checking and dropping them recurses, and no
/// readable program comes near it.
pub(crate) const MAX_EXPR_DEPTH: usize = 256;

pub(crate) struct Lower<'d> {
    /// Where the parsed slice starts in the file.
    pub base: u32,
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
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base as usize + s.start(), self.base as usize + s.end())
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
                        _ => {}
                    }
                }
                Some(Item::ExternNode(ExternNode {
                    doc,
                    class,
                    path: path?,
                    inputs,
                    outputs,
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
            Rule::expr => match children(pair).next() {
                Some(inner) => self.expr_depth(inner),
                None => self.error(span),
            },
            Rule::or_expr | Rule::and_expr | Rule::sum | Rule::product | Rule::cmp_expr => {
                self.binary_chain(pair)
            }
            Rule::not_expr | Rule::unary => self.prefix_chain(pair),
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
            Rule::prev_call | Rule::call => {
                let rule = pair.as_rule();
                let mut it = pair.into_inner();
                let head = it.next();
                let mut args = Vec::new();
                let mut depth = 1;
                if let Some(call_args) = it.find(|p| p.as_rule() == Rule::call_args) {
                    for a in children(call_args) {
                        let (e, d) = self.expr_depth(a);
                        depth = depth.max(d + 1);
                        args.push(e);
                    }
                }
                let kind = match (rule, head) {
                    (Rule::call, Some(func)) => ExprKind::Call {
                        func: self.ident(func),
                        args,
                    },
                    (_, Some(kw)) => ExprKind::Prev {
                        keyword: self.span(&kw),
                        args,
                    },
                    (_, None) => return self.error(span),
                };
                if depth > MAX_EXPR_DEPTH {
                    return self.too_deep(span);
                }
                (Expr { kind, span }, depth)
            }
            Rule::reference => match children(pair).next() {
                Some(path) => (
                    Expr {
                        kind: ExprKind::Ref(self.path(path)),
                        span,
                    },
                    1,
                ),
                None => self.error(span),
            },
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

    /// `a op b op c ...`, folded to the left.
    fn binary_chain(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = self.span(&pair);
        let mut it = pair.into_inner();
        let Some(first) = it.next() else {
            return self.error(span);
        };
        let (mut acc, mut depth) = self.expr_depth(first);
        while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
            let op_span = self.span(&op);
            let Some(op) = binary_op(op.as_str()) else {
                return self.error(span);
            };
            let (rhs, rd) = self.expr_depth(rhs);
            depth = depth.max(rd) + 1;
            if depth > MAX_EXPR_DEPTH {
                return self.too_deep(span);
            }
            let whole = acc.span.to(rhs.span);
            acc = Expr {
                kind: ExprKind::Binary {
                    op,
                    op_span,
                    lhs: Box::new(acc),
                    rhs: Box::new(rhs),
                },
                span: whole,
            };
        }
        (acc, depth)
    }

    /// `not not x` or `- - x`: prefix operators applied innermost first.
    fn prefix_chain(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = self.span(&pair);
        let mut ops = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::op_not => ops.push((UnaryOp::Not, self.span(&p))),
                Rule::op_neg => ops.push((UnaryOp::Neg, self.span(&p))),
                _ => operand = Some(p),
            }
        }
        let Some(operand) = operand else {
            return self.error(span);
        };
        let (mut acc, mut depth) = self.expr_depth(operand);
        for (op, op_span) in ops.into_iter().rev() {
            depth += 1;
            if depth > MAX_EXPR_DEPTH {
                return self.too_deep(span);
            }
            let whole = op_span.to(acc.span);
            acc = Expr {
                kind: ExprKind::Unary {
                    op,
                    op_span,
                    operand: Box::new(acc),
                },
                span: whole,
            };
        }
        (acc, depth)
    }

    // -----------------------------------------------------------------------------------
    // Literals
    // -----------------------------------------------------------------------------------

    fn invalid(&mut self, span: Span, message: String, label: &str, help: Option<String>) -> Expr {
        self.diags
            .push(Diagnostic::new(Code::E0402, message, span, label).with_help_opt(help));
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// A number, with an optional unit suffix making it a duration.
    fn number(&mut self, text: &str, span: Span) -> Expr {
        let num = split_number(text);
        let digits: String = text[..num.end].chars().filter(|&c| c != '_').collect();
        let suffix = &text[num.end..];
        if suffix.is_empty() {
            if num.fraction || num.exponent {
                return match digits.parse::<f64>() {
                    Ok(x) if x.is_finite() => Expr {
                        kind: ExprKind::Float(x),
                        span,
                    },
                    _ => self.invalid(
                        span,
                        format!("float literal `{text}` is out of range"),
                        "too large for f64",
                        Some(
                            "the largest f64 is about 1.8e308; for an unbounded value use `inf`"
                                .to_owned(),
                        ),
                    ),
                };
            }
            return match digits.parse::<u64>() {
                Ok(n) => Expr {
                    kind: ExprKind::Int(n),
                    span,
                },
                Err(_) => self.invalid(
                    span,
                    format!("integer literal `{text}` is out of range"),
                    "too large for i64",
                    Some(format!(
                        "the largest i64 is {}; for a larger number write a float such as `{}.0`",
                        i64::MAX,
                        digits
                    )),
                ),
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
            let suffix_span = Span::new(span.start as usize + num.end, span.end as usize);
            let label = if help.starts_with("numbers") {
                "not a decimal number"
            } else {
                "unknown unit"
            };
            return self.invalid(suffix_span, message, label, Some(help));
        };
        match duration_millis(&digits, unit_ms) {
            Ok(ms) => Expr {
                kind: ExprKind::Duration(ms),
                span,
            },
            Err(DurationError::Fraction) => {
                // The whole milliseconds on either side, for a concrete suggestion.
                let ms = digits.parse::<f64>().unwrap_or(0.0) * unit_ms as f64;
                let help = format!(
                    "durations count whole milliseconds: write `{}ms` or `{}ms`",
                    ms.floor() as u64,
                    ms.ceil() as u64
                );
                self.invalid(
                    span,
                    format!("duration `{text}` is not a whole number of milliseconds"),
                    "finer than a millisecond",
                    Some(help),
                )
            }
            Err(DurationError::Overflow) => self.invalid(
                span,
                format!("duration `{text}` is out of range"),
                "too long",
                Some(format!("the longest duration is {}ms", u64::MAX)),
            ),
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

fn binary_op(text: &str) -> Option<BinaryOp> {
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
fn unit_suggestion(unit: &str) -> Option<&'static str> {
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
