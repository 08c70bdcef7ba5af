//! The CronJob controller and the cron language it schedules with.

pub mod schedule;
