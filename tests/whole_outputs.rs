//! Whole outputs under every failure, and bounded runs (issue 10, defects 1-3, 7, 8, 15):
//! concurrent runs into one folder, runs killed or interrupted at any moment, planted
//! symlinks, stale charts, failing sinks, absurd widths and runs that never end.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use jobsim::SimulateError;
use jobsim::record::{EventRecord, JobRecord, PodRecord, Sink, SinkError};

use crate::binary::{jobsim, root, run, run_to, stderr};

/// The hundred-thousand-pods benchmark cut to `pods` pods: long enough (a second or two in
/// a debug build) to be killed mid-run.
fn bench_scenario(dir: &Path, pods: u32) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/bench/hundred-thousand-pods.yaml"))
        .unwrap()
        .replace("completions: 100000", &format!("completions: {pods}"));
    let path = dir.join("bench.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every file of a folder with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        out.insert(name, std::fs::read(entry.path()).unwrap());
    }
    out
}

fn spawn(scenario: &Path, out: &Path, seed: u64) -> Child {
    jobsim()
        .args(["run", "--quiet", "--no-charts", "--seed", &seed.to_string()])
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The files of a clean run of `scenario` with `seed`.
fn clean_run(scenario: &Path, seed: u64) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = spawn(scenario, &out, seed).wait().unwrap();
    assert!(status.success());
    files(&out)
}

/// The temporary folders left beside `out`.
fn temporaries(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jobsim-tmp-"))
        .collect()
}

#[test]
fn two_runs_into_one_out_leave_exactly_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = bench_scenario(dir.path(), 5_000);
    let seven = clean_run(&scenario, 7);
    let eight = clean_run(&scenario, 8);
    assert_ne!(seven, eight);
    for _ in 0..3 {
        let out = dir.path().join("together");
        let mut a = spawn(&scenario, &out, 7);
        let mut b = spawn(&scenario, &out, 8);
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        let got = files(&out);
        assert!(got == seven || got == eight, "a mix of two runs");
        assert!(temporaries(dir.path()).is_empty());
        let o = run(&["report", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// Starts a run with `seed` into a folder holding a clean run of seed 1, sends `signal`
/// after `delay`, and checks the folder holds seed 1's run or the new one, whole.
fn kill_trial(scenario: &Path, previous: &BTreeMap<String, Vec<u8>>, signal: i32, delay: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for (name, bytes) in previous {
        std::fs::write(out.join(name), bytes).unwrap();
    }
    let mut child = spawn(scenario, &out, 2);
    std::thread::sleep(delay);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    let got = files(&out);
    if got != *previous {
        assert_eq!(
            got,
            clean_run(scenario, 2),
            "neither the old run nor the new one"
        );
    }
    if signal == libc::SIGINT {
        // Exit 130, or 0 when the run had finished; a signal before jobsim installed its
        // handler (before any file exists) ends it as SIGINT does.
        use std::os::unix::process::ExitStatusExt;
        assert!(
            matches!(status.code(), Some(0) | Some(130)) || status.signal() == Some(libc::SIGINT),
            "{status:?}"
        );
        assert!(
            temporaries(dir.path()).is_empty(),
            "a temporary folder remains"
        );
    }
}

#[test]
fn a_run_killed_or_interrupted_at_any_moment_leaves_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = bench_scenario(dir.path(), 5_000);
    let previous = clean_run(&scenario, 1);
    let start = Instant::now();
    let _ = clean_run(&scenario, 2);
    let length = start.elapsed();
    for signal in [libc::SIGKILL, libc::SIGINT] {
        for i in 0..10u32 {
            kill_trial(&scenario, &previous, signal, length * i / 9);
        }
    }
}

#[test]
fn sigint_removes_the_temporary_folder_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    // A million pods: seconds even in a release build, so the signal lands mid-run.
    let scenario = bench_scenario(dir.path(), 1_000_000);
    let out = dir.path().join("out");
    let mut child = spawn(&scenario, &out, 2);
    // The run is under way once its temporary folder exists (the handler is installed
    // before it is created); a fixed sleep let a fast build finish first.
    let started = std::time::Instant::now();
    while temporaries(dir.path()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never created its temporary folder"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!out.exists());
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_symlink_planted_at_the_old_temporary_names_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let out = dir.path().join("out");
    run_to("scenarios/seed/non-parallel-job.yaml", &out, &[]);
    for name in [
        ".summary.json.tmp",
        ".objects.json.tmp",
        ".nodes.csv.tmp",
        ".events.csv.tmp",
        ".pods.csv.tmp",
        ".jobs.csv.tmp",
        ".report.html.partial",
        ".timeline.svg.partial",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    run_to("scenarios/seed/non-parallel-job.yaml", &out, &[]);
    let o = run(&["report", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    // The CSV sink used directly, too.
    let mut sink = jobsim::record::CsvSink::create(&out).unwrap();
    sink.event(&EventRecord {
        time: 0,
        object: jobsim::record::ObjectRef::Job("j"),
        reason: jobsim::record::Reason::Completed,
        message: "m",
        event_type: jobsim::record::EventType::Normal,
        count: 1,
        first: 0,
    })
    .unwrap();
    sink.finish().unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_stale_schedule_svg_of_a_cronjob_run_does_not_survive_a_job_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_to("scenarios/seed/cron-sample-job.yaml", &out, &[]);
    assert!(out.join("schedule.svg").exists());
    run_to("scenarios/seed/non-parallel-job.yaml", &out, &[]);
    assert!(!out.join("schedule.svg").exists());
    assert!(!out.join("schedule.png").exists());
    assert!(out.join("timeline.svg").exists());
}

#[test]
fn a_folder_of_the_users_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("schedule.svg"), "mine too").unwrap();
    run_to("scenarios/seed/non-parallel-job.yaml", &out, &[]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("schedule.svg")).unwrap(),
        "mine too"
    );
    assert!(out.join("summary.json").exists());
    assert!(!out.join(".jobsim-run").exists());
}

/// Takes `room` records, then fails every one; counts the calls after the first failure.
struct Failing {
    room: usize,
    calls_after_failure: usize,
}

impl Failing {
    fn take(&mut self) -> Result<(), SinkError> {
        if self.room == 0 {
            self.calls_after_failure += 1;
            return Err(SinkError {
                path: PathBuf::from("events.csv"),
                source: std::io::Error::from(std::io::ErrorKind::StorageFull),
            });
        }
        self.room -= 1;
        Ok(())
    }
}

impl Sink for Failing {
    fn event(&mut self, _: &EventRecord<'_>) -> Result<(), SinkError> {
        self.take()
    }
    fn pod(&mut self, _: &PodRecord<'_>) -> Result<(), SinkError> {
        self.take()
    }
    fn job(&mut self, _: &JobRecord<'_>) -> Result<(), SinkError> {
        self.take()
    }
}

#[test]
fn a_sink_that_fails_stops_the_run_at_once() {
    let (mut scenarios, _) = jobsim::load_files(
        &[root().join("scenarios/bench/hundred-thousand-pods.yaml")],
        &jobsim::LoadOptions::default(),
    )
    .unwrap();
    let scenario = scenarios.remove(0);
    let mut sink = Failing {
        room: 100,
        calls_after_failure: 0,
    };
    let mut progress_calls = 0;
    let result = jobsim::simulate_observed(&scenario, &mut sink, None, &mut |_| {
        progress_calls += 1;
        ControlFlow::Continue(())
    });
    let Err(SimulateError::Sink(e)) = result else {
        panic!("the sink's error is returned");
    };
    assert_eq!(e.path, Path::new("events.csv"));
    // The failing record is the only one sent after the room ran out, and the run did not
    // get far enough to report progress.
    assert_eq!(sink.calls_after_failure, 1);
    assert_eq!(progress_calls, 0);
}

#[test]
fn a_record_limit_stops_the_run_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = bench_scenario(dir.path(), 20_000);
    let out = dir.path().join("out");
    for (flag, value, named) in [
        ("--max-pods", "1000", "--max-pods"),
        ("--max-events", "1000", "--max-events"),
        ("--max-output-gib", "0", "--max-output-gib"),
    ] {
        let o = jobsim()
            .args(["run", "--quiet", "--no-charts", flag, value, "--out"])
            .arg(&out)
            .arg(&scenario)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(named), "{}", stderr(&o));
        assert!(stderr(&o).contains("limit"), "{}", stderr(&o));
        assert!(!out.exists());
        assert!(temporaries(dir.path()).is_empty());
    }
}

#[test]
fn report_text_width_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_to(
        "scenarios/seed/non-parallel-job.yaml",
        &out,
        &["--no-charts"],
    );
    for width in ["65550", "18446744073709551615", "1000000000", "19"] {
        let o = run(&["report", out.to_str().unwrap(), "--text", width]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("20..=1000"), "{}", stderr(&o));
    }
    let o = run(&["report", out.to_str().unwrap(), "--text", "1000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

const ENDLESS_JOB: &str = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: endless
spec:
  completions: 2147483647
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: [\"sleep\", \"2592000\"]
";

#[test]
fn a_job_that_never_ends_stops_at_the_default_bound_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("endless.yaml");
    std::fs::write(&job, ENDLESS_JOB).unwrap();
    let out = dir.path().join("out");
    let o = jobsim()
        .args(["run", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .arg(&job)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("default bound of 365d"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--horizon"), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["horizonReached"],
        serde_json::json!(true),
        "{summary}"
    );
}

#[test]
fn a_horizon_above_ten_years_is_refused() {
    let o = run(&[
        "run",
        "scenarios/seed/non-parallel-job.yaml",
        "--horizon",
        "3651d",
        "--out",
        "/nonexistent/never",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("ten years"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.yaml");
    let text = std::fs::read_to_string(root().join("scenarios/bench/cron-year.yaml")).unwrap();
    let text = text.replace("horizon: 365d", "horizon: 365000d");
    std::fs::write(&scenario, text).unwrap();
    let o = run(&["validate", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("ten years"), "{}", stderr(&o));
}
