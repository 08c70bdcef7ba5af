//! Writes a synthetic run of N pods (default 100,000) into DIR and times `render_all` on it:
//! `cargo run --release --example report_synthetic -- DIR [PODS]`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: report_synthetic DIR [PODS]");
        std::process::exit(2);
    };
    let pods = args.next().and_then(|p| p.parse().ok()).unwrap_or(100_000);
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = jobsim::report::synthetic::write_run(&dir, pods) {
        eprintln!("report_synthetic: {}: {e}", dir.display());
        std::process::exit(2);
    }
    let started = Instant::now();
    match jobsim::report::render_all(&dir) {
        Ok(written) => {
            let elapsed = started.elapsed();
            for path in written {
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                println!("{size:>10}  {}", path.display());
            }
            println!("render_all: {elapsed:?} for {pods} pods");
        }
        Err(e) => {
            eprintln!("report_synthetic: {e}");
            std::process::exit(2);
        }
    }
}
