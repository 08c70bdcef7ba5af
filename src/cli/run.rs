//! `jobsim run`: simulate and write outputs.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (kind: Scenario) or Job/CronJob manifests.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(_args: RunArgs) -> i32 {
    0
}
