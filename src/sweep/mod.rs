//! Sweeps: many runs of one pipeline — each variant of the inputs × N seeds — in parallel,
//! reduced to one row per run (`sweep.csv`) and statistics per variant (`aggregate.csv`).
//!
//! A sweep is defined by a [`SweepSpec`]: input files (each one a variant of its own),
//! `--vary` fields with their values, `--set` fields fixed for every run, and the number of
//! seeds. [`SweepSpec::plan`] loads and validates every variant before anything runs (an
//! unknown path or a refused value is a [`SweepError`] naming it) and fixes the
//! **canonical order** of the runs:
//!
//! - variants in the order of the input files, then of the `--vary` values as nested loops
//!   — the first `--vary` outermost, the last changing fastest;
//! - for each variant, its seeds: the variant's own `seed` (1 unless the file or `--set`
//!   says), then `seed + 1`, … `seed + N − 1`; every variant gets the same seeds;
//! - run `k` (0-based) is variant `k / N` with its seed number `k % N`.
//!
//! Each run is a pure function of (input bytes, variant, seed): it simulates its own copy
//! of the variant's scenario into a [`metrics::WaitSink`] (no per-pod rows) and keeps only
//! its row, so runs share no mutable state and the outputs do not depend on the number of
//! threads, the order runs finish in, or which machine ran which shard ([`shard`]).
//!
//! The files are built by [`table`]; a sweep's identity is its [`SweepSpec::hash`], which
//! every output records so that shards of different sweeps are never merged.
//!
//! ```
//! use jobsim::sweep::{Part, Quiet, SweepSpec, table};
//!
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("etl.yaml");
//! std::fs::write(&file, r#"
//! apiVersion: batch/v1
//! kind: Job
//! metadata: {name: etl}
//! spec:
//!   completions: 4
//!   template:
//!     spec:
//!       restartPolicy: Never
//!       containers: [{name: main, image: busybox, command: ["sleep", "10"]}]
//! "#)?;
//! let spec = SweepSpec {
//!     inputs: vec![file],
//!     vary: vec!["job/etl.spec.parallelism=1,2,4".parse()?],
//!     set: vec![],
//!     seeds: 2,
//!     field_validation: Default::default(),
//!     metric: "makespan".into(),
//! };
//! let plan = spec.plan()?; // every variant loaded and checked
//! assert_eq!(plan.total(), 6);
//! assert_eq!(plan.run_spec(3).seed, 2); // variant 1 (parallelism 2), its second seed
//! let mut rows: Vec<_> = plan.execute(&Part::All.runs(plan.total()), &Quiet)
//!     .into_iter()
//!     .flatten()
//!     .collect();
//! let files = table::files(&plan.meta(Part::All, true), &plan.header(), &mut rows);
//! let aggregate = String::from_utf8(files.aggregate_csv.unwrap())?;
//! // Four 10-second pods one, two or four at a time (plus start-up latencies).
//! assert_eq!(aggregate.lines().count(), 1 + 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Not here: the command line, the progress bar, signals and the output folder
//! (`jobsim sweep` and `jobsim merge` do those).

pub mod metrics;
pub mod shard;
pub mod table;
pub mod values;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use yaml_serde::Value;

use crate::api::load::Manifest;
use crate::api::{FieldValidation, Warning};
use crate::scenario::{LoadError, Override, Scenario};
use crate::world::{Progress, SimulateError, simulate_observed};

pub use shard::Part;
pub use table::{Meta, Row};
pub use values::{Vary, VaryValue};

/// What a sweep runs.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// Input files (scenarios or bare manifests), each a variant, named in the outputs as
    /// given here.
    pub inputs: Vec<PathBuf>,
    /// The fields to vary and their values.
    pub vary: Vec<Vary>,
    /// Fields fixed for every run (`--set`), applied before the varied ones.
    pub set: Vec<Override>,
    /// Seeds per variant.
    pub seeds: u64,
    /// How unknown fields of manifests are treated.
    pub field_validation: FieldValidation,
    /// The metric the charts and the progress line follow (one of [`metrics::METRICS`]).
    pub metric: String,
}

/// Why a sweep cannot be planned.
#[allow(missing_docs)] // each message says what its fields are
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// An input file cannot be read.
    #[error("{}: cannot read", .0.display())]
    Read(PathBuf, #[source] std::io::Error),
    /// A variant does not load: the file, the varied values and the loader's message.
    #[error("{variant}: {source}")]
    Load {
        /// The input and the values of the variant.
        variant: String,
        #[source]
        source: LoadError,
    },
    /// An input holds more than one scenario.
    #[error("{}: holds {} scenarios; give a sweep one scenario per file", .0.display(), .1)]
    Several(PathBuf, usize),
    /// A field is varied twice, or both varied and set.
    #[error("{0}: given twice (in --vary or --set); vary or set each field once")]
    Twice(String),
    /// `--metric` names no metric.
    #[error("--metric {0:?}: expected one of {1}")]
    Metric(String, String),
    /// Nothing to run.
    #[error("{0}")]
    Empty(&'static str),
    /// Too many runs.
    #[error("{0} runs: more than the {MAX_RUNS} a sweep may hold")]
    TooMany(u128),
    /// Too many variants (inputs × the `--vary` values' combinations), counted before any
    /// is loaded; the count saturates at `u128::MAX`.
    #[error(
        "{0} variants (inputs × combinations of --vary values): more than the {MAX_VARIANTS} \
         a sweep may hold, as every variant is loaded before the runs start"
    )]
    TooManyVariants(u128),
}

/// The most runs one sweep may hold.
pub const MAX_RUNS: u64 = 100_000_000;

/// The most variants one sweep may hold: each is a scenario loaded and kept before any run
/// starts. As many as one `--vary` may list ([`values::MAX_VALUES`]).
pub const MAX_VARIANTS: u64 = values::MAX_VALUES as u64;

/// One variant: an input with one value for each varied field.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The index of its input file.
    pub input: usize,
    /// The value of each varied field, as the outputs show them.
    pub values: Vec<String>,
    /// The scenario, loaded with the sets and these values.
    pub scenario: Scenario,
}

/// A sweep ready to run: every variant loaded, the runs in canonical order.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What it runs.
    pub spec: SweepSpec,
    /// Its identity ([`SweepSpec::hash`]).
    pub hash: String,
    /// Every variant, in canonical order.
    pub variants: Vec<Variant>,
    /// The standalone Jobs that get outcome and finish columns, in order of first appearance.
    pub jobs: Vec<String>,
    /// The loader's warnings, once per input.
    pub warnings: Vec<Warning>,
}

/// One run of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunSpec {
    /// Canonical index.
    pub run: u64,
    /// Variant index.
    pub variant: u64,
    /// The input file, as given.
    pub scenario: String,
    /// The varied fields and their values, in `--vary` order.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// The seed.
    pub seed: u64,
}

impl SweepSpec {
    /// Loads every variant (all must load before any runs) and orders the runs.
    pub fn plan(&self) -> Result<Plan, SweepError> {
        if self.inputs.is_empty() {
            return Err(SweepError::Empty(
                "a sweep needs a scenario or manifest file",
            ));
        }
        if self.seeds == 0 {
            return Err(SweepError::Empty("--seeds must be at least 1"));
        }
        if metrics::metric_index(&self.metric).is_none() {
            let names: Vec<&str> = metrics::METRICS.iter().map(|m| m.name).collect();
            return Err(SweepError::Metric(self.metric.clone(), names.join(", ")));
        }
        let mut paths: Vec<&str> = self.set.iter().map(Override::path).collect();
        for v in &self.vary {
            if paths.contains(&v.path.as_str()) {
                return Err(SweepError::Twice(v.path.clone()));
            }
            paths.push(&v.path);
        }
        // Saturating: ten `--vary`s of 100,000 values each overflow even 128 bits.
        let per_input: u128 = self
            .vary
            .iter()
            .map(|v| v.values.len() as u128)
            .fold(1, u128::saturating_mul);
        let variants = per_input.saturating_mul(self.inputs.len() as u128);
        if variants > MAX_VARIANTS as u128 {
            return Err(SweepError::TooManyVariants(variants));
        }
        let total = variants * self.seeds as u128;
        if total > MAX_RUNS as u128 {
            return Err(SweepError::TooMany(total));
        }
        let hash = self.hash()?;
        let mut variants = Vec::new();
        let mut warnings = Vec::new();
        for (input, file) in self.inputs.iter().enumerate() {
            for combo in 0..per_input as u64 {
                let picks = self.picks(combo);
                let mut overrides = self.set.clone();
                let mut values = Vec::with_capacity(self.vary.len());
                for (v, &i) in self.vary.iter().zip(&picks) {
                    let value = &v.values[i];
                    let o = Override::parse(&format!("{}={}", v.path, value.yaml))
                        .expect("the path is not empty");
                    overrides.push(o);
                    values.push(value.shown.clone());
                }
                let options = crate::LoadOptions {
                    field_validation: self.field_validation,
                    overrides,
                };
                let label = variant_label(file, &self.vary, &values);
                let (mut scenarios, w) = crate::load_files(std::slice::from_ref(file), &options)
                    .map_err(|source| SweepError::Load {
                        variant: label,
                        source,
                    })?;
                if combo == 0 {
                    warnings.extend(w);
                }
                if scenarios.len() != 1 {
                    return Err(SweepError::Several(file.clone(), scenarios.len()));
                }
                variants.push(Variant {
                    input,
                    values,
                    scenario: scenarios.remove(0),
                });
            }
        }
        let mut jobs: Vec<String> = Vec::new();
        for v in &variants {
            for w in &v.scenario.workloads {
                if let Manifest::Job(j) = &w.manifest
                    && !jobs.contains(&j.metadata.name)
                {
                    jobs.push(j.metadata.name.clone());
                }
            }
        }
        Ok(Plan {
            spec: self.clone(),
            hash,
            variants,
            jobs,
            warnings,
        })
    }

    /// The value index of each varied field in combination `combo` (the last field fastest).
    fn picks(&self, mut combo: u64) -> Vec<usize> {
        let mut picks = vec![0; self.vary.len()];
        for (i, v) in self.vary.iter().enumerate().rev() {
            let n = v.values.len() as u64;
            picks[i] = (combo % n) as usize;
            combo /= n;
        }
        picks
    }

    /// The sweep's identity: SHA-256 over the bytes of every input file and of the manifest
    /// files a scenario names (`manifest:`), the inputs as given, the varied fields and
    /// values, the set fields, the seeds, `--validate` and `--metric`, each length-prefixed.
    /// The same command on the same files gives the same hash on every machine.
    pub fn hash(&self) -> Result<String, SweepError> {
        let mut h = Sha256::new();
        let mut put = |tag: &str, bytes: &[u8]| {
            h.update(tag.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        put("jobsim-sweep", b"1");
        for file in &self.inputs {
            let bytes = std::fs::read(file).map_err(|e| SweepError::Read(file.clone(), e))?;
            put("input", file.to_string_lossy().as_bytes());
            put("bytes", &bytes);
            for manifest in manifest_refs(&bytes) {
                let path = file.parent().unwrap_or(Path::new("")).join(&manifest);
                // A file that cannot be read fails the loading that follows, with its message.
                let bytes = std::fs::read(&path).unwrap_or_default();
                put("manifest", manifest.as_bytes());
                put("bytes", &bytes);
            }
        }
        for v in &self.vary {
            put("vary", v.path.as_bytes());
            for value in &v.values {
                put("value", value.yaml.as_bytes());
            }
        }
        for o in &self.set {
            put("set", o.to_string().as_bytes());
        }
        put("seeds", &self.seeds.to_le_bytes());
        put(
            "validate",
            format!("{:?}", self.field_validation).as_bytes(),
        );
        put("metric", self.metric.as_bytes());
        let digest = h.finalize();
        Ok(format!(
            "sha256:{}",
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ))
    }
}

/// The `manifest:` paths a scenario file names (none for bare manifests or unreadable YAML).
fn manifest_refs(bytes: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    if !crate::api::is_scenario_text(text) {
        return Vec::new();
    }
    let Ok(doc) = yaml_serde::from_str::<Value>(text) else {
        return Vec::new();
    };
    let Some(Value::Sequence(workloads)) = doc.get("spec").and_then(|s| s.get("workloads")) else {
        return Vec::new();
    };
    workloads
        .iter()
        .filter_map(|w| w.get("manifest")?.as_str().map(str::to_string))
        .collect()
}

/// `file` with the values of a variant, for messages: `a.yaml with job/x.spec.parallelism=4`.
fn variant_label(file: &Path, vary: &[Vary], values: &[String]) -> String {
    let mut label = file.display().to_string();
    for (i, (v, value)) in vary.iter().zip(values).enumerate() {
        label.push_str(if i == 0 { " with " } else { ", " });
        label.push_str(&format!("{}={value}", v.path));
    }
    label
}

/// What a caller sees of the runs as they go (progress bars, signals, limits). Called from
/// the worker threads.
pub trait Observer: Sync {
    /// Whether to start run `run` (false: it is left out, as after Ctrl-C).
    fn start(&self, _run: u64) -> bool {
        true
    }
    /// Called every [`crate::PROGRESS_EVERY`] events of a run; `Break` stops the run (it
    /// is then left out).
    fn progress(&self, _run: u64, _progress: &Progress) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// Called once per finished run.
    fn done(&self, _row: &Row) {}
}

/// An observer that sees nothing and stops nothing.
pub struct Quiet;
impl Observer for Quiet {}

impl Plan {
    /// Runs in the sweep.
    pub fn total(&self) -> u64 {
        self.variants.len() as u64 * self.spec.seeds
    }

    /// Run `k` of the canonical order.
    pub fn run_spec(&self, k: u64) -> RunSpec {
        let variant = k / self.spec.seeds;
        let v = &self.variants[variant as usize];
        RunSpec {
            run: k,
            variant,
            scenario: self.spec.inputs[v.input].display().to_string(),
            values: self
                .spec
                .vary
                .iter()
                .zip(&v.values)
                .map(|(vary, value)| (vary.path.clone(), value.clone().into()))
                .collect(),
            seed: v.scenario.seed.wrapping_add(k % self.spec.seeds),
        }
    }

    /// `a.yaml with job/x.spec.parallelism=4`: variant `v` for people.
    pub fn variant_label(&self, v: usize) -> String {
        let variant = &self.variants[v];
        variant_label(
            &self.spec.inputs[variant.input],
            &self.spec.vary,
            &variant.values,
        )
    }

    /// The header of `sweep.csv`: `run`, `scenario`, each varied path, `seed`,
    /// `all_complete`, each metric, then `job/NAME.outcome` and `job/NAME.finished` for each
    /// standalone Job.
    pub fn header(&self) -> Vec<String> {
        let mut h = vec!["run".to_string(), "scenario".to_string()];
        h.extend(self.spec.vary.iter().map(|v| v.path.clone()));
        h.push("seed".into());
        h.push("all_complete".into());
        h.extend(metrics::METRICS.iter().map(|m| m.name.to_string()));
        for j in &self.jobs {
            h.push(format!("job/{j}.outcome"));
            h.push(format!("job/{j}.finished"));
        }
        h
    }

    /// Simulates run `k` and makes its row.
    pub fn run(
        &self,
        k: u64,
        progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<Row, SimulateError> {
        let spec = self.run_spec(k);
        let mut scenario = self.variants[spec.variant as usize].scenario.clone();
        scenario.seed = spec.seed;
        let mut sink = metrics::WaitSink::default();
        let result = simulate_observed(&scenario, &mut sink, None, progress)?;
        let figures = metrics::extract(&result, &mut sink, &self.jobs);
        let events = result.events_processed;
        drop(result);
        let mut cells = Vec::with_capacity(self.header().len());
        cells.push(k.to_string());
        cells.push(spec.scenario);
        cells.extend(
            spec.values
                .into_iter()
                .map(|(_, v)| v.as_str().unwrap_or_default().to_string()),
        );
        cells.push(spec.seed.to_string());
        cells.push(figures.all_complete.to_string());
        cells.extend(figures.metrics);
        for (outcome, finished) in figures.jobs {
            cells.push(outcome);
            cells.push(finished);
        }
        Ok(Row::new(k, &cells, events))
    }

    /// Runs `runs` in parallel on the current rayon pool; the result holds, in the order of
    /// `runs`, each run's row or `None` for a run the observer left out or stopped.
    pub fn execute(&self, runs: &[u64], observer: &dyn Observer) -> Vec<Option<Row>> {
        runs.par_iter()
            .map(|&k| {
                if !observer.start(k) {
                    return None;
                }
                let mut progress = |p: &Progress| observer.progress(k, p);
                // The sink never fails, so a run ends or is stopped by the observer.
                let row = self.run(k, &mut progress).ok()?;
                observer.done(&row);
                Some(row)
            })
            .collect()
    }

    /// What `sweep.json` records for the part `part` of this sweep.
    pub fn meta(&self, part: Part, complete: bool) -> Meta {
        Meta {
            kind: table::META_KIND.to_string(),
            jobsim_version: crate::version::VERSION.to_string(),
            hash: self.hash.clone(),
            inputs: self
                .spec
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            vary: self
                .spec
                .vary
                .iter()
                .map(|v| table::MetaVary {
                    path: v.path.clone(),
                    values: v.values.iter().map(|x| x.shown.clone()).collect(),
                })
                .collect(),
            set: self.spec.set.iter().map(|o| o.to_string()).collect(),
            seeds: self.spec.seeds,
            variants: self.variants.len() as u64,
            runs: self.total(),
            metric: self.spec.metric.clone(),
            part,
            complete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(inputs: Vec<PathBuf>, vary: &[&str], seeds: u64) -> SweepSpec {
        SweepSpec {
            inputs,
            vary: vary.iter().map(|v| v.parse().unwrap()).collect(),
            set: vec![],
            seeds,
            field_validation: FieldValidation::default(),
            metric: "makespan".into(),
        }
    }

    #[test]
    fn the_first_vary_is_outermost_and_the_last_changes_fastest() {
        let s = spec(vec![], &["a=1,2", "b=x,y,z"], 1);
        let order: Vec<Vec<usize>> = (0..6).map(|c| s.picks(c)).collect();
        assert_eq!(
            order,
            [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]].map(|p| p.to_vec())
        );
    }

    #[test]
    fn variants_beyond_the_limit_are_refused_before_any_is_loaded() {
        // The input does not exist: a sweep that loaded a variant would fail reading it.
        let missing = PathBuf::from("no/such/file.yaml");
        let too_many =
            |vary: &[&str], seeds: u64| match spec(vec![missing.clone()], vary, seeds).plan() {
                Err(SweepError::TooManyVariants(n)) => n,
                other => panic!("{vary:?}: {other:?}"),
            };
        // 1,000 × 1,000 variants of one seed: a million runs is allowed, a million
        // scenarios in memory is not.
        assert_eq!(too_many(&["a=1..1000", "b=1..1000"], 1), 1_000_000);
        // Ten lists of 100,000 values: 10^50 combinations, beyond 128 bits.
        let ten: Vec<String> = (0..10).map(|i| format!("a{i}=1..100000")).collect();
        let ten: Vec<&str> = ten.iter().map(String::as_str).collect();
        assert_eq!(too_many(&ten, 1), u128::MAX);
        assert_eq!(too_many(&ten[..4], u64::MAX), 100_000u128.pow(4));
        let message = SweepError::TooManyVariants(1_000_000).to_string();
        assert!(message.contains("more than the 100000"), "{message}");
        // At the limit, the variants are loaded (and the missing file is the error).
        assert!(matches!(
            spec(vec![missing], &["a=1..1000", "b=1..100"], 1).plan(),
            Err(SweepError::Read(..))
        ));
    }

    #[test]
    fn the_hash_follows_the_file_bytes_values_and_seeds_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.yaml");
        std::fs::write(&file, "kind: Job\n").unwrap();
        let h = |s: &SweepSpec| s.hash().unwrap();
        let base = spec(vec![file.clone()], &["a=1,2"], 3);
        assert_eq!(h(&base), h(&base.clone()), "stable");
        assert!(h(&base).starts_with("sha256:") && h(&base).len() == 7 + 64);
        assert_ne!(h(&base), h(&spec(vec![file.clone()], &["a=1,3"], 3)));
        assert_ne!(h(&base), h(&spec(vec![file.clone()], &["a=1,2"], 4)));
        let before = h(&base);
        std::fs::write(&file, "kind: Job \n").unwrap();
        assert_ne!(before, h(&base), "the file's bytes changed");
    }
}
