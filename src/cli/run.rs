//! `jobsim run`: load scenarios or bare manifests, simulate each, write the outputs and
//! print a short summary.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jobsim::check::{Verdict, simulate_and_judge};
use jobsim::record::write_run_files;
use jobsim::record::{CsvSink, SinkError};
use jobsim::report::ReportError;
use jobsim::{DurationError, SimTime, format_duration, parse_duration};
use jobsim::{LoadError, LoadOptions, MAX_HORIZON, Scenario};
use jobsim::{Progress, SimulateError, simulate_observed};

use super::out_dir::{OutDirError, Staging};
use super::output::{Stdout, StdoutError};
use super::signals;

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
    pub validate: jobsim::FieldValidation,
    /// Change a field of every input before it is read, as if written in the file
    /// (repeatable): `seed=7`, `horizon=2h`, `cluster.nodePools.worker.count=12`,
    /// `job/NAME.spec.parallelism=4`, `job/NAME.behavior.failure.probability=0.1`,
    /// `cronjob/NAME.spec.schedule='0 2 * * *'`. The value is YAML.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<jobsim::Override>,
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
    /// Stop a run that has created more than this many pods (a runaway run).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PODS)]
    pub max_pods: u64,
    /// Stop a run that has processed more than this many events (a runaway run).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Stop a run whose record files would pass this many GiB in all.
    #[arg(long, value_name = "GIB", default_value_t = DEFAULT_MAX_OUTPUT_GIB)]
    pub max_output_gib: u64,
    /// Exit 1 when an expectation of a scenario's `spec.expect` fails (their verdicts are
    /// printed either way; without --check the exit code stays 0).
    #[arg(long)]
    pub check: bool,
    /// What events.csv holds: `kept` (default) the Event objects a v1.36 API server
    /// keeps, correlated as client-go's recorders do (count, firstTime, lastTime); `all`
    /// every event as it was emitted, one row each with count 1.
    #[arg(long, value_enum, value_name = "kept|all", default_value = "kept")]
    pub events: super::EventsArg,
}

/// Default of `--max-pods`: fifty times the largest benchmark's pods.
pub const DEFAULT_MAX_PODS: u64 = 50_000_000;
/// Default of `--max-events`.
pub const DEFAULT_MAX_EVENTS: u64 = 500_000_000;
/// Default of `--max-output-gib`.
pub const DEFAULT_MAX_OUTPUT_GIB: u64 = 64;

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
longer. Any other run ends when its work ends, or after 365 days of simulated time with a
warning; a horizon above 10 years is refused. A runaway run stops with an error at
--max-pods (50,000,000 pods created), --max-events (500,000,000 events) or
--max-output-gib (64 GiB of record files), checked every 4,096 events.

The output folder is written whole: the run writes into a temporary folder beside it and
puts its files in place only when all are written; until then the previous run's files
stay as they were. Of two runs into one folder the last to finish wins. SIGINT or SIGTERM
stops the run, removes its temporary folder and exits 130 or 143. A CronJob without `timeZone` reads its schedule in UTC (the simulated controller's
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
    /// `--horizon` above [`MAX_HORIZON`].
    #[error("--horizon: {} is longer than the most a run may simulate, {} (ten years)", format_duration(*.0), format_duration(MAX_HORIZON))]
    HorizonTooLong(SimTime),
    /// A runaway run reached one of its limits.
    #[error("{scenario}: stopped: {what} passed the limit of {limit}; {flag} raises it")]
    Limit {
        scenario: String,
        what: &'static str,
        limit: u64,
        flag: &'static str,
    },
    /// SIGINT or SIGTERM arrived; the temporary folder was removed.
    #[error("interrupted by {}: the output folder was left as it was", signals::name(*.0))]
    Interrupted(i32),
    /// The temporary folder cannot be created or put in place.
    #[error(transparent)]
    OutDir(#[from] OutDirError),
    /// A record file cannot be written; the run stopped at the first failed write.
    #[error("{}: cannot write; the run stopped there", .0.display())]
    Sink(PathBuf, #[source] std::io::Error),
    /// `--out` names something that is not a folder (a file, `/dev/null`).
    #[error("{}: --out: exists and is not a folder (the output folder is created when missing)", .0.display())]
    OutNotAFolder(PathBuf),
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
            | RunError::HorizonTooLong(_)
            | RunError::Limit { .. }
            | RunError::OutNotAFolder(_) => super::EXIT_USAGE,
            RunError::Interrupted(signal) => (128 + signal).clamp(0, 255) as u8,
            RunError::OutDir(_)
            | RunError::Sink(..)
            | RunError::Write { .. }
            | RunError::Report(_)
            | RunError::Stdout(_) => super::EXIT_OUTPUT,
            RunError::Expectations { .. } => super::check::EXIT_FAILED,
        }
    }
}

/// Loads, simulates and writes every scenario of the command line, one after another.
pub fn run(args: RunArgs, out: &mut Stdout) -> Result<(), RunError> {
    signals::install();
    let options = LoadOptions {
        field_validation: args.validate,
        overrides: args.set.clone(),
    };
    let files = super::inputs::expand(&[args.files.as_slice(), &args.filename].concat())?;
    let (mut scenarios, warnings) = jobsim::load_files(&files, &options)?;
    for w in &warnings {
        super::warn(w);
    }
    if !args.quiet {
        for hint in scenarios.iter().filter_map(|s| s.command_hint()) {
            super::warn(hint);
        }
    }
    let horizon_override = args
        .horizon
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(RunError::Horizon)?;
    if let Some(h) = horizon_override
        && h > MAX_HORIZON
    {
        return Err(RunError::HorizonTooLong(h));
    }
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
        if dir.exists() && !dir.is_dir() {
            return Err(RunError::OutNotAFolder(dir.to_path_buf()));
        }
        // Every file goes into a temporary folder beside `dir`, removed if anything below
        // fails or a signal stops the run, and put in place only once all are written.
        let staging = Staging::create(&dir)?;
        // The simulation's state (world, store, sink) is gone once `run_one` returns; of its
        // result only the summary text and counters are kept, so the report phase below
        // starts from the records on disk alone.
        let stats = run_one(s, staging.path(), &dir, &args)?;
        super::memory::release_freed_memory();
        interrupted()?;
        let chart_start = Instant::now();
        let records = if args.no_charts && args.quiet {
            None
        } else {
            Some(jobsim::report::read_run(staging.path())?)
        };
        interrupted()?;
        if !args.no_charts
            && let Some(records) = &records
        {
            jobsim::report::render_records(records)?;
        }
        let chart_secs = chart_start.elapsed().as_secs_f64();
        interrupted()?;
        staging.install()?;
        if stats.bound_reached {
            super::warn(format_args!(
                "{}: the run reached the default bound of {} of simulated time with work left; \
                 its outputs end there (--horizon sets another end)",
                s.name,
                format_duration(jobsim::DEFAULT_RUN_BOUND)
            ));
        }
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
    /// The run stopped at [`scenario::DEFAULT_RUN_BOUND`] with work left.
    bound_reached: bool,
    /// The verdicts of the scenario's expectations.
    verdicts: Vec<Verdict>,
}

/// The signal that arrived, as an error.
fn interrupted() -> Result<(), RunError> {
    match signals::pending() {
        Some(signal) => Err(RunError::Interrupted(signal)),
        None => Ok(()),
    }
}

/// Simulates one scenario into `dir` (its temporary folder; `target` is where its files
/// go, for messages), with a progress bar unless `quiet`.
fn run_one(s: &Scenario, dir: &Path, target: &Path, args: &RunArgs) -> Result<RunStats, RunError> {
    let quiet = args.quiet;
    let write_err = |source: std::io::Error| RunError::Write {
        dir: target.to_path_buf(),
        source,
    };
    // A failed record write names the file as it would have been in the output folder.
    let sink_err = |e: SinkError| -> RunError {
        let path = target.join(e.path.file_name().unwrap_or_default());
        if e.source.kind() == std::io::ErrorKind::FileTooLarge {
            RunError::Limit {
                scenario: s.name.clone(),
                what: "the record files",
                limit: args.max_output_gib,
                flag: "--max-output-gib (GiB)",
            }
        } else {
            RunError::Sink(path, e.source)
        }
    };
    let byte_limit = args.max_output_gib.saturating_mul(1 << 30);
    let mut sink = CsvSink::with_byte_limit(dir, byte_limit)
        .map_err(write_err)?
        .with_events_mode(args.events.mode());
    let wall_start = Instant::now();
    let cpu_start = cpu_seconds();
    let horizon = s.horizon.map(|h| h as SimTime).or(s.effective_horizon());
    // A progress bar on stderr for runs long enough to notice; indicatif hides it when
    // stderr is not a terminal, so piped and CI output stay clean. A run without a horizon
    // of its own shows a spinner (its default bound is no measure of its progress).
    let bar = match horizon {
        _ if quiet => ProgressBar::hidden(),
        _ if s.bound_is_default() => ProgressBar::new_spinner(),
        Some(h) => ProgressBar::new(h.max(1)).with_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {percent:>3}% of the horizon, {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner(),
    };
    bar.set_message(format!("simulating {}", s.name));
    let mut limit_hit = None;
    let mut progress = |p: &Progress| {
        bar.set_position(p.now);
        bar.tick();
        if signals::pending().is_some() {
            return ControlFlow::Break(());
        }
        if p.pods_created > args.max_pods {
            limit_hit = Some(("the pods created", args.max_pods, "--max-pods"));
            return ControlFlow::Break(());
        }
        if p.events > args.max_events {
            limit_hit = Some(("the events processed", args.max_events, "--max-events"));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
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
    let result = match result {
        Ok(r) => r,
        Err(SimulateError::Sink(e)) => return Err(sink_err(e)),
        Err(SimulateError::Stopped(_)) => {
            interrupted()?;
            let (what, limit, flag) = limit_hit.unwrap_or(("the run", 0, "--horizon"));
            return Err(RunError::Limit {
                scenario: s.name.clone(),
                what,
                limit,
                flag,
            });
        }
    };
    let cpu = cpu_seconds() - cpu_start;
    let wall = wall_start.elapsed().as_secs_f64();
    sink.finish().map_err(sink_err)?;
    write_run_files(dir, &result).map_err(write_err)?;
    Ok(RunStats {
        summary: if quiet {
            String::new()
        } else {
            jobsim::report::summary(&result)
        },
        events_processed: result.events_processed,
        pods_created: result.metrics.pods_created,
        wall,
        cpu,
        bound_reached: result.horizon_reached && s.bound_is_default(),
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
pub(crate) fn cpu_seconds() -> f64 {
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
