//! Reading a run's input — a scenario file or bare Job/CronJob manifests — from text, from a
//! parsed YAML value or from files, with the options a caller may give: how unknown fields of
//! manifests are treated and the overrides to apply before anything is decoded. Every way in
//! defaults and validates as `jobsim run` does.

use std::path::{Path, PathBuf};

use yaml_serde::Value;

use super::{
    LoadError, Override, Scenario, Source, Workload, default_scenario, load_inputs_set,
    load_scenario_source, name_from_file, overrides,
};
use crate::api::{self, FieldValidation, Warning};
use crate::scenario::behavior::Behavior;

/// How to read an input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// What to do with fields Kubernetes does not know in manifests (kubectl's
    /// `--validate`); a scenario's own fields are always checked strictly.
    pub field_validation: FieldValidation,
    /// Applied in order to the YAML before it is read (see [`Override`]).
    pub overrides: Vec<Override>,
}

impl LoadOptions {
    /// Options with these overrides and strict field validation.
    pub fn with_overrides(overrides: impl IntoIterator<Item = Override>) -> LoadOptions {
        LoadOptions {
            field_validation: FieldValidation::Strict,
            overrides: overrides.into_iter().collect(),
        }
    }
}

/// Reads a scenario or bare manifests from `text`; `file` names it in messages (and is
/// where a scenario's `manifest:` paths are resolved from, and what bare manifests' scenario
/// is named after).
pub fn load_str(
    text: &str,
    file: &Path,
    options: &LoadOptions,
) -> Result<(Scenario, Vec<Warning>), LoadError> {
    let (mut scenarios, warnings) = load_inputs_set(
        &[file.to_path_buf()],
        options.field_validation,
        &options.overrides,
        &|_| Ok(text.to_string()),
    )?;
    Ok((scenarios.remove(0), warnings))
}

/// Reads a scenario or bare manifests (one Job, one CronJob or a `kind: List` of them) from a
/// parsed YAML value. Messages name `file` but, with no text to point into, line 1 column 1.
pub fn load_value(
    value: &Value,
    file: &Path,
    options: &LoadOptions,
) -> Result<(Scenario, Vec<Warning>), LoadError> {
    let is_scenario = value.get("kind").and_then(Value::as_str) == Some("Scenario");
    if is_scenario {
        return load_scenario_source(
            Source::Value(value),
            file,
            options.field_validation,
            &options.overrides,
        );
    }
    let workload: Vec<Override> = options
        .overrides
        .iter()
        .filter(|o| !o.is_scenario_level())
        .cloned()
        .collect();
    let (located, warnings) = overrides::blamed(&workload, |set| {
        let mut docs = vec![value.clone()];
        overrides::apply_to_manifests(&mut docs, set)?;
        Ok(api::load::load_documents(
            docs,
            "",
            file,
            options.field_validation,
        )?)
    })?;
    if located.is_empty() {
        return Err(LoadError::Invalid {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: "no Job or CronJob found".to_string(),
        });
    }
    let workloads = located
        .into_iter()
        .map(|(manifest, _)| Workload {
            manifest,
            at: 0,
            behavior: Behavior::default(),
        })
        .collect();
    let scenario = default_scenario(name_from_file(file, "run"), file.to_path_buf(), workloads);
    Ok((
        overrides::with_scenario_overrides(scenario, &options.overrides)?,
        warnings,
    ))
}

/// Reads files as `jobsim run FILE…` does: one scenario per scenario file, and all bare
/// manifests together in one scenario named after the first of them. The overrides apply to
/// every scenario; each must find what it names in each.
pub fn load_files(
    files: &[PathBuf],
    options: &LoadOptions,
) -> Result<(Vec<Scenario>, Vec<Warning>), LoadError> {
    load_inputs_set(
        files,
        options.field_validation,
        &options.overrides,
        &super::read,
    )
}
