//! API validation of `spec.schedule` and `spec.timeZone`, as the v1.36 API server does it
//! (`validateCronJobSpec`, `validateScheduleFormat`, `validateTimeZone`; reference §1.7, §1.8,
//! §3). Manifest validation (`api`), the scenario's `schedule` action and `jobsim cron` call
//! these, so every path reports the same errors; they return Kubernetes' field errors.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(schedule: &str, time_zone: Option<&str>) -> Vec<String> {
        validate_schedule(schedule, time_zone)
            .into_iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect()
    }

    #[test]
    fn valid_schedules_and_zones_pass() {
        for zone in [
            None,
            Some("UTC"),
            Some("Etc/UTC"),
            Some("Europe/Rome"),
            Some("America/New_York"),
        ] {
            assert!(errors("0 3 * * *", zone).is_empty(), "{zone:?}");
        }
        assert!(errors("@every 1h", None).is_empty());
    }

    #[test]
    fn unsatisfiable_schedules_pass_validation() {
        for schedule in ["0 0 30 2 *", "59 23 31 2 *", "0 0 31 4 *", "0 0 , * *"] {
            assert!(errors(schedule, None).is_empty(), "{schedule}");
        }
    }

    #[test]
    fn empty_schedule_is_required() {
        assert_eq!(errors("", None), ["spec.schedule: Required value"]);
    }

    #[test]
    fn parse_errors_use_robfigs_words() {
        assert_eq!(
            errors("61 * * * *", None),
            [
                "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"
            ]
        );
    }

    #[test]
    fn seven_is_rejected_with_explanation() {
        assert_eq!(
            errors("0 0 * * 7", None),
            [
                "spec.schedule: Invalid value: \"0 0 * * 7\": end of range (7) above maximum (6): 7 \
              (day-of-week 7 is out of range (0-6): Kubernetes' cron uses 0 for Sunday; 7 is \
              not accepted)"
            ]
        );
    }

    #[test]
    fn tz_prefix_rejected_since_1_29() {
        assert_eq!(
            errors("CRON_TZ=UTC * * * * *", None),
            [
                "spec.schedule: Invalid value: \"CRON_TZ=UTC * * * * *\": cannot use TZ or CRON_TZ \
              in schedule, use timeZone field instead"
            ]
        );
        assert_eq!(errors("TZ=Europe/Rome 0 3 * * *", None).len(), 1);
    }

    #[test]
    fn tz_prefix_that_also_fails_to_parse_reports_both() {
        let got = errors("TZ=UTC", None);
        assert_eq!(got.len(), 2);
        assert!(
            got[0].starts_with("spec.schedule: Invalid value: \"TZ=UTC\": invalid schedule format")
        );
        assert!(
            got[1].ends_with("cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
        );
        let bad_zone = errors("TZ=Mars/Base 0 0 * * *", None);
        assert!(
            bad_zone[0].ends_with("provided bad location Mars/Base: unknown time zone Mars/Base")
        );
    }

    #[test]
    fn update_keeps_a_grandfathered_tz_schedule() {
        let old = "TZ=UTC 0 0 * * *";
        assert!(validate_schedule_update("TZ=UTC 0 1 * * *", None, old, None).is_empty());
        // Removing TZ is fine too.
        assert!(validate_schedule_update("0 1 * * *", None, old, None).is_empty());
    }

    #[test]
    fn update_adding_time_zone_to_a_tz_schedule_fails() {
        let got =
            validate_schedule_update("TZ=UTC 0 0 * * *", Some("UTC"), "TZ=UTC 0 0 * * *", None);
        assert_eq!(
            got,
            [(
                "spec.schedule".to_string(),
                "Invalid value: \"TZ=UTC 0 0 * * *\": cannot use both timeZone field and TZ or \
                 CRON_TZ in schedule"
                    .to_string()
            )]
        );
    }

    #[test]
    fn update_introducing_tz_fails() {
        let got = validate_schedule_update("TZ=UTC 0 0 * * *", None, "0 0 * * *", None);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.ends_with(TZ_IN_SCHEDULE));
    }

    #[test]
    fn unchanged_invalid_time_zone_is_tolerated_on_update() {
        let bad = Some("Nowhere/Land");
        assert!(validate_schedule_update("0 0 * * *", bad, "0 0 * * *", bad).is_empty());
        assert_eq!(
            validate_schedule_update("0 0 * * *", bad, "0 0 * * *", None).len(),
            1
        );
    }

    #[test]
    fn empty_time_zone_is_rejected() {
        assert_eq!(
            errors("0 0 * * *", Some("")),
            ["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"]
        );
    }

    #[test]
    fn time_zone_components_are_checked_before_loading() {
        for zone in [
            " America/New_York",
            "America/New_York ",
            "Europe/Abcdefghijklmno",
            "-Europe/Rome",
            "Europe//Rome",
            "/UTC",
            "Europe/..",
        ] {
            assert_eq!(
                errors("0 0 * * *", Some(zone)),
                [format!(
                    "spec.timeZone: Invalid value: {}: unknown time zone {zone}",
                    quote(zone)
                )],
                "{zone:?}"
            );
        }
    }

    #[test]
    fn local_time_zone_is_refused_in_any_case() {
        let explicit =
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones";
        assert_eq!(
            errors("0 0 * * *", Some("Local")),
            [format!(
                "spec.timeZone: Invalid value: \"Local\": {explicit}"
            )]
        );
        // Go loads only "Local" itself, so other spellings also fail to load.
        assert_eq!(
            errors("0 0 * * *", Some("local")),
            [
                format!("spec.timeZone: Invalid value: \"local\": {explicit}"),
                "spec.timeZone: Invalid value: \"local\": unknown time zone local".to_string()
            ]
        );
    }

    #[test]
    fn unknown_and_wrongly_cased_time_zones_are_rejected() {
        assert_eq!(
            errors("0 0 * * *", Some("Europe/Pariss")),
            ["spec.timeZone: Invalid value: \"Europe/Pariss\": unknown time zone Europe/Pariss"]
        );
        assert_eq!(errors("0 0 * * *", Some("america/new_york")).len(), 1);
        assert_eq!(errors("0 0 * * *", Some("Etc/Unknown")).len(), 1);
    }

    #[test]
    fn schedule_errors_come_before_time_zone_errors() {
        let got = validate_schedule("0 0 * * 7", Some(""));
        assert_eq!(got[0].0, "spec.schedule");
        assert_eq!(got[1].0, "spec.timeZone");
    }
}
