//! `jobsim run`: load scenarios or bare manifests, simulate each, write the outputs and
//! print a short summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::record::csv::CsvSink;
use crate::record::files::write_run_files;
use crate::record::result::RunResult;
use crate::scenario::{self, Scenario};
use crate::time::{SimTime, parse_duration};
use indicatif::{ProgressBar, ProgressStyle};

use crate::world::simulate_observed;

#[derive(Debug, Args)]
#[command(after_long_help = RUN_HELP)]
pub struct RunArgs {
    /// Scenario files (`kind: Scenario`) or Job/CronJob manifests. All bare manifests
    /// given together run in one default scenario.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
    pub validate: crate::api::FieldValidation,
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
}

/// Width of the text timeline printed under the summary of short runs.
const TEXT_TIMELINE_WIDTH: usize = 72;

const RUN_HELP: &str = "\
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

Exit codes: 0 ran; 2 bad input or usage.";

pub fn run(args: RunArgs) -> i32 {
    match run_inner(&args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            super::EXIT_USAGE
        }
    }
}

fn run_inner(args: &RunArgs) -> Result<(), String> {
    let (mut scenarios, warnings) =
        scenario::load_inputs_with(&args.files, args.validate).map_err(|e| e.to_string())?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let horizon_override = args
        .horizon
        .as_deref()
        .map(|h| parse_duration(h).map_err(|e| format!("--horizon: {e}")))
        .transpose()?;
    for s in &mut scenarios {
        if let Some(seed) = args.seed {
            s.seed = seed;
        }
        if horizon_override.is_some() {
            s.horizon = horizon_override;
        }
    }
    let several = scenarios.len() > 1;
    for s in &scenarios {
        let dir = match (&args.out, several) {
            (Some(out), false) => out.clone(),
            (Some(out), true) => out.join(&s.name),
            (None, _) => Path::new("reports").join(&s.name),
        };
        let stats = run_one(s, &dir, args.quiet)?;
        let chart_start = Instant::now();
        let records = if args.no_charts && args.quiet {
            None
        } else {
            Some(crate::report::read_run(&dir).map_err(|e| e.to_string())?)
        };
        if !args.no_charts
            && let Some(records) = &records
        {
            crate::report::render_records(records).map_err(|e| e.to_string())?;
        }
        let chart_secs = chart_start.elapsed().as_secs_f64();
        if !args.quiet {
            print!("{}", crate::report::terminal::summary(&stats.result));
            if let Some(timeline) = records
                .as_ref()
                .and_then(|r| crate::report::text_timeline(r, TEXT_TIMELINE_WIDTH))
            {
                print!("{timeline}");
            }
            println!("  wrote {}", dir.display());
        }
        if args.stats {
            print_stats(&stats);
            if !args.no_charts {
                println!("  charts and report: {chart_secs:.3}s wall");
            }
        }
    }
    Ok(())
}

struct RunStats {
    result: RunResult,
    wall: f64,
    cpu: f64,
}

/// Simulates one scenario into `dir`, with a progress bar unless `quiet`.
fn run_one(s: &Scenario, dir: &Path, quiet: bool) -> Result<RunStats, String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{}: --out: exists and is not a folder (the output folder is created when missing)",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let io_err = |e: std::io::Error| format!("{}: cannot write: {e}", dir.display());
    let mut sink = CsvSink::create(dir).map_err(io_err)?;
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
    let result = simulate_observed(s, &mut sink, horizon, &mut progress);
    bar.finish_and_clear();
    let cpu = cpu_seconds() - cpu_start;
    let wall = wall_start.elapsed().as_secs_f64();
    sink.finish().map_err(io_err)?;
    write_run_files(dir, &result).map_err(io_err)?;
    Ok(RunStats { result, wall, cpu })
}

fn print_stats(s: &RunStats) {
    let per_cpu = |n: f64| {
        if s.cpu > 0.0 {
            n / s.cpu
        } else {
            f64::INFINITY
        }
    };
    let events = s.result.events_processed as f64;
    let pods = s.result.metrics.pods_created as f64;
    println!(
        "  stats: {} events, {} pods; wall {:.3}s, CPU {:.3}s; {:.0} events/CPU-s, {:.0} pods/CPU-s",
        s.result.events_processed,
        s.result.metrics.pods_created,
        s.wall,
        s.cpu,
        per_cpu(events),
        per_cpu(pods)
    );
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
