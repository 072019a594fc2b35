//! Where `report` and `export` write: standard output, or `--output FILE` replaced atomically
//! (never the diary, its `.bak` or its `.lock`); `--output -` is standard output.

use super::context::usage;
use anyhow::{Context as _, Result};
use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The destination of `report` or `export`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `--output` as given: none or `-` is standard output.
    pub(super) fn from_arg(arg: Option<&Path>) -> Output {
        match arg {
            None => Output::Stdout,
            Some(p) if p.as_os_str() == "-" => Output::Stdout,
            Some(p) => Output::File(p.to_path_buf()),
        }
    }

    /// Refuse a file that is the diary or one of its siblings (exit 2), before any work.
    pub(super) fn check(&self, diary: &Path, what: &str) -> Result<()> {
        match self {
            Output::Stdout => Ok(()),
            Output::File(out) => refuse_diary_paths(diary, out, what),
        }
    }

    /// Write what `body` produces. A closed pipe (`| head`) ends quietly with exit 0; a file is
    /// written to a temporary file in its folder, flushed, fsynced and renamed over `path`.
    pub(super) fn write_with(
        &self,
        body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        match self {
            Output::Stdout => {
                let stdout = io::stdout();
                let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
                match body(&mut out).and_then(|()| out.flush()) {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
                    other => other.context("could not write to standard output"),
                }
            }
            Output::File(path) => write_file_atomic(path, body),
        }
    }
}

/// True when `report` would print HTML onto a terminal (refused, SPEC §2).
pub(super) fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// The path made absolute and with its folder resolved (symlinks followed), so two spellings
/// of one file compare equal even when the file does not exist yet.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(dir).ok()?.join(name))
}

/// Refuse (exit 2) an `--output` that is the diary itself or its backup or lock file.
fn refuse_diary_paths(diary: &Path, output: &Path, what: &str) -> Result<()> {
    let Some(out) = resolved(output) else {
        return Ok(());
    };
    let mut protected = vec![diary.to_path_buf()];
    // The backup and lock sit beside the diary, or beside its target when it is a link.
    let mut bases = vec![diary.to_path_buf()];
    if let Ok(target) = paindiary::storage::resolve_target(diary)
        && target != diary
    {
        bases.push(target);
    }
    for base in &bases {
        if let Some(name) = base.file_name() {
            for suffix in [".bak", ".lock"] {
                let mut sibling = name.to_os_string();
                sibling.push(suffix);
                protected.push(base.with_file_name(sibling));
            }
        }
    }
    for path in protected {
        if resolved(&path).is_some_and(|p| p == out) {
            return Err(usage(format!(
                "--output {}: refusing to write the {what} over {} (the diary{})",
                output.display(),
                path.display(),
                if path == diary {
                    ""
                } else {
                    "'s backup or lock file"
                }
            )));
        }
    }
    Ok(())
}

/// Replace `path` atomically with what `body` writes, by the storage module's atomic write
/// (temporary file in the same folder, fsync, rename, folder fsync; the old file's mode, else
/// 0600; a link written through to its target). A write whose folder flush alone failed is a
/// warning, like a diary's.
pub(super) fn write_file_atomic(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    super::record::written(paindiary::storage::write_file_atomic(path, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::Permissions;
    use std::os::unix::fs::PermissionsExt;

    fn write(path: &Path, bytes: &[u8]) -> Result<()> {
        write_file_atomic(path, |w| w.write_all(bytes))
    }

    #[test]
    fn atomic_write_creates_private_file_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&path, Permissions::from_mode(0o644)).unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write(dir.path(), b"x").is_err());
    }

    #[test]
    fn a_failing_body_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        fs::write(&path, b"old").unwrap();
        let err = write_file_atomic(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("boom"), "{err:#}");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn diary_and_its_siblings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"{}").unwrap();
        let other = dir.path().join("sub").join("..").join("diary.json");
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(refuse_diary_paths(&diary, &other, "report").is_err());
        for sibling in ["diary.json.bak", "diary.json.lock"] {
            assert!(refuse_diary_paths(&diary, &dir.path().join(sibling), "export").is_err());
        }
        assert!(refuse_diary_paths(&diary, &dir.path().join("report.html"), "report").is_ok());
    }

    #[test]
    fn dash_is_standard_output() {
        assert_eq!(Output::from_arg(None), Output::Stdout);
        assert_eq!(Output::from_arg(Some(Path::new("-"))), Output::Stdout);
        assert_eq!(
            Output::from_arg(Some(Path::new("./-"))),
            Output::File(PathBuf::from("./-"))
        );
    }
}
