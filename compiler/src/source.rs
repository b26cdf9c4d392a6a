//! The source texts of one compilation, by [`FileId`]: the file being checked, the files
//! it reaches through `use`, and the prelude. Diagnostics name their file by id; the
//! renderers look the name and text up here.
//!
//! The compiler core never reads files: the caller adds texts (the CLI from disk, the
//! language server from open buffers, tests from memory).

use std::sync::Arc;

use crate::diagnostics::LineIndex;

/// Which source text a span belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

impl FileId {
    /// The file given to `parse` and `check` when nothing else is said: diagnostics start
    /// out in this file, and [`Sources`] gives it to the first file added.
    pub const ROOT: FileId = FileId(0);
    /// The node library's declarations, `runtime/prelude.flow`.
    pub const PRELUDE: FileId = FileId(u32::MAX);
}

/// One source text with its name (as the user should see it) and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            name: name.into(),
            text,
            lines,
        }
    }
}

/// The texts of one compilation. The first file added gets [`FileId::ROOT`]; the prelude
/// is always present as [`FileId::PRELUDE`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds a text and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX - 1));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// The id of the file added under `name`, if any.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    /// The file with this id; the prelude for [`FileId::PRELUDE`]. An id that was never
    /// handed out yields `None`.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        if id == FileId::PRELUDE {
            return Some(crate::prelude::source());
        }
        self.files.get(id.0 as usize)
    }

    /// Every file added, with its id (the prelude is not listed).
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}
