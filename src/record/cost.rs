//! Node-hours and cost of a run. Every node is counted from the start of the run (t = 0)
//! to its end, or to the moment its Node object was deleted. A node that is down or
//! NotReady is still counted and billed: the machine behind it exists and a cloud bills it
//! until it is removed. With prices (`nodePools[].price`), each node's time is billed by its
//! pool's rule (rounded up to the granularity, at least the minimum) and each pod is
//! charged for the time it held its node (bound → finished, or the end of the run) times
//! its share of that node: the mean of its CPU request over the node's allocatable CPU and
//! its memory request over the node's allocatable memory, so the shares of the pods on a
//! node never add up to more than the node. What no pod is charged is the idle cost.
//!
//! Folded pod by pod as pods are recorded (pods leave the store during a run), so memory
//! stays flat. Read-only over the run.

use std::collections::BTreeMap;

use super::result::{CronJobResult, JobResult, Metrics};
use crate::scenario::price::Price;
use crate::scenario::{NodePool, Scenario};
use crate::time::{HOUR, SimTime};
use crate::world::store::{Node, Pod, Store};

/// Node-hours and cost of one node pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUsage {
    /// The pool's name.
    pub name: String,
    /// Its nodes.
    pub nodes: u32,
    /// Hours its nodes existed, summed.
    pub node_hours: f64,
    /// Its price per node-hour, when priced.
    pub per_hour: Option<f64>,
    /// Hours billed by its billing rule, summed over its nodes, when priced.
    pub billed_hours: Option<f64>,
    /// What its nodes cost, when priced.
    pub cost: Option<f64>,
    /// The part of that cost charged to pods by their requests, when priced.
    pub attributed_cost: Option<f64>,
}

/// Cost charged to the pods of Jobs, folded as pods are recorded.
#[derive(Debug, Clone, Default)]
pub(crate) struct CostMeter {
    /// Each pool's price, in pool order; empty when the scenario has no prices.
    prices: Vec<Option<Price>>,
    /// Charged to standalone Jobs, by Job id.
    jobs: BTreeMap<u32, f64>,
    /// Charged to the Jobs of each CronJob, by CronJob id.
    cronjobs: BTreeMap<u32, f64>,
    /// Charged per pool.
    pools: Vec<f64>,
}

/// A pod's share of its node: the mean of its CPU and memory shares, each at most 1.
fn share(pod: &Pod, node: &Node) -> f64 {
    let part = |req: i64, alloc: i64| {
        if alloc <= 0 || req <= 0 {
            0.0
        } else {
            (req as f64 / alloc as f64).min(1.0)
        }
    };
    (part(pod.request.cpu_m, node.alloc.cpu_m) + part(pod.request.memory, node.alloc.memory)) / 2.0
}

impl CostMeter {
    /// A meter for the scenario's pools; it charges nothing when no pool has a price.
    pub(crate) fn new(scenario: &Scenario) -> CostMeter {
        let priced = scenario.pools.iter().any(|p| p.price.is_some());
        CostMeter {
            prices: if priced {
                scenario.pools.iter().map(|p| p.price).collect()
            } else {
                Vec::new()
            },
            pools: vec![0.0; scenario.pools.len()],
            ..CostMeter::default()
        }
    }

    /// Charges one recorded pod (a pod still running is charged up to `end`).
    pub(crate) fn add(&mut self, store: &Store, pod: &Pod, end: SimTime) {
        if self.prices.is_empty() {
            return;
        }
        let (Some(node_id), Some(bound)) = (pod.node, pod.scheduled) else {
            return;
        };
        let node = &store.nodes[node_id.0 as usize];
        let Some(Some(price)) = self.prices.get(node.pool) else {
            return;
        };
        let held = pod.finished.unwrap_or(end).saturating_sub(bound);
        let cost = price.cost_of(held) * share(pod, node);
        if cost == 0.0 {
            return;
        }
        self.pools[node.pool] += cost;
        let job = store.job(pod.job);
        match &job.owner {
            Some(owner) => *self.cronjobs.entry(owner.cronjob.0).or_default() += cost,
            None => *self.jobs.entry(pod.job.0).or_default() += cost,
        }
    }

    /// The cost charged to the standalone Job of id `job`, when priced.
    pub(crate) fn job_cost(&self, job: u32) -> Option<f64> {
        (!self.prices.is_empty()).then(|| self.jobs.get(&job).copied().unwrap_or(0.0))
    }

    /// The cost charged to the Jobs of the CronJob of id `cronjob`, when priced.
    pub(crate) fn cronjob_cost(&self, cronjob: u32) -> Option<f64> {
        (!self.prices.is_empty()).then(|| self.cronjobs.get(&cronjob).copied().unwrap_or(0.0))
    }

    /// The pools' figures, and the run's node-hours, cost and idle share into `metrics`.
    pub(crate) fn finish(
        &self,
        nodes: &[Node],
        pools: &[NodePool],
        end: SimTime,
    ) -> Vec<PoolUsage> {
        let priced = !self.prices.is_empty();
        let mut usage: Vec<PoolUsage> = pools
            .iter()
            .enumerate()
            .map(|(i, p)| PoolUsage {
                name: p.name.clone(),
                nodes: 0,
                node_hours: 0.0,
                per_hour: p.price.map(|p| p.per_hour),
                billed_hours: priced.then_some(0.0),
                cost: priced.then_some(0.0),
                attributed_cost: priced.then(|| self.pools.get(i).copied().unwrap_or(0.0)),
            })
            .collect();
        for n in nodes {
            let Some(u) = usage.get_mut(n.pool) else {
                continue;
            };
            let lived = n.deleted_at.map_or(end, |d| d.min(end));
            u.nodes += 1;
            u.node_hours += lived as f64 / HOUR as f64;
            if let Some(price) = pools[n.pool].price {
                let billed = price.billed(lived);
                *u.billed_hours.get_or_insert(0.0) += billed as f64 / HOUR as f64;
                *u.cost.get_or_insert(0.0) += price.cost_of(billed);
            }
        }
        usage
    }
}

/// Sets the run-wide node-hours, cost and idle share from the pools' figures.
pub(crate) fn fill_metrics(metrics: &mut Metrics, pools: &[PoolUsage]) {
    metrics.node_hours = pools.iter().map(|p| p.node_hours).sum();
    let cost: Option<f64> = pools.iter().map(|p| p.cost).sum();
    let attributed: Option<f64> = pools.iter().map(|p| p.attributed_cost).sum();
    metrics.cost = cost;
    metrics.idle_share = match (cost, attributed) {
        (Some(c), Some(a)) if c > 0.0 => Some(((c - a) / c).clamp(0.0, 1.0)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
}

/// Whether every Job of the run ended `Complete`: each standalone Job, and each Job every
/// CronJob created (none still running, failed, or deleted by `Replace` before it ended).
pub(crate) fn all_complete(jobs: &[JobResult], cronjobs: &[CronJobResult]) -> bool {
    jobs.iter().all(|j| j.outcome == "Complete")
        && cronjobs
            .iter()
            .all(|c| c.counts.succeeded == c.counts.jobs_created)
}
