//! The cron language of Kubernetes v1.36 CronJobs: the robfig/cron v3 grammar that
//! `spec.schedule` is written in, the next-activation search over IANA time zones (with its
//! DST rules and give-up window), how `spec.timeZone` joins the schedule before it is parsed,
//! and the API server's validation of the `spec.schedule` and `spec.timeZone` fields
//! (reference cronjob-semantics §1–§3).
//!
//! It is the bottom floor for everything that reads a schedule: the manifest validation in
//! `api`, the scenario's `schedule` action, `jobsim cron` and the CronJob controller all come
//! here. It is not the CronJob controller: it knows nothing of CronJob objects or their
//! state, missed runs, concurrency policies, events or the simulation clock, and it never
//! reads the wall clock or the machine's tz database (zones come from jiff's bundled copy).
//! It depends on `std` and `jiff` only.

pub(crate) mod gotime;
pub(crate) mod schedule;
pub(crate) mod validation;

pub use self::schedule::{Location, Schedule, format_schedule, load_location};
pub use self::validation::validate_schedule;

#[cfg(test)]
mod tests {
    /// The files of this module, as compiled.
    const SOURCES: [(&str, &str); 4] = [
        ("mod.rs", include_str!("mod.rs")),
        ("gotime.rs", include_str!("gotime.rs")),
        ("schedule.rs", include_str!("schedule.rs")),
        ("validation.rs", include_str!("validation.rs")),
    ];

    #[test]
    fn cron_imports_only_std_jiff_and_itself() {
        let allowed = [
            "std::",
            "jiff::",
            "super::",
            "self::",
            "Field::",
            "proptest::",
            "crate::time",
        ];
        for (file, text) in SOURCES {
            // This test names the paths it looks for; the code above it is what counts.
            let text = match file {
                "mod.rs" => text.split("#[cfg(test)]").next().unwrap_or(text),
                _ => text,
            };
            for line in text.lines().map(str::trim_start) {
                let Some(path) = line
                    .strip_prefix("use ")
                    .or_else(|| line.strip_prefix("pub use "))
                else {
                    continue;
                };
                assert!(
                    allowed.iter().any(|a| path.starts_with(a)),
                    "{file}: `{line}` reaches outside the cron module"
                );
            }
            let outside = text
                .match_indices("crate::")
                .filter(|(at, _)| !text[*at..].starts_with("crate::time"))
                .count();
            assert_eq!(
                outside, 0,
                "{file} names a crate path other than crate::time"
            );
        }
    }
}
