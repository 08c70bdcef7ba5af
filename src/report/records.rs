//! Reading a run's output directory back into typed, in-memory records, compactly enough that
//! a year of an every-minute CronJob (half a million pods and Jobs, three million events) reads
//! in a fraction of a second and a few tens of megabytes.
//!
//! It owns the tolerant reading of the output formats of DESIGN §6, whose rows and documents
//! are defined in [`crate::record::schema`]: columns are found by their
//! header name (extra and reordered columns are fine, later issues add some), JSON keys that
//! are unknown are ignored and missing ones take defaults. The CSV files are streamed row by
//! row; names are interned (`Names`); pods and Jobs become small `Copy` records holding what
//! the report draws; of the event log it keeps what the charts draw (node and CronJob events)
//! and the first [`LISTED_EVENTS`] rows as written, for the page. Every cell is still checked.
//! It must not interpret the records (that is the charts' job) nor guess values: a malformed
//! cell is an error naming the file, line and column.
//!
//! Required files: `summary.json` and `pods.csv`. `jobs.csv`, `events.csv`, `nodes.csv` and
//! `objects.json` are read when present and empty otherwise.

use super::ReportError;
use super::names::{Name, Names};
use crate::api::job::JobCondition;
use crate::record::EventType;
use crate::record::schema::{
    EventColumns, EventRow, JobColumns, JobRow, MAX_ROW_BYTES, MetricsAsWritten, NodeColumns,
    NodeRow, Object, ObjectList, PodColumns, PodRow, RowLimit, Summary, parse_seconds_bytes,
};
use crate::time::SimTime;
use std::path::{Path, PathBuf};

pub use crate::record::schema::{parse_seconds, seconds_to_ms};

/// Rows of `events.csv` kept as written, for the event log of `report.html`; the rest are
/// counted (and the node and CronJob events the charts draw are kept compactly).
pub const LISTED_EVENTS: usize = 5000;
/// Rows of `jobs.csv` kept with every column, for the Job table of `report.html`.
pub const LISTED_JOBS: usize = 2000;

/// Everything a report is built from: one run's output directory, read back.
#[derive(Debug, Clone, Default)]
pub struct RunRecords {
    /// The folder it was read from.
    pub out_dir: PathBuf,
    /// `summary.json`, its metrics kept as written (newer files may have more).
    pub summary: Summary<MetricsAsWritten>,
    /// The text behind every `Name` in the records: Job, node and owner names.
    pub names: Names,
    /// One row per pod, in file order.
    pub pods: Vec<CompactPod>,
    /// The in-place restarts of the pods that had any: (position in `pods`, restarts), in
    /// file order.
    pub restarts: Vec<(usize, Vec<RestartMark>)>,
    /// One row per Job ever created, in file order.
    pub jobs: Vec<CompactJob>,
    /// The first [`LISTED_JOBS`] rows of `jobs.csv` with every column, as written.
    pub listed_jobs: Vec<JobRow>,
    /// What the report uses of `events.csv`.
    pub events: Events,
    /// Allocatable capacity per node, in file order.
    pub nodes: Vec<NodeRow>,
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
            [p.created(), p.scheduled(), p.started(), p.finished()]
                .into_iter()
                .flatten()
        });
        let job_times = self.jobs.iter().flat_map(|j| {
            [j.created(), j.started(), j.finished(), j.deleted()]
                .into_iter()
                .flatten()
        });
        pod_times
            .chain(job_times)
            .chain(self.events.latest)
            .max()
            .unwrap_or(0)
    }

    /// The Job's summary entry, by name.
    pub fn job_summary(&self, name: &str) -> Option<&crate::record::schema::JobSummary> {
        self.summary.jobs.iter().find(|j| j.name == name)
    }

    /// The text of a name in these records.
    pub fn name(&self, name: Name) -> &str {
        self.names.text(name)
    }
}

/// A time as the records keep it: 6 bytes, milliseconds since start up to 2^48 − 2 (about
/// 8,900 years), or never.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp([u8; 6]);

impl Stamp {
    const NEVER: Stamp = Stamp([0xff; 6]);
    /// The latest time a stamp holds.
    const LATEST: SimTime = (1 << 48) - 2;

    fn new(t: Option<SimTime>) -> Option<Stamp> {
        match t {
            None => Some(Stamp::NEVER),
            Some(t) if t <= Stamp::LATEST => {
                let mut bytes = [0u8; 6];
                bytes.copy_from_slice(&t.to_le_bytes()[..6]);
                Some(Stamp(bytes))
            }
            Some(_) => None,
        }
    }

    fn get(self) -> Option<SimTime> {
        (self != Stamp::NEVER).then(|| {
            let mut bytes = [0u8; 8];
            bytes[..6].copy_from_slice(&self.0);
            u64::from_le_bytes(bytes)
        })
    }
}

impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The phase a pod ended the run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndPhase {
    /// Waiting to be scheduled or started.
    Pending,
    /// Its containers were running.
    Running,
    /// Every container exited 0.
    Succeeded,
    /// A container failed, or it was deleted.
    Failed,
    /// A phase this reader does not know (kept as such, not rejected; its text is not kept).
    Other,
}

impl EndPhase {
    fn parse(text: &[u8]) -> EndPhase {
        match text {
            b"Pending" => EndPhase::Pending,
            b"Running" => EndPhase::Running,
            b"Succeeded" => EndPhase::Succeeded,
            b"Failed" => EndPhase::Failed,
            _ => EndPhase::Other,
        }
    }
}

/// What ended a pod, as `pods.csv`'s `ended_by` says (for files written before that
/// column: derived from `phase` and `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Not ended when the run stopped.
    Running,
    /// Every container exited 0.
    Succeeded,
    /// A container failed.
    Failed,
    /// A container was OOMKilled.
    OomKilled,
    /// The pod's own `activeDeadlineSeconds` ran out.
    PodDeadline,
    /// Evicted through the Eviction API.
    Evicted,
    /// Its node was lost (taint-manager eviction, PodGC).
    NodeLost,
    /// Deleted by the Job controller: suspend.
    DeletedSuspend,
    /// Deleted by the Job controller: a success policy was met.
    DeletedSuccessPolicy,
    /// Deleted by the Job controller: the Job failed.
    DeletedJobFailed,
    /// Deleted by the Job controller: the Job's deadline passed.
    DeletedJobDeadline,
    /// Deleted by the Job controller as surplus.
    DeletedSurplus,
    /// Its Job was deleted by a CronJob's `Replace` policy.
    DeletedCronJobReplace,
    /// Deleted otherwise (a scripted delete, its Job deleted).
    Deleted,
}

impl Ended {
    /// Reads `ended_by`; `None` for empty or unknown text.
    pub fn parse(text: &[u8]) -> Option<Ended> {
        Some(match text {
            b"succeeded" => Ended::Succeeded,
            b"failed" => Ended::Failed,
            b"oom-killed" => Ended::OomKilled,
            b"pod-deadline" => Ended::PodDeadline,
            b"evicted" => Ended::Evicted,
            b"node-lost" => Ended::NodeLost,
            b"deleted-suspend" => Ended::DeletedSuspend,
            b"deleted-success-policy" => Ended::DeletedSuccessPolicy,
            b"deleted-job-failed" => Ended::DeletedJobFailed,
            b"deleted-job-deadline" => Ended::DeletedJobDeadline,
            b"deleted-surplus" => Ended::DeletedSurplus,
            b"deleted-cronjob-replace" => Ended::DeletedCronJobReplace,
            b"deleted" => Ended::Deleted,
            _ => return None,
        })
    }

    /// What a file without `ended_by` implies, from the phase and the reason.
    fn derive(phase: EndPhase, reason: &[u8]) -> Ended {
        match (phase, reason) {
            (EndPhase::Succeeded, _) => Ended::Succeeded,
            (EndPhase::Failed, b"OOMKilled") => Ended::OomKilled,
            (EndPhase::Failed, b"DeadlineExceeded") => Ended::PodDeadline,
            (EndPhase::Failed, b"NodeLost") => Ended::NodeLost,
            (EndPhase::Failed, b"Deleted") => Ended::Deleted,
            (EndPhase::Failed, _) => Ended::Failed,
            _ => Ended::Running,
        }
    }

    /// True when the Job controller (or a Job's deletion) deleted the pod.
    pub fn is_deletion(self) -> bool {
        matches!(
            self,
            Ended::DeletedSuspend
                | Ended::DeletedSuccessPolicy
                | Ended::DeletedJobFailed
                | Ended::DeletedJobDeadline
                | Ended::DeletedSurplus
                | Ended::DeletedCronJobReplace
                | Ended::Deleted
        )
    }
}

/// How the Job counted a pod (`pods.csv`'s `counted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedAs {
    /// Not recorded (older files) or not decided when the run stopped.
    Unknown,
    /// In `status.succeeded`.
    Succeeded,
    /// In `status.failed`.
    Failed,
    /// Never counted.
    No,
}

impl CountedAs {
    fn parse(text: &[u8]) -> CountedAs {
        match text {
            b"succeeded" => CountedAs::Succeeded,
            b"failed" => CountedAs::Failed,
            b"no" => CountedAs::No,
            _ => CountedAs::Unknown,
        }
    }
}

/// One in-place restart of a pod's container, from `restart_times`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartMark {
    /// The exit code of the run that ended.
    pub exit_code: i32,
    /// When the container exited.
    pub exited: SimTime,
    /// When the kubelet started it again.
    pub restarted: SimTime,
}

/// Parses `restart_times` (`EXIT@EXITED>RESTARTED;…`); `None` when malformed.
pub fn parse_restart_times(text: &str) -> Option<Vec<RestartMark>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(';')
        .map(|item| {
            let (code, times) = item.trim().split_once('@')?;
            let (exited, restarted) = times.split_once('>')?;
            Some(RestartMark {
                exit_code: code.parse().ok()?,
                exited: parse_seconds_bytes(exited.as_bytes())??,
                restarted: parse_seconds_bytes(restarted.as_bytes())??,
            })
        })
        .collect()
}

/// A [`crate::record::schema::PodRow`] of `pods.csv` (one pod, one attempt) reduced to what
/// the report draws, in a few bytes (the pod's own name, attempt, exit code and
/// restarts are checked but not kept; its in-place restarts are in
/// [`RunRecords::restarts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactPod {
    /// The Job it belongs to.
    pub job: Name,
    /// The node it was bound to; `None` if never scheduled.
    pub node: Option<Name>,
    /// The phase it ended the run in.
    pub phase: EndPhase,
    /// What ended it.
    pub ended: Ended,
    /// How its Job counted it.
    pub counted: CountedAs,
    /// The completion index, or `u32::MAX` for NonIndexed Jobs.
    index: u32,
    created: Stamp,
    scheduled: Stamp,
    started: Stamp,
    finished: Stamp,
}

impl CompactPod {
    /// The completion index; `None` for NonIndexed Jobs.
    pub fn index(&self) -> Option<u32> {
        (self.index != u32::MAX).then_some(self.index)
    }
    /// When it was created.
    pub fn created(&self) -> Option<SimTime> {
        self.created.get()
    }
    /// When it was bound to a node.
    pub fn scheduled(&self) -> Option<SimTime> {
        self.scheduled.get()
    }
    /// When its containers were running.
    pub fn started(&self) -> Option<SimTime> {
        self.started.get()
    }
    /// When it ended.
    pub fn finished(&self) -> Option<SimTime> {
        self.finished.get()
    }
    /// The earliest time the pod existed.
    pub fn first_seen(&self) -> Option<SimTime> {
        self.created().or(self.scheduled()).or(self.started())
    }
    /// True when it failed.
    pub fn failed(&self) -> bool {
        self.phase == EndPhase::Failed
    }
}

/// A Job's outcome at the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobOutcome {
    /// `Complete`.
    Complete,
    /// `Failed`.
    Failed,
    /// `Running`.
    Running,
    /// `Suspended`.
    Suspended,
    /// An outcome this reader does not know (its text is in [`JobRow::outcome`]).
    Other,
}

impl JobOutcome {
    /// Reads the `outcome` column.
    pub fn parse(text: &str) -> JobOutcome {
        match text {
            "Complete" => JobOutcome::Complete,
            "Failed" => JobOutcome::Failed,
            "Running" => JobOutcome::Running,
            "Suspended" => JobOutcome::Suspended,
            _ => JobOutcome::Other,
        }
    }
}

/// A [`JobRow`] of `jobs.csv` reduced to what the charts draw, in a few bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactJob {
    /// The Job's name.
    pub job: Name,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<Name>,
    /// How it ended.
    pub outcome: JobOutcome,
    created: Stamp,
    started: Stamp,
    finished: Stamp,
    deleted: Stamp,
}

impl CompactJob {
    /// When it was created.
    pub fn created(&self) -> Option<SimTime> {
        self.created.get()
    }
    /// When `status.startTime` was set.
    pub fn started(&self) -> Option<SimTime> {
        self.started.get()
    }
    /// When it finished.
    pub fn finished(&self) -> Option<SimTime> {
        self.finished.get()
    }
    /// When it was deleted.
    pub fn deleted(&self) -> Option<SimTime> {
        self.deleted.get()
    }
    /// The owning CronJob's name, if any.
    pub fn cronjob<'a>(&self, names: &'a Names) -> Option<&'a str> {
        names.text(self.owner?).strip_prefix("cronjob/")
    }
}

/// What the report keeps of `events.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events {
    /// The first [`LISTED_EVENTS`] rows, as written (file order: see `events.csv` in the
    /// README; a file may hold up to 8 columns, older ones 4).
    pub listed: Vec<EventRow>,
    /// How many rows the file has.
    pub total: usize,
    /// The latest time of any event.
    pub latest: Option<SimTime>,
    /// Every `node/…` event (NodeNotReady, NodeReady, …), in time order.
    pub nodes: Vec<EventRow>,
    /// Every CronJob that has an event, in order of its first event, with the times of the
    /// events the schedule strip draws.
    pub cronjobs: Vec<CronJobEvents>,
    cronjob_position: std::collections::BTreeMap<String, usize>,
    last_cronjob: usize,
}

/// One CronJob's scheduling events, each list in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CronJobEvents {
    /// The CronJob's name.
    pub cronjob: String,
    /// `SuccessfulCreate`: it created a Job (the `created` times of its Jobs in
    /// `jobs.csv`).
    pub successful_create: Vec<SimTime>,
    /// `JobAlreadyActive`: a due run was skipped (concurrencyPolicy Forbid).
    pub job_already_active: Vec<SimTime>,
    /// `MissSchedule`: a run was missed.
    pub miss_schedule: Vec<SimTime>,
}

impl Events {
    /// Counts one row and keeps what the report uses of it; `extra` holds the columns a
    /// file older than them lacks (type, count, firstTime, lastTime).
    fn add(
        &mut self,
        time: SimTime,
        object: &str,
        reason: &str,
        message: impl FnOnce() -> String,
        extra: (EventType, u32, Option<SimTime>, Option<SimTime>),
    ) {
        self.total += 1;
        self.latest = self.latest.max(Some(time));
        let (event_type, count, first_time, last_time) = extra;
        let record = |message: String| EventRow {
            time,
            object: object.to_string(),
            reason: reason.to_string(),
            message,
            event_type,
            count,
            first_time,
            last_time,
        };
        if self.listed.len() < LISTED_EVENTS {
            self.listed.push(record(message()));
            if object.starts_with("node/") {
                self.nodes.push(self.listed[self.listed.len() - 1].clone());
            }
        } else if object.starts_with("node/") {
            self.nodes.push(record(message()));
        }
        let Some(cronjob) = object.strip_prefix("cronjob/") else {
            return;
        };
        // A CronJob's events usually follow each other: try the last one first.
        let last = self.last_cronjob;
        let i = if self
            .cronjobs
            .get(last)
            .is_some_and(|c| c.cronjob == cronjob)
        {
            last
        } else if let Some(&i) = self.cronjob_position.get(cronjob) {
            i
        } else {
            self.cronjobs.push(CronJobEvents {
                cronjob: cronjob.to_string(),
                ..CronJobEvents::default()
            });
            self.cronjob_position
                .insert(cronjob.to_string(), self.cronjobs.len() - 1);
            self.cronjobs.len() - 1
        };
        self.last_cronjob = i;
        let entry = &mut self.cronjobs[i];
        match reason {
            "SuccessfulCreate" => entry.successful_create.push(time),
            "JobAlreadyActive" => entry.job_already_active.push(time),
            "MissSchedule" => entry.miss_schedule.push(time),
            _ => {}
        }
    }

    /// Takes each CronJob's Job creations from `jobs.csv` (a Job's `created` is the moment
    /// of the CronJob's `SuccessfulCreate`): `events.csv` holds them as Kubernetes keeps
    /// them, combined and rate-limited, so it no longer has one row per creation.
    fn creations_from_jobs(&mut self, jobs: &[CompactJob], names: &Names) {
        for c in &mut self.cronjobs {
            c.successful_create.clear();
        }
        for job in jobs {
            let (Some(owner), Some(created)) = (job.owner, job.created()) else {
                continue;
            };
            let Some(cronjob) = names.text(owner).strip_prefix("cronjob/") else {
                continue;
            };
            let i = match self.cronjob_position.get(cronjob) {
                Some(&i) => i,
                None => {
                    self.cronjobs.push(CronJobEvents {
                        cronjob: cronjob.to_string(),
                        ..CronJobEvents::default()
                    });
                    self.cronjob_position
                        .insert(cronjob.to_string(), self.cronjobs.len() - 1);
                    self.cronjobs.len() - 1
                }
            };
            self.cronjobs[i].successful_create.push(created);
        }
        for c in &mut self.cronjobs {
            c.successful_create.sort_unstable();
        }
    }

    /// The scheduling events of one CronJob, by name.
    pub fn cronjob(&self, name: &str) -> Option<&CronJobEvents> {
        self.cronjobs.iter().find(|c| c.cronjob == name)
    }
}

/// A Job or CronJob from `objects.json`, reduced to what the report shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectStatus {
    /// `Job` or `CronJob`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `status.conditions`.
    pub conditions: Vec<JobCondition>,
    /// Scalar `status` fields other than `conditions` (`active`, `succeeded`, …), in file order.
    pub counters: Vec<(String, String)>,
    /// A Job's `spec.backoffLimitPerIndex`, when set (the timeline shades per-index backoff).
    pub backoff_limit_per_index: Option<i64>,
    /// `metadata.creationTimestamp` (RFC 3339), empty when absent.
    pub created: String,
}

/// Reads every record file of `out_dir`. `events.csv` is read on a second thread while
/// `jobs.csv` and then `pods.csv` are read on this one.
pub fn read_run(out_dir: &Path) -> Result<RunRecords, ReportError> {
    let summary_path = out_dir.join("summary.json");
    let summary_text = read_required(&summary_path)?;
    let summary: Summary<MetricsAsWritten> =
        serde_json::from_str(&summary_text).map_err(|source| ReportError::Json {
            path: summary_path.clone(),
            source,
        })?;
    drop(summary_text);
    let mut names = Names::default();
    for job in &summary.jobs {
        intern(&mut names, &summary_path, &job.name)?;
        if let Some(owner) = &job.owner {
            intern(&mut names, &summary_path, owner)?;
        }
    }
    let (events, jobs_and_pods) = rayon::join(
        || read_events(&out_dir.join("events.csv")),
        || -> Result<_, ReportError> {
            let (jobs, listed_jobs) = read_jobs(&out_dir.join("jobs.csv"), &mut names)?;
            let pods = read_pods(&out_dir.join("pods.csv"), &mut names)?;
            Ok((jobs, listed_jobs, pods))
        },
    );
    let (jobs, listed_jobs, (pods, restarts)) = jobs_and_pods?;
    let mut events = events?;
    events.creations_from_jobs(&jobs, &names);
    let mut nodes = Vec::new();
    read_csv(
        &out_dir.join("nodes.csv"),
        false,
        find(|f| NodeColumns::try_from_names(f)),
        |c, row| {
            nodes.push(node_row(c, row)?);
            Ok(())
        },
    )?;
    let objects = read_objects(&out_dir.join("objects.json"))?;
    Ok(RunRecords {
        out_dir: out_dir.to_path_buf(),
        summary,
        names,
        pods,
        restarts,
        jobs,
        listed_jobs,
        events,
        nodes,
        objects,
    })
}

fn intern(names: &mut Names, path: &Path, text: &str) -> Result<Name, ReportError> {
    names.intern(text).map_err(|_| ReportError::Csv {
        path: path.to_path_buf(),
        line: 0,
        message: "more than 4 GiB of distinct names; the report cannot hold them".to_string(),
    })
}

fn read_required(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|source| open_error(path, source))
}

fn open_error(path: &Path, source: std::io::Error) -> ReportError {
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
}

/// A column of one file: its position and its name (for error messages).
#[derive(Clone, Copy)]
struct Column {
    position: usize,
    name: &'static str,
}

/// The header of one CSV file.
struct Header<'a> {
    path: &'a Path,
    names: Vec<String>,
}

impl Header<'_> {
    /// The position of a column the format requires.
    fn column(&self, name: &'static str) -> Result<Column, ReportError> {
        let position = self.names.iter().position(|n| n == name).ok_or_else(|| {
            ReportError::MissingColumn {
                path: self.path.to_path_buf(),
                column: name.to_string(),
            }
        })?;
        Ok(Column { position, name })
    }
}

/// One CSV row.
struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::ByteRecord,
}

impl Row<'_> {
    fn value_error(&self, column: Column, message: String) -> ReportError {
        ReportError::Value {
            path: self.path.to_path_buf(),
            line: self.line,
            column: column.name.to_string(),
            message,
        }
    }

    fn bytes(&self, column: Column) -> &[u8] {
        self.record.get(column.position).unwrap_or(b"").trim_ascii()
    }

    fn text(&self, column: Column) -> Result<&str, ReportError> {
        std::str::from_utf8(self.bytes(column))
            .map_err(|_| self.value_error(column, "the text is not valid UTF-8".to_string()))
    }

    fn optional_text(&self, column: Column) -> Result<Option<&str>, ReportError> {
        let text = self.text(column)?;
        Ok((!text.is_empty()).then_some(text))
    }

    fn time(&self, column: Column) -> Result<Option<SimTime>, ReportError> {
        let bytes = self.bytes(column);
        parse_seconds_bytes(bytes).ok_or_else(|| {
            let text = String::from_utf8_lossy(bytes);
            self.value_error(
                column,
                format!("{text:?} is not a time in seconds since start (write e.g. 12.345)"),
            )
        })
    }

    fn required_time(&self, column: Column) -> Result<SimTime, ReportError> {
        self.time(column)?
            .ok_or_else(|| self.value_error(column, "a time is required here".to_string()))
    }

    fn stamp(&self, column: Column) -> Result<Stamp, ReportError> {
        Stamp::new(self.time(column)?).ok_or_else(|| {
            self.value_error(
                column,
                "the time is later than the report can show (at most 8,900 years)".to_string(),
            )
        })
    }

    fn number<T: std::str::FromStr>(&self, column: Column) -> Result<Option<T>, ReportError> {
        let bytes = self.bytes(column);
        if bytes.is_empty() {
            return Ok(None);
        }
        let parsed = std::str::from_utf8(bytes).ok().and_then(|t| t.parse().ok());
        parsed.map(Some).ok_or_else(|| {
            let text = String::from_utf8_lossy(bytes);
            self.value_error(
                column,
                format!("{text:?} is not a whole number (write e.g. 0, 3, 250)"),
            )
        })
    }
}

/// Streams the rows of one CSV file: `columns` finds the columns in the header (its error is
/// reported at the first row, so a file with a header only is fine), `each` takes every
/// non-blank row. A file that is not `required` and absent has no rows.
fn read_csv<C>(
    path: &Path,
    required: bool,
    columns: impl FnOnce(&Header) -> Result<C, ReportError>,
    mut each: impl FnMut(&C, &Row) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(open_error(path, e)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 18)
        .from_reader(RowLimit::new(file, MAX_ROW_BYTES));
    // An error of the file itself (a row past the limit) has no position of its own: it is
    // in the row that starts where the reader stands.
    let csv_error = |e: csv::Error, at: u64| ReportError::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(at, |p| p.line()),
        message: e.to_string(),
    };
    let header = Header {
        path,
        names: reader
            .byte_headers()
            .map_err(|e| csv_error(e, 1))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect(),
    };
    let columns = columns(&header);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = reader.position().line();
                return Err(csv_error(e, at));
            }
        }
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        let columns = match &columns {
            Ok(columns) => columns,
            Err(_) => return columns.map(|_| ()),
        };
        let row = Row {
            path,
            line: record.position().map_or(0, |p| p.line()),
            record: &record,
        };
        each(columns, &row)?;
    }
    Ok(())
}

/// Finds every column of a schema row in the header, in column order.
fn find<C>(
    try_from_names: impl FnOnce(
        &mut dyn FnMut(&'static str) -> Result<Column, ReportError>,
    ) -> Result<C, ReportError>,
) -> impl FnOnce(&Header) -> Result<C, ReportError> {
    move |h| try_from_names(&mut |name| h.column(name))
}

/// The pods and the in-place restarts of those that had any.
type PodsRead = (Vec<CompactPod>, Vec<(usize, Vec<RestartMark>)>);

/// Room for every row of a CSV file of this size whose rows are at least `min_row_bytes`
/// long, taken at once so that the vector does not grow by copying (for a year of CronJob
/// pods the last copy alone is tens of megabytes held twice). Pages never written stay
/// virtual. When the room cannot be had, or a file has shorter rows, the vector grows as
/// usual.
pub(super) fn room_for_rows<T>(path: &Path, min_row_bytes: u64) -> Vec<T> {
    let mut rows = Vec::new();
    if let Ok(meta) = std::fs::metadata(path) {
        let most = usize::try_from(meta.len() / min_row_bytes).unwrap_or(usize::MAX);
        let _ = rows.try_reserve_exact(most);
    }
    rows
}

/// The shortest `pods.csv` row jobsim writes: 19 columns, the pod, Job, attempt, created
/// time, phase, created_for and counted never empty.
pub(super) const MIN_POD_ROW_BYTES: u64 = 40;
/// The shortest `jobs.csv` row jobsim writes: 11 columns, the Job, created time, outcome
/// and three counts never empty.
pub(super) const MIN_JOB_ROW_BYTES: u64 = 20;

fn read_pods(path: &Path, names: &mut Names) -> Result<PodsRead, ReportError> {
    let mut pods = room_for_rows(path, MIN_POD_ROW_BYTES);
    let mut restarts = Vec::new();
    read_csv(
        path,
        true,
        // Columns added later may be missing (older folders): they read as empty cells.
        |h: &Header| {
            PodColumns::try_from_names(|name| {
                if PodRow::ADDED_COLUMNS.contains(&name) {
                    Ok(h.column(name).unwrap_or(Column {
                        position: usize::MAX,
                        name,
                    }))
                } else {
                    h.column(name)
                }
            })
        },
        |c: &PodColumns<Column>, row| {
            row.text(c.pod)?;
            let job = intern(names, path, row.text(c.job)?)?;
            let index = match row.number::<u32>(c.index)? {
                None => u32::MAX,
                Some(u32::MAX) => {
                    let message = format!("{} is not a completion index", u32::MAX);
                    return Err(row.value_error(c.index, message));
                }
                Some(index) => index,
            };
            row.number::<u32>(c.attempt)?;
            let node = match row.optional_text(c.node)? {
                Some(node) => Some(intern(names, path, node)?),
                None => None,
            };
            let created = row.stamp(c.created)?;
            let scheduled = row.stamp(c.scheduled)?;
            let started = row.stamp(c.started)?;
            let finished = row.stamp(c.finished)?;
            let phase = EndPhase::parse(row.bytes(c.phase));
            row.text(c.reason)?;
            row.number::<i64>(c.exit_code)?;
            row.number::<u32>(c.restarts)?;
            row.text(c.created_for)?;
            row.text(c.replaces)?;
            let ended = Ended::parse(row.bytes(c.ended_by))
                .unwrap_or_else(|| Ended::derive(phase, row.bytes(c.reason)));
            let counted = CountedAs::parse(row.bytes(c.counted));
            row.number::<u16>(c.rule)?;
            let restart_text = row.text(c.restart_times)?;
            if !restart_text.is_empty() {
                let marks = parse_restart_times(restart_text).ok_or_else(|| {
                    row.value_error(
                        c.restart_times,
                        format!(
                            "{restart_text:?} is not EXIT@EXITED>RESTARTED;… (e.g. 1@6.020>16.020)"
                        ),
                    )
                })?;
                restarts.push((pods.len(), marks));
            }
            pods.push(CompactPod {
                job,
                node,
                index,
                phase,
                ended,
                counted,
                created,
                scheduled,
                started,
                finished,
            });
            Ok(())
        },
    )?;
    Ok((pods, restarts))
}

fn read_jobs(
    path: &Path,
    names: &mut Names,
) -> Result<(Vec<CompactJob>, Vec<JobRow>), ReportError> {
    let mut jobs = room_for_rows(path, MIN_JOB_ROW_BYTES);
    let mut listed = Vec::new();
    read_csv(
        path,
        false,
        find(|f| JobColumns::try_from_names(f)),
        |c: &JobColumns<Column>, row| {
            let job = row.text(c.job)?;
            let owner = row.optional_text(c.owner)?;
            let created = row.required_time(c.created)?;
            let started = row.time(c.started)?;
            let finished = row.time(c.finished)?;
            let outcome = row.text(c.outcome)?;
            let reason = row.text(c.reason)?;
            let succeeded = row.number(c.succeeded)?.unwrap_or(0);
            let failed = row.number(c.failed)?.unwrap_or(0);
            let pods = row.number(c.pods)?.unwrap_or(0);
            let deleted = row.time(c.deleted)?;
            if listed.len() < LISTED_JOBS {
                listed.push(JobRow {
                    job: job.to_string(),
                    owner: owner.map(str::to_string),
                    created,
                    started,
                    finished,
                    outcome: outcome.to_string(),
                    reason: reason.to_string(),
                    succeeded,
                    failed,
                    pods,
                    deleted,
                });
            }
            jobs.push(CompactJob {
                job: intern(names, path, job)?,
                owner: match owner {
                    Some(owner) => Some(intern(names, path, owner)?),
                    None => None,
                },
                outcome: JobOutcome::parse(outcome),
                created: row.stamp(c.created)?,
                started: row.stamp(c.started)?,
                finished: row.stamp(c.finished)?,
                deleted: row.stamp(c.deleted)?,
            });
            Ok(())
        },
    )?;
    Ok((jobs, listed))
}

/// The columns `events.csv` gained after its first four; a file written before them reads
/// as type Normal, count 1, both times the row's `time`.
const LATER_EVENT_COLUMNS: [&str; 4] = ["type", "count", "firstTime", "lastTime"];

fn read_events(path: &Path) -> Result<Events, ReportError> {
    let mut events = Events::default();
    read_csv(
        path,
        false,
        |h: &Header| {
            EventColumns::try_from_names(|name| {
                if LATER_EVENT_COLUMNS.contains(&name) {
                    Ok(h.column(name).ok())
                } else {
                    h.column(name).map(Some)
                }
            })
        },
        |c: &EventColumns<Option<Column>>, row| {
            let required = |c: Option<Column>| c.expect("a required column was found");
            let time = row.required_time(required(c.time))?;
            let object = row.text(required(c.object))?;
            let reason = row.text(required(c.reason))?;
            let message = row.text(required(c.message))?;
            let event_type = match c.event_type.map(|c| row.text(c)).transpose()? {
                Some("Warning") => EventType::Warning,
                _ => EventType::Normal,
            };
            let count = match c.count {
                Some(c) => row.number::<u32>(c)?.unwrap_or(1),
                None => 1,
            };
            let first = match c.first_time {
                Some(c) => row.time(c)?,
                None => Some(time),
            };
            let last = match c.last_time {
                Some(c) => row.time(c)?,
                None => Some(time),
            };
            events.add(
                time,
                object,
                reason,
                || message.to_string(),
                (event_type, count, first, last),
            );
            Ok(())
        },
    )?;
    // Rows follow the order in which Event objects were final, not time: the charts
    // read these lists in time order.
    events.nodes.sort_by_key(|e| e.time);
    for c in &mut events.cronjobs {
        c.successful_create.sort_unstable();
        c.job_already_active.sort_unstable();
        c.miss_schedule.sort_unstable();
    }
    Ok(events)
}

fn node_row(c: &NodeColumns<Column>, row: &Row) -> Result<NodeRow, ReportError> {
    // Capacities are never negative: read them as unsigned, as written.
    let amount = |column: Column| -> Result<i64, ReportError> {
        let value = row.number::<u64>(column)?.unwrap_or(0);
        i64::try_from(value).map_err(|_| row.value_error(column, format!("{value} is too large")))
    };
    Ok(NodeRow {
        node: row.text(c.node)?.to_string(),
        pool: row.text(c.pool)?.to_string(),
        cpu: amount(c.cpu)?,
        memory: amount(c.memory)?,
        pods: amount(c.pods)?,
    })
}

/// The scalar fields of a `status` (`active`, `succeeded`, `startTime`, …) in order, as text;
/// lists and maps (uncountedTerminatedPods, active refs) are not counters.
fn counters(status: &serde_json::Value) -> Vec<(String, String)> {
    let Some(status) = status.as_object() else {
        return Vec::new();
    };
    status
        .iter()
        .filter_map(|(key, value)| match value {
            serde_json::Value::String(s) => Some((key.clone(), s.clone())),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                Some((key.clone(), value.to_string()))
            }
            _ => None,
        })
        .collect()
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
        let kind = item.kind().to_string();
        let status = match item {
            Object::Job(job) => ObjectStatus {
                kind,
                counters: counters(&serde_json::to_value(&job.status).map_err(json_error)?),
                backoff_limit_per_index: job
                    .spec
                    .get("backoffLimitPerIndex")
                    .and_then(serde_json::Value::as_i64),
                created: job.metadata.creation_timestamp.clone().unwrap_or_default(),
                name: job.metadata.name,
                namespace: job.metadata.namespace,
                conditions: job.status.conditions,
            },
            Object::CronJob(cronjob) => ObjectStatus {
                kind,
                counters: counters(&serde_json::to_value(&cronjob.status).map_err(json_error)?),
                created: cronjob
                    .metadata
                    .creation_timestamp
                    .clone()
                    .unwrap_or_default(),
                name: cronjob.metadata.name,
                namespace: cronjob.metadata.namespace,
                conditions: Vec::new(),
                backoff_limit_per_index: None,
            },
            Object::Other(value) => {
                let text = |pointer: &str| {
                    value
                        .pointer(pointer)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                let conditions = match value.pointer("/status/conditions") {
                    Some(c) => serde_json::from_value(c.clone()).map_err(json_error)?,
                    None => Vec::new(),
                };
                ObjectStatus {
                    kind,
                    name: text("/metadata/name"),
                    namespace: text("/metadata/namespace"),
                    conditions,
                    counters: value.get("status").map(counters).unwrap_or_default(),
                    backoff_limit_per_index: None,
                    created: text("/metadata/creationTimestamp"),
                }
            }
        };
        objects.push(status);
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_for_rows_covers_every_row_of_the_shortest_length_and_nothing_for_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pods.csv");
        std::fs::write(&path, vec![b'x'; 4_000]).unwrap();
        let rows: Vec<u64> = room_for_rows(&path, MIN_POD_ROW_BYTES);
        assert!(rows.is_empty());
        assert!(rows.capacity() >= (4_000 / MIN_POD_ROW_BYTES) as usize);
        let none: Vec<u64> = room_for_rows(&dir.path().join("missing.csv"), MIN_POD_ROW_BYTES);
        assert_eq!(none.capacity(), 0);
    }

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
        assert_eq!(run.pods[0].index(), None);
        assert_eq!(run.pods[0].node.map(|n| run.name(n)), Some("worker-0"));
        assert_eq!(run.name(run.pods[0].job), "pi");
        assert_eq!(run.pods[0].started(), Some(1_000));
        assert_eq!(run.summary.jobs[0].parallelism, Some(3));
        assert_eq!(run.summary.jobs[0].pod_requests.cpu, 500);
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
        let pod = run.pods[0];
        assert_eq!(run.name(pod.job), "j");
        assert_eq!(pod.node.map(|n| run.name(n)), Some("n0"));
        assert_eq!(pod.index(), Some(2));
        assert_eq!(pod.phase, EndPhase::Failed);
        assert_eq!((pod.scheduled(), pod.finished()), (Some(100), Some(3_000)));
        assert!(run.jobs.is_empty() && run.events.total == 0 && run.objects.is_empty());
    }

    #[test]
    fn older_pods_csv_without_why_columns_reads_and_derives_how_pods_ended() {
        // A folder written before the why-columns: the end comes from phase and reason.
        let run = read_run(&fixture("backoff")).unwrap();
        assert!(run.pods.iter().all(|p| p.ended == Ended::Failed));
        assert!(run.pods.iter().all(|p| p.counted == CountedAs::Unknown));
        assert!(run.restarts.is_empty());
    }

    #[test]
    fn why_columns_read_into_end_cause_counting_and_restarts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        std::fs::write(
            dir.path().join("pods.csv"),
            "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts,created_for,replaces,ended_by,counted,rule,restart_times\n\
             a,j,,1,n,0.000,,,10.000,Failed,Deleted,143,0,initial,,deleted-suspend,no,,\n\
             b,j,,2,n,60.000,60.020,61.020,91.020,Succeeded,Completed,0,2,replaces-deleted,a,succeeded,succeeded,,1@6.020>6.020;1@11.020>21.020\n",
        )
        .unwrap();
        let run = read_run(dir.path()).unwrap();
        assert_eq!(run.pods[0].ended, Ended::DeletedSuspend);
        assert_eq!(run.pods[0].counted, CountedAs::No);
        assert_eq!(run.pods[1].ended, Ended::Succeeded);
        assert_eq!(run.restarts.len(), 1);
        assert_eq!(run.restarts[0].0, 1);
        assert_eq!(
            run.restarts[0].1[1],
            RestartMark {
                exit_code: 1,
                exited: 11_020,
                restarted: 21_020
            }
        );
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
    fn pod_and_job_records_stay_small() {
        // A year of an every-minute CronJob keeps half a million of each in memory.
        assert!(std::mem::size_of::<CompactPod>() <= 40);
        assert!(std::mem::size_of::<CompactJob>() <= 36);
    }

    #[test]
    fn stamps_hold_every_time_up_to_the_latest_and_refuse_later_ones() {
        for t in [None, Some(0), Some(31_536_000_000), Some(Stamp::LATEST)] {
            assert_eq!(Stamp::new(t).map(Stamp::get), Some(t));
        }
        assert!(Stamp::new(Some(Stamp::LATEST + 1)).is_none());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        std::fs::write(
            dir.path().join("pods.csv"),
            "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts\n\
             p,j,,1,n,0.0,,,999999999999999.000,Pending,,,0\n",
        )
        .unwrap();
        let err = read_run(dir.path()).unwrap_err();
        assert!(
            matches!(&err, ReportError::Value { line: 2, column, .. } if column == "finished"),
            "{err}"
        );
    }

    #[test]
    fn a_year_of_hourly_runs_lists_only_the_first_rows_whole() {
        let dir = tempfile::tempdir().unwrap();
        crate::report::synthetic::write_cron_year(dir.path()).unwrap();
        let run = read_run(dir.path()).unwrap();
        // 8,760 hourly times, every 50th skipped under Forbid.
        assert_eq!((run.jobs.len(), run.pods.len()), (8760 - 175, 8760 - 175));
        assert_eq!(run.listed_jobs.len(), LISTED_JOBS);
        assert_eq!(run.listed_jobs[1999].job, run.name(run.jobs[1999].job));
        assert_eq!(run.listed_jobs[0].outcome, "Complete");
        assert!(
            run.jobs
                .iter()
                .all(|j| j.cronjob(&run.names) == Some("nightly"))
        );
        // Every event is counted, the first ones are kept as written, and the CronJob's
        // scheduling events are all kept for the schedule strip, past the listed rows too.
        assert_eq!(run.events.total, 8760);
        assert_eq!(run.events.listed.len(), LISTED_EVENTS);
        assert_eq!(run.events.listed[0].reason, "SuccessfulCreate");
        let nightly = run.events.cronjob("nightly").unwrap();
        assert_eq!(nightly.successful_create.len(), 8760 - 175);
        assert_eq!(nightly.job_already_active.len(), 175);
        assert_eq!(nightly.job_already_active.last(), Some(&(8750 * 3_600_000)));
        assert_eq!(run.events.latest, Some(8760 * 3_600_000));
    }

    #[test]
    fn event_object_splits_into_kind_and_name() {
        let e = EventRow {
            time: 0,
            object: "node/worker-1".into(),
            reason: "NodeNotReady".into(),
            message: String::new(),
            event_type: EventType::Normal,
            count: 1,
            first_time: Some(0),
            last_time: Some(0),
        };
        assert_eq!((e.kind(), e.name()), ("node", "worker-1"));
    }
}
