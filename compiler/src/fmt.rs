//! The formatter behind `flowc fmt` and the language server's formatting: one canonical
//! layout for every `.flow` file that parses.
//!
//! The layout: 4-space indentation; one item or statement per line; `when` and `with` on
//! continuation lines one level deeper than their `node`; `name: value` arguments; spaces
//! around binary operators; at most one blank line between statements or items, kept only
//! where the source had one. Argument lists and `with` blocks that do not fit in
//! [`MAX_WIDTH`] columns (or hold a comment) get one entry per line with a trailing comma;
//! a `when` condition too long for its line is filled at its top-level `and`/`or`.
//! Literals are printed exactly as written (`1_000`, `250ms`, escapes), so formatting never
//! changes a value.
//!
//! Comments are not in the syntax tree's statements, so the printer re-scans the text for
//! them (`//` and `///` alike) and emits each one just before the first token that
//! followed it in the source: a comment that ended a line of code stays at the end of a
//! line, one on its own line stays on its own line. Every layout decision depends only on
//! the syntax tree and on where comments sit between tokens, never on the input's line
//! breaks, which is what makes the output a fixed point (formatting twice changes nothing).
//!
//! A file that does not parse is refused with its syntax errors: guessing a layout for a
//! broken statement could change what it means once fixed.

use crate::ast::{
    Arg, Expr, ExprKind, ExternNode, File, Item, Node, NodeClass, Output, Param, PortDecl,
    Schedule, ScheduleKind, Stmt, UnaryOp, Use, With, Workflow,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::lexer::{self, TokKind};

/// Lines are kept within this many characters where the layout can break them.
pub const MAX_WIDTH: usize = 100;

const INDENT: usize = 4;

/// Formats `text`. Returns the formatted text, or the syntax errors that prevent
/// formatting (every `E0001` of the file).
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diags) = crate::syntax::parse(text);
    let syntax: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.code == Code::E0001)
        .collect();
    let broken = !file.unparsed.is_empty()
        || file
            .workflows()
            .any(|w| w.recovered || !w.unparsed.is_empty());
    if !syntax.is_empty() || broken {
        return Err(syntax);
    }
    Ok(Printer::new(text).file(&file))
}

/// A comment (`//` or `///`) of the source.
#[derive(Debug, Clone, Copy)]
struct Comment {
    start: usize,
    end: usize,
    /// Nothing but whitespace precedes it on its line.
    own_line: bool,
}

/// One token of a flat rendering: the source offset it comes from (comments before it
/// are emitted first), its text, and whether a space separates it from the previous one.
#[derive(Debug, Clone)]
struct Tok {
    pos: usize,
    text: String,
    space: bool,
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// Start offsets of the code tokens (not comments), in order.
    code: Vec<(usize, usize)>,
    next_comment: usize,
    out: String,
    /// The line being built, indentation included; empty when nothing is on it yet.
    line: String,
    /// Indentation (in spaces) of the next line started.
    indent: usize,
    /// Source offset where the last emitted element ended, for blank-line detection.
    last_end: usize,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str) -> Self {
        let mut comments = Vec::new();
        let mut code = Vec::new();
        for t in lexer::lex(src) {
            let (start, end) = (t.start as usize, t.end as usize);
            match t.kind {
                TokKind::Comment | TokKind::Doc => {
                    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
                    let own_line = src[line_start..start].trim().is_empty();
                    comments.push(Comment {
                        start,
                        end,
                        own_line,
                    });
                }
                _ => code.push((start, end)),
            }
        }
        Printer {
            src,
            comments,
            code,
            next_comment: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            line: String::new(),
            indent: 0,
            last_end: 0,
        }
    }

    // -----------------------------------------------------------------------------------
    // Output primitives
    // -----------------------------------------------------------------------------------

    /// Finishes the current line, if anything is on it.
    fn end_line(&mut self) {
        if !self.line.is_empty() {
            let trimmed = self.line.trim_end();
            self.out.push_str(trimmed);
            self.out.push('\n');
            self.line.clear();
        }
    }

    /// Adds an empty line unless the output is empty, already ends with one, or the last
    /// line opens a block.
    fn blank_line(&mut self) {
        self.end_line();
        let last = self.out.trim_end_matches('\n');
        if last.is_empty() || self.out.ends_with("\n\n") || last.ends_with('{') {
            return;
        }
        self.out.push('\n');
    }

    /// Writes `text`, after a space when `space` and the line already has something.
    fn put(&mut self, text: &str, space: bool) {
        if self.line.is_empty() {
            self.line.extend(std::iter::repeat_n(' ', self.indent));
        } else if space {
            self.line.push(' ');
        }
        self.line.push_str(text);
    }

    /// Writes the token at source offset `pos`, after the comments that precede it.
    fn tok(&mut self, pos: usize, text: &str, space: bool) {
        self.comments_before(pos, false);
        self.put(text, space);
    }

    fn line_width(&self) -> usize {
        if self.line.is_empty() {
            self.indent
        } else {
            self.line.chars().count()
        }
    }

    /// Whether the source between two offsets (only whitespace) holds a blank line.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        self.src
            .get(from.min(to)..to)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// Emits every comment that starts before `pos`. At statement level (`block`), blank
    /// lines before own-line comments are kept.
    fn comments_before(&mut self, pos: usize, block: bool) {
        while let Some(&c) = self.comments.get(self.next_comment) {
            if c.start >= pos {
                break;
            }
            self.next_comment += 1;
            let text = self.src[c.start..c.end].trim_end();
            if !c.own_line && !self.line.trim().is_empty() {
                self.line.push(' ');
                self.line.push_str(text);
            } else {
                self.end_line();
                if block && self.blank_between(self.last_end, c.start) {
                    self.blank_line();
                }
                self.put(text, false);
            }
            self.end_line();
            self.last_end = c.end;
        }
    }

    /// Starts an element at statement or item level whose first token is at `pos`.
    fn element(&mut self, pos: usize, indent: usize) {
        self.indent = indent;
        self.comments_before(pos, true);
        self.end_line();
        if self.blank_between(self.last_end, pos) {
            self.blank_line();
        }
    }

    /// The offset of the first code token at or after `from` whose text is `text`, or
    /// `from` when there is none (the printer then merely places comments less exactly).
    fn find(&self, from: usize, text: &str) -> usize {
        let first = self.code.partition_point(|&(s, _)| s < from);
        self.code[first..]
            .iter()
            .find(|&&(s, e)| &self.src[s..e] == text)
            .map_or(from, |&(s, _)| s)
    }

    /// The offset of the first code token at or after `from`.
    fn first_code(&self, from: usize) -> usize {
        let i = self.code.partition_point(|&(s, _)| s < from);
        self.code.get(i).map_or(from, |&(s, _)| s)
    }

    /// Whether a comment starts inside `span`.
    fn has_comment_in(&self, span: Span) -> bool {
        let (start, end) = (span.start as usize, span.end as usize);
        let i = self.comments.partition_point(|c| c.start < start);
        self.comments.get(i).is_some_and(|c| c.start < end)
    }

    /// `span` widened to the whole code tokens it starts and ends in.
    fn token_cover(&self, span: Span) -> Span {
        let (start, end) = (span.start as usize, span.end as usize);
        let first = self.code.partition_point(|&(_, e)| e <= start);
        let start = self.code.get(first).map_or(start, |&(s, _)| s.min(start));
        let last = self.code.partition_point(|&(s, _)| s < end);
        let end = last
            .checked_sub(1)
            .and_then(|i| self.code.get(i))
            .map_or(end, |&(_, e)| e.max(end));
        Span::new(start, end)
    }

    fn text(&self, span: Span) -> &'a str {
        self.src.get(span.range()).unwrap_or("")
    }

    // -----------------------------------------------------------------------------------
    // Items
    // -----------------------------------------------------------------------------------

    fn file(mut self, file: &File) -> String {
        for item in &file.items {
            let start = self.first_code(item.span().start as usize);
            self.element(start, 0);
            match item {
                Item::Workflow(w) => self.workflow(w, start),
                Item::ExternType(t) => {
                    self.tok(start, "extern", false);
                    let ty = self.find(start + 6, "type");
                    self.tok(ty, "type", true);
                    self.tok(t.name.span.start as usize, &t.name.name, true);
                }
                Item::ExternNode(n) => self.extern_node(n, start),
                Item::Use(u) => self.use_decl(u, start),
            }
            self.last_end = item.span().end as usize;
        }
        self.indent = 0;
        self.comments_before(usize::MAX, true);
        self.end_line();
        self.out
    }

    fn use_decl(&mut self, u: &Use, start: usize) {
        self.tok(start, "use", false);
        let path = self.text(u.path.span);
        self.tok(u.path.span.start as usize, path, true);
    }

    fn extern_node(&mut self, n: &ExternNode, start: usize) {
        self.tok(start, "extern", false);
        self.indent = INDENT;
        match n.class {
            NodeClass::Pure => {}
            NodeClass::Io => self.tok(self.find(start + 6, "io"), "io", true),
            NodeClass::Effect => self.tok(self.find(start + 6, "effect"), "effect", true),
        }
        let kw = self.find(start + 6, "node");
        self.tok(kw, "node", true);
        self.tok(n.path.span.start as usize, &n.path.dotted(), true);
        let open = self.find(n.path.span.end as usize, "(");
        let arrow = self.find(open, "->");
        self.ports(&n.inputs, open, arrow, false);
        self.tok(arrow, "->", true);
        let open_out = self.find(arrow, "(");
        let end = n.binding.as_ref().map_or(n.span.end, |b| b.span.start);
        self.ports(&n.outputs, open_out, end as usize, true);
        if let Some(b) = &n.binding {
            // `= path::to::Type`: the Rust type behind a `workflow!` macro's own kind.
            let names: Vec<&str> = b.segments.iter().map(|s| s.name.as_str()).collect();
            let path = format!("{}{}", if b.global { "::" } else { "" }, names.join("::"));
            self.tok(self.find(end as usize - 1, "="), "=", true);
            self.tok(b.span.start as usize, &path, true);
        }
        self.indent = 0;
    }

    /// A port list from its `(` at `open`; `limit` bounds the search for its `)`. One
    /// line, however long (the prelude's declarations read best that way), unless a
    /// comment sits inside.
    fn ports(&mut self, ports: &[PortDecl], open: usize, limit: usize, space: bool) {
        let close = self
            .code
            .iter()
            .rev()
            .find(|&&(s, e)| s >= open && s < limit && &self.src[s..e] == ")")
            .map_or(limit, |&(s, _)| s);
        let multi = self.has_comment_in(Span::new(open, close));
        let entries: Vec<Vec<Tok>> = ports
            .iter()
            .map(|p| {
                let mut toks = vec![
                    Tok {
                        pos: p.name.span.start as usize,
                        text: p.name.name.clone(),
                        space: false,
                    },
                    Tok {
                        pos: self.find(p.name.span.end as usize, ":"),
                        text: ":".to_owned(),
                        space: false,
                    },
                    Tok {
                        pos: p.ty.span.start as usize,
                        text: p.ty.name.clone(),
                        space: true,
                    },
                ];
                if let Some(d) = &p.default {
                    toks.push(Tok {
                        pos: self.find(p.ty.span.end as usize, "="),
                        text: "=".to_owned(),
                        space: true,
                    });
                    self.expr_toks(d, true, &mut toks);
                }
                toks
            })
            .collect();
        self.tok(open, "(", space);
        self.list(&entries, close, multi, 0, false);
        self.tok(close, ")", false);
    }

    fn workflow(&mut self, w: &Workflow, start: usize) {
        self.tok(start, "workflow", false);
        self.indent = INDENT;
        self.tok(w.name.span.start as usize, &w.name.name, true);
        let open = self.find(w.name.span.end as usize, "{");
        self.tok(open, "{", true);
        // The workflow's span ends with its closing brace.
        let close = (w.span.end as usize).saturating_sub(1);
        if w.body.is_empty() && !self.has_comment_in(Span::new(open, close)) {
            self.put("}", false);
            self.indent = 0;
            return;
        }
        self.last_end = open + 1;
        for stmt in &w.body {
            let start = self.first_code(stmt.span().start as usize);
            self.element(start, INDENT);
            match stmt {
                Stmt::Param(p) => self.param(p, start),
                Stmt::Schedule(s) => self.schedule(s, start),
                Stmt::Node(n) => self.node(n, start),
                Stmt::Output(o) => self.output(o, start),
            }
            self.last_end = stmt.span().end as usize;
        }
        self.indent = INDENT;
        self.comments_before(close, true);
        self.end_line();
        self.indent = 0;
        self.tok(close, "}", false);
    }

    // -----------------------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------------------

    fn param(&mut self, p: &Param, start: usize) {
        self.tok(start, "param", false);
        self.indent = 2 * INDENT;
        self.tok(p.name.span.start as usize, &p.name.name, true);
        self.tok(self.find(p.name.span.end as usize, ":"), ":", false);
        self.tok(p.ty.span.start as usize, &p.ty.name, true);
        if let Some(d) = &p.default {
            self.tok(self.find(p.ty.span.end as usize, "="), "=", true);
            self.expr(d, true);
        }
    }

    fn schedule(&mut self, s: &Schedule, start: usize) {
        self.tok(start, "schedule", false);
        self.indent = 2 * INDENT;
        match &s.kind {
            ScheduleKind::Once => self.tok(self.find(start + 8, "once"), "once", true),
            ScheduleKind::Every(e) => {
                self.tok(self.find(start + 8, "every"), "every", true);
                self.expr(e, true);
            }
        }
    }

    fn output(&mut self, o: &Output, start: usize) {
        self.tok(start, "output", false);
        self.indent = 2 * INDENT;
        self.tok(o.name.span.start as usize, &o.name.name, true);
        self.tok(self.find(o.name.span.end as usize, "="), "=", true);
        self.expr(&o.value, true);
    }

    fn node(&mut self, n: &Node, start: usize) {
        let level = INDENT;
        let cont = level + INDENT;
        let head = format!("node {} = {}(", n.name.name, n.kind.dotted());
        let open = n.args_span.start as usize;
        let close = (n.args_span.end as usize).saturating_sub(1);
        let args: Vec<Vec<Tok>> = n.args.iter().map(|a| self.arg_toks(a)).collect();
        let flat_args = args.iter().map(|a| flat(a)).collect::<Vec<_>>().join(", ");
        // The `)` too must fit.
        let one_line = level + head.chars().count() + flat_args.chars().count() < MAX_WIDTH;
        let multi = !one_line || self.has_comment_in(Span::new(open, close));

        self.tok(start, "node", false);
        self.indent = cont;
        self.tok(n.name.span.start as usize, &n.name.name, true);
        self.tok(self.find(n.name.span.end as usize, "="), "=", true);
        self.tok(n.kind.span.start as usize, &n.kind.dotted(), true);
        self.tok(open, "(", false);
        self.list(&args, close, multi, level, false);
        self.tok(close, ")", false);

        if let Some(w) = &n.when {
            let kw = self.find(n.args_span.end as usize, "when");
            self.comments_before(kw, false);
            self.end_line();
            self.indent = cont;
            self.tok(kw, "when", false);
            self.condition(w, cont + INDENT);
        }
        if let Some(w) = &n.with {
            self.with(w, cont);
        }
    }

    fn arg_toks(&self, a: &Arg) -> Vec<Tok> {
        let mut toks = vec![
            Tok {
                pos: a.name.span.start as usize,
                text: a.name.name.clone(),
                space: false,
            },
            Tok {
                pos: self.find(a.name.span.end as usize, ":"),
                text: ":".to_owned(),
                space: false,
            },
        ];
        self.expr_toks(&a.value, true, &mut toks);
        toks
    }

    /// The entries of a bracketed list, after its opening bracket and before the closing
    /// one at `close`: `a, b` on the current line, or one entry a line (one level deeper
    /// than `level`) with a trailing comma, the closing bracket back at `level`.
    /// On one line, `pad` puts a space after the opening bracket.
    fn list(&mut self, entries: &[Vec<Tok>], close: usize, multi: bool, level: usize, pad: bool) {
        if !multi {
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    self.put(",", false);
                }
                self.toks(e, i > 0 || pad);
            }
            return;
        }
        for e in entries {
            self.indent = level + INDENT;
            if let Some(first) = e.first() {
                self.comments_before(first.pos, false);
            }
            self.end_line();
            self.toks(e, false);
            self.put(",", false);
        }
        self.indent = level + INDENT;
        self.comments_before(close, false);
        self.end_line();
        self.indent = level;
    }

    fn with(&mut self, w: &With, cont: usize) {
        let kw = w.span.start as usize;
        self.comments_before(kw, false);
        self.end_line();
        self.indent = cont;
        self.tok(kw, "with", false);
        let open = self.find(kw, "{");
        let close = (w.span.end as usize).saturating_sub(1);
        let entries: Vec<Vec<Tok>> = w
            .entries
            .iter()
            .map(|e| {
                let mut toks = vec![
                    Tok {
                        pos: e.key.span.start as usize,
                        text: e.key.name.clone(),
                        space: false,
                    },
                    Tok {
                        pos: self.find(e.key.span.end as usize, ":"),
                        text: ":".to_owned(),
                        space: false,
                    },
                ];
                self.expr_toks(&e.value, true, &mut toks);
                toks
            })
            .collect();
        self.tok(open, "{", true);
        if entries.is_empty() && !self.has_comment_in(Span::new(open, close)) {
            self.tok(close, "}", false);
            return;
        }
        let flat_entries = entries
            .iter()
            .map(|e| flat(e))
            .collect::<Vec<_>>()
            .join(", ");
        let fits = self.line_width() + flat_entries.chars().count() + 4 <= MAX_WIDTH;
        let multi = !fits || self.has_comment_in(Span::new(open, close));
        self.list(&entries, close, multi, cont, true);
        self.tok(close, "}", !multi);
    }

    /// A `when` condition after its keyword: on the line when it fits, else filled at its
    /// top-level `and`/`or` operators, continuation lines at `indent`.
    fn condition(&mut self, e: &Expr, indent: usize) {
        self.indent = indent;
        let mut toks = Vec::new();
        self.expr_toks(e, true, &mut toks);
        let fits = self.line_width() + flat(&toks).chars().count() < MAX_WIDTH;
        let ExprKind::Binary { op, .. } = &e.kind else {
            self.toks(&toks, true);
            return;
        };
        if fits || !matches!(op, crate::ast::BinaryOp::And | crate::ast::BinaryOp::Or) {
            self.toks(&toks, true);
            return;
        }
        // Operands of the chain `a OP b OP c` (left-associative), with each operator.
        let mut operands = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary {
            op: o,
            op_span,
            lhs,
            rhs,
        } = &cur.kind
        {
            if o != op {
                break;
            }
            operands.push((Some(*op_span), rhs.as_ref()));
            cur = lhs;
        }
        operands.push((None, cur));
        operands.reverse();
        for (op_span, operand) in operands {
            let mut toks = Vec::new();
            self.expr_toks(operand, true, &mut toks);
            if let Some(op_span) = op_span {
                let pos = op_span.start as usize;
                self.comments_before(pos, false);
                let need = op.symbol().len() + 2 + flat(&toks).chars().count();
                if !self.line.trim().is_empty() && self.line_width() + need > MAX_WIDTH {
                    self.end_line();
                }
                self.put(op.symbol(), true);
            }
            self.toks(&toks, true);
        }
    }

    // -----------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------

    fn expr(&mut self, e: &Expr, space: bool) {
        let mut toks = Vec::new();
        self.expr_toks(e, space, &mut toks);
        self.toks(&toks, space);
    }

    /// Emits tokens; the first one's space is `space` (the others carry their own).
    fn toks(&mut self, toks: &[Tok], space: bool) {
        for (i, t) in toks.iter().enumerate() {
            self.tok(t.pos, &t.text, if i == 0 { space } else { t.space });
        }
    }

    /// The tokens of an expression, flat. Literals keep their source text.
    fn expr_toks(&self, e: &Expr, space: bool, out: &mut Vec<Tok>) {
        let pos = e.span.start as usize;
        let push = |out: &mut Vec<Tok>, pos: usize, text: &str, space: bool| {
            out.push(Tok {
                pos,
                text: text.to_owned(),
                space,
            });
        };
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Error => {
                // An invalid literal's span may cover only its bad part (the unit of
                // `5x`): print every token it touches, whole.
                let span = self.token_cover(e.span);
                push(out, span.start as usize, self.text(span).trim(), space);
            }
            ExprKind::Ref(path) => push(out, pos, &path.dotted(), space),
            ExprKind::Unary {
                op,
                op_span,
                operand,
            } => {
                push(out, op_span.start as usize, op.symbol(), space);
                self.expr_toks(operand, *op == UnaryOp::Not, out);
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                self.expr_toks(lhs, space, out);
                push(out, op_span.start as usize, op.symbol(), true);
                self.expr_toks(rhs, true, out);
            }
            ExprKind::Call { func, args } => {
                push(out, pos, &func.name, space);
                self.call_args(func.span.end as usize, args, e.span, out);
            }
            ExprKind::Prev { keyword, args } => {
                push(out, keyword.start as usize, "prev", space);
                self.call_args(keyword.end as usize, args, e.span, out);
            }
            ExprKind::Paren(inner) => {
                push(out, pos, "(", space);
                self.expr_toks(inner, false, out);
                push(out, (e.span.end as usize).saturating_sub(1), ")", false);
            }
        }
    }

    fn call_args(&self, after: usize, args: &[Expr], span: Span, out: &mut Vec<Tok>) {
        out.push(Tok {
            pos: self.find(after, "("),
            text: "(".to_owned(),
            space: false,
        });
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push(Tok {
                    pos: self.find(args[i - 1].span.end as usize, ","),
                    text: ",".to_owned(),
                    space: false,
                });
            }
            self.expr_toks(a, i > 0, out);
        }
        out.push(Tok {
            pos: (span.end as usize).saturating_sub(1),
            text: ")".to_owned(),
            space: false,
        });
    }
}

/// Tokens joined as they print on one line.
fn flat(toks: &[Tok]) -> String {
    let mut s = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && t.space {
            s.push(' ');
        }
        s.push_str(&t.text);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        let out = format(src).unwrap_or_else(|d| panic!("does not parse: {d:?}"));
        let again = format(&out).unwrap_or_else(|d| panic!("output does not parse: {d:?}"));
        assert_eq!(out, again, "not idempotent");
        out
    }

    #[test]
    fn canonical_layout() {
        let src = "workflow   w{param p:f64=1 schedule every 1m\n\n\n\nnode px   = binance.price(pair:\"X\") when p>1 and true with {retry:3,timeout:2s}\n output o=px.price*2}";
        assert_eq!(
            fmt(src),
            "workflow w {\n    param p: f64 = 1\n    schedule every 1m\n\n    node px = binance.price(pair: \"X\")\n        when p > 1 and true\n        with { retry: 3, timeout: 2s }\n    output o = px.price * 2\n}\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let src = "// head\n\n/// doc\nworkflow w { // open\n  /// p doc\n  param p: f64 = 1 // trailing\n  // own line\n\n  node a = f(\n    // before x\n    x: 1, // after x\n    y: 2)\n  // last\n}\n// end\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "// head\n\n/// doc\nworkflow w { // open\n    /// p doc\n    param p: f64 = 1 // trailing\n    // own line\n\n    node a = f(\n        // before x\n        x: 1, // after x\n        y: 2,\n    )\n    // last\n}\n// end\n"
        );
    }

    #[test]
    fn long_lists_and_conditions_break() {
        let src = format!(
            "workflow w {{ node a = trade.buy(venue: \"binance\", pair: pair, amount: size, limit: {}) when {} }}",
            "x".repeat(60),
            (0..12)
                .map(|i| format!("cond_{i}.ok"))
                .collect::<Vec<_>>()
                .join(" and ")
        );
        let out = fmt(&src);
        assert!(
            out.contains("trade.buy(\n        venue: \"binance\",\n"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.chars().count() <= MAX_WIDTH), "{out}");
        assert!(out.contains("\n            and cond_"), "{out}");
    }

    #[test]
    fn literals_print_as_written() {
        let out = fmt(
            "workflow w { output o = 1_000 + 1e-3 + -(2) output s = \"a\\\"b\\n\" output d = 250ms }",
        );
        assert!(out.contains("output o = 1_000 + 1e-3 + -(2)"), "{out}");
        assert!(out.contains("output s = \"a\\\"b\\n\""), "{out}");
        assert!(out.contains("output d = 250ms"), "{out}");
    }

    #[test]
    fn refuses_what_does_not_parse() {
        let err = format("workflow w { node a = f(x 1) }").expect_err("refused");
        assert!(!err.is_empty());
        assert!(err.iter().all(|d| d.code == Code::E0001));
        assert!(format("workflow w {").is_err());
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("  \n\n"), "");
        assert_eq!(fmt("// a\n\n\n// b"), "// a\n\n// b\n");
        assert_eq!(fmt("workflow w {}"), "workflow w {}\n");
        assert_eq!(fmt("workflow w {\n}\n"), "workflow w {}\n");
    }

    #[test]
    fn externs() {
        let src = "/// d\nextern   io node a.b( x : f64 = 1 ,y:String)->( z:f64 )\nextern type T\nuse \"x.flow\"\nextern node m.n() -> (o: f64)=:: my :: Node";
        assert_eq!(
            fmt(src),
            "/// d\nextern io node a.b(x: f64 = 1, y: String) -> (z: f64)\nextern type T\nuse \"x.flow\"\nextern node m.n() -> (o: f64) = ::my::Node\n"
        );
    }
}
