//! The node library: one module per `extern node` of `prelude.flow`.
//!
//! The kind `ns.name` lives in `nodes::ns::name`, which exports `Node` (its state,
//! [`NodeKind`](crate::node::NodeKind) plus [`Compute`](crate::node::Compute) for plain kinds or
//! [`Io`](crate::node::Io) for `io` and `effect` kinds), `In` (one public field per input
//! port, named as the port) and `Out` (one per output port), and `SPEC`, its
//! [`KindSpec`]. The [`node!`] macro declares `In`, `Out`, `SPEC` and the `NodeKind` impl from
//! one port list, so the catalogue's port types are the Rust field types themselves (through
//! [`FlowType`](crate::types::FlowType)) and cannot drift from them; it also checks at
//! compile time that the kind implements the trait its flavour promises.
//!
//! [`CATALOG`] lists every kind; a test below compares it with the prelude's declarations,
//! and the compiler's tests compare it with the parsed prelude.
//!
//! Conventions every node follows: bad inputs (non-finite numbers, periods below 1, empty
//! names) are `InvalidInput` errors and leave the node's state as it was; nothing panics;
//! locks on the market and the ledger are taken market first, then ledger, and never held
//! across an `.await`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::node::{KindSpec, NodeError};

/// Declares a kind's `In`, `Out`, `SPEC` and `NodeKind` impl for the module's `Node` (which
/// must implement `Default`). The flavour is `compute`, `io` or `effect`, as in the prelude.
/// Options after the flavour:
/// - `step`: `Compute::run` is the node's own `fn step(&mut self, In) -> Result<Out, _>`
///   (for kinds that need nothing from the context, the indicators and conditions);
/// - `named`: the node keeps its id in the workflow in a field `id: &'static str`.
macro_rules! node {
    (
        kind $kind:expr, $flavour:ident $(, $option:ident)*;
        in { $( $iname:ident : $ity:ty ),* $(,)? }
        out { $( $oname:ident : $oty:ty ),* $(,)? }
    ) => {
        /// The node's inputs: one field per input port, named as the port.
        #[derive(Debug, Clone, PartialEq)]
        pub struct In {
            $( pub $iname: $ity, )*
        }

        /// The node's outputs: one field per output port, named as the port.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        pub struct Out {
            $( pub $oname: $oty, )*
        }

        /// What this kind declares: path, flavour and ports with their Flow types.
        pub const SPEC: $crate::node::KindSpec = $crate::node::KindSpec {
            kind: $kind,
            io: node!(@io $flavour),
            effect: node!(@effect $flavour),
            inputs: &[
                $( $crate::node::PortSpec {
                    name: stringify!($iname),
                    ty: <$ity as $crate::types::FlowType>::NAME,
                }, )*
            ],
            outputs: &[
                $( $crate::node::PortSpec {
                    name: stringify!($oname),
                    ty: <$oty as $crate::types::FlowType>::NAME,
                }, )*
            ],
        };

        impl $crate::node::NodeKind for Node {
            const KIND: &'static str = $kind;
            const EFFECT: bool = node!(@effect $flavour);
            type In = In;
            type Out = Out;
            fn new() -> Self {
                <Node as ::std::default::Default>::default()
            }
            $( node!(@kind_option $option); )*
        }

        $( node!(@item_option $option); )*
        node!(@check $flavour);
    };
    (@kind_option named) => {
        fn named(&mut self, id: &'static str) {
            self.id = id;
        }
    };
    (@kind_option step) => {};
    (@item_option named) => {};
    (@item_option step) => {
        impl $crate::node::Compute for Node {
            fn run(
                &mut self,
                _cx: &$crate::ctx::Ctx,
                input: In,
            ) -> ::std::result::Result<Out, $crate::node::NodeError> {
                self.step(input)
            }
        }
    };
    (@io compute) => { false };
    (@io io) => { true };
    (@io effect) => { true };
    (@effect compute) => { false };
    (@effect io) => { false };
    (@effect effect) => { true };
    (@check compute) => {
        // The flavour and the implemented trait must agree.
        const _: fn() = || {
            fn implements<T: $crate::node::Compute>() {}
            implements::<Node>();
        };
    };
    (@check io) => {
        const _: fn() = || {
            fn implements<T: $crate::node::Io>() {}
            implements::<Node>();
        };
    };
    (@check effect) => { node!(@check io); };
}

// First: its `exchange_venue!` macro declares the `binance` and `kraken` modules.
#[macro_use]
mod market_data;

pub mod analysis;
pub mod binance;
pub mod cond;
pub mod http;
pub mod kalshi;
pub mod kraken;
pub mod notify;
pub mod polymarket;
pub mod risk;
pub mod ta;
pub mod trade;
pub mod vast;

/// Declares [`CATALOG`] and, for tests, a check of every kind's `NodeKind` constants, from
/// one list of modules.
macro_rules! catalog {
    ($($module:path),* $(,)?) => {
        /// Every node kind the runtime implements, in prelude order.
        pub const CATALOG: &[KindSpec] = &[$({ use $module as m; m::SPEC }),*];

        /// Checks each kind's `NodeKind::KIND` and `EFFECT` against its `SPEC`.
        #[cfg(test)]
        fn check_node_kinds() -> usize {
            fn agrees<N: crate::node::NodeKind>(spec: &KindSpec) {
                assert_eq!(N::KIND, spec.kind);
                assert_eq!(N::EFFECT, spec.effect, "{}", spec.kind);
            }
            let mut n = 0;
            $({
                use $module as m;
                agrees::<m::Node>(&m::SPEC);
                n += 1;
            })*
            n
        }
    };
}

catalog! {
    binance::price,
    binance::order_book,
    binance::candles,
    binance::balance,
    binance::funding,
    kraken::price,
    kraken::order_book,
    kraken::candles,
    kraken::balance,
    kraken::funding,
    polymarket::price,
    polymarket::order_book,
    kalshi::market,
    ta::sma,
    ta::ema,
    ta::rsi,
    ta::macd,
    ta::bollinger,
    ta::atr,
    ta::crossover,
    ta::volume_spike,
    ta::highest,
    ta::lowest,
    ta::roc,
    ta::stddev,
    analysis::spread,
    analysis::arbitrage,
    analysis::grid,
    cond::threshold,
    cond::compare,
    cond::and,
    cond::or,
    cond::not,
    risk::max_position,
    risk::cooldown,
    risk::daily_loss,
    risk::budget,
    risk::position,
    risk::drawdown,
    trade::buy,
    trade::sell,
    trade::cancel,
    trade::cancel_all,
    notify::log,
    notify::webhook,
    http::request,
    vast::offers,
    vast::pricing,
    vast::allocate,
    vast::release,
}

/// The catalogue entry of a kind path (`ta.rsi`).
pub fn spec(kind: &str) -> Option<&'static KindSpec> {
    CATALOG.iter().find(|s| s.kind == kind)
}

/// Locks a mutex even if a panicking thread poisoned it: the ledger's and the market's
/// invariants hold between their method calls, so the data is still consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A finite number, or an `InvalidInput` naming the port.
pub(crate) fn finite(port: &str, x: f64) -> Result<f64, NodeError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(NodeError::invalid(format!(
            "{port} must be a finite number, got {x}"
        )))
    }
}

/// A finite number that is not negative.
pub(crate) fn non_negative(port: &str, x: f64) -> Result<f64, NodeError> {
    if x.is_finite() && x >= 0.0 {
        Ok(x)
    } else {
        Err(NodeError::invalid(format!(
            "{port} must be a finite number >= 0, got {x}"
        )))
    }
}

/// A non-empty name (venue, pair, asset), trimmed.
pub(crate) fn name<'a>(port: &str, s: &'a str) -> Result<&'a str, NodeError> {
    let t = s.trim();
    if t.is_empty() {
        Err(NodeError::invalid(format!("{port} is empty")))
    } else {
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::PortSpec;

    /// One `extern ... node` declaration of the prelude, scanned from its single line.
    #[derive(Debug)]
    struct Declared {
        kind: String,
        io: bool,
        effect: bool,
        inputs: Vec<(String, String)>,
        outputs: Vec<(String, String)>,
    }

    /// Splits `a: T = "x, y", b: U` at top-level commas (not inside quotes).
    fn split_ports(list: &str) -> Vec<(String, String)> {
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        for c in list.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    cur.push(c);
                }
                ',' if !quoted => parts.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        parts.push(cur);
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let decl = p.split('=').next().unwrap_or("").trim().to_string();
                let (n, t) = decl.split_once(':').expect("port has a type");
                (n.trim().to_string(), t.trim().to_string())
            })
            .collect()
    }

    fn declared() -> Vec<Declared> {
        crate::PRELUDE
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("extern ") && l.contains(" node "))
            .map(|l| {
                let head = &l[..l.find(" node ").expect("node")];
                let io = head.contains(" io") || head.contains(" effect");
                let effect = head.contains(" effect");
                let rest = &l[l.find(" node ").expect("node") + 6..];
                let open = rest.find('(').expect("(");
                let kind = rest[..open].trim().to_string();
                let close = rest.find(')').expect(")");
                let inputs = split_ports(&rest[open + 1..close]);
                let arrow = rest[close..].find("->").expect("->") + close;
                let out = rest[arrow + 2..].trim();
                let out = out.trim_start_matches('(').trim_end_matches(')');
                Declared {
                    kind,
                    io,
                    effect,
                    inputs,
                    outputs: split_ports(out),
                }
            })
            .collect()
    }

    fn ports(p: &[PortSpec]) -> Vec<(String, String)> {
        p.iter()
            .map(|p| (p.name.to_string(), p.ty.to_string()))
            .collect()
    }

    #[test]
    fn catalog_matches_every_prelude_declaration() {
        let decls = declared();
        assert!(decls.len() >= 40, "scanned {} declarations", decls.len());
        assert_eq!(
            decls.len(),
            CATALOG.len(),
            "one implementation per declaration"
        );
        for d in &decls {
            let s = spec(&d.kind).unwrap_or_else(|| panic!("{} has no implementation", d.kind));
            assert_eq!((s.io, s.effect), (d.io, d.effect), "{}: flavour", d.kind);
            assert_eq!(ports(s.inputs), d.inputs, "{}: inputs", d.kind);
            assert_eq!(ports(s.outputs), d.outputs, "{}: outputs", d.kind);
        }
        let mut kinds: Vec<&str> = CATALOG.iter().map(|s| s.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), CATALOG.len(), "no kind twice");
    }

    #[test]
    fn node_kind_constants_agree_with_the_catalog() {
        assert_eq!(check_node_kinds(), CATALOG.len());
        assert_eq!(spec("ta.rsi").map(|s| s.effect), Some(false));
        assert_eq!(
            spec("trade.buy").map(|s| (s.io, s.effect)),
            Some((true, true))
        );
        assert_eq!(
            spec("binance.price").map(|s| (s.io, s.effect)),
            Some((true, false))
        );
    }
}

/// Helpers for the node tests: contexts over a simulated or replayed market, and ticks.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::ctx::Ctx;
    use crate::ledger::Ledger;
    use crate::market::Market;

    use super::lock;

    /// A context over the simulated market of `seed`, with 100 000 cash and a 10 bps fee.
    pub(crate) fn sim(seed: u64) -> Ctx {
        let cx = Ctx::for_tests(Market::sim(seed), Ledger::new(100_000.0, 10.0));
        tick(&cx, 0);
        cx
    }

    /// A context replaying `csv`, with `cash` and a `fee_bps` fee.
    pub(crate) fn replay(csv: &str, cash: f64, fee_bps: f64) -> Ctx {
        let market = Market::replay(csv, "test.csv").expect("valid csv");
        let cx = Ctx::for_tests(market, Ledger::new(cash, fee_bps));
        tick(&cx, 0);
        cx
    }

    /// Starts tick `t` as the tick loop does: the clock one minute per tick from its start,
    /// the market moved, the ledger filled and marked.
    pub(crate) fn tick(cx: &Ctx, t: u64) {
        let now = crate::clock::SIM_EPOCH_MS + t as i64 * 60_000;
        cx.clock.set_ms(now);
        let mut market = lock(&cx.market);
        market.begin_tick(t, now);
        lock(&cx.ledger).on_tick(&market);
    }
}
