//! Golden outputs: a run's `summary.json`, `objects.json`, `pods.csv`, `jobs.csv` and
//! `events.csv` compared with committed copies. Differences are reported the way a person
//! reads them — which pod or Job, which field, old → new — not as a line diff. The only
//! volatile value, ignored, is the jobsim version in `summary.json` (key
//! [`VOLATILE_SUMMARY_KEY`]).
//!
//! A golden copy is an input like any other, and may be any size: the CSV files are
//! compared row by row as they are read (module `tables`; a row past 64 MiB is refused),
//! a JSON file is parsed only up to [`MAX_JSON_BYTES`], and blessing copies a file a piece
//! at a time. No file is read whole.

mod rows;
mod tables;

use std::fmt::Write;
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde_json::Value;

use tables::Limits;

/// The files a golden comparison covers.
pub const GOLDEN_FILES: [&str; 5] = [
    "summary.json",
    "objects.json",
    "pods.csv",
    "jobs.csv",
    "events.csv",
];

/// The key of `summary.json` that changes with every release and is not compared.
pub const VOLATILE_SUMMARY_KEY: &str = "jobsim";

/// How many differences are reported per file.
pub const MAX_DIFFERENCES: usize = 5;

/// The largest JSON file compared value by value, in bytes (256 MiB): the file is parsed
/// whole, and its values take a few times its size in memory. `objects.json` holds the
/// Jobs and CronJobs left when the run ends, about 3 KB each (a CronJob every minute for 30
/// days that keeps its whole history leaves 43,200 Jobs: 131 MB), so this is about 85,000
/// Jobs; `summary.json` is far smaller. A file past the limit is compared byte for byte
/// with the other, a piece at a time: the same bytes are no difference, and other bytes are
/// one difference saying the file was not compared.
pub const MAX_JSON_BYTES: u64 = 256 << 20;

/// Which file of a comparison something was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Golden,
    Fresh,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Golden => "golden copy",
            Side::Fresh => "this run",
        })
    }
}

/// A compared file, opened afresh for each pass over it (a keyed CSV comparison may read a
/// file more than once; tests count what is read).
struct Input<'a> {
    side: Side,
    /// Its size in bytes when the comparison began.
    len: u64,
    open: Box<dyn Fn() -> io::Result<Box<dyn Read + 'a>> + 'a>,
}

impl<'a> Input<'a> {
    fn file(side: Side, path: &'a Path) -> io::Result<Self> {
        Ok(Input {
            side,
            len: std::fs::metadata(path)?.len(),
            open: Box::new(move || Ok(Box::new(std::fs::File::open(path)?))),
        })
    }
}

/// `read_to_string`'s error for a file that is not UTF-8, word for word: the comparison
/// read every file whole with it, and a file that is not UTF-8 is still this error.
fn not_utf8() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "stream did not contain valid UTF-8",
    )
}

/// Compares the outputs in `fresh` with the golden copies in `golden`: one line per
/// difference found (at most [`MAX_DIFFERENCES`] per file), empty when they agree.
pub fn compare(golden: &Path, fresh: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for name in GOLDEN_FILES {
        let old_path = golden.join(name);
        if !old_path.is_file() {
            out.push(format!(
                "{name}: no golden copy in {} (bless it with --bless)",
                golden.display()
            ));
            continue;
        }
        let new_path = fresh.join(name);
        let old = Input::file(Side::Golden, &old_path)?;
        let new = Input::file(Side::Fresh, &new_path)?;
        let diffs = if name.ends_with(".json") {
            json_file_differences(&old, &new, name == "summary.json", MAX_JSON_BYTES)?
        } else {
            tables::csv_differences(&old, &new, name == "events.csv", Limits::GOLDEN)?
        };
        out.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
    }
    Ok(out)
}

/// Copies the outputs of `fresh` into `golden` (created when missing), each whole or not at
/// all and a piece at a time.
pub fn bless(golden: &Path, fresh: &Path) -> io::Result<()> {
    std::fs::create_dir_all(golden)?;
    for name in GOLDEN_FILES {
        crate::record::files::copy_atomic(&fresh.join(name), &golden.join(name))?;
    }
    Ok(())
}

/// The differences of two JSON files, each parsed whole if it is at most `limit` bytes;
/// past it, see [`MAX_JSON_BYTES`].
fn json_file_differences(
    old: &Input<'_>,
    new: &Input<'_>,
    summary: bool,
    limit: u64,
) -> io::Result<Vec<String>> {
    if old.len <= limit
        && new.len <= limit
        && let Some(a) = read_text(old, limit)?
        && let Some(b) = read_text(new, limit)?
    {
        return Ok(json_differences(&a, &b, summary));
    }
    // jobsim wrote this run's file, so a golden copy of the same bytes has no differences.
    if old.len == new.len && same_bytes(old, new)? {
        return Ok(Vec::new());
    }
    Ok(vec![format!(
        "larger than {limit} bytes ({} {} bytes, {} {} bytes) and not the same byte for \
         byte: not compared",
        old.side, old.len, new.side, new.len
    )])
}

/// The file as text, or `None` when it has grown past `limit` bytes since it was measured
/// (only `limit` and one more byte are read).
fn read_text(input: &Input<'_>, limit: u64) -> io::Result<Option<String>> {
    let mut bytes = Vec::with_capacity(input.len.min(limit) as usize);
    (input.open)()?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    String::from_utf8(bytes).map(Some).map_err(|_| not_utf8())
}

/// Whether two files hold the same bytes, read a piece at a time.
fn same_bytes(old: &Input<'_>, new: &Input<'_>) -> io::Result<bool> {
    let mut a = io::BufReader::with_capacity(1 << 16, (old.open)()?);
    let mut b = io::BufReader::with_capacity(1 << 16, (new.open)()?);
    loop {
        let (x, y) = (a.fill_buf()?, b.fill_buf()?);
        let n = x.len().min(y.len());
        if n == 0 {
            return Ok(x.len() == y.len());
        }
        if x[..n] != y[..n] {
            return Ok(false);
        }
        a.consume(n);
        b.consume(n);
    }
}

fn json_differences(old: &str, new: &str, summary: bool) -> Vec<String> {
    let parse = |t: &str| serde_json::from_str::<Value>(t);
    let (Ok(mut old), Ok(mut new)) = (parse(old), parse(new)) else {
        return vec!["not JSON".to_string()];
    };
    if summary {
        for v in [&mut old, &mut new] {
            if let Some(o) = v.as_object_mut() {
                o.remove(VOLATILE_SUMMARY_KEY);
            }
        }
    }
    let mut diffs = Vec::new();
    walk(&old, &new, &mut String::new(), &mut diffs);
    diffs
}

/// The name a list element goes by, for paths: its `name` or `metadata.name`.
fn element_name(v: &Value) -> Option<&str> {
    v.get("name")
        .or_else(|| v.pointer("/metadata/name"))
        .and_then(Value::as_str)
}

fn walk(old: &Value, new: &Value, path: &mut String, out: &mut Vec<String>) {
    if out.len() >= MAX_DIFFERENCES || old == new {
        return;
    }
    let at = |p: &str| {
        if p.is_empty() {
            "(top)".to_string()
        } else {
            p.to_string()
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let len = path.len();
                let _ = write!(path, "{}{k}", if path.is_empty() { "" } else { "." });
                match b.get(k) {
                    Some(vb) => walk(va, vb, path, out),
                    None => out.push(format!("{}: removed (was {})", at(path), short(va))),
                }
                path.truncate(len);
                if out.len() >= MAX_DIFFERENCES {
                    return;
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) && out.len() < MAX_DIFFERENCES {
                    let sep = if path.is_empty() { "" } else { "." };
                    out.push(format!("{path}{sep}{k}: added ({})", short(vb)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                let len = path.len();
                match element_name(va) {
                    Some(n) if element_name(vb) == Some(n) => {
                        let _ = write!(path, "[{n}]");
                    }
                    _ => {
                        let _ = write!(path, "[{i}]");
                    }
                }
                walk(va, vb, path, out);
                path.truncate(len);
            }
            if a.len() != b.len() && out.len() < MAX_DIFFERENCES {
                out.push(format!("{}: {} → {} entries", at(path), a.len(), b.len()));
            }
        }
        _ => out.push(format!("{}: {} → {}", at(path), short(old), short(new))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
impl<'a> Input<'a> {
    /// `text` as a compared file.
    fn bytes(side: Side, text: &'a [u8]) -> Self {
        Input {
            side,
            len: text.len() as u64,
            open: Box::new(move || Ok(Box::new(text))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_pod_is_named_with_its_field_old_and_new() {
        let old = "pod,job,finished\na-1,a,5.000\na-2,a,6.000\n";
        let new = "pod,job,finished\na-1,a,5.000\na-2,a,7.500\n";
        let (old, new) = (
            Input::bytes(Side::Golden, old.as_bytes()),
            Input::bytes(Side::Fresh, new.as_bytes()),
        );
        assert_eq!(
            tables::csv_differences(&old, &new, false, Limits::GOLDEN).unwrap(),
            vec!["pod a-2: finished \"6.000\" → \"7.500\""]
        );
    }

    #[test]
    fn the_jobsim_version_is_not_compared_but_other_summary_fields_are() {
        let old = r#"{"jobsim": "0.1.0", "jobs": [{"name": "etl", "failed": 0}]}"#;
        let new = r#"{"jobsim": "0.2.0", "jobs": [{"name": "etl", "failed": 1}]}"#;
        assert_eq!(
            json_differences(old, new, true),
            vec!["jobs[etl].failed: 0 → 1"]
        );
        assert!(json_differences(old, &old.replace("0.1.0", "9.9.9"), true).is_empty());
    }

    #[test]
    fn an_oversize_json_golden_copy_is_refused_without_being_read() {
        let opened = std::cell::Cell::new(0);
        let golden = Input {
            side: Side::Golden,
            len: MAX_JSON_BYTES + 1,
            open: Box::new(|| {
                opened.set(opened.get() + 1);
                Ok(Box::new(io::repeat(b' ')))
            }),
        };
        let fresh = Input::bytes(Side::Fresh, b"{}");
        assert_eq!(
            json_file_differences(&golden, &fresh, false, MAX_JSON_BYTES).unwrap(),
            [
                "larger than 268435456 bytes (golden copy 268435457 bytes, this run 2 bytes) and \
              not the same byte for byte: not compared"
            ]
        );
        assert_eq!(opened.get(), 0);
    }

    #[test]
    fn json_files_past_the_limit_are_compared_byte_for_byte() {
        let text = br#"{"kind": "List", "items": [{"metadata": {"name": "etl"}}]}"#;
        let other = br#"{"kind": "List", "items": [{"metadata": {"name": "etL"}}]}"#;
        let input = |side, text| Input::bytes(side, text);
        let limit = 16;
        let same = json_file_differences(
            &input(Side::Golden, text),
            &input(Side::Fresh, text),
            false,
            limit,
        );
        assert!(same.unwrap().is_empty());
        // Within the limit, the same two files are compared value by value.
        let (old, new) = (input(Side::Golden, text), input(Side::Fresh, other));
        assert_eq!(
            json_file_differences(&old, &new, false, MAX_JSON_BYTES).unwrap(),
            ["items[0].metadata.name: \"etl\" → \"etL\""]
        );
        assert_eq!(
            json_file_differences(&old, &new, false, limit).unwrap(),
            [
                "larger than 16 bytes (golden copy 58 bytes, this run 58 bytes) and not the same \
              byte for byte: not compared"
            ]
        );
    }

    #[test]
    fn a_json_file_that_is_not_utf8_is_the_error_read_to_string_gave() {
        let (old, new) = (
            Input::bytes(Side::Golden, b"{\"a\": \"\xFF\"}"),
            Input::bytes(Side::Fresh, b"{}"),
        );
        let e = json_file_differences(&old, &new, false, MAX_JSON_BYTES).unwrap_err();
        assert_eq!(e.to_string(), "stream did not contain valid UTF-8");
    }

    #[test]
    fn bless_writes_byte_identical_copies_and_leaves_no_temporary_file() {
        let (fresh, golden) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let golden = golden.path().join("run");
        // Larger than any one read, and bytes that are not UTF-8: copied as they are.
        let big: Vec<u8> = (0..3_000_000_u32).map(|i| (i * 7 % 251) as u8).collect();
        for (i, name) in GOLDEN_FILES.iter().enumerate() {
            let bytes = if i == 2 {
                big.clone()
            } else {
                name.as_bytes().to_vec()
            };
            std::fs::write(fresh.path().join(name), bytes).unwrap();
        }
        for _ in 0..2 {
            // The second time over the copies of the first.
            bless(&golden, fresh.path()).unwrap();
            for name in GOLDEN_FILES {
                assert_eq!(
                    std::fs::read(golden.join(name)).unwrap(),
                    std::fs::read(fresh.path().join(name)).unwrap(),
                    "{name}"
                );
            }
            assert_eq!(
                std::fs::read_dir(&golden).unwrap().count(),
                GOLDEN_FILES.len()
            );
        }
    }
}
