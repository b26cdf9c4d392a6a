//! Shared by the case-file drivers: running the front end on a case and rendering what
//! it says as reviewable text (diagnostics with their source, the JSON form, graphs).

#![allow(dead_code, reason = "each driver uses a part of this module")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flow_compiler::check::Loader;
use flow_compiler::diagnostics::{Diagnostic, json};
use flow_compiler::graph::{CheckedGraph, Expr, ExprKind, Schedule};
use flow_compiler::source::Sources;

/// Reads `use`d files next to the case, naming them by their path from the case's
/// directory so snapshots do not depend on where the repository is checked out.
pub struct CaseLoader {
    pub dir: PathBuf,
}

impl Loader for CaseLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<(String, String), String> {
        // `from` is `ok/case.flow` or `lib/x.flow`; `path` starts with `../` or not.
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for seg in path.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." => {}
                other => parts.push(other),
            }
        }
        let name = parts.join("/");
        std::fs::read_to_string(self.dir.join(&name))
            .map(|t| (name.clone(), t))
            .map_err(|_| format!("there is no file `{name}`"))
    }
}

/// The file name of a case, as the snapshots show it.
pub fn case_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every diagnostic rendered for humans (plain, fixed width; the short form when the
/// library is built without its `fancy` renderer), then in JSON.
pub fn render(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        #[cfg(feature = "fancy")]
        out.push_str(&flow_compiler::diagnostics::human::render(
            d,
            sources,
            flow_compiler::diagnostics::human::Style::PLAIN,
        ));
        #[cfg(not(feature = "fancy"))]
        out.push_str(&flow_compiler::diagnostics::short::render(d, sources));
        out.push('\n');
    }
    out.push_str("---- json ----\n");
    for d in diagnostics {
        out.push_str(&json::render(d, sources));
        out.push('\n');
    }
    out
}

/// A checked graph as text: stages, nodes with their arguments (defaults marked), deps,
/// read ports, policies, `prev` cells and outputs.
pub fn graph_summary(g: &CheckedGraph) -> String {
    let mut out = String::new();
    let schedule = match g.schedule {
        Schedule::Once => "once".to_owned(),
        Schedule::Every { millis } => format!("every {millis}ms"),
    };
    let _ = writeln!(out, "workflow {} (schedule {schedule})", g.name);
    if let Some(doc) = &g.doc {
        let _ = writeln!(out, "  doc: {doc:?}");
    }
    for p in &g.params {
        let default = p
            .default
            .as_ref()
            .map(|e| format!(" = {}", expr(g, e)))
            .unwrap_or_default();
        let _ = writeln!(out, "  param {}: {}{default}", p.name, p.ty.name());
    }
    for (i, stage) in g.stages.iter().enumerate() {
        let names: Vec<&str> = stage
            .iter()
            .map(|id| g.nodes[id.0 as usize].name.as_str())
            .collect();
        let _ = writeln!(out, "  stage {i}: {}", names.join(", "));
    }
    for n in &g.nodes {
        let args: Vec<String> = n
            .args
            .iter()
            .map(|a| {
                format!(
                    "{}: {}{}",
                    a.port,
                    expr(g, &a.value),
                    if a.defaulted { " (default)" } else { "" }
                )
            })
            .collect();
        let class = if n.kind.effect {
            "effect "
        } else if n.kind.io {
            "io "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  #{} {} = {class}{}({})",
            n.id.0,
            n.name,
            n.kind.dotted(),
            args.join(", ")
        );
        if let Some(w) = &n.when {
            let _ = writeln!(out, "      when {}", expr(g, w));
        }
        let p = n.policy;
        if p != Default::default() {
            let _ = writeln!(out, "      policy {p:?}");
        }
        let deps: Vec<&str> = n
            .deps
            .iter()
            .map(|d| g.nodes[d.0 as usize].name.as_str())
            .collect();
        let used: Vec<&str> = n
            .used_outputs
            .iter()
            .map(|&i| n.kind.outputs[i as usize].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "      stage {}, deps [{}], read [{}]",
            n.stage,
            deps.join(", "),
            used.join(", ")
        );
    }
    for p in &g.prevs {
        let _ = writeln!(
            out,
            "  prev#{}: {} = prev({}, {})",
            p.id.0,
            p.ty.name(),
            expr(g, &p.expr),
            expr(g, &p.init)
        );
    }
    for o in &g.outputs {
        let _ = writeln!(
            out,
            "  output {}: {} = {}",
            o.name,
            o.ty.name(),
            expr(g, &o.value)
        );
    }
    out
}

/// An expression with its types visible where they matter: `f64` literals keep a
/// decimal point, and every subexpression is parenthesised.
fn expr(g: &CheckedGraph, e: &Expr) -> String {
    match &e.kind {
        ExprKind::F64(x) => {
            if x.is_infinite() {
                if *x > 0.0 {
                    "inf".to_owned()
                } else {
                    "-inf".to_owned()
                }
            } else {
                format!("{x:?}")
            }
        }
        ExprKind::I64(n) => n.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::String(s) => format!("{s:?}"),
        ExprKind::Duration(ms) => format!("{ms}ms"),
        ExprKind::Param(p) => g.params[p.0 as usize].name.clone(),
        ExprKind::Port { node, port } => {
            let n = &g.nodes[node.0 as usize];
            format!("{}.{}", n.name, n.kind.outputs[*port as usize].name)
        }
        ExprKind::Unary { op, operand } => format!("({op:?} {})", expr(g, operand)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {op:?} {})", expr(g, lhs), expr(g, rhs)),
        ExprKind::Call { builtin, args } => {
            let args: Vec<String> = args.iter().map(|a| expr(g, a)).collect();
            format!("{builtin:?}({})", args.join(", "))
        }
        ExprKind::Prev(p) => format!("prev#{}", p.0),
    }
}
