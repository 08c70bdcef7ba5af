//! The short summary `jobsim run` prints: one line per Job with its outcome, reason,
//! counters, start → finish and makespan.

use crate::record::result::RunResult;
use crate::time::{format_duration, seconds_str};

/// The summary as text, one line per Job after a header line.
pub fn summary(r: &RunResult) -> String {
    let mut out = format!(
        "scenario {} · seed {} · Kubernetes {} model · ended at {}s{}\n",
        r.scenario,
        r.seed,
        crate::KUBERNETES_VERSION,
        seconds_str(r.end),
        if r.horizon_reached {
            " (horizon reached)"
        } else {
            ""
        }
    );
    let width = r.jobs.iter().map(|j| j.name.len()).max().unwrap_or(0);
    for j in &r.jobs {
        let outcome = if j.reason.is_empty() {
            j.outcome.to_string()
        } else {
            format!("{} ({})", j.outcome, j.reason)
        };
        let span = match (j.started, j.finished) {
            (Some(s), Some(f)) => format!("{}s → {}s", seconds_str(s), seconds_str(f)),
            (Some(s), None) => format!("{}s → …", seconds_str(s)),
            _ => "not started".to_string(),
        };
        let makespan = j
            .makespan()
            .map(|m| format!("  makespan {}", format_duration(m)))
            .unwrap_or_default();
        let mut indexes = match &j.completed_indexes {
            Some(ix) => format!("  completedIndexes {ix:?}"),
            None => String::new(),
        };
        if let Some(failed) = &j.failed_indexes {
            indexes.push_str(&format!("  failedIndexes {failed:?}"));
        }
        out.push_str(&format!(
            "  job {:width$}  {outcome:<34} succeeded {:>3}  failed {:>3}  {span}{makespan}{indexes}\n",
            j.name, j.succeeded, j.failed,
        ));
    }
    out
}
