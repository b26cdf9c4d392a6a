//! The static schedule as plain text (`flowc emit --schedule`): one line per stage, each
//! node with its kind, in the order the generated code runs them. Stable across builds so
//! two versions of a strategy can be diffed.

use std::fmt::Write as _;

use crate::graph::CheckedGraph;

/// `stage N: id (kind), id (kind)` for every stage; I/O nodes carry `[io]` (awaited together)
/// and effect nodes `[effect]`.
pub fn schedule_text(graph: &CheckedGraph) -> String {
    let mut out = String::new();
    for (index, stage) in graph.stages.iter().enumerate() {
        let nodes: Vec<String> = stage
            .iter()
            .filter_map(|id| graph.nodes.get(id.0 as usize))
            .map(|n| {
                let tag = if n.kind.effect {
                    " [effect]"
                } else if n.kind.io {
                    " [io]"
                } else {
                    ""
                };
                format!("{} ({}){tag}", n.name, n.kind.dotted())
            })
            .collect();
        let _ = writeln!(out, "stage {index}: {}", nodes.join(", "));
    }
    out
}
