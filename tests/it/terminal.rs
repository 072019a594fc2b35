//! Terminal safety (SPEC §4): text from a diary never reaches a terminal raw. Tables (and error
//! messages) show C0 controls other than newline and tab, DEL and C1 controls escaped; JSON
//! output escapes them as JSON does.
use crate::common;

use common::{Env, stderr_of};
use serde_json::{Value, json};

const ESC_ID: &str = "e\u{1b}[31m9";
const ESC_BLOCK: &str = "b\u{1b}[2J1";
const ESC_NOTE: &str = "\u{1b}]0;pwned\u{7} hi\r\u{1b}[1A";
const C1_ACTIVITY: &str = "\u{9b}31mwalking";
const DEL_MEDICATION: &str = "ibu\u{7f}profen";
const ESC_PATIENT: &str = "PT\u{1b}[5m-1";

fn hostile_diary() -> String {
    json!({
        "format": "paindiary",
        "version": 1,
        "patient": {"id": ESC_PATIENT},
        "procedures": [
            {"id": ESC_BLOCK, "at": "2026-11-20T09:30:00-07:00", "anesthetic": "lidocaine",
             "region": "lum\u{1b}[0mbar", "note": ESC_NOTE}
        ],
        "entries": [
            {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 8},
            {"id": "e2", "at": "2026-11-20T09:00:00-07:00", "score": 8},
            {"id": ESC_ID, "at": "2026-11-20T10:00:00-07:00", "score": 2,
             "activity": C1_ACTIVITY, "medication": DEL_MEDICATION, "note": ESC_NOTE},
            {"id": "e4", "at": "2026-11-20T10:30:00-07:00", "score": 2, "activity": "bend\u{85}ing",
             "note": "tab\there\nnewline"}
        ]
    })
    .to_string()
}

/// No byte that could start or be part of a control sequence: C0 other than `\n`, DEL, and the
/// UTF-8 encodings of C1 controls (0xC2 0x80..=0x9F).
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        assert!(
            b == b'\n' || (b >= 0x20 && b != 0x7f),
            "{what}: raw control byte {b:#04x} at {i}: {}",
            String::from_utf8_lossy(bytes)
        );
    }
    let text = std::str::from_utf8(bytes).expect("utf-8");
    assert!(
        !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "{what}: raw C1 control: {text}"
    );
}

#[test]
fn list_table_shows_control_characters_escaped() {
    let env = Env::new();
    env.write_diary(&hostile_diary());
    for color in ["never", "always"] {
        let out = env
            .pd(&["--color", color, "list"])
            .assert()
            .success()
            .get_output()
            .clone();
        assert_terminal_safe("list table", &out.stdout);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("\\u{1b}[31m9"), "escaped id: {text}");
        assert!(text.contains("\\u{1b}[2J1"), "escaped block id: {text}");
        assert!(text.contains("\\u{9b}31mwalking"), "escaped C1: {text}");
        assert!(text.contains("ibu\\u{7f}profen"), "escaped DEL: {text}");
        assert!(text.contains("\\u{7}"), "escaped BEL: {text}");
        assert!(text.contains("\\u{d}"), "escaped CR: {text}");
        assert!(text.contains("bend\\u{85}ing"), "escaped NEL: {text}");
    }
}

#[test]
fn list_json_escapes_as_json_does_and_keeps_the_text() {
    let env = Env::new();
    env.write_diary(&hostile_diary());
    let out = env
        .pd(&["--color", "always", "list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    // JSON escapes every C0 control; nothing else may add an escape sequence.
    assert!(!out.stdout.contains(&0x1b), "raw ESC in JSON output");
    assert!(
        out.stdout[..out.stdout.len() - 1]
            .iter()
            .all(|&b| b >= 0x20),
        "raw C0 control in JSON output"
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == ESC_ID)
        .expect("hostile entry");
    assert_eq!(row["activity"], C1_ACTIVITY);
    assert_eq!(row["medication"], DEL_MEDICATION);
    assert_eq!(row["note"], ESC_NOTE);
    assert_eq!(row["block"], ESC_BLOCK);
}

#[test]
fn evaluate_table_shows_ids_and_patient_escaped() {
    let env = Env::new();
    env.write_diary(&hostile_diary());
    for color in ["never", "always"] {
        let out = env
            .pd(&["--color", color, "evaluate"])
            .assert()
            .success()
            .get_output()
            .clone();
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        // Colour codes are the program's own; diary text must be escaped.
        let without_colour = strip_sgr(&text);
        assert_terminal_safe("evaluate table", without_colour.as_bytes());
        assert!(text.contains("\\u{1b}[2J1"), "{text}");
        assert!(text.contains("PT\\u{1b}[5m-1"), "{text}");
        assert!(!text.contains(ESC_BLOCK) && !text.contains(ESC_PATIENT));
    }
}

#[test]
fn evaluate_json_has_no_raw_escape() {
    let env = Env::new();
    env.write_diary(&hostile_diary());
    let out = env
        .pd(&["--color", "always", "evaluate", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!out.stdout.contains(&0x1b));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["patient"], ESC_PATIENT);
    assert_eq!(v["blocks"][0]["id"], ESC_BLOCK);
}

#[test]
fn log_output_shows_control_characters_escaped() {
    let env = Env::new();
    env.write_diary(&hostile_diary());
    let out = env
        .pd(&["log", "3", "--activity", "\u{1b}[31mred\u{9b}\u{7f}"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_terminal_safe("log output", &out.stdout);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("after block b\\u{1b}[2J1"), "{text}");
    assert!(text.contains("\\u{1b}[31mred\\u{9b}\\u{7f}"), "{text}");
    // The text itself is stored as given.
    let e = env
        .entries()
        .into_iter()
        .find(|e| e["id"] == "e5")
        .expect("new entry e5");
    assert_eq!(e["activity"], "\u{1b}[31mred\u{9b}\u{7f}");
}

#[test]
fn error_messages_show_diary_text_escaped() {
    let env = Env::new();
    let cases = [
        // A duplicate id, an unknown enum value, a bad time and format.
        r#"{"format":"paindiary","version":1,"entries":[{"id":"\u001b[2J","at":"2026-11-20T09:00:00-07:00","score":1},{"id":"\u001b[2J","at":"2026-11-20T09:00:00-07:00","score":1}]}"#,
        r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00-07:00","anesthetic":"lido\u001b[2J\u009b"}]}"#,
        r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026\u001b[2J","score":1}]}"#,
        r#"{"format":"\u001b[2J\u007f","version":1}"#,
        r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00-07:00","score":"\u001b[2J"}]}"#,
        // An unknown field given twice, and a syntax error inside an unknown field: the key
        // appears in the message and in the JSON path.
        r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00-07:00","score":1,"\u001b[2Jx":1,"\u001b[2Jx":2}]}"#,
        r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00-07:00","score":1,"\u001b[2Jx\u009b":[1,}]}"#,
        r#"{"format":"paindiary","version":1,"\u001b]0;t\u0007":{"a":tru}}"#,
    ];
    for text in cases {
        env.write_diary(text);
        for args in [&["list"][..], &["log", "5"]] {
            let out = env
                .pd(args)
                .assert()
                .code(1)
                .stdout("")
                .get_output()
                .clone();
            let err = stderr_of(&out);
            assert!(err.starts_with("error: "), "{err}");
            assert_terminal_safe(&format!("stderr for {text}"), &out.stderr);
            assert!(err.contains("\\u{1b}"), "escaped ESC expected: {err}");
        }
    }
}

#[test]
fn evaluate_of_several_files_reports_errors_escaped() {
    let env = Env::new();
    std::fs::write(env.path("good.json"), hostile_diary()).unwrap();
    std::fs::write(
        env.path("bad.json"),
        r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00-07:00","score":1,"\u001b[2Jx":1,"\u001b[2Jx":2}]}"#,
    )
    .unwrap();
    let out = env
        .bare()
        .args(["evaluate", "good.json", "bad.json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_terminal_safe("stderr", &out.stderr);
    assert!(stderr_of(&out).contains("error: bad.json: "));
}

/// Removes the SGR colour sequences (`ESC [ … m`) the program adds itself.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
                assert!(
                    d.is_ascii_digit() || d == ';',
                    "unexpected escape sequence in {text:?}"
                );
            }
        } else {
            out.push(c);
        }
    }
    out
}
