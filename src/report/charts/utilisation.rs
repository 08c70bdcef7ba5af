//! The utilisation chart: requested CPU and memory against allocatable, per node pool, over
//! time. A pod requests its Job's `podRequests` (from `summary.json`; a CronJob's for the Jobs
//! it created) from the moment it is bound to a node until it finishes; allocatable is the sum
//! over the pool's nodes, less the nodes that are NotReady.
//!
//! It must not invent requests: a pod whose Job has no known requests counts as zero.

use super::timeline::node_outages;
use super::{
    Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, frame_areas, palette, step_line,
    step_line_sorted,
};
use crate::record::schema::PodRequests;
use crate::report::font;
use crate::report::names::Name;
use crate::report::records::RunRecords;
use crate::time::SimTime;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

const MAX_POINTS: usize = 2000;
/// Pools drawn; more are rare and would make the chart unreadable.
const MAX_POOLS: usize = 6;
const POOL_COLOURS: [RGBColor; 6] = [
    palette::BLUE,
    palette::ORANGE,
    palette::BLUISH_GREEN,
    palette::REDDISH_PURPLE,
    palette::SKY_BLUE,
    palette::BLACK,
];
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// One pool's series: CPU in cores, memory in GiB.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSeries {
    pub pool: String,
    pub cpu_requested: Vec<(SimTime, f64)>,
    pub cpu_allocatable: Vec<(SimTime, f64)>,
    pub memory_requested: Vec<(SimTime, f64)>,
    pub memory_allocatable: Vec<(SimTime, f64)>,
}

#[derive(Debug, Clone)]
pub struct UtilisationChart {
    pub frame: Frame,
    pub pools: Vec<PoolSeries>,
}

/// Requests per Job: the Job's own, else its owning CronJob's. `requests[by_job[name index]]`,
/// `u32::MAX` where unknown (4 bytes per name, for runs with half a million Jobs).
struct JobRequests {
    requests: Vec<PodRequests>,
    by_job: Vec<u32>,
}

impl JobRequests {
    fn new(records: &RunRecords) -> JobRequests {
        let names = &records.names;
        let summary = &records.summary;
        // The CronJobs' requests first, then the summary's Jobs'.
        let requests: Vec<PodRequests> = summary
            .cronjobs
            .iter()
            .map(|c| c.pod_requests)
            .chain(summary.jobs.iter().map(|j| j.pod_requests))
            .collect();
        let by_cronjob: BTreeMap<&str, u32> = summary
            .cronjobs
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i as u32))
            .collect();
        let mut by_job = vec![u32::MAX; names.len()];
        for job in &records.jobs {
            if let Some(&r) = job.cronjob(names).and_then(|c| by_cronjob.get(c)) {
                by_job[job.job.index()] = r;
            }
        }
        for (i, job) in summary.jobs.iter().enumerate() {
            if let Some(name) = names.get(&job.name) {
                by_job[name.index()] = (summary.cronjobs.len() + i) as u32;
            }
        }
        JobRequests { requests, by_job }
    }

    fn of(&self, job: Name) -> Option<PodRequests> {
        self.requests
            .get(*self.by_job.get(job.index())? as usize)
            .copied()
    }
}

impl UtilisationChart {
    pub fn build(records: &RunRecords, frame: &Frame) -> UtilisationChart {
        let end = frame.end;
        let mut pools: Vec<String> = Vec::new();
        let mut pool_of_node: BTreeMap<&str, usize> = BTreeMap::new();
        for node in &records.nodes {
            let pool = pools
                .iter()
                .position(|p| *p == node.pool)
                .unwrap_or_else(|| {
                    pools.push(node.pool.clone());
                    pools.len() - 1
                });
            pool_of_node.insert(&node.node, pool);
        }
        let unknown_pool = pools.len();
        // The pool of each node a pod names, by name index.
        let mut pool_of_name: Vec<u32> = vec![u32::MAX; records.names.len()];
        for (node, &pool) in &pool_of_node {
            if let Some(name) = records.names.get(node) {
                pool_of_name[name.index()] = pool as u32;
            }
        }
        let requests = JobRequests::new(records);
        // Each bound pod with known requests: (pool, bound, finished, requests).
        let requesting = || {
            records.pods.iter().filter_map(|pod| {
                let (Some(node), Some(bound)) = (pod.node, pod.scheduled().or(pod.started()))
                else {
                    return None;
                };
                let r = requests.of(pod.job)?;
                let pool = match pool_of_name[node.index()] {
                    u32::MAX => unknown_pool,
                    pool => pool as usize,
                };
                Some((pool, bound, pod.finished().map(|f| f.max(bound)), r))
            })
        };
        let unknown_used = requesting().any(|(pool, ..)| pool == unknown_pool);
        let mut alloc: Vec<(Changes, Changes)> = vec![(Vec::new(), Vec::new()); pools.len() + 1];
        for node in &records.nodes {
            let (cpu, mem) = &mut alloc[pool_of_node[node.node.as_str()]];
            cpu.push((0, node.cpu));
            mem.push((0, node.memory));
        }
        for (node, from, to) in node_outages(records, end) {
            let Some(node) = records.nodes.iter().find(|n| n.node == node) else {
                continue;
            };
            let (cpu, mem) = &mut alloc[pool_of_node[node.node.as_str()]];
            cpu.extend([(from, -(node.cpu)), (to, node.cpu)]);
            mem.extend([(from, -(node.memory)), (to, node.memory)]);
        }
        if unknown_used {
            pools.push("(unknown pool)".to_string());
        }
        let scaled = |changes: Vec<(SimTime, i64)>, unit: f64| -> Vec<(SimTime, f64)> {
            step_line(changes, end, MAX_POINTS)
                .into_iter()
                .map(|(t, v)| (t, v / unit))
                .collect()
        };
        // One pool at a time, so a run of a million pods holds one pool's bind and release
        // times (8 bytes each) and nothing more.
        let pools = pools
            .into_iter()
            .enumerate()
            .take(MAX_POOLS)
            .map(|(i, pool)| {
                let requested = RequestTimes::new(requesting().filter(|p| p.0 == i));
                let line = |changes, unit| {
                    step_line_sorted(changes, end, MAX_POINTS)
                        .into_iter()
                        .map(|(t, v)| (t, v / unit))
                        .collect()
                };
                PoolSeries {
                    pool,
                    cpu_requested: line(requested.changes(|(cpu, _)| cpu), 1000.0),
                    cpu_allocatable: scaled(std::mem::take(&mut alloc[i].0), 1000.0),
                    memory_requested: line(requested.changes(|(_, memory)| memory), GIB),
                    memory_allocatable: scaled(std::mem::take(&mut alloc[i].1), GIB),
                }
            })
            .collect();
        UtilisationChart {
            frame: frame.clone(),
            pools,
        }
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut items = Vec::new();
        for (i, pool) in self.pools.iter().enumerate() {
            items.push(LegendItem::new(
                &format!("{}: requested", pool.pool),
                Swatch::Line(POOL_COLOURS[i]),
            ));
            items.push(LegendItem::new(
                &format!("{}: allocatable", pool.pool),
                Swatch::Dashed(POOL_COLOURS[i]),
            ));
        }
        items
    }
}

/// `(time, change)` steps of a series.
type Changes = Vec<(SimTime, i64)>;

/// One distinct request (CPU millicores, memory bytes, rounded) and when pods holding it were
/// bound and released, each list sorted.
type RequestClass = ((i64, i64), Vec<SimTime>, Vec<SimTime>);

/// Pods' requests as bind and release times, grouped by the request (CPU millicores, memory
/// bytes, rounded) and sorted: a few distinct requests, many pods.
struct RequestTimes {
    /// `(request, bound, released)`, times sorted.
    classes: Vec<RequestClass>,
}

impl RequestTimes {
    fn new(
        pods: impl Iterator<Item = (usize, SimTime, Option<SimTime>, PodRequests)> + Clone,
    ) -> RequestTimes {
        let request = |r: &PodRequests| (r.cpu, r.memory);
        // Count first, so each list is allocated once at its size.
        let mut sizes: BTreeMap<(i64, i64), (usize, usize)> = BTreeMap::new();
        for (_, _, released, r) in pods.clone() {
            let size = sizes.entry(request(&r)).or_default();
            size.0 += 1;
            size.1 += usize::from(released.is_some());
        }
        let position: BTreeMap<(i64, i64), usize> =
            sizes.keys().enumerate().map(|(i, &k)| (k, i)).collect();
        let mut classes: Vec<RequestClass> = sizes
            .into_iter()
            .map(|(k, (up, down))| (k, Vec::with_capacity(up), Vec::with_capacity(down)))
            .collect();
        for (_, bound, released, r) in pods {
            let class = &mut classes[position[&request(&r)]];
            class.1.push(bound);
            class.2.extend(released);
        }
        for (_, bound, released) in &mut classes {
            bound.sort_unstable();
            released.sort_unstable();
        }
        RequestTimes { classes }
    }

    /// The changes of one resource (picked from the request), in time order.
    fn changes(&self, amount: fn((i64, i64)) -> i64) -> impl Iterator<Item = (SimTime, i64)> + '_ {
        let lists: Vec<(&[SimTime], i64)> = self
            .classes
            .iter()
            .flat_map(|(request, bound, released)| {
                let a = amount(*request);
                [(bound.as_slice(), a), (released.as_slice(), -a)]
            })
            .collect();
        let mut cursors = vec![0usize; lists.len()];
        let mut heads: BinaryHeap<Reverse<(SimTime, usize)>> = lists
            .iter()
            .enumerate()
            .filter_map(|(i, (times, _))| Some(Reverse((*times.first()?, i))))
            .collect();
        std::iter::from_fn(move || {
            let Reverse((t, i)) = heads.pop()?;
            cursors[i] += 1;
            if let Some(&next) = lists[i].0.get(cursors[i]) {
                heads.push(Reverse((next, i)));
            }
            Some((t, lists[i].1))
        })
    }
}

fn peak(series: &[(SimTime, f64)]) -> f64 {
    series.iter().map(|p| p.1).fold(0.0, f64::max)
}

impl Chart for UtilisationChart {
    fn name(&self) -> &'static str {
        "utilisation"
    }

    fn title(&self) -> String {
        self.frame.title("Requested vs allocatable")
    }

    fn size(&self) -> (u32, u32) {
        let legend = super::legend_height(&self.legend(), WIDTH - 32);
        (WIDTH, 640 + legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame_areas(root, &self.title(), &self.legend())?;
        let (_, height) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically(height / 2);
        let scale = self.frame.scale;
        let x = |t: SimTime| scale.x(t);
        type Pick = fn(&PoolSeries) -> (&Vec<(SimTime, f64)>, &Vec<(SimTime, f64)>);
        let panels: [(&DrawingArea<DB, Shift>, &str, &str, Pick); 2] = [
            (&top, "CPU", "cores", |p| {
                (&p.cpu_requested, &p.cpu_allocatable)
            }),
            (&bottom, "Memory", "GiB", |p| {
                (&p.memory_requested, &p.memory_allocatable)
            }),
        ];
        for (area, caption, unit, pick) in panels {
            let y_max = self
                .pools
                .iter()
                .map(|p| {
                    let (r, a) = pick(p);
                    peak(r).max(peak(a))
                })
                .fold(0.0, f64::max);
            let mut chart = ChartBuilder::on(area)
                .caption(caption, (font::FAMILY, 15))
                .margin_right(10)
                .x_label_area_size(40)
                .y_label_area_size(64)
                .build_cartesian_2d(self.frame.x_range(), 0.0..(y_max * 1.1).max(0.1))?;
            chart
                .configure_mesh()
                .x_desc(scale.label())
                .y_desc(unit)
                .x_label_formatter(&|v| super::tick(*v))
                .y_label_formatter(&|v| super::tick(*v))
                .label_style((font::FAMILY, 12))
                .axis_desc_style((font::FAMILY, 13))
                .light_line_style(RGBColor(240, 240, 240))
                .max_light_lines(2)
                .draw()?;
            for (i, pool) in self.pools.iter().enumerate() {
                let (requested, allocatable) = pick(pool);
                let colour = POOL_COLOURS[i];
                chart.draw_series(AreaSeries::new(
                    requested.iter().map(|&(t, v)| (x(t), v)),
                    0.0,
                    colour.mix(0.15),
                ))?;
                chart.draw_series(LineSeries::new(
                    requested.iter().map(|&(t, v)| (x(t), v)),
                    colour.stroke_width(2),
                ))?;
                if allocatable.iter().any(|p| p.1 > 0.0) {
                    chart.draw_series(DashedLineSeries::new(
                        allocatable.iter().map(|&(t, v)| (x(t), v)),
                        14,
                        6,
                        colour.stroke_width(2),
                    ))?;
                }
            }
            // Say what a flat line or a line above allocatable means, on the panel itself.
            let note = if self.pools.iter().all(|p| peak(pick(p).0) == 0.0) {
                Some(format!(
                    "no pod requests {} (set resources.requests in the pod template to see it here)",
                    caption.to_lowercase()
                ))
            } else if self.pools.iter().any(|p| {
                let (requested, allocatable) = pick(p);
                above(requested, allocatable)
            }) {
                Some(
                    "requested above allocatable: pods bound to a NotReady node still hold their \
                     requests until they are deleted (evicted after the toleration)"
                        .to_string(),
                )
            } else {
                None
            };
            if let Some(note) = note {
                let (nx, ny) = chart.backend_coord(&(self.frame.x_range().start, y_max * 1.1));
                let style = (font::FAMILY, 13).into_font().color(&palette::BLACK);
                area.draw(&Text::new(note, (nx + 8, ny + 6), style))?;
            }
        }
        Ok(())
    }
}

/// The level of a step line at `t` (its last point at or before `t`).
fn level_at(series: &[(SimTime, f64)], t: SimTime) -> f64 {
    let i = series.partition_point(|p| p.0 <= t);
    if i == 0 { 0.0 } else { series[i - 1].1 }
}

/// True when `requested` rises above `allocatable` at some moment (allocatable known).
fn above(requested: &[(SimTime, f64)], allocatable: &[(SimTime, f64)]) -> bool {
    !allocatable.is_empty()
        && requested
            .iter()
            .any(|&(t, v)| v > level_at(allocatable, t) + 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_above_allocatable_is_found_and_explained() {
        // 4 cores allocatable drop to 2 at 10 s (a node NotReady); 3 cores stay requested.
        let allocatable = vec![(0, 4.0), (10_000, 4.0), (10_000, 2.0), (20_000, 2.0)];
        let requested = vec![(0, 3.0), (20_000, 3.0)];
        assert!(!above(&requested[..1], &allocatable));
        assert!(above(&requested, &allocatable));
        let records = crate::report::read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report/parallel"),
        )
        .unwrap();
        let svg = |records: &RunRecords| {
            let chart = UtilisationChart::build(records, &Frame::new(records));
            super::super::render(&chart).unwrap().svg
        };
        // The fixture's pods request CPU and memory: no note.
        assert!(!svg(&records).contains("no pod requests"));
        // Without requests each panel says so instead of drawing a bare flat 0.
        let mut bare = records.clone();
        bare.summary.jobs[0].pod_requests = Default::default();
        let text = svg(&bare);
        assert!(text.contains("no pod requests cpu") && text.contains("no pod requests memory"));
    }
    use crate::report::read_run;
    use std::path::Path;

    fn chart(case: &str) -> UtilisationChart {
        let records = read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/report")
                .join(case),
        )
        .unwrap();
        UtilisationChart::build(&records, &Frame::new(&records))
    }

    #[test]
    fn three_pods_of_half_a_core_request_one_and_a_half_of_twelve() {
        let chart = chart("parallel");
        assert_eq!(chart.pools.len(), 1);
        assert_eq!(peak(&chart.pools[0].cpu_requested), 1.5);
        assert_eq!(peak(&chart.pools[0].cpu_allocatable), 12.0);
        assert_eq!(peak(&chart.pools[0].memory_requested), 0.75);
    }

    #[test]
    fn cronjob_pods_use_their_cronjob_requests_and_outages_cut_allocatable() {
        let chart = chart("cronjob");
        let pools: Vec<&str> = chart.pools.iter().map(|p| p.pool.as_str()).collect();
        assert_eq!(pools, ["general", "spot"]);
        assert_eq!(peak(&chart.pools[0].cpu_requested), 0.1);
        // worker-1 (the only spot node) is NotReady from 130 s to 170 s.
        let spot = &chart.pools[1].cpu_allocatable;
        assert!(
            spot.contains(&(130_000, 0.0)) && spot.contains(&(170_000, 1.0)),
            "{spot:?}"
        );
    }
}
