//! `jobsim check`: run scenarios and judge their expectations (`spec.expect`), print one
//! line per expectation and a total, optionally write JUnit XML. Exit 0 when every
//! expectation holds, 1 when one fails, 2 on bad input.

use std::error::Error;
use std::path::{Path, PathBuf};

use clap::Args;
use jobsim::check::golden;
use jobsim::check::junit::{self, Suite};
use jobsim::check::{Verdict, simulate_and_judge};
use jobsim::record::{CsvSink, NullSink, write_run_files};
use jobsim::{LoadError, LoadOptions, Scenario};
use rayon::prelude::*;

use super::inputs::{ListError, expand};
use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = CHECK_EXIT_CODES, after_long_help = CHECK_HELP)]
pub struct CheckArgs {
    /// Scenario files, Job/CronJob manifests, or folders (walked recursively for `*.yaml`
    /// and `*.yml`, in byte order of their paths). Each file is checked on its own.
    #[arg(required_unless_present = "filename")]
    pub paths: Vec<PathBuf>,
    /// The same, in kubectl's spelling (`-f job.yaml`, `-f -` for standard input); may be
    /// repeated.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Vec<PathBuf>,
    /// With --golden: what the compared events.csv holds, as `jobsim run --events`
    /// (`kept` by default, or `all`). Expectations count every event either way.
    #[arg(long, value_enum, value_name = "kept|all", default_value = "kept")]
    pub events: super::EventsArg,
    /// Also write the verdicts as JUnit XML to FILE (a suite per scenario, a test case per
    /// expectation).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Run expectations that hold across seeds (`probability`) with N seeds instead of
    /// their own count.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub seeds: Option<u64>,
    /// Run at most N scenarios (and seeds) at once (default: one per CPU).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub jobs: Option<u64>,
    /// What to do with fields Kubernetes does not know, as kubectl's flag (see `run`).
    #[arg(long, value_name = "strict|warn|ignore", default_value = "strict")]
    pub validate: jobsim::FieldValidation,
    /// Also compare each scenario's summary.json, objects.json, pods.csv, jobs.csv and
    /// events.csv with the golden copies in DIR/<scenario name>/ (the jobsim version in
    /// summary.json is not compared); a difference fails like an expectation.
    #[arg(long, value_name = "DIR")]
    pub golden: Option<PathBuf>,
    /// With --golden: write this run's outputs as the new golden copies instead of
    /// comparing.
    #[arg(long, requires = "golden")]
    pub bless: bool,
    /// Print only failed expectations, problems and the total.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `check`'s exit codes, as its `--help` states them.
pub const CHECK_EXIT_CODES: &str = "Exit codes: 0 every expectation held; 1 an expectation failed; 2 bad input or usage (a \
file that does not load, an expectation naming an object the scenario does not have); 3 an \
output could not be written (the JUnit file, a golden copy, standard output).";

const CHECK_HELP: &str = "\
Each scenario runs once with its own seed, in memory (nothing is written under reports/),
and every expectation of its `spec.expect` is judged: one PASS or FAIL line with what was
expected and what was measured, then a total. A scenario without expectations is run and
reported. A bare manifest's expectations live beside it in NAME.expect.yml
(`apiVersion: jobsim/v1`, `kind: Expectations`, `spec.expect`).

Expectations (each entry of `spec.expect` names one subject and one thing it must show):
  {job: etl, condition: Complete, within: 2h}     also `reason`; Failed, Suspended, Running
  {job: etl, succeeded: 6}                         also failed, pods, maxRunning, waves;
  {job: etl, pods: {atMost: 3}}                    a number, or {equals, atLeast, atMost}
  {job: etl, retryDelays: [10s, 20s]}              failed pod's finish → next pod
  {job: etl, completedIndexes: \"0-4\"}             also failedIndexes
  {cronjob: r, jobsCreated: 24}                    also succeeded, failed, skipped, missed
  {cronjob: r, startLag: p99, lessThan: 5s}        also createLag; p50, p99, max
  {cronjob: r, lastSuccessful: {before: 6h}}       also after; or an RFC 3339 instant
  {metric: makespan, lessThan: 2h}                 also greaterThan, equals, atMost, atLeast
  {event: BackoffLimitExceeded, object: job/etl, times: 1}   or never: true; pod/etl-*
  {job: etl, condition: Complete, within: 2h, probability: {seeds: 200, atLeast: 0.95}}

Golden outputs: --golden DIR also writes each scenario's run (the one its expectations are
judged on) into a temporary folder and compares summary.json, objects.json, pods.csv,
jobs.csv and events.csv with DIR/<scenario name>/, printing the first differences by pod,
Job or field (old → new); only the jobsim version in summary.json is volatile and not
compared. --bless writes them as the new golden copies.

Metrics: makespan, waitP50, waitP90, waitP99, waitMax, cpuUtilisation, nodeHours,
throughputPerHour, podsCreated, podsSucceeded, podsFailed, wastedCpuSeconds, maxRunningPods,
and for scenarios whose node pools have a price: cost, idleShare (elsewhere they are bad
input, exit 2).

Exit codes: 0 every expectation held; 1 an expectation failed; 2 bad input or usage (a file
that does not load, an expectation naming an object the scenario does not have);
3 an output could not be written (the JUnit file, a golden copy, standard output).";

/// Why `jobsim check` did not pass.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// Expectations failed (their lines are printed already).
    #[error("{failed} of {total} expectations failed")]
    Failed { failed: usize, total: usize },
    /// Files that do not load (the others were still checked).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Load(Vec<LoadError>),
    #[error(transparent)]
    List(#[from] ListError),
    #[error("{}: --junit: cannot write", path.display())]
    Junit {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--jobs: cannot start the worker threads")]
    Pool(#[source] rayon::ThreadPoolBuildError),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

/// Exit code: an expectation failed.
pub const EXIT_FAILED: u8 = 1;

impl CheckError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CheckError::Failed { .. } => EXIT_FAILED,
            CheckError::Load(_) | CheckError::List(_) => super::EXIT_USAGE,
            CheckError::Junit { .. } | CheckError::Pool(_) | CheckError::Stdout(_) => {
                super::EXIT_OUTPUT
            }
        }
    }

    /// One error per file that does not load.
    pub(super) fn failures(&self) -> Vec<&(dyn Error + 'static)> {
        match self {
            CheckError::Load(errors) => {
                errors.iter().map(|e| e as &(dyn Error + 'static)).collect()
            }
            other => vec![other],
        }
    }
}

/// One file to check: its scenario, or why it does not load.
struct Unit {
    file: PathBuf,
    scenario: Result<Scenario, LoadError>,
}

/// The outcome of one scenario.
struct Outcome {
    verdicts: Vec<Verdict>,
    end: u64,
}

/// Judges `s`'s expectations on one run; with `golden`, that same run's outputs go to a
/// temporary folder and are compared with (or, with `bless`, written as) the golden copies
/// in `golden/<scenario name>/`, one more verdict. The expectations are judged on the run
/// whose records are compared, so the scenario is simulated once either way (only when the
/// records cannot be written does a second run with no records judge the expectations).
fn judge(
    s: &Scenario,
    seeds: Option<u64>,
    golden: Option<(&Path, bool, jobsim::record::EventsMode)>,
) -> (
    Result<jobsim::RunResult, jobsim::SimulateError>,
    Vec<Verdict>,
) {
    let mut go_on = |_: &jobsim::Progress| std::ops::ControlFlow::Continue(());
    let Some((golden, bless, events)) = golden else {
        return simulate_and_judge(s, &mut NullSink, None, seeds, &mut go_on);
    };
    let dir = golden.join(&s.name);
    let mut judged = None;
    let outcome = (|| -> std::io::Result<Vec<String>> {
        // A private folder with a random name, created exclusively (a path planted in the
        // shared temporary folder is never followed); removed when `fresh` drops.
        let fresh = tempfile::Builder::new().prefix("jobsim-check-").tempdir()?;
        let mut sink = CsvSink::create(fresh.path())?.with_events_mode(events);
        let (result, verdicts) = simulate_and_judge(s, &mut sink, None, seeds, &mut go_on);
        let result = judged.insert((result, verdicts)).0.as_ref();
        let result = result.map_err(|e| std::io::Error::other(e.to_string()))?;
        sink.finish()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        write_run_files(fresh.path(), result)?;
        if bless {
            golden::bless(&dir, fresh.path())?;
            Ok(Vec::new())
        } else {
            golden::compare(&dir, fresh.path())
        }
    })();
    let (result, mut verdicts) = match judged {
        Some((Ok(result), verdicts)) => (Ok(result), verdicts),
        // The records could not be written (no run, or one cut short by its sink).
        _ => simulate_and_judge(s, &mut NullSink, None, seeds, &mut go_on),
    };
    let expected = if bless {
        format!("golden outputs written to {}", dir.display())
    } else {
        format!("outputs match the golden copies in {}", dir.display())
    };
    verdicts.push(match outcome {
        Ok(diffs) if diffs.is_empty() => Verdict {
            pass: true,
            expected,
            measured: if bless { "written" } else { "identical" }.to_string(),
        },
        Ok(diffs) => Verdict {
            pass: false,
            expected,
            measured: format!(
                "{} difference(s) (run with --bless to accept them):\n      {}",
                diffs.len(),
                diffs.join("\n      ")
            ),
        },
        Err(e) => Verdict {
            pass: false,
            expected,
            measured: format!("could not be compared: {e}"),
        },
    });
    (result, verdicts)
}

/// Loads one file as one scenario, with a bare manifest's expectations from beside it.
fn load(file: &PathBuf, args: &CheckArgs) -> Result<Scenario, LoadError> {
    let (scenarios, warnings) = jobsim::load_files(
        std::slice::from_ref(file),
        &LoadOptions {
            field_validation: args.validate,
            overrides: Vec::new(),
        },
    )?;
    for w in warnings {
        super::warn(w);
    }
    let mut s = scenarios
        .into_iter()
        .next()
        .ok_or_else(|| LoadError::Invalid {
            file: file.clone(),
            line: 1,
            column: 1,
            message: "no scenario, Job or CronJob found".to_string(),
        })?;
    if !jobsim::is_scenario_text(&std::fs::read_to_string(file).unwrap_or_default()) {
        jobsim::load_expectations_beside(&mut s, file)?;
    }
    Ok(s)
}

/// Checks every scenario named on the command line.
pub fn check(args: CheckArgs, out: &mut Stdout) -> Result<(), CheckError> {
    let files = expand(&[args.paths.as_slice(), &args.filename].concat())?;
    let units: Vec<Unit> = files
        .iter()
        .map(|f| Unit {
            file: f.clone(),
            scenario: load(f, &args),
        })
        .collect();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        pool = pool.num_threads(n as usize);
    }
    let pool = pool.build().map_err(CheckError::Pool)?;
    let seeds = args.seeds;
    let outcomes: Vec<Option<Outcome>> = pool.install(|| {
        units
            .par_iter()
            .map(|u| {
                u.scenario.as_ref().ok().map(|s| {
                    let golden = args
                        .golden
                        .as_deref()
                        .map(|dir| (dir, args.bless, args.events.mode()));
                    let (result, verdicts) = judge(s, seeds, golden);
                    Outcome {
                        verdicts,
                        // A null sink never fails and nothing breaks the run off.
                        end: result.map_or(0, |r| r.end),
                    }
                })
            })
            .collect()
    });
    let (mut total, mut failed) = (0, 0);
    let mut suites = Vec::new();
    let mut load_errors = Vec::new();
    for (u, o) in units.into_iter().zip(outcomes) {
        let file = u.file.display().to_string();
        match (u.scenario, o) {
            (Ok(s), Some(o)) => {
                let fails = o.verdicts.iter().filter(|v| !v.pass).count();
                total += o.verdicts.len();
                failed += fails;
                if o.verdicts.is_empty() {
                    if !args.quiet {
                        out.line(format_args!(
                            "{file}: {} — no expectations (ran to {})",
                            s.name,
                            jobsim::check::format_measured(o.end)
                        ))?;
                    }
                } else if !args.quiet || fails > 0 {
                    out.line(format_args!("{file}: {}", s.name))?;
                    for v in &o.verdicts {
                        if !args.quiet || !v.pass {
                            out.line(format_args!("  {v}"))?;
                        }
                    }
                }
                suites.push(Suite {
                    name: s.name,
                    file,
                    verdicts: o.verdicts,
                    error: None,
                });
            }
            (Err(e), _) => {
                suites.push(Suite {
                    name: file.clone(),
                    file,
                    verdicts: Vec::new(),
                    error: Some(e.to_string()),
                });
                load_errors.push(e);
            }
            (Ok(_), None) => {}
        }
    }
    let scenarios = suites.len();
    out.line(format_args!(
        "{} {scenarios} scenario(s): {total} expectation(s), {} passed, {failed} failed{}",
        if failed == 0 && load_errors.is_empty() {
            "ok:"
        } else {
            "FAILED:"
        },
        total - failed,
        if load_errors.is_empty() {
            String::new()
        } else {
            format!(", {} file(s) did not load", load_errors.len())
        }
    ))?;
    if let Some(path) = &args.junit {
        std::fs::write(path, junit::render(&suites)).map_err(|source| CheckError::Junit {
            path: path.clone(),
            source,
        })?;
    }
    if !load_errors.is_empty() {
        return Err(CheckError::Load(load_errors));
    }
    if failed > 0 {
        return Err(CheckError::Failed { failed, total });
    }
    Ok(())
}
