//! A CronJob as the outputs show it when the run ends: the object as `kubectl get cronjob
//! -o json` would print it, the `ownerReferences` of the Jobs it created, and its summary
//! result (what became of its schedule times, the schedule lag, its pods' requests).
//!
//! Read-only over the store; it must not change the run.

use serde_json::Value;

use super::result::{CronJobResult, string_map, uid_string};
use super::schema::{
    CronJobKind, CronJobObject, CronJobObjectStatus, JobObject, ObjectReference, OwnerReference,
    ServerMeta,
};
use crate::api::ConcurrencyPolicy;
use crate::time::Clock;
use crate::world::store::cronjob::Samples;
use crate::world::store::{CronJobState, template_info};

/// `metadata.ownerReferences` of a Job the CronJob created (cronjob-semantics §5.9): one
/// controller reference with `blockOwnerDeletion`.
pub fn add_owner_reference(job: &mut JobObject, cj: &CronJobState, seed: u64) {
    job.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "batch/v1".into(),
        kind: "CronJob".into(),
        name: cj.metadata.name.clone(),
        uid: uid_string(seed, cj.uid),
        controller: true,
        block_owner_deletion: true,
    }]);
}

/// The CronJob with its defaulted `spec` and its `status`.
pub fn cronjob_object(cj: &CronJobState, clock: &Clock, seed: u64) -> CronJobObject {
    let metadata = ServerMeta {
        name: cj.metadata.name.clone(),
        namespace: cj.metadata.namespace().to_string(),
        uid: Some(uid_string(seed, cj.uid)),
        creation_timestamp: Some(clock.rfc3339(cj.created)),
        labels: (!cj.metadata.labels.is_empty()).then(|| string_map(&cj.metadata.labels)),
        annotations: (!cj.metadata.annotations.is_empty())
            .then(|| string_map(&cj.metadata.annotations)),
        owner_references: None,
    };
    let status = CronJobObjectStatus {
        active: cj
            .status
            .active
            .iter()
            .map(|a| ObjectReference {
                api_version: "batch/v1".into(),
                kind: "Job".into(),
                name: a.name.clone(),
                namespace: cj.metadata.namespace().to_string(),
                uid: uid_string(seed, a.uid),
            })
            .collect(),
        last_schedule_time: cj.status.last_schedule_time.map(utc_seconds),
        last_successful_time: cj.status.last_successful_time.map(|t| clock.rfc3339(t)),
    };
    CronJobObject {
        api_version: "batch/v1".into(),
        kind: CronJobKind::CronJob,
        metadata,
        spec: serde_json::to_value(&cj.spec).unwrap_or(Value::Null),
        status,
    }
}

fn utc_seconds(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// p50, p99 and max of a sample (nearest rank below, as the run's wait-time metrics).
fn percentiles(samples: &Samples) -> Option<[u64; 3]> {
    let n = samples.len();
    let last = samples.nth(n.checked_sub(1)?)?;
    let at = |p: u64| samples.nth((n - 1) * p / 100).unwrap_or(last);
    Some([at(50), at(99), last])
}

/// The summary of one CronJob (call after the end-of-run accounting).
pub fn cronjob_result(cj: &CronJobState, clock: &Clock) -> CronJobResult {
    let s = &cj.stats;
    let pod_requests = cj
        .job_request
        .as_ref()
        .map(|r| template_info(&r.job.spec.template.spec, &r.behavior).request)
        .unwrap_or_default();
    CronJobResult {
        name: cj.metadata.name.clone(),
        namespace: cj.metadata.namespace().to_string(),
        schedule: cj.spec.schedule.clone(),
        time_zone: cj.spec.time_zone.clone(),
        concurrency_policy: match cj.spec.concurrency_policy {
            Some(ConcurrencyPolicy::Forbid) => "Forbid",
            Some(ConcurrencyPolicy::Replace) => "Replace",
            _ => "Allow",
        },
        suspend: cj.suspended(),
        suspensions: s.suspensions.clone(),
        counts: s.counts,
        active: cj.status.active.len(),
        last_schedule_time: cj.status.last_schedule_time.map(utc_seconds),
        last_successful_time: cj.status.last_successful_time.map(|t| clock.rfc3339(t)),
        create_lag_ms: percentiles(&s.create_lag_ms),
        start_lag_ms: percentiles(&s.start_lag_ms),
        pod_requests,
        last_successful: cj.status.last_successful_time,
        cost: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank_below() {
        let of = |values: &[u64]| {
            let mut s = Samples::default();
            for &v in values {
                s.push(v);
            }
            percentiles(&s)
        };
        assert_eq!(of(&[]), None);
        assert_eq!(of(&[7]), Some([7, 7, 7]));
        let hundred: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(of(&hundred), Some([50, 99, 100]));
        assert_eq!(of(&[3, 1, 3, 3, 2]), Some([3, 3, 3]));
    }
}
