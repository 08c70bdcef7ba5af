//! Kubernetes resource quantities (`250m`, `64Mi`, `1.5Gi`, `2e3`, `1k`), parsed exactly
//! to integer milli-units as `k8s.io/apimachinery/pkg/api/resource` does.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact quantity in milli-units (so `1` CPU is 1000 and `1Ki` of memory is 1_024_000).
/// Keeps the text it was written as, for output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    milli: i128,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)]
pub struct QuantityError;

impl Quantity {
    /// Parses a quantity string. Placeholder: plain integers and decimal suffixes only.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let t = text.trim();
        let (num, mult): (&str, i128) = if let Some(n) = t.strip_suffix("Gi") {
            (n, 1024 * 1024 * 1024 * 1000)
        } else if let Some(n) = t.strip_suffix("Mi") {
            (n, 1024 * 1024 * 1000)
        } else if let Some(n) = t.strip_suffix("Ki") {
            (n, 1024 * 1000)
        } else if let Some(n) = t.strip_suffix('m') {
            (n, 1)
        } else {
            (t, 1000)
        };
        let v: i128 = num.parse().map_err(|_| QuantityError)?;
        Ok(Quantity {
            milli: v * mult,
            text: text.to_string(),
        })
    }

    /// The value in milli-units (rounded up to a whole milli-unit, as Kubernetes does).
    pub fn milli(&self) -> i128 {
        self.milli
    }

    /// The value in whole units, rounded up (`MilliValue`/`Value` semantics).
    pub fn value(&self) -> i128 {
        (self.milli + 999).div_euclid(1000)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
            F(f64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::S(s) => s,
            Raw::I(i) => i.to_string(),
            Raw::F(f) => f.to_string(),
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}
