//! podFailurePolicy (reference job-semantics §11, with §8.1 for the backoff of ignored
//! failures and §14 for the replacement policy it forces): rules are checked in order and
//! the first match decides; `onExitCodes` looks at terminated app containers, then init
//! containers, skips exit code 0 and honours `containerName`; `onPodConditions` matches a
//! pod condition of that type whose status defaults to True; `FailJob` ends the Job with
//! reason `PodFailurePolicy` and a message naming the rule; `Ignore` keeps the failure out
//! of `failed` and backoffLimit but not out of the recreation backoff; `Count` is the
//! default handling.
//!
//! Timing: a pod created at `c` starts at `c + 1.020` (scheduling 20 ms, start-up 1 s);
//! the Job controller syncs 1 s after a pod change; an evicted or deleted container with no
//! `shutdown` model exits at once (143).

use std::path::Path;

use crate::common::{Run, rfc, run, run_file, run_until};
use crate::scenario_text::{NEVER, one_job};

fn teaching(file: &str) -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/teaching")
            .join(file),
        None,
    )
}

const DOCS_JOB: &str = "job-pod-failure-policy-example";

#[test]
fn docs_example_fails_the_job_with_reason_pod_failure_policy_and_the_rule_message() {
    // Pod 1 is evicted at 2 s (Ignore), pod 2 exits 1 (counted), pod 3 exits 42: rule 0.
    // Pod 3: created 38.000 (see the backoff test), exits 39.020 + 5 = 44.020; the sync at
    // 45.020 writes FailureTarget and, nothing terminating, Failed in the same sync.
    let r = teaching("pod-failure-policy.yaml");
    let pods = r.pods_of(DOCS_JOB);
    assert_eq!(pods.len(), 3);
    let message = format!(
        "Container main for pod default/{} failed with exit code 42 matching FailJob rule at index 0",
        pods[2].pod
    );
    let job = r.job(DOCS_JOB);
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.message.as_str()),
        ("Failed", "PodFailurePolicy", message.as_str())
    );
    let conds = r.conditions(DOCS_JOB);
    let summary: Vec<(&str, &str, &str, &str)> = conds
        .iter()
        .map(|c| {
            (
                c.kind.as_str(),
                c.reason.as_str(),
                c.message.as_str(),
                c.time.as_str(),
            )
        })
        .collect();
    let at = rfc(45);
    assert_eq!(
        summary,
        vec![
            (
                "FailureTarget",
                "PodFailurePolicy",
                message.as_str(),
                at.as_str()
            ),
            ("Failed", "PodFailurePolicy", message.as_str(), at.as_str()),
        ]
    );
    // §16.3: the Warning event carries the condition's reason and message, once.
    let events: Vec<_> = r
        .events_of(&format!("job/{DOCS_JOB}"))
        .into_iter()
        .filter(|e| e.reason == "PodFailurePolicy")
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].time, events[0].message.as_str()),
        (45_020, message.as_str())
    );
}

#[test]
fn docs_example_counts_the_exit_1_and_the_exit_42_but_not_the_eviction() {
    // failed = pod 2 (exit 1, no rule matches → counted) + pod 3 (FailJob, counted); the
    // evicted pod 1 carries DisruptionTarget and matches the Ignore rule.
    let r = teaching("pod-failure-policy.yaml");
    assert_eq!(r.job(DOCS_JOB).failed, 2);
    assert_eq!(r.status_count(DOCS_JOB, "failed"), 2);
    let pods = r.pods_of(DOCS_JOB);
    assert_eq!(
        pods.iter().map(|p| p.exit_code).collect::<Vec<_>>(),
        vec![Some(143), Some(1), Some(42)]
    );
}

#[test]
fn docs_example_ignored_eviction_still_feeds_the_recreation_backoff() {
    // Pod 1 evicted at 2.000 and gone at once: finish second 2, n = 1 → 10 s → 12.000.
    // Pod 2 exits 1 at 13.020 + 5 = 18.020 (second 18): n = 2 (the ignored failure counts
    // for the delay, §8.1) → 20 s → 38.000, not 28.000.
    let r = teaching("pod-failure-policy.yaml");
    assert_eq!(r.creations(DOCS_JOB), vec![0, 12_000, 38_000]);
}

/// A Job with `backoffLimit: 0` and the given rules; every pod runs 5 s and exits 0
/// unless `outcomes` say otherwise.
fn with_rules(rules: &str, outcomes: &str, actions: &str) -> Run {
    run(&one_job(
        "pfp",
        &format!("backoffLimit: 0, podFailurePolicy: {{rules: {rules}}}, {NEVER}"),
        &format!("{{duration: 5s, outcomes: {outcomes}}}"),
        actions,
    ))
}

#[test]
fn ignored_eviction_is_not_counted_toward_backoff_limit() {
    // backoffLimit 0: a counted failure would fail the Job at once. The evicted pod is
    // ignored, its replacement (12.000, as above) succeeds at 13.020 + 5 = 18.020.
    let r = with_rules(
        "[{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]",
        "[]",
        "[{at: 2s, evict: pod/pfp}]",
    );
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.failed, job.succeeded, job.pods),
        ("Complete", 0, 1, 2)
    );
    assert_eq!(r.creations("pfp"), vec![0, 12_000]);
    assert_eq!(
        r.condition("pfp", "Complete").expect("Complete").time,
        rfc(19)
    );
}

#[test]
fn pod_condition_rule_with_status_false_does_not_match_an_evicted_pod() {
    // The eviction sets DisruptionTarget=True; a rule asking for status False does not
    // match, so the failure is counted: 1 > backoffLimit 0. The pod's start at 1.020
    // queued a sync for 2.020; the eviction at 2.000 falls in that window, so that sync
    // sees the Failed pod.
    let r = with_rules(
        "[{action: Ignore, onPodConditions: [{type: DisruptionTarget, status: 'False'}]}]",
        "[]",
        "[{at: 2s, evict: pod/pfp}]",
    );
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 1)
    );
    assert_eq!(r.condition("pfp", "Failed").expect("Failed").time, rfc(2));
}

#[test]
fn fail_job_on_a_pod_condition_names_the_condition_in_the_message() {
    // Evicted at 2.000 and Failed at once; the sync queued by the pod's start (1.020 + 1 s
    // = 2.020) sees it and matches rule 0.
    let r = with_rules(
        "[{action: FailJob, onPodConditions: [{type: DisruptionTarget}]}]",
        "[]",
        "[{at: 2s, evict: pod/pfp}]",
    );
    let pod = &r.pods_of("pfp")[0].pod;
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "PodFailurePolicy", 1)
    );
    assert_eq!(
        job.message,
        format!(
            "Pod default/{pod} has condition DisruptionTarget matching FailJob rule at index 0"
        )
    );
    assert_eq!(r.condition("pfp", "Failed").expect("Failed").time, rfc(2));
}

#[test]
fn rules_are_checked_in_order_and_the_first_match_decides() {
    // Rule 0 ignores exit 42, rule 1 would fail the Job on it: rule 0 wins. Pod 1 exits 42
    // at 1.020 + 2 = 3.020 (second 3): not counted, replacement at 3 + 10 = 13.000, which
    // succeeds at 14.020 + 5 = 19.020; Complete at the sync 20.020.
    let r = with_rules(
        "[{action: Ignore, onExitCodes: {operator: In, values: [42]}}, {action: FailJob, onExitCodes: {operator: In, values: [42]}}]",
        "[{attempt: 1, exitCode: 42, after: 2s}]",
        "",
    );
    let job = r.job("pfp");
    assert_eq!((job.outcome, job.failed, job.pods), ("Complete", 0, 2));
    assert_eq!(r.creations("pfp"), vec![0, 13_000]);
}

#[test]
fn a_later_rule_matches_when_the_earlier_ones_do_not() {
    // Rule 0 (exit 1) does not match exit 42; rule 1 does and fails the Job, with its own
    // index in the message. Exit at 3.020, sync 4.020.
    let r = with_rules(
        "[{action: Ignore, onExitCodes: {operator: In, values: [1]}}, {action: FailJob, onExitCodes: {operator: In, values: [42]}}]",
        "[{attempt: 1, exitCode: 42, after: 2s}]",
        "",
    );
    let pod = &r.pods_of("pfp")[0].pod;
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "PodFailurePolicy")
    );
    assert_eq!(
        job.message,
        format!(
            "Container main for pod default/{pod} failed with exit code 42 matching FailJob rule at index 1"
        )
    );
    assert_eq!(r.condition("pfp", "Failed").expect("Failed").time, rfc(4));
}

#[test]
fn count_action_counts_the_failure_as_without_a_policy() {
    // Count on 42: failed 1 > backoffLimit 0 → BackoffLimitExceeded, not PodFailurePolicy.
    let r = with_rules(
        "[{action: Count, onExitCodes: {operator: In, values: [42]}}]",
        "[{exitCode: 42, after: 2s}]",
        "",
    );
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "BackoffLimitExceeded", 1, 1)
    );
}

#[test]
fn no_matching_rule_means_default_counting() {
    // Exit 3 matches neither rule: counted, 1 > 0 fails the Job with BackoffLimitExceeded.
    let r = with_rules(
        "[{action: FailJob, onExitCodes: {operator: In, values: [42]}}, {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]",
        "[{exitCode: 3, after: 2s}]",
        "",
    );
    let job = r.job("pfp");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 1)
    );
}

/// Two app containers: `main` runs `sleep 1` and exits 0; `helper` follows `behavior`.
fn two_containers(rules: &str, helper_exit: i32) -> Run {
    run(&one_job(
        "two",
        &format!(
            "backoffLimit: 0, podFailurePolicy: {{rules: {rules}}}, template: {{spec: {{restartPolicy: Never, containers: [{{name: main, image: busybox, command: [sleep, '1']}}, {{name: helper, image: busybox}}]}}}}"
        ),
        &format!("{{container: helper, duration: 3s, outcomes: [{{exitCode: {helper_exit}}}]}}"),
        "",
    ))
}

#[test]
fn container_name_restricts_an_exit_code_rule_to_that_container() {
    // `helper` exits 42 but the rule looks only at `main`, which exited 0: no match, the
    // failure is counted → BackoffLimitExceeded.
    let r = two_containers(
        "[{action: FailJob, onExitCodes: {containerName: main, operator: In, values: [42]}}]",
        42,
    );
    let job = r.job("two");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "BackoffLimitExceeded")
    );
}

#[test]
fn container_name_rule_matches_the_named_container() {
    let r = two_containers(
        "[{action: FailJob, onExitCodes: {containerName: helper, operator: In, values: [42]}}]",
        42,
    );
    let pod = &r.pods_of("two")[0].pod;
    let job = r.job("two");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "PodFailurePolicy")
    );
    assert_eq!(
        job.message,
        format!(
            "Container helper for pod default/{pod} failed with exit code 42 matching FailJob rule at index 0"
        )
    );
}

#[test]
fn not_in_skips_containers_that_exited_zero() {
    // NotIn [3]: `main` exited 0 (skipped, else 0 ∉ {3} would match), `helper` exited 3
    // (in the set): no match → counted → BackoffLimitExceeded.
    let r = two_containers(
        "[{action: FailJob, onExitCodes: {operator: NotIn, values: [3]}}]",
        3,
    );
    let job = r.job("two");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "BackoffLimitExceeded")
    );
}

#[test]
fn not_in_matches_a_non_zero_code_outside_the_set() {
    let r = two_containers(
        "[{action: FailJob, onExitCodes: {operator: NotIn, values: [3]}}]",
        5,
    );
    let pod = &r.pods_of("two")[0].pod;
    assert_eq!(
        r.job("two").message,
        format!(
            "Container helper for pod default/{pod} failed with exit code 5 matching FailJob rule at index 0"
        )
    );
}

#[test]
fn exit_code_rules_examine_init_containers() {
    // The init container `setup` exits 7; the app container never runs. The rule (no
    // containerName) examines init container statuses too.
    let r = run(&one_job(
        "init",
        "backoffLimit: 3, podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [7]}}]}, template: {spec: {restartPolicy: Never, initContainers: [{name: setup, image: busybox}], containers: [{name: main, image: busybox}]}}",
        "{container: setup, duration: 2s, outcomes: [{exitCode: 7}]}",
        "",
    ));
    let pod = &r.pods_of("init")[0].pod;
    let job = r.job("init");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.pods),
        ("Failed", "PodFailurePolicy", 1)
    );
    assert_eq!(
        job.message,
        format!(
            "Container setup for pod default/{pod} failed with exit code 7 matching FailJob rule at index 0"
        )
    );
}

#[test]
fn fail_job_deletes_the_other_active_pods_and_counts_them_failed() {
    // Two pods at 0; attempt 1 exits 42 at 1.020 + 2 = 3.020. Sync 4.020: FailureTarget,
    // attempt 2 (running, 30 s) is deleted and ends at once. Its end triggers the sync at
    // 5.020, where nothing is terminating: Failed. failed = 1 + 1 (§6.2, §11).
    let r = run(&one_job(
        "fj",
        &format!(
            "completions: 2, parallelism: 2, podFailurePolicy: {{rules: [{{action: FailJob, onExitCodes: {{operator: In, values: [42]}}}}]}}, {NEVER}"
        ),
        "{duration: 30s, outcomes: [{attempt: 1, exitCode: 42, after: 2s}]}",
        "",
    ));
    let job = r.job("fj");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "PodFailurePolicy", 2, 2)
    );
    assert_eq!(
        r.condition("fj", "FailureTarget")
            .expect("FailureTarget")
            .time,
        rfc(4)
    );
    assert_eq!(r.condition("fj", "Failed").expect("Failed").time, rfc(5));
    let pods = r.pods_of("fj");
    assert_eq!(pods[1].finished, Some(4_020));
}

/// A Job with a podFailurePolicy (Ignore DisruptionTarget) whose containers need 20 s to
/// stop after SIGTERM; its first pod is deleted (plain DELETE) at 10 s.
fn slow_shutdown_with_policy(horizon: Option<u64>) -> Run {
    let yaml = one_job(
        "slow",
        &format!(
            "podFailurePolicy: {{rules: [{{action: Ignore, onPodConditions: [{{type: DisruptionTarget}}]}}]}}, {NEVER}"
        ),
        "{duration: 60s, shutdown: 20s}",
        "[{at: 10s, delete: pod/slow}]",
    );
    match horizon {
        Some(h) => run_until(&yaml, h),
        None => run(&yaml),
    }
}

#[test]
fn pod_failure_policy_defaults_replacement_policy_to_failed() {
    // §1.1: podReplacementPolicy defaults to Failed when a podFailurePolicy is set.
    let r = slow_shutdown_with_policy(Some(5_000));
    assert_eq!(r.obj("slow")["spec"]["podReplacementPolicy"], "Failed");
}

#[test]
fn with_a_policy_a_terminating_pod_is_neither_active_nor_failed() {
    // Deleted at 10.000, stops at 30.000. At 20 s (sync at 11.000 done): active 0,
    // failed 0, terminating 1, and no replacement yet (§14, `Failed` row).
    let r = slow_shutdown_with_policy(Some(20_000));
    assert_eq!(
        (
            r.status_count("slow", "active"),
            r.status_count("slow", "failed"),
            r.status_count("slow", "terminating")
        ),
        (0, 0, 1)
    );
    assert_eq!(r.creations("slow"), vec![0]);
}

#[test]
fn with_a_policy_a_plain_delete_is_counted_and_replaced_after_termination() {
    // A plain DELETE sets no DisruptionTarget (§19), so the Ignore rule does not match:
    // counted once Failed at 30.000 (sync 31.000). Backoff from second 30: 40.000. The
    // replacement runs 41.020 + 60 = 101.020; Complete at 102.020 with failed 1.
    let r = slow_shutdown_with_policy(None);
    assert_eq!(r.pods_of("slow")[0].finished, Some(30_000));
    assert_eq!(r.pods_of("slow")[0].exit_code, Some(143));
    assert_eq!(r.creations("slow"), vec![0, 40_000]);
    let job = r.job("slow");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 1, 1));
    assert_eq!(
        r.condition("slow", "Complete").expect("Complete").time,
        rfc(102)
    );
}
