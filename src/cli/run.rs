//! `jobsim run`: load scenarios or bare manifests, simulate each, write the outputs and
//! print a short summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jobsim::check::{Verdict, simulate_and_judge};
use jobsim::record::csv::CsvSink;
use jobsim::record::files::write_run_files;
use jobsim::report::ReportError;
use jobsim::scenario::{self, LoadError, Scenario};
use jobsim::time::{DurationError, SimTime, parse_duration};
use jobsim::world::simulate_observed;

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP, after_long_help = RUN_HELP)]
pub struct RunArgs {
    /// Scenario files (`kind: Scenario`), Job/CronJob manifests, folders (walked
    /// recursively for `*.yaml` and `*.yml`, in byte order of their paths) or `-` for
    /// standard input. All bare manifests given together run in one default scenario.
    #[arg(required_unless_present = "filename")]
    pub files: Vec<PathBuf>,
    /// The same, in kubectl's spelling (`-f job.yaml`, `-f -` for standard input); may be
    /// repeated.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Vec<PathBuf>,
    /// Seed of the random streams (overrides the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default `reports/<scenario name>/`). With several scenarios, each
    /// gets a sub-folder named after it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Stop the simulation at this simulated time (e.g. `2h`, `90s`; overrides `horizon`).
    #[arg(long, allow_hyphen_values = true)]
    pub horizon: Option<String>,
    /// What to do with fields Kubernetes does not know, as kubectl's flag: `strict` refuses
    /// the object (the default, as `kubectl apply`), `warn` warns and drops the field,
    /// `ignore` drops it silently.
    #[arg(long, value_name = "strict|warn|ignore", default_value = "strict")]
    pub validate: jobsim::api::FieldValidation,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print events processed, wall and CPU time, events and pods per CPU-second.
    #[arg(long)]
    pub stats: bool,
    /// Skip the charts and report.html (written by default; `jobsim report DIR` draws
    /// them later from the records).
    #[arg(long)]
    pub no_charts: bool,
    /// Exit 1 when an expectation of a scenario's `spec.expect` fails (their verdicts are
    /// printed either way; without --check the exit code stays 0).
    #[arg(long)]
    pub check: bool,
}

/// Width of the text timeline printed under the summary of short runs.
const TEXT_TIMELINE_WIDTH: usize = 72;

const RUN_HELP: &str = concat!(
    "\
A bare manifest runs on the default cluster: 3 nodes worker-0..worker-2, each 4 CPU,
16Gi memory and 110 pods; scheduling takes 20ms and pod start-up 1s. A container runs for
the N of a trailing `sleep N` in its command, else 10s, and exits 0. Scenario files set
the cluster, timing, behaviour (durations, failures, scripted exit codes) and actions.

CronJobs never run out of work: a scenario with a CronJob and no `horizon` (and a bare
CronJob manifest) stops after 24h of simulated time; set `spec.horizon` or --horizon for
longer. A CronJob without `timeZone` reads its schedule in UTC (the simulated controller's
zone; a scenario can set `cluster.controllerTimeZone`).

Outputs (in the output folder): summary.json, objects.json, pods.csv, jobs.csv,
events.csv, nodes.csv, and unless --no-charts: timeline, throughput and utilisation
charts (.svg and .png; a schedule strip for CronJobs) and a self-contained report.html.
See README.md for their columns.

",
    super::exit_codes_help!(),
    " A run whose reader goes away still writes all of its outputs. With --check: 1 when an \
expectation of a scenario's `spec.expect` failed (`jobsim check` judges them without \
writing outputs)."
);

/// Why `jobsim run` failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A scenario or manifest does not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    List(#[from] super::inputs::ListError),
    #[error("--horizon: {0}")]
    Horizon(#[source] DurationError),
    /// `--out` names something that is not a folder (a file, `/dev/null`).
    #[error("{}: --out: exists and is not a folder (the output folder is created when missing)", .0.display())]
    OutNotAFolder(PathBuf),
    /// The output folder cannot be created.
    #[error("{}: cannot create", dir.display())]
    CreateDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A record file or `summary.json`/`objects.json` cannot be written.
    #[error("{}: cannot write", dir.display())]
    Write {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The records just written cannot be read back, or a chart or `report.html` cannot be
    /// drawn or written.
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
    /// `--check`: expectations failed (their lines are printed already).
    #[error("--check: {failed} of {total} expectations failed")]
    Expectations { failed: usize, total: usize },
}

impl RunError {
    /// Exit code 2 for bad input, 3 for an output that cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Load(_)
            | RunError::List(_)
            | RunError::Horizon(_)
            | RunError::OutNotAFolder(_) => super::EXIT_USAGE,
            RunError::CreateDir { .. }
            | RunError::Write { .. }
            | RunError::Report(_)
            | RunError::Stdout(_) => super::EXIT_OUTPUT,
            RunError::Expectations { .. } => super::check::EXIT_FAILED,
        }
    }
}

/// Loads, simulates and writes every scenario of the command line, one after another.
pub fn run(args: RunArgs, out: &mut Stdout) -> Result<(), RunError> {
    let files = super::inputs::expand(&[args.files.as_slice(), &args.filename].concat())?;
    let (mut scenarios, warnings) = scenario::load_inputs_with(&files, args.validate)?;
    for w in &warnings {
        super::warn(w);
    }
    let horizon_override = args
        .horizon
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(RunError::Horizon)?;
    for s in &mut scenarios {
        if let Some(seed) = args.seed {
            s.seed = seed;
        }
        if horizon_override.is_some() {
            s.horizon = horizon_override;
        }
    }
    let several = scenarios.len() > 1;
    let (mut total, mut failed) = (0, 0);
    for s in &scenarios {
        let dir = match (&args.out, several) {
            (Some(out), false) => out.clone(),
            (Some(out), true) => out.join(&s.name),
            (None, _) => Path::new("reports").join(&s.name),
        };
        // The simulation's state (world, store, sink) is gone once `run_one` returns; of its
        // result only the summary text and counters are kept, so the report phase below
        // starts from the records on disk alone.
        let stats = run_one(s, &dir, args.quiet)?;
        let chart_start = Instant::now();
        let records = if args.no_charts && args.quiet {
            None
        } else {
            Some(jobsim::report::read_run(&dir)?)
        };
        if !args.no_charts
            && let Some(records) = &records
        {
            jobsim::report::render_records(records)?;
        }
        let chart_secs = chart_start.elapsed().as_secs_f64();
        if !args.quiet {
            out.print(&stats.summary)?;
            if let Some(timeline) = records
                .as_ref()
                .and_then(|r| jobsim::report::text_timeline(r, TEXT_TIMELINE_WIDTH))
            {
                out.print(&timeline)?;
            }
            out.line(format_args!("  wrote {}", dir.display()))?;
        }
        total += stats.verdicts.len();
        for v in &stats.verdicts {
            failed += usize::from(!v.pass);
            if !args.quiet || !v.pass {
                out.line(format_args!("  {v}"))?;
            }
        }
        if args.stats {
            out.line(stats.line())?;
            if !args.no_charts {
                out.line(format_args!("  charts and report: {chart_secs:.3}s wall"))?;
            }
        }
    }
    if args.check && failed > 0 {
        return Err(RunError::Expectations { failed, total });
    }
    Ok(())
}

/// What is kept of a simulated run for printing once its outputs are written.
struct RunStats {
    /// The terminal summary of the run.
    summary: String,
    events_processed: u64,
    pods_created: u64,
    wall: f64,
    cpu: f64,
    /// The verdicts of the scenario's expectations.
    verdicts: Vec<Verdict>,
}

/// Simulates one scenario into `dir`, with a progress bar unless `quiet`.
fn run_one(s: &Scenario, dir: &Path, quiet: bool) -> Result<RunStats, RunError> {
    if dir.exists() && !dir.is_dir() {
        return Err(RunError::OutNotAFolder(dir.to_path_buf()));
    }
    std::fs::create_dir_all(dir).map_err(|source| RunError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let write_err = |source: std::io::Error| RunError::Write {
        dir: dir.to_path_buf(),
        source,
    };
    let mut sink = CsvSink::create(dir).map_err(write_err)?;
    let wall_start = Instant::now();
    let cpu_start = cpu_seconds();
    let horizon = s.horizon.map(|h| h as SimTime).or(s.effective_horizon());
    // A progress bar on stderr for runs long enough to notice; indicatif hides it when
    // stderr is not a terminal, so piped and CI output stay clean.
    let bar = match horizon {
        _ if quiet => ProgressBar::hidden(),
        Some(h) => ProgressBar::new(h.max(1)).with_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {percent:>3}% of the horizon, {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner(),
    };
    bar.set_message(format!("simulating {}", s.name));
    let mut progress = |now: SimTime| {
        bar.set_position(now);
        bar.tick();
    };
    // Expectations are judged from a wrapper around the sink; a scenario without any runs
    // with the sink alone.
    let (result, verdicts) = if s.expect.is_empty() {
        (
            simulate_observed(s, &mut sink, horizon, &mut progress),
            Vec::new(),
        )
    } else {
        simulate_and_judge(s, &mut sink, horizon, None, &mut progress)
    };
    bar.finish_and_clear();
    let cpu = cpu_seconds() - cpu_start;
    let wall = wall_start.elapsed().as_secs_f64();
    sink.finish().map_err(write_err)?;
    write_run_files(dir, &result).map_err(write_err)?;
    Ok(RunStats {
        summary: if quiet {
            String::new()
        } else {
            jobsim::report::terminal::summary(&result)
        },
        events_processed: result.events_processed,
        pods_created: result.metrics.pods_created,
        wall,
        cpu,
        verdicts,
    })
}

impl RunStats {
    /// The `--stats` line: events, pods, wall and CPU time, throughput per CPU-second.
    fn line(&self) -> String {
        let per_cpu = |n: f64| {
            if self.cpu > 0.0 {
                n / self.cpu
            } else {
                f64::INFINITY
            }
        };
        format!(
            "  stats: {} events, {} pods; wall {:.3}s, CPU {:.3}s; {:.0} events/CPU-s, {:.0} pods/CPU-s",
            self.events_processed,
            self.pods_created,
            self.wall,
            self.cpu,
            per_cpu(self.events_processed as f64),
            per_cpu(self.pods_created as f64)
        )
    }
}

/// CPU time of this process (user + system), in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return 0.0;
        }
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        tv(usage.ru_utime) + tv(usage.ru_stime)
    }
}
