//! Expectations (`spec.expect` of a scenario) and their verdicts: what a run must show for
//! `jobsim check` to pass. Each expectation is parsed from the scenario ([`ExpectSpec`]),
//! checked against the scenario's objects when it loads ([`ExpectSpec::resolve`]: naming a
//! Job the scenario does not have is a load error), and judged after the run
//! ([`evaluate`]) from the [`RunResult`] and what an [`ExpectSink`] saw go by: it wraps the
//! run's sink and keeps only counts and the few pod times the expectations need, so no
//! record stays in memory. Verdicts read as sentences with the measured and the expected
//! value (`FAIL job/etl Complete within 2h: completed at 2h13m04s`). [`junit`] writes them
//! as JUnit XML. Not here: running scenarios or printing (the CLI does both).

pub mod golden;
pub mod junit;
pub mod plan;
pub mod seeds;
pub mod spec;

use std::collections::BTreeMap;
use std::fmt;

pub use spec::ExpectSpec;

use crate::record::result::{JobResult, RunResult};
use crate::record::{EventRecord, JobRecord, PodRecord, Sink, SinkError};
use crate::scenario::Scenario;
use crate::time::{SECOND, SimDuration, SimTime};

/// A bound on a count: `equals`, and/or `atLeast` and `atMost`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Exactly this many.
    pub equals: Option<u64>,
    /// At least this many.
    pub at_least: Option<u64>,
    /// At most this many.
    pub at_most: Option<u64>,
}

impl Count {
    /// Whether `n` is inside the bound.
    pub fn holds(&self, n: u64) -> bool {
        self.equals.is_none_or(|e| n == e)
            && self.at_least.is_none_or(|l| n >= l)
            && self.at_most.is_none_or(|m| n <= m)
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(e) = self.equals {
            parts.push(format!("{e}"));
        }
        match (self.at_least, self.at_most) {
            (Some(l), Some(m)) => parts.push(format!("{l}..{m}")),
            (Some(l), None) => parts.push(format!("at least {l}")),
            (None, Some(m)) => parts.push(format!("at most {m}")),
            (None, None) => {}
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// How a metric is compared: `lessThan`, `greaterThan`, `equals`, `atMost`, `atLeast`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// Strictly below the value (`lessThan`).
    LessThan(f64),
    /// Strictly above the value (`greaterThan`).
    GreaterThan(f64),
    /// Equal to the value, up to rounding (`equals`).
    Equals(f64),
    /// At or below the value (`atMost`).
    AtMost(f64),
    /// At or above the value (`atLeast`).
    AtLeast(f64),
}

impl Comparison {
    fn holds(&self, v: f64) -> bool {
        match *self {
            Comparison::LessThan(x) => v < x,
            Comparison::GreaterThan(x) => v > x,
            Comparison::Equals(x) => (v - x).abs() <= 1e-9 * x.abs().max(1.0),
            Comparison::AtMost(x) => v <= x,
            Comparison::AtLeast(x) => v >= x,
        }
    }
    fn parts(&self) -> (&'static str, f64) {
        match *self {
            Comparison::LessThan(x) => ("less than", x),
            Comparison::GreaterThan(x) => ("greater than", x),
            Comparison::Equals(x) => ("equal to", x),
            Comparison::AtMost(x) => ("at most", x),
            Comparison::AtLeast(x) => ("at least", x),
        }
    }
}

/// The aggregate metrics an expectation can bound (the names of `summary.json`'s metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Earliest Job creation to latest Job finish (a duration).
    Makespan,
    /// Pod wait (created → started) percentiles: p50, p90, p99, max (durations).
    WaitP50,
    /// The 90th percentile of pod waits.
    WaitP90,
    /// The 99th percentile of pod waits.
    WaitP99,
    /// The longest pod wait.
    WaitMax,
    /// Requested CPU-seconds over allocatable CPU-seconds (0–1).
    CpuUtilisation,
    /// Hours the nodes existed, summed over nodes (`summary.json`'s `nodeHours`).
    NodeHours,
    /// Pods succeeded per hour of the run.
    ThroughputPerHour,
    /// Pods created in the run.
    PodsCreated,
    /// Pods that succeeded.
    PodsSucceeded,
    /// Pods that failed.
    PodsFailed,
    /// Requested CPU-seconds of pods that failed.
    WastedCpuSeconds,
    /// The most pods running at once, over the whole cluster.
    MaxRunningPods,
    /// What the nodes cost by their pools' prices (only for a priced scenario).
    Cost,
    /// The share of the cost no pod's requests were charged for, 0–1 (only when priced).
    IdleShare,
}

impl Metric {
    /// Every metric with its name in `expect`.
    pub const ALL: [(&'static str, Metric); 15] = [
        ("makespan", Metric::Makespan),
        ("waitP50", Metric::WaitP50),
        ("waitP90", Metric::WaitP90),
        ("waitP99", Metric::WaitP99),
        ("waitMax", Metric::WaitMax),
        ("cpuUtilisation", Metric::CpuUtilisation),
        ("nodeHours", Metric::NodeHours),
        ("throughputPerHour", Metric::ThroughputPerHour),
        ("podsCreated", Metric::PodsCreated),
        ("podsSucceeded", Metric::PodsSucceeded),
        ("podsFailed", Metric::PodsFailed),
        ("wastedCpuSeconds", Metric::WastedCpuSeconds),
        ("maxRunningPods", Metric::MaxRunningPods),
        ("cost", Metric::Cost),
        ("idleShare", Metric::IdleShare),
    ];

    /// Its name in `expect` (`makespan`, `waitP50`, …).
    pub fn name(self) -> &'static str {
        Metric::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("?", |(n, _)| n)
    }

    /// Whether it needs node prices (`nodePools[].price`): an expectation of it on a
    /// scenario without prices is refused when the file loads.
    pub fn needs_prices(self) -> bool {
        matches!(self, Metric::Cost | Metric::IdleShare)
    }

    /// Whether its values are durations (compared in milliseconds, written `2h`).
    pub fn is_duration(self) -> bool {
        matches!(
            self,
            Metric::Makespan
                | Metric::WaitP50
                | Metric::WaitP90
                | Metric::WaitP99
                | Metric::WaitMax
        )
    }
}

/// What an expectation about one Job asks.
#[derive(Debug, Clone, PartialEq)]
pub enum JobCheck {
    /// It ends with this condition (`Complete`, `Failed`; also `Suspended`, `Running`),
    /// with this reason when given, within this long of its submission when given.
    Condition {
        /// The condition type (`Complete`, `Failed`, …).
        condition: String,
        /// The condition's reason, when the expectation names one.
        reason: Option<String>,
        /// The longest time from submission to the condition.
        within: Option<SimDuration>,
    },
    /// Its pods (or Jobs, for a CronJob) that succeeded.
    Succeeded(Count),
    /// Its pods (or Jobs, for a CronJob) that failed.
    Failed(Count),
    /// Pods created for it.
    Pods(Count),
    /// The most of its pods running at once.
    MaxRunning(Count),
    /// The number of distinct instants its pods were created at.
    Waves(Count),
    /// From each failed pod's finish (in whole seconds, as the controller reads it) to the
    /// creation of the next pod.
    RetryDelays(Vec<SimDuration>),
    /// Its `status.completedIndexes`, exactly (`"0-4"`).
    CompletedIndexes(String),
    /// Its `status.failedIndexes`, exactly.
    FailedIndexes(String),
}

/// What an expectation about one CronJob asks.
#[derive(Debug, Clone, PartialEq)]
pub enum CronJobCheck {
    /// Jobs it created.
    JobsCreated(Count),
    /// Its pods (or Jobs, for a CronJob) that succeeded.
    Succeeded(Count),
    /// Its pods (or Jobs, for a CronJob) that failed.
    Failed(Count),
    /// Schedule times skipped by its concurrency policy.
    Skipped(Count),
    /// Schedule times missed (past the starting deadline, or too many).
    Missed(Count),
    /// Schedule time → Job created, at the given percentile (50, 99 or 100 for max).
    CreateLag(u8, Comparison),
    /// Schedule time → first pod running.
    StartLag(u8, Comparison),
    /// Its `status.lastSuccessfulTime` at the end of the run is set and lies inside the
    /// window: at or before `before`, at or after `after`.
    LastSuccessful {
        /// The latest it may be.
        before: Option<TimePoint>,
        /// The earliest it may be.
        after: Option<TimePoint>,
    },
}

/// A moment named by an expectation: a duration since the scenario's start (`6h`) or a
/// wall-clock instant (`2026-01-05T06:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimePoint {
    /// This long after the start.
    Offset(SimDuration),
    /// This instant.
    Instant(jiff::Timestamp),
}

impl TimePoint {
    /// Milliseconds since `start` (negative for an instant before it).
    fn since(&self, start: jiff::Timestamp) -> i128 {
        match self {
            TimePoint::Offset(d) => i128::from(*d),
            TimePoint::Instant(t) => t.as_millisecond() as i128 - start.as_millisecond() as i128,
        }
    }
}

impl fmt::Display for TimePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimePoint::Offset(d) => write!(f, "{}", format_measured(*d)),
            TimePoint::Instant(t) => write!(f, "{t}"),
        }
    }
}

/// What is expected.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// An expectation about the Job called `name`.
    Job {
        /// The object's name.
        name: String,
        /// What is asked of it.
        check: JobCheck,
    },
    /// An expectation about the CronJob called `name`.
    CronJob {
        /// The object's name.
        name: String,
        /// What is asked of it.
        check: CronJobCheck,
    },
    /// A bound on one of the run's aggregate metrics.
    Metric {
        /// Which metric.
        metric: Metric,
        /// How it must compare.
        comparison: Comparison,
    },
    /// An event reason occurs a number of times (`times: 0` never), for objects matching
    /// `object` (`job/etl`, `pod/etl-*`) or any.
    Event {
        /// The event reason (`BackoffLimitExceeded`, …).
        reason: String,
        /// The object or `*` pattern the events are about; any when absent.
        object: Option<String>,
        /// How many times it must occur.
        times: Count,
    },
}

/// One checked entry of `spec.expect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// What is expected.
    pub check: Check,
    /// Across seeds: in at least `at_least` of `seeds` runs (seeds 1..=seeds).
    pub probability: Option<Probability>,
}

/// "In at least 95 % of 200 seeds".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probability {
    /// How many seeds are run.
    pub seeds: u64,
    /// The least share (0–1) of seeds in which the expectation must hold.
    pub at_least: f64,
}

/// The judgement of one expectation over one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Whether the expectation held.
    pub pass: bool,
    /// What was expected, as a sentence: `job/etl Complete within 2h`.
    pub expected: String,
    /// What the run measured: `completed at 2h13m04s`.
    pub measured: String,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = if self.pass { "PASS" } else { "FAIL" };
        write!(f, "{word} {}: {}", self.expected, self.measured)
    }
}

/// A duration for people, to the second or millisecond it was measured at: `2h13m04s`,
/// `49.020s`, `10s`, `850ms`.
pub fn format_measured(d: SimDuration) -> String {
    let ms = d % SECOND;
    let total_s = d / SECOND;
    let (h, m, s) = (total_s / 3600, total_s / 60 % 60, total_s % 60);
    let secs = if ms == 0 {
        format!("{s:02}s")
    } else {
        format!("{s:02}.{ms:03}s")
    };
    if h > 0 {
        format!("{h}h{m:02}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else if total_s == 0 && ms > 0 {
        format!("{ms}ms")
    } else if ms == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{ms:03}s")
    }
}

/// What a run must keep while it goes for its expectations to be judged: matching event
/// counts and, for Jobs whose pods are looked at, their pods' times. Wraps the run's sink
/// and forwards every record unchanged.
pub struct ExpectSink<'a> {
    inner: &'a mut dyn Sink,
    observed: Observed,
    /// Event expectations: (reason, object pattern), counted in `observed.events`.
    event_keys: Vec<(String, Option<String>)>,
    /// Jobs whose pods are kept (`None`: every Job's, for cluster-wide metrics).
    pod_jobs: PodFilter,
}

#[derive(Debug, Clone, PartialEq)]
enum PodFilter {
    None,
    Some(Vec<String>),
    All,
}

/// The times of one pod that expectations look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PodTimes {
    attempt: u32,
    index: Option<u32>,
    created: SimTime,
    started: Option<SimTime>,
    finished: Option<SimTime>,
    failed: bool,
}

/// What an [`ExpectSink`] saw go by.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    events: Vec<u64>,
    pods: BTreeMap<String, Vec<PodTimes>>,
}

impl<'a> ExpectSink<'a> {
    /// A sink that forwards to `inner` and keeps what `expectations` need.
    pub fn new(inner: &'a mut dyn Sink, expectations: &[Expectation]) -> ExpectSink<'a> {
        let mut event_keys = Vec::new();
        let mut pod_jobs = PodFilter::None;
        for e in expectations {
            match &e.check {
                Check::Event { reason, object, .. } => {
                    event_keys.push((reason.clone(), object.clone()))
                }
                Check::Job { name, check } => {
                    if matches!(
                        check,
                        JobCheck::MaxRunning(_) | JobCheck::Waves(_) | JobCheck::RetryDelays(_)
                    ) {
                        if let PodFilter::None = pod_jobs {
                            pod_jobs = PodFilter::Some(Vec::new());
                        }
                        if let PodFilter::Some(v) = &mut pod_jobs {
                            v.push(name.clone());
                        }
                    }
                }
                Check::Metric {
                    metric: Metric::MaxRunningPods,
                    ..
                } => pod_jobs = PodFilter::All,
                _ => {}
            }
        }
        let observed = Observed {
            events: vec![0; event_keys.len()],
            pods: BTreeMap::new(),
        };
        ExpectSink {
            inner,
            observed,
            event_keys,
            pod_jobs,
        }
    }

    /// What was seen, once the run is over.
    pub fn into_observed(self) -> Observed {
        self.observed
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

impl Sink for ExpectSink<'_> {
    fn event(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError> {
        self.inner.event(record)
    }

    fn events_mode(&self) -> crate::record::EventsMode {
        self.inner.events_mode()
    }

    /// Event expectations count every event as it happened, also those the event
    /// correlator merges into one Event object or drops.
    fn emitted(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError> {
        if !self.event_keys.is_empty() {
            let mut object: Option<String> = None;
            for (i, (reason, pattern)) in self.event_keys.iter().enumerate() {
                if reason != record.reason.as_str() {
                    continue;
                }
                let hit = match pattern {
                    None => true,
                    Some(p) => {
                        let o = object.get_or_insert_with(|| record.object.to_string());
                        glob_match(p, o)
                    }
                };
                if hit {
                    self.observed.events[i] += 1;
                }
            }
        }
        self.inner.emitted(record)
    }

    fn pod(&mut self, record: &PodRecord<'_>) -> Result<(), SinkError> {
        let keep = match &self.pod_jobs {
            PodFilter::None => false,
            PodFilter::All => true,
            PodFilter::Some(jobs) => jobs.iter().any(|j| j == record.job),
        };
        if keep {
            self.observed
                .pods
                .entry(record.job.to_string())
                .or_default()
                .push(PodTimes {
                    attempt: record.attempt,
                    index: record.index,
                    created: record.created,
                    started: record.started,
                    finished: record.finished,
                    failed: record.phase == "Failed",
                });
        }
        self.inner.pod(record)
    }

    fn job(&mut self, record: &JobRecord<'_>) -> Result<(), SinkError> {
        self.inner.job(record)
    }
}

/// The most of `pods` running at once (started, not yet finished; a pod still running
/// counts up to the end).
fn max_running<'p>(pods: impl Iterator<Item = &'p PodTimes>) -> u64 {
    let mut edges: Vec<(SimTime, i64)> = Vec::new();
    for p in pods {
        if let Some(s) = p.started {
            edges.push((s, 1));
            if let Some(f) = p.finished {
                edges.push((f, -1));
            }
        }
    }
    // Ends before starts at the same instant: a pod replacing another is not an overlap.
    edges.sort_unstable();
    let (mut now, mut max) = (0i64, 0i64);
    for (_, d) in edges {
        now += d;
        max = max.max(now);
    }
    max as u64
}

/// What an expectation asks, as a sentence: `job/etl Complete within 2h`.
pub fn describe(check: &Check) -> String {
    match check {
        Check::Job { name, check } => {
            let what = match check {
                JobCheck::Condition {
                    condition,
                    reason,
                    within,
                } => {
                    let mut s = condition.clone();
                    if let Some(r) = reason {
                        s.push_str(&format!(" ({r})"));
                    }
                    if let Some(w) = within {
                        s.push_str(&format!(" within {}", format_measured(*w)));
                    }
                    s
                }
                JobCheck::Succeeded(c) => format!("succeeded {c}"),
                JobCheck::Failed(c) => format!("failed {c}"),
                JobCheck::Pods(c) => format!("pods {c}"),
                JobCheck::MaxRunning(c) => format!("pods running at once {c}"),
                JobCheck::Waves(c) => format!("pods created in {c} waves"),
                JobCheck::RetryDelays(want) => format!("retries after [{}]", list(want)),
                JobCheck::CompletedIndexes(s) => format!("completedIndexes {s:?}"),
                JobCheck::FailedIndexes(s) => format!("failedIndexes {s:?}"),
            };
            format!("job/{name} {what}")
        }
        Check::CronJob { name, check } => {
            let what = match check {
                CronJobCheck::JobsCreated(n) => format!("Jobs created {n}"),
                CronJobCheck::Succeeded(n) => format!("Jobs succeeded {n}"),
                CronJobCheck::Failed(n) => format!("Jobs failed {n}"),
                CronJobCheck::Skipped(n) => format!("times skipped {n}"),
                CronJobCheck::Missed(n) => format!("times missed {n}"),
                CronJobCheck::CreateLag(p, cmp) => lag_sentence("create lag", *p, cmp),
                CronJobCheck::StartLag(p, cmp) => lag_sentence("start lag", *p, cmp),
                CronJobCheck::LastSuccessful { before, after } => {
                    let mut s = "last successful".to_string();
                    if let Some(a) = after {
                        s.push_str(&format!(" after {a}"));
                    }
                    if let Some(b) = before {
                        if after.is_some() {
                            s.push_str(" and");
                        }
                        s.push_str(&format!(" before {b}"));
                    }
                    s
                }
            };
            format!("cronjob/{name} {what}")
        }
        Check::Metric { metric, comparison } => {
            let (words, limit) = comparison.parts();
            format!(
                "{} {words} {}",
                metric.name(),
                format_value(metric.is_duration(), limit)
            )
        }
        Check::Event {
            reason,
            object,
            times,
        } => {
            let on = object
                .as_deref()
                .map_or(String::new(), |o| format!(" on {o}"));
            if times.equals == Some(0) {
                format!("event {reason}{on} never occurs")
            } else {
                format!("event {reason}{on} occurs {times} times")
            }
        }
    }
}

fn list(v: &[SimDuration]) -> String {
    v.iter()
        .map(|d| format_measured(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lag_label(pct: u8) -> String {
    if pct >= 100 {
        "max".to_string()
    } else {
        format!("p{pct}")
    }
}

fn lag_sentence(what: &str, pct: u8, cmp: &Comparison) -> String {
    let (words, limit) = cmp.parts();
    format!(
        "{what} {} {words} {}",
        lag_label(pct),
        format_value(true, limit)
    )
}

/// Whether an expectation held, and what was measured.
type Judged = (bool, String);

fn judge_count(what: &str, count: &Count, n: u64) -> Judged {
    (count.holds(n), format!("{what} {n}"))
}

fn judge_job(name: &str, check: &JobCheck, job: Option<&JobResult>, seen: &Observed) -> Judged {
    let Some(job) = job else {
        return (false, "the Job was never created".to_string());
    };
    let pods = seen.pods.get(name).map(Vec::as_slice).unwrap_or(&[]);
    match check {
        JobCheck::Condition {
            condition,
            reason,
            within,
        } => {
            let took = job.finished.map(|f| f - job.created);
            let pass = job.outcome == condition
                && reason.as_ref().is_none_or(|r| *r == job.reason)
                && within.is_none_or(|w| took.is_some_and(|t| t <= w));
            let measured = match (job.outcome, took) {
                (outcome, Some(t)) => {
                    let verb = match outcome {
                        "Complete" => "completed".to_string(),
                        "Failed" => "failed".to_string(),
                        other => other.to_lowercase(),
                    };
                    if job.reason.is_empty() || job.outcome == condition && reason.is_none() {
                        format!("{verb} at {}", format_measured(t))
                    } else {
                        format!("{verb} ({}) at {}", job.reason, format_measured(t))
                    }
                }
                (outcome, None) => format!("still {outcome} when the run ended"),
            };
            (pass, measured)
        }
        JobCheck::Succeeded(c) => judge_count("succeeded", c, job.succeeded as u64),
        JobCheck::Failed(c) => judge_count("failed", c, job.failed as u64),
        JobCheck::Pods(c) => judge_count("pods", c, u64::from(job.pods)),
        JobCheck::MaxRunning(c) => {
            let n = max_running(pods.iter());
            (c.holds(n), format!("at most {n} at once"))
        }
        JobCheck::Waves(c) => {
            let mut times: Vec<SimTime> = pods.iter().map(|p| p.created).collect();
            times.sort_unstable();
            times.dedup();
            let n = times.len() as u64;
            (
                c.holds(n),
                format!("{n} wave{}", if n == 1 { "" } else { "s" }),
            )
        }
        JobCheck::RetryDelays(want) => {
            let got = retry_delays(pods);
            (got == *want, format!("retried after [{}]", list(&got)))
        }
        JobCheck::CompletedIndexes(want) => {
            let got = job.completed_indexes.clone().unwrap_or_default();
            (got == *want, format!("completedIndexes {got:?}"))
        }
        JobCheck::FailedIndexes(want) => {
            let got = job.failed_indexes.clone().unwrap_or_default();
            (got == *want, format!("failedIndexes {got:?}"))
        }
    }
}

/// From each failed pod's finish, truncated to the second as the controller reads it, to
/// the next pod's creation (per index for Indexed Jobs), in attempt order.
fn retry_delays(pods: &[PodTimes]) -> Vec<SimDuration> {
    let mut by_index: BTreeMap<Option<u32>, Vec<&PodTimes>> = BTreeMap::new();
    for p in pods {
        by_index.entry(p.index).or_default().push(p);
    }
    let mut delays = Vec::new();
    for list in by_index.values_mut() {
        list.sort_by_key(|p| (p.attempt, p.created));
        for w in list.windows(2) {
            if let (true, Some(f)) = (w[0].failed, w[0].finished) {
                let f_s = f / SECOND * SECOND;
                delays.push(w[1].created.saturating_sub(f_s));
            }
        }
    }
    delays
}

fn format_value(metric_is_duration: bool, v: f64) -> String {
    if metric_is_duration {
        format_measured(v.max(0.0) as SimDuration)
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn judge_metric(metric: Metric, cmp: &Comparison, r: &RunResult, seen: &Observed) -> Judged {
    let m = &r.metrics;
    let value: Option<f64> = match metric {
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
        Metric::MaxRunningPods => Some(max_running(seen.pods.values().flatten()) as f64),
        Metric::Cost => m.cost,
        Metric::IdleShare => m.idle_share,
    };
    match value {
        Some(v) => (
            cmp.holds(v),
            format!(
                "{} {}",
                metric.name(),
                format_value(metric.is_duration(), v)
            ),
        ),
        None if metric.needs_prices() => (
            false,
            format!("no {}: the node pools have no price", metric.name()),
        ),
        None => (
            false,
            format!("no {}: not every Job finished", metric.name()),
        ),
    }
}

fn judge_cronjob(name: &str, check: &CronJobCheck, r: &RunResult) -> Judged {
    let Some(cj) = r.cronjobs.iter().find(|c| c.name == name) else {
        return (false, "the CronJob was never created".to_string());
    };
    let c = &cj.counts;
    let lag = |pct: u8, cmp: &Comparison, what: &str, lags: Option<[u64; 3]>| {
        let slot = match pct {
            50 => 0,
            99 => 1,
            _ => 2,
        };
        match lags {
            Some(l) => (
                cmp.holds(l[slot] as f64),
                format!("{what} {} {}", lag_label(pct), format_measured(l[slot])),
            ),
            None => (false, "no Job was created".to_string()),
        }
    };
    match check {
        CronJobCheck::JobsCreated(n) => judge_count("Jobs created", n, c.jobs_created),
        CronJobCheck::Succeeded(n) => judge_count("Jobs succeeded", n, c.succeeded),
        CronJobCheck::Failed(n) => judge_count("Jobs failed", n, c.failed),
        CronJobCheck::Skipped(n) => judge_count("times skipped", n, c.skipped),
        CronJobCheck::Missed(n) => judge_count("times missed", n, c.missed + c.missed_deadline),
        CronJobCheck::CreateLag(p, cmp) => lag(*p, cmp, "create lag", cj.create_lag_ms),
        CronJobCheck::StartLag(p, cmp) => lag(*p, cmp, "start lag", cj.start_lag_ms),
        CronJobCheck::LastSuccessful { before, after } => match cj.last_successful {
            None => (false, "no Job of it succeeded".to_string()),
            Some(t) => {
                let at = i128::from(t);
                let pass = before.is_none_or(|b| at <= b.since(r.start))
                    && after.is_none_or(|a| at >= a.since(r.start));
                (
                    pass,
                    format!(
                        "last successful at {} ({})",
                        format_measured(t),
                        cj.last_successful_time.as_deref().unwrap_or("?")
                    ),
                )
            }
        },
    }
}

/// Whether one expectation held over one run (a probability aside: see [`seeds`]).
/// `events` is the count an [`ExpectSink`] kept for it, for an event expectation.
fn judge(e: &Expectation, r: &RunResult, seen: &Observed, events: u64) -> Judged {
    match &e.check {
        Check::Job { name, check } => {
            // The scenario's Job of that name (the latest one, should a name come back).
            let job = r.jobs.iter().rev().find(|j| j.name == *name);
            judge_job(name, check, job, seen)
        }
        Check::CronJob { name, check } => judge_cronjob(name, check, r),
        Check::Metric { metric, comparison } => judge_metric(*metric, comparison, r, seen),
        Check::Event { times, .. } => (times.holds(events), format!("occurred {events} times")),
    }
}

/// Judges every expectation over one run, in order, each as if it held for one seed
/// (`probability` is judged by [`seeds::judge_across_seeds`]).
pub fn evaluate(expectations: &[Expectation], r: &RunResult, seen: &Observed) -> Vec<Verdict> {
    let mut event_slot = 0;
    expectations
        .iter()
        .map(|e| {
            let mut events = 0;
            if let Check::Event { .. } = e.check {
                events = seen.events.get(event_slot).copied().unwrap_or(0);
                event_slot += 1;
            }
            let (pass, measured) = judge(e, r, seen, events);
            Verdict {
                pass,
                expected: describe(&e.check),
                measured,
            }
        })
        .collect()
}

/// Simulates `scenario` into `sink` (as [`crate::world::simulate_observed`] does) and
/// judges its expectations, in their order: those that hold across seeds are run again
/// once per seed (`seeds` overrides their count) on the current rayon pool.
pub fn simulate_and_judge(
    scenario: &Scenario,
    sink: &mut dyn Sink,
    horizon: Option<SimTime>,
    seeds: Option<u64>,
    progress: &mut dyn FnMut(&crate::Progress) -> std::ops::ControlFlow<()>,
) -> (Result<RunResult, crate::SimulateError>, Vec<Verdict>) {
    let mut wrapped = ExpectSink::new(sink, &scenario.expect);
    let result = crate::world::simulate_observed(scenario, &mut wrapped, horizon, progress);
    let seen = wrapped.into_observed();
    let result = match result {
        Ok(result) => result,
        // A run that did not end has no verdicts.
        Err(e) => return (Err(e), Vec::new()),
    };
    let mut verdicts = evaluate(&scenario.expect, &result, &seen);
    for (e, v) in scenario.expect.iter().zip(verdicts.iter_mut()) {
        if e.probability.is_some() {
            *v = seeds::judge_across_seeds(scenario, e, seeds);
        }
    }
    (Ok(result), verdicts)
}

#[cfg(test)]
mod tests;
