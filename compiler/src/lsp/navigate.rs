//! What is at an offset of a document, and the two questions asked about it: hover (what
//! is it?) and go to definition (where is it declared?).
//!
//! The syntax tree answers for statements that parse. For a statement that does not (the
//! one being typed), the names it declares are still known ([`ast::Unparsed::declares`]),
//! and its kind is read from its tokens, so the rest of the workflow keeps resolving.

use lsp_types as lsp;

use super::convert::Files;
use super::world::Snapshot;
use crate::ast::{self, Expr, ExprKind, Item, Stmt, Workflow};
use crate::check::KindDecl;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::lexer::{self, TokKind};

/// A node of a workflow as far as it is known: parsed, or declared by a statement that
/// does not parse yet.
#[derive(Debug, Clone)]
pub(super) struct NodeInfo<'a> {
    pub name: String,
    pub name_span: Span,
    /// The dotted kind, when the statement got that far.
    pub kind: Option<String>,
    pub stmt: Option<&'a ast::Node>,
}

/// Every node of `w`, in source order of the parsed ones, then the broken ones.
pub(super) fn nodes<'a>(w: &'a Workflow, src: &str) -> Vec<NodeInfo<'a>> {
    let mut out: Vec<NodeInfo<'a>> = w
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Node(n) => Some(NodeInfo {
                name: n.name.name.clone(),
                name_span: n.name.span,
                kind: Some(n.kind.dotted()),
                stmt: Some(n),
            }),
            _ => None,
        })
        .collect();
    for u in &w.unparsed {
        let Some(name) = &u.declares else { continue };
        let text = src.get(u.span.range()).unwrap_or("");
        let first = lexer::lex(text)
            .into_iter()
            .find(|t| !matches!(t.kind, TokKind::Comment | TokKind::Doc));
        if first.is_none_or(|t| t.text(text) != "node") {
            continue;
        }
        out.push(NodeInfo {
            name: name.name.clone(),
            name_span: name.span,
            kind: kind_in_text(text),
            stmt: None,
        });
    }
    out
}

/// The kind path of a `node NAME = a.b(...` statement, read from its tokens.
fn kind_in_text(text: &str) -> Option<String> {
    let toks: Vec<&str> = lexer::lex(text)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokKind::Comment | TokKind::Doc))
        .map(|t| t.text(text))
        .collect();
    let at = toks.iter().position(|t| *t == "node")?;
    if toks.get(at + 2) != Some(&"=") {
        return None;
    }
    let mut path = String::new();
    let mut i = at + 3;
    while let Some(seg) = toks.get(i).filter(|t| is_ident(t)) {
        path.push_str(seg);
        if toks.get(i + 1) != Some(&".") {
            break;
        }
        path.push('.');
        i += 2;
    }
    (!path.is_empty() && !path.ends_with('.')).then_some(path)
}

pub(super) fn is_ident(s: &str) -> bool {
    s.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The params of `w`.
pub(super) fn params(w: &Workflow) -> impl Iterator<Item = &ast::Param> {
    w.body.iter().filter_map(|s| match s {
        Stmt::Param(p) => Some(p),
        _ => None,
    })
}

/// The workflow whose text holds `offset`; for a workflow left unclosed, also the text
/// after it up to the next item.
pub(super) fn workflow_at(file: &ast::File, offset: u32) -> Option<&Workflow> {
    let mut items = file.items.iter().peekable();
    while let Some(item) = items.next() {
        let Item::Workflow(w) = item else { continue };
        if w.span.start > offset {
            return None;
        }
        if offset <= w.span.end {
            return Some(w);
        }
        let next_start = items.peek().map_or(u32::MAX, |i| i.span().start);
        if w.recovered && offset < next_start {
            return Some(w);
        }
    }
    None
}

fn within(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// What the cursor is on.
#[derive(Debug)]
pub(super) enum Target<'a> {
    Kind {
        dotted: String,
        span: Span,
    },
    /// The name in a `node` statement, or a reference to a node.
    Node {
        node: NodeInfo<'a>,
        span: Span,
    },
    Port {
        node: NodeInfo<'a>,
        port: String,
        span: Span,
    },
    Param {
        param: &'a ast::Param,
        span: Span,
    },
    Arg {
        kind: String,
        name: &'a ast::Ident,
    },
    WithKey {
        key: &'a ast::Ident,
    },
    Type {
        name: &'a ast::Ident,
    },
    Output {
        w: &'a Workflow,
        output: &'a ast::Output,
    },
    Workflow {
        w: &'a Workflow,
    },
    Builtin {
        name: String,
        span: Span,
    },
    Use {
        u: &'a ast::Use,
    },
    ExternPort {
        kind: String,
        port: &'a ast::PortDecl,
        output: bool,
    },
}

/// The target at `offset` of the snapshot's document.
pub(super) fn target_at(snap: &Snapshot, offset: u32) -> Option<Target<'_>> {
    let file = snap.ast();
    let src = snap.text();
    for item in &file.items {
        if !within(item.span(), offset) {
            continue;
        }
        match item {
            Item::Workflow(w) => {
                if within(w.name.span, offset) && !w.name.name.is_empty() {
                    return Some(Target::Workflow { w });
                }
                for stmt in &w.body {
                    if within(stmt.span(), offset)
                        && let Some(t) = stmt_target(w, stmt, offset, src)
                    {
                        return Some(t);
                    }
                }
                return token_target(snap, w, offset);
            }
            Item::ExternNode(n) => {
                if within(n.path.span, offset) {
                    return Some(Target::Kind {
                        dotted: n.path.dotted(),
                        span: n.path.span,
                    });
                }
                let ports = n.inputs.iter().map(|p| (p, false));
                for (port, output) in ports.chain(n.outputs.iter().map(|p| (p, true))) {
                    if within(port.name.span, offset) {
                        return Some(Target::ExternPort {
                            kind: n.path.dotted(),
                            port,
                            output,
                        });
                    }
                    if within(port.ty.span, offset) {
                        return Some(Target::Type { name: &port.ty });
                    }
                }
            }
            Item::ExternType(t) => {
                if within(t.name.span, offset) {
                    return Some(Target::Type { name: &t.name });
                }
            }
            Item::Use(u) => {
                if within(u.path.span, offset) {
                    return Some(Target::Use { u });
                }
            }
        }
    }
    None
}

fn stmt_target<'a>(w: &'a Workflow, stmt: &'a Stmt, offset: u32, src: &str) -> Option<Target<'a>> {
    match stmt {
        Stmt::Param(p) => {
            if within(p.name.span, offset) {
                return Some(Target::Param {
                    param: p,
                    span: p.name.span,
                });
            }
            if within(p.ty.span, offset) {
                return Some(Target::Type { name: &p.ty });
            }
            p.default
                .as_ref()
                .and_then(|e| expr_target(w, e, offset, src))
        }
        Stmt::Schedule(_) => None,
        Stmt::Node(n) => {
            if within(n.name.span, offset) {
                let node = nodes(w, src)
                    .into_iter()
                    .find(|i| i.name_span == n.name.span)?;
                return Some(Target::Node {
                    node,
                    span: n.name.span,
                });
            }
            if within(n.kind.span, offset) {
                return Some(Target::Kind {
                    dotted: n.kind.dotted(),
                    span: n.kind.span,
                });
            }
            for a in &n.args {
                if within(a.name.span, offset) {
                    return Some(Target::Arg {
                        kind: n.kind.dotted(),
                        name: &a.name,
                    });
                }
                if within(a.value.span, offset) {
                    return expr_target(w, &a.value, offset, src);
                }
            }
            if let Some(e) = &n.when
                && within(e.span, offset)
            {
                return expr_target(w, e, offset, src);
            }
            if let Some(with) = &n.with {
                for e in &with.entries {
                    if within(e.key.span, offset) {
                        return Some(Target::WithKey { key: &e.key });
                    }
                    if within(e.value.span, offset) {
                        return expr_target(w, &e.value, offset, src);
                    }
                }
            }
            None
        }
        Stmt::Output(o) => {
            if within(o.name.span, offset) {
                return Some(Target::Output { w, output: o });
            }
            expr_target(w, &o.value, offset, src)
        }
    }
}

fn expr_target<'a>(w: &'a Workflow, e: &'a Expr, offset: u32, src: &str) -> Option<Target<'a>> {
    if !within(e.span, offset) {
        return None;
    }
    match &e.kind {
        ExprKind::Ref(path) => {
            let first = path.segments.first()?;
            if within(first.span, offset) {
                return name_target(w, &first.name, first.span, src);
            }
            let port = path.segments.get(1)?;
            if within(port.span, offset) {
                let node = nodes(w, src).into_iter().find(|n| n.name == first.name)?;
                return Some(Target::Port {
                    node,
                    port: port.name.clone(),
                    span: port.span,
                });
            }
            None
        }
        ExprKind::Unary { operand, .. } => expr_target(w, operand, offset, src),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_target(w, lhs, offset, src).or_else(|| expr_target(w, rhs, offset, src))
        }
        ExprKind::Call { func, args } => {
            if within(func.span, offset) {
                return Some(Target::Builtin {
                    name: func.name.clone(),
                    span: func.span,
                });
            }
            args.iter().find_map(|a| expr_target(w, a, offset, src))
        }
        ExprKind::Prev { keyword, args } => {
            if within(*keyword, offset) {
                return Some(Target::Builtin {
                    name: "prev".to_owned(),
                    span: *keyword,
                });
            }
            args.iter().find_map(|a| expr_target(w, a, offset, src))
        }
        ExprKind::Paren(inner) => expr_target(w, inner, offset, src),
        _ => None,
    }
}

/// A bare name in an expression: a node, a param, or `inf`.
fn name_target<'a>(w: &'a Workflow, name: &str, span: Span, src: &str) -> Option<Target<'a>> {
    if let Some(node) = nodes(w, src).into_iter().find(|n| n.name == name) {
        return Some(Target::Node { node, span });
    }
    if let Some(param) = params(w).find(|p| p.name.name == name) {
        return Some(Target::Param { param, span });
    }
    (name == "inf").then(|| Target::Builtin {
        name: name.to_owned(),
        span,
    })
}

/// For text the syntax tree does not cover (a statement that does not parse): the dotted
/// path under the cursor, as a kind or as a node reference.
fn token_target<'a>(snap: &'a Snapshot, w: &'a Workflow, offset: u32) -> Option<Target<'a>> {
    let src = snap.text();
    let toks = lexer::lex(src);
    let at = toks
        .iter()
        .position(|t| t.kind == TokKind::Ident && t.start <= offset && offset <= t.end)?;
    // Extend to the whole dotted path around the identifier.
    let is_dot = |i: usize| toks.get(i).is_some_and(|t| t.is_punct(src, "."));
    let is_id = |i: usize| toks.get(i).is_some_and(|t| t.kind == TokKind::Ident);
    let mut first = at;
    while first >= 2 && is_dot(first - 1) && is_id(first - 2) {
        first -= 2;
    }
    let mut last = at;
    while is_dot(last + 1) && is_id(last + 2) {
        last += 2;
    }
    let segs: Vec<&str> = (first..=last)
        .step_by(2)
        .map(|i| toks[i].text(src))
        .collect();
    let span = Span::new(toks[first].start as usize, toks[last].end as usize);
    let dotted = segs.join(".");
    if snap.library.kind(&dotted).is_some() {
        return Some(Target::Kind { dotted, span });
    }
    let tok = toks[at];
    let tok_span = Span::new(tok.start as usize, tok.end as usize);
    if at == first {
        return name_target(w, segs[0], tok_span, src);
    }
    if at == first + 2 {
        let node = nodes(w, src).into_iter().find(|n| n.name == segs[0])?;
        return Some(Target::Port {
            node,
            port: segs[1].to_owned(),
            span: tok_span,
        });
    }
    None
}

// ---------------------------------------------------------------------------------------
// Hover
// ---------------------------------------------------------------------------------------

/// Collapses whitespace runs, so a declaration split over lines shows on one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `extern [io|effect] node PATH(PORTS) -> (PORTS)`, ports as declared (defaults too).
pub(super) fn signature(snap: &Snapshot, k: &KindDecl) -> String {
    let file = snap.file(k.file);
    let port = |span: Option<&Span>, p: &crate::graph::PortDecl| {
        span.and_then(|s| file.and_then(|f| f.text.get(s.range())))
            .map(one_line)
            .unwrap_or_else(|| format!("{}: {}", p.name, p.ty.name()))
    };
    let ins: Vec<String> = k
        .kind
        .inputs
        .iter()
        .enumerate()
        .map(|(i, p)| port(k.input_spans.get(i), p))
        .collect();
    let outs: Vec<String> = k
        .kind
        .outputs
        .iter()
        .enumerate()
        .map(|(i, p)| port(k.output_spans.get(i), p))
        .collect();
    let class = if k.kind.effect {
        "effect "
    } else if k.kind.io {
        "io "
    } else {
        ""
    };
    format!(
        "extern {class}node {}({}) -> ({})",
        k.kind.dotted(),
        ins.join(", "),
        outs.join(", ")
    )
}

fn code(text: &str) -> String {
    format!("```flow\n{text}\n```")
}

/// The declaration text of input port `name` of `k`.
pub(super) fn port_text(snap: &Snapshot, k: &KindDecl, name: &str, output: bool) -> Option<String> {
    let (ports, spans) = if output {
        (&k.kind.outputs, &k.output_spans)
    } else {
        (&k.kind.inputs, &k.input_spans)
    };
    let i = ports.iter().position(|p| p.name == name)?;
    let text = spans
        .get(i)
        .and_then(|s| snap.file(k.file)?.text.get(s.range()).map(one_line));
    Some(text.unwrap_or_else(|| format!("{}: {}", ports[i].name, ports[i].ty.name())))
}

fn kind_markdown(snap: &Snapshot, k: &KindDecl) -> String {
    let mut md = code(&signature(snap, k));
    if let Some(doc) = &k.kind.doc {
        md.push_str("\n\n");
        md.push_str(doc);
    }
    md
}

/// The doc comment of a parsed statement.
fn doc_of(doc: &Option<ast::Doc>) -> Option<&str> {
    doc.as_ref().map(|d| d.text.as_str())
}

pub(super) const POLICY_KEYS: &[(&str, &str, &str)] = &[
    (
        "retry",
        "i64",
        "Extra attempts after a failure: `retry: 3` means up to 4 calls.",
    ),
    ("backoff", "Duration", "The wait before each retry."),
    (
        "timeout",
        "Duration",
        "The longest one attempt may take before it counts as failed.",
    ),
    (
        "breaker",
        "i64",
        "Consecutive failed ticks that open the node's circuit breaker (it then stops being called).",
    ),
];

pub(super) const BUILTINS: &[(&str, &str, &str)] = &[
    (
        "abs",
        "abs(x: f64) -> f64",
        "The absolute value (also for `i64`).",
    ),
    (
        "min",
        "min(a, b)",
        "The smaller of two numbers of the same type.",
    ),
    (
        "max",
        "max(a, b)",
        "The larger of two numbers of the same type.",
    ),
    (
        "prev",
        "prev(expr, init)",
        "The value `expr` had on the previous tick (`init` on the first): the only way to feed a value back, and it makes no cycle.",
    ),
    (
        "inf",
        "inf: f64",
        "Positive infinity; `-inf` is its negation.",
    ),
];

/// Hover for the position: a Markdown description and the range it is about.
pub(super) fn hover(snap: &Snapshot, pos: lsp::Position) -> Option<lsp::Hover> {
    let offset = snap.offset(pos);
    let target = target_at(snap, offset)?;
    let src = snap.text();
    let lib = &snap.library;
    let (md, span) = match target {
        Target::Kind { dotted, span } => (kind_markdown(snap, lib.kind(&dotted)?), span),
        Target::Node { node, span, .. } => {
            let kind = node.kind.as_deref().unwrap_or("?");
            let mut md = code(&format!("node {}: {kind}", node.name));
            if let Some(doc) = node.stmt.and_then(|n| doc_of(&n.doc)) {
                md.push_str("\n\n");
                md.push_str(doc);
            }
            if let Some(k) = node.kind.as_deref().and_then(|k| lib.kind(k)) {
                md.push_str("\n\n---\n\n");
                md.push_str(&kind_markdown(snap, k));
            }
            (md, span)
        }
        Target::Port { node, port, span } => {
            let k = lib.kind(node.kind.as_deref()?)?;
            let p = k.kind.outputs.iter().find(|p| p.name == port)?;
            let md = format!(
                "{}\n\nOutput port `{port}` of `{}` (`{}`).",
                code(&format!("{}.{port}: {}", node.name, p.ty.name())),
                node.name,
                k.kind.dotted()
            );
            (md, span)
        }
        Target::Param { param, span, .. } => {
            let mut text = format!("param {}: {}", param.name.name, param.ty.name);
            if let Some(d) = &param.default {
                text.push_str(" = ");
                text.push_str(&one_line(src.get(d.span.range()).unwrap_or("")));
            }
            let mut md = code(&text);
            if let Some(doc) = doc_of(&param.doc) {
                md.push_str("\n\n");
                md.push_str(doc);
            }
            (md, span)
        }
        Target::Arg { kind, name } => {
            let k = lib.kind(&kind)?;
            let text = port_text(snap, k, &name.name, false)?;
            (
                format!("{}\n\nInput port of `{kind}`.", code(&text)),
                name.span,
            )
        }
        Target::ExternPort { kind, port, output } => {
            let text = one_line(src.get(port.span.range()).unwrap_or(""));
            let what = if output { "Output" } else { "Input" };
            (
                format!("{}\n\n{what} port of `{kind}`.", code(&text)),
                port.name.span,
            )
        }
        Target::WithKey { key } => {
            let (_, ty, doc) = POLICY_KEYS.iter().find(|(k, _, _)| *k == key.name)?;
            (
                format!("{}\n\n{doc}", code(&format!("{}: {ty}", key.name))),
                key.span,
            )
        }
        Target::Type { name } => {
            let builtin = lib
                .resolve_type(&name.name)
                .is_some_and(|t| !matches!(t, crate::graph::Type::Domain(_)));
            let md = if builtin {
                format!("{}\n\nA built-in type.", code(&name.name))
            } else {
                let t = lib.type_decl(&name.name)?;
                let mut md = code(&format!("extern type {}", t.name));
                if let Some(doc) = &t.doc {
                    md.push_str("\n\n");
                    md.push_str(doc);
                }
                md
            };
            (md, name.span)
        }
        Target::Output { w, output } => {
            let ty = snap
                .analysis
                .graphs
                .iter()
                .find(|g| g.name == w.name.name)
                .and_then(|g| g.outputs.iter().find(|o| o.name == output.name.name))
                .map(|o| format!(": {}", o.ty.name()))
                .unwrap_or_default();
            let mut md = code(&format!("output {}{ty}", output.name.name));
            if let Some(doc) = doc_of(&output.doc) {
                md.push_str("\n\n");
                md.push_str(doc);
            }
            (md, output.name.span)
        }
        Target::Workflow { w } => {
            let mut md = code(&format!("workflow {}", w.name.name));
            if let Some(doc) = doc_of(&w.doc) {
                md.push_str("\n\n");
                md.push_str(doc);
            }
            (md, w.name.span)
        }
        Target::Builtin { name, span } => {
            let (_, sig, doc) = BUILTINS.iter().find(|(n, _, _)| *n == name)?;
            (format!("{}\n\n{doc}", code(sig)), span)
        }
        Target::Use { u } => {
            let path = used_file(snap, u)?;
            let name = snap.file(path).map(|f| f.name.clone())?;
            (format!("`{name}`"), u.path.span)
        }
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: md,
        }),
        range: Some(snap.range(span)),
    })
}

/// The file a `use` declaration of the document loaded.
fn used_file(snap: &Snapshot, u: &ast::Use) -> Option<FileId> {
    let root = std::path::Path::new(&snap.root().name);
    let dir = root.parent()?;
    let full = super::world::normalize(&dir.join(&u.path.value));
    let name = full.display().to_string();
    snap.analysis.sources.find(&name)
}

// ---------------------------------------------------------------------------------------
// Go to definition
// ---------------------------------------------------------------------------------------

/// Where the thing at the position is declared.
pub(super) fn definition(
    snap: &Snapshot,
    pos: lsp::Position,
) -> Option<lsp::GotoDefinitionResponse> {
    let offset = snap.offset(pos);
    let target = target_at(snap, offset)?;
    let lib = &snap.library;
    let location = match target {
        Target::Kind { dotted, .. } => {
            let k = lib.kind(&dotted)?;
            snap.location(k.file, k.path_span)?
        }
        Target::Node { node, .. } => snap.location(FileId::ROOT, node.name_span)?,
        Target::Port { node, port, .. } => {
            let k = lib.kind(node.kind.as_deref()?)?;
            let i = k.kind.outputs.iter().position(|p| p.name == port)?;
            snap.location(k.file, *k.output_spans.get(i)?)?
        }
        Target::Param { param, .. } => snap.location(FileId::ROOT, param.name.span)?,
        Target::Arg { kind, name } => {
            let k = lib.kind(&kind)?;
            let i = k.kind.inputs.iter().position(|p| p.name == name.name)?;
            snap.location(k.file, *k.input_spans.get(i)?)?
        }
        Target::Type { name } => {
            let t = lib.type_decl(&name.name)?;
            snap.location(t.file, t.span)?
        }
        Target::Use { u } => {
            let id = used_file(snap, u)?;
            snap.location(id, Span::default())?
        }
        Target::ExternPort { port, .. } => snap.location(FileId::ROOT, port.name.span)?,
        Target::Output { output, .. } => snap.location(FileId::ROOT, output.name.span)?,
        Target::Workflow { w } => snap.location(FileId::ROOT, w.name.span)?,
        Target::WithKey { .. } | Target::Builtin { .. } => return None,
    };
    Some(lsp::GotoDefinitionResponse::Scalar(location))
}
