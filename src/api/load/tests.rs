//! Loader tests: documents, Lists, kinds, positions, decoding and warnings.

use super::*;
use crate::api::job::CompletionMode;

fn load(yaml: &str) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    load_manifests_str(yaml, Path::new("m.yaml"))
}

fn error_lines(yaml: &str) -> Vec<String> {
    match load(yaml) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string().lines().map(str::to_string).collect(),
    }
}

fn warnings(yaml: &str) -> Vec<String> {
    let (_, w) = load(yaml).unwrap_or_else(|e| panic!("{e}"));
    w.iter().map(Warning::to_string).collect()
}

const JOB: &str = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: demo
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/manifests")
        .join(name)
}

#[test]
fn seed_manifests_load_without_errors_or_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4);
    for file in files {
        let (manifests, warnings) = load_manifests(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifests.len(), 1, "{}", file.display());
        assert!(warnings.is_empty(), "{}: {warnings:?}", file.display());
    }
}

#[test]
fn seed_indexed_job_is_defaulted_and_indexed() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed/indexed-parallel-job.yaml");
    let (manifests, _) = load_manifests(&file).unwrap();
    let Manifest::Job(job) = &manifests[0] else {
        panic!("not a job")
    };
    assert_eq!(job.spec.completion_mode, Some(CompletionMode::Indexed));
    assert_eq!(job.spec.completions, Some(5));
    assert_eq!(job.spec.parallelism, Some(2));
    assert_eq!(job.spec.backoff_limit, Some(6));
}

#[test]
fn negative_completions_names_line_and_field() {
    let err = load_manifests(&data("bad-completions.yaml")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with(
            "bad-completions.yaml:7:16: spec.completions: Invalid value: -1: must be greater than or equal to 0"
        ),
        "{text}"
    );
}

#[test]
fn several_documents_are_loaded_in_order() {
    let text = format!("{JOB}---\n{}", JOB.replace("demo", "second"));
    let (manifests, _) = load(&text).unwrap();
    let names: Vec<&str> = manifests.iter().map(Manifest::name).collect();
    assert_eq!(names, ["demo", "second"]);
}

#[test]
fn empty_documents_are_skipped() {
    let text = format!("---\n---\n# only a comment\n---\n{JOB}---\n");
    let (manifests, _) = load(&text).unwrap();
    assert_eq!(manifests.len(), 1);
}

#[test]
fn errors_in_a_later_document_point_at_its_own_lines() {
    let text = format!("{JOB}---\n{}", JOB.replace("image: busybox", "image: \"\""));
    let lines = error_lines(&text);
    assert_eq!(
        lines,
        ["m.yaml:23:16: spec.template.spec.containers[0].image: Required value"]
    );
}

#[test]
fn list_kind_items_are_loaded() {
    let (manifests, warnings) = load_manifests(&data("list.yaml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(matches!(&manifests[0], Manifest::Job(j) if j.metadata.name == "first"));
    assert!(matches!(&manifests[1], Manifest::CronJob(c) if c.metadata.name == "second"));
}

#[test]
fn list_item_errors_point_inside_the_item_with_object_relative_paths() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: batch/v1
  kind: Job
  metadata:
    name: first
  spec:
    backoffLimit: -2
    template:
      spec:
        restartPolicy: Never
        containers: [{name: main, image: busybox}]
";
    assert_eq!(
        error_lines(text),
        ["m.yaml:9:19: spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0"]
    );
}

#[test]
fn unknown_kind_is_rejected_with_a_clear_message() {
    let lines = error_lines("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n");
    assert_eq!(
        lines,
        ["m.yaml:2:7: kind \"Deployment\" is not supported: jobsim reads batch/v1 Job and CronJob"]
    );
}

#[test]
fn wrong_api_version_for_job_is_rejected() {
    let lines = error_lines(&JOB.replace("batch/v1", "batch/v1beta1"));
    assert_eq!(
        lines,
        [
            "m.yaml:1:13: apiVersion \"batch/v1beta1\" is not supported for kind Job: jobsim reads batch/v1 Job and CronJob"
        ]
    );
}

#[test]
fn missing_kind_is_required() {
    let lines = error_lines("apiVersion: batch/v1\nmetadata: {name: x}\n");
    assert_eq!(
        lines,
        ["m.yaml:1:1: kind: Required value: jobsim reads batch/v1 Job and CronJob"]
    );
}

#[test]
fn scenario_file_is_a_distinct_error() {
    let text = "apiVersion: jobsim/v1\nkind: Scenario\nmetadata: {name: s}\n";
    assert!(matches!(
        load(text),
        Err(ManifestError::Scenario { line: 2, .. })
    ));
}

#[test]
fn is_scenario_text_looks_at_the_first_non_empty_document() {
    assert!(is_scenario_text(
        "---\n# c\n---\napiVersion: jobsim/v1\nkind: Scenario\n"
    ));
    assert!(!is_scenario_text(JOB));
    assert!(!is_scenario_text("a: [unclosed"));
    assert!(!is_scenario_text(""));
}

#[test]
fn syntax_error_uses_the_yaml_location() {
    let err = load("apiVersion: batch/v1\nkind: Job\nmetadata: {name: [x\n").unwrap_err();
    match err {
        ManifestError::Syntax { line, .. } => assert!(line >= 3, "{line}"),
        other => panic!("{other}"),
    }
}

fn warnings_in(yaml: &str, mode: FieldValidation) -> Vec<String> {
    let (_, w) =
        load_manifests_located(yaml, Path::new("m.yaml"), mode).unwrap_or_else(|e| panic!("{e}"));
    w.iter().map(Warning::to_string).collect()
}

#[test]
fn unknown_field_is_a_warning_with_validate_warn() {
    let text = JOB.replace(
        "        image: busybox\n",
        "        image: busybox\n        colour: blue\n",
    );
    assert_eq!(
        warnings_in(&text, FieldValidation::Warn),
        [
            "m.yaml:12:9: unknown field spec.template.spec.containers[0].colour (the API server would drop it)"
        ]
    );
}

#[test]
fn known_but_unmodelled_field_says_not_modelled() {
    let text = JOB.replace(
        "        image: busybox\n",
        "        image: busybox\n        imagePullPolicy: IfNotPresent\n",
    );
    assert_eq!(
        warnings(&text),
        [
            "m.yaml:12:9: field spec.template.spec.containers[0].imagePullPolicy ignored (not modelled by jobsim)"
        ]
    );
}

#[test]
fn kubectl_output_fields_are_ignored_with_reasons() {
    let text =
        JOB.replace("  name: demo\n", "  name: demo\n  uid: 1234\n") + "status:\n  active: 1\n";
    let w = warnings(&text);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].ends_with("field metadata.uid ignored (set by the API server)"),
        "{w:?}"
    );
    assert!(
        w[1].contains("status is written by the simulated controllers"),
        "{w:?}"
    );
}

#[test]
fn yaml_1_1_boolean_suspend_is_accepted() {
    let text = JOB.replace("spec:\n  template", "spec:\n  suspend: yes\n  template");
    let (m, _) = load(&text).unwrap();
    let Manifest::Job(job) = &m[0] else { panic!() };
    assert_eq!(job.spec.suspend, Some(true));
    let text = JOB.replace("spec:\n  template", "spec:\n  suspend: Off\n  template");
    let (m, _) = load(&text).unwrap();
    let Manifest::Job(job) = &m[0] else { panic!() };
    assert_eq!(job.spec.suspend, Some(false));
}

#[test]
fn quoted_boolean_is_rejected_as_a_string() {
    let text = JOB.replace("spec:\n  template", "spec:\n  suspend: \"yes\"\n  template");
    assert_eq!(
        error_lines(&text),
        [
            "m.yaml:6:12: spec.suspend: Invalid value: \"yes\": must be a boolean (true or false), not a quoted string"
        ]
    );
}

#[test]
fn number_given_as_string_is_an_error() {
    let text = JOB.replace(
        "spec:\n  template",
        "spec:\n  completions: \"3\"\n  template",
    );
    let lines = error_lines(&text);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "m.yaml:6:16: spec.completions: Invalid value: \"3\": must be an integer, not a string"
        ),
        "{lines:?}"
    );
}

#[test]
fn several_decode_errors_are_all_reported() {
    let text = JOB
        .replace(
            "spec:\n  template",
            "spec:\n  completions: \"3\"\n  parallelism: \"2\"\n  template",
        )
        .replace("restartPolicy: Never", "restartPolicy: Sometimes");
    let lines = error_lines(&text);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains("spec.completions: Invalid value: \"3\""));
    assert!(
        lines[1].contains("spec.parallelism: Invalid value: \"2\""),
        "{lines:?}"
    );
    assert_eq!(
        lines[2],
        "m.yaml:10:22: spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"OnFailure\", \"Never\""
    );
}

#[test]
fn decode_and_validation_errors_are_reported_together() {
    let text = JOB
        .replace(
            "spec:\n  template",
            "spec:\n  completions: \"3\"\n  backoffLimit: -1\n  template",
        )
        .replace("image: busybox", "image: \"\"");
    let lines = error_lines(&text);
    assert_eq!(lines.len(), 3, "{lines:?}");
}

#[test]
fn bad_quantity_names_the_resource() {
    let text = JOB.replace(
        "        image: busybox\n",
        "        image: busybox\n        resources:\n          limits:\n            cpu: lots\n",
    );
    let lines = error_lines(&text);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("m.yaml:14:18: spec.template.spec.containers[0].resources.limits[cpu]: invalid quantity \"lots\": quantities must match"),
        "{lines:?}"
    );
}

#[test]
fn missing_required_action_is_required_value() {
    let text = JOB.replace(
        "spec:\n  template",
        "spec:\n  podFailurePolicy:\n    rules:\n    - onExitCodes: {operator: In, values: [1]}\n  template",
    );
    assert_eq!(
        error_lines(&text),
        ["m.yaml:8:7: spec.podFailurePolicy.rules[0].action: Required value"]
    );
}

#[test]
fn manifest_from_value_reads_an_inline_job() {
    let value: Value = yaml_serde::from_str(JOB).unwrap();
    let (m, w) = manifest_from_value(value, Path::new("s.yaml"), 12, 7).unwrap();
    assert_eq!(m.name(), "demo");
    assert!(w.is_empty());
}

#[test]
fn manifest_from_value_errors_point_at_the_given_position() {
    let value: Value = yaml_serde::from_str(&JOB.replace("Never", "Always")).unwrap();
    let err = manifest_from_value(value, Path::new("s.yaml"), 12, 7).unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml:12:7: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""
    );
}

#[test]
fn non_mapping_document_is_rejected() {
    let lines = error_lines("- a\n- b\n");
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].contains("a manifest must be a mapping"),
        "{lines:?}"
    );
}

#[test]
fn unknown_fields_are_refused_by_default_as_strict_field_validation_does() {
    let text = JOB.replace("spec:\n  template:", "spec:\n  parallelizm: 3\n  template:");
    assert_eq!(
        error_lines(&text),
        ["m.yaml:6:3: strict decoding error: unknown field \"spec.parallelizm\""]
    );
    // Also beside other errors, in a List item, where the path is the object's own.
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- {}",
        text.replace('\n', "\n  ").trim_end()
    );
    assert_eq!(
        error_lines(&list),
        ["m.yaml:9:5: strict decoding error: unknown field \"spec.parallelizm\""]
    );
}

#[test]
fn unknown_fields_are_dropped_silently_with_validate_ignore() {
    let text = JOB.replace("spec:\n  template:", "spec:\n  parallelizm: 3\n  template:");
    assert!(warnings_in(&text, FieldValidation::Ignore).is_empty());
    // Fields Kubernetes knows but jobsim does not model stay notes in every mode.
    let text = JOB.replace(
        "        image: busybox\n",
        "        image: busybox\n        imagePullPolicy: IfNotPresent\n",
    );
    assert_eq!(warnings_in(&text, FieldValidation::Ignore).len(), 1);
    assert_eq!(warnings(&text).len(), 1);
}

#[test]
fn validate_flag_values_are_kubectls() {
    for (text, mode) in [
        ("strict", FieldValidation::Strict),
        ("true", FieldValidation::Strict),
        ("warn", FieldValidation::Warn),
        ("ignore", FieldValidation::Ignore),
        ("false", FieldValidation::Ignore),
    ] {
        assert_eq!(text.parse::<FieldValidation>(), Ok(mode));
    }
    let err = "lax".parse::<FieldValidation>().unwrap_err();
    assert!(err.contains("strict, warn and ignore"), "{err}");
}
