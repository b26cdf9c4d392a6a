//! The syntax tree of a `.flow` file: what `parse` produces and `check`, the formatter and
//! the language server read.
//!
//! It is a plain value type: no pest types, no references into the source text. Every
//! node carries the byte [`Span`] it was parsed from, names and keys included, so that
//! each diagnostic can point at the smallest piece of text that is wrong.

use crate::span::Span;

/// A parsed file: its items in source order, and the spans of its plain `//` comments
/// (which the formatter must keep).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
    pub comments: Vec<Span>,
    /// Declarations that did not parse (each is reported once).
    pub unparsed: Vec<Unparsed>,
    pub span: Span,
}

/// A piece of text that did not parse and was skipped. When it was recognisably the
/// declaration of a name (a node, param, output, node kind or type), `declares` holds it
/// so the checker does not report every use of that name as unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    pub span: Span,
    pub declares: Option<Ident>,
}

impl File {
    pub fn workflows(&self) -> impl Iterator<Item = &Workflow> {
        self.items.iter().filter_map(|item| match item {
            Item::Workflow(w) => Some(w),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Workflow(Workflow),
    ExternType(ExternType),
    ExternNode(ExternNode),
    Use(Use),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Workflow(w) => w.span,
            Item::ExternType(t) => t.span,
            Item::ExternNode(n) => n.span,
            Item::Use(u) => u.span,
        }
    }
}

/// A name as written: an identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A dotted path such as `binance.price` or `rsi.value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The segments joined with dots, as written without whitespace.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&seg.name);
        }
        out
    }
}

/// The `///` comment lines before a declaration, without the slashes (and without one
/// space after them), joined with `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// `workflow NAME { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    pub doc: Option<Doc>,
    /// Empty (with an empty span) when the header was too broken to find the name.
    pub name: Ident,
    pub body: Vec<Stmt>,
    /// Statements that did not parse and were skipped.
    pub unparsed: Vec<Unparsed>,
    pub span: Span,
    /// Some part of the workflow did not parse and was skipped (its error is reported):
    /// a statement, the header or the closing brace. The checker still reports what it
    /// finds in the rest, but builds no graph from it.
    pub recovered: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Param(Param),
    Schedule(Schedule),
    Node(Node),
    Output(Output),
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Param(p) => p.span,
            Stmt::Schedule(s) => s.span,
            Stmt::Node(n) => n.span,
            Stmt::Output(o) => o.span,
        }
    }
}

/// `param NAME: TYPE [= EXPR]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub ty: Ident,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `schedule every DURATION` or `schedule once`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub kind: ScheduleKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleKind {
    Once,
    Every(Expr),
}

/// `node NAME = KIND(ARG: EXPR, ...) [when EXPR] [with { KEY: VALUE, ... }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub kind: Path,
    pub args: Vec<Arg>,
    /// The parenthesised argument list, parentheses included.
    pub args_span: Span,
    pub when: Option<Expr>,
    pub with: Option<With>,
    pub span: Span,
}

/// `NAME: EXPR` in a node's argument list.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `with { KEY: VALUE, ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct With {
    pub entries: Vec<WithEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WithEntry {
    pub key: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `output NAME = EXPR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `extern type NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternType {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub span: Span,
}

/// What running a node kind does beyond computing its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeClass {
    /// `extern node`: a pure computation (it may keep state across ticks).
    #[default]
    Pure,
    /// `extern io node`: does I/O; generated code awaits it.
    Io,
    /// `extern effect node`: has side effects; refused while halted, never unused.
    Effect,
}

/// `extern [io|effect] node PATH(PORTS) -> (PORTS)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternNode {
    pub doc: Option<Doc>,
    pub class: NodeClass,
    pub path: Path,
    pub inputs: Vec<PortDecl>,
    pub outputs: Vec<PortDecl>,
    /// `= path::to::Type`: the Rust type implementing the kind (the `workflow!` macro's
    /// user nodes); `None` for kinds the runtime implements.
    pub binding: Option<RustPath>,
    pub span: Span,
}

/// A Rust path as written after `extern node ... =`, e.g. `crate::signals::MySignal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustPath {
    /// Written with a leading `::`.
    pub global: bool,
    pub segments: Vec<Ident>,
    pub span: Span,
}

/// `NAME: TYPE [= DEFAULT]` in an `extern node` declaration (outputs have no default).
#[derive(Debug, Clone, PartialEq)]
pub struct PortDecl {
    pub name: Ident,
    pub ty: Ident,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `use "relative/path.flow"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal; its sign is a separate [`UnaryOp::Neg`], so the magnitude may
    /// exceed `i64::MAX` by one (`-9223372036854775808`), and the checker decides.
    Int(u64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// A duration literal, in milliseconds.
    Duration(u64),
    /// A name (`pair`, `px`, `inf`) or a port reference (`px.price`).
    Ref(Path),
    Unary {
        op: UnaryOp,
        op_span: Span,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// A call of a built-in function such as `abs(x)`.
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    /// `prev(EXPR, INIT)`; the arity is the checker's to verify.
    Prev {
        keyword: Span,
        args: Vec<Expr>,
    },
    Paren(Box<Expr>),
    /// Something already reported as an error (an invalid literal); checks stay quiet on it.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}
