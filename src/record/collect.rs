//! Result collection: what a run hands to its [`Sink`] as it goes (events, and each pod
//! and Job once it leaves the store or the run ends), folded into the run's statistics,
//! and the [`RunResult`] assembled from the store when the engine stops.
//!
//! `pods.csv` keeps one order whatever leaves the store when: the pods of each Job deleted
//! during the run (TTL, history limits, a delete action) as that Job goes, in creation
//! order; then every other pod in creation order. A counted, terminal pod of a Job that
//! nothing will delete leaves the store at once as a [`DoneRow`]; its row waits in a
//! reorder buffer until every pod created before it has been written, so the buffer holds
//! the rows that finished while an older pod still runs. In a scenario where Jobs can be
//! deleted (CronJobs, `ttlSecondsAfterFinished`, delete actions), rows written later for
//! the deleted Jobs come first in the file, so the buffer keeps every such row until the
//! run ends (the finished pod itself, out of the store).
//!
//! Read-only over the store; it must not change the run.

use std::collections::VecDeque;

use super::cost::{self, CostMeter};
use super::cronjob::{add_owner_reference, cronjob_object, cronjob_result};
use super::result::{self, CronJobResult, JobResult, NodeResult, PodStats, RunResult};
use super::schema::{ListMeta, Object, ObjectList};
use super::{EventRecord, PodRecord, Sink, SinkError};
use crate::scenario::Scenario;
use crate::time::{Clock, SimTime};
use crate::world::RunOutcome;
use crate::world::store::why::Counted;
use crate::world::store::{CronJobId, JobId, Pod, PodId, Store};

/// The run's side of the records: the sink, the pod statistics and the results of the
/// standalone Jobs recorded so far.
pub struct Collector<'s> {
    sink: &'s mut dyn Sink,
    pod_stats: PodStats,
    /// Cost charged to Jobs by their pods' requests × run time.
    cost: CostMeter,
    /// Results of standalone Jobs, kept as they are recorded (deleted ones included).
    job_results: Vec<(JobId, JobResult)>,
    /// The sink's first error: the run stops at it and nothing more is sent.
    error: Option<SinkError>,
    /// Rows of pods that left the store, by pod id, waiting for the rows before them.
    done: Reorder<DoneRow>,
    /// Rows may be written as soon as every older pod is written: no Job can be deleted
    /// in this run, so no row can come before them later.
    stream_done: bool,
}

/// A pod that left the store once counted and terminal, waiting for its `pods.csv` row to
/// be written. Its Job stays in the store (only pods of Jobs that nothing deletes leave
/// early). The pod itself is kept (not a compact row) so that its row, statistics and cost
/// come from the one code path that records pods still in the store; the buffer holds a few
/// hundred pods on W1.
#[derive(Debug, Clone)]
pub struct DoneRow(Box<Pod>);

impl DoneRow {
    /// The row of a pod leaving the store (the pod is moved, not copied).
    pub fn of(pod: Box<Pod>) -> DoneRow {
        DoneRow(pod)
    }
}

/// The reorder buffer: rows by pod id, from the oldest waiting one on. Pod ids are handed
/// out in order and never reused, so the rows waiting sit in a ring indexed by id (a hole
/// for each pod still in the store or written otherwise): a row goes in and comes out in
/// constant time, where a sorted map searched a tree that grows with the pods in flight.
#[derive(Debug)]
struct Reorder<T> {
    /// The id of `slots[0]`.
    base: u32,
    slots: VecDeque<Option<T>>,
    /// Rows waiting (the `Some` slots).
    waiting: usize,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Reorder {
            base: 0,
            slots: VecDeque::new(),
            waiting: 0,
        }
    }
}

impl<T> Reorder<T> {
    fn insert(&mut self, id: u32, row: T) {
        if self.slots.is_empty() {
            self.base = id;
        }
        while id < self.base {
            self.slots.push_front(None);
            self.base -= 1;
        }
        let at = (id - self.base) as usize;
        if at >= self.slots.len() {
            self.slots.resize_with(at + 1, || None);
        }
        if self.slots[at].replace(row).is_none() {
            self.waiting += 1;
        }
    }

    /// The waiting row of the lowest id below `limit`, taken out; the ids passed on the
    /// way (holes) are let go.
    fn pop_below(&mut self, limit: u32) -> Option<(u32, T)> {
        while self.base < limit {
            let slot = self.slots.pop_front()?;
            let id = self.base;
            self.base += 1;
            if let Some(row) = slot {
                self.waiting -= 1;
                return Some((id, row));
            }
        }
        None
    }
}

impl<'s> Collector<'s> {
    pub fn new(sink: &'s mut dyn Sink, scenario: &Scenario) -> Collector<'s> {
        Collector {
            sink,
            pod_stats: PodStats::default(),
            cost: CostMeter::new(scenario),
            job_results: Vec::new(),
            error: None,
            done: Reorder::default(),
            stream_done: false,
        }
    }

    /// Rows of pods that left the store may be written as soon as every older pod's row
    /// is (no Job of the run can be deleted); otherwise they wait for the end.
    pub fn set_streaming(&mut self, stream: bool) {
        self.stream_done = stream;
    }

    /// Rows waiting in the reorder buffer (for `--stats` and tests).
    #[allow(dead_code)] // read by tests
    pub fn waiting_rows(&self) -> usize {
        self.done.waiting
    }

    /// A pod left the store: its row waits until every pod below `oldest_in_store` is
    /// written, then goes out with them, in id order.
    pub fn pod_done(&mut self, store: &Store, id: PodId, row: DoneRow, oldest_in_store: u32) {
        self.done.insert(id.0, row);
        if self.stream_done {
            while let Some((_, row)) = self.done.pop_below(oldest_in_store) {
                self.write_done(store, &row, 0);
            }
        }
    }

    /// Reports a row of the reorder buffer and folds it into the statistics.
    fn write_done(&mut self, store: &Store, row: &DoneRow, end: SimTime) {
        self.emit_pod(store, &row.0, end);
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
        self.emit_pod(store, store.pod(id), end);
    }

    /// Reports `pod` (in the store or just out of it) and folds it into the statistics.
    fn emit_pod(&mut self, store: &Store, pod: &Pod, end: SimTime) {
        let job = store.job(pod.job);
        self.pod_stats.add(pod, end);
        self.cost.add(store, pod, end);
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
            created_for: pod.why.created_for.as_str(),
            replaces: pod.why.replaces.as_deref(),
            ended_by: pod.why.ended_by.map_or("", |e| e.as_str()),
            counted: match pod.why.counted {
                // The finalizer came off without a count, or the Job is gone: never counted.
                Counted::Undecided if !pod.tracked || job.deleted_at.is_some() => {
                    Counted::No.as_str()
                }
                counted => counted.as_str(),
            },
            rule: pod.why.rule,
            restart_times: &pod.why.restarts,
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

    /// Reports every pod still in the store or waiting in the reorder buffer, in creation
    /// order, then every Job still in the store.
    pub fn flush(&mut self, store: &Store, end: SimTime) {
        let mut done = std::mem::take(&mut self.done);
        for (i, _) in store.pods.iter() {
            while let Some((_, row)) = done.pop_below(i) {
                self.write_done(store, &row, end);
            }
            self.record_pod(store, PodId(i), end);
        }
        while let Some((_, row)) = done.pop_below(u32::MAX) {
            self.write_done(store, &row, end);
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
        let cronjobs: Vec<_> = cronjob_ids
            .iter()
            .map(|&id| CronJobResult {
                cost: self.cost.cronjob_cost(id.0),
                ..cronjob_result(store.cronjob(id), clock)
            })
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
        let jobs: Vec<_> = jobs
            .into_iter()
            .map(|(id, r)| JobResult {
                cost: self.cost.job_cost(id.0),
                ..r
            })
            .collect();
        let mut metrics = self.pod_stats.metrics(&store.nodes, &jobs, outcome.end);
        let pools = self.cost.finish(&store.nodes, &scenario.pools, outcome.end);
        cost::fill_metrics(&mut metrics, &pools);
        metrics.all_complete = cost::all_complete(&jobs, &cronjobs);
        let priced = scenario.pools.iter().any(|p| p.price.is_some());
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
            pools,
            currency: priced.then(|| scenario.currency.clone()),
            objects: ObjectList {
                api_version: "v1".into(),
                kind: "List".into(),
                metadata: ListMeta::default(),
                items,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::Reorder;

    #[test]
    fn the_reorder_ring_gives_rows_back_as_a_sorted_map_would() {
        // Random ids inserted once each, out of order, and drained below a rising limit,
        // against a BTreeMap doing the same.
        let mut next = crate::engine::rng::xorshift(0x2545_f491_4f6c_dd1d_u64);
        for round in 0..200u64 {
            let mut ring = Reorder::default();
            let mut map = BTreeMap::new();
            // Ids in a window that moves up, in shuffled order.
            let mut ids: Vec<u32> = (0..400).map(|i| i + (round as u32) * 7).collect();
            for i in (1..ids.len()).rev() {
                ids.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let mut limit = round as u32 * 7;
            for (n, id) in ids.into_iter().enumerate() {
                if next().is_multiple_of(5) {
                    continue; // a pod that never comes through the buffer
                }
                if id < limit {
                    continue; // already let go by the limit, as in a run
                }
                ring.insert(id, id * 10);
                map.insert(id, id * 10);
                assert_eq!(ring.waiting, map.len());
                if n % (1 + round as usize % 9) == 0 {
                    limit += (next() % 8) as u32;
                    loop {
                        let want = map.first_key_value().filter(|(k, _)| **k < limit);
                        let want = want.map(|(k, v)| (*k, *v));
                        if let Some((k, _)) = want {
                            map.remove(&k);
                        }
                        assert_eq!(ring.pop_below(limit), want);
                        if want.is_none() {
                            break;
                        }
                    }
                }
            }
            let rest: Vec<_> = std::iter::from_fn(|| ring.pop_below(u32::MAX)).collect();
            assert_eq!(rest, map.into_iter().collect::<Vec<_>>());
            assert_eq!(ring.waiting, 0);
        }
    }
}
