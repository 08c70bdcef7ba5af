//! The moment views of `report.html`: a time slider showing the tables `jobsim get jobs` and
//! `jobsim get pods` print at each moment something changed, and one small counters chart
//! per Job — `active`, `ready`, `succeeded`, `failed`, `terminating` over time, as the Job's
//! status would count them.
//!
//! It owns that markup (inline SVG and a few lines of script, nothing external) and uses the
//! `get` view for every status, so the page and the command never disagree. It must not
//! re-simulate; runs too large to list moment by moment get a note pointing at `jobsim get`.

use super::get::{JobView, PodView, Resource, View, pod_state};
use super::html::escape;
use super::records::RunRecords;
use crate::time::{SimTime, format_duration};
use std::fmt::Write;

/// Runs with more pods than this get no slider (the page would grow too large).
const MAX_SLIDER_PODS: usize = 400;
/// Moments the slider offers at most (evenly thinned beyond).
const MAX_MOMENTS: usize = 150;
/// Jobs that get a counters chart at most.
const MAX_COUNTER_JOBS: usize = 12;
/// Runs with more pods than this get neither the slider nor the counters charts: both read
/// the whole `get` view (every pod and event with its text), which for a year of a minutely
/// CronJob took gigabytes, where the rest of the report reads compact records.
const MAX_VIEW_PODS: usize = 20_000;
/// The same bound on `events.csv` rows, which the view reads too (a few pods that restart
/// all year long write hundreds of thousands).
const MAX_VIEW_EVENTS: usize = 200_000;

const SCRIPT: &str = "\
(function(){var d=document.getElementById('moments-data');if(!d){return;}
var m=JSON.parse(d.textContent),s=document.getElementById('moment'),
l=document.getElementById('moment-label'),j=document.getElementById('moment-jobs'),
p=document.getElementById('moment-pods');
function show(){var x=m[+s.value];l.textContent=x[0];j.textContent=x[1];p.textContent=x[2];}
s.addEventListener('input',show);show();})();
";

/// Appends the slider and the counters charts (nothing when the folder cannot be read as
/// a view).
pub fn section(page: &mut String, records: &RunRecords) {
    let too_many = if records.pods.len() > MAX_VIEW_PODS {
        Some(format!("{} pods", records.pods.len()))
    } else if records.events.total > MAX_VIEW_EVENTS {
        Some(format!("{} events", records.events.total))
    } else {
        None
    };
    if let Some(what) = too_many {
        let _ = writeln!(
            page,
            "<h3 id=\"moments\">At any moment: kubectl get</h3>\n\
             <p class=\"note\">{what} are too many for the moment tables and the Job \
             counters charts here; <code>jobsim get OUTDIR jobs --at 90s</code> (or \
             <code>pods</code>) prints the tables at any moment, and <code>--watch</code> \
             replays the changes.</p>"
        );
        return;
    }
    let Ok(view) = View::read(&records.out_dir) else {
        return;
    };
    slider(page, &view);
    counters(page, &view);
}

fn slider(page: &mut String, view: &View) {
    page.push_str("<h3 id=\"moments\">At any moment: kubectl get</h3>\n");
    if view.pods.len() > MAX_SLIDER_PODS {
        let _ = writeln!(
            page,
            "<p class=\"note\">{} pods are too many to list moment by moment here; \
             <code>jobsim get OUTDIR pods --at 90s</code> prints the table at any moment, \
             and <code>--watch</code> replays the changes.</p>",
            view.pods.len()
        );
        return;
    }
    let mut times: Vec<SimTime> = view
        .pods
        .iter()
        .flat_map(|p| {
            [
                Some(p.created),
                p.scheduled,
                p.started,
                p.finished,
                p.deletion_requested,
                p.removed,
            ]
        })
        .chain(
            view.jobs
                .iter()
                .flat_map(|j| [Some(j.created), j.started, j.finished, j.deleted]),
        )
        .flatten()
        .chain(std::iter::once(view.end))
        .collect();
    times.sort_unstable();
    times.dedup();
    if times.len() > MAX_MOMENTS {
        let n = times.len();
        times = (0..MAX_MOMENTS)
            .map(|i| times[i * (n - 1) / (MAX_MOMENTS - 1)])
            .collect();
        times.dedup();
    }
    let text = |resource: Resource, t: SimTime| {
        let table = view.table(resource, t, false);
        if table.rows.is_empty() {
            super::get::NO_RESOURCES.to_string()
        } else {
            table.render()
        }
    };
    let moments: Vec<(String, String, String)> = times
        .iter()
        .map(|&t| {
            (
                format!("--at {}", at_text(t)),
                text(Resource::Jobs, t),
                text(Resource::Pods, t),
            )
        })
        .collect();
    let last = moments.len() - 1;
    let json = serde_json::to_string(&moments)
        .unwrap_or_else(|_| "[]".to_string())
        .replace("</", "<\\/");
    let _ = write!(
        page,
        "<div class=\"slider\"><label for=\"moment\">Moment</label>\
         <input id=\"moment\" type=\"range\" min=\"0\" max=\"{last}\" value=\"{last}\" step=\"1\">\
         <code id=\"moment-label\">{}</code></div>\n\
         <p class=\"note\">What <code>jobsim get jobs</code> and <code>jobsim get pods</code> \
         print at each moment something changed.</p>\n\
         <pre class=\"get\" id=\"moment-jobs\">{}</pre>\n<pre class=\"get\" id=\"moment-pods\">{}</pre>\n\
         <script type=\"application/json\" id=\"moments-data\">{json}</script>\n\
         <script>\n{SCRIPT}</script>\n",
        escape(&moments[last].0),
        escape(&moments[last].1),
        escape(&moments[last].2),
    );
}

/// `90s`, `2m5s`, `1h30m`, with milliseconds when the moment has them (`1.02s`).
fn at_text(t: SimTime) -> String {
    if t < 60_000 && !t.is_multiple_of(1000) {
        format!("{}s", crate::time::seconds_str(t).trim_end_matches('0'))
    } else {
        let s = t / 1000;
        let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
        let mut out = String::new();
        if h > 0 {
            let _ = write!(out, "{h}h");
        }
        if m > 0 {
            let _ = write!(out, "{m}m");
        }
        if s > 0 || out.is_empty() {
            let _ = write!(out, "{s}s");
        }
        out
    }
}

/// What one pod adds to its Job's counters at `t` (`[active, ready, 0, failed,
/// terminating]`; succeeded is the Job's own count).
fn pod_counts(pod: &PodView, t: SimTime) -> [u32; 5] {
    let mut c = [0u32; 5];
    let Some(state) = pod_state(pod, t) else {
        return c;
    };
    let finished = pod.finished.is_some_and(|f| f <= t);
    let terminating = state.status == "Terminating";
    if terminating {
        c[4] += 1;
    } else if !finished {
        c[0] += 1;
    }
    if state.ready > 0 && !terminating {
        c[1] += 1;
    }
    if finished && pod.phase == "Failed" && pod.reason != "Deleted" {
        c[3] += 1;
    }
    c
}

/// The five counters of one Job (`[active, ready, succeeded, failed, terminating]`) at each
/// of `times` (ascending), from its pods.
///
/// A pod's share is a step function of time that changes only at the pod's own moments
/// (every test in [`pod_state`] is `moment <= t` or `a <= t < b`), so each pod is looked at
/// only at those moments and its changes are swept in time order: linear in pods and
/// moments, where asking every pod at every moment was their product (minutes for a Job of
/// 100,000 pods).
fn counts_over(job: &JobView, pods: &[&PodView], times: &[SimTime]) -> Vec<[u32; 5]> {
    let mut changes: Vec<(SimTime, [i64; 5])> = Vec::new();
    let mut moments: Vec<SimTime> = Vec::new();
    for pod in pods {
        moments.clear();
        moments.extend(
            [
                Some(pod.created),
                pod.scheduled,
                pod.started,
                pod.finished,
                pod.deletion_requested,
                pod.removed,
            ]
            .into_iter()
            .flatten()
            .chain(pod.restart_times.iter().copied())
            .chain(pod.crash_waits.iter().flat_map(|&(a, b)| [a, b])),
        );
        moments.sort_unstable();
        moments.dedup();
        let mut before = [0u32; 5];
        for &t in &moments {
            let now = pod_counts(pod, t);
            if now != before {
                let delta = std::array::from_fn(|k| i64::from(now[k]) - i64::from(before[k]));
                changes.push((t, delta));
                before = now;
            }
        }
    }
    changes.sort_by_key(|&(t, _)| t);
    let mut successes = job.successes.clone();
    successes.sort_unstable();
    let done = |t: SimTime| job.finished.is_some_and(|f| f <= t);
    let mut sum = [0i64; 5];
    let mut next = 0;
    times
        .iter()
        .map(|&t| {
            while next < changes.len() && changes[next].0 <= t {
                for (s, d) in sum.iter_mut().zip(changes[next].1) {
                    *s += d;
                }
                next += 1;
            }
            let mut c: [u32; 5] = std::array::from_fn(|k| sum[k].max(0) as u32);
            c[2] = if done(t) {
                job.succeeded.max(0) as u32
            } else {
                successes.partition_point(|&s| s <= t) as u32
            };
            c
        })
        .collect()
}

const SERIES: [(&str, &str, &str); 5] = [
    ("active", "#0072B2", ""),
    ("ready", "#56B4E9", "6 3"),
    ("succeeded", "#009E73", ""),
    ("failed", "#D55E00", ""),
    ("terminating", "#777777", "2 3"),
];

fn counters(page: &mut String, view: &View) {
    if view.jobs.is_empty() {
        return;
    }
    page.push_str("<h3 id=\"counters\">Job counters over time</h3>\n<p class=\"note key\">");
    for (name, colour, _) in SERIES {
        let _ = write!(
            page,
            "<span><i style=\"background:{colour}\"></i>{name}</span>"
        );
    }
    page.push_str(
        "</p>\n<p class=\"note\">Pods of each Job by state, as its status counts them: \
         active (not finished, not terminating), ready (running), succeeded, failed (pods that \
         failed; pods the controller deleted are not counted here), terminating.</p>\n\
         <div class=\"counters\">\n",
    );
    for job in view.jobs.iter().take(MAX_COUNTER_JOBS) {
        let pods: Vec<&PodView> = view.pods.iter().filter(|p| p.job == job.name).collect();
        let from = job.created;
        let to = job
            .finished
            .or(job.deleted)
            .unwrap_or(view.end)
            .max(pods.iter().filter_map(|p| p.finished).max().unwrap_or(0))
            .max(from + 1);
        let mut times: Vec<SimTime> = pods
            .iter()
            .flat_map(|p| {
                [
                    Some(p.created),
                    p.started,
                    p.finished,
                    p.deletion_requested,
                    p.removed,
                ]
                .into_iter()
                .flatten()
                .chain(p.restart_times.iter().copied())
                .chain(p.crash_waits.iter().flat_map(|&(a, b)| [a, b]))
            })
            .chain([from, to])
            .chain(job.finished)
            .filter(|&t| t >= from && t <= to)
            .collect();
        times.sort_unstable();
        times.dedup();
        let values = counts_over(job, &pods, &times);
        let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
        let (w, h, left, top, bottom) = (600.0, 150.0, 34.0, 10.0, 24.0);
        let x = |t: SimTime| left + (t - from) as f64 / (to - from) as f64 * (w - left - 8.0);
        let y = |v: u32| top + (1.0 - v as f64 / max as f64) * (h - top - bottom);
        let _ = write!(
            page,
            "<figure><svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"counters of Job {}\">\
             <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>\
             <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#999\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{max}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">0</text>\
             <text x=\"{left}\" y=\"{}\" font-size=\"11\">{}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">+{}</text>",
            escape(&job.name),
            h - bottom,
            w - 8.0,
            h - bottom,
            h - bottom,
            left - 4.0,
            top + 8.0,
            left - 4.0,
            h - bottom,
            h - 6.0,
            at_text(from),
            w - 8.0,
            h - 6.0,
            format_duration(to - from),
        );
        for (k, (_, colour, dash)) in SERIES.iter().enumerate() {
            if values.iter().all(|v| v[k] == 0) {
                continue;
            }
            let mut points = String::new();
            let mut previous: Option<u32> = None;
            for (i, &t) in times.iter().enumerate() {
                let v = values[i][k];
                if let Some(p) = previous {
                    let _ = write!(points, "{:.1},{:.1} ", x(t), y(p));
                }
                let _ = write!(points, "{:.1},{:.1} ", x(t), y(v));
                previous = Some(v);
            }
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            let _ = write!(
                page,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
                points.trim_end()
            );
        }
        let _ = writeln!(
            page,
            "</svg><figcaption>{} — {}</figcaption></figure>",
            escape(&job.name),
            escape(&job.outcome)
        );
    }
    page.push_str("</div>\n");
    if view.jobs.len() > MAX_COUNTER_JOBS {
        let _ = writeln!(
            page,
            "<p class=\"note\">Counters of the first {MAX_COUNTER_JOBS} of {} Jobs shown.</p>",
            view.jobs.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_as_get_accepts_them() {
        assert_eq!(at_text(0), "0s");
        assert_eq!(at_text(1_020), "1.02s");
        assert_eq!(at_text(90_000), "1m30s");
        assert_eq!(at_text(5_400_000), "1h30m");
    }

    /// Every pod asked at every moment: what [`counts_over`] must equal.
    fn counts_by_asking_every_pod(job: &JobView, pods: &[&PodView], t: SimTime) -> [u32; 5] {
        let mut c = [0u32; 5];
        for pod in pods {
            for (s, v) in c.iter_mut().zip(pod_counts(pod, t)) {
                *s += v;
            }
        }
        c[2] = if job.finished.is_some_and(|f| f <= t) {
            job.succeeded.max(0) as u32
        } else {
            job.successes.iter().filter(|&&s| s <= t).count() as u32
        };
        c
    }

    #[test]
    fn swept_counters_equal_asking_every_pod_at_every_moment() {
        // A small linear congruential generator: pods with every mix of moments.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for round in 0..50 {
            let mut pods = Vec::new();
            for i in 0..(1 + next(30)) {
                let created = next(100) * 1000;
                let mut t = created;
                let mut later = |p: u64, next: &mut dyn FnMut(u64) -> u64| {
                    (next(100) < p).then(|| {
                        t += next(20) * 1000;
                        t
                    })
                };
                let scheduled = later(90, &mut next);
                let started = scheduled.and_then(|_| later(85, &mut next));
                let restart_times: Vec<SimTime> = if started.is_some() {
                    (0..next(3)).filter_map(|_| later(100, &mut next)).collect()
                } else {
                    Vec::new()
                };
                let crash_waits = restart_times
                    .iter()
                    .map(|&r| (r.saturating_sub(2000).max(created), r))
                    .collect();
                let deletion_requested = later(20, &mut next);
                let finished = later(80, &mut next);
                let removed = later(30, &mut next);
                let failed = next(3) == 0;
                pods.push(PodView {
                    name: format!("p{round}-{i}"),
                    job: "j".to_string(),
                    created,
                    scheduled,
                    started,
                    finished,
                    phase: if failed { "Failed" } else { "Succeeded" }.to_string(),
                    reason: if next(4) == 0 { "Deleted" } else { "" }.to_string(),
                    deletion_requested,
                    removed,
                    restart_times,
                    crash_waits,
                    containers: 1 + next(2) as u32,
                    ..PodView::default()
                });
            }
            let successes: Vec<SimTime> = pods
                .iter()
                .filter(|p| p.phase == "Succeeded")
                .filter_map(|p| p.finished)
                .collect();
            let job = JobView {
                name: "j".to_string(),
                finished: (next(2) == 0).then(|| next(200) * 1000),
                succeeded: successes.len() as i32,
                successes,
                ..JobView::default()
            };
            let refs: Vec<&PodView> = pods.iter().collect();
            let times: Vec<SimTime> = (0..400).map(|s| s * 500).collect();
            let swept = counts_over(&job, &refs, &times);
            for (i, &t) in times.iter().enumerate() {
                assert_eq!(
                    swept[i],
                    counts_by_asking_every_pod(&job, &refs, t),
                    "round {round} at {t} ms"
                );
            }
        }
    }
}
