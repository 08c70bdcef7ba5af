//! Typed records of a run — pod attempts, Jobs, Kubernetes-style events — and the [`Sink`]
//! they are reported to. Sinks write files or keep rows in memory; they never affect the
//! run. Column names are a public contract (DESIGN §6): add, never rename; the rows and
//! documents of every output file are defined once, in [`schema`].

pub mod collect;
pub mod cronjob;
pub mod csv;
pub mod files;
pub mod result;
pub mod schema;

use std::fmt;
use std::path::PathBuf;

use crate::time::SimTime;
use schema::{EventRow, JobRow, PodRow};

/// The object an event is about, printed as Kubernetes' `kind/name` (`job/etl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectRef<'a> {
    Job(&'a str),
    Pod(&'a str),
    CronJob(&'a str),
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

/// One Kubernetes-style event, as the simulation reports it (one [`EventRow`] of
/// `events.csv`).
#[derive(Debug, Clone, Copy)]
pub struct EventRecord<'a> {
    pub time: SimTime,
    pub object: ObjectRef<'a>,
    pub reason: &'a str,
    pub message: &'a str,
}

/// One pod, as the simulation reports it (one [`PodRow`] of `pods.csv`).
#[derive(Debug, Clone, Copy)]
pub struct PodRecord<'a> {
    pub pod: &'a str,
    pub job: &'a str,
    pub index: Option<u32>,
    pub attempt: u32,
    pub node: Option<&'a str>,
    pub created: SimTime,
    pub scheduled: Option<SimTime>,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub phase: &'a str,
    pub reason: &'a str,
    pub exit_code: Option<i32>,
    pub restarts: u32,
}

/// One Job, also one deleted during the run, as the simulation reports it (one [`JobRow`]
/// of `jobs.csv`).
#[derive(Debug, Clone, Copy)]
pub struct JobRecord<'a> {
    pub job: &'a str,
    pub owner: Option<&'a str>,
    pub created: SimTime,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub outcome: &'a str,
    pub reason: &'a str,
    pub succeeded: i32,
    pub failed: i32,
    pub pods: u32,
    pub deleted: Option<SimTime>,
}

/// Where a run reports its records. Called in simulated-time order for events.
///
/// A record that cannot be taken (a full disk, an output limit) is an error: the run stops
/// at the first one ([`crate::world::simulate`] returns it) instead of simulating on for
/// records nobody will see.
pub trait Sink {
    fn event(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError>;
    fn pod(&mut self, record: &PodRecord<'_>) -> Result<(), SinkError>;
    fn job(&mut self, record: &JobRecord<'_>) -> Result<(), SinkError>;
}

/// A sink could not take a record: the file it was writing and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write", path.display())]
pub struct SinkError {
    /// The file being written (for sinks without files, a name saying what failed).
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The header of `events.csv` ([`schema::EventRow`]).
pub const EVENT_COLUMNS: [&str; 4] = schema::EventRow::COLUMNS;
/// The header of `pods.csv` ([`schema::PodRow`]).
pub const POD_COLUMNS: [&str; 13] = schema::PodRow::COLUMNS;
/// The header of `jobs.csv` ([`schema::JobRow`]).
pub const JOB_COLUMNS: [&str; 11] = schema::JobRow::COLUMNS;
/// The header of `nodes.csv` ([`schema::NodeRow`]).
pub const NODE_COLUMNS: [&str; 5] = schema::NodeRow::COLUMNS;

/// A sink that keeps every row in memory, typed as the files' rows: for tests and for
/// library users who want the records without files.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MemorySink {
    pub events: Vec<EventRow>,
    pub pods: Vec<PodRow>,
    pub jobs: Vec<JobRow>,
}

impl Sink for MemorySink {
    fn event(&mut self, record: &EventRecord<'_>) -> Result<(), SinkError> {
        self.events.push(record.into());
        Ok(())
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
