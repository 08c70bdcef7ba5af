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
pub fn pod_name_prefix(job: &str, index: Option<u32>) -> String {
    match index {
        None => {
            let mut p = format!("{job}-");
            p.truncate(MAX_GENERATE_NAME_PREFIX);
            p
        }
        Some(i) => {
            // The controller shortens the Job name so that `<job>-<index>-` fits.
            let tail = format!("-{i}-");
            let keep = MAX_GENERATE_NAME_PREFIX
                .saturating_sub(tail.len())
                .min(job.len());
            format!("{}{tail}", &job[..keep])
        }
    }
}

/// A random 5-character suffix from the seeded stream.
pub fn random_suffix(rng: &mut ChaCha8Rng) -> String {
    (0..5)
        .map(|_| SUFFIX_ALPHABET[rng.random_range(0..SUFFIX_ALPHABET.len())] as char)
        .collect()
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
    fn suffixes_use_the_kubernetes_alphabet() {
        let mut rng = RngStreams::new(1).stream("names", 0);
        for _ in 0..100 {
            let s = random_suffix(&mut rng);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)));
        }
    }
}
