//! Node prices: what a node of a pool costs per hour (`price: {perHour: 0.384}`), with an
//! optional billing rule as clouds apply it (`granularity: 1s` rounds each node's billed
//! time up to whole steps, `minimum: 60s` bills at least that much per node), and the
//! scenario's `currency` (default USD). Only the model and its checks live here; the
//! figures are computed from a run by the record layer (`record::cost`).

use serde::Deserialize;

use crate::time::{HOUR, SimDuration, parse_duration};

/// The currency when a scenario does not name one.
pub const DEFAULT_CURRENCY: &str = "USD";

/// The most a node may cost per hour: far above any cloud instance (the largest cost a few
/// hundred per hour), low enough that a year of 100,000 nodes stays an exact float sum.
pub const MAX_PRICE_PER_HOUR: f64 = 1_000_000.0;

/// What a node of one pool costs, and how its time is billed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Currency units per node-hour.
    pub per_hour: f64,
    /// Billed time is rounded up to a whole number of these (1 ms: not rounded).
    pub granularity: SimDuration,
    /// Each node is billed at least this long (0: no minimum).
    pub minimum: SimDuration,
}

impl Price {
    /// The time billed for a node that existed `lived` milliseconds: rounded up to the
    /// granularity, at least the minimum.
    pub fn billed(&self, lived: SimDuration) -> SimDuration {
        let g = self.granularity.max(1);
        let rounded = lived.div_ceil(g).saturating_mul(g);
        rounded.max(self.minimum)
    }

    /// The cost of `ms` milliseconds of one node.
    pub fn cost_of(&self, ms: SimDuration) -> f64 {
        self.per_hour * ms as f64 / HOUR as f64
    }
}

/// `price:` of a node pool, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceSpec {
    per_hour: f64,
    #[serde(default)]
    granularity: Option<String>,
    #[serde(default)]
    minimum: Option<String>,
}

impl PriceSpec {
    /// Checks the price of the pool at `field` (`spec.cluster.nodePools[0].price`); every
    /// message starts with the path of the field it is about.
    pub fn resolve(&self, field: &str) -> Result<Price, String> {
        if !self.per_hour.is_finite() || self.per_hour < 0.0 {
            return Err(format!(
                "{field}.perHour: Invalid value: {}: must be a number of at least 0 (currency units per node-hour, such as 0.384)",
                self.per_hour
            ));
        }
        if self.per_hour > MAX_PRICE_PER_HOUR {
            return Err(format!(
                "{field}.perHour: Invalid value: {}: must be at most {MAX_PRICE_PER_HOUR} per node-hour (jobsim's limit)",
                self.per_hour
            ));
        }
        let duration = |name: &str, text: &Option<String>| {
            text.as_deref()
                .map(|t| parse_duration(t).map_err(|e| format!("{field}.{name}: {e}")))
                .transpose()
        };
        let granularity = duration("granularity", &self.granularity)?;
        if granularity == Some(0) {
            return Err(format!(
                "{field}.granularity: Invalid value: 0s: must be greater than zero (such as 1s or 1h)"
            ));
        }
        Ok(Price {
            per_hour: self.per_hour,
            granularity: granularity.unwrap_or(1),
            minimum: duration("minimum", &self.minimum)?.unwrap_or(0),
        })
    }
}

/// Checks `spec.currency`: an ISO 4217 code, three capital letters (`USD`, `EUR`).
pub fn check_currency(code: &str) -> Result<(), String> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!(
            "spec.currency: Invalid value: {:?}: must be an ISO 4217 code of three capital letters, such as USD or EUR",
            crate::excerpt::excerpt(code)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SECOND;

    #[test]
    fn billed_time_rounds_up_to_the_granularity_and_never_below_the_minimum() {
        let p = Price {
            per_hour: 1.0,
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        assert_eq!(p.billed(14_040), 60 * SECOND);
        assert_eq!(p.billed(61_001), 62 * SECOND);
        assert_eq!(p.billed(120 * SECOND), 120 * SECOND);
        let exact = Price {
            per_hour: 0.384,
            granularity: 1,
            minimum: 0,
        };
        assert_eq!(exact.billed(14_040), 14_040);
        assert!((exact.cost_of(HOUR) - 0.384).abs() < 1e-12);
    }

    #[test]
    fn a_negative_price_or_a_zero_granularity_is_refused_with_its_field() {
        let spec: PriceSpec = yaml_serde::from_str("{perHour: -1}").unwrap();
        let err = spec.resolve("spec.cluster.nodePools[0].price").unwrap_err();
        assert!(
            err.starts_with("spec.cluster.nodePools[0].price.perHour: Invalid value: -1"),
            "{err}"
        );
        let spec: PriceSpec = yaml_serde::from_str("{perHour: 1, granularity: 0s}").unwrap();
        let err = spec.resolve("p").unwrap_err();
        assert!(err.starts_with("p.granularity: Invalid value"), "{err}");
        let spec: PriceSpec = yaml_serde::from_str("{perHour: 1, minimum: soon}").unwrap();
        assert!(spec.resolve("p").unwrap_err().starts_with("p.minimum: "));
    }

    #[test]
    fn currencies_are_three_capital_letters() {
        assert!(check_currency("EUR").is_ok());
        assert!(check_currency("usd").is_err());
        assert!(check_currency("DOLLARS").is_err());
    }
}
