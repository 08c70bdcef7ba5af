//! The CronJob controller's workqueue, modelled per key (reference cronjob-semantics §4):
//! informer events add the key at once (deduplicated while it waits), `AddAfter` keeps the
//! earliest ready time, and a `CronJobSync` event hands the key to [`super::sync`].

use jiff::SignedDuration;

use super::sync::sync;
use crate::world::{CronJobId, Event, World};

/// An informer event (the CronJob changed, or an owned Job was added, updated or deleted):
/// the key is added to the queue at once, once however many events arrive before it runs.
pub fn enqueue(w: &mut World<'_>, id: CronJobId) {
    let now = w.now();
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    if !cj.sync_queued {
        cj.sync_queued = true;
        w.schedule(now, Event::CronJobSync(id));
    }
}

/// `AddAfter(key, delay)`: a key already waiting keeps the earlier of the two ready times;
/// a delay ≤ 0 adds it at once.
pub fn enqueue_after(w: &mut World<'_>, id: CronJobId, delay: SignedDuration) {
    if delay <= SignedDuration::ZERO {
        enqueue(w, id);
        return;
    }
    // Round up: the controller never wakes before the time it asked for.
    let nanos = delay.as_nanos();
    let ms = (nanos + 999_999) / 1_000_000;
    let at = w
        .now()
        .saturating_add(u64::try_from(ms).unwrap_or(u64::MAX));
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    if cj.waiting.is_some_and(|t| t <= at) {
        return;
    }
    cj.waiting = Some(at);
    w.schedule(at, Event::CronJobSync(id));
}

/// A `CronJobSync` event: the key comes out of the queue (immediately added, or ready after
/// its delay). Events superseded by an earlier ready time are dropped.
pub fn on_event(w: &mut World<'_>, id: CronJobId) {
    let now = w.now();
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    let mut due = std::mem::take(&mut cj.sync_queued);
    if cj.waiting == Some(now) {
        cj.waiting = None;
        due = true;
    }
    if due {
        sync(w, id);
    }
}
