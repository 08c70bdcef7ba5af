//! `jobsim check`: expectations judged after a run, their lines, the exit codes and the
//! JUnit report (issue: regression gates for CI).

use std::path::Path;

use crate::binary::{run, stderr, stdout};

/// A scenario of one Job of 6 completions, 3 at a time, 5 s each: two waves, done at
/// 14.040 s (20 ms scheduling + 1 s start-up + 5 s, twice, and the 1 s batched sync that
/// creates the second wave).
fn scenario(expect: &str) -> String {
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: gate}}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: etl}}
        spec:
          completions: 6
          parallelism: 3
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: etl, image: busybox, command: ["sleep", "5"]}}]
  expect:
{expect}"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// The tags of an XML document, checked to nest: a small well-formedness check (no XML
/// crate is a dependency). Returns the opening tag names in order.
fn xml_tags(xml: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        let end = rest[at..].find('>').expect("tag closes") + at;
        let tag = &rest[at + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') {
            continue;
        }
        assert!(!tag.contains('<'), "a `<` inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name),
                "mismatched close {name}"
            );
        } else {
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            opened.push(name.to_string());
            if !tag.ends_with('/') {
                stack.push(name.to_string());
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    opened
}

#[test]
fn a_deadline_that_cannot_be_met_fails_with_the_makespan_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "gate.yaml",
        &scenario(
            "    - {job: etl, condition: Complete}\n    - {metric: makespan, lessThan: 10s}\n    - {job: etl, condition: Complete, within: 12s}\n",
        ),
    );
    let junit = dir.path().join("junit.xml");
    let o = run(&["check", &file, "--junit", junit.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("PASS job/etl Complete: completed at 14.040s"),
        "{text}"
    );
    assert!(
        text.contains("FAIL makespan less than 10s: makespan 14.040s"),
        "{text}"
    );
    assert!(
        text.contains("FAIL job/etl Complete within 12s: completed at 14.040s"),
        "{text}"
    );
    assert!(
        text.contains("3 expectation(s), 1 passed, 2 failed"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let tags = xml_tags(&xml);
    let printed = text
        .lines()
        .filter(|l| l.starts_with("  PASS") || l.starts_with("  FAIL"));
    assert_eq!(
        tags.iter().filter(|t| *t == "testcase").count(),
        printed.count()
    );
    assert_eq!(
        tags.iter().filter(|t| *t == "failure").count(),
        text.lines().filter(|l| l.starts_with("  FAIL")).count()
    );
    assert!(xml.contains("makespan 14.040s"), "{xml}");
}

#[test]
fn every_expectation_holding_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "gate.yaml",
        &scenario(
            "    - {job: etl, succeeded: 6}\n    - {job: etl, maxRunning: {atMost: 3}}\n    - {job: etl, waves: 2}\n",
        ),
    );
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("ok: 1 scenario(s): 3 expectation(s), 3 passed, 0 failed"));
}

#[test]
fn an_expectation_naming_a_job_that_does_not_exist_exits_two_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "gate.yaml",
        &scenario("    - {job: etl, succeeded: 6}\n    - {job: elt, succeeded: 6}\n"),
    );
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("{file}:19:")), "{err}");
    assert!(
        err.contains("spec.expect[1].job: Not found: \"elt\""),
        "{err}"
    );
}

#[test]
fn a_malformed_scenario_exits_two_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "gate.yaml",
        &scenario("    - {job: etl, succeded: 6}\n"),
    );
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{file}:18:")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_probabilistic_expectation_gives_the_same_verdict_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {name: flaky}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: etl}
        spec:
          backoffLimit: 1
          template:
            spec:
              restartPolicy: Never
              containers: [{name: etl, image: busybox}]
      behavior:
        duration: 5s
        failure: {probability: 0.3, exitCode: 1}
  expect:
    - {job: etl, condition: Complete, probability: {seeds: 40, atLeast: 0.95}}
"#;
    let file = write(dir.path(), "flaky.yaml", text);
    let one = run(&["check", &file, "--jobs", "1"]);
    let two = run(&["check", &file, "--jobs", "2"]);
    assert_eq!(stdout(&one), stdout(&two));
    let line = stdout(&one);
    assert!(
        line.contains("job/etl Complete in at least 95% of 40 seeds: held in"),
        "{line}"
    );
    assert!(line.contains("95% CI"), "{line}");
}

#[test]
fn run_prints_the_verdicts_and_exits_one_only_with_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "gate.yaml",
        &scenario("    - {job: etl, succeeded: 5}\n"),
    );
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let plain = run(&["run", &file, "--out", out, "--no-charts"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(
        stdout(&plain).contains("  FAIL job/etl succeeded 5: succeeded 6"),
        "{}",
        stdout(&plain)
    );
    let checked = run(&["run", &file, "--out", out, "--no-charts", "--check"]);
    assert_eq!(checked.status.code(), Some(1), "{}", stderr(&checked));
    assert!(stderr(&checked).contains("1 of 1 expectations failed"));
}

#[test]
fn the_shipped_scenarios_pass_their_own_expectations() {
    let o = run(&["check", "scenarios/"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    // Every shipped scenario and seed manifest states its lesson.
    assert!(!text.contains("no expectations"), "{text}");
    assert!(text.contains("ok: 31 scenario(s)"), "{text}");
}

#[test]
fn a_changed_manifest_field_fails_with_a_line_that_names_its_effect() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string("scenarios/seed/parallel-fixed-completions.yaml").unwrap();
    let changed = seed.replace("parallelism: 3", "parallelism: 6");
    assert_ne!(seed, changed);
    let file = write(dir.path(), "parallel-fixed-completions.yaml", &changed);
    std::fs::copy(
        "scenarios/seed/parallel-fixed-completions.expect.yml",
        dir.path().join("parallel-fixed-completions.expect.yml"),
    )
    .unwrap();
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "FAIL job/parallel-fixed-completions pods running at once at most 3: at most 6 at once"
        ),
        "{text}"
    );
    assert!(
        text.contains("FAIL job/parallel-fixed-completions pods created in 2 waves: 1 wave"),
        "{text}"
    );
}

/// The scenario of the golden-output tests.
const FILE: &str = "scenarios/teaching/backoff-limit-exceeded.yaml";

/// A temporary folder holding `golden/`, where `jobsim check --golden --bless` wrote the
/// golden copies of `file`'s run.
fn blessed_golden(file: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let blessed = run(&[
        "check",
        file,
        "--golden",
        golden.to_str().unwrap(),
        "--bless",
    ]);
    assert_eq!(blessed.status.code(), Some(0), "{}", stderr(&blessed));
    (dir, golden)
}

#[test]
fn golden_outputs_blessed_then_compared_pass_and_a_moved_value_names_the_pod_and_field() {
    let (_dir, golden) = blessed_golden(FILE);
    let golden_arg = golden.to_str().unwrap();
    let file = FILE;
    let same = run(&["check", file, "--golden", golden_arg]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    // Only the jobsim version is volatile: another version still compares equal.
    let summary = golden.join("backoff-limit-exceeded/summary.json");
    let text = std::fs::read_to_string(&summary).unwrap();
    let other = text.replace(
        &format!("\"jobsim\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"jobsim\": \"0.0.0-old\"",
    );
    assert_ne!(text, other);
    std::fs::write(&summary, other).unwrap();
    // A pod that finished at another time in the golden copy.
    let pods = golden.join("backoff-limit-exceeded/pods.csv");
    let text = std::fs::read_to_string(&pods).unwrap();
    std::fs::write(&pods, text.replace(",22.020,Failed", ",21.020,Failed")).unwrap();
    let moved = run(&["check", file, "--golden", golden_arg]);
    assert_eq!(moved.status.code(), Some(1), "{}", stdout(&moved));
    let out = stdout(&moved);
    assert!(
        out.contains("pods.csv: pod always-fails-s7fnf: finished \"21.020\" → \"22.020\""),
        "{out}"
    );
    assert!(!out.contains("summary.json"), "{out}");
}

#[test]
fn golden_copies_too_large_to_read_whole_are_refused_each_as_one_difference() {
    let (_dir, golden) = blessed_golden(FILE);
    let golden_arg = golden.to_str().unwrap();
    let file = FILE;
    let copies = golden.join("backoff-limit-exceeded");
    // pods.csv: the header, then zeros to twice the row limit (sparse files: nothing is
    // written). objects.json: one byte past the JSON limit.
    let pods = copies.join("pods.csv");
    let header = std::fs::read_to_string(&pods).unwrap();
    let header = header.lines().next().unwrap().to_string() + "\n";
    std::fs::write(&pods, &header).unwrap();
    let file_of = |path: &Path| std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file_of(&pods)
        .set_len(2 * jobsim::record::schema::MAX_ROW_BYTES)
        .unwrap();
    file_of(&copies.join("objects.json"))
        .set_len(jobsim::check::golden::MAX_JSON_BYTES + 1)
        .unwrap();
    let refused = run(&["check", file, "--golden", golden_arg]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let out = stdout(&refused);
    assert!(
        out.contains(
            "pods.csv: golden copy, line 2: more than 67108864 bytes in one row: not a CSV \
             file jobsim wrote, not compared"
        ),
        "{out}"
    );
    assert!(
        out.contains("objects.json: larger than 268435456 bytes (golden copy 268435457 bytes"),
        "{out}"
    );
    // The other files are compared as before: they still match.
    for name in ["summary.json", "jobs.csv", "events.csv"] {
        assert!(!out.contains(&format!("{name}:")), "{out}");
    }
}

#[test]
fn manifests_come_from_standard_input_folders_and_kubectls_dash_f() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = crate::binary::jobsim()
        .args([
            "run",
            "-",
            "--out",
            out.to_str().unwrap(),
            "--no-charts",
            "-q",
        ])
        .current_dir(crate::binary::root())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let manifest = std::fs::read("scenarios/seed/non-parallel-job.yaml").unwrap();
    child.stdin.take().unwrap().write_all(&manifest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let jobs = std::fs::read_to_string(out.join("jobs.csv")).unwrap();
    assert!(jobs.contains("non-parallel-job,"), "{jobs}");

    let o = run(&["validate", "-f", "scenarios/seed"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let listed: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    // Folders are walked in byte order; a manifest's expectations file is not an input.
    assert_eq!(
        listed,
        [
            "scenarios/seed/cron-sample-job.yaml",
            "scenarios/seed/indexed-parallel-job.yaml",
            "scenarios/seed/non-parallel-job.yaml",
            "scenarios/seed/parallel-fixed-completions.yaml",
        ]
    );
}

#[test]
fn the_help_of_check_completions_and_man_states_the_exit_codes() {
    for command in ["check", "completions", "man"] {
        let o = run(&[command, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("Exit codes: 0"), "{command}: {text}");
        assert!(text.contains("2 bad input or usage"), "{command}: {text}");
        assert!(
            text.contains("3 an output could not be written"),
            "{command}: {text}"
        );
    }
    assert!(stdout(&run(&["check", "--help"])).contains("1 an expectation failed"));
    assert!(stdout(&run(&["--help"])).contains("1 `check` (or `run --check`) found a failed"));
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("check"), "{shell}");
    }
    let man = run(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    assert!(stdout(&man).contains(".TH jobsim 1"), "{}", stdout(&man));
}
