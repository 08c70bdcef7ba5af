//! `jobsim explain`: why each pod of a run exists and how it ended, in plain words, from the
//! records of the output directory — the causal chain with the Kubernetes rule behind each
//! step, its arithmetic (recreation backoff, backoffLimit) and a link to the upstream
//! documentation. `report.html` shows the same text when a pod bar is clicked.
//!
//! It reads the why-columns of `pods.csv` (`created_for`, `replaces`, `ended_by`, `counted`,
//! `rule`, `restart_times`), `jobs.csv`, the Job and CronJob events of `events.csv` and the
//! specs in `objects.json`. It restates the rules of the reference; it never re-simulates:
//! where the records do not say (a folder written before the why-columns), it says so.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

use super::ReportError;
use super::records::{RestartMark, parse_restart_times};
use crate::record::schema::{
    CronJobSummary, EventRow, JobRow, MetricsAsWritten, ObjectList, PodRow, Summary, read_csv_rows,
    seconds_to_ms,
};
use crate::time::{SimTime, seconds_str};

/// The Job controller's documentation page.
const JOB_DOC: &str = "https://kubernetes.io/docs/concepts/workloads/controllers/job/";
/// The CronJob documentation page.
const CRONJOB_DOC: &str = "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/";
/// The pod lifecycle page (restarts, phases, deadlines).
const POD_DOC: &str = "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/";

/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`, seconds.
const BACKOFF_BASE_S: u64 = 10;
const BACKOFF_MAX_S: u64 = 600;

/// Pods whose chain `report.html` embeds at most (the page stays small).
pub const EMBEDDED_EXPLANATIONS: usize = 500;

/// The records `explain` reads.
#[derive(Debug, Default)]
pub struct ExplainRecords {
    /// Every row of `pods.csv`.
    pub pods: Vec<PodRow>,
    /// Every row of `jobs.csv`.
    pub jobs: Vec<JobRow>,
    /// The events about Jobs and CronJobs, in time order.
    pub events: Vec<EventRow>,
    /// `spec` of each Job and CronJob still in `objects.json`, by `kind/name`.
    pub specs: BTreeMap<String, Value>,
    /// True when `pods.csv` has the why-columns.
    pub has_why: bool,
    /// `metadata.creationTimestamp` of each Job and CronJob still in `objects.json`, by
    /// `kind/name`.
    pub created: BTreeMap<String, String>,
    /// The CronJobs of `summary.json` (schedule, zone, policy, counters, suspensions).
    pub cronjobs: Vec<CronJobSummary>,
    /// `start` of `summary.json`: the wall-clock instant of t = 0.
    pub start: Option<jiff::Timestamp>,
    /// The end of the run (`endSeconds` of `summary.json`), milliseconds.
    pub end: Option<SimTime>,
}

/// Reads what `explain` needs from a run's output directory.
pub fn load(out_dir: &Path) -> Result<ExplainRecords, ReportError> {
    let csv_error = |path: &Path, e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        match e.into_kind() {
            csv::ErrorKind::Io(source) if source.kind() == std::io::ErrorKind::NotFound => {
                ReportError::Missing {
                    path: path.to_path_buf(),
                }
            }
            csv::ErrorKind::Io(source) => ReportError::Csv {
                path: path.to_path_buf(),
                line,
                message: source.to_string(),
            },
            kind => ReportError::Csv {
                path: path.to_path_buf(),
                line,
                message: format!("{kind:?}"),
            },
        }
    };
    let pods_path = out_dir.join("pods.csv");
    let pods: Vec<PodRow> = read_csv_rows(&pods_path).map_err(|e| csv_error(&pods_path, e))?;
    let has_why = crate::record::schema::RowLimit::open(&pods_path)
        .ok()
        .map(csv::Reader::from_reader)
        .and_then(|mut r| r.headers().ok().map(|h| h.iter().any(|c| c == "ended_by")))
        .unwrap_or(false);
    let optional_rows = |name: &str| -> Result<Option<std::path::PathBuf>, ReportError> {
        let path = out_dir.join(name);
        Ok(path.is_file().then_some(path))
    };
    let jobs = match optional_rows("jobs.csv")? {
        Some(path) => read_csv_rows(&path).map_err(|e| csv_error(&path, e))?,
        None => Vec::new(),
    };
    let mut events = Vec::new();
    if let Some(path) = optional_rows("events.csv")? {
        let rows =
            crate::record::schema::RowLimit::open(&path).map_err(|e| csv_error(&path, e.into()))?;
        let mut reader = csv::Reader::from_reader(rows);
        for row in reader.deserialize::<EventRow>() {
            let row = row.map_err(|e| csv_error(&path, e))?;
            if matches!(row.kind(), "job" | "cronjob") {
                events.push(row);
            }
        }
    }
    let mut specs = BTreeMap::new();
    let mut created = BTreeMap::new();
    let objects_path = out_dir.join("objects.json");
    if objects_path.is_file() {
        let text = std::fs::read_to_string(&objects_path).map_err(|source| ReportError::Io {
            path: objects_path.clone(),
            source,
        })?;
        let list: ObjectList = serde_json::from_str(&text).map_err(|source| ReportError::Json {
            path: objects_path.clone(),
            source,
        })?;
        for item in list.items {
            let value = serde_json::to_value(&item).unwrap_or(Value::Null);
            let kind = value["kind"].as_str().unwrap_or("").to_ascii_lowercase();
            let name = value["metadata"]["name"].as_str().unwrap_or("").to_string();
            if let Some(t) = value["metadata"]["creationTimestamp"].as_str() {
                created.insert(format!("{kind}/{name}"), t.to_string());
            }
            specs.insert(format!("{kind}/{name}"), value["spec"].clone());
        }
    }
    let (mut cronjobs, mut start, mut end) = (Vec::new(), None, None);
    let summary_path = out_dir.join("summary.json");
    if summary_path.is_file() {
        let text = std::fs::read_to_string(&summary_path).map_err(|source| ReportError::Io {
            path: summary_path.clone(),
            source,
        })?;
        let summary: Summary<MetricsAsWritten> =
            serde_json::from_str(&text).map_err(|source| ReportError::Json {
                path: summary_path.clone(),
                source,
            })?;
        start = summary.start.parse().ok();
        end = summary.end_seconds.and_then(seconds_to_ms);
        cronjobs = summary.cronjobs;
    }
    Ok(ExplainRecords {
        pods,
        jobs,
        events,
        specs,
        has_why,
        created,
        cronjobs,
        start,
        end,
    })
}

/// What `explain` was asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `job/NAME`.
    Job(String),
    /// `pod/NAME`.
    Pod(String),
    /// `cronjob/NAME`.
    CronJob(String),
}

impl Target {
    /// Reads `job/NAME`, `pod/NAME` or `cronjob/NAME` (also `jobs/`, `pods/`, `cronjobs/`
    /// and `cj/`, as kubectl accepts them).
    pub fn parse(text: &str) -> Option<Target> {
        let (kind, name) = text.split_once('/')?;
        if name.is_empty() {
            return None;
        }
        let name = name.to_string();
        match kind.to_ascii_lowercase().as_str() {
            "job" | "jobs" => Some(Target::Job(name)),
            "pod" | "pods" | "po" => Some(Target::Pod(name)),
            "cronjob" | "cronjobs" | "cj" => Some(Target::CronJob(name)),
            _ => None,
        }
    }
}

/// The object asked about is not in the records: what exists instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// What was asked, as `kind/name`.
    pub asked: String,
    /// `kind/name` of the objects that exist (the first ones of each kind).
    pub existing: Vec<String>,
    /// How many more exist than are listed.
    pub more: usize,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not in these records", self.asked)?;
        if self.existing.is_empty() {
            return write!(f, "; they hold no Jobs, pods or CronJobs");
        }
        write!(f, "; they hold: {}", self.existing.join(", "))?;
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for NotFound {}

/// The explanation of `target`, or what exists when it does not.
pub fn explain(r: &ExplainRecords, target: &Target) -> Result<String, NotFound> {
    let text = match target {
        Target::Pod(name) => r
            .pods
            .iter()
            .position(|p| &p.pod == name)
            .map(|i| explain_pod(r, i)),
        Target::Job(name) => job_names(r)
            .contains(&name.as_str())
            .then(|| explain_job(r, name)),
        Target::CronJob(name) => cronjob_names(r)
            .contains(&name.as_str())
            .then(|| explain_cronjob(r, name)),
    };
    text.ok_or_else(|| not_found(r, target))
}

fn job_names(r: &ExplainRecords) -> Vec<&str> {
    let mut names: Vec<&str> = r.jobs.iter().map(|j| j.job.as_str()).collect();
    for p in &r.pods {
        if !names.contains(&p.job.as_str()) {
            names.push(&p.job);
        }
    }
    names
}

fn cronjob_names(r: &ExplainRecords) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let owners = r.jobs.iter().filter_map(|j| j.owner.as_deref());
    let events = r.events.iter().filter(|e| e.kind() == "cronjob");
    for name in owners
        .filter_map(|o| o.strip_prefix("cronjob/"))
        .chain(events.map(EventRow::name))
        .chain(r.specs.keys().filter_map(|k| k.strip_prefix("cronjob/")))
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn not_found(r: &ExplainRecords, target: &Target) -> NotFound {
    const LISTED: usize = 20;
    let (asked, kind, all): (String, &str, Vec<&str>) = match target {
        Target::Pod(n) => (
            format!("pod/{n}"),
            "pod",
            r.pods.iter().map(|p| p.pod.as_str()).collect(),
        ),
        Target::Job(n) => (format!("job/{n}"), "job", job_names(r)),
        Target::CronJob(n) => (format!("cronjob/{n}"), "cronjob", cronjob_names(r)),
    };
    let mut existing: Vec<String> = all
        .iter()
        .take(LISTED)
        .map(|n| format!("{kind}/{n}"))
        .collect();
    let mut more = all.len().saturating_sub(LISTED);
    // Also name the other kinds, so a wrong kind is easy to spot.
    for (other, names) in [
        ("job", job_names(r)),
        ("cronjob", cronjob_names(r)),
        ("pod", r.pods.iter().map(|p| p.pod.as_str()).collect()),
    ] {
        if other != kind {
            existing.extend(names.iter().take(5).map(|n| format!("{other}/{n}")));
            more += names.len().saturating_sub(5);
        }
    }
    NotFound {
        asked,
        existing,
        more,
    }
}

fn s(t: SimTime) -> String {
    format!("{} s", seconds_str(t))
}

fn whole(t: SimTime) -> SimTime {
    t / 1000 * 1000
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A Job's spec value at `pointer`, when the Job is still in `objects.json`.
fn spec<'a>(r: &'a ExplainRecords, job: &str, pointer: &str) -> Option<&'a Value> {
    r.specs.get(&format!("job/{job}"))?.pointer(pointer)
}

/// The ends that are failures of the pod itself, as the recreation backoff sees them.
fn is_failure(p: &PodRow) -> bool {
    match p.ended_by.as_str() {
        "failed" | "oom-killed" | "pod-deadline" | "evicted" | "node-lost" => true,
        "" => p.phase == "Failed" && p.reason != "Deleted",
        _ => p.counted == "failed",
    }
}

fn is_success(p: &PodRow) -> bool {
    p.phase == "Succeeded" && !p.ended_by.starts_with("deleted")
}

/// The recreation backoff in force when `pod` was created: the failures since the last
/// success that finished before it, per index under `backoffLimitPerIndex`.
struct Backoff {
    /// Failures counted by the backoff (since the last success).
    n: u64,
    /// The latest of them, as it finished (milliseconds) and in whole seconds.
    latest: SimTime,
    delay_s: u64,
}

fn backoff_before(r: &ExplainRecords, pod: &PodRow, per_index: bool) -> Option<Backoff> {
    let created = pod.created;
    let same =
        |p: &&PodRow| p.job == pod.job && (!per_index || p.index == pod.index) && p.pod != pod.pod;
    let done = |p: &&PodRow| p.finished.is_some_and(|f| f < created);
    let last_success = r
        .pods
        .iter()
        .filter(same)
        .filter(done)
        .filter(|p| is_success(p))
        .filter_map(|p| p.finished.map(whole))
        .max();
    let failures: Vec<SimTime> = r
        .pods
        .iter()
        .filter(same)
        .filter(done)
        .filter(|p| is_failure(p))
        .filter_map(|p| p.finished)
        .filter(|&f| last_success.is_none_or(|s| whole(f) > s))
        .collect();
    let n = failures.len() as u64;
    let latest = failures.into_iter().max()?;
    let delay_s = (BACKOFF_BASE_S << (n - 1).min(16)).min(BACKOFF_MAX_S);
    Some(Backoff { n, latest, delay_s })
}

/// The failed pods of `pod`'s Job the Job counted, finished before `t`.
fn counted_failures_before(r: &ExplainRecords, job: &str, t: SimTime) -> usize {
    r.pods
        .iter()
        .filter(|p| p.job == job && p.counted == "failed")
        .filter(|p| p.finished.is_some_and(|f| f < t))
        .count()
}

/// The causal chain of one pod (its position in `r.pods`).
pub fn explain_pod(r: &ExplainRecords, i: usize) -> String {
    let pod = &r.pods[i];
    let mut out = String::new();
    let index = pod
        .index
        .map(|i| format!(", completion index {i}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "pod/{}: attempt {} of Job {}{index}",
        pod.pod, pod.attempt, pod.job
    );
    if !r.has_why {
        out.push_str(
            "  (these records were written before pods.csv had the why-columns: only times and phases are known)\n",
        );
    }
    created_line(r, pod, &mut out);
    match (pod.scheduled, &pod.node) {
        (Some(t), Some(node)) => {
            let _ = write!(out, "- scheduled at {} on {node}", s(t));
            match pod.started {
                Some(started) => {
                    let _ = writeln!(out, "; containers running from {}.", s(started));
                }
                None => out.push_str("; its containers never started.\n"),
            }
        }
        _ => out.push_str("- never scheduled (it waited for capacity or was deleted first).\n"),
    }
    restarts_line(r, pod, &mut out);
    ended_line(r, pod, &mut out);
    counted_line(r, pod, &mut out);
    out
}

fn created_line(r: &ExplainRecords, pod: &PodRow, out: &mut String) {
    let at = s(pod.created);
    let replaced = pod
        .replaces
        .as_deref()
        .and_then(|name| r.pods.iter().find(|p| p.pod == name));
    let per_index = spec(r, &pod.job, "/backoffLimitPerIndex").is_some();
    let parallelism = spec(r, &pod.job, "/parallelism").and_then(Value::as_i64);
    let completions = spec(r, &pod.job, "/completions").and_then(Value::as_i64);
    let shape = match (parallelism, completions) {
        (Some(p), Some(c)) => format!(" (parallelism {p}, completions {c})"),
        (Some(p), None) => format!(" (parallelism {p})"),
        _ => String::new(),
    };
    match pod.created_for.as_str() {
        "initial" => {
            let _ = writeln!(
                out,
                "- created at {at}: the Job's first pods. Rule: the Job controller syncs at once when a Job is created (or resumed) and creates as many pods as it needs now — up to parallelism, no more than the completions still missing{shape}.\n  {JOB_DOC}#parallel-execution-for-jobs"
            );
        }
        "replaces-failed" | "replaces-disrupted" => {
            let how = match replaced {
                Some(p) => format!(
                    "replaces pod {}, which {} at {}",
                    p.pod,
                    ended_words(p),
                    p.finished.map(s).unwrap_or_else(|| "?".into())
                ),
                None => format!(
                    "replaces pod {}",
                    pod.replaces.as_deref().unwrap_or("(not recorded)")
                ),
            };
            let _ = write!(out, "- created at {at}: {how}.");
            match backoff_before(r, pod, per_index && pod.index.is_some()) {
                Some(b) => {
                    let scope = if per_index && pod.index.is_some() {
                        "of this index (backoffLimitPerIndex: each index backs off on its own)"
                    } else {
                        "since the last success"
                    };
                    let allowed = whole(b.latest) + b.delay_s * 1000;
                    let _ = write!(
                        out,
                        " The {} failure {scope} at {} (finished {} s, whole second) set a {} s backoff (10 s × 2^({}−1){}): no pod before {} s + {} s = {}.",
                        ordinal(b.n),
                        s(b.latest),
                        whole(b.latest) / 1000,
                        b.delay_s,
                        b.n,
                        if b.delay_s == BACKOFF_MAX_S {
                            ", capped at 600 s"
                        } else {
                            ""
                        },
                        whole(b.latest) / 1000,
                        b.delay_s,
                        s(allowed)
                    );
                    if pod.created > allowed {
                        let _ = write!(
                            out,
                            " It came at {at}: the next sync after the backoff (syncs are batched 1 s after a pod change)."
                        );
                    }
                }
                None => out.push_str(" No failure before it was left in the backoff record."),
            }
            backoff_limit_words(r, pod, out);
            let _ = writeln!(
                out,
                "\n  Rule: after a failed pod the Job controller waits 10 s × 2^(n−1), capped at 600 s, from the latest failure's finish time (whole seconds), n = failures since the last success; a success resets it.\n  {JOB_DOC}#pod-backoff-failure-policy"
            );
        }
        "replaces-deleted" => {
            let how = match replaced {
                Some(p) => format!(
                    "replaces pod {}, which was {} at {}",
                    p.pod,
                    ended_words(p),
                    p.finished.map(s).unwrap_or_else(|| "?".into())
                ),
                None => "replaces a deleted pod".to_string(),
            };
            let resumed = r
                .events
                .iter()
                .filter(|e| e.object == format!("job/{}", pod.job) && e.reason == "Resumed")
                .filter(|e| e.time <= pod.created)
                .map(|e| e.time)
                .next_back();
            let _ = write!(out, "- created at {at}: {how}.");
            if replaced.is_some_and(|p| p.ended_by == "deleted-suspend") {
                if let Some(t) = resumed {
                    let _ = write!(out, " The Job was resumed at {}.", s(t));
                }
                let _ = writeln!(
                    out,
                    " Rule: resuming a suspended Job makes the controller create the pods it needs again; the pods the suspension deleted were not failures, so no backoff applies and backoffLimit is untouched.\n  {JOB_DOC}#suspending-a-job"
                );
            } else {
                let _ = writeln!(
                    out,
                    " Rule: a deleted pod that did not succeed leaves a missing pod, which the next sync creates again.\n  {JOB_DOC}#pod-replacement-policy"
                );
            }
        }
        "next-completion" => {
            let _ = writeln!(
                out,
                "- created at {at}: a pod succeeded but more completions are needed{shape}. Rule: the controller keeps up to parallelism pods active until succeeded reaches completions.\n  {JOB_DOC}#parallel-execution-for-jobs"
            );
        }
        "free-index" => {
            let _ = writeln!(
                out,
                "- created at {at}: completion index {} had no pod{shape}. Rule: an Indexed Job creates pods for the lowest indexes neither succeeded nor held by a pod, up to parallelism active pods.\n  {JOB_DOC}#completion-mode",
                pod.index.map_or("?".to_string(), |i| i.to_string())
            );
        }
        "scale-up" => {
            let _ = writeln!(
                out,
                "- created at {at}: the Job wanted more active pods than it had{shape}. Rule: each sync creates the difference between the pods wanted and the pods active.\n  {JOB_DOC}#controlling-parallelism"
            );
        }
        _ => {
            let _ = writeln!(out, "- created at {at}.");
        }
    }
}

fn backoff_limit_words(r: &ExplainRecords, pod: &PodRow, out: &mut String) {
    let Some(limit) = spec(r, &pod.job, "/backoffLimit").and_then(Value::as_i64) else {
        return;
    };
    let on_failure = spec(r, &pod.job, "/template/spec/restartPolicy").and_then(Value::as_str)
        == Some("OnFailure");
    if on_failure {
        let _ = write!(
            out,
            " backoffLimit {limit} also counts container restarts (restartPolicy OnFailure)."
        );
        return;
    }
    let failed = counted_failures_before(r, &pod.job, pod.created) as i64;
    if failed <= limit {
        let _ = write!(
            out,
            " backoffLimit {limit} not yet exceeded (failed {failed} ≤ {limit})."
        );
    }
}

fn ended_words(p: &PodRow) -> String {
    match p.ended_by.as_str() {
        "succeeded" => "succeeded".into(),
        "failed" => format!(
            "failed (exit code {}, {})",
            p.exit_code.unwrap_or(0),
            p.reason
        ),
        "oom-killed" => "was OOMKilled".into(),
        "pod-deadline" => "ran past its activeDeadlineSeconds".into(),
        "evicted" => "was evicted".into(),
        "node-lost" => "lost its node".into(),
        "deleted-suspend" => "deleted on suspend".into(),
        "deleted-success-policy" => "deleted when the success policy was met".into(),
        "deleted-job-failed" => "deleted as the Job failed".into(),
        "deleted-job-deadline" => "deleted at the Job's deadline".into(),
        "deleted-surplus" => "deleted as surplus".into(),
        "deleted-cronjob-replace" => "deleted with its Job (CronJob Replace)".into(),
        "deleted" => "deleted".into(),
        _ => format!("ended {} ({})", p.phase, p.reason),
    }
}

fn restarts_line(r: &ExplainRecords, pod: &PodRow, out: &mut String) {
    let restarts: Vec<RestartMark> = parse_restart_times(&pod.restart_times).unwrap_or_default();
    if restarts.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "- restarted in place {} time{} (restartPolicy OnFailure: the kubelet restarts the container inside the same pod):",
        restarts.len(),
        if restarts.len() == 1 { "" } else { "s" }
    );
    for (k, m) in restarts.iter().enumerate() {
        let _ = write!(
            out,
            "{} exit {} at {} → started again at {} (crash-loop wait {})",
            if k == 0 { "" } else { ";" },
            m.exit_code,
            s(m.exited),
            s(m.restarted),
            s(m.restarted.saturating_sub(m.exited))
        );
    }
    let on_failure_limit = spec(r, &pod.job, "/backoffLimit").and_then(Value::as_i64);
    let _ = writeln!(
        out,
        ".\n  Rule: the first restart is immediate, then the wait starts at 10 s and doubles to 300 s (back to 10 s after 10 min without a restart){}.\n  {POD_DOC}#container-restarts",
        on_failure_limit
            .map(|l| format!("; the Job counts these restarts against backoffLimit {l}"))
            .unwrap_or_default()
    );
}

fn ended_line(r: &ExplainRecords, pod: &PodRow, out: &mut String) {
    let Some(at) = pod.finished.map(s) else {
        out.push_str("- still running when the run ended.\n");
        return;
    };
    let job_reason = r
        .jobs
        .iter()
        .find(|j| j.job == pod.job)
        .map(|j| j.reason.as_str())
        .unwrap_or("");
    let owner = r
        .jobs
        .iter()
        .find(|j| j.job == pod.job)
        .and_then(|j| j.owner.as_deref())
        .unwrap_or("its CronJob");
    let text = match pod.ended_by.as_str() {
        "succeeded" => "succeeded: every container exited 0 (phase Succeeded).".to_string(),
        "failed" => format!(
            "failed: a container exited {} (reason {}, phase Failed).\n  {JOB_DOC}#handling-pod-and-container-failures",
            pod.exit_code.unwrap_or(0),
            pod.reason
        ),
        "oom-killed" => format!(
            "OOMKilled: a container's memory passed its limit and the kernel killed it (exit 137, phase Failed).\n  {POD_DOC}#container-restarts"
        ),
        "pod-deadline" => format!(
            "the pod's own activeDeadlineSeconds ran out: the kubelet stopped it (reason DeadlineExceeded, phase Failed).\n  {POD_DOC}#pod-phase"
        ),
        "evicted" => "evicted through the Eviction API: the pod got the DisruptionTarget condition, then was deleted.\n  https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/".to_string(),
        "node-lost" => "its node was lost: the node controller tainted the node NotReady/Unreachable and evicted the pod after its tolerationSeconds (300 s by default), or PodGC failed it when the node was deleted (DisruptionTarget).\n  https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions".to_string(),
        "deleted-suspend" => format!(
            "deleted by the Job controller because the Job was suspended (spec.suspend: true): a suspended Job's active pods are deleted, and they are not failures.\n  {JOB_DOC}#suspending-a-job"
        ),
        "deleted-success-policy" => format!(
            "deleted by the Job controller: a successPolicy rule was met (SuccessCriteriaMet), so the pods still running are deleted and not counted.\n  {JOB_DOC}#success-policy"
        ),
        "deleted-job-failed" => format!(
            "deleted by the Job controller because the Job failed ({}): once a Job fails, its running pods are deleted and count as failed.\n  {JOB_DOC}#job-termination-and-cleanup",
            if job_reason.is_empty() { "FailureTarget" } else { job_reason }
        ),
        "deleted-job-deadline" => format!(
            "deleted by the Job controller because the Job's activeDeadlineSeconds passed (DeadlineExceeded): its running pods are deleted and count as failed.\n  {JOB_DOC}#job-termination-and-cleanup"
        ),
        "deleted-surplus" => format!(
            "deleted by the Job controller as surplus: more pods were active than the Job wanted (parallelism lowered, or a duplicate index).\n  {JOB_DOC}#controlling-parallelism"
        ),
        "deleted-cronjob-replace" => format!(
            "its Job was deleted by {owner}: concurrencyPolicy Replace deletes the running Job when the next run is due, and its pods with it.\n  {CRONJOB_DOC}#concurrency-policy"
        ),
        "deleted" => "deleted: by a scripted action, or with its Job (TTL, a CronJob's history limit, an action).".to_string(),
        _ => format!("phase {} (reason {}).", pod.phase, pod.reason),
    };
    let _ = writeln!(out, "- ended at {at}: {text}");
}

fn counted_line(r: &ExplainRecords, pod: &PodRow, out: &mut String) {
    let rule = pod.rule.map(|k| {
        let action = spec(r, &pod.job, &format!("/podFailurePolicy/rules/{k}/action"))
            .and_then(Value::as_str)
            .map(|a| format!(" (action {a})"))
            .unwrap_or_default();
        format!("podFailurePolicy rule {k}{action} matched")
    });
    let text = match pod.counted.as_str() {
        "succeeded" => "counted in status.succeeded.".to_string(),
        "failed" => {
            let nth = r
                .pods
                .iter()
                .filter(|p| p.job == pod.job && p.counted == "failed")
                .filter(|p| (p.finished, &p.pod) <= (pod.finished, &pod.pod))
                .count();
            let limit = spec(r, &pod.job, "/backoffLimit")
                .and_then(Value::as_i64)
                .map(|l| {
                    if nth as i64 > l {
                        format!(
                            " — more than backoffLimit {l}: the Job fails (BackoffLimitExceeded)"
                        )
                    } else {
                        format!(", backoffLimit {l}")
                    }
                })
                .unwrap_or_default();
            let rule = rule.map(|r| format!(" {r};")).unwrap_or_default();
            format!("counted in status.failed:{rule} failed {nth}{limit}.")
        }
        "no" => match rule {
            Some(rule) => format!(
                "not counted: {rule}, so this failure neither counts toward backoffLimit nor fails the Job (it still lengthens the recreation backoff).\n  {JOB_DOC}#pod-failure-policy"
            ),
            None if pod.ended_by.starts_with("deleted") => format!(
                "not counted: the controller removed its tracking finalizer without counting it.\n  {JOB_DOC}#job-tracking-with-finalizers"
            ),
            None => "not counted (a duplicate success of an index, or its Job was deleted first)."
                .to_string(),
        },
        _ if pod.finished.is_some() => "not counted yet when the run ended.".to_string(),
        _ => return,
    };
    let _ = writeln!(out, "- {text}");
}

/// A Job: its settings, how it ended, its events and every pod's chain in creation order.
pub fn explain_job(r: &ExplainRecords, name: &str) -> String {
    let mut out = String::new();
    let row = r.jobs.iter().find(|j| j.job == name);
    let _ = write!(out, "job/{name}");
    if let Some(owner) = row.and_then(|j| j.owner.as_deref()) {
        let _ = write!(out, " (created by {owner})");
    }
    out.push('\n');
    let settings: Vec<String> = [
        ("completionMode", "/completionMode"),
        ("completions", "/completions"),
        ("parallelism", "/parallelism"),
        ("backoffLimit", "/backoffLimit"),
        ("backoffLimitPerIndex", "/backoffLimitPerIndex"),
        ("activeDeadlineSeconds", "/activeDeadlineSeconds"),
        ("restartPolicy", "/template/spec/restartPolicy"),
    ]
    .iter()
    .filter_map(|(label, pointer)| {
        let v = spec(r, name, pointer)?;
        Some(format!(
            "{label} {}",
            v.as_str().map_or_else(|| v.to_string(), str::to_string)
        ))
    })
    .collect();
    if !settings.is_empty() {
        let _ = writeln!(out, "  {}", settings.join(", "));
    }
    if let Some(j) = row {
        let _ = write!(out, "- created at {}", s(j.created));
        if let Some(t) = j.started {
            let _ = write!(out, ", started at {}", s(t));
        }
        match j.finished {
            Some(t) => {
                let _ = write!(out, "; {} at {}", j.outcome, s(t));
            }
            None => {
                let _ = write!(out, "; {} when the run ended", j.outcome);
            }
        }
        if !j.reason.is_empty() {
            let _ = write!(out, " ({})", j.reason);
        }
        let _ = writeln!(out, ": succeeded {}, failed {}.", j.succeeded, j.failed);
        let on_failure = spec(r, name, "/template/spec/restartPolicy").and_then(Value::as_str)
            == Some("OnFailure");
        let restarts: u64 = r
            .pods
            .iter()
            .filter(|p| p.job == name)
            .map(|p| u64::from(p.restarts))
            .sum();
        if j.reason == "BackoffLimitExceeded"
            && let Some(limit) = spec(r, name, "/backoffLimit").and_then(Value::as_i64)
            && on_failure
            && j.failed as i64 <= limit
        {
            let _ = writeln!(
                out,
                "  Rule: under restartPolicy OnFailure the controller also sums the container restarts of its pending and running pods and fails the Job when that sum reaches backoffLimit — ≥, not > as for failed pods: restarts {restarts} ≥ {limit}. The pod it then deletes is counted: failed {} (job-semantics §7).\n  {JOB_DOC}#pod-backoff-failure-policy",
                j.failed
            );
        } else if j.reason == "BackoffLimitExceeded"
            && let Some(limit) = spec(r, name, "/backoffLimit").and_then(Value::as_i64)
        {
            let _ = writeln!(
                out,
                "  Rule: a Job fails when its failed pods are more than backoffLimit (failed {} > {limit}; under OnFailure, container restarts count too).\n  {JOB_DOC}#pod-backoff-failure-policy",
                j.failed
            );
        }
        let deadline = spec(r, name, "/activeDeadlineSeconds").and_then(Value::as_u64);
        let limit = spec(r, name, "/backoffLimit").and_then(Value::as_i64);
        if let (Some(ads), Some(started), Some(finished)) = (deadline, j.started, j.finished) {
            let due = whole(started) + ads * 1000;
            if j.reason == "DeadlineExceeded" {
                let left = limit
                    .map(|l| format!(" — backoffLimit {l} would have allowed more retries (failed {}, the pod the deadline deleted included)", j.failed))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  Rule: activeDeadlineSeconds {ads} counts from startTime {} (whole second): at {} s + {ads} s = {} the controller fails the Job (DeadlineExceeded) and deletes its running pods, which count as failed; no further pod is created{left} (job-semantics §9).\n  {JOB_DOC}#job-termination-and-cleanup",
                    s(started),
                    whole(started) / 1000,
                    s(due)
                );
            } else if j.reason == "BackoffLimitExceeded" && finished >= due {
                let _ = writeln!(
                    out,
                    "  The deadline (startTime {} + activeDeadlineSeconds {ads} = {}) had passed too: when one sync sees both, the controller checks backoffLimit first, so the reason is BackoffLimitExceeded (job-semantics §4 step 6, §9).",
                    s(started),
                    s(due)
                );
            }
        }
        if let Some(t) = j.deleted {
            let _ = writeln!(out, "- deleted at {}.", s(t));
        }
    }
    let object = format!("job/{name}");
    for e in r.events.iter().filter(|e| e.object == object) {
        if matches!(
            e.reason.as_str(),
            "SuccessfulCreate" | "SuccessfulDelete" | "Completed"
        ) {
            continue;
        }
        let _ = writeln!(
            out,
            "- event at {}: {} — {}",
            s(e.time),
            e.reason,
            e.message
        );
    }
    let pods: Vec<usize> = (0..r.pods.len())
        .filter(|&i| r.pods[i].job == name)
        .collect();
    let _ = writeln!(out, "{} pod(s):", pods.len());
    for i in pods {
        for line in explain_pod(r, i).lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// A CronJob: its schedule and policy, each scheduling decision with its rule, and its Jobs.
pub fn explain_cronjob(r: &ExplainRecords, name: &str) -> String {
    const LISTED: usize = 200;
    let mut out = String::new();
    let _ = writeln!(out, "cronjob/{name}");
    if let Some(spec) = r.specs.get(&format!("cronjob/{name}")) {
        let field = |k: &str| {
            spec.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        };
        let settings: Vec<String> = [
            "schedule",
            "timeZone",
            "concurrencyPolicy",
            "startingDeadlineSeconds",
            "suspend",
        ]
        .iter()
        .filter_map(|k| field(k).map(|v| format!("{k} {v}")))
        .collect();
        let _ = writeln!(out, "  {}", settings.join(", "));
    }
    schedule_times(r, name, &mut out);
    let object = format!("cronjob/{name}");
    let events: Vec<&EventRow> = r.events.iter().filter(|e| e.object == object).collect();
    for e in events.iter().take(LISTED) {
        let rule = match e.reason.as_str() {
            "SuccessfulCreate" => format!(
                " — the CronJob controller wakes at each scheduled time (+100 ms) and creates the Job for it.\n  {CRONJOB_DOC}#schedule-syntax"
            ),
            "SuccessfulDelete" => {
                let replaced = e.message.strip_prefix("Deleted job ").is_some_and(|job| {
                    r.pods
                        .iter()
                        .any(|p| p.job == job && p.ended_by == "deleted-cronjob-replace")
                });
                if replaced {
                    format!(
                        " — concurrencyPolicy Replace: the next run was due while this Job still ran, so it was deleted and replaced.\n  {CRONJOB_DOC}#concurrency-policy"
                    )
                } else {
                    format!(
                        " — a finished Job beyond successfulJobsHistoryLimit / failedJobsHistoryLimit is deleted.\n  {CRONJOB_DOC}#jobs-history-limits"
                    )
                }
            }
            "JobAlreadyActive" => format!(
                " — concurrencyPolicy Forbid: a run was due while a Job still ran, so it was skipped.\n  {CRONJOB_DOC}#concurrency-policy"
            ),
            "MissSchedule" => format!(
                " — a scheduled time passed without a Job (startingDeadlineSeconds, or the controller was not running).\n  {CRONJOB_DOC}#schedule-syntax"
            ),
            _ => String::new(),
        };
        let _ = writeln!(out, "- {}: {} {}{rule}", s(e.time), e.reason, e.message);
    }
    if events.len() > LISTED {
        let _ = writeln!(
            out,
            "- … {} more events in events.csv",
            events.len() - LISTED
        );
    }
    let owner = format!("cronjob/{name}");
    let jobs: Vec<&JobRow> = r
        .jobs
        .iter()
        .filter(|j| j.owner.as_deref() == Some(owner.as_str()))
        .collect();
    let _ = writeln!(out, "{} Job(s):", jobs.len());
    for j in jobs.iter().take(LISTED) {
        let _ = write!(
            out,
            "- job/{} created {}: {}",
            j.job,
            s(j.created),
            j.outcome
        );
        if !j.reason.is_empty() {
            let _ = write!(out, " ({})", j.reason);
        }
        if let Some(t) = j.deleted {
            let replaced = r
                .pods
                .iter()
                .any(|p| p.job == j.job && p.ended_by == "deleted-cronjob-replace");
            let why = if replaced { ", replaced (Replace)" } else { "" };
            let _ = write!(out, ", deleted {}{why}", s(t));
        }
        out.push('\n');
    }
    if jobs.len() > LISTED {
        let _ = writeln!(out, "- … {} more Jobs in jobs.csv", jobs.len() - LISTED);
    }
    out
}

/// Scheduled times enumerated at most (a year of minutes is half a million).
const MAX_SCHEDULE_TIMES: usize = 100_000;
/// The CronJob controller wakes at each time + 100 ms (`nextScheduleDelta`).
const WAKE_DELTA_MS: SimTime = 100;
/// A Job created later than this after its time was late.
const LATE_MS: SimTime = 1_000;
/// The missed-time estimate above which the controller warns (`TooManyMissedTimes`).
const TOO_MANY_MISSED: i64 = 100;

/// One Job of the CronJob, placed at the time it was scheduled for.
struct CronRun<'a> {
    row: &'a JobRow,
    /// The scheduled time (from the name's Unix minutes), ms since start.
    scheduled: SimTime,
    /// Until when it was in `status.active`: its finish, its deletion, or `None` (still
    /// active at the end).
    active_until: Option<SimTime>,
}

/// How the CronJob's scheduled times are printed: wall clock in its zone, and where they
/// lie on the run's clock.
struct CronClock {
    start: jiff::Timestamp,
    tz: jiff::tz::TimeZone,
    /// The run covers more than one local day: print dates.
    dated: bool,
    /// A `timeZone` is set: print the zone's abbreviation.
    zoned: bool,
}

impl CronClock {
    fn instant(&self, t: SimTime) -> jiff::Timestamp {
        self.start
            .checked_add(jiff::SignedDuration::from_millis(t as i64))
            .unwrap_or(self.start)
    }
    fn ms(&self, at: jiff::Timestamp) -> Option<SimTime> {
        u64::try_from(at.duration_since(self.start).as_millis()).ok()
    }
    fn fmt(&self, t: SimTime, pattern: &str) -> String {
        let zoned = (self.instant(t)).to_zoned_datetime(self.tz.clone());
        let mut text = zoned.strftime(pattern).to_string();
        if self.dated {
            text = format!("{} {text}", zoned.strftime("%a %Y-%m-%d"));
        }
        if self.zoned {
            text = format!("{text} {}", zoned.strftime("%Z"));
        }
        text
    }
    /// A scheduled time: `00:05 (300 s)`.
    fn label(&self, t: SimTime) -> String {
        format!("{} ({})", self.fmt(t, "%H:%M"), s(t))
    }
    /// A moment the controller acted: `00:12:02.12 (722.120 s)`.
    fn moment(&self, t: SimTime) -> String {
        let frac = t % 1000;
        let pattern = if frac == 0 { "%H:%M:%S" } else { "%H:%M:%S%.f" };
        format!("{} ({})", self.fmt(t, pattern), s(t))
    }
}

fn secs_words(ms: SimTime) -> String {
    let text = seconds_str(ms);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

/// What became of each scheduled time of a CronJob, with the rule and the numbers: made on
/// time, made late (Forbid, a resume), skipped under Forbid, missed while suspended or past
/// `startingDeadlineSeconds`, and the daylight-saving changes between two times. It
/// restates the controller's arithmetic from the records (the schedule, the Jobs' names and
/// times, the suspensions kept in `summary.json`, the events); it never re-simulates.
fn schedule_times(r: &ExplainRecords, name: &str, out: &mut String) {
    use crate::cron::schedule::{Schedule, format_schedule};
    let Some(c) = r.cronjobs.iter().find(|c| c.name == name) else {
        return;
    };
    let (Some(start), Some(end)) = (r.start, r.end) else {
        return;
    };
    let formatted = format_schedule(&c.schedule, c.time_zone.as_deref());
    let Ok(schedule) = Schedule::parse(&formatted.text) else {
        return;
    };
    let zone = c
        .time_zone
        .as_deref()
        .filter(|_| !formatted.tz_in_schedule)
        .and_then(|z| jiff::tz::TimeZone::get(z).ok());
    let zoned = zone.is_some();
    let tz = zone.unwrap_or(jiff::tz::TimeZone::UTC);
    let day = |t: jiff::Timestamp| (t).to_zoned_datetime(tz.clone()).date();
    let end_instant = start
        .checked_add(jiff::SignedDuration::from_millis(end as i64))
        .unwrap_or(start);
    let clock = CronClock {
        start,
        dated: day(start) != day(end_instant),
        tz: tz.clone(),
        zoned,
    };
    let key = format!("cronjob/{name}");
    let created = r
        .created
        .get(&key)
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .and_then(|t| clock.ms(t))
        .unwrap_or(0);
    let sds = r
        .specs
        .get(&key)
        .and_then(|s| s.get("startingDeadlineSeconds"))
        .and_then(Value::as_i64)
        .map(|v| v.max(0) as u64);
    let forbid = c.concurrency_policy == "Forbid";
    let mut suspensions: Vec<(SimTime, Option<SimTime>)> =
        c.suspensions.iter().map(|s| s.millis()).collect();
    if suspensions.is_empty() && c.suspend {
        suspensions.push((created, None));
    }
    let prefix = format!("{name}-");
    let mut runs: Vec<CronRun> = r
        .jobs
        .iter()
        .filter(|j| j.owner.as_deref() == Some(key.as_str()))
        .filter_map(|j| {
            let minutes: i64 = j.job.strip_prefix(&prefix)?.parse().ok()?;
            let at = jiff::Timestamp::from_second(minutes.checked_mul(60)?).ok()?;
            Some(CronRun {
                row: j,
                scheduled: clock.ms(at)?,
                active_until: j.finished.or(j.deleted),
            })
        })
        .collect();
    runs.sort_by_key(|run| (run.scheduled, run.row.created));
    let mut times: Vec<SimTime> = Vec::new();
    let mut after = clock.instant(created);
    let mut cut = false;
    while let Some(next) = schedule.next(after) {
        let Some(t) = clock.ms(next).filter(|&t| t <= end) else {
            break;
        };
        if times.len() == MAX_SCHEDULE_TIMES {
            cut = true;
            break;
        }
        times.push(t);
        after = next;
    }
    let _ = writeln!(
        out,
        "Schedule times ({} in {}; the controller wakes at each time + 100 ms and creates its Job then, cronjob-semantics §5.11):",
        c.schedule,
        c.time_zone.as_deref().unwrap_or("UTC, no timeZone")
    );
    if times.is_empty() {
        let _ = writeln!(out, "- none came due during the run.");
        return;
    }
    let too_many = |at: SimTime| {
        r.events.iter().find(|e| {
            e.object == key
                && e.reason == "TooManyMissedTimes"
                && (e.first_time.unwrap_or(e.time)..=e.time).contains(&at)
        })
    };
    let already_active = r
        .events
        .iter()
        .find(|e| e.object == key && e.reason == "JobAlreadyActive");
    let suspended_at = |t: SimTime| {
        suspensions
            .iter()
            .copied()
            .find(|&(from, to)| from <= t && to.is_none_or(|to| t < to))
    };
    let blocker = |t: SimTime, own: Option<&str>| {
        let woke = t + WAKE_DELTA_MS;
        runs.iter().find(|run| {
            Some(run.row.job.as_str()) != own
                && run.row.created <= woke
                && run.active_until.is_none_or(|u| u > woke)
        })
    };
    // lastScheduleTime as a sync at `now` found it: the latest scheduled time whose Job
    // was created before then.
    let last_schedule_before = |now: SimTime| {
        runs.iter()
            .filter(|run| run.row.created < now)
            .map(|run| run.scheduled)
            .max()
    };
    let deadline = |sds: u64| format!("startingDeadlineSeconds {sds}");
    // The missed-time estimate of a catch-up sync at `now` (cronjob-semantics §5.4).
    let estimate = |now: SimTime| -> Option<String> {
        let (earliest, from_words) = match last_schedule_before(now) {
            Some(p) => (p, format!("lastScheduleTime {}", clock.label(p))),
            None => (
                created,
                format!("the CronJob's creation {}", clock.moment(created)),
            ),
        };
        let (earliest, from_words) = match sds {
            Some(sds) if now.saturating_sub(sds * 1000) > earliest => (
                now - sds * 1000,
                format!(
                    "now − {} = {} (later than {from_words})",
                    deadline(sds),
                    clock.moment(now - sds * 1000)
                ),
            ),
            _ => (earliest, from_words),
        };
        let t1 = clock.ms(schedule.next(clock.instant(earliest))?)?;
        let t2 = clock.ms(schedule.next(clock.instant(t1))?)?;
        if now < t2 {
            return None;
        }
        let interval = ((t2 - t1) as f64 / 1000.0).round() as i64;
        if interval < 1 {
            return None;
        }
        let elapsed = ((now - t1) / 1000) as i64;
        let n = elapsed / interval + 1;
        let verdict = if n > TOO_MANY_MISSED {
            let seen = too_many(now)
                .map(|e| format!(" (events.csv: TooManyMissedTimes at {})", s(e.time)))
                .unwrap_or_default();
            format!(
                "> {TOO_MANY_MISSED} → Warning TooManyMissedTimes \"too many missed start times\"{seen}; the Job is still created (v1.36; the documentation's \"does not start\" was the legacy controller)"
            )
        } else {
            format!("≤ {TOO_MANY_MISSED}: no warning")
        };
        Some(format!(
            "Missed-time estimate (cronjob-semantics §5.4): counting from {from_words}, t1 = {}, t2 = {}, interval {interval} s; n = ⌊(now − t1) / interval⌋ + 1 = ⌊{elapsed} s / {interval} s⌋ + 1 = {n} {verdict}.",
            clock.label(t1),
            clock.label(t2),
        ))
    };
    // Each time's fate: (words, whether equal words may be grouped).
    let mut lines: Vec<(SimTime, String, bool)> = Vec::new();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, &t) in times.iter().enumerate() {
        let next_time = times.get(i + 1).copied();
        let run = runs.iter().find(|run| run.scheduled == t);
        let (kind, words, group) = match run {
            Some(run) if run.row.created <= t + LATE_MS => (
                "on time",
                "on time: its Job was created at the time + 0.1 s, when the controller's requeue woke it (cronjob-semantics §5.11).".to_string(),
                true,
            ),
            Some(run) => {
                let c_at = run.row.created;
                let late = secs_words(c_at - t);
                let mut kind = "late";
                let mut words = match (forbid, blocker(t, Some(&run.row.job)), suspended_at(t)) {
                    (true, Some(y), _) => {
                        kind = "delayed (Forbid)";
                        let sds_words = sds
                            .map(|sds| {
                                format!(
                                    "; {} after the time, within {}",
                                    secs_words(c_at - t),
                                    deadline(sds)
                                )
                            })
                            .unwrap_or_default();
                        format!(
                            "delayed: concurrencyPolicy Forbid and job {} still active at {} (JobAlreadyActive). When {} finished at {}, its status change woke the controller, which searched again from lastScheduleTime {} and found this time the most recent unmet one{sds_words} → job {} created then, {late} late (cronjob-semantics §5.7).",
                            y.row.job,
                            clock.moment(t + WAKE_DELTA_MS),
                            y.row.job,
                            y.active_until.map(|u| clock.moment(u)).unwrap_or_else(|| "?".into()),
                            last_schedule_before(c_at).map(|p| clock.label(p)).unwrap_or_else(|| "(none)".into()),
                            run.row.job,
                        )
                    }
                    (_, _, Some((from, to))) if to.is_some_and(|to| to <= c_at) => {
                        kind = "late (on resume)";
                        format!(
                        "late: the CronJob was suspended from {} to {}; resuming brings a sync at once (cronjob-semantics §8), which creates one Job, for the most recent missed time only (§5.4): job {} at {}, {late} late.",
                        clock.moment(from),
                        clock.moment(to.unwrap_or(c_at)),
                        run.row.job,
                        clock.moment(c_at),
                    )
                    }
                    _ => format!(
                        "late: job {} created at {}, {late} after its time.",
                        run.row.job,
                        clock.moment(c_at)
                    ),
                };
                if let Some(e) = estimate(c_at) {
                    words.push_str("\n    ");
                    words.push_str(&e);
                }
                (kind, words, false)
            }
            None => {
                let superseded_by = |at: SimTime| {
                    runs.iter()
                        .find(|run| run.row.created >= at && run.row.created < at + LATE_MS && run.scheduled > t)
                };
                match (suspended_at(t), forbid.then(|| blocker(t, None)).flatten()) {
                    _ if t + WAKE_DELTA_MS > end => (
                        "not yet handled",
                        "not yet handled: the run ended before the controller's wake-up at the time + 100 ms.".to_string(),
                        false,
                    ),
                    (Some((from, None)), _) => (
                        "missed (suspended)",
                        format!(
                            "missed: the CronJob was suspended from {} to the end of the run; a suspended CronJob's sync stops before choosing a time (cronjob-semantics §5.3).",
                            clock.moment(from)
                        ),
                        true,
                    ),
                    (Some((from, Some(to))), _) => match sds {
                        Some(sds) if to.saturating_sub(t) > sds * 1000 => (
                            "missed (past the deadline)",
                            format!(
                                "missed, past the deadline: suspended from {} to {}; when resumed, the controller looked back only {} s, to {}, and this time is older — it is never returned, no event (cronjob-semantics §5.4 step 2, §5.5).",
                                clock.moment(from),
                                clock.moment(to),
                                deadline(sds),
                                clock.moment(to - sds * 1000)
                            ),
                            true,
                        ),
                        _ => (
                            "missed (suspended)",
                            format!(
                                "missed: suspended from {} to {} (a suspended CronJob's sync stops before choosing a time, cronjob-semantics §5.3); on resume only the most recent missed time {} got a Job (§8, §5.4).",
                                clock.moment(from),
                                clock.moment(to),
                                superseded_by(to).map(|run| clock.label(run.scheduled)).unwrap_or_else(|| "(none)".into())
                            ),
                            true,
                        ),
                    },
                    (None, Some(y)) => {
                        let at = clock.moment(t + WAKE_DELTA_MS);
                        let head = format!(
                            "skipped: concurrencyPolicy Forbid and job {} still active at {at} (JobAlreadyActive, not started).",
                            y.row.job
                        );
                        let tail = match y.active_until {
                            None => " It was still active when the run ended.".to_string(),
                            Some(f) => match (superseded_by(f), next_time.filter(|&n| n <= f), sds) {
                                (Some(newer), _, _) => format!(
                                    " When {} finished at {}, a newer time {} had come due, and a sync creates a Job only for the most recent unmet time (cronjob-semantics §5.4, §5.7).",
                                    y.row.job,
                                    clock.moment(f),
                                    clock.label(newer.scheduled)
                                ),
                                (None, _, Some(sds)) if f - t > sds * 1000 => format!(
                                    " {}: the controller woke at {} when {} finished, {} after this time, later than {} s → missed, dropped without an event (cronjob-semantics §5.5, §5.7).",
                                    deadline(sds),
                                    clock.moment(f),
                                    y.row.job,
                                    secs_words(f - t),
                                    sds
                                ),
                                (None, Some(newer), _) => format!(
                                    " Before {} finished at {}, the newer time {} had come due; only the most recent unmet time may run (cronjob-semantics §5.4).",
                                    y.row.job,
                                    clock.moment(f),
                                    clock.label(newer)
                                ),
                                _ => String::new(),
                            },
                        };
                        ("skipped (Forbid)", head + &tail, false)
                    }
                    (None, None) => (
                        "missed",
                        "missed: no Job for it; a later time superseded it in one catch-up sync, which creates a Job for the most recent unmet time only (cronjob-semantics §5.4).".to_string(),
                        true,
                    ),
                }
            }
        };
        *tally.entry(kind).or_default() += 1;
        lines.push((t, words, group));
    }
    // Print, folding neighbours with the same words; daylight-saving changes between two
    // times get a line of their own.
    let offset = |t: SimTime| tz.to_offset(clock.instant(t));
    let wall = |t: SimTime| (clock.instant(t)).to_zoned_datetime(tz.clone()).datetime();
    let mut i = 0;
    while i < lines.len() {
        let (t, words, group) = &lines[i];
        let mut j = i + 1;
        if *group {
            while j < lines.len()
                && lines[j].1 == *words
                && offset(lines[j].0) == offset(lines[j - 1].0)
            {
                j += 1;
            }
        }
        if j - i == 1 {
            let _ = writeln!(out, "- {} {words}", clock.label(*t));
        } else {
            let _ = writeln!(
                out,
                "- {} … {} ({} times) {words}",
                clock.label(*t),
                clock.label(lines[j - 1].0),
                j - i
            );
        }
        if let Some(&(next, _, _)) = lines.get(j)
            && offset(next) != offset(lines[j - 1].0)
        {
            dst_note(&clock, c, lines[j - 1].0, next, &wall, out);
        }
        i = j;
    }
    if cut {
        let _ = writeln!(
            out,
            "- … later times not examined (more than {MAX_SCHEDULE_TIMES})."
        );
    }
    let counts: Vec<String> = tally.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        out,
        "  In all: {}. summary.json counts: jobsCreated {}, delayed {}, skipped {}, missed {}, missedDeadline {}, replaced {}.",
        counts.join(", "),
        c.jobs_created,
        c.delayed,
        c.skipped,
        c.missed,
        c.missed_deadline,
        c.replaced
    );
    if let Some(e) = already_active {
        let first = e.first_time.unwrap_or(e.time);
        let _ = writeln!(
            out,
            "  events.csv: JobAlreadyActive reported {} time(s) from {} to {} (repeats are folded into one Event with a count).",
            e.count,
            s(first),
            s(e.time)
        );
    }
}

/// The daylight-saving change between two scheduled times `a` and `b` of a zoned CronJob.
fn dst_note(
    clock: &CronClock,
    c: &CronJobSummary,
    a: SimTime,
    b: SimTime,
    wall: &dyn Fn(SimTime) -> jiff::civil::DateTime,
    out: &mut String,
) {
    let tz = &clock.tz;
    let Some(change) = tz.following(clock.instant(a)).next() else {
        return;
    };
    let before = tz.to_offset(clock.instant(a));
    let after = change.offset();
    let at = change.timestamp();
    let local_before = (at)
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(before))
        .datetime();
    let local_after = (at).to_zoned_datetime(tz.clone()).datetime();
    let hm = |d: jiff::civil::DateTime| d.strftime("%H:%M").to_string();
    if after > before {
        let _ = write!(
            out,
            "  ↳ {} the clocks went forward from {} to {} (UTC{} → UTC{}, {}): local times from {} to {} did not exist that night. The fields are matched against local wall-clock time, so a scheduled time in the gap is skipped, not moved (cronjob-semantics §2.3).",
            local_before.date(),
            hm(local_before),
            hm(local_after),
            before,
            after,
            change.abbreviation(),
            hm(local_before),
            hm(local_after - jiff::SignedDuration::from_mins(1)),
        );
        // Would the fields have matched a wall time inside the gap?
        if !c.schedule.contains("TZ")
            && let Ok(fields) =
                crate::cron::schedule::Schedule::parse(&format!("TZ=UTC {}", c.schedule))
            && let (Ok(from), Ok(to)) = (
                local_before.to_zoned_datetime(jiff::tz::TimeZone::UTC),
                local_after.to_zoned_datetime(jiff::tz::TimeZone::UTC),
            )
            && let Some(m) = fields.next(from.timestamp() - jiff::SignedDuration::from_secs(1))
            && m < to.timestamp()
        {
            let _ = write!(
                out,
                " Here the schedule would have matched {} {}, which did not exist: no run then.",
                (m).to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
                (m).to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .strftime("%H:%M")
            );
        }
        out.push('\n');
    } else {
        let _ = write!(
            out,
            "  ↳ {} the clocks went back from {} to {} (UTC{} → UTC{}, {}): local times from {} to {} happened twice.",
            local_after.date(),
            hm(local_before),
            hm(local_after),
            before,
            after,
            change.abbreviation(),
            hm(local_after),
            hm(local_before - jiff::SignedDuration::from_mins(1)),
        );
        if wall(a) == wall(b) {
            let _ = write!(
                out,
                " {} and {} are the same local time {}: the fields are matched against local wall-clock time, so both passes of the repeated hour match — two runs, with different Job names, since names are the scheduled UTC minute (cronjob-semantics §2.3, §5.9).",
                clock.label(a),
                clock.label(b),
                hm(wall(a))
            );
        }
        out.push('\n');
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs a shipped scenario into a temporary folder, as `jobsim run` writes it.
    pub(crate) fn run_scenario(path: &str) -> tempfile::TempDir {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let (mut scenarios, _) =
            crate::load_files(&[file], &crate::LoadOptions::default()).unwrap();
        let scenario = scenarios.remove(0);
        let dir = tempfile::tempdir().unwrap();
        let mut sink = crate::record::CsvSink::create(dir.path()).unwrap();
        let result = crate::simulate(&scenario, &mut sink, None).unwrap();
        sink.finish().unwrap();
        crate::record::write_run_files(dir.path(), &result).unwrap();
        dir
    }

    fn explain_target(dir: &Path, target: &str) -> String {
        let r = load(dir).unwrap();
        explain(&r, &Target::parse(target).unwrap()).unwrap()
    }

    #[test]
    fn backoff_lesson_explains_each_creation_time_with_its_arithmetic() {
        let dir = run_scenario("scenarios/teaching/backoff-limit-exceeded.yaml");
        let text = explain_target(dir.path(), "job/always-fails");
        assert!(
            text.contains("- created at 0.000 s: the Job's first pods"),
            "{text}"
        );
        assert!(
            text.contains("- created at 16.000 s: replaces pod")
                && text.contains(
                    "The 1st failure since the last success at 6.020 s (finished 6 s, whole second) set a 10 s backoff (10 s × 2^(1−1)): no pod before 6 s + 10 s = 16.000 s."
                )
                && text.contains("backoffLimit 2 not yet exceeded (failed 1 ≤ 2)"),
            "{text}"
        );
        assert!(
            text.contains("- created at 42.000 s: replaces pod")
                && text.contains(
                    "The 2nd failure since the last success at 22.020 s (finished 22 s, whole second) set a 20 s backoff (10 s × 2^(2−1)): no pod before 22 s + 20 s = 42.000 s."
                )
                && text.contains("backoffLimit 2 not yet exceeded (failed 2 ≤ 2)"),
            "{text}"
        );
        assert!(text.contains("failed 3 > 2"), "{text}");
        assert!(text.contains("#pod-backoff-failure-policy"), "{text}");
    }

    #[test]
    fn suspended_pods_are_explained_as_deleted_and_not_counted() {
        let dir = run_scenario("scenarios/teaching/suspend-resume.yaml");
        let r = load(dir.path()).unwrap();
        let first = explain_pod(&r, 0);
        assert!(first.contains("deleted by the Job controller because the Job was suspended"));
        assert!(first.contains("not counted"), "{first}");
        assert!(!first.contains("failed:"), "{first}");
        let third = explain_pod(&r, 2);
        assert!(third.contains("The Job was resumed at 60.000 s"), "{third}");
    }

    #[test]
    fn unknown_object_lists_what_exists() {
        let dir = run_scenario("scenarios/teaching/backoff-limit-exceeded.yaml");
        let r = load(dir.path()).unwrap();
        let err = explain(&r, &Target::Pod("nope".into())).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("pod/nope is not in these records"),
            "{text}"
        );
        assert!(text.contains("job/always-fails"), "{text}");
        assert!(text.contains("pod/always-fails-"), "{text}");
    }

    #[test]
    fn targets_read_as_kubectl_spells_them() {
        assert_eq!(Target::parse("job/a"), Some(Target::Job("a".into())));
        assert_eq!(Target::parse("pods/b"), Some(Target::Pod("b".into())));
        assert_eq!(Target::parse("cj/c"), Some(Target::CronJob("c".into())));
        assert_eq!(Target::parse("node/x"), None);
        assert_eq!(Target::parse("job/"), None);
        assert_eq!(Target::parse("job"), None);
    }
}
