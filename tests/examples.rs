//! The example charts committed under `reports/examples/` (shown in the README) are
//! exactly what the documented command produces today, and the real runs behind them show
//! what the issue asks charts to show: the seed's two waves, widening backoff gaps.

use std::path::{Path, PathBuf};

use crate::binary::{root, run, stderr};

/// The README's command, minus `cargo run --release --`.
const EXAMPLES: [&str; 3] = [
    "scenarios/seed/parallel-fixed-completions.yaml",
    "scenarios/teaching/backoff-limit-exceeded.yaml",
    "scenarios/teaching/node-loss.yaml",
];

/// The lessons the README walks through, regenerated into `reports/examples/lessons/` by
/// the README's second command (their PNGs are not kept: the README links the SVGs).
const LESSONS: [&str; 6] = [
    "scenarios/teaching/backoff-limit-onfailure-vs-never.yaml",
    "scenarios/teaching/deadline-vs-backoff-limit.yaml",
    "scenarios/teaching/retry-timing.yaml",
    "scenarios/teaching/cronjob-forbid-starting-deadline.yaml",
    "scenarios/teaching/cronjob-dst-fall-back.yaml",
    "scenarios/teaching/cronjob-too-many-missed.yaml",
];

fn regenerate() -> tempfile::TempDir {
    regenerate_these(&EXAMPLES)
}

fn regenerate_these(scenarios: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let mut args = vec!["run"];
    args.extend(scenarios);
    args.extend(["--out", &out, "--quiet"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for scenario in std::fs::read_dir(dir).unwrap() {
        let scenario = scenario.unwrap().path();
        if !scenario.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&scenario).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "svg") {
                found.push(f.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn committed_example_charts_are_what_the_command_produces_today() {
    let fresh = regenerate();
    let committed_dir = root().join("reports/examples");
    let committed = svgs(&committed_dir);
    assert_eq!(committed, svgs(fresh.path()), "the same charts exist");
    assert!(committed.len() >= 9, "{committed:?}");
    for rel in committed {
        let a = std::fs::read(committed_dir.join(&rel)).unwrap();
        let b = std::fs::read(fresh.path().join(&rel)).unwrap();
        assert!(
            a == b,
            "{} differs from what the command produces today; regenerate the examples (README, Charts)",
            rel.display()
        );
    }
}

#[test]
fn committed_lesson_charts_are_what_the_command_produces_today() {
    let fresh = regenerate_these(&LESSONS);
    let committed_dir = root().join("reports/examples/lessons");
    let committed = svgs(&committed_dir);
    assert_eq!(committed, svgs(fresh.path()), "the same charts exist");
    assert!(committed.len() >= 6 * 3, "{committed:?}");
    for rel in committed {
        let a = std::fs::read(committed_dir.join(&rel)).unwrap();
        let b = std::fs::read(fresh.path().join(&rel)).unwrap();
        assert!(
            a == b,
            "{} differs from what the command produces today; regenerate the lessons (README, Teaching)",
            rel.display()
        );
    }
}

fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

fn elements<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
    svg.match_indices(&format!("<{tag} "))
        .map(|(i, _)| &svg[i..i + svg[i..].find("/>").unwrap_or(0)])
        .collect()
}

#[test]
fn seed_parallel_timeline_shows_two_waves_of_three_pods_on_three_nodes() {
    let svg = std::fs::read_to_string(
        root().join("reports/examples/parallel-fixed-completions/timeline.svg"),
    )
    .unwrap();
    for lane in ["worker-0", "worker-1", "worker-2"] {
        assert!(svg.contains(lane), "{lane} lane");
    }
    // Running bars of the Job (its colour, wider than a legend swatch): three per wave,
    // starting at exactly two distinct x positions.
    let bars: Vec<&str> = elements(&svg, "rect")
        .into_iter()
        .filter(|r| attr(r, "fill") == Some("#0072B2"))
        .filter(|r| {
            attr(r, "width")
                .and_then(|w| w.parse::<i32>().ok())
                .is_some_and(|w| w > 40)
        })
        .collect();
    let mut starts: Vec<&str> = bars.iter().filter_map(|r| attr(r, "x")).collect();
    assert_eq!(starts.len(), 6, "six pod bars: {starts:?}");
    starts.sort();
    starts.dedup();
    assert_eq!(starts.len(), 2, "two waves: {starts:?}");
}

#[test]
fn seed_parallel_throughput_shows_six_completions_in_two_steps() {
    let pods = std::fs::read_to_string(
        root().join("reports/examples/parallel-fixed-completions/pods.csv"),
    )
    .unwrap();
    let mut finishes: Vec<&str> = pods
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(8).unwrap())
        .collect();
    assert_eq!(finishes.len(), 6);
    finishes.dedup();
    assert_eq!(finishes.len(), 2, "two steps of three: {finishes:?}");
    let svg = std::fs::read_to_string(
        root().join("reports/examples/parallel-fixed-completions/throughput.svg"),
    )
    .unwrap();
    assert!(svg.contains("succeeded pods (cumulative)"));
}

#[test]
fn backoff_timeline_marks_failed_attempts_and_widening_gaps() {
    let svg = std::fs::read_to_string(
        root().join("reports/examples/backoff-limit-exceeded/timeline.svg"),
    )
    .unwrap();
    // Failed attempts: vermillion bars.
    let failed = elements(&svg, "rect")
        .into_iter()
        .filter(|r| attr(r, "fill") == Some("#D55E00"))
        .filter(|r| {
            attr(r, "width")
                .and_then(|w| w.parse::<i32>().ok())
                .is_some_and(|w| w > 40)
        })
        .count();
    assert_eq!(failed, 3, "three failed attempts");
    // Backoff gaps: 1-px grey dashes on the pod lane, in two runs; the second gap (20 s)
    // is twice as long as the first (10 s).
    let mut dashes: Vec<(i32, i32)> = elements(&svg, "polyline")
        .into_iter()
        .filter(|p| attr(p, "stroke") == Some("#777777") && attr(p, "stroke-width") == Some("1"))
        .filter_map(|p| {
            let pts = attr(p, "points")?;
            let xs: Vec<i32> = pts
                .split_whitespace()
                .filter_map(|xy| xy.split(',').next()?.parse().ok())
                .collect();
            Some((*xs.first()?, *xs.last()?))
        })
        .collect();
    dashes.sort();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for (a, b) in dashes {
        match runs.last_mut() {
            Some(last) if a - last.1 <= 8 => last.1 = b,
            _ => runs.push((a, b)),
        }
    }
    assert_eq!(runs.len(), 2, "two backoff gaps: {runs:?}");
    let (w1, w2) = (runs[0].1 - runs[0].0, runs[1].1 - runs[1].0);
    assert!(w2 > w1 * 3 / 2, "the second gap is wider: {w1} then {w2}");
}
