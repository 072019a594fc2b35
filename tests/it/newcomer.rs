//! A newcomer's first hour (issue 12): a diary created by `log`/`block` is announced with its
//! full path, another diary in the same folder is pointed out, and `--at`/`--after` errors are
//! the library's sentences, reported by clap with the flag (exit 2, nothing written).

use crate::common;

use common::{Env, SMALL_DIARY, sha256, stderr_of};
use std::path::Path;

const OTHER_DIARY: &str = r#"{"format": "paindiary", "version": 1, "patient": null, "procedures": [], "entries": []}
"#;

fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.bare().args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr_of(&out),
    )
}

fn full(path: &Path) -> String {
    std::fs::canonicalize(path)
        .expect("canonical path")
        .display()
        .to_string()
}

#[test]
fn log_into_a_missing_diary_says_where_in_one_line() {
    let env = Env::new();
    // A relative --file: the message has the full path.
    let (code, out, err) = run(&env, &["--file", "pain/left.json", "log", "6"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("e1  "), "{out}");
    let created = full(&env.path("pain/left.json"));
    assert_eq!(
        err,
        format!("paindiary: created a new diary at {created}\n")
    );
    // The second time nothing is created and nothing is said.
    let (code, _, err) = run(&env, &["--file", "pain/left.json", "log", "5"]);
    assert_eq!(code, 0);
    assert_eq!(err, "");
}

#[test]
fn block_into_a_missing_diary_says_where() {
    let env = Env::new();
    let (code, out, err) = run(
        &env,
        &["--file", "new.json", "block", "--anesthetic", "lidocaine"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "b1\n");
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "paindiary: created a new diary at {}",
            full(&env.path("new.json"))
        )
    );
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn a_typo_beside_an_existing_diary_is_warned_about() {
    let env = Env::new();
    std::fs::create_dir(env.path("pain")).expect("folder");
    let lbp = env.path("pain/lbp.json");
    std::fs::write(&lbp, OTHER_DIARY).expect("write");
    // Not diaries: another JSON, a diary-like text file, a folder named *.json.
    std::fs::write(env.path("pain/settings.json"), r#"{"format": "other"}"#).expect("write");
    std::fs::write(env.path("pain/notes.txt"), OTHER_DIARY).expect("write");
    std::fs::create_dir(env.path("pain/old.json")).expect("folder");
    let before = sha256(&lbp);

    let (code, _, err) = run(&env, &["--file", "pain/lbp.jsn", "log", "3"]);
    assert_eq!(code, 0, "the entry is recorded: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        lines[0],
        format!(
            "paindiary: created a new diary at {}",
            full(&env.path("pain/lbp.jsn"))
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "paindiary: warning: this folder already holds another diary (lbp.json): did you mean --file {}?",
            full(&lbp)
        )
    );
    assert_eq!(sha256(&lbp), before, "the other diary is untouched");
    assert_eq!(
        common::read_json(&env.path("pain/lbp.jsn"))["entries"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn several_other_diaries_are_counted() {
    let env = Env::new();
    for name in ["a.json", "b.json", "c.json", "d.json"] {
        std::fs::write(env.path(name), OTHER_DIARY).expect("write");
    }
    let (code, _, err) = run(
        &env,
        &["--file", "e.json", "block", "--anesthetic", "lidocaine"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("already holds 4 other diaries (a.json, b.json, c.json and 1 more)"),
        "{err}"
    );
}

#[test]
fn a_fifo_named_json_in_the_folder_does_not_hang_log() {
    let env = Env::new();
    let fifo = env.path("pipe.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let (code, _, err) = run(&env, &["--file", "new.json", "log", "4"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn at_and_after_errors_are_the_library_sentences_with_the_flag() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    let diary = env.diary();
    let file = diary.to_str().expect("path");
    let cases: &[(&[&str], &str)] = &[
        (
            &["log", "5", "--at", "tomorow"],
            "error: invalid value 'tomorow' for '--at <TIME>': `tomorow` is not a time I understand",
        ),
        (
            &["log", "5", "--at", "12:06"],
            "error: invalid value '12:06' for '--at <TIME>': `12:06` is in the future (more than 5 minutes after now)",
        ),
        (
            &[
                "block",
                "--anesthetic",
                "lidocaine",
                "--at",
                "2026-02-30 10:00",
            ],
            "error: invalid value '2026-02-30 10:00' for '--at <TIME>': `2026-02-30 10:00` is not a real date and time",
        ),
        (
            &["log", "5", "--after", "1h30"],
            "error: invalid value '1h30' for '--after <DURATION>': `1h30` is not a duration (write it with d, h, m: 90m, 8h, 1h30m, 2d)",
        ),
        (
            &["log", "5", "--after", "0m"],
            "error: invalid value '0m' for '--after <DURATION>': `0m` is zero",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["--file", file];
        all.extend_from_slice(args);
        let (code, out, err) = run(&env, &all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(err.starts_with(expected), "{args:?}:\n{err}");
        // The flag is named once, by clap; the library's sentence does not repeat it.
        assert_eq!(
            err.matches("--at").count() + err.matches("--after").count(),
            1,
            "{err}"
        );
        assert_eq!(sha256(&env.diary()), before, "{args:?} changed the diary");
    }
}

#[test]
fn a_valid_at_is_stored_as_parsed() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    env.pd(&["log", "3", "--at", "10:15"]).assert().success();
    env.pd(&["log", "2", "--after", "1h30m"]).assert().success();
    let entries = env.entries();
    let ats: Vec<&str> = entries.iter().filter_map(|e| e["at"].as_str()).collect();
    assert!(ats.contains(&"2026-11-20T10:15:00-07:00"), "{ats:?}");
    assert!(ats.contains(&"2026-11-20T11:00:00-07:00"), "{ats:?}");
}
