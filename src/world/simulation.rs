//! A run driven one event at a time, for tests and tools that need to stop between events
//! and look: [`Simulation::step`], [`Simulation::run_until`], a read-only view of a Job's
//! status at that moment ([`Simulation::job`]), and [`Simulation::finish`] for the same
//! [`RunResult`] a whole run gives. Stepping changes nothing about the run: a simulation
//! stepped to its end reports exactly what [`simulate`](super::simulate) reports.

use std::ops::ControlFlow;

use super::{SimulateError, World, finish_run};
use crate::record::Sink;
use crate::record::result::{RunResult, job_object};
use crate::record::schema::JobObject;
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::world::store::{ConditionType, JobState};

/// A simulation run under the caller's control.
pub struct Simulation<'s> {
    world: World<'s>,
    horizon: Option<SimTime>,
}

/// A Job's status at the current moment of a [`Simulation`], in simulated milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatusView {
    /// `metadata.name`.
    pub name: String,
    /// `status.active`.
    pub active: i32,
    /// `status.ready`.
    pub ready: i32,
    /// `status.succeeded`.
    pub succeeded: i32,
    /// `status.failed`.
    pub failed: i32,
    /// `status.terminating`.
    pub terminating: i32,
    /// When `status.startTime` was set, if it is.
    pub start_time: Option<SimTime>,
    /// When `status.completionTime` was set, if it is.
    pub completion_time: Option<SimTime>,
    /// The types of the conditions that are True, in the order they were added
    /// (`Suspended`, `FailureTarget`, `SuccessCriteriaMet`, `Complete`, `Failed`).
    pub conditions: Vec<&'static str>,
    /// Pods created for the Job so far.
    pub pods_created: usize,
    /// The Job has been deleted (its pods may still be terminating).
    pub deleted: bool,
}

impl JobStatusView {
    fn of(job: &JobState) -> JobStatusView {
        let s = &job.status;
        JobStatusView {
            name: job.name().to_string(),
            active: s.active,
            ready: s.ready,
            succeeded: s.succeeded,
            failed: s.failed,
            terminating: s.terminating,
            start_time: s.start_time,
            completion_time: s.completion_time,
            conditions: s
                .conditions
                .iter()
                .filter(|c| c.status)
                .map(|c| c.kind.as_str())
                .collect(),
            pods_created: job.created_pods as usize,
            deleted: job.deleted_at.is_some(),
        }
    }

    /// `Complete` or `Failed` is True.
    pub fn is_finished(&self) -> bool {
        self.conditions
            .iter()
            .any(|&c| c == ConditionType::Complete.as_str() || c == ConditionType::Failed.as_str())
    }
}

impl<'s> Simulation<'s> {
    /// A run of `scenario` reporting to `sink`, stopped before its first event. It ends at
    /// the scenario's horizon (or the default one of scenarios with CronJobs), if any.
    pub fn new(scenario: &'s Scenario, sink: &'s mut dyn Sink) -> Simulation<'s> {
        Simulation {
            world: World::new(scenario, sink),
            horizon: scenario.effective_horizon(),
        }
    }

    /// The same, ending at `horizon` instead.
    pub fn with_horizon(
        scenario: &'s Scenario,
        sink: &'s mut dyn Sink,
        horizon: Option<SimTime>,
    ) -> Simulation<'s> {
        Simulation {
            world: World::new(scenario, sink),
            horizon,
        }
    }

    /// Simulated time now: that of the last event handled.
    pub fn now(&self) -> SimTime {
        self.world.now()
    }

    /// When the next event is due, if there is one before the horizon.
    pub fn next_time(&self) -> Option<SimTime> {
        self.world
            .queue
            .peek_time()
            .filter(|&t| self.horizon.is_none_or(|h| t <= h))
    }

    /// Handles the next event and returns its time; `None` when nothing is left to do
    /// before the horizon.
    pub fn step(&mut self) -> Option<SimTime> {
        self.next_time()?;
        let (now, event) = self.world.queue.pop()?;
        self.world.dispatch(event);
        Some(now)
    }

    /// Handles every event due at or before `t` (and before the horizon). Returns the
    /// number handled.
    pub fn run_until(&mut self, t: SimTime) -> u64 {
        let mut handled = 0;
        while self.next_time().is_some_and(|next| next <= t) {
            self.step();
            handled += 1;
        }
        handled
    }

    /// The status of the Job called `name` now (the one still present when a name was
    /// reused), or `None` if no Job of that name was created yet.
    pub fn job(&self, name: &str) -> Option<JobStatusView> {
        self.find_job(name).map(JobStatusView::of)
    }

    /// The Job called `name` as `kubectl get job -o json` would show it now.
    pub fn job_object(&self, name: &str) -> Option<JobObject> {
        let job = self.find_job(name)?;
        Some(job_object(job, &self.world.clock, self.world.scenario.seed))
    }

    /// The status of every Job created so far, in creation order.
    pub fn jobs(&self) -> Vec<JobStatusView> {
        self.world
            .store
            .jobs
            .iter()
            .map(|(_, j)| JobStatusView::of(j))
            .collect()
    }

    fn find_job(&self, name: &str) -> Option<&JobState> {
        let jobs = &self.world.store.jobs;
        let named = || jobs.iter().map(|(_, j)| j).filter(|j| j.name() == name);
        named()
            .filter(|j| j.deleted_at.is_none())
            .last()
            .or_else(|| named().last())
    }

    /// Runs the rest of the simulation to its end (or the horizon) and returns the result,
    /// as [`simulate`](super::simulate) would have.
    /// Stops at the sink's first error and returns it.
    pub fn finish(mut self) -> Result<RunResult, SimulateError> {
        let outcome = self
            .world
            .run_observed(self.horizon, &mut |_| ControlFlow::Continue(()));
        finish_run(self.world, outcome)
    }
}
