//! A generator of synthetic run output directories, for the report's size and speed checks
//! (a 100,000-pod run must render every chart quickly and keep each SVG under 2 MB).
//!
//! It writes the files `jobsim run` writes, in their formats, with made-up but plausible
//! content; it is deterministic (a fixed arithmetic hash, no RNG) and must never be used to
//! stand in for a real run's results.

use std::fmt::Write;
use std::path::Path;

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

fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Writes a run of `pods` pods over 8 Jobs and 200 nodes (one node outage) into `dir`.
pub fn write_run(dir: &Path, pods: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut nodes = String::from("node,pool,cpu,memory,pods\n");
    for n in 0..NODES {
        let pool = if n < NODES * 3 / 4 {
            "general"
        } else {
            "highmem"
        };
        let _ = writeln!(nodes, "node-{n:03},{pool},16000,68719476736,110");
    }
    let mut pod_rows = String::from(
        "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts\n",
    );
    let mut events = String::from("time,object,reason,message\n");
    let mut jobs = String::from(
        "job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted\n",
    );
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
            let _ = writeln!(
                pod_rows,
                "{pod},{job},,{},node-{node:03},{},{},{},{},{phase},{reason},{code},0",
                k + 1,
                secs(created),
                secs(created + 200),
                secs(started),
                secs(finished)
            );
            let _ = writeln!(
                events,
                "{},job/{job},SuccessfulCreate,Created pod: {pod}",
                secs(created)
            );
        }
        end = end.max(job_end);
        let _ = writeln!(
            jobs,
            "{job},,{},{},{},Complete,Completed,{succeeded},{failed},{count},",
            secs(job_start),
            secs(job_start),
            secs(job_end)
        );
        summary_jobs.push(format!(
            r#"{{"name":"{job}","namespace":"default","owner":null,"completionMode":"NonIndexed","parallelism":{PARALLELISM},"completions":{succeeded},"outcome":"Complete","reason":"Completed","succeeded":{succeeded},"failed":{failed},"pods":{count},"created":{},"started":{},"finished":{},"makespan":{},"podRequests":{{"cpu":500,"memory":1073741824}}}}"#,
            secs(job_start),
            secs(job_start),
            secs(job_end),
            secs(job_end - job_start)
        ));
    }
    let _ = writeln!(
        events,
        "{},node/node-007,NodeNotReady,Node node-007 status is now: NodeNotReady",
        secs(end / 3)
    );
    let _ = writeln!(
        events,
        "{},node/node-007,NodeReady,Node node-007 status is now: NodeReady",
        secs(end / 3 + 600_000)
    );
    let summary = format!(
        r#"{{"scenario":"synthetic-{pods}","seed":1,"start":"2026-01-01T00:00:00Z","end":"","endSeconds":{},"jobsim":"synthetic","kubernetes":"v1.36","jobs":[{}],"cronjobs":[],"metrics":{{"attempts":{pods}}}}}"#,
        secs(end),
        summary_jobs.join(",")
    );
    std::fs::write(dir.join("nodes.csv"), nodes)?;
    std::fs::write(dir.join("pods.csv"), pod_rows)?;
    std::fs::write(dir.join("events.csv"), events)?;
    std::fs::write(dir.join("jobs.csv"), jobs)?;
    std::fs::write(dir.join("summary.json"), summary)
}

/// Writes a year of an hourly CronJob (Forbid): 8,760 scheduled runs, every 50th skipped
/// because the previous run was still active, every 40th run failed, on 3 nodes.
pub fn write_cron_year(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let hour = 3_600_000u64;
    let runs = 365 * 24;
    let mut pods = String::from(
        "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts\n",
    );
    let mut jobs = String::from(
        "job,owner,created,started,finished,outcome,reason,succeeded,failed,pods,deleted\n",
    );
    let mut events = String::from("time,object,reason,message\n");
    for run in 1..=runs as u64 {
        let at = run * hour;
        if run % 50 == 0 {
            let _ = writeln!(
                events,
                "{},cronjob/nightly,JobAlreadyActive,Not starting job because prior execution is running and concurrency policy is Forbid",
                secs(at)
            );
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
        let _ = writeln!(
            events,
            "{},cronjob/nightly,SuccessfulCreate,Created job {job}",
            secs(at)
        );
        let _ = writeln!(
            pods,
            "{job}-x,{job},,1,node-{},{},{},{},{},{phase},{reason},{},0",
            run % 3,
            secs(at),
            secs(at + 100),
            secs(at + 1000),
            secs(at + 1000 + duration),
            u8::from(failed)
        );
        let _ = writeln!(
            jobs,
            "{job},cronjob/nightly,{},{},{},{outcome},{job_reason},{s},{f},1,",
            secs(at),
            secs(at),
            secs(at + 1000 + duration)
        );
    }
    let end = (runs as u64 + 1) * hour;
    std::fs::write(dir.join("pods.csv"), pods)?;
    std::fs::write(dir.join("jobs.csv"), jobs)?;
    std::fs::write(dir.join("events.csv"), events)?;
    std::fs::write(
        dir.join("nodes.csv"),
        "node,pool,cpu,memory,pods\nnode-0,default,4000,17179869184,110\nnode-1,default,4000,17179869184,110\nnode-2,default,4000,17179869184,110\n",
    )?;
    std::fs::write(
        dir.join("summary.json"),
        format!(
            r#"{{"scenario":"synthetic-cron-year","seed":1,"endSeconds":{},"jobs":[],"cronjobs":[{{"name":"nightly","schedule":"0 * * * *","timeZone":null,"podRequests":{{"cpu":250,"memory":536870912}}}}]}}"#,
            secs(end)
        ),
    )
}
