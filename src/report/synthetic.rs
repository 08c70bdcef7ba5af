//! A generator of synthetic run output directories, for the report's size and speed checks
//! (a 100,000-pod run must render every chart quickly and keep each SVG under 2 MB).
//!
//! It writes the files `jobsim run` writes, from the rows and documents of
//! [`crate::record::schema`], with made-up but plausible
//! content; it is deterministic (a fixed arithmetic hash, no RNG) and must never be used to
//! stand in for a real run's results.

use std::path::Path;

use crate::record::schema::{
    CronJobSummary, EventRow, JobRow, JobSummary, NodeRow, PodRequests, PodRow, Summary,
    SummaryMetrics, to_pretty_json,
};
use crate::time::SimTime;

/// Jobs the pods are spread over.
const JOBS: usize = 8;
/// Nodes, in two pools.
const NODES: usize = 200;
/// Pods of one Job running at once.
const PARALLELISM: usize = 250;

fn hash(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Writes schema rows to `dir/name` under the file's header.
fn write_rows<T: serde::Serialize>(
    dir: &Path,
    name: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = T>,
) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(dir.join(name))?);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(file);
    w.write_record(columns).map_err(std::io::Error::other)?;
    for row in rows {
        w.serialize(row).map_err(std::io::Error::other)?;
    }
    w.flush()
}

fn node(node: String, pool: &str, cpu: i64, memory: i64) -> NodeRow {
    NodeRow {
        node,
        pool: pool.to_string(),
        cpu,
        memory,
        pods: 110,
    }
}

fn event(time: SimTime, object: String, reason: &str, message: String) -> EventRow {
    EventRow {
        time,
        object,
        reason: reason.to_string(),
        message,
        event_type: Default::default(),
        count: 1,
        first_time: Some(time),
        last_time: Some(time),
    }
}

/// Writes a run of `pods` pods over 8 Jobs and 200 nodes (one node outage) into `dir`.
pub fn write_run(dir: &Path, pods: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let nodes = (0..NODES).map(|n| {
        let pool = if n < NODES * 3 / 4 {
            "general"
        } else {
            "highmem"
        };
        node(format!("node-{n:03}"), pool, 16_000, 68_719_476_736)
    });
    write_rows(dir, "nodes.csv", &NodeRow::COLUMNS, nodes)?;
    let mut pod_rows = Vec::with_capacity(pods);
    let mut events = Vec::with_capacity(pods + 2);
    let mut jobs = Vec::new();
    let mut summary_jobs = Vec::new();
    let per_job = pods.div_ceil(JOBS);
    let mut end = 0;
    for j in 0..JOBS {
        let count = per_job.min(pods.saturating_sub(j * per_job));
        if count == 0 {
            break;
        }
        let job = format!("batch-{j}");
        let job_start = j as u64 * 600_000;
        let mut slot_free = vec![job_start; PARALLELISM];
        let (mut succeeded, mut failed, mut job_end) = (0, 0, job_start);
        for k in 0..count {
            let id = (j * per_job + k) as u64;
            let slot = k % PARALLELISM;
            let created = slot_free[slot];
            let started = created + 500 + hash(id) % 1500;
            let finished = started + 30_000 + hash(id + 1) % 90_000;
            let fail = hash(id + 2).is_multiple_of(33);
            slot_free[slot] = finished + if fail { 10_000 } else { 0 };
            job_end = job_end.max(finished);
            let node = (j * 37 + slot) % NODES;
            let (phase, reason, code) = if fail {
                failed += 1;
                ("Failed", "Error", 1)
            } else {
                succeeded += 1;
                ("Succeeded", "Completed", 0)
            };
            let pod = format!("{job}-{k:06}");
            events.push(event(
                created,
                format!("job/{job}"),
                "SuccessfulCreate",
                format!("Created pod: {pod}"),
            ));
            pod_rows.push(PodRow {
                pod,
                job: job.clone(),
                index: None,
                attempt: k as u32 + 1,
                node: Some(format!("node-{node:03}")),
                created,
                scheduled: Some(created + 200),
                started: Some(started),
                finished: Some(finished),
                phase: phase.to_string(),
                reason: reason.to_string(),
                exit_code: Some(code),
                restarts: 0,
                created_for: "initial".to_string(),
                replaces: None,
                ended_by: if code == 0 { "succeeded" } else { "failed" }.to_string(),
                counted: if code == 0 { "succeeded" } else { "failed" }.to_string(),
                rule: None,
                restart_times: String::new(),
            });
        }
        end = end.max(job_end);
        jobs.push(JobRow {
            job: job.clone(),
            owner: None,
            created: job_start,
            started: Some(job_start),
            finished: Some(job_end),
            outcome: "Complete".to_string(),
            reason: "Completed".to_string(),
            succeeded,
            failed,
            pods: count as u32,
            deleted: None,
        });
        summary_jobs.push(JobSummary {
            name: job,
            namespace: "default".to_string(),
            completion_mode: "NonIndexed".to_string(),
            parallelism: Some(PARALLELISM as i32),
            completions: Some(succeeded),
            outcome: "Complete".to_string(),
            reason: "Completed".to_string(),
            succeeded,
            failed,
            pods: count as u32,
            created: Some(secs(job_start)),
            started: Some(secs(job_start)),
            finished: Some(secs(job_end)),
            makespan: Some(secs(job_end - job_start)),
            pod_requests: PodRequests {
                cpu: 500,
                memory: 1_073_741_824,
            },
            ..JobSummary::default()
        });
    }
    for (at, reason) in [(end / 3, "NodeNotReady"), (end / 3 + 600_000, "NodeReady")] {
        events.push(event(
            at,
            "node/node-007".to_string(),
            reason,
            format!("Node node-007 status is now: {reason}"),
        ));
    }
    let summary = Summary {
        scenario: format!("synthetic-{pods}"),
        seed: 1,
        start: "2026-01-01T00:00:00Z".to_string(),
        end_seconds: Some(secs(end)),
        jobsim: "synthetic".to_string(),
        kubernetes: "v1.36".to_string(),
        jobs: summary_jobs,
        metrics: SummaryMetrics {
            pods_created: pods as u64,
            ..SummaryMetrics::default()
        },
        ..Summary::default()
    };
    write_rows(dir, "pods.csv", &PodRow::COLUMNS, pod_rows)?;
    write_rows(dir, "events.csv", &EventRow::COLUMNS, events)?;
    write_rows(dir, "jobs.csv", &JobRow::COLUMNS, jobs)?;
    std::fs::write(dir.join("summary.json"), to_pretty_json(&summary))
}

/// Writes a year of an hourly CronJob (Forbid): 8,760 scheduled runs, every 50th skipped
/// because the previous run was still active, every 40th run failed, on 3 nodes.
pub fn write_cron_year(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let hour = 3_600_000u64;
    let runs = 365 * 24;
    let mut pods = Vec::new();
    let mut jobs = Vec::new();
    let mut events = Vec::new();
    for run in 1..=runs as u64 {
        let at = run * hour;
        if run % 50 == 0 {
            events.push(event(
                at,
                "cronjob/nightly".to_string(),
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".to_string(),
            ));
            continue;
        }
        let job = format!("nightly-{}", 29_000_000 + run * 60);
        let duration = 600_000 + hash(run) % 1_800_000;
        let failed = run % 40 == 0;
        let (phase, reason, outcome, job_reason, s, f) = if failed {
            ("Failed", "Error", "Failed", "BackoffLimitExceeded", 0, 1)
        } else {
            ("Succeeded", "Completed", "Complete", "Completed", 1, 0)
        };
        events.push(event(
            at,
            "cronjob/nightly".to_string(),
            "SuccessfulCreate",
            format!("Created job {job}"),
        ));
        pods.push(PodRow {
            pod: format!("{job}-x"),
            job: job.clone(),
            index: None,
            attempt: 1,
            node: Some(format!("node-{}", run % 3)),
            created: at,
            scheduled: Some(at + 100),
            started: Some(at + 1000),
            finished: Some(at + 1000 + duration),
            phase: phase.to_string(),
            reason: reason.to_string(),
            exit_code: Some(i32::from(failed)),
            restarts: 0,
            created_for: "initial".to_string(),
            replaces: None,
            ended_by: if failed { "failed" } else { "succeeded" }.to_string(),
            counted: if failed { "failed" } else { "succeeded" }.to_string(),
            rule: None,
            restart_times: String::new(),
        });
        jobs.push(JobRow {
            job,
            owner: Some("cronjob/nightly".to_string()),
            created: at,
            started: Some(at),
            finished: Some(at + 1000 + duration),
            outcome: outcome.to_string(),
            reason: job_reason.to_string(),
            succeeded: s,
            failed: f,
            pods: 1,
            deleted: None,
        });
    }
    let end = (runs as u64 + 1) * hour;
    write_rows(dir, "pods.csv", &PodRow::COLUMNS, pods)?;
    write_rows(dir, "jobs.csv", &JobRow::COLUMNS, jobs)?;
    write_rows(dir, "events.csv", &EventRow::COLUMNS, events)?;
    let nodes = (0..3).map(|n| node(format!("node-{n}"), "default", 4_000, 17_179_869_184));
    write_rows(dir, "nodes.csv", &NodeRow::COLUMNS, nodes)?;
    let summary: Summary = Summary {
        scenario: "synthetic-cron-year".to_string(),
        seed: 1,
        end_seconds: Some(secs(end)),
        cronjobs: vec![CronJobSummary {
            name: "nightly".to_string(),
            namespace: "default".to_string(),
            schedule: "0 * * * *".to_string(),
            concurrency_policy: "Forbid".to_string(),
            pod_requests: PodRequests {
                cpu: 250,
                memory: 536_870_912,
            },
            ..CronJobSummary::default()
        }],
        ..Summary::default()
    };
    std::fs::write(dir.join("summary.json"), to_pretty_json(&summary))
}
