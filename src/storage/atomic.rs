//! Crash-safe diary writes: temporary file in the same folder, fsync, rename, folder fsync,
//! with the previous version kept as `<diary>.bak`; and no-clobber creation for `init`.

use super::{StorageError, dir_of, ensure_parent_dir, file_name_of, sibling, sync_dir};
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use tempfile::{Builder, NamedTempFile};

/// Number of random characters in temporary file names.
const RAND_LEN: usize = 10;

/// Mode of a new diary: health data, owner only.
const NEW_FILE_MODE: u32 = 0o600;

/// Prefix of every temporary file made for `diary`: ".<name>.tmp-".
fn temp_prefix(name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".tmp-");
    prefix
}

/// Whether `entry` is one of our temporary names for the diary whose prefix is `prefix`: the
/// prefix followed by exactly `RAND_LEN` alphanumeric characters. This does not match the
/// temporary files of another diary whose name merely starts with this diary's name.
fn is_our_temp(entry: &OsStr, prefix: &OsStr) -> bool {
    entry
        .as_encoded_bytes()
        .strip_prefix(prefix.as_encoded_bytes())
        .is_some_and(|rest| rest.len() == RAND_LEN && rest.iter().all(u8::is_ascii_alphanumeric))
}

/// Best-effort removal of temporary files left by earlier writes of this diary that crashed.
/// The caller holds the diary lock, so no other writer is using them.
fn remove_leftovers(dir: &Path, prefix: &OsStr) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && is_our_temp(&entry.file_name(), prefix) {
            // A failure leaves a stray file behind; the write itself does not depend on it.
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn temp_builder(prefix: &OsStr) -> Builder<'_, 'static> {
    let mut builder = Builder::new();
    builder.prefix(prefix).rand_bytes(RAND_LEN);
    builder
}

/// Writes `bytes` to a new temporary file in `dir` with the given mode, flushed to disk.
fn write_temp(
    diary: &Path,
    dir: &Path,
    prefix: &OsStr,
    bytes: &[u8],
    mode: u32,
) -> Result<NamedTempFile, StorageError> {
    let write_err = |e| {
        StorageError::io(
            diary,
            format!("could not write a temporary file in {}", dir.display()),
            e,
        )
    };
    let mut tmp = temp_builder(prefix).tempfile_in(dir).map_err(|e| {
        StorageError::io(
            diary,
            format!("could not create a temporary file in {}", dir.display()),
            e,
        )
    })?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    Ok(tmp)
}

/// How the previous version can be kept as the backup.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backup {
    /// Hard-link the diary (falls back to copying).
    Link,
    /// Copy the content (the diary path is a symlink: keep the data, not the link).
    Copy,
}

/// Replaces the diary with `bytes` atomically. The caller must hold the [`DiaryLock`](super::DiaryLock).
///
/// At every moment the diary path holds either the complete old or the complete new file. The
/// new file keeps the old file's mode (0600 if there was none); the previous version is kept as
/// `<diary>.bak` with the same mode. A crash leaves at most a few `.<name>.tmp-*` files, which
/// the next write removes.
///
/// If the diary path is a symlink, the link is replaced by a regular file holding the new data
/// (the file it pointed to is left unchanged), and the .bak is a regular-file copy of the old
/// data. Writes do not follow the link into another folder.
pub fn write_atomic(diary: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    replace(diary, bytes, true)
}

/// [`write_atomic`] for files that are not diaries (a report): the same temporary file, fsync,
/// rename and folder fsync, without a `.bak`. No lock is needed.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    replace(path, bytes, false)
}

fn replace(diary: &Path, bytes: &[u8], keep_previous: bool) -> Result<(), StorageError> {
    let name = file_name_of(diary)?;
    let dir = dir_of(diary);
    let prefix = temp_prefix(name);

    let (mode, backup) = inspect_existing(diary)?;
    remove_leftovers(dir, &prefix);
    let tmp = write_temp(diary, dir, &prefix, bytes, mode)?;
    if let Some(kind) = backup.filter(|_| keep_previous) {
        keep_backup(diary, dir, &prefix, mode, kind)?;
    }
    tmp.persist(diary).map_err(|e| {
        StorageError::io(
            diary,
            "could not replace the file with the new version",
            e.error,
        )
    })?;
    sync_dir(dir, diary)
}

/// The mode for the new file, and whether (and how) there is a previous version to back up.
fn inspect_existing(diary: &Path) -> Result<(u32, Option<Backup>), StorageError> {
    let inspect_err = |e| StorageError::io(diary, "could not inspect the file", e);
    let link_meta = match fs::symlink_metadata(diary) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((NEW_FILE_MODE, None)),
        Err(e) => return Err(inspect_err(e)),
    };
    let (meta, kind) = if link_meta.file_type().is_symlink() {
        match fs::metadata(diary) {
            Ok(target) => (target, Backup::Copy),
            // A dangling link: there is no previous version.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((NEW_FILE_MODE, None)),
            Err(e) => return Err(inspect_err(e)),
        }
    } else {
        (link_meta, Backup::Link)
    };
    if !meta.is_file() {
        return Err(StorageError::NotAFile {
            path: diary.to_path_buf(),
        });
    }
    Ok((meta.mode() & 0o7777, Some(kind)))
}

/// Atomically makes `<diary>.bak` a copy of the current diary: a hard link (or, failing that, a
/// flushed copy) under a temporary name, renamed over the old backup.
fn keep_backup(
    diary: &Path,
    dir: &Path,
    prefix: &OsStr,
    mode: u32,
    kind: Backup,
) -> Result<(), StorageError> {
    let bak = sibling(diary, ".bak")?;
    let rename_err = |e| {
        StorageError::io(
            diary,
            format!("could not save the previous version as {}", bak.display()),
            e,
        )
    };
    if kind == Backup::Link {
        // If hard links fail (e.g. a file system without them), copy instead.
        if let Ok(linked) = temp_builder(prefix).make_in(dir, |path| fs::hard_link(diary, path)) {
            return linked
                .into_temp_path()
                .persist(&bak)
                .map_err(|e| rename_err(e.error));
        }
    }

    let copy_err = |e| {
        StorageError::io(
            diary,
            format!("could not copy the previous version to {}", bak.display()),
            e,
        )
    };
    let mut source = File::open(diary).map_err(copy_err)?;
    let mut tmp = temp_builder(prefix).tempfile_in(dir).map_err(copy_err)?;
    io::copy(&mut source, tmp.as_file_mut()).map_err(copy_err)?;
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(copy_err)?;
    tmp.as_file().sync_all().map_err(copy_err)?;
    tmp.persist(&bak).map_err(|e| rename_err(e.error))?;
    Ok(())
}

/// Creates a new diary (for `init`) with mode 0600, creating missing parent folders (0700).
/// Never overwrites: if anything exists at the path, even a dangling symlink, or appears there
/// meanwhile, the result is [`StorageError::AlreadyExists`] and the existing file is untouched.
/// The content is written to a temporary file first, so the diary appears complete or not at all.
pub fn create_new(diary: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    let name = file_name_of(diary)?;
    ensure_parent_dir(diary)?;
    let exists = || StorageError::AlreadyExists {
        path: diary.to_path_buf(),
    };
    if fs::symlink_metadata(diary).is_ok() {
        return Err(exists());
    }
    let dir = dir_of(diary);
    let tmp = write_temp(diary, dir, &temp_prefix(name), bytes, NEW_FILE_MODE)?;
    // No-clobber placement (rename with RENAME_NOREPLACE, or hard link + unlink).
    tmp.persist_noclobber(diary).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            exists()
        } else {
            StorageError::io(diary, "could not create the file", e.error)
        }
    })?;
    sync_dir(dir, diary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::read_diary;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn bak_of(diary: &Path) -> PathBuf {
        sibling(diary, ".bak").unwrap()
    }

    /// Names in `dir` that look like our temporary files for `diary`.
    fn temps(dir: &Path, diary: &Path) -> Vec<OsString> {
        let prefix = temp_prefix(diary.file_name().unwrap());
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.as_encoded_bytes().starts_with(prefix.as_encoded_bytes()))
            .collect()
    }

    #[test]
    fn round_trip_new_file_is_private_without_backup() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        write_atomic(&diary, b"{\"entries\":[]}").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"{\"entries\":[]}");
        assert_eq!(mode_of(&diary), 0o600);
        assert!(!bak_of(&diary).exists());
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn rewrite_keeps_mode_and_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        write_atomic(&diary, b"one").unwrap();
        fs::set_permissions(&diary, Permissions::from_mode(0o640)).unwrap();

        write_atomic(&diary, b"two").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"two");
        assert_eq!(fs::read(bak_of(&diary)).unwrap(), b"one");
        assert_eq!(mode_of(&diary), 0o640);
        assert_eq!(mode_of(&bak_of(&diary)), 0o640);

        write_atomic(&diary, b"three").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"three");
        assert_eq!(fs::read(bak_of(&diary)).unwrap(), b"two");
        assert_eq!(mode_of(&diary), 0o640);
        assert_eq!(mode_of(&bak_of(&diary)), 0o640);
        // The backup is a separate file, not the diary under another name.
        let ino = |p: &Path| fs::metadata(p).unwrap().ino();
        assert_ne!(ino(&diary), ino(&bak_of(&diary)));
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn copy_backup_has_diary_mode() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"old").unwrap();
        fs::set_permissions(&diary, Permissions::from_mode(0o640)).unwrap();
        keep_backup(
            &diary,
            dir.path(),
            &temp_prefix(OsStr::new("diary.json")),
            0o640,
            Backup::Copy,
        )
        .unwrap();
        assert_eq!(fs::read(bak_of(&diary)).unwrap(), b"old");
        assert_eq!(mode_of(&bak_of(&diary)), 0o640);
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn leftovers_of_crashed_writes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        write_atomic(&diary, b"v1").unwrap();
        // Simulate two crashed writes of this diary.
        let crashed = [
            dir.path().join(".diary.json.tmp-AbCdE12345"),
            dir.path().join(".diary.json.tmp-zzzzzzzzzz"),
        ];
        for path in &crashed {
            fs::write(path, b"partial").unwrap();
        }
        // Files that must survive: another diary's temp, and unrelated names.
        let keep = [
            dir.path().join(".diary.json.tmp-x.tmp-AbCdE12345"),
            dir.path().join(".diary.json.tmp-short"),
            dir.path().join(".other.json.tmp-AbCdE12345"),
            dir.path().join("notes.txt"),
        ];
        for path in &keep {
            fs::write(path, b"keep").unwrap();
        }

        write_atomic(&diary, b"v2").unwrap();
        for path in &crashed {
            assert!(!path.exists(), "{} not cleaned", path.display());
        }
        for path in &keep {
            assert_eq!(fs::read(path).unwrap(), b"keep", "{}", path.display());
        }
        assert_eq!(read_diary(&diary).unwrap(), b"v2");
    }

    #[test]
    fn temp_name_matching() {
        let prefix = temp_prefix(OsStr::new("d.json"));
        assert_eq!(prefix, OsString::from(".d.json.tmp-"));
        assert!(is_our_temp(OsStr::new(".d.json.tmp-0123456789"), &prefix));
        assert!(!is_our_temp(OsStr::new(".d.json.tmp-012345678"), &prefix));
        assert!(!is_our_temp(OsStr::new(".d.json.tmp-01234567890"), &prefix));
        assert!(!is_our_temp(OsStr::new(".d.json.tmp-01234.6789"), &prefix));
        assert!(!is_our_temp(OsStr::new("d.json"), &prefix));
        // Names generated by the builder match.
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_builder(&prefix).tempfile_in(dir.path()).unwrap();
        assert!(is_our_temp(tmp.path().file_name().unwrap(), &prefix));
    }

    #[test]
    fn path_with_dot_component() {
        // (A bare "diary.json" uses the folder "."; see `path_helpers` in mod.rs. Changing the
        // current folder here would disturb the other tests running in parallel.)
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join(".").join("diary.json");
        write_atomic(&diary, b"x").unwrap();
        write_atomic(&diary, b"y").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"y");
        assert_eq!(fs::read(dir.path().join("diary.json.bak")).unwrap(), b"x");
    }

    #[test]
    fn symlinked_diary_is_replaced_by_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        let diary = dir.path().join("diary.json");
        symlink(&target, &diary).unwrap();

        write_atomic(&diary, b"new").unwrap();
        assert!(
            !fs::symlink_metadata(&diary)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read_diary(&diary).unwrap(), b"new");
        assert_eq!(mode_of(&diary), 0o640);
        let bak = bak_of(&diary);
        assert!(!fs::symlink_metadata(&bak).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&bak).unwrap(), b"old");
        assert_eq!(mode_of(&bak), 0o640);
        assert_eq!(fs::read(&target).unwrap(), b"old");
    }

    #[test]
    fn dangling_symlink_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        symlink(dir.path().join("gone.json"), &diary).unwrap();
        write_atomic(&diary, b"new").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"new");
        assert_eq!(mode_of(&diary), 0o600);
        assert!(!bak_of(&diary).exists());
    }

    #[test]
    fn refuses_to_replace_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::create_dir(&diary).unwrap();
        let err = write_atomic(&diary, b"x").unwrap_err();
        assert!(matches!(err, StorageError::NotAFile { .. }), "{err:?}");
        assert!(diary.is_dir());
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn write_into_missing_folder_names_the_diary() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("missing").join("diary.json");
        let err = write_atomic(&diary, b"x").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("{}: ", diary.display())), "{msg}");
        assert!(!msg.starts_with("error:"));
    }

    #[test]
    fn create_new_makes_private_file_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("sub").join("diary.json");
        create_new(&diary, b"{}").unwrap();
        assert_eq!(read_diary(&diary).unwrap(), b"{}");
        assert_eq!(mode_of(&diary), 0o600);
        assert_eq!(mode_of(&dir.path().join("sub")), 0o700);
        assert!(temps(&dir.path().join("sub"), &diary).is_empty());
        assert!(!bak_of(&diary).exists());
    }

    #[test]
    fn create_new_refuses_existing_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let original = b"{\"precious\": true}\n";
        fs::write(&diary, original).unwrap();
        fs::set_permissions(&diary, Permissions::from_mode(0o644)).unwrap();
        let before = fs::metadata(&diary).unwrap();

        let err = create_new(&diary, b"{}").unwrap_err();
        assert!(matches!(err, StorageError::AlreadyExists { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: already exists; refusing to overwrite it",
                diary.display()
            )
        );
        assert_eq!(fs::read(&diary).unwrap(), original);
        let after = fs::metadata(&diary).unwrap();
        assert_eq!(before.ino(), after.ino());
        assert_eq!(mode_of(&diary), 0o644);
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn create_new_refuses_dangling_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let target = dir.path().join("elsewhere.json");
        symlink(&target, &diary).unwrap();
        let err = create_new(&diary, b"{}").unwrap_err();
        assert!(matches!(err, StorageError::AlreadyExists { .. }), "{err:?}");
        assert!(!target.exists());
    }

    #[test]
    fn create_new_race_has_exactly_one_winner() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u8)
                .map(|i| {
                    let diary = &diary;
                    s.spawn(move || create_new(diary, &[b'0' + i]).map(|()| i))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<u8> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(matches!(e, StorageError::AlreadyExists { .. }), "{e:?}");
            }
        }
        assert_eq!(read_diary(&diary).unwrap(), vec![b'0' + winners[0]]);
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn concurrent_locked_writers_lose_nothing() {
        use crate::storage::DiaryLock;
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        create_new(&diary, b"").unwrap();
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let diary = &diary;
                s.spawn(move || {
                    for _ in 0..5 {
                        let _lock = DiaryLock::acquire(diary).unwrap();
                        let mut data = read_diary(diary).unwrap();
                        data.push(b'a' + i);
                        write_atomic(diary, &data).unwrap();
                    }
                });
            }
        });
        let data = read_diary(&diary).unwrap();
        assert_eq!(data.len(), 40);
        for i in 0..8u8 {
            assert_eq!(data.iter().filter(|&&b| b == b'a' + i).count(), 5);
        }
        assert_eq!(fs::read(bak_of(&diary)).unwrap(), &data[..39]);
        assert!(temps(dir.path(), &diary).is_empty());
    }
}
