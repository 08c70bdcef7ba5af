//! The kubelet: starts a bound pod's containers after the start-up latency, runs init
//! containers in order and then the app containers together, ends each run with the
//! behaviour's exit code, restarts failed containers in place under `OnFailure` with the
//! crash-loop backoff (reference job-semantics §18.3), and reports the pod's phase (§18.1).
//! It also stops the containers of deleted pods.

use rand::RngExt;

use crate::api::RestartPolicy;
use crate::scenario::behavior::{DEFAULT_CONTAINER_DURATION_MS, sleep_seconds_ms};
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::{ContainerPhase, Event, PodId, PodPhase, World};

/// Crash-loop backoff: first delay (`initial` in `flowcontrol.Backoff`, kubelet default).
pub const CRASH_BACKOFF_INITIAL: SimDuration = 10 * SECOND;
/// Crash-loop backoff cap (`MaxContainerBackOff`, 300 s).
pub const CRASH_BACKOFF_MAX: SimDuration = 300 * SECOND;
/// An exit this long after the last restart decision resets the backoff (`HasExpiredFunc`:
/// twice the 300 s cap).
pub const CRASH_BACKOFF_RESET: SimDuration = 600 * SECOND;
/// How long containers take to stop after SIGTERM when the pod is deleted. jobsim assumes
/// the process exits at once; the termination grace period is an upper bound, not a wait.
pub const STOP_LATENCY: SimDuration = 0;
/// Exit code of a container stopped by SIGTERM (128 + 15).
pub const EXIT_SIGTERM: i32 = 143;

/// The sandbox is ready: start the first init container, or every app container.
pub fn pod_start(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    if pod.deletion_requested.is_some() || pod.phase.is_terminal() {
        return;
    }
    if pod.init_count > 0 {
        start_container(w, pod_id, 0);
    } else {
        start_app_containers(w, pod_id);
    }
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
    pod.ready = true;
    w.pod_changed(pod_id);
}

/// Starts run number `runs + 1` of container `c` and schedules its exit.
fn start_container(w: &mut World<'_>, pod_id: PodId, c: u16) {
    let now = w.now();
    let status = &mut w.store.pod_mut(pod_id).containers[c as usize];
    status.phase = ContainerPhase::Running;
    status.runs += 1;
    status.exit_code = None;
    let run = status.runs;
    let (duration, _) = run_outcome(w, pod_id, c, run);
    w.schedule(
        now + duration,
        Event::ContainerExit {
            pod: pod_id,
            container: c,
            run,
        },
    );
}

/// Duration and exit code of one container run, from the workload's behaviour: a scripted
/// outcome (first match), else the random failure, else success; the duration from the
/// outcome's `after`, the behaviour's `duration`, a trailing `sleep N`, or the default.
fn run_outcome(w: &World<'_>, pod_id: PodId, c: u16, run: u32) -> (SimDuration, i32) {
    let pod = w.store.pod(pod_id);
    let job = w.store.job(pod.job);
    let template = &job.template;
    let init = (c as usize) < pod.init_count as usize;
    let container = if init {
        &template.spec.init_containers[c as usize]
    } else {
        &template.spec.containers[c as usize - pod.init_count as usize]
    };
    let behavior = &template.behavior;
    let applies = behavior
        .container
        .as_deref()
        .is_none_or(|name| name == container.name);
    let object = (u64::from(pod_id.0) << 24) | (u64::from(c) << 16) | u64::from(run.min(0xffff));
    let mut rng = w.rng.stream("container-run", object);
    let natural = || sleep_seconds_ms(&container.command, &container.args);
    if !applies {
        return (natural().unwrap_or(DEFAULT_CONTAINER_DURATION_MS), 0);
    }
    let base_duration = |rng: &mut rand_chacha::ChaCha8Rng| match &behavior.duration {
        Some(d) => d.sample(rng),
        None => natural().unwrap_or(DEFAULT_CONTAINER_DURATION_MS),
    };
    let index = pod.index.map(i64::from);
    if let Some(o) = behavior
        .outcomes
        .iter()
        .find(|o| o.matches(index, pod.attempt, run))
    {
        let d = match &o.after {
            Some(a) => a.sample(&mut rng),
            None => base_duration(&mut rng),
        };
        return (d, o.exit_code);
    }
    let d = base_duration(&mut rng);
    let code = match &behavior.failure {
        Some(f) if rng.random::<f64>() < f.probability => f.exit_code,
        _ => 0,
    };
    (d, code)
}

/// A container run ended by itself.
pub fn container_exit(w: &mut World<'_>, pod_id: PodId, c: u16, run: u32) {
    let now = w.now();
    {
        let pod = w.store.pod(pod_id);
        let status = &pod.containers[c as usize];
        if pod.phase.is_terminal() || status.runs != run || status.phase != ContainerPhase::Running
        {
            return; // stale: the pod was deleted or the container restarted since
        }
    }
    let (_, code) = run_outcome(w, pod_id, c, run);
    let restart_policy = w.store.job(w.store.pod(pod_id).job).template.restart_policy;
    let pod = w.store.pod_mut(pod_id);
    let status = &mut pod.containers[c as usize];
    status.phase = ContainerPhase::Terminated;
    status.exit_code = Some(code);
    status.finished_at = Some(now);
    let init = c < pod.init_count;
    if code != 0 && restart_policy == RestartPolicy::OnFailure {
        // Restart in place after the crash-loop backoff; the pod stays Running/Pending.
        let delay = crash_backoff(&mut pod.containers[c as usize], now);
        if pod.ready {
            pod.ready = false;
            pod.unready_at = Some(now);
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
    if init {
        if code == 0 {
            pod.init_done += 1;
            if pod.init_done < pod.init_count {
                let next = pod.init_done;
                start_container(w, pod_id, next);
            } else {
                start_app_containers(w, pod_id);
            }
        } else {
            finish_pod(w, pod_id, "Init:Error");
        }
        return;
    }
    let first_app = pod.init_count as usize;
    let all_done = pod.containers[first_app..]
        .iter()
        .all(|s| s.phase == ContainerPhase::Terminated);
    if all_done {
        let ok = pod.containers[first_app..]
            .iter()
            .all(|s| s.exit_code == Some(0));
        finish_pod(w, pod_id, if ok { "Completed" } else { "Error" });
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
fn crash_backoff(status: &mut crate::world::ContainerStatus, now: SimTime) -> SimDuration {
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
    let pod = w.store.pod_mut(pod_id);
    if pod.phase.is_terminal()
        || pod.deletion_requested.is_some()
        || pod.containers[c as usize].phase != ContainerPhase::Terminated
    {
        return;
    }
    pod.containers[c as usize].restart_count += 1;
    start_container(w, pod_id, c);
    let pod = w.store.pod_mut(pod_id);
    let app_running = pod.containers[pod.init_count as usize..]
        .iter()
        .all(|s| s.phase == ContainerPhase::Running);
    if c >= pod.init_count && app_running {
        pod.ready = true;
    }
    w.pod_changed(pod_id);
}

/// Ends the pod: Succeeded when every app container exited 0, else Failed.
fn finish_pod(w: &mut World<'_>, pod_id: PodId, reason: &'static str) {
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    let ok = reason == "Completed";
    pod.phase = if ok {
        PodPhase::Succeeded
    } else {
        PodPhase::Failed
    };
    pod.reason = reason;
    pod.exit_code = Some(
        pod.containers
            .iter()
            .filter_map(|s| s.exit_code)
            .find(|&e| e != 0)
            .unwrap_or(0),
    );
    pod.finished = Some(now);
    if pod.ready {
        pod.ready = false;
        pod.unready_at = Some(now);
    }
    crate::controllers::scheduler::release(w, pod_id);
    w.pod_changed(pod_id);
}

/// The API server marked the pod for deletion: the kubelet stops it after
/// [`STOP_LATENCY`].
pub fn delete_pod(w: &mut World<'_>, pod_id: PodId) {
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    if pod.deletion_requested.is_some() || pod.phase.is_terminal() {
        return;
    }
    pod.deletion_requested = Some(now);
    w.schedule(now + STOP_LATENCY, Event::PodKilled(pod_id));
    w.pod_changed(pod_id);
}

/// A deleted pod's containers have stopped (SIGTERM, exit 143). A pod that never ran
/// (unscheduled, or still starting) simply ends Failed.
pub fn pod_killed(w: &mut World<'_>, pod_id: PodId) {
    let now = w.now();
    let pod = w.store.pod_mut(pod_id);
    if pod.phase.is_terminal() {
        return;
    }
    pod.unschedulable = false;
    let mut all_zero = pod.started.is_some();
    for s in pod.containers.iter_mut() {
        if s.phase != ContainerPhase::Terminated {
            if s.phase == ContainerPhase::Running {
                s.exit_code = Some(EXIT_SIGTERM);
                s.finished_at = Some(now);
            }
            s.phase = ContainerPhase::Terminated;
        }
        all_zero &= s.exit_code == Some(0);
    }
    pod.phase = if all_zero {
        PodPhase::Succeeded
    } else {
        PodPhase::Failed
    };
    pod.reason = if all_zero { "Completed" } else { "Deleted" };
    pod.exit_code = pod
        .containers
        .iter()
        .filter_map(|s| s.exit_code)
        .find(|&e| e != 0)
        .or(all_zero.then_some(0));
    pod.finished = Some(now);
    pod.ready = false;
    crate::controllers::scheduler::release(w, pod_id);
    w.pod_changed(pod_id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::ContainerStatus;

    fn status() -> ContainerStatus {
        ContainerStatus {
            phase: ContainerPhase::Terminated,
            runs: 1,
            restart_count: 0,
            exit_code: Some(1),
            finished_at: None,
            backoff_delay: None,
            backoff_last_update: 0,
        }
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
