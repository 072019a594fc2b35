//! Shared helpers for the integration tests: a temporary folder with a fixed clock, time zone
//! and environment, and commands that run the real `paindiary` binary in it.
#![allow(dead_code)] // each test file uses a different part of this module

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The injected clock of every test (a Friday in November: Denver is on MST, -07:00).
pub const NOW: &str = "2026-11-20T12:00:00-07:00";
/// The local time zone of every test.
pub const TZ: &str = "America/Denver";
/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_paindiary");

/// A temporary folder holding a diary, with a controlled environment.
pub struct Env {
    pub dir: TempDir,
    pub now: String,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("home")).expect("home dir");
        Env {
            dir,
            now: NOW.to_string(),
        }
    }

    /// The same with another injected clock.
    pub fn at(now: &str) -> Env {
        let mut env = Env::new();
        env.now = now.to_string();
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `$HOME` of the commands: `<tmp>/home`.
    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// The diary the `pd` commands use: `<tmp>/diary.json`.
    pub fn diary(&self) -> PathBuf {
        self.path("diary.json")
    }

    /// The binary with a clean environment (no `PAINDIARY_FILE`, `NO_COLOR`, `XDG_DATA_HOME`,
    /// `COLUMNS`),
    /// the fixed clock and zone, `HOME` inside the temp folder, run in the temp folder.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.dir.path())
            .env("PAINDIARY_NOW", &self.now)
            .env("TZ", TZ)
            .env("HOME", self.home())
            .env_remove("PAINDIARY_FILE")
            .env_remove("NO_COLOR")
            .env_remove("XDG_DATA_HOME")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("COLUMNS")
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// `paindiary --file <tmp>/diary.json ARGS…`
    pub fn pd(&self, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--file").arg(self.diary()).args(args);
        cmd
    }

    /// A `std::process::Command` with the same environment (for spawning and killing).
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.current_dir(self.dir.path())
            .env("PAINDIARY_NOW", &self.now)
            .env("TZ", TZ)
            .env("HOME", self.home())
            .env_remove("PAINDIARY_FILE")
            .env_remove("NO_COLOR")
            .env_remove("XDG_DATA_HOME")
            .env_remove("COLUMNS")
            .arg("--file")
            .arg(self.diary())
            .args(args);
        cmd
    }

    pub fn write_diary(&self, text: &str) {
        std::fs::write(self.diary(), text).expect("write diary");
    }

    pub fn diary_json(&self) -> Value {
        read_json(&self.diary())
    }

    /// The diary's entries as JSON objects.
    pub fn entries(&self) -> Vec<Value> {
        self.diary_json()["entries"]
            .as_array()
            .expect("entries array")
            .clone()
    }

    /// Run `log`/`block`… expecting success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.pd(args).assert().success().get_output().clone();
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }
}

pub fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).expect("read json file");
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// SHA-256 of a file's bytes, as hex.
pub fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read file to hash");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The permission bits of a file.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

/// A small valid diary: one block at 09:30 with a baseline of 7 before it.
pub const SMALL_DIARY: &str = r#"{
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
pub fn leftover_temps(dir: &Path, diary_name: &str) -> Vec<PathBuf> {
    let prefix = format!(".{diary_name}.tmp-");
    std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Stderr of a finished command as text.
pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
