//! `jobsim cron EXPR`: next activation times of a schedule.

use clap::Args;

#[derive(Debug, Args)]
pub struct CronArgs {
    /// The schedule, as written in `spec.schedule`.
    pub expr: String,
}

pub fn cron(_args: CronArgs) -> i32 {
    eprintln!("jobsim cron: not implemented yet");
    super::EXIT_USAGE
}
