//! The cron language exactly as Kubernetes accepts it (robfig/cron v3 `ParseStandard`;
//! reference cronjob-semantics §1–§2).
