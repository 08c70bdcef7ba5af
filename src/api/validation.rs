//! API-server validation of Job and CronJob specs (`pkg/apis/batch/validation`;
//! reference job-semantics §1.3, cronjob-semantics §1.8). Each error names the field path
//! and says what is allowed, in Kubernetes' words.

use super::job::JobSpec;

/// One validation failure: the field path (`spec.completions`) and Kubernetes' message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Validates a defaulted Job spec; `prefix` is the path of the spec (`spec` or
/// `spec.jobTemplate.spec`).
pub fn validate_job_spec(spec: &JobSpec, prefix: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let non_negative = [
        ("parallelism", spec.parallelism.map(i64::from)),
        ("completions", spec.completions.map(i64::from)),
        ("activeDeadlineSeconds", spec.active_deadline_seconds),
        ("backoffLimit", spec.backoff_limit.map(i64::from)),
    ];
    for (name, value) in non_negative {
        if value.is_some_and(|v| v < 0) {
            errs.push(FieldError {
                path: format!("{prefix}.{name}"),
                message: "must be greater than or equal to 0".to_string(),
            });
        }
    }
    errs
}
