//! `flowc`, the Flow toolchain's command line. This is the CLI edge: the only part of the
//! compiler that reads files and talks to the terminal. Each subcommand lives in its own
//! module under `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
