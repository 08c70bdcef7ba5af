//! An arena of objects addressed by dense numeric ids that are never reused. Removing an
//! object frees its memory (each object is boxed; a removed slot costs one pointer), so a
//! year of CronJob runs keeps only the objects that still exist. Iteration is in id order,
//! which is creation order.

/// Objects by id; ids grow with insertion and are never handed out twice.
#[derive(Debug, Clone)]
pub struct Arena<T> {
    slots: Vec<Option<Box<T>>>,
    live: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            slots: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Arena<T> {
    /// The id the next [`Arena::push`] will return.
    pub fn next_id(&self) -> u32 {
        self.slots.len() as u32
    }

    pub fn push(&mut self, value: T) -> u32 {
        self.slots.push(Some(Box::new(value)));
        self.live += 1;
        (self.slots.len() - 1) as u32
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.slots.get(id as usize).and_then(|s| s.as_deref())
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.slots
            .get_mut(id as usize)
            .and_then(|s| s.as_deref_mut())
    }

    pub fn contains(&self, id: u32) -> bool {
        self.get(id).is_some()
    }

    pub fn remove(&mut self, id: u32) -> Option<Box<T>> {
        let taken = self.slots.get_mut(id as usize).and_then(Option::take);
        if taken.is_some() {
            self.live -= 1;
        }
        taken
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
        self.slots.len()
    }

    /// Live objects in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_deref().map(|v| (i as u32, v)))
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
}
