//! Helpers for the tests that drive the built `jobsim` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn jobsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jobsim"))
}

/// The repository root (tests run with the package root as working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run(args: &[&str]) -> Output {
    jobsim()
        .args(args)
        .current_dir(root())
        .output()
        .expect("the jobsim binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `jobsim run FILE --out DIR` with extra arguments and asserts success.
pub fn run_to(file: &str, dir: &Path, extra: &[&str]) -> Output {
    let out = dir.to_string_lossy().into_owned();
    let mut args = vec!["run", file, "--out", &out, "--quiet"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    o
}

pub const OUTPUT_FILES: [&str; 6] = [
    "summary.json",
    "objects.json",
    "pods.csv",
    "jobs.csv",
    "events.csv",
    "nodes.csv",
];
