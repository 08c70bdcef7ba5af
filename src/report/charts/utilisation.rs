//! The utilisation chart: requested CPU and memory against allocatable, per node pool, over
//! time. A pod requests its Job's `podRequests` (from `summary.json`; a CronJob's for the Jobs
//! it created) from the moment it is bound to a node until it finishes; allocatable is the sum
//! over the pool's nodes, less the nodes that are NotReady.
//!
//! It must not invent requests: a pod whose Job has no known requests counts as zero.

use super::timeline::node_outages;
use super::{Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, frame_areas, palette, step_line};
use crate::report::font;
use crate::report::records::{Resources, RunRecords};
use crate::time::SimTime;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

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

/// Requests per Job name: the Job's own, else its owning CronJob's.
fn requests_by_job(records: &RunRecords) -> BTreeMap<&str, Resources> {
    let by_cronjob: BTreeMap<&str, Resources> = records
        .summary
        .cronjobs
        .iter()
        .map(|c| (c.name.as_str(), c.pod_requests))
        .collect();
    let mut by_job: BTreeMap<&str, Resources> = BTreeMap::new();
    for job in &records.jobs {
        if let Some(r) = job.cronjob().and_then(|c| by_cronjob.get(c)) {
            by_job.insert(&job.job, *r);
        }
    }
    for job in &records.summary.jobs {
        by_job.insert(&job.name, job.pod_requests);
    }
    by_job
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
        let mut cpu_req: Vec<Vec<(SimTime, i64)>> = vec![Vec::new(); pools.len() + 1];
        let mut mem_req = cpu_req.clone();
        let requests = requests_by_job(records);
        let mut unknown_used = false;
        for pod in &records.pods {
            let (Some(node), Some(bound)) = (&pod.node, pod.scheduled.or(pod.started)) else {
                continue;
            };
            let Some(r) = requests.get(pod.job.as_str()) else {
                continue;
            };
            let pool = pool_of_node.get(node.as_str()).copied().unwrap_or_else(|| {
                unknown_used = true;
                unknown_pool
            });
            let (cpu, mem) = (r.cpu.round() as i64, r.memory.round() as i64);
            cpu_req[pool].push((bound, cpu));
            mem_req[pool].push((bound, mem));
            if let Some(finished) = pod.finished {
                cpu_req[pool].push((finished.max(bound), -cpu));
                mem_req[pool].push((finished.max(bound), -mem));
            }
        }
        let mut cpu_alloc: Vec<Vec<(SimTime, i64)>> = vec![Vec::new(); pools.len() + 1];
        let mut mem_alloc = cpu_alloc.clone();
        for node in &records.nodes {
            let pool = pool_of_node[node.node.as_str()];
            cpu_alloc[pool].push((0, node.cpu as i64));
            mem_alloc[pool].push((0, node.memory as i64));
        }
        for (node, from, to) in node_outages(records, end) {
            let Some(node) = records.nodes.iter().find(|n| n.node == node) else {
                continue;
            };
            let pool = pool_of_node[node.node.as_str()];
            cpu_alloc[pool].extend([(from, -(node.cpu as i64)), (to, node.cpu as i64)]);
            mem_alloc[pool].extend([(from, -(node.memory as i64)), (to, node.memory as i64)]);
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
        let pools = pools
            .into_iter()
            .enumerate()
            .take(MAX_POOLS)
            .map(|(i, pool)| PoolSeries {
                pool,
                cpu_requested: scaled(std::mem::take(&mut cpu_req[i]), 1000.0),
                cpu_allocatable: scaled(std::mem::take(&mut cpu_alloc[i]), 1000.0),
                memory_requested: scaled(std::mem::take(&mut mem_req[i]), GIB),
                memory_allocatable: scaled(std::mem::take(&mut mem_alloc[i]), GIB),
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
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
