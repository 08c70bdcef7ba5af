//! `jobsim report OUTDIR`: rebuild the charts and `report.html` from a run's output directory.
//! It calls the report layer and prints what it wrote; it never simulates.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output directory of a `jobsim run` (with summary.json, pods.csv, …).
    pub out_dir: PathBuf,
    /// Also print a text timeline (one line per node) of short runs, WIDTH characters wide.
    #[arg(long, value_name = "WIDTH")]
    pub text: Option<usize>,
}

/// Writes the report files and returns the exit code: 0 when written, 2 when the directory
/// cannot be read or a file cannot be written.
pub fn report(args: ReportArgs) -> i32 {
    if args.text.is_some() {
        match crate::report::read_run(&args.out_dir) {
            Ok(records) => {
                if let Some(text) = crate::report::text_timeline(&records, args.text.unwrap_or(100))
                {
                    print!("{text}");
                }
            }
            Err(e) => {
                eprintln!("jobsim report: {e}");
                return super::EXIT_USAGE;
            }
        }
    }
    match crate::report::render_all(&args.out_dir) {
        Ok(written) => {
            let mut stdout = std::io::stdout().lock();
            for path in written {
                let _ = writeln!(stdout, "{}", path.display());
            }
            0
        }
        Err(e) => {
            eprintln!("jobsim report: {e}");
            super::EXIT_USAGE
        }
    }
}
