//! `jobsim sweep` and `jobsim merge` (issue 12): deterministic at any thread count, shards
//! that merge into the unsharded bytes, refusals, the canonical order, resuming.

use std::path::Path;
use std::process::Output;

use crate::binary::{jobsim, root, run, stderr, stdout};

const SCENARIO: &str = "scenarios/teaching/waits-for-capacity.yaml";

/// A small sweep: 3 node counts × 2 parallelisms × 4 seeds = 24 runs.
fn sweep_args() -> Vec<&'static str> {
    vec![
        "sweep",
        SCENARIO,
        "--vary",
        "cluster.nodePools.small.count=1..3",
        "--vary",
        "job/crunch.spec.parallelism=2,4",
        "--seeds",
        "4",
        "--quiet",
    ]
}

fn sweep_into(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let out = dir.to_string_lossy().into_owned();
    let mut cmd = jobsim();
    cmd.args(sweep_args())
        .args(["--out", &out])
        .args(extra)
        .current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    o
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

fn assert_same_files(a: &Path, b: &Path) {
    for f in [
        "sweep.csv",
        "aggregate.csv",
        "sweep.json",
        "vary-1.svg",
        "vary-2.svg",
        "tradeoff.svg",
        "report.html",
    ] {
        assert!(read(a, f) == read(b, f), "{f} differs");
    }
}

fn merge(dirs: &[&Path], out: &Path) -> Output {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(dirs.iter().map(|d| d.to_string_lossy().into_owned()));
    args.extend(["--out".into(), out.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

#[test]
fn sweep_files_are_byte_identical_with_one_and_two_threads() {
    let t = tempfile::tempdir().unwrap();
    let (one, two) = (t.path().join("one"), t.path().join("two"));
    sweep_into(&one, &[], &[("RAYON_NUM_THREADS", "1")]);
    sweep_into(&two, &[], &[("RAYON_NUM_THREADS", "2")]);
    assert_same_files(&one, &two);
    let csv = String::from_utf8(read(&one, "sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 24, "a header and one row per run");
    assert!(csv.starts_with(
        "run,scenario,cluster.nodePools.small.count,job/crunch.spec.parallelism,seed,all_complete,\
         makespan,pods_created,pods_failed,wait_p50,wait_p95,cpu_utilisation,node_hours,cost,\
         job/crunch.outcome,job/crunch.finished\n"
    ));
    let aggregate = String::from_utf8(read(&one, "aggregate.csv")).unwrap();
    assert_eq!(
        aggregate.lines().count(),
        1 + 6,
        "a header and one row per variant"
    );
}

#[test]
fn shards_one_two_three_merged_equal_the_unsharded_sweep() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    sweep_into(&whole, &[], &[]);
    let s1 = t.path().join("s1");
    let s2 = t.path().join("s2");
    let s3 = t.path().join("s3");
    sweep_into(&s1, &["--shard", "1/3"], &[]);
    // Shard 2 as a Kubernetes Indexed Job's pod sees it (0-based index).
    sweep_into(
        &s2,
        &["--shard", "auto", "--shards", "3"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    // Shard 3 as a Slurm array task of --array=1-3 sees it.
    sweep_into(
        &s3,
        &["--shard", "auto"],
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    assert!(
        !s1.join("aggregate.csv").exists(),
        "a shard has no aggregate"
    );
    let merged = t.path().join("merged");
    let o = merge(&[&s3, &s1, &s2], &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_same_files(&whole, &merged);
}

#[test]
fn single_runs_merge_into_the_unsharded_sweep_too() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    sweep_into(&whole, &[], &[]);
    let parts: Vec<_> = (0..24)
        .map(|k| {
            let d = t.path().join(format!("run-{k}"));
            sweep_into(&d, &["--run-index", &k.to_string()], &[]);
            d
        })
        .collect();
    let refs: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
    let merged = t.path().join("merged");
    let o = merge(&refs, &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_same_files(&whole, &merged);
}

#[test]
fn merge_refuses_a_shard_of_another_sweep_and_names_a_missing_shard() {
    let t = tempfile::tempdir().unwrap();
    let s1 = t.path().join("s1");
    let s2 = t.path().join("s2");
    sweep_into(&s1, &["--shard", "1/2"], &[]);
    sweep_into(&s2, &["--shard", "2/2"], &[]);
    // The same shard of a sweep from another first seed is another sweep.
    let other = t.path().join("other");
    sweep_into(&other, &["--shard", "2/2", "--set", "seed=9"], &[]);
    let out = t.path().join("merged");
    let o = merge(&[&s1, &other], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a part of the same sweep"),
        "{}",
        stderr(&o)
    );
    let o = merge(&[&s1], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing shard 2/2"), "{}", stderr(&o));
    let o = merge(&[&s1, &s2, &s2], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is in both"), "{}", stderr(&o));
    assert!(!out.exists(), "a refused merge writes nothing");
}

#[test]
fn an_unknown_path_or_a_refused_value_exits_2_naming_it_before_any_run() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    for (vary, named) in [
        (
            "job/crunch.spec.parallelism=2,-1",
            "job/crunch.spec.parallelism=-1",
        ),
        ("job/nope.spec.parallelism=2", "job/nope.spec.parallelism=2"),
        (
            "cluster.nodePools.small.cout=2",
            "cluster.nodePools.small.cout=2",
        ),
    ] {
        let o = run(&["sweep", SCENARIO, "--vary", vary, "--out", &out_s]);
        assert_eq!(o.status.code(), Some(2), "{vary}");
        assert!(stderr(&o).contains(named), "{vary}: {}", stderr(&o));
        assert!(!out.exists(), "nothing ran");
    }
    let o = run(&[
        "sweep",
        SCENARIO,
        "--vary",
        "job/crunch.spec.parallelism=5..1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("below the start"), "{}", stderr(&o));
}

#[test]
fn list_runs_prints_the_canonical_order_first_vary_outermost_then_seeds() {
    let o = run(&[
        "sweep",
        SCENARIO,
        "--vary",
        "cluster.nodePools.small.count=1,2",
        "--vary",
        "job/crunch.spec.parallelism=2,4",
        "--seeds",
        "2",
        "--set",
        "seed=7",
        "--list-runs",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let runs: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 8);
    let key = |r: &serde_json::Value| {
        (
            r["run"].as_u64().unwrap(),
            r["values"]["cluster.nodePools.small.count"]
                .as_str()
                .unwrap()
                .to_string(),
            r["values"]["job/crunch.spec.parallelism"]
                .as_str()
                .unwrap()
                .to_string(),
            r["seed"].as_u64().unwrap(),
        )
    };
    let got: Vec<_> = runs.iter().map(key).collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (0, s("1"), s("2"), 7),
            (1, s("1"), s("2"), 8),
            (2, s("1"), s("4"), 7),
            (3, s("1"), s("4"), 8),
            (4, s("2"), s("2"), 7),
            (5, s("2"), s("2"), 8),
            (6, s("2"), s("4"), 7),
            (7, s("2"), s("4"), 8),
        ]
    );
}

#[test]
fn several_files_are_variants_of_their_own() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    let o = run(&[
        "sweep",
        "scenarios/seed/non-parallel-job.yaml",
        "scenarios/seed/parallel-fixed-completions.yaml",
        "--seeds",
        "3",
        "--out",
        &out_s,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let aggregate = String::from_utf8(read(&out, "aggregate.csv")).unwrap();
    let variants: Vec<&str> = aggregate.lines().skip(1).collect();
    assert_eq!(variants.len(), 2);
    assert!(variants[0].starts_with("0,scenarios/seed/non-parallel-job.yaml,3,"));
    assert!(variants[1].starts_with("1,scenarios/seed/parallel-fixed-completions.yaml,3,"));
}

#[test]
fn resume_runs_only_the_missing_runs_and_gives_the_uninterrupted_bytes() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    sweep_into(&whole, &[], &[]);
    // An interrupted sweep as Ctrl-C leaves it: some rows, `complete: false`, no aggregate.
    let cut = t.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    let csv = String::from_utf8(read(&whole, "sweep.csv")).unwrap();
    let kept: Vec<&str> = csv
        .lines()
        .enumerate()
        .filter(|(i, _)| *i == 0 || i % 3 == 1)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(cut.join("sweep.csv"), kept.join("\n") + "\n").unwrap();
    let json = String::from_utf8(read(&whole, "sweep.json")).unwrap();
    assert!(json.contains("\"complete\": true"));
    std::fs::write(
        cut.join("sweep.json"),
        json.replace("\"complete\": true", "\"complete\": false"),
    )
    .unwrap();
    let cut_s = cut.to_string_lossy().into_owned();
    let mut args = sweep_args();
    args.extend(["--resume", &cut_s]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_same_files(&whole, &cut);

    // A folder of another sweep is refused.
    let o = run(&["sweep", SCENARIO, "--seeds", "4", "--resume", &cut_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds another sweep"), "{}", stderr(&o));
}

#[test]
fn ctrl_c_keeps_the_finished_runs_and_prints_how_to_resume() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    // Far more runs than finish in the moment before the signal.
    let child = jobsim()
        .args([
            "sweep", SCENARIO, "--seeds", "1000000", "--quiet", "--out", &out_s,
        ])
        .current_dir(root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it runs (its plan is made) before interrupting it.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let json = String::from_utf8(read(&out, "sweep.json")).unwrap();
    assert!(json.contains("\"complete\": false"), "{json}");
    assert!(!out.join("aggregate.csv").exists());
    let rows = String::from_utf8(read(&out, "sweep.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(rows > 0 && rows < 1_000_000, "{rows} rows");
}

#[test]
fn sweep_help_explains_values_order_shards_and_outputs() {
    let o = run(&["sweep", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for needle in [
        "0..100:25",
        "Canonical order",
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "aggregate.csv",
        "--resume",
        "jobsim merge",
    ] {
        assert!(text.contains(needle), "{needle} missing from --help");
    }
}
