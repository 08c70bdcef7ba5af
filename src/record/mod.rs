//! Typed records of a run — pod attempts, Jobs, Kubernetes-style events — and the [`Sink`]
//! they are reported to. Sinks write files or keep rows in memory; they never affect the
//! run. Column names are a public contract (DESIGN §6): add, never rename; the rows and
//! documents of every output file are defined once, in [`schema`].

pub(crate) mod collect;
pub mod cost;
pub(crate) mod cronjob;
pub(crate) mod csv;
pub(crate) mod files;
mod reason;
pub(crate) mod result;
pub mod schema;
pub(crate) mod write;

pub use csv::CsvSink;
pub use files::write_run_files;
pub use reason::Reason;

use std::fmt;
use std::path::PathBuf;

use crate::time::SimTime;
use schema::{EventRow, JobRow, PodRow};

/// The object an event is about, printed as Kubernetes' `kind/name` (`job/etl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectRef<'a> {
    /// `job/NAME`.
    Job(&'a str),
    /// `pod/NAME`.
    Pod(&'a str),
    /// `cronjob/NAME`.
    CronJob(&'a str),
    /// `node/NAME`.
    Node(&'a str),
}

impl fmt::Display for ObjectRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Job(n) => write!(f, "job/{n}"),
            ObjectRef::Pod(n) => write!(f, "pod/{n}"),
            ObjectRef::CronJob(n) => write!(f, "cronjob/{n}"),
            ObjectRef::Node(n) => write!(f, "node/{n}"),
        }
    }
}

/// An event's `type`: `Normal` or `Warning`, as Kubernetes records it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventType {
    /// An ordinary event.
    #[default]
    Normal,
    /// Something went wrong or may need attention.
    Warning,
}

impl EventType {
    /// `Normal` or `Warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Kubernetes Event object as the API server holds it at the end of the run (one
/// [`EventRow`] of `events.csv`), or one event as it was emitted (count 1).
#[derive(Debug, Clone, Copy)]
pub struct EventRecord<'a> {
    /// When the Event object was last written (`lastTimestamp`; for an event as emitted,
    /// when it happened).
    pub time: SimTime,
    /// What it is about.
    pub object: ObjectRef<'a>,
    /// Kubernetes' reason (`SuccessfulCreate`, `Completed`, …); [`Reason::as_str`] spells it.
    pub reason: Reason,
    /// Kubernetes' message (the last one written).
    pub message: &'a str,
    /// `Normal` or `Warning`.
    pub event_type: EventType,
    /// How many occurrences the Event object counts (`count`).
    pub count: u32,
    /// When the first of them happened (`firstTimestamp`).
    pub first: SimTime,
}

/// What a run writes to `events.csv`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EventsMode {
    /// The Event objects the API server holds at the end: the recorders that use
    /// client-go's event correlator merge, count and drop events as it does.
    #[default]
    AsKept,
    /// Every event as it was emitted, one row each with count 1 (`--events all`).
    All,
}

/// One pod, as the simulation reports it (one [`PodRow`] of `pods.csv`).
#[derive(Debug, Clone, Copy)]
pub struct PodRecord<'a> {
    /// The pod's name.
    pub pod: &'a str,
    /// The Job that created it.
    pub job: &'a str,
    /// The completion index; `None` for NonIndexed Jobs.
    pub index: Option<u32>,
    /// The Nth pod created for the index (or the Job), from 1.
    pub attempt: u32,
    /// The node it was bound to, if any.
    pub node: Option<&'a str>,
    /// When it was created.
    pub created: SimTime,
    /// When it was bound to a node.
    pub scheduled: Option<SimTime>,
    /// When its containers were running.
    pub started: Option<SimTime>,
    /// When it reached a terminal phase.
    pub finished: Option<SimTime>,
    /// `Pending`, `Running`, `Succeeded` or `Failed`.
    pub phase: &'static str,
    /// Why it ended; empty while it runs.
    pub reason: &'static str,
    /// The first non-zero container exit code, else 0; `None` before it ended.
    pub exit_code: Option<i32>,
    /// Container restarts in place.
    pub restarts: u32,
    /// Why the Job controller created it (`initial`, `replaces-failed`, …).
    pub created_for: &'static str,
    /// The pod it replaces.
    pub replaces: Option<&'a str>,
    /// What ended it (`succeeded`, `deleted-suspend`, …); empty while it runs.
    pub ended_by: &'static str,
    /// How its Job counted it (`succeeded`, `failed`, `no`, or empty).
    pub counted: &'static str,
    /// The matching `podFailurePolicy` rule's index.
    pub rule: Option<u16>,
    /// Its in-place restarts.
    pub restart_times: &'a [crate::world::store::why::Restart],
}

/// One Job, also one deleted during the run, as the simulation reports it (one [`JobRow`]
/// of `jobs.csv`).
#[derive(Debug, Clone, Copy)]
pub struct JobRecord<'a> {
    /// The Job's name.
    pub job: &'a str,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<&'a str>,
    /// When it was created.
    pub created: SimTime,
    /// When `status.startTime` was set.
    pub started: Option<SimTime>,
    /// When `Complete` or `Failed` was set.
    pub finished: Option<SimTime>,
    /// `Complete`, `Failed`, `Suspended` or `Running`.
    pub outcome: &'static str,
    /// The reason of the condition behind the outcome.
    pub reason: &'static str,
    /// `status.succeeded`.
    pub succeeded: i32,
    /// `status.failed`.
    pub failed: i32,
    /// Pods created for it.
    pub pods: u32,
    /// When it was deleted (TTL, history limit, an action).
    pub deleted: Option<SimTime>,
}

/// Where a run reports its records. Called in simulated-time order for events.
///
/// A record that cannot be taken (a full disk, an output limit) is an error: the run stops
/// at the first one ([`crate::simulate`] returns it) instead of simulating on for
/// records nobody will see.
pub trait Sink {
    /// Reports one row of `events.csv`: an Event object once no later event can change
    /// it (see [`EventsMode`]).
    fn event(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError>;
    /// Reports every event at the moment it is emitted (count 1), whether or not the
    /// correlator keeps it: what expectations count. Ignored by default.
    fn emitted(&mut self, _record: &EventRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    /// Which events the sink wants as rows; [`EventsMode::AsKept`] by default.
    fn events_mode(&self) -> EventsMode {
        EventsMode::AsKept
    }
    /// Reports a pod, once it leaves the store or the run ends.
    fn pod(&mut self, record: &PodRecord<'_>) -> Result<(), SinkError>;
    /// Reports a Job, once it leaves the store or the run ends.
    fn job(&mut self, record: &JobRecord<'_>) -> Result<(), SinkError>;
}

/// A sink could not take a record: the file it was writing and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write", path.display())]
pub struct SinkError {
    /// The file being written (for sinks without files, a name saying what failed).
    pub path: PathBuf,
    /// The I/O error behind it.
    #[source]
    pub source: std::io::Error,
}

/// The header of `events.csv` ([`schema::EventRow`]).
pub const EVENT_COLUMNS: [&str; 8] = schema::EventRow::COLUMNS;
/// The header of `pods.csv` ([`schema::PodRow`]).
pub const POD_COLUMNS: [&str; 19] = schema::PodRow::COLUMNS;
/// The header of `jobs.csv` ([`schema::JobRow`]).
pub const JOB_COLUMNS: [&str; 11] = schema::JobRow::COLUMNS;
/// The header of `nodes.csv` ([`schema::NodeRow`]).
pub const NODE_COLUMNS: [&str; 5] = schema::NodeRow::COLUMNS;

/// A sink that keeps every row in memory, typed as the files' rows: for tests and for
/// library users who want the records without files.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MemorySink {
    /// Every `events.csv` row, in the order written (see [`EventsMode`]).
    pub events: Vec<EventRow>,
    /// Every `pods.csv` row, in the order reported.
    pub pods: Vec<PodRow>,
    /// Every `jobs.csv` row, in the order reported.
    pub jobs: Vec<JobRow>,
    /// Which events become rows (default: as the API server keeps them).
    pub events_mode: EventsMode,
}

impl MemorySink {
    /// A sink that keeps every event as emitted, one row each (`--events all`).
    pub fn all_events() -> MemorySink {
        MemorySink {
            events_mode: EventsMode::All,
            ..MemorySink::default()
        }
    }
}

impl Sink for MemorySink {
    fn event(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError> {
        self.events.push(record.into());
        Ok(())
    }
    fn events_mode(&self) -> EventsMode {
        self.events_mode
    }
    fn pod(&mut self, record: &PodRecord<'_>) -> Result<(), SinkError> {
        self.pods.push(record.into());
        Ok(())
    }
    fn job(&mut self, record: &JobRecord<'_>) -> Result<(), SinkError> {
        self.jobs.push(record.into());
        Ok(())
    }
}

/// Discards everything (benchmarks of the engine alone).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl Sink for NullSink {
    fn event(&mut self, _: &EventRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    fn pod(&mut self, _: &PodRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    fn job(&mut self, _: &JobRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
}
