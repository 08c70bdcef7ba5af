//! Scripted scenario actions: changes made at a time, as a user or an outage would make
//! them — suspend or resume a Job, scale it, delete it, delete or evict a pod, take a node
//! down. Names are checked when the scenario is loaded; pods are found when the action runs.

use serde::Deserialize;

use super::Workload;
use crate::api::Manifest;
use crate::time::{SimDuration, SimTime, parse_duration};

/// A scripted change at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub at: SimTime,
    pub kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Sets `spec.suspend: true` on a Job.
    SuspendJob(String),
    /// Sets `spec.suspend: false` on a Job.
    ResumeJob(String),
    /// Changes a Job's `parallelism` and/or `completions`.
    Scale {
        job: String,
        parallelism: Option<i32>,
        completions: Option<i32>,
    },
    /// Deletes a Job (background propagation: its pods are deleted too).
    DeleteJob(String),
    /// Deletes a pod (a plain DELETE: no disruption condition). The target is a pod name,
    /// a Job name (its oldest active pod) or `<job>-<index>` (that index's active pod).
    DeletePod(String),
    /// Evicts a pod through the Eviction API (`DisruptionTarget`: `EvictionByEvictionAPI`).
    EvictPod(String),
    /// Deletes a Node object (a cloud provider or an operator removing it): PodGC then
    /// fails and removes the pods still bound to it.
    DeleteNode(String),
    /// Takes a node down (kubelet and containers gone), for a while or for good.
    NodeDown {
        node: String,
        duration: Option<SimDuration>,
    },
    /// Sets `spec.suspend: true` on a CronJob.
    SuspendCronJob(String),
    /// Sets `spec.suspend: false` on a CronJob.
    ResumeCronJob(String),
    /// Sets `spec.schedule` of a CronJob.
    ScheduleCronJob { name: String, to: String },
}

/// The YAML form of an action: `at` and exactly one verb.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionSpec {
    at: String,
    #[serde(default)]
    suspend: Option<String>,
    #[serde(default)]
    resume: Option<String>,
    #[serde(default)]
    scale: Option<String>,
    #[serde(default)]
    parallelism: Option<i32>,
    #[serde(default)]
    completions: Option<i32>,
    #[serde(default)]
    delete: Option<String>,
    #[serde(default)]
    evict: Option<String>,
    #[serde(default)]
    node_down: Option<String>,
    #[serde(default, rename = "for")]
    for_: Option<String>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

const VERBS: &str = "suspend: job/NAME or cronjob/NAME, resume: job/NAME or cronjob/NAME, schedule: cronjob/NAME (with to: SCHEDULE), scale: job/NAME (with parallelism and/or completions), delete: job/NAME, pod/NAME or node/NAME, evict: pod/NAME, nodeDown: NODE (with an optional `for`)";

impl ActionSpec {
    /// Checks the action against the scenario's workloads and nodes.
    pub fn resolve(
        &self,
        path: &str,
        workloads: &[Workload],
        nodes: &[String],
    ) -> Result<Action, String> {
        let at = parse_duration(&self.at).map_err(|e| format!("{path}.at: {e}"))?;
        let verbs = [
            self.suspend.is_some(),
            self.resume.is_some(),
            self.scale.is_some(),
            self.delete.is_some(),
            self.evict.is_some(),
            self.node_down.is_some(),
            self.schedule.is_some(),
        ];
        if verbs.iter().filter(|v| **v).count() != 1 {
            return Err(format!("{path}: give exactly one action: {VERBS}"));
        }
        let extra_scale = self.parallelism.is_some() || self.completions.is_some();
        if extra_scale && self.scale.is_none() {
            return Err(format!(
                "{path}: parallelism and completions go with `scale: job/NAME`"
            ));
        }
        if self.for_.is_some() && self.node_down.is_none() {
            return Err(format!("{path}.for: goes with `nodeDown: NODE`"));
        }
        if self.to.is_some() && self.schedule.is_none() {
            return Err(format!(
                "{path}.to: only a schedule action takes `to` (schedule: cronjob/NAME, to: \"0 * * * *\")"
            ));
        }
        let kind = if let Some(t) = &self.suspend {
            match target(path, t, workloads)? {
                Target::Job(name) => ActionKind::SuspendJob(name),
                Target::CronJob(name) => ActionKind::SuspendCronJob(name),
            }
        } else if let Some(t) = &self.resume {
            match target(path, t, workloads)? {
                Target::Job(name) => ActionKind::ResumeJob(name),
                Target::CronJob(name) => ActionKind::ResumeCronJob(name),
            }
        } else if let Some(t) = &self.schedule {
            schedule_action(path, t, self.to.as_deref(), workloads)?
        } else if let Some(t) = &self.scale {
            if !extra_scale {
                return Err(format!(
                    "{path}: scale needs parallelism and/or completions"
                ));
            }
            for (name, v) in [
                ("parallelism", self.parallelism),
                ("completions", self.completions),
            ] {
                if v.is_some_and(|v| v < 0) {
                    return Err(format!(
                        "{path}.{name}: Invalid value: {}: must be greater than or equal to 0",
                        v.unwrap_or_default()
                    ));
                }
            }
            ActionKind::Scale {
                job: job_target(path, t, workloads)?,
                parallelism: self.parallelism,
                completions: self.completions,
            }
        } else if let Some(t) = &self.delete {
            if let Some(pod) = t.strip_prefix("pod/") {
                ActionKind::DeletePod(pod.to_string())
            } else if let Some(node) = t.strip_prefix("node/") {
                if !nodes.iter().any(|n| n == node) {
                    return Err(format!(
                        "{path}.delete: no node named {node:?} (nodes are named <pool>-<n>, n from 0)"
                    ));
                }
                ActionKind::DeleteNode(node.to_string())
            } else {
                ActionKind::DeleteJob(job_target(path, t, workloads)?)
            }
        } else if let Some(t) = &self.evict {
            let pod = t
                .strip_prefix("pod/")
                .ok_or_else(|| format!("{path}.evict: target {t:?} must be written pod/NAME"))?;
            ActionKind::EvictPod(pod.to_string())
        } else {
            let node = self.node_down.clone().unwrap_or_default();
            if !nodes.contains(&node) {
                return Err(format!(
                    "{path}.nodeDown: no node named {node:?} (nodes are named <pool>-<n>, n from 0)"
                ));
            }
            let duration = self
                .for_
                .as_deref()
                .map(|d| parse_duration(d).map_err(|e| format!("{path}.for: {e}")))
                .transpose()?;
            ActionKind::NodeDown { node, duration }
        };
        Ok(Action { at, kind })
    }
}

fn job_target(path: &str, target: &str, workloads: &[Workload]) -> Result<String, String> {
    let name = target
        .strip_prefix("job/")
        .ok_or_else(|| format!("{path}: target {target:?} must be written job/NAME"))?;
    let known = workloads
        .iter()
        .any(|w| matches!(&w.manifest, Manifest::Job(j) if j.metadata.name == name));
    if !known {
        return Err(format!("{path}: no Job named {name:?} among the workloads"));
    }
    Ok(name.to_string())
}

/// The object an action names.
enum Target {
    Job(String),
    CronJob(String),
}

fn target(path: &str, target: &str, workloads: &[Workload]) -> Result<Target, String> {
    if let Some(name) = target.strip_prefix("cronjob/") {
        return cronjob_target(path, name, workloads).map(|_| Target::CronJob(name.to_string()));
    }
    let name = target.strip_prefix("job/").ok_or_else(|| {
        format!("{path}: target {target:?} must be written job/NAME or cronjob/NAME")
    })?;
    let known = workloads
        .iter()
        .any(|w| matches!(&w.manifest, Manifest::Job(j) if j.metadata.name == name));
    if !known {
        return Err(format!("{path}: no Job named {name:?} among the workloads"));
    }
    Ok(Target::Job(name.to_string()))
}

fn cronjob_target<'w>(
    path: &str,
    name: &str,
    workloads: &'w [Workload],
) -> Result<&'w crate::api::CronJob, String> {
    workloads
        .iter()
        .find_map(|w| match &w.manifest {
            Manifest::CronJob(c) if c.metadata.name == name => Some(&**c),
            _ => None,
        })
        .ok_or_else(|| format!("{path}: no CronJob named {name:?} among the workloads"))
}

/// `{schedule: cronjob/NAME, to: "0 * * * *"}`: the new schedule is validated as the API
/// server validates an update of the CronJob.
fn schedule_action(
    path: &str,
    target: &str,
    to: Option<&str>,
    workloads: &[Workload],
) -> Result<ActionKind, String> {
    let name = target
        .strip_prefix("cronjob/")
        .ok_or_else(|| format!("{path}: target {target:?} must be written cronjob/NAME"))?;
    let cj = cronjob_target(path, name, workloads)?;
    let to = to.ok_or_else(|| format!("{path}.to: Required value (the new schedule)"))?;
    let zone = cj.spec.time_zone.as_deref();
    let errors =
        crate::cron::validation::validate_schedule_update(to, zone, &cj.spec.schedule, zone);
    if let Some((_, message)) = errors.into_iter().next() {
        return Err(format!("{path}.to: {message}"));
    }
    Ok(ActionKind::ScheduleCronJob {
        name: name.to_string(),
        to: to.to_string(),
    })
}
