//! The input files a command names: files as given, folders walked recursively. A folder
//! contributes every `*.yaml` and `*.yml` file below it except a bare manifest's
//! expectations (`*.expect.yml`), in byte order of their paths, each folder's entries
//! sorted by name, so that the order is the same on every machine.

use std::path::{Path, PathBuf};

/// Why the input files could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot read the folder", dir.display())]
pub struct ListError {
    pub dir: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Whether a folder walk takes this file.
pub fn is_input_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".expect.yml")
}

/// `paths` with every folder replaced by the input files below it.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ListError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files)?;
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ListError> {
    let err = |source| ListError {
        dir: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_input_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}
