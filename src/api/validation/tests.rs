//! One test per validation rule (job-semantics §1.3, cronjob-semantics §1.8, §3), through the
//! loader so that the field paths and messages are the ones users see.

use std::path::Path;

use super::*;
use crate::api::load::{ManifestError, load_manifests_str};

/// A valid Job with `extra` spliced into its spec (lines indented by two spaces).
fn job(extra: &str) -> String {
    job_named("demo", extra, "Never")
}

fn job_named(name: &str, extra: &str, restart: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n{extra}  template:\n    spec:\n      restartPolicy: {restart}\n      containers:\n      - name: main\n        image: busybox\n"
    )
}

fn cronjob(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n{extra}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - {{name: main, image: busybox}}\n"
    )
}

/// The messages (without file:line:col) of every problem, or none when the text loads.
fn messages(yaml: &str) -> Vec<String> {
    match load_manifests_str(yaml, Path::new("m.yaml")) {
        Ok(_) => Vec::new(),
        Err(ManifestError::Invalid { problems, .. }) => {
            problems.into_iter().map(|p| p.message).collect()
        }
        Err(e) => panic!("{e}"),
    }
}

fn assert_only(yaml: &str, want: &str) {
    assert_eq!(messages(yaml), [want]);
}

fn assert_valid(yaml: &str) {
    assert_eq!(messages(yaml), Vec::<String>::new());
}

#[test]
fn negative_counts_are_rejected() {
    for field in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        assert_only(
            &job(&format!("  {field}: -1\n")),
            &format!("spec.{field}: Invalid value: -1: must be greater than or equal to 0"),
        );
    }
}

#[test]
fn zero_counts_are_valid() {
    assert_valid(&job(
        "  parallelism: 0\n  completions: 0\n  activeDeadlineSeconds: 0\n  backoffLimit: 0\n  ttlSecondsAfterFinished: 0\n",
    ));
}

#[test]
fn restart_policy_always_is_rejected() {
    // Upstream reports Always (and unset, which defaults to Always) as "Required value".
    assert_only(
        &job_named("demo", "", "Always"),
        "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
    );
}

#[test]
fn missing_restart_policy_is_required() {
    let text = job("").replace("      restartPolicy: Never\n", "");
    assert_only(
        &text,
        "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
    );
}

#[test]
fn restart_policy_on_failure_is_valid() {
    assert_valid(&job_named("demo", "", "OnFailure"));
}

#[test]
fn indexed_requires_completions() {
    assert_only(
        &job("  parallelism: 2\n  completionMode: Indexed\n"),
        "spec.completions: Required value: when completion mode is Indexed",
    );
}

#[test]
fn unknown_completion_mode_is_unsupported() {
    assert_only(
        &job("  completionMode: Ordered\n"),
        "spec.completionMode: Unsupported value: \"Ordered\": supported values: \"NonIndexed\", \"Indexed\"",
    );
}

#[test]
fn indexed_parallelism_above_100000_is_rejected() {
    assert_only(
        &job("  completions: 5\n  parallelism: 100001\n  completionMode: Indexed\n"),
        "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed",
    );
    assert_valid(&job(
        "  completions: 5\n  parallelism: 100000\n  completionMode: Indexed\n",
    ));
}

#[test]
fn indexed_last_pod_hostname_must_be_a_dns_label() {
    let name = "a".repeat(60);
    assert_only(
        &job_named(
            &name,
            "  completions: 1000\n  completionMode: Indexed\n",
            "Never",
        ),
        &format!(
            "metadata.name: Invalid value: \"{name}\": will not able to create pod with invalid DNS label: {name}-999"
        ),
    );
    assert_valid(&job_named(
        &name,
        "  completions: 100\n  completionMode: Indexed\n",
        "Never",
    ));
}

#[test]
fn backoff_limit_per_index_requires_indexed() {
    assert_only(
        &job("  backoffLimitPerIndex: 1\n"),
        "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
    );
}

#[test]
fn max_failed_indexes_requires_backoff_limit_per_index_and_indexed() {
    assert_eq!(
        messages(&job("  maxFailedIndexes: 1\n")),
        [
            "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
            "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode",
        ]
    );
}

#[test]
fn max_failed_indexes_at_most_completions() {
    assert_only(
        &job(
            "  completions: 3\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 4\n",
        ),
        "spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions",
    );
}

#[test]
fn high_completions_with_per_index_backoff_need_max_failed_indexes() {
    assert_eq!(
        messages(&job(
            "  completions: 100001\n  parallelism: 10001\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n"
        )),
        [
            "spec.maxFailedIndexes: Required value: must be specified when completions is above 100000",
            "spec.parallelism: Invalid value: 10001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index",
        ]
    );
}

const PFP_NEVER: &str = "  podFailurePolicy:\n    rules:\n";

#[test]
fn pod_failure_policy_requires_restart_policy_never() {
    let text = job_named(
        "demo",
        &format!(
            "{PFP_NEVER}    - action: FailJob\n      onExitCodes: {{operator: In, values: [42]}}\n"
        ),
        "OnFailure",
    );
    assert_only(
        &text,
        "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified",
    );
}

#[test]
fn pod_failure_policy_rule_needs_exactly_one_requirement() {
    assert_only(
        &job(&format!("{PFP_NEVER}    - action: Ignore\n")),
        "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
    );
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: Ignore\n      onExitCodes: {{operator: In, values: [1]}}\n      onPodConditions: [{{type: DisruptionTarget}}]\n"
        )),
        "spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
    );
}

#[test]
fn pod_failure_policy_at_most_20_rules() {
    let rules =
        "    - action: Ignore\n      onPodConditions: [{type: DisruptionTarget}]\n".repeat(21);
    assert_only(
        &job(&format!("{PFP_NEVER}{rules}")),
        "spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items",
    );
}

#[test]
fn fail_index_requires_backoff_limit_per_index() {
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: FailIndex\n      onExitCodes: {{operator: In, values: [1]}}\n"
        )),
        "spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set",
    );
}

#[test]
fn unknown_action_is_unsupported() {
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: Retry\n      onExitCodes: {{operator: In, values: [1]}}\n"
        )),
        "spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
    );
}

#[test]
fn exit_code_values_rules() {
    let rule = |values: &str| {
        job(&format!(
            "{PFP_NEVER}    - action: FailJob\n      onExitCodes: {{operator: In, values: {values}}}\n"
        ))
    };
    let base = "spec.podFailurePolicy.rules[0].onExitCodes.values";
    assert_only(
        &rule("[]"),
        &format!("{base}: Invalid value: []int32{{}}: at least one value is required"),
    );
    assert_only(
        &rule("[0, 1]"),
        &format!("{base}[0]: Invalid value: 0: must not be 0 for the In operator"),
    );
    assert_only(&rule("[1, 1]"), &format!("{base}[1]: Duplicate value: 1"));
    assert_only(
        &rule("[3, 2]"),
        &format!("{base}: Invalid value: []int32{{3, 2}}: must be ordered"),
    );
    let many: Vec<String> = (1..=256).map(|i| i.to_string()).collect();
    assert_only(
        &rule(&format!("[{}]", many.join(", "))),
        &format!("{base}: Too many: 256: must have at most 255 items"),
    );
}

#[test]
fn exit_code_zero_is_allowed_with_not_in() {
    assert_valid(&job(&format!(
        "{PFP_NEVER}    - action: Ignore\n      onExitCodes: {{operator: NotIn, values: [0]}}\n"
    )));
}

#[test]
fn unknown_exit_code_operator_is_unsupported() {
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: Ignore\n      onExitCodes: {{operator: Is, values: [1]}}\n"
        )),
        "spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: \"Is\": supported values: \"In\", \"NotIn\"",
    );
}

#[test]
fn exit_code_container_name_must_exist() {
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: Ignore\n      onExitCodes: {{containerName: other, operator: In, values: [1]}}\n"
        )),
        "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"other\": must be one of the container or initContainer names in the pod template",
    );
}

#[test]
fn on_pod_conditions_status_must_be_true_false_or_unknown() {
    assert_only(
        &job(&format!(
            "{PFP_NEVER}    - action: Ignore\n      onPodConditions: [{{type: DisruptionTarget, status: Maybe}}]\n"
        )),
        "spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
    );
}

#[test]
fn pod_replacement_policy_must_be_failed_with_pod_failure_policy() {
    assert_only(
        &job(&format!(
            "  podReplacementPolicy: TerminatingOrFailed\n{PFP_NEVER}    - action: Ignore\n      onPodConditions: [{{type: DisruptionTarget}}]\n"
        )),
        "spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\"",
    );
}

#[test]
fn unknown_pod_replacement_policy_is_unsupported() {
    assert_only(
        &job("  podReplacementPolicy: Sometimes\n"),
        "spec.podReplacementPolicy: Unsupported value: \"Sometimes\": supported values: \"Failed\", \"TerminatingOrFailed\"",
    );
}

const INDEXED: &str = "  completions: 5\n  completionMode: Indexed\n";

#[test]
fn success_policy_requires_indexed() {
    let msgs = messages(&job("  successPolicy:\n    rules: [{succeededCount: 1}]\n"));
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].starts_with("spec.successPolicy: Invalid value: {")
            && msgs[0].ends_with("}: requires indexed completion mode"),
        "{msgs:?}"
    );
}

#[test]
fn success_policy_needs_rules_with_a_criterion() {
    assert_only(
        &job(&format!("{INDEXED}  successPolicy:\n    rules: []\n")),
        "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified",
    );
    assert_only(
        &job(&format!("{INDEXED}  successPolicy:\n    rules: [{{}}]\n")),
        "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified",
    );
}

#[test]
fn succeeded_indexes_must_be_within_completions() {
    assert_only(
        &job(&format!(
            "{INDEXED}  successPolicy:\n    rules: [{{succeededIndexes: \"0,3-5\"}}]\n"
        )),
        "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"0,3-5\": error parsing succeededIndexes: too large index: \"5\"",
    );
    assert_valid(&job(&format!(
        "{INDEXED}  successPolicy:\n    rules: [{{succeededIndexes: \"0,2-4\", succeededCount: 4}}]\n"
    )));
}

#[test]
fn succeeded_count_at_most_completions_and_indexes() {
    assert_only(
        &job(&format!(
            "{INDEXED}  successPolicy:\n    rules: [{{succeededCount: 6}}]\n"
        )),
        "spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)",
    );
    assert_only(
        &job(&format!(
            "{INDEXED}  successPolicy:\n    rules: [{{succeededIndexes: \"1-2\", succeededCount: 3}}]\n"
        )),
        "spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)",
    );
}

#[test]
fn count_indexes_follows_upstream_interval_rules() {
    assert_eq!(count_indexes("", 3), Ok(0));
    assert_eq!(count_indexes("0,2-4", 5), Ok(4));
    assert_eq!(
        count_indexes("2,1", 5),
        Err("non-increasing order, previous: 2, current: 1".to_string())
    );
    assert_eq!(
        count_indexes("3-3", 5),
        Err("non-increasing order, previous: 3, current: 3".to_string())
    );
    assert_eq!(
        count_indexes("1-2-3", 5),
        Err("the fragment \"1-2-3\" violates the requirement that an index interval can have at most two parts separated by '-'".to_string())
    );
    assert_eq!(
        count_indexes("x", 5),
        Err("cannot convert string to integer for index: \"x\"".to_string())
    );
}

#[test]
fn metadata_name_is_required() {
    assert_only(
        &job("").replace("  name: demo\n", ""),
        "metadata.name: Required value: name or generateName is required",
    );
}

#[test]
fn metadata_name_must_be_a_dns_subdomain() {
    let msgs = messages(&job_named("Demo_1", "", "Never"));
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].starts_with("metadata.name: Invalid value: \"Demo_1\": a lowercase RFC 1123 subdomain must consist of"),
        "{msgs:?}"
    );
    assert_valid(&job_named("demo.v1", "", "Never"));
}

#[test]
fn job_name_longer_than_63_breaks_the_job_name_label() {
    let name = "a".repeat(64);
    assert_only(
        &job_named(&name, "", "Never"),
        &format!(
            "spec.template.metadata.labels: Invalid value: \"{name}\": must be no more than 63 characters"
        ),
    );
}

#[test]
fn cronjob_name_at_most_52_characters() {
    let name = "c".repeat(53);
    assert_only(
        &cronjob(&name, "  schedule: \"* * * * *\"\n"),
        &format!("metadata.name: Invalid value: \"{name}\": must be no more than 52 characters"),
    );
    assert_valid(&cronjob(&"c".repeat(52), "  schedule: \"* * * * *\"\n"));
}

#[test]
fn container_name_required_unique_and_dns_label() {
    let with_containers = |containers: &str| {
        job("").replace(
            "      containers:\n      - name: main\n        image: busybox\n",
            containers,
        )
    };
    assert_only(
        &with_containers("      containers: [{image: busybox}]\n"),
        "spec.template.spec.containers[0].name: Required value",
    );
    assert_only(
        &with_containers(
            "      containers: [{name: a, image: busybox}, {name: a, image: busybox}]\n",
        ),
        "spec.template.spec.containers[1].name: Duplicate value: \"a\"",
    );
    assert_only(
        &with_containers(
            "      initContainers: [{name: a, image: busybox}]\n      containers: [{name: a, image: busybox}]\n",
        ),
        "spec.template.spec.containers[0].name: Duplicate value: \"a\"",
    );
    let msgs = messages(&with_containers(
        "      containers: [{name: Main, image: busybox}]\n",
    ));
    assert!(
        msgs.len() == 1
            && msgs[0].starts_with("spec.template.spec.containers[0].name: Invalid value: \"Main\": a lowercase RFC 1123 label"),
        "{msgs:?}"
    );
    assert_only(
        &with_containers("      containers: []\n"),
        "spec.template.spec.containers: Required value",
    );
}

#[test]
fn container_image_is_required() {
    assert_only(
        &job("").replace("        image: busybox\n", ""),
        "spec.template.spec.containers[0].image: Required value",
    );
}

#[test]
fn requests_must_not_exceed_limits() {
    let text = job("").replace(
        "        image: busybox\n",
        "        image: busybox\n        resources:\n          requests: {cpu: \"2\", memory: 64Mi}\n          limits: {cpu: \"1\", memory: 64Mi}\n",
    );
    assert_only(
        &text,
        "spec.template.spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
    );
}

#[test]
fn unknown_unprefixed_resource_name_is_rejected() {
    let text = job("").replace(
        "        image: busybox\n",
        "        image: busybox\n        resources:\n          requests: {gpu: \"1\", example.com/gpu: \"1\"}\n",
    );
    assert_only(
        &text,
        "spec.template.spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
    );
}

#[test]
fn invalid_label_value_is_rejected() {
    let text = job("").replace(
        "  name: demo\n",
        "  name: demo\n  labels: {app: \"bad value\"}\n",
    );
    let msgs = messages(&text);
    assert!(
        msgs.len() == 1
            && msgs[0].starts_with(
                "metadata.labels: Invalid value: \"bad value\": a valid label must be"
            ),
        "{msgs:?}"
    );
}

#[test]
fn managed_by_must_be_a_domain_prefixed_path() {
    assert_only(
        &job("  managedBy: kueue\n"),
        "spec.managedBy: Invalid value: \"kueue\": must be a domain-prefixed path (such as \"acme.io/foo\")",
    );
    assert_valid(&job("  managedBy: kueue.x-k8s.io/multikueue\n"));
}

#[test]
fn manual_selector_without_selector_requires_a_selector() {
    assert_only(
        &job("  manualSelector: true\n"),
        "spec.selector: Required value",
    );
}

#[test]
fn cronjob_schedule_is_required() {
    assert_only(&cronjob("c", ""), "spec.schedule: Required value");
}

#[test]
fn cronjob_schedule_with_tz_is_rejected() {
    assert_only(
        &cronjob("c", "  schedule: \"CRON_TZ=UTC 0 * * * *\"\n"),
        "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
    );
}

#[test]
fn cronjob_negative_limits_are_rejected() {
    for field in [
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ] {
        assert_only(
            &cronjob("c", &format!("  schedule: \"* * * * *\"\n  {field}: -1\n")),
            &format!("spec.{field}: Invalid value: -1: must be greater than or equal to 0"),
        );
    }
}

#[test]
fn cronjob_unknown_concurrency_policy_is_unsupported() {
    assert_only(
        &cronjob(
            "c",
            "  schedule: \"* * * * *\"\n  concurrencyPolicy: Queue\n",
        ),
        "spec.concurrencyPolicy: Unsupported value: \"Queue\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
    );
}

#[test]
fn cronjob_job_template_manual_selector_is_unsupported() {
    let text = cronjob("c", "  schedule: \"* * * * *\"\n").replace(
        "    spec:\n      template:",
        "    spec:\n      manualSelector: true\n      template:",
    );
    assert_only(
        &text,
        "spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: \"nil\", \"false\"",
    );
}

#[test]
fn cronjob_job_template_selector_is_rejected() {
    let text = cronjob("c", "  schedule: \"* * * * *\"\n").replace(
        "    spec:\n      template:",
        "    spec:\n      selector: {matchLabels: {a: b}}\n      template:",
    );
    assert_only(
        &text,
        "spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"a\":\"b\"}}: `selector` will be auto-generated",
    );
}

#[test]
fn cronjob_job_template_spec_is_validated() {
    let text = cronjob("c", "  schedule: \"* * * * *\"\n").replace("OnFailure", "Always");
    assert_only(
        &text,
        "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
    );
}

#[test]
fn time_zone_rules_follow_upstream_order() {
    let tz = |v: &str| {
        validate_time_zone(Some(v), &FieldPath::of("spec.timeZone"))
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        tz(""),
        ["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"]
    );
    assert_eq!(
        tz(" Europe/Rome"),
        ["spec.timeZone: Invalid value: \" Europe/Rome\": unknown time zone  Europe/Rome"]
    );
    // Upstream checks `Local` in any letter case, then loads the name: Go loads `Local`
    // itself, but not `local`, so the lower-case spelling gets both errors.
    assert_eq!(
        tz("local"),
        [
            "spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            "spec.timeZone: Invalid value: \"local\": unknown time zone local",
        ]
    );
    assert_eq!(
        tz("Local"),
        [
            "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
        ]
    );
    assert_eq!(
        tz("Mars/Olympus"),
        ["spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"]
    );
    for ok in ["UTC", "Etc/UTC", "Europe/Rome", "America/New_York"] {
        assert!(tz(ok).is_empty(), "{ok}");
    }
}

#[test]
fn time_zone_names_are_case_sensitive_as_go_loads_them() {
    // Upstream's TestValidateCronJob rejects `AMERICA/new_york`; jiff's own lookup would
    // accept it, so the validator compares the canonical spelling.
    let tz = |v: &str| {
        validate_time_zone(Some(v), &FieldPath::of("spec.timeZone"))
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        tz("AMERICA/new_york"),
        ["spec.timeZone: Invalid value: \"AMERICA/new_york\": unknown time zone AMERICA/new_york"]
    );
    assert_eq!(
        tz("europe/rome"),
        ["spec.timeZone: Invalid value: \"europe/rome\": unknown time zone europe/rome"]
    );
}

#[test]
fn cronjob_time_zone_local_reports_both_upstream_errors() {
    let text = cronjob("c", "  schedule: \"0 3 * * *\"\n  timeZone: local\n");
    assert_eq!(
        messages(&text),
        [
            "spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            "spec.timeZone: Invalid value: \"local\": unknown time zone local",
        ]
    );
}

#[test]
fn dns_label_with_dots_says_must_not_contain_dots() {
    assert_eq!(dns1123_label_errors("a.b"), ["must not contain dots"]);
    assert!(dns1123_label_errors("a-b-1").is_empty());
}

#[test]
fn indexed_completions_above_the_simulators_limit_are_refused_with_why() {
    assert_valid(&job("  completionMode: Indexed\n  completions: 10000000\n"));
    assert_only(
        &job("  completionMode: Indexed\n  completions: 10000001\n"),
        "spec.completions: Invalid value: 10000001: jobsim simulates Indexed Jobs of at most 10000000 completions (Kubernetes itself allows more)",
    );
    // NonIndexed Jobs keep counters only: no such limit.
    assert_valid(&job("  completions: 2000000000\n"));
}
