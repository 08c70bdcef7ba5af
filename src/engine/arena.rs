//! An arena of objects addressed by dense numeric ids that are never reused. Removing an
//! object frees its memory (each object is boxed; a removed slot costs one pointer), and the
//! removed slots before the oldest live object are dropped altogether, so a year of CronJob
//! runs, whose history limits delete the oldest Jobs and pods first, keeps memory for the
//! objects that still exist and not one slot per object ever created. Iteration is in id
//! order, which is creation order.

/// Objects by id; ids grow with insertion and are never handed out twice.
#[derive(Debug, Clone)]
pub struct Arena<T> {
    /// Slot `i` holds id `base + i`. A plain vector rather than a ring: a lookup is one
    /// subtraction and one bounds check (the store looks objects up hundreds of times per
    /// Job; a `VecDeque` adds its wrap-around arithmetic to each).
    slots: Vec<Option<Box<T>>>,
    base: u32,
    /// Leading slots known empty: ids below `base + head` were all removed. They are cut
    /// off in one move once they are half the vector, so each costs O(1) amortised.
    head: usize,
    live: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            slots: Vec::new(),
            base: 0,
            head: 0,
            live: 0,
        }
    }
}

impl<T> Arena<T> {
    /// The id the next [`Arena::push`] will return.
    pub fn next_id(&self) -> u32 {
        self.base + self.slots.len() as u32
    }

    pub fn push(&mut self, value: T) -> u32 {
        let id = self.next_id();
        self.slots.push(Some(Box::new(value)));
        self.live += 1;
        id
    }

    /// The slot of `id`, if it may be held (ids below `base` were removed).
    #[inline]
    fn slot(&self, id: u32) -> Option<usize> {
        id.checked_sub(self.base).map(|i| i as usize)
    }

    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        self.slots.get(self.slot(id)?)?.as_deref()
    }

    #[inline]
    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        let i = self.slot(id)?;
        self.slots.get_mut(i)?.as_deref_mut()
    }

    pub fn contains(&self, id: u32) -> bool {
        self.get(id).is_some()
    }

    pub fn remove(&mut self, id: u32) -> Option<Box<T>> {
        let i = self.slot(id)?;
        let taken = self.slots.get_mut(i).and_then(Option::take);
        if taken.is_some() {
            self.live -= 1;
            while self.slots.get(self.head).is_some_and(Option::is_none) {
                self.head += 1;
            }
            if self.head == self.slots.len() {
                // Nothing left: forget every slot at once.
                self.base += self.slots.len() as u32;
                self.slots.clear();
                self.head = 0;
            } else if self.head >= 32 && self.head * 2 >= self.slots.len() {
                self.slots.drain(..self.head);
                self.base += self.head as u32;
                self.head = 0;
            }
            // An arena emptied of a long history gives its memory back.
            if self.slots.capacity() > 64 && self.slots.len() < self.slots.capacity() / 4 {
                self.slots.shrink_to(self.slots.len() * 2);
            }
        }
        taken
    }

    /// The id of the oldest object still held (the next id when none is).
    pub fn first_id(&self) -> u32 {
        self.base + self.head as u32
    }

    /// Objects that still exist.
    #[allow(dead_code)] // kept for crate callers
    pub fn len(&self) -> usize {
        self.live
    }

    #[allow(dead_code)] // kept for crate callers
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Every id ever handed out.
    #[allow(dead_code)] // kept for crate callers
    pub fn total(&self) -> usize {
        self.next_id() as usize
    }

    /// Live objects in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        let first = self.first_id();
        self.slots[self.head..]
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| s.as_deref().map(|v| (first + i as u32, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_ids_are_never_reused() {
        let mut a = Arena::default();
        let x = a.push("x");
        let y = a.push("y");
        assert_eq!(a.remove(x).as_deref(), Some(&"x"));
        assert!(!a.contains(x));
        let z = a.push("z");
        assert_ne!(z, x);
        assert_eq!(a.len(), 2);
        assert_eq!(a.total(), 3);
        let ids: Vec<u32> = a.iter().map(|(i, _)| i).collect();
        assert_eq!(ids, vec![y, z]);
    }

    #[test]
    fn lookups_removals_and_iteration_agree_with_an_ordered_map() {
        use std::collections::BTreeMap;
        let mut a = Arena::default();
        let mut model: BTreeMap<u32, u64> = BTreeMap::new();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for step in 0..40_000u64 {
            // Phases that mostly add, mostly remove the oldest (as history limits do), or
            // remove anywhere, so the arena empties, refills and cuts its head often.
            let phase = step / 2_000 % 3;
            match next(10) {
                0..=3 if phase != 1 => {
                    let id = a.push(step);
                    assert_eq!(id, a.total() as u32 - 1);
                    model.insert(id, step);
                }
                0..=5 if phase == 1 => {
                    let oldest = model.keys().next().copied();
                    if let Some(id) = oldest {
                        assert_eq!(a.remove(id).map(|b| *b), model.remove(&id));
                    }
                }
                _ => {
                    let id = next(a.total() as u64 + 2) as u32;
                    assert_eq!(a.remove(id).map(|b| *b), model.remove(&id));
                }
            }
            let probe = next(a.total() as u64 + 2) as u32;
            assert_eq!(a.get(probe), model.get(&probe));
            assert_eq!(a.get_mut(probe).map(|v| *v), model.get(&probe).copied());
            assert_eq!(a.len(), model.len());
            let oldest = model.keys().next().copied();
            assert_eq!(a.first_id(), oldest.unwrap_or(a.next_id()));
            if step % 997 == 0 {
                let ids: Vec<(u32, u64)> = a.iter().map(|(i, v)| (i, *v)).collect();
                let want: Vec<(u32, u64)> = model.iter().map(|(&i, &v)| (i, v)).collect();
                assert_eq!(ids, want);
            }
        }
    }

    #[test]
    fn removed_slots_before_the_oldest_live_object_are_freed() {
        let mut a = Arena::default();
        for i in 0..10_000u32 {
            let id = a.push(i);
            if i >= 3 {
                a.remove(id - 3);
            }
        }
        assert_eq!(a.len(), 3);
        assert_eq!(a.total(), 10_000);
        assert!(
            a.slots.len() - a.head <= 3 && a.slots.capacity() <= 128,
            "{} {} {}",
            a.slots.len(),
            a.head,
            a.slots.capacity()
        );
        assert_eq!(a.get(9_999), Some(&9_999));
        assert_eq!(a.get(5), None);
        let ids: Vec<u32> = a.iter().map(|(i, _)| i).collect();
        assert_eq!(ids, vec![9_997, 9_998, 9_999]);
    }
}
