//! Reading manifest files: several YAML documents per file, `kind: List`, dispatch on
//! `kind`, Kubernetes defaulting and validation, errors with file, line and column.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::cronjob::CronJob;
use super::defaults::{default_cronjob, default_job_spec};
use super::job::Job;
use super::validation::validate_job_spec;

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
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// Why a manifest file could not be used. Every variant is fatal for the run.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", file.display())]
    Invalid {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads every Job and CronJob in a file.
pub fn load_manifests(path: &Path) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    load_manifests_str(&text, path)
}

/// Reads every Job and CronJob in YAML text; `file` names it in messages.
pub fn load_manifests_str(
    text: &str,
    file: &Path,
) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    let invalid = |line: usize, column: usize, message: String| ManifestError::Invalid {
        file: file.to_path_buf(),
        line,
        column,
        message,
    };
    let mut out = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(text) {
        let value = yaml_serde::Value::deserialize(doc).map_err(|e| {
            let (l, c) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            invalid(l, c, e.to_string())
        })?;
        if value.is_null() {
            continue;
        }
        let items = if value.get("kind").and_then(|k| k.as_str()) == Some("List") {
            value
                .get("items")
                .and_then(|i| i.as_sequence())
                .cloned()
                .unwrap_or_default()
        } else {
            vec![value]
        };
        for item in items {
            let kind = item.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            match kind {
                "Job" => {
                    let mut job: Job =
                        yaml_serde::from_value(item).map_err(|e| invalid(1, 1, e.to_string()))?;
                    default_job_spec(&mut job.spec);
                    if let Some(err) = validate_job_spec(&job.spec, "spec").into_iter().next() {
                        return Err(invalid(1, 1, format!("{}: {}", err.path, err.message)));
                    }
                    out.push(Manifest::Job(Box::new(job)));
                }
                "CronJob" => {
                    let mut cj: CronJob =
                        yaml_serde::from_value(item).map_err(|e| invalid(1, 1, e.to_string()))?;
                    default_cronjob(&mut cj);
                    out.push(Manifest::CronJob(Box::new(cj)));
                }
                other => {
                    return Err(invalid(
                        1,
                        1,
                        format!(
                            "kind {other:?} is not supported: jobsim reads batch/v1 Job and CronJob"
                        ),
                    ));
                }
            }
        }
    }
    Ok((out, Vec::new()))
}
