//! `flowc import FILE.json [-o OUT]`: a JSON workflow (TOOLCHAIN.md's nodes/edges or
//! blocks/connections format) as `.flow` text ([`flow_compiler::import`]), on stdout or in
//! OUT, in the canonical layout.
//!
//! What could not be mapped goes to stderr with its JSON path; the text is then checked
//! like any `.flow` file and its diagnostics follow. Exit 0 when everything mapped and the
//! text checks (warnings allowed), 1 when something did not, 2 when the file is unreadable.
//! The text is written even then, with a comment where a node was left out, so the user
//! can finish by hand.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use flow_compiler::diagnostics::{Severity, human};
use flow_compiler::import::{Level, Problem};

use super::fs::normalize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The JSON workflow.
    #[arg(value_name = "FILE.json")]
    file: PathBuf,
    /// Write the `.flow` text here instead of to standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let shown = normalize(&args.file).display().to_string();
    let json = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read `{}`: {err}", args.file.display());
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".to_owned());
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let imported = match flow_compiler::import::import(&json, &stem) {
        Ok(imported) => imported,
        Err(problem) => {
            report(&mut err, &shown, &problem);
            return ExitCode::FAILURE;
        }
    };
    for problem in &imported.problems {
        report(&mut err, &shown, problem);
    }
    let text = flow_compiler::fmt::format(&imported.text).unwrap_or(imported.text.clone());

    // The text is checked as the file it becomes.
    let flow_name = match &args.output {
        Some(out) => out.display().to_string(),
        None => format!("{stem}.flow (imported from {shown})"),
    };
    let analysis = flow_compiler::analyze(&flow_name, &text, &mut flow_compiler::check::NoFiles);
    let style = human::Style {
        color: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        unicode: true,
        width: 100,
    };
    for d in &analysis.diagnostics {
        let _ = err.write_all(human::render(d, &analysis.sources, style).as_bytes());
    }
    let failed = imported.has_errors()
        || analysis
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);

    let written = match &args.output {
        Some(out) => std::fs::write(out, &text).map_err(|e| (out.display().to_string(), e)),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .map_err(|e| ("standard output".to_owned(), e))
        }
    };
    if let Err((to, e)) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(err, "error: cannot write {to}: {e}");
        return ExitCode::FAILURE;
    }
    if failed {
        let _ = writeln!(
            err,
            "error: {shown} did not import cleanly; the text has a comment where something was left out"
        );
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn report(out: &mut dyn Write, file: &str, p: &Problem) {
    let level = match p.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let _ = writeln!(out, "{level}: {file}: {}: {}", p.path, p.message);
}
