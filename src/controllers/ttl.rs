//! The TTL-after-finished controller (reference job-semantics §17): at the finish
//! condition's time plus `ttlSecondsAfterFinished` it deletes the Job with foreground
//! propagation — its pods first, then the Job.

use crate::world::{JobId, World};

/// Deletes a finished Job whose TTL has run out.
pub fn expire(w: &mut World<'_>, id: JobId) {
    let now = w.now();
    let job = w.store.job(id);
    if job.deleted_at.is_some() || !job.status.is_finished() {
        return;
    }
    let _ = now;
    w.delete_job(id);
}
