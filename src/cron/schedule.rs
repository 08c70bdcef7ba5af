//! The cron language exactly as Kubernetes v1.36 accepts and evaluates it: a port of
//! robfig/cron v3.0.1 `ParseStandard` and `SpecSchedule.Next` / `ConstantDelaySchedule.Next`
//! (reference cronjob-semantics §1–§2), over `jiff` and its bundled tz database.
//!
//! It owns the grammar (five fields, `*`/`?`, lists, ranges, steps, names, descriptors,
//! `@every`, the `TZ=`/`CRON_TZ=` prefix), the star-bit day rule, the next-activation search
//! with its DST behaviour and 5-year give-up, and robfig's error texts. It must not know
//! about CronJob objects, the controller's missed-run arithmetic
//! (`controllers::cronjob::missed`), API validation ([`super::validation`]), or the wall
//! clock.
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

    /// A field written as just `,` (an empty set) can never match; neither can a day rule
    /// that needs both day fields when one of them is empty.
    fn never_matches(&self) -> bool {
        let values = |mask: u64| mask & !STAR_BIT;
        let starred = (self.dom | self.dow) & STAR_BIT != 0;
        let no_day = if starred {
            values(self.dom) == 0 || values(self.dow) == 0
        } else {
            values(self.dom) == 0 && values(self.dow) == 0
        };
        values(self.minute) == 0 || values(self.hour) == 0 || values(self.month) == 0 || no_day
    }

    /// robfig `SpecSchedule.Next`, from the first candidate second `start` (Unix seconds).
    /// Fields are matched on the wall clock; months and days advance by calendar (Go
    /// `AddDate`), hours, minutes and seconds by absolute time. `None` is the zero time.
    fn next(&self, start: i64) -> Option<i64> {
        self.search(start, self.location.is_fixed_offset())
    }

    /// The search itself. With `leap` (a location whose offset never changes), the minute
    /// and second loops jump straight to where robfig's one-step-at-a-time loops would stop:
    /// a step of one minute (one second) then moves the wall clock by exactly that much, so
    /// the result is the same, without up to 59 iterations each. (A CronJob controller asks
    /// for `Next` several times per sync; this is most of its cost.)
    fn search(&self, start: i64, leap: bool) -> Option<i64> {
        if self.never_matches() {
            // Robfig would search its whole five years (millions of steps for an empty
            // minute field) and return the zero time; the answer is the same.
            return None;
        }
        let loc = &self.location;
        // The wall-clock fields of the last instant looked at: the loops below ask for the
        // same instant's fields again and again (year, month, day, hour, minute, second)
        // until `t` moves, and each answer is a zone lookup plus a calendar conversion.
        let mut memo: Option<(i64, LocalFields)> = None;
        let mut at = |t: i64| -> Option<LocalFields> {
            if let Some((seen, fields)) = memo
                && seen == t
            {
                return Some(fields);
            }
            let fields = loc.fields(t)?;
            memo = Some((t, fields));
            Some(fields)
        };
        let mut t = start;
        let mut added = false;
        let year_limit = at(t)?.year + SEARCH_YEARS;

        'wrap: loop {
            if at(t)?.year > year_limit {
                return None;
            }

            while !has(self.month, at(t)?.month) {
                if !added {
                    added = true;
                    let f = at(t)?;
                    t = loc.date(f.year, f.month, 1, 0, 0, 0)?;
                }
                let f = at(t)?;
                t = loc.date(f.year, f.month + 1, f.day, f.hour, f.minute, f.second)?;
                if at(t)?.month == 1 {
                    continue 'wrap;
                }
            }

            while !self.day_matches(&at(t)?) {
                if !added {
                    added = true;
                    let f = at(t)?;
                    t = loc.date(f.year, f.month, f.day, 0, 0, 0)?;
                }
                let f = at(t)?;
                t = loc.date(f.year, f.month, f.day + 1, f.hour, f.minute, f.second)?;
                // Where local midnight does not exist, land back on hour 0 (or on the next
                // day's midnight) as robfig does (its issue #157).
                let hour = at(t)?.hour;
                if hour != 0 {
                    t += (if hour > 12 { 24 - hour } else { -hour }) * 3600;
                }
                if at(t)?.day == 1 {
                    continue 'wrap;
                }
            }

            while !has(self.hour, at(t)?.hour) {
                if !added {
                    added = true;
                    let f = at(t)?;
                    t = loc.date(f.year, f.month, f.day, f.hour, 0, 0)?;
                }
                t += 3600;
                if at(t)?.hour == 0 {
                    continue 'wrap;
                }
            }

            if leap {
                let minute = at(t)?.minute;
                if !has(self.minute, minute) {
                    if !added {
                        added = true;
                        t = t.div_euclid(60) * 60;
                    }
                    match (minute + 1..60).find(|&m| has(self.minute, m)) {
                        Some(m) => t += (m - minute) * 60,
                        None => {
                            t += (60 - minute) * 60;
                            continue 'wrap;
                        }
                    }
                }
            }
            while !has(self.minute, at(t)?.minute) {
                if !added {
                    added = true;
                    t = t.div_euclid(60) * 60;
                }
                t += 60;
                if at(t)?.minute == 0 {
                    continue 'wrap;
                }
            }

            // The standard parser fixes the seconds field to 0.
            if leap {
                let second = at(t)?.second;
                if second != 0 {
                    t += 60 - second;
                    continue 'wrap;
                }
            }
            while at(t)?.second != 0 {
                added = true;
                t += 1;
                if at(t)?.second == 0 {
                    continue 'wrap;
                }
            }

            return Some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn parse(text: &str) -> Schedule {
        Schedule::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn err(text: &str) -> String {
        Schedule::parse(text).unwrap_err().to_string()
    }

    fn next(spec: &str, from: &str) -> Option<Timestamp> {
        parse(spec).next(ts(from))
    }

    /// The first `n` activations after `from`.
    fn run(spec: &str, from: &str, n: usize) -> Vec<Timestamp> {
        let schedule = parse(spec);
        let mut t = ts(from);
        (0..n)
            .map_while(|_| {
                t = schedule.next(t)?;
                Some(t)
            })
            .collect()
    }

    /// Does the schedule fire exactly at `at`?
    fn fires_at(spec: &str, at: &str) -> bool {
        let at = ts(at);
        parse(spec).next(at - SignedDuration::from_secs(1)) == Some(at)
    }

    fn mask(spec: &str) -> SpecSchedule {
        match parse(spec).kind {
            Kind::Spec(spec) => spec,
            Kind::Every { .. } => panic!("not a field schedule"),
        }
    }

    // ---- grammar ----

    #[test]
    fn empty_spec_string_is_rejected() {
        assert_eq!(err(""), "empty spec string");
    }

    #[test]
    fn exactly_five_fields_are_required() {
        assert_eq!(
            err("0 0 0 * * *"),
            "expected exactly 5 fields, found 6: [0 0 0 * * *]"
        );
        assert_eq!(
            err("0 0 * *"),
            "expected exactly 5 fields, found 4: [0 0 * *]"
        );
        let six = Schedule::parse("0 0 0 * * *").unwrap_err();
        assert!(six.explained().contains("no seconds or year field"));
    }

    #[test]
    fn whitespace_between_fields_is_flexible() {
        assert_eq!(mask("  0\t0  *   * *  "), mask("0 0 * * *"));
    }

    #[test]
    fn question_mark_is_star() {
        // In every field, not only the two day fields, and with the star bit.
        assert_eq!(mask("? ? ? ? ?"), mask("* * * * *"));
        assert_eq!(mask("0 0 ? * Sun").dom & STAR_BIT, STAR_BIT);
        assert!(fires_at("? * * * ?", "2026-05-05T13:27:00Z"));
    }

    #[test]
    fn seven_is_rejected_with_explanation() {
        let error = Schedule::parse("0 0 * * 7").unwrap_err();
        assert_eq!(error.to_string(), "end of range (7) above maximum (6): 7");
        assert_eq!(
            error.explained(),
            "end of range (7) above maximum (6): 7 (day-of-week 7 is out of range (0-6): \
             Kubernetes' cron uses 0 for Sunday; 7 is not accepted)"
        );
        assert_eq!(
            err("0 0 * * 1-7"),
            "end of range (7) above maximum (6): 1-7"
        );
        let seven_step = Schedule::parse("0 0 * * 7/1").unwrap_err();
        assert_eq!(
            seven_step.to_string(),
            "beginning of range (7) beyond end of range (6): 7/1"
        );
        assert!(seven_step.explained().contains("uses 0 for Sunday"));
    }

    #[test]
    fn mon_to_sun_runs_backwards() {
        let error = Schedule::parse("0 0 * * MON-SUN").unwrap_err();
        assert_eq!(
            error.to_string(),
            "beginning of range (1) beyond end of range (0): MON-SUN"
        );
        assert!(error.explained().contains("SUN is 0"));
    }

    #[test]
    fn names_are_case_insensitive_abbreviations_in_month_and_weekday_only() {
        assert_eq!(mask("0 0 * Jan-MAR mon-FRI"), mask("0 0 * 1-3 1-5"));
        assert_eq!(mask("0 0 * apr-Oct *"), mask("0 0 * 4-10 *"));
        assert_eq!(
            err("0 0 * * monday"),
            "failed to parse int from monday: strconv.Atoi: parsing \"monday\": invalid syntax"
        );
        assert_eq!(
            err("0 0 jan * *"),
            "failed to parse int from jan: strconv.Atoi: parsing \"jan\": invalid syntax"
        );
    }

    #[test]
    fn name_as_step_is_rejected() {
        assert_eq!(
            err("0 0 * * */mon"),
            "failed to parse int from mon: strconv.Atoi: parsing \"mon\": invalid syntax"
        );
    }

    #[test]
    fn leading_zero_and_plus_sign_are_accepted() {
        assert_eq!(mask("08 +5 * * *"), mask("8 5 * * *"));
    }

    #[test]
    fn negative_numbers_are_rejected() {
        assert_eq!(err("*/-1 * * * *"), "negative number (-1) not allowed: -1");
        // A leading minus is a range with an empty start.
        assert_eq!(
            err("-5 * * * *"),
            "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"
        );
    }

    #[test]
    fn zero_step_is_rejected() {
        assert_eq!(
            err("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
    }

    #[test]
    fn too_many_hyphens_and_slashes() {
        assert_eq!(err("1-2-3 * * * *"), "too many hyphens: 1-2-3");
        assert_eq!(err("*/2/3 * * * *"), "too many slashes: */2/3");
    }

    #[test]
    fn ranges_cannot_wrap_around() {
        assert_eq!(
            err("0 22-2 * * *"),
            "beginning of range (22) beyond end of range (2): 22-2"
        );
    }

    #[test]
    fn values_outside_bounds_are_rejected() {
        assert_eq!(
            err("60 * * * *"),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            err("0 24 * * *"),
            "end of range (24) above maximum (23): 24"
        );
        assert_eq!(
            err("0 0 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            err("0 0 32 * *"),
            "end of range (32) above maximum (31): 32"
        );
        assert_eq!(
            err("0 0 * 0 *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            err("0 0 * 13 *"),
            "end of range (13) above maximum (12): 13"
        );
    }

    #[test]
    fn quartz_extensions_are_rejected() {
        for spec in ["0 0 L * *", "0 0 15W * *", "0 0 * * 5#3", "0 0 * * 5L"] {
            let error = Schedule::parse(spec).unwrap_err();
            assert!(
                error.to_string().starts_with("failed to parse int from"),
                "{spec}"
            );
            assert!(error.explained().contains("no L, W or #"), "{spec}");
        }
    }

    #[test]
    fn step_from_a_single_value_runs_to_the_maximum() {
        assert_eq!(
            mask("5/15 * * * *").minute,
            (1 << 5) | (1 << 20) | (1 << 35) | (1 << 50)
        );
    }

    #[test]
    fn step_larger_than_range_keeps_only_the_low_end() {
        assert_eq!(mask("*/61 * * * *").minute, 1);
        assert_eq!(
            run("*/61 * * * *", "2026-01-01T00:00:00Z", 2)[1],
            ts("2026-01-01T02:00:00Z")
        );
    }

    #[test]
    fn star_followed_by_a_range_is_read_as_star() {
        assert_eq!(mask("*-5 * * * *"), mask("* * * * *"));
    }

    #[test]
    fn empty_list_items_are_dropped() {
        assert_eq!(mask("1,,15 * * * *"), mask("1,15 * * * *"));
        assert_eq!(mask("0 0 , * *").dom, 0);
        assert_eq!(next("0 0 , * *", "2026-01-01T00:00:00Z"), None);
        assert_eq!(next(", * * * *", "2026-01-01T00:00:00Z"), None);
        assert_eq!(next("0 0 , * ,", "2026-01-01T00:00:00Z"), None);
        // An empty day-of-month with a restricted day-of-week still fires (OR rule).
        assert_eq!(
            next("0 0 , * Mon", "2026-01-01T00:00:00Z"),
            Some(ts("2026-01-05T00:00:00Z"))
        );
    }

    // ---- star bit and the day rule ----

    #[test]
    fn day_of_month_or_day_of_week_when_both_restricted() {
        // The 13th OR a Friday.
        assert_eq!(
            run("0 0 13 * 5", "2026-01-01T00:00:00Z", 3),
            [
                ts("2026-01-02T00:00:00Z"),
                ts("2026-01-09T00:00:00Z"),
                ts("2026-01-13T00:00:00Z")
            ]
        );
        // robfig's activation vectors for `* * 1,15 * Sun`.
        assert!(fires_at("* * 1,15 * Sun", "2012-07-15T00:00:00Z"));
        assert!(fires_at("* * 1,15 * Sun", "2012-06-15T00:00:00Z"));
        assert!(fires_at("* * 1,15 * Sun", "2012-08-01T00:00:00Z"));
    }

    #[test]
    fn day_of_month_and_day_of_week_when_either_is_starred() {
        assert!(!fires_at("* * * * Mon", "2012-07-15T00:00:00Z"));
        assert!(!fires_at("* * 1,15 * *", "2012-07-09T00:00:00Z"));
        assert!(fires_at("* * 1,15 * *", "2012-07-15T00:00:00Z"));
        assert!(fires_at("* * */2 * Sun", "2012-07-15T00:00:00Z"));
        assert!(!fires_at("0 0 ? * Sun", "2012-07-16T00:00:00Z"));
    }

    #[test]
    fn step_greater_than_one_clears_the_star_bit() {
        // robfig #70: `*/10` is a restriction, so this fires on days 1, 11, 21, 31 and on
        // every Sunday (15 July 2012 is a Sunday).
        assert!(fires_at("0 0 */10 * Sun", "2012-07-15T00:00:00Z"));
        assert!(fires_at("0 0 */10 * Sun", "2012-07-11T00:00:00Z"));
        assert_eq!(mask("0 0 */10 * *").dom & STAR_BIT, 0);
    }

    #[test]
    fn star_slash_one_keeps_the_star_bit() {
        assert_eq!(mask("0 0 */1 * Sun").dom & STAR_BIT, STAR_BIT);
        assert!(!fires_at("0 0 */1 * Sun", "2012-07-16T00:00:00Z"));
    }

    #[test]
    fn explicit_full_range_is_not_a_star() {
        // `1-31` is restricted, so OR applies and this fires every day.
        assert!(fires_at("0 0 1-31 * Sun", "2012-07-16T00:00:00Z"));
        assert!(!fires_at("0 0 * * Sun", "2012-07-16T00:00:00Z"));
    }

    // ---- descriptors ----

    #[test]
    fn descriptors_expand_with_star_bits() {
        assert!(fires_at("@hourly", "2012-07-09T15:00:00Z"));
        assert!(!fires_at("@hourly", "2012-07-09T15:04:00Z"));
        assert!(fires_at("@daily", "2012-07-09T00:00:00Z"));
        assert!(!fires_at("@daily", "2012-07-09T15:00:00Z"));
        assert_eq!(mask("@midnight"), mask("@daily"));
        assert!(fires_at("@weekly", "2012-07-08T00:00:00Z"));
        assert!(!fires_at("@weekly", "2012-07-09T00:00:00Z"));
        assert!(fires_at("@monthly", "2012-07-01T00:00:00Z"));
        assert!(!fires_at("@monthly", "2012-07-08T00:00:00Z"));
        assert_eq!(mask("@annually"), mask("@yearly"));
        assert_eq!(
            next("@yearly", "2012-07-01T00:00:00Z"),
            Some(ts("2013-01-01T00:00:00Z"))
        );
        // @weekly stars day-of-month, so it means Sundays only.
        assert_eq!(mask("@weekly").dom & STAR_BIT, STAR_BIT);
    }

    #[test]
    fn descriptors_are_case_sensitive() {
        let error = Schedule::parse("@DAILY").unwrap_err();
        assert_eq!(error.to_string(), "unrecognized descriptor: @DAILY");
        assert!(error.explained().contains("write @daily"));
    }

    #[test]
    fn descriptors_must_match_exactly() {
        assert_eq!(err("@daily "), "unrecognized descriptor: @daily ");
        // A leading space means it is not a descriptor at all.
        assert_eq!(
            err(" @daily"),
            "expected exactly 5 fields, found 1: [@daily]"
        );
        assert_eq!(err("@reboot"), "unrecognized descriptor: @reboot");
        assert_eq!(err("@every"), "unrecognized descriptor: @every");
    }

    #[test]
    fn every_rounds_sub_second_intervals_up_to_one_second() {
        for spec in ["@every 500ms", "@every 0", "@every -5m", "@every 0s"] {
            assert_eq!(
                parse(spec).every(),
                Some(SignedDuration::from_secs(1)),
                "{spec}"
            );
        }
    }

    #[test]
    fn every_rounds_by_dropping_the_sub_second_part() {
        assert_eq!(
            parse("@every 1.5s").every(),
            Some(SignedDuration::from_secs(1))
        );
        assert_eq!(
            parse("@every 90.9s").every(),
            Some(SignedDuration::from_secs(90))
        );
        assert_eq!(
            parse("@every 1h30m").every(),
            Some(SignedDuration::from_mins(90))
        );
    }

    #[test]
    fn every_counts_from_the_whole_second_of_its_start() {
        assert_eq!(
            next("@every 1m", "2026-01-01T10:00:00.700Z"),
            Some(ts("2026-01-01T10:01:00Z"))
        );
        assert_eq!(
            next("@every 90s", "2026-01-01T10:00:07Z"),
            Some(ts("2026-01-01T10:01:37Z"))
        );
    }

    #[test]
    fn every_ignores_the_time_zone() {
        // Across New York's spring-forward: still one absolute hour.
        assert_eq!(
            next("TZ=America/New_York @every 1h", "2012-03-11T06:30:00Z"),
            Some(ts("2012-03-11T07:30:00Z"))
        );
        assert_eq!(parse("TZ=America/New_York @every 1h").location(), None);
    }

    #[test]
    fn every_duration_errors_quote_go() {
        assert_eq!(
            err("@every 1d"),
            "failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            err("@every "),
            "failed to parse duration @every : time: invalid duration \"\""
        );
        assert_eq!(
            err("@every 1h "),
            "failed to parse duration @every 1h : time: unknown unit \"h \" in duration \"1h \""
        );
        assert!(
            Schedule::parse("@every 1d")
                .unwrap_err()
                .explained()
                .contains("24h")
        );
    }

    // ---- TZ= prefix in the parser ----

    #[test]
    fn tz_prefix_sets_the_zone_in_the_parser() {
        let schedule = parse("TZ=America/New_York 0 0 * * *");
        assert_eq!(
            schedule.location().and_then(|l| match l {
                Location::Zone(tz) => tz.iana_name(),
                Location::Local => None,
            }),
            Some("America/New_York")
        );
        assert_eq!(mask("CRON_TZ=UTC   0 0 * * *").minute, 1);
        assert_eq!(
            parse("TZ=UTC @daily").next(ts("2026-01-01T05:00:00Z")),
            Some(ts("2026-01-02T00:00:00Z"))
        );
    }

    #[test]
    fn tz_prefix_without_space_is_invalid_schedule_format() {
        // robfig v3.0.1 panics on these; Kubernetes ≥ 1.35 reports "invalid schedule format".
        for spec in ["TZ=0", "TZ=", "CRON_TZ=UTC", "TZ=Invalid/Timezone"] {
            let error = Schedule::parse(spec).unwrap_err();
            assert_eq!(error, ParseError::InvalidFormat, "{spec}");
            assert!(
                error.to_string().starts_with("invalid schedule format"),
                "{spec}"
            );
        }
    }

    #[test]
    fn tz_prefix_with_unknown_zone_is_a_bad_location() {
        assert_eq!(
            err("TZ=Mars/Olympus 0 0 * * *"),
            "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"
        );
    }

    #[test]
    fn format_schedule_prefixes_a_loadable_time_zone() {
        let f = format_schedule("0 3 * * *", Some("Europe/Rome"));
        assert_eq!(f.text, "TZ=Europe/Rome 0 3 * * *");
        assert!(!f.tz_in_schedule);
        assert_eq!(
            format_schedule("0 3 * * *", Some("Nowhere/Land")).text,
            "0 3 * * *"
        );
        assert_eq!(format_schedule("0 3 * * *", None).text, "0 3 * * *");
    }

    #[test]
    fn format_schedule_lets_tz_in_schedule_win() {
        let f = format_schedule("CRON_TZ=Asia/Tokyo 0 3 * * *", Some("Europe/Rome"));
        assert_eq!(f.text, "CRON_TZ=Asia/Tokyo 0 3 * * *");
        assert!(f.tz_in_schedule);
    }

    // ---- next ----

    #[test]
    fn next_is_strictly_after() {
        let at = ts("2026-01-01T10:00:00Z");
        assert_eq!(
            parse("0 * * * *").next(at),
            Some(ts("2026-01-01T11:00:00Z"))
        );
        // A sub-second start still searches from the next whole second, which can match.
        assert_eq!(
            next("0 10 * * *", "2026-01-01T09:59:59.500Z"),
            Some(ts("2026-01-01T10:00:00Z"))
        );
    }

    #[test]
    fn next_wraps_minutes_hours_days_months_and_years() {
        assert_eq!(
            next("0/15 * * * *", "2012-07-09T14:45:00Z"),
            Some(ts("2012-07-09T15:00:00Z"))
        );
        assert_eq!(
            next("20-35/15 * * * *", "2012-07-09T15:45:00Z"),
            Some(ts("2012-07-09T16:20:00Z"))
        );
        assert_eq!(
            next("*/15 * * * *", "2012-07-09T23:46:00Z"),
            Some(ts("2012-07-10T00:00:00Z"))
        );
        assert_eq!(
            next("20-35/15 * * * *", "2012-07-09T23:45:00Z"),
            Some(ts("2012-07-10T00:20:00Z"))
        );
        assert_eq!(
            next("20-35/15 1/2 * * *", "2012-07-09T23:35:51Z"),
            Some(ts("2012-07-10T01:20:00Z"))
        );
        assert_eq!(
            next("20-35/15 10-12 * * *", "2012-07-09T23:35:51Z"),
            Some(ts("2012-07-10T10:20:00Z"))
        );
        assert_eq!(
            next("20-35/15 1/2 */2 * *", "2012-07-09T23:35:51Z"),
            Some(ts("2012-07-11T01:20:00Z"))
        );
        assert_eq!(
            next("20-35/15 * 9-20 Jul *", "2012-07-09T23:35:51Z"),
            Some(ts("2012-07-10T00:20:00Z"))
        );
        assert_eq!(
            next("0 0 9 Apr-Oct ?", "2012-07-09T23:35:00Z"),
            Some(ts("2012-08-09T00:00:00Z"))
        );
        assert_eq!(
            next("0 0 */5 Apr,Aug,Oct Mon", "2012-07-09T23:35:00Z"),
            Some(ts("2012-08-01T00:00:00Z"))
        );
        assert_eq!(
            next("0 0 */5 Oct Mon", "2012-07-09T23:35:00Z"),
            Some(ts("2012-10-01T00:00:00Z"))
        );
        assert_eq!(
            next("0 0 * Feb Mon", "2012-07-09T23:35:00Z"),
            Some(ts("2013-02-04T00:00:00Z"))
        );
        assert_eq!(
            next("0 0 * Feb Mon/2", "2012-07-09T23:35:00Z"),
            Some(ts("2013-02-01T00:00:00Z"))
        );
        assert_eq!(
            next("* * * * *", "2012-12-31T23:59:45Z"),
            Some(ts("2013-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn leap_day_is_found_within_five_years() {
        assert_eq!(
            next("0 0 29 Feb ?", "2012-07-09T23:35:00Z"),
            Some(ts("2016-02-29T00:00:00Z"))
        );
    }

    #[test]
    fn gives_up_after_five_years() {
        assert_eq!(next("0 0 30 Feb ?", "2012-07-09T23:35:00Z"), None);
        assert_eq!(next("0 0 31 Apr ?", "2012-07-09T23:35:00Z"), None);
        assert_eq!(next("59 23 31 2 *", "2026-01-01T00:00:00Z"), None);
        // 2100 is not a leap year: from 2096-03-01 the next 29 February (2104) is too far.
        assert_eq!(next("0 0 29 2 *", "2096-03-01T00:00:00Z"), None);
    }

    #[test]
    fn schedule_without_zone_is_evaluated_in_utc() {
        assert_eq!(parse("0 3 * * *").location(), Some(&Location::Local));
        assert_eq!(
            next("0 3 * * *", "2026-07-01T12:00:00+02:00"),
            Some(ts("2026-07-02T03:00:00Z"))
        );
    }

    #[test]
    fn zone_is_applied_to_fields() {
        assert_eq!(
            next("TZ=Europe/Rome 0 12 * * *", "2016-05-19T00:00:00Z"),
            Some(ts("2016-05-19T10:00:00Z"))
        );
    }

    // ---- DST: spring forward (America/New_York, 2012-03-11 02:00 EST → 03:00 EDT) ----

    const NY: &str = "TZ=America/New_York ";

    fn ny(spec: &str) -> String {
        format!("{NY}{spec}")
    }

    #[test]
    fn next_skips_nonexistent_local_time_in_dst_gap() {
        assert_eq!(
            next(&ny("0 2 * * *"), "2012-03-11T00:00:00-05:00"),
            Some(ts("2012-03-12T02:00:00-04:00"))
        );
        assert_eq!(
            next(&ny("30 2 11 Mar *"), "2012-03-11T00:00:00-05:00"),
            Some(ts("2013-03-11T02:30:00-04:00"))
        );
        // The `jobsim cron` example: 2026-03-08 02:30 does not exist in New York.
        assert_eq!(
            run(&ny("30 2 * * *"), "2026-03-07T00:00:00Z", 2),
            [ts("2026-03-07T07:30:00Z"), ts("2026-03-09T06:30:00Z")]
        );
    }

    #[test]
    fn hourly_and_half_hourly_jump_over_the_gap() {
        assert_eq!(
            run(&ny("0 * * * *"), "2012-03-11T00:00:00-05:00", 4),
            [
                ts("2012-03-11T01:00:00-05:00"),
                ts("2012-03-11T03:00:00-04:00"),
                ts("2012-03-11T04:00:00-04:00"),
                ts("2012-03-11T05:00:00-04:00")
            ]
        );
        assert_eq!(
            next(&ny("*/30 * * * *"), "2012-03-11T01:30:00-05:00"),
            Some(ts("2012-03-11T03:00:00-04:00"))
        );
        assert_eq!(
            next(&ny("0 1 * * *"), "2012-03-11T01:00:00-05:00"),
            Some(ts("2012-03-12T01:00:00-04:00"))
        );
    }

    // ---- DST: fall back (America/New_York, 2012-11-04 02:00 EDT → 01:00 EST) ----

    #[test]
    fn repeated_hour_fires_twice_for_a_wall_clock_time_inside_it() {
        assert_eq!(
            run(&ny("0 1 * * *"), "2012-11-04T00:00:00-04:00", 3),
            [
                ts("2012-11-04T01:00:00-04:00"),
                ts("2012-11-04T01:00:00-05:00"),
                ts("2012-11-05T01:00:00-05:00")
            ]
        );
        assert_eq!(
            next(&ny("30 1 4 Nov *"), "2012-11-04T01:45:00-04:00"),
            Some(ts("2012-11-04T01:30:00-05:00"))
        );
    }

    #[test]
    fn repeated_hour_hourly_sequence_runs_each_instant_once() {
        assert_eq!(
            run(&ny("0 * * * *"), "2012-11-04T00:00:00-04:00", 3),
            [
                ts("2012-11-04T01:00:00-04:00"),
                ts("2012-11-04T01:00:00-05:00"),
                ts("2012-11-04T02:00:00-05:00")
            ]
        );
    }

    #[test]
    fn times_outside_the_repeated_hour_fire_once() {
        assert_eq!(
            run(&ny("0 2 * * *"), "2012-11-04T00:00:00-04:00", 2),
            [
                ts("2012-11-04T02:00:00-05:00"),
                ts("2012-11-05T02:00:00-05:00")
            ]
        );
        assert_eq!(
            run(&ny("0 3 * * *"), "2012-11-04T00:00:00-04:00", 2),
            [
                ts("2012-11-04T03:00:00-05:00"),
                ts("2012-11-05T03:00:00-05:00")
            ]
        );
        assert_eq!(
            next(&ny("30 2 4 Nov *"), "2012-11-04T00:00:00-04:00"),
            Some(ts("2012-11-04T02:30:00-05:00"))
        );
        assert_eq!(
            run(&ny("@daily"), "2012-11-03T12:00:00-04:00", 2),
            [
                ts("2012-11-04T00:00:00-04:00"),
                ts("2012-11-05T00:00:00-05:00")
            ]
        );
        assert_eq!(
            next(&ny("0 3 3 * *"), "2012-11-04T00:00:00-04:00"),
            Some(ts("2012-12-03T03:00:00-05:00"))
        );
    }

    // ---- DST: midnight that does not exist (America/Sao_Paulo, 2018-11-04 00:00 → 01:00) ----

    #[test]
    fn nonexistent_midnight_day_is_skipped_by_a_midnight_job() {
        assert_eq!(
            next(
                "TZ=America/Sao_Paulo 0 0 * * *",
                "2018-11-03T12:00:00-03:00"
            ),
            Some(ts("2018-11-05T00:00:00-02:00"))
        );
    }

    #[test]
    fn day_search_across_nonexistent_midnight_lands_on_the_right_day() {
        // robfig issue #157.
        assert_eq!(
            next(
                "TZ=America/Sao_Paulo 0 9 10 * *",
                "2018-10-17T05:00:00-04:00"
            ),
            Some(ts("2018-11-10T06:00:00-05:00"))
        );
        assert_eq!(
            next(
                "TZ=America/Sao_Paulo 0 9 22 * *",
                "2018-02-14T05:00:00-05:00"
            ),
            Some(ts("2018-02-22T07:00:00-05:00"))
        );
    }

    // ---- properties ----

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const ZONES: [&str; 7] = [
            "",
            "TZ=UTC ",
            "TZ=America/New_York ",
            "TZ=Europe/London ",
            "TZ=America/Sao_Paulo ",
            "TZ=Australia/Lord_Howe ",
            "TZ=Asia/Kolkata ",
        ];

        /// One range of a field: `*`, `?`, `N`, `N-M`, `*/S`, `N/S` or `N-M/S`.
        fn range(min: u64, max: u64) -> impl Strategy<Value = String> {
            (0u8..7, min..=max, min..=max, 1u64..=(max - min + 2)).prop_map(
                move |(form, a, b, step)| {
                    let (lo, hi) = (a.min(b), a.max(b));
                    match form {
                        0 => "*".to_string(),
                        1 => "?".to_string(),
                        2 => a.to_string(),
                        3 => format!("{lo}-{hi}"),
                        4 => format!("*/{step}"),
                        5 => format!("{a}/{step}"),
                        _ => format!("{lo}-{hi}/{step}"),
                    }
                },
            )
        }

        fn field(min: u64, max: u64) -> impl Strategy<Value = String> {
            prop::collection::vec(range(min, max), 1..3).prop_map(|items| items.join(","))
        }

        fn fields_text() -> impl Strategy<Value = String> {
            (
                field(0, 59),
                field(0, 23),
                field(1, 31),
                field(1, 12),
                field(0, 6),
            )
                .prop_map(|(minute, hour, dom, month, dow)| {
                    format!("{minute} {hour} {dom} {month} {dow}")
                })
        }

        fn schedule_text() -> impl Strategy<Value = String> {
            (0..ZONES.len(), fields_text())
                .prop_map(|(zone, fields)| format!("{}{fields}", ZONES[zone]))
        }

        fn instant() -> impl Strategy<Value = Timestamp> {
            // 2000-01-01 .. 2040-01-01, millisecond resolution.
            (946_684_800_000i64..2_208_988_800_000)
                .prop_map(|ms| Timestamp::from_millisecond(ms).unwrap())
        }

        fn matches_utc(schedule: &SpecSchedule, t: i64) -> bool {
            let f = Location::Local.fields(t).unwrap();
            has(schedule.month, f.month)
                && schedule.day_matches(&f)
                && has(schedule.hour, f.hour)
                && has(schedule.minute, f.minute)
                && f.second == 0
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn next_is_after_and_stable_one_millisecond_before(
                text in schedule_text(),
                from in instant(),
            ) {
                let schedule = Schedule::parse(&text).unwrap();
                if let Some(next) = schedule.next(from) {
                    prop_assert!(next > from);
                    let again = schedule.next(next - SignedDuration::from_millis(1));
                    prop_assert_eq!(again, Some(next));
                }
            }

            #[test]
            fn no_matching_minute_is_skipped_in_utc(text in fields_text(), from in instant()) {
                // Compare with a brute-force scan of every minute (UTC has no DST, so the
                // wall clock is the instant).
                let schedule = Schedule::parse(&text).unwrap();
                let Kind::Spec(spec) = &schedule.kind else { unreachable!() };
                let next = schedule.next(from).map(|t| t.as_second());
                let from = from.as_second();
                let end = next.unwrap_or(i64::MAX).min(from + 2 * 86_400);
                let mut t = from.div_euclid(60) * 60 + 60;
                while t < end {
                    prop_assert!(!matches_utc(spec, t), "{} matches before {:?}", t, next);
                    t += 60;
                }
                if let Some(next) = next {
                    prop_assert!(matches_utc(spec, next));
                }
            }

            #[test]
            fn leaping_search_equals_the_stepwise_search(
                text in fields_text(),
                zone in prop::sample::select(vec!["", "TZ=UTC "]),
                from in instant(),
            ) {
                let schedule = Schedule::parse(&format!("{zone}{text}")).unwrap();
                let Kind::Spec(spec) = &schedule.kind else { unreachable!() };
                prop_assert!(spec.location.is_fixed_offset());
                let start = from.as_second() + 1;
                prop_assert_eq!(spec.search(start, true), spec.search(start, false));
            }

            #[test]
            fn every_adds_its_interval_to_the_whole_second(
                seconds in 1i64..400_000,
                from in instant(),
            ) {
                let schedule = Schedule::parse(&format!("@every {seconds}s")).unwrap();
                let whole = from.as_millisecond().div_euclid(1000);
                prop_assert_eq!(
                    schedule.next(from).map(|t| t.as_second()),
                    Some(whole + seconds)
                );
            }
        }
    }
}
