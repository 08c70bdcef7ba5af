//! `jobsim validate`: check files without running them.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or Job/CronJob manifests.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn validate(args: ValidateArgs) -> i32 {
    let mut code = 0;
    for file in &args.files {
        match crate::api::load_manifests(file) {
            Ok((manifests, warnings)) => {
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                println!("{}: {} object(s) valid", file.display(), manifests.len());
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = super::EXIT_USAGE;
            }
        }
    }
    code
}
