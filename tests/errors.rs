//! One test per kind of input error: each message names the file, line and column, the
//! field, and what is allowed, and quotes at most a short excerpt of the input. Inputs are
//! loaded through the library (`scenario::load_inputs`, what `jobsim run` and `validate`
//! call); positions are those of the offending value in the file written here.
//!
//! Kinds already pinned exactly elsewhere, not repeated here:
//! - names that are not Kubernetes names, nesting over 200 levels, pools over the node
//!   limit, more workloads than the limit, non-regular and over-64-MiB files, long values
//!   quoted as a short excerpt, duplicate bare Job names (`AlreadyExists`), invalid UTF-8,
//!   a missing referenced manifest, `--horizon` forms, a typo in a distribution, unknown
//!   manifest fields and `--validate`, `--out` that is not a folder (`robustness.rs`);
//! - an out-of-range value (`negative-completions`), an unknown kind, a missing file, a
//!   bad duration in a scenario (`at: soon`), rejected cron schedules on `jobsim cron`, a
//!   bad `--from`, `timeZone: Local` (`cli.rs`).

/// Loads `text` written as `name` in a fresh folder; the error message it gives.
fn error_of(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    match jobsim::load_files(&[path], &jobsim::LoadOptions::default()) {
        Ok(_) => panic!("{name} was accepted:\n{text}"),
        // Shown relative to the folder, as a user who ran `jobsim validate NAME` there sees it.
        Err(e) => e
            .to_string()
            .replace(&format!("{}/", dir.path().display()), ""),
    }
}

/// The message starts with `file:line:col: field`, says `allowed`, and stays short.
fn assert_names(err: &str, at: &str, field: &str, allowed: &str) {
    assert!(
        err.starts_with(&format!("{at}: {field}")),
        "want {at}: {field}…, got: {err}"
    );
    assert!(err.contains(allowed), "does not say {allowed:?}: {err}");
    assert!(err.len() <= 400, "{} bytes: {err}", err.len());
}

/// A Job whose spec gets `spec_line` (line 6) and whose container gets `container_line`
/// (line 13).
fn job(spec_line: &str, container_line: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  {spec_line}\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: main\n          image: perl\n          {container_line}\n"
    )
}

/// A scenario whose spec gets `spec_line` (line 6) and whose one workload's behaviour gets
/// `behavior_line` (line 18).
fn scenario(spec_line: &str, behavior_line: &str) -> String {
    format!(
        "apiVersion: jobsim/v1\nkind: Scenario\nmetadata:\n  name: s\nspec:\n  {spec_line}\n  workloads:\n    - object:\n        apiVersion: batch/v1\n        kind: Job\n        metadata: {{name: pi}}\n        spec:\n          template:\n            spec:\n              restartPolicy: Never\n              containers: [{{name: main, image: perl}}]\n      behavior:\n        {behavior_line}\n"
    )
}

#[test]
fn yaml_syntax_errors_name_where_the_parser_stopped() {
    let err = error_of("job.yaml", &job("completions: [1, 2", ""));
    // The flow sequence opened at 6:16 is not closed before `template:` on line 7.
    assert!(err.starts_with("job.yaml:7:"), "{err}");
    assert!(
        err.contains("flow sequence") && err.contains("']'"),
        "{err}"
    );
    assert!(err.len() <= 400, "{err}");
}

#[test]
fn yaml_syntax_errors_give_the_position_once() {
    let err = error_of("job.yaml", &job("completions: [1, 2", ""));
    assert_eq!(err.matches("line 7").count(), 0, "{err}");
}

#[test]
fn a_value_of_the_wrong_type_says_which_type_is_allowed() {
    let err = error_of("job.yaml", &job("completions: many", ""));
    assert_names(
        &err,
        "job.yaml:6:16",
        "spec.completions",
        "must be an integer",
    );
}

#[test]
fn an_unsupported_enum_value_lists_the_supported_values() {
    let err = error_of("job.yaml", &job("completionMode: Sometimes", ""));
    assert_names(
        &err,
        "job.yaml:6:19",
        "spec.completionMode",
        "supported values: \"NonIndexed\", \"Indexed\"",
    );
}

#[test]
fn an_integer_beyond_int32_says_the_allowed_range() {
    let err = error_of("job.yaml", &job("parallelism: 99999999999999999999", ""));
    assert_names(&err, "job.yaml:6:16", "spec.parallelism", "2147483647");
}

#[test]
fn a_bad_quantity_in_a_manifest_says_the_allowed_form() {
    let err = error_of(
        "job.yaml",
        &job("parallelism: 2", "resources: {requests: {cpu: 2 cores}}"),
    );
    assert_names(
        &err,
        "job.yaml:13:39",
        "spec.template.spec.containers[0].resources.requests[cpu]",
        "quantities must match the regular expression",
    );
    assert!(err.contains("\"2 cores\""), "{err}");
}

#[test]
fn a_bad_quantity_in_a_scenario_says_the_allowed_form() {
    let err = error_of(
        "s.yaml",
        &scenario(
            "cluster: {nodePools: [{name: p, count: 1, capacity: {cpu: lots, memory: 1Gi}}]}",
            "duration: 5s",
        ),
    );
    assert_names(
        &err,
        "s.yaml:6:61",
        "spec.cluster.nodePools[0].capacity.cpu",
        "quantities must match the regular expression",
    );
    let err = error_of("s.yaml", &scenario("horizon: 1h", "memory: {peak: 1 GB}"));
    assert_names(
        &err,
        "s.yaml:18:24",
        "spec.workloads[0].behavior.memory.peak",
        "quantities must match the regular expression",
    );
}

#[test]
fn a_bad_cron_schedule_in_a_manifest_says_the_field_bounds() {
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"61 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: main, image: perl}]\n";
    let err = error_of("cron.yaml", text);
    assert_names(
        &err,
        "cron.yaml:6:13",
        "spec.schedule",
        "above maximum (59)",
    );
}

#[test]
fn an_unknown_time_zone_names_the_field() {
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 0 * * *\"\n  timeZone: Mars/Base\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: main, image: perl}]\n";
    let err = error_of("tz.yaml", text);
    assert_names(&err, "tz.yaml:7:13", "spec.timeZone", "unknown time zone");
}

#[test]
fn an_unknown_time_zone_says_what_is_allowed() {
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 0 * * *\"\n  timeZone: Mars/Base\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: main, image: perl}]\n";
    let err = error_of("tz.yaml", text);
    assert_names(&err, "tz.yaml:7:13", "spec.timeZone", "IANA");
}

#[test]
fn an_unknown_scenario_field_lists_the_allowed_fields() {
    let err = error_of("s.yaml", &scenario("horizn: 1h", "duration: 5s"));
    assert_names(
        &err,
        "s.yaml:6:3",
        "spec",
        "unknown field `horizn`, expected one of `seed`",
    );
    let err = error_of("s.yaml", &scenario("horizon: 1h", "duraton: 5s"));
    assert_names(
        &err,
        "s.yaml:18:9",
        "spec.workloads[0].behavior",
        "unknown field `duraton`, expected one of `duration`",
    );
}

#[test]
fn a_malformed_distribution_names_the_forms_allowed() {
    let err = error_of(
        "s.yaml",
        &scenario("horizon: 1h", "duration: {uniform: [10s]}"),
    );
    assert!(err.starts_with("s.yaml:18:"), "{err}");
    assert!(err.contains("spec.workloads[0].behavior"), "{err}");
    assert!(err.contains("{uniform: [a, b]}"), "{err}");
    assert!(err.len() <= 400, "{err}");
}

#[test]
fn a_malformed_distribution_names_its_own_field() {
    let err = error_of(
        "s.yaml",
        &scenario("horizon: 1h", "duration: {uniform: [10s]}"),
    );
    assert_names(
        &err,
        "s.yaml:18:19",
        "spec.workloads[0].behavior.duration",
        "{uniform: [a, b]}",
    );
}

#[test]
fn a_probability_out_of_range_says_the_range() {
    let err = error_of(
        "s.yaml",
        &scenario("horizon: 1h", "failure: {probability: 1.5}"),
    );
    assert_names(
        &err,
        "s.yaml:18:32",
        "spec.workloads[0].behavior.failure.probability",
        "must be between 0 and 1",
    );
}

#[test]
fn a_start_that_is_not_an_instant_shows_the_expected_form() {
    let err = error_of("s.yaml", &scenario("start: yesterday", "duration: 5s"));
    assert_names(
        &err,
        "s.yaml:6:10",
        "spec.start",
        "RFC 3339 instant such as 2026-01-05T00:00:00Z",
    );
}

#[test]
fn a_negative_seed_says_it_must_be_unsigned() {
    let err = error_of("s.yaml", &scenario("seed: -1", "duration: 5s"));
    assert_names(&err, "s.yaml:6:9", "spec.seed", "expected u64");
}

#[test]
fn duplicate_names_in_a_scenario_are_refused_with_the_rule() {
    let text = scenario(
        "horizon: 1h",
        "duration: 5s\n    - object: {apiVersion: batch/v1, kind: Job, metadata: {name: pi}, spec: {template: {spec: {restartPolicy: Never, containers: [{name: main, image: perl}]}}}}",
    );
    let err = error_of("s.yaml", &text);
    assert_names(
        &err,
        "s.yaml:8:5",
        "spec.workloads",
        "names must be unique per kind",
    );
    assert!(err.contains("\"pi\""), "{err}");
}

#[test]
fn action_targets_say_how_they_are_written() {
    let err = error_of(
        "s.yaml",
        &scenario("actions: [{at: 5s, evict: pi-1}]", "duration: 5s"),
    );
    assert_names(
        &err,
        "s.yaml:6:29",
        "spec.actions[0].evict",
        "must be written pod/NAME",
    );
    let err = error_of(
        "s.yaml",
        &scenario("actions: [{at: 5s, nodeDown: gpu-0}]", "duration: 5s"),
    );
    assert_names(
        &err,
        "s.yaml:6:32",
        "spec.actions[0].nodeDown",
        "nodes are named <pool>-<n>, n from 0",
    );
}

#[test]
fn more_actions_than_the_limit_are_refused_naming_the_limit() {
    let mut actions = String::from("actions:\n");
    for _ in 0..=100_000 {
        actions.push_str("    - {at: 1s, suspend: job/pi}\n");
    }
    let err = error_of("s.yaml", &scenario(actions.trim_end(), "duration: 5s"));
    assert!(err.starts_with("s.yaml:"), "{err}");
    assert!(err.contains("100000"), "{err}");
    assert!(err.contains("actions"), "{err}");
    assert!(err.len() <= 400, "{err}");
}
