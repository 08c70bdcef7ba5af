//! Allocations and time per event on the recorders' hot path (`cargo bench --bench events`).
//!
//! Each iteration is one pod of W1 (benches/workloads/w1-million-pods.yaml) as the event
//! correlator sees it in the steady state: the Job controller's `SuccessfulCreate` about the
//! Job (merged and, once its token bucket is dry, dropped), the kubelet's `Pulled`,
//! `Created` and `Started` about the pod, then the pod's end, which writes its three Event
//! objects as rows formatted into a reused buffer, as a writer does. Four events and three
//! rows per iteration: divan's allocation counts divided by four are the allocations per
//! event, and should be 0 (the first iterations of a run fill the reused buffers).

use std::fmt::Write;

use divan::AllocProfiler;
use jobsim::event_recorder::{Correlator, JobId, NodeId, ObjectId, PodId, Source};
use jobsim::record::{ObjectRef, Reason};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// Pod names like the Job controller's (`big-` and five characters).
fn pod_name(i: u64, out: &mut String) {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    out.clear();
    out.push_str("big-");
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
    for _ in 0..5 {
        out.push(ALPHABET[(x % 27) as usize] as char);
        x /= 27;
    }
}

/// One pod's four events through the correlator and its three rows out, per iteration.
#[divan::bench(sample_count = 50, sample_size = 1000)]
fn w1_pod_events(bencher: divan::Bencher) {
    let mut c = Correlator::default();
    let mut name = String::new();
    let mut message = String::new();
    let mut row = String::new();
    let mut rows = 0u64;
    let mut i = 0u64;
    let job = ObjectId::Job(JobId(0));
    let mut step = |c: &mut Correlator| {
        let now = i * 3_000;
        pod_name(i, &mut name);
        message.clear();
        message.push_str("Created pod: ");
        message.push_str(&name);
        c.observe(
            now,
            Source::JobController,
            job,
            ObjectRef::Job("big"),
            0,
            Reason::SuccessfulCreate,
            &message,
        );
        let pod = ObjectId::Pod(PodId(i as u32));
        let kubelet = Source::Kubelet(NodeId((i % 100) as u32));
        let pulled =
            "Container image \"busybox\" already present on machine and can be accessed by the pod";
        for (reason, text) in [
            (Reason::Pulled, pulled),
            (Reason::Created, "Container created"),
            (Reason::Started, "Container started"),
        ] {
            c.observe(
                now + 1_000,
                kubelet,
                pod,
                ObjectRef::Pod(&name),
                1,
                reason,
                text,
            );
        }
        c.close(pod, &mut |r| {
            row.clear();
            let _ = write!(
                row,
                "{},{},{},{},{},{}",
                r.time,
                r.object,
                r.reason.as_str(),
                r.message,
                r.event_type,
                r.count
            );
            rows += 1;
        });
        i += 1;
    };
    // Past the first 25 creations: the Job's bucket is dry, its messages combined.
    for _ in 0..1_000 {
        step(&mut c);
    }
    bencher.bench_local(|| step(&mut c));
}
