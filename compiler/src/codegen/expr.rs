//! Lowering of typed expressions to Rust expressions.
//!
//! Every lowered expression produces an owned value of the Rust type its Flow type maps
//! to, so it can be moved into a node's input struct: reads of `String` and domain values
//! clone, reads of `f64`, `i64`, `bool` and `Duration` copy. Arithmetic never panics:
//! integer operations wrap, and integer division by zero yields 0 (documented in
//! ARCHITECTURE.md); floating-point follows IEEE 754.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::graph::{BinaryOp, Builtin, Expr, ExprKind, NodeId, ParamId, PrevId, Type, UnaryOp};

/// Where the lowering finds the values an expression reads.
pub(super) trait Places {
    /// Output port `port` of `node` as a place expression, available because the caller has
    /// checked the node ran.
    fn port(&self, node: NodeId, port: u32) -> TokenStream;
    /// The value of a param (an expression of its Rust type, by reference or place).
    fn param(&self, param: ParamId) -> TokenStream;
    /// The value of a `prev` cell (a place expression).
    fn prev(&self, prev: PrevId) -> TokenStream;
}

/// Whether a value of this type is `Copy` in Rust.
pub(super) fn is_copy(ty: &Type) -> bool {
    matches!(ty, Type::F64 | Type::I64 | Type::Bool | Type::Duration)
}

/// Reads a place holding a value of type `ty` as an owned value.
fn read(place: TokenStream, ty: &Type) -> TokenStream {
    if is_copy(ty) {
        place
    } else {
        quote!(::std::clone::Clone::clone(&#place))
    }
}

pub(super) fn f64_lit(x: f64) -> TokenStream {
    if x == f64::INFINITY {
        quote!(::std::primitive::f64::INFINITY)
    } else if x == f64::NEG_INFINITY {
        quote!(::std::primitive::f64::NEG_INFINITY)
    } else if x.is_nan() {
        quote!(::std::primitive::f64::NAN)
    } else {
        let lit = Literal::f64_suffixed(x);
        quote!(#lit)
    }
}

/// Lowers `expr` to a Rust expression producing an owned value.
pub(super) fn lower(expr: &Expr, places: &dyn Places) -> TokenStream {
    match &expr.kind {
        ExprKind::F64(x) => f64_lit(*x),
        ExprKind::I64(i) => {
            let lit = Literal::i64_suffixed(*i);
            quote!(#lit)
        }
        ExprKind::Bool(b) => quote!(#b),
        ExprKind::String(s) => quote!(::std::string::String::from(#s)),
        ExprKind::Duration(ms) => quote!(::std::time::Duration::from_millis(#ms)),
        ExprKind::Param(p) => read(places.param(*p), &expr.ty),
        ExprKind::Port { node, port } => read(places.port(*node, *port), &expr.ty),
        ExprKind::Prev(p) => read(places.prev(*p), &expr.ty),
        ExprKind::Unary { op, operand } => {
            let inner = lower(operand, places);
            match (op, &operand.ty) {
                (UnaryOp::Not, _) => quote!((!#inner)),
                (UnaryOp::Neg, Type::I64) => quote!(#inner.wrapping_neg()),
                (UnaryOp::Neg, _) => quote!((-#inner)),
            }
        }
        ExprKind::Binary { op, lhs, rhs } => lower_binary(*op, lhs, rhs, places),
        ExprKind::Call { builtin, args } => {
            let lowered: Vec<TokenStream> = args.iter().map(|a| lower(a, places)).collect();
            let ty = &expr.ty;
            match (builtin, ty, lowered.as_slice()) {
                (Builtin::Abs, Type::I64, [x]) => quote!(#x.wrapping_abs()),
                (Builtin::Abs, _, [x]) => quote!(#x.abs()),
                (Builtin::Min, Type::F64, [a, b]) => quote!(::std::primitive::f64::min(#a, #b)),
                (Builtin::Max, Type::F64, [a, b]) => quote!(::std::primitive::f64::max(#a, #b)),
                (Builtin::Min, _, [a, b]) => quote!(::std::cmp::min(#a, #b)),
                (Builtin::Max, _, [a, b]) => quote!(::std::cmp::max(#a, #b)),
                // The checker guarantees arity; an impossible shape still lowers to valid Rust
                // of the right type rather than panicking.
                _ => default_value(ty),
            }
        }
    }
}

fn lower_binary(op: BinaryOp, lhs: &Expr, rhs: &Expr, places: &dyn Places) -> TokenStream {
    let a = lower(lhs, places);
    let b = lower(rhs, places);
    let int = lhs.ty == Type::I64;
    match op {
        BinaryOp::Add if lhs.ty == Type::String => quote!((#a + &#b)),
        BinaryOp::Add if int => quote!(#a.wrapping_add(#b)),
        BinaryOp::Sub if int => quote!(#a.wrapping_sub(#b)),
        BinaryOp::Mul if int => quote!(#a.wrapping_mul(#b)),
        BinaryOp::Div if int => quote!(#a.checked_div(#b).unwrap_or(0)),
        BinaryOp::Add if lhs.ty == Type::Duration => quote!(#a.saturating_add(#b)),
        BinaryOp::Sub if lhs.ty == Type::Duration => quote!(#a.saturating_sub(#b)),
        BinaryOp::Add => quote!((#a + #b)),
        BinaryOp::Sub => quote!((#a - #b)),
        BinaryOp::Mul => quote!((#a * #b)),
        BinaryOp::Div => quote!((#a / #b)),
        BinaryOp::Lt => quote!((#a < #b)),
        BinaryOp::Le => quote!((#a <= #b)),
        BinaryOp::Gt => quote!((#a > #b)),
        BinaryOp::Ge => quote!((#a >= #b)),
        BinaryOp::Eq => quote!((#a == #b)),
        BinaryOp::Ne => quote!((#a != #b)),
        BinaryOp::And => quote!((#a && #b)),
        BinaryOp::Or => quote!((#a || #b)),
    }
}

/// A value of the Rust type for `ty`, used only where the checker's guarantees make the
/// branch unreachable, so the generated code stays well-typed without a panic.
pub(super) fn default_value(ty: &Type) -> TokenStream {
    match ty {
        Type::F64 => quote!(0.0_f64),
        Type::I64 => quote!(0_i64),
        Type::Bool => quote!(false),
        _ => quote!(::std::default::Default::default()),
    }
}

/// Every node an expression reads this tick (not through `prev`), in first-seen order.
pub(super) fn reads(expr: &Expr, out: &mut Vec<NodeId>) {
    match &expr.kind {
        ExprKind::Port { node, .. } => {
            if !out.contains(node) {
                out.push(*node);
            }
        }
        ExprKind::Unary { operand, .. } => reads(operand, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            reads(lhs, out);
            reads(rhs, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| reads(a, out)),
        ExprKind::F64(_)
        | ExprKind::I64(_)
        | ExprKind::Bool(_)
        | ExprKind::String(_)
        | ExprKind::Duration(_)
        | ExprKind::Param(_)
        | ExprKind::Prev(_) => {}
    }
}
