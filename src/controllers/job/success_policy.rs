//! `spec.successPolicy` (reference job-semantics §13, `success_policy.go`): the first
//! rule satisfied by the set of succeeded indexes declares the Job successful.

use crate::api::job::SuccessPolicy;

/// The index of the first satisfied rule, if any.
pub fn matched_rule(
    policy: &SuccessPolicy,
    succeeded: impl Fn(u32) -> bool,
    count: usize,
) -> Option<usize> {
    policy.rules.iter().position(|rule| {
        let listed = rule.succeeded_indexes.as_deref().map(parse_intervals);
        match (listed, rule.succeeded_count) {
            (Some(ranges), None) => ranges.iter().all(|&(a, b)| (a..=b).all(&succeeded)),
            (None, Some(n)) => count >= n.max(0) as usize,
            (Some(ranges), Some(n)) => {
                let inside: usize = ranges
                    .iter()
                    .map(|&(a, b)| (a..=b).filter(|&i| succeeded(i)).count())
                    .sum();
                inside >= n.max(0) as usize
            }
            (None, None) => false,
        }
    })
}

/// `"0,2-3"` → `[(0, 0), (2, 3)]`. Validation has already checked the syntax.
pub fn parse_intervals(text: &str) -> Vec<(u32, u32)> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .filter_map(|part| {
            let part = part.trim();
            match part.split_once('-') {
                Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
                None => {
                    let v = part.parse().ok()?;
                    Some((v, v))
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::job::SuccessPolicyRule;

    fn policy(rules: Vec<(Option<&str>, Option<i32>)>) -> SuccessPolicy {
        SuccessPolicy {
            rules: rules
                .into_iter()
                .map(|(ix, n)| SuccessPolicyRule {
                    succeeded_indexes: ix.map(str::to_string),
                    succeeded_count: n,
                })
                .collect(),
        }
    }

    #[test]
    fn indexes_only_needs_every_listed_index() {
        let p = policy(vec![(Some("0,2-3"), None)]);
        assert_eq!(matched_rule(&p, |i| [0, 2, 3].contains(&i), 3), Some(0));
        assert_eq!(matched_rule(&p, |i| [0, 2].contains(&i), 2), None);
    }

    #[test]
    fn count_only_needs_that_many_succeeded_indexes() {
        let p = policy(vec![(None, Some(2))]);
        assert_eq!(matched_rule(&p, |i| i < 2, 2), Some(0));
        assert_eq!(matched_rule(&p, |i| i < 1, 1), None);
    }

    #[test]
    fn both_count_only_indexes_inside_the_list() {
        // docs example: {succeededIndexes "0,2-3", succeededCount 1}; only index 2 succeeds
        let p = policy(vec![(Some("0,2-3"), Some(1))]);
        assert_eq!(matched_rule(&p, |i| i == 2, 1), Some(0));
        assert_eq!(matched_rule(&p, |i| i == 5, 1), None);
    }

    #[test]
    fn first_satisfied_rule_wins() {
        let p = policy(vec![(Some("7"), None), (None, Some(1))]);
        assert_eq!(matched_rule(&p, |i| i == 1, 1), Some(1));
    }
}
