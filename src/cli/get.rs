//! `jobsim get OUTDIR jobs|pods|cronjobs|events [--at T] [-o wide] [--watch]`: the tables
//! `kubectl get` would print at a simulated moment, read back from a run's output folder.
//! It parses the arguments and prints; the rows come from `jobsim::report::get`.

use std::path::PathBuf;

use clap::Args;
use jobsim::report::ReportError;
use jobsim::report::get::{
    HOLD_FOR_A_TABLE, NO_RESOURCES, ReadOptions, Resource, TableError, View,
};

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct GetArgs {
    /// The output directory of a `jobsim run` (with summary.json, pods.csv, …).
    pub out_dir: PathBuf,
    /// What to list: `jobs`, `pods`, `cronjobs` or `events` (also kubectl's singular and
    /// short names: `job`, `po`, `cj`, `ev`).
    #[arg(value_parser = parse_resource)]
    pub resource: Resource,
    /// The simulated moment, as time since the run's start (`90s`, `1h30m`, `2d`) or `end`.
    /// Default: the end of the run, or the start with `--watch`.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Output format: `wide` adds kubectl's wide columns (pods: NODE, NOMINATED NODE,
    /// READINESS GATES; Jobs and CronJobs: CONTAINERS, IMAGES, SELECTOR).
    #[arg(short = 'o', long = "output", value_name = "FORMAT", value_parser = ["wide"])]
    pub output: Option<String>,
    /// Replay the changes from `--at` to the end of the run as `kubectl get -w` prints them:
    /// the table, then one line per object each time its row changes.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With `--watch`, start each line with ADDED, MODIFIED or DELETED (kubectl's
    /// `--output-watch-events`).
    #[arg(long, requires = "watch")]
    pub output_watch_events: bool,
}

fn parse_resource(text: &str) -> Result<Resource, String> {
    Resource::parse(text).ok_or_else(|| {
        format!(
            "the server doesn't have a resource type {text:?} here: jobsim lists jobs, pods, cronjobs and events"
        )
    })
}

/// Why `jobsim get` failed.
#[derive(Debug, thiserror::Error)]
pub enum GetError {
    /// The directory is not the output of a run: bad input.
    #[error(transparent)]
    Read(ReportError),
    /// `--at` is not a time.
    #[error("--at {text:?}: {message}")]
    At {
        /// What was given.
        text: String,
        /// Why it is not a time.
        message: String,
    },
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl GetError {
    /// Exit code 2 for bad input, 3 when standard output cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            GetError::Read(_) | GetError::At { .. } => super::EXIT_USAGE,
            GetError::Stdout(_) => super::EXIT_OUTPUT,
        }
    }
}

/// Prints the table (or the watch) of the resource.
pub fn get(args: GetArgs, out: &mut Stdout) -> Result<(), GetError> {
    // `None`: the end of the run, known once the folder is read. A bad `--at` is reported
    // after a bad folder, as before the read was narrowed.
    let at = match args.at.as_deref().map(str::trim) {
        None if args.watch => Ok(Some(0)),
        None | Some("end") => Ok(None),
        Some(text) => jobsim::report::get::parse_moment(text)
            .map(Some)
            .map_err(|message| GetError::At {
                text: text.to_string(),
                message,
            }),
    };
    // Read only what this resource's rows need, up to the last moment they show.
    let until = match at {
        Ok(Some(at)) if !args.watch => Some(at),
        _ => None,
    };
    let options = ReadOptions {
        // Many pods or events are read again from their files as they are printed (a
        // watch over the events, not in time order in the file, holds them all).
        hold_at_most: (!(args.watch && args.resource == Resource::Events))
            .then_some(HOLD_FOR_A_TABLE),
        ..ReadOptions::for_resource(args.resource, until)
    };
    let view = View::read_for(&args.out_dir, options).map_err(GetError::Read)?;
    let at = at?.unwrap_or(view.end);
    let wide = args.output.is_some();
    // The text goes out a piece at a time as it is laid out: a table of millions of rows
    // is never held whole.
    let print = &mut |piece: &str| out.print(piece);
    let printed = if args.watch {
        view.watch_to(args.resource, at, wide, args.output_watch_events, print)
    } else {
        view.write_table(args.resource, at, wide, print)
    }
    .map_err(|e| match e {
        TableError::Read(e) => GetError::Read(e),
        TableError::Emit(e) => GetError::Stdout(e),
    })?;
    if !printed {
        super::warn_plain(NO_RESOURCES);
    }
    Ok(())
}
