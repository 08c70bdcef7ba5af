//! Typed records of a run — pod attempts, Jobs, Kubernetes-style events — and the [`Sink`]
//! they are reported to. Sinks write files or keep rows in memory; they never affect the
//! run. Column names are a public contract (DESIGN §6): add, never rename.

pub mod collect;
pub mod cronjob;
pub mod csv;
pub mod files;
pub mod result;

use std::fmt;

use crate::time::{SimTime, seconds_str};

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

/// One Kubernetes-style event (`events.csv`: `time,object,reason,message`).
#[derive(Debug, Clone, Copy)]
pub struct EventRecord<'a> {
    pub time: SimTime,
    pub object: ObjectRef<'a>,
    pub reason: &'a str,
    pub message: &'a str,
}

/// One pod (`pods.csv`).
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

/// One Job (`jobs.csv`), also those deleted during the run.
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
pub trait Sink {
    fn event(&mut self, record: &EventRecord<'_>);
    fn pod(&mut self, record: &PodRecord<'_>);
    fn job(&mut self, record: &JobRecord<'_>);
}

pub const EVENT_COLUMNS: [&str; 4] = ["time", "object", "reason", "message"];
pub const POD_COLUMNS: [&str; 13] = [
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
pub const JOB_COLUMNS: [&str; 11] = [
    "job",
    "owner",
    "created",
    "started",
    "finished",
    "outcome",
    "reason",
    "succeeded",
    "failed",
    "pods",
    "deleted",
];

fn opt_time(t: Option<SimTime>) -> String {
    t.map(seconds_str).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl EventRecord<'_> {
    pub fn fields(&self) -> [String; 4] {
        [
            seconds_str(self.time),
            self.object.to_string(),
            self.reason.to_string(),
            self.message.to_string(),
        ]
    }
}

impl PodRecord<'_> {
    pub fn fields(&self) -> [String; 13] {
        [
            self.pod.to_string(),
            self.job.to_string(),
            opt(self.index),
            self.attempt.to_string(),
            opt(self.node),
            seconds_str(self.created),
            opt_time(self.scheduled),
            opt_time(self.started),
            opt_time(self.finished),
            self.phase.to_string(),
            self.reason.to_string(),
            opt(self.exit_code),
            self.restarts.to_string(),
        ]
    }
}

impl JobRecord<'_> {
    pub fn fields(&self) -> [String; 11] {
        [
            self.job.to_string(),
            opt(self.owner),
            seconds_str(self.created),
            opt_time(self.started),
            opt_time(self.finished),
            self.outcome.to_string(),
            self.reason.to_string(),
            self.succeeded.to_string(),
            self.failed.to_string(),
            self.pods.to_string(),
            opt_time(self.deleted),
        ]
    }
}

/// A sink that keeps every row in memory as strings: for tests and for the terminal
/// summary of small runs.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MemorySink {
    pub events: Vec<[String; 4]>,
    pub pods: Vec<[String; 13]>,
    pub jobs: Vec<[String; 11]>,
}

impl Sink for MemorySink {
    fn event(&mut self, record: &EventRecord<'_>) {
        self.events.push(record.fields());
    }
    fn pod(&mut self, record: &PodRecord<'_>) {
        self.pods.push(record.fields());
    }
    fn job(&mut self, record: &JobRecord<'_>) {
        self.jobs.push(record.fields());
    }
}

/// Discards everything (benchmarks of the engine alone).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl Sink for NullSink {
    fn event(&mut self, _: &EventRecord<'_>) {}
    fn pod(&mut self, _: &PodRecord<'_>) {}
    fn job(&mut self, _: &JobRecord<'_>) {}
}
