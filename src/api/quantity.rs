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
        let multiplier =
            interpret_suffix(parts.suffix).ok_or_else(|| fail(QuantityErrorKind::Suffix))?;
        if !parts.has_digit && needs_arbitrary_precision(multiplier) {
            return Err(fail(QuantityErrorKind::Numeric));
        }
        let magnitude = milli_magnitude(&parts, multiplier);
        let magnitude = magnitude as i128; // milli_magnitude never exceeds i128::MAX
        Ok(Quantity {
            milli: if parts.negative {
                -magnitude
            } else {
                magnitude
            },
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
        inexact |= !t.is_multiple_of(10);
        carried = t / 10;
    }
    whole.checked_add(carried)?.checked_add(u128::from(inexact))
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    const KI: i128 = 1 << 10;
    const MI: i128 = 1 << 20;
    const GI: i128 = 1 << 30;
    const TI: i128 = 1 << 40;
    const PI: i128 = 1 << 50;
    const EI: i128 = 1 << 60;
    /// 2^63-1 units, upstream's `maxAllowed`, in milli-units.
    const BINARY_CAP_MILLI: i128 = (i64::MAX as i128) * 1000;

    fn milli(text: &str) -> i128 {
        match Quantity::parse(text) {
            Ok(q) => q.milli(),
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn error_kind(text: &str) -> Option<QuantityErrorKind> {
        Quantity::parse(text).err().map(|e| e.kind())
    }

    /// Expected milli-values: the brief's examples, then the cases of upstream's
    /// `TestQuantityParse` (its expected decimals times 1000, rounded up).
    const PARSED_MILLI: &[(&str, i128)] = &[
        ("0", 0),
        ("250m", 250),
        ("64Mi", 64 * MI * 1000),
        ("1.5Gi", 1_610_612_736_000),
        ("2e3", 2_000_000),
        ("1k", 1_000_000),
        ("1Ki", 1_024_000),
        ("0.5", 500),
        ("0.1", 100),
        (".5", 500),
        ("5.", 5_000),
        ("100n", 1),
        ("1E3", 1_000_000),
        ("1e-3", 1),
        ("1E-3", 1),
        ("0n", 0),
        ("0u", 0),
        ("0m", 0),
        ("0Ki", 0),
        ("0Ti", 0),
        ("0T", 0),
        ("1", 1_000),
        ("8Ki", 8 * KI * 1000),
        ("7Mi", 7 * MI * 1000),
        ("6Gi", 6 * GI * 1000),
        ("5Ti", 5 * TI * 1000),
        ("4Pi", 4 * PI * 1000),
        ("3Ei", 3 * EI * 1000),
        ("10Ti", 10 * TI * 1000),
        ("100Ti", 100 * TI * 1000),
        ("5n", 1),
        ("4u", 1),
        ("3m", 3),
        ("9", 9_000),
        ("8k", 8_000_000),
        ("50k", 50_000_000),
        ("7M", 7_000_000_000),
        ("6G", 6_000_000_000_000),
        ("5T", 5_000_000_000_000_000),
        ("40T", 40_000_000_000_000_000),
        ("300T", 300_000_000_000_000_000),
        ("2P", 2_000_000_000_000_000_000),
        ("1E", 1_000_000_000_000_000_000_000),
        ("1e3", 1_000_000),
        ("1E6", 1_000_000_000),
        ("1e9", 1_000_000_000_000),
        ("1E12", 1_000_000_000_000_000),
        ("1e15", 1_000_000_000_000_000_000),
        ("1E18", 1_000_000_000_000_000_000_000),
        ("1e14", 100_000_000_000_000_000),
        ("1e13", 10_000_000_000_000_000),
        ("100.035k", 100_035_000),
        ("0.001", 1),
        ("0.0005k", 500),
        ("0.005", 5),
        ("0.05", 50),
        ("0.00050k", 500),
        ("0.00500", 5),
        ("0.05000", 50),
        ("0.50000", 500),
        ("0.5e0", 500),
        ("0.5e-1", 50),
        ("0.5e-2", 5),
        ("10.035M", 10_035_000_000),
        ("1.2e3", 1_200_000),
        ("1.3E+6", 1_300_000_000),
        ("1.40e9", 1_400_000_000_000),
        ("1.53E12", 1_530_000_000_000_000),
        ("1.6e15", 1_600_000_000_000_000_000),
        ("1.7E18", 1_700_000_000_000_000_000_000),
        ("9.01", 9_010),
        ("8.1k", 8_100_000),
        ("7.123456M", 7_123_456_000),
        ("6.987654321G", 6_987_654_321_000),
        ("5.444T", 5_444_000_000_000_000),
        ("40.1T", 40_100_000_000_000_000),
        ("300.2T", 300_200_000_000_000_000),
        ("2.5P", 2_500_000_000_000_000_000),
        ("1.01E", 1_010_000_000_000_000_000_000),
        ("3.001n", 1),
        ("1.1E-9", 1),
        ("0.0000000001", 1),
        ("0.0000000005", 1),
        ("0.00000000050", 1),
        ("0.5e-9", 1),
        ("0.9n", 1),
        ("0.00000012345", 1),
        ("0.00000012354", 1),
        ("9Ei", BINARY_CAP_MILLI),
        ("9223372036854775807Ki", BINARY_CAP_MILLI),
        ("12E", 12_000_000_000_000_000_000_000),
        ("100.035Ki", 102_435_840),
        ("0.5Mi", 524_288_000),
        ("0.05Gi", 53_687_091_200),
        ("0.025Ti", 27_487_790_694_400),
        ("0.000000000001Ki", 1),
        (".001", 1),
        (".0001k", 100),
        ("1.", 1_000),
        ("1.G", 1_000_000_000_000),
    ];

    #[test]
    fn upstream_documented_quantities_parse_to_exact_milli_values() {
        for (text, expected) in PARSED_MILLI {
            assert_eq!(milli(text), *expected, "{text}");
        }
    }

    #[test]
    fn explicit_signs_negate_or_keep_every_documented_quantity() {
        for (text, expected) in PARSED_MILLI {
            assert_eq!(milli(&format!("-{text}")), -expected, "-{text}");
            assert_eq!(milli(&format!("+{text}")), *expected, "+{text}");
        }
    }

    #[test]
    fn one_and_a_half_gibibytes_is_exact() {
        let q = Quantity::parse("1.5Gi").unwrap();
        assert_eq!(q.value(), 1_610_612_736);
        assert_eq!(q.bytes(), 1_610_612_736);
    }

    #[test]
    fn fractional_milli_rounds_up() {
        assert_eq!(milli("100n"), 1);
        assert_eq!(milli("1.5m"), 2);
        assert_eq!(milli("1.0001m"), 2);
        assert_eq!(milli("1.000m"), 1);
    }

    #[test]
    fn negative_fractions_round_away_from_zero() {
        // Upstream's TestQuantityRoundUp: -9.01 rounded to scale 0 is -10.
        assert_eq!(Quantity::parse("-9.01").unwrap().value(), -10);
        assert_eq!(Quantity::parse("9.01").unwrap().value(), 10);
        assert_eq!(milli("-1.5m"), -2);
        assert_eq!(milli("-100n"), -1);
    }

    #[test]
    fn value_rounds_whole_units_up() {
        assert_eq!(Quantity::parse("100n").unwrap().value(), 1);
        assert_eq!(Quantity::parse("1001m").unwrap().value(), 2);
        assert_eq!(Quantity::parse("1000m").unwrap().value(), 1);
        assert_eq!(Quantity::parse("0").unwrap().value(), 0);
    }

    #[test]
    fn badly_shaped_quantities_get_the_regular_expression_error() {
        for text in [
            "",
            "1.2.3",
            "1 Gi",
            " 1",
            "1 ",
            "1KI",
            "1gi",
            "1.1.M",
            "1+1.0M",
            "0.1am",
            "aoeu",
            "Non-Numeric",
            "1e3e3",
            "1,5",
            "1µ",
        ] {
            assert_eq!(
                error_kind(text),
                Some(QuantityErrorKind::Format),
                "{text:?}"
            );
        }
    }

    #[test]
    fn unknown_suffixes_get_the_suffix_error() {
        for text in [
            "1Mii",
            "e",
            "1e",
            "0.1mi",
            ".5i",
            "1i",
            "-3.01i",
            "-3.01e-",
            "1e+",
            "1ke3",
            "1EE",
            "1e99999999999999999999",
        ] {
            assert_eq!(
                error_kind(text),
                Some(QuantityErrorKind::Suffix),
                "{text:?}"
            );
        }
    }

    #[test]
    fn digitless_numbers_on_upstreams_wide_path_get_the_numeric_error() {
        for text in ["Ei", "Pi", "-Ei", "e-10", ".e-10"] {
            assert_eq!(
                error_kind(text),
                Some(QuantityErrorKind::Numeric),
                "{text:?}"
            );
        }
    }

    #[test]
    fn digitless_numbers_on_upstreams_int64_path_are_zero() {
        // parseQuantityString reads a missing number as "0"; only the inf.Dec path rejects it.
        for text in [
            "Mi", "Ki", "Ti", "k", "m", "n", "e3", "e-9", "-", "+", ".", "-.",
        ] {
            assert_eq!(milli(text), 0, "{text:?}");
        }
    }

    #[test]
    fn error_messages_use_kubernetes_words_and_name_the_input() {
        let format = Quantity::parse("1 Gi").unwrap_err();
        assert_eq!(
            format.to_string(),
            "invalid quantity \"1 Gi\": quantities must match the regular expression \
             '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!(format.input(), "1 Gi");
        let suffix = Quantity::parse("1Mii").unwrap_err();
        assert_eq!(
            suffix.to_string(),
            "invalid quantity \"1Mii\": unable to parse quantity's suffix"
        );
        assert_eq!(
            QuantityErrorKind::Numeric.to_string(),
            "unable to parse numeric part of quantity"
        );
    }

    #[test]
    fn binary_quantities_are_capped_at_int64_max_units() {
        assert_eq!(milli("7Ei"), 7 * EI * 1000);
        assert_eq!(milli("8Ei"), BINARY_CAP_MILLI);
        assert_eq!(milli("-8Ei"), -BINARY_CAP_MILLI);
        // 8191.999 × 2^50 units is below 2^63-1; 8192 - 10^-17 Pi is above it by a fraction.
        assert_eq!(milli("8191.999Pi"), 8_191_999 * PI);
        assert_eq!(milli("8191.99999999999999999Pi"), BINARY_CAP_MILLI);
        assert_eq!(Quantity::parse("8Ei").unwrap().bytes(), i64::MAX);
    }

    #[test]
    fn decimal_quantities_above_int64_are_not_capped() {
        assert_eq!(milli("12E"), 12 * 10i128.pow(21));
        assert_eq!(milli("1e30"), 10i128.pow(33));
        assert_eq!(Quantity::parse("12E").unwrap().bytes(), i64::MAX);
        assert_eq!(Quantity::parse("-12E").unwrap().bytes(), i64::MIN);
    }

    #[test]
    fn decimal_quantities_beyond_i128_saturate() {
        assert_eq!(milli("1e40"), i128::MAX);
        assert_eq!(milli("-1e40"), -i128::MAX);
        assert_eq!(milli("1e2000000000"), i128::MAX);
        let q = Quantity::parse("1e40").unwrap();
        assert_eq!(q.cpu_millis(), i64::MAX);
        assert_eq!(Quantity::parse("-1e40").unwrap().cpu_millis(), i64::MIN);
    }

    #[test]
    fn decimal_exponent_wraps_like_go_int32() {
        // int32(int64(4294967296)) is 0 and int32(4294967299) is 3.
        assert_eq!(milli("1e4294967296"), 1_000);
        assert_eq!(milli("1e4294967299"), 1_000_000);
    }

    #[test]
    fn tiny_positive_values_round_up_to_one_milli() {
        assert_eq!(milli("5e-2000000000"), 1);
        let many_zeros = format!("0.{}1", "0".repeat(60));
        assert_eq!(milli(&many_zeros), 1);
        assert_eq!(milli(&format!("-{many_zeros}")), -1);
    }

    #[test]
    fn fraction_of_a_kibibyte_is_exact_to_the_last_digit() {
        // 1/1024 = 0.0009765625 exactly.
        assert_eq!(milli("0.0009765625Ki"), 1_000);
        // 0.0009765626 × 1024 = 1.0000001024.
        assert_eq!(milli("0.0009765626Ki"), 1_001);
        // 1024 × (1 + 10^-28) is just above 1024 units.
        assert_eq!(milli("1.0000000000000000000000000001Ki"), 1_024_001);
    }

    #[test]
    fn digit_strings_longer_than_i128_are_exact() {
        // 60 digits × 10^-50 = 1234567890.1234567890…, so × 1000 rounds up to …124.
        let text = "123456789012345678901234567890123456789012345678901234567890e-50";
        assert_eq!(milli(text), 1_234_567_890_124);
        let leading_zeros = format!("{}250m", "0".repeat(100));
        assert_eq!(milli(&leading_zeros), 250);
    }

    #[test]
    fn sign_decides_is_negative() {
        assert!(Quantity::parse("-1n").unwrap().is_negative());
        assert!(Quantity::parse("-1").unwrap().is_negative());
        assert!(!Quantity::parse("-0").unwrap().is_negative());
        assert!(!Quantity::parse("0").unwrap().is_negative());
        assert!(!Quantity::parse("+1").unwrap().is_negative());
    }

    #[test]
    fn scheduler_helpers_read_cpu_in_millis_and_memory_in_bytes() {
        assert_eq!(Quantity::parse("250m").unwrap().cpu_millis(), 250);
        assert_eq!(Quantity::parse("2").unwrap().cpu_millis(), 2_000);
        assert_eq!(Quantity::parse("64Mi").unwrap().bytes(), 67_108_864);
        assert_eq!(Quantity::parse("1G").unwrap().bytes(), 1_000_000_000);
        assert_eq!(Quantity::parse("100n").unwrap().bytes(), 1);
    }

    #[test]
    fn yaml_numbers_and_strings_deserialize() {
        let yaml = "a: 2\nb: 0.5\nc: 1e9\nd: \"250m\"\ne: ' 1Gi '\nf: 64Mi\ng: -1\n";
        let map: BTreeMap<String, Quantity> = yaml_serde::from_str(yaml).unwrap();
        let got: Vec<(&str, i128)> = map.iter().map(|(k, q)| (k.as_str(), q.milli())).collect();
        assert_eq!(
            got,
            [
                ("a", 2_000),
                ("b", 500),
                ("c", 1_000_000_000_000),
                ("d", 250),
                ("e", GI * 1000),
                ("f", 64 * MI * 1000),
                ("g", -1_000),
            ]
        );
        assert_eq!(map["e"].as_str(), "1Gi");
    }

    #[test]
    fn bad_yaml_quantity_reports_the_kubernetes_error() {
        let err = yaml_serde::from_str::<BTreeMap<String, Quantity>>("cpu: 1 Gi\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("quantities must match the regular expression"),
            "{err}"
        );
        let err = yaml_serde::from_str::<BTreeMap<String, Quantity>>("cpu: true\n").unwrap_err();
        assert!(err.to_string().contains("a quantity"), "{err}");
        assert!(yaml_serde::from_str::<BTreeMap<String, Quantity>>("cpu: .inf\n").is_err());
    }

    #[test]
    fn json_numbers_deserialize_and_serialize_as_the_original_text() {
        let q: Quantity = serde_json::from_str("0.25").unwrap();
        assert_eq!(q.milli(), 250);
        let q: Quantity = serde_json::from_str("\"1.5Gi\"").unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"1.5Gi\"");
        assert_eq!(q.to_string(), "1.5Gi");
    }

    fn decimal_suffix() -> impl Strategy<Value = (&'static str, i32)> {
        prop::sample::select(vec![
            ("n", -9),
            ("u", -6),
            ("m", -3),
            ("", 0),
            ("k", 3),
            ("M", 6),
            ("G", 9),
        ])
    }

    fn binary_suffix() -> impl Strategy<Value = (&'static str, u32)> {
        prop::sample::select(vec![
            ("Ki", 10),
            ("Mi", 20),
            ("Gi", 30),
            ("Ti", 40),
            ("Pi", 50),
            ("Ei", 60),
        ])
    }

    /// A well-formed unsigned quantity of any suffix kind.
    fn quantity_text() -> impl Strategy<Value = String> {
        let suffix = prop_oneof![
            decimal_suffix().prop_map(|(s, _)| s.to_string()),
            binary_suffix().prop_map(|(s, _)| s.to_string()),
            "[eE][+-]?[0-9]{1,2}",
        ];
        ("[0-9]{1,10}", prop::option::of("[0-9]{0,8}"), suffix).prop_map(|(w, f, s)| match f {
            Some(f) => format!("{w}.{f}{s}"),
            None => format!("{w}{s}"),
        })
    }

    /// ceil(numerator / denominator) for non-negative operands.
    fn ceil_div(numerator: i128, denominator: i128) -> i128 {
        (numerator + denominator - 1) / denominator
    }

    fn signed(negative: bool, v: i128) -> i128 {
        if negative { -v } else { v }
    }

    proptest! {
        #[test]
        fn binary_integer_is_n_times_power_of_two(
            n in 0u64..(1 << 40),
            (suffix, power) in binary_suffix(),
            negative: bool,
        ) {
            let sign = if negative { "-" } else { "" };
            let exact = i128::from(n) * (1i128 << power) * 1000;
            let expected = signed(negative, exact.min(BINARY_CAP_MILLI));
            prop_assert_eq!(milli(&format!("{sign}{n}{suffix}")), expected);
        }

        #[test]
        fn decimal_fraction_matches_rational_arithmetic(
            whole in 0u64..1_000_000_000_000,
            fraction in "[0-9]{0,12}",
            (suffix, power) in decimal_suffix(),
            negative: bool,
        ) {
            let sign = if negative { "-" } else { "" };
            let digits = fraction.len() as i32;
            let fraction_value: i128 = if fraction.is_empty() { 0 } else { fraction.parse().unwrap() };
            let numerator = i128::from(whole) * 10i128.pow(digits as u32) + fraction_value;
            // value × 1000 = numerator × 10^(power + 3 - digits)
            let exponent = power + 3 - digits;
            let expected = if exponent >= 0 {
                numerator * 10i128.pow(exponent as u32)
            } else {
                ceil_div(numerator, 10i128.pow((-exponent) as u32))
            };
            let text = format!("{sign}{whole}.{fraction}{suffix}");
            prop_assert_eq!(milli(&text), signed(negative, expected));
        }

        #[test]
        fn binary_fraction_matches_rational_arithmetic(
            whole in 0u64..1_000_000,
            fraction in "[0-9]{0,6}",
            (suffix, power) in binary_suffix(),
        ) {
            let digits = fraction.len() as u32;
            let fraction_value: i128 = if fraction.is_empty() { 0 } else { fraction.parse().unwrap() };
            let numerator = (i128::from(whole) * 10i128.pow(digits) + fraction_value)
                * (1i128 << power)
                * 1000;
            let expected = ceil_div(numerator, 10i128.pow(digits)).min(BINARY_CAP_MILLI);
            prop_assert_eq!(milli(&format!("{whole}.{fraction}{suffix}")), expected);
        }

        #[test]
        fn decimal_exponent_equals_the_si_suffix(
            n in 0u64..1_000_000_000,
            (exponent, si) in prop::sample::select(vec![
                ("e-9", "n"), ("e-6", "u"), ("E-3", "m"), ("e0", ""), ("e3", "k"),
                ("E+6", "M"), ("e9", "G"), ("e12", "T"), ("e15", "P"), ("e18", "E"),
            ]),
        ) {
            prop_assert_eq!(milli(&format!("{n}{exponent}")), milli(&format!("{n}{si}")));
        }

        #[test]
        fn minus_sign_negates_any_quantity(text in quantity_text()) {
            prop_assert_eq!(milli(&format!("-{text}")), -milli(&text));
            prop_assert_eq!(milli(&format!("+{text}")), milli(&text));
        }

        #[test]
        fn display_and_serde_round_trip_the_text(text in quantity_text()) {
            let q = Quantity::parse(&text).unwrap();
            prop_assert_eq!(q.to_string(), text.clone());
            prop_assert_eq!(Quantity::parse(&q.to_string()).unwrap(), q.clone());
            let json = serde_json::to_string(&q).unwrap();
            prop_assert_eq!(&json, &format!("\"{text}\""));
            let back: Quantity = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, q);
        }

        #[test]
        fn value_is_milli_rounded_away_from_zero(text in quantity_text(), negative: bool) {
            let q = Quantity::parse(&format!("{}{text}", if negative { "-" } else { "" })).unwrap();
            let (units, milli) = (q.value().unsigned_abs(), q.milli().unsigned_abs());
            prop_assert!(units * 1000 >= milli);
            prop_assert!(units == 0 || (units - 1) * 1000 < milli);
            prop_assert_eq!(q.value().signum(), q.milli().signum());
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[-+0-9.eEinumkKMGTP ]{0,24}|\\PC{0,16}") {
            let _ = Quantity::parse(&text);
        }
    }
}
