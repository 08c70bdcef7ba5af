//! The object store, the event enum and the single dispatch.
