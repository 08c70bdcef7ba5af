//! Benchmarks of the engine and whole simulations (`cargo bench`). Simulations report to a
//! `NullSink`, so they measure the controllers and the event loop, not CSV writing.

use std::path::Path;

use jobsim::EventQueue;
use jobsim::record::NullSink;
use jobsim::{LoadOptions, load_str};

fn main() {
    divan::main();
}

/// A queue holding `n` in-flight events: one pop and one push per step, as the run loop does.
#[divan::bench(args = [100, 10_000, 1_000_000])]
fn queue_pop_push(bencher: divan::Bencher, n: u64) {
    let mut q = EventQueue::new();
    for i in 0..n {
        q.schedule(i * 7 % 1_000_003, i);
    }
    bencher.bench_local(|| {
        let (t, e) = q.pop().expect("never empty");
        q.schedule(t + 1_000, e);
    });
}

fn scenario(completions: u32, parallelism: u32, nodes: u32) -> String {
    format!(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: bench}}
spec:
  seed: 3
  cluster:
    nodePools: [{{name: n, count: {nodes}, capacity: {{cpu: "32", memory: 128Gi}}}}]
    timing: {{scheduling: {{uniform: [5ms, 50ms]}}, podStartup: {{lognormal: {{median: 800ms, p99: 3s}}}}}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: work}}
        spec:
          completions: {completions}
          parallelism: {parallelism}
          backoffLimit: 1000000
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: w, image: x, resources: {{requests: {{cpu: 100m}}}}}}]
      behavior:
        duration: {{lognormal: {{median: 30s, p99: 2m}}}}
        failure: {{probability: 0.01, exitCode: 1}}
"#
    )
}

/// A whole Job of `pods` pods, 2,000 at a time, on 100 nodes.
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10)]
fn simulate_job(bencher: divan::Bencher, pods: u32) {
    let text = scenario(pods, 2_000, 100);
    let (s, _) =
        load_str(&text, Path::new("bench.yaml"), &LoadOptions::default()).expect("valid scenario");
    bencher.bench_local(|| {
        let mut sink = NullSink;
        jobsim::simulate(&s, &mut sink, None).expect("a null sink never fails")
    });
}

/// W1 scaled down (benches/workloads/w1-million-pods.yaml): one Job of `completions`, 100
/// at a time on 100 one-pod nodes, durations U(60 s, 540 s), 5 % failures, so the Job
/// controller's recreation backoff is in play. The full workload runs in `benches/e2e.sh`.
fn w1_like(completions: u32) -> String {
    format!(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: w1-like}}
spec:
  seed: 1
  cluster:
    nodePools: [{{name: node, count: 100, capacity: {{cpu: "1", memory: 4Gi}}}}]
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: big}}
        spec:
          completions: {completions}
          parallelism: 100
          backoffLimit: 1000000
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: work, image: busybox, resources: {{requests: {{cpu: "1", memory: 1Gi}}}}}}]
      behavior:
        duration: {{uniform: [60s, 540s]}}
        failure: {{probability: 0.05, exitCode: 1}}
"#
    )
}

/// W1's workload with 1,000 / 10,000 completions, reported to a `NullSink`.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn simulate_w1_like(bencher: divan::Bencher, completions: u32) {
    let text = w1_like(completions);
    let (s, _) = load_str(&text, Path::new("w1-like.yaml"), &LoadOptions::default())
        .expect("valid scenario");
    bencher.bench_local(|| {
        let mut sink = NullSink;
        jobsim::simulate(&s, &mut sink, None).expect("a null sink never fails")
    });
}
