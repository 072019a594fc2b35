//! The test harness of the integration tests: the real `paindiary` binary in a clean
//! environment (fixed clock and zone, nothing inherited that changes its output), temporary
//! folders holding a diary, and the one SHA-256 helper.
#![allow(dead_code)] // each test module uses a different part of this module

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The clock of the record, list and storage tests: a Friday in November, noon in Denver on
/// MST (-07:00); [`SMALL_DIARY`]'s block and readings are that morning.
pub(crate) const NOW: &str = "2026-11-20T12:00:00-07:00";
/// The clock of the evaluation, exchange, correction and example-diary tests: six days after
/// the fixtures' blocks of 2026-11-20, so every observation window has closed. A second clock
/// because the example snapshots and the exchange fixtures were written against it.
pub(crate) const NOW_LATER: &str = "2026-11-26T12:00:00Z";
/// The clock of tests/it/present.rs: the day after the block its diaries log (`chart` and
/// `report` show "today" and the window as of then).
pub(crate) const NOW_NEXT_DAY: &str = "2026-11-21T12:00:00Z";
/// The local time zone of the record tests (with a DST change and a -07:00 offset).
pub(crate) const TZ: &str = "America/Denver";
/// The zone of the exchange, correction, example and presentation tests: their expected
/// output is written in UTC.
pub(crate) const UTC: &str = "UTC";
/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_paindiary");
/// How long one run of the binary may take before the test fails instead of hanging.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The one place that sets up the environment of the binary under test: the clock `now`, the
/// zone `tz`, `HOME` = `home`, and nothing inherited that changes its output (no
/// `PAINDIARY_FILE`, `NO_COLOR`, `CLICOLOR_FORCE`, `XDG_DATA_HOME`, `COLUMNS`). `program` is
/// the binary itself or a wrapper that runs it (`script` for a pseudo-terminal).
pub(crate) fn clean_std(
    program: impl AsRef<OsStr>,
    cwd: &Path,
    home: &Path,
    now: &str,
    tz: &str,
) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.current_dir(cwd)
        .env("PAINDIARY_NOW", now)
        .env("TZ", tz)
        .env("HOME", home)
        .env_remove("PAINDIARY_FILE")
        .env_remove("NO_COLOR")
        .env_remove("XDG_DATA_HOME")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    cmd
}

/// The binary under test in a clean environment (see [`clean_std`]), run in `cwd`, with a
/// time limit.
pub(crate) fn clean(cwd: &Path, home: &Path, now: &str, tz: &str) -> Command {
    let mut cmd = Command::from_std(clean_std(BIN, cwd, home, now, tz));
    cmd.timeout(TIMEOUT);
    cmd
}

/// The repository root: the example diaries' paths are relative to it.
pub(crate) fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `HOME` for runs outside an [`Env`]: cargo's scratch folder for integration tests.
pub(crate) fn scratch_home() -> &'static Path {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
}

/// The binary under test in a clean environment, run in the repository root (for the
/// example diaries, which it only reads).
pub(crate) fn in_repo(now: &str, tz: &str) -> Command {
    clean(repo(), scratch_home(), now, tz)
}

/// A temporary folder holding a diary (`<tmp>/diary.json`, not created until written) and a
/// `HOME` (`<tmp>/home`), with the clock and zone its commands run with.
pub(crate) struct Env {
    pub dir: TempDir,
    pub now: String,
    pub tz: &'static str,
}

impl Env {
    /// The record tests' clock and zone: [`NOW`] in [`TZ`].
    pub(crate) fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("home")).expect("home dir");
        Env {
            dir,
            now: NOW.to_string(),
            tz: TZ,
        }
    }

    /// The same with another injected clock.
    pub(crate) fn at(now: &str) -> Env {
        let mut env = Env::new();
        env.now = now.to_string();
        env
    }

    /// The exchange and correction tests' clock and zone: [`NOW_LATER`] in [`UTC`].
    pub(crate) fn utc() -> Env {
        let mut env = Env::at(NOW_LATER);
        env.tz = UTC;
        env
    }

    /// This folder with `diary.json` holding `text`.
    pub(crate) fn with_diary(self, text: &str) -> Env {
        self.write_diary(text);
        self
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `$HOME` of the commands: `<tmp>/home`.
    pub(crate) fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// The diary the `pd` commands use: `<tmp>/diary.json`.
    pub(crate) fn diary(&self) -> PathBuf {
        self.path("diary.json")
    }

    /// The binary in a clean environment (see [`clean_std`]) with this folder's clock, zone
    /// and `HOME`, run in the folder.
    pub(crate) fn bare(&self) -> Command {
        clean(self.dir.path(), &self.home(), &self.now, self.tz)
    }

    /// `paindiary --file <tmp>/diary.json ARGS…`
    pub(crate) fn pd(&self, args: &[&str]) -> Command {
        self.pd_on(&self.diary(), args)
    }

    /// `paindiary --file DIARY ARGS…` in this folder's environment.
    pub(crate) fn pd_on(&self, diary: &Path, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--file").arg(diary).args(args);
        cmd
    }

    /// A `std::process::Command` with the same environment (for spawning and killing).
    pub(crate) fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = clean_std(BIN, self.dir.path(), &self.home(), &self.now, self.tz);
        cmd.arg("--file").arg(self.diary()).args(args);
        cmd
    }

    pub(crate) fn write_diary(&self, text: &str) {
        std::fs::write(self.diary(), text).expect("write diary");
    }

    pub(crate) fn diary_json(&self) -> Value {
        read_json(&self.diary())
    }

    /// The diary's entries as JSON objects.
    pub(crate) fn entries(&self) -> Vec<Value> {
        self.diary_json()["entries"]
            .as_array()
            .expect("entries array")
            .clone()
    }

    /// Run `log`/`block`… expecting success; returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.pd(args).assert().success().get_output().clone();
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Write `bytes` into `<tmp>/NAME`; returns the path.
    pub(crate) fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }

    /// Run `pd ARGS`; (exit code, stdout, stderr).
    pub(crate) fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_on(&self.diary(), args)
    }

    /// Run `pd_on DIARY ARGS`; (exit code, stdout, stderr).
    pub(crate) fn run_on(&self, diary: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self.pd_on(diary, args).output().expect("run paindiary");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Run, expect failure with `code`: one `error: ` line on stderr holding every one of
    /// `needles`, nothing on stdout, and the diary byte for byte as before (or still absent).
    /// Returns the message.
    pub(crate) fn fails(&self, args: &[&str], code: i32, needles: &[&str]) -> String {
        let before = sha256(&self.diary());
        let (got, out, err) = self.run(args);
        assert_eq!(got, code, "{args:?}: stderr: {err}");
        assert_eq!(out, "", "{args:?}: nothing on stdout");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        if !err.contains("For more information, try '--help'") {
            // Ours: one sentence on one line (clap's own usage errors add a hint line).
            assert_eq!(
                err.trim_end().lines().count(),
                1,
                "{args:?}: one line: {err}"
            );
        }
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: {needle:?} not in {err}");
        }
        assert_eq!(sha256(&self.diary()), before, "{args:?}: the diary changed");
        err
    }

    /// The diary's text.
    pub(crate) fn read(&self) -> String {
        std::fs::read_to_string(self.diary()).expect("read diary")
    }
}

pub(crate) fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).expect("read json file");
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// SHA-256 of bytes, as hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of a file's bytes, as hex, or `None` when it cannot be read (absent): comparing
/// before and after a failed command shows it left the file byte for byte as it was.
pub(crate) fn sha256(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| sha256_hex(&bytes))
}

/// The permission bits of a file.
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

/// A small valid diary: one block at 09:30 with a baseline of 7 before it.
pub(crate) const SMALL_DIARY: &str = r#"{
  "format": "paindiary",
  "version": 1,
  "patient": {"id": "PT-0042"},
  "procedures": [
    {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
     "region": "lumbar", "levels": ["L4-L5"], "side": "left", "anesthetic": "lidocaine",
     "steroid": false, "sedation": "none", "note": null}
  ],
  "entries": [
    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 8, "activity": "standing",
     "relief": null, "medication": null, "note": null},
    {"id": "e2", "at": "2026-11-20T09:00:00-07:00", "score": 6, "activity": "standing",
     "relief": null, "medication": null, "note": null}
  ]
}
"#;

/// The temporary files a write of `diary.json` may leave behind after a crash.
pub(crate) fn leftover_temps(dir: &Path, diary_name: &str) -> Vec<PathBuf> {
    let prefix = format!(".{diary_name}.tmp-");
    std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Stderr of a finished command as text.
pub(crate) fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
