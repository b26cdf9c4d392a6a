//! Conditions: the graph form of what `when` expressions also say.

/// `pass` when `min <= value <= max`.
pub mod threshold {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "cond.threshold", compute;
        in { value: f64, min: f64, max: f64 }
        out { pass: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            // Infinite bounds are the defaults; only NaN is meaningless here.
            for (port, x) in [("value", i.value), ("min", i.min), ("max", i.max)] {
                if x.is_nan() {
                    return Err(NodeError::invalid(format!("{port} is not a number (NaN)")));
                }
            }
            if i.min > i.max {
                return Err(NodeError::invalid(format!(
                    "min ({}) is above max ({})",
                    i.min, i.max
                )));
            }
            Ok(Out {
                pass: i.min <= i.value && i.value <= i.max,
            })
        }
    }

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// `a op b` with `op` one of `<`, `<=`, `>`, `>=`, `==`, `!=` (exact float comparison).
pub mod compare {
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "cond.compare", compute;
        in { a: f64, op: String, b: f64 }
        out { result: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            if i.a.is_nan() || i.b.is_nan() {
                return Err(NodeError::invalid(
                    "cond.compare: an operand is not a number (NaN)",
                ));
            }
            let (a, b) = (i.a, i.b);
            let result = match i.op.trim() {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                ">=" => a >= b,
                "==" => a == b,
                "!=" => a != b,
                other => {
                    return Err(NodeError::invalid(format!(
                        "unknown operator \"{other}\"; use one of < <= > >= == !="
                    )));
                }
            };
            Ok(Out { result })
        }
    }

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

macro_rules! logic {
    ($module:ident, $kind:literal, $doc:literal, ($($port:ident),*), $f:expr) => {
        #[doc = $doc]
        pub mod $module {
            use crate::ctx::Ctx;
            use crate::node::{Compute, NodeError};

            node! {
                kind $kind, compute;
                in { $($port: bool),* }
                out { out: bool }
            }

            #[derive(Debug, Default)]
            pub struct Node;

            impl Node {
                pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
                    let f: fn(&In) -> bool = $f;
                    Ok(Out { out: f(&i) })
                }
            }

            impl Compute for Node {
                fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    self.step(input)
                }
            }
        }
    };
}

logic!(and, "cond.and", "Logical and.", (a, b), |i| i.a && i.b);
logic!(or, "cond.or", "Logical or.", (a, b), |i| i.a || i.b);
logic!(not, "cond.not", "Logical not.", (a), |i| !i.a);
