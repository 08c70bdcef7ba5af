//! Finished pods leave the store: once a pod is terminal and counted (its Job's tracking
//! finalizer is off), nothing in the simulation reads it again, so a pod of a Job that
//! nothing will delete hands its `pods.csv` row to the records and its memory back. Its
//! name stays taken in the API ([`Store::pod_names`](super::Store)) until PodGC deletes
//! it. Pods of Jobs that may be deleted stay until their Job goes (their rows are written
//! with the Job's, as before).

use super::World;
use crate::record::collect::DoneRow;

impl World<'_> {
    /// Takes the pods noted in [`World::retiring`] that are terminal and counted out of
    /// the store. Runs after each event, so no handler ever finds a pod gone mid-way.
    pub(super) fn retire_pods(&mut self) {
        let mut list = std::mem::take(&mut self.retiring);
        for &id in &list {
            let Some(pod) = self.store.pods.get(id.0) else {
                continue;
            };
            if !pod.phase.is_terminal() || pod.tracked {
                continue;
            }
            let job_id = pod.job;
            if pod.gc_deleted {
                // PodGC's delete completes once the finalizer is off: the name is free.
                let name = pod.name.clone();
                self.store.pod_mut(id).gc_deleted = false;
                self.store.free_pod_name(&name, id);
            }
            let job = self.store.job(job_id);
            if job.may_be_deleted || job.deleted_at.is_some() {
                continue;
            }
            let Some(pod) = self.store.pods.remove(id.0) else {
                continue;
            };
            let pods = &self.store.pods;
            let job = self.store.jobs.get_mut(job_id.0).expect("job exists");
            job.pods_gone += 1;
            if job.pods_gone as usize * 2 >= job.pods.len() {
                job.pods.retain(|p| pods.contains(p.0));
                job.pods_gone = 0;
            }
            let oldest = self.store.pods.first_id();
            self.records
                .pod_done(&self.store, id, DoneRow::of(pod), oldest);
        }
        list.clear();
        self.retiring = list;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::record::MemorySink;
    use crate::world::{World, finish_run};

    const JOB: &str = r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: retire
spec:
  cluster:
    nodePools:
      - name: n
        count: 4
        capacity: {cpu: "10", memory: 40Gi, pods: 110}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: work
        spec:
          completions: 3000
          parallelism: 40
          backoffLimit: 100000
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: {uniform: [10s, 90s]}
        failure: {probability: 0.1, exitCode: 1}
"#;

    #[test]
    fn finished_pods_leave_the_store_and_their_rows_keep_creation_order() {
        let (scenario, _) =
            crate::load_str(JOB, Path::new("t.yaml"), &Default::default()).expect("loads");
        let mut sink = MemorySink::default();
        let mut w = World::new(&scenario, &mut sink);
        let (mut most_pods, mut most_waiting) = (0, 0);
        while let Some((_, event)) = w.queue.pop() {
            w.dispatch(event);
            most_pods = most_pods.max(w.store.pods.len());
            most_waiting = most_waiting.max(w.records.waiting_rows());
        }
        let end = w.last_activity;
        let outcome = Ok(crate::world::RunOutcome {
            end,
            events_processed: w.queue.processed(),
            horizon_reached: false,
        });
        let result = finish_run(w, outcome).expect("runs");
        let created = result.metrics.pods_created as usize;
        assert!(created > 3000, "{created}");
        // The store holds the running pods and the few finished ones not yet counted,
        // not every pod ever created; the reorder buffer the rows that finished while an
        // older pod still runs.
        assert!(most_pods < 100, "{most_pods} pods in the store at most");
        assert!(most_waiting < 1000, "{most_waiting} rows waiting at most");
        assert_eq!(sink.pods.len(), created);
        assert!(sink.pods.iter().zip(1..).all(|(p, a)| p.attempt == a));
        assert!(sink.pods.iter().all(|p| p.finished.is_some()));
    }

    const TWO_JOBS: &str = r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: two
spec:
  cluster:
    nodePools:
      - name: n
        count: 2
        capacity: {cpu: "4", memory: 16Gi, pods: 110}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: keep
        spec:
          completions: 60
          parallelism: 4
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: {uniform: [10s, 30s]}
    - at: 5s
      object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: short
        spec:
          completions: 3
          parallelism: 3
          ttlSecondsAfterFinished: 60
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: 20s
"#;

    #[test]
    fn rows_of_a_job_deleted_during_the_run_come_first_while_the_others_left_the_store_early() {
        let (scenario, _) =
            crate::load_str(TWO_JOBS, Path::new("t.yaml"), &Default::default()).expect("loads");
        let mut sink = MemorySink::default();
        let mut w = World::new(&scenario, &mut sink);
        let mut most_pods = 0;
        while let Some((_, event)) = w.queue.pop() {
            w.dispatch(event);
            most_pods = most_pods.max(w.store.pods.len());
        }
        let outcome = Ok(crate::world::RunOutcome {
            end: w.last_activity,
            events_processed: w.queue.processed(),
            horizon_reached: false,
        });
        finish_run(w, outcome).expect("runs");
        // `keep`'s finished pods left the store as they were counted...
        assert!(most_pods < 20, "{most_pods} pods in the store at most");
        // ...yet pods.csv still lists `short` (deleted by its TTL) first, then every other
        // pod in creation order.
        let jobs: Vec<&str> = sink.pods.iter().map(|p| p.job.as_str()).collect();
        assert_eq!(jobs[..3], ["short"; 3]);
        assert!(jobs[3..].iter().all(|&j| j == "keep"), "{jobs:?}");
        assert!(sink.pods[3..].iter().zip(1..).all(|(p, a)| p.attempt == a));
        assert_eq!(sink.pods.len(), 63);
    }
}
