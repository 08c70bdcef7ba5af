//! Inputs a careless or hostile user may give (issue 10): every one is refused before the
//! run starts, quickly, in bounded memory, with a message naming the file, line, column and
//! field and quoting at most a short excerpt of the input.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::binary::{jobsim, stderr};

const JOB: &str = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: busybox
        command: [sleep, \"1\"]
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn scenario(name_line: &str, body: &str) -> String {
    format!("apiVersion: jobsim/v1\nkind: Scenario\nmetadata:\n  {name_line}\nspec:\n{body}")
}

const ONE_WORKLOAD: &str = "  workloads:\n    - manifest: job.yaml\n";

/// Runs jobsim in `dir` with `args`; returns (exit code, stderr).
fn jobsim_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = jobsim()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the jobsim binary runs");
    (o.status.code(), stderr(&o))
}

fn refused(dir: &Path, args: &[&str]) -> String {
    let (code, err) = jobsim_in(dir, args);
    assert_ne!(code, Some(0), "accepted: {args:?}");
    assert_ne!(code, None, "killed: {args:?}: {err}");
    assert_ne!(code, Some(101), "panicked: {args:?}: {err}");
    err
}

#[test]
fn scenario_names_that_are_not_kubernetes_names_are_refused_by_validate_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("work");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "job.yaml", JOB);
    for (line, shows) in [
        ("name: ../../x", "\"../../x\""),
        ("name: /tmp/abs", "\"/tmp/abs\""),
        ("name: \"\"", "metadata.name: Required value"),
        ("name: .", "\".\""),
        ("name: a/b", "\"a/b\""),
        ("name: \"a\\nb\"", "\"a\\nb\""),
        ("name: Big", "\"Big\""),
    ] {
        let file = write(&dir, "s.yaml", &scenario(line, ONE_WORKLOAD));
        for cmd in ["validate", "run"] {
            let out = dir.join("out");
            let mut args = vec![cmd, file.to_str().unwrap()];
            if cmd == "run" {
                args.extend(["--out", out.to_str().unwrap()]);
            }
            let err = refused(&dir, &args);
            assert!(err.contains("s.yaml:4:9: metadata.name: "), "{line}: {err}");
            assert!(err.contains(shows), "{line}: {err}");
            if !line.contains("\"\"") {
                assert!(
                    err.contains("Invalid value") && err.contains("a lowercase RFC 1123 subdomain"),
                    "{line}: {err}"
                );
            }
            assert!(!out.exists(), "{line}: {cmd} wrote {}", out.display());
        }
    }
    // Nothing was written beside the working folder.
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn bare_manifest_file_names_become_safe_scenario_names() {
    use jobsim::name_from_file;
    assert_eq!(
        name_from_file(Path::new("dir/My Job_v2.yaml"), "run"),
        "my-job-v2"
    );
    assert_eq!(
        name_from_file(Path::new("nightly-etl.yaml"), "run"),
        "nightly-etl"
    );
    assert_eq!(name_from_file(Path::new("a..b.yaml"), "run"), "a.b");
    assert_eq!(name_from_file(Path::new("-.yaml"), "run"), "run");
    assert_eq!(name_from_file(Path::new("\n.yaml"), "run"), "run");
    assert_eq!(name_from_file(Path::new("..."), "run"), "run");
    let long = format!("{}.yaml", "x".repeat(400));
    assert_eq!(name_from_file(Path::new(&long), "run").len(), 253);
}

#[test]
fn deeply_nested_yaml_is_refused_quickly_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let flow = format!("{}\n", "[".repeat(100_000));
    let block: String = (0..20_000).map(|_| "- ").collect::<String>() + "x\n";
    let mapping: String = (0..2_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect::<String>()
        + &" ".repeat(2_000)
        + "v\n";
    for (name, text, at) in [
        // The parser reads flow collections ahead: it stops at its own limit of 255 levels.
        ("flow.yaml", flow, "flow.yaml:1:256: "),
        ("block.yaml", block, "block.yaml:1:401: "),
        ("mapping.yaml", mapping, "mapping.yaml:201:201: "),
    ] {
        write(dir, name, &text);
        let started = Instant::now();
        let err = refused(dir, &["validate", name]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            started.elapsed()
        );
        assert!(err.contains(at), "{name}: {err}");
        assert!(
            err.contains("nesting deeper than 200 levels"),
            "{name}: {err}"
        );
    }
    // Also inside a scenario read through the library.
    let text = scenario(
        "name: deep",
        &format!("  workloads: {}", "[".repeat(100_000)),
    );
    let err = jobsim::load_str(&text, Path::new("s.yaml"), &jobsim::LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("nesting deeper than 200 levels"), "{err}");
}

#[test]
fn node_pools_above_the_node_limit_are_refused() {
    for (pools, shows) in [
        (
            "    - {name: big, count: 2147483648, capacity: {cpu: \"1\", memory: 1Gi}}\n",
            "spec.cluster.nodePools[0].count: Invalid value: 2147483648",
        ),
        (
            "    - {name: a, count: 60000, capacity: {cpu: \"1\", memory: 1Gi}}\n    - {name: b, count: 60000, capacity: {cpu: \"1\", memory: 1Gi}}\n",
            "spec.cluster.nodePools[1].count: Invalid value: 60000: the node pools add up to 120000 nodes",
        ),
    ] {
        let text = scenario(
            "name: many-nodes",
            &format!("  cluster:\n    nodePools:\n{pools}"),
        );
        let err = jobsim::load_str(&text, Path::new("s.yaml"), &jobsim::LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(shows), "{err}");
        assert!(err.contains("more than 100000"), "{err}");
    }
}

#[test]
fn inputs_that_are_not_regular_files_or_too_large_are_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "zero.yaml",
        &scenario("name: zero", "  workloads:\n    - manifest: /dev/zero\n"),
    );
    let err = refused(dir, &["validate", "zero.yaml"]);
    assert!(
        err.contains("zero.yaml:7:17: spec.workloads[0].manifest: cannot read /dev/zero"),
        "{err}"
    );
    assert!(err.contains("not a regular file"), "{err}");
    let err = refused(dir, &["validate", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
    let big = std::fs::File::create(dir.join("big.yaml")).unwrap();
    big.set_len(64 * 1024 * 1024 + 1).unwrap();
    let err = refused(dir, &["validate", "big.yaml"]);
    assert!(err.contains("larger than 64 MiB"), "{err}");
}

#[test]
fn scenarios_with_more_workloads_than_the_limit_are_refused() {
    let workloads: String = "    - manifest: job.yaml\n".repeat(10_001);
    let text = scenario("name: many", &format!("  workloads:\n{workloads}"));
    let err = jobsim::load_str(&text, Path::new("s.yaml"), &jobsim::LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "s.yaml:7:5: spec.workloads: Too many: more than 10000: must have at most 10000 items"
        ),
        "{err}"
    );
}

#[test]
fn error_messages_quote_only_a_short_excerpt_of_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let huge = "y".repeat(1_000_000);
    write(
        dir,
        "job.yaml",
        &JOB.replace("name: pi\n", &format!("name: {huge}\n")),
    );
    let err = refused(dir, &["validate", "job.yaml"]);
    assert!(
        err.contains("metadata.name: Invalid value: \"yyyy"),
        "{err:.500}"
    );
    assert!(err.len() < 4_000, "{} bytes of stderr", err.len());
    // A file given by mistake is not printed back.
    let secret = format!("root:x:0:0:{}:/root:/bin/bash\n", "s".repeat(5_000));
    write(dir, "passwd", &secret);
    write(
        dir,
        "s.yaml",
        &scenario("name: oops", "  workloads:\n    - manifest: passwd\n"),
    );
    let err = refused(dir, &["validate", "s.yaml"]);
    assert!(!err.contains(&"s".repeat(100)), "{err}");
    assert!(err.len() < 2_000, "{} bytes of stderr", err.len());
}

#[test]
fn duplicate_job_names_from_bare_manifests_are_refused_as_already_existing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "a.yaml", JOB);
    let err = refused(dir, &["run", "a.yaml", "a.yaml", "--out", "o"]);
    assert!(
        err.contains("a.yaml:4:9: Error from server (AlreadyExists): jobs.batch \"pi\" already exists (first defined at a.yaml:4:9)"),
        "{err}"
    );
    write(dir, "two.yaml", &format!("{JOB}---\n{JOB}"));
    let err = refused(dir, &["validate", "two.yaml"]);
    assert!(
        err.contains("two.yaml:17:9: Error from server (AlreadyExists): jobs.batch \"pi\" already exists (first defined at two.yaml:4:9)"),
        "{err}"
    );
    assert!(!dir.join("o").exists());
    // A Job and a CronJob may share a name, as in Kubernetes.
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: pi}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n";
    write(dir, "cron.yaml", cron);
    let (code, err) = jobsim_in(dir, &["validate", "a.yaml", "cron.yaml"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut bytes = JOB
        .replace("image: busybox", "image: bus\u{e9}box")
        .into_bytes();
    let at = bytes.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
    bytes[at] = 0xff;
    std::fs::write(dir.join("job.yaml"), &bytes).unwrap();
    let err = refused(dir, &["validate", "job.yaml"]);
    assert!(
        err.contains("job.yaml:11:19: invalid UTF-8 (byte 0xff at offset"),
        "{err}"
    );
}

#[test]
fn a_missing_referenced_manifest_names_the_scenario_line_and_resolved_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sub")).unwrap();
    write(
        &dir.join("sub"),
        "s.yaml",
        &scenario(
            "name: missing",
            "  workloads:\n    - manifest: nowhere/job.yaml\n",
        ),
    );
    let err = refused(dir, &["validate", "sub/s.yaml"]);
    assert!(
        err.contains(
            "sub/s.yaml:7:17: spec.workloads[0].manifest: cannot read sub/nowhere/job.yaml: "
        ),
        "{err}"
    );
}

#[test]
fn horizon_flag_errors_say_what_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "job.yaml", JOB);
    for (h, says) in [
        ("-5m", "durations may not be negative"),
        ("1mo", "months and years have no fixed length"),
        ("1y", "months and years have no fixed length"),
    ] {
        let err = refused(dir, &["run", "job.yaml", "--horizon", h, "--out", "o"]);
        assert!(err.contains("--horizon: invalid duration"), "{h}: {err}");
        assert!(err.contains(says), "{h}: {err}");
    }
}

#[test]
fn a_typo_in_a_distribution_says_which_forms_are_allowed() {
    let text = scenario(
        "name: typo",
        "  cluster:\n    timing:\n      scheduling: {normal: {mean: 1s, stdev: 2s}}\n",
    );
    let err = jobsim::load_str(&text, Path::new("s.yaml"), &jobsim::LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("s.yaml:"), "{err}");
    assert!(err.contains("unknown field `stdev`"), "{err}");
    assert!(err.contains("{normal: {mean, stddev}}"), "{err}");
    assert!(!err.contains("untagged"), "{err}");
}

#[test]
fn unknown_fields_are_errors_by_default_and_validate_relaxes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "job.yaml",
        &JOB.replace("spec:\n  template:", "spec:\n  parallelizm: 3\n  template:"),
    );
    for cmd in ["validate", "run"] {
        let err = refused(
            dir,
            &[cmd, "job.yaml", "--out", "o"][..if cmd == "run" { 4 } else { 2 }],
        );
        assert!(
            err.contains("job.yaml:6:3: strict decoding error: unknown field \"spec.parallelizm\""),
            "{cmd}: {err}"
        );
    }
    let (code, err) = jobsim_in(dir, &["validate", "--validate=warn", "job.yaml"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: job.yaml:6:3: unknown field spec.parallelizm"),
        "{err}"
    );
    let (code, err) = jobsim_in(dir, &["validate", "--validate=ignore", "job.yaml"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("parallelizm"), "{err}");
    // Inline objects of a scenario follow the same rule.
    write(
        dir,
        "s.yaml",
        &scenario("name: inline", "  workloads:\n    - manifest: job.yaml\n"),
    );
    let err = refused(dir, &["validate", "s.yaml"]);
    assert!(err.contains("unknown field \"spec.parallelizm\""), "{err}");
    let (code, err) = jobsim_in(
        dir,
        &[
            "run",
            "s.yaml",
            "--validate",
            "warn",
            "--out",
            "o",
            "--quiet",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn an_output_path_that_is_not_a_folder_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "job.yaml", JOB);
    write(dir, "file", "keep me\n");
    for out in ["/dev/null", "file"] {
        let err = refused(dir, &["run", "job.yaml", "--out", out, "--quiet"]);
        assert!(
            err.contains(&format!("{out}: --out: exists and is not a folder")),
            "{err}"
        );
        assert!(!err.contains("File exists"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("file")).unwrap(),
        "keep me\n"
    );
}
