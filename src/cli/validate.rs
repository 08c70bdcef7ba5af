//! `jobsim validate`: check scenario files and manifests without running them.

use std::error::Error;
use std::path::PathBuf;

use clap::Args;
use jobsim::{LoadError, LoadOptions};

use super::output::{Stdout, StdoutError};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct ValidateArgs {
    /// Scenario files, Job/CronJob manifests, folders (walked recursively for `*.yaml` and
    /// `*.yml`) or `-` for standard input.
    #[arg(required_unless_present = "filename")]
    pub files: Vec<PathBuf>,
    /// The same, in kubectl's spelling (`-f job.yaml`, `-f -` for standard input); may be
    /// repeated.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filename: Vec<PathBuf>,
    /// What to do with fields Kubernetes does not know, as kubectl's flag: `strict` refuses
    /// the object (the default, as `kubectl apply`), `warn` warns and drops the field,
    /// `ignore` drops it silently.
    #[arg(long, value_name = "strict|warn|ignore", default_value = "strict")]
    pub validate: jobsim::FieldValidation,
}

/// Why `jobsim validate` failed: the files that do not load (each is checked, and each
/// failure is reported), or standard output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<LoadError>),
    #[error(transparent)]
    List(#[from] super::inputs::ListError),
    #[error(transparent)]
    Stdout(#[from] StdoutError),
}

impl ValidateError {
    /// Exit code 2 for invalid files, 3 when standard output could not be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            ValidateError::Invalid(_) | ValidateError::List(_) => super::EXIT_USAGE,
            ValidateError::Stdout(_) => super::EXIT_OUTPUT,
        }
    }

    /// One error per invalid file, in the order the files were given.
    pub(super) fn failures(&self) -> Vec<&(dyn Error + 'static)> {
        match self {
            ValidateError::Invalid(errors) => {
                errors.iter().map(|e| e as &(dyn Error + 'static)).collect()
            }
            other => vec![other],
        }
    }
}

/// Checks each file on its own and prints `FILE: valid (N object(s))` for each that loads.
pub fn validate(args: ValidateArgs, out: &mut Stdout) -> Result<(), ValidateError> {
    let mut failures = Vec::new();
    let options = LoadOptions {
        field_validation: args.validate,
        overrides: Vec::new(),
    };
    let files = super::inputs::expand(&[args.files.as_slice(), &args.filename].concat())?;
    for file in &files {
        match jobsim::load_files(std::slice::from_ref(file), &options) {
            Ok((scenarios, warnings)) => {
                for w in warnings {
                    super::warn(w);
                }
                let objects: usize = scenarios.iter().map(|s| s.workloads.len()).sum();
                out.line(format_args!(
                    "{}: valid ({objects} object(s))",
                    file.display()
                ))?;
            }
            Err(e) => failures.push(e),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ValidateError::Invalid(failures))
    }
}
