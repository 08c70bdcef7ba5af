//! The API's writes to a CronJob: its creation (with the Job request every creation
//! submits and the parsed schedule) and the scenario's updates of `spec.suspend` and
//! `spec.schedule`, each followed by its informer event.

use std::sync::Arc;

use super::accounting::account_lost;
use super::missed;
use super::sync::schedule_state;
use super::workqueue::{enqueue, enqueue_after};
use crate::api::{CronJob, CronJobSpec, Job, ObjectMeta};
use crate::cron::schedule::{Schedule, format_schedule, load_location};
use crate::record::Reason;
use crate::scenario::Behavior;
use crate::world::store::cronjob::{
    CronJobState, CronJobStats, CronJobStatus, JobRequest, ParsedSchedule,
};
use crate::world::store::template_info;
use crate::world::{CronJobId, ObjectId, Source, World};

/// Submits a CronJob (the API create). Its `creationTimestamp` is now, truncated to the
/// second; the add event syncs it at once (§8: a time equal to the creation instant is not
/// due, because `Next` is strictly after).
pub fn create(w: &mut World<'_>, cj: &CronJob, behavior: &Behavior) -> CronJobId {
    let id = CronJobId(w.store.cronjobs.next_id());
    let uid = w.next_uid();
    let now = w.now();
    let controller_zone = w.scenario.controller_time_zone.clone();
    let template = &cj.spec.job_template;
    let mut job = Job {
        api_version: "batch/v1".to_string(),
        kind: "Job".to_string(),
        metadata: ObjectMeta {
            namespace: cj.metadata.namespace.clone(),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
    };
    // Each created Job is defaulted by the API server like any other Job.
    crate::api::defaults::default_job_spec(&mut job.spec);
    let state = CronJobState {
        metadata: cj.metadata.clone(),
        uid,
        spec: cj.spec.clone(),
        created: w.clock.truncate(now),
        created_at: w.clock.instant(w.clock.truncate(now)),
        status: CronJobStatus::default(),
        owned: Vec::new(),
        sync_queued: false,
        waiting: None,
        parsed: parse(&cj.spec, controller_zone.as_deref()),
        job_request: Some(JobRequest {
            spec: Arc::new(job.spec.clone()),
            template: Arc::new(template_info(&job.spec.template.spec, behavior)),
            job,
            behavior: behavior.clone(),
            owner_reference: format!("cronjob/{}", cj.metadata.name).into(),
        }),
        unstarted: Vec::new(),
        stats: CronJobStats {
            accounted_until: Some(w.clock.instant(w.clock.truncate(now))),
            ..CronJobStats::default()
        },
    };
    w.store.cronjobs.push(state);
    let key = format!("{}/{}", cj.metadata.namespace(), cj.metadata.name);
    w.store.cronjob_names.insert(key, id);
    enqueue(w, id);
    id
}

/// `formatSchedule` then `ParseStandard`. A CronJob without `timeZone` is read in the
/// controller's own zone (`cluster.controllerTimeZone`, UTC by default), as Go's `Local`.
pub fn parse(spec: &CronJobSpec, controller_zone: Option<&str>) -> ParsedSchedule {
    let zone = spec.time_zone.as_deref().or(controller_zone);
    let formatted = format_schedule(&spec.schedule, zone);
    ParsedSchedule {
        schedule: Schedule::parse(&formatted.text)
            .map(Arc::new)
            .map_err(|e| e.to_string()),
        tz_in_schedule: formatted.tz_in_schedule,
        time_zone_error: spec
            .time_zone
            .as_deref()
            .and_then(|z| load_location(z).err()),
        next_after: [None, None],
    }
}

fn find(w: &World<'_>, name: &str) -> Option<CronJobId> {
    w.store
        .cronjob_names
        .iter()
        .find(|(k, _)| k.rsplit('/').next() == Some(name))
        .map(|(_, &v)| v)
}

/// Sets `spec.suspend`. An update other than the schedule enqueues the CronJob at once
/// (§8), so resuming catches up on the most recent missed time.
pub fn set_suspend(w: &mut World<'_>, name: &str, suspend: bool) {
    let Some(id) = find(w, name) else { return };
    let now = w.now();
    let cj = w.store.cronjob_mut(id);
    if cj.spec.suspend == Some(suspend) {
        return;
    }
    cj.spec.suspend = Some(suspend);
    // Kept for the summary only (the records have no other trace of it).
    let created = cj.created;
    let spans = &mut cj.stats.suspensions;
    match spans.last_mut().filter(|s| s.1.is_none()) {
        Some(open) if !suspend => open.1 = Some(now),
        None if suspend => spans.push((now, None)),
        None => spans.push((created, Some(now))),
        Some(_) => {}
    }
    enqueue(w, id);
}

/// Sets `spec.schedule` (§8): the update handler parses the new schedule and adds the key
/// after `nextScheduleTimeDuration` computed from the existing `lastScheduleTime` (or
/// creation) with the new schedule; an earlier wake-up already queued stays queued.
pub fn set_schedule(w: &mut World<'_>, name: &str, schedule: &str) {
    let Some(id) = find(w, name) else { return };
    let now_ms = w.now();
    let now = w.clock.instant(now_ms);
    let controller_zone = w.scenario.controller_time_zone.clone();
    let cj = w.store.cronjob_mut(id);
    if cj.spec.schedule == schedule {
        return;
    }
    // Times of the old schedule that never ran are lost from here on.
    if let Ok(old) = &cj.parsed.schedule {
        let old = Arc::clone(old);
        account_lost(&mut cj.stats, &old, now, true, false);
        cj.stats.accounted_until = Some(now);
        cj.stats.blocked.clear();
    }
    cj.spec.schedule = schedule.to_string();
    cj.parsed = parse(&cj.spec, controller_zone.as_deref());
    let state = schedule_state(cj);
    match &cj.parsed.schedule {
        Err(_) => {
            // Upstream parses without the time zone's recorder here; the message differs
            // from the sync's `UnparseableSchedule`, spelling included.
            let message = format!("unparseable schedule for cronjob: {schedule}");
            w.emit(
                Source::CronJobController,
                ObjectId::CronJob(id),
                Reason::UnParseableCronJobSchedule,
                &message,
            );
        }
        Ok(sched) => {
            let delay = missed::next_schedule_time_duration(sched, &state, now);
            enqueue_after(w, id, delay);
        }
    }
}
