//! The short summary `jobsim run` prints: one line per Job with its outcome, reason,
//! counters, start → finish and makespan, then one line per CronJob with what became of its
//! schedule times (Jobs created, succeeded, failed, skipped under Forbid, missed), and for a
//! priced scenario a line with its cost, node-hours and idle share.

use crate::record::result::RunResult;
use crate::time::{format_duration, seconds_str};

/// The summary as text: a header line, one line per standalone Job, one per CronJob.
pub fn summary(r: &RunResult) -> String {
    let mut out = format!(
        "scenario {} · seed {} · Kubernetes {} model · ended at {}s{}\n",
        r.scenario,
        r.seed,
        crate::version::KUBERNETES_VERSION,
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
    let width = r.cronjobs.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &r.cronjobs {
        let zone = c.time_zone.as_deref().unwrap_or("UTC");
        let mut line = format!(
            "  cronjob {:width$}  {:<16} {zone:<16} created {:>3}  succeeded {:>3}  failed {:>3}  skipped {:>3}  missed {:>3}",
            c.name,
            format!("\"{}\"", c.schedule),
            c.counts.jobs_created,
            c.counts.succeeded,
            c.counts.failed,
            c.counts.skipped,
            c.counts.missed + c.counts.missed_deadline,
        );
        if c.counts.missed_deadline > 0 {
            line.push_str(&format!(
                " ({} past the deadline)",
                c.counts.missed_deadline
            ));
        }
        if c.counts.replaced > 0 {
            line.push_str(&format!("  replaced {}", c.counts.replaced));
        }
        if c.suspend {
            line.push_str("  suspended");
        }
        out.push_str(&line);
        out.push('\n');
    }
    // Only a priced scenario gets the cost line (the summary of an unpriced run is unchanged).
    if let Some(cost) = r.metrics.cost {
        out.push_str(&format!(
            "  cost {cost:.2} {} · {:.2} node-hours · idle {:.1}%\n",
            r.currency.as_deref().unwrap_or(""),
            r.metrics.node_hours,
            r.metrics.idle_share.unwrap_or(0.0) * 100.0
        ));
    }
    out
}
