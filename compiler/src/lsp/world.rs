//! The server's view of the world: the open documents, the files they `use` (from open
//! buffers first, then from the file system through [`Vfs`]), and one analysis per document
//! version, computed when first needed and kept until the text changes.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use lsp_types as lsp;

use super::convert::{self, Files};
use crate::analysis::{Analysis, analyze};
use crate::ast;
use crate::check::{self, Env, Library, Loader};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceFile, Sources};

/// How the server reads files that are not open in the editor. The library does no I/O
/// itself: `flowc lsp` passes the disk, tests pass a map.
pub trait Vfs {
    /// The text of the file at `path`, or why it cannot be read.
    fn read(&self, path: &Path) -> Result<String, String>;
}

/// A document the editor has open.
#[derive(Debug)]
pub struct Document {
    pub uri: lsp::Uri,
    pub version: i32,
    pub text: String,
    /// The file path of a `file:` document; `use` paths resolve against its directory.
    pub path: Option<PathBuf>,
    /// The analysis of this exact text, once computed.
    pub snapshot: Option<Rc<Snapshot>>,
}

impl Document {
    /// The name the document's diagnostics and `use` resolution go by: its path, or its
    /// URI when it has none (an unsaved buffer).
    pub fn name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => self.uri.as_str().to_owned(),
        }
    }
}

/// Everything the front end knows about one version of a document.
#[derive(Debug)]
pub struct Snapshot {
    pub uri: lsp::Uri,
    pub version: i32,
    pub analysis: Analysis,
    /// The node kinds and types in scope (prelude, `use`d files, the document's own).
    pub library: Library,
    /// The URI each file of the analysis is shown under.
    uris: HashMap<FileId, lsp::Uri>,
    /// The diagnostics of this document, in the document's file (syntax and check).
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    pub fn root(&self) -> &SourceFile {
        // The root is always the first file added.
        self.analysis
            .sources
            .get(FileId::ROOT)
            .unwrap_or_else(|| crate::prelude::source())
    }

    pub fn text(&self) -> &str {
        &self.root().text
    }

    pub fn ast(&self) -> &ast::File {
        &self.analysis.ast
    }

    pub fn range(&self, span: crate::span::Span) -> lsp::Range {
        convert::range(self.root(), span)
    }

    /// The byte offset of an LSP position in the document.
    pub fn offset(&self, pos: lsp::Position) -> u32 {
        let root = self.root();
        convert::offset(&root.text, &root.lines, pos)
    }

    /// A location in any file of the analysis.
    pub fn location(&self, file: FileId, span: crate::span::Span) -> Option<lsp::Location> {
        let f = self.file(file)?;
        Some(lsp::Location::new(self.uri(file)?, convert::range(f, span)))
    }
}

impl Files for Snapshot {
    fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.analysis.sources.get(id)
    }

    fn uri(&self, id: FileId) -> Option<lsp::Uri> {
        self.uris.get(&id).cloned()
    }
}

/// Where the prelude is shown: `runtime/prelude.flow` on disk when this `flowc` was built
/// from a checkout that still holds it, else a read-only virtual document
/// ([`PRELUDE_URI`], served by the `flow/prelude` request).
#[derive(Debug, Clone)]
pub struct PreludeLocation {
    pub uri: lsp::Uri,
    pub path: Option<PathBuf>,
}

/// The URI of the prelude as a virtual document.
pub const PRELUDE_URI: &str = "flow-prelude:///prelude.flow";

impl PreludeLocation {
    pub fn virtual_document() -> Self {
        PreludeLocation {
            // A constant that parses (a unit test says so): no input reaches this.
            uri: PRELUDE_URI.parse().expect("PRELUDE_URI is a valid URI"),
            path: None,
        }
    }
}

/// Reads `use`d files: an open buffer wins over the file on disk.
struct BufferLoader<'a> {
    open: &'a HashMap<PathBuf, &'a str>,
    vfs: &'a dyn Vfs,
}

impl Loader for BufferLoader<'_> {
    fn load(&mut self, from: &str, path: &str) -> Result<(String, String), String> {
        let from = Path::new(from);
        if !from.is_absolute() {
            return Err(
                "the document is not saved, so `use` paths have nothing to be relative to"
                    .to_owned(),
            );
        }
        let full = normalize(&from.parent().unwrap_or(Path::new("/")).join(path));
        let name = full.display().to_string();
        if let Some(text) = self.open.get(&full) {
            return Ok((name, (*text).to_owned()));
        }
        self.vfs.read(&full).map(|text| (name, text))
    }
}

/// Removes `.` and resolvable `..` components, so one file reached by two spellings of its
/// path loads once.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `path` is the prelude itself (opened from a checkout): it declares what every
/// other file sees, so it is checked on its own rather than against itself.
fn is_prelude(doc: &Document, prelude: &PreludeLocation) -> bool {
    match (&doc.path, &prelude.path) {
        (Some(a), Some(b)) => a == b,
        _ => doc.uri == prelude.uri,
    }
}

/// Analyzes one document against the open buffers and the file system.
pub fn analyze_document(
    doc: &Document,
    docs: &HashMap<String, Document>,
    vfs: &dyn Vfs,
    prelude: &PreludeLocation,
) -> Snapshot {
    let open: HashMap<PathBuf, &str> = docs
        .values()
        .filter_map(|d| Some((d.path.clone()?, d.text.as_str())))
        .collect();
    let name = doc.name();
    let mut uris = HashMap::new();
    let (analysis, library, diagnostics) = if is_prelude(doc, prelude) {
        let mut sources = Sources::new();
        sources.add(name.clone(), doc.text.as_str());
        let (ast, mut diags) = crate::syntax::parse(&doc.text);
        let library = Library::declare(None, &[(FileId::ROOT, &ast)], &mut diags);
        crate::diagnostics::sort(&mut diags);
        let analysis = Analysis {
            sources,
            ast,
            used: Vec::new(),
            graphs: Vec::new(),
            diagnostics: diags.clone(),
        };
        (analysis, library, diags)
    } else {
        let mut loader = BufferLoader { open: &open, vfs };
        let analysis = analyze(&name, &doc.text, &mut loader);
        let (library, _) = check::library(
            &analysis.ast,
            &Env {
                file: FileId::ROOT,
                used: &analysis.used,
            },
        );
        let mut diagnostics: Vec<Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.file == FileId::ROOT)
            .cloned()
            .collect();
        diagnostics.extend(use_summaries(&analysis));
        (analysis, library, diagnostics)
    };
    for (id, file) in analysis.sources.iter() {
        let uri = if id == FileId::ROOT {
            Some(doc.uri.clone())
        } else {
            convert::path_to_uri(Path::new(&file.name))
        };
        if let Some(uri) = uri {
            uris.insert(id, uri);
        }
    }
    uris.insert(FileId::PRELUDE, prelude.uri.clone());
    Snapshot {
        uri: doc.uri.clone(),
        version: doc.version,
        analysis,
        library,
        uris,
        diagnostics,
    }
}

/// One error at a `use` for each `use`d file with errors. Those errors belong to the other
/// file (and show there when it is open), but they also keep this document from building,
/// so it must not look clean: the summary names them, each as related information.
fn use_summaries(analysis: &Analysis) -> Vec<Diagnostic> {
    let uses: Vec<&ast::Use> = analysis
        .ast
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Use(u) => Some(u),
            _ => None,
        })
        .collect();
    let Some(&first_use) = uses.first() else {
        return Vec::new();
    };
    let root_name = analysis
        .sources
        .get(FileId::ROOT)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let dir = Path::new(&root_name).parent().unwrap_or(Path::new(""));
    let mut by_file: Vec<(FileId, Vec<&Diagnostic>)> = Vec::new();
    for d in analysis.diagnostics.iter().filter(|d| d.is_error()) {
        if d.file == FileId::ROOT || d.file == FileId::PRELUDE {
            continue;
        }
        match by_file.iter_mut().find(|(f, _)| *f == d.file) {
            Some((_, list)) => list.push(d),
            None => by_file.push((d.file, vec![d])),
        }
    }
    let mut out = Vec::new();
    for (file, errors) in by_file {
        let Some(name) = analysis.sources.get(file).map(|f| f.name.clone()) else {
            continue;
        };
        // The `use` that loaded the file; a file reached through another file is
        // reported at the first `use`.
        let at = uses
            .iter()
            .find(|u| normalize(&dir.join(&u.path.value)).display().to_string() == name)
            .copied()
            .unwrap_or(first_use);
        let shown = Path::new(&name)
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
        let first = errors[0];
        let count = errors.len();
        let mut d = Diagnostic::new(
            first.code,
            format!(
                "`{shown}` has {count} error{}, the first: {}",
                if count == 1 { "" } else { "s" },
                first.message
            ),
            at.path.span,
            "this file has errors",
        )
        .with_help(format!("fix them in `{name}`"));
        for e in errors {
            d = d.with_label_in(file, e.primary.span, e.message.clone());
        }
        out.push(d);
    }
    out
}

/// Whether the snapshot read the file at `path` (through `use`).
pub fn reads(snapshot: &Snapshot, path: &Path) -> bool {
    let name = path.display().to_string();
    snapshot
        .analysis
        .sources
        .iter()
        .any(|(id, f)| id != FileId::ROOT && f.name == name)
}
