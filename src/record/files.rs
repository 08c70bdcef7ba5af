//! The JSON and CSV files written after a run ends: `summary.json`, `objects.json`,
//! `nodes.csv`. Each is written whole or not at all (temporary name, then rename).

use std::path::Path;

use serde_json::{Value, json};

use super::result::{CronJobResult, JobResult, RunResult};
use crate::time::{Clock, SimTime};

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(name))
}

fn secs(t: SimTime) -> f64 {
    t as f64 / 1000.0
}

fn opt_secs(t: Option<SimTime>) -> Value {
    t.map_or(Value::Null, |t| json!(secs(t)))
}

fn job_json(j: &JobResult) -> Value {
    json!({
        "name": j.name,
        "namespace": j.namespace,
        "owner": j.owner,
        "completionMode": j.completion_mode,
        "parallelism": j.parallelism,
        "completions": j.completions,
        "outcome": j.outcome,
        "reason": j.reason,
        "message": j.message,
        "succeeded": j.succeeded,
        "failed": j.failed,
        "pods": j.pods,
        "completedIndexes": j.completed_indexes,
        "failedIndexes": j.failed_indexes,
        "created": secs(j.created),
        "started": opt_secs(j.started),
        "finished": opt_secs(j.finished),
        "deleted": opt_secs(j.deleted),
        "makespan": opt_secs(j.makespan()),
        "podRequests": {"cpu": j.pod_requests.cpu_m, "memory": j.pod_requests.memory},
    })
}

fn lag_json(lag: Option<[u64; 3]>) -> Value {
    match lag {
        Some([p50, p99, max]) => json!({"p50": secs(p50), "p99": secs(p99), "max": secs(max)}),
        None => Value::Null,
    }
}

fn cronjob_json(c: &CronJobResult) -> Value {
    json!({
        "name": c.name,
        "namespace": c.namespace,
        "schedule": c.schedule,
        "timeZone": c.time_zone,
        "concurrencyPolicy": c.concurrency_policy,
        "suspend": c.suspend,
        "jobsCreated": c.counts.jobs_created,
        "succeeded": c.counts.succeeded,
        "failed": c.counts.failed,
        "skipped": c.counts.skipped,
        "delayed": c.counts.delayed,
        "replaced": c.counts.replaced,
        "missedDeadline": c.counts.missed_deadline,
        "missed": c.counts.missed,
        "active": c.active,
        "lastScheduleTime": c.last_schedule_time,
        "lastSuccessfulTime": c.last_successful_time,
        "lagSeconds": {
            "created": lag_json(c.create_lag_ms),
            "started": lag_json(c.start_lag_ms),
        },
        "podRequests": {"cpu": c.pod_requests.cpu_m, "memory": c.pod_requests.memory},
    })
}

/// `summary.json`: the scenario, versions, per-Job results and aggregate metrics.
pub fn summary_json(r: &RunResult) -> Value {
    let clock = Clock::new(r.start);
    let m = &r.metrics;
    json!({
        "scenario": r.scenario,
        "seed": r.seed,
        "start": clock.rfc3339(0),
        "end": clock.rfc3339(r.end),
        "endSeconds": secs(r.end),
        "horizonReached": r.horizon_reached,
        "jobsim": crate::VERSION,
        "kubernetes": crate::KUBERNETES_VERSION,
        "eventsProcessed": r.events_processed,
        "jobs": r.jobs.iter().map(job_json).collect::<Vec<_>>(),
        "cronjobs": r.cronjobs.iter().map(cronjob_json).collect::<Vec<_>>(),
        "metrics": {
            "makespan": opt_secs(m.makespan),
            "podsCreated": m.pods_created,
            "podsSucceeded": m.pods_succeeded,
            "podsFailed": m.pods_failed,
            "throughputPerHour": round3(m.throughput_per_hour),
            "cpuUtilisation": round3(m.cpu_utilisation),
            "wastedCpuSeconds": round3(m.wasted_cpu_seconds),
            "waitSeconds": {
                "p50": secs(m.wait_ms[0]),
                "p90": secs(m.wait_ms[1]),
                "p99": secs(m.wait_ms[2]),
                "max": secs(m.wait_ms[3]),
            },
        },
    })
}

/// Rounds to 3 decimals so that float noise never reaches an output file.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// `nodes.csv`: `node,pool,cpu,memory,pods` (allocatable; millicores and bytes).
pub fn nodes_csv(r: &RunResult) -> Vec<u8> {
    let mut out = String::from("node,pool,cpu,memory,pods\n");
    for n in &r.nodes {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            n.name, n.pool, n.alloc.cpu_m, n.alloc.memory, n.pods
        ));
    }
    out.into_bytes()
}

/// Writes `summary.json`, `objects.json` and `nodes.csv` into `dir`.
pub fn write_run_files(dir: &Path, r: &RunResult) -> std::io::Result<()> {
    let pretty = |v: &Value| {
        let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
        s.push('\n');
        s
    };
    write_atomic(dir, "summary.json", pretty(&summary_json(r)).as_bytes())?;
    write_atomic(dir, "objects.json", pretty(&r.objects).as_bytes())?;
    write_atomic(dir, "nodes.csv", &nodes_csv(r))
}
