//! A dynamic interpreter over a JSON workflow graph: the design of the Python executors Flow
//! replaces, done faithfully in Rust. Each tick it sorts the graph topologically (Kahn), looks
//! each node's handler up by name in a map, gathers inputs from a map of dynamic JSON values,
//! runs the handler (boxed future), and stores the outputs back as JSON.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;

use flow_runtime::ctx::Ctx;
use flow_runtime::node::{Compute, Io, NodeKind};
use flow_runtime::nodes::{binance::price, cond::threshold, ta::rsi};
use serde_json::{Map, Value, json};

type Outputs = Result<Map<String, Value>, String>;

/// A node instance behind a name: state plus a dynamically typed `run`.
pub trait DynNode {
    fn run<'a>(
        &'a mut self,
        cx: &'a Ctx,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Outputs> + 'a>>;
}

fn num(inputs: &Map<String, Value>, key: &str) -> Result<f64, String> {
    inputs
        .get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("input `{key}` is not a number"))
}

fn to_map(value: impl serde::Serialize) -> Outputs {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err("outputs are not an object".into()),
    }
}

struct PriceNode(price::Node);
impl DynNode for PriceNode {
    fn run<'a>(
        &'a mut self,
        cx: &'a Ctx,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Outputs> + 'a>> {
        Box::pin(async move {
            let pair = inputs
                .get("pair")
                .and_then(Value::as_str)
                .ok_or("input `pair` is not a string")?
                .to_owned();
            to_map(
                Io::run(&mut self.0, cx, price::In { pair })
                    .await
                    .map_err(|e| e.to_string())?,
            )
        })
    }
}

struct RsiNode(rsi::Node);
impl DynNode for RsiNode {
    fn run<'a>(
        &'a mut self,
        cx: &'a Ctx,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Outputs> + 'a>> {
        Box::pin(async move {
            let input = rsi::In {
                input: num(&inputs, "input")?,
                period: num(&inputs, "period")? as i64,
            };
            to_map(Compute::run(&mut self.0, cx, input).map_err(|e| e.to_string())?)
        })
    }
}

struct ThresholdNode(threshold::Node);
impl DynNode for ThresholdNode {
    fn run<'a>(
        &'a mut self,
        cx: &'a Ctx,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Outputs> + 'a>> {
        Box::pin(async move {
            let input = threshold::In {
                value: num(&inputs, "value")?,
                min: num(&inputs, "min").unwrap_or(f64::NEG_INFINITY),
                max: num(&inputs, "max").unwrap_or(f64::INFINITY),
            };
            to_map(Compute::run(&mut self.0, cx, input).map_err(|e| e.to_string())?)
        })
    }
}

/// The handler registry: node type name → constructor.
fn registry() -> HashMap<&'static str, fn() -> Box<dyn DynNode>> {
    let mut r: HashMap<&'static str, fn() -> Box<dyn DynNode>> = HashMap::new();
    r.insert("binance.price", || Box::new(PriceNode(price::Node::new())));
    r.insert("ta.rsi", || Box::new(RsiNode(rsi::Node::new())));
    r.insert("cond.threshold", || {
        Box::new(ThresholdNode(threshold::Node::new()))
    });
    r
}

/// A workflow as JSON (TOOLCHAIN.md's nodes/edges form): each node has `id`, `type`,
/// `provider`, `action`, constant `params`, and `inputs` mapping a port to `node.port`.
pub struct Interpreter {
    graph: Value,
    nodes: HashMap<String, Box<dyn DynNode>>,
}

impl Interpreter {
    pub fn new(graph: Value) -> Result<Self, String> {
        let registry = registry();
        let mut nodes = HashMap::new();
        for node in graph["nodes"].as_array().ok_or("no nodes")? {
            let id = node["id"].as_str().ok_or("node without id")?;
            let name = format!(
                "{}.{}",
                node["provider"].as_str().unwrap_or(""),
                node["action"].as_str().unwrap_or("")
            );
            let make = registry
                .get(name.as_str())
                .ok_or_else(|| format!("no handler `{name}`"))?;
            nodes.insert(id.to_owned(), make());
        }
        Ok(Interpreter { graph, nodes })
    }

    /// One tick: sort, then run every node in order; returns all values by `node.port`.
    pub async fn tick(&mut self, cx: &Ctx) -> Result<HashMap<String, Value>, String> {
        let order = self.topological_order()?;
        let mut values: HashMap<String, Value> = HashMap::new();
        let specs: HashMap<&str, &Value> = self.graph["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| Some((n["id"].as_str()?, n)))
            .collect();
        for id in order {
            let spec = specs.get(id.as_str()).ok_or("unknown node")?;
            let mut inputs = spec["params"].as_object().cloned().unwrap_or_default();
            if let Some(wires) = spec["inputs"].as_object() {
                for (port, source) in wires {
                    let source = source.as_str().ok_or("input source is not a string")?;
                    let value = values
                        .get(source)
                        .cloned()
                        .ok_or_else(|| format!("`{source}` has no value"))?;
                    inputs.insert(port.clone(), value);
                }
            }
            let node = self.nodes.get_mut(&id).ok_or("no handler instance")?;
            let outputs = node.run(cx, inputs).await?;
            for (port, value) in outputs {
                values.insert(format!("{id}.{port}"), value);
            }
        }
        Ok(values)
    }

    fn topological_order(&self) -> Result<Vec<String>, String> {
        let mut indegree: HashMap<String, usize> = HashMap::new();
        let mut next: HashMap<String, Vec<String>> = HashMap::new();
        for node in self.graph["nodes"].as_array().into_iter().flatten() {
            indegree
                .entry(node["id"].as_str().unwrap_or_default().to_owned())
                .or_insert(0);
        }
        for edge in self.graph["edges"].as_array().into_iter().flatten() {
            let (from, to) = (
                edge["from"].as_str().unwrap_or_default(),
                edge["to"].as_str().unwrap_or_default(),
            );
            *indegree.entry(to.to_owned()).or_insert(0) += 1;
            next.entry(from.to_owned()).or_default().push(to.to_owned());
        }
        let mut ready: VecDeque<String> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(k, _)| k.clone())
            .collect();
        let mut order = Vec::new();
        while let Some(id) = ready.pop_front() {
            for n in next.get(&id).into_iter().flatten() {
                let d = indegree.get_mut(n).ok_or("edge to unknown node")?;
                *d -= 1;
                if *d == 0 {
                    ready.push_back(n.clone());
                }
            }
            order.push(id);
        }
        if order.len() != indegree.len() {
            return Err("cycle".into());
        }
        Ok(order)
    }
}

/// The 3-node flow as JSON.
pub fn chain3() -> Value {
    json!({
        "nodes": [
            {"id": "px", "type": "provider", "provider": "binance", "action": "price", "params": {"pair": "BTCUSDT"}},
            {"id": "rsi", "type": "analysis", "provider": "ta", "action": "rsi", "params": {"period": 14}, "inputs": {"input": "px.price"}},
            {"id": "sig", "type": "condition", "provider": "cond", "action": "threshold", "params": {"max": 30.0}, "inputs": {"value": "rsi.value"}}
        ],
        "edges": [{"from": "px", "to": "rsi"}, {"from": "rsi", "to": "sig"}]
    })
}

/// The 50-wide flow as JSON.
pub fn wide50() -> Value {
    let mut nodes = vec![
        json!({"id": "px", "type": "provider", "provider": "binance", "action": "price", "params": {"pair": "BTCUSDT"}}),
    ];
    let mut edges = Vec::new();
    for i in 0..50 {
        let id = format!("c{i}");
        nodes.push(
            json!({"id": id, "type": "condition", "provider": "cond", "action": "threshold",
            "params": {"min": f64::from(i) * 1000.0}, "inputs": {"value": "px.price"}}),
        );
        edges.push(json!({"from": "px", "to": id}));
    }
    json!({"nodes": nodes, "edges": edges})
}
