//! The JSON and CSV files written after a run ends: `summary.json`, `objects.json`,
//! `nodes.csv`, in the shapes of [`super::schema`]. Each is written whole or not at all (temporary name, then rename).

use std::path::Path;

use serde_json::Value;

use super::NODE_COLUMNS;
use super::result::RunResult;
use super::schema::{NodeRow, Summary, to_pretty_json};

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    replace_file(&dir.join(name), bytes)
}

/// Writes `bytes` to `path` whole or not at all: into a new file of a random name beside
/// it (created exclusively, so a file or symlink planted at a guessable temporary name is
/// never followed), then renamed over `path`. The file gets the usual permissions (0666
/// less the umask).
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    replace_file_with(path, |file| file.write_all(bytes))
}

/// Copies the file `from` to `to` whole or not at all, as [`replace_file`] writes, a piece
/// at a time: a golden copy being blessed may be gigabytes, and is never held in memory.
pub fn copy_atomic(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    replace_file_with(to, |file| std::io::copy(&mut source, file).map(drop))
}

/// [`replace_file`] with the new file's content written by `fill`.
fn replace_file_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    fill(tmp.as_file_mut())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
