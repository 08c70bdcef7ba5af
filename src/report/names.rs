//! Interned text for the report's records: Job, node and owner names (and the few reasons the
//! report keeps) are stored once, and records refer to them by a 4-byte [`Name`].
//!
//! It owns the storage (one text arena, no allocation per name) and the lookup table. A year of
//! an every-minute CronJob has half a million Job names: stored as `String`s in every row they
//! cost ~100 bytes each, here ~30. It must not know what the names mean, and its ids are
//! assigned in order of first interning, so they are deterministic for a given input.

use std::num::NonZeroU32;

/// One interned text. Ids count from 1 in order of first interning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(NonZeroU32);

impl Name {
    /// Position in order of interning, from 0: usable as an index into per-name tables.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// The interner.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Every name, back to back.
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<u32>,
    /// Open addressing with linear probing: a `Name` id, or 0 for an empty slot. Its length is
    /// a power of two (or zero).
    table: Vec<u32>,
}

/// Why a name could not be interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyNames;

fn hash(bytes: &[u8]) -> u64 {
    // FxHash-style mixing over 8-byte words: deterministic and fast; the table uses the top
    // bits, which the multiplication mixes best.
    let mut h = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h
}

impl Names {
    /// How many distinct names there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of a name interned here.
    pub fn text(&self, name: Name) -> &str {
        let i = name.index();
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn slot(&self, h: u64) -> usize {
        let bits = self.table.len().trailing_zeros();
        (h >> (64 - bits)) as usize
    }

    /// The name of `text`, if it was interned.
    pub fn get(&self, text: &str) -> Option<Name> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut slot = self.slot(hash(text.as_bytes()));
        loop {
            let id = NonZeroU32::new(self.table[slot])?;
            if self.text(Name(id)) == text {
                return Some(Name(id));
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The name of `text`, interning it if it is new. Fails only past 4 GiB of distinct text.
    pub fn intern(&mut self, text: &str) -> Result<Name, TooManyNames> {
        if let Some(name) = self.get(text) {
            return Ok(name);
        }
        // Keep the table at most three-quarters full.
        if (self.ends.len() + 1) * 4 > self.table.len() * 3 {
            self.grow();
        }
        let end = u32::try_from(self.text.len() + text.len()).map_err(|_| TooManyNames)?;
        let id = u32::try_from(self.ends.len() + 1).map_err(|_| TooManyNames)?;
        self.text.push_str(text);
        self.ends.push(end);
        self.place(id, hash(text.as_bytes()));
        Ok(Name(NonZeroU32::new(id).ok_or(TooManyNames)?))
    }

    fn place(&mut self, id: u32, h: u64) {
        let mask = self.table.len() - 1;
        let mut slot = self.slot(h);
        while self.table[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        self.table[slot] = id;
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(64);
        self.table = vec![0; size];
        for i in 0..self.ends.len() {
            let name = Name(NonZeroU32::new(i as u32 + 1).expect("ids start at 1"));
            let h = hash(self.text(name).as_bytes());
            self.place(i as u32 + 1, h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_twice_gives_the_same_name_and_text_round_trips() {
        let mut names = Names::default();
        let a = names.intern("every-minute-29453761").unwrap();
        let b = names.intern("worker-0").unwrap();
        assert_eq!(names.intern("every-minute-29453761").unwrap(), a);
        assert_ne!(a, b);
        assert_eq!(names.text(a), "every-minute-29453761");
        assert_eq!(names.text(b), "worker-0");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(names.get("worker-1"), None);
        assert_eq!(names.get("worker-0"), Some(b));
    }

    #[test]
    fn many_names_survive_table_growth_in_order() {
        let mut names = Names::default();
        let ids: Vec<Name> = (0..50_000)
            .map(|i| names.intern(&format!("job-{i}")).unwrap())
            .collect();
        assert_eq!(names.len(), 50_000);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(id.index(), i);
            assert_eq!(names.get(&format!("job-{i}")), Some(*id));
            assert_eq!(names.text(*id), format!("job-{i}"));
        }
        // The empty text is a name like any other.
        let empty = names.intern("").unwrap();
        assert_eq!(names.text(empty), "");
    }
}
