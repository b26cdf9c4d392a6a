//! Completion, from the text around the cursor plus what the library and the syntax tree
//! know.
//!
//! The line being typed almost never parses (`node q = binance.`), so the context is read
//! from tokens, not from the syntax tree: the cheap scanner of the parser finds where the
//! current statement starts (keywords always start one, as in the parser's own boundary
//! scan), and the statement's tokens up to the cursor say where in it we are: after
//! `node NAME =` (a kind), inside the argument list (an argument name or a value), inside
//! `with {` (a key or a value), in an expression (params, nodes, `node.port`), after
//! `param NAME:` (a type). Names come from the syntax tree of the rest of the file, which
//! still parses, and from the library of kinds.

use std::collections::BTreeSet;

use lsp_types as lsp;

use super::navigate::{self, BUILTINS, POLICY_KEYS};
use super::world::Snapshot;
use crate::syntax::lexer::{self, Tok, TokKind};

const STMT_KEYWORDS: &[&str] = &["param", "schedule", "node", "output"];
const ITEM_KEYWORDS: &[&str] = &["workflow", "extern", "use"];
const TYPES: &[&str] = &["f64", "i64", "bool", "String", "Duration"];

/// Tokens after which an expression goes on (so a fresh line continues it rather than
/// starting a statement).
const CONTINUES: &[&str] = &[
    "and", "or", "not", "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "(", ",", ":", "=",
    "when", "with", "{", ".",
];

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq)]
enum Context {
    /// At the start of a statement inside a workflow; `clauses` when `when`/`with` may
    /// continue the node statement before.
    Statement {
        clauses: bool,
    },
    /// At the start of an item.
    Item,
    /// After `node NAME =`, optionally after `ns.`.
    Kind {
        ns: Option<String>,
    },
    /// An argument name of `kind`.
    ArgName {
        kind: String,
        given: Vec<String>,
    },
    /// A `with` key.
    WithKey {
        given: Vec<String>,
    },
    /// After `node.` in an expression.
    Ports {
        node: String,
    },
    /// An expression; `nodes` when node outputs may be read there (not in a param's
    /// default), `exclude` the node being defined.
    Expr {
        nodes: bool,
        exclude: Option<String>,
    },
    Type,
    /// A fixed set of keywords.
    Keywords(&'static [&'static str]),
}

/// The completion items at the position.
pub(super) fn complete(snap: &Snapshot, pos: lsp::Position) -> Option<lsp::CompletionResponse> {
    let offset = snap.offset(pos);
    let context = context(snap.text(), offset)?;
    let items = items(snap, offset, context);
    Some(lsp::CompletionResponse::Array(items))
}

fn context(src: &str, offset: u32) -> Option<Context> {
    let all = lexer::lex(src);
    // Nothing to complete inside a comment or a string.
    for t in &all {
        let inside = match t.kind {
            TokKind::Comment | TokKind::Doc => t.start < offset && offset <= t.end,
            TokKind::Str { terminated } => {
                t.start < offset && (offset < t.end || (!terminated && offset == t.end))
            }
            _ => false,
        };
        if inside {
            return None;
        }
    }
    let code: Vec<Tok> = all
        .into_iter()
        .filter(|t| !matches!(t.kind, TokKind::Comment | TokKind::Doc))
        .collect();
    // The identifier being typed, if any, is not context.
    let prefix_start = code
        .iter()
        .find(|t| t.kind == TokKind::Ident && t.start < offset && offset <= t.end)
        .map_or(offset, |t| t.start);
    let before: Vec<&str> = code
        .iter()
        .take_while(|t| t.end <= prefix_start)
        .map(|t| t.text(src))
        .collect();

    // Find the current statement the way the parser's boundary scan does.
    #[derive(PartialEq)]
    enum At {
        Top,
        Head,
        Body,
    }
    let mut at = At::Top;
    let mut start: Option<usize> = None;
    let mut depth = 0usize;
    for (i, t) in before.iter().enumerate() {
        if ITEM_KEYWORDS.contains(t) {
            start = Some(i);
            at = if *t == "workflow" { At::Head } else { At::Top };
        } else if at == At::Head && *t == "{" {
            at = At::Body;
            start = None;
            depth = 1;
        } else if at == At::Body {
            if STMT_KEYWORDS.contains(t) {
                start = Some(i);
                depth = 1;
            } else if *t == "{" {
                depth += 1;
            } else if *t == "}" {
                depth -= 1;
                if depth == 0 {
                    at = At::Top;
                    start = None;
                }
            }
        }
    }
    let stmt: &[&str] = start.map_or(&[], |s| &before[s..]);

    let line_start = src[..prefix_start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let fresh_line = src[line_start..prefix_start as usize].trim().is_empty();
    let open = open_brackets(stmt);
    let continues = stmt.last().is_some_and(|t| CONTINUES.contains(t));
    let at_start = stmt.is_empty() || (fresh_line && open == 0 && !continues);
    if at_start {
        return Some(match at {
            At::Body => Context::Statement {
                clauses: stmt.first() == Some(&"node") && !stmt.contains(&"with"),
            },
            At::Top => Context::Item,
            At::Head => return None,
        });
    }
    match stmt.first().copied() {
        Some("node") if at == At::Body => node_context(stmt),
        Some("param") => match stmt.len() {
            3 if stmt[2] == ":" => Some(Context::Type),
            n if n > 4 && stmt[4] == "=" => Some(expr_context(&stmt[5..], false, None)),
            _ => None,
        },
        Some("output") => {
            let eq = stmt.iter().position(|t| *t == "=")?;
            Some(expr_context(&stmt[eq + 1..], true, None))
        }
        Some("schedule") if stmt.len() == 1 => Some(Context::Keywords(&["every", "once"])),
        Some("extern") => match stmt {
            ["extern"] => Some(Context::Keywords(&["node", "io", "effect", "type"])),
            ["extern", "io" | "effect"] => Some(Context::Keywords(&["node"])),
            [.., ":"] => Some(Context::Type),
            _ => None,
        },
        _ => None,
    }
}

/// How many brackets the tokens leave open.
fn open_brackets(toks: &[&str]) -> usize {
    let mut depth = 0usize;
    for t in toks {
        match *t {
            "(" | "{" => depth += 1,
            ")" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// Inside `node NAME = KIND(ARGS) when EXPR with { ... }`, up to the cursor.
fn node_context(stmt: &[&str]) -> Option<Context> {
    if stmt.len() < 3 || stmt[2] != "=" {
        return None;
    }
    let name = navigate::is_ident(stmt[1]).then(|| stmt[1].to_owned());
    // The kind path.
    let mut i = 3;
    let mut path = String::new();
    while i < stmt.len() && (navigate::is_ident(stmt[i]) || stmt[i] == ".") {
        path.push_str(stmt[i]);
        i += 1;
    }
    if i == stmt.len() {
        return match path.strip_suffix('.') {
            Some(ns) if !ns.is_empty() && !ns.ends_with('.') => Some(Context::Kind {
                ns: Some(ns.to_owned()),
            }),
            None if path.is_empty() => Some(Context::Kind { ns: None }),
            _ => None,
        };
    }
    if stmt[i] != "(" {
        return None;
    }
    let kind = path;
    // Walk the rest with a stack of open brackets, remembering what opened each.
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut last_clause: Option<usize> = None;
    for (j, t) in stmt.iter().enumerate().skip(i) {
        match *t {
            "(" | "{" => stack.push((j, t)),
            ")" | "}" => {
                stack.pop();
            }
            "when" | "with" if stack.is_empty() => last_clause = Some(j),
            _ => {}
        }
    }
    let element_after = |open: usize| -> &[&str] {
        let from = stmt[open + 1..]
            .iter()
            .enumerate()
            .rev()
            .find(|(k, t)| **t == "," && open_brackets(&stmt[open + 1..open + 1 + k]) == 0)
            .map_or(open + 1, |(k, _)| open + 2 + k);
        &stmt[from..]
    };
    // Names given before the cursor in the list opened at `open`.
    let given = |open: usize| -> Vec<String> {
        let inner = &stmt[open + 1..];
        let mut names = Vec::new();
        let mut depth = 0usize;
        for (k, t) in inner.iter().enumerate() {
            match *t {
                "(" | "{" => depth += 1,
                ")" | "}" => depth = depth.saturating_sub(1),
                ":" if depth == 0 && k > 0 => names.push(inner[k - 1].to_owned()),
                _ => {}
            }
        }
        names
    };
    match stack.as_slice() {
        [] => match last_clause {
            None if stmt.last() == Some(&")") => Some(Context::Keywords(&["when", "with"])),
            Some(c) if stmt[c] == "when" => Some(expr_context(&stmt[c + 1..], true, name)),
            _ => None,
        },
        [(open, "(")] if *open == i => {
            let element = element_after(*open);
            match element {
                [] => Some(Context::ArgName {
                    kind,
                    given: given(*open),
                }),
                [_, ":", rest @ ..] => Some(expr_context(rest, true, name)),
                _ => None,
            }
        }
        [(open, "{")] if last_clause.is_some_and(|c| stmt[c] == "with" && c + 1 == *open) => {
            let element = element_after(*open);
            match element {
                [] => Some(Context::WithKey {
                    given: given(*open),
                }),
                [_, ":", rest @ ..] => Some(expr_context(rest, true, name)),
                _ => None,
            }
        }
        [.., (open, _)] => Some(expr_context(&stmt[open + 1..], true, name)),
    }
}

/// An expression whose tokens before the cursor are `toks`; `exclude` is the node being
/// defined, which cannot read itself.
fn expr_context(toks: &[&str], nodes: bool, exclude: Option<String>) -> Context {
    let ports = match toks {
        [.., before, node, "."] if *before != "." => Some(*node),
        [node, "."] => Some(*node),
        _ => None,
    };
    if ports.is_some_and(|n| exclude.as_deref() == Some(n)) {
        return Context::Keywords(&[]);
    }
    match toks {
        [.., before, node, "."] if *before != "." && navigate::is_ident(node) && nodes => {
            Context::Ports {
                node: (*node).to_owned(),
            }
        }
        [node, "."] if navigate::is_ident(node) && nodes => Context::Ports {
            node: (*node).to_owned(),
        },
        [.., "."] => Context::Keywords(&[]),
        _ => Context::Expr { nodes, exclude },
    }
}

fn item(label: &str, kind: lsp::CompletionItemKind) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        ..Default::default()
    }
}

fn markdown(value: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    })
}

fn keyword(k: &str) -> lsp::CompletionItem {
    item(k, lsp::CompletionItemKind::KEYWORD)
}

fn items(snap: &Snapshot, offset: u32, context: Context) -> Vec<lsp::CompletionItem> {
    let lib = &snap.library;
    let src = snap.text();
    let workflow = navigate::workflow_at(snap.ast(), offset);
    match context {
        Context::Statement { clauses } => {
            let mut out: Vec<_> = STMT_KEYWORDS.iter().map(|k| keyword(k)).collect();
            if clauses {
                out.push(keyword("when"));
                out.push(keyword("with"));
            }
            out
        }
        Context::Item => ITEM_KEYWORDS.iter().map(|k| keyword(k)).collect(),
        Context::Keywords(words) => words.iter().map(|k| keyword(k)).collect(),
        Context::Kind { ns: None } => {
            let mut namespaces = BTreeSet::new();
            let mut out = Vec::new();
            for k in lib.kinds() {
                match k.kind.path.as_slice() {
                    [single] => {
                        let mut it = item(single, lsp::CompletionItemKind::FUNCTION);
                        it.detail = Some(navigate::signature(snap, k));
                        it.documentation = k.kind.doc.clone().map(markdown);
                        out.push(it);
                    }
                    [ns, ..] => {
                        namespaces.insert(ns.clone());
                    }
                    [] => {}
                }
            }
            for ns in namespaces {
                let mut it = item(&ns, lsp::CompletionItemKind::MODULE);
                it.detail = Some("node kinds".to_owned());
                out.push(it);
            }
            out
        }
        Context::Kind { ns: Some(ns) } => {
            let prefix = format!("{ns}.");
            lib.kinds()
                .filter_map(|k| {
                    let dotted = k.kind.dotted();
                    let rest = dotted.strip_prefix(&prefix)?.to_owned();
                    let mut it = item(&rest, lsp::CompletionItemKind::FUNCTION);
                    it.detail = Some(navigate::signature(snap, k));
                    it.documentation = k.kind.doc.clone().map(markdown);
                    Some(it)
                })
                .collect()
        }
        Context::ArgName { kind, given } => {
            let Some(k) = lib.kind(&kind) else {
                return Vec::new();
            };
            k.kind
                .inputs
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let done = given.contains(&p.name);
                    let mut it = item(&p.name, lsp::CompletionItemKind::FIELD);
                    it.detail = navigate::port_text(snap, k, &p.name, false);
                    it.insert_text = Some(format!("{}: ", p.name));
                    // Ports not given yet first, in declaration order.
                    it.sort_text = Some(format!("{}{i:03}", u8::from(done)));
                    it.documentation = Some(markdown(format!(
                        "Input port of `{kind}`{}.",
                        if p.default.is_none() {
                            " (required)"
                        } else {
                            ""
                        }
                    )));
                    it
                })
                .collect()
        }
        Context::WithKey { given } => POLICY_KEYS
            .iter()
            .enumerate()
            .map(|(i, (key, ty, doc))| {
                let done = given.iter().any(|g| g == key);
                let mut it = item(key, lsp::CompletionItemKind::PROPERTY);
                it.detail = Some(format!("{key}: {ty}"));
                it.insert_text = Some(format!("{key}: "));
                it.sort_text = Some(format!("{}{i:03}", u8::from(done)));
                it.documentation = Some(markdown((*doc).to_owned()));
                it
            })
            .collect(),
        Context::Ports { node } => {
            let Some(w) = workflow else {
                return Vec::new();
            };
            let Some(info) = navigate::nodes(w, src).into_iter().find(|n| n.name == node) else {
                return Vec::new();
            };
            let Some(k) = info.kind.as_deref().and_then(|k| lib.kind(k)) else {
                return Vec::new();
            };
            k.kind
                .outputs
                .iter()
                .map(|p| {
                    let mut it = item(&p.name, lsp::CompletionItemKind::FIELD);
                    it.detail = Some(format!("{}.{}: {}", node, p.name, p.ty.name()));
                    it.documentation =
                        Some(markdown(format!("Output port of `{}`.", k.kind.dotted())));
                    it
                })
                .collect()
        }
        Context::Expr { nodes, exclude } => {
            let mut out = Vec::new();
            if let Some(w) = workflow {
                for p in navigate::params(w) {
                    let mut it = item(&p.name.name, lsp::CompletionItemKind::CONSTANT);
                    it.detail = Some(format!("param {}: {}", p.name.name, p.ty.name));
                    it.documentation = p.doc.as_ref().map(|d| markdown(d.text.clone()));
                    out.push(it);
                }
                if nodes {
                    for n in navigate::nodes(w, src) {
                        if exclude.as_deref() == Some(n.name.as_str()) {
                            continue;
                        }
                        let mut it = item(&n.name, lsp::CompletionItemKind::VARIABLE);
                        it.detail = Some(format!(
                            "node {}: {}",
                            n.name,
                            n.kind.as_deref().unwrap_or("?")
                        ));
                        out.push(it);
                    }
                }
            }
            for (name, sig, doc) in BUILTINS {
                let mut it = item(name, lsp::CompletionItemKind::FUNCTION);
                it.detail = Some((*sig).to_owned());
                it.documentation = Some(markdown((*doc).to_owned()));
                if *name == "inf" {
                    it.kind = Some(lsp::CompletionItemKind::CONSTANT);
                } else if *name != "prev" || nodes {
                    it.insert_text = Some(format!("{name}("));
                } else {
                    continue;
                }
                out.push(it);
            }
            out.extend(
                ["true", "false", "not", "and", "or"]
                    .iter()
                    .map(|k| keyword(k)),
            );
            out
        }
        Context::Type => TYPES
            .iter()
            .map(|t| {
                let mut it = item(t, lsp::CompletionItemKind::STRUCT);
                it.detail = Some("built-in type".to_owned());
                it
            })
            .chain(lib.types().map(|t| {
                let mut it = item(&t.name, lsp::CompletionItemKind::STRUCT);
                it.documentation = t.doc.clone().map(markdown);
                it
            }))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Option<Context> {
        let offset = text.find('|').expect("a cursor");
        let src = text.replace('|', "");
        context(&src, offset as u32)
    }

    #[test]
    fn contexts() {
        assert_eq!(
            ctx("workflow w {\n  node q = binance.|\n}"),
            Some(Context::Kind {
                ns: Some("binance".into())
            })
        );
        assert_eq!(
            ctx("workflow w {\n  node q = binance.pr|"),
            Some(Context::Kind {
                ns: Some("binance".into())
            })
        );
        assert_eq!(
            ctx("workflow w { node q = |"),
            Some(Context::Kind { ns: None })
        );
        assert_eq!(
            ctx("workflow w { node r = ta.rsi(input: q.|"),
            Some(Context::Ports { node: "q".into() })
        );
        assert_eq!(
            ctx("workflow w { node r = ta.rsi(input: q.price, |"),
            Some(Context::ArgName {
                kind: "ta.rsi".into(),
                given: vec!["input".into()]
            })
        );
        assert_eq!(
            ctx("workflow w { node r = ta.rsi(in|"),
            Some(Context::ArgName {
                kind: "ta.rsi".into(),
                given: vec![]
            })
        );
        assert_eq!(
            ctx("workflow w { node r = f() with { retry: 1, |"),
            Some(Context::WithKey {
                given: vec!["retry".into()]
            })
        );
        assert!(matches!(
            ctx("workflow w { node r = f() when |"),
            Some(Context::Expr { nodes: true, exclude: Some(n) }) if n == "r"
        ));
        assert!(matches!(
            ctx("workflow w {\n  node r = f()\n    when a and\n    b|"),
            Some(Context::Expr { .. })
        ));
        assert_eq!(
            ctx("workflow w {\n  node r = f()\n  |\n}"),
            Some(Context::Statement { clauses: true })
        );
        assert_eq!(
            ctx("workflow w {\n  param p: f64 = 1\n  no|\n}"),
            Some(Context::Statement { clauses: false })
        );
        assert_eq!(ctx("workflow w { param p: |"), Some(Context::Type));
        assert_eq!(ctx("|"), Some(Context::Item));
        assert_eq!(ctx("workflow w {}\n|"), Some(Context::Item));
        assert_eq!(ctx("// a comment |"), None);
        assert_eq!(ctx("workflow w { output o = \"a|\" }"), None);
        assert_eq!(
            ctx("workflow w { node a = f(x: (1 + b.|"),
            Some(Context::Ports { node: "b".into() })
        );
        assert_eq!(
            ctx("workflow w { node a = f() when a.|"),
            Some(Context::Keywords(&[]))
        );
        assert_eq!(
            ctx("workflow w { output o = a.|"),
            Some(Context::Ports { node: "a".into() })
        );
    }
}
