//! `jobsim explain` as the binary runs it: the backoff lesson's three creation times with
//! the rule and arithmetic behind each, and exit code 2 listing what exists for an unknown
//! object or a malformed one.

use crate::binary::{run, run_to, stderr, stdout};

#[test]
fn explain_gives_the_backoff_lessons_three_creation_times_with_their_arithmetic() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/backoff-limit-exceeded.yaml",
        dir.path(),
        &[],
    );
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, "job/always-fails"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let created: Vec<&str> = text
        .lines()
        // The pods' chains are indented under the Job's own lines.
        .filter_map(|l| l.strip_prefix("  - created at "))
        .collect();
    assert_eq!(created.len(), 3, "{text}");
    assert!(
        created[0].starts_with("0.000 s: the Job's first pods"),
        "{text}"
    );
    assert!(
        created[1].starts_with("16.000 s: replaces pod")
            && created[1]
                .contains("(finished 6 s, whole second) set a 10 s backoff (10 s × 2^(1−1))")
            && created[1].contains("backoffLimit 2 not yet exceeded (failed 1 ≤ 2)"),
        "{text}"
    );
    assert!(
        created[2].starts_with("42.000 s: replaces pod")
            && created[2]
                .contains("(finished 22 s, whole second) set a 20 s backoff (10 s × 2^(2−1))")
            && created[2].contains("backoffLimit 2 not yet exceeded (failed 2 ≤ 2)"),
        "{text}"
    );
    assert!(text.contains("https://kubernetes.io/docs/concepts/workloads/controllers/job/"));
}

#[test]
fn explain_of_an_unknown_object_exits_2_listing_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    run_to("scenarios/teaching/suspend-resume.yaml", dir.path(), &[]);
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, "job/nope"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("job/nope is not in these records"), "{err}");
    assert!(
        err.contains("job/pausable") && err.contains("pod/pausable-"),
        "{err}"
    );
    let o = run(&["explain", &out_dir, "pausable"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("job/NAME, pod/NAME or cronjob/NAME"));
}
