//! Pod names as the API server generates them from the Job controller's `generateName`
//! (reference job-semantics §2): `<job>-<suffix>` or, for Indexed Jobs,
//! `<job>-<index>-<suffix>`, with a 5-character random suffix.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The alphabet of `k8s.io/apimachinery/pkg/util/rand.String`: no vowels, no look-alikes.
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
/// `maxGeneratedNameLength`: 63 minus the 5-character suffix.
const MAX_GENERATE_NAME_PREFIX: usize = 58;

/// The `generateName` prefix of a Job's pods.
#[cfg(test)]
pub fn pod_name_prefix(job: &str, index: Option<u32>) -> String {
    let mut p = String::new();
    push_pod_name_prefix(&mut p, job, index);
    p
}

/// Appends the `generateName` prefix of a Job's pods to `out`, without allocating a copy.
pub fn push_pod_name_prefix(out: &mut String, job: &str, index: Option<u32>) {
    use std::fmt::Write as _;
    match index {
        None => {
            let start = out.len();
            out.push_str(job);
            out.push('-');
            // Job names are DNS labels (ASCII), so any byte offset is a char boundary.
            out.truncate(start + MAX_GENERATE_NAME_PREFIX.min(job.len() + 1));
        }
        Some(i) => {
            // The controller shortens the Job name so that `<job>-<index>-` fits.
            let tail = decimal_len(i) + 2;
            let keep = MAX_GENERATE_NAME_PREFIX.saturating_sub(tail).min(job.len());
            out.push_str(&job[..keep]);
            let _ = write!(out, "-{i}-");
        }
    }
}

/// Digits of `i` in decimal.
fn decimal_len(i: u32) -> usize {
    i.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// A random 5-character suffix from the seeded stream.
#[cfg(test)]
pub fn random_suffix(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::with_capacity(5);
    push_random_suffix(&mut s, rng);
    s
}

/// Appends a random 5-character suffix from the seeded stream to `out`.
pub fn push_random_suffix(out: &mut String, rng: &mut ChaCha8Rng) {
    for _ in 0..5 {
        out.push(SUFFIX_ALPHABET[rng.random_range(0..SUFFIX_ALPHABET.len())] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngStreams;

    #[test]
    fn indexed_pod_names_carry_the_index() {
        assert_eq!(pod_name_prefix("work", Some(3)), "work-3-");
        assert_eq!(pod_name_prefix("work", None), "work-");
    }

    #[test]
    fn long_job_names_are_truncated_to_fit_generate_name() {
        let long = "a".repeat(70);
        assert_eq!(pod_name_prefix(&long, None).len(), 58);
        let p = pod_name_prefix(&long, Some(12));
        assert_eq!(p.len(), 58);
        assert!(p.ends_with("-12-"));
    }

    #[test]
    fn prefixes_written_in_place_match_the_formatted_ones() {
        let long = "b".repeat(70);
        for job in ["work", "a", long.as_str(), &long[..57], &long[..58]] {
            for index in [
                None,
                Some(0),
                Some(9),
                Some(10),
                Some(12345),
                Some(u32::MAX),
            ] {
                let expected = match index {
                    None => {
                        let mut p = format!("{job}-");
                        p.truncate(MAX_GENERATE_NAME_PREFIX);
                        p
                    }
                    Some(i) => {
                        let tail = format!("-{i}-");
                        let keep = MAX_GENERATE_NAME_PREFIX
                            .saturating_sub(tail.len())
                            .min(job.len());
                        format!("{}{tail}", &job[..keep])
                    }
                };
                let mut out = String::from("x");
                push_pod_name_prefix(&mut out, job, index);
                assert_eq!(out[1..], expected, "{job} {index:?}");
            }
        }
    }

    #[test]
    fn suffixes_use_the_kubernetes_alphabet() {
        let mut rng = RngStreams::new(1).stream("names", 0);
        for _ in 0..100 {
            let s = random_suffix(&mut rng);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)));
        }
    }
}
