//! Exclusive advisory lock that serialises writers of one diary, held on a sidecar
//! `<diary>.lock` file (never the diary itself, which writes replace by rename).

use super::{StorageError, resolve_target, sibling};
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// How long [`DiaryLock::acquire`] waits for another writer.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

const FIRST_POLL: Duration = Duration::from_millis(5);
const MAX_POLL: Duration = Duration::from_millis(20);

/// An exclusive lock on a diary, released when dropped (closing the file releases it, also
/// when the process dies). The lock is per open file, not per process: acquiring it twice in
/// one process without dropping the first waits for the timeout.
///
/// The lock file sits beside the file the diary path names: when the path is a symbolic link,
/// beside its target, so a link and its target share one lock. A `.lock` name that is itself a
/// symbolic link (or not a regular file) is refused, never followed.
#[derive(Debug)]
pub struct DiaryLock {
    _file: File,
    lock_path: PathBuf,
}

impl DiaryLock {
    /// Locks `<diary>.lock` (created with mode 0600 if missing, never deleted), waiting up to
    /// 30 s for another writer. The diary's folder must exist: if it does not, the error is
    /// [`StorageError::NotFound`] for the diary.
    pub fn acquire(diary: &Path) -> Result<DiaryLock, StorageError> {
        Self::acquire_with_timeout(diary, LOCK_TIMEOUT)
    }

    /// Like [`DiaryLock::acquire`] with another timeout.
    pub fn acquire_with_timeout(
        diary: &Path,
        timeout: Duration,
    ) -> Result<DiaryLock, StorageError> {
        let target = resolve_target(diary)?;
        let lock_path = sibling(&target, ".lock")?;
        let refused = || StorageError::SymlinkRefused {
            path: diary.to_path_buf(),
            link: lock_path.clone(),
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            // Never follow a planted link; never block on a planted FIFO.
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&lock_path)
            .map_err(|e| {
                if e.raw_os_error() == Some(libc::ELOOP) {
                    refused()
                // `create` is set, so NotFound means a missing folder: the diary is missing too.
                } else if e.kind() == io::ErrorKind::NotFound {
                    StorageError::NotFound {
                        path: diary.to_path_buf(),
                    }
                } else {
                    StorageError::io(
                        diary,
                        format!("could not open the lock file {}", lock_path.display()),
                        e,
                    )
                }
            })?;
        let Some(lock_meta) = file.metadata().ok().filter(|m| m.is_file()) else {
            return Err(StorageError::io(
                diary,
                format!("could not lock {}", lock_path.display()),
                io::Error::other("it is not a regular file"),
            ));
        };
        give_to_diary_owner(&file, &lock_meta, &target);

        let start = Instant::now();
        let mut pause = FIRST_POLL;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(DiaryLock {
                        _file: file,
                        lock_path,
                    });
                }
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    return Err(StorageError::io(
                        diary,
                        format!("could not lock {}", lock_path.display()),
                        e,
                    ));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                return Err(StorageError::LockTimeout {
                    path: diary.to_path_buf(),
                    lock_path,
                    timeout,
                });
            }
            thread::sleep(pause.min(timeout - waited));
            pause = (pause * 2).min(MAX_POLL);
        }
    }

    /// The sidecar file that carries the lock.
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }
}

/// A lock file that root created beside a user's diary is given to the diary's owner, so the
/// user's own writers can still open it. Best effort: a failure only matters to that user,
/// whose writer then says it could not open the lock file.
fn give_to_diary_owner(file: &File, lock_meta: &std::fs::Metadata, target: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(diary_meta) = std::fs::metadata(target) else {
        return;
    };
    if (lock_meta.uid(), lock_meta.gid()) != (diary_meta.uid(), diary_meta.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(diary_meta.uid()), Some(diary_meta.gid()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn creates_private_lock_file_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let lock = DiaryLock::acquire(&diary).unwrap();
        let lock_path = dir.path().join("diary.json.lock");
        assert_eq!(lock.lock_path(), lock_path);
        let mode = fs::metadata(&lock_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // The diary itself is neither created nor touched.
        assert!(!diary.exists());
        drop(lock);
        assert!(lock_path.exists(), "lock file must never be deleted");
        // It can be taken again once released.
        DiaryLock::acquire_with_timeout(&diary, Duration::from_millis(100)).unwrap();
    }

    #[test]
    fn second_acquire_waits_for_release() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let first = DiaryLock::acquire(&diary).unwrap();
        let released = Arc::new(AtomicBool::new(false));

        let waiter = {
            let diary = diary.clone();
            let released = Arc::clone(&released);
            thread::spawn(move || {
                let start = Instant::now();
                let lock = DiaryLock::acquire_with_timeout(&diary, Duration::from_secs(10))
                    .expect("second acquire");
                assert!(
                    released.load(Ordering::SeqCst),
                    "second lock obtained while the first was still held"
                );
                drop(lock);
                start.elapsed()
            })
        };

        thread::sleep(Duration::from_millis(300));
        released.store(true, Ordering::SeqCst);
        drop(first);
        let waited = waiter.join().unwrap();
        assert!(
            waited >= Duration::from_millis(250),
            "waited only {waited:?}"
        );
        assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    }

    #[test]
    fn times_out_with_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let _held = DiaryLock::acquire(&diary).unwrap();
        let start = Instant::now();
        let err = DiaryLock::acquire_with_timeout(&diary, Duration::from_millis(100)).unwrap_err();
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        assert!(matches!(err, StorageError::LockTimeout { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: could not obtain the lock ({}.lock) within 0.1 s: another paindiary is writing",
                diary.display(),
                diary.display()
            )
        );
        let default = StorageError::LockTimeout {
            path: "diary.json".into(),
            lock_path: "diary.json.lock".into(),
            timeout: LOCK_TIMEOUT,
        };
        assert_eq!(
            default.to_string(),
            "diary.json: could not obtain the lock (diary.json.lock) within 30 s: another paindiary is writing"
        );
    }

    #[test]
    fn a_planted_lock_symlink_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("diary.json.lock")).unwrap();
        let err = DiaryLock::acquire_with_timeout(&diary, Duration::from_millis(100)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: {}.lock is a symbolic link; refusing to follow it (remove it and try again)",
                diary.display(),
                diary.display()
            )
        );
        // A dangling one creates nothing at its target either.
        let gone = dir.path().join("gone");
        let other = dir.path().join("other.json");
        std::os::unix::fs::symlink(&gone, dir.path().join("other.json.lock")).unwrap();
        assert!(DiaryLock::acquire(&other).is_err());
        assert!(!gone.exists());
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(
            fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn a_diary_symlink_and_its_target_share_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        let target = dir.path().join("real").join("diary.json");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let held = DiaryLock::acquire(&target).unwrap();
        assert_eq!(held.lock_path(), dir.path().join("real/diary.json.lock"));
        let err = DiaryLock::acquire_with_timeout(&link, Duration::from_millis(50)).unwrap_err();
        assert!(matches!(err, StorageError::LockTimeout { .. }), "{err:?}");
        drop(held);
        let lock = DiaryLock::acquire_with_timeout(&link, Duration::from_millis(50)).unwrap();
        assert_eq!(lock.lock_path(), dir.path().join("real/diary.json.lock"));
        assert!(!dir.path().join("link.json.lock").exists());
    }

    #[test]
    fn missing_folder_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("missing").join("diary.json");
        let err = DiaryLock::acquire(&diary).unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
    }
}
