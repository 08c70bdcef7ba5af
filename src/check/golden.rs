//! Golden outputs: a run's `summary.json`, `objects.json`, `pods.csv`, `jobs.csv` and
//! `events.csv` compared with committed copies. Differences are reported the way a person
//! reads them — which pod or Job, which field, old → new — not as a line diff. The only
//! volatile value, ignored, is the jobsim version in `summary.json` (key
//! [`VOLATILE_SUMMARY_KEY`]).

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

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

/// Compares the outputs in `fresh` with the golden copies in `golden`: one line per
/// difference found (at most [`MAX_DIFFERENCES`] per file), empty when they agree.
pub fn compare(golden: &Path, fresh: &Path) -> std::io::Result<Vec<String>> {
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
        let old = std::fs::read_to_string(&old_path)?;
        let new = std::fs::read_to_string(fresh.join(name))?;
        let diffs = if name.ends_with(".json") {
            json_differences(&old, &new, name == "summary.json")
        } else {
            csv_differences(&old, &new, name == "events.csv")
        };
        out.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
    }
    Ok(out)
}

/// Copies the outputs of `fresh` into `golden` (created when missing), each whole or not at
/// all and a piece at a time.
pub fn bless(golden: &Path, fresh: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(golden)?;
    for name in GOLDEN_FILES {
        crate::record::files::copy_atomic(&fresh.join(name), &golden.join(name))?;
    }
    Ok(())
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

/// Differences of two CSV files with a header: rows are matched by their first column (the
/// pod or Job name), or by position for `events.csv`; a changed row is reported field by
/// field.
fn csv_differences(old: &str, new: &str, by_position: bool) -> Vec<String> {
    let rows = |t: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(t.as_bytes())
            .records()
            .filter_map(Result::ok)
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    };
    let (a, b) = (rows(old), rows(new));
    let mut out = Vec::new();
    let (Some(ha), Some(hb)) = (a.first(), b.first()) else {
        return if a.len() == b.len() {
            out
        } else {
            vec!["empty".to_string()]
        };
    };
    if ha != hb {
        return vec![format!("columns {} → {}", ha.join(","), hb.join(","))];
    }
    let header = ha.clone();
    let describe = |old: &[String], new: &[String], key: String, out: &mut Vec<String>| {
        for ((col, x), y) in header.iter().zip(old).zip(new) {
            if x != y && out.len() < MAX_DIFFERENCES {
                out.push(format!("{key}: {col} {x:?} → {y:?}"));
            }
        }
    };
    if by_position {
        for (i, (x, y)) in a[1..].iter().zip(&b[1..]).enumerate() {
            if x != y {
                describe(x, y, format!("row {}", i + 2), &mut out);
            }
        }
    } else {
        let kind = header.first().cloned().unwrap_or_default();
        let index = |rows: &[Vec<String>]| -> std::collections::BTreeMap<String, Vec<String>> {
            rows[1..]
                .iter()
                .map(|r| (r.first().cloned().unwrap_or_default(), r.clone()))
                .collect()
        };
        let (ia, ib) = (index(&a), index(&b));
        for (k, ra) in &ia {
            match ib.get(k) {
                Some(rb) if rb != ra => describe(ra, rb, format!("{kind} {k}"), &mut out),
                None if out.len() < MAX_DIFFERENCES => out.push(format!("{kind} {k}: removed")),
                _ => {}
            }
        }
        for k in ib.keys() {
            if !ia.contains_key(k) && out.len() < MAX_DIFFERENCES {
                out.push(format!("{kind} {k}: added"));
            }
        }
    }
    if a.len() != b.len() && out.len() < MAX_DIFFERENCES {
        out.push(format!("{} → {} rows", a.len() - 1, b.len() - 1));
    }
    out.truncate(MAX_DIFFERENCES);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_pod_is_named_with_its_field_old_and_new() {
        let old = "pod,job,finished\na-1,a,5.000\na-2,a,6.000\n";
        let new = "pod,job,finished\na-1,a,5.000\na-2,a,7.500\n";
        assert_eq!(
            csv_differences(old, new, false),
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
