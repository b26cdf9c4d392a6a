//! Pictures of a checked workflow: Mermaid and Graphviz DOT renderings of its DAG, for
//! `flowc graph` and the template snapshots. Each edge is labelled with the ports it joins
//! (`price → input`), or `when` for an edge through a condition; I/O and effect nodes get
//! their own styles so a reader sees at a glance what waits on the network and what trades.

use std::fmt::Write as _;

use crate::graph::{CheckedGraph, Expr, ExprKind, NodeId};

/// One edge of the picture: from a node's output port into a node's input (or its `when`).
struct Edge {
    from: NodeId,
    to: NodeId,
    label: String,
}

fn edges(graph: &CheckedGraph) -> Vec<Edge> {
    let mut out = Vec::new();
    for node in &graph.nodes {
        for arg in &node.args {
            for (from, port) in ports_read(&arg.value) {
                let port_name = port_name(graph, from, port);
                push_edge(
                    &mut out,
                    from,
                    node.id,
                    format!("{port_name} → {}", arg.port),
                );
            }
        }
        if let Some(when) = &node.when {
            for (from, _) in ports_read(when) {
                push_edge(&mut out, from, node.id, "when".to_owned());
            }
        }
    }
    out
}

/// Adds an edge, merging labels of parallel edges so the picture stays readable.
fn push_edge(out: &mut Vec<Edge>, from: NodeId, to: NodeId, label: String) {
    match out.iter_mut().find(|e| e.from == from && e.to == to) {
        Some(e) if !e.label.split(", ").any(|l| l == label) => {
            e.label.push_str(", ");
            e.label.push_str(&label);
        }
        Some(_) => {}
        None => out.push(Edge { from, to, label }),
    }
}

fn port_name(graph: &CheckedGraph, node: NodeId, port: u32) -> &str {
    graph
        .nodes
        .get(node.0 as usize)
        .and_then(|n| n.kind.outputs.get(port as usize))
        .map_or("?", |p| p.name.as_str())
}

/// Every `node.port` an expression reads this tick, in order.
fn ports_read(expr: &Expr) -> Vec<(NodeId, u32)> {
    fn walk(e: &Expr, out: &mut Vec<(NodeId, u32)>) {
        match &e.kind {
            ExprKind::Port { node, port } if !out.contains(&(*node, *port)) => {
                out.push((*node, *port))
            }
            ExprKind::Unary { operand, .. } => walk(operand, out),
            ExprKind::Binary { lhs, rhs, .. } => {
                walk(lhs, out);
                walk(rhs, out);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}

/// A Mermaid flowchart, left to right.
pub fn mermaid(graph: &CheckedGraph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "flowchart LR");
    for n in &graph.nodes {
        let _ = writeln!(s, "    {}[\"{}<br/>{}\"]", n.name, n.name, n.kind.dotted());
    }
    for e in edges(graph) {
        let from = &graph.nodes[e.from.0 as usize].name;
        let to = &graph.nodes[e.to.0 as usize].name;
        let _ = writeln!(s, "    {from} -->|\"{}\"| {to}", e.label);
    }
    let class = |pred: &dyn Fn(&crate::graph::Node) -> bool| -> Vec<&str> {
        graph
            .nodes
            .iter()
            .filter(|n| pred(n))
            .map(|n| n.name.as_str())
            .collect()
    };
    let io = class(&|n| n.kind.io && !n.kind.effect);
    let effect = class(&|n| n.kind.effect);
    let _ = writeln!(s, "    classDef io fill:#e8f0fe,stroke:#4a6fa5");
    let _ = writeln!(s, "    classDef effect fill:#fde8e8,stroke:#a54a4a");
    if !io.is_empty() {
        let _ = writeln!(s, "    class {} io", io.join(","));
    }
    if !effect.is_empty() {
        let _ = writeln!(s, "    class {} effect", effect.join(","));
    }
    s
}

/// A Graphviz DOT digraph, left to right.
pub fn dot(graph: &CheckedGraph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph {:?} {{", graph.name);
    let _ = writeln!(s, "    rankdir=LR;");
    let _ = writeln!(
        s,
        "    node [shape=box, style=\"rounded,filled\", fillcolor=white];"
    );
    for n in &graph.nodes {
        let fill = if n.kind.effect {
            ", fillcolor=\"#fde8e8\""
        } else if n.kind.io {
            ", fillcolor=\"#e8f0fe\""
        } else {
            ""
        };
        let label = format!("{}\\n{}", n.name, n.kind.dotted());
        let _ = writeln!(s, "    {:?} [label=\"{label}\"{fill}];", n.name);
    }
    for e in edges(graph) {
        let from = &graph.nodes[e.from.0 as usize].name;
        let to = &graph.nodes[e.to.0 as usize].name;
        let _ = writeln!(s, "    {from:?} -> {to:?} [label={:?}];", e.label);
    }
    let _ = writeln!(s, "}}");
    s
}
