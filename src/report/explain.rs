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
use crate::record::schema::{EventRow, JobRow, ObjectList, PodRow, read_csv_rows};
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
            kind => ReportError::Csv {
                path: path.to_path_buf(),
                line,
                message: format!("{kind:?}"),
            },
        }
    };
    let pods_path = out_dir.join("pods.csv");
    let pods: Vec<PodRow> = read_csv_rows(&pods_path).map_err(|e| csv_error(&pods_path, e))?;
    let has_why = csv::Reader::from_path(&pods_path)
        .ok()
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
        let mut reader = csv::Reader::from_path(&path).map_err(|e| csv_error(&path, e))?;
        for row in reader.deserialize::<EventRow>() {
            let row = row.map_err(|e| csv_error(&path, e))?;
            if matches!(row.kind(), "job" | "cronjob") {
                events.push(row);
            }
        }
    }
    let mut specs = BTreeMap::new();
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
            specs.insert(format!("{kind}/{name}"), value["spec"].clone());
        }
    }
    Ok(ExplainRecords {
        pods,
        jobs,
        events,
        specs,
        has_why,
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
        if j.reason == "BackoffLimitExceeded"
            && let Some(limit) = spec(r, name, "/backoffLimit").and_then(Value::as_i64)
        {
            let _ = writeln!(
                out,
                "  Rule: a Job fails when its failed pods are more than backoffLimit (failed {} > {limit}; under OnFailure, container restarts count too).\n  {JOB_DOC}#pod-backoff-failure-policy",
                j.failed
            );
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
