//! The report layer: charts (SVG and PNG), the self-contained `report.html` and the small
//! terminal timeline, all built from the files a run wrote into its output directory
//! (`summary.json`, `pods.csv`, `jobs.csv`, `events.csv`, `nodes.csv`, `objects.json`).
//!
//! It owns reading those files back ([`records`]) and drawing them. It must not re-simulate,
//! touch the engine or controllers, or depend on anything but the output files: a report can
//! be rebuilt from an output directory copied to another machine. Every file it writes is
//! written whole (temporary name, then rename). Same output directory, same report bytes.

pub(crate) mod charts;
pub mod explain;
pub(crate) mod font;
pub mod get;
pub(crate) mod html;
pub(crate) mod moments;
pub(crate) mod names;
pub mod records;
pub mod sweep;
pub(crate) mod terminal;
pub(crate) mod text_timeline;

#[doc(hidden)]
pub mod synthetic;

use std::path::{Path, PathBuf};

pub use records::{RunRecords, read_run};
pub use terminal::summary;
pub use text_timeline::text_timeline;

/// Why a report could not be built. Every variant is fatal for the report (never for a run).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file the report needs is not in the output folder.
    #[error("{path}: file not found; the output directory of a `jobsim run` must contain it")]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file's header lacks a column.
    #[error("{path}: the header has no column {column:?} (the header must name it)")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A CSV value does not read as its column's type.
    #[error("{path}, line {line}, column {column:?}: {message}")]
    Value {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// A CSV file is malformed.
    #[error("{path}, line {line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A JSON file does not have the expected shape.
    #[error("{path}: not valid JSON of the expected shape: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The built-in font does not load.
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// A chart cannot be drawn.
    #[error("drawing the {chart} chart failed: {message}")]
    Chart {
        /// Which chart.
        chart: &'static str,
        /// Why.
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
