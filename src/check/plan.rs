//! Capacity planning: the smallest value of one integer field (`--vary
//! cluster.nodePools.batch.count=1..40`) at which a target expectation holds in at least a
//! quantile of the seeds (`--quantile 0.95 --seeds 100`). Each candidate value is run with
//! the same seeds (`seed`, `seed + 1`, …), so values are compared on the same random
//! draws. Runs are independent and their results are gathered in (value, seed) order, so
//! the answer and every number do not depend on the thread count.
//!
//! The search assumes that more of the field never hurts (the share meeting the target does
//! not fall as the value grows) and bisects; it then checks the assumption on everything it
//! ran — a value that meets the target below one that does not, or an answer whose
//! neighbours disagree with it, means it does not hold, and every value of the range is
//! tried instead (a scan, also chosen with `scan`).
//!
//! Targets are written in the expectation language of `spec.expect`, as a YAML flow mapping
//! (`{job: etl, condition: Complete, within: 6h}`) or as a sentence ([`parse_target`]);
//! both become the same [`Expectation`]. Not here: loading files or printing (the CLI).

use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;

use super::seeds::wilson_interval;
use super::spec::{ExpectSpec, Names};
use super::{Check, CronJobCheck, ExpectSink, Expectation, JobCheck, Metric, evaluate};
use crate::record::NullSink;
use crate::record::result::RunResult;
use crate::scenario::{LoadError, Scenario};

/// The most values one range may hold.
pub const MAX_RANGE_VALUES: u64 = 100_000;

/// `PATH=LO..HI`: an integer field and the inclusive range it is searched over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaryRange {
    /// The override path (`cluster.nodePools.batch.count`).
    pub path: String,
    /// The smallest value tried.
    pub lo: i64,
    /// The largest value tried.
    pub hi: i64,
}

impl std::str::FromStr for VaryRange {
    type Err = String;

    /// Reads `PATH=LO..HI` (integers, LO ≤ HI).
    fn from_str(text: &str) -> Result<VaryRange, String> {
        let usage = || {
            format!(
                "{text:?}: expected PATH=LO..HI with whole numbers LO ≤ HI, such as cluster.nodePools.batch.count=1..40"
            )
        };
        let (path, range) = text.split_once('=').ok_or_else(usage)?;
        let (lo, hi) = range.split_once("..").ok_or_else(usage)?;
        let (lo, hi) = (
            lo.trim().parse::<i64>().map_err(|_| usage())?,
            hi.trim().parse::<i64>().map_err(|_| usage())?,
        );
        if path.trim().is_empty() || lo > hi {
            return Err(usage());
        }
        if (hi as i128 - lo as i128) >= MAX_RANGE_VALUES as i128 {
            return Err(format!(
                "{text:?}: the range holds more than {MAX_RANGE_VALUES} values (jobsim's limit)"
            ));
        }
        Ok(VaryRange {
            path: path.trim().to_string(),
            lo,
            hi,
        })
    }
}

impl fmt::Display for VaryRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}..{}", self.path, self.lo, self.hi)
    }
}

/// The objects of `scenario` that a target may name, and whether it is priced.
fn names_of(scenario: &Scenario) -> (Vec<String>, Vec<String>) {
    let (mut jobs, mut cronjobs) = (Vec::new(), Vec::new());
    for w in &scenario.workloads {
        match &w.manifest {
            crate::api::Manifest::Job(_) => jobs.push(w.manifest.name().to_string()),
            crate::api::Manifest::CronJob(_) => cronjobs.push(w.manifest.name().to_string()),
        }
    }
    (jobs, cronjobs)
}

/// Reads a target, as a YAML flow mapping in the form of a `spec.expect` entry
/// (`{job: etl, condition: Complete, within: 6h}`) or as a sentence:
///
/// ```text
/// job/NAME CONDITION [(REASON)] [within DURATION]   job/etl Complete within 6h
/// job/NAME succeeded|failed|pods [COMPARE] N        job/etl succeeded atLeast 6
/// cronjob/NAME jobsCreated|succeeded|failed|skipped|missed [COMPARE] N
/// cronjob/NAME lastSuccessful before|after TIME [and before|after TIME]
/// METRIC COMPARE VALUE                              makespan lessThan 6h, cost atMost 40
/// ```
///
/// where CONDITION is Complete, Failed, Suspended or Running; COMPARE is `equals`,
/// `atLeast`, `atMost` (counts; default `equals`) and also `lessThan`, `greaterThan` for
/// metrics, or `=`, `>=`, `<=`, `<`, `>`; METRIC a name of `spec.expect`'s metrics; TIME a
/// duration since the start or an RFC 3339 instant. Checked against `scenario` like an
/// expectation of its own: a Job it does not have, or cost without prices, is an error.
pub fn parse_target(text: &str, scenario: &Scenario) -> Result<Expectation, String> {
    let trimmed = text.trim();
    let value: yaml_serde::Value = if trimmed.starts_with('{') {
        yaml_serde::from_str(trimmed).map_err(|e| format!("not a YAML flow mapping: {e}"))?
    } else {
        sentence_to_mapping(trimmed)?
    };
    let spec: ExpectSpec = yaml_serde::from_value(value).map_err(|e| e.to_string())?;
    let (jobs, cronjobs) = names_of(scenario);
    let names = Names {
        jobs: &jobs,
        cronjobs: &cronjobs,
        priced: scenario.pools.iter().any(|p| p.price.is_some()),
    };
    let e = spec
        .resolve(0, names)
        .map_err(|m| m.replacen("spec.expect[0]", "target", 1))?;
    if e.probability.is_some() {
        return Err(
            "target.probability: Forbidden: --quantile and --seeds say how often it must hold"
                .to_string(),
        );
    }
    if matches!(e.check, Check::Event { .. })
        || matches!(
            e.check,
            Check::Job {
                check: JobCheck::MaxRunning(_)
                    | JobCheck::Waves(_)
                    | JobCheck::RetryDelays(_)
                    | JobCheck::CompletedIndexes(_)
                    | JobCheck::FailedIndexes(_),
                ..
            } | Check::Metric {
                metric: Metric::MaxRunningPods,
                ..
            }
        )
    {
        return Err(format!(
            "target: {:?} cannot be a planning target: use a Job's condition or count, a CronJob's count or lastSuccessful, or a metric",
            super::describe(&e.check)
        ));
    }
    Ok(e)
}

/// The comparison words of the sentence form, as `spec.expect` names them.
fn comparison_word(word: &str) -> Option<&'static str> {
    Some(match word {
        "lessThan" | "<" => "lessThan",
        "greaterThan" | ">" => "greaterThan",
        "equals" | "=" | "==" => "equals",
        "atMost" | "<=" => "atMost",
        "atLeast" | ">=" => "atLeast",
        _ => return None,
    })
}

/// A YAML scalar of the sentence: a number when it reads as one, else text.
fn scalar(word: &str) -> yaml_serde::Value {
    match word.parse::<f64>() {
        Ok(n) if word.parse::<u64>().is_ok() => yaml_serde::Value::Number(
            word.parse::<u64>()
                .map(yaml_serde::Number::from)
                .unwrap_or_else(|_| yaml_serde::Number::from(n)),
        ),
        Ok(n) => yaml_serde::Value::Number(yaml_serde::Number::from(n)),
        Err(_) => yaml_serde::Value::String(word.to_string()),
    }
}

/// The sentence form of a target as the mapping of a `spec.expect` entry.
fn sentence_to_mapping(text: &str) -> Result<yaml_serde::Value, String> {
    use yaml_serde::{Mapping, Value};
    let words: Vec<&str> = text.split_whitespace().collect();
    let help = "write e.g. `job/etl Complete within 6h`, `makespan lessThan 6h` or `{job: etl, condition: Complete, within: 6h}`";
    let Some((&subject, rest)) = words.split_first() else {
        return Err(format!("target: Required value: {help}"));
    };
    let mut m = Mapping::new();
    let mut put = |k: &str, v: Value| m.insert(Value::String(k.to_string()), v);
    let s = |t: &str| Value::String(t.to_string());
    // `[COMPARE] N` of a count: a bare number is `equals`.
    let count = |words: &[&str]| -> Result<Value, String> {
        match words {
            [n] => Ok(scalar(n)),
            [cmp, n] => {
                let key = comparison_word(cmp)
                    .filter(|k| ["equals", "atLeast", "atMost"].contains(k))
                    .ok_or_else(|| {
                        format!(
                            "target: {cmp:?}: a count is compared with equals, atLeast or atMost"
                        )
                    })?;
                let mut b = Mapping::new();
                b.insert(s(key), scalar(n));
                Ok(Value::Mapping(b))
            }
            _ => Err(format!(
                "target: {text:?}: expected [equals|atLeast|atMost] N after the count"
            )),
        }
    };
    if let Some(name) = subject.strip_prefix("job/") {
        put("job", s(name));
        match rest {
            [field @ ("succeeded" | "failed" | "pods"), tail @ ..] => {
                put(field, count(tail)?);
            }
            [condition, tail @ ..] => {
                put("condition", s(condition));
                let mut tail = tail;
                if let [reason, more @ ..] = tail
                    && reason.starts_with('(')
                    && reason.ends_with(')')
                {
                    put(
                        "reason",
                        s(reason.trim_start_matches('(').trim_end_matches(')')),
                    );
                    tail = more;
                }
                match tail {
                    [] => {}
                    ["within", d] => {
                        put("within", s(d));
                    }
                    _ => {
                        return Err(format!(
                            "target: {text:?}: expected `within DURATION` after the condition"
                        ));
                    }
                }
            }
            [] => {
                return Err(format!(
                    "target: {text:?}: what must job/{name} show? {help}"
                ));
            }
        }
    } else if let Some(name) = subject.strip_prefix("cronjob/") {
        put("cronjob", s(name));
        match rest {
            ["lastSuccessful", tail @ ..] => {
                let mut window = Mapping::new();
                let mut tail = tail;
                loop {
                    match tail {
                        [side @ ("before" | "after"), t, more @ ..] => {
                            window.insert(s(side), s(t));
                            tail = match more {
                                ["and", more @ ..] => more,
                                other => other,
                            };
                        }
                        [] => break,
                        _ => {
                            return Err(format!(
                                "target: {text:?}: expected `lastSuccessful before|after TIME`"
                            ));
                        }
                    }
                }
                put("lastSuccessful", Value::Mapping(window));
            }
            [field, tail @ ..] => {
                put(field, count(tail)?);
            }
            [] => {
                return Err(format!(
                    "target: {text:?}: what must cronjob/{name} show? {help}"
                ));
            }
        }
    } else {
        put("metric", s(subject));
        match rest {
            [cmp, v] => {
                let key = comparison_word(cmp).ok_or_else(|| {
                    format!("target: {cmp:?}: compare a metric with lessThan, greaterThan, equals, atMost or atLeast")
                })?;
                put(key, scalar(v));
            }
            _ => {
                return Err(format!(
                    "target: {text:?}: expected METRIC COMPARE VALUE; {help}"
                ));
            }
        }
    }
    Ok(Value::Mapping(m))
}

/// What the target measures in one run, as a number (milliseconds for times): a Job's
/// time to its condition, a count, a lag, a metric. `None` when the run has none (the Job
/// did not finish, the metric is undefined): it ranks above every number.
fn measure(check: &Check, r: &RunResult) -> Option<f64> {
    match check {
        Check::Job { name, check } => {
            let job = r.jobs.iter().rev().find(|j| j.name == *name)?;
            match check {
                JobCheck::Condition { .. } => job.finished.map(|f| (f - job.created) as f64),
                JobCheck::Succeeded(_) => Some(job.succeeded as f64),
                JobCheck::Failed(_) => Some(job.failed as f64),
                JobCheck::Pods(_) => Some(f64::from(job.pods)),
                _ => None,
            }
        }
        Check::CronJob { name, check } => {
            let cj = r.cronjobs.iter().find(|c| c.name == *name)?;
            let c = &cj.counts;
            Some(match check {
                CronJobCheck::JobsCreated(_) => c.jobs_created as f64,
                CronJobCheck::Succeeded(_) => c.succeeded as f64,
                CronJobCheck::Failed(_) => c.failed as f64,
                CronJobCheck::Skipped(_) => c.skipped as f64,
                CronJobCheck::Missed(_) => (c.missed + c.missed_deadline) as f64,
                CronJobCheck::CreateLag(p, _) => lag_at(cj.create_lag_ms, *p)?,
                CronJobCheck::StartLag(p, _) => lag_at(cj.start_lag_ms, *p)?,
                CronJobCheck::LastSuccessful { .. } => cj.last_successful? as f64,
            })
        }
        Check::Metric { metric, .. } => {
            let m = &r.metrics;
            match metric {
                Metric::Makespan => m.makespan.map(|v| v as f64),
                Metric::WaitP50 => Some(m.wait_ms[0] as f64),
                Metric::WaitP90 => Some(m.wait_ms[1] as f64),
                Metric::WaitP99 => Some(m.wait_ms[2] as f64),
                Metric::WaitMax => Some(m.wait_ms[3] as f64),
                Metric::CpuUtilisation => Some(m.cpu_utilisation),
                Metric::NodeHours => Some(m.node_hours),
                Metric::ThroughputPerHour => Some(m.throughput_per_hour),
                Metric::PodsCreated => Some(m.pods_created as f64),
                Metric::PodsSucceeded => Some(m.pods_succeeded as f64),
                Metric::PodsFailed => Some(m.pods_failed as f64),
                Metric::WastedCpuSeconds => Some(m.wasted_cpu_seconds),
                Metric::Cost => m.cost,
                Metric::IdleShare => m.idle_share,
                Metric::MaxRunningPods => None,
            }
        }
        Check::Event { .. } => None,
    }
}

fn lag_at(lags: Option<[u64; 3]>, pct: u8) -> Option<f64> {
    let l = lags?;
    Some(match pct {
        50 => l[0],
        99 => l[1],
        _ => l[2],
    } as f64)
}

/// What the target measures, for a column header: `time to Complete`, `makespan`, ….
pub fn measure_label(check: &Check) -> String {
    match check {
        Check::Job { check, .. } => match check {
            JobCheck::Condition { condition, .. } => format!("time to {condition}"),
            JobCheck::Succeeded(_) => "succeeded".into(),
            JobCheck::Failed(_) => "failed".into(),
            JobCheck::Pods(_) => "pods".into(),
            _ => "measure".into(),
        },
        Check::CronJob { check, .. } => match check {
            CronJobCheck::JobsCreated(_) => "Jobs created".into(),
            CronJobCheck::Succeeded(_) => "Jobs succeeded".into(),
            CronJobCheck::Failed(_) => "Jobs failed".into(),
            CronJobCheck::Skipped(_) => "times skipped".into(),
            CronJobCheck::Missed(_) => "times missed".into(),
            CronJobCheck::CreateLag(..) => "create lag".into(),
            CronJobCheck::StartLag(..) => "start lag".into(),
            CronJobCheck::LastSuccessful { .. } => "last success".into(),
        },
        Check::Metric { metric, .. } => metric.name().to_string(),
        Check::Event { .. } => "measure".into(),
    }
}

/// Whether the target's measure is a duration (shown as `5h42m10s`).
pub fn measure_is_duration(check: &Check) -> bool {
    match check {
        Check::Job { check, .. } => matches!(check, JobCheck::Condition { .. }),
        Check::CronJob { check, .. } => matches!(
            check,
            CronJobCheck::CreateLag(..)
                | CronJobCheck::StartLag(..)
                | CronJobCheck::LastSuccessful { .. }
        ),
        Check::Metric { metric, .. } => metric.is_duration(),
        Check::Event { .. } => false,
    }
}

/// One run of one value: whether the target held, what it measured, what it cost.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    held: bool,
    measured: Option<f64>,
    cost: Option<f64>,
    node_hours: f64,
}

/// What the runs of one value showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The value of the varied field.
    pub value: i64,
    /// Runs (one per seed).
    pub runs: u64,
    /// Runs in which the target held.
    pub met: u64,
    /// 95 % Wilson interval of the share that met it.
    pub interval: (f64, f64),
    /// The target's measure at the plan's quantile (nearest rank); `None` when that rank
    /// falls on a run without a measure (a Job that did not finish).
    pub measure_at_quantile: Option<f64>,
    /// Mean cost per run, when the pools are priced.
    pub mean_cost: Option<f64>,
    /// Mean node-hours per run.
    pub mean_node_hours: f64,
    /// The first seed whose run did not meet the target, if any.
    pub first_failing_seed: Option<u64>,
}

impl Evidence {
    /// The share of runs that met the target.
    pub fn share(&self) -> f64 {
        self.met as f64 / self.runs.max(1) as f64
    }
}

/// How the answer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Bisection, assuming more of the field never hurts; checked on what was run.
    Bisection,
    /// Every value of the range.
    Scan,
}

/// What a plan found.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOutcome {
    /// The smallest value that meets the target in at least the quantile of the seeds.
    pub answer: Option<i64>,
    /// The value with the largest share meeting the target (the smallest such value).
    pub best: i64,
    /// How it was found.
    pub method: Method,
    /// Why a bisection turned into a scan, if it did.
    pub fell_back: Option<String>,
    /// Every value that was run, in value order.
    pub evaluated: BTreeMap<i64, Evidence>,
    /// The seeds of every value: `first_seed`, `first_seed + 1`, …
    pub first_seed: u64,
}

impl PlanOutcome {
    /// The evidence around the answer (or the best value): up to two values on each side
    /// among those run, in value order.
    pub fn table(&self) -> Vec<&Evidence> {
        let centre = self.answer.unwrap_or(self.best);
        let below = self.evaluated.range(..centre).rev().take(2);
        let mut rows: Vec<&Evidence> = below.map(|(_, e)| e).collect();
        rows.reverse();
        rows.extend(self.evaluated.range(centre..).take(3).map(|(_, e)| e));
        rows
    }
}

/// The question a plan answers.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSpec {
    /// The field and its range.
    pub vary: VaryRange,
    /// The target, checked against the scenario ([`parse_target`]).
    pub target: Expectation,
    /// The least share of seeds in which the target must hold (0–1).
    pub quantile: f64,
    /// Seeds per value.
    pub seeds: u64,
    /// Try every value instead of bisecting.
    pub scan: bool,
}

/// Runs the seeds of one value: `load(value)` gives its scenario.
fn run_value<L>(
    load: &L,
    spec: &PlanSpec,
    value: i64,
    progress: &(dyn Fn() + Sync),
) -> Result<Evidence, LoadError>
where
    L: Fn(i64) -> Result<Scenario, LoadError> + Sync,
{
    let scenario = load(value)?;
    let target = std::slice::from_ref(&spec.target);
    let samples: Vec<Sample> = (0..spec.seeds)
        .into_par_iter()
        .map(|i| {
            let mut s = scenario.clone();
            s.seed = scenario.seed.wrapping_add(i);
            let mut null = NullSink;
            let mut sink = ExpectSink::new(&mut null, target);
            // A null sink never fails and nothing breaks the run off, so every seed ends.
            let r = crate::world::simulate(&s, &mut sink, None);
            let seen = sink.into_observed();
            progress();
            match r {
                Ok(r) => Sample {
                    held: evaluate(target, &r, &seen)[0].pass,
                    measured: measure(&spec.target.check, &r),
                    cost: r.metrics.cost,
                    node_hours: r.metrics.node_hours,
                },
                Err(_) => Sample {
                    held: false,
                    measured: None,
                    cost: None,
                    node_hours: 0.0,
                },
            }
        })
        .collect();
    Ok(summarise(value, scenario.seed, spec.quantile, &samples))
}

fn summarise(value: i64, first_seed: u64, quantile: f64, samples: &[Sample]) -> Evidence {
    let runs = samples.len() as u64;
    let met = samples.iter().filter(|s| s.held).count() as u64;
    // Nearest rank; a run without a measure ranks above every number.
    let mut measures: Vec<Option<f64>> = samples.iter().map(|s| s.measured).collect();
    measures.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let rank = ((quantile * runs as f64).ceil() as usize).clamp(1, measures.len().max(1)) - 1;
    let measure_at_quantile = measures.get(rank).copied().flatten();
    let mean_cost = samples
        .iter()
        .map(|s| s.cost)
        .sum::<Option<f64>>()
        .map(|c| c / runs.max(1) as f64);
    Evidence {
        value,
        runs,
        met,
        interval: wilson_interval(met, runs),
        measure_at_quantile,
        mean_cost,
        mean_node_hours: samples.iter().map(|s| s.node_hours).sum::<f64>() / runs.max(1) as f64,
        first_failing_seed: samples
            .iter()
            .position(|s| !s.held)
            .map(|i| first_seed.wrapping_add(i as u64)),
    }
}

/// Finds the smallest value of `spec.vary` at which `spec.target` holds in at least
/// `spec.quantile` of `spec.seeds` seeds. `load(value)` loads the scenario with the field
/// set to `value` (and any other fixed overrides); `progress` is called once per finished
/// run, from any thread.
pub fn plan<L>(
    load: L,
    spec: &PlanSpec,
    progress: &(dyn Fn() + Sync),
) -> Result<PlanOutcome, LoadError>
where
    L: Fn(i64) -> Result<Scenario, LoadError> + Sync,
{
    let (lo, hi) = (spec.vary.lo, spec.vary.hi);
    let mut evaluated: BTreeMap<i64, Evidence> = BTreeMap::new();
    let meets = |e: &Evidence| e.share() >= spec.quantile;
    let first_seed = load(lo)?.seed;
    let run = |v: i64, evaluated: &mut BTreeMap<i64, Evidence>| -> Result<bool, LoadError> {
        if let Some(e) = evaluated.get(&v) {
            return Ok(meets(e));
        }
        let e = run_value(&load, spec, v, progress)?;
        let ok = meets(&e);
        evaluated.insert(v, e);
        Ok(ok)
    };
    let mut method = Method::Bisection;
    let mut fell_back = None;
    let mut answer = None;
    if spec.scan {
        method = Method::Scan;
    } else if !run(hi, &mut evaluated)? {
        // Under the assumption nothing below meets it either; the lowest value checks that.
        if run(lo, &mut evaluated)? {
            fell_back = Some(format!(
                "{lo} meets the target but {hi} does not: the share is not monotone in the value, so every value was tried"
            ));
            method = Method::Scan;
        }
    } else {
        // Invariant: `b` meets the target; everything at or below `a` is unknown or fails.
        let (mut a, mut b) = (lo - 1, hi);
        while b - a > 1 {
            let mid = a + (b - a) / 2;
            if run(mid, &mut evaluated)? {
                b = mid;
            } else {
                a = mid;
            }
        }
        // The neighbours: the value below must fail, the one above must meet.
        if b > lo {
            run(b - 1, &mut evaluated)?;
        }
        if b < hi {
            run(b + 1, &mut evaluated)?;
        }
        answer = Some(b);
        if let Some(why) = not_monotone(&evaluated, &meets) {
            fell_back = Some(why);
            method = Method::Scan;
        }
    }
    if method == Method::Scan {
        for v in lo..=hi {
            run(v, &mut evaluated)?;
        }
        answer = evaluated.values().find(|e| meets(e)).map(|e| e.value);
    }
    let best = evaluated
        .values()
        .fold(None::<&Evidence>, |best, e| match best {
            Some(b) if b.met >= e.met => Some(b),
            _ => Some(e),
        })
        .map_or(hi, |e| e.value);
    Ok(PlanOutcome {
        answer,
        best,
        method,
        fell_back,
        evaluated,
        first_seed,
    })
}

/// Why the runs so far contradict "more never hurts": a value that meets the target
/// below one that does not.
fn not_monotone(
    evaluated: &BTreeMap<i64, Evidence>,
    meets: &dyn Fn(&Evidence) -> bool,
) -> Option<String> {
    let mut lowest_meeting: Option<i64> = None;
    for (v, e) in evaluated {
        if meets(e) {
            lowest_meeting.get_or_insert(*v);
        } else if let Some(m) = lowest_meeting {
            return Some(format!(
                "{m} meets the target but {v} does not: the share is not monotone in the value, so every value was tried"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Override;

    /// Six pods of one CPU, 60 s each, on nodes of one CPU: with k nodes the Job runs in
    /// ceil(6 / k) waves of about 61 s (1 s start-up) plus the 1 s batched sync between
    /// waves, so 3 minutes hold two waves (k ≥ 3) but not three (k = 2).
    const WAVES: &str = r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: waves}
spec:
  cluster:
    nodePools:
      - {name: n, count: 1, capacity: {cpu: "1", memory: 4Gi}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: x}
        spec:
          completions: 6
          parallelism: 6
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  command: ["sleep", "60"]
                  resources: {requests: {cpu: "1"}}
"#;

    fn load_waves(count: i64) -> Result<Scenario, LoadError> {
        let options = crate::LoadOptions::with_overrides([Override::new(
            "cluster.nodePools.n.count",
            yaml_serde::Value::Number(count.into()),
        )]);
        crate::load_str(WAVES, std::path::Path::new("waves.yaml"), &options).map(|(s, _)| s)
    }

    fn spec(target: &str, lo: i64, hi: i64, scan: bool) -> PlanSpec {
        let base = load_waves(lo).unwrap();
        PlanSpec {
            vary: VaryRange {
                path: "cluster.nodePools.n.count".into(),
                lo,
                hi,
            },
            target: parse_target(target, &base).unwrap(),
            quantile: 0.95,
            seeds: 3,
            scan,
        }
    }

    #[test]
    fn bisection_finds_the_smallest_node_count_and_runs_its_neighbours() {
        let s = spec("job/x Complete within 3m", 1, 12, false);
        let o = plan(load_waves, &s, &|| {}).unwrap();
        assert_eq!(o.answer, Some(3));
        assert_eq!(o.method, Method::Bisection);
        assert_eq!(o.evaluated[&2].met, 0);
        assert_eq!(o.evaluated[&3].met, 3);
        assert!(o.evaluated.contains_key(&4));
        // Fewer values than a scan.
        assert!(o.evaluated.len() < 12, "{:?}", o.evaluated.keys());
        let table: Vec<i64> = o.table().iter().map(|e| e.value).collect();
        assert!(table.contains(&2) && table.contains(&3), "{table:?}");
    }

    #[test]
    fn a_target_that_more_nodes_break_is_found_by_a_scan() {
        // More nodes make the Job faster: three waves (2 nodes) take over 150 s, two do not.
        let s = spec("makespan greaterThan 150s", 1, 4, false);
        let o = plan(load_waves, &s, &|| {}).unwrap();
        assert_eq!(o.method, Method::Scan);
        assert!(o.fell_back.is_some());
        assert_eq!(o.answer, Some(1));
        assert_eq!(o.evaluated.len(), 4);
    }

    #[test]
    fn no_value_in_range_gives_no_answer_and_the_best_value() {
        let s = spec("job/x Complete within 30s", 1, 3, true);
        let o = plan(load_waves, &s, &|| {}).unwrap();
        assert_eq!(o.answer, None);
        assert_eq!(o.best, 1, "all miss alike: the smallest value");
    }

    #[test]
    fn targets_name_objects_of_the_scenario_and_cost_needs_prices() {
        let base = load_waves(1).unwrap();
        let err = parse_target("job/y Complete", &base).unwrap_err();
        assert!(err.starts_with("target.job: Not found"), "{err}");
        let err = parse_target("cost lessThan 3", &base).unwrap_err();
        assert!(err.contains("no price"), "{err}");
        let flow = parse_target("{job: x, condition: Complete, within: 3m}", &base).unwrap();
        let sentence = parse_target("job/x Complete within 3m", &base).unwrap();
        assert_eq!(flow, sentence);
        assert!(parse_target("{event: Scheduled}", &base).is_err());
    }

    #[test]
    fn ranges_read_as_path_lo_dot_dot_hi() {
        let r: VaryRange = "cluster.nodePools.batch.count=1..40".parse().unwrap();
        assert_eq!(
            (r.path.as_str(), r.lo, r.hi),
            ("cluster.nodePools.batch.count", 1, 40)
        );
        assert!("x=5..1".parse::<VaryRange>().is_err());
        assert!("x=1,2".parse::<VaryRange>().is_err());
        assert!("=1..2".parse::<VaryRange>().is_err());
        assert_eq!(r.to_string(), "cluster.nodePools.batch.count=1..40");
    }

    #[test]
    fn sentences_become_the_mappings_of_spec_expect() {
        let m = |t: &str| yaml_serde::to_string(&sentence_to_mapping(t).unwrap()).unwrap();
        assert_eq!(
            m("job/etl Complete within 6h"),
            "job: etl\ncondition: Complete\nwithin: 6h\n"
        );
        assert_eq!(
            m("job/etl Failed (DeadlineExceeded)"),
            "job: etl\ncondition: Failed\nreason: DeadlineExceeded\n"
        );
        assert_eq!(
            m("makespan lessThan 6h"),
            "metric: makespan\nlessThan: 6h\n"
        );
        assert_eq!(m("cost <= 40.5"), "metric: cost\natMost: 40.5\n");
        assert_eq!(
            m("job/etl succeeded atLeast 6"),
            "job: etl\nsucceeded:\n  atLeast: 6\n"
        );
        assert_eq!(
            m("cronjob/r lastSuccessful after 1h and before 6h"),
            "cronjob: r\nlastSuccessful:\n  after: 1h\n  before: 6h\n"
        );
        assert!(sentence_to_mapping("").is_err());
        assert!(sentence_to_mapping("job/etl Complete by 6h").is_err());
    }

    #[test]
    fn the_quantile_measure_ranks_runs_without_one_last() {
        let s = |m: Option<f64>| Sample {
            held: m.is_some(),
            measured: m,
            cost: None,
            node_hours: 1.0,
        };
        let samples: Vec<Sample> = (1..=19)
            .map(|i| s(Some(f64::from(i))))
            .chain([s(None)])
            .collect();
        let e = summarise(3, 1, 0.95, &samples);
        assert_eq!((e.runs, e.met), (20, 19));
        assert_eq!(e.measure_at_quantile, Some(19.0));
        assert_eq!(e.first_failing_seed, Some(20));
        let e = summarise(3, 1, 1.0, &samples);
        assert_eq!(e.measure_at_quantile, None);
    }
}
