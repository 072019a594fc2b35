//! Diary file storage: bounded reads, an exclusive writer lock and crash-safe atomic writes.
//! Every error names the file it is about; none of them panics.

mod atomic;
mod lock;

pub use atomic::{create_new, write_atomic, write_file_atomic};
pub use lock::{DiaryLock, LOCK_TIMEOUT};

use std::ffi::{OsStr, OsString};
use std::fs::{self, DirBuilder, File};
use std::io::{self, Read};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Largest diary file that [`read_diary`] accepts (1 GiB).
pub const MAX_DIARY_BYTES: u64 = 1 << 30;

/// A storage failure. Each message is one sentence that starts with the path concerned
/// and does not start with "error:" (the caller adds that). The messages are complete on their
/// own: no error here has a `source()`, so printing the chain repeats nothing.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The diary (or a folder on its path) does not exist.
    #[error("{}: no such file", path.display())]
    NotFound { path: PathBuf },

    /// The diary is larger than [`MAX_DIARY_BYTES`].
    #[error(
        "{}: file is {} ({size} bytes), larger than the 1 GiB limit",
        path.display(),
        human_size(*size)
    )]
    TooLarge { path: PathBuf, size: u64 },

    /// The path exists but is not a regular file (a folder, a FIFO, a device...); `folder`
    /// says so when it is a folder that was to be written.
    #[error("{}: is not a regular file{}", path.display(), if *folder { " (it is a folder)" } else { "" })]
    NotAFile { path: PathBuf, folder: bool },

    /// The path has no file name (e.g. "/" or "..").
    #[error("{}: is not a file path (it has no file name)", path.display())]
    InvalidPath { path: PathBuf },

    /// Another process held the lock for the whole timeout.
    #[error(
        "{}: could not obtain the lock ({}) within {} s: another paindiary is writing",
        path.display(),
        lock_path.display(),
        timeout.as_secs_f64()
    )]
    LockTimeout {
        path: PathBuf,
        lock_path: PathBuf,
        timeout: Duration,
    },

    /// `create_new` found an existing file.
    #[error("{}: already exists; refusing to overwrite it", path.display())]
    AlreadyExists { path: PathBuf },

    /// Writing `size` bytes would make the diary larger than the read limit.
    #[error(
        "{}: the new version would be {} ({size} bytes), larger than the {} limit that every command reads; nothing was written",
        path.display(),
        human_size(*size),
        human_size(*limit)
    )]
    WouldBeTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },

    /// The file may not be written by this user (or is marked read-only, e.g. mode 0444).
    #[error(
        "{}: the file is read-only (mode {mode:04o}); refusing to rewrite it (make it writable, e.g. chmod u+w, to record)",
        path.display()
    )]
    ReadOnly { path: PathBuf, mode: u32 },

    /// A sidecar file name (`.lock`) is a symbolic link: never followed.
    #[error(
        "{}: {} is a symbolic link; refusing to follow it (remove it and try again)",
        path.display(),
        link.display()
    )]
    SymlinkRefused { path: PathBuf, link: PathBuf },

    /// The new version was renamed into place, but flushing the folder failed: the record is
    /// written, only its durability (surviving a power loss) is unconfirmed.
    #[error(
        "{}: the new version was written, but flushing the folder {} to disk failed ({err}), so it may not survive a power loss or crash; do not record it again",
        path.display(),
        dir.display()
    )]
    NotDurable {
        path: PathBuf,
        dir: PathBuf,
        err: io::Error,
    },

    /// Any other I/O failure; `action` says what was being done ("could not read the file").
    #[error("{}: {action}: {err}", path.display())]
    Io {
        path: PathBuf,
        action: String,
        err: io::Error,
    },
}

impl StorageError {
    /// True when the diary does not exist (so e.g. the caller can suggest `paindiary init`).
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::NotFound { .. })
    }

    /// True when the new version is in place and only the folder flush failed
    /// ([`StorageError::NotDurable`]): the caller should warn, not fail (a retry would record twice).
    pub fn is_written(&self) -> bool {
        matches!(self, StorageError::NotDurable { .. })
    }

    fn io(path: &Path, action: impl Into<String>, err: io::Error) -> Self {
        StorageError::Io {
            path: path.to_path_buf(),
            action: action.into(),
            err,
        }
    }
}

/// "1.2 GiB"-style size for messages.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Precision loss is irrelevant for a one-decimal display.
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Reads the whole diary. The size is checked (from metadata) before anything is read, and
/// files larger than [`MAX_DIARY_BYTES`] or that are not regular files (FIFOs would hang) are
/// refused. No lock is needed: writers replace the file atomically.
pub fn read_diary(path: &Path) -> Result<Vec<u8>, StorageError> {
    let (file, size) = open_diary(path)?;
    read_opened(path, &file, size)
}

/// Opens the diary for reading, with the checks of [`read_diary`] (a regular file of at most
/// [`MAX_DIARY_BYTES`]), for a caller that reads it as a stream; gives its size too.
pub fn open_diary(path: &Path) -> Result<(File, u64), StorageError> {
    let not_found_or = |err: io::Error, action: &str| {
        if err.kind() == io::ErrorKind::NotFound {
            StorageError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            StorageError::io(path, action, err)
        }
    };
    // Check the type before opening: opening a FIFO would block.
    let meta = fs::metadata(path).map_err(|e| not_found_or(e, "could not read the file"))?;
    check_regular_and_size(path, &meta)?;

    let file = File::open(path).map_err(|e| not_found_or(e, "could not open the file"))?;
    // Check again on the opened handle, in case the file was replaced in between.
    let meta = file
        .metadata()
        .map_err(|e| StorageError::io(path, "could not read the file's metadata", e))?;
    check_regular_and_size(path, &meta)?;
    Ok((file, meta.len()))
}

/// The whole of a diary opened with [`open_diary`] and already read from (a stream that gave
/// up): read again from its start.
pub fn read_again(path: &Path, mut file: &File, size: u64) -> Result<Vec<u8>, StorageError> {
    use std::io::Seek;
    file.rewind()
        .map_err(|e| StorageError::io(path, "could not read the file", e))?;
    read_opened(path, file, size)
}

/// The rest of a diary opened with [`open_diary`] (all of it, unless the caller has read or
/// moved); `size` is what [`open_diary`] gave, to read it in one allocation.
pub fn read_opened(path: &Path, file: &File, size: u64) -> Result<Vec<u8>, StorageError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The limit also holds if the file grows while it is being read.
    file.take(MAX_DIARY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StorageError::io(path, "could not read the file", e))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > MAX_DIARY_BYTES {
        return Err(StorageError::TooLarge {
            path: path.to_path_buf(),
            size: read,
        });
    }
    Ok(bytes)
}

fn check_regular_and_size(path: &Path, meta: &fs::Metadata) -> Result<(), StorageError> {
    if !meta.is_file() {
        return Err(StorageError::NotAFile {
            path: path.to_path_buf(),
            folder: false,
        });
    }
    if meta.len() > MAX_DIARY_BYTES {
        return Err(StorageError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
        });
    }
    Ok(())
}

/// Creates the diary's missing parent folders with mode 0700 (before the umask). A path without
/// a folder part ("diary.json") uses the current folder, which needs nothing.
pub fn ensure_parent_dir(diary: &Path) -> Result<(), StorageError> {
    match diary.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| {
                StorageError::io(
                    diary,
                    format!("could not create the folder {}", parent.display()),
                    e,
                )
            }),
        _ => Ok(()),
    }
}

/// The folder holding the diary ("." for a bare file name).
fn dir_of(diary: &Path) -> &Path {
    match diary.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// The diary's file name, or an error for paths like "/" or "..".
fn file_name_of(diary: &Path) -> Result<&OsStr, StorageError> {
    diary.file_name().ok_or_else(|| StorageError::InvalidPath {
        path: diary.to_path_buf(),
    })
}

/// A sibling of the diary whose name is the diary's name plus `suffix` ("diary.json.lock").
fn sibling(diary: &Path, suffix: &str) -> Result<PathBuf, StorageError> {
    let mut name = OsString::from(file_name_of(diary)?);
    name.push(suffix);
    Ok(diary.with_file_name(name))
}

/// Most symbolic links followed when resolving a diary path (as the kernel's limit).
const MAX_LINK_HOPS: usize = 40;

/// The file a diary path names: the path itself, or, when its last component is a symbolic
/// link, the link's final target (followed link by link, relative targets taken from the
/// link's folder). The target need not exist (a dangling link names the file to create).
pub fn resolve_target(diary: &Path) -> Result<PathBuf, StorageError> {
    let mut current = diary.to_path_buf();
    for _ in 0..MAX_LINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)
                    .map_err(|e| StorageError::io(diary, "could not read the symbolic link", e))?;
                current = if target.is_absolute() {
                    target
                } else {
                    dir_of(&current).join(target)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(StorageError::io(
        diary,
        "could not follow the symbolic link",
        io::Error::other(format!("more than {MAX_LINK_HOPS} links in a row")),
    ))
}

/// Flushes the folder entry changes (renames, new names) of `dir` to disk.
fn sync_dir(dir: &Path, diary: &Path) -> Result<(), StorageError> {
    let not_durable = |err| StorageError::NotDurable {
        path: diary.to_path_buf(),
        dir: dir.to_path_buf(),
        err,
    };
    let handle = File::open(dir).map_err(not_durable)?;
    match fault_hook_sync_dir().and_then(|()| handle.sync_all()) {
        Ok(()) => Ok(()),
        // Some file systems do not support fsync on folders; nothing more can be done there.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(not_durable(e)),
    }
}

/// Test hook: `PAINDIARY_TEST_FAIL_DIR_SYNC=1` makes every folder flush fail with EIO, so the
/// tests can check what a write reports when its durability cannot be confirmed.
fn fault_hook_sync_dir() -> io::Result<()> {
    match std::env::var_os("PAINDIARY_TEST_FAIL_DIR_SYNC") {
        Some(v) if v == "1" => Err(io::Error::from_raw_os_error(libc::EIO)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn read_missing_file_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.json");
        let err = read_diary(&path).unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        let msg = err.to_string();
        assert_eq!(msg, format!("{}: no such file", path.display()));
        assert!(!msg.starts_with("error:"));
    }

    #[test]
    fn read_missing_folder_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("diary.json");
        assert!(read_diary(&path).unwrap_err().is_not_found());
    }

    #[test]
    fn read_returns_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.json");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&path, &data).unwrap();
        assert_eq!(read_diary(&path).unwrap(), data);
        fs::write(&path, b"").unwrap();
        assert_eq!(read_diary(&path).unwrap(), b"");
    }

    #[test]
    fn read_refuses_sparse_file_over_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let file = File::create(&path).unwrap();
        file.set_len(MAX_DIARY_BYTES + 1).unwrap();
        drop(file);
        let err = read_diary(&path).unwrap_err();
        match &err {
            StorageError::TooLarge { size, .. } => assert_eq!(*size, MAX_DIARY_BYTES + 1),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(!err.is_not_found());
        assert_eq!(
            err.to_string(),
            format!(
                "{}: file is 1.0 GiB (1073741825 bytes), larger than the 1 GiB limit",
                path.display()
            )
        );
    }

    #[test]
    fn read_accepts_file_exactly_at_limit_size_check() {
        // Only the size check is exercised: a file of exactly MAX passes it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edge.json");
        let file = File::create(&path).unwrap();
        file.set_len(MAX_DIARY_BYTES).unwrap();
        let meta = file.metadata().unwrap();
        assert!(check_regular_and_size(&path, &meta).is_ok());
    }

    #[test]
    fn read_refuses_folder() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_diary(dir.path()).unwrap_err();
        assert!(matches!(err, StorageError::NotAFile { .. }), "{err:?}");
        assert!(err.to_string().ends_with(": is not a regular file"));
    }

    #[test]
    fn read_unreadable_file_names_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.json");
        fs::write(&path, b"{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        // Root ignores permissions; only check the message when the read fails.
        if let Err(err) = read_diary(&path) {
            assert!(!err.is_not_found());
            assert!(
                err.to_string()
                    .starts_with(&format!("{}: ", path.display()))
            );
        }
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(10), "10 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(1288490189), "1.2 GiB");
    }

    #[test]
    fn ensure_parent_dir_creates_private_folders() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("a").join("b").join("diary.json");
        ensure_parent_dir(&diary).unwrap();
        for folder in [dir.path().join("a"), dir.path().join("a/b")] {
            let meta = fs::metadata(&folder).unwrap();
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
        }
        // Idempotent, and a bare file name needs nothing.
        ensure_parent_dir(&diary).unwrap();
        ensure_parent_dir(Path::new("diary.json")).unwrap();
    }

    #[test]
    fn ensure_parent_dir_reports_file_in_the_way() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"").unwrap();
        let diary = dir.path().join("a").join("diary.json");
        let err = ensure_parent_dir(&diary).unwrap_err();
        assert!(err.to_string().starts_with(&format!(
            "{}: could not create the folder ",
            diary.display()
        )));
    }

    #[test]
    fn path_helpers() {
        assert_eq!(dir_of(Path::new("diary.json")), Path::new("."));
        assert_eq!(dir_of(Path::new("/x/diary.json")), Path::new("/x"));
        assert_eq!(
            sibling(Path::new("diary.json"), ".lock").unwrap(),
            PathBuf::from("diary.json.lock")
        );
        assert_eq!(
            sibling(Path::new("d/diary.json"), ".bak").unwrap(),
            PathBuf::from("d/diary.json.bak")
        );
        let err = sibling(Path::new("/"), ".bak").unwrap_err();
        assert!(matches!(err, StorageError::InvalidPath { .. }));
    }
}
