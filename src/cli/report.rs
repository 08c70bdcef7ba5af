//! `jobsim report OUTDIR`: rebuild the charts and `report.html` from a run's output directory.
//! It calls the report layer and prints what it wrote; it never simulates.

use std::path::PathBuf;

use clap::Args;
use jobsim::report::ReportError;

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct ReportArgs {
    /// The output directory of a `jobsim run` (with summary.json, pods.csv, …).
    pub out_dir: PathBuf,
    /// Also print a text timeline (one line per node) of short runs, WIDTH characters wide
    /// (20 to 1000).
    #[arg(long, value_name = "WIDTH", value_parser = clap::value_parser!(u64).range(20..=1000))]
    pub text: Option<u64>,
}

/// Why `jobsim report` failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportCmdError {
    /// The directory is not the output of a run (a file is missing, unreadable or
    /// malformed): bad input.
    #[error(transparent)]
    Read(ReportError),
    /// A chart or `report.html` could not be drawn or written.
    #[error(transparent)]
    Write(ReportError),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl ReportCmdError {
    /// Exit code 2 for a directory that cannot be read as a run's output, 3 for a report
    /// file (or standard output) that cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            ReportCmdError::Read(_) => super::EXIT_USAGE,
            ReportCmdError::Write(_) | ReportCmdError::Stdout(_) => super::EXIT_OUTPUT,
        }
    }
}

/// Writes the report files and prints their paths, after the text timeline when `--text`
/// asks for it.
pub fn report(args: ReportArgs, out: &mut Stdout) -> Result<(), ReportCmdError> {
    let records = jobsim::report::read_run(&args.out_dir).map_err(ReportCmdError::Read)?;
    if let Some(width) = args.text
        && let Some(text) = jobsim::report::text_timeline(&records, width as usize)
    {
        out.print(&text)?;
    }
    let written = jobsim::report::render_records(&records).map_err(ReportCmdError::Write)?;
    for path in written {
        out.line(path.display())?;
    }
    Ok(())
}
