//! `jobsim get`: the tables `kubectl get jobs|pods|cronjobs|events` would print at one
//! simulated moment, and the lines `kubectl get -w` would print as the run goes on — all
//! rebuilt from a run's output folder (`pods.csv`, `jobs.csv`, `events.csv`, `summary.json`,
//! `objects.json`).
//!
//! It owns reading those files into per-object histories ([`View`]), the one place that
//! says what a pod's STATUS column is at a moment ([`pod_state`]), the Job, CronJob and
//! event rows, kubectl's human durations ([`human_duration`]) and its column layout
//! ([`format_table`]). It reads the files row by row, columns by header name, and keeps
//! only what the caller will list ([`ReadOptions`]: a full [`View::read`] keeps every pod,
//! every event and every `pods.csv` column it does not know, so a status rule can use
//! them). It must
//! not re-simulate: what the records do not say (a CronJob suspended for a while, restart
//! times without kubelet events) is shown as the records leave it, and the README says so.

use super::ReportError;
use crate::record::schema::{MetricsAsWritten, Object, ObjectList, Summary, parse_seconds};
use crate::time::{SECOND, SimTime};
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The kinds of object `jobsim get` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `jobs` (`job`).
    Jobs,
    /// `pods` (`pod`, `po`).
    Pods,
    /// `cronjobs` (`cronjob`, `cj`).
    CronJobs,
    /// `events` (`event`, `ev`).
    Events,
}

impl Resource {
    /// Reads a resource name as kubectl accepts it (plural, singular or short name).
    pub fn parse(text: &str) -> Option<Resource> {
        match text.to_ascii_lowercase().as_str() {
            "jobs" | "job" | "jobs.batch" | "job.batch" => Some(Resource::Jobs),
            "pods" | "pod" | "po" => Some(Resource::Pods),
            "cronjobs" | "cronjob" | "cj" | "cronjobs.batch" | "cronjob.batch" => {
                Some(Resource::CronJobs)
            }
            "events" | "event" | "ev" => Some(Resource::Events),
            _ => None,
        }
    }

    /// The plural name, as kubectl's "No resources found" message has it.
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Jobs => "jobs",
            Resource::Pods => "pods",
            Resource::CronJobs => "cronjobs",
            Resource::Events => "events",
        }
    }
}

/// kubectl's `duration.HumanDuration`: about two significant figures (`45s`, `2m5s`, `12m`,
/// `3h20m`, `9h`, `3d4h`, `40d`, `2y30d`), from whole seconds.
pub fn human_duration(ms: SimTime) -> String {
    let seconds = ms / SECOND;
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{days}d")
        } else {
            format!("{days}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if hours < 24 * 365 * 8 {
        let d = days % 365;
        return if d == 0 {
            format!("{years}y")
        } else {
            format!("{years}y{d}d")
        };
    }
    format!("{years}y")
}

/// How long ago `then` was at `now`, as kubectl's `translateTimestampSince` prints it:
/// Kubernetes stores `then` in whole seconds.
fn since(then: SimTime, now: SimTime) -> String {
    human_duration(now.saturating_sub(then - then % SECOND))
}

/// A table as kubectl prints it: a header row and the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names, upper case.
    pub header: Vec<&'static str>,
    /// One row per object, cells in header order.
    pub rows: Vec<Vec<String>>,
}

/// Lays out lines as kubectl's tab writer does: every column but the last padded to its
/// widest cell plus 3 spaces (at least 6 wide); the last one is not padded.
pub fn format_table<S: AsRef<str>>(lines: &[Vec<S>]) -> String {
    TabWriter::default().write(lines)
}

/// kubectl's tab writer, which remembers each column's widest cell across flushes (so the
/// lines of a watch stay aligned with the table above them, widening when a wider cell
/// comes).
#[derive(Debug, Clone, Default)]
struct TabWriter {
    widths: Vec<usize>,
}

impl TabWriter {
    /// Lays out one block of lines and flushes it.
    fn write<S: AsRef<str>>(&mut self, lines: &[Vec<S>]) -> String {
        for line in lines {
            self.measure(line);
        }
        let mut out = String::new();
        for line in lines {
            self.push_line(line, &mut out);
        }
        out
    }

    /// Widens the columns to `line`'s cells (the last cell of a line is not a column: it
    /// is not measured or padded).
    fn measure<S: AsRef<str>>(&mut self, line: &[S]) {
        let cells = line.len().saturating_sub(1);
        if self.widths.len() < cells {
            self.widths.resize(cells, 0);
        }
        for (i, cell) in line.iter().take(cells).enumerate() {
            self.widths[i] = self.widths[i].max(cell.as_ref().chars().count());
        }
    }

    /// Appends `line` laid out in the columns measured so far, which must include it.
    fn push_line<S: AsRef<str>>(&self, line: &[S], out: &mut String) {
        let start = out.len();
        for (i, cell) in line.iter().enumerate() {
            let cell = cell.as_ref();
            out.push_str(cell);
            if i + 1 < line.len() {
                let width = (self.widths[i] + 3).max(6);
                let pad = width - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = start + out[start..].trim_end().len();
        out.truncate(kept);
        out.push('\n');
    }
}

/// The lines of a watch as `kubectl get -w` writes them: the table at the start, then
/// one line per change, each laid out in the widest columns seen so far and handed out a
/// piece at a time.
struct WatchLines {
    head: Vec<&'static str>,
    watch_events: bool,
    writer: TabWriter,
    piece: String,
    written: bool,
}

impl WatchLines {
    fn new(resource: Resource, wide: bool, watch_events: bool) -> WatchLines {
        let mut head = header(resource, wide);
        if watch_events {
            head.insert(0, "EVENT");
        }
        WatchLines {
            head,
            watch_events,
            writer: TabWriter::default(),
            piece: String::new(),
            written: false,
        }
    }

    /// A row's cells, after `ADDED`, `MODIFIED` or `DELETED` when asked for.
    fn line(&self, event: &'static str, cells: &[String]) -> Vec<String> {
        let mut line = Vec::with_capacity(cells.len() + 1);
        if self.watch_events {
            line.push(event.to_string());
        }
        line.extend(cells.iter().cloned());
        line
    }

    fn flush<E>(&mut self, emit: &mut impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
        if self.piece.len() >= PIECE {
            emit(&self.piece)?;
            self.piece.clear();
        }
        Ok(())
    }

    /// The table at the start, from its rows.
    fn table<'r, E>(
        &mut self,
        rows: impl Iterator<Item = &'r Row> + Clone,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        for row in rows.clone() {
            self.measure_added(&row.cells);
        }
        self.head();
        for row in rows {
            self.added(&row.cells, emit)?;
        }
        Ok(())
    }

    /// Widens the columns to a row of the table at the start.
    fn measure_added(&mut self, cells: &[String]) {
        let line = self.line("ADDED", cells);
        self.writer.measure(&line);
    }

    /// The header, laid out in the columns measured so far (and its own).
    fn head(&mut self) {
        self.writer.measure(&self.head);
        self.writer.push_line(&self.head, &mut self.piece);
        self.written = true;
    }

    /// A row of the table at the start, measured before.
    fn added<E>(
        &mut self,
        cells: &[String],
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        let line = self.line("ADDED", cells);
        self.writer.push_line(&line, &mut self.piece);
        self.flush(emit)
    }

    /// An object's row is `now` where it was `last` (`before`: its row just before, for
    /// one that is gone): a line when it appeared, went or changed beyond its clocks.
    fn change<E>(
        &mut self,
        last: &mut Option<Row>,
        now: Option<Row>,
        before: impl FnOnce() -> Option<Row>,
        deleted_on_request: bool,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        let (event, cells) = match (&*last, &now) {
            (None, Some(row)) => ("ADDED", row.cells.clone()),
            (Some(old), None) => {
                // Deleted: kubectl prints the object as it was last seen.
                let mut cells = old.cells.clone();
                if let Some(then) = before() {
                    cells = then.cells;
                }
                // A pod deleted on request leaves as kubectl last sees it: terminating.
                if deleted_on_request {
                    cells[2] = "Terminating".to_string();
                }
                ("DELETED", cells)
            }
            (Some(old), Some(row)) if old.stable != row.stable => ("MODIFIED", row.cells.clone()),
            _ => return Ok(()),
        };
        if !self.written {
            // The first object appears after the start: the header comes with it.
            self.head();
        }
        let cells = self.line(event, &cells);
        self.writer.measure(&cells);
        self.writer.push_line(&cells, &mut self.piece);
        self.flush(emit)?;
        *last = now;
        Ok(())
    }

    /// Hands out what is left; whether anything was written.
    fn finish<E>(self, emit: &mut impl FnMut(&str) -> Result<(), E>) -> Result<bool, E> {
        if !self.piece.is_empty() {
            emit(&self.piece)?;
        }
        Ok(self.written)
    }
}

/// Text handed out in pieces of about this many bytes by the streaming writers
/// ([`View::write_table`], [`View::watch_with`]), so that a table of millions of rows is
/// never held whole.
const PIECE: usize = 64 << 10;

/// How many bytes of pods, and of events, `jobsim get` holds before it leaves the rows of
/// a table in their files ([`ReadOptions::hold_at_most`]).
pub const HOLD_FOR_A_TABLE: usize = 32 << 20;

/// How many bytes of cells [`View::write_table`] keeps from measuring the columns to
/// writing the rows; a larger table is laid out a second time instead.
const HELD_ROW_BYTES: usize = 16 << 20;

impl Table {
    /// The table as kubectl prints it (header first).
    pub fn render(&self) -> String {
        let mut lines: Vec<Vec<&str>> = vec![self.header.clone()];
        lines.extend(
            self.rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect()),
        );
        format_table(&lines)
    }
}

/// One pod's history, from its `pods.csv` row and the events that name it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodView {
    /// The object's name.
    pub name: String,
    /// The Job that created it.
    pub job: String,
    /// The completion index; `None` for NonIndexed Jobs.
    pub index: Option<u32>,
    /// The node it was bound to.
    pub node: Option<String>,
    /// When it was created.
    pub created: SimTime,
    /// When it was bound to a node.
    pub scheduled: Option<SimTime>,
    /// When its containers were running.
    pub started: Option<SimTime>,
    /// When it ended.
    pub finished: Option<SimTime>,
    /// `Pending`, `Running`, `Succeeded` or `Failed` at the end of the run.
    pub phase: String,
    /// Why it ended (`Completed`, `Error`, `OOMKilled`, `DeadlineExceeded`, `Deleted`, …).
    pub reason: String,
    /// The exit code it ended with.
    pub exit_code: Option<i32>,
    /// In-place restarts by the end of the run.
    pub restarts: u32,
    /// When its deletion was asked for (a controller's `Deleted pod: …`, a taint eviction,
    /// the kubelet's `Killing`): from then on it is `Terminating`.
    pub deletion_requested: Option<SimTime>,
    /// When it left the API server (its termination ended after a deletion, or its Job was
    /// deleted); `None` while it is still there at the end.
    pub removed: Option<SimTime>,
    /// When its container was restarted in place, in time order (from the kubelet's events
    /// or a `restart_times` column), when the records say.
    pub restart_times: Vec<SimTime>,
    /// When each run that was restarted ended (`restart_times`' `EXITED`), in time order;
    /// empty when the records do not say (older files, events alone). kubectl's RESTARTS
    /// column says how long ago the last of them was: `printPod` in kubectl's
    /// `pkg/printers/internalversion/printers.go` takes the latest
    /// `lastState.terminated.finishedAt` of the containers, and prints `N (X ago)` when
    /// N > 0.
    pub exit_times: Vec<SimTime>,
    /// The crash-loop waits (`BackOff` until the next start), when the records say.
    pub crash_waits: Vec<(SimTime, SimTime)>,
    /// Containers per pod (from the Job's template in `objects.json`; 1 when unknown).
    pub containers: u32,
    /// Every `pods.csv` column this reader does not interpret, by header name.
    pub extra: BTreeMap<String, String>,
}

impl PodView {
    /// About how much memory the pod takes.
    fn held_bytes(&self) -> usize {
        let strings = [&self.name, &self.job, &self.phase, &self.reason];
        let times = self.restart_times.len() + self.exit_times.len() + 2 * self.crash_waits.len();
        std::mem::size_of::<PodView>()
            + strings.iter().map(|s| s.len()).sum::<usize>()
            + self.node.as_ref().map_or(0, |n| n.len())
            + times * std::mem::size_of::<SimTime>()
            + self
                .extra
                .iter()
                .map(|(k, v)| k.len() + v.len() + 64)
                .sum::<usize>()
    }
}

/// What `kubectl get pods` shows of one pod at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodState {
    /// Ready containers.
    pub ready: u32,
    /// The STATUS column.
    pub status: String,
    /// In-place restarts so far.
    pub restarts: u32,
    /// When the last of them happened, when known.
    pub last_restart: Option<SimTime>,
}

/// The STATUS, READY and RESTARTS of `pod` at `at`, or `None` when the pod does not exist
/// then (not yet created, or already gone). The one place that decides a pod's status:
/// kubectl's rules (a deletion shows as `Terminating`; a finished container shows its
/// reason — `Completed`, `Error`, `OOMKilled`, `DeadlineExceeded`; a waiting one its wait —
/// `ContainerCreating`, `CrashLoopBackOff`) over what the records say.
pub fn pod_state(pod: &PodView, at: SimTime) -> Option<PodState> {
    if at < pod.created || pod.removed.is_some_and(|r| r <= at) {
        return None;
    }
    let reached = |t: Option<SimTime>| t.is_some_and(|t| t <= at);
    let finished = reached(pod.finished);
    let (restarts, last_restart) = if pod.restart_times.is_empty() {
        // Without restart times the count is known only once the pod has ended.
        (if finished { pod.restarts } else { 0 }, None)
    } else {
        let done: Vec<SimTime> = pod
            .restart_times
            .iter()
            .copied()
            .filter(|&t| t <= at)
            .collect();
        // The last termination when the records give it, else the last restart.
        let last_exit = pod.exit_times.iter().copied().filter(|&t| t <= at).max();
        let last = if done.is_empty() {
            None
        } else {
            last_exit.or(done.last().copied())
        };
        (done.len() as u32, last)
    };
    let running = reached(pod.started) && !finished;
    let in_crash_wait = pod.crash_waits.iter().any(|&(a, b)| a <= at && at < b);
    let status = if reached(pod.deletion_requested) {
        "Terminating".to_string()
    } else if finished {
        match (pod.reason.as_str(), pod.phase.as_str()) {
            ("", "Succeeded") => "Completed".to_string(),
            ("", "Failed") => "Error".to_string(),
            ("", phase) => phase.to_string(),
            (reason, _) => reason.to_string(),
        }
    } else if running && in_crash_wait {
        "CrashLoopBackOff".to_string()
    } else if running {
        "Running".to_string()
    } else if reached(pod.scheduled) {
        "ContainerCreating".to_string()
    } else {
        "Pending".to_string()
    };
    let ready = if running && !in_crash_wait {
        pod.containers
    } else {
        0
    };
    Some(PodState {
        ready,
        status,
        restarts,
        last_restart,
    })
}

/// One Job's history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobView {
    /// The object's name.
    pub name: String,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<String>,
    /// When it was created.
    pub created: SimTime,
    /// When its containers were running.
    pub started: Option<SimTime>,
    /// When it ended.
    pub finished: Option<SimTime>,
    /// `Complete`, `Failed`, `Suspended` or `Running` at the end.
    pub outcome: String,
    /// `status.succeeded` at the end.
    pub succeeded: i32,
    /// When it was deleted.
    pub deleted: Option<SimTime>,
    /// `spec.completions`.
    pub completions: Option<i32>,
    /// `spec.parallelism`.
    pub parallelism: Option<i32>,
    /// `completionMode: Indexed`.
    pub indexed: bool,
    /// When it was suspended, until when (from its `Suspended` / `Resumed` events).
    pub suspensions: Vec<(SimTime, Option<SimTime>)>,
    /// When each of its pods succeeded, in time order (completion index for Indexed Jobs:
    /// only the first success of an index counts).
    pub successes: Vec<SimTime>,
    /// Container names and images of its template (for `-o wide`), when known.
    pub containers: Vec<(String, String)>,
    /// Its uid (for the selector of `-o wide`), when `objects.json` has it.
    pub uid: Option<String>,
}

/// One CronJob.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CronJobView {
    /// The object's name.
    pub name: String,
    /// `spec.schedule`.
    pub schedule: String,
    /// `spec.timeZone`.
    pub time_zone: Option<String>,
    /// `spec.suspend` at the end of the run.
    pub suspend: bool,
    /// When `spec.suspend` was true during the run, until when (`suspensions` of
    /// `summary.json`; empty when it never changed).
    pub suspensions: Vec<(SimTime, Option<SimTime>)>,
    /// When it was created.
    pub created: SimTime,
    /// Its Jobs, as indexes into [`View::jobs`].
    pub jobs: Vec<usize>,
    /// `(name, image)` of each container of its template.
    pub containers: Vec<(String, String)>,
}

impl CronJobView {
    /// `spec.suspend` at `at`: from the recorded suspensions, or the final value when it
    /// never changed during the run.
    pub fn suspended_at(&self, at: SimTime) -> bool {
        if self.suspensions.is_empty() {
            return self.suspend;
        }
        self.suspensions
            .iter()
            .any(|&(from, to)| from <= at && to.is_none_or(|to| at < to))
    }
}

/// One row of `events.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventView {
    /// When it was recorded.
    pub time: SimTime,
    /// `Normal` or `Warning`: the `type` column when the records have it, else from the
    /// reason.
    pub event_type: String,
    /// Kubernetes' reason.
    pub reason: String,
    /// `kind/name`.
    pub object: String,
    /// Kubernetes' message.
    pub message: String,
}

impl EventView {
    /// About how much memory the event takes.
    fn held_bytes(&self) -> usize {
        let strings = [&self.event_type, &self.reason, &self.object, &self.message];
        std::mem::size_of::<EventView>() + strings.iter().map(|s| s.len()).sum::<usize>()
    }
}

/// A run's output folder, read as object histories.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The end of the run.
    pub end: SimTime,
    /// Every pod, in `pods.csv` order (none when the read did not ask for them:
    /// [`ReadOptions::pods`]).
    pub pods: Vec<PodView>,
    /// Every Job, in `jobs.csv` order.
    pub jobs: Vec<JobView>,
    /// Every CronJob, in `summary.json` order.
    pub cronjobs: Vec<CronJobView>,
    /// The events the read asked for ([`ReadOptions::events_until`]), in file order.
    pub events: Vec<EventView>,
    /// Wall-clock start of the run (to place `objects.json` timestamps and CronJob Job
    /// names on the simulated clock).
    start: Option<jiff::Timestamp>,
    /// The run's folder, when the read may leave rows in their files
    /// ([`ReadOptions::hold_at_most`]), for [`View::write_table`] to read them again.
    rows_in: Option<PathBuf>,
    /// Whether the read let go of the pods, and of the events, it was asked for.
    left_in_files: (bool, bool),
    /// What the events say of the pods, kept for rows left in `pods.csv`.
    pod_facts: PodNames<PodEvents>,
    /// What the read kept.
    options: Option<ReadOptions>,
    /// Whether the read found `pods.csv` in creation order and `events.csv` in time
    /// order (as jobsim writes them): a table read again from the file stops at the
    /// first row past its moment.
    in_order: (bool, bool),
}

/// What a read of an output folder keeps beyond the Jobs and CronJobs, which it always
/// keeps. However little it keeps, it takes from `events.csv` what the pod and Job rows
/// need (suspensions, deletions, restarts, crash-loop waits) and the latest moment of the
/// run, so a narrowed read shows the same rows as a full one: it only holds less (a run of
/// a million pods writes five million events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Keep every pod ([`View::pods`]). Without them the Jobs still count their pods'
    /// successes.
    pub pods: bool,
    /// Keep the events recorded up to this moment ([`View::events`]); `None`: none.
    pub events_until: Option<SimTime>,
    /// Keep only the pods created by this moment (`None`: every pod).
    pub pods_created_by: Option<SimTime>,
    /// Keep the `pods.csv` columns this reader does not interpret ([`PodView::extra`]):
    /// no row of `jobsim get` shows them, and they are most of a pod's memory.
    pub pod_extra_columns: bool,
    /// Hold at most this many bytes of the pods, and of the events, asked for
    /// ([`HOLD_FOR_A_TABLE`] for `jobsim get`; `None`: no limit): past that, the read lets
    /// go of them ([`View::pods`] or [`View::events`] left empty) and
    /// [`View::write_table`] reads their rows again from the file, twice (once to measure
    /// the columns, once to write them), so a table of a million pods or five million
    /// events is printed without being held. The files are still read whole first, so a
    /// bad row is refused before anything is printed.
    pub hold_at_most: Option<usize>,
}

impl ReadOptions {
    /// Everything the folder says.
    pub const ALL: ReadOptions = ReadOptions {
        pods: true,
        events_until: Some(SimTime::MAX),
        pods_created_by: None,
        pod_extra_columns: true,
        hold_at_most: None,
    };

    /// What the table (or the watch) of `resource` needs when the last moment it shows is
    /// `until` (`None`: the end of the run).
    pub fn for_resource(resource: Resource, until: Option<SimTime>) -> ReadOptions {
        ReadOptions {
            pods: resource == Resource::Pods,
            events_until: (resource == Resource::Events).then_some(until.unwrap_or(SimTime::MAX)),
            pods_created_by: until,
            pod_extra_columns: false,
            hold_at_most: None,
        }
    }
}

/// What the events say of the pods of one name: when their deletion was asked, their
/// kubelet restarts and back-offs (in file order). A name PodGC freed can come again; each
/// pod of the name takes what falls within its life ([`pod_view`]).
#[derive(Debug, Default, Clone)]
struct PodEvents {
    deletions: Vec<SimTime>,
    restarts: Vec<SimTime>,
    back_off: Vec<SimTime>,
}

/// Names of pods, hashed with foldhash (fixed seed), which mixes the shared `<job>-`
/// prefix of pod names well. Only looked up, never iterated.
type PodNames<V> = HashMap<Box<str>, V, foldhash::fast::FixedState>;

/// What `events.csv` says of the other objects, gathered as it is read.
#[derive(Debug, Default)]
struct EventFacts {
    /// The latest event's time.
    latest: Option<SimTime>,
    /// Whether no event came before the one above it.
    in_order: bool,
    /// Each Job's suspensions, from its `Suspended` / `Resumed` events.
    suspensions: HashMap<String, Vec<(SimTime, Option<SimTime>)>>,
    /// What the events say of each pod that has anything said of it beyond its first
    /// start (gathered only when the pods are kept).
    pods: PodNames<PodEvents>,
    /// The pods whose first `Started` event was seen: nearly every pod, so a set of
    /// names rather than an entry of `pods` each. Needed only while the events are read.
    started: std::collections::HashSet<Box<str>, foldhash::fast::FixedState>,
}

impl EventFacts {
    /// An event of Job `job`: `Suspended` opens a suspension, `Resumed` closes it.
    fn add_job_event(&mut self, job: &str, reason: &str, time: SimTime) {
        match reason {
            "Suspended" => {
                let spans = self.suspensions.entry(job.to_string()).or_default();
                if spans.last().is_none_or(|s| s.1.is_some()) {
                    spans.push((time, None));
                }
            }
            "Resumed" => {
                let open = self
                    .suspensions
                    .get_mut(job)
                    .and_then(|spans| spans.last_mut())
                    .filter(|s| s.1.is_none());
                if let Some(last) = open {
                    last.1 = Some(time);
                }
            }
            _ => {}
        }
    }

    /// An event that tells of a pod: a controller's `Deleted pod: NAME` (on the Job), a
    /// taint eviction or the kubelet's `Killing` (deletion asked), `Started`, `BackOff`.
    fn add_pod_event<'a>(
        &mut self,
        object: &'a str,
        reason: &str,
        message: impl FnOnce() -> &'a str,
        time: SimTime,
    ) {
        enum Fact {
            Deletion,
            Started,
            BackOff,
        }
        let fact = match reason {
            "SuccessfulDelete" | "TaintManagerEviction" | "Killing" => Fact::Deletion,
            "Started" => Fact::Started,
            "BackOff" => Fact::BackOff,
            _ => return,
        };
        let name = match (object.split_once('/'), reason) {
            (Some(("job", _)), "SuccessfulDelete") => message().strip_prefix("Deleted pod: "),
            (Some(("pod", name)), _) => Some(name),
            _ => None,
        };
        let Some(name) = name else { return };
        if let Fact::Started = fact
            && !self.started.contains(name)
        {
            self.started.insert(name.into());
            return;
        }
        let add = |pod: &mut PodEvents| match fact {
            Fact::Deletion => pod.deletions.push(time),
            Fact::Started => pod.restarts.push(time),
            Fact::BackOff => pod.back_off.push(time),
        };
        match self.pods.get_mut(name) {
            Some(pod) => add(pod),
            None => {
                let mut pod = PodEvents::default();
                add(&mut pod);
                self.pods.insert(name.into(), pod);
            }
        }
    }
}

/// When a pod left the API: with its own deletion by a controller (`reason` `Deleted`:
/// when it ended), else with its Job's (once it had ended).
fn removed_at(
    reason: &str,
    finished: Option<SimTime>,
    job_deleted: Option<SimTime>,
) -> Option<SimTime> {
    if reason == "Deleted" {
        finished.or(job_deleted)
    } else {
        job_deleted.map(|d| d.max(finished.unwrap_or(d)))
    }
}

/// One `pods.csv` row (its cells already checked by the read) as a pod's history, with
/// what the events say of it; `job_at` is its Job's place in `jobs`.
fn pod_view(
    cells: &Cells,
    jobs: &[JobView],
    job_at: Option<usize>,
    events: Option<&PodEvents>,
    extra_columns: bool,
) -> Result<PodView, ReportError> {
    let finished = cells.time("finished")?;
    let reason = cells.text("reason");
    let removed = removed_at(reason, finished, job_at.and_then(|j| jobs[j].deleted));
    let (name, job, phase) = (cells.text("pod"), cells.text("job"), cells.text("phase"));
    let index = cells.number::<u32>("index")?;
    let created = cells.required_time("created")?;
    let scheduled = cells.time("scheduled")?;
    let started = cells.time("started")?;
    let exit_code = cells.number("exit_code")?;
    let restarts = cells.number("restarts")?.unwrap_or(0);
    // What the events say of this name within this pod's life: a name PodGC freed comes
    // again on a later pod, whose first `Started` is not a restart of this one.
    let lived = |t: &SimTime| *t >= created && finished.is_none_or(|f| *t <= f);
    let empty = PodEvents::default();
    let events = events.unwrap_or(&empty);
    let deletion_requested = events.deletions.iter().copied().find(lived);
    let back_off: Vec<SimTime> = events.back_off.iter().copied().filter(lived).collect();
    let restarted = |t: &SimTime| lived(t) && started.is_some_and(|s| *t > s);
    let mut exit_times = Vec::new();
    let mut restart_times: Vec<SimTime> = match cells.text("restart_times") {
        "" => events.restarts.iter().copied().filter(restarted).collect(),
        // `EXIT@EXITED>RESTARTED;…`, as jobsim writes it.
        text if text.contains('@') => {
            let mut restarts = Vec::new();
            for item in text.split(';') {
                let Some((exited, restarted)) = item
                    .split_once('@')
                    .and_then(|(_, times)| times.split_once('>'))
                else {
                    continue;
                };
                let time = |t: &str| parse_seconds(t.trim()).ok().flatten();
                if let (Some(e), Some(r)) = (time(exited), time(restarted)) {
                    exit_times.push(e);
                    restarts.push(r);
                }
            }
            restarts
        }
        // Older files: the restart times alone.
        text => text
            .split([';', ' ', '|'])
            .filter(|t| !t.is_empty())
            .filter_map(|t| parse_seconds(t).ok().flatten())
            .collect(),
    };
    restart_times.sort_unstable();
    exit_times.sort_unstable();
    // A back-off after the last restart lasts until the pod ends.
    let until_next_restart = |b: SimTime| {
        let next = restart_times.iter().copied().find(|&r| r > b);
        (b, next.or(finished).unwrap_or(SimTime::MAX))
    };
    let crash_waits = if exit_times.is_empty() {
        // From the kubelet's `BackOff` events alone (older files).
        back_off.iter().map(|&b| until_next_restart(b)).collect()
    } else {
        // Every wait between a run's end and its restart is a crash-loop back-off
        // (the kubelet counts its `BackOff` events into one row, so they give the
        // last wait only); the events add a wait no restart ended.
        let last_restart = restart_times.last().copied().unwrap_or(0);
        let waits = exit_times.iter().zip(&restart_times);
        let mut waits: Vec<(SimTime, SimTime)> = waits
            .filter(|(e, r)| r > e)
            .map(|(&e, &r)| (e, r))
            .collect();
        let after = back_off.iter().filter(|&&b| b >= last_restart);
        waits.extend(after.map(|&b| until_next_restart(b)));
        waits
    };
    let containers = job_at
        .map(|j| jobs[j].containers.len() as u32)
        .filter(|&n| n > 0)
        .unwrap_or(1);
    Ok(PodView {
        name: name.to_string(),
        job: job.to_string(),
        index,
        node: Some(cells.text("node").to_string()).filter(|n| !n.is_empty()),
        created,
        scheduled,
        started,
        finished,
        phase: phase.to_string(),
        reason: reason.to_string(),
        exit_code,
        restarts,
        deletion_requested,
        removed,
        restart_times,
        exit_times,
        crash_waits,
        containers,
        extra: if extra_columns {
            cells
                .header
                .names
                .iter()
                .enumerate()
                .filter(|(_, h)| !POD_COLUMNS.contains(&h.as_str()))
                .map(|(i, h)| (h.clone(), cells.record.get(i).unwrap_or("").to_string()))
                .collect()
        } else {
            BTreeMap::new()
        },
    })
}

/// Each Job's place in `jobs`, by name.
fn job_index(jobs: &[JobView]) -> HashMap<&str, usize> {
    let names = jobs.iter().map(|j| j.name.as_str());
    names.enumerate().map(|(i, name)| (name, i)).collect()
}

/// An event's row at `at`.
fn event_row(e: EventView, at: SimTime) -> Row {
    Row {
        stable: String::new(),
        cells: vec![
            since(e.time, at),
            e.event_type,
            e.reason,
            e.object,
            e.message,
        ],
    }
}

/// One `events.csv` row (its cells already checked by the read), recorded at `time`.
fn event_view(cells: &Cells, time: SimTime) -> EventView {
    let reason = cells.text("reason");
    let event_type = match cells.text("type") {
        "" => event_type_of(reason).to_string(),
        given => given.to_string(),
    };
    EventView {
        time,
        event_type,
        reason: reason.to_string(),
        object: cells.text("object").to_string(),
        message: cells.text("message").to_string(),
    }
}

/// The reasons Kubernetes records as `Warning` events (the rest are `Normal`).
const WARNING_REASONS: &[&str] = &[
    "BackoffLimitExceeded",
    "DeadlineExceeded",
    "PodFailurePolicy",
    "FailedIndexes",
    "MaxFailedIndexesExceeded",
    "FailedScheduling",
    "FailedCreate",
    "FailedDelete",
    "BackOff",
    "Failed",
    "OOMKilling",
    "Evicted",
    "MissSchedule",
    "TooManyMissedTimes",
    "UnexpectedJob",
    "NodeDown",
];

/// `Warning` or `Normal`, from an event's reason.
pub fn event_type_of(reason: &str) -> &'static str {
    if WARNING_REASONS.contains(&reason) {
        "Warning"
    } else {
        "Normal"
    }
}

/// A CSV file's header: its columns by name.
struct Header {
    path: PathBuf,
    names: Vec<String>,
}

impl Header {
    fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| h == name)
    }

    fn require(&self, name: &str) -> Result<usize, ReportError> {
        self.column(name).ok_or_else(|| ReportError::MissingColumn {
            path: self.path.clone(),
            column: name.to_string(),
        })
    }

    fn value_error(&self, line: u64, column: &str, message: String) -> ReportError {
        ReportError::Value {
            path: self.path.clone(),
            line,
            column: column.to_string(),
            message,
        }
    }
}

/// A CSV file read row by row (a run of a million pods writes half a gigabyte of events:
/// no row is kept once it is interpreted), its columns by header name.
struct Csv {
    header: Header,
    reader: csv::Reader<crate::record::schema::RowLimit<std::fs::File>>,
}

impl Csv {
    /// Opens `path` and reads its header; `None` when it is absent and not `required`.
    fn open(path: &Path, required: bool) -> Result<Option<Csv>, ReportError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ReportError::Missing {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(ReportError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(
            crate::record::schema::RowLimit::new(file, crate::record::schema::MAX_ROW_BYTES),
        );
        let header = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        Ok(Some(Csv {
            header: Header {
                path: path.to_path_buf(),
                names: header,
            },
            reader,
        }))
    }

    /// Hands every row that is not blank to `each`, in file order, once the header has
    /// every `required` column. The file is judged as CSV before its values are: a
    /// malformed row anywhere in it is the error, ahead of a missing column or an earlier
    /// bad value (as when the whole file was read before any value was looked at).
    fn rows(
        mut self,
        required: &[&str],
        mut each: impl FnMut(&Cells) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        if let Some(missing) = required.iter().find_map(|c| self.header.require(c).err()) {
            return Err(self.malformed_or(missing));
        }
        let mut failed = None;
        self.each(|cells| {
            Ok::<_, ReportError>(match each(cells) {
                Ok(()) => ControlFlow::Continue(()),
                Err(error) => {
                    failed = Some(error);
                    ControlFlow::Break(())
                }
            })
        })?;
        match failed {
            Some(error) => Err(self.malformed_or(error)),
            None => Ok(()),
        }
    }

    /// Hands every row that is not blank to `each`, in file order: it stops at the first
    /// error, its own or `each`'s, or when `each` says so. A file a read has already
    /// judged whole ([`Csv::rows`]) is read again with it.
    fn each<E: From<ReportError>>(
        &mut self,
        mut each: impl FnMut(&Cells) -> Result<ControlFlow<()>, E>,
    ) -> Result<(), E> {
        let mut record = csv::StringRecord::new();
        while self
            .reader
            .read_record(&mut record)
            .map_err(|e| csv_error(&self.header.path, e))?
        {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cells = Cells {
                header: &self.header,
                line: record.position().map_or(0, |p| p.line()),
                record: &record,
            };
            if each(&cells)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The first malformed row after the reader's position, or else `error`.
    fn malformed_or(mut self, error: ReportError) -> ReportError {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return error,
                Err(e) => return csv_error(&self.header.path, e),
            }
        }
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ReportError {
    ReportError::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

/// Reads cells of one row by column name.
struct Cells<'a> {
    header: &'a Header,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Cells<'_> {
    fn text(&self, column: &str) -> &str {
        self.header
            .column(column)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }

    fn value_error(&self, column: &str, message: String) -> ReportError {
        self.header.value_error(self.line, column, message)
    }

    fn time(&self, column: &str) -> Result<Option<SimTime>, ReportError> {
        parse_seconds(self.text(column)).map_err(|message| self.value_error(column, message))
    }

    /// A time that must be there.
    fn required_time(&self, column: &str) -> Result<SimTime, ReportError> {
        self.time(column)?
            .ok_or_else(|| self.value_error(column, "a time is required".into()))
    }

    fn number<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, ReportError> {
        let text = self.text(column);
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

/// The `pods.csv` columns this reader interprets; the others go to [`PodView::extra`].
const POD_COLUMNS: &[&str] = &[
    "pod",
    "job",
    "index",
    "attempt",
    "node",
    "created",
    "scheduled",
    "started",
    "finished",
    "phase",
    "reason",
    "exit_code",
    "restarts",
];

fn json_error(path: &Path) -> impl Fn(serde_json::Error) -> ReportError + '_ {
    move |source| ReportError::Json {
        path: path.to_path_buf(),
        source,
    }
}

/// A Job's (or CronJob's) containers `(name, image)` and uid.
type Template = (Vec<(String, String)>, Option<String>);

/// `(name, image)` of each container of a pod template.
fn template_containers(template: Option<&serde_json::Value>) -> Vec<(String, String)> {
    template
        .and_then(|t| t.pointer("/spec/containers"))
        .and_then(|c| c.as_array())
        .map(|list| {
            list.iter()
                .map(|c| {
                    let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                    (text("name"), text("image"))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl View {
    /// Reads all of `out_dir`. `summary.json` and `pods.csv` are required; the others are
    /// read when present.
    pub fn read(out_dir: &Path) -> Result<View, ReportError> {
        View::read_for(out_dir, ReadOptions::ALL)
    }

    /// Reads `out_dir`, keeping what `options` asks for. The files are read, and checked,
    /// as by [`View::read`]: a narrowed read fails where a full one does.
    pub fn read_for(out_dir: &Path, options: ReadOptions) -> Result<View, ReportError> {
        let summary_path = out_dir.join("summary.json");
        let summary_text = std::fs::read_to_string(&summary_path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ReportError::Missing {
                    path: summary_path.clone(),
                }
            } else {
                ReportError::Io {
                    path: summary_path.clone(),
                    source,
                }
            }
        })?;
        let summary: Summary<MetricsAsWritten> =
            serde_json::from_str(&summary_text).map_err(json_error(&summary_path))?;
        let start: Option<jiff::Timestamp> = summary.start.parse().ok();
        let mut view = View {
            start,
            ..View::default()
        };
        // The kubelet's `Started` events tell restarts only in files whose `pods.csv` has
        // no `restart_times` column (jobsim's own say them there, and more exactly): only
        // then are they gathered, a name for nearly every pod.
        let pods_path = out_dir.join("pods.csv");
        let restarts_in_pods = match Csv::open(&pods_path, false) {
            Ok(Some(pods)) => pods.header.column("restart_times").is_some(),
            _ => false,
        };
        let starts = options.pods && !restarts_in_pods;
        let mut facts = view.read_events(&out_dir.join("events.csv"), options, starts)?;
        let objects_path = out_dir.join("objects.json");
        let objects: ObjectList = match std::fs::read_to_string(&objects_path) {
            Ok(text) => serde_json::from_str(&text).map_err(json_error(&objects_path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ObjectList::default(),
            Err(source) => {
                return Err(ReportError::Io {
                    path: objects_path,
                    source,
                });
            }
        };
        view.read_jobs(
            &out_dir.join("jobs.csv"),
            &summary,
            &objects,
            &mut facts.suspensions,
        )?;
        view.read_cronjobs(&summary, &objects);
        let pods_latest = view.read_pods(&pods_path, options, &mut facts.pods)?;
        view.in_order.1 = facts.in_order;
        if options.hold_at_most.is_some() {
            view.rows_in = Some(out_dir.to_path_buf());
        }
        if view.left_in_files.0 {
            view.pod_facts = facts.pods;
        }
        view.options = Some(options);
        let latest = view
            .jobs
            .iter()
            .flat_map(|j| [Some(j.created), j.finished, j.deleted])
            .chain([pods_latest, facts.latest])
            .flatten()
            .max()
            .unwrap_or(0);
        view.end = summary
            .end_seconds
            .and_then(crate::record::schema::seconds_to_ms)
            .unwrap_or(latest)
            .max(latest);
        Ok(view)
    }

    /// Simulated time of an RFC 3339 instant, when the run's start is known.
    fn sim_time(&self, text: &str) -> Option<SimTime> {
        let at: jiff::Timestamp = text.parse().ok()?;
        let ms = at.duration_since(self.start?).as_millis();
        u64::try_from(ms).ok()
    }

    /// Reads `events.csv` once: what the Jobs and pods need of it (the kubelet's
    /// `Started` events only with `starts`), and the events themselves as far as
    /// `options` asks.
    fn read_events(
        &mut self,
        path: &Path,
        options: ReadOptions,
        starts: bool,
    ) -> Result<EventFacts, ReportError> {
        let mut facts = EventFacts {
            in_order: true,
            ..EventFacts::default()
        };
        let mut held = 0;
        let Some(csv) = Csv::open(path, false)? else {
            return Ok(facts);
        };
        csv.rows(&["time", "object", "reason", "message"], |cells| {
            let time = cells.required_time("time")?;
            facts.in_order &= facts.latest.is_none_or(|latest| latest <= time);
            facts.latest = facts.latest.max(Some(time));
            let object = cells.text("object");
            let reason = cells.text("reason");
            if let Some(job) = object.strip_prefix("job/") {
                facts.add_job_event(job, reason, time);
            }
            if options.pods && (starts || reason != "Started") {
                facts.add_pod_event(object, reason, || cells.text("message"), time);
            }
            if !self.left_in_files.1 && options.events_until.is_some_and(|until| time <= until) {
                let event = event_view(cells, time);
                if let Some(hold_at_most) = options.hold_at_most {
                    held += event.held_bytes();
                    if held > hold_at_most {
                        // Let go of them: the table reads the file again.
                        self.left_in_files.1 = true;
                        self.events = Vec::new();
                        return Ok(());
                    }
                }
                self.events.push(event);
            }
            Ok(())
        })?;
        facts.started = Default::default();
        Ok(facts)
    }

    fn read_jobs(
        &mut self,
        path: &Path,
        summary: &Summary<MetricsAsWritten>,
        objects: &ObjectList,
        suspended: &mut HashMap<String, Vec<(SimTime, Option<SimTime>)>>,
    ) -> Result<(), ReportError> {
        let Some(csv) = Csv::open(path, false)? else {
            return Ok(());
        };
        let specs: HashMap<&str, &crate::record::schema::JobSummary> =
            summary.jobs.iter().map(|j| (j.name.as_str(), j)).collect();
        let mut templates: HashMap<String, Template> = HashMap::new();
        for item in &objects.items {
            match item {
                Object::Job(job) => {
                    templates.insert(
                        job.metadata.name.clone(),
                        (
                            template_containers(job.spec.get("template")),
                            job.metadata.uid.clone(),
                        ),
                    );
                }
                Object::CronJob(cronjob) => {
                    let key = format!("cronjob/{}", cronjob.metadata.name);
                    let containers =
                        template_containers(cronjob.spec.pointer("/jobTemplate/spec/template"));
                    templates.insert(key, (containers, None));
                }
                Object::Other(_) => {}
            }
        }
        let mut jobs = super::records::room_for_rows(path, super::records::MIN_JOB_ROW_BYTES);
        csv.rows(&["job", "created"], |cells| {
            let name = cells.text("job").to_string();
            let owner = Some(cells.text("owner").to_string()).filter(|o| !o.is_empty());
            let spec = specs.get(name.as_str());
            let (containers, uid) = templates
                .get(&name)
                .or_else(|| owner.as_ref().and_then(|o| templates.get(o)))
                .cloned()
                .unwrap_or_default();
            jobs.push(JobView {
                created: cells.required_time("created")?,
                started: cells.time("started")?,
                finished: cells.time("finished")?,
                outcome: cells.text("outcome").to_string(),
                succeeded: cells.number("succeeded")?.unwrap_or(0),
                deleted: cells.time("deleted")?,
                completions: spec.and_then(|s| s.completions),
                parallelism: spec.and_then(|s| s.parallelism),
                indexed: spec.is_some_and(|s| s.is_indexed()),
                suspensions: suspended.remove(&name).unwrap_or_default(),
                successes: Vec::new(),
                containers,
                uid: if owner.is_none() { uid } else { None },
                owner,
                name,
            });
            Ok(())
        })?;
        self.jobs = jobs;
        Ok(())
    }

    fn read_cronjobs(&mut self, summary: &Summary<MetricsAsWritten>, objects: &ObjectList) {
        for cronjob in &summary.cronjobs {
            let object = objects.items.iter().find_map(|o| match o {
                Object::CronJob(c) if c.metadata.name == cronjob.name => Some(c),
                _ => None,
            });
            let created = object
                .and_then(|c| c.metadata.creation_timestamp.as_deref())
                .and_then(|t| self.sim_time(t))
                .unwrap_or(0);
            let owner = format!("cronjob/{}", cronjob.name);
            let jobs = (0..self.jobs.len())
                .filter(|&i| self.jobs[i].owner.as_deref() == Some(owner.as_str()))
                .collect();
            self.cronjobs.push(CronJobView {
                name: cronjob.name.clone(),
                schedule: cronjob.schedule.clone(),
                time_zone: cronjob.time_zone.clone(),
                suspend: cronjob.suspend,
                suspensions: cronjob.suspensions.iter().map(|s| s.millis()).collect(),
                created,
                jobs,
                containers: object
                    .map(|c| template_containers(c.spec.pointer("/jobTemplate/spec/template")))
                    .unwrap_or_default(),
            });
        }
    }

    /// Reads `pods.csv` (every row is checked, also when the pods are not kept) and the
    /// successes of each Job; returns the latest moment a pod was created, finished or
    /// removed.
    fn read_pods(
        &mut self,
        path: &Path,
        options: ReadOptions,
        by_pod: &mut PodNames<PodEvents>,
    ) -> Result<Option<SimTime>, ReportError> {
        let csv = Csv::open(path, true)?.expect("a required file is opened or refused");
        let job_index = job_index(&self.jobs);
        let mut successes: Vec<Vec<(SimTime, Option<u32>)>> = vec![Vec::new(); self.jobs.len()];
        let mut pods = if options.pods && options.hold_at_most.is_none() {
            super::records::room_for_rows(path, super::records::MIN_POD_ROW_BYTES)
        } else {
            Vec::new()
        };
        let mut held = 0;
        let mut latest = None;
        let (mut in_order, mut last_created) = (true, 0);
        let required = ["pod", "job", "created", "finished", "phase"];
        csv.rows(&required, |cells| {
            // Every cell that can be wrong is read in the same order whether the pod is
            // kept or not, so the first bad one is the one reported.
            let name = cells.text("pod");
            let job = cells.text("job");
            let finished = cells.time("finished")?;
            let index = cells.number::<u32>("index")?;
            let created = cells.required_time("created")?;
            cells.time("scheduled")?;
            cells.time("started")?;
            cells.number::<i32>("exit_code")?;
            cells.number::<u32>("restarts")?;
            let reason = cells.text("reason");
            let phase = cells.text("phase");
            let job_at = job_index.get(job).copied();
            let job_deleted = job_at.and_then(|j| self.jobs[j].deleted);
            let removed = removed_at(reason, finished, job_deleted);
            in_order &= created >= last_created;
            last_created = created;
            latest = [latest, Some(created), finished, removed]
                .into_iter()
                .flatten()
                .max();
            if phase == "Succeeded"
                && let (Some(j), Some(f)) = (job_at, finished)
            {
                successes[j].push((f, index));
            }
            let wanted = options.pods_created_by.is_none_or(|by| created <= by);
            if !options.pods || !wanted || self.left_in_files.0 {
                return Ok(());
            }
            let events = by_pod.get(name);
            let pod = pod_view(cells, &self.jobs, job_at, events, options.pod_extra_columns)?;
            if let Some(hold_at_most) = options.hold_at_most {
                held += pod.held_bytes();
                if held > hold_at_most {
                    // Let go of them: the table reads the file again.
                    self.left_in_files.0 = true;
                    pods = Vec::new();
                    return Ok(());
                }
            }
            pods.push(pod);
            Ok(())
        })?;
        for (job, mut list) in self.jobs.iter_mut().zip(successes) {
            list.sort_unstable();
            if job.indexed {
                let mut seen = std::collections::BTreeSet::new();
                list.retain(|&(_, index)| seen.insert(index));
            }
            job.successes = list.into_iter().map(|(t, _)| t).collect();
        }
        self.pods = pods;
        self.in_order.0 = in_order;
        Ok(latest)
    }

    /// The table of `resource` at `at`.
    pub fn table(&self, resource: Resource, at: SimTime, wide: bool) -> Table {
        let rows = (0..self.count(resource))
            .filter_map(|i| self.row(resource, i, at, wide))
            .map(|r| r.cells)
            .collect();
        Table {
            header: header(resource, wide),
            rows,
        }
    }

    /// [`View::table`] as text, handed to `emit` a piece at a time instead of built
    /// whole: the rows are laid out twice, once to measure the columns and once to write
    /// them (a table of up to 16 MiB of cells is kept between the two), so memory does not
    /// grow with the rows (nor with what was read, when the read left the rows in their
    /// files: [`ReadOptions::hold_at_most`]). The same text as [`get_text`] on a read
    /// that kept them; `Ok(false)`, and nothing emitted, when there is no row.
    pub fn write_table<E>(
        &self,
        resource: Resource,
        at: SimTime,
        wide: bool,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<bool, TableError<E>> {
        self.write_table_holding(resource, at, wide, HELD_ROW_BYTES, emit)
    }

    /// [`View::write_table`], keeping at most `held_max` bytes of cells between the passes.
    fn write_table_holding<E>(
        &self,
        resource: Resource,
        at: SimTime,
        wide: bool,
        held_max: usize,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<bool, TableError<E>> {
        let head = header(resource, wide);
        let mut writer = TabWriter::default();
        writer.measure(&head);
        let mut any = false;
        // The rows are kept from the measuring pass while they are few, so a short table
        // of a long run does not read its file a third time.
        let mut held = Some((Vec::new(), 0));
        self.each_row(resource, at, wide, &mut |row| {
            writer.measure(&row.cells);
            any = true;
            if let Some((rows, bytes)) = &mut held {
                *bytes += row.cells.iter().map(|c| c.len() + 32).sum::<usize>();
                if *bytes > held_max {
                    held = None;
                } else {
                    rows.push(row.cells);
                }
            }
            Ok(())
        })?;
        if !any {
            return Ok(false);
        }
        let mut piece = String::new();
        writer.push_line(&head, &mut piece);
        let mut line = |cells: &[String]| {
            writer.push_line(cells, &mut piece);
            if piece.len() >= PIECE {
                emit(&piece).map_err(TableError::Emit)?;
                piece.clear();
            }
            Ok(())
        };
        match held {
            Some((rows, _)) => rows.iter().try_for_each(|cells| line(cells))?,
            None => self.each_row(resource, at, wide, &mut |row| line(&row.cells))?,
        }
        emit(&piece).map_err(TableError::Emit)?;
        Ok(true)
    }

    /// Hands each row of `resource`'s table at `at` to `each`, in order: from memory, or
    /// read again from the file the read left them in.
    fn each_row<E>(
        &self,
        resource: Resource,
        at: SimTime,
        wide: bool,
        each: &mut dyn FnMut(Row) -> Result<(), TableError<E>>,
    ) -> Result<(), TableError<E>> {
        let left = match resource {
            Resource::Pods => self.left_in_files.0,
            Resource::Events => self.left_in_files.1,
            Resource::Jobs | Resource::CronJobs => false,
        };
        let (Some(dir), Some(options), true) = (&self.rows_in, self.options, left) else {
            for i in 0..self.count(resource) {
                if let Some(row) = self.row(resource, i, at, wide) {
                    each(row)?;
                }
            }
            return Ok(());
        };
        let file = match resource {
            Resource::Pods => "pods.csv",
            _ => "events.csv",
        };
        let Some(mut csv) = Csv::open(&dir.join(file), resource == Resource::Pods)? else {
            return Ok(());
        };
        match resource {
            Resource::Pods if options.pods => {
                let by = options.pods_created_by.unwrap_or(SimTime::MAX).min(at);
                self.each_pod(csv, &mut |_, pod| {
                    if pod.created > by {
                        return Ok(if self.in_order.0 {
                            ControlFlow::Break(())
                        } else {
                            ControlFlow::Continue(())
                        });
                    }
                    if let Some(row) = self.pod_row(&pod, at, wide) {
                        each(row)?;
                    }
                    Ok(ControlFlow::Continue(()))
                })
            }
            Resource::Events => {
                let until = options.events_until.unwrap_or(0).min(at);
                let kept = options.events_until.is_some();
                csv.each(|cells| {
                    let time = cells.required_time("time")?;
                    if !kept || (self.in_order.1 && time > until) {
                        return Ok(ControlFlow::Break(()));
                    }
                    if time <= until {
                        each(event_row(event_view(cells, time), at))?;
                    }
                    Ok(ControlFlow::Continue(()))
                })
            }
            _ => Ok(()),
        }
    }

    fn count(&self, resource: Resource) -> usize {
        match resource {
            Resource::Jobs => self.jobs.len(),
            Resource::Pods => self.pods.len(),
            Resource::CronJobs => self.cronjobs.len(),
            Resource::Events => self.events.len(),
        }
    }

    /// The row of object `i` at `at`, or `None` when it does not exist then.
    fn row(&self, resource: Resource, i: usize, at: SimTime, wide: bool) -> Option<Row> {
        match resource {
            Resource::Pods => self.pod_row(&self.pods[i], at, wide),
            Resource::Jobs => job_row(&self.jobs[i], at, wide),
            Resource::CronJobs => self.cronjob_row(&self.cronjobs[i], at, wide),
            Resource::Events => {
                let e = &self.events[i];
                (e.time <= at).then(|| event_row(e.clone(), at))
            }
        }
    }

    fn pod_row(&self, pod: &PodView, at: SimTime, wide: bool) -> Option<Row> {
        let state = pod_state(pod, at)?;
        let restarts = match state.last_restart {
            Some(t) if state.restarts > 0 => {
                format!("{} ({} ago)", state.restarts, since(t, at))
            }
            _ => state.restarts.to_string(),
        };
        let ready = format!("{}/{}", state.ready, pod.containers);
        let stable = format!("{ready} {} {}", state.status, state.restarts);
        let mut cells = vec![
            pod.name.clone(),
            ready,
            state.status,
            restarts,
            since(pod.created, at),
        ];
        if wide {
            let node = pod
                .node
                .as_ref()
                .filter(|_| pod.scheduled.is_some_and(|s| s <= at))
                .cloned()
                .unwrap_or_else(|| "<none>".to_string());
            cells.extend([node, "<none>".to_string(), "<none>".to_string()]);
        }
        Some(Row { cells, stable })
    }

    fn cronjob_row(&self, cronjob: &CronJobView, at: SimTime, wide: bool) -> Option<Row> {
        if at < cronjob.created {
            return None;
        }
        let mut active = 0;
        let mut last: Option<SimTime> = None;
        for &j in &cronjob.jobs {
            let job = &self.jobs[j];
            if job.created > at {
                continue;
            }
            let scheduled = self.scheduled_time(&cronjob.name, job).min(job.created);
            last = last.max(Some(scheduled));
            let ended = |t: Option<SimTime>| t.is_some_and(|t| t <= at);
            if !ended(job.finished) && !ended(job.deleted) {
                active += 1;
            }
        }
        let last_text = last.map_or("<none>".to_string(), |t| since(t, at));
        let suspend = cronjob.suspended_at(at);
        let stable = format!("{suspend} {active} {last:?}");
        let mut cells = vec![
            cronjob.name.clone(),
            cronjob.schedule.clone(),
            cronjob
                .time_zone
                .clone()
                .unwrap_or_else(|| "<none>".to_string()),
            if suspend { "True" } else { "False" }.to_string(),
            active.to_string(),
            last_text,
            since(cronjob.created, at),
        ];
        if wide {
            let (names, images) = container_cells(&cronjob.containers);
            cells.extend([names, images, "<none>".to_string()]);
        }
        Some(Row { cells, stable })
    }

    /// The scheduled time of a CronJob's Job: its name ends in the scheduled Unix minute.
    fn scheduled_time(&self, cronjob: &str, job: &JobView) -> SimTime {
        let minutes = job
            .name
            .strip_prefix(cronjob)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|m| m.parse::<i64>().ok());
        let from_name = minutes.zip(self.start).and_then(|(m, start)| {
            let ms = m.checked_mul(60_000)? - start.as_millisecond();
            u64::try_from(ms).ok()
        });
        from_name.unwrap_or(job.created)
    }

    /// What `kubectl get RESOURCE -w` prints from `from` to the end of the run: the table
    /// at `from`, then one line for each object whose row changes (its STATUS, READY,
    /// RESTARTS, COMPLETIONS, ACTIVE, …), is added, or is deleted, at the moment it does.
    /// Each line after the table is laid out on its own, as kubectl flushes each one. With
    /// `watch_events`, an `EVENT` column first says `ADDED`, `MODIFIED` or `DELETED`, as
    /// kubectl's `--output-watch-events` does.
    pub fn watch(
        &self,
        resource: Resource,
        from: SimTime,
        wide: bool,
        watch_events: bool,
    ) -> String {
        let mut out = String::new();
        let collect = &mut |piece: &str| {
            out.push_str(piece);
            Ok::<(), std::convert::Infallible>(())
        };
        let Ok(_) = self.watch_with(resource, from, wide, watch_events, collect);
        out
    }

    /// [`View::watch`] handed to `emit` a piece at a time as it is laid out; `Ok(false)`
    /// when it printed nothing.
    pub fn watch_with<E>(
        &self,
        resource: Resource,
        from: SimTime,
        wide: bool,
        watch_events: bool,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<bool, E> {
        let n = self.count(resource);
        let mut last: Vec<Option<Row>> =
            (0..n).map(|i| self.row(resource, i, from, wide)).collect();
        let mut out = WatchLines::new(resource, wide, watch_events);
        if last.iter().any(Option::is_some) || watch_events {
            out.table(last.iter().flatten(), emit)?;
        }
        let mut moments: Vec<(SimTime, usize)> = (0..n)
            .flat_map(|i| {
                self.moments(resource, i)
                    .into_iter()
                    .filter(move |&t| t > from)
                    .map(move |t| (t, i))
            })
            .collect();
        moments.sort();
        moments.dedup();
        for (t, i) in moments {
            let now = self.row(resource, i, t, wide);
            let deleted_on_request =
                resource == Resource::Pods && self.pods[i].deletion_requested.is_some();
            let before = || self.row(resource, i, t.saturating_sub(1), wide);
            out.change(&mut last[i], now, before, deleted_on_request, emit)?;
        }
        out.finish(emit)
    }

    /// [`View::watch_with`] on any read: the pods a read left in `pods.csv`
    /// ([`ReadOptions::hold_at_most`]) are read again as the watch goes, in creation order,
    /// each kept from its creation to its last change, so a watch over a million pods
    /// holds the pods in flight, not every pod. The same text as [`View::watch_with`] on
    /// a read that kept them. Events left in their file (not in time order there) are
    /// read back whole: a watch over many events holds them all.
    pub fn watch_to<E>(
        &self,
        resource: Resource,
        from: SimTime,
        wide: bool,
        watch_events: bool,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<bool, TableError<E>> {
        if let (Some(dir), Some(options), Resource::Events, true) =
            (&self.rows_in, self.options, resource, self.left_in_files.1)
        {
            let mut events = Vec::new();
            let until = options.events_until.unwrap_or(0);
            if let Some(mut csv) = Csv::open(&dir.join("events.csv"), false)? {
                csv.each(|cells| {
                    let time = cells.required_time("time")?;
                    if options.events_until.is_some() && time <= until {
                        events.push(event_view(cells, time));
                    }
                    Ok::<_, TableError<E>>(ControlFlow::Continue(()))
                })?;
            }
            let view = View {
                events,
                left_in_files: (self.left_in_files.0, false),
                ..self.clone()
            };
            return view.watch_to(resource, from, wide, watch_events, emit);
        }
        let (Some(dir), true) = (
            &self.rows_in,
            resource == Resource::Pods && self.left_in_files.0,
        ) else {
            return self
                .watch_with(resource, from, wide, watch_events, emit)
                .map_err(TableError::Emit);
        };
        let csv =
            Csv::open(&dir.join("pods.csv"), true)?.expect("a required file is opened or refused");
        if !self.in_order.0 {
            // Not in creation order (not as jobsim writes it): every pod, held.
            let mut pods = Vec::new();
            self.each_pod(csv, &mut |_, pod| {
                pods.push(pod);
                Ok(ControlFlow::Continue(()))
            })?;
            let view = View {
                pods,
                left_in_files: (false, self.left_in_files.1),
                ..self.clone()
            };
            return view
                .watch_with(resource, from, wide, watch_events, emit)
                .map_err(TableError::Emit);
        }
        let mut out = WatchLines::new(resource, wide, watch_events);
        // The table at `from`: the pods created by then, read twice.
        let mut any = false;
        let rows_at_from = |each: &mut dyn FnMut(Row) -> Result<(), TableError<E>>| {
            let csv = Csv::open(&dir.join("pods.csv"), true)?
                .expect("a required file is opened or refused");
            self.each_pod(csv, &mut |_, pod| {
                if pod.created > from {
                    return Ok(ControlFlow::Break(()));
                }
                if let Some(row) = self.pod_row(&pod, from, wide) {
                    each(row)?;
                }
                Ok(ControlFlow::Continue(()))
            })
        };
        rows_at_from(&mut |row| {
            out.measure_added(&row.cells);
            any = true;
            Ok(())
        })?;
        if any || watch_events {
            out.head();
            rows_at_from(&mut |row| out.added(&row.cells, emit).map_err(TableError::Emit))?;
        }
        // Then the changes, a pod read in as soon as the next change could be its own.
        let mut live: HashMap<usize, (PodView, Option<Row>, usize)> = HashMap::new();
        let mut due: std::collections::BinaryHeap<std::cmp::Reverse<(SimTime, usize)>> =
            Default::default();
        let mut stop = Ok(());
        let mut last_done = None;
        self.each_pod(csv, &mut |i, pod| {
            // Every change before this pod's creation comes first.
            while let Some(&std::cmp::Reverse((t, j))) = due.peek() {
                if t >= pod.created {
                    break;
                }
                due.pop();
                if let Err(e) =
                    self.watch_step(&mut out, &mut live, (t, j), &mut last_done, wide, emit)
                {
                    stop = Err(e);
                    return Ok(ControlFlow::Break(()));
                }
            }
            let mut moments: Vec<SimTime> = pod_moments(&pod)
                .into_iter()
                .filter(|&t| t > from)
                .collect();
            moments.sort_unstable();
            moments.dedup();
            if moments.is_empty() {
                return Ok(ControlFlow::Continue(()));
            }
            for &t in &moments {
                due.push(std::cmp::Reverse((t, i)));
            }
            let last = self.pod_row(&pod, from, wide);
            live.insert(i, (pod, last, moments.len()));
            Ok(ControlFlow::Continue(()))
        })?;
        stop.map_err(TableError::Emit)?;
        while let Some(std::cmp::Reverse(moment)) = due.pop() {
            self.watch_step(&mut out, &mut live, moment, &mut last_done, wide, emit)
                .map_err(TableError::Emit)?;
        }
        out.finish(emit).map_err(TableError::Emit)
    }

    /// One change of a watch over pods read from the file: pod `i`'s row at `t`.
    fn watch_step<E>(
        &self,
        out: &mut WatchLines,
        live: &mut HashMap<usize, (PodView, Option<Row>, usize)>,
        (t, i): (SimTime, usize),
        last_done: &mut Option<(SimTime, usize)>,
        wide: bool,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        if *last_done == Some((t, i)) {
            return Ok(());
        }
        *last_done = Some((t, i));
        let Some((pod, last, left)) = live.get_mut(&i) else {
            return Ok(());
        };
        let now = self.pod_row(pod, t, wide);
        let before = || self.pod_row(pod, t.saturating_sub(1), wide);
        out.change(last, now, before, pod.deletion_requested.is_some(), emit)?;
        *left -= 1;
        if *left == 0 {
            live.remove(&i);
        }
        Ok(())
    }

    /// Hands each pod of `pods.csv` (a file the read judged whole) to `each` with its place
    /// among the file's rows, as the read builds it.
    fn each_pod<E>(
        &self,
        mut csv: Csv,
        each: &mut dyn FnMut(usize, PodView) -> Result<ControlFlow<()>, TableError<E>>,
    ) -> Result<(), TableError<E>> {
        let job_index = job_index(&self.jobs);
        let mut i = 0;
        csv.each(|cells| {
            let events = self.pod_facts.get(cells.text("pod"));
            let job_at = job_index.get(cells.text("job")).copied();
            let pod = pod_view(cells, &self.jobs, job_at, events, false)?;
            i += 1;
            each(i - 1, pod)
        })
    }

    /// The moments at which object `i`'s row may change.
    fn moments(&self, resource: Resource, i: usize) -> Vec<SimTime> {
        match resource {
            Resource::Pods => pod_moments(&self.pods[i]),
            Resource::Jobs => {
                let j = &self.jobs[i];
                let mut m: Vec<SimTime> = [Some(j.created), j.started, j.finished, j.deleted]
                    .into_iter()
                    .flatten()
                    .collect();
                m.extend(&j.successes);
                m.extend(
                    j.suspensions
                        .iter()
                        .flat_map(|&(a, b)| [Some(a), b])
                        .flatten(),
                );
                m
            }
            Resource::CronJobs => {
                let c = &self.cronjobs[i];
                let mut m = vec![c.created];
                m.extend(
                    c.suspensions
                        .iter()
                        .flat_map(|&(a, b)| [Some(a), b])
                        .flatten(),
                );
                for &j in &c.jobs {
                    let j = &self.jobs[j];
                    m.extend(
                        [Some(j.created), j.finished, j.deleted]
                            .into_iter()
                            .flatten(),
                    );
                }
                m
            }
            Resource::Events => vec![self.events[i].time],
        }
    }
}

/// Why [`View::write_table`] stopped.
#[derive(Debug)]
pub enum TableError<E> {
    /// The rows left in their files could not be read again.
    Read(ReportError),
    /// `emit` failed.
    Emit(E),
}

impl<E> From<ReportError> for TableError<E> {
    fn from(error: ReportError) -> Self {
        TableError::Read(error)
    }
}

/// The moments a pod's row can change.
fn pod_moments(p: &PodView) -> Vec<SimTime> {
    let mut m: Vec<SimTime> = [
        Some(p.created),
        p.scheduled,
        p.started,
        p.finished,
        p.deletion_requested,
        p.removed,
    ]
    .into_iter()
    .flatten()
    .collect();
    m.extend(&p.restart_times);
    m.extend(p.crash_waits.iter().flat_map(|&(a, b)| [a, b]));
    m
}

/// A row, and the part of it that is not a clock (AGE, DURATION, LAST SEEN): a watch
/// prints a row again only when that part changes.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<String>,
    stable: String,
}

fn header(resource: Resource, wide: bool) -> Vec<&'static str> {
    let mut header = match resource {
        Resource::Jobs => vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
        Resource::Pods => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Resource::CronJobs => vec![
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        Resource::Events => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
    };
    if wide {
        match resource {
            Resource::Jobs | Resource::CronJobs => {
                header.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
            }
            // The simulator has no pod network: the IP column is left out.
            Resource::Pods => header.extend(["NODE", "NOMINATED NODE", "READINESS GATES"]),
            Resource::Events => {}
        }
    }
    header
}

/// kubectl's container cells: names and images joined by commas.
fn container_cells(containers: &[(String, String)]) -> (String, String) {
    if containers.is_empty() {
        return ("<none>".to_string(), "<none>".to_string());
    }
    let names: Vec<&str> = containers.iter().map(|c| c.0.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.1.as_str()).collect();
    (names.join(","), images.join(","))
}

/// The Job's STATUS at `at`, as kubectl derives it from the conditions.
fn job_status(job: &JobView, at: SimTime) -> &'static str {
    let reached = |t: Option<SimTime>| t.is_some_and(|t| t <= at);
    if reached(job.finished) {
        return match job.outcome.as_str() {
            "Failed" => "Failed",
            _ => "Complete",
        };
    }
    let suspended = job
        .suspensions
        .iter()
        .any(|&(a, b)| a <= at && b.is_none_or(|b| at < b));
    if suspended || (job.outcome == "Suspended" && job.suspensions.is_empty()) {
        "Suspended"
    } else {
        "Running"
    }
}

fn job_row(job: &JobView, at: SimTime, wide: bool) -> Option<Row> {
    if at < job.created || job.deleted.is_some_and(|d| d <= at) {
        return None;
    }
    let status = job_status(job, at);
    let finished = job.finished.filter(|&f| f <= at);
    let succeeded = if finished.is_some() {
        job.succeeded.max(0) as usize
    } else {
        job.successes.iter().filter(|&&t| t <= at).count()
    };
    let completions = match (job.completions, job.parallelism) {
        (Some(c), _) => format!("{succeeded}/{c}"),
        (None, Some(p)) if p > 1 => format!("{succeeded}/1 of {p}"),
        (None, _) => format!("{succeeded}/1"),
    };
    // startTime and completionTime are whole seconds.
    let whole = |t: SimTime| t - t % SECOND;
    let duration = match (job.started.filter(|&s| s <= at), finished) {
        (None, _) => String::new(),
        (Some(s), None) => human_duration(at.saturating_sub(whole(s))),
        (Some(s), Some(f)) => human_duration(whole(f).saturating_sub(whole(s))),
    };
    let stable = format!("{status} {completions} {}", finished.is_some());
    let mut cells = vec![
        job.name.clone(),
        status.to_string(),
        completions,
        duration,
        since(job.created, at),
    ];
    if wide {
        let (names, images) = container_cells(&job.containers);
        let selector = job.uid.as_ref().map_or("<none>".to_string(), |uid| {
            format!("batch.kubernetes.io/controller-uid={uid}")
        });
        cells.extend([names, images, selector]);
    }
    Some(Row { cells, stable })
}

/// The text `jobsim get` prints: the table, or kubectl's "No resources found" line (which
/// kubectl writes to standard error; the caller decides).
pub fn get_text(view: &View, resource: Resource, at: SimTime, wide: bool) -> Option<String> {
    let table = view.table(resource, at, wide);
    (!table.rows.is_empty()).then(|| table.render())
}

/// Reads a moment of the run written as time since its start (`90s`, `1h30m`, `2d`).
pub fn parse_moment(text: &str) -> Result<SimTime, String> {
    crate::time::parse_duration(text).map_err(|e| e.to_string())
}

/// kubectl's message for an empty list (which it writes to standard error).
pub const NO_RESOURCES: &str = "No resources found in default namespace.";

#[cfg(test)]
mod tests {
    use super::*;

    /// `write_table`'s text, keeping at most `held_max` bytes of rows between its passes.
    fn written(view: &View, resource: Resource, at: SimTime, held_max: usize) -> Option<String> {
        let mut text = String::new();
        let printed = view
            .write_table_holding(resource, at, false, held_max, &mut |piece: &str| {
                text.push_str(piece);
                Ok::<(), ()>(())
            })
            .unwrap();
        printed.then_some(text)
    }

    /// A run's folder in which a name comes twice (PodGC freed it), the first pod deleted
    /// by its Job's controller, the second started and backing off; with `shuffled`, the
    /// pods are not in creation order nor the events in time order.
    fn folder_with_a_name_used_twice(shuffled: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let put = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        put(
            "summary.json",
            r#"{"scenario":"t","seed":1,"start":"2026-01-01T00:00:00Z","jobs":[],"cronjobs":[]}"#,
        );
        put(
            "jobs.csv",
            "job,created,started,finished,outcome,succeeded\nj,0.000,0.000,,,1\n",
        );
        let mut pods = [
            "j-a,j,,1,n,0.000,0.010,1.000,9.000,Failed,Deleted,137,0",
            "j-b,j,,2,n,0.000,0.010,1.000,30.000,Succeeded,Completed,0,0",
            "j-a,j,,3,n,40.000,40.010,41.000,,Running,,,0",
        ];
        let mut events = [
            "1.000,pod/j-a,Started,Started container c",
            "8.000,job/j,SuccessfulDelete,Deleted pod: j-a",
            "41.000,pod/j-a,Started,Started container c",
            "50.000,pod/j-a,BackOff,Back-off restarting failed container c",
        ];
        if shuffled {
            pods.swap(1, 2);
            events.swap(2, 3);
        }
        let header = "pod,job,index,attempt,node,created,scheduled,started,finished,phase,\
                      reason,exit_code,restarts";
        put("pods.csv", &format!("{header}\n{}\n", pods.join("\n")));
        let header = "time,object,reason,message";
        put("events.csv", &format!("{header}\n{}\n", events.join("\n")));
        dir
    }

    #[test]
    fn tables_read_again_from_the_files_are_the_tables_of_a_full_read() {
        for shuffled in [false, true] {
            tables_read_again_are_those_of_a_full_read(shuffled);
        }
    }

    fn tables_read_again_are_those_of_a_full_read(shuffled: bool) {
        let dir = folder_with_a_name_used_twice(shuffled);
        let full = View::read(dir.path()).unwrap();
        assert_eq!(full.in_order, (!shuffled, !shuffled));
        for resource in [Resource::Pods, Resource::Events] {
            let options = ReadOptions {
                hold_at_most: Some(0),
                ..ReadOptions::for_resource(resource, None)
            };
            let streamed = View::read_for(dir.path(), options).unwrap();
            assert!(streamed.pods.is_empty() && streamed.events.is_empty());
            let held = ReadOptions {
                hold_at_most: Some(HOLD_FOR_A_TABLE),
                ..options
            };
            let held = View::read_for(dir.path(), held).unwrap();
            assert!(held.pods.len() + held.events.len() > 0);
            for at in [0, 5_000, 8_500, 45_000, 55_000, SimTime::MAX / 2] {
                let want = get_text(&full, resource, at, false);
                // Rows kept between the passes, and rows laid out twice from the file.
                for held_max in [HELD_ROW_BYTES, 0] {
                    let got = written(&streamed, resource, at, held_max);
                    assert_eq!(got, want, "{resource:?} at {at}, shuffled: {shuffled}");
                }
                assert_eq!(written(&held, resource, at, 0), want, "{at}");
                assert_eq!(written(&full, resource, at, 0), want, "{at}");
            }
        }
    }

    #[test]
    fn what_the_events_say_of_a_name_used_twice_goes_to_the_pod_whose_life_holds_it() {
        let dir = folder_with_a_name_used_twice(false);
        let view = View::read(dir.path()).unwrap();
        let row = |at: SimTime, nth: usize| {
            let text = get_text(&view, Resource::Pods, at, false).unwrap();
            let rows: Vec<String> = text
                .lines()
                .filter(|l| l.starts_with("j-a "))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            rows[nth].clone()
        };
        // The first `j-a`'s deletion was asked at 8 s.
        assert_eq!(row(8_500, 0), "j-a 1/1 Terminating 0 8s");
        // The first has gone at 9 s; the second's first start (41 s) is not a restart of
        // either, and its back-off at 50 s is its own.
        assert_eq!(row(45_000, 0), "j-a 1/1 Running 0 5s");
        assert_eq!(row(55_000, 0), "j-a 0/1 CrashLoopBackOff 0 15s");
    }

    #[test]
    fn a_watch_over_pods_read_again_from_the_file_is_the_watch_of_a_full_read() {
        for shuffled in [false, true] {
            let dir = folder_with_a_name_used_twice(shuffled);
            let full = View::read(dir.path()).unwrap();
            let options = ReadOptions {
                hold_at_most: Some(0),
                ..ReadOptions::for_resource(Resource::Pods, None)
            };
            let streamed = View::read_for(dir.path(), options).unwrap();
            assert!(streamed.pods.is_empty());
            for from in [0, 1_000, 8_500, 45_000, 100_000] {
                for (wide, events) in [(false, false), (true, true), (false, true)] {
                    let want = full.watch(Resource::Pods, from, wide, events);
                    let mut got = String::new();
                    let collect = &mut |piece: &str| {
                        got.push_str(piece);
                        Ok::<(), ()>(())
                    };
                    let printed = streamed.watch_to(Resource::Pods, from, wide, events, collect);
                    assert_eq!(printed.unwrap(), !want.is_empty());
                    assert_eq!(got, want, "from {from}, shuffled: {shuffled}");
                }
            }
        }
    }

    #[test]
    fn a_table_read_again_stops_at_the_first_failed_write() {
        let dir = folder_with_a_name_used_twice(false);
        let options = ReadOptions {
            hold_at_most: Some(0),
            ..ReadOptions::for_resource(Resource::Events, None)
        };
        let view = View::read_for(dir.path(), options).unwrap();
        let mut calls = 0;
        let result = view.write_table_holding(
            Resource::Events,
            SimTime::MAX / 2,
            false,
            0,
            &mut |_: &str| {
                calls += 1;
                Err("closed")
            },
        );
        assert!(matches!(result, Err(TableError::Emit("closed"))));
        assert_eq!(calls, 1);
    }

    #[test]
    fn human_durations_follow_kubectl() {
        let s = SECOND;
        for (ms, text) in [
            (0, "0s"),
            (999, "0s"),
            (90 * s, "90s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (125 * s, "2m5s"),
            (600 * s, "10m"),
            (179 * 60 * s, "179m"),
            (3 * 3600 * s, "3h"),
            (3 * 3600 * s + 20 * 60 * s, "3h20m"),
            (8 * 3600 * s + 59 * 60 * s, "8h"),
            (47 * 3600 * s, "47h"),
            (48 * 3600 * s, "2d"),
            (76 * 3600 * s, "3d4h"),
            (40 * 24 * 3600 * s, "40d"),
            ((2 * 365 + 30) * 24 * 3600 * s, "2y30d"),
            (9 * 365 * 24 * 3600 * s, "9y"),
        ] {
            assert_eq!(human_duration(ms), text, "{ms} ms");
        }
    }

    #[test]
    fn tables_pad_columns_as_kubectls_tab_writer() {
        let text = format_table(&[
            vec!["NAME", "READY", "AGE"],
            vec!["a-long-name", "1/1", "5s"],
        ]);
        assert_eq!(
            text,
            "NAME          READY   AGE\na-long-name   1/1     5s\n"
        );
    }

    fn pod() -> PodView {
        PodView {
            name: "p".into(),
            job: "j".into(),
            created: 0,
            scheduled: Some(100),
            started: Some(1_000),
            finished: Some(6_000),
            phase: "Succeeded".into(),
            reason: "Completed".into(),
            containers: 1,
            ..PodView::default()
        }
    }

    #[test]
    fn a_pod_goes_pending_creating_running_completed() {
        let p = pod();
        let status = |t| pod_state(&p, t).map(|s| s.status);
        assert_eq!(status(50).as_deref(), Some("Pending"));
        assert_eq!(status(500).as_deref(), Some("ContainerCreating"));
        assert_eq!(status(3_000).as_deref(), Some("Running"));
        assert_eq!(status(6_000).as_deref(), Some("Completed"));
        assert_eq!(pod_state(&p, 3_000).unwrap().ready, 1);
        assert_eq!(pod_state(&p, 6_000).unwrap().ready, 0);
    }

    #[test]
    fn a_deleted_pod_is_terminating_until_it_is_gone() {
        let mut p = pod();
        p.phase = "Failed".into();
        p.reason = "Deleted".into();
        p.deletion_requested = Some(4_000);
        p.removed = Some(6_000);
        assert_eq!(pod_state(&p, 3_000).unwrap().status, "Running");
        assert_eq!(pod_state(&p, 4_000).unwrap().status, "Terminating");
        assert_eq!(pod_state(&p, 6_000), None);
    }

    #[test]
    fn a_crash_looping_pod_shows_crashloopbackoff_and_counts_restarts() {
        let mut p = pod();
        p.finished = Some(30_000);
        p.restarts = 2;
        p.restart_times = vec![7_000, 17_000];
        p.crash_waits = vec![(6_000, 7_000), (8_000, 17_000)];
        let at = |t| pod_state(&p, t).unwrap();
        assert_eq!(at(6_500).status, "CrashLoopBackOff");
        assert_eq!(at(6_500).restarts, 0);
        assert_eq!(at(7_500).status, "Running");
        assert_eq!(
            (at(10_000).status.as_str(), at(10_000).restarts),
            ("CrashLoopBackOff", 1)
        );
        assert_eq!(at(20_000).restarts, 2);
        assert_eq!(at(20_000).last_restart, Some(17_000));
    }

    #[test]
    fn job_completions_follow_kubectl() {
        let job = JobView {
            name: "j".into(),
            created: 0,
            started: Some(0),
            finished: Some(14_040),
            outcome: "Complete".into(),
            succeeded: 6,
            completions: Some(6),
            parallelism: Some(3),
            successes: vec![6_020, 6_020, 6_020, 13_040, 13_040, 13_040],
            ..JobView::default()
        };
        let cells = |t| job_row(&job, t, false).unwrap().cells;
        assert_eq!(cells(3_000), ["j", "Running", "0/6", "3s", "3s"]);
        assert_eq!(cells(10_000), ["j", "Running", "3/6", "10s", "10s"]);
        assert_eq!(cells(20_000), ["j", "Complete", "6/6", "14s", "20s"]);
        let work_queue = JobView {
            completions: None,
            parallelism: Some(2),
            ..job.clone()
        };
        assert_eq!(
            job_row(&work_queue, 3_000, false).unwrap().cells[2],
            "0/1 of 2"
        );
    }

    use crate::report::explain::tests::run_scenario;

    /// Rewrites cell `column` (0-based) of line `line` (1-based) of `file` in `dir`.
    fn set_cell(dir: &Path, file: &str, line: usize, column: usize, value: &[u8]) {
        let path = dir.join(file);
        let text = std::fs::read(&path).unwrap();
        let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        let mut cells: Vec<Vec<u8>> = lines[line - 1]
            .split(|&b| b == b',')
            .map(<[u8]>::to_vec)
            .collect();
        cells[column] = value.to_vec();
        lines[line - 1] = cells.join(&b',');
        std::fs::write(&path, lines.join(&b'\n')).unwrap();
    }

    /// The error of reading `dir`, with the folder's path taken out.
    fn read_error(dir: &Path) -> String {
        let error = View::read(dir).unwrap_err().to_string();
        error.replace(&format!("{}/", dir.display()), "")
    }

    #[test]
    fn a_bad_value_is_reported_with_its_file_line_and_column() {
        let run = run_scenario("scenarios/teaching/suspend-resume.yaml");
        let dir = run.path();
        set_cell(dir, "pods.csv", 3, 11, b"boom");
        assert_eq!(
            read_error(dir),
            "pods.csv, line 3, column \"exit_code\": \"boom\" is not a whole number (write e.g. 0, 3, 250)"
        );
        // The first bad cell of a row, in the order the row is read.
        set_cell(dir, "pods.csv", 2, 5, b"");
        set_cell(dir, "pods.csv", 2, 2, b"x");
        assert_eq!(
            read_error(dir),
            "pods.csv, line 2, column \"index\": \"x\" is not a whole number (write e.g. 0, 3, 250)"
        );
        // events.csv is read before jobs.csv, and jobs.csv before pods.csv.
        set_cell(dir, "jobs.csv", 2, 7, b"many");
        assert_eq!(
            read_error(dir),
            "jobs.csv, line 2, column \"succeeded\": \"many\" is not a whole number (write e.g. 0, 3, 250)"
        );
        set_cell(dir, "events.csv", 6, 0, b"");
        assert_eq!(
            read_error(dir),
            "events.csv, line 6, column \"time\": a time is required"
        );
    }

    #[test]
    fn a_malformed_row_later_in_a_file_is_reported_before_an_earlier_bad_value_or_missing_column() {
        let run = run_scenario("scenarios/teaching/suspend-resume.yaml");
        let dir = run.path();
        set_cell(dir, "pods.csv", 2, 5, b"q");
        set_cell(dir, "pods.csv", 4, 0, b"\xc3\x28");
        let error = read_error(dir);
        assert!(
            error.starts_with("pods.csv, line 4: CSV parse error: record 3 (line 4, field: 0,")
                && error.ends_with("invalid UTF-8 in field 0 near byte index 0"),
            "{error}"
        );
        set_cell(dir, "pods.csv", 4, 0, b"p");
        assert_eq!(
            read_error(dir),
            "pods.csv, line 2, column \"created\": \"q\" is not a time in seconds since start (write e.g. 12.345)"
        );
        set_cell(dir, "pods.csv", 1, 5, b"made");
        set_cell(dir, "pods.csv", 5, 0, b"\xff");
        assert!(
            read_error(dir).starts_with("pods.csv, line 5: CSV parse error"),
            "{}",
            read_error(dir)
        );
        set_cell(dir, "pods.csv", 5, 0, b"p");
        assert_eq!(
            read_error(dir),
            "pods.csv: the header has no column \"created\" (the header must name it)"
        );
    }

    /// `restart_times` as jobsim writes it (`EXIT@EXITED>RESTARTED;…`): the pod restarted
    /// in place shows its restarts as they happen, and how long ago its last run ended
    /// (kubectl's `lastState.terminated.finishedAt`), not 0 until it finishes.
    #[test]
    fn restarts_in_place_count_as_they_happen_from_jobsims_restart_times() {
        let run = run_scenario("scenarios/teaching/onfailure-vs-never.yaml");
        let view = View::read(run.path()).unwrap();
        let pod = view
            .pods
            .iter()
            .find(|p| p.job == "on-failure")
            .expect("the OnFailure pod");
        // Its runs ended at 6.02 s and 11.02 s and were restarted at 6.02 s and 21.02 s.
        assert_eq!(pod.restart_times, vec![6_020, 21_020]);
        assert_eq!(pod.exit_times, vec![6_020, 11_020]);
        let state = |at| pod_state(pod, at).unwrap();
        assert_eq!(
            (state(5_000).restarts, state(5_000).last_restart),
            (0, None)
        );
        let waiting = state(15_000);
        assert_eq!(waiting.status, "CrashLoopBackOff");
        assert_eq!((waiting.restarts, waiting.last_restart), (1, Some(11_020)));
        let running = state(24_000);
        assert_eq!(running.status, "Running");
        assert_eq!((running.restarts, running.last_restart), (2, Some(11_020)));
    }

    /// Several crash-loop waits, of which the kubelet's counted `BackOff` row gives only
    /// the last: each wait between a run's end and its restart shows `CrashLoopBackOff`.
    #[test]
    fn every_crash_loop_wait_in_restart_times_shows_as_crash_loop_back_off() {
        let run = run_scenario("scenarios/teaching/onfailure-vs-never.yaml");
        let dir = run.path();
        let line = std::fs::read_to_string(dir.join("pods.csv"))
            .unwrap()
            .lines()
            .position(|l| l.starts_with("on-failure-"))
            .unwrap()
            + 1;
        // Runs end at 6, 20 and 50 s; restarts at 16 and 40 s; the pod ends at 60 s.
        set_cell(dir, "pods.csv", line, 8, b"60.000");
        set_cell(dir, "pods.csv", line, 18, b"1@6.000>16.000;1@20.000>40.000");
        let view = View::read(dir).unwrap();
        let pod = view.pods.iter().find(|p| p.job == "on-failure").unwrap();
        let status = |at| pod_state(pod, at).unwrap().status;
        assert_eq!(status(10_000), "CrashLoopBackOff");
        assert_eq!(status(17_000), "Running");
        assert_eq!(status(30_000), "CrashLoopBackOff");
        assert_eq!(status(45_000), "Running");
        assert_eq!(pod_state(pod, 45_000).unwrap().restarts, 2);
    }

    /// The streamed table is the text built whole, for every resource at every moment, and
    /// a table of many rows goes out in pieces of about [`PIECE`] bytes, never whole.
    #[test]
    fn a_streamed_table_is_the_whole_text_in_bounded_pieces() {
        let run = run_scenario("scenarios/teaching/onfailure-vs-never.yaml");
        let mut view = View::read(run.path()).unwrap();
        let resources = [
            Resource::Jobs,
            Resource::Pods,
            Resource::CronJobs,
            Resource::Events,
        ];
        for at in every_moment(&view) {
            for resource in resources {
                for wide in [false, true] {
                    let mut text = String::new();
                    let any = view
                        .write_table(resource, at, wide, &mut |piece: &str| {
                            text.push_str(piece);
                            Ok::<(), ()>(())
                        })
                        .unwrap();
                    let whole = get_text(&view, resource, at, wide);
                    assert_eq!(any, whole.is_some(), "{resource:?} at {at}");
                    assert_eq!(text, whole.unwrap_or_default(), "{resource:?} at {at}");
                }
            }
        }
        let pods = view.pods.clone();
        for i in 0..2_000 {
            view.pods.extend(pods.iter().cloned().map(|mut p| {
                p.name = format!("{}-{i}", p.name);
                p
            }));
        }
        let mut pieces = Vec::new();
        view.write_table(Resource::Pods, view.end, true, &mut |piece: &str| {
            pieces.push(piece.len());
            Ok::<(), ()>(())
        })
        .unwrap();
        let total: usize = pieces.iter().sum();
        assert!(pieces.len() > 3, "{total} bytes in {} pieces", pieces.len());
        assert!(pieces.iter().all(|&n| n < PIECE + 1024), "{pieces:?}");
        let mut text = String::new();
        view.watch_with(Resource::Pods, 0, false, true, &mut |piece: &str| {
            pieces.push(piece.len());
            text.push_str(piece);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert!(pieces.iter().all(|&n| n < PIECE + 1024), "{pieces:?}");
        assert_eq!(text, view.watch(Resource::Pods, 0, false, true));
    }

    #[test]
    fn blank_rows_are_skipped_and_do_not_shift_line_numbers() {
        let run = run_scenario("scenarios/teaching/suspend-resume.yaml");
        let dir = run.path();
        let path = dir.join("events.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let (header, rest) = text.split_once('\n').unwrap();
        std::fs::write(&path, format!("{header}\n\n , ,\n{rest}")).unwrap();
        assert!(View::read(dir).is_ok());
        set_cell(dir, "events.csv", 5, 0, b"-1");
        assert_eq!(
            read_error(dir),
            "events.csv, line 5, column \"time\": \"-1\" is not a time in seconds since start (write e.g. 12.345)"
        );
    }

    /// Rewrites `file` in `dir` without its column `column`.
    fn drop_column(dir: &Path, file: &str, column: &str) {
        let path = dir.join(file);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header = reader.headers().unwrap().clone();
        let at = header.iter().position(|h| h == column).unwrap();
        let keep = |record: &csv::StringRecord| -> Vec<String> {
            let cells = record.iter().enumerate().filter(|&(i, _)| i != at);
            cells.map(|(_, c)| c.to_string()).collect()
        };
        let rows: Vec<Vec<String>> = reader.records().map(|r| keep(&r.unwrap())).collect();
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.write_record(keep(&header)).unwrap();
        for row in rows {
            writer.write_record(row).unwrap();
        }
        writer.flush().unwrap();
    }

    /// Rewrites `events.csv` in `dir` as a run before events were counted wrote it: a
    /// kubelet `Started` event counted more than once is listed at its first time too.
    fn list_each_start(dir: &Path) {
        let path = dir.join("events.csv");
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header = reader.headers().unwrap().clone();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (time, reason, count, first) = (
            column("time"),
            column("reason"),
            column("count"),
            column("firstTime"),
        );
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            if &record[reason] == "Started" && &record[count] != "1" {
                let mut earlier: Vec<String> = record.iter().map(str::to_string).collect();
                earlier[time] = record[first].to_string();
                rows.push(csv::StringRecord::from(earlier));
            }
            rows.push(record);
        }
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.write_record(&header).unwrap();
        for row in rows {
            writer.write_record(&row).unwrap();
        }
        writer.flush().unwrap();
    }

    /// Every moment something changes in `view`, and one past the end.
    fn every_moment(view: &View) -> Vec<SimTime> {
        let mut moments: Vec<SimTime> = [Resource::Jobs, Resource::Pods, Resource::CronJobs]
            .into_iter()
            .flat_map(|r| (0..view.count(r)).flat_map(move |i| view.moments(r, i)))
            .chain([0, view.end + 1])
            .collect();
        moments.sort_unstable();
        moments.dedup();
        moments
    }

    #[test]
    fn narrowed_read_gives_the_same_pod_rows_as_a_full_read() {
        let (mut restarted, mut crash_looped, mut deleted) = (false, false, false);
        for scenario in [
            "scenarios/teaching/backoff-limit-onfailure-vs-never.yaml",
            "scenarios/teaching/suspend-resume.yaml",
            "scenarios/teaching/node-loss.yaml",
        ] {
            let run = run_scenario(scenario);
            let dir = run.path();
            // As in a folder written before `restart_times` and event counts: the
            // restarts come from the kubelet's `Started` events.
            drop_column(dir, "pods.csv", "restart_times");
            list_each_start(dir);
            let full = View::read(dir).unwrap();
            let options = ReadOptions::for_resource(Resource::Pods, None);
            let narrowed = View::read_for(dir, options).unwrap();
            // The same pods, but for the columns no row shows, which a full read keeps.
            assert!(full.pods.iter().all(|p| p.extra.contains_key("ended_by")));
            let without_extra = |v: &View| -> Vec<PodView> {
                let pods = v.pods.iter().cloned();
                pods.map(|p| PodView {
                    extra: BTreeMap::new(),
                    ..p
                })
                .collect()
            };
            assert_eq!(narrowed.pods, without_extra(&full), "{scenario}");
            assert_eq!(narrowed.end, full.end, "{scenario}");
            assert!(narrowed.events.is_empty(), "{scenario}");
            for at in every_moment(&full) {
                for wide in [false, true] {
                    let table = |v: &View| v.table(Resource::Pods, at, wide);
                    assert_eq!(table(&narrowed), table(&full), "{scenario} at {at}");
                }
            }
            let watch = |v: &View| v.watch(Resource::Pods, 0, true, true);
            assert_eq!(watch(&narrowed), watch(&full), "{scenario}");
            restarted |= full.pods.iter().any(|p| !p.restart_times.is_empty());
            crash_looped |= full.pods.iter().any(|p| !p.crash_waits.is_empty());
            deleted |= full.pods.iter().any(|p| p.deletion_requested.is_some());
        }
        // The events did tell of restarts, crash-loop waits and deletions.
        assert!(restarted && crash_looped && deleted);
    }

    #[test]
    fn narrowed_read_gives_the_same_job_and_cronjob_rows_and_suspensions_as_a_full_read() {
        for scenario in [
            "scenarios/teaching/suspend-resume.yaml",
            "scenarios/teaching/cronjob-too-many-missed.yaml",
        ] {
            let run = run_scenario(scenario);
            let full = View::read(run.path()).unwrap();
            for resource in [Resource::Jobs, Resource::CronJobs] {
                let options = ReadOptions::for_resource(resource, None);
                let narrowed = View::read_for(run.path(), options).unwrap();
                assert_eq!(narrowed.jobs, full.jobs, "{scenario}");
                assert_eq!(narrowed.cronjobs, full.cronjobs, "{scenario}");
                assert_eq!(narrowed.end, full.end, "{scenario}");
                assert!(narrowed.pods.is_empty() && narrowed.events.is_empty());
                for at in every_moment(&full) {
                    let table = |v: &View| v.table(resource, at, true);
                    assert_eq!(table(&narrowed), table(&full), "{scenario} at {at}");
                }
                let watch = |v: &View| v.watch(resource, 0, true, true);
                assert_eq!(watch(&narrowed), watch(&full), "{scenario}");
            }
        }
        let run = run_scenario("scenarios/teaching/suspend-resume.yaml");
        let options = ReadOptions::for_resource(Resource::Jobs, None);
        let jobs = View::read_for(run.path(), options).unwrap().jobs;
        assert_eq!(jobs[0].suspensions.len(), 1, "{:?}", jobs[0]);
        assert!(!jobs[0].successes.is_empty(), "{:?}", jobs[0]);
    }

    #[test]
    fn events_read_up_to_a_moment_are_the_full_reads_events_up_to_it() {
        let run = run_scenario("scenarios/teaching/node-loss.yaml");
        let full = View::read(run.path()).unwrap();
        for at in [0, full.end / 3, full.end / 2, full.end] {
            let options = ReadOptions::for_resource(Resource::Events, Some(at));
            let narrowed = View::read_for(run.path(), options).unwrap();
            let listed: Vec<&EventView> = full.events.iter().filter(|e| e.time <= at).collect();
            assert_eq!(narrowed.events.iter().collect::<Vec<_>>(), listed);
            assert!(listed.len() < full.events.len() || at == full.end);
            assert_eq!(narrowed.end, full.end);
            let table = |v: &View| v.table(Resource::Events, at, false);
            assert_eq!(table(&narrowed), table(&full), "at {at}");
        }
    }

    #[test]
    fn resource_names_are_read_as_kubectl_reads_them() {
        assert_eq!(Resource::parse("po"), Some(Resource::Pods));
        assert_eq!(Resource::parse("cj"), Some(Resource::CronJobs));
        assert_eq!(Resource::parse("Jobs"), Some(Resource::Jobs));
        assert_eq!(Resource::parse("ev"), Some(Resource::Events));
        assert_eq!(Resource::parse("deployments"), None);
    }
}
