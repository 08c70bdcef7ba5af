//! Builders of scenario text for the tests of the complete Job controller: a Job is given
//! as a flow mapping on one line (`{completions: 2, template: …}`), so a test reads as the
//! manifest it runs. Builders only write YAML; they decide no behaviour.

#![allow(dead_code)]

/// The pod template most tests use: one container `main`, `restartPolicy: Never`.
pub const NEVER: &str =
    "template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}";

/// The same with `restartPolicy: OnFailure`.
pub const ON_FAILURE: &str =
    "template: {spec: {restartPolicy: OnFailure, containers: [{name: main, image: busybox}]}}";

/// One workload: a Job called `name` with the given `spec` body (the inside of the flow
/// mapping, without braces) and a `behavior` flow mapping (empty for none).
pub struct Wl<'a> {
    pub name: &'a str,
    pub spec: &'a str,
    pub behavior: &'a str,
}

/// A scenario on the default cluster (3 nodes `worker-0..2`, 4 CPU, 16Gi each; scheduling
/// 20 ms, start-up 1 s) with the given workloads and `actions` (a flow sequence or "").
pub fn scenario(workloads: &[Wl<'_>], actions: &str) -> String {
    scenario_on("", workloads, actions)
}

/// As [`scenario`], with `extra` lines put into `spec:` (e.g. `cluster:` or `faults:`),
/// each already indented by two spaces.
pub fn scenario_on(extra: &str, workloads: &[Wl<'_>], actions: &str) -> String {
    let mut s = String::from("apiVersion: jobsim/v1\nkind: Scenario\nspec:\n");
    s.push_str(extra);
    if !extra.is_empty() && !extra.ends_with('\n') {
        s.push('\n');
    }
    s.push_str("  workloads:\n");
    for w in workloads {
        s.push_str(&format!(
            "    - object: {{apiVersion: batch/v1, kind: Job, metadata: {{name: {}}}, spec: {{{}}}}}\n",
            w.name, w.spec
        ));
        if !w.behavior.is_empty() {
            s.push_str(&format!("      behavior: {}\n", w.behavior));
        }
    }
    if !actions.is_empty() {
        s.push_str(&format!("  actions: {actions}\n"));
    }
    s
}

/// A scenario with a single Job.
pub fn one_job(name: &str, spec: &str, behavior: &str, actions: &str) -> String {
    scenario(
        &[Wl {
            name,
            spec,
            behavior,
        }],
        actions,
    )
}
