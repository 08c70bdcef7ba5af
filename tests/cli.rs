//! The command line: outputs, exit codes and error messages (DESIGN §6, §7).

use std::io::Read;
use std::process::Stdio;

use crate::binary::{OUTPUT_FILES, jobsim, root, run, run_to, stderr, stdout};

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
        "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts,\
         created_for,replaces,ended_by,counted,rule,restart_times"
    );
    assert_eq!(
        first_line("jobs.csv"),
        "job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted"
    );
    assert_eq!(
        first_line("events.csv"),
        "time,object,reason,message,type,count,firstTime,lastTime"
    );
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
fn sweep_help_states_the_variant_limit() {
    let o = run(&["sweep", "--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let limit = ::jobsim::sweep::MAX_VARIANTS;
    let spelled = format!("{},{:03}", limit / 1000, limit % 1000);
    assert!(
        stdout(&o).contains(&format!("at most {spelled} variants")),
        "{}",
        stdout(&o)
    );
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

// ---- exit codes, the one error prefix, closed pipes ---------------------------------------

#[test]
fn every_help_states_the_exit_codes() {
    for command in [&[][..], &["run"], &["validate"], &["cron"], &["report"]] {
        for flag in ["-h", "--help"] {
            let args: Vec<&str> = command.iter().copied().chain([flag]).collect();
            let o = run(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            let text = stdout(&o);
            assert!(text.contains("Exit codes: 0"), "{args:?}: {text}");
            assert!(text.contains("2 bad input or usage"), "{args:?}: {text}");
            assert!(
                text.contains("3 an output could not be written"),
                "{args:?}: {text}"
            );
        }
    }
}

#[test]
fn errors_of_every_subcommand_share_one_prefix() {
    let cases: [&[&str]; 4] = [
        &["run", "no/such/file.yaml"],
        &["validate", "tests/data/deployment.yaml"],
        &["cron", "0 0 * * 7"],
        &["report", "no/such/dir"],
    ];
    for args in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("jobsim cron:"), "{args:?}: {err}");
        assert!(!err.contains("jobsim report:"), "{args:?}: {err}");
    }
}

#[test]
fn rejected_cron_schedule_lists_the_reasons_under_one_error_line() {
    let o = run(&["cron", "0 0 * * 7", "--tz", "Europe/Pariss"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("error: Kubernetes v1.36 would reject this CronJob:")
    );
    assert!(lines.all(|l| l.starts_with("  spec.")), "{err}");
}

#[test]
fn bad_from_instant_exits_2_with_the_expected_form() {
    let o = run(&["cron", "0 3 * * *", "--from", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "error: --from \"yesterday\" is not an RFC 3339 instant such as 2026-03-07T00:00:00Z: "
        ),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn unwritable_output_folder_exits_3_naming_it() {
    let o = run(&[
        "run",
        "scenarios/seed/non-parallel-job.yaml",
        "--out",
        "/dev/null/x",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: /dev/null/x: cannot create: "),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn report_that_cannot_write_report_html_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    run_to("scenarios/seed/non-parallel-job.yaml", dir.path(), &[]);
    // A directory at report.html makes the rename of the finished file over it fail
    // (temporary names are random now: nothing planted at one is ever used).
    std::fs::remove_file(dir.path().join("report.html")).unwrap();
    std::fs::create_dir(dir.path().join("report.html")).unwrap();
    std::fs::write(dir.path().join("report.html").join("keep"), "").unwrap();
    let o = run(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("report.html: "), "{err}");
}

#[test]
fn full_standard_output_exits_3() {
    let Ok(full) = std::fs::File::options().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let o = jobsim()
        .args(["cron", "0 3 * * *", "--from", "2026-01-01T00:00:00Z"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: cannot write to standard output: "),
        "{}",
        stderr(&o)
    );
}

/// Spawns jobsim with stdout a pipe, reads at most `keep` bytes of it, closes the pipe and
/// returns the exit code and stderr.
fn with_stdout_closed_after(args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = jobsim()
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0; keep];
    if keep > 0 {
        stdout.read_exact(&mut buf).unwrap();
    }
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    (o.status.code(), stderr(&o))
}

#[test]
fn closing_the_pipe_ends_cron_quietly_with_exit_0() {
    // `jobsim cron '* * * * *' -n 100000 | head -1`: 100,000 lines, the reader keeps one.
    let (code, err) = with_stdout_closed_after(
        &[
            "cron",
            "* * * * *",
            "-n",
            "100000",
            "--from",
            "2026-01-01T00:00:00Z",
        ],
        60,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn closing_the_pipe_ends_run_quietly_with_exit_0_and_every_output_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let (code, err) = with_stdout_closed_after(
        &[
            "run",
            "scenarios/seed/parallel-fixed-completions.yaml",
            "--out",
            &out,
            "--stats",
        ],
        0,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
    for f in OUTPUT_FILES.iter().chain(&["report.html"]) {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
}

#[test]
fn closing_the_pipe_ends_report_quietly_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &[],
    );
    let (code, err) =
        with_stdout_closed_after(&["report", dir.path().to_str().unwrap(), "--text", "60"], 0);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
    assert!(dir.path().join("report.html").is_file());
}

#[test]
fn set_overrides_fields_before_the_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &[
            "--set",
            "job/parallel-fixed-completions.spec.completions=2",
            "--set",
            "cluster.nodePools.worker.count=1",
        ],
    );
    let jobs = std::fs::read_to_string(dir.path().join("jobs.csv")).unwrap();
    let row: Vec<&str> = jobs.lines().nth(1).unwrap().split(',').collect();
    assert_eq!((row[5], row[7]), ("Complete", "2"), "{jobs}");
    let nodes = std::fs::read_to_string(dir.path().join("nodes.csv")).unwrap();
    assert_eq!(nodes.lines().count(), 2, "one node: {nodes}");
}

#[test]
fn set_with_a_refused_value_or_unknown_path_exits_2_naming_the_override() {
    for setting in [
        "job/parallel-fixed-completions.spec.completions=-1",
        "job/nope.spec.completions=2",
        "cluster.nodePools.worker.cont=2",
    ] {
        let o = run(&[
            "run",
            "scenarios/seed/parallel-fixed-completions.yaml",
            "--quiet",
            "--set",
            setting,
        ]);
        assert_eq!(o.status.code(), Some(2), "{setting}");
        let err = stderr(&o);
        assert!(err.contains(&format!("override {setting}: ")), "{err}");
    }
}
