//! CSV sinks: `events.csv`, `pods.csv` and `jobs.csv`, streamed to temporary files while
//! the run goes and renamed into place only when it finished, so an output file is written
//! whole or not at all. A write that fails is reported at once, naming the file, and the
//! run stops there (see [`Sink`]).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::write::{QuoteCache, Row};
use super::{
    EVENT_COLUMNS, EventRecord, EventsMode, JOB_COLUMNS, JobRecord, ObjectRef, POD_COLUMNS,
    PodRecord, Sink, SinkError,
};

/// Writes the three CSV files of a run into a folder.
pub struct CsvSink {
    files: Vec<(PathBuf, PathBuf)>,
    events: CsvFile,
    pods: CsvFile,
    jobs: CsvFile,
    /// Which events become rows of `events.csv`.
    events_mode: EventsMode,
    /// Quoted event messages, written again as they are.
    quoted: QuoteCache,
}

/// How many bytes of rows a file gathers before they are written out in one piece.
const FLUSH_AT: usize = 256 << 10;

/// One record file: its rows are formatted straight into `buf` (see [`super::write`]),
/// which goes to the file whenever it holds [`FLUSH_AT`] bytes, and at the end.
struct CsvFile {
    buf: Vec<u8>,
    file: Counted,
}

impl CsvFile {
    /// Starts a row at the end of the buffer.
    #[inline]
    fn row(&mut self) -> Row<'_> {
        Row::new(&mut self.buf)
    }

    /// Writes the buffer out once it is full (after each row).
    #[inline]
    fn flush_if_full(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.flush_buf()
        } else {
            Ok(())
        }
    }

    /// Writes the buffer out.
    fn flush_buf(&mut self) -> std::io::Result<()> {
        let result = self.file.write_all(&self.buf);
        self.buf.clear();
        result
    }

    /// Writes everything out.
    fn flush(&mut self) -> std::io::Result<()> {
        self.flush_buf()?;
        self.file.flush()
    }
}

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
    let mut w = CsvFile {
        // room for the last row past the threshold
        buf: Vec::with_capacity(FLUSH_AT + (16 << 10)),
        file: counted,
    };
    // The header stays in the buffer with the first rows, as every row does: opening
    // writes nothing to the file (so no limit can be met here).
    header.iter().fold(w.row(), |row, h| row.text(h)).end();
    Ok((w, (tmp, final_path)))
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
            events_mode: EventsMode::AsKept,
            quoted: QuoteCache::default(),
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
    fn check(&self, which: usize, r: std::io::Result<()>) -> Result<(), SinkError> {
        r.map_err(|source| SinkError {
            path: self.files[which].1.clone(),
            source,
        })
    }
}

/// An event's object as its two pieces: `kind/` and the name (`pod/` `big-x7k2q`).
#[inline]
fn object_parts<'a>(object: &ObjectRef<'a>) -> (&'static str, &'a str) {
    match *object {
        ObjectRef::Job(n) => ("job/", n),
        ObjectRef::Pod(n) => ("pod/", n),
        ObjectRef::CronJob(n) => ("cronjob/", n),
        ObjectRef::Node(n) => ("node/", n),
    }
}

/// `restart_times`: `EXIT@EXITED>RESTARTED` per restart, `;`-separated, times in seconds
/// with milliseconds (`1@6.020>6.020;1@11.020>21.020`), as
/// [`crate::world::store::why::push_restart_times`] writes it.
fn restart_times<'r>(row: Row<'r>, restarts: &[crate::world::store::why::Restart]) -> Row<'r> {
    if restarts.is_empty() {
        return row.empty();
    }
    row.composed(|f| {
        for (i, r) in restarts.iter().enumerate() {
            if i > 0 {
                f.text(";");
            }
            f.int(r.exit_code)
                .text("@")
                .seconds(r.exited)
                .text(">")
                .seconds(r.restarted);
        }
    })
}

impl Sink for CsvSink {
    fn event(&mut self, r: &EventRecord<'_>) -> Result<(), SinkError> {
        // `lastTime` is the row's `time`, and `firstTime` is too for an event seen once:
        // their bytes are copied rather than formatted again.
        let mut time_at = 0..0;
        let (kind, name) = object_parts(&r.object);
        let row = self
            .events
            .row()
            .time_kept(r.time, &mut time_at)
            .prefixed(kind, name)
            .plain(r.reason.as_str())
            .text_cached(r.message, &mut self.quoted)
            .plain(r.event_type.as_str())
            .uint(r.count);
        let row = if r.first == r.time {
            row.again(time_at.clone())
        } else {
            row.time(r.first)
        };
        row.again(time_at).end();
        let result = self.events.flush_if_full();
        self.check(0, result)
    }
    fn events_mode(&self) -> EventsMode {
        self.events_mode
    }
    fn pod(&mut self, r: &PodRecord<'_>) -> Result<(), SinkError> {
        let row = self
            .pods
            .row()
            .text(r.pod)
            .text(r.job)
            .opt_uint(r.index)
            .uint(r.attempt)
            .text(r.node.unwrap_or(""))
            .time(r.created)
            .opt_time(r.scheduled)
            .opt_time(r.started)
            .opt_time(r.finished)
            .plain(r.phase)
            .plain(r.reason)
            .opt_int(r.exit_code)
            .uint(r.restarts)
            .plain(r.created_for)
            .text(r.replaces.unwrap_or(""))
            .plain(r.ended_by)
            .plain(r.counted)
            .opt_uint(r.rule);
        restart_times(row, r.restart_times).end();
        let result = self.pods.flush_if_full();
        self.check(1, result)
    }
    fn job(&mut self, r: &JobRecord<'_>) -> Result<(), SinkError> {
        self.jobs
            .row()
            .text(r.job)
            .text(r.owner.unwrap_or(""))
            .time(r.created)
            .opt_time(r.started)
            .opt_time(r.finished)
            .plain(r.outcome)
            .plain(r.reason)
            .int(r.succeeded)
            .int(r.failed)
            .uint(r.pods)
            .opt_time(r.deleted)
            .end();
        let result = self.jobs.flush_if_full();
        self.check(2, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::schema::{EventRow, JobRow, PodRow};
    use crate::record::{EventType, MemorySink, ObjectRef};

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
    }

    /// The sink copies reasons, event types and object kinds without the quoting check
    /// ([`Row::plain`], [`Row::prefixed`]): none of them may hold a byte that needs quotes.
    #[test]
    fn reasons_types_and_kinds_are_written_bare() {
        use crate::record::write::needs_quotes;
        for reason in crate::record::Reason::ALL {
            assert!(!needs_quotes(reason.as_str().as_bytes()), "{reason}");
        }
        for t in [EventType::Normal, EventType::Warning] {
            assert!(!needs_quotes(t.as_str().as_bytes()), "{t}");
        }
        for object in [
            ObjectRef::Job(""),
            ObjectRef::Pod(""),
            ObjectRef::CronJob(""),
            ObjectRef::Node(""),
        ] {
            assert!(!needs_quotes(object_parts(&object).0.as_bytes()));
        }
    }

    /// The object field is the object's `kind/name` as it displays, quoted as a whole.
    #[test]
    fn event_object_field_is_the_objects_display_text() {
        for object in [
            ObjectRef::Job("etl"),
            ObjectRef::Pod("etl-0-x7k2q"),
            ObjectRef::CronJob("nightly"),
            ObjectRef::Node("batch-3"),
            ObjectRef::Pod("odd,\"name\""),
        ] {
            let mut buf = Vec::new();
            let (kind, name) = object_parts(&object);
            Row::new(&mut buf).prefixed(kind, name).end();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([object.to_string()]).unwrap();
            assert_eq!(buf, w.into_inner().unwrap(), "{object}");
        }
    }

    /// `restart_times` is written as the pod's why-record formats it.
    #[test]
    fn restart_times_field_is_written_as_the_why_record_formats_it() {
        use crate::world::store::why::{Restart, push_restart_times};
        let cases: [&[Restart]; 3] = [
            &[],
            &[Restart {
                exit_code: 1,
                exited: 6_020,
                restarted: 6_020,
            }],
            &[
                Restart {
                    exit_code: -1,
                    exited: 5,
                    restarted: 999,
                },
                Restart {
                    exit_code: 137,
                    exited: 11_020,
                    restarted: 21_020,
                },
                Restart {
                    exit_code: i32::MIN,
                    exited: u64::MAX,
                    restarted: 31_536_000_000,
                },
            ],
        ];
        for restarts in cases {
            let mut buf = Vec::new();
            restart_times(Row::new(&mut buf).text("p"), restarts).end();
            let mut expected = String::new();
            push_restart_times(&mut expected, restarts);
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["p", expected.as_str()]).unwrap();
            assert_eq!(buf, w.into_inner().unwrap(), "{expected}");
        }
    }
}
