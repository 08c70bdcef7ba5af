//! The kubelet: starts a bound pod's containers after the start-up latency, runs init
//! containers in order and then the app containers together, ends each run with the
//! behaviour's exit code (or an OOM kill when its memory passes the limit), restarts
//! failed containers in place under `OnFailure` with the crash-loop backoff (reference
//! job-semantics §18.3), enforces the pod's own `activeDeadlineSeconds`, reports the pod's
//! phase (§18.1), and stops the containers of deleted pods within their grace period.
//! A kubelet on a node that is down does nothing until the node returns.

use rand::RngExt;

use crate::api::RestartPolicy;
use crate::record::Reason;
use crate::scenario::behavior::{DEFAULT_CONTAINER_DURATION_MS, MemoryGrowth, sleep_seconds_ms};
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::store::why::{EndedBy, Restart};
use crate::world::{
    ContainerPhase, ContainerStatus, Event, ObjectId, PodId, PodPhase, Source, Store, World,
};

/// Crash-loop backoff: first delay (`initial` in `flowcontrol.Backoff`, kubelet default).
pub const CRASH_BACKOFF_INITIAL: SimDuration = 10 * SECOND;
/// Crash-loop backoff cap (`MaxContainerBackOff`, 300 s).
pub const CRASH_BACKOFF_MAX: SimDuration = 300 * SECOND;
/// An exit this long after the last restart decision resets the backoff (`HasExpiredFunc`:
/// twice the 300 s cap).
pub const CRASH_BACKOFF_RESET: SimDuration = 600 * SECOND;
/// How long containers take to stop after SIGTERM when the behaviour says nothing: jobsim
/// assumes the process exits at once (`behavior.shutdown` models slower ones).
pub const STOP_LATENCY: SimDuration = 0;
/// `terminationGracePeriodSeconds` when the pod spec leaves it out (pod defaulting).
pub const DEFAULT_TERMINATION_GRACE: SimDuration = 30 * SECOND;
/// Exit code of a container stopped by SIGTERM (128 + 15).
pub const EXIT_SIGTERM: i32 = 143;
/// Exit code of a container killed by SIGKILL or the OOM killer (128 + 9).
pub const EXIT_SIGKILL: i32 = 137;

/// The sandbox is ready: start the first init container, or every app container.
pub fn pod_start(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    if pod.deletion_requested.is_some() || pod.phase.is_terminal() || !node_up(w, pod_id) {
        return;
    }
    if pod.init_count > 0 {
        start_container(w, pod_id, 0);
    } else {
        start_app_containers(w, pod_id);
    }
}

fn node_up(w: &World<'_>, pod_id: PodId) -> bool {
    w.store
        .pod(pod_id)
        .node
        .is_none_or(|n| !w.store.nodes[n.0 as usize].down)
}

fn start_app_containers(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    let first = pod.init_count as usize;
    let n = pod.containers.len();
    for c in first..n {
        start_container(w, pod_id, c as u16);
    }
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    pod.phase = PodPhase::Running;
    pod.started.get_or_insert(now);
    set_ready(pod, now);
    w.pod_changed(pod_id);
}

/// The container's spec in the pod's template (init containers first).
fn container_spec(store: &Store, pod_id: PodId, c: u16) -> &crate::api::Container {
    let pod = store.pod(pod_id);
    let spec = &store.job(pod.job).template.spec;
    let init = pod.init_count as usize;
    if (c as usize) < init {
        &spec.init_containers[c as usize]
    } else {
        &spec.containers[c as usize - init]
    }
}

/// Records a kubelet event about container `c` of the pod (its `fieldPath`), with the
/// message written by `message` into a reused buffer.
fn emit_container(
    w: &mut World<'_>,
    pod_id: PodId,
    c: u16,
    reason: Reason,
    message: impl FnOnce(&Store, &mut String),
) {
    let Some(node) = w.store.pod(pod_id).node else {
        return;
    };
    w.emit_about_field(
        Source::Kubelet(node),
        ObjectId::Pod(pod_id),
        c + 1,
        reason,
        message,
    );
}

/// The kubelet's events as a container starts (every run, restarts included): the image
/// is there (jobsim models no image pulls), the container is created, then started —
/// v1.36's wording.
fn emit_container_start(w: &mut World<'_>, pod_id: PodId, c: u16) {
    emit_container(w, pod_id, c, Reason::Pulled, |store, m| {
        m.push_str("Container image \"");
        m.push_str(
            container_spec(store, pod_id, c)
                .image
                .as_deref()
                .unwrap_or_default(),
        );
        m.push_str("\" already present on machine and can be accessed by the pod");
    });
    emit_container(w, pod_id, c, Reason::Created, |_, m| {
        m.push_str("Container created")
    });
    emit_container(w, pod_id, c, Reason::Started, |_, m| {
        m.push_str("Container started")
    });
}

/// Starts run number `runs + 1` of container `c` and schedules its end.
fn start_container(w: &mut World<'_>, pod_id: PodId, c: u16) {
    emit_container_start(w, pod_id, c);
    let now = w.now();
    let run = w.store.pod(pod_id).containers[c as usize].runs + 1;
    let plan = plan_run(w, pod_id, c, run);
    let status = &mut w.store.pod_mut(pod_id).containers[c as usize];
    status.phase = ContainerPhase::Running;
    status.runs = run;
    status.exit_code = None;
    status.planned_exit = (plan.exit_code, plan.reason);
    // A `sleep` of more seconds than time can hold ends at the end of time, not before now.
    w.schedule(
        now.saturating_add(plan.duration),
        Event::ContainerExit {
            pod: pod_id,
            container: c,
            run,
        },
    );
}

/// How one container run ends.
struct RunPlan {
    duration: SimDuration,
    exit_code: i32,
    reason: &'static str,
}

/// Duration and exit of one container run, from the workload's behaviour: a scripted
/// outcome (first match), else the random failure, else success; the duration from the
/// outcome's `after`, the behaviour's `duration`, a trailing `sleep N`, or the default.
/// A memory peak above the container's limit ends the run early with an OOM kill.
fn plan_run(w: &World<'_>, pod_id: PodId, c: u16, run: u32) -> RunPlan {
    let pod = w.store.pod(pod_id);
    let template = &w.store.job(pod.job).template;
    let init = (c as usize) < pod.init_count as usize;
    let container = if init {
        &template.spec.init_containers[c as usize]
    } else {
        &template.spec.containers[c as usize - pod.init_count as usize]
    };
    let behavior = &template.behavior;
    let natural = || sleep_seconds_ms(&container.command, &container.args);
    let applies = behavior
        .container
        .as_deref()
        .is_none_or(|name| name == container.name);
    if !applies {
        return RunPlan {
            duration: natural().unwrap_or(DEFAULT_CONTAINER_DURATION_MS),
            exit_code: 0,
            reason: "Completed",
        };
    }
    let mut rng = w.rng.stream_tuple(
        "container-run",
        u64::from(pod_id.0),
        u64::from(c),
        u64::from(run),
    );
    let base_duration = |rng: &mut rand_chacha::ChaCha8Rng| match &behavior.duration {
        Some(d) => d.sample(rng),
        None => natural().unwrap_or(DEFAULT_CONTAINER_DURATION_MS),
    };
    let index = pod.index.map(i64::from);
    let (duration, exit_code) = match behavior
        .outcomes
        .iter()
        .find(|o| o.matches(index, pod.attempt, run))
    {
        Some(o) => {
            let d = match &o.after {
                Some(a) => a.sample(&mut rng),
                None => base_duration(&mut rng),
            };
            (d, o.exit_code)
        }
        None => {
            let d = base_duration(&mut rng);
            let code = match &behavior.failure {
                Some(f) if rng.random::<f64>() < f.probability => f.exit_code,
                _ => 0,
            };
            (d, code)
        }
    };
    let limit = container
        .resources
        .limits
        .get("memory")
        .map(|q| q.bytes())
        .filter(|&l| l > 0);
    if let (Some(model), Some(limit)) = (&behavior.memory, limit) {
        let peak = model.peak.sample(&mut rng);
        if peak > limit as u64 {
            // The kernel kills the container the moment its usage passes the limit.
            let at = match model.growth {
                MemoryGrowth::Instant => 0,
                MemoryGrowth::Linear => {
                    (duration as u128 * limit as u128 / u128::from(peak.max(1))) as u64
                }
            };
            return RunPlan {
                duration: at,
                exit_code: EXIT_SIGKILL,
                reason: "OOMKilled",
            };
        }
    }
    RunPlan {
        duration,
        exit_code,
        reason: if exit_code == 0 { "Completed" } else { "Error" },
    }
}

/// A container run ended by itself.
pub fn container_exit(w: &mut World<'_>, pod_id: PodId, c: u16, run: u32) {
    let now = w.now();
    {
        let pod = w.store.pod(pod_id);
        let status = &pod.containers[c as usize];
        if pod.phase.is_terminal()
            || status.runs != run
            || status.phase != ContainerPhase::Running
            || !node_up(w, pod_id)
        {
            return; // stale: deleted, restarted, or its node is down
        }
    }
    let restart_policy = w.store.job(w.store.pod(pod_id).job).template.restart_policy;
    let deleting = w.store.pod(pod_id).deletion_requested.is_some();
    let pod = w.store.pod_mut(pod_id);
    let status = &mut pod.containers[c as usize];
    let (code, reason) = status.planned_exit;
    status.phase = ContainerPhase::Terminated;
    status.exit_code = Some(code);
    status.reason = reason;
    status.finished_at = Some(now);
    let init = c < pod.init_count;
    if code != 0 && restart_policy == RestartPolicy::OnFailure && !deleting {
        // Restart in place after the crash-loop backoff; the pod stays Running/Pending and
        // the container waits (CrashLoopBackOff), its last run's exit kept as the last
        // termination state.
        let delay = crash_backoff(&mut pod.containers[c as usize], now);
        pod.containers[c as usize].phase = ContainerPhase::Waiting;
        if pod.ready {
            pod.ready = false;
            pod.unready_at = Some(now);
        }
        if delay > 0 {
            // The container waits in CrashLoopBackOff: one warning per wait.
            let seed = w.rng.seed();
            emit_container(w, pod_id, c, Reason::BackOff, |store, m| {
                let pod = store.pod(pod_id);
                m.push_str("Back-off restarting failed container ");
                m.push_str(&container_spec(store, pod_id, c).name);
                m.push_str(" in pod ");
                m.push_str(&pod.name);
                m.push('_');
                m.push_str(store.job(pod.job).metadata.namespace());
                m.push('(');
                push_pod_uid(m, seed, pod_id);
                m.push(')');
            });
        }
        w.schedule(
            now + delay,
            Event::ContainerRestart {
                pod: pod_id,
                container: c,
            },
        );
        w.pod_changed(pod_id);
        return;
    }
    if init && !deleting {
        if code == 0 {
            pod.init_done += 1;
            if pod.init_done < pod.init_count {
                let next = pod.init_done;
                start_container(w, pod_id, next);
            } else {
                start_app_containers(w, pod_id);
            }
        } else {
            finish_pod(w, pod_id, Some("Init:Error"));
        }
        return;
    }
    let first_app = if init { 0 } else { pod.init_count as usize };
    let all_done = pod.containers[first_app..]
        .iter()
        .all(|s| s.phase == ContainerPhase::Terminated);
    if all_done {
        finish_pod(w, pod_id, None);
    } else if pod.ready {
        // A terminated container is not ready, so neither is the pod.
        pod.ready = false;
        pod.unready_at = Some(now);
        w.pod_changed(pod_id);
    }
}

/// The delay before restarting a container that exited at `now` (§18.3): none the first
/// time, then 10 s doubling to 300 s; an exit more than 600 s after the last restart
/// decision starts over.
fn crash_backoff(status: &mut ContainerStatus, now: SimTime) -> SimDuration {
    match status.backoff_delay {
        Some(delay) if now.saturating_sub(status.backoff_last_update) <= CRASH_BACKOFF_RESET => {
            status.backoff_delay = Some((delay * 2).min(CRASH_BACKOFF_MAX));
            status.backoff_last_update = now + delay;
            delay
        }
        _ => {
            status.backoff_delay = Some(CRASH_BACKOFF_INITIAL);
            status.backoff_last_update = now;
            0
        }
    }
}

/// The crash-loop backoff is over: a new container instance starts.
pub fn container_restart(w: &mut World<'_>, pod_id: PodId, c: u16) {
    if !node_up(w, pod_id) {
        return; // the node's return restarts it
    }
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    if pod.phase.is_terminal()
        || pod.deletion_requested.is_some()
        || pod.containers[c as usize].phase != ContainerPhase::Waiting
    {
        return;
    }
    let status = &mut pod.containers[c as usize];
    status.restart_count += 1;
    let restart = Restart {
        exit_code: status.exit_code.unwrap_or(0),
        exited: status.finished_at.unwrap_or(now),
        restarted: now,
    };
    pod.why.restarts.push(restart);
    start_container(w, pod_id, c);
    let pod = w.store.pod_mut(pod_id);
    let app_running = pod.containers[pod.init_count as usize..]
        .iter()
        .all(|s| s.phase == ContainerPhase::Running);
    if c >= pod.init_count && app_running {
        let now = w.now();
        let pod = w.store.pod_mut(pod_id);
        set_ready(pod, now);
    }
    w.pod_changed(pod_id);
}

/// PodReady turns True: the PodReady=False time no longer applies (§8.1 rule 2), and the
/// ready-since time orders surplus deletions (§5).
fn set_ready(pod: &mut crate::world::Pod, now: SimTime) {
    if !pod.ready {
        pod.ready = true;
        pod.unready_at = None;
        pod.ready_since = Some(now);
    }
}

/// Ends the pod: Succeeded when every app container exited 0, else Failed. The pod's
/// reason is `reason` when given, else the first failing container's terminated reason.
fn finish_pod(w: &mut World<'_>, pod_id: PodId, reason: Option<&'static str>) {
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    let first_app = pod.init_count as usize;
    let ok = reason.is_none()
        && pod.started.is_some()
        && pod.containers[first_app..]
            .iter()
            .all(|s| s.exit_code == Some(0));
    pod.phase = if ok {
        PodPhase::Succeeded
    } else {
        PodPhase::Failed
    };
    let failing = pod
        .containers
        .iter()
        .find(|s| s.exit_code.is_some_and(|e| e != 0));
    let derived = match failing {
        _ if ok => "Completed",
        Some(s) if !s.reason.is_empty() => s.reason,
        _ => "Error",
    };
    pod.reason = reason.unwrap_or(derived);
    pod.why.end(match pod.reason {
        _ if ok => EndedBy::Succeeded,
        "OOMKilled" => EndedBy::OomKilled,
        "DeadlineExceeded" => EndedBy::PodDeadline,
        "NodeLost" => EndedBy::NodeLost,
        _ => EndedBy::Failed,
    });
    pod.exit_code = failing.and_then(|s| s.exit_code).or(Some(0));
    pod.finished = Some(now);
    if pod.ready {
        pod.ready = false;
        pod.unready_at = Some(now);
    }
    // The pod is over: nothing more will be recorded about it.
    w.close_pod_events(pod_id);
    w.release_pod(pod_id);
    w.pod_changed(pod_id);
}

/// A stand-in UID for a pod, shaped like a Kubernetes UID (pods are not among the
/// objects a run writes, so it only has to be stable and distinct).
fn push_pod_uid(m: &mut String, seed: u64, pod_id: PodId) {
    use std::fmt::Write;
    let _ = write!(
        m,
        "{:08x}-{:04x}-4000-8000-{:012x}",
        (seed & 0xffff_ffff) as u32,
        (seed >> 32) as u16,
        (1u64 << 44) | u64::from(pod_id.0)
    );
}

/// The API server marked the pod for deletion (with `DisruptionTarget` when `disruption`
/// is given): the kubelet sends SIGTERM and the containers stop after the behaviour's
/// shutdown time, or are killed when the grace period runs out. A pod that never ran stops
/// at once; a pod on a node that is down stays terminating until the node returns.
pub fn delete_pod(w: &mut World<'_>, pod_id: PodId, disruption: Option<&'static str>) {
    let now = w.now();
    let pod = w.store.pod(pod_id);
    if pod.deletion_requested.is_some() || pod.phase.is_terminal() {
        return;
    }
    let template = &w.store.job(pod.job).template;
    let grace = template
        .spec
        .termination_grace_period_seconds
        .map_or(DEFAULT_TERMINATION_GRACE, |s| s.max(0) as u64 * SECOND);
    let shutdown = match &template.behavior.shutdown {
        Some(d) if pod.started.is_some() => {
            let mut rng = w.rng.stream("shutdown", u64::from(pod_id.0));
            d.sample(&mut rng)
        }
        _ => STOP_LATENCY,
    };
    let up = node_up(w, pod_id);
    if up {
        for c in 0..pod.containers.len() as u16 {
            if w.store.pod(pod_id).containers[c as usize].phase != ContainerPhase::Running {
                continue;
            }
            emit_container(w, pod_id, c, Reason::Killing, |store, m| {
                m.push_str("Stopping container ");
                m.push_str(&container_spec(store, pod_id, c).name);
            });
        }
    }
    let pod = w.store.pod_mut(pod_id);
    pod.deletion_requested = Some(now);
    if disruption.is_some() {
        pod.disruption = disruption;
    }
    // A caller that knows better (the Job controller, a Job's deletion) recorded its cause
    // already; otherwise this is a disruption or a plain DELETE.
    pod.why
        .end(disruption.map_or(EndedBy::Deleted, EndedBy::of_disruption));
    pod.kill_code = if shutdown > grace {
        EXIT_SIGKILL
    } else {
        EXIT_SIGTERM
    };
    if up {
        w.schedule(now + shutdown.min(grace), Event::PodKilled(pod_id));
    }
    w.pod_changed(pod_id);
}

/// A deleted pod's containers have stopped. A pod that never ran simply ends Failed;
/// one whose containers had all exited 0 ends Succeeded (§18.1).
pub fn pod_killed(w: &mut World<'_>, pod_id: PodId) {
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    if pod.phase.is_terminal() {
        return;
    }
    pod.unschedulable = false;
    let code = pod.kill_code;
    for s in pod.containers.iter_mut() {
        if s.phase == ContainerPhase::Running {
            s.exit_code = Some(code);
            s.reason = "Error";
            s.finished_at = Some(now);
        }
        s.phase = ContainerPhase::Terminated;
    }
    let reason = pod.kill_reason;
    let all_zero = pod.started.is_some() && pod.containers.iter().all(|s| s.exit_code == Some(0));
    if all_zero {
        finish_pod(w, pod_id, None);
    } else {
        finish_pod(w, pod_id, Some(reason.unwrap_or("Deleted")));
    }
}

/// The pod's node came back after an outage (the API server tells the node's kubelet,
/// pod by pod): the kubelet finishes terminating a deleted
/// pod, reports containers that died with the node as failed (exit 137; restarted in place
/// under `OnFailure`), restarts what waited for a restart, and starts a pod that never
/// started.
pub fn recover_pod(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    if pod.phase.is_terminal() {
        return;
    }
    if pod.deletion_requested.is_some() {
        w.store.pod_mut(pod_id).kill_code = EXIT_SIGKILL;
        pod_killed(w, pod_id);
        return;
    }
    if pod.containers.iter().all(|c| c.runs == 0) {
        let now = w.now();
        let mut rng = w.rng.stream("pod-restartup", u64::from(pod_id.0));
        let startup = w.timing.pod_startup.sample(&mut rng);
        w.schedule(now + startup, Event::PodStart(pod_id));
        return;
    }
    let on_failure = w.store.job(pod.job).template.restart_policy == RestartPolicy::OnFailure;
    for c in 0..pod.containers.len() as u16 {
        let status = &w.store.pod(pod_id).containers[c as usize];
        let run = status.runs;
        match status.phase {
            ContainerPhase::Running => {
                w.store.pod_mut(pod_id).containers[c as usize].planned_exit =
                    (EXIT_SIGKILL, "Error");
                container_exit(w, pod_id, c, run);
            }
            ContainerPhase::Waiting if on_failure && status.runs > 0 => {
                container_restart(w, pod_id, c);
            }
            _ => {}
        }
        if w.store.pod(pod_id).phase.is_terminal() {
            break;
        }
    }
}

/// The pod was bound to this kubelet's node: the sandbox starts after the scenario's
/// start-up latency, and the pod's own deadline clock starts.
pub fn pod_bound(w: &mut World<'_>, pod_id: PodId) {
    let now = w.now();
    let mut rng = w.rng.stream("pod-startup", u64::from(pod_id.0));
    let startup = w.timing.pod_startup.sample(&mut rng);
    w.schedule(now + startup, Event::PodStart(pod_id));
    arm_pod_deadline(w, pod_id);
}

/// Arms the pod's own `activeDeadlineSeconds`, counted from when the kubelet took the
/// pod (its `status.startTime`).
fn arm_pod_deadline(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    if let Some(ads) = w.store.job(pod.job).template.spec.active_deadline_seconds {
        let at = w
            .now()
            .saturating_add((ads.max(0) as u64).saturating_mul(SECOND));
        w.schedule(at, Event::PodDeadline(pod_id));
    }
}

/// The pod ran longer than its `activeDeadlineSeconds`: the kubelet kills it, phase
/// Failed, reason `DeadlineExceeded`.
pub fn pod_deadline(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod_mut(pod_id);
    if pod.phase.is_terminal() {
        return;
    }
    pod.kill_reason = Some("DeadlineExceeded");
    pod.kill_code = EXIT_SIGTERM;
    pod_killed(w, pod_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> ContainerStatus {
        let mut s = ContainerStatus::new();
        s.phase = ContainerPhase::Terminated;
        s.runs = 1;
        s.exit_code = Some(1);
        s
    }

    #[test]
    fn crash_loop_gaps_are_0_10_20_40_then_capped_at_300() {
        let mut s = status();
        let mut t = 0;
        let mut gaps = Vec::new();
        for _ in 0..9 {
            let d = crash_backoff(&mut s, t);
            gaps.push(d / SECOND);
            t += d + 5 * SECOND; // restart after the delay, run 5 s, exit again
        }
        assert_eq!(gaps, vec![0, 10, 20, 40, 80, 160, 300, 300, 300]);
    }

    #[test]
    fn crash_loop_backoff_resets_after_ten_quiet_minutes() {
        let mut s = status();
        assert_eq!(crash_backoff(&mut s, 0), 0);
        assert_eq!(crash_backoff(&mut s, 5 * SECOND), 10 * SECOND);
        // restarted at 15 s; the next exit comes more than 600 s later
        assert_eq!(crash_backoff(&mut s, 15 * SECOND + 601 * SECOND), 0);
        assert_eq!(crash_backoff(&mut s, 700 * SECOND), 10 * SECOND);
    }
}
