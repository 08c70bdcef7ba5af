//! The report layer: charts (SVG and PNG), the self-contained `report.html` and the small
//! terminal timeline, all built from the files a run wrote into its output directory
//! (`summary.json`, `pods.csv`, `jobs.csv`, `events.csv`, `nodes.csv`, `objects.json`).
//!
//! It owns reading those files back ([`records`]) and drawing them. It must not re-simulate,
//! touch the engine or controllers, or depend on anything but the output files: a report can
//! be rebuilt from an output directory copied to another machine. Every file it writes is
//! written whole (temporary name, then rename). Same output directory, same report bytes.

pub mod charts;
pub mod font;
pub mod html;
pub mod names;
pub mod records;
pub mod terminal;
pub mod text_timeline;

#[doc(hidden)]
pub mod synthetic;

use std::path::{Path, PathBuf};

pub use records::{RunRecords, read_run};
pub use text_timeline::text_timeline;

/// Why a report could not be built. Every variant is fatal for the report (never for a run).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: file not found; the output directory of a `jobsim run` must contain it")]
    Missing { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the header has no column {column:?} (the header must name it)")]
    MissingColumn { path: PathBuf, column: String },
    #[error("{path}, line {line}, column {column:?}: {message}")]
    Value {
        path: PathBuf,
        line: u64,
        column: String,
        message: String,
    },
    #[error("{path}, line {line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{path}: not valid JSON of the expected shape: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the {chart} chart failed: {message}")]
    Chart {
        chart: &'static str,
        message: String,
    },
}

/// Reads the records from `out_dir`, writes every chart (SVG and PNG) and `report.html` there,
/// and returns the paths written, in a fixed order. The schedule strip is only written when
/// the run has CronJobs.
pub fn render_all(out_dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    render_records(&read_run(out_dir)?)
}

/// Draws the charts and `report.html` of records already read, into their output folder.
pub fn render_records(records: &RunRecords) -> Result<Vec<PathBuf>, ReportError> {
    let out_dir = records.out_dir.as_path();
    let rendered = charts::render_charts(records)?;
    let mut written = Vec::new();
    for chart in &rendered {
        let svg_path = out_dir.join(format!("{}.svg", chart.name));
        write_atomic(&svg_path, chart.svg.as_bytes())?;
        written.push(svg_path);
        let png_path = out_dir.join(format!("{}.png", chart.name));
        write_atomic(&png_path, &chart.png)?;
        written.push(png_path);
    }
    let page = html::report_html(records, &rendered);
    let html_path = out_dir.join("report.html");
    write_atomic(&html_path, page.as_bytes())?;
    written.push(html_path);
    Ok(written)
}

/// Writes `bytes` to a temporary name beside `path`, then renames it over `path`, so a reader
/// never sees a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    crate::record::files::replace_file(path, bytes).map_err(io)
}
