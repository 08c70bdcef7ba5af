//! The control loops. Each acts on the object store in [`crate::world`] and schedules
//! events; none calls another directly, as Kubernetes controllers talk only through the
//! API server.

pub mod cronjob;
pub mod job;
pub mod kubelet;
pub mod node_lifecycle;
pub mod pod_gc;
pub mod scheduler;
pub mod ttl;
