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
    // Every pod of a finished Job is already terminal (§16.2); removing them releases
    // nothing. The records were kept for the output files.
    w.store.job_mut(id).deleted_at = Some(now);
}
