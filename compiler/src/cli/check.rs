//! `flowc check FILE...`: parse and check, diagnostics to stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use flow_compiler::diagnostics::{Severity, human, json, short};

use super::fs::{FsLoader, normalize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Format {
    /// Source snippets with labels and help (colours on a terminal).
    #[default]
    Human,
    /// One line each: `file:line:col: error[E0200]: message`.
    Short,
    /// One JSON object a line.
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The `.flow` files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let stderr = std::io::stderr();
    let style = human::Style {
        color: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        unicode: true,
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100),
    };
    let mut out = stderr.lock();
    let (mut errors, mut warnings, mut unreadable) = (0usize, 0usize, false);
    for path in &args.files {
        let name = normalize(path).display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                let _ = writeln!(out, "error: cannot read `{}`: {err}", path.display());
                unreadable = true;
                continue;
            }
        };
        let analysis = flow_compiler::analyze(&name, &text, &mut FsLoader);
        for d in &analysis.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            let rendered = match args.format {
                Format::Human => human::render(d, &analysis.sources, style),
                Format::Short => short::render(d, &analysis.sources) + "\n",
                Format::Json => json::render(d, &analysis.sources) + "\n",
            };
            let _ = out.write_all(rendered.as_bytes());
        }
        // The process ends soon: freeing a large flow's trees one allocation at a time
        // would cost a fifth of the run, and the operating system reclaims it at once.
        std::mem::forget(analysis);
    }
    if args.format == Format::Human && errors + warnings > 0 {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let _ = writeln!(
            out,
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    if unreadable {
        ExitCode::from(super::EXIT_USAGE)
    } else if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
