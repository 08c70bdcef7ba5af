//! The control loops: the Job and CronJob controllers, the TTL-after-finished controller,
//! the scheduler, the kubelet, the node lifecycle controller and PodGC.
//!
//! Each one acts on the object store ([`crate::world::store`]) and schedules events; the
//! world's dispatch hands it the events it owns. None calls another: a change another
//! controller must hear of goes through the API server ([`crate::world::api_server`]) —
//! creating a Job, binding a pod to a node and releasing its requests, a node coming back,
//! deleting a pod or a Job — whose informer notifications call the watching controller, as
//! Kubernetes controllers talk only through the API server. The types they read of each
//! other's objects (a Job's status for the CronJob controller) live in the store.

pub mod cronjob;
pub mod job;
pub mod kubelet;
pub mod node_lifecycle;
pub mod pod_gc;
pub mod scheduler;
pub mod ttl;
