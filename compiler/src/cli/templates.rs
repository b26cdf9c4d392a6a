//! `flowc templates` (list the strategy templates) and `flowc new NAME --template T` (start
//! a strategy from one).

use std::path::PathBuf;
use std::process::ExitCode;

use flow_compiler::templates::{self, TEMPLATES};

#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// The new workflow's name (a Flow identifier); the file is `NAME.flow`.
    #[arg(value_name = "NAME")]
    name: String,
    /// The template to start from (see `flowc templates`).
    #[arg(
        long,
        short = 't',
        value_name = "T",
        default_value = "rsi_mean_reversion"
    )]
    template: String,
    /// Where to write the file (default: `NAME.flow` in the current directory).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn list() -> ExitCode {
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for t in TEMPLATES {
        text.push_str(&format!("{:width$}  {}\n", t.name, t.summary()));
    }
    super::build::print(&text)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(crate) fn new(args: NewArgs) -> ExitCode {
    let Some(template) = templates::find(&args.template) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        eprintln!(
            "error: there is no template `{}`; the templates are: {}",
            args.template,
            names.join(", ")
        );
        return ExitCode::from(super::EXIT_USAGE);
    };
    if !is_identifier(&args.name) {
        eprintln!(
            "error: `{}` is not a valid workflow name: use letters, digits and `_`, not starting with a digit",
            args.name
        );
        return ExitCode::from(super::EXIT_USAGE);
    }
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{}.flow", args.name)));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let result = file.and_then(|mut f| {
        std::io::Write::write_all(&mut f, template.instantiate(&args.name).as_bytes())
    });
    match result {
        Ok(()) => {
            eprintln!(
                "     Created {} from the `{}` template",
                path.display(),
                template.name
            );
            eprintln!(
                "Run it in simulation with: flowc run {} -- --ticks 50",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: `{}` already exists; not overwriting it",
                path.display()
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: cannot write `{}`: {err}", path.display());
            ExitCode::FAILURE
        }
    }
}
