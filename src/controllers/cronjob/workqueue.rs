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
    let at = w.now().saturating_add(whole_ms_up(delay));
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    if cj.waiting.is_some_and(|t| t <= at) {
        return;
    }
    cj.waiting = Some(at);
    w.schedule(at, Event::CronJobSync(id));
}

/// A positive delay in milliseconds, rounded up (the controller never wakes before the
/// time it asked for), `u64::MAX` past that. Whole seconds and the nanoseconds past them
/// are added apart, without 128-bit division.
fn whole_ms_up(delay: SignedDuration) -> u64 {
    let (secs, nanos) = (delay.as_secs(), delay.subsec_nanos());
    let (Ok(secs), Ok(nanos)) = (u64::try_from(secs), u64::try_from(nanos)) else {
        return 0;
    };
    secs.checked_mul(1_000)
        .and_then(|ms| ms.checked_add(nanos.div_ceil(1_000_000)))
        .unwrap_or(u64::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_round_up_to_whole_milliseconds_as_the_128_bit_formula_does() {
        let reference = |d: SignedDuration| {
            let ms = (d.as_nanos() + 999_999) / 1_000_000;
            u64::try_from(ms).unwrap_or(u64::MAX)
        };
        let mut delays = vec![
            SignedDuration::new(0, 1),
            SignedDuration::new(0, 999_999),
            SignedDuration::new(0, 1_000_000),
            SignedDuration::new(0, 1_000_001),
            SignedDuration::new(59, 900_000_000),
            SignedDuration::new(60, 100_000_000),
            SignedDuration::new(i64::MAX / 1_000, 999_999_999),
            SignedDuration::new(i64::MAX / 1_000 + 1, 0),
            SignedDuration::MAX,
        ];
        for s in [0, 1, 59, 3_600, 86_399] {
            for n in (0..1_000_000_000).step_by(99_999_989) {
                delays.push(SignedDuration::new(s, n));
            }
        }
        for d in delays {
            assert_eq!(whole_ms_up(d), reference(d), "{d:?}");
        }
    }
}
