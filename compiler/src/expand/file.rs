//! The macro's only I/O: the `file = "..."` form reads a `.flow` file, and `use "..."` in
//! either form reads the files it names. Paths are relative to the crate's manifest
//! directory (`CARGO_MANIFEST_DIR`), or to the file that says `use`. Every file read is
//! remembered, so the expansion can `include_bytes!` it and cargo rebuilds the crate when
//! one changes.

use std::path::{Component, Path, PathBuf};

use crate::check::Loader;

/// The directory paths in the macro are relative to.
pub(crate) fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Reads `use`d files from disk. File names (as diagnostics show them) are relative to the
/// manifest directory; `inline` names the macro's own text, which lives in no file.
#[derive(Debug)]
pub(crate) struct DiskLoader {
    pub base: PathBuf,
    pub inline: Option<String>,
    /// Every file read, as absolute paths.
    pub read: Vec<PathBuf>,
}

impl DiskLoader {
    pub fn new(base: PathBuf, inline: Option<&str>) -> Self {
        DiskLoader {
            base,
            inline: inline.map(str::to_owned),
            read: Vec::new(),
        }
    }

    /// Reads a file named relative to the base directory.
    pub fn read(&mut self, name: &str) -> Result<String, String> {
        let full = self.base.join(name);
        match std::fs::read_to_string(&full) {
            Ok(text) => {
                self.read.push(absolute(&full));
                Ok(text)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(format!(
                "there is no file `{}` (paths are relative to the crate's directory, {})",
                name,
                self.base.display()
            )),
            Err(err) => Err(format!("cannot read `{name}`: {err}")),
        }
    }
}

impl Loader for DiskLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<(String, String), String> {
        let dir = if self.inline.as_deref() == Some(from) {
            // The macro's own tokens live in no file: `use` is relative to the crate.
            PathBuf::new()
        } else {
            Path::new(from)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let name = normalize(&dir.join(path)).display().to_string();
        let text = self.read(&name)?;
        Ok((name, text))
    }
}

/// Removes `.` and resolvable `..` components, so one file reached by two spellings of its
/// path loads once.
fn normalize(path: &Path) -> PathBuf {
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

/// The path `include_bytes!` should name: absolute, so it does not depend on the file the
/// macro was invoked from.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
