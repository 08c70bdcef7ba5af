//! The `jobsim` binary: parses the command line and hands it to [`jobsim::cli`], which maps
//! every outcome to an exit code. No logic lives here.

use clap::Parser;

/// Allocations above this size are served by mmap and handed back to the system when
/// freed. glibc's adaptive default (up to 32 MiB) keeps freed simulation arenas and report
/// buffers in the heap, which a year-long run then carries into the report phase.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_BYTES: libc::c_int = 256 * 1024;

fn main() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
    let cli = jobsim::cli::Cli::parse();
    std::process::exit(jobsim::cli::main(cli));
}
