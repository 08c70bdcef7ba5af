//! The CronJob controller and the cron language it schedules with.

mod gotime;
pub mod missed;
pub mod schedule;
pub mod validation;
