//! Checking one workflow: names, kinds, arguments, conditions, policies, the schedule,
//! outputs, the dependency graph, and the warnings; then building its [`CheckedGraph`].

use std::collections::HashMap;

use super::expr::{
    Binding, Edge, Names, NodeSig, ParamSig, Place, Reads, Typed, Typer, coerce, conversion_help,
    mismatch,
};
use super::library::{KindDecl, Library};
use super::order;
use super::suggest::{did_you_mean, list};
use crate::ast::{self, ScheduleKind, Stmt};
use crate::diagnostics::{Code, Diagnostic, has_errors};
use crate::graph::{self, CheckedGraph, Expr, ExprKind, NodeId, Policy, Prev, Schedule, Type};
use crate::source::FileId;
use crate::span::Span;

/// What the workflow check needs from its surroundings.
pub(super) struct Context<'a> {
    pub lib: &'a Library,
    pub file: FileId,
    /// Names of kinds declared by `extern` declarations that did not parse.
    pub broken_kinds: &'a [&'a str],
    /// Whether the workflow may produce a graph (false after errors outside it).
    pub may_build: bool,
}

/// A node as checked so far: one value per input port of its kind.
struct NodeOut {
    args: Vec<Option<Expr>>,
    when: Option<Expr>,
    policy: Policy,
}

/// Checks `w`, appending its diagnostics; returns its graph when it has no errors.
pub(super) fn check_workflow(
    w: &ast::Workflow,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CheckedGraph> {
    let mut d: Vec<Diagnostic> = Vec::new();
    let params: Vec<&ast::Param> = w
        .body
        .iter()
        .filter_map(|s| {
            if let Stmt::Param(p) = s {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    let nodes: Vec<&ast::Node> = w
        .body
        .iter()
        .filter_map(|s| if let Stmt::Node(n) = s { Some(n) } else { None })
        .collect();
    let outputs: Vec<&ast::Output> = w
        .body
        .iter()
        .filter_map(|s| {
            if let Stmt::Output(o) = s {
                Some(o)
            } else {
                None
            }
        })
        .collect();
    let schedules: Vec<&ast::Schedule> = w
        .body
        .iter()
        .filter_map(|s| {
            if let Stmt::Schedule(x) = s {
                Some(x)
            } else {
                None
            }
        })
        .collect();

    // Names: params and nodes share one namespace.
    let mut names = Names::default();
    let mut first_span: HashMap<&str, Span> = HashMap::new();
    for (i, p) in params.iter().enumerate() {
        declare(
            &p.name,
            Binding::Param(i as u32),
            &mut d,
            &mut names,
            &mut first_span,
        );
        let ty = cx
            .lib
            .type_or_report(&p.ty, cx.file, cx.broken_kinds, &mut d);
        names.params.push(ParamSig { ty });
    }
    for (i, n) in nodes.iter().enumerate() {
        declare(
            &n.name,
            Binding::Node(i as u32),
            &mut d,
            &mut names,
            &mut first_span,
        );
        let kind = resolve_kind(n, cx, &mut d);
        names.nodes.push(NodeSig {
            name: &n.name.name,
            kind,
            name_span: n.name.span,
        });
    }
    for u in &w.unparsed {
        if let Some(name) = &u.declares {
            names.map.entry(&name.name).or_insert(Binding::Broken);
        }
    }

    let mut reads = Reads {
        params_used: vec![false; params.len()],
        used_outputs: vec![Vec::new(); nodes.len()],
        edges: Vec::new(),
    };
    let mut prevs: Vec<Prev> = Vec::new();
    let mut poisoned = false;

    // Params.
    let mut param_defaults: Vec<Option<Expr>> = Vec::with_capacity(params.len());
    for (i, p) in params.iter().enumerate() {
        let mut value = None;
        if let Some(e) = &p.default {
            let mut typer = Typer::new(
                &mut d,
                Some(&names),
                &mut reads,
                &mut prevs,
                Place::ParamDefault(i as u32),
            );
            let typed = typer.check(e);
            poisoned |= typer.poisoned;
            if let (Some(t), Some(ty)) = (typed, &names.params[i].ty) {
                match coerce(t, ty) {
                    Ok(expr) => value = Some(expr),
                    Err(t) => d.push(mismatch(
                        format!(
                            "type mismatch: param `{}` is {}, but its default is {}",
                            p.name.name,
                            ty.name(),
                            t.expr.ty.name()
                        ),
                        ty,
                        &t,
                        e,
                        Some((
                            cx.file,
                            p.ty.span,
                            format!("`{}` is declared {} here", p.name.name, ty.name()),
                        )),
                    )),
                }
            }
        }
        param_defaults.push(value);
    }

    // Nodes.
    let mut checked: Vec<NodeOut> = Vec::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        let kind = names.nodes[i].kind;
        let mut out = NodeOut {
            args: vec![None; kind.map_or(0, |k| k.kind.inputs.len())],
            when: None,
            policy: Policy::default(),
        };
        let mut given: Vec<Option<&ast::Arg>> = vec![None; out.args.len()];
        let mut claimed: Vec<usize> = Vec::new();
        for arg in &n.args {
            let mut typer = Typer::new(
                &mut d,
                Some(&names),
                &mut reads,
                &mut prevs,
                Place::Node(i as u32),
            );
            let typed = typer.check(&arg.value);
            poisoned |= typer.poisoned;
            let Some(k) = kind else { continue };
            let Some(p) = k.kind.inputs.iter().position(|p| p.name == arg.name.name) else {
                let (diag, suggested) = unknown_argument(k, n, arg, &given);
                d.push(diag);
                // The misspelt argument is the suggested port: not missing as well.
                if let Some(p) = suggested {
                    claimed.push(p);
                }
                continue;
            };
            if let Some(first) = given[p] {
                d.push(
                    Diagnostic::new(
                        Code::E0103,
                        format!(
                            "argument `{}` of node `{}` is given twice",
                            arg.name.name, n.name.name
                        ),
                        arg.name.span,
                        "given again here",
                    )
                    .with_label(first.name.span, "first given here")
                    .with_help("each input port takes one value; remove one of the two"),
                );
                continue;
            }
            given[p] = Some(arg);
            let Some(t) = typed else { continue };
            let port = &k.kind.inputs[p];
            match coerce(t, &port.ty) {
                Ok(expr) => out.args[p] = Some(expr),
                Err(t) => {
                    let mut diag = mismatch(
                        format!(
                            "type mismatch: argument `{}` of `{}` expects {}, found {}",
                            port.name,
                            k.kind.dotted(),
                            port.ty.name(),
                            t.expr.ty.name()
                        ),
                        &port.ty,
                        &t,
                        &arg.value,
                        Some((
                            k.file,
                            k.input_spans[p],
                            format!("`{}` is declared {} here", port.name, port.ty.name()),
                        )),
                    );
                    if let Some(label) = producer_label(&arg.value, &t, &names) {
                        diag = diag.with_label(label.0, label.1);
                    }
                    d.push(diag);
                }
            }
        }
        if let Some(k) = kind {
            let missing: Vec<&graph::PortDecl> = k
                .kind
                .inputs
                .iter()
                .zip(&given)
                .enumerate()
                .filter(|(i, (p, g))| g.is_none() && p.default.is_none() && !claimed.contains(i))
                .map(|(_, pg)| pg)
                .map(|(p, _)| p)
                .collect();
            if !missing.is_empty() {
                d.push(missing_arguments(k, n, &missing));
            }
        }
        if let Some(e) = &n.when {
            let mut typer = Typer::new(
                &mut d,
                Some(&names),
                &mut reads,
                &mut prevs,
                Place::Node(i as u32),
            );
            let typed = typer.check(e);
            poisoned |= typer.poisoned;
            if let Some(t) = typed {
                match coerce(t, &Type::Bool) {
                    Ok(expr) => out.when = Some(expr),
                    Err(t) => {
                        let found = t.expr.ty.name();
                        let mut diag = Diagnostic::new(
                            Code::E0201,
                            format!(
                                "the `when` condition of node `{}` is {found}, not bool",
                                n.name.name
                            ),
                            e.span,
                            format!("this is {found}"),
                        )
                        .with_help_opt(conversion_help(
                            &Type::Bool,
                            &t.expr.ty,
                            e,
                        ));
                        if let Some(label) = producer_label(e, &t, &names) {
                            diag = diag.with_label(label.0, label.1);
                        }
                        d.push(diag);
                    }
                }
            }
        }
        if let Some(with) = &n.with {
            let (policy, p) = check_policy(with, &names, &mut reads, &mut prevs, &mut d);
            out.policy = policy;
            poisoned |= p;
        }
        checked.push(out);
    }

    // Outputs: their own namespace.
    let mut output_values: Vec<Option<Expr>> = Vec::with_capacity(outputs.len());
    for (i, o) in outputs.iter().enumerate() {
        if let Some(first) = outputs[..i].iter().find(|p| p.name.name == o.name.name) {
            d.push(
                Diagnostic::new(
                    Code::E0106,
                    format!("output `{}` is defined twice", o.name.name),
                    o.name.span,
                    "defined again here",
                )
                .with_label(first.name.span, "first defined here")
                .with_help("rename one of the outputs"),
            );
        }
        let mut typer = Typer::new(&mut d, Some(&names), &mut reads, &mut prevs, Place::Output);
        let typed = typer.check(&o.value);
        poisoned |= typer.poisoned;
        output_values.push(typed.map(|t| t.expr));
    }

    let (schedule, p) = check_schedule(&schedules, &mut d);
    poisoned |= p;

    // The graph: edges through arguments and `when`, never through `prev`.
    let mut deps: Vec<Vec<u32>> = vec![Vec::new(); nodes.len()];
    for e in &reads.edges {
        deps[e.reader as usize].push(e.source);
    }
    for ds in &mut deps {
        ds.sort_unstable();
        ds.dedup();
    }
    let ordered = match order::order(&deps) {
        Ok(o) => Some(o),
        Err(cycles) => {
            for cycle in cycles {
                d.push(cycle_diagnostic(&cycle, &names, &reads.edges));
            }
            None
        }
    };

    // Warnings only for a workflow without errors: a read that failed to resolve (a
    // misspelt port, a broken statement) would otherwise make its target look unused.
    if !w.recovered && !poisoned && !has_errors(&d) {
        for (i, n) in nodes.iter().enumerate() {
            if let Some(k) = names.nodes[i].kind
                && !k.kind.effect
                && reads.used_outputs[i].is_empty()
                && names.map.get(n.name.name.as_str()) == Some(&Binding::Node(i as u32))
            {
                let example = match k.kind.outputs.first() {
                    Some(p) => format!(
                        "read one of its outputs (e.g. `output {0} = {1}.{0}`) or remove it",
                        p.name, n.name.name
                    ),
                    None => "remove it".to_owned(),
                };
                d.push(
                    Diagnostic::new(
                        Code::W0001,
                        format!(
                            "node `{}` is never read, and `{}` has no side effect",
                            n.name.name,
                            k.kind.dotted()
                        ),
                        n.name.span,
                        "never read",
                    )
                    .with_help(format!(
                        "running it only computes values nobody uses: {example}"
                    )),
                );
            }
        }
        for (i, p) in params.iter().enumerate() {
            if !reads.params_used[i]
                && names.map.get(p.name.name.as_str()) == Some(&Binding::Param(i as u32))
            {
                d.push(
                    Diagnostic::new(
                        Code::W0002,
                        format!("param `{}` is never used", p.name.name),
                        p.name.span,
                        "never used",
                    )
                    .with_help(format!(
                        "use `{}` in an expression, or remove the param",
                        p.name.name
                    )),
                );
            }
        }
    }

    let failed = has_errors(&d) || poisoned || w.recovered || !cx.may_build;
    diags.extend(d.into_iter().map(|x| x.in_file(cx.file)));
    if failed {
        return None;
    }
    let order = ordered?;
    let schedule = schedule?;
    Some(build_graph(
        w,
        &params,
        &nodes,
        &outputs,
        &names,
        checked,
        param_defaults,
        output_values,
        prevs,
        reads,
        &deps,
        order,
        schedule,
    ))
}

/// Binds a param or node name, or reports it as defined twice.
fn declare<'a>(
    name: &'a ast::Ident,
    binding: Binding,
    d: &mut Vec<Diagnostic>,
    names: &mut Names<'a>,
    first_span: &mut HashMap<&'a str, Span>,
) {
    if name.name == "inf" {
        d.push(
            Diagnostic::new(
                Code::E0106,
                "`inf` is a built-in constant and cannot be redefined",
                name.span,
                "already defined",
            )
            .with_help("choose another name"),
        );
        return;
    }
    if let Some(&first) = first_span.get(name.name.as_str()) {
        d.push(
            Diagnostic::new(
                Code::E0106,
                format!("the name `{}` is defined twice", name.name),
                name.span,
                "defined again here",
            )
            .with_label(first, "first defined here")
            .with_help("nodes and params share one namespace in a workflow; rename one of them"),
        );
        return;
    }
    first_span.insert(&name.name, name.span);
    names.map.insert(&name.name, binding);
}

/// The kind a node statement names, or E0100.
fn resolve_kind<'a>(
    n: &ast::Node,
    cx: &Context<'a>,
    d: &mut Vec<Diagnostic>,
) -> Option<&'a KindDecl> {
    let dotted = n.kind.dotted();
    if let Some(k) = cx.lib.kind(&dotted) {
        return Some(k);
    }
    if cx.broken_kinds.contains(&dotted.as_str()) {
        return None;
    }
    let all: Vec<String> = cx.lib.kinds().map(|k| k.kind.dotted()).collect();
    let help = if let Some(s) = did_you_mean(&dotted, all.iter().map(String::as_str)) {
        format!("did you mean `{s}`?")
    } else if let Some(ns) = n
        .kind
        .segments
        .first()
        .filter(|_| n.kind.segments.len() > 1)
        && let in_ns = all
            .iter()
            .filter(|k| k.split('.').next() == Some(ns.name.as_str()))
            .map(String::as_str)
            .collect::<Vec<_>>()
        && !in_ns.is_empty()
    {
        format!("`{}` has the kinds {}", ns.name, list(&in_ns))
    } else {
        "node kinds are declared with `extern node`; the node library is in runtime/prelude.flow"
            .to_owned()
    };
    d.push(
        Diagnostic::new(
            Code::E0100,
            format!("unknown node kind `{dotted}`"),
            n.kind.span,
            "no such node kind",
        )
        .with_help(help),
    );
    None
}

fn unknown_argument(
    k: &KindDecl,
    n: &ast::Node,
    arg: &ast::Arg,
    given: &[Option<&ast::Arg>],
) -> (Diagnostic, Option<usize>) {
    let free: Vec<&str> = k
        .kind
        .inputs
        .iter()
        .zip(given)
        .filter(|(_, g)| g.is_none())
        .map(|(p, _)| p.name.as_str())
        .collect();
    let all: Vec<&str> = k.kind.inputs.iter().map(|p| p.name.as_str()).collect();
    let suggestion = did_you_mean(&arg.name.name, free.iter().copied())
        .or_else(|| did_you_mean(&arg.name.name, all.iter().copied()));
    let ports: Vec<String> = k
        .kind
        .inputs
        .iter()
        .map(|p| format!("{}: {}", p.name, p.ty.name()))
        .collect();
    let ports: Vec<&str> = ports.iter().map(String::as_str).collect();
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None if all.is_empty() => format!("`{}` takes no arguments", k.kind.dotted()),
        None => format!("`{}` takes {}", k.kind.dotted(), list(&ports)),
    };
    let diag = Diagnostic::new(
        Code::E0101,
        format!(
            "`{}` has no input port `{}`",
            k.kind.dotted(),
            arg.name.name
        ),
        arg.name.span,
        "unknown argument",
    )
    .with_label(
        n.kind.span,
        format!("node `{}` is a `{}`", n.name.name, k.kind.dotted()),
    )
    .with_help(help);
    let port = suggestion.and_then(|s| all.iter().position(|p| *p == s));
    (diag, port)
}

fn missing_arguments(k: &KindDecl, n: &ast::Node, missing: &[&graph::PortDecl]) -> Diagnostic {
    let names: Vec<&str> = missing.iter().map(|p| p.name.as_str()).collect();
    let example: Vec<String> = missing
        .iter()
        .map(|p| format!("{}: {}", p.name, placeholder(&p.ty)))
        .collect();
    let (message, label) = if missing.len() == 1 {
        (
            format!(
                "node `{}` is missing the argument `{}` ({}) of `{}`",
                n.name.name,
                names[0],
                missing[0].ty.name(),
                k.kind.dotted()
            ),
            format!("missing `{}`", names[0]),
        )
    } else {
        (
            format!(
                "node `{}` is missing the arguments {} of `{}`",
                n.name.name,
                list(&names),
                k.kind.dotted()
            ),
            format!("missing {}", list(&names)),
        )
    };
    let mut d = Diagnostic::new(Code::E0102, message, n.kind.span, label).with_help(format!(
        "add {} to the arguments",
        example
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for p in missing {
        if let Some(i) = k.kind.inputs.iter().position(|q| q.name == p.name) {
            d = d.with_label_in(
                k.file,
                k.input_spans[i],
                format!("`{}` is declared here, without a default", p.name),
            );
        }
    }
    d
}

/// An example value of a type, for help lines.
fn placeholder(ty: &Type) -> String {
    match ty {
        Type::F64 => "0.0".to_owned(),
        Type::I64 => "0".to_owned(),
        Type::Bool => "false".to_owned(),
        Type::String => "\"...\"".to_owned(),
        Type::Duration => "1s".to_owned(),
        Type::Domain(name) => format!("<a {name}>"),
    }
}

/// When a value is read straight from a node's port, a label on that node: the other end
/// of the mistyped edge.
fn producer_label(value: &ast::Expr, t: &Typed, names: &Names<'_>) -> Option<(Span, String)> {
    let ExprKind::Port { node, port } = t.expr.kind else {
        return None;
    };
    let ast::ExprKind::Ref(_) = value.kind else {
        return None;
    };
    let sig = names.nodes.get(node.0 as usize)?;
    let kind = sig.kind?;
    let p = kind.kind.outputs.get(port as usize)?;
    Some((
        sig.name_span,
        format!(
            "`{}.{}` is {}: an output of `{}`",
            sig.name,
            p.name,
            p.ty.name(),
            kind.kind.dotted()
        ),
    ))
}

const POLICY_KEYS: &[&str] = &["retry", "backoff", "timeout", "breaker"];

/// The `with { ... }` policy; the flag says whether something already reported was found.
fn check_policy(
    with: &ast::With,
    names: &Names<'_>,
    reads: &mut Reads,
    prevs: &mut Vec<Prev>,
    d: &mut Vec<Diagnostic>,
) -> (Policy, bool) {
    let mut policy = Policy::default();
    let mut poisoned = false;
    for (i, entry) in with.entries.iter().enumerate() {
        let key = entry.key.name.as_str();
        let want = match key {
            "retry" | "breaker" => Type::I64,
            "backoff" | "timeout" => Type::Duration,
            _ => {
                let help = match did_you_mean(key, POLICY_KEYS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "the keys are `retry` (i64), `backoff` (Duration), `timeout` (Duration) and `breaker` (i64)".to_owned(),
                };
                d.push(
                    Diagnostic::new(
                        Code::E0400,
                        format!("unknown `with` key `{key}`"),
                        entry.key.span,
                        "unknown key",
                    )
                    .with_help(help),
                );
                continue;
            }
        };
        if let Some(first) = with.entries[..i].iter().find(|e| e.key.name == key) {
            d.push(
                Diagnostic::new(
                    Code::E0400,
                    format!("`with` key `{key}` is given twice"),
                    entry.key.span,
                    "given again here",
                )
                .with_label(first.key.span, "first given here")
                .with_help("remove one of the two"),
            );
            continue;
        }
        let mut typer = Typer::new(
            d,
            Some(names),
            reads,
            prevs,
            Place::Literal("a `with` value"),
        );
        let typed = typer.check(&entry.value);
        poisoned |= typer.poisoned;
        let Some(t) = typed else { continue };
        let e = match coerce(t, &want) {
            Ok(e) => e,
            Err(t) => {
                d.push(
                    Diagnostic::new(
                        Code::E0400,
                        format!(
                            "`with` key `{key}` takes {}, found {}",
                            article(&want),
                            t.expr.ty.name()
                        ),
                        entry.value.span,
                        format!("expected {}, found {}", want.name(), t.expr.ty.name()),
                    )
                    .with_help_opt(conversion_help(
                        &want,
                        &t.expr.ty,
                        &entry.value,
                    )),
                );
                continue;
            }
        };
        let range_error = |what: &str| {
            Diagnostic::new(
                Code::E0400,
                format!("`with` key `{key}` must be {what}"),
                entry.value.span,
                "out of range",
            )
        };
        match (key, &e.kind) {
            ("retry", ExprKind::I64(n)) => match u32::try_from(*n) {
                Ok(n) => policy.retry = Some(n),
                Err(_) => d.push(
                    range_error("between 0 and 4294967295")
                        .with_help("`retry` counts the extra attempts after the first"),
                ),
            },
            ("breaker", ExprKind::I64(n)) => match u32::try_from(*n) {
                Ok(n) if n >= 1 => policy.breaker = Some(n),
                _ => d.push(range_error("between 1 and 4294967295").with_help(
                    "`breaker` is how many consecutive failures open the circuit breaker",
                )),
            },
            ("backoff", ExprKind::Duration(ms)) => policy.backoff_ms = Some(*ms),
            ("timeout", ExprKind::Duration(ms)) => {
                if *ms == 0 {
                    d.push(
                        range_error("greater than zero").with_help(
                            "a zero timeout would fail every attempt; e.g. `timeout: 2s`",
                        ),
                    );
                } else {
                    policy.timeout_ms = Some(*ms);
                }
            }
            _ => d.push(
                Diagnostic::new(
                    Code::E0202,
                    format!("`with` key `{key}` must be a literal"),
                    entry.value.span,
                    "not a literal",
                )
                .with_help(format!(
                    "write the value itself, e.g. `{key}: {}`",
                    if want == Type::I64 { "3" } else { "2s" }
                )),
            ),
        }
    }
    (policy, poisoned)
}

fn article(ty: &Type) -> String {
    match ty {
        Type::I64 => "an i64".to_owned(),
        other => format!("a {}", other.name()),
    }
}

/// The schedule: `once` unless a single valid `schedule every` says otherwise. `None`
/// when it is wrong (reported).
fn check_schedule(
    schedules: &[&ast::Schedule],
    d: &mut Vec<Diagnostic>,
) -> (Option<Schedule>, bool) {
    let mut result = Some(Schedule::Once);
    let mut poisoned = false;
    for (i, s) in schedules.iter().enumerate() {
        if i > 0 {
            d.push(
                Diagnostic::new(
                    Code::E0401,
                    "the workflow has more than one `schedule`",
                    s.span,
                    "second schedule",
                )
                .with_label(schedules[0].span, "first schedule")
                .with_help("keep one `schedule` statement"),
            );
            result = None;
            continue;
        }
        let ScheduleKind::Every(e) = &s.kind else {
            continue;
        };
        let mut inner = e;
        while let ast::ExprKind::Paren(x) = &inner.kind {
            inner = x;
        }
        if let ast::ExprKind::Unary {
            op: ast::UnaryOp::Neg,
            ..
        } = inner.kind
        {
            d.push(
                Diagnostic::new(
                    Code::E0401,
                    "the schedule interval is negative",
                    e.span,
                    "negative interval",
                )
                .with_help("give a positive interval, e.g. `schedule every 1m`"),
            );
            result = None;
            continue;
        }
        let mut reads = Reads::default();
        let mut prevs = Vec::new();
        let names = Names::default();
        let mut typer = Typer::new(
            d,
            Some(&names),
            &mut reads,
            &mut prevs,
            Place::Literal("the schedule interval"),
        );
        let typed = typer.check(e);
        poisoned |= typer.poisoned;
        let Some(t) = typed else {
            result = None;
            continue;
        };
        result = None;
        match (&t.expr.ty, &t.expr.kind) {
            (Type::Duration, ExprKind::Duration(0)) => d.push(
                Diagnostic::new(Code::E0401, "the schedule interval is zero", e.span, "zero interval")
                    .with_help("give a positive interval, e.g. `schedule every 1m`, or run once with `schedule once`"),
            ),
            (Type::Duration, ExprKind::Duration(ms)) => result = Some(Schedule::Every { millis: *ms }),
            (Type::Duration, _) => d.push(
                Diagnostic::new(Code::E0401, "the schedule interval must be a duration literal", e.span, "not a literal")
                    .with_help("write the interval itself, e.g. `schedule every 90s`"),
            ),
            (ty, _) => d.push(
                Diagnostic::new(Code::E0401, format!("`schedule every` needs a duration, found {}", ty.name()), e.span, format!("this is {}", ty.name()))
                    .with_help_opt(conversion_help(&Type::Duration, ty, e)),
            ),
        }
    }
    (result, poisoned)
}

fn cycle_diagnostic(cycle: &[u32], names: &Names<'_>, edges: &[Edge]) -> Diagnostic {
    let name = |i: u32| names.nodes.get(i as usize).map_or("?", |n| n.name);
    // The first reference for each hop, found in one pass: a cycle can be as long as
    // the workflow.
    let hops: Vec<(u32, u32)> = (0..cycle.len())
        .map(|k| (cycle[k], cycle[(k + 1) % cycle.len()]))
        .collect();
    let wanted: HashMap<(u32, u32), usize> =
        hops.iter().enumerate().map(|(k, &h)| (h, k)).collect();
    let mut found: Vec<Option<&Edge>> = vec![None; hops.len()];
    for e in edges {
        if let Some(&k) = wanted.get(&(e.reader, e.source))
            && found[k].is_none()
        {
            found[k] = Some(e);
        }
    }
    let mut path: Vec<&str> = cycle.iter().map(|&i| name(i)).collect();
    path.push(name(cycle[0]));
    let message = format!("cycle: {}", path.join(" -> "));
    let label = |r: u32, s: u32| {
        if r == s {
            format!("{} reads itself here", name(r))
        } else {
            format!("{} reads {} here", name(r), name(s))
        }
    };
    let (r0, s0) = hops[0];
    let mut d = Diagnostic::new(
        Code::E0300,
        message,
        found[0].map_or(Span::default(), |e| e.span),
        label(r0, s0),
    );
    for (k, &(r, s)) in hops.iter().enumerate().skip(1) {
        if let Some(e) = found[k] {
            d = d.with_label(e.span, label(r, s));
        }
    }
    // Suggest feeding back the last hop, which closes the cycle.
    let (rl, sl) = hops[hops.len() - 1];
    let port = found[hops.len() - 1].and_then(|e| {
        let kind = names.nodes.get(sl as usize)?.kind?;
        kind.kind.outputs.get(e.port as usize)
    });
    let help = match port {
        Some(p) => format!(
            "in a tick a node runs after every node it reads, so they cannot read each other; to use the previous tick's value, write `prev({}.{}, {})` in `{}`",
            name(sl),
            p.name,
            placeholder(&p.ty),
            name(rl)
        ),
        None => "in a tick a node runs after every node it reads; read the previous tick's value with `prev(...)`".to_owned(),
    };
    d.with_help(help)
}

/// Renumbers the node references of an expression into topological order.
fn remap(e: &mut Expr, new_id: &[u32]) {
    match &mut e.kind {
        ExprKind::Port { node, .. } => node.0 = new_id[node.0 as usize],
        ExprKind::Unary { operand, .. } => remap(operand, new_id),
        ExprKind::Binary { lhs, rhs, .. } => {
            remap(lhs, new_id);
            remap(rhs, new_id);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| remap(a, new_id)),
        ExprKind::F64(_)
        | ExprKind::I64(_)
        | ExprKind::Bool(_)
        | ExprKind::String(_)
        | ExprKind::Duration(_)
        | ExprKind::Param(_)
        | ExprKind::Prev(_) => {}
    }
}

fn build_graph(
    w: &ast::Workflow,
    params: &[&ast::Param],
    nodes: &[&ast::Node],
    outputs: &[&ast::Output],
    names: &Names<'_>,
    checked: Vec<NodeOut>,
    param_defaults: Vec<Option<Expr>>,
    output_values: Vec<Option<Expr>>,
    mut prevs: Vec<Prev>,
    mut reads: Reads,
    deps: &[Vec<u32>],
    order: order::Order,
    schedule: Schedule,
) -> CheckedGraph {
    let mut new_id = vec![0u32; nodes.len()];
    for (pos, &old) in order.order.iter().enumerate() {
        new_id[old as usize] = pos as u32;
    }
    let mut slots: Vec<Option<NodeOut>> = checked.into_iter().map(Some).collect();
    let mut out_nodes = Vec::with_capacity(nodes.len());
    let mut stages: Vec<Vec<NodeId>> = Vec::new();
    for (pos, &old) in order.order.iter().enumerate() {
        let o = old as usize;
        let n = nodes[o];
        let Some(kind) = names.nodes[o].kind else {
            continue;
        };
        let Some(out) = slots[o].take() else { continue };
        let args = kind
            .kind
            .inputs
            .iter()
            .zip(out.args)
            .filter_map(|(port, value)| {
                let (mut value, defaulted) = match value {
                    Some(v) => (v, false),
                    None => (port.default.clone()?, true),
                };
                remap(&mut value, &new_id);
                Some(graph::Arg {
                    port: port.name.clone(),
                    ty: port.ty.clone(),
                    value,
                    defaulted,
                })
            })
            .collect();
        let when = out.when.map(|mut e| {
            remap(&mut e, &new_id);
            e
        });
        let mut node_deps: Vec<NodeId> = deps[o]
            .iter()
            .map(|&d| NodeId(new_id[d as usize]))
            .collect();
        node_deps.sort_unstable();
        let stage = order.stage[o];
        if stages.len() <= stage as usize {
            stages.resize_with(stage as usize + 1, Vec::new);
        }
        stages[stage as usize].push(NodeId(pos as u32));
        out_nodes.push(graph::Node {
            id: NodeId(pos as u32),
            name: n.name.name.clone(),
            doc: n.doc.as_ref().map(|d| d.text.clone()),
            kind: kind.kind.clone(),
            args,
            when,
            policy: out.policy,
            deps: node_deps,
            stage,
            used_outputs: {
                let mut used = std::mem::take(&mut reads.used_outputs[o]);
                used.sort_unstable();
                used
            },
            span: n.span,
        });
    }
    for p in &mut prevs {
        remap(&mut p.expr, &new_id);
    }
    let params = params
        .iter()
        .zip(param_defaults)
        .enumerate()
        .filter_map(|(i, (p, default))| {
            Some(graph::Param {
                name: p.name.name.clone(),
                doc: p.doc.as_ref().map(|d| d.text.clone()),
                ty: names.params[i].ty.clone()?,
                default,
                span: p.span,
            })
        })
        .collect();
    let outputs = outputs
        .iter()
        .zip(output_values)
        .filter_map(|(o, value)| {
            let mut value = value?;
            remap(&mut value, &new_id);
            Some(graph::Output {
                name: o.name.name.clone(),
                ty: value.ty.clone(),
                value,
                span: o.span,
            })
        })
        .collect();
    CheckedGraph {
        name: w.name.name.clone(),
        doc: w.doc.as_ref().map(|d| d.text.clone()),
        span: w.span,
        schedule,
        params,
        nodes: out_nodes,
        stages,
        prevs,
        outputs,
    }
}
