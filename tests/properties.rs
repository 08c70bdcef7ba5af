//! Properties of random scenarios (proptest): generated Jobs (NonIndexed and Indexed,
//! completions, parallelism, backoffLimit, backoffLimitPerIndex, podFailurePolicy,
//! activeDeadlineSeconds, suspend, podReplacementPolicy), clusters (pools and capacities),
//! behaviours (durations, failure probabilities, memory), node faults and actions are
//! simulated through the library, and every run must keep the invariants below.
//!
//! The library gives the records of a run and its objects at the end, not a step driver,
//! so the history is sampled: the same scenario runs to several horizons, and a run to an
//! earlier horizon is the prefix of a run to a later one (the simulator is deterministic),
//! so its counters and conditions are the Job's state at that instant.
//!
//! Case counts keep the module under a minute in the debug build; `PROPTEST_CASES` raises
//! them for local runs.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::common::{JobObject, Object, run_until};

#[derive(Debug, Clone)]
struct JobGen {
    indexed: bool,
    completions: Option<i32>,
    parallelism: i32,
    backoff_limit: Option<i32>,
    per_index: Option<i32>,
    pod_failure_policy: Option<u8>,
    deadline_s: Option<i64>,
    suspend: bool,
    replacement_failed: bool,
    on_failure: bool,
    cpu_m: u32,
    mem_mi: u32,
    at_s: u32,
    duration_s: (u32, u32),
    failure: f64,
    peak_mi: Option<u32>,
}

#[derive(Debug, Clone)]
enum ActionGen {
    Suspend(usize, u32),
    Resume(usize, u32),
    Scale(usize, u32, i32),
    DeletePod(usize, u32),
    Evict(usize, u32),
    NodeDown(usize, u32, u32),
}

#[derive(Debug, Clone)]
struct ScenarioGen {
    seed: u64,
    pools: Vec<(u32, u32, u32, u32)>,
    jobs: Vec<JobGen>,
    actions: Vec<ActionGen>,
    faults: Option<(u32, u32)>,
}

fn job_gen() -> impl Strategy<Value = JobGen> {
    (
        (
            any::<bool>(),
            prop::option::of(0..8i32),
            1..5i32,
            prop::option::of(0..4i32),
            prop::option::of(0..3i32),
            prop::option::of(0..3u8),
            prop::option::of(30..600i64),
            prop::bool::weighted(0.15),
        ),
        (
            any::<bool>(),
            prop::bool::weighted(0.2),
            prop::sample::select(vec![0u32, 100, 500, 1000, 2500]),
            prop::sample::select(vec![0u32, 64, 512, 2048]),
            0..60u32,
            (1..60u32, 0..60u32),
            prop::sample::select(vec![0.0, 0.0, 0.2, 0.5, 1.0]),
            prop::option::of(prop::sample::select(vec![32u32, 1024, 4096])),
        ),
    )
        .prop_map(
            |(
                (
                    indexed,
                    completions,
                    parallelism,
                    backoff_limit,
                    per_index,
                    pfp,
                    deadline,
                    suspend,
                ),
                (replacement_failed, on_failure, cpu_m, mem_mi, at_s, dur, failure, peak),
            )| {
                // What the API server refuses is not generated: backoffLimitPerIndex needs
                // Indexed and completions; podFailurePolicy needs restartPolicy Never (and
                // forces podReplacementPolicy Failed); Indexed needs completions.
                let completions = if indexed {
                    Some(completions.unwrap_or(3))
                } else {
                    completions
                };
                let per_index = per_index.filter(|_| indexed && !on_failure);
                let pod_failure_policy = pfp.filter(|_| !on_failure);
                JobGen {
                    indexed,
                    completions,
                    parallelism,
                    backoff_limit,
                    per_index,
                    pod_failure_policy,
                    deadline_s: deadline,
                    suspend,
                    replacement_failed: replacement_failed || pod_failure_policy.is_some(),
                    on_failure,
                    cpu_m,
                    mem_mi,
                    at_s,
                    duration_s: (dur.0, dur.0 + dur.1),
                    failure,
                    peak_mi: peak,
                }
            },
        )
}

fn action_gen() -> impl Strategy<Value = ActionGen> {
    (0..6u8, 0..4usize, 1..400u32, 0..6i32, 1..300u32).prop_map(|(k, j, at, n, len)| match k {
        0 => ActionGen::Suspend(j, at),
        1 => ActionGen::Resume(j, at),
        2 => ActionGen::Scale(j, at, n),
        3 => ActionGen::DeletePod(j, at),
        4 => ActionGen::Evict(j, at),
        _ => ActionGen::NodeDown(j, at, len),
    })
}

fn scenario_gen() -> impl Strategy<Value = ScenarioGen> {
    (
        any::<u64>(),
        prop::collection::vec((1..3u32, 1..5u32, 1..9u32, 2..8u32), 1..3),
        prop::collection::vec(job_gen(), 1..4),
        prop::collection::vec(action_gen(), 0..4),
        prop::option::weighted(0.3, (5..60u32, 1..10u32)),
    )
        .prop_map(|(seed, pools, jobs, actions, faults)| ScenarioGen {
            seed,
            pools,
            jobs,
            actions,
            faults,
        })
}

impl ScenarioGen {
    fn job_name(&self, j: usize) -> String {
        format!("job{}", j % self.jobs.len())
    }

    fn node_name(&self, j: usize) -> String {
        format!("pool{}-0", j % self.pools.len())
    }

    fn yaml(&self) -> String {
        let mut s = format!(
            "apiVersion: jobsim/v1\nkind: Scenario\nmetadata: {{name: prop}}\nspec:\n  seed: {}\n",
            self.seed
        );
        s.push_str("  cluster:\n    nodePools:\n");
        for (i, (count, cpu, mem, pods)) in self.pools.iter().enumerate() {
            s.push_str(&format!(
                "      - {{name: pool{i}, count: {count}, capacity: {{cpu: \"{cpu}\", memory: {mem}Gi, pods: {pods}}}}}\n"
            ));
        }
        if let Some((mtbf, repair)) = self.faults {
            s.push_str(&format!(
                "  faults:\n    nodes: {{mtbf: {mtbf}m, repair: {repair}m}}\n"
            ));
        }
        s.push_str("  workloads:\n");
        for (i, j) in self.jobs.iter().enumerate() {
            s.push_str(&format!(
                "    - at: {}s\n      object:\n        apiVersion: batch/v1\n        kind: Job\n        metadata: {{name: job{i}}}\n        spec:\n          parallelism: {}\n",
                j.at_s, j.parallelism
            ));
            let mut field = |k: &str, v: String| s.push_str(&format!("          {k}: {v}\n"));
            if let Some(c) = j.completions {
                field("completions", c.to_string());
            }
            if j.indexed {
                field("completionMode", "Indexed".into());
            }
            if let Some(b) = j.backoff_limit {
                field("backoffLimit", b.to_string());
            }
            if let Some(b) = j.per_index {
                field("backoffLimitPerIndex", b.to_string());
            }
            if let Some(d) = j.deadline_s {
                field("activeDeadlineSeconds", d.to_string());
            }
            if j.suspend {
                field("suspend", "true".into());
            }
            if j.replacement_failed {
                field("podReplacementPolicy", "Failed".into());
            }
            match j.pod_failure_policy {
                Some(0) => field(
                    "podFailurePolicy",
                    "{rules: [{action: FailJob, onExitCodes: {operator: In, values: [3]}}]}".into(),
                ),
                Some(1) => field(
                    "podFailurePolicy",
                    "{rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}, {action: Count, onExitCodes: {operator: NotIn, values: [0]}}]}".into(),
                ),
                Some(_) if j.per_index.is_some() => field(
                    "podFailurePolicy",
                    "{rules: [{action: FailIndex, onExitCodes: {operator: In, values: [1, 3]}}]}".into(),
                ),
                Some(_) => field(
                    "podFailurePolicy",
                    "{rules: [{action: Ignore, onExitCodes: {operator: In, values: [3]}}]}".into(),
                ),
                None => {}
            }
            let mut requests = Vec::new();
            if j.cpu_m > 0 {
                requests.push(format!("cpu: {}m", j.cpu_m));
            }
            if j.mem_mi > 0 {
                requests.push(format!("memory: {}Mi", j.mem_mi));
            }
            let limits = if j.mem_mi > 0 && j.peak_mi.is_some() {
                format!(", limits: {{memory: {}Mi}}", j.mem_mi * 2)
            } else {
                String::new()
            };
            s.push_str(&format!(
                "          template:\n            spec:\n              restartPolicy: {}\n              containers:\n                - {{name: main, image: busybox, resources: {{requests: {{{}}}{limits}}}}}\n",
                if j.on_failure { "OnFailure" } else { "Never" },
                requests.join(", ")
            ));
            s.push_str(&format!(
                "      behavior:\n        duration: {{uniform: [{}s, {}s]}}\n",
                j.duration_s.0, j.duration_s.1
            ));
            if j.failure > 0.0 {
                s.push_str(&format!(
                    "        failure: {{probability: {}, exitCode: {}}}\n",
                    j.failure,
                    1 + (j.at_s % 3)
                ));
            }
            if let Some(p) = j.peak_mi {
                s.push_str(&format!(
                    "        memory: {{peak: {p}Mi, growth: linear}}\n"
                ));
            }
        }
        if !self.actions.is_empty() {
            s.push_str("  actions:\n");
        }
        for a in &self.actions {
            let line = match a {
                ActionGen::Suspend(j, at) => {
                    format!("{{at: {at}s, suspend: job/{}}}", self.job_name(*j))
                }
                ActionGen::Resume(j, at) => {
                    format!("{{at: {at}s, resume: job/{}}}", self.job_name(*j))
                }
                ActionGen::Scale(j, at, n) => {
                    let job = &self.jobs[j % self.jobs.len()];
                    // Elastic Indexed Jobs change completions with parallelism.
                    if job.indexed && job.completions == Some(job.parallelism) {
                        format!(
                            "{{at: {at}s, scale: job/{}, parallelism: {n}, completions: {n}}}",
                            self.job_name(*j)
                        )
                    } else {
                        format!(
                            "{{at: {at}s, scale: job/{}, parallelism: {n}}}",
                            self.job_name(*j)
                        )
                    }
                }
                ActionGen::DeletePod(j, at) => {
                    format!("{{at: {at}s, delete: pod/{}}}", self.job_name(*j))
                }
                ActionGen::Evict(j, at) => {
                    format!("{{at: {at}s, evict: pod/{}}}", self.job_name(*j))
                }
                ActionGen::NodeDown(j, at, len) => {
                    format!(
                        "{{at: {at}s, nodeDown: {}, for: {len}s}}",
                        self.node_name(*j)
                    )
                }
            };
            s.push_str(&format!("    - {line}\n"));
        }
        s
    }

    /// The largest parallelism a Job has at any time (its own, or a scale action's).
    fn max_parallelism(&self, i: usize) -> i32 {
        let mut p = self.jobs[i].parallelism;
        for a in &self.actions {
            if let ActionGen::Scale(j, _, n) = a
                && j % self.jobs.len() == i
            {
                p = p.max(*n);
            }
        }
        p
    }

    /// Whether a scale action may shrink an elastic Indexed Job's completions.
    fn elastic(&self, i: usize) -> bool {
        let job = &self.jobs[i];
        job.indexed
            && job.completions == Some(job.parallelism)
            && self
                .actions
                .iter()
                .any(|a| matches!(a, ActionGen::Scale(j, ..) if j % self.jobs.len() == i))
    }
}

/// The simulated instants the history is sampled at, in ms; the last is the horizon.
const SAMPLES_MS: [u64; 4] = [45_000, 150_000, 400_000, 1_200_000];

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    // A fixed seed: CI runs the same cases every time; PROPTEST_SEED picks others.
    let seed = std::env::var("PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203);
    ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn jobs_of(objects: &serde_json::Value) -> BTreeMap<String, JobObject> {
    let mut out = BTreeMap::new();
    for item in objects["items"].as_array().into_iter().flatten() {
        if let Ok(Object::Job(job)) = serde_json::from_value::<Object>(item.clone()) {
            out.insert(job.metadata.name.clone(), job);
        }
    }
    out
}

fn indexes(list: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in list.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => out.extend(a.parse::<u32>().unwrap()..=b.parse::<u32>().unwrap()),
            None => out.push(part.parse().unwrap()),
        }
    }
    out
}

fn ts(text: &str) -> jiff::Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a time: {e}"))
}

/// The Job status invariants of job-semantics §15.1, on one Job as objects.json shows it.
fn check_status(g: &ScenarioGen, name: &str, job: &JobObject) -> Result<(), TestCaseError> {
    let st = &job.status;
    let cond = |t: &str| {
        st.conditions
            .iter()
            .any(|c| c.condition_type == t && c.status == "True")
    };
    let present = |t: &str| st.conditions.iter().any(|c| c.condition_type == t);
    let i: usize = name.trim_start_matches("job").parse().unwrap();
    let spec = &g.jobs[i];
    let (complete, failed) = (cond("Complete"), cond("Failed"));
    if complete || failed {
        prop_assert_eq!(
            st.active.unwrap_or(0),
            0,
            "{} finished with active pods",
            name
        );
        prop_assert_eq!(
            st.terminating.unwrap_or(0),
            0,
            "{} finished with terminating pods",
            name
        );
        if let Some(u) = &st.uncounted_terminated_pods {
            prop_assert!(
                u.succeeded.is_empty() && u.failed.is_empty(),
                "{} finished with uncounted pods",
                name
            );
        }
        // The one exception: completions 0 (perhaps scaled to it), finished while
        // suspended (it may have been resumed since).
        let ever_suspended = spec.suspend
            || g.actions
                .iter()
                .any(|a| matches!(a, ActionGen::Suspend(j, _) if j % g.jobs.len() == i));
        let exception = job.spec["completions"] == 0 && ever_suspended;
        prop_assert!(
            st.start_time.is_some() || exception,
            "{} finished without startTime",
            name
        );
    }
    prop_assert_eq!(
        st.completion_time.is_some(),
        complete,
        "{}: completionTime exactly when Complete",
        name
    );
    if let (Some(c), Some(s)) = (&st.completion_time, &st.start_time) {
        prop_assert!(
            ts(c) >= ts(s),
            "{}: completionTime {} before startTime {}",
            name,
            c,
            s
        );
    }
    prop_assert!(
        !(present("Complete") && present("Failed")),
        "{}: Complete and Failed",
        name
    );
    prop_assert!(
        !failed || present("FailureTarget"),
        "{}: Failed without FailureTarget",
        name
    );
    prop_assert!(
        !complete || present("SuccessCriteriaMet"),
        "{}: Complete without SuccessCriteriaMet",
        name
    );
    prop_assert!(
        !(present("SuccessCriteriaMet") && (present("FailureTarget") || present("Failed"))),
        "{}: SuccessCriteriaMet with FailureTarget or Failed",
        name
    );
    prop_assert!(
        st.ready.unwrap_or(0) <= st.active.unwrap_or(0),
        "{}: ready > active",
        name
    );
    if !spec.indexed {
        prop_assert!(
            st.completed_indexes.as_deref().unwrap_or("").is_empty(),
            "{}: completedIndexes on a NonIndexed Job",
            name
        );
    }
    if let Some(f) = &st.failed_indexes {
        prop_assert!(
            spec.per_index.is_some(),
            "{}: failedIndexes without backoffLimitPerIndex",
            name
        );
        let done = indexes(st.completed_indexes.as_deref().unwrap_or(""));
        for x in indexes(f) {
            prop_assert!(
                !done.contains(&x),
                "{}: index {} both completed and failed",
                name,
                x
            );
        }
    }
    Ok(())
}

fn check(g: &ScenarioGen) -> Result<(), TestCaseError> {
    let yaml = g.yaml();
    let horizon = *SAMPLES_MS.last().unwrap();
    let runs: Vec<_> = SAMPLES_MS.iter().map(|&h| run_until(&yaml, h)).collect();
    let last = runs.last().unwrap();

    // Determinism: the same scenario and seed give identical rows.
    let again = run_until(&yaml, horizon);
    prop_assert!(again.sink == last.sink, "two runs of one seed differ");
    prop_assert_eq!(&again.result.objects, &last.result.objects);

    let end = last.result.end;
    prop_assert!(end <= horizon);
    let pods = last.pods();
    let events = last.events();

    // Time never goes back.
    for w in events.windows(2) {
        prop_assert!(
            w[0].time <= w[1].time,
            "events out of order: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    prop_assert!(events.last().is_none_or(|e| e.time <= end));
    for p in &pods {
        let mut t = p.created;
        for next in [p.scheduled, p.started, p.finished].into_iter().flatten() {
            prop_assert!(t <= next, "pod {} times out of order: {:?}", p.pod, p);
            t = next;
        }
        prop_assert!(t <= end, "pod {} has a time after the end {}", p.pod, end);
        prop_assert!(
            p.started.is_none() || p.scheduled.is_some(),
            "pod {} started unscheduled",
            p.pod
        );
        // Every pod ends terminal, or still pending or running at the horizon.
        let terminal = matches!(p.phase.as_str(), "Succeeded" | "Failed");
        prop_assert!(
            matches!(
                p.phase.as_str(),
                "Pending" | "Running" | "Succeeded" | "Failed"
            ),
            "pod {} in phase {}",
            p.pod,
            p.phase
        );
        prop_assert_eq!(
            terminal,
            p.finished.is_some(),
            "pod {}: phase {} and finished {:?}",
            &p.pod,
            &p.phase,
            p.finished
        );
        // A run that ended by itself has nothing left to do: no pod still runs (one that
        // fits nowhere may stay Pending for ever).
        if !last.result.horizon_reached {
            prop_assert!(
                p.phase != "Running",
                "the run ended by itself with pod {} Running",
                p.pod
            );
        }
    }
    for j in &last.sink.jobs {
        let mut t = j.created;
        for next in [j.started, j.finished].into_iter().flatten() {
            prop_assert!(t <= next, "job {} times out of order: {:?}", j.job, j);
            t = next;
        }
    }

    // No node above its allocatable at any time: each pod holds its requests on its node
    // from binding until it is terminal (or the end).
    let requests: BTreeMap<String, (i64, i64)> = g
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| {
            (
                format!("job{i}"),
                (j.cpu_m as i64, j.mem_mi as i64 * 1024 * 1024),
            )
        })
        .collect();
    for node in &last.result.nodes {
        let mut changes: Vec<(u64, i32, i64, i64)> = Vec::new();
        for p in pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(&node.name))
        {
            let (cpu, mem) = requests[&p.job];
            let from = p.scheduled.expect("bound pods have a scheduled time");
            changes.push((from, 1, cpu, mem));
            if let Some(to) = p.finished {
                changes.push((to, -1, -cpu, -mem));
            }
        }
        // Releases before bindings at one instant.
        changes.sort_by_key(|c| (c.0, c.1));
        let (mut n, mut cpu, mut mem) = (0i32, 0i64, 0i64);
        for (t, dn, dc, dm) in changes {
            n += dn;
            cpu += dc;
            mem += dm;
            prop_assert!(
                i64::from(n) <= node.pods && cpu <= node.alloc.cpu_m && mem <= node.alloc.memory,
                "node {} over its allocatable at {} ms: {} pods, {} m CPU, {} bytes (allocatable {} pods, {:?})",
                node.name,
                t,
                n,
                cpu,
                mem,
                node.pods,
                node.alloc
            );
        }
    }

    // Pods not yet terminal ≤ parallelism (the largest a scale action set), from the pod
    // records at every instant — under podReplacementPolicy Failed only: a pod is replaced
    // only once it is terminal. Under TerminatingOrFailed (the default without a
    // podFailurePolicy) a terminating pod is replaced at once, so old and new pods coexist
    // and this count may exceed parallelism (job-semantics §14); what stays within
    // parallelism there is `status.active`, which counts pods neither terminal nor
    // terminating — checked for every policy at each sample below.
    for (i, spec) in g.jobs.iter().enumerate() {
        if !spec.replacement_failed {
            continue;
        }
        let name = format!("job{i}");
        let mut changes: Vec<(u64, i32)> = Vec::new();
        for p in pods.iter().filter(|p| p.job == name) {
            changes.push((p.created, 1));
            if let Some(f) = p.finished {
                changes.push((f, -1));
            }
        }
        changes.sort_by_key(|c| (c.0, c.1));
        let mut live = 0;
        for (t, d) in changes {
            live += d;
            prop_assert!(
                live <= g.max_parallelism(i),
                "{} has {} pods not yet terminal at {} ms, parallelism at most {}",
                name,
                live,
                t,
                g.max_parallelism(i)
            );
        }
    }

    // The history, sampled: counters never decrease (except an elastic Indexed Job scaled
    // down), terminal conditions stay and completionTime never changes; §15.1 holds at
    // every sample.
    let mut before: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    let mut finished_before: BTreeMap<String, (Vec<String>, Option<String>)> = BTreeMap::new();
    for run in &runs {
        let objects = jobs_of(&run.objects);
        for (name, job) in &objects {
            check_status(g, name, job)?;
            // active ≤ parallelism under every replacement policy; under Failed the
            // controller also counts terminating pods against parallelism (§5 "too few":
            // diff = wantActive − active − terminating), so active + terminating ≤ it too.
            let i: usize = name.trim_start_matches("job").parse().unwrap();
            let (active, terminating) = (
                job.status.active.unwrap_or(0),
                job.status.terminating.unwrap_or(0),
            );
            prop_assert!(
                active <= g.max_parallelism(i),
                "{}: active {} above parallelism {} at {} ms",
                name,
                active,
                g.max_parallelism(i),
                run.result.end
            );
            if g.jobs[i].replacement_failed {
                prop_assert!(
                    active + terminating <= g.max_parallelism(i),
                    "{}: active {} + terminating {} above parallelism {} under podReplacementPolicy Failed",
                    name,
                    active,
                    terminating,
                    g.max_parallelism(i)
                );
            }
            if let Some((terminal, time)) = finished_before.get(name) {
                for t in terminal {
                    prop_assert!(
                        job.status
                            .conditions
                            .iter()
                            .any(|c| &c.condition_type == t && c.status == "True"),
                        "{}: terminal condition {} removed",
                        name,
                        t
                    );
                }
                prop_assert_eq!(
                    &job.status.completion_time,
                    time,
                    "{}: completionTime changed",
                    name
                );
            }
            let terminal: Vec<String> = job
                .status
                .conditions
                .iter()
                .filter(|c| {
                    c.status == "True"
                        && (c.condition_type == "Complete" || c.condition_type == "Failed")
                })
                .map(|c| c.condition_type.clone())
                .collect();
            if !terminal.is_empty() {
                finished_before
                    .insert(name.clone(), (terminal, job.status.completion_time.clone()));
            }
        }
        for row in &run.sink.jobs {
            let i: usize = row.job.trim_start_matches("job").parse().unwrap();
            if let Some(&(s, f)) = before.get(&row.job) {
                if !g.elastic(i) {
                    prop_assert!(
                        row.succeeded >= s,
                        "{}: succeeded fell from {} to {}",
                        row.job,
                        s,
                        row.succeeded
                    );
                }
                prop_assert!(
                    row.failed >= f,
                    "{}: failed fell from {} to {}",
                    row.job,
                    f,
                    row.failed
                );
            }
            before.insert(row.job.clone(), (row.succeeded, row.failed));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn random_scenarios_keep_the_simulator_invariants(g in scenario_gen()) {
        check(&g)?;
    }
}
