//! `jobsim merge`: joins the parts of a sharded sweep (`jobsim sweep --shard I/N` or
//! `--run-index K` outputs) into the files the whole sweep writes, byte for byte.

use std::path::PathBuf;

use clap::Args;
use jobsim::sweep::table::{self, TableError};

use super::out_dir::{OutDirError, Staging};
use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP, after_long_help = MERGE_HELP)]
pub struct MergeArgs {
    /// The parts' output folders (each holds the sweep.csv and sweep.json of a shard or
    /// of single runs).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where the merged sweep goes (written whole or not at all).
    #[arg(long, required = true)]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

const MERGE_HELP: &str = concat!(
    "\
The parts must be of one sweep: the same sweep hash (the same input bytes, --vary, --set,
--seeds, --validate and --metric) and the same jobsim version. Each must be complete (an
interrupted part is finished with `jobsim sweep … --resume DIR`), no run may be in two
parts, and together they must hold every run; otherwise merge names the folder at fault,
or the missing shards, and exits 2. The output folder gets sweep.csv, aggregate.csv and
sweep.json, the same bytes `jobsim sweep` without --shard writes.

Example:
  for i in 1 2 3; do jobsim sweep etl.yaml --vary job/etl.spec.parallelism=1..8 \\
      --seeds 20 --shard $i/3 --out part-$i; done
  jobsim merge part-1 part-2 part-3 --out etl-sweep

",
    super::exit_codes_help!()
);

/// Why `jobsim merge` failed.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Parts(#[from] TableError),
    #[error("{}: --out: exists and is not a folder", .0.display())]
    OutNotAFolder(PathBuf),
    #[error(transparent)]
    OutDir(#[from] OutDirError),
    #[error("{}: cannot write", .0.display())]
    Write(PathBuf, #[source] std::io::Error),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl MergeError {
    /// 2 for parts that do not merge, 3 for an output that cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            MergeError::Parts(_) | MergeError::OutNotAFolder(_) => super::EXIT_USAGE,
            MergeError::OutDir(_) | MergeError::Write(..) | MergeError::Stdout(_) => {
                super::EXIT_OUTPUT
            }
        }
    }
}

/// Writes a sweep folder's files into `dir`, and for a complete whole sweep its charts and
/// `report.html` (`jobsim sweep` and `jobsim merge` alike, so both give the same bytes).
pub fn write_all(
    dir: &std::path::Path,
    meta: &table::Meta,
    header: &[String],
    rows: &[table::Row],
    files: &table::Files,
) -> std::io::Result<()> {
    table::write_files(dir, files)?;
    if let Some(aggregate) = &files.aggregate_csv {
        let charts =
            jobsim::report::sweep::charts(meta, header, rows).map_err(std::io::Error::other)?;
        for c in &charts {
            std::fs::write(dir.join(&c.file), &c.svg)?;
        }
        let html = jobsim::report::sweep::report_html(meta, &charts, aggregate);
        std::fs::write(dir.join("report.html"), html)?;
    }
    Ok(())
}

/// Runs `jobsim merge`.
pub fn merge(args: MergeArgs, out: &mut Stdout) -> Result<(), MergeError> {
    let parts = args
        .dirs
        .iter()
        .map(|d| table::read_folder(d))
        .collect::<Result<Vec<_>, _>>()?;
    let n = parts.len();
    let (meta, header, mut rows) = table::merge(parts)?;
    if args.out.exists() && !args.out.is_dir() {
        return Err(MergeError::OutNotAFolder(args.out));
    }
    let files = table::files(&meta, &header, &mut rows);
    let staging = Staging::create(&args.out)?;
    write_all(staging.path(), &meta, &header, &rows, &files)
        .map_err(|e| MergeError::Write(args.out.clone(), e))?;
    staging.install()?;
    if !args.quiet {
        out.line(format_args!(
            "  merged {} runs from {n} parts; wrote {}",
            rows.len(),
            args.out.display()
        ))?;
    }
    Ok(())
}
