//! The API server: the writes that change objects other controllers watch, and the
//! informer notifications that follow each write (the fan-out that tells the Job
//! controller, the CronJob controller, the scheduler and the kubelet what changed).
//!
//! Controllers never call each other; when one changes an object another watches, it
//! writes through here. This file also keeps the nodes' resource accounting — binding a
//! pod adds its requests to its node, a terminal pod releases them — so the kubelet and
//! PodGC release through it and the scheduler only hears that capacity changed. Deletion
//! with propagation (a Job's pods go with it) lives here too. It holds no policy: what a
//! controller does about a change is the controller's.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::Arc;

use super::recorder::{ObjectId, Source};
use super::store::why::EndedBy;
use super::store::{
    JobState, NodeId, OwnerRef, PodId, PodTemplateInfo, Status, Store, nonzero, template_info,
};
use super::{Event, JobId, World};
use crate::api::{Job, JobSpec, ObjectMeta};
use crate::controllers::{cronjob, job, kubelet, pod_gc, scheduler};
use crate::record::{EventRecord, EventsMode, ObjectRef, Reason};
use crate::scenario::Behavior;
use crate::world::store::job::IndexState;

thread_local! {
    /// The buffer [`World::emit_about`] writes event messages into, reused from event to
    /// event (taken out while in use, so a nested call only allocates a buffer of its own).
    static MESSAGE: Cell<String> = const { Cell::new(String::new()) };
    /// The key a leaving Job's name is looked up by in [`Store::job_names`].
    static KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

impl World<'_> {
    /// Records a Kubernetes-style event about an object of the store, its name borrowed
    /// from the store and its message written by `message` into a reused buffer: the hot
    /// events (`SuccessfulCreate`, `Scheduled`) copy no name and allocate nothing.
    pub fn emit_about(
        &mut self,
        source: Source,
        object: ObjectId,
        reason: Reason,
        message: impl FnOnce(&Store, &mut String),
    ) {
        self.emit_about_field(source, object, 0, reason, message);
    }

    /// [`World::emit_about`] for an event about one container (`field` is its position
    /// plus one: the event's `fieldPath`, part of what makes two events identical).
    pub fn emit_about_field(
        &mut self,
        source: Source,
        object: ObjectId,
        field: u16,
        reason: Reason,
        message: impl FnOnce(&Store, &mut String),
    ) {
        let mut buf = MESSAGE.take();
        buf.clear();
        message(&self.store, &mut buf);
        self.record_event(source, object, field, reason, &buf);
        MESSAGE.set(buf);
    }

    /// Reports an event as emitted, then as a row at once (`--events all`, or a recorder
    /// without the correlator) or through the correlator.
    pub(super) fn record_event(
        &mut self,
        source: Source,
        object: ObjectId,
        field: u16,
        reason: Reason,
        message: &str,
    ) {
        let now = self.now();
        self.last_activity = now;
        let name = object.resolve(&self.store);
        let record = EventRecord {
            time: now,
            object: name,
            reason,
            message,
            event_type: reason.event_type(),
            count: 1,
            first: now,
        };
        self.records.emitted(&record);
        if self.events_mode == EventsMode::All || !source.correlated() {
            self.records.event(&record);
        } else {
            self.correlator
                .observe(now, source, object, name, field, reason, message);
        }
    }

    /// Records one of jobsim's own notes about an object that need not exist in the
    /// store (a scripted action that found nothing). Notes are never correlated.
    pub fn note(&mut self, object: ObjectRef<'_>, reason: Reason, message: &str) {
        let now = self.now();
        self.last_activity = now;
        let record = EventRecord {
            time: now,
            object,
            reason,
            message,
            event_type: reason.event_type(),
            count: 1,
            first: now,
        };
        self.records.emitted(&record);
        self.records.event(&record);
    }

    /// Creates a Job (a scenario workload, or a CronJob's Job with its `owner`); the Job
    /// controller's informer enqueues the new Job for a sync at once.
    pub fn create_job(&mut self, job: &Job, behavior: &Behavior, owner: Option<OwnerRef>) -> JobId {
        let spec = Arc::new(job.spec.clone());
        let template = Arc::new(template_info(&spec.template.spec, behavior));
        self.create_job_shared(job.metadata.clone(), spec, template, owner)
    }

    /// [`World::create_job`] with the spec and the pod template already built, shared with
    /// the other Jobs made from the same template (a CronJob's Jobs share its template's:
    /// nothing changes a Job's pod template, and a scale or suspend copies the spec first).
    pub fn create_job_shared(
        &mut self,
        mut metadata: ObjectMeta,
        spec: Arc<JobSpec>,
        template: Arc<PodTemplateInfo>,
        owner: Option<OwnerRef>,
    ) -> JobId {
        let id = JobId(self.store.jobs.next_id());
        let uid = self.next_uid();
        let indexes = spec
            .is_indexed()
            .then(|| IndexState::new(spec.completions.unwrap_or(0).max(0) as u32));
        if metadata.labels.is_empty() {
            metadata.labels = spec.template.metadata.labels.clone();
        }
        let now = self.now();
        let may_be_deleted = owner.is_some()
            || spec.ttl_seconds_after_finished.is_some()
            || self.scenario.actions.iter().any(|a| {
                matches!(&a.kind, crate::scenario::ActionKind::DeleteJob(n) if *n == metadata.name)
            });
        let mut key = String::with_capacity(metadata.namespace().len() + 1 + metadata.name.len());
        push_job_key(&mut key, metadata.namespace(), &metadata.name);
        self.store.job_names.insert(key, id);
        self.store.jobs.push(JobState {
            metadata,
            uid,
            template,
            spec,
            owner,
            created: now,
            first_started: None,
            first_pod_running: None,
            status: Status::default(),
            finished_at: None,
            deleted_at: None,
            may_be_deleted,
            pods: Vec::new(),
            pods_gone: 0,
            active: BTreeSet::new(),
            uncounted: Vec::new(),
            terminating: 0,
            ready: 0,
            restart_sum: 0,
            backoff: Default::default(),
            indexes,
            created_pods: 0,
            batch_sync_queued: false,
            timers: BTreeSet::new(),
            name_rng: self.rng.stream("pod-names", uid),
            why: Default::default(),
        });
        self.schedule(now, Event::JobSync(id));
        id
    }

    /// The Job controller syncs a Job. The status it writes to a Job a CronJob owns reaches
    /// the CronJob controller's informer as one update event.
    pub(super) fn sync_job(&mut self, id: JobId) {
        let job = self.store.job(id);
        let owner = match &job.owner {
            Some(owner) if job.deleted_at.is_none() => Some(owner.cronjob),
            _ => None,
        };
        let Some(cj) = owner else {
            job::sync(self, id);
            return;
        };
        let before = cronjob::JobStatusView::of(self.store.job(id));
        job::sync(self, id);
        cronjob::informer::job_synced(self, cj, id, before);
    }

    /// The API server saw a pod change: the Job controller's informer is told (or, for a
    /// deleted Job, the garbage collector checks whether the Job can go).
    pub fn pod_changed(&mut self, pod: PodId) {
        self.last_activity = self.now();
        if self.store.pod(pod).phase.is_terminal() {
            pod_gc::pod_terminated(self, pod);
            self.retiring.push(pod);
        }
        let job = self.store.pod(pod).job;
        if self.store.job(job).deleted_at.is_some() {
            self.reap_job(job);
        } else {
            job::pod_updated(self, pod);
        }
    }

    /// The API server marks a pod for deletion (a plain DELETE, no disruption condition);
    /// its kubelet will stop it within the grace period.
    pub fn delete_pod(&mut self, pod: PodId) {
        kubelet::delete_pod(self, pod, None);
    }

    /// A disruption deletes the pod: `DisruptionTarget=True` with `reason` first, then
    /// DELETE (eviction API, taint manager, PodGC; job-semantics §19).
    pub fn disrupt_pod(&mut self, pod: PodId, reason: &'static str) {
        kubelet::delete_pod(self, pod, Some(reason));
    }

    /// The scheduler's binding: the pod gets its node (and the kubelet's first status,
    /// PodReady=False), the node's accounting takes its requests, the node's kubelet is
    /// told, then the Job controller.
    pub fn bind_pod(&mut self, pod_id: PodId, node_id: NodeId) {
        let now = self.now();
        let pod = self.store.pod_mut(pod_id);
        pod.node = Some(node_id);
        pod.scheduled = Some(now);
        // The kubelet's first status of the pod carries PodReady=False (job-semantics §8.1
        // rule 2).
        pod.unready_at = Some(now);
        let (req, nz) = (pod.request, nonzero(pod.request));
        let node = &mut self.store.nodes[node_id.0 as usize];
        node.requested.cpu_m += req.cpu_m;
        node.requested.memory += req.memory;
        node.requested_nonzero.cpu_m += nz.cpu_m;
        node.requested_nonzero.memory += nz.memory;
        node.pod_count += 1;
        self.store.refresh_node_fit(node_id);
        kubelet::pod_bound(self, pod_id);
        self.pod_changed(pod_id);
    }

    /// A bound pod reached a terminal phase: its node's accounting frees its requests and
    /// the scheduler hears that capacity changed. The caller reports the pod change.
    pub fn release_pod(&mut self, pod_id: PodId) {
        let pod = self.store.pod(pod_id);
        let Some(node_id) = pod.node else { return };
        let (req, nz) = (pod.request, nonzero(pod.request));
        let node = &mut self.store.nodes[node_id.0 as usize];
        node.requested.cpu_m -= req.cpu_m;
        node.requested.memory -= req.memory;
        node.requested_nonzero.cpu_m -= nz.cpu_m;
        node.requested_nonzero.memory -= nz.memory;
        node.pod_count -= 1;
        self.store.refresh_node_fit(node_id);
        scheduler::capacity_changed(self);
    }

    /// A node is Ready again (its taints come off): its kubelet reports on the pods bound to
    /// it, in id order, and the scheduler hears that capacity changed.
    pub fn node_ready(&mut self, node_id: NodeId) {
        let node = &mut self.store.nodes[node_id.0 as usize];
        node.down = false;
        node.tainted = false;
        node.epoch += 1;
        self.store.refresh_node_fit(node_id);
        for pod in self.store.pods_on(node_id) {
            kubelet::recover_pod(self, pod);
        }
        scheduler::capacity_changed(self);
    }

    /// The API deletes a Job with propagation: its active pods are deleted, and the Job and
    /// its pods leave the store once every pod is terminal (their records are written
    /// then). Foreground and background propagation look the same here, because pods stop
    /// at once. The owning CronJob's informer hears of the deletion.
    pub fn delete_job(&mut self, id: JobId) {
        self.delete_job_for(id, EndedBy::Deleted);
    }

    /// [`Self::delete_job`], recording `cause` as what ended the Job's active pods.
    pub fn delete_job_for(&mut self, id: JobId, cause: EndedBy) {
        let now = self.now();
        let job = self.store.job_mut(id);
        if job.deleted_at.is_some() {
            return;
        }
        job.deleted_at = Some(now);
        let owner = job.owner.as_ref().map(|o| o.cronjob);
        self.last_activity = now;
        let active: Vec<PodId> = job.active.iter().copied().collect();
        for pod in active {
            self.store.pod_mut(pod).why.end(cause);
            self.delete_pod(pod);
        }
        self.reap_job(id);
        if let Some(cj) = owner {
            cronjob::informer::job_deleted(self, cj, id);
        }
    }

    /// Removes a deleted Job whose pods are all terminal, with its pods, and records them.
    fn reap_job(&mut self, id: JobId) {
        let job = self.store.job(id);
        if job.deleted_at.is_none() {
            return;
        }
        let store = &self.store;
        if job
            .pods
            .iter()
            .any(|&p| store.pods.get(p.0).is_some_and(|p| !p.phase.is_terminal()))
        {
            return;
        }
        // The Job leaves the store below; nothing on the way reads its list of pods.
        let pods = std::mem::take(&mut self.store.job_mut(id).pods);
        let now = self.now();
        for &p in &pods {
            if !self.store.has_pod(p) {
                continue;
            }
            self.close_pod_events(p);
            self.records.record_pod(&self.store, p, now);
            if let Some(pod) = self.store.pods.remove(p.0) {
                pod_gc::pod_deleted(&mut self.store, p, &pod);
            }
        }
        let records = &mut self.records;
        self.correlator
            .close(ObjectId::Job(id), &mut |r| records.event(r));
        self.records.record_job(&self.store, id);
        if let Some(job) = self.store.jobs.remove(id.0) {
            let names = &mut self.store.job_names;
            KEY.with_borrow_mut(|key| {
                key.clear();
                push_job_key(key, job.metadata.namespace(), &job.metadata.name);
                // One lookup: the name is almost always still this Job's.
                if let Some((k, other)) = names.remove_entry(key.as_str())
                    && other != id
                {
                    names.insert(k, other);
                }
            });
        }
    }

    /// Writes the Event objects about a pod that can have no more events (it ended, or
    /// it leaves the store).
    pub fn close_pod_events(&mut self, pod: PodId) {
        let records = &mut self.records;
        self.correlator
            .close(ObjectId::Pod(pod), &mut |r| records.event(r));
    }
}

/// Appends `namespace/name`, the key of [`Store::job_names`].
fn push_job_key(key: &mut String, namespace: &str, name: &str) {
    key.push_str(namespace);
    key.push('/');
    key.push_str(name);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::controllers::cronjob::sync::owned_view;
    use crate::record::MemorySink;
    use crate::world::store::cronjob::OwnedJob;
    use crate::world::{JobId, World};

    const CRONJOBS: &str = r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: lister
spec:
  horizon: 3h
  cluster:
    nodePools:
      - name: n
        count: 2
        capacity: {cpu: "2", memory: 8Gi, pods: 110}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: replaced}
        spec:
          schedule: "* * * * *"
          concurrencyPolicy: Replace
          successfulJobsHistoryLimit: 2
          jobTemplate:
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: c
                      image: busybox
                      resources:
                        requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: {uniform: [30s, 100s]}
        failure: {probability: 0.3, exitCode: 1}
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: expiring}
        spec:
          schedule: "*/2 * * * *"
          failedJobsHistoryLimit: 2
          jobTemplate:
            spec:
              backoffLimit: 0
              ttlSecondsAfterFinished: 150
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: c
                      image: busybox
                      resources:
                        requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: {uniform: [10s, 400s]}
        failure: {probability: 0.4, exitCode: 1}
  actions:
    - {at: 40m, suspend: cronjob/expiring}
    - {at: 70m, resume: cronjob/expiring}
"#;

    #[test]
    fn the_cronjob_listers_cache_matches_the_jobs_after_every_event() {
        let (scenario, _) =
            crate::load_str(CRONJOBS, Path::new("t.yaml"), &Default::default()).expect("loads");
        let mut sink = MemorySink::default();
        let mut w = World::new(&scenario, &mut sink);
        let (mut events, mut compared) = (0, 0);
        // CronJobs never run out of work: stop at three hours, as the horizon would.
        while w.queue.peek_time().is_some_and(|t| t <= 3 * 3_600_000) {
            let Some((_, event)) = w.queue.pop() else {
                break;
            };
            w.dispatch(event);
            events += 1;
            for (cj_id, cj) in w.store.cronjobs.iter() {
                // The naive answer: the store's Jobs this CronJob controls and nobody
                // deleted, in creation order, read afresh.
                let naive: Vec<OwnedJob> = w
                    .store
                    .jobs
                    .iter()
                    .filter(|(_, job)| {
                        job.deleted_at.is_none()
                            && job.owner.as_ref().is_some_and(|o| o.cronjob.0 == cj_id)
                    })
                    .map(|(id, job)| owned_view(JobId(id), job))
                    .collect();
                let cached: Vec<OwnedJob> = cj
                    .owned
                    .iter()
                    .filter(|o| w.store.jobs.contains(o.id.0))
                    .copied()
                    .collect();
                assert_eq!(cached, naive, "after event {events}");
                compared += cached.len();
            }
        }
        assert!(events > 1_000 && compared > 5_000, "{events} {compared}");
    }
}
