//! `jobsim validate`: check scenario files and manifests without running them.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or Job/CronJob manifests.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Checks each file on its own; exit 0 when all are valid, 2 otherwise.
pub fn validate(args: ValidateArgs) -> i32 {
    let mut code = 0;
    for file in &args.files {
        match crate::scenario::load_inputs(std::slice::from_ref(file)) {
            Ok((scenarios, warnings)) => {
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                let objects: usize = scenarios.iter().map(|s| s.workloads.len()).sum();
                println!("{}: valid ({objects} object(s))", file.display());
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = super::EXIT_USAGE;
            }
        }
    }
    code
}
