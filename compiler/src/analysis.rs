//! One call for what every driver does first: parse a root text, load and parse the
//! files it `use`s, and check it. `flowc check`, `flowc build` and the language server
//! start here; the `workflow!` macro calls `parse` and `check` directly.

use crate::ast;
use crate::check::{self, Env, Loader, UsedFile};
use crate::diagnostics::{self, Diagnostic};
use crate::graph::CheckedGraph;
use crate::source::{FileId, Sources};

/// Everything the front end learnt about one root file.
#[derive(Debug)]
pub struct Analysis {
    /// The root file (as [`FileId::ROOT`]) and every file it reached through `use`.
    pub sources: Sources,
    pub ast: ast::File,
    pub used: Vec<UsedFile>,
    /// One graph per workflow that checked without errors.
    pub graphs: Vec<CheckedGraph>,
    /// Every diagnostic of every file, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// Parses and checks `text` (shown as `name`), reading `use`d files through `loader`.
pub fn analyze(name: &str, text: &str, loader: &mut dyn Loader) -> Analysis {
    let mut sources = Sources::new();
    let root = sources.add(name, text);
    debug_assert_eq!(root, FileId::ROOT);
    let (ast, mut diags) = crate::syntax::parse(text);
    let (used, use_diags) = check::load_uses(&mut sources, root, &ast, loader);
    diags.extend(use_diags);
    let (graphs, check_diags) = check::check(
        &ast,
        &Env {
            file: root,
            used: &used,
        },
    );
    diags.extend(check_diags);
    diagnostics::sort(&mut diags);
    Analysis {
        sources,
        ast,
        used,
        graphs,
        diagnostics: diags,
    }
}
