//! Kubernetes defaulting for Jobs and CronJobs (`pkg/apis/batch/v1/defaults.go`;
//! reference job-semantics §1.1, cronjob-semantics §1.9).

use super::cronjob::{ConcurrencyPolicy, CronJob};
use super::job::{CompletionMode, JobSpec, PodReplacementPolicy};

/// Fills every defaultable field of a Job spec, as the API server does on create.
pub fn default_job_spec(spec: &mut JobSpec) {
    match (spec.completions, spec.parallelism) {
        (None, None) => {
            spec.completions = Some(1);
            spec.parallelism = Some(1);
        }
        (Some(_), None) => spec.parallelism = Some(1),
        _ => {}
    }
    if spec.backoff_limit.is_none() {
        spec.backoff_limit = Some(if spec.backoff_limit_per_index.is_some() {
            i32::MAX
        } else {
            6
        });
    }
    spec.completion_mode
        .get_or_insert(CompletionMode::NonIndexed);
    spec.suspend.get_or_insert(false);
    spec.manual_selector.get_or_insert(false);
    if spec.pod_replacement_policy.is_none() {
        spec.pod_replacement_policy = Some(if spec.pod_failure_policy.is_some() {
            PodReplacementPolicy::Failed
        } else {
            PodReplacementPolicy::TerminatingOrFailed
        });
    }
    if let Some(pfp) = spec.pod_failure_policy.as_mut() {
        for rule in &mut pfp.rules {
            for pattern in &mut rule.on_pod_conditions {
                pattern.status.get_or_insert_with(|| "True".to_string());
            }
        }
    }
}

/// Fills the defaults of a CronJob and of its Job template.
pub fn default_cronjob(cj: &mut CronJob) {
    let spec = &mut cj.spec;
    spec.concurrency_policy
        .get_or_insert(ConcurrencyPolicy::Allow);
    spec.suspend.get_or_insert(false);
    spec.successful_jobs_history_limit.get_or_insert(3);
    spec.failed_jobs_history_limit.get_or_insert(1);
    default_job_spec(&mut spec.job_template.spec);
}
