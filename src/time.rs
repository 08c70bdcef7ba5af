//! Simulated time: integer milliseconds since the scenario's start instant, durations
//! written as Kubernetes users write them (`90s`, `1h30m`, `2d`), and RFC 3339 output.
//!
//! Floats never carry time. Kubernetes stores timestamps with whole-second precision; the
//! helpers here give the controllers the truncated values the API server would hand them.

use jiff::{SignedDuration, Span, SpanRelativeTo, Timestamp};

/// Milliseconds since the scenario's start instant (t = 0).
pub type SimTime = u64;
/// A span of simulated time in milliseconds.
pub type SimDuration = u64;

#[allow(dead_code)] // the unit, kept beside SECOND/MINUTE/HOUR
pub const MS: SimDuration = 1;
/// One second.
pub const SECOND: SimDuration = 1_000;
/// One minute.
pub const MINUTE: SimDuration = 60 * SECOND;
/// One hour.
pub const HOUR: SimDuration = 60 * MINUTE;

/// Why a duration string was rejected. `text` is an excerpt of the input (see
/// `crate::excerpt`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("invalid duration {text:?}: {reason} (write e.g. 500ms, 90s, 5m, 1h30m, 2d)")]
    /// Not a duration.
    Invalid {
        /// The input (an excerpt).
        text: String,
        /// What is wrong.
        reason: String,
    },
    #[error("invalid duration {text:?}: durations may not be negative (write e.g. 5m, 2h)")]
    /// A negative duration.
    Negative {
        /// The input (an excerpt).
        text: String,
    },
}

/// Parses `500ms`, `90s`, `1h30m`, `1h 30m`, `2d` (a day is 24 h), `1w` or ISO 8601
/// (`PT1H`). Months and years are rejected: their length depends on the calendar.
pub fn parse_duration(text: &str) -> Result<SimDuration, DurationError> {
    let invalid = |reason: &str| DurationError::Invalid {
        text: crate::excerpt::excerpt(text),
        reason: reason.to_string(),
    };
    let span: Span = text.trim().parse().map_err(|_: jiff::Error| {
        invalid("expected whole numbers with units ms, s, m, h, d or w, or ISO 8601 such as PT1H")
    })?;
    if span.is_negative() {
        return Err(DurationError::Negative {
            text: crate::excerpt::excerpt(text),
        });
    }
    if span.get_years() != 0 || span.get_months() != 0 {
        return Err(invalid(
            "months and years have no fixed length; write days instead (30d, 365d)",
        ));
    }
    let duration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| invalid("too long"))?;
    if duration.is_negative() {
        return Err(DurationError::Negative {
            text: crate::excerpt::excerpt(text),
        });
    }
    u64::try_from(duration.as_millis()).map_err(|_| invalid("too long"))
}

/// Formats a duration compactly for people: `850ms`, `5s`, `2m30s`, `1h05m`, `3d4h`.
pub fn format_duration(d: SimDuration) -> String {
    if d < SECOND {
        return format!("{d}ms");
    }
    if d < MINUTE {
        return if d.is_multiple_of(SECOND) {
            format!("{}s", d / SECOND)
        } else {
            format!("{:.1}s", d as f64 / SECOND as f64)
        };
    }
    let total_s = d / SECOND;
    let (days, h, m, s) = (
        total_s / 86_400,
        total_s / 3_600 % 24,
        total_s / 60 % 60,
        total_s % 60,
    );
    if days > 0 {
        format!("{days}d{h}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else {
        format!("{m}m{s:02}s")
    }
}

/// Seconds since start with millisecond precision, as the CSV outputs write them (`12.345`).
pub fn seconds_str(t: SimTime) -> String {
    format!("{}.{:03}", t / 1000, t % 1000)
}

/// The mapping between simulated time and wall-clock instants for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    start: Timestamp,
    /// Milliseconds past the whole second at t = 0, so truncation follows the wall clock.
    start_frac_ms: u64,
    /// `start` in milliseconds since the epoch when it has nothing finer: then
    /// [`Clock::instant`] is an integer addition (the controllers ask for instants on every
    /// sync; jiff's general `checked_add` costs about 90 instructions).
    start_ms: Option<i64>,
}

impl Clock {
    pub fn new(start: Timestamp) -> Clock {
        let frac = start.as_millisecond().rem_euclid(1000) as u64;
        Clock {
            start,
            start_frac_ms: frac,
            start_ms: (start.subsec_nanosecond() % 1_000_000 == 0).then(|| start.as_millisecond()),
        }
    }

    #[allow(dead_code)] // kept for crate callers
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The wall-clock instant of simulated time `t`.
    pub fn instant(&self, t: SimTime) -> Timestamp {
        if let Some(start) = self.start_ms
            && let Some(ms) = i64::try_from(t).ok().and_then(|t| start.checked_add(t))
            && let Ok(at) = Timestamp::from_millisecond(ms)
        {
            return at;
        }
        self.start
            .checked_add(SignedDuration::from_millis(t as i64))
            .unwrap_or(Timestamp::MAX)
    }

    /// `t` truncated to the whole wall-clock second, as Kubernetes stores timestamps.
    /// Never earlier than 0.
    pub fn truncate(&self, t: SimTime) -> SimTime {
        let abs = t + self.start_frac_ms;
        (abs - abs % SECOND).saturating_sub(self.start_frac_ms)
    }

    /// RFC 3339 with whole seconds (`2026-01-05T00:00:05Z`), as Kubernetes prints times.
    pub fn rfc3339(&self, t: SimTime) -> String {
        let ts = self.instant(t);
        let secs = Timestamp::from_second(ts.as_second()).unwrap_or(ts);
        secs.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_from_whole_millisecond_starts_match_jiff_addition() {
        let starts = [
            "2026-01-05T00:00:00Z",
            "2026-01-05T00:00:00.123Z",
            "2026-01-05T00:00:00.123456Z",
            "1969-12-31T23:59:59.999Z",
            "1969-12-31T23:59:59.9999Z",
            "9999-12-30T00:00:00Z",
        ];
        let times = [
            0,
            1,
            999,
            1_000,
            86_400_123,
            31_536_000_000,
            u64::MAX / 2,
            u64::MAX,
        ];
        for start in starts {
            let start: Timestamp = start.parse().unwrap();
            let clock = Clock::new(start);
            for t in times {
                let slow = start
                    .checked_add(SignedDuration::from_millis(t as i64))
                    .unwrap_or(Timestamp::MAX);
                // `t as i64` wraps for the largest ones: compare only where it does not.
                if i64::try_from(t).is_ok() {
                    assert_eq!(clock.instant(t), slow, "{start} + {t} ms");
                }
            }
        }
    }

    #[test]
    fn durations_parse_as_users_write_them() {
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("2d"), Ok(48 * HOUR));
        assert_eq!(parse_duration("PT1H"), Ok(HOUR));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("1mo").is_err());
    }

    #[test]
    fn duration_errors_say_what_is_allowed_not_the_library_internals() {
        for (text, says) in [
            ("1mo", "months and years have no fixed length"),
            ("1y", "months and years have no fixed length"),
            ("-5m", "durations may not be negative"),
            (
                "5 minutes please",
                "expected whole numbers with units ms, s, m, h, d or w",
            ),
        ] {
            let message = parse_duration(text).unwrap_err().to_string();
            assert!(message.contains(says), "{text}: {message}");
            assert!(!message.contains("relative"), "{text}: {message}");
        }
        let long = "9".repeat(10_000);
        assert!(parse_duration(&long).unwrap_err().to_string().len() < 300);
    }

    #[test]
    fn truncation_follows_the_wall_clock_second() {
        let clock = Clock::new(Timestamp::from_millisecond(1_000_250).unwrap());
        assert_eq!(clock.truncate(0), 0);
        assert_eq!(clock.truncate(749), 0);
        assert_eq!(clock.truncate(750), 750);
        assert_eq!(clock.truncate(1_800), 1_750);
        assert_eq!(clock.rfc3339(0), "1970-01-01T00:16:40Z");
    }

    #[test]
    fn durations_format_for_people() {
        assert_eq!(format_duration(850), "850ms");
        assert_eq!(format_duration(5_000), "5s");
        assert_eq!(format_duration(150_000), "2m30s");
        assert_eq!(format_duration(HOUR + 5 * MINUTE), "1h05m");
    }
}
