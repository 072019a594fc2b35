//! Helpers for tests/exchange.rs and tests/correct.rs: the real binary in a temporary folder
//! with a fixed clock and zone, and checks that a failed command changed nothing.
#![allow(dead_code)]

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The injected clock of every run.
pub const NOW: &str = "2026-11-26T12:00:00Z";

/// A diary with every kind of text CSV has to quote, decimals, an unknown field, a history and
/// a retracted entry. b1 has a baseline (e1) and readings in its window (e2, e3, e4).
pub const DIARY: &str = r#"{
  "format": "paindiary",
  "version": 1,
  "patient": {"id": "PT-0042", "mrn": "X1"},
  "procedures": [
    {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
     "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
     "anesthetic": "lidocaine", "steroid": false, "sedation": "none",
     "note": "He said \"fine\", then left", "operator": "Dr A"}
  ],
  "entries": [
    {"id": "e1", "at": "2026-11-20T09:00:00-07:00", "score": 7, "activity": "standing",
     "relief": null, "medication": null, "note": null},
    {"id": "e2", "at": "2026-11-20T17:00:00Z", "score": 2.5, "activity": "walking, then sitting",
     "relief": 62.5, "medication": null, "note": "line 1\nline 2 — ünïcødé ☃ 痛み"},
    {"id": "e3", "at": "2026-11-20T11:00:00-07:00", "score": 3, "activity": null,
     "relief": null, "medication": "ibuprofen 400 mg", "note": "\"quoted\"",
     "retracted": {"at": "2026-11-21T08:00:00-07:00", "reason": "scored the injection site, not the back"},
     "history": [{"amended_at": "2026-11-21T07:00:00-07:00", "score": 4}]},
    {"id": "e4", "at": "2026-11-20T12:00:00-07:00", "score": 0.30000000000000004,
     "activity": "bending", "relief": 95, "medication": null, "note": null, "mood": [1, 2]}
  ]
}
"#;

/// A temporary folder holding `diary.json` (not created until written).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub diary: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temporary folder");
        let diary = dir.path().join("diary.json");
        Env { dir, diary }
    }

    /// A folder with `diary.json` holding `text`.
    pub fn with_diary(text: &str) -> Env {
        let env = Env::new();
        std::fs::write(&env.diary, text).expect("write diary");
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }

    /// `paindiary --file diary.json ARGS` in the folder, with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_on(&self.diary, args)
    }

    pub fn cmd_on(&self, diary: &Path, args: &[&str]) -> Command {
        let mut cmd = cargo_bin_cmd!("paindiary");
        cmd.current_dir(self.dir.path())
            .env_remove("PAINDIARY_FILE")
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .env("TZ", "UTC")
            .env("PAINDIARY_NOW", NOW)
            .arg("--file")
            .arg(diary)
            .args(args);
        cmd
    }

    /// Run; (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_on(&self.diary, args)
    }

    pub fn run_on(&self, diary: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd_on(diary, args).output().expect("run paindiary");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Run, expect success; stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}: exit {code}, stderr: {err}");
        out
    }

    /// Run, expect failure with `code`: one `error: ` line on stderr holding every one of
    /// `needles`, nothing on stdout, and the diary byte for byte as before (or still absent).
    /// Returns the message.
    pub fn fails(&self, args: &[&str], code: i32, needles: &[&str]) -> String {
        let before = digest(&self.diary);
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
        assert_eq!(digest(&self.diary), before, "{args:?}: the diary changed");
        err
    }

    pub fn read(&self) -> String {
        std::fs::read_to_string(&self.diary).expect("read diary")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read()).expect("diary is JSON")
    }
}

/// SHA-256 of a file, or `None` when it does not exist.
pub fn digest(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path)
        .ok()
        .map(|bytes| Sha256::digest(bytes).to_vec())
}
