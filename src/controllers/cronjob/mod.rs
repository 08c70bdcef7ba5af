//! The CronJob controller and the cron language it schedules with.

pub mod controller;
mod gotime;
pub mod history;
pub mod missed;
pub mod schedule;
pub mod validation;

pub use controller::JobStatusView;
