//! The subcommands of `flowc` and their dispatch. To add one: a module here with an
//! `Args` struct (clap derive) and a `run(args) -> ExitCode`, and a variant in [`Command`].

mod build;
mod check;
mod explain;
mod fmt;
mod fs;
mod import;
mod lsp;
mod templates;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Flow compiler: check, build and run typed trading workflows.
#[derive(Debug, Parser)]
#[command(name = "flowc", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check files; diagnostics go to stderr (exit 0 clean, 1 on errors).
    Check(check::Args),
    /// Print the long explanation of a diagnostic code, such as E0200.
    Explain(explain::Args),
    /// Check, generate Rust and compile a native executable.
    Build(build::BuildArgs),
    /// Build, then run the executable with the arguments after `--`.
    Run(build::RunArgs),
    /// Print the generated Rust (or with `--schedule`, the static schedule).
    Emit(build::EmitArgs),
    /// Draw the workflow's DAG (Mermaid or Graphviz DOT).
    Graph(build::GraphArgs),
    /// Turn a JSON workflow (nodes/edges or blocks/connections) into `.flow` text.
    Import(import::Args),
    /// List the strategy templates.
    Templates,
    /// Start a new strategy from a template.
    New(templates::NewArgs),
    /// Rewrite files in the canonical layout (`--check`: only list those that would change).
    Fmt(fmt::Args),
    /// Run the language server on stdin/stdout (for editors).
    Lsp(lsp::Args),
}

/// Exit status for bad arguments or unreadable input (TOOLCHAIN.md).
pub(crate) const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr.
            let code = if err.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Build(args) => build::build(args),
        Command::Run(args) => build::run(args),
        Command::Emit(args) => build::emit(args),
        Command::Graph(args) => build::graph(args),
        Command::Import(args) => import::run(args),
        Command::Templates => templates::list(),
        Command::New(args) => templates::new(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp(args) => lsp::run(args),
    }
}
