//! The event recorders: who records each Kubernetes event, and what the API server keeps of
//! it. Controllers call [`World::emit`](super::World::emit) with the recording component
//! ([`Source`]); this file decides the event's `type` and whether and how it becomes an
//! Event object.
//!
//! Kubernetes v1.36 has two recorders. The Job and CronJob controllers, the node lifecycle
//! and taint-eviction controllers and the kubelet use client-go's legacy recorder
//! (`tools/record`), whose event correlator merges, counts and drops events before they are
//! written; the scheduler uses the `events.k8s.io` recorder, which writes one Event per
//! scheduling attempt here. [`Correlator`] is our model of the legacy correlator, in the
//! order it applies its three steps to every event (reference: job-semantics §16.4):
//!
//! 1. *aggregation*: events of one source about one object with the same type and reason
//!    but other messages are similar; once 10 different messages were seen with no gap of
//!    more than 10 minutes, each further one is replaced by one "(combined from similar
//!    events): MESSAGE" event;
//! 2. *counting*: an event identical to one seen before (same key, message included)
//!    updates that Event object — `count` + 1, `lastTimestamp`, message — instead of
//!    creating one;
//! 3. *spam filter*: a token bucket per source and object (not per reason), 25 tokens,
//!    refilled one per 300 s; an event without a token is not written, although steps 1
//!    and 2 have counted it (the next written update carries the whole count).
//!
//! The rows of `events.csv` are the Event objects as the API server holds them at the end.
//! An object's Event objects can change as long as events about it can come, so its rows
//! are written when it can have no more: when a pod reaches a terminal phase or leaves
//! the store, when a Job is deleted, or when the run ends (remaining objects in the order
//! of their first event). Scheduler events and jobsim's own notes are written at once.
//! Not modelled: the correlator's caches hold 4096 keys each and forget the least recently
//! used (a component that records about more than 4096 other objects between two events
//! about one object starts that object afresh), the Event TTL of the API server (one hour
//! by default: jobsim keeps every Event object to the end of the run), and the float32
//! refill rate (one token per 299.99999 s).

use std::collections::HashMap;
use std::hash::BuildHasher;

use crate::record::{EventRecord, ObjectRef, Reason};
use crate::time::{SECOND, SimTime};
use crate::world::store::Store;
pub use crate::world::{CronJobId, JobId, NodeId, PodId};

/// Similar events (same source, object, type, reason) before they are combined
/// (`defaultAggregateMaxEvents`).
pub const AGGREGATE_MAX_EVENTS: usize = 10;
/// A similar event more than this after the last one starts the count afresh
/// (`defaultAggregateIntervalInSeconds`).
pub const AGGREGATE_INTERVAL: SimTime = 600 * SECOND;
/// Events a source may write about one object at once (`defaultSpamBurst`).
pub const SPAM_BURST: u64 = 25;
/// The spam filter refills one token per this long (`defaultSpamQPS`, 1/300 per second).
pub const SPAM_REFILL: SimTime = 300 * SECOND;
/// The prefix of a combined event's message (`EventAggregatorByReasonMessageFunc`).
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// The component that records an event (`source.component`, and the host for a kubelet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `job-controller` (legacy recorder).
    JobController,
    /// `cronjob-controller` (legacy recorder).
    CronJobController,
    /// `node-controller`, the node lifecycle controller (legacy recorder).
    NodeController,
    /// `taint-eviction-controller` (legacy recorder).
    TaintEviction,
    /// `kubelet` on one node (legacy recorder, one correlator per kubelet).
    Kubelet(NodeId),
    /// `default-scheduler` (`events.k8s.io` recorder: not correlated).
    Scheduler,
    /// jobsim's own notes (a scripted action that found nothing, a node going down).
    Jobsim,
}

impl Source {
    /// Whether the recorder runs client-go's event correlator.
    pub fn correlated(self) -> bool {
        !matches!(self, Source::Scheduler | Source::Jobsim)
    }
}

/// The object of the store an event is about, by id. Ids are never reused
/// ([`Arena`](crate::engine::Arena)), so an id names one object for the whole run, as a
/// UID does in the correlator's keys upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectId {
    /// A Job.
    Job(JobId),
    /// A pod.
    Pod(PodId),
    /// A CronJob.
    CronJob(CronJobId),
    /// A node.
    Node(NodeId),
}

impl ObjectId {
    /// The object's `kind/name`, its name borrowed from the store.
    pub fn resolve(self, store: &Store) -> ObjectRef<'_> {
        match self {
            ObjectId::Job(id) => ObjectRef::Job(&store.job(id).metadata.name),
            ObjectId::Pod(id) => ObjectRef::Pod(&store.pod(id).name),
            ObjectId::CronJob(id) => ObjectRef::CronJob(&store.cronjob(id).metadata.name),
            ObjectId::Node(id) => ObjectRef::Node(&store.nodes[id.0 as usize].name),
        }
    }

    /// One integer per object: the kind in the high bits, the id in the low ones.
    fn key(self) -> u64 {
        let (kind, id) = match self {
            ObjectId::Job(id) => (0, id.0),
            ObjectId::Pod(id) => (1, id.0),
            ObjectId::CronJob(id) => (2, id.0),
            ObjectId::Node(id) => (3, id.0),
        };
        (kind << 32) | u64::from(id)
    }
}

/// Which kind of object an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Job,
    Pod,
    CronJob,
    Node,
}

fn split(object: ObjectRef<'_>) -> (Kind, &str) {
    match object {
        ObjectRef::Job(n) => (Kind::Job, n),
        ObjectRef::Pod(n) => (Kind::Pod, n),
        ObjectRef::CronJob(n) => (Kind::CronJob, n),
        ObjectRef::Node(n) => (Kind::Node, n),
    }
}

fn object_ref(kind: Kind, name: &str) -> ObjectRef<'_> {
    match kind {
        Kind::Job => ObjectRef::Job(name),
        Kind::Pod => ObjectRef::Pod(name),
        Kind::CronJob => ObjectRef::CronJob(name),
        Kind::Node => ObjectRef::Node(name),
    }
}

/// A short list held by value up to its first element: most objects see one message per
/// reason and one recording component, so their records need no allocation of their own
/// and one cache line less per event (with ten thousand pods running, the correlator's
/// state is the largest part of the working set).
#[derive(Debug, Clone)]
struct Few<T> {
    /// The first element; `None` only when the list is empty.
    first: Option<T>,
    /// The elements after the first.
    rest: Vec<T>,
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> Few<T> {
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.rest)
    }

    fn push(&mut self, value: T) {
        if self.first.is_none() {
            self.first = Some(value);
        } else {
            self.rest.push(value);
        }
    }

    /// The `i`-th element, which must exist.
    fn get_mut(&mut self, i: usize) -> &mut T {
        match (i, &mut self.first) {
            (0, Some(first)) => first,
            _ => &mut self.rest[i - 1],
        }
    }

    /// Drops the first element (the oldest).
    fn remove_first(&mut self) {
        self.first = if self.rest.is_empty() {
            None
        } else {
            Some(self.rest.remove(0))
        };
    }

    /// Empties the list, keeping the spare capacity for the next object.
    fn clear(&mut self) {
        self.first = None;
        self.rest.clear();
    }
}

/// The aggregator's record of similar events (one source and reason; the reason decides
/// the type).
#[derive(Debug)]
struct Similar {
    source: Source,
    reason: Reason,
    /// Hashes of the different messages seen, oldest first (at most 10).
    messages: Few<u64>,
    last: SimTime,
}

/// One Event object: the logger's count of the event, and what was last written of it.
#[derive(Debug)]
struct Kept {
    source: Source,
    /// The container the event is about (its `fieldPath`), plus one; 0 for none.
    field: u16,
    reason: Reason,
    /// Hash of the message; unused for the combined event.
    message_hash: u64,
    combined: bool,
    /// Occurrences the correlator counted (written or not).
    count: u32,
    first: SimTime,
    /// The count and time of the last write that passed the spam filter.
    written: Option<(u32, SimTime)>,
    /// The message last written.
    message: String,
}

/// A source's token bucket for one object.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    source: Source,
    /// Tokens, in milliseconds of refill (one token is [`SPAM_REFILL`]).
    tokens: u64,
    last: SimTime,
}

/// Everything the correlators hold about one object.
#[derive(Debug)]
struct ObjectEvents {
    kind: Kind,
    /// The object's name, for its rows (the object may leave the store before them).
    name: String,
    /// Order of the object's first event, for the end-of-run flush.
    seq: u64,
    buckets: Few<Bucket>,
    /// Aggregation records; entries past `similar_len` are spare ones (their buffers).
    similar: Vec<Similar>,
    similar_len: usize,
    /// Event objects; entries past `kept_len` are spare ones, kept for their buffers.
    kept: Vec<Kept>,
    kept_len: usize,
}

/// The state of every legacy recorder's correlator, by object. Objects are found by their
/// id ([`ObjectId`]), reasons compared as enums; only messages are hashed, as the
/// aggregation and counting steps need them told apart. Slots of objects whose events
/// were written are reused, buffers included, so the steady state allocates nothing per
/// event. The map is only looked up, never iterated into an output.
#[derive(Debug, Default)]
pub struct Correlator {
    by_object: HashMap<u64, usize, foldhash::fast::FixedState>,
    slots: Vec<ObjectEvents>,
    free: Vec<usize>,
    next_seq: u64,
}

fn hash_message(text: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6a6f6273696d).hash_one(text)
}

impl Correlator {
    /// Runs one event of a correlated source through aggregation, counting and the spam
    /// filter. Nothing is written yet. `name` is the object's, as its rows will show it.
    #[allow(clippy::too_many_arguments)]
    pub fn observe(
        &mut self,
        now: SimTime,
        source: Source,
        object: ObjectId,
        name: ObjectRef<'_>,
        field: u16,
        reason: Reason,
        message: &str,
    ) {
        let slot = self.slot_for(object, name);
        let o = &mut self.slots[slot];
        let message_hash = hash_message(message);
        // 1. Aggregation of similar events.
        let i = match o.similar[..o.similar_len]
            .iter()
            .position(|s| s.source == source && s.reason == reason)
        {
            Some(i) => i,
            None => {
                if o.similar_len == o.similar.len() {
                    o.similar.push(Similar {
                        source,
                        reason,
                        messages: Few::default(),
                        last: now,
                    });
                } else {
                    let s = &mut o.similar[o.similar_len];
                    s.source = source;
                    s.reason = reason;
                    s.messages.clear();
                    s.last = now;
                }
                o.similar_len += 1;
                o.similar_len - 1
            }
        };
        let similar = &mut o.similar[i];
        if now.saturating_sub(similar.last) > AGGREGATE_INTERVAL {
            similar.messages.clear();
        }
        if !similar.messages.iter().any(|&h| h == message_hash) {
            similar.messages.push(message_hash);
        }
        similar.last = now;
        let combined = similar.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combined {
            // Upstream drops an arbitrary one to stay below the limit; we drop the oldest.
            similar.messages.remove_first();
        }
        // 2. Counting identical events.
        let found = o.kept[..o.kept_len].iter().position(|k| {
            k.source == source
                && k.reason == reason
                && k.combined == combined
                && (combined || (k.field == field && k.message_hash == message_hash))
        });
        let k = match found {
            Some(k) => k,
            None => {
                if o.kept_len < o.kept.len() {
                    let k = &mut o.kept[o.kept_len];
                    k.source = source;
                    k.field = field;
                    k.reason = reason;
                    k.message_hash = message_hash;
                    k.combined = combined;
                    k.count = 0;
                    k.first = now;
                    k.written = None;
                } else {
                    o.kept.push(Kept {
                        source,
                        field,
                        reason,
                        message_hash,
                        combined,
                        count: 0,
                        first: now,
                        written: None,
                        message: String::new(),
                    });
                }
                o.kept_len += 1;
                o.kept_len - 1
            }
        };
        o.kept[k].count += 1;
        // 3. The spam filter, per source and object.
        let found = o.buckets.iter().position(|b| b.source == source);
        let b = match found {
            Some(b) => b,
            None => {
                o.buckets.push(Bucket {
                    source,
                    tokens: SPAM_BURST * SPAM_REFILL,
                    last: now,
                });
                o.buckets.len() - 1
            }
        };
        let bucket = o.buckets.get_mut(b);
        bucket.tokens = bucket
            .tokens
            .saturating_add(now.saturating_sub(bucket.last))
            .min(SPAM_BURST * SPAM_REFILL);
        bucket.last = now;
        if bucket.tokens < SPAM_REFILL {
            return;
        }
        bucket.tokens -= SPAM_REFILL;
        let kept = &mut o.kept[k];
        kept.written = Some((kept.count, now));
        kept.message.clear();
        if combined {
            kept.message.push_str(COMBINED_PREFIX);
        }
        kept.message.push_str(message);
    }

    fn slot_for(&mut self, object: ObjectId, name: ObjectRef<'_>) -> usize {
        let key = object.key();
        if let Some(&slot) = self.by_object.get(&key) {
            return slot;
        }
        let (kind, name) = split(name);
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                let o = &mut self.slots[slot];
                o.kind = kind;
                o.name.clear();
                o.name.push_str(name);
                o.seq = seq;
                o.buckets.clear();
                o.similar_len = 0;
                o.kept_len = 0;
                slot
            }
            None => {
                self.slots.push(ObjectEvents {
                    kind,
                    name: name.to_string(),
                    seq,
                    buckets: Few::default(),
                    similar: Vec::new(),
                    similar_len: 0,
                    kept: Vec::new(),
                    kept_len: 0,
                });
                self.slots.len() - 1
            }
        };
        self.by_object.insert(key, slot);
        slot
    }

    /// Hands every written Event object about `object` to `row`, in the order they were
    /// created, and forgets the object.
    pub fn close(&mut self, object: ObjectId, row: &mut dyn FnMut(&EventRecord<'_>)) {
        if let Some(slot) = self.by_object.remove(&object.key()) {
            self.write(slot, row);
        }
    }

    /// Closes every object still open, in the order of their first event.
    pub fn close_all(&mut self, row: &mut dyn FnMut(&EventRecord<'_>)) {
        let mut open: Vec<(u64, usize)> = self
            .by_object
            .drain()
            .map(|(_, slot)| (self.slots[slot].seq, slot))
            .collect();
        open.sort_unstable();
        for (_, slot) in open {
            self.write(slot, row);
        }
    }

    fn write(&mut self, slot: usize, row: &mut dyn FnMut(&EventRecord<'_>)) {
        let o = &self.slots[slot];
        for k in &o.kept[..o.kept_len] {
            if let Some((count, last)) = k.written {
                row(&EventRecord {
                    time: last,
                    object: object_ref(o.kind, &o.name),
                    reason: k.reason,
                    message: &k.message,
                    event_type: k.reason.event_type(),
                    count,
                    first: k.first,
                });
            }
        }
        self.free.push(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `n` events, one per `gap`, and returns the rows kept.
    fn feed(
        n: u32,
        gap: SimTime,
        message: impl Fn(u32) -> String,
        reason: Reason,
    ) -> Vec<(String, u32, SimTime, SimTime, String)> {
        let mut c = Correlator::default();
        for i in 0..n {
            c.observe(
                SimTime::from(i) * gap,
                Source::JobController,
                ObjectId::Job(JobId(0)),
                ObjectRef::Job("big"),
                0,
                reason,
                &message(i),
            );
        }
        let mut rows = Vec::new();
        c.close_all(&mut |r| {
            rows.push((
                r.reason.to_string(),
                r.count,
                r.first,
                r.time,
                r.message.to_string(),
            ))
        });
        rows
    }

    #[test]
    fn a_few_list_keeps_the_order_of_a_vector_through_pushes_removals_and_clears() {
        let mut next = crate::engine::rng::xorshift(0x51_7cc1_b727_220a_u64);
        let mut few = Few::default();
        let mut model: Vec<u64> = Vec::new();
        for _ in 0..20_000 {
            match next() % 8 {
                0..=3 => {
                    let v = next() % 50;
                    few.push(v);
                    model.push(v);
                }
                4 | 5 if !model.is_empty() => {
                    few.remove_first();
                    model.remove(0);
                }
                6 if !model.is_empty() => {
                    let i = (next() % model.len() as u64) as usize;
                    *few.get_mut(i) += 1;
                    model[i] += 1;
                }
                7 if next().is_multiple_of(8) => {
                    few.clear();
                    model.clear();
                }
                _ => {}
            }
            assert_eq!(few.len(), model.len());
            assert!(few.iter().eq(model.iter()));
        }
    }

    #[test]
    fn the_tenth_similar_event_within_ten_minutes_is_already_combined() {
        let rows = feed(
            12,
            SECOND,
            |i| format!("Created pod: p-{i}"),
            Reason::SuccessfulCreate,
        );
        assert_eq!(rows.len(), 10);
        assert!(rows[..9].iter().all(|r| r.1 == 1));
        assert_eq!(
            rows[9],
            (
                "SuccessfulCreate".to_string(),
                3,
                9 * SECOND,
                11 * SECOND,
                "(combined from similar events): Created pod: p-11".to_string()
            )
        );
    }

    #[test]
    fn identical_events_count_on_one_event_object() {
        let rows = feed(
            5,
            60 * SECOND,
            |_| "Job suspended".to_string(),
            Reason::Suspended,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1, 5);
        assert_eq!((rows[0].2, rows[0].3), (0, 240 * SECOND));
    }

    #[test]
    fn similar_events_further_apart_than_ten_minutes_are_never_combined() {
        let rows = feed(
            12,
            601 * SECOND,
            |i| format!("Created pod: p-{i}"),
            Reason::SuccessfulCreate,
        );
        assert_eq!(rows.len(), 12);
        assert!(rows.iter().all(|r| r.1 == 1));
    }

    #[test]
    fn the_spam_filter_lets_25_through_then_one_per_five_minutes_carrying_the_whole_count() {
        // One identical event per second: 25 writes at once, then the count written every
        // 300 s includes the events the filter held back.
        let rows = feed(
            626,
            SECOND,
            |_| "Job suspended".to_string(),
            Reason::Suspended,
        );
        assert_eq!(rows.len(), 1);
        // Tokens: 25 at 0..24 s, then one each 300 s after the bucket ran dry... the last
        // write is the one at 600 s (the 601st event), with the count of every event
        // seen to then.
        assert_eq!(rows[0].3, 600 * SECOND);
        assert_eq!(rows[0].1, 601);
    }

    #[test]
    fn the_spam_filter_is_per_source_and_object_not_per_reason() {
        let mut c = Correlator::default();
        for i in 0..30u64 {
            c.observe(
                i,
                Source::JobController,
                ObjectId::Job(JobId(7)),
                ObjectRef::Job("j"),
                0,
                if i % 2 == 0 {
                    Reason::Suspended
                } else {
                    Reason::Resumed
                },
                "same",
            );
        }
        c.observe(
            31,
            Source::CronJobController,
            ObjectId::Job(JobId(7)),
            ObjectRef::Job("j"),
            0,
            Reason::Suspended,
            "same",
        );
        let mut rows = Vec::new();
        c.close_all(&mut |r| rows.push((r.reason.to_string(), r.count)));
        // 25 tokens for job-controller: Suspended written 13 times, Resumed 12 times; the
        // other source has its own bucket.
        assert_eq!(
            rows,
            vec![
                ("Suspended".to_string(), 13),
                ("Resumed".to_string(), 12),
                ("Suspended".to_string(), 1)
            ]
        );
    }

    #[test]
    fn two_objects_of_one_name_keep_their_own_event_objects_as_upstream_keys_include_the_uid() {
        let mut c = Correlator::default();
        for (t, id) in [(0, 1), (1, 2), (2, 1)] {
            c.observe(
                t,
                Source::JobController,
                ObjectId::Job(JobId(id)),
                ObjectRef::Job("again"),
                0,
                Reason::Completed,
                "Job completed",
            );
        }
        let mut rows = Vec::new();
        c.close(ObjectId::Job(JobId(2)), &mut |r| {
            rows.push((r.object.to_string(), r.count))
        });
        c.close_all(&mut |r| rows.push((r.object.to_string(), r.count)));
        assert_eq!(
            rows,
            vec![("job/again".to_string(), 1), ("job/again".to_string(), 2)]
        );
    }
}
