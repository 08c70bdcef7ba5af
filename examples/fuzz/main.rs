//! A fuzzing driver on stable Rust (no libFuzzer): makes inputs for each target from a
//! seeded random stream and the seed corpus, runs each through the library under
//! `catch_unwind`, and checks each input's time (over 1 s is a hang) and peak memory
//! (over 1 GiB is a failure, measured by a counting global allocator).
//!
//! ```text
//! cargo run --release --example fuzz -- TARGET [--iterations N | --seconds S] [--seed S]
//! cargo run --release --example fuzz -- TARGET --seed S --iteration I   # replay one input
//! cargo run --release --example fuzz -- TARGET --replay FILE
//! ```
//!
//! TARGET is one of `cron`, `duration`, `quantity`, `manifest`, `scenario`, `report`,
//! `vary` (`--vary` arguments and `jobsim plan`'s ranges), or `all` (each target gets a
//! share of the iterations or seconds). A failure prints its target, seed and iteration
//! and saves the input under `tests/data/fuzz/crashes/`; the
//! test `fuzz::crash_reproducers_no_longer_fail` replays every file there. An input that
//! runs over 10 s or grows past 1 GiB is saved by a watchdog while it still runs, so a
//! true hang or an abort still leaves its reproducer. Exit status 1 when anything failed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod targets;

use targets::{Context, Corpus, Outcome, TARGETS};

// ---- memory ------------------------------------------------------------------------

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Beyond this the allocator refuses (the process aborts, after the watchdog saved the
/// input at 1 GiB), so that a runaway input cannot take the machine down.
const HARD_LIMIT: usize = 3 << 30;
/// An input whose peak grows this far above the live bytes before it is a failure.
const MEMORY_LIMIT: usize = 1 << 30;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        if live > HARD_LIMIT {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let grow = new_size - layout.size();
            let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
            if live > HARD_LIMIT {
                LIVE.fetch_sub(grow, Ordering::Relaxed);
                return std::ptr::null_mut();
            }
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// ---- the input being run, for the watchdog -------------------------------------------

/// The input now running (target, seed, iteration, bytes), its start, and the live bytes
/// before it.
struct Current {
    target: &'static str,
    seed: u64,
    iteration: u64,
    input: Vec<u8>,
}

static CURRENT: Mutex<Option<Current>> = Mutex::new(None);
static STARTED_MS: AtomicU64 = AtomicU64::new(0);
static BASELINE: AtomicUsize = AtomicUsize::new(0);
static SAVED_BY_WATCHDOG: AtomicBool = AtomicBool::new(false);

/// An input still running after this long is saved and the run stops.
const WATCHDOG_LIMIT: Duration = Duration::from_secs(10);
/// An input that took longer than this is a hang.
const HANG_LIMIT: Duration = Duration::from_secs(1);

fn crash_dir(root: &Path) -> PathBuf {
    root.join("tests/data/fuzz/crashes")
}

fn save(root: &Path, c: &Current, why: &str) -> PathBuf {
    let dir = crash_dir(root);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!(
        "{}-{why}-s{}-i{}.{}",
        c.target,
        c.seed,
        c.iteration,
        targets::extension(c.target)
    ));
    let _ = std::fs::write(&path, &c.input);
    path
}

fn watchdog(root: PathBuf, epoch: Instant) {
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let started = STARTED_MS.load(Ordering::Relaxed);
        if started == 0 {
            continue;
        }
        let now = epoch.elapsed().as_millis() as u64;
        let over_time = now.saturating_sub(started) > WATCHDOG_LIMIT.as_millis() as u64;
        let grown = PEAK
            .load(Ordering::Relaxed)
            .saturating_sub(BASELINE.load(Ordering::Relaxed));
        let over_memory = grown > MEMORY_LIMIT;
        if (over_time || over_memory) && !SAVED_BY_WATCHDOG.swap(true, Ordering::Relaxed) {
            if let Ok(guard) = CURRENT.try_lock()
                && let Some(c) = guard.as_ref()
            {
                let why = if over_time { "hang" } else { "memory" };
                let path = save(&root, c, why);
                eprintln!(
                    "FAIL {why} (watchdog): target {} seed {} iteration {} saved as {}",
                    c.target,
                    c.seed,
                    c.iteration,
                    path.display()
                );
            }
            if over_time {
                eprintln!("stopping: an input has run for over {WATCHDOG_LIMIT:?}");
                std::process::exit(1);
            }
        }
    }
}

// ---- the loop ------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    inputs: u64,
    refused: u64,
    accepted: u64,
    simulated: u64,
    panics: u64,
    hangs: u64,
    over_memory: u64,
    slowest: Duration,
    peak: usize,
}

static PANIC_MESSAGE: Mutex<String> = Mutex::new(String::new());

struct Run<'a> {
    corpus: &'a Corpus,
    ctx: Context,
    root: PathBuf,
    epoch: Instant,
}

impl Run<'_> {
    /// Runs one input; returns whether it failed.
    fn one(
        &self,
        target: &'static str,
        seed: u64,
        iteration: u64,
        input: Vec<u8>,
        t: &mut Tally,
    ) -> bool {
        let input_copy = input.clone();
        *CURRENT.lock().unwrap() = Some(Current {
            target,
            seed,
            iteration,
            input,
        });
        let live = LIVE.load(Ordering::Relaxed);
        BASELINE.store(live, Ordering::Relaxed);
        PEAK.store(live, Ordering::Relaxed);
        let start = Instant::now();
        STARTED_MS.store(
            self.epoch.elapsed().as_millis().max(1) as u64,
            Ordering::Relaxed,
        );
        let result = catch_unwind(AssertUnwindSafe(|| {
            targets::execute(target, &input_copy, &self.ctx)
        }));
        STARTED_MS.store(0, Ordering::Relaxed);
        let took = start.elapsed();
        let grown = PEAK.load(Ordering::Relaxed).saturating_sub(live);
        SAVED_BY_WATCHDOG.store(false, Ordering::Relaxed);
        t.inputs += 1;
        t.slowest = t.slowest.max(took);
        t.peak = t.peak.max(grown);
        let mut failure = None;
        match result {
            Ok(Outcome::Refused) => t.refused += 1,
            Ok(Outcome::Accepted) => t.accepted += 1,
            Ok(Outcome::Simulated) => t.simulated += 1,
            Err(_) => {
                t.panics += 1;
                failure = Some(("panic", PANIC_MESSAGE.lock().unwrap().clone()));
            }
        }
        if took > HANG_LIMIT {
            t.hangs += 1;
            failure.get_or_insert(("hang", format!("took {took:?}")));
        }
        if grown > MEMORY_LIMIT {
            t.over_memory += 1;
            failure.get_or_insert((
                "memory",
                format!("peak {} MiB above the start", grown >> 20),
            ));
        }
        let Some((why, message)) = failure else {
            return false;
        };
        let guard = CURRENT.lock().unwrap();
        let path = save(&self.root, guard.as_ref().unwrap(), why);
        eprintln!(
            "FAIL {why}: target {target} seed {seed} iteration {iteration}: {message}\n  input saved as {}",
            path.display()
        );
        true
    }

    fn target(&self, target: &'static str, seed: u64, first: u64, limit: Limit) -> Tally {
        let mut t = Tally::default();
        let start = Instant::now();
        let mut i = first;
        loop {
            match limit {
                Limit::Iterations(n) if i - first >= n => break,
                Limit::Time(d) if (i - first).is_multiple_of(64) && start.elapsed() >= d => break,
                _ => {}
            }
            let mut rng = targets::rng_for(seed, target, i);
            let input = targets::generate(target, self.corpus, &mut rng);
            self.one(target, seed, i, input, &mut t);
            i += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{target:>9}: {:>10} inputs in {secs:>7.1} s ({:>8.0}/s), {} refused, {} accepted, {} simulated; \
             {} panics, {} hangs, {} over 1 GiB; slowest {:.1} ms, largest peak {:.1} MiB",
            t.inputs,
            t.inputs as f64 / secs.max(1e-9),
            t.refused,
            t.accepted,
            t.simulated,
            t.panics,
            t.hangs,
            t.over_memory,
            t.slowest.as_secs_f64() * 1e3,
            t.peak as f64 / (1 << 20) as f64,
        );
        t
    }
}

#[derive(Clone, Copy)]
enum Limit {
    Iterations(u64),
    Time(Duration),
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz TARGET [--iterations N | --seconds S] [--seed S] [--first I]\n       \
         fuzz TARGET --seed S --iteration I\n       fuzz TARGET --replay FILE\n\
         TARGET: {} or all",
        TARGETS.join(", ")
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(target) = args.first().cloned() else {
        usage()
    };
    let mut limit = Limit::Iterations(10_000);
    let mut seed = 1u64;
    let mut first = 0u64;
    let mut replay: Option<PathBuf> = None;
    let mut single: Option<u64> = None;
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_else(|| usage());
        match args[i].as_str() {
            "--iterations" => limit = Limit::Iterations(value.parse().unwrap_or_else(|_| usage())),
            "--seconds" => {
                limit = Limit::Time(Duration::from_secs_f64(
                    value.parse().unwrap_or_else(|_| usage()),
                ))
            }
            "--seed" => seed = value.parse().unwrap_or_else(|_| usage()),
            "--first" => first = value.parse().unwrap_or_else(|_| usage()),
            "--iteration" => single = Some(value.parse().unwrap_or_else(|_| usage())),
            "--replay" => replay = Some(PathBuf::from(value)),
            _ => usage(),
        }
        i += 2;
    }
    let chosen: Vec<&'static str> = if target == "all" {
        TARGETS.to_vec()
    } else if let Some(t) = TARGETS.iter().find(|t| **t == target) {
        vec![*t]
    } else {
        usage()
    };

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = Corpus::load(&root);
    let scratch = std::env::temp_dir().join(format!("jobsim-fuzz-{}", std::process::id()));
    let epoch = Instant::now();
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut m) = PANIC_MESSAGE.try_lock() {
            *m = info.to_string();
        }
    }));
    {
        let root = root.clone();
        std::thread::spawn(move || watchdog(root, epoch));
    }
    let run = Run {
        corpus: &corpus,
        ctx: Context {
            root: root.clone(),
            scratch,
        },
        root,
        epoch,
    };
    println!("fuzz: seed {seed}");
    let failed;
    if let Some(file) = replay {
        let input = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut t = Tally::default();
        failed = run.one(chosen[0], seed, u64::MAX, input, &mut t);
        println!(
            "replayed {}: {}",
            file.display(),
            if failed { "FAILED" } else { "ok" }
        );
    } else if let Some(iteration) = single {
        let mut rng = targets::rng_for(seed, chosen[0], iteration);
        let input = targets::generate(chosen[0], &corpus, &mut rng);
        println!("{}", String::from_utf8_lossy(&input));
        let mut t = Tally::default();
        failed = run.one(chosen[0], seed, iteration, input, &mut t);
    } else {
        let total: f64 = chosen.iter().map(|t| targets::weight(t)).sum();
        let mut all = Tally::default();
        for t in &chosen {
            let share = targets::weight(t) / total;
            let l = match limit {
                Limit::Iterations(n) => Limit::Iterations(((n as f64) * share).ceil() as u64),
                Limit::Time(d) => Limit::Time(d.mul_f64(share)),
            };
            let r = run.target(t, seed, first, l);
            all.inputs += r.inputs;
            all.panics += r.panics;
            all.hangs += r.hangs;
            all.over_memory += r.over_memory;
        }
        println!(
            "fuzz: {} inputs, {} panics, {} hangs, {} over 1 GiB (seed {seed})",
            all.inputs, all.panics, all.hangs, all.over_memory
        );
        failed = all.panics + all.hangs + all.over_memory > 0;
    }
    targets::clean(&run.ctx);
    std::process::exit(i32::from(failed));
}
