//! `jobsim plan`: the smallest value of one integer field at which a target holds in a
//! quantile of the seeds — "fewest nodes so that the batch is done by 06:00 in 95 runs of
//! 100". Turns the arguments into a [`jobsim::check::plan`] call, shows progress on a
//! terminal, prints the answer, the evidence around it and the command that repeats the
//! deciding runs. Exit 0 with an answer, 1 when no value in the range meets the target.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jobsim::check::format_measured;
use jobsim::check::plan::{
    Evidence, Method, PlanOutcome, PlanSpec, VaryRange, measure_is_duration, measure_label,
    parse_target,
};
use jobsim::{LoadError, LoadOptions, Override, Scenario};

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = PLAN_EXIT_CODES, after_long_help = PLAN_HELP)]
pub struct PlanArgs {
    /// A scenario file (or a Job/CronJob manifest, run on the default cluster).
    pub scenario: PathBuf,
    /// The integer field to search and its inclusive range, as an override path:
    /// `cluster.nodePools.batch.count=1..40`, `job/etl.spec.parallelism=1..16`.
    #[arg(long, value_name = "PATH=LO..HI")]
    pub vary: VaryRange,
    /// What must hold, in the expectation language of `spec.expect`: a sentence
    /// (`job/etl Complete within 6h`, `makespan lessThan 6h`, `cost atMost 40`) or a YAML
    /// flow mapping (`{job: etl, condition: Complete, within: 6h}`).
    #[arg(long, value_name = "EXPECTATION", allow_hyphen_values = true)]
    pub target: String,
    /// The least share of seeds in which the target must hold (0 < Q ≤ 1).
    #[arg(long, value_name = "Q", default_value_t = 0.95)]
    pub quantile: f64,
    /// Seeds per value (`seed`, `seed+1`, …; the scenario's seed or `--set seed=N` first).
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub seeds: u64,
    /// Fix a field for every run, as `jobsim run --set` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Run at most N simulations at once (default: one per CPU).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub jobs: Option<u64>,
    /// Try every value of the range instead of bisecting (for a field where more can hurt).
    #[arg(long)]
    pub scan: bool,
}

/// `plan`'s exit codes, as its `--help` states them.
pub const PLAN_EXIT_CODES: &str = "Exit codes: 0 a value meets the target (it is printed); 1 no value in the range meets it \
(the best one is printed); 2 bad input or usage (a scenario that does not load, a path or \
value the field refuses, a target naming an object the scenario does not have, a cost target \
on a scenario without prices); 3 an output could not be written (standard output).";

const PLAN_HELP: &str = "\
Runs the scenario with the field set to candidate values, each with the same --seeds seeds,
and finds the smallest value at which the target holds in at least --quantile of them.

The search bisects, assuming more of the field never hurts (more nodes, more parallelism),
then checks that assumption on every value it ran and on the answer's neighbours (the value
below must miss, the one above must meet); when a run contradicts it, every value of the
range is tried. --scan tries every value from the start.

Targets (the expectation language of spec.expect, as a sentence or a flow mapping):
  job/etl Complete within 6h                {job: etl, condition: Complete, within: 6h}
  job/etl Failed (DeadlineExceeded)         {job: etl, condition: Failed, reason: DeadlineExceeded}
  job/etl succeeded atLeast 6               {job: etl, succeeded: {atLeast: 6}}
  cronjob/r lastSuccessful before 6h        {cronjob: r, lastSuccessful: {before: 6h}}
  makespan lessThan 6h                      {metric: makespan, lessThan: 6h}
  cost atMost 40                            {metric: cost, atMost: 40}   (priced pools only)
Compare with lessThan, greaterThan, equals, atMost, atLeast (or <, >, =, <=, >=); counts
with equals (the default), atLeast, atMost. A Job meets `Complete within D` only if it
completed; a Failed Job never does, however early it failed.

Prints the answer, the evidence around it — value, runs, share meeting the target with its
95% (Wilson) interval, the target's measure at the quantile, mean cost (or node-hours
without prices) — and the command that repeats the deciding runs. The answer and every
number are the same at any thread count.

Exit codes: 0 a value meets the target; 1 no value in the range meets it (the best is
printed); 2 bad input or usage; 3 an output could not be written (standard output).";

/// Why `jobsim plan` gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("--target {target:?}: {message}")]
    Target { target: String, message: String },
    #[error("--quantile {0}: must be a share above 0 and at most 1 (0.95 for 95 %)")]
    Quantile(f64),
    #[error(
        "no value of {path} in {lo}..{hi} meets the target in {quantile} of the seeds; the best is {best} (met in {met} of {runs} seeds)"
    )]
    NotMet {
        path: String,
        lo: i64,
        hi: i64,
        quantile: String,
        best: i64,
        met: u64,
        runs: u64,
    },
    #[error("--jobs: cannot start the worker threads")]
    Pool(#[source] rayon::ThreadPoolBuildError),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl PlanError {
    pub fn exit_code(&self) -> u8 {
        match self {
            PlanError::NotMet { .. } => super::check::EXIT_FAILED,
            PlanError::Load(_) | PlanError::Target { .. } | PlanError::Quantile(_) => {
                super::EXIT_USAGE
            }
            PlanError::Pool(_) | PlanError::Stdout(_) => super::EXIT_OUTPUT,
        }
    }
}

fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.trim_end_matches(".0"))
}

/// A word for a POSIX shell: as it is when it is plain, else single-quoted.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./=:,+-@%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Loads the scenario with the fixed overrides and the varied field at `value`.
fn load(
    args: &PlanArgs,
    value: Option<i64>,
) -> Result<(Scenario, Vec<jobsim::Warning>), LoadError> {
    let mut overrides = args.set.clone();
    if let Some(v) = value {
        overrides.push(Override::new(
            args.vary.path.clone(),
            yaml_serde::Value::Number(v.into()),
        ));
    }
    let (mut scenarios, warnings) = jobsim::load_files(
        std::slice::from_ref(&args.scenario),
        &LoadOptions {
            field_validation: jobsim::FieldValidation::Strict,
            overrides,
        },
    )?;
    if scenarios.is_empty() {
        return Err(LoadError::Invalid {
            file: args.scenario.clone(),
            line: 1,
            column: 1,
            message: "no scenario, Job or CronJob found".to_string(),
        });
    }
    Ok((scenarios.remove(0), warnings))
}

/// Runs `jobsim plan`.
pub fn plan(args: PlanArgs, out: &mut Stdout) -> Result<(), PlanError> {
    if !(args.quantile > 0.0 && args.quantile <= 1.0) {
        return Err(PlanError::Quantile(args.quantile));
    }
    // The range's ends must load (a path that names nothing, a value the field refuses).
    let (first, warnings) = load(&args, Some(args.vary.lo))?;
    for w in warnings {
        super::warn(w);
    }
    load(&args, Some(args.vary.hi))?;
    let target = parse_target(&args.target, &first).map_err(|message| PlanError::Target {
        target: args.target.clone(),
        message,
    })?;
    let spec = PlanSpec {
        vary: args.vary.clone(),
        target,
        quantile: args.quantile,
        seeds: args.seeds,
        scan: args.scan,
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        pool = pool.num_threads(n as usize);
    }
    let pool = pool.build().map_err(PlanError::Pool)?;
    // Drawn only on a terminal (indicatif hides itself otherwise).
    let bar = Arc::new(
        ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {pos} runs  {elapsed}  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    );
    bar.set_message(format!("planning {}", args.vary.path));
    let tick = {
        let bar = Arc::clone(&bar);
        move || bar.inc(1)
    };
    let outcome = pool.install(|| {
        jobsim::check::plan::plan(|v| load(&args, Some(v)).map(|(s, _)| s), &spec, &tick)
    });
    bar.finish_and_clear();
    let outcome = outcome?;
    print_outcome(&args, &spec, &outcome, &first.currency, out)?;
    match outcome.answer {
        Some(_) => Ok(()),
        None => {
            let best = &outcome.evaluated[&outcome.best];
            Err(PlanError::NotMet {
                path: args.vary.path.clone(),
                lo: args.vary.lo,
                hi: args.vary.hi,
                quantile: percent(args.quantile),
                best: outcome.best,
                met: best.met,
                runs: best.runs,
            })
        }
    }
}

fn print_outcome(
    args: &PlanArgs,
    spec: &PlanSpec,
    o: &PlanOutcome,
    currency: &str,
    out: &mut Stdout,
) -> Result<(), StdoutError> {
    let target = jobsim::check::describe(&spec.target.check);
    out.line(format_args!(
        "plan {}: smallest {} in {}..{} with {target} in at least {} of {} seeds",
        args.scenario.display(),
        args.vary.path,
        args.vary.lo,
        args.vary.hi,
        percent(args.quantile),
        args.seeds
    ))?;
    let runs: u64 = o.evaluated.values().map(|e| e.runs).sum();
    let how = match o.method {
        Method::Bisection => "bisection",
        Method::Scan => "scan",
    };
    if let Some(why) = &o.fell_back {
        out.line(format_args!("note: {why}"))?;
    }
    match o.answer {
        Some(v) => out.line(format_args!(
            "answer: {}={v}  ({how}: {} values, {runs} runs)",
            args.vary.path,
            o.evaluated.len()
        ))?,
        None => out.line(format_args!(
            "answer: none in {}..{}; best {}={}  ({how}: {} values, {runs} runs)",
            args.vary.lo,
            args.vary.hi,
            args.vary.path,
            o.best,
            o.evaluated.len()
        ))?,
    }
    let duration = measure_is_duration(&spec.target.check);
    let q_label = format!(
        "p{}",
        format!("{:.1}", args.quantile * 100.0).trim_end_matches(".0")
    );
    let priced = o.evaluated.values().any(|e| e.mean_cost.is_some());
    let money = if priced {
        format!("mean cost ({currency})")
    } else {
        "mean node-hours".to_string()
    };
    out.line(format_args!(""))?;
    out.line(format_args!(
        "  {:>8}  {:>5}  {:>5}  {:<24}  {:>22}  {:>16}",
        "value",
        "runs",
        "met",
        "share (95% CI)",
        format!("{q_label} {}", measure_label(&spec.target.check)),
        money
    ))?;
    let centre = o.answer.unwrap_or(o.best);
    for e in o.table() {
        out.line(format_args!(
            "{} {:>8}  {:>5}  {:>5}  {:<24}  {:>22}  {:>16}",
            if e.value == centre { "→" } else { " " },
            e.value,
            e.runs,
            e.met,
            format!(
                "{} ({}–{})",
                percent(e.share()),
                percent(e.interval.0),
                percent(e.interval.1)
            ),
            measure_text(e, duration),
            match e.mean_cost {
                Some(c) => format!("{c:.2}"),
                None => format!("{:.2}", e.mean_node_hours),
            }
        ))?;
    }
    out.line(format_args!(""))?;
    // The deciding runs: the answer and the value just below it (or the best value).
    let (lo, hi) = match o.answer {
        Some(v) if v > args.vary.lo => (v - 1, v),
        Some(v) => (v, v),
        None => (o.best, o.best),
    };
    let mut cmd = format!(
        "jobsim plan {} --vary {}={lo}..{hi} --target {} --quantile {} --seeds {}",
        shell_word(&args.scenario.display().to_string()),
        shell_word(&args.vary.path),
        shell_word(&args.target),
        args.quantile,
        args.seeds
    );
    for s in &args.set {
        cmd.push_str(&format!(" --set {}", shell_word(&s.to_string())));
    }
    out.line(format_args!("reproduce: {cmd}"))?;
    let miss = [lo, hi]
        .iter()
        .rev()
        .filter_map(|v| o.evaluated.get(v))
        .find_map(|e: &Evidence| e.first_failing_seed.map(|s| (e.value, s)));
    if let Some((value, seed)) = miss {
        let mut one = format!(
            "jobsim run {} --set {}",
            shell_word(&args.scenario.display().to_string()),
            shell_word(&format!("{}={value}", args.vary.path)),
        );
        for s in &args.set {
            if s.path() != "seed" {
                one.push_str(&format!(" --set {}", shell_word(&s.to_string())));
            }
        }
        one.push_str(&format!(" --set seed={seed}"));
        out.line(format_args!("a run that missed at {value}: {one}"))?;
    }
    Ok(())
}

fn measure_text(e: &Evidence, duration: bool) -> String {
    match e.measure_at_quantile {
        None => "not reached".to_string(),
        Some(v) if duration => format_measured(v.max(0.0) as u64),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.3}"),
    }
}
