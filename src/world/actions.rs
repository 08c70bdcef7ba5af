//! The scenario's kubectl: submitting a workload's manifest when its time comes, and the
//! scripted actions (suspend, scale, delete, evict, node loss, CronJob edits) — what a
//! person at a terminal would do to the cluster, done through the same calls the
//! controllers use.

use super::{NodeId, PodId, World};
use crate::api::Manifest;
use crate::controllers::{cronjob, job, node_lifecycle, pod_gc};
use crate::record::{ObjectRef, Reason};
use crate::scenario::ActionKind;

impl World<'_> {
    /// Submits workload `i` (`kubectl create -f`).
    pub(super) fn submit(&mut self, i: usize) {
        self.submits_left -= 1;
        let scenario = self.scenario;
        let workload = &scenario.workloads[i];
        match &workload.manifest {
            Manifest::Job(job) => {
                self.create_job(job, &workload.behavior, None);
            }
            Manifest::CronJob(cj) => {
                cronjob::actions::create(self, cj, &workload.behavior);
            }
        }
    }

    /// Carries out scripted action `i`.
    pub(super) fn action(&mut self, i: usize) {
        self.actions_left -= 1;
        let scenario = self.scenario;
        match &scenario.actions[i].kind {
            ActionKind::SuspendJob(name) => job::set_suspend(self, name, true),
            ActionKind::ResumeJob(name) => job::set_suspend(self, name, false),
            ActionKind::Scale {
                job: name,
                parallelism,
                completions,
            } => job::scale(self, name, *parallelism, *completions),
            ActionKind::DeleteJob(name) => {
                if let Some(id) = job::find(self, name) {
                    self.delete_job(id);
                }
            }
            ActionKind::DeletePod(target) => {
                if let Some(pod) = self.find_pod(target) {
                    self.delete_pod(pod);
                }
            }
            ActionKind::EvictPod(target) => {
                if let Some(pod) = self.find_pod(target) {
                    self.disrupt_pod(pod, "EvictionByEvictionAPI");
                }
            }
            ActionKind::DeleteNode(node) => {
                if let Some(i) = self.store.nodes.iter().position(|n| &n.name == node) {
                    pod_gc::node_deleted(self, NodeId(i as u32));
                }
            }
            ActionKind::NodeDown { node, duration } => {
                if let Some(i) = self.store.nodes.iter().position(|n| &n.name == node) {
                    node_lifecycle::node_down(self, NodeId(i as u32), *duration);
                }
            }
            ActionKind::SuspendCronJob(name) => cronjob::actions::set_suspend(self, name, true),
            ActionKind::ResumeCronJob(name) => cronjob::actions::set_suspend(self, name, false),
            ActionKind::ScheduleCronJob { name, to } => {
                cronjob::actions::set_schedule(self, name, to)
            }
        }
    }

    /// A pod named by an action: its exact name, else the oldest active pod of the Job of
    /// that name, else of `<job>-<index>`. An action that finds no pod leaves an event.
    fn find_pod(&mut self, target: &str) -> Option<PodId> {
        let found = self.store.pod_names.get(target).copied().or_else(|| {
            let by_job = |w: &World<'_>, job: &str, index: Option<u32>| {
                let id = job::find(w, job)?;
                w.store
                    .job(id)
                    .active
                    .iter()
                    .copied()
                    .find(|&p| index.is_none() || w.store.pod(p).index == index)
            };
            by_job(self, target, None).or_else(|| {
                let (job, index) = target.rsplit_once('-')?;
                by_job(self, job, Some(index.parse().ok()?))
            })
        });
        if let Some(id) = found
            && !self.store.has_pod(id)
        {
            // A counted, terminal pod that left the simulator's store still exists in
            // the API; deleting or evicting a terminal pod changes nothing.
            return None;
        }
        if found.is_none() {
            self.note(
                ObjectRef::Pod(target),
                Reason::NotFound,
                "jobsim action: no such pod exists at this time",
            );
        }
        found
    }
}
