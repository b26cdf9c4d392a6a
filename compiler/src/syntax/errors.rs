//! Syntax errors (E0001) in words: what was expected, what was found, and a hint where a
//! common mistake can be recognised.
//!
//! pest reports the named rules it tried at the furthest position it reached; the grammar
//! names every keyword and punctuation mark for this reason. Here those rules become
//! words ("an expression", "`,`") and the found token is described from the boundary
//! scan's tokens, never with a pest rule name.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use super::lexer::{Tok, TokKind, describe, is_keyword};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;

/// What kind of piece was being parsed, for "the end of the statement" and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceKind {
    Statement,
    Declaration,
    Header,
}

/// The context of a failed piece.
pub(crate) struct Failure<'a> {
    pub src: &'a str,
    /// The file's tokens without comments.
    pub toks: &'a [Tok],
    /// The piece's tokens: `toks[first..end]`.
    pub first: usize,
    pub end: usize,
    pub kind: PieceKind,
}

fn words(rule: Rule, kind: PieceKind) -> &'static [&'static str] {
    use Rule::*;
    match rule {
        comma => &["`,`"],
        colon => &["`:`"],
        assign => &["`=`"],
        arrow => &["`->`"],
        dot => &["`.`"],
        lparen | args | in_ports | out_ports | call_args => &["`(`"],
        rparen => &["`)`"],
        lbrace => &["`{`"],
        rbrace => &["`}`"],
        EOI => match kind {
            PieceKind::Statement => &["the end of the statement"],
            PieceKind::Declaration => &["the end of the declaration"],
            PieceKind::Header => &["`{`"],
        },
        op_or | op_and | op_cmp | op_add | op_mul => &["an operator"],
        expr | paren | prev_call | reference | number | boolean | op_not | op_neg => {
            &["an expression"]
        }
        string => &["a string"],
        ident | segment | path => &["a name"],
        kw_workflow => &["`workflow`"],
        kw_param => &["`param`"],
        kw_schedule => &["`schedule`"],
        kw_every | every => &["`every`"],
        kw_once | once => &["`once`"],
        kw_node => &["`node`"],
        kw_when | when_clause => &["`when`"],
        kw_with | with_clause => &["`with`"],
        kw_output => &["`output`"],
        kw_extern => &["`extern`"],
        kw_use => &["`use`"],
        kw_type => &["`type`"],
        kw_prev => &["`prev`"],
        // `extern io node` or `extern effect node`: one rule, two words.
        node_class => &["`io`", "`effect`"],
        in_port | out_port => &["a port (`name: type`)"],
        arg => &["an argument (`name: value`)"],
        with_entry => &["a policy (`key: value`)"],
        param | schedule | node | output => &["a statement"],
        extern_type | extern_node | use_decl => &["a declaration"],
        _ => &[],
    }
}

/// "a", "a or b", "a, b or c".
fn one_of(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl Failure<'_> {
    fn tok(&self, i: usize) -> Option<Tok> {
        self.toks.get(i).copied()
    }

    /// The number just before `tok`, if that is what precedes it.
    fn number_before(&self, tok: Option<Tok>) -> Option<&str> {
        let tok = tok?;
        let i = self.toks.partition_point(|t| t.start < tok.start);
        let prev = self.tok(i.checked_sub(1)?)?;
        (prev.kind == TokKind::Number).then(|| prev.text(self.src))
    }

    /// The text of the token after `tok`.
    fn next_text(&self, tok: Option<Tok>) -> &str {
        let Some(tok) = tok else { return "" };
        let i = self.toks.partition_point(|t| t.start <= tok.start);
        self.tok(i).map_or("", |t| t.text(self.src))
    }

    /// The piece's first keyword (`param`, `node`, `extern`, ...).
    fn keyword(&self) -> &str {
        (self.first..self.end)
            .filter_map(|i| self.tok(i))
            .find(|t| t.kind == TokKind::Ident)
            .map_or("", |t| t.text(self.src))
    }

    /// The syntax error for a pest failure at byte `pos` of the file.
    pub fn pest_error(&self, err: &Error<Rule>, base: u32) -> Diagnostic {
        let pos = base
            + match err.location {
                InputLocation::Pos(p) => p as u32,
                InputLocation::Span((s, _)) => s as u32,
            };
        let rules: Vec<Rule> = match &err.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => {
                // pest's own limits (stack depth, call count): the input is pathological.
                let span = self
                    .tok(self.first)
                    .map_or(Span::new(pos as usize, pos as usize), |t| {
                        Span::new(t.start as usize, t.end as usize)
                    });
                return Diagnostic::new(
                    Code::E0001,
                    "this statement is too complex to parse",
                    span,
                    "too deeply nested",
                )
                .with_help("split it into simpler statements");
            }
        };

        // The token the parser stopped at: inside the piece, or the one after it.
        let at = (self.first..self.end)
            .find(|&i| self.toks[i].end > pos)
            .unwrap_or(self.end);
        let found = self.tok(at);
        let inside = at < self.end;
        let span = if inside {
            let t = self.toks[at];
            Span::new(t.start as usize, t.end as usize)
        } else {
            let end = self
                .end
                .checked_sub(1)
                .and_then(|i| self.tok(i))
                .map_or(pos, |t| t.end);
            Span::new(end as usize, end as usize)
        };
        let prev = at
            .checked_sub(1)
            .filter(|&i| i >= self.first)
            .and_then(|i| self.tok(i));
        let prev_text = prev.map_or("", |t| t.text(self.src));

        let mut expected: Vec<&str> = Vec::new();
        for &rule in &rules {
            for &w in words(rule, self.kind) {
                if !expected.contains(&w) {
                    expected.push(w);
                }
            }
        }
        // After a name in an expression, `.` and `(` are possible but rarely what is
        // missing; an operator or a closing bracket is.
        if expected.contains(&"an operator") {
            expected.retain(|w| *w != "`.`" && *w != "`(`");
        }
        // Names, strings, `prev` and `(` all start expressions.
        if expected.contains(&"an expression") {
            expected.retain(|w| !matches!(*w, "a string" | "a name" | "`prev`" | "`(`"));
        }
        // "the end of the statement" reads best last.
        expected.sort_by_key(|w| w.starts_with("the end"));
        // A lone "a name" says more with its role.
        if expected == ["a name"] {
            let keyword = self.keyword();
            let role = match (prev_text, keyword) {
                ("workflow", _) => Some("the workflow's name"),
                ("param", _) => Some("the param's name"),
                ("node", "node") => Some("the node's name"),
                ("output", _) => Some("the output's name"),
                ("type", "extern") => Some("the type's name"),
                ("node", "extern") | ("io" | "effect", "extern") => {
                    Some("the node kind's path, such as `ta.rsi`")
                }
                ("=", "node") => Some("a node kind, such as `binance.price`"),
                (":", "param") | (":", "extern") => Some("a type, such as `f64`"),
                _ => None,
            };
            if let Some(role) = role {
                expected = vec![role];
            }
        }
        let expected = one_of(&expected);
        let found_text = found.map_or("", |t| t.text(self.src));
        let found_desc = describe(found, self.src);

        let help = self.hint(&rules, found, found_text, inside);
        Diagnostic::new(
            Code::E0001,
            format!("expected {expected}, found {found_desc}"),
            span,
            format!("expected {expected}"),
        )
        .with_help_opt(help)
    }

    /// A hint for a mistake we can recognise.
    fn hint(
        &self,
        rules: &[Rule],
        found: Option<Tok>,
        found_text: &str,
        inside: bool,
    ) -> Option<String> {
        let expects = |r: Rule| rules.contains(&r);
        let found_kind = found.map(|t| t.kind);
        if found_text == ";" {
            return Some(
                "Flow needs no `;`: a statement ends where the next one begins".to_owned(),
            );
        }
        if inside
            && found_kind == Some(TokKind::Ident)
            && is_keyword(found_text)
            && (expects(Rule::ident) || expects(Rule::path))
        {
            return Some(format!(
                "`{found_text}` is a keyword and cannot be used as a name; choose another name"
            ));
        }
        if found_text == "=" && expects(Rule::colon) {
            return Some("arguments, ports and policies are written `name: value`".to_owned());
        }
        if found_text == ":" && expects(Rule::assign) {
            return Some(match self.keyword() {
                "node" => "a node is written `node NAME = KIND(ARG: VALUE, ...)`".to_owned(),
                _ => "write `=` between the name and the value".to_owned(),
            });
        }
        if found_text == "when" && self.keyword() == "node" && expects(Rule::EOI) {
            return Some("write `when ...` before `with { ... }`".to_owned());
        }
        if self.keyword() == "use" && expects(Rule::string) {
            return Some(
                "write the path in double quotes, as in `use \"nodes/mine.flow\"`".to_owned(),
            );
        }
        if found_kind == Some(TokKind::Ident)
            && !is_keyword(found_text)
            && self.next_text(found) == "="
        {
            return Some(format!(
                "to declare a node, write `node {found_text} = KIND(...)` on its own line"
            ));
        }
        if found_text == "'" {
            return Some("strings are written in double quotes, as in `\"BTCUSDT\"`".to_owned());
        }
        if found_kind == Some(TokKind::Ident)
            && let Some(unit) = super::lower::unit_suggestion(found_text)
            && let Some(number) = self.number_before(found)
        {
            return Some(format!(
                "write `{number}{unit}`: the unit goes right after the number"
            ));
        }
        if found_text == "&&" || found_text == "&" {
            return Some("write `and` for a logical and".to_owned());
        }
        if found_text == "||" || found_text == "|" {
            return Some("write `or` for a logical or".to_owned());
        }
        if found_text == "!" {
            return Some("write `not` for a logical not".to_owned());
        }
        if self.kind == PieceKind::Header && expects(Rule::lbrace) {
            return Some("a workflow is written `workflow NAME { ... }`".to_owned());
        }
        None
    }

    /// An error found by the token scan before pest ran: an unterminated string, a
    /// character outside the language, or brackets nested too deeply.
    pub fn lexical_error(&self, max_nesting: usize) -> Option<Diagnostic> {
        let mut depth = 0usize;
        for i in self.first..self.end {
            let t = self.toks[i];
            let span = Span::new(t.start as usize, t.end as usize);
            match t.kind {
                TokKind::Str { terminated: false } => {
                    return Some(
                        Diagnostic::new(Code::E0001, "unterminated string", span, "this string is never closed")
                            .with_help("close it with `\"` on the same line; write a line break inside a string as `\\n`"),
                    );
                }
                TokKind::Unknown => {
                    let c = t.text(self.src);
                    return Some(
                        Diagnostic::new(Code::E0001, format!("unexpected character `{c}`"), span, "not part of the language")
                            .with_help("outside strings and comments, Flow uses only ASCII: names are letters, digits and `_`"),
                    );
                }
                TokKind::Punct => {
                    match t.text(self.src) {
                        "(" | "{" | "[" => {
                            depth += 1;
                            if depth > max_nesting {
                                return Some(
                                Diagnostic::new(
                                    Code::E0001,
                                    format!("brackets are nested more than {max_nesting} levels deep"),
                                    span,
                                    "too deeply nested",
                                )
                                .with_help("split the expression into smaller parts"),
                            );
                            }
                        }
                        ")" | "}" | "]" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        None
    }
}
