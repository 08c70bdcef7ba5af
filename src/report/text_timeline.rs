//! A small text timeline for the terminal: one line per node, one character per time slot.
//! Each way an attempt ends has its own letter ([`end_char`]): a pod the controller deleted
//! is `d` (or `D` when the Job counted it as failed), never the `x` of a counted failure;
//! in-place restarts show as `|` (the container exited) and `~` (the crash-loop wait).
//! The gap after a failed or suspended attempt, until its Job (or index) gets the next pod,
//! is drawn on the lane where it ended, over idle slots, as the SVG shades it: `-` the
//! recreation backoff, `=` the per-index backoff, `s` a suspension ([`gap_char`]).
//!
//! ```text
//! worker-0 |  #########  #########|
//! worker-1 |  ####x----  ###|~~##d|
//!           0s                 42s
//! ```
//!
//! It is for short, small runs only; it returns `None` when the run is too large for the
//! picture to help (the charts cover those). It reads records only and never prints.

use super::charts::timeline::{EndMark, GapKind, node_outages, pod_gaps};
use super::records::RunRecords;
use crate::time::{SimTime, format_duration};

/// Pods above which the text timeline is not drawn.
const MAX_PODS: usize = 300;
/// Lanes (nodes) above which the text timeline is not drawn.
const MAX_LANES: usize = 30;
/// The fewest time slots that still show something.
const MIN_SLOTS: usize = 10;
/// The widest timeline drawn: a wider `width` is cut to this (a line of 2^64 characters
/// would exhaust memory; no terminal shows more).
pub const MAX_WIDTH: usize = 1000;

const RUNNING: char = '#';
const NOT_READY: char = '.';
const IDLE: char = ' ';
const RESTART_EXIT: char = '|';
const RESTART_WAIT: char = '~';

/// The mark of a gap between an attempt's end and the next attempt of its Job (or index),
/// drawn on the lane where the attempt ended, over idle slots only; with its legend words
/// (the entries of the SVG legend).
pub fn gap_char(kind: GapKind) -> (char, &'static str) {
    match kind {
        GapKind::Backoff => ('-', "recreation backoff before the new pod"),
        GapKind::IndexBackoff => ('=', "per-index backoff before the new pod"),
        GapKind::Suspended => ('s', "Job suspended (pods deleted, recreated on resume)"),
    }
}

/// The letter that ends an attempt, with its legend words; `None` for attempts that
/// succeeded or still run.
pub fn end_char(mark: EndMark) -> Option<(char, &'static str)> {
    Some(match mark {
        EndMark::Running | EndMark::Succeeded => return None,
        EndMark::FailedCounted => ('x', "failed (counted)"),
        EndMark::FailedNotCounted => ('o', "failed, not counted"),
        EndMark::DeletedNotCounted => ('d', "deleted, not counted"),
        EndMark::DeletedCounted => ('D', "deleted, counted as failed"),
        EndMark::Evicted => ('e', "evicted"),
        EndMark::OomKilled => ('m', "OOMKilled"),
        EndMark::PodDeadline => ('t', "pod deadline"),
        EndMark::NodeLost => ('n', "node lost"),
    })
}

/// The text timeline of a short run, `width` characters wide (lane label included), or
/// `None` when the run has no scheduled pods, too many pods or nodes, or `width` leaves fewer
/// than 10 time slots.
pub fn text_timeline(records: &RunRecords, width: usize) -> Option<String> {
    if records.pods.is_empty() || records.pods.len() > MAX_PODS {
        return None;
    }
    let mut lanes: Vec<&str> = records.nodes.iter().map(|n| n.node.as_str()).collect();
    for node in records.pods.iter().filter_map(|p| p.node) {
        let node = records.name(node);
        if !lanes.contains(&node) {
            lanes.push(node);
        }
    }
    if lanes.is_empty() || lanes.len() > MAX_LANES {
        return None;
    }
    let label_width = lanes.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let slots = width.min(MAX_WIDTH).checked_sub(label_width + 3)?;
    if slots < MIN_SLOTS {
        return None;
    }
    let end = records.end().max(1);
    // Slot i covers [i*end/slots, (i+1)*end/slots).
    let slot_start = |i: usize| (i as u128 * end as u128 / slots as u128) as SimTime;
    let slot_of = |t: SimTime| ((t as u128 * slots as u128 / end as u128) as usize).min(slots - 1);
    let outages = node_outages(records, end);
    let mut restarts_of = std::collections::BTreeMap::new();
    for (pod, marks) in &records.restarts {
        restarts_of.insert(*pod, marks);
    }
    let gaps = pod_gaps(records);
    let mut gap_kinds: Vec<GapKind> = Vec::new();
    let mut used: Vec<EndMark> = Vec::new();
    let mut restarted = false;
    let mut out = String::new();
    for lane in &lanes {
        let mut cells = vec![IDLE; slots];
        for (_, from, to) in outages.iter().filter(|(n, _, _)| n == lane) {
            for (i, cell) in cells.iter_mut().enumerate() {
                if slot_start(i) < *to && slot_start(i + 1) > *from {
                    *cell = NOT_READY;
                }
            }
        }
        let pods = records
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.node.map(|n| records.name(n)) == Some(*lane));
        let fill = |cells: &mut [char], from: SimTime, to: SimTime, c: char| {
            for (i, cell) in cells.iter_mut().enumerate() {
                let (a, b) = (slot_start(i), slot_start(i + 1));
                if from < b.max(a + 1) && to > a {
                    *cell = c;
                }
            }
        };
        for (_, pod) in pods.clone() {
            let Some(start) = pod.started() else { continue };
            let stop = pod.finished().unwrap_or(end).max(start);
            fill(&mut cells, start, stop, RUNNING);
        }
        for g in &gaps {
            if records.pods[g.pod].node.map(|n| records.name(n)) != Some(*lane) {
                continue;
            }
            let (c, _) = gap_char(g.kind);
            let mut drawn = false;
            for (i, cell) in cells.iter_mut().enumerate() {
                if *cell == IDLE && slot_start(i) < g.to && slot_start(i + 1) > g.from {
                    *cell = c;
                    drawn = true;
                }
            }
            if drawn && !gap_kinds.contains(&g.kind) {
                gap_kinds.push(g.kind);
            }
        }
        for (i, _) in pods.clone() {
            for r in restarts_of.get(&i).into_iter().flat_map(|m| m.iter()) {
                restarted = true;
                if r.restarted > r.exited {
                    fill(&mut cells, r.exited, r.restarted, RESTART_WAIT);
                }
                cells[slot_of(r.exited.saturating_sub(1))] = RESTART_EXIT;
            }
        }
        for (_, pod) in pods {
            let mark = EndMark::of(pod);
            if let (Some((c, _)), Some(finished)) = (end_char(mark), pod.finished()) {
                cells[slot_of(finished.saturating_sub(1))] = c;
                if !used.contains(&mark) {
                    used.push(mark);
                }
            }
        }
        let line: String = cells.into_iter().collect();
        out.push_str(&format!("{lane:<label_width$} |{line}|\n"));
    }
    let (first, last) = ("0s".to_string(), format_duration(end));
    let pad = (slots + 2).saturating_sub(first.len() + last.len());
    out.push_str(&format!("{:label_width$} {first}{:pad$}{last}\n", "", ""));
    used.sort();
    let mut legend = format!("{RUNNING} running");
    if restarted {
        legend.push_str(&format!(
            "  {RESTART_EXIT} restarted in place  {RESTART_WAIT} crash-loop wait"
        ));
    }
    for (c, words) in used.into_iter().filter_map(end_char) {
        legend.push_str(&format!("  {c} {words}"));
    }
    for kind in [GapKind::Backoff, GapKind::IndexBackoff, GapKind::Suspended] {
        if gap_kinds.contains(&kind) {
            let (c, words) = gap_char(kind);
            legend.push_str(&format!("  {c} {words}"));
        }
    }
    out.push_str(&format!(
        "{:label_width$} {legend}  {NOT_READY} node NotReady\n",
        ""
    ));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_run;
    use std::path::Path;

    fn records(case: &str) -> RunRecords {
        read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/report")
                .join(case),
        )
        .unwrap()
    }

    #[test]
    fn parallel_job_shows_two_runs_per_node() {
        // 12 s over 24 slots: half a second each. Pods run 1–6 s and 7–12 s.
        let text = text_timeline(&records("parallel"), 8 + 3 + 24).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "worker-0 |  ##########  ##########|");
        assert_eq!(lines[1], lines[0].replace("worker-0", "worker-1"));
        assert_eq!(lines[2], lines[0].replace("worker-0", "worker-2"));
        assert!(lines[3].trim_start().starts_with("0s") && lines[3].ends_with("12s"));
    }

    #[test]
    fn failed_attempts_end_in_a_cross() {
        let text = text_timeline(&records("backoff"), 8 + 3 + 42).unwrap();
        let worker0 = text.lines().next().unwrap();
        // One slot per second: flaky-2dq9s runs 1–4 s, flaky-p3n8z 39–42 s on worker-0.
        assert_eq!(&worker0[..14], "worker-0 | ##x");
        assert!(worker0.ends_with("##x|"));
        assert_eq!(text.matches('x').count(), 3 + 1, "{text}"); // three ends + the legend
    }

    fn scenario_text(path: &str, width: usize) -> String {
        let dir = crate::report::explain::tests::run_scenario(path);
        text_timeline(&read_run(dir.path()).unwrap(), width).unwrap()
    }

    #[test]
    fn suspended_pods_are_printed_as_deleted_not_failed() {
        for lesson in ["suspend-resume", "success-policy", "cronjob-replace"] {
            let text = scenario_text(&format!("scenarios/teaching/{lesson}.yaml"), 80);
            let lanes: String = text.lines().take(3).collect();
            assert!(!lanes.contains('x'), "{lesson}: {text}");
            assert!(lanes.contains('d'), "{lesson}: {text}");
            assert!(text.contains("d deleted, not counted"), "{lesson}: {text}");
            assert!(!text.contains("failed"), "{lesson}: {text}");
        }
    }

    #[test]
    fn onfailure_restarts_are_printed_with_their_crash_loop_wait() {
        // 49 s over 49 slots: one per second. Restarts at 6.020 s (at once) and 11.020 s
        // (restarted 21.020 s).
        let text = scenario_text("scenarios/teaching/onfailure-vs-never.yaml", 9 + 3 + 49);
        let lane = text
            .lines()
            .find(|l| l.contains('|') && l.matches('|').count() > 2)
            .unwrap();
        let cells = &lane[lane.find('|').unwrap() + 1..];
        assert_eq!(cells.matches('|').count(), 2 + 1, "{text}"); // two exits + the frame
        assert!(cells.contains("|~~~~~~~~~"), "{text}");
        assert!(
            text.contains("| restarted in place  ~ crash-loop wait"),
            "{text}"
        );
    }

    /// The slots of each lane of a text timeline (without the lane names, the axis and
    /// the legend).
    fn lanes(text: &str) -> Vec<&str> {
        text.lines()
            .filter(|l| l.ends_with('|'))
            .filter_map(|l| l.split_once(" |").map(|(_, cells)| cells))
            .collect()
    }

    #[test]
    fn suspension_gap_is_marked_apart_from_a_backoff() {
        // Suspended at 10 s (pods deleted), resumed at 60 s: the deleted pods' lanes are
        // marked `s` from 10 s until the new pods, never `-`.
        let text = scenario_text("scenarios/teaching/suspend-resume.yaml", 80);
        let marked: Vec<&str> = lanes(&text)
            .into_iter()
            .filter(|l| l.contains("dsss"))
            .collect();
        assert_eq!(marked.len(), 2, "{text}");
        assert!(!lanes(&text).concat().contains('-'), "{text}");
        assert!(
            text.contains("s Job suspended (pods deleted, recreated on resume)"),
            "{text}"
        );
        assert!(!text.contains("recreation backoff"), "{text}");
    }

    #[test]
    fn recreation_backoff_gap_follows_each_counted_failure() {
        // Each failure is followed by the wait before its replacement: 10 s, 20 s, … —
        // the later ones span many slots.
        let text = scenario_text("scenarios/teaching/retry-timing.yaml", 80);
        let all = lanes(&text).concat();
        assert!(all.contains("x-----"), "{text}");
        assert!(!all.contains('=') && !all.contains('s'), "{text}");
        assert!(
            text.contains("- recreation backoff before the new pod"),
            "{text}"
        );
    }

    #[test]
    fn per_index_backoff_gap_is_marked_apart_from_the_recreation_backoff() {
        let text = scenario_text("scenarios/teaching/backoff-limit-per-index.yaml", 80);
        let all = lanes(&text).concat();
        assert!(all.contains("x==="), "{text}");
        assert!(!all.contains('-'), "{text}");
        assert!(
            text.contains("= per-index backoff before the new pod")
                && !text.contains("recreation backoff"),
            "{text}"
        );
    }

    #[test]
    fn an_absurd_width_is_cut_to_the_widest_timeline() {
        for width in [65_550, 1_000_000_000, usize::MAX] {
            let text = text_timeline(&records("parallel"), width).unwrap();
            let first = text.lines().next().unwrap();
            assert_eq!(first.chars().count(), MAX_WIDTH);
        }
    }

    #[test]
    fn not_ready_node_is_dotted() {
        let text = text_timeline(&records("cronjob"), 8 + 3 + 30).unwrap();
        let worker1 = text.lines().nth(1).unwrap();
        // 300 s over 30 slots; worker-1 is NotReady from 130 s to 170 s: slots 13..17.
        assert_eq!(&worker1[10 + 12..10 + 18], " .... ");
    }

    #[test]
    fn too_narrow_or_too_large_gives_none() {
        assert!(text_timeline(&records("parallel"), 15).is_none());
        let mut big = records("parallel");
        big.pods = vec![big.pods[0]; MAX_PODS + 1];
        assert!(text_timeline(&big, 80).is_none());
    }
}
