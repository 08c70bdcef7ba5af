//! Kubernetes resource quantities (`250m`, `64Mi`, `1.5Gi`, `2e3`, `1k`), parsed exactly to
//! integer milli-units with the grammar, rounding and limits of
//! `k8s.io/apimachinery/pkg/api/resource` (`ParseQuantity`, `MilliValue`, `Value`) as of
//! Kubernetes v1.36. This module owns only the number: it does not know which resource a
//! quantity measures, and it does not validate it (negative requests are rejected by
//! validation, not here).
//!
//! The rules, as upstream implements them (its scanner, not only its documented grammar):
//!
//! - The text is `[+-]` number suffix, where the number is digits with at most one `.`
//!   (`5`, `5.`, `.5`, `1.5`) and the suffix is a binary one (`Ki Mi Gi Ti Pi Ei`), a decimal
//!   one (`n u m "" k M G T P E`) or a decimal exponent (`e`/`E` and a signed integer:
//!   `2e3`, `1E-3`, `1.3E+6`). No whitespace is allowed anywhere (the YAML/JSON reader trims
//!   it around a string first, as `UnmarshalJSON` does).
//! - A shape the scanner cannot split fails with Kubernetes' "quantities must match the
//!   regular expression ..." error; a suffix that splits but is not one of the above (`1Mii`,
//!   `1e`, `0.1mi`) fails with "unable to parse quantity's suffix".
//! - Upstream's scanner is more permissive than its regular expression: a number with no
//!   digit at all (`Mi`, `k`, `-`, `.`) is read as 0, except where upstream takes its
//!   arbitrary-precision path (`Pi`, `Ei`, or a decimal exponent below -9 such as `e-10`),
//!   which fails with "unable to parse numeric part of quantity". We reproduce both.
//! - The exponent after `e` must fit in an i64 (else a suffix error) and is then converted
//!   to i32 as Go's `int32(...)` does, wrapping: `1e4294967296` is 1.
//! - Values keep nano precision, a finer non-zero value rounding away from zero; `milli()`
//!   and `value()` then round away from zero to a whole milli-unit or unit (`100n` is 1m).
//!   Rounding to nano then to milli equals rounding straight to milli, so we do the latter.
//! - A binary-suffixed quantity is capped, silently, at 2^63-1 units in magnitude (`8Ei`,
//!   `9223372036854775807Ki`). A decimal one is not capped upstream (`12E` keeps its value);
//!   here a decimal magnitude beyond `i128::MAX` milli-units (about 1.7e35 units) saturates to
//!   `±i128::MAX`, far past where upstream's own int64 `MilliValue` has already overflowed
//!   (about 9.2e15 units).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The regular expression Kubernetes quotes when a quantity has the wrong shape
/// (`splitREString` in `quantity.go`).
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// Letters the scanner accepts at the start of a suffix (`quantity.go`, parseQuantityString).
const SUFFIX_LETTERS: &[u8] = b"eEinumkKMGTP";

/// Binary quantities are capped at this many units (`maxAllowed` in `quantity.go`).
const BINARY_CAP_UNITS: i128 = i64::MAX as i128;

/// Largest magnitude we represent, in milli-units; larger decimal quantities saturate here.
const MILLI_LIMIT: u128 = i128::MAX as u128;

/// An exact quantity in milli-units (so `1` CPU is 1000 and `1Ki` of memory is 1_024_000).
/// Keeps the text it was written as, for output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    milli: i128,
    text: String,
}

/// Which of Kubernetes' three parse errors a bad quantity hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuantityErrorKind {
    /// `ErrFormatWrong`: the text cannot be split into number and suffix.
    #[error("quantities must match the regular expression '{}'", QUANTITY_REGEX)]
    Format,
    /// `ErrSuffix`: the suffix is not a binary, decimal or exponent suffix.
    #[error("unable to parse quantity's suffix")]
    Suffix,
    /// `ErrNumeric`: the number has no digit where upstream needs one.
    #[error("unable to parse numeric part of quantity")]
    Numeric,
}

/// A quantity that Kubernetes would reject, with the text that was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid quantity {input:?}: {kind}")]
pub struct QuantityError {
    input: String,
    kind: QuantityErrorKind,
}

impl QuantityError {
    /// Which Kubernetes error this is.
    pub fn kind(&self) -> QuantityErrorKind {
        self.kind
    }

    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// What a suffix multiplies the number by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Multiplier {
    /// 10^n: decimal SI suffixes and decimal exponents.
    PowerOfTen(i32),
    /// 2^n: binary SI suffixes.
    PowerOfTwo(u32),
}

/// A quantity split the way upstream's `parseQuantityString` splits it.
struct Parts<'a> {
    negative: bool,
    /// Whether the number part (before the suffix) holds any digit, zeros included.
    has_digit: bool,
    /// Digits before the point, leading zeros removed (so possibly empty).
    whole: &'a [u8],
    /// Digits after the point, as written.
    fraction: &'a [u8],
    suffix: &'a str,
}

impl Quantity {
    /// Parses a quantity as `resource.ParseQuantity` does (no surrounding whitespace).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let fail = |kind| QuantityError {
            input: text.to_string(),
            kind,
        };
        if text.is_empty() {
            return Err(fail(QuantityErrorKind::Format));
        }
        let parts = split(text).map_err(fail)?;
        let multiplier = interpret_suffix(parts.suffix).ok_or_else(|| fail(QuantityErrorKind::Suffix))?;
        if !parts.has_digit && needs_arbitrary_precision(multiplier) {
            return Err(fail(QuantityErrorKind::Numeric));
        }
        let magnitude = milli_magnitude(&parts, multiplier);
        let magnitude = magnitude as i128; // milli_magnitude never exceeds i128::MAX
        Ok(Quantity {
            milli: if parts.negative { -magnitude } else { magnitude },
            text: text.to_string(),
        })
    }

    /// The value in milli-units, rounded away from zero to a whole milli-unit
    /// (`MilliValue`: `100n` is 1, `-1.5m` is -2).
    pub fn milli(&self) -> i128 {
        self.milli
    }

    /// The value in whole units, rounded away from zero (`Value`: `9.01` is 10, `-9.01` is -10).
    pub fn value(&self) -> i128 {
        let units = self.milli.unsigned_abs().div_ceil(1000) as i128;
        if self.milli < 0 { -units } else { units }
    }

    /// Whether the quantity is below zero (`-1n` is; `-0` is not).
    pub fn is_negative(&self) -> bool {
        self.milli < 0
    }

    /// The value in milli-CPU as the scheduler counts it, saturating at the i64 range.
    pub fn cpu_millis(&self) -> i64 {
        saturate_i64(self.milli)
    }

    /// The value in whole bytes (rounded away from zero), saturating at the i64 range.
    pub fn bytes(&self) -> i64 {
        saturate_i64(self.value())
    }

    /// The text the quantity was written as.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn saturate_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Splits `text` into sign, digits and suffix, failing where upstream's scanner returns
/// `ErrFormatWrong`. Every index it stops at is after an ASCII byte, so slicing is safe.
fn split(text: &str) -> Result<Parts<'_>, QuantityErrorKind> {
    let bytes = text.as_bytes();
    let end = bytes.len();
    let mut pos = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            pos = 1;
            true
        }
        Some(b'+') => {
            pos = 1;
            false
        }
        _ => false,
    };
    let number_start = pos;
    while pos < end && bytes[pos] == b'0' {
        pos += 1;
    }
    let whole_start = pos;
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    let whole = &bytes[whole_start..pos];
    let mut fraction: &[u8] = &[];
    if pos < end && bytes[pos] == b'.' {
        pos += 1;
        let fraction_start = pos;
        while pos < end && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        fraction = &bytes[fraction_start..pos];
    }
    let has_digit = bytes[number_start..pos].iter().any(u8::is_ascii_digit);

    let suffix_start = pos;
    while pos < end && SUFFIX_LETTERS.contains(&bytes[pos]) {
        pos += 1;
    }
    if pos < end && (bytes[pos] == b'+' || bytes[pos] == b'-') {
        pos += 1;
    }
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityErrorKind::Format);
    }
    Ok(Parts {
        negative,
        has_digit,
        whole,
        fraction,
        suffix: &text[suffix_start..],
    })
}

/// The multiplier a suffix stands for (`suffix.go`), or `None` for `ErrSuffix`.
fn interpret_suffix(suffix: &str) -> Option<Multiplier> {
    use Multiplier::{PowerOfTen, PowerOfTwo};
    let multiplier = match suffix {
        "n" => PowerOfTen(-9),
        "u" => PowerOfTen(-6),
        "m" => PowerOfTen(-3),
        "" => PowerOfTen(0),
        "k" => PowerOfTen(3),
        "M" => PowerOfTen(6),
        "G" => PowerOfTen(9),
        "T" => PowerOfTen(12),
        "P" => PowerOfTen(15),
        "E" => PowerOfTen(18),
        "Ki" => PowerOfTwo(10),
        "Mi" => PowerOfTwo(20),
        "Gi" => PowerOfTwo(30),
        "Ti" => PowerOfTwo(40),
        "Pi" => PowerOfTwo(50),
        "Ei" => PowerOfTwo(60),
        _ => {
            let exponent = suffix
                .strip_prefix(['e', 'E'])
                .filter(|rest| !rest.is_empty())?;
            // Upstream parses the exponent as an int64, then converts it with int32(...),
            // which wraps; `as i32` wraps the same way.
            PowerOfTen(exponent.parse::<i64>().ok()? as i32)
        }
    };
    Some(multiplier)
}

/// Whether upstream parses a digit-less number with `inf.Dec.SetString`, which then fails.
/// For a number without digits its int64 fast path is skipped exactly when the decimal
/// scale is below nano, or for `Pi`/`Ei`, whose precision estimate
/// `15 - 1 - int32(exponent*3/10) - 1` is negative.
fn needs_arbitrary_precision(multiplier: Multiplier) -> bool {
    match multiplier {
        Multiplier::PowerOfTen(exponent) => exponent < -9,
        Multiplier::PowerOfTwo(exponent) => 13 - ((exponent * 3 / 10) as i32) < 0,
    }
}

/// |value| × 1000, rounded up, with the binary cap and our saturation applied.
fn milli_magnitude(parts: &Parts<'_>, multiplier: Multiplier) -> u128 {
    let mut digits = Vec::with_capacity(parts.whole.len() + parts.fraction.len());
    digits.extend_from_slice(parts.whole);
    digits.extend_from_slice(parts.fraction);
    let fraction_len = i64::try_from(parts.fraction.len()).unwrap_or(i64::MAX);
    let (power_of_ten, power_of_two) = match multiplier {
        Multiplier::PowerOfTen(e) => (i64::from(e), 0),
        Multiplier::PowerOfTwo(e) => (0, e),
    };
    // value × 1000 = digits × 2^power_of_two × 10^(power_of_ten - fraction_len + 3)
    let exponent = power_of_ten.saturating_sub(fraction_len).saturating_add(3);
    let magnitude = ceil_scaled(&digits, exponent, power_of_two)
        .filter(|m| *m <= MILLI_LIMIT)
        .unwrap_or(MILLI_LIMIT);
    match multiplier {
        Multiplier::PowerOfTwo(_) => magnitude.min((BINARY_CAP_UNITS * 1000) as u128),
        Multiplier::PowerOfTen(_) => magnitude,
    }
}

/// ceil(digits × 2^power_of_two × 10^exponent) for a decimal digit string of any length,
/// or `None` when it certainly exceeds `MILLI_LIMIT`. `power_of_two` is at most 60.
fn ceil_scaled(digits: &[u8], exponent: i64, power_of_two: u32) -> Option<u128> {
    let first_nonzero = digits.iter().position(|d| *d != b'0');
    let Some(first_nonzero) = first_nonzero else {
        return Some(0);
    };
    let digits = &digits[first_nonzero..];
    let trailing_zeros = digits.iter().rev().take_while(|d| **d == b'0').count();
    let digits = &digits[..digits.len() - trailing_zeros];
    let exponent = exponent.saturating_add(trailing_zeros as i64);
    let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let two_power = 1u128 << power_of_two;

    if exponent >= 0 {
        // At least 10^(len - 1 + exponent); past 10^40 it is beyond i128.
        if len.saturating_add(exponent) > 40 {
            return None;
        }
        return digits_value(digits)?
            .checked_mul(two_power)?
            .checked_mul(10u128.checked_pow(exponent as u32)?);
    }

    let shift = exponent.unsigned_abs();
    // digits × 2^60 < 10^(len + 19): shifted right by len + 19 places it is in (0, 1).
    if shift >= (len as u64).saturating_add(19) {
        return Some(1);
    }
    let whole_len = (len as u64).saturating_sub(shift) as usize;
    if whole_len > 40 {
        return None;
    }
    let (whole, fraction) = digits.split_at(whole_len);
    let padding = shift.saturating_sub(len as u64) as usize;
    let whole = digits_value(whole)?.checked_mul(two_power)?;

    // floor(0.fraction × 2^k), walking the fraction from its last digit: each step is
    // y = (digit × 2^k + y) / 10, whose integer part stays below 2^k.
    let mut carried: u128 = 0;
    let mut inexact = false;
    let fraction_digits = fraction
        .iter()
        .rev()
        .map(|d| u128::from(d - b'0'))
        .chain(std::iter::repeat_n(0, padding));
    for digit in fraction_digits {
        let t = digit * two_power + carried;
        inexact |= t % 10 != 0;
        carried = t / 10;
    }
    whole
        .checked_add(carried)?
        .checked_add(u128::from(inexact))
}

/// The integer a string of ASCII digits spells, or `None` past `u128::MAX`.
fn digits_value(digits: &[u8]) -> Option<u128> {
    digits.iter().try_fold(0u128, |acc, d| {
        acc.checked_mul(10)?.checked_add(u128::from(d - b'0'))
    })
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
        d.deserialize_any(QuantityVisitor)
    }
}

/// Accepts a string (trimmed, as `UnmarshalJSON` trims) or a YAML/JSON number, which is
/// parsed from its decimal spelling (`0.5`, and `1e9` as `1000000000`).
struct QuantityVisitor;

impl QuantityVisitor {
    fn parse<E: de::Error>(text: &str) -> Result<Quantity, E> {
        Quantity::parse(text).map_err(E::custom)
    }
}

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quantity such as \"250m\", \"1.5Gi\" or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Self::parse(v.trim())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        // Display of a finite f64 is its shortest exact decimal, never in exponent form;
        // NaN and infinities spell `NaN`/`inf` and are rejected by the parser.
        Self::parse(&v.to_string())
    }
}
