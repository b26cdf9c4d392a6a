//! Typing of expressions: names resolved, operators checked, literals lowered.
//!
//! The rules (LANGUAGE.md, plus this compiler's documented extensions):
//! - arithmetic `+ - * /` takes two `f64` or two `i64`; `+` also joins two `String`s, and
//!   `+ -` add and subtract two `Duration`s;
//! - `< <= > >=` compare two `f64`, `i64`, `String` or `Duration`; `== !=` also two
//!   `bool`; domain values are not comparable;
//! - `and or not` take `bool`;
//! - an integer literal (or an expression made only of integer literals) may stand where
//!   an `f64` is expected, and is then lowered to [`ExprKind::F64`]; nothing else converts.
//!
//! An expression that is wrong is reported once, at the smallest span that is wrong, and
//! typed as `None` so that the expressions around it stay quiet.

use std::cell::Cell;
use std::collections::HashMap;

use super::library::KindDecl;
use super::suggest::{did_you_mean, list};
use crate::ast::{self, BinaryOp as AstBin, ExprKind as Ast, UnaryOp as AstUn};
use crate::diagnostics::{Code, Diagnostic};
use crate::graph::{
    BinaryOp, Builtin, Expr, ExprKind, NodeId, ParamId, Prev, PrevId, Type, UnaryOp,
};
use crate::source::FileId;
use crate::span::Span;

/// What a name in a workflow stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Binding {
    Param(u32),
    Node(u32),
    /// Declared by a statement that did not parse: uses are not reported again.
    Broken,
}

#[derive(Debug)]
pub(super) struct ParamSig {
    pub ty: Option<Type>,
}

#[derive(Debug)]
pub(super) struct NodeSig<'a> {
    pub name: &'a str,
    /// `None` when the kind is unknown (already reported).
    pub kind: Option<&'a KindDecl>,
    /// The node's name in its statement, for labels on "the other end" of an edge.
    pub name_span: Span,
}

/// The names of one workflow.
#[derive(Debug)]
pub(super) struct Names<'a> {
    pub map: HashMap<&'a str, Binding>,
    pub params: Vec<ParamSig>,
    pub nodes: Vec<NodeSig<'a>>,
    /// How many more unknown names may get a did-you-mean.
    pub suggestions_left: Cell<u32>,
}

impl Default for Names<'_> {
    fn default() -> Self {
        Names {
            map: HashMap::new(),
            params: Vec::new(),
            nodes: Vec::new(),
            suggestions_left: Cell::new(64),
        }
    }
}

/// One reference `n.port` from a node (through an argument or `when`): an edge.
#[derive(Debug, Clone)]
pub(super) struct Edge {
    pub reader: u32,
    pub source: u32,
    pub span: Span,
    /// The output port read.
    pub port: u32,
}

/// What expressions read, collected while typing.
#[derive(Debug, Default)]
pub(super) struct Reads {
    pub params_used: Vec<bool>,
    /// Per node (source order), the output ports read, in the order first read.
    pub used_outputs: Vec<Vec<u32>>,
    pub edges: Vec<Edge>,
}

/// Where an expression stands, which decides what it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A node's argument or `when` (node index in source order): may read nodes, params
    /// and `prev`; each node read is an edge.
    Node(u32),
    /// An `output`: may read nodes, params and `prev`.
    Output,
    /// The default of the param with this index: literals, earlier params, built-ins.
    ParamDefault(u32),
    /// The initial value of a `prev`: constants and params.
    PrevInit,
    /// Literals only (port defaults, `with` values, the schedule); the text names the
    /// place for messages.
    Literal(&'static str),
}

impl Place {
    fn reads_nodes(self) -> bool {
        matches!(self, Place::Node(_) | Place::Output)
    }

    /// What this place is, for "... must be constant" messages.
    fn what(self) -> &'static str {
        match self {
            Place::ParamDefault(_) => "a param's default",
            Place::PrevInit => "the initial value of `prev`",
            Place::Literal(what) => what,
            Place::Node(_) | Place::Output => "this expression",
        }
    }
}

/// A typed expression, remembering whether it is made only of integer literals (and so
/// may still become an `f64`).
#[derive(Debug, Clone)]
pub(super) struct Typed {
    pub expr: Expr,
    pub int_lit: bool,
}

/// Whether `typed` fits where `want` is expected, converting integer literals to `f64`.
pub(super) fn coerce(typed: Typed, want: &Type) -> Result<Expr, Typed> {
    if &typed.expr.ty == want {
        return Ok(typed.expr);
    }
    if *want == Type::F64 && typed.int_lit {
        return Ok(to_f64(typed.expr));
    }
    Err(typed)
}

/// Rewrites an integer-literal expression as `f64`.
fn to_f64(mut e: Expr) -> Expr {
    e.ty = Type::F64;
    e.kind = match e.kind {
        ExprKind::I64(n) => ExprKind::F64(n as f64),
        ExprKind::Unary { op, operand } => ExprKind::Unary {
            op,
            operand: Box::new(to_f64(*operand)),
        },
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op,
            lhs: Box::new(to_f64(*lhs)),
            rhs: Box::new(to_f64(*rhs)),
        },
        ExprKind::Call { builtin, args } => ExprKind::Call {
            builtin,
            args: args.into_iter().map(to_f64).collect(),
        },
        other => other,
    };
    e
}

/// Brings two operands to one type where an integer literal meets an `f64`.
fn unify(a: Typed, b: Typed) -> (Typed, Typed) {
    match (&a.expr.ty, &b.expr.ty) {
        (Type::F64, Type::I64) if b.int_lit => {
            let b = Typed {
                expr: to_f64(b.expr),
                int_lit: false,
            };
            (a, b)
        }
        (Type::I64, Type::F64) if a.int_lit => {
            let a = Typed {
                expr: to_f64(a.expr),
                int_lit: false,
            };
            (a, b)
        }
        _ => (a, b),
    }
}

/// A help line for a value of type `found` where `want` is expected.
pub(super) fn conversion_help(want: &Type, found: &Type, source: &ast::Expr) -> Option<String> {
    let literal = |e: &ast::Expr| match &e.kind {
        Ast::Int(n) => Some(n.to_string()),
        Ast::Float(x) => Some(x.to_string()),
        _ => None,
    };
    Some(match (want, found) {
        (Type::Duration, Type::I64 | Type::F64) => match literal(source) {
            Some(n) => {
                format!("durations need a unit: write `{n}s` or `{n}ms` (units: `ms s m h d`)")
            }
            None => "durations need a unit, as in `250ms`, `2s` or `5m`".to_owned(),
        },
        (Type::I64, Type::F64) => match &source.kind {
            Ast::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                format!("write an integer: `{}`", *x as i64)
            }
            _ => "an `f64` does not convert to `i64`; give an integer".to_owned(),
        },
        (Type::F64, Type::I64) => {
            "only integer literals stand for `f64`; an `i64` value does not convert implicitly"
                .to_owned()
        }
        (Type::String, _) => "strings are written in double quotes, as in `\"BTCUSDT\"`".to_owned(),
        (Type::Bool, Type::F64 | Type::I64) => {
            "compare the number to get a `bool`, as in `x > 0`".to_owned()
        }
        (Type::F64 | Type::I64, Type::String) => {
            "numbers are written without quotes, as in `0.01`".to_owned()
        }
        _ => return None,
    })
}

pub(super) struct Typer<'a, 'n> {
    pub diags: &'a mut Vec<Diagnostic>,
    pub names: Option<&'a Names<'n>>,
    pub reads: &'a mut Reads,
    pub prevs: &'a mut Vec<Prev>,
    pub place: Place,
    /// Set when an expression holds something already reported (an invalid literal, a
    /// name declared by a broken statement): no new error, but no graph either.
    pub poisoned: bool,
    /// How many `prev(...)` we are inside: reads there are not edges.
    in_prev: u32,
}

impl<'a, 'n> Typer<'a, 'n> {
    pub fn new(
        diags: &'a mut Vec<Diagnostic>,
        names: Option<&'a Names<'n>>,
        reads: &'a mut Reads,
        prevs: &'a mut Vec<Prev>,
        place: Place,
    ) -> Self {
        Typer {
            diags,
            names,
            reads,
            prevs,
            place,
            poisoned: false,
            in_prev: 0,
        }
    }

    fn report(&mut self, d: Diagnostic) -> Option<Typed> {
        self.diags.push(d);
        None
    }

    fn typed(kind: ExprKind, ty: Type, span: Span) -> Option<Typed> {
        Some(Typed {
            expr: Expr { ty, kind, span },
            int_lit: false,
        })
    }

    /// Types an expression; `None` after reporting (or when it holds an earlier error).
    pub fn check(&mut self, e: &ast::Expr) -> Option<Typed> {
        let span = e.span;
        match &e.kind {
            Ast::Int(n) => match i64::try_from(*n) {
                Ok(v) => Some(Typed {
                    expr: Expr {
                        ty: Type::I64,
                        kind: ExprKind::I64(v),
                        span,
                    },
                    int_lit: true,
                }),
                Err(_) => self.report(
                    Diagnostic::new(
                        Code::E0402,
                        format!("integer literal `{n}` is out of range"),
                        span,
                        "too large for i64",
                    )
                    .with_help(format!("the largest i64 is {}", i64::MAX)),
                ),
            },
            Ast::Float(x) => Self::typed(ExprKind::F64(*x), Type::F64, span),
            Ast::Str(s) => Self::typed(ExprKind::String(s.clone()), Type::String, span),
            Ast::Bool(b) => Self::typed(ExprKind::Bool(*b), Type::Bool, span),
            Ast::Duration(ms) => Self::typed(ExprKind::Duration(*ms), Type::Duration, span),
            Ast::Error => {
                self.poisoned = true;
                None
            }
            Ast::Paren(inner) => {
                let mut t = self.check(inner)?;
                t.expr.span = span;
                Some(t)
            }
            Ast::Ref(path) => self.reference(path, span),
            Ast::Unary {
                op,
                op_span,
                operand,
            } => self.unary(*op, *op_span, operand, span),
            Ast::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, *op_span, lhs, rhs, span),
            Ast::Call { func, args } => self.call(func, args, span),
            Ast::Prev { keyword, args } => self.prev(*keyword, args, span),
        }
    }

    // -----------------------------------------------------------------------------------
    // Names
    // -----------------------------------------------------------------------------------

    /// The names visible here, for did-you-mean. Each call costs a pass over every
    /// name, so a workflow gets a budget of them (a generated flow with thousands of
    /// unknown names must not take quadratic time); past it, no suggestions.
    fn visible(&self) -> Vec<&'n str> {
        let mut out: Vec<&'n str> = vec!["inf"];
        if let Some(names) = self.names {
            let left = names.suggestions_left.get();
            if left == 0 {
                return Vec::new();
            }
            names.suggestions_left.set(left - 1);
            for (&name, &b) in &names.map {
                let ok = match (b, self.place) {
                    (Binding::Param(i), Place::ParamDefault(before)) => i < before,
                    (Binding::Param(_), Place::Literal(_)) => false,
                    (Binding::Param(_), _) => true,
                    (Binding::Node(_), p) => p.reads_nodes(),
                    (Binding::Broken, _) => false,
                };
                if ok {
                    out.push(name);
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn reference(&mut self, path: &ast::Path, span: Span) -> Option<Typed> {
        let first = path.segments.first()?;
        if path.segments.len() > 2 {
            let third = &path.segments[2];
            return self.report(
                Diagnostic::new(
                    Code::E0104,
                    format!("`{}` is not a port reference", path.dotted()),
                    third.span,
                    "a port has no fields",
                )
                .with_help(format!(
                    "read a port as `node.port`, e.g. `{}.{}`",
                    first.name, path.segments[1].name
                )),
            );
        }
        let binding = self
            .names
            .and_then(|n| n.map.get(first.name.as_str()).copied());
        match binding {
            None if first.name == "inf" && path.segments.len() == 1 => {
                Self::typed(ExprKind::F64(f64::INFINITY), Type::F64, span)
            }
            None => {
                let visible = self.visible();
                let suggestion = did_you_mean(&first.name, visible.iter().copied());
                let what = if self.place.reads_nodes() {
                    "node or param"
                } else if matches!(self.place, Place::Literal(_)) {
                    "constant"
                } else {
                    "param"
                };
                let lower = first.name.to_ascii_lowercase();
                let help = match suggestion {
                    _ if lower == "true" || lower == "false" => {
                        Some(format!("the booleans are written `{lower}`"))
                    }
                    Some(s) => Some(format!("did you mean `{s}`?")),
                    None if matches!(self.place, Place::Literal(_)) => Some(format!(
                        "{} may use only literals and `inf`",
                        self.place.what()
                    )),
                    None if self.place.reads_nodes() => Some(format!(
                        "declare it first, e.g. `param {}: f64 = 0`",
                        first.name
                    )),
                    None => None,
                };
                self.report(
                    Diagnostic::new(
                        Code::E0105,
                        format!("unknown name `{}`: no such {what}", first.name),
                        first.span,
                        "not found",
                    )
                    .with_help_opt(help),
                )
            }
            Some(Binding::Broken) => {
                self.poisoned = true;
                None
            }
            Some(Binding::Param(i)) => {
                if path.segments.len() == 2 {
                    return self.report(
                        Diagnostic::new(
                            Code::E0104,
                            format!(
                                "`{}` is a param, not a node: it has no output ports",
                                first.name
                            ),
                            path.segments[1].span,
                            "params have no ports",
                        )
                        .with_help(format!("read the param's value as `{}`", first.name)),
                    );
                }
                match self.place {
                    Place::ParamDefault(before) if i >= before => {
                        return self.report(
                            Diagnostic::new(
                                Code::E0105,
                                format!("param `{}` is used before it is declared", first.name),
                                first.span,
                                "declared further down",
                            )
                            .with_help(format!("a param's default may read only params declared above it; move `param {}` up", first.name)),
                        );
                    }
                    Place::Literal(what) => {
                        return self.report(
                            Diagnostic::new(
                                Code::E0202,
                                format!(
                                    "{what} must be a literal, but `{}` is a param",
                                    first.name
                                ),
                                first.span,
                                "not a literal",
                            )
                            .with_help(
                                "params can be overridden at run time; write the value itself",
                            ),
                        );
                    }
                    _ => {}
                }
                let names = self.names?;
                let ty = names.params.get(i as usize)?.ty.clone();
                if let Some(used) = self.reads.params_used.get_mut(i as usize) {
                    *used = true;
                }
                match ty {
                    Some(ty) => Self::typed(ExprKind::Param(ParamId(i)), ty, span),
                    None => {
                        self.poisoned = true;
                        None
                    }
                }
            }
            Some(Binding::Node(i)) => {
                let names = self.names?;
                let node = names.nodes.get(i as usize)?;
                if !self.place.reads_nodes() {
                    return self.report(
                        Diagnostic::new(
                            Code::E0202,
                            format!("{} must be constant, but `{}` is a node", self.place.what(), first.name),
                            first.span,
                            "a node's value is known only during a tick",
                        )
                        .with_help("use a literal or a param here, and read nodes in arguments, `when` and `output`"),
                    );
                }
                let Some(kind) = node.kind else {
                    self.poisoned = true;
                    return None;
                };
                let port = match path.segments.get(1) {
                    Some(port_name) => match kind
                        .kind
                        .outputs
                        .iter()
                        .position(|p| p.name == port_name.name)
                    {
                        Some(p) => p,
                        None => {
                            let outs: Vec<&str> =
                                kind.kind.outputs.iter().map(|p| p.name.as_str()).collect();
                            let help = match did_you_mean(&port_name.name, outs.iter().copied()) {
                                Some(s) => format!("did you mean `{}.{s}`?", first.name),
                                None => format!(
                                    "`{}` has the output ports {}",
                                    kind.kind.dotted(),
                                    list(&outs)
                                ),
                            };
                            let d = Diagnostic::new(
                                Code::E0104,
                                format!(
                                    "node `{}` ({}) has no output port `{}`",
                                    first.name,
                                    kind.kind.dotted(),
                                    port_name.name
                                ),
                                port_name.span,
                                "unknown port",
                            )
                            .with_label(
                                node.name_span,
                                format!("`{}` is a `{}`", first.name, kind.kind.dotted()),
                            )
                            .with_help(help);
                            return self.report(d);
                        }
                    },
                    None if kind.kind.outputs.len() == 1 => 0,
                    None => {
                        let outs: Vec<String> = kind
                            .kind
                            .outputs
                            .iter()
                            .map(|p| format!("{}.{}", first.name, p.name))
                            .collect();
                        let outs: Vec<&str> = outs.iter().map(String::as_str).collect();
                        return self.report(
                            Diagnostic::new(
                                Code::E0104,
                                format!(
                                    "node `{}` ({}) has {} output ports, so it must be read through one of them",
                                    first.name,
                                    kind.kind.dotted(),
                                    kind.kind.outputs.len()
                                ),
                                first.span,
                                "which port?",
                            )
                            .with_label(node.name_span, format!("`{}` is a `{}`", first.name, kind.kind.dotted()))
                            .with_help(format!("write one of {}", list(&outs))),
                        );
                    }
                };
                let ty = kind.kind.outputs[port].ty.clone();
                if let Some(used) = self.reads.used_outputs.get_mut(i as usize)
                    && !used.contains(&(port as u32))
                {
                    used.push(port as u32);
                }
                if let (Place::Node(reader), 0) = (self.place, self.in_prev) {
                    self.reads.edges.push(Edge {
                        reader,
                        source: i,
                        span,
                        port: port as u32,
                    });
                }
                Self::typed(
                    ExprKind::Port {
                        node: NodeId(i),
                        port: port as u32,
                    },
                    ty,
                    span,
                )
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Operators
    // -----------------------------------------------------------------------------------

    fn unary(
        &mut self,
        op: AstUn,
        op_span: Span,
        operand: &ast::Expr,
        span: Span,
    ) -> Option<Typed> {
        // A negated literal is folded, so `-9223372036854775808` fits and `-inf` is a constant.
        if op == AstUn::Neg {
            match &operand.kind {
                Ast::Int(n) if *n <= i64::MAX as u64 + 1 => {
                    let v = (*n as i128).wrapping_neg() as i64;
                    return Some(Typed {
                        expr: Expr {
                            ty: Type::I64,
                            kind: ExprKind::I64(v),
                            span,
                        },
                        int_lit: true,
                    });
                }
                Ast::Float(x) => return Self::typed(ExprKind::F64(-x), Type::F64, span),
                _ => {}
            }
        }
        let t = self.check(operand)?;
        match op {
            AstUn::Neg => {
                if let ExprKind::F64(x) = t.expr.kind {
                    return Self::typed(ExprKind::F64(-x), Type::F64, span);
                }
                if !matches!(t.expr.ty, Type::F64 | Type::I64) {
                    return self.report(
                        Diagnostic::new(
                            Code::E0200,
                            format!(
                                "type mismatch: `-` needs a number, found {}",
                                t.expr.ty.name()
                            ),
                            operand.span,
                            format!("this is {}", t.expr.ty.name()),
                        )
                        .with_label(op_span, "negated here"),
                    );
                }
                let ty = t.expr.ty.clone();
                Some(Typed {
                    expr: Expr {
                        ty,
                        kind: ExprKind::Unary {
                            op: UnaryOp::Neg,
                            operand: Box::new(t.expr),
                        },
                        span,
                    },
                    int_lit: t.int_lit,
                })
            }
            AstUn::Not => {
                if t.expr.ty != Type::Bool {
                    let help = conversion_help(&Type::Bool, &t.expr.ty, operand);
                    return self.report(
                        Diagnostic::new(
                            Code::E0200,
                            format!(
                                "type mismatch: `not` needs a bool, found {}",
                                t.expr.ty.name()
                            ),
                            operand.span,
                            format!("this is {}", t.expr.ty.name()),
                        )
                        .with_label(op_span, "`not` applies to bool")
                        .with_help_opt(help),
                    );
                }
                Self::typed(
                    ExprKind::Unary {
                        op: UnaryOp::Not,
                        operand: Box::new(t.expr),
                    },
                    Type::Bool,
                    span,
                )
            }
        }
    }

    fn binary(
        &mut self,
        op: AstBin,
        op_span: Span,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> Option<Typed> {
        let l = self.check(lhs);
        let r = self.check(rhs);
        let (l, r) = unify(l?, r?);
        let sym = op.symbol();
        let (lt, rt) = (l.expr.ty.clone(), r.expr.ty.clone());
        let gop = graph_op(op);
        let result = |l: Typed, r: Typed, ty: Type, int_lit: bool| {
            let kind = ExprKind::Binary {
                op: gop,
                lhs: Box::new(l.expr),
                rhs: Box::new(r.expr),
            };
            Some(Typed {
                expr: Expr { ty, kind, span },
                int_lit,
            })
        };
        match op {
            AstBin::And | AstBin::Or => {
                let bad = if lt != Type::Bool {
                    Some((lhs, &lt))
                } else if rt != Type::Bool {
                    Some((rhs, &rt))
                } else {
                    None
                };
                if let Some((side, ty)) = bad {
                    let help = conversion_help(&Type::Bool, ty, side);
                    return self.report(
                        Diagnostic::new(
                            Code::E0200,
                            format!(
                                "type mismatch: `{sym}` needs bool operands, found {}",
                                ty.name()
                            ),
                            side.span,
                            format!("this is {}, not bool", ty.name()),
                        )
                        .with_label(op_span, format!("`{sym}` combines two bools"))
                        .with_help_opt(help),
                    );
                }
                result(l, r, Type::Bool, false)
            }
            AstBin::Add | AstBin::Sub | AstBin::Mul | AstBin::Div => {
                let ok = lt == rt
                    && match lt {
                        Type::F64 | Type::I64 => true,
                        Type::String => op == AstBin::Add,
                        Type::Duration => matches!(op, AstBin::Add | AstBin::Sub),
                        _ => false,
                    };
                if ok {
                    let int_lit = l.int_lit && r.int_lit;
                    return result(l, r, lt, int_lit);
                }
                let verb = match op {
                    AstBin::Add => "add",
                    AstBin::Sub => "subtract",
                    AstBin::Mul => "multiply",
                    _ => "divide",
                };
                let help = if lt == rt {
                    match lt {
                        Type::String => Some("strings can only be joined with `+`".to_owned()),
                        Type::Duration => {
                            Some("durations can only be added and subtracted".to_owned())
                        }
                        _ => None,
                    }
                } else if matches!((&lt, &rt), (Type::F64, Type::I64) | (Type::I64, Type::F64)) {
                    Some("both sides must have the same numeric type: an `i64` value does not convert to `f64` implicitly (only integer literals do)".to_owned())
                } else {
                    None
                };
                self.report(
                    Diagnostic::new(
                        Code::E0200,
                        format!(
                            "type mismatch: cannot {verb} {} and {}",
                            lt.name(),
                            rt.name()
                        ),
                        op_span,
                        format!("no `{sym}` for {} and {}", lt.name(), rt.name()),
                    )
                    .with_label(lhs.span, format!("this is {}", lt.name()))
                    .with_label(rhs.span, format!("this is {}", rt.name()))
                    .with_help_opt(help),
                )
            }
            _ => {
                let equality = matches!(op, AstBin::Eq | AstBin::Ne);
                let comparable = |t: &Type| match t {
                    Type::F64 | Type::I64 | Type::String | Type::Duration => true,
                    Type::Bool => equality,
                    Type::Domain(_) => false,
                };
                if lt == rt && comparable(&lt) {
                    return result(l, r, Type::Bool, false);
                }
                let (message, help) = if lt == rt {
                    (
                        format!(
                            "type mismatch: {} values cannot be compared with `{sym}`",
                            lt.name()
                        ),
                        (lt == Type::Bool)
                            .then(|| "bools compare only with `==` and `!=`".to_owned()),
                    )
                } else {
                    (
                        format!(
                            "type mismatch: cannot compare {} with {}",
                            lt.name(),
                            rt.name()
                        ),
                        Some("both sides of a comparison must have the same type".to_owned()),
                    )
                };
                self.report(
                    Diagnostic::new(
                        Code::E0200,
                        message,
                        op_span,
                        format!("`{sym}` of {} and {}", lt.name(), rt.name()),
                    )
                    .with_label(lhs.span, format!("this is {}", lt.name()))
                    .with_label(rhs.span, format!("this is {}", rt.name()))
                    .with_help_opt(help),
                )
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Calls
    // -----------------------------------------------------------------------------------

    fn arity(&mut self, name: &str, want: usize, got: usize, span: Span, usage: &str) -> bool {
        if want == got {
            return true;
        }
        let s = if want == 1 { "" } else { "s" };
        self.diags.push(
            Diagnostic::new(
                Code::E0203,
                format!(
                    "`{name}` takes {want} argument{s} but {got} {} given",
                    if got == 1 { "was" } else { "were" }
                ),
                span,
                format!("expected {want} argument{s}"),
            )
            .with_help(format!("write `{usage}`")),
        );
        false
    }

    fn call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Typed> {
        let (builtin, want, usage) = match func.name.as_str() {
            "abs" => (Builtin::Abs, 1, "abs(x)"),
            "min" => (Builtin::Min, 2, "min(a, b)"),
            "max" => (Builtin::Max, 2, "max(a, b)"),
            other => {
                let help = match did_you_mean(other, ["abs", "min", "max", "prev"]) {
                    Some(s) => format!("did you mean `{s}`? The built-in functions are `abs(x)`, `min(a, b)`, `max(a, b)` and `prev(expr, init)`"),
                    None => "the built-in functions are `abs(x)`, `min(a, b)`, `max(a, b)` and `prev(expr, init)`; node kinds are used in `node` statements".to_owned(),
                };
                return self.report(
                    Diagnostic::new(
                        Code::E0105,
                        format!("unknown function `{other}`"),
                        func.span,
                        "no such function",
                    )
                    .with_help(help),
                );
            }
        };
        let typed: Vec<Option<Typed>> = args.iter().map(|a| self.check(a)).collect();
        if !self.arity(&func.name, want, args.len(), span, usage) {
            return None;
        }
        let mut typed: Vec<Typed> = typed.into_iter().collect::<Option<_>>()?;
        if typed.len() == 2 {
            let b = typed.pop()?;
            let a = typed.pop()?;
            let (a, b) = unify(a, b);
            typed = vec![a, b];
        }
        let ty = typed[0].expr.ty.clone();
        for (t, a) in typed.iter().zip(args) {
            if !matches!(t.expr.ty, Type::F64 | Type::I64) || t.expr.ty != ty {
                let found = t.expr.ty.name();
                let message = if matches!(t.expr.ty, Type::F64 | Type::I64) {
                    format!(
                        "type mismatch: `{}` needs two numbers of one type, found {} and {found}",
                        func.name,
                        ty.name()
                    )
                } else {
                    format!(
                        "type mismatch: `{}` needs a number, found {found}",
                        func.name
                    )
                };
                return self.report(Diagnostic::new(
                    Code::E0200,
                    message,
                    a.span,
                    format!("this is {found}"),
                ));
            }
        }
        let int_lit = typed.iter().all(|t| t.int_lit);
        let args = typed.into_iter().map(|t| t.expr).collect();
        Some(Typed {
            expr: Expr {
                ty,
                kind: ExprKind::Call { builtin, args },
                span,
            },
            int_lit,
        })
    }

    fn prev(&mut self, keyword: Span, args: &[ast::Expr], span: Span) -> Option<Typed> {
        if !self.place.reads_nodes() {
            return self.report(
                Diagnostic::new(
                    Code::E0202,
                    format!(
                        "{} must be constant, but `prev` changes from tick to tick",
                        self.place.what()
                    ),
                    keyword,
                    "not constant",
                )
                .with_help("use `prev` in node arguments, `when` conditions and outputs"),
            );
        }
        if !self.arity("prev", 2, args.len(), span, "prev(expr, init)") {
            return None;
        }
        self.in_prev += 1;
        let value = self.check(&args[0]);
        self.in_prev -= 1;
        let saved = self.place;
        self.place = Place::PrevInit;
        let init = self.check(&args[1]);
        self.place = saved;
        let (value, init) = unify(value?, init?);
        let ty = value.expr.ty.clone();
        let init = match coerce(init, &ty) {
            Ok(e) => e,
            Err(init) => {
                let help = conversion_help(&ty, &init.expr.ty, &args[1]);
                return self.report(
                    Diagnostic::new(
                        Code::E0200,
                        format!(
                            "type mismatch: `prev` starts from {}, but its value is {}",
                            init.expr.ty.name(),
                            ty.name()
                        ),
                        args[1].span,
                        format!("expected {}, found {}", ty.name(), init.expr.ty.name()),
                    )
                    .with_label(args[0].span, format!("this is {}", ty.name()))
                    .with_help_opt(help),
                );
            }
        };
        let id = PrevId(self.prevs.len() as u32);
        self.prevs.push(Prev {
            id,
            ty: ty.clone(),
            expr: value.expr,
            init,
        });
        Self::typed(ExprKind::Prev(id), ty, span)
    }
}

fn graph_op(op: AstBin) -> BinaryOp {
    match op {
        AstBin::Add => BinaryOp::Add,
        AstBin::Sub => BinaryOp::Sub,
        AstBin::Mul => BinaryOp::Mul,
        AstBin::Div => BinaryOp::Div,
        AstBin::Lt => BinaryOp::Lt,
        AstBin::Le => BinaryOp::Le,
        AstBin::Gt => BinaryOp::Gt,
        AstBin::Ge => BinaryOp::Ge,
        AstBin::Eq => BinaryOp::Eq,
        AstBin::Ne => BinaryOp::Ne,
        AstBin::And => BinaryOp::And,
        AstBin::Or => BinaryOp::Or,
    }
}

/// A diagnostic for a value of the wrong type at `value`, with a label on the place the
/// expected type comes from (`origin`, possibly in another file).
pub(super) fn mismatch(
    message: String,
    want: &Type,
    found: &Typed,
    value: &ast::Expr,
    origin: Option<(FileId, Span, String)>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0200,
        message,
        value.span,
        format!("expected {}, found {}", want.name(), found.expr.ty.name()),
    )
    .with_help_opt(conversion_help(want, &found.expr.ty, value));
    if let Some((file, span, label)) = origin {
        d = d.with_label_in(file, span, label);
    }
    d
}
