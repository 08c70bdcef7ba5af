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
@media (max-width:640px){body{padding:.5rem;font-size:14px}.chart svg{width:900px;max-width:none}th,td{padding:.25rem .3rem}nav a{display:inline-block;margin:.2rem .6rem .2rem 0}}
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

fn seconds(t: Option<SimTime>) -> String {
    t.map(seconds_str).unwrap_or_default()
}

fn seconds_f(t: Option<f64>) -> String {
    t.map(|s| format!("{s:.3}")).unwrap_or_default()
}

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
         <a href=\"#jobs\">Jobs</a><a href=\"#events\">Events</a></nav>\n",
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
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        kv(page, key, &text);
    }
    page.push_str("</table></div>\n</section>\n");
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
    page.push_str("<section id=\"jobs\">\n<h2>Jobs</h2>\n<div class=\"scroll\"><table id=\"job-table\">\n<thead><tr>\
        <th>Job</th><th>Owner</th><th>Mode</th><th class=\"num\">Parallelism</th><th class=\"num\">Completions</th>\
        <th>Outcome</th><th>Reason</th><th class=\"num\">Succeeded</th><th class=\"num\">Failed</th><th class=\"num\">Pods</th>\
        <th class=\"num\">Created (s)</th><th class=\"num\">Started (s)</th><th class=\"num\">Finished (s)</th><th class=\"num\">Makespan</th>\
        </tr></thead>\n<tbody>\n");
    let opt = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    let total;
    if !records.summary.jobs.is_empty() {
        total = records.summary.jobs.len();
        for job in records.summary.jobs.iter().take(MAX_JOB_ROWS) {
            let makespan = job
                .makespan
                .and_then(super::records::seconds_to_ms)
                .map(format_duration)
                .unwrap_or_default();
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&job.name),
                escape(job.owner.as_deref().unwrap_or("")),
                escape(&job.completion_mode),
                opt(job.parallelism),
                opt(job.completions),
                outcome_class(&job.outcome),
                escape(&job.outcome),
                escape(&job.reason),
                job.succeeded,
                job.failed,
                job.pods,
                seconds_f(job.created),
                seconds_f(job.started),
                seconds_f(job.finished),
                escape(&makespan),
            );
        }
    } else {
        total = records.jobs.len();
        for job in records.listed_jobs.iter().take(MAX_JOB_ROWS) {
            let makespan = match (job.created, job.finished) {
                (a, Some(b)) if b >= a => format_duration(b - a),
                _ => String::new(),
            };
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td></td><td class=\"num\"></td><td class=\"num\"></td>\
                 <td class=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&job.job),
                escape(job.owner.as_deref().unwrap_or("")),
                outcome_class(&job.outcome),
                escape(&job.outcome),
                escape(&job.reason),
                job.succeeded,
                job.failed,
                job.pods,
                seconds(Some(job.created)),
                seconds(job.started),
                seconds(job.finished),
                escape(&makespan),
            );
        }
    }
    page.push_str("</tbody></table></div>\n");
    if total > MAX_JOB_ROWS {
        let _ = writeln!(
            page,
            "<p class=\"note\">First {MAX_JOB_ROWS} of {total} Jobs shown; all are in jobs.csv.</p>"
        );
    }
    conditions(page, records);
    page.push_str("</section>\n");
}

/// Counters and conditions of the objects in `objects.json` (when the run wrote it).
fn conditions(page: &mut String, records: &RunRecords) {
    if records.objects.is_empty() {
        return;
    }
    page.push_str("<h3 id=\"conditions\">Status at the end of the run (objects.json)</h3>\n<div class=\"scroll\"><table id=\"condition-table\">\n\
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
            "<tr><td>{}/{}</td><td>{counters}</td><td>{conditions}</td></tr>",
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
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
