//! `pods.csv`'s why-columns (issue 13): each pod records why the Job controller created it
//! (and which pod it replaces), what ended it, how its Job counted it, the podFailurePolicy
//! rule that matched, and its in-place restarts — as the controllers decided them, on the
//! teaching lessons whose headers state the rules.

use crate::binary::root;
use crate::common::{Run, run_file};
use jobsim::record::schema::PodRow;

fn lesson(name: &str) -> Run {
    run_file(
        &root().join(format!("scenarios/teaching/{name}.yaml")),
        None,
    )
}

#[test]
fn suspended_pods_are_recorded_as_deleted_on_suspend_and_never_counted() {
    let run = lesson("suspend-resume");
    let pods = run.pods_of("pausable");
    assert_eq!(pods.len(), 4);
    for p in &pods[..2] {
        assert_eq!(
            (
                p.ended_by.as_str(),
                p.counted.as_str(),
                p.created_for.as_str()
            ),
            ("deleted-suspend", "no", "initial")
        );
    }
    // On resume each deleted pod is replaced, by name, and the replacement is counted.
    for (new, old) in pods[2..].iter().zip(&pods[..2]) {
        assert_eq!(new.created_for, "replaces-deleted");
        assert_eq!(new.replaces.as_deref(), Some(old.pod.as_str()));
        assert_eq!(
            (new.ended_by.as_str(), new.counted.as_str()),
            ("succeeded", "succeeded")
        );
    }
    assert_eq!(run.job("pausable").failed, 0);
}

#[test]
fn replacements_after_failures_name_the_failed_pod_and_count_it() {
    let run = lesson("backoff-limit-exceeded");
    let pods = run.pods_of("always-fails");
    assert_eq!(pods[0].created_for, "initial");
    for w in pods.windows(2) {
        assert_eq!(w[1].created_for, "replaces-failed");
        assert_eq!(w[1].replaces.as_deref(), Some(w[0].pod.as_str()));
    }
    assert!(
        pods.iter()
            .all(|p| p.ended_by == "failed" && p.counted == "failed")
    );
}

#[test]
fn success_policy_deletions_are_recorded_and_not_counted() {
    let run = lesson("success-policy");
    let pods = run.pods();
    let deleted = pods
        .iter()
        .filter(|p| p.ended_by == "deleted-success-policy")
        .count();
    assert_eq!(deleted, pods.len() - 1);
    assert!(
        pods.iter()
            .filter(|p| p.ended_by == "deleted-success-policy")
            .all(|p| p.counted == "no")
    );
    assert_eq!(pods.iter().filter(|p| p.counted == "succeeded").count(), 1);
}

#[test]
fn pods_of_a_job_replaced_by_its_cronjob_are_recorded_as_deleted_by_replace() {
    let run = lesson("cronjob-replace");
    let ended: Vec<PodRow> = run
        .pods()
        .into_iter()
        .filter(|p| !p.ended_by.is_empty())
        .collect();
    assert!(!ended.is_empty());
    for p in &ended {
        assert_eq!(
            (p.ended_by.as_str(), p.counted.as_str()),
            ("deleted-cronjob-replace", "no"),
            "{}",
            p.pod
        );
    }
}

#[test]
fn an_ignored_eviction_is_recorded_as_evicted_uncounted_with_its_rule() {
    let run = lesson("pod-failure-policy");
    let pods = run.pods();
    let first = &pods[0];
    assert_eq!(
        (first.ended_by.as_str(), first.counted.as_str(), first.rule),
        ("evicted", "no", Some(1))
    );
    let second = &pods[1];
    assert_eq!(second.created_for, "replaces-disrupted");
    assert_eq!(second.replaces.as_deref(), Some(first.pod.as_str()));
}

#[test]
fn onfailure_restarts_are_recorded_with_exit_and_restart_times() {
    let run = lesson("onfailure-vs-never");
    let pods = run.pods_of("on-failure");
    assert_eq!(pods.len(), 1);
    // Runs of 5 s from 1.020 s: the first restart is immediate, the second waits 10 s.
    assert_eq!(pods[0].restart_times, "1@6.020>6.020;1@11.020>21.020");
    assert_eq!(pods[0].restarts, 2);
    assert!(
        run.pods_of("never")
            .iter()
            .all(|p| p.restart_times.is_empty())
    );
}

#[test]
fn an_oom_kill_and_a_lost_node_are_recorded_as_such() {
    let run = lesson("oom-killed");
    assert_eq!(run.pods()[0].ended_by, "oom-killed");
    let run = lesson("node-loss");
    let lost: Vec<PodRow> = run
        .pods()
        .into_iter()
        .filter(|p| p.ended_by == "node-lost")
        .collect();
    assert_eq!(lost.len(), 2);
    // The default policy counts the lost pod; the tolerant Job's Ignore rule does not.
    let counted: Vec<&str> = lost.iter().map(|p| p.counted.as_str()).collect();
    assert!(
        counted.contains(&"failed") && counted.contains(&"no"),
        "{counted:?}"
    );
}
