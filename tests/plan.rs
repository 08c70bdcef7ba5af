//! `jobsim plan` (issue: capacity planning, item 7): the smallest node count for the
//! shipped nightly batch, its evidence, the same at any thread count, and the exit codes.

use crate::binary::{jobsim, root, stderr, stdout};

const NIGHTLY: &str = "scenarios/capacity/nightly-batch.yaml";

fn plan(args: &[&str], threads: &str) -> std::process::Output {
    jobsim()
        .arg("plan")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(root())
        .output()
        .expect("the jobsim binary runs")
}

/// The evidence rows: (marked as the answer, value, runs, met).
fn rows(text: &str) -> Vec<(bool, i64, u64, u64)> {
    text.lines()
        .filter_map(|l| {
            let marked = l.starts_with('→');
            let mut words = l.trim_start_matches('→').split_whitespace();
            let value = words.next()?.parse().ok()?;
            let runs = words.next()?.parse().ok()?;
            let met = words.next()?.parse().ok()?;
            Some((marked, value, runs, met))
        })
        .collect()
}

#[test]
fn plan_gives_the_smallest_node_count_for_the_nightly_batch_and_its_evidence_at_one_and_two_threads()
 {
    let args = [
        NIGHTLY,
        "--vary",
        "cluster.nodePools.batch.count=1..40",
        "--target",
        "job/etl Complete within 6h",
        "--quantile",
        "0.95",
        "--seeds",
        "20",
    ];
    let one = plan(&args, "1");
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let two = plan(&args, "2");
    assert_eq!(two.status.code(), Some(0), "{}", stderr(&two));
    let text = stdout(&one);
    assert_eq!(
        text,
        stdout(&two),
        "the same answer and numbers at 1 and 2 threads"
    );
    let answer: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("answer: cluster.nodePools.batch.count="))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("an answer line: {text}"));
    let table = rows(&text);
    // The answer meets the target in at least 95 % of the seeds (19 of 20)…
    let at = table
        .iter()
        .find(|r| r.1 == answer)
        .expect("the answer's row");
    assert!(at.0, "the answer's row is marked: {text}");
    assert!(at.2 == 20 && at.3 >= 19, "{text}");
    // …and one node fewer does not: it is the smallest.
    let below = table
        .iter()
        .find(|r| r.1 == answer - 1)
        .expect("the row below the answer");
    assert!(below.3 < 19, "{text}");
    // Every row above the answer meets it too (more nodes never hurt here).
    assert!(
        table.iter().filter(|r| r.1 > answer).all(|r| r.3 >= 19),
        "{text}"
    );
    assert!(text.contains("mean cost (USD)"), "{text}");
    assert!(
        text.contains(&format!(
            "reproduce: jobsim plan {NIGHTLY} --vary cluster.nodePools.batch.count={}..{answer} --target 'job/etl Complete within 6h' --quantile 0.95 --seeds 20",
            answer - 1
        )),
        "{text}"
    );
}

#[test]
fn plan_exits_one_naming_the_best_value_when_no_value_meets_the_target() {
    let o = plan(
        &[
            NIGHTLY,
            "--vary",
            "cluster.nodePools.batch.count=1..2",
            "--target",
            "{job: etl, condition: Complete, within: 6h}",
            "--seeds",
            "3",
        ],
        "2",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("no value of cluster.nodePools.batch.count in 1..2 meets the target")
            && err.contains("the best is"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("answer: none in 1..2"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn plan_refuses_a_target_naming_a_missing_job_a_cost_without_prices_and_a_bad_path() {
    let missing = plan(
        &[
            NIGHTLY,
            "--vary",
            "cluster.nodePools.batch.count=1..4",
            "--target",
            "job/nope Complete",
        ],
        "1",
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("target.job: Not found: \"nope\""),
        "{}",
        stderr(&missing)
    );
    let unpriced = plan(
        &[
            "scenarios/teaching/waits-for-capacity.yaml",
            "--vary",
            "cluster.nodePools.small.count=1..4",
            "--target",
            "cost lessThan 1",
        ],
        "1",
    );
    assert_eq!(unpriced.status.code(), Some(2));
    assert!(
        stderr(&unpriced).contains("no price"),
        "{}",
        stderr(&unpriced)
    );
    let bad_path = plan(
        &[
            NIGHTLY,
            "--vary",
            "cluster.nodePools.gpu.count=1..4",
            "--target",
            "job/etl Complete",
        ],
        "1",
    );
    assert_eq!(bad_path.status.code(), Some(2));
    assert!(
        stderr(&bad_path).contains("override cluster.nodePools.gpu.count=1"),
        "{}",
        stderr(&bad_path)
    );
}

#[test]
fn the_help_of_plan_states_the_exit_codes() {
    for flag in ["-h", "--help"] {
        let o = crate::binary::run(&["plan", flag]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("Exit codes: 0"), "{text}");
        assert!(text.contains("1 no value in the range meets it"), "{text}");
        assert!(text.contains("2 bad input or usage"), "{text}");
        assert!(text.contains("3 an output could not be written"), "{text}");
    }
}
