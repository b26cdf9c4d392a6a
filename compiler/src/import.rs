//! `flowc import`: a JSON workflow, in either format of TOOLCHAIN.md, turned into `.flow`
//! text.
//!
//! 1. **nodes/edges** (the Python executors' graphs): `{"nodes": [{"id", "type",
//!    "provider"?, "action", "params"?, "inputs"?, "condition"?}], "edges": [{"from", "to"}]}`.
//!    The kind is `provider.action` (or `action` when it is dotted, or a namespace guessed
//!    from `type`: `analysis` → `ta`, `condition` → `cond`, ...); `params` are constant
//!    arguments, `inputs` map a port to `"node.port"`, `condition` is a `when` expression.
//! 2. **blocks/connections** (a visual editor's export): `{"blocks": [{"id", "category",
//!    "type", "properties"?, "inputs"?: [{"name"}], "outputs"?: [{"name"}]}],
//!    "connections": [{"from": {"blockId", "index"}, "to": {"blockId", "index"}}]}`; an
//!    `index` picks the block's n-th output or input port, by the names the block lists or
//!    else by the kind's declared order.
//!
//! Nothing is dropped silently: whatever cannot be mapped is a [`Problem`] naming its JSON
//! path (`$.nodes[2].params.period`), and a node that could not be mapped leaves a comment
//! in the text where it would have been. An edge that carries no value is reported too:
//! Flow orders nodes by the values they read, so it has no counterpart. The text is
//! checked afterwards like any `.flow` file (see `cli/import.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::check::suggest;
use crate::graph::{Kind, Type};

/// How bad a problem is: an error means something of the JSON is missing from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// Something of the JSON that could not be mapped as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub level: Level,
    /// Where, as a JSON path: `$.nodes[2].params.period`.
    pub path: String,
    pub message: String,
}

/// The `.flow` text and what could not be mapped.
#[derive(Debug, Clone)]
pub struct Imported {
    pub text: String,
    pub problems: Vec<Problem>,
}

impl Imported {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == Level::Error)
    }
}

/// Imports `json`; `fallback_name` names the workflow when the JSON has no `name`. `Err`
/// when the text is not JSON or is neither format.
pub fn import(json: &str, fallback_name: &str) -> Result<Imported, Problem> {
    let value: Value = serde_json::from_str(json).map_err(|e| Problem {
        level: Level::Error,
        path: "$".into(),
        message: format!("not valid JSON: {e}"),
    })?;
    let Value::Object(root) = &value else {
        return Err(Problem {
            level: Level::Error,
            path: "$".into(),
            message: "expected an object with `nodes` and `edges`, or `blocks` and `connections`"
                .into(),
        });
    };
    let mut cx = Importer::default();
    let name = match root.get("name").and_then(Value::as_str) {
        Some(n) => n.to_owned(),
        None => fallback_name.to_owned(),
    };
    let nodes = if root.contains_key("nodes") {
        cx.nodes_format(root)
    } else if root.contains_key("blocks") {
        cx.blocks_format(root)
    } else {
        return Err(Problem {
            level: Level::Error,
            path: "$".into(),
            message:
                "neither format: expected `nodes` (with `edges`) or `blocks` (with `connections`)"
                    .into(),
        });
    };
    let doc = root.get("description").and_then(Value::as_str);
    let text = cx.render(&name, doc, &nodes);
    Ok(Imported {
        text,
        problems: cx.problems,
    })
}

/// One node as it will be written.
#[derive(Debug)]
struct Planned {
    /// The JSON id.
    id: String,
    /// The Flow name (the JSON id, made a valid identifier).
    name: String,
    /// `None` when the kind could not be resolved: the node is written as a comment.
    kind: Option<&'static Kind>,
    /// Written as a comment when the node is dropped.
    dropped: Option<String>,
    doc: Option<String>,
    /// Port → Flow expression text, in the order given.
    args: Vec<(String, String)>,
    when: Option<String>,
    /// Nodes this one reads (JSON ids), for leaf detection and edges.
    reads: HashSet<String>,
}

impl Planned {
    fn new(id: &str, name: &str, kind: Option<&'static Kind>, doc: Option<&Value>) -> Self {
        Planned {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            dropped: None,
            doc: doc.and_then(Value::as_str).map(str::to_owned),
            args: Vec::new(),
            when: None,
            reads: HashSet::new(),
        }
    }
}

#[derive(Default)]
struct Importer {
    problems: Vec<Problem>,
    /// JSON id → Flow name.
    names: HashMap<String, String>,
    taken: HashSet<String>,
}

/// Namespaces to try for a node's `type` or a block's `category` when no provider is given.
fn namespaces(category: &str) -> &'static [&'static str] {
    match category.to_ascii_lowercase().as_str() {
        "analysis" | "indicator" | "indicators" | "ta" => &["ta", "analysis"],
        "condition" | "conditions" | "logic" | "cond" | "filter" => &["cond"],
        "risk" => &["risk"],
        "action" | "actions" | "trade" | "trading" | "order" | "execution" => &["trade"],
        "gpu" | "compute" | "vast" => &["vast"],
        "notify" | "notification" | "notifications" | "alert" => &["notify"],
        "http" | "webhook" => &["http", "notify"],
        _ => &[],
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Flow identifier for a JSON id: invalid characters become `_`, a leading digit or a
/// keyword gets a prefix.
fn identifier(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if crate::syntax::lexer::is_keyword(&out) {
        out.push('_');
    }
    out
}

/// A Flow string literal.
fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` is a Flow duration literal (`250ms`, `5s`, `1.5m`, `2h`, `1d`).
fn is_duration(s: &str) -> bool {
    let unit_at = s.find(|c: char| !(c.is_ascii_digit() || c == '.'));
    let Some(at) = unit_at.filter(|&at| at > 0) else {
        return false;
    };
    s[..at].parse::<f64>().is_ok() && matches!(&s[at..], "ms" | "s" | "m" | "h" | "d")
}

/// A constant JSON value as a Flow literal for a port of type `ty`.
fn literal(value: &Value, ty: &Type) -> Result<String, String> {
    let wrong = || {
        format!(
            "expected {} for a port of type `{}`, found {}",
            match ty {
                Type::F64 | Type::I64 => "a number",
                Type::Bool => "true or false",
                Type::String => "a string",
                Type::Duration => "a duration such as \"5s\" or \"250ms\"",
                Type::Domain(_) => "a value from another node",
            },
            ty.name(),
            value
        )
    };
    match (ty, value) {
        (Type::F64, Value::Number(n)) => n.as_f64().map(float_text).ok_or_else(wrong),
        (Type::F64, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(float_text)
            .ok_or_else(wrong),
        (Type::I64, Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(i.to_string()),
            (None, Some(x)) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(format!("{x:.0}")),
            _ => Err(format!(
                "expected a whole number for a port of type `i64`, found {value}"
            )),
        },
        (Type::I64, Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(|i| i.to_string())
            .map_err(|_| wrong()),
        (Type::Bool, Value::Bool(b)) => Ok(b.to_string()),
        (Type::String, Value::String(s)) => Ok(string_literal(s)),
        (Type::Duration, Value::String(s)) if is_duration(s.trim()) => Ok(s.trim().to_owned()),
        _ => Err(wrong()),
    }
}

fn float_text(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{x}")
    }
}

impl Importer {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            level: Level::Error,
            path: path.into(),
            message: message.into(),
        });
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            level: Level::Warning,
            path: path.into(),
            message: message.into(),
        });
    }

    /// Registers a JSON id and returns its Flow name (unique), noting a rename.
    fn name_for(&mut self, id: &str, path: &str) -> String {
        let base = identifier(id);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if name != id {
            self.warn(
                path.to_owned(),
                format!("`{id}` is not a Flow name; the node is called `{name}`"),
            );
        }
        self.taken.insert(name.clone());
        self.names.insert(id.to_owned(), name.clone());
        name
    }

    /// Names every item of `items` (`$.<list>[i].id`) before anything is wired, so a
    /// reference may point forwards; `None` for an item without a usable, unique id.
    fn register(&mut self, items: &[Value], list: &str, what: &str) -> Vec<Option<String>> {
        let mut ids = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.{list}[{i}].id");
            match item.get("id").and_then(id_text) {
                Some(id) if self.names.contains_key(&id) => {
                    self.error(path, format!("a second {what} `{id}`"));
                    ids.push(None);
                }
                Some(id) => {
                    self.name_for(&id, &path);
                    ids.push(Some(id));
                }
                None => {
                    self.error(path, format!("a {what} needs an `id` (a string)"));
                    ids.push(None);
                }
            }
        }
        ids
    }

    /// The kind among `candidates` (dotted paths), or an error at `path`.
    fn resolve(&mut self, candidates: &[String], path: &str) -> Option<&'static Kind> {
        for c in candidates {
            if let Some(decl) = crate::prelude::kind(c) {
                return Some(&decl.kind);
            }
        }
        let first = candidates.first().cloned().unwrap_or_default();
        let all: Vec<String> = crate::prelude::kinds().map(Kind::dotted).collect();
        let hint = candidates
            .iter()
            .find_map(|c| suggest::did_you_mean(c, all.iter().map(String::as_str)))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.error(
            path.to_owned(),
            format!("no node kind `{first}` in the node library{hint}"),
        );
        None
    }

    /// Constant arguments from `params` / `properties`.
    fn constants(
        &mut self,
        kind: &Kind,
        params: Option<&Value>,
        path: &str,
        args: &mut Vec<(String, String)>,
    ) {
        let Some(params) = params else {
            return;
        };
        let Value::Object(params) = params else {
            self.error(path.to_owned(), "expected an object of port: value");
            return;
        };
        for (port, value) in params {
            let at = format!("{path}.{port}");
            let Some(decl) = kind.inputs.iter().find(|p| p.name == *port) else {
                let names: Vec<&str> = kind.inputs.iter().map(|p| p.name.as_str()).collect();
                let hint = suggest::did_you_mean(port, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.warn(
                    at,
                    format!(
                        "`{}` has no input port `{port}`{hint}; left out (its ports: {})",
                        kind.dotted(),
                        suggest::list(&names)
                    ),
                );
                continue;
            };
            match literal(value, &decl.ty) {
                Ok(text) => args.push((port.clone(), text)),
                Err(message) => self.error(at, message),
            }
        }
    }

    fn nodes_format(&mut self, root: &Map<String, Value>) -> Vec<Planned> {
        let Some(nodes) = root.get("nodes").and_then(Value::as_array) else {
            self.error("$.nodes", "expected an array of nodes");
            return Vec::new();
        };
        // Names first, so inputs may refer to nodes declared later.
        let ids = self.register(nodes, "nodes", "node");
        let mut planned = Vec::new();
        for (i, (node, id)) in nodes.iter().zip(&ids).enumerate() {
            let Some(id) = id else { continue };
            let path = format!("$.nodes[{i}]");
            let name = self.names[id].clone();
            let Value::Object(node) = node else {
                self.error(path, "expected an object");
                continue;
            };
            let provider = node.get("provider").and_then(Value::as_str);
            let action = node.get("action").and_then(Value::as_str);
            let ty = node.get("type").and_then(Value::as_str).unwrap_or("");
            let mut candidates = Vec::new();
            match (provider, action) {
                (Some(p), Some(a)) => candidates.push(format!("{}.{a}", p.to_ascii_lowercase())),
                (None, Some(a)) if a.contains('.') => candidates.push(a.to_owned()),
                (None, Some(a)) => {
                    candidates.push(format!("{ty}.{a}"));
                    candidates.extend(namespaces(ty).iter().map(|ns| format!("{ns}.{a}")));
                }
                (_, None) => {}
            }
            let kind = if candidates.is_empty() {
                self.error(
                    format!("{path}.action"),
                    "a node needs an `action` (with a `provider`, or dotted like `ta.rsi`)",
                );
                None
            } else {
                self.resolve(&candidates, &format!("{path}.action"))
            };
            let doc = node.get("description").or_else(|| node.get("label"));
            let mut plan = Planned::new(id, &name, kind, doc);
            let Some(kind) = kind else {
                plan.dropped = Some(format!("{path}: node `{id}` left out: its kind is unknown"));
                planned.push(plan);
                continue;
            };
            let mut args = Vec::new();
            self.constants(
                kind,
                node.get("params"),
                &format!("{path}.params"),
                &mut args,
            );
            if let Some(inputs) = node.get("inputs") {
                match inputs {
                    Value::Object(inputs) => {
                        for (port, source) in inputs {
                            let at = format!("{path}.inputs.{port}");
                            if let Some(text) = self.wire(kind, port, source, &at, nodes, &ids) {
                                plan.reads.insert(text.0);
                                args.retain(|(p, _)| p != port);
                                args.push((port.clone(), text.1));
                            }
                        }
                    }
                    _ => self.error(
                        format!("{path}.inputs"),
                        "expected an object of port: \"node.port\"",
                    ),
                }
            }
            plan.args = args;
            match node.get("condition") {
                None | Some(Value::Null) => {}
                Some(Value::String(cond)) if !cond.trim().is_empty() => {
                    plan.when = Some(self.condition(cond, &mut plan.reads));
                }
                Some(_) => self.error(
                    format!("{path}.condition"),
                    "expected a condition as text, such as \"rsi.value < 30\"",
                ),
            }
            for key in node.keys() {
                if !matches!(
                    key.as_str(),
                    "id" | "type"
                        | "provider"
                        | "action"
                        | "params"
                        | "inputs"
                        | "condition"
                        | "description"
                        | "label"
                ) {
                    self.warn(
                        format!("{path}.{key}"),
                        format!("`{key}` has no meaning in Flow; left out"),
                    );
                }
            }
            planned.push(plan);
        }
        if let Some(edges) = root.get("edges") {
            let Value::Array(edges) = edges else {
                self.error("$.edges", "expected an array of {\"from\", \"to\"}");
                return planned;
            };
            for (i, edge) in edges.iter().enumerate() {
                let path = format!("$.edges[{i}]");
                let from = edge.get("from").and_then(id_text);
                let to = edge.get("to").and_then(id_text);
                let (Some(from), Some(to)) = (from, to) else {
                    self.error(path, "an edge needs `from` and `to` (node ids)");
                    continue;
                };
                for (end, id) in [("from", &from), ("to", &to)] {
                    if !self.names.contains_key(id) {
                        self.error(format!("{path}.{end}"), format!("no node `{id}`"));
                    }
                }
                let reads = planned
                    .iter()
                    .find(|p| p.id == to)
                    .is_some_and(|p| p.reads.contains(&from) || p.dropped.is_some());
                if self.names.contains_key(&from) && self.names.contains_key(&to) && !reads {
                    self.warn(
                        path,
                        format!(
                            "`{to}` reads no value of `{from}`: Flow orders nodes by the values they read, so this edge has no counterpart"
                        ),
                    );
                }
            }
        }
        planned
    }

    /// `"node.port"` wired into `port`: returns (source id, expression text).
    fn wire(
        &mut self,
        kind: &Kind,
        port: &str,
        source: &Value,
        at: &str,
        nodes: &[Value],
        ids: &[Option<String>],
    ) -> Option<(String, String)> {
        if !kind.inputs.iter().any(|p| p.name == port) {
            let names: Vec<&str> = kind.inputs.iter().map(|p| p.name.as_str()).collect();
            self.error(
                at.to_owned(),
                format!(
                    "`{}` has no input port `{port}` (its ports: {})",
                    kind.dotted(),
                    suggest::list(&names)
                ),
            );
            return None;
        }
        let Some(source) = source.as_str() else {
            self.error(at.to_owned(), "expected \"node.port\"");
            return None;
        };
        let Some((node, out)) = source.rsplit_once('.') else {
            self.error(
                at.to_owned(),
                format!("expected \"node.port\", found \"{source}\""),
            );
            return None;
        };
        let Some(name) = self.names.get(node).cloned() else {
            self.error(at.to_owned(), format!("no node `{node}`"));
            return None;
        };
        // The source's kind, when it resolved, must have the port.
        let source_kind = ids
            .iter()
            .position(|id| id.as_deref() == Some(node))
            .and_then(|i| nodes.get(i))
            .and_then(|n| {
                let p = n.get("provider").and_then(Value::as_str);
                let a = n.get("action").and_then(Value::as_str)?;
                let dotted = match p {
                    Some(p) => format!("{}.{a}", p.to_ascii_lowercase()),
                    None if a.contains('.') => a.to_owned(),
                    None => {
                        let ty = n.get("type").and_then(Value::as_str).unwrap_or("");
                        std::iter::once(format!("{ty}.{a}"))
                            .chain(namespaces(ty).iter().map(|ns| format!("{ns}.{a}")))
                            .find(|c| crate::prelude::kind(c).is_some())?
                    }
                };
                crate::prelude::kind(&dotted).map(|d| &d.kind)
            });
        if let Some(k) = source_kind
            && !k.outputs.iter().any(|p| p.name == out)
        {
            let names: Vec<&str> = k.outputs.iter().map(|p| p.name.as_str()).collect();
            self.error(
                at.to_owned(),
                format!(
                    "`{node}` ({}) has no output `{out}` (its outputs: {})",
                    k.dotted(),
                    suggest::list(&names)
                ),
            );
            return None;
        }
        Some((node.to_owned(), format!("{name}.{out}")))
    }

    /// A condition written for a Python executor, as a Flow expression: node ids renamed,
    /// `&&` `||` `!` `==` spelled as Flow spells them.
    fn condition(&self, cond: &str, reads: &mut HashSet<String>) -> String {
        let mut out = String::new();
        let chars: Vec<char> = cond.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_alphabetic() || c == '_' {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let followed_by_dot = chars.get(i) == Some(&'.');
                match word.as_str() {
                    "True" | "true" => out.push_str("true"),
                    "False" | "false" => out.push_str("false"),
                    "AND" | "And" => out.push_str("and"),
                    "OR" | "Or" => out.push_str("or"),
                    "NOT" | "Not" => out.push_str("not"),
                    w if followed_by_dot && self.names.contains_key(w) => {
                        reads.insert(w.to_owned());
                        out.push_str(&self.names[w]);
                    }
                    w => out.push_str(w),
                }
                continue;
            }
            let next = chars.get(i + 1).copied();
            match (c, next) {
                ('&', Some('&')) => {
                    out.push_str(" and ");
                    i += 2;
                }
                ('|', Some('|')) => {
                    out.push_str(" or ");
                    i += 2;
                }
                ('!', Some('=')) => {
                    out.push_str("!=");
                    i += 2;
                }
                ('!', _) => {
                    out.push_str("not ");
                    i += 1;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn blocks_format(&mut self, root: &Map<String, Value>) -> Vec<Planned> {
        let Some(blocks) = root.get("blocks").and_then(Value::as_array) else {
            self.error("$.blocks", "expected an array of blocks");
            return Vec::new();
        };
        let ids = self.register(blocks, "blocks", "block");
        let mut planned: Vec<Planned> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, (block, id)) in blocks.iter().zip(&ids).enumerate() {
            let Some(id) = id else { continue };
            let path = format!("$.blocks[{i}]");
            let category = block.get("category").and_then(Value::as_str).unwrap_or("");
            let ty = block.get("type").and_then(Value::as_str).unwrap_or("");
            let mut candidates = Vec::new();
            if ty.contains('.') {
                candidates.push(ty.to_owned());
            } else if !ty.is_empty() {
                candidates.push(format!("{}.{ty}", category.to_ascii_lowercase()));
                candidates.extend(namespaces(category).iter().map(|ns| format!("{ns}.{ty}")));
                if let Some((ns, rest)) = ty.split_once('_') {
                    candidates.push(format!("{}.{rest}", ns.to_ascii_lowercase()));
                }
            }
            let kind = if candidates.is_empty() {
                self.error(format!("{path}.type"), "a block needs a `type`");
                None
            } else {
                self.resolve(&candidates, &format!("{path}.type"))
            };
            let doc = block.get("label").or_else(|| block.get("title"));
            let mut plan = Planned::new(id, &self.names[id], kind, doc);
            match kind {
                Some(kind) => {
                    let mut args = Vec::new();
                    self.constants(
                        kind,
                        block.get("properties"),
                        &format!("{path}.properties"),
                        &mut args,
                    );
                    plan.args = args;
                }
                None => {
                    plan.dropped = Some(format!(
                        "{path}: block `{id}` left out: its kind is unknown"
                    ));
                }
            }
            index.insert(id.clone(), planned.len());
            planned.push(plan);
        }
        let Some(connections) = root.get("connections") else {
            return planned;
        };
        let Value::Array(connections) = connections else {
            self.error("$.connections", "expected an array of connections");
            return planned;
        };
        for (c, conn) in connections.iter().enumerate() {
            let path = format!("$.connections[{c}]");
            let end = |side: &str| -> Option<(String, usize)> {
                let e = conn.get(side)?;
                let block = e.get("blockId").and_then(id_text)?;
                let idx = usize::try_from(e.get("index")?.as_u64()?).ok()?;
                Some((block, idx))
            };
            let (Some((from, out_i)), Some((to, in_i))) = (end("from"), end("to")) else {
                self.error(
                    path,
                    "a connection needs `from` and `to`, each {\"blockId\", \"index\"}",
                );
                continue;
            };
            let (Some(&fi), Some(&ti)) = (index.get(&from), index.get(&to)) else {
                for (side, id) in [("from", &from), ("to", &to)] {
                    if !index.contains_key(id) {
                        self.error(format!("{path}.{side}.blockId"), format!("no block `{id}`"));
                    }
                }
                continue;
            };
            let (Some(from_kind), Some(to_kind)) = (planned[fi].kind, planned[ti].kind) else {
                self.error(
                    path,
                    format!("`{from}` → `{to}` left out: a block it joins has an unknown kind"),
                );
                continue;
            };
            let block_of = |id: &str| {
                ids.iter()
                    .position(|x| x.as_deref() == Some(id))
                    .and_then(|i| blocks.get(i))
            };
            let out = self.port_at(
                block_of(&from),
                "outputs",
                from_kind,
                out_i,
                true,
                &format!("{path}.from.index"),
            );
            let inp = self.port_at(
                block_of(&to),
                "inputs",
                to_kind,
                in_i,
                false,
                &format!("{path}.to.index"),
            );
            let (Some(out), Some(inp)) = (out, inp) else {
                continue;
            };
            let source = format!("{}.{out}", planned[fi].name);
            let plan = &mut planned[ti];
            if plan.args.iter().any(|(p, v)| *p == inp && *v != source) {
                self.warn(
                    path.clone(),
                    format!("input `{inp}` of `{to}` was also set in its properties; the connection wins"),
                );
            }
            plan.args.retain(|(p, _)| *p != inp);
            plan.args.push((inp, source));
            plan.reads.insert(from);
        }
        planned
    }

    /// The name of port `index` of a block: from the block's own list when it has one
    /// (checked against the kind), else by the kind's declared order.
    fn port_at(
        &mut self,
        block: Option<&Value>,
        list: &str,
        kind: &Kind,
        index: usize,
        output: bool,
        path: &str,
    ) -> Option<String> {
        let declared = if output { &kind.outputs } else { &kind.inputs };
        let listed = block
            .and_then(|b| b.get(list))
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty());
        let name = match listed {
            Some(l) => l
                .get(index)
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            None => declared.get(index).map(|p| p.name.clone()),
        };
        let names: Vec<&str> = declared.iter().map(|p| p.name.as_str()).collect();
        match name {
            Some(n) if names.contains(&n.as_str()) => Some(n),
            Some(n) => {
                self.error(
                    path.to_owned(),
                    format!(
                        "`{}` has no {} `{n}` (its {}: {})",
                        kind.dotted(),
                        if output { "output" } else { "input port" },
                        if output { "outputs" } else { "input ports" },
                        suggest::list(&names)
                    ),
                );
                None
            }
            None => {
                self.error(
                    path.to_owned(),
                    format!(
                        "`{}` has no {} number {index} (it has {})",
                        kind.dotted(),
                        if output { "output" } else { "input port" },
                        names.len()
                    ),
                );
                None
            }
        }
    }

    /// The `.flow` text: nodes in the JSON's order, then outputs for what no node reads.
    fn render(&self, name: &str, doc: Option<&str>, nodes: &[Planned]) -> String {
        let mut out = String::new();
        match doc {
            Some(doc) => {
                for line in doc.lines() {
                    let _ = writeln!(out, "/// {line}");
                }
            }
            None => {
                let _ = writeln!(out, "/// Imported by `flowc import`.");
            }
        }
        let wf = identifier(name);
        let _ = writeln!(out, "workflow {wf} {{");
        let read: HashSet<&str> = nodes
            .iter()
            .flat_map(|n| n.reads.iter().map(String::as_str))
            .collect();
        let mut outputs: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Some(note) = &n.dropped {
                let _ = writeln!(out, "    // flowc import: {note}");
                continue;
            }
            let Some(kind) = n.kind else { continue };
            if let Some(doc) = &n.doc {
                for line in doc.lines() {
                    let _ = writeln!(out, "    /// {line}");
                }
            }
            // Arguments in the kind's declared order.
            let mut args = n.args.clone();
            args.sort_by_key(|(p, _)| kind.inputs.iter().position(|d| d.name == *p));
            let args: Vec<String> = args.iter().map(|(p, v)| format!("{p}: {v}")).collect();
            let _ = writeln!(
                out,
                "    node {} = {}({})",
                n.name,
                kind.dotted(),
                args.join(", ")
            );
            if let Some(when) = &n.when {
                let _ = writeln!(out, "        when {when}");
            }
            if !kind.effect && !read.contains(n.id.as_str()) {
                outputs.insert(
                    i,
                    kind.outputs
                        .iter()
                        .map(|p| {
                            format!("    output {}_{} = {}.{}", n.name, p.name, n.name, p.name)
                        })
                        .collect(),
                );
            }
        }
        for lines in outputs.values() {
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_flow_names() {
        assert_eq!(identifier("rsi-14"), "rsi_14");
        assert_eq!(identifier("1st"), "n_1st");
        assert_eq!(identifier("node"), "node_");
        assert_eq!(identifier(""), "n_");
    }

    #[test]
    fn literals_follow_the_port_type() {
        assert_eq!(literal(&serde_json::json!(14), &Type::I64), Ok("14".into()));
        assert_eq!(
            literal(&serde_json::json!(14.0), &Type::I64),
            Ok("14".into())
        );
        assert!(literal(&serde_json::json!(14.5), &Type::I64).is_err());
        assert_eq!(
            literal(&serde_json::json!("30"), &Type::F64),
            Ok("30".into())
        );
        assert_eq!(
            literal(&serde_json::json!("a\"b"), &Type::String),
            Ok("\"a\\\"b\"".into())
        );
        assert_eq!(
            literal(&serde_json::json!("250ms"), &Type::Duration),
            Ok("250ms".into())
        );
        assert!(literal(&serde_json::json!(250), &Type::Duration).is_err());
        assert!(literal(&serde_json::json!(1), &Type::Domain("OrderBook".into())).is_err());
    }

    #[test]
    fn not_json_and_neither_format_are_errors() {
        assert!(import("{", "x").is_err());
        assert!(import("[]", "x").is_err());
        assert!(import("{\"steps\": []}", "x").is_err());
    }
}
