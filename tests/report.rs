//! The report layer end to end: `render_all` and `jobsim report` on synthetic output
//! directories under `tests/data/report/`, and a generated 100,000-pod run for size limits.

use jobsim::report::{render_all, synthetic};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Copies a fixture into a fresh temporary directory, so the outputs land outside the tree.
fn fixture_copy(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/report")
        .join(case);
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// `jobsim report DIR ARGS…`, run to its end.
fn report_command(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jobsim"))
        .arg("report")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The value of `attribute` in one SVG element's text.
fn attr<'a>(element: &'a str, attribute: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    element[start..].split('"').next()
}

/// The attribute text of every `<tag …>` element, each starting with a space.
fn elements(svg: &str, tag: &str) -> Vec<String> {
    svg.split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| format!(" {}", rest.split('>').next().unwrap_or("")))
        .collect()
}

/// Crude well-formedness: one root element, every opened element closed.
fn assert_xmlish(svg: &str) {
    assert!(
        svg.trim_start().starts_with("<svg"),
        "{}",
        &svg[..80.min(svg.len())]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    let opened = svg.matches('<').count() - svg.matches("</").count();
    let self_closed = svg.matches("/>").count();
    let closed = svg.matches("</").count();
    assert_eq!(opened, self_closed + closed, "unbalanced tags");
}

#[test]
fn render_all_writes_every_chart_both_ways_and_the_page() {
    let dir = fixture_copy("parallel");
    let written = render_all(dir.path()).unwrap();
    assert_eq!(
        names(&written),
        [
            "timeline.svg",
            "timeline.png",
            "throughput.svg",
            "throughput.png",
            "utilisation.svg",
            "utilisation.png",
            "report.html"
        ]
    );
    for path in &written {
        assert!(
            std::fs::metadata(path).unwrap().len() > 1000,
            "{}",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "png") {
            assert_eq!(&std::fs::read(path).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
        }
    }
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn timeline_svg_has_node_lanes_and_two_waves_of_bars() {
    let dir = fixture_copy("parallel");
    render_all(dir.path()).unwrap();
    let svg = read(dir.path(), "timeline.svg");
    assert_xmlish(&svg);
    for lane in ["worker-0", "worker-1", "worker-2"] {
        assert!(
            svg.contains(&format!(">\n{lane}\n</text>"))
                || svg.contains(&format!(">{lane}</text>")),
            "{lane}"
        );
    }
    assert!(svg.contains("parallel-fixed-completions (seed 42)"));
    // Job `pi` is drawn in Okabe–Ito blue; its running bars (wider than a legend swatch)
    // start at exactly two distinct x positions: the two waves.
    let rects = elements(&svg, "rect");
    let mut starts: Vec<&str> = rects
        .iter()
        .filter(|r| attr(r, "fill") == Some("#0072B2"))
        .filter(|r| {
            attr(r, "width")
                .and_then(|w| w.parse::<i32>().ok())
                .is_some_and(|w| w > 22)
        })
        .filter_map(|r| attr(r, "x"))
        .collect();
    starts.sort();
    starts.dedup();
    assert_eq!(starts.len(), 2, "{starts:?}");
}

#[test]
fn failed_attempts_are_drawn_with_crosses() {
    let dir = fixture_copy("backoff");
    render_all(dir.path()).unwrap();
    let svg = read(dir.path(), "timeline.svg");
    assert_xmlish(&svg);
    // A cross is two black 2-px strokes: three failed attempts plus the legend's sample.
    let crosses = elements(&svg, "line")
        .into_iter()
        .filter(|l| attr(l, "stroke") == Some("#000000") && attr(l, "stroke-width") == Some("2"))
        .count();
    assert_eq!(crosses, 2 * (3 + 1));
    // Failed bars are vermillion.
    assert!(
        elements(&svg, "rect")
            .iter()
            .any(|r| attr(r, "fill") == Some("#D55E00"))
    );
}

#[test]
fn cronjob_run_gets_a_schedule_strip() {
    let dir = fixture_copy("cronjob");
    let written = render_all(dir.path()).unwrap();
    assert!(names(&written).contains(&"schedule.svg".to_string()));
    let svg = read(dir.path(), "schedule.svg");
    assert_xmlish(&svg);
    assert!(svg.contains("hello"));
}

#[test]
fn report_html_is_self_contained_and_escaped() {
    let dir = fixture_copy("backoff");
    render_all(dir.path()).unwrap();
    let html = read(dir.path(), "report.html");
    for external in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(!html.contains("<script src"));
    assert!(!html.contains("<link"));
    assert!(html.contains("<table id=\"job-table\""));
    assert!(html.contains("<table id=\"event-log\""));
    assert!(html.contains("<table id=\"condition-table\""));
    assert!(html.contains("BackoffLimitExceeded"));
    // The three charts, plus one small counters chart per Job (issue 13).
    let counter_charts = html.matches("aria-label=\"counters of Job").count();
    assert_eq!(counter_charts, 1);
    assert_eq!(html.matches("<svg ").count(), 3 + counter_charts);
    assert!(html.contains("name=\"viewport\""));
    // The scenario name carries markup characters: they must arrive escaped.
    assert!(html.contains("flaky &lt;backoff&gt; &amp; &quot;quotes&quot;"));
    assert!(!html.contains("<backoff>"));
    // One event row per event, each filterable by its data attributes.
    assert_eq!(html.matches("<tr data-kind=\"job\"").count(), 4);
}

#[test]
fn same_output_directory_gives_byte_identical_reports() {
    let (a, b) = (fixture_copy("cronjob"), fixture_copy("cronjob"));
    let written_a = render_all(a.path()).unwrap();
    render_all(b.path()).unwrap();
    for path in written_a {
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{}",
            name.to_string_lossy()
        );
    }
}

#[test]
fn report_command_writes_files_and_exits_zero() {
    let dir = fixture_copy("parallel");
    let out = report_command(dir.path(), &["--text", "60"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("worker-0 |"), "{stdout}");
    assert!(stdout.contains("report.html"));
    assert!(dir.path().join("report.html").exists());
}

#[test]
fn report_command_on_a_directory_without_outputs_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = report_command(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("summary.json"));
}

#[test]
fn a_pods_file_without_line_breaks_is_refused_at_the_row_limit_not_read_whole() {
    let dir = fixture_copy("parallel");
    let pods = dir.path().join("pods.csv");
    let header = read(dir.path(), "pods.csv")
        .lines()
        .next()
        .unwrap()
        .to_string()
        + "\n";
    std::fs::write(&pods, header).unwrap();
    // Zeros past the header, twice the limit (a sparse file: nothing is written).
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&pods)
        .unwrap();
    file.set_len(2 * jobsim::record::schema::MAX_ROW_BYTES)
        .unwrap();
    let out = report_command(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pods.csv, line 2: more than 67108864 bytes in one row"),
        "{stderr}"
    );
}

/// 2 MB: the most any one SVG may weigh, whatever the run's size.
const SVG_LIMIT: u64 = 2 * 1024 * 1024;

#[test]
fn hundred_thousand_pods_keep_every_svg_under_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    synthetic::write_run(dir.path(), 100_000).unwrap();
    let started = Instant::now();
    let records = jobsim::report::read_run(dir.path()).unwrap();
    eprintln!("read_run on 100,000 pods: {:?}", started.elapsed());
    assert_eq!(records.pods.len(), 100_000);
    let started = Instant::now();
    let written = render_all(dir.path()).unwrap();
    let elapsed = started.elapsed();
    for path in &written {
        let size = std::fs::metadata(path).unwrap().len();
        eprintln!(
            "{:>16} {:>9} bytes",
            path.file_name().unwrap().to_string_lossy(),
            size
        );
        if path.extension().is_some_and(|e| e == "svg") {
            assert!(size < SVG_LIMIT, "{} is {size} bytes", path.display());
            assert_xmlish(&std::fs::read_to_string(path).unwrap());
        }
    }
    eprintln!("render_all on 100,000 pods: {elapsed:?} (this build's profile)");
    // The density view replaced per-attempt bars.
    let svg = read(dir.path(), "timeline.svg");
    assert!(elements(&svg, "rect").len() < 20_000);
    // The moment tables and counters charts read every pod with its text; a run this large
    // gets a note instead of them.
    let html = read(dir.path(), "report.html");
    assert!(html.contains("100000 pods are too many for the moment tables"));
    assert!(!html.contains("id=\"moments-data\""));
    assert!(!html.contains("id=\"counters\""));
}

#[test]
fn a_few_pods_with_hundreds_of_thousands_of_events_get_the_note_not_the_moment_view() {
    let dir = tempfile::tempdir().unwrap();
    synthetic::write_run(dir.path(), 10).unwrap();
    // A pod restarting all run long: its kubelet events, far more than the view reads.
    let mut events = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    for i in 0..200_001u64 {
        events.push_str(&format!(
            "{}.000,pod/p-0,BackOff,Back-off restarting failed container,Warning,1,{}.000,{}.000\n",
            i, i, i
        ));
    }
    std::fs::write(dir.path().join("events.csv"), events).unwrap();
    render_all(dir.path()).unwrap();
    let html = read(dir.path(), "report.html");
    assert!(html.contains("events are too many for the moment tables"));
    assert!(!html.contains("id=\"moments-data\""));
}

#[test]
fn a_year_of_an_hourly_cronjob_stays_small_and_reads_in_days() {
    let dir = tempfile::tempdir().unwrap();
    synthetic::write_cron_year(dir.path()).unwrap();
    let written = render_all(dir.path()).unwrap();
    assert!(names(&written).contains(&"schedule.svg".to_string()));
    for path in written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
    {
        let size = std::fs::metadata(path).unwrap().len();
        assert!(size < SVG_LIMIT, "{} is {size} bytes", path.display());
    }
    let schedule = read(dir.path(), "schedule.svg");
    assert_xmlish(&schedule);
    assert!(schedule.contains("time since start (days)"));
    // Skipped runs are marked (merged when closer than a pixel, so fewer than 175).
    let orange_crosses = elements(&schedule, "line")
        .iter()
        .filter(|l| attr(l, "stroke") == Some("#E69F00"))
        .count();
    assert!(orange_crosses >= 2 * 10, "{orange_crosses}");
    // The page lists at most 2,000 Jobs and says where the rest are.
    let html = read(dir.path(), "report.html");
    assert!(html.contains("all are in jobs.csv"));
}

#[test]
fn events_past_the_listed_rows_are_counted_and_node_outages_still_drawn() {
    let dir = tempfile::tempdir().unwrap();
    // One SuccessfulCreate per pod, then a NodeNotReady/NodeReady pair written last.
    synthetic::write_run(dir.path(), 10_000).unwrap();
    let records = jobsim::report::read_run(dir.path()).unwrap();
    assert_eq!(records.events.total, 10_002);
    assert_eq!(
        records.events.listed.len(),
        jobsim::report::records::LISTED_EVENTS
    );
    assert_eq!(records.events.nodes.len(), 2);
    render_all(dir.path()).unwrap();
    assert!(read(dir.path(), "timeline.svg").contains("node NotReady"));
    let html = read(dir.path(), "report.html");
    assert_eq!(html.matches("<tr data-kind=\"job\"").count(), 5000);
    assert!(html.contains("First 5000 of 10002 events listed; all are in events.csv."));
    assert!(html.contains("<select id=\"f-kind\">"));
}

#[test]
fn a_run_with_no_pods_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("summary.json"), r#"{"scenario":"empty"}"#).unwrap();
    std::fs::write(
        dir.path().join("pods.csv"),
        "pod,job,index,attempt,node,created,scheduled,started,finished,phase,reason,exit_code,restarts\n",
    )
    .unwrap();
    let written = render_all(dir.path()).unwrap();
    assert_eq!(written.len(), 7);
    assert!(
        jobsim::report::text_timeline(&jobsim::report::read_run(dir.path()).unwrap(), 80).is_none()
    );
}
