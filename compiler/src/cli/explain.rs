//! `flowc explain CODE`: the long explanation of a diagnostic code.

use std::process::ExitCode;

use flow_compiler::diagnostics::Code;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A diagnostic code, such as E0200 (case does not matter).
    code: String,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match Code::parse(&args.code) {
        Some(code) => {
            print!("{}", code.explanation().render(code));
            ExitCode::SUCCESS
        }
        None => {
            let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!("error: unknown diagnostic code `{}`", args.code);
            eprintln!("the codes are {}", known.join(", "));
            ExitCode::from(super::EXIT_USAGE)
        }
    }
}
