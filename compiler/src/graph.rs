//! The checked graph: what `check` produces and `codegen` consumes.
//!
//! Everything here is resolved and typed: kinds point at their prelude declaration, every
//! input port of every node has an expression (defaults filled in), every expression has a
//! type, and the nodes are in a topological order grouped into stages. A `CheckedGraph`
//! exists only for a workflow that checked without errors, so code generation can rely on
//! all of it and never fails on user input.

use crate::span::Span;

/// Index of a node in [`CheckedGraph::nodes`] (which is in topological order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// Index of a param in [`CheckedGraph::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub u32);

/// Index of a `prev(...)` cell in [`CheckedGraph::prevs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrevId(pub u32);

/// A Flow type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    F64,
    I64,
    Bool,
    String,
    Duration,
    /// A domain type declared with `extern type` (e.g. `OrderBook`).
    Domain(String),
}

impl Type {
    /// The name as written in Flow source (`f64`, `OrderBook`, ...).
    pub fn name(&self) -> &str {
        match self {
            Type::F64 => "f64",
            Type::I64 => "i64",
            Type::Bool => "bool",
            Type::String => "String",
            Type::Duration => "Duration",
            Type::Domain(name) => name,
        }
    }
}

/// How often the workflow ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// `schedule once` (the default): one tick unless `--ticks` says otherwise.
    Once,
    /// `schedule every DURATION`, in milliseconds (always > 0 once checked).
    Every { millis: u64 },
}

/// A checked workflow.
#[derive(Debug, Clone)]
pub struct CheckedGraph {
    pub name: String,
    /// The `///` doc comment of the workflow, lines joined with `\n`, without the slashes.
    pub doc: Option<String>,
    pub span: Span,
    pub schedule: Schedule,
    pub params: Vec<Param>,
    /// In topological order: every node comes after all nodes it reads from this tick.
    pub nodes: Vec<Node>,
    /// `stages[i]` holds the nodes whose longest path from a source is `i`; nodes of one
    /// stage do not read each other and may run concurrently. Every node is in one stage.
    pub stages: Vec<Vec<NodeId>>,
    pub prevs: Vec<Prev>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    /// A constant expression (literals, other params declared earlier, built-ins).
    pub default: Option<Expr>,
    pub span: Span,
}

/// What the checker knows about a node kind, from its `extern node` declaration.
#[derive(Debug, Clone)]
pub struct Kind {
    /// The dotted path split at the dots, e.g. `["binance", "order_book"]`.
    pub path: Vec<String>,
    pub doc: Option<String>,
    /// Declared `io` (or `effect`): generated code awaits it.
    pub io: bool,
    /// Declared `effect`: refused while halted; never unused.
    pub effect: bool,
    pub inputs: Vec<PortDecl>,
    pub outputs: Vec<PortDecl>,
}

impl Kind {
    /// The dotted path, e.g. `binance.order_book`.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

#[derive(Debug, Clone)]
pub struct PortDecl {
    pub name: String,
    pub ty: Type,
    /// The declared default, for input ports that have one.
    pub default: Option<Expr>,
}

/// Run policy from `with { ... }`; `None` where the key is absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Extra attempts after the first (`retry: 3` means up to 4 calls).
    pub retry: Option<u32>,
    pub backoff_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    /// Consecutive failures that open the circuit breaker.
    pub breaker: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: NodeId,
    /// The name after `node`, e.g. `rsi`.
    pub name: String,
    pub doc: Option<String>,
    pub kind: Kind,
    /// One entry per input port of `kind`, in the kind's declared port order; ports the
    /// user omitted carry the declared default.
    pub args: Vec<Arg>,
    pub when: Option<Expr>,
    pub policy: Policy,
    /// Nodes this node reads from this tick (through args or `when`, not through `prev`),
    /// sorted and without duplicates.
    pub deps: Vec<NodeId>,
    /// The stage this node is in.
    pub stage: u32,
    /// Indices of the output ports some expression reads (for W0001 and dead-value pruning).
    pub used_outputs: Vec<u32>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Arg {
    /// The input port's name.
    pub port: String,
    pub ty: Type,
    pub value: Expr,
    /// True when the value is the port's declared default.
    pub defaulted: bool,
}

/// A `prev(expr, init)` cell: holds `expr`'s value from the previous tick.
#[derive(Debug, Clone)]
pub struct Prev {
    pub id: PrevId,
    pub ty: Type,
    /// Evaluated at the end of each tick; when it cannot be evaluated (a node it reads was
    /// skipped or failed) the cell keeps its value.
    pub expr: Expr,
    /// A constant expression: the value on the first tick.
    pub init: Expr,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub ty: Type,
    pub value: Expr,
    pub span: Span,
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub ty: Type,
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// An `f64` value (float literals, integer literals where `f64` is expected, `inf`).
    F64(f64),
    I64(i64),
    Bool(bool),
    String(String),
    /// A duration in milliseconds.
    Duration(u64),
    Param(ParamId),
    /// `node.port` (or a lone `node` with one output port): output port `port` of `node`.
    Port {
        node: NodeId,
        port: u32,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `abs(x)`, `min(a, b)`, `max(a, b)`.
    Call {
        builtin: Builtin,
        args: Vec<Expr>,
    },
    /// The value of a `prev(...)` cell.
    Prev(PrevId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Abs,
    Min,
    Max,
}
