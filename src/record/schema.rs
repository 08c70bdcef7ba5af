//! The output formats of DESIGN §6, defined once: one typed row per CSV file (`pods.csv`,
//! `jobs.csv`, `events.csv`, `nodes.csv`) and the documents `summary.json` and `objects.json`,
//! as `Serialize`/`Deserialize` types. The writers, the report's reader, the synthetic runs
//! and the tests all use these; the run's builders make the Job and CronJob objects of
//! `objects.json` as these types too.
//!
//! A row's column list ([`PodRow::COLUMNS`], …) is generated from its field names by the
//! `csv_row!` macro, with a [`PodColumns`]-style struct holding one value per column, so a
//! reader that looks columns up by name cannot miss or misspell one. The streaming CSV
//! writer formats rows by hand for speed; a test proves its bytes equal serde's from these
//! types.
//!
//! Times in the CSV files are seconds since the start with millisecond precision (`12.345`),
//! empty when the thing never happened; in memory they are [`SimTime`] milliseconds. The
//! JSON documents keep seconds as floating-point numbers, as they are written.
//!
//! It is not a place for logic: conversions from the simulator's records sit here only
//! because they must name every field.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::result::{CronJobResult, JobResult, NodeResult, RunResult};
use super::{EventRecord, EventType, JobRecord, PodRecord};
use crate::api::job::JobCondition;
use crate::time::{Clock, SimTime, seconds_str};

/// Defines one CSV row type: the struct (its fields are the columns, in order), its
/// `COLUMNS` header and a struct with one value of any type per column (e.g. each column's
/// position in a file being read).
macro_rules! csv_row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident, columns $columns:ident [$n:literal] {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty $(=> $column:literal)?, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            /// The file's header: the field names (or the names given after `=>`), in order.
            pub const COLUMNS: [&'static str; $n] = [$(column_name!($field $(, $column)?)),*];
        }

        #[doc = concat!("One value per column of [`", stringify!($name), "`], named like its fields.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $columns<T> {
            $( #[doc = concat!("The `", stringify!($field), "` column.")] pub $field: T, )*
        }

        impl<T> $columns<T> {
            /// Builds the value of every column from its name, in column order; stops at the
            /// first error.
            pub fn try_from_names<E>(
                mut value: impl FnMut(&'static str) -> Result<T, E>,
            ) -> Result<Self, E> {
                Ok($columns { $( $field: value(column_name!($field $(, $column)?))?, )* })
            }
        }
    };
}

/// A column's name: the one given, else the field's.
macro_rules! column_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $column:literal) => {
        $column
    };
}

csv_row! {
    /// One row of `pods.csv`: one pod (one attempt).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PodRow, columns PodColumns [19] {
        /// The pod's name.
        pub pod: String,
        /// The Job that created it.
        pub job: String,
        /// The completion index; `None` for NonIndexed Jobs.
        pub index: Option<u32>,
        /// The Nth pod the Job controller created for the index (or the Job), from 1.
        pub attempt: u32,
        /// The node it was bound to; `None` if never scheduled.
        pub node: Option<String>,
        /// When it was created.
        #[serde(with = "seconds")]
        pub created: SimTime,
        /// When it was bound to a node.
        #[serde(with = "opt_seconds")]
        pub scheduled: Option<SimTime>,
        /// When its containers were running.
        #[serde(with = "opt_seconds")]
        pub started: Option<SimTime>,
        /// When it reached a terminal phase.
        #[serde(with = "opt_seconds")]
        pub finished: Option<SimTime>,
        /// `Pending`, `Running`, `Succeeded` or `Failed`.
        pub phase: String,
        /// Why it ended (`Completed`, `Error`, `OOMKilled`, …); empty while it runs.
        pub reason: String,
        /// The first non-zero container exit code, else 0; empty before it ended.
        pub exit_code: Option<i32>,
        /// In-place container restarts (`restartPolicy: OnFailure`).
        pub restarts: u32,
        /// Why the Job controller created it: `initial`, `replaces-failed`,
        /// `replaces-disrupted`, `replaces-deleted`, `next-completion`, `free-index`,
        /// `scale-up` (empty in files written before this column).
        #[serde(default)]
        pub created_for: String,
        /// The pod it replaces, when `created_for` is a `replaces-…`.
        #[serde(default)]
        pub replaces: Option<String>,
        /// What ended it: `succeeded`, `failed`, `oom-killed`, `pod-deadline`, `evicted`,
        /// `node-lost`, `deleted-suspend`, `deleted-success-policy`, `deleted-job-failed`,
        /// `deleted-job-deadline`, `deleted-surplus`, `deleted-cronjob-replace`, `deleted`;
        /// empty while it runs.
        #[serde(default)]
        pub ended_by: String,
        /// How its Job counted it: `succeeded`, `failed`, `no`; empty when not (yet) decided.
        #[serde(default)]
        pub counted: String,
        /// The index of the `podFailurePolicy` rule that matched its failure.
        #[serde(default)]
        pub rule: Option<u16>,
        /// In-place restarts: `EXIT@EXITED>RESTARTED` per restart, `;`-separated (seconds
        /// with milliseconds): the container exited with EXIT at EXITED and the kubelet
        /// started it again at RESTARTED, after the crash-loop wait.
        #[serde(default)]
        pub restart_times: String,
    }
}

impl PodRow {
    /// The `pods.csv` columns added after the first release (issue 13): readers accept
    /// files without them.
    pub const ADDED_COLUMNS: [&'static str; 6] = [
        "created_for",
        "replaces",
        "ended_by",
        "counted",
        "rule",
        "restart_times",
    ];
}

csv_row! {
    /// One row of `jobs.csv`: one Job ever created, also one deleted during the run.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct JobRow, columns JobColumns [11] {
        /// The Job's name.
        pub job: String,
        /// `cronjob/NAME` when a CronJob created it.
        pub owner: Option<String>,
        /// When it was created.
        #[serde(with = "seconds")]
        pub created: SimTime,
        /// When `status.startTime` was set.
        #[serde(with = "opt_seconds")]
        pub started: Option<SimTime>,
        /// When `Complete` or `Failed` was set.
        #[serde(with = "opt_seconds")]
        pub finished: Option<SimTime>,
        /// `Complete`, `Failed`, `Suspended` or `Running`.
        pub outcome: String,
        /// The reason of the condition behind the outcome; may be empty.
        pub reason: String,
        /// `status.succeeded`.
        pub succeeded: i32,
        /// `status.failed`.
        pub failed: i32,
        /// Pods created for it.
        pub pods: u32,
        /// When it was deleted (TTL, history limit, an action).
        #[serde(with = "opt_seconds")]
        pub deleted: Option<SimTime>,
    }
}

csv_row! {
    /// One row of `events.csv`: one Kubernetes Event object as the API server holds it at
    /// the end of the run (or, with `--events all`, one event as emitted). Files written
    /// before the last four columns existed read as count 1, type `Normal`, both times
    /// equal to `time`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct EventRow, columns EventColumns [8] {
        /// When the Event object was last written (`lastTimestamp`; kubectl's LAST SEEN).
        #[serde(with = "seconds")]
        pub time: SimTime,
        /// `kind/name`, e.g. `job/pi`, `node/worker-0`.
        pub object: String,
        /// Kubernetes' reason (`SuccessfulCreate`, `Completed`, …).
        pub reason: String,
        /// Kubernetes' message (the last one written).
        pub message: String,
        /// `Normal` or `Warning`.
        #[serde(rename = "type", default)]
        pub event_type: EventType => "type",
        /// Occurrences the Event object counts.
        #[serde(default = "one")]
        pub count: u32,
        /// When the first of them happened; `None` in a file without the column.
        #[serde(rename = "firstTime", with = "opt_seconds", default)]
        pub first_time: Option<SimTime> => "firstTime",
        /// When the last of them happened; `None` in a file without the column.
        #[serde(rename = "lastTime", with = "opt_seconds", default)]
        pub last_time: Option<SimTime> => "lastTime",
    }
}

/// The count of a row written before the `count` column existed.
fn one() -> u32 {
    1
}

csv_row! {
    /// One row of `nodes.csv`: a node's allocatable capacity.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct NodeRow, columns NodeColumns [5] {
        /// The node's name (`POOL-N`).
        pub node: String,
        /// The node pool it belongs to.
        pub pool: String,
        /// Millicores.
        pub cpu: i64,
        /// Bytes.
        pub memory: i64,
        /// Pods it can hold.
        pub pods: i64,
    }
}

impl EventRow {
    /// The lower-case kind before the slash (`job`, `pod`, `cronjob`, `node`).
    pub fn kind(&self) -> &str {
        self.object.split_once('/').map_or("", |(k, _)| k)
    }
    /// The name after the slash.
    pub fn name(&self) -> &str {
        self.object.split_once('/').map_or(&self.object, |(_, n)| n)
    }
}

impl From<&PodRecord<'_>> for PodRow {
    fn from(r: &PodRecord<'_>) -> PodRow {
        PodRow {
            pod: r.pod.to_string(),
            job: r.job.to_string(),
            index: r.index,
            attempt: r.attempt,
            node: r.node.map(str::to_string),
            created: r.created,
            scheduled: r.scheduled,
            started: r.started,
            finished: r.finished,
            phase: r.phase.to_string(),
            reason: r.reason.to_string(),
            exit_code: r.exit_code,
            restarts: r.restarts,
            created_for: r.created_for.to_string(),
            replaces: r.replaces.map(str::to_string),
            ended_by: r.ended_by.to_string(),
            counted: r.counted.to_string(),
            rule: r.rule,
            restart_times: {
                let mut text = String::new();
                crate::world::store::why::push_restart_times(&mut text, r.restart_times);
                text
            },
        }
    }
}

impl From<&JobRecord<'_>> for JobRow {
    fn from(r: &JobRecord<'_>) -> JobRow {
        JobRow {
            job: r.job.to_string(),
            owner: r.owner.map(str::to_string),
            created: r.created,
            started: r.started,
            finished: r.finished,
            outcome: r.outcome.to_string(),
            reason: r.reason.to_string(),
            succeeded: r.succeeded,
            failed: r.failed,
            pods: r.pods,
            deleted: r.deleted,
        }
    }
}

impl From<&EventRecord<'_>> for EventRow {
    fn from(r: &EventRecord<'_>) -> EventRow {
        EventRow {
            time: r.time,
            object: r.object.to_string(),
            reason: r.reason.to_string(),
            message: r.message.to_string(),
            event_type: r.event_type,
            count: r.count,
            first_time: Some(r.first),
            last_time: Some(r.time),
        }
    }
}

impl From<&NodeResult> for NodeRow {
    fn from(n: &NodeResult) -> NodeRow {
        NodeRow {
            node: n.name.clone(),
            pool: n.pool.clone(),
            cpu: n.alloc.cpu_m,
            memory: n.alloc.memory,
            pods: n.pods,
        }
    }
}

/// A CSV time column that is always set: seconds with millisecond precision.
pub mod seconds {
    use super::*;

    /// Writes the time.
    pub fn serialize<S: serde::Serializer>(t: &SimTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&seconds_str(*t))
    }

    /// Reads the time.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SimTime, D::Error> {
        super::opt_seconds::deserialize(d)?
            .ok_or_else(|| serde::de::Error::custom("a time is required here"))
    }
}

/// A CSV time column that is empty when the thing never happened.
pub mod opt_seconds {
    use super::*;

    /// Writes the time, or nothing.
    pub fn serialize<S: serde::Serializer>(t: &Option<SimTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&seconds_str(*t)),
            None => s.serialize_none(),
        }
    }

    /// Reads the time; empty is `None`.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SimTime>, D::Error> {
        let text = String::deserialize(d)?;
        parse_seconds(text.trim()).map_err(serde::de::Error::custom)
    }
}

/// Parses seconds since start with up to millisecond precision (`12.345`, `7`, `0.5`) into
/// milliseconds; empty text means "never happened".
pub fn parse_seconds(text: &str) -> Result<Option<SimTime>, String> {
    parse_seconds_bytes(text.as_bytes())
        .ok_or_else(|| format!("{text:?} is not a time in seconds since start (write e.g. 12.345)"))
}

/// [`parse_seconds`] on bytes, without allocating; `None` when malformed.
pub fn parse_seconds_bytes(text: &[u8]) -> Option<Option<SimTime>> {
    if text.is_empty() {
        return Some(None);
    }
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &b""[..]),
    };
    let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 9 {
        return None;
    }
    let mut seconds: SimTime = 0;
    for &digit in whole {
        seconds = seconds
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    // Pad or cut the fraction to nanoseconds, then round to the nearest millisecond.
    let mut nanos: u64 = 0;
    for i in 0..9 {
        nanos = nanos * 10 + fraction.get(i).map_or(0, |&d| u64::from(d - b'0'));
    }
    let millis = (nanos + 500_000) / 1_000_000;
    seconds
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map(Some)
}

/// Reads every row of a CSV file written in one of the formats above (columns found by their
/// header names, so reordered and extra columns are fine). A row longer than
/// [`MAX_ROW_BYTES`] is an error.
pub fn read_csv_rows<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> csv::Result<Vec<T>> {
    csv::Reader::from_reader(RowLimit::open(path)?)
        .deserialize()
        .collect()
}

/// The longest row the CSV readers accept, in bytes. jobsim's longest rows are `pods.csv`
/// rows of pods restarted in place for years (about 30 bytes a restart in `restart_times`:
/// a restart every 5 minutes for a year is 3 MB); a file with a longer stretch without a
/// line break (a binary file, a file of zeros) is not one jobsim wrote, and reading it as
/// one row would take memory in proportion to it.
pub const MAX_ROW_BYTES: u64 = 64 << 20;

/// A reader that fails once a CSV row grows past its limit of bytes. Rows end at a line
/// break outside quotes, as the `csv` crate's reader parses them: a quote opens a quoted
/// field at the start of a field (or again right after the quote that closed one, a
/// doubled quote), and a line break inside it does not end the row — a file of one quote
/// and then endless short lines is one row, and is refused like a file of zeros.
#[derive(Debug)]
pub(crate) struct RowLimit<R> {
    inner: R,
    /// Bytes of the row being read, up to the end of the last read.
    run: u64,
    /// Bytes read in all, for the error.
    read: u64,
    limit: u64,
    /// Inside a quoted field at the end of the last read.
    quoted: bool,
    /// The last byte of the last read (a line break before the first read).
    last: u8,
    /// The last byte of the last read was the quote that closed a quoted field.
    last_closed: bool,
}

impl RowLimit<std::fs::File> {
    /// Opens `path` for reading with the limit [`MAX_ROW_BYTES`].
    pub(crate) fn open(path: &std::path::Path) -> std::io::Result<Self> {
        Ok(RowLimit::new(std::fs::File::open(path)?, MAX_ROW_BYTES))
    }
}

impl<R> RowLimit<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        RowLimit {
            inner,
            run: 0,
            read: 0,
            limit,
            quoted: false,
            last: b'\n',
            last_closed: false,
        }
    }

    /// Follows the quoting through `chunk` and returns the longest row it ends and the
    /// length of the row it leaves open (both counting the bytes of earlier reads).
    fn measure(&mut self, chunk: &[u8]) -> (u64, u64) {
        let mut longest = 0;
        // Where the open row starts in `chunk` (0 when it began in an earlier read), and
        // its bytes before `chunk`.
        let (mut start, mut before) = (0, self.run);
        // The position of the quote that closed a field last, if it is in `chunk`.
        let mut closed_at: Option<usize> = None;
        let mut at = 0;
        while at < chunk.len() {
            if self.quoted {
                match memchr::memchr(b'"', &chunk[at..]) {
                    Some(i) => {
                        self.quoted = false;
                        closed_at = Some(at + i);
                        at += i + 1;
                    }
                    None => break,
                }
                continue;
            }
            let Some(i) = memchr::memchr2(b'"', b'\n', &chunk[at..]) else {
                break;
            };
            let i = at + i;
            if chunk[i] == b'\n' {
                longest = longest.max(before + (i - start) as u64);
                start = i + 1;
                before = 0;
            } else {
                let (prev, prev_closed) = match i.checked_sub(1) {
                    Some(p) => (chunk[p], closed_at == Some(p)),
                    None => (self.last, self.last_closed),
                };
                // A quote opens a quoted field at a field's start, or continues one after
                // a doubled quote; elsewhere it is a byte of an unquoted field.
                self.quoted = matches!(prev, b',' | b'\n' | b'\r') || prev_closed;
            }
            at = i + 1;
        }
        if let Some(&b) = chunk.last() {
            self.last = b;
            self.last_closed = closed_at == Some(chunk.len() - 1);
        }
        let open = before + (chunk.len() - start) as u64;
        (longest, open)
    }
}

impl<R: std::io::Read> std::io::Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let (longest, open) = self.measure(&buf[..n]);
        self.run = open;
        self.read += n as u64;
        if longest.max(open) > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "more than {} bytes in one row (by byte {}): not a CSV file jobsim wrote",
                    self.limit, self.read
                ),
            ));
        }
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// summary.json
// ---------------------------------------------------------------------------------------

/// `summary.json`: the scenario, versions, per-Job and per-CronJob results and aggregate
/// metrics. Every key is optional when reading (missing keys take defaults, unknown keys are
/// ignored), so files of older and newer versions read. `M` is the metrics' shape: typed
/// ([`SummaryMetrics`]) as jobsim writes them, or a map kept as written by a reader that
/// shows metrics it may not know.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Summary<M = SummaryMetrics> {
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the random streams.
    pub seed: u64,
    /// RFC 3339 instant of t = 0.
    pub start: String,
    /// RFC 3339 instant of the end of the run.
    pub end: String,
    /// The end, in seconds since the start.
    pub end_seconds: Option<f64>,
    /// The run was cut by its horizon.
    pub horizon_reached: bool,
    /// Every Job of the run ended `Complete`: each standalone Job, and each Job a CronJob
    /// created. `metrics.makespan` says when the Jobs ended, either way; this says whether
    /// they succeeded. Always written; `None` only when a file of an older version lacks it.
    pub all_complete: Option<bool>,
    /// The jobsim version that wrote the file.
    pub jobsim: String,
    /// The Kubernetes release modelled.
    pub kubernetes: String,
    /// Events the engine handled.
    pub events_processed: u64,
    /// Standalone Jobs, in creation order.
    pub jobs: Vec<JobSummary>,
    /// CronJobs, in creation order.
    pub cronjobs: Vec<CronJobSummary>,
    /// Run-wide metrics.
    pub metrics: M,
    /// The currency of `cost` figures (`spec.currency`); absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Node-hours and cost per node pool, in pool order.
    pub pools: Vec<PoolSummary>,
}

/// One node pool's node-hours and cost in `summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PoolSummary {
    /// The pool's name.
    pub name: String,
    /// Its nodes.
    pub nodes: u32,
    /// Hours its nodes existed, summed (NotReady time included; a deleted node stops).
    pub node_hours: f64,
    /// Its price per node-hour; absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<f64>,
    /// Hours billed by its billing rule (granularity, minimum), summed; absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed_hours: Option<f64>,
    /// What its nodes cost; absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The part of its cost charged to pods by their requests × run time; absent without
    /// prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_cost: Option<f64>,
}

/// Metrics kept as written, in file order.
pub type MetricsAsWritten = Map<String, Value>;

/// Aggregate metrics of a run in `summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SummaryMetrics {
    /// Seconds from the earliest creation to the latest finish of the standalone Jobs, when
    /// every one of them finished, either way (`Complete` or `Failed`); `null` when one was
    /// still running, suspended or deleted unfinished at the end. Whether they succeeded is
    /// `allComplete`.
    pub makespan: Option<f64>,
    /// Pods created.
    pub pods_created: u64,
    /// Pods that succeeded.
    pub pods_succeeded: u64,
    /// Pods that failed.
    pub pods_failed: u64,
    /// Pods that succeeded per hour of the whole run (start to end); failed pods do not
    /// count.
    pub throughput_per_hour: f64,
    /// Requested CPU-seconds over allocatable CPU-seconds.
    pub cpu_utilisation: f64,
    /// CPU-seconds requested by pods that did not succeed.
    pub wasted_cpu_seconds: f64,
    /// Pending time of pods, from creation to running.
    pub wait_seconds: WaitSeconds,
    /// Hours the nodes existed, summed over nodes (a NotReady node counts; a deleted one
    /// stops). Always written.
    pub node_hours: f64,
    /// What the nodes cost, by their pools' prices and billing rules, in `currency`;
    /// absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The share of `cost` that no pod's requests were charged for (0–1); absent without
    /// prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_share: Option<f64>,
}

/// Pod wait (created → started) percentiles, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WaitSeconds {
    /// Median, seconds.
    pub p50: f64,
    /// 90th percentile, seconds.
    pub p90: f64,
    /// 99th percentile, seconds.
    pub p99: f64,
    /// Maximum, seconds.
    pub max: f64,
}

/// One Job in `summary.json`. Times are seconds since the start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobSummary {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<String>,
    /// `Indexed` or `NonIndexed`.
    pub completion_mode: String,
    /// Always written; `None` only when a file lacks it.
    pub parallelism: Option<i32>,
    /// `spec.completions`, if set.
    pub completions: Option<i32>,
    /// `Complete`, `Failed`, `Suspended` or `Running`.
    pub outcome: String,
    /// The reason of the condition behind the outcome.
    pub reason: String,
    /// The message of that condition.
    pub message: String,
    /// `status.succeeded`.
    pub succeeded: i32,
    /// `status.failed`.
    pub failed: i32,
    /// Pods created for it.
    pub pods: u32,
    /// `status.completedIndexes` of an Indexed Job.
    pub completed_indexes: Option<String>,
    /// `status.failedIndexes`, with `backoffLimitPerIndex`.
    pub failed_indexes: Option<String>,
    /// Always written; `None` only when a file lacks it.
    pub created: Option<f64>,
    /// When `status.startTime` was set, seconds.
    pub started: Option<f64>,
    /// When it finished, seconds.
    pub finished: Option<f64>,
    /// When it was deleted, seconds.
    pub deleted: Option<f64>,
    /// From creation to finish, seconds.
    pub makespan: Option<f64>,
    /// What one pod of its template requests.
    pub pod_requests: PodRequests,
    /// The cost charged to its pods (requests × time bound to a node); absent without
    /// prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl JobSummary {
    /// True for `completionMode: Indexed`.
    pub fn is_indexed(&self) -> bool {
        self.completion_mode == "Indexed"
    }
    /// `started` in milliseconds.
    pub fn started_ms(&self) -> Option<SimTime> {
        self.started.and_then(seconds_to_ms)
    }
    /// `created` in milliseconds.
    pub fn created_ms(&self) -> Option<SimTime> {
        self.created.and_then(seconds_to_ms)
    }
    /// `finished` in milliseconds.
    pub fn finished_ms(&self) -> Option<SimTime> {
        self.finished.and_then(seconds_to_ms)
    }
}

/// One CronJob in `summary.json`: what became of its schedule times and Jobs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CronJobSummary {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.schedule`.
    pub schedule: String,
    /// `spec.timeZone`, if set.
    pub time_zone: Option<String>,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: String,
    /// `spec.suspend` at the end.
    pub suspend: bool,
    /// When `spec.suspend` was set during the run and until when (seconds since start;
    /// `to` null when still suspended at the end). Absent when it never changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspensions: Vec<Suspension>,
    /// Jobs it created.
    pub jobs_created: u64,
    /// Its Jobs that completed.
    pub succeeded: u64,
    /// Its Jobs that failed.
    pub failed: u64,
    /// Due times blocked under Forbid that never got a Job.
    pub skipped: u64,
    /// Blocked times that got their Job late.
    pub delayed: u64,
    /// Jobs deleted by Replace.
    pub replaced: u64,
    /// Times older than `startingDeadlineSeconds` when the controller looked.
    pub missed_deadline: u64,
    /// Other times that never got a Job.
    pub missed: u64,
    /// Jobs in `status.active` at the end.
    pub active: u64,
    /// `status.lastScheduleTime`.
    pub last_schedule_time: Option<String>,
    /// `status.lastSuccessfulTime`.
    pub last_successful_time: Option<String>,
    /// Lag of Job creation and start behind the schedule.
    pub lag_seconds: LagSeconds,
    /// What one pod of its Job template requests.
    pub pod_requests: PodRequests,
    /// The cost charged to the pods of its Jobs; absent without prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

/// One span of a CronJob's `spec.suspend: true`, seconds since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Suspension {
    /// When `spec.suspend` became true (the CronJob's creation if it was created so).
    pub from: f64,
    /// When it became false again; `None` while suspended at the end.
    pub to: Option<f64>,
}

impl Suspension {
    /// `(from, to)` in milliseconds.
    pub fn millis(&self) -> (SimTime, Option<SimTime>) {
        let ms = |s: f64| seconds_to_ms(s).unwrap_or(0);
        (ms(self.from), self.to.map(ms))
    }
}

/// Schedule lag of a CronJob's Jobs: scheduled time → created, and → first pod running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LagSeconds {
    /// Created − scheduled.
    pub created: Option<Lag>,
    /// First pod running − scheduled.
    pub started: Option<Lag>,
}

/// Percentiles of a lag, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lag {
    /// Median, seconds.
    pub p50: f64,
    /// 99th percentile, seconds.
    pub p99: f64,
    /// Maximum, seconds.
    pub max: f64,
}

/// Per-pod resource requests: CPU in millicores, memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PodRequests {
    /// Millicores.
    pub cpu: i64,
    /// Bytes.
    pub memory: i64,
}

/// Seconds (as `summary.json` writes them) to whole milliseconds; `None` for negative or
/// non-finite values.
pub fn seconds_to_ms(seconds: f64) -> Option<SimTime> {
    (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as SimTime)
}

fn secs(t: SimTime) -> f64 {
    t as f64 / 1000.0
}

/// Rounds to 3 decimals so that float noise never reaches an output file.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Rounds to 6 decimals: costs and node-hours of short runs are small numbers.
fn round6(v: f64) -> f64 {
    (v * 1_000_000.0).round() / 1_000_000.0
}

fn lag(lag: Option<[u64; 3]>) -> Option<Lag> {
    lag.map(|[p50, p99, max]| Lag {
        p50: secs(p50),
        p99: secs(p99),
        max: secs(max),
    })
}

impl From<&JobResult> for JobSummary {
    fn from(j: &JobResult) -> JobSummary {
        JobSummary {
            name: j.name.clone(),
            namespace: j.namespace.clone(),
            owner: j.owner.clone(),
            completion_mode: j.completion_mode.to_string(),
            parallelism: Some(j.parallelism),
            completions: j.completions,
            outcome: j.outcome.to_string(),
            reason: j.reason.clone(),
            message: j.message.clone(),
            succeeded: j.succeeded,
            failed: j.failed,
            pods: j.pods,
            completed_indexes: j.completed_indexes.clone(),
            failed_indexes: j.failed_indexes.clone(),
            created: Some(secs(j.created)),
            started: j.started.map(secs),
            finished: j.finished.map(secs),
            deleted: j.deleted.map(secs),
            makespan: j.makespan().map(secs),
            pod_requests: PodRequests {
                cpu: j.pod_requests.cpu_m,
                memory: j.pod_requests.memory,
            },
            cost: j.cost.map(round6),
        }
    }
}

impl From<&CronJobResult> for CronJobSummary {
    fn from(c: &CronJobResult) -> CronJobSummary {
        CronJobSummary {
            name: c.name.clone(),
            namespace: c.namespace.clone(),
            schedule: c.schedule.clone(),
            time_zone: c.time_zone.clone(),
            concurrency_policy: c.concurrency_policy.to_string(),
            suspend: c.suspend,
            suspensions: c
                .suspensions
                .iter()
                .map(|&(from, to)| Suspension {
                    from: secs(from),
                    to: to.map(secs),
                })
                .collect(),
            jobs_created: c.counts.jobs_created,
            succeeded: c.counts.succeeded,
            failed: c.counts.failed,
            skipped: c.counts.skipped,
            delayed: c.counts.delayed,
            replaced: c.counts.replaced,
            missed_deadline: c.counts.missed_deadline,
            missed: c.counts.missed,
            active: c.active as u64,
            last_schedule_time: c.last_schedule_time.clone(),
            last_successful_time: c.last_successful_time.clone(),
            lag_seconds: LagSeconds {
                created: lag(c.create_lag_ms),
                started: lag(c.start_lag_ms),
            },
            pod_requests: PodRequests {
                cpu: c.pod_requests.cpu_m,
                memory: c.pod_requests.memory,
            },
            cost: c.cost.map(round6),
        }
    }
}

impl From<&RunResult> for Summary {
    fn from(r: &RunResult) -> Summary {
        let clock = Clock::new(r.start);
        let m = &r.metrics;
        Summary {
            scenario: r.scenario.clone(),
            seed: r.seed,
            start: clock.rfc3339(0),
            end: clock.rfc3339(r.end),
            end_seconds: Some(secs(r.end)),
            horizon_reached: r.horizon_reached,
            all_complete: Some(m.all_complete),
            jobsim: crate::version::VERSION.to_string(),
            kubernetes: crate::version::KUBERNETES_VERSION.to_string(),
            events_processed: r.events_processed,
            jobs: r.jobs.iter().map(JobSummary::from).collect(),
            cronjobs: r.cronjobs.iter().map(CronJobSummary::from).collect(),
            metrics: SummaryMetrics {
                makespan: m.makespan.map(secs),
                pods_created: m.pods_created,
                pods_succeeded: m.pods_succeeded,
                pods_failed: m.pods_failed,
                throughput_per_hour: round3(m.throughput_per_hour),
                cpu_utilisation: round3(m.cpu_utilisation),
                wasted_cpu_seconds: round3(m.wasted_cpu_seconds),
                wait_seconds: WaitSeconds {
                    p50: secs(m.wait_ms[0]),
                    p90: secs(m.wait_ms[1]),
                    p99: secs(m.wait_ms[2]),
                    max: secs(m.wait_ms[3]),
                },
                node_hours: round6(m.node_hours),
                cost: m.cost.map(round6),
                idle_share: m.idle_share.map(round6),
            },
            currency: r.currency.clone(),
            pools: r
                .pools
                .iter()
                .map(|p| PoolSummary {
                    name: p.name.clone(),
                    nodes: p.nodes,
                    node_hours: round6(p.node_hours),
                    per_hour: p.per_hour,
                    billed_hours: p.billed_hours.map(round6),
                    cost: p.cost.map(round6),
                    attributed_cost: p.attributed_cost.map(round6),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// objects.json
// ---------------------------------------------------------------------------------------

/// `objects.json`: a Kubernetes `List` of the Jobs and CronJobs that exist when the run
/// ends, as `kubectl get -o json` would show them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectList {
    /// `v1`.
    pub api_version: String,
    /// `List`.
    pub kind: String,
    /// The List's metadata.
    pub metadata: ListMeta,
    /// The Jobs, then the CronJobs.
    pub items: Vec<Object>,
}

/// A `List`'s metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListMeta {
    /// Empty: the List is not a stored object.
    pub resource_version: String,
}

/// One item of the `List`: a Job, a CronJob, or (read from elsewhere) anything else, kept
/// as written. Told apart by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Object {
    /// A Job.
    Job(JobObject),
    /// A CronJob.
    CronJob(CronJobObject),
    /// Any other object, as written.
    Other(Value),
}

impl Object {
    /// The `kind` of the object (`Job`, `CronJob`, or what an other object says).
    pub fn kind(&self) -> &str {
        match self {
            Object::Job(_) => "Job",
            Object::CronJob(_) => "CronJob",
            Object::Other(v) => v["kind"].as_str().unwrap_or_default(),
        }
    }
}

/// The `kind` of a [`JobObject`]: only `Job` reads as one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobKind {
    #[default]
    /// `Job`.
    Job,
}

/// The `kind` of a [`CronJobObject`]: only `CronJob` reads as one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CronJobKind {
    #[default]
    /// `CronJob`.
    CronJob,
}

/// A `batch/v1` Job with its defaulted `spec` (kept as JSON: the API types define it) and
/// its `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobObject {
    #[serde(default)]
    /// `batch/v1`.
    pub api_version: String,
    /// `Job`.
    pub kind: JobKind,
    #[serde(default)]
    /// As the API server returns it.
    pub metadata: ServerMeta,
    #[serde(default)]
    /// The defaulted spec, with the generated selector and labels.
    pub spec: Value,
    #[serde(default)]
    /// As the controller wrote it.
    pub status: JobObjectStatus,
}

/// A `batch/v1` CronJob with its defaulted `spec` and its `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronJobObject {
    #[serde(default)]
    /// `batch/v1`.
    pub api_version: String,
    /// `CronJob`.
    pub kind: CronJobKind,
    #[serde(default)]
    /// As the API server returns it.
    pub metadata: ServerMeta,
    #[serde(default)]
    /// The defaulted spec.
    pub spec: Value,
    #[serde(default)]
    /// As the controller wrote it.
    pub status: CronJobObjectStatus,
}

/// An object's `metadata` as the API server returns it (what the manifest carries plus
/// `uid`, `creationTimestamp` and `ownerReferences`), in the key order it prints them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServerMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A deterministic stand-in for a UID.
    pub uid: Option<String>,
    /// RFC 3339, whole seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    /// String values, in the order written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Map<String, Value>>,
    /// String values, in the order written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The controlling CronJob of a Job it created.
    pub owner_references: Option<Vec<OwnerReference>>,
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerReference {
    /// `batch/v1`.
    pub api_version: String,
    /// `CronJob`.
    pub kind: String,
    /// The owner's name.
    pub name: String,
    /// The owner's UID.
    pub uid: String,
    /// Always true: the owner is the controller.
    pub controller: bool,
    /// Always true.
    pub block_owner_deletion: bool,
}

/// A Job's `status`, as the API server prints it: zero counters `active`, `succeeded` and
/// `failed` are omitted, `ready` and `terminating` are always present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobObjectStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// In the order they were added.
    pub conditions: Vec<JobCondition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// RFC 3339, whole seconds.
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// RFC 3339, whole seconds.
    pub completion_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Pods running or pending; omitted when zero.
    pub active: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Omitted when zero.
    pub succeeded: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Omitted when zero.
    pub failed: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Active pods that are ready.
    pub ready: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Pods being deleted.
    pub terminating: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Succeeded indexes of an Indexed Job, as intervals (`0-2,5`).
    pub completed_indexes: Option<String>,
    /// `""` rather than absent while `backoffLimitPerIndex` is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_indexes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Always empty at the end of a run.
    pub uncounted_terminated_pods: Option<UncountedTerminatedPods>,
}

/// `status.uncountedTerminatedPods`: UIDs of finished pods not yet counted (always empty
/// at the end of a run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UncountedTerminatedPods {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// UIDs of succeeded pods.
    pub succeeded: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// UIDs of failed pods.
    pub failed: Vec<String>,
}

/// A CronJob's `status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CronJobObjectStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Its Jobs still running.
    pub active: Vec<ObjectReference>,
    /// RFC 3339 in UTC, whole seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_schedule_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// RFC 3339, whole seconds.
    pub last_successful_time: Option<String>,
}

/// A reference to an object (a CronJob's active Jobs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectReference {
    /// `batch/v1`.
    pub api_version: String,
    /// `Job`.
    pub kind: String,
    /// The Job's name.
    pub name: String,
    /// The Job's namespace.
    pub namespace: String,
    /// The Job's UID.
    pub uid: String,
}

/// A file jobsim writes as pretty JSON, with a final newline.
pub fn to_pretty_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_limit_passes_rows_up_to_the_limit_and_refuses_a_longer_run() {
        use std::io::Read;
        // Rows of 9 bytes and a line break, read 4 bytes at a time: never more than 9 bytes
        // without a break, so a limit of 9 passes and a limit of 8 refuses.
        struct Dribble<'a>(&'a [u8]);
        impl Read for Dribble<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(4);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = b"123456789\nabcdefghi\nxyz".to_vec();
        let mut all = Vec::new();
        RowLimit::new(Dribble(&text), 9)
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, text);
        let e = RowLimit::new(Dribble(&text), 8)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("more than 8 bytes in one row"));
    }

    /// Reads `text` through a [`RowLimit`] of `limit`, `chunk` bytes per read: whether it
    /// passes.
    fn row_limit_passes(text: &[u8], limit: u64, chunk: usize) -> bool {
        use std::io::Read;
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(self.1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        RowLimit::new(Chunks(text, chunk), limit)
            .read_to_end(&mut Vec::new())
            .is_ok()
    }

    /// The last record of `text` as the `csv` crate reads it.
    fn last_record(text: &[u8]) -> Option<csv::ByteRecord> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        reader.byte_records().map(Result::unwrap).last()
    }

    /// The longest row of `text` as the `csv` crate reads it: from a record's start to its
    /// line break (blank lines, which it skips, are rows of nothing).
    fn longest_csv_row(text: &[u8]) -> u64 {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = csv::ByteRecord::new();
        let mut longest = 0;
        while reader.read_byte_record(&mut record).unwrap() {
            // A record's position counts the blank lines skipped before it.
            let mut start = record.position().expect("a record's position").byte();
            while text.get(start as usize) == Some(&b'\n') {
                start += 1;
            }
            let end = reader.position().byte();
            // Ended by a line break: before the end of the file, a record always is; at the
            // end, the break may be the last byte of a quoted field the file leaves open,
            // and then the record read without it is another one.
            let ended_by_break = if (end as usize) < text.len() {
                end > 0 && text[end as usize - 1] == b'\n'
            } else {
                text.last() == Some(&b'\n')
                    && last_record(&text[..text.len() - 1]).as_ref() == Some(&record)
            };
            longest = longest.max(end - start - u64::from(ended_by_break));
        }
        longest
    }

    /// A row's length is measured as the `csv` crate parses rows, whatever the reads:
    /// passes at exactly its longest row, refused one byte below.
    fn row_limit_measures_like_the_csv_reader(text: &[u8]) {
        let longest = longest_csv_row(text);
        for chunk in 1..=text.len().max(1) {
            assert!(
                row_limit_passes(text, longest, chunk),
                "{:?} refused at {longest} in reads of {chunk}",
                String::from_utf8_lossy(text)
            );
            if longest > 0 {
                assert!(
                    !row_limit_passes(text, longest - 1, chunk),
                    "{:?} passed at {} in reads of {chunk}",
                    String::from_utf8_lossy(text),
                    longest - 1
                );
            }
        }
    }

    #[test]
    fn a_quoted_field_spanning_lines_is_one_row_for_the_row_limit() {
        // `a,"x⏎y⏎z"` is one row of 9 bytes, not three short lines.
        assert_eq!(longest_csv_row(b"a,\"x\ny\nz\"\nb\n"), 9);
        row_limit_measures_like_the_csv_reader(b"a,\"x\ny\nz\"\nb\n");
        // One quote, then short lines for ever: refused once past the limit.
        let mut endless = b"\"".to_vec();
        endless.extend(b"ab\n".repeat(1000));
        assert!(!row_limit_passes(&endless, 100, 64));
        assert!(row_limit_passes(&b"ab\n".repeat(1000), 100, 64));
    }

    #[test]
    fn doubled_quotes_keep_a_field_quoted_for_the_row_limit() {
        row_limit_measures_like_the_csv_reader(b"\"a\"\"\n\"\"b\"\nc\n");
        row_limit_measures_like_the_csv_reader(b"x,\"\"\n\"y\"\"\"\n");
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_plain_byte_for_the_row_limit() {
        assert_eq!(longest_csv_row(b"ab\"c\nd\n"), 4);
        row_limit_measures_like_the_csv_reader(b"ab\"c\nd\n");
        row_limit_measures_like_the_csv_reader(b"\"a\"b\"\nc\n");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Texts of quotes, commas, line breaks and letters: the row limit finds the rows
        /// the `csv` crate finds.
        #[test]
        fn row_limit_finds_the_rows_the_csv_reader_finds(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'"', b',', b'\n', b'a']), 0..40)
        ) {
            row_limit_measures_like_the_csv_reader(&text);
        }
    }

    /// The header serde derives from a row's fields (its renames included).
    fn serde_header<T: Serialize>(row: &T) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let bytes = w.into_inner().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        text.lines().next().unwrap().to_string()
    }

    #[test]
    fn csv_columns_are_the_names_serde_writes_and_reads() {
        let pod = PodRow {
            pod: "p".into(),
            job: "j".into(),
            index: None,
            attempt: 1,
            node: None,
            created: 0,
            scheduled: None,
            started: None,
            finished: None,
            phase: "Pending".into(),
            reason: String::new(),
            exit_code: None,
            restarts: 0,
            created_for: "initial".into(),
            replaces: None,
            ended_by: String::new(),
            counted: String::new(),
            rule: None,
            restart_times: String::new(),
        };
        let job = JobRow {
            job: "j".into(),
            owner: None,
            created: 0,
            started: None,
            finished: None,
            outcome: "Running".into(),
            reason: String::new(),
            succeeded: 0,
            failed: 0,
            pods: 0,
            deleted: None,
        };
        let event = EventRow {
            time: 0,
            object: "job/j".into(),
            reason: "SuccessfulCreate".into(),
            message: String::new(),
            event_type: EventType::Normal,
            count: 1,
            first_time: Some(0),
            last_time: Some(0),
        };
        let node = NodeRow {
            node: "n".into(),
            pool: "p".into(),
            cpu: 1,
            memory: 2,
            pods: 3,
        };
        assert_eq!(serde_header(&pod), PodRow::COLUMNS.join(","));
        assert_eq!(serde_header(&job), JobRow::COLUMNS.join(","));
        assert_eq!(serde_header(&event), EventRow::COLUMNS.join(","));
        assert_eq!(serde_header(&node), NodeRow::COLUMNS.join(","));
        // DESIGN §6 spells the columns; they are a public contract.
        // Columns are added after the first thirteen, never renamed or reordered (issue 13
        // added the why-columns).
        assert_eq!(
            PodRow::COLUMNS[..13].join(","),
            "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts"
        );
        assert_eq!(
            PodRow::COLUMNS[13..].join(","),
            "created_for,replaces,ended_by,counted,rule,restart_times"
        );
        assert_eq!(PodRow::COLUMNS[13..], PodRow::ADDED_COLUMNS);
        assert_eq!(
            JobRow::COLUMNS.join(","),
            "job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted"
        );
        assert_eq!(
            EventRow::COLUMNS.join(","),
            "time,object,reason,message,type,count,firstTime,lastTime"
        );
        assert_eq!(NodeRow::COLUMNS.join(","), "node,pool,cpu,memory,pods");
    }

    #[test]
    fn column_structs_name_every_column_in_order() {
        let mut seen = Vec::new();
        let columns = PodColumns::try_from_names(|name| {
            seen.push(name);
            Ok::<_, ()>(seen.len() - 1)
        })
        .unwrap();
        assert_eq!(seen, PodRow::COLUMNS);
        assert_eq!((columns.pod, columns.restarts), (0, 12));
    }

    #[test]
    fn empty_time_cells_read_as_never_and_required_ones_refuse_them() {
        let rows: Vec<JobRow> = csv::Reader::from_reader(
            &b"job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted\n\
               j,,1.5,,2.000,Complete,,1,0,1,\n"[..],
        )
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
        assert_eq!(
            (rows[0].created, rows[0].started, rows[0].finished),
            (1_500, None, Some(2_000))
        );
        let missing: csv::Result<Vec<JobRow>> = csv::Reader::from_reader(
            &b"job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted\n\
               j,,,,,Running,,0,0,0,\n"[..],
        )
        .deserialize()
        .collect();
        assert!(missing.is_err());
    }

    #[test]
    fn summary_reads_files_missing_keys_and_with_unknown_ones() {
        let s: Summary = serde_json::from_str(
            r#"{"scenario":"x","future":1,"jobs":[{"name":"j","podRequests":{"cpu":500}}]}"#,
        )
        .unwrap();
        assert_eq!(s.scenario, "x");
        assert_eq!(s.end_seconds, None);
        assert_eq!(
            s.jobs[0].pod_requests,
            PodRequests {
                cpu: 500,
                memory: 0
            }
        );
        let kept: Summary<MetricsAsWritten> =
            serde_json::from_str(r#"{"metrics":{"attempts":3,"makespan":1.0}}"#).unwrap();
        assert_eq!(
            kept.metrics.keys().collect::<Vec<_>>(),
            ["attempts", "makespan"]
        );
    }

    #[test]
    fn list_items_are_told_apart_by_kind() {
        let list: ObjectList = serde_json::from_str(
            r#"{"apiVersion":"v1","kind":"List","items":[
                {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"a"},"status":{"failed":2}},
                {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"status":{}},
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}"#,
        )
        .unwrap();
        let kinds: Vec<&str> = list.items.iter().map(Object::kind).collect();
        assert_eq!(kinds, ["Job", "CronJob", "Pod"]);
        match &list.items[0] {
            Object::Job(job) => assert_eq!(job.status.failed, Some(2)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(list.items[1], Object::CronJob(_)));
        assert!(matches!(list.items[2], Object::Other(_)));
    }
}
