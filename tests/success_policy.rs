//! successPolicy (reference job-semantics §13, with §4.3 for the precedence of failure and
//! §16.2 for the two-phase finish): `succeededIndexes` only, `succeededCount` only, or both;
//! the first satisfied rule wins; reason `SuccessPolicy`, message "Matched rules at index
//! <i>"; lingering pods are deleted and not counted as failed; `Complete` (same reason and
//! message, with `completionTime`) only once they are gone; a failure decided in the same
//! sync wins.
//!
//! Timing: a pod created at `c` starts at `c + 1.020`; the Job controller syncs 1 s after
//! a pod change; a deleted container without a `shutdown` model ends at once.

use std::path::Path;

use crate::common::{Run, rfc, run, run_file, run_until};
use crate::scenario_text::{NEVER, one_job};

fn docs_example() -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/success-policy.yaml"),
        None,
    )
}

#[test]
fn docs_example_completes_with_reason_success_policy() {
    // Index 2 exits 0 at 1.020 + 5 = 6.020; the others would fail at 9.020. The sync at
    // 7.020 matches rule 0 (index 2 ∈ "0,2-3", count 1 ≥ 1): SuccessCriteriaMet, and the
    // nine lingering pods are deleted (ended at 7.020). The sync at 8.020 finds nothing
    // terminating: Complete, completionTime = its time.
    let r = docs_example();
    let conds: Vec<(String, String, String, String)> = r
        .conditions("job-success")
        .into_iter()
        .map(|c| (c.kind, c.reason, c.message, c.time))
        .collect();
    let msg = "Matched rules at index 0".to_string();
    assert_eq!(
        conds,
        vec![
            (
                "SuccessCriteriaMet".into(),
                "SuccessPolicy".into(),
                msg.clone(),
                rfc(7)
            ),
            ("Complete".into(), "SuccessPolicy".into(), msg, rfc(8)),
        ]
    );
    let st = &r.obj("job-success")["status"];
    assert_eq!(st["completionTime"], rfc(8).as_str());
    assert_eq!(st["completedIndexes"], "2");
    assert_eq!(st["succeeded"], 1);
}

#[test]
fn docs_example_lingering_pods_are_not_counted_as_failed() {
    let r = docs_example();
    assert_eq!(r.status_count("job-success", "failed"), 0);
    assert_eq!(r.job("job-success").failed, 0);
    // Nine SuccessfulDelete events, all from the sync at 7.020.
    let deletes: Vec<u64> = r
        .events_of("job/job-success")
        .into_iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| e.time)
        .collect();
    assert_eq!(deletes, vec![7_020; 9]);
}

#[test]
fn docs_example_race_all_pods_in_one_sync_window_fails_with_backoff_limit_exceeded() {
    // The same Job, every pod (index 2 too) ending at 1.020 + 8 = 9.020: the sync at
    // 10.020 sees 9 failures > backoffLimit 6 and the success; failure is decided first
    // (§4.3, §13 [DOC≠CODE, timing]). Nothing is left terminating: both conditions at 10.
    let r = run(&one_job(
        "job-success",
        &format!(
            "parallelism: 10, completions: 10, completionMode: Indexed, successPolicy: {{rules: [{{succeededIndexes: '0,2-3', succeededCount: 1}}]}}, {NEVER}"
        ),
        "{duration: 8s, outcomes: [{index: 2, exitCode: 0}, {exitCode: 1}]}",
        "",
    ));
    let conds: Vec<(String, String, String)> = r
        .conditions("job-success")
        .into_iter()
        .map(|c| (c.kind, c.reason, c.time))
        .collect();
    assert_eq!(
        conds,
        vec![
            (
                "FailureTarget".into(),
                "BackoffLimitExceeded".into(),
                rfc(10)
            ),
            ("Failed".into(), "BackoffLimitExceeded".into(), rfc(10)),
        ]
    );
    let job = r.job("job-success");
    assert_eq!((job.failed, job.succeeded), (9, 1));
}

/// An Indexed Job of `n` indexes all at once with the given success rules; every pod runs
/// 30 s and exits 0 unless `outcomes` say otherwise.
fn with_rules(n: u32, rules: &str, outcomes: &str, shutdown: &str) -> String {
    let shutdown = if shutdown.is_empty() {
        String::new()
    } else {
        format!(", shutdown: {shutdown}")
    };
    one_job(
        "sp",
        &format!(
            "completions: {n}, parallelism: {n}, completionMode: Indexed, successPolicy: {{rules: {rules}}}, {NEVER}"
        ),
        &format!("{{duration: 30s, outcomes: {outcomes}{shutdown}}}"),
        "",
    )
}

#[test]
fn succeeded_indexes_rule_needs_every_listed_index() {
    // Index 1 succeeds at 1.020 + 2 = 3.020; sync 4.020: rule {succeededIndexes "1"} holds.
    // 0 and 2 are deleted (end 4.020, not counted); Complete at the sync 5.020.
    let r = run(&with_rules(
        3,
        "[{succeededIndexes: '1'}]",
        "[{index: 1, exitCode: 0, after: 2s}]",
        "",
    ));
    let job = r.job("sp");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.message.as_str()),
        ("Complete", "SuccessPolicy", "Matched rules at index 0")
    );
    assert_eq!((job.succeeded, job.failed, job.pods), (1, 0, 3));
    assert_eq!(
        r.condition("sp", "SuccessCriteriaMet")
            .expect("SuccessCriteriaMet")
            .time,
        rfc(4)
    );
    assert_eq!(
        r.condition("sp", "Complete").expect("Complete").time,
        rfc(5)
    );
    assert_eq!(r.obj("sp")["status"]["completedIndexes"], "1");
}

#[test]
fn succeeded_indexes_rule_is_not_met_by_part_of_the_set() {
    // "0,1": index 0 succeeds at 3.020 (no match at 4.020); 1 only at 31.020 with the
    // rest, so the rule holds first at the sync 32.020. Completions are reached in the same
    // sync, but §4.3 step 6.7 (success policy) comes before step 8 (completions): the
    // reason is SuccessPolicy.
    let r = run(&with_rules(
        3,
        "[{succeededIndexes: '0,1'}]",
        "[{index: 0, exitCode: 0, after: 2s}]",
        "",
    ));
    assert!(
        r.condition("sp", "SuccessCriteriaMet")
            .is_some_and(|c| c.time == rfc(32)),
        "conditions: {:?}",
        r.conditions("sp")
    );
    assert_eq!(r.job("sp").reason, "SuccessPolicy");
    assert_eq!(r.job("sp").succeeded, 3);
}

#[test]
fn succeeded_count_rule_counts_any_indexes() {
    // Index 0 succeeds at 3.020 (sync 4.020: 1 < 2), index 3 at 1.020 + 4 = 5.020 (sync
    // 6.020: 2 ≥ 2) → SuccessCriteriaMet at 6, lingering 1 and 2 deleted, Complete at 7.
    let r = run(&with_rules(
        4,
        "[{succeededCount: 2}]",
        "[{index: 0, exitCode: 0, after: 2s}, {index: 3, exitCode: 0, after: 4s}]",
        "",
    ));
    assert_eq!(
        r.condition("sp", "SuccessCriteriaMet")
            .expect("SuccessCriteriaMet")
            .time,
        rfc(6)
    );
    assert_eq!(
        r.condition("sp", "Complete").expect("Complete").time,
        rfc(7)
    );
    let st = &r.obj("sp")["status"];
    assert_eq!(st["completedIndexes"], "0,3");
    assert_eq!((r.job("sp").succeeded, r.job("sp").failed), (2, 0));
}

#[test]
fn both_fields_count_only_succeeded_indexes_inside_the_set() {
    // {succeededIndexes "0-1", succeededCount 1}: index 3 succeeds first (3.020), outside
    // the set → no match at 4.020; index 1 at 5.020 → match at 6.020.
    let r = run(&with_rules(
        4,
        "[{succeededIndexes: '0-1', succeededCount: 1}]",
        "[{index: 3, exitCode: 0, after: 2s}, {index: 1, exitCode: 0, after: 4s}]",
        "",
    ));
    assert_eq!(
        r.condition("sp", "SuccessCriteriaMet")
            .expect("SuccessCriteriaMet")
            .time,
        rfc(6)
    );
    assert_eq!(r.obj("sp")["status"]["completedIndexes"], "1,3");
}

#[test]
fn the_message_names_the_first_satisfied_rule() {
    // Rule 0 wants index 0 (not yet), rule 1 any one index: index 2 at 3.020 satisfies
    // rule 1 → "Matched rules at index 1".
    let r = run(&with_rules(
        3,
        "[{succeededIndexes: '0'}, {succeededCount: 1}]",
        "[{index: 2, exitCode: 0, after: 2s}]",
        "",
    ));
    assert_eq!(r.job("sp").message, "Matched rules at index 1");
    assert_eq!(
        r.condition("sp", "SuccessCriteriaMet")
            .expect("SuccessCriteriaMet")
            .message,
        "Matched rules at index 1"
    );
}

fn slow_lingering() -> String {
    // Index 1 succeeds at 3.020; sync 4.020: SuccessCriteriaMet, 0 and 2 deleted, each
    // needing 20 s after SIGTERM (within the 30 s grace): they end at 24.020.
    with_rules(
        3,
        "[{succeededIndexes: '1'}]",
        "[{index: 1, exitCode: 0, after: 2s}]",
        "20s",
    )
}

#[test]
fn complete_waits_until_the_lingering_pods_are_gone() {
    // The sync at 25.020 finds nothing terminating: Complete, completionTime 25.
    let r = run(&slow_lingering());
    assert_eq!(
        r.condition("sp", "Complete").expect("Complete").time,
        rfc(25)
    );
    assert_eq!(r.obj("sp")["status"]["completionTime"], rfc(25).as_str());
    assert_eq!(r.job("sp").failed, 0);
    let pods = r.pods_of("sp");
    assert_eq!(
        (pods[0].finished, pods[2].finished),
        (Some(24_020), Some(24_020))
    );
}

#[test]
fn while_lingering_pods_terminate_only_success_criteria_met_is_set() {
    let r = run_until(&slow_lingering(), 15_000);
    assert_eq!(r.condition_types("sp"), vec!["SuccessCriteriaMet"]);
    assert_eq!(r.status_count("sp", "terminating"), 2);
    assert_eq!(r.status_count("sp", "active"), 0);
    assert_eq!(r.status_count("sp", "failed"), 0);
    assert!(r.obj("sp")["status"].get("completionTime").is_none());
}

#[test]
fn success_with_a_failure_awaiting_its_replacement_still_completes() {
    // backoffLimitPerIndex keeps index 0's failed pod (4.020) uncounted until a replacement
    // exists, and its per-index backoff (10 s from second 4) would create that at 14 s. Index
    // 1 succeeds at 6.020; the sync at 7.020 meets the success policy (SuccessCriteriaMet).
    // In that sync finalizers come off every pod (§13, §6.3): the failed pod is counted
    // there, nothing is terminating, so Complete is written in the same sync at 7.020,
    // with failed 1 and no replacement.
    let r = run(r#"
apiVersion: jobsim/v1
kind: Scenario
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: sp}
        spec:
          completions: 2
          parallelism: 2
          completionMode: Indexed
          backoffLimitPerIndex: 1
          successPolicy:
            rules: [{succeededIndexes: "1"}]
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: busybox}]
      behavior:
        duration: 5s
        outcomes:
          - {index: 0, exitCode: 1, after: 3s}
"#);
    let job = r.job("sp");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Complete", "SuccessPolicy")
    );
    assert_eq!(job.finished, Some(7_020));
    assert_eq!(job.failed, 1);
    assert_eq!(r.pods_of("sp").len(), 2, "no replacement for index 0");
}
