//! Reading a run's output directory back into typed, in-memory records.
//!
//! It owns the tolerant reading of the output formats of DESIGN §6: columns are found by their
//! header name (extra and reordered columns are fine, later issues add some), JSON keys that
//! are unknown are ignored and missing ones take defaults. It must not interpret the records
//! (that is the charts' job) nor guess values: a malformed cell is an error naming the file,
//! line and column.
//!
//! Required files: `summary.json` and `pods.csv`. `jobs.csv`, `events.csv`, `nodes.csv` and
//! `objects.json` are read when present and empty otherwise.

use super::ReportError;
use crate::time::SimTime;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Everything a report is built from: one run's output directory, read back.
#[derive(Debug, Clone, Default)]
pub struct RunRecords {
    pub out_dir: PathBuf,
    pub summary: Summary,
    /// One row per pod, in file order.
    pub pods: Vec<PodRecord>,
    /// One row per Job ever created, in file order.
    pub jobs: Vec<JobRecord>,
    /// Kubernetes-style events, in file order (time order as the run wrote them).
    pub events: Vec<EventRecord>,
    /// Allocatable capacity per node, in file order.
    pub nodes: Vec<NodeRecord>,
    /// Jobs and CronJobs from `objects.json` (conditions and counters); empty when absent.
    pub objects: Vec<ObjectStatus>,
}

impl RunRecords {
    /// The end of the run: `endSeconds` from the summary, or else the latest time any record
    /// mentions.
    pub fn end(&self) -> SimTime {
        if let Some(end) = self.summary.end_seconds.and_then(seconds_to_ms) {
            return end;
        }
        let pod_times = self.pods.iter().flat_map(|p| {
            [p.created, p.scheduled, p.started, p.finished]
                .into_iter()
                .flatten()
        });
        let job_times = self.jobs.iter().flat_map(|j| {
            [j.created, j.started, j.finished, j.deleted]
                .into_iter()
                .flatten()
        });
        let event_times = self.events.iter().map(|e| e.time);
        pod_times
            .chain(job_times)
            .chain(event_times)
            .max()
            .unwrap_or(0)
    }

    /// The Job's summary entry, by name.
    pub fn job_summary(&self, name: &str) -> Option<&JobSummary> {
        self.summary.jobs.iter().find(|j| j.name == name)
    }
}

/// The phase a pod ended the run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    /// A phase this reader does not know (kept, not rejected).
    Other(String),
}

impl PodPhase {
    fn parse(text: &str) -> PodPhase {
        match text {
            "Pending" => PodPhase::Pending,
            "Running" => PodPhase::Running,
            "Succeeded" => PodPhase::Succeeded,
            "Failed" => PodPhase::Failed,
            other => PodPhase::Other(other.to_string()),
        }
    }
}

/// One row of `pods.csv`: one pod (one attempt).
#[derive(Debug, Clone, PartialEq)]
pub struct PodRecord {
    pub pod: String,
    pub job: String,
    /// The completion index; `None` for NonIndexed Jobs.
    pub index: Option<u32>,
    pub attempt: Option<u32>,
    /// The node it was bound to; `None` if never scheduled.
    pub node: Option<String>,
    pub created: Option<SimTime>,
    pub scheduled: Option<SimTime>,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub phase: PodPhase,
    pub reason: String,
    pub exit_code: Option<i64>,
    pub restarts: u32,
}

impl PodRecord {
    /// The earliest time the pod existed.
    pub fn first_seen(&self) -> Option<SimTime> {
        self.created.or(self.scheduled).or(self.started)
    }
    pub fn failed(&self) -> bool {
        self.phase == PodPhase::Failed
    }
}

/// A Job's outcome at the end of the run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobOutcome {
    Complete,
    Failed,
    Running,
    Suspended,
    Other(String),
}

impl JobOutcome {
    pub fn parse(text: &str) -> JobOutcome {
        match text {
            "Complete" => JobOutcome::Complete,
            "Failed" => JobOutcome::Failed,
            "Running" => JobOutcome::Running,
            "Suspended" => JobOutcome::Suspended,
            other => JobOutcome::Other(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            JobOutcome::Complete => "Complete",
            JobOutcome::Failed => "Failed",
            JobOutcome::Running => "Running",
            JobOutcome::Suspended => "Suspended",
            JobOutcome::Other(s) => s,
        }
    }
}

/// One row of `jobs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub job: String,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<String>,
    pub created: Option<SimTime>,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub outcome: JobOutcome,
    pub reason: String,
    pub succeeded: u32,
    pub failed: u32,
    pub pods: u32,
    pub deleted: Option<SimTime>,
}

impl JobRecord {
    /// The owning CronJob's name, if any.
    pub fn cronjob(&self) -> Option<&str> {
        self.owner.as_deref()?.strip_prefix("cronjob/")
    }
}

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub time: SimTime,
    /// `kind/name`, e.g. `job/pi`, `node/worker-0`.
    pub object: String,
    pub reason: String,
    pub message: String,
}

impl EventRecord {
    /// The lower-case kind before the slash (`job`, `pod`, `cronjob`, `node`).
    pub fn kind(&self) -> &str {
        self.object.split_once('/').map_or("", |(k, _)| k)
    }
    /// The name after the slash.
    pub fn name(&self) -> &str {
        self.object.split_once('/').map_or(&self.object, |(_, n)| n)
    }
}

/// One row of `nodes.csv`: allocatable capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    pub node: String,
    pub pool: String,
    /// Millicores.
    pub cpu: u64,
    /// Bytes.
    pub memory: u64,
    pub pods: u32,
}

/// `summary.json`, read leniently.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub start: String,
    pub end: String,
    pub end_seconds: Option<f64>,
    pub jobsim: String,
    pub kubernetes: String,
    pub jobs: Vec<JobSummary>,
    pub cronjobs: Vec<CronJobSummary>,
    /// Aggregate metrics, kept as written (key order preserved).
    pub metrics: serde_json::Map<String, serde_json::Value>,
}

/// One Job in `summary.json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobSummary {
    pub name: String,
    pub namespace: String,
    pub owner: Option<String>,
    pub completion_mode: String,
    pub parallelism: Option<u32>,
    pub completions: Option<u32>,
    pub outcome: String,
    pub reason: String,
    pub succeeded: u64,
    pub failed: u64,
    pub pods: u64,
    pub created: Option<f64>,
    pub started: Option<f64>,
    pub finished: Option<f64>,
    pub makespan: Option<f64>,
    pub pod_requests: Resources,
}

impl JobSummary {
    pub fn is_indexed(&self) -> bool {
        self.completion_mode == "Indexed"
    }
    pub fn started_ms(&self) -> Option<SimTime> {
        self.started.and_then(seconds_to_ms)
    }
    pub fn created_ms(&self) -> Option<SimTime> {
        self.created.and_then(seconds_to_ms)
    }
    pub fn finished_ms(&self) -> Option<SimTime> {
        self.finished.and_then(seconds_to_ms)
    }
}

/// One CronJob in `summary.json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CronJobSummary {
    pub name: String,
    pub schedule: String,
    pub time_zone: Option<String>,
    pub pod_requests: Resources,
}

/// Per-pod resource requests: CPU in millicores, memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Resources {
    pub cpu: f64,
    pub memory: f64,
}

/// A Job or CronJob from `objects.json`, reduced to what the report shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectStatus {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub conditions: Vec<Condition>,
    /// Scalar `status` fields other than `conditions` (`active`, `succeeded`, …), in file order.
    pub counters: Vec<(String, String)>,
}

/// One entry of `status.conditions[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition_time: String,
}

/// Seconds (as `summary.json` writes them) to whole milliseconds; `None` for negative or
/// non-finite values.
pub fn seconds_to_ms(seconds: f64) -> Option<SimTime> {
    (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as SimTime)
}

/// Reads every record file of `out_dir`.
pub fn read_run(out_dir: &Path) -> Result<RunRecords, ReportError> {
    let summary_path = out_dir.join("summary.json");
    let summary_text = read_required(&summary_path)?;
    let summary: Summary =
        serde_json::from_str(&summary_text).map_err(|source| ReportError::Json {
            path: summary_path.clone(),
            source,
        })?;
    let pods = read_csv(&out_dir.join("pods.csv"), true, pod_row)?;
    let jobs = read_csv(&out_dir.join("jobs.csv"), false, job_row)?;
    let events = read_csv(&out_dir.join("events.csv"), false, event_row)?;
    let nodes = read_csv(&out_dir.join("nodes.csv"), false, node_row)?;
    let objects = read_objects(&out_dir.join("objects.json"))?;
    Ok(RunRecords {
        out_dir: out_dir.to_path_buf(),
        summary,
        pods,
        jobs,
        events,
        nodes,
        objects,
    })
}

fn read_required(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ReportError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            ReportError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// One CSV row with its columns looked up by header name.
struct Row<'a> {
    path: &'a Path,
    line: u64,
    header: &'a Header,
    record: &'a csv::StringRecord,
}

/// Column positions by name for one file.
struct Header {
    names: Vec<String>,
}

impl Header {
    fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

impl Row<'_> {
    fn value_error(&self, column: &str, message: String) -> ReportError {
        ReportError::Value {
            path: self.path.to_path_buf(),
            line: self.line,
            column: column.to_string(),
            message,
        }
    }

    /// The cell of a column the format requires.
    fn text(&self, column: &str) -> Result<&str, ReportError> {
        let position = self
            .header
            .position(column)
            .ok_or_else(|| ReportError::MissingColumn {
                path: self.path.to_path_buf(),
                column: column.to_string(),
            })?;
        Ok(self.record.get(position).unwrap_or("").trim())
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>, ReportError> {
        let text = self.text(column)?;
        Ok((!text.is_empty()).then(|| text.to_string()))
    }

    fn time(&self, column: &str) -> Result<Option<SimTime>, ReportError> {
        let text = self.text(column)?;
        parse_seconds(text).map_err(|message| self.value_error(column, message))
    }

    fn required_time(&self, column: &str) -> Result<SimTime, ReportError> {
        self.time(column)?
            .ok_or_else(|| self.value_error(column, "a time is required here".to_string()))
    }

    fn number<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, ReportError> {
        let text = self.text(column)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            self.value_error(
                column,
                format!("{text:?} is not a whole number (write e.g. 0, 3, 250)"),
            )
        })
    }
}

/// Parses seconds since start with up to millisecond precision (`12.345`, `7`, `0.5`) into
/// milliseconds; empty text means "never happened".
pub fn parse_seconds(text: &str) -> Result<Option<SimTime>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a time in seconds since start (write e.g. 12.345)");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 9 {
        return Err(bad());
    }
    let seconds: SimTime = whole.parse().map_err(|_| bad())?;
    // Pad or cut the fraction to nanoseconds, then round to the nearest millisecond.
    let nanos: u64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().map_err(|_| bad())?
    };
    let millis = (nanos + 500_000) / 1_000_000;
    seconds
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map(Some)
        .ok_or_else(bad)
}

fn read_csv<T>(
    path: &Path,
    required: bool,
    parse: impl Fn(&Row) -> Result<T, ReportError>,
) -> Result<Vec<T>, ReportError> {
    let text = match read_required(path) {
        Ok(text) => text,
        Err(ReportError::Missing { .. }) if !required => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| ReportError::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let header = Header {
        names: reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect(),
    };
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e)),
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let row = Row {
            path,
            line: record.position().map_or(0, |p| p.line()),
            header: &header,
            record: &record,
        };
        rows.push(parse(&row)?);
    }
    Ok(rows)
}

fn pod_row(row: &Row) -> Result<PodRecord, ReportError> {
    Ok(PodRecord {
        pod: row.text("pod")?.to_string(),
        job: row.text("job")?.to_string(),
        index: row.number("index")?,
        attempt: row.number("attempt")?,
        node: row.optional_text("node")?,
        created: row.time("created")?,
        scheduled: row.time("scheduled")?,
        started: row.time("started")?,
        finished: row.time("finished")?,
        phase: PodPhase::parse(row.text("phase")?),
        reason: row.text("reason")?.to_string(),
        exit_code: row.number("exit_code")?,
        restarts: row.number("restarts")?.unwrap_or(0),
    })
}

fn job_row(row: &Row) -> Result<JobRecord, ReportError> {
    Ok(JobRecord {
        job: row.text("job")?.to_string(),
        owner: row.optional_text("owner")?,
        created: row.time("created")?,
        started: row.time("started")?,
        finished: row.time("finished")?,
        outcome: JobOutcome::parse(row.text("outcome")?),
        reason: row.text("reason")?.to_string(),
        succeeded: row.number("succeeded")?.unwrap_or(0),
        failed: row.number("failed")?.unwrap_or(0),
        pods: row.number("pods")?.unwrap_or(0),
        deleted: row.time("deleted")?,
    })
}

fn event_row(row: &Row) -> Result<EventRecord, ReportError> {
    Ok(EventRecord {
        time: row.required_time("time")?,
        object: row.text("object")?.to_string(),
        reason: row.text("reason")?.to_string(),
        message: row.text("message")?.to_string(),
    })
}

fn node_row(row: &Row) -> Result<NodeRecord, ReportError> {
    Ok(NodeRecord {
        node: row.text("node")?.to_string(),
        pool: row.text("pool")?.to_string(),
        cpu: row.number("cpu")?.unwrap_or(0),
        memory: row.number("memory")?.unwrap_or(0),
        pods: row.number("pods")?.unwrap_or(0),
    })
}

/// The parts of a Kubernetes `List` in `objects.json` the report shows.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectList {
    items: Vec<ObjectItem>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectItem {
    kind: String,
    metadata: ObjectMeta,
    status: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectMeta {
    name: String,
    namespace: String,
}

fn read_objects(path: &Path) -> Result<Vec<ObjectStatus>, ReportError> {
    let text = match read_required(path) {
        Ok(text) => text,
        Err(ReportError::Missing { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let json_error = |source| ReportError::Json {
        path: path.to_path_buf(),
        source,
    };
    let list: ObjectList = serde_json::from_str(&text).map_err(json_error)?;
    let mut objects = Vec::with_capacity(list.items.len());
    for item in list.items {
        let mut conditions = Vec::new();
        let mut counters = Vec::new();
        for (key, value) in item.status {
            match (key.as_str(), value) {
                ("conditions", value) => {
                    conditions = serde_json::from_value(value).map_err(json_error)?;
                }
                (_, serde_json::Value::String(s)) => counters.push((key, s)),
                (_, value @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                    counters.push((key, value.to_string()))
                }
                // Lists and maps (uncountedTerminatedPods, active refs) are not counters.
                _ => {}
            }
        }
        objects.push(ObjectStatus {
            kind: item.kind,
            name: item.metadata.name,
            namespace: item.metadata.namespace,
            conditions,
            counters,
        });
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(case: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/report")
            .join(case)
    }

    #[test]
    fn seconds_with_milliseconds_parse_exactly() {
        assert_eq!(parse_seconds("12.345"), Ok(Some(12_345)));
        assert_eq!(parse_seconds("7"), Ok(Some(7_000)));
        assert_eq!(parse_seconds("0.5"), Ok(Some(500)));
        assert_eq!(parse_seconds(""), Ok(None));
        // Finer than a millisecond rounds to the nearest one.
        assert_eq!(parse_seconds("1.0006"), Ok(Some(1_001)));
    }

    #[test]
    fn negative_or_garbled_seconds_are_rejected() {
        assert!(parse_seconds("-1.0").is_err());
        assert!(parse_seconds("1e3").is_err());
        assert!(parse_seconds(".5").is_err());
        assert!(parse_seconds("12:00").is_err());
    }

    #[test]
    fn parallel_fixture_reads_every_file() {
        let run = read_run(&fixture("parallel")).unwrap();
        assert_eq!(run.summary.scenario, "parallel-fixed-completions");
        assert_eq!(run.summary.seed, 42);
        assert_eq!(run.pods.len(), 6);
        assert_eq!(run.nodes.len(), 3);
        assert_eq!(run.jobs.len(), 1);
        assert_eq!(run.jobs[0].outcome, JobOutcome::Complete);
        assert_eq!(run.pods[0].index, None);
        assert_eq!(run.pods[0].node.as_deref(), Some("worker-0"));
        assert_eq!(run.pods[0].started, Some(1_000));
        assert_eq!(run.summary.jobs[0].parallelism, Some(3));
        assert_eq!(run.summary.jobs[0].pod_requests.cpu, 500.0);
        assert_eq!(run.end(), 12_000);
    }

    #[test]
    fn extra_and_reordered_columns_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.json"),
            r#"{"scenario":"x","later":1}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pods.csv"),
            "extra,phase,pod,job,index,attempt,node,created,scheduled,started,finished,reason,exit_code,restarts,more\n\
             z,Failed,p-1,j,2,1,n0,0.000,0.100,0.200,3.000,Error,1,0,q\n",
        )
        .unwrap();
        let run = read_run(dir.path()).unwrap();
        assert_eq!(run.pods[0].pod, "p-1");
        assert_eq!(run.pods[0].index, Some(2));
        assert_eq!(run.pods[0].phase, PodPhase::Failed);
        assert_eq!(run.pods[0].exit_code, Some(1));
        assert!(run.jobs.is_empty() && run.events.is_empty() && run.objects.is_empty());
    }

    #[test]
    fn missing_column_names_the_file_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        std::fs::write(dir.path().join("pods.csv"), "pod,job\np,j\n").unwrap();
        let err = read_run(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("pods.csv") && err.contains("\"index\""),
            "{err}"
        );
    }

    #[test]
    fn bad_time_cell_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        std::fs::write(
            dir.path().join("pods.csv"),
            "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts\n\
             p,j,,1,n,0.0,soon,,,Pending,,,0\n",
        )
        .unwrap();
        let err = read_run(dir.path()).unwrap_err();
        assert!(
            matches!(&err, ReportError::Value { line: 2, column, .. } if column == "scheduled"),
            "{err}"
        );
    }

    #[test]
    fn missing_summary_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_run(dir.path()).unwrap_err();
        assert!(matches!(err, ReportError::Missing { .. }));
        assert!(err.to_string().contains("summary.json"));
    }

    #[test]
    fn objects_json_yields_conditions_and_scalar_counters() {
        let run = read_run(&fixture("backoff")).unwrap();
        let job = &run.objects[0];
        assert_eq!(job.kind, "Job");
        assert_eq!(job.conditions.len(), 2);
        assert_eq!(job.conditions[1].reason, "BackoffLimitExceeded");
        assert!(
            job.counters
                .contains(&("failed".to_string(), "3".to_string()))
        );
    }

    #[test]
    fn event_object_splits_into_kind_and_name() {
        let e = EventRecord {
            time: 0,
            object: "node/worker-1".into(),
            reason: "NodeNotReady".into(),
            message: String::new(),
        };
        assert_eq!((e.kind(), e.name()), ("node", "worker-1"));
    }
}
