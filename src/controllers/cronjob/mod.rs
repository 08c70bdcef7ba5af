//! The CronJob controller. The cron language it schedules with is [`crate::cron`].

pub mod controller;
pub mod history;
pub mod missed;
pub mod output;
pub mod state;

pub use controller::JobStatusView;
pub use state::CronJobState;
