//! The files of a sweep: `sweep.csv` (one row per run, in canonical order), `aggregate.csv`
//! (one row per variant) and `sweep.json` (what the folder holds: the sweep's hash, the
//! jobsim version, which part of the sweep, whether it is complete).
//!
//! A whole sweep, a shard and an interrupted sweep write the same `sweep.csv` columns; only
//! a complete whole sweep (or a merge of all its parts) writes `aggregate.csv`. The
//! aggregates are computed from the cells of `sweep.csv` as written, so the sweep, a merge
//! of its shards and a resumed sweep give the same bytes. [`merge`] checks that the parts
//! belong together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Part;
use super::metrics::METRICS;

/// `sweep.json`'s `kind`.
pub const META_KIND: &str = "jobsim-sweep";
/// The file names.
pub const SWEEP_CSV: &str = "sweep.csv";
/// Per-variant statistics.
pub const AGGREGATE_CSV: &str = "aggregate.csv";
/// What the folder holds.
pub const SWEEP_JSON: &str = "sweep.json";

/// The statistics `aggregate.csv` gives for each metric, in column order.
pub const STATISTICS: [&str; 7] = ["mean", "p50", "p90", "p95", "p99", "min", "max"];

/// One run's row: its canonical index and its line of `sweep.csv`. A row is kept as the
/// one line of text it is written as (a sweep of 10,000 runs keeps 10,000 short strings,
/// not 10,000 vectors of cells); [`Row::cells`] reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Canonical index.
    pub run: u64,
    /// The CSV record, without its line end; the first cell is the run index.
    pub line: String,
    /// Events the run processed, for `--stats` (not written: 0 in a row read from a file).
    pub events: u64,
}

impl Row {
    /// A row of these cells.
    pub fn new<S: AsRef<[u8]>>(run: u64, cells: impl IntoIterator<Item = S>, events: u64) -> Row {
        let mut bytes = csv_bytes_of(cells);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        Row {
            run,
            line: String::from_utf8(bytes).expect("UTF-8 cells"),
            events,
        }
    }

    /// Its cells.
    pub fn cells(&self) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(self.line.as_bytes());
        match reader.records().next() {
            Some(Ok(r)) => r.iter().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

/// One CSV record with its line end.
fn csv_bytes_of<S: AsRef<[u8]>>(cells: impl IntoIterator<Item = S>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(cells).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// `sweep.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Meta {
    /// Always [`META_KIND`].
    pub kind: String,
    /// The jobsim that ran it.
    pub jobsim_version: String,
    /// The sweep's identity.
    pub hash: String,
    /// The input files, as given.
    pub inputs: Vec<String>,
    /// The varied fields and their values.
    pub vary: Vec<MetaVary>,
    /// The fields set for every run.
    pub set: Vec<String>,
    /// Seeds per variant.
    pub seeds: u64,
    /// Variants.
    pub variants: u64,
    /// Runs in the whole sweep.
    pub runs: u64,
    /// The metric of the charts.
    pub metric: String,
    /// Which runs this folder is for.
    pub part: Part,
    /// Whether every run of the part is in `sweep.csv` (false after an interruption).
    pub complete: bool,
}

/// A varied field in `sweep.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaVary {
    /// The path.
    pub path: String,
    /// Its values, as shown.
    pub values: Vec<String>,
}

/// The bytes of a sweep folder's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// `sweep.csv`.
    pub sweep_csv: Vec<u8>,
    /// `aggregate.csv`, for a complete whole sweep only.
    pub aggregate_csv: Option<Vec<u8>>,
    /// `sweep.json`.
    pub sweep_json: Vec<u8>,
}

/// Why a sweep folder cannot be read or parts cannot be merged.
#[allow(missing_docs)] // each message says what its fields are
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A file cannot be read.
    #[error("{}: cannot read", .0.display())]
    Read(PathBuf, #[source] std::io::Error),
    /// A file is not what a sweep writes.
    #[error("{}: not a sweep's file: {}", .0.display(), .1)]
    Format(PathBuf, String),
    /// The parts are of different sweeps (or jobsim versions).
    #[error("{}: {what} {theirs}, but {} has {ours}: not a part of the same sweep", dir.display(), first.display())]
    Mismatch {
        dir: PathBuf,
        first: PathBuf,
        what: &'static str,
        theirs: String,
        ours: String,
    },
    /// A part was interrupted.
    #[error("{}: {part} was interrupted ({done} of its {expected} runs); finish it with --resume {}", dir.display(), dir.display())]
    Incomplete {
        dir: PathBuf,
        part: Part,
        done: usize,
        expected: usize,
    },
    /// A part's rows are not the runs its part names.
    #[error("{}: sweep.csv does not hold the runs of {part}", dir.display())]
    WrongRuns { dir: PathBuf, part: Part },
    /// One run is in two parts.
    #[error("run {run} is in both {} and {}: give each part once", a.display(), b.display())]
    Overlap { run: u64, a: PathBuf, b: PathBuf },
    /// Runs are missing.
    #[error("missing {0}: merge needs every part of the sweep")]
    Missing(String),
}

/// Writes CSV records.
fn csv_bytes<'a>(records: impl IntoIterator<Item = &'a [String]>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for r in records {
        w.write_record(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// A header and rows as `sweep.csv`.
fn sweep_bytes(header: &[String], rows: &[Row]) -> Vec<u8> {
    let mut bytes = csv_bytes(std::iter::once(header));
    for r in rows {
        bytes.extend_from_slice(r.line.as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

/// The files of a part of a sweep: `rows` sorted by run; `aggregate.csv` when `meta` is a
/// complete whole sweep.
pub fn files(meta: &Meta, header: &[String], rows: &mut [Row]) -> Files {
    rows.sort_by_key(|r| r.run);
    let sweep_csv = sweep_bytes(header, rows);
    let aggregate_csv = (meta.part == Part::All && meta.complete).then(|| {
        let (h, a) = aggregate(header, rows, meta.seeds);
        csv_bytes(std::iter::once(&h[..]).chain(a.iter().map(|r| &r[..])))
    });
    let mut sweep_json = serde_json::to_vec_pretty(meta).expect("plain data");
    sweep_json.push(b'\n');
    Files {
        sweep_csv,
        aggregate_csv,
        sweep_json,
    }
}

/// Writes `files` into `dir`.
pub fn write_files(dir: &Path, files: &Files) -> std::io::Result<()> {
    std::fs::write(dir.join(SWEEP_CSV), &files.sweep_csv)?;
    if let Some(a) = &files.aggregate_csv {
        std::fs::write(dir.join(AGGREGATE_CSV), a)?;
    }
    std::fs::write(dir.join(SWEEP_JSON), &files.sweep_json)
}

/// Where the columns of a `sweep.csv` header are.
struct Columns {
    /// The cells that name a variant: `scenario` and the varied fields.
    variant: std::ops::Range<usize>,
    all_complete: usize,
    metrics: std::ops::Range<usize>,
}

fn columns(header: &[String]) -> Option<Columns> {
    let seed = header.iter().position(|c| c == "seed")?;
    let all_complete = seed + 1;
    let first = all_complete + 1;
    let names_ok = header.first().map(String::as_str) == Some("run")
        && header.get(1).map(String::as_str) == Some("scenario")
        && header.get(all_complete).map(String::as_str) == Some("all_complete")
        && METRICS
            .iter()
            .enumerate()
            .all(|(i, m)| header.get(first + i).map(String::as_str) == Some(m.name));
    names_ok.then(|| Columns {
        variant: 1..seed,
        all_complete,
        metrics: first..first + METRICS.len(),
    })
}

/// The `p`-th percentile of sorted `values` by nearest rank: the smallest value with at
/// least p % of the values at or below it.
pub fn nearest_rank(sorted: &[f64], p: u64) -> f64 {
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).max(1);
    sorted[(rank - 1) as usize]
}

/// `aggregate.csv`'s header and rows: per variant (runs `v·seeds … (v+1)·seeds − 1`), the
/// variant's cells, the runs, the share of runs with `all_complete`, and for each metric
/// the mean, p50, p90, p95, p99 (nearest rank), min and max over the runs that have a value
/// (empty when none has). `rows` must be sorted by run.
pub fn aggregate(header: &[String], rows: &[Row], seeds: u64) -> (Vec<String>, Vec<Vec<String>>) {
    let cols = columns(header).expect("a header this module wrote");
    let mut h = vec!["variant".to_string()];
    h.extend(header[cols.variant.clone()].iter().cloned());
    h.push("runs".into());
    h.push("success_rate".into());
    for m in METRICS {
        h.extend(STATISTICS.iter().map(|s| format!("{}_{s}", m.name)));
    }
    // One variant at a time, keeping of each row only the figures (rows are in run order,
    // so a variant's runs are next to each other).
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let v = rows[i].run / seeds.max(1);
        let mut variant_cells = Vec::new();
        let mut runs = 0usize;
        let mut ok = 0usize;
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); METRICS.len()];
        while i < rows.len() && rows[i].run / seeds.max(1) == v {
            let cells = rows[i].cells();
            if runs == 0 {
                variant_cells = cells[cols.variant.clone()].to_vec();
            }
            runs += 1;
            ok += usize::from(cells[cols.all_complete] == "true");
            for (m, c) in cols.metrics.clone().enumerate() {
                if let Ok(x) = cells[c].parse::<f64>() {
                    values[m].push(x);
                }
            }
            i += 1;
        }
        let mut cells = vec![v.to_string()];
        cells.extend(variant_cells);
        cells.push(runs.to_string());
        cells.push(format!("{:.4}", ok as f64 / runs as f64));
        for (m, metric) in METRICS.iter().enumerate() {
            cells.extend(statistics(&values[m], metric.decimals + 1));
        }
        out.push(cells);
    }
    (h, out)
}

/// Mean, p50, p90, p95, p99, min, max of `values` (summed in order), with `decimals`.
fn statistics(values: &[f64], decimals: usize) -> Vec<String> {
    if values.is_empty() {
        return vec![String::new(); STATISTICS.len()];
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q = |p| nearest_rank(&sorted, p);
    [
        mean,
        q(50),
        q(90),
        q(95),
        q(99),
        sorted[0],
        sorted[sorted.len() - 1],
    ]
    .iter()
    .map(|v| format!("{v:.decimals$}"))
    .collect()
}

/// A sweep folder as read back: its `sweep.json`, header and rows.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// `sweep.json`.
    pub meta: Meta,
    /// `sweep.csv`'s header.
    pub header: Vec<String>,
    /// Its rows.
    pub rows: Vec<Row>,
}

/// Reads a folder a sweep wrote.
pub fn read_folder(dir: &Path) -> Result<Folder, TableError> {
    let json = dir.join(SWEEP_JSON);
    let text = std::fs::read(&json).map_err(|e| TableError::Read(json.clone(), e))?;
    let meta: Meta = serde_json::from_slice(&text)
        .map_err(|e| TableError::Format(json.clone(), e.to_string()))?;
    if meta.kind != META_KIND {
        return Err(TableError::Format(json, format!("kind {:?}", meta.kind)));
    }
    let csv_path = dir.join(SWEEP_CSV);
    let bytes = std::fs::read(&csv_path).map_err(|e| TableError::Read(csv_path.clone(), e))?;
    let bad = |why: String| TableError::Format(csv_path.clone(), why);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(bad(e.to_string())),
        None => return Err(bad("empty".into())),
    };
    if columns(&header).is_none() {
        return Err(bad("its header is not a sweep's".into()));
    }
    let mut rows = Vec::new();
    for r in records {
        let r = r.map_err(|e| bad(e.to_string()))?;
        let cells: Vec<String> = r.iter().map(str::to_string).collect();
        let run = cells[0]
            .parse::<u64>()
            .ok()
            .filter(|&k| k < meta.runs && meta.part.contains(k))
            .ok_or_else(|| bad(format!("run {:?} is not a run of {}", cells[0], meta.part)))?;
        if cells.len() != header.len() {
            return Err(bad(format!("run {run} has {} cells", cells.len())));
        }
        rows.push(Row::new(run, &cells, 0));
    }
    Ok(Folder {
        dir: dir.to_path_buf(),
        meta,
        header,
        rows,
    })
}

/// Merges the parts of one sweep into the files the whole sweep writes. Refuses parts of
/// different sweeps or jobsim versions, interrupted parts, a run given twice and missing
/// runs (naming the missing shards when the parts are shards of one split).
pub fn merge(parts: Vec<Folder>) -> Result<(Meta, Vec<String>, Vec<Row>), TableError> {
    let Some(first) = parts.first() else {
        return Err(TableError::Missing("every part: no folder given".into()));
    };
    let (first_dir, meta0, header) = (first.dir.clone(), first.meta.clone(), first.header.clone());
    let mut runs: BTreeMap<u64, (Row, PathBuf)> = BTreeMap::new();
    let mut shard_counts = Vec::new();
    let mut shard_indexes = Vec::new();
    let n_parts = parts.len();
    for p in parts {
        let mismatch = |what, theirs: String, ours: String| TableError::Mismatch {
            dir: p.dir.clone(),
            first: first_dir.clone(),
            what,
            theirs,
            ours,
        };
        if p.meta.hash != meta0.hash {
            return Err(mismatch(
                "sweep hash",
                p.meta.hash.clone(),
                meta0.hash.clone(),
            ));
        }
        if p.meta.jobsim_version != meta0.jobsim_version {
            return Err(mismatch(
                "jobsim version",
                p.meta.jobsim_version.clone(),
                meta0.jobsim_version.clone(),
            ));
        }
        if p.header != header || p.meta.runs != meta0.runs || p.meta.seeds != meta0.seeds {
            return Err(mismatch("columns", p.header.join(","), header.join(",")));
        }
        let expected = p.meta.part.runs(p.meta.runs);
        if !p.meta.complete {
            return Err(TableError::Incomplete {
                dir: p.dir,
                part: p.meta.part,
                done: p.rows.len(),
                expected: expected.len(),
            });
        }
        let mut have: Vec<u64> = p.rows.iter().map(|r| r.run).collect();
        have.sort();
        if have != expected {
            return Err(TableError::WrongRuns {
                dir: p.dir,
                part: p.meta.part,
            });
        }
        if let Part::Shard { index, count } = p.meta.part {
            shard_counts.push(count);
            shard_indexes.push(index);
        }
        for r in p.rows {
            if let Some((_, other)) = runs.get(&r.run) {
                return Err(TableError::Overlap {
                    run: r.run,
                    a: other.clone(),
                    b: p.dir.clone(),
                });
            }
            runs.insert(r.run, (r, p.dir.clone()));
        }
    }
    let missing: Vec<u64> = (0..meta0.runs).filter(|k| !runs.contains_key(k)).collect();
    if !missing.is_empty() {
        // Parts that are all shards of one split: name the shards that are missing.
        let one_split =
            shard_counts.len() == n_parts && shard_counts.iter().all(|&c| c == shard_counts[0]);
        let text = if one_split {
            let n = shard_counts[0];
            let absent: Vec<String> = (1..=n)
                .filter(|i| !shard_indexes.contains(i))
                .map(|i| format!("{i}/{n}"))
                .collect();
            format!(
                "shard{} {}",
                if absent.len() == 1 { "" } else { "s" },
                absent.join(", ")
            )
        } else {
            let shown: Vec<String> = missing.iter().take(10).map(u64::to_string).collect();
            format!(
                "{} of {} runs ({}{})",
                missing.len(),
                meta0.runs,
                shown.join(", "),
                if missing.len() > 10 { ", …" } else { "" }
            )
        };
        return Err(TableError::Missing(text));
    }
    let meta = Meta {
        part: Part::All,
        complete: true,
        ..meta0
    };
    Ok((meta, header, runs.into_values().map(|(r, _)| r).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&v, 50), 5.0);
        assert_eq!(nearest_rank(&v, 90), 9.0);
        assert_eq!(nearest_rank(&v, 95), 10.0);
        assert_eq!(nearest_rank(&v, 0), 1.0);
        assert_eq!(nearest_rank(&[3.0], 99), 3.0);
    }

    fn header() -> Vec<String> {
        let mut h: Vec<String> = ["run", "scenario", "x", "seed", "all_complete"]
            .map(String::from)
            .to_vec();
        h.extend(METRICS.iter().map(|m| m.name.to_string()));
        h
    }

    fn row(run: u64, x: &str, ok: bool, makespan: &str) -> Row {
        let mut cells = vec![
            run.to_string(),
            "a.yaml".into(),
            x.into(),
            (1 + run % 2).to_string(),
            ok.to_string(),
        ];
        cells.push(makespan.into());
        cells.extend(std::iter::repeat_n(String::new(), METRICS.len() - 1));
        Row::new(run, &cells, 0)
    }

    #[test]
    fn aggregates_group_runs_by_variant_and_count_successes() {
        let rows = [
            row(0, "1", true, "10.000"),
            row(1, "1", false, "30.000"),
            row(2, "2", true, ""),
            row(3, "2", true, ""),
        ];
        let (h, a) = aggregate(&header(), &rows, 2);
        assert_eq!(
            &h[..5],
            ["variant", "scenario", "x", "runs", "success_rate"]
        );
        assert_eq!(&a[0][..5], ["0", "a.yaml", "1", "2", "0.5000"]);
        let at = |name: &str| h.iter().position(|c| c == name).unwrap();
        assert_eq!(a[0][at("makespan_mean")], "20.0000");
        assert_eq!(a[0][at("makespan_p50")], "10.0000");
        assert_eq!(a[0][at("makespan_max")], "30.0000");
        assert_eq!(a[1][at("success_rate")], "1.0000");
        assert_eq!(a[1][at("makespan_mean")], "", "no run has a value");
    }

    fn folder(dir: &str, part: Part, rows: Vec<Row>, hash: &str) -> Folder {
        Folder {
            dir: dir.into(),
            meta: Meta {
                kind: META_KIND.into(),
                jobsim_version: "1".into(),
                hash: hash.into(),
                inputs: vec![],
                vary: vec![],
                set: vec![],
                seeds: 2,
                variants: 2,
                runs: 4,
                metric: "makespan".into(),
                part,
                complete: true,
            },
            header: header(),
            rows,
        }
    }

    fn shard(i: u64, n: u64, hash: &str) -> Folder {
        let part = Part::Shard { index: i, count: n };
        let rows = part
            .runs(4)
            .into_iter()
            .map(|k| row(k, "1", true, "1.000"))
            .collect();
        folder(&format!("s{i}"), part, rows, hash)
    }

    #[test]
    fn merge_puts_every_shards_rows_in_canonical_order() {
        let (meta, _, rows) = merge(vec![shard(2, 2, "h"), shard(1, 2, "h")]).unwrap();
        assert_eq!(meta.part, Part::All);
        assert_eq!(rows.iter().map(|r| r.run).collect::<Vec<_>>(), [0, 1, 2, 3]);
    }

    #[test]
    fn merge_refuses_another_sweep_a_missing_shard_and_a_shard_twice() {
        let e = merge(vec![shard(1, 2, "h"), shard(2, 2, "other")]).unwrap_err();
        assert!(
            e.to_string().contains("not a part of the same sweep"),
            "{e}"
        );
        let e = merge(vec![shard(1, 3, "h"), shard(3, 3, "h")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing shard 2/3: merge needs every part of the sweep"
        );
        let e = merge(vec![shard(1, 2, "h"), shard(1, 2, "h"), shard(2, 2, "h")]).unwrap_err();
        assert!(matches!(e, TableError::Overlap { run: 0, .. }), "{e}");
        let mut cut = shard(1, 2, "h");
        cut.meta.complete = false;
        cut.rows.pop();
        let e = merge(vec![cut, shard(2, 2, "h")]).unwrap_err();
        assert!(e.to_string().contains("--resume s1"), "{e}");
    }
}
