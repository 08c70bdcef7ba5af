//! `spec.podFailurePolicy` (reference job-semantics §11, `pod_failure_policy.go`): the
//! first rule that matches a Failed pod decides what its failure means.

use crate::api::job::{ExitCodeOperator, PodFailurePolicy, PodFailurePolicyAction};
use crate::world::{ContainerPhase, Pod};

/// What a matched rule decided, with the `FailJob` message when that is the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub rule: usize,
    pub action: PodFailurePolicyAction,
    pub message: String,
}

/// The container names of a pod in status order: app containers, then init containers,
/// as the controller examines `containerStatuses` before `initContainerStatuses`.
pub struct ContainerNames<'a> {
    pub init: &'a [String],
    pub app: &'a [String],
}

/// Matches a Failed pod against the rules, in order. `None` means default counting.
pub fn match_pod(
    policy: &PodFailurePolicy,
    pod: &Pod,
    names: &ContainerNames<'_>,
    namespace: &str,
) -> Option<Match> {
    let init_count = pod.init_count as usize;
    // (name, exit code) of every terminated container with a non-zero code: app first.
    let exits: Vec<(&str, i32)> = pod.containers[init_count..]
        .iter()
        .zip(names.app)
        .chain(pod.containers[..init_count].iter().zip(names.init))
        .filter(|(s, _)| s.phase == ContainerPhase::Terminated)
        .filter_map(|(s, n)| s.exit_code.filter(|&c| c != 0).map(|c| (n.as_str(), c)))
        .collect();
    for (i, rule) in policy.rules.iter().enumerate() {
        if let Some(req) = &rule.on_exit_codes {
            let matched = exits.iter().find(|(name, code)| {
                req.container_name.as_deref().is_none_or(|c| c == *name)
                    && match req.operator {
                        ExitCodeOperator::In => req.values.contains(code),
                        ExitCodeOperator::NotIn => !req.values.contains(code),
                    }
            });
            if let Some((name, code)) = matched {
                return Some(Match {
                    rule: i,
                    action: rule.action,
                    message: format!(
                        "Container {name} for pod {namespace}/{} failed with exit code {code} matching FailJob rule at index {i}",
                        pod.name
                    ),
                });
            }
        }
        for pattern in &rule.on_pod_conditions {
            let want = pattern.status.as_deref().unwrap_or("True");
            if pod.condition_status(&pattern.condition_type) == Some(want) {
                return Some(Match {
                    rule: i,
                    action: rule.action,
                    message: format!(
                        "Pod {namespace}/{} has condition {} matching FailJob rule at index {i}",
                        pod.name, pattern.condition_type
                    ),
                });
            }
        }
    }
    None
}
