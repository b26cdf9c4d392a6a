//! `flowc build`, `flowc run` and `flowc emit`: check a file, pick one workflow, generate
//! Rust, and (for build and run) compile it into a native executable.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use flow_compiler::build::{BuildRequest, Layout};
use flow_compiler::codegen;
use flow_compiler::diagnostics::{Severity, human};
use flow_compiler::graph::CheckedGraph;

use super::fs::{FsLoader, normalize};

/// Which file and workflow to compile.
#[derive(Debug, clap::Args)]
pub(crate) struct Target {
    /// The `.flow` file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The workflow to compile, when the file has several.
    #[arg(long, value_name = "NAME")]
    workflow: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    target: Target,
    /// Where to put the executable (default: the workflow's name in the current directory).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// Build with optimizations.
    #[arg(long)]
    release: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    target: Target,
    /// Build with optimizations.
    #[arg(long)]
    release: bool,
    /// Arguments for the workflow's executable (after `--`), e.g. `-- --ticks 50 --seed 7`.
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

/// How `flowc graph` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum GraphFormat {
    #[default]
    Mermaid,
    Dot,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    target: Target,
    /// The picture's language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct EmitArgs {
    #[command(flatten)]
    target: Target,
    /// Print the static schedule (one line per stage) instead of the Rust.
    #[arg(long)]
    schedule: bool,
}

/// Reads, analyzes and reports; returns the chosen workflow's graph, or the exit code.
/// `standalone`: the graph becomes a program of its own, so every node kind must be one the
/// runtime implements.
fn front(target: &Target, standalone: bool) -> Result<CheckedGraph, ExitCode> {
    let path = &target.file;
    let name = normalize(path).display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| {
        eprintln!("error: cannot read `{}`: {err}", path.display());
        ExitCode::from(super::EXIT_USAGE)
    })?;
    let mut analysis = flow_compiler::analyze(&name, &text, &mut FsLoader);
    let stderr = std::io::stderr();
    let style = human::Style {
        color: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        unicode: true,
        width: 100,
    };
    let mut out = stderr.lock();
    for d in &analysis.diagnostics {
        let _ = out.write_all(human::render(d, &analysis.sources, style).as_bytes());
    }
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        let _ = writeln!(
            out,
            "error: {name} has {errors} error{}; nothing was built",
            plural(errors)
        );
        return Err(ExitCode::FAILURE);
    }
    let mut graphs = std::mem::take(&mut analysis.graphs);
    let graph = match (&target.workflow, graphs.len()) {
        (_, 0) => {
            let _ = writeln!(out, "error: {name} declares no workflow");
            Err(ExitCode::FAILURE)
        }
        (None, 1) => Ok(graphs.remove(0)),
        (None, _) => {
            let names: Vec<&str> = graphs.iter().map(|g| g.name.as_str()).collect();
            let _ = writeln!(
                out,
                "error: {name} declares {} workflows ({}); pick one with `--workflow NAME`",
                names.len(),
                names.join(", ")
            );
            Err(ExitCode::from(super::EXIT_USAGE))
        }
        (Some(wanted), _) => match graphs.iter().position(|g| &g.name == wanted) {
            Some(i) => Ok(graphs.swap_remove(i)),
            None => {
                let names: Vec<&str> = graphs.iter().map(|g| g.name.as_str()).collect();
                let _ = writeln!(
                    out,
                    "error: {name} has no workflow `{wanted}`; it declares: {}",
                    names.join(", ")
                );
                Err(ExitCode::from(super::EXIT_USAGE))
            }
        },
    }?;
    if standalone {
        let unlinkable = flow_compiler::build::unlinkable_kinds(&analysis, &graph);
        for d in &unlinkable {
            let _ = out.write_all(human::render(d, &analysis.sources, style).as_bytes());
        }
        if !unlinkable.is_empty() {
            let _ = writeln!(
                out,
                "error: workflow `{}` uses node kinds the runtime does not implement; nothing was built",
                graph.name
            );
            return Err(ExitCode::FAILURE);
        }
    }
    Ok(graph)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Generates and compiles; returns the executable's path in the shared target directory.
fn compile(graph: &CheckedGraph, release: bool) -> Result<PathBuf, ExitCode> {
    let source = codegen::emit(graph, &codegen::Config::default());
    let layout = Layout::from_env();
    let started = std::time::Instant::now();
    eprintln!(
        "   Compiling workflow `{}` ({} nodes, {} stages){}",
        graph.name,
        graph.nodes.len(),
        graph.stages.len(),
        if release { " [release]" } else { "" }
    );
    let request = BuildRequest {
        name: &graph.name,
        source: &source,
        release,
        progress: true,
        macros: false,
    };
    match flow_compiler::build::build(&layout, &request) {
        Ok(built) => {
            eprintln!(
                "    Finished `{}` in {:.2}s",
                graph.name,
                started.elapsed().as_secs_f64()
            );
            Ok(built.executable)
        }
        Err(err) => {
            eprintln!("error: {err}");
            Err(ExitCode::FAILURE)
        }
    }
}

pub(crate) fn build(args: BuildArgs) -> ExitCode {
    let graph = match front(&args.target, true) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let exe = match compile(&graph, args.release) {
        Ok(exe) => exe,
        Err(code) => return code,
    };
    let out = args.output.unwrap_or_else(|| PathBuf::from(&graph.name));
    if let Err(err) = copy_executable(&exe, &out) {
        eprintln!("error: cannot write `{}`: {err}", out.display());
        return ExitCode::FAILURE;
    }
    eprintln!("     Wrote {}", out.display());
    ExitCode::SUCCESS
}

/// Copies through a temporary file and renames, so a running copy of the old executable is
/// never overwritten in place.
fn copy_executable(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = to.with_extension("flowc-tmp");
    std::fs::copy(from, &tmp)?;
    std::fs::rename(&tmp, to)
}

pub(crate) fn run(args: RunArgs) -> ExitCode {
    let graph = match front(&args.target, true) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let exe = match compile(&graph, args.release) {
        Ok(exe) => exe,
        Err(code) => return code,
    };
    match std::process::Command::new(&exe).args(&args.args).status() {
        // The executable's own exit code is the run's (0, 1 or 2 per TOOLCHAIN.md).
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: cannot start `{}`: {err}", exe.display());
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn emit(args: EmitArgs) -> ExitCode {
    let graph = match front(&args.target, !args.schedule) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let text = if args.schedule {
        codegen::schedule_text(&graph)
    } else {
        codegen::emit(&graph, &codegen::Config::default())
    };
    print(&text)
}

pub(crate) fn graph(args: GraphArgs) -> ExitCode {
    let graph = match front(&args.target, false) {
        Ok(g) => g,
        Err(code) => return code,
    };
    print(&match args.format {
        GraphFormat::Mermaid => flow_compiler::render::mermaid(&graph),
        GraphFormat::Dot => flow_compiler::render::dot(&graph),
    })
}

/// Writes to stdout; a closed pipe (`flowc emit x.flow | head`) ends quietly.
pub(crate) fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`flowc emit x.flow | head`) is not an error worth a message.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: cannot write the output: {err}");
            ExitCode::FAILURE
        }
    }
}
