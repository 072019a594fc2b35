//! Crash-safe diary writes: temporary file in the same folder, fsync, rename, folder fsync,
//! with the previous version kept as `<diary>.bak`; and no-clobber creation for `init`.

use super::{
    MAX_DIARY_BYTES, StorageError, dir_of, ensure_parent_dir, file_name_of, resolve_target,
    sibling, sync_dir,
};
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

/// Writes `bytes` to a new temporary file in `dir`, flushed to disk, with the metadata of the
/// file it will replace (`existing`), or mode 0600 for a new file.
fn write_temp(
    diary: &Path,
    dir: &Path,
    prefix: &OsStr,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    existing: Option<(&Path, &fs::Metadata)>,
) -> Result<NamedTempFile, StorageError> {
    let write_err = |e| {
        StorageError::io(
            diary,
            format!("could not write a temporary file in {}", dir.display()),
            e,
        )
    };
    let mut tmp = temp_builder(prefix).tempfile_in(dir).map_err(|e| {
        // The OS error alone: tempfile adds the random temporary name, which means nothing to
        // the user.
        let text = e.to_string();
        let cause = text
            .split(" at path \"")
            .next()
            .unwrap_or(&text)
            .to_string();
        StorageError::io(
            diary,
            "could not create a temporary file in its folder",
            io::Error::new(e.kind(), cause),
        )
    })?;
    {
        let mut out = io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        body(&mut out)
            .and_then(|()| out.flush())
            .map_err(write_err)?;
    }
    match existing {
        Some((src, meta)) => copy_metadata(diary, src, meta, tmp.as_file())?,
        None => tmp
            .as_file()
            .set_permissions(Permissions::from_mode(NEW_FILE_MODE))
            .map_err(write_err)?,
    }
    tmp.as_file().sync_all().map_err(write_err)?;
    Ok(tmp)
}

/// Replaces the diary with `bytes` atomically. The caller must hold the [`DiaryLock`](super::DiaryLock).
///
/// At every moment the diary holds either the complete old or the complete new file. The new
/// file keeps the old file's mode (0600 if there was none), owner and group (where allowed)
/// and extended attributes (ACLs included); the previous version is kept as `<diary>.bak`
/// (a hard link, so with the same mode, owner and attributes). A crash leaves at most a few
/// `.<name>.tmp-*` files, which the next write removes.
///
/// If the diary path is a symbolic link, the write goes through to the link's target: the new
/// file is made in the target's folder and renamed over the target, and the `.bak` is beside
/// the target; the link stays. A read-only diary (no write permission for this user, or no
/// write bit at all, e.g. 0444, even for root) is refused. A new version larger than
/// [`MAX_DIARY_BYTES`](super::MAX_DIARY_BYTES) is refused before anything is written.
///
/// [`StorageError::NotDurable`] means the new version is in place and only the folder flush
/// failed.
pub fn write_atomic(diary: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    check_size(diary, bytes)?;
    replace(diary, |w| w.write_all(bytes), true)
}

/// [`write_atomic`] for files that are not diaries (a report, an export): the same temporary
/// file, fsync, rename and folder fsync (a link written through, the mode and owner kept, a
/// read-only file refused), without a `.bak` and without the size limit. `body` writes the
/// content as it is produced, so a large export is never held in memory. No lock is needed.
pub fn write_file_atomic(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), StorageError> {
    replace(path, body, false)
}

/// The largest diary a write may leave: [`MAX_DIARY_BYTES`](super::MAX_DIARY_BYTES), or less
/// with the test hook `PAINDIARY_TEST_MAX_DIARY_BYTES` (so tests need not write 1 GiB; it can
/// only lower the limit).
fn write_limit() -> u64 {
    let hook = std::env::var("PAINDIARY_TEST_MAX_DIARY_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    hook.map_or(MAX_DIARY_BYTES, |v| v.min(MAX_DIARY_BYTES))
}

/// Refuses `bytes` that every later read would refuse.
fn check_size(diary: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    let limit = write_limit();
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limit {
        return Err(StorageError::WouldBeTooLarge {
            path: diary.to_path_buf(),
            size,
            limit,
        });
    }
    Ok(())
}

fn replace(
    shown: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    keep_previous: bool,
) -> Result<(), StorageError> {
    let target = resolve_target(shown)?;
    let name = file_name_of(&target)?;
    let dir = dir_of(&target);
    let prefix = temp_prefix(name);

    let existing = inspect_existing(shown, &target)?;
    remove_leftovers(dir, &prefix);
    let tmp = write_temp(
        shown,
        dir,
        &prefix,
        body,
        existing.as_ref().map(|m| (target.as_path(), m)),
    )?;
    if let Some(meta) = existing.as_ref().filter(|_| keep_previous) {
        keep_backup(shown, &target, dir, &prefix, meta)?;
    }
    tmp.persist(&target).map_err(|e| {
        StorageError::io(
            shown,
            "could not replace the file with the new version",
            e.error,
        )
    })?;
    sync_dir(dir, shown)
}

/// The current file's metadata (`None` when there is none yet); refuses what is not a
/// regular file and a file this user may not write.
fn inspect_existing(shown: &Path, target: &Path) -> Result<Option<fs::Metadata>, StorageError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StorageError::io(shown, "could not inspect the file", e)),
    };
    if !meta.is_file() {
        return Err(StorageError::NotAFile {
            path: shown.to_path_buf(),
            folder: meta.is_dir(),
        });
    }
    if !may_write(target, &meta) {
        return Err(StorageError::ReadOnly {
            path: shown.to_path_buf(),
            mode: meta.mode() & 0o7777,
        });
    }
    Ok(Some(meta))
}

/// Whether this user may write the file: never when it has no write bit at all (0444: marked
/// read-only, respected even by root, who bypasses permission checks); otherwise as the
/// system's permission check (ACLs included) says.
fn may_write(path: &Path, meta: &fs::Metadata) -> bool {
    if meta.mode() & 0o222 == 0 {
        return false;
    }
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return true;
    };
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    let rc = unsafe { libc::access(c_path.as_ptr(), libc::W_OK) };
    rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::PermissionDenied
}

/// Gives the new file `dst` the owner, group and extended attributes of `src` (the file it
/// replaces), then `mode`. Owner and group are kept where allowed (root, or a group this user
/// is in); attributes that the file system or the user cannot set are skipped.
fn copy_metadata(
    shown: &Path,
    src: &Path,
    src_meta: &fs::Metadata,
    dst: &File,
) -> Result<(), StorageError> {
    let err = |e| StorageError::io(shown, "could not give the new version the file's owner", e);
    let dst_meta = dst.metadata().map_err(err)?;
    if dst_meta.uid() != src_meta.uid() || dst_meta.gid() != src_meta.gid() {
        match std::os::unix::fs::fchown(dst, Some(src_meta.uid()), Some(src_meta.gid())) {
            Ok(()) => {}
            // Not allowed (not root): try to keep at least the group.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                let _ = std::os::unix::fs::fchown(dst, None, Some(src_meta.gid()));
            }
            Err(e) => return Err(err(e)),
        }
    }
    // chown clears set-id bits: the mode is set afterwards.
    dst.set_permissions(Permissions::from_mode(src_meta.mode() & 0o7777))
        .map_err(err)?;
    copy_xattrs(shown, src, dst)
}

/// Copies every extended attribute (POSIX ACLs are `system.posix_acl_*` attributes).
fn copy_xattrs(shown: &Path, src: &Path, dst: &File) -> Result<(), StorageError> {
    use xattr::FileExt;
    let skippable = |e: &io::Error| {
        matches!(
            e.kind(),
            io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
        ) || matches!(
            e.raw_os_error(),
            Some(libc::ENOTSUP | libc::EPERM | libc::ENODATA)
        )
    };
    let names = match xattr::list(src) {
        Ok(names) => names,
        Err(e) if skippable(&e) => return Ok(()),
        Err(e) => {
            return Err(StorageError::io(
                shown,
                "could not read the file's extended attributes",
                e,
            ));
        }
    };
    for name in names {
        let value = match xattr::get(src, &name) {
            Ok(Some(value)) => value,
            Ok(None) => continue,
            Err(e) if skippable(&e) => continue,
            Err(e) => {
                return Err(StorageError::io(
                    shown,
                    "could not read the file's extended attributes",
                    e,
                ));
            }
        };
        match dst.set_xattr(&name, &value) {
            Ok(()) => {}
            Err(e) if skippable(&e) => {}
            Err(e) => {
                return Err(StorageError::io(
                    shown,
                    format!(
                        "could not copy the extended attribute {} to the new version",
                        name.to_string_lossy()
                    ),
                    e,
                ));
            }
        }
    }
    Ok(())
}

/// Atomically makes `<target>.bak` a copy of the current file: a hard link (or, failing that,
/// a flushed copy with the same metadata) under a temporary name, renamed over the old backup
/// (a `.bak` that is a symbolic link is replaced, never followed).
fn keep_backup(
    shown: &Path,
    target: &Path,
    dir: &Path,
    prefix: &OsStr,
    meta: &fs::Metadata,
) -> Result<(), StorageError> {
    let bak = sibling(target, ".bak")?;
    let rename_err = |e| {
        StorageError::io(
            shown,
            format!("could not save the previous version as {}", bak.display()),
            e,
        )
    };
    // If hard links fail (e.g. a file system without them), copy instead.
    if let Ok(linked) = temp_builder(prefix).make_in(dir, |path| fs::hard_link(target, path)) {
        return linked
            .into_temp_path()
            .persist(&bak)
            .map_err(|e| rename_err(e.error));
    }
    copy_backup(shown, target, dir, prefix, meta, &bak)
}

fn copy_backup(
    shown: &Path,
    target: &Path,
    dir: &Path,
    prefix: &OsStr,
    meta: &fs::Metadata,
    bak: &Path,
) -> Result<(), StorageError> {
    let copy_err = |e| {
        StorageError::io(
            shown,
            format!("could not copy the previous version to {}", bak.display()),
            e,
        )
    };
    let mut source = File::open(target).map_err(copy_err)?;
    let mut tmp = temp_builder(prefix).tempfile_in(dir).map_err(copy_err)?;
    io::copy(&mut source, tmp.as_file_mut()).map_err(copy_err)?;
    copy_metadata(shown, target, meta, tmp.as_file())?;
    tmp.as_file().sync_all().map_err(copy_err)?;
    tmp.persist(bak).map_err(|e| copy_err(e.error))?;
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
    check_size(diary, bytes)?;
    let dir = dir_of(diary);
    let tmp = write_temp(diary, dir, &temp_prefix(name), |w| w.write_all(bytes), None)?;
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
        let meta = fs::metadata(&diary).unwrap();
        copy_backup(
            &diary,
            &diary,
            dir.path(),
            &temp_prefix(OsStr::new("diary.json")),
            &meta,
            &bak_of(&diary),
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
    fn symlinked_diary_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).unwrap();
        let target = real_dir.join("real.json");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        let diary = dir.path().join("diary.json");
        // A relative link, through a second link.
        symlink("real/real.json", dir.path().join("hop.json")).unwrap();
        symlink("hop.json", &diary).unwrap();

        write_atomic(&diary, b"new").unwrap();
        // The links stay links; the target holds the new data, with its mode.
        assert!(
            fs::symlink_metadata(&diary)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_link(&diary).unwrap(), PathBuf::from("hop.json"));
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(mode_of(&target), 0o640);
        // The backup is beside the target, not beside the link.
        let bak = bak_of(&target);
        assert_eq!(fs::read(&bak).unwrap(), b"old");
        assert_eq!(mode_of(&bak), 0o640);
        assert!(!bak_of(&diary).exists());
        assert!(temps(&real_dir, &target).is_empty());
        assert!(temps(dir.path(), &diary).is_empty());
    }

    #[test]
    fn dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let target = dir.path().join("gone.json");
        symlink(&target, &diary).unwrap();
        write_atomic(&diary, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&diary)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(mode_of(&target), 0o600);
        assert!(!bak_of(&target).exists());
    }

    #[test]
    fn symlink_loop_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        symlink("other.json", &diary).unwrap();
        symlink("diary.json", dir.path().join("other.json")).unwrap();
        let err = write_atomic(&diary, b"x").unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "{}: could not follow the symbolic link",
                diary.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_bak_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        symlink(&victim, bak_of(&diary)).unwrap();
        fs::write(&diary, b"old").unwrap();
        write_atomic(&diary, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(
            !fs::symlink_metadata(bak_of(&diary))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(bak_of(&diary)).unwrap(), b"old");
    }

    #[test]
    fn a_read_only_diary_is_refused_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"old").unwrap();
        for mode in [0o444, 0o400, 0o000] {
            fs::set_permissions(&diary, Permissions::from_mode(mode)).unwrap();
            let err = write_atomic(&diary, b"new").unwrap_err();
            assert!(matches!(err, StorageError::ReadOnly { .. }), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "{}: the file is read-only (mode {mode:04o}); refusing to rewrite it (make it writable, e.g. chmod u+w, to record)",
                    diary.display()
                )
            );
            assert_eq!(fs::read(&diary).unwrap(), b"old");
            assert_eq!(mode_of(&diary), mode);
            assert!(!bak_of(&diary).exists());
            assert!(temps(dir.path(), &diary).is_empty());
        }
        // Any write bit makes it writable again (the owner's here).
        fs::set_permissions(&diary, Permissions::from_mode(0o644)).unwrap();
        write_atomic(&diary, b"new").unwrap();
    }

    #[test]
    fn the_size_limit_is_checked_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"old").unwrap();
        // The real limit, without allocating 1 GiB: a slice that long would be refused; check
        // the boundary through the helper with the hook unset.
        assert_eq!(write_limit(), MAX_DIARY_BYTES);
        assert!(check_size(&diary, &[]).is_ok());
        let err = StorageError::WouldBeTooLarge {
            path: diary.clone(),
            size: MAX_DIARY_BYTES + 144,
            limit: MAX_DIARY_BYTES,
        };
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the new version would be 1.0 GiB (1073741968 bytes), larger than the 1.0 GiB limit that every command reads; nothing was written",
                diary.display()
            )
        );
    }

    #[test]
    fn the_folder_flush_failure_says_the_data_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        let err = sync_dir(&dir.path().join("no-such-folder"), &diary).unwrap_err();
        assert!(err.is_written(), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!(
                "{}: the new version was written, but flushing the folder {}/no-such-folder to disk failed (",
                diary.display(),
                dir.path().display()
            )),
            "{msg}"
        );
        assert!(msg.ends_with("; do not record it again"), "{msg}");
        assert!(sync_dir(dir.path(), &diary).is_ok());
    }

    #[test]
    fn a_rewrite_keeps_extended_attributes_and_acls() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"old").unwrap();
        fs::set_permissions(&diary, Permissions::from_mode(0o640)).unwrap();
        xattr::set(&diary, "user.paindiary.test", b"kept").unwrap();
        // A POSIX ACL (version 2): user::rw-, user:4242:r--, group::r--, mask::r--, other::---.
        let mut acl = vec![2u8, 0, 0, 0];
        for (tag, perm, id) in [
            (0x01u16, 6u16, u32::MAX),
            (0x02, 4, 4242),
            (0x04, 4, u32::MAX),
            (0x10, 4, u32::MAX),
            (0x20, 0, u32::MAX),
        ] {
            acl.extend_from_slice(&tag.to_le_bytes());
            acl.extend_from_slice(&perm.to_le_bytes());
            acl.extend_from_slice(&id.to_le_bytes());
        }
        let acl_supported = xattr::set(&diary, "system.posix_acl_access", &acl).is_ok();
        let before_acl = xattr::get(&diary, "system.posix_acl_access").unwrap();

        write_atomic(&diary, b"new").unwrap();
        assert_eq!(fs::read(&diary).unwrap(), b"new");
        assert_eq!(
            xattr::get(&diary, "user.paindiary.test")
                .unwrap()
                .as_deref(),
            Some(&b"kept"[..])
        );
        assert_eq!(mode_of(&diary), 0o640);
        if acl_supported {
            assert!(before_acl.is_some());
            assert_eq!(
                xattr::get(&diary, "system.posix_acl_access").unwrap(),
                before_acl
            );
        }
    }

    #[test]
    fn a_root_rewrite_keeps_owner_and_group() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return; // only root can give a file away
        }
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"old").unwrap();
        std::os::unix::fs::chown(&diary, Some(4242), Some(4343)).unwrap();
        fs::set_permissions(&diary, Permissions::from_mode(0o2640)).unwrap();
        write_atomic(&diary, b"new").unwrap();
        let meta = fs::metadata(&diary).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
        // The set-group-id bit survives the chown (the mode is set after it).
        assert_eq!(mode_of(&diary), 0o2640);
        let bak = fs::metadata(bak_of(&diary)).unwrap();
        assert_eq!((bak.uid(), bak.gid()), (4242, 4343));
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
