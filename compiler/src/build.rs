//! Building a generated workflow into a native executable: writes the generated crate to a
//! stable cache path, reuses the Flow workspace's lock file and one shared target directory
//! (so a warm build compiles only the generated crate), and runs cargo, which needs no network once the crates are cached.
//!
//! This module is the CLI edge's: it writes files and spawns cargo. The compiler core
//! (parse, check, codegen) does no I/O.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::analysis::Analysis;
use crate::ast;
use crate::diagnostics::{Code, Diagnostic};
use crate::graph::CheckedGraph;
use crate::source::FileId;

/// Where things are: the runtime crate to link and the cache that holds generated crates and
/// the shared target directory.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The `flow-runtime` crate's directory.
    pub runtime: PathBuf,
    /// The lock file pinning the runtime's dependencies (the Flow workspace's `Cargo.lock`).
    pub lock_file: Option<PathBuf>,
    /// Generated crates live in `cache/crates/<name>`, build output in `cache/target`.
    pub cache: PathBuf,
}

impl Layout {
    /// The layout of the workspace this `flowc` was built from, overridable with the
    /// environment variables `FLOW_RUNTIME_DIR` and `FLOW_CACHE_DIR`.
    pub fn from_env() -> Layout {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let runtime = std::env::var_os("FLOW_RUNTIME_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("runtime"));
        let cache = std::env::var_os("FLOW_CACHE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target").join("flow"));
        let lock = workspace.join("Cargo.lock");
        Layout {
            runtime: normalize(&runtime),
            lock_file: lock.is_file().then(|| normalize(&lock)),
            cache: normalize(&cache),
        }
    }

    pub fn target_dir(&self) -> PathBuf {
        self.cache.join("target")
    }
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest<'a> {
    /// The workflow's name: the crate and binary are named after it.
    pub name: &'a str,
    /// The generated Rust source (`main.rs`).
    pub source: &'a str,
    pub release: bool,
    /// Show cargo's progress on stderr.
    pub progress: bool,
    /// Link the runtime with its `workflow!` macro, for a Rust program that uses it. Code
    /// from `flowc` does not, and leaving it out spares the build the whole front end.
    pub macros: bool,
}

/// A successful build.
#[derive(Debug, Clone)]
pub struct Built {
    /// The executable in the shared target directory.
    pub executable: PathBuf,
    /// The generated crate's directory.
    pub crate_dir: PathBuf,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// Writing the crate or spawning cargo failed.
    Io { what: String, error: std::io::Error },
    /// rustc rejected the generated code: a bug in flowc, never the user's fault.
    Internal {
        crate_dir: PathBuf,
        diagnostics: String,
    },
    /// cargo failed for another reason (e.g. a dependency is missing offline).
    Cargo { crate_dir: PathBuf, output: String },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Io { what, error } => write!(f, "{what}: {error}"),
            BuildError::Internal {
                crate_dir,
                diagnostics,
            } => write!(
                f,
                "internal compiler error: the generated Rust did not compile.\n\
                 This is a bug in flowc, not in your workflow. Please report it with the \
                 generated crate at {}.\n\n{diagnostics}",
                crate_dir.display()
            ),
            BuildError::Cargo { crate_dir, output } => write!(
                f,
                "cargo could not build the generated crate at {}:\n{output}",
                crate_dir.display()
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// A crate name cargo accepts, derived from the workflow name.
pub fn crate_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "flow_");
    }
    out
}

/// The generated crate's manifest. The profiles mirror the Flow workspace's so the runtime's
/// dependencies compiled once serve every generated program.
pub fn manifest(name: &str, runtime: &Path, macros: bool) -> String {
    let mut m = String::new();
    let runtime = runtime.display().to_string().replace('\\', "/");
    let features = if macros {
        ""
    } else {
        ", default-features = false"
    };
    let _ = write!(
        m,
        "# Generated by flowc. Do not edit: it is rewritten on every build.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\n\
         [[bin]]\n\
         name = \"{name}\"\n\
         path = \"main.rs\"\n\n\
         [dependencies]\n\
         flow-runtime = {{ path = \"{runtime}\"{features} }}\n\n\
         [workspace]\n\n\
         [profile.dev]\n\
         debug = \"line-tables-only\"\n\n\
         [profile.dev.package.\"*\"]\n\
         opt-level = 2\n\
         debug = false\n\n\
         [profile.release]\n\
         debug = false\n\
         codegen-units = 16\n"
    );
    m
}

/// E0100 for each node kind of `graph` the runtime does not implement, once per kind at
/// its first node. A standalone program links only the runtime, so a kind bound to a Rust
/// type (`extern node k(..) -> (..) = crate::T`, for the `workflow!` macro) or declared
/// without one cannot be built by `flowc`; without this check the user would get rustc's
/// errors about the generated code instead.
pub fn unlinkable_kinds(analysis: &Analysis, graph: &CheckedGraph) -> Vec<Diagnostic> {
    let files = std::iter::once((FileId::ROOT, &analysis.ast))
        .chain(analysis.used.iter().map(|u| (u.id, &u.ast)));
    let decls: Vec<(FileId, &ast::ExternNode)> = files
        .flat_map(|(file, ast)| {
            ast.items.iter().filter_map(move |item| match item {
                ast::Item::ExternNode(decl) => Some((file, decl)),
                _ => None,
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for node in &graph.nodes {
        let dotted = node.kind.dotted();
        let decl = decls
            .iter()
            .rev()
            .find(|(_, d)| d.path.dotted() == dotted)
            .copied();
        let bound = decl.and_then(|(_, d)| d.binding.as_ref());
        if (bound.is_none() && crate::prelude::kind(&dotted).is_some())
            || !seen.insert(dotted.clone())
        {
            continue;
        }
        let (message, help) = match bound {
            Some(path) => (
                format!(
                    "node kind `{dotted}` is implemented by `{}`, a type of a Rust crate",
                    rust_path(path)
                ),
                "`flowc` builds a program of its own, which links only the runtime's node kinds; \
                 run this workflow from your crate with `flow_runtime::workflow!(file = \"...\")`"
                    .to_owned(),
            ),
            None => (
                format!("node kind `{dotted}` has no implementation in the runtime"),
                format!(
                    "the runtime implements the kinds of its prelude (`runtime/prelude.flow`); \
                     a kind of your own needs a Rust type: declare it as \
                     `extern node {dotted}(...) -> (...) = crate::path::MyNode` and run the \
                     workflow from your crate with `flow_runtime::workflow!`"
                ),
            ),
        };
        let mut d = Diagnostic::new(Code::E0100, message, node.span, "used here").with_help(help);
        if let Some((file, decl)) = decl {
            d = d.with_label_in(file, decl.path.span, "declared here");
        }
        out.push(d);
    }
    out
}

fn rust_path(path: &ast::RustPath) -> String {
    let names: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
    format!(
        "{}{}",
        if path.global { "::" } else { "" },
        names.join("::")
    )
}

/// Writes the crate (only files whose content changed, so cargo's fingerprints stay warm)
/// and builds it.
pub fn build(layout: &Layout, request: &BuildRequest<'_>) -> Result<Built, BuildError> {
    let name = crate_name(request.name);
    let crate_dir = layout.cache.join("crates").join(&name);
    let io = |what: String| move |error| BuildError::Io { what, error };
    std::fs::create_dir_all(&crate_dir).map_err(io(format!("creating {}", crate_dir.display())))?;
    write_if_changed(
        &crate_dir.join("Cargo.toml"),
        &manifest(&name, &layout.runtime, request.macros),
    )?;
    write_if_changed(&crate_dir.join("main.rs"), request.source)?;
    if let Some(lock) = &layout.lock_file {
        let target = crate_dir.join("Cargo.lock");
        if !target.exists() {
            std::fs::copy(lock, &target).map_err(io(format!("copying {}", lock.display())))?;
        }
    }

    let target_dir = layout.target_dir();
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .arg(if color_stderr() {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        });
    // No `--offline`: with the workspace's lock file copied in and the crates already in
    // cargo's cache, cargo makes no network request; on a fresh machine it downloads the
    // runtime's dependencies once, which `--offline` would refuse.
    if request.release {
        cmd.arg("--release");
    }
    if !request.progress {
        cmd.arg("--quiet");
    }
    // A build started from a test or from cargo itself must not inherit its target or flags.
    for var in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_ENCODED_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdout(Stdio::piped()).stderr(if request.progress {
        Stdio::inherit()
    } else {
        Stdio::piped()
    });
    let mut child = cmd.spawn().map_err(io("running cargo".to_string()))?;

    // cargo writes one JSON message a line on stdout; the generated crate's compiler
    // messages are collected, everything else is cargo's own business.
    let mut generated_errors = String::new();
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let ours = msg["target"]["name"].as_str() == Some(name.as_str())
                || msg["package_id"].as_str().is_some_and(|id| {
                    id.contains(&format!("#{name}@")) || id.contains(&format!("/{name}#"))
                });
            match msg["reason"].as_str() {
                Some("compiler-message") if ours => {
                    if msg["message"]["level"].as_str() == Some("error")
                        && let Some(rendered) = msg["message"]["rendered"].as_str()
                    {
                        generated_errors.push_str(rendered);
                    }
                }
                Some("compiler-artifact") if ours => {
                    if let Some(exe) = msg["executable"].as_str() {
                        executable = Some(PathBuf::from(exe));
                    }
                }
                _ => {}
            }
        }
    }
    let mut stderr_text = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            stderr_text.push_str(&line);
            stderr_text.push('\n');
        }
    }
    let status = child.wait().map_err(io("waiting for cargo".to_string()))?;
    if !generated_errors.is_empty() {
        return Err(BuildError::Internal {
            crate_dir,
            diagnostics: generated_errors,
        });
    }
    match (status.success(), executable) {
        (true, Some(executable)) => Ok(Built {
            executable,
            crate_dir,
        }),
        _ => Err(BuildError::Cargo {
            crate_dir,
            output: stderr_text,
        }),
    }
}

/// Whether rustc's messages, which end up on our stderr, may carry colours.
fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

fn write_if_changed(path: &Path, content: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|error| BuildError::Io {
        what: format!("writing {}", path.display()),
        error,
    })
}

/// Makes a path absolute and drops `..` where the file system allows, so generated
/// manifests name the runtime by a clean path.
fn normalize(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("rsi_mean_reversion"), "rsi_mean_reversion");
        assert_eq!(crate_name("9lives"), "flow_9lives");
        assert_eq!(crate_name(""), "flow_");
    }

    #[test]
    fn manifest_links_the_runtime_and_is_its_own_workspace() {
        let m = manifest("x", Path::new("/opt/flow/runtime"), false);
        assert!(
            m.contains("flow-runtime = { path = \"/opt/flow/runtime\", default-features = false }")
        );
        let m = manifest("x", Path::new("/opt/flow/runtime"), true);
        assert!(m.contains("flow-runtime = { path = \"/opt/flow/runtime\" }"));
        assert!(m.contains("[workspace]"));
    }
}
