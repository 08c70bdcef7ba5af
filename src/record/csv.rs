//! CSV sinks: `events.csv`, `pods.csv` and `jobs.csv`, streamed to temporary files while
//! the run goes and renamed into place only when it finished, so an output file is written
//! whole or not at all. A write that fails is reported at once, naming the file, and the
//! run stops there (see [`Sink`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{
    EVENT_COLUMNS, EventRecord, EventsMode, JOB_COLUMNS, JobRecord, POD_COLUMNS, PodRecord, Sink,
    SinkError,
};
use crate::time::SimTime;

/// Writes the three CSV files of a run into a folder.
pub struct CsvSink {
    files: Vec<(PathBuf, PathBuf)>,
    events: CsvFile,
    pods: CsvFile,
    jobs: CsvFile,
    /// Scratch space for formatted fields, reused so that writing a row allocates nothing.
    scratch: String,
    /// Which events become rows of `events.csv`.
    events_mode: EventsMode,
}

type CsvFile = csv::Writer<BufWriter<Counted>>;

/// A file that counts the bytes written to it (with those of its sibling files) and fails
/// with [`std::io::ErrorKind::FileTooLarge`] once they would pass a limit.
struct Counted {
    file: File,
    written: Arc<AtomicU64>,
    limit: u64,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.written.load(Ordering::Relaxed);
        if before.saturating_add(buf.len() as u64) > self.limit {
            return Err(byte_limit_error(self.limit));
        }
        let n = self.file.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The error of a sink whose files would pass `limit` bytes in all.
pub fn byte_limit_error(limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("the record files would pass the limit of {limit} bytes"),
    )
}

/// Opens `dir/.name.tmp` with its header; returns the writer and (temporary, final) paths.
/// The temporary file is created new: a file or symlink already at its name is removed
/// first (never followed), so a link planted there cannot redirect the output.
fn open(
    dir: &Path,
    name: &str,
    header: &[&str],
    written: &Arc<AtomicU64>,
    limit: u64,
) -> std::io::Result<(CsvFile, (PathBuf, PathBuf))> {
    let final_path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let file = File::options().write(true).create_new(true).open(&tmp)?;
    let counted = Counted {
        file,
        written: Arc::clone(written),
        limit,
    };
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, counted));
    w.write_record(header).map_err(into_io)?;
    Ok((w, (tmp, final_path)))
}

/// The I/O error inside a CSV error (the sink writes strings only, so every error it can
/// meet is one).
fn into_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

impl CsvSink {
    /// Creates the temporary files in `dir` (which must exist).
    pub fn create(dir: &Path) -> std::io::Result<CsvSink> {
        CsvSink::with_byte_limit(dir, u64::MAX)
    }

    /// [`CsvSink::create`], failing every write once the three files would pass `limit`
    /// bytes in all ([`byte_limit_error`]).
    pub fn with_byte_limit(dir: &Path, limit: u64) -> std::io::Result<CsvSink> {
        let written = Arc::new(AtomicU64::new(0));
        let (events, f1) = open(dir, "events.csv", &EVENT_COLUMNS, &written, limit)?;
        let (pods, f2) = open(dir, "pods.csv", &POD_COLUMNS, &written, limit)?;
        let (jobs, f3) = open(dir, "jobs.csv", &JOB_COLUMNS, &written, limit)?;
        Ok(CsvSink {
            files: vec![f1, f2, f3],
            events,
            pods,
            jobs,
            scratch: String::with_capacity(64),
            events_mode: EventsMode::AsKept,
        })
    }

    /// Sets which events become rows of `events.csv` (`--events all`: every one).
    pub fn with_events_mode(mut self, mode: EventsMode) -> CsvSink {
        self.events_mode = mode;
        self
    }

    /// Flushes and moves every file into place.
    pub fn finish(mut self) -> Result<(), SinkError> {
        let names = self.files.clone();
        let fail = |i: usize| {
            let path = names[i].1.clone();
            move |source| SinkError { path, source }
        };
        self.events.flush().map_err(fail(0))?;
        self.pods.flush().map_err(fail(1))?;
        self.jobs.flush().map_err(fail(2))?;
        drop((self.events, self.pods, self.jobs));
        for (i, (tmp, path)) in names.iter().enumerate() {
            std::fs::rename(tmp, path).map_err(fail(i))?;
        }
        Ok(())
    }

    /// A row's result as the sink reports it: the error names the file (`which` indexes
    /// [`CsvSink::files`]).
    fn check(&self, which: usize, r: csv::Result<()>) -> Result<(), SinkError> {
        r.map_err(|e| SinkError {
            path: self.files[which].1.clone(),
            source: into_io(e),
        })
    }
}

/// Writes one row field by field; every value is formatted into `scratch`, reused.
struct Row<'a> {
    out: &'a mut CsvFile,
    scratch: &'a mut String,
    result: csv::Result<()>,
}

impl<'a> Row<'a> {
    fn new(out: &'a mut CsvFile, scratch: &'a mut String) -> Self {
        Row {
            out,
            scratch,
            result: Ok(()),
        }
    }

    fn text(mut self, value: &str) -> Self {
        if self.result.is_ok() {
            self.result = self.out.write_field(value);
        }
        self
    }

    fn fmt(mut self, value: impl std::fmt::Display) -> Self {
        use std::fmt::Write;
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        if self.result.is_ok() {
            self.result = self.out.write_field(self.scratch.as_bytes());
        }
        self
    }

    fn opt(self, value: Option<impl std::fmt::Display>) -> Self {
        match value {
            Some(v) => self.fmt(v),
            None => self.text(""),
        }
    }

    fn time(mut self, t: SimTime) -> Self {
        self.scratch.clear();
        push_seconds(self.scratch, t);
        if self.result.is_ok() {
            self.result = self.out.write_field(self.scratch.as_bytes());
        }
        self
    }

    fn opt_time(self, t: Option<SimTime>) -> Self {
        match t {
            Some(t) => self.time(t),
            None => self.text(""),
        }
    }

    fn restarts(mut self, restarts: &[crate::world::store::why::Restart]) -> Self {
        self.scratch.clear();
        crate::world::store::why::push_restart_times(self.scratch, restarts);
        if self.result.is_ok() {
            self.result = self.out.write_field(self.scratch.as_bytes());
        }
        self
    }

    fn end(self) -> csv::Result<()> {
        self.result?;
        self.out.write_record(None::<&[u8]>)
    }
}

/// Appends `t` as seconds with millisecond precision (`12.345`), as
/// [`crate::time::seconds_str`] writes it, without the formatting machinery: the record
/// path writes millions of these.
fn push_seconds(buf: &mut String, t: SimTime) {
    let mut digits = [0u8; 24];
    let mut n = t;
    let mut i = digits.len();
    // at least four digits: "0.005"
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && digits.len() - i >= 4 {
            break;
        }
    }
    let text = &digits[i..];
    let (whole, frac) = text.split_at(text.len() - 3);
    for &d in whole.iter().chain(b".").chain(frac) {
        buf.push(d as char);
    }
}

impl Sink for CsvSink {
    fn event(&mut self, r: &EventRecord<'_>) -> Result<(), SinkError> {
        let result = Row::new(&mut self.events, &mut self.scratch)
            .time(r.time)
            .fmt(r.object)
            .text(r.reason.as_str())
            .text(r.message)
            .text(r.event_type.as_str())
            .fmt(r.count)
            .time(r.first)
            .time(r.time)
            .end();
        self.check(0, result)
    }
    fn events_mode(&self) -> EventsMode {
        self.events_mode
    }
    fn pod(&mut self, r: &PodRecord<'_>) -> Result<(), SinkError> {
        let result = Row::new(&mut self.pods, &mut self.scratch)
            .text(r.pod)
            .text(r.job)
            .opt(r.index)
            .fmt(r.attempt)
            .text(r.node.unwrap_or(""))
            .time(r.created)
            .opt_time(r.scheduled)
            .opt_time(r.started)
            .opt_time(r.finished)
            .text(r.phase)
            .text(r.reason)
            .opt(r.exit_code)
            .fmt(r.restarts)
            .text(r.created_for)
            .text(r.replaces.unwrap_or(""))
            .text(r.ended_by)
            .text(r.counted)
            .opt(r.rule)
            .restarts(r.restart_times)
            .end();
        self.check(1, result)
    }
    fn job(&mut self, r: &JobRecord<'_>) -> Result<(), SinkError> {
        let result = Row::new(&mut self.jobs, &mut self.scratch)
            .text(r.job)
            .text(r.owner.unwrap_or(""))
            .time(r.created)
            .opt_time(r.started)
            .opt_time(r.finished)
            .text(r.outcome)
            .text(r.reason)
            .fmt(r.succeeded)
            .fmt(r.failed)
            .fmt(r.pods)
            .opt_time(r.deleted)
            .end();
        self.check(2, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::schema::{EventRow, JobRow, PodRow};
    use crate::record::{MemorySink, ObjectRef};
    use crate::time::seconds_str;

    /// The bytes serde writes for `rows` under the schema's header, with the same CSV
    /// settings as the sink.
    fn serde_bytes<T: serde::Serialize>(columns: &[&str], rows: &[T]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.write_record(columns).unwrap();
        for row in rows {
            w.serialize(row).unwrap();
        }
        w.into_inner().unwrap()
    }

    /// The hand-tuned streaming writer writes exactly what serde writes from the schema's
    /// rows (column order, time format, empty cells, quoting), and the schema's field names
    /// are its header.
    #[test]
    fn csv_sink_writes_the_schema_rows_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = CsvSink::create(dir.path()).unwrap();
        let mut mem = MemorySink::default();
        let events = [
            EventRecord {
                time: 12_345,
                object: ObjectRef::Pod("p-1"),
                reason: crate::record::Reason::FailedScheduling,
                message: "0/3 nodes are available: 1 Insufficient cpu, 2 Too many pods.",
                event_type: crate::record::EventType::Warning,
                count: 1,
                first: 12_345,
            },
            EventRecord {
                time: 0,
                object: ObjectRef::CronJob("c"),
                reason: crate::record::Reason::SawCompletedJob,
                message: "Saw completed job: \"c-1\", condition: Complete",
                event_type: crate::record::EventType::Normal,
                count: 3,
                first: 0,
            },
        ];
        use crate::world::store::why::Restart;
        const RESTARTS: [Restart; 2] = [
            Restart {
                exit_code: 1,
                exited: 6_020,
                restarted: 6_020,
            },
            Restart {
                exit_code: 137,
                exited: 11_020,
                restarted: 21_020,
            },
        ];
        let pods = [
            PodRecord {
                pod: "p-1",
                job: "j",
                index: Some(3),
                attempt: 2,
                node: None,
                created: 5,
                scheduled: Some(1_000),
                started: None,
                finished: Some(61_020),
                phase: "Failed",
                reason: "Error",
                exit_code: Some(1),
                restarts: 0,
                created_for: "replaces-failed",
                replaces: Some("p-0"),
                ended_by: "failed",
                counted: "no",
                rule: Some(2),
                restart_times: &[],
            },
            PodRecord {
                pod: "p-2",
                job: "j",
                index: None,
                attempt: 1,
                node: Some("batch-0"),
                created: 31_536_000_000,
                scheduled: None,
                started: None,
                finished: None,
                phase: "Pending",
                reason: "",
                exit_code: None,
                restarts: 7,
                created_for: "initial",
                replaces: None,
                ended_by: "",
                counted: "",
                rule: None,
                restart_times: &RESTARTS,
            },
        ];
        let jobs = [
            JobRecord {
                job: "j",
                owner: Some("cronjob/c"),
                created: 0,
                started: Some(0),
                finished: None,
                outcome: "Running",
                reason: "",
                succeeded: 1,
                failed: 2,
                pods: 3,
                deleted: None,
            },
            JobRecord {
                job: "k",
                owner: None,
                created: 999,
                started: None,
                finished: Some(2_000),
                outcome: "Failed",
                reason: "DeadlineExceeded",
                succeeded: 0,
                failed: 0,
                pods: 0,
                deleted: Some(3_001),
            },
        ];
        for s in [&mut sink as &mut dyn Sink, &mut mem as &mut dyn Sink] {
            for e in &events {
                s.event(e).unwrap();
            }
            for p in &pods {
                s.pod(p).unwrap();
            }
            for j in &jobs {
                s.job(j).unwrap();
            }
        }
        sink.finish().unwrap();
        let file = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(
            file("events.csv"),
            serde_bytes(&EventRow::COLUMNS, &mem.events)
        );
        assert_eq!(file("pods.csv"), serde_bytes(&PodRow::COLUMNS, &mem.pods));
        assert_eq!(file("jobs.csv"), serde_bytes(&JobRow::COLUMNS, &mem.jobs));
        // And the files read back through the schema into the same rows.
        let read = |name: &str| dir.path().join(name);
        use crate::record::schema::read_csv_rows;
        assert_eq!(
            read_csv_rows::<EventRow>(&read("events.csv")).unwrap(),
            mem.events
        );
        assert_eq!(
            read_csv_rows::<PodRow>(&read("pods.csv")).unwrap(),
            mem.pods
        );
        assert_eq!(
            read_csv_rows::<JobRow>(&read("jobs.csv")).unwrap(),
            mem.jobs
        );
        for t in [0, 5, 999, 1_000, 12_345, 31_536_000_000, u64::MAX] {
            let mut fast = String::new();
            push_seconds(&mut fast, t);
            assert_eq!(fast, seconds_str(t));
        }
    }
}
