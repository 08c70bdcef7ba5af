//! The CronJob controller. The cron language it schedules with is [`crate::cron`].
//!
//! The controller is in four parts: the per-key [`workqueue`], the Job [`informer`], the
//! API's writes to a CronJob ([`actions`]) and one [`sync`]; [`accounting`] keeps jobsim's
//! own statistics of what became of each schedule time. [`missed`] computes which time a
//! sync acts on, with its fast paths beside it.

pub mod accounting;
pub mod actions;
pub mod history;
pub mod informer;
pub mod missed;
pub mod sync;
pub mod workqueue;

pub use informer::JobStatusView;
