//! Kubernetes defaulting for Jobs and CronJobs (`pkg/apis/batch/v1/defaults.go`, plus the
//! pod-template defaults of `pkg/apis/core/v1/defaults.go` that jobsim reads; reference
//! job-semantics §1.1, cronjob-semantics §1.9).
//!
//! Defaulting fills unset fields only; it never rejects anything (that is `validation`'s job,
//! and it runs after defaulting, as in the API server).

use super::cronjob::{ConcurrencyPolicy, CronJob};
use super::job::{CompletionMode, Job, JobSpec, PodReplacementPolicy};
use super::pod::PodSpec;

/// `backoffLimit` when unset (`batch/v1` default).
pub const DEFAULT_BACKOFF_LIMIT: i32 = 6;
/// `backoffLimit` when unset and `backoffLimitPerIndex` is set: MaxInt32.
pub const DEFAULT_BACKOFF_LIMIT_WITH_PER_INDEX: i32 = i32::MAX;
/// `terminationGracePeriodSeconds` when unset (`SetDefaults_PodSpec`).
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;
/// CronJob history limits when unset (`SetDefaults_CronJob`).
pub const DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT: i32 = 3;
pub const DEFAULT_FAILED_JOBS_HISTORY_LIMIT: i32 = 1;

/// Fills the defaults of a Job as the API server does on create: the spec (see
/// [`default_job_spec`]), then, when the Job has no labels, a copy of the pod-template labels.
pub fn default_job(job: &mut Job) {
    default_job_spec(&mut job.spec);
    if job.metadata.labels.is_empty() {
        job.metadata.labels = job.spec.template.metadata.labels.clone();
    }
}

/// Fills every defaultable field of a Job spec (`SetDefaults_Job`).
pub fn default_job_spec(spec: &mut JobSpec) {
    // completions unset and parallelism set stays a work queue: completions remains null.
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
            DEFAULT_BACKOFF_LIMIT_WITH_PER_INDEX
        } else {
            DEFAULT_BACKOFF_LIMIT
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
    default_pod_spec(&mut spec.template.spec);
}

/// The `SetDefaults_PodSpec` defaults jobsim reads. `restartPolicy` is left unset: the API
/// server would default it to `Always`, which Job validation rejects either way.
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.termination_grace_period_seconds
        .get_or_insert(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
}

/// The defaults a *pod* (not a template) gets when created from a template
/// (`SetDefaults_Pod`): a container that sets a limit but no request for a resource requests
/// its limit (job-semantics §18.4). The pod-creating code calls this on each new pod's spec.
#[allow(dead_code)] // no caller yet, although the comment above says pod creation calls it
pub fn default_pod_from_template(spec: &mut PodSpec) {
    for container in spec.init_containers.iter_mut().chain(&mut spec.containers) {
        let resources = &mut container.resources;
        for (name, limit) in &resources.limits {
            resources
                .requests
                .entry(name.clone())
                .or_insert_with(|| limit.clone());
        }
    }
}

/// Fills the defaults of a CronJob (`SetDefaults_CronJob`) and the pod-spec defaults of its
/// template.
pub fn default_cronjob(cj: &mut CronJob) {
    let spec = &mut cj.spec;
    spec.concurrency_policy
        .get_or_insert(ConcurrencyPolicy::Allow);
    spec.suspend.get_or_insert(false);
    spec.successful_jobs_history_limit
        .get_or_insert(DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT);
    spec.failed_jobs_history_limit
        .get_or_insert(DEFAULT_FAILED_JOBS_HISTORY_LIMIT);
    // The Job defaults (`SetDefaults_Job`) apply to Jobs, not to a CronJob's template: the
    // controller's Jobs get them when they are created. Pod-spec defaults apply everywhere.
    default_pod_spec(&mut spec.job_template.spec.template.spec);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::job::{
        OnPodConditionsPattern, PodFailurePolicy, PodFailurePolicyAction, PodFailurePolicyRule,
    };
    use crate::api::pod::Container;
    use crate::api::quantity::Quantity;

    fn defaulted(f: impl FnOnce(&mut JobSpec)) -> JobSpec {
        let mut spec = JobSpec::default();
        f(&mut spec);
        default_job_spec(&mut spec);
        spec
    }

    #[test]
    fn unset_completions_and_parallelism_both_become_one() {
        let s = defaulted(|_| {});
        assert_eq!((s.completions, s.parallelism), (Some(1), Some(1)));
    }

    #[test]
    fn unset_parallelism_with_completions_becomes_one() {
        let s = defaulted(|s| s.completions = Some(5));
        assert_eq!((s.completions, s.parallelism), (Some(5), Some(1)));
    }

    #[test]
    fn unset_completions_with_parallelism_stays_null_work_queue() {
        let s = defaulted(|s| s.parallelism = Some(4));
        assert_eq!((s.completions, s.parallelism), (None, Some(4)));
    }

    #[test]
    fn backoff_limit_defaults_to_six() {
        assert_eq!(defaulted(|_| {}).backoff_limit, Some(6));
        assert_eq!(
            defaulted(|s| s.backoff_limit = Some(0)).backoff_limit,
            Some(0)
        );
    }

    #[test]
    fn backoff_limit_defaults_to_max_int32_with_backoff_limit_per_index() {
        let s = defaulted(|s| s.backoff_limit_per_index = Some(1));
        assert_eq!(s.backoff_limit, Some(2_147_483_647));
    }

    #[test]
    fn completion_mode_suspend_manual_selector_default() {
        let s = defaulted(|_| {});
        assert_eq!(s.completion_mode, Some(CompletionMode::NonIndexed));
        assert_eq!(s.suspend, Some(false));
        assert_eq!(s.manual_selector, Some(false));
    }

    #[test]
    fn pod_replacement_policy_is_terminating_or_failed_without_pod_failure_policy() {
        let s = defaulted(|_| {});
        assert_eq!(
            s.pod_replacement_policy,
            Some(PodReplacementPolicy::TerminatingOrFailed)
        );
    }

    #[test]
    fn pod_replacement_policy_is_failed_with_pod_failure_policy() {
        let s = defaulted(|s| s.pod_failure_policy = Some(PodFailurePolicy::default()));
        assert_eq!(s.pod_replacement_policy, Some(PodReplacementPolicy::Failed));
    }

    #[test]
    fn on_pod_conditions_status_defaults_to_true() {
        let s = defaulted(|s| {
            s.pod_failure_policy = Some(PodFailurePolicy {
                rules: vec![PodFailurePolicyRule {
                    action: PodFailurePolicyAction::Ignore,
                    on_exit_codes: None,
                    on_pod_conditions: vec![
                        OnPodConditionsPattern {
                            condition_type: "DisruptionTarget".into(),
                            status: None,
                        },
                        OnPodConditionsPattern {
                            condition_type: "Ready".into(),
                            status: Some("False".into()),
                        },
                    ],
                }],
            })
        });
        let patterns = &s.pod_failure_policy.unwrap().rules[0].on_pod_conditions;
        assert_eq!(patterns[0].status.as_deref(), Some("True"));
        assert_eq!(patterns[1].status.as_deref(), Some("False"));
    }

    #[test]
    fn deadlines_ttl_and_per_index_fields_have_no_default() {
        let s = defaulted(|_| {});
        assert_eq!(s.active_deadline_seconds, None);
        assert_eq!(s.ttl_seconds_after_finished, None);
        assert_eq!(s.backoff_limit_per_index, None);
        assert_eq!(s.max_failed_indexes, None);
        assert_eq!(s.success_policy, None);
    }

    #[test]
    fn termination_grace_period_defaults_to_thirty_seconds() {
        assert_eq!(
            defaulted(|_| {})
                .template
                .spec
                .termination_grace_period_seconds,
            Some(30)
        );
    }

    #[test]
    fn job_without_labels_copies_pod_template_labels() {
        let mut job: Job = yaml_serde::from_str(
            "metadata: {name: a}\nspec: {template: {metadata: {labels: {app: x}}}}",
        )
        .unwrap();
        default_job(&mut job);
        assert_eq!(
            job.metadata.labels.get("app").map(String::as_str),
            Some("x")
        );
    }

    #[test]
    fn job_with_labels_keeps_its_own_labels() {
        let mut job: Job = yaml_serde::from_str(
            "metadata: {name: a, labels: {team: t}}\nspec: {template: {metadata: {labels: {app: x}}}}",
        )
        .unwrap();
        default_job(&mut job);
        assert_eq!(job.metadata.labels.len(), 1);
        assert!(job.metadata.labels.contains_key("team"));
    }

    #[test]
    fn cronjob_defaults_policy_suspend_and_history_limits() {
        let mut cj: CronJob = yaml_serde::from_str("spec: {schedule: '* * * * *'}").unwrap();
        default_cronjob(&mut cj);
        assert_eq!(cj.spec.concurrency_policy, Some(ConcurrencyPolicy::Allow));
        assert_eq!(cj.spec.suspend, Some(false));
        assert_eq!(cj.spec.successful_jobs_history_limit, Some(3));
        assert_eq!(cj.spec.failed_jobs_history_limit, Some(1));
        assert_eq!(cj.spec.starting_deadline_seconds, None);
        assert_eq!(cj.spec.time_zone, None);
        // `SetDefaults_Job` takes a Job: a CronJob's template keeps its Job fields unset
        // (the Jobs created from it are defaulted then); pod-spec defaults apply.
        let template = &cj.spec.job_template.spec;
        assert_eq!(template.backoff_limit, None);
        assert_eq!(template.completions, None);
        assert_eq!(template.parallelism, None);
        assert_eq!(
            template.template.spec.termination_grace_period_seconds,
            Some(30)
        );
    }

    #[test]
    fn pod_requests_default_to_limits_only_where_unset() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        let mut container = Container::default();
        container.resources.limits.insert("cpu".into(), q("2"));
        container.resources.limits.insert("memory".into(), q("1Gi"));
        container.resources.requests.insert("cpu".into(), q("1"));
        let mut spec = PodSpec {
            containers: vec![container],
            ..PodSpec::default()
        };
        default_pod_from_template(&mut spec);
        let requests = &spec.containers[0].resources.requests;
        assert_eq!(requests["cpu"], q("1"));
        assert_eq!(requests["memory"], q("1Gi"));
    }
}
