//! The `workflow!` macro's expansion: `TokenStream -> TokenStream`, the whole macro but for
//! the few lines of `flow-macros` that hand the tokens over (as `pest_derive` hands over to
//! `pest_generator`).
//!
//! Two input forms:
//! - the language inline, as Rust tokens: `workflow! { workflow name { ... } }`. The
//!   tokens are turned back into Flow text with a map from every byte to its token
//!   ([`tokens`]), and that text goes through the same `parse` and `check` as a `.flow`
//!   file ([`crate::analyze`]): one grammar, and every diagnostic lands on the exact
//!   tokens;
//! - a file: `workflow!(file = "strategies/x.flow")`, relative to the crate's manifest
//!   directory. The expansion `include_bytes!`s it (and every file it `use`s), so cargo
//!   rebuilds the crate when one changes. Diagnostics sit on the path literal and show the
//!   file's snippet in their message.
//!
//! The output: one module per workflow ([`items::module`]), the errors as
//! `compile_error!` and warnings as deprecation warnings ([`report`]), a placeholder
//! module for each workflow with errors ([`items::placeholder`]). Node kinds bound to the
//! user's Rust types get adapters whose mismatches are reported on the declaration
//! ([`items`]). Nothing here panics on user input: whatever the tokens, the result is
//! tokens.

mod file;
mod items;
mod report;
mod tokens;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;

use crate::analysis::{Analysis, analyze};
use crate::ast;
use crate::diagnostics::{self, Code, Diagnostic, Severity};
use crate::source::FileId;
use items::UserKind;
use report::Origin;
use tokens::Rebuilt;

/// The name diagnostics give the macro's own text (it has no file).
const INLINE_NAME: &str = "workflow!";

/// Expands `workflow! { ... }` or `workflow!(file = "...")`, with paths relative to the
/// crate's manifest directory (`CARGO_MANIFEST_DIR`).
pub fn expand(input: TokenStream) -> TokenStream {
    expand_in(input, &file::manifest_dir())
}

/// [`expand`] with paths relative to `base` instead (for tests and tools).
pub fn expand_in(input: TokenStream, base: &std::path::Path) -> TokenStream {
    match file_form(&input) {
        Some(Ok((path, span))) => expand_file(&path, span, base),
        Some(Err(span)) => report::compile_error(
            "expected `file = \"path/to/workflow.flow\"` (a string literal; the path is relative to the crate's directory)",
            span,
            span,
        ),
        None => expand_tokens(input, base),
    }
}

/// Recognises `file = "..."` (with an optional trailing comma): `Some(Ok(path, span))`,
/// or `Some(Err(span))` when it starts like the file form but is not one. Flow text never
/// starts with `file =`, so the forms cannot be confused.
fn file_form(input: &TokenStream) -> Option<Result<(String, Span), Span>> {
    let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    let (TokenTree::Ident(kw), TokenTree::Punct(eq)) = (tokens.first()?, tokens.get(1)?) else {
        return None;
    };
    if kw != "file" || eq.as_char() != '=' {
        return None;
    }
    let rest = &tokens[2..];
    let literal = match rest {
        [TokenTree::Literal(l)] => l,
        [TokenTree::Literal(l), TokenTree::Punct(p)] if p.as_char() == ',' => l,
        [first, ..] => return Some(Err(first.span())),
        [] => return Some(Err(eq.span())),
    };
    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()) {
        Ok(s) => Some(Ok((s.value(), literal.span()))),
        Err(_) => Some(Err(literal.span())),
    }
}

fn expand_tokens(input: TokenStream, base: &std::path::Path) -> TokenStream {
    let rebuilt = Rebuilt::new(input);
    let mut loader = file::DiskLoader::new(base.to_path_buf(), Some(INLINE_NAME));
    let analysis = analyze(INLINE_NAME, &rebuilt.text, &mut loader);
    let locate = |span: crate::span::Span| {
        rebuilt
            .locate(span)
            .unwrap_or_else(|| (Span::call_site(), Span::call_site()))
    };
    generate(analysis, &Origin::Tokens(&rebuilt), &locate, &loader.read)
}

fn expand_file(path: &str, literal: Span, base: &std::path::Path) -> TokenStream {
    let mut loader = file::DiskLoader::new(base.to_path_buf(), None);
    let text = match loader.read(path) {
        Ok(text) => text,
        Err(message) => return report::compile_error(&message, literal, literal),
    };
    let analysis = analyze(path, &text, &mut loader);
    let locate = |_: crate::span::Span| (literal, literal);
    generate(analysis, &Origin::File { literal }, &locate, &loader.read)
}

/// Everything the macro emits for an analysed text.
fn generate(
    analysis: Analysis,
    origin: &Origin<'_>,
    locate: items::Locate<'_>,
    read: &[std::path::PathBuf],
) -> TokenStream {
    let mut out = TokenStream::new();
    for path in read {
        let path = path.display().to_string();
        out.extend(quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        ));
    }

    let users = user_kinds(&analysis);
    let mut all = analysis.diagnostics.clone();
    all.extend(unbound_kinds(&analysis, &users));
    diagnostics::sort(&mut all);
    let failed = diagnostics::has_errors(&all);

    // Errors first, on their tokens; warnings go into their workflow's module.
    let mut warnings: Vec<(Option<&str>, TokenStream)> = Vec::new();
    for d in &all {
        let tokens = report::report(d, &analysis.sources, origin);
        match d.severity {
            Severity::Error => out.extend(tokens),
            Severity::Warning => warnings.push((workflow_of(&analysis.ast, d), tokens)),
        }
    }

    let mut seen: Vec<&str> = Vec::new();
    for w in analysis.ast.workflows() {
        let name = w.name.name.as_str();
        // A nameless workflow has no module to stand in for; a second one of a name is
        // an error already reported, and a second module would only add another.
        if name.is_empty() || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let extra: TokenStream = warnings
            .iter()
            .filter(|(of, _)| *of == Some(name))
            .map(|(_, t)| t.clone())
            .collect();
        let graph = analysis.graphs.iter().find(|g| g.name == name);
        match graph {
            Some(g) if !failed => out.extend(items::module(g, &users, locate, extra)),
            _ => out.extend(items::placeholder(w, extra)),
        }
    }
    for (of, tokens) in &warnings {
        if of.is_none_or(|n| !seen.contains(&n)) {
            out.extend(tokens.clone());
        }
    }
    out
}

/// The workflow whose text holds the diagnostic's primary span, if any.
fn workflow_of<'a>(file: &'a ast::File, d: &Diagnostic) -> Option<&'a str> {
    if d.file != FileId::ROOT {
        return None;
    }
    let at = d.primary.span;
    file.workflows()
        .find(|w| w.span.start <= at.start && at.end <= w.span.end)
        .map(|w| w.name.name.as_str())
}

/// Every `extern node` of the macro's text and its `use`d files that names a Rust type.
fn user_kinds(analysis: &Analysis) -> Vec<UserKind<'_>> {
    let files =
        std::iter::once((true, &analysis.ast)).chain(analysis.used.iter().map(|u| (false, &u.ast)));
    let mut out = Vec::new();
    for (local, file) in files {
        for item in &file.items {
            if let ast::Item::ExternNode(decl) = item
                && let Some(binding) = &decl.binding
            {
                out.push(UserKind {
                    decl,
                    binding,
                    local,
                });
            }
        }
    }
    out
}

/// E0100 for each node kind a workflow uses that is declared in the macro's text without a
/// Rust type to implement it: only the runtime's own kinds (the prelude's) need none.
fn unbound_kinds(analysis: &Analysis, users: &[UserKind<'_>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let files = std::iter::once((FileId::ROOT, &analysis.ast))
        .chain(analysis.used.iter().map(|u| (u.id, &u.ast)));
    for (file, ast) in files {
        for item in &ast.items {
            let ast::Item::ExternNode(decl) = item else {
                continue;
            };
            let dotted = decl.path.dotted();
            let bound = users.iter().any(|u| u.dotted_is(&dotted));
            let used = analysis
                .graphs
                .iter()
                .any(|g| g.nodes.iter().any(|n| n.kind.dotted() == dotted));
            if bound || !used || crate::prelude::kind(&dotted).is_some() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::E0100,
                    format!("node kind `{dotted}` has no implementation"),
                    decl.path.span,
                    "declared without a Rust type",
                )
                .with_help(format!(
                    "bind it to a type of your crate that implements the runtime's `NodeKind` and `{}`: `extern node {dotted}(...) -> (...) = crate::path::MyNode`",
                    if decl.class == ast::NodeClass::Pure { "Compute" } else { "Io" }
                ))
                .in_file(file),
            );
        }
    }
    out
}

impl UserKind<'_> {
    fn dotted_is(&self, dotted: &str) -> bool {
        self.decl.path.dotted() == dotted
    }
}
