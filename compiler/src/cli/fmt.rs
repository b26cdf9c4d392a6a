//! `flowc fmt FILE... [--check]`: rewrite files in the canonical layout
//! ([`flow_compiler::fmt`]), or with `--check` only name the files that would change.
//!
//! A file that does not parse is never touched: its syntax errors go to stderr and the
//! exit status is 1. `-` reads standard input and writes the result to standard output.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use flow_compiler::diagnostics::human;
use flow_compiler::source::Sources;

use super::fs::normalize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The `.flow` files to format (`-` for standard input to standard output).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let stderr = std::io::stderr();
    let style = human::Style {
        color: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ..human::Style::PLAIN
    };
    let (mut failed, mut unreadable) = (false, false);
    for path in &args.files {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_owned()
        } else {
            normalize(path).display().to_string()
        };
        let read = if stdin {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map(|_| text)
        } else {
            std::fs::read_to_string(path)
        };
        let text = match read {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: cannot read `{name}`: {err}");
                unreadable = true;
                continue;
            }
        };
        let formatted = match flow_compiler::fmt::format(&text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                let mut sources = Sources::new();
                sources.add(name.clone(), text.as_str());
                let mut out = stderr.lock();
                for d in &diagnostics {
                    let _ = out.write_all(human::render(d, &sources, style).as_bytes());
                }
                let _ = writeln!(
                    out,
                    "error: `{name}` does not parse, so it was not formatted ({} syntax error{})",
                    diagnostics.len(),
                    if diagnostics.len() == 1 { "" } else { "s" }
                );
                failed = true;
                continue;
            }
        };
        if args.check {
            if formatted != text {
                println!("{name}");
                failed = true;
            }
        } else if stdin {
            print!("{formatted}");
        } else if formatted != text
            && let Err(err) = std::fs::write(path, formatted)
        {
            eprintln!("error: cannot write `{name}`: {err}");
            unreadable = true;
        }
    }
    if unreadable {
        ExitCode::from(super::EXIT_USAGE)
    } else if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
