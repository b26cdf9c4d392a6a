//! Reading source files from disk: the [`Loader`] behind `use`, and the root files.

use std::path::{Component, Path, PathBuf};

use flow_compiler::check::Loader;

/// Loads `use "path"` relative to the directory of the file that says it.
#[derive(Debug, Default)]
pub(crate) struct FsLoader;

/// Removes `.` and resolvable `..` components, so one file reached by two spellings of
/// its path loads once and is named the same in every diagnostic.
pub(crate) fn normalize(path: &Path) -> PathBuf {
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
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

impl Loader for FsLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<(String, String), String> {
        let dir = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = normalize(&dir.join(path));
        let name = full.display().to_string();
        match std::fs::read_to_string(&full) {
            Ok(text) => Ok((name, text)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(format!("there is no file `{name}`"))
            }
            Err(err) => Err(format!("cannot read `{name}`: {err}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.flow")),
            PathBuf::from("a/c.flow")
        );
        assert_eq!(
            normalize(Path::new("../x.flow")),
            PathBuf::from("../x.flow")
        );
        assert_eq!(normalize(Path::new("./x.flow")), PathBuf::from("x.flow"));
    }
}
