//! Conditions: the graph form of what `when` expressions also say.

/// `pass` when `min <= value <= max`.
pub mod threshold {
    use crate::node::NodeError;

    node! {
        kind "cond.threshold", compute, step;
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
}

/// `a op b` with `op` one of `<`, `<=`, `>`, `>=`, `==`, `!=` (exact float comparison).
pub mod compare {
    use crate::node::NodeError;

    node! {
        kind "cond.compare", compute, step;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::ErrorKind;

    #[test]
    fn threshold_is_inclusive_and_defaults_are_unbounded() {
        let t = |value, min, max| threshold::Node.step(threshold::In { value, min, max });
        assert!(t(5.0, 5.0, 5.0).expect("ok").pass);
        assert!(!t(5.1, 0.0, 5.0).expect("ok").pass);
        assert!(
            t(-1e300, f64::NEG_INFINITY, f64::INFINITY)
                .expect("ok")
                .pass
        );
        assert_eq!(
            t(f64::NAN, 0.0, 1.0).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(t(1.0, 2.0, 1.0).unwrap_err().kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn compare_knows_every_operator() {
        let c = |a, op: &str, b| {
            compare::Node
                .step(compare::In {
                    a,
                    op: op.into(),
                    b,
                })
                .map(|o| o.result)
        };
        for (op, want) in [
            ("<", true),
            ("<=", true),
            (">", false),
            (">=", false),
            ("==", false),
            ("!=", true),
        ] {
            assert_eq!(c(1.0, op, 2.0), Ok(want), "{op}");
        }
        assert_eq!(c(2.0, " == ", 2.0), Ok(true));
        let e = c(1.0, "=>", 2.0).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("\"=>\""));
        assert!(c(f64::NAN, "<", 1.0).is_err());
    }

    #[test]
    fn logic() {
        for a in [false, true] {
            assert_eq!(not::Node.step(not::In { a }).expect("ok").out, !a);
            for b in [false, true] {
                assert_eq!(and::Node.step(and::In { a, b }).expect("ok").out, a && b);
                assert_eq!(or::Node.step(or::In { a, b }).expect("ok").out, a || b);
            }
        }
    }
}
