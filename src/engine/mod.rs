//! The discrete-event kernel: a time-ordered event queue and seeded random streams.
//!
//! It knows nothing of Kubernetes. It never reads the wall clock: simulated time advances
//! only by popping events. See [`queue`] for the ordering contract that makes runs
//! repeatable.

pub mod arena;
pub mod queue;
pub mod rng;

pub use arena::Arena;
pub use queue::EventQueue;
pub use rng::RngStreams;
