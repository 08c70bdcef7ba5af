//! API validation of `spec.schedule` and `spec.timeZone`, as the v1.36 API server does it
//! (`validateCronJobSpec`, `validateScheduleFormat`, `validateTimeZone`; reference §1.7, §1.8,
//! §3). The API layer calls these; they return Kubernetes' field errors.
//!
//! It must not decide anything about other CronJob fields, and must not consult the
//! machine's tz database: zones come from jiff's bundled copy.
//!
//! Each error is `(field path, message)` where the message is what Kubernetes prints after
//! `<path>: `, e.g. `Required value` or `Invalid value: "0 0 * * 7": end of range (7) above
//! maximum (6): 7 (<our hint>)`. Robfig's and Kubernetes' words come first and unchanged;
//! where a trap deserves it ([`ParseError::hint`]) our one-sentence explanation follows in
//! parentheses.

use super::schedule::{ParseError, Schedule, load_location, quote};

/// Field path of the schedule.
pub const SCHEDULE_PATH: &str = "spec.schedule";
/// Field path of the time zone.
pub const TIME_ZONE_PATH: &str = "spec.timeZone";

/// Kubernetes ≥ 1.29, on create (or an update introducing it): any `TZ` in the schedule.
pub const TZ_IN_SCHEDULE: &str = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
/// On update of a schedule that already had `TZ`, when `spec.timeZone` is also set.
pub const TZ_AND_TIME_ZONE: &str = "cannot use both timeZone field and TZ or CRON_TZ in schedule";

/// Validates the schedule and time zone of a CronJob being created, in Kubernetes' order
/// (schedule errors, then time-zone errors). Empty when both are valid. Unsatisfiable
/// schedules (`0 0 30 2 *`) pass, as they do in Kubernetes.
pub fn validate_schedule(schedule: &str, time_zone: Option<&str>) -> Vec<(String, String)> {
    let mut errors = validate_schedule_field(schedule, time_zone, None);
    errors.extend(validate_time_zone_field(time_zone));
    errors
}

/// Validates the schedule and time zone of a CronJob being updated: a `TZ` prefix is
/// tolerated only if the old schedule already had one (then `spec.timeZone` must stay nil),
/// and the time zone is checked only if it changed.
pub fn validate_schedule_update(
    schedule: &str,
    time_zone: Option<&str>,
    old_schedule: &str,
    old_time_zone: Option<&str>,
) -> Vec<(String, String)> {
    let mut errors = validate_schedule_field(schedule, time_zone, Some(old_schedule));
    if old_time_zone != time_zone {
        errors.extend(validate_time_zone_field(time_zone));
    }
    errors
}

/// The `spec.schedule` part alone (`old_schedule` is `None` on create). Both a parse error
/// and a `TZ` error can be reported for the same schedule, as Kubernetes does.
pub fn validate_schedule_field(
    schedule: &str,
    time_zone: Option<&str>,
    old_schedule: Option<&str>,
) -> Vec<(String, String)> {
    if schedule.is_empty() {
        return vec![(SCHEDULE_PATH.to_string(), "Required value".to_string())];
    }
    let mut errors = Vec::new();
    if let Err(error) = Schedule::parse(schedule) {
        errors.push(invalid(SCHEDULE_PATH, schedule, &parse_detail(&error)));
    }
    let allow_tz = old_schedule.is_some_and(|old| old.contains("TZ"));
    if schedule.contains("TZ") {
        if !allow_tz {
            errors.push(invalid(SCHEDULE_PATH, schedule, TZ_IN_SCHEDULE));
        } else if time_zone.is_some() {
            errors.push(invalid(SCHEDULE_PATH, schedule, TZ_AND_TIME_ZONE));
        }
    }
    errors
}

/// The `spec.timeZone` part alone (`validateTimeZone`): nil is fine; `""` is rejected; each
/// `/`-separated part must be 1–14 of `[A-Za-z._+0-9-]`, not `.`/`..`, not starting with
/// `-`; `Local` in any case is refused; and the name must load from the tz database.
pub fn validate_time_zone_field(time_zone: Option<&str>) -> Vec<(String, String)> {
    let Some(zone) = time_zone else {
        return Vec::new();
    };
    let err = |detail: &str| invalid(TIME_ZONE_PATH, zone, detail);
    if zone.is_empty() {
        return vec![err("timeZone must be nil or non-empty string")];
    }
    let part_ok = |part: &str| {
        part != "."
            && part != ".."
            && !part.starts_with('-')
            && (1..=14).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    if !zone.split('/').all(part_ok) {
        return vec![err(&format!("unknown time zone {zone}"))];
    }
    let mut errors = Vec::new();
    if zone.eq_ignore_ascii_case("Local") {
        errors.push(err(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if let Err(reason) = load_location(zone) {
        errors.push(err(&reason));
    }
    errors
}

/// Robfig's text, plus our hint for the traps.
fn parse_detail(error: &ParseError) -> String {
    error.explained()
}

/// A `field.Invalid` error body: `Invalid value: "<value>": <detail>`.
fn invalid(path: &str, value: &str, detail: &str) -> (String, String) {
    (
        path.to_string(),
        format!("Invalid value: {}: {detail}", quote(value)),
    )
}
