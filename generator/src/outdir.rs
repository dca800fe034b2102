//! The output folder, opened once per run: the run lock, and every create,
//! rename and delete relative to directory handles.
//!
//! A path such as `out/src/models/a.rs` is resolved again by the kernel at
//! every call that takes it, so a process that replaces `src/models` with a
//! symbolic link between two calls sends the next write or delete wherever
//! the link points. Here the output folder is opened once ([`OutDir::open`]),
//! each folder below it is opened from its parent's handle one component at a
//! time without following a link ([`Dirs`]), and files are created, renamed
//! and removed by name inside the handle of their folder (`openat`,
//! `renameat`, `unlinkat`, through `cap-std`). A link swapped in after a
//! folder was opened changes nothing: the handle is the folder, not its name.
//! A link there when a folder is opened is refused.
//!
//! The lock ([`LOCK_FILE`]) keeps two runs from writing one folder at once:
//! an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through
//! `fs4`) on a file in the folder, held by the open file for the whole run.
//! The operating system releases it when the process ends, however it ends,
//! so a run that was killed leaves no lock behind, only the (unlocked) file.

use cap_fs_ext::DirExt;
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The lock file of the output folder. Not listed in the manifest, not
/// compared by `docgen check`, and not a sign that a folder is docgen's (it
/// is created before docgen knows whether it may write there).
pub const LOCK_FILE: &str = ".docgen-lock";

/// How temporary files end: `.{name}.{pid}-{attempt}.docgen-tmp`, next to `name`.
pub(crate) use crate::fsutil::TEMP_SUFFIX;

/// Why the output folder could not be opened as one.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The folder is a symbolic link.
    Symlink,
    /// Something other than a directory is there.
    NotADirectory,
    /// Any other failure.
    Io(io::Error),
}

/// The output folder, opened.
#[derive(Debug)]
pub(crate) struct OutDir {
    path: PathBuf,
    root: Dir,
    lock: Option<RunLock>,
}

/// The run lock: released when dropped (the file is closed) or when the
/// process ends.
#[derive(Debug)]
struct RunLock {
    _file: fs::File,
    /// This run created the lock file (the folder had none).
    created: bool,
}

/// How to take the run lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockMode {
    /// Shared, and only if the lock file exists (readers create nothing).
    Shared,
    /// Exclusive, creating the lock file.
    Exclusive,
}

impl OutDir {
    /// Opens `path`, creating it (and its parents) when `create` and absent;
    /// `Ok(None)` when it is absent and not created. The folder itself must not
    /// be a symbolic link: its last component is opened without following one.
    /// With a lock mode, the lock is taken before returning; `waiting` is
    /// called first when another run holds it.
    pub(crate) fn open(
        path: &Path,
        create: bool,
        mode: LockMode,
        waiting: &dyn Fn(&Path),
    ) -> Result<Option<OutDir>, OpenError> {
        let root = match open_root(path) {
            Ok(root) => root,
            Err(OpenError::Io(err)) if err.kind() == io::ErrorKind::NotFound && create => {
                fs::create_dir_all(path).map_err(OpenError::Io)?;
                open_root(path)?
            }
            Err(OpenError::Io(err)) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
        };
        let mut dir = OutDir {
            path: path.to_path_buf(),
            root,
            lock: None,
        };
        dir.lock = match mode {
            LockMode::Shared => dir.lock(false, waiting).map_err(OpenError::Io)?,
            LockMode::Exclusive => dir.lock(true, waiting).map_err(OpenError::Io)?,
        };
        Ok(Some(dir))
    }

    /// The folder as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The folder's handle.
    pub(crate) fn root(&self) -> &Dir {
        &self.root
    }

    /// Whether this run created the lock file.
    pub(crate) fn created_lock_file(&self) -> bool {
        self.lock.as_ref().is_some_and(|lock| lock.created)
    }

    /// Removes the lock file this run created, when the run found that the
    /// folder is not one it may write into: it leaves the folder as it was.
    pub(crate) fn remove_created_lock_file(&self) {
        if self.created_lock_file() {
            // Best effort: the refusal is what the user needs to see.
            let _ = self.root.remove_file(LOCK_FILE);
        }
    }

    fn lock(&self, exclusive: bool, waiting: &dyn Fn(&Path)) -> io::Result<Option<RunLock>> {
        use fs4::{FileExt, TryLockError};
        let mut created = false;
        let file = if exclusive {
            let mut options = OpenOptions::new();
            options.read(true).write(true).create_new(true);
            match self.root.open_with(LOCK_FILE, &options) {
                Ok(file) => {
                    created = true;
                    file
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    let mut options = OpenOptions::new();
                    options.read(true).write(true);
                    self.root.open_with(LOCK_FILE, &options)?
                }
                Err(err) => return Err(err),
            }
        } else {
            match self.root.open(LOCK_FILE) {
                Ok(file) => file,
                Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(err) => return Err(err),
            }
        };
        let file = file.into_std();
        // Through the trait: std's inherent `File::lock*` (Rust 1.89) is
        // newer than the workspace's minimum Rust version.
        let attempt = if exclusive {
            FileExt::try_lock(&file)
        } else {
            FileExt::try_lock_shared(&file)
        };
        match attempt {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting(&self.path);
                if exclusive {
                    FileExt::lock(&file)?;
                } else {
                    FileExt::lock_shared(&file)?;
                }
            }
            Err(TryLockError::Error(err)) => return Err(err),
        }
        Ok(Some(RunLock {
            _file: file,
            created,
        }))
    }
}

/// Opens the folder at `path` without following a link at its last component.
fn open_root(path: &Path) -> Result<Dir, OpenError> {
    let opened = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            Dir::open_ambient_dir(parent, ambient_authority())
                .and_then(|parent| parent.open_dir_nofollow(name))
        }
        // `/`, `.`, `..`: no last component that could be a link.
        _ => Dir::open_ambient_dir(path, ambient_authority()),
    };
    opened.map_err(|err| classify(path, err))
}

/// A failure to open a folder, named by what is there.
fn classify(path: &Path, err: io::Error) -> OpenError {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => OpenError::Symlink,
        Ok(meta) if !meta.is_dir() => OpenError::NotADirectory,
        _ => OpenError::Io(err),
    }
}

/// The folders below an [`OutDir`] opened so far, by relative path (`""` is
/// the output folder itself). Each is opened from its parent's handle, one
/// component at a time, never through a symbolic link.
pub(crate) struct Dirs<'a> {
    out: &'a OutDir,
    open: BTreeMap<String, Dir>,
}

/// Why a folder below the output folder could not be opened.
#[derive(Debug)]
pub(crate) enum DirError {
    /// A component is a symbolic link (its relative path).
    Symlink(String),
    /// A component is not a directory (its relative path).
    NotADirectory(String),
    /// Any other failure, at a relative path.
    Io(String, io::Error),
}

impl<'a> Dirs<'a> {
    pub(crate) fn new(out: &'a OutDir) -> Dirs<'a> {
        Dirs {
            out,
            open: BTreeMap::new(),
        }
    }

    /// The handle of the folder `relative` (`/`-separated, `""` for the
    /// output folder), creating missing folders when `create`; `Ok(None)` when
    /// it is absent and not created.
    pub(crate) fn get(&mut self, relative: &str, create: bool) -> Result<Option<&Dir>, DirError> {
        if relative.is_empty() {
            return Ok(Some(&self.out.root));
        }
        if !self.open.contains_key(relative) {
            let (parent, name) = relative.rsplit_once('/').unwrap_or(("", relative));
            let Some(parent_dir) = self.get(parent, create)? else {
                return Ok(None);
            };
            let dir = match open_child(parent_dir, name, relative)? {
                Some(dir) => dir,
                None if create => {
                    match parent_dir.create_dir(name) {
                        Ok(()) => {}
                        // Created meanwhile by someone else: opened below, checked there.
                        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(err) => return Err(DirError::Io(relative.to_string(), err)),
                    }
                    match open_child(parent_dir, name, relative)? {
                        Some(dir) => dir,
                        None => {
                            let gone = io::Error::from(io::ErrorKind::NotFound);
                            return Err(DirError::Io(relative.to_string(), gone));
                        }
                    }
                }
                None => return Ok(None),
            };
            self.open.insert(relative.to_string(), dir);
        }
        Ok(self.open.get(relative))
    }

    /// Closes the handle of `relative` (before removing the folder).
    pub(crate) fn forget(&mut self, relative: &str) {
        self.open.remove(relative);
    }
}

/// Opens `name` in `parent` without following a link; `Ok(None)` when absent.
fn open_child(parent: &Dir, name: &str, relative: &str) -> Result<Option<Dir>, DirError> {
    match parent.open_dir_nofollow(name) {
        Ok(dir) => Ok(Some(dir)),
        Err(err) => match parent.symlink_metadata(name) {
            Err(meta_err) if meta_err.kind() == io::ErrorKind::NotFound => Ok(None),
            Ok(meta) if meta.file_type().is_symlink() => {
                Err(DirError::Symlink(relative.to_string()))
            }
            Ok(meta) if !meta.is_dir() => Err(DirError::NotADirectory(relative.to_string())),
            _ => Err(DirError::Io(relative.to_string(), err)),
        },
    }
}

/// Writes `content` to a new temporary file beside `name` in `dir`
/// (`create_new`: nothing that exists is overwritten); returns its name.
pub(crate) fn create_temp(dir: &Dir, name: &str, content: &[u8]) -> io::Result<String> {
    let pid = std::process::id();
    let mut last_error = None;
    for attempt in 0..100 {
        let temp = format!(".{name}.{pid}-{attempt}{TEMP_SUFFIX}");
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        match dir.open_with(&temp, &options) {
            Ok(mut file) => {
                let written = file.write_all(content).and_then(|()| file.flush());
                drop(file);
                if let Err(err) = written {
                    let _ = dir.remove_file(&temp);
                    return Err(err);
                }
                return Ok(temp);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no temporary file name was free")))
}

/// Replaces `name` in `dir` by `content` through a temporary file and a rename
/// inside the same folder handle.
pub(crate) fn write_atomic(dir: &Dir, name: &str, content: &[u8]) -> io::Result<()> {
    let temp = create_temp(dir, name, content)?;
    dir.rename(&temp, dir, name).inspect_err(|_| {
        let _ = dir.remove_file(&temp);
    })
}

/// The content of the regular file `name` in `dir`, never through a link;
/// `Ok(None)` when there is no regular file of that name.
pub(crate) fn read_file(dir: &Dir, name: &str) -> io::Result<Option<Vec<u8>>> {
    match dir.symlink_metadata(name) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
        Ok(meta) if !meta.is_file() => return Ok(None),
        Ok(_) => {}
    }
    let mut file = match dir.open(name) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Removes `name` from `dir`; absent is fine.
pub(crate) fn remove_file(dir: &Dir, name: &str) -> io::Result<()> {
    match dir.remove_file(name) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}
