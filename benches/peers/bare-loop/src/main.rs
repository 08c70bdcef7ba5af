//! W1 as a bare event loop: one Job of N completions, parallelism 100, on 100 nodes that
//! each run one pod at a time; durations U(60 s, 540 s); 5 % of the runs fail; the Job
//! controller's recreation backoff (10 s doubling per failure since the last success,
//! capped at 600 s, from the failure's whole-second finish time, pausing all creation).
//! A `BinaryHeap` of start and finish events, one ChaCha8 stream, no records: it prints one
//! line of totals. Time is in integer milliseconds.
//!
//!     w1-bare-loop [COMPLETIONS] [SEED]

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PARALLELISM: u32 = 100; // = nodes: every pod the Job may run has a node at once
const FAILURE_PROBABILITY: f64 = 0.05;
const BACKOFF_MS: u64 = 10_000;
const MAX_BACKOFF_MS: u64 = 600_000;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A node may start the Job's next pod.
    Start,
    /// A node's pod finishes; `true` when it failed.
    Finish(bool),
}

struct Job {
    completions: u64,
    succeeded: u64,
    failed: u64,
    active: u64,
    pods: u64,
    failures_since_success: u32,
    last_failure: u64,
}

impl Job {
    /// When the recreation backoff lets the controller create pods again.
    fn ready_at(&self) -> u64 {
        match self.failures_since_success {
            0 => 0,
            n => self.last_failure + (BACKOFF_MS << (n - 1).min(16)).min(MAX_BACKOFF_MS),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let completions: u64 = args
        .next()
        .map_or(1_000_000, |a| a.parse().expect("COMPLETIONS"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("SEED"));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut job = Job {
        completions,
        succeeded: 0,
        failed: 0,
        active: 0,
        pods: 0,
        failures_since_success: 0,
        last_failure: 0,
    };
    // (time, sequence, node, kind): the sequence keeps equal times in scheduling order.
    let mut queue: BinaryHeap<Reverse<(u64, u64, u32, Kind)>> = BinaryHeap::new();
    let mut seq = 0u64;
    for node in 0..PARALLELISM {
        queue.push(Reverse((0, seq, node, Kind::Start)));
        seq += 1;
    }
    let mut now = 0;
    let mut events = 0u64;
    while let Some(Reverse((t, _, node, kind))) = queue.pop() {
        now = t;
        events += 1;
        let next = match kind {
            Kind::Finish(failed) => {
                job.active -= 1;
                if failed {
                    job.failed += 1;
                    job.failures_since_success += 1;
                    job.last_failure = now - now % 1_000;
                } else {
                    job.succeeded += 1;
                    job.failures_since_success = 0;
                }
                Some((now, Kind::Start))
            }
            Kind::Start => {
                let ready = job.ready_at();
                if ready > now {
                    Some((ready, Kind::Start))
                } else if job.succeeded + job.active >= job.completions {
                    None // a running pod that fails is replaced by its own node
                } else {
                    job.active += 1;
                    job.pods += 1;
                    let duration = rng.random_range(60_000..=540_000u64);
                    let failed = rng.random::<f64>() < FAILURE_PROBABILITY;
                    Some((now + duration, Kind::Finish(failed)))
                }
            }
        };
        if let Some((at, kind)) = next {
            queue.push(Reverse((at, seq, node, kind)));
            seq += 1;
        }
    }
    println!(
        "{} pods ({} succeeded, {} failed), {events} events, ended at {now} ms",
        job.pods, job.succeeded, job.failed
    );
}
