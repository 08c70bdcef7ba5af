//! The scenario file (`apiVersion: jobsim/v1`, `kind: Scenario`): what manifests cannot
//! say — the cluster, timing and behaviour models, scripted actions and the seed. Also the
//! default scenario that a bare manifest runs in. Resolves manifest paths relative to the
//! scenario file. Produces a checked [`Scenario`]; never simulates.

pub mod actions;
pub mod behavior;
pub mod distribution;
pub mod input;
pub mod overrides;
pub mod price;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;

use crate::api::position::{Pos, index_documents, sequence_len};
use crate::api::validation::FieldError;
use crate::api::{self, FieldPath, FieldValidation, Manifest, ManifestError, Quantity, Warning};
use crate::excerpt::clip_message;
use crate::time::{HOUR, SimDuration, SimTime, parse_duration};
pub use behavior::Behavior;
use behavior::BehaviorSpec;
pub use distribution::Distribution;
use distribution::DistributionSpec;
pub use overrides::Override;

/// The wall-clock instant of t = 0 when a scenario does not set `start`.
pub const DEFAULT_START: &str = "2026-01-01T00:00:00Z";
/// The seed when a scenario does not set one.
pub const DEFAULT_SEED: u64 = 1;
/// Default cluster for bare manifests: `worker-0..2`, each 4 CPU, 16Gi, 110 pods
/// (110 is the kubelet's default `maxPods`).
pub const DEFAULT_POOL_NAME: &str = "worker";
pub const DEFAULT_POOL_COUNT: u32 = 3;
pub const DEFAULT_NODE_CPU: &str = "4";
pub const DEFAULT_NODE_MEMORY: &str = "16Gi";
pub const DEFAULT_NODE_PODS: i64 = 110;
/// Default scheduling latency (pod created → bound): a typical kube-scheduler cycle on an
/// idle control plane.
pub const DEFAULT_SCHEDULING_MS: SimDuration = 20;
/// Default pod start-up latency (bound → containers running): image cached, sandbox and
/// container creation.
pub const DEFAULT_POD_STARTUP_MS: SimDuration = 1_000;

/// How long a scenario with CronJobs runs when it sets no `horizon` (and `jobsim run` on a
/// bare CronJob manifest): a CronJob never runs out of work, so the run needs an end. One
/// day shows every daily schedule once.
pub const DEFAULT_CRONJOB_HORIZON: SimDuration = 24 * HOUR;

/// Where a run without a horizon and without CronJobs stops if its work has not ended by
/// then: 365 days of simulated time. Real batches end long before (a one-million-pod Job at
/// parallelism 100 runs about 37 simulated days); a Job that can never finish (2^31-1
/// completions, an `Ignore` rule matching every failure) would otherwise run forever. A
/// warning says when a run reaches it; `--horizon` or `spec.horizon` sets another end.
pub const DEFAULT_RUN_BOUND: SimDuration = 365 * 24 * HOUR;

/// The longest horizon a scenario or `--horizon` may ask for: ten years of simulated time.
/// A minutely CronJob writes about 440 MB of records a year; longer horizons are refused
/// before the run starts.
pub const MAX_HORIZON: SimDuration = 10 * 365 * 24 * HOUR;

/// The most nodes a scenario's pools may add up to. Each node costs the simulator memory and
/// time; 100,000 is ten times the largest clusters the shipped scenarios and benchmarks run.
pub const MAX_NODES: u64 = 100_000;
/// The most workloads (Jobs and CronJobs, after reading their manifests) one scenario, or
/// the bare manifests of one run, may hold.
pub const MAX_WORKLOADS: usize = 10_000;
/// The most scripted actions one scenario may hold.
pub const MAX_ACTIONS: usize = 100_000;

/// A checked scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The name its outputs are filed under.
    pub name: String,
    /// The seed of the random streams.
    pub seed: u64,
    /// The instant simulated time 0 stands for.
    pub start: Timestamp,
    /// Where the run stops, if set.
    pub horizon: Option<SimDuration>,
    /// The node pools of the cluster.
    pub pools: Vec<NodePool>,
    /// Latencies of the control plane.
    pub timing: Timing,
    /// The Jobs and CronJobs, with their behaviour and submission times.
    pub workloads: Vec<Workload>,
    /// Scripted actions.
    pub actions: Vec<Action>,
    /// The CronJob controller's own zone (`cluster.controllerTimeZone`, an IANA name): where
    /// a CronJob without `timeZone` reads its schedule. `None` is UTC.
    pub controller_time_zone: Option<String>,
    /// What a run must show (`spec.expect`), judged by `jobsim check`.
    pub expect: Vec<crate::check::Expectation>,
    /// The currency of the pools' prices (`spec.currency`, ISO 4217; default USD).
    pub currency: String,
    /// Where it was read from (for messages).
    pub source: PathBuf,
}

impl Scenario {
    /// The horizon the run stops at: the scenario's, else [`DEFAULT_CRONJOB_HORIZON`] when
    /// it has a CronJob, else [`DEFAULT_RUN_BOUND`] (the run ends when nothing is left to
    /// do, or at that bound). Always `Some`.
    pub fn effective_horizon(&self) -> Option<SimDuration> {
        Some(self.horizon.unwrap_or_else(|| {
            if self
                .workloads
                .iter()
                .any(|w| matches!(w.manifest, Manifest::CronJob(_)))
            {
                DEFAULT_CRONJOB_HORIZON
            } else {
                DEFAULT_RUN_BOUND
            }
        }))
    }

    /// True when the run's end is [`DEFAULT_RUN_BOUND`]: no horizon set and no CronJob. A
    /// run that reaches it did not finish its work, which is worth a warning.
    pub fn bound_is_default(&self) -> bool {
        self.horizon.is_none()
            && !self
                .workloads
                .iter()
                .any(|w| matches!(w.manifest, Manifest::CronJob(_)))
    }
}

/// A group of identical nodes, named `<pool>-<n>`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    pub name: String,
    pub count: u32,
    pub cpu: Quantity,
    pub memory: Quantity,
    pub pods: i64,
    pub labels: BTreeMap<String, String>,
    /// Random node failures of this pool, when the scenario asks for them.
    pub faults: Option<NodeFaults>,
    /// What one of its nodes costs, when the scenario prices its pools.
    pub price: Option<price::Price>,
}

/// Random node failures: time between failures is exponential with mean `mtbf`; each
/// outage lasts a sample of `repair`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFaults {
    pub mtbf: SimDuration,
    pub repair: Distribution,
}

impl NodeFaultsSpec {
    fn resolve(&self, field: &str) -> Result<NodeFaults, String> {
        let mtbf = parse_duration(&self.mtbf).map_err(|e| format!("{field}.mtbf: {e}"))?;
        if mtbf == 0 {
            return Err(format!("{field}.mtbf: must be greater than zero"));
        }
        Ok(NodeFaults {
            mtbf,
            repair: self.repair.resolve(&format!("{field}.repair"))?,
        })
    }
}

/// Latency models of the control plane and kubelets.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub scheduling: Distribution,
    pub pod_startup: Distribution,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            scheduling: Distribution::Fixed(DEFAULT_SCHEDULING_MS),
            pod_startup: Distribution::Fixed(DEFAULT_POD_STARTUP_MS),
        }
    }
}

impl Scenario {
    /// The one hint a run of this scenario gives about container commands jobsim does not
    /// understand (see [`behavior::command_hint`]); `None` when there is nothing to say.
    pub fn command_hint(&self) -> Option<String> {
        behavior::command_hint(self.workloads.iter().flat_map(|w| {
            let (kind, spec) = match &w.manifest {
                Manifest::Job(job) => ("job", &job.spec.template.spec),
                Manifest::CronJob(cronjob) => {
                    ("cronjob", &cronjob.spec.job_template.spec.template.spec)
                }
            };
            let name = format!("{kind}/{}", w.manifest.name());
            spec.init_containers
                .iter()
                .chain(&spec.containers)
                .map(move |c| {
                    let words = c.command.iter().chain(&c.args).cloned().collect();
                    (name.clone(), c.name.as_str(), words, &w.behavior)
                })
        }))
    }
}

/// A Job or CronJob submitted at a time, with the behaviour of its containers.
#[derive(Debug, Clone)]
pub struct Workload {
    pub manifest: Manifest,
    pub at: SimTime,
    pub behavior: Behavior,
}

pub use actions::{Action, ActionKind};

/// Why a scenario or manifest could not be loaded. Fatal for the run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    /// A manifest does not load.
    Manifest(#[from] ManifestError),
    #[error("{}: cannot read: {source}", file.display())]
    /// The file cannot be read.
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", file.display())]
    /// The text is not valid YAML, or not of the scenario's shape.
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    #[error("{}:{line}:{column}: {message}", file.display())]
    /// A field has a value the scenario refuses.
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, starting with the field path.
        message: String,
    },
    /// An override names nothing in the input, or the input refuses its value.
    #[error("override {setting}: {message}")]
    Override {
        /// The override, as `PATH=VALUE`.
        setting: String,
        /// Why it failed (for a refused value, the whole error of the input).
        message: String,
    },
}

// ---- the YAML form -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScenarioFile {
    api_version: String,
    kind: String,
    #[serde(default)]
    metadata: ScenarioMeta,
    spec: ScenarioSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioMeta {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScenarioSpec {
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    horizon: Option<String>,
    #[serde(default)]
    cluster: Option<ClusterSpec>,
    #[serde(default)]
    workloads: Vec<WorkloadSpec>,
    #[serde(default)]
    actions: Vec<actions::ActionSpec>,
    #[serde(default)]
    faults: Option<FaultsSpec>,
    #[serde(default)]
    expect: Vec<crate::check::ExpectSpec>,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultsSpec {
    #[serde(default)]
    nodes: Option<NodeFaultsSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeFaultsSpec {
    mtbf: String,
    repair: DistributionSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClusterSpec {
    #[serde(default)]
    node_pools: Vec<NodePoolSpec>,
    #[serde(default)]
    timing: Option<TimingSpec>,
    #[serde(default)]
    controller_time_zone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodePoolSpec {
    name: String,
    #[serde(default = "one")]
    count: u32,
    capacity: CapacitySpec,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    faults: Option<FaultsSpec>,
    #[serde(default)]
    price: Option<price::PriceSpec>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacitySpec {
    cpu: Quantity,
    memory: Quantity,
    #[serde(default)]
    pods: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TimingSpec {
    #[serde(default)]
    scheduling: Option<DistributionSpec>,
    #[serde(default)]
    pod_startup: Option<DistributionSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WorkloadSpec {
    #[serde(default)]
    manifest: Option<String>,
    #[serde(default)]
    object: Option<yaml_serde::Value>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    behavior: Option<BehaviorSpec>,
}

// ---- loading -------------------------------------------------------------------------

pub use crate::api::is_scenario_text;

/// Reads the files given on the command line: one scenario per scenario file, and all
/// bare manifests together in one default scenario named after the first of them.
#[allow(dead_code)] // a crate entry point; the face reads through `input`
pub fn load_inputs(files: &[PathBuf]) -> Result<(Vec<Scenario>, Vec<Warning>), LoadError> {
    load_inputs_with(files, FieldValidation::Strict)
}

/// [`load_inputs`] with unknown fields of manifests treated as `mode` says (kubectl's
/// `--validate`). A scenario's own fields are always checked strictly.
#[allow(dead_code)] // a crate entry point; the face reads through `input`
pub fn load_inputs_with(
    files: &[PathBuf],
    mode: FieldValidation,
) -> Result<(Vec<Scenario>, Vec<Warning>), LoadError> {
    load_inputs_set(files, mode, &[], &read)
}

/// [`load_inputs_with`] with `overrides` applied to each input before it is read, and the
/// text of each file given by `read`.
pub(crate) fn load_inputs_set(
    files: &[PathBuf],
    mode: FieldValidation,
    overrides: &[Override],
    read: &dyn Fn(&Path) -> Result<String, LoadError>,
) -> Result<(Vec<Scenario>, Vec<Warning>), LoadError> {
    let mut scenarios = Vec::new();
    let mut warnings = Vec::new();
    let mut bare: Vec<Workload> = Vec::new();
    let mut first_bare: Option<&PathBuf> = None;
    // Where each bare object was defined, by kind and name: the API server refuses a second
    // object of one name.
    let mut defined: BTreeMap<(bool, String), (&PathBuf, Pos)> = BTreeMap::new();
    for file in files {
        let text = read(file)?;
        if is_scenario_text(&text) {
            let (s, w) = load_scenario_source(Source::Text(&text), file, mode, overrides)?;
            scenarios.push(s);
            warnings.extend(w);
        } else {
            let (manifests, w) = overrides::load_manifests_set(&text, file, mode, overrides)?;
            warnings.extend(w);
            first_bare.get_or_insert(file);
            for (manifest, at) in manifests {
                let is_job = matches!(manifest, Manifest::Job(_));
                let key = (is_job, manifest.name().to_string());
                if let Some((first_file, first_at)) = defined.get(&key) {
                    return Err(LoadError::Invalid {
                        file: file.clone(),
                        line: at.line,
                        column: at.column,
                        message: crate::excerpt::clip_message(&format!(
                            "Error from server (AlreadyExists): {} {:?} already exists \
                             (first defined at {}:{}:{})",
                            if is_job {
                                "jobs.batch"
                            } else {
                                "cronjobs.batch"
                            },
                            key.1,
                            first_file.display(),
                            first_at.line,
                            first_at.column
                        )),
                    });
                }
                defined.insert(key, (file, at));
                if bare.len() >= MAX_WORKLOADS {
                    return Err(LoadError::Invalid {
                        file: file.clone(),
                        line: at.line,
                        column: at.column,
                        message: format!(
                            "more than {MAX_WORKLOADS} Jobs and CronJobs in one run: jobsim's limit on workloads"
                        ),
                    });
                }
                bare.push(Workload {
                    manifest,
                    at: 0,
                    behavior: Behavior::default(),
                });
            }
        }
    }
    if let Some(first) = first_bare {
        if bare.is_empty() {
            return Err(LoadError::Invalid {
                file: first.clone(),
                line: 1,
                column: 1,
                message: "no Job or CronJob found".to_string(),
            });
        }
        let name = name_from_file(first, "run");
        let scenario = default_scenario(name, first.clone(), bare);
        scenarios.push(overrides::with_scenario_overrides(scenario, overrides)?);
    }
    Ok((scenarios, warnings))
}

fn read(file: &Path) -> Result<String, LoadError> {
    Ok(api::load::read_input(file)?)
}

/// A scenario name made from a file's name (`nightly-etl.yaml` gives `nightly-etl`), for
/// scenarios without `metadata.name` and for bare manifests. The name becomes a folder
/// (`reports/<name>/`), so it is made a valid Kubernetes name (a lowercase RFC 1123
/// subdomain): letters are lowercased, every other character outside `[a-z0-9.-]` becomes
/// `-`, and each dot-separated part is trimmed of leading and trailing `-` (empty parts are
/// dropped). `fallback` when nothing is left.
pub fn name_from_file(file: &Path, fallback: &str) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mapped: String = stem
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '.' | '-') => c,
            _ => '-',
        })
        .collect();
    let mut name = mapped
        .split('.')
        .map(|part| part.trim_matches('-'))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    // `IsDNS1123Subdomain`'s length limit.
    const MAX_NAME_LEN: usize = 253;
    if name.len() > MAX_NAME_LEN {
        name.truncate(MAX_NAME_LEN);
        name = name.trim_end_matches(['-', '.']).to_string();
    }
    if name.is_empty() {
        fallback.to_string()
    } else {
        name
    }
}

/// The scenario a bare manifest runs in: the default cluster and latencies.
pub fn default_scenario(name: String, source: PathBuf, workloads: Vec<Workload>) -> Scenario {
    Scenario {
        name,
        seed: DEFAULT_SEED,
        start: DEFAULT_START.parse().expect("valid constant"),
        horizon: None,
        pools: vec![default_pool()],
        timing: Timing::default(),
        workloads,
        actions: Vec::new(),
        controller_time_zone: None,
        expect: Vec::new(),
        currency: price::DEFAULT_CURRENCY.to_string(),
        source,
    }
}

fn default_pool() -> NodePool {
    NodePool {
        name: DEFAULT_POOL_NAME.to_string(),
        count: DEFAULT_POOL_COUNT,
        cpu: Quantity::parse(DEFAULT_NODE_CPU).expect("valid constant"),
        memory: Quantity::parse(DEFAULT_NODE_MEMORY).expect("valid constant"),
        pods: DEFAULT_NODE_PODS,
        labels: BTreeMap::new(),
        faults: None,
        price: None,
    }
}

/// Reads a scenario file.
#[allow(dead_code)] // a crate entry point; the face reads through `input`
pub fn load_scenario(file: &Path) -> Result<(Scenario, Vec<Warning>), LoadError> {
    load_scenario_str(&read(file)?, file)
}

/// Parses and checks a scenario; manifest paths are resolved against `file`'s folder.
#[allow(dead_code)] // a crate entry point; the face reads through `input`
pub fn load_scenario_str(text: &str, file: &Path) -> Result<(Scenario, Vec<Warning>), LoadError> {
    load_scenario_str_with(text, file, FieldValidation::Strict)
}

/// [`load_scenario_str`] with unknown fields of its manifests treated as `mode` says.
#[allow(dead_code)] // a crate entry point; the face reads through `input`
pub fn load_scenario_str_with(
    text: &str,
    file: &Path,
    mode: FieldValidation,
) -> Result<(Scenario, Vec<Warning>), LoadError> {
    load_scenario_source(Source::Text(text), file, mode, &[])
}

/// Where a scenario is read from: its text (positions in messages), or a parsed YAML value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    Text(&'a str),
    Value(&'a yaml_serde::Value),
}

/// Reads a scenario with `overrides` applied to its YAML before it is decoded; an error
/// that an override causes names it.
pub(crate) fn load_scenario_source(
    source: Source<'_>,
    file: &Path,
    mode: FieldValidation,
    overrides: &[Override],
) -> Result<(Scenario, Vec<Warning>), LoadError> {
    overrides::blamed(overrides, |set| load_scenario_once(source, file, mode, set))
}

fn load_scenario_once(
    source: Source<'_>,
    file: &Path,
    mode: FieldValidation,
    overrides: &[Override],
) -> Result<(Scenario, Vec<Warning>), LoadError> {
    if let Source::Text(text) = source {
        api::load::check_nesting(text, file)?;
        // Counted on the event stream, before the whole document is decoded.
        for (field, max) in [("workloads", MAX_WORKLOADS), ("actions", MAX_ACTIONS)] {
            if let Some((n, at)) = sequence_len(text, &["spec", field], max)
                && n > max
            {
                return Err(LoadError::Invalid {
                    file: file.to_path_buf(),
                    line: at.line,
                    column: at.column,
                    message: format!(
                        "spec.{field}: Too many: more than {max}: must have at most {max} items (jobsim's limit on {field})"
                    ),
                });
            }
        }
    }
    let syntax = |e: yaml_serde::Error| {
        let (line, column, message) = api::load::yaml_error_parts(&e);
        LoadError::Syntax {
            file: file.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let positions = match source {
        Source::Text(text) => index_documents(text).into_iter().next().unwrap_or_default(),
        Source::Value(_) => Default::default(),
    };
    let raw: ScenarioFile = match source {
        Source::Text(text) if overrides.is_empty() => yaml_serde::from_str(text).map_err(syntax)?,
        _ => {
            let mut doc = match source {
                Source::Text(text) => yaml_serde::from_str(text).map_err(syntax)?,
                Source::Value(value) => value.clone(),
            };
            let changed = overrides::apply_to_scenario(&mut doc, overrides)?;
            yaml_serde::from_value(doc).map_err(|e| {
                // Decoding a value keeps no position: point at what was overridden last.
                let pos = positions.value_pos(changed.last().unwrap_or(&FieldPath::root()));
                LoadError::Invalid {
                    file: file.to_path_buf(),
                    line: pos.line,
                    column: pos.column,
                    message: clip_message(&e.to_string()),
                }
            })?
        }
    };
    // Messages start with the field path they are about; point at it in the file.
    let invalid = |message: String| {
        let pos = positions.value_pos(&leading_path(&message));
        LoadError::Invalid {
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message: clip_message(&message),
        }
    };
    if raw.api_version != "jobsim/v1" || raw.kind != "Scenario" {
        return Err(invalid(format!(
            "apiVersion/kind: expected jobsim/v1 Scenario, got {}/{}",
            raw.api_version, raw.kind
        )));
    }
    let spec = raw.spec;
    let name = match raw.metadata.name {
        // The name becomes a folder: it must be a Kubernetes name, as the API server
        // checks `metadata.name`.
        Some(name) => {
            let path = FieldPath::of("metadata.name");
            let problem = if name.is_empty() {
                Some(FieldError::required(path, "name is required"))
            } else {
                crate::api::validation::dns1123_subdomain_errors(&name)
                    .into_iter()
                    .next()
                    .map(|msg| FieldError::invalid(path, format!("{name:?}"), &msg))
            };
            if let Some(problem) = problem {
                return Err(invalid(problem.to_string()));
            }
            name
        }
        None => name_from_file(file, "scenario"),
    };
    if spec.workloads.len() > MAX_WORKLOADS {
        return Err(invalid(format!(
            "spec.workloads: Too many: {}: must have at most {MAX_WORKLOADS} items (jobsim's limit on workloads)",
            spec.workloads.len()
        )));
    }
    if spec.actions.len() > MAX_ACTIONS {
        return Err(invalid(format!(
            "spec.actions: Too many: {}: must have at most {MAX_ACTIONS} items (jobsim's limit on actions)",
            spec.actions.len()
        )));
    }
    let start = match &spec.start {
        None => DEFAULT_START.parse().expect("valid constant"),
        Some(s) => s.parse::<Timestamp>().map_err(|e| {
            invalid(format!(
                "spec.start: {s:?} is not an RFC 3339 instant such as 2026-01-05T00:00:00Z ({e})"
            ))
        })?,
    };
    let horizon = spec
        .horizon
        .as_deref()
        .map(|h| parse_duration(h).map_err(|e| invalid(format!("spec.horizon: {e}"))))
        .transpose()?;
    if let Some(h) = horizon
        && h > MAX_HORIZON
    {
        return Err(invalid(format!(
            "spec.horizon: {} is longer than the most a run may simulate, {} (ten years)",
            crate::time::format_duration(h),
            crate::time::format_duration(MAX_HORIZON)
        )));
    }
    let cluster = spec.cluster.unwrap_or_default();
    if let Some(zone) = &cluster.controller_time_zone {
        let errors = crate::cron::validation::validate_time_zone_field(Some(zone));
        if let Some((_, message)) = errors.into_iter().next() {
            return Err(invalid(format!(
                "spec.cluster.controllerTimeZone: {message} (an IANA zone such as Europe/Berlin)"
            )));
        }
    }
    let mut pools = Vec::new();
    let mut nodes: u64 = 0;
    for (i, p) in cluster.node_pools.iter().enumerate() {
        let path = format!("spec.cluster.nodePools[{i}]");
        nodes += u64::from(p.count);
        if nodes > MAX_NODES {
            return Err(invalid(format!(
                "{path}.count: Invalid value: {}: the node pools add up to {nodes} nodes, more than {MAX_NODES} (jobsim's limit on nodes in a cluster)",
                p.count
            )));
        }
        // Node names are `<pool>-<n>`: the pool name must be a DNS label like them.
        if let Some(problem) = crate::api::validation::dns1123_label_errors(&p.name).first() {
            return Err(invalid(format!("{path}.name: {:?}: {problem}", p.name)));
        }
        if pools.iter().any(|q: &NodePool| q.name == p.name) {
            return Err(invalid(format!("{path}.name: duplicate pool {:?}", p.name)));
        }
        if p.capacity.cpu.is_negative() || p.capacity.memory.is_negative() {
            return Err(invalid(format!("{path}.capacity: must not be negative")));
        }
        let price = p
            .price
            .as_ref()
            .map(|price| price.resolve(&format!("{path}.price")))
            .transpose()
            .map_err(invalid)?;
        pools.push(NodePool {
            name: p.name.clone(),
            count: p.count,
            cpu: p.capacity.cpu.clone(),
            memory: p.capacity.memory.clone(),
            pods: p.capacity.pods.unwrap_or(DEFAULT_NODE_PODS),
            labels: p.labels.clone(),
            faults: None,
            price,
        });
    }
    // Cost is the whole cluster's or nothing: a pool without a price would count as free.
    if let Some(priced) = pools.iter().find(|p| p.price.is_some())
        && let Some(i) = pools.iter().position(|p| p.price.is_none())
    {
        return Err(invalid(format!(
            "spec.cluster.nodePools[{i}].price: Required value: pool {:?} has no price but pool {:?} has one; price every pool or none (a pool without a price would count as free)",
            pools[i].name, priced.name
        )));
    }
    let currency = spec
        .currency
        .clone()
        .unwrap_or_else(|| price::DEFAULT_CURRENCY.to_string());
    price::check_currency(&currency).map_err(invalid)?;
    if pools.is_empty() {
        pools.push(default_pool());
    }
    let mut timing = Timing::default();
    if let Some(t) = &cluster.timing {
        if let Some(d) = &t.scheduling {
            timing.scheduling = d
                .resolve("spec.cluster.timing.scheduling")
                .map_err(invalid)?;
        }
        if let Some(d) = &t.pod_startup {
            timing.pod_startup = d
                .resolve("spec.cluster.timing.podStartup")
                .map_err(invalid)?;
        }
    }
    let base = file.parent().unwrap_or(Path::new("."));
    let mut workloads = Vec::new();
    let mut warnings = Vec::new();
    for (i, w) in spec.workloads.iter().enumerate() {
        let path = format!("spec.workloads[{i}]");
        let at =
            w.at.as_deref()
                .map(|a| parse_duration(a).map_err(|e| invalid(format!("{path}.at: {e}"))))
                .transpose()?
                .unwrap_or(0);
        let behavior = w
            .behavior
            .as_ref()
            .map(|b| b.resolve(&format!("{path}.behavior")))
            .transpose()
            .map_err(invalid)?
            .unwrap_or_default();
        let manifests = match (&w.manifest, &w.object) {
            (Some(m), None) => {
                let resolved = base.join(m);
                let (ms, ws) = api::load_manifests_with(&resolved, mode).map_err(|e| match e {
                    ManifestError::Io { source, .. } => invalid(format!(
                        "{path}.manifest: cannot read {}: {source}",
                        resolved.display()
                    )),
                    other => other.into(),
                })?;
                warnings.extend(ws);
                ms
            }
            (None, Some(obj)) => {
                let prefix = FieldPath::of("spec.workloads").index(i).child("object");
                let (m, ws) =
                    api::manifest_in_document_with(obj.clone(), file, &positions, &prefix, mode)?;
                warnings.extend(ws);
                vec![m]
            }
            _ => {
                return Err(invalid(format!(
                    "{path}: give exactly one of `manifest` (a path) or `object` (an inline manifest)"
                )));
            }
        };
        if manifests.is_empty() {
            return Err(invalid(format!("{path}: no Job or CronJob found")));
        }
        workloads.extend(manifests.into_iter().map(|manifest| Workload {
            manifest,
            at,
            behavior: behavior.clone(),
        }));
        if workloads.len() > MAX_WORKLOADS {
            return Err(invalid(format!(
                "{path}: the workloads add up to more than {MAX_WORKLOADS} Jobs and CronJobs (jobsim's limit on workloads)"
            )));
        }
    }
    check_unique_names(&workloads).map_err(invalid)?;
    let node_names: Vec<String> = pools
        .iter()
        .flat_map(|p| (0..p.count).map(move |n| format!("{}-{n}", p.name)))
        .collect();
    let mut actions = Vec::new();
    for (i, a) in spec.actions.iter().enumerate() {
        let path = format!("spec.actions[{i}]");
        actions.push(a.resolve(&path, &workloads, &node_names).map_err(invalid)?);
    }
    let default_faults = match spec.faults.as_ref().and_then(|f| f.nodes.as_ref()) {
        Some(f) => Some(f.resolve("spec.faults.nodes").map_err(invalid)?),
        None => None,
    };
    for (i, pool) in pools.iter_mut().enumerate() {
        let raw = cluster.node_pools.get(i);
        pool.faults = match raw
            .and_then(|r| r.faults.as_ref())
            .and_then(|f| f.nodes.as_ref())
        {
            Some(f) => Some(
                f.resolve(&format!("spec.cluster.nodePools[{i}].faults.nodes"))
                    .map_err(invalid)?,
            ),
            None => default_faults.clone(),
        };
    }
    let expect = resolve_expectations(&spec.expect, &workloads, &pools).map_err(invalid)?;
    Ok((
        Scenario {
            name,
            seed: spec.seed.unwrap_or(DEFAULT_SEED),
            start,
            horizon,
            pools,
            timing,
            workloads,
            actions,
            controller_time_zone: cluster.controller_time_zone.clone(),
            expect,
            currency,
            source: file.to_path_buf(),
        },
        warnings,
    ))
}

/// The field path a message starts with: `spec.workloads[2].behavior.duration: …` gives
/// that path; a message that starts otherwise gives the root (the document's start).
fn leading_path(message: &str) -> FieldPath {
    let head = message.split(": ").next().unwrap_or("");
    if head.is_empty() || head.contains(' ') {
        return FieldPath::root();
    }
    let mut path = FieldPath::root();
    for part in head.split('.') {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            path = path.child(name);
        }
        for index in pieces {
            match index.trim_end_matches(']').parse::<usize>() {
                Ok(i) => path = path.index(i),
                Err(_) => return path,
            }
        }
    }
    path
}

/// The file that holds a bare manifest's expectations: `job.yaml` → `job.expect.yml`
/// (`.yml`, so that a folder of manifests run as `*.yaml` does not take it for one).
pub fn expectations_file(manifest: &Path) -> PathBuf {
    manifest.with_extension("expect.yml")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectationsFile {
    api_version: String,
    kind: String,
    spec: ExpectationsSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectationsSpec {
    expect: Vec<crate::check::ExpectSpec>,
}

/// Reads the expectations of the scenario a bare manifest runs in from
/// [`expectations_file`] (`apiVersion: jobsim/v1`, `kind: Expectations`, `spec.expect` in
/// a scenario's form), when that file exists. Returns whether it did.
pub fn load_expectations_beside(
    scenario: &mut Scenario,
    manifest: &Path,
) -> Result<bool, LoadError> {
    let file = expectations_file(manifest);
    if !file.is_file() {
        return Ok(false);
    }
    let text = read(&file)?;
    api::load::check_nesting(&text, &file)?;
    let raw: ExpectationsFile = yaml_serde::from_str(&text).map_err(|e| {
        let (line, column, message) = api::load::yaml_error_parts(&e);
        LoadError::Syntax {
            file: file.clone(),
            line,
            column,
            message,
        }
    })?;
    let positions = index_documents(&text)
        .into_iter()
        .next()
        .unwrap_or_default();
    let invalid = |message: String| {
        let pos = positions.value_pos(&leading_path(&message));
        LoadError::Invalid {
            file: file.clone(),
            line: pos.line,
            column: pos.column,
            message: clip_message(&message),
        }
    };
    if raw.api_version != "jobsim/v1" || raw.kind != "Expectations" {
        return Err(invalid(format!(
            "apiVersion/kind: expected jobsim/v1 Expectations, got {}/{}",
            raw.api_version, raw.kind
        )));
    }
    scenario.expect = resolve_expectations(&raw.spec.expect, &scenario.workloads, &scenario.pools)
        .map_err(invalid)?;
    Ok(true)
}

/// Checks `spec.expect` against the scenario's Jobs and CronJobs.
fn resolve_expectations(
    specs: &[crate::check::ExpectSpec],
    workloads: &[Workload],
    pools: &[NodePool],
) -> Result<Vec<crate::check::Expectation>, String> {
    let (mut jobs, mut cronjobs) = (Vec::new(), Vec::new());
    for w in workloads {
        match &w.manifest {
            Manifest::Job(_) => jobs.push(w.manifest.name().to_string()),
            Manifest::CronJob(_) => cronjobs.push(w.manifest.name().to_string()),
        }
    }
    let names = crate::check::spec::Names {
        jobs: &jobs,
        cronjobs: &cronjobs,
        priced: pools.iter().any(|p| p.price.is_some()),
    };
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| s.resolve(i, names))
        .collect()
}

fn check_unique_names(workloads: &[Workload]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for w in workloads {
        let key = (
            matches!(w.manifest, Manifest::Job(_)),
            w.manifest.name().to_string(),
        );
        if !seen.insert(key) {
            return Err(format!(
                "spec.workloads: two objects are named {:?}; names must be unique per kind",
                w.manifest.name()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PathSeg;

    #[test]
    fn messages_lead_with_the_path_they_point_at() {
        let p = leading_path("spec.workloads[2].behavior.duration: bad");
        assert_eq!(
            p.0,
            vec![
                PathSeg::Field("spec".into()),
                PathSeg::Field("workloads".into()),
                PathSeg::Index(2),
                PathSeg::Field("behavior".into()),
                PathSeg::Field("duration".into()),
            ]
        );
        assert!(leading_path("no Job or CronJob found").is_empty());
        assert!(leading_path("give exactly one action").is_empty());
    }
}
