//! `jobsim validate`: check files without running them. Manifests are loaded, defaulted and
//! validated as the API server would; every problem is printed as `file:line:column: field:
//! message`, warnings (ignored fields) prefixed with `warning:`. Scenario files are recognised
//! and left to the scenario reader.

use clap::Args;
use std::path::PathBuf;

use crate::api::{ManifestError, is_scenario_text, load_manifests_str};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or Job/CronJob manifests.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn validate(args: ValidateArgs) -> i32 {
    let mut code = 0;
    for file in &args.files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(source) => {
                let e = ManifestError::Io {
                    file: file.clone(),
                    source,
                };
                eprintln!("error: {e}");
                code = super::EXIT_USAGE;
                continue;
            }
        };
        if is_scenario_text(&text) {
            // The scenario reader validates its own files (and the manifests they name).
            println!("{}: scenario (checked when run)", file.display());
            continue;
        }
        match load_manifests_str(&text, file) {
            Ok((manifests, warnings)) => {
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                println!("{}: {} object(s) valid", file.display(), manifests.len());
            }
            Err(e) => {
                for line in e.to_string().lines() {
                    eprintln!("error: {line}");
                }
                code = super::EXIT_USAGE;
            }
        }
    }
    code
}
