//! API-server validation of Job and CronJob objects (`pkg/apis/batch/validation`, with the
//! parts of `pkg/apis/core/validation` a pod template needs; reference job-semantics §1.3,
//! cronjob-semantics §1.8 and §3). Each error names the field path and says what is allowed,
//! in Kubernetes' words (`spec.completions: Invalid value: -1: must be greater than or equal
//! to 0`).
//!
//! Validation runs on defaulted objects, reads nothing but the object, and never changes it.
//! It does not parse cron expressions or look up time zones itself: [`validate_schedule_text`]
//! and [`validate_time_zone`] hand `spec.schedule` and `spec.timeZone` to [`crate::cron`].

use std::collections::BTreeSet;
use std::fmt;

use super::cronjob::CronJob;
use super::job::{
    CompletionMode, ExitCodeOperator, Job, JobSpec, OnExitCodesRequirement, OnPodConditionsPattern,
    PodFailurePolicyAction, PodFailurePolicyRule, PodReplacementPolicy, SuccessPolicyRule,
};
use super::lenient::quoted_list;
use super::meta::ObjectMeta;
use super::pod::{Container, PodSpec, PodTemplateSpec, ResourceRequirements, RestartPolicy};
use super::position::FieldPath;

/// Largest `parallelism` of an Indexed Job (`maxParallelismForIndexedJob`).
const MAX_PARALLELISM_FOR_INDEXED_JOB: i32 = 100_000;
/// Largest `maxFailedIndexes` (`maxFailedIndexesForIndexedJob`).
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB: i32 = 100_000;
/// Above this many completions, `backoffLimitPerIndex` needs tighter limits (`completionsSoftLimit`).
const COMPLETIONS_SOFT_LIMIT: i32 = 100_000;
/// `parallelismLimitForHighCompletions` and `maxFailedIndexesLimitForHighCompletions`.
const LIMIT_FOR_HIGH_COMPLETIONS: i32 = 10_000;
/// `maxPodFailurePolicyRules`, `maxPodFailurePolicyOnPodConditionsPatterns`.
const MAX_POD_FAILURE_POLICY_RULES: usize = 20;
const MAX_ON_POD_CONDITIONS_PATTERNS: usize = 20;
/// `maxPodFailurePolicyOnExitCodesValues`.
const MAX_ON_EXIT_CODES_VALUES: usize = 255;
/// `maxSuccessPolicyRule`, `maxJobSuccessPolicySucceededIndexesLimit`.
const MAX_SUCCESS_POLICY_RULES: usize = 20;
const MAX_SUCCEEDED_INDEXES_LEN: usize = 64 * 1024;
/// `maxManagedByLength`.
const MAX_MANAGED_BY_LEN: usize = 63;
/// A CronJob's Jobs are named `<name>-<11 characters>` and must stay DNS labels (63 − 11).
const MAX_CRONJOB_NAME_LEN: usize = 52;
const DNS1123_LABEL_MAX_LEN: usize = 63;
const DNS1123_SUBDOMAIN_MAX_LEN: usize = 253;
const LABEL_VALUE_MAX_LEN: usize = 63;

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// One validation failure: the field path (`spec.completions`) and Kubernetes' message
/// (`Invalid value: -1: must be greater than or equal to 0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: FieldPath,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl FieldError {
    pub fn new(path: FieldPath, message: impl Into<String>) -> FieldError {
        FieldError {
            path,
            message: message.into(),
        }
    }

    /// `Required value`, with an optional detail.
    pub fn required(path: FieldPath, detail: &str) -> FieldError {
        if detail.is_empty() {
            FieldError::new(path, "Required value")
        } else {
            FieldError::new(path, format!("Required value: {detail}"))
        }
    }

    /// `Invalid value: <value>: <detail>`; `value` is already formatted (strings quoted).
    pub fn invalid(path: FieldPath, value: impl fmt::Display, detail: &str) -> FieldError {
        FieldError::new(path, format!("Invalid value: {value}: {detail}"))
    }

    pub fn not_supported(
        path: FieldPath,
        value: impl fmt::Display,
        supported: &[&str],
    ) -> FieldError {
        FieldError::new(
            path,
            format!(
                "Unsupported value: {value}: supported values: {}",
                quoted_list(supported)
            ),
        )
    }

    fn too_many(path: FieldPath, actual: usize, max: usize) -> FieldError {
        FieldError::new(
            path,
            format!("Too many: {actual}: must have at most {max} items"),
        )
    }
}

/// A string as Go's `%q` prints it.
fn q(s: &str) -> String {
    format!("{s:?}")
}

fn non_negative(errs: &mut Vec<FieldError>, path: FieldPath, value: Option<i64>) {
    if let Some(v) = value
        && v < 0
    {
        errs.push(FieldError::invalid(
            path,
            v,
            "must be greater than or equal to 0",
        ));
    }
}

// ---------------------------------------------------------------- Job and CronJob objects

/// Validates a defaulted Job as the API server does on create (`ValidateJob`).
pub fn validate_job(job: &Job) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&job.metadata, &FieldPath::of("metadata"), true);
    let name = &job.metadata.name;
    // The Job strategy adds `batch.kubernetes.io/job-name: <name>` to the pod template, so a
    // name that is not a valid label value fails there.
    if name.len() > LABEL_VALUE_MAX_LEN {
        errs.push(FieldError::invalid(
            FieldPath::of("spec.template.metadata.labels"),
            q(name),
            &format!("must be no more than {LABEL_VALUE_MAX_LEN} characters"),
        ));
    }
    errs.extend(validate_job_spec(&job.spec, &FieldPath::of("spec")));
    if job.spec.is_indexed()
        && let Some(completions) = job.spec.completions.filter(|c| *c > 0)
        && !name.is_empty()
    {
        let hostname = format!("{name}-{}", completions - 1);
        if !dns1123_label_errors(&hostname).is_empty() {
            errs.push(FieldError::invalid(
                FieldPath::of("metadata.name"),
                q(name),
                &format!("will not able to create pod with invalid DNS label: {hostname}"),
            ));
        }
    }
    errs
}

/// jobsim's own limit on Indexed completions: it keeps a few bytes of state per index.
pub const MAX_SIMULATED_INDEXED_COMPLETIONS: i32 = 10_000_000;

/// Validates a defaulted CronJob as the API server does on create (`ValidateCronJobCreate`).
pub fn validate_cronjob(cj: &CronJob) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&cj.metadata, &FieldPath::of("metadata"), true);
    let spec = &cj.spec;
    let path = FieldPath::of("spec");
    errs.extend(
        validate_schedule_text(&spec.schedule, spec.time_zone.as_deref())
            .into_iter()
            .map(|e| FieldError::new(path.join(&e.path), e.message)),
    );
    non_negative(
        &mut errs,
        path.child("startingDeadlineSeconds"),
        spec.starting_deadline_seconds,
    );
    errs.extend(validate_time_zone(
        spec.time_zone.as_deref(),
        &path.child("timeZone"),
    ));
    if spec.concurrency_policy.is_none() {
        errs.push(FieldError::required(path.child("concurrencyPolicy"), ""));
    }
    let template = path.child("jobTemplate");
    errs.extend(validate_object_meta(
        &spec.job_template.metadata,
        &template.child("metadata"),
        false,
    ));
    errs.extend(validate_job_spec(
        &spec.job_template.spec,
        &template.child("spec"),
    ));
    if spec.job_template.spec.manual_selector == Some(true) {
        errs.push(FieldError::not_supported(
            template.child("spec").child("manualSelector"),
            true,
            &["nil", "false"],
        ));
    }
    non_negative(
        &mut errs,
        path.child("successfulJobsHistoryLimit"),
        spec.successful_jobs_history_limit.map(i64::from),
    );
    non_negative(
        &mut errs,
        path.child("failedJobsHistoryLimit"),
        spec.failed_jobs_history_limit.map(i64::from),
    );
    if cj.metadata.name.len() > MAX_CRONJOB_NAME_LEN {
        errs.push(FieldError::invalid(
            FieldPath::of("metadata.name"),
            q(&cj.metadata.name),
            &format!("must be no more than {MAX_CRONJOB_NAME_LEN} characters"),
        ));
    }
    errs
}

/// Checks `spec.schedule` as the API server does on create (`validateScheduleFormat`,
/// cronjob-semantics §1.7–§1.8); paths are relative to the CronJob's `spec`.
///
/// An empty schedule is `Required value`; otherwise it must parse with the robfig/cron v3
/// grammar of [`crate::cron::schedule`] (`Invalid value: "<schedule>": <parser message>`),
/// and must not contain `TZ` (`cannot use TZ or CRON_TZ in schedule, use timeZone field
/// instead`); both errors are reported when both apply. `time_zone` matters only on an
/// update that keeps a grandfathered `TZ` schedule, so on create it is not consulted.
pub fn validate_schedule_text(schedule: &str, time_zone: Option<&str>) -> Vec<FieldError> {
    crate::cron::validation::validate_schedule_field(schedule, time_zone, None)
        .into_iter()
        .map(|(path, message)| {
            let relative = path.strip_prefix("spec.").unwrap_or(&path);
            FieldError::new(FieldPath::of(relative), message)
        })
        .collect()
}

/// `spec.timeZone` (`validateTimeZone`, cronjob-semantics §3), reported at `path`: the one
/// time-zone validator of [`crate::cron::validation::validate_time_zone_field`], so that
/// `jobsim validate` and `jobsim cron --tz` report the same errors.
pub fn validate_time_zone(time_zone: Option<&str>, path: &FieldPath) -> Vec<FieldError> {
    crate::cron::validation::validate_time_zone_field(time_zone)
        .into_iter()
        .map(|(_, message)| FieldError::new(path.clone(), message))
        .collect()
}

// ---------------------------------------------------------------- metadata

/// `ValidateObjectMeta` for the fields jobsim reads. `requires_name` is false for templates.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    path: &FieldPath,
    requires_name: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if requires_name {
        if meta.name.is_empty() {
            if meta.generate_name.is_some() {
                errs.push(FieldError::required(
                    path.child("name"),
                    "jobsim needs a fixed name (generateName is not supported)",
                ));
            } else {
                errs.push(FieldError::required(
                    path.child("name"),
                    "name or generateName is required",
                ));
            }
        } else {
            for msg in dns1123_subdomain_errors(&meta.name) {
                errs.push(FieldError::invalid(path.child("name"), q(&meta.name), &msg));
            }
        }
        if let Some(ns) = &meta.namespace {
            for msg in dns1123_label_errors(ns) {
                errs.push(FieldError::invalid(path.child("namespace"), q(ns), &msg));
            }
        }
    }
    errs.extend(validate_labels(&meta.labels, &path.child("labels")));
    for key in meta.annotations.keys() {
        for msg in qualified_name_errors(&key.to_ascii_lowercase()) {
            errs.push(FieldError::invalid(path.child("annotations"), q(key), &msg));
        }
    }
    errs
}

/// Label keys are qualified names and values are short label values (`ValidateLabels`).
pub fn validate_labels<'a>(
    labels: impl IntoIterator<Item = (&'a String, &'a String)>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (key, value) in labels {
        for msg in qualified_name_errors(key) {
            errs.push(FieldError::invalid(path.clone(), q(key), &msg));
        }
        for msg in label_value_errors(value) {
            errs.push(FieldError::invalid(path.clone(), q(value), &msg));
        }
    }
    errs
}

fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// `IsDNS1123Label`: the messages for `s`, none when valid.
pub fn dns1123_label_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX_LEN {
        errs.push(format!(
            "must be no more than {DNS1123_LABEL_MAX_LEN} characters"
        ));
    }
    if !is_dns1123_label(s) {
        if s.split('.').all(is_dns1123_label) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(DNS1123_LABEL_MSG.to_string());
        }
    }
    errs
}

/// `IsDNS1123Subdomain`: the messages for `s`, none when valid.
pub fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX_LEN {
        errs.push(format!(
            "must be no more than {DNS1123_SUBDOMAIN_MAX_LEN} characters"
        ));
    }
    if !s.split('.').all(is_dns1123_label) {
        errs.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    errs
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, the name part of a qualified name.
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `IsQualifiedName`: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63
/// characters.
pub fn qualified_name_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!("{QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')").replacen("name part must", "a qualified name must", 1));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !name.is_empty() && !is_qualified_name_part(name) {
        errs.push(QUALIFIED_NAME_MSG.to_string());
    }
    errs
}

/// `IsValidLabelValue`.
pub fn label_value_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > LABEL_VALUE_MAX_LEN {
        errs.push(format!(
            "must be no more than {LABEL_VALUE_MAX_LEN} characters"
        ));
    }
    if !s.is_empty() && !is_qualified_name_part(s) {
        errs.push(LABEL_VALUE_MSG.to_string());
    }
    errs
}

// ---------------------------------------------------------------- Job spec

/// Validates a defaulted Job spec (`validateJobSpec`); `path` is `spec` or
/// `spec.jobTemplate.spec`.
pub fn validate_job_spec(spec: &JobSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let at = |name: &str| path.child(name);
    non_negative(
        &mut errs,
        at("parallelism"),
        spec.parallelism.map(i64::from),
    );
    non_negative(
        &mut errs,
        at("completions"),
        spec.completions.map(i64::from),
    );
    non_negative(
        &mut errs,
        at("activeDeadlineSeconds"),
        spec.active_deadline_seconds,
    );
    non_negative(
        &mut errs,
        at("backoffLimit"),
        spec.backoff_limit.map(i64::from),
    );
    non_negative(
        &mut errs,
        at("ttlSecondsAfterFinished"),
        spec.ttl_seconds_after_finished.map(i64::from),
    );
    non_negative(
        &mut errs,
        at("backoffLimitPerIndex"),
        spec.backoff_limit_per_index.map(i64::from),
    );
    if let Some(max_failed) = spec.max_failed_indexes {
        non_negative(
            &mut errs,
            at("maxFailedIndexes"),
            Some(i64::from(max_failed)),
        );
        if spec.backoff_limit_per_index.is_none() {
            errs.push(FieldError::required(
                at("backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            ));
        }
    }
    if let Some(managed_by) = &spec.managed_by {
        errs.extend(validate_managed_by(managed_by, &at("managedBy")));
    }
    match spec.completion_mode {
        Some(CompletionMode::Indexed) => errs.extend(validate_indexed(spec, path)),
        Some(CompletionMode::NonIndexed) | None => {
            if let Some(v) = spec.backoff_limit_per_index {
                errs.push(FieldError::invalid(
                    at("backoffLimitPerIndex"),
                    v,
                    "requires indexed completion mode",
                ));
            }
            if let Some(v) = spec.max_failed_indexes {
                errs.push(FieldError::invalid(
                    at("maxFailedIndexes"),
                    v,
                    "requires indexed completion mode",
                ));
            }
        }
    }
    if spec.pod_failure_policy.is_some() {
        errs.extend(validate_pod_failure_policy(spec, &at("podFailurePolicy")));
    }
    if spec.is_indexed()
        && let Some(c) = spec
            .completions
            .filter(|&c| c > MAX_SIMULATED_INDEXED_COMPLETIONS)
    {
        // Not a Kubernetes rule: jobsim keeps per-index state for every index.
        errs.push(FieldError::invalid(
            at("completions"),
            c.to_string(),
            &format!(
                "jobsim simulates Indexed Jobs of at most {MAX_SIMULATED_INDEXED_COMPLETIONS} completions (Kubernetes itself allows more)"
            ),
        ));
    }
    if let Some(policy) = &spec.success_policy {
        if spec.is_indexed() {
            errs.extend(validate_success_policy(
                spec,
                &policy.rules,
                &at("successPolicy"),
            ));
        } else {
            errs.push(FieldError::invalid(
                at("successPolicy"),
                json(policy),
                "requires indexed completion mode",
            ));
        }
    }
    if spec.pod_failure_policy.is_some()
        && let Some(policy) = spec.pod_replacement_policy
        && policy != PodReplacementPolicy::Failed
    {
        errs.push(FieldError::not_supported(
            at("podReplacementPolicy"),
            q("TerminatingOrFailed"),
            &["Failed"],
        ));
    }
    let template = at("template");
    errs.extend(validate_pod_template(&spec.template, &template));
    let restart_path = template.child("spec").child("restartPolicy");
    // The API server defaults an unset restartPolicy to Always before validating, so both
    // read as "Required value" (`validateJobSpec`).
    match spec.template.spec.restart_policy {
        None | Some(RestartPolicy::Always) => errs.push(FieldError::required(
            restart_path,
            &format!("valid values: {:?}, {:?}", "OnFailure", "Never"),
        )),
        Some(RestartPolicy::OnFailure) if spec.pod_failure_policy.is_some() => {
            errs.push(FieldError::invalid(
                restart_path,
                q("OnFailure"),
                "only \"Never\" is supported when podFailurePolicy is specified",
            ))
        }
        Some(_) => {}
    }
    errs
}

/// A value as the API server prints a structured bad value (JSON).
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{...}".to_string())
}

/// `IsDomainPrefixedPath` and the 63-character limit of `spec.managedBy`.
fn validate_managed_by(managed_by: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match managed_by.split_once('/') {
        Some((host, rest)) if !host.is_empty() && !rest.is_empty() => {
            for msg in dns1123_subdomain_errors(host) {
                errs.push(FieldError::invalid(path.clone(), q(host), &msg));
            }
            let path_ok = rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:@".contains(c));
            if !path_ok {
                errs.push(FieldError::invalid(path.clone(), q(rest), "Invalid path"));
            }
        }
        _ => errs.push(FieldError::invalid(
            path.clone(),
            q(managed_by),
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        )),
    }
    if managed_by.len() > MAX_MANAGED_BY_LEN {
        errs.push(FieldError::new(
            path.clone(),
            format!("Too long: may not be more than {MAX_MANAGED_BY_LEN} bytes"),
        ));
    }
    errs
}

/// The rules that apply only to Indexed Jobs.
fn validate_indexed(spec: &JobSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let at = |name: &str| path.child(name);
    if spec.completions.is_none() {
        errs.push(FieldError::required(
            at("completions"),
            "when completion mode is Indexed",
        ));
    }
    if let Some(p) = spec.parallelism
        && p > MAX_PARALLELISM_FOR_INDEXED_JOB
    {
        errs.push(FieldError::invalid(
            at("parallelism"),
            p,
            &format!(
                "must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed"
            ),
        ));
    }
    if let (Some(c), Some(m)) = (spec.completions, spec.max_failed_indexes)
        && m > c
    {
        errs.push(FieldError::invalid(
            at("maxFailedIndexes"),
            m,
            "must be less than or equal to completions",
        ));
    }
    if let Some(m) = spec.max_failed_indexes
        && m > MAX_FAILED_INDEXES_FOR_INDEXED_JOB
    {
        errs.push(FieldError::invalid(
            at("maxFailedIndexes"),
            m,
            &format!("must be less than or equal to {MAX_FAILED_INDEXES_FOR_INDEXED_JOB}"),
        ));
    }
    if spec.completions.is_some_and(|c| c > COMPLETIONS_SOFT_LIMIT)
        && spec.backoff_limit_per_index.is_some()
    {
        let suffix = format!(
            "when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        );
        match spec.max_failed_indexes {
            None => errs.push(FieldError::required(
                at("maxFailedIndexes"),
                &format!("must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"),
            )),
            Some(m) if m > LIMIT_FOR_HIGH_COMPLETIONS => errs.push(FieldError::invalid(
                at("maxFailedIndexes"),
                m,
                &format!("must be less than or equal to {LIMIT_FOR_HIGH_COMPLETIONS} {suffix}"),
            )),
            Some(_) => {}
        }
        if let Some(p) = spec.parallelism
            && p > LIMIT_FOR_HIGH_COMPLETIONS
        {
            errs.push(FieldError::invalid(
                at("parallelism"),
                p,
                &format!("must be less than or equal to {LIMIT_FOR_HIGH_COMPLETIONS} {suffix}"),
            ));
        }
    }
    errs
}

// ---------------------------------------------------------------- podFailurePolicy

fn validate_pod_failure_policy(spec: &JobSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(policy) = &spec.pod_failure_policy else {
        return errs;
    };
    let rules_path = path.child("rules");
    if policy.rules.len() > MAX_POD_FAILURE_POLICY_RULES {
        errs.push(FieldError::too_many(
            rules_path.clone(),
            policy.rules.len(),
            MAX_POD_FAILURE_POLICY_RULES,
        ));
    }
    let pod = &spec.template.spec;
    let container_names: BTreeSet<&str> = pod
        .containers
        .iter()
        .chain(&pod.init_containers)
        .map(|c| c.name.as_str())
        .collect();
    for (i, rule) in policy.rules.iter().enumerate() {
        errs.extend(validate_pod_failure_policy_rule(
            spec,
            rule,
            &rules_path.index(i),
            &container_names,
        ));
    }
    errs
}

fn validate_pod_failure_policy_rule(
    spec: &JobSpec,
    rule: &PodFailurePolicyRule,
    path: &FieldPath,
    container_names: &BTreeSet<&str>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if rule.action == PodFailurePolicyAction::FailIndex && spec.backoff_limit_per_index.is_none() {
        errs.push(FieldError::invalid(
            path.child("action"),
            q("FailIndex"),
            "requires the backoffLimitPerIndex to be set",
        ));
    }
    if let Some(on_exit_codes) = &rule.on_exit_codes {
        errs.extend(validate_on_exit_codes(
            on_exit_codes,
            &path.child("onExitCodes"),
            container_names,
        ));
    }
    if !rule.on_pod_conditions.is_empty() {
        errs.extend(validate_on_pod_conditions(
            &rule.on_pod_conditions,
            &path.child("onPodConditions"),
        ));
    }
    match (
        rule.on_exit_codes.is_some(),
        !rule.on_pod_conditions.is_empty(),
    ) {
        (true, true) => errs.push(FieldError::new(
            path.clone(),
            "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
        )),
        (false, false) => errs.push(FieldError::new(
            path.clone(),
            "Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
        )),
        _ => {}
    }
    errs
}

fn validate_on_exit_codes(
    req: &OnExitCodesRequirement,
    path: &FieldPath,
    container_names: &BTreeSet<&str>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(name) = &req.container_name
        && !container_names.contains(name.as_str())
    {
        errs.push(FieldError::invalid(
            path.child("containerName"),
            q(name),
            "must be one of the container or initContainer names in the pod template",
        ));
    }
    let values_path = path.child("values");
    let values_repr = format!(
        "[]int32{{{}}}",
        req.values
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if req.values.is_empty() {
        errs.push(FieldError::invalid(
            values_path.clone(),
            &values_repr,
            "at least one value is required",
        ));
    } else if req.values.len() > MAX_ON_EXIT_CODES_VALUES {
        errs.push(FieldError::too_many(
            values_path.clone(),
            req.values.len(),
            MAX_ON_EXIT_CODES_VALUES,
        ));
    }
    let mut seen = BTreeSet::new();
    let mut ordered = true;
    for (j, &v) in req.values.iter().enumerate() {
        let value_path = values_path.index(j);
        if req.operator == ExitCodeOperator::In && v == 0 {
            errs.push(FieldError::invalid(
                value_path.clone(),
                v,
                "must not be 0 for the In operator",
            ));
        }
        if !seen.insert(v) {
            errs.push(FieldError::new(value_path, format!("Duplicate value: {v}")));
        }
        if j > 0 && req.values[j - 1] > v {
            ordered = false;
        }
    }
    if !ordered {
        errs.push(FieldError::invalid(
            values_path,
            &values_repr,
            "must be ordered",
        ));
    }
    errs
}

fn validate_on_pod_conditions(
    patterns: &[OnPodConditionsPattern],
    path: &FieldPath,
) -> Vec<FieldError> {
    const STATUSES: &[&str] = &["False", "True", "Unknown"];
    let mut errs = Vec::new();
    if patterns.len() > MAX_ON_POD_CONDITIONS_PATTERNS {
        errs.push(FieldError::too_many(
            path.clone(),
            patterns.len(),
            MAX_ON_POD_CONDITIONS_PATTERNS,
        ));
    }
    for (j, pattern) in patterns.iter().enumerate() {
        let pattern_path = path.index(j);
        if pattern.condition_type.is_empty() {
            errs.push(FieldError::required(pattern_path.child("type"), ""));
        } else {
            for msg in qualified_name_errors(&pattern.condition_type) {
                errs.push(FieldError::invalid(
                    pattern_path.child("type"),
                    q(&pattern.condition_type),
                    &msg,
                ));
            }
        }
        match pattern.status.as_deref() {
            None | Some("") => errs.push(FieldError::required(
                pattern_path.child("status"),
                &format!(
                    "valid values: [{}]",
                    quoted_list(STATUSES).replace(", ", " ")
                ),
            )),
            Some(s) if !STATUSES.contains(&s) => errs.push(FieldError::not_supported(
                pattern_path.child("status"),
                q(s),
                STATUSES,
            )),
            Some(_) => {}
        }
    }
    errs
}

// ---------------------------------------------------------------- successPolicy

fn validate_success_policy(
    spec: &JobSpec,
    rules: &[SuccessPolicyRule],
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rules_path = path.child("rules");
    if rules.is_empty() {
        errs.push(FieldError::required(
            rules_path.clone(),
            "at least one rules must be specified when the successPolicy is specified",
        ));
    }
    if rules.len() > MAX_SUCCESS_POLICY_RULES {
        errs.push(FieldError::too_many(
            rules_path.clone(),
            rules.len(),
            MAX_SUCCESS_POLICY_RULES,
        ));
    }
    // Indexed Jobs without completions were reported already; 0 keeps every index invalid.
    let completions = spec.completions.unwrap_or(0);
    for (i, rule) in rules.iter().enumerate() {
        let rule_path = rules_path.index(i);
        if rule.succeeded_count.is_none() && rule.succeeded_indexes.is_none() {
            errs.push(FieldError::required(
                rule_path.clone(),
                "at least one of succeededCount or succeededIndexes must be specified",
            ));
        }
        let mut total_indexes = 0;
        if let Some(indexes) = &rule.succeeded_indexes {
            let p = rule_path.child("succeededIndexes");
            if indexes.len() > MAX_SUCCEEDED_INDEXES_LEN {
                errs.push(FieldError::new(
                    p.clone(),
                    format!("Too long: may not be more than {MAX_SUCCEEDED_INDEXES_LEN} bytes"),
                ));
            }
            match count_indexes(indexes, completions) {
                Ok(n) => total_indexes = n,
                Err(e) => errs.push(FieldError::invalid(
                    p,
                    q(indexes),
                    &format!("error parsing succeededIndexes: {e}"),
                )),
            }
        }
        if let Some(count) = rule.succeeded_count {
            let p = rule_path.child("succeededCount");
            non_negative(&mut errs, p.clone(), Some(i64::from(count)));
            if count > completions {
                errs.push(FieldError::invalid(
                    p.clone(),
                    count,
                    &format!(
                        "must be less than or equal to {completions} (the number of specified completions)"
                    ),
                ));
            }
            if rule.succeeded_indexes.is_some() && i64::from(count) > total_indexes {
                errs.push(FieldError::invalid(
                    p,
                    count,
                    &format!(
                        "must be less than or equal to {total_indexes} (the number of indexes in the specified succeededIndexes field)"
                    ),
                ));
            }
        }
    }
    errs
}

/// Counts the indexes of an interval list (`1,3-5`), checking it as `validateIndexesFormat`
/// does: each index below `completions`, intervals increasing and not overlapping.
pub fn count_indexes(text: &str, completions: i32) -> Result<i64, String> {
    if text.is_empty() {
        return Ok(0);
    }
    let mut last: Option<i64> = None;
    let mut total = 0;
    for interval in text.split(',') {
        let (x, y) = parse_index_interval(interval, completions)?;
        if let Some(prev) = last
            && prev >= x
        {
            return Err(format!(
                "non-increasing order, previous: {prev}, current: {x}"
            ));
        }
        total += y - x + 1;
        last = Some(y);
    }
    Ok(total)
}

fn parse_index_interval(interval: &str, completions: i32) -> Result<(i64, i64), String> {
    let limits: Vec<&str> = interval.split('-').collect();
    if limits.len() > 2 {
        return Err(format!(
            "the fragment {interval:?} violates the requirement that an index interval can have at most two parts separated by '-'"
        ));
    }
    let parse = |s: &str| -> Result<i64, String> {
        let v: i64 = s
            .parse()
            .map_err(|_| format!("cannot convert string to integer for index: {s:?}"))?;
        if v >= i64::from(completions) {
            return Err(format!("too large index: {s:?}"));
        }
        Ok(v)
    };
    let x = parse(limits[0])?;
    match limits.get(1) {
        None => Ok((x, x)),
        Some(s) => {
            let y = parse(s)?;
            if x >= y {
                return Err(format!("non-increasing order, previous: {x}, current: {y}"));
            }
            Ok((x, y))
        }
    }
}

// ---------------------------------------------------------------- pod template

/// The parts of `ValidatePodTemplateSpec` that concern fields jobsim reads.
pub fn validate_pod_template(template: &PodTemplateSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&template.metadata, &path.child("metadata"), false);
    errs.extend(validate_pod_spec(&template.spec, &path.child("spec")));
    errs
}

fn validate_pod_spec(spec: &PodSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    if spec.containers.is_empty() {
        errs.push(FieldError::required(path.child("containers"), ""));
    }
    for (field, list) in [
        ("initContainers", &spec.init_containers),
        ("containers", &spec.containers),
    ] {
        for (i, container) in list.iter().enumerate() {
            errs.extend(validate_container(
                container,
                &path.child(field).index(i),
                &mut names,
            ));
        }
    }
    if let Some(seconds) = spec.active_deadline_seconds
        && !(1..=i64::from(i32::MAX)).contains(&seconds)
    {
        errs.push(FieldError::invalid(
            path.child("activeDeadlineSeconds"),
            seconds,
            "must be between 1 and 2147483647, inclusive",
        ));
    }
    non_negative(
        &mut errs,
        path.child("terminationGracePeriodSeconds"),
        spec.termination_grace_period_seconds,
    );
    errs.extend(validate_labels(
        &spec.node_selector,
        &path.child("nodeSelector"),
    ));
    for (i, toleration) in spec.tolerations.iter().enumerate() {
        let p = path.child("tolerations").index(i);
        if let Some(op) = toleration.operator.as_deref()
            && !matches!(op, "Equal" | "Exists")
        {
            errs.push(FieldError::not_supported(
                p.child("operator"),
                q(op),
                &["Equal", "Exists"],
            ));
        }
        if let Some(effect) = toleration.effect.as_deref()
            && !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            errs.push(FieldError::not_supported(
                p.child("effect"),
                q(effect),
                &["NoExecute", "NoSchedule", "PreferNoSchedule"],
            ));
        }
        if toleration.toleration_seconds.is_some()
            && toleration.effect.as_deref() != Some("NoExecute")
        {
            errs.push(FieldError::invalid(
                p.child("effect"),
                q(toleration.effect.as_deref().unwrap_or("")),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
    }
    errs
}

fn validate_container<'a>(
    container: &'a Container,
    path: &FieldPath,
    names: &mut BTreeSet<&'a str>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = container.name.as_str();
    if name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    } else {
        for msg in dns1123_label_errors(name) {
            errs.push(FieldError::invalid(path.child("name"), q(name), &msg));
        }
        if !names.insert(name) {
            errs.push(FieldError::new(
                path.child("name"),
                format!("Duplicate value: {}", q(name)),
            ));
        }
    }
    match container.image.as_deref() {
        None | Some("") => errs.push(FieldError::required(path.child("image"), "")),
        Some(image) if image.trim() != image => errs.push(FieldError::invalid(
            path.child("image"),
            q(image),
            "must not have leading or trailing whitespace",
        )),
        Some(_) => {}
    }
    for (i, env) in container.env.iter().enumerate() {
        if env.name.is_empty() {
            errs.push(FieldError::required(
                path.child("env").index(i).child("name"),
                "",
            ));
        }
    }
    errs.extend(validate_resources(
        &container.resources,
        &path.child("resources"),
    ));
    errs
}

/// Resource names a container may request without a domain prefix.
fn is_standard_container_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
}

/// `ValidateResourceRequirements`: known names, non-negative quantities, requests ≤ limits.
fn validate_resources(res: &ResourceRequirements, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (field, map) in [("limits", &res.limits), ("requests", &res.requests)] {
        for (name, quantity) in map {
            let p = path.child(field).key(name);
            if !name.contains('/') && !is_standard_container_resource(name) {
                errs.push(FieldError::invalid(
                    p.clone(),
                    q(name),
                    "must be a standard resource for containers",
                ));
            }
            if quantity.milli() < 0 {
                errs.push(FieldError::invalid(
                    p,
                    q(quantity.as_str()),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    for (name, request) in &res.requests {
        if let Some(limit) = res.limits.get(name)
            && request.milli() > limit.milli()
        {
            errs.push(FieldError::invalid(
                path.child("requests"),
                q(request.as_str()),
                &format!(
                    "must be less than or equal to {name} limit of {}",
                    limit.as_str()
                ),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests;
