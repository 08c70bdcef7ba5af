//! The JSON and CSV files written after a run ends: `summary.json`, `objects.json`,
//! `nodes.csv`, in the shapes of [`super::schema`]. Each is written whole or not at all (temporary name, then rename).

use std::path::Path;

use serde_json::Value;

use super::NODE_COLUMNS;
use super::result::RunResult;
use super::schema::{NodeRow, Summary, to_pretty_json};

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(name))
}

/// `summary.json`: the scenario, versions, per-Job results and aggregate metrics.
pub fn summary(r: &RunResult) -> Summary {
    Summary::from(r)
}

/// [`summary`] as a JSON value.
#[allow(dead_code)] // kept beside `summary` for crate callers
pub fn summary_json(r: &RunResult) -> Value {
    serde_json::to_value(summary(r)).unwrap_or(Value::Null)
}

/// `nodes.csv`: `node,pool,cpu,memory,pods` (allocatable; millicores and bytes).
pub fn nodes_csv(r: &RunResult) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut rows = || -> csv::Result<()> {
        w.write_record(NODE_COLUMNS)?;
        for n in &r.nodes {
            w.serialize(NodeRow::from(n))?;
        }
        w.flush()?;
        Ok(())
    };
    // Writing to memory cannot fail.
    let _ = rows();
    w.into_inner().unwrap_or_default()
}

/// Writes `summary.json`, `objects.json` and `nodes.csv` into `dir`.
pub fn write_run_files(dir: &Path, r: &RunResult) -> std::io::Result<()> {
    write_atomic(dir, "summary.json", to_pretty_json(&summary(r)).as_bytes())?;
    write_atomic(dir, "objects.json", to_pretty_json(&r.objects).as_bytes())?;
    write_atomic(dir, "nodes.csv", &nodes_csv(r))
}
