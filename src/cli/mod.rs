//! Command-line front end: one file per subcommand. Each turns its arguments into library
//! calls and prints; none simulates or parses YAML itself.

pub mod cron;
pub mod report;
pub mod run;
pub mod validate;

use clap::{Parser, Subcommand};

/// Exit code: bad input or usage.
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "jobsim",
    version,
    about = "Deterministic simulator of Kubernetes batch/v1 Jobs and CronJobs (models Kubernetes v1.36, default feature gates)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios or manifests and write the results.
    Run(run::RunArgs),
    /// Check manifests and scenarios without running them.
    Validate(validate::ValidateArgs),
    /// Print the next activation times of a cron schedule, as Kubernetes computes them.
    Cron(cron::CronArgs),
    /// Rebuild the charts and report.html from a run's output directory.
    Report(report::ReportArgs),
}

/// Runs the parsed command and returns the process exit code.
pub fn main(cli: Cli) -> i32 {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Cron(args) => cron::cron(args),
        Command::Report(args) => report::report(args),
    }
}
