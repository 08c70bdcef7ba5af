//! An arena of objects addressed by dense numeric ids that are never reused. Removing an
//! object frees its memory (each object is boxed; a removed slot costs one pointer), and the
//! removed slots before the oldest live object are dropped altogether, so a year of CronJob
//! runs, whose history limits delete the oldest Jobs and pods first, keeps memory for the
//! objects that still exist and not one slot per object ever created. Iteration is in id
//! order, which is creation order.

use std::collections::VecDeque;

/// Objects by id; ids grow with insertion and are never handed out twice.
#[derive(Debug, Clone)]
pub struct Arena<T> {
    /// Slot `i` holds id `first + i`; ids below `first` were all removed.
    slots: VecDeque<Option<Box<T>>>,
    first: u32,
    live: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            slots: VecDeque::new(),
            first: 0,
            live: 0,
        }
    }
}

impl<T> Arena<T> {
    /// The id the next [`Arena::push`] will return.
    pub fn next_id(&self) -> u32 {
        self.first + self.slots.len() as u32
    }

    pub fn push(&mut self, value: T) -> u32 {
        let id = self.next_id();
        self.slots.push_back(Some(Box::new(value)));
        self.live += 1;
        id
    }

    /// The slot of `id`, if it is still held.
    fn slot(&self, id: u32) -> Option<usize> {
        id.checked_sub(self.first).map(|i| i as usize)
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.slot(id)
            .and_then(|i| self.slots.get(i))
            .and_then(|s| s.as_deref())
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        let i = self.slot(id)?;
        self.slots.get_mut(i).and_then(|s| s.as_deref_mut())
    }

    pub fn contains(&self, id: u32) -> bool {
        self.get(id).is_some()
    }

    pub fn remove(&mut self, id: u32) -> Option<Box<T>> {
        let i = self.slot(id)?;
        let taken = self.slots.get_mut(i).and_then(Option::take);
        if taken.is_some() {
            self.live -= 1;
            while let Some(None) = self.slots.front() {
                self.slots.pop_front();
                self.first += 1;
            }
            // A queue emptied of a long history gives its memory back.
            if self.slots.capacity() > 64 && self.slots.len() < self.slots.capacity() / 4 {
                self.slots.shrink_to(self.slots.len() * 2);
            }
        }
        taken
    }

    /// The id of the oldest object still held (the next id when none is).
    pub fn first_id(&self) -> u32 {
        self.first
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
        let first = self.first;
        self.slots
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
            a.slots.len() <= 3 && a.slots.capacity() <= 128,
            "{}",
            a.slots.capacity()
        );
        assert_eq!(a.get(9_999), Some(&9_999));
        assert_eq!(a.get(5), None);
        let ids: Vec<u32> = a.iter().map(|(i, _)| i).collect();
        assert_eq!(ids, vec![9_997, 9_998, 9_999]);
    }
}
