//! Seeded random streams. Each stream is derived from `(seed, purpose, object)`, so a new
//! random draw for one purpose or object never shifts the draws of any other: adding a
//! pod to a run does not change the durations of the pods already there.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Derives independent ChaCha8 streams from a run's seed.
#[derive(Debug, Clone, Copy)]
pub struct RngStreams {
    seed: u64,
}

impl RngStreams {
    pub fn new(seed: u64) -> Self {
        RngStreams { seed }
    }

    #[allow(dead_code)] // kept for crate callers
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream for `purpose` (a fixed name such as `"duration"`) and `object` (an id).
    /// Inlined, so that the hash of a literal `purpose` is folded at compile time.
    #[inline]
    pub fn stream(&self, purpose: &str, object: u64) -> ChaCha8Rng {
        let mut key = [0u8; 32];
        let mut h = fnv1a(purpose.as_bytes());
        for (i, chunk) in key.chunks_mut(8).enumerate() {
            h = splitmix64(h ^ self.seed.rotate_left(i as u32 * 16) ^ object);
            chunk.copy_from_slice(&h.to_le_bytes());
        }
        ChaCha8Rng::from_seed(key)
    }

    /// The stream for `purpose` and an object named by three numbers, such as a container
    /// run `(pod, container, run)`. No two tuples share a stream. Tuples with `a < 2^40`,
    /// `b < 2^8` and `c < 2^16 - 1` get the stream of the packed word
    /// `a << 24 | b << 16 | c` (how earlier versions named them, kept so that the outputs of
    /// existing runs do not change); any other tuple gets a stream derived from all three
    /// words in full, distinct from every single-word stream.
    pub fn stream_tuple(&self, purpose: &str, a: u64, b: u64, c: u64) -> ChaCha8Rng {
        if a < 1 << 40 && b < 1 << 8 && c < 0xffff {
            return self.stream(purpose, (a << 24) | (b << 16) | c);
        }
        let mut key = [0u8; 32];
        // A different start than `stream` for the same purpose, so wide keys never meet
        // packed ones.
        let mut h = fnv1a(purpose.as_bytes()) ^ WIDE_TAG;
        for (i, chunk) in key.chunks_mut(8).enumerate() {
            h = splitmix64(h ^ self.seed.rotate_left(i as u32 * 16));
            for word in [a, b, c] {
                h = splitmix64(h ^ word);
            }
            chunk.copy_from_slice(&h.to_le_bytes());
        }
        ChaCha8Rng::from_seed(key)
    }
}

/// Separates the wide derivation of [`RngStreams::stream_tuple`] from the single-word one.
const WIDE_TAG: u64 = 0x5749_4445_2d4b_4559;

/// FNV-1a over bytes: a fixed, portable hash (std's hashers are not guaranteed stable).
#[inline]
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A tiny xorshift generator for the property tests of data structures (random operation
/// sequences checked against a plain model): fast, seeded, and no dependency on the
/// simulation's own streams.
#[cfg(test)]
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed.max(1);
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let s = RngStreams::new(42);
        let a1: u64 = s.stream("duration", 7).next_u64();
        let a2: u64 = s.stream("duration", 7).next_u64();
        let b: u64 = s.stream("duration", 8).next_u64();
        let c: u64 = s.stream("suffix", 7).next_u64();
        let d: u64 = RngStreams::new(43).stream("duration", 7).next_u64();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
        assert_ne!(a1, c);
        assert_ne!(a1, d);
    }

    fn first(mut r: ChaCha8Rng) -> u64 {
        r.next_u64()
    }

    #[test]
    fn container_run_streams_do_not_collide_past_65535_runs_or_255_containers() {
        let s = RngStreams::new(7);
        let key = |pod, c, run| first(s.stream_tuple("container-run", pod, c, run));
        // Runs past 65,535 used to share one stream.
        assert_ne!(key(1, 0, 0xffff), key(1, 0, 0x1_0000));
        assert_ne!(key(1, 0, 0xfffe), key(1, 0, 0xffff));
        // Container 256 used to overlap the pod bits (pod 1, container 0).
        assert_ne!(key(0, 256, 0), key(1, 0, 0));
        // Run counts past 16 bits no longer spill into the container bits.
        assert_ne!(key(1, 1, 0), key(1, 0, 0x1_0000));
    }

    #[test]
    fn small_container_run_tuples_keep_their_packed_stream() {
        let s = RngStreams::new(7);
        for (pod, c, run) in [(0, 0, 0), (5, 3, 17), ((1 << 40) - 1, 255, 0xfffe)] {
            assert_eq!(
                first(s.stream_tuple("container-run", pod, c, run)),
                first(s.stream("container-run", (pod << 24) | (c << 16) | run))
            );
        }
    }
}
