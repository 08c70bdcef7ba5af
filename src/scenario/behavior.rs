//! How a workload's containers behave: how long they run and how they exit. The simulator
//! cannot run the image, so the scenario says it (or the command's `sleep N` does).

use serde::Deserialize;

use super::distribution::{Distribution, DistributionSpec};

/// Without a duration model and without a trailing `sleep N`, a container runs this long.
/// An arbitrary but documented choice: long enough to see on a timeline.
pub const DEFAULT_CONTAINER_DURATION_MS: u64 = 10_000;

/// The behaviour of the containers of one workload's pods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behavior {
    /// Run time of each container run; `None` means `sleep N` from the command, else default.
    pub duration: Option<Distribution>,
    /// A random failure applied to each run that no scripted outcome matches.
    pub failure: Option<RandomFailure>,
    /// Scripted outcomes, first match wins.
    pub outcomes: Vec<Outcome>,
    /// The container this behaviour applies to; `None` means every container.
    pub container: Option<String>,
    /// Peak memory use of each run, and how it is reached.
    pub memory: Option<MemoryModel>,
    /// How long a container takes to exit after SIGTERM (default: at once). Beyond the
    /// pod's `terminationGracePeriodSeconds` the kubelet kills it (exit 137).
    pub shutdown: Option<Distribution>,
}

/// Memory use of a container run: a peak in bytes and how usage grows to it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryModel {
    pub peak: Distribution,
    pub growth: MemoryGrowth,
}

/// `instant`: the peak is reached as the container starts; `linear`: usage grows evenly
/// from zero to the peak over the run, so a limit below the peak is crossed part-way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MemoryGrowth {
    Instant,
    Linear,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RandomFailure {
    pub probability: f64,
    pub exit_code: i32,
}

/// A scripted result for the runs it matches. Absent selectors match everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub index: Option<i64>,
    pub attempt: Option<u32>,
    pub run: Option<u32>,
    pub exit_code: i32,
    pub after: Option<Distribution>,
}

impl Outcome {
    pub fn matches(&self, index: Option<i64>, attempt: u32, run: u32) -> bool {
        self.index.is_none_or(|i| Some(i) == index)
            && self.attempt.is_none_or(|a| a == attempt)
            && self.run.is_none_or(|r| r == run)
    }
}

/// The YAML form of [`Behavior`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BehaviorSpec {
    #[serde(default)]
    pub duration: Option<DistributionSpec>,
    #[serde(default)]
    pub failure: Option<FailureSpec>,
    #[serde(default)]
    pub outcomes: Vec<OutcomeSpec>,
    #[serde(default)]
    pub container: Option<String>,
    #[serde(default)]
    pub memory: Option<MemorySpec>,
    #[serde(default)]
    pub shutdown: Option<DistributionSpec>,
}

/// `memory: 300Mi`, `memory: {uniform: [200Mi, 600Mi]}`, or
/// `memory: {peak: <quantity or distribution>, growth: linear}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum MemorySpec {
    WithGrowth {
        peak: DistributionSpec,
        #[serde(default = "default_growth")]
        growth: MemoryGrowth,
    },
    Peak(DistributionSpec),
}

fn default_growth() -> MemoryGrowth {
    MemoryGrowth::Instant
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailureSpec {
    pub probability: f64,
    #[serde(default = "default_exit_code")]
    pub exit_code: i32,
}

fn default_exit_code() -> i32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeSpec {
    #[serde(default)]
    pub index: Option<i64>,
    #[serde(default)]
    pub attempt: Option<u32>,
    #[serde(default)]
    pub run: Option<u32>,
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default)]
    pub after: Option<DistributionSpec>,
}

impl BehaviorSpec {
    /// Checks and converts; `field` is the path of this behaviour in the scenario.
    pub fn resolve(&self, field: &str) -> Result<Behavior, String> {
        let duration = self
            .duration
            .as_ref()
            .map(|d| d.resolve(&format!("{field}.duration")))
            .transpose()?;
        let failure = match &self.failure {
            None => None,
            Some(f) => {
                if !(0.0..=1.0).contains(&f.probability) {
                    return Err(format!(
                        "{field}.failure.probability: must be between 0 and 1, got {}",
                        f.probability
                    ));
                }
                check_exit_code(&format!("{field}.failure.exitCode"), f.exit_code)?;
                if f.exit_code == 0 {
                    return Err(format!(
                        "{field}.failure.exitCode: a failure needs a non-zero exit code"
                    ));
                }
                Some(RandomFailure {
                    probability: f.probability,
                    exit_code: f.exit_code,
                })
            }
        };
        let mut outcomes = Vec::with_capacity(self.outcomes.len());
        for (i, o) in self.outcomes.iter().enumerate() {
            let path = format!("{field}.outcomes[{i}]");
            check_exit_code(&format!("{path}.exitCode"), o.exit_code)?;
            if o.attempt == Some(0) || o.run == Some(0) {
                return Err(format!("{path}: attempt and run count from 1"));
            }
            outcomes.push(Outcome {
                index: o.index,
                attempt: o.attempt,
                run: o.run,
                exit_code: o.exit_code,
                after: o
                    .after
                    .as_ref()
                    .map(|a| a.resolve(&format!("{path}.after")))
                    .transpose()?,
            });
        }
        let memory = match &self.memory {
            None => None,
            Some(MemorySpec::Peak(peak)) => Some(MemoryModel {
                peak: peak.resolve_quantity(&format!("{field}.memory"))?,
                growth: MemoryGrowth::Instant,
            }),
            Some(MemorySpec::WithGrowth { peak, growth }) => Some(MemoryModel {
                peak: peak.resolve_quantity(&format!("{field}.memory.peak"))?,
                growth: *growth,
            }),
        };
        let shutdown = self
            .shutdown
            .as_ref()
            .map(|d| d.resolve(&format!("{field}.shutdown")))
            .transpose()?;
        Ok(Behavior {
            duration,
            failure,
            outcomes,
            container: self.container.clone(),
            memory,
            shutdown,
        })
    }
}

fn check_exit_code(field: &str, code: i32) -> Result<(), String> {
    if (0..=255).contains(&code) {
        Ok(())
    } else {
        Err(format!("{field}: exit codes are 0 to 255, got {code}"))
    }
}

/// The `N` of a command line ending in `sleep N` (seconds, possibly fractional or with an
/// `s`/`m`/`h` suffix as GNU sleep accepts), searching `command` then `args`.
pub fn sleep_seconds_ms(command: &[String], args: &[String]) -> Option<u64> {
    // The last two words, read from the end (this runs for every container started).
    let mut words = command
        .iter()
        .chain(args.iter())
        .rev()
        .flat_map(|part| part.split_whitespace().rev());
    let (last, before) = (words.next()?, words.next()?);
    if !before.ends_with("sleep") {
        return None;
    }
    let arg = last.trim_end_matches([';', '"', '\'']);
    let (num, mult) = match arg.char_indices().last()? {
        (i, 's') => (&arg[..i], 1_000.0),
        (i, 'm') => (&arg[..i], 60_000.0),
        (i, 'h') => (&arg[..i], 3_600_000.0),
        (i, 'd') => (&arg[..i], 86_400_000.0),
        _ => (arg, 1_000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult).round() as u64)
}

/// The hint a run gives once when a container's command is not one jobsim understands (no
/// trailing `sleep N`) and no `behavior.duration` says how long it runs: which default
/// applied, and how to script a failure. `containers` are `(workload, container, command
/// line, behaviour)` in scenario order; `None` when every command is understood.
pub fn command_hint<'a>(
    containers: impl IntoIterator<Item = (String, &'a str, Vec<String>, &'a Behavior)>,
) -> Option<String> {
    let mut first: Option<(String, String, String)> = None;
    let mut others = 0usize;
    for (workload, container, words, behavior) in containers {
        let applies = behavior
            .container
            .as_deref()
            .is_none_or(|name| name == container);
        // A modelled duration, or scripted outcomes or failures: the run does what the
        // scenario says, nothing silent to point out.
        if applies
            && (behavior.duration.is_some()
                || !behavior.outcomes.is_empty()
                || behavior.failure.is_some())
        {
            continue;
        }
        if sleep_seconds_ms(&words, &[]).is_some() {
            continue;
        }
        if first.is_some() {
            others += 1;
            continue;
        }
        let command = if words.is_empty() {
            "no command (the image's entrypoint)".to_string()
        } else {
            format!("command {:?}", crate::excerpt::excerpt(&words.join(" ")))
        };
        first = Some((workload, container.to_string(), command));
    }
    let (workload, container, command) = first?;
    let seconds = DEFAULT_CONTAINER_DURATION_MS / 1_000;
    let exit = "it exits 0";
    let more = match others {
        0 => String::new(),
        1 => " (and 1 more container)".to_string(),
        n => format!(" (and {n} more containers)"),
    };
    Some(format!(
        "{workload} container {container:?}{more}: jobsim cannot run {command}: it understands \
         only a trailing `sleep N`, so the default applies — the container runs {seconds}s and \
         {exit}. To say how long it runs, set the workload's `behavior.duration`; to make it \
         fail, script it in a scenario: `behavior: {{outcomes: [{{exitCode: 1, after: 3s}}]}}` \
         (or `behavior.failure: {{probability: 0.5}}`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn trailing_sleep_in_a_shell_command_gives_the_duration() {
        let cmd = s(&["sh", "-c", "echo 'Processing item' && sleep 5"]);
        assert_eq!(sleep_seconds_ms(&cmd, &[]), Some(5_000));
        assert_eq!(sleep_seconds_ms(&s(&["sleep", "2.5"]), &[]), Some(2_500));
        assert_eq!(sleep_seconds_ms(&s(&["sleep"]), &s(&["1m"])), Some(60_000));
        assert_eq!(sleep_seconds_ms(&s(&["/bin/sleep", "3"]), &[]), Some(3_000));
    }

    #[test]
    fn a_command_that_is_not_a_trailing_sleep_gets_one_hint_naming_the_default_and_outcomes() {
        let plain = Behavior::default();
        let hint = command_hint([
            (
                "job/fail".to_string(),
                "main",
                s(&["sh", "-c", "sleep 3; exit 1"]),
                &plain,
            ),
            (
                "job/other".to_string(),
                "main",
                s(&["perl", "-e", "1"]),
                &plain,
            ),
        ])
        .unwrap();
        assert!(
            hint.starts_with("job/fail container \"main\" (and 1 more container)"),
            "{hint}"
        );
        assert!(hint.contains("runs 10s and it exits 0"), "{hint}");
        assert!(
            hint.contains("behavior: {outcomes: [{exitCode: 1, after: 3s}]}"),
            "{hint}"
        );
    }

    #[test]
    fn understood_commands_and_modelled_durations_give_no_hint() {
        let plain = Behavior::default();
        let timed = Behavior {
            duration: Some(Distribution::Fixed(5_000)),
            ..Behavior::default()
        };
        assert_eq!(
            command_hint([
                (
                    "job/a".to_string(),
                    "main",
                    s(&["sh", "-c", "echo hi && sleep 5"]),
                    &plain
                ),
                ("job/b".to_string(), "main", s(&["perl", "-e", "1"]), &timed),
            ]),
            None
        );
    }

    #[test]
    fn commands_not_ending_in_sleep_have_no_duration() {
        assert_eq!(
            sleep_seconds_ms(&s(&["sh", "-c", "sleep 5 && echo hi"]), &[]),
            None
        );
        assert_eq!(sleep_seconds_ms(&s(&["perl", "-e", "print 1"]), &[]), None);
        assert_eq!(sleep_seconds_ms(&[], &[]), None);
    }

    #[test]
    fn outcome_without_selectors_matches_every_run() {
        let o = Outcome {
            index: None,
            attempt: None,
            run: None,
            exit_code: 1,
            after: None,
        };
        assert!(o.matches(Some(3), 2, 1));
        let o2 = Outcome {
            index: Some(1),
            attempt: Some(1),
            ..o
        };
        assert!(o2.matches(Some(1), 1, 4));
        assert!(!o2.matches(Some(1), 2, 1));
        assert!(!o2.matches(None, 1, 1));
    }
}
