//! What a sweep keeps of one run: the figures of its `sweep.csv` row, taken from the run's
//! [`RunResult`] by [`extract`] — the one place that decides them — and the few figures the
//! result does not carry, gathered by a small sink ([`WaitSink`]) instead of per-pod rows.
//!
//! Every figure is kept as the text its column holds (seconds with millisecond precision,
//! shares with six decimals), so that a row read back from a file is the row that was
//! written: the aggregates of a merged or resumed sweep are computed from exactly the values
//! an uninterrupted one computes them from.

use crate::record::result::RunResult;
use crate::record::{EventRecord, JobRecord, PodRecord, Sink, SinkError};
use crate::time::SimTime;

/// The numeric columns of `sweep.csv`, in order; each is aggregated per variant in
/// `aggregate.csv`, and any can be the `--metric` of the charts.
pub const METRICS: [Metric; 8] = [
    Metric {
        name: "makespan",
        decimals: 3,
        help: "seconds from the first Job's creation until every Job finished, Complete or Failed (empty when one never finished)",
        higher_is_better: false,
    },
    Metric {
        name: "pods_created",
        decimals: 0,
        help: "pods created",
        higher_is_better: false,
    },
    Metric {
        name: "pods_failed",
        decimals: 0,
        help: "pods that failed",
        higher_is_better: false,
    },
    Metric {
        name: "wait_p50",
        decimals: 3,
        help: "median seconds from a pod's creation to its start",
        higher_is_better: false,
    },
    Metric {
        name: "wait_p95",
        decimals: 3,
        help: "95th percentile of the same",
        higher_is_better: false,
    },
    Metric {
        name: "cpu_utilisation",
        decimals: 6,
        help: "requested CPU-seconds of running pods over allocatable CPU-seconds",
        higher_is_better: true,
    },
    Metric {
        name: "node_hours",
        decimals: 6,
        help: "node-hours of the cluster: each node from the start until the end or its deletion (down or NotReady nodes count)",
        higher_is_better: false,
    },
    Metric {
        name: "cost",
        decimals: 4,
        help: "what the nodes cost (empty without node prices)",
        higher_is_better: false,
    },
];

/// One numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// The column's name (and `--metric`'s value).
    pub name: &'static str,
    /// Decimals written.
    pub decimals: usize,
    /// What it measures, for `--help` and the README.
    pub help: &'static str,
    /// Whether more is better (utilisation); else less is (time, pods, cost).
    pub higher_is_better: bool,
}

/// The index of the metric called `name` in [`METRICS`].
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}

/// The figures of one run, as the cells of its row (after the run, variant and seed cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFigures {
    /// `true` when every Job completed (Complete; a CronJob's Jobs none Failed).
    pub all_complete: bool,
    /// One cell per [`METRICS`] entry; empty when the run has no such figure.
    pub metrics: Vec<String>,
    /// For each Job of `jobs` asked about: its outcome and finish time (seconds), empty
    /// when the run has no Job of that name.
    pub jobs: Vec<(String, String)>,
}

/// Gathers what the result does not hold: every pod's wait, for percentiles other than the
/// result's. Keeps one number per started pod (no rows).
#[derive(Debug, Default, Clone)]
pub struct WaitSink {
    waits: Vec<SimTime>,
}

impl Sink for WaitSink {
    fn event(&mut self, _: &EventRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    fn pod(&mut self, record: &PodRecord<'_>) -> Result<(), SinkError> {
        if let Some(started) = record.started {
            self.waits.push(started.saturating_sub(record.created));
        }
        Ok(())
    }
    fn job(&mut self, _: &JobRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
}

impl WaitSink {
    /// The `p`-th percentile of the waits (the same rank rule as `summary.json`'s: the
    /// value at index ⌊(n − 1)·p/100⌋ of the sorted waits), `None` without a started pod.
    pub fn percentile(&mut self, p: usize) -> Option<SimTime> {
        if self.waits.is_empty() {
            return None;
        }
        let i = (self.waits.len() - 1) * p / 100;
        Some(*self.waits.select_nth_unstable(i).1)
    }
}

/// A figure as its column writes it.
pub fn cell(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => String::new(),
    }
}

fn seconds(ms: Option<SimTime>) -> Option<f64> {
    ms.map(|t| t as f64 / 1000.0)
}

/// The figures of a run: the one function that decides what a `sweep.csv` row holds.
/// `jobs` names the Jobs whose outcome and finish time get columns.
pub fn extract(result: &RunResult, waits: &mut WaitSink, jobs: &[String]) -> RunFigures {
    let m = &result.metrics;
    // The run's own verdict and figures (`summary.json`'s `allComplete`, `nodeHours`,
    // `cost`): node-hours follow each node until it is deleted; cost needs node prices.
    let all_complete = m.all_complete;
    let node_hours = m.node_hours;
    let cost = m.cost;
    let values: [Option<f64>; 8] = [
        seconds(m.makespan),
        Some(m.pods_created as f64),
        Some(m.pods_failed as f64),
        seconds(waits.percentile(50)),
        seconds(waits.percentile(95)),
        Some(m.cpu_utilisation),
        Some(node_hours),
        cost,
    ];
    let metrics = values
        .iter()
        .zip(METRICS)
        .map(|(v, metric)| cell(*v, metric.decimals))
        .collect();
    let jobs = jobs
        .iter()
        .map(|name| match result.jobs.iter().find(|j| &j.name == name) {
            Some(j) => (j.outcome.to_string(), cell(seconds(j.finished), 3)),
            None => (String::new(), String::new()),
        })
        .collect();
    RunFigures {
        all_complete,
        metrics,
        jobs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_have_fixed_decimals_and_empty_for_no_value() {
        assert_eq!(cell(Some(1.5), 3), "1.500");
        assert_eq!(cell(Some(2.0), 0), "2");
        assert_eq!(cell(None, 3), "");
        assert_eq!(cell(Some(f64::NAN), 3), "");
    }

    #[test]
    fn wait_percentiles_use_the_summarys_rank_rule() {
        let mut s = WaitSink {
            waits: (1..=20).rev().collect(),
        };
        assert_eq!(s.percentile(50), Some(10)); // index ⌊19·0.5⌋ = 9
        assert_eq!(s.percentile(95), Some(19)); // index ⌊19·0.95⌋ = 18
        assert_eq!(WaitSink::default().percentile(50), None);
    }

    #[test]
    fn metric_names_are_unique_and_found() {
        for (i, m) in METRICS.iter().enumerate() {
            assert_eq!(metric_index(m.name), Some(i));
        }
        assert_eq!(metric_index("nope"), None);
    }
}
