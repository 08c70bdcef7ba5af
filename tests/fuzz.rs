//! The fuzz smoke of CI and the fuzz regressions: the targets of the release driver
//! (`examples/fuzz/`, run as `cargo run --release --example fuzz -- all …`) run here for
//! a few thousand inputs each in the debug build, and every saved reproducer under
//! `tests/data/fuzz/crashes/` is replayed. A failure names the target, seed and iteration;
//! `cargo run --release --example fuzz -- TARGET --seed S --iteration I` replays it.
//! `FUZZ_SEED` and `FUZZ_ITERATIONS` (a multiplier) change the smoke's inputs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../examples/fuzz/targets.rs"]
mod targets;

use targets::{Context, Corpus};

/// Slower than the release driver's 1 s: this is the debug build, about 20 times slower.
const HANG_LIMIT: Duration = Duration::from_secs(10);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn context(name: &str) -> Context {
    Context {
        root: root(),
        scratch: std::env::temp_dir()
            .join(format!("jobsim-fuzz-test-{}-{name}", std::process::id())),
    }
}

/// Runs one input; a panic or a hang is returned as a message.
fn check(target: &str, input: &[u8], ctx: &Context) -> Result<(), String> {
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| targets::execute(target, input, ctx)));
    let took = start.elapsed();
    match result {
        Err(e) => Err(e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())),
        Ok(_) if took > HANG_LIMIT => Err(format!("took {took:?}")),
        Ok(_) => Ok(()),
    }
}

fn smoke(target: &str, iterations: u64) {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203);
    let scale: u64 = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let corpus = Corpus::load(&root());
    let ctx = context(target);
    let mut failures = Vec::new();
    for i in 0..iterations * scale {
        let mut rng = targets::rng_for(seed, target, i);
        let input = targets::generate(target, &corpus, &mut rng);
        if let Err(why) = check(target, &input, &ctx) {
            failures.push(format!(
                "{target} seed {seed} iteration {i}: {why}\n  input: {:?}",
                String::from_utf8_lossy(&input)
            ));
        }
    }
    targets::clean(&ctx);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fuzz_smoke_cron_expressions() {
    smoke("cron", 6_000);
}

#[test]
fn fuzz_smoke_durations() {
    smoke("duration", 20_000);
}

#[test]
fn fuzz_smoke_quantities() {
    smoke("quantity", 20_000);
}

#[test]
fn fuzz_smoke_mutated_manifests() {
    smoke("manifest", 1_500);
}

#[test]
fn fuzz_smoke_mutated_scenarios_simulated_briefly() {
    smoke("scenario", 600);
}

#[test]
fn fuzz_smoke_corrupted_output_folders_read_by_the_report() {
    smoke("report", 300);
}

#[test]
fn fuzz_smoke_vary_arguments_and_plan_ranges_applied_to_sweeps() {
    smoke("vary", 600);
}

/// The target a saved input belongs to: its file name starts with it.
fn target_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    targets::TARGETS
        .iter()
        .copied()
        .find(|t| name.starts_with(&format!("{t}-")))
}

#[test]
fn crash_reproducers_no_longer_fail() {
    let dir = root().join("tests/data/fuzz/crashes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz/crashes exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| target_of(p).is_some())
        .collect();
    files.sort();
    let ctx = context("replay");
    let mut failures = Vec::new();
    for f in &files {
        let target = target_of(f).expect("filtered");
        let input = std::fs::read(f).expect("readable reproducer");
        if let Err(why) = check(target, &input, &ctx) {
            failures.push(format!("{}: {why}", f.display()));
        }
    }
    targets::clean(&ctx);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_seed_corpus_loads_and_stays_small() {
    let corpus = Corpus::load(&root());
    assert!(
        corpus.scenarios.len() >= 10,
        "{} scenarios",
        corpus.scenarios.len()
    );
    let mut bytes = 0;
    for e in std::fs::read_dir(root().join("tests/data/fuzz/corpus"))
        .unwrap()
        .flatten()
    {
        bytes += e.metadata().unwrap().len();
    }
    assert!(bytes < 1 << 20, "the seed corpus is {bytes} bytes");
}
