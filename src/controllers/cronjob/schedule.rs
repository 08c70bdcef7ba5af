//! The cron language exactly as Kubernetes v1.36 accepts and evaluates it: a port of
//! robfig/cron v3.0.1 `ParseStandard` and `SpecSchedule.Next` / `ConstantDelaySchedule.Next`
//! (reference cronjob-semantics §1–§2), over `jiff` and its bundled tz database.
//!
//! It owns the grammar (five fields, `*`/`?`, lists, ranges, steps, names, descriptors,
//! `@every`, the `TZ=`/`CRON_TZ=` prefix), the star-bit day rule, the next-activation search
//! with its DST behaviour and 5-year give-up, and robfig's error texts. It must not know
//! about CronJob objects, the controller's missed-run arithmetic (`missed.rs`), API
//! validation (`validation.rs`), or the wall clock.
//!
//! Traps it reproduces on purpose, each pinned by a test: `7` is not Sunday; `?` is `*` in
//! every field; `*/1` keeps the star bit but `*/2` and `1-31` do not, which flips the
//! day-of-month/day-of-week rule from AND to OR; `*-5` is read as `*`; empty list items are
//! dropped (`,` never matches); descriptors are case-sensitive and must match exactly;
//! `@every` rounds to whole seconds (at least 1 s) and ignores the zone; local times in a DST
//! gap are skipped and those in a repeated hour fire twice.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

use super::gotime::{self, LocalFields};
pub use super::gotime::{Location, load_location, quote};

/// Bit 63 of a field's mask: the field was written `*` or `?` (optionally `/1`).
const STAR_BIT: u64 = 1 << 63;

/// Robfig gives up when the search passes this many years after the start year.
const SEARCH_YEARS: i64 = 5;

/// One of the five fields of a standard cron expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

const MONTH_NAMES: [(&str, u64); 12] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

const WEEKDAY_NAMES: [(&str, u64); 7] = [
    ("sun", 0),
    ("mon", 1),
    ("tue", 2),
    ("wed", 3),
    ("thu", 4),
    ("fri", 5),
    ("sat", 6),
];

impl Field {
    const ALL: [Field; 5] = [
        Field::Minute,
        Field::Hour,
        Field::DayOfMonth,
        Field::Month,
        Field::DayOfWeek,
    ];

    /// The inclusive range of values robfig allows (`spec.go` bounds).
    pub fn bounds(self) -> (u64, u64) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (0, 6),
        }
    }

    fn names(self) -> &'static [(&'static str, u64)] {
        match self {
            Field::Month => &MONTH_NAMES,
            Field::DayOfWeek => &WEEKDAY_NAMES,
            _ => &[],
        }
    }

    /// The field's name as the documentation writes it.
    pub fn name(self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        }
    }
}

/// Why robfig/cron (and so Kubernetes) rejects a schedule. `Display` is robfig's own text,
/// which Kubernetes puts verbatim into its validation message; [`ParseError::hint`] adds our
/// explanation for the common traps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty spec string")]
    Empty,
    /// A `TZ=`/`CRON_TZ=` prefix with no space after it: robfig v3.0.1 panics on a slice
    /// bound, which Kubernetes ≥ 1.35 recovers into this error (Go's panic text follows).
    #[error("invalid schedule format: runtime error: slice bounds out of range [:-1]")]
    InvalidFormat,
    #[error("provided bad location {name}: {reason}")]
    BadLocation { name: String, reason: String },
    #[error("unrecognized descriptor: {0}")]
    UnrecognizedDescriptor(String),
    #[error("failed to parse duration {descriptor}: {reason}")]
    BadDuration { descriptor: String, reason: String },
    #[error("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" "))]
    FieldCount { fields: Vec<String> },
    #[error("{error}")]
    Field { field: Field, error: FieldError },
}

/// A rejected range inside one field (robfig `getRange`), with robfig's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("too many hyphens: {0}")]
    TooManyHyphens(String),
    #[error("too many slashes: {0}")]
    TooManySlashes(String),
    #[error("failed to parse int from {text}: {reason}")]
    NotAnInteger { text: String, reason: String },
    #[error("negative number ({number}) not allowed: {text}")]
    Negative { number: i64, text: String },
    #[error("beginning of range ({start}) below minimum ({min}): {expr}")]
    BelowMinimum { start: u64, min: u64, expr: String },
    #[error("end of range ({end}) above maximum ({max}): {expr}")]
    AboveMaximum { end: u64, max: u64, expr: String },
    #[error("beginning of range ({start}) beyond end of range ({end}): {expr}")]
    Backwards { start: u64, end: u64, expr: String },
    #[error("step of range should be a positive number: {0}")]
    ZeroStep(String),
}

const DESCRIPTORS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

impl ParseError {
    /// Our explanation of a trap that robfig's text leaves obscure, if this is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            ParseError::Field {
                field: Field::DayOfWeek,
                error,
            } => match error {
                FieldError::AboveMaximum { end: 7, .. }
                | FieldError::Backwards { start: 7, .. } => Some(
                    "day-of-week 7 is out of range (0-6): Kubernetes' cron uses 0 for Sunday; \
                     7 is not accepted"
                        .into(),
                ),
                FieldError::Backwards { end: 0, .. } => Some(
                    "SUN is 0 in Kubernetes' cron, so a range cannot end on Sunday: write \
                     MON-SAT,SUN or 0-6"
                        .into(),
                ),
                FieldError::NotAnInteger { text, .. } => quartz_hint(text),
                _ => None,
            },
            ParseError::Field {
                error: FieldError::NotAnInteger { text, .. },
                ..
            } => quartz_hint(text),
            ParseError::FieldCount { fields } if fields.len() > 5 => Some(
                "Kubernetes' cron has exactly five fields (minute hour day-of-month month \
                 day-of-week): no seconds or year field"
                    .into(),
            ),
            ParseError::UnrecognizedDescriptor(text) => descriptor_hint(text),
            ParseError::BadDuration { reason, .. } if reason.contains("unknown unit \"d\"") => {
                Some("Go durations have no day unit: write hours, e.g. @every 24h".into())
            }
            ParseError::InvalidFormat => Some(
                "a TZ= or CRON_TZ= prefix must be followed by a space and the schedule; \
                 Kubernetes rejects the prefix anyway: use spec.timeZone"
                    .into(),
            ),
            _ => None,
        }
    }

    /// Robfig's text followed by our hint in parentheses, when there is one.
    pub fn explained(&self) -> String {
        match self.hint() {
            Some(hint) => format!("{self} ({hint})"),
            None => self.to_string(),
        }
    }
}

fn quartz_hint(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    (upper.contains('L') || upper.contains('W') || upper.contains('#')).then(|| {
        "Kubernetes' cron has no L, W or # (Quartz extensions): use lists and ranges".into()
    })
}

fn descriptor_hint(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    if trimmed != text && DESCRIPTORS.contains(&trimmed) {
        return Some(format!(
            "descriptors must match exactly: remove the whitespace after {trimmed}"
        ));
    }
    let lower = text.to_lowercase();
    if DESCRIPTORS.contains(&lower.as_str()) || lower.starts_with("@every ") {
        return Some(format!(
            "descriptors are case-sensitive: write {}",
            if lower.starts_with("@every ") {
                "@every"
            } else {
                lower.as_str()
            }
        ));
    }
    match lower.as_str() {
        "@reboot" => Some("@reboot is not supported by Kubernetes".into()),
        "@every" => Some("write @every <duration>, e.g. @every 1h30m".into()),
        _ => Some(
            "the descriptors are @yearly, @annually, @monthly, @weekly, @daily, @midnight, \
             @hourly and @every <duration>"
                .into(),
        ),
    }
}

/// A parsed schedule: what robfig's `ParseStandard` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Spec(SpecSchedule),
    /// `@every`: whole seconds, at least 1.
    Every {
        delay_seconds: i64,
    },
}

/// Bit masks per field, as robfig stores them (bit `v` set when value `v` matches; bit 63 is
/// the star bit). The seconds field of the standard parser is always `0`.
#[derive(Debug, Clone, PartialEq)]
struct SpecSchedule {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    location: Location,
}

impl Schedule {
    /// Parses a schedule as Kubernetes does (robfig `ParseStandard`, with the v1.35+ panic
    /// recovery): an optional `TZ=`/`CRON_TZ=` prefix, then a descriptor or five fields.
    ///
    /// This is the parser alone. Kubernetes' validation additionally rejects any schedule
    /// containing `TZ` (see [`super::validation::validate_schedule`]); the controller
    /// builds the text it parses with [`format_schedule`].
    pub fn parse(spec: &str) -> Result<Schedule, ParseError> {
        if spec.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut location = Location::Local;
        let mut rest = spec;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let Some(space) = spec.find(' ') else {
                return Err(ParseError::InvalidFormat);
            };
            let equals = spec.find('=').unwrap_or(0);
            let name = &spec[equals + 1..space];
            location = load_location(name).map_err(|reason| ParseError::BadLocation {
                name: name.to_string(),
                reason,
            })?;
            rest = spec[space..].trim();
        }
        if rest.starts_with('@') {
            return parse_descriptor(rest, location);
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() != Field::ALL.len() {
            return Err(ParseError::FieldCount {
                fields: fields.iter().map(|f| f.to_string()).collect(),
            });
        }
        let mut masks = [0u64; 5];
        for ((mask, text), field) in masks.iter_mut().zip(&fields).zip(Field::ALL) {
            *mask = parse_field(text, field).map_err(|error| ParseError::Field { field, error })?;
        }
        let [minute, hour, dom, month, dow] = masks;
        Ok(Schedule {
            kind: Kind::Spec(SpecSchedule {
                minute,
                hour,
                dom,
                month,
                dow,
                location,
            }),
        })
    }

    /// The next activation strictly after `after` (robfig `Next`), or `None` when the
    /// schedule does not fire within robfig's search window (the search gives up once it
    /// passes the year `after`'s year + 5: impossible dates such as 30 February, an empty
    /// field, or a 29 February too far away).
    ///
    /// Fields are matched against the wall clock of the schedule's zone; a schedule without
    /// a zone ([`Location::Local`]) is evaluated in UTC, which is what the simulator takes
    /// the controller's local zone to be.
    pub fn next(&self, after: Timestamp) -> Option<Timestamp> {
        Timestamp::from_second(self.next_unix(after)?).ok()
    }

    /// The zone the fields are read in; `None` for `@every`, which ignores zones.
    pub fn location(&self) -> Option<&Location> {
        match &self.kind {
            Kind::Spec(spec) => Some(&spec.location),
            Kind::Every { .. } => None,
        }
    }

    /// The interval of an `@every` schedule (after robfig's rounding).
    pub fn every(&self) -> Option<SignedDuration> {
        match self.kind {
            Kind::Every { delay_seconds } => Some(SignedDuration::from_secs(delay_seconds)),
            Kind::Spec(_) => None,
        }
    }

    /// `Next` as a Unix second; `None` is robfig's zero time.
    pub(crate) fn next_unix(&self, after: Timestamp) -> Option<i64> {
        // Go drops the sub-second part, then searches from the following whole second.
        let whole = i64::try_from(gotime::nanos(after).div_euclid(1_000_000_000)).ok()?;
        match &self.kind {
            Kind::Every { delay_seconds } => whole.checked_add(*delay_seconds),
            Kind::Spec(spec) => spec.next(whole.checked_add(1)?),
        }
    }
}

/// What the CronJob controller hands to the parser (`formatSchedule`, reference §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedSchedule {
    /// The text to give [`Schedule::parse`].
    pub text: String,
    /// The schedule itself contains `TZ`: the controller emits `UnsupportedSchedule` on
    /// every sync and ignores `spec.timeZone`.
    pub tz_in_schedule: bool,
}

/// The controller's `formatSchedule`: a schedule containing `TZ` is used as written;
/// otherwise a `spec.timeZone` that loads is prepended as `TZ=<zone> `; otherwise the
/// schedule is used as is.
pub fn format_schedule(schedule: &str, time_zone: Option<&str>) -> FormattedSchedule {
    if schedule.contains("TZ") {
        return FormattedSchedule {
            text: schedule.to_string(),
            tz_in_schedule: true,
        };
    }
    let text = match time_zone {
        Some(zone) if load_location(zone).is_ok() => format!("TZ={zone} {schedule}"),
        _ => schedule.to_string(),
    };
    FormattedSchedule {
        text,
        tz_in_schedule: false,
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// All values of a field plus the star bit (robfig `all`).
fn all(field: Field) -> u64 {
    let (min, max) = field.bounds();
    bits(min, max, 1) | STAR_BIT
}

fn parse_descriptor(descriptor: &str, location: Location) -> Result<Schedule, ParseError> {
    use Field::*;
    let first = |field: Field| 1u64 << field.bounds().0;
    let (minute, hour, dom, month, dow) = match descriptor {
        "@yearly" | "@annually" => (
            first(Minute),
            first(Hour),
            first(DayOfMonth),
            first(Month),
            all(DayOfWeek),
        ),
        "@monthly" => (
            first(Minute),
            first(Hour),
            first(DayOfMonth),
            all(Month),
            all(DayOfWeek),
        ),
        "@weekly" => (
            first(Minute),
            first(Hour),
            all(DayOfMonth),
            all(Month),
            first(DayOfWeek),
        ),
        "@daily" | "@midnight" => (
            first(Minute),
            first(Hour),
            all(DayOfMonth),
            all(Month),
            all(DayOfWeek),
        ),
        "@hourly" => (
            first(Minute),
            all(Hour),
            all(DayOfMonth),
            all(Month),
            all(DayOfWeek),
        ),
        _ => {
            let Some(text) = descriptor.strip_prefix("@every ") else {
                return Err(ParseError::UnrecognizedDescriptor(descriptor.to_string()));
            };
            let nanos = gotime::parse_duration(text).map_err(|reason| ParseError::BadDuration {
                descriptor: descriptor.to_string(),
                reason,
            })?;
            // robfig `Every`: under a second becomes a second; the sub-second part is dropped.
            let nanos = nanos.max(gotime::NANOS_PER_SECOND);
            return Ok(Schedule {
                kind: Kind::Every {
                    delay_seconds: nanos / gotime::NANOS_PER_SECOND,
                },
            });
        }
    };
    Ok(Schedule {
        kind: Kind::Spec(SpecSchedule {
            minute,
            hour,
            dom,
            month,
            dow,
            location,
        }),
    })
}

/// robfig `getField`: a comma-separated list of ranges; empty items are dropped.
fn parse_field(text: &str, field: Field) -> Result<u64, FieldError> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .try_fold(0u64, |mask, item| Ok(mask | parse_range(item, field)?))
}

/// robfig `getRange`: `*|?|N|N-M` optionally followed by `/step`.
fn parse_range(expr: &str, field: Field) -> Result<u64, FieldError> {
    let (min, max) = field.bounds();
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single_value = low_and_high.len() == 1;

    let (start, mut end, mut star);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        // Whatever follows a `*` or `?` before the slash (`*-5`) is ignored, as in robfig.
        (start, end, star) = (min, max, STAR_BIT);
    } else {
        start = parse_int_or_name(low_and_high[0], field)?;
        end = match low_and_high.len() {
            1 => start,
            2 => parse_int_or_name(low_and_high[1], field)?,
            _ => return Err(FieldError::TooManyHyphens(expr.to_string())),
        };
        star = 0;
    }

    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_non_negative(range_and_step[1])?;
            // `N/step` means `N-max/step`.
            if single_value {
                end = max;
            }
            if step > 1 {
                star = 0;
            }
            step
        }
        _ => return Err(FieldError::TooManySlashes(expr.to_string())),
    };

    let expr = expr.to_string();
    if start < min {
        return Err(FieldError::BelowMinimum { start, min, expr });
    }
    if end > max {
        return Err(FieldError::AboveMaximum { end, max, expr });
    }
    if start > end {
        return Err(FieldError::Backwards { start, end, expr });
    }
    if step == 0 {
        return Err(FieldError::ZeroStep(expr));
    }
    Ok(bits(start, end, step) | star)
}

/// robfig `parseIntOrName`: a three-letter name (any case) where the field has names, else
/// an integer.
fn parse_int_or_name(text: &str, field: Field) -> Result<u64, FieldError> {
    let lower = text.to_lowercase();
    if let Some((_, value)) = field.names().iter().find(|(name, _)| *name == lower) {
        return Ok(*value);
    }
    parse_non_negative(text)
}

/// robfig `mustParseInt`: Go's `strconv.Atoi`, then no negatives.
fn parse_non_negative(text: &str) -> Result<u64, FieldError> {
    let number = gotime::atoi(text).map_err(|reason| FieldError::NotAnInteger {
        text: text.to_string(),
        reason,
    })?;
    u64::try_from(number).map_err(|_| FieldError::Negative {
        number,
        text: text.to_string(),
    })
}

/// robfig `getBits`: every `step`-th value from `min` to `max` inclusive (both ≤ 59).
fn bits(min: u64, max: u64, step: u64) -> u64 {
    let mut mask = 0;
    let mut value = min;
    while value <= max {
        mask |= 1 << value;
        value = match value.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    mask
}

fn has(mask: u64, value: i64) -> bool {
    (0..63).contains(&value) && mask & (1 << value) != 0
}

impl SpecSchedule {
    /// robfig's day rule: if either day field carries the star bit both must match,
    /// otherwise either may.
    fn day_matches(&self, f: &LocalFields) -> bool {
        let dom_match = has(self.dom, f.day);
        let dow_match = has(self.dow, f.weekday);
        if self.dom & STAR_BIT != 0 || self.dow & STAR_BIT != 0 {
            dom_match && dow_match
        } else {
            dom_match || dow_match
        }
    }

    /// robfig `SpecSchedule.Next`, from the first candidate second `start` (Unix seconds).
    /// Fields are matched on the wall clock; months and days advance by calendar (Go
    /// `AddDate`), hours, minutes and seconds by absolute time. `None` is the zero time.
    fn next(&self, start: i64) -> Option<i64> {
        let loc = &self.location;
        let mut t = start;
        let mut added = false;
        let year_limit = loc.fields(t)?.year + SEARCH_YEARS;

        'wrap: loop {
            if loc.fields(t)?.year > year_limit {
                return None;
            }

            while !has(self.month, loc.fields(t)?.month) {
                if !added {
                    added = true;
                    let f = loc.fields(t)?;
                    t = loc.date(f.year, f.month, 1, 0, 0, 0)?;
                }
                let f = loc.fields(t)?;
                t = loc.date(f.year, f.month + 1, f.day, f.hour, f.minute, f.second)?;
                if loc.fields(t)?.month == 1 {
                    continue 'wrap;
                }
            }

            while !self.day_matches(&loc.fields(t)?) {
                if !added {
                    added = true;
                    let f = loc.fields(t)?;
                    t = loc.date(f.year, f.month, f.day, 0, 0, 0)?;
                }
                let f = loc.fields(t)?;
                t = loc.date(f.year, f.month, f.day + 1, f.hour, f.minute, f.second)?;
                // Where local midnight does not exist, land back on hour 0 (or on the next
                // day's midnight) as robfig does (its issue #157).
                let hour = loc.fields(t)?.hour;
                if hour != 0 {
                    t += (if hour > 12 { 24 - hour } else { -hour }) * 3600;
                }
                if loc.fields(t)?.day == 1 {
                    continue 'wrap;
                }
            }

            while !has(self.hour, loc.fields(t)?.hour) {
                if !added {
                    added = true;
                    let f = loc.fields(t)?;
                    t = loc.date(f.year, f.month, f.day, f.hour, 0, 0)?;
                }
                t += 3600;
                if loc.fields(t)?.hour == 0 {
                    continue 'wrap;
                }
            }

            while !has(self.minute, loc.fields(t)?.minute) {
                if !added {
                    added = true;
                    t = t.div_euclid(60) * 60;
                }
                t += 60;
                if loc.fields(t)?.minute == 0 {
                    continue 'wrap;
                }
            }

            // The standard parser fixes the seconds field to 0.
            while loc.fields(t)?.second != 0 {
                added = true;
                t += 1;
                if loc.fields(t)?.second == 0 {
                    continue 'wrap;
                }
            }

            return Some(t);
        }
    }
}
