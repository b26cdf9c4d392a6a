//! The checker: from a parsed file to one [`CheckedGraph`] per workflow, reporting every
//! problem of LANGUAGE.md's table in one pass.
//!
//! It resolves node kinds (the prelude, `use`d files and the file's own `extern`
//! declarations: [`library`]), binds arguments to ports, types every expression
//! ([`expr`]), orders the graph and finds its cycles without recursion ([`order`]), and
//! warns about unread nodes and unused params ([`workflow`]). A workflow with an error
//! yields no graph, only its diagnostics.
//!
//! The checker does no I/O: files named by `use` are read by the caller through a
//! [`Loader`] and handed in, parsed, as [`UsedFile`]s ([`load_uses`] does both).

mod expr;
pub mod library;
mod order;
pub mod suggest;
mod workflow;

use crate::ast;
use crate::diagnostics::{self, Code, Diagnostic, has_errors};
use crate::graph::CheckedGraph;
use crate::prelude;
use crate::source::{FileId, Sources};
pub use library::{KindDecl, Library, TypeDecl};

/// A file reached through `use`, parsed.
#[derive(Debug, Clone)]
pub struct UsedFile {
    pub id: FileId,
    pub ast: ast::File,
}

/// What `check` reads besides the file itself. The default is a lone file in
/// [`FileId::ROOT`] that uses nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Env<'a> {
    /// The id of the file being checked; its diagnostics are put in it.
    pub file: FileId,
    /// Every file reached through `use`, transitively (see [`load_uses`]).
    pub used: &'a [UsedFile],
}

/// Reads the files that `use` declarations name. The core never touches the file system:
/// the CLI reads the disk, the language server its open buffers, tests a map.
pub trait Loader {
    /// Loads `path` as written in `use "path"` inside the file named `from`. Returns the
    /// name to show in diagnostics (also the key that makes each file load once) and the
    /// text, or a message saying why it cannot be read.
    fn load(&mut self, from: &str, path: &str) -> Result<(String, String), String>;
}

/// A loader for front ends that read no files: every `use` is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&mut self, _from: &str, _path: &str) -> Result<(String, String), String> {
        Err("this front end does not read other files".to_owned())
    }
}

/// Loads and parses every file reached through `use` from `root` (already in `sources`
/// and parsed as `root_ast`), each once, and returns them with their diagnostics: syntax
/// errors in their own file, and E0108 at each `use` that could not be loaded.
pub fn load_uses(
    sources: &mut Sources,
    root: FileId,
    root_ast: &ast::File,
    loader: &mut dyn Loader,
) -> (Vec<UsedFile>, Vec<Diagnostic>) {
    let mut used: Vec<UsedFile> = Vec::new();
    let mut diags = Vec::new();
    // (file holding the `use`, the declaration); the work list grows as files load.
    let mut pending: Vec<(FileId, ast::Use)> =
        uses_of(root_ast).map(|u| (root, u.clone())).collect();
    let mut next = 0;
    while next < pending.len() {
        let (from, decl) = pending[next].clone();
        next += 1;
        let from_name = sources
            .get(from)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        match loader.load(&from_name, &decl.path.value) {
            Err(reason) => diags.push(
                Diagnostic::new(
                    Code::E0108,
                    format!("cannot load `{}`: {reason}", decl.path.value),
                    decl.path.span,
                    "cannot be loaded",
                )
                .with_help(format!(
                    "the path is relative to the directory of {from_name}"
                ))
                .in_file(from),
            ),
            Ok((name, text)) => {
                if sources.find(&name).is_some() {
                    continue;
                }
                let id = sources.add(name, text);
                let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
                let (ast, parse_diags) = crate::syntax::parse(&text);
                diags.extend(parse_diags.into_iter().map(|d| d.in_file(id)));
                pending.extend(uses_of(&ast).map(|u| (id, u.clone())));
                used.push(UsedFile { id, ast });
            }
        }
    }
    (used, diags)
}

fn uses_of(file: &ast::File) -> impl Iterator<Item = &ast::Use> {
    file.items.iter().filter_map(|i| {
        if let ast::Item::Use(u) = i {
            Some(u)
        } else {
            None
        }
    })
}

/// The declarations a file sees: the prelude's, its `use`d files' and its own, with the
/// problems found in them.
pub fn library(file: &ast::File, env: &Env<'_>) -> (Library, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files: Vec<(FileId, &ast::File)> = env.used.iter().map(|u| (u.id, &u.ast)).collect();
    files.push((env.file, file));
    let lib = Library::declare(Some(prelude::library()), &files, &mut diags);
    (lib, diags)
}

/// Checks every workflow of `file`. Returns a graph for each workflow without errors
/// (in source order) and every diagnostic, sorted by position.
pub fn check(file: &ast::File, env: &Env<'_>) -> (Vec<CheckedGraph>, Vec<Diagnostic>) {
    let (lib, mut diags) = library(file, env);
    // Problems in declarations or in `use`d files leave the kinds in doubt.
    let used_broken = env.used.iter().any(|u| !u.ast.unparsed.is_empty());
    let declarations_ok = !has_errors(&diags) && !used_broken && file.unparsed.is_empty();
    let broken_kinds: Vec<&str> = std::iter::once(file)
        .chain(env.used.iter().map(|u| &u.ast))
        .flat_map(|f| f.unparsed.iter())
        .filter_map(|u| u.declares.as_ref().map(|i| i.name.as_str()))
        .collect();

    let mut graphs = Vec::new();
    let workflows: Vec<&ast::Workflow> = file.workflows().collect();
    for (i, w) in workflows.iter().enumerate() {
        let first = workflows[..i]
            .iter()
            .find(|v| !w.name.name.is_empty() && v.name.name == w.name.name);
        if let Some(first) = first {
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    format!("workflow `{}` is defined twice", w.name.name),
                    w.name.span,
                    "defined again here",
                )
                .with_label(first.name.span, "first defined here")
                .with_help("rename one of the workflows")
                .in_file(env.file),
            );
        }
        let cx = workflow::Context {
            lib: &lib,
            file: env.file,
            broken_kinds: &broken_kinds,
            may_build: declarations_ok && first.is_none(),
        };
        if let Some(g) = workflow::check_workflow(w, &cx, &mut diags) {
            graphs.push(g);
        }
    }
    diagnostics::sort(&mut diags);
    (graphs, diags)
}
