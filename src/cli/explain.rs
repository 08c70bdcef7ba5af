//! `jobsim explain OUTDIR job/NAME|pod/NAME|cronjob/NAME`: why a pod exists and how it
//! ended (or, for a Job or CronJob, the chain of all its pods and decisions), in plain words
//! with the Kubernetes rule behind each step. It reads a run's output directory through the
//! report layer and prints; it never simulates.

use std::path::PathBuf;

use clap::Args;
use jobsim::report::ReportError;
use jobsim::report::explain::{NotFound, Target};

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct ExplainArgs {
    /// The output directory of a `jobsim run` (with pods.csv, jobs.csv, events.csv, …).
    pub out_dir: PathBuf,
    /// What to explain: `job/NAME`, `pod/NAME` or `cronjob/NAME`.
    #[arg(value_name = "KIND/NAME")]
    pub object: String,
}

/// Why `jobsim explain` failed.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// The directory is not the output of a run.
    #[error(transparent)]
    Read(ReportError),
    /// The object is not written as `kind/name`.
    #[error("{0:?} is not job/NAME, pod/NAME or cronjob/NAME")]
    Target(String),
    /// The object is not in the records.
    #[error(transparent)]
    NotFound(NotFound),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl ExplainError {
    /// Exit code 2 for bad input (a folder that is not a run's, an unknown object), 3 when
    /// standard output cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            ExplainError::Stdout(_) => super::EXIT_OUTPUT,
            _ => super::EXIT_USAGE,
        }
    }
}

/// Prints the explanation.
pub fn explain(args: ExplainArgs, out: &mut Stdout) -> Result<(), ExplainError> {
    let target =
        Target::parse(&args.object).ok_or_else(|| ExplainError::Target(args.object.clone()))?;
    let records = jobsim::report::explain::load(&args.out_dir).map_err(ExplainError::Read)?;
    let text =
        jobsim::report::explain::explain(&records, &target).map_err(ExplainError::NotFound)?;
    out.print(&text)?;
    Ok(())
}
