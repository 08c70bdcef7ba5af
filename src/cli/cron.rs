//! `jobsim cron EXPR`: the next activation times of a schedule as the Kubernetes v1.36
//! CronJob controller computes them, or why the API server would reject it.
//!
//! It turns arguments into calls to `jobsim::cron` and prints; the work is in the
//! pure [`cron_output`], so the command's behaviour is unit-tested without a process. This
//! is the one place that may read the wall clock (the default of `--from`); simulations
//! never do.

use clap::Args;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use jobsim::cron::validate_schedule;
use jobsim::cron::{Location, Schedule, format_schedule, load_location};

use super::output::{Stdout, StdoutError};

const AFTER_HELP: &str = "\
Output: one activation per line, the instant in UTC, two spaces, then the same instant in
the schedule's zone with its offset and zone name, e.g.
  2026-03-07T07:30:00Z  2026-03-07T02:30:00-05:00[America/New_York]

Rules are robfig/cron v3 as Kubernetes v1.36 uses it: five fields (minute hour
day-of-month month day-of-week), day-of-week 0-6 with 0 = Sunday (7 is rejected), `?` = `*`,
if day-of-month and day-of-week are both restricted either may match, descriptors
(@daily, @every 90m, ...). In a DST gap the missing local times are skipped; in a repeated
hour a time inside it fires twice. `@every` counts from --from, as the controller counts from
the CronJob's creationTimestamp or lastScheduleTime.

Exit codes: 0 when Kubernetes would accept the schedule (even one that never fires: it
prints what it finds and says so on stderr), also when the reader of standard output goes
away early (`| head`); 2 bad input or usage: Kubernetes would reject the schedule, or an
argument is bad (the reasons on stderr, in Kubernetes' words);
3 an output could not be written (standard output).";

/// `jobsim cron 'EXPR' [--tz ZONE] [--from RFC3339] [-n N]`
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct CronArgs {
    /// The schedule, as written in `spec.schedule` (quote it: `'0 3 * * 1-5'`).
    pub expr: String,

    /// The CronJob's `spec.timeZone`, an IANA name such as America/New_York. Without it the
    /// schedule is read in UTC, as the simulator reads a CronJob without `timeZone`.
    #[arg(long = "tz", value_name = "ZONE")]
    pub tz: Option<String>,

    /// Print activations strictly after this instant (RFC 3339, e.g. 2026-03-07T00:00:00Z).
    /// Default: now, from the wall clock (this command only; simulations never read it).
    #[arg(long, value_name = "RFC3339")]
    pub from: Option<String>,

    /// How many activation times to print.
    #[arg(short = 'n', value_name = "N", default_value_t = 5)]
    pub count: usize,
}

/// Why `jobsim cron` failed.
#[derive(Debug, thiserror::Error)]
pub enum CronError {
    /// `--from` is not an RFC 3339 instant.
    #[error("--from {text:?} is not an RFC 3339 instant such as 2026-03-07T00:00:00Z")]
    From {
        text: String,
        #[source]
        source: jiff::Error,
    },
    /// The API server would reject the schedule (or its time zone); one reason a line, in
    /// Kubernetes' words.
    #[error(
        "Kubernetes v1.36 would reject this CronJob:{}",
        reasons.iter().map(|r| format!("\n  {r}")).collect::<String>()
    )]
    Rejected { reasons: Vec<String> },
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl CronError {
    /// Exit code 2 for a rejected schedule or a bad argument, 3 when standard output
    /// cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            CronError::From { .. } | CronError::Rejected { .. } => super::EXIT_USAGE,
            CronError::Stdout(_) => super::EXIT_OUTPUT,
        }
    }
}

/// What `jobsim cron` prints for a schedule Kubernetes accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activations {
    /// One line per activation.
    pub stdout: String,
    /// Said on stderr when fewer activations than asked were found.
    pub warning: Option<String>,
}

pub fn cron(args: CronArgs, out: &mut Stdout) -> Result<(), CronError> {
    let from = match &args.from {
        None => Timestamp::now(),
        Some(text) => text
            .parse::<Timestamp>()
            .map_err(|source| CronError::From {
                text: text.clone(),
                source,
            })?,
    };
    let activations = cron_output(&args.expr, args.tz.as_deref(), from, args.count)?;
    out.print(&activations.stdout)?;
    if let Some(warning) = activations.warning {
        super::warn(warning);
    }
    Ok(())
}

/// The output of `jobsim cron` for a schedule, an optional `spec.timeZone`, a start instant
/// and a count: the schedule is validated as the API server would on create, then evaluated
/// as the controller would (`formatSchedule`, robfig `Next`).
pub fn cron_output(
    expr: &str,
    time_zone: Option<&str>,
    from: Timestamp,
    count: usize,
) -> Result<Activations, CronError> {
    let errors = validate_schedule(expr, time_zone);
    if !errors.is_empty() {
        return Err(CronError::Rejected {
            reasons: errors
                .into_iter()
                .map(|(path, message)| format!("{path}: {message}"))
                .collect(),
        });
    }
    let formatted = format_schedule(expr, time_zone);
    let schedule = Schedule::parse(&formatted.text).map_err(|e| CronError::Rejected {
        reasons: vec![format!("spec.schedule: {}", e.explained())],
    })?;
    let display_zone = match time_zone.map(load_location) {
        Some(Ok(Location::Zone(tz))) => tz,
        _ => TimeZone::UTC,
    };

    let mut stdout = String::new();
    let mut warning = None;
    let mut t = from;
    for _ in 0..count {
        let Some(next) = schedule.next(t) else {
            warning = Some(format!(
                "no activation after {t} within the 5-year search window; the \
                 controller reports InvalidSchedule for a CronJob in this state"
            ));
            break;
        };
        stdout.push_str(&activation_line(next, &display_zone));
        stdout.push('\n');
        t = next;
    }
    Ok(Activations { stdout, warning })
}

/// One output line: `<UTC instant>  <same instant in the zone, RFC 9557>`.
pub fn activation_line(at: Timestamp, zone: &TimeZone) -> String {
    format!("{at}  {}", at.to_zoned_datetime(zone.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn friday_or_thirteenth_lists_three_times() {
        let out = cron_output("0 0 13 * 5", None, ts("2026-01-01T00:00:00Z"), 3).unwrap();
        assert_eq!(
            out.stdout,
            "2026-01-02T00:00:00Z  2026-01-02T00:00:00+00:00[UTC]\n\
             2026-01-09T00:00:00Z  2026-01-09T00:00:00+00:00[UTC]\n\
             2026-01-13T00:00:00Z  2026-01-13T00:00:00+00:00[UTC]\n"
        );
        assert_eq!(out.warning, None);
    }

    #[test]
    fn new_york_skips_the_missing_half_past_two() {
        let out = cron_output(
            "30 2 * * *",
            Some("America/New_York"),
            ts("2026-03-07T00:00:00Z"),
            2,
        )
        .unwrap();
        assert_eq!(
            out.stdout,
            "2026-03-07T07:30:00Z  2026-03-07T02:30:00-05:00[America/New_York]\n\
             2026-03-09T06:30:00Z  2026-03-09T02:30:00-04:00[America/New_York]\n"
        );
    }

    #[test]
    fn seven_is_rejected_with_exit_2_and_the_explanation() {
        let err = cron_output("0 0 * * 7", None, ts("2026-01-01T00:00:00Z"), 5).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let stderr = err.to_string();
        assert!(stderr.contains(
            "spec.schedule: Invalid value: \"0 0 * * 7\": end of range (7) above maximum (6): 7"
        ));
        assert!(stderr.contains("Kubernetes' cron uses 0 for Sunday; 7 is not accepted"));
    }

    #[test]
    fn unknown_zone_is_rejected_in_kubernetes_words() {
        let err = cron_output(
            "0 3 * * *",
            Some("Europe/Pariss"),
            ts("2026-01-01T00:00:00Z"),
            5,
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains(
            "spec.timeZone: Invalid value: \"Europe/Pariss\": unknown time zone Europe/Pariss"
        ));
    }

    #[test]
    fn tz_prefix_is_rejected_pointing_to_the_time_zone_field() {
        let err = cron_output("TZ=UTC 0 3 * * *", None, ts("2026-01-01T00:00:00Z"), 5).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("use timeZone field instead"));
    }

    #[test]
    fn never_firing_schedule_is_accepted_and_explained() {
        let out = cron_output("0 0 30 2 *", None, ts("2026-01-01T00:00:00Z"), 5).unwrap();
        assert_eq!(out.stdout, "");
        assert!(out.warning.unwrap().contains("InvalidSchedule"));
    }

    #[test]
    fn every_counts_from_the_start_instant() {
        let out = cron_output("@every 90m", None, ts("2026-01-01T00:00:30Z"), 2).unwrap();
        assert_eq!(
            out.stdout,
            "2026-01-01T01:30:30Z  2026-01-01T01:30:30+00:00[UTC]\n\
             2026-01-01T03:00:30Z  2026-01-01T03:00:30+00:00[UTC]\n"
        );
    }
}
