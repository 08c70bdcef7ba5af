//! The fuzz targets: how each one makes an input from a seeded random stream and the seed
//! corpus, and how it runs one input through the library. Shared by the release driver
//! (`examples/fuzz/main.rs`) and the test smoke (`tests/fuzz.rs`), so a crash found by
//! either reproduces in both.
//!
//! An input is bytes: text for the text targets; for `report` a small archive of an
//! output folder (see [`pack`]). The same `(seed, iteration)` always gives the same input.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use jobsim::record::MemorySink;
use jobsim::{FieldValidation, LoadOptions};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Every target, in the order `all` runs them.
pub const TARGETS: &[&str] = &[
    "cron", "duration", "quantity", "manifest", "scenario", "report", "vary",
];

/// The share of an `all` run's inputs or time each target gets: the fast parsers many,
/// the simulations and report folders few.
pub fn weight(target: &str) -> f64 {
    match target {
        "cron" | "duration" | "quantity" => 1.0,
        "manifest" => 0.5,
        "scenario" => 0.5,
        "vary" => 0.5,
        _ => 0.5,
    }
}

/// The file extension a saved input of `target` gets.
pub fn extension(target: &str) -> &'static str {
    match target {
        "manifest" | "scenario" => "yaml",
        "report" => "run",
        _ => "txt",
    }
}

/// The simulated time a fuzzed scenario or manifest runs for at most, in ms.
pub const SIM_HORIZON_MS: u64 = 2 * 3600 * 1000;
/// The most nodes of one pool, and the most parallelism and completions, a fuzzed
/// scenario keeps: a run must stay short, whatever the mutation asked for.
pub const SIM_MAX_NODES: u32 = 8;
pub const SIM_MAX_PODS: i32 = 40;

/// The seed inputs, read once.
pub struct Corpus {
    pub root: PathBuf,
    /// Bare manifests (and scenario files, which the manifest loader must refuse cleanly).
    pub manifests: Vec<String>,
    pub scenarios: Vec<String>,
    pub cron: Vec<String>,
    pub durations: Vec<String>,
    pub quantities: Vec<String>,
    /// `--vary PATH=VALUES` arguments.
    pub vary: Vec<String>,
    /// Output folders, each as its files (name, bytes).
    pub reports: Vec<Vec<(String, Vec<u8>)>>,
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "crashes") {
                continue;
            }
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

impl Corpus {
    /// Reads the seed corpus under the project root `root`: the shipped scenarios, the
    /// manifests of tests/data, tests/data/fuzz/corpus, and the report folders of
    /// tests/data/report.
    pub fn load(root: &Path) -> Corpus {
        let mut files = Vec::new();
        for dir in ["scenarios/seed", "scenarios/teaching", "tests/data"] {
            yaml_files(&root.join(dir), &mut files);
        }
        let mut manifests = Vec::new();
        let mut scenarios = Vec::new();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if jobsim::is_scenario_text(&text) {
                scenarios.push(text);
            } else {
                manifests.push(text);
            }
        }
        let corpus = root.join("tests/data/fuzz/corpus");
        let mut reports = Vec::new();
        let report_root = root.join("tests/data/report");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&report_root)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        dirs.sort();
        for d in dirs {
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&d)
                .map(|rd| {
                    rd.flatten()
                        .filter_map(|e| {
                            Some((
                                e.file_name().to_string_lossy().into_owned(),
                                std::fs::read(e.path()).ok()?,
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            reports.push(files);
        }
        let c = Corpus {
            root: root.to_path_buf(),
            manifests,
            scenarios,
            cron: lines(&corpus.join("cron.txt")),
            durations: lines(&corpus.join("durations.txt")),
            quantities: lines(&corpus.join("quantities.txt")),
            vary: lines(&corpus.join("vary.txt")),
            reports,
        };
        assert!(
            !c.manifests.is_empty()
                && !c.scenarios.is_empty()
                && !c.cron.is_empty()
                && !c.durations.is_empty()
                && !c.quantities.is_empty()
                && !c.vary.is_empty()
                && !c.reports.is_empty(),
            "the seed corpus under {} is incomplete",
            root.display()
        );
        c
    }
}

/// The random stream of one input: the run's seed, and the iteration as the stream number.
pub fn rng_for(seed: u64, target: &str, iteration: u64) -> ChaCha8Rng {
    let t = TARGETS.iter().position(|t| *t == target).unwrap_or(99) as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (t << 56));
    rng.set_stream(iteration);
    rng
}

fn ps(rng: &mut ChaCha8Rng, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

// ---- generators --------------------------------------------------------------------

/// Makes one input of `target`.
pub fn generate(target: &str, corpus: &Corpus, rng: &mut ChaCha8Rng) -> Vec<u8> {
    match target {
        "cron" => gen_cron(corpus, rng).into_bytes(),
        "duration" => gen_duration(corpus, rng).into_bytes(),
        "quantity" => gen_quantity(corpus, rng).into_bytes(),
        "manifest" => {
            let base = pick(rng, &corpus.manifests).clone();
            mutate_yaml(base.into_bytes(), corpus, rng)
        }
        "scenario" => {
            let base = pick(rng, &corpus.scenarios).clone();
            mutate_yaml(base.into_bytes(), corpus, rng)
        }
        "report" => gen_report(corpus, rng),
        "vary" => gen_vary(corpus, rng).into_bytes(),
        other => panic!("unknown fuzz target {other:?}"),
    }
}

/// Scalars that parsers and validators trip on.
const ODD_SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "-1",
    "0",
    "-0",
    "1e999",
    "-1e999",
    ".inf",
    "-.inf",
    ".nan",
    "NaN",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "0x7fffffff",
    "0o777",
    "1_000",
    "1.5",
    "0.0000001",
    "true",
    "yes",
    "on",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "'x'",
    "\"\\u0000\"",
    "\"\\uFFFF\"",
    "!!binary aGVsbG8=",
    "!!int 3",
    "!!float x",
    "&a 1",
    "*a",
    "*nothere",
    "<<: {x: 1}",
    "|",
    ">-",
    "2026-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1h",
    "-5m",
    "1y",
    "999999999999h",
    "100Gi",
    "1e30",
    "1Ei",
    "-1m",
    "* * * * *",
    "@every 0s",
    "TZ=Mars/Olympus * * * * *",
    "Indexed",
    "NonIndexed",
    "Never",
    "OnFailure",
    "Always",
    "FailJob",
    "Ignore",
    "Count",
    "FailIndex",
    "Failed",
    "TerminatingOrFailed",
    "Forbid",
    "Replace",
    "Allow",
    "DisruptionTarget",
    "In",
    "NotIn",
    "a/b",
    "../../x",
    "Ünïcödé",
    "\u{202e}rtl",
];

/// Tokens inserted at random places.
const TOKENS: &[&str] = &[
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "\n  ",
    "  ",
    "\t",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "'",
    "\"",
    "\\",
    "---\n",
    "\n...\n",
    "\u{feff}",
    "\0",
    "%YAML 1.2\n",
    "<<: *a\n",
    "|\n",
];

/// The mutations of a YAML text: byte flips, token insertion, deleted and duplicated
/// lines (fields), values replaced with odd scalars, splices from other corpus files,
/// deep nesting and huge numbers. One to four of them.
pub fn mutate_yaml(mut text: Vec<u8>, corpus: &Corpus, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let n = *pick(rng, &[1, 1, 1, 2, 2, 3, 4]);
    for _ in 0..n {
        let len = text.len();
        match rng.random_range(0..12) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                text[i] = if rng.random_bool(0.5) {
                    *pick(rng, b":-[]{}\n #&*!|>'\"0123456789\t")
                } else {
                    rng.random()
                };
            }
            1 => {
                let i = char_boundary(&text, rng.random_range(0..=len));
                let tok = pick(rng, TOKENS).as_bytes().to_vec();
                text.splice(i..i, tok);
            }
            2 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(0..64)).min(len);
                text.drain(a..b);
            }
            3 | 4 => {
                // Delete or duplicate a line (a field, a list item).
                let mut ls = split_lines(&text);
                if !ls.is_empty() {
                    let i = rng.random_range(0..ls.len());
                    if rng.random_bool(0.5) {
                        ls.remove(i);
                    } else {
                        let l = ls[i].clone();
                        let times = if rng.random_bool(0.9) { 1 } else { 50 };
                        for _ in 0..times {
                            ls.insert(i, l.clone());
                        }
                    }
                }
                text = ls.concat();
            }
            5..=7 => {
                // Replace the value of a `key: value` line.
                let mut ls = split_lines(&text);
                let keyed: Vec<usize> = (0..ls.len())
                    .filter(|&i| ls[i].windows(2).any(|w| w == b": ") || ls[i].ends_with(b":\n"))
                    .collect();
                if !keyed.is_empty() {
                    let i = *pick(rng, &keyed);
                    let line = ls[i].clone();
                    let at = line
                        .windows(2)
                        .position(|w| w == b": ")
                        .map(|p| p + 2)
                        .unwrap_or(line.len().saturating_sub(1));
                    let value = if rng.random_bool(0.8) {
                        pick(rng, ODD_SCALARS).to_string()
                    } else {
                        huge_number(rng)
                    };
                    let mut new = line[..at].to_vec();
                    if !new.ends_with(b" ") {
                        new.push(b' ');
                    }
                    new.extend_from_slice(value.as_bytes());
                    new.push(b'\n');
                    ls[i] = new;
                }
                text = ls.concat();
            }
            8 => {
                // Splice lines of another corpus file.
                let other = if rng.random_bool(0.5) {
                    pick(rng, &corpus.manifests)
                } else {
                    pick(rng, &corpus.scenarios)
                };
                let ol = split_lines(other.as_bytes());
                let mut ls = split_lines(&text);
                if !ol.is_empty() {
                    let a = rng.random_range(0..ol.len());
                    let b = (a + rng.random_range(1..20)).min(ol.len());
                    let at = rng.random_range(0..=ls.len());
                    ls.splice(at..at, ol[a..b].iter().cloned());
                }
                text = ls.concat();
            }
            9 => {
                // Deep nesting, flow or block.
                let depth = *pick(rng, &[10, 150, 199, 200, 201, 250, 1000, 5000]);
                let i = char_boundary(&text, rng.random_range(0..=len));
                let mut s = String::new();
                match rng.random_range(0..3) {
                    0 => {
                        s.push_str(&"[".repeat(depth));
                        s.push_str(&"]".repeat(depth));
                    }
                    1 => {
                        for d in 0..depth.min(400) {
                            s.push('\n');
                            s.push_str(&" ".repeat(d));
                            s.push_str("a:");
                        }
                        s.push_str(" 1\n");
                    }
                    _ => s.push_str(&"{a: ".repeat(depth)),
                }
                text.splice(i..i, s.into_bytes());
            }
            10 => {
                // A number somewhere becomes huge.
                if let Some(p) = text.iter().position(|b| b.is_ascii_digit()) {
                    let start = p + rng.random_range(0..(len - p).min(200));
                    if let Some(q) = text[start..].iter().position(|b| b.is_ascii_digit()) {
                        let at = start + q;
                        let end = at + text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
                        text.splice(at..end, huge_number(rng).into_bytes());
                    }
                }
            }
            _ => {
                // Truncate.
                if len > 0 {
                    text.truncate(rng.random_range(0..len));
                }
            }
        }
    }
    text
}

fn huge_number(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..5) {
        0 => u64::MAX.to_string(),
        1 => i64::MIN.to_string(),
        2 => format!("{}", rng.random::<u64>()),
        3 => "9".repeat(rng.random_range(10..400)),
        _ => format!("{}e{}", rng.random_range(1..10), rng.random_range(0..400)),
    }
}

fn split_lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn char_boundary(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && (text[i] & 0xc0) == 0x80 {
        i += 1;
    }
    i
}

fn gen_cron(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.3) {
        let mut s = pick(rng, &corpus.cron).clone().into_bytes();
        for _ in 0..rng.random_range(1..3) {
            let len = s.len();
            match rng.random_range(0..4) {
                0 if len > 0 => {
                    let i = rng.random_range(0..len);
                    s[i] = *pick(rng, b"*/-,0123456789 ?LW#HJFMSAD@=");
                }
                1 => {
                    let i = rng.random_range(0..=len);
                    let tok = pick(rng, &["*", "/", "-", ",", " ", "99999999999999999999", "0"]);
                    s.splice(i..i, tok.bytes());
                }
                2 if len > 0 => {
                    s.truncate(rng.random_range(0..len));
                }
                _ => {
                    let i = rng.random_range(0..=len);
                    s.splice(i..i, b" ".iter().copied());
                }
            }
        }
        return String::from_utf8_lossy(&s).into_owned();
    }
    let mut out = String::new();
    match rng.random_range(0..10) {
        0 => out.push_str(ps(
            rng,
            &[
                "TZ=",
                "CRON_TZ=",
                "TZ=UTC ",
                "CRON_TZ=Europe/Berlin ",
                "TZ=America/New_York ",
            ],
        )),
        1 => {
            return pick(
                rng,
                &[
                    "@yearly",
                    "@annually",
                    "@monthly",
                    "@weekly",
                    "@daily",
                    "@midnight",
                    "@hourly",
                    "@every 1h",
                    "@every 0s",
                    "@every -1s",
                    "@every 1ms",
                    "@every 99999999h",
                    "@reboot",
                    "@",
                ],
            )
            .to_string();
        }
        _ => {}
    }
    let fields = *pick(rng, &[5, 5, 5, 5, 6, 4, 7, 1, 0]);
    let names = [
        "JAN", "feb", "Dec", "MON", "sun", "SAT", "jan-mar", "mon-fri", "fri-mon",
    ];
    for f in 0..fields {
        if f > 0 {
            out.push_str(if rng.random_bool(0.95) { " " } else { "  " });
        }
        let items = rng.random_range(1..4);
        for k in 0..items {
            if k > 0 {
                out.push(',');
            }
            let num = |rng: &mut ChaCha8Rng| -> String {
                match rng.random_range(0..8) {
                    0 => rng.random_range(0..100u64).to_string(),
                    1 => huge_number(rng),
                    2 => "-1".to_string(),
                    _ => rng.random_range(0..32u64).to_string(),
                }
            };
            match rng.random_range(0..9) {
                0 => out.push('*'),
                1 => out.push('?'),
                2 => out.push_str(&num(rng)),
                3 => out.push_str(&format!("{}-{}", num(rng), num(rng))),
                4 => out.push_str(&format!("*/{}", num(rng))),
                5 => out.push_str(&format!("{}-{}/{}", num(rng), num(rng), num(rng))),
                6 => out.push_str(ps(rng, &names)),
                7 => out.push_str(&format!("{}/{}", num(rng), num(rng))),
                _ => out.push_str(ps(
                    rng,
                    &["L", "W", "#", "H", "5L", "1#2", "", "/", "-", "*/"],
                )),
            }
        }
    }
    out
}

fn gen_duration(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.3) {
        let mut s = pick(rng, &corpus.durations).clone();
        if rng.random_bool(0.5) {
            let i = rng.random_range(0..=s.len());
            let i = (i..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            s.insert_str(i, ps(rng, &["0", "9", "-", ".", " ", "h", "ms", "e9", "µ"]));
        }
        return s;
    }
    let mut out = String::new();
    if rng.random_bool(0.1) {
        out.push_str(ps(rng, &["-", "+", " ", "--"]));
    }
    for _ in 0..rng.random_range(0..5) {
        match rng.random_range(0..6) {
            0 => out.push_str(&huge_number(rng)),
            1 => out.push_str(&format!(
                "{}.{}",
                rng.random_range(0..1000),
                rng.random_range(0..100000)
            )),
            2 => out.push_str(ps(rng, &[".5", "5.", ".", "0", "00", "1e3", "0x10"])),
            _ => out.push_str(&rng.random_range(0..100000u64).to_string()),
        }
        out.push_str(ps(
            rng,
            &[
                "ms", "s", "m", "h", "d", "us", "µs", "ns", "mo", "y", "w", "", " ", "S", "H",
                "min", "sec",
            ],
        ));
    }
    out
}

fn gen_quantity(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.3) {
        let mut s = pick(rng, &corpus.quantities).clone();
        if rng.random_bool(0.5) {
            let i = rng.random_range(0..=s.len());
            let i = (i..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            s.insert_str(
                i,
                ps(rng, &["0", "9", "-", ".", " ", "e", "E", "i", "Ki", "+"]),
            );
        }
        return s;
    }
    let mut out = String::new();
    if rng.random_bool(0.2) {
        out.push_str(ps(rng, &["-", "+", " ", "+-"]));
    }
    match rng.random_range(0..4) {
        0 => out.push_str(&huge_number(rng)),
        1 => out.push_str(&format!(
            "{}.{}",
            rng.random_range(0..10000),
            rng.random_range(0..1_000_000)
        )),
        2 => out.push_str(ps(rng, &[".5", "5.", ".", "", "0", "0.000000001"])),
        _ => out.push_str(&rng.random_range(0..100000u64).to_string()),
    }
    if rng.random_bool(0.3) {
        out.push_str(ps(rng, &["e", "E", "e-"]));
        out.push_str(&rng.random_range(-30..400i64).to_string());
    }
    out.push_str(ps(
        rng,
        &[
            "", "", "n", "u", "m", "k", "K", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi",
            "Ei", "i", "Zi", "B", " ",
        ],
    ));
    out
}

/// An output folder, packed: for each file, `name` NUL `length` NUL `bytes`.
pub fn pack(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(bytes.len().to_string().as_bytes());
        out.push(0);
        out.extend_from_slice(bytes);
    }
    out
}

/// The files of a packed output folder; a damaged archive yields what it can.
pub fn unpack(mut data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    while let Some(a) = data.iter().position(|&b| b == 0) {
        let name = String::from_utf8_lossy(&data[..a]).into_owned();
        let rest = &data[a + 1..];
        let Some(b) = rest.iter().position(|&b| b == 0) else {
            break;
        };
        let len: usize = std::str::from_utf8(&rest[..b])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = &rest[b + 1..];
        let len = len.min(body.len());
        files.push((name, body[..len].to_vec()));
        data = &body[len..];
    }
    files
}

/// Odd values for one CSV cell or JSON value.
const ODD_CELLS: &[&str] = &[
    "",
    "-1",
    "0",
    "18446744073709551616",
    "99999999999999999999999",
    "1.5",
    "NaN",
    "inf",
    "\"",
    "\"\"",
    ",",
    "\n",
    "x",
    "Running",
    "Succeeded",
    "Failed",
    "Complete",
    "null",
    "[]",
    "{}",
    "true",
    "4294967296",
    "18446744073709551615",
];

fn gen_report(corpus: &Corpus, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut files = pick(rng, &corpus.reports).clone();
    for _ in 0..rng.random_range(1..4) {
        if files.is_empty() {
            break;
        }
        let f = rng.random_range(0..files.len());
        let bytes = &mut files[f].1;
        let len = bytes.len();
        match rng.random_range(0..10) {
            0 => {
                files.remove(f);
            }
            1 if len > 0 => bytes.truncate(rng.random_range(0..len)),
            2 if len > 0 => {
                let i = rng.random_range(0..len);
                bytes[i] = if rng.random_bool(0.5) {
                    *pick(rng, b",\"\n0123456789-:{}[]. ")
                } else {
                    rng.random()
                };
            }
            3 | 4 => {
                // Replace one CSV cell, or one JSON scalar.
                let mut ls = split_lines(bytes);
                if !ls.is_empty() {
                    let i = rng.random_range(0..ls.len());
                    let cells: Vec<Vec<u8>> =
                        ls[i].split(|&b| b == b',').map(<[u8]>::to_vec).collect();
                    let c = rng.random_range(0..cells.len());
                    let odd = if rng.random_bool(0.8) {
                        pick(rng, ODD_CELLS).to_string()
                    } else {
                        huge_number(rng)
                    };
                    let mut new = Vec::new();
                    for (k, cell) in cells.iter().enumerate() {
                        if k > 0 {
                            new.push(b',');
                        }
                        if k == c {
                            new.extend_from_slice(odd.as_bytes());
                            if cell.ends_with(b"\n") {
                                new.push(b'\n');
                            }
                        } else {
                            new.extend_from_slice(cell);
                        }
                    }
                    ls[i] = new;
                }
                *bytes = ls.concat();
            }
            5 => {
                let mut ls = split_lines(bytes);
                if !ls.is_empty() {
                    let i = rng.random_range(0..ls.len());
                    if rng.random_bool(0.5) {
                        ls.remove(i);
                    } else {
                        let l = ls[i].clone();
                        ls.insert(i, l);
                    }
                }
                *bytes = ls.concat();
            }
            6 => {
                let mut ls = split_lines(bytes);
                if ls.len() > 1 {
                    let a = rng.random_range(0..ls.len());
                    let b = rng.random_range(0..ls.len());
                    ls.swap(a, b);
                }
                *bytes = ls.concat();
            }
            7 => {
                // Swap two header cells.
                let mut ls = split_lines(bytes);
                if let Some(h) = ls.first_mut() {
                    let mut cells: Vec<Vec<u8>> =
                        h.split(|&b| b == b',').map(<[u8]>::to_vec).collect();
                    if cells.len() > 1 {
                        let a = rng.random_range(0..cells.len() - 1);
                        let b = rng.random_range(0..cells.len() - 1);
                        cells.swap(a, b);
                    }
                    *h = cells.join(&b',');
                }
                *bytes = ls.concat();
            }
            8 => {
                let i = char_boundary(bytes, rng.random_range(0..=len));
                let tok = pick(
                    rng,
                    &["\"", "\n", ",", "\r\n", "{", "[", "\\u0000", "\u{feff}"],
                );
                bytes.splice(i..i, tok.bytes());
            }
            _ => {
                let ls = split_lines(bytes);
                if !ls.is_empty() {
                    let i = rng.random_range(0..ls.len());
                    let mut more = ls.clone();
                    for _ in 0..rng.random_range(1..200) {
                        more.push(ls[i].clone());
                    }
                    *bytes = more.concat();
                }
            }
        }
    }
    pack(&files)
}

// ---- running one input -------------------------------------------------------------

/// What one input did, when it did not crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Refused with an error, as it should be for most mutated inputs.
    Refused,
    /// Accepted (and, for scenarios and manifests picked for it, simulated).
    Accepted,
    Simulated,
}

/// Where one thread of the driver works: a scratch folder for report folders.
pub struct Context {
    pub root: PathBuf,
    pub scratch: PathBuf,
}

/// Runs one input through the library. A panic escapes to the caller (the driver catches
/// it); a wrong answer that must never happen panics here too.
pub fn execute(target: &str, input: &[u8], ctx: &Context) -> Outcome {
    match target {
        "cron" => run_cron(&String::from_utf8_lossy(input)),
        "duration" => run_duration(&String::from_utf8_lossy(input)),
        "quantity" => run_quantity(&String::from_utf8_lossy(input)),
        "manifest" => run_manifest(&String::from_utf8_lossy(input), input, ctx),
        "scenario" => run_scenario(&String::from_utf8_lossy(input), input, ctx),
        "report" => run_report(input, ctx),
        "vary" => run_vary(&String::from_utf8_lossy(input), ctx),
        other => panic!("unknown fuzz target {other:?}"),
    }
}

/// A small number taken from the input, so that choices a run makes (the field validation
/// mode, whether to simulate) are part of the input and a saved input replays them.
fn input_hash(input: &[u8]) -> u64 {
    input.iter().fold(0xcbf29ce484222325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn run_cron(spec: &str) -> Outcome {
    use jiff::Timestamp;
    use jobsim::cron::Schedule;
    let h = input_hash(spec.as_bytes());
    let zone = [
        "",
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Nowhere/City",
        "Local",
    ][(h % 6) as usize];
    let _ = jobsim::cron::format_schedule(spec, (!zone.is_empty()).then_some(zone));
    let schedule = match Schedule::parse(spec) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.to_string();
            let _ = e.explained();
            return Outcome::Refused;
        }
    };
    let _ = schedule.every();
    let _ = schedule.location();
    // From a few instants, including the ends of the range jiff can represent.
    let starts = [
        0i64,
        1_767_225_600,                // 2026-01-01
        (h % 4_000_000_000) as i64,   // some time up to 2096
        253_402_300_000 - 86_400 * 3, // the last days of 9999
        -62_135_596_800,              // year 1
    ];
    for s in starts {
        let Ok(mut t) = Timestamp::from_second(s) else {
            continue;
        };
        for _ in 0..3 {
            match schedule.next(t) {
                Some(n) => {
                    assert!(n > t, "next({t}) of {spec:?} is {n}, not after it");
                    t = n;
                }
                None => break,
            }
        }
    }
    Outcome::Accepted
}

fn run_duration(text: &str) -> Outcome {
    match jobsim::parse_duration(text) {
        Ok(d) => {
            // `format_duration` is for display (rounded to two units): no round trip.
            let _ = jobsim::format_duration(d);
            let _ = jobsim::seconds_str(d);
            Outcome::Accepted
        }
        Err(e) => {
            let _ = e.to_string();
            Outcome::Refused
        }
    }
}

fn run_quantity(text: &str) -> Outcome {
    match jobsim::Quantity::parse(text) {
        Ok(q) => {
            let _ = (
                q.milli(),
                q.value(),
                q.cpu_millis(),
                q.bytes(),
                q.is_negative(),
            );
            let _ = q.as_str();
            Outcome::Accepted
        }
        Err(e) => {
            let _ = (e.to_string(), e.kind(), e.input());
            Outcome::Refused
        }
    }
}

fn validation_mode(h: u64) -> FieldValidation {
    match h % 4 {
        0 => FieldValidation::Warn,
        1 => FieldValidation::Ignore,
        _ => FieldValidation::Strict,
    }
}

fn run_manifest(text: &str, input: &[u8], ctx: &Context) -> Outcome {
    let h = input_hash(input);
    let file = ctx.root.join("tests/data/fuzz/input.yaml");
    let _ = jobsim::is_scenario_text(text);
    let options = LoadOptions {
        field_validation: validation_mode(h),
        ..LoadOptions::default()
    };
    match jobsim::load_str(text, &file, &options) {
        Ok((scenario, warnings)) => {
            for w in &warnings {
                let _ = w.to_string();
            }
            // One accepted manifest in four also runs, in the default cluster.
            if scenario.workloads.is_empty() || !(h >> 8).is_multiple_of(4) {
                return Outcome::Accepted;
            }
            simulate_bounded(scenario);
            Outcome::Simulated
        }
        Err(e) => {
            let _ = e.to_string();
            Outcome::Refused
        }
    }
}

fn run_scenario(text: &str, input: &[u8], ctx: &Context) -> Outcome {
    let h = input_hash(input);
    let file = ctx.root.join("tests/data/fuzz/input.yaml");
    let options = LoadOptions {
        field_validation: validation_mode(h),
        ..LoadOptions::default()
    };
    match jobsim::load_str(text, &file, &options) {
        Ok((scenario, _warnings)) => {
            simulate_bounded(scenario);
            Outcome::Simulated
        }
        Err(e) => {
            let _ = e.to_string();
            Outcome::Refused
        }
    }
}

/// Simulates a fuzzed scenario kept small: at most [`SIM_MAX_NODES`] nodes a pool, four
/// pools, [`SIM_MAX_PODS`] pods per workload created in all (the run is broken off there),
/// [`SIM_HORIZON_MS`] of simulated time.
pub fn simulate_bounded(mut scenario: jobsim::Scenario) {
    for pool in &mut scenario.pools {
        pool.count = pool.count.min(SIM_MAX_NODES);
    }
    scenario.pools.truncate(4);
    scenario.workloads.truncate(20);
    let max_pods = SIM_MAX_PODS as u64 * scenario.workloads.len() as u64;
    let horizon = scenario
        .effective_horizon()
        .unwrap_or(SIM_HORIZON_MS)
        .min(SIM_HORIZON_MS);
    let mut sink = MemorySink::default();
    let run = jobsim::simulate_observed(&scenario, &mut sink, Some(horizon), &mut |p| {
        if p.pods_created > max_pods {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    match run {
        Ok(result) => {
            let _ = jobsim::report::summary(&result);
            assert!(
                result.end <= horizon,
                "the run ended at {} past its horizon {horizon}",
                result.end
            );
        }
        Err(jobsim::SimulateError::Stopped(at)) => assert!(at <= horizon),
        Err(e) => panic!("a memory sink failed: {e}"),
    }
}

fn run_report(input: &[u8], ctx: &Context) -> Outcome {
    let dir = &ctx.scratch;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the fuzz scratch folder can be made");
    for (name, bytes) in unpack(input) {
        // Only plain names inside the scratch folder.
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        std::fs::write(dir.join(name), bytes).expect("the fuzz scratch folder is writable");
    }
    match jobsim::report::read_run(dir) {
        Ok(records) => {
            let _ = records.end();
            let width = 20 + (input_hash(input) % 200) as usize;
            let _ = jobsim::report::text_timeline(&records, width);
            Outcome::Accepted
        }
        Err(e) => {
            let _ = e.to_string();
            Outcome::Refused
        }
    }
}

// ---- `--vary` ------------------------------------------------------------------------

/// The inputs a fuzzed `--vary` is applied to, written once into a folder beside the
/// scratch folder: a scenario with inline objects (overrides reach only those), bare
/// manifests (one with a dotted name), and a scenario on the default pool. Each is small
/// and ends within an hour of simulated time.
pub const VARY_BASES: &[(&str, &str)] = &[
    (
        "vary-scenario.yaml",
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {name: vary-base}
spec:
  seed: 3
  horizon: 1h
  cluster:
    nodePools:
      - {name: batch, count: 2, capacity: {cpu: "4", memory: 8Gi, pods: 20}}
    timing: {scheduling: 20ms, podStartup: 1s}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: etl, labels: {team: a}}
        spec:
          completions: 4
          parallelism: 2
          backoffLimit: 3
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: main
                  image: busybox
                  command: [sleep, "30"]
                  resources: {requests: {cpu: 500m, memory: 256Mi}}
      behavior:
        failure: {probability: 0.1, exitCode: 1}
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report}
        spec:
          schedule: "*/10 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: main, image: busybox, command: [sleep, "5"]}]
"#,
    ),
    (
        "vary-manifests.yaml",
        r#"apiVersion: batch/v1
kind: Job
metadata: {name: etl.v2}
spec:
  completions: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox, command: [sleep, "20"]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: etl}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: main, image: busybox, command: [sleep, "10"]}]
"#,
    ),
    (
        "vary-default-pool.yaml",
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {name: vary-default-pool}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: etl}
        spec:
          completions: 2
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: busybox, command: [sleep, "15"]}]
"#,
    ),
];

/// The most variants a fuzzed sweep loads: loading is linear in the variants (each is a
/// scenario read in full, a few milliseconds on a loaded machine), so an input asking for
/// more is only checked to be refused when it exceeds the sweep's own limit,
/// [`jobsim::sweep::MAX_VARIANTS`]. (At 256, one input of the first million, a 200-variant
/// plan, took 1.1 s at a load average of 19 on two cores.)
pub const VARY_MAX_PLANNED: u128 = 64;

/// The folder holding [`VARY_BASES`] (beside the scratch folder, which the `report`
/// target empties for each input).
fn vary_dir(ctx: &Context) -> PathBuf {
    let mut name = ctx.scratch.file_name().unwrap_or_default().to_os_string();
    name.push("-vary");
    ctx.scratch.with_file_name(name)
}

/// Removes what the targets wrote for `ctx`.
pub fn clean(ctx: &Context) {
    let _ = std::fs::remove_dir_all(&ctx.scratch);
    let _ = std::fs::remove_dir_all(vary_dir(ctx));
}

/// The folder holding [`VARY_BASES`], written when missing.
fn vary_bases(ctx: &Context) -> PathBuf {
    let dir = vary_dir(ctx);
    for (file, text) in VARY_BASES {
        let path = dir.join(file);
        if !path.exists() {
            std::fs::create_dir_all(&dir).expect("the fuzz scratch folder can be made");
            std::fs::write(&path, text).expect("the fuzz scratch folder is writable");
        }
    }
    dir
}

/// Paths that trip the override resolver.
const ODD_VARY_PATHS: &[&str] = &[
    "",
    " ",
    ".",
    "..",
    "job/",
    "job/.",
    "cronjob/",
    "job/etl.",
    "job/etl..spec",
    "job/etl",
    "spec.",
    "spec",
    "cluster.nodePools.99999999999999999999.count",
    "cluster.nodePools.-1.count",
    "cluster.nodePools.18446744073709551615.count",
    "cluster.nodePools.1.count",
    "job/etl.spec.template.spec.containers.1.image",
    "job/etl.spec.template.spec.containers.0",
    "Ünïcödé.ß",
    "\u{202e}x",
    "job/etl/x.spec",
    "cluster.nodePools.batch.count.x",
    "seed.x",
    "workloads.0.object.spec.parallelism",
    "workloads",
    "spec.workloads",
    "spec.cluster",
    "cluster",
    "metadata.name",
    "apiVersion",
    "kind",
    "job/etl.behavior",
    "job/etl.at.x",
    "job/etl.v2.behavior.duration",
    "cronjob/report.spec.jobTemplate.spec.template.spec.containers.main.image",
    "job/etl.spec.template.spec.containers.main",
    "job/etl.metadata.name",
    "job/etl.kind",
    "actions.0.at",
    "expect.0.within",
    "cluster.nodePools.worker.count",
    "cluster.nodePools.0.count",
];

/// Values that a range or a list item trips on.
const ODD_VARY_ITEMS: &[&str] = &[
    "1..1000000000000000000:1",
    "0..9223372036854775807",
    "-9223372036854775808..9223372036854775807",
    "-9223372036854775808..9223372036854775807:9223372036854775807",
    "-9223372036854775808..-9223372036854775808",
    "9223372036854775807..9223372036854775807",
    "0..99999",
    "0..100000",
    "1..100000",
    "0..99999:1",
    "0..18446744073709551615",
    "1..1e18:1",
    "1..1e18",
    "1..10:0",
    "1..10:-1",
    "1..10:99999999999999999999",
    "0..1:0.00001",
    "0..1:0.000000000001",
    "0..1:0.0000000000001",
    "0..99999999999999999999999999999999999999:0.000000000001",
    "-99999999999999999999999999999999999999..99999999999999999999999999999999999999:1",
    "0..170141183460469231731687303715884105727:0.1",
    "-0.5..0.5:0.1",
    "0.1..0.3",
    "0s..175307616h:1ms",
    "0s..999999999999h:1h",
    "1ms..2ms:1ms",
    "10m..1h:0s",
    "10m..1h:-1m",
    "1h..10m:1m",
    "PT1H..PT2H:PT10M",
    "1w..2w:1d",
    "1y..2y:1mo",
    "0s..1h:1ms",
    "..",
    ":",
    "..:",
    "1..",
    "..5",
    "1...5",
    "1..2..3",
    "1..2:3:4",
    "1 .. 5 : 2",
    "a..b",
    "1..b",
    "5..2",
    "'",
    "\"",
    "''",
    "\"\"",
    "'a''b'",
    "'a'b",
    "\"a\"b\"",
    "'0 2 * * *'",
    "{",
    "}",
    "[",
    "]",
    "{}",
    "[]",
    "{uniform: [1s, 3s]}",
    "{uniform: [3s, 1s]}",
    "{exponential: {mean: 0s}}",
    "{normal: {mean: 1m, stdev: 1s}}",
    "{lognormal: {median: 1s, p99: 1ms}}",
    "[sleep, \"5\"]",
    "{a: [1, {b: 2}]}",
    "!!binary aGVsbG8=",
    "!foo 3",
    "&a 1",
    "*a",
    "~",
    "null",
    "-0",
    "1e999",
    ".nan",
    "0x10",
    "1_000",
    "\0",
    "\t",
    "é",
    "\u{feff}",
];

/// One `--vary` input: one argument a line (a few lines now and then, many rarely, to
/// multiply the variants), sometimes after a `#seeds N` line that sets the seeds per
/// variant.
fn gen_vary(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    let lines = match rng.random_range(0..40) {
        0 => rng.random_range(5..11),
        1..=6 => rng.random_range(2..4),
        _ => 1,
    };
    let mut out = Vec::new();
    if rng.random_bool(0.05) {
        out.push(format!(
            "#seeds {}",
            ps(
                rng,
                &[
                    "0",
                    "2",
                    "3",
                    "1000",
                    "100000000",
                    "100000001",
                    "18446744073709551615"
                ]
            )
        ));
    }
    for _ in 0..lines {
        out.push(gen_vary_line(corpus, rng));
    }
    out.join("\n")
}

fn gen_vary_line(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..20) {
        0..=1 => pick(rng, &corpus.vary).clone(),
        2..=8 => {
            let mut s = pick(rng, &corpus.vary).clone();
            for _ in 0..rng.random_range(1..4) {
                s = mutate_text(s, rng);
            }
            s
        }
        9..=17 => {
            let path = gen_vary_path(corpus, rng);
            let n = *pick(rng, &[1, 1, 1, 2, 2, 3, 5, 12]);
            let items: Vec<String> = (0..n).map(|_| gen_vary_item(corpus, rng)).collect();
            let sep = ps(rng, &[",", ",", ", ", " , "]);
            let eq = ps(rng, &["=", "=", "=", "==", " = ", ""]);
            format!("{path}{eq}{}", items.join(sep))
        }
        _ => {
            // Random characters, ASCII mostly.
            let len = rng.random_range(0..64);
            (0..len)
                .map(|_| {
                    if rng.random_bool(0.9) {
                        rng.random_range(0x20u8..0x7f) as char
                    } else {
                        char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}')
                    }
                })
                .collect()
        }
    }
}

/// The path of a corpus line (before its `=`).
fn corpus_path<'a>(corpus: &'a Corpus, rng: &mut ChaCha8Rng) -> &'a str {
    let line = pick(rng, &corpus.vary);
    line.split_once('=').map_or(line.as_str(), |(p, _)| p)
}

fn gen_vary_path(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..10) {
        0..=4 => corpus_path(corpus, rng).to_string(),
        5 => {
            // Deep: many steps.
            let n = *pick(rng, &[10, 100, 199, 200, 201, 1000, 5000, 20000]);
            let prefix = ps(
                rng,
                &[
                    "",
                    "job/etl.",
                    "cluster.",
                    "cronjob/report.spec.",
                    "job/etl.behavior.",
                ],
            );
            let step = ps(rng, &["a.", "0.", "batch.", "spec.", "é."]);
            format!("{prefix}{}x", step.repeat(n))
        }
        6 => {
            // Long names and long steps.
            let n = *pick(rng, &[64, 253, 254, 10000, 100000]);
            match rng.random_range(0..3) {
                0 => format!("job/{}.spec.parallelism", "x".repeat(n)),
                1 => format!("cluster.nodePools.{}.count", "b".repeat(n)),
                _ => format!("job/etl.metadata.labels.{}", "k".repeat(n)),
            }
        }
        7 => ps(rng, ODD_VARY_PATHS).to_string(),
        _ => {
            // A corpus path with a step removed, duplicated or replaced.
            let path = corpus_path(corpus, rng);
            let mut steps: Vec<String> = path.split('.').map(str::to_string).collect();
            let i = rng.random_range(0..steps.len());
            match rng.random_range(0..3) {
                0 => {
                    steps.remove(i);
                }
                1 => {
                    let s = steps[i].clone();
                    steps.insert(i, s);
                }
                _ => {
                    steps[i] = ps(
                        rng,
                        &[
                            "0",
                            "1",
                            "99",
                            "-1",
                            "",
                            "main",
                            "batch",
                            "worker",
                            "containers",
                            "spec",
                            "behavior",
                            "at",
                        ],
                    )
                    .to_string()
                }
            }
            steps.join(".")
        }
    }
}

fn gen_vary_number(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..6) {
        0 => rng.random_range(-5i64..50).to_string(),
        1 => huge_number(rng),
        2 => ps(
            rng,
            &[
                "0",
                "-1",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "1000000000000000000",
                "100000",
                "99999",
            ],
        )
        .to_string(),
        3 => {
            // A decimal with up to 40 digits and 14 places.
            let int: String = (0..rng.random_range(1..40))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            let frac: String = (0..rng.random_range(0..15))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            let sign = if rng.random_bool(0.2) { "-" } else { "" };
            if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            }
        }
        4 => format!("0.{}1", "0".repeat(rng.random_range(0..14))),
        _ => rng.random::<i64>().to_string(),
    }
}

fn gen_vary_duration(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.5) {
        pick(rng, &corpus.durations).clone()
    } else {
        ps(
            rng,
            &[
                "0s",
                "1ms",
                "10m",
                "1h",
                "175307616h",
                "999999999999h",
                "PT1H",
                "1w",
                "-5m",
                "1y",
                "1mo",
                "1.5h",
                "7d",
            ],
        )
        .to_string()
    }
}

fn gen_vary_item(corpus: &Corpus, rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..14) {
        0 => rng.random_range(-5i64..50).to_string(),
        1 => gen_vary_number(rng),
        2 | 3 => {
            let (a, b) = (gen_vary_number(rng), gen_vary_number(rng));
            if rng.random_bool(0.5) {
                format!("{a}..{b}")
            } else {
                format!("{a}..{b}:{}", gen_vary_number(rng))
            }
        }
        4 => {
            // A small range, so that some sweeps have a few variants.
            let a = rng.random_range(-3i64..10);
            let b = a + rng.random_range(-1i64..6);
            format!("{a}..{b}")
        }
        5 => ps(rng, ODD_VARY_ITEMS).to_string(),
        6 => {
            let (a, b) = (
                gen_vary_duration(corpus, rng),
                gen_vary_duration(corpus, rng),
            );
            format!("{a}..{b}:{}", gen_vary_duration(corpus, rng))
        }
        7 => {
            let q = ps(rng, &["'", "\""]);
            let inner = if rng.random_bool(0.5) {
                pick(rng, &corpus.cron).clone()
            } else {
                ps(rng, ODD_SCALARS).to_string()
            };
            let close = if rng.random_bool(0.9) { q } else { "" };
            format!("{q}{inner}{close}")
        }
        8 => {
            // Deep flow collections.
            let n = *pick(rng, &[10, 127, 128, 129, 199, 200, 201, 5000, 100000]);
            match rng.random_range(0..3) {
                0 => format!("{}{}", "[".repeat(n), "]".repeat(n)),
                1 => "{a: ".repeat(n),
                _ => format!("{}1{}", "{a: ".repeat(n), "}".repeat(n)),
            }
        }
        9 => ps(rng, ODD_SCALARS).to_string(),
        10 => {
            if rng.random_bool(0.5) {
                pick(rng, &corpus.quantities).clone()
            } else {
                gen_vary_duration(corpus, rng)
            }
        }
        11 => {
            // A corpus line's values.
            let line = pick(rng, &corpus.vary);
            line.split_once('=').map_or("", |(_, v)| v).to_string()
        }
        12 => "1,".repeat(rng.random_range(1..2000)) + "1",
        _ => ps(
            rng,
            &["", " ", "..", ":", ",", "=", "é", "\u{202e}", "\u{0}"],
        )
        .to_string(),
    }
}

/// One to three character-level changes of a `--vary` argument.
fn mutate_text(s: String, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let len = chars.len();
    match rng.random_range(0..7) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            chars[i] = if rng.random_bool(0.7) {
                *pick(
                    rng,
                    &"=.,:'\"{}[]0123456789-/ eé*".chars().collect::<Vec<_>>(),
                )
            } else {
                char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}')
            };
        }
        1 | 2 => {
            let i = rng.random_range(0..=len);
            let tok = ps(
                rng,
                &[
                    "..",
                    ":",
                    ",",
                    "=",
                    ".",
                    "'",
                    "\"",
                    "{",
                    "[",
                    "]",
                    "}",
                    "é",
                    "\u{202e}",
                    "\0",
                    "9999999999999999999",
                    "00000000000000",
                    "-",
                    " ",
                    ".0",
                    "..9223372036854775807",
                    ":1",
                    ":0.000000000001",
                ],
            );
            chars.splice(i..i, tok.chars());
        }
        3 if len > 0 => {
            let a = rng.random_range(0..len);
            let b = (a + rng.random_range(1..8)).min(len);
            chars.drain(a..b);
        }
        4 if len > 0 => {
            // Duplicate a stretch, sometimes many times.
            let a = rng.random_range(0..len);
            let b = (a + rng.random_range(1..16)).min(len);
            let part: Vec<char> = chars[a..b].to_vec();
            let times = if rng.random_bool(0.9) { 1 } else { 500 };
            for _ in 0..times {
                chars.splice(b..b, part.iter().copied());
            }
        }
        5 if len > 0 => chars.truncate(rng.random_range(0..len)),
        _ => {
            // A number becomes huge.
            if let Some(p) = chars.iter().position(|c| c.is_ascii_digit()) {
                let end = p + chars[p..].iter().take_while(|c| c.is_ascii_digit()).count();
                let n = huge_number(rng);
                chars.splice(p..end, n.chars());
            }
        }
    }
    chars.into_iter().collect()
}

/// Runs each line through `--vary`'s parser ([`jobsim::sweep::Vary`]) and `jobsim plan`'s
/// range parser ([`jobsim::check::plan::VaryRange`]); loads both ends of each plan range
/// into a base input as `jobsim plan` does; and, when every line is a valid `--vary`,
/// plans the sweep over a base input (every variant loaded, as `jobsim sweep` does before
/// it runs) and simulates one variant of one in four plans for up to
/// [`SIM_HORIZON_MS`] and [`SIM_MAX_PODS`] pods. A sweep of more than [`VARY_MAX_PLANNED`]
/// variants is planned only when it is over the sweep's limit, which must refuse it before
/// loading anything.
fn run_vary(text: &str, ctx: &Context) -> Outcome {
    use jobsim::check::plan::{MAX_RANGE_VALUES, VaryRange};
    use jobsim::sweep::values::MAX_VALUES;
    use jobsim::sweep::{Part, SweepSpec, Vary};

    let h = input_hash(text.as_bytes());
    let mut seeds = 1u64;
    let mut varies = Vec::new();
    let mut ranges = Vec::new();
    let mut refused = false;
    for line in text.split('\n') {
        if let Some(n) = line.strip_prefix("#seeds ") {
            seeds = n.trim().parse().unwrap_or(1);
            continue;
        }
        match Vary::parse(line) {
            Ok(v) => {
                assert!(
                    !v.path.is_empty() && !v.values.is_empty() && v.values.len() <= MAX_VALUES,
                    "{line:?}: path {:?} and {} values",
                    v.path,
                    v.values.len()
                );
                varies.push(v);
            }
            Err(e) => {
                let _ = e.to_string();
                refused = true;
            }
        }
        match line.parse::<VaryRange>() {
            Ok(r) => {
                assert!(
                    r.lo <= r.hi && (r.hi as i128 - r.lo as i128) < MAX_RANGE_VALUES as i128,
                    "{line:?}: the range {}..{}",
                    r.lo,
                    r.hi
                );
                let _ = r.to_string();
                ranges.push(r);
            }
            Err(e) => {
                let _ = e.len();
            }
        }
    }
    let dir = vary_bases(ctx);
    let base = dir.join(VARY_BASES[(h % VARY_BASES.len() as u64) as usize].0);
    let mut outcome = Outcome::Refused;
    // `jobsim plan` loads both ends of its range before it searches.
    for r in ranges.iter().take(2) {
        for value in [r.lo, r.hi] {
            let options = LoadOptions {
                field_validation: FieldValidation::Strict,
                overrides: vec![jobsim::Override::new(
                    r.path.clone(),
                    yaml_serde::Value::Number(value.into()),
                )],
            };
            match jobsim::load_files(std::slice::from_ref(&base), &options) {
                Ok(_) => outcome = Outcome::Accepted,
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
    if refused || varies.is_empty() {
        return outcome;
    }
    let variants: u128 = varies
        .iter()
        .map(|v| v.values.len() as u128)
        .fold(1, u128::saturating_mul);
    if variants > VARY_MAX_PLANNED && variants <= jobsim::sweep::MAX_VARIANTS as u128 {
        return Outcome::Accepted;
    }
    let spec = SweepSpec {
        inputs: vec![base],
        vary: varies,
        set: vec![],
        seeds,
        field_validation: validation_mode(h),
        metric: "makespan".into(),
    };
    let mut plan = match spec.plan() {
        Ok(plan) => plan,
        Err(e) => {
            let _ = e.to_string();
            return Outcome::Accepted;
        }
    };
    assert!(
        variants <= jobsim::sweep::MAX_VARIANTS as u128,
        "a sweep of {variants} variants was planned"
    );
    assert_eq!(plan.variants.len() as u128, variants);
    let total = plan.total();
    let _ = (plan.header(), plan.meta(Part::All, true));
    let _ = (plan.run_spec(0), plan.run_spec(total - 1));
    let k = (h >> 8) % total;
    let _ = plan.variant_label((k / seeds) as usize);
    if !(h >> 16).is_multiple_of(4) {
        return Outcome::Accepted;
    }
    // Simulate run k, kept small as the scenario target keeps its runs.
    let scenario = &mut plan.variants[(k / seeds) as usize].scenario;
    for pool in &mut scenario.pools {
        pool.count = pool.count.min(SIM_MAX_NODES);
    }
    scenario.pools.truncate(4);
    scenario.workloads.truncate(20);
    scenario.horizon = Some(
        scenario
            .effective_horizon()
            .unwrap_or(SIM_HORIZON_MS)
            .min(SIM_HORIZON_MS),
    );
    let max_pods = SIM_MAX_PODS as u64 * scenario.workloads.len() as u64;
    let run = plan.run(k, &mut |p| {
        if p.pods_created > max_pods || p.now > SIM_HORIZON_MS {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    match run {
        Ok(row) => {
            let _ = row;
        }
        Err(jobsim::SimulateError::Stopped(at)) => assert!(at <= SIM_HORIZON_MS),
        Err(e) => panic!("a sweep run failed: {e}"),
    }
    Outcome::Simulated
}
