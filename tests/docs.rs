//! The repository's documentation can be followed from the code: every section citation
//! in a comment of `src/` or `tests/` names a heading that exists under `docs/`, and every
//! relative link in `docs/` (and in the README) points to a file that exists.
//!
//! A citation is a section sign followed by a section number (`6.2`), optionally preceded
//! by the document it cites: `job-semantics`, `cronjob-semantics` (the Kubernetes
//! reference, `docs/reference/`) or `DESIGN` (`docs/design.md`). A citation that does not
//! name its document (a bare one, or one written "reference" plus a section) is resolved in
//! this order:
//! 1. it continues a list on the same line ("… §8.1, §8.2"): the document of the previous
//!    citation on that line;
//! 2. the file's place: the CronJob controller and the cron language
//!    (`src/controllers/cronjob/`, `src/cron/`) cite the CronJob reference; the Job
//!    controller and the pod-level controllers whose rules the Job reference covers (kubelet,
//!    scheduler, node lifecycle, PodGC, TTL) cite the Job reference;
//! 3. the first document the file names anywhere (its module documentation usually does).
//!
//! A citation none of these resolves is ambiguous: it must then exist in at least one of
//! the documents, and it is listed on stderr so that it can be rewritten to name its file.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The documents a citation can name, and the file that holds each.
const DOCUMENTS: [(&str, &str); 3] = [
    ("cronjob-semantics", "docs/reference/cronjob-semantics.md"),
    ("job-semantics", "docs/reference/job-semantics.md"),
    ("DESIGN", "docs/design.md"),
];

/// Every `.rs` file under `dir`, sorted, this file excluded (its documentation shows the
/// citation forms without citing anything).
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") && !path.ends_with("tests/docs.rs") {
            out.push(path);
        }
    }
}

/// The section numbers of a Markdown file's headings (`## 6. …`, `### 6.2 …`).
fn heading_numbers(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter(|line| line.starts_with('#'))
        .filter_map(|line| {
            let title = line.trim_start_matches('#').trim_start();
            let number: String = title
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let number = number.trim_end_matches('.');
            (!number.is_empty()).then(|| number.to_string())
        })
        .collect()
}

/// One citation found in a source file.
#[derive(Debug)]
struct Citation {
    file: String,
    line: usize,
    /// The document named right before the section sign, if any.
    named: Option<&'static str>,
    /// The document of the previous citation on the same line, if any.
    previous_on_line: Option<&'static str>,
    section: String,
}

/// The document named by the words that end `before` (at most two separator characters
/// between the name and the section sign), if any.
fn named_before(before: &str) -> Option<&'static str> {
    let trimmed = before.trim_end_matches([' ', '\u{a0}']);
    if before.len() - trimmed.len() > 2 {
        return None;
    }
    // Also written as the file name: "`cronjob-semantics.md` §2".
    let trimmed = trimmed.trim_end_matches('`');
    let trimmed = trimmed.strip_suffix(".md").unwrap_or(trimmed);
    // `cronjob-semantics` before `job-semantics`: the longer name ends with the shorter.
    DOCUMENTS
        .iter()
        .map(|(name, _)| *name)
        .find(|name| trimmed.ends_with(name))
}

/// The document a file mentions first, cited or not (rule 3).
fn first_mentioned(text: &str) -> Option<&'static str> {
    DOCUMENTS
        .iter()
        .filter_map(|(name, _)| {
            text.match_indices(name)
                // `job-semantics` inside `cronjob-semantics` is the other document.
                .find(|(at, _)| !(*name == "job-semantics" && text[..*at].ends_with("cron")))
                .map(|(at, _)| (at, *name))
        })
        .min()
        .map(|(_, name)| name)
}

/// The citations of one file, in order.
fn citations(file: &str, text: &str) -> Vec<Citation> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut previous: Option<&'static str> = None;
        for (at, _) in line.match_indices('§') {
            let rest = line[at + '§'.len_utf8()..].trim_start_matches(' ');
            let section: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let section = section.trim_end_matches('.').to_string();
            if section.is_empty() {
                continue;
            }
            let named = named_before(&line[..at]);
            found.push(Citation {
                file: file.to_string(),
                line: index + 1,
                named,
                previous_on_line: previous,
                section,
            });
            previous = named.or(previous);
        }
    }
    found
}

/// The document a file's unnamed citations mean by its place in the tree (rule 2).
fn document_of_place(file: &str) -> Option<&'static str> {
    const JOB_REFERENCE: [&str; 5] = [
        "src/controllers/kubelet.rs",
        "src/controllers/scheduler.rs",
        "src/controllers/node_lifecycle.rs",
        "src/controllers/pod_gc.rs",
        "src/controllers/ttl.rs",
    ];
    if file.starts_with("src/controllers/cronjob/") || file.starts_with("src/cron/") {
        Some("cronjob-semantics")
    } else if file.starts_with("src/controllers/job/") || JOB_REFERENCE.contains(&file) {
        Some("job-semantics")
    } else {
        None
    }
}

fn document_text(relative: &str) -> String {
    let path = Path::new(ROOT).join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn every_section_citation_in_the_code_names_an_existing_heading() {
    let headings: Vec<(&str, &str, BTreeSet<String>)> = DOCUMENTS
        .iter()
        .map(|(name, path)| (*name, *path, heading_numbers(&document_text(path))))
        .collect();
    let sections_of = |document: &str| {
        &headings
            .iter()
            .find(|(name, _, _)| *name == document)
            .expect("a known document")
            .2
    };

    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        rust_files(&Path::new(ROOT).join(dir), &mut files);
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    let mut ambiguous = Vec::new();
    for path in &files {
        let file = path
            .strip_prefix(ROOT)
            .expect("under the crate root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(path).expect("a readable source file");
        let first_named = first_mentioned(&text);
        for citation in citations(&file, &text) {
            checked += 1;
            let document = citation
                .named
                .or(citation.previous_on_line)
                .or_else(|| document_of_place(&file))
                .or(first_named);
            match document {
                Some(document) => {
                    if !sections_of(document).contains(&citation.section) {
                        broken.push(format!(
                            "{}:{}: {document} §{} has no such heading",
                            citation.file, citation.line, citation.section
                        ));
                    }
                }
                None => {
                    let holders: Vec<&str> = headings
                        .iter()
                        .filter(|(_, _, sections)| sections.contains(&citation.section))
                        .map(|(_, path, _)| *path)
                        .collect();
                    if holders.is_empty() {
                        broken.push(format!(
                            "{}:{}: §{} is a heading of no document",
                            citation.file, citation.line, citation.section
                        ));
                    } else {
                        ambiguous.push(format!(
                            "{}:{}: §{} names no document (it exists in {})",
                            citation.file,
                            citation.line,
                            citation.section,
                            holders.join(", ")
                        ));
                    }
                }
            }
        }
    }
    for line in &ambiguous {
        eprintln!("citation to rewrite with its document: {line}");
    }
    assert!(
        checked > 100,
        "only {checked} citations found: is the scanner still reading comments?"
    );
    assert!(
        broken.is_empty(),
        "citations without a heading:\n{}",
        broken.join("\n")
    );
}

/// The text of a Markdown page with its code spans and fenced blocks blanked out: a
/// `[a](b)` inside backticks (a regular expression, say) is code, not a link.
fn without_code(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            for (i, part) in line.split('`').enumerate() {
                // Even parts are prose, odd parts sit between backticks.
                if i % 2 == 0 {
                    out.push_str(part);
                }
                out.push(' ');
            }
        }
        out.push('\n');
    }
    out
}

/// The relative link targets of a Markdown text (`[text](target)`), anchors removed;
/// web addresses, same-page anchors and anything inside code are left out.
fn relative_links(markdown: &str) -> Vec<String> {
    let mut links = Vec::new();
    let prose = without_code(markdown);
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].trim();
        let target = target.split_whitespace().next().unwrap_or("");
        let external = target.contains("://") || target.starts_with("mailto:");
        let path = target.split('#').next().unwrap_or("");
        if !external && !path.is_empty() {
            links.push(path.to_string());
        }
        rest = &rest[end..];
    }
    links
}

#[test]
fn every_relative_link_in_the_documentation_points_to_a_file() {
    let mut pages = vec![PathBuf::from(ROOT).join("README.md")];
    let mut pending = vec![PathBuf::from(ROOT).join("docs")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("docs/ exists") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    let mut broken = Vec::new();
    for page in &pages {
        let text = fs::read_to_string(page).expect("a readable page");
        let dir = page.parent().expect("a page sits in a folder");
        for link in relative_links(&text) {
            if !dir.join(&link).exists() {
                let shown = page.strip_prefix(ROOT).unwrap_or(page);
                broken.push(format!("{}: {link}", shown.display()));
            }
        }
    }
    assert!(
        pages.len() >= 5,
        "expected the README and at least four pages under docs/"
    );
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_reference_keeps_the_section_numbers_the_code_cites() {
    // The numbering is the contract: a section may be reworded, never renumbered.
    let job = heading_numbers(&document_text("docs/reference/job-semantics.md"));
    let cron = heading_numbers(&document_text("docs/reference/cronjob-semantics.md"));
    for section in [
        "0", "1.3", "4.3", "6.2", "8.1", "8.2", "16.2", "18.4", "20", "23",
    ] {
        assert!(job.contains(section), "job-semantics lost §{section}");
    }
    for section in ["0", "1.4", "1.7", "2.3", "3", "5.4", "5.11", "6", "8", "11"] {
        assert!(cron.contains(section), "cronjob-semantics lost §{section}");
    }
}

#[test]
fn a_bracketed_pattern_in_backticks_is_not_a_link() {
    let page =
        "Names are `[a-z]([-a-z]*)?` parts; see [the design](design.md).\n```\n[x](y.md)\n```\n";
    assert_eq!(relative_links(page), ["design.md"]);
}
