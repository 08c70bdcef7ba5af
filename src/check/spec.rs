//! The YAML form of one `spec.expect` entry and its checking against the scenario.

use serde::Deserialize;

use super::{
    Check, Comparison, Count, CronJobCheck, Expectation, JobCheck, Metric, Probability, TimePoint,
};
use crate::time::parse_duration;

/// The most seeds a `probability` expectation may ask for.
pub const MAX_SEEDS: u64 = 100_000;

/// One entry of `spec.expect`, as written: a subject (`job`, `cronjob`, `metric` or
/// `event`) and what it must show. Checked into an [`Expectation`] by [`ExpectSpec::resolve`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectSpec {
    #[serde(default)]
    job: Option<String>,
    #[serde(default)]
    cronjob: Option<String>,
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    event: Option<String>,

    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    within: Option<String>,
    #[serde(default)]
    succeeded: Option<CountSpec>,
    #[serde(default)]
    failed: Option<CountSpec>,
    #[serde(default)]
    pods: Option<CountSpec>,
    #[serde(default)]
    max_running: Option<CountSpec>,
    #[serde(default)]
    waves: Option<CountSpec>,
    #[serde(default)]
    retry_delays: Option<Vec<String>>,
    #[serde(default)]
    completed_indexes: Option<String>,
    #[serde(default)]
    failed_indexes: Option<String>,

    #[serde(default)]
    jobs_created: Option<CountSpec>,
    #[serde(default)]
    skipped: Option<CountSpec>,
    #[serde(default)]
    missed: Option<CountSpec>,
    #[serde(default)]
    create_lag: Option<String>,
    #[serde(default)]
    start_lag: Option<String>,
    #[serde(default)]
    last_successful: Option<WindowSpec>,

    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    times: Option<CountSpec>,
    #[serde(default)]
    never: Option<bool>,

    #[serde(default)]
    less_than: Option<Scalar>,
    #[serde(default)]
    greater_than: Option<Scalar>,
    #[serde(default)]
    equals: Option<Scalar>,
    #[serde(default)]
    at_most: Option<Scalar>,
    #[serde(default)]
    at_least: Option<Scalar>,

    #[serde(default)]
    probability: Option<ProbabilitySpec>,
}

/// A count: a bare number (`equals`) or `{equals, atLeast, atMost}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum CountSpec {
    Exactly(u64),
    Bounds(CountBounds),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CountBounds {
    #[serde(default)]
    equals: Option<u64>,
    #[serde(default)]
    at_least: Option<u64>,
    #[serde(default)]
    at_most: Option<u64>,
}

/// A metric's limit: a number, or a duration (`2h`) for the time metrics.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Number(f64),
    Text(String),
}

/// `lastSuccessful: {before: 6h}`: a window of time, each end a duration since the start
/// or an RFC 3339 instant.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WindowSpec {
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

/// A duration since the start (`6h`) or an RFC 3339 instant.
fn time_point(field: &str, text: &str) -> Result<TimePoint, String> {
    if let Ok(d) = parse_duration(text) {
        return Ok(TimePoint::Offset(d));
    }
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(TimePoint::Instant)
        .map_err(|_| {
            format!(
                "{field}: Invalid value: {:?}: a duration since the start (6h) or an RFC 3339 instant (2026-01-05T06:00:00Z)",
                crate::excerpt::excerpt(text)
            )
        })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProbabilitySpec {
    seeds: u64,
    at_least: f64,
}

impl CountSpec {
    fn resolve(&self, field: &str) -> Result<Count, String> {
        Ok(match self {
            CountSpec::Exactly(n) => Count {
                equals: Some(*n),
                ..Count::default()
            },
            CountSpec::Bounds(b) => {
                if b.equals.is_none() && b.at_least.is_none() && b.at_most.is_none() {
                    return Err(format!(
                        "{field}: Required value: a number, or one of equals, atLeast, atMost"
                    ));
                }
                Count {
                    equals: b.equals,
                    at_least: b.at_least,
                    at_most: b.at_most,
                }
            }
        })
    }
}

/// The objects of a scenario that expectations may name.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The Jobs' names.
    pub jobs: &'a [String],
    /// The CronJobs' names.
    pub cronjobs: &'a [String],
    /// Whether the node pools have prices (cost expectations need them).
    pub priced: bool,
}

impl ExpectSpec {
    /// Checks this entry (the `index`th of `spec.expect`) against the scenario's objects.
    /// Every message starts with the field path it is about.
    pub fn resolve(&self, index: usize, names: Names<'_>) -> Result<Expectation, String> {
        let path = format!("spec.expect[{index}]");
        let subjects = [
            self.job.is_some(),
            self.cronjob.is_some(),
            self.metric.is_some(),
            self.event.is_some(),
        ];
        if subjects.iter().filter(|s| **s).count() != 1 {
            return Err(format!(
                "{path}: give exactly one of job, cronjob, metric or event (what the expectation is about)"
            ));
        }
        let check = if let Some(name) = &self.job {
            if !names.jobs.contains(name) {
                return Err(format!(
                    "{path}.job: Not found: {name:?}: the scenario has no Job of that name{}",
                    known(names.jobs)
                ));
            }
            Check::Job {
                name: name.clone(),
                check: self.job_check(&path)?,
            }
        } else if let Some(name) = &self.cronjob {
            if !names.cronjobs.contains(name) {
                return Err(format!(
                    "{path}.cronjob: Not found: {name:?}: the scenario has no CronJob of that name{}",
                    known(names.cronjobs)
                ));
            }
            Check::CronJob {
                name: name.clone(),
                check: self.cronjob_check(&path)?,
            }
        } else if let Some(name) = &self.metric {
            let Some((_, metric)) = Metric::ALL.iter().find(|(n, _)| n == name) else {
                let all: Vec<&str> = Metric::ALL.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "{path}.metric: Unsupported value: {name:?}: supported values: {}",
                    all.join(", ")
                ));
            };
            if metric.needs_prices() && !names.priced {
                return Err(format!(
                    "{path}.metric: Invalid value: {name:?}: the scenario's node pools have no price (give each pool `price: {{perHour: …}}`)"
                ));
            }
            Check::Metric {
                metric: *metric,
                comparison: self.comparison(&path, metric.is_duration())?,
            }
        } else {
            let reason = self.event.clone().unwrap_or_default();
            if reason.is_empty() {
                return Err(format!("{path}.event: Required value: an event reason"));
            }
            if let Some(object) = &self.object {
                check_object(&format!("{path}.object"), object, names)?;
            }
            let times = match (&self.times, self.never) {
                (Some(_), Some(_)) => {
                    return Err(format!("{path}: give times or never, not both"));
                }
                (Some(t), None) => t.resolve(&format!("{path}.times"))?,
                (None, Some(true)) => Count {
                    equals: Some(0),
                    ..Count::default()
                },
                (None, Some(false)) | (None, None) => Count {
                    at_least: Some(1),
                    ..Count::default()
                },
            };
            Check::Event {
                reason,
                object: self.object.clone(),
                times,
            }
        };
        let probability = match &self.probability {
            None => None,
            Some(p) => {
                let field = format!("{path}.probability");
                if !matches!(check, Check::Job { .. } | Check::Metric { .. }) {
                    return Err(format!(
                        "{field}: only a job or metric expectation can hold across seeds"
                    ));
                }
                if p.seeds == 0 || p.seeds > MAX_SEEDS {
                    return Err(format!(
                        "{field}.seeds: Invalid value: {}: must be between 1 and {MAX_SEEDS}",
                        p.seeds
                    ));
                }
                if !(0.0..=1.0).contains(&p.at_least) {
                    return Err(format!(
                        "{field}.atLeast: Invalid value: {}: a fraction between 0 and 1",
                        p.at_least
                    ));
                }
                Some(Probability {
                    seeds: p.seeds,
                    at_least: p.at_least,
                })
            }
        };
        Ok(Expectation { check, probability })
    }

    fn job_check(&self, path: &str) -> Result<JobCheck, String> {
        let mut found: Vec<JobCheck> = Vec::new();
        if let Some(c) = &self.condition {
            if !["Complete", "Failed", "Suspended", "Running"].contains(&c.as_str()) {
                return Err(format!(
                    "{path}.condition: Unsupported value: {c:?}: supported values: \"Complete\", \"Failed\", \"Suspended\", \"Running\""
                ));
            }
            let within = self
                .within
                .as_deref()
                .map(|w| parse_duration(w).map_err(|e| format!("{path}.within: {e}")))
                .transpose()?;
            found.push(JobCheck::Condition {
                condition: c.clone(),
                reason: self.reason.clone(),
                within,
            });
        } else if self.reason.is_some() || self.within.is_some() {
            return Err(format!(
                "{path}.condition: Required value: reason and within go with a condition (Complete or Failed)"
            ));
        }
        let count = |c: &Option<CountSpec>, name: &str| {
            c.as_ref()
                .map(|c| c.resolve(&format!("{path}.{name}")))
                .transpose()
        };
        if let Some(c) = count(&self.succeeded, "succeeded")? {
            found.push(JobCheck::Succeeded(c));
        }
        if let Some(c) = count(&self.failed, "failed")? {
            found.push(JobCheck::Failed(c));
        }
        if let Some(c) = count(&self.pods, "pods")? {
            found.push(JobCheck::Pods(c));
        }
        if let Some(c) = count(&self.max_running, "maxRunning")? {
            found.push(JobCheck::MaxRunning(c));
        }
        if let Some(c) = count(&self.waves, "waves")? {
            found.push(JobCheck::Waves(c));
        }
        if let Some(list) = &self.retry_delays {
            let mut delays = Vec::new();
            for (i, d) in list.iter().enumerate() {
                delays
                    .push(parse_duration(d).map_err(|e| format!("{path}.retryDelays[{i}]: {e}"))?);
            }
            found.push(JobCheck::RetryDelays(delays));
        }
        if let Some(s) = &self.completed_indexes {
            found.push(JobCheck::CompletedIndexes(s.clone()));
        }
        if let Some(s) = &self.failed_indexes {
            found.push(JobCheck::FailedIndexes(s.clone()));
        }
        self.no_strays(
            path,
            "a job",
            &[
                ("jobsCreated", self.jobs_created.is_some()),
                ("skipped", self.skipped.is_some()),
                ("missed", self.missed.is_some()),
                ("createLag", self.create_lag.is_some()),
                ("startLag", self.start_lag.is_some()),
                ("lastSuccessful", self.last_successful.is_some()),
                ("object", self.object.is_some()),
                ("times", self.times.is_some()),
                ("never", self.never.is_some()),
            ],
        )?;
        self.no_comparison(path, "a job")?;
        one(
            path,
            "condition, succeeded, failed, pods, maxRunning, waves, retryDelays, completedIndexes or failedIndexes",
            found,
        )
    }

    fn cronjob_check(&self, path: &str) -> Result<CronJobCheck, String> {
        let mut found = Vec::new();
        let count = |c: &Option<CountSpec>, name: &str| {
            c.as_ref()
                .map(|c| c.resolve(&format!("{path}.{name}")))
                .transpose()
        };
        if let Some(c) = count(&self.jobs_created, "jobsCreated")? {
            found.push(CronJobCheck::JobsCreated(c));
        }
        if let Some(c) = count(&self.succeeded, "succeeded")? {
            found.push(CronJobCheck::Succeeded(c));
        }
        if let Some(c) = count(&self.failed, "failed")? {
            found.push(CronJobCheck::Failed(c));
        }
        if let Some(c) = count(&self.skipped, "skipped")? {
            found.push(CronJobCheck::Skipped(c));
        }
        if let Some(c) = count(&self.missed, "missed")? {
            found.push(CronJobCheck::Missed(c));
        }
        let has_lag = self.create_lag.is_some() || self.start_lag.is_some();
        for (name, lag, start) in [
            ("createLag", &self.create_lag, false),
            ("startLag", &self.start_lag, true),
        ] {
            if let Some(p) = lag {
                let pct = match p.as_str() {
                    "p50" => 50,
                    "p99" => 99,
                    "max" => 100,
                    other => {
                        return Err(format!(
                            "{path}.{name}: Unsupported value: {other:?}: supported values: \"p50\", \"p99\", \"max\""
                        ));
                    }
                };
                let cmp = self.comparison(path, true)?;
                found.push(if start {
                    CronJobCheck::StartLag(pct, cmp)
                } else {
                    CronJobCheck::CreateLag(pct, cmp)
                });
            }
        }
        if let Some(w) = &self.last_successful {
            let field = format!("{path}.lastSuccessful");
            let end = |name: &str, t: &Option<String>| {
                t.as_deref()
                    .map(|t| time_point(&format!("{field}.{name}"), t))
                    .transpose()
            };
            let (before, after) = (end("before", &w.before)?, end("after", &w.after)?);
            if before.is_none() && after.is_none() {
                return Err(format!(
                    "{field}: Required value: before and/or after (a duration since the start or an RFC 3339 instant)"
                ));
            }
            found.push(CronJobCheck::LastSuccessful { before, after });
        }
        if !has_lag {
            self.no_comparison(path, "a cronjob count")?;
        }
        self.no_strays(
            path,
            "a cronjob",
            &[
                ("condition", self.condition.is_some()),
                ("pods", self.pods.is_some()),
                ("maxRunning", self.max_running.is_some()),
                ("waves", self.waves.is_some()),
                ("retryDelays", self.retry_delays.is_some()),
                ("completedIndexes", self.completed_indexes.is_some()),
                ("failedIndexes", self.failed_indexes.is_some()),
                ("object", self.object.is_some()),
                ("times", self.times.is_some()),
                ("never", self.never.is_some()),
            ],
        )?;
        one(
            path,
            "jobsCreated, succeeded, failed, skipped, missed, createLag, startLag or lastSuccessful",
            found,
        )
    }

    fn comparison(&self, path: &str, duration: bool) -> Result<Comparison, String> {
        let given: Vec<(&str, &Scalar)> = [
            ("lessThan", &self.less_than),
            ("greaterThan", &self.greater_than),
            ("equals", &self.equals),
            ("atMost", &self.at_most),
            ("atLeast", &self.at_least),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
        .collect();
        let [(name, value)] = given.as_slice() else {
            return Err(format!(
                "{path}: give exactly one of lessThan, greaterThan, equals, atMost or atLeast"
            ));
        };
        let field = format!("{path}.{name}");
        let v = match (value, duration) {
            (Scalar::Text(t), true) => {
                parse_duration(t).map_err(|e| format!("{field}: {e}"))? as f64
            }
            (Scalar::Number(_), true) => {
                return Err(format!(
                    "{field}: Invalid value: a duration such as 90s or 2h (this is a time)"
                ));
            }
            (Scalar::Number(n), false) => *n,
            (Scalar::Text(t), false) => t
                .parse::<f64>()
                .map_err(|_| format!("{field}: Invalid value: {t:?}: a number"))?,
        };
        Ok(match *name {
            "lessThan" => Comparison::LessThan(v),
            "greaterThan" => Comparison::GreaterThan(v),
            "equals" => Comparison::Equals(v),
            "atMost" => Comparison::AtMost(v),
            _ => Comparison::AtLeast(v),
        })
    }

    fn no_comparison(&self, path: &str, what: &str) -> Result<(), String> {
        self.no_strays(
            path,
            what,
            &[
                ("lessThan", self.less_than.is_some()),
                ("greaterThan", self.greater_than.is_some()),
                ("equals", self.equals.is_some()),
                ("atMost", self.at_most.is_some()),
                ("atLeast", self.at_least.is_some()),
            ],
        )
    }

    fn no_strays(&self, path: &str, what: &str, fields: &[(&str, bool)]) -> Result<(), String> {
        match fields.iter().find(|(_, set)| *set) {
            Some((name, _)) => Err(format!(
                "{path}.{name}: Forbidden: not a field of {what} expectation"
            )),
            None => Ok(()),
        }
    }
}

fn one<T>(path: &str, allowed: &str, mut found: Vec<T>) -> Result<T, String> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("{path}: Required value: one of {allowed}")),
        _ => Err(format!(
            "{path}: give one of {allowed} per expectation (write several entries)"
        )),
    }
}

fn known(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        format!(" (it has {})", shown.join(", "))
    }
}

/// An event's object: `kind/name` with kind job, pod, cronjob or node; a name without `*`
/// of a Job or CronJob must be one the scenario has.
fn check_object(field: &str, object: &str, names: Names<'_>) -> Result<(), String> {
    let Some((kind, name)) = object.split_once('/') else {
        return Err(format!(
            "{field}: Invalid value: {object:?}: kind/name, such as job/etl or pod/etl-*"
        ));
    };
    if name.contains('*') {
        return match kind {
            "job" | "pod" | "cronjob" | "node" => Ok(()),
            _ => Err(format!(
                "{field}: Unsupported value: {kind:?}: supported kinds: job, pod, cronjob, node"
            )),
        };
    }
    let (list, what) = match kind {
        "job" => (names.jobs, "Job"),
        "cronjob" => (names.cronjobs, "CronJob"),
        "pod" | "node" => return Ok(()),
        _ => {
            return Err(format!(
                "{field}: Unsupported value: {kind:?}: supported kinds: job, pod, cronjob, node"
            ));
        }
    };
    if list.iter().any(|n| n == name) {
        Ok(())
    } else {
        Err(format!(
            "{field}: Not found: {object:?}: the scenario has no {what} of that name{}",
            known(list)
        ))
    }
}
