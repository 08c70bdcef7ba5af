//! `report.html`: one self-contained page per run — summary table, the charts as inline SVG,
//! each Job's counters and conditions, and the event log with filters by kind, object and
//! reason (a few lines of inline script).
//!
//! It owns the page's markup and escaping: every piece of text from the records goes through
//! [`escape`]. It must not reference anything outside the page (no network, no external
//! script, style or font), so the file can be mailed or archived as it is.

use super::charts::RenderedChart;
use super::records::{EndPhase, JobOutcome, LISTED_EVENTS, LISTED_JOBS, RunRecords};
use crate::time::{SimTime, format_duration, seconds_str};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Rows of the Job table shown at most (the rest are in `jobs.csv`); the records keep this
/// many rows of `jobs.csv` whole.
const MAX_JOB_ROWS: usize = LISTED_JOBS;
/// Objects whose conditions are shown at most.
const MAX_OBJECT_ROWS: usize = 2000;
/// Events listed at most (the rest are in `events.csv`); the records keep this many rows of
/// `events.csv` as written.
const MAX_EVENT_ROWS: usize = LISTED_EVENTS;

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{--fg:#1a1a1a;--muted:#666;--line:#ddd;--ok:#007a58;--bad:#b34700;--band:#f6f6f6}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:1rem;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg)}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line)}
header p{color:var(--muted);margin:.2rem 0}
nav a{margin-right:1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--band);position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv{width:auto}table.kv th{position:static;background:none;font-weight:600}
.ok{color:var(--ok)}.bad{color:var(--bad);font-weight:600}
figure{margin:1rem 0}.chart{overflow-x:auto;-webkit-overflow-scrolling:touch}
.chart svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.85rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.filters input,.filters select{font:inherit;padding:.25rem .4rem}
.note{color:var(--muted);font-size:.85rem}
ul.conds{margin:0;padding-left:1rem}
td{overflow-wrap:anywhere}
pre.get{font:12px/1.35 ui-monospace,'DejaVu Sans Mono',monospace;background:var(--band);padding:.5rem;overflow-x:auto;margin:.3rem 0}
.slider{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.slider input{flex:1 1 16rem}
.counters{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:.8rem}
.counters figure{margin:0}.counters svg{width:100%;height:auto}
.key span{margin-right:.8rem;white-space:nowrap}.key i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:.25rem}
@media (max-width:640px){body{padding:.5rem;font-size:14px}.chart svg{width:900px;max-width:none}th,td{padding:.25rem .3rem}nav a{display:inline-block;margin:.2rem .6rem .2rem 0}
table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards tr{border-bottom:2px solid var(--line);padding:.3rem 0}table.cards td{border:0;padding:.1rem .3rem;text-align:left}
table.cards td::before{content:attr(data-label);display:inline-block;min-width:7.5rem;color:var(--muted)}}
";

const SCRIPT: &str = "\
(function(){
var rows=Array.prototype.slice.call(document.querySelectorAll('#event-log tbody tr'));
var kind=document.getElementById('f-kind'),obj=document.getElementById('f-object'),
reason=document.getElementById('f-reason'),count=document.getElementById('f-count');
if(!kind){return;}
function apply(){var k=kind.value,q=obj.value.toLowerCase(),r=reason.value,n=0;
rows.forEach(function(tr){var d=tr.dataset,show=(!k||d.kind===k)&&(!r||d.reason===r)&&
(!q||d.object.toLowerCase().indexOf(q)>=0);tr.hidden=!show;if(show){n++;}});
count.textContent=n+' of '+rows.length+' listed events shown';}
[kind,obj,reason].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
apply();})();
";

fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "Complete" | "Succeeded" => "ok",
        "Failed" => "bad",
        _ => "",
    }
}

/// The whole page.
pub fn report_html(records: &RunRecords, charts: &[RenderedChart]) -> String {
    let summary = &records.summary;
    let scenario = if summary.scenario.is_empty() {
        "unnamed scenario"
    } else {
        &summary.scenario
    };
    let mut page = String::with_capacity(charts.iter().map(|c| c.svg.len()).sum::<usize>() + 65536);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>jobsim report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(scenario)
    );
    let _ = write!(
        page,
        "<header>\n<h1>{}</h1>\n<p>seed {} · simulated with jobsim {} · models Kubernetes {}</p>\n</header>\n",
        escape(scenario),
        summary.seed,
        escape(&summary.jobsim),
        escape(&summary.kubernetes)
    );
    page.push_str(
        "<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a>\
         <a href=\"#jobs\">Jobs</a><a href=\"#moments\">At a moment</a><a href=\"#events\">Events</a></nav>\n",
    );
    summary_section(&mut page, records);
    charts_section(&mut page, charts);
    pod_why_section(&mut page, records);
    jobs_section(&mut page, records);
    events_section(&mut page, records);
    let _ = write!(page, "<script>\n{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn kv(page: &mut String, key: &str, value: &str) {
    let _ = writeln!(
        page,
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        escape(key),
        escape(value)
    );
}

fn summary_section(page: &mut String, records: &RunRecords) {
    let summary = &records.summary;
    page.push_str(
        "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"scroll\"><table class=\"kv\">\n",
    );
    kv(page, "Scenario", &summary.scenario);
    kv(page, "Seed", &summary.seed.to_string());
    if !summary.start.is_empty() {
        kv(page, "Start", &summary.start);
    }
    if !summary.end.is_empty() {
        kv(page, "End", &summary.end);
    }
    kv(page, "Simulated time", &format_duration(records.end()));
    let jobs_complete = records
        .jobs
        .iter()
        .filter(|j| j.outcome == JobOutcome::Complete)
        .count();
    let jobs_failed = records
        .jobs
        .iter()
        .filter(|j| j.outcome == JobOutcome::Failed)
        .count();
    kv(
        page,
        "Jobs",
        &format!(
            "{} ({jobs_complete} complete, {jobs_failed} failed)",
            records.jobs.len().max(summary.jobs.len())
        ),
    );
    if !summary.cronjobs.is_empty() {
        kv(page, "CronJobs", &summary.cronjobs.len().to_string());
    }
    let succeeded = records
        .pods
        .iter()
        .filter(|p| p.phase == EndPhase::Succeeded)
        .count();
    let failed = records
        .pods
        .iter()
        .filter(|p| p.phase == EndPhase::Failed)
        .count();
    kv(
        page,
        "Pods",
        &format!(
            "{} ({succeeded} succeeded, {failed} failed)",
            records.pods.len()
        ),
    );
    let pools: BTreeSet<&str> = records.nodes.iter().map(|n| n.pool.as_str()).collect();
    kv(
        page,
        "Nodes",
        &format!("{} in {} pool(s)", records.nodes.len(), pools.len()),
    );
    for (key, value) in &summary.metrics {
        let (label, text) = metric(key, value);
        kv(page, &label, &text);
    }
    page.push_str("</table></div>\n");
    cronjobs_table(page, records);
    page.push_str("</section>\n");
}

/// Seconds as people read them: `850ms`, `14.0s`, `2m05s`, `1h05m`; `—` when absent.
fn human_seconds(value: Option<f64>) -> String {
    match value.and_then(super::records::seconds_to_ms) {
        Some(ms) if (1_000..60_000).contains(&ms) => format!("{:.1}s", ms as f64 / 1000.0),
        Some(ms) => format_duration(ms),
        None => "—".to_string(),
    }
}

/// A whole number with thousands separators: `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as people read it: whole numbers with separators, others with up to 3
/// significant decimals.
fn human_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let n = value.abs() as u64;
        let sign = if value < 0.0 { "-" } else { "" };
        format!("{sign}{}", thousands(n))
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `allComplete` → `All complete`.
fn words(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The label and human text of one `summary.json` metric: units and formats for the keys
/// jobsim writes, plain words for keys added later.
fn metric(key: &str, value: &serde_json::Value) -> (String, String) {
    use serde_json::Value;
    let seconds = |v: &Value| human_seconds(v.as_f64());
    match (key, value) {
        ("makespan", Value::Null) => ("Makespan".into(), "— (not every Job finished)".into()),
        ("makespan", v) => ("Makespan (first create → last finish)".into(), seconds(v)),
        ("podsCreated", v) => ("Pods created".into(), generic(v)),
        ("podsSucceeded", v) => ("Pods succeeded".into(), generic(v)),
        ("podsFailed", v) => ("Pods failed".into(), generic(v)),
        ("throughputPerHour", v) => (
            "Throughput".into(),
            format!("{} pods/hour", human_number(v.as_f64().unwrap_or(0.0))),
        ),
        ("cpuUtilisation", v) => {
            let share = v.as_f64().unwrap_or(0.0);
            let text = if share == 0.0 {
                "0 % (no pod requests CPU, or nothing ran)".to_string()
            } else {
                format!(
                    "{:.1} % of allocatable CPU, requested by running pods",
                    share * 100.0
                )
            };
            ("CPU utilisation".into(), text)
        }
        ("wastedCpuSeconds", v) => (
            "Wasted CPU (failed attempts)".into(),
            format!("{} CPU·s", human_number(v.as_f64().unwrap_or(0.0))),
        ),
        ("waitSeconds", Value::Object(map)) => {
            let parts: Vec<String> = ["p50", "p90", "p99", "max"]
                .iter()
                .filter_map(|k| map.get(*k).map(|v| format!("{k} {}", seconds(v))))
                .collect();
            ("Pod wait (created → running)".into(), parts.join(" · "))
        }
        (key, v) => (words(key), generic(v)),
    }
}

/// Any JSON value as plain text: numbers formatted, `null` as `—`, objects as `key value`
/// pairs.
fn generic(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "—".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(n) => n
            .as_f64()
            .map(human_number)
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(generic).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} {}", words(k).to_lowercase(), generic(v)))
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// The CronJob counters of `summary.json`, one row per CronJob.
fn cronjobs_table(page: &mut String, records: &RunRecords) {
    let cronjobs = &records.summary.cronjobs;
    if cronjobs.is_empty() {
        return;
    }
    page.push_str(
        "<h3 id=\"cronjobs\">CronJobs</h3>\n<div class=\"scroll\"><table id=\"cronjob-table\" class=\"cards\">\n\
         <thead><tr><th>CronJob</th><th>Schedule</th><th class=\"num\">Jobs</th><th class=\"num\">Succeeded</th>\
         <th class=\"num\">Failed</th><th class=\"num\" title=\"due while one was active (Forbid)\">Skipped</th>\
         <th class=\"num\" title=\"created late\">Delayed</th><th class=\"num\" title=\"replaced a running Job (Replace)\">Replaced</th>\
         <th class=\"num\" title=\"no Job: suspended, past startingDeadlineSeconds, or lost\">Missed</th>\
         <th>Lag (scheduled → created · → running)</th><th>Last schedule</th></tr></thead>\n<tbody>\n",
    );
    for c in cronjobs.iter().take(MAX_OBJECT_ROWS) {
        let lag = |l: Option<crate::record::schema::Lag>| match l {
            Some(l) => format!(
                "p50 {} · p99 {} · max {}",
                human_seconds(Some(l.p50)),
                human_seconds(Some(l.p99)),
                human_seconds(Some(l.max))
            ),
            None => "—".to_string(),
        };
        let mut schedule = escape(&c.schedule);
        if let Some(zone) = &c.time_zone {
            let _ = write!(schedule, "<br><span class=\"note\">{}</span>", escape(zone));
        }
        let policy = format!(
            "<br><span class=\"note\">{}{}</span>",
            escape(&c.concurrency_policy),
            if c.suspend { " · suspended" } else { "" }
        );
        let missed = if c.missed_deadline > 0 {
            format!("{} ({} past deadline)", c.missed, c.missed_deadline)
        } else {
            c.missed.to_string()
        };
        let _ = writeln!(
            page,
            "<tr><td data-label=\"CronJob\">{}{policy}</td><td data-label=\"Schedule\">{schedule}</td>\
             <td class=\"num\" data-label=\"Jobs\">{}</td><td class=\"num\" data-label=\"Succeeded\">{}</td>\
             <td class=\"num\" data-label=\"Failed\">{}</td><td class=\"num\" data-label=\"Skipped\">{}</td>\
             <td class=\"num\" data-label=\"Delayed\">{}</td><td class=\"num\" data-label=\"Replaced\">{}</td>\
             <td class=\"num\" data-label=\"Missed\">{}</td><td data-label=\"Lag\">{}<br>{}</td>\
             <td data-label=\"Last schedule\">{}</td></tr>",
            escape(&c.name),
            thousands(c.jobs_created),
            thousands(c.succeeded),
            thousands(c.failed),
            thousands(c.skipped),
            thousands(c.delayed),
            thousands(c.replaced),
            escape(&missed),
            escape(&lag(c.lag_seconds.created)),
            escape(&lag(c.lag_seconds.started)),
            escape(c.last_schedule_time.as_deref().unwrap_or("—")),
        );
    }
    page.push_str("</tbody></table></div>\n");
}

fn charts_section(page: &mut String, charts: &[RenderedChart]) {
    page.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for chart in charts {
        let _ = writeln!(page, "<figure id=\"chart-{}\">", chart.name);
        // Plotters writes a bare <svg> element (no XML prolog), ready to inline.
        let svg = chart.svg.trim_start();
        let svg = match svg.strip_prefix("<?xml") {
            Some(rest) => rest
                .split_once("?>")
                .map_or(svg, |(_, body)| body.trim_start()),
            None => svg,
        };
        // On narrow screens the chart keeps a legible width and scrolls sideways.
        page.push_str("<div class=\"chart\">");
        page.push_str(svg);
        page.push_str("</div>\n");
        let _ = write!(
            page,
            "<figcaption>{} — also {}.svg and {}.png beside this page</figcaption>\n</figure>\n",
            escape(&chart.title),
            chart.name,
            chart.name
        );
    }
    page.push_str("</section>\n");
}

fn jobs_section(page: &mut String, records: &RunRecords) {
    page.push_str("<section id=\"jobs\">\n<h2>Jobs</h2>\n<div class=\"scroll\"><table id=\"job-table\" class=\"cards\">\n<thead><tr>\
        <th>Job</th><th>Spec</th><th>Outcome</th><th class=\"num\">Succeeded</th><th class=\"num\">Failed</th>\
        <th class=\"num\">Pods</th><th class=\"num\">Created</th><th class=\"num\">Started</th>\
        <th class=\"num\">Finished</th><th class=\"num\">Makespan</th>\
        </tr></thead>\n<tbody>\n");
    let at = |t: Option<SimTime>| match t {
        Some(0) => "0s".to_string(),
        Some(t) => format_duration(t),
        None => "—".to_string(),
    };
    let at_f = |t: Option<f64>| at(t.and_then(super::records::seconds_to_ms));
    let row = |page: &mut String, cells: [String; 10]| {
        const LABELS: [&str; 10] = [
            "Job",
            "Spec",
            "Outcome",
            "Succeeded",
            "Failed",
            "Pods",
            "Created",
            "Started",
            "Finished",
            "Makespan",
        ];
        page.push_str("<tr>");
        for (i, (label, cell)) in LABELS.iter().zip(cells).enumerate() {
            let class = if i >= 3 { " class=\"num\"" } else { "" };
            let _ = write!(page, "<td{class} data-label=\"{label}\">{cell}</td>");
        }
        page.push_str("</tr>\n");
    };
    let name_cell = |name: &str, owner: Option<&str>| match owner {
        Some(owner) => format!(
            "{}<br><span class=\"note\">{}</span>",
            escape(name),
            escape(owner)
        ),
        None => escape(name),
    };
    let outcome_cell = |outcome: &str, reason: &str| {
        let mut text = format!(
            "<span class=\"{}\">{}</span>",
            outcome_class(outcome),
            escape(outcome)
        );
        if !reason.is_empty() {
            let _ = write!(text, "<br><span class=\"note\">{}</span>", escape(reason));
        }
        text
    };
    let total;
    if !records.summary.jobs.is_empty() {
        total = records.summary.jobs.len();
        for job in records.summary.jobs.iter().take(MAX_JOB_ROWS) {
            let spec = match (job.parallelism, job.completions) {
                (Some(p), Some(c)) => {
                    format!("{} · {p} at a time, {c} to complete", job.completion_mode)
                }
                (Some(p), None) => format!("{} · {p} at a time", job.completion_mode),
                (None, Some(c)) => format!("{} · {c} to complete", job.completion_mode),
                (None, None) => job.completion_mode.clone(),
            };
            let makespan = job
                .makespan
                .and_then(super::records::seconds_to_ms)
                .map(format_duration)
                .unwrap_or_else(|| "—".to_string());
            row(
                page,
                [
                    name_cell(&job.name, job.owner.as_deref()),
                    escape(&spec),
                    outcome_cell(&job.outcome, &job.reason),
                    job.succeeded.to_string(),
                    job.failed.to_string(),
                    job.pods.to_string(),
                    at_f(job.created),
                    at_f(job.started),
                    at_f(job.finished),
                    makespan,
                ],
            );
        }
    } else {
        total = records.jobs.len();
        for job in records.listed_jobs.iter().take(MAX_JOB_ROWS) {
            let makespan = match (job.created, job.finished) {
                (a, Some(b)) if b >= a => format_duration(b - a),
                _ => "—".to_string(),
            };
            row(
                page,
                [
                    name_cell(&job.job, job.owner.as_deref()),
                    String::new(),
                    outcome_cell(&job.outcome, &job.reason),
                    job.succeeded.to_string(),
                    job.failed.to_string(),
                    job.pods.to_string(),
                    at(Some(job.created)),
                    at(job.started),
                    at(job.finished),
                    makespan,
                ],
            );
        }
    }
    page.push_str(
        "</tbody></table></div>\n<p class=\"note\">Times are since the start of the run.</p>\n",
    );
    if total > MAX_JOB_ROWS {
        let _ = writeln!(
            page,
            "<p class=\"note\">First {MAX_JOB_ROWS} of {total} Jobs shown; all are in jobs.csv.</p>"
        );
    }
    conditions(page, records);
    super::moments::section(page, records);
    page.push_str("</section>\n");
}

/// Counters and conditions of the objects in `objects.json` (when the run wrote it).
fn conditions(page: &mut String, records: &RunRecords) {
    if records.objects.is_empty() {
        return;
    }
    page.push_str("<h3 id=\"conditions\">Status at the end of the run (objects.json)</h3>\n<div class=\"scroll\"><table id=\"condition-table\" class=\"cards\">\n\
        <thead><tr><th>Object</th><th>Counters</th><th>Conditions</th></tr></thead>\n<tbody>\n");
    for object in records.objects.iter().take(MAX_OBJECT_ROWS) {
        let counters = object
            .counters
            .iter()
            .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut conditions = String::new();
        if !object.conditions.is_empty() {
            conditions.push_str("<ul class=\"conds\">");
            for c in &object.conditions {
                let class = match (c.condition_type.as_str(), c.status.as_str()) {
                    ("Complete" | "SuccessCriteriaMet", "True") => "ok",
                    ("Failed" | "FailureTarget", "True") => "bad",
                    _ => "",
                };
                let _ = write!(
                    conditions,
                    "<li><span class=\"{class}\">{}={}</span> {} {}{}</li>",
                    escape(&c.condition_type),
                    escape(&c.status),
                    escape(&c.reason),
                    if c.message.is_empty() {
                        String::new()
                    } else {
                        format!("— {} ", escape(&c.message))
                    },
                    escape(&c.last_transition_time),
                );
            }
            conditions.push_str("</ul>");
        }
        let _ = writeln!(
            page,
            "<tr><td data-label=\"Object\">{}/{}</td><td data-label=\"Counters\">{counters}</td><td data-label=\"Conditions\">{conditions}</td></tr>",
            escape(&object.kind.to_lowercase()),
            escape(&object.name)
        );
    }
    page.push_str("</tbody></table></div>\n");
}

fn events_section(page: &mut String, records: &RunRecords) {
    page.push_str("<section id=\"events\">\n<h2>Events</h2>\n");
    if records.events.total == 0 {
        page.push_str("<p class=\"note\">No events were recorded.</p>\n</section>\n");
        return;
    }
    let listed = &records.events.listed;
    let shown = &listed[..listed.len().min(MAX_EVENT_ROWS)];
    let kinds: BTreeSet<&str> = shown.iter().map(|e| e.kind()).collect();
    let reasons: BTreeSet<&str> = shown.iter().map(|e| e.reason.as_str()).collect();
    page.push_str("<div class=\"filters\">\n<label>Kind <select id=\"f-kind\"><option value=\"\">all</option>");
    for kind in &kinds {
        let _ = write!(page, "<option>{}</option>", escape(kind));
    }
    page.push_str("</select></label>\n<label>Object <input id=\"f-object\" type=\"search\" placeholder=\"name contains…\"></label>\n\
        <label>Reason <select id=\"f-reason\"><option value=\"\">all</option>");
    for reason in &reasons {
        let _ = write!(page, "<option>{}</option>", escape(reason));
    }
    page.push_str("</select></label>\n<span id=\"f-count\" class=\"note\"></span>\n</div>\n");
    page.push_str("<div class=\"scroll\"><table id=\"event-log\">\n<thead><tr><th class=\"num\">Time (s)</th><th>Object</th><th>Reason</th><th>Message</th></tr></thead>\n<tbody>\n");
    for event in shown {
        let _ = writeln!(
            page,
            "<tr data-kind=\"{}\" data-object=\"{}\" data-reason=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(event.kind()),
            escape(&event.object),
            escape(&event.reason),
            seconds_str(event.time),
            escape(&event.object),
            escape(&event.reason),
            escape(&event.message),
        );
    }
    page.push_str("</tbody></table></div>\n");
    if records.events.total > shown.len() {
        let _ = writeln!(
            page,
            "<p class=\"note\">First {} of {} events listed; all are in events.csv.</p>",
            shown.len(),
            records.events.total
        );
    }
    page.push_str("</section>\n");
}

/// The script of the pod panel: a click on a bar of the timeline shows that pod's chain
/// (the text of `jobsim explain`) under the chart.
const WHY_SCRIPT: &str = "\
(function(){
var data=document.getElementById('pod-why-data'),panel=document.getElementById('pod-why');
var fig=document.getElementById('chart-timeline');
if(!data||!panel||!fig){return;}
var d=JSON.parse(data.textContent),svg=fig.querySelector('svg'),text=panel.querySelector('pre');
fig.parentNode.insertBefore(panel,fig.nextSibling);panel.hidden=false;
svg.style.cursor='pointer';
svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();
var x=(e.clientX-r.left)*d.w/r.width,y=(e.clientY-r.top)*d.h/r.height,best=-1;
for(var i=0;i<d.bars.length;i++){var b=d.bars[i];
if(x>=b[0]-3&&x<=b[2]+3&&y>=b[1]-2&&y<=b[3]+2){best=i;}}
if(best>=0){text.textContent=d.text[d.bars[best][4]];}});
})();
";

/// Pods whose chain is embedded at most; beyond, the page says how to ask `jobsim explain`.
const MAX_EXPLAINED_PODS: usize = super::explain::EMBEDDED_EXPLANATIONS;

/// The pod panel under the timeline: every pod's causal chain, shown when its bar is
/// clicked. Left out (and said so) for runs of more than [`MAX_EXPLAINED_PODS`] pods, or
/// when the timeline shows density cells instead of bars.
fn pod_why_section(page: &mut String, records: &RunRecords) {
    use super::charts::timeline::TimelineChart;
    use super::charts::{Chart, Frame};
    if records.pods.is_empty() {
        return;
    }
    if records.pods.len() > MAX_EXPLAINED_PODS {
        let _ = writeln!(
            page,
            "<section id=\"pod-why\"><p class=\"note\">This run has {} pods, more than the {MAX_EXPLAINED_PODS} whose explanation this page embeds (to stay small): run <code>jobsim explain OUTDIR pod/NAME</code> for one.</p></section>",
            records.pods.len()
        );
        return;
    }
    let frame = Frame::new(records);
    let chart = TimelineChart::build(records, &frame);
    let hits = chart.hit_boxes();
    let Ok(explained) = super::explain::load(&records.out_dir) else {
        return;
    };
    if hits.is_empty() || explained.pods.len() != records.pods.len() {
        return;
    }
    let (w, h) = chart.size();
    let mut texts: Vec<String> = Vec::new();
    let mut text_of: std::collections::BTreeMap<usize, usize> = Default::default();
    let bars: Vec<[i64; 5]> = hits
        .iter()
        .map(|b| {
            let k = *text_of.entry(b.pod).or_insert_with(|| {
                texts.push(super::explain::explain_pod(&explained, b.pod));
                texts.len() - 1
            });
            [
                i64::from(b.x0.min(b.x1)),
                i64::from(b.y0.min(b.y1)),
                i64::from(b.x0.max(b.x1)),
                i64::from(b.y0.max(b.y1)),
                k as i64,
            ]
        })
        .collect();
    let data = serde_json::json!({"w": w, "h": h, "bars": bars, "text": texts});
    // Inside a script element only `</` could end it early.
    let json = data.to_string().replace("</", "<\\/");
    page.push_str(
        "<section id=\"pod-why\" hidden><p class=\"note\">Click a pod's bar in the timeline: why it was created, what ended it and how its Job counted it (the text of <code>jobsim explain</code>).</p>\
         <pre style=\"white-space:pre-wrap;background:var(--band);padding:.5rem;font-size:.85rem\"></pre></section>\n",
    );
    let _ = writeln!(
        page,
        "<script type=\"application/json\" id=\"pod-why-data\">{json}</script>"
    );
    page.push_str("<script>\n");
    page.push_str(WHY_SCRIPT);
    page.push_str("</script>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_metrics_read_with_units_and_no_raw_keys() {
        use serde_json::json;
        let text = |k: &str, v: serde_json::Value| metric(k, &v);
        assert_eq!(
            text("makespan", json!(null)).1,
            "— (not every Job finished)"
        );
        assert_eq!(text("makespan", json!(14.04)).1, "14.0s");
        assert!(text("cpuUtilisation", json!(0.056)).1.starts_with("5.6 % "));
        assert_eq!(
            text(
                "waitSeconds",
                json!({"p50": 1.02, "p90": 1.02, "p99": 75.5, "max": 3700.0})
            )
            .1,
            "p50 1.0s · p90 1.0s · p99 1m15s · max 1h01m"
        );
        assert_eq!(
            text("throughputPerHour", json!(1538.462)).1,
            "1538 pods/hour"
        );
        // A key added later reads as words, its value as plain text.
        assert_eq!(
            text("allComplete", json!(true)),
            ("All complete".into(), "yes".into())
        );
        assert_eq!(text("costUsd", json!(12345)).1, "12,345");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
