//! The cron language of Kubernetes v1.36 CronJobs: the robfig/cron v3 grammar that
//! `spec.schedule` is written in, the next-activation search over IANA time zones (with its
//! DST rules and give-up window), how `spec.timeZone` joins the schedule before it is parsed,
//! and the API server's validation of the `spec.schedule` and `spec.timeZone` fields
//! (reference cronjob-semantics §1–§3).
//!
//! It is the bottom floor for everything that reads a schedule: the manifest validation in
//! `api`, the scenario's `schedule` action, `jobsim cron` and the CronJob controller all come
//! here. It is not the CronJob controller: it knows nothing of CronJob objects or their
//! state, missed runs, concurrency policies, events or the simulation clock, and it never
//! reads the wall clock or the machine's tz database (zones come from jiff's bundled copy).
//! It depends on `std` and `jiff` only.

pub(crate) mod gotime;
pub mod schedule;
pub mod validation;
