//! Command-line front end: one file per subcommand. Each turns its arguments into library
//! calls and prints; none simulates or parses YAML itself. This module belongs to the
//! binary: it uses the library only through its public `jobsim::…` paths.
//!
//! Every subcommand returns a typed error. [`print_error`] is the one place that prints
//! them, each as one `error: ` line with its cause chain, and [`CliError::exit_code`] maps
//! them to the documented exit codes ([`EXIT_CODES_HELP`]). Standard output is written
//! through [`output::Stdout`], so a reader that goes away (`jobsim cron … | head -1`) ends
//! the output quietly instead of failing the command.

pub mod check;
pub mod completions;
pub mod cron;
pub mod explain;
pub mod get;
pub mod inputs;
pub mod memory;
pub mod merge;
pub mod out_dir;
pub mod output;
pub mod plan;
pub mod report;
pub mod run;
pub mod signals;
pub mod sweep;
pub mod validate;

use std::error::Error;
use std::io::Write;

use clap::{Parser, Subcommand};

/// Exit code: bad input or usage (a file that does not load, a rejected schedule, an unknown
/// flag, an output directory of `jobsim report` that is not one a run wrote).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the input was fine but an output could not be written (the output folder,
/// a chart, `report.html`, or standard output other than a closed pipe).
pub const EXIT_OUTPUT: u8 = 3;

/// The exit codes, as every `--help` states them (a macro so that help texts can `concat!` it).
macro_rules! exit_codes_help {
    () => {
        "Exit codes: 0 done (also when the reader of standard output goes away early, as with
`| head`); 1 `check` (or `run --check`) found a failed expectation, or `plan` no value that
meets its target; 2 bad input or usage; 3 an output could not be written (output folder,
chart, report.html or standard output)."
    };
}
pub(crate) use exit_codes_help;

/// The exit codes, as every `--help` states them.
pub const EXIT_CODES_HELP: &str = exit_codes_help!();

#[derive(Debug, Parser)]
#[command(
    name = "jobsim",
    version,
    about = "Deterministic simulator of Kubernetes batch/v1 Jobs and CronJobs (models Kubernetes v1.36, default feature gates)",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios or manifests and write the results.
    Run(run::RunArgs),
    /// Run scenarios and judge their expectations (`spec.expect`): the CI gate.
    Check(check::CheckArgs),
    /// Check manifests and scenarios without running them.
    Validate(validate::ValidateArgs),
    /// Find the smallest value of a field (node count, parallelism) that meets a target in
    /// a quantile of the seeds.
    Plan(plan::PlanArgs),
    /// Print the next activation times of a cron schedule, as Kubernetes computes them.
    Cron(cron::CronArgs),
    /// Rebuild the charts and report.html from a run's output directory.
    Report(report::ReportArgs),
    /// Explain why a pod exists and how it ended (or every pod of a Job or CronJob), with
    /// the Kubernetes rule behind each step.
    Explain(explain::ExplainArgs),
    /// Run variants × seeds of scenarios in parallel: sweep.csv and aggregate.csv.
    Sweep(sweep::SweepArgs),
    /// Join the shards of a sweep into the files the whole sweep writes.
    Merge(merge::MergeArgs),
    /// Print what `kubectl get jobs|pods|cronjobs|events` would show at a simulated moment
    /// of a run (`--at 90s`), or replay its changes (`--watch`).
    Get(get::GetArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    Man(completions::ManArgs),
}

/// Why a command failed: the typed error of the subcommand that ran.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Run(#[from] run::RunError),
    #[error(transparent)]
    Check(#[from] check::CheckError),
    #[error(transparent)]
    Validate(#[from] validate::ValidateError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Cron(#[from] cron::CronError),
    #[error(transparent)]
    Report(#[from] report::ReportCmdError),
    #[error(transparent)]
    Explain(#[from] explain::ExplainError),
    #[error(transparent)]
    Sweep(#[from] sweep::SweepCmdError),
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
    #[error(transparent)]
    Get(#[from] get::GetError),
    /// Completions or the man page could not be printed.
    #[error(transparent)]
    Print(#[from] output::StdoutError),
}

impl CliError {
    /// [`EXIT_USAGE`] for bad input, [`EXIT_OUTPUT`] for an output that could not be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Run(e) => e.exit_code(),
            CliError::Check(e) => e.exit_code(),
            CliError::Validate(e) => e.exit_code(),
            CliError::Plan(e) => e.exit_code(),
            CliError::Cron(e) => e.exit_code(),
            CliError::Report(e) => e.exit_code(),
            CliError::Explain(e) => e.exit_code(),
            CliError::Sweep(e) => e.exit_code(),
            CliError::Merge(e) => e.exit_code(),
            CliError::Get(e) => e.exit_code(),
            CliError::Print(_) => EXIT_OUTPUT,
        }
    }

    /// The errors to print, one message each (`jobsim validate` reports every invalid file).
    fn messages(&self) -> Vec<&(dyn Error + 'static)> {
        match self {
            CliError::Validate(e) => e.failures(),
            CliError::Check(e) => e.failures(),
            other => vec![other],
        }
    }
}

/// `--events`: what `events.csv` holds (shared by `run` and `check --golden`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EventsArg {
    /// The Event objects the API server keeps at the end: the recorders that use
    /// client-go's event correlator merge, count and drop events as it does.
    #[default]
    Kept,
    /// Every event as it was emitted, uncorrelated, one row each with count 1.
    All,
}

impl EventsArg {
    /// The library's mode.
    pub fn mode(self) -> jobsim::record::EventsMode {
        match self {
            EventsArg::Kept => jobsim::record::EventsMode::AsKept,
            EventsArg::All => jobsim::record::EventsMode::All,
        }
    }
}

/// Runs the parsed command.
pub fn main(cli: Cli) -> Result<(), CliError> {
    let mut out = output::Stdout::new();
    match cli.command {
        Command::Run(args) => run::run(args, &mut out)?,
        Command::Check(args) => check::check(args, &mut out)?,
        Command::Validate(args) => validate::validate(args, &mut out)?,
        Command::Plan(args) => plan::plan(args, &mut out)?,
        Command::Cron(args) => cron::cron(args, &mut out)?,
        Command::Report(args) => report::report(args, &mut out)?,
        Command::Explain(args) => explain::explain(args, &mut out)?,
        Command::Sweep(args) => sweep::sweep(args, &mut out)?,
        Command::Merge(args) => merge::merge(args, &mut out)?,
        Command::Get(args) => get::get(args, &mut out)?,
        Command::Completions(args) => completions::completions(args, &mut out)?,
        Command::Man(args) => completions::man(args, &mut out)?,
    }
    Ok(())
}

/// Prints a failed command's error(s) on stderr: one `error: ` line (or block, for a
/// message that lists several problems) per error, followed by its causes joined with
/// `: `. A cause whose text the message already quotes is not repeated.
pub fn print_error(error: &CliError) {
    let mut text = String::new();
    for e in error.messages() {
        text.push_str("error: ");
        text.push_str(&with_causes(e));
        text.push('\n');
    }
    warn_raw(&text);
}

/// `error`'s message followed by each cause that it does not already quote.
fn with_causes(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let c_text = c.to_string();
        if !text.contains(&c_text) {
            text.push_str(": ");
            text.push_str(&c_text);
        }
        cause = c.source();
    }
    text
}

/// Prints a warning (`warning: …`) on stderr.
pub fn warn(message: impl std::fmt::Display) {
    warn_raw(&format!("warning: {message}\n"));
}

/// Prints a line on stderr as it is (kubectl's "No resources found …").
pub fn warn_plain(message: &str) {
    warn_raw(&format!("{message}\n"));
}

/// Writes to stderr; a stderr that cannot be written is ignored (there is nowhere left to
/// say so, and it must not turn into a panic).
fn warn_raw(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Quoting(#[source] std::io::Error);

    #[test]
    fn causes_follow_the_message_on_one_line() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(with_causes(&e), "outer: disk full");
    }

    #[test]
    fn a_cause_the_message_already_quotes_is_not_repeated() {
        let e = Quoting(std::io::Error::other("disk full"));
        assert_eq!(with_causes(&e), "outer: disk full");
    }
}
