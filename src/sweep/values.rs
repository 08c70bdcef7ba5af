//! The value grammar of `--vary PATH=VALUES`: the values a sweep gives one field.
//!
//! `VALUES` is a comma-separated list of items, each one of:
//!
//! - a single value, as `--set` takes it (`4`, `0.05`, `2h`, `16Gi`, `true`);
//! - a YAML flow collection, `{uniform: [1s, 3s]}` (its commas do not split it);
//! - a quoted value, `'0 2 * * *'` or `"0 2 * * *"`, for text with commas or spaces (the
//!   quotes are YAML's, so the field reads the text inside them);
//! - an inclusive range `A..B` of whole numbers (`2..10` is 2, 3, …, 10), or `A..B:S` with a
//!   step (`0..100:25` is 0, 25, 50, 75, 100);
//! - a range of decimals with a step (`0..0.1:0.025`), computed exactly in decimal;
//! - a range of durations with a step (`10m..1h:10m`), each value written as a duration.
//!
//! Items expand in the order written, so `1,2,4..8:2` is 1, 2, 4, 6, 8. A range whose end
//! is below its start, a step of zero, an empty item or more than [`MAX_VALUES`] values is
//! refused. Whether a value suits its field is not decided here: the scenario loader reads
//! every variant before any runs, as it reads `--set`.

use std::fmt;

use crate::time::{HOUR, MINUTE, SECOND, parse_duration};

/// The most values one `--vary` may expand to.
pub const MAX_VALUES: usize = 100_000;

/// One `--vary PATH=VALUES`: the field and its values, each as YAML text for the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vary {
    /// The field, in `--set`'s path syntax.
    pub path: String,
    /// The values, in order; each is the YAML text of an override value.
    pub values: Vec<VaryValue>,
}

/// One value of a [`Vary`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaryValue {
    /// The text handed to the loader (`'0 2 * * *'` keeps its quotes, so YAML reads a string).
    pub yaml: String,
    /// The value as the outputs show it (`0 2 * * *`, without quotes).
    pub shown: String,
}

/// Why `--vary` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--vary {text:?}: {reason}")]
pub struct VaryError {
    /// The argument as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Vary {
    /// Reads `PATH=VALUES`.
    pub fn parse(text: &str) -> Result<Vary, VaryError> {
        let err = |reason: String| VaryError {
            text: text.to_string(),
            reason,
        };
        let (path, values) = text
            .split_once('=')
            .filter(|(p, _)| !p.trim().is_empty())
            .ok_or_else(|| {
                err(
                    "expected PATH=VALUES, such as job/etl.spec.parallelism=1,2,4,8 or \
                     cluster.nodePools.batch.count=2..10"
                        .to_string(),
                )
            })?;
        let values = parse_values(values).map_err(err)?;
        Ok(Vary {
            path: path.trim().to_string(),
            values,
        })
    }
}

impl std::str::FromStr for Vary {
    type Err = VaryError;
    fn from_str(s: &str) -> Result<Vary, VaryError> {
        Vary::parse(s)
    }
}

impl fmt::Display for VaryValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Expands `VALUES` (see the module's text).
pub fn parse_values(text: &str) -> Result<Vec<VaryValue>, String> {
    let mut out = Vec::new();
    for item in split_items(text)? {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            return Err("an empty value (two commas in a row, or one at an end)".to_string());
        }
        if let Some(quote) = trimmed.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let inner = &trimmed[1..trimmed.len() - 1];
            out.push(VaryValue {
                yaml: trimmed.to_string(),
                shown: if quote == '\'' {
                    inner.replace("''", "'")
                } else {
                    inner.to_string()
                },
            });
        } else if trimmed.starts_with(['{', '[']) {
            out.push(VaryValue {
                yaml: trimmed.to_string(),
                shown: trimmed.to_string(),
            });
        } else if let Some(range) = range(trimmed)? {
            if out.len() + range.len() > MAX_VALUES {
                return Err(format!("more than {MAX_VALUES} values"));
            }
            out.extend(range);
        } else {
            out.push(VaryValue {
                yaml: trimmed.to_string(),
                shown: trimmed.to_string(),
            });
        }
        if out.len() > MAX_VALUES {
            return Err(format!("more than {MAX_VALUES} values"));
        }
    }
    Ok(out)
}

/// Splits at commas outside quotes; a quoted item must be quoted whole.
fn split_items(text: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') if text[start..i].trim().is_empty() => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if let Some(q) = quote {
        return Err(format!("a value opened with {q} is not closed"));
    }
    items.push(&text[start..]);
    for item in &items {
        let t = item.trim();
        let quoted = t.starts_with('\'') || t.starts_with('"');
        if quoted && (t.len() < 2 || !t.ends_with(&t[..1])) {
            return Err(format!("{t}: text after the closing quote"));
        }
    }
    Ok(items)
}

/// The values of `A..B` or `A..B:S`, or `None` when `item` is no range.
fn range(item: &str) -> Result<Option<Vec<VaryValue>>, String> {
    let Some((from, rest)) = item.split_once("..") else {
        return Ok(None);
    };
    let (to, step) = match rest.split_once(':') {
        Some((to, step)) => (to.trim(), Some(step.trim())),
        None => (rest.trim(), None),
    };
    let from = from.trim();
    let bad = |why: &str| Err(format!("{item}: {why}"));
    if let (Ok(a), Ok(b)) = (from.parse::<i64>(), to.parse::<i64>()) {
        let s = match step.map(str::parse::<i64>) {
            None => 1,
            Some(Ok(s)) if s > 0 => s,
            Some(_) => return bad("the step must be a whole number above 0"),
        };
        return integers(a, b, s, item).map(Some);
    }
    if let (Some(a), Some(b)) = (decimal(from), decimal(to)) {
        let Some(s) = step.and_then(decimal) else {
            return bad("a range of decimals needs a step, as in 0..0.1:0.025");
        };
        return decimals(a, b, s, item).map(Some);
    }
    let has_unit = |t: &str| t.chars().any(|c| c.is_ascii_alphabetic());
    if has_unit(from) && has_unit(to) {
        let (Ok(a), Ok(b)) = (parse_duration(from), parse_duration(to)) else {
            return bad("expected whole numbers, decimals or durations at both ends");
        };
        let Some(Ok(s)) = step.map(parse_duration) else {
            return bad("a range of durations needs a step, as in 10m..1h:10m");
        };
        if s == 0 {
            return bad("the step must be above 0");
        }
        let ms = integers(a as i64, b as i64, s as i64, item)?;
        return Ok(Some(
            ms.into_iter()
                .map(|v| {
                    let d = duration_text(v.shown.parse::<u64>().unwrap_or(0));
                    VaryValue {
                        yaml: d.clone(),
                        shown: d,
                    }
                })
                .collect(),
        ));
    }
    bad(
        "expected whole numbers (2..10, 0..100:25), decimals with a step (0..0.1:0.025) or durations with a step (10m..1h:10m)",
    )
}

fn integers(a: i64, b: i64, s: i64, item: &str) -> Result<Vec<VaryValue>, String> {
    if b < a {
        return Err(format!("{item}: the end is below the start"));
    }
    let count = ((b as i128 - a as i128) / s as i128) + 1;
    if count > MAX_VALUES as i128 {
        return Err(format!("{item}: more than {MAX_VALUES} values"));
    }
    // In 128 bits: `i * s` alone may pass 64 bits though `a + i * s` never passes `b`.
    Ok((0..count)
        .map(|i| {
            let v = (a as i128 + i * s as i128).to_string();
            VaryValue {
                yaml: v.clone(),
                shown: v,
            }
        })
        .collect())
}

/// A decimal as (digits, decimal places): `0.025` is (25, 3).
fn decimal(text: &str) -> Option<(i128, u32)> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let int_digits = int.strip_prefix('-').unwrap_or(int);
    if int_digits.is_empty() || !digits_ok(int_digits) || !digits_ok(frac) || frac.len() > 12 {
        return None;
    }
    let places = frac.len() as u32;
    let magnitude: i128 = format!("{int_digits}{frac}").parse().ok()?;
    Some((
        if int.starts_with('-') {
            -magnitude
        } else {
            magnitude
        },
        places,
    ))
}

fn decimals(
    a: (i128, u32),
    b: (i128, u32),
    s: (i128, u32),
    item: &str,
) -> Result<Vec<VaryValue>, String> {
    let places = a.1.max(b.1).max(s.1);
    let scale = |d: (i128, u32)| d.0.checked_mul(10i128.checked_pow(places - d.1)?);
    let too_large = || format!("{item}: the numbers are too large for a range of decimals");
    let (Some(a), Some(b), Some(s)) = (scale(a), scale(b), scale(s)) else {
        return Err(too_large());
    };
    if s <= 0 {
        return Err(format!("{item}: the step must be above 0"));
    }
    if b < a {
        return Err(format!("{item}: the end is below the start"));
    }
    let count = b.checked_sub(a).ok_or_else(too_large)? / s + 1;
    if count > MAX_VALUES as i128 {
        return Err(format!("{item}: more than {MAX_VALUES} values"));
    }
    Ok((0..count)
        .map(|i| {
            let v = decimal_text(a + i * s, places);
            VaryValue {
                yaml: v.clone(),
                shown: v,
            }
        })
        .collect())
}

/// `digits` scaled by `places` decimal places, without trailing zeros (`250, 3` is `0.25`).
fn decimal_text(digits: i128, places: u32) -> String {
    let sign = if digits < 0 { "-" } else { "" };
    let m = digits.unsigned_abs();
    let p = 10u128.pow(places);
    let (int, frac) = (m / p, m % p);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{sign}{int}.{}", frac.trim_end_matches('0'))
}

/// A duration as its largest whole units: `5400000` is `1h30m`, `1500` is `1s500ms`.
fn duration_text(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, name) in [(HOUR, "h"), (MINUTE, "m"), (SECOND, "s"), (1, "ms")] {
        if rest >= unit {
            out.push_str(&format!("{}{name}", rest / unit));
            rest %= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<String> {
        parse_values(text)
            .unwrap()
            .into_iter()
            .map(|v| v.shown)
            .collect()
    }

    #[test]
    fn lists_and_ranges_expand_in_the_order_written() {
        assert_eq!(shown("1,2,4,8"), ["1", "2", "4", "8"]);
        assert_eq!(shown("2..5"), ["2", "3", "4", "5"]);
        assert_eq!(shown("0..100:25"), ["0", "25", "50", "75", "100"]);
        assert_eq!(shown("0..10:4"), ["0", "4", "8"]);
        assert_eq!(shown("1, 2,4..8:2"), ["1", "2", "4", "6", "8"]);
        assert_eq!(shown("-2..1"), ["-2", "-1", "0", "1"]);
        assert_eq!(shown("7"), ["7"]);
    }

    #[test]
    fn decimal_ranges_are_exact() {
        assert_eq!(
            shown("0..0.1:0.025"),
            ["0", "0.025", "0.05", "0.075", "0.1"]
        );
        assert_eq!(shown("0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
    }

    #[test]
    fn duration_ranges_step_in_time_and_print_durations() {
        assert_eq!(
            shown("10m..1h:10m"),
            ["10m", "20m", "30m", "40m", "50m", "1h"]
        );
        assert_eq!(shown("30m..2h:45m"), ["30m", "1h15m", "2h"]);
        assert_eq!(shown("500ms..2s:750ms"), ["500ms", "1s250ms", "2s"]);
    }

    #[test]
    fn durations_and_quantities_in_lists_are_passed_as_written() {
        assert_eq!(shown("30s,1m,2h"), ["30s", "1m", "2h"]);
        assert_eq!(shown("512Mi,1Gi"), ["512Mi", "1Gi"]);
    }

    #[test]
    fn quoted_values_may_hold_commas_and_spaces_and_keep_yaml_quotes() {
        let v = parse_values("'0 2 * * *','30 2 * * *'").unwrap();
        assert_eq!(v[0].yaml, "'0 2 * * *'");
        assert_eq!(v[0].shown, "0 2 * * *");
        assert_eq!(v[1].shown, "30 2 * * *");
        assert_eq!(shown("\"a,b\", 'it''s'"), ["a,b", "it's"]);
        assert_eq!(
            shown("{uniform: [1s, 3s]},{fixed: 2s}"),
            ["{uniform: [1s, 3s]}", "{fixed: 2s}"]
        );
    }

    #[test]
    fn malformed_values_are_refused_with_the_reason() {
        for (text, why) in [
            ("1,,2", "empty value"),
            ("1,", "empty value"),
            ("5..2", "below the start"),
            ("1..5:0", "above 0"),
            ("1..5:-1", "above 0"),
            ("0..0.1", "needs a step"),
            ("10m..1h", "needs a step"),
            ("a..b", "expected whole numbers"),
            ("'abc", "not closed"),
            ("'a'b", "after the closing quote"),
            ("0..1000000", "more than"),
        ] {
            let err = parse_values(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn whole_number_ranges_with_steps_near_the_64_bit_ends_expand_exactly() {
        assert_eq!(
            shown("-9223372036854775808..9223372036854775807:9223372036854775807"),
            ["-9223372036854775808", "-1", "9223372036854775806"]
        );
        assert_eq!(
            shown("9223372036854775806..9223372036854775807"),
            ["9223372036854775806", "9223372036854775807"]
        );
    }

    #[test]
    fn decimal_ranges_too_large_to_scale_are_refused_not_overflowed() {
        for (text, why) in [
            // The end has no decimal places; scaled to the step's twelve it overflows.
            (
                "0..170141183460469231731687303715884105727:0.1",
                "too large",
            ),
            (
                "0..99999999999999999999999999999999999999:0.000000000001",
                "too large",
            ),
            (
                "-99999999999999999999999999999999999999..99999999999999999999999999999999999999:1.0",
                "too large",
            ),
            (
                "-99999999999999999999999999999999999999..99999999999999999999999999999999999999:1",
                "too large",
            ),
            ("0.5..99999999999999999999999999.5:0.1", "more than"),
        ] {
            let err = parse_values(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn a_vary_needs_a_path_and_an_equals_sign() {
        let v = Vary::parse("job/etl.spec.parallelism=1,2").unwrap();
        assert_eq!(v.path, "job/etl.spec.parallelism");
        assert_eq!(v.values.len(), 2);
        assert!(Vary::parse("1,2").is_err());
        assert!(Vary::parse("=1,2").is_err());
    }
}
