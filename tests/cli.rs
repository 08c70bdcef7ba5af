//! The command line: outputs, exit codes and error messages (DESIGN §6, §7).

use crate::binary::{OUTPUT_FILES, root, run, run_to, stderr, stdout};

#[test]
fn seed_parallel_job_writes_every_output_with_the_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &[],
    );
    for f in OUTPUT_FILES {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let first_line = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        first_line("pods.csv"),
        "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts"
    );
    assert_eq!(
        first_line("jobs.csv"),
        "job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted"
    );
    assert_eq!(first_line("events.csv"), "time,object,reason,message");
    // no temporary files are left behind
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn summary_line_names_outcome_reason_and_counters() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let o = run(&[
        "run",
        "scenarios/seed/parallel-fixed-completions.yaml",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("Complete (CompletionsReached)"), "{text}");
    assert!(text.contains("succeeded   6"), "{text}");
    assert!(text.contains("makespan"), "{text}");
}

#[test]
fn stats_reports_events_and_throughput() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_to(
        "scenarios/seed/non-parallel-job.yaml",
        dir.path(),
        &["--stats"],
    );
    let text = stdout(&o);
    assert!(text.contains("events/CPU-s"), "{text}");
    assert!(text.contains("pods/CPU-s"), "{text}");
}

#[test]
fn negative_completions_exits_2_naming_file_and_field() {
    let o = run(&[
        "run",
        "tests/data/negative-completions.yaml",
        "--out",
        "/dev/null/x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("tests/data/negative-completions.yaml"),
        "{err}"
    );
    assert!(err.contains("spec.completions"), "{err}");
    assert!(err.contains("must be greater than or equal to 0"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one message: {err}");
}

#[test]
fn unknown_kind_is_rejected_with_exit_2() {
    let o = run(&["validate", "tests/data/deployment.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Deployment"), "{}", stderr(&o));
}

#[test]
fn missing_file_exits_2() {
    let o = run(&["run", "no/such/file.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.yaml"));
}

#[test]
fn unknown_flag_exits_2() {
    let o = run(&["run", "--no-such-flag", "x.yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_horizon_exits_2_with_the_allowed_forms() {
    let o = run(&[
        "run",
        "scenarios/seed/non-parallel-job.yaml",
        "--horizon",
        "ten minutes",
        "--out",
        "/tmp/jobsim-never-written",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--horizon"), "{}", stderr(&o));
}

#[test]
fn garbage_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8]); 5] = [
        ("empty.yaml", b""),
        ("binary.yaml", &[0xff, 0xfe, 0x00, 0x01]),
        ("tabs.yaml", b"kind: Job\n\tspec: x\n"),
        ("scalar.yaml", b"42\n"),
        ("list.yaml", b"apiVersion: v1\nkind: List\nitems: 3\n"),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let o = run(&[
            "run",
            path.to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    }
}

#[test]
fn validate_accepts_every_shipped_scenario_and_manifest() {
    let mut files: Vec<String> = Vec::new();
    for dir in [
        "scenarios/seed",
        "scenarios/teaching",
        "scenarios/bench",
        "benches/workloads",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(String::as_str))
        .collect();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn help_names_the_modelled_kubernetes_version() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("v1.36"));
}

#[test]
fn scenario_errors_name_the_file_line_column_and_field() {
    let o = run(&["validate", "tests/data/bad-duration-scenario.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("tests/data/bad-duration-scenario.yaml:8:11: spec.workloads[0].at: invalid duration \"soon\""),
        "{err}"
    );
    assert!(err.contains("write e.g. 500ms, 90s"), "{err}");
}

/// The two errors upstream's `validateTimeZone` reports for `timeZone: local`: `Local` is
/// refused in any letter case, and Go cannot load the lower-case name (cronjob-semantics §3).
const LOCAL_TIME_ZONE_ERRORS: [&str; 2] = [
    "spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
    "spec.timeZone: Invalid value: \"local\": unknown time zone local",
];

/// Every `spec.timeZone` error in a command's stderr, from the field path on (so the check
/// does not depend on the prefix or position the command prints before it).
fn time_zone_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|line| line.find("spec.timeZone:").map(|at| &line[at..]))
        .collect()
}

#[test]
fn validate_time_zone_local_reports_both_upstream_errors() {
    let file = "tests/data/local-time-zone-cronjob.yaml";
    let o = run(&["validate", file]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(time_zone_errors(&err), LOCAL_TIME_ZONE_ERRORS, "{err}");
    for message in LOCAL_TIME_ZONE_ERRORS {
        assert!(err.contains(&format!("{file}:9:13: {message}")), "{err}");
    }
}

#[test]
fn cron_tz_local_reports_both_upstream_errors() {
    let o = run(&[
        "cron",
        "0 3 * * *",
        "--tz",
        "local",
        "--from",
        "2026-01-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert_eq!(time_zone_errors(&err), LOCAL_TIME_ZONE_ERRORS, "{err}");
}
