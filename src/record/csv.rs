//! CSV sinks: `events.csv`, `pods.csv` and `jobs.csv`, streamed to temporary files while
//! the run goes and renamed into place only when it finished, so an output file is written
//! whole or not at all.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::{EVENT_COLUMNS, EventRecord, JOB_COLUMNS, JobRecord, POD_COLUMNS, PodRecord, Sink};

/// Writes the three CSV files of a run into a folder.
pub struct CsvSink {
    files: Vec<(PathBuf, PathBuf)>,
    events: CsvFile,
    pods: CsvFile,
    jobs: CsvFile,
    error: Option<std::io::Error>,
}

type CsvFile = csv::Writer<BufWriter<File>>;

/// Opens `dir/.name.tmp` with its header; returns the writer and (temporary, final) paths.
fn open(dir: &Path, name: &str, header: &[&str]) -> std::io::Result<(CsvFile, (PathBuf, PathBuf))> {
    let final_path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, File::create(&tmp)?));
    w.write_record(header).map_err(std::io::Error::other)?;
    Ok((w, (tmp, final_path)))
}

impl CsvSink {
    /// Creates the temporary files in `dir` (which must exist).
    pub fn create(dir: &Path) -> std::io::Result<CsvSink> {
        let (events, f1) = open(dir, "events.csv", &EVENT_COLUMNS)?;
        let (pods, f2) = open(dir, "pods.csv", &POD_COLUMNS)?;
        let (jobs, f3) = open(dir, "jobs.csv", &JOB_COLUMNS)?;
        Ok(CsvSink {
            files: vec![f1, f2, f3],
            events,
            pods,
            jobs,
            error: None,
        })
    }

    fn keep(&mut self, r: csv::Result<()>) {
        if let Err(e) = r
            && self.error.is_none()
        {
            self.error = Some(std::io::Error::other(e));
        }
    }

    /// Flushes and moves every file into place; reports the first write error, if any.
    pub fn finish(mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.events.flush()?;
        self.pods.flush()?;
        self.jobs.flush()?;
        drop((self.events, self.pods, self.jobs));
        for (tmp, path) in &self.files {
            std::fs::rename(tmp, path)?;
        }
        Ok(())
    }
}

impl Sink for CsvSink {
    fn event(&mut self, record: &EventRecord<'_>) {
        let r = self.events.write_record(record.fields());
        self.keep(r);
    }
    fn pod(&mut self, record: &PodRecord<'_>) {
        let r = self.pods.write_record(record.fields());
        self.keep(r);
    }
    fn job(&mut self, record: &JobRecord<'_>) {
        let r = self.jobs.write_record(record.fields());
        self.keep(r);
    }
}
