//! Overrides by path: `seed=7`, `horizon=2h`, `cluster.nodePools.gpu.count=12`,
//! `job/etl.spec.parallelism=4`, `job/etl.behavior.failure.probability=0.1`,
//! `cronjob/nightly.spec.schedule=0 2 * * *`.
//!
//! An override changes the parsed YAML of a scenario file or of bare manifests *before* it
//! is read into types, so the value is decoded, defaulted and validated exactly as if it had
//! been written in the file. Paths are written in the file's own field names (camelCase):
//!
//! - `job/NAME.REST` and `cronjob/NAME.REST` address a workload by kind and name: `REST`
//!   starting with `behavior` or `at` is the scenario's entry for it (its `behavior:` and
//!   `at:`), anything else is inside the object (`spec.parallelism`, `metadata.labels.team`);
//! - every other path is inside the scenario's `spec` (`seed`, `horizon`, `start`,
//!   `cluster.nodePools.NAME.count`, `faults.nodes.mtbf`).
//!
//! In a list, a step is either an index (`containers.0.image`) or the `name` of an item
//! (`nodePools.gpu`, `containers.main.image`); the default pool (`worker`) can be addressed
//! in a scenario that does not list its pools. A missing mapping key is added (the typed
//! reading then refuses it if the field does not exist). The value is a YAML scalar
//! (`4`, `2h`, `16Gi`, `true`, `'0 2 * * *'`) or flow collection (`{fixed: 3s}`); text that
//! is not valid YAML is taken as a string.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use yaml_serde::{Mapping, Value};

use super::{DEFAULT_NODE_CPU, DEFAULT_NODE_MEMORY, DEFAULT_NODE_PODS, DEFAULT_POOL_COUNT};
use super::{DEFAULT_POOL_NAME, LoadError, Scenario};
use crate::api::load::Located;
use crate::api::{self, FieldPath, FieldValidation, Warning};

/// One override: a path and the YAML value to put there.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    path: String,
    value: Value,
    /// The value as written, for messages.
    text: String,
}

/// Why an override could not be read (`PATH=VALUE` without `=` or without a path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("override {0:?}: expected PATH=VALUE, such as seed=7 or job/etl.spec.parallelism=4")]
pub struct OverrideSyntaxError(String);

impl Override {
    /// An override of `path` with a value already parsed.
    pub fn new(path: impl Into<String>, value: Value) -> Override {
        let text = match &value {
            Value::String(s) => s.clone(),
            other => yaml_serde::to_string(other)
                .map(|s| s.trim_end().to_string())
                .unwrap_or_default(),
        };
        Override {
            path: path.into(),
            value,
            text,
        }
    }

    /// Reads `PATH=VALUE`; the value is read as YAML (a plain `4` is a number, `2h` a
    /// string), and taken as a string when it is not valid YAML (`*/5 * * * *`).
    pub fn parse(setting: &str) -> Result<Override, OverrideSyntaxError> {
        let (path, text) = setting
            .split_once('=')
            .filter(|(p, _)| !p.trim().is_empty())
            .ok_or_else(|| OverrideSyntaxError(setting.to_string()))?;
        // Text nested deeper than the YAML reader's limit is not parsed (the YAML parser
        // takes time quadratic in the nesting): it is no value any field takes, so it is
        // handed on as a string for the typed reading to refuse.
        let value = if api::position::too_deep(text).is_some() {
            Value::String(text.to_string())
        } else {
            yaml_serde::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_string()))
        };
        Ok(Override {
            path: path.trim().to_string(),
            value,
            text: text.to_string(),
        })
    }

    /// The path, as written.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value to put at the path.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The workload this override addresses, as (`Job` or `CronJob`, name, rest of the
    /// path), or `None` for a path inside the scenario's `spec`.
    fn workload(&self) -> Option<(&'static str, &str)> {
        if let Some(rest) = self.path.strip_prefix("job/") {
            Some(("Job", rest))
        } else {
            self.path
                .strip_prefix("cronjob/")
                .map(|rest| ("CronJob", rest))
        }
    }

    /// True for paths inside the scenario's `spec` (not a workload's).
    pub(crate) fn is_scenario_level(&self) -> bool {
        self.workload().is_none()
    }

    fn error(&self, message: impl Into<String>) -> LoadError {
        LoadError::Override {
            setting: self.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.text)
    }
}

impl FromStr for Override {
    type Err = OverrideSyntaxError;
    fn from_str(s: &str) -> Result<Override, OverrideSyntaxError> {
        Override::parse(s)
    }
}

/// Applies `overrides` in order to a scenario document (`apiVersion: jobsim/v1`,
/// `kind: Scenario`). Returns the path each one changed, in the document's terms (for
/// pointing at it in the file).
pub(crate) fn apply_to_scenario(
    doc: &mut Value,
    overrides: &[Override],
) -> Result<Vec<FieldPath>, LoadError> {
    let mut changed = Vec::with_capacity(overrides.len());
    for o in overrides {
        let spec = child_mapping(doc, "spec").ok_or_else(|| o.error("the scenario has no spec"))?;
        let mut at = FieldPath::of("spec");
        let (target, rest) = match o.workload() {
            None => (spec, o.path.strip_prefix("spec.").unwrap_or(&o.path)),
            Some((kind, named)) => {
                let Some(Value::Sequence(workloads)) = spec.get_mut("workloads") else {
                    return Err(o.error("the scenario has no spec.workloads"));
                };
                let (i, name_len) = workloads
                    .iter()
                    .enumerate()
                    .filter_map(|(i, w)| {
                        let name = w.get("object").and_then(|obj| named_as(obj, kind))?;
                        addresses(named, name).then_some((i, name.len()))
                    })
                    .max_by_key(|&(_, len)| len)
                    .ok_or_else(|| {
                        o.error(format!(
                            "no {kind} of that name in spec.workloads (objects given inline with \
                             `object:` can be overridden, not those read from a `manifest:` file)"
                        ))
                    })?;
                let rest = named[name_len..].trim_start_matches('.');
                at = at.child("workloads").index(i);
                let workload = &mut workloads[i];
                let first = rest.split('.').next().unwrap_or_default();
                if first == "behavior" || first == "at" {
                    (workload, rest)
                } else {
                    at = at.child("object");
                    (workload.get_mut("object").expect("found above"), rest)
                }
            }
        };
        changed.push(set_path(target, rest, o, at)?);
    }
    Ok(changed)
}

/// Applies the workload overrides among `overrides` to the documents of a manifest file
/// (Jobs, CronJobs, `kind: List`s). One that names no object of the file is an error, as is
/// one about a workload's `behavior` or `at` (bare manifests have neither).
pub(crate) fn apply_to_manifests(
    docs: &mut [Value],
    overrides: &[Override],
) -> Result<(), LoadError> {
    for o in overrides {
        let Some((kind, named)) = o.workload() else {
            continue;
        };
        let objects = docs.iter_mut().flat_map(|d| {
            if d.get("kind").and_then(Value::as_str) == Some("List") {
                match d.get_mut("items") {
                    Some(Value::Sequence(items)) => items.iter_mut().collect::<Vec<_>>(),
                    _ => Vec::new(),
                }
            } else {
                vec![d]
            }
        });
        let Some((object, name_len)) = objects
            .filter_map(|obj| {
                let len = named_as(obj, kind).filter(|n| addresses(named, n))?.len();
                Some((obj, len))
            })
            .max_by_key(|(_, len)| *len)
        else {
            return Err(o.error(format!("no {kind} of that name in the manifests")));
        };
        let rest = named[name_len..].trim_start_matches('.');
        let first = rest.split('.').next().unwrap_or_default();
        if first == "behavior" || first == "at" {
            return Err(o.error(format!(
                "bare manifests have no `{first}`: write a scenario file to give a workload one"
            )));
        }
        set_path(object, rest, o, FieldPath::root())?;
    }
    Ok(())
}

/// The `name` of a list item.
fn name_of(item: &Value) -> Option<&str> {
    item.get("name").and_then(Value::as_str)
}

/// The name of `object` when it is of `kind`.
fn named_as<'v>(object: &'v Value, kind: &str) -> Option<&'v str> {
    if object.get("kind").and_then(Value::as_str) != Some(kind) {
        return None;
    }
    object.get("metadata")?.get("name")?.as_str()
}

/// Whether `NAME.REST` (or just `NAME`) starts with the object name `name` (names may hold
/// dots, so the longest such name is the one meant).
fn addresses(named: &str, name: &str) -> bool {
    named
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The mapping under `key` of a mapping `doc`, made when absent or null.
fn child_mapping<'v>(doc: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    let Value::Mapping(map) = doc else {
        return None;
    };
    let entry = map
        .entry(Value::String(key.to_string()))
        .or_insert(Value::Null);
    if entry.is_null() {
        *entry = Value::Mapping(Mapping::new());
    }
    entry.is_mapping().then_some(entry)
}

/// Puts the override's value at the dotted `path` under `node`, whose own path is `at`.
fn set_path(
    mut node: &mut Value,
    path: &str,
    o: &Override,
    mut at: FieldPath,
) -> Result<FieldPath, LoadError> {
    let steps: Vec<&str> = path.split('.').collect();
    if steps.iter().any(|s| s.is_empty()) {
        return Err(o.error("the path has an empty step"));
    }
    // Each step nests the value one level deeper (and missing keys are added), so a path
    // is held to the nesting the YAML reader allows.
    if steps.len() > api::position::MAX_NESTING_DEPTH {
        return Err(o.error(format!(
            "the path has {} steps: more than {}, jobsim's limit on nesting",
            steps.len(),
            api::position::MAX_NESTING_DEPTH
        )));
    }
    // Where each step starts in `path`, so that the rest of the path from a step is a slice.
    let mut starts = Vec::with_capacity(steps.len());
    let mut offset = 0;
    for s in &steps {
        starts.push(offset);
        offset += s.len() + 1;
    }
    let mut i = 0;
    while i < steps.len() {
        if node.is_null() {
            *node = Value::Mapping(Mapping::new());
        }
        // Keys and item names may hold dots: the longest one present that the rest of the
        // path starts with (up to a step's end) is the one meant; the end of that name, as
        // a step number, is returned.
        let rest = &path[starts[i]..];
        let spans = |name: &str| {
            (!name.is_empty()
                && rest.starts_with(name)
                && (rest.len() == name.len() || rest[name.len()..].starts_with('.')))
            .then(|| i + 1 + name.matches('.').count())
        };
        match node {
            Value::Mapping(map) => {
                let j = map
                    .keys()
                    .filter_map(|k| spans(k.as_str()?))
                    .max()
                    .unwrap_or(i + 1);
                let key = steps[i..j].join(".");
                at = at.child(&key);
                i = j;
                node = map.entry(Value::String(key)).or_insert(Value::Null);
            }
            Value::Sequence(items) => {
                let index = match steps[i].parse::<usize>() {
                    Ok(n) if n < items.len() => (n, i + 1),
                    Ok(n) => {
                        return Err(o.error(format!(
                            "{at} has {} items: there is no item {n}",
                            items.len()
                        )));
                    }
                    // The first item of the longest name.
                    Err(_) => match items
                        .iter()
                        .enumerate()
                        .filter_map(|(n, v)| Some((spans(name_of(v)?)?, n)))
                        .min_by_key(|&(j, n)| (std::cmp::Reverse(j), n))
                    {
                        Some((j, n)) => (n, j),
                        None => {
                            return Err(o.error(format!("{at} has no item named {:?}", steps[i])));
                        }
                    },
                };
                at = at.index(index.0);
                i = index.1;
                node = &mut items[index.0];
            }
            _ => {
                return Err(o.error(format!("{at} is a single value, not a mapping or list")));
            }
        }
        // The default node pool exists without being written: address it as written.
        if at == FieldPath::of("spec.cluster.nodePools") && is_empty_list(node) {
            let name = steps.get(i).copied().unwrap_or_default();
            if name == DEFAULT_POOL_NAME || name == "0" {
                *node = Value::Sequence(vec![default_pool_yaml()]);
            }
        }
    }
    *node = o.value.clone();
    Ok(at)
}

fn is_empty_list(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Sequence(items) => items.is_empty(),
        _ => false,
    }
}

/// The default node pool as a scenario would write it.
fn default_pool_yaml() -> Value {
    let text = format!(
        "{{name: {DEFAULT_POOL_NAME}, count: {DEFAULT_POOL_COUNT}, capacity: \
         {{cpu: \"{DEFAULT_NODE_CPU}\", memory: {DEFAULT_NODE_MEMORY}, pods: {DEFAULT_NODE_PODS}}}}}"
    );
    yaml_serde::from_str(&text).expect("valid constant")
}

/// Runs `load` with every override and, when that fails because of one, says which: the
/// first whose addition turns a load that succeeds into one that fails. An input that fails
/// without any override keeps its own error.
pub(crate) fn blamed<T>(
    overrides: &[Override],
    load: impl Fn(&[Override]) -> Result<T, LoadError>,
) -> Result<T, LoadError> {
    let err = match load(overrides) {
        Ok(loaded) => return Ok(loaded),
        Err(err @ LoadError::Override { .. }) => return Err(err),
        Err(err) if overrides.is_empty() || load(&[]).is_err() => return Err(err),
        Err(err) => err,
    };
    for k in 1..=overrides.len() {
        if let Err(e) = load(&overrides[..k]) {
            return Err(overrides[k - 1].error(e.to_string()));
        }
    }
    Err(err)
}

/// Reads a manifest file's objects (as [`api::load_manifests_located`]) with the workload
/// overrides applied to its documents first.
pub(crate) fn load_manifests_set(
    text: &str,
    file: &Path,
    mode: FieldValidation,
    overrides: &[Override],
) -> Result<(Vec<Located>, Vec<Warning>), LoadError> {
    let workload: Vec<Override> = overrides
        .iter()
        .filter(|o| !o.is_scenario_level())
        .cloned()
        .collect();
    if workload.is_empty() {
        return Ok(api::load_manifests_located(text, file, mode)?);
    }
    api::load::check_nesting(text, file)?;
    let docs = api::load::read_documents(text, file)?;
    blamed(&workload, |set| {
        let mut docs = docs.clone();
        apply_to_manifests(&mut docs, set)?;
        Ok(api::load::load_documents(docs, text, file, mode)?)
    })
}

/// The default scenario of bare manifests with the scenario-level overrides (`seed`,
/// `horizon`, `cluster.…`) applied: they are read as if written in a scenario file that
/// lists the manifests' workloads.
pub(crate) fn with_scenario_overrides(
    scenario: Scenario,
    overrides: &[Override],
) -> Result<Scenario, LoadError> {
    let spec_level: Vec<Override> = overrides
        .iter()
        .filter(|o| o.is_scenario_level())
        .cloned()
        .collect();
    if spec_level.is_empty() {
        return Ok(scenario);
    }
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), "jobsim/v1".into());
    doc.insert("kind".into(), "Scenario".into());
    let mut metadata = Mapping::new();
    metadata.insert("name".into(), scenario.name.as_str().into());
    doc.insert("metadata".into(), Value::Mapping(metadata));
    doc.insert("spec".into(), Value::Mapping(Mapping::new()));
    let doc = Value::Mapping(doc);
    let (mut overridden, _) = super::load_scenario_source(
        super::Source::Value(&doc),
        &scenario.source,
        FieldValidation::Strict,
        &spec_level,
    )?;
    overridden.workloads = scenario.workloads;
    overridden.actions = scenario.actions;
    Ok(overridden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        yaml_serde::from_str(text).unwrap()
    }

    fn set(text: &str, settings: &[&str]) -> Result<Value, LoadError> {
        let mut d = doc(text);
        let overrides: Vec<Override> = settings.iter().map(|s| s.parse().unwrap()).collect();
        apply_to_scenario(&mut d, &overrides)?;
        Ok(d)
    }

    const SCENARIO: &str = r#"
apiVersion: jobsim/v1
kind: Scenario
spec:
  cluster:
    nodePools: [{name: gpu.a, count: 2, capacity: {cpu: "8", memory: 32Gi}}]
  workloads:
    - object: {kind: Job, metadata: {name: etl.v2}, spec: {template: {spec: {containers: [{name: main, image: x}]}}}}
"#;

    #[test]
    fn values_are_read_as_yaml_scalars_and_unparsable_text_as_a_string() {
        assert_eq!(Override::parse("seed=7").unwrap().value(), &Value::from(7));
        assert_eq!(
            Override::parse("horizon=2h").unwrap().value(),
            &Value::from("2h")
        );
        assert_eq!(
            Override::parse("x='0 2 * * *'").unwrap().value(),
            &Value::from("0 2 * * *")
        );
        assert_eq!(
            Override::parse("x=*/5 * * * *").unwrap().value(),
            &Value::from("*/5 * * * *")
        );
        assert!(Override::parse("seed").is_err());
        assert!(Override::parse("=7").is_err());
        assert_eq!(Override::parse("seed=7").unwrap().to_string(), "seed=7");
    }

    #[test]
    fn paths_address_spec_fields_named_items_and_workloads_with_dotted_names() {
        let d = set(
            SCENARIO,
            &[
                "seed=7",
                "cluster.nodePools.gpu.a.count=12",
                "job/etl.v2.spec.parallelism=4",
                "job/etl.v2.spec.template.spec.containers.main.image=y",
                "job/etl.v2.behavior.failure.probability=0.1",
            ],
        )
        .unwrap();
        assert_eq!(d["spec"]["seed"], Value::from(7));
        assert_eq!(
            d["spec"]["cluster"]["nodePools"][0]["count"],
            Value::from(12)
        );
        let w = &d["spec"]["workloads"][0];
        assert_eq!(w["object"]["spec"]["parallelism"], Value::from(4));
        assert_eq!(
            w["object"]["spec"]["template"]["spec"]["containers"][0]["image"],
            Value::from("y")
        );
        assert_eq!(w["behavior"]["failure"]["probability"], Value::from(0.1));
    }

    #[test]
    fn the_default_pool_can_be_addressed_when_the_scenario_lists_none() {
        let d = set(
            "apiVersion: jobsim/v1\nkind: Scenario\nspec: {}\n",
            &["cluster.nodePools.worker.count=12"],
        )
        .unwrap();
        let pool = &d["spec"]["cluster"]["nodePools"][0];
        assert_eq!(pool["name"], Value::from("worker"));
        assert_eq!(pool["count"], Value::from(12));
        assert_eq!(pool["capacity"]["memory"], Value::from("16Gi"));
    }

    #[test]
    fn a_value_nested_beyond_the_limit_is_a_string_read_in_linear_time() {
        // 100,000 unclosed flow mappings (400 kB) took the YAML parser over a minute.
        let text = format!("x={}", "{a: ".repeat(100_000));
        let start = std::time::Instant::now();
        let o = Override::parse(&text).unwrap();
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert!(matches!(o.value(), Value::String(s) if s.len() == 400_000));
        // Within the limit, flow collections are still values.
        let nested = format!("x={}1{}", "{a: ".repeat(10), "}".repeat(10));
        assert!(Override::parse(&nested).unwrap().value().is_mapping());
    }

    #[test]
    fn a_path_deeper_than_the_nesting_limit_is_refused_naming_the_override() {
        let path = format!(
            "cluster{}",
            ".a".repeat(crate::api::position::MAX_NESTING_DEPTH)
        );
        let err = set(SCENARIO, &[&format!("{path}=1")]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("more than 200"), "{message}");
        // One step less is within the limit (the typed reading refuses the field later).
        let ok = format!(
            "cluster{}",
            ".a".repeat(crate::api::position::MAX_NESTING_DEPTH - 1)
        );
        set(SCENARIO, &[&format!("{ok}=1")]).unwrap();
    }

    #[test]
    fn a_long_path_of_long_steps_resolves_in_linear_time() {
        // 200 steps of 2,000 characters: trying every longer key at every step copied
        // gigabytes; matching the keys present against the rest of the path does not.
        let step = "k".repeat(2_000);
        let path = format!("cluster.{}", vec![step.as_str(); 199].join("."));
        let start = std::time::Instant::now();
        let d = set(SCENARIO, &[&format!("{path}=1")]).unwrap();
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        let mut node = &d["spec"]["cluster"];
        for _ in 0..199 {
            node = &node[step.as_str()];
        }
        assert_eq!(node, &Value::from(1));
    }

    #[test]
    fn the_longest_dotted_name_present_wins_and_the_first_item_of_it() {
        let text = r#"
apiVersion: jobsim/v1
kind: Scenario
spec:
  cluster:
    nodePools:
      - {name: a, count: 1}
      - {name: a.b, count: 2}
      - {name: a.b, count: 3}
  x: {a: {b: 1}, a.b: {c: 2}}
"#;
        let d = set(text, &["cluster.nodePools.a.b.count=9", "x.a.b.c=8"]).unwrap();
        let pools = &d["spec"]["cluster"]["nodePools"];
        assert_eq!(pools[0]["count"], Value::from(1));
        assert_eq!(pools[1]["count"], Value::from(9));
        assert_eq!(pools[2]["count"], Value::from(3));
        assert_eq!(d["spec"]["x"]["a.b"]["c"], Value::from(8));
        assert_eq!(d["spec"]["x"]["a"]["b"], Value::from(1));
    }

    #[test]
    fn an_unknown_workload_or_item_is_an_error_naming_the_override() {
        for setting in [
            "job/nope.spec.parallelism=4",
            "cronjob/etl.v2.spec.schedule=@daily",
            "cluster.nodePools.cpu.count=3",
            "cluster.nodePools.7.count=3",
            "seed.x=3",
        ] {
            let err = set(SCENARIO, &["seed=1", setting]).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("override {setting}: ")),
                "{err}"
            );
        }
    }
}
