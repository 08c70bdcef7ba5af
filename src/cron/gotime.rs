//! The few pieces of Go's standard library whose exact behaviour the cron rules depend on:
//! `time.Date` (normalisation and how it resolves local times in a DST gap or overlap),
//! `time.ParseDuration`, `strconv.Atoi`, `time.LoadLocation` against the bundled tz database,
//! `Duration` arithmetic (saturating `Sub`, `Round`, `Seconds`) and Go's two string quoting
//! styles used in error messages. Written from the documented Go behaviour, over `jiff`.
//!
//! This module knows nothing about cron or Kubernetes; it must not read the wall clock or the
//! machine's tz database.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Seconds in a day.
const SECONDS_PER_DAY: i64 = 86_400;

/// Go's `time.Time{}` (0001-01-01T00:00:00Z), which robfig's `Next` returns for "never".
pub(crate) const GO_ZERO_UNIX: i64 = -62_135_596_800;

/// Days from 1970-01-01 to the given proleptic Gregorian date (month 1..=12).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count from 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A Go `*time.Location` as far as the cron rules need one.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// Go's `time.Local`: for a schedule, "the zone of the time passed to `Next`". The
    /// simulator's instants are UTC, so this behaves as UTC (reference §3: treat nil as UTC).
    Local,
    /// A zone from the bundled IANA database (including `UTC`).
    Zone(TimeZone),
}

impl Location {
    /// The offset never changes (UTC, `Local` as the simulator reads it, `Etc/GMT+5`).
    pub(crate) fn is_fixed_offset(&self) -> bool {
        match self {
            Location::Local => true,
            Location::Zone(tz) => tz.to_fixed_offset().is_ok(),
        }
    }

    /// The UTC offset in seconds at the instant `unix` (Go's `Location.lookup`), or `None`
    /// when the instant is outside the range jiff supports.
    pub(crate) fn offset_at(&self, unix: i64) -> Option<i64> {
        match self {
            Location::Local => Some(0),
            Location::Zone(tz) => {
                let ts = Timestamp::from_second(unix).ok()?;
                Some(i64::from(tz.to_offset(ts).seconds()))
            }
        }
    }

    /// The wall-clock fields of the instant `unix` in this location.
    pub(crate) fn fields(&self, unix: i64) -> Option<LocalFields> {
        let local = unix.checked_add(self.offset_at(unix)?)?;
        let days = local.div_euclid(SECONDS_PER_DAY);
        let secs = local.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Some(LocalFields {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
            // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
            weekday: (days + 4).rem_euclid(7),
        })
    }

    /// Go's `time.Date(year, month, day, hour, min, sec, 0, loc)` as a Unix second: the
    /// fields are normalised (month 13 is January of the next year, day 32 rolls into the next
    /// month), then the wall clock is resolved to an instant the way Go does it. Go takes the
    /// offset in force at the wall-clock value read as if it were UTC; if that offset is
    /// non-zero and the corrected instant falls in a different zone period, it uses that
    /// period's offset instead. So a wall-clock time in a spring-forward gap or in a repeated
    /// hour resolves to whichever side this two-step lookup lands on (for America/New_York a
    /// gap time becomes the hour before, a repeated time its first occurrence).
    pub(crate) fn date(
        &self,
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        minute: i64,
        second: i64,
    ) -> Option<i64> {
        let month0 = month - 1;
        let year = year.checked_add(month0.div_euclid(12))?;
        let month = month0.rem_euclid(12) + 1;
        let days = days_from_civil(year, month, 1).checked_add(day - 1)?;
        let wall = days
            .checked_mul(SECONDS_PER_DAY)?
            .checked_add(hour * 3600 + minute * 60 + second)?;
        let guess = self.offset_at(wall)?;
        if guess == 0 {
            return Some(wall);
        }
        let offset = self.offset_at(wall - guess)?;
        Some(wall - offset)
    }
}

/// Go's `time.LoadLocation(name)` against the bundled IANA database, with Go's error text.
///
/// `""` and `"UTC"` are UTC and `"Local"` is [`Location::Local`], as in Go. Names are
/// case-sensitive, as they are for Go on Linux and in its embedded database (jiff's lookup
/// is case-insensitive, so the canonical spelling is compared).
pub fn load_location(name: &str) -> Result<Location, String> {
    match name {
        "" | "UTC" => return Ok(Location::Zone(TimeZone::UTC)),
        "Local" => return Ok(Location::Local),
        _ => {}
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return Err("time: invalid location name".to_string());
    }
    let unknown = || format!("unknown time zone {name}");
    // jiff answers `Etc/Unknown` with its own placeholder zone; Go's database has no such name.
    if name.eq_ignore_ascii_case("Etc/Unknown") {
        return Err(unknown());
    }
    match TimeZone::get(name) {
        Ok(tz) if tz.iana_name() == Some(name) => Ok(Location::Zone(tz)),
        _ => Err(unknown()),
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform, with its error text (`strconv.Atoi: parsing
/// "x": invalid syntax` / `value out of range`).
pub(crate) fn atoi(text: &str) -> Result<i64, String> {
    let syntax = || format!("strconv.Atoi: parsing {}: invalid syntax", quote(text));
    let range = || format!("strconv.Atoi: parsing {}: value out of range", quote(text));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(syntax());
    }
    // Like Go's ParseUint, an overflow is reported as soon as it happens, even if a bad
    // character follows.
    let mut value: u64 = 0;
    for byte in digits.bytes() {
        if !byte.is_ascii_digit() {
            return Err(syntax());
        }
        value = match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(byte - b'0')))
        {
            Some(v) => v,
            None => return Err(range()),
        };
    }
    if negative {
        if value > 1 << 63 {
            return Err(range());
        }
        Ok((value as i64).wrapping_neg())
    } else {
        i64::try_from(value).map_err(|_| range())
    }
}

/// Nanoseconds per unit for Go's `time.ParseDuration`.
fn duration_unit(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Go's `time.ParseDuration`, returning nanoseconds, with Go's error text.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut negative = false;
    if let Some(first) = s.bytes().next()
        && (first == b'-' || first == b'+')
    {
        negative = first == b'-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let first = s.as_bytes()[0];
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (whole, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let had_whole = before != s.len();
        let (mut fraction, mut scale, mut had_fraction) = (0u64, 1f64, false);
        if s.as_bytes().first() == Some(&b'.') {
            s = &s[1..];
            let before = s.len();
            let (f, sc, rest) = leading_fraction(s);
            (fraction, scale) = (f, sc);
            s = rest;
            had_fraction = before != s.len();
        }
        if !had_whole && !had_fraction {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .position(|c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(orig)
            ));
        }
        let unit_text = &s[..unit_len];
        s = &s[unit_len..];
        let Some(unit) = duration_unit(unit_text) else {
            return Err(format!(
                "time: unknown unit {} in duration {}",
                time_quote(unit_text),
                time_quote(orig)
            ));
        };
        if whole > (1u64 << 63) / unit {
            return Err(invalid());
        }
        let mut value = whole * unit;
        if fraction > 0 {
            value += (fraction as f64 * (unit as f64 / scale)) as u64;
            if value > 1 << 63 {
                return Err(invalid());
            }
        }
        total += value;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// Go's `leadingInt`: the leading digits of `s`, or `None` on overflow past 2^63.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let mut value: u64 = 0;
    let mut end = 0;
    for byte in s.bytes() {
        if !byte.is_ascii_digit() {
            break;
        }
        if value > (1u64 << 63) / 10 {
            return None;
        }
        value = value * 10 + u64::from(byte - b'0');
        if value > 1 << 63 {
            return None;
        }
        end += 1;
    }
    Some((value, &s[end..]))
}

/// Go's `leadingFraction`: digits after the point; precision stops accumulating on overflow.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let (mut value, mut scale, mut overflow, mut end) = (0u64, 1f64, false, 0);
    for byte in s.bytes() {
        if !byte.is_ascii_digit() {
            break;
        }
        end += 1;
        if overflow {
            continue;
        }
        if value > ((1u64 << 63) - 1) / 10 {
            overflow = true;
            continue;
        }
        let next = value * 10 + u64::from(byte - b'0');
        if next > 1 << 63 {
            overflow = true;
            continue;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale, &s[end..])
}

/// The quoting Go's `time` package uses in its errors: ASCII printable characters as they
/// are (with `"` and `\` escaped), every other byte as `\xNN`.
pub(crate) fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.Quote` (what `%q` prints), for the characters a schedule can contain.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            ' ' => out.push(' '),
            c if c.is_control() || c.is_whitespace() || c == '\u{feff}' => {
                if (c as u32) < 0x1_0000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Nanoseconds in a Go `time.Second`.
pub(crate) const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// The nanoseconds since the Unix epoch of an instant.
pub(crate) fn nanos(t: Timestamp) -> i128 {
    t.as_nanosecond()
}

/// Go's `t.Sub(u)`: the difference in nanoseconds, saturated to Go's `Duration` range.
pub(crate) fn sub(t: Timestamp, u: Timestamp) -> i64 {
    let d = nanos(t) - nanos(u);
    d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Go's `Duration.Round(m)` for `m > 0`, including its saturation on overflow.
pub(crate) fn round(d: i64, m: i64) -> i64 {
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        match d.checked_sub(m).and_then(|v| v.checked_add(r)) {
            Some(d1) if d1 < d => d1,
            _ => i64::MIN,
        }
    } else {
        if less_than_half(r, m) {
            return d - r;
        }
        match d.checked_add(m).and_then(|v| v.checked_sub(r)) {
            Some(d1) if d1 > d => d1,
            _ => i64::MAX,
        }
    }
}

/// Go's `int64(d.Seconds())`: whole seconds and the fraction summed as a float, then
/// truncated toward zero (the float sum can round a fraction just under 1 up to 1).
pub(crate) fn whole_seconds(d: i64) -> i64 {
    let secs = d / NANOS_PER_SECOND;
    let frac = d % NANOS_PER_SECOND;
    (secs as f64 + frac as f64 / 1e9) as i64
}

/// Go's `t.Add(d)` for a duration in nanoseconds; `None` outside jiff's range.
pub(crate) fn add(t: Timestamp, d: i64) -> Option<Timestamp> {
    Timestamp::from_nanosecond(nanos(t) + i128::from(d)).ok()
}

/// Wall-clock fields of an instant in a location (Go's `t.Date()`, `t.Clock()`,
/// `t.Weekday()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalFields {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 0 = Sunday.
    pub weekday: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_across_eras() {
        for days in [
            -800_000, -719_468, -1, 0, 1, 59, 60, 11_016, 20_000, 2_932_896,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1, 1, 1) * SECONDS_PER_DAY, GO_ZERO_UNIX);
    }

    #[test]
    fn date_normalises_month_and_day_overflow() {
        let utc = Location::Zone(TimeZone::UTC);
        // Month 13 of 2012 is January 2013; day 32 of January is 1 February.
        let jan_2013 = utc.date(2012, 13, 1, 0, 0, 0).unwrap();
        assert_eq!(utc.fields(jan_2013).unwrap().year, 2013);
        let feb_1 = utc.date(2012, 1, 32, 0, 0, 0).unwrap();
        let f = utc.fields(feb_1).unwrap();
        assert_eq!((f.month, f.day), (2, 1));
    }

    #[test]
    fn date_in_new_york_gap_resolves_to_the_hour_before() {
        // 2012-03-11 02:30 does not exist in New York; Go's lookup lands on 01:30 EST.
        let ny = load_location("America/New_York").unwrap();
        let t = ny.date(2012, 3, 11, 2, 30, 0).unwrap();
        assert_eq!(
            t,
            "2012-03-11T06:30:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
    }

    #[test]
    fn date_in_new_york_overlap_resolves_to_first_occurrence() {
        let ny = load_location("America/New_York").unwrap();
        let t = ny.date(2012, 11, 4, 1, 30, 0).unwrap();
        assert_eq!(
            t,
            "2012-11-04T05:30:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
    }

    #[test]
    fn load_location_is_case_sensitive_like_go() {
        assert!(load_location("America/New_York").is_ok());
        assert_eq!(
            load_location("america/new_york").unwrap_err(),
            "unknown time zone america/new_york"
        );
        assert_eq!(load_location("utc").unwrap_err(), "unknown time zone utc");
        assert_eq!(load_location("Local"), Ok(Location::Local));
        assert_eq!(
            load_location("Etc/Unknown").unwrap_err(),
            "unknown time zone Etc/Unknown"
        );
        assert_eq!(
            load_location("a/../b").unwrap_err(),
            "time: invalid location name"
        );
        assert!(load_location("Etc/UTC").is_ok());
    }

    #[test]
    fn atoi_accepts_sign_and_leading_zeros_like_go() {
        assert_eq!(atoi("08"), Ok(8));
        assert_eq!(atoi("+5"), Ok(5));
        assert_eq!(atoi("-3"), Ok(-3));
        assert_eq!(
            atoi(""),
            Err("strconv.Atoi: parsing \"\": invalid syntax".into())
        );
        assert_eq!(
            atoi("L"),
            Err("strconv.Atoi: parsing \"L\": invalid syntax".into())
        );
        assert_eq!(
            atoi("1_0"),
            Err("strconv.Atoi: parsing \"1_0\": invalid syntax".into())
        );
        assert_eq!(
            atoi("99999999999999999999"),
            Err("strconv.Atoi: parsing \"99999999999999999999\": value out of range".into())
        );
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
    }

    #[test]
    fn parse_duration_matches_go() {
        assert_eq!(parse_duration("90s"), Ok(90 * NANOS_PER_SECOND));
        assert_eq!(parse_duration("1h30m"), Ok(5400 * NANOS_PER_SECOND));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration("-5m"), Ok(-300 * NANOS_PER_SECOND));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("2\u{b5}s"), Ok(2_000));
        assert_eq!(
            parse_duration(""),
            Err("time: invalid duration \"\"".into())
        );
        assert_eq!(
            parse_duration("1"),
            Err("time: missing unit in duration \"1\"".into())
        );
        assert_eq!(
            parse_duration("1h "),
            Err("time: unknown unit \"h \" in duration \"1h \"".into())
        );
        assert_eq!(
            parse_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(
            parse_duration(".s"),
            Err("time: invalid duration \".s\"".into())
        );
        assert_eq!(
            parse_duration("9999999999h"),
            Err("time: invalid duration \"9999999999h\"".into())
        );
    }

    #[test]
    fn round_half_away_from_zero_and_saturates() {
        let s = NANOS_PER_SECOND;
        assert_eq!(round(1_500_000_000, s), 2 * s);
        assert_eq!(round(1_499_999_999, s), s);
        assert_eq!(round(-1_500_000_000, s), -2 * s);
        assert_eq!(round(i64::MAX, s), i64::MAX);
    }

    #[test]
    fn quoting_styles_differ_like_go() {
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote("é\t"), "\"é\\t\"");
        assert_eq!(time_quote("é"), "\"\\xc3\\xa9\"");
    }
}
