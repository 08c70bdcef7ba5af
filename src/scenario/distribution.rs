//! Timing and duration models: a fixed duration or a distribution, sampled from a seeded
//! stream. Samples are whole milliseconds, never negative.

use rand::{Rng, RngExt};
use serde::Deserialize;

use crate::time::{SimDuration, parse_duration};

/// A duration model as written in a scenario: a bare duration (`5s`) or one of
/// `{uniform: [a, b]}`, `{exponential: {mean}}`, `{normal: {mean, stddev}}` (truncated at 0),
/// `{lognormal: {median, p99}}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Fixed(SimDuration),
    Uniform(SimDuration, SimDuration),
    Exponential {
        mean: SimDuration,
    },
    Normal {
        mean: SimDuration,
        stddev: SimDuration,
    },
    LogNormal {
        median: SimDuration,
        p99: SimDuration,
    },
}

/// z-score of the 99th percentile of the standard normal distribution.
const Z_99: f64 = 2.326_347_874_040_841;

impl Distribution {
    /// Draws one sample in milliseconds.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        let ms = match *self {
            Distribution::Fixed(d) => return d,
            Distribution::Uniform(a, b) => {
                if b <= a {
                    return a;
                }
                return rng.random_range(a..=b);
            }
            Distribution::Exponential { mean } => {
                let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                -(mean as f64) * u.ln()
            }
            Distribution::Normal { mean, stddev } => mean as f64 + stddev as f64 * std_normal(rng),
            Distribution::LogNormal { median, p99 } => {
                let mu = (median.max(1) as f64).ln();
                let sigma = ((p99.max(median).max(1) as f64).ln() - mu) / Z_99;
                (mu + sigma * std_normal(rng)).exp()
            }
        };
        if ms.is_finite() && ms > 0.0 {
            ms.round().min(u64::MAX as f64 / 2.0) as u64
        } else {
            0
        }
    }
}

/// Box–Muller from two uniform draws: portable and exactly reproducible.
fn std_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The YAML form of a [`Distribution`].
#[derive(Debug, Clone)]
pub enum DistributionSpec {
    Fixed(String),
    Tagged(TaggedSpec),
}

/// The forms a distribution may take, for messages.
const FORMS: &str = "a single value (such as 5s, or 300Mi for memory) or one of {uniform: [a, b]}, \
                     {exponential: {mean}}, {normal: {mean, stddev}}, {lognormal: {median, p99}}";

impl<'de> Deserialize<'de> for DistributionSpec {
    /// A string is a fixed value; a mapping names one distribution. A mistake inside a
    /// mapping (`stdev` for `stddev`) is reported as such, with the forms allowed. The value
    /// is judged inside the deserializer's own visit, so that the YAML reader places a
    /// mistake at the distribution's field and position (`behavior.duration`, where the
    /// `{uniform: …}` starts), not at the mapping that holds it.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SpecVisitor)
    }
}

/// Reads any YAML value and judges it with [`DistributionSpec::from_value`].
struct SpecVisitor;

impl<'de> serde::de::Visitor<'de> for SpecVisitor {
    type Value = DistributionSpec;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(FORMS)
    }
    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Bool(b))
    }
    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Number(i.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Number(u.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Number(f.into()))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::String(s.to_owned()))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<DistributionSpec, E> {
        DistributionSpec::from_value(yaml_serde::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<DistributionSpec, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<DistributionSpec, A::Error> {
        let value =
            yaml_serde::Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        DistributionSpec::from_value(value)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DistributionSpec, A::Error> {
        let value =
            yaml_serde::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        DistributionSpec::from_value(value)
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> Result<DistributionSpec, A::Error> {
        let value =
            yaml_serde::Value::deserialize(serde::de::value::EnumAccessDeserializer::new(data))?;
        DistributionSpec::from_value(value)
    }
}

impl DistributionSpec {
    /// Judges a value read from YAML: the forms of [`FORMS`], or an error saying them.
    fn from_value<E: serde::de::Error>(value: yaml_serde::Value) -> Result<Self, E> {
        let forms =
            |e: &dyn std::fmt::Display| E::custom(format!("{e}; a distribution is {FORMS}"));
        match value {
            yaml_serde::Value::String(s) => Ok(DistributionSpec::Fixed(s)),
            yaml_serde::Value::Mapping(map) if map.len() == 1 => {
                let (name, fields) = map.into_iter().next().expect("one entry");
                let tagged = match name.as_str().unwrap_or("") {
                    "uniform" => <[String; 2]>::deserialize(fields).map(TaggedSpec::Uniform),
                    "exponential" => ExponentialFields::deserialize(fields)
                        .map(|f| TaggedSpec::Exponential { mean: f.mean }),
                    "normal" => NormalFields::deserialize(fields).map(|f| TaggedSpec::Normal {
                        mean: f.mean,
                        stddev: f.stddev,
                    }),
                    "lognormal" => {
                        LognormalFields::deserialize(fields).map(|f| TaggedSpec::Lognormal {
                            median: f.median,
                            p99: f.p99,
                        })
                    }
                    other => {
                        return Err(forms(&format_args!(
                            "unknown distribution {:?}",
                            crate::excerpt::excerpt(other)
                        )));
                    }
                };
                tagged.map(DistributionSpec::Tagged).map_err(|e| forms(&e))
            }
            other => Err(E::custom(format!(
                "invalid type: {}, expected {FORMS}",
                crate::api::lenient::describe(&other)
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExponentialFields {
    mean: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NormalFields {
    mean: String,
    stddev: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LognormalFields {
    median: String,
    p99: String,
}

/// The named distributions, written as a mapping of one entry: `{normal: {mean, stddev}}`.
#[derive(Debug, Clone)]
pub enum TaggedSpec {
    Uniform([String; 2]),
    Exponential { mean: String },
    Normal { mean: String, stddev: String },
    Lognormal { median: String, p99: String },
}

impl DistributionSpec {
    /// Converts to a model of durations (ms), checking each; `field` names it in errors.
    pub fn resolve(&self, field: &str) -> Result<Distribution, String> {
        self.resolve_with(field, |s| parse_duration(s).map_err(|e| e.to_string()))
    }

    /// Converts to a model of quantities in whole units (bytes for memory): `300Mi`,
    /// `{uniform: [200Mi, 1Gi]}`, `{lognormal: {median: 300Mi, p99: 1Gi}}`.
    pub fn resolve_quantity(&self, field: &str) -> Result<Distribution, String> {
        self.resolve_with(field, |s| {
            let q = crate::api::Quantity::parse(s.trim()).map_err(|e| e.to_string())?;
            if q.is_negative() {
                return Err(format!("{s:?} must not be negative"));
            }
            Ok(q.bytes() as u64)
        })
    }

    fn resolve_with(
        &self,
        field: &str,
        parse: impl Fn(&str) -> Result<u64, String>,
    ) -> Result<Distribution, String> {
        let d = |s: &str| parse(s).map_err(|e| format!("{field}: {e}"));
        Ok(match self {
            DistributionSpec::Fixed(s) => Distribution::Fixed(d(s)?),
            DistributionSpec::Tagged(TaggedSpec::Uniform([a, b])) => {
                let (a, b) = (d(a)?, d(b)?);
                if b < a {
                    return Err(format!("{field}: uniform bounds must be [low, high]"));
                }
                Distribution::Uniform(a, b)
            }
            DistributionSpec::Tagged(TaggedSpec::Exponential { mean }) => {
                Distribution::Exponential { mean: d(mean)? }
            }
            DistributionSpec::Tagged(TaggedSpec::Normal { mean, stddev }) => Distribution::Normal {
                mean: d(mean)?,
                stddev: d(stddev)?,
            },
            DistributionSpec::Tagged(TaggedSpec::Lognormal { median, p99 }) => {
                let (median, p99) = (d(median)?, d(p99)?);
                if p99 < median {
                    return Err(format!(
                        "{field}: lognormal p99 must be at least the median"
                    ));
                }
                Distribution::LogNormal { median, p99 }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngStreams;

    fn samples(d: &Distribution, n: usize) -> Vec<u64> {
        let mut rng = RngStreams::new(7).stream("test", 0);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    #[test]
    fn fixed_is_always_the_same() {
        assert!(
            samples(&Distribution::Fixed(5000), 10)
                .iter()
                .all(|&s| s == 5000)
        );
    }

    #[test]
    fn uniform_stays_within_bounds() {
        let s = samples(&Distribution::Uniform(1000, 2000), 1000);
        assert!(s.iter().all(|&x| (1000..=2000).contains(&x)));
        assert!(s.iter().any(|&x| x < 1200) && s.iter().any(|&x| x > 1800));
    }

    #[test]
    fn lognormal_median_and_p99_match_the_parameters() {
        let mut s = samples(
            &Distribution::LogNormal {
                median: 1000,
                p99: 4000,
            },
            20_000,
        );
        s.sort_unstable();
        let median = s[s.len() / 2] as f64;
        let p99 = s[s.len() * 99 / 100] as f64;
        assert!((median - 1000.0).abs() < 50.0, "median {median}");
        assert!((p99 - 4000.0).abs() < 400.0, "p99 {p99}");
    }

    #[test]
    fn normal_is_truncated_at_zero() {
        let s = samples(
            &Distribution::Normal {
                mean: 100,
                stddev: 1000,
            },
            1000,
        );
        assert!(s.contains(&0));
    }

    #[test]
    fn exponential_mean_matches() {
        let s = samples(&Distribution::Exponential { mean: 1000 }, 20_000);
        let mean = s.iter().sum::<u64>() as f64 / s.len() as f64;
        assert!((mean - 1000.0).abs() < 50.0, "mean {mean}");
    }

    #[test]
    fn a_typo_in_a_distribution_names_the_field_and_the_forms_allowed() {
        let err = yaml_serde::from_str::<DistributionSpec>("{normal: {mean: 1s, stdev: 2s}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `stdev`"), "{err}");
        assert!(err.contains("{normal: {mean, stddev}}"), "{err}");
        assert!(!err.contains("untagged"), "{err}");
        let err = yaml_serde::from_str::<DistributionSpec>("[1s]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a single value (such as 5s"), "{err}");
        assert!(matches!(
            yaml_serde::from_str::<DistributionSpec>("5s").unwrap(),
            DistributionSpec::Fixed(s) if s == "5s"
        ));
    }
}
