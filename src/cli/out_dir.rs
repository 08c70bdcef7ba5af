//! The output folder of `jobsim run`: written whole, then put in place in one step.
//!
//! A run never writes into its output folder while it runs. It writes every file (records,
//! `summary.json`, charts, `report.html` and the marker [`MARKER`]) into a fresh temporary
//! folder beside the target, `.jobsim-tmp-<pid>-<random>`, created exclusively (a file or
//! symlink already at that name makes the creation fail, never followed). Only when
//! everything is written is it put in place, under an exclusive lock on the parent folder
//! (so two runs into one folder install one after the other: the last to finish wins, whole):
//!
//! - no target yet: the temporary folder is renamed to the target;
//! - the target is empty, or was written by jobsim (it holds [`MARKER`], or was written
//!   before the marker existed and holds nothing but jobsim's output names) and holds
//!   nothing but jobsim's files: the two folders are exchanged in one atomic rename (Linux
//!   `renameat2(RENAME_EXCHANGE)`), then the old run's folder is removed. A reader sees the
//!   old run or the new one, never a mix, and files of the old run that the new one does
//!   not write (a CronJob run's `schedule.svg`) are gone with it;
//! - otherwise (a folder of the user's, or a jobsim folder the user added files to): the
//!   new files are moved in one by one, each by a rename. In a jobsim folder, files of the
//!   older run that the new one did not write are removed; in a folder of the user's nothing
//!   else is touched and no marker is written.
//!
//! A run that fails or is interrupted (SIGINT, SIGTERM) removes its temporary folder and
//! leaves the target as it was. A run killed outright (SIGKILL) leaves its temporary folder
//! behind; the next run beside it removes those of processes that no longer exist.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The marker of a folder written by jobsim: lists the files of the run it holds, one name
/// a line.
pub const MARKER: &str = ".jobsim-run";

/// Prefix of the temporary folders of runs in progress.
const TEMP_PREFIX: &str = ".jobsim-tmp-";

/// The names jobsim writes into an output folder, whatever its run: in a folder that holds
/// [`MARKER`], these are jobsim's (also when the marker does not list them, as for charts
/// drawn later by `jobsim report`).
const OUTPUT_NAMES: &[&str] = &[
    "summary.json",
    "objects.json",
    "pods.csv",
    "jobs.csv",
    "events.csv",
    "nodes.csv",
    "report.html",
    "timeline.svg",
    "timeline.png",
    "throughput.svg",
    "throughput.png",
    "utilisation.svg",
    "utilisation.png",
    "schedule.svg",
    "schedule.png",
];

/// Why the output folder could not be prepared or put in place.
#[derive(Debug, thiserror::Error)]
pub enum OutDirError {
    /// The folder, its parent or the temporary folder beside it cannot be created.
    #[error("{}: cannot create", .0.display())]
    Create(PathBuf, #[source] io::Error),
    /// The finished run's files cannot be moved into the folder.
    #[error("{}: cannot put the run's files in place", .0.display())]
    Install(PathBuf, #[source] io::Error),
}

/// A run's temporary folder beside its target, removed when dropped unless installed.
pub struct Staging {
    target: PathBuf,
    parent: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl Staging {
    /// Creates the temporary folder beside `target` (creating the parent folders when
    /// missing). A target that is a symlink to a folder is followed once, here: the run
    /// goes into the folder it points to.
    pub fn create(target: &Path) -> Result<Staging, OutDirError> {
        let err = |e| OutDirError::Create(target.to_path_buf(), e);
        let target = match fs::symlink_metadata(target) {
            Ok(_) => fs::canonicalize(target).map_err(err)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => absolute(target).map_err(err)?,
            Err(e) => return Err(err(e)),
        };
        let parent = target
            .parent()
            .ok_or_else(|| err(io::Error::other("the output folder has no parent folder")))?
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(err)?;
        remove_stale_temps(&parent);
        let mut builder = tempfile::Builder::new();
        let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
        builder.prefix(&prefix).rand_bytes(10);
        #[cfg(unix)]
        {
            // As create_dir would: 0777 less the umask.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o777));
        }
        let temp = builder.tempdir_in(&parent).map_err(err)?;
        Ok(Staging {
            target,
            parent,
            temp: Some(temp),
        })
    }

    /// The temporary folder the run writes into.
    pub fn path(&self) -> &Path {
        self.temp.as_ref().expect("not yet installed").path()
    }

    /// Writes the marker and puts the run's files in place (see the module's text).
    pub fn install(mut self) -> Result<(), OutDirError> {
        let temp = self.temp.take().expect("installed once");
        let err = |e| OutDirError::Install(self.target.clone(), e);
        let new_files = file_names(temp.path()).map_err(err)?;
        let listing: String = new_files.iter().map(|n| format!("{n}\n")).collect();
        fs::write(temp.path().join(MARKER), listing).map_err(err)?;
        let _lock = lock(&self.parent).map_err(err)?;
        let temp = temp.keep();
        let result = put_in_place(&temp, &self.target, &new_files);
        // Whatever happened, the temporary folder goes (after an exchange it holds the old
        // run).
        let _ = fs::remove_dir_all(&temp);
        result.map_err(err)
    }
}

/// `path` made absolute against the working folder (without resolving symlinks).
fn absolute(path: &Path) -> io::Result<PathBuf> {
    std::path::absolute(path)
}

/// The names of the regular files in `dir`, sorted.
fn file_names(dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            names.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// The files an earlier run listed in the target's marker, `None` when it has none.
fn marker_files(target: &Path) -> Option<BTreeSet<String>> {
    let text = fs::read_to_string(target.join(MARKER)).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

fn put_in_place(temp: &Path, target: &Path, new_files: &BTreeSet<String>) -> io::Result<()> {
    let meta = match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return fs::rename(temp, target),
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(io::Error::other("exists and is not a folder"));
    }
    let mut entries = BTreeSet::new();
    for entry in fs::read_dir(target)? {
        entries.insert(entry?.file_name().to_string_lossy().into_owned());
    }
    let old = marker_files(target);
    let is_jobsims = |name: &String| {
        name == MARKER
            || OUTPUT_NAMES.contains(&name.as_str())
            || old.as_ref().is_some_and(|o| o.contains(name))
    };
    // A folder of jobsim's: marked, or (written before the marker existed) holding nothing
    // but jobsim's output names.
    let whole_folder = entries.is_empty()
        || (old.is_some() && entries.iter().all(is_jobsims))
        || entries.iter().all(|n| OUTPUT_NAMES.contains(&n.as_str()));
    if whole_folder {
        // The new folder keeps the permissions of the one it replaces.
        let _ = fs::set_permissions(temp, meta.permissions());
        match exchange(temp, target) {
            Ok(()) => return Ok(()),
            // A file system without the exchange: move the files instead.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
            Err(e) => return Err(e),
        }
    }
    // File by file: the new files first, the marker last (in a jobsim folder only), then
    // the older run's files the new one did not write.
    for name in new_files {
        fs::rename(temp.join(name), target.join(name))?;
    }
    if old.is_some() || entries.is_empty() {
        fs::rename(temp.join(MARKER), target.join(MARKER))?;
        for name in entries.iter().filter(|n| is_jobsims(n)) {
            if name != MARKER && !new_files.contains(name) {
                let path = target.join(name);
                if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    fs::remove_file(path)?;
                }
            }
        }
    }
    Ok(())
}

/// Exchanges two folders in one atomic rename.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere there is no atomic exchange: the files are moved one by one.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

/// An exclusive advisory lock on `dir`, held until the file is dropped: runs installing
/// beside each other take turns.
fn lock(dir: &Path) -> io::Result<fs::File> {
    let file = fs::File::open(dir)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        loop {
            // SAFETY: flock on a descriptor we own.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                break;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
    Ok(file)
}

/// Removes the temporary folders that runs killed outright left in `parent`: those whose
/// process no longer exists. Best effort; symlinks are never followed.
fn remove_stale_temps(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if pid <= 0 || pid as u32 == std::process::id() || process_exists(pid) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// True when a process `pid` exists (or cannot be told apart from one).
fn process_exists(pid: i32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only checks that the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        fs::write(dir.join(name), text).unwrap();
    }

    fn staged(target: &Path, files: &[(&str, &str)]) -> Staging {
        let s = Staging::create(target).unwrap();
        for (name, text) in files {
            write(s.path(), name, text);
        }
        s
    }

    #[test]
    fn a_new_folder_gets_the_files_and_the_marker() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        staged(&target, &[("summary.json", "1")]).install().unwrap();
        assert_eq!(
            file_names(&target).unwrap(),
            BTreeSet::from([MARKER.to_string(), "summary.json".to_string()])
        );
        assert_eq!(
            fs::read_to_string(target.join(MARKER)).unwrap(),
            "summary.json\n"
        );
    }

    #[test]
    fn a_jobsim_folder_is_replaced_whole_and_stale_files_go() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        staged(&target, &[("summary.json", "1"), ("schedule.svg", "old")])
            .install()
            .unwrap();
        staged(&target, &[("summary.json", "2")]).install().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "2"
        );
        assert!(!target.join("schedule.svg").exists());
        let leftovers: Vec<_> = fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary folder remains");
    }

    #[test]
    fn a_users_folder_keeps_its_files_and_gets_no_marker() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::create_dir(&target).unwrap();
        write(&target, "notes.txt", "mine");
        write(&target, "schedule.svg", "mine too");
        staged(&target, &[("summary.json", "1")]).install().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            fs::read_to_string(target.join("schedule.svg")).unwrap(),
            "mine too"
        );
        assert!(!target.join(MARKER).exists());
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "1"
        );
    }

    #[test]
    fn a_jobsim_folder_with_a_users_file_keeps_it_and_drops_stale_outputs() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        staged(&target, &[("summary.json", "1"), ("schedule.svg", "old")])
            .install()
            .unwrap();
        write(&target, "notes.txt", "mine");
        staged(&target, &[("summary.json", "2")]).install().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(!target.join("schedule.svg").exists());
        assert_eq!(
            fs::read_to_string(target.join(MARKER)).unwrap(),
            "summary.json\n"
        );
    }

    #[test]
    fn a_dropped_staging_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        drop(staged(&target, &[("summary.json", "1")]));
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }
}
