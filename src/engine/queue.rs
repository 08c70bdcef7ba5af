//! The event queue.
//!
//! **Ordering contract:** events pop in ascending time; events scheduled for the same
//! millisecond pop in the order they were scheduled (first in, first out), because every
//! entry carries a global insertion sequence number that breaks ties. Nothing else (no
//! address, no hash) influences the order, so the same inputs always give the same run.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

struct Entry<E> {
    /// The time in the high 64 bits and the insertion sequence in the low ones: one
    /// integer comparison orders entries by `(time, seq)`.
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        (self.key >> 64) as SimTime
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    // Spelled out so that the heap's sifts compare the keys directly.
    fn le(&self, other: &Self) -> bool {
        other.key <= self.key
    }
    fn lt(&self, other: &Self) -> bool {
        other.key < self.key
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so that the max-heap pops the earliest `(time, seq)` first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A min-queue of events keyed by `(time, insertion sequence)`. Events are stored inline:
/// scheduling does not allocate once the heap has grown to its working size.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
    popped: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time 0.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            next_seq: 0,
            now: 0,
            popped: 0,
        }
    }

    /// The time of the event popped last (the current simulated time).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// How many events have been popped so far.
    pub fn processed(&self) -> u64 {
        self.popped
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no event waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time`. A time in the past is clamped to now: the simulation
    /// never goes backwards.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let time = time.max(self.now);
        self.heap.push(Entry {
            key: (u128::from(time) << 64) | u128::from(seq),
            event,
        });
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(Entry::time)
    }

    /// Pops the earliest event and advances the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        let time = entry.time();
        self.now = time;
        self.popped += 1;
        Some((time, entry.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_time_events_pop_in_scheduling_order() {
        let mut q = EventQueue::new();
        q.schedule(10, "b1");
        q.schedule(5, "a");
        q.schedule(10, "b2");
        q.schedule(10, "b3");
        q.schedule(7, "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![(5, "a"), (7, "c"), (10, "b1"), (10, "b2"), (10, "b3")]
        );
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut q = EventQueue::new();
        q.schedule(100, 1);
        assert_eq!(q.pop(), Some((100, 1)));
        q.schedule(50, 2);
        assert_eq!(q.pop(), Some((100, 2)));
        assert_eq!(q.now(), 100);
    }
    #[test]
    fn events_pop_in_order_whether_due_now_in_an_hour_or_in_the_past() {
        // Times from the same millisecond to over an hour ahead, some in the past,
        // against a sorted list of (time, seq); peek_time always names the next pop.
        let mut next = crate::engine::rng::xorshift(0x2545_f491_4f6c_dd1d_u64);
        for round in 0..40u64 {
            let mut q = EventQueue::new();
            let mut model: Vec<(SimTime, u64)> = Vec::new();
            let mut seq = 0;
            for _ in 0..3_000 {
                if !next().is_multiple_of(3) || model.is_empty() {
                    let ahead = match next() % 4 {
                        0 => next() % 3,
                        1 => next() % 5_000,
                        2 => next() % 1_100_000,
                        _ => next() % (4_000_000 + round * 100_000),
                    };
                    // Now and then a time in the past: clamped to now.
                    let time = if next().is_multiple_of(17) {
                        q.now().saturating_sub(ahead)
                    } else {
                        q.now() + ahead
                    };
                    q.schedule(time, seq);
                    model.push((time.max(q.now()), seq));
                    seq += 1;
                } else {
                    let at = (0..model.len()).min_by_key(|&i| model[i]).unwrap();
                    let (time, s) = model.remove(at);
                    assert_eq!(q.peek_time(), Some(time));
                    assert_eq!(q.pop(), Some((time, s)));
                    assert_eq!(q.now(), time);
                }
                assert_eq!(q.len(), model.len());
                assert_eq!(q.peek_time(), model.iter().min().map(|&(t, _)| t));
            }
            while let Some((time, s)) = q.pop() {
                let at = (0..model.len()).min_by_key(|&i| model[i]).unwrap();
                assert_eq!(model.remove(at), (time, s));
            }
            assert!(model.is_empty() && q.is_empty());
        }
    }

    #[test]
    fn a_time_near_the_end_of_time_still_pops_in_order() {
        let mut q = EventQueue::new();
        q.schedule(SimTime::MAX, 3);
        q.schedule(SimTime::MAX - 5_000, 2);
        q.schedule(7, 1);
        q.schedule(SimTime::MAX, 4);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, vec![1, 2, 3, 4]);
    }

    #[test]
    fn events_pop_in_time_then_scheduling_order_whatever_the_interleaving() {
        // Random schedules and pops against a sorted list of (time, seq).
        let mut next = crate::engine::rng::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for round in 0..50 {
            let mut q = EventQueue::new();
            let mut model: Vec<(SimTime, u64)> = Vec::new();
            let mut seq = 0;
            for _ in 0..2_000 {
                if !next().is_multiple_of(3) || model.is_empty() {
                    // Few distinct times, so ties are common.
                    let time = q.now() + next() % (5 + round);
                    q.schedule(time, seq);
                    model.push((time, seq));
                    seq += 1;
                } else {
                    let at = (0..model.len()).min_by_key(|&i| model[i]).unwrap();
                    let (time, s) = model.remove(at);
                    assert_eq!(q.pop(), Some((time, s)));
                    assert_eq!(q.now(), time);
                }
                assert_eq!(q.len(), model.len());
                assert_eq!(q.peek_time(), model.iter().min().map(|&(t, _)| t));
            }
        }
    }
}
