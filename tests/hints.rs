//! Behaviour hints: a run says once when a container's command is one jobsim cannot
//! interpret, which default applied and how to script a failure.

use crate::binary::{run, stderr};

#[test]
fn sleep_then_exit_1_warns_once_that_the_default_applied_and_how_to_script_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let o = run(&[
        "run",
        "tests/data/hints/sleep-then-exit-1.yaml",
        "--out",
        &out,
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("job/fail container \"main\""), "{err}");
    assert!(err.contains("runs 10s and it exits 0"), "{err}");
    assert!(
        err.contains("behavior.outcomes") || err.contains("outcomes: ["),
        "{err}"
    );
}

#[test]
fn shipped_scenarios_and_seed_examples_give_no_command_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    for file in [
        "scenarios/seed/parallel-fixed-completions.yaml",
        "scenarios/seed/cron-sample-job.yaml",
        "scenarios/teaching/onfailure-vs-never.yaml",
    ] {
        let o = run(&["run", file, "--out", &out, "--no-charts"]);
        assert!(
            !stderr(&o).contains("jobsim cannot run"),
            "{file}: {}",
            stderr(&o)
        );
    }
}
