//! The `jobsim` binary: parses the command line, hands it to [`cli`], prints a failure in
//! one place and maps it to an exit code. No logic lives here.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // clap prints usage errors as `error: …` (exit 2) and --help/--version (exit 0).
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli::main(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            cli::print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
