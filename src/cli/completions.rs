//! `jobsim completions SHELL` and `jobsim man`: shell completion scripts (clap's
//! generator) and a roff man page, both printed on standard output and generated from the
//! same command-line definition, so they never drift from it.

use clap::{Args, CommandFactory};

use super::Cli;
use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct CompletionsArgs {
    /// The shell to complete for: bash, zsh, fish, powershell or elvish. Install e.g. with
    /// `jobsim completions bash > /etc/bash_completion.d/jobsim`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct ManArgs {}

/// Prints the completion script for `args.shell`.
pub fn completions(args: CompletionsArgs, out: &mut Stdout) -> Result<(), StdoutError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "jobsim", &mut buf);
    out.print(&String::from_utf8_lossy(&buf))
}

/// Prints the man page (`jobsim man > jobsim.1; man ./jobsim.1`).
pub fn man(_: ManArgs, out: &mut Stdout) -> Result<(), StdoutError> {
    let mut buf = Vec::new();
    // Rendering into memory cannot fail.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut buf);
    out.print(&String::from_utf8_lossy(&buf))
}
