//! The output files round-trip through the one record schema (DESIGN §6): a run is
//! simulated, its files written as `jobsim run` writes them, and read back — through the
//! schema's typed rows and documents, and through the report's reader — equal to what was
//! simulated.

use std::path::Path;

use jobsim::record::CsvSink;
use jobsim::record::schema::{
    EventRow, JobRow, NodeRow, Object, ObjectList, PodRow, Summary, read_csv_rows, to_pretty_json,
};
use jobsim::record::write_run_files;
use jobsim::record::{EventRecord, JobRecord, MemorySink, PodRecord, Sink, SinkError};
use jobsim::report::records::EndPhase;

/// Reports every record to the CSV files and keeps it in memory.
struct Both {
    csv: CsvSink,
    memory: MemorySink,
}

impl Sink for Both {
    fn event(&mut self, r: &EventRecord<'_>) -> Result<(), SinkError> {
        self.csv.event(r)?;
        self.memory.event(r)
    }
    fn pod(&mut self, r: &PodRecord<'_>) -> Result<(), SinkError> {
        self.csv.pod(r)?;
        self.memory.pod(r)
    }
    fn job(&mut self, r: &JobRecord<'_>) -> Result<(), SinkError> {
        self.csv.job(r)?;
        self.memory.job(r)
    }
}

fn round_trip(scenario: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
    let (mut scenarios, _) = jobsim::load_files(&[path], &jobsim::LoadOptions::default())
        .unwrap_or_else(|e| panic!("{scenario} does not load: {e}"));
    let scenario = scenarios.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Both {
        csv: CsvSink::create(dir.path()).unwrap(),
        memory: MemorySink::default(),
    };
    let result = jobsim::simulate(&scenario, &mut sink, None).unwrap();
    let Both { csv, memory } = sink;
    csv.finish().unwrap();
    write_run_files(dir.path(), &result).unwrap();
    let file = |name: &str| dir.path().join(name);
    assert!(!memory.pods.is_empty() && !memory.jobs.is_empty() && !memory.events.is_empty());

    // The CSV files, read as the schema's rows.
    assert_eq!(
        read_csv_rows::<PodRow>(&file("pods.csv")).unwrap(),
        memory.pods
    );
    assert_eq!(
        read_csv_rows::<JobRow>(&file("jobs.csv")).unwrap(),
        memory.jobs
    );
    assert_eq!(
        read_csv_rows::<EventRow>(&file("events.csv")).unwrap(),
        memory.events
    );
    let nodes: Vec<NodeRow> = result.nodes.iter().map(NodeRow::from).collect();
    assert_eq!(read_csv_rows::<NodeRow>(&file("nodes.csv")).unwrap(), nodes);

    // summary.json, read as the schema's document.
    let summary_text = std::fs::read_to_string(file("summary.json")).unwrap();
    let summary: Summary = serde_json::from_str(&summary_text).unwrap();
    assert_eq!(summary, Summary::from(&result));

    // objects.json: every item reads as a typed Job or CronJob, and the typed List writes
    // the file's bytes back (no key is left out of the shapes).
    let objects_text = std::fs::read_to_string(file("objects.json")).unwrap();
    let objects: ObjectList = serde_json::from_str(&objects_text).unwrap();
    assert_eq!(objects.kind, "List");
    assert!(!objects.items.is_empty());
    for item in &objects.items {
        assert!(!matches!(item, Object::Other(_)), "untyped item {item:?}");
    }
    assert_eq!(to_pretty_json(&objects), objects_text);

    // The report's reader sees the same rows.
    let run = jobsim::report::read_run(dir.path()).unwrap();
    assert_eq!(run.summary.jobs, summary.jobs);
    assert_eq!(run.summary.cronjobs, summary.cronjobs);
    assert_eq!(
        serde_json::Value::Object(run.summary.metrics.clone()),
        serde_json::to_value(&summary.metrics).unwrap()
    );
    assert_eq!(run.end(), result.end);
    let listed = memory.jobs.len().min(jobsim::report::records::LISTED_JOBS);
    assert_eq!(run.listed_jobs, memory.jobs[..listed]);
    let listed = memory
        .events
        .len()
        .min(jobsim::report::records::LISTED_EVENTS);
    assert_eq!(run.events.listed, memory.events[..listed]);
    assert_eq!(run.events.total, memory.events.len());
    assert_eq!(run.nodes, nodes);
    assert_eq!(run.jobs.len(), memory.jobs.len());
    for (compact, row) in run.jobs.iter().zip(&memory.jobs) {
        assert_eq!(run.name(compact.job), row.job);
        assert_eq!(compact.owner.map(|o| run.name(o)), row.owner.as_deref());
        assert_eq!(
            (compact.created(), compact.started(), compact.finished()),
            (Some(row.created), row.started, row.finished)
        );
        assert_eq!(compact.deleted(), row.deleted);
    }
    assert_eq!(run.pods.len(), memory.pods.len());
    for (compact, row) in run.pods.iter().zip(&memory.pods) {
        assert_eq!(run.name(compact.job), row.job);
        assert_eq!(compact.node.map(|n| run.name(n)), row.node.as_deref());
        assert_eq!(compact.index(), row.index);
        let phase = match row.phase.as_str() {
            "Pending" => EndPhase::Pending,
            "Running" => EndPhase::Running,
            "Succeeded" => EndPhase::Succeeded,
            "Failed" => EndPhase::Failed,
            other => panic!("unknown phase {other}"),
        };
        assert_eq!(compact.phase, phase);
        assert_eq!(
            (
                compact.created(),
                compact.scheduled(),
                compact.started(),
                compact.finished()
            ),
            (Some(row.created), row.scheduled, row.started, row.finished)
        );
    }
    let kinds: Vec<&str> = objects.items.iter().map(Object::kind).collect();
    let read_kinds: Vec<&str> = run.objects.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(read_kinds, kinds);
}

#[test]
fn a_job_run_reads_back_equal_to_what_was_simulated() {
    round_trip("scenarios/teaching/backoff-limit-per-index.yaml");
}

#[test]
fn a_run_with_node_loss_reads_back_equal_to_what_was_simulated() {
    round_trip("scenarios/teaching/node-loss.yaml");
}

#[test]
fn a_cronjob_run_reads_back_equal_to_what_was_simulated() {
    round_trip("scenarios/teaching/cronjob-replace.yaml");
}
