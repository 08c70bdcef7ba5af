//! Expectations that must hold across seeds (`probability: {seeds: 200, atLeast: 0.95}`):
//! the scenario is run once per seed, in parallel, and the share of runs in which the
//! expectation held is compared with the bound. Each run is independent and the count is
//! a sum, so the verdict and its numbers do not depend on the number of threads.

use rayon::prelude::*;

use super::{ExpectSink, Expectation, Verdict, evaluate};
use crate::record::NullSink;
use crate::scenario::Scenario;

/// The z of a two-sided 95 % confidence interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval of `k` successes in `n` trials, 95 %.
pub fn wilson_interval(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.trim_end_matches(".0"))
}

/// Runs `scenario` with seeds `scenario.seed`, `scenario.seed + 1`, … (`seeds` of them, or
/// the expectation's own count) on the current rayon pool and judges `e` in each.
pub fn judge_across_seeds(scenario: &Scenario, e: &Expectation, seeds: Option<u64>) -> Verdict {
    let p = e.probability.unwrap_or(super::Probability {
        seeds: 1,
        at_least: 1.0,
    });
    let n = seeds.unwrap_or(p.seeds).max(1);
    let single = Expectation {
        check: e.check.clone(),
        probability: None,
    };
    let expectations = std::slice::from_ref(&single);
    let held: u64 = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut s = scenario.clone();
            s.seed = scenario.seed.wrapping_add(i);
            let mut null = NullSink;
            let mut sink = ExpectSink::new(&mut null, expectations);
            // A null sink never fails and nothing breaks the run off, so every seed ends.
            let r = crate::world::simulate(&s, &mut sink, None);
            let seen = sink.into_observed();
            r.map_or(0, |r| u64::from(evaluate(expectations, &r, &seen)[0].pass))
        })
        .sum();
    let share = held as f64 / n as f64;
    let (lo, hi) = wilson_interval(held, n);
    let base = super::describe(&single.check);
    Verdict {
        pass: share >= p.at_least,
        expected: format!("{base} in at least {} of {n} seeds", percent(p.at_least)),
        measured: format!(
            "held in {held} of {n} seeds ({}, 95% CI {}–{})",
            percent(share),
            percent(lo),
            percent(hi)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wilson_interval_brackets_the_share() {
        let (lo, hi) = wilson_interval(190, 200);
        assert!(lo < 0.95 && 0.95 < hi && lo > 0.9 && hi < 0.98, "{lo} {hi}");
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
    }
}
