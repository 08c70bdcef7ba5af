//! Reading manifest files: one or several YAML documents per file (`---`), or a `kind: List`
//! (what `kubectl get -o yaml` prints); dispatch on `kind`; Kubernetes defaulting and
//! validation; every error and warning with file, line, column and field path.
//!
//! The pipeline for each object mirrors the API server: decode (types must match: a quoted
//! number is an error), default, validate. Unknown fields are dropped with a warning, as the
//! API server drops them. This module does not read scenario files: it only recognises them
//! ([`is_scenario_text`]) so that the caller can route a file.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use yaml_serde::Value;

use super::cronjob::CronJob;
use super::defaults::{default_cronjob, default_job};
use super::job::Job;
use super::lenient::describe;
use super::position::first_document_kind;
use super::position::{
    DocPositions, FieldPath, MAX_NESTING_DEPTH, PathSeg, Pos, index_documents, too_deep,
};
use super::validation::{FieldError, validate_cronjob, validate_job};
use crate::excerpt::clip_message;

/// One object read from a manifest file, defaulted and validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Manifest {
    Job(Box<Job>),
    CronJob(Box<CronJob>),
}

impl Manifest {
    pub fn name(&self) -> &str {
        match self {
            Manifest::Job(j) => &j.metadata.name,
            Manifest::CronJob(c) => &c.metadata.name,
        }
    }
}

/// A non-fatal remark about a manifest, e.g. a field jobsim (and the API server) ignores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file it is about.
    pub file: PathBuf,
    /// 1-based line of the field it is about.
    pub line: usize,
    /// 1-based column of the field.
    pub column: usize,
    /// What is wrong, starting with the field path.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// One reason an object was rejected, where it is in the file. `message` starts with the
/// field path when there is one: `spec.completions: Invalid value: -1: must be greater than
/// or equal to 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why a manifest file could not be used. Every variant is fatal for the run.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    /// The text is not valid YAML.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// One or more objects are invalid; each problem prints on its own line, as the API
    /// server lists every field error.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        file: PathBuf,
        problems: Vec<Problem>,
    },
    /// The file is a jobsim scenario (`apiVersion: jobsim/v1`, `kind: Scenario`), not a
    /// manifest: the caller should read it as a scenario.
    #[error(
        "{}:{line}:{column}: this is a jobsim Scenario, not a Kubernetes manifest: pass it where a scenario is expected",
        file.display()
    )]
    Scenario {
        file: PathBuf,
        line: usize,
        column: usize,
    },
}

impl ManifestError {
    /// Every problem of an `Invalid` error (empty for the other variants).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ManifestError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn render_problems(file: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}:{}:{}: {}", file.display(), p.line, p.column, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

const SUPPORTED: &str = "jobsim reads batch/v1 Job and CronJob";

/// What to do with a field Kubernetes does not know (a typo such as `spec.parallelizm`), as
/// kubectl's `--validate` flag says: `Strict` refuses the object (kubectl's default, the API
/// server's strict field validation), `Warn` loads it with a warning, `Ignore` drops the field
/// silently. Fields Kubernetes knows but jobsim does not model are warnings in every mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldValidation {
    #[default]
    /// Refuse an object with an unknown field (the default).
    Strict,
    /// Load it, warn about the field and drop it.
    Warn,
    /// Drop the field silently.
    Ignore,
}

impl std::str::FromStr for FieldValidation {
    type Err = String;

    /// `strict`, `warn` or `ignore`; kubectl's older `true` (strict) and `false` (ignore).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "strict" | "true" => Ok(FieldValidation::Strict),
            "warn" => Ok(FieldValidation::Warn),
            "ignore" | "false" => Ok(FieldValidation::Ignore),
            other => Err(format!(
                "invalid value {:?}: allowed values are strict, warn and ignore",
                crate::excerpt::excerpt(other)
            )),
        }
    }
}

/// The largest input file jobsim reads (manifests and scenarios): 64 MiB. A Kubernetes
/// object is at most 1.5 MiB in etcd, so real inputs stay far below it.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads every Job and CronJob in a file, refusing unknown fields.
#[allow(dead_code)] // a crate entry point; the face reads through `scenario::input`
pub fn load_manifests(path: &Path) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    load_manifests_with(path, FieldValidation::Strict)
}

/// Reads every Job and CronJob in a file, treating unknown fields as `mode` says.
pub fn load_manifests_with(
    path: &Path,
    mode: FieldValidation,
) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    let text = read_input(path)?;
    let (located, warnings) = load_manifests_located(&text, path, mode)?;
    Ok((located.into_iter().map(|(m, _)| m).collect(), warnings))
}

/// Reads an input file as text: a regular file (not a device or a pipe such as
/// `/dev/zero`) of at most [`MAX_INPUT_BYTES`], in UTF-8 (a bad byte is reported with its
/// line and column).
pub fn read_input(path: &Path) -> Result<String, ManifestError> {
    use std::io::Read;
    let io = |source: std::io::Error| ManifestError::Io {
        file: path.to_path_buf(),
        source,
    };
    let refuse = |message: String| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            message,
        ))
    };
    let mut bytes = Vec::new();
    // `-` is standard input, as kubectl's `-f -` (`kubectl get jobs -o yaml | jobsim run -`).
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let file = std::fs::File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(refuse("is a directory, not a YAML file".to_string()));
        }
        if !meta.is_file() {
            return Err(refuse(
                "is not a regular file (a device, pipe or socket); jobsim reads YAML files"
                    .to_string(),
            ));
        }
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(refuse(format!(
            "is larger than {} MiB, jobsim's limit on input files",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count();
        let bad = e.as_bytes()[valid.len()];
        ManifestError::Syntax {
            file: path.to_path_buf(),
            line,
            column,
            message: format!(
                "invalid UTF-8 (byte 0x{bad:02x} at offset {}): input files must be UTF-8 text",
                valid.len()
            ),
        }
    })
}

/// The position of a YAML error and its message, without the ` at line L column C` the
/// parser appends to it: the caller prints `file:line:column:` in front, once. A position
/// further on in the message (where the enclosing collection began) stays.
pub(crate) fn yaml_error_parts(e: &yaml_serde::Error) -> (usize, usize, String) {
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let message = e
        .to_string()
        .replacen(&format!(" at line {line} column {column}"), "", 1);
    (line, column, clip_message(&message))
}

/// Refuses text that nests collections deeper than [`MAX_NESTING_DEPTH`], before anything
/// parses it further.
pub fn check_nesting(text: &str, file: &Path) -> Result<(), ManifestError> {
    match too_deep(text) {
        None => Ok(()),
        Some(at) => Err(ManifestError::Syntax {
            file: file.to_path_buf(),
            line: at.line,
            column: at.column,
            message: format!(
                "nesting deeper than {MAX_NESTING_DEPTH} levels: jobsim's limit on YAML nesting \
                 (Kubernetes objects nest about a dozen levels)"
            ),
        }),
    }
}

/// Reads every Job and CronJob in YAML text; `file` names it in messages. Empty documents
/// are skipped. All problems of all documents are reported together. Unknown fields are
/// refused ([`FieldValidation::Strict`]).
#[allow(dead_code)] // a crate entry point; the face reads through `scenario::input`
pub fn load_manifests_str(
    text: &str,
    file: &Path,
) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    let (located, warnings) = load_manifests_located(text, file, FieldValidation::Strict)?;
    Ok((located.into_iter().map(|(m, _)| m).collect(), warnings))
}

/// An object read from a file, with where its `metadata.name` is.
pub type Located = (Manifest, Pos);

/// Like [`load_manifests_str`], with where each object's `metadata.name` is in the file
/// (for messages about two objects, such as a duplicate name).
/// Unknown fields are treated as `mode` says.
pub fn load_manifests_located(
    text: &str,
    file: &Path,
    mode: FieldValidation,
) -> Result<(Vec<Located>, Vec<Warning>), ManifestError> {
    check_nesting(text, file)?;
    let values = read_documents(text, file)?;
    load_documents(values, text, file, mode)
}

/// Like [`load_manifests_located`], for the documents of `text` already parsed (and perhaps
/// changed since): positions in messages are those of `text`.
pub fn load_documents(
    values: Vec<Value>,
    text: &str,
    file: &Path,
    mode: FieldValidation,
) -> Result<(Vec<Located>, Vec<Warning>), ManifestError> {
    let mut positions = index_documents(text);
    if positions.len() != values.len() {
        // The two parsers disagree on where documents start: rather than point at the
        // wrong lines, point every message at the top of the file.
        positions = vec![DocPositions::fixed(Pos { line: 1, column: 1 }); values.len()];
    }
    let mut loaded = Loaded::new(mode);
    for (value, pos) in values.into_iter().zip(&positions) {
        if value.is_null() {
            continue;
        }
        if kind_of(&value) == Some("List") {
            let items = match value.get("items") {
                Some(Value::Sequence(items)) => items.clone(),
                None | Some(Value::Null) => Vec::new(),
                Some(other) => {
                    let err = FieldError::invalid(
                        FieldPath::of("items"),
                        describe(other),
                        "must be a list of objects",
                    );
                    loaded.problem(pos, &FieldPath::root(), &err);
                    continue;
                }
            };
            for (i, item) in items.into_iter().enumerate() {
                load_object(item, pos, &FieldPath::of("items").index(i), &mut loaded);
            }
        } else {
            if is_scenario(&value) {
                let at = pos.value_pos(&FieldPath::of("kind"));
                return Err(ManifestError::Scenario {
                    file: file.to_path_buf(),
                    line: at.line,
                    column: at.column,
                });
            }
            load_object(value, pos, &FieldPath::root(), &mut loaded);
        }
    }
    loaded.finish(file)
}

/// Reads one Job or CronJob given as a YAML value (an object embedded in a scenario file).
/// Messages point at `line`:`column`, the position of the object in `file`.
pub fn manifest_from_value(
    value: Value,
    file: &Path,
    line: usize,
    column: usize,
) -> Result<(Manifest, Vec<Warning>), ManifestError> {
    let pos = DocPositions::fixed(Pos { line, column });
    if is_scenario(&value) {
        return Err(ManifestError::Scenario {
            file: file.to_path_buf(),
            line,
            column,
        });
    }
    let mut loaded = Loaded::default();
    if kind_of(&value) == Some("List") {
        let err = FieldError::new(
            FieldPath::of("kind"),
            "Unsupported value: \"List\": an inline object must be one Job or CronJob",
        );
        loaded.problem(&pos, &FieldPath::root(), &err);
    } else {
        load_object(value, &pos, &FieldPath::root(), &mut loaded);
    }
    let (mut manifests, warnings) = loaded.finish(file)?;
    match manifests.pop() {
        Some((m, _)) => Ok((m, warnings)),
        None => Err(ManifestError::Invalid {
            file: file.to_path_buf(),
            problems: vec![Problem {
                line,
                column,
                message: format!("no object found: {SUPPORTED}"),
            }],
        }),
    }
}

/// Reads one Job or CronJob embedded in a larger YAML document (a scenario's inline
/// `object:`): `positions` indexes that document and `prefix` is the object's path in it, so
/// messages point at the right line and column of `file`.
#[allow(dead_code)] // a crate entry point; the face reads through `scenario::input`
pub fn manifest_in_document(
    value: Value,
    file: &Path,
    positions: &DocPositions,
    prefix: &FieldPath,
) -> Result<(Manifest, Vec<Warning>), ManifestError> {
    manifest_in_document_with(value, file, positions, prefix, FieldValidation::Strict)
}

/// [`manifest_in_document`] with unknown fields treated as `mode` says.
pub fn manifest_in_document_with(
    value: Value,
    file: &Path,
    positions: &DocPositions,
    prefix: &FieldPath,
    mode: FieldValidation,
) -> Result<(Manifest, Vec<Warning>), ManifestError> {
    let at = positions.value_pos(prefix);
    if is_scenario(&value) || kind_of(&value) == Some("List") {
        return manifest_from_value(value, file, at.line, at.column);
    }
    let mut loaded = Loaded::new(mode);
    load_object(value, positions, prefix, &mut loaded);
    let (mut manifests, warnings) = loaded.finish(file)?;
    match manifests.pop() {
        Some((m, _)) => Ok((m, warnings)),
        None => manifest_from_value(Value::Null, file, at.line, at.column),
    }
}

/// True when the first non-empty YAML document of `text` has `kind: Scenario`: the file is a
/// jobsim scenario rather than a manifest. Unreadable YAML is not a scenario.
pub fn is_scenario_text(text: &str) -> bool {
    // Read from the event stream, which stops at `kind`: decoding the whole document here
    // would cost as much again as loading it (and the loaders check nesting first).
    first_document_kind(text).as_deref() == Some("Scenario")
}

fn is_scenario(value: &Value) -> bool {
    kind_of(value) == Some("Scenario")
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("jobsim/"))
}

fn kind_of(value: &Value) -> Option<&str> {
    value.get("kind").and_then(Value::as_str)
}

/// Splits the text into YAML documents; a syntax error stops everything, with its position.
pub fn read_documents(text: &str, file: &Path) -> Result<Vec<Value>, ManifestError> {
    let mut values = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(text) {
        let value = super::lenient::document(doc).map_err(|e| {
            let (line, column, message) = yaml_error_parts(&e);
            ManifestError::Syntax {
                file: file.to_path_buf(),
                line,
                column,
                message,
            }
        })?;
        values.push(value);
    }
    Ok(values)
}

/// What the objects of a file produced so far.
#[derive(Default)]
struct Loaded {
    /// What unknown fields do.
    mode: FieldValidation,
    /// Each with where its `metadata.name` is.
    manifests: Vec<(Manifest, Pos)>,
    warnings: Vec<(Pos, String)>,
    problems: Vec<Problem>,
}

impl Loaded {
    fn new(mode: FieldValidation) -> Loaded {
        Loaded {
            mode,
            ..Loaded::default()
        }
    }

    fn problem(&mut self, pos: &DocPositions, prefix: &FieldPath, err: &FieldError) {
        let at = pos.value_pos(&prefix.join(&err.path));
        self.problems.push(Problem {
            line: at.line,
            column: at.column,
            message: clip_message(&err.to_string()),
        });
    }

    fn finish(mut self, file: &Path) -> Result<(Vec<Located>, Vec<Warning>), ManifestError> {
        if !self.problems.is_empty() {
            // In file order, which is also document order (the sort is stable).
            self.problems.sort_by_key(|p| (p.line, p.column));
            return Err(ManifestError::Invalid {
                file: file.to_path_buf(),
                problems: self.problems,
            });
        }
        self.warnings.sort_by_key(|(at, _)| *at);
        let warnings = self
            .warnings
            .into_iter()
            .map(|(at, message)| Warning {
                file: file.to_path_buf(),
                line: at.line,
                column: at.column,
                message: clip_message(&message),
            })
            .collect();
        Ok((self.manifests, warnings))
    }
}

/// Decodes, defaults and validates one object; `prefix` is its path inside the document
/// (`items[2]` in a List).
fn load_object(mut value: Value, pos: &DocPositions, prefix: &FieldPath, out: &mut Loaded) {
    if !matches!(value, Value::Mapping(_)) {
        let err = FieldError::new(
            FieldPath::root(),
            format!(
                "a manifest must be a mapping with apiVersion and kind, not {}: {SUPPORTED}",
                describe(&value)
            ),
        );
        out.problem(pos, prefix, &err);
        return;
    }
    let kind = kind_of(&value).map(str::to_string);
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(str::to_string);
    let kind = match kind.as_deref() {
        Some(k @ ("Job" | "CronJob")) => k,
        None | Some("") => {
            let err = FieldError::required(FieldPath::of("kind"), SUPPORTED);
            out.problem(pos, prefix, &err);
            return;
        }
        Some(other) => {
            let err = FieldError::new(
                FieldPath::root(),
                format!("kind {other:?} is not supported: {SUPPORTED}"),
            );
            out.problem(pos, &prefix.child("kind"), &err);
            return;
        }
    };
    match api_version.as_deref() {
        Some("batch/v1") => {}
        None | Some("") => {
            let err = FieldError::required(FieldPath::of("apiVersion"), SUPPORTED);
            out.problem(pos, prefix, &err);
            return;
        }
        Some(other) => {
            let err = FieldError::new(
                FieldPath::root(),
                format!("apiVersion {other:?} is not supported for kind {kind}: {SUPPORTED}"),
            );
            out.problem(pos, &prefix.child("apiVersion"), &err);
            return;
        }
    }

    let mut errors = Vec::new();
    let bool_fields: &[&str] = if kind == "Job" {
        &["spec.suspend", "spec.manualSelector"]
    } else {
        &[
            "spec.suspend",
            "spec.jobTemplate.spec.suspend",
            "spec.jobTemplate.spec.manualSelector",
        ]
    };
    for field in bool_fields {
        let path = FieldPath::of(field);
        reject_quoted_boolean(&mut value, &path, pos, prefix, &mut errors);
    }

    let (manifest, ignored) = if kind == "Job" {
        let raw_has_selector = get_path(&value, &FieldPath::of("spec.selector")).is_some();
        let decoded = decode::<Job>(value, &mut errors);
        let manifest = decoded.value.map(|mut job| {
            default_job(&mut job);
            if job.spec.manual_selector == Some(true) && !raw_has_selector {
                errors.push(FieldError::required(FieldPath::of("spec.selector"), ""));
            }
            errors.extend(without_decoded(validate_job(&job), &decoded.failed));
            Manifest::Job(Box::new(job))
        });
        (manifest, decoded.ignored)
    } else {
        let selector_path = FieldPath::of("spec.jobTemplate.spec.selector");
        if let Some(selector) = get_path(&value, &selector_path) {
            errors.push(FieldError::invalid(
                selector_path.clone(),
                serde_json::to_string(selector).unwrap_or_default(),
                "`selector` will be auto-generated",
            ));
        }
        let decoded = decode::<CronJob>(value, &mut errors);
        let manifest = decoded.value.map(|mut cj| {
            default_cronjob(&mut cj);
            let mut found = without_decoded(validate_cronjob(&cj), &decoded.failed);
            hint_time_zone(&mut found, cj.spec.time_zone.as_deref());
            errors.extend(found);
            Manifest::CronJob(Box::new(cj))
        });
        (manifest, decoded.ignored)
    };

    let error_paths: BTreeSet<&FieldPath> = errors.iter().map(|e| &e.path).collect();
    let mut unknown = Vec::new();
    for path in &ignored {
        if error_paths.contains(path) {
            continue;
        }
        let at = pos.key_pos(&prefix.join(path));
        match (ignored_message(path), out.mode) {
            (Ignored::Unknown(_), FieldValidation::Strict) => unknown.push(Problem {
                line: at.line,
                column: at.column,
                // As the API server words it under strict field validation.
                message: clip_message(&format!("strict decoding error: unknown field \"{path}\"")),
            }),
            (Ignored::Unknown(_), FieldValidation::Ignore) => {}
            (Ignored::Unknown(message) | Ignored::Known(message), _) => {
                out.warnings.push((at, message));
            }
        }
    }
    if !unknown.is_empty() {
        out.problems.extend(unknown);
        for err in &errors {
            out.problem(pos, prefix, err);
        }
    } else if errors.is_empty() {
        let at = pos.value_pos(&prefix.join(&FieldPath::of("metadata.name")));
        out.manifests.extend(manifest.map(|m| (m, at)));
    } else {
        for err in &errors {
            out.problem(pos, prefix, err);
        }
    }
}

/// Upstream's message for a `timeZone` Go cannot load is only "unknown time zone NAME"
/// (`time.LoadLocation`'s error, kept word for word); jobsim adds what is allowed, in the
/// terms upstream uses for `Local` ("an explicit time zone as defined in
/// https://www.iana.org/time-zones"). `Local` itself already gets that message, so its
/// second error is left as upstream words it.
fn hint_time_zone(errors: &mut [FieldError], zone: Option<&str>) {
    let Some(zone) = zone else { return };
    if zone.eq_ignore_ascii_case("local") {
        return;
    }
    let unknown = format!("unknown time zone {zone}");
    for e in errors.iter_mut() {
        if e.path == FieldPath::of("spec.timeZone") && e.message.ends_with(&unknown) {
            e.message.push_str(
                " (a time zone name of the IANA database, https://www.iana.org/time-zones, \
                 such as Europe/Berlin or America/New_York; names are case-sensitive)",
            );
        }
    }
}

/// The API server reads booleans with a YAML 1.1 decoder, so plain `yes`/`on` are booleans,
/// but a quoted `"yes"` (or `"true"`) is a string and is rejected.
fn reject_quoted_boolean(
    value: &mut Value,
    path: &FieldPath,
    pos: &DocPositions,
    prefix: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let Some(node) = get_path_mut(value, path) else {
        return;
    };
    if let Value::String(s) = node
        && pos.is_quoted(&prefix.join(path)) == Some(true)
    {
        errors.push(FieldError::invalid(
            path.clone(),
            format!("{s:?}"),
            "must be a boolean (true or false), not a quoted string",
        ));
        *node = Value::Null;
    }
}

/// Drops validation errors about fields whose decoding already failed (they were read as
/// unset and would be reported twice).
fn without_decoded(errors: Vec<FieldError>, failed: &[FieldPath]) -> Vec<FieldError> {
    errors
        .into_iter()
        .filter(|e| !failed.iter().any(|f| e.path.starts_with(f)))
        .collect()
}

/// The outcome of decoding one object.
struct Decoded<T> {
    value: Option<T>,
    /// Paths whose values could not be decoded (reported in `errors`).
    failed: Vec<FieldPath>,
    /// Fields present in the manifest that the types do not have.
    ignored: Vec<FieldPath>,
}

/// How many bad fields one object may report before decoding gives up.
const MAX_DECODE_ERRORS: usize = 50;

/// Decodes `value` into `T`. A field that fails to decode is reported, blanked out and the
/// object decoded again, so that every bad field is reported at once, as the API server lists
/// all its field errors. Gives up when a blanked field still fails (a required field).
fn decode<T: DeserializeOwned>(mut value: Value, errors: &mut Vec<FieldError>) -> Decoded<T> {
    let mut failed: Vec<FieldPath> = Vec::new();
    for _ in 0..MAX_DECODE_ERRORS {
        let mut ignored = Vec::new();
        let mut on_ignored = |p: serde_ignored::Path<'_>| ignored.push(ignored_path(&p));
        let de = serde_ignored::Deserializer::new(value.clone(), &mut on_ignored);
        let err = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => {
                return Decoded {
                    value: Some(v),
                    failed,
                    ignored,
                };
            }
            Err(err) => err,
        };
        let (path, message) = decode_error(err.path(), &err.inner().to_string());
        if failed.iter().any(|f| path.starts_with(f)) {
            // A field already reported still fails once removed: it is required.
            break;
        }
        let retry = !message.starts_with("Required value") && !path.is_empty();
        errors.push(FieldError::new(path.clone(), message));
        failed.push(path.clone());
        if !retry || !remove_path(&mut value, &path) {
            break;
        }
    }
    Decoded {
        value: None,
        failed,
        ignored: Vec::new(),
    }
}

/// Map-valued fields whose keys Kubernetes prints as `[key]`.
const MAP_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "nodeSelector",
    "requests",
    "limits",
];

fn push_name(path: &mut FieldPath, name: &str) {
    let in_map =
        matches!(path.0.last(), Some(PathSeg::Field(f)) if MAP_FIELDS.contains(&f.as_str()));
    path.0.push(if in_map {
        PathSeg::Key(name.to_string())
    } else {
        PathSeg::Field(name.to_string())
    });
}

/// Turns a decoding error into a field path and a message in Kubernetes' style.
fn decode_error(at: &serde_path_to_error::Path, message: &str) -> (FieldPath, String) {
    let mut path = FieldPath::root();
    for seg in at.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => path.0.push(PathSeg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => push_name(&mut path, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    // Our list readers name the bad element as `[i]: …`.
    let mut message = message.to_string();
    if let Some(rest) = message.strip_prefix('[')
        && let Some((index, tail)) = rest.split_once("]: ")
        && let Ok(i) = index.parse::<usize>()
    {
        path.0.push(PathSeg::Index(i));
        message = tail.to_string();
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return (path.child(field), "Required value".to_string());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (path, format!("Invalid value: {found}: expected {expected}"));
    }
    (path, message)
}

fn ignored_path(p: &serde_ignored::Path<'_>) -> FieldPath {
    let mut path = match p {
        serde_ignored::Path::Root => return FieldPath::root(),
        serde_ignored::Path::Seq { parent, .. }
        | serde_ignored::Path::Map { parent, .. }
        | serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => ignored_path(parent),
    };
    match p {
        serde_ignored::Path::Seq { index, .. } => path.0.push(PathSeg::Index(*index)),
        serde_ignored::Path::Map { key, .. } => push_name(&mut path, key),
        _ => {}
    }
    path
}

/// Fields Kubernetes has (on a Job, CronJob, pod template or container) that jobsim reads
/// past without modelling. Not complete: anything else is called unknown.
const KNOWN_UNMODELLED: &[&str] = &[
    // Job spec
    "selector",
    // pod spec
    "volumes",
    "affinity",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "dnsPolicy",
    "dnsConfig",
    "schedulerName",
    "priorityClassName",
    "priority",
    "preemptionPolicy",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostAliases",
    "hostUsers",
    "enableServiceLinks",
    "topologySpreadConstraints",
    "schedulingGates",
    "runtimeClassName",
    "shareProcessNamespace",
    "nodeName",
    "overhead",
    "readinessGates",
    "os",
    "setHostnameAsFQDN",
    "ephemeralContainers",
    "resourceClaims",
    // container
    "imagePullPolicy",
    "volumeMounts",
    "volumeDevices",
    "ports",
    "envFrom",
    "workingDir",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "stdin",
    "stdinOnce",
    "tty",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "claims",
    // metadata
    "ownerReferences",
    "finalizers",
];

/// Metadata fields the API server sets itself (present in `kubectl get -o yaml` output).
const SERVER_SET_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// A field the types do not read: one Kubernetes knows (a note), or one it does not.
enum Ignored {
    Known(String),
    Unknown(String),
}

fn ignored_message(path: &FieldPath) -> Ignored {
    let name = match path.0.last() {
        Some(PathSeg::Field(n) | PathSeg::Key(n)) => n.as_str(),
        _ => "",
    };
    let parent_is = |field: &str| {
        path.0.len() >= 2 && path.0[path.0.len() - 2] == PathSeg::Field(field.to_string())
    };
    if path.0.len() == 1 && name == "status" {
        Ignored::Known(format!(
            "field {path} ignored (status is written by the simulated controllers)"
        ))
    } else if parent_is("metadata") && SERVER_SET_METADATA.contains(&name) {
        Ignored::Known(format!("field {path} ignored (set by the API server)"))
    } else if KNOWN_UNMODELLED.contains(&name) {
        Ignored::Known(format!("field {path} ignored (not modelled by jobsim)"))
    } else {
        Ignored::Unknown(format!(
            "unknown field {path} (the API server would drop it)"
        ))
    }
}

fn get_path<'a>(value: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut node = value;
    for seg in &path.0 {
        node = match seg {
            PathSeg::Field(name) | PathSeg::Key(name) => node.get(name.as_str())?,
            PathSeg::Index(i) => node.get(*i)?,
        };
    }
    Some(node)
}

/// Removes the node at `path` so that decoding reads it as absent: a mapping entry is
/// removed, a list element becomes null. False when there is no such node.
fn remove_path(value: &mut Value, path: &FieldPath) -> bool {
    let Some((last, parent)) = path.0.split_last() else {
        return false;
    };
    let Some(parent) = get_path_mut(value, &FieldPath(parent.to_vec())) else {
        return false;
    };
    match (last, parent) {
        (PathSeg::Field(name) | PathSeg::Key(name), Value::Mapping(map)) => {
            map.shift_remove(name.as_str()).is_some()
        }
        (PathSeg::Index(i), Value::Sequence(items)) if *i < items.len() => {
            items[*i] = Value::Null;
            true
        }
        _ => false,
    }
}

fn get_path_mut<'a>(value: &'a mut Value, path: &FieldPath) -> Option<&'a mut Value> {
    let mut node = value;
    for seg in &path.0 {
        node = match seg {
            PathSeg::Field(name) | PathSeg::Key(name) => node.get_mut(name.as_str())?,
            PathSeg::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests;
