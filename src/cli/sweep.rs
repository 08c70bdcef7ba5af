//! `jobsim sweep`: variants × seeds of scenarios, run in parallel, written as one row per run
//! (`sweep.csv`) and statistics per variant (`aggregate.csv`); sharding across processes
//! and machines, `--list-runs`, `--run-index`, `--resume`. The runs and the files are the
//! library's (`jobsim::sweep`); this file turns arguments into them, shows progress and
//! handles Ctrl-C.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jobsim::sweep::metrics::{METRICS, metric_index};
use jobsim::sweep::shard::{self, Part, ShardError};
use jobsim::sweep::table::{self, Row, TableError};
use jobsim::sweep::{Observer, Plan, SweepError, SweepSpec, Vary};
use jobsim::{Override, Progress};

use super::out_dir::{OutDirError, Staging};
use super::output::{Stdout, StdoutError};
use super::signals;

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP, after_long_help = SWEEP_HELP)]
pub struct SweepArgs {
    /// Scenario files or bare manifests; each file is a variant of its own (compare
    /// `before.yaml after.yaml`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A field and the values to run it with (repeatable; the variants are every
    /// combination): `job/etl.spec.parallelism=1,2,4,8`, `cluster.nodePools.batch.count=2..10`,
    /// `job/etl.behavior.failure.probability=0..0.1:0.025`,
    /// `cronjob/report.spec.schedule='0 2 * * *','30 2 * * *'`. A sweep holds at most
    /// 100,000 variants (inputs × combinations).
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<Vary>,
    /// Change a field of every run, as `jobsim run --set` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Seeds per variant: the variant's own seed (1 by default), then the next N − 1.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seeds: u64,
    /// Output folder (default `reports/<first file's name>-sweep/`).
    #[arg(long, conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// The figure the progress line and the charts follow: makespan, pods_created,
    /// pods_failed, wait_p50, wait_p95, cpu_utilisation, node_hours or cost.
    #[arg(long, value_name = "NAME", default_value = "makespan")]
    pub metric: String,
    /// Run one shard of the sweep: `I/N` (1-based) runs every N-th run of the canonical
    /// order starting with run I − 1; `auto` reads it from JOB_COMPLETION_INDEX,
    /// SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long, value_name = "I/N|auto", conflicts_with = "run_index")]
    pub shard: Option<String>,
    /// With `--shard auto`: how many shards, where the environment does not say (a
    /// Kubernetes Indexed Job's `completions`).
    #[arg(long, value_name = "N", requires = "shard")]
    pub shards: Option<u64>,
    /// Print the canonical run list as JSON (of the shard, with --shard) and run nothing.
    #[arg(long)]
    pub list_runs: bool,
    /// Run exactly the run with this canonical index (0-based, as --list-runs numbers it).
    #[arg(long, value_name = "K")]
    pub run_index: Option<u64>,
    /// Continue the interrupted sweep in DIR: its finished runs are kept, the rest run,
    /// and DIR gets the outputs.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// What to do with unknown fields of manifests: strict, warn or ignore (as `jobsim run`).
    #[arg(long, value_name = "strict|warn|ignore", default_value = "strict")]
    pub validate: jobsim::FieldValidation,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the runs, events and pods simulated, wall and CPU time, and events and pods
    /// per CPU-second (of this invocation's runs).
    #[arg(long)]
    pub stats: bool,
    /// Stop the sweep when one run has created more than this many pods (a runaway run).
    #[arg(long, value_name = "N", default_value_t = super::run::DEFAULT_MAX_PODS)]
    pub max_pods: u64,
    /// Stop the sweep when one run has processed more than this many events.
    #[arg(long, value_name = "N", default_value_t = super::run::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
}

const SWEEP_HELP: &str = concat!(
    "\
VALUES of --vary: a comma-separated list (1,2,4,8); whole-number ranges, both ends
included (2..10) or with a step (0..100:25); decimals with a step (0..0.1:0.025);
durations with a step (10m..1h:10m); durations, quantities and any YAML value as written
(30s,2m  512Mi,1Gi  {uniform: [1s, 3s]}); quoted text for values with commas or spaces
('0 2 * * *','30 2 * * *'). Every variant is loaded and validated before any run starts:
an unknown path or a value the field refuses exits 2 naming it.

Canonical order: variants in the order of the files, then of the --vary values as nested
loops (the first --vary outermost, the last fastest); each variant runs the seeds S, S+1,
…, S+N−1, where S is its `seed` (1 unless the file or --set says). Run k (0-based) is
variant k / N with seed S + k % N. Each run depends only on the files' bytes, its variant
and its seed, so the outputs are the same with any number of threads (RAYON_NUM_THREADS)
and however the runs are split into shards. Runs keep no per-pod records.

Outputs (in the output folder, written whole or not at all):
  sweep.csv      one row per run, in canonical order: run, scenario, each varied field,
                 seed, all_complete, makespan, pods_created, pods_failed, wait_p50,
                 wait_p95, cpu_utilisation, node_hours, cost, then job/NAME.outcome and
                 job/NAME.finished for each Job (times in seconds)
  aggregate.csv  one row per variant: runs, success_rate (share of runs where every Job
                 completed), and mean, p50, p90, p95, p99, min, max of each metric
  sweep.json     the sweep's hash, the jobsim version, the part of the sweep it holds
                 and whether it is complete
  vary-N.svg     the --metric against the N-th --vary field: p50 line, p5–p95 band, and
                 the success rate below
  tradeoff.svg   each variant's cost (node-hours without node prices) against its p95
                 makespan, with the Pareto front
  report.html    the charts and the per-variant table
  (aggregate.csv, the charts and report.html only for a complete sweep, not for a shard)

Sharding: --shard I/N (1-based) runs runs I−1, I−1+N, …; --shard auto takes I and N from
JOB_COMPLETION_INDEX (0-based; with --shards N), SLURM_ARRAY_TASK_ID (less
SLURM_ARRAY_TASK_MIN, over SLURM_ARRAY_TASK_STEP) with SLURM_ARRAY_TASK_COUNT, or
AWS_BATCH_JOB_ARRAY_INDEX (0-based) with AWS_BATCH_JOB_ARRAY_SIZE or --shards N. A shard
or --run-index K writes sweep.csv and sweep.json only; `jobsim merge DIR... --out DIR`
joins the parts into exactly the files the whole sweep writes, and refuses parts of
another sweep (another hash or jobsim version), interrupted parts and missing ones.
--list-runs prints the runs as a JSON array of {run, variant, scenario, values, seed}
(for Argo's withParam and other orchestrators).

A progress bar (runs done, ETA, the best variant so far by success rate and then the
--metric) shows on a terminal only. Ctrl-C (SIGINT) or SIGTERM stops the sweep: the runs
in progress are dropped, the finished ones are written to the output folder (sweep.csv
and sweep.json, marked incomplete) and the command to finish it with --resume is printed;
the exit code is 130 or 143. --resume DIR refuses a folder of another sweep or shard.

Examples:
  jobsim sweep nightly.yaml --vary cluster.nodePools.batch.count=2..10 --seeds 50
  jobsim sweep etl.yaml --vary job/etl.spec.parallelism=1,2,4,8 --vary \\
      job/etl.behavior.failure.probability=0,0.05 --seeds 100 --out reports/etl-sweep
  jobsim sweep before.yaml after.yaml --seeds 100
  jobsim sweep etl.yaml --vary job/etl.spec.parallelism=1..8 --seeds 20 --shard 2/4 --out s2

",
    super::exit_codes_help!(),
    " 130 or 143 when a signal stopped the sweep (its finished runs are kept)."
);

/// Why `jobsim sweep` failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepCmdError {
    #[error(transparent)]
    Plan(#[from] SweepError),
    #[error(transparent)]
    Shard(#[from] ShardError),
    #[error("--run-index {0}: the sweep has {1} runs (0 to {last})", last = .1.saturating_sub(1))]
    RunIndex(u64, u64),
    #[error("--resume {}: {}", .0.display(), .1)]
    Resume(PathBuf, String),
    #[error("--resume: {0}")]
    ResumeRead(#[source] TableError),
    #[error(
        "run {run} ({variant}, seed {seed}): stopped: {what} passed the limit of {limit}; {flag} raises it"
    )]
    Limit {
        run: u64,
        variant: String,
        seed: u64,
        what: &'static str,
        limit: u64,
        flag: &'static str,
    },
    #[error(
        "interrupted by {}: {done} of {total} runs kept in {}; finish with:\n  {resume}",
        signals::name(*.signal),
        dir.display()
    )]
    Interrupted {
        signal: i32,
        done: usize,
        total: usize,
        dir: PathBuf,
        resume: String,
    },
    #[error("{}: --out: exists and is not a folder", .0.display())]
    OutNotAFolder(PathBuf),
    #[error(transparent)]
    OutDir(#[from] OutDirError),
    #[error("{}: cannot write", .0.display())]
    Write(PathBuf, #[source] std::io::Error),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl SweepCmdError {
    /// 2 for bad input, 3 for an output that cannot be written, 128 + signal.
    pub fn exit_code(&self) -> u8 {
        match self {
            SweepCmdError::Plan(_)
            | SweepCmdError::Shard(_)
            | SweepCmdError::RunIndex(..)
            | SweepCmdError::Resume(..)
            | SweepCmdError::ResumeRead(_)
            | SweepCmdError::Limit { .. }
            | SweepCmdError::OutNotAFolder(_) => super::EXIT_USAGE,
            SweepCmdError::Interrupted { signal, .. } => (128 + signal).clamp(0, 255) as u8,
            SweepCmdError::OutDir(_) | SweepCmdError::Write(..) | SweepCmdError::Stdout(_) => {
                super::EXIT_OUTPUT
            }
        }
    }
}

/// Runs `jobsim sweep`.
pub fn sweep(args: SweepArgs, out: &mut Stdout) -> Result<(), SweepCmdError> {
    signals::install();
    let spec = SweepSpec {
        inputs: args.files.clone(),
        vary: args.vary.clone(),
        set: args.set.clone(),
        seeds: args.seeds,
        field_validation: args.validate,
        metric: args.metric.clone(),
    };
    let plan = spec.plan()?;
    for w in &plan.warnings {
        super::warn(w);
    }
    let total = plan.total();
    let part = match (&args.shard, args.run_index) {
        (Some(s), _) if s == "auto" => {
            shard::from_env(&|name| std::env::var(name).ok(), args.shards)?
        }
        (Some(s), _) => {
            let p = shard::parse_shard(s)?;
            if let (Part::Shard { count, .. }, Some(given)) = (p, args.shards)
                && count != given
            {
                return Err(ShardError::Syntax(format!("{s} with --shards {given}")).into());
            }
            p
        }
        (None, Some(k)) if k >= total => return Err(SweepCmdError::RunIndex(k, total)),
        (None, Some(k)) => Part::Run(k),
        (None, None) => Part::All,
    };
    let mine = part.runs(total);
    if args.list_runs {
        let list: Vec<_> = mine.iter().map(|&k| plan.run_spec(k)).collect();
        let mut text = serde_json::to_string_pretty(&list).expect("plain data");
        text.push('\n');
        out.print(&text)?;
        return Ok(());
    }
    let dir = match (&args.resume, &args.out) {
        (Some(d), _) | (None, Some(d)) => d.clone(),
        (None, None) => {
            let name = jobsim::name_from_file(&args.files[0], "sweep");
            Path::new("reports").join(format!("{name}-sweep"))
        }
    };
    if dir.exists() && !dir.is_dir() {
        return Err(SweepCmdError::OutNotAFolder(dir));
    }
    let header = plan.header();
    let mut rows: Vec<Row> = match &args.resume {
        Some(d) => resumed(d, &plan, part, &header)?,
        None => Vec::new(),
    };
    let done: std::collections::BTreeSet<u64> = rows.iter().map(|r| r.run).collect();
    let todo: Vec<u64> = mine.iter().copied().filter(|k| !done.contains(k)).collect();

    let observer = Watch::new(&plan, &args, mine.len() as u64, &rows);
    let wall_start = std::time::Instant::now();
    let cpu_start = super::run::cpu_seconds();
    let new_rows = plan.execute(&todo, &observer);
    let (wall, cpu) = (
        wall_start.elapsed().as_secs_f64(),
        super::run::cpu_seconds() - cpu_start,
    );
    observer.bar.finish_and_clear();
    let pods_col = header.iter().position(|h| h == "pods_created");
    let (ran, events, pods) = new_rows
        .iter()
        .flatten()
        .fold((0u64, 0u64, 0u64), |acc, r| {
            let pods = pods_col
                .and_then(|c| r.cells()[c].parse::<u64>().ok())
                .unwrap_or(0);
            (acc.0 + 1, acc.1 + r.events, acc.2 + pods)
        });
    if let Some(limit) = observer.limit.lock().expect("not poisoned").take() {
        return Err(limit);
    }
    rows.extend(new_rows.into_iter().flatten());
    let complete = rows.len() == mine.len();
    let meta = plan.meta(part, complete);
    let files = table::files(&meta, &header, &mut rows);

    let staging = Staging::create(&dir)?;
    super::merge::write_all(staging.path(), &meta, &header, &rows, &files)
        .map_err(|e| SweepCmdError::Write(dir.clone(), e))?;
    staging.install()?;

    if let Some(signal) = signals::pending().filter(|_| !complete) {
        return Err(SweepCmdError::Interrupted {
            signal,
            done: rows.len(),
            total: mine.len(),
            dir: dir.clone(),
            resume: resume_command(&dir),
        });
    }
    if !args.quiet {
        if let Some(aggregate) = &files.aggregate_csv {
            print_summary(out, &plan, aggregate)?;
        }
        out.line(format_args!(
            "  {} runs ({}) of {} variants × {} seeds; wrote {}",
            rows.len(),
            part,
            plan.variants.len(),
            plan.spec.seeds,
            dir.display()
        ))?;
    }
    if args.stats {
        let per_cpu = |n: u64| {
            if cpu > 0.0 {
                n as f64 / cpu
            } else {
                f64::INFINITY
            }
        };
        out.line(format_args!(
            "  stats: {ran} runs, {events} events, {pods} pods; wall {wall:.3}s, CPU {cpu:.3}s; \
             {:.0} events/CPU-s, {:.0} pods/CPU-s; {} threads",
            per_cpu(events),
            per_cpu(pods),
            rayon::current_num_threads()
        ))?;
    }
    Ok(())
}

/// The finished rows of the interrupted sweep in `dir`, checked to be of this sweep and part.
fn resumed(
    dir: &Path,
    plan: &Plan,
    part: Part,
    header: &[String],
) -> Result<Vec<Row>, SweepCmdError> {
    let folder = table::read_folder(dir).map_err(SweepCmdError::ResumeRead)?;
    let refuse = |why: String| Err(SweepCmdError::Resume(dir.to_path_buf(), why));
    if folder.meta.hash != plan.hash {
        return refuse(format!(
            "holds another sweep (hash {}, this one {}): give the same files, --vary, --set, --seeds and --metric",
            folder.meta.hash, plan.hash
        ));
    }
    if folder.meta.jobsim_version != jobsim::VERSION {
        return refuse(format!(
            "was written by jobsim {}, this is {}",
            folder.meta.jobsim_version,
            jobsim::VERSION
        ));
    }
    if folder.meta.part != part {
        return refuse(format!("holds {}, not {part}", folder.meta.part));
    }
    if folder.header != header {
        return refuse("its sweep.csv has other columns".into());
    }
    Ok(folder.rows)
}

/// The command line that finishes this sweep: the same arguments, with `--resume DIR` in
/// place of `--out`.
fn resume_command(dir: &Path) -> String {
    let mut words = vec!["jobsim".to_string()];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--out" || a == "--resume" {
            args.next();
        } else if !(a.starts_with("--out=") || a.starts_with("--resume=")) {
            words.push(shell_quote(&a));
        }
    }
    words.push("--resume".into());
    words.push(shell_quote(&dir.display().to_string()));
    words.join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// At most this many variants are listed after a sweep (all are in aggregate.csv).
const SUMMARY_VARIANTS: usize = 20;

/// Prints each variant's runs, success rate and the metric's p50 and p95.
fn print_summary(out: &mut Stdout, plan: &Plan, aggregate: &[u8]) -> Result<(), StdoutError> {
    let mut reader = csv::Reader::from_reader(aggregate);
    let header = reader.headers().cloned().unwrap_or_default();
    let metric = &plan.spec.metric;
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(success), Some(p50), Some(p95)) = (
        col("success_rate"),
        col(&format!("{metric}_p50")),
        col(&format!("{metric}_p95")),
    ) else {
        return Ok(());
    };
    let labels: Vec<String> = (0..plan.variants.len().min(SUMMARY_VARIANTS))
        .map(|v| short_label(plan, v))
        .collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    out.line(format_args!(
        "  {:<width$} {:>6} {:>8} {:>12} {:>12}",
        "variant",
        "runs",
        "success",
        format!("{metric} p50"),
        "p95"
    ))?;
    let runs = col("runs").unwrap_or(0);
    for (v, r) in reader.records().flatten().enumerate() {
        if v == SUMMARY_VARIANTS {
            out.line(format_args!(
                "  … {} more variants in aggregate.csv",
                plan.variants.len() - SUMMARY_VARIANTS
            ))?;
            break;
        }
        let rate: f64 = r[success].parse().unwrap_or(0.0);
        out.line(format_args!(
            "  {:<width$} {:>6} {:>7.1}% {:>12} {:>12}",
            labels[v],
            &r[runs],
            rate * 100.0,
            &r[p50],
            &r[p95]
        ))?;
    }
    Ok(())
}

/// A variant in the summary: its values, and its file when the sweep has several.
fn short_label(plan: &Plan, v: usize) -> String {
    let variant = &plan.variants[v];
    let mut parts = Vec::new();
    if plan.spec.inputs.len() > 1 || plan.spec.vary.is_empty() {
        parts.push(plan.spec.inputs[variant.input].display().to_string());
    }
    for (vary, value) in plan.spec.vary.iter().zip(&variant.values) {
        parts.push(format!("{}={value}", vary.path));
    }
    parts.join(" ")
}

/// The progress bar, signals and limits, seen from the worker threads.
struct Watch<'a> {
    plan: &'a Plan,
    bar: ProgressBar,
    max_pods: u64,
    max_events: u64,
    /// A run passed a limit: no further run starts.
    stop: AtomicBool,
    limit: Mutex<Option<SweepCmdError>>,
    /// The metric's and `all_complete`'s columns in a row.
    metric_col: usize,
    complete_col: usize,
    higher_is_better: bool,
    /// Per variant: runs, runs with every Job complete, sum and count of the metric.
    tally: Mutex<Vec<(u64, u64, f64, u64)>>,
}

impl<'a> Watch<'a> {
    fn new(plan: &'a Plan, args: &SweepArgs, runs: u64, done: &[Row]) -> Watch<'a> {
        let bar = if args.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(runs).with_style(
                ProgressStyle::with_template(
                    "{pos}/{len} runs [{bar:30}] {elapsed} elapsed, ETA {eta}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            )
        };
        let metric = metric_index(&plan.spec.metric).unwrap_or(0);
        let header = plan.header();
        let metric_col = header
            .iter()
            .position(|h| h == METRICS[metric].name)
            .unwrap_or(0);
        let w = Watch {
            plan,
            bar,
            max_pods: args.max_pods,
            max_events: args.max_events,
            stop: AtomicBool::new(false),
            limit: Mutex::new(None),
            metric_col,
            complete_col: header.iter().position(|h| h == "all_complete").unwrap_or(0),
            higher_is_better: METRICS[metric].higher_is_better,
            tally: Mutex::new(vec![(0, 0, 0.0, 0); plan.variants.len()]),
        };
        for r in done {
            w.count(r);
        }
        w.bar.set_position(done.len() as u64);
        w
    }

    fn count(&self, row: &Row) {
        let v = (row.run / self.plan.spec.seeds) as usize;
        let cells = row.cells();
        let ok = cells[self.complete_col] == "true";
        let mut tally = self.tally.lock().expect("not poisoned");
        let t = &mut tally[v];
        t.0 += 1;
        t.1 += u64::from(ok);
        if let Ok(x) = cells[self.metric_col].parse::<f64>() {
            t.2 += x;
            t.3 += 1;
        }
    }

    /// The best variant so far: the highest success rate, then the best mean metric.
    fn best(&self) -> Option<String> {
        let tally = self.tally.lock().expect("not poisoned");
        let sign = if self.higher_is_better { 1.0 } else { -1.0 };
        let key = |t: &(u64, u64, f64, u64)| {
            let mean = if t.3 > 0 { t.2 / t.3 as f64 } else { f64::NAN };
            (t.1 as f64 / t.0 as f64, sign * mean)
        };
        let (v, t) = tally
            .iter()
            .enumerate()
            .filter(|(_, t)| t.0 > 0)
            .max_by(|a, b| {
                let (ka, kb) = (key(a.1), key(b.1));
                ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
            })?;
        let mean = if t.3 > 0 {
            format!("{:.2}", t.2 / t.3 as f64)
        } else {
            "-".into()
        };
        Some(format!(
            "best so far: {} ({} mean {mean}, {}/{} complete)",
            self.plan.variant_label(v),
            self.plan.spec.metric,
            t.1,
            t.0
        ))
    }
}

impl Observer for Watch<'_> {
    fn start(&self, _run: u64) -> bool {
        signals::pending().is_none() && !self.stop.load(Ordering::SeqCst)
    }

    fn progress(&self, run: u64, p: &Progress) -> ControlFlow<()> {
        if signals::pending().is_some() || self.stop.load(Ordering::SeqCst) {
            return ControlFlow::Break(());
        }
        let hit = if p.pods_created > self.max_pods {
            Some(("the pods created", self.max_pods, "--max-pods"))
        } else if p.events > self.max_events {
            Some(("the events processed", self.max_events, "--max-events"))
        } else {
            None
        };
        if let Some((what, limit, flag)) = hit {
            self.stop.store(true, Ordering::SeqCst);
            let spec = self.plan.run_spec(run);
            let mut slot = self.limit.lock().expect("not poisoned");
            slot.get_or_insert(SweepCmdError::Limit {
                run,
                variant: self.plan.variant_label(spec.variant as usize),
                seed: spec.seed,
                what,
                limit,
                flag,
            });
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    fn done(&self, row: &Row) {
        self.count(row);
        self.bar.inc(1);
        if !self.bar.is_hidden()
            && let Some(best) = self.best()
        {
            self.bar.set_message(best);
        }
    }
}
