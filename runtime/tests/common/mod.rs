//! Hand-written workflows over small test node kinds, shaped exactly as generated code is
//! (a `static` meta table, `Slot`s, stages of typed locals, skip propagation), for the tick
//! loop, CLI and sink tests. Independent of the node library.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]
#![allow(
    clippy::manual_unwrap_or,
    reason = "written the way the code generator writes it"
)]

use std::time::Duration;

use flow_runtime::__private::{
    Ctx, NodeMeta, Outputs, ParamError, ParamSpec, ParamValues, Policy, SkipReason, Slot, Tick,
    Value, Workflow,
};
use flow_runtime::node::{Compute, Io, NodeError, NodeKind};

/// `test.now() -> (ms: i64)`: the run clock.
pub struct Now;
#[derive(Clone)]
pub struct NowIn {}
#[derive(Clone, serde::Serialize)]
pub struct NowOut {
    pub ms: i64,
}
impl NodeKind for Now {
    const KIND: &'static str = "test.now";
    type In = NowIn;
    type Out = NowOut;
    fn new() -> Self {
        Now
    }
}
impl Compute for Now {
    fn run(&mut self, cx: &Ctx, _: NowIn) -> Result<NowOut, NodeError> {
        Ok(NowOut {
            ms: cx.clock.now_ms(),
        })
    }
}

/// `test.add(a: f64, b: f64) -> (sum: f64)`, failing when `a` is NaN.
pub struct Add;
#[derive(Clone)]
pub struct AddIn {
    pub a: f64,
    pub b: f64,
}
#[derive(Clone, serde::Serialize)]
pub struct AddOut {
    pub sum: f64,
}
impl NodeKind for Add {
    const KIND: &'static str = "test.add";
    type In = AddIn;
    type Out = AddOut;
    fn new() -> Self {
        Add
    }
}
impl Compute for Add {
    fn run(&mut self, _cx: &Ctx, i: AddIn) -> Result<AddOut, NodeError> {
        if i.a.is_nan() {
            return Err(NodeError::invalid("a is not a number"));
        }
        Ok(AddOut { sum: i.a + i.b })
    }
}

/// `effect test.order(amount: f64) -> (done: bool)`.
pub struct Order;
#[derive(Clone)]
pub struct OrderIn {
    pub amount: f64,
}
#[derive(Clone, serde::Serialize)]
pub struct OrderOut {
    pub done: bool,
}
impl NodeKind for Order {
    const KIND: &'static str = "test.order";
    const EFFECT: bool = true;
    type In = OrderIn;
    type Out = OrderOut;
    fn new() -> Self {
        Order
    }
}
impl Io for Order {
    async fn run(&mut self, _cx: &Ctx, _i: OrderIn) -> Result<OrderOut, NodeError> {
        Ok(OrderOut { done: true })
    }
}

/// Opened by a test; `test.gate` waits for it on the first tick.
pub static GATE: flow_runtime::__private::tokio::sync::Notify =
    flow_runtime::__private::tokio::sync::Notify::const_new();

/// `io test.gate() -> (open: bool)`: waits for [`GATE`] once, then passes.
pub struct Gate {
    opened: bool,
}
impl NodeKind for Gate {
    const KIND: &'static str = "test.gate";
    type In = ();
    type Out = bool;
    fn new() -> Self {
        Gate { opened: false }
    }
}
impl Io for Gate {
    async fn run(&mut self, _cx: &Ctx, _: ()) -> Result<bool, NodeError> {
        if !self.opened {
            GATE.notified().await;
            self.opened = true;
        }
        Ok(true)
    }
}

/// Sends the process a signal on tick `at`.
pub struct SignalSelf;
impl NodeKind for SignalSelf {
    const KIND: &'static str = "test.signal_self";
    type In = (u64, &'static str);
    type Out = bool;
    fn new() -> Self {
        SignalSelf
    }
}
impl Compute for SignalSelf {
    fn run(&mut self, _cx: &Ctx, (send, signal): (u64, &'static str)) -> Result<bool, NodeError> {
        if send == 1 {
            let status = std::process::Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(std::process::id().to_string())
                .status()
                .map_err(|e| NodeError::invalid(e.to_string()))?;
            return Ok(status.success());
        }
        Ok(false)
    }
}

// ---- the `demo` workflow ---------------------------------------------------------------------
//
// workflow demo {
//     param size: f64 = 1
//     param fail_at: i64 = -1     // the tick on which `add` fails
//     schedule every 1m
//     node now   = test.now()
//     node add   = test.add(a: now.ms / 1000 or NaN on tick fail_at, b: size)
//     node order = test.order(amount: size) when add.sum > 0
//     output now = now.ms
//     output sum = add.sum
//     output done = order.done
// }

pub struct DemoParams {
    pub size: f64,
    pub fail_at: i64,
}

pub struct DemoOutputs {
    pub now: Option<i64>,
    pub sum: Option<f64>,
    pub done: Option<bool>,
}

impl Outputs for DemoOutputs {
    fn values(&self) -> Vec<(&'static str, Option<Value>)> {
        vec![
            ("now", self.now.as_ref().map(Value::from_ref)),
            ("sum", self.sum.as_ref().map(Value::from_ref)),
            ("done", self.done.as_ref().map(Value::from_ref)),
        ]
    }
}

static DEMO_NODES: [NodeMeta; 3] = [
    NodeMeta {
        id: "now",
        kind: "test.now",
        effect: false,
        policy: Policy::DEFAULT,
    },
    NodeMeta {
        id: "add",
        kind: "test.add",
        effect: false,
        policy: Policy::DEFAULT,
    },
    NodeMeta {
        id: "order",
        kind: "test.order",
        effect: true,
        policy: Policy {
            retry: Some(2),
            backoff_ms: Some(100),
            timeout_ms: Some(1000),
            breaker: None,
        },
    },
];

pub struct Demo {
    params: DemoParams,
    n_now: Slot<Now>,
    n_add: Slot<Add>,
    n_order: Slot<Order>,
}

impl Demo {
    pub async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> DemoOutputs {
        // Stage 0: now
        let v_now = {
            let input = NowIn {};
            self.n_now.compute(cx, t, &DEMO_NODES[0], input)
        };
        // Stage 1: add
        let v_add = match (&v_now,) {
            (Some(d_now),) => {
                let a = if t.index() as i64 == self.params.fail_at {
                    f64::NAN
                } else {
                    d_now.ms as f64 / 1000.0
                };
                let input = AddIn {
                    a,
                    b: self.params.size,
                };
                self.n_add.compute(cx, t, &DEMO_NODES[1], input)
            }
            _ => {
                t.skip(
                    &DEMO_NODES[1],
                    SkipReason::upstream(&[("now", v_now.is_some())]),
                );
                None
            }
        };
        // Stage 2: order
        let v_order = match (&v_add,) {
            (Some(d_add),) => {
                if d_add.sum > 0.0 {
                    let input = OrderIn {
                        amount: self.params.size,
                    };
                    self.n_order.io(cx, t, &DEMO_NODES[2], input).await
                } else {
                    t.skip(&DEMO_NODES[2], SkipReason::When);
                    None
                }
            }
            _ => {
                t.skip(
                    &DEMO_NODES[2],
                    SkipReason::upstream(&[("add", v_add.is_some())]),
                );
                None
            }
        };
        DemoOutputs {
            now: v_now.as_ref().map(|d| d.ms),
            sum: v_add.as_ref().map(|d| d.sum),
            done: v_order.as_ref().map(|d| d.done),
        }
    }
}

impl Workflow for Demo {
    const NAME: &'static str = "demo";
    const INTERVAL: Option<Duration> = Some(Duration::from_millis(60_000));
    const NODE_COUNT: usize = 3;
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "size",
            ty: "f64",
            required: false,
            doc: "Order size.",
        },
        ParamSpec {
            name: "fail_at",
            ty: "i64",
            required: false,
            doc: "",
        },
    ];
    type Outputs = DemoOutputs;

    fn build(values: &ParamValues) -> Result<Self, ParamError> {
        let p_size: f64 = match values.get::<f64>("size")? {
            Some(value) => value,
            None => 1.0,
        };
        let p_fail_at: i64 = match values.get::<i64>("fail_at")? {
            Some(value) => value,
            None => -1,
        };
        Ok(Demo {
            params: DemoParams {
                size: p_size,
                fail_at: p_fail_at,
            },
            n_now: Slot::new(),
            n_add: Slot::new(),
            n_order: Slot::new(),
        })
    }

    async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> DemoOutputs {
        Demo::tick(self, cx, t).await
    }
}

// ---- `once`: schedule once, one required param -------------------------------------------------

pub struct Once {
    limit: f64,
    n_add: Slot<Add>,
}

pub struct OnceOutputs {
    pub sum: Option<f64>,
}

impl Outputs for OnceOutputs {
    fn values(&self) -> Vec<(&'static str, Option<Value>)> {
        vec![("sum", self.sum.as_ref().map(Value::from_ref))]
    }
}

static ONCE_NODES: [NodeMeta; 1] = [NodeMeta {
    id: "add",
    kind: "test.add",
    effect: false,
    policy: Policy::DEFAULT,
}];

impl Workflow for Once {
    const NAME: &'static str = "once";
    const INTERVAL: Option<Duration> = None;
    const NODE_COUNT: usize = 1;
    const PARAMS: &'static [ParamSpec] = &[ParamSpec {
        name: "limit",
        ty: "f64",
        required: true,
        doc: "",
    }];
    type Outputs = OnceOutputs;

    fn build(values: &ParamValues) -> Result<Self, ParamError> {
        let p_limit: f64 = match values.get::<f64>("limit")? {
            Some(value) => value,
            None => return Err(ParamError::missing("limit")),
        };
        Ok(Once {
            limit: p_limit,
            n_add: Slot::new(),
        })
    }

    async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> OnceOutputs {
        let v_add = self.n_add.compute(
            cx,
            t,
            &ONCE_NODES[0],
            AddIn {
                a: self.limit,
                b: 1.0,
            },
        );
        OnceOutputs {
            sum: v_add.as_ref().map(|d| d.sum),
        }
    }
}

// ---- `gated`: waits for a test's go on its first tick -----------------------------------------

pub struct Gated {
    n_gate: Slot<Gate>,
    n_add: Slot<Add>,
}

pub struct NoOutputs;
impl Outputs for NoOutputs {
    fn values(&self) -> Vec<(&'static str, Option<Value>)> {
        Vec::new()
    }
}

static GATED_NODES: [NodeMeta; 2] = [
    NodeMeta {
        id: "gate",
        kind: "test.gate",
        effect: false,
        policy: Policy::DEFAULT,
    },
    NodeMeta {
        id: "add",
        kind: "test.add",
        effect: false,
        policy: Policy::DEFAULT,
    },
];

impl Workflow for Gated {
    const NAME: &'static str = "gated";
    const INTERVAL: Option<Duration> = Some(Duration::from_secs(1));
    const NODE_COUNT: usize = 2;
    const PARAMS: &'static [ParamSpec] = &[];
    type Outputs = NoOutputs;

    fn build(_: &ParamValues) -> Result<Self, ParamError> {
        Ok(Gated {
            n_gate: Slot::new(),
            n_add: Slot::new(),
        })
    }

    async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> NoOutputs {
        let v_gate = self.n_gate.io(cx, t, &GATED_NODES[0], ()).await;
        let _ = match &v_gate {
            Some(_) => self
                .n_add
                .compute(cx, t, &GATED_NODES[1], AddIn { a: 1.0, b: 2.0 }),
            None => {
                t.skip(&GATED_NODES[1], SkipReason::upstream(&[("gate", false)]));
                None
            }
        };
        NoOutputs
    }
}

// ---- `signaller`: sends itself a signal on a given tick ---------------------------------------

pub struct Signaller {
    at: u64,
    signal: &'static str,
    n_sig: Slot<SignalSelf>,
}

static SIGNALLER_NODES: [NodeMeta; 1] = [NodeMeta {
    id: "sig",
    kind: "test.signal_self",
    effect: false,
    policy: Policy::DEFAULT,
}];

impl Workflow for Signaller {
    const NAME: &'static str = "signaller";
    const INTERVAL: Option<Duration> = Some(Duration::from_secs(1));
    const NODE_COUNT: usize = 1;
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "at",
            ty: "i64",
            required: true,
            doc: "",
        },
        ParamSpec {
            name: "signal",
            ty: "String",
            required: true,
            doc: "",
        },
    ];
    type Outputs = NoOutputs;

    fn build(values: &ParamValues) -> Result<Self, ParamError> {
        let at = values.get::<i64>("at")?.unwrap_or(0) as u64;
        let signal = match values.get::<String>("signal")?.as_deref() {
            Some("USR1") => "USR1",
            Some("USR2") => "USR2",
            _ => "INT",
        };
        Ok(Signaller {
            at,
            signal,
            n_sig: Slot::new(),
        })
    }

    async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> NoOutputs {
        let send = u64::from(t.index() == self.at);
        let _ = self
            .n_sig
            .compute(cx, t, &SIGNALLER_NODES[0], (send, self.signal));
        NoOutputs
    }
}
