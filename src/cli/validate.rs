//! `jobsim validate`: check scenario files and manifests without running them.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or Job/CronJob manifests.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// What to do with fields Kubernetes does not know, as kubectl's flag: `strict` refuses
    /// the object (the default, as `kubectl apply`), `warn` warns and drops the field,
    /// `ignore` drops it silently.
    #[arg(long, value_name = "strict|warn|ignore", default_value = "strict")]
    pub validate: crate::api::FieldValidation,
}

/// Checks each file on its own; exit 0 when all are valid, 2 otherwise.
pub fn validate(args: ValidateArgs) -> i32 {
    let mut code = 0;
    for file in &args.files {
        match crate::scenario::load_inputs_with(std::slice::from_ref(file), args.validate) {
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
