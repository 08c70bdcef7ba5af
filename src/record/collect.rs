//! Result collection: what a run hands to its [`Sink`] as it goes (events, and each pod
//! and Job once it leaves the store or the run ends), folded into the run's statistics,
//! and the [`RunResult`] assembled from the store when the engine stops.
//!
//! Read-only over the store; it must not change the run.

use super::cronjob::{add_owner_reference, cronjob_object, cronjob_result};
use super::result::{self, JobResult, NodeResult, PodStats, RunResult};
use super::schema::{ListMeta, Object, ObjectList};
use super::{EventRecord, PodRecord, Sink, SinkError};
use crate::scenario::Scenario;
use crate::time::{Clock, SimTime};
use crate::world::RunOutcome;
use crate::world::store::{CronJobId, JobId, PodId, Store};

/// The run's side of the records: the sink, the pod statistics and the results of the
/// standalone Jobs recorded so far.
pub struct Collector<'s> {
    sink: &'s mut dyn Sink,
    pod_stats: PodStats,
    /// Results of standalone Jobs, kept as they are recorded (deleted ones included).
    job_results: Vec<(JobId, JobResult)>,
    /// The sink's first error: the run stops at it and nothing more is sent.
    error: Option<SinkError>,
}

impl<'s> Collector<'s> {
    pub fn new(sink: &'s mut dyn Sink) -> Collector<'s> {
        Collector {
            sink,
            pod_stats: PodStats::default(),
            job_results: Vec::new(),
            error: None,
        }
    }

    /// True once the sink failed: the run loop stops.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The sink's first error, if it failed.
    pub fn take_error(&mut self) -> Option<SinkError> {
        self.error.take()
    }

    /// Keeps the first error; later records are not sent.
    fn keep(&mut self, r: Result<(), SinkError>) {
        if let Err(e) = r {
            self.error = Some(e);
        }
    }

    /// Reports a Kubernetes-style event.
    pub fn event(&mut self, record: &EventRecord<'_>) {
        if self.error.is_none() {
            let r = self.sink.event(record);
            self.keep(r);
        }
    }

    /// Reports an event as it was emitted (what expectations count).
    pub fn emitted(&mut self, record: &EventRecord<'_>) {
        if self.error.is_none() {
            let r = self.sink.emitted(record);
            self.keep(r);
        }
    }

    /// Reports a pod to the sink and folds it into the run's statistics.
    pub fn record_pod(&mut self, store: &Store, id: PodId, end: SimTime) {
        let pod = store.pod(id);
        let job = store.job(pod.job);
        self.pod_stats.add(pod, end);
        if self.error.is_some() {
            return;
        }
        let r = self.sink.pod(&PodRecord {
            pod: &pod.name,
            job: &job.metadata.name,
            index: pod.index,
            attempt: pod.attempt,
            node: pod.node.map(|n| store.nodes[n.0 as usize].name.as_str()),
            created: pod.created,
            scheduled: pod.scheduled,
            started: pod.started,
            finished: pod.finished,
            phase: pod.phase.as_str(),
            reason: pod.reason,
            exit_code: pod.exit_code,
            restarts: pod.restarts(),
        });
        self.keep(r);
    }

    /// Reports a Job to the sink; standalone Jobs are also kept for the summary.
    pub fn record_job(&mut self, store: &Store, id: JobId) {
        let job = store.job(id);
        if self.error.is_none() {
            let r = self.sink.job(&result::job_record(job));
            self.keep(r);
        }
        if job.owner.is_none() {
            self.job_results.push((id, result::job_result(job)));
        }
    }

    /// Reports every pod and Job still in the store, in creation order.
    pub fn flush(&mut self, store: &Store, end: SimTime) {
        for (i, _) in store.pods.iter() {
            self.record_pod(store, PodId(i), end);
        }
        for (i, _) in store.jobs.iter() {
            self.record_job(store, JobId(i));
        }
    }

    /// The whole result of the run: metrics, standalone Jobs in creation order, CronJobs,
    /// nodes and the objects as they stand (a `kind: List`).
    pub fn result(
        &mut self,
        store: &Store,
        scenario: &Scenario,
        clock: &Clock,
        outcome: RunOutcome,
    ) -> RunResult {
        let mut jobs = std::mem::take(&mut self.job_results);
        jobs.sort_by_key(|(id, _)| *id);
        let cronjob_ids: Vec<CronJobId> =
            store.cronjobs.iter().map(|(i, _)| CronJobId(i)).collect();
        let seed = scenario.seed;
        let mut items: Vec<Object> = store
            .jobs
            .iter()
            .filter(|(_, j)| j.deleted_at.is_none())
            .map(|(_, j)| {
                let mut object = result::job_object(j, clock, seed);
                if let Some(owner) = &j.owner {
                    add_owner_reference(&mut object, store.cronjob(owner.cronjob), seed);
                }
                Object::Job(object)
            })
            .collect();
        let cronjobs = cronjob_ids
            .iter()
            .map(|&id| cronjob_result(store.cronjob(id), clock))
            .collect();
        items.extend(
            cronjob_ids
                .iter()
                .map(|&id| Object::CronJob(cronjob_object(store.cronjob(id), clock, seed))),
        );
        let nodes = store
            .nodes
            .iter()
            .map(|n| NodeResult {
                name: n.name.clone(),
                pool: scenario.pools[n.pool].name.clone(),
                alloc: n.alloc,
                pods: n.max_pods,
            })
            .collect();
        let jobs: Vec<_> = jobs.into_iter().map(|(_, r)| r).collect();
        let metrics = self.pod_stats.metrics(&store.nodes, &jobs, outcome.end);
        RunResult {
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            start: scenario.start,
            end: outcome.end,
            events_processed: outcome.events_processed,
            horizon_reached: outcome.horizon_reached,
            metrics,
            jobs,
            cronjobs,
            nodes,
            objects: ObjectList {
                api_version: "v1".into(),
                kind: "List".into(),
                metadata: ListMeta::default(),
                items,
            },
        }
    }
}
